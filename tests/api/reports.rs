//! Reports against a scripted history whose answers are known: three conversations at set
//! times (the clock is moved, never waited for), first responses, resolutions, queue waits,
//! ratings, each agent, the busiest hours in the organization's time zone, CSV equal to the
//! table; who may read which figures.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::lifecycle::{Node, clock_flags};
use crate::process::ServerProcess;
use crate::support::*;

fn t0() -> DateTime<Utc> {
    // Monday 7 January 2030, 09:00 UTC: 10:00 in Paris.
    "2030-01-07T09:00:00Z".parse().unwrap()
}

struct Scripted {
    node: Node,
    admin: String,
    ann: (String, String),
    bob: (String, String),
}

async fn agent(node: &Node, admin: &str, name: &str, email: &str) -> (String, String) {
    let (status, body) = node
        .post(
            "/api/agents",
            Some(admin),
            json!({ "name": name, "email": email, "password": "password123", "role": "agent" }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, login) = node
        .post(
            "/api/agents/login",
            None,
            json!({ "email": email, "password": "password123" }),
        )
        .await;
    (
        body["agent"]["id"].as_str().unwrap().to_string(),
        login["token"].as_str().unwrap().to_string(),
    )
}

/// At `at + start` a customer writes; `assign` minutes later it is given to `to`, who answers
/// `first` minutes after the start; closed `close` minutes after the start, then rated.
#[allow(clippy::too_many_arguments)]
async fn conversation(
    s: &Scripted,
    org: &str,
    start: i64,
    assign: i64,
    to: &(String, String),
    first: i64,
    close: Option<i64>,
    score: Option<i64>,
) {
    let node = &s.node;
    node.move_clock(t0() + Duration::minutes(start)).await;
    let n = unique();
    let (_, customer) = node
        .post("/api/clients/register", None, json!({ "username": format!("c{n}"), "email": format!("c{n}@x.example.com"), "password": "password123" }))
        .await;
    let token = customer["token"].as_str().unwrap().to_string();
    let (status, opened) = node
        .post(
            "/api/sessions",
            Some(&token),
            json!({ "organization_id": org, "message": "help" }),
        )
        .await;
    assert_eq!(status, 201, "{opened}");
    let id = opened["session"]["id"].as_str().unwrap().to_string();
    node.move_clock(t0() + Duration::minutes(start + assign))
        .await;
    let (status, body) = node
        .put(
            &format!("/api/sessions/{id}/assign"),
            &s.admin,
            json!({ "agent_id": to.0 }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    node.move_clock(t0() + Duration::minutes(start + first))
        .await;
    let (status, body) = node
        .post(
            &format!("/api/sessions/{id}/messages"),
            Some(&to.1),
            json!({ "content": "on it" }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    if let Some(close) = close {
        node.move_clock(t0() + Duration::minutes(start + close))
            .await;
        let (status, body) = node
            .put(&format!("/api/sessions/{id}/close"), &to.1, json!({}))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    if let Some(score) = score {
        let (status, body) = node
            .post(
                &format!("/api/sessions/{id}/rating"),
                Some(&token),
                json!({ "score": score }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
}

fn query() -> &'static str {
    "from=2030-01-07&to=2030-01-07&time_zone=Europe/Paris"
}

#[tokio::test]
async fn a_report_adds_up_a_scripted_history() {
    let flags = clock_flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let node = Node::of(ServerProcess::start(&flags).await);
    node.move_clock(t0() - Duration::hours(1)).await;
    let n = unique();
    let (status, org) = node
        .post("/api/organizations", None, json!({ "name": "Reported", "domain": format!("reported{n}.example.com"),
            "admin": { "name": "Ada", "email": format!("ada{n}@reported.example.com"), "password": "password123" } }))
        .await;
    assert_eq!(status, 201, "{org}");
    let org_id = org["organization"]["id"].as_str().unwrap().to_string();
    let admin = org["token"].as_str().unwrap().to_string();
    let ann = agent(
        &node,
        &admin,
        "Ann Answer",
        &format!("ann{n}@reported.example.com"),
    )
    .await;
    let bob = agent(
        &node,
        &admin,
        "Bob Busy",
        &format!("bob{n}@reported.example.com"),
    )
    .await;
    let s = Scripted {
        node,
        admin,
        ann,
        bob,
    };
    conversation(&s, &org_id, 0, 2, &s.ann, 5, Some(30), Some(5)).await;
    conversation(&s, &org_id, 60, 1, &s.bob, 10, None, None).await;
    conversation(&s, &org_id, 120, 3, &s.ann, 6, Some(30), Some(3)).await;

    let (status, r) = s
        .node
        .get(&format!("/api/reports?{}", query()), &s.admin)
        .await;
    assert_eq!(status, 200, "{r}");
    let t = &r["totals"];
    assert_eq!(
        (t["opened"].clone(), t["closed"].clone()),
        (json!(3), json!(2)),
        "{t}"
    );
    assert_eq!(
        t["first_response"],
        json!({ "count": 3, "median_secs": 360, "p90_secs": 600 })
    );
    assert_eq!(
        t["resolution"],
        json!({ "count": 2, "median_secs": 1800, "p90_secs": 1800 })
    );
    assert_eq!(
        t["queue_wait"],
        json!({ "count": 3, "median_secs": 120, "p90_secs": 180 })
    );
    assert_eq!(
        t["ratings"],
        json!({ "count": 2, "average": 4.0, "by_score": [0, 0, 1, 0, 1] })
    );
    assert_eq!(
        r["by_day"],
        json!([{ "date": "2030-01-07", "opened": 3, "closed": 2 }])
    );
    let by_agent: Vec<(String, i64)> = r["by_agent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_string(),
                a["opened"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(by_agent, [("Ann Answer".into(), 2), ("Bob Busy".into(), 1)]);
    let monday = &r["busiest_hours"][0];
    assert_eq!(
        (monday[10].clone(), monday[11].clone(), monday[12].clone()),
        (json!(1), json!(1), json!(1))
    );
    assert_eq!(monday[9], 0, "in Paris time, not UTC");

    // The CSV is the table.
    let res = reqwest::Client::new()
        .get(format!(
            "{}/api/reports/csv?{}&table=by_agent",
            s.node.server.url,
            query()
        ))
        .bearer_auth(&s.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[1], "Ann Answer,2,2,300,360,1800,2,4.00", "{csv}");
    assert_eq!(lines[2], "Bob Busy,1,0,600,600,,0,", "{csv}");

    // A plain agent sees their own figures only.
    let (status, mine) = s
        .node
        .get(&format!("/api/reports?{}", query()), &s.ann.1)
        .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["totals"]["opened"], 2);
    let (status, _) = s
        .node
        .get(
            &format!("/api/reports?{}&agent_id={}", query(), s.bob.0),
            &s.ann.1,
        )
        .await;
    assert_eq!(status, 403);
    let (status, bobs) = s
        .node
        .get(
            &format!("/api/reports?{}&agent_id={}", query(), s.bob.0),
            &s.admin,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(bobs["totals"]["opened"], 1);
    // Another day has nothing.
    let (_, empty) = s
        .node
        .get("/api/reports?from=2030-01-08&to=2030-01-08", &s.admin)
        .await;
    assert_eq!(empty["totals"]["opened"], 0);
    assert_eq!(
        empty["totals"]["first_response"]["median_secs"],
        Value::Null
    );
}

#[tokio::test]
async fn report_ranges_and_tables_are_checked() {
    let app = spawn_app().await;
    let org = app.signup_org("Ranges").await;
    for bad in [
        "/api/reports",
        "/api/reports?from=2030-01-08&to=2030-01-07",
        "/api/reports?from=2030-01-01&to=2031-06-01",
        "/api/reports?from=yesterday&to=2030-01-07",
        "/api/reports?from=2030-01-01&to=2030-01-02&time_zone=Mars/Base",
        "/api/reports/csv?from=2030-01-01&to=2030-01-02&table=secrets",
    ] {
        assert_error(
            &app.get(bad, Some(&org.admin_token)).await,
            400,
            "validation_failed",
        );
    }
    let other = app.signup_org("Other Ranges").await;
    let (_, teams) = app.get("/api/teams", Some(&other.admin_token)).await;
    let foreign = teams["teams"][0]["id"].as_str().unwrap();
    assert_error(
        &app.get(
            &format!("/api/reports?from=2030-01-01&to=2030-01-02&team_id={foreign}"),
            Some(&org.admin_token),
        )
        .await,
        404,
        "not_found",
    );
    let customer = app.register_client().await;
    assert_error(
        &app.get(
            "/api/reports?from=2030-01-01&to=2030-01-02",
            Some(&customer.token),
        )
        .await,
        403,
        "forbidden",
    );
}
