//! Least privilege for staff: the desk's look-up by NIN has a reason, a
//! limit and a trace; an appointment opens the record to its own
//! practitioner only within its window; a visit that is over stops
//! counting toward the booking caps. Each refusal has its positive control.

use crate::booking::{clinic_with_slots, free_slots};
use crate::helpers::*;
use chrono::{Duration, Utc};
use domain::entities::{appointment, slot};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{json, Value};
use shared::Role;

#[tokio::test]
async fn the_desk_looks_a_citizen_up_only_with_a_reason_logged_for_each_person_shown_and_without_dependants_nins() {
    let app = spawn_app_with(|c| c.lookups_per_hour = 3).await;
    let c = clinic_with_slots(&app).await;
    let alice = s(&app.citizen_tokens().await, "access_token");
    let (child_nin, _) = unique_ids();
    let res = app
        .post_auth(
            "/api/v1/me/dependants",
            &alice,
            &json!({"given_name": "Yacine", "family_name": "Benali", "birth_date": "2019-05-02", "sex": "male", "nin": child_nin, "relation": "child"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let me: Value = app.get_auth("/api/v1/me", &alice).await.json().await.unwrap();

    // No reason, no look-up (and no count against the hour).
    let (status, _, body) = error_code(app.post_auth("/api/v1/desk/lookup", &c.receptionist, &json!({ "nin": me["nin"] })).await).await;
    assert_eq!((status, body["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")));
    let reason = "Prise de rendez-vous au guichet";
    let res = app.post_auth("/api/v1/desk/lookup", &c.receptionist, &json!({ "nin": me["nin"], "reason": reason })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let found: Value = res.json().await.unwrap();
    assert_eq!(found["dependants"].as_array().unwrap().len(), 1);
    assert!(found["dependants"][0]["nin"].is_null(), "the desk does not need the child's NIN: {found}");
    assert!(!found.to_string().contains(&child_nin));

    // Both people shown are in the log the guardian reads, with the reason.
    let log: Vec<Value> = app.get_auth("/api/v1/me/record/accesses", &alice).await.json::<Value>().await.unwrap()["items"].as_array().unwrap().clone();
    let desk_rows: Vec<&Value> = log.iter().filter(|r| r["action"] == "desk_lookup").collect();
    assert_eq!(desk_rows.len(), 2, "{log:?}");
    assert!(desk_rows.iter().all(|r| r["reason"] == reason && r["actor_role"] == "receptionist"), "{desk_rows:?}");

    // Three well-formed look-ups an hour (found or not), then 429.
    assert_eq!(
        app.post_auth("/api/v1/desk/lookup", &c.receptionist, &json!({ "nin": "109876543210987654", "reason": reason })).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.post_auth("/api/v1/desk/lookup", &c.receptionist, &json!({ "nin": me["nin"], "reason": reason })).await.status(), StatusCode::OK);
    let res = app.post_auth("/api/v1/desk/lookup", &c.receptionist, &json!({ "nin": me["nin"], "reason": reason })).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    // Another receptionist is not held back.
    let facility: uuid::Uuid = c.facility_id.parse().unwrap();
    let colleague = new_staff(&app, facility, Role::Receptionist, "0661222333").await;
    assert_eq!(app.post_auth("/api/v1/desk/lookup", &colleague, &json!({ "nin": me["nin"], "reason": reason })).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_appointment_opens_the_record_to_its_own_practitioner_from_a_day_before_to_a_week_after() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    link_demo_practitioner(&app, &c.practitioner_id).await;
    let patient = s(&app.citizen_tokens().await, "access_token");
    let patient_id = s(&app.get_auth("/api/v1/me", &patient).await.json::<Value>().await.unwrap(), "id");
    let slot = free_slots(&app, &c, 3).await.into_iter().find(|s| s["practitioner_id"] == c.practitioner_id.as_str()).expect("a slot of the practitioner");
    let res = app.post_auth("/api/v1/appointments", &patient, &json!({ "slot_id": slot["id"] })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let starts: chrono::DateTime<Utc> = slot["starts_at"].as_str().unwrap().parse().unwrap();
    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    let facility: uuid::Uuid = c.facility_id.parse().unwrap();
    let colleague = new_staff(&app, facility, Role::Practitioner, "0661444555").await;
    let read = |token: String| {
        let (app, path) = (&app, format!("/api/v1/record/{patient_id}"));
        async move { app.get_auth(&path, &token).await.status() }
    };

    // Days ahead: not yet.
    assert_eq!(read(doctor.clone()).await, StatusCode::NOT_FOUND);
    // The day before: open to the appointment's practitioner…
    app.domain.clock().advance(starts - Utc::now() - Duration::hours(23));
    assert_eq!(read(doctor.clone()).await, StatusCode::OK);
    // …not to a colleague of the same polyclinic, until they look the
    // patient up with a reason (which the patient then reads).
    assert_eq!(read(colleague.clone()).await, StatusCode::NOT_FOUND);
    care_by_lookup(&app, &colleague, &patient).await;
    assert_eq!(read(colleague.clone()).await, StatusCode::OK);
    // Six days after: still open; eight days after: closed.
    app.domain.clock().advance(Duration::hours(23) + Duration::days(6));
    assert_eq!(read(doctor.clone()).await, StatusCode::OK);
    app.domain.clock().advance(Duration::days(2));
    assert_eq!(read(doctor).await, StatusCode::NOT_FOUND, "the window ended, nobody needed to close the appointment");
    assert_eq!(read(colleague).await, StatusCode::NOT_FOUND, "the look-up lasted a day");
}

#[tokio::test]
async fn a_visit_whose_time_has_passed_no_longer_counts_toward_the_booking_caps() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let patient = s(&app.citizen_tokens().await, "access_token");
    let patient_id: uuid::Uuid = s(&app.get_auth("/api/v1/me", &patient).await.json::<Value>().await.unwrap(), "id").parse().unwrap();
    let slots: Vec<Value> = free_slots(&app, &c, 3).await;
    let (first, second) = (slots[0].clone(), slots[1].clone());
    let res = app.post_auth("/api/v1/appointments", &patient, &json!({ "slot_id": first["id"] })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let booked: Value = res.json().await.unwrap();
    // Control: while the visit is ahead, a second one of the specialty is refused.
    let (status, code, _) = error_code(app.post_auth("/api/v1/appointments", &patient, &json!({ "slot_id": second["id"] })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "already_booked_specialty"));

    // The visit is over (test arrangement: its slot moved into the past),
    // and nobody marked it arrived, fulfilled or absent.
    let slot_id: uuid::Uuid = s(&booked, "slot_id").parse().unwrap();
    let mut row: slot::ActiveModel = slot::Entity::find_by_id(slot_id).one(app.domain.db()).await.unwrap().unwrap().into();
    row.starts_at = Set(Utc::now() - Duration::hours(3));
    row.ends_at = Set(Utc::now() - Duration::hours(2) - Duration::minutes(40));
    row.update(app.domain.db()).await.unwrap();
    let res = app.post_auth("/api/v1/appointments", &patient, &json!({ "slot_id": second["id"] })).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let past = appointment::Entity::find_by_id(s(&booked, "id").parse::<uuid::Uuid>().unwrap()).one(app.domain.db()).await.unwrap().unwrap();
    assert_eq!(
        (past.status, past.subject_id),
        (shared::AppointmentStatus::Booked, Some(shared::PersonId(patient_id))),
        "no automatic no-show: the desk reviews the day"
    );
}

#[tokio::test]
async fn dependants_are_minors_capped_per_account_and_their_record_opens_to_the_guardian_once_the_desk_verified_them() {
    let app = spawn_app_with(|c| c.identity.max_dependants = 2).await;
    let c = clinic_with_slots(&app).await;
    let alice = s(&app.citizen_tokens().await, "access_token");
    let child = |nin: String, born: &'static str| json!({ "given_name": "Yacine", "family_name": "Benali", "birth_date": born, "sex": "male", "nin": nin, "relation": "child" });
    // An adult (19 or over) is not added on someone else's word.
    let (adult_nin, _) = unique_ids();
    let (status, _, body) = error_code(app.post_auth("/api/v1/me/dependants", &alice, &child(adult_nin, "1990-01-01")).await).await;
    assert_eq!((status, body["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("adult_needs_consent")), "{body}");
    // Two minors, then the cap.
    let (nin1, _) = unique_ids();
    let res = app.post_auth("/api/v1/me/dependants", &alice, &child(nin1.clone(), "2018-03-01")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let kid = s(&res.json::<Value>().await.unwrap(), "id");
    let (nin2, _) = unique_ids();
    assert_eq!(app.post_auth("/api/v1/me/dependants", &alice, &child(nin2, "2020-03-01")).await.status(), StatusCode::CREATED);
    let (nin3, _) = unique_ids();
    let (status, code, _) = error_code(app.post_auth("/api/v1/me/dependants", &alice, &child(nin3, "2021-03-01")).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "too_many_dependants"));

    // A practitioner writes in the child's record; the guardian, whose
    // link to the child is not verified yet, cannot read it…
    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    let res = app.post_auth("/api/v1/record/lookup", &doctor, &json!({ "nin": nin1, "reason": "Fièvre, sans rendez-vous" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res =
        app.post_auth(&format!("/api/v1/record/{kid}/entries"), &doctor, &json!({ "kind": "allergy", "substance": "Pénicilline", "severity": "severe" })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let entry = s(&res.json::<Value>().await.unwrap(), "id");
    let mine: Vec<Value> = items(app.get_auth("/api/v1/me/record", &alice).await).await;
    assert!(mine.is_empty(), "{mine:?}");
    assert_eq!(app.get_auth(&format!("/api/v1/record/entries/{entry}"), &alice).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get_auth(&format!("/api/v1/me/record/fhir?subject_id={kid}"), &alice).await.status(), StatusCode::NOT_FOUND);
    // …but may book for the child, and the desk of that polyclinic then
    // verifies the link: the record opens.
    let slot = free_slots(&app, &c, 3).await.into_iter().find(|s| s["facility_id"] == c.facility_id.as_str()).expect("a slot at the clinic");
    let res = app.post_auth("/api/v1/appointments", &alice, &json!({ "slot_id": slot["id"], "dependant_id": kid })).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    assert_eq!(app.post_auth(&format!("/api/v1/desk/dependants/{kid}/verify"), &c.receptionist, &json!({})).await.status(), StatusCode::OK);
    let mine: Vec<Value> = items(app.get_auth("/api/v1/me/record", &alice).await).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(app.get_auth(&format!("/api/v1/record/entries/{entry}"), &alice).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn registering_with_a_dependants_nin_creates_no_second_person_and_sends_the_claim_to_the_desk() {
    let app = spawn_app().await;
    let guardian = s(&app.citizen_tokens().await, "access_token");
    let (nin, phone) = unique_ids();
    let res = app
        .post_auth(
            "/api/v1/me/dependants",
            &guardian,
            &json!({ "given_name": "Rania", "family_name": "Benali", "birth_date": "2012-02-02", "sex": "female", "nin": nin, "relation": "child" }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body = json!({ "nin": nin, "given_name": "Rania", "family_name": "Benali", "birth_date": "2012-02-02", "sex": "female", "phone": phone, "password": PASSWORD, "lang": "fr" });
    let res = app.client.post(app.url("/api/v1/auth/register")).header("accept-language", "fr").json(&body).send().await.unwrap();
    let (status, code, err) = error_code(res).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "nin_claim_at_desk"), "{err}");
    assert_eq!(err["fields"][0]["field"], "nin");
    assert!(err["fields"][0]["message"].as_str().unwrap().contains("guichet"), "translated: {err}");
    use domain::entities::user;
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    assert_eq!(user::Entity::find().filter(user::Column::Nin.eq(nin.as_str())).count(app.domain.db()).await.unwrap(), 0, "no second person");
    // Positive control: the same form with a NIN nobody holds registers.
    let (fresh, _) = unique_ids();
    let res = app.post("/api/v1/auth/register", &json!({ "nin": fresh, "given_name": "Rania", "family_name": "Benali", "birth_date": "2001-02-02", "sex": "female", "phone": phone, "password": PASSWORD, "lang": "fr" })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn one_nin_raced_by_registrations_and_a_guardian_names_one_person() {
    use domain::entities::{dependant, person, user};
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    let app = spawn_app().await;
    let guardian = s(&app.citizen_tokens().await, "access_token");
    for _ in 0..6 {
        // Two people register with one NIN while a guardian adds it as a
        // child's: all three at once.
        let (nin, _) = unique_ids();
        let register = |phone: String| {
            let body = json!({ "nin": nin, "given_name": "Rania", "family_name": "Benali", "birth_date": "2001-02-02", "sex": "female", "phone": phone, "password": PASSWORD, "lang": "fr" });
            let app = &app;
            async move { app.post("/api/v1/auth/register", &body).await.status() }
        };
        let child = json!({ "given_name": "Rania", "family_name": "Benali", "birth_date": "2012-02-02", "sex": "female", "nin": nin, "relation": "child" });
        let (a, b, c) = tokio::join!(register(unique_ids().1), register(unique_ids().1), async {
            app.post_auth("/api/v1/me/dependants", &guardian, &child).await.status()
        });
        let created = [a, b, c].iter().filter(|s| **s == StatusCode::CREATED).count();
        assert_eq!(created, 1, "exactly one of {a} {b} {c}");
        assert!([a, b, c].iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{a} {b} {c}");
        let db = app.domain.db();
        let people = person::Entity::find().filter(person::Column::Nin.eq(nin.as_str())).count(db).await.unwrap();
        let accounts = user::Entity::find().filter(user::Column::Nin.eq(nin.as_str())).count(db).await.unwrap();
        let dependants = dependant::Entity::find().filter(dependant::Column::Nin.eq(nin.as_str())).count(db).await.unwrap();
        assert_eq!((people, accounts + dependants), (1, 1), "one person, one row");
    }
    // Positive control: a NIN nobody holds is added as a child's.
    let (fresh, _) = unique_ids();
    let child = json!({ "given_name": "Ilyes", "family_name": "Benali", "birth_date": "2014-02-02", "sex": "male", "nin": fresh, "relation": "child" });
    assert_eq!(app.post_auth("/api/v1/me/dependants", &guardian, &child).await.status(), StatusCode::CREATED);
}
