//! The medical record through the HTTP API: a practitioner with a care
//! relationship writes, the patient reads, nobody else sees anything,
//! every access is in the patient's hash-chained log, and a new
//! prescription or result reaches the patient by email and in the inbox.

use crate::booking::clinic_with_slots;
use crate::helpers::*;
use crate::mail::SmtpServer;
use chrono::{Duration, Utc};
use domain::entities::{facility, record_access};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{json, Value};
use shared::Role;

async fn staff_elsewhere(app: &TestApp, clinic_facility: &str, role: Role, phone: &str) -> String {
    let other = facility::Entity::find().all(app.domain.db()).await.unwrap().into_iter().find(|f| f.id.to_string() != clinic_facility).unwrap();
    new_staff(app, other.id, role, phone).await
}

#[tokio::test]
async fn a_practitioner_in_care_writes_the_patient_reads_and_every_access_is_logged_and_chained() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = spawn_app_with(move |c| {
        c.smtp_url = Some(url.into());
        c.outbox_poll_ms = 50;
    })
    .await;
    let clinic = clinic_with_slots(&app).await;
    let (phone, reg) = app.register_citizen().await;
    let email = s(&reg, "email");
    let patient = s(&app.token(&phone, PASSWORD).await, "access_token");
    let patient_id = s(&app.get_auth("/api/v1/me", &patient).await.json::<Value>().await.unwrap(), "id");
    let from = (Utc::now() + Duration::days(3)).date_naive();
    let slots = clinic.free_slots(&app, from, from + Duration::days(40)).await;
    let res = app.post_auth("/api/v1/appointments", &patient, &json!({ "slot_id": slots[0]["id"], "reason": "" })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let appointment = s(&res.json::<Value>().await.unwrap(), "id");
    // The demo practitioner is that practitioner, and it is the day before
    // the appointment: inside its care window.
    link_demo_practitioner(&app, &clinic.practitioner_id).await;
    let starts: chrono::DateTime<Utc> = slots[0]["starts_at"].as_str().unwrap().parse().unwrap();
    app.domain.clock().advance(starts - Utc::now() - Duration::hours(20));

    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    let stranger = app.citizen_tokens().await;
    let stranger_token = s(&stranger, "access_token");
    let stranger_id = s(&app.get_auth("/api/v1/me", &stranger_token).await.json::<Value>().await.unwrap(), "id");

    // No care relationship: not found. Not a practitioner: forbidden.
    assert_eq!(app.get_auth(&format!("/api/v1/record/{stranger_id}"), &doctor).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get_auth(&format!("/api/v1/record/{patient_id}"), &clinic.receptionist).await.status(), StatusCode::FORBIDDEN);
    let elsewhere = staff_elsewhere(&app, &clinic.facility_id, Role::Practitioner, "0661888777").await;
    assert_eq!(app.get_auth(&format!("/api/v1/record/{patient_id}"), &elsewhere).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get_auth(&format!("/api/v1/record/{patient_id}"), &patient).await.status(), StatusCode::FORBIDDEN);

    let write = |body: Value| {
        let (app, doctor, patient_id) = (&app, doctor.clone(), patient_id.clone());
        async move { app.post_auth(&format!("/api/v1/record/{patient_id}/entries"), &doctor, &body).await }
    };
    let bad = write(json!({ "kind": "consultation", "reason": "Toux", "diagnosis_code": "toux" })).await;
    let (status, code, body) = error_code(bad).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"), "{body}");
    assert_eq!(body["fields"][0]["field"], "diagnosis_code");

    let canary = format!("canary-{}", uuid::Uuid::new_v4());
    let res = write(json!({ "kind": "consultation", "appointment_id": appointment, "reason": "Toux depuis 3 semaines",
                            "findings": canary, "diagnosis_code": "J45.9", "diagnosis_text": "Asthme" }))
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let consultation: Value = res.json().await.unwrap();
    assert_eq!(consultation["kind"], "consultation");
    let mine: Vec<Value> = items(app.get_auth("/api/v1/appointments", &patient).await).await;
    assert_eq!(mine.iter().find(|a| a["id"] == appointment.as_str()).unwrap()["status"], "fulfilled", "the consultation fulfils the appointment");

    let res = write(json!({ "kind": "prescription", "items": [{ "medication": "Salbutamol", "form": "inhalateur", "dose": "100 µg",
                            "frequency": "2 bouffées si besoin", "duration": "3 mois" }] }))
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let prescription: Value = res.json().await.unwrap();
    assert_eq!(prescription["verification_code"].as_str().unwrap().len(), 10);
    let res = write(json!({ "kind": "exam_request", "category": "laboratory", "exam": "NFS", "priority": "routine" })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = write(json!({ "kind": "exam_result", "exam": "NFS", "values": [{ "name": "Hémoglobine", "value": "13.2", "unit": "g/dL",
                            "reference_low": 12.0, "reference_high": 16.0 }], "report": "Normal" }))
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // A mistake stays, marked, and a new entry corrects it.
    let res = app.post_auth(&format!("/api/v1/record/entries/{}/entered-in-error", s(&consultation, "id")), &elsewhere, &json!({ "reason": "x" })).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "another facility cannot touch it");
    let res =
        app.post_auth(&format!("/api/v1/record/entries/{}/entered-in-error", s(&consultation, "id")), &doctor, &json!({ "reason": "Mauvais code" })).await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "entered_in_error");
    let res = write(json!({ "kind": "consultation", "corrects_id": consultation["id"], "reason": "Toux depuis 3 semaines",
                            "diagnosis_code": "J45.0", "diagnosis_text": "Asthme allergique" }))
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // The patient reads it all; the stranger sees nothing of it.
    let record: Vec<Value> = items(app.get_auth("/api/v1/me/record", &patient).await).await;
    assert_eq!(record.len(), 5);
    assert!(record.iter().any(|e| e["status"] == "entered_in_error" && e["error_reason"] == "Mauvais code"));
    assert!(record.iter().all(|e| e["facility_id"] == clinic.facility_id.as_str() && !e["author_name"].as_str().unwrap().is_empty()));
    let theirs = app.get_auth("/api/v1/me/record", &stranger_token).await.text().await.unwrap();
    assert_eq!(theirs, r#"{"items":[],"next_cursor":null}"#);
    let their_log = app.get_auth("/api/v1/me/record/accesses", &stranger_token).await.text().await.unwrap();
    assert!(!their_log.contains(&canary) && !their_log.contains(&patient_id));

    // Who looked: the practitioner's writes and read, and the patient's own read.
    let read = app.get_auth(&format!("/api/v1/record/{patient_id}"), &doctor).await;
    assert_eq!(read.status(), StatusCode::OK);
    assert!(read.text().await.unwrap().contains(&canary));
    let log: Vec<Value> = app.get_auth("/api/v1/me/record/accesses", &patient).await.json::<Value>().await.unwrap()["items"].as_array().unwrap().clone();
    let count = |action: &str, role: &str| log.iter().filter(|r| r["action"] == action && r["actor_role"] == role).count();
    assert_eq!(count("write_entry", "practitioner"), 5, "{log:?}");
    assert_eq!(count("mark_error", "practitioner"), 1);
    assert_eq!(count("read_record", "practitioner"), 1);
    assert_eq!(count("read_record", "citizen"), 1);
    assert!(log.iter().all(|r| r["actor_role"] != "practitioner" || r["facility_name_fr"].is_string()));

    // The chain verifies, and a tampered row is found.
    let report = app.domain.audit.verify_access_log().await.unwrap();
    assert_eq!((report.rows, report.broken.len()), (log.len() as u64, 0));
    let row = record_access::Entity::find()
        .all(app.domain.db())
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.action == "read_record" && r.actor_role == "practitioner")
        .unwrap();
    let seq = row.seq;
    let mut tampered: record_access::ActiveModel = row.into();
    tampered.actor_role = Set("citizen".into());
    tampered.update(app.domain.db()).await.unwrap();
    let report = app.domain.audit.verify_access_log().await.unwrap();
    assert_eq!(report.broken.len(), 1);
    assert_eq!(report.broken[0].1, seq);

    // The new prescription and result reach the patient, without clinical detail.
    let mail = smtp
        .wait_until(20, "prescription and result messages", |m| {
            m.iter().filter(|x| x.to == email && (x.subject.starts_with("Nouvelle ordonnance") || x.subject.starts_with("Nouveau résultat"))).count() >= 2
        })
        .await;
    for m in mail.iter().filter(|x| x.to == email) {
        assert!(!m.text.contains("Salbutamol") && !m.text.contains("Hémoglobine"), "no clinical detail by email: {}", m.text);
    }
    // The in-app copies come from the same worker, not necessarily after the emails.
    eventually(20, "the in-app prescription and result", async || {
        let inbox: Value = app.get_auth("/api/v1/inbox", &patient).await.json().await.unwrap();
        let kinds: Vec<String> = inbox["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap().to_owned()).collect();
        (kinds.iter().any(|k| k == "prescription") && kinds.iter().any(|k| k == "result")).then_some(())
    })
    .await;
}

