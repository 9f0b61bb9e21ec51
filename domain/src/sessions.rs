//! Sessions: a web sign-in is a row with a hashed cookie secret; a mobile
//! sign-in is a row whose refresh tokens form one family. Either way the row
//! is the thing that "signed in" means: revoking it ends the cookie, the
//! refresh tokens and every access token that names it.

use crate::entities::{refresh_token, session, user};
use crate::mfa::Authenticated;
use crate::services::Sessions;
use crate::verified::Key;
use crate::{Actor, Core, Error, Result};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use shared::dto::TokenOut;
use shared::{ErrorCode, SessionId, UserId};
use uuid::Uuid;

const WEB: &str = "web";
const MOBILE: &str = "mobile";

/// 256 random bits, URL-safe. Used for cookie secrets and refresh tokens.
fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Secrets are stored only as their SHA-256: a stolen database holds no
/// usable session. (A fast hash is right here: the input has 256 bits.)
fn digest(secret: &str) -> String {
    let d = Sha256::digest(secret.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn unauthorized() -> Error {
    Error::code(ErrorCode::Unauthorized)
}

fn actor_of(u: &user::Model, s: &session::Model) -> Actor {
    Actor {
        user_id: u.id,
        role: u.role,
        facility_id: u.facility_id,
        wilaya_code: u.wilaya_code.clone(),
        session_id: s.id,
        phone_verified: u.phone_verified_at.is_some(),
        on_web: s.kind == WEB,
    }
}

impl Core {
    async fn insert_session<C: ConnectionTrait>(
        &self,
        db: &C,
        user_id: UserId,
        kind: &str,
        secret_hash: Option<String>,
        ttl_secs: u64,
        now: DateTime<Utc>,
    ) -> Result<SessionId> {
        let id = SessionId(Uuid::new_v4());
        session::ActiveModel {
            id: Set(id),
            user_id: Set(user_id),
            kind: Set(kind.to_owned()),
            secret_hash: Set(secret_hash),
            created_at: Set(now),
            expires_at: Set(now + Duration::seconds(ttl_secs as i64)),
            last_seen_at: Set(now),
            revoked_at: Set(None),
        }
        .insert(db)
        .await?;
        Ok(id)
    }

    /// The actor of a live session, kept a moment under `key` (see
    /// `verified`); `generation` was read before the session row was.
    async fn live_actor(&self, s: session::Model, key: Key, generation: u64) -> Result<Actor> {
        let now = self.clock().now();
        if s.revoked_at.is_some() || s.expires_at <= now {
            return Err(unauthorized());
        }
        let u = user::Entity::find_by_id(s.user_id).one(self.db()).await?.ok_or_else(unauthorized)?;
        // Deactivated: no session acts, even one made while it happened.
        if u.deactivated_at.is_some() {
            return Err(unauthorized());
        }
        let actor = actor_of(&u, &s);
        self.verified().keep(key, &actor, s.expires_at, now, generation);
        Ok(actor)
    }

    /// The absolute lifetime of a mobile sign-in, in seconds.
    fn absolute_secs(&self) -> u64 {
        (self.config().identity.session_absolute_days.max(1) * 24 * 3600) as u64
    }

    async fn insert_refresh<C: ConnectionTrait>(&self, db: &C, sid: SessionId, token: &str, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
        refresh_token::ActiveModel {
            id: Set(Uuid::new_v4()),
            session_id: Set(sid),
            token_hash: Set(digest(token)),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_at: Set(None),
        }
        .insert(db)
        .await?;
        Ok(())
    }

    /// The refresh token that replaces `token`: derived from it under the
    /// link key, so that a second exchange of `token` within the grace
    /// window can be answered with the same successor although only hashes
    /// are stored.
    fn successor(&self, token: &str) -> String {
        use hmac::Mac;
        let mut m = crate::keys::keyed_mac(&self.config().link_secret, b"sihati/refresh-successor/v1");
        m.update(token.as_bytes());
        URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
    }

    fn token_out(&self, user_id: UserId, sid: SessionId, refresh: String, refresh_expires: DateTime<Utc>, now: DateTime<Utc>) -> TokenOut {
        TokenOut {
            access_token: self.tokens().issue(user_id, sid, now),
            token_type: "Bearer".into(),
            expires_in: self.tokens().ttl_secs(),
            refresh_token: refresh,
            refresh_expires_in: (refresh_expires - now).num_seconds().max(0) as u64,
        }
    }

    /// A refresh token presented after it was exchanged: the same successor
    /// within the grace window (while that successor is unused), else the
    /// family is revoked.
    async fn refresh_again(&self, row: &refresh_token::Model, s: &session::Model, next: String, now: DateTime<Utc>) -> Result<TokenOut> {
        let grace = Duration::seconds(self.config().identity.refresh_grace_secs.max(0));
        let used_at = refresh_token::Entity::find_by_id(row.id).one(self.db()).await?.and_then(|r| r.used_at);
        if let Some(used_at) = used_at.filter(|u| now - *u <= grace) {
            let successor = refresh_token::Entity::find()
                .filter(refresh_token::Column::TokenHash.eq(digest(&next)))
                .filter(refresh_token::Column::SessionId.eq(s.id))
                .filter(refresh_token::Column::UsedAt.is_null())
                .one(self.db())
                .await?;
            if let Some(succ) = successor {
                tracing::info!(session_id = %s.id, since_ms = (now - used_at).num_milliseconds(), "refresh token presented again within the grace window");
                return Ok(self.token_out(s.user_id, s.id, next, succ.expires_at, now));
            }
        }
        self.revoke_session(self.db(), s.id).await?;
        self.verified().forget_session(s.id);
        tracing::warn!(session_id = %s.id, "refresh token reused: session revoked");
        Err(Error::code(ErrorCode::TokenInvalid))
    }

    async fn revoke_session<C: ConnectionTrait>(&self, db: &C, sid: SessionId) -> Result<()> {
        session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(self.clock().now()))
            .filter(session::Column::Id.eq(sid))
            .filter(session::Column::RevokedAt.is_null())
            .exec(db)
            .await?;
        Ok(())
    }

    /// Revokes every session of `user` in the caller's transaction; the
    /// receipt is to be applied once it has committed.
    pub(crate) async fn revoke_all_sessions<C: ConnectionTrait>(&self, db: &C, user: UserId) -> Result<Changed> {
        session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(self.clock().now()))
            .filter(session::Column::UserId.eq(user))
            .filter(session::Column::RevokedAt.is_null())
            .exec(db)
            .await?;
        Ok(Changed(user))
    }
}

