//! `smoke`: every scenario with tiny numbers, each against its own fresh server; fails when a
//! correctness check fails. Timings are printed but never judged.

use anyhow::Result;

use crate::cli::{
    ConnectionsArgs, HistoryArgs, HttpArgs, LoginsArgs, MessagesArgs, ReportsArgs, Scenario,
    SearchArgs, ServerOpts, StartupArgs, UploadsArgs,
};

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario::Messages(MessagesArgs {
            rate: 200.0,
            duration: 1.0,
            warmup: 0.5,
            orgs: 2,
            agents_per_org: 3,
            conversations: 40,
            size: 100,
            processes: 2,
            drain: 20.0,
            nodes: vec![],
        }),
        Scenario::Connections(ConnectionsArgs {
            sockets: 200,
            per_account: 2,
            processes: 2,
            steps: 2,
            concurrency: 16,
            hold: 0.5,
            local_addresses: 4,
        }),
        Scenario::Logins(LoginsArgs {
            count: 20,
            accounts: 4,
            concurrency: None,
            after: 0.5,
        }),
        Scenario::History(HistoryArgs {
            fill_messages: 2000,
            fill_conversations: 20,
            fill_orgs: 4,
            fill_senders: 5,
            fill_window: 8,
            requests: 50,
            concurrency: 4,
        }),
        Scenario::Http(HttpArgs {
            p99_bound_ms: 60_000.0,
            step: 0.5,
            factor: 2.0,
            max_steps: 2,
            login_start: 4.0,
            list_start: 20.0,
            list_size: 5,
        }),
        Scenario::Search(SearchArgs {
            messages: 2000,
            conversations: 40,
            searchers: 4,
            senders: 5,
            window: 8,
            text_seed: 1,
            seed_dir: None,
            rate: 8.0,
            duration: 2.0,
            warmup: 0.5,
        }),
        Scenario::Uploads(UploadsArgs {
            size_mib: 0.25,
            uploads: 20,
            concurrency: 5,
            memory_uploads: 5,
            memory_small_mib: 0.0625,
            memory_large_mib: 0.25,
            settle: 0.2,
            verify: 5,
        }),
        Scenario::Reports(ReportsArgs {
            conversations: 200,
            agents: 4,
            teams: 2,
            answered_percent: 90,
            still_open: 10,
            keep_waiting: false,
            seed_concurrency: 16,
            requests: 4,
            concurrency: 2,
        }),
        Scenario::Startup(StartupArgs { runs: 2, idle: 0.2 }),
    ]
}

pub async fn run(opts: &ServerOpts) -> Result<bool> {
    let dir = std::env::temp_dir().join(format!("raasel-bench-smoke-{}", std::process::id()));
    let (mut passed, mut failed) = (0, 0);
    for scenario in scenarios() {
        let name = crate::scenario_name(&scenario);
        let out = dir.join(format!("{name}.json"));
        let started = std::time::Instant::now();
        let outcome = match &scenario {
            Scenario::Startup(a) => crate::startup::run(opts, Some(&out), a).await,
            _ => crate::run_scenario(opts, Some(&out), &scenario).await,
        };
        match outcome {
            Ok(true) => {
                passed += 1;
                println!(
                    "smoke: {name} passed in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(false) => {
                failed += 1;
                println!("smoke: {name} FAILED a check");
            }
            Err(e) => {
                failed += 1;
                println!("smoke: {name} FAILED: {e:#}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("\nsmoke: {passed} passed, {failed} failed");
    Ok(failed == 0)
}
