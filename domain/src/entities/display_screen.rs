use sea_orm::entity::prelude::*;

/// A waiting-room screen: opened with a secret token, of which only the
/// SHA-256 is kept (a token is random, 256 bits: no salt needed).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "display_screens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::DisplayId,
    pub facility_id: shared::FacilityId,
    pub label: String,
    pub token_hash: String,
    pub created_by: shared::UserId,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
