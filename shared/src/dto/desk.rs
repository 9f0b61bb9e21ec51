//! The desk: finding a person by NIN, booking on their behalf, referrals.

use super::*;

/// The desk looks a citizen up by NIN (in the body, never in a URL).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NinLookupIn {
    pub nin: String,
    /// Why the desk looks this person up (5 to 500 characters): written in
    /// the person's access log, which they read.
    #[serde(default)]
    pub reason: String,
}

/// A look-up by NIN with its reason — the desk's and the practitioner's
/// alike. The reason (5 to 500 characters) is written in the person's
/// access log, which they read.
#[derive(Clone, Debug, PartialEq)]
pub struct NinLookup {
    pub nin: Nin,
    pub reason: String,
}

impl NinLookup {
    pub(crate) fn parse(nin: &str, reason: &str) -> Result<NinLookup, Vec<FieldError>> {
        let mut e = Vec::new();
        let nin = check(&mut e, "nin", Nin::parse(nin));
        let reason = reason.trim();
        let reason = check(&mut e, "reason", if (5..=500).contains(&reason.chars().count()) { Ok(reason.to_owned()) } else { Err(ErrorCode::Required) });
        match (nin, reason) {
            (Some(nin), Some(reason)) if e.is_empty() => Ok(NinLookup { nin, reason }),
            _ => Err(e),
        }
    }
}

impl NinLookupIn {
    pub fn validate(&self) -> Result<NinLookup, Vec<FieldError>> {
        NinLookup::parse(&self.nin, &self.reason)
    }
}

/// A citizen found by the desk, with their dependants.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PersonOut {
    pub patient_id: UserId,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub dependants: Vec<DependantOut>,
    /// Set when the NIN was a dependant's.
    pub matched_dependant_id: Option<PersonId>,
    /// That dependant's open request to take over their own record, which
    /// the desk approves on seeing the identity card.
    #[serde(default)]
    pub claim: Option<crate::identity::ClaimOut>,
}

/// A booking made at the desk on a citizen's behalf.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeskBookIn {
    pub patient_id: String,
    #[serde(default)]
    pub dependant_id: String,
    pub slot_id: String,
    #[serde(default)]
    pub reason: String,
}

/// The valid form of [`DeskBookIn`]: the account and the booking.
#[derive(Clone, Debug, PartialEq)]
pub struct DeskBooking {
    pub patient_id: UserId,
    pub booking: Booking,
}

impl DeskBookIn {
    pub fn validate(&self) -> Result<DeskBooking, Vec<FieldError>> {
        let mut e = Vec::new();
        let patient_id = check(&mut e, "patient_id", self.patient_id.trim().parse::<UserId>().map_err(|_| ErrorCode::NotFound));
        let booking = super::booking::parse_booking(&mut e, &self.slot_id, &self.dependant_id, &self.reason);
        match (patient_id, booking) {
            (Some(patient_id), Some(booking)) if e.is_empty() => Ok(DeskBooking { patient_id, booking }),
            _ => Err(e),
        }
    }
}

/// A referral recorded by a practitioner or the desk.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReferralIn {
    pub patient_id: String,
    #[serde(default)]
    pub dependant_id: String,
    /// Specialty code.
    pub specialty: String,
    /// `routine` or `urgent`.
    pub priority: String,
    pub reason: String,
    /// `YYYY-MM-DD`
    pub expires_on: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReferralOut {
    pub id: ReferralId,
    pub specialty: String,
    pub priority: crate::ReferralPriority,
    pub reason: String,
    pub expires_on: NaiveDate,
    pub dependant_id: Option<PersonId>,
    /// Already used by an appointment.
    pub used: bool,
}
