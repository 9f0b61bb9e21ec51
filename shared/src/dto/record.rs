//! The medical record: entries, attachments, care relationships and the access log.

use super::*;

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
        /// An [`ExamCategory`](crate::ExamCategory) code: `laboratory` or `imaging`.
        category: String,
        exam: String,
        /// A [`ReferralPriority`](crate::ReferralPriority) code: `routine` or `urgent`.
        priority: String,
        #[serde(default)]
        clinical_notes: String,
    },
    ExamResult {
        /// The exam request this answers, if any.
        #[serde(default)]
        request_id: Option<EntryId>,
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
        /// An [`AllergySeverity`](crate::AllergySeverity) code: `mild`, `moderate` or `severe`.
        severity: String,
    },
}

impl EntryData {
    pub fn kind(&self) -> crate::EntryKind {
        use crate::EntryKind as K;
        match self {
            EntryData::Consultation { .. } => K::Consultation,
            EntryData::Prescription { .. } => K::Prescription,
            EntryData::ExamRequest { .. } => K::ExamRequest,
            EntryData::ExamResult { .. } => K::ExamResult,
            EntryData::Vaccination { .. } => K::Vaccination,
            EntryData::Allergy { .. } => K::Allergy,
        }
    }
}

/// A practitioner writes an entry for a patient (citizen or dependant).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EntryIn {
    /// The appointment this entry belongs to; a consultation marks it fulfilled.
    #[serde(default)]
    pub appointment_id: Option<AppointmentId>,
    /// The entry this one corrects (which must be marked entered-in-error).
    #[serde(default)]
    pub corrects_id: Option<EntryId>,
    #[serde(flatten)]
    pub data: EntryData,
}

/// `J45`, `J45.9`, `S72.001A`: a letter, two digits, optionally a dot and
/// up to four more characters.
pub fn is_icd10(code: &str) -> bool {
    let b = code.as_bytes();
    let head = b.len() >= 3 && b[0].is_ascii_uppercase() && b[1].is_ascii_digit() && (b[2].is_ascii_digit() || b[2].is_ascii_uppercase());
    let tail = &b[3.min(b.len())..];
    head && (tail.is_empty() || (tail[0] == b'.' && (2..=5).contains(&tail.len()) && tail[1..].iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())))
}

fn text(errors: &mut Vec<FieldError>, name: &str, value: &str, required: bool, max: usize) {
    let v = value.trim();
    if required && v.is_empty() {
        errors.push(FieldError::new(name, ErrorCode::Required));
    } else if v.chars().count() > max {
        errors.push(FieldError::new(name, ErrorCode::BadRequest));
    }
}

