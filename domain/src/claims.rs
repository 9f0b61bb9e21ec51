//! Claiming one's record. A person who registers with a NIN that an
//! account holds for a dependant (a child who grew up, a relative) is not
//! given a second record, nor the dependant's on their word alone: they ask
//! for it. The request keeps what they typed and the hash of the password
//! they chose; the guardian approves it from their account, or any
//! polyclinic desk does on seeing the identity card (also after the
//! guardian said no: an adult's record is theirs).
//!
//! On approval, in one transaction, the account is created under the
//! dependant's id — the id the record, its access log and its NIN in
//! `persons` are already kept under, so nothing about the record moves —
//! and what the guardian held for that person becomes the person's:
//! appointments, referrals, waitlist entries and offers, the holder of the
//! record's entries and files, and the messages not yet sent about those
//! appointments. The dependant row is deleted: every door that let the
//! guardian book for or read that person goes through it, so the
//! guardian's access ends everywhere at once. The person's phone is then
//! verified like any new account's (a code is sent), and both are told.

use crate::accounts::{today_in_algiers, unique_violation};
use crate::booking::full_name;
use crate::entities::{appointment, claim, dependant, outbox, record_attachment, record_entry, referral, slot_offer, user, waitlist_entry};
use crate::identity::Purpose;
use crate::notify::account::{self as account_messages, AccountKind};
use crate::persons::Person;
use crate::{Actor, Domain, Error, Result};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::dto::RegisterIn;
use shared::identity::{mask_phone, ClaimOut, ClaimStatus, VerifyChannel};
use shared::{ClaimId, ErrorCode, FieldError, Role};
use std::net::IpAddr;
use uuid::Uuid;

/// How long a request waits for a decision.
pub const CLAIM_DAYS: i64 = 30;

/// Who is deciding on a request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decider {
    Guardian,
    Desk,
}

fn status_of(c: &claim::Model, now: DateTime<Utc>) -> ClaimStatus {
    match ClaimStatus::parse(&c.status).unwrap_or(ClaimStatus::Closed) {
        ClaimStatus::Pending | ClaimStatus::Declined if c.expires_at <= now => ClaimStatus::Closed,
        s => s,
    }
}

/// Whether `who` may decide on the request now: the guardian while it is
/// pending, a desk while it is pending or declined.
fn open_to(c: &claim::Model, now: DateTime<Utc>, who: Decider) -> bool {
    match status_of(c, now) {
        ClaimStatus::Pending => true,
        ClaimStatus::Declined => who == Decider::Desk,
        _ => false,
    }
}

fn claim_out(c: &claim::Model, d: Option<&dependant::Model>, now: DateTime<Utc>, who: Option<Decider>) -> ClaimOut {
    ClaimOut {
        id: ClaimId(c.id),
        status: status_of(c, now),
        given_name: c.given_name.clone(),
        family_name: c.family_name.clone(),
        birth_date: c.birth_date,
        record_name: d.map(|d| full_name(&d.given_name, &d.family_name)).unwrap_or_default(),
        record_birth_date: d.map(|d| d.birth_date).unwrap_or(c.birth_date),
        phone: mask_phone(&c.phone),
        created_at: c.created_at,
        expires_at: c.expires_at,
        can_decide: who.is_some_and(|w| open_to(c, now, w)),
    }
}

