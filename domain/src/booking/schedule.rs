//! The schedule: weekly templates, closures (leave, closed days, reduced
//! hours), public holidays, the slots they make over the rolling horizon,
//! and the desk's day list.
//!
//! A slot is made for a template's weekday unless the day is a weekend or a
//! holiday, or a closure covers it. A change that takes time away
//! (a closure, a holiday, the end of a template) closes the free slots it
//! covers and never touches a booked one: those are returned as conflicts
//! for the desk to move or cancel explicitly; when such a booking is
//! cancelled, its slot closes instead of returning to the pool.

use super::{algiers_midnight, field, full_name, is_weekend, load_map, subject_names, subject_of};
use crate::entities::{appointment, availability_template, closure, holiday, practitioner, practitioner_facility, slot, visit};
use crate::services::{Directory, Schedule};
use crate::{Actor, Core, Error, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr};
use shared::dto::{
    ClosureIn, ConflictOut, DaySlotOut, HolidayIn, HolidayOut, ScheduleChangeOut, TemplateEndIn, TemplateIn, TemplateOut, TemplateRowOut, WeeklyRule,
};
use shared::{AppointmentId, ClosureId, ErrorCode, FacilityId, HolidayId, PractitionerId, Role, SlotId, SpecialtyId, TemplateId, UserId};
use shared::{AppointmentStatus, DaySlotStatus, HolidayKind, SlotStatus};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Minutes after midnight, Algiers time, of an instant.
fn local_minute(t: DateTime<Utc>) -> u32 {
    let l = shared::time::algiers_local(t);
    l.hour() * 60 + l.minute()
}

/// The UTC instants of a template's slots on one Algiers date.
pub fn slot_starts(date: NaiveDate, start_minute: u32, end_minute: u32, slot_minutes: u32) -> Vec<DateTime<Utc>> {
    let midnight = algiers_midnight(date);
    let mut out = Vec::new();
    let mut m = start_minute;
    while m + slot_minutes <= end_minute {
        out.push(midnight + Duration::minutes(m as i64));
        m += slot_minutes;
    }
    out
}

/// Algeria's fixed-date public holidays (names in Arabic, French, English).
pub fn fixed_holiday(d: NaiveDate) -> Option<(&'static str, &'static str, &'static str)> {
    match (d.month(), d.day()) {
        (1, 1) => Some(("رأس السنة الميلادية", "Nouvel An", "New Year's Day")),
        (1, 12) => Some(("رأس السنة الأمازيغية (يناير)", "Yennayer, Nouvel An amazigh", "Yennayer, Amazigh New Year")),
        (5, 1) => Some(("عيد العمال", "Fête du Travail", "Labour Day")),
        (7, 5) => Some(("عيد الاستقلال", "Fête de l'Indépendance", "Independence Day")),
        (11, 1) => Some(("عيد اندلاع الثورة", "Anniversaire de la Révolution", "Revolution Day")),
        _ => None,
    }
}

/// The rule a stored template follows.
fn rule_of(t: &availability_template::Model) -> WeeklyRule {
    WeeklyRule {
        weekday: t.weekday as u8,
        start: t.start_minute as u32,
        end: t.end_minute as u32,
        slot_minutes: t.slot_minutes as u16,
        valid_from: t.valid_from,
        valid_to: t.valid_to,
    }
}

/// What keeps slots from being made: holidays in a period and the
/// closures of the facilities concerned.
pub(crate) struct Blocks {
    holidays: HashSet<NaiveDate>,
    closures: Vec<closure::Model>,
}

impl Blocks {
    /// The holidays of a period and one facility's closures in it.
    pub(crate) async fn load<C: ConnectionTrait>(db: &C, facility: FacilityId, from: NaiveDate, to: NaiveDate) -> Result<Self> {
        let mut holidays: HashSet<NaiveDate> =
            holiday::Entity::find().filter(holiday::Column::Date.between(from, to)).all(db).await?.into_iter().map(|h| h.date).collect();
        let mut d = from;
        while d <= to {
            if fixed_holiday(d).is_some() {
                holidays.insert(d);
            }
            d += Duration::days(1);
        }
        let closures = closure::Entity::find().filter(closure::Column::Date.between(from, to)).filter(closure::Column::FacilityId.eq(facility)).all(db).await?;
        Ok(Self { holidays, closures })
    }

