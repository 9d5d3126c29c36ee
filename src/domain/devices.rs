//! Agents' devices: each sign-in is one, named by its browser and system, with the address it
//! came from, when it started and when it was last used. Its token names it, so ending a device
//! refuses that token (and closes its sockets) while the agent's other devices go on.
//!
//! A device's access tokens live for minutes; it keeps them coming with a refresh secret (held
//! by the browser in an `HttpOnly` cookie, kept here as its SHA-256). Each refresh trades the
//! secret for a new one and extends the device's life; the secret just replaced still works
//! for a few seconds (two tabs refreshing at once), and presenting it later ends the device:
//! someone else holds a copy.

use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::contacts::user_agent;
use super::ids::{AgentId, DeviceId, OrgId};
use super::model::Timestamp;

/// How often a device's last use is written (a request in between does not write).
pub const TOUCH_EVERY_SECS: i64 = 60;
/// Characters kept of a user agent that names nothing known.
const UNKNOWN_AGENT_CHARS: usize = 60;

/// The time devices keep: the real time, like their tokens' expiry (not the product clock
/// that tests may move).
pub fn real_now() -> Timestamp {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// Random bytes of a refresh secret.
const SECRET_BYTES: usize = 32;

/// A new sign-in of `agent` from `address` with the user agent `ua`, at the real time, good
/// for `ttl_secs` unless refreshed; with its refresh secret.
pub fn new_device(
    agent: &super::model::Agent,
    address: String,
    ua: Option<&str>,
    ttl_secs: i64,
) -> (Device, String) {
    let now = real_now();
    let secret = new_refresh_secret();
    let device = Device {
        id: DeviceId::new(),
        organization_id: agent.organization_id,
        agent_id: agent.id,
        token_version: agent.token_version,
        name: device_name(ua),
        address,
        started_at: now,
        last_used_at: now,
        expires_at: now + chrono::Duration::seconds(ttl_secs),
        refresh_hash: refresh_hash(&secret),
        previous_hash: None,
        rotated_at: None,
    };
    (device, secret)
}

/// A new random refresh secret (hex).
pub fn new_refresh_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::thread_rng().fill(&mut bytes[..]);
    hex::encode(bytes)
}

/// How a refresh secret is kept: its SHA-256 (it is random, so no slow hash is needed).
pub fn refresh_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The refresh cookie's value: the device and its secret.
pub fn refresh_cookie(device: DeviceId, secret: &str) -> String {
    format!("{device}.{secret}")
}

/// A refresh cookie's device and secret; `None` when it is not one.
pub fn parse_refresh_cookie(value: &str) -> Option<(DeviceId, &str)> {
    let (id, secret) = value.split_once('.')?;
    let id = uuid::Uuid::parse_str(id).ok()?;
    (secret.len() == SECRET_BYTES * 2).then_some((DeviceId(id), secret))
}

/// What a presented refresh secret is to its device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented {
    /// The current secret: trade it for a new one.
    Current,
    /// The one replaced moments ago (another tab refreshed first): a token, no new secret.
    JustReplaced,
    /// A replaced secret presented again later: a copy is in someone else's hands.
    Replayed,
    /// Not this device's.
    Unknown,
}

/// One sign-in of an agent.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub id: DeviceId,
    pub organization_id: OrgId,
    pub agent_id: AgentId,
    /// The agent's token version at sign-in: a password change or a revocation ends it.
    pub token_version: i64,
    /// "Firefox 133 on Linux", as far as the user agent tells.
    pub name: String,
    pub address: String,
    pub started_at: Timestamp,
    pub last_used_at: Timestamp,
    /// When it is signed out unless refreshed before.
    pub expires_at: Timestamp,
    /// SHA-256 of the current refresh secret.
    pub refresh_hash: String,
    /// SHA-256 of the secret it replaced, and when.
    pub previous_hash: Option<String>,
    pub rotated_at: Option<Timestamp>,
}

