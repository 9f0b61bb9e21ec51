//! The staff second factor: an authenticator app's code (TOTP, RFC 6238:
//! SHA-1, 6 digits, 30-second steps, one step of drift either way) after
//! the password, for the roles that read records or run facilities
//! (`Role::needs_second_factor`).
//!
//! - The secret (160 random bits) is stored encrypted with
//!   ChaCha20-Poly1305 under the second-factor key, bound to its account:
//!   a copy of the database alone signs nobody in.
//! - Enrolment happens at the first sign-in: the secret as a QR code and as
//!   text, and ten recovery codes, shown until a first code comes back and
//!   never after. Recovery codes are derived from the enrolment's id under
//!   the same key, so only which were used is stored.
//! - A code is accepted once (RFC 6238 §5.2): the step it matched is kept,
//!   and a code of that step or an earlier one is refused. So one account
//!   signs in at most once per 30 seconds; the next code comes soon.
//! - Between the password and the code, the web carries a *ticket*: a
//!   five-minute signed statement "this account gave its password", bound
//!   to the password (a reset voids it). The mobile API is stateless: the
//!   token request carries the password and the code together.
//! - A facility admin resets a staff member's second factor (the health
//!   directorate a facility admin's); the act is in the admin audit trail,
//!   the person's sessions end and they are told by SMS.

use crate::entities::{admin_audit, facility, practitioner, specialty, staff_mfa, user};
use crate::keys::{keyed_mac, same};
use crate::notify::account::{self as account_messages, AccountKind};
use crate::services::{Accounts, Audit, Sessions};
use crate::{Actor, Core, Error, Result};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use chrono::{DateTime, Duration, Utc};
use hmac::Mac;
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::identity::{EnrolmentOut, SecondFactorCode, StaffOut};
use shared::{AdminAction, ErrorCode, Role, UserId};
use std::net::IpAddr;
use totp_rs::{Algorithm, TOTP};
use uuid::Uuid;

/// Seconds per TOTP step.
const STEP: i64 = 30;
/// How many recovery codes an enrolment has.
pub const RECOVERY_CODES: usize = 10;
/// How long the web's ticket between the password and the code lasts.
pub const TICKET_SECS: i64 = 300;
const ISSUER: &str = "Sihati";

/// Someone who proved every factor their role asks for: the only thing a
/// session can be started from. Built only by this module.
pub struct Authenticated(user::Model);

impl Authenticated {
    pub fn user(&self) -> &user::Model {
        &self.0
    }

    pub fn profile(&self) -> shared::dto::ProfileOut {
        crate::accounts::profile_of(&self.0)
    }
}

/// Where a sign-in stands after the password.
pub enum SignIn {
    /// Nothing more is owed.
    Done(Authenticated),
    /// The authenticator's code is owed; `enrolled` says whether the
    /// account has one yet (if not, it enrols first).
    SecondFactor { user: user::Model, enrolled: bool },
}

fn cipher(key: &[u8]) -> ChaCha20Poly1305 {
    let k = keyed_mac(key, b"sihati/totp-secret/v1").finalize().into_bytes();
    ChaCha20Poly1305::new(&k)
}

/// Encrypts a secret for one account: 12-byte nonce, then ciphertext and tag.
fn seal(key: &[u8], user_id: Uuid, secret: &[u8]) -> String {
    let mut nonce = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let ct =
        cipher(key).encrypt(Nonce::from_slice(&nonce), Payload { msg: secret, aad: user_id.as_bytes() }).expect("encryption of a short secret cannot fail");
    URL_SAFE_NO_PAD.encode([nonce.as_slice(), &ct].concat())
}

/// The secret, if `sealed` was made for this account under this key.
fn open(key: &[u8], user_id: Uuid, sealed: &str) -> Option<Vec<u8>> {
    let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
    if bytes.len() < 12 + 16 {
        return None;
    }
    let (nonce, ct) = bytes.split_at(12);
    cipher(key).decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad: user_id.as_bytes() }).ok()
}

