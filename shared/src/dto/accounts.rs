//! Registration, sign-in, tokens and one's own profile.

use super::*;

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

/// Closing one's account: the password confirms it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CloseAccountIn {
    pub password: String,
}
