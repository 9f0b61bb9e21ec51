use sea_orm::entity::prelude::*;

/// A person Sihati knows by NIN — an account holder, a dependant, a walk-in
/// patient — with one unique index over all of them. `id` is the id their
/// record is kept under.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "persons")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::PersonId,
    pub nin: String,
    pub created_at: DateTimeUtc,
}

// A NIN is personal data: not in logs.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("person::Model").field("id", &self.id).finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