/// The recovery codes of one enrolment, as shown: `XXXXX-XXXXX`.
pub fn recovery_codes(key: &[u8], enrolment_id: Uuid) -> Vec<String> {
    (0..RECOVERY_CODES as u8)
        .map(|i| {
            let mut m = keyed_mac(key, b"sihati/recovery-code/v1");
            m.update(enrolment_id.as_bytes());
            m.update(&[i]);
            let tag = m.finalize().into_bytes();
            let code = base32_upper(&tag[..7]);
            format!("{}-{}", &code[..5], &code[5..10])
        })
        .collect()
}

fn base32_upper(bytes: &[u8]) -> String {
    base32::encode(base32::Alphabet::Rfc4648 { padding: false }, bytes)
}

/// The TOTP generator for a secret; `account` labels it in the app.
fn totp(secret: Vec<u8>, account: &str) -> Result<TOTP> {
    TOTP::new(Algorithm::SHA1, 6, 1, STEP as u64, secret, Some(ISSUER.into()), account.replace(':', " ")).map_err(|e| Error::Internal(format!("totp: {e}")))
}

/// What the authenticator app shows the account as.
fn account_label(u: &user::Model) -> String {
    u.email.clone().or_else(|| u.phone.clone()).unwrap_or_else(|| u.id.to_string())
}

/// The authenticator's code for `secret` at `at` — for tests and the demo.
pub fn code_at(secret: &[u8], at: DateTime<Utc>) -> String {
    totp(secret.to_vec(), "x").map(|t| t.generate(at.timestamp().max(0) as u64)).unwrap_or_default()
}

/// The 30-second step `code` belongs to, among the current one and its two
/// neighbours, if it is the secret's code for one of them.
fn matching_step(t: &TOTP, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let current = now.timestamp().div_euclid(STEP);
    [current - 1, current, current + 1].into_iter().filter(|s| *s >= 0).find(|s| same(t.generate((*s * STEP) as u64).as_bytes(), code.as_bytes()))
}

fn invalid() -> Error {
    Error::code(ErrorCode::MfaInvalid)
}

impl Core {
    fn mfa_key(&self) -> &[u8] {
        &self.config().mfa_secret
    }

    async fn mfa_row(&self, user_id: UserId) -> Result<Option<staff_mfa::Model>> {
        Ok(staff_mfa::Entity::find_by_id(user_id).one(self.db()).await?)
    }

    /// After a right password: signed in, or a second factor owed.
    pub(crate) async fn after_password(&self, u: user::Model) -> Result<SignIn> {
        // The password was right: saying so tells nothing to a stranger.
        if u.deactivated_at.is_some() {
            return Err(Error::code(ErrorCode::AccountDeactivated));
        }
        let role = u.role;
        if !role.needs_second_factor() {
            return Ok(SignIn::Done(Authenticated(u)));
        }
        let enrolled = self.mfa_row(u.id).await?.is_some_and(|m| m.enrolled_at.is_some());
        Ok(SignIn::SecondFactor { user: u, enrolled })
    }

    /// A citizen just registered, or a signed-in user who changed their
    /// password (their session had every factor, and they just gave the
    /// password again).
    pub(crate) fn reauthenticated(&self, u: user::Model) -> Authenticated {
        Authenticated(u)
    }

    fn ticket_tag(&self, body: &str) -> String {
        let mut m = keyed_mac(&self.config().link_secret, b"sihati/mfa-ticket/v1");
        m.update(body.as_bytes());
        URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
    }

    /// Enrols an authenticator with a known secret, confirmed: the demo's
    /// staff, whose secret the run command prints.
    pub(crate) async fn enrol_with_secret(&self, user_id: UserId, secret: &[u8]) -> Result<()> {
        let now = self.clock().now();
        staff_mfa::ActiveModel {
            user_id: Set(user_id),
            secret_enc: Set(seal(self.mfa_key(), user_id.0, secret)),
            enrolment_id: Set(Uuid::new_v4()),
            enrolled_at: Set(Some(now)),
            last_step: Set(0),
            recovery_used: Set(0),
            created_at: Set(now),
        }
        .insert(self.db())
        .await?;
        Ok(())
    }

