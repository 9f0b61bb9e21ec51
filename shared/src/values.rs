//! Validated values: a value of these types that exists is valid.
//!
//! Each type has a private field and one way in, `parse`, which normalises and
//! checks. Serde goes through `parse` too (`try_from = "String"`), so a value
//! read from JSON or a database is as trustworthy as one typed by hand.

use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_value {
    ($name:ident) => {
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $name {
            type Error = ErrorCode;
            fn try_from(s: String) -> Result<Self, ErrorCode> {
                Self::parse(&s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}

/// The 18-digit national identification number (NIN, «الرقم التعريفي الوطني»),
/// the patient key across facilities.
///
/// No check digit for the NIN is published, so validation is structural:
/// exactly 18 ASCII digits once spaces are removed, and not a run of one digit
/// (the placeholder people type when they do not know it).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nin(String);
string_value!(Nin);

impl Nin {
    pub const LEN: usize = 18;

    pub fn parse(input: &str) -> Result<Self, ErrorCode> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != Self::LEN || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ErrorCode::NinInvalid);
        }
        let first = digits.as_bytes()[0];
        if digits.bytes().all(|b| b == first) {
            return Err(ErrorCode::NinInvalid);
        }
        Ok(Self(digits))
    }

    /// The last four digits, enough for a person to recognise their own number.
    pub fn masked(&self) -> String {
        format!("••••••••••••••{}", &self.0[14..])
    }
}

// A NIN is personal data: never print it whole by accident.
impl fmt::Debug for Nin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nin({})", self.masked())
    }
}

/// An Algerian mobile number, stored as E.164: `+213` and the 9 national
/// digits after the leading 0 (mobile ranges 5, 6 and 7).
///
/// Accepts `0551234567`, `+213 551 23 45 67`, `00213551234567`,
/// `213551234567`, with spaces, dots, dashes or brackets between digits.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);
string_value!(Phone);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, ErrorCode> {
        let trimmed = input.trim();
        let plus = trimmed.starts_with('+');
        let mut digits = String::with_capacity(16);
        for (i, c) in trimmed.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '.' | '-' | '(' | ')' => {}
                _ => return Err(ErrorCode::PhoneInvalid),
            }
        }
        let national = if plus {
            digits.strip_prefix("213").ok_or(ErrorCode::PhoneInvalid)?
        } else if let Some(rest) = digits.strip_prefix("00213") {
            rest
        } else if digits.len() == 12 && digits.starts_with("213") {
            &digits[3..]
        } else if let Some(rest) = digits.strip_prefix('0') {
            rest
        } else {
            return Err(ErrorCode::PhoneInvalid);
        };
        // Some people keep the trunk 0 after the country code: +213 0551…
        let national = if national.len() == 10 && national.starts_with('0') { &national[1..] } else { national };
        let ok = national.len() == 9 && matches!(national.as_bytes()[0], b'5' | b'6' | b'7');
        if !ok {
            return Err(ErrorCode::PhoneInvalid);
        }
        Ok(Self(format!("+213{national}")))
    }

    /// The national form people read and type: `0551 23 45 67`.
    pub fn national(&self) -> String {
        let n = &self.0[4..];
        format!("0{} {} {} {}", &n[0..3], &n[3..5], &n[5..7], &n[7..9])
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone(…{})", &self.0[self.0.len() - 2..])
    }
}

/// An email address, trimmed and with its domain lower-cased. The check is
/// deliberately the practical one (something@domain.tld, no spaces, ≤ 254
/// characters): the only real validation of an address is a mail that arrives.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);
string_value!(Email);

impl Email {
    pub fn parse(input: &str) -> Result<Self, ErrorCode> {
        let s = input.trim();
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ErrorCode::EmailInvalid);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(ErrorCode::EmailInvalid)?;
        let domain_ok = domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains("..") && !domain.contains('@');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(ErrorCode::EmailInvalid);
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(…)")
    }
}

