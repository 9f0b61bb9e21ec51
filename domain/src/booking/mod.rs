//! Availability and booking: staff publish weekly templates that expand
//! into slots over the booking horizon; citizens search free slots and book
//! them, for themselves or a dependant. One active appointment per slot and
//! per person and specialty are guaranteed by unique indexes (see the
//! booking migrations), so a race between two bookings can only ever end
//! with one winner.
//!
//! - [`schedule`]: templates, closures, holidays, slot generation, the
//!   rolling horizon, and the desk's day list;
//! - [`people`]: dependants and the desk's look-up by NIN;
//! - [`referrals`]: referrals and the referral-required rule;
//! - [`waitlist`]: the waiting list and its held offers.

pub mod answers;
pub mod directory;
pub mod fhir;
pub mod people;
pub mod referrals;
pub mod schedule;
pub mod search;
pub mod waitlist;
pub mod worklist;

use crate::entities::{appointment, dependant, facility, practitioner, practitioner_facility, referral, slot, specialty, user};
use crate::services::{Bookings, Directory, Schedule};
use crate::{Actor, Core, Error, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr};
use shared::dto::{AppointmentOut, BookIn, Booking, CancelIn, SlotOut};
use shared::{AppointmentId, ErrorCode, FacilityId, FieldError, PersonId, PractitionerId, SlotId, SpecialtyId, UserId};
use shared::{AppointmentStatus, BookingChannel, CancelReason, SlotStatus};
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use uuid::Uuid;

pub use schedule::slot_starts;
pub use shared::dto::WeeklyRule;

/// The longest period one search may cover, in days.
pub const SEARCH_MAX_DAYS: i64 = 62;
/// The most slots one search returns.
const SEARCH_LIMIT: u64 = 200;

// Algeria's time is `shared::time`'s, the same in every crate.
pub use shared::time::{algiers, algiers_midnight};

impl Core {
    /// Today in Algiers, by the domain's clock (which tests move).
    pub fn today(&self) -> NaiveDate {
        shared::time::algiers_date(self.clock().now())
    }
}

/// Friday and Saturday are the weekend: no template produces slots on them.
pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Fri | Weekday::Sat)
}

/// Loads the rows whose `col` is one of `ids`, keyed by `key`: one query
/// instead of one per row.
pub(crate) async fn load_map<E, C, K, F>(db: &C, col: E::Column, ids: Vec<K>, key: F) -> Result<HashMap<K, E::Model>>
where
    E: EntityTrait,
    C: ConnectionTrait,
    K: Into<sea_orm::Value> + Eq + std::hash::Hash,
    F: Fn(&E::Model) -> K,
{
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(E::find().filter(col.is_in(ids)).all(db).await?.into_iter().map(|m| (key(&m), m)).collect())
}

pub(crate) fn field(name: &str, code: ErrorCode) -> FieldError {
    FieldError::new(name, code)
}

/// A specialty of the catalogue as lists show it.
pub(crate) fn specialty_out(s: specialty::Model) -> shared::dto::SpecialtyOut {
    shared::dto::SpecialtyOut { code: s.code, name_ar: s.name_ar, name_fr: s.name_fr, name_en: s.name_en, referral_required: s.referral_required }
}

pub(crate) fn full_name(given: &str, family: &str) -> String {
    format!("{given} {family}")
}

/// A booking that moves an existing appointment, and the referral that one
/// held (a move keeps the terms it was booked under).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Moved {
    pub held_referral: Option<shared::ReferralId>,
}

/// The person an appointment, referral or waitlist entry is for: the
/// account holder or one of their dependants.
#[derive(Clone, Debug)]
pub(crate) struct Subject {
    pub holder_id: UserId,
    pub subject_id: PersonId,
    pub dependant_id: Option<PersonId>,
}

impl Subject {
    pub(crate) fn of(a: &appointment::Model) -> Self {
        Self { holder_id: a.patient_id, subject_id: subject_of(a), dependant_id: a.dependant_id }
    }
}

/// Names (and phones) of appointments' subjects, keyed by subject id.
pub(crate) async fn subject_names<C: ConnectionTrait>(db: &C, list: &[appointment::Model]) -> Result<HashMap<PersonId, crate::persons::Named>> {
    crate::persons::named(db, &list.iter().map(subject_of).collect::<Vec<_>>()).await
}

pub(crate) fn subject_of(a: &appointment::Model) -> PersonId {
    a.dependant_id.unwrap_or(a.patient_id.as_person())
}

