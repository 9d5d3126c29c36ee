//! How many sockets each account has open, so one account (a visitor's script, a leaked token)
//! cannot hold thousands. Entries exist only while an account has sockets.

use std::collections::HashMap;
use std::sync::Mutex;

use uuid::Uuid;

pub struct SocketQuota {
    max: usize,
    open: Mutex<HashMap<Uuid, usize>>,
}

impl SocketQuota {
    pub fn new(max: usize) -> Self {
        SocketQuota {
            max: max.max(1),
            open: Mutex::default(),
        }
    }

    /// Counts one more socket of `account`; false (and nothing counted) at the cap.
    pub fn try_open(&self, account: Uuid) -> bool {
        let mut open = self.open.lock().expect("account sockets lock");
        let n = open.entry(account).or_insert(0);
        if *n >= self.max {
            return false;
        }
        *n += 1;
        true
    }

    /// Counts one socket fewer.
    pub fn close(&self, account: Uuid) {
        let mut open = self.open.lock().expect("account sockets lock");
        if let Some(n) = open.get_mut(&account) {
            *n -= 1;
            if *n == 0 {
                open.remove(&account);
            }
        }
    }

    /// Accounts with at least one socket (the map's size).
    pub fn accounts(&self) -> usize {
        self.open.lock().expect("account sockets lock").len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_holds_at_most_max_sockets_and_leaves_no_entry_behind() {
        let sockets = SocketQuota::new(2);
        let a = Uuid::now_v7();
        assert!(sockets.try_open(a));
        assert!(sockets.try_open(a));
        assert!(!sockets.try_open(a));
        sockets.close(a);
        assert!(sockets.try_open(a));
        sockets.close(a);
        sockets.close(a);
        assert_eq!(sockets.accounts(), 0);
    }
}
