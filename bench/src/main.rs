//! `raasel-bench`: load scenarios against a Raasel server over its public REST API and
//! Socket.IO protocol, each printing a table and writing a JSON report.

mod api;
mod cli;
mod connections;
mod hist;
mod history;
mod http;
mod logins;
mod messages;
mod metrics;
mod procfs;
mod report;
mod reports;
mod search;
mod server;
mod sio;
mod smoke;
mod startup;
mod uploads;
mod usage;
mod workers;

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use serde::{Deserialize, Serialize};

use cli::{Cli, Scenario, ServerOpts, WorkerArgs};
use report::Report;
use server::Server;

/// The work a worker process is started for.
#[derive(Serialize, Deserialize)]
pub enum Job {
    Messages(messages::plan::Plan),
    Connections(connections::plan::Plan),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> ExitCode {
    procfs::raise_open_files();
    let outcome = match &cli.scenario {
        Scenario::Worker(w) => return worker(w).await,
        Scenario::Smoke => smoke::run(&cli.server).await,
        Scenario::Startup(a) => startup::run(&cli.server, cli.out.as_deref(), a).await,
        scenario => run_scenario(&cli.server, cli.out.as_deref(), scenario).await,
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("raasel-bench: {e:#}");
            ExitCode::from(2)
        }
    }
}

pub fn scenario_name(s: &Scenario) -> &'static str {
    match s {
        Scenario::Messages(_) => "messages",
        Scenario::Connections(_) => "connections",
        Scenario::Logins(_) => "logins",
        Scenario::History(_) => "history",
        Scenario::Http(_) => "http",
        Scenario::Search(_) => "search",
        Scenario::Startup(_) => "startup",
        Scenario::Uploads(_) => "uploads",
        Scenario::Reports(_) => "reports",
        Scenario::Smoke => "smoke",
        Scenario::Worker(_) => "worker",
    }
}

/// Starts (or reaches) the server, runs one scenario, stops the server, prints the table and
/// writes the JSON report. `Ok(false)` when a correctness check failed.
pub async fn run_scenario(
    opts: &ServerOpts,
    out: Option<&Path>,
    scenario: &Scenario,
) -> Result<bool> {
    let name = scenario_name(scenario);
    let machine = procfs::machine();
    // The search scenario may keep its seeded data in a directory of its own.
    let dir = match scenario {
        Scenario::Search(a) => {
            search::validate(a)?;
            search::check_seed_dir(a, &server::store_key(opts))?;
            a.seed_dir.as_deref()
        }
        Scenario::Uploads(a) => {
            uploads::validate(a)?;
            None
        }
        Scenario::Reports(a) => {
            reports::validate(a)?;
            None
        }
        _ => None,
    };
    let mut server = Server::start_in(opts, dir).await?;
    eprintln!("{name}: server at {} (pid {:?})", server.base, server.pid);
    let result = dispatch(scenario, &server).await;
    let log = server.stop().await;
    let mut report = result?;
    if server.info.managed {
        report.row(
            "server log",
            format!("{} errors, {} warnings", log.errors, log.warnings),
        );
        report.check(
            "server logged no error",
            log.errors == 0,
            log.first_error.clone().unwrap_or_default(),
        );
    } else {
        report.row("server log", "not read (a server started elsewhere)");
    }
    report.print(name);
    let ctx = report::Context {
        scenario: name,
        params: params(scenario),
        server: &server.info,
        server_log: &log,
        machine: &machine,
    };
    let path = report::write(out, name, &report::document(&ctx, &report))?;
    println!("  report: {}", path.display());
    Ok(report.passed())
}

async fn dispatch(scenario: &Scenario, server: &Server) -> Result<Report> {
    match scenario {
        Scenario::Messages(a) => messages::run(a, server).await,
        Scenario::Connections(a) => connections::run(a, server).await,
        Scenario::Logins(a) => logins::run(a, server).await,
        Scenario::History(a) => history::run(a, server).await,
        Scenario::Http(a) => http::run(a, server).await,
        Scenario::Search(a) => search::run(a, server).await,
        Scenario::Uploads(a) => uploads::run(a, server).await,
        Scenario::Reports(a) => reports::run(a, server).await,
        Scenario::Startup(_) | Scenario::Smoke | Scenario::Worker(_) => {
            unreachable!("not a scenario on one started server")
        }
    }
}

fn params(scenario: &Scenario) -> serde_json::Value {
    let v = match scenario {
        Scenario::Messages(a) => serde_json::to_value(a),
        Scenario::Connections(a) => serde_json::to_value(a),
        Scenario::Logins(a) => serde_json::to_value(a),
        Scenario::History(a) => serde_json::to_value(a),
        Scenario::Http(a) => serde_json::to_value(a),
        Scenario::Search(a) => serde_json::to_value(a),
        Scenario::Startup(a) => serde_json::to_value(a),
        Scenario::Uploads(a) => serde_json::to_value(a),
        Scenario::Reports(a) => serde_json::to_value(a),
        Scenario::Smoke | Scenario::Worker(_) => Ok(serde_json::Value::Null),
    };
    v.unwrap_or_default()
}

/// A worker process: runs its share of the job in the plan, talking to the parent.
async fn worker(args: &WorkerArgs) -> ExitCode {
    let mut parent = workers::Parent::new();
    let result = async {
        let job: Job = serde_json::from_slice(&std::fs::read(&args.plan)?)?;
        match job {
            Job::Messages(plan) => {
                messages::worker::work(plan, args.index, args.count, &mut parent).await
            }
            Job::Connections(plan) => {
                connections::worker::work(plan, args.index, args.count, &mut parent).await
            }
        }
    }
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = parent.tell(&serde_json::json!({ "worker_failed": format!("{e:#}") }));
            ExitCode::from(2)
        }
    }
}