/// A given or family name in Arabic or Latin script (or Tifinagh): letters,
/// Arabic diacritics, spaces, hyphens, apostrophes and dots; 1 to 80 characters
/// after trimming and collapsing inner spaces.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);
string_value!(PersonName);

impl PersonName {
    pub const MAX: usize = 80;

    pub fn parse(input: &str) -> Result<Self, ErrorCode> {
        let collapsed = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = collapsed.chars().count();
        if n == 0 || n > Self::MAX {
            return Err(ErrorCode::NameInvalid);
        }
        let allowed = |c: char| {
            c.is_alphabetic()
                || matches!(c, ' ' | '-' | '\'' | '’' | '.')
                // Arabic harakat, shadda, sukun and the superscript alef are marks,
                // not letters, but belong in a fully vowelled Arabic name.
                || ('\u{064B}'..='\u{065F}').contains(&c)
                || c == '\u{0670}'
        };
        if !collapsed.chars().all(allowed) || !collapsed.chars().any(char::is_alphabetic) {
            return Err(ErrorCode::NameInvalid);
        }
        Ok(Self(collapsed))
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonName(…)")
    }
}

/// A password that meets the policy (NIST SP 800-63B): at least 8 characters,
/// at most 128, not one of the most common passwords; no composition rules.
/// It is never serialised and its `Debug` hides it.
#[derive(Clone)]
pub struct NewPassword(String);

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

impl NewPassword {
    pub const MIN: usize = 8;
    pub const MAX: usize = 128;

    pub fn parse(input: &str) -> Result<Self, ErrorCode> {
        let n = input.chars().count();
        if n < Self::MIN {
            return Err(ErrorCode::PasswordTooShort);
        }
        if n > Self::MAX {
            return Err(ErrorCode::PasswordTooLong);
        }
        let lowered = input.to_lowercase();
        if COMMON_PASSWORDS.lines().any(|common| common == lowered) {
            return Err(ErrorCode::PasswordCommon);
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// The languages of the interface, Arabic first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ar,
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Ar, Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().get(..2)? {
            "ar" => Some(Lang::Ar),
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn is_rtl(self) -> bool {
        matches!(self, Lang::Ar)
    }

    /// Picks the best supported language from an `Accept-Language` header,
    /// honouring q-values; `None` when nothing matches.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (pos, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            if let Some(lang) = Lang::parse(tag) {
                let better = match best {
                    None => true,
                    Some((bq, bpos, _)) => q > bq || (q == bq && pos < bpos),
                };
                if better {
                    best = Some((q, pos, lang));
                }
            }
        }
        best.map(|(_, _, l)| l)
    }
}

/// Administrative sex as on the national identity card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
        }
    }
    pub fn parse(s: &str) -> Option<Sex> {
        match s {
            "female" | "f" | "F" => Some(Sex::Female),
            "male" | "m" | "M" => Some(Sex::Male),
            _ => None,
        }
    }
}

crate::codes::code_enum!(
    /// What an account may do. Staff roles other than health admin are tied to
    /// one facility.
    Role {
        Citizen = "citizen",
        Receptionist = "receptionist",
        Practitioner = "practitioner",
        FacilityAdmin = "facility_admin",
        HealthAdmin = "health_admin",
        /// No account: a pharmacy that checked a prescription by its code
        /// and the patient's birth date (it appears only in access logs).
        Pharmacy = "pharmacy",
    }
);

impl Role {
    /// Roles whose account must name the facility it works for.
    pub fn needs_facility(self) -> bool {
        matches!(self, Role::Receptionist | Role::Practitioner | Role::FacilityAdmin)
    }

    /// Roles that sign in with a second factor (an authenticator's code)
    /// after the password: those that read records or run facilities.
    pub fn needs_second_factor(self) -> bool {
        matches!(self, Role::Practitioner | Role::FacilityAdmin | Role::HealthAdmin)
    }
}

