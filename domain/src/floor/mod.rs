//! The day at the polyclinic: arrivals, the waiting-room queues, the
//! practitioner's call, and what the waiting-room screen and the patient's
//! phone show. A visit is one patient in one queue on one day; its order
//! in the queue is computed by [`order`] from what the desk recorded, never
//! stored, so the rule can change without touching a row.
//!
//! Two practitioners pressing "call next" at once never call the same
//! patient: the call is a conditional update (`status = waiting`) that only
//! one of them can make; the other takes the next one.

pub mod checkin;
pub mod order;
mod pass;
mod review;

use crate::booking::{full_name, load_map, subject_of};
use crate::entities::{appointment, display_screen, practitioner, practitioner_facility, referral, slot, specialty, visit, walk_in};
use crate::persons::Person;
use crate::services::Floor;
use crate::{Actor, Core, Error, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::dto::{ArrivalIn, BoardCall, BoardOut, BoardQueue, CallIn, DisplayCreatedOut, DisplayIn, DisplayOut, PositionOut, QueueOut, VisitOut, WalkInIn};
use shared::{
    AppointmentId, AppointmentStatus, DisplayId, ErrorCode, FacilityId, PersonId, PractitionerId, PriorityGroup, QueueReason, ReferralPriority, Role,
    SpecialtyId, UserId, VisitId, VisitStatus,
};
use std::collections::HashMap;
use uuid::Uuid;

/// How long a consultation is assumed to take when the practitioner has
/// none recorded yet today.
const DEFAULT_CONSULTATION_MINUTES: i64 = 15;
/// How many calls the waiting-room screen shows.
const BOARD_CALLS: usize = 6;
/// How many of the practitioner's latest consultations the estimate reads.
const RECENT_CONSULTATIONS: u64 = 10;

/// What a new visit is.
pub(crate) struct NewVisit {
    pub facility: FacilityId,
    pub specialty: SpecialtyId,
    pub practitioner: Option<PractitionerId>,
    pub person: PersonId,
    pub account: Option<UserId>,
    pub appointment: Option<AppointmentId>,
    pub urgent: bool,
    pub priority: Option<PriorityGroup>,
    pub created_by: UserId,
}

/// The letter of a service's tickets: the first letter of its code.
fn ticket_letter(code: &str) -> char {
    code.chars().find(char::is_ascii_alphabetic).map(|c| c.to_ascii_uppercase()).unwrap_or('X')
}

/// `C-012`: Latin digits, read the same in both scripts.
pub fn ticket(letter: char, n: i32) -> String {
    format!("{letter}-{n:03}")
}

fn waiting_of(v: &visit::Model, appointment_at: Option<DateTime<Utc>>) -> order::Waiting<VisitId> {
    order::Waiting {
        key: v.id,
        ticket: v.ticket.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or(i32::MAX),
        arrived_at: v.arrived_at,
        appointment_at,
        urgent: v.urgent,
        priority: v.priority,
        requeued_at: v.requeued_at,
    }
}

impl Core {
    /// The next ticket number of a facility's day for a letter: one counter
    /// row, incremented in the caller's transaction (the row lock orders
    /// two desks issuing tickets at once).
    async fn next_ticket<C: ConnectionTrait>(&self, db: &C, facility: FacilityId, day: NaiveDate, letter: char) -> Result<i32> {
        use sea_orm::sea_query::ExprTrait;
        let t = Alias::new("ticket_counters");
        let last = Alias::new("last");
        let stmt = Query::insert()
            .into_table(t.clone())
            .columns([Alias::new("facility_id"), Alias::new("day"), Alias::new("letter"), last.clone()])
            .values_panic([facility.0.into(), day.into(), letter.to_string().into(), 1i32.into()])
            .on_conflict(
                OnConflict::columns([Alias::new("facility_id"), Alias::new("day"), Alias::new("letter")])
                    .value(last.clone(), Expr::col((t, last.clone())).add(1))
                    .to_owned(),
            )
            .returning_col(last)
            .to_owned();
        let row = db.query_one_raw(db.get_database_backend().build(&stmt)).await?.ok_or_else(|| Error::Internal("ticket counter".into()))?;
        Ok(row.try_get::<i32>("", "last")?)
    }

    /// Puts a patient in today's queue, with a new ticket. A second arrival
    /// for the same appointment (two desks, a double click) is the first.
    pub(crate) async fn open_visit<C: ConnectionTrait>(&self, db: &C, v: NewVisit) -> Result<visit::Model> {
        let today = self.today();
        if let Some(a) = v.appointment {
            if let Some(existing) = visit::Entity::find().filter(visit::Column::AppointmentId.eq(a)).one(db).await? {
                return Ok(existing);
            }
        }
        let already = visit::Entity::find()
            .filter(visit::Column::FacilityId.eq(v.facility))
            .filter(visit::Column::Day.eq(today))
            .filter(visit::Column::SpecialtyId.eq(v.specialty))
            .filter(visit::Column::PersonId.eq(v.person))
            .one(db)
            .await?;
        if already.is_some() {
            return Err(Error::code(ErrorCode::AlreadyInQueue));
        }
        let code = specialty::Entity::find_by_id(v.specialty).one(db).await?.map(|s| s.code).unwrap_or_default();
        let letter = ticket_letter(&code);
        let n = self.next_ticket(db, v.facility, today, letter).await?;
        let now = self.clock().now();
        Ok(visit::ActiveModel {
            id: Set(VisitId(Uuid::new_v4())),
            facility_id: Set(v.facility),
            day: Set(today),
            specialty_id: Set(v.specialty),
            practitioner_id: Set(v.practitioner),
            person_id: Set(v.person),
            account_id: Set(v.account),
            appointment_id: Set(v.appointment),
            ticket: Set(ticket(letter, n)),
            urgent: Set(v.urgent),
            priority: Set(v.priority),
            status: Set(VisitStatus::Waiting),
            arrived_at: Set(now),
            requeued_at: Set(None),
            called_at: Set(None),
            called_by: Set(None),
            room: Set(None),
            started_at: Set(None),
            ended_at: Set(None),
            created_by: Set(v.created_by),
            updated_at: Set(now),
        }
        .insert(db)
        .await?)
    }
}

/// The actor's practitioner profiles at their facility; a practitioner
/// without one there has no queue (`forbidden`).
async fn my_profiles<C: ConnectionTrait>(core: &Core, db: &C, actor: &Actor, facility: FacilityId) -> Result<Vec<practitioner::Model>> {
    let mine = core.profiles_at(db, actor, facility).await?;
    if mine.is_empty() {
        return Err(Error::code(ErrorCode::Forbidden));
    }
    Ok(mine)
}

/// The queues a practitioner calls from: their own, and their services'
/// (patients oriented to the service, not to one practitioner).
fn queue_of(mine: &[practitioner::Model]) -> Condition {
    Condition::any().add(visit::Column::PractitionerId.is_in(mine.iter().map(|p| p.id).collect::<Vec<_>>())).add(
        Condition::all()
            .add(visit::Column::PractitionerId.is_null())
            .add(visit::Column::SpecialtyId.is_in(mine.iter().map(|p| p.specialty_id).collect::<Vec<_>>())),
    )
}

/// The visits of `v`'s queue: its practitioner's, or its service's.
fn same_queue(v: &visit::Model) -> Condition {
    Condition::all().add(visit::Column::SpecialtyId.eq(v.specialty_id)).add(match v.practitioner_id {
        Some(p) => visit::Column::PractitionerId.eq(p),
        None => visit::Column::PractitionerId.is_null(),
    })
}

/// Who sees a patient the practitioner calls: the profile the visit names,
/// or, for a service's patient, the practitioner's profile in that service.
fn seen_by(mine: &[practitioner::Model], v: &visit::Model) -> Option<PractitionerId> {
    v.practitioner_id.or_else(|| mine.iter().find(|p| p.specialty_id == v.specialty_id).map(|p| p.id))
}

impl Floor {
    /// Today's visits of a facility matching `queue`, with the start of
    /// each one's appointment.
    async fn visits_today(&self, facility: FacilityId, queue: Condition) -> Result<(Vec<visit::Model>, HashMap<AppointmentId, DateTime<Utc>>)> {
        let db = self.core.db();
        let visits = visit::Entity::find()
            .filter(visit::Column::FacilityId.eq(facility))
            .filter(visit::Column::Day.eq(self.core.today()))
            .filter(queue)
            .order_by_asc(visit::Column::ArrivedAt)
            .all(db)
            .await?;
        let appointment_ids: Vec<AppointmentId> = visits.iter().filter_map(|v| v.appointment_id).collect();
        let appointments = load_map::<appointment::Entity, _, _, _>(db, appointment::Column::Id, appointment_ids, |a| a.id).await?;
        let slots = load_map::<slot::Entity, _, _, _>(db, slot::Column::Id, appointments.values().map(|a| a.slot_id).collect(), |s| s.id).await?;
        let starts = appointments.values().filter_map(|a| slots.get(&a.slot_id).map(|s| (a.id, s.starts_at))).collect();
        Ok((visits, starts))
    }

    /// Tells the screens and phones watching `facility` that its queues changed.
    fn changed(&self, facility: FacilityId) {
        // Nobody listening is not an error.
        let _ = self.events.send(facility);
    }

    /// Subscribes to the changes of every facility's queues (the
    /// waiting-room screens' live updates filter by their facility).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<FacilityId> {
        self.events.subscribe()
    }

    /// The desk marks a booked patient arrived: today's appointment at the
    /// desk's facility goes into its practitioner's queue with a ticket.
    /// Marking it again answers the same visit.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn arrive(&self, actor: &Actor, id: AppointmentId, input: &ArrivalIn) -> Result<VisitOut> {
        let facility = actor.desk_facility()?;
        let arrival = input.validate().map_err(Error::fields)?;
        let txn = self.core.begin_write().await?;
        let a = appointment::Entity::find_by_id(id)
            .filter(appointment::Column::FacilityId.eq(facility))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let v = self.arrive_in(&txn, &a, arrival.priority, actor.user_id).await?;
        txn.commit().await?;
        self.changed(facility);
        self.visit_out(facility, v.id, Viewer::Desk).await
    }

    /// A booked appointment of today arrives, in the caller's transaction:
    /// into its practitioner's queue with a ticket (the visit it already
    /// has, if it arrived before). The elderly group follows from the birth
    /// date; the other groups (and the elderly one, for a patient without a
    /// birth date) are the desk's.
    async fn arrive_in<C: ConnectionTrait>(&self, db: &C, a: &appointment::Model, priority: Option<PriorityGroup>, by: UserId) -> Result<visit::Model> {
        let s = slot::Entity::find_by_id(a.slot_id).one(db).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        if a.status != AppointmentStatus::Booked {
            return Err(Error::code(ErrorCode::AppointmentNotBooked));
        }
        if shared::time::algiers_date(s.starts_at) != self.core.today() {
            return Err(Error::code(ErrorCode::NotToday));
        }
        let priority = match priority {
            None => self.is_elderly(db, subject_of(a)).await?.then_some(PriorityGroup::Elderly),
            given => given,
        };
        let urgent = referral::Entity::find()
            .filter(referral::Column::UsedByAppointmentId.eq(a.id))
            .filter(referral::Column::Priority.eq(ReferralPriority::Urgent))
            .one(db)
            .await?
            .is_some();
        self.core
            .open_visit(
                db,
                NewVisit {
                    facility: a.facility_id,
                    specialty: a.specialty_id,
                    practitioner: Some(s.practitioner_id),
                    person: subject_of(a),
                    account: Some(a.patient_id),
                    appointment: Some(a.id),
                    urgent,
                    priority,
                    created_by: by,
                },
            )
            .await
    }

    /// The desk receives a patient by NIN: one with an appointment today
    /// in that service here is marked arrived; anyone else is a walk-in —
    /// found by NIN (an account holder, a dependant, an earlier walk-in)
    /// or, unknown, registered from the identity card as a patient without
    /// an account — put in today's queue of the service, or of one of its
    /// practitioners. In the person's access log.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn walk_in(&self, actor: &Actor, input: &WalkInIn) -> Result<VisitOut> {
        let facility = actor.desk_facility()?;
        let w = input.validate(self.core.today()).map_err(Error::fields)?;
        let field = |name: &str, code| Error::fields(vec![shared::FieldError::new(name, code)]);
        let db = self.core.db();
        let specialty = specialty::Entity::find().filter(specialty::Column::Code.eq(w.specialty.as_str())).one(db).await?;
        // The service must be practised here; the practitioner, in it, here.
        let here: Vec<practitioner::Model> = match &specialty {
            Some(s) => {
                let at: Vec<PractitionerId> = practitioner_facility::Entity::find()
                    .filter(practitioner_facility::Column::FacilityId.eq(facility))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|pf| pf.practitioner_id)
                    .collect();
                practitioner::Entity::find().filter(practitioner::Column::Id.is_in(at)).filter(practitioner::Column::SpecialtyId.eq(s.id)).all(db).await?
            }
            None => Vec::new(),
        };
        let Some(specialty) = specialty.filter(|_| !here.is_empty()) else {
            return Err(field("specialty", ErrorCode::NotFound));
        };
        if w.practitioner.is_some_and(|p| !here.iter().any(|h| h.id == p)) {
            return Err(field("practitioner_id", ErrorCode::NotFound));
        }
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let (person, account) = match crate::persons::by_nin(&txn, w.nin.as_ref()).await? {
            Some(Person::Account(u)) if u.role == Role::Citizen => (u.id.as_person(), Some(u.id)),
            Some(Person::Account(_)) => return Err(field("nin", ErrorCode::NotFound)),
            Some(Person::Dependant(d)) => (d.id, Some(d.holder_id)),
            Some(Person::WalkIn(known)) => {
                // The card seen again: a phone given now is the one a
                // registration will have to give.
                if let Some(phone) = &w.phone {
                    walk_in::Entity::update_many()
                        .col_expr(walk_in::Column::Phone, Expr::value(phone.to_string()))
                        .col_expr(walk_in::Column::UpdatedAt, Expr::value(now))
                        .filter(walk_in::Column::Id.eq(known.id))
                        .exec(&txn)
                        .await?;
                }
                (known.id, None)
            }
            None => {
                let Some(card) = &w.patient else {
                    return Err(field("nin", ErrorCode::NinUnknown));
                };
                let id = PersonId(Uuid::new_v4());
                // The NIN first: its unique index over every person decides
                // between two desks registering one person at once.
                crate::persons::claim_nin(&txn, id, w.nin.as_ref(), now).await?;
                walk_in::ActiveModel {
                    id: Set(id),
                    given_name: Set(card.given_name.to_string()),
                    family_name: Set(card.family_name.to_string()),
                    birth_date: Set(card.birth_date),
                    sex: Set(card.sex.code().to_owned()),
                    phone: Set(w.phone.as_ref().map(|p| p.to_string())),
                    facility_id: Set(facility),
                    created_by: Set(actor.user_id),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(&txn)
                .await?;
                (id, None)
            }
        };
        // Found by NIN with an appointment today in that service here: that is an arrival.
        let booked = appointment::Entity::find()
            .filter(appointment::Column::SubjectId.eq(person))
            .filter(appointment::Column::FacilityId.eq(facility))
            .filter(appointment::Column::SpecialtyId.eq(specialty.id))
            .filter(appointment::Column::Status.eq(AppointmentStatus::Booked))
            .all(&txn)
            .await?;
        let slots = load_map::<slot::Entity, _, _, _>(&txn, slot::Column::Id, booked.iter().map(|a| a.slot_id).collect(), |s| s.id).await?;
        if let Some(a) = booked.iter().find(|a| slots.get(&a.slot_id).is_some_and(|s| shared::time::algiers_date(s.starts_at) == self.core.today())) {
            let v = self.arrive_in(&txn, a, w.priority, actor.user_id).await?;
            self.core.log_access(&txn, person, actor, Some(facility), shared::AccessAction::DeskLookup, None, "").await?;
            txn.commit().await?;
            self.changed(facility);
            return self.visit_out(facility, v.id, Viewer::Desk).await;
        }
        let priority = match w.priority {
            None => self.is_elderly(&txn, person).await?.then_some(PriorityGroup::Elderly),
            given => given,
        };
        let v = self
            .core
            .open_visit(
                &txn,
                NewVisit {
                    facility,
                    specialty: specialty.id,
                    practitioner: w.practitioner,
                    person,
                    account,
                    appointment: None,
                    urgent: false,
                    priority,
                    created_by: actor.user_id,
                },
            )
            .await?;
        self.core.log_access(&txn, person, actor, Some(facility), shared::AccessAction::WalkIn, None, "").await?;
        txn.commit().await?;
        self.changed(facility);
        self.visit_out(facility, v.id, Viewer::Desk).await
    }

    /// A practitioner calls the next patient of their queue to `room`.
    /// Of two practitioners calling at once, each gets a different patient:
    /// the call only takes a visit still waiting.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn call_next(&self, actor: &Actor, input: &CallIn) -> Result<VisitOut> {
        let facility = actor.practitioner_facility()?;
        let call = input.validate().map_err(Error::fields)?;
        let mine = my_profiles(&self.core, self.core.db(), actor, facility).await?;
        // A call lost to another practitioner moves to the next patient;
        // the queue is read again each time. Every loss is someone else's
        // call, so this ends; the bound only guards against a bug.
        for _ in 0..64 {
            let (visits, starts) =
                self.visits_today(facility, Condition::all().add(queue_of(&mine)).add(visit::Column::Status.eq(VisitStatus::Waiting))).await?;
            let now = self.core.clock().now();
            let waiting: Vec<_> = visits.iter().map(|v| waiting_of(v, v.appointment_id.and_then(|a| starts.get(&a).copied()))).collect();
            let Some(first) = order::order(&waiting, self.rule(), now).into_iter().next() else {
                return Err(Error::code(ErrorCode::QueueEmpty));
            };
            let taken = visit::Entity::update_many()
                .col_expr(visit::Column::Status, Expr::value(VisitStatus::Called))
                .col_expr(visit::Column::CalledAt, Expr::value(now))
                .col_expr(visit::Column::CalledBy, Expr::value(actor.user_id))
                .col_expr(visit::Column::Room, Expr::value(call.room.clone()))
                .col_expr(visit::Column::PractitionerId, Expr::value(visits.iter().find(|v| v.id == first.key).and_then(|v| seen_by(&mine, v))))
                .col_expr(visit::Column::UpdatedAt, Expr::value(now))
                .filter(visit::Column::Id.eq(first.key))
                .filter(visit::Column::Status.eq(VisitStatus::Waiting))
                .exec(self.core.db())
                .await?;
            if taken.rows_affected == 1 {
                self.changed(facility);
                if let Err(e) = self.tell_next(facility, &mine).await {
                    // The call is made; the notice is a courtesy.
                    tracing::warn!(error = ?e, "telling the next patient failed");
                }
                return self.visit_out(facility, first.key, Viewer::Practitioner).await;
            }
        }
        Err(Error::code(ErrorCode::QueueBusy))
    }

    /// Tells the patient now first in these queues that they are next
    /// (once per visit: the outbox's dedupe key).
    async fn tell_next(&self, facility: FacilityId, mine: &[practitioner::Model]) -> Result<()> {
        let (visits, starts) = self.visits_today(facility, Condition::all().add(queue_of(mine)).add(visit::Column::Status.eq(VisitStatus::Waiting))).await?;
        let waiting: Vec<_> = visits.iter().map(|v| waiting_of(v, v.appointment_id.and_then(|a| starts.get(&a).copied()))).collect();
        let Some(next) = order::order(&waiting, self.rule(), self.core.clock().now()).into_iter().next() else { return Ok(()) };
        match visits.iter().find(|v| v.id == next.key) {
            Some(v) => self.core.queue_next(self.core.db(), v).await,
            None => Ok(()),
        }
    }

    /// Whether the person is of the configured elderly age today.
    async fn is_elderly<C: ConnectionTrait>(&self, db: &C, person: PersonId) -> Result<bool> {
        let born = crate::persons::named(db, &[person]).await?.remove(&person).and_then(|n| n.birth_date);
        Ok(born.is_some_and(|b| crate::persons::is_at_least(b, self.core.config().floor.elderly_age, self.core.today())))
    }

    /// The queue rule with this deployment's settings.
    fn rule(&self) -> order::Rule {
        order::Rule { lead: Duration::minutes(self.core.config().floor.appointment_lead_minutes) }
    }

    /// The practitioner moves a patient they called along: in consultation,
    /// done, or absent (back in the queue once; absent for the day's review
    /// the second time).
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn advance(&self, actor: &Actor, id: VisitId, to: VisitStatus) -> Result<VisitOut> {
        let facility = actor.practitioner_facility()?;
        let mine = my_profiles(&self.core, self.core.db(), actor, facility).await?;
        let v = visit::Entity::find_by_id(id)
            .filter(visit::Column::FacilityId.eq(facility))
            .filter(visit::Column::PractitionerId.is_in(mine.iter().map(|p| p.id).collect::<Vec<_>>()))
            .one(self.core.db())
            .await?
            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let now = self.core.clock().now();
        let mut row: visit::ActiveModel = v.clone().into();
        match (v.status, to) {
            (VisitStatus::Called, VisitStatus::InConsultation) => {
                row.status = Set(VisitStatus::InConsultation);
                row.started_at = Set(Some(now));
            }
            (VisitStatus::Called | VisitStatus::InConsultation, VisitStatus::Done) => {
                row.status = Set(VisitStatus::Done);
                row.started_at = Set(Some(v.started_at.unwrap_or(now)));
                row.ended_at = Set(Some(now));
            }
            (VisitStatus::Called, VisitStatus::Absent) if v.requeued_at.is_none() => {
                row.status = Set(VisitStatus::Waiting);
                row.requeued_at = Set(Some(now));
                row.called_at = Set(None);
                row.called_by = Set(None);
                row.room = Set(None);
            }
            (VisitStatus::Called, VisitStatus::Absent) => row.status = Set(VisitStatus::Absent),
            _ => return Err(Error::code(ErrorCode::VisitStateChanged)),
        }
        row.updated_at = Set(now);
        // Only from the state read: a concurrent change wins, this one is refused.
        let done =
            visit::Entity::update_many().set(row).filter(visit::Column::Id.eq(v.id)).filter(visit::Column::Status.eq(v.status)).exec(self.core.db()).await?;
        if done.rows_affected != 1 {
            return Err(Error::code(ErrorCode::VisitStateChanged));
        }
        self.changed(facility);
        self.visit_out(facility, id, Viewer::Practitioner).await
    }
}

