//! `/api/sessions`: opening conversations, messages and their history, lists, assignment and
//! closing, with the access rules of each.

use serde_json::{Value, json};

use crate::support::*;

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn seqs(page: &Value) -> Vec<i64> {
    page["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect()
}

fn id_of(session: &Value) -> String {
    session["id"].as_str().unwrap().to_string()
}

async fn history(app: &TestApp, token: &str, id: &str, query: &str) -> Value {
    let (status, page) = app
        .get(&format!("/api/sessions/{id}/messages{query}"), Some(token))
        .await;
    assert_eq!(status, 200, "{page}");
    page
}

/// The ids of an organization's sessions as `token` sees them at `/organization/:id{suffix}`.
async fn org_list(app: &TestApp, org_id: &str, token: &str, suffix: &str) -> Vec<String> {
    let path = format!("/api/sessions/organization/{org_id}{suffix}");
    let (status, body) = app.get(&path, Some(token)).await;
    assert_eq!(status, 200, "{path}: {body}");
    sorted(ids(&body["sessions"]))
}

async fn set_status(app: &TestApp, token: &str, session_id: &str, status: &str) -> (u16, Value) {
    app.put(
        &format!("/api/sessions/{session_id}/status"),
        Some(token),
        json!({ "status": status }),
    )
    .await
}

#[tokio::test]
async fn a_client_opens_a_waiting_session_with_an_organization() {
    let app = spawn_app().await;
    let org = app.signup_org("Opening").await;
    let client = app.register_client().await;
    let (status, body) = app
        .post(
            "/api/sessions",
            Some(&client.token),
            json!({ "organization_id": org.id, "subject": "  Billing  " }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let s = &body["session"];
    assert_eq!(s["organization_id"], org.id.as_str());
    assert_eq!(
        s["client_id"],
        client.id.as_str(),
        "the client comes from the token"
    );
    assert_eq!(s["client_email"], client.email.as_str());
    assert!(s["client_name"].as_str().unwrap().starts_with("customer_"));
    assert_eq!(s["status"], "waiting");
    assert_eq!(s["subject"], "Billing");
    assert_eq!(s["last_seq"], 0);
    assert!(s["agent_id"].is_null() && s["closed_at"].is_null());
    let id = id_of(s);
    let page = history(&app, &client.token, &id, "").await;
    assert_eq!(page["messages"], json!([]));
    assert_eq!(page["has_more"], false);

    let session = app
        .open_session(&client, &org, Some("  my first words  "))
        .await;
    assert_eq!(session["last_seq"], 1);
    assert_eq!(session["status"], "waiting", "nobody is online to take it");
    let page = history(&app, &org.admin_token, &id_of(&session), "").await;
    let first = &page["messages"][0];
    assert_eq!(first["seq"], 1);
    assert_eq!(first["content"], "my first words");
    assert_eq!(first["sender_type"], "client");
    assert_eq!(first["sender_id"], client.id.as_str());
    assert_eq!(first["session_id"], session["id"]);
    assert_eq!(first["organization_id"], org.id.as_str());
}

#[tokio::test]
async fn opening_a_session_validates_its_body() {
    let app = spawn_app().await;
    let org = app.signup_org("Validating").await;
    let client = app.register_client().await;
    let res = app
        .post("/api/sessions", Some(&client.token), json!({}))
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["organization_id"].is_string());

    let res = app
        .post(
            "/api/sessions",
            Some(&client.token),
            json!({ "organization_id": org.id, "subject": "s".repeat(201), "message": "   " }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["subject"].is_string(), "{}", res.1);
    assert!(res.1["fields"]["message"].is_string());
    let res = app
        .post(
            "/api/sessions",
            Some(&client.token),
            json!({ "organization_id": org.id, "message": "m".repeat(4001) }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["message"].is_string());
    let res = app
        .post(
            "/api/sessions",
            Some(&client.token),
            json!({ "organization_id": "nope" }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    let other = app.register_client().await;
    let res = app
        .post(
            "/api/sessions",
            Some(&client.token),
            json!({ "organization_id": org.id, "client_id": other.id }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");

    let res = app
        .post(
            "/api/sessions",
            Some(&client.token),
            json!({ "organization_id": uuid::Uuid::now_v7() }),
        )
        .await;
    assert_error(&res, 404, "not_found");
    let (_, mine) = app.get("/api/sessions", Some(&client.token)).await;
    assert_eq!(mine["sessions"], json!([]), "nothing was opened");
}

#[tokio::test]
async fn only_clients_open_sessions() {
    let app = spawn_app().await;
    let org = app.signup_org("Clients Only").await;
    let body = json!({ "organization_id": org.id });
    assert_error(
        &app.post("/api/sessions", None, body.clone()).await,
        401,
        "unauthorized",
    );
    assert_error(
        &app.post("/api/sessions", Some("junk"), body.clone()).await,
        401,
        "unauthorized",
    );
    assert_error(
        &app.post("/api/sessions", Some(&org.admin_token), body)
            .await,
        403,
        "forbidden",
    );
}

#[tokio::test]
async fn a_client_cannot_read_or_touch_another_clients_session() {
    let app = spawn_app().await;
    let org = app.signup_org("Private").await;
    let owner = app.register_client().await;
    let stranger = app.register_client().await;
    let id = id_of(&app.open_session(&owner, &org, Some("private matter")).await);
    let t = Some(stranger.token.as_str());
    // The owner's message makes the server remember whose conversation it is.
    assert_eq!(app.send(&owner.token, &id, "more").await.0, 201);

    assert_error(
        &app.get(&format!("/api/sessions/{id}"), t).await,
        404,
        "not_found",
    );
    assert_error(
        &app.get(&format!("/api/sessions/{id}/messages"), t).await,
        404,
        "not_found",
    );
    assert_error(
        &app.send(&stranger.token, &id, "let me in").await,
        404,
        "not_found",
    );
    assert_error(&app.close(&stranger.token, &id).await, 404, "not_found");
    assert_error(
        &set_status(&app, &stranger.token, &id, "closed").await,
        404,
        "not_found",
    );
    assert_error(
        &set_status(&app, &stranger.token, &id, "active").await,
        404,
        "not_found",
    );
    let (_, mine) = app.get("/api/sessions", t).await;
    assert_eq!(mine["sessions"], json!([]));

    assert_error(
        &app.get(&format!("/api/sessions/{id}"), None).await,
        401,
        "unauthorized",
    );
    assert_error(
        &app.get(&format!("/api/sessions/{id}/messages"), None).await,
        401,
        "unauthorized",
    );
    let s = app.session(&owner.token, &id).await;
    assert_eq!(s["last_seq"], 2, "nothing was written by the stranger");
    assert_eq!(s["status"], "waiting");
}

#[tokio::test]
async fn a_status_change_on_a_session_one_cannot_see_is_a_404_whatever_the_status() {
    let app = spawn_app().await;
    let org = app.signup_org("Unseen").await;
    let other = app.signup_org("Outside").await;
    let owner = app.register_client().await;
    let stranger = app.register_client().await;
    let id = id_of(&app.open_session(&owner, &org, Some("mine")).await);
    // Access is decided before the lifecycle: outsiders learn nothing about the session.
    assert_error(
        &set_status(&app, &stranger.token, &id, "waiting").await,
        404,
        "not_found",
    );
    assert_error(
        &set_status(&app, &other.admin_token, &id, "waiting").await,
        404,
        "not_found",
    );
    let unknown = uuid::Uuid::now_v7().to_string();
    assert_error(
        &set_status(&app, &org.admin_token, &unknown, "waiting").await,
        404,
        "not_found",
    );
    // The owner, who can see it, gets the lifecycle answer.
    assert_error(
        &set_status(&app, &owner.token, &id, "waiting").await,
        409,
        "conflict",
    );
}

#[tokio::test]
async fn agents_reach_sessions_of_their_own_organization_only() {
    let app = spawn_app().await;
    let org = app.signup_org("Home").await;
    let other = app.signup_org("Abroad").await;
    let agent = app.create_agent(&org, "Plain", "agent", None).await;
    let client = app.register_client().await;
    let id = id_of(&app.open_session(&client, &org, Some("hello")).await);

    let s = app.session(&agent.token, &id).await;
    assert_eq!(s["id"], id.as_str());
    assert_eq!(seqs(&history(&app, &agent.token, &id, "").await), vec![1]);

    let t = Some(other.admin_token.as_str());
    assert_error(
        &app.get(&format!("/api/sessions/{id}"), t).await,
        404,
        "not_found",
    );
    assert_error(
        &app.get(&format!("/api/sessions/{id}/messages"), t).await,
        404,
        "not_found",
    );
    assert_error(
        &app.send(&other.admin_token, &id, "hi from elsewhere").await,
        404,
        "not_found",
    );
    assert_error(&app.close(&other.admin_token, &id).await, 404, "not_found");
    assert_error(
        &set_status(&app, &other.admin_token, &id, "active").await,
        404,
        "not_found",
    );
    assert_error(
        &app.assign(&other.admin_token, &id, &other.admin_id).await,
        404,
        "not_found",
    );
    let res = app
        .get(
            &format!("/api/sessions/{}", uuid::Uuid::now_v7()),
            Some(&agent.token),
        )
        .await;
    assert_error(&res, 404, "not_found");
    let res = app
        .get("/api/sessions/not-a-uuid", Some(&agent.token))
        .await;
    assert_error(&res, 404, "not_found");

    let s = app.session(&client.token, &id).await;
    assert_eq!(
        (s["status"].as_str(), s["last_seq"].as_i64()),
        (Some("waiting"), Some(1))
    );
}

#[tokio::test]
async fn messages_get_gapless_seqs_and_their_sender_from_the_token() {
    let app = spawn_app().await;
    let org = app.signup_org("Sequence").await;
    // A supervisor writes without taking the conversation (a plain agent would take it).
    let agent = app.create_agent(&org, "Replier", "supervisor", None).await;
    let client = app.register_client().await;
    let id = id_of(&app.open_session(&client, &org, Some("one")).await);
    for (token, text) in [
        (&client.token, "two"),
        (&agent.token, "three"),
        (&client.token, "four"),
        (&agent.token, "five"),
    ] {
        let (status, body) = app.send(token, &id, text).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["message"]["content"], text);
    }
    let page = history(&app, &client.token, &id, "").await;
    assert_eq!(seqs(&page), vec![1, 2, 3, 4, 5]);
    let m = page["messages"].as_array().unwrap();
    assert_eq!(m[2]["sender_type"], "agent");
    assert_eq!(m[2]["sender_id"], agent.id.as_str());
    assert_eq!(m[2]["sender_name"], "Replier");
    assert_eq!(m[3]["sender_type"], "client");
    assert_eq!(m[3]["sender_id"], client.id.as_str());
    let s = app.session(&client.token, &id).await;
    assert_eq!(s["last_seq"], 5);
    assert!(s["last_message_at"].is_string());

    // A client cannot pose as an agent.
    let res = app
        .post(
            &format!("/api/sessions/{id}/messages"),
            Some(&client.token),
            json!({ "content": "I am staff", "sender_type": "agent" }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert_eq!(app.session(&client.token, &id).await["last_seq"], 5);
}

#[tokio::test]
async fn message_content_and_client_msg_id_are_validated() {
    let app = spawn_app().await;
    let org = app.signup_org("Lengths").await;
    let client = app.register_client().await;
    let id = id_of(&app.open_session(&client, &org, None).await);
    let path = format!("/api/sessions/{id}/messages");
    for bad in [
        json!({}),
        json!({ "content": "" }),
        json!({ "content": " \n\t " }),
        json!({ "content": "x".repeat(4001) }),
    ] {
        let res = app.post(&path, Some(&client.token), bad.clone()).await;
        assert_error(&res, 400, "validation_failed");
        assert!(res.1["fields"]["content"].is_string(), "{bad}: {}", res.1);
    }
    let res = app
        .post(
            &path,
            Some(&client.token),
            json!({ "content": "ok", "client_msg_id": "k".repeat(65) }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["client_msg_id"].is_string());
    let res = app
        .post(
            &path,
            Some(&client.token),
            json!({ "content": "ok", "client_msg_id": "" }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    let res = app
        .post(&path, Some(&client.token), json!({ "content": 7 }))
        .await;
    assert_error(&res, 400, "validation_failed");

    let (status, body) = app
        .post(&path, Some(&client.token), json!({ "content": format!("  {}  ", "é".repeat(4000)), "client_msg_id": "k".repeat(64) }))
        .await;
    assert_eq!(status, 201, "4,000 characters after trimming are fine");
    assert_eq!(
        body["message"]["content"].as_str().unwrap().chars().count(),
        4000
    );
    assert_eq!(body["message"]["seq"], 1, "refused messages took no seq");
}

#[tokio::test]
async fn malformed_json_and_oversized_messages_are_refused_cleanly() {
    let app = spawn_app().await;
    let org = app.signup_org("Robust").await;
    let client = app.register_client().await;
    let id = id_of(&app.open_session(&client, &org, None).await);
    let url = format!("{}/api/sessions/{id}/messages", app.base);
    let res = app
        .http
        .post(&url)
        .bearer_auth(&client.token)
        .header("content-type", "application/json")
        .body(r#"{"content": "unterminated"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "validation_failed");
    assert!(
        !body["message"].as_str().unwrap().contains("unterminated"),
        "the input is not echoed"
    );

    let res = app
        .post(
            &format!("/api/sessions/{id}/messages"),
            Some(&client.token),
            json!({ "content": "z".repeat(65 * 1024) }),
        )
        .await;
    assert_error(&res, 413, "payload_too_large");
    assert_eq!(app.session(&client.token, &id).await["last_seq"], 0);
}

#[tokio::test]
async fn resending_a_client_msg_id_returns_the_same_message_and_stores_one() {
    let app = spawn_app().await;
    let org = app.signup_org("Idempotent").await;
    let client = app.register_client().await;
    let id = id_of(&app.open_session(&client, &org, Some("first")).await);
    let path = format!("/api/sessions/{id}/messages");
    let body = json!({ "content": "pay my bill", "client_msg_id": "retry-123" });
    let (s1, first) = app.post(&path, Some(&client.token), body.clone()).await;
    let (s2, second) = app.post(&path, Some(&client.token), body).await;
    assert_eq!(s1, 201, "{first}");
    assert!(s2 == 200 || s2 == 201, "{second}");
    assert_eq!(first["message"]["id"], second["message"]["id"]);
    assert_eq!(first["message"]["seq"], 2);
    assert_eq!(second["message"]["seq"], 2);
    assert_eq!(first["message"]["client_msg_id"], "retry-123");

    let (_, third) = app
        .post(
            &path,
            Some(&client.token),
            json!({ "content": "another", "client_msg_id": "retry-124" }),
        )
        .await;
    assert_eq!(third["message"]["seq"], 3);
    let page = history(&app, &client.token, &id, "").await;
    assert_eq!(seqs(&page), vec![1, 2, 3], "one message per key, no gap");
    let stored: Vec<&Value> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["client_msg_id"] == "retry-123")
        .collect();
    assert_eq!(stored.len(), 1);

    // The key belongs to its sender: the agent's identical key is another message.
    let (status, agents) = app
        .post(
            &path,
            Some(&org.admin_token),
            json!({ "content": "answer", "client_msg_id": "retry-123" }),
        )
        .await;
    assert_eq!(status, 201);
    assert_ne!(agents["message"]["id"], first["message"]["id"]);
    assert_eq!(agents["message"]["seq"], 4);
    assert_eq!(agents["message"]["sender_type"], "agent");
}

#[tokio::test]
async fn history_pages_with_before_after_and_limit_in_ascending_seq() {
    let app = spawn_app().await;
    let org = app.signup_org("Pages").await;
    let client = app.register_client().await;
    let id = id_of(&app.open_session(&client, &org, Some("m1")).await);
    for n in 2..=7 {
        let (status, _) = app.send(&client.token, &id, &format!("m{n}")).await;
        assert_eq!(status, 201);
    }
    let t = &client.token;
    let page = history(&app, t, &id, "").await;
    assert_eq!(seqs(&page), vec![1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(page["has_more"], false);
    assert_eq!(page["messages"][6]["content"], "m7");

    let page = history(&app, t, &id, "?limit=3").await;
    assert_eq!(
        seqs(&page),
        vec![5, 6, 7],
        "without a cursor, the newest window"
    );
    assert_eq!(page["has_more"], true);
    let page = history(&app, t, &id, "?before=5&limit=3").await;
    assert_eq!(seqs(&page), vec![2, 3, 4]);
    assert_eq!(page["has_more"], true);
    let page = history(&app, t, &id, "?before=4").await;
    assert_eq!(seqs(&page), vec![1, 2, 3]);
    assert_eq!(page["has_more"], false);
    let page = history(&app, t, &id, "?after=2&limit=3").await;
    assert_eq!(seqs(&page), vec![3, 4, 5]);
    assert_eq!(page["has_more"], true);
    let page = history(&app, t, &id, "?after=5").await;
    assert_eq!(seqs(&page), vec![6, 7]);
    assert_eq!(page["has_more"], false);
    let page = history(&app, t, &id, "?after=7").await;
    assert_eq!(page["messages"], json!([]));
    let page = history(&app, t, &id, "?after=1&before=5").await;
    assert_eq!(seqs(&page), vec![2, 3, 4]);
    let page = history(&app, t, &id, "?limit=200").await;
    assert_eq!(seqs(&page).len(), 7);

    for (query, field) in [
        ("?limit=201", "limit"),
        ("?limit=0", "limit"),
        ("?before=-1", "before"),
        ("?after=-3", "after"),
    ] {
        let res = app
            .get(&format!("/api/sessions/{id}/messages{query}"), Some(t))
            .await;
        assert_error(&res, 400, "validation_failed");
        assert!(res.1["fields"][field].is_string(), "{query}: {}", res.1);
    }
    let res = app
        .get(&format!("/api/sessions/{id}/messages?limit=ten"), Some(t))
        .await;
    assert_error(&res, 400, "validation_failed");

    // The default page is 50 messages, the newest ones.
    for n in 8..=52 {
        assert_eq!(app.send(&client.token, &id, &format!("m{n}")).await.0, 201);
    }
    let page = history(&app, t, &id, "").await;
    assert_eq!(seqs(&page), (3..=52).collect::<Vec<i64>>());
    assert_eq!(page["has_more"], true);
    let page = history(&app, t, &id, "?before=3").await;
    assert_eq!(seqs(&page), vec![1, 2]);
    assert_eq!(page["has_more"], false);
}

#[tokio::test]
async fn messages_to_a_closed_session_are_refused_and_closing_is_idempotent() {
    let app = spawn_app().await;
    let org = app.signup_org("Closing").await;
    let client = app.register_client().await;
    let id = id_of(&app.open_session(&client, &org, Some("bye soon")).await);

    let (status, body) = app.close(&client.token, &id).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["session"]["status"], "closed");
    let closed_at = body["session"]["closed_at"].clone();
    assert!(closed_at.is_string());
    let last_seq = body["session"]["last_seq"].clone();

    let (status, again) = app.close(&client.token, &id).await;
    assert_eq!(status, 200, "closing twice is fine");
    assert_eq!(again["session"]["closed_at"], closed_at);
    assert_eq!(
        again["session"]["last_seq"], last_seq,
        "no second closing note"
    );
    let (status, again) = set_status(&app, &org.admin_token, &id, "closed").await;
    assert_eq!(status, 200);
    assert_eq!(again["session"]["closed_at"], closed_at);

    assert_error(
        &app.send(&client.token, &id, "one more thing").await,
        409,
        "session_closed",
    );
    assert_error(
        &app.send(&org.admin_token, &id, "too late").await,
        409,
        "session_closed",
    );
    assert_error(
        &app.assign(&org.admin_token, &id, &org.admin_id).await,
        409,
        "session_closed",
    );

    // Still readable, with the closing recorded by a system message.
    let page = history(&app, &client.token, &id, "").await;
    let last = page["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["sender_type"], "system");
    assert!(
        last["content"].as_str().unwrap().contains("closed"),
        "{last}"
    );
    assert_eq!(app.session(&client.token, &id).await["status"], "closed");

    // The customer starts a new conversation instead.
    let fresh = app.open_session(&client, &org, Some("me again")).await;
    assert_ne!(id_of(&fresh), id);
    assert_eq!(fresh["status"], "waiting");
}

#[tokio::test]
async fn closing_belongs_to_the_assigned_agent_supervisors_admins_and_the_client() {
    let app = spawn_app().await;
    let org = app.signup_org("Closers").await;
    let a = app.create_agent(&org, "Ann", "agent", None).await;
    let b = app.create_agent(&org, "Bob", "agent", None).await;
    let sup = app.create_agent(&org, "Sue", "supervisor", None).await;
    let client = app.register_client().await;
    let mut sessions = vec![];
    for _ in 0..3 {
        let id = id_of(&app.open_session(&client, &org, Some("close me")).await);
        assert_eq!(app.assign(&org.admin_token, &id, &a.id).await.0, 200);
        sessions.push(id);
    }
    let waiting = id_of(&app.open_session(&client, &org, Some("nobody has me")).await);

    assert_error(&app.close(&b.token, &sessions[0]).await, 403, "forbidden");
    assert_error(
        &set_status(&app, &b.token, &sessions[0], "closed").await,
        403,
        "forbidden",
    );
    assert_error(&app.close(&a.token, &waiting).await, 403, "forbidden");
    assert_error(
        &app.close(&client.token, &uuid::Uuid::now_v7().to_string())
            .await,
        404,
        "not_found",
    );
    assert_error(&app.close(&a.token, "nope").await, 404, "not_found");
    assert_error(
        &app.close("garbage", &sessions[0]).await,
        401,
        "unauthorized",
    );
    assert_eq!(
        app.session(&client.token, &sessions[0]).await["status"],
        "active"
    );

    for (token, id) in [
        (&a.token, &sessions[0]),
        (&sup.token, &sessions[1]),
        (&org.admin_token, &sessions[2]),
        (&sup.token, &waiting),
    ] {
        let (status, body) = app.close(token, id).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["session"]["status"], "closed");
    }
}

#[tokio::test]
async fn session_status_changes_follow_the_lifecycle() {
    let app = spawn_app().await;
    let org = app.signup_org("Lifecycle").await;
    let a = app.create_agent(&org, "Ann", "agent", None).await;
    let b = app.create_agent(&org, "Bob", "agent", None).await;
    let client = app.register_client().await;
    let id = id_of(&app.open_session(&client, &org, Some("hello")).await);

    let res = set_status(&app, &a.token, &id, "waiting").await;
    assert_error(&res, 409, "conflict");
    let res = set_status(&app, &a.token, &id, "open").await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["status"].is_string());
    let res = app
        .put(
            &format!("/api/sessions/{id}/status"),
            Some(&a.token),
            json!({}),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert_error(
        &set_status(&app, &client.token, &id, "active").await,
        403,
        "forbidden",
    );
    assert_error(
        &set_status(&app, &client.token, &id, "waiting").await,
        409,
        "conflict",
    );
    assert_eq!(app.session(&client.token, &id).await["status"], "waiting");

    // An agent making a waiting session active takes it.
    let (status, body) = set_status(&app, &a.token, &id, "active").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["session"]["status"], "active");
    assert_eq!(body["session"]["agent_id"], a.id.as_str());
    assert_error(
        &set_status(&app, &b.token, &id, "active").await,
        403,
        "forbidden",
    );
    assert_error(
        &set_status(&app, &a.token, &id, "waiting").await,
        409,
        "conflict",
    );
    assert_eq!(
        app.session(&client.token, &id).await["agent_id"],
        a.id.as_str()
    );

    let (status, body) = set_status(&app, &client.token, &id, "closed").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["session"]["status"], "closed");
    assert!(body["session"]["closed_at"].is_string());
    assert_error(
        &set_status(&app, &org.admin_token, &id, "active").await,
        409,
        "session_closed",
    );
    assert_eq!(
        app.session(&client.token, &id).await["status"],
        "closed",
        "closed is final"
    );
}

#[tokio::test]
async fn a_supervisor_assigns_and_transfers_sessions_with_system_messages() {
    let app = spawn_app().await;
    let org = app.signup_org("Dispatch").await;
    let a = app.create_agent(&org, "Ann", "agent", None).await;
    let b = app.create_agent(&org, "Bob", "agent", None).await;
    let sup = app.create_agent(&org, "Sue", "supervisor", None).await;
    let client = app.register_client().await;
    let id = id_of(&app.open_session(&client, &org, Some("help")).await);

    let (status, body) = app.assign(&sup.token, &id, &a.id).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["session"]["status"], "active");
    assert_eq!(body["session"]["agent_id"], a.id.as_str());
    let (status, body) = app.assign(&sup.token, &id, &b.id).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["session"]["agent_id"], b.id.as_str());
    assert_eq!(body["session"]["status"], "active");
    let (status, body) = app.assign(&org.admin_token, &id, &a.id).await;
    assert_eq!(status, 200, "admins assign too");
    assert_eq!(body["session"]["agent_id"], a.id.as_str());

    let page = history(&app, &client.token, &id, "").await;
    let system: Vec<&str> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["sender_type"] == "system")
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(system.len(), 3, "{system:?}");
    assert!(system[0].contains("Ann"), "{system:?}");
    assert!(
        system[1].contains("Ann") && system[1].contains("Bob"),
        "{system:?}"
    );
    assert_eq!(seqs(&page), vec![1, 2, 3, 4]);

    let (_, a_sessions) = app
        .get(
            &format!("/api/agents/{}/sessions?status=active", a.id),
            Some(&sup.token),
        )
        .await;
    assert_eq!(ids(&a_sessions["sessions"]), vec![id.clone()]);
    let (_, b_sessions) = app
        .get(
            &format!("/api/agents/{}/sessions?status=active", b.id),
            Some(&sup.token),
        )
        .await;
    assert_eq!(
        b_sessions["sessions"],
        json!([]),
        "a transfer moves the session"
    );
}

#[tokio::test]
async fn an_agent_takes_a_waiting_session_for_themselves_but_assigns_nobody_else() {
    let app = spawn_app().await;
    let org = app.signup_org("Takers").await;
    let other = app.signup_org("Foreign").await;
    let a = app.create_agent(&org, "Ann", "agent", None).await;
    let b = app.create_agent(&org, "Bob", "agent", None).await;
    let sup = app.create_agent(&org, "Sue", "supervisor", None).await;
    let client = app.register_client().await;
    let first = id_of(&app.open_session(&client, &org, Some("one")).await);
    let second = id_of(&app.open_session(&client, &org, Some("two")).await);

    assert_error(&app.assign(&a.token, &first, &b.id).await, 403, "forbidden");
    let (status, body) = app.assign(&a.token, &first, &a.id).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["session"]["agent_id"], a.id.as_str());
    assert_error(&app.assign(&b.token, &first, &b.id).await, 403, "forbidden");
    assert_eq!(
        app.session(&client.token, &first).await["agent_id"],
        a.id.as_str()
    );

    // Another organization's agent does not exist here, whoever asks.
    assert_error(
        &app.assign(&sup.token, &second, &other.admin_id).await,
        404,
        "not_found",
    );
    assert_error(
        &app.assign(&a.token, &second, &other.admin_id).await,
        404,
        "not_found",
    );
    assert_error(
        &app.assign(&sup.token, &second, &uuid::Uuid::now_v7().to_string())
            .await,
        404,
        "not_found",
    );
    let res = app
        .put(
            &format!("/api/sessions/{second}/assign"),
            Some(&sup.token),
            json!({}),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["agent_id"].is_string());
    let res = app
        .put(
            &format!("/api/sessions/{second}/assign"),
            Some(&sup.token),
            json!({ "agent_id": "bob" }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert_error(
        &app.assign(&client.token, &second, &a.id).await,
        403,
        "forbidden",
    );
    let res = app
        .put(
            &format!("/api/sessions/{second}/assign"),
            None,
            json!({ "agent_id": a.id }),
        )
        .await;
    assert_error(&res, 401, "unauthorized");
    let s = app.session(&client.token, &second).await;
    assert_eq!(s["status"], "waiting");
    assert!(s["agent_id"].is_null());
}

#[tokio::test]
async fn plain_agents_list_their_own_and_waiting_sessions_while_supervisors_see_all() {
    let app = spawn_app().await;
    let org = app.signup_org("Lists").await;
    let other = app.signup_org("Hidden").await;
    let a = app.create_agent(&org, "Ann", "agent", None).await;
    let b = app.create_agent(&org, "Bob", "agent", None).await;
    let sup = app.create_agent(&org, "Sue", "supervisor", None).await;
    let client = app.register_client().await;
    let waiting = id_of(&app.open_session(&client, &org, Some("queued")).await);
    let mine = id_of(&app.open_session(&client, &org, Some("for Ann")).await);
    let theirs = id_of(&app.open_session(&client, &org, Some("for Bob")).await);
    let closed = id_of(&app.open_session(&client, &org, Some("done")).await);
    assert_eq!(app.assign(&sup.token, &mine, &a.id).await.0, 200);
    assert_eq!(app.assign(&sup.token, &theirs, &b.id).await.0, 200);
    assert_eq!(app.close(&sup.token, &closed).await.0, 200);
    let foreign_client = app.register_client().await;
    let foreign = id_of(
        &app.open_session(&foreign_client, &other, Some("elsewhere"))
            .await,
    );

    assert_eq!(
        org_list(&app, &org.id, &a.token, "").await,
        sorted(vec![waiting.clone(), mine.clone()])
    );
    assert_eq!(
        org_list(&app, &org.id, &a.token, "?status=active").await,
        vec![mine.clone()]
    );
    assert_eq!(
        org_list(&app, &org.id, &a.token, "/active").await,
        vec![mine.clone()]
    );
    assert_eq!(
        org_list(&app, &org.id, &a.token, "/waiting").await,
        vec![waiting.clone()]
    );
    assert_eq!(
        org_list(&app, &org.id, &a.token, "?status=closed").await,
        Vec::<String>::new()
    );
    assert_eq!(
        org_list(&app, &org.id, &sup.token, "").await,
        sorted(vec![
            waiting.clone(),
            mine.clone(),
            theirs.clone(),
            closed.clone()
        ])
    );
    assert_eq!(
        org_list(&app, &org.id, &org.admin_token, "/active").await,
        sorted(vec![mine.clone(), theirs.clone()])
    );
    assert_eq!(
        org_list(&app, &org.id, &sup.token, "?status=closed").await,
        vec![closed.clone()]
    );
    assert_eq!(
        org_list(&app, &org.id, &sup.token, "?status=waiting").await,
        vec![waiting.clone()]
    );
    assert!(
        !org_list(&app, &org.id, &sup.token, "")
            .await
            .contains(&foreign)
    );

    for suffix in ["", "/active", "/waiting"] {
        let path = format!("/api/sessions/organization/{}{suffix}", org.id);
        assert_error(
            &app.get(&path, Some(&other.admin_token)).await,
            404,
            "not_found",
        );
        assert_error(&app.get(&path, Some(&client.token)).await, 403, "forbidden");
        assert_error(&app.get(&path, None).await, 401, "unauthorized");
    }
    let res = app
        .get(
            &format!("/api/sessions/organization/{}?status=open", org.id),
            Some(&sup.token),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
}

#[tokio::test]
async fn a_client_lists_their_sessions_across_organizations_with_unread_counts() {
    let app = spawn_app().await;
    let shop = app.signup_org("Shop").await;
    let bank = app.signup_org("Bank").await;
    let client = app.register_client().await;
    let at_shop = id_of(
        &app.open_session(&client, &shop, Some("where is my parcel"))
            .await,
    );
    let at_bank = id_of(&app.open_session(&client, &bank, Some("card blocked")).await);
    let (status, _) = app.send(&shop.admin_token, &at_shop, "on its way").await;
    assert_eq!(status, 201);

    let (status, body) = app.get("/api/sessions", Some(&client.token)).await;
    assert_eq!(status, 200, "{body}");
    let sessions = body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let find = |id: &str| {
        sessions
            .iter()
            .find(|s| s["id"] == id)
            .expect("listed")
            .clone()
    };
    let s = find(&at_shop);
    assert_eq!(s["organization"]["id"], shop.id.as_str());
    assert_eq!(s["organization"]["name"], "Shop");
    assert_eq!(s["organization"]["domain"], shop.domain.as_str());
    assert_eq!(s["organization"]["online"], false);
    assert!(s["organization"].get("settings").is_none());
    assert_eq!(s["last_message"]["content"], "on its way");
    assert_eq!(s["last_message"]["sender_type"], "agent");
    assert_eq!(s["unread_count"], 1, "the agent's reply is unread");
    assert_eq!(s["status"], "waiting");
    let b = find(&at_bank);
    assert_eq!(b["organization"]["id"], bank.id.as_str());
    assert_eq!(b["last_message"]["content"], "card blocked");
    assert_eq!(
        b["unread_count"], 0,
        "the client's own messages are not unread"
    );

    // Two more replies: the count follows.
    for text in ["it left the depot", "arriving tomorrow"] {
        app.send(&shop.admin_token, &at_shop, text).await;
    }
    let (_, body) = app.get("/api/sessions", Some(&client.token)).await;
    let s = body["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == at_shop.as_str())
        .unwrap()
        .clone();
    assert_eq!(s["unread_count"], 3);
    assert_eq!(s["last_message"]["content"], "arriving tomorrow");
    assert_eq!(
        body["sessions"][0]["id"],
        at_shop.as_str(),
        "newest activity first"
    );

    let stranger = app.register_client().await;
    let (_, theirs) = app.get("/api/sessions", Some(&stranger.token)).await;
    assert_eq!(theirs["sessions"], json!([]));
    assert_error(
        &app.get("/api/sessions", Some(&shop.admin_token)).await,
        403,
        "forbidden",
    );
    assert_error(&app.get("/api/sessions", None).await, 401, "unauthorized");
}

#[tokio::test]
async fn a_client_cannot_flood_a_session() {
    let app = spawn_app_with(|a| a.message_rate_per_minute = 2).await;
    let org = app.signup_org("Flood").await;
    let client = app.register_client().await;
    let id = id_of(&app.open_session(&client, &org, None).await);
    for text in ["one", "two"] {
        assert_eq!(app.send(&client.token, &id, text).await.0, 201);
    }
    let res = app
        .http
        .post(format!("{}/api/sessions/{id}/messages", app.base))
        .bearer_auth(&client.token)
        .json(&json!({ "content": "three" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.headers().contains_key("retry-after"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");
    assert_eq!(app.session(&client.token, &id).await["last_seq"], 2);
    // The limit is per sender: the agent can still answer.
    assert_eq!(app.send(&org.admin_token, &id, "calm down").await.0, 201);
}

#[tokio::test]
async fn with_an_agent_online_the_first_message_assigns_the_session() {
    let app = spawn_app().await;
    let org = app.signup_org("Staffed").await;
    let a = app.create_agent(&org, "Ann", "agent", None).await;
    let _online = app.socket(&a.token).await;
    let path = format!("/api/agents/{}", a.id);
    wait_until("the agent is online", crate::socket::WAIT, || async {
        app.get(&path, Some(&a.token)).await.1["agent"]["online"] == true
    })
    .await;
    let client = app.register_client().await;
    let silent = app.open_session(&client, &org, None).await;
    assert_eq!(
        silent["status"], "waiting",
        "an empty conversation is not handed out"
    );
    let session = app.open_session(&client, &org, Some("anyone there?")).await;
    assert_eq!(session["status"], "active");
    assert_eq!(session["agent_id"], a.id.as_str());
    let page = history(&app, &client.token, &id_of(&session), "").await;
    assert_eq!(seqs(&page), vec![1, 2]);
    assert_eq!(page["messages"][1]["sender_type"], "system");
    let (_, listed) = app.get("/api/sessions", Some(&client.token)).await;
    let s = listed["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == session["id"])
        .unwrap()
        .clone();
    assert_eq!(s["organization"]["online"], true);
}

#[tokio::test]
async fn a_waiting_session_taken_by_two_agents_at_once_goes_to_one_of_them() {
    let app = spawn_app().await;
    let org = app.signup_org("Race").await;
    let a = app.create_agent(&org, "Ann", "agent", None).await;
    let b = app.create_agent(&org, "Bob", "agent", None).await;
    let client = app.register_client().await;
    for _ in 0..3 {
        let id = id_of(&app.open_session(&client, &org, Some("first come")).await);
        let (ra, rb) = tokio::join!(
            app.assign(&a.token, &id, &a.id),
            app.assign(&b.token, &id, &b.id)
        );
        let winners: Vec<&str> = [(&ra, &a.id), (&rb, &b.id)]
            .iter()
            .filter(|(r, _)| r.0 == 200)
            .map(|(_, id)| id.as_str())
            .collect();
        assert_eq!(winners.len(), 1, "{ra:?} / {rb:?}");
        let loser = if ra.0 == 200 { &rb } else { &ra };
        assert!(matches!(loser.0, 403 | 409), "{loser:?}");
        assert_eq!(
            app.session(&client.token, &id).await["agent_id"],
            winners[0]
        );
        let page = history(&app, &client.token, &id, "").await;
        let joined = page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["sender_type"] == "system")
            .count();
        assert_eq!(joined, 1, "one assignment, one system message");
    }
}

#[tokio::test]
async fn a_conversation_whose_client_never_wrote_is_in_no_agent_list() {
    let app = spawn_app().await;
    let org = app.signup_org("Quiet").await;
    let client = app.register_client().await;
    let silent = app.open_session(&client, &org, None).await;
    let spoken = app.open_session(&client, &org, Some("hello")).await;
    for path in ["", "?status=waiting", "/waiting"] {
        let (status, body) = app
            .get(
                &format!("/api/sessions/organization/{}{path}", org.id),
                Some(&org.admin_token),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let ids: Vec<&Value> = body["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| &s["id"])
            .collect();
        assert!(ids.contains(&&spoken["id"]), "{path}: {body}");
        assert!(!ids.contains(&&silent["id"]), "{path}: {body}");
    }
    // The client still sees both.
    let (_, mine) = app.get("/api/sessions", Some(&client.token)).await;
    assert_eq!(mine["sessions"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_client_sees_the_name_of_the_agent_who_answers() {
    let app = spawn_app().await;
    let org = app.signup_org("Named").await;
    let client = app.register_client().await;
    let session = id_of(&app.open_session(&client, &org, Some("hello")).await);
    let path = format!("/api/sessions/{session}");
    let (_, before) = app.get(&path, Some(&client.token)).await;
    assert_eq!(before["session"]["assigned_agent"], Value::Null);
    assert_eq!(before["session"]["id"], session.as_str());

    let (status, _) = app.assign(&org.admin_token, &session, &org.admin_id).await;
    assert_eq!(status, 200);
    let expected = json!({ "id": org.admin_id, "name": "Named Admin" });
    let (status, after) = app.get(&path, Some(&client.token)).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["session"]["assigned_agent"], expected);
    assert_eq!(after["session"]["status"], "active");
    let (_, list) = app.get("/api/sessions", Some(&client.token)).await;
    assert_eq!(list["sessions"][0]["assigned_agent"], expected);
}

#[tokio::test]
async fn a_plain_agent_who_replies_to_a_waiting_conversation_takes_it_first() {
    let app = spawn_app().await;
    let org = app.signup_org("Replies").await;
    let agent = app.create_agent(&org, "Plain", "agent", None).await;
    let client = app.register_client().await;
    let socket = app.socket(&client.token).await;
    let session = id_of(&app.open_session(&client, &org, Some("anyone?")).await);
    assert_eq!(
        app.session(&client.token, &session).await["status"],
        "waiting"
    );

    let (status, body) = app.send(&agent.token, &session, "I can help").await;
    assert_eq!(status, 201, "{body}");
    let now = app.session(&client.token, &session).await;
    assert_eq!(now["status"], "active");
    assert_eq!(now["agent_id"], agent.id.as_str());
    assert_eq!(now["assigned_agent"]["name"], "Plain");
    let assigned = socket.wait_for("agent_assigned").await;
    assert_eq!(assigned["agent"]["id"], agent.id.as_str());
    // The conversation reads in the order things happened: joined, then the reply.
    let page = history(&app, &client.token, &session, "").await;
    let texts: Vec<&str> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["anyone?", "Plain joined the conversation", "I can help"]
    );
}

#[tokio::test]
async fn only_the_assigned_agent_supervisors_and_admins_write_in_an_assigned_conversation() {
    let app = spawn_app().await;
    let org = app.signup_org("Owned").await;
    let owner = app.create_agent(&org, "Owner", "agent", None).await;
    let other = app.create_agent(&org, "Other", "agent", None).await;
    let sup = app.create_agent(&org, "Sup", "supervisor", None).await;
    let client = app.register_client().await;
    let session = id_of(&app.open_session(&client, &org, Some("help")).await);
    assert_eq!(app.assign(&owner.token, &session, &owner.id).await.0, 200);

    assert_error(
        &app.send(&other.token, &session, "mine now?").await,
        403,
        "forbidden",
    );
    assert_eq!(app.send(&owner.token, &session, "on it").await.0, 201);
    assert_eq!(app.send(&sup.token, &session, "supervising").await.0, 201);
    assert_eq!(
        app.send(&org.admin_token, &session, "admin here").await.0,
        201
    );
    assert_eq!(
        app.session(&client.token, &session).await["agent_id"],
        owner.id.as_str()
    );
    let page = history(&app, &client.token, &session, "").await;
    assert!(
        !page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["content"] == "mine now?"),
        "the refused message was stored"
    );
}

#[tokio::test]
async fn a_closed_conversation_counts_no_unread_notes() {
    let app = spawn_app().await;
    let org = app.signup_org("Notes").await;
    let client = app.register_client().await;
    let session = id_of(&app.open_session(&client, &org, Some("hello")).await);
    app.send(&org.admin_token, &session, "one answer").await;
    let unread = |body: &Value| body["sessions"][0]["unread_count"].as_i64().unwrap();
    let (_, before) = app.get("/api/sessions", Some(&client.token)).await;
    assert_eq!(unread(&before), 1);
    assert_eq!(app.close(&org.admin_token, &session).await.0, 200);
    let (_, after) = app.get("/api/sessions", Some(&client.token)).await;
    assert_eq!(after["sessions"][0]["status"], "closed");
    assert_eq!(
        unread(&after),
        1,
        "the closing note is not unread, the answer still is"
    );
}

#[tokio::test]
async fn a_session_tells_how_far_each_side_has_received_and_read() {
    let app = spawn_app().await;
    let org = app.signup_org("Marks").await;
    let client = app.register_client().await;
    let session = id_of(&app.open_session(&client, &org, Some("one")).await);
    app.send(&org.admin_token, &session, "two").await;
    let agent_socket = app.socket(&org.admin_token).await;
    let ack = agent_socket
        .call("mark_read", json!({ "session_id": session, "seq": 1 }))
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
    let client_socket = app.socket(&client.token).await;
    let ack = client_socket
        .call("mark_delivered", json!({ "session_id": session, "seq": 2 }))
        .await;
    assert_eq!(ack["ok"], true, "{ack}");

    let expected = json!({
        "client": { "delivered_seq": 2, "read_seq": 0 },
        "agent": { "delivered_seq": 1, "read_seq": 1 },
    });
    let (_, one) = app
        .get(&format!("/api/sessions/{session}"), Some(&client.token))
        .await;
    assert_eq!(one["session"]["read_state"], expected);
    let (_, list) = app.get("/api/sessions", Some(&client.token)).await;
    assert_eq!(list["sessions"][0]["read_state"], expected);
    let (_, for_agent) = app
        .get(&format!("/api/sessions/{session}"), Some(&org.admin_token))
        .await;
    assert_eq!(for_agent["session"]["read_state"], expected);
}
