//! Widget visitors' identity: an organization may sign its own users' ids so that a visitor
//! who presents one is the same visitor on every device.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Whether `hash` is hex(HMAC-SHA256(secret, external_id)), compared in constant time.
pub fn identity_verified(secret: &str, external_id: &str, hash: &str) -> bool {
    let Ok(given) = hex::decode(hash.trim()) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(external_id.as_bytes());
    mac.verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_hash_is_hmac_sha256_hex() {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(b"user-42");
        let good = hex::encode(mac.finalize().into_bytes());
        assert!(identity_verified("s3cret", "user-42", &good));
        assert!(!identity_verified("s3cret", "user-43", &good));
        assert!(!identity_verified("s3cret", "user-42", "zz"));
    }
}
