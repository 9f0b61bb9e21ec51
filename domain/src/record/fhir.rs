//! The whole record as a FHIR R4 Bundle (type `collection`), for the
//! patient to take anywhere: a Patient with the NIN as identifier, then per
//! entry kind —
//!
//! | entry          | resources                                   |
//! |----------------|---------------------------------------------|
//! | consultation   | Encounter + Condition (ICD-10)              |
//! | prescription   | one MedicationRequest per line (code as identifier) |
//! | exam request   | ServiceRequest                              |
//! | exam result    | DiagnosticReport + one Observation per value |
//! | vaccination    | Immunization                                |
//! | allergy        | AllergyIntolerance                          |
//! | attachment     | DocumentReference (URL to download it)      |
//!
//! Entered-in-error entries travel as such (status / verificationStatus
//! `entered-in-error`), never silently dropped. References inside the
//! bundle are `urn:uuid:`; ids derive from the entry id (UUID v5), so the
//! same record always exports the same ids. Checked in the tests with two
//! validators: HL7's FHIR R4 JSON schema and FHIR.js's profile validation.

use crate::entities::{dependant, user};
use crate::services::Record;
use crate::{Actor, Error, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use shared::dto::{EntryData, EntryOut, RecordFilter};
use shared::{ErrorCode, ReferralPriority};
use uuid::Uuid;

/// The identifier system of the Algerian national identification number.
pub const NIN_SYSTEM: &str = "https://sihati.dz/fhir/sid/nin";
/// The identifier system of prescription verification codes.
pub const PRESCRIPTION_SYSTEM: &str = "https://sihati.dz/fhir/sid/prescription";
const ICD10: &str = "http://hl7.org/fhir/sid/icd-10";

fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn derived(entry: Uuid, what: &str) -> Uuid {
    Uuid::new_v5(&entry, what.as_bytes())
}

fn urn(id: Uuid) -> String {
    format!("urn:uuid:{id}")
}

fn text(s: &str) -> Value {
    json!({ "text": s })
}

/// A person (author, facility) named but not exported as a resource.
fn display(s: &str) -> Value {
    json!({ "display": s })
}

fn concept_status(system: &str, code: &str) -> Value {
    json!({ "coding": [{ "system": system, "code": code }] })
}

/// Quantity when the value is a number, else a string.
fn observation_value(value: &str, unit: &str) -> (&'static str, Value) {
    match value.trim().replace(',', ".").parse::<f64>() {
        Ok(n) if n.is_finite() => {
            let mut q = json!({ "value": n });
            if !unit.trim().is_empty() {
                q["unit"] = json!(unit.trim());
            }
            ("valueQuantity", q)
        }
        _ => ("valueString", json!(value)),
    }
}

struct Patient {
    id: Uuid,
    nin: Option<String>,
    given: String,
    family: String,
    birth_date: Option<chrono::NaiveDate>,
    sex: Option<String>,
}

fn patient_resource(p: &Patient) -> Value {
    let mut r = json!({
        "resourceType": "Patient",
        "id": p.id.to_string(),
        "name": [{ "family": p.family, "given": [p.given] }],
    });
    if let Some(nin) = &p.nin {
        r["identifier"] = json!([{ "use": "official", "system": NIN_SYSTEM, "value": nin }]);
    }
    if let Some(d) = p.birth_date {
        r["birthDate"] = json!(d.to_string());
    }
    if let Some(sex) = p.sex.as_deref().and_then(shared::Sex::parse) {
        r["gender"] = json!(sex.code());
    }
    r
}

/// The FHIR resources of one entry (and of its attachments).
pub fn entry_resources(e: &EntryOut, patient: Uuid, public_url: &str) -> Vec<(Uuid, Value)> {
    let entry_id = e.id.as_uuid();
    let subject = json!({ "reference": urn(patient) });
    let error = e.status == shared::EntryStatus::EnteredInError;
    let when = instant(e.created_at);
    let author = display(&e.author_name);
    let facility = display(if e.facility_name_fr.is_empty() { &e.facility_name_ar } else { &e.facility_name_fr });
    let mut out = Vec::new();
    match &e.data {
        EntryData::Consultation { reason, findings, diagnosis_code, diagnosis_text } => {
            let enc = entry_id;
            out.push((
                enc,
                json!({
                    "resourceType": "Encounter",
                    "id": enc.to_string(),
                    "status": if error { "entered-in-error" } else { "finished" },
                    "class": { "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory" },
                    "subject": subject,
                    "participant": [{ "individual": author }],
                    "period": { "start": when },
                    "reasonCode": [text(reason)],
                    "serviceProvider": facility,
                }),
            ));
            let cond = derived(entry_id, "Condition");
            let mut c = json!({
                "resourceType": "Condition",
                "id": cond.to_string(),
                "verificationStatus": concept_status("http://terminology.hl7.org/CodeSystem/condition-ver-status", if error { "entered-in-error" } else { "confirmed" }),
                "category": [concept_status("http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis")],
                "code": {
                    "coding": [{ "system": ICD10, "code": diagnosis_code }],
                    "text": if diagnosis_text.trim().is_empty() { diagnosis_code.clone() } else { diagnosis_text.clone() },
                },
                "subject": subject,
                "encounter": { "reference": urn(enc) },
                "recordedDate": when,
                "recorder": author,
            });
            if !error {
                c["clinicalStatus"] = concept_status("http://terminology.hl7.org/CodeSystem/condition-clinical", "active");
            }
            if !findings.trim().is_empty() {
                c["note"] = json!([{ "text": findings }]);
            }
            out.push((cond, c));
        }
        EntryData::Prescription { items } => {
            let code = e.verification_code.clone().unwrap_or_default();
            for (i, m) in items.iter().enumerate() {
                let id = derived(entry_id, &format!("MedicationRequest/{i}"));
                let mut dose = format!("{} — {} — {}", m.dose, m.frequency, m.duration);
                if !m.instructions.trim().is_empty() {
                    dose.push_str(". ");
                    dose.push_str(&m.instructions);
                }
                let mut r = json!({
                    "resourceType": "MedicationRequest",
                    "id": id.to_string(),
                    "status": if error { "entered-in-error" } else { "active" },
                    "intent": "order",
                    "medicationCodeableConcept": text(&format!("{} ({})", m.medication, m.form)),
                    "subject": subject,
                    "authoredOn": when,
                    "requester": author,
                    "dosageInstruction": [{ "text": dose }],
                });
                if !code.is_empty() {
                    r["groupIdentifier"] = json!({ "system": PRESCRIPTION_SYSTEM, "value": code });
                }
                out.push((id, r));
            }
        }
        EntryData::ExamRequest { category, exam, priority, clinical_notes } => {
            let (sct, label) = if shared::ExamCategory::parse(category) == Some(shared::ExamCategory::Imaging) {
                ("363679005", "Imaging")
            } else {
                ("108252007", "Laboratory procedure")
            };
            let mut r = json!({
                "resourceType": "ServiceRequest",
                "id": entry_id.to_string(),
                "status": if error { "entered-in-error" } else { "active" },
                "intent": "order",
                "category": [{ "coding": [{ "system": "http://snomed.info/sct", "code": sct, "display": label }] }],
                "priority": ReferralPriority::parse(priority).unwrap_or(ReferralPriority::Routine).code(),
                "code": text(exam),
                "subject": subject,
                "authoredOn": when,
                "requester": author,
            });
            if !clinical_notes.trim().is_empty() {
                r["note"] = json!([{ "text": clinical_notes }]);
            }
            out.push((entry_id, r));
        }
        EntryData::ExamResult { request_id, exam, values, report } => {
            let status = if error { "entered-in-error" } else { "final" };
            let mut results = Vec::new();
            for (i, v) in values.iter().enumerate() {
                let id = derived(entry_id, &format!("Observation/{i}"));
                let (key, value) = observation_value(&v.value, &v.unit);
                let mut o = json!({
                    "resourceType": "Observation",
                    "id": id.to_string(),
                    "status": status,
                    "code": text(&v.name),
                    "subject": subject,
                    "effectiveDateTime": when,
                    "issued": when,
                    "performer": [facility],
                });
                o[key] = value;
                if v.reference_low.is_some() || v.reference_high.is_some() {
                    let q = |n: f64| {
                        let mut q = json!({ "value": n });
                        if !v.unit.trim().is_empty() {
                            q["unit"] = json!(v.unit.trim());
                        }
                        q
                    };
                    let mut range = json!({});
                    if let Some(lo) = v.reference_low {
                        range["low"] = q(lo);
                    }
                    if let Some(hi) = v.reference_high {
                        range["high"] = q(hi);
                    }
                    o["referenceRange"] = json!([range]);
                }
                results.push(json!({ "reference": urn(id) }));
                out.push((id, o));
            }
            let id = derived(entry_id, "DiagnosticReport");
            let mut r = json!({
                "resourceType": "DiagnosticReport",
                "id": id.to_string(),
                "status": status,
                "code": text(exam),
                "subject": subject,
                "effectiveDateTime": when,
                "issued": when,
                "performer": [facility],
            });
            if let Some(req) = request_id {
                r["basedOn"] = json!([{ "reference": urn(req.as_uuid()) }]);
            }
            if !results.is_empty() {
                r["result"] = json!(results);
            }
            if !report.trim().is_empty() {
                r["conclusion"] = json!(report);
            }
            out.push((id, r));
        }
        EntryData::Vaccination { vaccine, dose_number, date, lot } => {
            let mut r = json!({
                "resourceType": "Immunization",
                "id": entry_id.to_string(),
                "status": if error { "entered-in-error" } else { "completed" },
                "vaccineCode": text(vaccine),
                "patient": subject,
                "occurrenceDateTime": date,
                "recorded": when,
                "performer": [{ "actor": author }],
            });
            if !lot.trim().is_empty() {
                r["lotNumber"] = json!(lot);
            }
            if let Some(n) = dose_number.filter(|n| *n > 0) {
                r["protocolApplied"] = json!([{ "doseNumberPositiveInt": n }]);
            }
            out.push((entry_id, r));
        }
        EntryData::Allergy { substance, reaction, severity } => {
            let mut r = json!({
                "resourceType": "AllergyIntolerance",
                "id": entry_id.to_string(),
                "verificationStatus": concept_status("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", if error { "entered-in-error" } else { "confirmed" }),
                "criticality": if shared::AllergySeverity::parse(severity) == Some(shared::AllergySeverity::Severe) { "high" } else { "low" },
                "code": text(substance),
                "patient": subject,
                "recordedDate": when,
                "recorder": author,
            });
            if !error {
                r["clinicalStatus"] = concept_status("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active");
            }
            if !reaction.trim().is_empty() {
                r["reaction"] = json!([{ "manifestation": [text(reaction)], "severity": severity }]);
            }
            out.push((entry_id, r));
        }
    }
    for a in &e.attachments {
        out.push((
            a.id.as_uuid(),
            json!({
                "resourceType": "DocumentReference",
                "id": a.id.to_string(),
                "status": if error { "entered-in-error" } else { "current" },
                "subject": subject,
                "date": when,
                "author": [author],
                "description": a.file_name,
                "content": [{ "attachment": {
                    "contentType": a.media_type,
                    "url": format!("{}/api/v1/record/attachments/{}", public_url.trim_end_matches('/'), a.id),
                    "size": a.size,
                    "title": a.file_name,
                    "creation": when,
                } }],
            }),
        ));
    }
    out
}

impl Record {
    /// The citizen's record (or a dependant's) as a FHIR R4 Bundle; the
    /// export is logged like any read.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn export_fhir(&self, actor: &Actor, subject: Option<shared::PersonId>) -> Result<Value> {
        actor.require_citizen()?;
        let holder = actor.user_id;
        let subject = subject.unwrap_or(holder.as_person());
        let patient = if subject == holder.as_person() {
            let u = user::Entity::find_by_id(holder).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
            Patient { id: u.id.as_uuid(), nin: u.nin, given: u.given_name, family: u.family_name, birth_date: u.birth_date, sex: u.sex }
        } else {
            let d = dependant::Entity::find_by_id(subject)
                .one(self.core.db())
                .await?
                .filter(|d| d.holder_id == holder && d.verified_at.is_some())
                .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
            Patient { id: d.id.as_uuid(), nin: d.nin, given: d.given_name, family: d.family_name, birth_date: Some(d.birth_date), sex: Some(d.sex) }
        };
        let entries = self.core.my_record_as(actor, &RecordFilter { subject_id: Some(subject), ..Default::default() }, shared::AccessAction::Export).await?;
        let public_url = self.core.config().notify.public_url.clone();
        let mut resources = vec![(patient.id, patient_resource(&patient))];
        // Oldest first: a request comes before its result.
        for e in entries.iter().rev() {
            resources.extend(entry_resources(e, patient.id, &public_url));
        }
        let now = self.core.clock().now();
        Ok(json!({
            "resourceType": "Bundle",
            "id": Uuid::new_v4().to_string(),
            "meta": { "lastUpdated": instant(now) },
            "type": "collection",
            "timestamp": instant(now),
            "entry": resources.into_iter().map(|(id, r)| json!({ "fullUrl": urn(id), "resource": r })).collect::<Vec<_>>(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_quantities_and_the_rest_strings() {
        assert_eq!(observation_value("5,4", "mmol/L"), ("valueQuantity", json!({ "value": 5.4, "unit": "mmol/L" })));
        assert_eq!(observation_value("12", ""), ("valueQuantity", json!({ "value": 12.0 })));
        assert_eq!(observation_value("négatif", "mg"), ("valueString", json!("négatif")));
        assert_eq!(observation_value("NaN", ""), ("valueString", json!("NaN")));
    }

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let e = Uuid::new_v4();
        assert_eq!(derived(e, "Condition"), derived(e, "Condition"));
        assert_ne!(derived(e, "Condition"), derived(e, "DiagnosticReport"));
        assert_ne!(derived(e, "Condition"), e);
    }
}
