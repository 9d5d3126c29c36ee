//! The set-up the parent makes once and hands to every worker.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Plan {
    /// The server, then any other nodes; socket `i` goes to node `i % len`.
    pub nodes: Vec<SocketAddr>,
    pub base: String,
    pub rate: f64,
    pub warmup: f64,
    pub duration: f64,
    pub drain: f64,
    pub size: usize,
    pub agents: Vec<AgentSeat>,
    pub customers: Vec<CustomerSeat>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AgentSeat {
    pub index: usize,
    pub org: usize,
    pub token: String,
}

/// A customer with its one conversation, and the agent assigned to it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CustomerSeat {
    pub index: usize,
    pub org: usize,
    pub token: String,
    pub session: String,
    pub agent: usize,
}

/// Parent → worker: start sending at this time.
#[derive(Debug, Serialize, Deserialize)]
pub struct Go {
    pub start_unix_ns: u64,
}

/// Worker → parent: sockets connected, ready to start.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Ready {
    pub agents: usize,
    pub customers: usize,
    pub errors: Vec<String>,
}