/// What the floor pages show of one visit.
/// Who looks at the floor: the practitioner also gets each patient's
/// person id (the consultation form opens on it).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Viewer {
    Desk,
    Practitioner,
    /// The patient's phone, the waiting-room screen.
    Public,
}

struct Described {
    viewer: Viewer,
    names: HashMap<PersonId, crate::persons::Named>,
    specialties: HashMap<SpecialtyId, specialty::Model>,
    practitioners: HashMap<PractitionerId, practitioner::Model>,
}

impl Floor {
    async fn describe(&self, visits: &[visit::Model], viewer: Viewer) -> Result<Described> {
        let db = self.core.db();
        let names = crate::persons::named(db, &visits.iter().map(|v| v.person_id).collect::<Vec<_>>()).await?;
        let specialties = load_map::<specialty::Entity, _, _, _>(db, specialty::Column::Id, visits.iter().map(|v| v.specialty_id).collect(), |s| s.id).await?;
        let practitioners =
            load_map::<practitioner::Entity, _, _, _>(db, practitioner::Column::Id, visits.iter().filter_map(|v| v.practitioner_id).collect(), |p| p.id)
                .await?;
        Ok(Described { viewer, names, specialties, practitioners })
    }

    fn out(&self, v: &visit::Model, d: &Described, appointment_at: Option<DateTime<Utc>>, placed: Option<(usize, QueueReason)>) -> VisitOut {
        let s = d.specialties.get(&v.specialty_id);
        VisitOut {
            id: v.id,
            ticket: v.ticket.clone(),
            status: v.status,
            patient_name: d.names.get(&v.person_id).map(|n| n.name.clone()).unwrap_or_default(),
            patient_id: (d.viewer == Viewer::Practitioner).then_some(v.person_id),
            specialty_name_ar: s.map(|s| s.name_ar.clone()).unwrap_or_default(),
            specialty_name_fr: s.map(|s| s.name_fr.clone()).unwrap_or_default(),
            practitioner_name: v.practitioner_id.and_then(|p| d.practitioners.get(&p)).map(|p| full_name(&p.given_name, &p.family_name)),
            appointment_id: v.appointment_id,
            appointment_at,
            urgent: v.urgent,
            priority: v.priority,
            arrived_at: v.arrived_at,
            called_at: v.called_at,
            room: v.room.clone(),
            started_at: v.started_at,
            ended_at: v.ended_at,
            position: placed.map(|p| p.0 as u32),
            reason: placed.map(|p| p.1),
            can_start: v.status == VisitStatus::Called,
            can_finish: matches!(v.status, VisitStatus::Called | VisitStatus::InConsultation),
            can_mark_absent: v.status == VisitStatus::Called,
        }
    }

