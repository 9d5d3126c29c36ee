//! What happens to conversations over time, as the people in them see it: closed after the
//! organization's inactivity period, moved on when the customer waits past the answer deadline,
//! snoozed until a time or until the customer writes, reopened by a customer who writes soon
//! after the close. Time is moved on a server started with `--manual-clock` (each server process
//! has its own clock), never waited for; moving it runs the pass over what is due at once.

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use sio_test_client::SocketClient;

use crate::process::ServerProcess;
use crate::support::*;

/// The operator token of the servers whose clock the tests move.
pub const OPERATOR: &str = "operator-of-lifecycles";

/// How long a test waits for an event or a state it expects.
const SOON: std::time::Duration = std::time::Duration::from_secs(10);
/// How long a test listens for an event it does not expect.
const QUIET: std::time::Duration = std::time::Duration::from_millis(500);

/// A server process of its own on the suite's store, with the few user actions these tests
/// need. The product's clock belongs to a process: an in-process `TestApp` shares it with every
/// other test of this binary, so a test that moves time runs the real binary instead.
pub struct Node {
    pub server: ServerProcess,
    http: reqwest::Client,
}

/// The flags of a server whose clock a test moves, on the suite's store.
pub fn clock_flags() -> Vec<String> {
    let mut flags: Vec<String> = ["--manual-clock", "--operator-token", OPERATOR]
        .map(String::from)
        .into();
    flags.extend(suite_cassandra_flags());
    flags
}

impl Node {
    pub async fn start() -> Node {
        let flags = clock_flags();
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        Node::of(ServerProcess::start(&flags).await)
    }

    pub fn of(server: ServerProcess) -> Node {
        Node {
            server,
            http: reqwest::Client::new(),
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.server.url));
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
        let json = match text.is_empty() {
            true => Value::Null,
            false => serde_json::from_str(&text).unwrap_or(Value::String(text)),
        };
        (status, json)
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    /// Moves this server's clock to `to` (which runs the pass over what is due).
    pub async fn move_clock(&self, to: DateTime<Utc>) {
        let res = self
            .put("/api/operator/clock", OPERATOR, json!({ "now": to }))
            .await;
        assert_eq!(res.0, 200, "the clock did not move: {}", res.1);
    }

    pub async fn signup_org(&self, name: &str) -> OrgHandle {
        let n = unique();
        let domain = format!("{}-{n}.example.com", name.to_lowercase());
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

    /// Changes the organization's settings as its admin.
    pub async fn settings(&self, org: &OrgHandle, settings: Value) {
        let path = format!("/api/organizations/{}", org.id);
        let body = json!({ "settings": settings });
        let (status, res) = self.put(&path, &org.admin_token, body).await;
        assert_eq!(status, 200, "settings refused: {res}");
    }

    pub async fn create_agent(
        &self,
        org: &OrgHandle,
        name: &str,
        role: &str,
        capacity: u32,
    ) -> AgentHandle {
        let email = format!("{}{}@{}", name.to_lowercase(), unique(), org.domain);
        let body = json!({
            "name": name, "email": email, "password": PASSWORD, "role": role,
            "max_concurrent_sessions": capacity
        });
        let (status, created) = self.post("/api/agents", Some(&org.admin_token), body).await;
        assert_eq!(status, 201, "agent creation failed: {created}");
        let (status, login) = self
            .post(
                "/api/agents/login",
                None,
                json!({ "email": email, "password": PASSWORD }),
            )
            .await;
        assert_eq!(status, 200, "login failed: {login}");
        AgentHandle {
            id: created["agent"]["id"].as_str().unwrap().into(),
            token: login["token"].as_str().unwrap().into(),
            email,
            name: name.into(),
        }
    }

    pub async fn register_client(&self) -> ClientHandle {
        let n = unique();
        let email = format!("customer{n}@mail.example.com");
        let body =
            json!({ "username": format!("customer_{n}"), "email": email, "password": PASSWORD });
        let (status, res) = self.post("/api/clients/register", None, body).await;
        assert_eq!(status, 201, "register failed: {res}");
        ClientHandle {
            id: res["client"]["id"].as_str().unwrap().into(),
            token: res["token"].as_str().unwrap().into(),
            email,
        }
    }

    /// The customer opens a conversation with a first message; returns its id.
    pub async fn open(&self, client: &ClientHandle, org: &OrgHandle, message: &str) -> String {
        let body = json!({ "organization_id": org.id, "message": message });
        let (status, res) = self.post("/api/sessions", Some(&client.token), body).await;
        assert_eq!(status, 201, "open session failed: {res}");
        res["session"]["id"].as_str().unwrap().into()
    }

    pub async fn send(&self, token: &str, session: &str, content: &str) -> (u16, Value) {
        let path = format!("/api/sessions/{session}/messages");
        self.post(&path, Some(token), json!({ "content": content }))
            .await
    }

    /// Writes and expects the message to be stored.
    pub async fn write(&self, token: &str, session: &str, content: &str) {
        let res = self.send(token, session, content).await;
        assert_eq!(res.0, 201, "the message was refused: {}", res.1);
    }

    pub async fn session(&self, token: &str, session: &str) -> Value {
        let (status, body) = self.get(&format!("/api/sessions/{session}"), token).await;
        assert_eq!(status, 200, "{body}");
        body["session"].clone()
    }

    /// The whole conversation as `token` may read it.
    pub async fn history(&self, token: &str, session: &str) -> Vec<Value> {
        let mut all = vec![];
        loop {
            let path = format!(
                "/api/sessions/{session}/messages?after={}&limit=200",
                all.len()
            );
            let (status, page) = self.get(&path, token).await;
            assert_eq!(status, 200, "{page}");
            all.extend(page["messages"].as_array().unwrap().iter().cloned());
            if page["has_more"] != true {
                return all;
            }
        }
    }

    /// The ids of the organization's conversations listed with `query`.
    pub async fn listed(&self, token: &str, org: &OrgHandle, query: &str) -> Vec<String> {
        let path = format!("/api/sessions/organization/{}{query}", org.id);
        let (status, body) = self.get(&path, token).await;
        assert_eq!(status, 200, "{body}");
        ids(&body["sessions"])
    }

    pub async fn socket(&self, token: &str) -> SocketClient {
        SocketClient::connect(&self.server.url, Some(token))
            .await
            .expect("socket connects")
    }

    /// Waits until the organization's team list shows the agent online (or offline).
    pub async fn wait_online(&self, org: &OrgHandle, agent: &str, online: bool) {
        let path = format!("/api/agents/organization/{}", org.id);
        wait_until(&format!("{agent} is online: {online}"), SOON, || async {
            let (_, team) = self.get(&path, &org.admin_token).await;
            team["agents"]
                .as_array()
                .is_some_and(|a| a.iter().any(|a| a["id"] == agent && a["online"] == online))
        })
        .await;
    }

    /// Sets an agent's availability (`active`, `busy`, `inactive`) themselves.
    pub async fn set_status(&self, agent: &AgentHandle, status: &str) {
        let path = format!("/api/agents/{}/status", agent.id);
        let res = self
            .put(&path, &agent.token, json!({ "status": status }))
            .await;
        assert_eq!(res.0, 200, "{}", res.1);
    }
}

/// A time the server sent.
pub fn time(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .unwrap_or_else(|| panic!("not a time: {v}"))
        .parse()
        .unwrap()
}

/// The system notes of a conversation, in order.
pub fn notes(history: &[Value]) -> Vec<String> {
    history
        .iter()
        .filter(|m| m["sender_type"] == "system")
        .map(|m| m["content"].as_str().unwrap().to_string())
        .collect()
}

fn for_session(id: &str) -> impl Fn(&Value) -> bool + '_ {
    move |v| v["session_id"] == id || v["session"]["id"] == id || v["message"]["session_id"] == id
}

