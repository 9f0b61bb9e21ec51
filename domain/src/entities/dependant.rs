use sea_orm::entity::prelude::*;

/// A child or elderly parent an account holder books for.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dependants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::PersonId,
    pub holder_id: shared::UserId,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Date,
    pub sex: String,
    pub nin: Option<String>,
    pub relation: shared::Relation,
    /// Set when a receptionist has seen the papers.
    pub verified_at: Option<DateTimeUtc>,
    pub verified_by: Option<shared::UserId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
