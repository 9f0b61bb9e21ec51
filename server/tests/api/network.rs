//! The network run by the wilaya's health directorate: facilities opened,
//! changed, closed and opened again, in its wilaya only, each act in the
//! admin audit log with the record before and after.

use crate::booking::clinic_with_slots;
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use shared::Role;

async fn commune_of(app: &TestApp, wilaya: &str, name_fr: &str) -> String {
    let page: Value = app.client.get(app.url(&format!("/api/v1/directory/wilayas/{wilaya}/communes?limit=200"))).send().await.unwrap().json().await.unwrap();
    let c = page["items"].as_array().unwrap().iter().find(|c| c["name_fr"] == name_fr || name_fr.is_empty()).expect("the commune").clone();
    s(&c, "id")
}

#[tokio::test]
async fn the_directorate_opens_changes_and_closes_its_wilayas_facilities_and_reads_each_act() {
    let app = spawn_app().await;
    let clinic = clinic_with_slots(&app).await;
    let directorate = s(&app.token("0550000005", domain::seed::DEMO_PASSWORD).await, "access_token");
    let facility_admin = s(&app.token("0550000004", domain::seed::DEMO_PASSWORD).await, "access_token");
    let citizen = s(&app.citizen_tokens().await, "access_token");
    let gdyel = commune_of(&app, "31", "Gdyel").await;
    let elsewhere = commune_of(&app, "46", "").await;
    let body = json!({
        "kind": "polyclinic", "name_ar": "العيادة المتعددة الخدمات قديل", "name_fr": "Polyclinique de Gdyel", "commune_id": gdyel,
        "address": "Rue principale, Gdyel", "phone": "041 23 45 67", "opens_at": "08:00", "closes_at": "16:30", "open_days": [7, 1, 2, 3, 4],
        "latitude": 35.78, "longitude": -0.43, "specialties": ["general_practice", "paediatrics"]
    });

    // Only the directorate; and only in its wilaya, with valid fields.
    for token in [&facility_admin, &clinic.receptionist, &citizen] {
        assert_eq!(app.post_auth("/api/v1/admin/facilities", token, &body).await.status(), StatusCode::FORBIDDEN);
    }
    for (field, bad) in [("commune_id", json!(elsewhere)), ("specialties", json!(["astrology"])), ("closes_at", json!("07:00")), ("latitude", json!(60.0))] {
        let mut wrong = body.clone();
        wrong[field] = bad;
        let (status, _, err) = error_code(app.post_auth("/api/v1/admin/facilities", &directorate, &wrong).await).await;
        assert_eq!((status, err["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{err}");
    }
    let res = app.post_auth("/api/v1/admin/facilities", &directorate, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let created: Value = res.json().await.unwrap();
    let id = s(&created, "id");
    assert_eq!((created["wilaya_code"].as_str(), created["open_days"].clone()), (Some("31"), json!([7, 1, 2, 3, 4])));
    let listed: Value = app.client.get(app.url(&format!("/api/v1/directory/facilities/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["specialties"], json!(["general_practice", "paediatrics"]), "in the directory at once: {listed}");

    // Changed: its name and what it offers.
    let mut changed = body.clone();
    changed["name_fr"] = json!("Polyclinique Gdyel centre");
    changed["specialties"] = json!(["general_practice"]);
    let res = app.put_auth(&format!("/api/v1/admin/facilities/{id}"), &directorate, &changed).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let listed: Value = app.client.get(app.url(&format!("/api/v1/directory/facilities/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((listed["name_fr"].as_str(), listed["specialties"].clone()), (Some("Polyclinique Gdyel centre"), json!(["general_practice"])));

    // Another wilaya's directorate sees none of it and changes nothing.
    app.domain.accounts.create_staff(domain::accounts::NewStaff { wilaya_code: Some("46".into()), ..staff(Role::HealthAdmin, "0661999777") }).await.unwrap();
    let theirs = s(&app.token("0661999777", PASSWORD).await, "access_token");
    assert_eq!(app.put_auth(&format!("/api/v1/admin/facilities/{id}"), &theirs, &changed).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.post_auth(&format!("/api/v1/admin/facilities/{id}/deactivate"), &theirs, &json!({})).await.status(), StatusCode::NOT_FOUND);
    let their_list: Value = app.get_auth("/api/v1/admin/facilities", &theirs).await.json().await.unwrap();
    assert!(their_list["items"].as_array().unwrap().iter().all(|f| f["wilaya_code"] == "46"), "{their_list}");
    let their_audit: Value = app.get_auth("/api/v1/admin/audit", &theirs).await.json().await.unwrap();
    assert_eq!(their_audit["items"], json!([]));

    // Closing the demo desk's polyclinic: out of the directory and of searches, no booking; opened again, bookable.
    let slots = |app: &TestApp| {
        let url = format!(
            "/api/v1/slots?specialty={}&wilaya=31&from={}&to={}&facility_id={}&limit=200",
            clinic.specialty,
            chrono::Utc::now().date_naive() + chrono::Duration::days(3),
            chrono::Utc::now().date_naive() + chrono::Duration::days(30),
            clinic.facility_id
        );
        let req = app.client.get(app.url(&url));
        async move { items(req.send().await.unwrap()).await }
    };
    let free = slots(&app).await;
    assert!(!free.is_empty());
    let res = app.post_auth(&format!("/api/v1/admin/facilities/{}/deactivate", clinic.facility_id), &directorate, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    assert!(slots(&app).await.is_empty(), "no slot of a closed facility is offered");
    let staff_there: Value =
        app.client.get(app.url(&format!("/api/v1/directory/practitioners?facility_id={}", clinic.facility_id))).send().await.unwrap().json().await.unwrap();
    assert_eq!(staff_there["items"], json!([]), "nobody works at a closed facility, for the directory");
    assert_eq!(app.client.get(app.url(&format!("/api/v1/directory/facilities/{}", clinic.facility_id))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let (status, code, _) = error_code(app.post_auth("/api/v1/appointments", &citizen, &json!({ "slot_id": free[0]["id"] })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "slot_unavailable"));
    let again = app.post_auth(&format!("/api/v1/admin/facilities/{}/deactivate", clinic.facility_id), &directorate, &json!({})).await;
    assert_eq!(again.status(), StatusCode::OK, "closing a closed facility changes nothing (and logs nothing, below)");
    app.post_auth(&format!("/api/v1/admin/facilities/{}/reactivate", clinic.facility_id), &directorate, &json!({})).await;
    let res = app.post_auth("/api/v1/appointments", &citizen, &json!({ "slot_id": free[0]["id"] })).await;
    assert_eq!(res.status(), StatusCode::CREATED, "open again: {}", res.text().await.unwrap());

    // The audit log: every act, newest first, who did it, before and after.
    let audit: Value = app.get_auth("/api/v1/admin/audit", &directorate).await.json().await.unwrap();
    let acts: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(acts, ["facility_reactivated", "facility_deactivated", "facility_updated", "facility_created"], "{audit}");
    let updated = &audit["items"][2];
    let before: Value = serde_json::from_str(updated["before"].as_str().unwrap()).unwrap();
    let after: Value = serde_json::from_str(updated["after"].as_str().unwrap()).unwrap();
    assert_eq!((before["name_fr"].as_str(), after["name_fr"].as_str()), (Some("Polyclinique de Gdyel"), Some("Polyclinique Gdyel centre")));
    assert!(audit["items"][3]["before"].is_null(), "nothing before a creation");
    assert!(!s(&audit["items"][0], "actor_name").is_empty());
    assert_eq!(audit["items"][0]["subject_name"], "Polyclinique Es-Seddikia");
    assert_eq!(app.get_auth("/api/v1/admin/audit", &facility_admin).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_network_page_opens_a_facility_from_its_form_with_the_ticked_days_and_specialties() {
    let app = spawn_app().await;
    app.domain.seed_demo().await.unwrap();
    let directorate = web_session(&app, "0550000005", domain::seed::DEMO_PASSWORD).await;
    let desk = web_session(&app, "0550000002", domain::seed::DEMO_PASSWORD).await;
    let gdyel = commune_of(&app, "31", "Gdyel").await;
    // As the page's form sends it: checkboxes only when ticked, as indexed lists.
    let form = |id: &str| {
        vec![
            ("id", id.to_owned()),
            ("kind", "polyclinic".to_owned()),
            ("name_fr", "Polyclinique de Gdyel".to_owned()),
            ("name_ar", "العيادة المتعددة الخدمات قديل".to_owned()),
            ("commune_id", gdyel.clone()),
            ("address", "Rue principale".to_owned()),
            ("phone", "041 23 45 67".to_owned()),
            ("opens_at", "08:00".to_owned()),
            ("closes_at", "15:30".to_owned()),
            ("days[0]", "7".to_owned()),
            ("days[2]", "2".to_owned()),
            ("specialties[0]", "general_practice".to_owned()),
            ("specialties[5]", "paediatrics".to_owned()),
            ("latitude", "35,78".to_owned()),
            ("longitude", "-0.43".to_owned()),
        ]
    };
    let post = |cookie: &str, form: Vec<(&'static str, String)>| {
        let req = app.client.post(app.url("/sfn/save_facility")).header("origin", &app.base).header("cookie", cookie).form(&form);
        async move { req.send().await.unwrap() }
    };
    let refused = post(&desk, form("")).await;
    assert!(!refused.status().is_success() && refused.text().await.unwrap().contains("forbidden"), "the desk may not");
    // Coordinates that do not read as numbers are said to be wrong, not dropped.
    let mut unreadable = form("");
    unreadable.retain(|(k, _)| *k != "latitude");
    unreadable.push(("latitude", "nord".to_owned()));
    let res = post(&directorate, unreadable).await;
    assert!(!res.status().is_success() && res.text().await.unwrap().contains("latitude"));
    let res = post(&directorate, form("")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let saved: Value = res.json().await.unwrap();
    assert_eq!((saved["open_days"].clone(), saved["specialties"].clone()), (json!([7, 2]), json!(["general_practice", "paediatrics"])), "{saved}");
    assert_eq!((saved["phone"].as_str(), saved["latitude"].as_f64()), (Some("+21341234567"), Some(35.78)));
    // The page lists it, with its form to change it.
    let page = app.client.get(app.url("/network")).header("cookie", &directorate).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Polyclinique de Gdyel") && page.contains("data-test=\"facility-form\""), "the network page");
}

#[tokio::test]
async fn the_directorate_edits_the_specialty_catalogue_and_bookings_follow_its_referral_rule() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let pw = domain::seed::DEMO_PASSWORD;
    let oran = s(&app.token("0550000005", pw).await, "access_token");
    let tlemcen = s(&app.token(domain::seed::OTHER_DIRECTORATE_PHONE, pw).await, "access_token");
    let admin = s(&app.token("0550000004", pw).await, "access_token");
    let citizen = s(&app.citizen_tokens().await, "access_token");
    let path = format!("/api/v1/admin/specialties/{}", c.specialty);
    let body = json!({ "name_ar": "تخصص مُعاد تسميته", "name_fr": "Spécialité renommée", "name_en": "Renamed specialty", "referral_required": true });

    // Only a directorate; every name required; an unknown code is not found.
    for token in [&admin, &c.receptionist, &citizen] {
        assert_eq!(app.put_auth(&path, token, &body).await.status(), StatusCode::FORBIDDEN);
    }
    let (status, _, err) = error_code(app.put_auth(&path, &oran, &json!({ "name_ar": "", "name_fr": "x", "name_en": "y" })).await).await;
    assert_eq!((status, err["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name_ar")));
    assert_eq!(app.put_auth("/api/v1/admin/specialties/astrology", &oran, &body).await.status(), StatusCode::NOT_FOUND);

    // Positive control first: before the rule, a citizen books without a referral.
    let from = app.domain.today() + chrono::Duration::days(3);
    let slots = c.free_slots(&app, from, from + chrono::Duration::days(40)).await;
    let res = app.post_auth("/api/v1/appointments", &citizen, &json!({ "slot_id": slots[0]["id"] })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let booked: Value = res.json().await.unwrap();

    let res = app.put_auth(&path, &oran, &body).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let listed = items(app.client.get(app.url("/api/v1/directory/specialties?limit=200")).send().await.unwrap()).await;
    let it = listed.iter().find(|s| s["code"] == c.specialty.as_str()).unwrap();
    assert_eq!((it["name_fr"].as_str(), it["referral_required"].as_bool()), (Some("Spécialité renommée"), Some(true)));
    // Another citizen now needs a referral for it.
    let other = s(&app.citizen_tokens().await, "access_token");
    let (status, code, _) = error_code(app.post_auth("/api/v1/appointments", &other, &json!({ "slot_id": slots[1]["id"] })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "referral_required"));
    // The appointment booked before the rule keeps its terms: it moves without one.
    let res = app.post_auth(&format!("/api/v1/appointments/{}/reschedule", s(&booked, "id")), &citizen, &json!({ "slot_id": slots[2]["id"] })).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());

    // The catalogue is national: both directorates read the act, once (saving it unchanged logs nothing).
    assert_eq!(app.put_auth(&path, &tlemcen, &body).await.status(), StatusCode::OK);
    for token in [&oran, &tlemcen] {
        let audit = items(app.get_auth("/api/v1/admin/audit", token).await).await;
        let acts: Vec<&Value> = audit.iter().filter(|a| a["action"] == "specialty_updated").collect();
        assert_eq!(acts.len(), 1, "{audit:?}");
        assert_eq!((acts[0]["subject_kind"].as_str(), acts[0]["subject_name"].as_str()), (Some("specialty"), Some("Spécialité renommée")));
        assert!(acts[0]["before"].as_str().unwrap().contains("referral_required\":false"));
    }

    // A new specialty: only a directorate adds one, its code is checked and taken for good.
    let new = json!({ "code": "sports_medicine", "name_ar": "الطب الرياضي", "name_fr": "Médecine du sport", "name_en": "Sports medicine" });
    assert_eq!(app.post_auth("/api/v1/admin/specialties", &admin, &new).await.status(), StatusCode::FORBIDDEN);
    let bad = json!({ "code": "Sports medicine", "name_ar": "x", "name_fr": "x", "name_en": "x" });
    let (status, _, err) = error_code(app.post_auth("/api/v1/admin/specialties", &oran, &bad).await).await;
    assert_eq!(
        (status, err["fields"][0]["field"].as_str(), err["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("code"), Some("bad_request"))
    );
    let res = app.post_auth("/api/v1/admin/specialties", &oran, &new).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let (status, _, err) = error_code(app.post_auth("/api/v1/admin/specialties", &tlemcen, &new).await).await;
    assert_eq!((status, err["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("code_taken")));
    let listed = items(app.client.get(app.url("/api/v1/directory/specialties?limit=200")).send().await.unwrap()).await;
    assert!(listed.iter().any(|s| s["code"] == "sports_medicine" && s["name_en"] == "Sports medicine"), "{listed:?}");
    let audit = items(app.get_auth("/api/v1/admin/audit", &tlemcen).await).await;
    let created: Vec<&Value> = audit.iter().filter(|a| a["action"] == "specialty_created").collect();
    assert_eq!((created.len(), created[0]["subject_name"].as_str()), (1, Some("Médecine du sport")), "every directorate reads it");

    // The catalogue's forms are on the directorate's page only.
    for (login, shown) in [("0550000005", true), ("0550000004", false)] {
        let cookie = web_session(&app, login, pw).await;
        let html = app.client.get(app.url("/network")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
        assert_eq!(html.contains(r#"data-test="catalogue""#), shown, "{login}");
    }
}

#[tokio::test]
async fn the_directorate_posts_a_practitioner_to_a_second_facility_and_ends_the_post_leaving_the_booked_to_the_desk() {
    use chrono::{Duration, Utc};
    use domain::entities::{practitioner, slot, specialty, user};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let pw = domain::seed::DEMO_PASSWORD;
    let oran = s(&app.token("0550000005", pw).await, "access_token");
    let tlemcen = s(&app.token(domain::seed::OTHER_DIRECTORATE_PHONE, pw).await, "access_token");
    let admin = s(&app.token("0550000004", pw).await, "access_token");
    let db = app.domain.db();

    // A second polyclinic in Oran that does not offer the practitioner's specialty yet.
    let gdyel = commune_of(&app, "31", "Gdyel").await;
    let other = if c.specialty == "general_practice" { "paediatrics" } else { "general_practice" };
    let body = json!({
        "kind": "polyclinic", "name_ar": "العيادة المتعددة الخدمات قديل", "name_fr": "Polyclinique de Gdyel", "commune_id": gdyel,
        "address": "Rue principale, Gdyel", "opens_at": "08:00", "closes_at": "16:30", "open_days": [7, 1, 2, 3, 4], "specialties": [other]
    });
    let res = app.post_auth("/api/v1/admin/facilities", &oran, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let second = s(&res.json::<Value>().await.unwrap(), "id");
    let posts_before = items(app.get_auth("/api/v1/admin/practitioners?limit=200", &oran).await)
        .await
        .iter()
        .find(|p| p["id"] == c.practitioner_id.as_str())
        .expect("listed for Oran")["posts"]
        .as_array()
        .unwrap()
        .len();

    // Only the directorate of that facility's wilaya posts there.
    let path = format!("/api/v1/admin/practitioners/{}/posts", c.practitioner_id);
    let post = json!({ "facility_id": second });
    assert_eq!(app.post_auth(&path, &admin, &post).await.status(), StatusCode::FORBIDDEN, "a facility administrator");
    let (status, _, err) = error_code(app.post_auth(&path, &tlemcen, &post).await).await;
    assert_eq!((status, err["fields"][0]["field"].as_str()), (StatusCode::NOT_FOUND, Some("facility_id")), "another wilaya's facility");
    let nobody = format!("/api/v1/admin/practitioners/{}/posts", uuid::Uuid::new_v4());
    assert_eq!(app.post_auth(&nobody, &oran, &post).await.status(), StatusCode::NOT_FOUND);
    let res = app.post_auth(&path, &oran, &post).await;
    assert_eq!(res.status(), StatusCode::OK);
    let posted: Value = res.json().await.unwrap();
    let places: Vec<&str> = posted["posts"].as_array().unwrap().iter().map(|p| p["facility_id"].as_str().unwrap()).collect();
    assert!(places.contains(&second.as_str()) && places.contains(&c.facility_id.as_str()), "{posted}");
    assert_eq!(app.post_auth(&path, &oran, &post).await.status(), StatusCode::OK, "again: nothing changes");

    // The directory shows it there, and the facility now offers the specialty.
    let profile: Value = app.client.get(app.url(&format!("/api/v1/directory/practitioners/{}", c.practitioner_id))).send().await.unwrap().json().await.unwrap();
    assert!(profile["facilities"].as_array().unwrap().iter().any(|f| f == second.as_str()), "{profile}");
    let place: Value = app.client.get(app.url(&format!("/api/v1/directory/facilities/{second}"))).send().await.unwrap().json().await.unwrap();
    assert!(place["specialties"].as_array().unwrap().iter().any(|s| s == c.specialty.as_str()), "{place}");
    let listed = items(app.get_auth("/api/v1/admin/practitioners?limit=200", &oran).await).await;
    let me = listed.iter().find(|p| p["id"] == c.practitioner_id.as_str()).expect("listed for Oran");
    assert_eq!(me["posts"].as_array().unwrap().len(), posts_before + 1);
    assert!(
        items(app.get_auth("/api/v1/admin/practitioners?limit=200", &tlemcen).await).await.iter().all(|p| p["id"] != c.practitioner_id.as_str()),
        "not Tlemcen's"
    );

    // Slots of theirs there, one booked by a citizen.
    let spec = specialty::Entity::find().filter(specialty::Column::Code.eq(c.specialty.as_str())).one(db).await.unwrap().unwrap();
    let start = Utc::now() + Duration::days(5);
    let mut ids = Vec::new();
    for i in 0..3 {
        let id = shared::SlotId(uuid::Uuid::new_v4());
        slot::ActiveModel {
            id: Set(id),
            facility_id: Set(shared::FacilityId(second.parse().unwrap())),
            practitioner_id: Set(shared::PractitionerId(c.practitioner_id.parse().unwrap())),
            specialty_id: Set(spec.id),
            template_id: Set(None),
            starts_at: Set(start + Duration::minutes(20 * i)),
            ends_at: Set(start + Duration::minutes(20 * i + 20)),
            status: Set(shared::SlotStatus::Open),
            created_at: Set(Utc::now()),
        }
        .insert(db)
        .await
        .unwrap();
        ids.push(id);
    }
    let citizen = s(&app.citizen_tokens().await, "access_token");
    let res = app.post_auth("/api/v1/appointments", &citizen, &json!({ "slot_id": ids[0].to_string() })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let booked = s(&res.json::<Value>().await.unwrap(), "id");

    // Ending the post: Tlemcen cannot; the home facility of an account is refused; Oran ends it.
    let end = format!("/api/v1/admin/practitioners/{}/posts/{second}/end", c.practitioner_id);
    assert_eq!(app.post_auth(&end, &tlemcen, &json!({})).await.status(), StatusCode::NOT_FOUND);
    let doctor: Value = app.get_auth("/api/v1/me", &s(&app.token("0550000003", pw).await, "access_token")).await.json().await.unwrap();
    let doctor_user = user::Entity::find_by_id(shared::UserId(s(&doctor, "id").parse().unwrap())).one(db).await.unwrap().unwrap();
    let doctor_profile =
        practitioner::Entity::find().filter(practitioner::Column::UserId.eq(doctor_user.id)).one(db).await.unwrap().expect("the demo doctor's profile");
    let home = doctor_user.facility_id.expect("a home facility");
    let (status, _, err) =
        error_code(app.post_auth(&format!("/api/v1/admin/practitioners/{}/posts/{home}/end", doctor_profile.id), &oran, &json!({})).await).await;
    assert_eq!((status, err["fields"][0]["field"].as_str()), (StatusCode::FORBIDDEN, Some("facility_id")), "their home: a deactivation");
    let res = app.post_auth(&end, &oran, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let ended: Value = res.json().await.unwrap();
    assert_eq!((ended["slots_closed"].as_u64(), ended["appointments_to_move"].as_u64()), (Some(2), Some(1)), "{ended}");
    assert_eq!(app.post_auth(&end, &oran, &json!({})).await.status(), StatusCode::NOT_FOUND, "already ended");
    // The booked appointment stays booked, for the desk to move; the free slots are closed.
    let mine = items(app.get_auth("/api/v1/appointments", &citizen).await).await;
    assert_eq!(mine.iter().find(|a| a["id"] == booked.as_str()).map(|a| a["status"].clone()), Some(json!("booked")));
    for id in &ids[1..] {
        assert_eq!(slot::Entity::find_by_id(*id).one(db).await.unwrap().unwrap().status, shared::SlotStatus::Closed);
    }
    let profile: Value = app.client.get(app.url(&format!("/api/v1/directory/practitioners/{}", c.practitioner_id))).send().await.unwrap().json().await.unwrap();
    assert!(profile["facilities"].as_array().unwrap().iter().all(|f| f != second.as_str()), "{profile}");

    // A deactivated account is not put back to work elsewhere.
    let res = app.post_auth(&format!("/api/v1/staff/{}/deactivate", doctor_user.id), &admin, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (status, code, _) = error_code(app.post_auth(&format!("/api/v1/admin/practitioners/{}/posts", doctor_profile.id), &oran, &post).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "account_deactivated"));

    // Both acts in Oran's log, naming the practitioner.
    let log = items(app.get_auth("/api/v1/admin/audit?limit=200", &oran).await).await;
    for act in ["practitioner_posted", "post_ended"] {
        let row = log.iter().find(|a| a["action"] == act).unwrap_or_else(|| panic!("{act}"));
        assert_eq!(row["subject_id"], c.practitioner_id.as_str());
        assert!(!row["subject_name"].as_str().unwrap().is_empty(), "{row}");
    }
}
