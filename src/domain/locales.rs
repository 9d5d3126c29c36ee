//! The languages the widget and the customer app speak, and the organization's own texts
//! (welcome, offline) per language.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::input::{self, Parsed};

/// A language customers are spoken to in.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Locale {
    #[default]
    En,
    De,
    Fr,
    Es,
    /// Arabic, written right to left.
    Ar,
}

/// The organization's own texts in one language; a missing one falls back to its default text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Texts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub welcome_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offline_message: Option<String>,
}

pub type TextsByLocale = BTreeMap<Locale, Texts>;

/// Checks the texts an admin sends: each a setting text; blank ones are dropped.
pub fn texts(mut sent: TextsByLocale) -> Parsed<TextsByLocale> {
    for (locale, t) in sent.iter_mut() {
        for (name, text) in [
            ("welcome_message", &mut t.welcome_message),
            ("offline_message", &mut t.offline_message),
        ] {
            if let Some(s) = text.take() {
                let s = input::setting_text(&s).map_err(|e| {
                    let code = serde_json::to_value(locale).unwrap_or_default();
                    format!("{}.{name}: {e}", code.as_str().unwrap_or_default())
                })?;
                *text = (!s.is_empty()).then_some(s);
            }
        }
    }
    sent.retain(|_, t| t.welcome_message.is_some() || t.offline_message.is_some());
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_texts_are_dropped_and_bad_ones_named() {
        let sent: TextsByLocale = serde_json::from_value(serde_json::json!({
            "de": { "welcome_message": "Hallo!", "offline_message": "  " },
            "fr": { "welcome_message": "" }
        }))
        .unwrap();
        let kept = texts(sent).unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[&Locale::De].welcome_message.as_deref(), Some("Hallo!"));
        assert_eq!(kept[&Locale::De].offline_message, None);
        let bad: TextsByLocale = serde_json::from_value(
            serde_json::json!({ "ar": { "welcome_message": "x".repeat(1001) } }),
        )
        .unwrap();
        assert!(texts(bad).unwrap_err().starts_with("ar.welcome_message"));
        assert!(serde_json::from_value::<TextsByLocale>(serde_json::json!({ "xx": {} })).is_err());
    }
}
