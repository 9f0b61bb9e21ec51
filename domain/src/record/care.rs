//! Care relationships: the only ways a practitioner reaches a patient's
//! record.
//!
//! 1. An appointment of that patient with this very practitioner (booked,
//!    arrived or fulfilled — not cancelled), within its care window: from
//!    `care_before_hours` (24) before it starts to `care_after_days` (7)
//!    after. An appointment long past, or far ahead, opens nothing, and a
//!    colleague of the same facility is not its practitioner.
//! 2. A look-up by NIN with a recorded reason (a walk-in, an emergency, a
//!    colleague's patient): it opens the record to that practitioner for
//!    [`LOOKUP_HOURS`], and the look-up itself, with its reason, is in the
//!    patient's access log.
//!
//! 3. A call from today's queue: the patient the practitioner called today
//!    at the facility (a walk-in, or a patient of their service) stays in
//!    their care until the day ends.
//!
//! Without one of these, the patient does not exist for that practitioner (404).

use crate::booking::{algiers_midnight, full_name};
use crate::entities::{appointment, care_relation, slot, visit};
use crate::persons::Person;
use crate::services::{Record, Referrals};
use crate::{Actor, Core, Error, Result};
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::dto::{CareLookupIn, CarePatientOut, CareReferralIn, ReferralOut};
use shared::{AppointmentStatus, CareVia};
use shared::{ErrorCode, FacilityId, Nin, PersonId, PractitionerId, Role, SlotId};
use std::collections::HashMap;
use uuid::Uuid;

/// How long a look-up by NIN keeps the record open to the facility.
pub const LOOKUP_HOURS: i64 = 24;

/// A patient found by NIN: (subject id, name, birth date). Staff are not
/// patients here.
async fn subject_by_nin<C: ConnectionTrait>(db: &C, nin: &Nin) -> Result<Option<(PersonId, String, Option<NaiveDate>)>> {
    Ok(match crate::persons::by_nin(db, nin.as_ref()).await? {
        Some(Person::Account(u)) if u.role == Role::Citizen => Some((u.id.as_person(), full_name(&u.given_name, &u.family_name), u.birth_date)),
        Some(Person::Dependant(d)) => Some((d.id, full_name(&d.given_name, &d.family_name), Some(d.birth_date))),
        Some(Person::WalkIn(w)) => Some((w.id, full_name(&w.given_name, &w.family_name), Some(w.birth_date))),
        _ => None,
    })
}

impl Core {
    /// The practitioner's facility, when the patient is in their care
    /// now; otherwise the patient is "not found".
    pub(crate) async fn care_facility<C: ConnectionTrait>(&self, db: &C, actor: &Actor, subject: PersonId) -> Result<FacilityId> {
        let facility = actor.practitioner_facility()?;
        let now = self.clock().now();
        let by_lookup = care_relation::Entity::find()
            .filter(care_relation::Column::FacilityId.eq(facility))
            .filter(care_relation::Column::SubjectId.eq(subject))
            .filter(care_relation::Column::PractitionerId.eq(actor.user_id))
            .filter(care_relation::Column::ExpiresAt.gt(now))
            .one(db)
            .await?
            .is_some();
        if by_lookup || self.called_today(db, actor, facility, subject).await? || self.in_appointment_window(db, actor, facility, subject, now).await? {
            Ok(facility)
        } else {
            Err(Error::code(ErrorCode::NotFound))
        }
    }

    /// Whether the actor called `subject` from today's queue at `facility`.
    async fn called_today<C: ConnectionTrait>(&self, db: &C, actor: &Actor, facility: FacilityId, subject: PersonId) -> Result<bool> {
        Ok(visit::Entity::find()
            .filter(visit::Column::FacilityId.eq(facility))
            .filter(visit::Column::Day.eq(self.today()))
            .filter(visit::Column::PersonId.eq(subject))
            .filter(visit::Column::CalledBy.eq(actor.user_id))
            .one(db)
            .await?
            .is_some())
    }

