//! Availability and booking: staff publish weekly templates that expand
//! into slots over the booking horizon; citizens search free slots and book
//! them. One active appointment per slot and per patient and specialty are
//! guaranteed by unique indexes (see the booking migration), so a race
//! between two bookings can only ever end with one winner.

use crate::entities::{appointment, availability_template, facility, practitioner, practitioner_facility, slot, specialty};
use crate::{Actor, Domain, Error, Result};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr, TransactionTrait};
use shared::dto::{AppointmentOut, BookIn, SlotOut, TemplateIn, TemplateOut};
use shared::{ErrorCode, FacilityId, FieldError, PractitionerId, Role, SpecialtyId};
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use uuid::Uuid;

const OPEN: &str = "open";
const BOOKED: &str = "booked";
const CANCELLED: &str = "cancelled";
const CLOSED: &str = "closed";
/// How far ahead slots exist and can be booked.
pub const HORIZON_DAYS: i64 = 56;
/// Citizens may cancel online until this long before the visit.
pub const CANCEL_CUTOFF_HOURS: i64 = 24;
/// The longest period one search may cover, in days.
pub const SEARCH_MAX_DAYS: i64 = 62;
/// The most slots one search returns.
const SEARCH_LIMIT: u64 = 200;

/// Algeria keeps UTC+1 all year (no daylight saving since 1981).
pub fn algiers() -> FixedOffset {
    FixedOffset::east_opt(3600).expect("valid offset")
}

/// Today's date in Algiers.
pub fn algiers_today() -> NaiveDate {
    Utc::now().with_timezone(&algiers()).date_naive()
}

/// Friday and Saturday are the weekend: no template produces slots on them.
pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Fri | Weekday::Sat)
}

fn parse_hhmm(s: &str) -> Option<u32> {
    let t = NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()?;
    Some(t.hour_minute())
}

trait HourMinute {
    fn hour_minute(&self) -> u32;
}
impl HourMinute for NaiveTime {
    fn hour_minute(&self) -> u32 {
        use chrono::Timelike;
        self.hour() * 60 + self.minute()
    }
}

/// The UTC instants of a template's slots on one Algiers date.
pub fn slot_starts(date: NaiveDate, start_minute: u32, end_minute: u32, slot_minutes: u32) -> Vec<DateTime<Utc>> {
    let midnight = algiers().from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight")).single().expect("fixed offset");
    let mut out = Vec::new();
    let mut m = start_minute;
    while m + slot_minutes <= end_minute {
        out.push((midnight + Duration::minutes(m as i64)).with_timezone(&Utc));
        m += slot_minutes;
    }
    out
}

