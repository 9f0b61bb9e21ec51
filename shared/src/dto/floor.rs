//! The floor: arrivals, queues, calls, the patient's place in line.

use super::*;
use crate::{PriorityGroup, QueueReason, VisitId, VisitStatus};

/// What the desk saw on a patient's arrival.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ArrivalIn {
    /// A priority group (`pregnant`, `disability`, `elderly`), or empty.
    #[serde(default)]
    pub priority: String,
}

/// The valid form of [`ArrivalIn`].
#[derive(Clone, Debug, PartialEq)]
pub struct Arrival {
    pub priority: Option<PriorityGroup>,
}

impl ArrivalIn {
    pub fn validate(&self) -> Result<Arrival, Vec<FieldError>> {
        match self.priority.trim() {
            "" => Ok(Arrival { priority: None }),
            code => {
                PriorityGroup::parse(code).map(|p| Arrival { priority: Some(p) }).ok_or_else(|| vec![FieldError::new("priority", ErrorCode::PriorityInvalid)])
            }
        }
    }
}

/// A practitioner calls the next patient to a room.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CallIn {
    /// The room shown on the waiting-room screen (`12`, `B-3`…).
    pub room: String,
}

/// The valid form of [`CallIn`].
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub room: String,
}

/// The longest room name the screen shows.
pub const ROOM_MAX: usize = 16;

impl CallIn {
    pub fn validate(&self) -> Result<Call, Vec<FieldError>> {
        let room = self.room.trim();
        if room.is_empty() {
            return Err(vec![FieldError::new("room", ErrorCode::Required)]);
        }
        if room.chars().count() > ROOM_MAX {
            return Err(vec![FieldError::new("room", ErrorCode::TooLong)]);
        }
        Ok(Call { room: room.to_owned() })
    }
}

/// One patient on the floor today.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VisitOut {
    pub id: VisitId,
    /// `C-012`.
    pub ticket: String,
    pub status: VisitStatus,
    pub patient_name: String,
    pub specialty_name_ar: String,
    pub specialty_name_fr: String,
    pub practitioner_name: Option<String>,
    pub appointment_id: Option<AppointmentId>,
    pub appointment_at: Option<chrono::DateTime<chrono::Utc>>,
    pub urgent: bool,
    pub priority: Option<PriorityGroup>,
    pub arrived_at: chrono::DateTime<chrono::Utc>,
    pub called_at: Option<chrono::DateTime<chrono::Utc>>,
    pub room: Option<String>,
    pub started_at: Option<chrono::DateTime<chrono::Utc>>,
    pub ended_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Patients before this one in its queue (waiting patients only).
    pub position: Option<u32>,
    /// Why the patient stands there (waiting patients only).
    pub reason: Option<QueueReason>,
    pub can_start: bool,
    pub can_finish: bool,
    pub can_mark_absent: bool,
}

/// The floor as the desk or a practitioner sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QueueOut {
    /// In the order they will be called (each queue on its own; `position`
    /// counts within the patient's queue).
    pub waiting: Vec<VisitOut>,
    /// Called or in consultation, the latest call first.
    pub with_practitioner: Vec<VisitOut>,
    /// Seen, or absent for the day's review.
    pub seen: Vec<VisitOut>,
}

/// Where a patient stands today, on their phone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PositionOut {
    pub ticket: String,
    pub status: VisitStatus,
    /// Patients before them.
    pub ahead: u32,
    /// About how long before they are called, from the practitioner's
    /// recent consultations; None once called.
    pub estimate_minutes: Option<u32>,
    pub reason: Option<QueueReason>,
    /// The room, once called.
    pub room: Option<String>,
}

/// A call on the waiting-room screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BoardCall {
    pub ticket: String,
    pub room: String,
    pub specialty_name_ar: String,
    pub specialty_name_fr: String,
}

/// The tickets waiting for one service, in the order they will be called.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BoardQueue {
    pub specialty_name_ar: String,
    pub specialty_name_fr: String,
    pub tickets: Vec<String>,
}

/// The waiting-room screen: tickets, rooms and services; never a name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BoardOut {
    pub facility_name_ar: String,
    pub facility_name_fr: String,
    /// The latest calls, the newest first.
    pub called: Vec<BoardCall>,
    pub waiting: Vec<BoardQueue>,
}

/// A waiting-room screen to add.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DisplayIn {
    /// Where it hangs (`Hall A`, `Pédiatrie`…).
    pub label: String,
}

/// The valid form of [`DisplayIn`].
#[derive(Clone, Debug, PartialEq)]
pub struct NewDisplay {
    pub label: String,
}

impl DisplayIn {
    pub fn validate(&self) -> Result<NewDisplay, Vec<FieldError>> {
        let label = self.label.trim();
        match label.chars().count() {
            0 => Err(vec![FieldError::new("label", ErrorCode::Required)]),
            n if n > 60 => Err(vec![FieldError::new("label", ErrorCode::TooLong)]),
            _ => Ok(NewDisplay { label: label.to_owned() }),
        }
    }
}

/// A waiting-room screen (its token is shown only when it is added).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DisplayOut {
    pub id: crate::DisplayId,
    pub label: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub revoked: bool,
}

/// A screen just added: the address to open on the TV, shown once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DisplayCreatedOut {
    pub display: DisplayOut,
    pub token: String,
    pub url: String,
}
