//! The medical record (DEM) that follows the patient from facility to
//! facility: entries written by practitioners, read by the patient (and a
//! dependant's guardian) and by practitioners in a care relationship.
//!
//! Access rules live here and nowhere else:
//! - a practitioner opens a patient's record only with a care relationship
//!   at their facility ([`care`]): an appointment of that patient there
//!   (booked, arrived or fulfilled), or a look-up by NIN with a recorded
//!   reason. Without one the patient is "not found";
//! - with it, the whole record is visible, whichever facility wrote it;
//! - a citizen reads their own record and their dependants', never
//!   anyone else's (queries scoped by holder);
//! - every read and write appends to the access log in the same transaction.
//!
//! Entries are never deleted or edited: a mistake is marked
//! entered-in-error (with a reason) by a practitioner of the facility that
//! wrote it, and a new entry (`corrects_id`) carries the correction.

pub mod access;
pub mod anchors;
pub mod care;
pub mod fhir;
pub mod files;
pub mod icd10;
pub mod pharmacy;

use crate::booking::full_name;
use crate::entities::{appointment, dependant, facility, record_access, record_entry, user, walk_in};
use crate::notify::Kind;
use crate::services::{Audit, Record};
use crate::{Actor, Core, Error, Result};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set};
use shared::dto::{AccessOut, AccessPage, EnteredInErrorIn, EntryData, EntryIn, EntryOut, RecordFilter};
use shared::{AccessAction, AppointmentStatus, EntryKind, EntryStatus};
use shared::{EntryId, ErrorCode, FacilityId, FieldError, PersonId, Role, UserId};
use std::collections::HashMap;
use uuid::Uuid;

fn field(name: &str, code: ErrorCode) -> FieldError {
    FieldError::new(name, code)
}

/// A prescription's verification code: 10 characters from an alphabet
/// without look-alikes, 50 bits of randomness.
fn verification_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..10).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// Narrows a record query by kind, Algiers dates, facility and patient.
fn filtered(mut q: Select<record_entry::Entity>, f: &RecordFilter) -> Select<record_entry::Entity> {
    if let Some(kind) = f.kind {
        q = q.filter(record_entry::Column::Kind.eq(kind));
    }
    if let Some(from) = f.from {
        q = q.filter(record_entry::Column::CreatedAt.gte(crate::booking::algiers_midnight(from)));
    }
    if let Some(to) = f.to {
        q = q.filter(record_entry::Column::CreatedAt.lt(crate::booking::algiers_midnight(to + chrono::Duration::days(1))));
    }
    if let Some(facility) = f.facility_id {
        q = q.filter(record_entry::Column::FacilityId.eq(facility));
    }
    if let Some(subject) = f.subject_id {
        q = q.filter(record_entry::Column::SubjectId.eq(subject));
    }
    q
}

impl Core {
    /// The account that reads a patient's record: the citizen, or the
    /// guardian of a dependant.
    pub(crate) async fn holder_of<C: ConnectionTrait>(&self, db: &C, subject: PersonId) -> Result<UserId> {
        if let Some(u) = user::Entity::find_by_id(subject.as_account()).one(db).await? {
            if u.role == Role::Citizen {
                return Ok(u.id);
            }
        }
        match dependant::Entity::find_by_id(subject).one(db).await? {
            Some(d) => Ok(d.holder_id),
            None => Err(Error::code(ErrorCode::NotFound)),
        }
    }

    /// Who the record of `subject` is kept for, and whether that account
    /// exists: a patient without an account has their record kept for the
    /// account they will have (created under their person id when they
    /// register), and nobody to tell about it yet.
    pub(crate) async fn record_holder_of<C: ConnectionTrait>(&self, db: &C, subject: PersonId) -> Result<(UserId, bool)> {
        if walk_in::Entity::find_by_id(subject).one(db).await?.is_some() {
            return Ok((subject.as_account(), false));
        }
        Ok((self.holder_of(db, subject).await?, true))
    }

