//! The open directory: specialties, wilayas, communes, facilities and
//! practitioners' public profiles, for mobile apps (public, cacheable),
//! and the page envelope every list of the API answers with.

use super::*;

/// The default and the largest page.
pub const PAGE_DEFAULT: u32 = 50;
pub const PAGE_MAX: u32 = 200;
/// No list is read this far: a larger offset is a cursor this server did not give.
const OFFSET_MAX: u64 = 1_000_000;

/// One page of a list: its items, and the cursor that fetches the next
/// page (`null` on the last). The same shape for every list of the API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Where a page starts and how long it is: `cursor` as a previous page
/// gave it (absent for the first page), `limit` from 1 to 200 (50).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PageQuery {
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

/// The valid form of a [`PageQuery`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageAt {
    pub offset: u64,
    pub limit: u64,
}

/// A cursor is opaque to clients (`c` and the offset of the next item, in
/// hexadecimal, today). Reference lists change seldom; a list that moved
/// between two pages is read again from the start.
fn encode_cursor(offset: u64) -> String {
    format!("c{offset:x}")
}

impl PageQuery {
    /// The page asked for; a cursor this server did not give or a limit
    /// outside 1–200 is `bad_request`.
    pub fn validate(&self) -> Result<PageAt, ErrorCode> {
        let offset = match self.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => 0,
            Some(c) => c.strip_prefix('c').and_then(|n| u64::from_str_radix(n, 16).ok()).filter(|o| *o <= OFFSET_MAX).ok_or(ErrorCode::BadRequest)?,
        };
        let limit = self.limit.unwrap_or(PAGE_DEFAULT);
        if !(1..=PAGE_MAX).contains(&limit) {
            return Err(ErrorCode::BadRequest);
        }
        Ok(PageAt { offset, limit: u64::from(limit) })
    }
}

impl PageAt {
    /// A page of `rows`, read from `offset` with one row more than the
    /// limit: that extra row only says there is a next page.
    pub fn page<T>(self, mut rows: Vec<T>) -> Page<T> {
        let more = rows.len() as u64 > self.limit;
        rows.truncate(self.limit as usize);
        Page { next_cursor: more.then(|| encode_cursor(self.offset + self.limit)), items: rows }
    }

    /// A page of `items` already cut to the limit, `more` saying whether
    /// rows follow (for a service that dropped some rows of its page).
    pub fn page_of<T>(self, items: Vec<T>, more: bool) -> Page<T> {
        Page { next_cursor: more.then(|| encode_cursor(self.offset + self.limit)), items }
    }

    /// A page of a whole list held in memory.
    pub fn slice<T>(self, all: Vec<T>) -> Page<T> {
        self.page(all.into_iter().skip(self.offset as usize).take(self.limit as usize + 1).collect())
    }
}

/// A wilaya of the reference list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlaceWilayaOut {
    /// `01` to `69`.
    pub code: String,
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
}

/// A commune of a wilaya.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CommuneOut {
    pub id: CommuneId,
    pub wilaya_code: String,
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
    /// Absent for a few communes in the source.
    pub postal_code: Option<String>,
    pub daira_ar: String,
    pub daira_fr: String,
}

