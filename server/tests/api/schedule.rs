//! Schedule changes, booking rules, dependants, referrals, the desk and
//! the waiting list, through the HTTP API; and every endpoint that takes an
//! id, called with other people's tokens.

use crate::booking::{clinic_with_slots, Clinic};
use crate::helpers::*;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use domain::accounts::NewStaff;
use domain::booking::algiers;
use domain::entities::{facility, practitioner, practitioner_facility, slot, slot_offer, specialty};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{json, Value};
use shared::{Lang, NewPassword, PersonName, Phone, Role};
use uuid::Uuid;

fn local_date(v: &Value) -> NaiveDate {
    v["starts_at"].as_str().unwrap().parse::<chrono::DateTime<Utc>>().unwrap().with_timezone(&algiers()).date_naive()
}

/// The clinic practitioner's free slots (the search also lists others').
async fn own_slots(app: &TestApp, c: &Clinic, from_days: i64) -> Vec<Value> {
    let from = (Utc::now() + Duration::days(from_days)).date_naive();
    let to = from + Duration::days(56);
    let found = c.free_slots(app, from, to).await;
    assert!(found.iter().all(|s| s["practitioner_id"] == c.practitioner_id.as_str()));
    found
}

async fn search_day(app: &TestApp, specialty: &str, day: NaiveDate) -> Vec<Value> {
    let url = format!("/api/v1/slots?specialty={specialty}&wilaya=31&from={day}&to={day}&limit=200");
    items(app.client.get(app.url(&url)).send().await.unwrap()).await
}

async fn book(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    let res = app.post_auth("/api/v1/appointments", token, &body).await;
    (res.status(), res.json().await.unwrap())
}

async fn my_id(app: &TestApp, token: &str) -> String {
    s(&app.get_auth("/api/v1/me", token).await.json::<Value>().await.unwrap(), "id")
}

/// A slot inserted directly (test arrangement), for times no template makes.
async fn insert_slot(app: &TestApp, facility: shared::FacilityId, practitioner: &practitioner::Model, starts: chrono::DateTime<Utc>) -> Uuid {
    let id = Uuid::new_v4();
    slot::ActiveModel {
        id: Set(shared::SlotId(id)),
        facility_id: Set(facility),
        practitioner_id: Set(practitioner.id),
        specialty_id: Set(practitioner.specialty_id),
        template_id: Set(None),
        starts_at: Set(starts),
        ends_at: Set(starts + Duration::minutes(20)),
        status: Set(shared::SlotStatus::Open),
        created_at: Set(Utc::now()),
    }
    .insert(app.domain.db())
    .await
    .unwrap();
    arranged(app);
    id
}

/// A receptionist at another facility than the demo desk's.
pub(crate) async fn other_desk(app: &TestApp, c: &Clinic) -> String {
    let other = facility::Entity::find().all(app.domain.db()).await.unwrap().into_iter().find(|f| f.id.to_string() != c.facility_id).unwrap();
    app.domain
        .accounts
        .create_staff(NewStaff {
            role: Role::Receptionist,
            facility_id: Some(other.id),
            wilaya_code: None,
            given_name: PersonName::parse("Karim").unwrap(),
            family_name: PersonName::parse("Ould").unwrap(),
            phone: Some(Phone::parse("0661999999").unwrap()),
            email: None,
            password: NewPassword::parse(PASSWORD).unwrap(),
            lang: Lang::Fr,
            specialty: None,
        })
        .await
        .unwrap();
    s(&app.token("0661999999", PASSWORD).await, "access_token")
}

