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

/// A referral written from the care page, for the patient it shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CareReferralIn {
    pub specialty: String,
    pub priority: String,
    pub reason: String,
    pub expires_on: String,
}

/// What a referral says, checked: whether the specialty exists is the
/// service's question.
#[derive(Clone, Debug, PartialEq)]
pub struct ReferralTerms {
    /// The specialty's code, trimmed.
    pub specialty: String,
    pub priority: crate::ReferralPriority,
    /// 1 to 1,000 characters, trimmed.
    pub reason: String,
    /// From today (Algiers) to a year ahead.
    pub expires_on: NaiveDate,
}

/// The valid form of [`ReferralIn`]: whether the patient is a citizen and
/// in the practitioner's care is the service's question.
#[derive(Clone, Debug, PartialEq)]
pub struct NewReferral {
    pub patient_id: UserId,
    pub dependant_id: Option<PersonId>,
    pub terms: ReferralTerms,
}

fn parse_terms(e: &mut Vec<FieldError>, specialty: &str, priority: &str, reason: &str, expires_on: &str, today: NaiveDate) -> Option<ReferralTerms> {
    let specialty = check(e, "specialty", required(specialty).map(|s| s.trim().to_owned()));
    let priority = check(e, "priority", crate::ReferralPriority::parse(priority.trim()).ok_or(ErrorCode::Required));
    let reason = reason.trim();
    let reason = check(e, "reason", if (1..=1000).contains(&reason.chars().count()) { Ok(reason.to_owned()) } else { Err(ErrorCode::Required) });
    let expires = super::schedule::parse_day(expires_on).filter(|d| *d >= today && *d <= today + chrono::Duration::days(366));
    let expires_on = check(e, "expires_on", expires.ok_or(ErrorCode::BadRequest));
    Some(ReferralTerms { specialty: specialty?, priority: priority?, reason: reason?, expires_on: expires_on? })
}

impl CareReferralIn {
    /// `today` is Algiers' date: a referral expires from today to a year ahead.
    pub fn validate(&self, today: NaiveDate) -> Result<ReferralTerms, Vec<FieldError>> {
        let mut e = Vec::new();
        match parse_terms(&mut e, &self.specialty, &self.priority, &self.reason, &self.expires_on, today) {
            Some(terms) if e.is_empty() => Ok(terms),
            _ => Err(e),
        }
    }
}

impl ReferralIn {
    /// Every field checked at once, as [`CareReferralIn::validate`] does,
    /// and the patient's ids.
    pub fn validate(&self, today: NaiveDate) -> Result<NewReferral, Vec<FieldError>> {
        let mut e = Vec::new();
        let patient_id = check(&mut e, "patient_id", self.patient_id.trim().parse::<UserId>().map_err(|_| ErrorCode::NotFound));
        let dependant_id = check(&mut e, "dependant_id", optional_person_id(&self.dependant_id));
        let terms = parse_terms(&mut e, &self.specialty, &self.priority, &self.reason, &self.expires_on, today);
        match (patient_id, dependant_id, terms) {
            (Some(patient_id), Some(dependant_id), Some(terms)) if e.is_empty() => Ok(NewReferral { patient_id, dependant_id, terms }),
            _ => Err(e),
        }
    }
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

/// A referred patient with no appointment for the specialty yet, on the
/// worklist of the desks of the wilaya where they were referred (desks
/// whose polyclinic offers the specialty), once the follow-up delay passed.
/// It names nobody: taking it on (logged) shows the patient.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReferralWorkOut {
    pub referral_id: ReferralId,
    pub specialty: String,
    pub specialty_name_ar: String,
    pub specialty_name_fr: String,
    pub priority: crate::ReferralPriority,
    pub referred_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub referred_by_ar: String,
    pub referred_by_fr: String,
    pub days_waiting: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn valid() -> ReferralIn {
        ReferralIn {
            patient_id: "6f1c1f5e-3f4a-4c55-9a43-0b7e5f0c2d11".into(),
            dependant_id: String::new(),
            specialty: " cardiology ".into(),
            priority: "urgent".into(),
            reason: " chest pain on effort ".into(),
            expires_on: "2027-01-15".into(),
        }
    }

    #[test]
    fn a_referral_is_checked_field_by_field() {
        let today = day("2026-12-03");
        let ok = valid().validate(today).unwrap();
        assert_eq!(ok.terms.specialty, "cardiology");
        assert_eq!(ok.terms.priority, crate::ReferralPriority::Urgent);
        assert_eq!(ok.terms.reason, "chest pain on effort");
        assert_eq!(ok.terms.expires_on, day("2027-01-15"));
        assert_eq!(ok.dependant_id, None);

        let bad = ReferralIn {
            patient_id: "nobody".into(),
            dependant_id: "x".into(),
            specialty: " ".into(),
            priority: "soon".into(),
            reason: "   ".into(),
            expires_on: "2026-12-02".into(),
        };
        let mut fields: Vec<_> = bad.validate(today).unwrap_err().into_iter().map(|f| (f.field, f.code)).collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            fields,
            vec![
                ("dependant_id".into(), ErrorCode::NotFound),
                ("expires_on".into(), ErrorCode::BadRequest),
                ("patient_id".into(), ErrorCode::NotFound),
                ("priority".into(), ErrorCode::Required),
                ("reason".into(), ErrorCode::Required),
                ("specialty".into(), ErrorCode::Required),
            ]
        );
    }

    #[test]
    fn a_referral_expires_from_today_to_a_year_ahead() {
        let today = day("2026-12-03");
        for (expires, ok) in [("2026-12-03", true), ("2027-12-04", true), ("2027-12-05", false), ("2026-12-02", false), ("03/12/2026", false)] {
            let input = CareReferralIn { specialty: "cardiology".into(), priority: "routine".into(), reason: "follow-up".into(), expires_on: expires.into() };
            assert_eq!(input.validate(today).is_ok(), ok, "{expires}");
        }
        let long = CareReferralIn {
            reason: "x".repeat(1001),
            ..CareReferralIn { specialty: "c".into(), priority: "routine".into(), expires_on: "2026-12-10".into(), reason: String::new() }
        };
        assert_eq!(long.validate(today).unwrap_err()[0].field, "reason");
    }
}
