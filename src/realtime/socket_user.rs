//! Who is behind a socket (fixed at connect) and the socket's part in its agent's presence.

use governor::DefaultDirectRateLimiter;

use crate::domain::permissions::Identity;
use crate::error::ApiResult;
use crate::state::App;

/// Who is behind a socket, fixed at connect.
pub struct SocketUser {
    pub identity: Identity,
    pub token_version: i64,
    /// When the token expires (Unix seconds); the socket is closed then, unless a newer token
    /// of the same sign-in renewed it (`renew_token`).
    pub expires_at: std::sync::atomic::AtomicI64,
    /// The agent's device the token belongs to (its sockets close when it is ended).
    pub device: Option<crate::domain::DeviceId>,
    pub limiter: DefaultDirectRateLimiter,
    /// Signalled when the socket's outgoing buffer overflowed (it stopped reading).
    pub lagging: tokio::sync::Notify,
    /// Whether this socket is counted in presence. The connect follow-up and the disconnect
    /// handler run as separate tasks; this lock keeps a socket that left early from being
    /// counted afterwards (an agent online forever). It is an async lock held across the
    /// presence update on purpose: it guards only this one socket.
    pub(super) presence: tokio::sync::Mutex<PresenceState>,
}

#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum PresenceState {
    #[default]
    Pending,
    Counted,
    Gone,
}

impl SocketUser {
    /// Counts the socket in its agent's presence, unless it already left; `None` when there
    /// was nothing to do.
    pub async fn enter_presence(&self, app: &App) -> Option<ApiResult<()>> {
        let Identity::Agent(agent) = &self.identity else {
            return None;
        };
        let mut presence = self.presence.lock().await;
        if *presence != PresenceState::Pending {
            return None;
        }
        *presence = PresenceState::Counted;
        Some(app.chat.agent_connected(agent).await)
    }
}

/// Ends the socket's part in its agent's presence, once (a lagging socket ends it early).
pub async fn leave_presence(app: &App, user: &SocketUser) {
    let Identity::Agent(agent) = &user.identity else {
        return;
    };
    let mut presence = user.presence.lock().await;
    let counted = *presence == PresenceState::Counted;
    *presence = PresenceState::Gone;
    if counted && let Err(e) = app.chat.agent_disconnected(agent).await {
        tracing::error!(error = %e, "agent presence on disconnect");
    }
}
