//! The wire text of the messages scenario: the `send_message` packet with a content that
//! carries its scheduled send time, and the parsing of acknowledgements and `new_message`.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};

/// What a benchmark message's content says about itself.
#[derive(Debug, PartialEq)]
pub struct Stamp {
    /// Scheduled send time, Unix nanoseconds.
    pub scheduled_ns: u64,
    /// Global index of the agent assigned to the conversation.
    pub agent: usize,
}

/// `<scheduled ns> <agent> <customer> <n> xxxx…`, exactly `size` bytes when `size` allows.
pub fn content(scheduled_ns: u64, agent: usize, customer: usize, n: u64, size: usize) -> String {
    let mut s = format!("{scheduled_ns} {agent} {customer} {n} ");
    while s.len() < size {
        s.push('x');
    }
    s
}

pub fn client_msg_id(customer: usize, n: u64) -> String {
    format!("{customer}-{n}")
}

/// `(customer, n)` from a `client_msg_id` this tool wrote.
pub fn parse_client_msg_id(id: &str) -> Option<(usize, u64)> {
    let (c, n) = id.split_once('-')?;
    Some((c.parse().ok()?, n.parse().ok()?))
}

pub fn send_payload(session: &str, content: &str, client_msg_id: &str) -> String {
    format!(
        r#"{{"session_id":"{session}","content":"{content}","client_msg_id":"{client_msg_id}"}}"#
    )
}

pub fn parse_stamp(content: &str) -> Option<Stamp> {
    let mut parts = content.splitn(3, ' ');
    Some(Stamp {
        scheduled_ns: parts.next()?.parse().ok()?,
        agent: parts.next()?.parse().ok()?,
    })
}

/// A `send_message` acknowledgement: the stored `seq`, or the error code.
#[derive(Debug, Deserialize)]
pub struct Ack<'a> {
    pub ok: bool,
    #[serde(borrow, default)]
    pub error: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "seq_of_message")]
    pub message: Option<i64>,
}

pub fn parse_ack(body: &str) -> Option<Ack<'_>> {
    serde_json::from_str::<(Ack,)>(body).ok().map(|(a,)| a)
}

/// The part of a `new_message` event the receivers read.
#[derive(Debug, Deserialize)]
pub struct Delivered<'a> {
    #[serde(borrow)]
    pub session_id: Cow<'a, str>,
    pub seq: i64,
    #[serde(borrow)]
    pub content: Cow<'a, str>,
}

#[derive(Deserialize)]
struct NewMessage<'a> {
    #[serde(borrow)]
    message: Delivered<'a>,
}

/// The message of a `["new_message", {message}]` event body.
pub fn parse_new_message(body: &str) -> Option<Delivered<'_>> {
    serde_json::from_str::<(IgnoredAny, NewMessage)>(body)
        .ok()
        .map(|(_, m)| m.message)
}

/// `message` is the stored message (take its `seq`) on success, a sentence on failure.
fn seq_of_message<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct SeqOf;
    impl<'de> Visitor<'de> for SeqOf {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a message object or a sentence")
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
            let mut seq = None;
            while let Some(key) = map.next_key::<Cow<str>>()? {
                if key == "seq" {
                    seq = Some(map.next_value()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(seq)
        }
    }
    d.deserialize_any(SeqOf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_has_the_size_and_its_stamp() {
        let c = content(1_700_000_000_123_456_789, 7, 42, 3, 100);
        assert_eq!(c.len(), 100);
        assert_eq!(
            parse_stamp(&c),
            Some(Stamp {
                scheduled_ns: 1_700_000_000_123_456_789,
                agent: 7
            })
        );
        assert_eq!(parse_stamp("Conversation assigned to Ann"), None);
    }

    #[test]
    fn acks_give_the_seq_or_the_error() {
        let ok = parse_ack(r#"[{"message":{"id":"x","seq":12,"content":"a"},"ok":true}]"#).unwrap();
        assert!(ok.ok);
        assert_eq!(ok.message, Some(12));
        let err =
            parse_ack(r#"[{"error":"rate_limited","message":"slow down","ok":false}]"#).unwrap();
        assert!(!err.ok);
        assert_eq!(err.error.as_deref(), Some("rate_limited"));
        assert_eq!(err.message, None);
    }

    #[test]
    fn new_message_gives_session_seq_and_content() {
        let body = r#"["new_message",{"message":{"id":"m","session_id":"s1","seq":4,"sender_type":"client","content":"5 1 2 3 xx"}}]"#;
        let m = parse_new_message(body).unwrap();
        assert_eq!(
            (m.session_id.as_ref(), m.seq, m.content.as_ref()),
            ("s1", 4, "5 1 2 3 xx")
        );
    }

    #[test]
    fn client_msg_ids_round_trip() {
        assert_eq!(
            parse_client_msg_id(&client_msg_id(12, 345)),
            Some((12, 345))
        );
    }
}