/// A validated weekly availability rule.
#[derive(Clone, Copy, Debug)]
pub struct WeeklyRule {
    /// ISO weekday, 1 = Monday.
    pub weekday: u8,
    /// Minutes after midnight, Algiers time.
    pub start: u32,
    pub end: u32,
    pub slot_minutes: u16,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// Loads the rows whose `col` is one of `ids`, keyed by `key`: one query
/// instead of one per row.
async fn load_map<E, C, F>(db: &C, col: E::Column, ids: Vec<Uuid>, key: F) -> Result<HashMap<Uuid, E::Model>>
where
    E: EntityTrait,
    C: sea_orm::ConnectionTrait,
    F: Fn(&E::Model) -> Uuid,
{
    Ok(E::find().filter(col.is_in(ids)).all(db).await?.into_iter().map(|m| (key(&m), m)).collect())
}

fn field(name: &str, code: ErrorCode) -> FieldError {
    FieldError::new(name, code)
}

fn appointment_out(a: &appointment::Model, s: &slot::Model, f: Option<&facility::Model>, p: Option<&practitioner::Model>) -> AppointmentOut {
    AppointmentOut {
        id: a.id,
        slot_id: a.slot_id,
        status: a.status.clone(),
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        facility_id: FacilityId(a.facility_id),
        facility_name_ar: f.map(|f| f.name_ar.clone()).unwrap_or_default(),
        facility_name_fr: f.map(|f| f.name_fr.clone()).unwrap_or_default(),
        practitioner_id: PractitionerId(s.practitioner_id),
        practitioner_name: p.map(|p| format!("{} {}", p.given_name, p.family_name)).unwrap_or_default(),
        specialty_id: SpecialtyId(a.specialty_id),
    }
}

impl Domain {
    /// Publishes a weekly template for a practitioner of the actor's own
    /// facility and creates its slots over the booking horizon.
    #[tracing::instrument(skip_all, fields(facility_id = %facility))]
    pub async fn publish_template(&self, actor: &Actor, facility: FacilityId, input: &TemplateIn) -> Result<TemplateOut> {
        let staff_here = matches!(actor.role, Role::Receptionist | Role::FacilityAdmin) && actor.facility_id == Some(facility);
        if !staff_here {
            return Err(Error::code(ErrorCode::Forbidden));
        }
        let mut errors = Vec::new();
        let practitioner_id = input.practitioner_id.parse::<Uuid>().ok();
        if practitioner_id.is_none() {
            errors.push(field("practitioner_id", ErrorCode::NotFound));
        }
        if !(1..=7).contains(&input.weekday) {
            errors.push(field("weekday", ErrorCode::BadRequest));
        }
        let start = parse_hhmm(&input.start);
        let end = parse_hhmm(&input.end);
        if start.is_none() {
            errors.push(field("start", ErrorCode::BadRequest));
        }
        if end.is_none() || end <= start {
            errors.push(field("end", ErrorCode::BadRequest));
        }
        if !(5..=240).contains(&input.slot_minutes) {
            errors.push(field("slot_minutes", ErrorCode::BadRequest));
        }
        let valid_from = NaiveDate::parse_from_str(&input.valid_from, "%Y-%m-%d").ok();
        if valid_from.is_none() {
            errors.push(field("valid_from", ErrorCode::BadRequest));
        }
        let valid_to = if input.valid_to.trim().is_empty() {
            Some(None)
        } else {
            NaiveDate::parse_from_str(&input.valid_to, "%Y-%m-%d").ok().filter(|d| Some(*d) >= valid_from).map(Some)
        };
        if valid_to.is_none() {
            errors.push(field("valid_to", ErrorCode::BadRequest));
        }
        let (Some(practitioner_id), Some(start), Some(end), Some(valid_from), Some(valid_to), true) =
            (practitioner_id, start, end, valid_from, valid_to, errors.is_empty())
        else {
            return Err(Error::fields(errors));
        };
        // Scoped: only a practitioner who works at this facility.
        let works_here = practitioner_facility::Entity::find()
            .filter(practitioner_facility::Column::FacilityId.eq(facility.as_uuid()))
            .filter(practitioner_facility::Column::PractitionerId.eq(practitioner_id))
            .one(self.db())
            .await?
            .is_some();
        let practitioner = practitioner::Entity::find_by_id(practitioner_id).one(self.db()).await?.filter(|_| works_here);
        let Some(practitioner) = practitioner else {
            return Err(Error::fields(vec![field("practitioner_id", ErrorCode::NotFound)]));
        };
        let rule = WeeklyRule { weekday: input.weekday, start, end, slot_minutes: input.slot_minutes, valid_from, valid_to };
        self.create_template(facility, &practitioner, rule, actor.user_id.as_uuid()).await
    }

