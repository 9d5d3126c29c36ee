//! Socket events with wrong payloads, driven by the AsyncAPI document: every client event with
//! each field missing, null or of a wrong type, non-object payloads, binary attachments,
//! malformed packets and unknown names. Each is refused with an error acknowledgement or ends
//! with the socket disconnected; nothing is stored; other users are served throughout.

use serde_json::{Value, json};

use crate::support::*;

/// Values of every JSON type, and strings that are no id.
fn wrong_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(42),
        json!(-1),
        json!(1.5),
        json!(1e300),
        json!("not-a-uuid"),
        json!(""),
        json!([]),
        json!([1, 2]),
        json!({}),
        json!({ "nested": { "deeper": [null] } }),
    ]
}

/// The JSON types a field's schema admits (`["string", "null"]`, a `$ref`'d enum is a string…).
fn admitted_types(doc: &Value, schema: &Value) -> Vec<String> {
    if let Some(r) = schema["$ref"].as_str() {
        return admitted_types(doc, doc.pointer(r.trim_start_matches('#')).unwrap());
    }
    if let Some(alternatives) = schema["oneOf"].as_array() {
        return alternatives
            .iter()
            .flat_map(|s| admitted_types(doc, s))
            .collect();
    }
    match &schema["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap().to_string()).collect(),
        _ => vec![],
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether `value` is wrong for the field: of a type the schema does not admit, or a string
/// where an id is expected. (A string where text is expected may well be valid.)
fn is_wrong(doc: &Value, schema: &Value, value: &Value) -> bool {
    let types = admitted_types(doc, schema);
    // `{"$ref": "…/SessionId"}`, possibly among `oneOf` alternatives.
    let is_id = schema.to_string().contains("Id\"");
    let ty = json_type(value);
    let admitted = types
        .iter()
        .any(|t| t == ty || (t == "number" && ty == "integer"));
    !admitted || (is_id && value.is_string())
}

/// One client event of the document: its name, a valid payload, and its payload schema.
struct EventCase {
    name: String,
    valid: Value,
    schema: Value,
}

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str() {
        Some(r) => resolve(doc, doc.pointer(r.trim_start_matches('#')).expect(r)),
        None => v,
    }
}

/// The documented client events, each with a payload that is valid in shape, aimed at a
/// closed session so that even a payload wrongly accepted could store nothing.
fn client_events(doc: &Value, ids: &Value) -> Vec<EventCase> {
    doc["operations"]
        .as_object()
        .unwrap()
        .values()
        .filter(|op| op["action"] == "receive")
        .map(|op| {
            let message = resolve(doc, &op["messages"][0]);
            let schema = resolve(doc, &message["payload"]).clone();
            let mut valid = json!({});
            for (field, _) in schema["properties"].as_object().unwrap() {
                valid[field] = ids[field].clone();
            }
            EventCase {
                name: message["name"].as_str().unwrap().to_string(),
                valid,
                schema,
            }
        })
        .collect()
}

/// What the server did with one bad packet.
enum Outcome {
    Refused,
    Disconnected,
}

/// Sends one packet and asserts it was refused (error ack) or ended the connection.
async fn expect_refusal(
    socket: &SocketClient,
    what: &str,
    packet: impl FnOnce(u64) -> String,
    attachments: &[&[u8]],
) -> Outcome {
    match socket.call_raw(packet, attachments).await {
        Some(ack) => {
            assert_eq!(ack["ok"], false, "{what} was accepted: {ack}");
            assert!(
                ack["error"].is_string() && ack["message"].is_string(),
                "{what}: {ack}"
            );
            Outcome::Refused
        }
        None => {
            assert!(
                socket.is_closed(),
                "{what}: neither acknowledged nor disconnected"
            );
            Outcome::Disconnected
        }
    }
}

struct Fuzz<'a> {
    app: &'a TestApp,
    token: String,
    socket: SocketClient,
    cases: usize,
    disconnects: usize,
}

