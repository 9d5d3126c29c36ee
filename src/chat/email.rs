//! E-mail to customers: the replies they did not read (one e-mail per burst, after the
//! organization's delay), the transcript they or an agent ask for, and the request to rate a
//! closed conversation; links in them that open the conversation again, rate it, or turn the
//! organization's e-mails off. Every e-mail is a row of the durable outbox first; the sender
//! claims each before sending and records the outcome, so a server that dies mid-send leaves
//! it `uncertain` rather than sending it twice.

use chrono::Duration;

use super::Chat;
use crate::domain::email::{self, EmailKind, EmailOutcome, OutgoingEmail};
use crate::domain::model::{
    Audience, Client, Message, Organization, SenderType, Session, Side, Timestamp,
};
use crate::domain::permissions::Identity;
use crate::domain::ratings::RatingStyle;
use crate::domain::{ClientId, OrgId, SessionId};
use crate::error::{ApiError, ApiResult};
use crate::fanout::{Target, events};
use crate::mail::letter::{Line, masked};
use crate::mail::{Letter, LinkAction, LinkClaims, Mailer, SendError};
use crate::store::Page;

/// E-mails looked at per pass of the sender.
const PER_PASS: u32 = 20;
/// Most messages one e-mail carries (a transcript's first ones; the replies' last ones).
const MAX_LINES: u32 = 500;

/// What an e-mail link opens.
#[derive(Debug)]
pub struct Redeemed {
    pub session: Session,
    pub domain: String,
    pub client: Client,
}

impl Chat {
    fn mailer(&self) -> ApiResult<&Mailer> {
        self.mail
            .as_deref()
            .ok_or_else(|| ApiError::Conflict("this server does not send e-mail".into()))
    }

    /// A customer of `org`: a visitor of its site, or a registered customer of the app.
    async fn customer(&self, org: OrgId, id: ClientId) -> ApiResult<Option<Client>> {
        if let Some(visitor) = self.store.client(id, Some(org)).await? {
            return Ok(Some(visitor));
        }
        Ok(self.store.client(id, None).await?)
    }

    /// Where e-mail to the customer from `org` goes: the address the organization keeps, else
    /// their account's; none when unknown or when they turned the organization's e-mails off.
    async fn email_address(&self, org: OrgId, client: &Client) -> ApiResult<Option<String>> {
        if self.followup.email_opted_out(org, client.id).await? {
            return Ok(None);
        }
        let kept = self.workspace.contact_details(org, client.id).await?;
        Ok(kept.and_then(|k| k.email).or_else(|| client.email.clone()))
    }

    /// Queues an e-mail of `kind` about `session` to its customer, due `after` from now;
    /// whether it was queued (not when nothing can be sent, or one already waits).
    async fn queue_email(
        &self,
        session: &Session,
        kind: EmailKind,
        after: Duration,
    ) -> ApiResult<Option<String>> {
        let Some(client) = self
            .customer(session.organization_id, session.client_id)
            .await?
        else {
            return Ok(None);
        };
        let org = session.organization_id;
        let Some(to) = self.email_address(org, &client).await? else {
            return Ok(None);
        };
        let now = crate::domain::model::now();
        let e = OutgoingEmail::new(
            kind,
            org,
            session.id,
            client.id,
            to.clone(),
            now + after,
            now,
        );
        if !self.followup.queue_email(&e).await? {
            return Ok(None);
        }
        tracing::info!(session = %session.id, org = %org, kind = kind.as_str(), "e-mail queued");
        // Due now (a transcript): the sender looks at once; later ones are found by its pass
        // every few seconds (no task waits per e-mail).
        if after <= Duration::zero() {
            self.outbox_wake.notify_one();
        }
        Ok(Some(to))
    }

    /// After an agent's answer: the customer gets the replies they have not read by then in
    /// one e-mail, the organization's delay after the first of them.
    pub(super) async fn queue_replies_email(&self, session: &Session) -> ApiResult<()> {
        if self.mail.is_none() {
            return Ok(());
        }
        let org = self.organization(session.organization_id).await?;
        let after = org.settings.email_after_secs;
        if after > 0 {
            let after = Duration::seconds(i64::from(after));
            self.queue_email(session, EmailKind::Replies, after).await?;
        }
        Ok(())
    }

