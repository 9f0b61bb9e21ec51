//! Request (`*In`) and response (`*Out`) bodies of the API and server functions.
//!
//! Inputs arrive as plain strings so that one bad field does not hide the
//! others: `validate()` checks every field with the value types and returns
//! either the typed, valid form or every field error at once.

use crate::error::{ErrorCode, FieldError};
use crate::ids::{FacilityId, UserId};
use crate::values::*;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

fn check<T>(errors: &mut Vec<FieldError>, field: &str, r: Result<T, ErrorCode>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(code) => {
            errors.push(FieldError::new(field, code));
            None
        }
    }
}

fn required(s: &str) -> Result<&str, ErrorCode> {
    if s.trim().is_empty() {
        Err(ErrorCode::Required)
    } else {
        Ok(s)
    }
}

fn optional_email(s: &str) -> Result<Option<Email>, ErrorCode> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        Email::parse(s).map(Some)
    }
}

/// Birth dates from 1900 up to `today`; the caller supplies today so that
/// this module keeps no clock.
pub fn parse_birth_date(s: &str, today: NaiveDate) -> Result<NaiveDate, ErrorCode> {
    let d = NaiveDate::parse_from_str(required(s)?.trim(), "%Y-%m-%d").map_err(|_| ErrorCode::BirthDateInvalid)?;
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
    if d < earliest || d > today {
        Err(ErrorCode::BirthDateInvalid)
    } else {
        Ok(d)
    }
}

/// Citizen registration, as typed in the form or sent by the app.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RegisterIn {
    /// 18 digits; spaces allowed.
    pub nin: String,
    pub given_name: String,
    pub family_name: String,
    /// `YYYY-MM-DD`
    pub birth_date: String,
    /// `female` or `male`
    pub sex: String,
    /// `0[5-7]XXXXXXXX` or `+213…`
    pub phone: String,
    #[serde(default)]
    pub email: String,
    pub password: String,
    /// `ar`, `fr` or `en`
    #[serde(default)]
    pub lang: String,
}

/// A registration whose every field is valid.
#[derive(Clone, Debug)]
pub struct Registration {
    pub nin: Nin,
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub phone: Phone,
    pub email: Option<Email>,
    pub password: NewPassword,
    pub lang: Lang,
}

impl RegisterIn {
    pub fn validate(&self, today: NaiveDate) -> Result<Registration, Vec<FieldError>> {
        let mut e = Vec::new();
        let nin = check(&mut e, "nin", required(&self.nin).and_then(Nin::parse));
        let given_name = check(&mut e, "given_name", required(&self.given_name).and_then(PersonName::parse));
        let family_name = check(&mut e, "family_name", required(&self.family_name).and_then(PersonName::parse));
        let birth_date = check(&mut e, "birth_date", parse_birth_date(&self.birth_date, today));
        let sex = check(&mut e, "sex", required(&self.sex).and_then(|s| Sex::parse(s).ok_or(ErrorCode::SexInvalid)));
        let phone = check(&mut e, "phone", required(&self.phone).and_then(Phone::parse));
        let email = check(&mut e, "email", optional_email(&self.email));
        let password = check(&mut e, "password", NewPassword::parse(&self.password));
        let lang = if self.lang.is_empty() { Some(Lang::default()) } else { check(&mut e, "lang", Lang::parse(&self.lang).ok_or(ErrorCode::LangInvalid)) };
        match (nin, given_name, family_name, birth_date, sex, phone, email, password, lang) {
            (Some(nin), Some(given_name), Some(family_name), Some(birth_date), Some(sex), Some(phone), Some(email), Some(password), Some(lang))
                if e.is_empty() =>
            {
                Ok(Registration { nin, given_name, family_name, birth_date, sex, phone, email, password, lang })
            }
            _ => Err(e),
        }
    }
}

/// Sign in with a phone number or an email address.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginIn {
    /// Mobile number (any common spelling) or email address.
    pub login: String,
    pub password: String,
    /// Staff who sign in with a second factor: the authenticator's current
    /// 6-digit code, or one of the recovery codes. Without it such an
    /// account is answered `mfa_required` (or `mfa_enrolment_required`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
}

