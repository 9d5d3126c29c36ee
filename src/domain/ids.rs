//! Newtype identifiers, so an agent id can never be passed where a session id is expected.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered (v7) id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )+};
}

id_type!(
    /// An organization (tenant).
    OrgId,
    /// An agent of one organization.
    AgentId,
    /// A registered customer or a widget visitor.
    ClientId,
    /// A conversation.
    SessionId,
    /// One message of a conversation.
    MessageId,
    /// A label an organization puts on conversations.
    LabelId,
    /// A saved reply of an organization or of one agent.
    CannedReplyId,
    /// A team of agents of one organization.
    TeamId,
    /// A file uploaded into a conversation.
    AttachmentId,
    /// One sign-in of an agent: a browser or a script holding its token.
    DeviceId,
);
