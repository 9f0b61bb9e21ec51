//! Availability: weekly templates, closures, holidays and the desk's day list.

use super::*;

/// A weekly availability rule, as a receptionist enters it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TemplateIn {
    pub practitioner_id: String,
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// `HH:MM`, Algiers time.
    pub start: String,
    /// `HH:MM`, Algiers time, after `start`.
    pub end: String,
    /// 5 to 240 minutes.
    pub slot_minutes: u16,
    /// `YYYY-MM-DD`
    pub valid_from: String,
    /// `YYYY-MM-DD`, optional.
    #[serde(default)]
    pub valid_to: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TemplateOut {
    pub template_id: TemplateId,
    /// Slots created within the booking horizon.
    pub slots_created: u64,
}

/// A closed day, leave, or reduced hours, entered by the desk.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClosureIn {
    /// One practitioner; empty: the whole facility.
    #[serde(default)]
    pub practitioner_id: String,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`; with `end`, only that part of the day is closed. Both
    /// empty: the whole day.
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    /// `closed`, `leave` or `reduced`.
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

/// A published template, as the desk lists them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TemplateRowOut {
    pub id: TemplateId,
    pub practitioner_id: PractitionerId,
    pub practitioner_name: String,
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// `HH:MM`, Algiers time.
    pub start: String,
    pub end: String,
    pub slot_minutes: u16,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// Ends a template: no slots after `valid_to`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TemplateEndIn {
    /// `YYYY-MM-DD`, the last day the template still makes slots.
    pub valid_to: String,
}

/// A booked appointment that a schedule change no longer covers: it was
/// kept, and must be moved or cancelled by the desk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConflictOut {
    pub appointment_id: AppointmentId,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub practitioner_name: String,
    pub patient_name: String,
    pub patient_phone: Option<String>,
}

/// What a schedule change did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ScheduleChangeOut {
    /// The closure or template changed.
    pub id: uuid::Uuid,
    /// Free slots closed by the change.
    pub slots_closed: u64,
    /// Booked appointments it conflicts with, to move or cancel — those
    /// within the caller's facility only.
    pub conflicts: Vec<ConflictOut>,
    /// Booked appointments it conflicts with outside the caller's scope
    /// (a holiday set by the directorate): each facility's desk finds
    /// them in its day list.
    #[serde(default)]
    pub conflicts_elsewhere: u64,
}

/// A moving public holiday (the fixed ones are built in).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HolidayIn {
    /// `YYYY-MM-DD`
    pub date: String,
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HolidayOut {
    pub date: NaiveDate,
    pub kind: crate::HolidayKind,
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
}

/// One slot of a practitioner's day, as the desk sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DaySlotOut {
    pub slot_id: SlotId,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub practitioner_id: PractitionerId,
    pub practitioner_name: String,
    /// Open, closed, held (offered to a waiting citizen) or booked.
    pub status: crate::DaySlotStatus,
    pub appointment_id: Option<AppointmentId>,
    pub patient_name: Option<String>,
    pub patient_phone: Option<String>,
    /// Booked at the desk rather than by the citizen.
    pub booked_at_desk: bool,
    /// Who had this slot and cancelled (or was moved away), oldest first:
    /// the desk sees cancellations as well as bookings.
    #[serde(default)]
    pub cancelled: Vec<String>,
}
