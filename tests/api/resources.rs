//! Bounds on what clients can make the server hold: password hashing memory, guesses.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::json;

use crate::process::ServerProcess;
use crate::support::*;

const MIB: u64 = 1024;

#[tokio::test]
async fn a_burst_of_logins_hashes_a_few_at_a_time_and_gives_the_memory_back() {
    let server = ServerProcess::start(&["--demo", "--password-hashes", "2"]).await;
    let http = reqwest::Client::new();
    let login = |password: &'static str| {
        let (http, url) = (http.clone(), server.url.clone());
        async move {
            http.post(format!("{url}/api/agents/login"))
                .json(&json!({ "email": "jane@sample.com", "password": password }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(login("password123").await, 200);
    let before = server.rss_kib();

    let peak = Arc::new(AtomicU64::new(before));
    let sampling = {
        let (peak, pid) = (peak.clone(), server.pid());
        tokio::spawn(async move {
            loop {
                if let Some(rss) = rss_of(pid) {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                // The sampling rate, not a wait: the sampler runs until the burst is over.
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let burst = (0..40).map(|i| {
        login(if i % 2 == 0 {
            "wrong guess!"
        } else {
            "password123"
        })
    });
    let statuses = futures_util::future::join_all(burst).await;
    sampling.abort();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 20);
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 20);

    // Two hashes of ~19 MiB at a time, not forty.
    let grew = peak.load(Ordering::Relaxed).saturating_sub(before);
    assert!(
        grew < 64 * MIB,
        "RSS grew by {} MiB during the burst",
        grew / MIB
    );
    wait_until(
        "RSS returns to within 12 MiB of its level before the burst",
        Duration::from_secs(10),
        || {
            let now = server.rss_kib();
            async move { now < before + 12 * MIB }
        },
    )
    .await;
}

fn rss_of(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[tokio::test]
async fn guessing_the_current_password_is_throttled_like_logins() {
    let app = spawn_app_with(|a| a.auth_rate_per_minute = 5).await;
    let org = app.signup_org("Guarded").await;
    let path = format!("/api/agents/{}/password", org.admin_id);
    let guess = json!({ "current_password": "not it at all", "new_password": "a brand new one" });
    for _ in 0..5 {
        let res = app.put(&path, Some(&org.admin_token), guess.clone()).await;
        assert_error(&res, 400, "validation_failed");
    }
    let res = app.put(&path, Some(&org.admin_token), guess.clone()).await;
    assert_error(&res, 429, "rate_limited");
    // The right password is refused too while the account is throttled.
    let right = json!({ "current_password": PASSWORD, "new_password": "a brand new one" });
    assert_error(
        &app.put(&path, Some(&org.admin_token), right).await,
        429,
        "rate_limited",
    );
}

#[tokio::test]
async fn rate_limit_keys_and_drain_locks_are_forgotten_when_idle() {
    // At 60,000 per minute a key's budget refills within a millisecond.
    let app = spawn_app_with(|a| a.auth_rate_per_minute = 60_000).await;
    for i in 0..200 {
        let body = json!({ "email": format!("nobody{i}@example.com"), "password": "x" });
        let (status, _) = app.post("/api/clients/login", None, body).await;
        assert_eq!(status, 401);
    }
    let limits = &app.server.app.limits;
    assert!(
        limits.keys() >= 200,
        "attacker-chosen keys are tracked while active"
    );
    wait_until(
        "pruning forgets refilled keys",
        Duration::from_secs(5),
        || async {
            limits.prune();
            limits.keys() == 0
        },
    )
    .await;

    for i in 0..20 {
        let org = app.signup_org(&format!("Drained{i}")).await;
        let _admin = app.socket(&org.admin_token).await;
        let client = app.register_client().await;
        app.open_session(&client, &org, Some("hello")).await;
    }
    assert_eq!(app.server.app.chat.drains_in_progress(), 0);
}
