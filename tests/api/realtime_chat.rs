//! Messages, typing, check marks and history over Socket.IO, and who receives what.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::*;

const QUIET: Duration = Duration::from_millis(300);

/// An organization with one online agent and a client whose session is assigned to that agent.
struct Chat {
    app: TestApp,
    org: OrgHandle,
    agent: AgentHandle,
    agent_socket: SocketClient,
    client: ClientHandle,
    client_socket: SocketClient,
    session_id: String,
}

async fn chat_with_ttl(ttl: u64) -> Chat {
    let app = spawn_app_with(|a| a.typing_ttl_secs = ttl).await;
    let org = app.signup_org("Chatty").await;
    // The admin stays offline, so the agent gets every conversation.
    let agent = app.create_agent(&org, "Agnes", "agent", None).await;
    let agent_socket = app.socket(&agent.token).await;
    let client = app.register_client().await;
    let client_socket = app.socket(&client.token).await;
    let session = app.open_session(&client, &org, Some("hello")).await;
    let session_id = session["id"].as_str().unwrap().to_string();
    let assigned = agent_socket.wait_for("new_session_assigned").await;
    assert_eq!(assigned["session_id"], session_id.as_str());
    Chat {
        app,
        org,
        agent,
        agent_socket,
        client,
        client_socket,
        session_id,
    }
}

async fn chat() -> Chat {
    chat_with_ttl(6).await
}

fn seq_of(v: &Value) -> i64 {
    v["message"]["seq"].as_i64().unwrap()
}

#[tokio::test]
async fn send_message_acks_the_stored_message_then_everyone_concerned_receives_it_once() {
    let c = chat().await;
    let watcher = c.app.create_agent(&c.org, "Walt", "supervisor", None).await;
    let watcher_socket = c.app.socket(&watcher.token).await;
    // In the organization room and the session room at once: still one copy.
    let joined = watcher_socket
        .call(
            "join_organization",
            json!({ "organization_id": c.org.id, "session_id": c.session_id }),
        )
        .await;
    assert_eq!(joined["ok"], true, "{joined}");
    c.agent_socket.clear().await;
    c.client_socket.clear().await;

    let ack = c
        .client_socket
        .call(
            "send_message",
            json!({ "session_id": c.session_id, "content": "  where is my order?  " }),
        )
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
    let message = &ack["message"];
    assert_eq!(message["content"], "where is my order?");
    assert_eq!(message["sender_type"], "client");
    assert_eq!(message["sender_id"], c.client.id.as_str());
    let stored = c
        .app
        .get(
            &format!(
                "/api/sessions/{}/messages?after={}",
                c.session_id,
                seq_of(&ack) - 1
            ),
            Some(&c.client.token),
        )
        .await;
    assert_eq!(stored.1["messages"][0]["id"], message["id"]);

    for socket in [&c.agent_socket, &c.client_socket, &watcher_socket] {
        let got = socket.wait_for("new_message").await;
        assert_eq!(got["message"]["id"], message["id"]);
        socket.assert_no("new_message", QUIET).await;
    }
}

#[tokio::test]
async fn the_sender_is_taken_from_the_token_and_extra_fields_are_refused() {
    let c = chat().await;
    let ack = c
        .client_socket
        .call(
            "send_message",
            json!({ "session_id": c.session_id, "content": "hi", "sender_type": "agent" }),
        )
        .await;
    assert_eq!(ack["ok"], false);
    assert_eq!(ack["error"], "validation_failed");
    let ack = c
        .agent_socket
        .call(
            "send_message",
            json!({ "session_id": c.session_id, "content": "hello there" }),
        )
        .await;
    assert_eq!(ack["message"]["sender_type"], "agent");
    assert_eq!(ack["message"]["sender_name"], "Agnes");
    assert_eq!(ack["message"]["sender_id"], c.agent.id.as_str());
}

#[tokio::test]
async fn resending_a_client_msg_id_returns_the_stored_message_and_broadcasts_nothing() {
    let c = chat().await;
    c.agent_socket.clear().await;
    let payload =
        json!({ "session_id": c.session_id, "content": "only once", "client_msg_id": "k-1" });
    let first = c.client_socket.call("send_message", payload.clone()).await;
    let again = c.client_socket.call("send_message", payload).await;
    assert_eq!(first["message"]["id"], again["message"]["id"]);
    assert_eq!(first["message"]["seq"], again["message"]["seq"]);
    c.agent_socket.wait_for("new_message").await;
    c.agent_socket.assert_no("new_message", QUIET).await;
    let (_, page) = c
        .app
        .get(
            &format!("/api/sessions/{}/messages", c.session_id),
            Some(&c.client.token),
        )
        .await;
    let copies = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["content"] == "only once")
        .count();
    assert_eq!(copies, 1);
}

