//! Who is acting. Resolved once per request from a verified token or
//! session cookie, then passed to every service call.

use shared::{FacilityId, Role, SessionId, UserId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub role: Role,
    /// Set for staff tied to a facility.
    pub facility_id: Option<FacilityId>,
    /// A health administrator's wilaya.
    pub wilaya_code: Option<String>,
    /// The session the request belongs to, so that signing out ends it.
    pub session_id: SessionId,
    /// The account's phone received a code (see `identity`).
    pub phone_verified: bool,
    /// Signed in on the web (a session cookie) rather than through the API
    /// (a mobile app): the channel a citizen's booking is recorded with.
    pub on_web: bool,
}

/// What an actor may reach, decided here once: every service asks these
/// instead of matching on the role itself.
impl Actor {
    fn facility_if(&self, allowed: impl Fn(Role) -> bool) -> crate::Result<FacilityId> {
        match self.facility_id {
            Some(f) if allowed(self.role) => Ok(f),
            _ => Err(forbidden()),
        }
    }

    /// Booking, the record and reminders need a verified phone (citizens;
    /// staff phones are entered by the operator who creates the account).
    pub fn require_verified_phone(&self) -> crate::Result<()> {
        if self.role == Role::Citizen && !self.phone_verified {
            return Err(crate::Error::code(shared::ErrorCode::PhoneUnverified));
        }
        Ok(())
    }

    /// The channel of a booking this actor makes: the desk for staff; the
    /// web or the mobile app for a citizen, by how they signed in.
    pub fn booking_channel(&self) -> shared::BookingChannel {
        match self.role {
            Role::Citizen if self.on_web => shared::BookingChannel::Web,
            Role::Citizen => shared::BookingChannel::Mobile,
            _ => shared::BookingChannel::Desk,
        }
    }

    /// A citizen, acting for themselves and their dependants.
    pub fn require_citizen(&self) -> crate::Result<()> {
        if self.role == Role::Citizen {
            Ok(())
        } else {
            Err(forbidden())
        }
    }

    /// The facility whose desk the actor runs: receptionists and facility admins.
    pub fn desk_facility(&self) -> crate::Result<FacilityId> {
        self.facility_if(|r| matches!(r, Role::Receptionist | Role::FacilityAdmin))
    }

    /// The facility where the practitioner sees patients.
    pub fn practitioner_facility(&self) -> crate::Result<FacilityId> {
        self.facility_if(|r| r == Role::Practitioner)
    }

    /// The facility the facility admin runs.
    pub fn admin_facility(&self) -> crate::Result<FacilityId> {
        self.facility_if(|r| r == Role::FacilityAdmin)
    }

    /// The wilaya whose network a health administrator runs.
    pub fn health_wilaya(&self) -> crate::Result<&str> {
        match (&self.wilaya_code, self.role) {
            (Some(w), Role::HealthAdmin) => Ok(w),
            _ => Err(forbidden()),
        }
    }

    /// Any staff member's own facility (desk, practitioner, facility admin).
    pub fn staff_facility(&self) -> crate::Result<FacilityId> {
        self.facility_if(Role::needs_facility)
    }
}

fn forbidden() -> crate::Error {
    crate::Error::code(shared::ErrorCode::Forbidden)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::{FacilityId, SessionId, UserId};

    fn actor(role: Role, facility: Option<FacilityId>) -> Actor {
        Actor {
            user_id: UserId(uuid::Uuid::new_v4()),
            role,
            facility_id: facility,
            wilaya_code: None,
            session_id: SessionId(uuid::Uuid::new_v4()),
            phone_verified: true,
            on_web: false,
        }
    }

    #[test]
    fn each_scope_admits_its_roles_at_their_facility_and_no_one_else() {
        let f = FacilityId(uuid::Uuid::new_v4());
        type Scope = fn(&Actor) -> crate::Result<FacilityId>;
        let scopes: [(&str, Scope, &[Role]); 4] = [
            ("desk", Actor::desk_facility, &[Role::Receptionist, Role::FacilityAdmin]),
            ("practitioner", Actor::practitioner_facility, &[Role::Practitioner]),
            ("admin", Actor::admin_facility, &[Role::FacilityAdmin]),
            ("staff", Actor::staff_facility, &[Role::Receptionist, Role::Practitioner, Role::FacilityAdmin]),
        ];
        for (name, scope, admitted) in scopes {
            for role in [Role::Citizen, Role::Receptionist, Role::Practitioner, Role::FacilityAdmin, Role::HealthAdmin] {
                let expected = admitted.contains(&role);
                assert_eq!(scope(&actor(role, Some(f))).ok(), expected.then_some(f), "{name} {role:?}");
                assert!(scope(&actor(role, None)).is_err(), "{name} {role:?} without a facility");
            }
        }
        assert!(actor(Role::Citizen, None).require_citizen().is_ok());
        assert!(actor(Role::Receptionist, Some(f)).require_citizen().is_err());
    }

    #[test]
    fn a_booking_is_recorded_with_the_door_it_came_through() {
        use shared::BookingChannel;
        let f = FacilityId(uuid::Uuid::new_v4());
        assert_eq!(Actor { on_web: true, ..actor(Role::Citizen, None) }.booking_channel(), BookingChannel::Web);
        assert_eq!(actor(Role::Citizen, None).booking_channel(), BookingChannel::Mobile);
        for staff in [Role::Receptionist, Role::FacilityAdmin] {
            assert_eq!(Actor { on_web: true, ..actor(staff, Some(f)) }.booking_channel(), BookingChannel::Desk);
        }
    }
}
