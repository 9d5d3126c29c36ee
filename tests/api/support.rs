//! Test helpers: a real server on port 0 with a fresh store, and an HTTP client that speaks to it
//! like a user would.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use raasel::app::{Running, spawn};
use raasel::config::ServeArgs;
use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

pub use crate::socket::SocketClient;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub server: Running,
    pub http: reqwest::Client,
    pub base: String,
    pub dir: TempDir,
}

pub struct OrgHandle {
    pub id: String,
    pub domain: String,
    pub admin_id: String,
    pub admin_token: String,
    pub admin_email: String,
}

pub struct AgentHandle {
    pub id: String,
    pub token: String,
    pub email: String,
    pub name: String,
}

pub struct ClientHandle {
    pub id: String,
    pub token: String,
    pub email: String,
}

/// A unique suffix for names within one test process.
pub fn unique() -> u64 {
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed) + std::process::id() as u64 * 1000
}

/// A server with generous rate limits (tests create many accounts from one address).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The PostgreSQL test database (`RAASEL_TEST_POSTGRES`, a URL), set by the test command.
pub fn test_postgres() -> Option<String> {
    std::env::var("RAASEL_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
}

/// The Cassandra node the tests use (`RAASEL_TEST_CASSANDRA`, set by the test command).
pub fn test_cassandra() -> String {
    std::env::var("RAASEL_TEST_CASSANDRA").ok().filter(|c| !c.is_empty()).expect(
        "RAASEL_TEST_CASSANDRA is not set: these tests need Apache Cassandra (./scripts/test starts one)",
    )
}

/// The OpenID Connect provider the tests sign in through (`RAASEL_TEST_OIDC`, its issuer, set
/// by the test command, which starts it).
pub fn test_oidc() -> String {
    std::env::var("RAASEL_TEST_OIDC").ok().filter(|c| !c.is_empty()).expect(
        "RAASEL_TEST_OIDC is not set: these tests need the OpenID Connect provider (./scripts/test starts one)",
    )
}

/// The keyspace of every test (conversations of different tests are different partitions).
pub const TEST_KEYSPACE: &str = "raasel_test";

/// Whether this run of the black-box suite is on PostgreSQL (`RAASEL_TEST_STORE=postgres`, set
/// by the test command for its second pass) rather than the embedded store.
pub fn suite_on_postgres() -> bool {
    suite_store() != "sqlite"
}

/// The store of this run of the black-box suite: `sqlite` (default), `postgres`, or
/// `cassandra` (PostgreSQL with the messages in Cassandra), from `RAASEL_TEST_STORE`.
pub fn suite_store() -> &'static str {
    match std::env::var("RAASEL_TEST_STORE").as_deref() {
        Ok("postgres") => "postgres",
        Ok("cassandra") => "cassandra",
        _ => "sqlite",
    }
}

/// The flags that put a server's messages in Cassandra when the suite runs that way.
pub fn suite_cassandra_flags() -> Vec<String> {
    match suite_store() {
        "cassandra" => vec![
            "--cassandra-contact-points".into(),
            test_cassandra(),
            "--cassandra-keyspace".into(),
            TEST_KEYSPACE.into(),
        ],
        _ => vec![],
    }
}

/// The S3-compatible server of the tests (`RAASEL_TEST_S3`, e.g. `http://127.0.0.1:8555`) and
/// the directory its buckets are kept in (`RAASEL_TEST_S3_DIR`), set by the test command.
fn test_s3() -> (String, std::path::PathBuf) {
    let missing = "RAASEL_TEST_S3 and RAASEL_TEST_S3_DIR are not set: these tests need an \
                   S3-compatible server (./scripts/test starts s3proxy with scripts/services s3)";
    let url = std::env::var("RAASEL_TEST_S3")
        .ok()
        .filter(|u| !u.is_empty())
        .expect(missing);
    let dir = std::env::var("RAASEL_TEST_S3_DIR")
        .ok()
        .filter(|d| !d.is_empty())
        .expect(missing);
    (url, dir.into())
}

/// A fresh, empty bucket on the tests' S3-compatible server: its URL and the directory that
/// holds its objects (s3proxy's filesystem backend keeps a bucket as a directory).
pub fn fresh_bucket() -> (String, std::path::PathBuf) {
    let (url, dir) = test_s3();
    let name = format!("t-{}", uuid::Uuid::new_v4().simple());
    let path = dir.join(&name);
    std::fs::create_dir_all(&path).expect("a fresh bucket");
    (format!("{url}/{name}"), path)
}

