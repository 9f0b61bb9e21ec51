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

/// The desk puts a patient without an appointment in today's queue of a
/// service (or of one of its practitioners). A person Sihati knows is
/// found by NIN; for anyone else the desk copies the identity card (the
/// answer `nin_unknown` on `nin` asks for it) and they become a patient
/// without an account, whose record waits for them to register.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WalkInIn {
    pub nin: String,
    /// The service: a specialty code (`cardio`…) offered at the desk's facility.
    pub specialty: String,
    /// One practitioner's queue; empty for the service's.
    #[serde(default)]
    pub practitioner_id: String,
    /// A priority group (`pregnant`, `disability`, `elderly`), or empty.
    #[serde(default)]
    pub priority: String,
    /// For a person Sihati does not know yet, as on the identity card.
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    /// `YYYY-MM-DD`
    #[serde(default)]
    pub birth_date: String,
    /// `female` or `male`
    #[serde(default)]
    pub sex: String,
    /// Optional. For a patient without an account, the phone a later
    /// registration must give to take the record over (also recorded for
    /// one already received, the card seen).
    #[serde(default)]
    pub phone: String,
}

/// What the desk copied from the identity card of a new patient.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPatient {
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub birth_date: NaiveDate,
    pub sex: Sex,
}

/// The valid form of [`WalkInIn`].
#[derive(Clone, Debug, PartialEq)]
pub struct WalkIn {
    pub nin: Nin,
    pub specialty: String,
    pub practitioner: Option<PractitionerId>,
    pub priority: Option<PriorityGroup>,
    /// Given when any of the card's fields was.
    pub patient: Option<NewPatient>,
    pub phone: Option<Phone>,
}

impl WalkInIn {
    pub fn validate(&self, today: NaiveDate) -> Result<WalkIn, Vec<FieldError>> {
        let mut e = Vec::new();
        let nin = check(&mut e, "nin", Nin::parse(&self.nin));
        let specialty = check(&mut e, "specialty", required(&self.specialty).map(|s| s.trim().to_owned()));
        let practitioner = check(
            &mut e,
            "practitioner_id",
            match self.practitioner_id.trim() {
                "" => Ok(None),
                id => id.parse().map(Some).map_err(|_| ErrorCode::NotFound),
            },
        );
        let priority = match (ArrivalIn { priority: self.priority.clone() }).validate() {
            Ok(a) => Some(a.priority),
            Err(mut f) => {
                e.append(&mut f);
                None
            }
        };
        let card = [&self.given_name, &self.family_name, &self.birth_date, &self.sex];
        let patient = if card.iter().all(|f| f.trim().is_empty()) {
            Some(None)
        } else {
            let given_name = check(&mut e, "given_name", required(&self.given_name).and_then(PersonName::parse));
            let family_name = check(&mut e, "family_name", required(&self.family_name).and_then(PersonName::parse));
            let birth_date = check(&mut e, "birth_date", parse_birth_date(&self.birth_date, today));
            let sex = check(&mut e, "sex", required(&self.sex).and_then(|s| Sex::parse(s).ok_or(ErrorCode::SexInvalid)));
            match (given_name, family_name, birth_date, sex) {
                (Some(given_name), Some(family_name), Some(birth_date), Some(sex)) => Some(Some(NewPatient { given_name, family_name, birth_date, sex })),
                _ => None,
            }
        };
        let phone = check(&mut e, "phone", if self.phone.trim().is_empty() { Ok(None) } else { Phone::parse(&self.phone).map(Some) });
        match (nin, specialty, practitioner, priority, patient, phone) {
            (Some(nin), Some(specialty), Some(practitioner), Some(priority), Some(patient), Some(phone)) if e.is_empty() => {
                Ok(WalkIn { nin, specialty, practitioner, priority, patient, phone })
            }
            _ => Err(e),
        }
    }
}

/// Why an appointment is cancelled: a [`crate::CancelReason`] the person
/// may choose (`not_needed`, `unavailable`, `booked_elsewhere`, `other`),
/// or nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CancelIn {
    #[serde(default)]
    pub reason: String,
}

impl CancelIn {
    pub fn validate(&self) -> Result<Option<crate::CancelReason>, Vec<FieldError>> {
        match self.reason.trim() {
            "" => Ok(None),
            code => crate::CancelReason::parse(code)
                .filter(|r| crate::CancelReason::CHOSEN.contains(r))
                .map(Some)
                .ok_or_else(|| vec![FieldError::new("reason", ErrorCode::ReasonInvalid)]),
        }
    }
}

