//! Availability, search and booking through the HTTP API, including the
//! race for one slot: the database decides, never a check in code.

use crate::helpers::*;
use chrono::{Datelike, Duration, Utc, Weekday};
use domain::entities::{appointment, practitioner, practitioner_facility, specialty};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use std::collections::HashMap;

pub struct Clinic {
    pub facility_id: String,
    pub templates: Vec<uuid::Uuid>,
    pub practitioner_id: String,
    pub specialty: String,
    pub receptionist: String,
}

impl Clinic {
    /// The free slots of the clinic's practitioner from `from` to `to` (one page of up to 200).
    pub async fn free_slots(&self, app: &TestApp, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Vec<Value> {
        // At this facility only: the practitioner may also work elsewhere.
        let url = format!(
            "/api/v1/slots?specialty={}&wilaya=31&from={from}&to={to}&practitioner_id={}&facility_id={}&limit=200",
            self.specialty, self.practitioner_id, self.facility_id
        );
        items(app.client.get(app.url(&url)).send().await.unwrap()).await
    }
}

/// Seeds the demo data, signs in the demo receptionist and publishes
/// Sunday and Monday evening templates (16:00–20:00, 10-minute slots; the
/// demo seed has the daytime) for one of the facility's practitioners.
pub async fn clinic_with_slots(app: &TestApp) -> Clinic {
    app.domain.seed_demo().await.unwrap();
    let t = app.token("0550000002", domain::seed::DEMO_PASSWORD).await;
    let receptionist = s(&t, "access_token");
    let me: Value = app.get_auth("/api/v1/me", &receptionist).await.json().await.unwrap();
    let facility_id = s(&me, "facility_id");
    let db = app.domain.db();
    // A practitioner of this facility in a specialty booked without referral,
    // with colleagues in that specialty: not the seed's newly arrived
    // neurologist, the only one of that specialty (the links come back in
    // no fixed order, so skipping it by name keeps every run the same).
    let mut chosen = None;
    for link in practitioner_facility::Entity::find()
        .filter(practitioner_facility::Column::FacilityId.eq(facility_id.parse::<uuid::Uuid>().unwrap()))
        .all(db)
        .await
        .unwrap()
    {
        let p = practitioner::Entity::find_by_id(link.practitioner_id).one(db).await.unwrap().unwrap();
        let spec = specialty::Entity::find_by_id(p.specialty_id).one(db).await.unwrap().unwrap();
        if !spec.referral_required && spec.code != domain::seed::NEW_PRACTITIONER_SPECIALTY {
            chosen = Some((p, spec));
            break;
        }
    }
    let (p, spec) = chosen.expect("a practitioner without referral rule");
    let mut templates = Vec::new();
    for weekday in [7, 1] {
        let res = app
            .post_auth(
                &format!("/api/v1/facilities/{facility_id}/templates"),
                &receptionist,
                &json!({"practitioner_id": p.id.to_string(), "weekday": weekday, "start": "16:00", "end": "20:00",
                        "slot_minutes": 10, "valid_from": Utc::now().date_naive().to_string()}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let out: Value = res.json().await.unwrap();
        assert!(out["slots_created"].as_u64().unwrap() > 0);
        templates.push(s(&out, "template_id").parse().unwrap());
    }
    Clinic { facility_id, templates, practitioner_id: p.id.to_string(), specialty: spec.code, receptionist }
}

pub async fn free_slots(app: &TestApp, c: &Clinic, from_days: i64) -> Vec<Value> {
    let from = (Utc::now() + Duration::days(from_days)).date_naive();
    let to = from + Duration::days(56);
    let url = format!("/api/v1/slots?specialty={}&wilaya=31&from={from}&to={to}&limit=200", c.specialty);
    let res = app.client.get(app.url(&url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    items(res).await
}

#[tokio::test]
async fn a_published_template_makes_slots_on_its_weekdays_from_16_to_20_algiers_time() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let made = domain::entities::slot::Entity::find()
        .filter(domain::entities::slot::Column::TemplateId.is_in(c.templates.clone()))
        .all(app.domain.db())
        .await
        .unwrap();
    assert!(made.len() >= 100, "{}", made.len());
    for slot in &made {
        let local = slot.starts_at.with_timezone(&domain::booking::algiers());
        assert!(matches!(local.weekday(), Weekday::Sun | Weekday::Mon), "{local}");
        assert!(local.time() >= chrono::NaiveTime::from_hms_opt(16, 0, 0).unwrap());
        assert!(local.time() <= chrono::NaiveTime::from_hms_opt(19, 50, 0).unwrap());
        assert_eq!(slot.practitioner_id.to_string(), c.practitioner_id);
        assert!(slot.starts_at > Utc::now() && slot.starts_at < Utc::now() + Duration::days(app.domain.config().booking.horizon_days + 1));
    }
    // The search offers them, in the wilaya, earliest first.
    let found = free_slots(&app, &c, 1).await;
    assert!(found.iter().any(|s| s["practitioner_id"] == c.practitioner_id.as_str()));
    let times: Vec<&str> = found.iter().map(|s| s["starts_at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
}

#[tokio::test]
async fn only_staff_of_the_facility_may_publish_a_template() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let citizen = s(&app.citizen_tokens().await, "access_token");
    let body = json!({"practitioner_id": c.practitioner_id, "weekday": 2, "start": "08:00", "end": "12:00", "slot_minutes": 20, "valid_from": "2026-01-01"});
    let res = app.post_auth(&format!("/api/v1/facilities/{}/templates", c.facility_id), &citizen, &body).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let other_facility = uuid::Uuid::new_v4();
    let res = app.post_auth(&format!("/api/v1/facilities/{other_facility}/templates"), &c.receptionist, &body).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let bad = json!({"practitioner_id": c.practitioner_id, "weekday": 9, "start": "12:00", "end": "08:00", "slot_minutes": 1, "valid_from": "x"});
    let (status, _, err) = error_code(app.post_auth(&format!("/api/v1/facilities/{}/templates", c.facility_id), &c.receptionist, &bad).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["fields"].as_array().unwrap().len(), 4, "{err}");
}

#[tokio::test]
async fn a_booked_slot_is_taken_for_others_until_cancelled_and_only_its_owner_can_cancel() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let slot = free_slots(&app, &c, 3).await[0]["id"].as_str().unwrap().to_owned();
    let alice = s(&app.citizen_tokens().await, "access_token");
    let bob = s(&app.citizen_tokens().await, "access_token");

    let res = app.post_auth("/api/v1/appointments", &alice, &json!({"slot_id": slot})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let booked: Value = res.json().await.unwrap();
    assert_eq!(booked["status"], "booked");
    assert!(!free_slots(&app, &c, 3).await.iter().any(|s| s["id"] == slot.as_str()), "a booked slot is not offered");

    let (status, code, _) = error_code(app.post_auth("/api/v1/appointments", &bob, &json!({"slot_id": slot})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "slot_taken"));

    let id = s(&booked, "id");
    let res = app.post_auth(&format!("/api/v1/appointments/{id}/cancel"), &bob, &json!({})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "another citizen's appointment does not exist for Bob");
    let mine: Vec<Value> = items(app.get_auth("/api/v1/appointments", &bob).await).await;
    assert!(mine.is_empty());

    let res = app.post_auth(&format!("/api/v1/appointments/{id}/cancel"), &alice, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.post_auth("/api/v1/appointments", &bob, &json!({"slot_id": slot})).await;
    assert_eq!(res.status(), StatusCode::CREATED, "a cancelled slot can be booked again");
}

#[tokio::test]
async fn a_citizen_holds_at_most_one_active_appointment_per_specialty() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let slots = free_slots(&app, &c, 3).await;
    let alice = s(&app.citizen_tokens().await, "access_token");
    assert_eq!(app.post_auth("/api/v1/appointments", &alice, &json!({"slot_id": slots[0]["id"]})).await.status(), StatusCode::CREATED);
    let (status, code, _) = error_code(app.post_auth("/api/v1/appointments", &alice, &json!({"slot_id": slots[1]["id"]})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "already_booked_specialty"));
    let (status, code, _) = error_code(app.post_auth("/api/v1/appointments", &alice, &json!({"slot_id": uuid::Uuid::new_v4()})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "slot_unavailable"));
}

/// However long a citizen's history, the list (and its first page) starts
/// with what is coming, soonest first; the past follows, latest first.
#[tokio::test]
async fn a_citizens_appointments_list_what_is_coming_first_then_the_past_latest_first() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let (phone, _) = app.register_citizen().await;
    let alice = s(&app.token(&phone, PASSWORD).await, "access_token");
    let starts = |v: &Value| v["starts_at"].as_str().unwrap().parse::<chrono::DateTime<Utc>>().unwrap();
    let slots = free_slots(&app, &c, 3).await;
    let (first, last) = (&slots[0], slots.last().unwrap());
    // The earliest and the latest slot, each booked and cancelled (one
    // active appointment per specialty).
    let mut ids = Vec::new();
    for slot in [first, last] {
        let res = app.post_auth("/api/v1/appointments", &alice, &json!({"slot_id": slot["id"]})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let id = s(&res.json::<Value>().await.unwrap(), "id");
        assert_eq!(app.post_auth(&format!("/api/v1/appointments/{id}/cancel"), &alice, &json!({})).await.status(), StatusCode::OK);
        ids.push(id);
    }
    // Two days after the earliest: it is past. A slot between then and the latest is booked.
    let now = starts(first) + Duration::days(2);
    app.domain.clock().advance(now - app.domain.clock().now());
    let alice = s(&app.token(&phone, PASSWORD).await, "access_token");
    let between = free_slots(&app, &c, 3).await.into_iter().find(|v| starts(v) > now && starts(v) < starts(last)).expect("a slot in between");
    let res = app.post_auth("/api/v1/appointments", &alice, &json!({"slot_id": between["id"]})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let coming = s(&res.json::<Value>().await.unwrap(), "id");

    let mine: Vec<(String, bool)> =
        items(app.get_auth("/api/v1/appointments", &alice).await).await.iter().map(|a| (s(a, "id"), a["past"].as_bool().unwrap())).collect();
    assert_eq!(mine, [(coming.clone(), false), (ids[1].clone(), false), (ids[0].clone(), true)]);
    let page: Vec<String> = items(app.get_auth("/api/v1/appointments?limit=1", &alice).await).await.iter().map(|a| s(a, "id")).collect();
    assert_eq!(page, [coming]);
}

/// 200 clients race for the same slot, round after round: each round has
/// exactly one 201 and 199 `409 slot_taken`, never a 5xx. Rounds:
/// `SIHATI_RACE_ROUNDS` (default 100).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_clients_racing_for_one_slot_get_exactly_one_booking_per_round() {
    let rounds: usize = std::env::var("SIHATI_RACE_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let clients = 200;
    let app = spawn_app_with(|c| c.database_max_connections = 10).await;
    let c = clinic_with_slots(&app).await;
    let slots = free_slots(&app, &c, 2).await;
    assert!(slots.len() >= rounds, "{} slots for {rounds} rounds", slots.len());

    let mut tokens = Vec::with_capacity(clients);
    for _ in 0..clients / 20 {
        let batch = futures::future::join_all((0..20).map(|_| app.citizen_tokens())).await;
        tokens.extend(batch.iter().map(|t| s(t, "access_token")));
    }

    let app = &app;
    for (round, slot) in slots.iter().take(rounds).enumerate() {
        let body = json!({"slot_id": slot["id"]});
        let results = futures::future::join_all(tokens.iter().map(|t| {
            let body = body.clone();
            async move {
                let res = app.post_auth("/api/v1/appointments", t, &body).await;
                let status = res.status();
                let v: Value = res.json().await.unwrap_or(Value::Null);
                (status, v)
            }
        }))
        .await;
        let mut by_status: HashMap<u16, usize> = HashMap::new();
        for (status, _) in &results {
            *by_status.entry(status.as_u16()).or_default() += 1;
        }
        assert_eq!(by_status.get(&201), Some(&1), "round {round}: {by_status:?}");
        assert_eq!(by_status.get(&409), Some(&(clients - 1)), "round {round}: {by_status:?}");
        assert!(results.iter().filter(|(s, _)| s.as_u16() == 409).all(|(_, v)| v["code"] == "slot_taken"), "round {round}");
        // The winner cancels, so that every client may win a later round
        // (one active appointment per specialty).
        let (i, (_, winner)) = results.iter().enumerate().find(|(_, (s, _))| *s == StatusCode::CREATED).unwrap();
        let res = app.post_auth(&format!("/api/v1/appointments/{}/cancel", s(winner, "id")), &tokens[i], &json!({})).await;
        assert_eq!(res.status(), StatusCode::OK);
    }

    let all = appointment::Entity::find().all(app.domain.db()).await.unwrap();
    assert_eq!(all.len(), rounds, "one appointment per round, no more");
    let mut active: HashMap<shared::SlotId, usize> = HashMap::new();
    for a in all.iter().filter(|a| a.status == shared::AppointmentStatus::Booked) {
        *active.entry(a.slot_id).or_default() += 1;
    }
    assert!(active.values().all(|n| *n <= 1));
}

/// A receptionist closes slots while citizens book them: whatever the
/// interleaving, no closed slot ever ends up with an active booking.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn closing_a_slot_while_citizens_book_it_never_leaves_a_booking_on_a_closed_slot() {
    let app = spawn_app_with(|c| c.database_max_connections = 10).await;
    let c = clinic_with_slots(&app).await;
    let slots = free_slots(&app, &c, 2).await;
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let batch = futures::future::join_all((0..10).map(|_| app.citizen_tokens())).await;
        tokens.extend(batch.iter().map(|t| s(t, "access_token")));
    }
    let app = &app;
    let mut outcomes: HashMap<String, usize> = HashMap::new();
    for slot in slots.iter().take(30) {
        let id = slot["id"].as_str().unwrap().to_owned();
        let close = async {
            let res = app.post_auth(&format!("/api/v1/slots/{id}/close"), &c.receptionist, &json!({})).await;
            res.status()
        };
        let books = futures::future::join_all(tokens.iter().map(|t| {
            let id = id.clone();
            async move { app.post_auth("/api/v1/appointments", t, &json!({"slot_id": id})).await.status() }
        }));
        let (closed, booked) = tokio::join!(close, books);
        assert!(closed == StatusCode::NO_CONTENT || closed == StatusCode::CONFLICT, "{closed}");
        assert!(booked.iter().all(|s| !s.is_server_error()));
        let winners = booked.iter().filter(|s| **s == StatusCode::CREATED).count();
        assert!(winners <= 1);
        if closed == StatusCode::NO_CONTENT {
            assert_eq!(winners, 0, "a slot was closed under a booking");
        } else {
            assert_eq!(winners, 1, "closing was refused, so a booking must hold the slot");
        }
        *outcomes.entry(if closed == StatusCode::NO_CONTENT { "closed" } else { "booked" }.into()).or_default() += 1;
        // Free the citizens' specialty for the next round.
        for t in &tokens {
            let mine: Vec<Value> = items(app.get_auth("/api/v1/appointments", t).await).await;
            for a in mine.iter().filter(|a| a["status"] == "booked") {
                app.post_auth(&format!("/api/v1/appointments/{}/cancel", s(a, "id")), t, &json!({})).await;
            }
        }
    }
    // And in the database: no active appointment on a closed slot.
    let db = app.domain.db();
    let closed_ids: Vec<shared::SlotId> = domain::entities::slot::Entity::find()
        .filter(domain::entities::slot::Column::Status.eq(shared::SlotStatus::Closed))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let on_closed = appointment::Entity::find()
        .filter(appointment::Column::SlotId.is_in(closed_ids.clone()))
        .filter(appointment::Column::ActiveSlotId.is_not_null())
        .all(db)
        .await
        .unwrap();
    assert!(on_closed.is_empty(), "{} active bookings on closed slots", on_closed.len());
    assert_eq!(closed_ids.len(), outcomes.get("closed").copied().unwrap_or(0));
    eprintln!("close-vs-book outcomes: {outcomes:?}");
}

#[tokio::test]
async fn rescheduling_moves_the_booking_atomically_or_changes_nothing() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let slots = free_slots(&app, &c, 3).await;
    let (a, b, taken) = (&slots[0]["id"], &slots[1]["id"], &slots[2]["id"]);
    let alice = s(&app.citizen_tokens().await, "access_token");
    let bob = s(&app.citizen_tokens().await, "access_token");
    let first: Value = app.post_auth("/api/v1/appointments", &alice, &json!({"slot_id": a})).await.json().await.unwrap();
    assert_eq!(app.post_auth("/api/v1/appointments", &bob, &json!({"slot_id": taken})).await.status(), StatusCode::CREATED);

    // Onto Bob's slot: refused, and Alice keeps her original booking.
    let res = app.post_auth(&format!("/api/v1/appointments/{}/reschedule", s(&first, "id")), &alice, &json!({"slot_id": taken})).await;
    let (status, code, _) = error_code(res).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "slot_taken"));
    let mine: Vec<Value> = items(app.get_auth("/api/v1/appointments", &alice).await).await;
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0]["slot_id"].as_str(), mine[0]["status"].as_str()), (a.as_str(), Some("booked")));

    // Bob cannot move Alice's appointment.
    let res = app.post_auth(&format!("/api/v1/appointments/{}/reschedule", s(&first, "id")), &bob, &json!({"slot_id": b})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Onto a free slot: the old one is released, the new one held.
    let res = app.post_auth(&format!("/api/v1/appointments/{}/reschedule", s(&first, "id")), &alice, &json!({"slot_id": b})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let mine: Vec<Value> = items(app.get_auth("/api/v1/appointments", &alice).await).await;
    let status_of = |slot: &Value| mine.iter().find(|m| &m["slot_id"] == slot).map(|m| m["status"].as_str().unwrap().to_owned());
    assert_eq!(status_of(a).as_deref(), Some("cancelled"));
    assert_eq!(status_of(b).as_deref(), Some("booked"));
    assert!(free_slots(&app, &c, 3).await.iter().any(|s| &s["id"] == a), "the old slot is free again");
}

#[tokio::test]
async fn booking_too_often_from_one_account_gets_429() {
    let app = spawn_app_with(|c| c.booking_per_account_per_minute = 3).await;
    let c = clinic_with_slots(&app).await;
    let slots = free_slots(&app, &c, 3).await;
    let alice = s(&app.citizen_tokens().await, "access_token");
    let mut statuses = Vec::new();
    for slot in slots.iter().take(4) {
        statuses.push(app.post_auth("/api/v1/appointments", &alice, &json!({"slot_id": slot["id"]})).await.status());
    }
    assert_eq!(statuses[..3].iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count(), 0, "{statuses:?}");
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
}

#[tokio::test]
async fn an_idempotency_key_replays_the_answer_refuses_another_body_and_never_books_twice() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let slots = free_slots(&app, &c, 3).await;
    let alice = s(&app.citizen_tokens().await, "access_token");
    let send = |key: &'static str, slot: Value| {
        let (app, alice) = (&app, alice.clone());
        async move {
            app.client
                .post(app.url("/api/v1/appointments"))
                .bearer_auth(alice)
                .header("idempotency-key", key)
                .json(&json!({"slot_id": slot}))
                .send()
                .await
                .unwrap()
        }
    };
    let first = send("key-1", slots[0]["id"].clone()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let replay = send("key-1", slots[0]["id"].clone()).await;
    assert_eq!(replay.status(), StatusCode::CREATED);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let replay: Value = replay.json().await.unwrap();
    assert_eq!(replay["id"], first["id"], "the stored answer, not a new booking");
    let (status, code, _) = error_code(send("key-1", slots[1]["id"].clone()).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_mismatch"));
    // The scheme's name in any case (RFC 9110): the layer knows the caller
    // as the handler does, so the same key replays instead of booking again.
    let lower = app
        .client
        .post(app.url("/api/v1/appointments"))
        .header("authorization", format!("bearer {alice}"))
        .header("idempotency-key", "key-1")
        .json(&json!({"slot_id": slots[0]["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (lower.status(), lower.headers().get("idempotent-replayed").map(|v| v.to_str().unwrap().to_owned())),
        (StatusCode::CREATED, Some("true".into()))
    );

    // Concurrent duplicates with a fresh key: one is processed, the others
    // are refused as in flight or get the stored answer; one booking in all.
    let id = s(&first, "id");
    assert_eq!(app.post_auth(&format!("/api/v1/appointments/{id}/cancel"), &alice, &json!({})).await.status(), StatusCode::OK);
    let dupes = futures::future::join_all((0..8).map(|_| send("key-2", slots[2]["id"].clone()))).await;
    let mut ids = std::collections::HashSet::new();
    for r in dupes {
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        match status {
            StatusCode::CREATED => {
                ids.insert(s(&v, "id"));
            }
            StatusCode::CONFLICT => assert_eq!(v["code"], "idempotency_key_in_flight"),
            other => panic!("unexpected {other}: {v}"),
        }
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    let mine: Vec<Value> = items(app.get_auth("/api/v1/appointments", &alice).await).await;
    assert_eq!(mine.iter().filter(|a| a["status"] == "booked").count(), 1);
}

#[tokio::test]
async fn a_search_over_a_reversed_or_too_long_period_is_a_400() {
    let app = spawn_app().await;
    for (from, to) in [("2026-12-10", "2026-12-01"), ("2026-12-01", "2027-03-01")] {
        let url = format!("/api/v1/slots?specialty=cardiology&wilaya=31&from={from}&to={to}&limit=200");
        let (status, code, _) = error_code(app.client.get(app.url(&url)).send().await.unwrap()).await;
        assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "bad_request"), "{from}..{to}");
    }
}

#[tokio::test]
async fn what_the_patient_may_do_comes_with_the_appointment_and_matches_what_the_doors_allow() {
    use domain::entities::slot;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let patient = s(&app.citizen_tokens().await, "access_token");
    let slots = free_slots(&app, &c, 3).await;
    let mine = |token: String| {
        let app = &app;
        async move { items(app.get_auth("/api/v1/appointments", &token).await).await }
    };
    // Days ahead: it may be cancelled and moved.
    let res = app.post_auth("/api/v1/appointments", &patient, &json!({ "slot_id": slots[0]["id"] })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let booked: Value = res.json().await.unwrap();
    assert_eq!((booked["can_cancel"].as_bool(), booked["can_move"].as_bool()), (Some(true), Some(true)), "{booked}");
    // Inside the cut-off (test arrangement: its slot moved to two hours from
    // now): neither, and the door agrees.
    let slot_id: uuid::Uuid = s(&booked, "slot_id").parse().unwrap();
    let mut row: slot::ActiveModel = slot::Entity::find_by_id(slot_id).one(app.domain.db()).await.unwrap().unwrap().into();
    row.starts_at = Set(Utc::now() + Duration::hours(2));
    row.ends_at = Set(Utc::now() + Duration::hours(2) + Duration::minutes(20));
    row.update(app.domain.db()).await.unwrap();
    let listed = mine(patient.clone()).await.into_iter().find(|a| a["id"] == booked["id"]).unwrap();
    assert_eq!((listed["can_cancel"].as_bool(), listed["can_move"].as_bool()), (Some(false), Some(false)), "{listed}");
    let (status, code, _) = error_code(app.post_auth(&format!("/api/v1/appointments/{}/cancel", s(&booked, "id")), &patient, &json!({})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "cancel_too_late"));
    // A cancelled one: neither.
    let other = s(&app.citizen_tokens().await, "access_token");
    let res = app.post_auth("/api/v1/appointments", &other, &json!({ "slot_id": slots[1]["id"] })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app.post_auth(&format!("/api/v1/appointments/{}/cancel", s(&res.json::<Value>().await.unwrap(), "id")), &other, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cancelled: Value = res.json().await.unwrap();
    assert_eq!(
        (cancelled["status"].as_str(), cancelled["can_cancel"].as_bool(), cancelled["can_move"].as_bool()),
        (Some("cancelled"), Some(false), Some(false)),
        "{cancelled}"
    );
}

/// Every page of a list door, following `next_cursor`.
async fn all_pages(app: &TestApp, url: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let res = app.client.get(app.url(&format!("{url}&cursor={cursor}"))).header("accept-language", "fr").send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        let page: Value = res.json().await.unwrap();
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => return out,
        }
    }
}

#[tokio::test]
async fn a_search_reads_as_a_directory_grouped_by_practitioner_and_facility_with_their_first_days() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let from = app.domain.today() + Duration::days(2);
    let to = from + Duration::days(7);
    let query = format!("specialty={}&wilaya=31&from={from}&to={to}", c.specialty);

    // What the groups must be, computed here: each practitioner of the
    // specialty at each of their facilities, searched day by day (a flat
    // search answers at most 200 times).
    let flat_for = |p: String, f: String, from: chrono::NaiveDate, to: chrono::NaiveDate| {
        let (app, spec) = (&app, c.specialty.clone());
        async move {
            let mut out = Vec::new();
            let mut d = from;
            while d <= to {
                let url = format!("/api/v1/slots?specialty={spec}&wilaya=31&from={d}&to={d}&practitioner_id={p}&facility_id={f}&limit=200");
                out.extend(items(app.client.get(app.url(&url)).send().await.unwrap()).await);
                d += Duration::days(1);
            }
            out
        }
    };
    let mut expected: HashMap<(String, String), Vec<Value>> = HashMap::new();
    for p in items(app.client.get(app.url(&format!("/api/v1/directory/practitioners?specialty={}&limit=200", c.specialty))).send().await.unwrap()).await {
        for f in p["facilities"].as_array().unwrap() {
            let slots = flat_for(s(&p, "id"), f.as_str().unwrap().to_owned(), from, to).await;
            if !slots.is_empty() {
                expected.insert((s(&p, "id"), f.as_str().unwrap().to_owned()), slots);
            }
        }
    }
    assert!(expected.len() >= 2, "the demo has colleagues with free times in {}: {}", c.specialty, expected.len());
    let day = |s: &Value| shared::time::algiers_date(s["starts_at"].as_str().unwrap().parse().unwrap()).to_string();
    let days_of = |slots: &[Value], n: usize| -> Vec<(String, Vec<String>)> {
        let mut days: Vec<(String, Vec<String>)> = Vec::new();
        for s in slots {
            if days.last().map(|(d, _)| d.clone()) != Some(day(s)) {
                days.push((day(s), Vec::new()));
            }
            days.last_mut().unwrap().1.push(s["id"].as_str().unwrap().to_owned());
        }
        days.truncate(n);
        days
    };
    let shape = |g: &Value| -> Vec<(String, Vec<String>)> {
        g["days"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["date"].as_str().unwrap().to_owned(), d["slots"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()))
            .collect()
    };

    // One group per practitioner and facility, soonest first, read one per page.
    let groups = all_pages(&app, &format!("/api/v1/slots/groups?{query}&limit=1")).await;
    assert_eq!(groups.len(), expected.len());
    let firsts: Vec<&str> = groups.iter().map(|g| g["first_at"].as_str().unwrap()).collect();
    assert!(firsts.windows(2).all(|w| w[0] <= w[1]), "soonest first: {firsts:?}");
    for g in &groups {
        let slots = &expected[&(s(g, "practitioner_id"), s(g, "facility_id"))];
        assert_eq!(g["first_at"], slots[0]["starts_at"]);
        assert_eq!(g["free_in_period"].as_u64(), Some(slots.len() as u64));
        assert_eq!(shape(g), days_of(slots, 3), "the first three days, each with all its times");
        assert_eq!(g["facility_name_fr"], slots[0]["facility_name_fr"]);
    }

    // By facility name (French here): the same groups, each facility's
    // together, in the order the database gives the names. (General
    // practice, which the demo offers at several polyclinics; the clinic's
    // specialty may be at one only.)
    let gp = format!("specialty=general_practice&wilaya=31&from={from}&to={to}");
    let soonest = all_pages(&app, &format!("/api/v1/slots/groups?{gp}&limit=50")).await;
    let by_name = all_pages(&app, &format!("/api/v1/slots/groups?{gp}&sort=facility&limit=50")).await;
    let mut runs: Vec<&str> = by_name.iter().map(|g| g["facility_name_fr"].as_str().unwrap()).collect();
    runs.dedup();
    let ids: Vec<uuid::Uuid> = by_name.iter().map(|g| s(g, "facility_id").parse().unwrap()).collect();
    let db_order: Vec<String> = {
        use domain::entities::facility;
        use sea_orm::QueryOrder;
        let mut names: Vec<String> = facility::Entity::find()
            .filter(facility::Column::Id.is_in(ids))
            .order_by_asc(facility::Column::NameFr)
            .all(app.domain.db())
            .await
            .unwrap()
            .into_iter()
            .map(|f| f.name_fr)
            .collect();
        names.dedup();
        names
    };
    assert!(db_order.len() >= 2, "several polyclinics offer general practice: {db_order:?}");
    assert_eq!(runs, db_order, "one run per facility, in the database's order of names");
    let key = |g: &Value| (s(g, "practitioner_id"), s(g, "facility_id"));
    let (mut a, mut b): (Vec<_>, Vec<_>) = (by_name.iter().map(key).collect(), soonest.iter().map(key).collect());
    a.sort();
    b.sort();
    assert_eq!(a, b);

    // Narrowed to one practitioner at one facility: every day of a longer period.
    let far = from + Duration::days(15);
    let narrowed = format!(
        "/api/v1/slots/groups?specialty={}&wilaya=31&from={from}&to={far}&practitioner_id={}&facility_id={}&limit=50",
        c.specialty, c.practitioner_id, c.facility_id
    );
    let one = all_pages(&app, &narrowed).await;
    assert_eq!(one.len(), 1);
    let mine = flat_for(c.practitioner_id.clone(), c.facility_id.clone(), from, far).await;
    assert!(days_of(&mine, 31).len() > 3, "the fixture's Sundays and Mondays");
    assert_eq!(shape(&one[0]), days_of(&mine, 31));

    // A booked time leaves its group at once.
    let citizen = s(&app.citizen_tokens().await, "access_token");
    let first = shape(&one[0])[0].1[0].clone();
    assert_eq!(app.post_auth("/api/v1/appointments", &citizen, &json!({ "slot_id": first })).await.status(), StatusCode::CREATED);
    let after = all_pages(&app, &narrowed).await;
    assert_eq!(after[0]["free_in_period"].as_u64(), Some(mine.len() as u64 - 1));
    assert!(!shape(&after[0]).iter().any(|(_, ids)| ids.contains(&first)));

    // A period backwards or an unknown order is a bad request.
    for bad in [format!("specialty={}&wilaya=31&from={to}&to={from}", c.specialty), format!("{query}&sort=cheapest")] {
        let res = app.client.get(app.url(&format!("/api/v1/slots/groups?{bad}"))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
}

/// The public search is kept in memory for a moment (issue 15): public
/// `Cache-Control` and an `ETag` (304 for the same version), brotli made
/// once; a change made by another process (here, straight in the
/// database) is not seen at once — the proof that the answer was kept —
/// but this server's own booking drops the answer at once.
#[tokio::test]
async fn the_search_answer_is_kept_a_moment_and_this_servers_own_booking_drops_it_at_once() {
    use domain::entities::slot;
    use sea_orm::sea_query::Expr;
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let from = (Utc::now() + Duration::days(3)).date_naive();
    // One practitioner's week: fewer than a page's 200 slots.
    let url = format!(
        "/api/v1/slots?specialty={}&wilaya=31&from={from}&to={}&facility_id={}&practitioner_id={}&limit=200",
        c.specialty,
        from + Duration::days(6),
        c.facility_id,
        c.practitioner_id
    );
    let ids = |v: &Value| v["items"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    let get = || async { app.client.get(app.url(&url)).send().await.unwrap() };

    let res = get().await;
    assert_eq!((res.status(), res.headers()["cache-control"].to_str().unwrap()), (StatusCode::OK, "public, max-age=2"));
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let first: Value = res.json().await.unwrap();
    let before = ids(&first);
    assert!((6..200).contains(&before.len()), "{}", before.len());
    let res = app.client.get(app.url(&url)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    let res = app.client.get(app.url(&url)).header("accept-encoding", "gzip, br").send().await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    let mut plain = Vec::new();
    brotli::BrotliDecompress(&mut &res.bytes().await.unwrap()[..], &mut plain).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&plain).unwrap(), first, "the same answer, compressed");

    // Another process closes a slot: this server still answers from
    // memory within its 2 s. (A machine too slow to ask twice within a
    // second reopens it and tries again with the next slot.)
    let set = |id: &str, status: shared::SlotStatus| {
        let (db, id) = (app.domain.db(), id.parse::<uuid::Uuid>().unwrap());
        async move { slot::Entity::update_many().col_expr(slot::Column::Status, Expr::value(status)).filter(slot::Column::Id.eq(id)).exec(db).await.unwrap() }
    };
    let mut closed = None;
    for id in &before[..3] {
        // A fresh answer, kept from now.
        arranged(&app);
        let t = std::time::Instant::now();
        let kept = ids(&get().await.json().await.unwrap());
        set(id, shared::SlotStatus::Closed).await;
        let again = ids(&get().await.json().await.unwrap());
        if t.elapsed() < std::time::Duration::from_millis(1500) {
            assert_eq!(again, kept, "kept in memory");
            assert!(again.contains(id));
            closed = Some(id.clone());
            break;
        }
        set(id, shared::SlotStatus::Open).await;
    }
    let closed = closed.expect("two searches within a second");

    // This server books another: the answer is dropped at once, and the
    // next one shows both changes.
    let booked = before.iter().rev().find(|id| **id != closed).unwrap().clone();
    let alice = s(&app.citizen_tokens().await, "access_token");
    assert_eq!(app.post_auth("/api/v1/appointments", &alice, &json!({ "slot_id": booked })).await.status(), StatusCode::CREATED);
    let after = ids(&get().await.json().await.unwrap());
    assert!(!after.contains(&booked) && !after.contains(&closed), "both changes seen");
    assert_eq!(after.len(), before.len() - 2);
}
