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
const MAX_EXTERNAL_ID_CHARS: usize = 200;

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

fn char_len(s: &str) -> usize {
    s.chars().count()
}

fn required(s: Option<&str>) -> Parsed<&str> {
    s.ok_or_else(|| "is required".to_string())
}

/// What a field says when it holds a character no person types.
pub const CONTROL_PROBLEM: &str = "must not contain control characters";

/// A character no person types: the C0 controls but tab, newline and carriage return, DEL,
/// and the C1 controls. NUL among them cannot be stored by PostgreSQL at all.
pub fn is_forbidden_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// A character that takes no room on screen: zero-width spaces and joiners, direction marks,
/// the soft hyphen, the byte-order mark and the Hangul fillers. A text of only these (and
/// white space) says nothing.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{34f}' | '\u{115f}' | '\u{1160}' | '\u{180e}'
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}' | '\u{3164}' | '\u{feff}' | '\u{ffa0}')
}

fn is_blank(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// Whether a JSON text may hold a forbidden control character in one of its strings: one
/// escaped as `\uXXXX` (the only way C0 controls can appear in valid JSON), or DEL or a C1
/// control written out. A cheap scan that lets most bodies skip `control_in`.
pub fn json_may_hold_control(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let escaped = bytes
                    .get(i + 2..i + 6)
                    .filter(|_| bytes.get(i + 1) == Some(&b'u'))
                    .and_then(|hex| u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok())
                    .and_then(char::from_u32);
                if escaped.is_some_and(is_forbidden_control) {
                    return true;
                }
                i += 2;
            }
            0x7f => return true,
            0xc2 if matches!(bytes.get(i + 1), Some(0x80..=0x9f)) => return true,
            _ => i += 1,
        }
    }
    false
}

/// The dotted path of the first string (value or key) in `value` that holds a forbidden
/// control character, for the `fields` of a `validation_failed` error.
pub fn control_in(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let bad = |s: &str| s.chars().any(is_forbidden_control);
    match value {
        Value::String(s) if bad(s) => Some(String::new()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| control_in(v).map(|rest| join_path(&i.to_string(), &rest))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if bad(k) {
                return Some(k.escape_debug().to_string());
            }
            control_in(v).map(|rest| join_path(k, &rest))
        }),
        _ => None,
    }
}

fn join_path(head: &str, rest: &str) -> String {
    if rest.is_empty() {
        head.to_string()
    } else {
        format!("{head}.{rest}")
    }
}

/// A trimmed, non-empty, single-line text of at most `max` characters.
pub fn text(s: &str, max: usize) -> Parsed<String> {
    if s.chars().any(char::is_control) {
        return Err(CONTROL_PROBLEM.into());
    }
    bounded_text(s, max)
}

/// Like `text`, but newlines and tabs are welcome (messages and longer texts).
pub fn multiline_text(s: &str, max: usize) -> Parsed<String> {
    if s.chars().any(is_forbidden_control) {
        return Err(CONTROL_PROBLEM.into());
    }
    bounded_text(s, max)
}

