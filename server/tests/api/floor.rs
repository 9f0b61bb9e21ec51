//! The floor through the API: the desk marks arrivals, the practitioner
//! calls the queue in the rule's order, the patient sees their place; and
//! two calls at the same moment never call one patient.

use crate::booking::{clinic_with_slots, Clinic};
use crate::helpers::*;
use chrono::{DateTime, Duration, Utc};
use domain::entities::{practitioner, visit};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use shared::{FacilityId, PersonId, PractitionerId, Role, SpecialtyId, UserId, VisitId, VisitStatus};

/// The clinic's practitioner's free slots of its first bookable day, and
/// one slot of a later day.
/// A demo staff member's bearer token.
async fn staff(app: &TestApp, phone: &str) -> String {
    s(&app.token(phone, domain::seed::DEMO_PASSWORD).await, "access_token")
}

/// The clinic's facility and its practitioner's specialty (the
/// practitioner linked to the demo doctor's account).
async fn service(app: &TestApp, clinic: &Clinic) -> (FacilityId, SpecialtyId) {
    link_demo_practitioner(app, &clinic.practitioner_id).await;
    let facility = clinic.facility_id.parse().unwrap();
    let first: PractitionerId = clinic.practitioner_id.parse().unwrap();
    let specialty = practitioner::Entity::find_by_id(first).one(app.domain.db()).await.unwrap().unwrap().specialty_id;
    (facility, specialty)
}

async fn one_day(app: &TestApp, c: &Clinic) -> (Vec<Value>, Value) {
    let from = (Utc::now() + Duration::days(3)).date_naive();
    let slots = c.free_slots(app, from, from + Duration::days(40)).await;
    let day = |v: &Value| shared::time::algiers_date(starts(v));
    let first = day(&slots[0]);
    let later = slots.iter().find(|v| day(v) != first).expect("a slot on another day").clone();
    (slots.into_iter().filter(|v| day(v) == first).take(3).collect(), later)
}

fn starts(v: &Value) -> DateTime<Utc> {
    v["starts_at"].as_str().unwrap().parse().unwrap()
}

/// A new citizen booked on `slot`: (phone, appointment id).
async fn booked(app: &TestApp, slot: &Value) -> (String, String) {
    let (phone, _) = app.register_citizen().await;
    let token = s(&app.token(&phone, PASSWORD).await, "access_token");
    let res = app.post_auth("/api/v1/appointments", &token, &json!({ "slot_id": slot["id"], "reason": "" })).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    (phone, s(&res.json::<Value>().await.unwrap(), "id"))
}

async fn arrive(app: &TestApp, desk: &str, appointment: &str, priority: &str) -> reqwest::Response {
    app.post_auth(&format!("/api/v1/desk/appointments/{appointment}/arrival"), desk, &json!({ "priority": priority })).await
}

fn tickets(q: &Value, list: &str) -> Vec<String> {
    q[list].as_array().unwrap().iter().map(|v| s(v, "ticket")).collect()
}

