//! The Socket.IO protocol as its AsyncAPI document describes it: the document lists exactly the
//! events the server handles and emits, with their payloads; events outside it are answered
//! with `unknown_event` and count against the per-socket rate limit.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::*;

const SHORT: Duration = Duration::from_millis(300);

/// The wire names of the document's messages for operations with `action`.
fn event_names(doc: &Value, action: &str) -> BTreeSet<String> {
    doc["operations"]
        .as_object()
        .expect("operations")
        .values()
        .filter(|op| op["action"] == action)
        .map(|op| {
            message(doc, &op["messages"][0])["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// Follows a `$ref` within the document.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str() {
        Some(r) => resolve(doc, doc.pointer(r.trim_start_matches('#')).expect(r)),
        None => v,
    }
}

fn message<'a>(doc: &'a Value, reference: &'a Value) -> &'a Value {
    resolve(doc, reference)
}

/// The payload schema of the server event `name`.
fn server_payload_schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let op = doc["operations"]
        .as_object()
        .unwrap()
        .values()
        .find(|op| op["action"] == "send" && message(doc, &op["messages"][0])["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not documented"));
    resolve(doc, &message(doc, &op["messages"][0])["payload"])
}

/// Asserts that `payload` has every property its documented schema requires.
pub(crate) fn assert_conforms(doc: &Value, name: &str, payload: &Value) {
    let schema = server_payload_schema(doc, name);
    for field in schema["required"].as_array().into_iter().flatten() {
        let field = field.as_str().unwrap();
        assert!(
            payload.get(field).is_some(),
            "{name} lacks the documented {field}: {payload}"
        );
    }
    for key in payload.as_object().expect("an object payload").keys() {
        assert!(
            schema["properties"].get(key).is_some(),
            "{name} carries the undocumented {key}: {payload}"
        );
    }
}

/// Asserts that a successful acknowledgement of `event` has what its documented result requires.
fn assert_ack_conforms(doc: &Value, event: &str, ack: &Value) {
    assert_eq!(ack["ok"], true, "{event}: {ack}");
    let message = &doc["components"]["messages"][format!("client_{event}_ack")];
    let result = resolve(doc, &message["payload"]["allOf"][0]);
    for field in result["required"].as_array().into_iter().flatten() {
        let field = field.as_str().unwrap();
        assert!(ack.get(field).is_some(), "{event} ack lacks {field}: {ack}");
    }
    for key in ack.as_object().unwrap().keys().filter(|k| *k != "ok") {
        assert!(
            result["properties"].get(key).is_some(),
            "{event} ack carries the undocumented {key}: {ack}"
        );
    }
}

async fn asyncapi(app: &TestApp) -> Value {
    let (status, doc) = app.get("/api/asyncapi.json", None).await;
    assert_eq!(status, 200, "{doc}");
    assert_eq!(doc["asyncapi"], "3.0.0");
    doc
}

#[tokio::test]
async fn every_documented_client_event_is_handled_and_nothing_else() {
    let app = spawn_app().await;
    let doc = asyncapi(&app).await;
    let org = app.signup_org("Protocol").await;
    let socket = app.socket(&org.admin_token).await;
    let handled = event_names(&doc, "receive");
    assert_eq!(handled.len(), 11, "{handled:?}");
    let error_fields = &doc["components"]["schemas"]["ErrorBody"]["properties"];
    for name in &handled {
        let ack = socket.call(name, json!({})).await;
        assert_ne!(ack["error"], "unknown_event", "{name}: {ack}");
        assert!(ack["ok"].is_boolean(), "{name}: {ack}");
        if ack["ok"] == false {
            for key in ack.as_object().unwrap().keys().filter(|k| *k != "ok") {
                assert!(error_fields.get(key).is_some(), "{name}: {ack}");
            }
        }
    }
    for name in ["new_message", "send_mesage", "SEND_MESSAGE", "", "error"] {
        let ack = socket.call(name, json!({})).await;
        assert_eq!(ack["ok"], false, "{name}: {ack}");
        assert_eq!(ack["error"], "unknown_event", "{name}: {ack}");
    }
}

#[tokio::test]
async fn every_documented_server_event_is_emitted_with_its_documented_payload() {
    let app = spawn_app().await;
    let doc = asyncapi(&app).await;
    let org = app.signup_org("Emitter").await;
    let agent = app.socket(&org.admin_token).await;
    let busy = agent
        .call("update_agent_status", json!({ "status": "busy" }))
        .await;
    assert_ack_conforms(&doc, "update_agent_status", &busy);

    // Nobody can take it: the client waits in the queue.
    let client = app.register_client().await;
    let client_socket = app.socket(&client.token).await;
    let session = app.open_session(&client, &org, Some("hello")).await;
    let sid = session["id"].as_str().unwrap().to_string();
    let mut seen = BTreeSet::new();
    let mut check = |name: &str, payload: Value| {
        assert_conforms(&doc, name, &payload);
        seen.insert(name.to_string());
    };
    check(
        "queue_position",
        client_socket.wait_for("queue_position").await,
    );
    // Capacity appears: the session is assigned.
    let active = agent
        .call("update_agent_status", json!({ "status": "active" }))
        .await;
    assert_eq!(active["ok"], true, "{active}");
    check(
        "new_session_assigned",
        agent.wait_for("new_session_assigned").await,
    );
    for (socket, event, payload) in [
        (&client_socket, "typing_start", json!({ "session_id": sid })),
        (&client_socket, "typing_stop", json!({ "session_id": sid })),
        (
            &agent,
            "mark_delivered",
            json!({ "session_id": sid, "seq": 1 }),
        ),
        (&agent, "mark_read", json!({ "session_id": sid, "seq": 1 })),
        (
            &client_socket,
            "get_session_history",
            json!({ "session_id": sid }),
        ),
    ] {
        let ack = socket.call(event, payload).await;
        assert_ack_conforms(&doc, event, &ack);
    }
    let joined = client_socket
        .call("join_organization", json!({ "session_id": sid }))
        .await;
    assert_ack_conforms(&doc, "join_organization", &joined);
    let sent = client_socket
        .call(
            "send_message",
            json!({ "session_id": sid, "content": "thanks" }),
        )
        .await;
    assert_ack_conforms(&doc, "send_message", &sent);
    // A failure without an acknowledgement callback arrives as `error`.
    client_socket.emit("mark_read", json!({ "session_id": sid, "seq": 99 }));
    check("error", client_socket.wait_for("error").await);
    // A teammate mentioned in a private note hears of it; a new priority reaches the agents.
    let mate = app.create_agent(&org, "Mona Mate", "agent", None).await;
    let mate_socket = app.socket(&mate.token).await;
    let note = agent
        .call(
            "send_message",
            json!({ "session_id": sid, "content": "@Mona please look", "internal": true }),
        )
        .await;
    assert_ack_conforms(&doc, "send_message", &note);
    check("mention", mate_socket.wait_for("mention").await);
    let priority = format!("/api/sessions/{sid}/priority");
    let (status, body) = app
        .put(
            &priority,
            Some(&org.admin_token),
            json!({ "priority": "high" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    check("session_updated", agent.wait_for("session_updated").await);
    let (status, body) = app
        .post(
            "/api/teams",
            Some(&org.admin_token),
            json!({ "name": "Night shift", "members": [mate.id] }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    check("teams_updated", agent.wait_for("teams_updated").await);
    let (status, closed) = app.close(&org.admin_token, &sid).await;
    assert_eq!(status, 200, "{closed}");

    let documented = event_names(&doc, "send");
    for name in &documented {
        for socket in [&agent, &client_socket] {
            while let Some(payload) = socket.wait_for_where(name, SHORT, |_| true).await {
                check(name, payload);
            }
        }
    }
    // Emitted only after ten failed webhook attempts on a server whose clock moves: checked
    // against this document in `webhooks::retries_follow_the_clock_…`.
    seen.insert("webhook_paused".to_string());
    assert_eq!(seen, documented, "documented events never emitted");
    let mut rest = agent.pending().await;
    rest.extend(client_socket.pending().await);
    assert!(rest.is_empty(), "undocumented events: {rest:?}");
}

#[tokio::test]
async fn an_unknown_event_is_answered_with_unknown_event() {
    let app = spawn_app().await;
    let client = app.register_client().await;
    let socket = app.socket(&client.token).await;
    let ack = socket
        .call("delete_everything", json!({ "blob": "x".repeat(1000) }))
        .await;
    assert_eq!(ack["ok"], false, "{ack}");
    assert_eq!(ack["error"], "unknown_event", "{ack}");
    assert!(
        !ack["message"]
            .as_str()
            .unwrap()
            .contains("delete_everything")
    );
    // Without an acknowledgement callback, as the `error` event.
    socket.emit("delete_everything", json!({}));
    let error = socket.wait_for("error").await;
    assert_eq!(error["error"], "unknown_event", "{error}");
}

#[tokio::test]
async fn unknown_events_count_against_the_sockets_rate_limit_and_others_are_served() {
    let app = spawn_app_with(|a| a.socket_events_per_second = 2).await;
    let org = app.signup_org("Flooded").await;
    let client = app.register_client().await;
    let flooder = app.socket(&client.token).await;
    let blob = "x".repeat(60 * 1024);
    let calls = (0..20).map(|_| flooder.call("no_such_event", json!({ "blob": blob })));
    let acks = futures_util::future::join_all(calls).await;
    let mut limited = 0;
    for ack in acks {
        assert_eq!(ack["ok"], false, "{ack}");
        match ack["error"].as_str().unwrap() {
            "rate_limited" => limited += 1,
            "unknown_event" => {}
            other => panic!("unexpected {other}: {ack}"),
        }
    }
    // A burst of twice the rate passes; the rest is refused.
    assert!(limited >= 10, "only {limited} of 20 were rate limited");

    let other = app.register_client().await;
    let other_socket = app.socket(&other.token).await;
    let session = app.open_session(&other, &org, None).await;
    let ack = other_socket
        .call(
            "send_message",
            json!({ "session_id": session["id"], "content": "still served" }),
        )
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
}