/// Flags that keep a server's files in `bucket`.
pub fn bucket_flags(bucket: &str) -> Vec<String> {
    [
        "--object-store-url",
        bucket,
        "--object-store-access-key",
        "raasel",
        "--object-store-secret-key",
        "raasel-secret",
    ]
    .map(String::from)
    .to_vec()
}

/// Where a test server of this run keeps files: a fresh bucket on PostgreSQL (as an
/// installation of several nodes would), the data directory on the embedded store.
pub fn suite_bucket() -> Option<(String, std::path::PathBuf)> {
    suite_on_postgres().then(fresh_bucket)
}

/// A fresh, empty schema in the test database, as a URL a server can use.
pub async fn fresh_postgres_schema() -> String {
    let base = test_postgres().expect(
        "RAASEL_TEST_POSTGRES is not set: these tests need PostgreSQL (./scripts/test starts one)",
    );
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("RAASEL_TEST_POSTGRES={base} is not reachable: {e}"));
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut conn)
        .await
        .expect("a fresh schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options[search_path]={schema}")
}

/// The database a test server of this run uses: a fresh schema on PostgreSQL, or `None` for
/// the embedded store.
pub async fn fresh_database_url() -> Option<String> {
    match suite_on_postgres() {
        true => Some(fresh_postgres_schema().await),
        false => None,
    }
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut ServeArgs)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = ServeArgs::for_data_dir(dir.path().to_path_buf());
    args.store.database_url = fresh_database_url().await;
    args.store.database_pool_size = 4;
    if suite_store() == "cassandra" {
        args.store.cassandra_contact_points = vec![test_cassandra()];
        args.store.cassandra_keyspace = TEST_KEYSPACE.into();
    }
    if let Some((bucket, _)) = suite_bucket() {
        args.files.object_store_url = Some(bucket);
        args.files.object_store_access_key = Some("raasel".into());
        args.files.object_store_secret_key = Some("raasel-secret".into());
    }
    args.auth_rate_per_minute = 10_000;
    args.message_rate_per_minute = 10_000;
    args.socket_events_per_second = 1_000;
    args.operator_token = Some("operator-secret".into());
    configure(&mut args);
    let server = spawn(args).await.expect("server starts");
    let base = server.url();
    TestApp {
        server,
        http: reqwest::Client::new(),
        base,
        dir,
    }
}

