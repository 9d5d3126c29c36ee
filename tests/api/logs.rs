//! What the log tells an operator: a line per request with who and how it went, security
//! events, socket connects, assignments; as plain text without colour codes when piped, or as
//! JSON lines.

use serde_json::{Value, json};

use crate::process::ServerProcess;
use crate::socket::SocketClient;

async fn post(url: &str, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .post(format!("{url}{path}"))
        .json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    (
        res.status().as_u16(),
        res.json().await.unwrap_or(Value::Null),
    )
}

/// Drives the demo through a failed and a good login, a socket, a conversation that gets
/// assigned and a password change.
async fn some_traffic(server: &ServerProcess) {
    let url = &server.url;
    let (status, _) = post(
        url,
        "/api/agents/login",
        None,
        json!({"email": "john@sample.com", "password": "nope nope"}),
    )
    .await;
    assert_eq!(status, 401);
    let (status, body) = post(
        url,
        "/api/agents/login",
        None,
        json!({"email": "john@sample.com", "password": "password123"}),
    )
    .await;
    assert_eq!(status, 200);
    let agent = body["token"].as_str().unwrap().to_string();
    let socket = SocketClient::connect(url, Some(&agent)).await.unwrap();
    // A refused event: its span names the user, the organization, the session and the outcome.
    let ack = socket
        .call(
            "get_session_history",
            json!({ "session_id": "018f0000-0000-7000-8000-000000000000" }),
        )
        .await;
    assert_eq!(ack["error"], "not_found", "{ack}");
    let (_, body) = post(
        url,
        "/api/clients/login",
        None,
        json!({"email": "alice@example.com", "password": "password123"}),
    )
    .await;
    let client = body["token"].as_str().unwrap().to_string();
    let org: Value = reqwest::get(format!("{url}/api/organizations/discover/sample.com"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (status, _) = post(
        url,
        "/api/sessions",
        Some(&client),
        json!({"organization_id": org["organization"]["id"], "message": "hello"}),
    )
    .await;
    assert_eq!(status, 201);
    let jane = post(
        url,
        "/api/agents/login",
        None,
        json!({"email": "jane@sample.com", "password": "password123"}),
    )
    .await
    .1;
    let res = reqwest::Client::new()
        .put(format!(
            "{url}/api/agents/{}/password",
            jane["agent"]["id"].as_str().unwrap()
        ))
        .bearer_auth(jane["token"].as_str().unwrap())
        .json(&json!({"current_password": "password123", "new_password": "a new password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_text_log_records_requests_security_events_sockets_and_assignments() {
    let server = ServerProcess::start(&["--demo"]).await;
    some_traffic(&server).await;
    for needle in [
        "agent console:",
        "agent login failed",
        "email=john@sample.com",
        "agent logged in",
        "socket connected",
        "kind=\"agent\"",
        "conversation assigned",
        "password changed; earlier tokens revoked",
    ] {
        server.wait_for_log(needle).await;
    }
    let store = match &server.database_url {
        None => format!(
            "{}",
            std::path::absolute(&server.data_dir).unwrap().display()
        ),
        Some(_) => "store: PostgreSQL".to_string(),
    };
    server.wait_for_log(&store).await;
    server
        .wait_for_log_line(&["route=/api/agents/login", "status=401", "latency_ms="])
        .await;
    server
        .wait_for_log_line(&[
            "socket_event",
            "event=\"get_session_history\"",
            "user=",
            "org=",
            "session=018f0000-0000-7000-8000-000000000000",
            "outcome=\"not_found\"",
        ])
        .await;
    // The request line names the caller.
    server
        .wait_for_log_line(&["route=/api/sessions", "status=201", "user="])
        .await;
    assert!(
        !server.logs().contains('\u{1b}'),
        "colour codes in a piped log"
    );
}

#[tokio::test]
async fn the_json_log_is_one_object_per_line() {
    let server = ServerProcess::start(&["--demo", "--log-format", "json"]).await;
    some_traffic(&server).await;
    server.wait_for_log("conversation assigned").await;
    let logs = server.logs();
    let lines: Vec<Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let failed = lines
        .iter()
        .find(|l| l["message"] == "agent login failed")
        .expect("a failed login line");
    assert_eq!(failed["level"], "INFO");
    assert_eq!(failed["email"], "john@sample.com");
    let request = lines
        .iter()
        .find(|l| l["message"] == "request" && l["span"]["route"] == "/api/agents/login")
        .expect("a request line");
    assert!(request["span"]["status"].is_number(), "{request}");
}
