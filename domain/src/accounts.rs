//! Accounts: citizen registration, sign-in, one's own profile and password,
//! and staff accounts created by operators.

use crate::entities::{practitioner, specialty, user, walk_in};
use crate::identity::Purpose;
use crate::mfa::{Authenticated, SignIn};
use crate::services::{Accounts, Sessions};
use crate::{Actor, Core, Error, Result};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, SqlErr};
use shared::dto::{LoginId, LoginIn, PasswordChangeIn, ProfileOut, ProfileUpdateIn, RegisterIn};
use shared::identity::VerifyChannel;
use shared::{Email, ErrorCode, FacilityId, FieldError, Lang, NewPassword, PersonName, Phone, PractitionerId, Role, Sex, UserId};
use std::net::IpAddr;
use uuid::Uuid;

pub fn profile_of(u: &user::Model) -> ProfileOut {
    ProfileOut {
        id: u.id,
        role: u.role,
        facility_id: u.facility_id,
        nin: u.nin.clone(),
        given_name: u.given_name.clone(),
        family_name: u.family_name.clone(),
        birth_date: u.birth_date,
        sex: u.sex.as_deref().and_then(Sex::parse),
        phone: u.phone.clone(),
        email: u.email.clone(),
        phone_verified: u.phone_verified_at.is_some(),
        email_verified: u.email_verified_at.is_some(),
        lang: Lang::parse(&u.lang).unwrap_or_default(),
    }
}

/// Turns a unique-index violation on `users` into the field error it means.
/// The index names (PostgreSQL) and column names (SQLite) both contain the
/// field's name.
pub(crate) fn unique_violation(err: &sea_orm::DbErr) -> Option<Error> {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(msg)) => {
            let (field, code) = if msg.contains("nin") {
                ("nin", ErrorCode::NinTaken)
            } else if msg.contains("phone") {
                ("phone", ErrorCode::PhoneTaken)
            } else if msg.contains("email") {
                ("email", ErrorCode::EmailTaken)
            } else {
                return None;
            };
            Some(Error::taken(vec![FieldError::new(field, code)]))
        }
        _ => None,
    }
}

/// A staff account as an operator creates it (CLI or seed).
#[derive(Clone, Debug)]
pub struct NewStaff {
    pub role: Role,
    pub facility_id: Option<FacilityId>,
    /// A health administrator's wilaya (`31`): the directorate they work for.
    pub wilaya_code: Option<String>,
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
    pub password: NewPassword,
    pub lang: Lang,
    /// A practitioner's specialty (its code): their profile is made with
    /// the account. None leaves a practitioner's account without one (the
    /// demo seed links its own).
    pub specialty: Option<String>,
}

