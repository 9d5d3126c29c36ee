//! Operations: liveness, readiness, Prometheus metrics, the OpenAPI document, and the shape of
//! answers to unknown routes.

use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn health_answers_ok_without_a_token() {
    let app = spawn_app().await;
    let (status, body) = app.get("/health", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn ready_reports_the_configured_store_when_it_accepts_writes() {
    let app = spawn_app().await;
    let (status, body) = app.get("/ready", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ready");
    let store = if suite_on_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(body["store"], store);
}

#[tokio::test]
async fn metrics_are_prometheus_text_counting_http_requests() {
    let app = spawn_app().await;
    let (status, _) = app.get("/api/organizations/directory", None).await;
    assert_eq!(status, 200);
    let res = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = res.text().await.unwrap();
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("raasel_http_requests_total{")
                && l.contains("/api/organizations/directory")
        })
        .unwrap_or_else(|| panic!("no request counter for the directory in:\n{text}"));
    let count: f64 = line.rsplit(' ').next().unwrap().parse().expect("a number");
    assert!(count >= 1.0, "{line}");
    assert!(
        text.contains("# TYPE raasel_http_requests_total counter"),
        "{text}"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_of_the_api() {
    let app = spawn_app().await;
    let (status, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(status, 200);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    let expected: [(&str, &[&str]); 21] = [
        ("/api/organizations/discover/{domain}", &["get"]),
        ("/api/organizations/directory", &["get"]),
        ("/api/organizations/{id}", &["get", "put", "delete"]),
        ("/api/organizations", &["get", "post"]),
        ("/api/agents/login", &["post"]),
        ("/api/agents", &["post"]),
        ("/api/agents/{id}", &["get", "put", "delete"]),
        ("/api/agents/organization/{organization_id}", &["get"]),
        (
            "/api/agents/organization/{organization_id}/available",
            &["get"],
        ),
        ("/api/agents/{id}/password", &["put"]),
        ("/api/agents/{id}/status", &["put"]),
        ("/api/agents/{id}/sessions", &["get"]),
        ("/api/clients/register", &["post"]),
        ("/api/clients/login", &["post"]),
        ("/api/clients/me", &["get"]),
        ("/api/widget/visitors", &["post"]),
        ("/api/sessions", &["get", "post"]),
        ("/api/sessions/{id}", &["get"]),
        ("/api/sessions/{id}/messages", &["get", "post"]),
        ("/api/sessions/organization/{organization_id}", &["get"]),
        ("/api/sessions/{id}/assign", &["put"]),
    ];
    for (path, methods) in expected {
        let item = paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} is missing from the OpenAPI paths"));
        for m in methods {
            assert!(item.get(*m).is_some(), "{m} {path} is missing");
        }
    }
    for path in [
        "/api/sessions/organization/{organization_id}/active",
        "/api/sessions/organization/{organization_id}/waiting",
        "/api/sessions/{id}/status",
        "/api/sessions/{id}/close",
    ] {
        assert!(paths.contains_key(path), "{path} is missing");
    }
}

#[tokio::test]
async fn an_unknown_api_route_is_a_json_404() {
    let app = spawn_app().await;
    let res = app.get("/api/no/such/route", None).await;
    assert_error(&res, 404, "not_found");
    let res = app
        .post("/api/sessions/whatever/unknown", None, json!({}))
        .await;
    assert_error(&res, 404, "not_found");
}

#[tokio::test]
async fn api_answers_carry_security_headers() {
    let app = spawn_app().await;
    let res = app
        .http
        .get(format!("{}/health", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    let res = app
        .http
        .get(format!("{}/api/clients/me", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
}

#[tokio::test]
async fn a_graceful_stop_closes_sockets_and_every_acknowledged_message_survives_a_restart() {
    let app = spawn_app().await;
    let org = app.signup_org("Durable").await;
    let client = app.register_client().await;
    let session = app.open_session(&client, &org, None).await;
    let id = session["id"].as_str().unwrap().to_string();
    let socket = app.socket(&client.token).await;
    // Many senders at once, so that commits are batched.
    let texts: Vec<String> = (0..40).map(|i| format!("m{i}")).collect();
    let sends = texts.iter().map(|t| app.send(&client.token, &id, t));
    let acked: Vec<Value> = futures_util::future::join_all(sends)
        .await
        .into_iter()
        .map(|(status, body)| {
            assert_eq!(status, 201, "{body}");
            body["message"]["id"].clone()
        })
        .collect();

    let database_url = app.server.app.config.store.database_url.clone();
    let TestApp { server, dir, .. } = app;
    server.stop().await.expect("graceful stop");
    assert!(
        socket.wait_closed(std::time::Duration::from_secs(3)).await,
        "sockets are closed on shutdown"
    );

    let data = dir.path().to_path_buf();
    let again = spawn_app_with(move |a| {
        a.store.data_dir = data;
        a.store.database_url = database_url;
    })
    .await;
    let (status, page) = again
        .get(
            &format!("/api/sessions/{id}/messages?limit=200"),
            Some(&client.token),
        )
        .await;
    assert_eq!(status, 200, "the token secret persisted too: {page}");
    let stored: Vec<&Value> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["id"])
        .collect();
    for id in &acked {
        assert!(stored.contains(&id), "acknowledged message {id} lost");
    }
    let seqs: Vec<i64> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=40).collect::<Vec<_>>());
    drop(dir);
}

#[tokio::test]
async fn the_api_allows_only_configured_origins_and_the_widget_any() {
    let app = spawn_app_with(|a| a.cors_origins = vec!["https://console.example.com".into()]).await;
    let preflight = |origin: &'static str, path: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, format!("{}{path}", app.base))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .send()
    };
    let allowed = |res: &reqwest::Response| {
        res.headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_string())
    };
    let ok = preflight("https://console.example.com", "/api/agents/login")
        .await
        .unwrap();
    assert_eq!(allowed(&ok).as_deref(), Some("https://console.example.com"));
    let other = preflight("https://evil.example.com", "/api/agents/login")
        .await
        .unwrap();
    assert_eq!(allowed(&other), None);
    let widget = preflight("https://shop.example.org", "/api/widget/visitors")
        .await
        .unwrap();
    assert_eq!(allowed(&widget).as_deref(), Some("*"));
}