    pub(crate) fn require_admin(actor: &Actor) -> Result<()> {
        if matches!(actor.role, Role::FacilityAdmin | Role::HealthAdmin) {
            Ok(())
        } else {
            Err(Error::code(ErrorCode::Forbidden))
        }
    }
}

impl Sessions {
    /// The sign-in of the mobile API: password and, for staff who need it,
    /// the code in the same request.
    pub async fn sign_in_for_token(&self, input: &shared::dto::LoginIn, ip: Option<IpAddr>) -> Result<Authenticated> {
        match self.authenticate(input, ip).await? {
            SignIn::Done(a) => Ok(a),
            SignIn::SecondFactor { user, enrolled } => match input.otp.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(code) => self.second_factor(user.id, code, ip).await,
                None if enrolled => Err(Error::code(ErrorCode::MfaRequired)),
                None => Err(Error::code(ErrorCode::MfaEnrolmentRequired)),
            },
        }
    }

    /// The enrolment of the mobile API: the password first (throttled like
    /// a sign-in); only an account whose role needs a second factor has one.
    pub async fn enrolment_with_password(&self, input: &shared::dto::LoginIn, ip: Option<IpAddr>) -> Result<EnrolmentOut> {
        match self.authenticate(input, ip).await? {
            SignIn::SecondFactor { user, .. } => self.enrolment(user.id).await,
            SignIn::Done(_) => Err(Error::code(ErrorCode::Forbidden)),
        }
    }

    /// The enrolment of the account's authenticator: started on first
    /// call, the same until a first code confirms it. Refused once enrolled.
    pub async fn enrolment(&self, user_id: UserId) -> Result<EnrolmentOut> {
        let u = user::Entity::find_by_id(user_id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::Unauthorized))?;
        if !u.role.needs_second_factor() {
            return Err(Error::code(ErrorCode::Forbidden));
        }
        let row = match self.core.mfa_row(user_id).await? {
            Some(r) if r.enrolled_at.is_some() => return Err(Error::code(ErrorCode::MfaAlreadyEnrolled)),
            Some(r) => r,
            None => {
                let mut secret = [0u8; 20];
                rand::rngs::OsRng.fill_bytes(&mut secret);
                let row = staff_mfa::ActiveModel {
                    user_id: Set(user_id),
                    secret_enc: Set(seal(self.core.mfa_key(), user_id.0, &secret)),
                    enrolment_id: Set(Uuid::new_v4()),
                    enrolled_at: Set(None),
                    last_step: Set(0),
                    recovery_used: Set(0),
                    created_at: Set(self.core.clock().now()),
                };
                match staff_mfa::Entity::insert(row).exec(self.core.db()).await {
                    // Two first calls at once: the one that won is shown to both.
                    Ok(_) | Err(sea_orm::DbErr::RecordNotInserted) => {}
                    Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {}
                    Err(e) => return Err(e.into()),
                }
                self.core.mfa_row(user_id).await?.ok_or_else(|| Error::Internal("enrolment vanished".into()))?
            }
        };
        let secret = open(self.core.mfa_key(), user_id.0, &row.secret_enc).ok_or_else(|| Error::Internal("second-factor secret unreadable".into()))?;
        let t = totp(secret, &account_label(&u))?;
        let uri = t.get_url();
        let qr = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| Error::Internal(format!("qr: {e}")))?;
        let qr_svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
        Ok(EnrolmentOut { secret: t.get_secret_base32(), otpauth_uri: uri, qr_svg, recovery_codes: recovery_codes(self.core.mfa_key(), row.enrolment_id) })
    }

    /// Checks the second factor of `user_id`: the authenticator's code (the
    /// first one confirms an enrolment) or an unused recovery code.
    /// Throttled per account like the password; every refusal is the same
    /// `mfa_invalid`.
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn second_factor(&self, user_id: UserId, code: &str, ip: Option<IpAddr>) -> Result<Authenticated> {
        self.sign_in_throttle.check(ip, &format!("mfa:{user_id}")).map_err(Error::throttled)?;
        let u = user::Entity::find_by_id(user_id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::Unauthorized))?;
        if u.deactivated_at.is_some() {
            return Err(Error::code(ErrorCode::AccountDeactivated));
        }
        let row = self.core.mfa_row(user_id).await?.ok_or_else(|| Error::code(ErrorCode::MfaEnrolmentRequired))?;
        let code = SecondFactorCode::parse(code).map_err(|_| invalid())?;
        let now = self.core.clock().now();
        match code {
            SecondFactorCode::Totp(code) => {
                let secret = open(self.core.mfa_key(), user_id.0, &row.secret_enc).ok_or_else(invalid)?;
                let t = totp(secret, "x")?;
                let step = matching_step(&t, code.as_str(), now).ok_or_else(invalid)?;
                // Claim the step: of two requests with one code, one wins;
                // a code of an earlier step than one already used is old.
                let mut claim = staff_mfa::Entity::update_many()
                    .col_expr(staff_mfa::Column::LastStep, Expr::value(step))
                    .filter(staff_mfa::Column::UserId.eq(user_id))
                    .filter(staff_mfa::Column::LastStep.lt(step));
                if row.enrolled_at.is_none() {
                    claim = claim.col_expr(staff_mfa::Column::EnrolledAt, Expr::value(Some(now)));
                }
                if claim.exec(self.core.db()).await?.rows_affected != 1 {
                    tracing::warn!("second-factor code replayed");
                    return Err(invalid());
                }
                if row.enrolled_at.is_none() {
                    tracing::info!("authenticator enrolled");
                }
            }
            SecondFactorCode::Recovery(typed) => {
                // Recovery codes stand in for an enrolled authenticator only.
                if row.enrolled_at.is_none() {
                    return Err(invalid());
                }
                let codes = recovery_codes(self.core.mfa_key(), row.enrolment_id);
                let i = codes.iter().position(|c| same(c.replace('-', "").as_bytes(), typed.as_bytes())).ok_or_else(invalid)?;
                let bit = 1i32 << i;
                if row.recovery_used & bit != 0 {
                    return Err(invalid());
                }
                let used = staff_mfa::Entity::update_many()
                    .col_expr(staff_mfa::Column::RecoveryUsed, Expr::value(row.recovery_used | bit))
                    .filter(staff_mfa::Column::UserId.eq(user_id))
                    .filter(staff_mfa::Column::RecoveryUsed.eq(row.recovery_used))
                    .exec(self.core.db())
                    .await?
                    .rows_affected;
                if used != 1 {
                    return Err(invalid());
                }
                let left = RECOVERY_CODES as u32 - (row.recovery_used | bit).count_ones();
                tracing::info!(left, "signed in with a recovery code");
            }
        }
        Ok(Authenticated(u))
    }

    /// How many recovery codes the account has left (enrolled accounts).
    pub async fn recovery_codes_left(&self, user_id: UserId) -> Result<Option<u32>> {
        Ok(self.core.mfa_row(user_id).await?.filter(|r| r.enrolled_at.is_some()).map(|r| RECOVERY_CODES as u32 - r.recovery_used.count_ones()))
    }

    /// The web's ticket between the password and the code.
    pub fn mfa_ticket(&self, u: &user::Model) -> String {
        let expires = (self.core.clock().now() + Duration::seconds(TICKET_SECS)).timestamp();
        let body = format!("{}.{}.{}", u.id.0.simple(), expires, u.password_changed_at.timestamp_micros());
        let tag = self.core.ticket_tag(&body);
        format!("{body}.{tag}")
    }

    /// The account a ticket names, while it is genuine, unexpired and its
    /// password unchanged; else `unauthorized` (sign in again).
    pub async fn ticket_user(&self, ticket: &str) -> Result<user::Model> {
        let unauthorized = || Error::code(ErrorCode::Unauthorized);
        let (body, tag) = ticket.rsplit_once('.').ok_or_else(unauthorized)?;
        if !same(self.core.ticket_tag(body).as_bytes(), tag.as_bytes()) {
            return Err(unauthorized());
        }
        let mut parts = body.split('.');
        let (Some(id), Some(expires), Some(changed), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(unauthorized());
        };
        let id: UserId = id.parse().map_err(|_| unauthorized())?;
        let expires: i64 = expires.parse().map_err(|_| unauthorized())?;
        if expires <= self.core.clock().now().timestamp() {
            return Err(unauthorized());
        }
        let u = user::Entity::find_by_id(id).one(self.core.db()).await?.ok_or_else(unauthorized)?;
        if u.password_changed_at.timestamp_micros().to_string() != changed {
            return Err(unauthorized());
        }
        if u.deactivated_at.is_some() {
            return Err(Error::code(ErrorCode::AccountDeactivated));
        }
        Ok(u)
    }
}