    /// After a close: a customer who is gone by the organization's delay is asked by e-mail
    /// to rate the conversation (unless they rated it meanwhile).
    pub(super) async fn queue_rating_request(&self, session: &Session) {
        let queued = async {
            if self.mail.is_none() {
                return Ok(());
            }
            let org = self.organization(session.organization_id).await?;
            let s = &org.settings;
            if s.rating_style != RatingStyle::Off && s.email_after_secs > 0 {
                let after = Duration::seconds(i64::from(s.email_after_secs));
                self.queue_email(session, EmailKind::RatingRequest, after)
                    .await?;
            }
            Ok::<_, ApiError>(())
        };
        if let Err(e) = queued.await {
            tracing::warn!(session = %session.id, error = %e, "the rating request e-mail was not queued");
        }
    }

    /// The conversation's transcript, e-mailed to its customer at once (asked by the customer
    /// or an agent who may read it); the address it goes to, masked.
    #[tracing::instrument(level = "debug", skip_all, fields(session = %session_id))]
    pub async fn email_transcript(
        &self,
        who: &Identity,
        session_id: SessionId,
    ) -> ApiResult<String> {
        self.mailer()?;
        let session = self.readable_session(who, session_id).await?;
        match self
            .queue_email(&session, EmailKind::Transcript, Duration::zero())
            .await?
        {
            Some(to) => Ok(masked(&to)),
            None => Err(ApiError::Conflict(
                "no transcript can be sent now: no e-mail address is known for this customer, they turned e-mails off, one is on its way already, or they got the most e-mails an hour allows".into(),
            )),
        }
    }

    /// The customer leaves an address for replies to their conversation (consent to e-mail
    /// from the organization, even after turning it off).
    #[tracing::instrument(level = "debug", skip_all, fields(client = %client.id, session = %session_id))]
    pub async fn leave_email(
        &self,
        client: &Client,
        session_id: SessionId,
        address: String,
    ) -> ApiResult<String> {
        let who = Identity::Client(client.clone());
        let session = self.readable_session(&who, session_id).await?;
        let org = session.organization_id;
        let mut details = self
            .workspace
            .contact_details(org, client.id)
            .await?
            .unwrap_or_default();
        details.email = Some(address.clone());
        let name = details
            .name
            .clone()
            .unwrap_or_else(|| client.display_name());
        let now = crate::domain::model::now();
        self.workspace
            .save_contact_details(org, client.id, &details, &name, now)
            .await?;
        self.followup
            .set_email_opt_out(org, client.id, false, now)
            .await?;
        if let Some(updated) = self.store.session(org, session.id).await? {
            self.emit(
                vec![Target::OrgAgents(org)],
                events::session_updated(&updated),
            )
            .await;
        }
        Ok(address)
    }

    /// Sends what the outbox holds that is due, each e-mail by one server, never twice.
    pub async fn send_due_email(&self) -> ApiResult<()> {
        let Some(mailer) = self.mail.as_deref() else {
            return Ok(());
        };
        let now = crate::domain::model::now();
        let stale = self.followup.give_up_stale_emails(now).await?;
        if stale > 0 {
            tracing::warn!(
                count = stale,
                "e-mails whose sending server stopped are not sent again: they may have gone out"
            );
        }
        for e in self.followup.due_emails(now, PER_PASS).await? {
            let until = now + Duration::seconds(email::CLAIM_SECS);
            if !self.followup.claim_email(e.id, until).await? {
                continue;
            }
            let (outcome, upto) = self.deliver(mailer, &e).await;
            let level_ok = matches!(outcome, EmailOutcome::Sent | EmailOutcome::Skipped(_));
            match &outcome {
                _ if level_ok => {
                    tracing::info!(email = %e.id, session = %e.session_id, kind = e.kind.as_str(), outcome = ?outcome, "e-mail done")
                }
                _ => {
                    tracing::warn!(email = %e.id, session = %e.session_id, kind = e.kind.as_str(), outcome = ?outcome, "e-mail not sent")
                }
            }
            metrics::counter!("raasel_emails_total", "outcome" => outcome.state()).increment(1);
            let finished = crate::domain::model::now();
            self.followup
                .finish_email(e.id, &outcome, upto, finished)
                .await?;
        }
        Ok(())
    }

