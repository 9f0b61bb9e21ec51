//! The identity contract: verification codes, the changes of phone and
//! email that need one, and the forgotten password. Inputs are plain
//! strings; `validate()` returns typed values or every field error, and
//! runs in the browser too.

use crate::dto::LoginId;
use crate::error::{ErrorCode, FieldError};
use crate::values::{Email, NewPassword, Phone};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A 6-digit code as typed: spaces and dashes ignored, and Arabic-Indic
/// digits (٠١٢…, ۰۱۲…) read as the digits they are, since an Arabic
/// keyboard types those.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyCode(String);

impl VerifyCode {
    pub fn parse(input: &str) -> Result<Self, ErrorCode> {
        let mut digits = String::with_capacity(6);
        for c in input.trim().chars() {
            let d = match c {
                '0'..='9' => c,
                '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
                '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
                ' ' | '-' | '\u{00A0}' => continue,
                _ => return Err(ErrorCode::CodeInvalid),
            };
            digits.push(d);
        }
        if digits.is_empty() {
            return Err(ErrorCode::Required);
        }
        if digits.len() != 6 {
            return Err(ErrorCode::CodeInvalid);
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for VerifyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VerifyCode(…)")
    }
}

fn field<T>(errors: &mut Vec<FieldError>, name: &str, r: Result<T, ErrorCode>) -> Option<T> {
    r.map_err(|code| errors.push(FieldError::new(name, code))).ok()
}

fn nonempty(name: &str, s: &str, errors: &mut Vec<FieldError>) {
    if s.is_empty() {
        errors.push(FieldError::new(name, ErrorCode::Required));
    }
}

/// The code received by SMS.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CodeIn {
    /// Six digits.
    pub code: String,
}

impl CodeIn {
    pub fn validate(&self) -> Result<VerifyCode, Vec<FieldError>> {
        VerifyCode::parse(&self.code).map_err(|c| vec![FieldError::new("code", c)])
    }
}

/// A new phone number for one's account: a code goes to it, and the
/// number changes once the code comes back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PhoneChangeIn {
    pub current_password: String,
    pub phone: String,
}

impl PhoneChangeIn {
    pub fn validate(&self) -> Result<Phone, Vec<FieldError>> {
        let mut e = Vec::new();
        nonempty("current_password", &self.current_password, &mut e);
        let phone = field(&mut e, "phone", Phone::parse(&self.phone));
        match phone {
            Some(p) if e.is_empty() => Ok(p),
            _ => Err(e),
        }
    }
}

/// A new email address for one's account: a link goes to it, and the
/// address changes once the link is opened.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EmailChangeIn {
    pub current_password: String,
    pub email: String,
}

impl EmailChangeIn {
    pub fn validate(&self) -> Result<Email, Vec<FieldError>> {
        let mut e = Vec::new();
        nonempty("current_password", &self.current_password, &mut e);
        let email = if self.email.trim().is_empty() {
            e.push(FieldError::new("email", ErrorCode::Required));
            None
        } else {
            field(&mut e, "email", Email::parse(&self.email))
        };
        match email {
            Some(m) if e.is_empty() => Ok(m),
            _ => Err(e),
        }
    }
}

/// "I forgot my password": a code by SMS to the phone, or a link to the
/// verified email. The answer is the same whether the account exists.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ForgotIn {
    /// The phone number or email address one signs in with.
    pub login: String,
}

impl ForgotIn {
    pub fn validate(&self) -> Result<LoginId, Vec<FieldError>> {
        if self.login.trim().is_empty() {
            return Err(vec![FieldError::new("login", ErrorCode::Required)]);
        }
        LoginId::parse(&self.login).map_err(|c| vec![FieldError::new("login", c)])
    }
}

/// A new password, with the code sent by SMS.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResetByCodeIn {
    pub login: String,
    pub code: String,
    pub new_password: String,
}

/// A valid [`ResetByCodeIn`].
#[derive(Clone, Debug)]
pub struct ResetByCode {
    pub login: LoginId,
    pub code: VerifyCode,
    pub new_password: NewPassword,
}

impl ResetByCodeIn {
    pub fn validate(&self) -> Result<ResetByCode, Vec<FieldError>> {
        let mut e = Vec::new();
        let login = if self.login.trim().is_empty() {
            e.push(FieldError::new("login", ErrorCode::Required));
            None
        } else {
            field(&mut e, "login", LoginId::parse(&self.login))
        };
        let code = field(&mut e, "code", VerifyCode::parse(&self.code));
        let new_password = field(&mut e, "new_password", NewPassword::parse(&self.new_password));
        match (login, code, new_password) {
            (Some(login), Some(code), Some(new_password)) if e.is_empty() => Ok(ResetByCode { login, code, new_password }),
            _ => Err(e),
        }
    }
}

