//! Referrals: a practitioner refers a patient in their care to a specialty.
//! A referral-required specialty is booked only by using a valid, unused
//! referral of the same person; the referral is tied to that appointment
//! (unique), comes back if the appointment is cancelled, and follows it
//! when it is moved.

use super::{field, Subject};
use crate::entities::{referral, specialty, user};
use crate::{Actor, Domain, Error, Result};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::dto::{ReferralIn, ReferralOut};
use shared::{ErrorCode, PersonId, ReferralId, ReferralPriority, Role};
use std::collections::HashMap;
use uuid::Uuid;

impl Domain {
    /// Records a referral: only a practitioner, and only for a patient in
    /// their care (an appointment window or a logged look-up) — a referral
    /// speaks for the patient's health, so it is written by someone who
    /// has seen them. Anyone else's patient: not found.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn create_referral(&self, actor: &Actor, input: &ReferralIn) -> Result<ReferralOut> {
        let facility = crate::record::care::practitioner_facility(actor)?;
        let mut errors = Vec::new();
        let holder = match input.patient_id.trim().parse::<Uuid>() {
            Ok(id) => user::Entity::find_by_id(id).one(self.db()).await?.filter(|u| u.role == Role::Citizen),
            Err(_) => None,
        };
        if holder.is_none() {
            errors.push(field("patient_id", ErrorCode::NotFound));
        }
        let spec = specialty::Entity::find().filter(specialty::Column::Code.eq(input.specialty.trim())).one(self.db()).await?;
        if spec.is_none() {
            errors.push(field("specialty", ErrorCode::Required));
        }
        let priority = ReferralPriority::parse(input.priority.trim());
        if priority.is_none() {
            errors.push(field("priority", ErrorCode::Required));
        }
        let reason = input.reason.trim();
        if reason.is_empty() || reason.chars().count() > 1000 {
            errors.push(field("reason", ErrorCode::Required));
        }
        let today = self.today();
        let expires = shared::dto::parse_day(&input.expires_on).filter(|d| *d >= today && *d <= today + chrono::Duration::days(366));
        if expires.is_none() {
            errors.push(field("expires_on", ErrorCode::BadRequest));
        }
        let (Some(holder), Some(spec), Some(priority), Some(expires), true) = (holder, spec, priority, expires, errors.is_empty()) else {
            return Err(Error::fields(errors));
        };
        let subject = self
            .resolve_subject(
                self.db(),
                holder.id,
                shared::dto::optional_person_id(&input.dependant_id).map_err(|c| Error::fields(vec![field("dependant_id", c)]))?,
            )
            .await?;
        self.care_facility(self.db(), actor, subject.subject_id).await?;
        let txn = self.begin_write().await?;
        let row = referral::ActiveModel {
            id: Set(Uuid::new_v4()),
            holder_id: Set(subject.holder_id),
            subject_id: Set(subject.subject_id),
            dependant_id: Set(subject.dependant_id),
            specialty_id: Set(spec.id),
            priority: Set(priority),
            reason: Set(reason.into()),
            expires_on: Set(expires),
            facility_id: Set(facility),
            issued_by: Set(actor.user_id.as_uuid()),
            used_by_appointment_id: Set(None),
            created_at: Set(self.clock().now()),
        }
        .insert(&txn)
        .await?;
        self.queue_referral(&txn, &row).await?;
        txn.commit().await?;
        Ok(referral_out(row, &spec.code))
    }

    /// The actor's referrals and their dependants'.
    pub async fn my_referrals(&self, actor: &Actor) -> Result<Vec<ReferralOut>> {
        let codes: HashMap<Uuid, String> = specialty::Entity::find().all(self.db()).await?.into_iter().map(|s| (s.id, s.code)).collect();
        Ok(referral::Entity::find()
            .filter(referral::Column::HolderId.eq(actor.user_id.as_uuid()))
            .order_by_desc(referral::Column::CreatedAt)
            .all(self.db())
            .await?
            .into_iter()
            .map(|r| {
                let code = codes.get(&r.specialty_id).cloned().unwrap_or_default();
                referral_out(r, &code)
            })
            .collect())
    }

    /// Ties a referral to a new appointment: the one the moved appointment
    /// used, else the subject's oldest unused one valid on the visit's date.
    pub(crate) async fn use_referral(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        subject: &Subject,
        specialty_id: Uuid,
        visit: NaiveDate,
        appointment_id: Uuid,
        moved_from: Option<Uuid>,
    ) -> Result<()> {
        if let Some(old) = moved_from {
            let moved = referral::Entity::update_many()
                .col_expr(referral::Column::UsedByAppointmentId, Expr::value(Some(appointment_id)))
                .filter(referral::Column::UsedByAppointmentId.eq(old))
                .filter(referral::Column::ExpiresOn.gte(visit))
                .exec(txn)
                .await?
                .rows_affected;
            if moved == 1 {
                return Ok(());
            }
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
    pub(crate) async fn return_referral(&self, txn: &sea_orm::DatabaseTransaction, appointment_id: Uuid) -> Result<()> {
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
        id: ReferralId(r.id),
        specialty: specialty.to_owned(),
        priority: r.priority,
        reason: r.reason,
        expires_on: r.expires_on,
        dependant_id: r.dependant_id.map(PersonId),
        used: r.used_by_appointment_id.is_some(),
    }
}
