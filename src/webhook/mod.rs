//! Delivering webhooks: an HTTP client that connects only to addresses the operator allows
//! (checked when connecting, after DNS, so a name that later resolves elsewhere is caught),
//! follows no redirects, waits a bounded time and reads a bounded answer.

use std::sync::Arc;
use std::time::Duration;

use crate::domain::webhooks::MAX_ANSWER_BYTES;
use crate::outbound::GuardedResolver;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest a receiver may take to answer.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// What became of one POST to a receiver.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// It answered with this status (and the start of its body).
    Status(u16, String),
    /// It could not be reached, or was refused before connecting.
    Unreachable(String),
}

#[derive(Clone)]
pub struct Deliverer {
    http: reqwest::Client,
    allow_private: bool,
}

impl Deliverer {
    /// `allow_private`: receivers on loopback and private networks are allowed (tests, or an
    /// installation whose receivers are inside its own network).
    pub fn new(allow_private: bool) -> anyhow::Result<Deliverer> {
        let http = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver::new(allow_private)))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(ANSWER_TIMEOUT)
            .user_agent("Raasel-Webhooks/1")
            .build()?;
        Ok(Deliverer {
            http,
            allow_private,
        })
    }

    /// Whether `url` names an address (an IP literal) webhooks may not reach. Names are
    /// checked when resolved.
    pub fn refuses_literal(&self, url: &str) -> bool {
        crate::outbound::refuses_literal(url, self.allow_private)
    }

    /// POSTs `body` with `headers` to `url`.
    pub async fn post(&self, url: &str, headers: &[(&str, String)], body: String) -> Answer {
        if self.refuses_literal(url) {
            return Answer::Unreachable("the address is one webhooks may not reach".into());
        }
        let mut req = self
            .http
            .post(url)
            .header("content-type", "application/json");
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        match req.body(body).send().await {
            Ok(res) => {
                let status = res.status().as_u16();
                Answer::Status(status, read_some(res).await)
            }
            Err(e) => Answer::Unreachable(describe(&e)),
        }
    }
}

/// The start of an answer's body, never more than `MAX_ANSWER_BYTES`.
async fn read_some(mut res: reqwest::Response) -> String {
    let mut kept = Vec::new();
    while kept.len() < MAX_ANSWER_BYTES {
        match res.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            _ => break,
        }
    }
    kept.truncate(MAX_ANSWER_BYTES);
    String::from_utf8_lossy(&kept).into_owned()
}

/// An error with its causes, on one line.
pub(crate) fn describe(e: &reqwest::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
