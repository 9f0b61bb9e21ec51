use sea_orm::entity::prelude::*;

/// A specialty a facility offers (set by the health directorate).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "facility_specialties")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub facility_id: shared::FacilityId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub specialty_id: shared::SpecialtyId,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
