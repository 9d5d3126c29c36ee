//! The binary's commands: migrate, admin commands, `serve --help`, and the demo seed.

use serde_json::json;

use crate::process::{free_port, raasel_command, raasel_output};
use crate::support::*;

/// Runs an admin command on the store the suite uses: the data directory, or the database.
async fn raasel(
    args: &[&str],
    data_dir: &std::path::Path,
    db: Option<&str>,
) -> std::process::Output {
    let mut cmd = raasel_command();
    cmd.args(args).arg("--data-dir").arg(data_dir);
    if let Some(url) = db {
        cmd.args(["--database-url", url]);
        cmd.args(suite_cassandra_flags());
    }
    cmd.output().await.expect("raasel runs")
}

#[tokio::test]
async fn admin_commands_create_an_organization_and_agents_that_can_log_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database_url().await;
    let out = raasel(&["migrate"], dir.path(), db.as_deref()).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = raasel(
        &[
            "create-organization",
            "--name",
            "Acme",
            "--domain",
            "Acme.com",
            "--admin-name",
            "Ann",
            "--admin-email",
            "ann@acme.com",
            "--admin-password",
            "a long password",
        ],
        dir.path(),
        db.as_deref(),
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = raasel(
        &[
            "create-agent",
            "--domain",
            "acme.com",
            "--name",
            "Bob",
            "--email",
            "bob@acme.com",
            "--password",
            "another password",
            "--role",
            "supervisor",
        ],
        dir.path(),
        db.as_deref(),
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // stdout is the command's answer alone; logs go to stderr.
    let answer = String::from_utf8_lossy(&out.stdout);
    assert!(answer.starts_with("agent bob@acme.com"), "{answer}");
    let bad = raasel(
        &[
            "create-agent",
            "--domain",
            "acme.com",
            "--name",
            "Eve",
            "--email",
            "eve@acme.com",
            "--password",
            "tiny7",
            "--role",
            "agent",
        ],
        dir.path(),
        db.as_deref(),
    )
    .await;
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("at least 8 characters"), "{stderr}");
    assert!(!stderr.contains("tiny7"), "the password is never echoed");

    let data = dir.path().to_path_buf();
    let app = spawn_app_with(move |a| {
        a.store.data_dir = data;
        a.store.database_url = db;
    })
    .await;
    let (status, body) = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": "bob@acme.com", "password": "another password" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agent"]["role"], "supervisor");
    let (status, body) = app.get("/api/organizations/discover/acme.com", None).await;
    assert_eq!(
        (status, body["organization"]["name"].as_str()),
        (200, Some("Acme"))
    );
}

#[tokio::test]
async fn serve_help_documents_every_setting() {
    let out = raasel_output(["serve", "--help"]).await;
    let help = String::from_utf8_lossy(&out.stdout);
    for setting in [
        "--listen",
        "RAASEL_LISTEN",
        "--data-dir",
        "RAASEL_DATA_DIR",
        "--database-url",
        "DATABASE_URL",
        "--redis-url",
        "REDIS_URL",
        "--jwt-secret",
        "RAASEL_JWT_SECRET",
        "--operator-token",
        "RAASEL_OPERATOR_TOKEN",
        "--demo",
        "RAASEL_DEMO",
        "--tls-cert",
        "--tls-key",
    ] {
        assert!(
            help.contains(setting),
            "serve --help does not mention {setting}:\n{help}"
        );
    }
}

#[tokio::test]
async fn the_demo_seeds_sample_com_with_two_agents_and_a_customer() {
    let app = spawn_app_with(|a| a.demo = true).await;
    let (status, org) = app
        .get("/api/organizations/discover/sample.com", None)
        .await;
    assert_eq!(status, 200, "{org}");
    for (path, email) in [
        ("/api/agents/login", "john@sample.com"),
        ("/api/agents/login", "jane@sample.com"),
        ("/api/clients/login", "alice@example.com"),
    ] {
        let (status, body) = app
            .post(
                path,
                None,
                json!({ "email": email, "password": "password123" }),
            )
            .await;
        assert_eq!(status, 200, "{email}: {body}");
    }
    let (_, john) = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": "john@sample.com", "password": "password123" }),
        )
        .await;
    assert_eq!(john["agent"]["role"], "admin");
}

#[tokio::test]
async fn serve_refuses_a_cluster_without_postgresql() {
    let dir = tempfile::tempdir().unwrap();
    let out = raasel_command()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--redis-url",
            "redis://127.0.0.1:6379",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .await
        .unwrap();
    assert!(
        !out.status.success(),
        "a cluster on the embedded store was accepted"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs --database-url"), "{err}");
}

#[tokio::test]
async fn serve_refuses_a_cluster_without_object_storage() {
    let dir = tempfile::tempdir().unwrap();
    let database = crate::support::fresh_postgres_schema().await;
    let out = raasel_command()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &database,
        ])
        .args(["--redis-url", &crate::lifecycle_nodes::test_redis()])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .await
        .unwrap();
    assert!(
        !out.status.success(),
        "a cluster whose nodes cannot read each other's files was accepted"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--object-store-url"), "{err}");
}

#[tokio::test]
async fn serve_refuses_origins_that_could_never_match_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    for origin in ["*", "shop.example", "https://shop.example/checkout"] {
        let out = raasel_command()
            .args(["serve", "--listen", "127.0.0.1:0", "--cors-origins", origin])
            .arg("--data-dir")
            .arg(dir.path())
            .output()
            .await
            .unwrap();
        assert!(!out.status.success(), "{origin} was accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is not an origin"), "{origin}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[tokio::test]
async fn settings_take_the_usual_spellings_a_bare_port_and_a_host_name() {
    for (listen, demo) in [
        (free_port().to_string(), "1"),
        (format!("localhost:{}", free_port()), "yes"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let port = listen.rsplit(':').next().unwrap().to_string();
        let mut child = raasel_command()
            .args(["serve", "--listen", &listen])
            .arg("--data-dir")
            .arg(dir.path())
            .env("RAASEL_DEMO", demo)
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}/api/organizations/discover/sample.com");
        wait_until(
            &format!("the demo answers on {listen}"),
            std::time::Duration::from_secs(20),
            || {
                let url = url.clone();
                async move { matches!(reqwest::get(&url).await, Ok(r) if r.status() == 200) }
            },
        )
        .await;
        child.kill().await.unwrap();
    }
}