#[tokio::test]
async fn a_message_sent_over_rest_reaches_the_sockets_too() {
    let c = chat().await;
    c.client_socket.clear().await;
    let (status, body) = c.app.send(&c.agent.token, &c.session_id, "from REST").await;
    assert_eq!(status, 201);
    let id = body["message"]["id"].clone();
    let got = c
        .client_socket
        .wait_for_where("new_message", Duration::from_secs(5), |m| {
            m["message"]["id"] == id
        })
        .await;
    assert_eq!(
        got.expect("REST message reached the socket")["message"]["content"],
        "from REST"
    );
}

#[tokio::test]
async fn typing_reaches_the_other_side_only_and_expires_by_itself() {
    let c = chat_with_ttl(1).await;
    let ack = c
        .client_socket
        .call("typing_start", json!({ "session_id": c.session_id }))
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
    let typing = c.agent_socket.wait_for("typing_start").await;
    assert_eq!(typing["user_id"], c.client.id.as_str());
    assert_eq!(typing["user_type"], "client");
    assert_eq!(typing["session_id"], c.session_id.as_str());
    c.client_socket.assert_no("typing_start", QUIET).await;
    // No typing_stop was sent: the server ends it after the time to live.
    let stop = c
        .agent_socket
        .wait_for_where("typing_stop", Duration::from_secs(3), |_| true)
        .await;
    assert_eq!(
        stop.expect("typing expired")["user_id"],
        c.client.id.as_str()
    );
    // An explicit stop is relayed at once.
    c.agent_socket
        .call("typing_start", json!({ "session_id": c.session_id }))
        .await;
    c.client_socket.wait_for("typing_start").await;
    c.agent_socket
        .call("typing_stop", json!({ "session_id": c.session_id }))
        .await;
    let stop = c.client_socket.wait_for("typing_stop").await;
    assert_eq!(stop["user_type"], "agent");
}

#[tokio::test]
async fn marks_move_forward_only_and_drive_unread_counts() {
    let c = chat().await;
    let a1 = c
        .agent_socket
        .call(
            "send_message",
            json!({ "session_id": c.session_id, "content": "one" }),
        )
        .await;
    let a2 = c
        .agent_socket
        .call(
            "send_message",
            json!({ "session_id": c.session_id, "content": "two" }),
        )
        .await;
    let unread = |body: &Value| body["sessions"][0]["unread_count"].as_i64().unwrap();
    let (_, before) = c.app.get("/api/sessions", Some(&c.client.token)).await;
    assert!(unread(&before) >= 2, "{before}");

    let ack = c
        .client_socket
        .call(
            "mark_delivered",
            json!({ "session_id": c.session_id, "seq": seq_of(&a2) }),
        )
        .await;
    assert_eq!(ack["seq"], seq_of(&a2));
    let delivered = c.agent_socket.wait_for("messages_delivered").await;
    assert_eq!(delivered["side"], "client");
    assert_eq!(delivered["seq"], seq_of(&a2));

    c.client_socket
        .call(
            "mark_read",
            json!({ "session_id": c.session_id, "seq": seq_of(&a1) }),
        )
        .await;
    let (_, mid) = c.app.get("/api/sessions", Some(&c.client.token)).await;
    assert_eq!(unread(&mid), 1);
    c.client_socket
        .call(
            "mark_read",
            json!({ "session_id": c.session_id, "seq": seq_of(&a2) }),
        )
        .await;
    let back = c
        .client_socket
        .call("mark_read", json!({ "session_id": c.session_id, "seq": 1 }))
        .await;
    assert_eq!(back["seq"], seq_of(&a2), "a mark never moves backwards");
    let (_, after) = c.app.get("/api/sessions", Some(&c.client.token)).await;
    assert_eq!(unread(&after), 0);

    let beyond = c
        .client_socket
        .call(
            "mark_read",
            json!({ "session_id": c.session_id, "seq": 999 }),
        )
        .await;
    assert_eq!(beyond["error"], "validation_failed");
}