/// What a login names: the parser decides which, so the service never guesses.
#[derive(Clone, Debug, PartialEq)]
pub enum LoginId {
    Phone(Phone),
    Email(Email),
}

impl LoginId {
    pub fn parse(s: &str) -> Result<LoginId, ErrorCode> {
        if s.contains('@') {
            Email::parse(s).map(LoginId::Email)
        } else {
            Phone::parse(s).map(LoginId::Phone)
        }
    }

    /// A key for per-account throttling that does not reveal the login.
    pub fn throttle_key(&self) -> String {
        match self {
            LoginId::Phone(p) => format!("p:{}", p.as_ref()),
            LoginId::Email(e) => format!("e:{}", e.as_ref().to_lowercase()),
        }
    }
}

/// Access and refresh tokens for mobile apps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TokenOut {
    /// A JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the access token in seconds.
    pub expires_in: u64,
    /// Opaque; single use: every refresh returns a new one.
    pub refresh_token: String,
    pub refresh_expires_in: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RefreshIn {
    pub refresh_token: String,
}

/// The signed-in person's own profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProfileOut {
    pub id: UserId,
    pub role: Role,
    pub facility_id: Option<FacilityId>,
    /// Null for staff accounts created without one.
    pub nin: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The phone received a code: bookings, the record and reminders are
    /// open to the account.
    pub phone_verified: bool,
    /// The email received a link: mail is sent to it.
    pub email_verified: bool,
    pub lang: Lang,
}

/// Changes to one's own profile. NIN, birth date and sex come from the
/// identity card and are changed at the desk, not here; the phone and the
/// email change through a verification (`/me/phone`, `/me/email`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProfileUpdateIn {
    pub given_name: String,
    pub family_name: String,
    pub lang: String,
}

#[derive(Clone, Debug)]
pub struct ProfileUpdate {
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub lang: Lang,
}

impl ProfileUpdateIn {
    pub fn validate(&self) -> Result<ProfileUpdate, Vec<FieldError>> {
        let mut e = Vec::new();
        let given_name = check(&mut e, "given_name", required(&self.given_name).and_then(PersonName::parse));
        let family_name = check(&mut e, "family_name", required(&self.family_name).and_then(PersonName::parse));
        let lang = check(&mut e, "lang", Lang::parse(&self.lang).ok_or(ErrorCode::LangInvalid));
        match (given_name, family_name, lang) {
            (Some(given_name), Some(family_name), Some(lang)) if e.is_empty() => Ok(ProfileUpdate { given_name, family_name, lang }),
            _ => Err(e),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PasswordChangeIn {
    pub current_password: String,
    pub new_password: String,
}

/// A weekly availability rule, as a receptionist enters it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TemplateIn {
    pub practitioner_id: String,
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// `HH:MM`, Algiers time.
    pub start: String,
    /// `HH:MM`, Algiers time, after `start`.
    pub end: String,
    /// 5 to 240 minutes.
    pub slot_minutes: u16,
    /// `YYYY-MM-DD`
    pub valid_from: String,
    /// `YYYY-MM-DD`, optional.
    #[serde(default)]
    pub valid_to: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TemplateOut {
    pub template_id: uuid::Uuid,
    /// Slots created within the booking horizon.
    pub slots_created: u64,
}

/// A free slot found by a search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SlotOut {
    pub id: uuid::Uuid,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub facility_id: FacilityId,
    pub facility_name_ar: String,
    pub facility_name_fr: String,
    pub practitioner_id: crate::ids::PractitionerId,
    pub practitioner_name: String,
    pub specialty: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BookIn {
    pub slot_id: String,
    #[serde(default)]
    pub reason: String,
    /// One of the account holder's dependants; empty: the holder.
    #[serde(default)]
    pub dependant_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppointmentOut {
    pub id: uuid::Uuid,
    pub slot_id: uuid::Uuid,
    pub status: crate::AppointmentStatus,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub facility_id: FacilityId,
    pub facility_name_ar: String,
    pub facility_name_fr: String,
    pub practitioner_id: crate::ids::PractitionerId,
    pub practitioner_name: String,
    pub specialty_id: crate::ids::SpecialtyId,
    /// The specialty's code, e.g. `cardiology`.
    pub specialty: String,
    /// Set when the appointment is for one of the holder's dependants.
    pub dependant_id: Option<uuid::Uuid>,
    /// Whom the appointment is for.
    pub patient_name: String,
    /// Whether it may still be cancelled online: booked, and more than the
    /// cut-off before it starts. Decided by the domain; pages and apps
    /// show the action from this, never from `status`.
    #[serde(default)]
    pub can_cancel: bool,
    /// Whether it may still be moved to another slot online (the same rule).
    #[serde(default)]
    pub can_move: bool,
}

/// A practitioner of the staff member's own facility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PractitionerOut {
    pub id: crate::ids::PractitionerId,
    pub name: String,
    pub specialty: String,
}

/// A specialty as the search form lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SpecialtyOut {
    pub code: String,
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
    pub referral_required: bool,
}

/// A wilaya that has at least one facility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WilayaOut {
    pub code: String,
    pub name_ar: String,
    pub name_fr: String,
}

/// A facility, for narrowing a search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityOut {
    pub id: FacilityId,
    pub name_ar: String,
    pub name_fr: String,
    pub commune_id: Option<uuid::Uuid>,
}