    /// [`Self::my_record`], logged as `action` (a read, an export).
    pub(crate) async fn my_record_as(&self, actor: &Actor, filter: &RecordFilter, action: AccessAction) -> Result<Vec<EntryOut>> {
        actor.require_citizen()?;
        actor.require_verified_phone()?;
        let holder = actor.user_id;
        let txn = self.begin_write().await?;
        // A dependant's record is read through the account only once the
        // desk has verified the link (an unverified one can be booked for).
        let mut readable = vec![holder.as_person()];
        readable.extend(self.verified_dependants(&txn, holder).await?);
        let rows = filtered(
            // By person, not by the account that booked: an adult who let an
            // account manage them still reads what was written while it did.
            record_entry::Entity::find().filter(record_entry::Column::SubjectId.is_in(readable)),
            filter,
        )
        .order_by_desc(record_entry::Column::CreatedAt)
        .all(&txn)
        .await?;
        let mut subjects: Vec<PersonId> = rows.iter().map(|r| r.subject_id).collect();
        subjects.sort();
        subjects.dedup();
        for s in subjects {
            self.log_access(&txn, s, actor, None, action, None, "").await?;
        }
        txn.commit().await?;
        self.describe_entries(rows, None).await
    }

    /// The ids of the holder's dependants the desk has verified.
    pub(crate) async fn verified_dependants<C: ConnectionTrait>(&self, db: &C, holder: UserId) -> Result<Vec<PersonId>> {
        Ok(dependant::Entity::find()
            .filter(dependant::Column::HolderId.eq(holder))
            .filter(dependant::Column::VerifiedAt.is_not_null())
            .all(db)
            .await?
            .into_iter()
            .map(|d| d.id)
            .collect())
    }

