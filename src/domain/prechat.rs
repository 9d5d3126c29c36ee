//! The pre-chat form: what an organization asks before the first message (name, e-mail,
//! phone, up to five fields of its own), each off, optional or required. The answers land in
//! the customer's contact (custom attributes for the phone and the organization's fields).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::input::{self, FieldErrors, Parsed};

/// Most fields of its own an organization asks.
pub const MAX_CUSTOM_FIELDS: usize = 5;
const MAX_KEY_CHARS: usize = 32;
const MAX_LABEL_CHARS: usize = 60;
/// Longest answer to one question.
pub const MAX_ANSWER_CHARS: usize = 200;

/// Whether a question is asked, and whether it must be answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ask {
    #[default]
    Off,
    Optional,
    Required,
}

/// A question of the organization's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomField {
    /// `a-z`, `0-9` and `_`, at most 32 characters: the contact attribute it fills.
    pub key: String,
    /// What the customer reads, at most 60 characters.
    pub label: String,
    pub required: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PrechatForm {
    pub name: Ask,
    pub email: Ask,
    pub phone: Ask,
    pub custom: Vec<CustomField>,
}

/// A customer's answers as sent.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PrechatAnswers {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The organization's own questions by key.
    pub fields: BTreeMap<String, String>,
}

/// The answers, checked: what lands in the customer's contact.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answered {
    pub name: Option<String>,
    pub email: Option<String>,
    /// The phone and the organization's fields, as contact attributes.
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// An answer with something in it.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl PrechatForm {
    /// Checks a form an admin sends.
    pub fn validate(&self) -> Parsed<()> {
        if self.custom.len() > MAX_CUSTOM_FIELDS {
            return Err(format!("custom: at most {MAX_CUSTOM_FIELDS} fields"));
        }
        let mut keys = std::collections::HashSet::new();
        for f in &self.custom {
            let key_ok = !f.key.is_empty()
                && f.key.len() <= MAX_KEY_CHARS
                && f.key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !key_ok {
                return Err(format!(
                    "custom: key {:?} must be 1 to {MAX_KEY_CHARS} of a-z, 0-9 and _",
                    f.key
                ));
            }
            if matches!(f.key.as_str(), "name" | "email" | "phone") || !keys.insert(&f.key) {
                return Err(format!("custom: key {:?} is taken", f.key));
            }
            input::text(&f.label, MAX_LABEL_CHARS).map_err(|e| format!("custom: label {e}"))?;
        }
        Ok(())
    }

    /// Whether anything is asked at all.
    pub fn asks(&self) -> bool {
        [self.name, self.email, self.phone]
            .iter()
            .any(|a| *a != Ask::Off)
            || !self.custom.is_empty()
    }

    /// Checks the answers against the form: every required one present, every one well
    /// formed; answers to questions not asked are ignored. Problems are named
    /// `prechat.<question>`.
    pub fn check(&self, answers: &PrechatAnswers) -> Result<Answered, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut out = Answered::default();
        let mut one = |field: &str, ask: Ask, value: Option<&str>| -> Option<String> {
            match (ask, value) {
                (Ask::Off, _) | (Ask::Optional, None) => None,
                (Ask::Required, None) => {
                    errors
                        .0
                        .insert(format!("prechat.{field}"), "is required".into());
                    None
                }
                (_, Some(v)) => errors.take(
                    &format!("prechat.{field}"),
                    match field {
                        "email" => input::email(Some(v)),
                        _ => input::text(v, MAX_ANSWER_CHARS),
                    },
                ),
            }
        };
        out.name = one("name", self.name, given(&answers.name));
        out.email = one("email", self.email, given(&answers.email));
        if let Some(phone) = one("phone", self.phone, given(&answers.phone)) {
            out.attributes.insert("phone".into(), phone.into());
        }
        for f in &self.custom {
            let ask = if f.required {
                Ask::Required
            } else {
                Ask::Optional
            };
            let value = answers
                .fields
                .get(&f.key)
                .map(|s| s.trim())
                .filter(|s| !s.is_empty());
            if let Some(v) = one(&format!("fields.{}", f.key), ask, value) {
                out.attributes.insert(f.key.clone(), v.into());
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> PrechatForm {
        PrechatForm {
            name: Ask::Required,
            email: Ask::Optional,
            phone: Ask::Off,
            custom: vec![CustomField {
                key: "order".into(),
                label: "Order number".into(),
                required: true,
            }],
        }
    }

    #[test]
    fn required_answers_must_be_there_and_well_formed() {
        let bad = form()
            .check(&PrechatAnswers {
                email: Some("not-an-address".into()),
                ..Default::default()
            })
            .unwrap_err();
        let named: Vec<&String> = bad.0.keys().collect();
        assert_eq!(
            named,
            ["prechat.email", "prechat.fields.order", "prechat.name"]
        );
        let good = form()
            .check(&PrechatAnswers {
                name: Some(" Ada ".into()),
                phone: Some("ignored: not asked".into()),
                fields: [("order".to_string(), "A-1".to_string())].into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(good.name.as_deref(), Some("Ada"));
        assert_eq!(good.email, None);
        assert_eq!(good.attributes.len(), 1);
        assert_eq!(good.attributes["order"], "A-1");
    }

    #[test]
    fn forms_are_bounded_and_keys_unique() {
        let mut f = form();
        assert!(f.validate().is_ok());
        f.custom.push(f.custom[0].clone());
        assert!(f.validate().is_err(), "a key twice");
        f.custom[1].key = "phone".into();
        assert!(f.validate().is_err(), "a key of the built-in questions");
        f.custom = (0..6)
            .map(|i| CustomField {
                key: format!("k{i}"),
                label: "L".into(),
                required: false,
            })
            .collect();
        assert!(f.validate().is_err(), "six fields");
    }
}