/// A facility as the directory shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DirectoryFacilityOut {
    pub id: FacilityId,
    /// `polyclinic` (EPSP), `eph`, `ehs`, `chu`.
    pub kind: String,
    pub name_ar: String,
    pub name_fr: String,
    pub wilaya_code: String,
    pub commune: Option<CommuneOut>,
    pub address: String,
    pub phone: Option<String>,
    /// The codes of the specialties practised there.
    pub specialties: Vec<String>,
    /// Opening hours, `HH:MM` (Algiers), on the open days (ISO weekdays,
    /// 1 Monday … 7 Sunday; the Algerian week starts on Sunday).
    pub opens_at: String,
    pub closes_at: String,
    pub open_days: Vec<u8>,
    /// Where it is, when the directorate gave it (WGS 84).
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// A practitioner's public profile: who, what, where. Nothing else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PractitionerProfileOut {
    pub id: PractitionerId,
    pub name: String,
    /// The specialty's code.
    pub specialty: String,
    pub facilities: Vec<FacilityId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_one_another_to_the_end() {
        let all: Vec<u32> = (0..120).collect();
        let mut q = PageQuery { cursor: None, limit: Some(50) };
        let mut seen = Vec::new();
        loop {
            let page = q.validate().unwrap().slice(all.clone());
            seen.extend(page.items);
            match page.next_cursor {
                Some(c) => q.cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(seen, all);
        let exact = PageQuery { cursor: None, limit: Some(120) }.validate().unwrap().slice(all.clone());
        assert_eq!((exact.items.len(), exact.next_cursor), (120, None), "no empty last page");
    }

    #[test]
    fn a_bad_cursor_or_limit_is_refused() {
        for (cursor, limit) in
            [(Some("not a cursor!"), None), (Some("c-1"), None), (Some("12"), None), (Some("c8000000000000000"), None), (None, Some(0)), (None, Some(201))]
        {
            let q = PageQuery { cursor: cursor.map(String::from), limit };
            assert!(q.validate().is_err(), "{q:?}");
        }
        assert!(PageQuery { cursor: Some(encode_cursor(7)), limit: Some(200) }.validate().is_ok());
    }
}

/// A facility as the health directorate creates or changes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityIn {
    /// `polyclinic`, `eph`, `ehs`, `chu`.
    pub kind: String,
    pub name_ar: String,
    pub name_fr: String,
    /// A commune of the administrator's wilaya.
    pub commune_id: String,
    pub address: String,
    #[serde(default)]
    pub phone: String,
    /// `HH:MM`, Algiers.
    pub opens_at: String,
    pub closes_at: String,
    /// ISO weekdays it is open (1 Monday … 7 Sunday); Sunday to Thursday when empty.
    #[serde(default)]
    pub open_days: Vec<u8>,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    /// The codes of the specialties it offers.
    #[serde(default)]
    pub specialties: Vec<String>,
}

/// The valid form of [`FacilityIn`] (the commune and specialties are
/// checked against the database by the service).
#[derive(Clone, Debug, PartialEq)]
pub struct FacilityFields {
    pub kind: crate::FacilityKind,
    pub name_ar: String,
    pub name_fr: String,
    pub commune_id: CommuneId,
    pub address: String,
    /// E.164 (`+21341…`): a landline or a mobile.
    pub phone: Option<String>,
    pub opens_at: chrono::NaiveTime,
    pub closes_at: chrono::NaiveTime,
    /// ISO weekday digits, in the order given, e.g. `71234`.
    pub open_days: String,
    pub position: Option<(f64, f64)>,
    pub specialties: Vec<String>,
}

/// A facility's phone in E.164: a landline (`041 23 45 67`: eight digits
/// after the 0) or a mobile (nine, starting 5, 6 or 7), or the same after `+213`.
fn facility_phone(input: &str) -> Result<String, ErrorCode> {
    let compact: String = input.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
    let national = match compact.strip_prefix("+213") {
        Some(rest) => rest.to_owned(),
        None => compact.strip_prefix('0').ok_or(ErrorCode::PhoneInvalid)?.to_owned(),
    };
    let digits = national.chars().all(|c| c.is_ascii_digit());
    let landline = national.len() == 8 && !national.starts_with(['0', '5', '6', '7']);
    let mobile = national.len() == 9 && national.starts_with(['5', '6', '7']);
    if digits && (landline || mobile) {
        Ok(format!("+213{national}"))
    } else {
        Err(ErrorCode::PhoneInvalid)
    }
}

