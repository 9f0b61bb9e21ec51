use sea_orm::entity::prelude::*;

/// One administrative act on an account (a second factor reset…): who,
/// when, on whom, in which facility.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "admin_audit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub at: DateTimeUtc,
    pub actor_id: shared::UserId,
    /// A `shared::AdminAction` code.
    pub action: String,
    pub target_user_id: Option<shared::UserId>,
    pub facility_id: Option<shared::FacilityId>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
