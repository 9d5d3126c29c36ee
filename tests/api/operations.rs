//! Operating an installation: `raasel backup` beside a server taking traffic and `raasel
//! restore` into a new directory, their refusals, `raasel migrate --status` on both SQL stores,
//! `raasel --version`, and upgrading in place from data an earlier release made (the fixtures
//! under tests/fixtures/). These tests choose their stores themselves, whatever the suite's.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use raasel::auth::{Kind, Tokens};
use raasel::store::migrate;
use serde_json::{Value, json};

use crate::process::{ServerProcess, command, raasel_command};
use crate::support::*;

/// The demo's password.
const DEMO_PASSWORD: &str = "password123";

/// A server started as a process, spoken to over HTTP.
#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    fn of(server: &ServerProcess) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: server.url.clone(),
        }
    }

    async fn call(&self, post: Option<Value>, path: &str, token: Option<&str>) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        let mut req = match &post {
            Some(body) => self.http.post(url).json(body),
            None => self.http.get(url),
        };
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = tokio::time::timeout(Duration::from_secs(20), req.send())
            .await
            .expect("request timed out")
            .expect("request sent");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        self.call(None, path, token).await
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.call(Some(body), path, token).await
    }

    /// Logs in (`agents` or `clients`); the answer's body.
    async fn login(&self, kind: &str, email: &str, password: &str) -> Value {
        let (status, body) = self
            .post(
                &format!("/api/{kind}/login"),
                None,
                json!({ "email": email, "password": password }),
            )
            .await;
        assert_eq!(status, 200, "{email} cannot log in: {body}");
        body
    }

    async fn organization(&self, domain: &str) -> String {
        let (status, body) = self
            .get(&format!("/api/organizations/discover/{domain}"), None)
            .await;
        assert_eq!(status, 200, "{body}");
        body["organization"]["id"].as_str().unwrap().to_string()
    }

    /// A conversation's whole history, page by page.
    async fn history(&self, token: &str, session: &str) -> Vec<Value> {
        let mut messages: Vec<Value> = vec![];
        loop {
            let after = messages.last().map_or(0, |m| m["seq"].as_i64().unwrap());
            let (status, page) = self
                .get(
                    &format!("/api/sessions/{session}/messages?after={after}&limit=200"),
                    Some(token),
                )
                .await;
            assert_eq!(status, 200, "{page}");
            messages.extend(page["messages"].as_array().unwrap().iter().cloned());
            if page["has_more"] != true {
                return messages;
            }
        }
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// Runs `raasel` with `args` to its end.
async fn raasel(args: &[&std::ffi::OsStr]) -> std::process::Output {
    raasel_command()
        .args(args)
        .output()
        .await
        .expect("raasel runs")
}

#[track_caller]
fn assert_success(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "exit {}\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Asserts a refusal: a failing exit status and `needles` in what it said on stderr.
#[track_caller]
fn assert_refused(out: &std::process::Output, needles: &[&str]) {
    let err = text(&out.stderr);
    assert!(!out.status.success(), "not refused; stderr: {err}");
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} not in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

async fn backup(data_dir: &Path, to: &Path, force: bool) -> std::process::Output {
    let mut args = vec!["backup".as_ref(), "--to".as_ref(), to.as_os_str()];
    args.extend(["--data-dir".as_ref(), data_dir.as_os_str()]);
    if force {
        args.push("--force".as_ref());
    }
    raasel(&args).await
}

async fn restore(from: &Path, data_dir: &Path, force: bool) -> std::process::Output {
    let mut args = vec!["restore".as_ref(), "--from".as_ref(), from.as_os_str()];
    args.extend(["--data-dir".as_ref(), data_dir.as_os_str()]);
    if force {
        args.push("--force".as_ref());
    }
    raasel(&args).await
}

/// A message the server acknowledged: when it was sent, and when the answer arrived.
#[derive(Debug, Clone)]
struct Acked {
    session: String,
    seq: i64,
    content: String,
    sent: Instant,
    at: Instant,
}

#[tokio::test]
async fn a_backup_taken_during_a_message_burst_restores_everything_acknowledged_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    let first = ServerProcess::start_on(&live, None, &["--demo"]).await;
    let api = Api::of(&first);
    let org = api.organization("sample.com").await;
    let alice = api
        .login("clients", "alice@example.com", DEMO_PASSWORD)
        .await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let john = api.login("agents", "john@sample.com", DEMO_PASSWORD).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let mut sessions = vec![];
    for i in 0..3 {
        let (status, body) = api
            .post(
                "/api/sessions",
                Some(&alice),
                json!({ "organization_id": org, "message": format!("conversation {i}") }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        sessions.push(body["session"]["id"].as_str().unwrap().to_string());
    }

    // Over 1 MiB of history first, so that the copy takes several steps while the burst goes on.
    let filler = "history ".repeat(450);
    let fills: Vec<_> = sessions
        .iter()
        .map(|session| {
            let (api, alice) = (api.clone(), alice.clone());
            let (session, filler) = (session.clone(), filler.clone());
            tokio::spawn(async move {
                for n in 0..120 {
                    let (status, body) = api
                        .post(
                            &format!("/api/sessions/{session}/messages"),
                            Some(&alice),
                            json!({ "content": format!("{n} {filler}") }),
                        )
                        .await;
                    assert_eq!(status, 201, "{body}");
                }
            })
        })
        .collect();
    for fill in fills {
        fill.await.unwrap();
    }

    // One sender per conversation, the customer and the admin in turn, until told to stop;
    // every acknowledgement is recorded with the time it arrived.
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Vec::<Acked>::new()));
    let senders: Vec<_> = sessions
        .iter()
        .map(|session| {
            let (api, stop, acked) = (api.clone(), stop.clone(), acked.clone());
            let (session, tokens) = (session.clone(), [alice.clone(), john.clone()]);
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let content = format!("burst {session} {n}");
                    let sent = Instant::now();
                    let (status, body) = api
                        .post(
                            &format!("/api/sessions/{session}/messages"),
                            Some(&tokens[n % 2]),
                            json!({ "content": content, "client_msg_id": format!("m-{n}") }),
                        )
                        .await;
                    assert_eq!(status, 201, "{body}");
                    acked.lock().unwrap().push(Acked {
                        session: session.clone(),
                        seq: body["message"]["seq"].as_i64().unwrap(),
                        content,
                        sent,
                        at: Instant::now(),
                    });
                }
            })
        })
        .collect();
    let count_acked = |from: Instant, to: Option<Instant>| {
        acked
            .lock()
            .unwrap()
            .iter()
            .filter(|a| a.at >= from && to.is_none_or(|to| a.at < to))
            .count()
    };
    let start = Instant::now();
    wait_until(
        "the burst has 30 messages acknowledged",
        Duration::from_secs(30),
        || std::future::ready(count_acked(start, None) >= 30),
    )
    .await;

    let file = dir.path().join("raasel.backup");
    let began = Instant::now();
    let out = backup(&live, &file, false).await;
    let ended = Instant::now();
    assert_success(&out);
    let said = text(&out.stdout);
    assert!(
        said.contains("backed up 1 organizations") && said.contains("and the token secret"),
        "{said}"
    );
    // Progress on stderr, in several steps.
    let progress: Vec<String> = text(&out.stderr)
        .lines()
        .filter(|l| l.contains("backed up") && l.contains(" pages ("))
        .map(String::from)
        .collect();
    assert!(
        progress.len() >= 2 && progress.last().unwrap().ends_with("(100%)"),
        "progress: {progress:?}"
    );
    assert!(
        count_acked(began, Some(ended)) > 0,
        "no message was acknowledged while the backup ran"
    );
    // The server kept taking traffic after it too.
    wait_until(
        "messages are acknowledged after the backup",
        Duration::from_secs(20),
        || std::future::ready(count_acked(ended, None) >= 3),
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    for sender in senders {
        sender.await.unwrap();
    }
    assert_eq!(mode(&file), 0o600);
    let before: Vec<Acked> = acked
        .lock()
        .unwrap()
        .iter()
        .filter(|a| a.at < began)
        .cloned()
        .collect();

    let restored = dir.path().join("restored");
    let out = restore(&file, &restored, false).await;
    assert_success(&out);
    assert!(
        text(&out.stdout).contains("and the token secret"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(mode(&restored), 0o700);
    for name in ["raasel.db", "jwt-secret"] {
        assert_eq!(mode(&restored.join(name)), 0o600, "{name}");
    }
    let mut left: Vec<String> = std::fs::read_dir(&restored)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["jwt-secret", "raasel.db", "raasel.lock"]);
    assert_eq!(
        std::fs::read_to_string(restored.join("jwt-secret")).unwrap(),
        std::fs::read_to_string(live.join("jwt-secret")).unwrap()
    );

    let second = ServerProcess::start_on(&restored, None, &[]).await;
    let copy = Api::of(&second);
    let mut held = std::collections::HashMap::new();
    for (i, session) in sessions.iter().enumerate() {
        let original = api.history(&alice, session).await;
        // The customer's token from the first server is accepted by the restored one.
        let history = copy.history(&alice, session).await;
        let seqs: Vec<i64> = history.iter().map(|m| m["seq"].as_i64().unwrap()).collect();
        let gapless: Vec<i64> = (1..=history.len() as i64).collect();
        assert_eq!(seqs, gapless, "conversation {i} has gaps");
        assert_eq!(
            history[..],
            original[..history.len()],
            "conversation {i} differs from the original"
        );
        for a in before.iter().filter(|a| a.session == *session) {
            let found = history.get(a.seq as usize - 1);
            assert_eq!(
                found.map(|m| &m["content"]),
                Some(&json!(a.content)),
                "message {} of conversation {i}, acknowledged before the backup, is missing",
                a.seq
            );
        }
        held.insert(session.clone(), history.len() as i64);
        // The restored conversation carries on after what it holds.
        let (status, body) = copy
            .post(
                &format!("/api/sessions/{session}/messages"),
                Some(&alice),
                json!({ "content": "after the restore" }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["message"]["seq"], history.len() as i64 + 1);
    }
    assert!(
        !before.is_empty(),
        "messages were acknowledged before the backup"
    );
    // One moment across conversations: no message missing from the backup had been
    // acknowledged when a message it holds was sent.
    let all = acked.lock().unwrap().clone();
    let (kept, missing): (Vec<&Acked>, Vec<&Acked>) =
        all.iter().partition(|a| a.seq <= held[&a.session]);
    let last_kept_sent = kept.iter().map(|a| a.sent).max();
    let first_missing_acked = missing.iter().map(|a| a.at).min();
    if let (Some(sent), Some(missed)) = (last_kept_sent, first_missing_acked) {
        assert!(
            missed >= sent,
            "the backup holds a message sent after another it lacks was acknowledged"
        );
    }
    // Logins work, and the admin's token from the first server too.
    copy.login("clients", "alice@example.com", DEMO_PASSWORD)
        .await;
    copy.login("agents", "john@sample.com", DEMO_PASSWORD).await;
    let (status, body) = copy
        .get(&format!("/api/sessions/organization/{org}"), Some(&john))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["sessions"].as_array().unwrap().len(), sessions.len());
}

#[tokio::test]
async fn backup_and_restore_refuse_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let migrated = raasel(&["migrate".as_ref(), "--data-dir".as_ref(), data.as_os_str()]).await;
    assert_success(&migrated);

    // An existing backup file is kept unless --force.
    let file = dir.path().join("raasel.backup");
    let out = backup(&data, &file, false).await;
    assert_success(&out);
    assert!(
        text(&out.stdout).contains("no generated token secret"),
        "{}",
        text(&out.stdout)
    );
    std::fs::write(&file, "an older backup").unwrap();
    assert_refused(
        &backup(&data, &file, false).await,
        &["already exists", "--force"],
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "an older backup");
    assert_success(&backup(&data, &file, true).await);
    assert_ne!(std::fs::read(&file).unwrap(), b"an older backup");
    assert_refused(
        &backup(&dir.path().join("nothing"), &dir.path().join("b2"), false).await,
        &["no embedded store"],
    );
    assert!(!dir.path().join("b2").exists());

    // A directory with something in it is left alone unless --force.
    let target = dir.path().join("target");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("notes.txt"), "mine").unwrap();
    assert_refused(
        &restore(&file, &target, false).await,
        &["is not empty", "--force"],
    );
    assert!(!target.join("raasel.db").exists());
    assert_success(&restore(&file, &target, true).await);
    assert!(target.join("raasel.db").exists());
    assert_eq!(
        std::fs::read_to_string(target.join("notes.txt")).unwrap(),
        "mine"
    );

    // Only backups are restored, and nothing is created for a refused one.
    let elsewhere = dir.path().join("elsewhere");
    for not_a_backup in [data.join("raasel.db"), target.join("notes.txt")] {
        assert_refused(
            &restore(&not_a_backup, &elsewhere, false).await,
            &["is not a raasel backup"],
        );
    }
    assert!(!elsewhere.exists());

    // Never under a running server, even with --force.
    let server = ServerProcess::start_on(&target, None, &[]).await;
    let pid = server.pid().to_string();
    assert_refused(
        &restore(&file, &target, true).await,
        &["in use by another raasel server", pid.as_str()],
    );

    // An installation on PostgreSQL is backed up with PostgreSQL's tools.
    let out = raasel(&[
        "backup".as_ref(),
        "--to".as_ref(),
        dir.path().join("pg.backup").as_os_str(),
        "--database-url".as_ref(),
        "postgres://nobody@127.0.0.1:1/none".as_ref(),
    ])
    .await;
    assert_refused(&out, &["pg_dump"]);
}

