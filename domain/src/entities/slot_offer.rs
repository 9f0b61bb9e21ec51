use sea_orm::entity::prelude::*;

/// A freed slot held for the first waiting citizen until `expires_at`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "slot_offers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::OfferId,
    pub slot_id: shared::SlotId,
    pub entry_id: shared::WaitlistEntryId,
    pub holder_id: shared::UserId,
    /// `pending`, `accepted`, `declined`, `expired`, `withdrawn`.
    pub status: shared::OfferStatus,
    /// `slot_id` / `entry_id` while pending, NULL after (unique).
    pub active_slot_id: Option<shared::SlotId>,
    pub active_entry_id: Option<shared::WaitlistEntryId>,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub responded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
