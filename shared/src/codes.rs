//! Closed sets of codes: statuses, kinds and priorities. Each is an enum
//! whose wire form (JSON) and stored form (a string column) are the same
//! snake_case code, declared once here. With the `db` feature (the server
//! only, never the WASM build) each is also a sea-orm value type, so entity
//! fields hold the enum and a query compares `SlotStatus::Open`, never the
//! text `"open"`; a code the database holds that no variant names is an
//! error at read time, not a silent mismatch.

use serde::{Deserialize, Serialize};

/// A stored or sent code that no variant of the enum names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown code `{}`", self.0)
    }
}

impl std::error::Error for UnknownCode {}

/// Declares a code enum: serde, OpenAPI and (feature `db`) sea-orm from one
/// list of `Variant = "code"`, with `ALL`, `code()`, `parse()`, `Display`
/// and `FromStr`.
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "db", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code, as sent and as stored.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// The variant a code names, exactly (no trimming, no case folding).
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::codes::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s).ok_or_else(|| $crate::codes::UnknownCode(s.to_owned()))
            }
        }
    };
}

pub(crate) use code_enum;

code_enum!(
    /// How a grouped search orders its practitioners: the soonest free
    /// time first, or by the facility's name (in the reader's language).
    SlotSort {
        Earliest = "earliest",
        Facility = "facility",
    }
);

code_enum!(
    /// A bookable slot of a practitioner's schedule.
    SlotStatus {
        /// Free: anyone may book it.
        Open = "open",
        /// Offered to a citizen on the waiting list until the offer ends.
        Held = "held",
        /// Taken out by a closure, a holiday or a booking.
        Closed = "closed",
    }
);

code_enum!(
    /// A slot of a practitioner's day as the desk sees it: the slot's own
    /// status, or `booked` when an appointment holds it.
    DaySlotStatus {
        Open = "open",
        Held = "held",
        Closed = "closed",
        Booked = "booked",
    }
);

impl From<SlotStatus> for DaySlotStatus {
    fn from(s: SlotStatus) -> Self {
        match s {
            SlotStatus::Open => DaySlotStatus::Open,
            SlotStatus::Held => DaySlotStatus::Held,
            SlotStatus::Closed => DaySlotStatus::Closed,
        }
    }
}

code_enum!(
    /// An appointment.
    AppointmentStatus {
        /// Confirmed; the slot is the patient's.
        Booked = "booked",
        /// Cancelled by the patient, a guardian or the desk (or moved away).
        Cancelled = "cancelled",
        /// The consultation was written in the record.
        Fulfilled = "fulfilled",
        /// Booked online by a citizen over the no-show limit: the slot is
        /// held, and the desk confirms (booked) or declines (cancelled).
        Pending = "pending",
        /// The patient never came: confirmed by the desk in its review of
        /// the day, never automatically.
        NoShow = "no_show",
    }
);

impl AppointmentStatus {
    /// Whether the appointment holds its slot (booked, or waiting for the
    /// desk's confirmation): it can still be cancelled, and the slot is
    /// nobody else's.
    pub fn holds_slot(self) -> bool {
        matches!(self, AppointmentStatus::Booked | AppointmentStatus::Pending)
    }
}

code_enum!(
    /// Why an appointment was cancelled.
    CancelReason {
        /// The patient no longer needs it (better, treated elsewhere…).
        NotNeeded = "not_needed",
        /// The patient cannot come at that time.
        Unavailable = "unavailable",
        /// The patient booked another appointment instead.
        BookedElsewhere = "booked_elsewhere",
        /// Any other reason.
        Other = "other",
        /// The desk's review: the patient told the polyclinic too late to
        /// free the slot for someone else (counted apart from no-shows).
        LateCancellation = "late_cancellation",
        /// The desk declined a booking that waited for its confirmation.
        Declined = "declined",
        /// The patient closed their account.
        AccountClosed = "account_closed",
    }
);

impl CancelReason {
    /// The reasons a citizen (or the desk for them) gives when cancelling.
    pub const CHOSEN: &'static [CancelReason] = &[CancelReason::NotNeeded, CancelReason::Unavailable, CancelReason::BookedElsewhere, CancelReason::Other];
}

code_enum!(
    /// Something to bring or do before a visit, as the pre-visit
    /// instructions list it (each page and message words it in its language).
    PreVisitItem {
        /// The national biometric identity card.
        IdCard = "id_card",
        /// The Chifa social-security card.
        ChifaCard = "chifa_card",
        /// The referral letter of the doctor who referred the patient.
        ReferralLetter = "referral_letter",
        /// Previous results, reports and prescriptions for this complaint.
        PreviousResults = "previous_results",
        /// Come fasting (nothing to eat for 8 hours before).
        Fasting = "fasting",
    }
);

code_enum!(
    /// What the desk decides about an appointment it reviews: one of a
    /// past day's missed appointments, or a booking waiting for it.
    DeskDecision {
        /// The patient never came: a no-show, counted.
        NoShow = "no_show",
        /// The patient told the polyclinic too late: not a no-show.
        LateCancellation = "late_cancellation",
        /// A pending booking becomes booked.
        Confirm = "confirm",
        /// A pending booking is cancelled; the patient is told.
        Decline = "decline",
    }
);

