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

use crate::accounts::unique_violation;
use crate::booking::full_name;
use crate::entities::{appointment, claim, dependant, outbox, record_attachment, record_entry, referral, slot_offer, user, waitlist_entry};
use crate::identity::Purpose;
use crate::notify::account::{self as account_messages, AccountKind};
use crate::persons::Person;
use crate::services::People;
use crate::{Actor, Core, Error, Result};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::dto::RegisterIn;
use shared::identity::{mask_phone, ClaimOut, RequestStatus, VerifyChannel};
use shared::{ClaimId, ErrorCode, FieldError, PersonId, Role};
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

fn status_of(c: &claim::Model, now: DateTime<Utc>) -> RequestStatus {
    match c.status {
        RequestStatus::Pending | RequestStatus::Declined if c.expires_at <= now => RequestStatus::Closed,
        s => s,
    }
}

/// Whether `who` may decide on the request now: the guardian while it is
/// pending; a desk, for an adult only (a minor's record is handed over by
/// the guardian), while it is pending or after the guardian declined.
fn open_to(c: &claim::Model, d: &dependant::Model, majority_years: u32, now: DateTime<Utc>, who: Decider) -> bool {
    match (status_of(c, now), who) {
        (RequestStatus::Pending, Decider::Guardian) => true,
        (RequestStatus::Pending | RequestStatus::Declined, Decider::Desk) => {
            crate::persons::is_at_least(d.birth_date, majority_years, shared::time::algiers_date(now))
        }
        _ => false,
    }
}

/// Who looks at a request: the person who made it sees neither the
/// record's name nor their own phone in full; approvers see both.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Viewer {
    Claimant,
    Approver(Decider),
}

fn claim_out(c: &claim::Model, d: Option<&dependant::Model>, majority_years: u32, now: DateTime<Utc>, viewer: Viewer) -> ClaimOut {
    let approver = matches!(viewer, Viewer::Approver(_));
    ClaimOut {
        id: c.id,
        status: status_of(c, now),
        given_name: c.given_name.clone(),
        family_name: c.family_name.clone(),
        birth_date: c.birth_date,
        record_name: d.filter(|_| approver).map(|d| full_name(&d.given_name, &d.family_name)),
        phone: if approver { c.phone.clone() } else { mask_phone(&c.phone) },
        created_at: c.created_at,
        expires_at: c.expires_at,
        can_decide: match (viewer, d) {
            (Viewer::Approver(who), Some(d)) => open_to(c, d, majority_years, now, who),
            _ => false,
        },
    }
}

impl Core {
    fn majority(&self) -> u32 {
        self.config().identity.age_of_majority
    }

    /// The open request of a dependant the desk has just looked up (the
    /// look-up wrote the access-log rows).
    pub(crate) async fn open_claim_for_desk<C: ConnectionTrait>(&self, db: &C, d: &dependant::Model) -> Result<Option<ClaimOut>> {
        let now = self.clock().now();
        let c = claim::Entity::find()
            .filter(claim::Column::PersonId.eq(d.id))
            .filter(claim::Column::Status.is_in([RequestStatus::Pending, RequestStatus::Declined]))
            .filter(claim::Column::ExpiresAt.gt(now))
            .order_by_desc(claim::Column::CreatedAt)
            .one(db)
            .await?;
        Ok(c.map(|c| claim_out(&c, Some(d), self.majority(), now, Viewer::Approver(Decider::Desk))))
    }

    /// Marks the request decided, if nobody decided it meanwhile (the
    /// guardian and a desk at once: one wins, the other is `claim_closed`).
    /// The password hash leaves the request once it is of no more use (an
    /// approved request copied it; a declined one keeps it for the desk).
    async fn decide<C: ConnectionTrait>(
        &self,
        db: &C,
        c: &claim::Model,
        status: RequestStatus,
        actor: &Actor,
        who: Decider,
        now: DateTime<Utc>,
    ) -> Result<claim::Model> {
        let from: Vec<RequestStatus> = match who {
            Decider::Guardian => vec![RequestStatus::Pending],
            Decider::Desk => vec![RequestStatus::Pending, RequestStatus::Declined],
        };
        let mut update = claim::Entity::update_many()
            .col_expr(claim::Column::Status, Expr::value(status))
            .col_expr(claim::Column::DecidedAt, Expr::value(now))
            .col_expr(claim::Column::DecidedBy, Expr::value(actor.user_id));
        if status == RequestStatus::Approved {
            update = update.col_expr(claim::Column::PasswordHash, Expr::value(""));
        }
        let done =
            update.filter(claim::Column::Id.eq(c.id)).filter(claim::Column::Status.is_in(from)).filter(claim::Column::ExpiresAt.gt(now)).exec(db).await?;
        if done.rows_affected != 1 {
            return Err(Error::code(ErrorCode::ClaimClosed));
        }
        Ok(claim::Model { status, decided_at: Some(now), decided_by: Some(actor.user_id), ..c.clone() })
    }

