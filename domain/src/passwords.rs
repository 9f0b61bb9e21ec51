//! Password hashing with argon2id (m = 19 456 KiB, t = 2, p = 1, the OWASP
//! minimum), run on the blocking pool with bounded concurrency so that a
//! burst of sign-ins can neither starve the async threads nor exhaust memory.

use crate::{Error, Result};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

pub struct Passwords {
    permits: Arc<Semaphore>,
    /// A real hash of a random secret, verified against when an account does
    /// not exist, so that unknown and known logins cost the same time.
    dummy_hash: String,
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| Error::Internal(format!("argon2 hash: {e}")))
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

impl Passwords {
    pub fn new(concurrency: usize) -> Self {
        let secret = uuid::Uuid::new_v4().to_string();
        let dummy_hash = hash_blocking(&secret).expect("argon2 works");
        Self { permits: Arc::new(Semaphore::new(concurrency.max(1))), dummy_hash }
    }

    pub async fn hash(&self, password: &str) -> Result<String> {
        let _permit = self.permits.acquire().await.map_err(|e| Error::Internal(e.to_string()))?;
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_blocking(&password)).await.map_err(|e| Error::Internal(e.to_string()))?
    }

    /// Verifies against `hash`, or against the dummy hash when there is none.
    /// Always does one full argon2 computation.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool> {
        let _permit = self.permits.acquire().await.map_err(|e| Error::Internal(e.to_string()))?;
        let known = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || verify_blocking(&password, &hash)).await.map_err(|e| Error::Internal(e.to_string()))?;
        Ok(ok && known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let p = Passwords::new(1);
        let h = p.hash("jardin de Tlemcen").await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(p.verify("jardin de Tlemcen", Some(&h)).await.unwrap());
        assert!(!p.verify("jardin de tlemcen", Some(&h)).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies_even_with_the_right_dummy() {
        let p = Passwords::new(1);
        assert!(!p.verify("anything", None).await.unwrap());
    }
}
