//! Verified identities: a phone proven by a code sent to it, an email
//! proven by a link opened from it, and the forgotten password.
//!
//! A verification is a row (`verifications`) naming an account, a purpose,
//! where the code or link went (`target`) and, once confirmed, what it
//! replaced (`previous`, told of the change). It is sent like every other
//! message, by an outbox row written in the same transaction, so a crash
//! or an SMS gateway outage delays a code and never loses it.
//!
//! The code is not random bytes kept somewhere: it is derived from the row
//! id under the link key (HMAC-SHA-256), so the worker can render it at
//! send time while the database holds only `SHA-256(id ‖ code)`. Whoever
//! reads the database learns no code; whoever holds the key and a row id
//! could derive one, which is exactly what they could do with a signed
//! link already. Codes are six digits, work once, for
//! `code_ttl_minutes` (10), and die after `code_max_tries` (5) wrong
//! tries; a new code replaces the one before it. Sending is throttled per
//! destination and per client IP (IPv6: per /64).
//!
//! Until its phone is verified a citizen's account can browse but not book,
//! read a record or receive reminders by SMS; no email goes to an address
//! before it is verified. Resetting a password by SMS code proves the phone
//! too. Answers to "I forgot my password" never say whether an account
//! exists.

use crate::accounts::{profile_of, unique_violation};
use crate::entities::{user, verification};
use crate::keys::same;
use crate::notify::account::{self as account_messages, AccountKind};
use crate::services::Accounts;
use crate::{Actor, Core, Error, Result};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};
use shared::dto::{LoginId, ProfileOut};
use shared::identity::{
    mask_email, mask_phone, CodeIn, EmailChangeIn, ForgotIn, LinkTokenIn, PhoneChangeIn, ResetByCodeIn, ResetByLinkIn, VerificationOut, VerifyChannel,
    VerifyCode,
};
use shared::{ErrorCode, FieldError, MessageChannel, NewPassword, UserId};
use std::net::IpAddr;
use uuid::Uuid;

/// What a verification is for (phone, email, password reset).
pub type Purpose = shared::VerifyPurpose;

fn channel_code(c: VerifyChannel) -> MessageChannel {
    match c {
        VerifyChannel::Sms => MessageChannel::Sms,
        VerifyChannel::Email => MessageChannel::Email,
    }
}

/// The key for codes and email links, derived from the link key so that a
/// code can never pass for an appointment link or the other way round.
fn mac(secret: &[u8], context: &[u8]) -> Hmac<Sha256> {
    crate::keys::keyed_mac(secret, context)
}

/// The six-digit code of verification `id`.
pub fn code_for(secret: &[u8], id: Uuid) -> String {
    let mut m = mac(secret, b"sihati/verification-code/v1");
    m.update(id.as_bytes());
    let tag = m.finalize().into_bytes();
    let n = u64::from_be_bytes(tag[..8].try_into().expect("8 bytes")) % 1_000_000;
    format!("{n:06}")
}

const LINK_TAG: usize = 16;

fn link_tag(secret: &[u8], id: Uuid) -> Vec<u8> {
    let mut m = mac(secret, b"sihati/verification-link/v1");
    m.update(id.as_bytes());
    m.finalize().into_bytes()[..LINK_TAG].to_vec()
}

/// The token of the email link of verification `id`: the id and a tag
/// (43 characters, base64url).
pub fn link_token(secret: &[u8], id: Uuid) -> String {
    let mut body = id.as_bytes().to_vec();
    body.extend(link_tag(secret, id));
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(body)
}

/// The verification a genuine link token names.
fn link_id(secret: &[u8], token: &str) -> Option<Uuid> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    if raw.len() != 16 + LINK_TAG {
        return None;
    }
    let (id, tag) = raw.split_at(16);
    let id = Uuid::from_slice(id).ok()?;
    let mut m = mac(secret, b"sihati/verification-link/v1");
    m.update(id.as_bytes());
    m.verify_truncated_left(tag).ok()?;
    Some(id)
}