    /// The approval itself, in the caller's transaction: the dependant row
    /// gone first (on PostgreSQL its row lock makes a booking for them at
    /// the same moment wait, then find nobody), the account under the
    /// dependant's id, what the guardian held moved to it, a code to the
    /// phone, both told.
    async fn hand_over<C: ConnectionTrait>(
        &self,
        db: &C,
        c: &claim::Model,
        d: &dependant::Model,
        actor: &Actor,
        who: Decider,
        now: DateTime<Utc>,
    ) -> Result<claim::Model> {
        let decided = self.decide(db, c, RequestStatus::Approved, actor, who, now).await?;
        let person = d.id;
        // The account is created under the person's id: nothing about the record moves.
        let account = person.as_account();
        let nin = d.nin.clone().ok_or_else(|| Error::code(ErrorCode::ClaimClosed))?;
        if dependant::Entity::delete_by_id(person).exec(db).await?.rows_affected != 1 {
            return Err(Error::code(ErrorCode::ClaimClosed));
        }
        let email_key = c.email.as_ref().map(|e| e.to_lowercase());
        user::ActiveModel {
            id: Set(account),
            role: Set(Role::Citizen),
            facility_id: Set(None),
            wilaya_code: Set(None),
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
            closed_at: Set(None),
            deactivated_at: Set(None),
        }
        .insert(db)
        .await
        .map_err(|e| unique_violation(&e).unwrap_or(Error::Db(e)))?;
        move_to_person(db, person).await?;
        self.start_verification(db, account, Purpose::Phone, VerifyChannel::Sms, &c.phone, now).await?;
        if let Some(email) = &c.email {
            self.start_verification(db, account, Purpose::Email, VerifyChannel::Email, email, now).await?;
        }
        account_messages::queue(db, AccountKind::ClaimApproved, shared::MessageChannel::Sms, account, c.id.as_uuid(), now).await?;
        account_messages::queue(db, AccountKind::GuardianAccessEnded, shared::MessageChannel::Sms, c.holder_id, c.id.as_uuid(), now).await?;
        tracing::info!(claim_id = %c.id, "record handed over");
        Ok(decided)
    }
}

impl People {
    /// A person asks for the record an account holds for them as a
    /// dependant, with what registration asks. Validated like a
    /// registration and throttled like one (per client, and per record so
    /// that nobody floods a guardian). The NIN and the birth date must be
    /// the dependant's (`nin_not_claimable` otherwise, whatever is wrong:
    /// the answer reveals no birth date). An earlier open request for the
    /// same record is closed: the guardian sees the latest. The guardian is
    /// told.
    #[tracing::instrument(skip_all)]
    pub async fn request_claim(&self, input: &RegisterIn, ip: Option<IpAddr>) -> Result<ClaimOut> {
        let r = input.validate(self.core.today()).map_err(Error::fields)?;
        self.core.account_throttle().check_ip(ip).map_err(Error::throttled)?;
        let d = match crate::persons::by_nin(self.core.db(), r.nin.as_ref()).await? {
            Some(Person::Dependant(d)) if d.birth_date == r.birth_date => d,
            Some(Person::Account(_)) => return Err(Error::taken(vec![FieldError::new("nin", ErrorCode::NinTaken)])),
            _ => return Err(Error::fields(vec![FieldError::new("nin", ErrorCode::NinNotClaimable)])),
        };
        self.core.code_throttle().check(None, &format!("claim:{}", d.id)).map_err(Error::throttled)?;
        let mut taken = Vec::new();
        if user::Entity::find().filter(user::Column::Phone.eq(r.phone.as_ref())).one(self.core.db()).await?.is_some() {
            taken.push(FieldError::new("phone", ErrorCode::PhoneTaken));
        }
        if let Some(email) = &r.email {
            if user::Entity::find().filter(user::Column::EmailKey.eq(email.as_ref().to_lowercase())).one(self.core.db()).await?.is_some() {
                taken.push(FieldError::new("email", ErrorCode::EmailTaken));
            }
        }
        if !taken.is_empty() {
            return Err(Error::taken(taken));
        }
        let hash = self.core.passwords().hash(r.password.expose()).await?;
        let now = self.core.clock().now();
        let row = claim::ActiveModel {
            id: Set(ClaimId(Uuid::new_v4())),
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
            status: Set(RequestStatus::Pending),
            created_at: Set(now),
            expires_at: Set(now + Duration::days(CLAIM_DAYS)),
            decided_at: Set(None),
            decided_by: Set(None),
        };
        let txn = self.core.begin_write().await?;
        claim::Entity::update_many()
            .col_expr(claim::Column::Status, Expr::value(RequestStatus::Closed))
            .col_expr(claim::Column::DecidedAt, Expr::value(now))
            .col_expr(claim::Column::PasswordHash, Expr::value(""))
            .filter(claim::Column::PersonId.eq(d.id))
            .filter(claim::Column::Status.is_in([RequestStatus::Pending, RequestStatus::Declined]))
            .exec(&txn)
            .await?;
        let saved = row.insert(&txn).await?;
        account_messages::queue(&txn, AccountKind::ClaimWaiting, shared::MessageChannel::Sms, d.holder_id, saved.id.as_uuid(), now).await?;
        txn.commit().await?;
        tracing::info!(claim_id = %saved.id, "record claimed");
        Ok(claim_out(&saved, Some(&d), self.core.majority(), now, Viewer::Claimant))
    }

