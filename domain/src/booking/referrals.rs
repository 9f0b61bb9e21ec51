//! Referrals: a practitioner refers a patient in their care to a specialty.
//! A referral-required specialty is booked only by using a valid, unused
//! referral of the same person; the referral is tied to that appointment
//! (unique), comes back if the appointment is cancelled, and follows it
//! when it is moved.

use super::{field, Subject};
use crate::entities::{referral, specialty, user};
use crate::services::Referrals;
use crate::{Actor, Core, Error, Result};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::dto::{ReferralIn, ReferralOut, ReferralTerms};
use shared::{AppointmentId, ErrorCode, FacilityId, ReferralId, Role, SpecialtyId};
use std::collections::HashMap;
use uuid::Uuid;

impl Referrals {
    /// Records a referral: only a practitioner, and only for a patient in
    /// their care (an appointment window or a logged look-up) — a referral
    /// speaks for the patient's health, so it is written by someone who
    /// has seen them. Anyone else's patient: not found.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn create_referral(&self, actor: &Actor, input: &ReferralIn) -> Result<ReferralOut> {
        let facility = actor.practitioner_facility()?;
        let r = input.validate(self.core.today()).map_err(Error::fields)?;
        let holder = user::Entity::find_by_id(r.patient_id).one(self.core.db()).await?.filter(|u| u.role == Role::Citizen);
        let spec = self.core.referral_specialty(&r.terms).await?;
        let (Some(holder), Some(spec)) = (holder.as_ref(), spec.as_ref().ok()) else {
            let mut errors = Vec::new();
            if holder.is_none() {
                errors.push(field("patient_id", ErrorCode::NotFound));
            }
            errors.extend(spec.err());
            return Err(Error::fields(errors));
        };
        let subject = self.core.resolve_subject(self.core.db(), holder.id, r.dependant_id).await?;
        self.core.refer(actor, facility, subject, spec, r.terms).await
    }

    /// The actor's referrals and their dependants'.
    pub async fn my_referrals(&self, actor: &Actor) -> Result<Vec<ReferralOut>> {
        let codes: HashMap<SpecialtyId, String> = specialty::Entity::find().all(self.core.db()).await?.into_iter().map(|s| (s.id, s.code)).collect();
        Ok(referral::Entity::find()
            .filter(referral::Column::HolderId.eq(actor.user_id))
            .order_by_desc(referral::Column::CreatedAt)
            .all(self.core.db())
            .await?
            .into_iter()
            .map(|r| {
                let code = codes.get(&r.specialty_id).cloned().unwrap_or_default();
                referral_out(r, &code)
            })
            .collect())
    }
}

impl Core {
    /// The specialty a referral names, or the field's error.
    pub(crate) async fn referral_specialty(&self, terms: &ReferralTerms) -> Result<std::result::Result<specialty::Model, shared::FieldError>> {
        let spec = specialty::Entity::find().filter(specialty::Column::Code.eq(terms.specialty.as_str())).one(self.db()).await?;
        Ok(spec.ok_or_else(|| field("specialty", ErrorCode::Required)))
    }

    /// Writes the referral of a patient in the practitioner's care, with
    /// its message to the patient.
    pub(crate) async fn refer(
        &self,
        actor: &Actor,
        facility: FacilityId,
        subject: Subject,
        spec: &specialty::Model,
        terms: ReferralTerms,
    ) -> Result<ReferralOut> {
        self.care_facility(self.db(), actor, subject.subject_id).await?;
        let txn = self.begin_write().await?;
        let row = referral::ActiveModel {
            id: Set(ReferralId(Uuid::new_v4())),
            holder_id: Set(subject.holder_id),
            subject_id: Set(subject.subject_id),
            dependant_id: Set(subject.dependant_id),
            specialty_id: Set(spec.id),
            priority: Set(terms.priority),
            reason: Set(terms.reason),
            expires_on: Set(terms.expires_on),
            facility_id: Set(facility),
            issued_by: Set(actor.user_id),
            used_by_appointment_id: Set(None),
            created_at: Set(self.clock().now()),
        }
        .insert(&txn)
        .await?;
        self.queue_referral(&txn, &row).await?;
        txn.commit().await?;
        Ok(referral_out(row, &spec.code))
    }

    /// Ties a referral to a new appointment: on a move, the one the moved
    /// appointment held (given back when its slot was released) if still
    /// valid on the new date; else the subject's unused one that expires
    /// first. A move of an appointment booked before its specialty asked
    /// for a referral needs none: it keeps the terms it was booked under.
    pub(crate) async fn use_referral(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        subject: &Subject,
        specialty_id: SpecialtyId,
        visit: NaiveDate,
        appointment_id: AppointmentId,
        moved: Option<super::Moved>,
    ) -> Result<()> {
        match moved {
            Some(super::Moved { held_referral: None }) => return Ok(()),
            Some(super::Moved { held_referral: Some(held) }) => {
                let kept = referral::Entity::update_many()
                    .col_expr(referral::Column::UsedByAppointmentId, Expr::value(Some(appointment_id)))
                    .filter(referral::Column::Id.eq(held))
                    .filter(referral::Column::UsedByAppointmentId.is_null())
                    .filter(referral::Column::ExpiresOn.gte(visit))
                    .exec(txn)
                    .await?
                    .rows_affected;
                if kept == 1 {
                    return Ok(());
                }
            }
            None => {}
        }
        let candidates = referral::Entity::find()
            .filter(referral::Column::SubjectId.eq(subject.subject_id))
            .filter(referral::Column::SpecialtyId.eq(specialty_id))
            .filter(referral::Column::UsedByAppointmentId.is_null())
            .filter(referral::Column::ExpiresOn.gte(visit))
            .order_by_asc(referral::Column::ExpiresOn)
            .all(txn)
            .await?;
        for r in candidates {
            // Conditional: a concurrent booking may have used it meanwhile.
            let used = referral::Entity::update_many()
                .col_expr(referral::Column::UsedByAppointmentId, Expr::value(Some(appointment_id)))
                .filter(referral::Column::Id.eq(r.id))
                .filter(referral::Column::UsedByAppointmentId.is_null())
                .exec(txn)
                .await?
                .rows_affected;
            if used == 1 {
                return Ok(());
            }
        }
        Err(Error::code(ErrorCode::ReferralRequired))
    }

    /// A cancelled appointment gives its referral back.
    pub(crate) async fn return_referral(&self, txn: &sea_orm::DatabaseTransaction, appointment_id: AppointmentId) -> Result<()> {
        referral::Entity::update_many()
            .col_expr(referral::Column::UsedByAppointmentId, Expr::value(Option::<Uuid>::None))
            .filter(referral::Column::UsedByAppointmentId.eq(appointment_id))
            .exec(txn)
            .await?;
        Ok(())
    }
}

fn referral_out(r: referral::Model, specialty: &str) -> ReferralOut {
    ReferralOut {
        id: r.id,
        specialty: specialty.to_owned(),
        priority: r.priority,
        reason: r.reason,
        expires_on: r.expires_on,
        dependant_id: r.dependant_id,
        used: r.used_by_appointment_id.is_some(),
    }
}