impl FacilityIn {
    pub fn validate(&self) -> Result<FacilityFields, Vec<FieldError>> {
        let mut e = Vec::new();
        let kind = check(&mut e, "kind", crate::FacilityKind::parse(self.kind.trim()).ok_or(ErrorCode::BadRequest));
        let name = |v: &str| {
            let v = v.trim();
            if v.is_empty() {
                Err(ErrorCode::Required)
            } else if v.chars().count() > 120 {
                Err(ErrorCode::TooLong)
            } else {
                Ok(v.to_owned())
            }
        };
        let name_ar = check(&mut e, "name_ar", name(&self.name_ar));
        let name_fr = check(&mut e, "name_fr", name(&self.name_fr));
        let address = check(&mut e, "address", name(&self.address));
        let commune_id = check(&mut e, "commune_id", self.commune_id.trim().parse::<uuid::Uuid>().map(CommuneId).map_err(|_| ErrorCode::Required));
        let phone = match self.phone.trim() {
            "" => Some(None),
            p => check(&mut e, "phone", facility_phone(p)).map(Some),
        };
        let time = |v: &str| chrono::NaiveTime::parse_from_str(v.trim(), "%H:%M").map_err(|_| ErrorCode::BadRequest);
        let opens_at = check(&mut e, "opens_at", time(&self.opens_at));
        let closes_at = check(&mut e, "closes_at", time(&self.closes_at));
        if let (Some(o), Some(c)) = (opens_at, closes_at) {
            if c <= o {
                e.push(FieldError::new("closes_at", ErrorCode::BadRequest));
            }
        }
        let days = if self.open_days.is_empty() { vec![7, 1, 2, 3, 4] } else { self.open_days.clone() };
        let mut seen = std::collections::BTreeSet::new();
        if days.iter().any(|d| !(1..=7).contains(d) || !seen.insert(*d)) {
            e.push(FieldError::new("open_days", ErrorCode::BadRequest));
        }
        let position = match (self.latitude, self.longitude) {
            (None, None) => Some(None),
            // Algeria lies between 18° and 38° north, 9° west and 12° east.
            (Some(lat), Some(lon)) if (18.0..=38.0).contains(&lat) && (-9.0..=12.5).contains(&lon) => Some(Some((lat, lon))),
            _ => {
                e.push(FieldError::new("latitude", ErrorCode::BadRequest));
                None
            }
        };
        let mut specialties: Vec<String> = self.specialties.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
        specialties.sort();
        specialties.dedup();
        match (kind, name_ar, name_fr, commune_id, address, phone, opens_at, closes_at, position) {
            (Some(kind), Some(name_ar), Some(name_fr), Some(commune_id), Some(address), Some(phone), Some(opens_at), Some(closes_at), Some(position))
                if e.is_empty() =>
            {
                Ok(FacilityFields {
                    kind,
                    name_ar,
                    name_fr,
                    commune_id,
                    address,
                    phone,
                    opens_at,
                    closes_at,
                    open_days: days.iter().map(|d| char::from(b'0' + d)).collect(),
                    position,
                    specialties,
                })
            }
            _ => Err(e),
        }
    }
}

/// A facility as its health directorate manages it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityAdminOut {
    pub id: FacilityId,
    pub kind: crate::FacilityKind,
    pub name_ar: String,
    pub name_fr: String,
    pub wilaya_code: String,
    pub commune_id: Option<CommuneId>,
    pub address: String,
    pub phone: Option<String>,
    pub opens_at: String,
    pub closes_at: String,
    pub open_days: Vec<u8>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub specialties: Vec<String>,
    pub active: bool,
}

/// One administrative act, as administrators read the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditOut {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_name: String,
    pub action: crate::AdminAction,
    /// `facility`, `account` for an act on a staff account, `specialty`, or
    /// `practitioner` for a post.
    pub subject_kind: String,
    pub subject_id: String,
    /// The facility's name (French), or the account's holder.
    pub subject_name: String,
    /// The record before and after, as JSON text (none before a creation).
    pub before: Option<String>,
    pub after: Option<String>,
}

#[cfg(test)]
mod facility_tests {
    use super::*;

    #[test]
    fn a_facility_phone_is_a_landline_or_a_mobile() {
        assert_eq!(facility_phone("041 23 45 67").as_deref(), Ok("+21341234567"));
        assert_eq!(facility_phone("+213 550 12 34 56").as_deref(), Ok("+213550123456"));
        for bad in ["12345", "0041234567", "041-23-45-6x", "+33 1 23 45 67 89", "0412345678", "05501234"] {
            assert!(facility_phone(bad).is_err(), "{bad}");
        }
    }
}

/// A specialty of the national catalogue as the health directorate edits it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SpecialtyIn {
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
    /// Booked only with a referral from a general practitioner.
    #[serde(default)]
    pub referral_required: bool,
}

