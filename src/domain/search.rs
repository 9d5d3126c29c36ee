//! Searching an organization's conversations: what a query may be, and the snippet a result
//! shows. The stores find; this decides what is asked and how a hit is shown.

use serde::Serialize;
use utoipa::ToSchema;

use super::input::{self, Parsed};

/// Longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words of a query that take part in the search.
pub const MAX_TERMS: usize = 8;
/// Most results of one search.
pub const MAX_RESULTS: u32 = 20;
/// Characters of context a snippet keeps around the first match.
const SNIPPET_CONTEXT: usize = 60;

/// A parsed query: its text (for names and e-mails) and its words (for messages).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub text: String,
    /// Lower-case words of letters and digits, each matched as a prefix.
    pub terms: Vec<String>,
}

/// A query is one line of 1 to 200 characters with at least one letter or digit.
pub fn query(q: Option<&str>) -> Parsed<Query> {
    let text = input::text(q.ok_or("is required")?, MAX_QUERY_CHARS)?;
    let terms = words(&text);
    if terms.is_empty() {
        return Err("must contain a letter or a digit".into());
    }
    Ok(Query { text, terms })
}

fn words(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let w = w.to_lowercase();
        if !terms.contains(&w) {
            terms.push(w);
        }
    }
    terms.truncate(MAX_TERMS);
    terms
}

/// A piece of a message with the parts that matched, as character ranges of `text`, so a
/// screen can mark them without reading the text as markup.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Snippet {
    pub text: String,
    /// `[start, end)` character offsets into `text`.
    pub highlights: Vec<[usize; 2]>,
}

/// The part of `content` around the first word starting with a term, with every such word
/// marked.
pub fn snippet(content: &str, terms: &[String]) -> Snippet {
    let chars: Vec<char> = content.chars().collect();
    let lower: Vec<char> = content.to_lowercase().chars().collect();
    // Lower-casing may change the length of some characters; mark nothing rather than wrongly.
    let words = if lower.len() == chars.len() {
        matching_words(&lower, terms)
    } else {
        Vec::new()
    };
    let first = words.first().map(|w| w[0]).unwrap_or(0);
    let start = first.saturating_sub(SNIPPET_CONTEXT);
    let end = (first + SNIPPET_CONTEXT * 2).min(chars.len()).max(start);
    let mut text: String = chars[start..end].iter().collect();
    let offset = if start > 0 {
        text.insert(0, '…');
        1
    } else {
        0
    };
    if end < chars.len() {
        text.push('…');
    }
    let highlights = words
        .into_iter()
        .filter(|w| w[0] >= start && w[1] <= end)
        .map(|w| [w[0] - start + offset, w[1] - start + offset])
        .collect();
    Snippet { text, highlights }
}

/// Character ranges of the words of `text` that start with one of the terms.
fn matching_words(text: &[char], terms: &[String]) -> Vec<[usize; 2]> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !text[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < text.len() && text[i].is_alphanumeric() {
            i += 1;
        }
        let word: String = text[start..i].iter().collect();
        if terms.iter().any(|t| word.starts_with(t.as_str())) {
            found.push([start, i]);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_bounded_words() {
        let q = query(Some("  Refund, REFUND order-42 ")).unwrap();
        assert_eq!(q.terms, vec!["refund", "order", "42"]);
        assert!(query(Some("   ")).is_err());
        assert!(query(Some("%%%")).is_err());
        assert!(query(Some(&"a".repeat(201))).is_err());
        assert!(query(None).is_err());
        let many = (0..20)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(query(Some(&many)).unwrap().terms.len(), MAX_TERMS);
    }

    #[test]
    fn snippets_mark_prefix_matches_around_the_first() {
        let s = snippet("Where is my refund? Refunds take days", &["refund".into()]);
        assert_eq!(s.text, "Where is my refund? Refunds take days");
        assert_eq!(s.highlights, vec![[12, 18], [20, 27]]);
        let long = format!("{} needle {}", "a ".repeat(100), "b ".repeat(100));
        let s = snippet(&long, &["needle".into()]);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        let [a, b] = s.highlights[0];
        let marked: String = s.text.chars().skip(a).take(b - a).collect();
        assert_eq!(marked, "needle");
    }
}
