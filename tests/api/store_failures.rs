//! A store broken underneath a running server: clients get `internal` and nothing about the
//! cause; the log has the cause with its context (the store operation that failed).

use serde_json::{Value, json};

use crate::process::ServerProcess;
use crate::support::fresh_postgres_schema;

#[tokio::test]
async fn a_broken_store_answers_internal_without_detail_and_logs_the_cause() {
    let url = fresh_postgres_schema().await;
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start_on(dir.path(), Some(&url), &["--demo"]).await;
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{}/api/clients/login", server.url))
        .json(&json!({ "email": "alice@example.com", "password": "password123" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap();
    let org: Value = http
        .get(format!(
            "{}/api/organizations/discover/sample.com",
            server.url
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let opened = http
        .post(format!("{}/api/sessions", server.url))
        .bearer_auth(token)
        .json(&json!({ "organization_id": org["organization"]["id"], "message": "hello" }))
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 201);

    let mut db = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::query("ALTER TABLE sessions DROP COLUMN subject")
        .execute(&mut db)
        .await
        .unwrap();

    let res = http
        .get(format!("{}/api/sessions", server.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 500);
    let body = res.text().await.unwrap();
    let parsed: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(parsed["error"], "internal");
    for leak in ["subject", "column", "sessions", "sqlx", "postgres"] {
        assert!(
            !body.to_lowercase().contains(leak),
            "the answer leaks {leak:?}: {body}"
        );
    }
    let line = server
        .wait_for_log_line(&[
            "internal error",
            "route=/api/sessions",
            "client_sessions",
            "subject",
        ])
        .await;
    assert!(line.contains("ERROR"), "{line}");
}