impl Accounts {
    /// The staff an administrator manages (not themselves), with their
    /// second factor's state, a practitioner's specialty, and whether the
    /// account is active: a facility admin, their polyclinic's; the health
    /// directorate, the administrators of its wilaya's facilities and its own.
    pub async fn list_staff(&self, actor: &Actor) -> Result<Vec<StaffOut>> {
        Core::require_admin(actor)?;
        let db = self.core.db();
        let q = user::Entity::find().filter(user::Column::Role.ne(Role::Citizen.code()));
        let q = match (actor.role, actor.facility_id) {
            (Role::FacilityAdmin, Some(f)) => q.filter(user::Column::FacilityId.eq(f)),
            (Role::HealthAdmin, _) => {
                let wilaya = actor.health_wilaya()?;
                let here: Vec<_> = facility::Entity::find().filter(facility::Column::WilayaCode.eq(wilaya)).all(db).await?.into_iter().map(|f| f.id).collect();
                q.filter(
                    sea_orm::Condition::any()
                        .add(sea_orm::Condition::all().add(user::Column::Role.eq(Role::FacilityAdmin.code())).add(user::Column::FacilityId.is_in(here)))
                        .add(sea_orm::Condition::all().add(user::Column::Role.eq(Role::HealthAdmin.code())).add(user::Column::WilayaCode.eq(wilaya))),
                )
            }
            _ => return Err(Error::code(ErrorCode::Forbidden)),
        };
        let users = q.order_by_asc(user::Column::FamilyName).order_by_asc(user::Column::GivenName).all(db).await?;
        let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
        let enrolled: std::collections::HashSet<UserId> = staff_mfa::Entity::find()
            .filter(staff_mfa::Column::UserId.is_in(ids.clone()))
            .filter(staff_mfa::Column::EnrolledAt.is_not_null())
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.user_id)
            .collect();
        let codes: std::collections::HashMap<_, _> = specialty::Entity::find().all(db).await?.into_iter().map(|s| (s.id, s.code)).collect();
        let specialties: std::collections::HashMap<UserId, String> = practitioner::Entity::find()
            .filter(practitioner::Column::UserId.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|p| Some((p.user_id?, codes.get(&p.specialty_id)?.clone())))
            .collect();
        Ok(users
            .into_iter()
            .filter(|u| u.id != actor.user_id)
            .map(|u| {
                let role = u.role;
                StaffOut {
                    id: u.id,
                    role,
                    second_factor_required: role.needs_second_factor(),
                    second_factor_enrolled: enrolled.contains(&u.id),
                    specialty: specialties.get(&u.id).cloned(),
                    active: u.deactivated_at.is_none(),
                    given_name: u.given_name,
                    family_name: u.family_name,
                }
            })
            .collect())
    }

    /// Removes a staff member's authenticator: their sessions end, they
    /// enrol again at their next sign-in, they are told by SMS, and the act
    /// is in the admin audit trail.
    #[tracing::instrument(skip_all, fields(actor = %actor.user_id, target = %target))]
    pub async fn reset_second_factor(&self, actor: &Actor, target: UserId) -> Result<()> {
        Core::require_admin(actor)?;
        let t = user::Entity::find_by_id(target).one(self.core.db()).await?;
        // Someone outside one's remit is not found, as if absent.
        let t = match t {
            Some(t) if self.core.administers(actor, &t).await? => t,
            _ => return Err(Error::code(ErrorCode::NotFound)),
        };
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        // Nothing enrolled, nothing to reset: no trace, no message, no
        // sign-out (a second click, a role without a second factor).
        if staff_mfa::Entity::delete_by_id(t.id).exec(&txn).await?.rows_affected == 0 {
            return Ok(());
        }
        let revoked = self.core.revoke_all_sessions(&txn, target).await?;
        let audit_id = Uuid::new_v4();
        admin_audit::ActiveModel {
            id: Set(audit_id),
            at: Set(now),
            actor_id: Set(actor.user_id),
            action: Set(AdminAction::SecondFactorReset.code().to_owned()),
            target_user_id: Set(Some(t.id)),
            facility_id: Set(t.facility_id),
            subject_kind: Set(None),
            subject_id: Set(None),
            before: Set(None),
            after: Set(None),
            wilaya_code: Set(actor.wilaya_code.clone()),
        }
        .insert(&txn)
        .await?;
        if t.phone.is_some() {
            account_messages::queue(&txn, AccountKind::SecondFactorReset, shared::MessageChannel::Sms, t.id, audit_id, now).await?;
        }
        txn.commit().await?;
        revoked.forget(&self.core);
        tracing::info!("second factor reset");
        Ok(())
    }
}