/// The lines of `raasel migrate --status`: (version, state) each.
fn statuses(out: &std::process::Output) -> Vec<(i64, String)> {
    assert_success(out);
    text(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let version = words.next()?.parse().ok()?;
            let state = words.next()?;
            ["applied", "pending", "changed", "newer"]
                .contains(&state)
                .then(|| (version, state.to_string()))
        })
        .collect()
}

fn every(list: &[migrate::Migration], state: &str) -> Vec<(i64, String)> {
    list.iter()
        .map(|m| (m.version, state.to_string()))
        .collect()
}

#[tokio::test]
async fn migrate_status_lists_pending_then_applied_migrations_of_the_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let status = || async {
        raasel(&[
            "migrate".as_ref(),
            "--status".as_ref(),
            "--data-dir".as_ref(),
            data.as_os_str(),
        ])
        .await
    };
    let out = status().await;
    assert_eq!(statuses(&out), every(migrate::SQLITE, "pending"));
    let n = migrate::SQLITE.len();
    assert!(
        text(&out.stdout).contains(&format!("0 applied, {n} pending")),
        "{}",
        text(&out.stdout)
    );
    assert!(!data.exists(), "--status created the data directory");

    assert_success(&raasel(&["migrate".as_ref(), "--data-dir".as_ref(), data.as_os_str()]).await);
    let out = status().await;
    assert_eq!(statuses(&out), every(migrate::SQLITE, "applied"));
    for m in migrate::SQLITE {
        assert!(text(&out.stdout).contains(m.name), "{}", text(&out.stdout));
    }
    assert!(text(&out.stdout).contains(&format!("{n} applied, 0 pending")));

    // Beside a running server, which holds the directory.
    let _server = ServerProcess::start_on(&data, None, &[]).await;
    assert_eq!(statuses(&status().await), every(migrate::SQLITE, "applied"));
}

