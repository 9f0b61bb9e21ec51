use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "communes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::CommuneId,
    pub wilaya_code: String,
    pub name_fr: String,
    pub name_ar: String,
    pub name_en: String,
    /// Empty for 27 communes in the source.
    pub postal_code: Option<String>,
    pub daira_fr: String,
    pub daira_ar: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