    /// Writes and sends one e-mail; what became of it, and the last message it carried.
    async fn deliver(&self, mailer: &Mailer, e: &OutgoingEmail) -> (EmailOutcome, Option<i64>) {
        let (letter, upto) = match self.letter_for(mailer, e).await {
            Ok(Some(written)) => written,
            Ok(None) => return (EmailOutcome::Skipped("nothing to tell any more"), None),
            Err(err) => {
                return (
                    EmailOutcome::Failed(format!("could not be written: {err}")),
                    None,
                );
            }
        };
        let sender = match self.organization(e.organization_id).await {
            Ok(org) => org.name,
            Err(err) => return (EmailOutcome::Failed(err.to_string()), None),
        };
        let now = crate::domain::model::now();
        let outcome = match mailer.send(&sender, &letter).await {
            Ok(()) => EmailOutcome::Sent,
            Err(SendError::Refused(why)) => EmailOutcome::Failed(why),
            Err(SendError::Later(why)) => email::after_deferral(e.attempts + 1, why, now),
        };
        (outcome, upto)
    }

    /// The letter an outbox row stands for with the last message it carries, or none when
    /// there is nothing to say any more (the replies were read or e-mailed already, the
    /// conversation rated, the customer turned e-mails off).
    async fn letter_for(
        &self,
        mailer: &Mailer,
        e: &OutgoingEmail,
    ) -> ApiResult<Option<(Letter, Option<i64>)>> {
        let org = self.organization(e.organization_id).await?;
        let (Some(session), Some(client)) = (
            self.store.session(org.id, e.session_id).await?,
            self.customer(org.id, e.client_id).await?,
        ) else {
            return Ok(None);
        };
        if self.followup.email_opted_out(org.id, client.id).await? {
            return Ok(None);
        }
        let now = crate::domain::model::now();
        let open = self.link_url(mailer, &org, &client, &session, LinkAction::Open, now);
        let unsubscribe = self.link_url(
            mailer,
            &org,
            &client,
            &session,
            LinkAction::Unsubscribe,
            now,
        );
        let mut letter = Letter {
            id: e.id,
            to: e.to.clone(),
            subject: String::new(),
            color: org.settings.widget_color.clone(),
            intro: String::new(),
            lines: vec![],
            action: Some(("Open the conversation".into(), open.clone())),
            choices: vec![],
            footer: format!("You get this e-mail because you wrote to {}.", org.name),
            unsubscribe_url: unsubscribe,
        };
        let mut upto = None;
        match e.kind {
            EmailKind::Replies => {
                let read = self
                    .store
                    .read_state(org.id, session.id, Side::Client)
                    .await?
                    .read_seq;
                let told = self.followup.emailed_upto(org.id, session.id).await?;
                let unread: Vec<Message> = self
                    .messages_after(&session, read.max(told))
                    .await?
                    .into_iter()
                    .filter(|m| m.sender_type == SenderType::Agent)
                    .collect();
                if unread.is_empty() {
                    return Ok(None);
                }
                let n = unread.len();
                letter.subject = match n {
                    1 => format!("A new reply from {}", org.name),
                    n => format!("{n} new replies from {}", org.name),
                };
                letter.intro = format!("{} answered you:", org.name);
                letter.lines = lines(&unread);
                letter.action = Some(("Reply".into(), open));
                upto = unread.last().map(|m| m.seq);
            }
            EmailKind::Transcript => {
                letter.subject = format!("Your conversation with {}", org.name);
                letter.intro = format!(
                    "Your conversation with {}, started {}:",
                    org.name,
                    session.created_at.format("%Y-%m-%d %H:%M UTC")
                );
                letter.lines = lines(&self.messages_after(&session, 0).await?);
            }
            EmailKind::RatingRequest => {
                if org.settings.rating_style == RatingStyle::Off
                    || self.followup.rating(org.id, session.id).await?.is_some()
                {
                    return Ok(None);
                }
                letter.subject = format!("How was your conversation with {}?", org.name);
                letter.intro = format!(
                    "{} closed your conversation. How was it? One click is enough:",
                    org.name
                );
                letter.action = None;
                letter.choices = (1..=5)
                    .map(|n| (score_words(n).to_string(), format!("{open}&rate={n}")))
                    .collect();
            }
        }
        Ok(Some((letter, upto)))
    }

