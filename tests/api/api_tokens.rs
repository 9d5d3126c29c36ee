//! API tokens: made by admins (shown once), held to their scopes on every route and over
//! sockets, attributed in what they do, revoked at once (REST and sockets), never reaching
//! another organization.

use serde_json::{Value, json};
use sio_test_client::SocketClient;

use crate::support::*;

async fn make(app: &TestApp, org: &OrgHandle, name: &str, scopes: &[&str]) -> (String, String) {
    let (status, body) = app
        .post(
            "/api/api-tokens",
            Some(&org.admin_token),
            json!({ "name": name, "scopes": scopes }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    (
        body["token"]["id"].as_str().unwrap().to_string(),
        body["secret"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn a_token_does_what_its_scopes_say_and_nothing_else() {
    let app = spawn_app().await;
    let org = app.signup_org("Scripted").await;
    let customer = app.register_client().await;
    let s = app
        .open_session(&customer, &org, Some("Where is my parcel?"))
        .await;
    let session = s["id"].as_str().unwrap().to_string();
    let (_, reader) = make(&app, &org, "CRM sync", &["read_conversations"]).await;
    let (writer_id, writer) =
        make(&app, &org, "Bot", &["read_conversations", "write_messages"]).await;
    let (status, listed) = app.get("/api/api-tokens", Some(&org.admin_token)).await;
    assert_eq!(status, 200);
    assert!(
        !listed.to_string().contains(&reader),
        "the value is shown once"
    );

    // Reading works; writing needs its scope; other routes are closed to tokens.
    let (status, body) = app
        .get(&format!("/api/sessions/{session}"), Some(&reader))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .get(&format!("/api/sessions/{session}/messages"), Some(&reader))
        .await;
    assert_eq!(status, 200, "{body}");
    let say = json!({ "content": "It left our warehouse today." });
    let path = format!("/api/sessions/{session}/messages");
    assert_error(
        &app.post(&path, Some(&reader), say.clone()).await,
        403,
        "forbidden",
    );
    for (method, route, body) in [
        (
            reqwest::Method::PUT,
            format!("/api/organizations/{}", org.id),
            json!({ "name": "Taken" }),
        ),
        (
            reqwest::Method::DELETE,
            format!("/api/organizations/{}", org.id),
            Value::Null,
        ),
        (
            reqwest::Method::GET,
            "/api/reports?from=2030-01-01&to=2030-01-02".into(),
            Value::Null,
        ),
        (
            reqwest::Method::POST,
            "/api/api-tokens".into(),
            json!({ "name": "more", "scopes": ["read_reports"] }),
        ),
        (reqwest::Method::GET, "/api/audit".into(), Value::Null),
        (
            reqwest::Method::PUT,
            format!("/api/sessions/{session}/close"),
            json!({}),
        ),
    ] {
        let body = (!body.is_null()).then_some(body);
        let res = app.call(method.clone(), &route, Some(&reader), body).await;
        assert_error(&res, 403, "forbidden");
    }
    let (status, sent) = app.post(&path, Some(&writer), say).await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(
        sent["message"]["sender_name"], "Bot (API token)",
        "attributed to the token"
    );
    assert_eq!(sent["message"]["sender_id"], writer_id.as_str());

    // Another organization's data is not found.
    let other = app.signup_org("Elsewhere").await;
    let theirs = app.open_session(&customer, &other, Some("hi")).await;
    let res = app
        .get(
            &format!("/api/sessions/{}", theirs["id"].as_str().unwrap()),
            Some(&writer),
        )
        .await;
    assert_error(&res, 404, "not_found");

    // Sockets: a reading token joins; a write over the socket needs write_messages.
    let socket = SocketClient::connect(&app.base, Some(&reader))
        .await
        .unwrap();
    let ack = socket
        .call(
            "send_message",
            json!({ "session_id": session, "content": "from the socket" }),
        )
        .await;
    assert_eq!(ack["ok"], false, "{ack}");
    assert_eq!(ack["error"], "forbidden");
    let socket = SocketClient::connect(&app.base, Some(&writer))
        .await
        .unwrap();
    let ack = socket
        .call(
            "send_message",
            json!({ "session_id": session, "content": "from the socket" }),
        )
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
    let ack = socket
        .call("update_agent_status", json!({ "status": "active" }))
        .await;
    assert_eq!(ack["error"], "forbidden", "{ack}");
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_once_on_rest_and_sockets() {
    let app = spawn_app().await;
    let org = app.signup_org("Revoking").await;
    let (id, token) = make(
        &app,
        &org,
        "Old script",
        &["read_conversations", "write_messages"],
    )
    .await;
    let customer = app.register_client().await;
    let s = app.open_session(&customer, &org, Some("hello")).await;
    let session = s["id"].as_str().unwrap().to_string();
    let socket = SocketClient::connect(&app.base, Some(&token))
        .await
        .unwrap();
    let (status, _) = app
        .get(&format!("/api/sessions/{session}"), Some(&token))
        .await;
    assert_eq!(status, 200);
    let (status, listed) = app.get("/api/api-tokens", Some(&org.admin_token)).await;
    assert_eq!(status, 200);
    assert!(listed["tokens"][0]["last_used_at"].is_string(), "{listed}");

    let (status, _) = app
        .delete(&format!("/api/api-tokens/{id}"), Some(&org.admin_token))
        .await;
    assert_eq!(status, 204);
    assert_error(
        &app.get(&format!("/api/sessions/{session}"), Some(&token))
            .await,
        401,
        "unauthorized",
    );
    let ack = socket
        .call(
            "send_message",
            json!({ "session_id": session, "content": "still here?" }),
        )
        .await;
    assert_eq!(ack["ok"], false, "{ack}");
    assert!(
        SocketClient::connect(&app.base, Some(&token))
            .await
            .is_err(),
        "no new socket"
    );
    assert_error(
        &app.get("/api/sessions", Some("rsl_0000")).await,
        401,
        "unauthorized",
    );

    // Only admins make tokens; bad ones change nothing.
    let agent = app.create_agent(&org, "Plain", "supervisor", None).await;
    assert_error(
        &app.post(
            "/api/api-tokens",
            Some(&agent.token),
            json!({ "name": "x", "scopes": ["read_reports"] }),
        )
        .await,
        403,
        "forbidden",
    );
    for bad in [
        json!({ "name": "", "scopes": ["read_reports"] }),
        json!({ "name": "x", "scopes": [] }),
        json!({ "name": "x", "scopes": ["everything"] }),
    ] {
        let res = app
            .post("/api/api-tokens", Some(&org.admin_token), bad.clone())
            .await;
        assert!(matches!(res.0, 400 | 422), "{bad}: {res:?}");
    }
    let (_, listed) = app.get("/api/api-tokens", Some(&org.admin_token)).await;
    assert_eq!(listed["tokens"], json!([]));
    // The audit log says who made and revoked it.
    let (_, audit) = app.get("/api/audit", Some(&org.admin_token)).await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"token.created") && actions.contains(&"token.revoked"),
        "{actions:?}"
    );
}
