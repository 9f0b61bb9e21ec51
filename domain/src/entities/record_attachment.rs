use sea_orm::entity::prelude::*;

/// A file attached to a record entry. The bytes live in the
/// content-addressed store under `sha256`; the row says who may read them.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "record_attachments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::AttachmentId,
    pub entry_id: shared::EntryId,
    pub subject_id: shared::PersonId,
    pub holder_id: shared::UserId,
    pub facility_id: shared::FacilityId,
    pub author_id: shared::UserId,
    pub sha256: String,
    /// Found from the content: `application/pdf`, `image/jpeg` or `image/png`.
    pub media_type: String,
    pub size: i64,
    pub file_name: String,
    pub created_at: DateTimeUtc,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("record_attachment::Model").field("id", &self.id).field("media_type", &self.media_type).finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
