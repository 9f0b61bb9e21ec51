//! Stable error codes and the one error body every client receives.
//!
//! Codes are the contract: the web UI and the mobile apps translate them, so
//! a code once published is never renamed. The `message` in an [`ApiError`] is
//! a courtesy translation in the caller's language for clients that show it
//! as is.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // Field-level validation.
    Required,
    NinInvalid,
    PhoneInvalid,
    EmailInvalid,
    NameInvalid,
    BirthDateInvalid,
    SexInvalid,
    LangInvalid,
    PasswordTooShort,
    PasswordTooLong,
    PasswordCommon,
    // Uniqueness.
    NinTaken,
    PhoneTaken,
    EmailTaken,
    /// A catalogue code already in use (a specialty's).
    CodeTaken,
    // Request-level.
    ValidationFailed,
    BadRequest,
    InvalidCredentials,
    CurrentPasswordWrong,
    TooManyAttempts,
    Unauthorized,
    TokenInvalid,
    Forbidden,
    NotFound,
    Internal,
    // Booking.
    SlotTaken,
    SlotUnavailable,
    AlreadyBookedSpecialty,
    CancelTooLate,
    BookingTooSoon,
    BeyondHorizon,
    TooManyActive,
    ReferralRequired,
    TemplateOverlap,
    OfferExpired,
    AlreadyWaiting,
    // Signed links in messages.
    LinkInvalid,
    /// A staff invitation that is not genuine, has expired, was withdrawn or already used.
    InvitationInvalid,
    /// A staff account its administrator deactivated: it no longer signs in.
    AccountDeactivated,
    /// No prescription has this code for a patient born that day.
    PrescriptionNotFound,
    // Record attachments.
    FileTooLarge,
    FileTypeRejected,
    // Idempotency-Key.
    IdempotencyKeyMismatch,
    IdempotencyKeyInFlight,
    // Verification codes and links.
    CodeInvalid,
    CodeExpired,
    PhoneUnverified,
    // Dependants.
    TooManyDependants,
    AdultNeedsConsent,
    /// The NIN belongs to a patient already known (someone's dependant):
    /// the record is claimed at a desk with the identity card.
    NinClaimAtDesk,
    /// No dependant has this NIN and birth date: there is no record to claim.
    NinNotClaimable,
    /// The request to take over a record was already decided, replaced or expired.
    ClaimClosed,
    // Staff second factor.
    /// The password was right; the authenticator's code is needed too.
    MfaRequired,
    /// The code (or recovery code) is wrong, expired or already used.
    MfaInvalid,
    /// This account must first enrol an authenticator.
    MfaEnrolmentRequired,
    /// An authenticator is already enrolled (an administrator resets it).
    MfaAlreadyEnrolled,
    // The floor.
    TooLong,
    PriorityInvalid,
    NotToday,
    AppointmentNotBooked,
    AlreadyInQueue,
    QueueEmpty,
    QueueBusy,
    VisitStateChanged,
    NotArrived,
    NinUnknown,
    NinSeenAtDesk,
    CheckinExpired,
    NoAppointmentToday,
    ReviewTooEarly,
    AlreadyArrived,
    ReasonInvalid,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 72] = [
        ErrorCode::Required,
        ErrorCode::NinInvalid,
        ErrorCode::PhoneInvalid,
        ErrorCode::EmailInvalid,
        ErrorCode::NameInvalid,
        ErrorCode::BirthDateInvalid,
        ErrorCode::SexInvalid,
        ErrorCode::LangInvalid,
        ErrorCode::PasswordTooShort,
        ErrorCode::PasswordTooLong,
        ErrorCode::PasswordCommon,
        ErrorCode::NinTaken,
        ErrorCode::PhoneTaken,
        ErrorCode::EmailTaken,
        ErrorCode::CodeTaken,
        ErrorCode::ValidationFailed,
        ErrorCode::BadRequest,
        ErrorCode::InvalidCredentials,
        ErrorCode::CurrentPasswordWrong,
        ErrorCode::TooManyAttempts,
        ErrorCode::Unauthorized,
        ErrorCode::TokenInvalid,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::Internal,
        ErrorCode::SlotTaken,
        ErrorCode::SlotUnavailable,
        ErrorCode::AlreadyBookedSpecialty,
        ErrorCode::CancelTooLate,
        ErrorCode::BookingTooSoon,
        ErrorCode::BeyondHorizon,
        ErrorCode::TooManyActive,
        ErrorCode::ReferralRequired,
        ErrorCode::TemplateOverlap,
        ErrorCode::OfferExpired,
        ErrorCode::AlreadyWaiting,
        ErrorCode::LinkInvalid,
        ErrorCode::InvitationInvalid,
        ErrorCode::AccountDeactivated,
        ErrorCode::PrescriptionNotFound,
        ErrorCode::FileTooLarge,
        ErrorCode::FileTypeRejected,
        ErrorCode::IdempotencyKeyMismatch,
        ErrorCode::IdempotencyKeyInFlight,
        ErrorCode::CodeInvalid,
        ErrorCode::CodeExpired,
        ErrorCode::PhoneUnverified,
        ErrorCode::TooManyDependants,
        ErrorCode::AdultNeedsConsent,
        ErrorCode::NinClaimAtDesk,
        ErrorCode::NinNotClaimable,
        ErrorCode::ClaimClosed,
        ErrorCode::MfaRequired,
        ErrorCode::MfaInvalid,
        ErrorCode::MfaEnrolmentRequired,
        ErrorCode::MfaAlreadyEnrolled,
        ErrorCode::TooLong,
        ErrorCode::PriorityInvalid,
        ErrorCode::NotToday,
        ErrorCode::AppointmentNotBooked,
        ErrorCode::AlreadyInQueue,
        ErrorCode::QueueEmpty,
        ErrorCode::QueueBusy,
        ErrorCode::VisitStateChanged,
        ErrorCode::NotArrived,
        ErrorCode::NinUnknown,
        ErrorCode::NinSeenAtDesk,
        ErrorCode::CheckinExpired,
        ErrorCode::NoAppointmentToday,
        ErrorCode::ReviewTooEarly,
        ErrorCode::AlreadyArrived,
        ErrorCode::ReasonInvalid,
    ];

    /// The snake_case code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::NinInvalid => "nin_invalid",
            ErrorCode::PhoneInvalid => "phone_invalid",
            ErrorCode::EmailInvalid => "email_invalid",
            ErrorCode::NameInvalid => "name_invalid",
            ErrorCode::BirthDateInvalid => "birth_date_invalid",
            ErrorCode::SexInvalid => "sex_invalid",
            ErrorCode::LangInvalid => "lang_invalid",
            ErrorCode::PasswordTooShort => "password_too_short",
            ErrorCode::PasswordTooLong => "password_too_long",
            ErrorCode::PasswordCommon => "password_common",
            ErrorCode::NinTaken => "nin_taken",
            ErrorCode::PhoneTaken => "phone_taken",
            ErrorCode::EmailTaken => "email_taken",
            ErrorCode::CodeTaken => "code_taken",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::CurrentPasswordWrong => "current_password_wrong",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::TokenInvalid => "token_invalid",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Internal => "internal",
            ErrorCode::SlotTaken => "slot_taken",
            ErrorCode::SlotUnavailable => "slot_unavailable",
            ErrorCode::AlreadyBookedSpecialty => "already_booked_specialty",
            ErrorCode::CancelTooLate => "cancel_too_late",
            ErrorCode::BookingTooSoon => "booking_too_soon",
            ErrorCode::BeyondHorizon => "beyond_horizon",
            ErrorCode::TooManyActive => "too_many_active",
            ErrorCode::ReferralRequired => "referral_required",
            ErrorCode::TemplateOverlap => "template_overlap",
            ErrorCode::OfferExpired => "offer_expired",
            ErrorCode::AlreadyWaiting => "already_waiting",
            ErrorCode::LinkInvalid => "link_invalid",
            ErrorCode::InvitationInvalid => "invitation_invalid",
            ErrorCode::AccountDeactivated => "account_deactivated",
            ErrorCode::PrescriptionNotFound => "prescription_not_found",
            ErrorCode::FileTooLarge => "file_too_large",
            ErrorCode::FileTypeRejected => "file_type_rejected",
            ErrorCode::IdempotencyKeyMismatch => "idempotency_key_mismatch",
            ErrorCode::IdempotencyKeyInFlight => "idempotency_key_in_flight",
            ErrorCode::CodeInvalid => "code_invalid",
            ErrorCode::CodeExpired => "code_expired",
            ErrorCode::PhoneUnverified => "phone_unverified",
            ErrorCode::TooManyDependants => "too_many_dependants",
            ErrorCode::AdultNeedsConsent => "adult_needs_consent",
            ErrorCode::NinClaimAtDesk => "nin_claim_at_desk",
            ErrorCode::NinNotClaimable => "nin_not_claimable",
            ErrorCode::ClaimClosed => "claim_closed",
            ErrorCode::MfaRequired => "mfa_required",
            ErrorCode::MfaInvalid => "mfa_invalid",
            ErrorCode::MfaEnrolmentRequired => "mfa_enrolment_required",
            ErrorCode::MfaAlreadyEnrolled => "mfa_already_enrolled",
            ErrorCode::TooLong => "too_long",
            ErrorCode::PriorityInvalid => "priority_invalid",
            ErrorCode::NotToday => "not_today",
            ErrorCode::AppointmentNotBooked => "appointment_not_booked",
            ErrorCode::AlreadyInQueue => "already_in_queue",
            ErrorCode::QueueEmpty => "queue_empty",
            ErrorCode::QueueBusy => "queue_busy",
            ErrorCode::VisitStateChanged => "visit_state_changed",
            ErrorCode::NotArrived => "not_arrived",
            ErrorCode::NinUnknown => "nin_unknown",
            ErrorCode::NinSeenAtDesk => "nin_seen_at_desk",
            ErrorCode::CheckinExpired => "checkin_expired",
            ErrorCode::NoAppointmentToday => "no_appointment_today",
            ErrorCode::ReviewTooEarly => "review_too_early",
            ErrorCode::AlreadyArrived => "already_arrived",
            ErrorCode::ReasonInvalid => "reason_invalid",
        }
    }

    pub fn parse(s: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The HTTP status this code travels with.
    pub fn http_status(self) -> u16 {
        use ErrorCode::*;
        match self {
            Required
            | NinInvalid
            | PhoneInvalid
            | EmailInvalid
            | NameInvalid
            | BirthDateInvalid
            | SexInvalid
            | LangInvalid
            | PasswordTooShort
            | PasswordTooLong
            | PasswordCommon
            | ValidationFailed
            | CurrentPasswordWrong
            | IdempotencyKeyMismatch
            | TemplateOverlap
            | CodeInvalid
            | CodeExpired
            | NinNotClaimable
            | TooLong
            | PriorityInvalid
            | NinUnknown
            | ReasonInvalid
            | CodeTaken => 422,
            NinTaken
            | PhoneTaken
            | EmailTaken
            | SlotTaken
            | SlotUnavailable
            | AlreadyBookedSpecialty
            | CancelTooLate
            | IdempotencyKeyInFlight
            | BookingTooSoon
            | BeyondHorizon
            | TooManyActive
            | ReferralRequired
            | OfferExpired
            | AlreadyWaiting
            | TooManyDependants
            | AdultNeedsConsent
            | NinClaimAtDesk
            | ClaimClosed
            | MfaAlreadyEnrolled
            | NotToday
            | AppointmentNotBooked
            | AlreadyInQueue
            | QueueEmpty
            | QueueBusy
            | VisitStateChanged
            | NotArrived
            | NinSeenAtDesk
            | CheckinExpired
            | NoAppointmentToday
            | ReviewTooEarly
            | AlreadyArrived => 409,
            BadRequest => 400,
            FileTooLarge => 413,
            FileTypeRejected => 415,
            InvalidCredentials | Unauthorized | TokenInvalid | MfaRequired | MfaInvalid => 401,
            TooManyAttempts => 429,
            Forbidden | PhoneUnverified | MfaEnrolmentRequired | AccountDeactivated => 403,
            NotFound | LinkInvalid | InvitationInvalid | PrescriptionNotFound => 404,
            Internal => 500,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with one input field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name as in the request body (`nin`, `phone`…).
    pub field: String,
    pub code: ErrorCode,
    /// Translated text; empty when the error was produced in the browser,
    /// which translates the code itself.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: ErrorCode) -> Self {
        Self { field: field.to_owned(), code, message: String::new() }
    }
}

/// The error body of every failed API call and server function.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// Seconds to wait before trying again, for `too_many_attempts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self { code, message: String::new(), fields: Vec::new(), retry_after: None }
    }

    pub fn fields(fields: Vec<FieldError>) -> Self {
        Self { fields, ..Self::new(ErrorCode::ValidationFailed) }
    }

    /// The code for one field, if that field has an error.
    pub fn field(&self, name: &str) -> Option<ErrorCode> {
        self.fields.iter().find(|f| f.field == name).map(|f| f.code)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_str())
    }
}

impl std::error::Error for ApiError {}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        ApiError::new(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_wire_name_and_serde() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
