//! The lifecycle's timers on three server processes sharing one PostgreSQL database and one
//! Redis (fan-out and presence), each with its own clock moved by the test: every due change
//! (a snooze ending, a conversation closed when inactive, a customer moved on after the answer
//! deadline) happens once whichever servers run the pass at the same time, and none is lost
//! when a server is killed with SIGKILL before or during its pass. Its real-time announcement
//! follows the commit, so a server killed between the two takes that one announcement with it:
//! the tests allow one, never a duplicate.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration as Wait;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use sio_test_client::SocketClient;

use crate::lifecycle::{Node, clock_flags, notes, time};
use crate::process::ServerProcess;
use crate::support::*;

const SOON: Wait = Wait::from_secs(20);
/// How long the test listens for a duplicate after everything expected arrived.
const AFTERWARDS: Wait = Wait::from_secs(2);
/// Conversations per kind of timer.
const EACH: usize = 8;
/// Snoozes ending at once on the server killed while it announces them.
const MANY: usize = 200;

/// The Redis of the multi-node tests (`RAASEL_TEST_REDIS`, else the local one).
pub(crate) fn test_redis() -> String {
    std::env::var("RAASEL_TEST_REDIS")
        .ok()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379".into())
}

/// Servers of one cluster: one database schema, one Redis namespace, a data directory each.
struct Cluster {
    database_url: String,
    flags: Vec<String>,
    dirs: Vec<tempfile::TempDir>,
}

impl Cluster {
    async fn new() -> Cluster {
        let mut flags = clock_flags();
        flags.extend(
            [
                "--redis-url",
                &test_redis(),
                "--cluster-name",
                &format!("lifecycle{}", unique()),
                "--presence-ttl",
                "3s",
                "--socket-ping-interval",
                "1s",
                "--socket-ping-timeout",
                "2s",
                "--database-pool-size",
                "8",
            ]
            .map(String::from),
        );
        flags.extend(crate::support::bucket_flags(
            &crate::support::fresh_bucket().0,
        ));
        Cluster {
            database_url: fresh_postgres_schema().await,
            flags,
            dirs: vec![],
        }
    }

    /// Starts another server of the cluster.
    async fn node(&mut self) -> Node {
        let dir = tempfile::tempdir().unwrap();
        let data: PathBuf = dir.path().join("data");
        self.dirs.push(dir);
        let flags: Vec<&str> = self.flags.iter().map(String::as_str).collect();
        Node::of(ServerProcess::start_on(&data, Some(&self.database_url), &flags).await)
    }
}

/// Kills the server with SIGKILL and waits until it is gone.
async fn kill(node: &mut Node) {
    node.server.signal(libc::SIGKILL);
    node.server.exit_status(Wait::from_secs(10)).await;
}

/// Moves the clocks of `nodes` to `to` at the same moment: their passes race.
async fn move_clocks(nodes: &[&Node], to: DateTime<Utc>) {
    futures_util::future::join_all(nodes.iter().map(|n| n.move_clock(to))).await;
}

/// How many `event`s matching `pred` each session got, by `key` (the session id in the event),
/// after all expected ones arrived (`expected` sessions once each) and a while longer.
async fn counted(
    socket: &SocketClient,
    event: &str,
    key: impl Fn(&Value) -> Option<String>,
    expected: &[String],
) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut take = async |within: Wait| {
        while let Some(v) = socket
            .wait_for_where(event, within, |v| key(v).is_some())
            .await
        {
            *counts.entry(key(&v).unwrap()).or_default() += 1;
            if expected.iter().all(|s| counts.contains_key(s)) {
                break;
            }
        }
    };
    take(SOON).await;
    // Duplicates, if any, arrive shortly after.
    take(AFTERWARDS).await;
    counts
}

/// Each of `ids` exactly once in `counts`, and nothing else.
#[track_caller]
fn once_each(what: &str, counts: &HashMap<String, usize>, ids: &[String]) {
    for id in ids {
        assert_eq!(counts.get(id), Some(&1), "{what} for {id}: {counts:?}");
    }
    assert_eq!(counts.len(), ids.len(), "{what} for others: {counts:?}");
}

/// How many system notes of a conversation start with `prefix`.
async fn notes_starting(node: &Node, token: &str, id: &str, prefix: &str) -> usize {
    notes(&node.history(token, id).await)
        .iter()
        .filter(|n| n.starts_with(prefix))
        .count()
}