// ---------------------------------------------------------------- auto-resolve

#[tokio::test]
async fn a_conversation_without_a_message_for_the_period_is_closed_with_a_note() {
    let node = Node::start().await;
    let org = node.signup_org("Quiet").await;
    node.settings(&org, json!({ "auto_resolve_after_secs": 3600 }))
        .await;
    let alpha = node.create_agent(&org, "Alpha", "agent", 5).await;
    let alpha_socket = node.socket(&alpha.token).await;
    node.wait_online(&org, &alpha.id, true).await;

    let quiet = node.register_client().await;
    let quiet_socket = node.socket(&quiet.token).await;
    let idle = node.open(&quiet, &org, "Is my order on its way?").await;
    let talking = node.register_client().await;
    let answered = node.open(&talking, &org, "Can I change my address?").await;
    let start = time(&node.session(&quiet.token, &idle).await["last_message_at"]);

    // 40 minutes later Alpha answers the second customer: their conversation is not idle.
    node.move_clock(start + Duration::minutes(40)).await;
    node.write(&alpha.token, &answered, "Yes: which one?").await;

    // An hour and a minute after the first customer's message.
    node.move_clock(start + Duration::minutes(61)).await;
    let seen = node.session(&quiet.token, &idle).await;
    assert_eq!(seen["status"], "closed", "{seen}");
    let history = node.history(&quiet.token, &idle).await;
    let last = history.last().unwrap();
    assert_eq!(
        (last["sender_type"].as_str(), last["content"].as_str()),
        (
            Some("system"),
            Some("Closed after 60 min without a message")
        ),
        "the customer reads why it closed: {history:?}"
    );
    quiet_socket
        .wait_for_where("session_status_updated", SOON, |v| {
            v["session_id"] == idle.as_str() && v["status"] == "closed"
        })
        .await
        .expect("the customer is told it closed");
    let note = quiet_socket
        .wait_for_where("new_message", SOON, |v| {
            v["message"]["content"]
                .as_str()
                .is_some_and(|c| c.starts_with("Closed after"))
        })
        .await
        .expect("the customer receives the note");
    assert_eq!(note["message"]["content"], last["content"]);
    alpha_socket
        .wait_for_where("session_status_updated", SOON, |v| {
            v["session_id"] == idle.as_str() && v["status"] == "closed"
        })
        .await
        .expect("the agent is told it closed");
    let other = node.session(&talking.token, &answered).await;
    assert_eq!(other["status"], "active", "a recent message keeps it open");
    assert!(
        notes(&node.history(&talking.token, &answered).await)
            .iter()
            .all(|n| !n.starts_with("Closed"))
    );

    // Once the answered one is quiet for the period too, it closes; the first is not closed
    // a second time.
    node.move_clock(start + Duration::minutes(40 + 61)).await;
    assert_eq!(
        node.session(&talking.token, &answered).await["status"],
        "closed"
    );
    let closing = |h: Vec<Value>| {
        notes(&h)
            .iter()
            .filter(|n| n.starts_with("Closed after"))
            .count()
    };
    assert_eq!(closing(node.history(&quiet.token, &idle).await), 1);
    assert_eq!(closing(node.history(&talking.token, &answered).await), 1);
    let (status, _) = node.send(&quiet.token, &idle, "Hello?").await;
    assert_eq!(status, 409, "without a reopen window it stays closed");
}

#[tokio::test]
async fn with_auto_resolve_off_a_conversation_stays_open_however_long_it_is_quiet() {
    let node = Node::start().await;
    let off = node.signup_org("Patient").await;
    // Turned on, then off again.
    node.settings(&off, json!({ "auto_resolve_after_secs": 60 }))
        .await;
    node.settings(&off, json!({ "auto_resolve_after_secs": 0 }))
        .await;
    // Another organization with it on, on the same server: the pass did run.
    let on = node.signup_org("Brisk").await;
    node.settings(&on, json!({ "auto_resolve_after_secs": 60 }))
        .await;
    let customer = node.register_client().await;
    let kept = node.open(&customer, &off, "I will wait").await;
    let ended = node.open(&customer, &on, "I will wait too").await;
    let start = time(&node.session(&customer.token, &kept).await["last_message_at"]);

    node.move_clock(start + Duration::days(40)).await;
    assert_eq!(
        node.session(&customer.token, &ended).await["status"],
        "closed"
    );
    let seen = node.session(&customer.token, &kept).await;
    assert_eq!(seen["status"], "waiting", "{seen}");
    assert_eq!(
        notes(&node.history(&customer.token, &kept).await),
        Vec::<String>::new()
    );
    node.write(&customer.token, &kept, "Still here").await;
}

// ---------------------------------------------------------------- answer deadline

