//! Access tokens for the mobile API: short-lived JWTs (HS256, algorithm
//! pinned) naming the user and the session they belong to. A token that
//! verifies is still refused when its session has ended (see `sessions`), so
//! signing out or changing the password takes effect at once.

use crate::config::DomainConfig;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use shared::{SessionId, UserId};
use uuid::Uuid;

/// The `typ` claim: only access tokens are accepted where an access token is
/// expected, whatever else might one day be signed with the same key.
pub const ACCESS_TYPE: &str = "access";
/// The most clock skew tolerated between servers, in seconds.
pub const LEEWAY_SECS: u64 = 30;
/// The longest an access token may live.
pub const MAX_ACCESS_TTL_SECS: u64 = 15 * 60;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub sid: String,
    pub typ: String,
}

pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_secs: u64,
}

/// What a verified token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifiedAccess {
    pub user_id: UserId,
    pub session_id: SessionId,
}

impl AccessTokens {
    pub fn new(cfg: &DomainConfig) -> Self {
        assert!(cfg.jwt_secret.len() >= 32, "the JWT signing key must be at least 32 bytes");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = false;
        validation.set_issuer(&[&cfg.jwt_issuer]);
        validation.set_audience(&[&cfg.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(&cfg.jwt_secret),
            decoding: DecodingKey::from_secret(&cfg.jwt_secret),
            validation,
            issuer: cfg.jwt_issuer.clone(),
            audience: cfg.jwt_audience.clone(),
            ttl_secs: cfg.access_ttl_secs.min(MAX_ACCESS_TTL_SECS),
        }
    }

    pub fn ttl_secs(&self) -> u64 {
        self.ttl_secs
    }

    pub fn issue(&self, user: UserId, session: SessionId, now: chrono::DateTime<chrono::Utc>) -> String {
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user.to_string(),
            iat: now.timestamp(),
            exp: now.timestamp() + self.ttl_secs as i64,
            jti: Uuid::new_v4().to_string(),
            sid: session.to_string(),
            typ: ACCESS_TYPE.to_owned(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).expect("HS256 encoding cannot fail")
    }

    /// Checks signature, algorithm, issuer, audience, expiry (with leeway)
    /// and type. `None` for anything wrong: callers answer 401 without
    /// saying which check failed.
    pub fn verify(&self, token: &str) -> Option<VerifiedAccess> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        let c = data.claims;
        if c.typ != ACCESS_TYPE {
            return None;
        }
        Some(VerifiedAccess { user_id: c.sub.parse().ok()?, session_id: c.sid.parse().ok()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_token_verifies_and_names_its_user_and_session() {
        let t = AccessTokens::new(&DomainConfig::for_tests(&[7u8; 32]));
        let (u, s) = (UserId(Uuid::new_v4()), SessionId(Uuid::new_v4()));
        let jwt = t.issue(u, s, chrono::Utc::now());
        assert_eq!(t.verify(&jwt), Some(VerifiedAccess { user_id: u, session_id: s }));
    }

    #[test]
    fn a_token_from_another_key_or_past_the_leeway_is_refused() {
        let t = AccessTokens::new(&DomainConfig::for_tests(&[7u8; 32]));
        let other = AccessTokens::new(&DomainConfig::for_tests(&[8u8; 32]));
        let (u, s) = (UserId(Uuid::new_v4()), SessionId(Uuid::new_v4()));
        assert_eq!(t.verify(&other.issue(u, s, chrono::Utc::now())), None);
        let old = chrono::Utc::now() - chrono::Duration::seconds((t.ttl_secs() + LEEWAY_SECS + 5) as i64);
        assert_eq!(t.verify(&t.issue(u, s, old)), None);
        let within_leeway = chrono::Utc::now() - chrono::Duration::seconds((t.ttl_secs() + LEEWAY_SECS - 10) as i64);
        assert!(t.verify(&t.issue(u, s, within_leeway)).is_some());
    }
}