impl Fuzz<'_> {
    /// Sends one bad packet; reconnects when the server closed the connection.
    async fn send(&mut self, what: &str, packet: impl FnOnce(u64) -> String, bin: &[&[u8]]) {
        self.cases += 1;
        if let Outcome::Disconnected = expect_refusal(&self.socket, what, packet, bin).await {
            self.disconnects += 1;
            eprintln!("disconnected by {what}");
            self.socket = self.app.socket(&self.token).await;
        }
    }

    /// Sends a payload that may be valid (boundary numbers): it must be answered either way.
    async fn survive(&mut self, name: &str, payload: &Value) {
        self.cases += 1;
        let frame = json!([name, payload]);
        let ack = self
            .socket
            .call_raw(|id| format!("2{id}{frame}"), &[])
            .await;
        assert!(
            ack.is_some_and(|a| a["ok"].is_boolean()),
            "{frame} got no answer"
        );
    }

    /// Sends a payload that must be refused as `validation_failed` naming `field`.
    async fn invalid(&mut self, name: &str, field: &str, payload: &Value) {
        self.cases += 1;
        let frame = json!([name, payload]);
        let ack = self
            .socket
            .call_raw(|id| format!("2{id}{frame}"), &[])
            .await
            .unwrap_or_else(|| panic!("{frame} got no answer"));
        assert_eq!(ack["error"], "validation_failed", "{frame}: {ack}");
        assert!(ack["fields"][field].is_string(), "{frame}: {ack}");
    }

    async fn event(&mut self, name: &str, payload: &Value) {
        let frame = json!([name, payload]);
        self.send(&format!("{frame}"), |id| format!("2{id}{frame}"), &[])
            .await;
    }
}

/// Every way to get one event wrong.
async fn fuzz_event(f: &mut Fuzz<'_>, doc: &Value, case: &EventCase) {
    let name = case.name.as_str();
    for payload in [
        json!(null),
        json!(1),
        json!("text"),
        json!([]),
        json!([case.valid.clone()]),
    ] {
        f.event(name, &payload).await;
    }
    f.send(
        &format!("{name} without payload"),
        |id| format!("2{id}{}", json!([name])),
        &[],
    )
    .await;
    let mut with_extra = case.valid.clone();
    with_extra["no_such_field"] = json!(1);
    f.event(name, &with_extra).await;
    let required: Vec<&str> = case.schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v.as_str().unwrap())
        .collect();
    for (field, schema) in case.schema["properties"].as_object().unwrap() {
        if required.contains(&field.as_str()) {
            let mut missing = case.valid.clone();
            missing.as_object_mut().unwrap().remove(field);
            f.event(name, &missing).await;
        }
        for value in wrong_values() {
            if is_wrong(doc, schema, &value) {
                let mut bad = case.valid.clone();
                bad[field] = value;
                f.event(name, &bad).await;
            }
        }
        // Text no person types, in any string field: refused as invalid on every store.
        if admitted_types(doc, schema).iter().any(|t| t == "string") {
            for text in ["nul \u{0} inside", "bell \u{7}", "c1 \u{85}"] {
                let mut bad = case.valid.clone();
                bad[field] = json!(text);
                f.invalid(name, field, &bad).await;
            }
        }
        // Numbers at the edges of what integers can hold.
        if admitted_types(doc, schema).iter().any(|t| t == "integer") {
            for edge in [json!(i64::MAX), json!(i64::MIN), json!(u64::MAX)] {
                let mut payload = case.valid.clone();
                payload[field] = edge;
                f.survive(name, &payload).await;
            }
        }
        // A binary attachment where JSON is expected.
        let mut bad = case.valid.clone();
        bad[field] = json!({ "_placeholder": true, "num": 0 });
        let frame = json!([name, bad]);
        f.send(
            &format!("binary {name}.{field}"),
            |id| format!("51-{id}{frame}"),
            &[b"\x00\xffbinary"],
        )
        .await;
    }
}

