//! A pharmacy checks a prescription: the code printed on it and the
//! patient's birth date, no account. It sees that prescription — lines,
//! prescriber, polyclinic, date, whether it was withdrawn — and nothing
//! else of the record. Throttled per client and per code (the code has 50
//! bits; the birth date must match too); a wrong code and a wrong date are
//! the same answer. Each check that finds it is in the patient's access
//! log, as a pharmacy check.

use crate::entities::{facility, record_entry, user};
use crate::services::Record;
use crate::{Actor, Error, Result};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::dto::{EntryData, PrescriptionCheckIn, PrescriptionCheckOut};
use shared::{AccessAction, EntryKind, ErrorCode, Role, SessionId, UserId};
use std::net::IpAddr;
use uuid::Uuid;

/// Who a pharmacy check is, in the access log: no account.
fn pharmacy() -> Actor {
    Actor {
        user_id: UserId(Uuid::nil()),
        role: Role::Pharmacy,
        facility_id: None,
        wilaya_code: None,
        session_id: SessionId(Uuid::nil()),
        phone_verified: false,
        on_web: false,
    }
}

impl Record {
    /// The prescription a code names, for a patient born on the date given.
    #[tracing::instrument(skip_all)]
    pub async fn check_prescription(&self, input: &PrescriptionCheckIn, ip: Option<IpAddr>) -> Result<PrescriptionCheckOut> {
        let (code, birth) = input.validate().map_err(Error::fields)?;
        self.core.account_throttle().check(ip, &format!("rx:{code}")).map_err(Error::throttled)?;
        let not_found = || Error::code(ErrorCode::PrescriptionNotFound);
        let db = self.core.db();
        let e = record_entry::Entity::find()
            .filter(record_entry::Column::VerificationCode.eq(code.as_str()))
            .filter(record_entry::Column::Kind.eq(EntryKind::Prescription))
            .one(db)
            .await?
            .ok_or_else(not_found)?;
        let named = crate::persons::named(db, &[e.subject_id]).await?.remove(&e.subject_id).unwrap_or_default();
        if named.birth_date != Some(birth) {
            return Err(not_found());
        }
        let EntryData::Prescription { items } = serde_json::from_str(&e.body).map_err(|err| Error::Internal(format!("record entry {}: {err}", e.id)))? else {
            return Err(not_found());
        };
        let f = facility::Entity::find_by_id(e.facility_id).one(db).await?.ok_or_else(not_found)?;
        let author = user::Entity::find_by_id(e.author_id).one(db).await?.map(|u| crate::booking::full_name(&u.given_name, &u.family_name)).unwrap_or_default();
        let txn = self.core.begin_write().await?;
        self.core.log_access(&txn, e.subject_id, &pharmacy(), None, AccessAction::PharmacyCheck, Some(e.id), "").await?;
        txn.commit().await?;
        Ok(PrescriptionCheckOut {
            code,
            patient_name: named.name,
            prescriber_name: author,
            facility_name_ar: f.name_ar,
            facility_name_fr: f.name_fr,
            prescribed_at: e.created_at,
            items,
            status: e.status,
        })
    }
}
