//! Who a session belongs to, remembered: its organization and its client never change, so a
//! client's messages need no read of the session before they are appended (the append itself
//! refuses a session that is gone or closed).

use std::sync::Mutex;

use hashlink::LruCache;

use crate::domain::{ClientId, OrgId, SessionId};

/// Sessions remembered at most; the least recently used are forgotten first.
pub const MAX_SESSION_OWNERS: usize = 50_000;

pub struct SessionOwners(Mutex<LruCache<SessionId, (OrgId, ClientId)>>);

impl Default for SessionOwners {
    fn default() -> Self {
        SessionOwners(Mutex::new(LruCache::new(MAX_SESSION_OWNERS)))
    }
}

impl SessionOwners {
    pub fn get(&self, session: SessionId) -> Option<(OrgId, ClientId)> {
        self.lock().get(&session).copied()
    }

    pub fn remember(&self, session: SessionId, org: OrgId, client: ClientId) {
        self.lock().insert(session, (org, client));
    }

    /// Forgets a session that is gone (deleted, or erased with its customer).
    pub fn forget(&self, session: SessionId) {
        self.lock().remove(&session);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<SessionId, (OrgId, ClientId)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_sessions_are_forgotten_beyond_the_bound() {
        let owners = SessionOwners::default();
        let first = SessionId::new();
        let (org, client) = (OrgId::new(), ClientId::new());
        owners.remember(first, org, client);
        for _ in 0..MAX_SESSION_OWNERS {
            owners.remember(SessionId::new(), org, client);
        }
        assert_eq!(owners.lock().len(), MAX_SESSION_OWNERS);
        assert_eq!(owners.get(first), None, "the oldest entry makes room");
    }
}
