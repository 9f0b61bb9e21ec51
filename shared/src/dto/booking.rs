//! Searching free slots, booking, and the directory a search is narrowed by.

use super::*;

/// A free slot found by a search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SlotOut {
    pub id: SlotId,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub facility_id: FacilityId,
    pub facility_name_ar: String,
    pub facility_name_fr: String,
    pub practitioner_id: PractitionerId,
    pub practitioner_name: String,
    pub specialty: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BookIn {
    pub slot_id: String,
    #[serde(default)]
    pub reason: String,
    /// One of the account holder's dependants; empty: the holder.
    #[serde(default)]
    pub dependant_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppointmentOut {
    pub id: AppointmentId,
    pub slot_id: SlotId,
    pub status: crate::AppointmentStatus,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub facility_id: FacilityId,
    pub facility_name_ar: String,
    pub facility_name_fr: String,
    pub practitioner_id: PractitionerId,
    pub practitioner_name: String,
    pub specialty_id: SpecialtyId,
    /// The specialty's code, e.g. `cardiology`.
    pub specialty: String,
    /// Set when the appointment is for one of the holder's dependants.
    pub dependant_id: Option<PersonId>,
    /// Whom the appointment is for.
    pub patient_name: String,
    /// Whether it may still be cancelled online: booked, and more than the
    /// cut-off before it starts. Decided by the domain; pages and apps
    /// show the action from this, never from `status`.
    #[serde(default)]
    pub can_cancel: bool,
    /// Whether it may still be moved to another slot online (the same rule).
    #[serde(default)]
    pub can_move: bool,
}

/// A practitioner of the staff member's own facility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PractitionerOut {
    pub id: PractitionerId,
    pub name: String,
    pub specialty: String,
}

/// A specialty as the search form lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SpecialtyOut {
    pub code: String,
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
    pub referral_required: bool,
}

/// A wilaya that has at least one facility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WilayaOut {
    pub code: String,
    pub name_ar: String,
    pub name_fr: String,
}

/// A facility, for narrowing a search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityOut {
    pub id: FacilityId,
    pub name_ar: String,
    pub name_fr: String,
    pub commune_id: Option<CommuneId>,
}
