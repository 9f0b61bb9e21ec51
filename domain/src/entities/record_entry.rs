use sea_orm::entity::prelude::*;

/// One signed entry of a patient's medical record. Never deleted: the only
/// change ever made is `status` to `entered_in_error` (with a reason).
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "record_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::EntryId,
    /// The patient: a citizen's user id or a dependant's id.
    pub subject_id: shared::PersonId,
    /// The account that reads it (the patient, or the dependant's guardian).
    pub holder_id: shared::UserId,
    /// Where it was written.
    pub facility_id: shared::FacilityId,
    pub author_id: shared::UserId,
    /// `consultation`, `prescription`, `exam_request`, `exam_result`, `vaccination`, `allergy`.
    pub kind: shared::EntryKind,
    pub appointment_id: Option<shared::AppointmentId>,
    /// The entry's content, JSON (`shared::dto::EntryData`).
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// `active` or `entered_in_error`.
    pub status: shared::EntryStatus,
    /// The entry this one corrects.
    pub corrects_id: Option<shared::EntryId>,
    pub error_reason: Option<String>,
    /// Prescriptions: the code a pharmacist checks.
    pub verification_code: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

// Clinical data: never printed by a derived Debug into logs.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("record_entry::Model").field("id", &self.id).field("kind", &self.kind).finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
