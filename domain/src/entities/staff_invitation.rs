use sea_orm::entity::prelude::*;

/// An invitation to join a facility's staff: who, in which role (and a
/// practitioner's specialty), where the link goes; until when it works,
/// and whether it was accepted or withdrawn.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_invitations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub facility_id: shared::FacilityId,
    pub role: shared::Role,
    pub given_name: String,
    pub family_name: String,
    /// E.164: the link goes by SMS.
    pub phone: Option<String>,
    /// Or by email.
    pub email: Option<String>,
    /// A practitioner's specialty.
    pub specialty_id: Option<shared::SpecialtyId>,
    /// The language of the message and of the new account.
    pub lang: String,
    pub invited_by: shared::UserId,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub accepted_user_id: Option<shared::UserId>,
    pub revoked_at: Option<DateTimeUtc>,
}

// Personal data: the derived Debug would print it into logs.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("staff_invitation::Model").field("id", &self.id).field("role", &self.role).finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