impl DeskDecision {
    /// The decisions about a missed appointment.
    pub const REVIEW: &'static [DeskDecision] = &[DeskDecision::NoShow, DeskDecision::LateCancellation];
    /// The decisions about a pending booking.
    pub const PENDING: &'static [DeskDecision] = &[DeskDecision::Confirm, DeskDecision::Decline];
}

code_enum!(
    /// A place on the waiting list.
    WaitlistStatus {
        /// Waiting for a freed slot.
        Waiting = "waiting",
        /// A freed slot is held for the citizen (see the offer).
        Offered = "offered",
        /// An offer was accepted: the citizen has an appointment.
        Fulfilled = "fulfilled",
        /// The citizen left the list.
        Left = "left",
        /// The period ended, or an offer expired unanswered.
        Lapsed = "lapsed",
    }
);

impl WaitlistStatus {
    /// The statuses of an entry still on the list.
    pub const LIVE: [WaitlistStatus; 2] = [WaitlistStatus::Waiting, WaitlistStatus::Offered];

    /// Still on the list: waiting, or holding an offer.
    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }
}

code_enum!(
    /// A freed slot offered to a citizen on the waiting list.
    OfferStatus {
        /// Held for the citizen until it expires.
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
        /// Ran out unanswered.
        Expired = "expired",
        /// Ended by the citizen leaving the list, or by a closure of the slot.
        Withdrawn = "withdrawn",
    }
);

code_enum!(
    /// A record entry. Entries are never deleted: a wrong one is marked.
    EntryStatus {
        Active = "active",
        /// Marked wrong by its author, with a reason; kept and shown as such.
        EnteredInError = "entered_in_error",
    }
);

code_enum!(
    /// How soon a referral must be seen (also an exam request's priority).
    ReferralPriority {
        Routine = "routine",
        Urgent = "urgent",
    }
);

code_enum!(
    /// What a closure entered by the desk is.
    ClosureKind {
        /// The facility or practitioner does not consult.
        Closed = "closed",
        /// A practitioner's leave.
        Leave = "leave",
        /// Fewer hours than the template.
        Reduced = "reduced",
    }
);

code_enum!(
    /// A public holiday.
    HolidayKind {
        /// Built in (same date every year).
        Fixed = "fixed",
        /// Moves with the Hijri calendar; entered yearly by the directorate.
        Islamic = "islamic",
    }
);

code_enum!(
    /// How a message reaches its reader.
    MessageChannel {
        Email = "email",
        Sms = "sms",
        /// The in-app inbox.
        Inapp = "inapp",
    }
);

code_enum!(
    /// A message of the outbox.
    OutboxStatus {
        /// Waiting for its due time or a retry.
        Pending = "pending",
        Sent = "sent",
        /// No longer wanted (a reminder of a cancelled appointment).
        Withdrawn = "withdrawn",
        /// Not sent, for a reason recorded with it (channel off, unverified).
        Skipped = "skipped",
        /// Failed too many times; the facility's admins see it undelivered.
        Dead = "dead",
    }
);

code_enum!(
    /// What a message (e-mail, SMS or in-app) is about.
    MessageKind {
        Booked = "booked",
        Rescheduled = "rescheduled",
        Cancelled = "cancelled",
        Reminder = "reminder",
        /// A freed slot offered from the waiting list.
        Offer = "offer",
        Referral = "referral",
        /// A new prescription in the patient's record.
        Prescription = "prescription",
        /// A new exam result in the patient's record.
        Result = "result",
        /// The patient is the next one to be called at the polyclinic.
        Next = "next",
        /// To the desk: a new booking at its polyclinic for today or tomorrow.
        DeskBooked = "desk_booked",
        /// To the desk: a cancellation at its polyclinic for today or tomorrow.
        DeskCancelled = "desk_cancelled",
        /// A code to verify a phone.
        PhoneCode = "phone_code",
        /// A link to verify an e-mail address.
        EmailLink = "email_link",
        ResetCode = "reset_code",
        ResetLink = "reset_link",
        /// To the phone or address that was replaced.
        ContactChanged = "contact_changed",
        /// To a staff member whose authenticator an administrator removed.
        SecondFactorReset = "second_factor_reset",
        /// To a guardian: someone asks for the record they hold as a dependant's.
        ClaimWaiting = "claim_waiting",
        ClaimApproved = "claim_approved",
        GuardianAccessEnded = "guardian_access_ended",
        /// To an adult: an account holder asks to manage their appointments and record.
        ConsentWaiting = "consent_waiting",
        /// To someone an administrator invites to join a facility's staff.
        StaffInvitation = "staff_invitation",
    }
);

code_enum!(
    /// What a dependant (or a managed adult) is to the account holder.
    Relation {
        Child = "child",
        Parent = "parent",
        Spouse = "spouse",
        Other = "other",
    }
);

code_enum!(
    /// What a verification code or link is for.
    VerifyPurpose {
        /// The account's phone (at registration, or a new number).
        Phone = "phone",
        /// The account's e-mail (at registration, or a new address).
        Email = "email",
        /// A forgotten password.
        Reset = "reset",
    }
);