#[tokio::test]
async fn every_due_change_happens_once_across_servers_even_when_one_is_killed() {
    if !suite_on_postgres() {
        // Several servers share a store only on PostgreSQL: this runs in the suite's
        // PostgreSQL and PostgreSQL+Cassandra passes.
        return;
    }
    let mut cluster = Cluster::new().await;
    let (a, mut b, mut c) = (
        cluster.node().await,
        cluster.node().await,
        cluster.node().await,
    );

    // Quiet: conversations closed after an hour without a message, some snoozed for half an
    // hour. The team watches from two servers.
    let quiet = a.signup_org("Quiet").await;
    a.settings(&quiet, json!({ "auto_resolve_after_secs": 3600 }))
        .await;
    let alpha = a.create_agent(&quiet, "Alpha", "agent", 100).await;
    let admin_socket = a.socket(&quiet.admin_token).await;
    let alpha_socket = b.socket(&alpha.token).await;
    a.wait_online(&quiet, &alpha.id, true).await;
    a.wait_online(&quiet, &quiet.admin_id, true).await;
    // Prompt: customers moved on after ten minutes without an answer.
    let prompt = a.signup_org("Prompt").await;
    a.settings(&prompt, json!({ "answer_deadline_secs": 600 }))
        .await;
    let first = a.create_agent(&prompt, "First", "agent", 100).await;
    let second = a.create_agent(&prompt, "Second", "agent", 100).await;
    let first_socket = a.socket(&first.token).await;
    a.wait_online(&prompt, &first.id, true).await;

    let customer = a.register_client().await;
    let mut idle = vec![];
    let mut snoozed = vec![];
    let mut unanswered = vec![];
    for i in 0..EACH {
        idle.push(a.open(&customer, &quiet, &format!("idle {i}")).await);
        snoozed.push(a.open(&customer, &quiet, &format!("snoozed {i}")).await);
        unanswered.push(a.open(&customer, &prompt, &format!("unanswered {i}")).await);
    }
    for id in &unanswered {
        assert_eq!(
            a.session(&customer.token, id).await["agent_id"],
            first.id.as_str()
        );
    }
    // Second comes online on the server that will be killed second.
    let second_socket = b.socket(&second.token).await;
    a.wait_online(&prompt, &second.id, true).await;
    let start = time(&a.session(&customer.token, &idle[0]).await["last_message_at"]);
    let until = start + Duration::minutes(30);
    for id in &snoozed {
        let path = format!("/api/sessions/{id}/snooze");
        let (status, body) = a
            .put(&path, &quiet.admin_token, json!({ "until": until }))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    // Forget the snoozes' own announcements.
    wait_until("the snoozes are announced", SOON, || async {
        let n = admin_socket
            .pending()
            .await
            .iter()
            .filter(|(e, v)| e == "session_updated" && v["session"]["snoozed"] == true)
            .count();
        n == EACH
    })
    .await;
    for socket in [&admin_socket, &alpha_socket, &first_socket, &second_socket] {
        socket.clear().await;
    }

    // One server is killed; then the snoozes end and the answer deadline passes on the two
    // others at once.
    kill(&mut c).await;
    move_clocks(&[&a, &b], until + Duration::seconds(1)).await;
    let woke = |v: &Value| {
        (v["session"]["snoozed"] == false).then(|| v["session"]["id"].as_str().unwrap().into())
    };
    for (who, socket) in [
        ("the admin (on A)", &admin_socket),
        ("Alpha (on B)", &alpha_socket),
    ] {
        let counts = counted(socket, "session_updated", woke, &snoozed).await;
        once_each(&format!("snooze ends seen by {who}"), &counts, &snoozed);
    }
    for id in &snoozed {
        let s = a.session(&quiet.admin_token, id).await;
        assert_eq!(
            (&s["snoozed"], &s["snoozed_until"]),
            (&json!(false), &Value::Null),
            "{s}"
        );
    }
    let to = |agent: &AgentHandle| {
        let agent = agent.id.clone();
        move |v: &Value| {
            (v["agent"]["id"] == agent.as_str()).then(|| v["session_id"].as_str().unwrap().into())
        }
    };
    for (who, socket) in [
        ("First (on A)", &first_socket),
        ("Second (on B)", &second_socket),
    ] {
        let counts = counted(socket, "agent_assigned", to(&second), &unanswered).await;
        once_each(
            &format!("moves to Second seen by {who}"),
            &counts,
            &unanswered,
        );
    }
    for id in &unanswered {
        let s = a.session(&customer.token, id).await;
        assert_eq!(s["agent_id"], second.id.as_str(), "{s}");
        assert_eq!(
            notes_starting(&a, &customer.token, id, "No answer from First").await,
            1
        );
    }

    // The killed server comes back; then all three reach the inactivity period and the next
    // answer deadline at once, and one of them is killed in the middle of its pass.
    c = cluster.node().await;
    for socket in [&admin_socket, &alpha_socket, &first_socket, &second_socket] {
        socket.clear().await;
    }
    let later = start + Duration::minutes(61);
    let doomed = b.server.url.clone();
    let killing = async {
        let put = reqwest::Client::new()
            .put(format!("{doomed}/api/operator/clock"))
            .bearer_auth(crate::lifecycle::OPERATOR)
            .json(&json!({ "now": later }))
            .send();
        // The pass is under way when the process dies (or, at worst, done or not begun).
        let _ = tokio::time::timeout(Wait::from_millis(30), put).await;
        kill(&mut b).await;
    };
    let survivors = [&a, &c];
    tokio::join!(killing, move_clocks(&survivors, later));

    let quiet_ones: Vec<String> = idle.iter().chain(&snoozed).cloned().collect();
    for id in &quiet_ones {
        wait_until(&format!("{id} has its closing note"), SOON, || async {
            notes_starting(&a, &customer.token, id, "Closed after").await > 0
        })
        .await;
        let s = a.session(&customer.token, id).await;
        assert_eq!(s["status"], "closed", "{s}");
        assert_eq!(
            notes_starting(&a, &customer.token, id, "Closed after 60 min").await,
            1,
            "closed once"
        );
    }
    for id in &unanswered {
        wait_until(&format!("{id} moved back to First"), SOON, || async {
            a.session(&customer.token, id).await["agent_id"] == first.id.as_str()
        })
        .await;
        assert_eq!(
            notes_starting(&a, &customer.token, id, "No answer from Second").await,
            1
        );
    }
    // Real-time notices: never twice. A server killed between committing a change and
    // announcing it takes the announcement with it (the change itself is kept, as checked
    // above, and clients read it when they load the conversation again).
    let closed =
        |v: &Value| (v["status"] == "closed").then(|| v["session_id"].as_str().unwrap().into());
    let closes = counted(&admin_socket, "session_status_updated", closed, &quiet_ones).await;
    assert!(
        closes.values().all(|n| *n == 1),
        "a close announced twice: {closes:?}"
    );
    let moves = counted(&first_socket, "agent_assigned", to(&first), &unanswered).await;
    assert!(
        moves.values().all(|n| *n == 1),
        "a move announced twice: {moves:?}"
    );
    // The pass makes and announces one change at a time: at most the one in flight is lost.
    let unannounced = quiet_ones.len() - closes.len() + unanswered.len() - moves.len();
    assert!(
        unannounced <= 1,
        "{unannounced} changes not announced: {closes:?} {moves:?}"
    );

    // Nothing is due any more: later passes on the survivors change nothing.
    move_clocks(&[&a, &c], later + Duration::minutes(5)).await;
    for id in &quiet_ones {
        assert_eq!(
            notes_starting(&a, &customer.token, id, "Closed after").await,
            1
        );
    }

    // Many snoozes end together on one server, which is killed while it announces them: the
    // others find them awake and announce nothing again, so at most the one in flight is
    // not announced.
    let mut many = vec![];
    for i in 0..MANY {
        let id = a.open(&customer, &quiet, &format!("many {i}")).await;
        let path = format!("/api/sessions/{id}/snooze");
        let until = later + Duration::minutes(10);
        let (status, body) = a
            .put(&path, &quiet.admin_token, json!({ "until": until }))
            .await;
        assert_eq!(status, 200, "{body}");
        many.push(id);
    }
    wait_until("the snoozes are announced", SOON, || async {
        let pending = admin_socket.pending().await;
        let snoozes = pending
            .iter()
            .filter(|(e, v)| e == "session_updated" && v["session"]["snoozed"] == true);
        snoozes.count() == MANY
    })
    .await;
    admin_socket.clear().await;
    let due = later + Duration::minutes(11);
    let doomed = c.server.url.clone();
    let put = reqwest::Client::new()
        .put(format!("{doomed}/api/operator/clock"))
        .bearer_auth(crate::lifecycle::OPERATOR)
        .json(&json!({ "now": due }))
        .send();
    // Killed once it has begun announcing.
    let started = tokio::spawn(put);
    wait_until("the doomed server announces a wake", SOON, || async {
        admin_socket
            .pending()
            .await
            .iter()
            .any(|(e, _)| e == "session_updated")
    })
    .await;
    kill(&mut c).await;
    let _ = started.await;
    a.move_clock(due).await;
    let woken = counted(&admin_socket, "session_updated", woke, &many).await;
    assert!(
        woken.values().all(|n| *n == 1),
        "a wake announced twice: {woken:?}"
    );
    let unannounced = MANY - woken.len();
    assert!(
        unannounced <= 1,
        "{unannounced} wakes of {MANY} not announced"
    );
    for id in &many {
        assert_eq!(a.session(&quiet.admin_token, id).await["snoozed"], false);
    }
}