fn appointment_out(
    a: &appointment::Model,
    s: &slot::Model,
    f: Option<&facility::Model>,
    p: Option<&practitioner::Model>,
    specialty: String,
    patient_name: String,
    standing: Standing,
) -> AppointmentOut {
    AppointmentOut {
        id: a.id,
        slot_id: a.slot_id,
        status: a.status,
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        facility_id: a.facility_id,
        facility_name_ar: f.map(|f| f.name_ar.clone()).unwrap_or_default(),
        facility_name_fr: f.map(|f| f.name_fr.clone()).unwrap_or_default(),
        practitioner_id: s.practitioner_id,
        practitioner_name: p.map(|p| full_name(&p.given_name, &p.family_name)).unwrap_or_default(),
        specialty_id: a.specialty_id,
        specialty,
        dependant_id: a.dependant_id,
        patient_name,
        can_cancel: standing.may_change,
        can_move: standing.may_change,
        past: standing.past,
    }
}

/// What the domain's clock says of an appointment now: whether the patient
/// may still cancel or move it online, and whether it is past (its day, in
/// Algiers, is before today's: the line between one's coming appointments
/// and the past ones).
struct Standing {
    may_change: bool,
    past: bool,
}

/// A free slot as the search query returns it.
#[derive(Debug, sea_orm::FromQueryResult)]
struct FreeSlotRow {
    id: SlotId,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    facility_id: Uuid,
    practitioner_id: Uuid,
    facility_name_ar: String,
    facility_name_fr: String,
    given_name: String,
    family_name: String,
}

/// Optional narrowing of a slot search: a commune, a facility, a practitioner.
#[derive(Clone, Debug, Default)]
pub struct SlotFilter {
    pub commune_id: Option<Uuid>,
    pub facility_id: Option<Uuid>,
    pub practitioner_id: Option<Uuid>,
}

/// How a booking came in: online rules (minimum notice, the cancel
/// cut-off) bind citizens, not the desk.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Channel {
    Online,
    Desk,
}

impl Bookings {
    /// Free future slots of a specialty in a wilaya between two Algiers
    /// dates (inclusive), earliest first. Open to anyone: it reveals no
    /// personal data.
    pub async fn search_slots(&self, specialty_code: &str, wilaya: &str, from: NaiveDate, to: NaiveDate, only: &SlotFilter) -> Result<Vec<SlotOut>> {
        if to < from || (to - from).num_days() > SEARCH_MAX_DAYS {
            return Err(Error::code(ErrorCode::BadRequest));
        }
        let Some(spec) = specialty::Entity::find().filter(specialty::Column::Code.eq(specialty_code)).one(self.core.db()).await? else {
            return Ok(Vec::new());
        };
        self.core.free_slots(self.core.db(), &spec, wilaya, from, to, only, &HashSet::new(), SEARCH_LIMIT).await
    }

