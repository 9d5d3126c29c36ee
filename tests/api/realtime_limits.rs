//! What one client can make the socket layer hold: sockets per account, a socket that stops
//! reading, a socket whose token expired or whose organization is gone.

use std::time::Duration;

use futures_util::StreamExt;
use raasel::auth::{Claims, Kind};
use serde_json::json;

use crate::socket::WAIT;
use crate::support::*;

async fn agent_online(app: &TestApp, org: &OrgHandle, agent_id: &str) -> bool {
    let (_, body) = app
        .get(
            &format!("/api/agents/organization/{}", org.id),
            Some(&org.admin_token),
        )
        .await;
    body["agents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == agent_id && a["online"] == true)
}

#[tokio::test]
async fn a_stalled_agent_socket_goes_offline_and_is_closed_within_bounded_time() {
    let app = spawn_app_with(|a| {
        a.sockets.buffer = 16;
        a.sockets.ping_interval = Duration::from_millis(300);
        a.sockets.ping_timeout = Duration::from_millis(300);
        a.connections.write_timeout = Duration::from_millis(500);
    })
    .await;
    let org = app.signup_org("Stall").await;
    let agent = app.create_agent(&org, "Sleepy", "agent", Some(50)).await;
    let mut stalled = stalled_socket(&app, &agent.token).await;
    wait_until("the agent is online", WAIT, || {
        agent_online(&app, &org, &agent.id)
    })
    .await;

    // The agent hears every new message of the organization; a customer writes a lot.
    let client = app.register_client().await;
    let sender = app.socket(&client.token).await;
    let session = app.open_session(&client, &org, Some("hi")).await;
    let session_id = session["id"].as_str().unwrap().to_string();
    let big = "€".repeat(4000);
    for _ in 0..2000 {
        let ack = sender
            .call(
                "send_message",
                json!({ "session_id": session_id, "content": big }),
            )
            .await;
        assert_eq!(ack["ok"], true, "{ack}");
        if !agent_online(&app, &org, &agent.id).await {
            break;
        }
    }
    assert!(
        !agent_online(&app, &org, &agent.id).await,
        "a socket that stopped reading kept its agent online"
    );

    // Nobody who cannot read is handed a conversation.
    let other = app.register_client().await;
    let waiting = app.open_session(&other, &org, Some("anyone?")).await;
    let waiting_id = waiting["id"].as_str().unwrap();
    assert_eq!(
        app.session(&other.token, waiting_id).await["status"],
        "waiting"
    );

    // The server ends the connection: reading what is buffered reaches its end.
    let closed = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(Ok(_)) = stalled.next().await {}
    })
    .await;
    assert!(closed.is_ok(), "the stalled connection was never closed");
}

#[tokio::test]
async fn an_account_cannot_hold_more_sockets_than_the_cap() {
    let app = spawn_app_with(|a| a.sockets.max_sockets_per_account = 3).await;
    let client = app.register_client().await;
    let mut open = vec![];
    for _ in 0..3 {
        open.push(app.socket(&client.token).await);
    }
    let refused = SocketClient::connect(&app.base, Some(&client.token)).await;
    assert_eq!(refused.err().as_deref(), Some("too_many_connections"));
    // Another account is not affected.
    let other = app.register_client().await;
    let _theirs = app.socket(&other.token).await;

    open.pop().unwrap().disconnect();
    let reopened = std::sync::Mutex::new(None);
    wait_until("a closed socket frees its place", WAIT, || async {
        let s = SocketClient::connect(&app.base, Some(&client.token))
            .await
            .ok();
        let ok = s.is_some();
        *reopened.lock().unwrap() = s;
        ok
    })
    .await;
}

#[tokio::test]
async fn a_socket_is_closed_when_its_token_expires() {
    let app = spawn_app().await;
    let client = app.register_client().await;
    let now = chrono::Utc::now().timestamp();
    let short = app.server.app.tokens.sign(&Claims {
        sub: client.id.parse().unwrap(),
        kind: Kind::Client,
        org: None,
        role: None,
        ver: 0,
        iat: now,
        exp: now + 2,
        nbf: None,
        sid: None,
    });
    let socket = app.socket(&short).await;
    assert!(
        socket.wait_closed(Duration::from_secs(6)).await,
        "the socket outlived its token"
    );
    let told = socket.pending().await;
    assert!(
        told.iter()
            .any(|(e, v)| e == "error" && v["error"] == "unauthorized"),
        "not told why: {told:?}"
    );
    // A fresh token still works.
    let _fresh = app.socket(&client.token).await;
}

#[tokio::test]
async fn visitor_sockets_are_closed_when_their_organization_is_deleted() {
    let app = spawn_app().await;
    let org = app.signup_org("Gone").await;
    let visitor = app.visitor(&org, "Vic").await;
    let socket = app.socket(&visitor.token).await;
    let (status, _) = app
        .delete(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!(status, 204);
    assert!(
        socket.wait_closed(WAIT).await,
        "the visitor stayed connected"
    );
    assert_eq!(
        SocketClient::connect(&app.base, Some(&visitor.token))
            .await
            .err()
            .as_deref(),
        Some("unauthorized")
    );
}

#[tokio::test]
async fn a_burst_beyond_the_sockets_event_queue_is_refused_and_nothing_accepted_is_lost() {
    let app = spawn_app_with(|a| {
        a.socket_events_per_second = 100_000;
        a.message_rate_per_minute = 1_000_000;
        // Room for every answer at once: this is about the queue of incoming events, not
        // about a socket that stops reading.
        a.sockets.buffer = 4096;
    })
    .await;
    let org = app.signup_org("Burst").await;
    let client = app.register_client().await;
    let socket = app.socket(&client.token).await;
    let session = app.open_session(&client, &org, None).await;
    let session_id = session["id"].as_str().unwrap().to_string();

    // Everything is written at once; the socket's worker stores one message at a time.
    let calls = (0..600).map(|i| {
        socket.call(
            "send_message",
            json!({ "session_id": session_id, "content": format!("m{i}"), "client_msg_id": format!("c{i}") }),
        )
    });
    let acks = futures_util::future::join_all(calls).await;
    let mut accepted = std::collections::BTreeSet::new();
    let mut refused = 0;
    for ack in &acks {
        if ack["ok"] == true {
            accepted.insert(ack["message"]["seq"].as_i64().unwrap());
        } else {
            assert_eq!(ack["error"], "rate_limited", "{ack}");
            refused += 1;
        }
    }
    assert!(refused > 0, "600 events at once all fit in the queue");
    assert!(accepted.len() >= 64, "only {} accepted", accepted.len());

    // Exactly the accepted messages are stored, gapless.
    let mut stored = Vec::new();
    loop {
        let (status, page) = app
            .get(
                &format!(
                    "/api/sessions/{session_id}/messages?after={}&limit=100",
                    stored.len()
                ),
                Some(&client.token),
            )
            .await;
        assert_eq!(status, 200, "{page}");
        let page = page["messages"].as_array().unwrap().clone();
        if page.is_empty() {
            break;
        }
        stored.extend(page.iter().map(|m| m["seq"].as_i64().unwrap()));
    }
    assert_eq!(stored, accepted.iter().copied().collect::<Vec<_>>());
    assert_eq!(stored, (1..=stored.len() as i64).collect::<Vec<_>>());

    // Once the queue has drained, the socket is served again.
    let ack = socket
        .call(
            "send_message",
            json!({ "session_id": session_id, "content": "after the burst" }),
        )
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
}
