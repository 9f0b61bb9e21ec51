//! Sessions this process verified a moment ago.
//!
//! Every signed-in request proves who it is: a bearer token's signature is
//! checked (no database), then its session row and its user's row are read
//! to see that neither was revoked or deactivated since. Those two reads
//! are kept here for at most [`IdentityRules::session_cache_ms`] (5 s), so
//! the bursts of calls an app makes on one screen read them once.
//!
//! - This process forgets a session as soon as it revokes it (sign-out, a
//!   reused refresh token, the web idle timeout) and a user's sessions as
//!   soon as it changes what the session carries (password change or
//!   reset, closure, deactivation, second-factor reset, a verified phone),
//!   after the change's commit: its own users see revocation at once.
//! - A revocation made by another process, or straight in the database,
//!   is seen within the TTL. That is the bounded delay across processes.
//! - Only successes are kept, never refusals; freshness is judged by the
//!   domain's clock (tests step it), and an entry past its session's own
//!   expiry is not used.
//! - A generation counter keeps an answer computed while a revocation
//!   happened from being kept (as in `booking::answers`).
//!
//! [`IdentityRules::session_cache_ms`]: crate::IdentityRules::session_cache_ms

use crate::Actor;
use chrono::{DateTime, Utc};
use moka::sync::Cache;
use shared::{SessionId, UserId};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The longest a verification is trusted, whatever the configuration says.
const MAX_TTL: Duration = Duration::from_secs(30);
/// Sessions kept at most (an entry is a few hundred bytes).
const CAPACITY: u64 = 200_000;

/// How a request named its session: a bearer token names its id; a web
/// cookie only its secret, kept here as the secret's digest.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub(crate) enum Key {
    Bearer(SessionId),
    Web(String),
}

#[derive(Debug)]
struct Kept {
    actor: Actor,
    session_expires_at: DateTime<Utc>,
    verified_at: DateTime<Utc>,
}

/// The cache itself; `None` when it is off (TTL 0).
pub(crate) struct VerifiedSessions {
    cache: Option<Cache<Key, Arc<Kept>>>,
    ttl: chrono::Duration,
    generation: AtomicU64,
}

impl VerifiedSessions {
    pub(crate) fn new(ttl: Duration) -> Self {
        let ttl = ttl.min(MAX_TTL);
        let cache = (!ttl.is_zero()).then(|| Cache::builder().max_capacity(CAPACITY).time_to_live(ttl).support_invalidation_closures().build());
        Self { cache, ttl: chrono::Duration::from_std(ttl).unwrap_or_default(), generation: AtomicU64::new(0) }
    }

    /// Read before verifying; handed back to [`Self::keep`].
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The actor of a session verified less than the TTL ago and not yet
    /// expired, if this process kept it.
    pub(crate) fn get(&self, key: &Key, now: DateTime<Utc>) -> Option<Actor> {
        let kept = self.cache.as_ref()?.get(key)?;
        (now < kept.verified_at + self.ttl && now < kept.session_expires_at).then(|| kept.actor.clone())
    }

    /// Keeps a verification begun at `generation`, unless a session was
    /// forgotten since (it may be this one, read before its revocation).
    pub(crate) fn keep(&self, key: Key, actor: &Actor, session_expires_at: DateTime<Utc>, now: DateTime<Utc>, generation: u64) {
        let Some(cache) = &self.cache else { return };
        if self.generation() != generation {
            return;
        }
        cache.insert(key.clone(), Arc::new(Kept { actor: actor.clone(), session_expires_at, verified_at: now }));
        // A forget that ran between the check and the insert registered
        // its predicate before this entry existed: drop it ourselves.
        if self.generation() != generation {
            cache.invalidate(&key);
        }
    }

    pub(crate) fn forget_session(&self, session: SessionId) {
        self.forget(move |k: &Kept| k.actor.session_id == session);
    }

    pub(crate) fn forget_user(&self, user: UserId) {
        self.forget(move |k: &Kept| k.actor.user_id == user);
    }

