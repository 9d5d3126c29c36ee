//! The product's entities and rules, free of HTTP, sockets and SQL.

pub mod api_tokens;
pub mod assignment;
pub mod attachments;
pub mod audit;
pub mod availability;
pub mod canned;
pub mod clock;
pub mod contacts;
pub mod devices;
pub mod email;
/// Entities with plausible defaults, for the test suites.
pub mod fixtures;
pub mod hours;
pub mod ids;
pub mod input;
pub mod labels;
pub mod locales;
pub mod mentions;
pub mod model;
pub mod notes;
pub mod origins;
pub mod permissions;
pub mod prechat;
pub mod ratings;
pub mod reports;
pub mod search;
pub mod second_factor;
pub mod sso;
pub mod teams;
pub mod visitors;
pub mod webhooks;

pub use ids::{
    AgentId, AttachmentId, CannedReplyId, ClientId, DeviceId, LabelId, MessageId, OrgId, SessionId,
    TeamId,
};
