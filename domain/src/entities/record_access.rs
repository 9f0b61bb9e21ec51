use sea_orm::entity::prelude::*;

/// One read or write of a patient's record data. Append-only; each row's
/// `hash` covers its fields and the previous row's hash (per patient).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "record_access_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subject_id: shared::PersonId,
    pub seq: i64,
    pub at: DateTimeUtc,
    pub actor_id: shared::UserId,
    pub actor_role: String,
    pub facility_id: Option<shared::FacilityId>,
    /// A `shared::AccessAction` code. Kept as the text that was hashed
    /// (like `actor_role`): verifying the chain reads whatever a row holds.
    pub action: String,
    pub entry_id: Option<shared::EntryId>,
    pub reason: String,
    pub prev_hash: String,
    pub hash: String,
    /// 1: `hash` is SHA-256 (rows written before the key existed); 2:
    /// HMAC-SHA-256 under the audit key.
    pub mac_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
