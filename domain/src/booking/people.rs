//! Dependants (children, elderly parents) an account holder books for, and
//! the desk's side of booking: finding a citizen by NIN, booking, moving
//! and cancelling on their behalf, verifying dependants.
//!
//! The desk acts only on its own facility's slots and appointments; a
//! citizen only on their own and their dependants'.

use super::{field, Channel};
use crate::entities::{appointment, dependant, slot, user};
use crate::persons::Person;
use crate::services::{Bookings, People};
use crate::{Actor, Core, Error, Result};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, SqlErr};
use shared::dto::{AppointmentOut, DependantIn, DependantOut, DeskBookIn, NinLookupIn, PersonOut};
use shared::{AppointmentId, ErrorCode, FieldError, PersonId, Role, Sex, SlotId, UserId};
use uuid::Uuid;

fn dependant_out(d: dependant::Model) -> DependantOut {
    DependantOut {
        id: d.id,
        given_name: d.given_name,
        family_name: d.family_name,
        birth_date: d.birth_date,
        sex: Sex::parse(&d.sex).unwrap_or(Sex::Female),
        nin: d.nin,
        relation: d.relation,
        verified: d.verified_at.is_some(),
    }
}

impl People {
    /// Adds a dependant (a minor) to the actor's account, unverified until
    /// the desk has seen the papers; at most `max_dependants`.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn add_dependant(&self, actor: &Actor, input: &DependantIn) -> Result<DependantOut> {
        actor.require_citizen()?;
        let today = self.core.today();
        let d = input.validate(today).map_err(Error::fields)?;
        let rules = &self.core.config().identity;
        // An adult decides for themself: never added on someone else's word
        // (the approval by an adult with an account comes with the
        // persons' model; until then, their own account or the desk).
        if crate::persons::is_at_least(d.birth_date, rules.age_of_majority, today) {
            return Err(Error::fields(vec![FieldError::new("birth_date", ErrorCode::AdultNeedsConsent)]));
        }
        let held = dependant::Entity::find().filter(dependant::Column::HolderId.eq(actor.user_id)).count(self.core.db()).await?;
        if held >= rules.max_dependants {
            return Err(Error::code(ErrorCode::TooManyDependants));
        }
        if let Some(nin) = &d.nin {
            if crate::persons::by_nin(self.core.db(), nin.as_ref()).await?.is_some() {
                return Err(Error::taken(vec![FieldError::new("nin", ErrorCode::NinTaken)]));
            }
        }
        let id = PersonId(Uuid::new_v4());
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        if let Some(nin) = &d.nin {
            crate::persons::claim_nin(&txn, id, nin.as_ref(), now).await?;
        }
        let row = dependant::ActiveModel {
            id: Set(id),
            holder_id: Set(actor.user_id),
            given_name: Set(d.given_name.to_string()),
            family_name: Set(d.family_name.to_string()),
            birth_date: Set(d.birth_date),
            sex: Set(d.sex.code().into()),
            nin: Set(d.nin.map(|n| n.to_string())),
            relation: Set(d.relation),
            verified_at: Set(None),
            verified_by: Set(None),
            created_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Error::taken(vec![FieldError::new("nin", ErrorCode::NinTaken)]),
            _ => Error::Db(e),
        })?;
        txn.commit().await?;
        Ok(dependant_out(row))
    }

    /// The actor's dependants.
    pub async fn my_dependants(&self, actor: &Actor) -> Result<Vec<DependantOut>> {
        self.core.dependants_of(actor.user_id).await
    }

    /// The desk finds a citizen (or the holder of a dependant) by NIN, with
    /// a reason, as a practitioner must: the NIN travels in a request body,
    /// never in a URL, and is not logged; every person whose data is shown
    /// (the holder and each dependant) gets a row in their access log with
    /// the reason; the answer holds what the desk needs to book and verify,
    /// not the dependants' NINs. Throttled per account like a
    /// practitioner's look-ups (every well-formed attempt counts, found or
    /// not: the answer tells whether a NIN exists).
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn lookup_by_nin(&self, actor: &Actor, input: &NinLookupIn) -> Result<PersonOut> {
        let facility = actor.desk_facility()?;
        let shared::dto::NinLookup { nin, reason } = input.validate().map_err(Error::fields)?;
        let reason = reason.as_str();
        self.core.lookup_throttle().check(None, &format!("desk:{}", actor.user_id)).map_err(Error::throttled)?;
        let txn = self.core.begin_write().await?;
        let (holder, matched) = match crate::persons::by_nin(&txn, nin.as_ref()).await? {
            Some(Person::Account(u)) if u.role == Role::Citizen => (u, None),
            Some(Person::Dependant(d)) => {
                let u = user::Entity::find_by_id(d.holder_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
                (u, Some(d))
            }
            _ => return Err(Error::code(ErrorCode::NotFound)),
        };
        let out = self.core.desk_person(&txn, holder, matched, actor, facility, reason).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// The desk marks a dependant verified after seeing the papers — a desk
    /// of one of the family's own polyclinics (where the holder or a
    /// dependant has or had an appointment); any other desk: not found.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn verify_dependant(&self, actor: &Actor, id: PersonId) -> Result<DependantOut> {
        let facility = actor.desk_facility()?;
        let d = dependant::Entity::find_by_id(id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let known_here = appointment::Entity::find()
            .filter(appointment::Column::PatientId.eq(d.holder_id))
            .filter(appointment::Column::FacilityId.eq(facility))
            .one(self.core.db())
            .await?
            .is_some();
        if !known_here {
            return Err(Error::code(ErrorCode::NotFound));
        }
        if d.verified_at.is_some() {
            return Ok(dependant_out(d));
        }
        let mut row: dependant::ActiveModel = d.into();
        row.verified_at = Set(Some(self.core.clock().now()));
        row.verified_by = Set(Some(actor.user_id));
        Ok(dependant_out(row.update(self.core.db()).await?))
    }
}

impl Core {
    async fn dependants_of(&self, holder: UserId) -> Result<Vec<DependantOut>> {
        Ok(dependant::Entity::find()
            .filter(dependant::Column::HolderId.eq(holder))
            .order_by_asc(dependant::Column::CreatedAt)
            .all(self.db())
            .await?
            .into_iter()
            .map(dependant_out)
            .collect())
    }

    /// The citizen account (not staff) with this id, for desk actions.
    async fn citizen(&self, id: UserId) -> Result<user::Model> {
        let not_found = || Error::fields(vec![field("patient_id", ErrorCode::NotFound)]);
        user::Entity::find_by_id(id).one(self.db()).await?.filter(|u| u.role == Role::Citizen).ok_or_else(not_found)
    }

    /// An active appointment at the actor's facility.
    async fn facility_appointment(&self, txn: &sea_orm::DatabaseTransaction, actor: &Actor, id: AppointmentId) -> Result<appointment::Model> {
        let facility = actor.desk_facility()?;
        appointment::Entity::find_by_id(id).filter(appointment::Column::FacilityId.eq(facility)).one(txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))
    }
}