impl Domain {
    /// A person asks for the record an account holds for them as a
    /// dependant, with what registration asks. Validated like a
    /// registration and throttled like one; a NIN that names nobody
    /// without an account is `nin_not_claimable`. An earlier open request
    /// for the same record is closed: the guardian sees the latest. The
    /// guardian is told.
    #[tracing::instrument(skip_all)]
    pub async fn request_claim(&self, input: &RegisterIn, ip: Option<IpAddr>) -> Result<ClaimOut> {
        let r = input.validate(today_in_algiers()).map_err(Error::fields)?;
        self.account_throttle().check_ip(ip).map_err(Error::throttled)?;
        let d = match crate::persons::by_nin(self.db(), r.nin.as_ref()).await? {
            Some(Person::Dependant(d)) => d,
            Some(Person::Account(_)) => return Err(Error::taken(vec![FieldError::new("nin", ErrorCode::NinTaken)])),
            None => return Err(Error::fields(vec![FieldError::new("nin", ErrorCode::NinNotClaimable)])),
        };
        let mut taken = Vec::new();
        if user::Entity::find().filter(user::Column::Phone.eq(r.phone.as_ref())).one(self.db()).await?.is_some() {
            taken.push(FieldError::new("phone", ErrorCode::PhoneTaken));
        }
        if let Some(email) = &r.email {
            if user::Entity::find().filter(user::Column::EmailKey.eq(email.as_ref().to_lowercase())).one(self.db()).await?.is_some() {
                taken.push(FieldError::new("email", ErrorCode::EmailTaken));
            }
        }
        if !taken.is_empty() {
            return Err(Error::taken(taken));
        }
        let hash = self.passwords().hash(r.password.expose()).await?;
        let now = self.clock().now();
        let row = claim::ActiveModel {
            id: Set(Uuid::new_v4()),
            person_id: Set(d.id),
            holder_id: Set(d.holder_id),
            given_name: Set(r.given_name.to_string()),
            family_name: Set(r.family_name.to_string()),
            birth_date: Set(r.birth_date),
            sex: Set(r.sex.code().to_owned()),
            phone: Set(r.phone.to_string()),
            email: Set(r.email.map(String::from)),
            password_hash: Set(hash),
            lang: Set(r.lang.code().to_owned()),
            status: Set(ClaimStatus::Pending.code().to_owned()),
            created_at: Set(now),
            expires_at: Set(now + Duration::days(CLAIM_DAYS)),
            decided_at: Set(None),
            decided_by: Set(None),
        };
        let txn = self.begin_write().await?;
        claim::Entity::update_many()
            .col_expr(claim::Column::Status, Expr::value(ClaimStatus::Closed.code()))
            .col_expr(claim::Column::DecidedAt, Expr::value(now))
            .filter(claim::Column::PersonId.eq(d.id))
            .filter(claim::Column::Status.is_in([ClaimStatus::Pending.code(), ClaimStatus::Declined.code()]))
            .exec(&txn)
            .await?;
        let saved = row.insert(&txn).await?;
        account_messages::queue(&txn, AccountKind::ClaimWaiting, crate::notify::SMS, d.holder_id, saved.id, now).await?;
        txn.commit().await?;
        tracing::info!(claim_id = %saved.id, "record claimed");
        Ok(claim_out(&saved, Some(&d), now, None))
    }

