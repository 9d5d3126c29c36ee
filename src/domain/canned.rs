//! Canned replies: texts an agent inserts with `/shortcut`, kept by the organization (its
//! supervisors and admins) or by one agent for themselves.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::{AgentId, CannedReplyId, OrgId};
use super::input::{self, Parsed};

/// Most replies an organization shares.
pub const MAX_SHARED_PER_ORG: i64 = 500;
/// Most personal replies one agent keeps.
pub const MAX_PERSONAL_PER_AGENT: i64 = 100;
const MAX_SHORTCUT_CHARS: usize = 32;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CannedReply {
    pub id: CannedReplyId,
    pub organization_id: OrgId,
    /// The agent who keeps it for themselves; `null` for the organization's shared replies.
    #[schema(required = true)]
    pub owner_id: Option<AgentId>,
    /// Typed after `/` in the composer: lower-case letters, digits, `-` and `_`.
    pub shortcut: String,
    /// May hold `{{customer.name}}`, `{{agent.name}}` and `{{organization.name}}`.
    pub content: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// 1 to 32 of `a-z`, `0-9`, `-`, `_` (so `/` plus it is one word in the composer).
pub fn shortcut(s: Option<&str>) -> Parsed<String> {
    let s = s.ok_or("is required")?.trim();
    let ok = !s.is_empty()
        && s.chars().count() <= MAX_SHORTCUT_CHARS
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "must be 1 to {MAX_SHORTCUT_CHARS} of a-z, 0-9, - and _"
        ))
    }
}

/// The reply's text: like a message, 1 to 4,000 characters.
pub fn content(s: Option<&str>) -> Parsed<String> {
    input::content(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_one_lower_case_word() {
        assert_eq!(shortcut(Some(" refund-1 ")).unwrap(), "refund-1");
        for bad in ["", "Refund", "two words", "/x", &"a".repeat(33)] {
            assert!(shortcut(Some(bad)).is_err(), "{bad:?}");
        }
        assert!(shortcut(None).is_err());
    }
}