code_enum!(
    /// What a record entry is (the `kind` of its JSON).
    EntryKind {
        Consultation = "consultation",
        Prescription = "prescription",
        ExamRequest = "exam_request",
        ExamResult = "exam_result",
        Vaccination = "vaccination",
        Allergy = "allergy",
    }
);

code_enum!(
    /// What kind of exam a request asks for.
    ExamCategory {
        Laboratory = "laboratory",
        Imaging = "imaging",
    }
);

code_enum!(
    /// How severe an allergy's reaction is.
    AllergySeverity {
        Mild = "mild",
        Moderate = "moderate",
        Severe = "severe",
    }
);

code_enum!(
    /// Why a patient is in a practitioner's care list today.
    CareVia {
        /// An appointment with the practitioner today.
        Appointment = "appointment",
        /// The practitioner opened the record by NIN, with a reason.
        Lookup = "lookup",
        /// The practitioner called the patient from today's queue (a
        /// walk-in, or a patient of their service).
        Visit = "visit",
    }
);

code_enum!(
    /// What someone did with a patient's data, as the patient's access log says.
    AccessAction {
        ReadRecord = "read_record",
        ReadEntry = "read_entry",
        WriteEntry = "write_entry",
        MarkError = "mark_error",
        AttachFile = "attach_file",
        ReadFile = "read_file",
        /// A practitioner opened the record by NIN.
        Lookup = "lookup",
        /// The desk found the person by NIN.
        DeskLookup = "desk_lookup",
        /// The desk handed a dependant's record over after seeing the identity card.
        DeskClaim = "desk_claim",
        /// The record exported as a FHIR bundle.
        Export = "export",
        /// The desk put the person in today's queue without an appointment,
        /// found by NIN or registered from the identity card.
        WalkIn = "walk_in",
        /// A pharmacy checked a prescription with its code and the birth date.
        PharmacyCheck = "pharmacy_check",
        /// A pharmacy gave a prescription's code with a wrong birth date
        /// (shown nothing; a few a day per code, then the code is held).
        PharmacyCheckFailed = "pharmacy_check_failed",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back_to_its_variant_and_serialises_as_itself() {
        for s in WaitlistStatus::ALL {
            assert_eq!(WaitlistStatus::parse(s.code()), Some(*s));
            assert_eq!(serde_json::to_string(s).unwrap(), format!("\"{}\"", s.code()));
        }
        assert_eq!("entered_in_error".parse::<EntryStatus>(), Ok(EntryStatus::EnteredInError));
        assert_eq!(serde_json::from_str::<ReferralPriority>("\"urgent\"").unwrap(), ReferralPriority::Urgent);
    }

    #[test]
    fn an_unknown_or_differently_written_code_is_refused() {
        assert_eq!("Open".parse::<SlotStatus>(), Err(UnknownCode("Open".into())));
        assert_eq!(SlotStatus::parse(" open"), None);
        assert!(serde_json::from_str::<ClosureKind>("\"holiday\"").is_err());
    }

    #[test]
    fn a_day_slot_is_the_slot_status_or_booked() {
        assert_eq!(DaySlotStatus::from(SlotStatus::Held), DaySlotStatus::Held);
        assert_eq!(DaySlotStatus::Booked.code(), "booked");
    }
}

code_enum!(
    /// Where a patient is in their day at the polyclinic (a visit: a booked
    /// patient who arrived, or a walk-in put in a queue).
    VisitStatus {
        /// In the waiting room, in the queue.
        Waiting = "waiting",
        /// Called to the room; shown on the waiting-room screen.
        Called = "called",
        /// With the practitioner.
        InConsultation = "in_consultation",
        /// Seen.
        Done = "done",
        /// Did not answer a second call: out of the queue, for the day's review.
        Absent = "absent",
    }
);

code_enum!(
    /// The groups a polyclinic serves first, as the desk records them.
    PriorityGroup {
        Pregnant = "pregnant",
        Disability = "disability",
        /// Above the configured age (`SIHATI_ELDERLY_AGE`, 65 by default).
        Elderly = "elderly",
    }
);

code_enum!(
    /// Why a patient stands where they stand in a queue (the rule in
    /// `domain::floor::order`, explained to the patient).
    QueueReason {
        /// Sent urgently by a referral: first.
        UrgentReferral = "urgent_referral",
        /// In a priority group: after urgent referrals, by arrival.
        Priority = "priority",
        /// Booked, and their time has come: by appointment time.
        Appointment = "appointment",
        /// Without an appointment: by arrival, in the time booked patients leave.
        WalkIn = "walk_in",
        /// Missed their call once: back in line from when they were marked absent.
        BackAfterAbsence = "back_after_absence",
        /// Arrived before their appointment's time: they go in at their time.
        Early = "early",
    }
);

code_enum!(
    /// How an appointment was booked, for the network's figures.
    BookingChannel {
        Web = "web",
        Mobile = "mobile",
        Desk = "desk",
        /// Received without an appointment.
        WalkIn = "walk_in",
    }
);
