use sea_orm::entity::prelude::*;

/// One bookable seat with one practitioner at one facility.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "slots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::SlotId,
    pub facility_id: shared::FacilityId,
    pub practitioner_id: shared::PractitionerId,
    pub specialty_id: shared::SpecialtyId,
    pub template_id: Option<shared::TemplateId>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    /// `open`, `closed`, or `held` for a waitlist offer.
    pub status: shared::SlotStatus,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