    /// Whether a slot of `minutes` starting at `start` is blocked.
    pub(crate) fn covers(&self, facility: FacilityId, practitioner: PractitionerId, start: DateTime<Utc>, minutes: u32) -> bool {
        let date = shared::time::algiers_date(start);
        if self.holidays.contains(&date) {
            return true;
        }
        let (from, to) = (local_minute(start), local_minute(start) + minutes);
        self.closures.iter().any(|c| {
            c.facility_id == facility
                && c.date == date
                && c.practitioner_id.is_none_or(|p| p == practitioner)
                && match (c.start_minute, c.end_minute) {
                    (Some(s), Some(e)) => (s as u32) < to && from < e as u32,
                    _ => true,
                }
        })
    }
}

impl Schedule {
    /// Publishes a weekly template for a practitioner of the actor's own
    /// facility and creates its slots over the booking horizon. A template
    /// that overlaps another of the same practitioner (at any facility) is
    /// refused: a practitioner is in one place at a time.
    #[tracing::instrument(skip_all, fields(facility_id = %facility))]
    pub async fn publish_template(&self, actor: &Actor, facility: FacilityId, input: &TemplateIn) -> Result<TemplateOut> {
        if actor.desk_facility()? != facility {
            return Err(Error::code(ErrorCode::Forbidden));
        }
        let t = input.validate().map_err(Error::fields)?;
        let practitioner = self.core.practitioner_here(facility, t.practitioner_id).await?;
        let rule = t.rule;
        let out = self.core.create_template(facility, &practitioner, rule, actor.user_id).await?;
        // Its slots signalled the waiting list: wake its job.
        self.core.after_release().await;
        Ok(out)
    }

    /// Rolls the horizon forward: every live template makes its missing
    /// slots up to `horizon_days` from today. Run at start-up and daily by
    /// the server; idempotent, so a crash mid-way is repaired by the next run.
    pub async fn extend_horizon(&self) -> Result<u64> {
        let today = self.core.today();
        let templates = availability_template::Entity::find()
            .filter(sea_orm::Condition::any().add(availability_template::Column::ValidTo.is_null()).add(availability_template::Column::ValidTo.gte(today)))
            .all(self.core.db())
            .await?;
        let practitioners =
            load_map::<practitioner::Entity, _, _, _>(self.core.db(), practitioner::Column::Id, templates.iter().map(|t| t.practitioner_id).collect(), |p| {
                p.id
            })
            .await?;
        let now = self.core.clock().now();
        let mut created = 0;
        for t in &templates {
            if let Some(p) = practitioners.get(&t.practitioner_id) {
                // One transaction per template: its slots and their signal
                // to the waiting list commit together.
                let txn = self.core.begin_write().await?;
                created += self.core.generate_slots(&txn, t, p.specialty_id, now).await?;
                txn.commit().await?;
            }
        }
        if created > 0 {
            tracing::info!(slots = created, "booking horizon extended");
            self.core.after_release().await;
        }
        Ok(created)
    }

