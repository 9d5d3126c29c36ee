//! What the parent hands the workers of the connections scenario, and what they answer.

use std::net::{IpAddr, SocketAddr};

use serde::{Deserialize, Serialize};

use crate::hist::Counts;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Plan {
    pub server: SocketAddr,
    /// One token per socket (an account's token repeats when it has several sockets).
    pub tokens: Vec<String>,
    pub steps: usize,
    pub concurrency: usize,
    /// Local addresses the sockets connect from, in turn.
    pub locals: Vec<IpAddr>,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Command {
    /// Open sockets until `k / steps` of this worker's share is open.
    Step(usize),
    /// Say how many sockets are still open, then exit.
    Check,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct StepDone {
    pub connected: usize,
    pub failed: usize,
    pub errors: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Checked {
    pub open: usize,
    pub closed: usize,
    pub connect_latency: Counts,
}
