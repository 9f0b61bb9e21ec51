use sea_orm::entity::prelude::*;

/// A person's request to take over the record an account holds for them
/// as a dependant (`person_id` is the dependant's id, which becomes their
/// account's). `status` is a `shared::identity::RequestStatus` code.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "claims")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::ClaimId,
    pub person_id: shared::PersonId,
    pub holder_id: shared::UserId,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Date,
    pub sex: String,
    pub phone: String,
    pub email: Option<String>,
    pub password_hash: String,
    pub lang: String,
    pub status: shared::identity::RequestStatus,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<shared::UserId>,
}

// Names, phone and the password hash are personal: not in logs.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("claim::Model").field("id", &self.id).field("status", &self.status).finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