impl EntryData {
    /// Checks an entry's content; every problem named by its field. `today`
    /// (in Algiers) bounds the dates an entry may carry. The content stays
    /// text (it is what the record stores and reads back); its codes are
    /// checked against their enums here.
    pub fn validate(&self, today: NaiveDate) -> Result<(), Vec<FieldError>> {
        let mut e = Vec::new();
        match self {
            EntryData::Consultation { reason, findings, diagnosis_code, diagnosis_text } => {
                text(&mut e, "reason", reason, true, 2000);
                text(&mut e, "findings", findings, false, 10_000);
                if !is_icd10(diagnosis_code.trim()) {
                    e.push(FieldError::new("diagnosis_code", ErrorCode::BadRequest));
                }
                text(&mut e, "diagnosis_text", diagnosis_text, false, 2000);
            }
            EntryData::Prescription { items } => {
                if items.is_empty() || items.len() > 30 {
                    e.push(FieldError::new("items", ErrorCode::Required));
                }
                for (i, m) in items.iter().enumerate() {
                    for (name, v, required) in [
                        ("medication", &m.medication, true),
                        ("form", &m.form, true),
                        ("dose", &m.dose, true),
                        ("frequency", &m.frequency, true),
                        ("duration", &m.duration, true),
                        ("instructions", &m.instructions, false),
                    ] {
                        text(&mut e, &format!("items[{i}].{name}"), v, required, 500);
                    }
                }
            }
            EntryData::ExamRequest { category, exam, priority, clinical_notes } => {
                if crate::ExamCategory::parse(category).is_none() {
                    e.push(FieldError::new("category", ErrorCode::Required));
                }
                text(&mut e, "exam", exam, true, 500);
                if crate::ReferralPriority::parse(priority).is_none() {
                    e.push(FieldError::new("priority", ErrorCode::Required));
                }
                text(&mut e, "clinical_notes", clinical_notes, false, 5000);
            }
            EntryData::ExamResult { exam, values, report, .. } => {
                text(&mut e, "exam", exam, true, 500);
                text(&mut e, "report", report, false, 20_000);
                if values.is_empty() && report.trim().is_empty() {
                    e.push(FieldError::new("report", ErrorCode::Required));
                }
                if values.len() > 200 {
                    e.push(FieldError::new("values", ErrorCode::BadRequest));
                }
                for (i, v) in values.iter().enumerate() {
                    text(&mut e, &format!("values[{i}].name"), &v.name, true, 200);
                    text(&mut e, &format!("values[{i}].value"), &v.value, true, 200);
                    text(&mut e, &format!("values[{i}].unit"), &v.unit, false, 50);
                    if let (Some(lo), Some(hi)) = (v.reference_low, v.reference_high) {
                        // NaN bounds are refused too.
                        if !matches!(lo.partial_cmp(&hi), Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)) {
                            e.push(FieldError::new(&format!("values[{i}].reference_high"), ErrorCode::BadRequest));
                        }
                    }
                }
            }
            EntryData::Vaccination { vaccine, date, lot, .. } => {
                text(&mut e, "vaccine", vaccine, true, 200);
                text(&mut e, "lot", lot, false, 100);
                let ok = super::schedule::parse_day(date).is_some_and(|d| d <= today);
                if !ok {
                    e.push(FieldError::new("date", ErrorCode::BadRequest));
                }
            }
            EntryData::Allergy { substance, reaction, severity } => {
                text(&mut e, "substance", substance, true, 200);
                text(&mut e, "reaction", reaction, false, 1000);
                if crate::AllergySeverity::parse(severity).is_none() {
                    e.push(FieldError::new("severity", ErrorCode::Required));
                }
            }
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}

impl EntryIn {
    /// The entry's content checked (see [`EntryData::validate`]); whether
    /// the appointment and the corrected entry are the patient's is the
    /// service's question.
    pub fn validate(&self, today: NaiveDate) -> Result<(), Vec<FieldError>> {
        self.data.validate(today)
    }
}

/// A record entry as readers see it, signed by author, facility and time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EntryOut {
    pub id: EntryId,
    pub subject_id: PersonId,
    pub patient_name: String,
    #[serde(flatten)]
    pub data: EntryData,
    pub appointment_id: Option<AppointmentId>,
    pub facility_id: FacilityId,
    pub facility_name_ar: String,
    pub facility_name_fr: String,
    pub author_name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub status: crate::EntryStatus,
    pub error_reason: Option<String>,
    pub corrects_id: Option<EntryId>,
    pub verification_code: Option<String>,
    /// Files attached to the entry (results: PDF, JPEG, PNG).
    #[serde(default)]
    pub attachments: Vec<AttachmentOut>,
    /// Whether the reader may mark it entered-in-error: a practitioner of
    /// the facility that wrote it, while it is active.
    #[serde(default)]
    pub can_mark_error: bool,
    /// Whether the reader may attach a file to it: the same, for a result.
    #[serde(default)]
    pub can_attach: bool,
}

/// A file attached to a record entry; its bytes are downloaded separately
/// (always as an attachment, never rendered inline).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AttachmentOut {
    pub id: AttachmentId,
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
    #[serde(default)]
    pub kind: Option<crate::EntryKind>,
    /// First day (Algiers), `YYYY-MM-DD`.
    #[serde(default)]
    pub from: Option<chrono::NaiveDate>,
    /// Last day (Algiers), `YYYY-MM-DD`.
    #[serde(default)]
    pub to: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub facility_id: Option<FacilityId>,
    /// One patient (oneself or a dependant).
    #[serde(default)]
    pub subject_id: Option<PersonId>,
}

/// A practitioner opens a patient's record by NIN (in the body, never in a
/// URL), saying why: a care relationship at their facility for a day.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CareLookupIn {
    pub nin: String,
    pub reason: String,
}

impl CareLookupIn {
    pub fn validate(&self) -> Result<NinLookup, Vec<FieldError>> {
        NinLookup::parse(&self.nin, &self.reason)
    }
}

/// A patient in a practitioner's care at their facility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CarePatientOut {
    pub subject_id: PersonId,
    pub name: String,
    pub birth_date: Option<chrono::NaiveDate>,
    /// Today's appointment, when the relationship is one.
    pub appointment_id: Option<AppointmentId>,
    pub starts_at: Option<chrono::DateTime<chrono::Utc>>,
    pub via: crate::CareVia,
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

impl EnteredInErrorIn {
    /// The reason, trimmed: 1 to 1,000 characters.
    pub fn validate(&self) -> Result<String, Vec<FieldError>> {
        let reason = self.reason.trim();
        if reason.is_empty() || reason.chars().count() > 1000 {
            Err(vec![FieldError::new("reason", ErrorCode::Required)])
        } else {
            Ok(reason.to_owned())
        }
    }
}

/// "Who looked at my record": one read or write of record data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccessOut {
    pub at: chrono::DateTime<chrono::Utc>,
    pub subject_id: PersonId,
    pub actor_name: String,
    pub actor_role: crate::Role,
    pub facility_name_ar: Option<String>,
    pub facility_name_fr: Option<String>,
    pub action: crate::AccessAction,
    pub entry_id: Option<EntryId>,
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