    /// Entries with the names readers need (author, facility, patient),
    /// their attachments, and what the reader may do with each: `writer`
    /// is the facility the reader writes for (a practitioner in care), None
    /// for a patient or guardian.
    pub(crate) async fn describe_entries(&self, rows: Vec<record_entry::Model>, writer: Option<FacilityId>) -> Result<Vec<EntryOut>> {
        let db = self.db();
        let mut files = self.attachments_of(&rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
        // Authors are (staff) accounts; patients are persons.
        let mut authors: Vec<UserId> = rows.iter().map(|r| r.author_id).collect();
        authors.sort();
        authors.dedup();
        let mut people: Vec<PersonId> = rows.iter().map(|r| r.subject_id).collect();
        people.sort();
        people.dedup();
        let users: HashMap<UserId, String> = user::Entity::find()
            .filter(user::Column::Id.is_in(authors))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, full_name(&u.given_name, &u.family_name)))
            .collect();
        let patients = crate::persons::named(db, &people).await?;
        let facilities: HashMap<FacilityId, facility::Model> = facility::Entity::find()
            .filter(facility::Column::Id.is_in(rows.iter().map(|r| r.facility_id).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect();
        rows.into_iter()
            .map(|r| {
                let data: EntryData = serde_json::from_str(&r.body).map_err(|e| Error::Internal(format!("record entry {}: {e}", r.id)))?;
                let f = facilities.get(&r.facility_id);
                let correctable = r.status == EntryStatus::Active && writer == Some(r.facility_id);
                Ok(EntryOut {
                    id: r.id,
                    subject_id: r.subject_id,
                    patient_name: patients.get(&r.subject_id).map(|p| p.name.clone()).unwrap_or_default(),
                    data,
                    appointment_id: r.appointment_id,
                    facility_id: r.facility_id,
                    facility_name_ar: f.map(|f| f.name_ar.clone()).unwrap_or_default(),
                    facility_name_fr: f.map(|f| f.name_fr.clone()).unwrap_or_default(),
                    author_name: users.get(&r.author_id).cloned().unwrap_or_default(),
                    created_at: r.created_at,
                    status: r.status,
                    error_reason: r.error_reason,
                    corrects_id: r.corrects_id,
                    verification_code: r.verification_code,
                    attachments: files.remove(&r.id).unwrap_or_default(),
                    can_mark_error: correctable,
                    can_attach: correctable && r.kind == EntryKind::ExamResult,
                })
            })
            .collect()
    }
}

impl Record {
    /// A practitioner writes an entry for a patient in their care. A
    /// consultation linked to an appointment marks it fulfilled; a
    /// prescription gets a verification code; a prescription or a result
    /// tells the patient it is there.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn write_entry(&self, actor: &Actor, subject: PersonId, input: &EntryIn) -> Result<EntryOut> {
        let facility = self.core.care_facility(self.core.db(), actor, subject).await?;
        input.validate(self.core.today()).map_err(Error::fields)?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let (holder, told) = self.core.record_holder_of(&txn, subject).await?;
        if let Some(id) = input.appointment_id {
            let a = appointment::Entity::find_by_id(id)
                .filter(appointment::Column::SubjectId.eq(subject))
                .filter(appointment::Column::FacilityId.eq(facility))
                .one(&txn)
                .await?
                .ok_or_else(|| Error::fields(vec![field("appointment_id", ErrorCode::NotFound)]))?;
            if matches!(input.data, EntryData::Consultation { .. }) && a.status == AppointmentStatus::Booked {
                appointment::Entity::update_many()
                    .col_expr(appointment::Column::Status, Expr::value(AppointmentStatus::Fulfilled))
                    .col_expr(appointment::Column::ActiveSlotId, Expr::value(Option::<Uuid>::None))
                    .col_expr(appointment::Column::ActiveSpecialtyId, Expr::value(Option::<Uuid>::None))
                    .col_expr(appointment::Column::UpdatedAt, Expr::value(now))
                    .filter(appointment::Column::Id.eq(a.id))
                    .exec(&txn)
                    .await?;
                self.core.withdraw_reminders(&txn, a.id).await?;
            }
        }
        if let Some(c) = input.corrects_id {
            let wrong = record_entry::Entity::find_by_id(c)
                .filter(record_entry::Column::SubjectId.eq(subject))
                .filter(record_entry::Column::Status.eq(EntryStatus::EnteredInError))
                .one(&txn)
                .await?;
            if wrong.is_none() {
                return Err(Error::fields(vec![field("corrects_id", ErrorCode::NotFound)]));
            }
        }
        let kind = input.data.kind();
        let row = record_entry::ActiveModel {
            id: Set(EntryId(Uuid::new_v4())),
            subject_id: Set(subject),
            holder_id: Set(holder),
            facility_id: Set(facility),
            author_id: Set(actor.user_id),
            kind: Set(kind),
            appointment_id: Set(input.appointment_id),
            body: Set(serde_json::to_string(&input.data).map_err(|e| Error::Internal(e.to_string()))?),
            status: Set(EntryStatus::Active),
            corrects_id: Set(input.corrects_id),
            error_reason: Set(None),
            verification_code: Set((kind == EntryKind::Prescription).then(verification_code)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        self.core.log_access(&txn, subject, actor, Some(facility), AccessAction::WriteEntry, Some(row.id), "").await?;
        match kind {
            EntryKind::Prescription if told => self.core.queue_record_news(&txn, &row, Kind::Prescription).await?,
            EntryKind::ExamResult if told => self.core.queue_record_news(&txn, &row, Kind::Result).await?,
            _ => {}
        }
        txn.commit().await?;
        Ok(self.core.describe_entries(vec![row], Some(facility)).await?.remove(0))
    }

    /// Marks an entry of the practitioner's facility entered-in-error. It
    /// stays in the record, shown as such, with the reason.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn mark_entered_in_error(&self, actor: &Actor, id: EntryId, input: &EnteredInErrorIn) -> Result<EntryOut> {
        let reason = input.validate().map_err(Error::fields)?;
        let reason = reason.as_str();
        let txn = self.core.begin_write().await?;
        let e = record_entry::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let facility = self.core.care_facility(&txn, actor, e.subject_id).await?;
        if e.facility_id != facility {
            return Err(Error::code(ErrorCode::NotFound));
        }
        let changed = record_entry::Entity::update_many()
            .col_expr(record_entry::Column::Status, Expr::value(EntryStatus::EnteredInError))
            .col_expr(record_entry::Column::ErrorReason, Expr::value(Some(reason.to_owned())))
            .col_expr(record_entry::Column::UpdatedAt, Expr::value(self.core.clock().now()))
            .filter(record_entry::Column::Id.eq(id))
            .filter(record_entry::Column::Status.eq(EntryStatus::Active))
            .exec(&txn)
            .await?
            .rows_affected;
        if changed != 1 {
            return Err(Error::code(ErrorCode::ValidationFailed));
        }
        self.core.log_access(&txn, e.subject_id, actor, Some(facility), AccessAction::MarkError, Some(id), reason).await?;
        txn.commit().await?;
        let e = record_entry::Entity::find_by_id(id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        Ok(self.core.describe_entries(vec![e], Some(facility)).await?.remove(0))
    }

    /// A patient's whole record, for a practitioner in their care.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn patient_record(&self, actor: &Actor, subject: PersonId, filter: &RecordFilter) -> Result<Vec<EntryOut>> {
        let txn = self.core.begin_write().await?;
        let facility = self.core.care_facility(&txn, actor, subject).await?;
        self.core.log_access(&txn, subject, actor, Some(facility), AccessAction::ReadRecord, None, "").await?;
        let rows = filtered(record_entry::Entity::find().filter(record_entry::Column::SubjectId.eq(subject)), filter)
            .order_by_desc(record_entry::Column::CreatedAt)
            .all(&txn)
            .await?;
        txn.commit().await?;
        self.core.describe_entries(rows, Some(facility)).await
    }

