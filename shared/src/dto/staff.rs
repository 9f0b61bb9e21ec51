//! Staff administration: invitations to join a facility's staff, their
//! acceptance, and the deactivation of a staff account.

use super::*;

/// An invitation as an administrator writes it. A facility administrator
/// invites receptionists and practitioners to their polyclinic; the health
/// directorate invites the administrator of a facility of its wilaya.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationIn {
    /// `receptionist`, `practitioner` or `facility_admin`.
    pub role: String,
    pub given_name: String,
    pub family_name: String,
    /// A mobile number: the invitation goes by SMS.
    #[serde(default)]
    pub phone: String,
    /// An address: the invitation goes by email (both if both are given).
    #[serde(default)]
    pub email: String,
    /// A practitioner's specialty (its code).
    #[serde(default)]
    pub specialty: String,
    /// The facility (health directorate only; a facility administrator invites to their own).
    #[serde(default)]
    pub facility_id: Option<FacilityId>,
    /// The language of the message and of the new account (`ar`, `fr`, `en`; French when absent).
    #[serde(default)]
    pub lang: String,
}

/// The valid form of [`InvitationIn`].
#[derive(Clone, Debug, PartialEq)]
pub struct Invitation {
    pub role: crate::Role,
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
    pub specialty: Option<String>,
    pub facility_id: Option<FacilityId>,
    pub lang: Lang,
}

impl InvitationIn {
    pub fn validate(&self) -> Result<Invitation, Vec<FieldError>> {
        use crate::Role;
        let mut e = Vec::new();
        let role = check(
            &mut e,
            "role",
            match Role::parse(self.role.trim()) {
                Some(r @ (Role::Receptionist | Role::Practitioner | Role::FacilityAdmin)) => Ok(r),
                _ => Err(ErrorCode::BadRequest),
            },
        );
        let given_name = check(&mut e, "given_name", PersonName::parse(&self.given_name));
        let family_name = check(&mut e, "family_name", PersonName::parse(&self.family_name));
        let phone = match self.phone.trim() {
            "" => Some(None),
            p => check(&mut e, "phone", Phone::parse(p)).map(Some),
        };
        let email = check(&mut e, "email", optional_email(&self.email));
        if matches!((&phone, &email), (Some(None), Some(None))) {
            e.push(FieldError::new("phone", ErrorCode::Required));
        }
        let specialty = match (role, self.specialty.trim()) {
            (Some(Role::Practitioner), "") => {
                e.push(FieldError::new("specialty", ErrorCode::Required));
                None
            }
            (Some(Role::Practitioner), s) => Some(s.to_owned()),
            _ => None,
        };
        let lang = match self.lang.trim() {
            "" => Some(Lang::Fr),
            l => check(&mut e, "lang", Lang::parse(l).ok_or(ErrorCode::BadRequest)),
        };
        match (role, given_name, family_name, phone, email, lang) {
            (Some(role), Some(given_name), Some(family_name), Some(phone), Some(email), Some(lang)) if e.is_empty() => {
                Ok(Invitation { role, given_name, family_name, phone, email, specialty, facility_id: self.facility_id, lang })
            }
            _ => Err(e),
        }
    }
}

crate::codes::code_enum!(
    /// Where an invitation stands.
    InvitationStatus {
        /// Sent; the link works until it expires.
        Pending = "pending",
        /// The invitee made their account.
        Accepted = "accepted",
        /// Not accepted in time.
        Expired = "expired",
        /// Withdrawn by an administrator.
        Revoked = "revoked",
    }
);

/// An invitation as administrators see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationOut {
    pub id: uuid::Uuid,
    pub role: crate::Role,
    pub given_name: String,
    pub family_name: String,
    /// Where the link went, masked (`05••••••67`, `a•••@example.dz`).
    pub sent_to: Vec<String>,
    pub specialty: Option<String>,
    pub facility_id: FacilityId,
    /// The facility's name in French (`facility_name`) and in Arabic.
    pub facility_name: String,
    pub facility_name_ar: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub status: InvitationStatus,
    pub can_revoke: bool,
    /// Channels whose message could not be delivered after every retry
    /// (a wrong number, a rejected address): invite again another way.
    pub undelivered: Vec<crate::MessageChannel>,
}