    /// One visit as the floor shows it, placed in its own queue.
    async fn visit_out(&self, facility: FacilityId, id: VisitId, viewer: Viewer) -> Result<VisitOut> {
        let v = visit::Entity::find_by_id(id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let queue = self.queue_at(facility, same_queue(&v), viewer).await?;
        queue.waiting.into_iter().chain(queue.with_practitioner).chain(queue.seen).find(|x| x.id == id).ok_or_else(|| Error::code(ErrorCode::NotFound))
    }

    /// A facility's day on the floor, every queue at once (or those
    /// `queue` selects): who waits in the order they will be called, who is
    /// called or with a practitioner, who was seen or marked absent.
    async fn queue_at(&self, facility: FacilityId, queue: Condition, viewer: Viewer) -> Result<QueueOut> {
        let (visits, starts) = self.visits_today(facility, queue).await?;
        let d = self.describe(&visits, viewer).await?;
        let now = self.core.clock().now();
        let at = |v: &visit::Model| v.appointment_id.and_then(|a| starts.get(&a).copied());
        // Each queue (a practitioner's, or a service's) is ordered on its own.
        let mut queues: HashMap<(SpecialtyId, Option<PractitionerId>), Vec<order::Waiting<VisitId>>> = HashMap::new();
        for v in visits.iter().filter(|v| v.status == VisitStatus::Waiting) {
            queues.entry((v.specialty_id, v.practitioner_id)).or_default().push(waiting_of(v, at(v)));
        }
        let mut placed: HashMap<VisitId, (usize, QueueReason)> = HashMap::new();
        for waiting in queues.values() {
            for (i, p) in order::order(waiting, self.rule(), now).into_iter().enumerate() {
                placed.insert(p.key, (i, p.reason));
            }
        }
        let by_id: HashMap<VisitId, &visit::Model> = visits.iter().map(|v| (v.id, v)).collect();
        let mut waiting: Vec<VisitOut> = placed.iter().filter_map(|(id, p)| by_id.get(id).map(|v| self.out(v, &d, at(v), Some(*p)))).collect();
        waiting.sort_by(|a, b| (a.position, &a.ticket).cmp(&(b.position, &b.ticket)));
        let pick = |s: &[VisitStatus]| -> Vec<VisitOut> { visits.iter().filter(|v| s.contains(&v.status)).map(|v| self.out(v, &d, at(v), None)).collect() };
        let mut with_practitioner = pick(&[VisitStatus::Called, VisitStatus::InConsultation]);
        with_practitioner.sort_by_key(|v| std::cmp::Reverse(v.called_at));
        let seen = pick(&[VisitStatus::Done, VisitStatus::Absent]);
        Ok(QueueOut { waiting, with_practitioner, seen })
    }

    /// The floor as the actor works it: a practitioner's queues, or the
    /// desk's view of every queue of the facility.
    pub async fn queue(&self, actor: &Actor) -> Result<QueueOut> {
        match actor.practitioner_facility() {
            Ok(_) => self.my_queue(actor).await,
            Err(_) => self.desk_queue(actor).await,
        }
    }

    /// The desk's view of the floor: every queue of its facility today.
    pub async fn desk_queue(&self, actor: &Actor) -> Result<QueueOut> {
        let facility = actor.desk_facility()?;
        self.queue_at(facility, Condition::all(), Viewer::Desk).await
    }

    /// The practitioner's view: their queue and their service's.
    pub async fn my_queue(&self, actor: &Actor) -> Result<QueueOut> {
        let facility = actor.practitioner_facility()?;
        let mine = my_profiles(&self.core, self.core.db(), actor, facility).await?;
        self.queue_at(facility, queue_of(&mine), Viewer::Practitioner).await
    }

    /// Where the citizen (or their dependant) stands for one of their
    /// appointments today: how many before them, about how long, and why.
    pub async fn my_position(&self, actor: &Actor, id: AppointmentId) -> Result<PositionOut> {
        actor.require_citizen()?;
        let a = self.core.own_appointment(self.core.db(), actor, id).await?;
        let v =
            visit::Entity::find().filter(visit::Column::AppointmentId.eq(a.id)).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotArrived))?;
        self.position_of(&v).await
    }

    /// Where the citizen and the people they manage stand today, at every
    /// polyclinic that received them: with an appointment or without.
    pub async fn my_places(&self, actor: &Actor) -> Result<Vec<PositionOut>> {
        actor.require_citizen()?;
        let people = self.core.managed_people(self.core.db(), actor).await?;
        let visits = visit::Entity::find()
            .filter(visit::Column::Day.eq(self.core.today()))
            .filter(visit::Column::PersonId.is_in(people))
            .order_by_asc(visit::Column::ArrivedAt)
            .all(self.core.db())
            .await?;
        let mut out = Vec::with_capacity(visits.len());
        for v in &visits {
            out.push(self.position_of(v).await?);
        }
        Ok(out)
    }

    /// One visit's place in its queue, as the patient's phone shows it.
    async fn position_of(&self, v: &visit::Model) -> Result<PositionOut> {
        let q = self.queue_at(v.facility_id, same_queue(v), Viewer::Public).await?;
        let mine =
            q.waiting.iter().chain(&q.with_practitioner).chain(&q.seen).find(|x| x.id == v.id).cloned().ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let ahead = mine.position.unwrap_or(0);
        let minutes = match v.practitioner_id {
            Some(p) if mine.status == VisitStatus::Waiting => Some(self.consultation_minutes(p).await? * i64::from(ahead)),
            _ => None,
        };
        Ok(PositionOut {
            ticket: mine.ticket,
            status: mine.status,
            ahead,
            estimate_minutes: minutes.map(|m| m as u32),
            reason: mine.reason,
            room: mine.room,
            appointment_id: v.appointment_id,
            patient_name: mine.patient_name,
            specialty_name_ar: mine.specialty_name_ar,
            specialty_name_fr: mine.specialty_name_fr,
        })
    }

    /// The practitioner's usual consultation, from their latest ones (the
    /// median, so one long case does not move every estimate).
    async fn consultation_minutes(&self, p: PractitionerId) -> Result<i64> {
        let recent = visit::Entity::find()
            .filter(visit::Column::PractitionerId.eq(p))
            .filter(visit::Column::Status.eq(VisitStatus::Done))
            .filter(visit::Column::StartedAt.is_not_null())
            .filter(visit::Column::EndedAt.is_not_null())
            .order_by_desc(visit::Column::EndedAt)
            .limit(RECENT_CONSULTATIONS)
            .all(self.core.db())
            .await?;
        let mut minutes: Vec<i64> = recent.iter().filter_map(|v| Some((v.ended_at? - v.started_at?).num_minutes().max(1))).collect();
        minutes.sort_unstable();
        Ok(minutes.get(minutes.len() / 2).copied().unwrap_or(DEFAULT_CONSULTATION_MINUTES))
    }
}

