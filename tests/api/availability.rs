//! Who can answer, told the same way everywhere: available, busy (with the usual wait) or
//! offline, and business hours in the organization's own time zone, with days off. Time is
//! moved on a server started with `--manual-clock`, never waited for.

use serde_json::{Value, json};
use sio_test_client::SocketClient;

use crate::process::ServerProcess;
use crate::support::*;

const OPERATOR: &str = "operator-of-time";

/// A server of its own (the clock is the process's) with the demo organization.
async fn server_with_clock() -> ServerProcess {
    ServerProcess::start(&["--demo", "--manual-clock", "--operator-token", OPERATOR]).await
}

async fn call(
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn set_clock(server: &ServerProcess, now: &str) -> Value {
    let url = format!("{}/api/operator/clock", server.url);
    let (status, body) = call(
        reqwest::Method::PUT,
        &url,
        Some(OPERATOR),
        Some(json!({ "now": now })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn profile(server: &ServerProcess) -> Value {
    let url = format!("{}/api/organizations/discover/sample.com", server.url);
    call(reqwest::Method::GET, &url, None, None).await.1["organization"].clone()
}

#[tokio::test]
async fn business_hours_decide_in_local_time_across_the_zone_boundary_and_days_off() {
    let server = server_with_clock().await;
    let login = json!({ "email": "john@sample.com", "password": "password123" });
    let (status, body) = call(
        reqwest::Method::POST,
        &format!("{}/api/agents/login", server.url),
        None,
        Some(login),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (token, john) = (
        body["token"].as_str().unwrap().to_string(),
        body["agent"]["id"].clone(),
    );
    let org = profile(&server).await["id"].as_str().unwrap().to_string();
    let weekdays: Vec<Value> = ["mon", "tue", "wed", "thu", "fri"]
        .iter()
        .map(|d| json!({ "day": d, "open": "09:00", "close": "17:00" }))
        .collect();
    let hours = json!({ "settings": { "business_hours": {
        "time_zone": "Europe/Paris", "weekly": weekdays, "days_off": ["2030-01-08"]
    } } });
    let (status, body) = call(
        reqwest::Method::PUT,
        &format!("{}/api/organizations/{org}", server.url),
        Some(&token),
        Some(hours),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let _online = SocketClient::connect(&server.url, Some(&token))
        .await
        .unwrap();

    // Monday 7 January 2030, 07:59 UTC is 08:59 in Paris: closed, opening at 09:00 local.
    set_clock(&server, "2030-01-07T07:59:00Z").await;
    let p = profile(&server).await;
    assert_eq!(p["availability"], "offline", "{p}");
    assert_eq!(p["online"], false);
    assert_eq!(p["reopens"]["local"], "Monday 09:00");
    assert_eq!(p["reopens"]["at"], "2030-01-07T08:00:00Z");

    // A customer writes before opening time: John is online and free, but nobody is given
    // a conversation while the organization says it is offline.
    let url = |p: &str| format!("{}{p}", server.url);
    let team = url(&format!("/api/agents/organization/{org}"));
    wait_until(
        "John is online",
        std::time::Duration::from_secs(10),
        || async {
            let (_, agents) = call(reqwest::Method::GET, &team, Some(&token), None).await;
            agents["agents"]
                .as_array()
                .is_some_and(|a| a.iter().any(|a| a["id"] == john && a["online"] == true))
        },
    )
    .await;
    let login = json!({ "email": "alice@example.com", "password": "password123" });
    let (_, alice) = call(
        reqwest::Method::POST,
        &url("/api/clients/login"),
        None,
        Some(login),
    )
    .await;
    let alice = alice["token"].as_str().unwrap().to_string();
    let open = json!({ "organization_id": org, "message": "Are you open yet?" });
    let (status, opened) = call(
        reqwest::Method::POST,
        &url("/api/sessions"),
        Some(&alice),
        Some(open),
    )
    .await;
    assert_eq!(status, 201, "{opened}");
    let session = url(&format!(
        "/api/sessions/{}",
        opened["session"]["id"].as_str().unwrap()
    ));
    let (_, seen) = call(reqwest::Method::GET, &session, Some(&alice), None).await;
    assert_eq!(seen["session"]["status"], "waiting", "{seen}");

    // 09:00 in Paris with John online and free: available, and the waiting customer is his.
    set_clock(&server, "2030-01-07T08:00:00Z").await;
    let (_, seen) = call(reqwest::Method::GET, &session, Some(&alice), None).await;
    assert_eq!(seen["session"]["status"], "active", "{seen}");
    assert_eq!(seen["session"]["agent_id"], john, "{seen}");
    wait_until(
        "John counts as online",
        std::time::Duration::from_secs(10),
        || async { profile(&server).await["availability"] == "available" },
    )
    .await;
    assert_eq!(profile(&server).await["reopens"], Value::Null);

    // John goes busy: busy, not offline (and no usual wait without recent waits).
    let status_url = format!(
        "{}/api/agents/{}/status",
        server.url,
        john.as_str().unwrap()
    );
    let (status, _) = call(
        reqwest::Method::PUT,
        &status_url,
        Some(&token),
        Some(json!({ "status": "busy" })),
    )
    .await;
    assert_eq!(status, 200);
    let p = profile(&server).await;
    assert_eq!(
        (p["availability"].clone(), p["usual_wait_secs"].clone()),
        (json!("busy"), Value::Null),
        "{p}"
    );

    // 17:00 in Paris: closed whatever John does; Tuesday is a day off, so Wednesday 09:00.
    set_clock(&server, "2030-01-07T16:00:00Z").await;
    let (status, _) = call(
        reqwest::Method::PUT,
        &status_url,
        Some(&token),
        Some(json!({ "status": "active" })),
    )
    .await;
    assert_eq!(status, 200);
    let p = profile(&server).await;
    assert_eq!(p["availability"], "offline", "{p}");
    assert_eq!(p["reopens"]["local"], "Wednesday 09:00");
    assert_eq!(p["reopens"]["at"], "2030-01-09T08:00:00Z");
    // The directory says the same as discover.
    let (_, found) = call(
        reqwest::Method::GET,
        &format!("{}/api/organizations/directory?q=sample", server.url),
        None,
        None,
    )
    .await;
    assert_eq!(found["organizations"][0]["availability"], "offline");
    assert_eq!(
        found["organizations"][0]["reopens"]["local"],
        "Wednesday 09:00"
    );

    // The clock never goes back: a later message never gets an earlier time.
    let kept = set_clock(&server, "2029-01-01T00:00:00Z").await;
    let now: chrono::DateTime<chrono::Utc> = kept["now"].as_str().unwrap().parse().unwrap();
    let before: chrono::DateTime<chrono::Utc> = "2030-01-07T16:00:00Z".parse().unwrap();
    assert!(now >= before, "{kept}");
}

#[tokio::test]
async fn the_clock_moves_only_for_the_operator_of_a_server_started_to_allow_it() {
    let app = spawn_app().await;
    let org = app.signup_org("Timeless").await;
    let body = json!({ "now": "2030-01-01T00:00:00Z" });
    let res = app
        .put("/api/operator/clock", Some("operator-secret"), body.clone())
        .await;
    assert_error(&res, 404, "not_found");
    let res = app
        .put("/api/operator/clock", Some(&org.admin_token), body.clone())
        .await;
    assert_eq!(res.0, 403, "{}", res.1);
    let server = server_with_clock().await;
    let url = format!("{}/api/operator/clock", server.url);
    let (status, _) = call(reqwest::Method::PUT, &url, None, Some(body)).await;
    assert_eq!(status, 401);
    let (status, answer) = call(reqwest::Method::PUT, &url, Some(OPERATOR), Some(json!({}))).await;
    assert_eq!(
        (status, answer["error"].clone()),
        (400, json!("validation_failed")),
        "{answer}"
    );
}
