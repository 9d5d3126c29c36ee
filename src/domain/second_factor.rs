//! A second factor for agents' sign-in: time-based one-time passwords (RFC 6238: HMAC-SHA1,
//! six digits, 30-second steps, as every authenticator app reads them) and ten single-use
//! recovery codes. A code is good in its step and the steps on either side (clocks drift); each
//! step is used once (a code seen on a screen cannot be replayed).

use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, TOTP};
use utoipa::ToSchema;

use super::model::Timestamp;

/// Seconds a code stands for.
pub const STEP_SECS: i64 = 30;
const DIGITS: usize = 6;
/// Bytes of a secret (160 bits, as RFC 4226 recommends).
const SECRET_BYTES: usize = 20;
/// Recovery codes given when the second factor is turned on.
pub const RECOVERY_CODES: usize = 10;
/// Characters of recovery codes: no 0/O, 1/l/I to misread.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A new random secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::thread_rng().fill(&mut secret[..]);
    secret
}

/// The secret as authenticator apps take it typed in (base32, no padding).
pub fn secret_text(secret: &[u8]) -> String {
    base32::encode(base32::Alphabet::Rfc4648 { padding: false }, secret)
}

/// The step a time falls in.
pub fn step_at(at: Timestamp) -> i64 {
    at.timestamp().div_euclid(STEP_SECS)
}

fn totp(secret: &[u8]) -> TOTP {
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP_SECS as u64,
        secret.to_vec(),
    )
}

/// The code of a step.
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    totp(secret).generate((step.max(0) * STEP_SECS) as u64)
}

/// The step among `now`'s and its neighbours whose code `code` is, if any (compared in
/// constant time).
pub fn matching_step(secret: &[u8], code: &str, now: Timestamp) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = step_at(now);
    let mut found = None;
    for step in [current - 1, current, current + 1] {
        let expected = code_at_step(secret, step);
        if crate::auth::same_secret(&expected, &code) {
            found = Some(step);
        }
    }
    found
}

/// Ten new recovery codes (`xxxx-xxxx`), shown once.
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::thread_rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut pick = || RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char;
            let a: String = (0..4).map(|_| pick()).collect();
            let b: String = (0..4).map(|_| pick()).collect();
            format!("{a}-{b}")
        })
        .collect()
}

/// Whether an entry looks like a recovery code rather than a six-digit code.
pub fn is_recovery_code(code: &str) -> bool {
    code.trim().len() == 9 && code.trim().as_bytes()[4] == b'-'
}

/// How a recovery code is kept: its SHA-256 (it is random, so no slow hash is needed).
pub fn recovery_hash(code: &str) -> String {
    hex::encode(Sha256::digest(code.trim().to_lowercase().as_bytes()))
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| -> String {
        form_urlencoded::byte_serialize(s.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        enc(issuer),
        enc(account),
        secret_text(secret),
        enc(issuer)
    )
}

/// A QR code as rows of dark (`1`) and light (`0`) modules, for a screen to draw.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QrCode {
    pub size: u32,
    pub rows: Vec<String>,
}

pub fn qr_code(text: &str) -> QrCode {
    let qr = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium)
        .expect("an otpauth address fits a QR code");
    let size = qr.size();
    let rows = (0..size)
        .map(|y| {
            (0..size)
                .map(|x| if qr.get_module(x, y) { '1' } else { '0' })
                .collect()
        })
        .collect();
    QrCode {
        size: size as u32,
        rows,
    }
}

/// An agent's second factor as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SecondFactor {
    pub agent_id: super::AgentId,
    pub organization_id: super::OrgId,
    pub secret: Vec<u8>,
    /// None while being set up (not asked at sign-in yet).
    pub enabled_at: Option<Timestamp>,
    /// The last step whose code was used.
    pub last_step: i64,
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_6238_test_vector_holds() {
        // RFC 6238, appendix B, SHA-1, T = 59 s: 94287082 (eight digits); six: 287082.
        let secret = b"12345678901234567890";
        assert_eq!(code_at_step(secret, 59 / STEP_SECS), "287082");
    }

    #[test]
    fn a_code_matches_its_step_and_the_neighbours_only() {
        let secret = new_secret();
        let now = chrono::Utc::now();
        let step = step_at(now);
        for s in [step - 1, step, step + 1] {
            assert_eq!(
                matching_step(&secret, &code_at_step(&secret, s), now),
                Some(s)
            );
        }
        assert_eq!(
            matching_step(&secret, &code_at_step(&secret, step + 2), now),
            None
        );
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
    }

    #[test]
    fn recovery_codes_are_random_readable_and_kept_hashed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes.iter().all(|c| is_recovery_code(c)));
        assert_ne!(codes[0], codes[1]);
        assert_eq!(recovery_hash(" ABCD-efgh "), recovery_hash("abcd-efgh"));
    }

    #[test]
    fn the_qr_code_is_square() {
        let qr = qr_code(&otpauth_uri("Acme", "ann@acme.com", &new_secret()));
        assert_eq!(qr.rows.len() as u32, qr.size);
        assert!(qr.rows.iter().all(|r| r.len() as u32 == qr.size));
    }
}
