//! Credentials: Argon2id password hashing off the async executor, and HS256 tokens that carry
//! a version so that a password change or a deletion revokes every earlier token.

mod identity;
mod passwords;
mod tokens;

pub use identity::{Verified, agent_token, authenticate, client_token, token_current};
pub use passwords::{
    hash_password, set_hash_concurrency, verify_password, verify_password_or_dummy,
};
pub use tokens::{Claims, Kind, TOKEN_TTL_SECS, Tokens};

/// Compares two secrets in constant time (for their common length).
pub fn same_secret(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0, |acc, (a, b)| acc | (a ^ b))
            == 0
}