crate::codes::code_enum!(
    /// An administrator's act on an account, as the audit trail names it.
    AdminAction {
        /// A staff member's second factor was removed: they enrol again.
        SecondFactorReset = "second_factor_reset",
        /// The health directorate opened a facility in the network.
        FacilityCreated = "facility_created",
        /// Its details, hours or specialties changed.
        FacilityUpdated = "facility_updated",
        /// Closed: out of the directory and of searches.
        FacilityDeactivated = "facility_deactivated",
        FacilityReactivated = "facility_reactivated",
        /// Someone was invited to join a facility's staff.
        StaffInvited = "staff_invited",
        /// An invitation was withdrawn before it was accepted.
        InvitationRevoked = "invitation_revoked",
        /// A staff account was deactivated: sessions ended, sign-in refused.
        StaffDeactivated = "staff_deactivated",
        StaffReactivated = "staff_reactivated",
        /// A specialty of the national catalogue renamed, or its referral rule changed.
        SpecialtyUpdated = "specialty_updated",
        /// A specialty added to the national catalogue.
        SpecialtyCreated = "specialty_created",
        /// A practitioner posted to one more facility.
        PractitionerPosted = "practitioner_posted",
        /// A practitioner's post at a facility (not their home one) ended.
        PostEnded = "post_ended",
    }
);

