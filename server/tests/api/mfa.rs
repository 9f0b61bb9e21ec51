//! The staff second factor: TOTP after the password for practitioners,
//! facility admins and health admins; enrolment at the first sign-in with
//! recovery codes; each code once; the web's second step; an
//! administrator's reset, logged.

use crate::helpers::*;
use chrono::Duration;
use domain::seed::{demo_totp_secret, DEMO_PASSWORD, NEW_PRACTITIONER_PHONE};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{json, Value};

const DOCTOR: &str = "0550000003";
const DESK: &str = "0550000002";
const FACILITY_ADMIN: &str = "0550000004";
const HEALTH_ADMIN: &str = "0550000005";

async fn demo() -> TestApp {
    let app = spawn_app().await;
    app.domain.seed_demo().await.unwrap();
    app
}

async fn token_with(app: &TestApp, login: &str, otp: Option<&str>) -> reqwest::Response {
    let mut body = json!({ "login": login, "password": DEMO_PASSWORD });
    if let Some(otp) = otp {
        body["otp"] = json!(otp);
    }
    app.post("/api/v1/auth/token", &body).await
}

/// A six-digit code that is not the secret's code now or at either
/// neighbouring step.
fn wrong_code(secret: &[u8], app: &TestApp) -> String {
    let now = app.domain.clock().now();
    let near: Vec<String> = [-30, 0, 30].iter().map(|s| domain::mfa::code_at(secret, now + Duration::seconds(*s))).collect();
    (0..1000).map(|n| format!("{:06}", n * 7919 % 1_000_000)).find(|c| !near.contains(c)).unwrap()
}