impl Bookings {
    /// The desk books one of its own facility's slots for a citizen (or a
    /// dependant) who has no smartphone. The same rules as online apply,
    /// except the minimum notice: the patient may be standing at the desk.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn desk_book(&self, actor: &Actor, input: &DeskBookIn) -> Result<AppointmentOut> {
        let facility = actor.desk_facility()?;
        let shared::dto::DeskBooking { patient_id, booking: b } = input.validate().map_err(Error::fields)?;
        let holder = self.core.citizen(patient_id).await?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let subject = self.core.resolve_subject(&txn, holder.id, b.dependant_id).await?;
        let (s, f) = self.core.lock_open_slot(&txn, b.slot_id, now, Channel::Desk).await?;
        if s.facility_id != facility {
            return Err(Error::fields(vec![field("slot_id", ErrorCode::SlotUnavailable)]));
        }
        let (a, spec) = self
            .core
            .take_slot(&txn, &subject, actor.user_id, &s, &b.reason, now, None, shared::AppointmentStatus::Booked, shared::BookingChannel::Desk)
            .await?;
        let out = self.core.describe_taken(&txn, &a, &s, &f, &spec).await?;
        txn.commit().await?;
        self.core.slot_taken(&s, &f, &spec);
        Ok(out)
    }

    /// The desk cancels an appointment at its facility, at any time before
    /// it (no online cut-off): how conflicts of a schedule change are resolved.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn desk_cancel(&self, actor: &Actor, id: AppointmentId, input: &shared::dto::CancelIn) -> Result<AppointmentOut> {
        let reason = input.validate().map_err(Error::fields)?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let a = self.core.facility_appointment(&txn, actor, id).await?;
        let s = slot::Entity::find_by_id(a.slot_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        self.core.cancel_in(&txn, &a, &s, now, Channel::Desk, reason).await?;
        txn.commit().await?;
        self.core.after_release().await;
        let a = appointment::Entity::find_by_id(id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let s = slot::Entity::find_by_id(a.slot_id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        self.core.describe(&a, &s).await
    }

    /// The desk moves an appointment at its facility to another of its
    /// slots in the same specialty, atomically.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn desk_reschedule(&self, actor: &Actor, id: AppointmentId, slot_id: &str) -> Result<AppointmentOut> {
        let facility = actor.desk_facility()?;
        let slot_id: SlotId = slot_id.trim().parse().map_err(|_| Error::fields(vec![field("slot_id", ErrorCode::SlotUnavailable)]))?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let old = self.core.facility_appointment(&txn, actor, id).await?;
        let target = slot::Entity::find_by_id(slot_id).one(&txn).await?;
        if target.is_none_or(|s| s.facility_id != facility) {
            return Err(Error::fields(vec![field("slot_id", ErrorCode::SlotUnavailable)]));
        }
        let a = self.core.move_appointment(&txn, &old, slot_id, actor, now, Channel::Desk).await?;
        let s = slot::Entity::find_by_id(a.slot_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::SlotUnavailable))?;
        txn.commit().await?;
        self.core.after_release().await;
        self.core.describe(&a, &s).await
    }

    /// Upcoming and past appointments of a citizen found at the desk, at
    /// the actor's facility only.
    pub async fn desk_patient_appointments(&self, actor: &Actor, patient_id: UserId) -> Result<Vec<AppointmentOut>> {
        let facility = actor.desk_facility()?;
        let holder = self.core.citizen(patient_id).await?;
        let list = appointment::Entity::find()
            .filter(appointment::Column::PatientId.eq(holder.id))
            .filter(appointment::Column::FacilityId.eq(facility))
            .all(self.core.db())
            .await?;
        let mut out = self.core.describe_all(&list).await?;
        out.sort_by_key(|a| a.starts_at);
        Ok(out)
    }
}

