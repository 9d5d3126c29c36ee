//! Teams through HTTP and Socket.IO: each team's own queue and places in line, who sees and
//! takes what, moving a conversation to another team, the customers' choice of a team, the
//! admins' changes to teams, and what one organization never reaches of another's teams.

use std::time::Duration;

use serde_json::{Value, json};

use crate::socket::WAIT;
use crate::support::*;

/// An organization with a Sales team (Sally, one conversation at a time) and a Support team
/// (Pat, two at a time), both plain agents who also belong to the default team like every
/// agent. Nobody is online: a test connects whom it needs. The admin never connects.
struct Desk {
    app: TestApp,
    org: OrgHandle,
    sally: AgentHandle,
    pat: AgentHandle,
    sales: String,
    support: String,
    default: String,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let org = app.signup_org("Teams").await;
    // Pat first: among free agents, round robin would pick Pat (never assigned, older id).
    let pat = app
        .create_agent(&org, "Pat Support", "agent", Some(2))
        .await;
    let sally = app
        .create_agent(&org, "Sally Sales", "agent", Some(1))
        .await;
    let sales = created(&app, &org.admin_token, "Sales", &[&sally.id]).await;
    let support = created(&app, &org.admin_token, "Support", &[&pat.id]).await;
    let default = default_team(&app, &org.admin_token).await;
    Desk {
        app,
        org,
        sally,
        pat,
        sales,
        support,
        default,
    }
}

impl Desk {
    /// A new customer's conversation with `team` (none: the default one), started by writing.
    async fn conversation(&self, team: Option<&str>, first: &str) -> (ClientHandle, String) {
        let customer = self.app.register_client().await;
        let id = open_with_team(&self.app, &customer, &self.org, team, first).await;
        (customer, id)
    }

    /// Like `conversation`, with the customer's socket connected after the conversation is
    /// queued (it is told its place on connecting).
    async fn watched(&self, team: Option<&str>, first: &str) -> (SocketClient, String) {
        let (customer, id) = self.conversation(team, first).await;
        (self.app.socket(&customer.token).await, id)
    }

    async fn listed(&self, token: &str, query: &str) -> Vec<String> {
        listed(&self.app, token, &self.org, query).await
    }
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

async fn create_team(app: &TestApp, token: &str, name: &str, members: &[&str]) -> (u16, Value) {
    app.post(
        "/api/teams",
        Some(token),
        json!({ "name": name, "members": members }),
    )
    .await
}

/// A team that must be created; its id.
async fn created(app: &TestApp, token: &str, name: &str, members: &[&str]) -> String {
    let res = create_team(app, token, name, members).await;
    assert_eq!(res.0, 201, "{}", res.1);
    id_of(&res.1["team"])
}

async fn teams(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, body) = app.get("/api/teams", Some(token)).await;
    assert_eq!(status, 200, "{body}");
    body["teams"].as_array().expect("a list").clone()
}

async fn default_team(app: &TestApp, token: &str) -> String {
    let all = teams(app, token).await;
    let default = all.iter().find(|t| t["is_default"] == true);
    id_of(default.expect("a default team"))
}

fn team_named<'a>(teams: &'a [Value], name: &str) -> &'a Value {
    teams
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no team {name} in {teams:?}"))
}