/// What the database keeps of a code or link secret.
fn secret_hash(id: Uuid, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(id.as_bytes());
    h.update(secret.as_bytes());
    crate::keys::hex(&h.finalize())
}

fn masked(channel: VerifyChannel, target: &str) -> String {
    match channel {
        VerifyChannel::Sms => mask_phone(target),
        VerifyChannel::Email => mask_email(target),
    }
}

impl Core {
    fn identity_rules(&self) -> &crate::IdentityRules {
        &self.config().identity
    }

    /// Starts a verification: earlier ones of the same account and purpose
    /// stop working, the row is written and its message queued, all in the
    /// caller's transaction.
    pub(crate) async fn start_verification<C: ConnectionTrait>(
        &self,
        db: &C,
        user_id: UserId,
        purpose: Purpose,
        channel: VerifyChannel,
        target: &str,
        now: DateTime<Utc>,
    ) -> Result<VerificationOut> {
        verification::Entity::update_many()
            .col_expr(verification::Column::ExpiresAt, Expr::value(now))
            .filter(verification::Column::UserId.eq(user_id))
            .filter(verification::Column::Purpose.eq(purpose))
            .filter(verification::Column::UsedAt.is_null())
            .filter(verification::Column::ExpiresAt.gt(now))
            .exec(db)
            .await?;
        let id = Uuid::new_v4();
        let secret = &self.config().link_secret;
        let proof = match channel {
            VerifyChannel::Sms => code_for(secret, id),
            VerifyChannel::Email => link_token(secret, id),
        };
        let ttl = Duration::minutes(self.identity_rules().code_ttl_minutes);
        verification::ActiveModel {
            id: Set(id),
            user_id: Set(user_id),
            purpose: Set(purpose),
            channel: Set(channel_code(channel)),
            target: Set(target.to_owned()),
            previous: Set(None),
            code_hash: Set(secret_hash(id, &proof)),
            tries: Set(0),
            expires_at: Set(now + ttl),
            used_at: Set(None),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
        let kind = match (purpose, channel) {
            (Purpose::Reset, VerifyChannel::Sms) => AccountKind::ResetCode,
            (Purpose::Reset, VerifyChannel::Email) => AccountKind::ResetLink,
            (_, VerifyChannel::Sms) => AccountKind::PhoneCode,
            (_, VerifyChannel::Email) => AccountKind::EmailLink,
        };
        account_messages::queue(db, kind, channel_code(channel), user_id, id, now).await?;
        Ok(VerificationOut { channel, sent_to: masked(channel, target), expires_in_secs: ttl.num_seconds() as u64 })
    }

    /// One more code or link to `target`, within the limits per
    /// destination and per client.
    fn admit_send(&self, ip: Option<IpAddr>, target: &str) -> Result<()> {
        self.code_throttle().check(ip, &format!("to:{}", target.to_lowercase())).map_err(Error::throttled)
    }

    /// A new code or link for the phone or email being verified: the
    /// target of a change in progress, else the account's own while it is
    /// unverified; nothing to verify is `bad_request`.
    async fn resend(&self, actor: &Actor, purpose: Purpose, ip: Option<IpAddr>) -> Result<VerificationOut> {
        let u = self.own_user(actor).await?;
        let now = self.clock().now();
        let (current, verified, channel) = match purpose {
            Purpose::Email => (u.email.clone(), u.email_verified_at.is_some(), VerifyChannel::Email),
            _ => (u.phone.clone(), u.phone_verified_at.is_some(), VerifyChannel::Sms),
        };
        let pending = self.latest_verification(self.db(), u.id, purpose).await?.filter(|v| v.expires_at > now);
        let target = match (pending, current) {
            (Some(v), _) => v.target,
            (None, Some(c)) if !verified => c,
            _ => return Err(Error::code(ErrorCode::BadRequest)),
        };
        self.admit_send(ip, &target)?;
        let txn = self.begin_write().await?;
        let out = self.start_verification(&txn, u.id, purpose, channel, &target, now).await?;
        txn.commit().await?;
        Ok(out)
    }

    async fn set_password(&self, v: &verification::Model, new: &NewPassword, proves_phone: bool) -> Result<()> {
        let hash = self.passwords().hash(new.expose()).await?;
        let now = self.clock().now();
        let txn = self.begin_write().await?;
        self.use_verification(&txn, v, now).await?;
        let u = user::Entity::find_by_id(v.user_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::CodeExpired))?;
        let verified_phone = proves_phone && u.phone.as_deref() == Some(v.target.as_str());
        let mut row: user::ActiveModel = u.into();
        row.password_hash = Set(hash);
        row.password_changed_at = Set(now);
        row.updated_at = Set(now);
        if verified_phone {
            row.phone_verified_at = Set(Some(now));
        }
        row.update(&txn).await?;
        let revoked = self.revoke_all_sessions(&txn, v.user_id).await?;
        txn.commit().await?;
        revoked.forget(self);
        tracing::info!(user_id = %v.user_id, "password reset; all sessions ended");
        Ok(())
    }

