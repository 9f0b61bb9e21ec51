use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn too_many_attempts_on_one_account_get_429_with_retry_after_even_with_the_right_password() {
    let app = spawn_app_with(|c| c.login_per_account_per_minute = 3).await;
    let (phone, _, _) = app.register_unverified().await;
    for _ in 0..3 {
        let res = app.post("/api/v1/auth/token", &json!({"login": phone, "password": "wrong password"})).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app.post("/api/v1/auth/token", &json!({"login": phone, "password": PASSWORD})).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let (_, code, body) = error_code(res).await;
    assert_eq!(code, "too_many_attempts");
    assert_eq!(body["retry_after"], json!(retry));
    // The same spelling in another form is the same account.
    let intl = format!("+213{}", &phone[1..]);
    assert_eq!(app.post("/api/v1/auth/token", &json!({"login": intl, "password": PASSWORD})).await.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn too_many_attempts_from_one_ip_across_accounts_get_429() {
    let app = spawn_app_with(|c| c.login_per_ip_per_minute = 4).await;
    for i in 0..4 {
        let res = app.post("/api/v1/auth/token", &json!({"login": format!("079900000{i}"), "password": "whatever pass"})).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app.post("/api/v1/auth/token", &json!({"login": "0799000009", "password": "whatever pass"})).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
}