#[tokio::test]
async fn a_customer_waiting_past_the_answer_deadline_is_moved_to_the_next_agent() {
    let node = Node::start().await;
    let org = node.signup_org("Prompt").await;
    node.settings(&org, json!({ "answer_deadline_secs": 600 }))
        .await;
    let alpha = node.create_agent(&org, "Alpha", "agent", 5).await;
    let beta = node.create_agent(&org, "Beta", "agent", 5).await;
    let alpha_socket = node.socket(&alpha.token).await;
    let beta_socket = node.socket(&beta.token).await;
    node.wait_online(&org, &alpha.id, true).await;
    node.wait_online(&org, &beta.id, true).await;
    let customer = node.register_client().await;
    let customer_socket = node.socket(&customer.token).await;
    let id = node.open(&customer, &org, "Hello? Anyone?").await;
    let session = node.session(&org.admin_token, &id).await;
    assert_eq!(
        session["agent_id"],
        alpha.id.as_str(),
        "round robin starts with Alpha"
    );
    let since = time(&session["awaiting_since"]);
    assert_eq!(session["first_response_at"], Value::Null);

    // Before the deadline nothing moves.
    node.move_clock(since + Duration::minutes(9)).await;
    assert_eq!(
        node.session(&org.admin_token, &id).await["agent_id"],
        alpha.id.as_str()
    );
    alpha_socket.clear().await;
    beta_socket.clear().await;

    node.move_clock(since + Duration::seconds(630)).await;
    let moved = node.session(&org.admin_token, &id).await;
    assert_eq!(
        (moved["agent_id"].as_str(), moved["status"].as_str()),
        (Some(beta.id.as_str()), Some("active")),
        "{moved}"
    );
    assert!(
        time(&moved["awaiting_since"]) >= since + Duration::minutes(10),
        "the customer now waits for Beta's answer: {moved}"
    );
    let history = node.history(&customer.token, &id).await;
    assert_eq!(
        notes(&history).last().map(String::as_str),
        Some("No answer from Alpha within 10 min; the conversation moved to Beta")
    );
    let to_beta =
        |v: &Value| v["session_id"] == id.as_str() && v["agent"]["id"] == beta.id.as_str();
    for (who, socket) in [
        ("Alpha", &alpha_socket),
        ("Beta", &beta_socket),
        ("the customer", &customer_socket),
    ] {
        socket
            .wait_for_where("agent_assigned", SOON, to_beta)
            .await
            .unwrap_or_else(|| panic!("{who} is told the conversation moved to Beta"));
    }
    beta_socket
        .wait_for_where("new_session_assigned", SOON, for_session(&id))
        .await
        .expect("Beta is given the conversation");
    // Beta answers: the wait is over.
    node.write(&beta.token, &id, "Sorry for the wait, I am here")
        .await;
    let answered = node.session(&org.admin_token, &id).await;
    assert_eq!(answered["awaiting_since"], Value::Null, "{answered}");
    assert!(answered["first_response_at"].is_string(), "{answered}");
}

#[tokio::test]
async fn an_answer_before_the_deadline_keeps_the_conversation_with_its_agent() {
    let node = Node::start().await;
    let org = node.signup_org("Steady").await;
    node.settings(&org, json!({ "answer_deadline_secs": 600 }))
        .await;
    let alpha = node.create_agent(&org, "Alpha", "agent", 5).await;
    let beta = node.create_agent(&org, "Beta", "agent", 5).await;
    let _alpha_socket = node.socket(&alpha.token).await;
    node.wait_online(&org, &alpha.id, true).await;
    let first = node.register_client().await;
    let second = node.register_client().await;
    let answered = node.open(&first, &org, "Where is my parcel?").await;
    let noted = node.open(&second, &org, "Where is mine?").await;
    // Beta comes online once both are Alpha's.
    let beta_socket = node.socket(&beta.token).await;
    node.wait_online(&org, &beta.id, true).await;
    let since = time(&node.session(&org.admin_token, &answered).await["awaiting_since"]);
    assert_eq!(
        node.session(&org.admin_token, &noted).await["agent_id"],
        alpha.id.as_str()
    );

    // Alpha answers one customer, and only writes a private note in the other conversation.
    node.move_clock(since + Duration::minutes(5)).await;
    node.write(&alpha.token, &answered, "It left the warehouse today")
        .await;
    let path = format!("/api/sessions/{noted}/messages");
    let note = json!({ "content": "checking with the warehouse", "internal": true });
    let (status, body) = node.post(&path, Some(&alpha.token), note).await;
    assert_eq!(status, 201, "{body}");
    let seen = node.session(&org.admin_token, &answered).await;
    assert_eq!(seen["awaiting_since"], Value::Null, "{seen}");
    assert!(time(&seen["first_response_at"]) >= since + Duration::minutes(5));
    assert!(node.session(&org.admin_token, &noted).await["awaiting_since"].is_string());

    node.move_clock(since + Duration::seconds(630)).await;
    assert_eq!(
        node.session(&org.admin_token, &answered).await["agent_id"],
        alpha.id.as_str(),
        "an answer in time keeps the conversation with Alpha"
    );
    assert!(
        notes(&node.history(&first.token, &answered).await)
            .iter()
            .all(|n| !n.starts_with("No answer"))
    );
    assert_eq!(
        node.session(&org.admin_token, &noted).await["agent_id"],
        beta.id.as_str(),
        "a private note is no answer to the customer"
    );
    beta_socket
        .wait_for_where("agent_assigned", SOON, for_session(&noted))
        .await
        .expect("Beta is told");

    // The customer writes again: a new wait for Alpha's answer, with its own deadline.
    let again = since + Duration::minutes(12);
    node.move_clock(again).await;
    node.write(&first.token, &answered, "And when will it arrive?")
        .await;
    let waiting = time(&node.session(&org.admin_token, &answered).await["awaiting_since"]);
    assert!(
        waiting >= again,
        "the wait starts with the customer's message"
    );
    node.move_clock(waiting + Duration::seconds(630)).await;
    let moved = node.session(&org.admin_token, &answered).await;
    assert_eq!(moved["agent_id"], beta.id.as_str(), "{moved}");
    assert_eq!(
        notes(&node.history(&first.token, &answered).await)
            .iter()
            .filter(|n| n.starts_with("No answer from Alpha"))
            .count(),
        1
    );
}