    async fn user_by_login(&self, login: &LoginId) -> Result<Option<user::Model>> {
        Ok(match login {
            LoginId::Phone(p) => user::Entity::find().filter(user::Column::Phone.eq(p.as_ref())).one(self.db()).await?,
            LoginId::Email(e) => user::Entity::find().filter(user::Column::EmailKey.eq(e.as_ref().to_lowercase())).one(self.db()).await?,
        })
    }

    pub(crate) async fn check_current_password(&self, u: &user::Model, password: &str) -> Result<()> {
        if self.passwords().verify(password, Some(&u.password_hash)).await? {
            Ok(())
        } else {
            Err(Error::fields(vec![FieldError::new("current_password", ErrorCode::CurrentPasswordWrong)]))
        }
    }

    async fn latest_verification<C: ConnectionTrait>(&self, db: &C, user_id: UserId, purpose: Purpose) -> Result<Option<verification::Model>> {
        Ok(verification::Entity::find()
            .filter(verification::Column::UserId.eq(user_id))
            .filter(verification::Column::Purpose.eq(purpose))
            .filter(verification::Column::UsedAt.is_null())
            .order_by_desc(verification::Column::CreatedAt)
            .one(db)
            .await?)
    }

    /// Checks a code against the account's live verification for
    /// `purpose`. The try is counted (and committed) before the code is
    /// compared, so five wrong tries end the code even if the requests run
    /// at once.
    async fn try_code(&self, user_id: UserId, purpose: Purpose, code: &VerifyCode) -> Result<verification::Model> {
        let now = self.clock().now();
        let expired = || Error::fields(vec![FieldError::new("code", ErrorCode::CodeExpired)]);
        let v = self
            .latest_verification(self.db(), user_id, purpose)
            .await?
            .filter(|v| v.channel == MessageChannel::Sms && v.expires_at > now)
            .ok_or_else(expired)?;
        let counted = verification::Entity::update_many()
            .col_expr(verification::Column::Tries, Expr::col(verification::Column::Tries).add(1))
            .filter(verification::Column::Id.eq(v.id))
            .filter(verification::Column::UsedAt.is_null())
            .filter(verification::Column::Tries.lt(self.identity_rules().code_max_tries))
            .exec(self.db())
            .await?
            .rows_affected;
        if counted != 1 {
            return Err(expired());
        }
        if !same(secret_hash(v.id, code.as_str()), &v.code_hash) {
            return Err(Error::fields(vec![FieldError::new("code", ErrorCode::CodeInvalid)]));
        }
        Ok(v)
    }