impl Device {
    /// What `secret` is to this device at `now`, a replaced secret still working for
    /// `grace_secs` (tabs refreshing at once).
    pub fn presented(&self, secret: &str, now: Timestamp, grace_secs: i64) -> Presented {
        let hash = refresh_hash(secret);
        if hash == self.refresh_hash {
            return Presented::Current;
        }
        if self.previous_hash.as_deref() != Some(hash.as_str()) {
            return Presented::Unknown;
        }
        let since = self
            .rotated_at
            .map_or(i64::MAX, |at| (now - at).num_seconds());
        match since < grace_secs {
            true => Presented::JustReplaced,
            false => Presented::Replayed,
        }
    }

    /// Whether a request at `now` should record itself as the device's last use.
    pub fn due_for_touch(&self, now: Timestamp) -> bool {
        (now - self.last_used_at).num_seconds() >= TOUCH_EVERY_SECS
    }
}

/// A device as its agent and the admins see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeviceView {
    pub id: DeviceId,
    pub name: String,
    pub address: String,
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub last_used_at: Timestamp,
    /// Whether the caller is signed in on it.
    pub current: bool,
}

impl DeviceView {
    pub fn of(d: &Device, current: Option<DeviceId>) -> DeviceView {
        DeviceView {
            id: d.id,
            name: d.name.clone(),
            address: d.address.clone(),
            started_at: d.started_at,
            last_used_at: d.last_used_at,
            current: current == Some(d.id),
        }
    }
}

/// A device's name from the user agent it signed in with.
pub fn device_name(ua: Option<&str>) -> String {
    let Some(ua) = ua.map(str::trim).filter(|u| !u.is_empty()) else {
        return "Unknown device".into();
    };
    match user_agent(ua) {
        (Some(browser), Some(os)) => format!("{browser} on {os}"),
        (Some(browser), None) => browser,
        (None, Some(os)) => format!("A program on {os}"),
        (None, None) => ua.chars().take(UNKNOWN_AGENT_CHARS).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_named_by_browser_and_system() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(device_name(Some(firefox)), "Firefox 133 on Linux");
        assert_eq!(device_name(Some("curl/8.5.0")), "curl/8.5.0");
        assert_eq!(device_name(None), "Unknown device");
        assert_eq!(device_name(Some(&"x".repeat(500))).len(), 60);
    }

    fn agent() -> super::super::model::Agent {
        super::super::fixtures::agent(OrgId::new(), super::super::model::Role::Agent)
    }

    #[test]
    fn a_replaced_secret_works_moments_later_and_ends_the_device_after() {
        let (mut device, first) = new_device(&agent(), "127.0.0.1".into(), None, 60);
        let now = real_now();
        assert_eq!(device.presented(&first, now, 30), Presented::Current);
        assert_eq!(
            device.presented(&new_refresh_secret(), now, 30),
            Presented::Unknown
        );
        let second = new_refresh_secret();
        device.previous_hash = Some(device.refresh_hash.clone());
        device.refresh_hash = refresh_hash(&second);
        device.rotated_at = Some(now);
        assert_eq!(device.presented(&second, now, 30), Presented::Current);
        assert_eq!(device.presented(&first, now, 30), Presented::JustReplaced);
        let later = now + chrono::Duration::seconds(30);
        assert_eq!(device.presented(&first, later, 30), Presented::Replayed);
        assert_eq!(device.presented(&first, now, 0), Presented::Replayed);
    }

    #[test]
    fn refresh_cookies_name_their_device() {
        let id = DeviceId::new();
        let secret = new_refresh_secret();
        let cookie = refresh_cookie(id, &secret);
        assert_eq!(parse_refresh_cookie(&cookie), Some((id, secret.as_str())));
        assert_eq!(parse_refresh_cookie("x.y"), None);
        assert_eq!(parse_refresh_cookie(&format!("{id}.short")), None);
    }
}
