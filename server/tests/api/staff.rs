use crate::helpers::*;
use domain::accounts::NewStaff;
use reqwest::StatusCode;
use serde_json::Value;
use shared::{ErrorCode, Role};

#[tokio::test]
async fn the_demo_seed_creates_staff_logins_tied_to_a_facility_and_runs_only_once() {
    let app = spawn_app().await;
    assert!(app.domain.seed_demo().await.unwrap());
    assert!(!app.domain.seed_demo().await.unwrap(), "a second seed must not duplicate data");
    for (role, phone) in domain::seed::DEMO_LOGINS {
        let t = app.token(phone, domain::seed::DEMO_PASSWORD).await;
        let me: Value = app.get_auth("/api/v1/me", &s(&t, "access_token")).await.json().await.unwrap();
        assert_eq!(me["role"], role.code());
        assert_eq!(me["facility_id"].is_string(), role.needs_facility(), "{role:?}: {me}");
    }
}

#[tokio::test]
async fn staff_accounts_need_a_facility_or_for_a_health_admin_a_wilaya_and_are_never_citizens() {
    let app = spawn_app().await;
    let err = app.domain.accounts.create_staff(staff(Role::Receptionist, "0661000001")).await.unwrap_err();
    assert_eq!(err.to_api().field("facility_id"), Some(ErrorCode::Required));
    let err = app.domain.accounts.create_staff(staff(Role::Citizen, "0661000002")).await.unwrap_err();
    assert_eq!(err.to_api().code, ErrorCode::BadRequest);
    // A health administrator works for a wilaya that exists; nobody else has one.
    let err = app.domain.accounts.create_staff(staff(Role::HealthAdmin, "0661000003")).await.unwrap_err();
    assert_eq!(err.to_api().field("wilaya_code"), Some(ErrorCode::Required));
    let err = app.domain.accounts.create_staff(NewStaff { wilaya_code: Some("99".into()), ..staff(Role::HealthAdmin, "0661000003") }).await.unwrap_err();
    assert_eq!(err.to_api().field("wilaya_code"), Some(ErrorCode::NotFound));
    let err = app.domain.accounts.create_staff(NewStaff { wilaya_code: Some("31".into()), ..staff(Role::Citizen, "0661000004") }).await.unwrap_err();
    assert_eq!(err.to_api().code, ErrorCode::BadRequest);
    app.domain.accounts.create_staff(NewStaff { wilaya_code: Some("31".into()), ..staff(Role::HealthAdmin, "0661000003") }).await.unwrap();
    let t = app.token("0661000003", PASSWORD).await;
    let res = app.get_auth("/api/v1/me", &s(&t, "access_token")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["role"], "health_admin");
}
