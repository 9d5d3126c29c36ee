//! `raasel`: parse the command line, set up logging, run the chosen command.

use clap::Parser;
use raasel::config::{Cli, Command};

/// Rust's allocations: mimalloc (a sixth less server CPU per message than glibc's malloc
/// at saturation; see docs/benchmarks.md), with the process tuned by `raasel::server::tune_memory`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    raasel::server::tune_memory();
    let cli = Cli::parse();
    // Logs go to stderr; stdout carries the admin commands' answers.
    raasel::telemetry::logs::init(cli.log_format);
    match cli.command {
        Command::Serve(args) => {
            raasel::auth::set_hash_concurrency(args.password_hashes);
            raasel::app::run(args).await
        }
        Command::Migrate(args) => raasel::cli::migrate(args).await,
        Command::Backup(args) => raasel::cli::backup(args).await,
        Command::Restore(args) => raasel::cli::restore(args).await,
        Command::CreateOrganization(args) => raasel::cli::create_organization(args).await,
        Command::CreateAgent(args) => raasel::cli::create_agent(args).await,
        Command::Move(args) => raasel::cli::move_to_postgres(args).await,
        Command::MoveMessages(args) => raasel::cli::move_messages_to_cassandra(args).await,
    }
}
