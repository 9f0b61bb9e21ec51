//! Verified identities through the HTTP API: the phone code at
//! registration (read from the SMS the real worker wrote), what an
//! unverified account may not do, codes that expire and die after five
//! tries, changes of phone and email, the forgotten password, and session
//! lifetimes. Each refusal has its positive control.

use crate::booking::{clinic_with_slots, free_slots};
use crate::helpers::*;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use shared::{MessageChannel, MessageKind, OutboxStatus};

/// The six digits in an SMS text.
fn code_in(sms: &str) -> String {
    let digits: Vec<String> = sms.split(|c: char| !c.is_ascii_digit()).filter(|w| w.len() == 6).map(str::to_owned).collect();
    assert_eq!(digits.len(), 1, "one six-digit code in {sms}");
    digits[0].clone()
}

#[tokio::test]
async fn a_new_account_gets_a_code_by_sms_and_books_and_reads_its_record_only_once_verified() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let (phone, _, _) = app.register_unverified().await;
    let token = s(&app.token(&phone, PASSWORD).await, "access_token");
    let me: Value = app.get_auth("/api/v1/me", &token).await.json().await.unwrap();
    assert_eq!((me["phone_verified"].as_bool(), me["email_verified"].as_bool()), (Some(false), Some(false)));

    // The code the worker sent, as the citizen reads it on their phone.
    let sms = app.sms_to(&phone, 1).await;
    let code = code_in(&sms[0]);
    assert!(sms[0].contains("Sihati") && sms[0].contains("10 minutes"), "{}", sms[0]);

    // Browsing is open, booking and the record are not.
    let slot = free_slots(&app, &c, 3).await[0]["id"].as_str().unwrap().to_owned();
    let (status, code_name, body) = error_code(app.post_auth("/api/v1/appointments", &token, &json!({ "slot_id": slot })).await).await;
    assert_eq!((status, code_name.as_str()), (StatusCode::FORBIDDEN, "phone_unverified"), "{body}");
    assert!(!body["message"].as_str().unwrap().is_empty(), "translated: {body}");
    let (status, code_name, _) = error_code(app.get_auth("/api/v1/me/record", &token).await).await;
    assert_eq!((status, code_name.as_str()), (StatusCode::FORBIDDEN, "phone_unverified"));
    let (status, code_name, _) =
        error_code(app.post_auth("/api/v1/waitlist", &token, &json!({ "specialty": c.specialty, "wilaya": "31", "from": "", "to": "" })).await).await;
    assert_eq!((status, code_name.as_str()), (StatusCode::FORBIDDEN, "phone_unverified"));

    // A wrong code is refused on its field; the right one verifies.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, _, body) = error_code(app.post_auth("/api/v1/me/phone/verify", &token, &json!({ "code": wrong })).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["code"], "code_invalid", "{body}");
    let res = app.post_auth("/api/v1/me/phone/verify", &token, &json!({ "code": code })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["phone_verified"], true);

    // Single use.
    let (status, _, body) = error_code(app.post_auth("/api/v1/me/phone/verify", &token, &json!({ "code": code })).await).await;
    assert_eq!((status, body["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("code_expired")));

    // Positive control: the same account, same token, now books and reads.
    let res = app.post_auth("/api/v1/appointments", &token, &json!({ "slot_id": slot })).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    assert_eq!(app.get_auth("/api/v1/me/record", &token).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn no_sms_or_email_goes_to_a_destination_the_account_has_not_proven() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let (phone, _, id) = app.register_unverified().await;
    let token = s(&app.token(&phone, PASSWORD).await, "access_token");
    // Verify the phone only: reminders may go by SMS, not yet by email.
    let code = app.code_of(&id, "phone").await;
    assert_eq!(app.post_auth("/api/v1/me/phone/verify", &token, &json!({ "code": code })).await.status(), StatusCode::OK);
    let slot = free_slots(&app, &c, 3).await[0]["id"].as_str().unwrap().to_owned();
    let booked: Value = app.post_auth("/api/v1/appointments", &token, &json!({ "slot_id": slot })).await.json().await.unwrap();
    let appointment: uuid::Uuid = s(&booked, "id").parse().unwrap();
    use domain::entities::outbox;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let mut settled = Vec::new();
    for _ in 0..100 {
        settled = outbox::Entity::find()
            .filter(outbox::Column::AppointmentId.eq(appointment))
            .filter(outbox::Column::Kind.eq(MessageKind::Booked))
            .all(app.domain.db())
            .await
            .unwrap();
        if settled.iter().all(|r| r.status != OutboxStatus::Pending) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let by = |ch: MessageChannel| settled.iter().find(|r| r.channel == ch).map(|r| (r.status, r.last_error.clone())).unwrap();
    assert_eq!(by(MessageChannel::Email), (OutboxStatus::Skipped, Some("email_unverified".to_owned())));
    assert_eq!(by(MessageChannel::Sms).0, OutboxStatus::Sent, "the verified phone gets its confirmation");
}

#[tokio::test]
async fn a_code_dies_after_five_wrong_tries_or_ten_minutes_and_a_new_one_replaces_it() {
    let app = spawn_app().await;
    let (phone, _, id) = app.register_unverified().await;
    let token = s(&app.token(&phone, PASSWORD).await, "access_token");
    let right = app.code_of(&id, "phone").await;
    let wrong = if right == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (_, _, body) = error_code(app.post_auth("/api/v1/me/phone/verify", &token, &json!({ "code": wrong })).await).await;
        assert_eq!(body["fields"][0]["code"], "code_invalid");
    }
    let (_, _, body) = error_code(app.post_auth("/api/v1/me/phone/verify", &token, &json!({ "code": right })).await).await;
    assert_eq!(body["fields"][0]["code"], "code_expired", "the sixth try, even right, is refused");

    // A new code: the old one (had it survived) no longer works.
    let res = app.post_auth("/api/v1/me/phone/code", &token, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let sent: Value = res.json().await.unwrap();
    assert_eq!(sent["channel"], "sms");
    assert!(sent["sent_to"].as_str().unwrap().contains('•'), "{sent}");
    let second = app.code_of(&id, "phone").await;
    let res = app.post_auth("/api/v1/me/phone/code", &token, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let third = app.code_of(&id, "phone").await;
    if second != third {
        let (_, _, body) = error_code(app.post_auth("/api/v1/me/phone/verify", &token, &json!({ "code": second })).await).await;
        assert_eq!(body["fields"][0]["code"], "code_invalid", "a replaced code is not the current one");
    }
    // Ten minutes later the current one has expired too.
    app.domain.clock().advance(Duration::minutes(11));
    let (_, _, body) = error_code(app.post_auth("/api/v1/me/phone/verify", &token, &json!({ "code": third })).await).await;
    assert_eq!(body["fields"][0]["code"], "code_expired");
    // Positive control: a fresh code within its ten minutes works.
    assert_eq!(app.post_auth("/api/v1/me/phone/code", &token, &json!({})).await.status(), StatusCode::OK);
    let fresh = app.code_of(&id, "phone").await;
    assert_eq!(app.post_auth("/api/v1/me/phone/verify", &token, &json!({ "code": fresh })).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn sending_codes_is_throttled_per_phone_number() {
    let app = spawn_app_with(|c| c.identity.codes_per_destination_per_hour = 2).await;
    let (phone, _, _) = app.register_unverified().await; // the first code
    let token = s(&app.token(&phone, PASSWORD).await, "access_token");
    assert_eq!(app.post_auth("/api/v1/me/phone/code", &token, &json!({})).await.status(), StatusCode::OK, "the second");
    let res = app.post_auth("/api/v1/me/phone/code", &token, &json!({})).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    // Another number is not held back by this one.
    let (other, _, _) = app.register_unverified().await;
    let other_token = s(&app.token(&other, PASSWORD).await, "access_token");
    assert_eq!(app.post_auth("/api/v1/me/phone/code", &other_token, &json!({})).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_sms_code_ends_every_session_and_never_says_who_exists() {
    let app = spawn_app().await;
    let (phone, _) = app.register_citizen().await;
    let old = app.token(&phone, PASSWORD).await;
    let access = s(&old, "access_token");
    let me: Value = app.get_auth("/api/v1/me", &access).await.json().await.unwrap();
    let id = s(&me, "id");

    // Known and unknown logins get the same answer.
    let unknown = app.post("/api/v1/auth/password/forgot", &json!({ "login": "0699999999" })).await;
    let known = app.post("/api/v1/auth/password/forgot", &json!({ "login": phone })).await;
    assert_eq!((unknown.status(), known.status()), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
    assert_eq!(unknown.text().await.unwrap(), known.text().await.unwrap());
    let code = code_in(&app.sms_with(&phone, "nouveau mot de passe").await);
    assert_eq!(code, app.code_of(&id, "reset").await);

    let new_password = "un autre jardin à Oran";
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, _, body) =
        error_code(app.post("/api/v1/auth/password/reset", &json!({ "login": phone, "code": wrong, "new_password": new_password })).await).await;
    assert_eq!((status, body["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("code_invalid")));
    // An unknown login is answered exactly like a wrong code.
    let (status2, _, body2) =
        error_code(app.post("/api/v1/auth/password/reset", &json!({ "login": "0699999999", "code": wrong, "new_password": new_password })).await).await;
    assert_eq!((status2, &body2), (status, &body));

    let res = app.post("/api/v1/auth/password/reset", &json!({ "login": phone, "code": code, "new_password": new_password })).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // Every session ended: the old access and refresh tokens are dead.
    assert_eq!(app.get_auth("/api/v1/me", &access).await.status(), StatusCode::UNAUTHORIZED);
    let res = app.post("/api/v1/auth/refresh", &json!({ "refresh_token": s(&old, "refresh_token") })).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The old password is gone, the new one works.
    let res = app.post("/api/v1/auth/token", &json!({ "login": phone, "password": PASSWORD })).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    app.token(&phone, new_password).await;
}

#[tokio::test]
async fn a_verified_email_gets_a_reset_link_and_an_unverified_one_nothing() {
    let app = spawn_app().await;
    let (phone, body, id) = app.register_unverified().await;
    let email = body["email"].as_str().unwrap().to_owned();
    // Unverified: the request is accepted and nothing is started.
    assert_eq!(app.post("/api/v1/auth/password/forgot", &json!({ "login": email })).await.status(), StatusCode::ACCEPTED);
    use domain::entities::verification;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let resets = || {
        verification::Entity::find()
            .filter(verification::Column::UserId.eq(id.parse::<uuid::Uuid>().unwrap()))
            .filter(verification::Column::Purpose.eq("reset"))
            .count(app.domain.db())
    };
    assert_eq!(resets().await.unwrap(), 0);

    // The link sent at registration confirms the address (once).
    let link = app.link_of(&id, "email").await;
    assert_eq!(app.post("/api/v1/auth/email/verify", &json!({ "token": link })).await.status(), StatusCode::NO_CONTENT);
    let (status, code, _) = error_code(app.post("/api/v1/auth/email/verify", &json!({ "token": link })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "link_invalid"));

    // Verified: a reset link, which sets the password once.
    assert_eq!(app.post("/api/v1/auth/password/forgot", &json!({ "login": email.to_uppercase() })).await.status(), StatusCode::ACCEPTED);
    assert_eq!(resets().await.unwrap(), 1);
    let link = app.link_of(&id, "reset").await;
    let mut forged = link.clone();
    forged.replace_range(30..31, if &link[30..31] == "A" { "B" } else { "A" });
    let (status, code, _) =
        error_code(app.post("/api/v1/auth/password/reset-link", &json!({ "token": forged, "new_password": "une phrase toute neuve" })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "link_invalid"));
    let res = app.post("/api/v1/auth/password/reset-link", &json!({ "token": link, "new_password": "une phrase toute neuve" })).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    app.token(&phone, "une phrase toute neuve").await;
    let (status, _, _) =
        error_code(app.post("/api/v1/auth/password/reset-link", &json!({ "token": link, "new_password": "encore une autre phrase" })).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a link works once");
}

#[tokio::test]
async fn changing_the_phone_needs_the_password_verifies_the_new_number_and_tells_the_old_one() {
    let app = spawn_app().await;
    let (phone, _) = app.register_citizen().await;
    let token = s(&app.token(&phone, PASSWORD).await, "access_token");
    let me: Value = app.get_auth("/api/v1/me", &token).await.json().await.unwrap();
    let id = s(&me, "id");
    let (_, new_phone) = unique_ids();

    let (status, _, body) = error_code(app.post_auth("/api/v1/me/phone", &token, &json!({ "current_password": "wrong one", "phone": new_phone })).await).await;
    assert_eq!((status, body["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("current_password_wrong")));
    let (other, _) = app.register_citizen().await;
    let (status, code, _) = error_code(app.post_auth("/api/v1/me/phone", &token, &json!({ "current_password": PASSWORD, "phone": other })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "phone_taken"));

    let res = app.post_auth("/api/v1/me/phone", &token, &json!({ "current_password": PASSWORD, "phone": new_phone })).await;
    assert_eq!(res.status(), StatusCode::OK);
    // Nothing changes until the new number sends its code back.
    let me: Value = app.get_auth("/api/v1/me", &token).await.json().await.unwrap();
    assert_eq!(me["phone"], shared::Phone::parse(&phone).unwrap().as_ref());
    let code = code_in(&app.sms_to(&new_phone, 1).await[0]);
    let res = app.post_auth("/api/v1/me/phone/verify", &token, &json!({ "code": code })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let me: Value = res.json().await.unwrap();
    assert_eq!((me["phone"].as_str(), me["phone_verified"].as_bool()), (Some(shared::Phone::parse(&new_phone).unwrap().as_ref()), Some(true)));
    // The old number is told, without the new one in full.
    let notice = app.sms_with(&phone, "•").await;
    assert!(notice.contains("Sihati") && !notice.contains(&new_phone[1..]), "the new number masked: {notice}");
    app.token(&new_phone, PASSWORD).await;
    let _ = id;
}

#[tokio::test]
async fn a_mobile_sign_in_ends_at_its_absolute_lifetime_and_a_web_session_after_idling() {
    let app = spawn_app_with(|c| {
        c.identity.session_absolute_days = 2;
        c.identity.web_idle_timeout_minutes = 30;
    })
    .await;
    let (phone, _) = app.register_citizen().await;
    let t = app.token(&phone, PASSWORD).await;
    assert!(t["refresh_expires_in"].as_u64().unwrap() <= 2 * 24 * 3600);
    // Refreshed a day later: fine, but the end does not move.
    app.domain.clock().advance(Duration::hours(25));
    let res = app.post("/api/v1/auth/refresh", &json!({ "refresh_token": t["refresh_token"] })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let t2: Value = res.json().await.unwrap();
    assert!(t2["refresh_expires_in"].as_u64().unwrap() <= 23 * 3600 + 60, "{t2}");
    app.domain.clock().advance(Duration::hours(24));
    let res = app.post("/api/v1/auth/refresh", &json!({ "refresh_token": t2["refresh_token"] })).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "two days after the sign-in");

    // A web session: used within 30 minutes it lives; idle longer, it ends.
    let cookie = web_session(&app, &phone, PASSWORD).await;
    let who = |cookie: String| {
        let app = &app;
        async move { app.client.post(app.url("/sfn/whoami")).header("cookie", cookie).send().await.unwrap().text().await.unwrap() }
    };
    app.domain.clock().advance(Duration::minutes(20));
    assert_ne!(who(cookie.clone()).await, "null", "20 minutes idle: still signed in");
    app.domain.clock().advance(Duration::minutes(20));
    assert_ne!(who(cookie.clone()).await, "null", "used 20 minutes ago: still signed in");
    app.domain.clock().advance(Duration::minutes(31));
    assert_eq!(who(cookie).await, "null", "31 minutes idle: signed out");
}
