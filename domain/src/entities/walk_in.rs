use sea_orm::entity::prelude::*;

/// A patient without an account, received at a desk (see the walk-ins
/// migration). `id` is their person id (their NIN is in `persons`).
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "walk_in_patients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::PersonId,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Date,
    pub sex: String,
    /// The phone the desk recorded on seeing the identity card: the one a
    /// registration with this NIN must give to take the record over.
    pub phone: Option<String>,
    /// The polyclinic that first received them.
    pub facility_id: shared::FacilityId,
    pub created_by: shared::UserId,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

// Names, birth date and phone are personal: not in logs.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("walk_in::Model").field("id", &self.id).finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
