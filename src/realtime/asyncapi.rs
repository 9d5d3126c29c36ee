//! The AsyncAPI 3.0 document of the Socket.IO protocol, generated from the event types the server
//! parses (`ClientEvent`) and emits (`ServerEvent`) and their `ToSchema` payloads.
//!
//! Socket.IO names each message by its event; the protocol has one channel, the default
//! namespace. A client event is an operation the server `receive`s, whose reply is the
//! acknowledgement (`{ok: true, …result}` or `{ok: false, error, message}`); a server event is an
//! operation the server `send`s. `typing_start` and `typing_stop` go both ways, so message keys
//! carry the direction (`client_…`, `server_…`) while their `name` is the event's.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::payloads::ClientEvent;
use crate::fanout::events::{EventDoc, Schemas, ServerEvent};

const CHANNEL: &str = "namespace";

/// The document, naming `host` (as the client reached this server) in `servers`.
pub fn document(host: &str) -> Value {
    let mut schemas = Schemas::new();
    let mut messages = Map::new();
    let mut operations = Map::new();
    messages.insert("error_ack".into(), error_ack_message());
    for event in ClientEvent::docs() {
        add_client_event(&event, &mut schemas, &mut messages, &mut operations);
    }
    for event in ServerEvent::docs() {
        add_server_event(&event, &mut schemas, &mut messages, &mut operations);
    }
    let schemas: BTreeMap<String, Value> = schemas
        .into_iter()
        .map(|(name, schema)| {
            (
                name,
                serde_json::to_value(schema).expect("schemas serialize"),
            )
        })
        .collect();
    let channel_messages: Map<String, Value> = messages
        .keys()
        .map(|key| {
            (
                key.clone(),
                json!({ "$ref": format!("#/components/messages/{key}") }),
            )
        })
        .collect();
    json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": "Raasel real-time protocol",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Socket.IO v5 at `/socket.io/`, namespace `/`. The token goes in the \
                handshake: `io(url, {auth: {token}})`; a missing, invalid or expired token is \
                refused with `connect_error` `unauthorized`. Every client event takes an \
                acknowledgement callback; without one, a failure arrives as the `error` event. \
                Events are rate limited per socket (`rate_limited`); events over 64 KiB are \
                refused (`payload_too_large`) and the socket disconnected; unknown events are \
                answered with `unknown_event`.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "this": {
                "host": host,
                "protocol": "ws",
                "pathname": "/socket.io/",
                "description": "Socket.IO v5 (Engine.IO v4) over WebSocket or HTTP long-polling",
                "security": [{ "$ref": "#/components/securitySchemes/token" }],
            }
        },
        "channels": {
            CHANNEL: {
                "address": "/",
                "title": "The default namespace",
                "messages": channel_messages,
            }
        },
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The REST API's token (agent, customer or visitor), sent in \
                        the Socket.IO handshake's `auth` object as `{token}` rather than in a \
                        header.",
                }
            },
        },
    })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn message_ref(key: &str) -> Value {
    json!({ "$ref": format!("#/channels/{CHANNEL}/messages/{key}") })
}

fn add_client_event(
    event: &EventDoc,
    schemas: &mut Schemas,
    messages: &mut Map<String, Value>,
    operations: &mut Map<String, Value>,
) {
    let key = format!("client_{}", event.name);
    let ack_key = format!("{key}_ack");
    let payload = (event.payload)(schemas);
    messages.insert(
        key.clone(),
        json!({ "name": event.name, "summary": event.summary.trim(), "payload": schema_ref(&payload) }),
    );
    let ack = event.ack.map(|ack| ack(schemas));
    let ack_payload = json!({
        "allOf": [
            ack.as_deref().map_or(json!({ "type": "object" }), schema_ref),
            { "type": "object", "required": ["ok"], "properties": { "ok": { "const": true } } },
        ]
    });
    messages.insert(
        ack_key.clone(),
        json!({
            "name": ack_key,
            "title": format!("{} acknowledgement", event.name),
            "summary": "The acknowledgement of a handled event.",
            "payload": ack_payload,
        }),
    );
    operations.insert(
        format!("handle_{}", event.name),
        json!({
            "action": "receive",
            "channel": { "$ref": format!("#/channels/{CHANNEL}") },
            "summary": event.summary.trim(),
            "messages": [message_ref(&key)],
            "reply": {
                "channel": { "$ref": format!("#/channels/{CHANNEL}") },
                "messages": [message_ref(&ack_key), message_ref("error_ack")],
            },
        }),
    );
}

fn add_server_event(
    event: &EventDoc,
    schemas: &mut Schemas,
    messages: &mut Map<String, Value>,
    operations: &mut Map<String, Value>,
) {
    let key = format!("server_{}", event.name);
    let payload = (event.payload)(schemas);
    messages.insert(
        key.clone(),
        json!({ "name": event.name, "summary": event.summary.trim(), "payload": schema_ref(&payload) }),
    );
    operations.insert(
        format!("emit_{}", event.name),
        json!({
            "action": "send",
            "channel": { "$ref": format!("#/channels/{CHANNEL}") },
            "summary": event.summary.trim(),
            "messages": [message_ref(&key)],
        }),
    );
}

/// The acknowledgement of a refused event: the API's error body with `ok: false`.
fn error_ack_message() -> Value {
    json!({
        "name": "error_ack",
        "title": "error acknowledgement",
        "summary": "The acknowledgement of a refused event, with the REST API's error codes.",
        "payload": {
            "allOf": [
                schema_ref("ErrorBody"),
                { "type": "object", "required": ["ok"], "properties": { "ok": { "const": false } } },
            ]
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(doc: &Value, action: &str) -> Vec<String> {
        let ops = doc["operations"].as_object().unwrap();
        let mut names: Vec<String> = ops
            .values()
            .filter(|op| op["action"] == action)
            .map(|op| {
                let reference = op["messages"][0]["$ref"].as_str().unwrap();
                let key = reference.rsplit('/').next().unwrap();
                doc["components"]["messages"][key]["name"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn it_lists_the_events_of_the_typed_enums() {
        let doc = document("localhost:8080");
        let mut received: Vec<_> = ClientEvent::docs()
            .iter()
            .map(|d| d.name.to_string())
            .collect();
        received.sort();
        let mut sent: Vec<_> = ServerEvent::docs()
            .iter()
            .map(|d| d.name.to_string())
            .collect();
        sent.sort();
        assert_eq!(names(&doc, "receive"), received);
        assert_eq!(names(&doc, "send"), sent);
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document("localhost:8080");
        let text = doc.to_string();
        for reference in text.split("\"$ref\":\"").skip(1) {
            let path = reference.split('"').next().unwrap();
            let pointer = path.trim_start_matches('#');
            assert!(doc.pointer(pointer).is_some(), "{path} does not resolve");
        }
    }
}
