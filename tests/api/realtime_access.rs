//! Socket authentication and the access rules of every client→server event.

use std::time::Duration;

use serde_json::json;

use crate::socket::SocketClient;
use crate::support::*;

#[tokio::test]
async fn a_socket_without_a_valid_token_is_refused_at_connect() {
    let app = spawn_app().await;
    assert_eq!(
        SocketClient::connect(&app.base, None)
            .await
            .err()
            .as_deref(),
        Some("unauthorized")
    );
    assert_eq!(
        SocketClient::connect(&app.base, Some("garbage"))
            .await
            .err()
            .as_deref(),
        Some("unauthorized")
    );
}

#[tokio::test]
async fn an_expired_token_is_refused_at_connect() {
    let app = spawn_app().await;
    let org = app.signup_org("Expired").await;
    let claims = app.server.app.tokens.verify(&org.admin_token).unwrap();
    let expired = app.server.app.tokens.sign(&raasel::auth::Claims {
        exp: chrono::Utc::now().timestamp() - 10,
        ..claims
    });
    assert_eq!(
        SocketClient::connect(&app.base, Some(&expired))
            .await
            .err()
            .as_deref(),
        Some("unauthorized")
    );
}

#[tokio::test]
async fn a_token_revoked_by_a_password_change_is_refused_at_connect() {
    let app = spawn_app().await;
    let org = app.signup_org("Revoked").await;
    let agent = app.create_agent(&org, "Ann", "agent", None).await;
    let (status, _) = app
        .put(
            &format!("/api/agents/{}/password", agent.id),
            Some(&org.admin_token),
            json!({ "new_password": "a brand new password" }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        SocketClient::connect(&app.base, Some(&agent.token))
            .await
            .err()
            .as_deref(),
        Some("unauthorized")
    );
}

#[tokio::test]
async fn agents_clients_and_visitors_connect_with_their_tokens() {
    let app = spawn_app().await;
    let org = app.signup_org("Connect").await;
    let client = app.register_client().await;
    let visitor = app.visitor(&org, "Vera").await;
    let agent = app.socket(&org.admin_token).await;
    let ack = agent
        .call("join_organization", json!({ "organization_id": org.id }))
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
    assert_eq!(ack["organization_id"], org.id.as_str());
    // Customers and visitors are authenticated too: they are told what they may join.
    for token in [&client.token, &visitor.token] {
        let s = app.socket(token).await;
        let ack = s
            .call("join_organization", json!({ "organization_id": org.id }))
            .await;
        assert_eq!(ack["error"], "validation_failed", "{ack}");
        assert!(ack["fields"]["session_id"].is_string(), "{ack}");
    }
}

#[tokio::test]
async fn a_failed_event_without_ack_is_reported_as_an_error_event() {
    let app = spawn_app().await;
    let client = app.register_client().await;
    let s = app.socket(&client.token).await;
    s.emit(
        "send_message",
        json!({ "session_id": uuid::Uuid::now_v7(), "content": "hi" }),
    );
    let err = s.wait_for("error").await;
    assert_eq!(err["error"], "not_found");
    s.assert_no("error", Duration::from_millis(200)).await;
}

#[tokio::test]
async fn an_oversized_socket_payload_closes_the_connection_and_stores_nothing() {
    let app = spawn_app().await;
    let org = app.signup_org("Big").await;
    let client = app.register_client().await;
    let session = app.open_session(&client, &org, Some("hi")).await;
    let s = app.socket(&client.token).await;
    let huge = "x".repeat(100 * 1024);
    let ack = s
        .call(
            "send_message",
            json!({ "session_id": session["id"], "content": huge }),
        )
        .await;
    assert_eq!(ack["error"], "payload_too_large");
    assert!(
        s.wait_closed(Duration::from_secs(5)).await,
        "the sender is disconnected"
    );
    let (_, page) = app
        .get(
            &format!("/api/sessions/{}/messages", session["id"].as_str().unwrap()),
            Some(&client.token),
        )
        .await;
    assert_eq!(page["messages"].as_array().unwrap().len(), 1);
}
