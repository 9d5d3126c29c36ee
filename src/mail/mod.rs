//! E-mail to customers over SMTP: replies they have not read, transcripts and the request to
//! rate a closed conversation. What goes out is decided by `chat::followup` from the durable
//! outbox; this module signs the links, writes the letters and speaks SMTP.

pub mod letter;
pub mod links;

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

pub use letter::Letter;
pub use links::{LinkAction, LinkClaims, Links};

/// Longest an SMTP exchange may take; an e-mail being sent keeps its claim longer than this.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Why an e-mail did not go out.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The server refused it for good (a 5xx answer): trying again would not help.
    #[error("refused: {0}")]
    Refused(String),
    /// Not now (no connection, a 4xx answer, a timeout): try again later.
    #[error("not sent, will retry: {0}")]
    Later(String),
}

/// The configured SMTP server, the sender address and where links in e-mails point.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::Address,
    /// The server's public address, such as `https://chat.example.com`.
    pub public_url: String,
    pub links: Links,
}

impl Mailer {
    /// `url`: `smtp://user:password@host:port` (plain, or STARTTLS with `?tls=required`) or
    /// `smtps://…` (TLS); `from`: the sender address.
    pub fn new(url: &str, from: &str, public_url: &str, links: Links) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("--smtp-url: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("--smtp-from {from:?}: {e}"))?;
        Ok(Mailer {
            transport,
            from,
            public_url: public_url.trim_end_matches('/').to_string(),
            links,
        })
    }

    /// The domain of the sender address, for `Message-ID`s.
    pub fn domain(&self) -> &str {
        self.from.domain()
    }

    /// Sends one letter as `sender` (the organization's name) from the configured address.
    pub async fn send(&self, sender: &str, letter: &Letter) -> Result<(), SendError> {
        let from = Mailbox::new(Some(sender.to_string()), self.from.clone());
        let message = letter
            .message(from, self.domain())
            .map_err(|e| SendError::Refused(e.to_string()))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Refused(e.to_string())),
            Err(e) => Err(SendError::Later(e.to_string())),
        }
    }
}
