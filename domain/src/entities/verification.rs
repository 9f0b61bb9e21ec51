use sea_orm::entity::prelude::*;

/// A verification in flight: an SMS code or an email link sent to
/// `target`, for one purpose of one account.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "verifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: shared::UserId,
    pub purpose: shared::VerifyPurpose,
    /// SMS or e-mail.
    pub channel: shared::MessageChannel,
    /// Where the code or link was sent (E.164 phone or email).
    pub target: String,
    /// The phone or email it replaced, once confirmed: told of the change.
    pub previous: Option<String>,
    /// SHA-256 of the id and the code; the code itself is never stored.
    pub code_hash: String,
    pub tries: i32,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

// Phone numbers and emails: the derived Debug would print them into logs.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("verification::Model").field("id", &self.id).field("purpose", &self.purpose).finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
