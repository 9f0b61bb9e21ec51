//! A pharmacy checks a prescription: the code printed on it and the
//! patient's birth date, no account. It sees that prescription — lines,
//! prescriber, polyclinic, date, whether it was withdrawn — and nothing
//! else of the record. A wrong code and a wrong date are the same answer.
//! Throttled per client (its own limiter), and per
//! code in the database: a few wrong dates a day
//! (`pharmacy_wrong_dates_per_code`), each a `pharmacy_check_failed` row in
//! the patient's access log, then the code answers nothing (the right date
//! included, so the answer tells nothing) until the oldest is a day old.
//! The code has 50 bits, so only someone holding the paper gets that far.
//! Each check that finds it is in the patient's log as a pharmacy check.

use crate::entities::{facility, record_access, record_entry, user};
use crate::services::Record;
use crate::{Actor, Error, Result};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::dto::{EntryData, PrescriptionCheckIn, PrescriptionCheckOut};
use shared::{AccessAction, EntryKind, ErrorCode, PersonId, Role, SessionId, UserId};
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
        self.core.pharmacy_throttle().check_ip(ip).map_err(Error::throttled)?;
        let not_found = || Error::code(ErrorCode::PrescriptionNotFound);
        let db = self.core.db();
        let found = record_entry::Entity::find()
            .filter(record_entry::Column::VerificationCode.eq(code.as_str()))
            .filter(record_entry::Column::Kind.eq(EntryKind::Prescription))
            .one(db)
            .await?;
        // The name look-up runs for an unknown code too, so that its answer
        // takes about as long as a wrong date's.
        let subject = found.as_ref().map(|e| e.subject_id).unwrap_or(PersonId(Uuid::nil()));
        let named = crate::persons::named(db, &[subject]).await?.remove(&subject).unwrap_or_default();
        let Some(e) = found else { return Err(not_found()) };
        let EntryData::Prescription { items } = serde_json::from_str(&e.body).map_err(|err| Error::Internal(format!("record entry {}: {err}", e.id)))? else {
            return Err(not_found());
        };
        let f = facility::Entity::find_by_id(e.facility_id).one(db).await?.ok_or_else(not_found)?;
        let author = user::Entity::find_by_id(e.author_id).one(db).await?.map(|u| crate::booking::full_name(&u.given_name, &u.family_name)).unwrap_or_default();
        let txn = self.core.begin_write().await?;
        crate::record::access::lock_chain(&txn, e.subject_id).await?;
        // The access log's own clock (real time), as its rows are written.
        let since = chrono::Utc::now() - chrono::Duration::hours(24);
        let failed = record_access::Entity::find()
            .filter(record_access::Column::SubjectId.eq(e.subject_id))
            .filter(record_access::Column::EntryId.eq(e.id))
            .filter(record_access::Column::Action.eq(AccessAction::PharmacyCheckFailed.code()))
            .filter(record_access::Column::At.gt(since))
            .order_by_asc(record_access::Column::At)
            .all(&txn)
            .await?;
        let budget = self.core.config().record.pharmacy_wrong_dates_per_code as usize;
        if failed.len() >= budget {
            let oldest = failed.first().map(|r| r.at).unwrap_or(since);
            return Err(Error::throttled((oldest - since).num_seconds().max(1) as u64));
        }
        if named.birth_date != Some(birth) {
            self.core.log_access(&txn, e.subject_id, &pharmacy(), None, AccessAction::PharmacyCheckFailed, Some(e.id), "").await?;
            txn.commit().await?;
            return Err(not_found());
        }
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