/// A dependant as the account holder enters them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DependantIn {
    pub given_name: String,
    pub family_name: String,
    /// `YYYY-MM-DD`
    pub birth_date: String,
    /// `female` or `male`
    pub sex: String,
    /// Optional: children often have none yet.
    #[serde(default)]
    pub nin: String,
    /// `child`, `parent`, `spouse` or `other`.
    pub relation: String,
}

/// The valid form of [`DependantIn`].
#[derive(Clone, Debug, PartialEq)]
pub struct NewDependant {
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub nin: Option<Nin>,
    pub relation: &'static str,
}

/// The relations a dependant may have to the account holder.
pub const RELATIONS: [&str; 4] = ["child", "parent", "spouse", "other"];

impl DependantIn {
    pub fn validate(&self, today: NaiveDate) -> Result<NewDependant, Vec<FieldError>> {
        let mut e = Vec::new();
        let given_name = check(&mut e, "given_name", required(&self.given_name).and_then(PersonName::parse));
        let family_name = check(&mut e, "family_name", required(&self.family_name).and_then(PersonName::parse));
        let birth_date = check(&mut e, "birth_date", parse_birth_date(&self.birth_date, today));
        let sex = check(&mut e, "sex", required(&self.sex).and_then(|s| Sex::parse(s).ok_or(ErrorCode::SexInvalid)));
        let nin = check(&mut e, "nin", if self.nin.trim().is_empty() { Ok(None) } else { Nin::parse(&self.nin).map(Some) });
        let relation = check(&mut e, "relation", RELATIONS.into_iter().find(|r| *r == self.relation.trim()).ok_or(ErrorCode::Required));
        match (given_name, family_name, birth_date, sex, nin, relation) {
            (Some(given_name), Some(family_name), Some(birth_date), Some(sex), Some(nin), Some(relation)) if e.is_empty() => {
                Ok(NewDependant { given_name, family_name, birth_date, sex, nin, relation })
            }
            _ => Err(e),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DependantOut {
    pub id: uuid::Uuid,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub nin: Option<String>,
    pub relation: String,
    /// False until a receptionist has checked the papers.
    pub verified: bool,
}

/// A closed day, leave, or reduced hours, entered by the desk.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClosureIn {
    /// One practitioner; empty: the whole facility.
    #[serde(default)]
    pub practitioner_id: String,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`; with `end`, only that part of the day is closed. Both
    /// empty: the whole day.
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    /// `closed`, `leave` or `reduced`.
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

/// A published template, as the desk lists them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TemplateRowOut {
    pub id: uuid::Uuid,
    pub practitioner_id: crate::ids::PractitionerId,
    pub practitioner_name: String,
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// `HH:MM`, Algiers time.
    pub start: String,
    pub end: String,
    pub slot_minutes: u16,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// Ends a template: no slots after `valid_to`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TemplateEndIn {
    /// `YYYY-MM-DD`, the last day the template still makes slots.
    pub valid_to: String,
}

/// A booked appointment that a schedule change no longer covers: it was
/// kept, and must be moved or cancelled by the desk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConflictOut {
    pub appointment_id: uuid::Uuid,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub practitioner_name: String,
    pub patient_name: String,
    pub patient_phone: Option<String>,
}

/// What a schedule change did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ScheduleChangeOut {
    /// The closure or template changed.
    pub id: uuid::Uuid,
    /// Free slots closed by the change.
    pub slots_closed: u64,
    /// Booked appointments it conflicts with, to move or cancel — those
    /// within the caller's facility only.
    pub conflicts: Vec<ConflictOut>,
    /// Booked appointments it conflicts with outside the caller's scope
    /// (a holiday set by the directorate): each facility's desk finds
    /// them in its day list.
    #[serde(default)]
    pub conflicts_elsewhere: u64,
}

/// A moving public holiday (the fixed ones are built in).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HolidayIn {
    /// `YYYY-MM-DD`
    pub date: String,
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HolidayOut {
    pub date: NaiveDate,
    pub kind: crate::HolidayKind,
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
}

/// One slot of a practitioner's day, as the desk sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DaySlotOut {
    pub slot_id: uuid::Uuid,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub practitioner_id: crate::ids::PractitionerId,
    pub practitioner_name: String,
    /// Open, closed, held (offered to a waiting citizen) or booked.
    pub status: crate::DaySlotStatus,
    pub appointment_id: Option<uuid::Uuid>,
    pub patient_name: Option<String>,
    pub patient_phone: Option<String>,
    /// Booked at the desk rather than by the citizen.
    pub booked_at_desk: bool,
    /// Who had this slot and cancelled (or was moved away), oldest first:
    /// the desk sees cancellations as well as bookings.
    #[serde(default)]
    pub cancelled: Vec<String>,
}

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
    pub matched_dependant_id: Option<uuid::Uuid>,
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReferralOut {
    pub id: uuid::Uuid,
    pub specialty: String,
    pub priority: crate::ReferralPriority,
    pub reason: String,
    pub expires_on: NaiveDate,
    pub dependant_id: Option<uuid::Uuid>,
    /// Already used by an appointment.
    pub used: bool,
}

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
    pub id: uuid::Uuid,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub slot: SlotOut,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WaitlistOut {
    pub id: uuid::Uuid,
    pub specialty: String,
    pub wilaya: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub status: crate::WaitlistStatus,
    pub dependant_id: Option<uuid::Uuid>,
    pub offer: Option<OfferOut>,
    /// Whether the citizen may leave the list (waiting, or holding an offer).
    #[serde(default)]
    pub can_leave: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn valid() -> RegisterIn {
        RegisterIn {
            nin: "109876543210987654".into(),
            given_name: "Amina".into(),
            family_name: "بن علي".into(),
            birth_date: "1990-04-12".into(),
            sex: "female".into(),
            phone: "0551234567".into(),
            email: String::new(),
            password: "jardin de Tlemcen".into(),
            lang: "fr".into(),
        }
    }

    #[test]
    fn a_valid_registration_comes_out_typed_and_normalised() {
        let r = valid().validate(today()).unwrap();
        assert_eq!(r.phone.as_ref(), "+213551234567");
        assert_eq!(r.lang, Lang::Fr);
        assert!(r.email.is_none());
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let input = RegisterIn { nin: "123".into(), phone: "12".into(), birth_date: "2099-01-01".into(), password: "x".into(), ..valid() };
        let errors = input.validate(today()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("nin", ErrorCode::NinInvalid),
                ("birth_date", ErrorCode::BirthDateInvalid),
                ("phone", ErrorCode::PhoneInvalid),
                ("password", ErrorCode::PasswordTooShort),
            ]
        );
    }

    #[test]
    fn an_empty_required_field_says_required_not_invalid() {
        let errors = RegisterIn { given_name: "  ".into(), ..valid() }.validate(today()).unwrap_err();
        assert_eq!(errors, vec![FieldError::new("given_name", ErrorCode::Required)]);
    }

    #[test]
    fn a_login_with_an_at_sign_is_an_email_and_otherwise_a_phone() {
        assert!(matches!(LoginId::parse("a@b.dz"), Ok(LoginId::Email(_))));
        assert!(matches!(LoginId::parse("0661 00 00 00"), Ok(LoginId::Phone(_))));
        assert!(LoginId::parse("hello").is_err());
    }
}

/// One in-app message, in the reader's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InboxItemOut {
    pub id: uuid::Uuid,
    /// `booked`, `rescheduled`, `cancelled`, `reminder`, `offer`, `referral`.
    pub kind: String,
    pub title: String,
    pub body: String,
    pub appointment_id: Option<uuid::Uuid>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub read: bool,
}

/// The in-app inbox: the newest 100 messages and how many are unread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InboxOut {
    pub unread: u64,
    pub items: Vec<InboxItemOut>,
}

/// Which channels a citizen receives messages on (the in-app inbox always).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NotificationPrefs {
    pub email: bool,
    pub sms: bool,
}

/// A message of the facility that could not be delivered (dead letter).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UndeliveredOut {
    pub id: uuid::Uuid,
    pub kind: String,
    /// `email`, `sms`.
    pub channel: String,
    pub attempts: i32,
    /// A short category (`connection`, `smtp_permanent 550`…), never an address.
    pub last_error: String,
    pub appointment_id: Option<uuid::Uuid>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// What a signed link shows: the appointment (without the patient's name)
/// and whether this link may cancel it now — a cancel link, the
/// appointment still booked, before the cut-off — decided in the domain for
/// the web page and the apps alike.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LinkAppointmentOut {
    pub appointment: AppointmentOut,
    pub can_cancel: bool,
}

/// A medication line of a prescription.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MedicationLine {
    pub medication: String,
    /// Tablet, syrup, injection…
    pub form: String,
    pub dose: String,
    pub frequency: String,
    pub duration: String,
    #[serde(default)]
    pub instructions: String,
}

/// A laboratory value with its unit and reference range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LabValue {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub reference_low: Option<f64>,
    #[serde(default)]
    pub reference_high: Option<f64>,
}

/// What a record entry says, by kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryData {
    Consultation {
        reason: String,
        #[serde(default)]
        findings: String,
        /// ICD-10 code, e.g. `J45.9`.
        diagnosis_code: String,
        #[serde(default)]
        diagnosis_text: String,
    },
    Prescription {
        items: Vec<MedicationLine>,
    },
    ExamRequest {
        /// `laboratory` or `imaging`.
        category: String,
        exam: String,
        /// `routine` or `urgent`.
        priority: String,
        #[serde(default)]
        clinical_notes: String,
    },
    ExamResult {
        /// The exam request this answers, if any.
        #[serde(default)]
        request_id: Option<uuid::Uuid>,
        exam: String,
        #[serde(default)]
        values: Vec<LabValue>,
        #[serde(default)]
        report: String,
    },
    Vaccination {
        vaccine: String,
        #[serde(default)]
        dose_number: Option<u32>,
        /// `YYYY-MM-DD`
        date: String,
        #[serde(default)]
        lot: String,
    },
    Allergy {
        substance: String,
        #[serde(default)]
        reaction: String,
        /// `mild`, `moderate` or `severe`.
        severity: String,
    },
}

impl EntryData {
    pub fn kind(&self) -> &'static str {
        match self {
            EntryData::Consultation { .. } => "consultation",
            EntryData::Prescription { .. } => "prescription",
            EntryData::ExamRequest { .. } => "exam_request",
            EntryData::ExamResult { .. } => "exam_result",
            EntryData::Vaccination { .. } => "vaccination",
            EntryData::Allergy { .. } => "allergy",
        }
    }
}

/// A practitioner writes an entry for a patient (citizen or dependant).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EntryIn {
    /// The appointment this entry belongs to; a consultation marks it fulfilled.
    #[serde(default)]
    pub appointment_id: Option<uuid::Uuid>,
    /// The entry this one corrects (which must be marked entered-in-error).
    #[serde(default)]
    pub corrects_id: Option<uuid::Uuid>,
    #[serde(flatten)]
    pub data: EntryData,
}

/// A record entry as readers see it, signed by author, facility and time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EntryOut {
    pub id: uuid::Uuid,
    pub subject_id: uuid::Uuid,
    pub patient_name: String,
    #[serde(flatten)]
    pub data: EntryData,
    pub appointment_id: Option<uuid::Uuid>,
    pub facility_id: FacilityId,
    pub facility_name_ar: String,
    pub facility_name_fr: String,
    pub author_name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub status: crate::EntryStatus,
    pub error_reason: Option<String>,
    pub corrects_id: Option<uuid::Uuid>,
    pub verification_code: Option<String>,
    /// Files attached to the entry (results: PDF, JPEG, PNG).
    #[serde(default)]
    pub attachments: Vec<AttachmentOut>,
}

/// A file attached to a record entry; its bytes are downloaded separately
/// (always as an attachment, never rendered inline).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AttachmentOut {
    pub id: uuid::Uuid,
    pub file_name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`, found from the content.
    pub media_type: String,
    pub size: u64,
}

/// Which entries of a record to show; every part optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct RecordFilter {
    /// `consultation`, `prescription`, `exam_request`, `exam_result`, `vaccination`, `allergy`.
    #[serde(default)]
    pub kind: Option<String>,
    /// First day (Algiers), `YYYY-MM-DD`.
    #[serde(default)]
    pub from: Option<chrono::NaiveDate>,
    /// Last day (Algiers), `YYYY-MM-DD`.
    #[serde(default)]
    pub to: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub facility_id: Option<uuid::Uuid>,
    /// One patient (oneself or a dependant).
    #[serde(default)]
    pub subject_id: Option<uuid::Uuid>,
}

/// A practitioner opens a patient's record by NIN (in the body, never in a
/// URL), saying why: a care relationship at their facility for a day.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CareLookupIn {
    pub nin: String,
    pub reason: String,
}

