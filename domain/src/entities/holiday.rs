use sea_orm::entity::prelude::*;

/// A public holiday whose date moves every year (the Islamic holidays);
/// the fixed ones are a rule in code. Edited by a health administrator.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "holidays")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::HolidayId,
    pub date: Date,
    /// `islamic` (the only kind stored; fixed holidays are computed).
    pub kind: shared::HolidayKind,
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
