//! Argon2id hashing. Hashing is deliberately slow, so it runs on the blocking pool.

use anyhow::{Context, anyhow};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;

/// Hashes a password into a PHC string.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow!("hashing password: {e}"))
    })
    .await
    .context("password hashing task")?
}

/// Whether `password` matches the stored PHC string.
pub async fn verify_password(password: String, hash: String) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| anyhow!("stored hash: {e}"))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .context("password verification task")?
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
