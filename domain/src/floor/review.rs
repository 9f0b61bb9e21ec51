//! No-shows, fairly. Nothing becomes a no-show by itself: the desk reviews
//! a day's booked patients who never arrived (or were called twice and did
//! not come) once their time has passed, and confirms each no-show or
//! records a late cancellation. Confirmed no-shows are counted per person
//! over `SIHATI_NO_SHOW_DAYS`; from `SIHATI_NO_SHOW_LIMIT` of them, that
//! person's online bookings are `pending` — the slot is held — until the
//! desk confirms or declines. The citizen sees the rule and their count.

use super::Floor;
use crate::booking::{algiers_midnight, full_name, load_map, subject_of};
use crate::entities::{appointment, practitioner, slot, visit};
use crate::{Actor, Core, Error, Result};
use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::dto::{AppointmentOut, NoShowsOut, PersonNoShowsOut, ReviewOut};
use shared::{AppointmentId, AppointmentStatus, CancelReason, ErrorCode, PersonId, VisitStatus};
use std::collections::HashMap;
use uuid::Uuid;

impl Core {
    /// Each of `people`'s confirmed no-shows whose appointment started
    /// within the policy's period (two queries, whatever the number of people).
    pub(crate) async fn no_shows_of<C: ConnectionTrait>(&self, db: &C, people: &[PersonId]) -> Result<HashMap<PersonId, u32>> {
        let since = self.clock().now() - Duration::days(i64::from(self.config().floor.no_show_days));
        let mut counts: HashMap<PersonId, u32> = people.iter().map(|p| (*p, 0)).collect();
        if people.is_empty() {
            return Ok(counts);
        }
        let missed = appointment::Entity::find()
            .filter(appointment::Column::SubjectId.is_in(people.to_vec()))
            .filter(appointment::Column::Status.eq(AppointmentStatus::NoShow))
            .all(db)
            .await?;
        let slots = load_map::<slot::Entity, _, _, _>(db, slot::Column::Id, missed.iter().map(|a| a.slot_id).collect(), |s| s.id).await?;
        for a in missed.iter().filter(|a| slots.get(&a.slot_id).is_some_and(|s| s.starts_at >= since)) {
            *counts.entry(subject_of(a)).or_default() += 1;
        }
        Ok(counts)
    }

    fn over_no_show_limit(&self, count: u32) -> bool {
        let limit = self.config().floor.no_show_limit;
        limit > 0 && count >= limit
    }

    /// How an online booking for `person` is made: booked, or pending the
    /// desk's confirmation when they are at the no-show limit.
    pub(crate) async fn online_booking_status<C: ConnectionTrait>(&self, db: &C, person: PersonId) -> Result<AppointmentStatus> {
        let count = self.no_shows_of(db, &[person]).await?.get(&person).copied().unwrap_or(0);
        Ok(if self.over_no_show_limit(count) { AppointmentStatus::Pending } else { AppointmentStatus::Booked })
    }
}

impl Floor {
    /// The desk's review of `date` (today or before): the facility's booked
    /// appointments whose time has passed and whose patient never arrived,
    /// or was called twice and did not come.
    pub async fn review(&self, actor: &Actor, date: NaiveDate) -> Result<Vec<ReviewOut>> {
        let facility = actor.desk_facility()?;
        let db = self.core.db();
        let now = self.core.clock().now();
        if date > self.core.today() {
            return Err(Error::code(ErrorCode::ReviewTooEarly));
        }
        let slots: HashMap<_, slot::Model> = slot::Entity::find()
            .filter(slot::Column::FacilityId.eq(facility))
            .filter(slot::Column::StartsAt.gte(algiers_midnight(date)))
            .filter(slot::Column::StartsAt.lt(algiers_midnight(date + Duration::days(1))))
            .filter(slot::Column::StartsAt.lte(now))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let booked = appointment::Entity::find()
            .filter(appointment::Column::SlotId.is_in(slots.keys().copied().collect::<Vec<_>>()))
            .filter(appointment::Column::Status.eq(AppointmentStatus::Booked))
            .all(db)
            .await?;
        let visits: HashMap<AppointmentId, VisitStatus> = visit::Entity::find()
            .filter(visit::Column::AppointmentId.is_in(booked.iter().map(|a| a.id).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|v| Some((v.appointment_id?, v.status)))
            .collect();
        let missed: Vec<&appointment::Model> = booked.iter().filter(|a| visits.get(&a.id).is_none_or(|s| *s == VisitStatus::Absent)).collect();
        let subjects: Vec<PersonId> = missed.iter().map(|a| subject_of(a)).collect();
        let names = crate::persons::named(db, &subjects).await?;
        let counts = self.core.no_shows_of(db, &subjects).await?;
        let practitioners =
            load_map::<practitioner::Entity, _, _, _>(db, practitioner::Column::Id, slots.values().map(|s| s.practitioner_id).collect(), |p| p.id).await?;
        let mut out = Vec::with_capacity(missed.len());
        for a in missed {
            let s = &slots[&a.slot_id];
            let who = names.get(&subject_of(a)).cloned().unwrap_or_default();
            out.push(ReviewOut {
                appointment_id: a.id,
                starts_at: s.starts_at,
                patient_name: who.name,
                patient_phone: who.phone,
                practitioner_name: practitioners.get(&s.practitioner_id).map(|p| full_name(&p.given_name, &p.family_name)).unwrap_or_default(),
                visit_status: visits.get(&a.id).copied(),
                no_shows: counts.get(&subject_of(a)).copied().unwrap_or(0),
            });
        }
        out.sort_by_key(|r| r.starts_at);
        Ok(out)
    }

    /// Confirms a no-show: the patient never came (or did not answer two calls).
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn mark_no_show(&self, actor: &Actor, id: AppointmentId) -> Result<()> {
        self.decide(actor, id, AppointmentStatus::NoShow, None).await
    }

    /// Records a late cancellation: the patient told the polyclinic, too
    /// late for the slot to go to someone else. Not a no-show.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn mark_late_cancellation(&self, actor: &Actor, id: AppointmentId) -> Result<()> {
        self.decide(actor, id, AppointmentStatus::Cancelled, Some(CancelReason::LateCancellation)).await
    }

