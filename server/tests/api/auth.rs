use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn signing_in_with_phone_or_email_returns_a_bearer_pair_that_reads_the_profile() {
    let app = spawn_app().await;
    let (phone, body) = app.register_citizen().await;
    for login in [phone.clone(), format!("+213{}", &phone[1..]), body["email"].as_str().unwrap().to_uppercase()] {
        let t = app.token(&login, PASSWORD).await;
        assert_eq!(t["token_type"], "Bearer");
        assert!(t["expires_in"].as_u64().unwrap() <= 900);
        let me: Value = app.get_auth("/api/v1/me", &s(&t, "access_token")).await.json().await.unwrap();
        assert_eq!(me["nin"], body["nin"]);
    }
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_401() {
    let app = spawn_app().await;
    let (phone, _) = app.register_citizen().await;
    let wrong = error_code(app.post("/api/v1/auth/token", &json!({"login": phone, "password": "not the password"})).await).await;
    let unknown = error_code(app.post("/api/v1/auth/token", &json!({"login": "0799999999", "password": "not the password"})).await).await;
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.1, "invalid_credentials");
    assert_eq!((wrong.0, wrong.1), (unknown.0, unknown.1));
}

#[tokio::test]
async fn me_without_a_token_is_401_with_www_authenticate() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
}

