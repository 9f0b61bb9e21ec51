//! The error type of every server function, and the translation of error
//! codes for the pages and for the REST API's `message` field.

use crate::i18n::{td_string, Locale};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use shared::{ApiError, ErrorCode, Lang};

/// An [`ApiError`] travelling through a server function.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppError(pub ApiError);

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        let code = match e {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => ErrorCode::BadRequest,
            _ => ErrorCode::Internal,
        };
        AppError(ApiError::new(code))
    }
}

impl From<ErrorCode> for AppError {
    fn from(code: ErrorCode) -> Self {
        AppError(ApiError::new(code))
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }
    pub fn field(&self, name: &str) -> Option<ErrorCode> {
        self.0.field(name)
    }
}

pub fn locale_of(lang: Lang) -> Locale {
    match lang {
        Lang::Ar => Locale::ar,
        Lang::Fr => Locale::fr,
        Lang::En => Locale::en,
    }
}

pub fn lang_of(locale: Locale) -> Lang {
    match locale {
        Locale::ar => Lang::Ar,
        Locale::fr => Lang::Fr,
        Locale::en => Lang::En,
    }
}

/// The sentence a person reads for an error code, in their language.
pub fn error_text(locale: Locale, code: ErrorCode) -> &'static str {
    use ErrorCode::*;
    match code {
        Required => td_string!(locale, errors.required),
        NinInvalid => td_string!(locale, errors.nin_invalid),
        PhoneInvalid => td_string!(locale, errors.phone_invalid),
        EmailInvalid => td_string!(locale, errors.email_invalid),
        NameInvalid => td_string!(locale, errors.name_invalid),
        BirthDateInvalid => td_string!(locale, errors.birth_date_invalid),
        SexInvalid => td_string!(locale, errors.sex_invalid),
        LangInvalid => td_string!(locale, errors.lang_invalid),
        PasswordTooShort => td_string!(locale, errors.password_too_short),
        PasswordTooLong => td_string!(locale, errors.password_too_long),
        PasswordCommon => td_string!(locale, errors.password_common),
        NinTaken => td_string!(locale, errors.nin_taken),
        PhoneTaken => td_string!(locale, errors.phone_taken),
        EmailTaken => td_string!(locale, errors.email_taken),
        CodeTaken => td_string!(locale, errors.code_taken),
        ValidationFailed => td_string!(locale, errors.validation_failed),
        BadRequest => td_string!(locale, errors.bad_request),
        InvalidCredentials => td_string!(locale, errors.invalid_credentials),
        CurrentPasswordWrong => td_string!(locale, errors.current_password_wrong),
        TooManyAttempts => td_string!(locale, errors.too_many_attempts),
        Unauthorized => td_string!(locale, errors.unauthorized),
        TokenInvalid => td_string!(locale, errors.token_invalid),
        Forbidden => td_string!(locale, errors.forbidden),
        NotFound => td_string!(locale, errors.not_found),
        Internal => td_string!(locale, errors.internal),
        SlotTaken => td_string!(locale, errors.slot_taken),
        SlotUnavailable => td_string!(locale, errors.slot_unavailable),
        AlreadyBookedSpecialty => td_string!(locale, errors.already_booked_specialty),
        CancelTooLate => td_string!(locale, errors.cancel_too_late),
        BookingTooSoon => td_string!(locale, errors.booking_too_soon),
        BeyondHorizon => td_string!(locale, errors.beyond_horizon),
        TooManyActive => td_string!(locale, errors.too_many_active),
        ReferralRequired => td_string!(locale, errors.referral_required),
        TemplateOverlap => td_string!(locale, errors.template_overlap),
        OfferExpired => td_string!(locale, errors.offer_expired),
        AlreadyWaiting => td_string!(locale, errors.already_waiting),
        LinkInvalid => td_string!(locale, errors.link_invalid),
        InvitationInvalid => td_string!(locale, errors.invitation_invalid),
        AccountDeactivated => td_string!(locale, errors.account_deactivated),
        PrescriptionNotFound => td_string!(locale, errors.prescription_not_found),
        FileTooLarge => td_string!(locale, errors.file_too_large),
        FileTypeRejected => td_string!(locale, errors.file_type_rejected),
        IdempotencyKeyMismatch => td_string!(locale, errors.idempotency_key_mismatch),
        IdempotencyKeyInFlight => td_string!(locale, errors.idempotency_key_in_flight),
        CodeInvalid => td_string!(locale, errors.code_invalid),
        CodeExpired => td_string!(locale, errors.code_expired),
        PhoneUnverified => td_string!(locale, errors.phone_unverified),
        TooManyDependants => td_string!(locale, errors.too_many_dependants),
        AdultNeedsConsent => td_string!(locale, errors.adult_needs_consent),
        NinClaimAtDesk => td_string!(locale, errors.nin_claim_at_desk),
        NinNotClaimable => td_string!(locale, errors.nin_not_claimable),
        ClaimClosed => td_string!(locale, errors.claim_closed),
        MfaRequired => td_string!(locale, errors.mfa_required),
        MfaInvalid => td_string!(locale, errors.mfa_invalid),
        MfaEnrolmentRequired => td_string!(locale, errors.mfa_enrolment_required),
        MfaAlreadyEnrolled => td_string!(locale, errors.mfa_already_enrolled),
        TooLong => td_string!(locale, errors.too_long),
        PriorityInvalid => td_string!(locale, errors.priority_invalid),
        NotToday => td_string!(locale, errors.not_today),
        AppointmentNotBooked => td_string!(locale, errors.appointment_not_booked),
        AlreadyInQueue => td_string!(locale, errors.already_in_queue),
        QueueEmpty => td_string!(locale, errors.queue_empty),
        QueueBusy => td_string!(locale, errors.queue_busy),
        VisitStateChanged => td_string!(locale, errors.visit_state_changed),
        NotArrived => td_string!(locale, errors.not_arrived),
        NinUnknown => td_string!(locale, errors.nin_unknown),
        NinSeenAtDesk => td_string!(locale, errors.nin_seen_at_desk),
        CheckinExpired => td_string!(locale, errors.checkin_expired),
        NoAppointmentToday => td_string!(locale, errors.no_appointment_today),
        ReviewTooEarly => td_string!(locale, errors.review_too_early),
        AlreadyArrived => td_string!(locale, errors.already_arrived),
        ReasonInvalid => td_string!(locale, errors.reason_invalid),
    }
}

/// Fills `message` (and every field's) in the given language, for API clients.
pub fn translate(mut e: ApiError, lang: Lang) -> ApiError {
    let locale = locale_of(lang);
    e.message = error_text(locale, e.code).to_owned();
    for f in &mut e.fields {
        f.message = error_text(locale, f.code).to_owned();
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_has_a_distinct_text_in_each_language() {
        for lang in Lang::ALL {
            let texts: std::collections::HashSet<_> = ErrorCode::ALL.iter().map(|c| error_text(locale_of(lang), *c)).collect();
            assert_eq!(texts.len(), ErrorCode::ALL.len(), "{lang:?}");
        }
        assert_ne!(error_text(Locale::ar, ErrorCode::NinInvalid), error_text(Locale::fr, ErrorCode::NinInvalid));
    }
}
