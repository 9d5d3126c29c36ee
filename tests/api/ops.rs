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
    let store = match suite_store() {
        "cassandra" => "postgres+cassandra",
        other => other,
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
async fn the_front_ends_openapi_snapshot_is_the_served_document() {
    let app = spawn_app().await;
    let (status, served) = app.get("/api/openapi.json", None).await;
    assert_eq!(status, 200);
    let snapshot: Value = serde_json::from_str(include_str!("../../web/openapi.json"))
        .expect("web/openapi.json is JSON");
    assert!(
        served == snapshot,
        "web/openapi.json differs from the served document: run scripts/api-snapshot, then fix \
         what the front end's type check reports"
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

/// Every error answer of every operation, with its operation's name.
fn error_answers(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, answer) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    out.push((format!("{method} {path}"), status.clone(), answer.clone()));
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn the_openapi_document_names_each_operation_once_and_declares_its_parameters() {
    let app = spawn_app().await;
    let (_, doc) = app.get("/api/openapi.json", None).await;
    assert!(doc["servers"][0]["url"].is_string(), "{}", doc["servers"]);
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap().to_string();
            assert!(ids.insert(id.clone()), "operation id {id} repeats");
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let in_path: Vec<&str> = params
                .iter()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            let templated: Vec<&str> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            assert_eq!(in_path, templated, "{method} {path}");
            for p in params.iter().filter(|p| p["in"] == "query") {
                assert_eq!(p["required"], false, "{method} {path}: {p}");
            }
        }
    }
    assert_eq!(ids.len(), 99);
}

#[tokio::test]
async fn every_error_answer_of_the_openapi_document_is_the_error_body() {
    let app = spawn_app().await;
    let (_, doc) = app.get("/api/openapi.json", None).await;
    for (op, status, answer) in error_answers(&doc) {
        let schema = &answer["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(schema, "#/components/schemas/ErrorBody", "{op} {status}");
    }
    let codes = &doc["components"]["schemas"]["ErrorCode"]["enum"];
    let codes: Vec<&str> = codes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for code in [
        "validation_failed",
        "unauthorized",
        "forbidden",
        "not_found",
        "method_not_allowed",
        "conflict",
        "session_closed",
        "payload_too_large",
        "rate_limited",
        "unknown_event",
        "internal",
    ] {
        assert!(codes.contains(&code), "{code} is missing from {codes:?}");
    }
    let body = &doc["components"]["schemas"]["ErrorBody"];
    assert_eq!(body["required"], json!(["error", "message"]));
    // Tokens are needed where the extractors need them: 401 is documented there.
    let me = &doc["paths"]["/api/clients/me"]["get"]["responses"];
    assert!(me.get("401").is_some(), "{me}");
}

#[tokio::test]
async fn request_bodies_state_the_fields_the_handlers_require() {
    let app = spawn_app().await;
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let schemas = &doc["components"]["schemas"];
    for (schema, required) in [
        ("SignupInput", json!(["name", "domain", "admin"])),
        ("AdminInput", json!(["name", "email", "password"])),
        ("LoginInput", json!(["email", "password"])),
        ("ClientLoginInput", json!(["email", "password"])),
        ("RegisterInput", json!(["username", "email", "password"])),
        ("CreateAgentInput", json!(["name", "email", "password"])),
        ("PasswordInput", json!(["new_password"])),
        ("StatusInput", json!(["status"])),
        ("OpenSessionInput", json!(["organization_id"])),
        ("SendInput", json!(["content"])),
        ("AssignInput", json!(["agent_id"])),
        ("SessionStatusInput", json!(["status"])),
    ] {
        let mut listed: Vec<Value> = schemas[schema]["required"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        listed.sort_by_key(|v| v.to_string());
        let mut wanted = required.as_array().unwrap().clone();
        wanted.sort_by_key(|v| v.to_string());
        assert_eq!(listed, wanted, "{schema}");
        assert_eq!(schemas[schema]["additionalProperties"], false, "{schema}");
        for field in &wanted {
            let property = &schemas[schema]["properties"][field.as_str().unwrap()];
            assert!(
                !property.to_string().contains("null"),
                "{schema}.{field} is nullable: {property}"
            );
        }
    }
    // Still one answer naming every missing field, not a parse error.
    let res = app.post("/api/organizations", None, json!({})).await;
    assert_error(&res, 400, "validation_failed");
    let fields = res.1["fields"].as_object().unwrap();
    for f in [
        "name",
        "domain",
        "admin.name",
        "admin.email",
        "admin.password",
    ] {
        assert!(fields.contains_key(f), "{f} not named: {}", res.1);
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

/// Status, `Content-Type` and JSON body of a raw request.
async fn raw(app: &TestApp, method: reqwest::Method, path: &str) -> reqwest::Response {
    app.http
        .request(method, format!("{}{path}", app.base))
        .send()
        .await
        .unwrap()
}

async fn json_error(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let content_type = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(
        content_type.starts_with("application/json"),
        "{status} answered {content_type}"
    );
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn a_wrong_method_is_a_json_405_naming_the_allowed_ones() {
    let app = spawn_app().await;
    let res = raw(&app, reqwest::Method::PATCH, "/api/sessions").await;
    let allow = res.headers()["allow"].to_str().unwrap().to_string();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    let answer = json_error(res).await;
    assert_error(&answer, 405, "method_not_allowed");
    assert!(answer.1["message"].as_str().unwrap().contains("PATCH"));

    let res = raw(&app, reqwest::Method::DELETE, "/api/clients/me").await;
    assert_eq!(res.headers()["allow"].to_str().unwrap(), "GET,HEAD");
    assert_error(&json_error(res).await, 405, "method_not_allowed");
}

#[tokio::test]
async fn invalid_utf8_in_a_path_is_a_json_error() {
    let app = spawn_app().await;
    let org = app.signup_org("Bytes").await;
    let res = raw(
        &app,
        reqwest::Method::GET,
        "/api/organizations/discover/%FF",
    )
    .await;
    assert_error(&json_error(res).await, 404, "not_found");
    let res = app
        .http
        .get(format!("{}/api/sessions/%FF%FE", app.base))
        .bearer_auth(&org.admin_token)
        .send()
        .await
        .unwrap();
    assert_error(&json_error(res).await, 404, "not_found");
    let res = app
        .http
        .get(format!("{}/api/sessions/%FF/messages?limit=%FF", app.base))
        .bearer_auth(&org.admin_token)
        .send()
        .await
        .unwrap();
    let (status, body) = json_error(res).await;
    assert!(status == 400 || status == 404, "{status} {body}");
    let res = raw(&app, reqwest::Method::GET, "/api/%FF/x").await;
    assert_error(&json_error(res).await, 404, "not_found");
}

#[tokio::test]
async fn the_socket_io_endpoint_refuses_in_the_api_error_format() {
    let app = spawn_app().await;
    let cases = [
        (reqwest::Method::GET, "/socket.io/?EIO=3&transport=polling"),
        (
            reqwest::Method::GET,
            "/socket.io/?EIO=4&transport=carrier-pigeon",
        ),
        (
            reqwest::Method::GET,
            "/socket.io/?EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAA",
        ),
        (reqwest::Method::PUT, "/socket.io/?EIO=4&transport=polling"),
        (reqwest::Method::POST, "/socket.io/?EIO=4&transport=polling"),
    ];
    for (method, path) in cases {
        let res = raw(&app, method.clone(), path).await;
        let (status, body) = json_error(res).await;
        assert_eq!(status, 400, "{method} {path}: {body}");
        assert_eq!(
            body["error"], "validation_failed",
            "{method} {path}: {body}"
        );
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
}

/// Found by schemathesis: the document bounded names by length before trimming, so the
/// server rightly accepted what the document called invalid.
#[tokio::test]
async fn the_document_refuses_nothing_the_handlers_accept() {
    let app = spawn_app().await;
    let org = app.signup_org("Trimmed").await;
    let padded = format!("   {}", "n".repeat(100));
    let body = json!({
        "name": padded, "email": "padded@trimmed.example", "password": PASSWORD,
    });
    let (status, created) = app.post("/api/agents", Some(&org.admin_token), body).await;
    assert_eq!(status, 201, "{created}");
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let name = &doc["components"]["schemas"]["CreateAgentInput"]["properties"]["name"];
    let max = name["maxLength"].as_u64().unwrap_or(u64::MAX);
    assert!(max >= padded.chars().count() as u64, "{name}");
}

#[tokio::test]
async fn answers_always_carry_their_nullable_fields() {
    let app = spawn_app().await;
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let schemas = &doc["components"]["schemas"];
    for (schema, field) in [
        ("Session", "agent_id"),
        ("Session", "closed_at"),
        ("Agent", "max_concurrent_sessions"),
        ("Client", "email"),
        ("Message", "client_msg_id"),
    ] {
        let required = schemas[schema]["required"].as_array().unwrap();
        assert!(required.contains(&json!(field)), "{schema}.{field}");
    }
    let org = app.signup_org("Nulls").await;
    let client = app.register_client().await;
    let session = app.open_session(&client, &org, None).await;
    for field in ["agent_id", "closed_at", "subject", "queued_at"] {
        assert!(
            session.get(field).is_some_and(Value::is_null),
            "{field}: {session}"
        );
    }
}