impl Core {
    /// A citizen (and the dependant matched, if any) as the desk sees them
    /// to book: each person whose data is shown (the holder and each
    /// dependant) gets a row in their access log with the reason; the
    /// dependants' NINs are not shown.
    pub(crate) async fn desk_person(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        holder: user::Model,
        matched: Option<dependant::Model>,
        actor: &Actor,
        facility: shared::FacilityId,
        reason: &str,
    ) -> Result<PersonOut> {
        let claim = match &matched {
            Some(d) => self.open_claim_for_desk(txn, d).await?,
            None => None,
        };
        let dependants: Vec<DependantOut> = dependant::Entity::find()
            .filter(dependant::Column::HolderId.eq(holder.id))
            .order_by_asc(dependant::Column::CreatedAt)
            .all(txn)
            .await?
            .into_iter()
            .map(|d| DependantOut { nin: None, ..dependant_out(d) })
            .collect();
        self.log_access(txn, holder.id.as_person(), actor, Some(facility), shared::AccessAction::DeskLookup, None, reason).await?;
        for d in &dependants {
            self.log_access(txn, d.id, actor, Some(facility), shared::AccessAction::DeskLookup, None, reason).await?;
        }
        Ok(PersonOut {
            patient_id: holder.id,
            given_name: holder.given_name.clone(),
            family_name: holder.family_name.clone(),
            birth_date: holder.birth_date,
            phone: holder.phone.clone(),
            dependants,
            matched_dependant_id: matched.map(|d| d.id),
            claim,
        })
    }
}