impl Floor {
    /// What the waiting-room screen of a facility shows: the latest calls
    /// (ticket and room) and the tickets waiting per service. Tickets only:
    /// no name is ever on the screen.
    pub async fn board(&self, facility: FacilityId) -> Result<BoardOut> {
        let q = self.queue_at(facility, Condition::all(), Viewer::Public).await?;
        let f = crate::entities::facility::Entity::find_by_id(facility).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let called = q
            .with_practitioner
            .iter()
            .filter(|v| v.status == VisitStatus::Called)
            .take(BOARD_CALLS)
            .map(|v| BoardCall {
                ticket: v.ticket.clone(),
                room: v.room.clone().unwrap_or_default(),
                specialty_name_ar: v.specialty_name_ar.clone(),
                specialty_name_fr: v.specialty_name_fr.clone(),
            })
            .collect();
        let mut services: Vec<BoardQueue> = Vec::new();
        for v in &q.waiting {
            match services.iter_mut().find(|s| s.specialty_name_fr == v.specialty_name_fr) {
                Some(s) => s.tickets.push(v.ticket.clone()),
                None => services.push(BoardQueue {
                    specialty_name_ar: v.specialty_name_ar.clone(),
                    specialty_name_fr: v.specialty_name_fr.clone(),
                    tickets: vec![v.ticket.clone()],
                }),
            }
        }
        let check_in_qr = checkin::qr_image(&self.check_in_url(facility))?;
        Ok(BoardOut { facility_name_ar: f.name_ar, facility_name_fr: f.name_fr, called, waiting: services, check_in_qr })
    }
}

