use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn valid_body() -> Value {
    let (nin, phone) = unique_ids();
    json!({
        "nin": nin, "given_name": "Karim", "family_name": "Bouzid", "birth_date": "1985-01-30",
        "sex": "male", "phone": phone, "email": "", "password": PASSWORD, "lang": "ar"
    })
}

#[tokio::test]
async fn a_valid_registration_returns_201_with_the_normalised_profile() {
    let app = spawn_app().await;
    let mut body = valid_body();
    let national = body["phone"].as_str().unwrap().to_owned();
    body["phone"] = json!(format!("{} {} {}", &national[..4], &national[4..7], &national[7..]));
    let res = app.post("/api/v1/auth/register", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["phone"], json!(format!("+213{}", &national[1..])));
    assert_eq!(p["role"], "citizen");
    assert_eq!(p["lang"], "ar");
    assert!(p["email"].is_null());
    assert!(p.get("password").is_none() && p.get("password_hash").is_none());
}

#[tokio::test]
async fn a_duplicate_nin_or_phone_or_email_is_409_on_that_field() {
    let app = spawn_app().await;
    let (_, first) = app.register_citizen().await;
    let cases = [
        ("nin", "nin_taken", json!({ "nin": first["nin"] })),
        ("phone", "phone_taken", json!({ "phone": first["phone"] })),
        ("email", "email_taken", json!({ "email": first["email"].as_str().unwrap().to_uppercase() })),
    ];
    for (field, code, overrides) in cases {
        let mut body = valid_body();
        for (k, v) in overrides.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, top, err) = error_code(app.post("/api/v1/auth/register", &body).await).await;
        assert_eq!(status, StatusCode::CONFLICT, "{field}: {err}");
        assert_eq!(top, code);
        assert_eq!(err["fields"][0]["field"], field);
        assert_eq!(err["fields"][0]["code"], code);
    }
}

#[tokio::test]
async fn each_invalid_field_is_422_naming_that_field_and_code() {
    let app = spawn_app().await;
    let cases = [
        ("nin", json!("12345"), "nin_invalid"),
        ("nin", json!(""), "required"),
        ("given_name", json!("Ali<script>"), "name_invalid"),
        ("family_name", json!(""), "required"),
        ("birth_date", json!("2999-01-01"), "birth_date_invalid"),
        ("birth_date", json!("12/04/1990"), "birth_date_invalid"),
        ("sex", json!("x"), "sex_invalid"),
        ("phone", json!("0412345678"), "phone_invalid"),
        ("email", json!("not-an-email"), "email_invalid"),
        ("password", json!("short"), "password_too_short"),
        ("password", json!("azertyuiop"), "password_common"),
        ("lang", json!("de"), "lang_invalid"),
    ];
    for (field, value, code) in cases {
        let mut body = valid_body();
        body[field] = value.clone();
        let (status, top, err) = error_code(app.post("/api/v1/auth/register", &body).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}: {err}");
        assert_eq!(top, "validation_failed");
        let fields = err["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 1, "{err}");
        assert_eq!(fields[0]["field"], field);
        assert_eq!(fields[0]["code"], code);
        assert!(!fields[0]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn error_messages_follow_accept_language() {
    let app = spawn_app().await;
    let mut body = valid_body();
    body["nin"] = json!("1");
    let mut messages = Vec::new();
    for lang in ["ar", "fr-DZ,fr;q=0.9", "en"] {
        let res = app.client.post(app.url("/api/v1/auth/register")).header("accept-language", lang).json(&body).send().await.unwrap();
        let err: Value = res.json().await.unwrap();
        messages.push(err["fields"][0]["message"].as_str().unwrap().to_owned());
    }
    assert!(messages[0].contains("الرقم التعريفي"), "{}", messages[0]);
    assert!(messages[1].contains("Le NIN"), "{}", messages[1]);
    assert!(messages[2].contains("The NIN"), "{}", messages[2]);
}

#[tokio::test]
async fn malformed_json_is_a_400_with_the_standard_error_body() {
    let app = spawn_app().await;
    let res = app.client.post(app.url("/api/v1/auth/register")).header("content-type", "application/json").body("{nope").send().await.unwrap();
    let (status, code, _) = error_code(res).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "bad_request"));
}