#[tokio::test]
async fn a_practitioner_enrols_at_first_sign_in_then_signs_in_with_codes_that_work_once() {
    let app = demo().await;
    // Positive controls: roles without a second factor sign in as before.
    assert_eq!(token_with(&app, DESK, None).await.status(), StatusCode::OK);
    assert_eq!(token_with(&app, "0550000001", None).await.status(), StatusCode::OK);
    let (status, code, _) = error_code(app.post("/api/v1/auth/mfa/enrolment", &json!({ "login": DESK, "password": DEMO_PASSWORD })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"), "the desk has nothing to enrol");

    // Leila has no authenticator: the right password alone is not enough.
    let (status, code, _) = error_code(token_with(&app, NEW_PRACTITIONER_PHONE, None).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "mfa_enrolment_required"));
    let (status, code, _) =
        error_code(app.post("/api/v1/auth/mfa/enrolment", &json!({ "login": NEW_PRACTITIONER_PHONE, "password": "not her password" })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "invalid_credentials"));

    let leila = json!({ "login": NEW_PRACTITIONER_PHONE, "password": DEMO_PASSWORD });
    let enrol = || app.post("/api/v1/auth/mfa/enrolment", &leila);
    let first: Value = enrol().await.json().await.unwrap();
    let again: Value = enrol().await.json().await.unwrap();
    assert_eq!(first, again, "the same enrolment until it is confirmed");
    assert!(s(&first, "otpauth_uri").starts_with("otpauth://totp/Sihati:"), "{first}");
    assert!(s(&first, "otpauth_uri").contains(&format!("secret={}", s(&first, "secret"))));
    assert!(s(&first, "qr_svg").contains("<svg"));
    let recovery: Vec<String> = first["recovery_codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    assert_eq!(recovery.len(), 10);
    let secret = totp_rs::Secret::Encoded(s(&first, "secret")).to_bytes().unwrap();
    // Nothing in the database reads as the secret.
    let leila_id = {
        use sea_orm::{ColumnTrait, QueryFilter};
        domain::entities::user::Entity::find().filter(domain::entities::user::Column::Phone.eq("+213550000006")).one(app.domain.db()).await.unwrap().unwrap().id
    };
    let row = domain::entities::staff_mfa::Entity::find_by_id(leila_id).one(app.domain.db()).await.unwrap().unwrap();
    assert!(!row.secret_enc.contains(&s(&first, "secret")));
    assert!(row.enrolled_at.is_none());

    // Before the first code, a recovery code stands in for nothing; a wrong code fails.
    let (status, code, _) = error_code(token_with(&app, NEW_PRACTITIONER_PHONE, Some(&recovery[0])).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "mfa_invalid"));
    let (_, code, _) = error_code(token_with(&app, NEW_PRACTITIONER_PHONE, Some(&wrong_code(&secret, &app))).await).await;
    assert_eq!(code, "mfa_invalid");

    // The first right code confirms the enrolment and signs in.
    let now = app.domain.clock().now();
    let otp = domain::mfa::code_at(&secret, now);
    let res = token_with(&app, NEW_PRACTITIONER_PHONE, Some(&otp)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let t: Value = res.json().await.unwrap();
    let me: Value = app.get_auth("/api/v1/me", &s(&t, "access_token")).await.json().await.unwrap();
    assert_eq!(me["given_name"], "Leila");
    let (status, code, _) = error_code(enrol().await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "mfa_already_enrolled"), "never shown again");

    // Enrolled: the code is asked for; the same code never works twice.
    let (status, code, _) = error_code(token_with(&app, NEW_PRACTITIONER_PHONE, None).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "mfa_required"));
    let (_, code, _) = error_code(token_with(&app, NEW_PRACTITIONER_PHONE, Some(&otp)).await).await;
    assert_eq!(code, "mfa_invalid", "a code is accepted once");
    app.domain.clock().advance(Duration::seconds(30));
    let next = domain::mfa::code_at(&secret, app.domain.clock().now());
    assert_eq!(token_with(&app, NEW_PRACTITIONER_PHONE, Some(&next)).await.status(), StatusCode::OK, "the next code works");
    // A code from two steps ago is too old.
    app.domain.clock().advance(Duration::seconds(90));
    let old = domain::mfa::code_at(&secret, app.domain.clock().now() - Duration::seconds(60));
    let (_, code, _) = error_code(token_with(&app, NEW_PRACTITIONER_PHONE, Some(&old)).await).await;
    assert_eq!(code, "mfa_invalid");

    // Recovery codes: each once, typed in any case, with or without spaces.
    assert_eq!(token_with(&app, NEW_PRACTITIONER_PHONE, Some(&recovery[3])).await.status(), StatusCode::OK);
    let (_, code, _) = error_code(token_with(&app, NEW_PRACTITIONER_PHONE, Some(&recovery[3])).await).await;
    assert_eq!(code, "mfa_invalid", "a recovery code works once");
    let typed = recovery[4].to_lowercase().replace('-', " ");
    assert_eq!(token_with(&app, NEW_PRACTITIONER_PHONE, Some(&typed)).await.status(), StatusCode::OK);
    assert_eq!(app.domain.sessions.recovery_codes_left(row.user_id).await.unwrap(), Some(8));
}