#[tokio::test]
async fn a_refresh_rotates_the_pair_and_the_new_tokens_work() {
    let app = spawn_app().await;
    let t1 = app.citizen_tokens().await;
    let res = app.post("/api/v1/auth/refresh", &json!({"refresh_token": s(&t1, "refresh_token")})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let t2: Value = res.json().await.unwrap();
    assert_ne!(t1["refresh_token"], t2["refresh_token"]);
    assert_ne!(t1["access_token"], t2["access_token"]);
    assert_eq!(app.get_auth("/api/v1/me", &s(&t2, "access_token")).await.status(), StatusCode::OK);
    let t3 = app.post("/api/v1/auth/refresh", &json!({"refresh_token": s(&t2, "refresh_token")})).await;
    assert_eq!(t3.status(), StatusCode::OK);
}

#[tokio::test]
async fn reusing_a_rotated_refresh_token_revokes_the_whole_family() {
    let app = spawn_app().await;
    let t1 = app.citizen_tokens().await;
    let t2: Value = app.post("/api/v1/auth/refresh", &json!({"refresh_token": s(&t1, "refresh_token")})).await.json().await.unwrap();
    // The stolen copy of the first refresh token is played again, after the
    // grace window in which a retry gets the same pair.
    app.domain.clock().advance(chrono::Duration::seconds(app.domain.config().identity.refresh_grace_secs + 1));
    let (status, code, _) = error_code(app.post("/api/v1/auth/refresh", &json!({"refresh_token": s(&t1, "refresh_token")})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "token_invalid"));
    // Every token of the family is now dead: the legitimate new refresh token and its access token.
    let (status, _, _) = error_code(app.post("/api/v1/auth/refresh", &json!({"refresh_token": s(&t2, "refresh_token")})).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get_auth("/api/v1/me", &s(&t2, "access_token")).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn concurrent_uses_of_one_refresh_token_yield_one_new_pair_for_all() {
    let app = spawn_app().await;
    let t1 = app.citizen_tokens().await;
    use domain::entities::refresh_token;
    use sea_orm::{EntityTrait, PaginatorTrait};
    let before = refresh_token::Entity::find().count(app.domain.db()).await.unwrap();
    let body = json!({"refresh_token": s(&t1, "refresh_token")});
    let results = futures::future::join_all((0..5).map(|_| app.post("/api/v1/auth/refresh", &body))).await;
    let mut successors = std::collections::HashSet::new();
    for r in results {
        assert_eq!(r.status(), StatusCode::OK, "a retry within the grace window is answered");
        let t: Value = r.json().await.unwrap();
        successors.insert(s(&t, "refresh_token"));
    }
    assert_eq!(successors.len(), 1, "one successor, whoever won the race: {successors:?}");
    assert_eq!(refresh_token::Entity::find().count(app.domain.db()).await.unwrap(), before + 1, "one successor row");
}

#[tokio::test]
async fn after_logout_the_access_and_refresh_tokens_are_refused() {
    let app = spawn_app().await;
    let t = app.citizen_tokens().await;
    let access = s(&t, "access_token");
    // Verified, and so kept a moment by this server (positive control)…
    assert_eq!(app.get_auth("/api/v1/me", &access).await.status(), StatusCode::OK);
    let res = app.post_auth("/api/v1/auth/logout", &access, &json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // …and forgotten at once when this server signs it out: no clock step.
    assert_eq!(app.get_auth("/api/v1/me", &access).await.status(), StatusCode::UNAUTHORIZED);
    let res = app.post("/api/v1/auth/refresh", &json!({"refresh_token": s(&t, "refresh_token")})).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn after_a_password_change_old_tokens_and_the_old_password_are_refused() {
    let app = spawn_app().await;
    let (phone, _) = app.register_citizen().await;
    let other_device = app.token(&phone, PASSWORD).await;
    let this_device = app.token(&phone, PASSWORD).await;
    let new_password = "la mer à Oran en été";
    let wrong =
        app.post_auth("/api/v1/me/password", &s(&this_device, "access_token"), &json!({"current_password": "nope nope", "new_password": new_password})).await;
    let (status, _, err) = error_code(wrong).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["fields"][0]["code"], "current_password_wrong");

    let res =
        app.post_auth("/api/v1/me/password", &s(&this_device, "access_token"), &json!({"current_password": PASSWORD, "new_password": new_password})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let fresh: Value = res.json().await.unwrap();
    for old in [&this_device, &other_device] {
        assert_eq!(app.get_auth("/api/v1/me", &s(old, "access_token")).await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(app.post("/api/v1/auth/refresh", &json!({"refresh_token": s(old, "refresh_token")})).await.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.get_auth("/api/v1/me", &s(&fresh, "access_token")).await.status(), StatusCode::OK);
    assert_eq!(app.post("/api/v1/auth/token", &json!({"login": phone, "password": PASSWORD})).await.status(), StatusCode::UNAUTHORIZED);
    app.token(&phone, new_password).await;
}

#[tokio::test]
async fn updating_the_profile_validates_and_saves_it() {
    let app = spawn_app().await;
    let t = app.citizen_tokens().await;
    let access = s(&t, "access_token");
    let res = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&access)
        .json(&json!({"given_name": "Yasmine", "family_name": "Khelifa", "lang": "en"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let p: Value = res.json().await.unwrap();
    assert_eq!((p["given_name"].as_str(), p["family_name"].as_str(), p["lang"].as_str()), (Some("Yasmine"), Some("Khelifa"), Some("en")));
    assert_eq!(p["phone_verified"], true, "the phone changes only through a verification (identity tests)");
    let bad = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&access)
        .json(&json!({"given_name": "", "family_name": "Khelifa", "lang": "xx"}))
        .send()
        .await
        .unwrap();
    let (status, _, err) = error_code(bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["fields"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn health_endpoints_and_the_openapi_document_are_served() {
    let app = spawn_app().await;
    assert_eq!(app.client.get(app.url("/health/live")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.client.get(app.url("/health/ready")).send().await.unwrap().status(), StatusCode::OK);
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/auth/register",
        "/api/v1/auth/token",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/me/password",
        "/api/v1/me/phone",
        "/api/v1/me/phone/code",
        "/api/v1/me/phone/verify",
        "/api/v1/me/email",
        "/api/v1/me/email/link",
        "/api/v1/auth/email/verify",
        "/api/v1/auth/password/forgot",
        "/api/v1/auth/password/reset",
        "/api/v1/auth/password/reset-link",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing from OpenAPI");
    }
    assert!(doc["components"]["schemas"].get("RegisterIn").is_some());
}

/// The router is made from the document (utoipa-axum): each documented
/// operation is routed, and on a documented path no other method is.
#[tokio::test]
async fn the_router_serves_exactly_the_documented_operations() {
    let app = spawn_app().await;
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let methods = [reqwest::Method::GET, reqwest::Method::POST, reqwest::Method::PUT, reqwest::Method::PATCH, reqwest::Method::DELETE];
    let (mut routed, mut refused) = (0, 0);
    for (path, ops) in doc["paths"].as_object().unwrap() {
        // Every `{param}` becomes a well-formed id nobody has.
        let url = path.split('/').map(|seg| if seg.starts_with('{') { uuid::Uuid::new_v4().to_string() } else { seg.to_owned() }).collect::<Vec<_>>().join("/");
        for m in &methods {
            let documented = ops.get(m.as_str().to_lowercase()).is_some();
            let status = app.client.request(m.clone(), app.url(&url)).send().await.unwrap().status();
            if documented {
                assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{m} {path} is documented but not routed");
                routed += 1;
            } else {
                assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{m} {path} is routed but not documented");
                refused += 1;
            }
        }
    }
    assert!(routed >= 80 && refused >= 250, "only {routed} operations and {refused} refusals probed");
    // Off the list altogether: the JSON 404, not a page.
    let res = app.client.get(app.url("/api/v1/no-such-route")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "not_found");
}

#[tokio::test]
async fn every_documented_route_answers_a_malformed_id_with_the_json_error_body() {
    let app = spawn_app().await;
    app.domain.seed_demo().await.unwrap();
    let citizen = s(&app.citizen_tokens().await, "access_token");
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let mut probed = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let uuid_params: Vec<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path" && p["schema"]["format"] == "uuid")
                .filter_map(|p| p["name"].as_str())
                .collect();
            if uuid_params.is_empty() {
                continue;
            }
            let url = uuid_params.iter().fold(path.clone(), |u, name| u.replace(&format!("{{{name}}}"), "not-an-id"));
            let req = match method.as_str() {
                "get" => app.client.get(app.url(&url)),
                "post" => app.client.post(app.url(&url)).json(&json!({})),
                "put" => app.client.put(app.url(&url)).json(&json!({})),
                "patch" => app.client.patch(app.url(&url)).json(&json!({})),
                "delete" => app.client.delete(app.url(&url)),
                other => panic!("{other} {path}"),
            };
            let res = req.bearer_auth(&citizen).send().await.unwrap();
            let status = res.status();
            let kind = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
            let body = res.text().await.unwrap();
            assert!(kind.starts_with("application/json"), "{method} {url}: {status} {kind} {body}");
            let err: Value = serde_json::from_str(&body).unwrap();
            assert!(status.is_client_error() && err["code"].is_string(), "{method} {url}: {status} {body}");
            probed += 1;
        }
    }
    // Positive control: the routes with an id parameter were found and probed.
    assert!(probed >= 20, "only {probed} routes with an id parameter");
}

#[tokio::test]
async fn every_list_door_answers_the_page_envelope_in_the_openapi_document() {
    let app = spawn_app().await;
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    // A schema, with its $ref followed into the components.
    let resolve = |schema: &Value| -> Value {
        match schema["$ref"].as_str() {
            Some(r) => doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")].clone(),
            None => schema.clone(),
        }
    };
    let (mut bare, mut paged) = (Vec::new(), 0);
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let Some(get) = ops.get("get") else { continue };
        let schema = resolve(&get["responses"]["200"]["content"]["application/json"]["schema"]);
        if schema["type"] == "array" {
            bare.push(path.clone());
        }
        if schema["properties"]["next_cursor"].is_object() && schema["properties"]["items"]["type"] == "array" {
            paged += 1;
            let names: Vec<&str> = get["parameters"].as_array().into_iter().flatten().filter_map(|p| p["name"].as_str()).collect();
            // (The access log's keyset cursor is called `before`.)
            assert!((names.contains(&"cursor") || names.contains(&"before")) && names.contains(&"limit"), "{path} documents cursor and limit: {names:?}");
        }
    }
    assert!(bare.is_empty(), "list doors answering a bare array: {bare:?}");
    // Positive control: the list doors were found, each with its envelope.
    assert!(paged >= 25, "only {paged} paged list doors");
}

/// A session revoked by another process (here: straight in the database)
/// is trusted at most `session_cache_ms` longer by this one; with the
/// cache off, not at all.
#[tokio::test]
async fn a_session_revoked_elsewhere_is_refused_once_the_session_cache_has_let_it_go() {
    use domain::entities::session;
    use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
    // 30 s: the cache's own timer runs on real time, and a slow machine
    // must not let the entry go before the test steps its clock.
    for cache_ms in [30_000, 0] {
        let app = spawn_app_with(|c| c.identity.session_cache_ms = cache_ms).await;
        let t = app.citizen_tokens().await;
        let access = s(&t, "access_token");
        assert_eq!(app.get_auth("/api/v1/me", &access).await.status(), StatusCode::OK);
        session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(app.domain.clock().now()))
            .filter(session::Column::RevokedAt.is_null())
            .exec(app.domain.db())
            .await
            .unwrap();
        if cache_ms > 0 {
            assert_eq!(app.get_auth("/api/v1/me", &access).await.status(), StatusCode::OK, "kept for the TTL");
            app.domain.clock().advance(chrono::Duration::milliseconds(cache_ms as i64));
        }
        assert_eq!(app.get_auth("/api/v1/me", &access).await.status(), StatusCode::UNAUTHORIZED, "cache {cache_ms} ms");
    }
}
