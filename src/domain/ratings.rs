//! How customers rate a closed conversation (CSAT): a score of 1 to 5, shown as numbers or as
//! faces, with an optional comment; one rating per conversation.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::input::{self, Parsed};
use super::model::Timestamp;

const MAX_COMMENT_CHARS: usize = 1000;

/// How the organization asks for a rating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RatingStyle {
    /// Customers are not asked.
    Off,
    /// 1 to 5.
    #[default]
    Numbers,
    /// Five faces, from very unhappy (1) to very happy (5).
    Faces,
}

/// A customer's rating of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Rating {
    /// 1 (bad) to 5 (good).
    pub score: u8,
    #[schema(required = true)]
    pub comment: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub rated_at: Timestamp,
}

/// A score: a whole number from 1 to 5.
pub fn score(v: Option<i64>) -> Parsed<u8> {
    match v {
        Some(n @ 1..=5) => Ok(n as u8),
        Some(_) => Err("must be a whole number from 1 to 5".into()),
        None => Err("is required".into()),
    }
}

/// An optional comment of at most 1000 characters; blank is none.
pub fn comment(v: Option<&str>) -> Parsed<Option<String>> {
    match v.map(str::trim) {
        None | Some("") => Ok(None),
        Some(c) => input::multiline_text(c, MAX_COMMENT_CHARS).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_one_to_five_and_comments_are_bounded() {
        assert_eq!(score(Some(1)), Ok(1));
        assert_eq!(score(Some(5)), Ok(5));
        assert!(score(Some(0)).is_err());
        assert!(score(Some(6)).is_err());
        assert!(score(None).is_err());
        assert_eq!(comment(Some("  ")), Ok(None));
        assert_eq!(comment(Some(" great ")), Ok(Some("great".into())));
        assert!(comment(Some(&"x".repeat(1001))).is_err());
    }
}
