//! The end-of-run check, over REST: every acknowledged message is stored exactly once, at the
//! `seq` its acknowledgement gave, and each conversation's `seq` runs 1, 2, 3, … without gaps.

use serde::{Deserialize, Serialize};

use super::content::parse_client_msg_id;
use super::customer::Acked;
use crate::api::{Api, Stored};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Verified {
    pub conversations: u64,
    pub stored: u64,
    pub acked: u64,
    /// Acknowledged but not in the history.
    pub missing: u64,
    /// Stored more than once (same `client_msg_id`).
    pub duplicates: u64,
    /// Stored at another `seq` than the acknowledgement said.
    pub wrong_seq: u64,
    /// Holes or repeats in a conversation's `seq`.
    pub seq_gaps: u64,
    /// Stored without a successful acknowledgement (e.g. sent just before a disconnect).
    pub unacked_stored: u64,
    pub read_errors: Vec<String>,
}

impl Verified {
    pub fn add(&mut self, o: &Verified) {
        self.conversations += o.conversations;
        self.stored += o.stored;
        self.acked += o.acked;
        self.missing += o.missing;
        self.duplicates += o.duplicates;
        self.wrong_seq += o.wrong_seq;
        self.seq_gaps += o.seq_gaps;
        self.unacked_stored += o.unacked_stored;
        self.read_errors.extend(o.read_errors.iter().cloned());
    }

    pub fn ok(&self) -> bool {
        self.missing + self.duplicates + self.wrong_seq + self.seq_gaps == 0
            && self.read_errors.is_empty()
    }
}

pub async fn verify_all(api: &Api, customers: Vec<Acked>) -> Verified {
    let results = crate::api::each(customers, 16, |c| async move {
        let history = api.whole_history(&c.seat.token, &c.seat.session).await;
        Ok(match history {
            Ok(h) => check(&c, &h),
            Err(e) => Verified {
                read_errors: vec![format!("{e:#}")],
                ..Verified::default()
            },
        })
    })
    .await
    .unwrap_or_default();
    let mut total = Verified::default();
    for r in &results {
        total.add(r);
    }
    total
}

/// Compares one conversation's history with the acknowledgements its customer received.
pub fn check(acked: &Acked, history: &[Stored]) -> Verified {
    let mut v = Verified {
        conversations: 1,
        ..Verified::default()
    };
    v.acked = acked.seqs.iter().filter(|s| **s > 0).count() as u64;
    let mut seen = vec![0u32; acked.seqs.len()];
    let mut previous = 0;
    for m in history {
        if m.seq != previous + 1 {
            v.seq_gaps += 1;
        }
        previous = m.seq;
        let Some((customer, n)) = m.client_msg_id.as_deref().and_then(parse_client_msg_id) else {
            continue;
        };
        if customer != acked.seat.index || m.sender_type != "client" {
            continue;
        }
        v.stored += 1;
        let n = n as usize;
        let Some(count) = seen.get_mut(n) else {
            v.unacked_stored += 1;
            continue;
        };
        *count += 1;
        let expected = acked.seqs[n];
        if *count > 1 {
            v.duplicates += 1;
        } else if expected <= 0 {
            v.unacked_stored += 1;
        } else if expected != m.seq {
            v.wrong_seq += 1;
        }
    }
    v.missing = acked
        .seqs
        .iter()
        .zip(&seen)
        .filter(|(seq, count)| **seq > 0 && **count == 0)
        .count() as u64;
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::plan::CustomerSeat;

    fn acked(seqs: Vec<i64>) -> Acked {
        let seat = CustomerSeat {
            index: 3,
            org: 0,
            token: String::new(),
            session: String::new(),
            agent: 0,
        };
        Acked { seat, seqs }
    }

    fn stored(seq: i64, n: Option<u64>) -> Stored {
        Stored {
            seq,
            sender_type: if n.is_some() { "client" } else { "system" }.into(),
            client_msg_id: n.map(|n| format!("3-{n}")),
        }
    }

    #[test]
    fn a_clean_history_passes() {
        let v = check(
            &acked(vec![2, 3]),
            &[stored(1, None), stored(2, Some(0)), stored(3, Some(1))],
        );
        assert!(v.ok(), "{v:?}");
        assert_eq!((v.acked, v.stored), (2, 2));
    }

    #[test]
    fn gaps_duplicates_and_losses_are_found() {
        let v = check(
            &acked(vec![2, 3, 4]),
            &[stored(1, None), stored(2, Some(0)), stored(4, Some(0))],
        );
        assert_eq!((v.seq_gaps, v.duplicates, v.missing), (1, 1, 2));
    }
}