    /// Records a closure (a closed day, leave, reduced hours) for the
    /// actor's facility or one of its practitioners, closes the free slots
    /// it covers and lists the booked ones it conflicts with.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn add_closure(&self, actor: &Actor, facility: FacilityId, input: &ClosureIn) -> Result<ScheduleChangeOut> {
        if actor.desk_facility()? != facility {
            return Err(Error::code(ErrorCode::Forbidden));
        }
        let c = input.validate().map_err(Error::fields)?;
        let practitioner = match c.practitioner_id {
            Some(p) => Some(self.core.practitioner_here(facility, p).await?.id),
            None => None,
        };
        let (date, kind) = (c.date, c.kind);
        let (start, end) = c.window.map_or((None, None), |(s, e)| (Some(s), Some(e)));
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let c = closure::ActiveModel {
            id: Set(ClosureId(Uuid::new_v4())),
            facility_id: Set(facility),
            practitioner_id: Set(practitioner),
            date: Set(date),
            start_minute: Set(start.map(|m| m as i32)),
            end_minute: Set(end.map(|m| m as i32)),
            kind: Set(kind),
            note: Set(c.note),
            created_by: Set(actor.user_id),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let mut q = slot::Entity::find()
            .filter(slot::Column::FacilityId.eq(facility))
            .filter(slot::Column::StartsAt.gte(algiers_midnight(date)))
            .filter(slot::Column::StartsAt.lt(algiers_midnight(date + Duration::days(1))));
        if let Some(p) = practitioner {
            q = q.filter(slot::Column::PractitionerId.eq(p));
        }
        let blocks = Blocks { holidays: HashSet::new(), closures: vec![c.clone()] };
        let affected: Vec<slot::Model> = q
            .all(&txn)
            .await?
            .into_iter()
            .filter(|s| blocks.covers(s.facility_id, s.practitioner_id, s.starts_at, (s.ends_at - s.starts_at).num_minutes() as u32))
            .collect();
        let (closed, conflicts) = self.core.close_free_slots(&txn, affected, now).await?;
        txn.commit().await?;
        self.core.search_answers().changed(crate::booking::answers::Change::Everything);
        Ok(ScheduleChangeOut { id: c.id.as_uuid(), slots_closed: closed, conflicts, conflicts_elsewhere: 0 })
    }

