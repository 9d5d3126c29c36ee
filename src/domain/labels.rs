//! Labels an organization defines and puts on its conversations.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::{LabelId, OrgId};
use super::input::{self, Parsed};

/// Most labels one organization defines.
pub const MAX_LABELS_PER_ORG: i64 = 100;
/// Most labels on one conversation.
pub const MAX_LABELS_PER_SESSION: usize = 10;
const MAX_LABEL_NAME_CHARS: usize = 40;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Label {
    pub id: LabelId,
    pub organization_id: OrgId,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A label's name: one line of 1 to 40 characters.
pub fn name(s: Option<&str>) -> Parsed<String> {
    input::text(s.ok_or("is required")?, MAX_LABEL_NAME_CHARS)
}

/// The labels to put on a conversation: at most `MAX_LABELS_PER_SESSION`, each once, each one
/// of the organization's (`known`), in a stable order.
pub fn for_session(wanted: &[LabelId], known: &[Label]) -> Parsed<Vec<LabelId>> {
    let mut ids: Vec<LabelId> = wanted.to_vec();
    ids.sort();
    ids.dedup();
    if ids.len() > MAX_LABELS_PER_SESSION {
        return Err(format!("must hold at most {MAX_LABELS_PER_SESSION} labels"));
    }
    if let Some(unknown) = ids.iter().find(|id| !known.iter().any(|l| l.id == **id)) {
        return Err(format!("{unknown} is not a label of this organization"));
    }
    Ok(ids)
}

/// The ids among `labels` that still name one of the organization's labels (a deleted label
/// leaves conversations without rewriting them).
pub fn existing(labels: &[LabelId], known: &[Label]) -> Vec<LabelId> {
    labels
        .iter()
        .copied()
        .filter(|id| known.iter().any(|l| l.id == *id))
        .collect()
}

/// Stored form of a conversation's labels: ids joined by commas.
pub fn encode(labels: &[LabelId]) -> String {
    labels
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads the stored form back; an unreadable entry is dropped rather than failing the read.
pub fn decode(stored: &str) -> Vec<LabelId> {
    stored.split(',').filter_map(|s| s.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(name: &str) -> Label {
        Label {
            id: LabelId::new(),
            organization_id: OrgId::new(),
            name: name.into(),
            color: "#ff0000".into(),
            created_at: super::super::model::now(),
        }
    }

    #[test]
    fn a_session_takes_known_labels_once_and_at_most_ten() {
        let known: Vec<Label> = (0..12).map(|i| label(&format!("l{i}"))).collect();
        let ids: Vec<LabelId> = known.iter().map(|l| l.id).collect();
        assert_eq!(
            for_session(&[ids[1], ids[1], ids[0]], &known)
                .unwrap()
                .len(),
            2
        );
        assert!(for_session(&ids[..11], &known).is_err());
        assert!(for_session(&[LabelId::new()], &known).is_err());
    }

    #[test]
    fn stored_labels_read_back_and_deleted_ones_drop_out() {
        let known = [label("vip"), label("bug")];
        let ids = vec![known[0].id, known[1].id];
        assert_eq!(decode(&encode(&ids)), ids);
        assert_eq!(decode(""), vec![]);
        assert_eq!(existing(&ids, &known[..1]), vec![known[0].id]);
    }
}