fn bounded_text(s: &str, max: usize) -> Parsed<String> {
    let t = s.trim();
    if is_blank(t) {
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
    multiline_text(required(s)?, MAX_CONTENT_CHARS)
}

/// A message's text, which may be missing or empty when it carries files.
pub fn content_with_files(s: Option<&str>, files: usize) -> Parsed<String> {
    match (s, files) {
        (None, 1..) => Ok(String::new()),
        (Some(t), 1..) if is_blank(t.trim()) && !t.chars().any(is_forbidden_control) => {
            Ok(String::new())
        }
        _ => content(s),
    }
}

/// The files a message carries: uploads of the same conversation, at most
/// `attachments::MAX_PER_MESSAGE`, each once.
pub fn attachment_ids(ids: Option<&[super::AttachmentId]>) -> Parsed<Vec<super::AttachmentId>> {
    let ids = ids.unwrap_or_default();
    let max = super::attachments::MAX_PER_MESSAGE;
    if ids.len() > max {
        return Err(format!("at most {max} files per message"));
    }
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    match unique.len() == ids.len() {
        true => Ok(ids.to_vec()),
        false => Err("lists a file twice".into()),
    }
}

pub fn client_msg_id(s: Option<&str>) -> Parsed<Option<String>> {
    match s {
        None => Ok(None),
        Some(s) if s.is_empty() || char_len(s) > MAX_CLIENT_MSG_ID => {
            Err(format!("must be 1 to {MAX_CLIENT_MSG_ID} characters"))
        }
        Some(s) if s.chars().any(char::is_control) => Err(CONTROL_PROBLEM.into()),
        Some(s) => Ok(Some(s.to_string())),
    }
}

/// A site's own id of a logged-in visitor, kept exactly as sent (not trimmed): the identity
/// hash was computed over these very characters.
pub fn external_id(s: &str) -> Parsed<String> {
    if s.chars().any(char::is_control) {
        Err(CONTROL_PROBLEM.into())
    } else if s.is_empty() || char_len(s) > MAX_EXTERNAL_ID_CHARS {
        Err(format!("must be 1 to {MAX_EXTERNAL_ID_CHARS} characters"))
    } else {
        Ok(s.to_string())
    }
}

/// A lower-cased e-mail address.
pub fn email(s: Option<&str>) -> Parsed<String> {
    let e = required(s)?.trim().to_lowercase();
    let valid = e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
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

/// The domain an organization claims: a public host name of at least two labels, never
/// `localhost` (or a name under it) nor an IP address, which name no organization's site.
pub fn organization_domain(s: Option<&str>) -> Parsed<String> {
    let d = domain(s)?;
    let labels: Vec<&str> = d.split('.').collect();
    let top = labels.last().copied().unwrap_or_default();
    let public =
        labels.len() >= 2 && top != "localhost" && !top.chars().all(|c| c.is_ascii_digit());
    if public {
        Ok(d)
    } else {
        Err("must be the public host name of a site, such as example.com".into())
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
    if s.chars().any(is_forbidden_control) {
        Err(CONTROL_PROBLEM.into())
    } else if char_len(s) > MAX_SETTING_TEXT_CHARS {
        Err(format!(
            "must be at most {MAX_SETTING_TEXT_CHARS} characters"
        ))
    } else {
        Ok(s.trim().to_string())
    }
}

/// Shortest widget identity secret: a guessable secret would let anyone pose as a verified
/// visitor, and 32 characters hold at least 128 bits when generated (the console makes 64 hex
/// digits, 256 bits).
pub const MIN_IDENTITY_SECRET_CHARS: usize = 32;
const MAX_IDENTITY_SECRET_CHARS: usize = 256;

/// A widget identity secret, or `None` (an empty text) to remove it.
pub fn identity_secret(s: &str) -> Parsed<Option<String>> {
    let s = s.trim();
    let n = char_len(s);
    if n == 0 {
        Ok(None)
    } else if !(MIN_IDENTITY_SECRET_CHARS..=MAX_IDENTITY_SECRET_CHARS).contains(&n)
        || s.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        Err(format!(
            "must be {MIN_IDENTITY_SECRET_CHARS} to {MAX_IDENTITY_SECRET_CHARS} characters without spaces, such as 32 random bytes in hex"
        ))
    } else {
        Ok(Some(s.to_string()))
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

/// Longest period a lifecycle setting takes: 30 days.
pub const MAX_PERIOD_SECS: i64 = 30 * 24 * 3600;

/// A period of a lifecycle setting, in seconds: 0 (off) to 30 days.
pub fn period_secs(n: i64) -> Parsed<u32> {
    if (0..=MAX_PERIOD_SECS).contains(&n) {
        Ok(n as u32)
    } else {
        Err(format!(
            "must be between 0 (off) and {MAX_PERIOD_SECS} seconds (30 days)"
        ))
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
    fn control_characters_are_refused_but_newlines_in_messages_are_not() {
        assert!(content(Some("line one\nline two\ttabbed")).is_ok());
        for bad in ["a\0b", "a\u{7}b", "a\u{7f}b", "a\u{85}b"] {
            assert_eq!(content(Some(bad)).unwrap_err(), CONTROL_PROBLEM, "{bad:?}");
            assert!(name(Some(bad)).is_err(), "{bad:?}");
            assert!(client_msg_id(Some(bad)).is_err(), "{bad:?}");
            assert!(
                email(Some(&format!("{bad}@example.com"))).is_err(),
                "{bad:?}"
            );
        }
        assert!(name(Some("two\nlines")).is_err());
        assert!(subject(Some("tab\there")).is_err());
    }

    #[test]
    fn a_text_of_only_invisible_characters_is_empty() {
        assert!(content(Some("\u{200b}\u{200b} \u{feff}")).is_err());
        assert!(name(Some("\u{200d}")).is_err());
        assert!(content(Some("\u{200b}hi")).is_ok());
    }

    #[test]
    fn json_bodies_are_scanned_for_escaped_controls() {
        assert!(json_may_hold_control(br#"{"a":"x\u0000"}"#));
        assert!(json_may_hold_control(br#"{"a":"\u001F"}"#));
        assert!(json_may_hold_control("{\"a\":\"\u{85}\"}".as_bytes()));
        assert!(!json_may_hold_control(
            br#"{"a":"line\nnext\ttab \u00e9 \\u0000"}"#
        ));
        let v: serde_json::Value =
            serde_json::from_str(r#"{"admin":{"name":"a\u0000"},"ok":"fine"}"#).unwrap();
        assert_eq!(control_in(&v).as_deref(), Some("admin.name"));
        let v: serde_json::Value = serde_json::from_str(r#"{"list":["x","\u0001"]}"#).unwrap();
        assert_eq!(control_in(&v).as_deref(), Some("list.1"));
        assert_eq!(control_in(&serde_json::json!({"a": "x\ny"})), None);
    }

    #[test]
    fn organization_domains_name_public_sites() {
        assert!(organization_domain(Some("shop.example.com")).is_ok());
        for bad in [
            "localhost",
            "app.localhost",
            "127.0.0.1",
            "intranet",
            "10.0.0.1",
        ] {
            assert!(organization_domain(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn client_msg_id_is_bounded() {
        assert_eq!(client_msg_id(None).unwrap(), None);
        assert!(client_msg_id(Some("")).is_err());
        assert!(client_msg_id(Some(&"x".repeat(65))).is_err());
    }
}
