//! The in-app inbox, channel preferences, undelivered messages and signed links.

use super::*;

/// One in-app message, in the reader's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InboxItemOut {
    pub id: MessageId,
    pub kind: crate::MessageKind,
    pub title: String,
    pub body: String,
    pub appointment_id: Option<AppointmentId>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub read: bool,
}

/// The in-app inbox: the newest 100 messages and how many are unread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InboxOut {
    pub unread: u64,
    pub items: Vec<InboxItemOut>,
}

/// Which channels a citizen receives messages on (the in-app inbox always).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NotificationPrefs {
    pub email: bool,
    pub sms: bool,
}

/// A message of the facility that could not be delivered (dead letter).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UndeliveredOut {
    pub id: DeliveryId,
    pub kind: crate::MessageKind,
    /// E-mail or SMS (in-app messages are never undelivered).
    pub channel: crate::MessageChannel,
    pub attempts: i32,
    /// A short category (`connection`, `smtp_permanent 550`…), never an address.
    pub last_error: String,
    pub appointment_id: Option<AppointmentId>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// What a signed link shows: the appointment (without the patient's name)
/// and whether this link may cancel it now — a cancel link, the
/// appointment still booked, before the cut-off — decided in the domain for
/// the web page and the apps alike.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LinkAppointmentOut {
    pub appointment: AppointmentOut,
    pub can_cancel: bool,
    /// The link may say "I am coming" (booked, not started, not said yet).
    #[serde(default)]
    pub can_confirm: bool,
    /// The patient already said "I am coming".
    #[serde(default)]
    pub confirmed: bool,
    /// The QR code the desk scans on arrival (see [`super::AppointmentPassOut`]).
    #[serde(default)]
    pub arrival_code: String,
    #[serde(default)]
    pub arrival_qr: String,
    /// What to bring and do before the visit.
    #[serde(default)]
    pub instructions: super::InstructionsOut,
}
