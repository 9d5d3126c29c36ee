//! Argon2id hashing. Hashing is deliberately slow and takes ~19 MiB of memory each, so it runs
//! on the blocking pool, at most a fixed number at a time (the rest wait their turn): a burst of
//! logins costs time, never unbounded memory.

use std::sync::OnceLock;

use anyhow::{Context, anyhow};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;
use tokio::sync::Semaphore;

static HASHING: OnceLock<Semaphore> = OnceLock::new();

/// Sets how many hashes may run at once in this process (first call wins; the default is the
/// number of CPUs).
pub fn set_hash_concurrency(n: usize) {
    let _ = HASHING.set(Semaphore::new(n.max(1)));
}

fn hashing() -> &'static Semaphore {
    HASHING
        .get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
}

/// Runs one hash computation when a slot is free.
async fn bounded<T: Send + 'static>(
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let _slot = hashing()
        .acquire()
        .await
        .context("password hashing slots")?;
    metrics::gauge!("raasel_password_hashes_running").increment(1.0);
    let result = tokio::task::spawn_blocking(work).await;
    metrics::gauge!("raasel_password_hashes_running").decrement(1.0);
    result.context("password hashing task")?
}

/// Hashes a password into a PHC string.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    bounded(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow!("hashing password: {e}"))
    })
    .await
}

/// Whether `password` matches the stored PHC string.
pub async fn verify_password(password: String, hash: String) -> anyhow::Result<bool> {
    bounded(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| anyhow!("stored hash: {e}"))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

/// Verifies against `hash`, or against a throw-away hash when there is none, so that an unknown
/// account takes as long to refuse as a wrong password.
pub async fn verify_password_or_dummy(
    password: String,
    hash: Option<String>,
) -> anyhow::Result<bool> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    match hash {
        Some(hash) => verify_password(password, hash).await,
        None => {
            let dummy = match DUMMY.get() {
                Some(d) => d.clone(),
                None => {
                    let d = hash_password("not a real password".into()).await?;
                    DUMMY.get_or_init(|| d).clone()
                }
            };
            verify_password(password, dummy).await.map(|_| false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let h = hash_password("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse".into(), h.clone())
                .await
                .unwrap()
        );
        assert!(!verify_password("wrong horse".into(), h).await.unwrap());
        assert!(!verify_password_or_dummy("x".into(), None).await.unwrap());
    }
}
