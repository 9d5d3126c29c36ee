//! `raasel move`: an installation on the embedded store moves to PostgreSQL with everything it
//! holds, and carries on there as if nothing happened.

use serde_json::{Value, json};

use crate::process::raasel_command;
use crate::support::*;

/// What users see of their data: each client's conversation list and every history.
async fn snapshot(app: &TestApp, clients: &[ClientHandle], sessions: &[(String, String)]) -> Value {
    let mut lists = vec![];
    for c in clients {
        let (status, body) = app.get("/api/sessions", Some(&c.token)).await;
        assert_eq!(status, 200, "{body}");
        lists.push(body["sessions"].clone());
    }
    let mut histories = vec![];
    for (token, id) in sessions {
        let (status, page) = app
            .get(
                &format!("/api/sessions/{id}/messages?after=0&limit=200"),
                Some(token),
            )
            .await;
        assert_eq!(status, 200, "{page}");
        histories.push(page["messages"].clone());
    }
    json!({ "lists": lists, "histories": histories })
}

/// What the agents' workspace holds of one organization, as its agents read it.
async fn workspace_snapshot(
    app: &TestApp,
    org: &OrgHandle,
    agent: &AgentHandle,
    customer: &ClientHandle,
    session: &str,
) -> Value {
    let admin = Some(org.admin_token.as_str());
    let mine = Some(agent.token.as_str());
    let mut seen = vec![];
    for (path, token) in [
        ("/api/labels".to_string(), admin),
        (
            format!("/api/sessions/organization/{}?sort=priority", org.id),
            admin,
        ),
        (
            format!("/api/sessions/{session}/messages?after=0&limit=200"),
            admin,
        ),
        (format!("/api/sessions/{session}/context"), admin),
        (format!("/api/contacts/{}", customer.id), admin),
        ("/api/canned-replies".to_string(), mine),
        ("/api/mentions".to_string(), mine),
        ("/api/search?q=refund".to_string(), admin),
        ("/api/teams".to_string(), admin),
    ] {
        let (status, body) = app.get(&path, token).await;
        assert_eq!(status, 200, "{path}: {body}");
        seen.push(body);
    }
    // The identity provider (the redirect URI is each server's own address).
    let (status, sso) = app.get("/api/sso", admin).await;
    assert_eq!(status, 200, "{sso}");
    assert!(sso["provider"]["client_id"].is_string(), "{sso}");
    seen.push(sso["provider"].clone());
    json!(seen)
}

/// Labels, a priority, a private note with a mention, a personal canned reply, edited
/// customer details in `session` of `org`, and a team with hours of its own.
async fn fill_workspace(
    app: &TestApp,
    org: &OrgHandle,
    agent: &AgentHandle,
    customer: &ClientHandle,
    session: &str,
) {
    let admin = Some(org.admin_token.as_str());
    let (status, label) = app
        .post(
            "/api/labels",
            admin,
            json!({ "name": "VIP", "color": "#aa0000" }),
        )
        .await;
    assert_eq!(status, 201, "{label}");
    let labels = json!({ "labels": [label["label"]["id"]] });
    let tagged = app
        .put(&format!("/api/sessions/{session}/labels"), admin, labels)
        .await;
    assert_eq!(tagged.0, 200, "{}", tagged.1);
    let urgent = json!({ "priority": "urgent" });
    let set = app
        .put(&format!("/api/sessions/{session}/priority"), admin, urgent)
        .await;
    assert_eq!(set.0, 200, "{}", set.1);
    let note = json!({ "content": "@Ann the refund is approved", "internal": true });
    let (status, body) = app
        .post(&format!("/api/sessions/{session}/messages"), admin, note)
        .await;
    assert_eq!(status, 201, "{body}");
    let reply =
        json!({ "shortcut": "refund", "content": "Your refund is on its way, {{customer.name}}." });
    let (status, body) = app
        .post("/api/canned-replies", Some(&agent.token), reply)
        .await;
    assert_eq!(status, 201, "{body}");
    let details = json!({ "name": "Carla Customer", "attributes": { "plan": "gold", "seats": 4 } });
    let (status, body) = app
        .put(&format!("/api/contacts/{}", customer.id), admin, details)
        .await;
    assert_eq!(status, 200, "{body}");
    let night = json!({ "name": "Night", "members": [agent.id], "business_hours": {
        "time_zone": "Asia/Tokyo", "weekly": [{ "day": "mon", "open": "22:00", "close": "24:00" }]
    } });
    let (status, body) = app.post("/api/teams", admin, night).await;
    assert_eq!(status, 201, "{body}");
}