#[tokio::test]
async fn with_nobody_else_to_take_it_the_conversation_waits_in_the_queue_at_its_place() {
    let node = Node::start().await;
    let org = node.signup_org("Thin").await;
    node.settings(&org, json!({ "answer_deadline_secs": 600 }))
        .await;
    let alpha = node.create_agent(&org, "Alpha", "agent", 5).await;
    let beta = node.create_agent(&org, "Beta", "agent", 5).await;
    let _alpha_socket = node.socket(&alpha.token).await;
    node.wait_online(&org, &alpha.id, true).await;
    let early = node.register_client().await;
    let early_socket = node.socket(&early.token).await;
    let first = node.open(&early, &org, "I was here first").await;
    let taken = node.session(&org.admin_token, &first).await;
    assert_eq!(taken["agent_id"], alpha.id.as_str());
    let queued_at = taken["queued_at"].clone();
    let since = time(&taken["awaiting_since"]);

    // Alpha goes busy without answering; a later customer waits in the queue behind nobody.
    node.set_status(&alpha, "busy").await;
    node.move_clock(since + Duration::minutes(1)).await;
    let late = node.register_client().await;
    let second = node.open(&late, &org, "I came later").await;
    assert_eq!(
        node.session(&org.admin_token, &second).await["status"],
        "waiting"
    );

    // Nobody but Alpha could take it (Beta is offline): back to the queue, at its place.
    node.move_clock(since + Duration::seconds(630)).await;
    let back = node.session(&early.token, &first).await;
    assert_eq!(
        (
            back["status"].as_str(),
            &back["agent_id"],
            &back["queued_at"]
        ),
        (Some("waiting"), &Value::Null, &queued_at),
        "{back}"
    );
    assert_eq!(
        notes(&node.history(&early.token, &first).await)
            .last()
            .map(String::as_str),
        Some("No answer from Alpha within 10 min; the conversation is back in the queue")
    );
    early_socket
        .wait_for_where("session_status_updated", SOON, |v| {
            v["session_id"] == first.as_str() && v["status"] == "waiting"
        })
        .await
        .expect("the customer is told it is back in the queue");
    let path = format!("/api/sessions/organization/{}/waiting", org.id);
    let (_, queue) = node.get(&path, &org.admin_token).await;
    assert_eq!(
        ids(&queue["sessions"]),
        vec![first.clone(), second.clone()],
        "the earlier customer first"
    );

    // Once someone can take it, it is theirs, before the later customer's.
    let beta_socket = node.socket(&beta.token).await;
    let assigned = beta_socket
        .wait_for_where("new_session_assigned", SOON, |_| true)
        .await
        .expect("Beta is given a conversation");
    assert_eq!(
        assigned["session_id"],
        first.as_str(),
        "the earlier customer is taken first"
    );
    early_socket
        .wait_for_where("agent_assigned", SOON, |v| {
            v["session_id"] == first.as_str() && v["agent"]["id"] == beta.id.as_str()
        })
        .await
        .expect("the customer is told Beta has it");
    assert_eq!(
        node.session(&early.token, &first).await["agent_id"],
        beta.id.as_str()
    );
}

#[tokio::test]
async fn an_unanswered_customer_stays_with_their_agent_while_nobody_else_can_take_them() {
    let node = Node::start().await;
    let org = node.signup_org("Lonely").await;
    node.settings(&org, json!({ "answer_deadline_secs": 600 }))
        .await;
    let alpha = node.create_agent(&org, "Alpha", "agent", 5).await;
    let beta = node.create_agent(&org, "Beta", "agent", 5).await;
    let _alpha_socket = node.socket(&alpha.token).await;
    node.wait_online(&org, &alpha.id, true).await;
    let customer = node.register_client().await;
    let id = node.open(&customer, &org, "Is anyone there?").await;
    let since = time(&node.session(&org.admin_token, &id).await["awaiting_since"]);

    // Alpha is the only one on duty: the queue would only hand the customer back to Alpha,
    // so nothing moves and nobody reads "back in the queue" and "joined" every ten minutes.
    for late in [630, 1230, 1830] {
        node.move_clock(since + Duration::seconds(late)).await;
        let seen = node.session(&customer.token, &id).await;
        assert_eq!(
            (seen["status"].as_str(), seen["agent_id"].as_str()),
            (Some("active"), Some(alpha.id.as_str())),
            "{seen}"
        );
    }
    assert_eq!(
        notes(&node.history(&customer.token, &id).await),
        vec!["Alpha joined the conversation".to_string()]
    );

    // Once Beta can take it, the next pass moves it.
    let beta_socket = node.socket(&beta.token).await;
    node.wait_online(&org, &beta.id, true).await;
    node.move_clock(since + Duration::seconds(1900)).await;
    assert_eq!(
        node.session(&customer.token, &id).await["agent_id"],
        beta.id.as_str()
    );
    let notes = notes(&node.history(&customer.token, &id).await);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[1].starts_with("No answer from Alpha within") && notes[1].ends_with("moved to Beta"),
        "{notes:?}"
    );
    beta_socket
        .wait_for_where("new_session_assigned", SOON, for_session(&id))
        .await
        .expect("Beta is given the conversation");
}