/// Packets that are not events of the protocol at all.
async fn fuzz_packets(f: &mut Fuzz<'_>) {
    let long = "e".repeat(1000);
    for name in [
        "",
        "unknown",
        "send_message ",
        "SEND_MESSAGE",
        "new_message",
        "é🙂",
        long.as_str(),
    ] {
        f.event(name, &json!({})).await;
    }
    let raw: [&str; 7] = [
        "[1,{}]",
        "[null]",
        "[]",
        "{}",
        "\"send_message\"",
        "[\"send_message\",",
        "[[\"send_message\"],{}]",
    ];
    for body in raw {
        f.send(&format!("packet {body}"), |id| format!("2{id}{body}"), &[])
            .await;
    }
    f.send(
        "binary payload",
        |id| format!("51-{id}[\"send_message\",{{\"_placeholder\":true,\"num\":0}}]"),
        &[b"raw bytes"],
    )
    .await;
}

#[tokio::test]
async fn wrong_socket_events_are_refused_store_nothing_and_others_stay_served() {
    let app = spawn_app().await;
    let (_, doc) = app.get("/api/asyncapi.json", None).await;
    let org = app.signup_org("Fuzzed").await;
    let agent = app.create_agent(&org, "Fay", "agent", None).await;
    let client = app.register_client().await;
    // The session fuzzed events aim at: closed, so a wrongly accepted message could not land.
    let closed = app.open_session(&client, &org, Some("before")).await;
    let closed_id = closed["id"].as_str().unwrap().to_string();
    let (status, _) = app.close(&org.admin_token, &closed_id).await;
    assert_eq!(status, 200);
    let history_path = format!("/api/sessions/{closed_id}/messages?limit=200");
    let (_, before) = app.get(&history_path, Some(&client.token)).await;

    // Someone else, chatting throughout.
    let other = app.register_client().await;
    let other_socket = app.socket(&other.token).await;
    let open = app.open_session(&other, &org, None).await;
    let served = |n: usize| {
        other_socket.call(
            "send_message",
            json!({ "session_id": open["id"], "content": format!("still here {n}") }),
        )
    };

    let ids = json!({
        "session_id": closed_id, "organization_id": org.id, "agent_id": agent.id,
        "content": "x", "client_msg_id": "fuzz", "status": "closed", "seq": 0,
        "limit": 1, "before": 1, "after": 0, "token": "x",
    });
    let events = client_events(&doc, &ids);
    assert_eq!(events.len(), 11);
    let mut total = 0;
    for (n, token) in [&client.token, &agent.token].into_iter().enumerate() {
        let mut fuzz = Fuzz {
            app: &app,
            token: token.clone(),
            socket: app.socket(token).await,
            cases: 0,
            disconnects: 0,
        };
        for case in &events {
            fuzz_event(&mut fuzz, &doc, case).await;
            let ack = served(total).await;
            assert_eq!(
                ack["ok"], true,
                "another user is not served after {}: {ack}",
                case.name
            );
            total += 1;
        }
        fuzz_packets(&mut fuzz).await;
        assert!(fuzz.cases > 300, "only {} cases", fuzz.cases);
        eprintln!(
            "socket fuzz round {n}: {} bad packets, {} ended in a disconnect",
            fuzz.cases, fuzz.disconnects
        );
    }
    let ack = served(total).await;
    assert_eq!(ack["ok"], true, "{ack}");

    let (_, after) = app.get(&history_path, Some(&client.token)).await;
    assert_eq!(after, before, "a refused event changed the conversation");
    let (_, theirs) = app
        .get(
            &format!(
                "/api/sessions/{}/messages?limit=200",
                open["id"].as_str().unwrap()
            ),
            Some(&other.token),
        )
        .await;
    let mine = theirs["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["sender_type"] == "client")
        .count();
    assert_eq!(
        mine,
        total + 1,
        "every acknowledged message of the other user is stored"
    );
}