    /// Where a request stands, for whoever holds its id (the person who
    /// made it; the id is random and only they were given it).
    pub async fn claim_status(&self, id: ClaimId) -> Result<ClaimOut> {
        let c = claim::Entity::find_by_id(id.as_uuid()).one(self.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let d = dependant::Entity::find_by_id(c.person_id).one(self.db()).await?;
        Ok(claim_out(&c, d.as_ref(), self.clock().now(), None))
    }

    /// The requests waiting for the actor as a guardian: open ones, newest first.
    pub async fn my_claims(&self, actor: &Actor) -> Result<Vec<ClaimOut>> {
        let now = self.clock().now();
        let rows = claim::Entity::find()
            .filter(claim::Column::HolderId.eq(actor.user_id.as_uuid()))
            .filter(claim::Column::Status.eq(ClaimStatus::Pending.code()))
            .filter(claim::Column::ExpiresAt.gt(now))
            .order_by_desc(claim::Column::CreatedAt)
            .all(self.db())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for c in rows {
            let d = dependant::Entity::find_by_id(c.person_id).one(self.db()).await?;
            if d.as_ref().is_some_and(|d| d.holder_id == c.holder_id) {
                out.push(claim_out(&c, d.as_ref(), now, Some(Decider::Guardian)));
            }
        }
        Ok(out)
    }

    /// The open request of a dependant the desk has just looked up (the
    /// look-up wrote the access-log rows).
    pub(crate) async fn open_claim_for_desk<C: ConnectionTrait>(&self, db: &C, d: &dependant::Model) -> Result<Option<ClaimOut>> {
        let now = self.clock().now();
        let c = claim::Entity::find()
            .filter(claim::Column::PersonId.eq(d.id))
            .filter(claim::Column::Status.is_in([ClaimStatus::Pending.code(), ClaimStatus::Declined.code()]))
            .filter(claim::Column::ExpiresAt.gt(now))
            .order_by_desc(claim::Column::CreatedAt)
            .one(db)
            .await?;
        Ok(c.map(|c| claim_out(&c, Some(d), now, Some(Decider::Desk))))
    }

    /// The guardian approves (the account is created and the record
    /// follows the person) or declines (a desk can still approve it).
    /// Someone else's request is "not found".
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn guardian_decides(&self, actor: &Actor, id: ClaimId, approve: bool) -> Result<ClaimOut> {
        if actor.role != Role::Citizen {
            return Err(Error::code(ErrorCode::Forbidden));
        }
        let now = self.clock().now();
        let c = claim::Entity::find_by_id(id.as_uuid())
            .one(self.db())
            .await?
            .filter(|c| c.holder_id == actor.user_id.as_uuid())
            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        if !open_to(&c, now, Decider::Guardian) {
            return Err(Error::code(ErrorCode::ClaimClosed));
        }
        let txn = self.begin_write().await?;
        let d = dependant::Entity::find_by_id(c.person_id).one(&txn).await?.filter(|d| d.holder_id == c.holder_id);
        let Some(d) = d else { return Err(Error::code(ErrorCode::ClaimClosed)) };
        let out = if approve {
            self.hand_over(&txn, &c, &d, actor, Decider::Guardian, now).await?
        } else {
            let status = ClaimStatus::Declined;
            self.decide(&txn, &c, status, actor, Decider::Guardian, now).await?;
            claim_out(&claim::Model { status: status.code().into(), decided_at: Some(now), decided_by: Some(actor.user_id.as_uuid()), ..c }, Some(&d), now, None)
        };
        txn.commit().await?;
        Ok(out)
    }

    /// A desk approves a request on seeing the person's identity card: the
    /// account is created and the record follows the person. Written in
    /// the person's access log.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn desk_approves_claim(&self, actor: &Actor, id: ClaimId) -> Result<ClaimOut> {
        let facility = crate::booking::desk_facility(actor)?;
        let now = self.clock().now();
        let c = claim::Entity::find_by_id(id.as_uuid()).one(self.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        if !open_to(&c, now, Decider::Desk) {
            return Err(Error::code(ErrorCode::ClaimClosed));
        }
        let txn = self.begin_write().await?;
        let Some(d) = dependant::Entity::find_by_id(c.person_id).one(&txn).await? else {
            return Err(Error::code(ErrorCode::ClaimClosed));
        };
        crate::record::access::append(&self.config().audit_secret, &txn, d.id, actor, Some(facility), "desk_claim", None, "identity card seen").await?;
        let out = self.hand_over(&txn, &c, &d, actor, Decider::Desk, now).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Marks the request decided, if nobody decided it meanwhile (the
    /// guardian and a desk at once: one wins, the other is `claim_closed`).
    async fn decide<C: ConnectionTrait>(&self, db: &C, c: &claim::Model, status: ClaimStatus, actor: &Actor, who: Decider, now: DateTime<Utc>) -> Result<()> {
        let from: Vec<&str> = match who {
            Decider::Guardian => vec![ClaimStatus::Pending.code()],
            Decider::Desk => vec![ClaimStatus::Pending.code(), ClaimStatus::Declined.code()],
        };
        let done = claim::Entity::update_many()
            .col_expr(claim::Column::Status, Expr::value(status.code()))
            .col_expr(claim::Column::DecidedAt, Expr::value(now))
            .col_expr(claim::Column::DecidedBy, Expr::value(actor.user_id.as_uuid()))
            .filter(claim::Column::Id.eq(c.id))
            .filter(claim::Column::Status.is_in(from))
            .filter(claim::Column::ExpiresAt.gt(now))
            .exec(db)
            .await?;
        if done.rows_affected == 1 {
            Ok(())
        } else {
            Err(Error::code(ErrorCode::ClaimClosed))
        }
    }

    /// The approval itself, in the caller's transaction: the account under
    /// the dependant's id, what the guardian held moved to it, the
    /// dependant row gone, a code to the phone, both told.
    async fn hand_over<C: ConnectionTrait>(&self, db: &C, c: &claim::Model, d: &dependant::Model, actor: &Actor, who: Decider, now: DateTime<Utc>) -> Result<ClaimOut> {
        self.decide(db, c, ClaimStatus::Approved, actor, who, now).await?;
        let person = d.id;
        let nin = d.nin.clone().ok_or_else(|| Error::code(ErrorCode::ClaimClosed))?;
        let email_key = c.email.as_ref().map(|e| e.to_lowercase());
        user::ActiveModel {
            id: Set(person),
            role: Set(Role::Citizen.code().to_owned()),
            facility_id: Set(None),
            nin: Set(Some(nin)),
            given_name: Set(c.given_name.clone()),
            family_name: Set(c.family_name.clone()),
            birth_date: Set(Some(c.birth_date)),
            sex: Set(Some(c.sex.clone())),
            phone: Set(Some(c.phone.clone())),
            email_key: Set(email_key),
            email: Set(c.email.clone()),
            password_hash: Set(c.password_hash.clone()),
            lang: Set(c.lang.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            password_changed_at: Set(now),
            phone_verified_at: Set(None),
            email_verified_at: Set(None),
        }
        .insert(db)
        .await
        .map_err(|e| unique_violation(&e).unwrap_or(Error::Db(e)))?;
        let appointments: Vec<Uuid> =
            appointment::Entity::find().select_only().column(appointment::Column::Id).filter(appointment::Column::DependantId.eq(person)).into_tuple().all(db).await?;
        appointment::Entity::update_many()
            .col_expr(appointment::Column::PatientId, Expr::value(person))
            .col_expr(appointment::Column::DependantId, Expr::value(Option::<Uuid>::None))
            .filter(appointment::Column::DependantId.eq(person))
            .exec(db)
            .await?;
        referral::Entity::update_many()
            .col_expr(referral::Column::HolderId, Expr::value(person))
            .col_expr(referral::Column::DependantId, Expr::value(Option::<Uuid>::None))
            .filter(referral::Column::SubjectId.eq(person))
            .exec(db)
            .await?;
        let entries: Vec<Uuid> =
            waitlist_entry::Entity::find().select_only().column(waitlist_entry::Column::Id).filter(waitlist_entry::Column::SubjectId.eq(person)).into_tuple().all(db).await?;
        waitlist_entry::Entity::update_many()
            .col_expr(waitlist_entry::Column::HolderId, Expr::value(person))
            .col_expr(waitlist_entry::Column::DependantId, Expr::value(Option::<Uuid>::None))
            .filter(waitlist_entry::Column::SubjectId.eq(person))
            .exec(db)
            .await?;
        if !entries.is_empty() {
            slot_offer::Entity::update_many()
                .col_expr(slot_offer::Column::HolderId, Expr::value(person))
                .filter(slot_offer::Column::EntryId.is_in(entries))
                .exec(db)
                .await?;
        }
        record_entry::Entity::update_many().col_expr(record_entry::Column::HolderId, Expr::value(person)).filter(record_entry::Column::SubjectId.eq(person)).exec(db).await?;
        record_attachment::Entity::update_many()
            .col_expr(record_attachment::Column::HolderId, Expr::value(person))
            .filter(record_attachment::Column::SubjectId.eq(person))
            .exec(db)
            .await?;
        if !appointments.is_empty() {
            // Reminders not yet sent go to the person now, not the guardian.
            outbox::Entity::update_many()
                .col_expr(outbox::Column::AccountId, Expr::value(person))
                .filter(outbox::Column::AppointmentId.is_in(appointments))
                .filter(outbox::Column::Status.eq(crate::notify::PENDING))
                .exec(db)
                .await?;
        }
        dependant::Entity::delete_by_id(person).exec(db).await?;
        self.start_verification(db, person, Purpose::Phone, VerifyChannel::Sms, &c.phone, now).await?;
        if let Some(email) = &c.email {
            self.start_verification(db, person, Purpose::Email, VerifyChannel::Email, email, now).await?;
        }
        account_messages::queue(db, AccountKind::ClaimApproved, crate::notify::SMS, person, c.id, now).await?;
        account_messages::queue(db, AccountKind::GuardianAccessEnded, crate::notify::SMS, c.holder_id, c.id, now).await?;
        tracing::info!(claim_id = %c.id, "record handed over");
        let decided = claim::Model { status: ClaimStatus::Approved.code().into(), decided_at: Some(now), decided_by: Some(actor.user_id.as_uuid()), ..c.clone() };
        Ok(claim_out(&decided, Some(d), now, None))
    }
}