#[tokio::test]
async fn an_unanswered_customer_is_moved_only_to_an_agent_of_their_team() {
    let node = Node::start().await;
    let org = node.signup_org("Teamed").await;
    node.settings(&org, json!({ "answer_deadline_secs": 600 }))
        .await;
    let alpha = node.create_agent(&org, "Alpha", "agent", 5).await;
    let beta = node.create_agent(&org, "Beta", "agent", 5).await;
    let gamma = node.create_agent(&org, "Gamma", "agent", 5).await;
    let billing = json!({ "name": "Billing", "members": [alpha.id, gamma.id] });
    let (status, team) = node
        .post("/api/teams", Some(&org.admin_token), billing)
        .await;
    assert_eq!(status, 201, "{team}");
    let _alpha_socket = node.socket(&alpha.token).await;
    node.wait_online(&org, &alpha.id, true).await;
    let customer = node.register_client().await;
    let body = json!({
        "organization_id": org.id, "message": "My invoice", "team_id": team["team"]["id"]
    });
    let (status, opened) = node
        .post("/api/sessions", Some(&customer.token), body)
        .await;
    assert_eq!(status, 201, "{opened}");
    let id = opened["session"]["id"].as_str().unwrap().to_string();
    let since = time(&node.session(&org.admin_token, &id).await["awaiting_since"]);
    assert_eq!(
        node.session(&org.admin_token, &id).await["agent_id"],
        alpha.id.as_str()
    );

    // Beta is free, but not in Billing.
    let _beta_socket = node.socket(&beta.token).await;
    node.wait_online(&org, &beta.id, true).await;
    node.move_clock(since + Duration::seconds(630)).await;
    assert_eq!(
        node.session(&org.admin_token, &id).await["agent_id"],
        alpha.id.as_str()
    );
    assert_eq!(
        notes(&node.history(&customer.token, &id).await),
        vec!["Alpha joined the conversation".to_string()]
    );

    // Gamma is.
    let _gamma_socket = node.socket(&gamma.token).await;
    node.wait_online(&org, &gamma.id, true).await;
    node.move_clock(since + Duration::seconds(700)).await;
    assert_eq!(
        node.session(&org.admin_token, &id).await["agent_id"],
        gamma.id.as_str()
    );
}

#[tokio::test]
async fn outside_business_hours_the_answer_deadline_moves_nobody_until_the_hours_open() {
    let node = Node::start().await;
    let org = node.signup_org("Office").await;
    let weekdays: Vec<Value> = ["mon", "tue", "wed", "thu", "fri"]
        .iter()
        .map(|d| json!({ "day": d, "open": "09:00", "close": "17:00" }))
        .collect();
    node.settings(
        &org,
        json!({
            "answer_deadline_secs": 600,
            "business_hours": { "time_zone": "UTC", "weekly": weekdays, "days_off": [] }
        }),
    )
    .await;
    // Monday 7 January 2030, 16:50 UTC: open.
    node.move_clock("2030-01-07T16:50:00Z".parse().unwrap())
        .await;
    let alpha = node.create_agent(&org, "Alpha", "agent", 5).await;
    let beta = node.create_agent(&org, "Beta", "agent", 5).await;
    let _alpha_socket = node.socket(&alpha.token).await;
    node.wait_online(&org, &alpha.id, true).await;
    let customer = node.register_client().await;
    let id = node.open(&customer, &org, "Just before closing time").await;
    assert_eq!(
        node.session(&customer.token, &id).await["agent_id"],
        alpha.id.as_str()
    );
    let _beta_socket = node.socket(&beta.token).await;
    node.wait_online(&org, &beta.id, true).await;

    // Closed at 17:00: nobody is given the conversation, however long the customer waits.
    for now in ["2030-01-07T17:30:00Z", "2030-01-08T08:59:00Z"] {
        node.move_clock(now.parse().unwrap()).await;
        assert_eq!(
            node.session(&customer.token, &id).await["agent_id"],
            alpha.id.as_str(),
            "at {now}"
        );
    }
    assert!(
        notes(&node.history(&customer.token, &id).await)
            .iter()
            .all(|n| !n.starts_with("No answer"))
    );

    // Tuesday 09:00: open, and the deadline long passed.
    node.move_clock("2030-01-08T09:00:30Z".parse().unwrap())
        .await;
    assert_eq!(
        node.session(&customer.token, &id).await["agent_id"],
        beta.id.as_str()
    );
}

// ---------------------------------------------------------------- snooze

async fn snooze(node: &Node, token: &str, id: &str, body: Value) -> (u16, Value) {
    node.put(&format!("/api/sessions/{id}/snooze"), token, body)
        .await
}

async fn wake(node: &Node, token: &str, id: &str) -> (u16, Value) {
    node.call(
        Method::DELETE,
        &format!("/api/sessions/{id}/snooze"),
        Some(token),
        None,
    )
    .await
}