fn members(team: &Value) -> Vec<String> {
    let mut ids: Vec<String> = team["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn open_raw(
    app: &TestApp,
    client: &ClientHandle,
    org: &str,
    team: Option<&str>,
    first: &str,
) -> (u16, Value) {
    let mut body = json!({ "organization_id": org, "message": first });
    if let Some(t) = team {
        body["team_id"] = json!(t);
    }
    app.post("/api/sessions", Some(&client.token), body).await
}

/// Opens a conversation with `team` by writing `first`; its id.
async fn open_with_team(
    app: &TestApp,
    client: &ClientHandle,
    org: &OrgHandle,
    team: Option<&str>,
    first: &str,
) -> String {
    let res = open_raw(app, client, &org.id, team, first).await;
    assert_eq!(res.0, 201, "{}", res.1);
    id_of(&res.1["session"])
}

/// The ids of the organization's conversations as `token` lists them, with `query`
/// (`?status=waiting`…).
async fn listed(app: &TestApp, token: &str, org: &OrgHandle, query: &str) -> Vec<String> {
    let (status, body) = app
        .get(
            &format!("/api/sessions/organization/{}{query}", org.id),
            Some(token),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    ids(&body["sessions"])
}

/// The ids of the conversations a search for `q` finds.
async fn searched(app: &TestApp, token: &str, q: &str) -> Vec<String> {
    let (status, body) = app.get(&format!("/api/search?q={q}"), Some(token)).await;
    assert_eq!(status, 200, "{body}");
    let mut found: Vec<String> = body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| id_of(&r["session"]))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Who answers the conversation, as `token` reads it.
async fn assignee(app: &TestApp, token: &str, session: &str) -> Option<String> {
    app.session(token, session).await["agent_id"]
        .as_str()
        .map(String::from)
}

/// Waits until the conversation is given to `agent` (an agent coming online drains the
/// queue after their socket is connected).
async fn given_to(app: &TestApp, token: &str, session: &str, agent: &AgentHandle) {
    wait_until(
        &format!("{session} is given to {}", agent.name),
        WAIT,
        || async { assignee(app, token, session).await.as_deref() == Some(agent.id.as_str()) },
    )
    .await;
}

async fn move_to(app: &TestApp, token: &str, session: &str, team: &str) -> (u16, Value) {
    app.put(
        &format!("/api/sessions/{session}/team"),
        Some(token),
        json!({ "team_id": team }),
    )
    .await
}

async fn settings(app: &TestApp, org: &OrgHandle, settings: Value) {
    let (status, body) = app
        .put(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
            json!({ "settings": settings }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn profile(app: &TestApp, org: &OrgHandle) -> Value {
    let (status, body) = app
        .get(&format!("/api/organizations/discover/{}", org.domain), None)
        .await;
    assert_eq!(status, 200, "{body}");
    body["organization"].clone()
}

/// Each public team's name with its availability, by name.
fn availability_by_team(profile: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = profile["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["availability"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

// ---------------------------------------------------------------------------------------------
// The default team

#[tokio::test]
async fn every_organization_has_a_default_team_that_every_new_agent_joins() {
    let app = spawn_app().await;
    let org = app.signup_org("Defaults").await;
    let nora = app.create_agent(&org, "Nora", "agent", None).await;
    let all = teams(&app, &nora.token).await;
    assert_eq!(all.len(), 1, "{all:?}");
    let everyone = &all[0];
    assert_eq!(everyone["name"], "Everyone");
    assert_eq!(everyone["is_default"], true);
    assert_eq!(everyone["organization_id"], org.id.as_str());
    assert_eq!(
        members(everyone),
        sorted(vec![org.admin_id.clone(), nora.id])
    );

    // A conversation opened without a team belongs to the default one.
    let customer = app.register_client().await;
    let session = app.open_session(&customer, &org, Some("hello")).await;
    assert_eq!(session["team_id"], everyone["id"]);
}

// ---------------------------------------------------------------------------------------------
// Routing and places in line

#[tokio::test]
async fn a_sales_conversation_goes_to_the_sales_agent_even_when_support_is_free() {
    let d = desk().await;
    let _pat = d.app.socket(&d.pat.token).await;
    let _sally = d.app.socket(&d.sally.token).await;
    let (_, sale) = d
        .conversation(Some(&d.sales), "a quote for 40 chairs")
        .await;
    assert_eq!(
        assignee(&d.app, &d.org.admin_token, &sale).await.as_deref(),
        Some(d.sally.id.as_str()),
        "Pat was free and first in the round robin, but is not in Sales"
    );
    let (_, help) = d.conversation(Some(&d.support), "my chair wobbles").await;
    assert_eq!(
        assignee(&d.app, &d.org.admin_token, &help).await.as_deref(),
        Some(d.pat.id.as_str())
    );
}

#[tokio::test]
async fn with_the_sales_agent_at_capacity_a_sales_conversation_waits_while_support_stays_free() {
    let d = desk().await;
    let pat_socket = d.app.socket(&d.pat.token).await;
    let _sally = d.app.socket(&d.sally.token).await;
    let (_, first) = d.conversation(Some(&d.sales), "first quote").await;
    assert_eq!(
        assignee(&d.app, &d.org.admin_token, &first)
            .await
            .as_deref(),
        Some(d.sally.id.as_str())
    );
    let (_, second) = d.conversation(Some(&d.sales), "second quote").await;
    assert_eq!(
        assignee(&d.app, &d.org.admin_token, &second).await,
        None,
        "Sally is at capacity"
    );
    pat_socket
        .assert_no("new_session_assigned", Duration::from_millis(300))
        .await;
    assert!(
        d.listed(&d.pat.token, "?status=active").await.is_empty(),
        "Pat stays free"
    );

    // Sally's first conversation ends: the waiting Sales one is hers.
    assert_eq!(d.app.close(&d.sally.token, &first).await.0, 200);
    assert_eq!(
        assignee(&d.app, &d.org.admin_token, &second)
            .await
            .as_deref(),
        Some(d.sally.id.as_str())
    );
}

#[tokio::test]
async fn places_in_line_count_only_the_conversations_ahead_in_the_same_team() {
    let d = desk().await;
    let (s1, sale1) = d.watched(Some(&d.sales), "sale one").await;
    let (s2, help1) = d.watched(Some(&d.support), "help one").await;
    let (s3, sale2) = d.watched(Some(&d.sales), "sale two").await;
    let (s4, help2) = d.watched(Some(&d.support), "help two").await;
    for (socket, session, place) in [
        (&s1, &sale1, 1),
        (&s2, &help1, 1),
        (&s3, &sale2, 2),
        (&s4, &help2, 2),
    ] {
        let told = socket
            .wait_for_where("queue_position", WAIT, |v| {
                v["session_id"] == session.as_str()
            })
            .await
            .unwrap_or_else(|| panic!("no place for {session}"));
        assert_eq!(told["position"], place, "{session}: {told}");
    }

    // Pat comes online and takes the Support line: the Sales line does not move.
    let _pat = d.app.socket(&d.pat.token).await;
    given_to(&d.app, &d.org.admin_token, &help1, &d.pat).await;
    s3.assert_no_where("queue_position", Duration::from_millis(300), |v| {
        v["session_id"] == sale2.as_str()
    })
    .await;
    assert_eq!(
        d.listed(
            &d.org.admin_token,
            &format!("?status=waiting&team={}", d.sales)
        )
        .await,
        vec![sale1, sale2]
    );
}

// ---------------------------------------------------------------------------------------------
// Who sees and takes what

#[tokio::test]
async fn plain_agents_do_not_see_another_teams_queue_in_lists_or_search() {
    let d = desk().await;
    let (_, sale) = d
        .conversation(Some(&d.sales), "quote for zebrawood tables")
        .await;
    let (_, help) = d
        .conversation(Some(&d.support), "my zebrawood table creaks")
        .await;
    let (_, anyone) = d.conversation(None, "zebrawood for everyone").await;

    // Pat: Support's and the default team's queue, never Sales'.
    let waiting = d.listed(&d.pat.token, "?status=waiting").await;
    assert_eq!(sorted(waiting), sorted(vec![help.clone(), anyone.clone()]));
    let (status, body) = d
        .app
        .get(
            &format!("/api/sessions/organization/{}/waiting", d.org.id),
            Some(&d.pat.token),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(!ids(&body["sessions"]).contains(&sale));
    assert!(!d.listed(&d.pat.token, "").await.contains(&sale));
    assert_eq!(
        searched(&d.app, &d.pat.token, "zebrawood").await,
        sorted(vec![help.clone(), anyone.clone()])
    );

    // Sally: the other way round.
    assert_eq!(
        sorted(d.listed(&d.sally.token, "?status=waiting").await),
        sorted(vec![sale.clone(), anyone.clone()])
    );
    assert_eq!(
        searched(&d.app, &d.sally.token, "zebrawood").await,
        sorted(vec![sale, anyone])
    );
}

#[tokio::test]
async fn plain_agents_take_only_their_teams_waiting_conversations() {
    let d = desk().await;
    let (_, sale) = d.conversation(Some(&d.sales), "a quote please").await;
    let (_, help) = d.conversation(Some(&d.support), "help please").await;

    assert_error(
        &d.app.assign(&d.pat.token, &sale, &d.pat.id).await,
        403,
        "forbidden",
    );
    let by_status = d
        .app
        .put(
            &format!("/api/sessions/{sale}/status"),
            Some(&d.pat.token),
            json!({ "status": "active" }),
        )
        .await;
    assert_error(&by_status, 403, "forbidden");
    assert_error(
        &d.app.send(&d.pat.token, &sale, "I'll take it").await,
        403,
        "forbidden",
    );
    assert_eq!(assignee(&d.app, &d.org.admin_token, &sale).await, None);
    let history = d
        .app
        .get(
            &format!("/api/sessions/{sale}/messages"),
            Some(&d.org.admin_token),
        )
        .await;
    assert!(
        !history.1.to_string().contains("I'll take it"),
        "nothing was written: {}",
        history.1
    );

    // Their own team's: taken by writing.
    assert_eq!(d.app.send(&d.pat.token, &help, "On it").await.0, 201);
    assert_eq!(
        assignee(&d.app, &d.org.admin_token, &help).await.as_deref(),
        Some(d.pat.id.as_str())
    );
    let res = d.app.assign(&d.sally.token, &sale, &d.sally.id).await;
    assert_eq!(res.0, 200, "{}", res.1);
}

#[tokio::test]
async fn supervisors_limited_to_their_teams_see_their_teams_conversations_and_their_own() {
    let d = desk().await;
    let sup = d
        .app
        .create_agent(&d.org, "Sue Visor", "supervisor", None)
        .await;
    let (status, body) = d
        .app
        .put(
            &format!("/api/teams/{}", d.sales),
            Some(&d.org.admin_token),
            json!({ "members": [d.sally.id, sup.id] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Sue is in Sales and, like every agent, in the default team: take her out of it so only
    // her own team shows.
    let everyone = team_named(&teams(&d.app, &d.org.admin_token).await, "Everyone").clone();
    let others: Vec<String> = members(&everyone)
        .into_iter()
        .filter(|m| *m != sup.id)
        .collect();
    let res = d
        .app
        .put(
            &format!("/api/teams/{}", d.default),
            Some(&d.org.admin_token),
            json!({ "members": others }),
        )
        .await;
    assert_eq!(res.0, 200, "{}", res.1);

    let (_, sale_waiting) = d.conversation(Some(&d.sales), "sale waiting zebu").await;
    let (_, sale_active) = d.conversation(Some(&d.sales), "sale active zebu").await;
    assert_eq!(
        d.app
            .assign(&d.org.admin_token, &sale_active, &d.sally.id)
            .await
            .0,
        200
    );
    let (_, help_waiting) = d.conversation(Some(&d.support), "help waiting zebu").await;
    let (_, help_active) = d.conversation(Some(&d.support), "help active zebu").await;
    assert_eq!(
        d.app
            .assign(&d.org.admin_token, &help_active, &d.pat.id)
            .await
            .0,
        200
    );
    let (_, hers) = d.conversation(Some(&d.support), "help of hers zebu").await;
    assert_eq!(
        d.app.assign(&d.org.admin_token, &hers, &sup.id).await.0,
        200
    );
    let everything = sorted(vec![
        sale_waiting.clone(),
        sale_active.clone(),
        help_waiting.clone(),
        help_active.clone(),
        hers.clone(),
    ]);

    // By default supervisors see everything.
    assert_eq!(sorted(d.listed(&sup.token, "").await), everything);

    settings(&d.app, &d.org, json!({ "supervisors_see_all": false })).await;
    let limited = sorted(vec![
        sale_waiting.clone(),
        sale_active.clone(),
        hers.clone(),
    ]);
    assert_eq!(sorted(d.listed(&sup.token, "").await), limited);
    assert_eq!(searched(&d.app, &sup.token, "zebu").await, limited);
    assert_eq!(
        d.listed(&sup.token, &format!("?team={}", d.support)).await,
        vec![hers.clone()],
        "of Support, only her own"
    );

    // Admins see everything all the same, in no team of theirs.
    assert_eq!(sorted(d.listed(&d.org.admin_token, "").await), everything);
    assert_eq!(
        searched(&d.app, &d.org.admin_token, "zebu").await,
        everything
    );

    settings(&d.app, &d.org, json!({ "supervisors_see_all": true })).await;
    assert_eq!(sorted(d.listed(&sup.token, "").await), everything);
    assert_eq!(searched(&d.app, &sup.token, "zebu").await, everything);
}

#[tokio::test]
async fn the_settings_for_teams_are_off_by_default_and_kept() {
    let app = spawn_app().await;
    let org = app.signup_org("Switches").await;
    let read = || async {
        let (status, body) = app
            .get(
                &format!("/api/organizations/{}", org.id),
                Some(&org.admin_token),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["organization"]["settings"].clone()
    };
    let s = read().await;
    assert_eq!(s["team_choice"], false);
    assert_eq!(s["supervisors_see_all"], true);
    settings(
        &app,
        &org,
        json!({ "team_choice": true, "supervisors_see_all": false }),
    )
    .await;
    let s = read().await;
    assert_eq!(s["team_choice"], true);
    assert_eq!(s["supervisors_see_all"], false);
}

// ---------------------------------------------------------------------------------------------
// Moving a conversation to another team

#[tokio::test]
async fn a_conversation_moved_to_another_team_leaves_its_agent_with_a_note_and_is_given_there() {
    let d = desk().await;
    let _sally = d.app.socket(&d.sally.token).await;
    let (customer, sale) = d
        .conversation(Some(&d.sales), "actually my order is broken")
        .await;
    let customer_socket = d.app.socket(&customer.token).await;
    assert_eq!(
        assignee(&d.app, &d.org.admin_token, &sale).await.as_deref(),
        Some(d.sally.id.as_str())
    );
    let pat_socket = d.app.socket(&d.pat.token).await;

    let (status, body) = move_to(&d.app, &d.sally.token, &sale, &d.support).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["session"]["team_id"], d.support.as_str(), "{body}");
    assert_eq!(body["session"]["agent_id"], d.pat.id.as_str(), "{body}");
    assert_eq!(body["session"]["status"], "active");
    pat_socket
        .wait_for_where("new_session_assigned", WAIT, |v| {
            v["session_id"] == sale.as_str()
        })
        .await
        .expect("Pat is given the conversation");
    let told = customer_socket
        .wait_for_where("new_message", WAIT, |v| {
            v["message"]["content"] == "The conversation moved to the Support team"
        })
        .await
        .expect("the customer reads the note");
    assert_eq!(told["message"]["sender_type"], "system");
    let (_, history) = d
        .app
        .get(
            &format!("/api/sessions/{sale}/messages"),
            Some(&customer.token),
        )
        .await;
    let notes: Vec<&str> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["sender_type"] == "system")
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert!(
        notes.contains(&"The conversation moved to the Support team"),
        "{notes:?}"
    );
    let stored = d.app.session(&d.org.admin_token, &sale).await;
    assert_eq!(
        stored["team_id"],
        d.support.as_str(),
        "the move is kept: {stored}"
    );
    assert!(d.listed(&d.sally.token, "?status=active").await.is_empty());
}

#[tokio::test]
async fn a_moved_conversation_waits_at_its_original_place_in_the_new_teams_line() {
    let d = desk().await;
    let (moved_socket, early_sale) = d.watched(Some(&d.sales), "I asked first").await;
    let first_queued = d.app.session(&d.org.admin_token, &early_sale).await["queued_at"].clone();
    let (b_socket, help) = d.watched(Some(&d.support), "I asked second").await;
    let (_, later_help) = d.conversation(Some(&d.support), "I asked third").await;
    b_socket
        .wait_for_where("queue_position", WAIT, |v| v["position"] == 1)
        .await
        .expect("first in Support's line");

    let (status, body) = move_to(&d.app, &d.org.admin_token, &early_sale, &d.support).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["session"]["status"], "waiting");
    assert_eq!(body["session"]["agent_id"], Value::Null);
    assert_eq!(
        body["session"]["queued_at"], first_queued,
        "its original waiting time"
    );
    assert_eq!(
        d.listed(
            &d.org.admin_token,
            &format!("?status=waiting&team={}", d.support)
        )
        .await,
        vec![early_sale.clone(), help.clone(), later_help.clone()]
    );
    assert!(
        d.listed(&d.org.admin_token, &format!("?team={}", d.sales))
            .await
            .is_empty()
    );
    b_socket
        .wait_for_where("queue_position", WAIT, |v| {
            v["session_id"] == help.as_str() && v["position"] == 2
        })
        .await
        .expect("the one behind moves down a place");
    moved_socket
        .wait_for_where("queue_position", WAIT, |v| {
            v["session_id"] == early_sale.as_str() && v["position"] == 1
        })
        .await
        .expect("still first in line");

    // Pat, in Support now, is given the oldest first.
    let (status, _) = d
        .app
        .put(
            &format!("/api/agents/{}", d.pat.id),
            Some(&d.org.admin_token),
            json!({ "max_concurrent_sessions": 1 }),
        )
        .await;
    assert_eq!(status, 200);
    let _pat = d.app.socket(&d.pat.token).await;
    given_to(&d.app, &d.org.admin_token, &early_sale, &d.pat).await;
    assert_eq!(assignee(&d.app, &d.org.admin_token, &help).await, None);
}

#[tokio::test]
async fn supervisors_admins_and_the_assigned_agent_move_conversations_others_may_not() {
    let d = desk().await;
    let sup = d
        .app
        .create_agent(&d.org, "Sue Visor", "supervisor", None)
        .await;
    let (customer, sale) = d.conversation(Some(&d.sales), "please move me").await;
    assert_eq!(
        d.app.assign(&d.org.admin_token, &sale, &d.sally.id).await.0,
        200
    );

    assert_error(
        &move_to(&d.app, &d.pat.token, &sale, &d.support).await,
        403,
        "forbidden",
    );
    assert_error(
        &move_to(&d.app, &customer.token, &sale, &d.support).await,
        403,
        "forbidden",
    );
    let unknown = uuid::Uuid::now_v7().to_string();
    assert_error(
        &move_to(&d.app, &d.sally.token, &sale, &unknown).await,
        404,
        "not_found",
    );
    let missing = d
        .app
        .put(
            &format!("/api/sessions/{sale}/team"),
            Some(&d.sally.token),
            json!({}),
        )
        .await;
    assert_eq!(missing.0, 400, "{}", missing.1);

    let res = move_to(&d.app, &sup.token, &sale, &d.support).await;
    assert_eq!(res.0, 200, "{}", res.1);
    let res = move_to(&d.app, &d.org.admin_token, &sale, &d.default).await;
    assert_eq!(res.0, 200, "{}", res.1);
    assert_eq!(res.1["session"]["team_id"], d.default.as_str());

    // Its agent moves it; a closed conversation stays where it ended.
    let (_, mine) = d.conversation(Some(&d.support), "another one").await;
    assert_eq!(
        d.app.assign(&d.org.admin_token, &mine, &d.pat.id).await.0,
        200
    );
    let res = move_to(&d.app, &d.pat.token, &mine, &d.sales).await;
    assert_eq!(res.0, 200, "{}", res.1);
    assert_eq!(d.app.close(&d.org.admin_token, &mine).await.0, 200);
    assert_error(
        &move_to(&d.app, &d.org.admin_token, &mine, &d.support).await,
        409,
        "session_closed",
    );
}

// ---------------------------------------------------------------------------------------------
// The customers' choice

#[tokio::test]
async fn the_public_profile_lists_the_teams_with_their_availability_when_customers_choose() {
    let d = desk().await;
    let bill = d.app.create_agent(&d.org, "Bill Ing", "agent", None).await;
    created(&d.app, &d.org.admin_token, "Billing", &[&bill.id]).await;
    assert_eq!(
        profile(&d.app, &d.org).await["teams"],
        json!([]),
        "no choice offered"
    );

    settings(&d.app, &d.org, json!({ "team_choice": true })).await;
    let p = profile(&d.app, &d.org).await;
    assert_eq!(
        availability_by_team(&p),
        vec![
            pair("Billing", "offline"),
            pair("Everyone", "offline"),
            pair("Sales", "offline"),
            pair("Support", "offline"),
        ]
    );
    let sales = team_named(p["teams"].as_array().unwrap(), "Sales");
    assert_eq!(sales["id"], d.sales.as_str());
    let mut keys: Vec<&String> = sales.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["availability", "id", "name", "reopens", "usual_wait_secs"],
        "customers see a team's id, name and state only (never its members): {sales}"
    );

    // Sally online and free; Pat online and at capacity (2): Sales available, Support busy.
    let _sally = d.app.socket(&d.sally.token).await;
    let _pat = d.app.socket(&d.pat.token).await;
    for first in ["one", "two"] {
        let (_, id) = d.conversation(Some(&d.support), first).await;
        assert_eq!(
            assignee(&d.app, &d.org.admin_token, &id).await.as_deref(),
            Some(d.pat.id.as_str())
        );
    }
    let p = profile(&d.app, &d.org).await;
    assert_eq!(
        availability_by_team(&p),
        vec![
            pair("Billing", "offline"),
            pair("Everyone", "available"),
            pair("Sales", "available"),
            pair("Support", "busy"),
        ]
    );
    assert_eq!(p["availability"], "available");
}

#[tokio::test]
async fn customers_open_a_conversation_with_the_team_they_chose_or_the_default_one() {
    let d = desk().await;
    settings(&d.app, &d.org, json!({ "team_choice": true })).await;
    let customer = d.app.register_client().await;
    let res = open_raw(&d.app, &customer, &d.org.id, Some(&d.sales), "hi sales").await;
    assert_eq!(res.0, 201, "{}", res.1);
    assert_eq!(res.1["session"]["team_id"], d.sales.as_str());

    let visitor = d.app.visitor(&d.org, "Vera Visitor").await;
    let res = open_raw(&d.app, &visitor, &d.org.id, Some(&d.support), "hi support").await;
    assert_eq!(res.0, 201, "{}", res.1);
    assert_eq!(res.1["session"]["team_id"], d.support.as_str());

    let res = open_raw(&d.app, &visitor, &d.org.id, None, "hi anyone").await;
    assert_eq!(res.1["session"]["team_id"], d.default.as_str());

    let unknown = uuid::Uuid::now_v7().to_string();
    let res = open_raw(&d.app, &customer, &d.org.id, Some(&unknown), "hi?").await;
    assert_error(&res, 404, "not_found");
    let res = open_raw(&d.app, &customer, &d.org.id, Some("not-a-uuid"), "hi?").await;
    assert_eq!(res.0, 400, "{}", res.1);
}

// ---------------------------------------------------------------------------------------------
// Admins' changes to teams

#[tokio::test]
async fn admins_create_rename_and_set_the_members_of_teams() {
    let app = spawn_app().await;
    let org = app.signup_org("Crud").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let bob = app.create_agent(&org, "Bob", "agent", None).await;

    let (status, body) =
        create_team(&app, &org.admin_token, "  Sales  ", &[&ann.id, &ann.id]).await;
    assert_eq!(status, 201, "{body}");
    let team = &body["team"];
    assert_eq!(team["name"], "Sales", "trimmed");
    assert_eq!(team["is_default"], false);
    assert_eq!(team["organization_id"], org.id.as_str());
    assert_eq!(members(team), vec![ann.id.clone()], "each member once");
    let id = id_of(team);
    let (status, body) = app
        .post(
            "/api/teams",
            Some(&org.admin_token),
            json!({ "name": "Nobody yet" }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(members(&body["team"]).is_empty());

    let path = format!("/api/teams/{id}");
    let (status, body) = app
        .put(
            &path,
            Some(&org.admin_token),
            json!({ "name": "Sales EMEA" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["team"]["name"], "Sales EMEA");
    assert_eq!(members(&body["team"]), vec![ann.id.clone()], "members kept");

    let (status, body) = app
        .put(
            &path,
            Some(&org.admin_token),
            json!({ "members": [bob.id] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["team"]["name"], "Sales EMEA", "name kept");
    assert_eq!(
        members(&body["team"]),
        vec![bob.id.clone()],
        "members replaced"
    );

    let listed = teams(&app, &ann.token).await;
    let names: Vec<&str> = listed.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        vec!["Everyone", "Nobody yet", "Sales EMEA"],
        "default first"
    );
    assert_eq!(
        members(team_named(&listed, "Sales EMEA")),
        vec![bob.id.clone()]
    );

    assert_eq!(app.delete(&path, Some(&org.admin_token)).await.0, 204);
    assert!(
        teams(&app, &ann.token)
            .await
            .iter()
            .all(|t| t["name"] != "Sales EMEA")
    );
    assert_error(
        &app.delete(&path, Some(&org.admin_token)).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn team_names_and_members_are_checked() {
    let app = spawn_app().await;
    let org = app.signup_org("Checks").await;
    let other = app.signup_org("Elsewhere").await;
    let t = &org.admin_token;
    let sales = created(&app, t, "Sales", &[]).await;

    for body in [
        json!({}),
        json!({ "name": "   " }),
        json!({ "name": "x".repeat(61) }),
    ] {
        let res = app.post("/api/teams", Some(t), body.clone()).await;
        assert_error(&res, 400, "validation_failed");
        assert!(res.1["fields"]["name"].is_string(), "{body}: {}", res.1);
    }
    assert_eq!(create_team(&app, t, &"x".repeat(60), &[]).await.0, 201);
    assert_error(&create_team(&app, t, "sALES", &[]).await, 409, "conflict");
    assert_error(
        &create_team(&app, t, "everyone", &[]).await,
        409,
        "conflict",
    );

    let stranger = uuid::Uuid::now_v7().to_string();
    for member in [stranger.as_str(), other.admin_id.as_str()] {
        let res = create_team(&app, t, "Billing", &[member]).await;
        assert_error(&res, 400, "validation_failed");
        assert!(res.1["fields"]["members"].is_string(), "{}", res.1);
        let res = app
            .put(
                &format!("/api/teams/{sales}"),
                Some(t),
                json!({ "members": [member] }),
            )
            .await;
        assert_error(&res, 400, "validation_failed");
    }
    let res = app
        .post(
            "/api/teams",
            Some(t),
            json!({ "name": "Billing", "colour": "red" }),
        )
        .await;
    assert_eq!(res.0, 400, "unknown fields are refused: {}", res.1);

    let billing = created(&app, t, "Billing", &[]).await;
    let res = app
        .put(
            &format!("/api/teams/{billing}"),
            Some(t),
            json!({ "name": "SALES" }),
        )
        .await;
    assert_error(&res, 409, "conflict");
    let res = app
        .put(
            &format!("/api/teams/{billing}"),
            Some(t),
            json!({ "name": "" }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    let res = app
        .put(
            &format!("/api/teams/{billing}"),
            Some(t),
            json!({ "name": "billing" }),
        )
        .await;
    assert_eq!(res.0, 200, "its own name in another case: {}", res.1);
    let unknown = uuid::Uuid::now_v7();
    let res = app
        .put(
            &format!("/api/teams/{unknown}"),
            Some(t),
            json!({ "name": "Ghosts" }),
        )
        .await;
    assert_error(&res, 404, "not_found");
}

#[tokio::test]
async fn any_agent_lists_teams_only_admins_change_them() {
    let d = desk().await;
    let sup = d
        .app
        .create_agent(&d.org, "Sue Visor", "supervisor", None)
        .await;
    assert_eq!(teams(&d.app, &d.pat.token).await.len(), 3);
    let customer = d.app.register_client().await;
    assert_eq!(d.app.get("/api/teams", Some(&customer.token)).await.0, 403);
    assert_eq!(d.app.get("/api/teams", None).await.0, 401);

    for token in [&d.pat.token, &sup.token] {
        assert_error(
            &create_team(&d.app, token, "Billing", &[]).await,
            403,
            "forbidden",
        );
        let res = d
            .app
            .put(
                &format!("/api/teams/{}", d.sales),
                Some(token),
                json!({ "name": "Mine" }),
            )
            .await;
        assert_error(&res, 403, "forbidden");
        let res = d
            .app
            .delete(&format!("/api/teams/{}", d.sales), Some(token))
            .await;
        assert_error(&res, 403, "forbidden");
    }
    assert_eq!(
        teams(&d.app, &d.org.admin_token).await.len(),
        3,
        "nothing changed"
    );
}

#[tokio::test]
async fn an_organization_has_at_most_50_teams() {
    let app = spawn_app().await;
    let org = app.signup_org("Many").await;
    // The default team is one of them.
    for n in 1..50 {
        created(&app, &org.admin_token, &format!("Team {n}"), &[]).await;
    }
    assert_error(
        &create_team(&app, &org.admin_token, "One too many", &[]).await,
        409,
        "conflict",
    );
    assert_eq!(teams(&app, &org.admin_token).await.len(), 50);
}

#[tokio::test]
async fn the_default_team_stays_and_a_deleted_teams_conversations_move_to_it() {
    let d = desk().await;
    assert_error(
        &d.app
            .delete(
                &format!("/api/teams/{}", d.default),
                Some(&d.org.admin_token),
            )
            .await,
        409,
        "conflict",
    );
    let res = d
        .app
        .put(
            &format!("/api/teams/{}", d.default),
            Some(&d.org.admin_token),
            json!({ "name": "All of us" }),
        )
        .await;
    assert_eq!(res.0, 200, "the default team may be renamed: {}", res.1);
    assert_eq!(res.1["team"]["is_default"], true);

    // Sally is away: a Sales conversation waits, and one is hers. Pat is online and free but
    // not in Sales.
    let (_, waiting) = d.conversation(Some(&d.sales), "nobody in sales?").await;
    let (_, hers) = d.conversation(Some(&d.sales), "thanks sally").await;
    assert_eq!(
        d.app.assign(&d.org.admin_token, &hers, &d.sally.id).await.0,
        200
    );
    let _pat = d.app.socket(&d.pat.token).await;
    assert_eq!(assignee(&d.app, &d.org.admin_token, &waiting).await, None);

    let path = format!("/api/teams/{}", d.sales);
    assert_eq!(d.app.delete(&path, Some(&d.org.admin_token)).await.0, 204);
    for id in [&waiting, &hers] {
        let s = d.app.session(&d.org.admin_token, id).await;
        assert_eq!(s["team_id"], d.default.as_str(), "{s}");
    }
    assert_eq!(
        assignee(&d.app, &d.org.admin_token, &waiting)
            .await
            .as_deref(),
        Some(d.pat.id.as_str()),
        "the default team's agents take it"
    );
    assert_eq!(
        assignee(&d.app, &d.org.admin_token, &hers).await.as_deref(),
        Some(d.sally.id.as_str()),
        "an assigned conversation stays with its agent"
    );
    let left: Vec<String> = teams(&d.app, &d.org.admin_token)
        .await
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(left, vec!["All of us", "Support"]);
}

// ---------------------------------------------------------------------------------------------
// Lists by team, and tenancy

#[tokio::test]
async fn lists_filter_by_team() {
    let d = desk().await;
    let (_, sale) = d.conversation(Some(&d.sales), "sale").await;
    let (_, help) = d.conversation(Some(&d.support), "help").await;
    let (_, anyone) = d.conversation(None, "anyone").await;
    let by_team = |team: String| {
        let d = &d;
        async move { d.listed(&d.org.admin_token, &format!("?team={team}")).await }
    };
    assert_eq!(by_team(d.sales.clone()).await, vec![sale]);
    assert_eq!(by_team(d.support.clone()).await, vec![help]);
    assert_eq!(by_team(d.default.clone()).await, vec![anyone]);
    let (status, body) = d
        .app
        .get(
            &format!("/api/sessions/organization/{}?team=sales", d.org.id),
            Some(&d.org.admin_token),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["fields"]["team"].is_string(), "{body}");
}

#[tokio::test]
async fn another_organizations_teams_are_not_found() {
    let d = desk().await;
    let other = d.app.signup_org("Rival").await;
    let rival_team = created(&d.app, &other.admin_token, "Rival Sales", &[]).await;
    let rival_default = default_team(&d.app, &other.admin_token).await;
    let names: Vec<Value> = teams(&d.app, &other.admin_token)
        .await
        .iter()
        .map(|t| t["name"].clone())
        .collect();
    assert_eq!(
        names,
        vec![json!("Everyone"), json!("Rival Sales")],
        "only its own"
    );

    // Their admin reaches none of ours, nor we theirs.
    let t = &d.org.admin_token;
    for team in [&rival_team, &rival_default] {
        let path = format!("/api/teams/{team}");
        assert_error(
            &d.app.put(&path, Some(t), json!({ "name": "Ours" })).await,
            404,
            "not_found",
        );
        assert_error(&d.app.delete(&path, Some(t)).await, 404, "not_found");
    }
    let ours = format!("/api/teams/{}", d.sales);
    assert_error(
        &d.app
            .put(
                &ours,
                Some(&other.admin_token),
                json!({ "members": [other.admin_id] }),
            )
            .await,
        404,
        "not_found",
    );
    assert_error(
        &d.app.delete(&ours, Some(&other.admin_token)).await,
        404,
        "not_found",
    );

    // Opening with, moving to and filtering by another organization's team.
    let customer = d.app.register_client().await;
    let res = open_raw(&d.app, &customer, &d.org.id, Some(&rival_team), "hi").await;
    assert_error(&res, 404, "not_found");
    let (_, sale) = d.conversation(Some(&d.sales), "hello").await;
    assert_error(
        &move_to(&d.app, t, &sale, &rival_team).await,
        404,
        "not_found",
    );
    assert_error(
        &move_to(&d.app, &other.admin_token, &sale, &rival_team).await,
        404,
        "not_found",
    );
    assert!(d.listed(t, &format!("?team={rival_team}")).await.is_empty());
    assert_eq!(d.app.session(t, &sale).await["team_id"], d.sales.as_str());
    let rival_customer = d.app.register_client().await;
    let theirs = open_with_team(&d.app, &rival_customer, &other, Some(&rival_team), "hey").await;
    assert!(
        listed(
            &d.app,
            &other.admin_token,
            &other,
            &format!("?team={}", d.sales)
        )
        .await
        .is_empty()
    );
    assert_eq!(
        listed(
            &d.app,
            &other.admin_token,
            &other,
            &format!("?team={rival_team}")
        )
        .await,
        vec![theirs]
    );
}

// ---------------------------------------------------------------------------------------------
// A team's own hours and waits

/// Hours (UTC, 09:00 to 17:00 every day) with yesterday, today and tomorrow off: closed now
/// whatever the time of day, opening the day after tomorrow at 09:00 UTC.
fn closed_until_the_day_after_tomorrow() -> (Value, String) {
    let today = chrono::Utc::now().date_naive();
    let day = |n: i64| (today + chrono::Duration::days(n)).to_string();
    let weekly: Vec<Value> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| json!({ "day": d, "open": "09:00", "close": "17:00" }))
        .collect();
    let hours = json!({
        "time_zone": "UTC", "weekly": weekly, "days_off": [day(-1), day(0), day(1)]
    });
    (hours, format!("{}T09:00:00Z", day(2)))
}

async fn set_team(app: &TestApp, token: &str, team: &str, change: Value) -> (u16, Value) {
    app.put(&format!("/api/teams/{team}"), Some(token), change)
        .await
}

#[tokio::test]
async fn a_team_outside_its_own_hours_is_offline_and_given_nothing_while_the_others_answer() {
    let d = desk().await;
    settings(&d.app, &d.org, json!({ "team_choice": true })).await;
    let _sally = d.app.socket(&d.sally.token).await;
    let pat = d.app.socket(&d.pat.token).await;
    let (hours, opens) = closed_until_the_day_after_tomorrow();
    let (status, body) = set_team(
        &d.app,
        &d.org.admin_token,
        &d.sales,
        json!({ "business_hours": hours }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["team"]["business_hours"], hours);
    // Every agent hears the teams changed, with the hours as they are now.
    let heard = pat
        .wait_for_where("teams_updated", WAIT, |v| {
            v["teams"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| t["business_hours"] == hours))
        })
        .await;
    assert!(heard.is_some(), "Pat hears of the new hours");

    wait_until("Sally and Pat count as online", WAIT, || async {
        profile(&d.app, &d.org).await["teams"]
            .as_array()
            .is_some_and(|t| {
                t.iter()
                    .filter(|t| t["availability"] == "available")
                    .count()
                    >= 2
            })
    })
    .await;
    let p = profile(&d.app, &d.org).await;
    let teams = p["teams"].as_array().unwrap();
    let sales = team_named(teams, "Sales");
    assert_eq!(sales["availability"], "offline", "{p}");
    assert_eq!(sales["reopens"]["at"], opens.as_str(), "{p}");
    assert_eq!(team_named(teams, "Support")["availability"], "available");
    assert_eq!(team_named(teams, "Support")["reopens"], Value::Null);
    assert_eq!(
        p["availability"], "available",
        "the organization is as its best team"
    );

    // Sally is online and free, but her team is closed: nobody is given its conversation.
    let (_, for_sales) = d.conversation(Some(&d.sales), "pricing?").await;
    let (_, for_support) = d.conversation(Some(&d.support), "broken").await;
    given_to(&d.app, &d.org.admin_token, &for_support, &d.pat).await;
    assert_eq!(assignee(&d.app, &d.org.admin_token, &for_sales).await, None);

    // Back to the organization's hours (none: always open): Sales answers, Sally gets it.
    let (status, body) = set_team(
        &d.app,
        &d.org.admin_token,
        &d.sales,
        json!({ "business_hours": null }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["team"]["business_hours"], Value::Null);
    given_to(&d.app, &d.org.admin_token, &for_sales, &d.sally).await;
}

#[tokio::test]
async fn the_default_team_keeps_the_organizations_hours_and_bad_hours_change_nothing() {
    let d = desk().await;
    let (hours, _) = closed_until_the_day_after_tomorrow();
    assert_error(
        &set_team(
            &d.app,
            &d.org.admin_token,
            &d.default,
            json!({ "business_hours": hours }),
        )
        .await,
        400,
        "validation_failed",
    );
    let bad = json!({ "time_zone": "Mars/Olympus", "weekly": [] });
    let res = set_team(
        &d.app,
        &d.org.admin_token,
        &d.sales,
        json!({ "name": "Renamed", "business_hours": bad }),
    )
    .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1.to_string().contains("business_hours"), "{}", res.1);
    let (status, _) = create_team(&d.app, &d.org.admin_token, "Night", &[]).await;
    assert_eq!(status, 201);
    let res = d
        .app
        .post(
            "/api/teams",
            Some(&d.org.admin_token),
            json!({ "name": "Late", "business_hours": { "time_zone": "UTC", "weekly": [
                { "day": "mon", "open": "18:00", "close": "09:00" }
            ] } }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    let all = teams(&d.app, &d.org.admin_token).await;
    assert!(all.iter().all(|t| t["business_hours"].is_null()), "{all:?}");
    assert!(
        all.iter()
            .all(|t| t["name"] != "Renamed" && t["name"] != "Late")
    );
    // A plain agent may not set hours.
    assert_error(
        &set_team(
            &d.app,
            &d.sally.token,
            &d.sales,
            json!({ "business_hours": hours }),
        )
        .await,
        403,
        "forbidden",
    );
}

#[tokio::test]
async fn the_usual_wait_is_each_teams_own() {
    let d = desk().await;
    settings(&d.app, &d.org, json!({ "team_choice": true })).await;
    let _sally = d.app.socket(&d.sally.token).await;
    let _pat = d.app.socket(&d.pat.token).await;
    // Five Sales conversations waited (briefly) and were taken: Sales has recent waits,
    // Support has none.
    for n in 0..5 {
        let (_, s) = d
            .conversation(Some(&d.sales), &format!("question {n}"))
            .await;
        given_to(&d.app, &d.org.admin_token, &s, &d.sally).await;
        assert_eq!(d.app.close(&d.sally.token, &s).await.0, 200);
    }
    for agent in [&d.sally, &d.pat] {
        let (status, body) = d
            .app
            .put(
                &format!("/api/agents/{}/status", agent.id),
                Some(&agent.token),
                json!({ "status": "busy" }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let p = profile(&d.app, &d.org).await;
    let teams = p["teams"].as_array().unwrap();
    let (sales, support) = (team_named(teams, "Sales"), team_named(teams, "Support"));
    assert_eq!(sales["availability"], "busy", "{p}");
    assert_eq!(support["availability"], "busy", "{p}");
    assert!(sales["usual_wait_secs"].as_i64().is_some(), "{p}");
    assert_eq!(
        support["usual_wait_secs"],
        Value::Null,
        "too few waits: {p}"
    );
}