/// A patient in a practitioner's care at their facility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CarePatientOut {
    pub subject_id: uuid::Uuid,
    pub name: String,
    pub birth_date: Option<chrono::NaiveDate>,
    /// Today's appointment, when the relationship is one.
    pub appointment_id: Option<uuid::Uuid>,
    pub starts_at: Option<chrono::DateTime<chrono::Utc>>,
    /// `appointment` or `lookup`.
    pub via: String,
    /// The look-up's reason.
    pub reason: Option<String>,
}

/// An ICD-10 code with its label in the reader's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Icd10Out {
    pub code: String,
    pub label: String,
}

/// Why an entry is wrong (it stays, marked, and a new entry corrects it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EnteredInErrorIn {
    pub reason: String,
}

/// "Who looked at my record": one read or write of record data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccessOut {
    pub at: chrono::DateTime<chrono::Utc>,
    pub subject_id: uuid::Uuid,
    pub actor_name: String,
    pub actor_role: crate::Role,
    pub facility_name_ar: Option<String>,
    pub facility_name_fr: Option<String>,
    /// `read_record`, `write_entry`, `mark_error`, `read_log`.
    pub action: String,
    pub entry_id: Option<uuid::Uuid>,
    pub reason: String,
}

/// One page of "who looked at my record", newest first. Every row is
/// reachable: pass `next_cursor` as `before` for the next (older) page;
/// `null` on the last one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccessPage {
    pub items: Vec<AccessOut>,
    pub next_cursor: Option<String>,
}
