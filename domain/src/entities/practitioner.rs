use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practitioners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::PractitionerId,
    /// The staff account, when the practitioner signs in.
    pub user_id: Option<shared::UserId>,
    pub given_name: String,
    pub family_name: String,
    pub specialty_id: shared::SpecialtyId,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