#[tokio::test]
async fn a_conversation_snoozed_until_a_time_comes_back_when_the_clock_passes_it() {
    let node = Node::start().await;
    let org = node.signup_org("Sleepy").await;
    let alpha = node.create_agent(&org, "Alpha", "agent", 5).await;
    let alpha_socket = node.socket(&alpha.token).await;
    let admin_socket = node.socket(&org.admin_token).await;
    node.wait_online(&org, &alpha.id, true).await;
    // The admin is online too: keep them out of the round robin.
    node.set_status(
        &AgentHandle {
            id: org.admin_id.clone(),
            token: org.admin_token.clone(),
            email: org.admin_email.clone(),
            name: String::new(),
        },
        "busy",
    )
    .await;
    let customer = node.register_client().await;
    let id = node.open(&customer, &org, "Call me back tomorrow").await;
    let other = node.open(&customer, &org, "Another question").await;
    let session = node.session(&alpha.token, &id).await;
    assert_eq!(session["agent_id"], alpha.id.as_str());
    assert_eq!(
        (&session["snoozed"], &session["snoozed_until"]),
        (&json!(false), &Value::Null)
    );
    let until = time(&session["last_message_at"]) + Duration::hours(1);

    let (status, body) = snooze(&node, &alpha.token, &id, json!({ "until": until })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["session"]["snoozed"], true);
    assert_eq!(time(&body["session"]["snoozed_until"]), until);
    admin_socket
        .wait_for_where("session_updated", SOON, |v| {
            v["session"]["id"] == id.as_str() && v["session"]["snoozed"] == true
        })
        .await
        .expect("the team sees it snoozed");
    for token in [&alpha.token, &org.admin_token] {
        let snoozed = node.listed(token, &org, "?snoozed=true").await;
        assert_eq!(snoozed, vec![id.clone()]);
        let awake = node.listed(token, &org, "?snoozed=false").await;
        assert!(awake.contains(&other) && !awake.contains(&id), "{awake:?}");
    }
    let res = node
        .get(
            &format!("/api/sessions/organization/{}?snoozed=maybe", org.id),
            &alpha.token,
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    alpha_socket.clear().await;
    admin_socket.clear().await;

    // A minute before: still snoozed.
    node.move_clock(until - Duration::minutes(1)).await;
    assert_eq!(node.session(&alpha.token, &id).await["snoozed"], true);
    alpha_socket
        .assert_no_where("session_updated", QUIET, for_session(&id))
        .await;

    node.move_clock(until + Duration::seconds(1)).await;
    for (who, socket) in [("Alpha", &alpha_socket), ("the admin", &admin_socket)] {
        let woken = socket
            .wait_for_where("session_updated", SOON, for_session(&id))
            .await
            .unwrap_or_else(|| panic!("{who} sees it come back"));
        assert_eq!(
            (
                &woken["session"]["snoozed"],
                &woken["session"]["snoozed_until"]
            ),
            (&json!(false), &Value::Null),
            "{woken}"
        );
    }
    let seen = node.session(&alpha.token, &id).await;
    assert_eq!(
        (&seen["snoozed"], &seen["status"]),
        (&json!(false), &json!("active"))
    );
    assert_eq!(
        node.listed(&alpha.token, &org, "?snoozed=true").await,
        Vec::<String>::new()
    );
    assert!(
        node.listed(&alpha.token, &org, "?snoozed=false")
            .await
            .contains(&id)
    );

    // Woken once: later passes leave it alone.
    node.move_clock(until + Duration::minutes(5)).await;
    alpha_socket
        .assert_no_where("session_updated", QUIET, for_session(&id))
        .await;
}

#[tokio::test]
async fn a_snooze_without_a_time_lasts_until_the_customer_writes() {
    let node = Node::start().await;
    let org = node.signup_org("Dozy").await;
    let alpha = node.create_agent(&org, "Alpha", "agent", 5).await;
    let alpha_socket = node.socket(&alpha.token).await;
    node.wait_online(&org, &alpha.id, true).await;
    let customer = node.register_client().await;
    let id = node
        .open(&customer, &org, "I will send the photos later")
        .await;

    let (status, body) = snooze(&node, &alpha.token, &id, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (
            &body["session"]["snoozed"],
            &body["session"]["snoozed_until"]
        ),
        (&json!(true), &Value::Null)
    );
    let start = time(&node.session(&alpha.token, &id).await["updated_at"]);
    node.move_clock(start + Duration::days(20)).await;
    assert_eq!(
        node.session(&alpha.token, &id).await["snoozed"],
        true,
        "no time ends it"
    );

    node.write(&customer.token, &id, "Here are the photos")
        .await;
    let seen = node.session(&alpha.token, &id).await;
    assert_eq!(
        seen["snoozed"], false,
        "the customer's message ends it: {seen}"
    );
    alpha_socket
        .wait_for_where("new_message", SOON, |v| {
            v["message"]["content"] == "Here are the photos"
        })
        .await
        .expect("Alpha receives the message");
    assert!(
        node.listed(&alpha.token, &org, "?snoozed=false")
            .await
            .contains(&id)
    );

    // A timed snooze ends with the customer's message as well, and an agent's does not end it.
    let until = start + Duration::days(21);
    let (status, _) = snooze(&node, &alpha.token, &id, json!({ "until": until })).await;
    assert_eq!(status, 200);
    node.write(&alpha.token, &id, "Thanks, looking at them")
        .await;
    assert_eq!(node.session(&alpha.token, &id).await["snoozed"], true);
    node.write(&customer.token, &id, "Did they arrive?").await;
    let seen = node.session(&alpha.token, &id).await;
    assert_eq!(
        (&seen["snoozed"], &seen["snoozed_until"]),
        (&json!(false), &Value::Null),
        "{seen}"
    );

    // Woken by hand.
    let (status, _) = snooze(&node, &alpha.token, &id, json!({ "until": until })).await;
    assert_eq!(status, 200);
    alpha_socket.clear().await;
    let (status, body) = wake(&node, &alpha.token, &id).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (
            &body["session"]["snoozed"],
            &body["session"]["snoozed_until"]
        ),
        (&json!(false), &Value::Null)
    );
    alpha_socket
        .wait_for_where("session_updated", SOON, |v| {
            v["session"]["id"] == id.as_str() && v["session"]["snoozed"] == false
        })
        .await
        .expect("the team sees it awake");
}

#[tokio::test]
async fn snoozing_refuses_a_past_time_a_closed_conversation_and_agents_who_may_not() {
    let node = Node::start().await;
    let org = node.signup_org("Strict").await;
    let alpha = node.create_agent(&org, "Alpha", "agent", 5).await;
    let beta = node.create_agent(&org, "Beta", "agent", 5).await;
    let lead = node.create_agent(&org, "Lead", "supervisor", 5).await;
    let _alpha_socket = node.socket(&alpha.token).await;
    node.wait_online(&org, &alpha.id, true).await;
    let customer = node.register_client().await;
    let id = node.open(&customer, &org, "Help").await;
    assert_eq!(
        node.session(&alpha.token, &id).await["agent_id"],
        alpha.id.as_str()
    );
    let now = time(&node.session(&alpha.token, &id).await["last_message_at"]);
    let later = json!({ "until": now + Duration::hours(2) });

    let res = snooze(
        &node,
        &alpha.token,
        &id,
        json!({ "until": now - Duration::minutes(1) }),
    )
    .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["until"].is_string(), "{}", res.1);
    let res = snooze(&node, &alpha.token, &id, json!({ "until": "tomorrow" })).await;
    assert_error(&res, 400, "validation_failed");
    let res = snooze(
        &node,
        &alpha.token,
        &id,
        json!({ "untill": now + Duration::hours(2) }),
    )
    .await;
    assert_error(&res, 400, "validation_failed");
    assert_eq!(
        node.session(&alpha.token, &id).await["snoozed"],
        false,
        "nothing was snoozed"
    );

    // A plain agent may not snooze or wake a teammate's conversation.
    assert_error(
        &snooze(&node, &beta.token, &id, later.clone()).await,
        403,
        "forbidden",
    );
    assert_error(&wake(&node, &beta.token, &id).await, 403, "forbidden");
    // Nor anyone of another organization, nor a customer.
    let elsewhere = node.signup_org("Elsewhere").await;
    assert_error(
        &snooze(&node, &elsewhere.admin_token, &id, later.clone()).await,
        404,
        "not_found",
    );
    assert_error(
        &wake(&node, &elsewhere.admin_token, &id).await,
        404,
        "not_found",
    );
    assert_error(
        &snooze(&node, &customer.token, &id, later.clone()).await,
        403,
        "forbidden",
    );
    let unknown = uuid::Uuid::new_v4().to_string();
    assert_error(
        &snooze(&node, &alpha.token, &unknown, later.clone()).await,
        404,
        "not_found",
    );
    assert_eq!(
        node.session(&alpha.token, &id).await["snoozed"],
        false,
        "nothing was snoozed"
    );

    // The assignee, supervisors and admins may.
    for token in [&alpha.token, &lead.token, &org.admin_token] {
        let (status, body) = snooze(&node, token, &id, later.clone()).await;
        assert_eq!(
            (status, &body["session"]["snoozed"]),
            (200, &json!(true)),
            "{body}"
        );
        let (status, body) = wake(&node, token, &id).await;
        assert_eq!(
            (status, &body["session"]["snoozed"]),
            (200, &json!(false)),
            "{body}"
        );
    }

    // A closed conversation cannot be snoozed or woken; closing ends a snooze.
    let (status, _) = snooze(&node, &alpha.token, &id, later.clone()).await;
    assert_eq!(status, 200);
    let (status, closed) = node
        .put(
            &format!("/api/sessions/{id}/close"),
            &alpha.token,
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{closed}");
    let seen = node.session(&alpha.token, &id).await;
    assert_eq!(
        (&seen["status"], &seen["snoozed"]),
        (&json!("closed"), &json!(false)),
        "{seen}"
    );
    assert_error(
        &snooze(&node, &alpha.token, &id, later.clone()).await,
        409,
        "session_closed",
    );
    assert_error(&wake(&node, &alpha.token, &id).await, 409, "session_closed");
}