#[tokio::test]
async fn a_reconnecting_client_recovers_exactly_the_missed_messages() {
    let c = chat().await;
    let last = c
        .client_socket
        .call(
            "send_message",
            json!({ "session_id": c.session_id, "content": "before" }),
        )
        .await;
    let last_seq = seq_of(&last);
    c.client_socket.disconnect();
    let mut missed = vec![];
    for i in 0..5 {
        let ack = c
            .agent_socket
            .call(
                "send_message",
                json!({ "session_id": c.session_id, "content": format!("missed {i}") }),
            )
            .await;
        missed.push(ack["message"]["id"].clone());
    }
    let again = c.app.socket(&c.client.token).await;
    let history = again
        .call(
            "get_session_history",
            json!({ "session_id": c.session_id, "after": last_seq }),
        )
        .await;
    assert_eq!(history["ok"], true);
    let ids: Vec<Value> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].clone())
        .collect();
    assert_eq!(ids, missed);
    let seqs: Vec<i64> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (last_seq + 1..=last_seq + 5).collect::<Vec<_>>());
    let event = again.wait_for("session_history").await;
    assert_eq!(event["messages"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn join_organization_checks_access_to_the_session() {
    let c = chat().await;
    let ok = c
        .client_socket
        .call(
            "join_organization",
            json!({ "organization_id": c.org.id, "session_id": c.session_id }),
        )
        .await;
    assert_eq!(ok["ok"], true, "{ok}");
    let no_session = c
        .client_socket
        .call("join_organization", json!({ "organization_id": c.org.id }))
        .await;
    assert_eq!(no_session["error"], "validation_failed");

    let stranger = c.app.register_client().await;
    let s = c.app.socket(&stranger.token).await;
    let denied = s
        .call(
            "join_organization",
            json!({ "organization_id": c.org.id, "session_id": c.session_id }),
        )
        .await;
    assert_eq!(denied["error"], "not_found");

    let other = c.app.signup_org("Other").await;
    let o = c.app.socket(&other.admin_token).await;
    let denied = o
        .call("join_organization", json!({ "organization_id": c.org.id }))
        .await;
    assert_eq!(denied["error"], "not_found");
    let denied = o
        .call(
            "join_organization",
            json!({ "organization_id": other.id, "session_id": c.session_id }),
        )
        .await;
    assert_eq!(denied["error"], "not_found");
    let denied = o
        .call(
            "send_message",
            json!({ "session_id": c.session_id, "content": "hi" }),
        )
        .await;
    assert_eq!(denied["error"], "not_found");
    let denied = o
        .call("get_session_history", json!({ "session_id": c.session_id }))
        .await;
    assert_eq!(denied["error"], "not_found");
    let denied = o
        .call("mark_read", json!({ "session_id": c.session_id, "seq": 1 }))
        .await;
    assert_eq!(denied["error"], "not_found");
    let denied = o
        .call("typing_start", json!({ "session_id": c.session_id }))
        .await;
    assert_eq!(denied["error"], "not_found");
}

#[tokio::test]
async fn another_organization_and_other_clients_receive_nothing() {
    let c = chat().await;
    let other = c.app.signup_org("Elsewhere").await;
    let other_socket = c.app.socket(&other.admin_token).await;
    // Its own admin coming online is the one event it may see.
    other_socket.wait_for("agent_status_updated").await;
    let stranger = c.app.register_client().await;
    let stranger_socket = c.app.socket(&stranger.token).await;
    other_socket.clear().await;

    c.client_socket
        .call(
            "send_message",
            json!({ "session_id": c.session_id, "content": "secret" }),
        )
        .await;
    c.client_socket
        .call("typing_start", json!({ "session_id": c.session_id }))
        .await;
    c.agent_socket
        .call("mark_read", json!({ "session_id": c.session_id, "seq": 1 }))
        .await;
    let second = c.app.register_client().await;
    c.app.open_session(&second, &c.org, Some("new one")).await;
    c.app
        .put(
            &format!("/api/sessions/{}/close", c.session_id),
            Some(&c.agent.token),
            json!({}),
        )
        .await;
    c.agent_socket.wait_for("session_status_updated").await;

    // A quiet window: neither socket hears anything at all.
    tokio::join!(
        other_socket.assert_quiet(QUIET),
        stranger_socket.assert_quiet(QUIET)
    );
    // A client socket is never in the organization room: no queue or team events.
    let client_events: Vec<String> = c
        .client_socket
        .pending()
        .await
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(
        !client_events
            .iter()
            .any(|n| n == "new_session" || n == "agent_status_updated"),
        "{client_events:?}"
    );
}

#[tokio::test]
async fn a_flooding_socket_is_rate_limited() {
    let app = spawn_app_with(|a| a.socket_events_per_second = 2).await;
    let client = app.register_client().await;
    let s = app.socket(&client.token).await;
    let mut limited = 0;
    for _ in 0..10 {
        let ack = s.call("join_organization", json!({})).await;
        if ack["error"] == "rate_limited" {
            limited += 1;
        }
    }
    assert!(limited >= 5, "only {limited} of 10 were limited");
}

#[tokio::test]
async fn a_deleted_agent_is_cut_off_from_their_open_socket() {
    let c = chat().await;
    let (status, _) = c
        .app
        .delete(
            &format!("/api/agents/{}", c.agent.id),
            Some(&c.org.admin_token),
        )
        .await;
    assert_eq!(status, 204);
    // Their open socket is closed at once.
    assert!(c.agent_socket.wait_closed(Duration::from_secs(3)).await);
    // Their conversation went back to the queue.
    let session = c.app.session(&c.client.token, &c.session_id).await;
    assert_eq!(session["status"], "waiting");
    assert!(session["agent_id"].is_null());
}

async fn slow_consumers_counted(app: &TestApp) -> u64 {
    let res = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    let text = res.text().await.unwrap();
    text.lines()
        .find(|l| l.starts_with("raasel_socket_slow_consumers_total"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0) as u64
}

#[tokio::test]
async fn a_socket_that_stops_reading_is_dropped_and_counted_while_others_get_everything() {
    let c = chat().await;
    let stalled = stalled_socket(&c.app, &c.client.token).await;
    let before = slow_consumers_counted(&c.app).await;
    let big = "€".repeat(4000);
    let mut sent = vec![];
    for _ in 0..3000 {
        let ack = c
            .agent_socket
            .call(
                "send_message",
                json!({ "session_id": c.session_id, "content": big }),
            )
            .await;
        sent.push(seq_of(&ack));
        if sent.len() % 100 == 0 && slow_consumers_counted(&c.app).await > before {
            break;
        }
    }
    assert!(
        slow_consumers_counted(&c.app).await > before,
        "the stalled socket was never detected"
    );
    // The reading socket of the same client saw every message, in order.
    for seq in &sent {
        let got = c.client_socket.wait_for("new_message").await;
        if got["message"]["seq"].as_i64().unwrap() != *seq {
            let again = c
                .client_socket
                .wait_for_where("new_message", WAIT, |m| m["message"]["seq"] == *seq)
                .await;
            assert!(again.is_some(), "missing seq {seq}");
        }
    }
    // What the stalled socket was sent before it was dropped has no gap: nothing after the
    // first event it missed, so that on reconnecting it fetches the rest from history.
    let seqs = messages_until_closed(stalled).await;
    assert!(!seqs.is_empty(), "the stalled socket was sent nothing");
    for pair in seqs.windows(2) {
        assert_eq!(
            pair[1],
            pair[0] + 1,
            "a gap in what a lagging socket got: {seqs:?}"
        );
    }
}

/// The `seq` of every `new_message` a socket is sent, read until the server disconnects it
/// (Socket.IO's DISCONNECT, `41`).
async fn messages_until_closed(
    mut ws: tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
) -> Vec<i64> {
    use futures_util::StreamExt;
    let mut seqs = vec![];
    let read = async {
        while let Some(Ok(frame)) = ws.next().await {
            let Ok(text) = frame.to_text() else { continue };
            if text == "41" {
                return; // the server disconnected the socket
            }
            let Some(Ok(event)) = text.strip_prefix("42").map(serde_json::from_str::<Value>) else {
                continue;
            };
            if event[0] == "new_message" {
                seqs.push(event[1]["message"]["seq"].as_i64().expect("seq"));
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(15), read)
        .await
        .expect("the server disconnected the lagging socket");
    seqs
}

const WAIT: Duration = Duration::from_secs(5);