    /// Books a slot for the actor or one of their dependants. The slot row
    /// is locked first (so a receptionist closing it waits or wins), then
    /// the appointment is inserted: the unique index on the active slot
    /// decides between concurrent bookings.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn book(&self, actor: &Actor, input: &BookIn, ip: Option<IpAddr>) -> Result<AppointmentOut> {
        let b = self.core.admit_booking(actor, input, ip)?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let subject = self.core.resolve_subject(&txn, actor.user_id, b.dependant_id).await?;
        let (s, f) = self.core.lock_open_slot(&txn, b.slot_id, now, Channel::Online).await?;
        let status = self.core.online_booking_status(&txn, subject.subject_id).await?;
        let (a, spec) = self.core.take_slot(&txn, &subject, actor.user_id, &s, &b.reason, now, None, status, actor.booking_channel()).await?;
        let out = self.core.describe_taken(&txn, &a, &s, &f, &spec).await?;
        txn.commit().await?;
        self.core.slot_taken(&s, &f, &spec);
        Ok(out)
    }

    /// Moves one of the actor's appointments to another slot of the same
    /// specialty in one transaction: the new slot is taken and the old one
    /// released together, or nothing changes.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn reschedule(&self, actor: &Actor, id: AppointmentId, input: &BookIn, ip: Option<IpAddr>) -> Result<AppointmentOut> {
        let slot_id = self.core.admit_booking(actor, input, ip)?.slot_id;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let old = self.core.own_appointment(&txn, actor, id).await?;
        let a = self.core.move_appointment(&txn, &old, slot_id, actor, now, Channel::Online).await?;
        let s = slot::Entity::find_by_id(a.slot_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::SlotUnavailable))?;
        txn.commit().await?;
        self.core.after_release().await;
        self.core.describe(&a, &s).await
    }

    /// The actor's own appointments and their dependants', upcoming first:
    /// today's and later ones soonest first, then the past ones latest
    /// first, so that the first page (the API pages this list) shows what
    /// is coming, however long the history.
    pub async fn my_appointments(&self, actor: &Actor) -> Result<Vec<AppointmentOut>> {
        let list = appointment::Entity::find().filter(self.core.own_appointments(self.core.db(), actor).await?).all(self.core.db()).await?;
        let mut out = self.core.describe_all(&list).await?;
        out.sort_by(|a, b| a.past.cmp(&b.past).then_with(|| if a.past { b.starts_at.cmp(&a.starts_at) } else { a.starts_at.cmp(&b.starts_at) }));
        Ok(out)
    }

    /// Cancels one of the actor's own (or their dependants') appointments
    /// until the cut-off. Another person's appointment is "not found",
    /// never "forbidden".
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn cancel_appointment(&self, actor: &Actor, id: AppointmentId, input: &CancelIn) -> Result<AppointmentOut> {
        let reason = input.validate().map_err(Error::fields)?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let a = self.core.own_appointment(&txn, actor, id).await?;
        let s = slot::Entity::find_by_id(a.slot_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        self.core.cancel_in(&txn, &a, &s, now, Channel::Online, reason).await?;
        txn.commit().await?;
        self.core.after_release().await;
        let a = appointment::Entity::find_by_id(id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        self.core.describe(&a, &s).await
    }
}

impl Core {
    /// The free slots of a specialty in a wilaya between two days (Algiers),
    /// bookable online now (minimum notice), optionally narrowed, joined to
    /// their facility and practitioner: the one filter every search shares.
    /// Portable (sea-query builds it for SQLite and PostgreSQL alike).
    pub(crate) fn free_slot_select(
        &self,
        specialty: SpecialtyId,
        wilaya: &str,
        from: NaiveDate,
        to: NaiveDate,
        only: &SlotFilter,
    ) -> sea_orm::Select<slot::Entity> {
        use sea_orm::sea_query::{ExprTrait as _, Query};
        use sea_orm::JoinType;
        let rules = &self.config().booking;
        let start = std::cmp::max(algiers_midnight(from), self.clock().now() + Duration::hours(rules.min_notice_hours));
        let end = algiers_midnight(to + Duration::days(1));
        let booked = Query::select()
            .expr(Expr::val(1))
            .from(appointment::Entity)
            .and_where(Expr::col((appointment::Entity, appointment::Column::ActiveSlotId)).equals((slot::Entity, slot::Column::Id)))
            .to_owned();
        let mut q = slot::Entity::find()
            .join(JoinType::InnerJoin, slot::Entity::belongs_to(facility::Entity).from(slot::Column::FacilityId).to(facility::Column::Id).into())
            .join(JoinType::InnerJoin, slot::Entity::belongs_to(practitioner::Entity).from(slot::Column::PractitionerId).to(practitioner::Column::Id).into())
            .filter(slot::Column::SpecialtyId.eq(specialty))
            .filter(facility::Column::WilayaCode.eq(wilaya))
            // A closed facility takes no new booking.
            .filter(facility::Column::Active.eq(true))
            .filter(slot::Column::StartsAt.gte(start))
            .filter(slot::Column::StartsAt.lt(end))
            .filter(slot::Column::Status.eq(SlotStatus::Open))
            .filter(Expr::exists(booked).not());
        if let Some(c) = only.commune_id {
            q = q.filter(facility::Column::CommuneId.eq(c));
        }
        if let Some(f) = only.facility_id {
            q = q.filter(slot::Column::FacilityId.eq(f));
        }
        if let Some(p) = only.practitioner_id {
            q = q.filter(slot::Column::PractitionerId.eq(p));
        }
        q
    }

    /// Free slots as [`search_slots`](Self::search_slots) finds them,
    /// leaving out `excluded`, bookable online now (minimum notice).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn free_slots<C: ConnectionTrait>(
        &self,
        db: &C,
        spec: &specialty::Model,
        wilaya: &str,
        from: NaiveDate,
        to: NaiveDate,
        only: &SlotFilter,
        excluded: &HashSet<SlotId>,
        limit: u64,
    ) -> Result<Vec<SlotOut>> {
        // One query: the slots joined to their facility and practitioner,
        // those with an active appointment left out by NOT EXISTS on the
        // unique active-slot index.
        let q = self
            .free_slot_select(spec.id, wilaya, from, to, only)
            .select_only()
            .column(slot::Column::Id)
            .column(slot::Column::StartsAt)
            .column(slot::Column::EndsAt)
            .column(slot::Column::FacilityId)
            .column(slot::Column::PractitionerId)
            .column_as(facility::Column::NameAr, "facility_name_ar")
            .column_as(facility::Column::NameFr, "facility_name_fr")
            .column_as(practitioner::Column::GivenName, "given_name")
            .column_as(practitioner::Column::FamilyName, "family_name");
        let rows = q.order_by_asc(slot::Column::StartsAt).limit(limit + excluded.len() as u64).into_model::<FreeSlotRow>().all(db).await?;
        Ok(rows
            .into_iter()
            .filter(|r| !excluded.contains(&r.id))
            .take(limit as usize)
            .map(|r| SlotOut {
                id: r.id,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                facility_id: FacilityId(r.facility_id),
                facility_name_ar: r.facility_name_ar,
                facility_name_fr: r.facility_name_fr,
                practitioner_id: PractitionerId(r.practitioner_id),
                practitioner_name: full_name(&r.given_name, &r.family_name),
                specialty: spec.code.clone(),
            })
            .collect())
    }

    /// What booking and rescheduling check first: a citizen, within the
    /// rate limits, with a well-formed booking.
    fn admit_booking(&self, actor: &Actor, input: &BookIn, ip: Option<IpAddr>) -> Result<Booking> {
        actor.require_citizen()?;
        actor.require_verified_phone()?;
        self.booking_throttle().check(ip, &actor.user_id.to_string()).map_err(Error::throttled)?;
        input.validate().map_err(Error::fields)
    }

    /// The appointments a citizen sees and manages: those they booked, and
    /// any for themself or one of their dependants — an adult who lets an
    /// account manage them still sees what it booked for them, and it
    /// sees what they book themself.
    pub(crate) async fn own_appointments<C: ConnectionTrait>(&self, db: &C, actor: &Actor) -> Result<sea_orm::Condition> {
        let people = self.managed_people(db, actor).await?;
        Ok(sea_orm::Condition::any().add(appointment::Column::PatientId.eq(actor.user_id)).add(appointment::Column::SubjectId.is_in(people)))
    }

    /// The actor's own person and their dependants'.
    pub(crate) async fn managed_people<C: ConnectionTrait>(&self, db: &C, actor: &Actor) -> Result<Vec<PersonId>> {
        let me = actor.user_id;
        let mut people = vec![me.as_person()];
        people.extend(dependant::Entity::find().filter(dependant::Column::HolderId.eq(me)).all(db).await?.into_iter().map(|d| d.id));
        Ok(people)
    }

    /// The holder themself, or one of the holder's dependants. Anyone
    /// else's dependant is "not found".
    /// One of the actor's own (or their dependants') appointments; anyone
    /// else's is "not found", never "forbidden".
    pub(crate) async fn own_appointment<C: ConnectionTrait>(&self, db: &C, actor: &Actor, id: AppointmentId) -> Result<appointment::Model> {
        appointment::Entity::find_by_id(id).filter(self.own_appointments(db, actor).await?).one(db).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))
    }

    pub(crate) async fn resolve_subject<C: ConnectionTrait>(&self, db: &C, holder_id: UserId, dependant_id: Option<PersonId>) -> Result<Subject> {
        let Some(id) = dependant_id else {
            return Ok(Subject { holder_id, subject_id: holder_id.as_person(), dependant_id: None });
        };
        let not_found = || Error::fields(vec![field("dependant_id", ErrorCode::NotFound)]);
        let d = dependant::Entity::find_by_id(id).filter(dependant::Column::HolderId.eq(holder_id)).one(db).await?.ok_or_else(not_found)?;
        Ok(Subject { holder_id, subject_id: d.id, dependant_id: Some(d.id) })
    }

    /// The shared body of the citizen's and the desk's reschedule.
    pub(crate) async fn move_appointment(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        old: &appointment::Model,
        slot_id: SlotId,
        by: &Actor,
        now: DateTime<Utc>,
        channel: Channel,
    ) -> Result<appointment::Model> {
        let old_slot = slot::Entity::find_by_id(old.slot_id).one(txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        if old.status != AppointmentStatus::Booked {
            return Err(Error::code(ErrorCode::SlotUnavailable));
        }
        if channel == Channel::Online && !self.before_cutoff(&old_slot, now) {
            return Err(Error::code(ErrorCode::CancelTooLate));
        }
        let (s, _) = self.lock_open_slot(txn, slot_id, now, channel).await?;
        if s.specialty_id != old.specialty_id {
            return Err(Error::fields(vec![field("slot_id", ErrorCode::SlotUnavailable)]));
        }
        let held_referral = referral::Entity::find().filter(referral::Column::UsedByAppointmentId.eq(old.id)).one(txn).await?.map(|r| r.id);
        self.release(txn, old, now).await?;
        self.queue_desk_news(txn, old, old_slot.starts_at, crate::notify::Kind::DeskCancelled).await?;
        let subject = Subject::of(old);
        let reason = old.reason.clone().unwrap_or_default();
        let (a, _) =
            self.take_slot(txn, &subject, by.user_id, &s, &reason, now, Some(Moved { held_referral }), AppointmentStatus::Booked, by.booking_channel()).await?;
        Ok(a)
    }

    /// Locks an open, future slot within the horizon and returns it with
    /// its facility, or says why it cannot be booked. PostgreSQL: `SELECT
    /// … FOR NO KEY UPDATE` (the lock the UPDATE it replaces took, which
    /// does not block inserts that refer to the row), which waits for a concurrent writer of the row and
    /// then checks the conditions again on what it committed. SQLite: a
    /// plain read, since `BEGIN IMMEDIATE` already runs one writer at a time.
    pub(crate) async fn lock_open_slot(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        slot_id: SlotId,
        now: DateTime<Utc>,
        channel: Channel,
    ) -> Result<(slot::Model, facility::Model)> {
        let rules = &self.config().booking;
        let earliest = if channel == Channel::Online { now + Duration::hours(rules.min_notice_hours) } else { now };
        let latest = algiers_midnight(self.today() + Duration::days(rules.horizon_days + 1));
        let locked = slot::Entity::find_by_id(slot_id)
            .filter(slot::Column::Status.eq(SlotStatus::Open))
            .filter(slot::Column::StartsAt.gt(earliest))
            .filter(slot::Column::StartsAt.lt(latest))
            .lock(sea_orm::sea_query::LockType::NoKeyUpdate)
            .one(txn)
            .await?;
        if let Some(s) = locked {
            // A facility its directorate closed takes no new booking.
            return match facility::Entity::find_by_id(s.facility_id).one(txn).await? {
                Some(f) if f.active => Ok((s, f)),
                _ => Err(Error::code(ErrorCode::SlotUnavailable)),
            };
        }
        match slot::Entity::find_by_id(slot_id).one(txn).await? {
            Some(s) if s.status == SlotStatus::Open && s.starts_at > now && s.starts_at <= earliest => Err(Error::code(ErrorCode::BookingTooSoon)),
            Some(s) if s.status == SlotStatus::Open && s.starts_at >= latest => Err(Error::code(ErrorCode::BeyondHorizon)),
            _ => Err(Error::code(ErrorCode::SlotUnavailable)),
        }
    }

    /// Inserts an active appointment for `subject` on a locked slot. The
    /// holder's row is locked first so that one account's bookings run one
    /// at a time, which makes the cap on active appointments exact; the
    /// unique indexes turn a lost race into `slot_taken` and a second
    /// booking in a specialty into `already_booked_specialty`. A
    /// referral-required specialty takes an unused, unexpired referral,
    /// unless this is the move (`moved`) of an appointment that needed none.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn take_slot(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        subject: &Subject,
        booked_by: UserId,
        s: &slot::Model,
        reason: &str,
        now: DateTime<Utc>,
        moved: Option<Moved>,
        status: AppointmentStatus,
        channel: BookingChannel,
    ) -> Result<(appointment::Model, specialty::Model)> {
        // The holder's row lock (PostgreSQL, `FOR NO KEY UPDATE`: rows that
        // refer to the account may still be inserted; SQLite's writers
        // already run one at a time).
        if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
            user::Entity::find_by_id(subject.holder_id)
                .select_only()
                .column(user::Column::Id)
                .lock(sea_orm::sea_query::LockType::NoKeyUpdate)
                .into_tuple::<Uuid>()
                .one(txn)
                .await?;
        }
        // The person's active appointments. One whose time has passed stops
        // counting, closed or not (nobody may have marked it: the desk's
        // review of the day comes with the floor): its specialty is
        // released, so neither the cap nor the one-per-specialty index
        // holds on to a visit that is over. Its slot stays taken.
        let active = appointment::Entity::find()
            .filter(appointment::Column::SubjectId.eq(subject.subject_id))
            .filter(appointment::Column::ActiveSpecialtyId.is_not_null())
            .all(txn)
            .await?;
        let mut current = active.len() as u64;
        if !active.is_empty() {
            let over: Vec<SlotId> = slot::Entity::find()
                .filter(slot::Column::Id.is_in(active.iter().map(|a| a.slot_id).collect::<Vec<_>>()))
                .filter(slot::Column::EndsAt.lte(now))
                .all(txn)
                .await?
                .into_iter()
                .map(|s| s.id)
                .collect();
            if !over.is_empty() {
                let ended: Vec<AppointmentId> = active.iter().filter(|a| over.contains(&a.slot_id)).map(|a| a.id).collect();
                current -= ended.len() as u64;
                appointment::Entity::update_many()
                    .col_expr(appointment::Column::ActiveSpecialtyId, Expr::value(Option::<Uuid>::None))
                    .filter(appointment::Column::Id.is_in(ended))
                    .exec(txn)
                    .await?;
            }
        }
        if current >= self.config().booking.max_active_appointments {
            return Err(Error::code(ErrorCode::TooManyActive));
        }
        let row = appointment::ActiveModel {
            id: Set(AppointmentId(Uuid::new_v4())),
            facility_id: Set(s.facility_id),
            slot_id: Set(s.id),
            patient_id: Set(subject.holder_id),
            subject_id: Set(Some(subject.subject_id)),
            dependant_id: Set(subject.dependant_id),
            booked_by: Set(booked_by),
            specialty_id: Set(s.specialty_id),
            status: Set(status),
            active_slot_id: Set(Some(s.id)),
            active_specialty_id: Set(Some(s.specialty_id)),
            reason: Set((!reason.is_empty()).then(|| reason.chars().take(500).collect())),
            cancel_reason: Set(None),
            reviewed_by: Set(None),
            reviewed_at: Set(None),
            channel: Set(Some(channel)),
            confirmed_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let a = row.insert(txn).await.map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(msg)) if msg.contains("active_specialty") => Error::code(ErrorCode::AlreadyBookedSpecialty),
            Some(SqlErr::UniqueConstraintViolation(_)) => Error::code(ErrorCode::SlotTaken),
            _ => Error::Db(e),
        })?;
        let spec = specialty::Entity::find_by_id(s.specialty_id).one(txn).await?.ok_or_else(|| Error::code(ErrorCode::SlotUnavailable))?;
        if spec.referral_required {
            let date = shared::time::algiers_date(s.starts_at);
            self.use_referral(txn, subject, s.specialty_id, date, a.id, moved).await?;
        }
        // A booking waiting for the desk is told when the desk confirms it.
        if status == AppointmentStatus::Booked {
            self.queue_appointment(txn, &a, s, moved.is_some()).await?;
        }
        Ok((a, spec))
    }

    /// The answer to a booking, built in its transaction from the rows it
    /// already holds (the slot, its facility and specialty): only the
    /// practitioner and the subject's name are read.
    pub(crate) async fn describe_taken<C: ConnectionTrait>(
        &self,
        db: &C,
        a: &appointment::Model,
        s: &slot::Model,
        f: &facility::Model,
        spec: &specialty::Model,
    ) -> Result<AppointmentOut> {
        let p = practitioner::Entity::find_by_id(s.practitioner_id).one(db).await?;
        let name = subject_names(db, std::slice::from_ref(a)).await?.remove(&subject_of(a)).map(|n| n.name).unwrap_or_default();
        Ok(appointment_out(a, s, Some(f), p.as_ref(), spec.code.clone(), name, self.standing(a, s, self.clock().now())))
    }

    /// Tells the search cache, after the commit, that a slot was taken:
    /// the answers of its specialty and wilaya whose range holds its day.
    pub(crate) fn slot_taken(&self, s: &slot::Model, f: &facility::Model, spec: &specialty::Model) {
        let day = shared::time::algiers_date(s.starts_at);
        self.search_answers().changed(answers::Change::Slot { specialty: spec.code.clone(), wilaya: f.wilaya_code.clone(), day });
    }

    /// Ends an active appointment (cancelled), returns its referral, and
    /// closes its slot when a closure, holiday or ended template now covers
    /// it; otherwise the slot is free again for the next person.
    pub(crate) async fn release(&self, txn: &sea_orm::DatabaseTransaction, a: &appointment::Model, now: DateTime<Utc>) -> Result<()> {
        let released = appointment::Entity::update_many()
            .col_expr(appointment::Column::Status, Expr::value(AppointmentStatus::Cancelled))
            .col_expr(appointment::Column::ActiveSlotId, Expr::value(Option::<Uuid>::None))
            .col_expr(appointment::Column::ActiveSpecialtyId, Expr::value(Option::<Uuid>::None))
            .col_expr(appointment::Column::UpdatedAt, Expr::value(now))
            .filter(appointment::Column::Id.eq(a.id))
            .filter(appointment::Column::Status.is_in([AppointmentStatus::Booked, AppointmentStatus::Pending]))
            .exec(txn)
            .await?
            .rows_affected;
        if released != 1 {
            return Err(Error::code(ErrorCode::SlotUnavailable));
        }
        self.return_referral(txn, a.id).await?;
        self.withdraw_reminders(txn, a.id).await?;
        if let Some(s) = slot::Entity::find_by_id(a.slot_id).one(txn).await? {
            if self.slot_is_blocked(txn, &s).await? {
                slot::Entity::update_many().col_expr(slot::Column::Status, Expr::value(SlotStatus::Closed)).filter(slot::Column::Id.eq(s.id)).exec(txn).await?;
            } else {
                // Free again: someone waiting for it is offered it next.
                self.signal_slot(txn, &s).await?;
            }
        }
        Ok(())
    }

    /// After the commit of a change that freed, closed or moved time: the
    /// search forgets what it kept, and the waitlist job wakes to answer
    /// the signals the change wrote (no request waits for it).
    pub(crate) async fn after_release(&self) {
        self.search_answers().changed(crate::booking::answers::Change::Everything);
        self.waitlist_wake().notify_one();
    }

    /// An appointment with the names a person needs to find their way.
    pub(crate) async fn describe(&self, a: &appointment::Model, s: &slot::Model) -> Result<AppointmentOut> {
        // Facilities and specialties are deactivated, never deleted.
        let gone = || Error::code(ErrorCode::NotFound);
        let f = facility::Entity::find_by_id(a.facility_id).one(self.db()).await?.ok_or_else(gone)?;
        let spec = specialty::Entity::find_by_id(a.specialty_id).one(self.db()).await?.ok_or_else(gone)?;
        self.describe_taken(self.db(), a, s, &f, &spec).await
    }

    pub(crate) async fn describe_all(&self, list: &[appointment::Model]) -> Result<Vec<AppointmentOut>> {
        let db = self.db();
        let now = self.clock().now();
        let slots = load_map::<slot::Entity, _, _, _>(db, slot::Column::Id, list.iter().map(|a| a.slot_id).collect(), |s| s.id).await?;
        let facilities = load_map::<facility::Entity, _, _, _>(db, facility::Column::Id, list.iter().map(|a| a.facility_id).collect(), |f| f.id).await?;
        let practitioner_ids = slots.values().map(|s| s.practitioner_id).collect();
        let practitioners = load_map::<practitioner::Entity, _, _, _>(db, practitioner::Column::Id, practitioner_ids, |p| p.id).await?;
        let names = subject_names(db, list).await?;
        let codes: HashMap<SpecialtyId, String> = specialty::Entity::find().all(db).await?.into_iter().map(|s| (s.id, s.code)).collect();
        Ok(list
            .iter()
            .filter_map(|a| {
                let s = slots.get(&a.slot_id)?;
                let name = names.get(&subject_of(a)).map(|n| n.name.clone()).unwrap_or_default();
                let code = codes.get(&a.specialty_id).cloned().unwrap_or_default();
                Some(appointment_out(a, s, facilities.get(&a.facility_id), practitioners.get(&s.practitioner_id), code, name, self.standing(a, s, now)))
            })
            .collect())
    }
}