/// A minimal well-formed PDF (what a lab's system would send).
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

pub async fn upload(app: &TestApp, token: &str, entry: &str, name: &str, bytes: &[u8]) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()).mime_str("application/pdf").unwrap();
    app.client
        .post(app.url(&format!("/api/v1/record/entries/{entry}/attachments")))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_lookup_by_nin_opens_the_record_for_a_day_files_are_checked_stored_by_hash_and_downloaded_and_the_record_exports_as_fhir() {
    let app = spawn_app_with(|c| c.attachment_max_bytes = 4096).await;
    let clinic = clinic_with_slots(&app).await;
    let (phone, reg) = app.register_citizen().await;
    let nin = s(&reg, "nin");
    let patient = s(&app.token(&phone, PASSWORD).await, "access_token");
    let patient_id = s(&app.get_auth("/api/v1/me", &patient).await.json::<Value>().await.unwrap(), "id");
    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    let elsewhere = staff_elsewhere(&app, &clinic.facility_id, Role::Practitioner, "0661888700").await;
    let stranger = s(&app.citizen_tokens().await, "access_token");

    // No appointment: the patient does not exist for the facility.
    assert_eq!(app.get_auth(&format!("/api/v1/record/{patient_id}"), &doctor).await.status(), StatusCode::NOT_FOUND);
    // The look-up needs a reason; the desk cannot open records; an unknown NIN is not found.
    let (status, code, body) = error_code(app.post_auth("/api/v1/record/lookup", &doctor, &json!({ "nin": nin, "reason": "vu" })).await).await;
    assert_eq!((status, code.as_str(), body["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", Some("reason")));
    let reason = "Urgence : douleur thoracique";
    assert_eq!(app.post_auth("/api/v1/record/lookup", &clinic.receptionist, &json!({ "nin": nin, "reason": reason })).await.status(), StatusCode::FORBIDDEN);
    let (unknown, _) = unique_ids();
    assert_eq!(app.post_auth("/api/v1/record/lookup", &doctor, &json!({ "nin": unknown, "reason": reason })).await.status(), StatusCode::NOT_FOUND);
    let res = app.post_auth("/api/v1/record/lookup", &doctor, &json!({ "nin": nin, "reason": reason })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let found: Value = res.json().await.unwrap();
    assert_eq!((s(&found, "subject_id"), s(&found, "via")), (patient_id.clone(), "lookup".to_owned()));
    let mine: Vec<Value> = items(app.get_auth("/api/v1/record/patients", &doctor).await).await;
    assert!(mine.iter().any(|p| p["subject_id"] == patient_id.as_str() && p["reason"] == reason));
    assert_eq!(app.get_auth(&format!("/api/v1/record/{patient_id}"), &doctor).await.status(), StatusCode::OK);
    // Opened for that facility only.
    assert_eq!(app.get_auth(&format!("/api/v1/record/{patient_id}"), &elsewhere).await.status(), StatusCode::NOT_FOUND);

    let res = app
        .post_auth(
            &format!("/api/v1/record/{patient_id}/entries"),
            &doctor,
            &json!({ "kind": "exam_result", "exam": "Bilan lipidique",
            "values": [{ "name": "Cholestérol total", "value": "2,4", "unit": "g/L", "reference_high": 2.0 }], "report": "Hypercholestérolémie" }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let result = s(&res.json::<Value>().await.unwrap(), "id");

    // Files: type from the bytes, size capped, only by the writing facility.
    let (status, code, _) = error_code(upload(&app, &doctor, &result, "rapport.pdf", b"<html><script>alert(1)</script></html>").await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "file_type_rejected"));
    let big = [PDF, &vec![b' '; 5000]].concat();
    let (status, code, _) = error_code(upload(&app, &doctor, &result, "gros.pdf", &big).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large"));
    assert_eq!(upload(&app, &elsewhere, &result, "x.pdf", PDF).await.status(), StatusCode::NOT_FOUND);
    let res = upload(&app, &doctor, &result, "../bilan lipidique.html", PDF).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let file: Value = res.json().await.unwrap();
    assert_eq!(
        (s(&file, "file_name"), s(&file, "media_type"), file["size"].as_u64()),
        ("bilan lipidique.pdf".to_owned(), "application/pdf".to_owned(), Some(PDF.len() as u64))
    );
    // Stored outside the database, named by its SHA-256.
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(PDF).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(std::fs::read(app.domain.config().files_dir.join(&sha[..2]).join(&sha)).unwrap(), PDF);

    // The patient reads the entry with its file, and downloads it — as a download.
    let record: Vec<Value> = items(app.get_auth("/api/v1/me/record", &patient).await).await;
    assert_eq!(record[0]["attachments"][0]["id"], file["id"]);
    assert!(record.iter().all(|e| e["can_mark_error"] == false && e["can_attach"] == false), "the patient corrects nothing");
    // The writing facility may correct it and attach to it (the door that
    // refuses everyone is caught here).
    let theirs: Vec<Value> = items(app.get_auth(&format!("/api/v1/record/{patient_id}"), &doctor).await).await;
    assert_eq!((theirs[0]["can_mark_error"].as_bool(), theirs[0]["can_attach"].as_bool()), (Some(true), Some(true)));
    let res = app.get_auth(&format!("/api/v1/record/attachments/{}", s(&file, "id")), &patient).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["content-security-policy"], "default-src 'none'; sandbox");
    assert_eq!(&res.bytes().await.unwrap()[..], PDF);
    for token in [&stranger, &elsewhere] {
        assert_eq!(app.get_auth(&format!("/api/v1/record/attachments/{}", s(&file, "id")), token).await.status(), StatusCode::NOT_FOUND);
    }

    // Filters: kind, dates (Algiers), facility; a malformed date is a clear 400.
    let count = |q: String| {
        let (app, patient) = (&app, patient.clone());
        async move { items(app.get_auth(&format!("/api/v1/me/record{q}"), &patient).await).await.len() }
    };
    let today = app.domain.today();
    assert_eq!(count("?kind=exam_result".into()).await, 1);
    assert_eq!(count("?kind=prescription".into()).await, 0);
    assert_eq!(count(format!("?from={today}&to={today}")).await, 1);
    assert_eq!(count(format!("?from={}", today + Duration::days(1))).await, 0);
    assert_eq!(count(format!("?facility_id={}", clinic.facility_id)).await, 1);
    assert_eq!(count(format!("?facility_id={}", uuid::Uuid::new_v4())).await, 0);
    assert_eq!(app.get_auth("/api/v1/me/record?from=yesterday", &patient).await.status(), StatusCode::BAD_REQUEST);

    // FHIR R4 export: the patient with the NIN, the report, its observation and the document.
    let res = app.get_auth("/api/v1/me/record/fhir", &patient).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/fhir+json"));
    let bundle: Value = res.json().await.unwrap();
    assert_eq!((bundle["resourceType"].as_str(), bundle["type"].as_str()), (Some("Bundle"), Some("collection")));
    let of =
        |t: &str| bundle["entry"].as_array().unwrap().iter().filter(|e| e["resource"]["resourceType"] == t).map(|e| e["resource"].clone()).collect::<Vec<_>>();
    assert_eq!(of("Patient")[0]["identifier"][0]["value"], nin.as_str());
    assert_eq!(of("Observation")[0]["valueQuantity"]["value"], 2.4);
    assert_eq!(of("DiagnosticReport")[0]["result"][0]["reference"], format!("urn:uuid:{}", of("Observation")[0]["id"].as_str().unwrap()));
    assert_eq!(of("DocumentReference")[0]["content"][0]["attachment"]["contentType"], "application/pdf");
    assert_eq!(app.get_auth("/api/v1/me/record/fhir", &doctor).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_auth(&format!("/api/v1/me/record/fhir?subject_id={patient_id}"), &stranger).await.status(), StatusCode::NOT_FOUND);

    // "Who looked": the look-up with its reason, the file written and read, the export.
    let log: Vec<Value> = app.get_auth("/api/v1/me/record/accesses", &patient).await.json::<Value>().await.unwrap()["items"].as_array().unwrap().clone();
    assert!(log.iter().any(|r| r["action"] == "lookup" && r["reason"] == reason && r["actor_role"] == "practitioner"), "{log:?}");
    for action in ["attach_file", "read_file", "export"] {
        assert!(log.iter().any(|r| r["action"] == action), "{action}: {log:?}");
    }
    assert_eq!(app.domain.audit.verify_access_log().await.unwrap().broken.len(), 0);

    // ICD-10 search in the caller's language.
    let codes: Vec<Value> = items(app.client.get(app.url("/api/v1/icd10?q=asthme")).header("accept-language", "fr").send().await.unwrap()).await;
    assert_eq!((codes[0]["code"].as_str(), codes[0]["label"].as_str()), (Some("J45.9"), Some("Asthme")));

    // Another facility, once in care, reads the same record — but cannot mark another facility's entry.
    let res = app.post_auth("/api/v1/record/lookup", &elsewhere, &json!({ "nin": nin, "reason": "Suivi dans notre polyclinique" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let theirs: Vec<Value> = items(app.get_auth(&format!("/api/v1/record/{patient_id}"), &elsewhere).await).await;
    assert_eq!((theirs.len(), theirs[0]["facility_id"].as_str()), (1, Some(clinic.facility_id.as_str())));
    assert_eq!((theirs[0]["can_mark_error"].as_bool(), theirs[0]["can_attach"].as_bool()), (Some(false), Some(false)), "nothing offered that is refused");
    assert_eq!(app.get_auth(&format!("/api/v1/record/attachments/{}", s(&file, "id")), &elsewhere).await.status(), StatusCode::OK);
    let res = app.post_auth(&format!("/api/v1/record/entries/{result}/entered-in-error"), &elsewhere, &json!({ "reason": "pas chez nous" })).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // A day later the look-ups have run out.
    use domain::entities::care_relation;
    use sea_orm::{ColumnTrait, QueryFilter};
    care_relation::Entity::update_many()
        .col_expr(care_relation::Column::ExpiresAt, sea_orm::sea_query::Expr::value(Utc::now() - Duration::minutes(1)))
        .filter(care_relation::Column::SubjectId.eq(patient_id.parse::<uuid::Uuid>().unwrap()))
        .exec(app.domain.db())
        .await
        .unwrap();
    for token in [&doctor, &elsewhere] {
        assert_eq!(app.get_auth(&format!("/api/v1/record/{patient_id}"), token).await.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn look_ups_by_nin_are_throttled_per_practitioner_found_or_not() {
    let app = spawn_app_with(|c| c.lookups_per_hour = 3).await;
    let clinic = clinic_with_slots(&app).await;
    let (_, reg) = app.register_citizen().await;
    let nin = s(&reg, "nin");
    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    let colleague = new_staff(&app, clinic.facility_id.parse::<uuid::Uuid>().unwrap(), Role::Practitioner, "0661888701").await;
    let reason = "Consultation sans rendez-vous";
    let (unknown, _) = unique_ids();
    // Unknown and found both count (the answer tells whether a NIN exists);
    // a malformed NIN or a missing reason, answered without a query, does not.
    assert_eq!(app.post_auth("/api/v1/record/lookup", &doctor, &json!({ "nin": unknown, "reason": reason })).await.status(), StatusCode::NOT_FOUND);
    for _ in 0..4 {
        assert_eq!(app.post_auth("/api/v1/record/lookup", &doctor, &json!({ "nin": "12", "reason": reason })).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.post_auth("/api/v1/record/lookup", &doctor, &json!({ "nin": nin, "reason": "vu" })).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    for _ in 0..2 {
        assert_eq!(app.post_auth("/api/v1/record/lookup", &doctor, &json!({ "nin": nin, "reason": reason })).await.status(), StatusCode::OK);
    }
    let res = app
        .client
        .post(app.url("/api/v1/record/lookup"))
        .bearer_auth(&doctor)
        .header("accept-language", "fr")
        .json(&json!({ "nin": nin, "reason": reason }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((60..=1200).contains(&retry), "the next look-up in about 20 minutes, not {retry} s");
    let (_, code, body) = error_code(res).await;
    assert_eq!((code.as_str(), body["message"].as_str()), ("too_many_attempts", Some("Trop de tentatives. Réessayez dans quelques instants.")));
    // Another practitioner is not held back; the refused look-up left no trace in the patient's log.
    assert_eq!(app.post_auth("/api/v1/record/lookup", &colleague, &json!({ "nin": nin, "reason": reason })).await.status(), StatusCode::OK);
    let lookups = record_access::Entity::find().all(app.domain.db()).await.unwrap().into_iter().filter(|r| r.action == "lookup").count();
    assert_eq!(lookups, 3);
}

#[tokio::test]
async fn a_pharmacy_sees_a_prescription_by_its_code_and_the_birth_date_and_nothing_else_and_the_patient_sees_the_check() {
    let app = spawn_app_with(|c| {
        c.proxy_hops = 1;
        c.record.pharmacy_checks_per_ip_per_minute = 4;
        c.record.pharmacy_wrong_dates_per_code = 3;
    })
    .await;
    app.domain.seed_demo().await.unwrap();
    let patient = s(&app.citizen_tokens().await, "access_token");
    let me: Value = app.get_auth("/api/v1/me", &patient).await.json().await.unwrap();
    let (patient_id, birth) = (s(&me, "id"), s(&me, "birth_date"));
    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    care_by_lookup(&app, &doctor, &patient).await;
    let write = |body: Value| {
        let (app, doctor, patient_id) = (&app, doctor.clone(), patient_id.clone());
        async move { app.post_auth(&format!("/api/v1/record/{patient_id}/entries"), &doctor, &body).await.json::<Value>().await.unwrap() }
    };
    let canary = format!("canary-{}", uuid::Uuid::new_v4());
    write(json!({ "kind": "consultation", "reason": "Toux", "findings": canary, "diagnosis_code": "J45.9", "diagnosis_text": "Asthme" })).await;
    let rx = write(json!({ "kind": "prescription", "items": [{ "medication": "Salbutamol", "form": "inhalateur", "dose": "100 µg",
                             "frequency": "2 bouffées si besoin", "duration": "3 mois" }] }))
    .await;
    let code = s(&rx, "verification_code");
    // Each pharmacy is a client of its own (the address the proxy added).
    let check_from = |ip: &'static str, code: String, birth: String| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/v1/prescriptions/check"))
                .header("x-forwarded-for", ip)
                .json(&json!({ "code": code, "birth_date": birth }))
                .send()
                .await
                .unwrap()
        }
    };
    let check = |code: String, birth: String| check_from("192.0.2.1", code, birth);

    // The wrong birth date and a code that does not exist get one answer; a malformed code is named.
    let other_day = |days: i64| (chrono::NaiveDate::parse_from_str(&birth, "%Y-%m-%d").unwrap() + Duration::days(days)).to_string();
    for (c, b) in [(code.clone(), other_day(1)), ("ABCDEFGH23".to_owned(), birth.clone())] {
        let (status, err, _) = error_code(check(c, b).await).await;
        assert_eq!((status, err.as_str()), (StatusCode::NOT_FOUND, "prescription_not_found"));
    }
    let (status, _, body) = error_code(check("ABC".into(), birth.clone()).await).await;
    assert_eq!((status, body["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("code")));

    // The code as printed (lower case, spaced) and the right date: the prescription only.
    let spaced = format!("{} {}", code[..5].to_lowercase(), &code[5..]);
    let res = check_from("192.0.2.2", spaced, birth.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let out: Value = res.json().await.unwrap();
    assert_eq!(
        (out["items"][0]["medication"].as_str(), out["status"].as_str(), out["code"].as_str()),
        (Some("Salbutamol"), Some("active"), Some(code.as_str()))
    );
    let keys: Vec<&str> = out.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["code", "facility_name_ar", "facility_name_fr", "items", "patient_name", "prescribed_at", "prescriber_name", "status"]);
    assert!(!out.to_string().contains(&canary) && !out.to_string().contains(&patient_id), "nothing else of the record");

    // In the patient's log, as a pharmacy's check of that prescription; the wrong date too.
    let log: Value = app.get_auth("/api/v1/me/record/accesses", &patient).await.json().await.unwrap();
    let of = |action: &str| log["items"].as_array().unwrap().iter().filter(|r| r["action"] == action).cloned().collect::<Vec<Value>>();
    let checks = of("pharmacy_check");
    assert_eq!(checks.len(), 1, "{log}");
    assert_eq!((checks[0]["actor_role"].as_str(), checks[0]["entry_id"].as_str()), (Some("pharmacy"), rx["id"].as_str()));
    assert_eq!(of("pharmacy_check_failed").len(), 1, "{log}");

    // Withdrawn by its author: the pharmacy is told not to dispense it.
    let res = app.post_auth(&format!("/api/v1/record/entries/{}/entered-in-error", s(&rx, "id")), &doctor, &json!({ "reason": "Mauvaise dose" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let out: Value = check_from("192.0.2.3", code.clone(), birth.clone()).await.json().await.unwrap();
    assert_eq!(out["status"], "entered_in_error");

    // Wrong dates have a small budget per code, whatever the client: the
    // third (the first was above) is still an answer, the fourth is held —
    // and so is the right date, so that the hold tells nothing.
    for (ip, days) in [("192.0.2.4", 2), ("192.0.2.5", 3)] {
        assert_eq!(check_from(ip, code.clone(), other_day(days)).await.status(), StatusCode::NOT_FOUND);
    }
    for (ip, b) in [("192.0.2.6", other_day(4)), ("192.0.2.7", birth.clone())] {
        let res = check_from(ip, code.clone(), b).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((23 * 3600..=24 * 3600).contains(&wait), "held for about a day, not {wait} s");
    }
    // Positive control: the patient's other prescription answers.
    let rx2 = write(json!({ "kind": "prescription", "items": [{ "medication": "Amoxicilline", "form": "gélule", "dose": "1 g",
                              "frequency": "2 par jour", "duration": "7 jours" }] }))
    .await;
    assert_eq!(check_from("192.0.2.8", s(&rx2, "verification_code"), birth.clone()).await.status(), StatusCode::OK);
    let log: Value = app.get_auth("/api/v1/me/record/accesses", &patient).await.json().await.unwrap();
    let failed = log["items"].as_array().unwrap().iter().filter(|r| r["action"] == "pharmacy_check_failed").count();
    assert_eq!(failed, 3, "every wrong date is in the patient's log, the held ones are not tries");

    // Each client has its own small allowance (4 a minute here, whatever
    // the codes): the fifth check in a row is refused, another client's is not.
    for n in 0..4 {
        assert_eq!(check_from("192.0.2.10", format!("ABCDEFGH{}{}", 2 + n, 2 + n), birth.clone()).await.status(), StatusCode::NOT_FOUND, "check {n}");
    }
    assert_eq!(check_from("192.0.2.10", "ABCDEFGH66".into(), birth.clone()).await.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(check_from("192.0.2.11", "ABCDEFGH66".into(), birth.clone()).await.status(), StatusCode::NOT_FOUND);
}