// ---------------------------------------------------------------- reopen window

async fn close(node: &Node, token: &str, id: &str) -> Value {
    let (status, body) = node
        .put(&format!("/api/sessions/{id}/close"), token, json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    node.session(token, id).await
}

#[tokio::test]
async fn a_customer_writing_within_the_reopen_window_reopens_the_conversation_with_its_agent() {
    let node = Node::start().await;
    let org = node.signup_org("Forgiving").await;
    node.settings(&org, json!({ "reopen_window_secs": 3600 }))
        .await;
    let alpha = node.create_agent(&org, "Alpha", "agent", 5).await;
    let beta = node.create_agent(&org, "Beta", "agent", 5).await;
    let alpha_socket = node.socket(&alpha.token).await;
    node.wait_online(&org, &alpha.id, true).await;
    let customer = node.register_client().await;
    let customer_socket = node.socket(&customer.token).await;
    let id = node.open(&customer, &org, "My invoice is wrong").await;
    node.write(&alpha.token, &id, "Fixed, sorry about that")
        .await;
    let closed_at = time(&close(&node, &alpha.token, &id).await["closed_at"]);
    // Beta is online as well: the conversation goes back to Alpha, not to the next in turn.
    let _beta_socket = node.socket(&beta.token).await;
    node.wait_online(&org, &beta.id, true).await;

    node.move_clock(closed_at + Duration::minutes(59)).await;
    alpha_socket.clear().await;
    customer_socket.clear().await;
    let (status, sent) = node.send(&customer.token, &id, "One more thing").await;
    assert_eq!(status, 201, "{sent}");
    let seen = node.session(&customer.token, &id).await;
    assert_eq!(
        (
            seen["status"].as_str(),
            seen["agent_id"].as_str(),
            &seen["closed_at"]
        ),
        (Some("active"), Some(alpha.id.as_str()), &Value::Null),
        "{seen}"
    );
    let history = node.history(&customer.token, &id).await;
    let contents: Vec<&str> = history
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    let reopened = contents
        .iter()
        .position(|c| *c == "The customer wrote again; the conversation is open again")
        .unwrap_or_else(|| panic!("no reopening note: {contents:?}"));
    assert!(contents[reopened - 1].contains("closed"), "{contents:?}");
    assert_eq!(
        contents.last(),
        Some(&"One more thing"),
        "the customer's message is kept"
    );
    assert_eq!(history.last().unwrap()["id"], sent["message"]["id"]);
    assert_eq!(
        history
            .iter()
            .filter(|m| m["content"] == "One more thing")
            .count(),
        1
    );
    customer_socket
        .wait_for_where("agent_assigned", SOON, |v| {
            v["agent"]["id"] == alpha.id.as_str()
        })
        .await
        .expect("the customer is told Alpha has it again");
    alpha_socket
        .wait_for_where("new_session_assigned", SOON, for_session(&id))
        .await
        .expect("Alpha is given it again");
    alpha_socket
        .wait_for_where("new_message", SOON, |v| {
            v["message"]["content"] == "One more thing"
        })
        .await
        .expect("Alpha reads the message");
    node.write(&alpha.token, &id, "Of course, go ahead").await;

    // Through the socket too, within the window of a second close.
    let closed_at = time(&close(&node, &alpha.token, &id).await["closed_at"]);
    node.move_clock(closed_at + Duration::minutes(10)).await;
    let ack = customer_socket
        .call(
            "send_message",
            json!({ "session_id": id, "content": "And another" }),
        )
        .await;
    assert_eq!(ack["ok"], true, "the socket reopens as well: {ack}");
    assert_eq!(node.session(&customer.token, &id).await["status"], "active");
}

#[tokio::test]
async fn a_reopened_conversation_goes_to_the_queue_when_its_agent_cannot_take_it() {
    let node = Node::start().await;
    let org = node.signup_org("Relay").await;
    node.settings(&org, json!({ "reopen_window_secs": 3600 }))
        .await;
    let alpha = node.create_agent(&org, "Alpha", "agent", 5).await;
    let beta = node.create_agent(&org, "Beta", "agent", 5).await;
    let _alpha_socket = node.socket(&alpha.token).await;
    node.wait_online(&org, &alpha.id, true).await;
    let customer = node.register_client().await;
    let customer_socket = node.socket(&customer.token).await;
    let id = node.open(&customer, &org, "Wrong size").await;
    let closed_at = time(&close(&node, &alpha.token, &id).await["closed_at"]);
    node.set_status(&alpha, "busy").await;

    node.move_clock(closed_at + Duration::minutes(10)).await;
    node.write(&customer.token, &id, "Actually, it is still wrong")
        .await;
    let seen = node.session(&customer.token, &id).await;
    assert_eq!(
        (seen["status"].as_str(), &seen["agent_id"]),
        (Some("waiting"), &Value::Null),
        "{seen}"
    );
    assert!(
        time(&seen["queued_at"]) >= closed_at + Duration::minutes(10),
        "{seen}"
    );
    let path = format!("/api/sessions/organization/{}/waiting", org.id);
    let (_, queue) = node.get(&path, &org.admin_token).await;
    assert_eq!(ids(&queue["sessions"]), vec![id.clone()]);
    let history = node.history(&customer.token, &id).await;
    assert_eq!(
        history.last().unwrap()["content"],
        "Actually, it is still wrong"
    );

    // Whoever can take one gets it.
    let _beta_socket = node.socket(&beta.token).await;
    customer_socket
        .wait_for_where("agent_assigned", SOON, |v| {
            v["session_id"] == id.as_str() && v["agent"]["id"] == beta.id.as_str()
        })
        .await
        .expect("the customer is told Beta has it");
    assert_eq!(
        node.session(&customer.token, &id).await["agent_id"],
        beta.id.as_str()
    );
}

#[tokio::test]
async fn outside_the_reopen_window_a_closed_conversation_refuses_the_customer_as_before() {
    let node = Node::start().await;
    let org = node.signup_org("Firm").await;
    node.settings(&org, json!({ "reopen_window_secs": 600 }))
        .await;
    let without = node.signup_org("Final").await;
    let alpha = node.create_agent(&org, "Alpha", "agent", 5).await;
    let _alpha_socket = node.socket(&alpha.token).await;
    node.wait_online(&org, &alpha.id, true).await;
    let customer = node.register_client().await;
    let id = node.open(&customer, &org, "Thanks for the help").await;
    let closed_at = time(&close(&node, &alpha.token, &id).await["closed_at"]);

    // Within the window only the customer reopens: the agent is refused.
    assert_error(
        &node.send(&alpha.token, &id, "PS").await,
        409,
        "session_closed",
    );
    node.move_clock(closed_at + Duration::minutes(11)).await;
    assert_error(
        &node.send(&customer.token, &id, "Too late?").await,
        409,
        "session_closed",
    );
    assert_eq!(node.session(&customer.token, &id).await["status"], "closed");
    let history = node.history(&customer.token, &id).await;
    assert!(
        history
            .iter()
            .all(|m| m["content"] != "Too late?" && m["content"] != "PS")
    );

    // Without a window (the default), even at once.
    let other = node.open(&customer, &without, "Hello").await;
    let (status, _) = node
        .put(
            &format!("/api/sessions/{other}/close"),
            &customer.token,
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_error(
        &node.send(&customer.token, &other, "Wait").await,
        409,
        "session_closed",
    );
    assert_eq!(
        node.session(&customer.token, &other).await["status"],
        "closed"
    );
}

// ---------------------------------------------------------------- settings

/// `{settings: {field: value}}`.
fn settings(field: &str, value: Value) -> Value {
    json!({ "settings": { field.to_string(): value } })
}

#[tokio::test]
async fn lifecycle_settings_take_0_to_30_days_and_name_the_field_otherwise() {
    let app = spawn_app().await;
    let org = app.signup_org("Periodic").await;
    let path = format!("/api/organizations/{}", org.id);
    const FIELDS: [&str; 3] = [
        "reopen_window_secs",
        "auto_resolve_after_secs",
        "answer_deadline_secs",
    ];
    let (_, view) = app.get(&path, Some(&org.admin_token)).await;
    for field in FIELDS {
        assert_eq!(
            view["organization"]["settings"][field], 0,
            "off by default: {view}"
        );
    }
    for field in FIELDS {
        for bad in [
            json!(-1),
            json!(2_592_001),
            json!(i64::MAX),
            json!("soon"),
            json!(1.5),
        ] {
            let res = app
                .put(&path, Some(&org.admin_token), settings(field, bad.clone()))
                .await;
            assert_error(&res, 400, "validation_failed");
            if bad.is_i64() {
                let fields = res.1["fields"].as_object().unwrap();
                assert_eq!(
                    fields.keys().collect::<Vec<_>>(),
                    vec![&format!("settings.{field}")],
                    "{bad} names its field only: {}",
                    res.1
                );
            }
        }
        for good in [0, 1, 2_592_000] {
            let (status, body) = app
                .put(&path, Some(&org.admin_token), settings(field, json!(good)))
                .await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["organization"]["settings"][field], good);
        }
    }
    // All three wrong at once: all three named, nothing changed.
    let all_bad = json!({ "settings": {
        "reopen_window_secs": -5, "auto_resolve_after_secs": 2_592_001, "answer_deadline_secs": -1
    } });
    let res = app.put(&path, Some(&org.admin_token), all_bad).await;
    assert_error(&res, 400, "validation_failed");
    for field in FIELDS {
        assert!(
            res.1["fields"][format!("settings.{field}")].is_string(),
            "{}",
            res.1
        );
    }
    let set = json!({ "settings": {
        "reopen_window_secs": 300, "auto_resolve_after_secs": 86_400, "answer_deadline_secs": 120
    } });
    let (status, _) = app.put(&path, Some(&org.admin_token), set).await;
    assert_eq!(status, 200);
    // A partial update keeps the others.
    let (status, _) = app
        .put(
            &path,
            Some(&org.admin_token),
            json!({ "settings": { "answer_deadline_secs": 180 } }),
        )
        .await;
    assert_eq!(status, 200);
    let (_, view) = app.get(&path, Some(&org.admin_token)).await;
    let settings = &view["organization"]["settings"];
    assert_eq!(
        (
            &settings["reopen_window_secs"],
            &settings["auto_resolve_after_secs"],
            &settings["answer_deadline_secs"]
        ),
        (&json!(300), &json!(86_400), &json!(180)),
        "{view}"
    );
    // Only admins change them.
    let lead = app.create_agent(&org, "Lead", "supervisor", None).await;
    let res = app
        .put(
            &path,
            Some(&lead.token),
            json!({ "settings": { "auto_resolve_after_secs": 60 } }),
        )
        .await;
    assert_eq!(res.0, 403, "{}", res.1);
    let (_, view) = app.get(&path, Some(&org.admin_token)).await;
    assert_eq!(
        view["organization"]["settings"]["auto_resolve_after_secs"],
        86_400
    );
}