/// A user whose sessions were revoked, or whose account changed what a
/// session carries (a verified phone), in a transaction not yet
/// committed. Forgetting them before the commit would let a request that
/// read the old rows in between keep them again; so the writer applies
/// this after its commit.
#[must_use = "forget the user's verified sessions once the transaction has committed"]
pub(crate) struct Changed(pub(crate) UserId);

impl Changed {
    pub(crate) fn forget(self, core: &Core) {
        core.verified().forget_user(self.0);
    }
}

impl Sessions {
    /// Starts a web session for someone who proved every factor; returns
    /// the cookie secret to hand to the browser.
    pub async fn start_web_session(&self, who: &Authenticated) -> Result<String> {
        let secret = new_secret();
        self.core
            .insert_session(self.core.db(), who.user().id, WEB, Some(digest(&secret)), self.core.config().web_session_ttl_secs, self.core.clock().now())
            .await?;
        Ok(secret)
    }

    /// Resolves a web session cookie into the acting user. A session
    /// unused for `web_idle_timeout_minutes` has ended; using one moves its
    /// `last_seen_at` (at most one write a minute per session).
    pub async fn web_actor(&self, secret: &str) -> Result<Actor> {
        let hash = digest(secret);
        let key = Key::Web(hash.clone());
        let now = self.core.clock().now();
        // Kept a moment: `last_seen_at` then lags by at most the cache's
        // TTL, against a minute's write interval and the idle timeout.
        if let Some(actor) = self.core.verified().get(&key, now) {
            return Ok(actor);
        }
        let generation = self.core.verified().generation();
        let s = session::Entity::find()
            .filter(session::Column::SecretHash.eq(hash))
            .filter(session::Column::Kind.eq(WEB))
            .one(self.core.db())
            .await?
            .ok_or_else(unauthorized)?;
        let idle = Duration::minutes(self.core.config().identity.web_idle_timeout_minutes.max(1));
        if s.revoked_at.is_none() && s.last_seen_at + idle <= now {
            self.core.revoke_session(self.core.db(), s.id).await?;
            self.core.verified().forget_session(s.id);
            return Err(unauthorized());
        }
        if now - s.last_seen_at > Duration::seconds(60) {
            session::Entity::update_many()
                .col_expr(session::Column::LastSeenAt, Expr::value(now))
                .filter(session::Column::Id.eq(s.id))
                .exec(self.core.db())
                .await?;
        }
        self.core.live_actor(s, key, generation).await
    }

