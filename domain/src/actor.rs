//! Who is acting. Resolved once per request from a verified token or
//! session cookie, then passed to every service call.

use shared::{FacilityId, Role, SessionId, UserId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub role: Role,
    /// Set for staff tied to a facility.
    pub facility_id: Option<FacilityId>,
    /// The session the request belongs to, so that signing out ends it.
    pub session_id: SessionId,
    /// The account's phone received a code (see `identity`).
    pub phone_verified: bool,
}
