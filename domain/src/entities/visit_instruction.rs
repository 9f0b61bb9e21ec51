use sea_orm::entity::prelude::*;

/// A rule of pre-visit instructions (see the instructions migration):
/// the network's for a specialty, or a polyclinic's.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visit_instructions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `network:<specialty>`, `facility:<facility>` or `facility:<facility>:<specialty>`.
    #[sea_orm(unique)]
    pub scope: String,
    pub facility_id: Option<shared::FacilityId>,
    pub specialty_id: Option<shared::SpecialtyId>,
    pub previous_results: bool,
    pub fasting: bool,
    pub note_ar: String,
    pub note_fr: String,
    pub note_en: String,
    /// None for the rules seeded with the reference data.
    pub updated_by: Option<shared::UserId>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