    async fn decide(&self, actor: &Actor, id: AppointmentId, status: AppointmentStatus, reason: Option<CancelReason>) -> Result<()> {
        let facility = actor.desk_facility()?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let a = appointment::Entity::find_by_id(id)
            .filter(appointment::Column::FacilityId.eq(facility))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        if a.status != AppointmentStatus::Booked {
            return Err(Error::code(ErrorCode::AppointmentNotBooked));
        }
        let s = slot::Entity::find_by_id(a.slot_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        if s.starts_at > now {
            return Err(Error::code(ErrorCode::ReviewTooEarly));
        }
        let came = visit::Entity::find().filter(visit::Column::AppointmentId.eq(a.id)).one(&txn).await?.is_some_and(|v| v.status != VisitStatus::Absent);
        if came {
            return Err(Error::code(ErrorCode::AlreadyArrived));
        }
        // Only from `booked`: of two desks deciding at once, one wins.
        let done = appointment::Entity::update_many()
            .col_expr(appointment::Column::Status, Expr::value(status))
            .col_expr(appointment::Column::CancelReason, Expr::value(reason))
            .col_expr(appointment::Column::ActiveSlotId, Expr::value(Option::<Uuid>::None))
            .col_expr(appointment::Column::ActiveSpecialtyId, Expr::value(Option::<Uuid>::None))
            .col_expr(appointment::Column::ReviewedBy, Expr::value(actor.user_id))
            .col_expr(appointment::Column::ReviewedAt, Expr::value(now))
            .col_expr(appointment::Column::UpdatedAt, Expr::value(now))
            .filter(appointment::Column::Id.eq(a.id))
            .filter(appointment::Column::Status.eq(AppointmentStatus::Booked))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(Error::code(ErrorCode::AppointmentNotBooked));
        }
        self.core.withdraw_reminders(&txn, a.id).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Bookings of the desk's facility waiting for its confirmation, soonest first.
    pub async fn pending(&self, actor: &Actor) -> Result<Vec<AppointmentOut>> {
        let facility = actor.desk_facility()?;
        let list = appointment::Entity::find()
            .filter(appointment::Column::FacilityId.eq(facility))
            .filter(appointment::Column::Status.eq(AppointmentStatus::Pending))
            .order_by_asc(appointment::Column::CreatedAt)
            .all(self.core.db())
            .await?;
        let mut out = self.core.describe_all(&list).await?;
        out.sort_by_key(|a| a.starts_at);
        Ok(out)
    }

    /// The desk confirms a pending booking (it becomes booked, and the
    /// patient gets the confirmation and reminders) or declines it (the
    /// slot is freed; the patient is told).
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn confirm_pending(&self, actor: &Actor, id: AppointmentId, confirm: bool) -> Result<AppointmentOut> {
        let facility = actor.desk_facility()?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let a = appointment::Entity::find_by_id(id)
            .filter(appointment::Column::FacilityId.eq(facility))
            .filter(appointment::Column::Status.eq(AppointmentStatus::Pending))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let s = slot::Entity::find_by_id(a.slot_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        if confirm {
            let done = appointment::Entity::update_many()
                .col_expr(appointment::Column::Status, Expr::value(AppointmentStatus::Booked))
                .col_expr(appointment::Column::ReviewedBy, Expr::value(actor.user_id))
                .col_expr(appointment::Column::ReviewedAt, Expr::value(now))
                .col_expr(appointment::Column::UpdatedAt, Expr::value(now))
                .filter(appointment::Column::Id.eq(a.id))
                .filter(appointment::Column::Status.eq(AppointmentStatus::Pending))
                .exec(&txn)
                .await?;
            if done.rows_affected != 1 {
                return Err(Error::code(ErrorCode::NotFound));
            }
            self.core.queue_appointment(&txn, &a, &s, false).await?;
        } else {
            self.core.cancel_in(&txn, &a, &s, now, crate::booking::Channel::Desk, Some(CancelReason::Declined)).await?;
            appointment::Entity::update_many()
                .col_expr(appointment::Column::ReviewedBy, Expr::value(actor.user_id))
                .col_expr(appointment::Column::ReviewedAt, Expr::value(now))
                .filter(appointment::Column::Id.eq(a.id))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        if !confirm {
            self.core.after_release().await;
        }
        let a = appointment::Entity::find_by_id(id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        self.core.describe(&a, &s).await
    }

    /// The no-show rule and where the citizen and each of their dependants stand.
    pub async fn my_no_shows(&self, actor: &Actor) -> Result<NoShowsOut> {
        actor.require_citizen()?;
        let db = self.core.db();
        let people = self.core.managed_people(db, actor).await?;
        let names = crate::persons::named(db, &people).await?;
        let counts = self.core.no_shows_of(db, &people).await?;
        let mut out = Vec::with_capacity(people.len());
        for p in people {
            let count = counts.get(&p).copied().unwrap_or(0);
            out.push(PersonNoShowsOut {
                person_id: p,
                name: names.get(&p).map(|n| n.name.clone()).unwrap_or_default(),
                count,
                confirmation_needed: self.core.over_no_show_limit(count),
            });
        }
        let rules = &self.core.config().floor;
        Ok(NoShowsOut { limit: rules.no_show_limit, days: rules.no_show_days, people: out })
    }
}