impl Directory {
    /// The practitioners of the actor's own facility (staff only).
    pub async fn facility_practitioners(&self, actor: &Actor) -> Result<Vec<shared::dto::PractitionerOut>> {
        let facility = actor.staff_facility()?;
        let ids: Vec<PractitionerId> = practitioner_facility::Entity::find()
            .filter(practitioner_facility::Column::FacilityId.eq(facility))
            .filter(crate::staff::practising())
            .all(self.core.db())
            .await?
            .into_iter()
            .map(|l| l.practitioner_id)
            .collect();
        let specialties: HashMap<SpecialtyId, String> = specialty::Entity::find().all(self.core.db()).await?.into_iter().map(|s| (s.id, s.code)).collect();
        let mut out: Vec<_> = practitioner::Entity::find()
            .filter(practitioner::Column::Id.is_in(ids))
            .all(self.core.db())
            .await?
            .into_iter()
            .map(|p| shared::dto::PractitionerOut {
                id: p.id,
                name: full_name(&p.given_name, &p.family_name),
                specialty: specialties.get(&p.specialty_id).cloned().unwrap_or_default(),
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Specialties, for search forms.
    pub async fn specialties(&self) -> Result<Vec<shared::dto::SpecialtyOut>> {
        Ok(specialty::Entity::find().order_by_asc(specialty::Column::NameFr).all(self.core.db()).await?.into_iter().map(specialty_out).collect())
    }

    /// The facilities of a wilaya, for narrowing a search. Public.
    pub async fn facilities_in_wilaya(&self, wilaya: &str) -> Result<Vec<shared::dto::FacilityOut>> {
        Ok(facility::Entity::find()
            .filter(facility::Column::WilayaCode.eq(wilaya))
            .filter(facility::Column::Active.eq(true))
            .order_by_asc(facility::Column::NameFr)
            .all(self.core.db())
            .await?
            .into_iter()
            .map(|f| shared::dto::FacilityOut { id: f.id, name_ar: f.name_ar, name_fr: f.name_fr, commune_id: f.commune_id })
            .collect())
    }

    /// Wilayas that have at least one facility, for search forms.
    pub async fn wilayas_with_facilities(&self) -> Result<Vec<shared::dto::WilayaOut>> {
        let codes: HashSet<String> =
            facility::Entity::find().filter(facility::Column::Active.eq(true)).all(self.core.db()).await?.into_iter().map(|f| f.wilaya_code).collect();
        Ok(crate::entities::wilaya::Entity::find()
            .order_by_asc(crate::entities::wilaya::Column::Code)
            .all(self.core.db())
            .await?
            .into_iter()
            .filter(|w| codes.contains(&w.code))
            .map(|w| shared::dto::WilayaOut { code: w.code, name_ar: w.name_ar, name_fr: w.name_fr })
            .collect())
    }
}

impl Schedule {
    /// Closes an open slot of the actor's own facility so that nobody can
    /// book it. A slot with an active appointment is not closed
    /// (`slot_taken`): that booking must be moved or cancelled explicitly.
    /// Locking the slot row first makes this safe against a concurrent
    /// booking on both databases: whichever takes the lock first wins.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn close_slot(&self, actor: &Actor, slot_id: SlotId) -> Result<()> {
        let facility = actor.desk_facility()?;
        let txn = self.core.begin_write().await?;
        let closed = slot::Entity::update_many()
            .col_expr(slot::Column::Status, Expr::value(SlotStatus::Closed))
            .filter(slot::Column::Id.eq(slot_id))
            .filter(slot::Column::FacilityId.eq(facility))
            .filter(slot::Column::Status.is_in([SlotStatus::Open, SlotStatus::Held]))
            .exec(&txn)
            .await?
            .rows_affected;
        if closed != 1 {
            // Another facility's slot is "not found" to this actor.
            return Err(Error::code(ErrorCode::NotFound));
        }
        let booked = appointment::Entity::find().filter(appointment::Column::ActiveSlotId.eq(slot_id)).one(&txn).await?.is_some();
        if booked {
            txn.rollback().await?;
            return Err(Error::code(ErrorCode::SlotTaken));
        }
        self.core.withdraw_offers(&txn, &[slot_id], self.core.clock().now()).await?;
        txn.commit().await?;
        self.core.search_answers().changed(answers::Change::Everything);
        Ok(())
    }
}

impl Core {
    /// Cancels an active appointment inside `txn`: online only until the
    /// cut-off, at the desk until it starts; the slot is released, the
    /// reminders withdrawn and the patient told.
    /// Whether the patient may still cancel online: the appointment is
    /// booked and starts more than the cut-off from now.
    pub(crate) fn may_cancel_online(&self, a: &appointment::Model, s: &slot::Model, now: DateTime<Utc>) -> bool {
        a.status.holds_slot() && self.before_cutoff(s, now)
    }

    fn standing(&self, a: &appointment::Model, s: &slot::Model, now: DateTime<Utc>) -> Standing {
        Standing { may_change: self.may_cancel_online(a, s, now), past: shared::time::algiers_date(s.starts_at) < shared::time::algiers_date(now) }
    }

    fn before_cutoff(&self, s: &slot::Model, now: DateTime<Utc>) -> bool {
        s.starts_at - now >= Duration::hours(self.config().booking.cancel_cutoff_hours)
    }

    pub(crate) async fn cancel_in(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        a: &appointment::Model,
        s: &slot::Model,
        now: DateTime<Utc>,
        channel: Channel,
        reason: Option<CancelReason>,
    ) -> Result<()> {
        if !a.status.holds_slot() {
            return Err(Error::code(ErrorCode::SlotUnavailable));
        }
        if channel == Channel::Online && !self.before_cutoff(s, now) {
            return Err(Error::code(ErrorCode::CancelTooLate));
        }
        self.release(txn, a, now).await?;
        if reason.is_some() {
            appointment::Entity::update_many()
                .col_expr(appointment::Column::CancelReason, Expr::value(reason))
                .filter(appointment::Column::Id.eq(a.id))
                .exec(txn)
                .await?;
        }
        self.queue_cancelled(txn, a, s.starts_at).await
    }
}

pub(crate) fn slot_out(s: &slot::Model, f: &facility::Model, p: Option<&practitioner::Model>, specialty: &str) -> SlotOut {
    SlotOut {
        id: s.id,
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        facility_id: f.id,
        facility_name_ar: f.name_ar.clone(),
        facility_name_fr: f.name_fr.clone(),
        practitioner_id: s.practitioner_id,
        practitioner_name: p.map(|p| full_name(&p.given_name, &p.family_name)).unwrap_or_default(),
        specialty: specialty.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn friday_and_saturday_are_the_weekend() {
        let fri = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert!(is_weekend(fri));
        assert!(is_weekend(fri.succ_opt().unwrap()));
        assert!(!is_weekend(fri.succ_opt().unwrap().succ_opt().unwrap()));
    }

    #[test]
    fn algiers_midnight_is_23_00_utc_the_day_before() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(algiers_midnight(d).to_rfc3339(), "2026-11-22T23:00:00+00:00");
    }
}