    /// The live verification a genuine email-link token names.
    async fn link_verification(&self, token: &str, purpose: Purpose) -> Result<verification::Model> {
        let invalid = || Error::code(ErrorCode::LinkInvalid);
        let id = link_id(&self.config().link_secret, token).ok_or_else(invalid)?;
        let v = verification::Entity::find_by_id(id).one(self.db()).await?.ok_or_else(invalid)?;
        let genuine = same(secret_hash(id, token.trim()), &v.code_hash);
        if !genuine || v.purpose != purpose || v.used_at.is_some() || v.expires_at <= self.clock().now() {
            return Err(invalid());
        }
        Ok(v)
    }

    /// Marks a verification used, once: of two requests racing with the
    /// same code, one wins.
    async fn use_verification<C: ConnectionTrait>(&self, db: &C, v: &verification::Model, now: DateTime<Utc>) -> Result<()> {
        let n = verification::Entity::update_many()
            .col_expr(verification::Column::UsedAt, Expr::value(now))
            .filter(verification::Column::Id.eq(v.id))
            .filter(verification::Column::UsedAt.is_null())
            .exec(db)
            .await?
            .rows_affected;
        if n != 1 {
            return Err(Error::fields(vec![FieldError::new("code", ErrorCode::CodeExpired)]));
        }
        Ok(())
    }

    /// Tells the phone or address that a verification replaced.
    async fn tell_previous<C: ConnectionTrait>(&self, db: &C, v: &verification::Model, old: &str, channel: VerifyChannel, now: DateTime<Utc>) -> Result<()> {
        verification::Entity::update_many()
            .col_expr(verification::Column::Previous, Expr::value(old))
            .filter(verification::Column::Id.eq(v.id))
            .exec(db)
            .await?;
        account_messages::queue(db, AccountKind::ContactChanged, channel_code(channel), v.user_id, v.id, now).await
    }

    /// The account's phone and email counted as verified from now: the
    /// seed's demo citizen, whose numbers are fictitious.
    pub(crate) async fn mark_contacts_verified(&self, user_id: UserId) -> Result<()> {
        let now = self.clock().now();
        user::Entity::update_many()
            .col_expr(user::Column::PhoneVerifiedAt, Expr::value(Some(now)))
            .col_expr(user::Column::EmailVerifiedAt, Expr::value(Some(now)))
            .filter(user::Column::Id.eq(user_id))
            .exec(self.db())
            .await?;
        self.verified().forget_user(user_id);
        verification::Entity::update_many()
            .col_expr(verification::Column::UsedAt, Expr::value(Some(now)))
            .filter(verification::Column::UserId.eq(user_id))
            .filter(verification::Column::UsedAt.is_null())
            .exec(self.db())
            .await?;
        Ok(())
    }
}

impl Accounts {
    /// Sends a new code to the phone being verified: the new number of a
    /// change in progress, else the account's own (if not yet verified).
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn resend_phone_code(&self, actor: &Actor, ip: Option<IpAddr>) -> Result<VerificationOut> {
        self.core.resend(actor, Purpose::Phone, ip).await
    }