impl TestApp {
    /// Sends a request; returns the status and the JSON body (`null` when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = tokio::time::timeout(std::time::Duration::from_secs(20), req.send())
            .await
            .expect("request timed out")
            .expect("request sent");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, json)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        self.call(Method::DELETE, path, token, None).await
    }

    /// Signs up an organization with its admin.
    pub async fn signup_org(&self, name: &str) -> OrgHandle {
        let n = unique();
        let domain = format!("{}-{n}.example.com", name.to_lowercase().replace(' ', "-"));
        let admin_email = format!("admin{n}@{domain}");
        let (status, body) = self
            .post("/api/organizations", None, json!({
                "name": name,
                "domain": domain,
                "admin": { "name": format!("{name} Admin"), "email": admin_email, "password": PASSWORD }
            }))
            .await;
        assert_eq!(status, 201, "signup failed: {body}");
        OrgHandle {
            id: body["organization"]["id"].as_str().unwrap().into(),
            domain,
            admin_id: body["agent"]["id"].as_str().unwrap().into(),
            admin_token: body["token"].as_str().unwrap().into(),
            admin_email,
        }
    }

    /// Creates an agent with `role` (and optional capacity) and logs them in.
    pub async fn create_agent(
        &self,
        org: &OrgHandle,
        name: &str,
        role: &str,
        capacity: Option<u32>,
    ) -> AgentHandle {
        let email = format!(
            "{}{}@{}",
            name.to_lowercase().replace(' ', "."),
            unique(),
            org.domain
        );
        let mut body = json!({ "name": name, "email": email, "password": PASSWORD, "role": role });
        if let Some(c) = capacity {
            body["max_concurrent_sessions"] = json!(c);
        }
        let (status, created) = self.post("/api/agents", Some(&org.admin_token), body).await;
        assert_eq!(status, 201, "agent creation failed: {created}");
        let token = self.login_agent(&email).await;
        AgentHandle {
            id: created["agent"]["id"].as_str().unwrap().into(),
            token,
            email,
            name: name.into(),
        }
    }

    pub async fn login_agent(&self, email: &str) -> String {
        let (status, body) = self
            .post(
                "/api/agents/login",
                None,
                json!({ "email": email, "password": PASSWORD }),
            )
            .await;
        assert_eq!(status, 200, "login failed: {body}");
        body["token"].as_str().unwrap().into()
    }

    /// Registers a customer of the customer app.
    pub async fn register_client(&self) -> ClientHandle {
        let n = unique();
        let email = format!("customer{n}@mail.example.com");
        let (status, body) = self
            .post(
                "/api/clients/register",
                None,
                json!({
                    "username": format!("customer_{n}"), "email": email, "password": PASSWORD
                }),
            )
            .await;
        assert_eq!(status, 201, "register failed: {body}");
        ClientHandle {
            id: body["client"]["id"].as_str().unwrap().into(),
            token: body["token"].as_str().unwrap().into(),
            email,
        }
    }

    /// A widget visitor of one organization.
    pub async fn visitor(&self, org: &OrgHandle, name: &str) -> ClientHandle {
        let (status, body) = self
            .post(
                "/api/widget/visitors",
                None,
                json!({ "organization_id": org.id, "name": name }),
            )
            .await;
        assert_eq!(status, 201, "visitor failed: {body}");
        ClientHandle {
            id: body["client"]["id"].as_str().unwrap().into(),
            token: body["token"].as_str().unwrap().into(),
            email: String::new(),
        }
    }

    /// Opens a session, optionally with a first message; returns the session JSON.
    pub async fn open_session(
        &self,
        client: &ClientHandle,
        org: &OrgHandle,
        message: Option<&str>,
    ) -> Value {
        let mut body = json!({ "organization_id": org.id });
        if let Some(m) = message {
            body["message"] = json!(m);
        }
        let (status, res) = self.post("/api/sessions", Some(&client.token), body).await;
        assert_eq!(status, 201, "open session failed: {res}");
        res["session"].clone()
    }

    pub async fn send(&self, token: &str, session_id: &str, content: &str) -> (u16, Value) {
        self.post(
            &format!("/api/sessions/{session_id}/messages"),
            Some(token),
            json!({ "content": content }),
        )
        .await
    }

    pub async fn session(&self, token: &str, session_id: &str) -> Value {
        let (status, body) = self
            .get(&format!("/api/sessions/{session_id}"), Some(token))
            .await;
        assert_eq!(status, 200, "{body}");
        body["session"].clone()
    }

    /// `PUT /api/sessions/:id/assign`.
    pub async fn assign(&self, token: &str, session_id: &str, agent_id: &str) -> (u16, Value) {
        let path = format!("/api/sessions/{session_id}/assign");
        self.put(&path, Some(token), json!({ "agent_id": agent_id }))
            .await
    }

    /// `PUT /api/sessions/:id/close`.
    pub async fn close(&self, token: &str, session_id: &str) -> (u16, Value) {
        self.put(
            &format!("/api/sessions/{session_id}/close"),
            Some(token),
            json!({}),
        )
        .await
    }

    /// Connects a Socket.IO client with `token`; panics when refused.
    pub async fn socket(&self, token: &str) -> SocketClient {
        SocketClient::connect(&self.base, Some(token))
            .await
            .expect("socket connects")
    }
}

/// The `id` of every object in a JSON list, in order.
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect()
}

/// Asserts an error body: status and code.
#[track_caller]
pub fn assert_error(res: &(u16, Value), status: u16, code: &str) {
    assert_eq!(res.0, status, "unexpected status, body: {}", res.1);
    assert_eq!(res.1["error"], code, "unexpected body: {}", res.1);
    assert!(
        res.1["message"].is_string(),
        "error without message: {}",
        res.1
    );
}

/// Polls `check` until it holds; panics naming `what` when `timeout` passes first. The one way
/// tests wait for a condition.
pub async fn wait_until<F, Fut>(what: &str, timeout: std::time::Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if check().await {
            return;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out after {timeout:?} waiting until {what}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Like `wait_until`, for a condition that finds something: polls `find` until it returns
/// `Some`, and returns that.
pub async fn wait_until_some<T, F, Fut>(what: &str, timeout: std::time::Duration, mut find: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let found = std::sync::Mutex::new(None);
    wait_until(what, timeout, || {
        let (attempt, found) = (find(), &found);
        async move {
            let hit = attempt.await;
            let done = hit.is_some();
            *found.lock().unwrap() = hit;
            done
        }
    })
    .await;
    found.into_inner().unwrap().expect("found")
}

/// Connects a socket for `token` and then never reads from it again.
pub async fn stalled_socket(
    app: &TestApp,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio::net::TcpStream> {
    crate::socket::Socket::connect_url(&app.base, &json!({ "token": token }))
        .await
        .expect("socket connects")
        .into_inner()
}
