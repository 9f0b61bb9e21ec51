use sea_orm::entity::prelude::*;

/// An in-app notification, delivered by the outbox worker (one per outbox row).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inbox_messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::MessageId,
    pub account_id: shared::UserId,
    pub outbox_id: shared::DeliveryId,
    pub kind: shared::MessageKind,
    pub appointment_id: Option<shared::AppointmentId>,
    /// JSON `{"ar": {"title", "body"}, "fr": …, "en": …}`, rendered at delivery.
    #[sea_orm(column_type = "Text")]
    pub texts: String,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