#[tokio::test]
async fn closing_a_day_closes_its_free_slots_and_lists_the_booking_it_keeps_until_the_desk_moves_it() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let slots = own_slots(&app, &c, 3).await;
    let x = &slots[0];
    let day = local_date(x);
    let alice = s(&app.citizen_tokens().await, "access_token");
    let (status, booked) = book(&app, &alice, json!({"slot_id": x["id"]})).await;
    assert_eq!(status, StatusCode::CREATED);

    let res = app
        .post_auth(
            &format!("/api/v1/facilities/{}/closures", c.facility_id),
            &c.receptionist,
            &json!({"date": day.to_string(), "practitioner_id": c.practitioner_id, "kind": "leave", "note": "congé"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let change: Value = res.json().await.unwrap();
    assert!(change["slots_closed"].as_u64().unwrap() > 0, "{change}");
    let conflicts = change["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{change}");
    assert_eq!(conflicts[0]["appointment_id"], booked["id"]);
    assert!(conflicts[0]["patient_name"].as_str().unwrap().contains("Amina"));
    let here = |s: &&Value| s["practitioner_id"] == c.practitioner_id.as_str() && s["facility_id"] == c.facility_id.as_str();
    assert!(!search_day(&app, &c.specialty, day).await.iter().any(|s| here(&s)), "no free slot of the closed day at this facility");
    let mine: Vec<Value> = items(app.get_auth("/api/v1/appointments", &alice).await).await;
    assert_eq!(mine[0]["status"], "booked", "the booking is kept, never dropped silently");

    // The desk moves it to another day; the freed slot stays closed.
    let target = slots.iter().find(|s| local_date(s) != day).unwrap();
    let res = app.post_auth(&format!("/api/v1/desk/appointments/{}/reschedule", s(&booked, "id")), &c.receptionist, &json!({"slot_id": target["id"]})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let day_list: Vec<Value> =
        items(app.get_auth(&format!("/api/v1/desk/day?date={day}&practitioner_id={}&limit=200", c.practitioner_id), &c.receptionist).await).await;
    assert!(!day_list.is_empty());
    assert!(day_list.iter().all(|s| s["status"] == "closed"), "{day_list:?}");
    let mine: Vec<Value> = items(app.get_auth("/api/v1/appointments", &alice).await).await;
    assert!(mine.iter().any(|a| a["status"] == "booked" && a["slot_id"] == target["id"]));

    // Reduced hours close only part of a day.
    let after_target = domain::booking::algiers_midnight(local_date(target) + Duration::days(1));
    let other_day = slot::Entity::find()
        .filter(slot::Column::TemplateId.is_in(c.templates.clone()))
        .filter(slot::Column::StartsAt.gt(after_target))
        .one(app.domain.db())
        .await
        .unwrap()
        .unwrap()
        .starts_at
        .with_timezone(&algiers())
        .date_naive();
    let res = app
        .post_auth(
            &format!("/api/v1/facilities/{}/closures", c.facility_id),
            &c.receptionist,
            &json!({"date": other_day.to_string(), "start": "18:00", "end": "20:00", "kind": "reduced"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let day_list: Vec<Value> =
        items(app.get_auth(&format!("/api/v1/desk/day?date={other_day}&practitioner_id={}&limit=200", c.practitioner_id), &c.receptionist).await).await;
    assert!(day_list.iter().any(|s| s["status"] == "closed") && day_list.iter().any(|s| s["status"] == "open"), "{day_list:?}");
    for s in &day_list {
        let hour = s["starts_at"].as_str().unwrap().parse::<chrono::DateTime<Utc>>().unwrap().with_timezone(&algiers()).format("%H").to_string();
        assert_eq!(s["status"] == "closed", hour.as_str() >= "18", "{s}");
    }
    let bad = app
        .post_auth(
            &format!("/api/v1/facilities/{}/closures", c.facility_id),
            &c.receptionist,
            &json!({"date": "x", "start": "10:00", "end": "09:00", "kind": "?"}),
        )
        .await;
    let (status, _, err) = error_code(bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["fields"].as_array().unwrap().len(), 3, "{err}");
}

#[tokio::test]
async fn an_overlapping_template_is_refused_and_ending_one_closes_its_later_slots_but_keeps_bookings() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let url = format!("/api/v1/facilities/{}/templates", c.facility_id);
    let listed: Vec<Value> = items(app.get_auth("/api/v1/desk/templates", &c.receptionist).await).await;
    let mine = listed.iter().find(|t| t["id"] == c.templates[0].to_string()).expect("the published template is listed");
    assert_eq!((mine["weekday"].as_u64(), mine["start"].as_str(), mine["end"].as_str()), (Some(7), Some("16:00"), Some("20:00")));
    let overlap = json!({"practitioner_id": c.practitioner_id, "weekday": 7, "start": "19:00", "end": "21:00", "slot_minutes": 20, "valid_from": Utc::now().date_naive().to_string()});
    let (status, _, err) = error_code(app.post_auth(&url, &c.receptionist, &overlap).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["fields"][0]["code"], "template_overlap", "{err}");

    // A Sunday-evening booking three weeks ahead, then the template ends in two weeks.
    let ends = Utc::now().with_timezone(&algiers()).date_naive() + Duration::days(14);
    // A slot of the Sunday-evening template after the end (read from the
    // database: a search's first 200 answers may stop short of it).
    let later_slot = slot::Entity::find()
        .filter(slot::Column::TemplateId.eq(c.templates[0]))
        .filter(slot::Column::StartsAt.gte(domain::booking::algiers_midnight(ends + Duration::days(2))))
        .order_by_asc(slot::Column::StartsAt)
        .one(app.domain.db())
        .await
        .unwrap()
        .expect("a Sunday-evening slot of the template after the end");
    let later = json!({"id": later_slot.id.to_string(), "starts_at": later_slot.starts_at.to_rfc3339()});
    let alice = s(&app.citizen_tokens().await, "access_token");
    let (status, booked) = book(&app, &alice, json!({"slot_id": later["id"]})).await;
    assert_eq!(status, StatusCode::CREATED);
    let res = app.post_auth(&format!("{url}/{}/end", c.templates[0]), &c.receptionist, &json!({"valid_to": ends.to_string()})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let change: Value = res.json().await.unwrap();
    assert!(change["slots_closed"].as_u64().unwrap() > 20, "{change}");
    assert_eq!(change["conflicts"].as_array().unwrap().len(), 1);
    assert_eq!(change["conflicts"][0]["appointment_id"], booked["id"]);
    let still_open = slot::Entity::find()
        .filter(slot::Column::TemplateId.eq(c.templates[0]))
        .filter(slot::Column::Status.eq(shared::SlotStatus::Open))
        .all(app.domain.db())
        .await
        .unwrap();
    assert!(still_open.iter().all(|s| s.starts_at.with_timezone(&algiers()).date_naive() <= ends || s.id.to_string() == s_id(&later)));
    // The citizen cancels it: its slot closes instead of returning to the search.
    assert_eq!(app.post_auth(&format!("/api/v1/appointments/{}/cancel", s(&booked, "id")), &alice, &json!({})).await.status(), StatusCode::OK);
    let freed = slot::Entity::find_by_id(s_id(&later).parse::<Uuid>().unwrap()).one(app.domain.db()).await.unwrap().unwrap();
    assert_eq!(freed.status, shared::SlotStatus::Closed);
    // After the end, the template is no longer "live": re-publishing those hours is allowed from then on.
    let again = json!({"practitioner_id": c.practitioner_id, "weekday": 7, "start": "16:00", "end": "20:00", "slot_minutes": 20, "valid_from": (ends + Duration::days(1)).to_string()});
    assert_eq!(app.post_auth(&url, &c.receptionist, &again).await.status(), StatusCode::CREATED);
}

fn s_id(v: &Value) -> String {
    s(v, "id")
}

#[tokio::test]
async fn holidays_list_fixed_and_islamic_days_and_only_a_health_admin_adds_one_which_closes_that_day() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let list: Vec<Value> = items(app.client.get(app.url("/api/v1/holidays?year=2027")).send().await.unwrap()).await;
    assert!(list.iter().any(|h| h["date"] == "2027-07-05" && h["kind"] == "fixed"));
    assert!(list.iter().any(|h| h["date"] == "2027-03-09" && h["kind"] == "islamic" && h["name_ar"] == "عيد الفطر"));
    let first = own_slots(&app, &c, 5).await[0].clone();
    let day = local_date(&first);
    let alice = s(&app.citizen_tokens().await, "access_token");
    let (status, booked) = book(&app, &alice, json!({"slot_id": first["id"]})).await;
    assert_eq!(status, StatusCode::CREATED);
    let body = json!({"date": day.to_string(), "name_ar": "عطلة", "name_fr": "Jour férié", "name_en": "Holiday"});
    assert_eq!(app.post_auth("/api/v1/holidays", &c.receptionist, &body).await.status(), StatusCode::FORBIDDEN);
    let admin = s(&app.token("0550000005", domain::seed::DEMO_PASSWORD).await, "access_token");
    let res = app.post_auth("/api/v1/holidays", &admin, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let change: Value = res.json().await.unwrap();
    assert!(change["slots_closed"].as_u64().unwrap() > 0);
    assert!(search_day(&app, &c.specialty, day).await.is_empty(), "no facility has free slots on a holiday");
    // The directorate learns how many bookings the day hits, not whose.
    assert_eq!((change["conflicts"].as_array().unwrap().len(), change["conflicts_elsewhere"].as_u64()), (0, Some(1)), "{change}");
    assert!(!change.to_string().contains("Amina") && !change.to_string().contains(booked["id"].as_str().unwrap()));
    // The facility's desk finds it in its day list.
    let list: Vec<Value> = items(app.get_auth(&format!("/api/v1/desk/day?date={day}&limit=200"), &c.receptionist).await).await;
    assert!(list.iter().any(|r| r["appointment_id"] == booked["id"]));
}

#[tokio::test]
async fn the_horizon_job_makes_missing_slots_again_but_not_on_closed_days() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let db = app.domain.db();
    let cut = Utc::now() + Duration::days(20);
    let before = slot::Entity::find().filter(slot::Column::TemplateId.eq(c.templates[0])).all(db).await.unwrap().len();
    // As if the horizon had been 20 days when the template was published.
    slot::Entity::delete_many().filter(slot::Column::TemplateId.is_in(c.templates.clone())).filter(slot::Column::StartsAt.gt(cut)).exec(db).await.unwrap();
    let sunday = (0..14).map(|d| (cut + Duration::days(2 + d)).with_timezone(&algiers()).date_naive()).find(|d| d.weekday() == chrono::Weekday::Sun).unwrap();
    let res =
        app.post_auth(&format!("/api/v1/facilities/{}/closures", c.facility_id), &c.receptionist, &json!({"date": sunday.to_string(), "kind": "closed"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(app.domain.schedule.extend_horizon().await.unwrap() > 0);
    let after = slot::Entity::find().filter(slot::Column::TemplateId.eq(c.templates[0])).all(db).await.unwrap();
    assert_eq!(after.len(), before - 24, "every Sunday again but the closed one (24 evening slots)");
    assert!(!after.iter().any(|s| s.starts_at.with_timezone(&algiers()).date_naive() == sunday));
    assert_eq!(app.domain.schedule.extend_horizon().await.unwrap(), 0, "a second run makes nothing");
}

#[tokio::test]
async fn minimum_notice_horizon_and_the_cap_on_active_appointments_are_refused_with_their_codes() {
    let app = spawn_app_with(|c| c.booking.max_active_appointments = 1).await;
    let c = clinic_with_slots(&app).await;
    let db = app.domain.db();
    let facility: Uuid = c.facility_id.parse().unwrap();
    let p = practitioner::Entity::find_by_id(c.practitioner_id.parse::<Uuid>().unwrap()).one(db).await.unwrap().unwrap();
    let soon = insert_slot(&app, shared::FacilityId(facility), &p, Utc::now() + Duration::minutes(61)).await;
    let far = insert_slot(&app, shared::FacilityId(facility), &p, Utc::now() + Duration::days(app.domain.config().booking.horizon_days + 3)).await;
    let alice = s(&app.citizen_tokens().await, "access_token");
    let (status, err) = book(&app, &alice, json!({"slot_id": soon})).await;
    assert_eq!((status, err["code"].as_str().unwrap()), (StatusCode::CONFLICT, "booking_too_soon"));
    let (_, err) = book(&app, &alice, json!({"slot_id": far})).await;
    assert_eq!(err["code"], "beyond_horizon");
    assert!(err["message"].as_str().unwrap().len() > 10, "a translated message: {err}");

    // One active appointment allowed: a second specialty is refused, a dependant is another person.
    let (status, _) = book(&app, &alice, json!({"slot_id": own_slots(&app, &c, 3).await[0]["id"]})).await;
    assert_eq!(status, StatusCode::CREATED);
    let other = other_specialty_practitioner(&app, facility, p.specialty_id).await;
    let other_slot = insert_slot(&app, shared::FacilityId(facility), &other, Utc::now() + Duration::days(4)).await;
    let (status, err) = book(&app, &alice, json!({"slot_id": other_slot})).await;
    assert_eq!((status, err["code"].as_str().unwrap()), (StatusCode::CONFLICT, "too_many_active"));
    let child = add_child(&app, &alice, "").await;
    let (status, _) = book(&app, &alice, json!({"slot_id": other_slot, "dependant_id": child})).await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn other_specialty_practitioner(app: &TestApp, facility: Uuid, not: shared::SpecialtyId) -> practitioner::Model {
    let db = app.domain.db();
    for link in practitioner_facility::Entity::find().filter(practitioner_facility::Column::FacilityId.eq(facility)).all(db).await.unwrap() {
        let p = practitioner::Entity::find_by_id(link.practitioner_id).one(db).await.unwrap().unwrap();
        let spec = specialty::Entity::find_by_id(p.specialty_id).one(db).await.unwrap().unwrap();
        if p.specialty_id != not && !spec.referral_required {
            return p;
        }
    }
    panic!("no practitioner of another specialty");
}

async fn add_child(app: &TestApp, token: &str, nin: &str) -> String {
    let res = app
        .post_auth(
            "/api/v1/me/dependants",
            token,
            &json!({"given_name": "Yacine", "family_name": "Benali", "birth_date": "2019-05-02", "sex": "male", "nin": nin, "relation": "child"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    s(&res.json::<Value>().await.unwrap(), "id")
}

#[tokio::test]
async fn a_parent_books_for_a_child_and_the_desk_finds_them_by_nin_verifies_the_child_and_books_for_a_citizen() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let alice = s(&app.citizen_tokens().await, "access_token");
    let bob = s(&app.citizen_tokens().await, "access_token");
    let (child_nin, _) = unique_ids();
    let child = add_child(&app, &alice, &child_nin).await;
    let deps: Vec<Value> = items(app.get_auth("/api/v1/me/dependants", &alice).await).await;
    assert_eq!((deps.len(), deps[0]["verified"].as_bool()), (1, Some(false)));
    let bad = app
        .post_auth(
            "/api/v1/me/dependants",
            &alice,
            &json!({"given_name": "", "family_name": "B", "birth_date": "2100-01-01", "sex": "x", "relation": "cousin"}),
        )
        .await;
    let (status, _, err) = error_code(bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["fields"].as_array().unwrap().len(), 4, "{err}");

    let slots = own_slots(&app, &c, 3).await;
    let (status, err) = book(&app, &bob, json!({"slot_id": slots[0]["id"], "dependant_id": child})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "another holder's dependant does not exist for Bob");
    assert_eq!(err["fields"][0]["field"], "dependant_id");
    let (status, for_child) = book(&app, &alice, json!({"slot_id": slots[0]["id"], "dependant_id": child})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(for_child["patient_name"], "Yacine Benali");
    let (status, _) = book(&app, &alice, json!({"slot_id": slots[1]["id"]})).await;
    assert_eq!(status, StatusCode::CREATED, "the same specialty for the parent: another person");
    let (status, err) = book(&app, &alice, json!({"slot_id": slots[2]["id"], "dependant_id": child})).await;
    assert_eq!((status, err["code"].as_str().unwrap()), (StatusCode::CONFLICT, "already_booked_specialty"));

    // The desk: look-up by the child's NIN finds the parent; verify the child.
    let why = "Rendez-vous au guichet";
    let found: Value = app.post_auth("/api/v1/desk/lookup", &c.receptionist, &json!({"nin": child_nin, "reason": why})).await.json().await.unwrap();
    assert_eq!(found["patient_id"], my_id(&app, &alice).await);
    assert_eq!(found["matched_dependant_id"], child.as_str());
    assert_eq!(app.post_auth("/api/v1/desk/lookup", &alice, &json!({"nin": child_nin, "reason": why})).await.status(), StatusCode::FORBIDDEN);
    // Only a desk of the family's own polyclinics verifies the child.
    let other = other_desk(&app, &c).await;
    assert_eq!(app.post_auth(&format!("/api/v1/desk/dependants/{child}/verify"), &other, &json!({})).await.status(), StatusCode::NOT_FOUND);
    let verified: Value = app.post_auth(&format!("/api/v1/desk/dependants/{child}/verify"), &c.receptionist, &json!({})).await.json().await.unwrap();
    assert_eq!(verified["verified"], true);

    // Desk booking for Bob, found by his NIN.
    let me: Value = app.get_auth("/api/v1/me", &bob).await.json().await.unwrap();
    let found: Value = app.post_auth("/api/v1/desk/lookup", &c.receptionist, &json!({"nin": me["nin"], "reason": why})).await.json().await.unwrap();
    let res = app.post_auth("/api/v1/desk/appointments", &c.receptionist, &json!({"patient_id": found["patient_id"], "slot_id": slots[3]["id"]})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let bobs: Vec<Value> = items(app.get_auth("/api/v1/appointments", &bob).await).await;
    assert_eq!(bobs.len(), 1);
    let day: Vec<Value> = items(app.get_auth(&format!("/api/v1/desk/day?date={}&limit=200", local_date(&slots[3])), &c.receptionist).await).await;
    let row = day.iter().find(|r| r["slot_id"] == slots[3]["id"]).unwrap();
    assert_eq!((row["status"].as_str(), row["booked_at_desk"].as_bool()), (Some("booked"), Some(true)));
    assert!(row["patient_name"].as_str().unwrap().contains("Amina"));
    // Another facility's desk can neither book here nor touch the booking.
    let res = app.post_auth("/api/v1/desk/appointments", &other, &json!({"patient_id": found["patient_id"], "slot_id": slots[4]["id"]})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.post_auth(&format!("/api/v1/desk/appointments/{}/cancel", s(&bobs[0], "id")), &other, &json!({})).await.status(), StatusCode::NOT_FOUND);
    let listed: Vec<Value> = items(app.get_auth(&format!("/api/v1/desk/patients/{}/appointments", s(&found, "patient_id")), &other).await).await;
    assert!(listed.is_empty(), "another facility sees none of its appointments");
}

#[tokio::test]
async fn a_referral_required_specialty_needs_an_unused_referral_which_a_cancellation_gives_back() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let db = app.domain.db();
    let cardio = specialty::Entity::find().filter(specialty::Column::Code.eq("cardiology")).one(db).await.unwrap().unwrap();
    assert!(cardio.referral_required);
    let p = practitioner::Entity::find().filter(practitioner::Column::SpecialtyId.eq(cardio.id)).one(db).await.unwrap().unwrap();
    let link = practitioner_facility::Entity::find().filter(practitioner_facility::Column::PractitionerId.eq(p.id)).one(db).await.unwrap().unwrap();
    let slot_id = insert_slot(&app, link.facility_id, &p, Utc::now() + Duration::days(5)).await;
    let alice = s(&app.citizen_tokens().await, "access_token");
    let (status, err) = book(&app, &alice, json!({"slot_id": slot_id})).await;
    assert_eq!((status, err["code"].as_str().unwrap()), (StatusCode::CONFLICT, "referral_required"));

    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    let expires = (Utc::now() + Duration::days(30)).date_naive().to_string();
    let body = json!({"patient_id": my_id(&app, &alice).await, "specialty": "cardiology", "priority": "urgent", "reason": "souffle", "expires_on": expires});
    assert_eq!(app.post_auth("/api/v1/referrals", &alice, &body).await.status(), StatusCode::FORBIDDEN, "citizens do not refer");
    assert_eq!(app.post_auth("/api/v1/referrals", &c.receptionist, &body).await.status(), StatusCode::FORBIDDEN, "nor does the desk");
    assert_eq!(app.post_auth("/api/v1/referrals", &doctor, &body).await.status(), StatusCode::NOT_FOUND, "a practitioner refers only a patient in their care");
    care_by_lookup(&app, &doctor, &alice).await;
    assert_eq!(app.post_auth("/api/v1/referrals", &doctor, &body).await.status(), StatusCode::CREATED);
    let (status, booked) = book(&app, &alice, json!({"slot_id": slot_id})).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let refs: Vec<Value> = items(app.get_auth("/api/v1/me/referrals", &alice).await).await;
    assert_eq!((refs.len(), refs[0]["used"].as_bool()), (1, Some(true)));

    // A second, routine referral that expires sooner: moving the appointment
    // keeps the urgent one it holds (not the one that expires first).
    let soon = (Utc::now() + Duration::days(8)).date_naive().to_string();
    let routine = json!({"patient_id": my_id(&app, &alice).await, "specialty": "cardiology", "priority": "routine", "reason": "contrôle", "expires_on": soon});
    assert_eq!(app.post_auth("/api/v1/referrals", &doctor, &routine).await.status(), StatusCode::CREATED);
    let later = insert_slot(&app, link.facility_id, &p, Utc::now() + Duration::days(6)).await;
    let res = app.post_auth(&format!("/api/v1/appointments/{}/reschedule", s(&booked, "id")), &alice, &json!({"slot_id": later})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let booked: Value = res.json().await.unwrap();
    let refs: Vec<Value> = items(app.get_auth("/api/v1/me/referrals", &alice).await).await;
    let used = |priority: &str| refs.iter().find(|r| r["priority"] == priority).map(|r| r["used"].clone());
    assert_eq!((used("urgent"), used("routine")), (Some(json!(true)), Some(json!(false))), "{refs:?}");

    assert_eq!(app.post_auth(&format!("/api/v1/appointments/{}/cancel", s(&booked, "id")), &alice, &json!({})).await.status(), StatusCode::OK);
    let refs: Vec<Value> = items(app.get_auth("/api/v1/me/referrals", &alice).await).await;
    assert!(refs.iter().all(|r| r["used"] == false), "a cancellation gives the referral back: {refs:?}");
}

#[tokio::test]
async fn referred_patients_still_without_an_appointment_reach_the_worklist_of_their_wilayas_desks_who_book_them() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    let (alice_phone, _) = app.register_citizen().await;
    let alice = s(&app.token(&alice_phone, PASSWORD).await, "access_token");
    let bob = s(&app.citizen_tokens().await, "access_token");
    let alice_id = my_id(&app, &alice).await;
    let expires = (Utc::now() + Duration::days(60)).date_naive().to_string();
    for (who, priority) in [(&alice, "urgent"), (&bob, "routine")] {
        care_by_lookup(&app, &doctor, who).await;
        let body = json!({"patient_id": my_id(&app, who).await, "specialty": c.specialty, "priority": priority, "reason": "bilan", "expires_on": expires});
        assert_eq!(app.post_auth("/api/v1/referrals", &doctor, &body).await.status(), StatusCode::CREATED);
    }
    let worklist = |token: String| {
        let app = &app;
        async move { app.get_auth("/api/v1/desk/referrals", &token).await }
    };
    let rows = |res: reqwest::Response| items(res);
    assert!(rows(worklist(c.receptionist.clone()).await).await.is_empty(), "not before the follow-up delay");
    let early = domain::entities::referral::Entity::find().one(app.domain.db()).await.unwrap().unwrap();
    let (status, _, _) = error_code(app.post_auth(&format!("/api/v1/desk/referrals/{}/open", early.id), &c.receptionist, &json!({})).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor taken on before it is listed");
    // Bob books by himself; a week and a day later only Alice still waits.
    let slots = own_slots(&app, &c, 20).await;
    assert_eq!(book(&app, &bob, json!({"slot_id": slots[0]["id"]})).await.0, StatusCode::CREATED);
    app.domain.clock().advance(Duration::days(8));
    // (Signed in again: a week on, the tokens have expired.)
    let desk = s(&app.token("0550000002", domain::seed::DEMO_PASSWORD).await, "access_token");
    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    let alice = s(&app.token(&alice_phone, PASSWORD).await, "access_token");
    let list = rows(worklist(desk.clone()).await).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!((list[0]["priority"].as_str(), list[0]["days_waiting"].as_i64()), (Some("urgent"), Some(8)));
    assert!(list[0].get("patient_name").is_none() && !list[0].to_string().contains("Amina"), "the list names nobody: {list:?}");
    // A desk of another wilaya has none of it.
    let far = desk_in_wilaya(&app, "46").await;
    assert!(rows(worklist(far).await).await.is_empty());
    assert_eq!(worklist(alice.clone()).await.status(), StatusCode::FORBIDDEN, "citizens have no worklist");

    // The desk opens it: Alice comes up as from a NIN look-up, logged with its reason; then books her.
    let open = format!("/api/v1/desk/referrals/{}/open", s(&list[0], "referral_id"));
    assert_eq!(app.post_auth(&open, &doctor, &json!({})).await.status(), StatusCode::FORBIDDEN, "practitioners do not run the worklist");
    let res = app.post_auth(&open, &desk, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let found: Value = res.json().await.unwrap();
    assert_eq!(s(&found, "patient_id"), alice_id);
    assert_eq!(s(&found, "given_name"), "Amina", "taken on, the patient shows");
    let log: Value = app.get_auth("/api/v1/me/record/accesses", &alice).await.json().await.unwrap();
    assert!(log["items"].as_array().unwrap().iter().any(|i| i["reason"] == "referral" && i["action"] == "desk_lookup"), "{log}");
    let res = app.post_auth("/api/v1/desk/appointments", &desk, &json!({"patient_id": found["patient_id"], "slot_id": slots[1]["id"]})).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    assert!(rows(worklist(desk.clone()).await).await.is_empty(), "booked: off the list");
}

/// A receptionist of a polyclinic of `wilaya` (other than the demo desk's).
async fn desk_in_wilaya(app: &TestApp, wilaya: &str) -> String {
    let there = facility::Entity::find().filter(facility::Column::WilayaCode.eq(wilaya)).one(app.domain.db()).await.unwrap().expect("a polyclinic there");
    app.domain
        .accounts
        .create_staff(NewStaff {
            role: Role::Receptionist,
            facility_id: Some(there.id),
            wilaya_code: None,
            given_name: PersonName::parse("Samir").unwrap(),
            family_name: PersonName::parse("Hadj").unwrap(),
            phone: Some(Phone::parse("0661999888").unwrap()),
            email: None,
            password: NewPassword::parse(PASSWORD).unwrap(),
            lang: Lang::Fr,
            specialty: None,
        })
        .await
        .unwrap();
    s(&app.token("0661999888", PASSWORD).await, "access_token")
}

/// A clinic and one of its slots, made the only free one of its day in
/// its specialty and wilaya (what the waitlist tests free and offer), with
/// that day.
async fn a_lone_slot(app: &TestApp) -> (Clinic, Value, NaiveDate) {
    let c = clinic_with_slots(app).await;
    let x = own_slots(app, &c, 3).await[0].clone();
    let day = local_date(&x);
    only_slot_of_the_day(app, &c, x["id"].as_str().unwrap(), day).await;
    (c, x, day)
}

/// Closes (test arrangement) every free slot of the specialty in the
/// wilaya on `day` except `keep`, so that `keep` is the day's only slot.
async fn only_slot_of_the_day(app: &TestApp, c: &Clinic, keep: &str, day: NaiveDate) {
    for s in search_day(app, &c.specialty, day).await {
        if s["id"] != keep {
            slot::Entity::update_many()
                .col_expr(slot::Column::Status, Expr::value(shared::SlotStatus::Closed))
                .filter(slot::Column::Id.eq(s_id(&s).parse::<Uuid>().unwrap()))
                .exec(app.domain.db())
                .await
                .unwrap();
        }
    }
    arranged(app);
}

async fn waitlist(app: &TestApp, token: &str) -> Vec<Value> {
    items(app.get_auth("/api/v1/waitlist", token).await).await
}

/// The waitlist job answers a change in the background, after its commit
/// (no request waits for it): the citizen's list, read again until its
/// first entry shows `status` (at most ten seconds).
async fn waitlist_once(app: &TestApp, token: &str, status: &str) -> Vec<Value> {
    eventually(10, &format!("the first entry {status}"), async || {
        let list = waitlist(app, token).await;
        (list[0]["status"] == status).then_some(list)
    })
    .await
}

#[tokio::test]
async fn a_freed_slot_is_held_for_the_first_waiting_citizen_then_the_next_on_decline_and_reopens_when_offers_lapse() {
    let app = spawn_app().await;
    let (c, x, day) = a_lone_slot(&app).await;
    let mut t = Vec::new();
    for _ in 0..5 {
        t.push(s(&app.citizen_tokens().await, "access_token"));
    }
    let (alice, bob, carol, dave, eve) = (&t[0], &t[1], &t[2], &t[3], &t[4]);
    let (status, booked) = book(&app, alice, json!({"slot_id": x["id"]})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(search_day(&app, &c.specialty, day).await.is_empty());

    let join = json!({"specialty": c.specialty, "wilaya": "31", "from": day.to_string(), "to": day.to_string()});
    for who in [bob, carol, dave] {
        let res = app.post_auth("/api/v1/waitlist", who, &join).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let entry: Value = res.json().await.unwrap();
        assert_eq!((entry["status"].as_str(), entry["offer"].is_null()), (Some("waiting"), true), "{entry}");
    }
    let (status, code, _) = error_code(app.post_auth("/api/v1/waitlist", bob, &join).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "already_waiting"));

    // Alice cancels: the slot is held for Bob, the first in line, and nobody else can take it.
    assert_eq!(app.post_auth(&format!("/api/v1/appointments/{}/cancel", s(&booked, "id")), alice, &json!({})).await.status(), StatusCode::OK);
    let bobs = waitlist_once(&app, bob, "offered").await;
    assert_eq!(bobs[0]["offer"]["slot"]["id"], x["id"]);
    assert_eq!(bobs[0]["offer"]["can_accept"], true, "a pending offer in time may be answered");
    assert!(waitlist(&app, carol).await[0]["offer"].is_null());
    assert!(search_day(&app, &c.specialty, day).await.is_empty(), "a held slot is not offered to the public");
    let (status, err) = book(&app, eve, json!({"slot_id": x["id"]})).await;
    assert_eq!((status, err["code"].as_str().unwrap()), (StatusCode::CONFLICT, "slot_unavailable"));
    let offer = s(&bobs[0]["offer"], "id");
    assert_eq!(app.post_auth(&format!("/api/v1/offers/{offer}/accept"), carol, &json!({})).await.status(), StatusCode::NOT_FOUND, "Bob's offer is not Carol's");

    // Bob declines: Carol gets it; Bob keeps waiting but is not offered the same slot again.
    assert_eq!(app.post_auth(&format!("/api/v1/offers/{offer}/decline"), bob, &json!({})).await.status(), StatusCode::NO_CONTENT);
    let carols = waitlist_once(&app, carol, "offered").await;
    assert_eq!(carols[0]["offer"]["slot"]["id"], x["id"]);
    assert_eq!(waitlist(&app, bob).await[0]["status"], "waiting");
    let (status, code, _) = error_code(app.post_auth(&format!("/api/v1/offers/{offer}/accept"), bob, &json!({})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "offer_expired"));

    // Carol accepts: the slot is hers.
    let res = app.post_auth(&format!("/api/v1/offers/{}/accept", s(&carols[0]["offer"], "id")), carol, &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let carol_booking: Value = res.json().await.unwrap();
    assert_eq!(carol_booking["slot_id"], x["id"]);
    assert_eq!(waitlist(&app, carol).await[0]["status"], "fulfilled");

    // Carol cancels: Dave is offered it; his hold runs out; the entry lapses and the slot reopens.
    assert_eq!(app.post_auth(&format!("/api/v1/appointments/{}/cancel", s(&carol_booking, "id")), carol, &json!({})).await.status(), StatusCode::OK);
    let daves = waitlist_once(&app, dave, "offered").await;
    assert_eq!(daves[0]["offer"]["slot"]["id"], x["id"]);
    slot_offer::Entity::update_many()
        .col_expr(slot_offer::Column::ExpiresAt, Expr::value(Utc::now() - Duration::minutes(1)))
        .filter(slot_offer::Column::Id.eq(s(&daves[0]["offer"], "id").parse::<Uuid>().unwrap()))
        .exec(app.domain.db())
        .await
        .unwrap();
    // Past its deadline and not yet swept: still listed, no longer answerable.
    let daves = waitlist(&app, dave).await;
    assert_eq!((daves[0]["status"].as_str(), daves[0]["offer"]["can_accept"].as_bool()), (Some("offered"), Some(false)));
    let (status, code, _) = error_code(app.post_auth(&format!("/api/v1/offers/{}/accept", s(&daves[0]["offer"], "id")), dave, &json!({})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "offer_expired"), "the flag and the door agree");
    app.domain.waitlist.run_waitlist().await.unwrap();
    assert_eq!(waitlist(&app, dave).await[0]["status"], "lapsed");
    assert_eq!(waitlist(&app, bob).await[0]["status"], "waiting", "Bob declined this slot: not offered again");
    let open = search_day(&app, &c.specialty, day).await;
    assert_eq!(open.len(), 1, "the slot is free for everyone again");
    assert_eq!(open[0]["id"], x["id"]);
    // An entry that has ended (fulfilled, lapsed) cannot be left: its
    // history stays as it was, and the list says so before anyone tries.
    for (who, status) in [(carol, "fulfilled"), (dave, "lapsed")] {
        let entry = waitlist(&app, who).await[0].clone();
        assert_eq!((entry["status"].as_str(), entry["can_leave"].as_bool()), (Some(status), Some(false)), "{entry}");
        let res = app.post_auth(&format!("/api/v1/waitlist/{}/leave", s_id(&entry)), who, &json!({})).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(waitlist(&app, who).await[0]["status"], status);
    }
    // Bob, still waiting, may leave, and does.
    let entry = waitlist(&app, bob).await[0].clone();
    assert_eq!(entry["can_leave"], true);
    let id = s_id(&entry);
    assert_eq!(app.post_auth(&format!("/api/v1/waitlist/{id}/leave"), bob, &json!({})).await.status(), StatusCode::NO_CONTENT);
    let left = waitlist(&app, bob).await[0].clone();
    assert_eq!((left["status"].as_str(), left["can_leave"].as_bool()), (Some("left"), Some(false)));
}

/// No request waits for the waiting list: a cancellation signals its
/// scope (specialty, wilaya) and returns; the waitlist job (off in this
/// server, run here by hand) offers the slot, reading only signalled scopes
/// and leaving one that another run holds under its lease.
#[tokio::test]
async fn the_waitlist_job_not_the_request_offers_a_freed_slot_in_its_scope_only_and_under_a_lease() {
    use domain::entities::waitlist_signal;
    let app = spawn_app_with(|c| c.waitlist_job = false).await;
    let (c, x, day) = a_lone_slot(&app).await;
    let alice = s(&app.citizen_tokens().await, "access_token");
    let bob = s(&app.citizen_tokens().await, "access_token");
    let zed = s(&app.citizen_tokens().await, "access_token");
    let (_, booked) = book(&app, &alice, json!({"slot_id": x["id"]})).await;
    let db = app.domain.db();
    let mine = specialty::Entity::find().filter(specialty::Column::Code.eq(c.specialty.as_str())).one(db).await.unwrap().unwrap();
    // Zed waits in another scope, where a slot is free: another specialty in Oran.
    let oran: Vec<shared::FacilityId> =
        facility::Entity::find().filter(facility::Column::WilayaCode.eq("31")).all(db).await.unwrap().into_iter().map(|f| f.id).collect();
    let mut other = None;
    for sl in slot::Entity::find()
        .filter(slot::Column::Status.eq(shared::SlotStatus::Open))
        .filter(slot::Column::SpecialtyId.ne(mine.id))
        .filter(slot::Column::FacilityId.is_in(oran))
        .filter(slot::Column::StartsAt.gt(Utc::now() + Duration::days(3)))
        .order_by_asc(slot::Column::StartsAt)
        .all(db)
        .await
        .unwrap()
    {
        let spec = specialty::Entity::find_by_id(sl.specialty_id).one(db).await.unwrap().unwrap();
        if !spec.referral_required {
            other = Some((spec, sl.starts_at.with_timezone(&algiers()).date_naive()));
            break;
        }
    }
    let (other, zed_day) = other.expect("another specialty with a free slot in Oran");
    let scope = |sp: shared::SpecialtyId| {
        waitlist_signal::Entity::find().filter(waitlist_signal::Column::SpecialtyId.eq(sp)).filter(waitlist_signal::Column::WilayaCode.eq("31"))
    };
    for (who, code, d) in [(&zed, other.code.as_str(), zed_day), (&bob, c.specialty.as_str(), day)] {
        let join = json!({"specialty": code, "wilaya": "31", "from": d.to_string(), "to": d.to_string()});
        assert_eq!(app.post_auth("/api/v1/waitlist", who, &join).await.status(), StatusCode::CREATED);
        assert_eq!(waitlist(&app, who).await[0]["status"], "waiting", "joining offered nothing by itself");
    }
    assert!(scope(other.id).one(db).await.unwrap().is_some(), "Zed's joining signalled his scope");
    // As far as the job can tell, Zed's scope has been answered already.
    waitlist_signal::Entity::delete_many().filter(waitlist_signal::Column::SpecialtyId.eq(other.id)).exec(db).await.unwrap();

    // Alice cancels: the request returns with Bob still waiting, and a signal for his scope.
    assert_eq!(app.post_auth(&format!("/api/v1/appointments/{}/cancel", s(&booked, "id")), &alice, &json!({})).await.status(), StatusCode::OK);
    assert_eq!(waitlist(&app, &bob).await[0]["status"], "waiting");
    assert!(scope(mine.id).one(db).await.unwrap().is_some());
    // Another run holds that scope under its lease: this run leaves it.
    waitlist_signal::Entity::update_many()
        .col_expr(waitlist_signal::Column::LeaseOwner, Expr::value(Some(Uuid::new_v4())))
        .col_expr(waitlist_signal::Column::LeaseUntil, Expr::value(Some(app.domain.clock().now() + Duration::seconds(60))))
        .filter(waitlist_signal::Column::SpecialtyId.eq(mine.id))
        .exec(db)
        .await
        .unwrap();
    assert_eq!(app.domain.waitlist.run_waitlist().await.unwrap(), 0);
    assert_eq!(waitlist(&app, &bob).await[0]["status"], "waiting");
    // Its lease runs out (that run died): the scope is taken, Bob is offered the slot.
    app.domain.clock().advance(Duration::seconds(61));
    assert_eq!(app.domain.waitlist.run_waitlist().await.unwrap(), 1);
    let bobs = waitlist(&app, &bob).await;
    assert_eq!((bobs[0]["status"].as_str(), &bobs[0]["offer"]["slot"]["id"]), (Some("offered"), &x["id"]));
    assert!(scope(mine.id).one(db).await.unwrap().is_none(), "the answered signal is gone");
    // Zed's scope was not signalled, so not read: his free slot was not offered…
    assert_eq!(waitlist(&app, &zed).await[0]["status"], "waiting");
    // …and it would have been (positive control): the job's start signals every scope with someone waiting.
    assert_eq!(app.domain.waitlist.resume().await.unwrap(), 1);
    assert_eq!(waitlist(&app, &zed).await[0]["status"], "offered");
}

/// Every endpoint that takes an id, called by someone it does not belong
/// to: another citizen gets 404 (the object does not exist for them),
/// another facility's desk 404, a citizen on staff endpoints 403; and the
/// object is unchanged.
#[tokio::test]
async fn every_id_taking_endpoint_refuses_other_users() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let alice = s(&app.citizen_tokens().await, "access_token");
    let bob = s(&app.citizen_tokens().await, "access_token");
    let other = other_desk(&app, &c).await;
    let slots = own_slots(&app, &c, 3).await;
    let child = add_child(&app, &alice, "").await;
    let (_, appt) = book(&app, &alice, json!({"slot_id": slots[0]["id"]})).await;
    let appt = s(&appt, "id");
    let x = slots[1].clone();
    let day = local_date(&x);
    only_slot_of_the_day(&app, &c, x["id"].as_str().unwrap(), day).await;
    let (_, held) = book(&app, &bob, json!({"slot_id": x["id"], "dependant_id": ""})).await;
    let res = app
        .post_auth(
            "/api/v1/waitlist",
            &alice,
            &json!({"specialty": c.specialty, "wilaya": "31", "from": day.to_string(), "to": day.to_string(), "dependant_id": child}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(app.post_auth(&format!("/api/v1/appointments/{}/cancel", s(&held, "id")), &bob, &json!({})).await.status(), StatusCode::OK);
    let entry = waitlist_once(&app, &alice, "offered").await.remove(0);
    let offer = s(&entry["offer"], "id");
    let entry = s_id(&entry);
    let patient = my_id(&app, &alice).await;
    let move_to = json!({"slot_id": slots[2]["id"]});

    let citizen_cases: Vec<(String, Value)> = vec![
        (format!("/api/v1/appointments/{appt}/cancel"), json!({})),
        (format!("/api/v1/appointments/{appt}/reschedule"), move_to.clone()),
        (format!("/api/v1/waitlist/{entry}/leave"), json!({})),
        (format!("/api/v1/offers/{offer}/accept"), json!({})),
        (format!("/api/v1/offers/{offer}/decline"), json!({})),
    ];
    for (path, body) in &citizen_cases {
        assert_eq!(app.post_auth(path, &bob, body).await.status(), StatusCode::NOT_FOUND, "Bob: {path}");
    }
    let (status, _) = book(&app, &bob, json!({"slot_id": slots[3]["id"], "dependant_id": child})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "Bob books for Alice's child");
    let desk_cases: Vec<(String, Value)> =
        vec![(format!("/api/v1/desk/appointments/{appt}/cancel"), json!({})), (format!("/api/v1/desk/appointments/{appt}/reschedule"), move_to.clone())];
    for (path, body) in &desk_cases {
        assert_eq!(app.post_auth(path, &other, body).await.status(), StatusCode::NOT_FOUND, "other desk: {path}");
        assert_eq!(app.post_auth(path, &bob, body).await.status(), StatusCode::FORBIDDEN, "citizen: {path}");
    }
    let staff_only: Vec<(String, Value)> = vec![
        (format!("/api/v1/desk/dependants/{child}/verify"), json!({})),
        ("/api/v1/desk/appointments".into(), json!({"patient_id": patient, "slot_id": slots[3]["id"]})),
        ("/api/v1/desk/lookup".into(), json!({"nin": "109876543210987654", "reason": "Rendez-vous au guichet"})),
        (format!("/api/v1/slots/{}/close", s_id(&slots[3])), json!({})),
        (format!("/api/v1/facilities/{}/closures", c.facility_id), json!({"date": day.to_string(), "kind": "closed"})),
        (format!("/api/v1/facilities/{}/templates/{}/end", c.facility_id, c.templates[0]), json!({"valid_to": day.to_string()})),
    ];
    for (path, body) in &staff_only {
        assert_eq!(app.post_auth(path, &bob, body).await.status(), StatusCode::FORBIDDEN, "citizen: {path}");
    }
    for (path, body) in staff_only.iter().skip(3) {
        let status = app.post_auth(path, &other, body).await.status();
        assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "other desk: {path} gave {status}");
    }
    for path in [
        format!("/api/v1/desk/day?date={day}&limit=200"),
        format!("/api/v1/desk/patients/{patient}/appointments"),
        "/api/v1/desk/practitioners".into(),
        "/api/v1/desk/templates".into(),
    ] {
        assert_eq!(app.get_auth(&path, &bob).await.status(), StatusCode::FORBIDDEN, "citizen: {path}");
    }
    // Nothing changed: Alice's appointment, entry and offer are intact.
    let mine: Vec<Value> = items(app.get_auth("/api/v1/appointments", &alice).await).await;
    assert!(mine.iter().any(|a| a["id"] == appt.as_str() && a["status"] == "booked"));
    let w = waitlist(&app, &alice).await;
    assert_eq!((w[0]["status"].as_str(), w[0]["offer"]["id"].as_str()), (Some("offered"), Some(offer.as_str())));
    let deps: Vec<Value> = items(app.get_auth("/api/v1/me/dependants", &alice).await).await;
    assert_eq!(deps[0]["verified"], false);
}

#[tokio::test]
async fn closing_a_held_slot_withdraws_its_offer_and_the_citizen_waits_again() {
    let app = spawn_app().await;
    let (c, x, day) = a_lone_slot(&app).await;
    let alice = s(&app.citizen_tokens().await, "access_token");
    let bob = s(&app.citizen_tokens().await, "access_token");
    let (_, booked) = book(&app, &alice, json!({"slot_id": x["id"]})).await;
    let join = json!({"specialty": c.specialty, "wilaya": "31", "from": day.to_string(), "to": day.to_string()});
    assert_eq!(app.post_auth("/api/v1/waitlist", &bob, &join).await.status(), StatusCode::CREATED);
    assert_eq!(app.post_auth(&format!("/api/v1/appointments/{}/cancel", s(&booked, "id")), &alice, &json!({})).await.status(), StatusCode::OK);
    waitlist_once(&app, &bob, "offered").await;
    let res = app.post_auth(&format!("/api/v1/slots/{}/close", s_id(&x)), &c.receptionist, &json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let w = waitlist(&app, &bob).await;
    assert_eq!((w[0]["status"].as_str(), w[0]["offer"].is_null()), (Some("waiting"), true), "{w:?}");
    let closed = slot::Entity::find_by_id(s_id(&x).parse::<Uuid>().unwrap()).one(app.domain.db()).await.unwrap().unwrap();
    assert_eq!(closed.status, shared::SlotStatus::Closed);
}

#[tokio::test]
async fn the_search_narrows_to_a_facility_or_a_practitioner_when_asked() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let from = (Utc::now() + Duration::days(2)).date_naive();
    let to = from + Duration::days(14);
    let base = format!("/api/v1/slots?specialty={}&wilaya=31&from={from}&to={to}&limit=200", c.specialty);
    let get = |url: String| {
        let app = &app;
        async move { items(app.client.get(app.url(&url)).send().await.unwrap()).await }
    };
    let all = get(base.clone()).await;
    let by_practitioner = get(format!("{base}&practitioner_id={}", c.practitioner_id)).await;
    assert!(!by_practitioner.is_empty());
    assert!(by_practitioner.iter().all(|s| s["practitioner_id"] == c.practitioner_id.as_str()));
    assert!(all.iter().any(|s| s["practitioner_id"] != c.practitioner_id.as_str()), "the unfiltered search has other practitioners");
    let by_facility = get(format!("{base}&facility_id={}", c.facility_id)).await;
    assert!(!by_facility.is_empty() && by_facility.iter().all(|s| s["facility_id"] == c.facility_id.as_str()));
    assert!(get(format!("{base}&facility_id={}", Uuid::new_v4())).await.is_empty());
    let facilities: Vec<Value> = items(app.client.get(app.url("/api/v1/facilities?wilaya=31")).send().await.unwrap()).await;
    assert!(facilities.len() >= 2 && facilities.iter().any(|f| f["id"] == c.facility_id.as_str()));
}