/// A new password, with the token of the link sent by email.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResetByLinkIn {
    pub token: String,
    pub new_password: String,
}

/// The token of a link sent by email (email verification).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LinkTokenIn {
    pub token: String,
}

/// How a code or link travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VerifyChannel {
    Sms,
    Email,
}

/// A code or link is on its way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VerificationOut {
    pub channel: VerifyChannel,
    /// The destination, partly hidden: `05••••••01`, `a•••@example.dz`.
    pub sent_to: String,
    /// How long the code or link works.
    pub expires_in_secs: u64,
}

/// A phone number (E.164) as a person recognises it without revealing it
/// to whoever looks over their shoulder: `05••••••01`.
pub fn mask_phone(e164: &str) -> String {
    let national = e164.strip_prefix("+213").map(|n| format!("0{n}")).unwrap_or_else(|| e164.to_owned());
    let chars: Vec<char> = national.chars().collect();
    if chars.len() < 5 {
        return "•".repeat(chars.len());
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "•".repeat(chars.len() - 4))
}

/// `a•••@example.dz`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!("{}•••@{domain}", local.chars().next().unwrap_or('•')),
        None => "•••".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_in_any_script() {
        assert_eq!(VerifyCode::parse(" 123 456 ").unwrap().as_str(), "123456");
        assert_eq!(VerifyCode::parse("١٢٣-٤٥٦").unwrap().as_str(), "123456");
        assert_eq!(VerifyCode::parse("۱۲۳۴۵۶").unwrap().as_str(), "123456");
        assert_eq!(VerifyCode::parse("12345"), Err(ErrorCode::CodeInvalid));
        assert_eq!(VerifyCode::parse("1234567"), Err(ErrorCode::CodeInvalid));
        assert_eq!(VerifyCode::parse("12a456"), Err(ErrorCode::CodeInvalid));
        assert_eq!(VerifyCode::parse("  "), Err(ErrorCode::Required));
        assert!(!format!("{:?}", VerifyCode::parse("123456").unwrap()).contains("123"));
    }

    #[test]
    fn a_second_factor_is_six_digits_or_a_recovery_code() {
        assert!(matches!(SecondFactorCode::parse("١٢٣ ٤٥٦"), Ok(SecondFactorCode::Totp(c)) if c.as_str() == "123456"));
        assert_eq!(SecondFactorCode::parse("abcde-fgh23"), Ok(SecondFactorCode::Recovery("ABCDEFGH23".into())));
        assert_eq!(SecondFactorCode::parse("ABCDE FGH23"), Ok(SecondFactorCode::Recovery("ABCDEFGH23".into())));
        assert_eq!(SecondFactorCode::parse("ABCDE-FGH2"), Err(ErrorCode::MfaInvalid), "too short");
        assert_eq!(SecondFactorCode::parse("ABCDE-FGH01"), Err(ErrorCode::MfaInvalid), "0 and 1 are not base32");
        assert_eq!(SecondFactorCode::parse("12345"), Err(ErrorCode::MfaInvalid));
        assert_eq!(SecondFactorCode::parse(" - "), Err(ErrorCode::Required));
        assert!(!format!("{:?}", SecondFactorCode::parse("abcde-fgh23").unwrap()).contains("ABC"));
    }

    #[test]
    fn destinations_are_masked() {
        assert_eq!(mask_phone("+213550000001"), "05••••••01");
        assert_eq!(mask_email("amina@example.dz"), "a•••@example.dz");
    }

    #[test]
    fn a_reset_names_every_bad_field() {
        let e = ResetByCodeIn { login: "".into(), code: "12".into(), new_password: "short".into() }.validate().unwrap_err();
        let names: Vec<_> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["login", "code", "new_password"]);
        assert!(ResetByCodeIn { login: "0550000001".into(), code: "123456".into(), new_password: "jardin de Tlemcen".into() }.validate().is_ok());
    }
}

/// What a staff member types after the password: the authenticator's
/// 6-digit code, or one of the ten recovery codes (`XXXXX-XXXXX`, letters
/// and digits; case, spaces and dashes ignored).
#[derive(Clone, PartialEq, Eq)]
pub enum SecondFactorCode {
    Totp(VerifyCode),
    Recovery(String),
}

/// Characters in a recovery code, dash aside. The alphabet is RFC 4648
/// base32 (A–Z, 2–7): no 0, 1, 8 or 9 to confuse with O, I, B or g.
pub const RECOVERY_CODE_LEN: usize = 10;

impl SecondFactorCode {
    pub fn parse(input: &str) -> Result<Self, ErrorCode> {
        if let Ok(code) = VerifyCode::parse(input) {
            return Ok(SecondFactorCode::Totp(code));
        }
        let cleaned: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{00A0}')).collect::<String>().to_ascii_uppercase();
        if cleaned.is_empty() {
            return Err(ErrorCode::Required);
        }
        if cleaned.len() == RECOVERY_CODE_LEN && cleaned.chars().all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c)) {
            return Ok(SecondFactorCode::Recovery(cleaned));
        }
        Err(ErrorCode::MfaInvalid)
    }
}