#[cfg(test)]
mod tests {
    #[test]
    fn icd10_codes() {
        for ok in ["J45", "J45.9", "S72.001A", "E11.65", "U07.1", "C4A.0"] {
            assert!(is_icd10(ok), "{ok}");
        }
        for bad in ["", "J4", "j45", "45.9", "J45.", "J45.12345", "J45-9", "<script>"] {
            assert!(!is_icd10(bad), "{bad}");
        }
    }

    #[test]
    fn a_prescription_needs_complete_lines() {
        let empty = EntryData::Prescription { items: vec![] };
        assert_eq!(empty.validate(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()).unwrap_err()[0].field, "items");
        let line = MedicationLine {
            medication: "Amoxicilline".into(),
            form: "gélule".into(),
            dose: "500 mg".into(),
            frequency: "3/j".into(),
            duration: "7 j".into(),
            instructions: String::new(),
        };
        assert!(EntryData::Prescription { items: vec![line.clone()] }.validate(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()).is_ok());
        let missing = MedicationLine { dose: " ".into(), ..line };
        assert_eq!(
            EntryData::Prescription { items: vec![missing] }.validate(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()).unwrap_err()[0].field,
            "items[0].dose"
        );
    }

    use super::*;

    #[test]
    fn a_look_up_needs_a_valid_nin_and_a_reason_the_patient_can_read() {
        let ok = CareLookupIn { nin: "109876543210987654".into(), reason: "  Urgence : douleur thoracique ".into() }.validate().unwrap();
        assert_eq!(ok.reason, "Urgence : douleur thoracique");
        let bad = NinLookupIn { nin: "123".into(), reason: "vu".into() }.validate().unwrap_err();
        assert_eq!(bad.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["nin", "reason"]);
        assert!(NinLookupIn { nin: "109876543210987654".into(), reason: "x".repeat(501) }.validate().is_err());
    }

    #[test]
    fn an_error_mark_needs_a_reason() {
        assert_eq!(EnteredInErrorIn { reason: " Mauvais patient ".into() }.validate().unwrap(), "Mauvais patient");
        assert!(EnteredInErrorIn { reason: "   ".into() }.validate().is_err());
        assert!(EnteredInErrorIn { reason: "x".repeat(1001) }.validate().is_err());
    }
}

/// A pharmacist checks a prescription: the code printed on it and the
/// patient's birth date (no account).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PrescriptionCheckIn {
    pub code: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
}

impl PrescriptionCheckIn {
    /// The code as printed (spaces, dashes and case ignored) and the date.
    pub fn validate(&self) -> Result<(String, NaiveDate), Vec<FieldError>> {
        let mut e = Vec::new();
        let code: String = self.code.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{00A0}')).collect::<String>().to_uppercase();
        let code_ok = code.len() == 10 && code.bytes().all(|b| b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789".contains(&b));
        if !code_ok {
            e.push(FieldError::new("code", if code.is_empty() { ErrorCode::Required } else { ErrorCode::BadRequest }));
        }
        let birth = NaiveDate::parse_from_str(self.birth_date.trim(), "%Y-%m-%d").map_err(|_| ErrorCode::BirthDateInvalid);
        let birth = check(&mut e, "birth_date", birth);
        match birth {
            Some(b) if e.is_empty() => Ok((code, b)),
            _ => Err(e),
        }
    }
}

/// What the pharmacist sees: the prescription, nothing else of the record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PrescriptionCheckOut {
    pub code: String,
    pub patient_name: String,
    pub prescriber_name: String,
    pub facility_name_ar: String,
    pub facility_name_fr: String,
    pub prescribed_at: chrono::DateTime<chrono::Utc>,
    pub items: Vec<MedicationLine>,
    /// `entered_in_error`: withdrawn by its author — not to be dispensed.
    pub status: crate::EntryStatus,
}

#[cfg(test)]
mod pharmacy_tests {
    use super::*;

    #[test]
    fn a_prescription_code_is_read_as_printed_and_a_malformed_one_is_named() {
        let ok = PrescriptionCheckIn { code: " abcd-efgh 23 ".into(), birth_date: "1990-04-12".into() }.validate().unwrap();
        assert_eq!(ok, ("ABCDEFGH23".to_owned(), NaiveDate::from_ymd_opt(1990, 4, 12).unwrap()));
        let fields = |c: &str, d: &str| {
            PrescriptionCheckIn { code: c.into(), birth_date: d.into() }.validate().unwrap_err().into_iter().map(|f| (f.field, f.code)).collect::<Vec<_>>()
        };
        assert_eq!(fields("ABCDEFGH2", "1990-04-12"), [("code".to_owned(), ErrorCode::BadRequest)], "nine characters");
        assert_eq!(fields("ABCDEFGH10", "1990-04-12"), [("code".to_owned(), ErrorCode::BadRequest)], "1 and 0 are not in the alphabet");
        assert_eq!(fields("", "12/04/1990"), [("code".to_owned(), ErrorCode::Required), ("birth_date".to_owned(), ErrorCode::BirthDateInvalid)]);
    }
}