    /// Ends a template of the actor's facility after `valid_to`: its free
    /// slots after that day close, its booked ones are listed as conflicts.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn end_template(&self, actor: &Actor, facility: FacilityId, template_id: TemplateId, input: &TemplateEndIn) -> Result<ScheduleChangeOut> {
        if actor.desk_facility()? != facility {
            return Err(Error::code(ErrorCode::Forbidden));
        }
        let t = availability_template::Entity::find_by_id(template_id)
            .filter(availability_template::Column::FacilityId.eq(facility))
            .one(self.core.db())
            .await?
            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let valid_to = input.validate().map_err(Error::fields)?;
        if valid_to + Duration::days(1) < t.valid_from {
            return Err(Error::fields(vec![field("valid_to", ErrorCode::BadRequest)]));
        }
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let mut row: availability_template::ActiveModel = t.clone().into();
        row.valid_to = Set(Some(t.valid_to.map_or(valid_to, |v| v.min(valid_to))));
        row.update(&txn).await?;
        let affected = slot::Entity::find()
            .filter(slot::Column::TemplateId.eq(t.id))
            .filter(slot::Column::StartsAt.gte(algiers_midnight(valid_to + Duration::days(1))))
            .all(&txn)
            .await?;
        let (closed, conflicts) = self.core.close_free_slots(&txn, affected, now).await?;
        txn.commit().await?;
        self.core.search_answers().changed(crate::booking::answers::Change::Everything);
        Ok(ScheduleChangeOut { id: t.id.as_uuid(), slots_closed: closed, conflicts, conflicts_elsewhere: 0 })
    }

    /// The templates of the actor's facility that still make slots (not
    /// ended before today), by practitioner and weekday.
    pub async fn facility_templates(&self, actor: &Actor) -> Result<Vec<TemplateRowOut>> {
        let facility = actor.desk_facility()?;
        let today = self.core.today();
        let list = availability_template::Entity::find()
            .filter(availability_template::Column::FacilityId.eq(facility))
            .filter(sea_orm::Condition::any().add(availability_template::Column::ValidTo.is_null()).add(availability_template::Column::ValidTo.gte(today)))
            .all(self.core.db())
            .await?;
        let practitioners =
            load_map::<practitioner::Entity, _, _, _>(self.core.db(), practitioner::Column::Id, list.iter().map(|t| t.practitioner_id).collect(), |p| p.id)
                .await?;
        let hhmm = |m: i32| format!("{:02}:{:02}", m / 60, m % 60);
        let mut out: Vec<TemplateRowOut> = list
            .into_iter()
            .map(|t| TemplateRowOut {
                id: t.id,
                practitioner_id: t.practitioner_id,
                practitioner_name: practitioners.get(&t.practitioner_id).map(|p| full_name(&p.given_name, &p.family_name)).unwrap_or_default(),
                weekday: t.weekday as u8,
                start: hhmm(t.start_minute),
                end: hhmm(t.end_minute),
                slot_minutes: t.slot_minutes as u16,
                valid_from: t.valid_from,
                valid_to: t.valid_to,
            })
            .collect();
        out.sort_by(|a, b| (&a.practitioner_name, a.weekday, &a.start).cmp(&(&b.practitioner_name, b.weekday, &b.start)));
        Ok(out)
    }

    /// Adds a moving holiday (health administrators only): every facility's
    /// free slots that day close; booked ones are counted, not listed.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn add_holiday(&self, actor: &Actor, input: &HolidayIn) -> Result<ScheduleChangeOut> {
        if actor.role != Role::HealthAdmin {
            return Err(Error::code(ErrorCode::Forbidden));
        }
        let h = input.validate().map_err(Error::fields)?;
        let date = h.date;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let id = HolidayId(Uuid::new_v4());
        holiday::ActiveModel {
            id: Set(id),
            date: Set(date),
            kind: Set(HolidayKind::Islamic),
            name_ar: Set(h.name_ar),
            name_fr: Set(h.name_fr),
            name_en: Set(h.name_en),
            created_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Error::fields(vec![field("date", ErrorCode::BadRequest)]),
            _ => Error::Db(e),
        })?;
        let affected = slot::Entity::find()
            .filter(slot::Column::StartsAt.gte(algiers_midnight(date)))
            .filter(slot::Column::StartsAt.lt(algiers_midnight(date + Duration::days(1))))
            .all(&txn)
            .await?;
        let (closed, conflicts) = self.core.close_free_slots(&txn, affected, now).await?;
        txn.commit().await?;
        self.core.search_answers().changed(crate::booking::answers::Change::Everything);
        // The directorate sets the day for every facility but sees none of
        // their patients: how many bookings it hits, not who. Each desk
        // finds its own in its day list.
        Ok(ScheduleChangeOut { id: id.0, slots_closed: closed, conflicts: Vec::new(), conflicts_elsewhere: conflicts.len() as u64 })
    }

    /// A day of the actor's facility, slot by slot, with who is booked: the
    /// desk's list. Optionally one practitioner.
    pub async fn day_list(&self, actor: &Actor, date: NaiveDate, practitioner: Option<PractitionerId>) -> Result<Vec<DaySlotOut>> {
        let facility = actor.staff_facility()?;
        let now = self.core.clock().now();
        let mut q = slot::Entity::find()
            .filter(slot::Column::FacilityId.eq(facility))
            .filter(slot::Column::StartsAt.gte(algiers_midnight(date)))
            .filter(slot::Column::StartsAt.lt(algiers_midnight(date + Duration::days(1))));
        if let Some(p) = practitioner {
            q = q.filter(slot::Column::PractitionerId.eq(p));
        }
        let slots = q.order_by_asc(slot::Column::StartsAt).all(self.core.db()).await?;
        let ids: Vec<SlotId> = slots.iter().map(|s| s.id).collect();
        let booked = appointment::Entity::find().filter(appointment::Column::ActiveSlotId.is_in(ids.clone())).all(self.core.db()).await?;
        let ended = appointment::Entity::find()
            .filter(appointment::Column::SlotId.is_in(ids))
            .filter(appointment::Column::Status.eq(AppointmentStatus::Cancelled))
            .order_by_asc(appointment::Column::UpdatedAt)
            .all(self.core.db())
            .await?;
        let names = subject_names(self.core.db(), &[booked.clone(), ended.clone()].concat()).await?;
        let mut cancelled: HashMap<SlotId, Vec<String>> = HashMap::new();
        for a in &ended {
            cancelled.entry(a.slot_id).or_default().push(names.get(&subject_of(a)).map(|n| n.name.clone()).unwrap_or_default());
        }
        let by_slot: HashMap<SlotId, &appointment::Model> = booked.iter().map(|a| (a.slot_id, a)).collect();
        let practitioners =
            load_map::<practitioner::Entity, _, _, _>(self.core.db(), practitioner::Column::Id, slots.iter().map(|s| s.practitioner_id).collect(), |p| p.id)
                .await?;
        // Who arrived: their ticket and where they are on the floor.
        let visits: HashMap<AppointmentId, visit::Model> = visit::Entity::find()
            .filter(visit::Column::AppointmentId.is_in(booked.iter().map(|a| a.id).collect::<Vec<_>>()))
            .all(self.core.db())
            .await?
            .into_iter()
            .filter_map(|v| Some((v.appointment_id?, v)))
            .collect();
        Ok(slots
            .iter()
            .map(|s| {
                let a = by_slot.get(&s.id);
                let who = a.and_then(|a| names.get(&subject_of(a)).cloned());
                DaySlotOut {
                    slot_id: s.id,
                    starts_at: s.starts_at,
                    ends_at: s.ends_at,
                    practitioner_id: s.practitioner_id,
                    practitioner_name: practitioners.get(&s.practitioner_id).map(|p| full_name(&p.given_name, &p.family_name)).unwrap_or_default(),
                    status: if a.is_some() { DaySlotStatus::Booked } else { s.status.into() },
                    appointment_id: a.map(|a| a.id),
                    patient_name: who.as_ref().map(|w| w.name.clone()),
                    patient_phone: who.and_then(|w| w.phone),
                    booked_at_desk: a.is_some_and(|a| a.booked_by != a.patient_id),
                    appointment_status: a.map(|a| a.status),
                    ticket: a.and_then(|a| visits.get(&a.id)).map(|v| v.ticket.clone()),
                    visit_status: a.and_then(|a| visits.get(&a.id)).map(|v| v.status),
                    confirmed: a.is_some_and(|a| a.confirmed_at.is_some()),
                    channel: a.and_then(|a| a.channel),
                    new: a.is_some_and(|a| a.created_at > now - Duration::hours(2)),
                    cancelled: cancelled.remove(&s.id).unwrap_or_default(),
                }
            })
            .collect())
    }
}