#[tokio::test]
async fn the_desk_marks_arrivals_the_practitioner_calls_in_order_and_the_patient_sees_their_place() {
    let app = spawn_app().await;
    let clinic = clinic_with_slots(&app).await;
    let (day, later) = one_day(&app, &clinic).await;
    let mut patients = Vec::new();
    for slot in &day {
        patients.push(booked(&app, slot).await);
    }
    let (_, not_today) = booked(&app, &later).await;
    link_demo_practitioner(&app, &clinic.practitioner_id).await;
    // The afternoon of the appointments, half an hour before the first.
    app.domain.clock().advance(starts(&day[0]) - Utc::now() - Duration::minutes(30));
    let desk = staff(&app, "0550000002").await;
    let doctor = staff(&app, "0550000003").await;
    let mut citizens = Vec::new();
    for (phone, _) in &patients {
        citizens.push(s(&app.token(phone, PASSWORD).await, "access_token"));
    }
    let (a1, a2, a3) = (&patients[0].1, &patients[1].1, &patients[2].1);

    // Refusals, each beside what goes through.
    assert_eq!(arrive(&app, &citizens[0], a1, "").await.status(), StatusCode::FORBIDDEN);
    let (status, code, _) = error_code(arrive(&app, &desk, &not_today, "").await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "not_today"));
    let (status, code, body) = error_code(arrive(&app, &desk, a1, "vip").await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    assert_eq!((&body["fields"][0]["field"], &body["fields"][0]["code"]), (&json!("priority"), &json!("priority_invalid")), "{body}");
    assert_eq!(app.get_auth(&format!("/api/v1/appointments/{a1}/queue"), &citizens[0]).await.status(), StatusCode::CONFLICT, "not arrived yet");

    // Arrivals: the first, twice (the same visit), then the third before the second.
    let v1: Value = arrive(&app, &desk, a1, "").await.json().await.unwrap();
    let again: Value = arrive(&app, &desk, a1, "").await.json().await.unwrap();
    assert_eq!(v1["id"], again["id"], "a second arrival is the first");
    let ticket = s(&v1, "ticket");
    assert!(ticket.len() == 5 && ticket.as_bytes()[1] == b'-' && ticket[2..].chars().all(|c| c.is_ascii_digit()), "{ticket}");
    let v3: Value = arrive(&app, &desk, a3, "").await.json().await.unwrap();
    let v2: Value = arrive(&app, &desk, a2, "").await.json().await.unwrap();
    assert_eq!((&ticket[2..], &s(&v3, "ticket")[2..], &s(&v2, "ticket")[2..]), ("001", "002", "003"), "numbers of the day, in arrival order");

    // Booked patients go by appointment time, not by arrival.
    let q: Value = app.get_auth("/api/v1/desk/queue", &desk).await.json().await.unwrap();
    assert_eq!(tickets(&q, "waiting"), vec![s(&v1, "ticket"), s(&v2, "ticket"), s(&v3, "ticket")]);
    assert_eq!(q["waiting"][1]["reason"], "early", "half an hour before: early for their time");
    let p2: Value = app.get_auth(&format!("/api/v1/appointments/{a2}/queue"), &citizens[1]).await.json().await.unwrap();
    assert_eq!((p2["ahead"].as_u64(), p2["status"].as_str()), (Some(1), Some("waiting")));
    assert_eq!(p2["estimate_minutes"].as_u64(), Some(15), "one patient before, no consultation timed yet: the default");
    // Someone else's appointment: not found, never their place.
    assert_eq!(app.get_auth(&format!("/api/v1/appointments/{a2}/queue"), &citizens[0]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get_auth("/api/v1/practitioner/queue", &desk).await.status(), StatusCode::FORBIDDEN);

    // The practitioner calls: a room is needed.
    let (status, code, body) = error_code(app.post_auth("/api/v1/practitioner/queue/call", &doctor, &json!({ "room": " " })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    assert_eq!((&body["fields"][0]["field"], &body["fields"][0]["code"]), (&json!("room"), &json!("required")), "{body}");
    let res = app.post_auth("/api/v1/practitioner/queue/call", &doctor, &json!({ "room": "12" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let called: Value = res.json().await.unwrap();
    assert_eq!((called["id"].clone(), called["status"].as_str(), called["room"].as_str()), (v1["id"].clone(), Some("called"), Some("12")));
    let p1: Value = app.get_auth(&format!("/api/v1/appointments/{a1}/queue"), &citizens[0]).await.json().await.unwrap();
    assert_eq!((p1["status"].as_str(), p1["room"].as_str()), (Some("called"), Some("12")));
    // The one now first is told they are next (in the app and by SMS), and only they.
    let told = |visit: &Value| {
        let (app, id) = (&app, s(visit, "id").parse::<VisitId>().unwrap());
        async move {
            use domain::entities::outbox;
            let mut rows: Vec<String> = outbox::Entity::find()
                .filter(outbox::Column::Kind.eq(shared::MessageKind::Next))
                .filter(outbox::Column::SubjectId.eq(id.as_uuid()))
                .all(app.domain.db())
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.channel.code().to_owned())
                .collect();
            rows.sort();
            rows
        }
    };
    assert_eq!(told(&v2).await, vec!["inapp", "sms"]);
    assert!(told(&v3).await.is_empty() && told(&v1).await.is_empty());

    // They do not come: back in the queue once, behind those whose time has come.
    app.domain.clock().advance(starts(&day[2]) - app.domain.clock().now());
    let id1 = s(&v1, "id");
    let back: Value = app.post_auth(&format!("/api/v1/practitioner/visits/{id1}/absent"), &doctor, &json!({})).await.json().await.unwrap();
    assert_eq!((back["status"].as_str(), back["reason"].as_str()), (Some("waiting"), Some("back_after_absence")));
    let q: Value = app.get_auth("/api/v1/practitioner/queue", &doctor).await.json().await.unwrap();
    assert_eq!(tickets(&q, "waiting"), vec![s(&v2, "ticket"), s(&v3, "ticket"), s(&v1, "ticket")]);

    // The second patient: called, in consultation, done.
    let c2: Value = app.post_auth("/api/v1/practitioner/queue/call", &doctor, &json!({ "room": "12" })).await.json().await.unwrap();
    assert_eq!(c2["id"], v2["id"]);
    let id2 = s(&v2, "id");
    let (status, code, _) = error_code(app.post_auth(&format!("/api/v1/practitioner/visits/{id2}/absent"), &desk, &json!({})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"), "only practitioners move a patient along");
    let started: Value = app.post_auth(&format!("/api/v1/practitioner/visits/{id2}/start"), &doctor, &json!({})).await.json().await.unwrap();
    assert_eq!(started["status"], "in_consultation");
    let (status, code, _) = error_code(app.post_auth(&format!("/api/v1/practitioner/visits/{id2}/start"), &doctor, &json!({})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "visit_state_changed"), "started once");
    app.domain.clock().advance(Duration::minutes(9));
    let done: Value = app.post_auth(&format!("/api/v1/practitioner/visits/{id2}/done"), &doctor, &json!({})).await.json().await.unwrap();
    assert_eq!(done["status"], "done");

    // The estimate now reads that consultation (9 minutes) for the one waiting behind the next.
    let c3: Value = app.post_auth("/api/v1/practitioner/queue/call", &doctor, &json!({ "room": "12" })).await.json().await.unwrap();
    assert_eq!(c3["id"], v3["id"]);
    let p1: Value = app.get_auth(&format!("/api/v1/appointments/{a1}/queue"), &citizens[0]).await.json().await.unwrap();
    assert_eq!((p1["ahead"].as_u64(), p1["estimate_minutes"].as_u64()), (Some(0), Some(0)), "next: nobody before");
    // Called again and absent again: out of the queue, for the day's review.
    let c1: Value = app.post_auth("/api/v1/practitioner/queue/call", &doctor, &json!({ "room": "12" })).await.json().await.unwrap();
    assert_eq!(c1["id"], v1["id"]);
    let gone: Value = app.post_auth(&format!("/api/v1/practitioner/visits/{id1}/absent"), &doctor, &json!({})).await.json().await.unwrap();
    assert_eq!(gone["status"], "absent");
    let (status, code, _) = error_code(app.post_auth("/api/v1/practitioner/queue/call", &doctor, &json!({ "room": "12" })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "queue_empty"));

    let q: Value = app.get_auth("/api/v1/desk/queue", &desk).await.json().await.unwrap();
    assert!(tickets(&q, "waiting").is_empty());
    assert_eq!(tickets(&q, "with_practitioner"), vec![s(&v3, "ticket")]);
    let mut seen = tickets(&q, "seen");
    seen.sort();
    assert_eq!(seen, {
        let mut t = vec![s(&v1, "ticket"), s(&v2, "ticket")];
        t.sort();
        t
    });
    // The times of the day are kept for the figures.
    let row = visit::Entity::find_by_id(id2.parse::<VisitId>().unwrap()).one(app.domain.db()).await.unwrap().unwrap();
    assert!(row.called_at.is_some() && row.started_at.is_some() && row.ended_at.is_some());
    assert_eq!((row.ended_at.unwrap() - row.started_at.unwrap()).num_minutes(), 9);
}

/// Waiting visits put straight into today's queue (the arrivals' own path
/// is the test above): `n` of them, in the practitioner's queue or, with
/// None, in the service's.
async fn waiting(app: &TestApp, facility: FacilityId, specialty: SpecialtyId, practitioner: Option<PractitionerId>, n: usize, from: i32) -> Vec<VisitId> {
    let now = app.domain.clock().now();
    let mut ids = Vec::new();
    for i in 0..n {
        let id = VisitId(uuid::Uuid::new_v4());
        visit::ActiveModel {
            id: Set(id),
            facility_id: Set(facility),
            day: Set(app.domain.today()),
            specialty_id: Set(specialty),
            practitioner_id: Set(practitioner),
            person_id: Set(PersonId(uuid::Uuid::new_v4())),
            account_id: Set(None),
            appointment_id: Set(None),
            ticket: Set(format!("T-{:03}", from + i as i32)),
            urgent: Set(false),
            priority: Set(None),
            status: Set(VisitStatus::Waiting),
            arrived_at: Set(now + Duration::seconds(i as i64)),
            requeued_at: Set(None),
            called_at: Set(None),
            called_by: Set(None),
            room: Set(None),
            started_at: Set(None),
            ended_at: Set(None),
            created_by: Set(UserId(uuid::Uuid::new_v4())),
            updated_at: Set(now),
        }
        .insert(app.domain.db())
        .await
        .unwrap();
        ids.push(id);
    }
    ids
}

/// A colleague of the same service at the same facility: (token, profile).
async fn colleague(app: &TestApp, facility: FacilityId, specialty: SpecialtyId, phone: &str) -> (String, PractitionerId) {
    let token = new_staff(app, facility, Role::Practitioner, phone).await;
    let user = app.get_auth("/api/v1/me", &token).await.json::<Value>().await.unwrap();
    let profile = PractitionerId(uuid::Uuid::new_v4());
    let model = practitioner::ActiveModel {
        id: Set(profile),
        user_id: Set(Some(s(&user, "id").parse().unwrap())),
        given_name: Set("Nadia".into()),
        family_name: Set("Saadi".into()),
        specialty_id: Set(specialty),
        created_at: Set(Utc::now()),
    }
    .insert(app.domain.db())
    .await
    .unwrap();
    domain::network::join_facility(app.domain.db(), &model, facility).await.unwrap();
    (token, profile)
}

#[tokio::test]
async fn a_walk_in_is_received_by_nin_seen_by_the_practitioner_who_calls_and_keeps_one_record_when_registering() {
    let app = spawn_app().await;
    let clinic = clinic_with_slots(&app).await;
    let (facility, specialty) = service(&app, &clinic).await;
    let (other_doctor, _) = colleague(&app, facility, specialty, "0661777222").await;
    let desk = staff(&app, "0550000002").await;
    let doctor = staff(&app, "0550000003").await;
    let (nin, phone) = unique_ids();
    let walk_in = |token: String, body: Value| {
        let app = &app;
        async move { app.post_auth("/api/v1/desk/walk-ins", &token, &body).await }
    };
    let field_error = |body: &Value| (s(&body["fields"][0], "field"), s(&body["fields"][0], "code"));

    // Unknown to Sihati: the desk is asked for the identity card.
    let (status, _, body) = error_code(walk_in(desk.clone(), json!({ "nin": nin, "specialty": clinic.specialty })).await).await;
    assert_eq!((status, field_error(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("nin".into(), "nin_unknown".into())));
    let card = json!({ "nin": nin, "specialty": clinic.specialty, "given_name": "Karim", "family_name": "Ould Ali", "birth_date": "1950-02-01",
                       "sex": "male", "phone": phone });
    let mut elsewhere = card.clone();
    elsewhere["specialty"] = json!("nope");
    let (status, _, body) = error_code(walk_in(desk.clone(), elsewhere).await).await;
    assert_eq!((status, field_error(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("specialty".into(), "not_found".into())));
    let citizen = s(&app.citizen_tokens().await, "access_token");
    assert_eq!(walk_in(citizen, card.clone()).await.status(), StatusCode::FORBIDDEN, "only a desk receives");
    let res = walk_in(desk.clone(), card.clone()).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let v: Value = res.json().await.unwrap();
    assert_eq!((v["status"].as_str(), v["patient_name"].as_str(), v["reason"].as_str()), (Some("waiting"), Some("Karim Ould Ali"), Some("priority")));
    assert_eq!(v["priority"], "elderly", "born in 1950: the elderly group from the card");
    assert!(v["patient_id"].is_null(), "the desk's view carries no person id");
    let (status, code, _) = error_code(walk_in(desk.clone(), card.clone()).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "already_in_queue"));

    // The practitioner who calls them writes the consultation; a colleague who did not call cannot.
    let called: Value = app.post_auth("/api/v1/practitioner/queue/call", &doctor, &json!({ "room": "4" })).await.json().await.unwrap();
    assert_eq!(called["id"], v["id"]);
    let person = s(&called, "patient_id");
    let entry = json!({ "kind": "consultation", "reason": "Douleur thoracique", "diagnosis_code": "R07.4", "diagnosis_text": "Douleur" });
    let res = app.post_auth(&format!("/api/v1/record/{person}/entries"), &other_doctor, &entry).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "not in the colleague's care");
    let res = app.post_auth(&format!("/api/v1/record/{person}/entries"), &doctor, &entry).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let patients: Vec<Value> = items(app.get_auth("/api/v1/record/patients", &doctor).await).await;
    assert!(patients.iter().any(|p| p["subject_id"] == person.as_str() && p["via"] == "visit"), "{patients:?}");

    // They register: another phone is refused (the desk recorded one on
    // seeing the card); the one the desk recorded gets the same person and record.
    let register = |phone: &str| {
        json!({ "nin": nin, "given_name": "Karim", "family_name": "Ould Ali", "birth_date": "1950-02-01", "sex": "male", "phone": phone,
                "password": PASSWORD, "lang": "fr" })
    };
    let (_, other_phone) = unique_ids();
    let (status, _, body) = error_code(app.post("/api/v1/auth/register", &register(&other_phone)).await).await;
    assert_eq!((status, field_error(&body)), (StatusCode::CONFLICT, ("nin".into(), "nin_seen_at_desk".into())));
    let res = app.post("/api/v1/auth/register", &register(&phone)).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let account: Value = res.json().await.unwrap();
    assert_eq!(s(&account, "id"), person, "the account is the walk-in's person");
    let people = domain::entities::person::Entity::find().filter(domain::entities::person::Column::Nin.eq(nin.as_str())).all(app.domain.db()).await.unwrap();
    assert_eq!(people.len(), 1, "one person per NIN");
    let token = s(&app.token(&phone, PASSWORD).await, "access_token");
    let code = app.code_of(&person, "phone").await;
    assert_eq!(app.post_auth("/api/v1/me/phone/verify", &token, &json!({ "code": code })).await.status(), StatusCode::OK);
    let record: Vec<Value> = items(app.get_auth("/api/v1/me/record", &token).await).await;
    assert_eq!(record.iter().map(|e| s(e, "kind")).collect::<Vec<_>>(), vec!["consultation"], "the record written before they registered");
    // Received again, now as an account holder: found by NIN, no card needed.
    app.domain.clock().advance(Duration::days(1));
    let desk = staff(&app, "0550000002").await;
    let again: Value = walk_in(desk, json!({ "nin": nin, "specialty": clinic.specialty })).await.json().await.unwrap();
    assert_eq!(again["patient_name"], "Karim Ould Ali");
    // Their phone shows their place without an appointment; nobody else's does.
    let token = s(&app.token(&phone, PASSWORD).await, "access_token");
    let places: Vec<Value> = items(app.get_auth("/api/v1/me/queue", &token).await).await;
    assert_eq!(places.iter().map(|p| s(p, "ticket")).collect::<Vec<_>>(), vec![s(&again, "ticket")]);
    assert!(places[0]["appointment_id"].is_null() && places[0]["status"] == "waiting");
    let stranger = s(&app.citizen_tokens().await, "access_token");
    let none: Vec<Value> = items(app.get_auth("/api/v1/me/queue", &stranger).await).await;
    assert!(none.is_empty());
}

/// The code the screen's QR code holds now.
fn screen_code(app: &TestApp, facility: FacilityId) -> String {
    app.domain.floor.check_in_url(facility).rsplit('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_citizen_checks_in_with_the_screens_code_of_the_minute_and_an_older_code_is_refused() {
    let app = spawn_app().await;
    let clinic = clinic_with_slots(&app).await;
    let (day, _) = one_day(&app, &clinic).await;
    let (phone1, a1) = booked(&app, &day[0]).await;
    let (phone2, _) = booked(&app, &day[1]).await;
    app.domain.clock().advance(starts(&day[0]) - Utc::now() - Duration::minutes(20));
    let facility: FacilityId = clinic.facility_id.parse().unwrap();
    let first = s(&app.token(&phone1, PASSWORD).await, "access_token");
    let second = s(&app.token(&phone2, PASSWORD).await, "access_token");
    let desk = staff(&app, "0550000002").await;
    let check_in = |token: String, code: String| {
        let app = &app;
        async move { app.post_auth("/api/v1/checkin", &token, &json!({ "code": code })).await }
    };

    // A code shown three minutes ago: refused, nothing recorded.
    let stale = screen_code(&app, facility);
    app.domain.clock().advance(Duration::minutes(3));
    let (status, code, _) = error_code(check_in(second.clone(), stale).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "checkin_expired"));
    let q: Value = app.get_auth("/api/v1/desk/queue", &desk).await.json().await.unwrap();
    assert!(tickets(&q, "waiting").is_empty());
    // A forged one, and one for staff: refused too.
    let mut forged = screen_code(&app, facility);
    forged.replace_range(0..1, if forged.starts_with('A') { "B" } else { "A" });
    assert_eq!(check_in(first.clone(), forged).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(check_in(desk.clone(), screen_code(&app, facility)).await.status(), StatusCode::FORBIDDEN);
    // Somebody with no appointment here today.
    let (stranger_phone, _) = app.register_citizen().await;
    let stranger = s(&app.token(&stranger_phone, PASSWORD).await, "access_token");
    let (status, code, _) = error_code(check_in(stranger, screen_code(&app, facility)).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "no_appointment_today"));

    // The code of this minute checks each of them in, a minute later still.
    let now_code = screen_code(&app, facility);
    let res = check_in(first.clone(), now_code.clone()).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let mine: Vec<Value> = res.json().await.unwrap();
    assert_eq!((mine.len(), mine[0]["status"].as_str()), (1, Some("waiting")));
    app.domain.clock().advance(Duration::seconds(60));
    let theirs: Vec<Value> = check_in(second, now_code).await.json().await.unwrap();
    assert_eq!(theirs.len(), 1, "a code scanned as it changed still counts");
    let again: Vec<Value> = check_in(first.clone(), screen_code(&app, facility)).await.json().await.unwrap();
    assert_eq!(again[0]["id"], mine[0]["id"], "twice: the same visit");
    let q: Value = app.get_auth("/api/v1/desk/queue", &desk).await.json().await.unwrap();
    assert_eq!(tickets(&q, "waiting"), vec![s(&mine[0], "ticket"), s(&theirs[0], "ticket")]);
    let place: Value = app.get_auth(&format!("/api/v1/appointments/{a1}/queue"), &first).await.json().await.unwrap();
    assert_eq!(place["ticket"], mine[0]["ticket"]);
}

#[tokio::test]
async fn the_desk_scans_the_appointments_qr_code_and_the_pass_says_what_to_bring() {
    let app = spawn_app().await;
    let clinic = clinic_with_slots(&app).await;
    let (day, _) = one_day(&app, &clinic).await;
    let (phone, appointment) = booked(&app, &day[0]).await;
    service(&app, &clinic).await;
    let citizen = s(&app.token(&phone, PASSWORD).await, "access_token");
    let desk = staff(&app, "0550000002").await;
    let admin = staff(&app, "0550000004").await;
    let directorate = staff(&app, "0550000005").await;
    let pass_path = format!("/api/v1/appointments/{appointment}/pass");

    // The citizen's pass: a QR code for the desk and the two cards to bring.
    let res = app.get_auth(&pass_path, &citizen).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let pass: Value = res.json().await.unwrap();
    let code = s(&pass, "arrival_code");
    assert!(code.contains("/floor?scan=") && s(&pass, "arrival_qr").starts_with("data:image/svg+xml;base64,"), "{pass}");
    // The code holds the appointment's id, what it is for, until when, and its tag: nothing about the patient.
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(code.rsplit('=').next().unwrap()).unwrap();
    assert_eq!(raw.len(), 37);
    assert_eq!(uuid::Uuid::from_slice(&raw[..16]).unwrap().to_string(), appointment);
    let codes = |p: &Value| p["instructions"]["items"].as_array().unwrap().iter().map(|i| i.as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(&codes(&pass)[..2], ["id_card", "chifa_card"]);
    assert!(!codes(&pass).contains(&"fasting".to_owned()));
    // Nobody else's.
    let (other_phone, _) = app.register_citizen().await;
    let other = s(&app.token(&other_phone, PASSWORD).await, "access_token");
    assert_eq!(app.get_auth(&pass_path, &other).await.status(), StatusCode::NOT_FOUND);

    // The polyclinic's admin asks for fasting and a note; the desk may not;
    // the directorate sets the network's rule for one specialty only.
    let rule = json!({ "fasting": true, "note_fr": "Présentez-vous 15 minutes avant.", "note_ar": "احضروا قبل 15 دقيقة." });
    assert_eq!(app.put_auth("/api/v1/admin/instructions", &desk, &rule).await.status(), StatusCode::FORBIDDEN);
    let res = app.put_auth("/api/v1/admin/instructions", &admin, &rule).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT, "{}", res.text().await.unwrap());
    let (status, _, body) = error_code(app.put_auth("/api/v1/admin/instructions", &directorate, &rule).await).await;
    assert_eq!((status, body["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("specialty")), "{body}");
    let network = json!({ "specialty": clinic.specialty, "previous_results": true, "note_en": "Bring your ECGs." });
    assert_eq!(app.put_auth("/api/v1/admin/instructions", &directorate, &network).await.status(), StatusCode::NO_CONTENT);
    let too_long = json!({ "note_fr": "x".repeat(501) });
    assert_eq!(app.put_auth("/api/v1/admin/instructions", &admin, &too_long).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let rules: Vec<Value> = items(app.get_auth("/api/v1/admin/instructions", &admin).await).await;
    assert_eq!((rules.len(), rules[0]["fasting"].as_bool()), (1, Some(true)), "the admin sees their polyclinic's rule only: {rules:?}");
    let pass: Value = app.get_auth(&pass_path, &citizen).await.json().await.unwrap();
    assert!(codes(&pass).contains(&"fasting".to_owned()) && codes(&pass).contains(&"previous_results".to_owned()), "{pass}");
    let notes = pass["instructions"]["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 2, "the network's note, then the polyclinic's: {notes:?}");
    assert_eq!((notes[0]["en"].as_str(), notes[1]["fr"].as_str()), (Some("Bring your ECGs."), Some("Présentez-vous 15 minutes avant.")));

    // Scanned before its day: not yet. A forged code, a message's link, a citizen: refused.
    let scan = |token: &str, code: &str| {
        let (app, token, body) = (&app, token.to_owned(), json!({ "code": code }));
        async move { app.post_auth("/api/v1/desk/arrivals/scan", &token, &body).await }
    };
    let (status, err, _) = error_code(scan(&desk, &code).await).await;
    assert_eq!((status, err.as_str()), (StatusCode::CONFLICT, "not_today"));
    app.domain.clock().advance(starts(&day[0]) - Utc::now() - Duration::minutes(30));
    // (Signed in again: days later, the tokens have expired.)
    let desk = staff(&app, "0550000002").await;
    let citizen = s(&app.token(&phone, PASSWORD).await, "access_token");
    let mut forged = code.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let (status, err, _) = error_code(scan(&desk, &forged).await).await;
    assert_eq!((status, err.as_str()), (StatusCode::NOT_FOUND, "link_invalid"));
    let (view_link, _) = app.domain.core().appointment_link_tokens(appointment.parse().unwrap(), starts(&day[0]));
    assert_eq!(error_code(scan(&desk, &view_link).await).await.1, "link_invalid");
    assert_eq!(scan(&citizen, &code).await.status(), StatusCode::FORBIDDEN);
    let elsewhere = crate::schedule::other_desk(&app, &clinic).await;
    assert_eq!(scan(&elsewhere, &code).await.status(), StatusCode::NOT_FOUND, "another polyclinic's desk");

    // The desk scans it (the whole address, as a scanner types it): arrived, with a ticket; twice, the same visit.
    let res = scan(&desk, &format!("  {code}\n")).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let v: Value = res.json().await.unwrap();
    assert_eq!((v["appointment_id"].as_str(), v["status"].as_str()), (Some(appointment.as_str()), Some("waiting")));
    let again: Value = scan(&desk, code.rsplit('=').next().unwrap()).await.json().await.unwrap();
    assert_eq!(again["id"], v["id"], "the code alone works too; the same visit");
    let place: Value = app.get_auth(&format!("/api/v1/appointments/{appointment}/queue"), &citizen).await.json().await.unwrap();
    assert_eq!(place["ticket"], v["ticket"]);
}

#[tokio::test]
async fn the_desk_is_told_of_bookings_and_cancellations_for_today_and_tomorrow_as_they_happen() {
    use domain::entities::outbox;
    let app = spawn_app().await;
    let clinic = clinic_with_slots(&app).await;
    let (day, later) = one_day(&app, &clinic).await;
    // The day before the first one, early: bookings for it are for tomorrow.
    app.domain.clock().advance(starts(&day[0]) - Utc::now() - Duration::hours(26));
    let desk = staff(&app, "0550000002").await;
    let (phone, soon) = booked(&app, &day[0]).await;
    let (_, far) = booked(&app, &later).await;
    assert!(shared::time::algiers_date(starts(&later)) > app.domain.today() + Duration::days(1), "the other booking is after tomorrow");
    let citizen = s(&app.token(&phone, PASSWORD).await, "access_token");
    let res = app.post_auth(&format!("/api/v1/appointments/{soon}/cancel"), &citizen, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());

    // In the desk's inbox: the booking for tomorrow, then its cancellation.
    let mut kinds = Vec::new();
    for _ in 0..100 {
        let inbox: Value = app.get_auth("/api/v1/inbox", &desk).await.json().await.unwrap();
        kinds = inbox["items"].as_array().unwrap().iter().map(|i| (s(i, "kind"), i["appointment_id"].as_str().unwrap_or_default().to_owned())).collect();
        if kinds.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    kinds.sort();
    assert_eq!(kinds, vec![("desk_booked".to_owned(), soon.clone()), ("desk_cancelled".to_owned(), soon.clone())]);
    // Nothing about the booking after tomorrow, for anyone.
    let about_far = outbox::Entity::find()
        .filter(outbox::Column::AppointmentId.eq(far.parse::<uuid::Uuid>().unwrap()))
        .filter(outbox::Column::Kind.is_in([shared::MessageKind::DeskBooked, shared::MessageKind::DeskCancelled]))
        .all(app.domain.db())
        .await
        .unwrap();
    assert!(about_far.is_empty(), "{about_far:?}");
    // The day list marks the new booking.
    let date = shared::time::algiers_date(starts(&later));
    let list: Vec<Value> = items(app.get_auth(&format!("/api/v1/desk/day?date={date}&limit=200"), &desk).await).await;
    let row = list.iter().find(|r| r["appointment_id"].as_str() == Some(far.as_str())).expect("the booking in the day list");
    assert_eq!(row["new"], true);
    app.domain.clock().advance(Duration::hours(3));
    let desk = staff(&app, "0550000002").await;
    let list: Vec<Value> = items(app.get_auth(&format!("/api/v1/desk/day?date={date}&limit=200"), &desk).await).await;
    assert_eq!(list.iter().find(|r| r["appointment_id"].as_str() == Some(far.as_str())).unwrap()["new"], false, "new for two hours");
}

/// The first free slot of the clinic's practitioner from `days` days on (by the domain clock).
async fn next_slot(app: &TestApp, c: &Clinic, days: i64) -> Value {
    let from = app.domain.today() + Duration::days(days);
    let slots = c.free_slots(app, from, from + Duration::days(40)).await;
    slots.into_iter().next().expect("a free slot")
}

#[tokio::test]
async fn no_shows_are_decided_by_the_desk_and_from_the_limit_online_bookings_wait_for_its_confirmation() {
    let app = spawn_app().await;
    let clinic = clinic_with_slots(&app).await;
    let (phone, _) = app.register_citizen().await;
    let citizen = || async { s(&app.token(&phone, PASSWORD).await, "access_token") };
    let desk = || staff(&app, "0550000002");
    let book = |token: String, slot: Value| {
        let app = &app;
        async move {
            let res = app.post_auth("/api/v1/appointments", &token, &json!({ "slot_id": slot["id"], "reason": "" })).await;
            assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
            res.json::<Value>().await.unwrap()
        }
    };
    // Past the appointment's time, half an hour after it started.
    let pass = |slot: &Value| {
        let at = starts(slot) + Duration::minutes(30);
        app.domain.clock().advance(at - app.domain.clock().now());
    };
    let decide = |token: String, a: &Value, decision: &str| {
        let (app, path) = (&app, format!("/api/v1/desk/appointments/{}/{decision}", s(a, "id")));
        async move { app.post_auth(&path, &token, &json!({})).await }
    };
    let review = |token: String, slot: &Value| {
        let (app, date) = (&app, shared::time::algiers_date(starts(slot)));
        async move { items(app.get_auth(&format!("/api/v1/desk/review?date={date}"), &token).await).await }
    };
    let listed = |rows: &[Value], a: &Value| rows.iter().any(|r| r["appointment_id"] == a["id"]);

    // A0: not before its time; afterwards a late cancellation, which is not a no-show.
    let slot = next_slot(&app, &clinic, 1).await;
    let a0 = book(citizen().await, slot.clone()).await;
    let (status, code, _) = error_code(decide(desk().await, &a0, "no-show").await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "review_too_early"));
    pass(&slot);
    let d = desk().await;
    assert!(listed(&review(d.clone(), &slot).await, &a0), "never came: in the day's review");
    assert_eq!(decide(citizen().await, &a0, "no-show").await.status(), StatusCode::FORBIDDEN, "only a desk decides");
    assert_eq!(decide(d.clone(), &a0, "late-cancellation").await.status(), StatusCode::NO_CONTENT);
    assert!(!listed(&review(d.clone(), &slot).await, &a0), "decided: out of the review");
    let (status, code, _) = error_code(decide(d, &a0, "no-show").await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "appointment_not_booked"), "decided once");

    // A1: they came (arrived at the desk): not a no-show.
    let slot = next_slot(&app, &clinic, 1).await;
    let a1 = book(citizen().await, slot.clone()).await;
    app.domain.clock().advance(starts(&slot) - app.domain.clock().now() - Duration::minutes(5));
    let d = desk().await;
    assert_eq!(arrive(&app, &d, &s(&a1, "id"), "").await.status(), StatusCode::OK);
    pass(&slot);
    let d = desk().await;
    assert!(!listed(&review(d.clone(), &slot).await, &a1), "arrived: not in the review");
    let (status, code, _) = error_code(decide(d, &a1, "no-show").await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "already_arrived"));

    // A2, A3: no-shows. A4 is still booked outright (two, under the limit
    // of three), then missed too.
    for i in 2..=4 {
        let slot = next_slot(&app, &clinic, 1).await;
        let a = book(citizen().await, slot.clone()).await;
        assert_eq!(a["status"], "booked", "A{i}: under the limit");
        pass(&slot);
        let d = desk().await;
        let rows = review(d.clone(), &slot).await;
        assert!(listed(&rows, &a));
        assert_eq!(rows.iter().find(|r| r["appointment_id"] == a["id"]).unwrap()["no_shows"].as_u64(), Some(i - 2), "their count so far");
        assert_eq!(decide(d, &a, "no-show").await.status(), StatusCode::NO_CONTENT);
    }
    let mine: Value = app.get_auth("/api/v1/me/no-shows", &citizen().await).await.json().await.unwrap();
    assert_eq!((mine["limit"].as_u64(), mine["days"].as_u64()), (Some(3), Some(180)));
    assert_eq!((mine["people"][0]["count"].as_u64(), mine["people"][0]["confirmation_needed"].as_bool()), (Some(3), Some(true)));

    // At the limit: the next online booking holds its slot and waits; nobody is told "booked" yet.
    let slot = next_slot(&app, &clinic, 3).await;
    let a5 = book(citizen().await, slot.clone()).await;
    assert_eq!(a5["status"], "pending");
    let id5: shared::AppointmentId = s(&a5, "id").parse().unwrap();
    let booked_messages = || async {
        use domain::entities::outbox;
        outbox::Entity::find()
            .filter(outbox::Column::AppointmentId.eq(id5))
            .filter(outbox::Column::Kind.eq(shared::MessageKind::Booked))
            .all(app.domain.db())
            .await
            .unwrap()
            .len()
    };
    assert_eq!(booked_messages().await, 0);
    let from = shared::time::algiers_date(starts(&slot));
    let free = clinic.free_slots(&app, from, from).await;
    assert!(free.iter().all(|f| f["id"] != slot["id"]), "the slot is held");
    let d = desk().await;
    let pending: Vec<Value> = items(app.get_auth("/api/v1/desk/pending", &d).await).await;
    assert_eq!(pending.iter().map(|p| s(p, "id")).collect::<Vec<_>>(), vec![s(&a5, "id")]);
    assert_eq!(app.post_auth(&format!("/api/v1/desk/appointments/{id5}/confirm"), &citizen().await, &json!({})).await.status(), StatusCode::FORBIDDEN);
    let confirmed: Value = app.post_auth(&format!("/api/v1/desk/appointments/{id5}/confirm"), &d, &json!({})).await.json().await.unwrap();
    assert_eq!(confirmed["status"], "booked");
    assert!(booked_messages().await > 0, "confirmed: now they are told");
    let pending: Vec<Value> = items(app.get_auth("/api/v1/desk/pending", &d).await).await;
    assert!(pending.is_empty());

    // A cancellation says why; a reason nobody offers is refused.
    let (status, code, body) =
        error_code(app.post_auth(&format!("/api/v1/appointments/{id5}/cancel"), &citizen().await, &json!({ "reason": "declined" })).await).await;
    assert_eq!((status, code.as_str(), body["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", Some("reason_invalid")));
    let res = app.post_auth(&format!("/api/v1/appointments/{id5}/cancel"), &citizen().await, &json!({ "reason": "unavailable" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let row = domain::entities::appointment::Entity::find_by_id(id5).one(app.domain.db()).await.unwrap().unwrap();
    assert_eq!((row.status, row.cancel_reason), (shared::AppointmentStatus::Cancelled, Some(shared::CancelReason::Unavailable)));
}

#[tokio::test]
async fn two_practitioners_calling_at_the_same_moment_never_call_one_patient() {
    let app = spawn_app().await;
    let clinic = clinic_with_slots(&app).await;
    let (facility, specialty) = service(&app, &clinic).await;
    let (colleague, profile) = colleague(&app, facility, specialty, "0661777111").await;
    let doctor = staff(&app, "0550000003").await;

    // Rounds of patients oriented to the service: both practitioners call
    // all of them at once, several requests each.
    for round in 0..6 {
        let ids = waiting(&app, facility, specialty, None, 8, round * 8).await;
        let calls = (0..8).map(|i| {
            let token = if i % 2 == 0 { doctor.clone() } else { colleague.clone() };
            let app = &app;
            async move { app.post_auth("/api/v1/practitioner/queue/call", &token, &json!({ "room": format!("{}", i % 2 + 1) })).await }
        });
        let answers = futures::future::join_all(calls).await;
        let mut called = Vec::new();
        for res in answers {
            let status = res.status();
            assert_eq!(status, StatusCode::OK, "round {round}: {}", res.text().await.unwrap());
            called.push(s(&res.json::<Value>().await.unwrap(), "id").parse::<VisitId>().unwrap());
        }
        called.sort();
        called.dedup();
        let mut expected = ids.clone();
        expected.sort();
        assert_eq!(called, expected, "round {round}: eight calls, eight different patients");
        // Each row says who took it: four for the colleague, four for the
        // demo practitioner (under a profile of that service).
        let mut by_colleague = 0;
        for id in ids {
            let row = visit::Entity::find_by_id(id).one(app.domain.db()).await.unwrap().unwrap();
            assert_eq!(row.status, VisitStatus::Called);
            let taker = practitioner::Entity::find_by_id(row.practitioner_id.expect("taken by someone")).one(app.domain.db()).await.unwrap().unwrap();
            assert_eq!(taker.specialty_id, specialty);
            by_colleague += usize::from(taker.id == profile);
        }
        assert_eq!(by_colleague, 4, "round {round}");
    }
    // Nobody left: both hear so.
    for token in [&doctor, &colleague] {
        let (status, code, _) = error_code(app.post_auth("/api/v1/practitioner/queue/call", token, &json!({ "room": "1" })).await).await;
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "queue_empty"));
    }
}

/// The next Server-Sent Event of a stream: (event name, data).
async fn next_event(res: &mut reqwest::Response, buf: &mut String) -> (String, Value) {
    loop {
        if let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let mut name = String::new();
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_owned();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            if !data.is_empty() {
                return (name, serde_json::from_str(&data).unwrap());
            }
            continue;
        }
        let chunk =
            tokio::time::timeout(std::time::Duration::from_secs(5), res.chunk()).await.expect("an event within 5 s").unwrap().expect("the stream goes on");
        buf.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}

#[tokio::test]
async fn the_waiting_room_screen_opens_with_its_token_shows_tickets_only_and_updates_live() {
    let app = spawn_app().await;
    let clinic = clinic_with_slots(&app).await;
    let (day, _) = one_day(&app, &clinic).await;
    let (_, appointment) = booked(&app, &day[0]).await;
    link_demo_practitioner(&app, &clinic.practitioner_id).await;
    app.domain.clock().advance(starts(&day[0]) - Utc::now());
    let desk = staff(&app, "0550000002").await;
    let admin = staff(&app, "0550000004").await;
    let doctor = staff(&app, "0550000003").await;

    // Only the facility's admin adds a screen; the address is shown once.
    assert_eq!(app.post_auth("/api/v1/admin/displays", &desk, &json!({ "label": "Hall" })).await.status(), StatusCode::FORBIDDEN);
    let (status, code, _) = error_code(app.post_auth("/api/v1/admin/displays", &admin, &json!({ "label": "" })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    let res = app.post_auth("/api/v1/admin/displays", &admin, &json!({ "label": "Hall A" })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let token = s(&created, "token");
    assert!(s(&created, "url").ends_with(&format!("/display/{token}")));
    let listed: Value = app.get_auth("/api/v1/admin/displays", &admin).await.json().await.unwrap();
    assert_eq!(listed["items"][0]["label"], "Hall A");
    assert!(!listed.to_string().contains(&token), "the token is never listed");

    // The page: with the token, and only with it.
    assert_eq!(app.client.get(app.url("/display/not-a-token")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let page = app.client.get(app.url(&format!("/display/{token}"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("data-events=\"/display/{token}/events\"")) && html.contains("/display.js"));

    // The feed: the board at once, then the call as it happens. The
    // patient is 76: the elderly group comes from the birth date.
    let a =
        domain::entities::appointment::Entity::find_by_id(appointment.parse::<shared::AppointmentId>().unwrap()).one(app.domain.db()).await.unwrap().unwrap();
    let mut who: domain::entities::user::ActiveModel =
        domain::entities::user::Entity::find_by_id(a.patient_id).one(app.domain.db()).await.unwrap().unwrap().into();
    who.birth_date = Set(Some(app.domain.today() - chrono::Months::new(76 * 12)));
    who.update(app.domain.db()).await.unwrap();
    let v: Value = arrive(&app, &desk, &appointment, "").await.json().await.unwrap();
    assert_eq!(v["priority"], "elderly");
    let mut feed = app.client.get(app.url(&format!("/display/{token}/events"))).send().await.unwrap();
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(feed.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut buf = String::new();
    let (name, board) = next_event(&mut feed, &mut buf).await;
    assert_eq!(name, "board");
    assert_eq!(board["waiting"][0]["tickets"], json!([s(&v, "ticket")]));
    assert!(board["called"].as_array().unwrap().is_empty());
    let patient_name = s(&v, "patient_name");
    assert!(!patient_name.is_empty() && !board.to_string().contains(&patient_name), "no name on the screen");
    // The next event comes from the call itself: `next_event` waits at most
    // 5 s, half the feed's periodic refresh.
    let res = app.post_auth("/api/v1/practitioner/queue/call", &doctor, &json!({ "room": "7" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, board) = next_event(&mut feed, &mut buf).await;
    assert_eq!((board["called"][0]["ticket"].as_str(), board["called"][0]["room"].as_str()), (Some(s(&v, "ticket").as_str()), Some("7")));
    assert!(board["waiting"].as_array().unwrap().is_empty());

    // Revoked: the address opens nothing.
    let id = s(&created["display"], "id");
    assert_eq!(app.client.delete(app.url(&format!("/api/v1/admin/displays/{id}"))).bearer_auth(&admin).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(app.client.get(app.url(&format!("/display/{token}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_web_floor_marks_arrivals_calls_and_shows_the_queue_to_staff_only() {
    let app = spawn_app().await;
    let clinic = clinic_with_slots(&app).await;
    let (day, _) = one_day(&app, &clinic).await;
    let (phone, appointment) = booked(&app, &day[0]).await;
    link_demo_practitioner(&app, &clinic.practitioner_id).await;
    app.domain.clock().advance(starts(&day[0]) - Utc::now());
    let desk = web_session(&app, "0550000002", domain::seed::DEMO_PASSWORD).await;
    let doctor = web_session(&app, "0550000003", domain::seed::DEMO_PASSWORD).await;
    let citizen = web_session(&app, &phone, PASSWORD).await;
    let sfn = |path: &'static str, cookie: &str, form: Vec<(&'static str, String)>| {
        let req = app.client.post(app.url(path)).header("origin", &app.base).header("cookie", cookie).form(&form);
        async move { req.send().await.unwrap() }
    };

    // The desk's "Arrived" on the day list: a ticket. Not for a citizen.
    let refused = sfn("/sfn/floor_arrive", &citizen, vec![("appointment_id", appointment.clone()), ("priority", String::new())]).await;
    assert!(!refused.status().is_success());
    assert!(refused.text().await.unwrap().contains("forbidden"));
    let res = sfn("/sfn/floor_arrive", &desk, vec![("appointment_id", appointment.clone()), ("priority", "pregnant".into())]).await;
    assert!(res.status().is_success(), "{}", res.status());
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["priority"], "pregnant");
    let ticket = s(&v, "ticket");

    // The floor page, rendered on the server: the desk sees the patient waiting.
    let page = app.client.get(app.url("/floor")).header("cookie", &desk).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("data-ticket=\"{ticket}\"")) && page.contains(&s(&v, "patient_name")), "the desk's floor shows the ticket");
    assert!(!page.contains("data-test=\"call-next\""), "the desk does not call");
    assert!(page.contains("data-test=\"walk-in\""), "the desk receives walk-ins");
    let page = app.client.get(app.url("/floor")).header("cookie", &doctor).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-test=\"call-next\""), "the practitioner's floor has the call form");
    assert!(!page.contains("data-test=\"walk-in\""), "the practitioner does not receive walk-ins");
    assert!(page.contains(&format!("data-ticket=\"{ticket}\"")), "the practitioner's floor shows the ticket");
    let page = app.client.get(app.url("/floor")).header("cookie", &citizen).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains(&format!("data-ticket=\"{ticket}\"")), "a citizen sees no queue");

    // The practitioner calls from the page; the patient's place says the room.
    let res = sfn("/sfn/floor_call", &doctor, vec![("room", "3".into())]).await;
    assert!(res.status().is_success(), "{}", res.status());
    let place: Value = sfn("/sfn/my_place", &citizen, vec![("appointment_id", appointment.clone())]).await.json().await.unwrap();
    assert_eq!((place["ticket"].as_str(), place["room"].as_str()), (Some(ticket.as_str()), Some("3")));
    let id = s(&v, "id");
    let res = sfn("/sfn/floor_advance", &doctor, vec![("id", id.clone()), ("to", "in_consultation".into())]).await;
    assert!(res.status().is_success());
    // In consultation: the practitioner's row opens the consultation form for that appointment; the desk's has no such link.
    let page = app.client.get(app.url("/floor")).header("cookie", &doctor).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-test=\"visit-consultation\"") && page.contains(&format!("?appointment={appointment}")), "the form's link");
    let page = app.client.get(app.url("/floor")).header("cookie", &desk).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("data-test=\"visit-consultation\""));
    let res = sfn("/sfn/floor_advance", &doctor, vec![("id", id), ("to", "called".into())]).await;
    assert!(!res.status().is_success(), "no way back to called");

    // The admin's page adds a waiting-room screen and lists it; the desk may not.
    let admin = web_session(&app, "0550000004", domain::seed::DEMO_PASSWORD).await;
    let refused = sfn("/sfn/add_display", &desk, vec![("label", "Hall B".into())]).await;
    assert!(!refused.status().is_success() && refused.text().await.unwrap().contains("forbidden"));
    let res = sfn("/sfn/add_display", &admin, vec![("label", "Hall B".into())]).await;
    assert!(res.status().is_success(), "{}", res.status());
    let added: Value = res.json().await.unwrap();
    assert!(s(&added, "url").contains("/display/"));
    let page = app.client.get(app.url("/staff")).header("cookie", &admin).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-test=\"screens\"") && page.contains("Hall B"), "the screen is listed");
    assert!(!page.contains(&s(&added, "token")), "never its address again");
}
