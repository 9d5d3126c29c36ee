//! One e-mail as Raasel writes it: a subject, the same words as plain text and as HTML in the
//! organization's colour, a button to the conversation, and the one-click unsubscribe. Every
//! text that comes from a person is escaped in the HTML; headers are encoded by the builder,
//! so a customer's or an agent's text can never add a header.

use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

/// One line of a letter's body: who said it (if anyone) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub who: Option<String>,
    pub text: String,
}

/// An e-mail ready to be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Letter {
    /// The outbox row's id: the `Message-ID`, the same on every attempt.
    pub id: uuid::Uuid,
    pub to: String,
    pub subject: String,
    /// The organization's colour (`#rrggbb`, checked when set).
    pub color: String,
    pub intro: String,
    pub lines: Vec<Line>,
    /// A button: its words and where it goes.
    pub action: Option<(String, String)>,
    /// More links under the button (a rating request's five scores).
    pub choices: Vec<(String, String)>,
    pub footer: String,
    pub unsubscribe_url: String,
}

impl Letter {
    /// The MIME message, multipart text and HTML, with `Message-ID` and `List-Unsubscribe`.
    pub fn message(&self, from: Mailbox, domain: &str) -> anyhow::Result<Message> {
        let to: Mailbox = self.to.parse()?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(self.subject.clone())
            .message_id(Some(format!("<{}@{domain}>", self.id)))
            .raw_header(header(
                "List-Unsubscribe",
                format!("<{}>", self.unsubscribe_url),
            )?)
            .raw_header(header(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".into(),
            )?)
            .raw_header(header("Auto-Submitted", "auto-generated".into())?)
            .multipart(MultiPart::alternative_plain_html(self.text(), self.html()))?;
        Ok(message)
    }

    pub fn text(&self) -> String {
        let mut out = format!("{}\n\n", self.intro);
        for l in &self.lines {
            match &l.who {
                Some(who) => out.push_str(&format!("{who}:\n{}\n\n", l.text)),
                None => out.push_str(&format!("{}\n\n", l.text)),
            }
        }
        if let Some((words, url)) = &self.action {
            out.push_str(&format!("{words}: {url}\n\n"));
        }
        for (words, url) in &self.choices {
            out.push_str(&format!("{words}: {url}\n"));
        }
        out.push_str(&format!(
            "\n--\n{}\nUnsubscribe: {}\n",
            self.footer, self.unsubscribe_url
        ));
        out
    }

    pub fn html(&self) -> String {
        let color = &self.color;
        let mut body = format!("<p>{}</p>", escape(&self.intro));
        for l in &self.lines {
            let who = l
                .who
                .as_deref()
                .map(|w| format!("<div style=\"font-weight:600\">{}</div>", escape(w)))
                .unwrap_or_default();
            body.push_str(&format!(
                "<div style=\"margin:12px 0;padding:10px 12px;border-left:3px solid {color};background:#f6f7f9\">{who}<div style=\"white-space:pre-wrap\">{}</div></div>",
                escape(&l.text)
            ));
        }
        if let Some((words, url)) = &self.action {
            body.push_str(&format!(
                "<p><a href=\"{}\" style=\"display:inline-block;padding:10px 16px;background:{color};color:#fff;text-decoration:none;border-radius:6px\">{}</a></p>",
                escape(url),
                escape(words)
            ));
        }
        if !self.choices.is_empty() {
            let links: Vec<String> = self
                .choices
                .iter()
                .map(|(w, u)| format!("<a href=\"{}\">{}</a>", escape(u), escape(w)))
                .collect();
            body.push_str(&format!("<p>{}</p>", links.join(" &middot; ")));
        }
        format!(
            "<!doctype html><html><body style=\"font-family:sans-serif;color:#1f2937\"><div style=\"height:6px;background:{color}\"></div>{body}<hr><p style=\"font-size:12px;color:#6b7280\">{} <a href=\"{}\">Unsubscribe</a></p></body></html>",
            escape(&self.footer),
            escape(&self.unsubscribe_url)
        )
    }
}

fn header(name: &'static str, value: String) -> anyhow::Result<HeaderValue> {
    let name = HeaderName::new_from_ascii_str(name);
    Ok(HeaderValue::new(name, value))
}

/// Text made safe for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An address shown back to its owner without giving it away whole: `a…@example.com`.
pub fn masked(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "…".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter() -> Letter {
        Letter {
            id: uuid::Uuid::nil(),
            to: "ann@example.com".into(),
            subject: "New reply\r\nBcc: evil@example.com".into(),
            color: "#2563eb".into(),
            intro: "Acme replied".into(),
            lines: vec![Line {
                who: Some("Bob <script>".into()),
                text: "<b>hi</b>".into(),
            }],
            action: Some(("Open".into(), "https://x.example/?a=1&b=2".into())),
            choices: vec![],
            footer: "You wrote to Acme.".into(),
            unsubscribe_url: "https://x.example/u?t=1".into(),
        }
    }

    #[test]
    fn people_s_text_is_escaped_and_cannot_add_headers() {
        let l = letter();
        let html = l.html();
        assert!(html.contains("&lt;b&gt;hi&lt;/b&gt;"));
        assert!(html.contains("Bob &lt;script&gt;"));
        assert!(html.contains("a=1&amp;b=2"));
        let from: Mailbox = "Acme <noreply@raasel.example>".parse().unwrap();
        let raw =
            String::from_utf8(l.message(from, "raasel.example").unwrap().formatted()).unwrap();
        assert!(!raw.contains("\r\nBcc:"), "{raw}");
        assert!(raw.contains("Message-ID: <00000000-0000-0000-0000-000000000000@raasel.example>"));
        assert!(raw.contains("List-Unsubscribe: <https://x.example/u?t=1>"));
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    }

    #[test]
    fn addresses_are_masked() {
        assert_eq!(masked("ann@example.com"), "a…@example.com");
    }
}