    /// Starts a change of phone number: the current password, then a code
    /// to the new number. The number changes when the code comes back.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn request_phone_change(&self, actor: &Actor, input: &PhoneChangeIn, ip: Option<IpAddr>) -> Result<VerificationOut> {
        let phone = input.validate().map_err(Error::fields)?;
        let u = self.core.own_user(actor).await?;
        self.core.check_current_password(&u, &input.current_password).await?;
        if user::Entity::find().filter(user::Column::Phone.eq(phone.as_ref())).filter(user::Column::Id.ne(u.id)).one(self.core.db()).await?.is_some() {
            return Err(Error::taken(vec![FieldError::new("phone", ErrorCode::PhoneTaken)]));
        }
        self.core.admit_send(ip, phone.as_ref())?;
        let txn = self.core.begin_write().await?;
        let out = self.core.start_verification(&txn, u.id, Purpose::Phone, VerifyChannel::Sms, phone.as_ref(), self.core.clock().now()).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// The code sent to the phone being verified. On success the account's
    /// phone is that number, verified, and a number it replaced is told.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn verify_phone(&self, actor: &Actor, input: &CodeIn) -> Result<ProfileOut> {
        let code = input.validate().map_err(Error::fields)?;
        let v = self.core.try_code(actor.user_id, Purpose::Phone, &code).await?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        self.core.use_verification(&txn, &v, now).await?;
        let u = user::Entity::find_by_id(v.user_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::Unauthorized))?;
        let previous = u.phone.clone().filter(|p| *p != v.target);
        let mut row: user::ActiveModel = u.into();
        row.phone = Set(Some(v.target.clone()));
        row.phone_verified_at = Set(Some(now));
        row.updated_at = Set(now);
        let saved = row.update(&txn).await.map_err(|e| unique_violation(&e).unwrap_or(Error::Db(e)))?;
        if let Some(old) = previous {
            self.core.tell_previous(&txn, &v, &old, VerifyChannel::Sms, now).await?;
        }
        txn.commit().await?;
        // Their sessions carry "phone verified": booking opens at once.
        crate::sessions::Changed(v.user_id).forget(&self.core);
        tracing::info!("phone verified");
        Ok(profile_of(&saved))
    }

    /// Sends a new link to the email being verified.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn resend_email_link(&self, actor: &Actor, ip: Option<IpAddr>) -> Result<VerificationOut> {
        self.core.resend(actor, Purpose::Email, ip).await
    }

    /// Starts a change of email: the current password, then a link to the
    /// new address. The address changes when the link is opened.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn request_email_change(&self, actor: &Actor, input: &EmailChangeIn, ip: Option<IpAddr>) -> Result<VerificationOut> {
        let email = input.validate().map_err(Error::fields)?;
        let u = self.core.own_user(actor).await?;
        self.core.check_current_password(&u, &input.current_password).await?;
        let key = email.as_ref().to_lowercase();
        if user::Entity::find().filter(user::Column::EmailKey.eq(&key)).filter(user::Column::Id.ne(u.id)).one(self.core.db()).await?.is_some() {
            return Err(Error::taken(vec![FieldError::new("email", ErrorCode::EmailTaken)]));
        }
        self.core.admit_send(ip, &key)?;
        let txn = self.core.begin_write().await?;
        let out = self.core.start_verification(&txn, u.id, Purpose::Email, VerifyChannel::Email, email.as_ref(), self.core.clock().now()).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// The link sent to an email address was opened: that address is the
    /// account's, verified; an address it replaced is told. No sign-in is
    /// needed — the link is the proof — and it works once.
    #[tracing::instrument(skip_all)]
    pub async fn verify_email(&self, input: &LinkTokenIn) -> Result<()> {
        let v = self.core.link_verification(&input.token, Purpose::Email).await?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        self.core.use_verification(&txn, &v, now).await?;
        let u = user::Entity::find_by_id(v.user_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::LinkInvalid))?;
        let previous = u.email.clone().filter(|e| !e.eq_ignore_ascii_case(&v.target));
        let was_verified = u.email_verified_at.is_some();
        let mut row: user::ActiveModel = u.into();
        row.email = Set(Some(v.target.clone()));
        row.email_key = Set(Some(v.target.to_lowercase()));
        row.email_verified_at = Set(Some(now));
        row.updated_at = Set(now);
        row.update(&txn).await.map_err(|e| unique_violation(&e).unwrap_or(Error::Db(e)))?;
        // Only an address that was verified receives mail.
        if let (Some(old), true) = (previous, was_verified) {
            self.core.tell_previous(&txn, &v, &old, VerifyChannel::Email, now).await?;
        }
        txn.commit().await?;
        tracing::info!("email verified");
        Ok(())
    }

    /// "I forgot my password": a code by SMS when the login is a phone
    /// number, a link when it is a verified email. The answer is the same
    /// (and nothing is sent) when no account matches.
    #[tracing::instrument(skip_all)]
    pub async fn forgot_password(&self, input: &ForgotIn, ip: Option<IpAddr>) -> Result<()> {
        let login = input.validate().map_err(Error::fields)?;
        self.core.account_throttle().check(ip, &format!("forgot:{}", login.throttle_key())).map_err(Error::throttled)?;
        let Some(u) = self.core.user_by_login(&login).await? else { return Ok(()) };
        let (channel, target) = match &login {
            LoginId::Phone(p) => (VerifyChannel::Sms, p.to_string()),
            LoginId::Email(_) if u.email_verified_at.is_some() => (VerifyChannel::Email, u.email.clone().unwrap_or_default()),
            LoginId::Email(_) => return Ok(()),
        };
        // Over the limit for this destination: silently nothing, as for
        // an unknown account (a 429 here would say the account exists).
        if self.core.admit_send(ip, &target).is_err() {
            return Ok(());
        }
        let txn = self.core.begin_write().await?;
        self.core.start_verification(&txn, u.id, Purpose::Reset, channel, &target, self.core.clock().now()).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A new password with the code sent by SMS. Every session of the
    /// account ends; the phone counts as verified. A wrong code and an
    /// unknown login get the same answer.
    #[tracing::instrument(skip_all)]
    pub async fn reset_password_by_code(&self, input: &ResetByCodeIn, ip: Option<IpAddr>) -> Result<()> {
        let r = input.validate().map_err(Error::fields)?;
        self.core.account_throttle().check(ip, &format!("reset:{}", r.login.throttle_key())).map_err(Error::throttled)?;
        let wrong = || Error::fields(vec![FieldError::new("code", ErrorCode::CodeInvalid)]);
        let Some(u) = self.core.user_by_login(&r.login).await? else { return Err(wrong()) };
        let v = self.core.try_code(u.id, Purpose::Reset, &r.code).await?;
        self.core.set_password(&v, &r.new_password, true).await
    }

    /// A new password with the token of the link sent by email.
    #[tracing::instrument(skip_all)]
    pub async fn reset_password_by_link(&self, input: &ResetByLinkIn) -> Result<()> {
        let new = NewPassword::parse(&input.new_password).map_err(|c| Error::fields(vec![FieldError::new("new_password", c)]))?;
        let v = self.core.link_verification(&input.token, Purpose::Reset).await?;
        self.core.set_password(&v, &new, false).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_differ_per_verification_and_key() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let k = b"k".repeat(32);
        let c = code_for(&k, a);
        assert_eq!(c.len(), 6);
        assert!(c.chars().all(|ch| ch.is_ascii_digit()));
        assert_eq!(c, code_for(&k, a), "the worker renders the same code the row was made with");
        // Two different ids (or keys) giving the same code happens one time
        // in a million; three in a row would be a broken derivation.
        let others = [code_for(&k, b), code_for(&b"j".repeat(32), a), code_for(&k, Uuid::new_v4())];
        assert!(others.iter().any(|o| *o != c));
    }

    #[test]
    fn link_tokens_verify_only_with_their_key_and_unaltered() {
        let k = b"k".repeat(32);
        let id = Uuid::new_v4();
        let t = link_token(&k, id);
        assert_eq!(link_id(&k, &t), Some(id));
        assert_eq!(link_id(&b"j".repeat(32), &t), None);
        let mut flipped = t.clone().into_bytes();
        flipped[5] = if flipped[5] == b'A' { b'B' } else { b'A' };
        assert_eq!(link_id(&k, std::str::from_utf8(&flipped).unwrap()), None);
        assert_eq!(link_id(&k, "short"), None);
    }

    #[test]
    fn stored_hashes_match_only_their_code() {
        let id = Uuid::new_v4();
        let h = secret_hash(id, "123456");
        assert!(same(&h, secret_hash(id, "123456")));
        assert!(!same(&h, secret_hash(id, "123457")));
        assert!(!same(&h, secret_hash(Uuid::new_v4(), "123456")));
        assert_ne!(h, "123456");
    }
}
