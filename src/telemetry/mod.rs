//! What an operator sees: logs and metrics.

pub mod logs;
pub mod metrics;
mod process;
