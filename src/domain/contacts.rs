//! What an organization knows of a customer: the name and e-mail its agents keep, custom
//! attributes (set by the site through the widget or by agents), and what the widget captured
//! when a conversation started.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::{ClientId, OrgId};
use super::input::{self, Parsed};

/// What an erased customer's conversations are named.
pub const ERASED_NAME: &str = "Deleted customer";

/// Most custom attributes on one customer.
pub const MAX_ATTRIBUTES: usize = 50;
const MAX_ATTRIBUTE_KEY_CHARS: usize = 64;
/// Longest text value of an attribute.
pub const MAX_ATTRIBUTE_VALUE_CHARS: usize = 500;
const MAX_CONTEXT_TEXT_CHARS: usize = 500;
const MAX_CONTEXT_URL_CHARS: usize = 2000;

/// Custom attributes: a text, a number or true/false per key.
pub type Attributes = BTreeMap<String, serde_json::Value>;

/// The customer as the organization's agents see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Contact {
    pub client_id: ClientId,
    pub organization_id: OrgId,
    pub name: String,
    #[schema(required = true)]
    pub email: Option<String>,
    /// The site vouched for this visitor's identity (identity verification).
    pub verified: bool,
    /// A registered customer of the Raasel app (rather than a visitor of the site).
    pub registered: bool,
    #[schema(value_type = Object)]
    pub attributes: Attributes,
}

/// What the organization keeps of a customer beyond the customer's own account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactDetails {
    pub name: Option<String>,
    pub email: Option<String>,
    pub attributes: Attributes,
}

/// What the widget saw when the conversation started. No IP address unless the operator
/// turned its recording on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct VisitContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}

/// The attributes a caller sends: each key 1 to 64 of letters, digits, `_`, `-`, `.`; each
/// value a text of at most 500 characters, a number, true/false, or `null` (removes the key).
/// Returns the values to set and the keys to remove.
pub fn attributes(
    sent: &serde_json::Map<String, serde_json::Value>,
) -> Parsed<(Attributes, Vec<String>)> {
    if sent.len() > MAX_ATTRIBUTES {
        return Err(format!("must hold at most {MAX_ATTRIBUTES} attributes"));
    }
    let mut set = Attributes::new();
    let mut removed = Vec::new();
    for (key, value) in sent {
        attribute_key(key)?;
        match value {
            serde_json::Value::Null => removed.push(key.clone()),
            serde_json::Value::String(s) => {
                if s.chars().any(input::is_forbidden_control) {
                    return Err(format!("{key}: {}", input::CONTROL_PROBLEM));
                }
                if s.chars().count() > MAX_ATTRIBUTE_VALUE_CHARS {
                    return Err(format!(
                        "{key}: must be at most {MAX_ATTRIBUTE_VALUE_CHARS} characters"
                    ));
                }
                set.insert(key.clone(), value.clone());
            }
            serde_json::Value::Number(_) | serde_json::Value::Bool(_) => {
                set.insert(key.clone(), value.clone());
            }
            _ => return Err(format!("{key}: must be a text, a number, true or false")),
        }
    }
    Ok((set, removed))
}

fn attribute_key(key: &str) -> Parsed<()> {
    let ok = !key.is_empty()
        && key.chars().count() <= MAX_ATTRIBUTE_KEY_CHARS
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{key:?} is not an attribute name (1 to {MAX_ATTRIBUTE_KEY_CHARS} letters, digits, _, - or .)"
        ))
    }
}

/// Applies a change to stored attributes; refused when the result holds too many.
pub fn merged(mut stored: Attributes, set: Attributes, removed: &[String]) -> Parsed<Attributes> {
    for key in removed {
        stored.remove(key);
    }
    stored.extend(set);
    if stored.len() > MAX_ATTRIBUTES {
        return Err(format!("must hold at most {MAX_ATTRIBUTES} attributes"));
    }
    Ok(stored)
}

/// What the widget reports at the start of a conversation.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReportedContext {
    pub page_url: Option<String>,
    pub page_title: Option<String>,
    pub referrer: Option<String>,
    pub user_agent: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
}

