//! The embedded store's data directory: private files, one server at a time, and readiness
//! that means writes succeed. These tests run on the embedded store whatever the suite's store.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use crate::process::ServerProcess;
use crate::support::*;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn the_data_directory_and_its_files_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested").join("data");
    let app = spawn_app_with(|a| {
        a.store.data_dir = data.clone();
        a.store.database_url = None;
        a.store.cassandra_contact_points.clear();
    })
    .await;
    let org = app.signup_org("Private").await;
    let client = app.register_client().await;
    app.open_session(&client, &org, Some("secret stuff")).await;
    assert_eq!(mode(&data), 0o700);
    for file in [
        "raasel.db",
        "raasel.db-wal",
        "raasel.db-shm",
        "jwt-secret",
        "raasel.lock",
    ] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
}

#[tokio::test]
async fn a_second_server_on_the_same_data_directory_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let first = ServerProcess::start_on(dir.path(), None, &[]).await;
    let mut second = ServerProcess::launch(&first.data_dir, None, &[]);
    let status = second.exit_status(Duration::from_secs(20)).await;
    assert!(!status.success());
    second
        .wait_for_log_line(&[
            "is in use by another raasel server",
            &first.pid().to_string(),
        ])
        .await;
    // The first one is unaffected.
    let res = reqwest::get(format!("{}/ready", first.url)).await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn ready_fails_when_the_store_stops_accepting_writes() {
    // The embedded store; the PostgreSQL one is broken underneath in `store_failures`.
    let app = spawn_app_with(|a| {
        a.store.database_url = None;
        a.store.cassandra_contact_points.clear();
    })
    .await;
    let (status, body) = app.get("/ready", None).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));
    let db = app.dir.path().join("raasel.db");
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!(
        "sqlite://{}",
        db.display()
    ))
    .await
    .unwrap();
    sqlx::query("DROP TABLE store_probe")
        .execute(&mut conn)
        .await
        .unwrap();
    let (status, body) = app.get("/ready", None).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["store"], "unreachable");
}

#[tokio::test]
async fn a_data_directory_that_cannot_be_created_stops_the_start_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "a file").unwrap();
    let mut server = ServerProcess::launch(&blocker.join("data"), None, &[]);
    let status = server.exit_status(Duration::from_secs(20)).await;
    assert!(!status.success());
    server.wait_for_log("creating data directory").await;
}