#[tokio::test]
async fn migrate_status_lists_pending_then_applied_migrations_on_postgres() {
    let url = fresh_postgres_schema().await;
    let run = |status: bool| {
        let url = url.clone();
        async move {
            let mut cmd = raasel_command();
            cmd.arg("migrate").args(["--database-url", &url]);
            if status {
                cmd.arg("--status");
            }
            cmd.output().await.expect("raasel runs")
        }
    };
    let out = run(true).await;
    assert_eq!(statuses(&out), every(migrate::POSTGRES, "pending"));
    assert!(text(&out.stdout).contains("migrations of PostgreSQL"));
    // Reading changed nothing: still pending.
    assert_eq!(
        statuses(&run(true).await),
        every(migrate::POSTGRES, "pending")
    );
    assert_success(&run(false).await);
    assert_eq!(
        statuses(&run(true).await),
        every(migrate::POSTGRES, "applied")
    );
}

#[tokio::test]
async fn version_names_the_release_and_the_commit() {
    let out = raasel(&["--version".as_ref()]).await;
    assert_success(&out);
    let said = text(&out.stdout);
    let prefix = format!("raasel {} (commit ", env!("CARGO_PKG_VERSION"));
    let commit = said
        .trim()
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{said:?} is not {prefix}…)"));
    let head = command("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .await;
    match head {
        Ok(head) if head.status.success() => {
            let head = text(&head.stdout);
            assert!(
                commit.len() >= 7 && head.trim().starts_with(commit),
                "{commit} is not HEAD ({head})"
            );
        }
        // Built outside a git checkout.
        _ => assert_eq!(commit, "unknown"),
    }
}