/// The context to keep from what the widget reported (each text bounded, controls refused),
/// with browser and operating system read from the user agent.
pub fn visit_context(sent: &ReportedContext, ip: Option<String>) -> Parsed<VisitContext> {
    let keep = |s: &Option<String>, max: usize| -> Parsed<Option<String>> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) if s.chars().any(char::is_control) => Err(input::CONTROL_PROBLEM.into()),
            Some(s) => Ok(Some(s.chars().take(max).collect())),
        }
    };
    let agent = keep(&sent.user_agent, MAX_CONTEXT_TEXT_CHARS)?;
    let (browser, os) = agent.as_deref().map(user_agent).unwrap_or_default();
    Ok(VisitContext {
        page_url: keep(&sent.page_url, MAX_CONTEXT_URL_CHARS)?,
        page_title: keep(&sent.page_title, MAX_CONTEXT_TEXT_CHARS)?,
        referrer: keep(&sent.referrer, MAX_CONTEXT_URL_CHARS)?,
        browser,
        os,
        language: keep(&sent.language, 35)?,
        time_zone: keep(&sent.time_zone, 64)?,
        ip,
    })
}

/// Browser and operating system named by a user agent string, as far as it tells.
pub fn user_agent(ua: &str) -> (Option<String>, Option<String>) {
    let version = |marker: &str| -> Option<String> {
        let rest = &ua[ua.find(marker)? + marker.len()..];
        let v: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        (!v.is_empty()).then_some(v)
    };
    let named = |name: &str, marker: &str| match version(marker) {
        Some(v) => Some(format!("{name} {v}")),
        None => Some(name.to_string()),
    };
    let browser = if ua.contains("Edg/") {
        named("Edge", "Edg/")
    } else if ua.contains("OPR/") {
        named("Opera", "OPR/")
    } else if ua.contains("Firefox/") {
        named("Firefox", "Firefox/")
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        named(
            "Chrome",
            if ua.contains("Chrome/") {
                "Chrome/"
            } else {
                "Chromium/"
            },
        )
    } else if ua.contains("Safari/") {
        named("Safari", "Version/")
    } else {
        None
    };
    let os = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| name.to_string());
    (browser, os)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn attributes_take_texts_numbers_and_flags_and_null_removes() {
        let (set, removed) = attributes(&map(
            json!({"plan": "pro", "seats": 3, "trial": false, "old": null}),
        ))
        .unwrap();
        assert_eq!(set.len(), 3);
        assert_eq!(removed, vec!["old".to_string()]);
        assert!(attributes(&map(json!({"bad key": 1}))).is_err());
        assert!(attributes(&map(json!({"nested": {"a": 1}}))).is_err());
        assert!(attributes(&map(json!({"long": "x".repeat(501)}))).is_err());
        let many: serde_json::Map<_, _> = (0..51).map(|i| (format!("k{i}"), json!(i))).collect();
        assert!(attributes(&many).is_err());
    }

    #[test]
    fn merging_keeps_the_bound() {
        let stored: Attributes = (0..50).map(|i| (format!("k{i}"), json!(i))).collect();
        let one_more: Attributes = [("new".to_string(), json!(1))].into();
        assert!(merged(stored.clone(), one_more.clone(), &[]).is_err());
        assert_eq!(merged(stored, one_more, &["k0".into()]).unwrap().len(), 50);
    }

    #[test]
    fn user_agents_name_browser_and_system() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(
            user_agent(chrome),
            (Some("Chrome 131".into()), Some("Linux".into()))
        );
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(
            user_agent(safari),
            (Some("Safari 17".into()), Some("iOS".into()))
        );
        assert_eq!(user_agent("curl/8"), (None, None));
    }

    #[test]
    fn context_is_bounded_and_refuses_controls() {
        let sent = ReportedContext {
            page_title: Some("x".repeat(900)),
            ..Default::default()
        };
        assert_eq!(
            visit_context(&sent, None)
                .unwrap()
                .page_title
                .unwrap()
                .len(),
            500
        );
        let bad = ReportedContext {
            page_url: Some("https://a\u{7}".into()),
            ..Default::default()
        };
        assert!(visit_context(&bad, None).is_err());
    }
}
