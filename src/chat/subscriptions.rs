//! Which webhooks of an organization want which events, remembered on a server that is its
//! installation's only one: every change to them then goes through this server, which forgets
//! the organization's entry as it makes one, so a message needs no read of the webhooks before
//! it is announced. A cluster's nodes read them for each event, since another node may change
//! them.

use std::sync::{Arc, Mutex};

use hashlink::LruCache;

use crate::domain::OrgId;
use crate::domain::webhooks::{Endpoint, WebhookEvent};

/// Organizations remembered at most; the least recently used are forgotten first.
pub const MAX_REMEMBERED_ORGS: usize = 10_000;

/// One webhook's subscription: where its deliveries go, and for which events.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    pub endpoint: uuid::Uuid,
    pub events: Vec<WebhookEvent>,
}

impl Subscription {
    pub fn of(e: &Endpoint) -> Subscription {
        Subscription {
            endpoint: e.id,
            events: e.events.clone(),
        }
    }
}

/// An organization's subscriptions, shared by the events that read them.
pub type Subscriptions = Arc<[Subscription]>;

/// `None` on a cluster's node: nothing is remembered.
pub struct Remembered(Option<Mutex<Entries>>);

struct Entries {
    orgs: LruCache<OrgId, Subscriptions>,
    /// Counts the changes: a read that began before a change is not remembered after it.
    changes: u64,
}

/// What a read of the store was asked after (`Remembered::asking`).
#[derive(Debug, Clone, Copy)]
pub struct Asked(u64);

impl Remembered {
    /// Remembers only when this server is the installation's only one.
    pub fn new(only_server: bool) -> Remembered {
        Remembered(only_server.then(|| {
            Mutex::new(Entries {
                orgs: LruCache::new(MAX_REMEMBERED_ORGS),
                changes: 0,
            })
        }))
    }

    pub fn get(&self, org: OrgId) -> Option<Subscriptions> {
        self.lock()?.orgs.get(&org).cloned()
    }

    /// Call before reading the store; hand the answer to `remember`.
    pub fn asking(&self) -> Asked {
        Asked(self.lock().map_or(0, |e| e.changes))
    }

    /// Keeps what the store said, unless a change was made since the read began.
    pub fn remember(&self, org: OrgId, found: Subscriptions, asked: Asked) {
        if let Some(mut e) = self.lock()
            && e.changes == asked.0
        {
            e.orgs.insert(org, found);
        }
    }

    /// Forgets the organization's subscriptions as they change (or the organization goes).
    pub fn forget(&self, org: OrgId) {
        if let Some(mut e) = self.lock() {
            e.changes += 1;
            e.orgs.remove(&org);
        }
    }

    fn lock(&self) -> Option<std::sync::MutexGuard<'_, Entries>> {
        let entries = self.0.as_ref()?;
        Some(entries.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(event: WebhookEvent) -> Subscriptions {
        Arc::new([Subscription {
            endpoint: uuid::Uuid::now_v7(),
            events: vec![event],
        }])
    }

    #[test]
    fn a_change_is_seen_at_once_even_by_a_read_under_way() {
        let kept = Remembered::new(true);
        let org = OrgId::new();
        let asked = kept.asking();
        kept.remember(org, one(WebhookEvent::MessageCreated), asked);
        assert!(kept.get(org).is_some());
        kept.forget(org);
        assert!(kept.get(org).is_none(), "a change forgets the entry");
        // A read that began before a change does not bring the old answer back.
        let asked = kept.asking();
        kept.forget(org);
        kept.remember(org, one(WebhookEvent::MessageCreated), asked);
        assert!(kept.get(org).is_none());
    }

    #[test]
    fn a_cluster_node_remembers_nothing_and_the_bound_holds() {
        let node = Remembered::new(false);
        let org = OrgId::new();
        node.remember(org, one(WebhookEvent::MessageCreated), node.asking());
        assert!(node.get(org).is_none());
        let only = Remembered::new(true);
        let first = OrgId::new();
        only.remember(first, one(WebhookEvent::MessageCreated), only.asking());
        for _ in 0..MAX_REMEMBERED_ORGS {
            only.remember(
                OrgId::new(),
                one(WebhookEvent::MessageCreated),
                only.asking(),
            );
        }
        assert_eq!(only.lock().unwrap().orgs.len(), MAX_REMEMBERED_ORGS);
        assert!(only.get(first).is_none(), "the oldest entry makes room");
    }
}