impl Accounts {
    /// Registers a citizen. Every invalid field is reported at once; a NIN,
    /// phone or email already in use is reported on its field. A code goes
    /// to the phone (and a link to the email), queued in the registration's
    /// transaction; until the code comes back the account can browse but
    /// not book or read a record. Throttled per client IP.
    /// Returns the new account, signed in (a citizen owes no second factor).
    #[tracing::instrument(skip_all)]
    pub async fn register(&self, input: &RegisterIn, ip: Option<IpAddr>) -> Result<Authenticated> {
        let r = input.validate(self.core.today()).map_err(Error::fields)?;
        self.core.account_throttle().check_ip(ip).map_err(Error::throttled)?;
        let db = self.core.db();
        // Friendly pre-check so that every taken field is named at once; the
        // unique indexes below remain the guarantee under concurrency.
        let mut taken = Vec::new();
        // A patient a desk received without an account: the record becomes
        // this account's when the registration gives the birth date and the
        // phone the desk recorded on seeing the identity card (the code sent
        // to that phone then proves it); otherwise a desk records the phone first.
        let mut received = None;
        match crate::persons::by_nin(db, r.nin.as_ref()).await? {
            None => {}
            Some(crate::persons::Person::WalkIn(w)) if w.birth_date == r.birth_date && w.phone.as_deref() == Some(r.phone.as_ref()) => received = Some(w),
            Some(crate::persons::Person::WalkIn(_)) => taken.push(FieldError::new("nin", ErrorCode::NinSeenAtDesk)),
            Some(crate::persons::Person::Account(_)) => taken.push(FieldError::new("nin", ErrorCode::NinTaken)),
            // One person, one record: not a second row for this NIN, and not
            // the dependant's record handed over on the word of whoever
            // registers first — the claim is made at a desk, with the card.
            Some(crate::persons::Person::Dependant(_)) => taken.push(FieldError::new("nin", ErrorCode::NinClaimAtDesk)),
        }
        if user::Entity::find().filter(user::Column::Phone.eq(r.phone.as_ref())).one(db).await?.is_some() {
            taken.push(FieldError::new("phone", ErrorCode::PhoneTaken));
        }
        if let Some(email) = &r.email {
            let key = email.as_ref().to_lowercase();
            if user::Entity::find().filter(user::Column::EmailKey.eq(key)).one(db).await?.is_some() {
                taken.push(FieldError::new("email", ErrorCode::EmailTaken));
            }
        }
        if !taken.is_empty() {
            return Err(Error::taken(taken));
        }
        let hash = self.core.passwords().hash(r.password.expose()).await?;
        let now = self.core.clock().now();
        let id = received.as_ref().map(|w| w.id.as_account()).unwrap_or_else(|| UserId(Uuid::new_v4()));
        let row = user::ActiveModel {
            id: Set(id),
            role: Set(Role::Citizen),
            facility_id: Set(None),
            wilaya_code: Set(None),
            nin: Set(Some(r.nin.to_string())),
            given_name: Set(r.given_name.to_string()),
            family_name: Set(r.family_name.to_string()),
            birth_date: Set(Some(r.birth_date)),
            sex: Set(Some(r.sex.code().to_owned())),
            phone: Set(Some(r.phone.to_string())),
            email_key: Set(r.email.as_ref().map(|e| e.as_ref().to_lowercase())),
            email: Set(r.email.map(String::from)),
            password_hash: Set(hash),
            lang: Set(r.lang.code().to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            password_changed_at: Set(now),
            phone_verified_at: Set(None),
            email_verified_at: Set(None),
            closed_at: Set(None),
            deactivated_at: Set(None),
        };
        // The code is not sent beyond the per-destination limit; the
        // account still exists and asks for a code again later.
        let send_code = self.core.code_throttle().check(ip, &format!("to:{}", r.phone.as_ref())).is_ok();
        let txn = self.core.begin_write().await?;
        match &received {
            // The walk-in's row goes first: of two registrations racing for
            // it, one deletes it and the other is told the NIN is taken.
            Some(w) => {
                if walk_in::Entity::delete_by_id(w.id).exec(&txn).await?.rows_affected != 1 {
                    return Err(Error::taken(vec![FieldError::new("nin", ErrorCode::NinTaken)]));
                }
            }
            // The NIN first: its unique index over every person is the guarantee.
            None => crate::persons::claim_nin(&txn, id.as_person(), r.nin.as_ref(), now).await?,
        }
        let saved = row.insert(&txn).await.map_err(|e| unique_violation(&e).unwrap_or(Error::Db(e)))?;
        let clock = self.core.clock().now();
        if send_code {
            self.core.start_verification(&txn, saved.id, Purpose::Phone, VerifyChannel::Sms, r.phone.as_ref(), clock).await?;
        }
        if let Some(email) = &saved.email {
            self.core.start_verification(&txn, saved.id, Purpose::Email, VerifyChannel::Email, email, clock).await?;
        }
        txn.commit().await?;
        tracing::info!(user_id = %saved.id, walk_in = received.is_some(), "citizen registered");
        Ok(self.core.reauthenticated(saved))
    }

    /// The actor's own profile.
    pub async fn profile(&self, actor: &Actor) -> Result<ProfileOut> {
        Ok(profile_of(&self.core.own_user(actor).await?))
    }

    /// Changes the actor's own names and language. The phone and the email
    /// change through a verification (`identity`).
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn update_profile(&self, actor: &Actor, input: &ProfileUpdateIn) -> Result<ProfileOut> {
        let u = input.validate().map_err(Error::fields)?;
        let current = self.core.own_user(actor).await?;
        let mut row: user::ActiveModel = current.into();
        row.given_name = Set(u.given_name.to_string());
        row.family_name = Set(u.family_name.to_string());
        row.lang = Set(u.lang.code().to_owned());
        row.updated_at = Set(self.core.clock().now());
        let saved = row.update(self.core.db()).await?;
        Ok(profile_of(&saved))
    }

    /// Changes the actor's password after checking the current one, and ends
    /// every session of the account, this one included: the caller starts a
    /// new one.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn change_password(&self, actor: &Actor, input: &PasswordChangeIn) -> Result<Authenticated> {
        let new = NewPassword::parse(&input.new_password).map_err(|code| Error::fields(vec![FieldError::new("new_password", code)]))?;
        let current = self.core.own_user(actor).await?;
        self.core.check_current_password(&current, &input.current_password).await?;
        let hash = self.core.passwords().hash(new.expose()).await?;
        let now = self.core.clock().now();
        let txn = sea_orm::TransactionTrait::begin(self.core.db()).await?;
        let mut row: user::ActiveModel = current.into();
        row.password_hash = Set(hash);
        row.password_changed_at = Set(now);
        row.updated_at = Set(now);
        let saved = row.update(&txn).await?;
        let revoked = self.core.revoke_all_sessions(&txn, actor.user_id).await?;
        txn.commit().await?;
        revoked.forget(&self.core);
        tracing::info!("password changed; all sessions ended");
        Ok(self.core.reauthenticated(saved))
    }

