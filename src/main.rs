//! `raasel`: parse the command line, set up logging, run the chosen command.

use clap::Parser;
use raasel::config::{Cli, Command};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    raasel::server::return_large_allocations();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        // Logs to stderr; stdout carries the admin commands' answers.
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve(args) => {
            raasel::auth::set_hash_concurrency(args.password_hashes);
            raasel::app::run(args).await
        }
        Command::Migrate(args) => raasel::cli::migrate(args).await,
        Command::CreateOrganization(args) => raasel::cli::create_organization(args).await,
        Command::CreateAgent(args) => raasel::cli::create_agent(args).await,
    }
}
