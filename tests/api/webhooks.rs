//! Webhooks through a real receiver on this machine: signed with the secret the API returned
//! (checked in Rust and by the Python function of `docs/webhooks.md`), retried after a 500 and
//! while the receiver is down, redelivered with the same event id, paused after failing again
//! and again (the admins hear it), refused toward private addresses; admins only; and three
//! servers with one killed delivering every event.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};

use crate::lifecycle::{Node, clock_flags};
use crate::process::ServerProcess;
use crate::socket::WAIT;
use crate::support::*;

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Got {
    headers: HashMap<String, String>,
    body: String,
}

impl Got {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// A webhook receiver answering `status` (set by the test) and keeping what it got.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
    status: Arc<AtomicU16>,
    /// Milliseconds the receiver waits before answering.
    delay: Arc<std::sync::atomic::AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

async fn receiver() -> Receiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got: Arc<Mutex<Vec<Got>>> = Arc::default();
    let status = Arc::new(AtomicU16::new(200));
    let delay = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (kept, answer, wait) = (got.clone(), status.clone(), delay.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let (kept, answer, wait) = (kept.clone(), answer.clone(), wait.clone());
            async move {
                let ms = wait.load(Ordering::SeqCst);
                if ms > 0 {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                }
                let headers = headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
                    .collect();
                kept.lock().unwrap().push(Got { headers, body });
                axum::http::StatusCode::from_u16(answer.load(Ordering::SeqCst)).unwrap()
            }
        }),
    );
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Receiver {
        url,
        got,
        status,
        delay,
        task,
    }
}

impl Receiver {
    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }

    async fn wait_for(&self, n: usize, what: &str) -> Vec<Got> {
        wait_until_some(what, Duration::from_secs(20), || async {
            let got = self.got();
            (got.len() >= n).then_some(got)
        })
        .await
    }

    fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }
}