    /// Where a request stands, for whoever holds its id (the person who
    /// made it; the id is random and only they were given it).
    pub async fn claim_status(&self, id: ClaimId) -> Result<ClaimOut> {
        let c = claim::Entity::find_by_id(id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        Ok(claim_out(&c, None, self.core.majority(), self.core.clock().now(), Viewer::Claimant))
    }

    /// The requests waiting for the actor as a guardian: open ones, newest first.
    pub async fn my_claims(&self, actor: &Actor) -> Result<Vec<ClaimOut>> {
        let now = self.core.clock().now();
        let rows = claim::Entity::find()
            .filter(claim::Column::HolderId.eq(actor.user_id))
            .filter(claim::Column::Status.eq(RequestStatus::Pending))
            .filter(claim::Column::ExpiresAt.gt(now))
            .order_by_desc(claim::Column::CreatedAt)
            .all(self.core.db())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for c in rows {
            let d = dependant::Entity::find_by_id(c.person_id).one(self.core.db()).await?;
            if d.as_ref().is_some_and(|d| d.holder_id == c.holder_id) {
                out.push(claim_out(&c, d.as_ref(), self.core.majority(), now, Viewer::Approver(Decider::Guardian)));
            }
        }
        Ok(out)
    }

    /// The guardian approves (the account is created and the record
    /// follows the person) or declines (a desk can still approve an
    /// adult's). Someone else's request is "not found".
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn guardian_decides(&self, actor: &Actor, id: ClaimId, approve: bool) -> Result<ClaimOut> {
        actor.require_citizen()?;
        let now = self.core.clock().now();
        let c = claim::Entity::find_by_id(id)
            .one(self.core.db())
            .await?
            .filter(|c| c.holder_id == actor.user_id)
            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let txn = self.core.begin_write().await?;
        let d = dependant::Entity::find_by_id(c.person_id).one(&txn).await?.filter(|d| d.holder_id == c.holder_id);
        let Some(d) = d.filter(|d| open_to(&c, d, self.core.majority(), now, Decider::Guardian)) else {
            return Err(Error::code(ErrorCode::ClaimClosed));
        };
        let decided = if approve {
            self.core.hand_over(&txn, &c, &d, actor, Decider::Guardian, now).await?
        } else {
            self.core.decide(&txn, &c, RequestStatus::Declined, actor, Decider::Guardian, now).await?
        };
        txn.commit().await?;
        Ok(claim_out(&decided, Some(&d), self.core.majority(), now, Viewer::Claimant))
    }

    /// A desk approves an adult's request on seeing their identity card:
    /// the account is created and the record follows the person. Written
    /// in the person's access log.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn desk_approves_claim(&self, actor: &Actor, id: ClaimId) -> Result<ClaimOut> {
        let facility = actor.desk_facility()?;
        let now = self.core.clock().now();
        let c = claim::Entity::find_by_id(id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let txn = self.core.begin_write().await?;
        let d = dependant::Entity::find_by_id(c.person_id).one(&txn).await?;
        let Some(d) = d.filter(|d| open_to(&c, d, self.core.majority(), now, Decider::Desk)) else {
            return Err(Error::code(ErrorCode::ClaimClosed));
        };
        self.core.log_access(&txn, d.id, actor, Some(facility), shared::AccessAction::DeskClaim, None, "identity card seen").await?;
        let decided = self.core.hand_over(&txn, &c, &d, actor, Decider::Desk, now).await?;
        txn.commit().await?;
        Ok(claim_out(&decided, Some(&d), self.core.majority(), now, Viewer::Approver(Decider::Desk)))
    }
}

/// What an account held for `person` as its dependant becomes the
/// person's own account's (whose id is `person`): appointments, referrals,
/// waiting-list entries and their offers, the holder of the record's
/// entries and files, and the messages not yet sent about any of them.
/// Used when a claim is approved and when an adult withdraws consent.
pub(crate) async fn move_to_person<C: ConnectionTrait>(db: &C, person: PersonId) -> Result<()> {
    let account = person.as_account();
    let none = Option::<PersonId>::None;
    let appointments: Vec<Uuid> = appointment::Entity::find()
        .select_only()
        .column(appointment::Column::Id)
        .filter(appointment::Column::DependantId.eq(person))
        .into_tuple()
        .all(db)
        .await?;
    appointment::Entity::update_many()
        .col_expr(appointment::Column::PatientId, Expr::value(account))
        .col_expr(appointment::Column::DependantId, Expr::value(none))
        .filter(appointment::Column::DependantId.eq(person))
        .exec(db)
        .await?;
    let referrals: Vec<Uuid> =
        referral::Entity::find().select_only().column(referral::Column::Id).filter(referral::Column::SubjectId.eq(person)).into_tuple().all(db).await?;
    referral::Entity::update_many()
        .col_expr(referral::Column::HolderId, Expr::value(account))
        .col_expr(referral::Column::DependantId, Expr::value(none))
        .filter(referral::Column::SubjectId.eq(person))
        .exec(db)
        .await?;
    let entries: Vec<Uuid> = waitlist_entry::Entity::find()
        .select_only()
        .column(waitlist_entry::Column::Id)
        .filter(waitlist_entry::Column::SubjectId.eq(person))
        .into_tuple()
        .all(db)
        .await?;
    waitlist_entry::Entity::update_many()
        .col_expr(waitlist_entry::Column::HolderId, Expr::value(account))
        .col_expr(waitlist_entry::Column::DependantId, Expr::value(none))
        .filter(waitlist_entry::Column::SubjectId.eq(person))
        .exec(db)
        .await?;
    let mut offers: Vec<Uuid> = Vec::new();
    if !entries.is_empty() {
        offers = slot_offer::Entity::find()
            .select_only()
            .column(slot_offer::Column::Id)
            .filter(slot_offer::Column::EntryId.is_in(entries.clone()))
            .into_tuple()
            .all(db)
            .await?;
        slot_offer::Entity::update_many()
            .col_expr(slot_offer::Column::HolderId, Expr::value(account))
            .filter(slot_offer::Column::EntryId.is_in(entries))
            .exec(db)
            .await?;
    }
    let record: Vec<Uuid> = record_entry::Entity::find()
        .select_only()
        .column(record_entry::Column::Id)
        .filter(record_entry::Column::SubjectId.eq(person))
        .into_tuple()
        .all(db)
        .await?;
    record_entry::Entity::update_many()
        .col_expr(record_entry::Column::HolderId, Expr::value(account))
        .filter(record_entry::Column::SubjectId.eq(person))
        .exec(db)
        .await?;
    record_attachment::Entity::update_many()
        .col_expr(record_attachment::Column::HolderId, Expr::value(account))
        .filter(record_attachment::Column::SubjectId.eq(person))
        .exec(db)
        .await?;
    // Reminders, offers, referral and result notices not yet sent go to the
    // person now, not to the account that held them.
    if !appointments.is_empty() {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::AccountId, Expr::value(account))
            .filter(outbox::Column::AppointmentId.is_in(appointments))
            .filter(outbox::Column::Status.eq(shared::OutboxStatus::Pending))
            .exec(db)
            .await?;
    }
    let about: Vec<Uuid> = referrals.into_iter().chain(offers).chain(record).collect();
    if !about.is_empty() {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::AccountId, Expr::value(account))
            .filter(outbox::Column::SubjectId.is_in(about))
            .filter(outbox::Column::Status.eq(shared::OutboxStatus::Pending))
            .exec(db)
            .await?;
    }
    Ok(())
}
