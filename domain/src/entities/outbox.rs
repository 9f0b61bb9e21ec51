use sea_orm::entity::prelude::*;

/// One message for one channel, due at `due_at`: written in the transaction
/// of the event that causes it, sent by the outbox worker.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::DeliveryId,
    /// Unique: the event, its kind and the channel (`appt:<id>:booked:email`).
    pub dedupe_key: String,
    pub kind: shared::MessageKind,
    pub channel: shared::MessageChannel,
    /// The recipient (the account holder, also for a dependant's appointment).
    pub account_id: shared::UserId,
    pub appointment_id: Option<shared::AppointmentId>,
    /// The waitlist offer or referral the message is about, when not an appointment.
    pub subject_id: Option<Uuid>,
    /// The facility whose admins see the message if it cannot be delivered.
    pub facility_id: Option<shared::FacilityId>,
    /// JSON: what the message needs beyond the rows it names (reminder hours).
    #[sea_orm(column_type = "Text")]
    pub params: String,
    pub due_at: DateTimeUtc,
    pub status: shared::OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