    /// One entry, for its patient (or guardian) or a practitioner in a
    /// care relationship; logged. Anyone else: not found.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn entry_for(&self, actor: &Actor, id: EntryId) -> Result<EntryOut> {
        let txn = self.core.begin_write().await?;
        let e = record_entry::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let facility = self.core.reader_facility(&txn, actor, e.subject_id).await?;
        self.core.log_access(&txn, e.subject_id, actor, facility, AccessAction::ReadEntry, Some(e.id), "").await?;
        txn.commit().await?;
        Ok(self.core.describe_entries(vec![e], facility).await?.remove(0))
    }

    /// The citizen's own record and their dependants', newest first.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn my_record(&self, actor: &Actor, filter: &RecordFilter) -> Result<Vec<EntryOut>> {
        self.core.my_record_as(actor, filter, AccessAction::ReadRecord).await
    }
}

impl Audit {
    /// "Who looked at my record": the accesses to the citizen's record and
    /// their dependants', newest first, a page at a time: every row, not
    /// the last few hundred. `before` is the previous page's cursor.
    pub async fn my_record_accesses(&self, actor: &Actor, before: Option<&str>, limit: u64) -> Result<AccessPage> {
        actor.require_citizen()?;
        actor.require_verified_phone()?;
        let holder = actor.user_id;
        let mut subjects = vec![holder.as_person()];
        subjects.extend(dependant::Entity::find().filter(dependant::Column::HolderId.eq(holder)).all(self.core.db()).await?.into_iter().map(|d| d.id));
        let limit = limit.clamp(1, 200);
        let mut q = record_access::Entity::find().filter(record_access::Column::SubjectId.is_in(subjects));
        if let Some(cursor) = before.filter(|c| !c.is_empty()) {
            // `at` then `id`, both descending: a total order, so no row is
            // skipped or repeated between pages.
            let (at, id) = parse_cursor(cursor).ok_or_else(|| Error::code(ErrorCode::BadRequest))?;
            q = q.filter(
                sea_orm::Condition::any()
                    .add(record_access::Column::At.lt(at))
                    .add(sea_orm::Condition::all().add(record_access::Column::At.eq(at)).add(record_access::Column::Id.lt(id))),
            );
        }
        let mut rows = q.order_by_desc(record_access::Column::At).order_by_desc(record_access::Column::Id).limit(limit + 1).all(self.core.db()).await?;
        let next_cursor = if rows.len() as u64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|r| format!("{}.{}", r.at.timestamp_micros(), r.id))
        } else {
            None
        };
        let actors: HashMap<UserId, user::Model> = user::Entity::find()
            .filter(user::Column::Id.is_in(rows.iter().map(|r| r.actor_id).collect::<Vec<_>>()))
            .all(self.core.db())
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let facilities: HashMap<FacilityId, facility::Model> = facility::Entity::find()
            .filter(facility::Column::Id.is_in(rows.iter().filter_map(|r| r.facility_id).collect::<Vec<_>>()))
            .all(self.core.db())
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect();
        let items = rows
            .into_iter()
            .map(|r| {
                let f = r.facility_id.and_then(|id| facilities.get(&id));
                AccessOut {
                    at: r.at,
                    subject_id: r.subject_id,
                    actor_name: actors.get(&r.actor_id).map(|u| full_name(&u.given_name, &u.family_name)).unwrap_or_default(),
                    actor_role: Role::parse(&r.actor_role).unwrap_or(Role::Citizen),
                    facility_name_ar: f.map(|f| f.name_ar.clone()),
                    facility_name_fr: f.map(|f| f.name_fr.clone()),
                    // A code this version does not know (a newer writer) reads as a read.
                    action: AccessAction::parse(&r.action).unwrap_or(AccessAction::ReadRecord),
                    entry_id: r.entry_id,
                    reason: r.reason,
                }
            })
            .collect();
        Ok(AccessPage { items, next_cursor })
    }
}

/// A "who looked" cursor: `<microseconds>.<row id>`.
fn parse_cursor(c: &str) -> Option<(chrono::DateTime<chrono::Utc>, Uuid)> {
    let (micros, id) = c.split_once('.')?;
    Some((chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?, id.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_codes_are_ten_unambiguous_characters() {
        let c = verification_code();
        assert_eq!(c.len(), 10);
        assert!(c.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit()) && !c.contains(['O', '0', 'I', '1']));
        assert_ne!(c, verification_code());
    }
}
