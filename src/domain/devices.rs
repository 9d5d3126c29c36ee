//! Agents' devices: each sign-in is one, named by its browser and system, with the address it
//! came from, when it started and when it was last used. Its token names it, so ending a device
//! refuses that token (and closes its sockets) while the agent's other devices go on.

use serde::Serialize;
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

/// A new sign-in of `agent` from `address` with the user agent `ua`, at the real time, good
/// for `ttl_secs`.
pub fn new_device(
    agent: &super::model::Agent,
    address: String,
    ua: Option<&str>,
    ttl_secs: i64,
) -> Device {
    let now = real_now();
    Device {
        id: DeviceId::new(),
        organization_id: agent.organization_id,
        agent_id: agent.id,
        token_version: agent.token_version,
        name: device_name(ua),
        address,
        started_at: now,
        last_used_at: now,
        expires_at: now + chrono::Duration::seconds(ttl_secs),
    }
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
    /// When its token expires (the device is gone then).
    pub expires_at: Timestamp,
}

impl Device {
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
}