    /// Stores a template and creates its slots within the horizon. Callers
    /// have checked who may do this (`publish_template`, the demo seed).
    pub(crate) async fn create_template(
        &self,
        facility: FacilityId,
        practitioner: &practitioner::Model,
        rule: WeeklyRule,
        created_by: Uuid,
    ) -> Result<TemplateOut> {
        let WeeklyRule { weekday, start, end, slot_minutes, valid_from, valid_to } = rule;
        let practitioner_id = practitioner.id;
        let now = Utc::now();
        let template = availability_template::ActiveModel {
            id: Set(Uuid::new_v4()),
            facility_id: Set(facility.as_uuid()),
            practitioner_id: Set(practitioner_id),
            weekday: Set(weekday as i32),
            start_minute: Set(start as i32),
            end_minute: Set(end as i32),
            slot_minutes: Set(slot_minutes as i32),
            valid_from: Set(valid_from),
            valid_to: Set(valid_to),
            created_by: Set(created_by),
            created_at: Set(now),
        };
        let txn = self.db().begin().await?;
        let template = template.insert(&txn).await?;
        let today = now.with_timezone(&algiers()).date_naive();
        let last = today + Duration::days(HORIZON_DAYS);
        let mut rows = Vec::new();
        let mut day = valid_from.max(today);
        while day <= last && valid_to.is_none_or(|to| day <= to) {
            if day.weekday().number_from_monday() == weekday as u32 && !is_weekend(day) {
                for starts in slot_starts(day, start, end, slot_minutes as u32) {
                    if starts > now {
                        rows.push(slot::ActiveModel {
                            id: Set(Uuid::new_v4()),
                            facility_id: Set(facility.as_uuid()),
                            practitioner_id: Set(practitioner_id),
                            specialty_id: Set(practitioner.specialty_id),
                            template_id: Set(Some(template.id)),
                            starts_at: Set(starts),
                            ends_at: Set(starts + Duration::minutes(slot_minutes as i64)),
                            status: Set(OPEN.into()),
                            created_at: Set(now),
                        });
                    }
                }
            }
            day += Duration::days(1);
        }
        let mut created = 0;
        for chunk in rows.chunks(200) {
            let res = slot::Entity::insert_many(chunk.to_vec())
                .on_conflict(OnConflict::columns([slot::Column::PractitionerId, slot::Column::StartsAt]).do_nothing().to_owned())
                .exec_without_returning(&txn)
                .await;
            match res {
                Ok(n) => created += n,
                Err(sea_orm::DbErr::RecordNotInserted) => {}
                Err(e) => return Err(e.into()),
            }
        }
        txn.commit().await?;
        tracing::info!(slots = created, "template published");
        Ok(TemplateOut { template_id: template.id, slots_created: created })
    }

    /// Free future slots of a specialty in a wilaya between two Algiers
    /// dates (inclusive), earliest first. Open to anyone: it reveals no
    /// personal data.
    pub async fn search_slots(&self, specialty_code: &str, wilaya: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<SlotOut>> {
        if to < from || (to - from).num_days() > SEARCH_MAX_DAYS {
            return Err(Error::code(ErrorCode::BadRequest));
        }
        let Some(spec) = specialty::Entity::find().filter(specialty::Column::Code.eq(specialty_code)).one(self.db()).await? else {
            return Ok(Vec::new());
        };
        let facilities: HashMap<Uuid, facility::Model> = facility::Entity::find()
            .filter(facility::Column::WilayaCode.eq(wilaya))
            .all(self.db())
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect();
        if facilities.is_empty() {
            return Ok(Vec::new());
        }
        let tz = algiers();
        let start = tz.from_local_datetime(&from.and_hms_opt(0, 0, 0).expect("midnight")).single().expect("fixed").with_timezone(&Utc);
        let end = tz.from_local_datetime(&(to + Duration::days(1)).and_hms_opt(0, 0, 0).expect("midnight")).single().expect("fixed").with_timezone(&Utc);
        let start = start.max(Utc::now());
        let slots = slot::Entity::find()
            .filter(slot::Column::SpecialtyId.eq(spec.id))
            .filter(slot::Column::FacilityId.is_in(facilities.keys().copied().collect::<Vec<_>>()))
            .filter(slot::Column::StartsAt.gte(start))
            .filter(slot::Column::StartsAt.lt(end))
            .filter(slot::Column::Status.eq(OPEN))
            .order_by_asc(slot::Column::StartsAt)
            .limit(SEARCH_LIMIT * 2)
            .all(self.db())
            .await?;
        let ids: Vec<Uuid> = slots.iter().map(|s| s.id).collect();
        let taken: HashSet<Uuid> = appointment::Entity::find()
            .filter(appointment::Column::ActiveSlotId.is_in(ids))
            .all(self.db())
            .await?
            .into_iter()
            .filter_map(|a| a.active_slot_id)
            .collect();
        let practitioner_ids = slots.iter().map(|s| s.practitioner_id).collect();
        let practitioners = load_map::<practitioner::Entity, _, _>(self.db(), practitioner::Column::Id, practitioner_ids, |p| p.id).await?;
        Ok(slots
            .into_iter()
            .filter(|s| !taken.contains(&s.id))
            .take(SEARCH_LIMIT as usize)
            .map(|s| {
                let f = &facilities[&s.facility_id];
                let p = practitioners.get(&s.practitioner_id);
                SlotOut {
                    id: s.id,
                    starts_at: s.starts_at,
                    ends_at: s.ends_at,
                    facility_id: FacilityId(f.id),
                    facility_name_ar: f.name_ar.clone(),
                    facility_name_fr: f.name_fr.clone(),
                    practitioner_id: PractitionerId(s.practitioner_id),
                    practitioner_name: p.map(|p| format!("{} {}", p.given_name, p.family_name)).unwrap_or_default(),
                    specialty: spec.code.clone(),
                }
            })
            .collect())
    }

    /// Books a slot for the actor. The slot row is locked first (so a
    /// receptionist closing it waits or wins), then the appointment is
    /// inserted: the unique index on the active slot decides between
    /// concurrent bookings.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn book(&self, actor: &Actor, input: &BookIn, ip: Option<IpAddr>) -> Result<AppointmentOut> {
        let slot_id = self.admit_booking(actor, input, ip)?;
        let now = Utc::now();
        let txn = self.db().begin().await?;
        let s = Self::lock_open_slot(&txn, slot_id, now).await?;
        let a = Self::insert_appointment(&txn, actor, &s, input.reason.trim(), now).await?;
        txn.commit().await?;
        self.describe(&a, &s).await
    }

