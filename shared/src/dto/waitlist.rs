//! The waiting list and the freed slots it offers.

use super::*;

/// Join the waiting list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WaitlistIn {
    pub specialty: String,
    pub wilaya: String,
    /// `YYYY-MM-DD`
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub dependant_id: String,
}

/// The valid form of [`WaitlistIn`]. Whether the specialty and the wilaya
/// exist is the service's question.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitlistRequest {
    /// The specialty's code, trimmed.
    pub specialty: String,
    /// The wilaya's code, trimmed.
    pub wilaya: String,
    /// Not before `today`.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub dependant_id: Option<PersonId>,
}

impl WaitlistIn {
    /// `today` and the last bookable day (Algiers) bound the period: it
    /// starts by the horizon (a start in the past means today) and ends
    /// after it starts and not in the past.
    pub fn validate(&self, today: NaiveDate, horizon: NaiveDate) -> Result<WaitlistRequest, Vec<FieldError>> {
        let mut e = Vec::new();
        let from = super::schedule::parse_day(&self.from).filter(|d| *d <= horizon).map(|d| d.max(today));
        let to = super::schedule::parse_day(&self.to).filter(|d| from.is_some_and(|f| *d >= f) && *d >= today);
        let from = check(&mut e, "from", from.ok_or(ErrorCode::BadRequest));
        let to = check(&mut e, "to", to.ok_or(ErrorCode::BadRequest));
        let dependant_id = check(&mut e, "dependant_id", optional_person_id(&self.dependant_id));
        match (from, to, dependant_id) {
            (Some(from), Some(to), Some(dependant_id)) if e.is_empty() => {
                Ok(WaitlistRequest { specialty: self.specialty.trim().to_owned(), wilaya: self.wilaya.trim().to_owned(), from, to, dependant_id })
            }
            _ => Err(e),
        }
    }
}

/// A freed slot held for the citizen until `expires_at`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfferOut {
    pub id: OfferId,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub slot: SlotOut,
    /// Whether the citizen may still accept or decline it: pending and
    /// not yet expired (an expired one waits for the sweep to end it).
    #[serde(default)]
    pub can_accept: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WaitlistOut {
    pub id: WaitlistEntryId,
    pub specialty: String,
    pub wilaya: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub status: crate::WaitlistStatus,
    pub dependant_id: Option<PersonId>,
    pub offer: Option<OfferOut>,
    /// Whether the citizen may leave the list (waiting, or holding an offer).
    #[serde(default)]
    pub can_leave: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_waiting_period_starts_by_the_horizon_and_ends_after_it_starts() {
        let (today, horizon) = (day("2026-12-03"), day("2027-01-31"));
        let w = WaitlistIn {
            specialty: " cardiology ".into(),
            wilaya: "31".into(),
            from: "2026-11-20".into(),
            to: "2026-12-20".into(),
            dependant_id: String::new(),
        };
        let ok = w.validate(today, horizon).unwrap();
        assert_eq!((ok.specialty.as_str(), ok.from, ok.to), ("cardiology", today, day("2026-12-20")), "a start in the past is today");
        let late = WaitlistIn { from: "2027-02-01".into(), to: "2027-02-10".into(), ..w.clone() };
        assert_eq!(late.validate(today, horizon).unwrap_err().iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["from", "to"]);
        let backwards = WaitlistIn { from: "2026-12-10".into(), to: "2026-12-09".into(), dependant_id: "someone".into(), ..w };
        assert_eq!(backwards.validate(today, horizon).unwrap_err().iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["to", "dependant_id"]);
    }
}