impl Audit {
    /// The admin audit trail about one account, newest first.
    pub async fn admin_audit_of(&self, target: UserId) -> Result<Vec<admin_audit::Model>> {
        Ok(admin_audit::Entity::find().filter(admin_audit::Column::TargetUserId.eq(target)).order_by_desc(admin_audit::Column::At).all(self.core.db()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"a second-factor key of at least thirty-two bytes";

    #[test]
    fn a_sealed_secret_opens_only_for_its_account_and_key() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let sealed = seal(KEY, a, b"twenty bytes secret!");
        assert_eq!(open(KEY, a, &sealed).as_deref(), Some(&b"twenty bytes secret!"[..]));
        assert_eq!(open(KEY, b, &sealed), None, "moved to another account");
        assert_eq!(open(b"another key of at least thirty-two bytes long", a, &sealed), None);
        assert_ne!(seal(KEY, a, b"twenty bytes secret!"), sealed, "a fresh nonce each time");
    }

    #[test]
    fn recovery_codes_are_ten_distinct_parseable_codes_per_enrolment() {
        let e = Uuid::new_v4();
        let codes = recovery_codes(KEY, e);
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(codes.iter().collect::<std::collections::HashSet<_>>().len(), RECOVERY_CODES);
        for c in &codes {
            assert_eq!(c.len(), 11);
            assert!(matches!(SecondFactorCode::parse(&c.to_lowercase()), Ok(SecondFactorCode::Recovery(_))), "{c}");
        }
        assert_eq!(recovery_codes(KEY, e), codes, "derived, so shown the same until confirmed");
        assert_ne!(recovery_codes(KEY, Uuid::new_v4()), codes);
    }

    #[test]
    fn the_rfc_6238_sha1_test_vectors_hold() {
        // RFC 6238 appendix B, SHA-1 column, last 6 digits.
        let secret = b"12345678901234567890";
        for (t, code) in [(59, "287082"), (1111111109, "081804"), (1111111111, "050471"), (1234567890, "005924"), (2000000000, "279037")] {
            assert_eq!(code_at(secret, DateTime::from_timestamp(t, 0).unwrap()), code, "t={t}");
        }
    }

    #[test]
    fn a_code_matches_its_step_and_the_neighbours_only() {
        let t = totp(b"12345678901234567890".to_vec(), "x").unwrap();
        let now = DateTime::from_timestamp(1_111_111_111, 0).unwrap();
        let current = now.timestamp() / STEP;
        for (offset, found) in [(-2, None), (-1, Some(current - 1)), (0, Some(current)), (1, Some(current + 1)), (2, None)] {
            let code = t.generate(((current + offset) * STEP) as u64);
            assert_eq!(matching_step(&t, &code, now), found, "offset {offset}");
        }
    }

    #[test]
    fn base32_matches_rfc_4648() {
        assert_eq!(base32_upper(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_upper(b"f"), "MY");
    }
}
