//! The citizen's rights over their data: everything the account holds, as
//! one archive, through the API and the web.

use crate::booking::clinic_with_slots;
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Read;

fn archive(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP archive");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            (f.name().to_owned(), text)
        })
        .collect()
}

#[tokio::test]
async fn a_citizen_downloads_everything_the_account_holds_as_one_archive() {
    let app = spawn_app().await;
    let clinic = clinic_with_slots(&app).await;
    let (phone, _) = app.register_citizen().await;
    let me = s(&app.token(&phone, PASSWORD).await, "access_token");
    let res = app
        .post_auth(
            "/api/v1/me/dependants",
            &me,
            &json!({ "given_name": "Yanis", "family_name": "Brahimi", "birth_date": "2015-05-05", "sex": "male", "relation": "child" }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let child = s(&res.json::<Value>().await.unwrap(), "id");
    let from = (chrono::Utc::now() + chrono::Duration::days(3)).date_naive();
    let slots = clinic.free_slots(&app, from, from + chrono::Duration::days(30)).await;
    let res = app.post_auth("/api/v1/appointments", &me, &json!({ "slot_id": slots[0]["id"] })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let appointment = s(&res.json::<Value>().await.unwrap(), "id");

    let res = app.get_auth("/api/v1/me/export", &me).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let files = archive(&res.bytes().await.unwrap());
    for name in ["LISEZ-MOI.txt", "profil.json", "notifications.json", "personnes.json", "rendez-vous.json", "messages.json", "dossier/moi.fhir.json"] {
        assert!(files.contains_key(name), "{name} in {:?}", files.keys().collect::<Vec<_>>());
    }
    assert!(files["profil.json"].contains(&phone.trim_start_matches('0')[..6]), "the profile, with its phone");
    assert!(files["personnes.json"].contains("Yanis"));
    assert!(files["rendez-vous.json"].contains(&appointment));
    let bundle: Value = serde_json::from_str(&files["dossier/moi.fhir.json"]).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    // A dependant's record is the holder's to export once a desk has verified the tie.
    assert!(!files.contains_key(&format!("dossier/{child}.fhir.json")), "not before the desk saw the papers");
    let res = app.post_auth(&format!("/api/v1/desk/dependants/{child}/verify"), &clinic.receptionist, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let files = archive(&app.get_auth("/api/v1/me/export", &me).await.bytes().await.unwrap());
    assert!(files.contains_key(&format!("dossier/{child}.fhir.json")), "the child's record too");
    // The confirmation's in-app message, in the three languages, once the outbox delivered it.
    let mut messages = String::new();
    for _ in 0..100 {
        messages = archive(&app.get_auth("/api/v1/me/export", &me).await.bytes().await.unwrap())["messages.json"].clone();
        if messages.contains("\"ar\"") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(messages.contains("\"ar\"") && messages.contains("\"fr\"") && messages.contains("\"en\""), "{messages}");

    // Staff have no such archive; the web has the same one with the session cookie.
    assert_eq!(app.get_auth("/api/v1/me/export", &clinic.receptionist).await.status(), StatusCode::FORBIDDEN);
    let cookie = web_session(&app, &phone, PASSWORD).await;
    let res = app.client.get(app.url("/me/export.zip")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(archive(&res.bytes().await.unwrap()).contains_key("profil.json"));
    assert_eq!(app.client.get(app.url("/me/export.zip")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED, "not without a session");
}

#[tokio::test]
async fn a_citizen_closes_their_account_the_contact_data_goes_the_record_stays_and_the_slot_is_freed() {
    use domain::entities::{appointment, user};
    use sea_orm::EntityTrait;
    let app = spawn_app().await;
    let clinic = clinic_with_slots(&app).await;
    let (phone, _) = app.register_citizen().await;
    let me = s(&app.token(&phone, PASSWORD).await, "access_token");
    let my_id: uuid::Uuid = s(&app.get_auth("/api/v1/me", &me).await.json::<Value>().await.unwrap(), "id").parse().unwrap();
    let from = (chrono::Utc::now() + chrono::Duration::days(3)).date_naive();
    let slots = clinic.free_slots(&app, from, from + chrono::Duration::days(30)).await;
    let booked: Value = app.post_auth("/api/v1/appointments", &me, &json!({ "slot_id": slots[0]["id"] })).await.json().await.unwrap();

    // The wrong password closes nothing; staff have nothing to close here.
    let (status, _, err) = error_code(app.post_auth("/api/v1/me/close", &me, &json!({ "password": "not the password" })).await).await;
    assert_eq!((status, err["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("current_password_wrong")));
    assert_eq!(app.get_auth("/api/v1/me", &me).await.status(), StatusCode::OK, "still open");
    assert_eq!(
        app.post_auth("/api/v1/me/close", &clinic.receptionist, &json!({ "password": domain::seed::DEMO_PASSWORD })).await.status(),
        StatusCode::FORBIDDEN
    );

    let res = app.post_auth("/api/v1/me/close", &me, &json!({ "password": PASSWORD })).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT, "{}", res.text().await.unwrap());
    assert_eq!(app.get_auth("/api/v1/me", &me).await.status(), StatusCode::UNAUTHORIZED, "every session ended");
    let (status, code, _) = error_code(app.post("/api/v1/auth/token", &json!({ "login": phone, "password": PASSWORD })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "invalid_credentials"), "no way back in");
    let row = user::Entity::find_by_id(shared::UserId(my_id)).one(app.domain.db()).await.unwrap().expect("the identity stays");
    assert!(row.phone.is_none() && row.email.is_none() && row.closed_at.is_some() && row.nin.is_some(), "contact erased, identity kept");
    let a = appointment::Entity::find_by_id(s(&booked, "id").parse::<shared::AppointmentId>().unwrap()).one(app.domain.db()).await.unwrap().unwrap();
    assert_eq!((a.status, a.cancel_reason), (shared::AppointmentStatus::Cancelled, Some(shared::CancelReason::AccountClosed)));
    let again = clinic.free_slots(&app, from, from + chrono::Duration::days(30)).await;
    assert!(again.iter().any(|s| s["id"] == slots[0]["id"]), "the slot is free for others");
}
