//! `/metrics`: bounded labels, HELP and histograms, metrics read at scrape time, and the ways to
//! keep it private.

use serde_json::json;

use crate::process::free_port;
use crate::support::*;

async fn scrape(app: &TestApp) -> String {
    let res = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

fn series(text: &str, name: &str) -> usize {
    text.lines()
        .filter(|l| l.starts_with(name) && !l.starts_with('#'))
        .count()
}

fn value(text: &str, line_start: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn invented_methods_and_paths_add_no_series() {
    let app = spawn_app().await;
    app.get("/health", None).await;
    let before = scrape(&app).await;
    for i in 0..300 {
        let method = reqwest::Method::from_bytes(format!("INVENT{i}").as_bytes()).unwrap();
        let path = format!("/api/no/such/{i}");
        let _ = app
            .http
            .request(method, format!("{}{path}", app.base))
            .send()
            .await;
        let _ = app.http.get(format!("{}/x{i}", app.base)).send().await;
    }
    let after = scrape(&app).await;
    let grew = series(&after, "raasel_http_requests_total")
        - series(&before, "raasel_http_requests_total");
    assert!(
        grew <= 6,
        "300 invented methods and paths added {grew} series"
    );
    assert!(
        after.contains(r#"method="other""#),
        "invented methods are counted as other"
    );
    assert!(!after.contains("INVENT"), "a method name reached a label");
    assert!(!after.contains("/no/such"), "a raw path reached a label");
}

#[tokio::test]
async fn metrics_describe_themselves_with_histograms_process_and_build_facts() {
    let app = spawn_app().await;
    let org = app.signup_org("Metered").await;
    let client = app.register_client().await;
    let _waiting = app.open_session(&client, &org, Some("anyone there?")).await;
    let text = scrape(&app).await;
    for needle in [
        "# HELP raasel_http_requests_total ",
        "# TYPE raasel_http_request_duration_seconds histogram",
        "raasel_http_request_duration_seconds_bucket{",
        "# TYPE raasel_message_ack_duration_seconds histogram",
        "raasel_message_ack_duration_seconds_bucket{le=\"0.005\"}",
        "raasel_store_commit_duration_seconds_bucket{",
        "# HELP raasel_socket_slow_consumers_total ",
        "raasel_socket_connections{kind=\"agent\"}",
        "raasel_socket_connections{kind=\"visitor\"}",
        "process_resident_memory_bytes ",
        "process_cpu_seconds_total ",
        "process_open_fds ",
        "raasel_build_info{version=\"",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // Read from this server's store and presence at scrape time.
    assert_eq!(value(&text, "raasel_queue_length "), Some(1.0));
    assert_eq!(value(&text, "raasel_agents_online "), Some(0.0));
    let _admin = app.socket(&org.admin_token).await;
    wait_until(
        "the queue drains to the admin",
        std::time::Duration::from_secs(5),
        || async {
            let text = scrape(&app).await;
            value(&text, "raasel_queue_length ") == Some(0.0)
                && value(&text, "raasel_agents_online ") == Some(1.0)
        },
    )
    .await;
}

#[tokio::test]
async fn metrics_can_require_a_token() {
    let app = spawn_app_with(|a| a.metrics_token = Some("scrape-me".into())).await;
    let url = format!("{}/metrics", app.base);
    let anonymous = app.http.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong = app
        .http
        .get(&url)
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = app
        .http
        .get(&url)
        .bearer_auth("scrape-me")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    assert!(right.text().await.unwrap().contains("raasel_build_info"));
}

#[tokio::test]
async fn metrics_can_live_on_their_own_address() {
    let port = free_port();
    let app = spawn_app_with(|a| a.metrics_listen = Some(format!("127.0.0.1:{port}"))).await;
    let main = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        main.status(),
        404,
        "metrics must not be on the public address"
    );
    let own = app
        .http
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    assert!(
        own.text()
            .await
            .unwrap()
            .contains("raasel_http_requests_total")
    );
    let (status, _) = app
        .post(
            "/api/clients/login",
            None,
            json!({"email": "a@b.cd", "password": "x"}),
        )
        .await;
    assert_eq!(status, 401);
}