    /// An appointment of `subject` with the actor's own practitioner
    /// profile at `facility`, not cancelled, whose care window holds `now`.
    async fn in_appointment_window<C: ConnectionTrait>(
        &self,
        db: &C,
        actor: &Actor,
        facility: FacilityId,
        subject: PersonId,
        now: chrono::DateTime<Utc>,
    ) -> Result<bool> {
        let appointments = appointment::Entity::find()
            .filter(appointment::Column::SubjectId.eq(subject))
            .filter(appointment::Column::FacilityId.eq(facility))
            .filter(appointment::Column::Status.ne(AppointmentStatus::Cancelled))
            .all(db)
            .await?;
        if appointments.is_empty() {
            return Ok(false);
        }
        let mine: Vec<PractitionerId> = self.profiles_at(db, actor, facility).await?.into_iter().map(|p| p.id).collect();
        if mine.is_empty() {
            return Ok(false);
        }
        let rules = &self.config().record;
        // now ∈ [start − before, start + after]  ⇔  start ∈ [now − after, now + before]
        let in_window = slot::Entity::find()
            .filter(slot::Column::Id.is_in(appointments.iter().map(|a| a.slot_id).collect::<Vec<_>>()))
            .filter(slot::Column::PractitionerId.is_in(mine))
            .filter(slot::Column::StartsAt.gte(now - Duration::days(rules.care_after_days)))
            .filter(slot::Column::StartsAt.lte(now + Duration::hours(rules.care_before_hours)))
            .one(db)
            .await?;
        Ok(in_window.is_some())
    }

    /// Who may read one item of a patient's record: the account that holds
    /// it (the patient, or the account holding them as a verified
    /// dependant) — `None`, no facility —
    /// or a practitioner in a care relationship — their facility. Anyone
    /// else: not found.
    pub(crate) async fn reader_facility<C: ConnectionTrait>(&self, db: &C, actor: &Actor, subject: PersonId) -> Result<Option<FacilityId>> {
        match actor.role {
            // The person themself, or the account holding them as a verified
            // dependant — whoever booked the visit the entry came from.
            Role::Citizen => {
                let me = actor.user_id;
                if subject != me.as_person() && !self.verified_dependants(db, me).await?.contains(&subject) {
                    return Err(Error::code(ErrorCode::NotFound));
                }
                actor.require_verified_phone()?;
                Ok(None)
            }
            _ => Ok(Some(self.care_facility(db, actor, subject).await?)),
        }
    }
}

impl Record {
    /// A practitioner opens a patient's record by NIN, with a reason (at
    /// least a few words; it is shown to the patient).
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn open_by_nin(&self, actor: &Actor, input: &CareLookupIn) -> Result<CarePatientOut> {
        let facility = actor.practitioner_facility()?;
        let shared::dto::NinLookup { nin, reason } = input.validate().map_err(Error::fields)?;
        let reason = reason.as_str();
        // Every well-formed attempt counts, found or not: the answer tells
        // whether a NIN exists, so guessing is throttled like reading. A
        // typo or a missing reason (answered without a query) does not.
        self.core.lookup_throttle().check(None, &actor.user_id.to_string()).map_err(Error::throttled)?;
        let txn = self.core.begin_write().await?;
        let (subject, name, birth_date) = subject_by_nin(&txn, &nin).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let now = self.core.clock().now();
        care_relation::ActiveModel {
            id: Set(Uuid::new_v4()),
            facility_id: Set(facility),
            subject_id: Set(subject),
            practitioner_id: Set(actor.user_id),
            reason: Set(reason.to_owned()),
            created_at: Set(now),
            expires_at: Set(now + Duration::hours(LOOKUP_HOURS)),
        }
        .insert(&txn)
        .await?;
        self.core.log_access(&txn, subject, actor, Some(facility), shared::AccessAction::Lookup, None, reason).await?;
        txn.commit().await?;
        Ok(CarePatientOut {
            subject_id: subject,
            name,
            birth_date,
            appointment_id: None,
            starts_at: None,
            via: CareVia::Lookup,
            reason: Some(reason.to_owned()),
        })
    }