/// A waiting-room screen's token: 32 random bytes, URL-safe.
fn new_display_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    crate::keys::hex(&Sha256::digest(token.as_bytes()))
}

impl Floor {
    /// The facility whose screen `token` opens; a revoked or unknown token is "not found".
    pub async fn display_facility(&self, token: &str) -> Result<FacilityId> {
        display_screen::Entity::find()
            .filter(display_screen::Column::TokenHash.eq(token_hash(token)))
            .filter(display_screen::Column::RevokedAt.is_null())
            .one(self.core.db())
            .await?
            .map(|d| d.facility_id)
            .ok_or_else(|| Error::code(ErrorCode::NotFound))
    }

    /// A facility admin adds a waiting-room screen; its token is shown once.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn add_display(&self, actor: &Actor, input: &DisplayIn) -> Result<DisplayCreatedOut> {
        let facility = actor.admin_facility()?;
        let d = input.validate().map_err(Error::fields)?;
        let token = new_display_token();
        let row = display_screen::ActiveModel {
            id: Set(DisplayId(Uuid::new_v4())),
            facility_id: Set(facility),
            label: Set(d.label),
            token_hash: Set(token_hash(&token)),
            created_by: Set(actor.user_id),
            created_at: Set(self.core.clock().now()),
            revoked_at: Set(None),
        }
        .insert(self.core.db())
        .await?;
        let url = format!("{}/display/{token}", self.core.config().notify.public_url.trim_end_matches('/'));
        Ok(DisplayCreatedOut { display: display_out(row), token, url })
    }

    /// The facility's screens (never their tokens).
    pub async fn displays(&self, actor: &Actor) -> Result<Vec<DisplayOut>> {
        let facility = actor.admin_facility()?;
        Ok(display_screen::Entity::find()
            .filter(display_screen::Column::FacilityId.eq(facility))
            .order_by_asc(display_screen::Column::CreatedAt)
            .all(self.core.db())
            .await?
            .into_iter()
            .map(display_out)
            .collect())
    }

    /// Turns a screen off for good: its token opens nothing any more.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn revoke_display(&self, actor: &Actor, id: DisplayId) -> Result<()> {
        let facility = actor.admin_facility()?;
        let done = display_screen::Entity::update_many()
            .col_expr(display_screen::Column::RevokedAt, Expr::value(self.core.clock().now()))
            .filter(display_screen::Column::Id.eq(id))
            .filter(display_screen::Column::FacilityId.eq(facility))
            .filter(display_screen::Column::RevokedAt.is_null())
            .exec(self.core.db())
            .await?;
        if done.rows_affected != 1 {
            return Err(Error::code(ErrorCode::NotFound));
        }
        self.changed(facility);
        Ok(())
    }

    /// Ends every live feed (the server is stopping; screens reconnect to the next one).
    pub fn close(&self) {
        let _ = self.closing.send(true);
    }

    /// Resolves once the server is stopping.
    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }
}

fn display_out(d: display_screen::Model) -> DisplayOut {
    DisplayOut { id: d.id, label: d.label, created_at: d.created_at, revoked: d.revoked_at.is_some() }
}
