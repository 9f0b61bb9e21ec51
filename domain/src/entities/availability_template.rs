use sea_orm::entity::prelude::*;

/// A weekly rule: on `weekday` (1 = Monday … 7 = Sunday), from `start_minute`
/// to `end_minute` (minutes after midnight, Algiers time), slots of
/// `slot_minutes`, between `valid_from` and `valid_to`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "availability_templates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::TemplateId,
    pub facility_id: shared::FacilityId,
    pub practitioner_id: shared::PractitionerId,
    pub weekday: i32,
    pub start_minute: i32,
    pub end_minute: i32,
    pub slot_minutes: i32,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub created_by: shared::UserId,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