fn hmac_hex(secret: &str, signed: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(signed.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The Python `verify` of docs/webhooks.md, run on a delivery as a receiver would.
async fn python_verifies(secret: &str, got: &Got) -> bool {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/webhooks.md")).unwrap();
    let code = docs
        .split("```python\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a python block in docs/webhooks.md");
    let script = format!(
        "{code}\nimport os, sys\nsys.exit(0 if verify(os.environ['SECRET'], os.environ['HEADER'], sys.stdin.buffer.read()) else 1)\n"
    );
    let mut child = crate::process::command("python3")
        .args(["-c", &script])
        .env("SECRET", secret)
        .env("HEADER", got.header("x-raasel-signature"))
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use tokio::io::AsyncWriteExt;
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(got.body.as_bytes()).await.unwrap();
    drop(stdin);
    child.wait().await.unwrap().success()
}

/// A name other than `localhost` that this machine resolves to a loopback address (its own
/// host name, as /etc/hosts usually says).
async fn loopback_name() -> String {
    let own = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    for name in [
        own.trim(),
        "localhost.localdomain",
        "ip6-localhost",
        "ip6-loopback",
    ] {
        if name.is_empty() || name == "localhost" {
            continue;
        }
        if let Ok(found) = tokio::net::lookup_host((name, 80)).await {
            let found: Vec<_> = found.collect();
            if !found.is_empty() && found.iter().all(|a| a.ip().is_loopback()) {
                return name.to_string();
            }
        }
    }
    panic!("no name on this machine resolves to a loopback address (see /etc/hosts)");
}

async fn add_webhook(app: &TestApp, org: &OrgHandle, url: &str, events: &[&str]) -> (u16, Value) {
    app.post(
        "/api/webhooks",
        Some(&org.admin_token),
        json!({ "url": url, "events": events }),
    )
    .await
}

#[tokio::test]
async fn deliveries_are_signed_with_the_secret_the_api_returned() {
    let hook = receiver().await;
    let app = spawn_app_with(|a| a.webhook_allow_private = true).await;
    let org = app.signup_org("Hooked").await;
    let (status, created) = add_webhook(
        &app,
        &org,
        &hook.url,
        &[
            "conversation.created",
            "message.created",
            "conversation.closed",
            "rating.submitted",
        ],
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let secret = created["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 64, "256 random bits");
    let (_, listed) = app.get("/api/webhooks", Some(&org.admin_token)).await;
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is shown once"
    );

    let customer = app.register_client().await;
    let s = app
        .open_session(&customer, &org, Some("Is my order shipped?"))
        .await;
    let session = s["id"].as_str().unwrap().to_string();
    let got = hook
        .wait_for(2, "the conversation and its first message")
        .await;
    let types: Vec<String> = got
        .iter()
        .map(|g| g.json()["type"].as_str().unwrap().to_string())
        .collect();
    assert!(
        types.contains(&"conversation.created".to_string()),
        "{types:?}"
    );
    assert!(types.contains(&"message.created".to_string()), "{types:?}");
    for g in &got {
        let body = g.json();
        assert_eq!(g.header("x-raasel-event-id"), body["id"].as_str().unwrap());
        assert_eq!(g.header("x-raasel-event"), body["type"].as_str().unwrap());
        assert!(!g.header("x-raasel-delivery").is_empty());
        assert_eq!(body["organization_id"], org.id.as_str());
        let sig = g.header("x-raasel-signature");
        let (t, v1) = sig
            .strip_prefix("t=")
            .and_then(|rest| rest.split_once(",v1="))
            .unwrap_or_else(|| panic!("a signature: {sig}"));
        assert_eq!(v1, hmac_hex(&secret, &format!("{t}.{}", g.body)));
        assert!(
            python_verifies(&secret, g).await,
            "the documented check accepts it"
        );
        let mut forged = g.clone();
        forged.body = forged.body.replace("shipped", "stolen");
        assert!(
            !python_verifies(&secret, &forged).await,
            "and refuses a changed body"
        );
    }
    let message = got
        .iter()
        .map(Got::json)
        .find(|b| b["type"] == "message.created")
        .unwrap();
    assert_eq!(message["data"]["session_id"], session.as_str());
    assert_eq!(
        message["data"]["message"]["content"],
        "Is my order shipped?"
    );
    assert_eq!(message["data"]["message"]["internal"], false);

    // Only the events asked for: an assignment is not sent; a close and a rating are.
    assert_eq!(
        app.assign(&org.admin_token, &session, &org.admin_id)
            .await
            .0,
        200
    );
    assert_eq!(app.close(&org.admin_token, &session).await.0, 200);
    let (status, _) = app
        .post(
            &format!("/api/sessions/{session}/rating"),
            Some(&customer.token),
            json!({ "score": 5 }),
        )
        .await;
    assert_eq!(status, 201);
    let got = hook.wait_for(4, "the close and the rating").await;
    let later: Vec<Value> = got[2..].iter().map(Got::json).collect();
    let later_types: Vec<&str> = later.iter().map(|b| b["type"].as_str().unwrap()).collect();
    assert!(
        later_types.contains(&"conversation.closed"),
        "{later_types:?}"
    );
    assert!(later_types.contains(&"rating.submitted"), "{later_types:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        hook.got()
            .iter()
            .all(|g| g.json()["type"] != "conversation.assigned"),
        "not asked for"
    );
}

#[tokio::test]
async fn a_failed_delivery_shows_in_the_history_and_is_redelivered_with_its_event_id() {
    let hook = receiver().await;
    hook.answer(500);
    let app = spawn_app_with(|a| a.webhook_allow_private = true).await;
    let org = app.signup_org("Flaky").await;
    let (_, created) = add_webhook(&app, &org, &hook.url, &["conversation.created"]).await;
    let id = created["webhook"]["id"].as_str().unwrap().to_string();
    let customer = app.register_client().await;
    app.open_session(&customer, &org, Some("hello")).await;
    let first = hook.wait_for(1, "the first attempt").await;
    let deliveries_path = format!("/api/webhooks/{id}/deliveries");
    let history = wait_until_some("the failed attempt is recorded", WAIT, || async {
        let (_, body) = app.get(&deliveries_path, Some(&org.admin_token)).await;
        let d = body["deliveries"][0].clone();
        (d["last_status"] == 500).then_some(d)
    })
    .await;
    assert_eq!(history["state"], "pending", "retried later: {history}");
    assert_eq!(history["attempts"], 1);

    hook.answer(204);
    let delivery = history["id"].as_str().unwrap();
    let (status, again) = app
        .post(
            &format!("/api/webhooks/deliveries/{delivery}/redeliver"),
            Some(&org.admin_token),
            json!({}),
        )
        .await;
    assert_eq!(status, 202, "{again}");
    let got = hook.wait_for(2, "the redelivery").await;
    assert_eq!(
        got[1].header("x-raasel-event-id"),
        first[0].header("x-raasel-event-id")
    );
    assert_ne!(
        got[1].header("x-raasel-delivery"),
        first[0].header("x-raasel-delivery")
    );
    wait_until("the redelivery is recorded as delivered", WAIT, || async {
        let (_, body) = app.get(&deliveries_path, Some(&org.admin_token)).await;
        body["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["state"] == "delivered" && d["last_status"] == 204)
    })
    .await;
}

#[tokio::test]
async fn private_and_metadata_addresses_are_refused_unless_the_operator_allows_them() {
    let hook = receiver().await;
    let app = spawn_app().await;
    let org = app.signup_org("Guarded").await;
    for url in [
        "http://127.0.0.1:9/x",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/hook",
        "http://[::1]:9/x",
        "http://localhost:9/x",
    ] {
        let res = add_webhook(&app, &org, url, &["message.created"]).await;
        assert_error(&res, 400, "validation_failed");
        assert!(res.1["fields"]["url"].is_string(), "{url}: {}", res.1);
    }
    // A name that resolves to loopback is saved, and refused when connecting.
    let named = hook.url.replace("127.0.0.1", &loopback_name().await);
    let (status, created) = add_webhook(&app, &org, &named, &["message.created"]).await;
    assert_eq!(status, 201, "{created}");
    let id = created["webhook"]["id"].as_str().unwrap().to_string();
    let customer = app.register_client().await;
    app.open_session(&customer, &org, Some("hello")).await;
    let failed = wait_until_some("the refused attempt is recorded", WAIT, || async {
        let (_, body) = app
            .get(
                &format!("/api/webhooks/{id}/deliveries"),
                Some(&org.admin_token),
            )
            .await;
        let d = body["deliveries"][0].clone();
        d["last_error"].is_string().then_some(d)
    })
    .await;
    assert!(
        failed["last_error"]
            .as_str()
            .unwrap()
            .contains("no address this server may reach"),
        "{failed}"
    );
    assert!(
        hook.got().is_empty(),
        "nothing reached the loopback receiver"
    );
}

#[tokio::test]
async fn only_admins_manage_webhooks_and_bad_ones_change_nothing() {
    let app = spawn_app_with(|a| a.webhook_allow_private = true).await;
    let org = app.signup_org("Admins Only").await;
    let agent = app.create_agent(&org, "Plain Agent", "agent", None).await;
    let url = "http://127.0.0.1:9/hook";
    assert_error(
        &app.post(
            "/api/webhooks",
            Some(&agent.token),
            json!({ "url": url, "events": ["message.created"] }),
        )
        .await,
        403,
        "forbidden",
    );
    for bad in [
        json!({ "url": url, "events": [] }),
        json!({ "url": url, "events": ["message.deleted"] }),
        json!({ "url": "ftp://x.example", "events": ["message.created"] }),
        json!({ "events": ["message.created"] }),
        json!({ "url": url, "events": ["message.created"], "secret": "mine" }),
    ] {
        let res = app
            .post("/api/webhooks", Some(&org.admin_token), bad.clone())
            .await;
        assert!(matches!(res.0, 400 | 422), "{bad}: {res:?}");
    }
    let (_, listed) = app.get("/api/webhooks", Some(&org.admin_token)).await;
    assert_eq!(listed["webhooks"], json!([]));
    let (_, created) = add_webhook(&app, &org, url, &["message.created"]).await;
    let id = created["webhook"]["id"].as_str().unwrap().to_string();
    let other = app.signup_org("Other").await;
    for res in [
        app.put(
            &format!("/api/webhooks/{id}"),
            Some(&other.admin_token),
            json!({ "paused": true }),
        )
        .await,
        app.get(
            &format!("/api/webhooks/{id}/deliveries"),
            Some(&other.admin_token),
        )
        .await,
        app.delete(&format!("/api/webhooks/{id}"), Some(&other.admin_token))
            .await,
    ] {
        assert_error(&res, 404, "not_found");
    }
    for n in 1..20 {
        let (status, _) = add_webhook(&app, &org, &format!("{url}{n}"), &["message.created"]).await;
        assert_eq!(status, 201);
    }
    assert_error(
        &add_webhook(&app, &org, url, &["message.created"]).await,
        409,
        "conflict",
    );
    let (status, _) = app
        .delete(&format!("/api/webhooks/{id}"), Some(&org.admin_token))
        .await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn retries_follow_the_clock_and_an_endpoint_that_keeps_failing_is_paused() {
    let hook = receiver().await;
    let mut flags = clock_flags();
    flags.push("--webhook-allow-private".into());
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let node = Node::of(ServerProcess::start(&flags).await);
    let (status, org) = node
        .post(
            "/api/organizations",
            None,
            json!({ "name": "Down", "domain": format!("down{}.example.com", unique()),
                    "admin": { "name": "Ada", "email": format!("ada{}@down.example.com", unique()), "password": "password123" } }),
        )
        .await;
    assert_eq!(status, 201, "{org}");
    let admin = org["token"].as_str().unwrap().to_string();
    let admin_socket = sio_test_client::SocketClient::connect(&node.server.url, Some(&admin))
        .await
        .unwrap();
    let (_, created) = node
        .post(
            "/api/webhooks",
            Some(&admin),
            json!({ "url": hook.url, "events": ["conversation.created"] }),
        )
        .await;
    let id = created["webhook"]["id"].as_str().unwrap().to_string();

    // Down: the receiver answers 503. Each retry is due later; the clock moves there.
    hook.answer(503);
    let (_, customer) = node
        .post("/api/clients/register", None, json!({ "username": format!("c{}", unique()), "email": format!("c{}@x.example.com", unique()), "password": "password123" }))
        .await;
    let token = customer["token"].as_str().unwrap().to_string();
    node.post(
        "/api/sessions",
        Some(&token),
        json!({ "organization_id": org["organization"]["id"], "message": "hi" }),
    )
    .await;
    let mut now = chrono::Utc::now();
    for attempt in 1..=10usize {
        hook.wait_for(attempt, "the next attempt").await;
        now += chrono::Duration::hours(1) + chrono::Duration::minutes(15);
        if attempt < 10 {
            node.move_clock(now).await;
        }
    }
    let paused = admin_socket
        .wait_for_where("webhook_paused", WAIT, |v| {
            v["webhook"]["id"] == id.as_str()
        })
        .await
        .expect("the admin hears the endpoint was paused");
    assert_eq!(paused["webhook"]["paused"], true);
    let (_, doc) = node
        .call(reqwest::Method::GET, "/api/asyncapi.json", None, None)
        .await;
    crate::realtime_protocol::assert_conforms(&doc, "webhook_paused", &paused);
    let (_, listed) = node.get("/api/webhooks", &admin).await;
    assert_eq!(listed["webhooks"][0]["paused"], true);
    assert_eq!(listed["webhooks"][0]["failures"], 10);
    // Paused: nothing is sent while the clock moves on.
    node.move_clock(now + chrono::Duration::hours(2)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(hook.got().len(), 10);
    // Resumed with the receiver back: the pending delivery goes out, every attempt one event.
    hook.answer(200);
    let (status, resumed) = node
        .put(
            &format!("/api/webhooks/{id}"),
            &admin,
            json!({ "paused": false }),
        )
        .await;
    assert_eq!(status, 200, "{resumed}");
    assert_eq!(resumed["webhook"]["failures"], 0);
    let got = hook.wait_for(11, "the delivery after resuming").await;
    let ids: std::collections::BTreeSet<&str> =
        got.iter().map(|g| g.header("x-raasel-event-id")).collect();
    assert_eq!(ids.len(), 1, "retries carry the event id");
    // A month after it was delivered, the delivery is forgotten.
    let path = format!("/api/webhooks/{id}/deliveries");
    wait_until(
        "the delivery is recorded as delivered",
        Duration::from_secs(20),
        || async {
            let (_, listed) = node.get(&path, &admin).await;
            listed["deliveries"][0]["state"] == "delivered"
        },
    )
    .await;
    node.move_clock(now + chrono::Duration::days(31)).await;
    let (_, listed) = node.get(&path, &admin).await;
    assert_eq!(listed["deliveries"], json!([]), "{listed}");
    hook.task.abort();
}

#[tokio::test]
async fn three_servers_with_one_killed_deliver_every_event_with_duplicates_only_by_event_id() {
    let hook = receiver().await;
    let database = fresh_postgres_schema().await;
    let mut flags = clock_flags();
    flags.extend(
        [
            "--webhook-allow-private",
            "--redis-url",
            &crate::lifecycle_nodes::test_redis(),
            "--cluster-name",
            &format!("hooks{}", unique()),
        ]
        .map(String::from),
    );
    flags.extend(bucket_flags(&fresh_bucket().0));
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut nodes = vec![];
    for dir in &dirs {
        let server =
            ServerProcess::start_on(&dir.path().join("data"), Some(&database), &flags).await;
        nodes.push(Node::of(server));
    }
    let (status, org) = nodes[0]
        .post(
            "/api/organizations",
            None,
            json!({ "name": "Cluster Hooks", "domain": format!("hooks{}.example.com", unique()),
                    "admin": { "name": "Ada", "email": format!("ada{}@hooks.example.com", unique()), "password": "password123" } }),
        )
        .await;
    assert_eq!(status, 201, "{org}");
    let admin = org["token"].as_str().unwrap().to_string();
    let (status, _) = nodes[0]
        .post(
            "/api/webhooks",
            Some(&admin),
            json!({ "url": hook.url, "events": ["message.created"] }),
        )
        .await;
    assert_eq!(status, 201);
    let (_, customer) = nodes[1]
        .post("/api/clients/register", None, json!({ "username": format!("c{}", unique()), "email": format!("c{}@x.example.com", unique()), "password": "password123" }))
        .await;
    let token = customer["token"].as_str().unwrap().to_string();
    let (_, opened) = nodes[2]
        .post(
            "/api/sessions",
            Some(&token),
            json!({ "organization_id": org["organization"]["id"] }),
        )
        .await;
    let session = opened["session"]["id"].as_str().unwrap().to_string();

    // The receiver is slow: deliveries are in flight on every server when one is killed.
    hook.delay.store(1500, Ordering::SeqCst);
    const EVENTS: usize = 12;
    for n in 0..EVENTS {
        let (status, body) = nodes[n % 3]
            .post(
                &format!("/api/sessions/{session}/messages"),
                Some(&token),
                json!({ "content": format!("event {n}") }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    hook.wait_for(3, "deliveries in flight").await;
    let mut killed = nodes.remove(1);
    killed.server.signal(libc::SIGKILL);
    killed.server.exit_status(Duration::from_secs(10)).await;
    hook.delay.store(0, Ordering::SeqCst);
    // Past the dead server's claims: the others deliver what it held.
    let later = chrono::Utc::now() + chrono::Duration::minutes(3);
    for node in &nodes {
        node.move_clock(later).await;
    }
    let contents = |got: &[Got]| -> HashMap<String, std::collections::BTreeSet<String>> {
        let mut by_content: HashMap<String, std::collections::BTreeSet<String>> = HashMap::new();
        for g in got {
            let body = g.json();
            by_content
                .entry(
                    body["data"]["message"]["content"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
                .or_default()
                .insert(body["id"].as_str().unwrap().to_string());
        }
        by_content
    };
    let got = wait_until_some("every event delivered", Duration::from_secs(30), || async {
        let got = hook.got();
        (contents(&got).len() == EVENTS).then_some(got)
    })
    .await;
    for (content, ids) in contents(&got) {
        assert_eq!(
            ids.len(),
            1,
            "{content}: a duplicate carries the same event id: {ids:?}"
        );
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_webhook_and_its_body() {
    let app = spawn_app().await;
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let hooks = doc["webhooks"].as_object().expect("a webhooks section");
    let mut names: Vec<&String> = hooks.keys().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "conversation.assigned",
            "conversation.closed",
            "conversation.created",
            "conversation.reopened",
            "conversation.transferred",
            "customer.updated",
            "message.created",
            "rating.submitted"
        ]
    );
    for (name, hook) in hooks {
        let body = &hook["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(body, "#/components/schemas/WebhookBody", "{name}");
        let headers: Vec<&str> = hook["post"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(
            headers.contains(&"X-Raasel-Signature"),
            "{name}: {headers:?}"
        );
    }
    let schema = &doc["components"]["schemas"]["WebhookBody"]["properties"];
    for field in ["id", "type", "created_at", "organization_id", "data"] {
        assert!(schema.get(field).is_some(), "{field} in {schema}");
    }
}

/// Which events a webhook wants, and whether it is there at all, applies to the very next event
/// after a change: the server keeps the organization's webhooks in memory, and a change made
/// through it is seen at once. Each event is queued before the action's answer, so the
/// history says at once what was queued.
#[tokio::test]
async fn a_webhooks_changes_apply_to_the_very_next_event() {
    let app = spawn_app_with(|a| a.webhook_allow_private = true).await;
    let org = app.signup_org("Changing").await;
    let admin = Some(org.admin_token.as_str());
    let customer = app.register_client().await;
    let s = app
        .open_session(&customer, &org, Some("before any webhook"))
        .await;
    let session = s["id"].as_str().unwrap().to_string();
    let events_of = |id: String| {
        let app = &app;
        async move {
            let (status, body) = app
                .get(&format!("/api/webhooks/{id}/deliveries"), admin)
                .await;
            assert_eq!(status, 200, "{body}");
            let mut events: Vec<String> = body["deliveries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["event"].as_str().unwrap().to_string())
                .collect();
            events.sort();
            events
        }
    };

    let (status, created) =
        add_webhook(&app, &org, "http://127.0.0.1:9/hook", &["message.created"]).await;
    assert_eq!(status, 201, "{created}");
    let first = created["webhook"]["id"].as_str().unwrap().to_string();
    assert_eq!(app.send(&customer.token, &session, "one").await.0, 201);
    assert_eq!(
        events_of(first.clone()).await,
        ["message.created"],
        "a new webhook gets the next message"
    );

    let (status, body) = app
        .put(
            &format!("/api/webhooks/{first}"),
            admin,
            json!({ "events": ["conversation.closed"] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.send(&customer.token, &session, "two").await.0, 201);
    assert_eq!(
        events_of(first.clone()).await,
        ["message.created"],
        "no longer wanted"
    );

    let (status, created) =
        add_webhook(&app, &org, "http://127.0.0.1:9/other", &["message.created"]).await;
    assert_eq!(status, 201, "{created}");
    let second = created["webhook"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        app.delete(&format!("/api/webhooks/{first}"), admin).await.0,
        204
    );
    assert_eq!(app.send(&customer.token, &session, "three").await.0, 201);
    assert_eq!(events_of(second.clone()).await, ["message.created"]);
    let (status, _) = app
        .get(&format!("/api/webhooks/{first}/deliveries"), admin)
        .await;
    assert_eq!(status, 404, "the removed webhook is gone");
}
