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

/// A freed slot held for the citizen until `expires_at`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfferOut {
    pub id: OfferId,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub slot: SlotOut,
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
