//! The product's entities and rules, free of HTTP, sockets and SQL.

pub mod assignment;
/// Entities with plausible defaults, for the test suites.
pub mod fixtures;
pub mod ids;
pub mod input;
pub mod model;
pub mod notes;
pub mod permissions;
pub mod visitors;

pub use ids::{AgentId, ClientId, MessageId, OrgId, SessionId};