    fn forget(&self, which: impl Fn(&Kept) -> bool + Send + Sync + 'static) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Some(cache) = &self.cache {
            // Only fails when closures are not supported, which `new` turns on.
            let _ = cache.invalidate_entries_if(move |_, v| which(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::{FacilityId, Role};
    use uuid::Uuid;

    fn actor(user: UserId, session: SessionId) -> Actor {
        Actor {
            user_id: user,
            role: Role::Citizen,
            facility_id: None::<FacilityId>,
            wilaya_code: None,
            session_id: session,
            phone_verified: true,
            on_web: false,
        }
    }

    fn ids() -> (UserId, SessionId) {
        (UserId(Uuid::new_v4()), SessionId(Uuid::new_v4()))
    }

    #[test]
    fn a_verification_is_used_until_the_ttl_or_the_sessions_expiry() {
        let cache = VerifiedSessions::new(Duration::from_secs(5));
        let now = Utc::now();
        let (u, s) = ids();
        let key = Key::Bearer(s);
        assert_eq!(cache.get(&key, now), None);
        cache.keep(key.clone(), &actor(u, s), now + chrono::Duration::hours(1), now, cache.generation());
        assert_eq!(cache.get(&key, now + chrono::Duration::seconds(4)), Some(actor(u, s)));
        assert_eq!(cache.get(&key, now + chrono::Duration::seconds(5)), None, "past the TTL");
        let (u2, s2) = ids();
        let short = Key::Bearer(s2);
        cache.keep(short.clone(), &actor(u2, s2), now + chrono::Duration::seconds(1), now, cache.generation());
        assert!(cache.get(&short, now).is_some());
        assert_eq!(cache.get(&short, now + chrono::Duration::seconds(1)), None, "past the session's expiry");
    }

    #[test]
    fn forgetting_a_session_or_a_user_drops_only_theirs() {
        let cache = VerifiedSessions::new(Duration::from_secs(5));
        let now = Utc::now();
        let (u, s) = ids();
        let (other_u, other_s) = ids();
        let second_s = SessionId(Uuid::new_v4());
        let later = now + chrono::Duration::hours(1);
        for (user, session, key) in [(u, s, Key::Bearer(s)), (u, second_s, Key::Web("digest".into())), (other_u, other_s, Key::Bearer(other_s))] {
            cache.keep(key, &actor(user, session), later, now, cache.generation());
        }
        cache.forget_session(s);
        assert_eq!(cache.get(&Key::Bearer(s), now), None);
        assert!(cache.get(&Key::Web("digest".into()), now).is_some(), "the user's other session stays");
        cache.forget_user(u);
        assert_eq!(cache.get(&Key::Web("digest".into()), now), None);
        assert!(cache.get(&Key::Bearer(other_s), now).is_some(), "another user's stays");
    }

    #[test]
    fn a_verification_begun_before_a_forget_is_not_kept() {
        let cache = VerifiedSessions::new(Duration::from_secs(5));
        let now = Utc::now();
        let (u, s) = ids();
        let before = cache.generation();
        cache.forget_user(u);
        cache.keep(Key::Bearer(s), &actor(u, s), now + chrono::Duration::hours(1), now, before);
        assert_eq!(cache.get(&Key::Bearer(s), now), None);
        // Positive control: begun after it, it is kept.
        cache.keep(Key::Bearer(s), &actor(u, s), now + chrono::Duration::hours(1), now, cache.generation());
        assert!(cache.get(&Key::Bearer(s), now).is_some());
    }

    #[test]
    fn a_zero_ttl_keeps_nothing() {
        let cache = VerifiedSessions::new(Duration::ZERO);
        let now = Utc::now();
        let (u, s) = ids();
        cache.keep(Key::Bearer(s), &actor(u, s), now + chrono::Duration::hours(1), now, cache.generation());
        assert_eq!(cache.get(&Key::Bearer(s), now), None);
    }
}