#[tokio::test]
async fn wrong_second_factor_codes_are_throttled_per_account() {
    let app = spawn_app_with(|c| c.login_per_account_per_minute = 3).await;
    app.domain.seed_demo().await.unwrap();
    // One password, then codes only (the web's second step): the codes
    // have a limit of their own.
    let client = reqwest::Client::new();
    let res =
        client.post(app.url("/sfn/login")).header("origin", &app.base).form(&[("login", FACILITY_ADMIN), ("password", DEMO_PASSWORD)]).send().await.unwrap();
    let ticket = set_cookie(&res, "__Host-sihati_mfa").unwrap();
    let wrong = wrong_code(&demo_totp_secret(), &app);
    let mut answers = Vec::new();
    for _ in 0..5 {
        let res =
            client.post(app.url("/sfn/second_factor")).header("origin", &app.base).header("cookie", &ticket).form(&[("code", &wrong)]).send().await.unwrap();
        answers.push(res.text().await.unwrap());
    }
    assert!(answers[0].contains("mfa_invalid"), "{answers:?}");
    assert!(answers[4].contains("too_many_attempts"), "{answers:?}");
    // Positive control: another account is not held back.
    let otp = domain::mfa::code_at(&demo_totp_secret(), app.domain.clock().now());
    assert_eq!(token_with(&app, DOCTOR, Some(&otp)).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn on_the_web_the_password_gives_a_short_ticket_and_only_the_code_gives_a_session() {
    let app = demo().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let post = |path: &str, cookie: Option<&str>, form: Vec<(&str, String)>| {
        let mut r = client.post(app.url(path)).header("origin", &app.base).form(&form);
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        r.send()
    };
    let login = vec![("login", DOCTOR.to_owned()), ("password", DEMO_PASSWORD.to_owned())];
    let res = post("/sfn/login", None, login.clone()).await.unwrap();
    assert!(set_cookie(&res, "__Host-sihati_session").is_none(), "no session before the code");
    let ticket = set_cookie(&res, "__Host-sihati_mfa").expect("a ticket for the second step");
    let raw = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).find(|c| c.starts_with("__Host-sihati_mfa=")).unwrap();
    assert!(raw.contains("HttpOnly") && raw.contains("Max-Age=300"), "{raw}");
    // The ticket is not a session.
    let who: Value = post("/sfn/whoami", Some(&ticket), vec![]).await.unwrap().json().await.unwrap();
    assert!(who.is_null(), "{who}");

    // A wrong code: no session, the ticket still works for the right one.
    let wrong = wrong_code(&demo_totp_secret(), &app);
    let res = post("/sfn/second_factor", Some(&ticket), vec![("code", wrong)]).await.unwrap();
    assert!(set_cookie(&res, "__Host-sihati_session").is_none());
    assert!(res.text().await.unwrap().contains("mfa_invalid"));
    // A forged ticket (another account's id with this tag) is refused.
    let forged = ticket.replacen(&ticket["__Host-sihati_mfa=".len().."__Host-sihati_mfa=".len() + 4], "0000", 1);
    let otp = app.next_code(DOCTOR, DEMO_PASSWORD).await;
    let res = post("/sfn/second_factor", Some(&forged), vec![("code", otp.clone())]).await.unwrap();
    assert!(set_cookie(&res, "__Host-sihati_session").is_none(), "forged ticket");
    assert!(res.text().await.unwrap().contains("unauthorized"));
    // The right code: a session, and the ticket is cleared.
    let res = post("/sfn/second_factor", Some(&ticket), vec![("code", otp)]).await.unwrap();
    let session = set_cookie(&res, "__Host-sihati_session").expect("session after the code");
    assert_eq!(set_cookie(&res, "__Host-sihati_mfa").as_deref(), Some("__Host-sihati_mfa="));
    let who: Value = post("/sfn/whoami", Some(&session), vec![]).await.unwrap().json().await.unwrap();
    assert_eq!(who["role"], "practitioner");

    // A ticket lasts five minutes.
    let res = post("/sfn/login", None, login).await.unwrap();
    let ticket = set_cookie(&res, "__Host-sihati_mfa").unwrap();
    app.domain.clock().advance(Duration::minutes(6));
    let otp = app.next_code(DOCTOR, DEMO_PASSWORD).await;
    let res = post("/sfn/second_factor", Some(&ticket), vec![("code", otp)]).await.unwrap();
    assert!(set_cookie(&res, "__Host-sihati_session").is_none(), "expired ticket");

    // Leila, not enrolled: the password leads to the enrolment, which the
    // ticket opens (and nothing else does).
    let res = post("/sfn/login", None, vec![("login", NEW_PRACTITIONER_PHONE.to_owned()), ("password", DEMO_PASSWORD.to_owned())]).await.unwrap();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    assert!(location.ends_with("/signin/enrol"), "{location}");
    let ticket = set_cookie(&res, "__Host-sihati_mfa").unwrap();
    let e: Value = post("/sfn/mfa_enrolment", Some(&ticket), vec![]).await.unwrap().json().await.unwrap();
    assert_eq!(e["recovery_codes"].as_array().map(Vec::len), Some(10), "{e}");
    let anonymous = post("/sfn/mfa_enrolment", None, vec![]).await.unwrap().text().await.unwrap();
    assert!(anonymous.contains("unauthorized") && !anonymous.contains("otpauth"), "{anonymous}");
}

#[tokio::test]
async fn a_facility_admin_resets_a_staff_members_authenticator_and_the_act_is_logged() {
    let app = demo().await;
    let admin = s(&app.token(FACILITY_ADMIN, DEMO_PASSWORD).await, "access_token");
    let doctor = s(&app.token(DOCTOR, DEMO_PASSWORD).await, "access_token");
    let staff: Vec<Value> = items(app.get_auth("/api/v1/staff", &admin).await).await;
    let find = |name: &str| staff.iter().find(|p| p["given_name"] == name).unwrap_or_else(|| panic!("{name} in {staff:?}")).clone();
    let karim = find("Karim");
    assert_eq!((karim["second_factor_required"].as_bool(), karim["second_factor_enrolled"].as_bool()), (Some(true), Some(true)));
    assert_eq!(find("Leila")["second_factor_enrolled"], false);
    assert_eq!(find("Samira")["second_factor_required"], false);
    assert!(staff.iter().all(|p| p["given_name"] != "Nadia" && p["role"] != "health_admin"), "not herself, not the directorate: {staff:?}");
    let karim_id = s(&karim, "id");
    let reset = |token: String, id: String| {
        let app = &app;
        async move { app.post_auth(&format!("/api/v1/staff/{id}/second-factor/reset"), &token, &json!({})).await }
    };

    // Refused to anyone but his administrators, before and after the positive control.
    let desk = s(&app.token(DESK, DEMO_PASSWORD).await, "access_token");
    let citizen = s(&app.token("0550000001", DEMO_PASSWORD).await, "access_token");
    for (who, token) in [("desk", &desk), ("citizen", &citizen), ("practitioner", &doctor)] {
        assert_eq!(reset(token.clone(), karim_id.clone()).await.status(), StatusCode::FORBIDDEN, "{who}");
        assert_eq!(app.get_auth("/api/v1/staff", token).await.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let directorate = s(&app.token(HEALTH_ADMIN, DEMO_PASSWORD).await, "access_token");
    assert_eq!(
        reset(directorate.clone(), karim_id.clone()).await.status(),
        StatusCode::NOT_FOUND,
        "the directorate manages facility admins, not practitioners"
    );
    let mine = s(&me(&app, &admin).await, "facility_id");
    let other = domain::entities::facility::Entity::find().all(app.domain.db()).await.unwrap().into_iter().find(|f| f.id.to_string() != mine).unwrap().id;
    let other_admin = new_staff(&app, other, shared::Role::FacilityAdmin, "0661990001").await;
    assert_eq!(reset(other_admin.clone(), karim_id.clone()).await.status(), StatusCode::NOT_FOUND, "another polyclinic's admin");
    let nadia = s(&me(&app, &admin).await, "id");
    assert_eq!(reset(admin.clone(), nadia.clone()).await.status(), StatusCode::NOT_FOUND, "not herself");
    assert!(app.domain.audit.admin_audit_of(shared::UserId(karim_id.parse().unwrap())).await.unwrap().is_empty());

    // Her own polyclinic's practitioner: reset, signed out, told, logged.
    assert_eq!(reset(admin.clone(), karim_id.clone()).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get_auth("/api/v1/me", &doctor).await.status(), StatusCode::UNAUTHORIZED, "his sessions ended");
    let (status, code, _) = error_code(token_with(&app, DOCTOR, Some(&domain::mfa::code_at(&demo_totp_secret(), app.domain.clock().now()))).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "mfa_enrolment_required"), "the old authenticator no longer works");
    // A second click finds nothing to reset: no second trace.
    assert_eq!(reset(admin.clone(), karim_id.clone()).await.status(), StatusCode::NO_CONTENT);
    let log = app.domain.audit.admin_audit_of(shared::UserId(karim_id.parse().unwrap())).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].action.as_str(), log[0].actor_id.to_string()), ("second_factor_reset", nadia.clone()));
    assert_eq!(log[0].facility_id.map(|f| f.to_string()), Some(mine));
    app.sms_with(DOCTOR, "authentification").await;
    let staff: Vec<Value> = items(app.get_auth("/api/v1/staff", &admin).await).await;
    assert!(staff.iter().any(|p| p["given_name"] == "Karim" && p["second_factor_enrolled"] == false));

    // The directorate resets a facility admin.
    assert_eq!(reset(directorate, nadia.clone()).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get_auth("/api/v1/me", &admin).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.domain.audit.admin_audit_of(shared::UserId(nadia.parse().unwrap())).await.unwrap().len(), 1);
}

async fn me(app: &TestApp, token: &str) -> Value {
    app.get_auth("/api/v1/me", token).await.json().await.unwrap()
}