/// What the invitee sees before accepting: who invites them, to do what, where.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationViewOut {
    pub given_name: String,
    pub family_name: String,
    pub role: crate::Role,
    pub specialty_name_ar: Option<String>,
    pub specialty_name_fr: Option<String>,
    pub facility_name_ar: String,
    pub facility_name_fr: String,
    /// What they will sign in with (the phone or address the link went to, masked).
    pub login: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// Whether the role signs in with an authenticator app (set up right after).
    pub second_factor_required: bool,
}

/// The invitee's answer: their own password.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationAcceptIn {
    pub password: String,
}

impl InvitationAcceptIn {
    pub fn validate(&self) -> Result<NewPassword, Vec<FieldError>> {
        NewPassword::parse(&self.password).map_err(|c| vec![FieldError::new("password", c)])
    }
}

/// A staff account deactivated: the appointments still booked with them
/// (a practitioner) from now on, for the desk to move.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeactivationOut {
    pub user_id: UserId,
    /// Free slots of theirs that were closed.
    pub slots_closed: u64,
    pub conflicts: Vec<ConflictOut>,
}

/// A practitioner as the health directorate sees them: their specialty
/// and every facility where they work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PractitionerPostsOut {
    pub id: PractitionerId,
    pub name: String,
    /// The specialty's code.
    pub specialty: String,
    pub posts: Vec<PostOut>,
}

/// One facility where a practitioner works.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostOut {
    pub facility_id: FacilityId,
    pub name_ar: String,
    pub name_fr: String,
    pub wilaya_code: String,
    /// The facility whose staff their account is: they leave it by
    /// deactivation (its administrator), not by ending a post.
    pub home: bool,
}

/// A practitioner posted to one more facility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostIn {
    pub facility_id: FacilityId,
}

/// A post ended: their free slots there closed, and how many booked
/// appointments the facility's desk has to move (the desk sees who; the
/// directorate only counts).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostEndOut {
    pub slots_closed: u64,
    pub appointments_to_move: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> InvitationIn {
        InvitationIn {
            role: "practitioner".into(),
            given_name: "Karim".into(),
            family_name: "Mansouri".into(),
            phone: "0661 23 45 67".into(),
            specialty: "cardiology".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_practitioner_invitation_needs_a_specialty_and_a_way_to_reach_them() {
        let ok = base().validate().unwrap();
        assert_eq!((ok.role, ok.specialty.as_deref(), ok.lang), (crate::Role::Practitioner, Some("cardiology"), Lang::Fr));
        assert_eq!(ok.phone.map(String::from).as_deref(), Some("+213661234567"));
        let fields = |i: InvitationIn| i.validate().unwrap_err().into_iter().map(|f| f.field).collect::<Vec<_>>();
        assert_eq!(fields(InvitationIn { specialty: String::new(), ..base() }), ["specialty"]);
        assert_eq!(fields(InvitationIn { phone: String::new(), ..base() }), ["phone"]);
        assert!(InvitationIn { phone: String::new(), email: "k@example.dz".into(), ..base() }.validate().is_ok(), "an address alone will do");
        assert_eq!(fields(InvitationIn { role: "citizen".into(), ..base() }), ["role"]);
        assert_eq!(fields(InvitationIn { role: "health_admin".into(), ..base() }), ["role"], "the directorate is not invited");
        assert_eq!(fields(InvitationIn { phone: "041 23 45 67".into(), lang: "de".into(), ..base() }), ["phone", "lang"]);
        let desk = InvitationIn { role: "receptionist".into(), ..base() }.validate().unwrap();
        assert_eq!(desk.specialty, None, "only practitioners have a specialty");
    }
}