/// The fixtures an earlier release made (tests/fixtures/upgrade-23914b2/README.md).
const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/upgrade-23914b2"
);

/// The fixture's conversation as the earlier release stored it: (sender type, content).
const CONVERSATION: &[(&str, &str)] = &[
    ("client", "Hello, is my order on its way?"),
    ("system", "Ben Agent joined the conversation"),
    ("agent", "Let me check."),
    ("client", "Order 1234."),
    ("agent", "It ships tomorrow."),
];

/// What the earlier release stored is served by this one: the organization, logins of its
/// admin, second agent, customer and the demo's, the conversation with its seqs, and tokens
/// signed with the earlier release's token secret.
async fn check_upgraded(api: &Api, secret: &str) {
    let org = api.organization("upgrade-shop.example").await;
    let tokens = Tokens::new(secret.as_bytes());
    let ben = api
        .login("agents", "ben@upgrade-shop.example", "fixture password ben")
        .await;
    // The server signs with the secret the earlier release generated.
    let claims = tokens
        .verify(ben["token"].as_str().unwrap())
        .expect("a token of the upgraded server verifies with the earlier secret");
    assert_eq!(claims.kind, Kind::Agent);
    assert_eq!(ben["agent"]["role"], "agent");
    let ada = api
        .login("agents", "ada@upgrade-shop.example", "fixture password ada")
        .await;
    let (status, team) = api
        .get(
            &format!("/api/agents/organization/{org}"),
            ada["token"].as_str(),
        )
        .await;
    assert_eq!(status, 200, "{team}");
    let mut names: Vec<&str> = team["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["Ada Admin", "Ben Agent"]);
    api.login("agents", "john@sample.com", DEMO_PASSWORD).await;

    let carla = api
        .login("clients", "carla@mail.example", "fixture password carla")
        .await;
    let carla = carla["token"].as_str().unwrap();
    let (status, list) = api.get("/api/sessions", Some(carla)).await;
    assert_eq!(status, 200, "{list}");
    let sessions = list["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1, "{list}");
    let session = sessions[0]["id"].as_str().unwrap();
    assert_eq!(sessions[0]["organization"]["id"], org.as_str());
    let history = api.history(carla, session).await;
    let seen: Vec<(i64, &str, &str)> = history
        .iter()
        .map(|m| {
            (
                m["seq"].as_i64().unwrap(),
                m["sender_type"].as_str().unwrap(),
                m["content"].as_str().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(i64, &str, &str)> = CONVERSATION
        .iter()
        .zip(1..)
        .map(|(&(sender, content), seq)| (seq, sender, content))
        .collect();
    assert_eq!(seen, expected);

    // A token signed with the earlier secret (as the earlier release issued them) is accepted.
    let earlier = tokens.issue(claims.sub, Kind::Agent, claims.org, claims.role, claims.ver);
    let (status, body) = api
        .get(&format!("/api/sessions/organization/{org}"), Some(&earlier))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ids(&body["sessions"]), [session]);
    // The conversation carries on; a resend of the earlier release's message is recognised.
    let (status, body) = api
        .post(
            &format!("/api/sessions/{session}/messages"),
            Some(carla),
            json!({ "content": "Order 1234.", "client_msg_id": "carla-1" }),
        )
        .await;
    assert_eq!(
        (status, &body["message"]["seq"]),
        (201, &json!(4)),
        "{body}"
    );
    let (status, body) = api
        .post(
            &format!("/api/sessions/{session}/messages"),
            Some(&earlier),
            json!({ "content": "Shipped!" }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["message"]["seq"], CONVERSATION.len() as i64 + 1);
}

#[tokio::test]
async fn a_data_directory_made_by_an_earlier_release_is_served_after_an_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
    for name in ["raasel.db", "jwt-secret"] {
        let copy = data.join(name);
        std::fs::copy(Path::new(FIXTURES).join("sqlite").join(name), &copy).unwrap();
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let secret = std::fs::read_to_string(data.join("jwt-secret")).unwrap();
    let server = ServerProcess::start_on(&data, None, &[]).await;
    check_upgraded(&Api::of(&server), secret.trim()).await;
    assert_eq!(
        std::fs::read_to_string(data.join("jwt-secret")).unwrap(),
        secret,
        "the token secret was replaced"
    );
    let out = raasel(&[
        "migrate".as_ref(),
        "--status".as_ref(),
        "--data-dir".as_ref(),
        data.as_os_str(),
    ])
    .await;
    assert_eq!(statuses(&out), every(migrate::SQLITE, "applied"));
}

#[tokio::test]
async fn a_postgres_database_made_by_an_earlier_release_is_served_after_an_upgrade() {
    let url = fresh_postgres_schema().await;
    let schema = url
        .rsplit_once("search_path]=")
        .map(|(_, s)| s.to_string())
        .unwrap();
    // The dump names its own schema; it is loaded into this test's instead.
    let dump = std::fs::read_to_string(Path::new(FIXTURES).join("postgres.sql")).unwrap();
    let sql = dump
        .replace("CREATE SCHEMA raasel_fixture_23914b2;", "")
        .replace("raasel_fixture_23914b2", &schema);
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&test_postgres().unwrap())
        .await
        .unwrap();
    sqlx::raw_sql(&sql)
        .execute(&mut conn)
        .await
        .expect("the fixture loads");
    let secret: String = sqlx::query_scalar(&format!(
        "SELECT value FROM {schema}.installation WHERE key = 'token_secret'"
    ))
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start_on(dir.path(), Some(url.as_str()), &[]).await;
    check_upgraded(&Api::of(&server), &secret).await;
    let out = raasel_command()
        .args(["migrate", "--status", "--database-url", &url])
        .output()
        .await
        .unwrap();
    assert_eq!(statuses(&out), every(migrate::POSTGRES, "applied"));
}
