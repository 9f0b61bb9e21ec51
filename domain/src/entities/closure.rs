use sea_orm::entity::prelude::*;

/// A period a facility, or one of its practitioners, does not see patients:
/// leave, a closed day, or reduced hours (the closed part of the day).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "closures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::ClosureId,
    pub facility_id: shared::FacilityId,
    /// NULL: the whole facility.
    pub practitioner_id: Option<shared::PractitionerId>,
    pub date: Date,
    /// Minutes after midnight, Algiers time; both NULL: the whole day.
    pub start_minute: Option<i32>,
    pub end_minute: Option<i32>,
    /// `leave`, `closed` or `reduced`.
    pub kind: shared::ClosureKind,
    pub note: Option<String>,
    pub created_by: shared::UserId,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