    /// The messages the customer sees after `seq` (at most `MAX_LINES`).
    async fn messages_after(&self, session: &Session, seq: i64) -> ApiResult<Vec<Message>> {
        let page = Page {
            before: None,
            after: Some(seq),
            limit: MAX_LINES,
        };
        let (messages, _) = self
            .log
            .range(
                session.organization_id,
                session.id,
                page,
                Audience::Customer,
            )
            .await?;
        Ok(messages)
    }

    /// A signed link for `act` on the conversation: to the widget's page for a visitor of the
    /// organization's site, to the customer app for its registered customers.
    fn link_url(
        &self,
        mailer: &Mailer,
        org: &Organization,
        client: &Client,
        session: &Session,
        act: LinkAction,
        now: Timestamp,
    ) -> String {
        let token = mailer.links.sign(client.id, session.id, org.id, act, now);
        let base = &mailer.public_url;
        match act {
            LinkAction::Unsubscribe => format!("{base}/api/email-links/unsubscribe?token={token}"),
            LinkAction::Open if client.organization_id.is_some() => {
                format!("{base}/widget/?org={}&resume={token}", org.domain)
            }
            LinkAction::Open => format!("{base}/?resume={token}"),
        }
    }

    /// The claims of a link for `act`; 401 for a tampered or expired one.
    fn link_claims(&self, token: &str, act: LinkAction) -> ApiResult<LinkClaims> {
        let now = crate::domain::model::now();
        self.mailer()?.links.verify(token, act, now).ok_or_else(|| {
            tracing::warn!(target: "security", "an e-mail link was refused: tampered or expired");
            ApiError::Unauthorized("this link is not valid or has expired".into())
        })
    }

    /// What an open link leads to: the conversation and its customer.
    pub async fn redeem_link(&self, token: &str) -> ApiResult<Redeemed> {
        let claims = self.link_claims(token, LinkAction::Open)?;
        let refused = || ApiError::Unauthorized("this link is not valid or has expired".into());
        let client = self
            .customer(claims.organization(), claims.client())
            .await?
            .ok_or_else(refused)?;
        let session = self
            .store
            .client_session(client.id, claims.session())
            .await?
            .filter(|s| s.organization_id == claims.organization())
            .ok_or_else(refused)?;
        let org = self.organization(session.organization_id).await?;
        Ok(Redeemed {
            session: session.for_customer(),
            domain: org.domain,
            client,
        })
    }

    /// A rating from the link of an e-mail.
    pub async fn rate_by_link(
        &self,
        token: &str,
        score: u8,
        comment: Option<String>,
    ) -> ApiResult<Session> {
        let Redeemed {
            session, client, ..
        } = self.redeem_link(token).await?;
        self.record_rating(&session, client.id, score, comment)
            .await?;
        Ok(session)
    }

    /// Turns the organization's e-mails to the customer off (the unsubscribe link); the
    /// organization's name.
    pub async fn unsubscribe(&self, token: &str) -> ApiResult<String> {
        let claims = self.link_claims(token, LinkAction::Unsubscribe)?;
        let org = self.organization(claims.organization()).await?;
        let now = crate::domain::model::now();
        self.followup
            .set_email_opt_out(org.id, claims.client(), true, now)
            .await?;
        tracing::info!(org = %org.id, client = %claims.client(), "customer turned the organization's e-mails off");
        Ok(org.name)
    }

    /// Whether the customer turned the organization's e-mails off.
    pub async fn opted_out(&self, org: OrgId, client: ClientId) -> ApiResult<bool> {
        Ok(self.followup.email_opted_out(org, client).await?)
    }
}

/// Messages as lines of a letter: who said what (a note of the conversation says it alone).
fn lines(messages: &[Message]) -> Vec<Line> {
    messages
        .iter()
        .map(|m| Line {
            who: (m.sender_type != SenderType::System).then(|| m.sender_name.clone()),
            text: m.text_with_files(),
        })
        .collect()
}

/// A score as a rating e-mail offers it.
fn score_words(n: u8) -> &'static str {
    match n {
        1 => "1 – Bad",
        2 => "2 – Poor",
        3 => "3 – OK",
        4 => "4 – Good",
        _ => "5 – Great",
    }
}