    /// Resolves a Bearer access token into the acting user: the JWT must
    /// verify *and* its session must still be live.
    pub async fn bearer_actor(&self, jwt: &str) -> Result<Actor> {
        let v = self.core.tokens().verify(jwt).ok_or_else(|| Error::code(ErrorCode::TokenInvalid))?;
        // The token's signature and expiry are checked every time; what is
        // kept is its session's liveness, for every token of that session.
        let key = Key::Bearer(v.session_id);
        if let Some(actor) = self.core.verified().get(&key, self.core.clock().now()).filter(|a| a.user_id == v.user_id && !a.on_web) {
            return Ok(actor);
        }
        let generation = self.core.verified().generation();
        let s = session::Entity::find_by_id(v.session_id)
            .one(self.core.db())
            .await?
            .filter(|s| s.user_id == v.user_id && s.kind == MOBILE)
            .ok_or_else(|| Error::code(ErrorCode::TokenInvalid))?;
        self.core.live_actor(s, key, generation).await.map_err(|_| Error::code(ErrorCode::TokenInvalid))
    }

    /// Starts a mobile session for someone who proved every factor: an
    /// access token and the first refresh token of a new family.
    pub async fn start_mobile_session(&self, who: &Authenticated) -> Result<TokenOut> {
        let user = who.user();
        let now = self.core.clock().now();
        let ttl = self.core.config().refresh_ttl_secs.min(self.core.absolute_secs());
        let txn = self.core.begin_write().await?;
        let sid = self.core.insert_session(&txn, user.id, MOBILE, None, ttl, now).await?;
        let refresh = new_secret();
        self.core.insert_refresh(&txn, sid, &refresh, now + Duration::seconds(ttl as i64), now).await?;
        txn.commit().await?;
        Ok(self.core.token_out(user.id, sid, refresh, now + Duration::seconds(ttl as i64), now))
    }

    /// Exchanges a refresh token for a new pair. Each refresh token works
    /// once: presenting one that was already exchanged means it was copied,
    /// so the whole family (the session) is revoked — except within
    /// `refresh_grace_secs` of its exchange while its successor is unused,
    /// when the answer is that same successor (a phone that lost the
    /// answer and retried, or two requests of one app racing). A family
    /// ends `session_absolute_days` after its sign-in, however often it is
    /// refreshed.
    #[tracing::instrument(skip_all)]
    pub async fn refresh(&self, token: &str) -> Result<TokenOut> {
        let invalid = || Error::code(ErrorCode::TokenInvalid);
        let now = self.core.clock().now();
        let row = refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(digest(token))).one(self.core.db()).await?.ok_or_else(invalid)?;
        let s = session::Entity::find_by_id(row.session_id).one(self.core.db()).await?.ok_or_else(invalid)?;
        if s.revoked_at.is_some() || s.expires_at <= now || row.expires_at <= now {
            return Err(invalid());
        }
        let end = s.created_at + Duration::seconds(self.core.absolute_secs() as i64);
        let expires = (now + Duration::seconds(self.core.config().refresh_ttl_secs as i64)).min(end);
        let next = self.core.successor(token);
        let txn = self.core.begin_write().await?;
        // Claim the token atomically: of two concurrent uses only one wins.
        let claimed = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
            .filter(refresh_token::Column::Id.eq(row.id))
            .filter(refresh_token::Column::UsedAt.is_null())
            .exec(&txn)
            .await?
            .rows_affected;
        if claimed != 1 {
            txn.rollback().await?;
            return self.core.refresh_again(&row, &s, next, now).await;
        }
        self.core.insert_refresh(&txn, s.id, &next, expires, now).await?;
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .col_expr(session::Column::ExpiresAt, Expr::value(expires))
            .filter(session::Column::Id.eq(s.id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(self.core.token_out(s.user_id, s.id, next, expires, now))
    }

    /// Signs the actor out of the session they are using.
    pub async fn sign_out(&self, actor: &Actor) -> Result<()> {
        self.core.revoke_session(self.core.db(), actor.session_id).await?;
        self.core.verified().forget_session(actor.session_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_stored_only_as_a_digest() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
    }
}
