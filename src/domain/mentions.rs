//! `@name` in a private note mentions a teammate.

use super::ids::AgentId;
use super::model::Agent;

/// The agents a note mentions: `@` followed by an agent's full name or first name (any case),
/// not followed by a letter or digit. The writer never mentions themselves.
pub fn mentioned(content: &str, agents: &[Agent], writer: AgentId) -> Vec<AgentId> {
    let text = content.to_lowercase();
    let mut found: Vec<AgentId> = agents
        .iter()
        .filter(|a| a.id != writer)
        .filter(|a| {
            let full = a.name.to_lowercase();
            let first = full
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            [full, first]
                .iter()
                .filter(|n| !n.is_empty())
                .any(|n| mentions_name(&text, n))
        })
        .map(|a| a.id)
        .collect();
    found.sort();
    found.dedup();
    found
}

fn mentions_name(text: &str, name: &str) -> bool {
    let needle = format!("@{name}");
    text.match_indices(&needle).any(|(at, m)| {
        let before_ok = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = text[at + m.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        before_ok && after_ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures;

    #[test]
    fn full_and_first_names_mention_but_not_inside_words_or_oneself() {
        let org = crate::domain::OrgId::new();
        let mut jane = fixtures::agent(org, crate::domain::model::Role::Agent);
        jane.name = "Jane Doe".into();
        let mut john = fixtures::agent(org, crate::domain::model::Role::Agent);
        john.name = "John".into();
        let agents = vec![jane.clone(), john.clone()];
        assert_eq!(
            mentioned("ask @jane please", &agents, john.id),
            vec![jane.id]
        );
        assert_eq!(mentioned("@Jane Doe, see", &agents, john.id), vec![jane.id]);
        assert!(mentioned("mail jane@example.com", &agents, john.id).is_empty());
        assert!(mentioned("@janet", &agents, john.id).is_empty());
        assert!(mentioned("@john", &agents, john.id).is_empty());
        let mut both = mentioned("@jane and @john", &agents, AgentId::new());
        both.sort();
        let mut want = vec![jane.id, john.id];
        want.sort();
        assert_eq!(both, want);
    }
}

/// A teammate was mentioned in a private note.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Mention {
    pub id: uuid::Uuid,
    pub organization_id: super::ids::OrgId,
    /// Who was mentioned.
    pub agent_id: AgentId,
    pub session_id: super::ids::SessionId,
    /// The note's place in the conversation.
    pub seq: i64,
    pub author_name: String,
    /// The note's first characters.
    pub excerpt: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[schema(required = true)]
    pub read_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Most mentions kept per agent: older ones make room.
pub const MAX_KEPT_PER_AGENT: i64 = 200;
/// Characters of the note a mention shows.
pub const EXCERPT_CHARS: usize = 140;

/// The start of a note, as a mention shows it.
pub fn excerpt(content: &str) -> String {
    let mut s: String = content.chars().take(EXCERPT_CHARS).collect();
    if content.chars().count() > EXCERPT_CHARS {
        s.push('…');
    }
    s
}