    /// What booking and rescheduling check first: a citizen, within the
    /// rate limits, naming a slot id. Returns that id.
    fn admit_booking(&self, actor: &Actor, input: &BookIn, ip: Option<IpAddr>) -> Result<Uuid> {
        if actor.role != Role::Citizen {
            return Err(Error::code(ErrorCode::Forbidden));
        }
        self.booking_throttle().check(ip, &actor.user_id.to_string()).map_err(Error::throttled)?;
        input.slot_id.parse().map_err(|_| Error::fields(vec![field("slot_id", ErrorCode::SlotUnavailable)]))
    }

    /// Moves one of the actor's appointments to another slot in one
    /// transaction: the new slot is taken and the old one released together,
    /// or nothing changes.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn reschedule(&self, actor: &Actor, id: Uuid, input: &BookIn, ip: Option<IpAddr>) -> Result<AppointmentOut> {
        let slot_id = self.admit_booking(actor, input, ip)?;
        let now = Utc::now();
        let txn = self.db().begin().await?;
        let old = appointment::Entity::find_by_id(id)
            .filter(appointment::Column::PatientId.eq(actor.user_id.as_uuid()))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let old_slot = slot::Entity::find_by_id(old.slot_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        if old_slot.starts_at - now < Duration::hours(CANCEL_CUTOFF_HOURS) {
            return Err(Error::code(ErrorCode::CancelTooLate));
        }
        let s = Self::lock_open_slot(&txn, slot_id, now).await?;
        let released = appointment::Entity::update_many()
            .col_expr(appointment::Column::Status, Expr::value(CANCELLED))
            .col_expr(appointment::Column::ActiveSlotId, Expr::value(Option::<Uuid>::None))
            .col_expr(appointment::Column::ActiveSpecialtyId, Expr::value(Option::<Uuid>::None))
            .col_expr(appointment::Column::UpdatedAt, Expr::value(now))
            .filter(appointment::Column::Id.eq(old.id))
            .filter(appointment::Column::Status.eq(BOOKED))
            .exec(&txn)
            .await?
            .rows_affected;
        if released != 1 {
            return Err(Error::code(ErrorCode::SlotUnavailable));
        }
        let reason = old.reason.clone().unwrap_or_default();
        let a = Self::insert_appointment(&txn, actor, &s, &reason, now).await?;
        txn.commit().await?;
        self.describe(&a, &s).await
    }

    /// Locks an open, future slot within the horizon (a no-op UPDATE takes
    /// the row lock), or says it is unavailable.
    async fn lock_open_slot(txn: &sea_orm::DatabaseTransaction, slot_id: Uuid, now: DateTime<Utc>) -> Result<slot::Model> {
        let locked = slot::Entity::update_many()
            .col_expr(slot::Column::Status, Expr::value(OPEN))
            .filter(slot::Column::Id.eq(slot_id))
            .filter(slot::Column::Status.eq(OPEN))
            .filter(slot::Column::StartsAt.gt(now))
            .filter(slot::Column::StartsAt.lte(now + Duration::days(HORIZON_DAYS + 1)))
            .exec(txn)
            .await?
            .rows_affected;
        if locked != 1 {
            return Err(Error::code(ErrorCode::SlotUnavailable));
        }
        slot::Entity::find_by_id(slot_id).one(txn).await?.ok_or_else(|| Error::code(ErrorCode::SlotUnavailable))
    }

