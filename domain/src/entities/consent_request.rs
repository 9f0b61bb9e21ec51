use sea_orm::entity::prelude::*;

/// An account holder (`holder_id`) asks to manage the appointments and
/// record of an adult who has an account (`person_id`); `status` is a
/// `shared::identity::RequestStatus` code.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::ConsentId,
    pub holder_id: shared::UserId,
    pub person_id: shared::UserId,
    pub relation: shared::Relation,
    pub status: shared::identity::RequestStatus,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