    /// The practitioner's patients today: their appointments at the
    /// facility (not cancelled), then the look-ups still open.
    pub async fn care_list(&self, actor: &Actor) -> Result<Vec<CarePatientOut>> {
        let facility = actor.practitioner_facility()?;
        let db = self.core.db();
        let today = self.core.today();
        let mine: Vec<PractitionerId> = self.core.profiles_at(db, actor, facility).await?.into_iter().map(|p| p.id).collect();
        let slots: HashMap<SlotId, slot::Model> = slot::Entity::find()
            .filter(slot::Column::FacilityId.eq(facility))
            .filter(slot::Column::PractitionerId.is_in(mine))
            .filter(slot::Column::StartsAt.gte(algiers_midnight(today)))
            .filter(slot::Column::StartsAt.lt(algiers_midnight(today + Duration::days(1))))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let appointments = appointment::Entity::find()
            .filter(appointment::Column::SlotId.is_in(slots.keys().copied().collect::<Vec<_>>()))
            .filter(appointment::Column::Status.ne(AppointmentStatus::Cancelled))
            .all(db)
            .await?;
        let relations = care_relation::Entity::find()
            .filter(care_relation::Column::FacilityId.eq(facility))
            .filter(care_relation::Column::PractitionerId.eq(actor.user_id))
            .filter(care_relation::Column::ExpiresAt.gt(self.core.clock().now()))
            .order_by_desc(care_relation::Column::CreatedAt)
            .all(db)
            .await?;
        // Patients called from the queue without an appointment of theirs (walk-ins).
        let called: Vec<visit::Model> = visit::Entity::find()
            .filter(visit::Column::FacilityId.eq(facility))
            .filter(visit::Column::Day.eq(today))
            .filter(visit::Column::CalledBy.eq(actor.user_id))
            .filter(visit::Column::AppointmentId.is_null())
            .order_by_asc(visit::Column::CalledAt)
            .all(db)
            .await?;
        let mut ids: Vec<PersonId> = appointments
            .iter()
            .map(crate::booking::subject_of)
            .chain(called.iter().map(|v| v.person_id))
            .chain(relations.iter().map(|r| r.subject_id))
            .collect();
        ids.sort();
        ids.dedup();
        let people = crate::persons::named(db, &ids).await?;
        let mut out: Vec<CarePatientOut> = appointments
            .iter()
            .filter_map(|a| {
                let s = crate::booking::subject_of(a);
                let p = people.get(&s)?;
                Some(CarePatientOut {
                    subject_id: s,
                    name: p.name.clone(),
                    birth_date: p.birth_date,
                    appointment_id: Some(a.id),
                    starts_at: slots.get(&a.slot_id).map(|s| s.starts_at),
                    via: CareVia::Appointment,
                    reason: None,
                })
            })
            .collect();
        out.sort_by_key(|p| p.starts_at);
        let mut seen: Vec<PersonId> = out.iter().map(|p| p.subject_id).collect();
        for v in called {
            if seen.contains(&v.person_id) {
                continue;
            }
            seen.push(v.person_id);
            if let Some(p) = people.get(&v.person_id) {
                out.push(CarePatientOut {
                    subject_id: v.person_id,
                    name: p.name.clone(),
                    birth_date: p.birth_date,
                    appointment_id: None,
                    starts_at: v.called_at,
                    via: CareVia::Visit,
                    reason: None,
                });
            }
        }
        for r in relations {
            if seen.contains(&r.subject_id) {
                continue;
            }
            seen.push(r.subject_id);
            if let Some(p) = people.get(&r.subject_id) {
                out.push(CarePatientOut {
                    subject_id: r.subject_id,
                    name: p.name.clone(),
                    birth_date: p.birth_date,
                    appointment_id: None,
                    starts_at: None,
                    via: CareVia::Lookup,
                    reason: Some(r.reason),
                });
            }
        }
        Ok(out)
    }
}

impl Referrals {
    /// A practitioner refers a patient in their care (citizen or dependant)
    /// to a specialty; the referral then opens referral-required booking.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn refer_in_care(&self, actor: &Actor, subject: PersonId, input: &CareReferralIn) -> Result<ReferralOut> {
        let facility = actor.practitioner_facility()?;
        let terms = input.validate(self.core.today()).map_err(Error::fields)?;
        let spec = self.core.referral_specialty(&terms).await?.map_err(|f| Error::fields(vec![f]))?;
        let holder = self.core.holder_of(self.core.db(), subject).await?;
        let dependant = (holder.as_person() != subject).then_some(subject);
        let subject = self.core.resolve_subject(self.core.db(), holder, dependant).await?;
        self.core.refer(actor, facility, subject, &spec, terms).await
    }
}