crate::codes::code_enum!(
    /// What kind of establishment a facility is.
    FacilityKind {
        /// EPSP polyclinic (établissement public de santé de proximité).
        Polyclinic = "polyclinic",
        /// EPH, public hospital.
        Eph = "eph",
        /// EHS, specialised hospital.
        Ehs = "ehs",
        /// CHU, university hospital.
        Chu = "chu",
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_nin_with_spaces_is_normalised_to_its_18_digits() {
        let nin = Nin::parse(" 109 876 543 210 987 654 ").unwrap();
        assert_eq!(nin.as_ref(), "109876543210987654");
    }

    #[test]
    fn a_nin_of_17_or_19_digits_or_with_letters_is_refused() {
        for bad in ["10987654321098765", "1098765432109876543", "10987654321098765A", "", "000000000000000000"] {
            assert_eq!(Nin::parse(bad), Err(ErrorCode::NinInvalid), "{bad:?}");
        }
    }

    #[test]
    fn the_debug_form_of_a_nin_hides_all_but_four_digits() {
        let nin = Nin::parse("109876543210987654").unwrap();
        let shown = format!("{nin:?}");
        assert!(!shown.contains("1098765432"));
        assert!(shown.ends_with("7654)"));
    }

    #[test]
    fn every_common_phone_spelling_normalises_to_e164() {
        for input in
            ["0551234567", "+213551234567", "+213 551 23 45 67", "00213551234567", "213551234567", "05.51.23.45.67", "0551-23-45-67", "+213 (0) 551234567"]
        {
            assert_eq!(Phone::parse(input).map(String::from), Ok("+213551234567".to_owned()), "{input:?}");
        }
    }

    #[test]
    fn landlines_short_numbers_and_foreign_numbers_are_refused() {
        for bad in ["041234567", "0451234567", "055123456", "05512345678", "+33612345678", "0551a34567", "", "+"] {
            assert_eq!(Phone::parse(bad), Err(ErrorCode::PhoneInvalid), "{bad:?}");
        }
    }

    #[test]
    fn names_in_arabic_with_diacritics_and_in_latin_script_are_accepted() {
        for ok in ["مُحَمَّد", "Benali", "Aït-Ahmed", "O'Neil", "عبد  القادر"] {
            assert!(PersonName::parse(ok).is_ok(), "{ok:?}");
        }
        assert_eq!(PersonName::parse("عبد  القادر").unwrap().as_ref(), "عبد القادر");
        for bad in ["", "   ", "<script>", "Ali1", "--"] {
            assert_eq!(PersonName::parse(bad), Err(ErrorCode::NameInvalid), "{bad:?}");
        }
    }

    #[test]
    fn passwords_are_refused_when_short_or_common_whatever_their_case() {
        assert_eq!(NewPassword::parse("short").unwrap_err(), ErrorCode::PasswordTooShort);
        assert_eq!(NewPassword::parse("PassWord123").unwrap_err(), ErrorCode::PasswordCommon);
        assert_eq!(NewPassword::parse(&"x".repeat(129)).unwrap_err(), ErrorCode::PasswordTooLong);
        assert!(NewPassword::parse("jardin de Tlemcen").is_ok());
    }

    #[test]
    fn emails_keep_their_local_part_and_lowercase_their_domain() {
        assert_eq!(Email::parse(" Amina.B@Example.DZ ").unwrap().as_ref(), "Amina.B@example.dz");
        for bad in ["amina", "amina@", "@x.dz", "a b@x.dz", "a@x", "a@x..dz"] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn accept_language_prefers_the_highest_q_value_it_supports() {
        assert_eq!(Lang::from_accept_language("de-DE,fr;q=0.8,ar;q=0.9"), Some(Lang::Ar));
        assert_eq!(Lang::from_accept_language("fr-DZ,en;q=0.5"), Some(Lang::Fr));
        assert_eq!(Lang::from_accept_language("de,it"), None);
        assert_eq!(Lang::from_accept_language("ar;q=0,en"), Some(Lang::En));
    }

    proptest! {
        #[test]
        fn any_18_digits_not_all_equal_parse_as_a_nin_and_round_trip(d in "[0-9]{18}") {
            let all_same = d.bytes().all(|b| b == d.as_bytes()[0]);
            let parsed = Nin::parse(&d);
            prop_assert_eq!(parsed.is_ok(), !all_same);
            if let Ok(n) = parsed {
                prop_assert_eq!(Nin::parse(n.as_ref()).unwrap(), n.clone());
                let json = serde_json::to_string(&n).unwrap();
                prop_assert_eq!(serde_json::from_str::<Nin>(&json).unwrap(), n);
            }
        }

        #[test]
        fn a_nin_parse_never_panics_and_accepts_only_18_digits(s in "\\PC{0,40}") {
            if let Ok(n) = Nin::parse(&s) {
                prop_assert_eq!(n.as_ref().len(), 18);
                prop_assert!(n.as_ref().bytes().all(|b| b.is_ascii_digit()));
            }
        }

        #[test]
        fn every_mobile_number_parses_from_national_and_international_forms(
            first in "[567]", rest in "[0-9]{8}"
        ) {
            let national = format!("0{first}{rest}");
            let e164 = format!("+213{first}{rest}");
            prop_assert_eq!(String::from(Phone::parse(&national).unwrap()), e164.clone());
            prop_assert_eq!(String::from(Phone::parse(&e164).unwrap()), e164.clone());
            prop_assert_eq!(String::from(Phone::parse(&format!("00213{first}{rest}")).unwrap()), e164.clone());
            // normalising is idempotent
            let p = Phone::parse(&e164).unwrap();
            prop_assert_eq!(Phone::parse(&p.national()).unwrap(), p);
        }

        #[test]
        fn a_phone_parse_never_panics_and_always_yields_e164(s in "[+0-9 .()-]{0,20}") {
            if let Ok(p) = Phone::parse(&s) {
                let v = p.as_ref();
                prop_assert!(v.starts_with("+213"));
                prop_assert_eq!(v.len(), 13);
                prop_assert!(matches!(v.as_bytes()[4], b'5' | b'6' | b'7'));
            }
        }

        #[test]
        fn numbers_outside_the_mobile_ranges_are_refused(first in "[0-48-9]", rest in "[0-9]{8}") {
            let n = format!("0{first}{rest}");
            prop_assert!(Phone::parse(&n).is_err());
        }
    }
}
