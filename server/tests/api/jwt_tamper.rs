//! Every way of forging or bending an access token is answered 401.

use crate::helpers::*;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn sign(claims: &Value, alg: Algorithm, key: &[u8]) -> String {
    encode(&Header::new(alg), claims, &EncodingKey::from_secret(key)).unwrap()
}

fn with(claims: &Value, key: &str, value: Value) -> Value {
    let mut c = claims.clone();
    if value.is_null() {
        c.as_object_mut().unwrap().remove(key);
    } else {
        c[key] = value;
    }
    c
}

/// HMAC-SHA256 by hand, for tokens whose header jsonwebtoken would not write.
fn hs256(signing_input: &str, key: &[u8]) -> String {
    use jsonwebtoken::crypto::sign as jws_sign;
    jws_sign(signing_input.as_bytes(), &EncodingKey::from_secret(key), Algorithm::HS256).unwrap()
}

#[tokio::test]
async fn every_tampered_access_token_is_refused_with_401() {
    let app = spawn_app().await;
    let t = app.citizen_tokens().await;
    let good = s(&t, "access_token");
    // The untouched token works: the refusals below are about the tampering.
    assert_eq!(app.get_auth("/api/v1/me", &good).await.status(), StatusCode::OK);

    let claims = claims_of(&good);
    let key = TEST_SECRET.as_bytes();
    let now = chrono::Utc::now().timestamp();
    let (header_b64, payload_b64, sig) = {
        let mut it = good.split('.');
        (it.next().unwrap().to_owned(), it.next().unwrap().to_owned(), it.next().unwrap().to_owned())
    };

    let mut forged: Vec<(&str, String)> = vec![
        ("alg none", format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), payload_b64)),
        ("alg none with the old signature", format!("{}.{}.{}", b64(&json!({"alg": "none", "typ": "JWT"})), payload_b64, sig)),
        ("wrong key", sign(&claims, Algorithm::HS256, b"another-secret-another-secret-another-secret")),
        ("HS512 with the right key", sign(&claims, Algorithm::HS512, key)),
        ("HS384 with the right key", sign(&claims, Algorithm::HS384, key)),
        ("wrong audience", sign(&with(&claims, "aud", json!("someone-else")), Algorithm::HS256, key)),
        ("wrong issuer", sign(&with(&claims, "iss", json!("evil")), Algorithm::HS256, key)),
        ("refresh type", sign(&with(&claims, "typ", json!("refresh")), Algorithm::HS256, key)),
        ("no type", sign(&with(&claims, "typ", Value::Null), Algorithm::HS256, key)),
        ("expired past the leeway", sign(&with(&claims, "exp", json!(now - 31 - 5)), Algorithm::HS256, key)),
        ("no exp", sign(&with(&claims, "exp", Value::Null), Algorithm::HS256, key)),
        ("no sub", sign(&with(&claims, "sub", Value::Null), Algorithm::HS256, key)),
        ("no aud", sign(&with(&claims, "aud", Value::Null), Algorithm::HS256, key)),
        ("another user's id", sign(&with(&claims, "sub", json!(uuid::Uuid::new_v4().to_string())), Algorithm::HS256, key)),
        ("a session that does not exist", sign(&with(&claims, "sid", json!(uuid::Uuid::new_v4().to_string())), Algorithm::HS256, key)),
        ("empty", String::new()),
        ("garbage", "not.a.jwt".into()),
    ];
    // Algorithm confusion: an asymmetric algorithm named in the header, the
    // signature made with our HMAC key as if it were a public key.
    for alg in ["RS256", "ES256", "PS256", "EdDSA"] {
        let input = format!("{}.{}", b64(&json!({"alg": alg, "typ": "JWT"})), payload_b64);
        let sig = hs256(&input, key);
        forged.push(("asymmetric alg in header", format!("{input}.{sig}")));
    }
    // Bit flips in each part.
    for (part, idx) in [(0usize, 5usize), (1, 10), (1, 40), (2, 3), (2, 20)] {
        let mut parts = [header_b64.clone(), payload_b64.clone(), sig.clone()];
        let mut bytes = parts[part].clone().into_bytes();
        bytes[idx] = if bytes[idx] == b'A' { b'B' } else { b'A' };
        parts[part] = String::from_utf8(bytes).unwrap();
        forged.push(("bit flip", parts.join(".")));
    }

    for (what, token) in forged {
        let res = app.get_auth("/api/v1/me", &token).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{what} was not refused");
    }
    // Within the 30 s leeway, an expired token still works (the leeway is real, not zero).
    let recent = sign(&with(&claims, "exp", json!(now - 10)), Algorithm::HS256, key);
    assert_eq!(app.get_auth("/api/v1/me", &recent).await.status(), StatusCode::OK);
}
