use sea_orm::entity::prelude::*;

/// A citizen waiting for a slot of a specialty in a wilaya between two dates.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "waitlist_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::WaitlistEntryId,
    pub holder_id: shared::UserId,
    pub subject_id: shared::PersonId,
    pub dependant_id: Option<shared::PersonId>,
    pub specialty_id: shared::SpecialtyId,
    /// `specialty_id` while the entry is live (`waiting` or `offered`),
    /// NULL after: one live entry per subject and specialty.
    pub active_specialty_id: Option<shared::SpecialtyId>,
    pub wilaya_code: String,
    pub date_from: Date,
    pub date_to: Date,
    /// `waiting`, `offered`, `fulfilled`, `left`, `lapsed`.
    pub status: shared::WaitlistStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