/// A booked patient who never arrived, for the desk's review of a day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReviewOut {
    pub appointment_id: AppointmentId,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub patient_name: String,
    pub patient_phone: Option<String>,
    pub practitioner_name: String,
    /// `absent` when they were called twice and did not come; None when
    /// they never arrived.
    pub visit_status: Option<VisitStatus>,
    /// Their no-shows already confirmed within the policy's period.
    pub no_shows: u32,
}

/// One person's no-shows, as the citizen sees them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PersonNoShowsOut {
    pub person_id: PersonId,
    pub name: String,
    /// Confirmed no-shows within the last `days`.
    pub count: u32,
    /// At `limit` or more, online bookings wait for the desk's confirmation.
    pub confirmation_needed: bool,
}

/// The no-show rule and where the citizen (and each of their dependants) stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NoShowsOut {
    /// From this many no-shows in `days` days, online bookings wait for the desk (0: never).
    pub limit: u32,
    pub days: u32,
    pub people: Vec<PersonNoShowsOut>,
}

/// A citizen checks in with the code of a waiting-room screen's QR code.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckInIn {
    /// The last part of the address the QR code holds (`…/checkin/<code>`).
    pub code: String,
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
    /// The patient's person id, for the practitioner who called them (the
    /// consultation form opens on it); None in the desk's view.
    pub patient_id: Option<PersonId>,
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
    /// The appointment the visit is for; None for a visit without one.
    #[serde(default)]
    pub appointment_id: Option<AppointmentId>,
    #[serde(default)]
    pub patient_name: String,
    #[serde(default)]
    pub specialty_name_ar: String,
    #[serde(default)]
    pub specialty_name_fr: String,
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
    /// The self check-in QR code of this minute, as an image address
    /// (`data:image/svg+xml;base64,…`): a citizen with an appointment
    /// here today scans it to check in.
    pub check_in_qr: String,
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

/// The desk scans an appointment's QR code (or types its code): the
/// patient arrives, as from the day list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ScanIn {
    /// What the scanner read: the address in the QR code, or the code alone.
    pub code: String,
    /// A priority group (`pregnant`, `disability`, `elderly`), or empty.
    #[serde(default)]
    pub priority: String,
}

/// A text in the three languages of the portal.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NoteOut {
    pub ar: String,
    pub fr: String,
    pub en: String,
}

impl NoteOut {
    /// The text in `lang` (`ar`, `fr`, `en`), or the French one when that is empty.
    pub fn in_lang(&self, lang: &str) -> &str {
        let t = match lang {
            "ar" => &self.ar,
            "en" => &self.en,
            _ => &self.fr,
        };
        if t.trim().is_empty() {
            &self.fr
        } else {
            t
        }
    }
}

/// What to bring and do before a visit: the network's rule for the
/// specialty, then the polyclinic's own, most general first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InstructionsOut {
    pub items: Vec<crate::PreVisitItem>,
    pub notes: Vec<NoteOut>,
}

/// A citizen's pass for one of their appointments: the QR code the desk
/// scans on arrival, and what to bring.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppointmentPassOut {
    pub appointment: AppointmentOut,
    /// The QR code's text: the desk's scan address with a signed code that
    /// names the appointment and nothing personal; empty once the
    /// appointment no longer holds its slot or its day has passed.
    pub arrival_code: String,
    /// The QR code as an SVG `data:` image (empty with `arrival_code`).
    pub arrival_qr: String,
    pub instructions: InstructionsOut,
}

/// Pre-visit instructions an administrator sets: the health directorate's
/// for a specialty across the network, or a polyclinic admin's for their
/// polyclinic (every specialty, or one).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InstructionsIn {
    /// The specialty's code; empty, the polyclinic's rule for all its specialties.
    #[serde(default)]
    pub specialty: String,
    #[serde(default)]
    pub previous_results: bool,
    #[serde(default)]
    pub fasting: bool,
    #[serde(default)]
    pub note_ar: String,
    #[serde(default)]
    pub note_fr: String,
    #[serde(default)]
    pub note_en: String,
}

/// The longest note, in characters, per language.
pub const NOTE_MAX: usize = 500;

impl InstructionsIn {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let errors: Vec<FieldError> = [("note_ar", &self.note_ar), ("note_fr", &self.note_fr), ("note_en", &self.note_en)]
            .into_iter()
            .filter(|(_, t)| t.trim().chars().count() > NOTE_MAX)
            .map(|(f, _)| FieldError::new(f, ErrorCode::TooLong))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// One rule of pre-visit instructions, as its administrator sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InstructionRuleOut {
    /// Empty for the network's rule of a specialty.
    pub facility_id: Option<FacilityId>,
    /// The specialty's code; empty for the polyclinic's rule for all its specialties.
    pub specialty: String,
    pub specialty_name_ar: String,
    pub specialty_name_fr: String,
    pub previous_results: bool,
    pub fasting: bool,
    pub note: NoteOut,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
