//! Parsing of user input into trusted values. Each parser returns the problem as a sentence
//! fragment that becomes the field's entry in a `validation_failed` error.

use std::collections::BTreeMap;

pub const MAX_CONTENT_CHARS: usize = 4000;
pub const MAX_CLIENT_MSG_ID: usize = 64;
pub const MIN_PASSWORD_CHARS: usize = 8;
const MAX_PASSWORD_CHARS: usize = 256;
const MAX_NAME_CHARS: usize = 100;
const MAX_SUBJECT_CHARS: usize = 200;
const MAX_SETTING_TEXT_CHARS: usize = 1000;

pub type Parsed<T> = Result<T, String>;

/// Collects per-field problems so one response can name all of them.
#[derive(Debug, Default)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    /// Keeps the value, or records the problem under `field`.
    pub fn take<T>(&mut self, field: &str, parsed: Parsed<T>) -> Option<T> {
        parsed.map_err(|e| self.0.insert(field.to_string(), e)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Parses several fields at once and returns `validation_failed` naming every bad one.
/// `parse_fields!(name = "name" => Name::parse(&b.name), ...)` binds `name` in the caller.
#[macro_export]
macro_rules! parse_fields {
    ($($var:ident = $field:literal => $parsed:expr),+ $(,)?) => {
        let mut field_errors = $crate::domain::input::FieldErrors::default();
        $( let $var = field_errors.take($field, $parsed); )+
        if !field_errors.is_empty() {
            return Err($crate::error::ApiError::invalid(field_errors).into());
        }
        $( let $var = $var.expect("every field parsed"); )+
    };
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

fn required(s: Option<&str>) -> Parsed<&str> {
    s.ok_or_else(|| "is required".to_string())
}

/// A trimmed, non-empty text of at most `max` characters.
pub fn text(s: &str, max: usize) -> Parsed<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("must not be empty".into());
    }
    if char_len(t) > max {
        return Err(format!("must be at most {max} characters"));
    }
    Ok(t.to_string())
}

/// A person's or organization's name.
pub fn name(s: Option<&str>) -> Parsed<String> {
    text(required(s)?, MAX_NAME_CHARS)
}

pub fn optional_name(s: Option<&str>) -> Parsed<Option<String>> {
    s.map(|s| text(s, MAX_NAME_CHARS)).transpose()
}

pub fn subject(s: Option<&str>) -> Parsed<Option<String>> {
    s.map(|s| text(s, MAX_SUBJECT_CHARS)).transpose()
}

/// Message content: 1–4,000 characters after trimming.
pub fn content(s: Option<&str>) -> Parsed<String> {
    text(required(s)?, MAX_CONTENT_CHARS)
}

pub fn client_msg_id(s: Option<&str>) -> Parsed<Option<String>> {
    match s {
        None => Ok(None),
        Some(s) if s.is_empty() || char_len(s) > MAX_CLIENT_MSG_ID => {
            Err(format!("must be 1 to {MAX_CLIENT_MSG_ID} characters"))
        }
        Some(s) => Ok(Some(s.to_string())),
    }
}

/// A lower-cased e-mail address.
pub fn email(s: Option<&str>) -> Parsed<String> {
    let e = required(s)?.trim().to_lowercase();
    let valid = e.len() <= 254
        && !e.chars().any(char::is_whitespace)
        && matches!(e.split_once('@'), Some((local, host)) if !local.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.') && !host.contains('@'));
    if valid {
        Ok(e)
    } else {
        Err("must be a valid e-mail address".into())
    }
}

pub fn optional_email(s: Option<&str>) -> Parsed<Option<String>> {
    s.map(|s| email(Some(s))).transpose()
}

/// 3–30 of `[A-Za-z0-9_]`.
pub fn username(s: Option<&str>) -> Parsed<String> {
    let u = required(s)?.trim();
    let ok =
        (3..=30).contains(&u.len()) && u.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(u.to_string())
    } else {
        Err("must be 3 to 30 letters, digits or underscores".into())
    }
}

/// A new password: at least 8 characters. The value itself never appears in an error.
pub fn password(s: Option<&str>) -> Parsed<String> {
    let p = required(s)?;
    let n = char_len(p);
    if n < MIN_PASSWORD_CHARS {
        Err(format!("must be at least {MIN_PASSWORD_CHARS} characters"))
    } else if n > MAX_PASSWORD_CHARS {
        Err(format!("must be at most {MAX_PASSWORD_CHARS} characters"))
    } else {
        Ok(p.to_string())
    }
}

/// A lower-cased host name such as `sample.com`, the directory key of an organization.
pub fn domain(s: Option<&str>) -> Parsed<String> {
    let d = required(s)?.trim().trim_end_matches('.').to_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if d.len() <= 253 && d.split('.').all(label_ok) {
        Ok(d)
    } else {
        Err("must be a host name such as example.com".into())
    }
}

/// `#rgb` or `#rrggbb`.
pub fn color(s: &str) -> Parsed<String> {
    let ok = s.starts_with('#')
        && matches!(s.len(), 4 | 7)
        && s[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok {
        Ok(s.to_lowercase())
    } else {
        Err("must be a colour such as #2563eb".into())
    }
}

pub fn setting_text(s: &str) -> Parsed<String> {
    if char_len(s) > MAX_SETTING_TEXT_CHARS {
        Err(format!(
            "must be at most {MAX_SETTING_TEXT_CHARS} characters"
        ))
    } else {
        Ok(s.trim().to_string())
    }
}

/// A capacity: how many active conversations an agent may hold at once.
pub fn capacity(n: i64) -> Parsed<u32> {
    if (1..=100).contains(&n) {
        Ok(n as u32)
    } else {
        Err("must be between 1 and 100".into())
    }
}

/// Parses one of the enumerations of the model.
pub fn one_of<T: std::str::FromStr<Err = String>>(s: Option<&str>) -> Parsed<T> {
    required(s)?.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_trimmed_and_bounded() {
        assert_eq!(content(Some("  hi  ")).unwrap(), "hi");
        assert!(content(Some("   ")).is_err());
        assert!(content(None).is_err());
        assert!(content(Some(&"é".repeat(4000))).is_ok());
        assert!(content(Some(&"é".repeat(4001))).is_err());
    }

    #[test]
    fn usernames_allow_only_word_characters() {
        assert!(username(Some("alice_1")).is_ok());
        assert!(username(Some("al")).is_err());
        assert!(username(Some("alice!")).is_err());
        assert!(username(Some(&"a".repeat(31))).is_err());
    }

    #[test]
    fn emails_and_domains_are_lower_cased() {
        assert_eq!(email(Some(" Bob@Example.COM ")).unwrap(), "bob@example.com");
        assert!(email(Some("bob@localhost")).is_err());
        assert!(email(Some("bob example.com")).is_err());
        assert_eq!(domain(Some("Sample.COM")).unwrap(), "sample.com");
        assert!(domain(Some("-bad.com")).is_err());
        assert!(domain(Some("a b.com")).is_err());
    }

    #[test]
    fn passwords_need_eight_characters_and_are_never_echoed() {
        let err = password(Some("short")).unwrap_err();
        assert!(!err.contains("short"));
        assert!(password(Some("long enough")).is_ok());
    }

    #[test]
    fn colours_and_capacities() {
        assert_eq!(color("#ABCDEF").unwrap(), "#abcdef");
        assert!(color("blue").is_err());
        assert!(capacity(0).is_err());
        assert_eq!(capacity(3).unwrap(), 3);
    }

    #[test]
    fn client_msg_id_is_bounded() {
        assert_eq!(client_msg_id(None).unwrap(), None);
        assert!(client_msg_id(Some("")).is_err());
        assert!(client_msg_id(Some(&"x".repeat(65))).is_err());
    }
}