    /// Sets the wilaya a health administrator works for (operators, CLI:
    /// accounts made before it was recorded have none and can do nothing).
    pub async fn set_health_wilaya(&self, id: UserId, wilaya: &str) -> Result<()> {
        let db = self.core.db();
        crate::entities::wilaya::Entity::find_by_id(wilaya.to_owned())
            .one(db)
            .await?
            .ok_or_else(|| Error::fields(vec![FieldError::new("wilaya_code", ErrorCode::NotFound)]))?;
        let u = user::Entity::find_by_id(id).filter(user::Column::Role.eq(Role::HealthAdmin)).one(db).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let mut m: user::ActiveModel = u.into();
        m.wilaya_code = Set(Some(wilaya.to_owned()));
        m.update(db).await?;
        // Run from the command line, this is another process than the
        // server's: the server sees it within its session cache's TTL.
        self.core.verified().forget_user(id);
        Ok(())
    }

    /// Creates a staff account. Called by operators (CLI, seed), never by a
    /// request: there is no actor because no signed-in user may do this yet.
    /// A practitioner given a specialty gets their profile there and works
    /// at the facility (which offers the specialty from then on).
    pub async fn create_staff(&self, s: NewStaff) -> Result<UserId> {
        // Hashed before the write begins: argon2 never holds the writer lock.
        let hash = self.core.passwords().hash(s.password.expose()).await?;
        let txn = self.core.begin_write().await?;
        let id = self.core.insert_staff(&txn, s, hash).await?;
        txn.commit().await?;
        tracing::info!(user_id = %id, "staff account created");
        Ok(id)
    }
}

