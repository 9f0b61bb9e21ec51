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

/// A practitioner at a facility, as a grouped search finds them: their
/// first days with free times (every free time of each of those days), and
/// how many free times they have in the whole period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SlotGroupOut {
    pub practitioner_id: PractitionerId,
    pub practitioner_name: String,
    pub facility_id: FacilityId,
    pub facility_name_ar: String,
    pub facility_name_fr: String,
    pub address: String,
    pub commune_name_ar: Option<String>,
    pub commune_name_fr: Option<String>,
    /// The soonest free time.
    pub first_at: chrono::DateTime<chrono::Utc>,
    /// Free times in the whole period (the days below may show fewer).
    pub free_in_period: u64,
    /// The first days with a free time, in order (Algiers dates).
    pub days: Vec<SlotDayOut>,
}

/// One day of a group: every free time of that day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SlotDayOut {
    pub date: chrono::NaiveDate,
    pub slots: Vec<SlotTimeOut>,
}

/// A free time of a group's day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SlotTimeOut {
    pub id: SlotId,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
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

/// The valid form of [`BookIn`]: which slot, for whom, why.
#[derive(Clone, Debug, PartialEq)]
pub struct Booking {
    pub slot_id: SlotId,
    /// None: the account holder.
    pub dependant_id: Option<PersonId>,
    /// Trimmed; may be empty.
    pub reason: String,
}

/// An optional person id (a dependant's): empty is None, anything else
/// must be an id (`not_found` otherwise: no one has that id).
pub fn optional_person_id(s: &str) -> Result<Option<PersonId>, ErrorCode> {
    match s.trim() {
        "" => Ok(None),
        id => id.parse::<PersonId>().map(Some).map_err(|_| ErrorCode::NotFound),
    }
}

/// A booking's fields, each problem recorded in `e`.
pub(super) fn parse_booking(e: &mut Vec<FieldError>, slot_id: &str, dependant_id: &str, reason: &str) -> Option<Booking> {
    let slot_id = check(e, "slot_id", slot_id.trim().parse::<SlotId>().map_err(|_| ErrorCode::SlotUnavailable));
    let dependant_id = check(e, "dependant_id", optional_person_id(dependant_id));
    Some(Booking { slot_id: slot_id?, dependant_id: dependant_id?, reason: reason.trim().to_owned() })
}

impl BookIn {
    /// Whether the slot is free and the dependant the holder's are the
    /// service's questions.
    pub fn validate(&self) -> Result<Booking, Vec<FieldError>> {
        let mut e = Vec::new();
        match parse_booking(&mut e, &self.slot_id, &self.dependant_id, &self.reason) {
            Some(b) if e.is_empty() => Ok(b),
            _ => Err(e),
        }
    }
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
    /// Whether its day (in Algiers) is before today: one's list of
    /// appointments puts it after those of today and later, and an app may
    /// show it under "past". Decided by the domain, whose clock is right
    /// where a phone's may not be.
    #[serde(default)]
    pub past: bool,
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

#[cfg(test)]
mod tests {
    use super::*;

    const SLOT: &str = "5f0c6f5e-8d0a-4d8e-9b43-0b1f2f1e6c11";

    #[test]
    fn a_booking_names_a_slot_and_perhaps_a_dependant() {
        let b = BookIn { slot_id: format!(" {SLOT} "), reason: "  toux ".into(), dependant_id: String::new() }.validate().unwrap();
        assert_eq!((b.slot_id.to_string(), b.dependant_id, b.reason.as_str()), (SLOT.to_owned(), None, "toux"));
        let b = BookIn { slot_id: SLOT.into(), dependant_id: SLOT.into(), ..Default::default() }.validate().unwrap();
        assert_eq!(b.dependant_id.map(|d| d.to_string()), Some(SLOT.to_owned()));
    }

    #[test]
    fn a_malformed_slot_or_dependant_is_named_and_the_desk_names_the_patient_too() {
        let e = BookIn { slot_id: "slot".into(), dependant_id: "child".into(), ..Default::default() }.validate().unwrap_err();
        assert_eq!(
            e.iter().map(|f| (f.field.as_str(), f.code)).collect::<Vec<_>>(),
            [("slot_id", ErrorCode::SlotUnavailable), ("dependant_id", ErrorCode::NotFound)]
        );
        let e = DeskBookIn { patient_id: "x".into(), slot_id: "y".into(), ..Default::default() }.validate().unwrap_err();
        assert_eq!(e.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["patient_id", "slot_id"]);
        assert!(DeskBookIn { patient_id: SLOT.into(), slot_id: SLOT.into(), ..Default::default() }.validate().is_ok());
    }
}