impl Core {
    /// The practitioner profiles of the actor's account that work at
    /// `facility` (one as a rule; one per specialty they practise there).
    pub(crate) async fn profiles_at<C: ConnectionTrait>(&self, db: &C, actor: &Actor, facility: FacilityId) -> Result<Vec<practitioner::Model>> {
        let profiles = practitioner::Entity::find().filter(practitioner::Column::UserId.eq(actor.user_id)).all(db).await?;
        if profiles.is_empty() {
            return Ok(profiles);
        }
        let here: Vec<PractitionerId> = practitioner_facility::Entity::find()
            .filter(practitioner_facility::Column::FacilityId.eq(facility))
            .filter(practitioner_facility::Column::PractitionerId.is_in(profiles.iter().map(|p| p.id).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|pf| pf.practitioner_id)
            .collect();
        Ok(profiles.into_iter().filter(|p| here.contains(&p.id)).collect())
    }

    /// A practitioner who works at the facility, or `not_found` on the field.
    async fn practitioner_here(&self, facility: FacilityId, practitioner_id: PractitionerId) -> Result<practitioner::Model> {
        let works_here = practitioner_facility::Entity::find()
            .filter(practitioner_facility::Column::FacilityId.eq(facility))
            .filter(practitioner_facility::Column::PractitionerId.eq(practitioner_id))
            .filter(crate::staff::practising())
            .one(self.db())
            .await?
            .is_some();
        practitioner::Entity::find_by_id(practitioner_id)
            .one(self.db())
            .await?
            .filter(|_| works_here)
            .ok_or_else(|| Error::fields(vec![field("practitioner_id", ErrorCode::NotFound)]))
    }

    /// Stores a template and creates its slots within the horizon. Callers
    /// have checked who may do this (`publish_template`, the demo seed).
    pub(crate) async fn create_template(
        &self,
        facility: FacilityId,
        practitioner: &practitioner::Model,
        rule: WeeklyRule,
        created_by: UserId,
    ) -> Result<TemplateOut> {
        let now = self.clock().now();
        let txn = self.begin_write().await?;
        // Lock the practitioner's row so that two overlapping templates
        // published at once cannot both pass the check.
        practitioner::Entity::update_many()
            .col_expr(practitioner::Column::GivenName, Expr::col(practitioner::Column::GivenName))
            .filter(practitioner::Column::Id.eq(practitioner.id))
            .exec(&txn)
            .await?;
        let existing = availability_template::Entity::find()
            .filter(availability_template::Column::PractitionerId.eq(practitioner.id))
            .filter(availability_template::Column::Weekday.eq(rule.weekday as i32))
            .all(&txn)
            .await?;
        if existing.iter().any(|t| rule_of(t).overlaps(&rule)) {
            return Err(Error::fields(vec![field("start", ErrorCode::TemplateOverlap)]));
        }
        let template = availability_template::ActiveModel {
            id: Set(TemplateId(Uuid::new_v4())),
            facility_id: Set(facility),
            practitioner_id: Set(practitioner.id),
            weekday: Set(rule.weekday as i32),
            start_minute: Set(rule.start as i32),
            end_minute: Set(rule.end as i32),
            slot_minutes: Set(rule.slot_minutes as i32),
            valid_from: Set(rule.valid_from),
            valid_to: Set(rule.valid_to),
            created_by: Set(created_by),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let created = self.generate_slots(&txn, &template, practitioner.specialty_id, now).await?;
        txn.commit().await?;
        tracing::info!(slots = created, "template published");
        Ok(TemplateOut { template_id: template.id, slots_created: created })
    }

    /// Makes a template's missing slots from today to the horizon. Existing
    /// slots (open, booked or closed) are left as they are.
    async fn generate_slots<C: ConnectionTrait>(&self, db: &C, t: &availability_template::Model, specialty_id: SpecialtyId, now: DateTime<Utc>) -> Result<u64> {
        let today = shared::time::algiers_date(now);
        let last = today + Duration::days(self.config().booking.horizon_days);
        let first = t.valid_from.max(today);
        let last = t.valid_to.map_or(last, |to| to.min(last));
        if first > last {
            return Ok(0);
        }
        let blocks = Blocks::load(db, t.facility_id, first, last).await?;
        let rule = rule_of(t);
        let mut rows = Vec::new();
        let mut day = first;
        while day <= last {
            if day.weekday().number_from_monday() == rule.weekday as u32 && !is_weekend(day) {
                for starts in slot_starts(day, rule.start, rule.end, rule.slot_minutes as u32) {
                    if starts > now && !blocks.covers(t.facility_id, t.practitioner_id, starts, rule.slot_minutes as u32) {
                        rows.push(slot::ActiveModel {
                            id: Set(SlotId(Uuid::new_v4())),
                            facility_id: Set(t.facility_id),
                            practitioner_id: Set(t.practitioner_id),
                            specialty_id: Set(specialty_id),
                            template_id: Set(Some(t.id)),
                            starts_at: Set(starts),
                            ends_at: Set(starts + Duration::minutes(rule.slot_minutes as i64)),
                            status: Set(SlotStatus::Open),
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
                .exec_without_returning(db)
                .await;
            match res {
                Ok(n) => created += n,
                Err(sea_orm::DbErr::RecordNotInserted) => {}
                Err(e) => return Err(e.into()),
            }
        }
        if created > 0 {
            // New time may be what someone on the waiting list needs.
            self.signal_facility(db, t.facility_id, specialty_id).await?;
        }
        Ok(created)
    }

    /// Closes the free ones among `slots` and returns how many, with the
    /// booked ones as conflicts. Every slot is locked by the UPDATE before
    /// its bookings are read, so a booking racing with this either
    /// committed before (and is listed, its slot reopened) or waits and
    /// finds the slot closed.
    pub(crate) async fn close_free_slots(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        slots: Vec<slot::Model>,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<ConflictOut>)> {
        if slots.is_empty() {
            return Ok((0, Vec::new()));
        }
        let ids: Vec<SlotId> = slots.iter().map(|s| s.id).collect();
        let mut closed = 0;
        for chunk in ids.chunks(500) {
            closed += slot::Entity::update_many()
                .col_expr(slot::Column::Status, Expr::value(SlotStatus::Closed))
                .filter(slot::Column::Id.is_in(chunk.to_vec()))
                .filter(slot::Column::Status.is_in([SlotStatus::Open, SlotStatus::Held]))
                .exec(txn)
                .await?
                .rows_affected;
        }
        self.withdraw_offers(txn, &ids, now).await?;
        let mut booked = Vec::new();
        for chunk in ids.chunks(500) {
            booked.extend(appointment::Entity::find().filter(appointment::Column::ActiveSlotId.is_in(chunk.to_vec())).all(txn).await?);
        }
        let booked_slots: Vec<SlotId> = booked.iter().map(|a| a.slot_id).collect();
        if !booked_slots.is_empty() {
            // A booked slot stays open: its appointment is kept until the
            // desk moves or cancels it (which then closes the slot).
            let reopened = slot::Entity::update_many()
                .col_expr(slot::Column::Status, Expr::value(SlotStatus::Open))
                .filter(slot::Column::Id.is_in(booked_slots))
                .filter(slot::Column::Status.eq(SlotStatus::Closed))
                .exec(txn)
                .await?
                .rows_affected;
            closed = closed.saturating_sub(reopened);
        }
        let by_id: HashMap<SlotId, &slot::Model> = slots.iter().map(|s| (s.id, s)).collect();
        let practitioners =
            load_map::<practitioner::Entity, _, _, _>(txn, practitioner::Column::Id, slots.iter().map(|s| s.practitioner_id).collect(), |p| p.id).await?;
        let names = subject_names(txn, &booked).await?;
        let mut conflicts: Vec<ConflictOut> = booked
            .iter()
            .map(|a| {
                let s = by_id[&a.slot_id];
                let crate::persons::Named { name, phone, .. } = names.get(&subject_of(a)).cloned().unwrap_or_default();
                ConflictOut {
                    appointment_id: a.id,
                    starts_at: s.starts_at,
                    practitioner_name: practitioners.get(&s.practitioner_id).map(|p| full_name(&p.given_name, &p.family_name)).unwrap_or_default(),
                    patient_name: name,
                    patient_phone: phone,
                }
            })
            .collect();
        conflicts.sort_by_key(|c| c.starts_at);
        Ok((closed, conflicts))
    }

    /// Whether a closure, a holiday or the end of its template now covers a
    /// slot: a slot freed then closes rather than being offered again.
    pub(crate) async fn slot_is_blocked<C: ConnectionTrait>(&self, db: &C, s: &slot::Model) -> Result<bool> {
        let date = shared::time::algiers_date(s.starts_at);
        let blocks = Blocks::load(db, s.facility_id, date, date).await?;
        if blocks.covers(s.facility_id, s.practitioner_id, s.starts_at, (s.ends_at - s.starts_at).num_minutes() as u32) {
            return Ok(true);
        }
        if let Some(tid) = s.template_id {
            if let Some(t) = availability_template::Entity::find_by_id(tid).one(db).await? {
                return Ok(t.valid_to.is_some_and(|to| to < date));
            }
        }
        Ok(false)
    }
}

impl Directory {
    /// The public holidays of a year: the fixed ones and the moving ones
    /// the health administration has entered.
    pub async fn holidays(&self, year: i32) -> Result<Vec<HolidayOut>> {
        let (Some(from), Some(to)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) else {
            return Err(Error::code(ErrorCode::BadRequest));
        };
        let mut out: Vec<HolidayOut> = holiday::Entity::find()
            .filter(holiday::Column::Date.between(from, to))
            .order_by_asc(holiday::Column::Date)
            .all(self.core.db())
            .await?
            .into_iter()
            .map(|h| HolidayOut { date: h.date, kind: h.kind, name_ar: h.name_ar, name_fr: h.name_fr, name_en: h.name_en })
            .collect();
        let mut d = from;
        while d <= to {
            if let Some((ar, fr, en)) = fixed_holiday(d) {
                out.push(HolidayOut { date: d, kind: HolidayKind::Fixed, name_ar: ar.into(), name_fr: fr.into(), name_en: en.into() });
            }
            d += Duration::days(1);
        }
        out.sort_by_key(|h| h.date);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(weekday: u8, start: u32, end: u32, from: (i32, u32, u32), to: Option<(i32, u32, u32)>) -> WeeklyRule {
        let d = |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        WeeklyRule { weekday, start, end, slot_minutes: 20, valid_from: d(from), valid_to: to.map(d) }
    }

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
    fn rules_overlap_only_on_the_same_weekday_time_and_validity() {
        let a = rule(1, 8 * 60, 12 * 60, (2026, 1, 1), None);
        assert!(a.overlaps(&rule(1, 11 * 60, 14 * 60, (2026, 6, 1), None)));
        assert!(!a.overlaps(&rule(1, 12 * 60, 14 * 60, (2026, 6, 1), None)), "back to back is fine");
        assert!(!a.overlaps(&rule(2, 8 * 60, 12 * 60, (2026, 1, 1), None)), "another weekday");
        let ended = rule(1, 8 * 60, 12 * 60, (2026, 1, 1), Some((2026, 3, 31)));
        assert!(!ended.overlaps(&rule(1, 8 * 60, 12 * 60, (2026, 4, 1), None)), "validity periods do not meet");
        assert!(ended.overlaps(&rule(1, 8 * 60, 12 * 60, (2026, 3, 31), None)));
    }

    #[test]
    fn holidays_and_closures_cover_the_slots_they_should() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let (f, p, other) = (FacilityId(Uuid::new_v4()), PractitionerId(Uuid::new_v4()), PractitionerId(Uuid::new_v4()));
        let closure = |practitioner, start: Option<i32>, end: Option<i32>| closure::Model {
            id: ClosureId(Uuid::new_v4()),
            facility_id: f,
            practitioner_id: practitioner,
            date: day,
            start_minute: start,
            end_minute: end,
            kind: shared::ClosureKind::Reduced,
            note: None,
            created_by: UserId(Uuid::new_v4()),
            created_at: Utc::now(),
        };
        let at = |h: i64| algiers_midnight(day) + Duration::hours(h);
        let reduced = Blocks { holidays: HashSet::new(), closures: vec![closure(Some(p), Some(10 * 60), Some(12 * 60))] };
        assert!(reduced.covers(f, p, at(10), 20));
        assert!(!reduced.covers(f, p, at(9), 20), "before the closed hours");
        assert!(!reduced.covers(f, other, at(10), 20), "another practitioner");
        assert!(!reduced.covers(FacilityId(Uuid::new_v4()), p, at(10), 20), "another facility");
        let whole = Blocks { holidays: HashSet::new(), closures: vec![closure(None, None, None)] };
        assert!(whole.covers(f, other, at(15), 20));
        assert!(!whole.covers(f, other, at(24 + 9), 20), "the next day");
        let holiday = Blocks { holidays: [day].into(), closures: vec![] };
        assert!(holiday.covers(FacilityId(Uuid::new_v4()), p, at(8), 20));
        assert_eq!(fixed_holiday(NaiveDate::from_ymd_opt(2027, 7, 5).unwrap()).unwrap().1, "Fête de l'Indépendance");
        assert!(fixed_holiday(day).is_none());
    }
}
