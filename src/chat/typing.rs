//! Typing indicators: relayed to the rest of the session, and ended by the server when no new
//! `typing_start` arrives within the time to live, so a closed tab never types forever.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use uuid::Uuid;

use crate::domain::SessionId;
use crate::domain::model::{Session, Side};
use crate::domain::permissions::Identity;
use crate::fanout::events::{ServerEvent, TypingIndicator};
use crate::fanout::{Fanout, Target, participants};

pub struct Typing {
    ttl: Duration,
    fanout: Arc<dyn Fanout>,
    /// The generation of each live indicator; a newer `typing_start` supersedes the timer.
    live: Mutex<HashMap<(SessionId, Uuid), u64>>,
    generation: AtomicU64,
}

struct Typist {
    id: Uuid,
    own: Target,
    indicator: TypingIndicator,
}

fn typist(who: &Identity, session: SessionId) -> Typist {
    let (id, own, side, name) = match who {
        Identity::Agent(a) => (a.id.0, Target::Agent(a.id), Side::Agent, a.name.clone()),
        Identity::Client(c) => (c.id.0, Target::Client(c.id), Side::Client, c.display_name()),
    };
    Typist {
        id,
        own,
        indicator: TypingIndicator {
            session_id: session,
            user_id: id,
            user_type: side,
            name,
        },
    }
}

impl Typing {
    pub fn new(ttl: Duration, fanout: Arc<dyn Fanout>) -> Arc<Self> {
        Arc::new(Typing {
            ttl,
            fanout,
            live: Mutex::default(),
            generation: AtomicU64::new(0),
        })
    }

    /// Starts (or refreshes) or stops the caller's indicator in a session.
    pub async fn set(self: &Arc<Self>, who: &Identity, session: &Session, typing: bool) {
        let t = typist(who, session.id);
        let key = (session.id, t.id);
        let audience = participants(session);
        if typing {
            let generation = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
            let fresh = self
                .live
                .lock()
                .expect("typing lock")
                .insert(key, generation)
                .is_none();
            if fresh {
                self.fanout
                    .emit_except(
                        audience.clone(),
                        t.own,
                        ServerEvent::TypingStart(t.indicator.clone()),
                    )
                    .await;
            }
            let this = Arc::clone(self);
            tokio::spawn(async move {
                tokio::time::sleep(this.ttl).await;
                let expired = {
                    let mut live = this.live.lock().expect("typing lock");
                    let current = live.get(&key) == Some(&generation);
                    if current {
                        live.remove(&key);
                    }
                    current
                };
                if expired {
                    this.fanout
                        .emit_except(audience, t.own, ServerEvent::TypingStop(t.indicator))
                        .await;
                }
            });
        } else {
            let was_typing = self
                .live
                .lock()
                .expect("typing lock")
                .remove(&key)
                .is_some();
            if was_typing {
                self.fanout
                    .emit_except(audience, t.own, ServerEvent::TypingStop(t.indicator))
                    .await;
            }
        }
    }
}
