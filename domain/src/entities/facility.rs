use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "facilities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::FacilityId,
    /// `polyclinic`, `eph`, `chu`, `ehs`…
    pub kind: String,
    pub name_ar: String,
    pub name_fr: String,
    pub wilaya_code: String,
    pub commune_id: Option<shared::CommuneId>,
    pub address: String,
    pub phone: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