impl SpecialtyIn {
    /// The names trimmed (each required, at most 80 characters).
    pub fn validate(&self) -> Result<SpecialtyIn, Vec<FieldError>> {
        let mut e = Vec::new();
        let name = |v: &str| {
            let v = v.trim();
            if v.is_empty() {
                Err(ErrorCode::Required)
            } else if v.chars().count() > 80 {
                Err(ErrorCode::TooLong)
            } else {
                Ok(v.to_owned())
            }
        };
        let name_ar = check(&mut e, "name_ar", name(&self.name_ar));
        let name_fr = check(&mut e, "name_fr", name(&self.name_fr));
        let name_en = check(&mut e, "name_en", name(&self.name_en));
        match (name_ar, name_fr, name_en) {
            (Some(name_ar), Some(name_fr), Some(name_en)) => Ok(SpecialtyIn { name_ar, name_fr, name_en, referral_required: self.referral_required }),
            _ => Err(e),
        }
    }
}

/// A specialty added to the catalogue: its code (for good: apps and links
/// name it) and what [`SpecialtyIn`] holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewSpecialtyIn {
    /// 3 to 40 lower-case Latin letters, digits and `_`, starting with a
    /// letter (`sports_medicine`).
    pub code: String,
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
    #[serde(default)]
    pub referral_required: bool,
}

impl NewSpecialtyIn {
    /// The code and the names, or every field's error.
    pub fn validate(&self) -> Result<(String, SpecialtyIn), Vec<FieldError>> {
        let code = self.code.trim();
        let code_err = if code.is_empty() {
            Some(ErrorCode::Required)
        } else if code.len() > 40 {
            Some(ErrorCode::TooLong)
        } else if code.len() < 3
            || !code.starts_with(|c: char| c.is_ascii_lowercase())
            || !code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            Some(ErrorCode::BadRequest)
        } else {
            None
        };
        let names = SpecialtyIn {
            name_ar: self.name_ar.clone(),
            name_fr: self.name_fr.clone(),
            name_en: self.name_en.clone(),
            referral_required: self.referral_required,
        }
        .validate();
        match (code_err, names) {
            (None, Ok(names)) => Ok((code.to_owned(), names)),
            (err, names) => {
                let mut e: Vec<FieldError> = err.map(|c| FieldError::new("code", c)).into_iter().collect();
                e.extend(names.err().unwrap_or_default());
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod specialty_tests {
    use super::*;

    #[test]
    fn a_new_specialty_code_is_lower_case_latin_and_underscores() {
        let with = |code: &str| NewSpecialtyIn {
            code: code.into(),
            name_ar: "طب رياضي".into(),
            name_fr: "Médecine du sport".into(),
            name_en: "Sports medicine".into(),
            referral_required: false,
        };
        assert_eq!(with(" sports_medicine ").validate().map(|(c, _)| c), Ok("sports_medicine".to_owned()));
        for (code, err) in [
            ("", ErrorCode::Required),
            ("Sports", ErrorCode::BadRequest),
            ("2x_ray", ErrorCode::BadRequest),
            ("ab", ErrorCode::BadRequest),
            ("médecine", ErrorCode::BadRequest),
            (&"a".repeat(41), ErrorCode::TooLong),
        ] {
            assert_eq!(with(code).validate().unwrap_err(), vec![FieldError::new("code", err)], "{code}");
        }
        let mut no_name = with("sports_medicine");
        no_name.name_fr = " ".into();
        assert_eq!(no_name.validate().unwrap_err(), vec![FieldError::new("name_fr", ErrorCode::Required)]);
    }

    #[test]
    fn a_specialty_needs_its_three_names() {
        let ok = SpecialtyIn { name_ar: " طب الجلد ".into(), name_fr: "Dermatologie".into(), name_en: "Dermatology".into(), referral_required: true }
            .validate()
            .unwrap();
        assert_eq!(ok.name_ar, "طب الجلد");
        let e = SpecialtyIn { name_fr: "x".repeat(81), ..Default::default() }.validate().unwrap_err();
        assert_eq!(
            e.iter().map(|f| (f.field.as_str(), f.code)).collect::<Vec<_>>(),
            [("name_ar", ErrorCode::Required), ("name_fr", ErrorCode::TooLong), ("name_en", ErrorCode::Required)]
        );
    }
}