impl std::fmt::Debug for SecondFactorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecondFactorCode(…)")
    }
}

/// The authenticator's code (or a recovery code), on the web's second step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SecondFactorIn {
    pub code: String,
}

/// What a staff member needs to enrol an authenticator: the secret as a QR
/// code and as text, and the recovery codes to keep. Shown again until the
/// first code comes back; never after.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EnrolmentOut {
    /// Base32, to type into an authenticator that cannot scan.
    pub secret: String,
    /// `otpauth://totp/Sihati:…?secret=…&issuer=Sihati`: what the QR code says.
    pub otpauth_uri: String,
    /// The QR code of `otpauth_uri`, as an SVG document.
    pub qr_svg: String,
    /// Ten single-use codes that stand in for the authenticator when it is lost.
    pub recovery_codes: Vec<String>,
}

/// A staff member as their administrator sees them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffOut {
    pub id: crate::UserId,
    pub role: crate::Role,
    pub given_name: String,
    pub family_name: String,
    /// Whether the role signs in with a second factor at all.
    pub second_factor_required: bool,
    /// Whether an authenticator is enrolled (and confirmed).
    pub second_factor_enrolled: bool,
    /// A practitioner's specialty (its code).
    pub specialty: Option<String>,
    /// False once an administrator deactivated the account.
    pub active: bool,
}

crate::codes::code_enum!(
    /// Where a request stands: one to take over a record (a claim), or one to
    /// manage an adult's appointments and record (a consent request).
    RequestStatus {
        /// Waiting: for a claim, the guardian's approval or a desk's (with the
        /// identity card); for a consent request, the adult's.
        Pending = "pending",
        /// A claim: the account exists, the record is the person's. A consent
        /// request: the requester manages the adult's appointments and record.
        Approved = "approved",
        /// Said no. A claim the guardian declined can still be approved at a desk.
        Declined = "declined",
        /// A newer request for the same record replaced it, or it expired.
        Closed = "closed",
    }
);

/// A request to take over a record that an account holds for a dependant:
/// what the person asking, the guardian and the desk see of it. The birth
/// date typed matched the record's, or there would be no request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClaimOut {
    pub id: crate::ClaimId,
    pub status: RequestStatus,
    /// As the person asking typed them.
    pub given_name: String,
    pub family_name: String,
    pub birth_date: chrono::NaiveDate,
    /// As the guardian recorded the dependant: shown to whoever approves
    /// (a mismatch with the typed name is theirs to see), never to the
    /// person asking (a NIN alone must not reveal a name).
    pub record_name: Option<String>,
    /// Where the account's codes will go: in full to whoever approves,
    /// partly hidden (`05••••••01`) to the person asking.
    pub phone: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// Whether the caller may approve (or, for the guardian, decline) it now.
    pub can_decide: bool,
}

/// An account holder asks to manage an adult's appointments and record:
/// the adult (who has an account) approves. The answer never says whether
/// an account holds the NIN.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConsentIn {
    pub nin: String,
    /// `child`, `parent`, `spouse` or `other`.
    pub relation: String,
}

impl ConsentIn {
    /// The NIN and one of the relations a dependant may have.
    pub fn validate(&self) -> Result<(crate::Nin, crate::Relation), Vec<FieldError>> {
        let mut e = Vec::new();
        let nin = crate::Nin::parse(&self.nin).map_err(|c| e.push(FieldError::new("nin", c))).ok();
        let relation = crate::Relation::parse(self.relation.trim());
        if relation.is_none() {
            e.push(FieldError::new("relation", ErrorCode::Required));
        }
        match (nin, relation) {
            (Some(n), Some(r)) if e.is_empty() => Ok((n, r)),
            _ => Err(e),
        }
    }
}

/// A request to manage the caller's appointments and record, as the adult
/// asked sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConsentOut {
    pub id: crate::ConsentId,
    pub status: RequestStatus,
    /// Who asks.
    pub requester_name: String,
    /// Where their codes go: `05••••••01`.
    pub requester_phone: String,
    /// What the requester says they are to the adult.
    pub relation: crate::Relation,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub can_decide: bool,
}

/// An account that manages the caller's appointments and reads their
/// record, with the caller's consent (withdrawn at any time).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GuardianOut {
    pub holder_id: crate::UserId,
    pub name: String,
    pub relation: crate::Relation,
    pub since: chrono::DateTime<chrono::Utc>,
}

/// The caller's side of consent: requests waiting for them, and who
/// manages their account now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConsentsOut {
    pub requests: Vec<ConsentOut>,
    pub guardians: Vec<GuardianOut>,
}