async fn raasel_move(from: &std::path::Path, to: &str) -> std::process::Output {
    raasel_command()
        .args(["move", "--from"])
        .arg(from)
        .args(["--to", to])
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_embedded_installation_moves_to_postgres_with_everything_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = spawn_app_with(|a| {
        a.store.data_dir = data.clone();
        a.store.database_url = None;
        a.store.cassandra_contact_points.clear();
        a.webhook_allow_private = true;
        a.sso_allow_private = true;
    })
    .await;
    let shop = app.signup_org("Shop").await;
    let bank = app.signup_org("Bank").await;
    let agent = app.create_agent(&shop, "Ann", "agent", None).await;
    let customer = app.register_client().await;
    let visitor = app.visitor(&bank, "Vic").await;
    let mut sessions = vec![];
    for (client, org) in [(&customer, &shop), (&customer, &bank), (&visitor, &bank)] {
        let id = app.open_session(client, org, Some("hello")).await["id"]
            .as_str()
            .unwrap()
            .to_string();
        for i in 0..25 {
            app.send(&client.token, &id, &format!("question {i}")).await;
            app.send(&org.admin_token, &id, &format!("answer {i}"))
                .await;
        }
        sessions.push((client.token.clone(), id));
    }
    assert_eq!(
        app.assign(&shop.admin_token, &sessions[0].1, &agent.id)
            .await
            .0,
        200
    );
    assert_eq!(app.close(&bank.admin_token, &sessions[1].1).await.0, 200);
    let socket = app.socket(&customer.token).await;
    let ack = socket
        .call(
            "mark_read",
            json!({ "session_id": sessions[0].1, "seq": 20 }),
        )
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
    fill_workspace(&app, &shop, &agent, &customer, &sessions[0].1).await;
    let recovery = second_factor_used_once(&app, &bank).await;
    let api_token = fill_integrations(&app, &shop, &customer, &sessions).await;
    let integrations_before = integrations_snapshot(&app, &shop, &sessions[0]).await;
    let workspace_before = workspace_snapshot(&app, &shop, &agent, &customer, &sessions[0].1).await;
    let clients = [customer, visitor];
    let before = snapshot(&app, &clients, &sessions).await;
    app.server.stop().await.unwrap();

    let url = fresh_postgres_schema().await;
    let out = raasel_move(&data, &url).await;
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("moved 2 organizations, 3 agents, 2 clients, 3 sessions"),
        "{said}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("messages: "),
        "progress is reported"
    );
    let again = raasel_move(&data, &url).await;
    assert!(
        !again.status.success(),
        "a second move into a non-empty database must be refused"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds organizations"));

    let moved = spawn_app_with(|a| {
        a.store.database_url = Some(url);
        a.store.cassandra_contact_points.clear();
    })
    .await;
    // Old tokens still work (the token secret moved), and everything reads the same, the
    // agents' workspace included (the search index was built as the messages arrived).
    assert_eq!(snapshot(&moved, &clients, &sessions).await, before);
    let workspace_after =
        workspace_snapshot(&moved, &shop, &agent, &clients[0], &sessions[0].1).await;
    assert_eq!(workspace_after, workspace_before);
    // Ratings (in the conversations above), webhooks, API tokens, the audit log and the files'
    // records came along; the API token still works.
    let integrations_after = integrations_snapshot(&moved, &shop, &sessions[0]).await;
    assert_eq!(integrations_after, integrations_before);
    let (status, body) = moved
        .get(
            &format!("/api/sessions/organization/{}", shop.id),
            Some(&api_token),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        said.contains("1 labels, 1 canned replies, 1 contacts, 1 mentions"),
        "{said}"
    );
    // Old passwords still work, and the second factor is still on, its used code still used.
    for email in [&shop.admin_email, &agent.email] {
        moved.login_agent(email).await;
    }
    let login =
        |code: &str| json!({ "email": bank.admin_email, "password": PASSWORD, "code": code });
    let without = json!({ "email": bank.admin_email, "password": PASSWORD });
    let res = moved.post("/api/agents/login", None, without).await;
    assert_error(&res, 401, "second_factor_required");
    let res = moved
        .post("/api/agents/login", None, login(&recovery[0]))
        .await;
    assert_error(&res, 401, "unauthorized");
    let (status, body) = moved
        .post("/api/agents/login", None, login(&recovery[1]))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = moved
        .post(
            "/api/clients/login",
            None,
            json!({ "email": clients[0].email, "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, 200);
    // The conversation carries on with the next seq.
    let (status, body) = moved
        .send(&clients[0].token, &sessions[0].1, "still there?")
        .await;
    assert_eq!(status, 201, "{body}");
    // (The agents' history holds the private note's seq too, which the customer never sees.)
    let last = workspace_before[2]["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["seq"]
        .as_i64()
        .unwrap();
    assert_eq!(body["message"]["seq"], last + 1);
}

async fn history(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, page) = app
        .get(
            &format!("/api/sessions/{id}/messages?after=0&limit=200"),
            Some(token),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    page["messages"].clone()
}

async fn raasel_move_messages(url: &str) -> std::process::Output {
    raasel_command()
        .args(["move-messages", "--database-url", url])
        .args(["--cassandra-contact-points", &test_cassandra()])
        .args(["--cassandra-keyspace", TEST_KEYSPACE])
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_postgres_installation_copies_its_messages_to_cassandra_and_carries_on_there() {
    let url = fresh_postgres_schema().await;
    let app = spawn_app_with(|a| {
        a.store.database_url = Some(url.clone());
        a.store.cassandra_contact_points.clear();
    })
    .await;
    let shop = app.signup_org("Shop").await;
    let customer = app.register_client().await;
    let id = app.open_session(&customer, &shop, Some("hello")).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    for i in 0..30 {
        let (status, body) = app
            .post(
                &format!("/api/sessions/{id}/messages"),
                Some(&customer.token),
                json!({ "content": format!("question {i}"), "client_msg_id": format!("q{i}") }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let before = history(&app, &customer.token, &id).await;
    let stored = before.as_array().unwrap().len();
    app.server.stop().await.unwrap();

    let out = raasel_move_messages(&url).await;
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains(&format!(
            "copied {stored} messages of 1 conversations and 30 idempotency keys; counts checked"
        )),
        "{said}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains(&format!("copied {stored} of {stored} messages"))
    );
    // Run again (say after an interruption): the same rows, nothing doubled.
    let again = raasel_move_messages(&url).await;
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    // From now on the messages are read from Cassandra only.
    let mut pg = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let deleted = sqlx::query("DELETE FROM messages")
        .execute(&mut pg)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(deleted, stored as u64);

    let moved = spawn_app_with(|a| {
        a.store.database_url = Some(url.clone());
        a.store.cassandra_contact_points = vec![test_cassandra()];
        a.store.cassandra_keyspace = TEST_KEYSPACE.into();
    })
    .await;
    assert_eq!(history(&moved, &customer.token, &id).await, before);
    // A resend finds the message sent before the move; the next message follows on.
    let (status, body) = moved
        .post(
            &format!("/api/sessions/{id}/messages"),
            Some(&customer.token),
            json!({ "content": "question 7", "client_msg_id": "q7" }),
        )
        .await;
    assert!(status == 200 || status == 201, "{status} {body}");
    assert_eq!(body["message"]["seq"], before[8]["seq"], "{body}");
    let (status, body) = moved
        .post(
            &format!("/api/sessions/{id}/messages"),
            Some(&customer.token),
            json!({ "content": "after the move", "client_msg_id": "q30" }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["message"]["seq"], stored as i64 + 1);
    assert_eq!(
        history(&moved, &customer.token, &id)
            .await
            .as_array()
            .unwrap()
            .len(),
        stored + 1
    );
}

/// Turns on the admin's second factor and signs in once with a recovery code: the recovery
/// codes, the used one first.
async fn second_factor_used_once(app: &TestApp, org: &OrgHandle) -> Vec<String> {
    use raasel::domain::second_factor::{code_at_step, step_at};
    let creds = json!({ "email": org.admin_email, "password": PASSWORD });
    let (status, setup) = app.post("/api/agents/second-factor", None, creds).await;
    assert_eq!(status, 201, "{setup}");
    let secret = base32::decode(
        base32::Alphabet::Rfc4648 { padding: false },
        setup["secret"].as_str().unwrap(),
    )
    .unwrap();
    let code = code_at_step(&secret, step_at(raasel::domain::model::now()));
    let confirm = json!({ "email": org.admin_email, "password": PASSWORD, "code": code });
    let (status, on) = app.put("/api/agents/second-factor", None, confirm).await;
    assert_eq!(status, 200, "{on}");
    let codes: Vec<String> = on["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    let login = json!({ "email": org.admin_email, "password": PASSWORD, "code": codes[0] });
    let (status, body) = app.post("/api/agents/login", None, login).await;
    assert_eq!(status, 200, "{body}");
    codes
}

/// A rating of the closed conversation, a webhook, an API token and a file in `sessions[0]`
/// (the audit log fills by itself): the API token.
async fn fill_integrations(
    app: &TestApp,
    shop: &OrgHandle,
    customer: &ClientHandle,
    sessions: &[(String, String)],
) -> String {
    let rate = json!({ "score": 4, "comment": "Quick and kind" });
    let path = format!("/api/sessions/{}/rating", sessions[1].1);
    let (status, body) = app.post(&path, Some(&customer.token), rate).await;
    assert_eq!(status, 201, "{body}");
    let admin = Some(shop.admin_token.as_str());
    let hook = json!({ "url": "http://127.0.0.1:9/hook", "events": ["conversation.closed"] });
    let (status, body) = app.post("/api/webhooks", admin, hook).await;
    assert_eq!(status, 201, "{body}");
    let token = json!({ "name": "CRM sync", "scopes": ["read_conversations"] });
    let (status, body) = app.post("/api/api-tokens", admin, token).await;
    assert_eq!(status, 201, "{body}");
    let secret = body["secret"].as_str().unwrap().to_string();
    let sent = crate::attachments::upload_to(
        &app.base,
        &customer.token,
        &sessions[0].1,
        "invoice.pdf",
        crate::attachments::PDF,
    )
    .await;
    assert_eq!(sent.0, 201, "{}", sent.1);
    let client = crate::sso::register(app).await;
    let sso = crate::sso::settings(&client, shop);
    let (status, body) = app.put("/api/sso", admin, sso).await;
    assert_eq!(status, 200, "{body}");
    secret
}

/// What the shop's admin reads of its webhooks, API tokens and audit log, and the files of a
/// conversation.
async fn integrations_snapshot(
    app: &TestApp,
    shop: &OrgHandle,
    session: &(String, String),
) -> Value {
    let admin = Some(shop.admin_token.as_str());
    let mut seen = vec![];
    for (path, token) in [
        ("/api/webhooks".to_string(), admin),
        ("/api/api-tokens".to_string(), admin),
        ("/api/audit?limit=200".to_string(), admin),
        (
            format!("/api/sessions/{}/attachments", session.1),
            Some(session.0.as_str()),
        ),
    ] {
        let (status, body) = app.get(&path, token).await;
        assert_eq!(status, 200, "{path}: {body}");
        seen.push(body);
    }
    // The identity provider (the redirect URI is each server's own address).
    let (status, sso) = app.get("/api/sso", admin).await;
    assert_eq!(status, 200, "{sso}");
    assert!(sso["provider"]["client_id"].is_string(), "{sso}");
    seen.push(sso["provider"].clone());
    json!(seen)
}
