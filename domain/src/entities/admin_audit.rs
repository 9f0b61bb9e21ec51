use sea_orm::entity::prelude::*;

/// One administrative act (a second factor reset, a facility created or
/// changed…): who, when, on whom or what, in which facility, before and after.
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
    /// What the act was about when it was not an account (`facility`…), and its id.
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    /// The record before and after, as JSON (none before a creation).
    pub before: Option<String>,
    pub after: Option<String>,
    /// The acting directorate's wilaya (none for a facility administrator's act).
    pub wilaya_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
