use sea_orm::entity::prelude::*;

/// A staff member's authenticator (TOTP, RFC 6238): enrolling until
/// `enrolled_at` is set by a first code that came back.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_mfa")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: shared::UserId,
    /// The secret, encrypted (ChaCha20-Poly1305 under the second-factor
    /// key, bound to the account): nonce and ciphertext, base64.
    pub secret_enc: String,
    /// Names this enrolment: its recovery codes are derived from it.
    pub enrolment_id: Uuid,
    pub enrolled_at: Option<DateTimeUtc>,
    /// The last 30-second step whose code was accepted: a code is never
    /// accepted twice (RFC 6238 §5.2).
    pub last_step: i64,
    /// Bit i set: recovery code i was used.
    pub recovery_used: i32,
    pub created_at: DateTimeUtc,
}

// The encrypted secret stays out of logs all the same.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("staff_mfa::Model").field("user_id", &self.user_id).field("enrolled", &self.enrolled_at.is_some()).finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
