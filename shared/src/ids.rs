//! Typed, opaque identifiers. A `UserId` can never be passed where a
//! `FacilityId` is expected, and none of them is sequential: they are UUIDs,
//! safe to put in URLs because they reveal nothing and authorize nothing.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
        #[cfg_attr(feature = "db", derive(sea_orm::DeriveValueType))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn as_uuid(&self) -> Uuid { self.0 }
        }

        /// A primary key must say what an integer id would be: never one.
        #[cfg(feature = "db")]
        impl sea_orm::TryFromU64 for $name {
            fn try_from_u64(n: u64) -> Result<Self, sea_orm::DbErr> {
                <Uuid as sea_orm::TryFromU64>::try_from_u64(n).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self { Self(u) }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self { id.0 }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { self.0.fmt(f) }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> { Uuid::parse_str(s).map(Self) }
        }
    )*};
}

id_type!(
    /// A person with an account: citizen or staff.
    UserId,
    /// A polyclinic, hospital or other place of care.
    FacilityId,
    /// A consultation specialty (cardiology, paediatrics…).
    SpecialtyId,
    /// A doctor or other clinician who can be booked.
    PractitionerId,
    /// One signed-in session (a web cookie or a mobile refresh-token family).
    SessionId,
    /// A request to take over a record held as someone's dependant.
    ClaimId,
    /// A request to manage an adult's appointments and record.
    ConsentId,
    /// A patient, whether or not they have an account: the subject of a
    /// record and of appointments. A dependant's id is a person id, and it
    /// stays the same when they take the record over with their own account.
    PersonId,
    /// A bookable slot of a practitioner's schedule.
    SlotId,
    /// An appointment.
    AppointmentId,
    /// A weekly availability template.
    TemplateId,
    /// A place on the waiting list.
    WaitlistEntryId,
    /// A freed slot offered to a citizen on the waiting list.
    OfferId,
    /// A referral to a specialty.
    ReferralId,
    /// An entry of a medical record.
    EntryId,
    /// A file attached to a record entry.
    AttachmentId,
    /// A message in a citizen's in-app inbox.
    MessageId,
    /// A message of the outbox (e-mail or SMS) as the desk sees it undelivered.
    DeliveryId,
    /// A commune of the reference data.
    CommuneId,
    /// A closure of a practitioner's or a facility's schedule.
    ClosureId,
    /// A public holiday set by the directorate.
    HolidayId,
    /// One patient in one waiting-room queue on one day.
    VisitId,
    /// A waiting-room screen of a facility.
    DisplayId,
);

impl UserId {
    /// The person an account holder is: their own record, appointments and
    /// NIN in `persons` are kept under their account's id.
    pub fn as_person(self) -> PersonId {
        PersonId(self.0)
    }
}

impl PersonId {
    /// The account id a person holds or will hold: a claimed record's
    /// account is created under the person's id, so nothing about the record
    /// moves (see `domain::claims`). Only for a person known to hold one.
    pub fn as_account(self) -> UserId {
        UserId(self.0)
    }
}
