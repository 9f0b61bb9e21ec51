//! Claiming one's record: a person whose NIN an account holds for a
//! dependant asks for it; the guardian approves (or declines, and a desk
//! approves on seeing the identity card); the account is created under the
//! id the record is kept under, and the record, the appointments and the
//! messages follow the person while the guardian's access ends. Every
//! refusal has its positive control.

use crate::booking::{clinic_with_slots, free_slots};
use crate::helpers::*;
use domain::entities::{person, user};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

fn child(nin: &str, born: &str) -> Value {
    json!({ "given_name": "Rania", "family_name": "Benali", "birth_date": born, "sex": "female", "nin": nin, "relation": "child" })
}

fn registration(nin: &str, phone: &str) -> Value {
    json!({ "nin": nin, "given_name": "Rania", "family_name": "Benali", "birth_date": "2012-02-02", "sex": "female", "phone": phone, "password": PASSWORD, "lang": "fr" })
}

#[tokio::test]
async fn the_guardian_approves_and_the_record_appointments_and_access_log_follow_the_person() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let (alice_phone, _) = app.register_citizen().await;
    let alice = s(&app.token(&alice_phone, PASSWORD).await, "access_token");
    let (nin, phone) = unique_ids();
    let res = app.post_auth("/api/v1/me/dependants", &alice, &child(&nin, "2012-02-02")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let kid = s(&res.json::<Value>().await.unwrap(), "id");
    // The guardian booked for her; a practitioner wrote in her record.
    let slot = free_slots(&app, &c, 3).await.into_iter().find(|s| s["facility_id"] == c.facility_id.as_str()).expect("a slot at the clinic");
    let res = app.post_auth("/api/v1/appointments", &alice, &json!({ "slot_id": slot["id"], "dependant_id": kid })).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let appointment = s(&res.json::<Value>().await.unwrap(), "id");
    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    assert_eq!(app.post_auth("/api/v1/record/lookup", &doctor, &json!({ "nin": nin, "reason": "Fièvre, sans rendez-vous" })).await.status(), StatusCode::OK);
    let res =
        app.post_auth(&format!("/api/v1/record/{kid}/entries"), &doctor, &json!({ "kind": "allergy", "substance": "Pénicilline", "severity": "severe" })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let entry = s(&res.json::<Value>().await.unwrap(), "id");

    // She registers: not a second person; she asks for the record instead.
    let (status, code, _) = error_code(app.post("/api/v1/auth/register", &registration(&nin, &phone)).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "nin_claim_at_desk"));
    let res = app.post("/api/v1/auth/claims", &registration(&nin, &phone)).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let claim: Value = res.json().await.unwrap();
    let id = s(&claim, "id");
    assert_eq!((claim["status"].as_str(), claim["record_name"].as_str()), (Some("pending"), None), "{claim}");
    assert!(!claim["phone"].as_str().unwrap().contains(&phone[4..8]), "the phone is masked: {claim}");
    // The guardian is told; no account yet.
    app.sms_with(&alice_phone, "Rania Benali").await;
    let res = app.post("/api/v1/auth/token", &json!({ "login": phone, "password": PASSWORD })).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Only the guardian sees and decides it.
    let bob = s(&app.citizen_tokens().await, "access_token");
    assert_eq!(app.get_auth("/api/v1/me/claims", &bob).await.text().await.unwrap(), r#"{"items":[],"next_cursor":null}"#);
    assert_eq!(app.post_auth(&format!("/api/v1/me/claims/{id}/approve"), &bob, &json!({})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.post_auth(&format!("/api/v1/me/claims/{id}/approve"), &doctor, &json!({})).await.status(), StatusCode::FORBIDDEN);
    let waiting: Vec<Value> = items(app.get_auth("/api/v1/me/claims", &alice).await).await;
    assert_eq!((waiting.len(), waiting[0]["id"].as_str(), waiting[0]["can_decide"].as_bool()), (1, Some(id.as_str()), Some(true)), "{waiting:?}");
    assert_eq!(waiting[0]["record_name"], "Rania Benali", "the guardian sees the name they recorded");
    let res = app.post_auth(&format!("/api/v1/me/claims/{id}/approve"), &alice, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "approved");
    let (status, code, _) = error_code(app.post_auth(&format!("/api/v1/me/claims/{id}/approve"), &alice, &json!({})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "claim_closed"));
    let status: Value = app.client.get(app.url(&format!("/api/v1/auth/claims/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(status["status"], "approved");

    // Her account is the record's id; one person, one account for the NIN.
    let db = app.domain.db();
    assert_eq!(person::Entity::find().filter(person::Column::Nin.eq(nin.as_str())).count(db).await.unwrap(), 1);
    let accounts = user::Entity::find().filter(user::Column::Nin.eq(nin.as_str())).all(db).await.unwrap();
    assert_eq!(accounts.iter().map(|u| u.id.to_string()).collect::<Vec<_>>(), vec![kid.clone()]);
    app.sms_with(&phone, "prêt").await;
    app.sms_with(&alice_phone, "son propre compte").await;
    let rania = s(&app.token(&phone, PASSWORD).await, "access_token");
    let res = app.post_auth("/api/v1/me/phone/verify", &rania, &json!({ "code": app.code_of(&kid, "phone").await })).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let mine: Vec<Value> = items(app.get_auth("/api/v1/me/record", &rania).await).await;
    assert_eq!(mine.iter().filter_map(|e| e["id"].as_str()).collect::<Vec<_>>(), vec![entry.as_str()]);
    let appointments: Vec<Value> = items(app.get_auth("/api/v1/appointments", &rania).await).await;
    assert!(appointments.iter().any(|a| a["id"] == appointment.as_str()), "{appointments:?}");
    let accesses: Value = app.get_auth("/api/v1/me/record/accesses", &rania).await.json().await.unwrap();
    assert!(accesses.to_string().contains("Fièvre, sans rendez-vous"), "the log kept under her id is hers: {accesses}");

    // The guardian's access ended everywhere.
    let deps: Vec<Value> = items(app.get_auth("/api/v1/me/dependants", &alice).await).await;
    assert!(deps.iter().all(|d| d["id"] != kid.as_str()), "{deps:?}");
    let theirs: Vec<Value> = items(app.get_auth("/api/v1/appointments", &alice).await).await;
    assert!(theirs.iter().all(|a| a["id"] != appointment.as_str()), "{theirs:?}");
    assert_eq!(app.get_auth(&format!("/api/v1/record/entries/{entry}"), &alice).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.post_auth(&format!("/api/v1/appointments/{appointment}/cancel"), &alice, &json!({})).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_dependant_who_came_of_age_is_handed_the_record_at_a_desk_even_after_the_guardian_declined() {
    use domain::entities::dependant;
    use sea_orm::{ActiveModelTrait, Set};
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let alice = s(&app.citizen_tokens().await, "access_token");
    let (nin, phone) = unique_ids();
    let res = app.post_auth("/api/v1/me/dependants", &alice, &child(&nin, "2009-06-01")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let kid: uuid::Uuid = s(&res.json::<Value>().await.unwrap(), "id").parse().unwrap();
    let claim = |born: &str| json!({ "nin": nin, "given_name": "Rania", "family_name": "Benali", "birth_date": born, "sex": "female", "phone": phone, "password": PASSWORD, "lang": "fr" });

    // Nothing to claim, the wrong birth date, or an account's NIN: refused.
    let (free_nin, _) = unique_ids();
    let (status, _, body) = error_code(app.post("/api/v1/auth/claims", &registration(&free_nin, &phone)).await).await;
    assert_eq!((status, body["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("nin_not_claimable")), "{body}");
    let (status, _, body) = error_code(app.post("/api/v1/auth/claims", &claim("2009-06-02")).await).await;
    assert_eq!((status, body["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("nin_not_claimable")), "{body}");
    let (_, taken_body) = app.register_citizen().await;
    let (status, _, body) = error_code(app.post("/api/v1/auth/claims", &registration(taken_body["nin"].as_str().unwrap(), &phone)).await).await;
    assert_eq!((status, body["fields"][0]["code"].as_str()), (StatusCode::CONFLICT, Some("nin_taken")), "{body}");

    // A minor's record: the desk sees the request but only the guardian hands it over.
    let res = app.post("/api/v1/auth/claims", &claim("2009-06-01")).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let first: Value = res.json().await.unwrap();
    assert!(first["record_name"].is_null(), "a NIN and a birth date reveal no name: {first}");
    let first = s(&first, "id");
    let found: Value =
        app.post_auth("/api/v1/desk/lookup", &c.receptionist, &json!({ "nin": nin, "reason": "Reprise de son dossier" })).await.json().await.unwrap();
    assert_eq!((found["claim"]["id"].as_str(), found["claim"]["can_decide"].as_bool()), (Some(first.as_str()), Some(false)), "{found}");
    let (status, code, _) = error_code(app.post_auth(&format!("/api/v1/desk/claims/{first}/approve"), &c.receptionist, &json!({})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "claim_closed"));

    // Years later she is an adult (test arrangement: the recorded birth date
    // moved back); she asks again, which closes the first request.
    let mut row: dependant::ActiveModel = dependant::Entity::find_by_id(kid).one(app.domain.db()).await.unwrap().unwrap().into();
    row.birth_date = Set(chrono::NaiveDate::from_ymd_opt(2000, 6, 1).unwrap());
    row.update(app.domain.db()).await.unwrap();
    let res = app.post("/api/v1/auth/claims", &claim("2000-06-01")).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let id = s(&res.json::<Value>().await.unwrap(), "id");
    let old: Value = app.client.get(app.url(&format!("/api/v1/auth/claims/{first}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(old["status"], "closed");
    let res = app.post_auth(&format!("/api/v1/me/claims/{id}/decline"), &alice, &json!({})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "declined");
    let (status, code, _) = error_code(app.post_auth(&format!("/api/v1/me/claims/{id}/approve"), &alice, &json!({})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "claim_closed"), "the guardian decided");

    // At the desk, with her identity card: only the desk approves it.
    let found: Value =
        app.post_auth("/api/v1/desk/lookup", &c.receptionist, &json!({ "nin": nin, "reason": "Reprise de son dossier" })).await.json().await.unwrap();
    assert_eq!((found["claim"]["id"].as_str(), found["claim"]["can_decide"].as_bool()), (Some(id.as_str()), Some(true)), "{found}");
    assert_eq!(found["claim"]["phone"], shared::Phone::parse(&phone).unwrap().to_string(), "the desk sees the number in full: {found}");
    assert_eq!(app.post_auth(&format!("/api/v1/desk/claims/{id}/approve"), &alice, &json!({})).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.post_auth(&format!("/api/v1/desk/claims/{first}/approve"), &c.receptionist, &json!({})).await.status(), StatusCode::CONFLICT);
    let res = app.post_auth(&format!("/api/v1/desk/claims/{id}/approve"), &c.receptionist, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let res = app.post("/api/v1/auth/token", &json!({ "login": phone, "password": PASSWORD })).await;
    assert_eq!(res.status(), StatusCode::OK, "her account exists with the password she chose");
    let rania = s(&res.json::<Value>().await.unwrap(), "access_token");
    let me: Value = app.get_auth("/api/v1/me", &rania).await.json().await.unwrap();
    assert_eq!(
        (me["id"].as_str(), me["nin"].as_str(), me["phone_verified"].as_bool()),
        (Some(kid.to_string().as_str()), Some(nin.as_str()), Some(false)),
        "{me}"
    );
    let res = app.post_auth("/api/v1/me/phone/verify", &rania, &json!({ "code": app.code_of(&kid.to_string(), "phone").await })).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let accesses: Value = app.get_auth("/api/v1/me/record/accesses", &rania).await.json().await.unwrap();
    assert!(accesses.to_string().contains("desk_claim"), "{accesses}");
    let deps: Vec<Value> = items(app.get_auth("/api/v1/me/dependants", &alice).await).await;
    assert!(deps.is_empty(), "{deps:?}");
}

#[tokio::test]
async fn an_adult_consents_to_be_managed_sees_what_is_booked_for_them_and_withdraws() {
    use domain::entities::consent_request;
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let alice = s(&app.citizen_tokens().await, "access_token");
    let alice_id = s(&app.get_auth("/api/v1/me", &alice).await.json::<Value>().await.unwrap(), "id");
    let (mother_phone, mother_body) = app.register_citizen().await;
    let mother = s(&app.token(&mother_phone, PASSWORD).await, "access_token");
    let mother_id = s(&app.get_auth("/api/v1/me", &mother).await.json::<Value>().await.unwrap(), "id");
    let mother_nin = mother_body["nin"].as_str().unwrap().to_owned();
    let bob = s(&app.citizen_tokens().await, "access_token");

    // Not added on her daughter's word…
    let (status, _, body) = error_code(app.post_auth("/api/v1/me/dependants", &alice, &child(&mother_nin, "1990-04-12")).await).await;
    assert_eq!((status, body["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("adult_needs_consent")));
    // …but asked. The answer is the same for a NIN nobody has.
    let (nobody, _) = unique_ids();
    for nin in [&nobody, &mother_nin] {
        let res = app.post_auth("/api/v1/me/dependants/consent-requests", &alice, &json!({ "nin": nin, "relation": "parent" })).await;
        assert_eq!((res.status(), res.text().await.unwrap()), (StatusCode::ACCEPTED, String::new()));
    }
    assert_eq!(consent_request::Entity::find().count(app.domain.db()).await.unwrap(), 1);
    app.sms_with(&mother_phone, "demande à gérer vos rendez-vous").await;
    let res = app.post_auth("/api/v1/appointments", &alice, &json!({ "slot_id": free_slots(&app, &c, 3).await[0]["id"], "dependant_id": mother_id })).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "no booking for her before she consents");

    // Only she decides.
    let theirs: Value = app.get_auth("/api/v1/me/consents", &bob).await.json().await.unwrap();
    assert_eq!(theirs, json!({ "requests": [], "guardians": [] }));
    let hers: Value = app.get_auth("/api/v1/me/consents", &mother).await.json().await.unwrap();
    let id = s(&hers["requests"][0], "id");
    assert_eq!(hers["requests"][0]["can_decide"], true, "{hers}");
    assert_eq!(app.post_auth(&format!("/api/v1/me/consents/{id}/approve"), &bob, &json!({})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.post_auth(&format!("/api/v1/me/consents/{id}/approve"), &alice, &json!({})).await.status(), StatusCode::NOT_FOUND);
    let res = app.post_auth(&format!("/api/v1/me/consents/{id}/approve"), &mother, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let deps: Vec<Value> = items(app.get_auth("/api/v1/me/dependants", &alice).await).await;
    assert!(deps.iter().any(|d| d["id"] == mother_id.as_str() && d["verified"] == true && d["nin"].is_null()), "{deps:?}");

    // One record, read by both; what the daughter books, the mother sees and may cancel.
    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    assert_eq!(
        app.post_auth("/api/v1/record/lookup", &doctor, &json!({ "nin": mother_nin, "reason": "Tension, sans rendez-vous" })).await.status(),
        StatusCode::OK
    );
    let res = app
        .post_auth(&format!("/api/v1/record/{mother_id}/entries"), &doctor, &json!({ "kind": "allergy", "substance": "Aspirine", "severity": "moderate" }))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let entry = s(&res.json::<Value>().await.unwrap(), "id");
    for token in [&mother, &alice] {
        let record: Vec<Value> = items(app.get_auth("/api/v1/me/record", token).await).await;
        assert!(record.iter().any(|e| e["id"] == entry.as_str()), "{record:?}");
        assert_eq!(app.get_auth(&format!("/api/v1/record/entries/{entry}"), token).await.status(), StatusCode::OK);
    }
    assert_eq!(app.get_auth(&format!("/api/v1/record/entries/{entry}"), &bob).await.status(), StatusCode::NOT_FOUND);
    let slot = free_slots(&app, &c, 3).await.into_iter().find(|s| s["facility_id"] == c.facility_id.as_str()).expect("a slot at the clinic");
    let res = app.post_auth("/api/v1/appointments", &alice, &json!({ "slot_id": slot["id"], "dependant_id": mother_id })).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let appointment = s(&res.json::<Value>().await.unwrap(), "id");
    let seen: Vec<Value> = items(app.get_auth("/api/v1/appointments", &mother).await).await;
    assert!(seen.iter().any(|a| a["id"] == appointment.as_str()), "{seen:?}");
    assert_eq!(app.post_auth(&format!("/api/v1/appointments/{appointment}/cancel"), &bob, &json!({})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.post_auth(&format!("/api/v1/appointments/{appointment}/cancel"), &mother, &json!({})).await.status(), StatusCode::OK);

    // She withdraws: her daughter's access ends, and what the daughter had
    // booked for her is hers alone.
    let slot = free_slots(&app, &c, 3).await.into_iter().find(|s| s["facility_id"] == c.facility_id.as_str()).expect("a slot at the clinic");
    let res = app.post_auth("/api/v1/appointments", &alice, &json!({ "slot_id": slot["id"], "dependant_id": mother_id })).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let booked_for_her = s(&res.json::<Value>().await.unwrap(), "id");
    assert_eq!(app.post_auth(&format!("/api/v1/me/guardians/{alice_id}/withdraw"), &bob, &json!({})).await.status(), StatusCode::NOT_FOUND);
    let hers: Value = app.get_auth("/api/v1/me/consents", &mother).await.json().await.unwrap();
    assert_eq!(hers["guardians"][0]["holder_id"], alice_id.as_str(), "{hers}");
    assert_eq!(app.post_auth(&format!("/api/v1/me/guardians/{alice_id}/withdraw"), &mother, &json!({})).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get_auth(&format!("/api/v1/record/entries/{entry}"), &alice).await.status(), StatusCode::NOT_FOUND);
    let record: Vec<Value> = items(app.get_auth("/api/v1/me/record", &alice).await).await;
    assert!(record.is_empty(), "{record:?}");
    assert_eq!(app.get_auth(&format!("/api/v1/record/entries/{entry}"), &mother).await.status(), StatusCode::OK, "her record stays hers");
    let theirs: Vec<Value> = items(app.get_auth("/api/v1/appointments", &alice).await).await;
    assert!(theirs.iter().all(|a| a["id"] != booked_for_her.as_str()), "{theirs:?}");
    let hers: Vec<Value> = items(app.get_auth("/api/v1/appointments", &mother).await).await;
    assert!(hers.iter().any(|a| a["id"] == booked_for_her.as_str()), "{hers:?}");
    assert_eq!(app.post_auth(&format!("/api/v1/appointments/{booked_for_her}/cancel"), &alice, &json!({})).await.status(), StatusCode::NOT_FOUND);
}
