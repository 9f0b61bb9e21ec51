use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practitioner_facilities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub facility_id: shared::FacilityId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub practitioner_id: shared::PractitionerId,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