    /// Inserts an active appointment; the unique indexes turn a lost race
    /// into `slot_taken` and a second booking in a specialty into
    /// `already_booked_specialty`.
    async fn insert_appointment(
        txn: &sea_orm::DatabaseTransaction,
        actor: &Actor,
        s: &slot::Model,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<appointment::Model> {
        let row = appointment::ActiveModel {
            id: Set(Uuid::new_v4()),
            facility_id: Set(s.facility_id),
            slot_id: Set(s.id),
            patient_id: Set(actor.user_id.as_uuid()),
            booked_by: Set(actor.user_id.as_uuid()),
            specialty_id: Set(s.specialty_id),
            status: Set(BOOKED.into()),
            active_slot_id: Set(Some(s.id)),
            active_specialty_id: Set(Some(s.specialty_id)),
            reason: Set((!reason.is_empty()).then(|| reason.chars().take(500).collect())),
            created_at: Set(now),
            updated_at: Set(now),
        };
        row.insert(txn).await.map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(msg)) if msg.contains("active_specialty") => Error::code(ErrorCode::AlreadyBookedSpecialty),
            Some(SqlErr::UniqueConstraintViolation(_)) => Error::code(ErrorCode::SlotTaken),
            _ => Error::Db(e),
        })
    }

    /// An appointment with the names a person needs to find their way.
    async fn describe(&self, a: &appointment::Model, s: &slot::Model) -> Result<AppointmentOut> {
        let f = facility::Entity::find_by_id(a.facility_id).one(self.db()).await?;
        let p = practitioner::Entity::find_by_id(s.practitioner_id).one(self.db()).await?;
        Ok(appointment_out(a, s, f.as_ref(), p.as_ref()))
    }

    /// The practitioners of the actor's own facility (staff only).
    pub async fn facility_practitioners(&self, actor: &Actor) -> Result<Vec<shared::dto::PractitionerOut>> {
        let Some(facility) = actor.facility_id.filter(|_| actor.role.needs_facility()) else {
            return Err(Error::code(ErrorCode::Forbidden));
        };
        let ids: Vec<Uuid> = practitioner_facility::Entity::find()
            .filter(practitioner_facility::Column::FacilityId.eq(facility.as_uuid()))
            .all(self.db())
            .await?
            .into_iter()
            .map(|l| l.practitioner_id)
            .collect();
        let specialties: HashMap<Uuid, String> = specialty::Entity::find().all(self.db()).await?.into_iter().map(|s| (s.id, s.code)).collect();
        let mut out: Vec<_> = practitioner::Entity::find()
            .filter(practitioner::Column::Id.is_in(ids))
            .all(self.db())
            .await?
            .into_iter()
            .map(|p| shared::dto::PractitionerOut {
                id: PractitionerId(p.id),
                name: format!("{} {}", p.given_name, p.family_name),
                specialty: specialties.get(&p.specialty_id).cloned().unwrap_or_default(),
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Specialties, for search forms.
    pub async fn specialties(&self) -> Result<Vec<shared::dto::SpecialtyOut>> {
        Ok(specialty::Entity::find()
            .order_by_asc(specialty::Column::NameFr)
            .all(self.db())
            .await?
            .into_iter()
            .map(|s| shared::dto::SpecialtyOut { code: s.code, name_ar: s.name_ar, name_fr: s.name_fr, name_en: s.name_en, referral_required: s.referral_required })
            .collect())
    }

    /// Wilayas that have at least one facility, for search forms.
    pub async fn wilayas_with_facilities(&self) -> Result<Vec<shared::dto::WilayaOut>> {
        let codes: HashSet<String> = facility::Entity::find().all(self.db()).await?.into_iter().map(|f| f.wilaya_code).collect();
        Ok(crate::entities::wilaya::Entity::find()
            .order_by_asc(crate::entities::wilaya::Column::Code)
            .all(self.db())
            .await?
            .into_iter()
            .filter(|w| codes.contains(&w.code))
            .map(|w| shared::dto::WilayaOut { code: w.code, name_ar: w.name_ar, name_fr: w.name_fr })
            .collect())
    }

    /// Closes an open slot of the actor's own facility so that nobody can
    /// book it. A slot with an active appointment is not closed
    /// (`slot_taken`): that booking must be moved or cancelled explicitly.
    /// Locking the slot row first makes this safe against a concurrent
    /// booking on both databases: whichever takes the lock first wins.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn close_slot(&self, actor: &Actor, slot_id: Uuid) -> Result<()> {
        let Some(facility) = actor.facility_id.filter(|_| matches!(actor.role, Role::Receptionist | Role::FacilityAdmin)) else {
            return Err(Error::code(ErrorCode::Forbidden));
        };
        let txn = self.db().begin().await?;
        let closed = slot::Entity::update_many()
            .col_expr(slot::Column::Status, Expr::value(CLOSED))
            .filter(slot::Column::Id.eq(slot_id))
            .filter(slot::Column::FacilityId.eq(facility.as_uuid()))
            .filter(slot::Column::Status.eq(OPEN))
            .exec(&txn)
            .await?
            .rows_affected;
        if closed != 1 {
            // Another facility's slot is "not found" to this actor.
            return Err(Error::code(ErrorCode::NotFound));
        }
        let booked = appointment::Entity::find()
            .filter(appointment::Column::ActiveSlotId.eq(slot_id))
            .one(&txn)
            .await?
            .is_some();
        if booked {
            txn.rollback().await?;
            return Err(Error::code(ErrorCode::SlotTaken));
        }
        txn.commit().await?;
        Ok(())
    }

    /// The actor's own appointments, upcoming first.
    pub async fn my_appointments(&self, actor: &Actor) -> Result<Vec<AppointmentOut>> {
        let list = appointment::Entity::find()
            .filter(appointment::Column::PatientId.eq(actor.user_id.as_uuid()))
            .all(self.db())
            .await?;
        let db = self.db();
        let slots = load_map::<slot::Entity, _, _>(db, slot::Column::Id, list.iter().map(|a| a.slot_id).collect(), |s| s.id).await?;
        let facilities =
            load_map::<facility::Entity, _, _>(db, facility::Column::Id, list.iter().map(|a| a.facility_id).collect(), |f| f.id).await?;
        let practitioner_ids = slots.values().map(|s| s.practitioner_id).collect();
        let practitioners = load_map::<practitioner::Entity, _, _>(db, practitioner::Column::Id, practitioner_ids, |p| p.id).await?;
        let mut out: Vec<_> = list
            .iter()
            .filter_map(|a| {
                let s = slots.get(&a.slot_id)?;
                Some(appointment_out(a, s, facilities.get(&a.facility_id), practitioners.get(&s.practitioner_id)))
            })
            .collect();
        out.sort_by_key(|a| a.starts_at);
        Ok(out)
    }

    /// Cancels one of the actor's own appointments until the cut-off.
    /// Another person's appointment is "not found", never "forbidden".
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn cancel_appointment(&self, actor: &Actor, id: Uuid) -> Result<AppointmentOut> {
        let a = appointment::Entity::find_by_id(id)
            .filter(appointment::Column::PatientId.eq(actor.user_id.as_uuid()))
            .one(self.db())
            .await?
            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let s = slot::Entity::find_by_id(a.slot_id).one(self.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        if a.status != BOOKED {
            return Err(Error::code(ErrorCode::SlotUnavailable));
        }
        let now = Utc::now();
        if s.starts_at - now < Duration::hours(CANCEL_CUTOFF_HOURS) {
            return Err(Error::code(ErrorCode::CancelTooLate));
        }
        let mut row: appointment::ActiveModel = a.into();
        row.status = Set(CANCELLED.into());
        row.active_slot_id = Set(None);
        row.active_specialty_id = Set(None);
        row.updated_at = Set(now);
        let a = row.update(self.db()).await?;
        self.describe(&a, &s).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_morning_template_makes_half_hour_slots_in_algiers_time() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(); // a Monday
        let starts = slot_starts(d, 8 * 60, 10 * 60, 30);
        assert_eq!(starts.len(), 4);
        assert_eq!(starts[0].to_rfc3339(), "2026-11-23T07:00:00+00:00");
        assert_eq!(starts[3].to_rfc3339(), "2026-11-23T08:30:00+00:00");
        assert!(slot_starts(d, 8 * 60, 8 * 60 + 20, 30).is_empty(), "a slot never overruns the end");
    }

    #[test]
    fn friday_and_saturday_are_the_weekend() {
        let fri = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert!(is_weekend(fri));
        assert!(is_weekend(fri.succ_opt().unwrap()));
        assert!(!is_weekend(fri.succ_opt().unwrap().succ_opt().unwrap()));
    }
}