impl Core {
    /// Checks and stores a staff account (and a practitioner's profile),
    /// in the caller's transaction: operators' accounts and accepted
    /// invitations alike. `hash` is the password's, made before the
    /// transaction began.
    pub(crate) async fn insert_staff(&self, txn: &sea_orm::DatabaseTransaction, s: NewStaff, hash: String) -> Result<UserId> {
        if matches!(s.role, Role::Citizen | Role::Pharmacy) {
            return Err(Error::code(ErrorCode::BadRequest));
        }
        if s.role.needs_facility() != s.facility_id.is_some() {
            return Err(Error::fields(vec![FieldError::new("facility_id", ErrorCode::Required)]));
        }
        match (s.role == Role::HealthAdmin, &s.wilaya_code) {
            (true, None) => return Err(Error::fields(vec![FieldError::new("wilaya_code", ErrorCode::Required)])),
            (true, Some(w)) if crate::entities::wilaya::Entity::find_by_id(w.clone()).one(txn).await?.is_none() => {
                return Err(Error::fields(vec![FieldError::new("wilaya_code", ErrorCode::NotFound)]));
            }
            (false, Some(_)) => return Err(Error::fields(vec![FieldError::new("wilaya_code", ErrorCode::BadRequest)])),
            _ => {}
        }
        if s.phone.is_none() && s.email.is_none() {
            return Err(Error::fields(vec![FieldError::new("phone", ErrorCode::Required)]));
        }
        let specialty = match (&s.specialty, s.role) {
            (None, _) => None,
            (Some(code), Role::Practitioner) => Some(
                specialty::Entity::find()
                    .filter(specialty::Column::Code.eq(code.trim()))
                    .one(txn)
                    .await?
                    .ok_or_else(|| Error::fields(vec![FieldError::new("specialty", ErrorCode::NotFound)]))?,
            ),
            (Some(_), _) => return Err(Error::fields(vec![FieldError::new("specialty", ErrorCode::BadRequest)])),
        };
        let now = self.clock().now();
        let id = UserId(Uuid::new_v4());
        user::ActiveModel {
            id: Set(id),
            role: Set(s.role),
            facility_id: Set(s.facility_id),
            wilaya_code: Set(s.wilaya_code),
            nin: Set(None),
            given_name: Set(s.given_name.to_string()),
            family_name: Set(s.family_name.to_string()),
            birth_date: Set(None),
            sex: Set(None),
            phone: Set(s.phone.map(String::from)),
            email_key: Set(s.email.as_ref().map(|e| e.as_ref().to_lowercase())),
            email: Set(s.email.map(String::from)),
            password_hash: Set(hash),
            lang: Set(s.lang.code().to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            password_changed_at: Set(now),
            // Entered by the operator or administrator who names the person.
            phone_verified_at: Set(Some(now)),
            email_verified_at: Set(Some(now)),
            closed_at: Set(None),
            deactivated_at: Set(None),
        }
        .insert(txn)
        .await
        .map_err(|e| unique_violation(&e).unwrap_or(Error::Db(e)))?;
        if let (Some(spec), Some(facility)) = (specialty, s.facility_id) {
            let profile = practitioner::ActiveModel {
                id: Set(PractitionerId(Uuid::new_v4())),
                user_id: Set(Some(id)),
                given_name: Set(s.given_name.to_string()),
                family_name: Set(s.family_name.to_string()),
                specialty_id: Set(spec.id),
                created_at: Set(now),
            }
            .insert(txn)
            .await?;
            crate::network::join_facility(txn, &profile, facility).await?;
        }
        Ok(id)
    }
}

impl Sessions {
    /// Checks a phone-or-email and password. Throttled per IP and per
    /// account; unknown accounts cost one full argon2 verification like
    /// known ones, and every failure is the same `invalid_credentials`.
    /// Staff whose role needs it then owe a second factor (`mfa`).
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(&self, input: &LoginIn, ip: Option<IpAddr>) -> Result<SignIn> {
        let login = LoginId::parse(&input.login);
        let key = match &login {
            Ok(l) => l.throttle_key(),
            Err(_) => format!("x:{}", input.login.trim().to_lowercase()),
        };
        self.sign_in_throttle.check(ip, &key).map_err(Error::throttled)?;
        let found = match login {
            Ok(LoginId::Phone(p)) => user::Entity::find().filter(user::Column::Phone.eq(p.as_ref())).one(self.core.db()).await?,
            Ok(LoginId::Email(e)) => user::Entity::find().filter(user::Column::EmailKey.eq(e.as_ref().to_lowercase())).one(self.core.db()).await?,
            Err(_) => None,
        };
        let ok = self.core.passwords().verify(&input.password, found.as_ref().map(|u| u.password_hash.as_str())).await?;
        match found {
            Some(u) if ok => self.core.after_password(u).await,
            _ => Err(Error::code(ErrorCode::InvalidCredentials)),
        }
    }
}

impl Core {
    pub(crate) async fn own_user(&self, actor: &Actor) -> Result<user::Model> {
        user::Entity::find_by_id(actor.user_id).one(self.db()).await?.ok_or_else(|| Error::code(ErrorCode::Unauthorized))
    }
}
