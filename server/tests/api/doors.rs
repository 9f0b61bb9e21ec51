//! The web door hardened: writes only from this site, redirects only to
//! paths of this site, the client IP only from the trusted proxy, slow
//! clients cut off, the signed-link key of its own. Each refusal has its
//! positive control.

use crate::helpers::*;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn bare_client() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Open-redirect payloads, each as it would sit in a query string.
const REDIRECTS: &[&str] = &[
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " /evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5C/evil.example",
    "/%09/evil.example",
    "/%0d%0a/evil.example",
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "data:text/html,x",
    "https://evil.example",
    "http://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "evil.example",
    "//evil.example@127.0.0.1",
    "/ /evil.example",
    "/\u{3000}/evil.example",
];

fn encode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// A Location is a path of this site: one leading slash, then no slash or
/// backslash, nothing a browser would strip, no scheme.
fn same_site(location: &str) -> bool {
    shared::safe_next(location).is_some_and(|_| location.starts_with('/'))
}

#[tokio::test]
async fn no_next_parameter_ever_redirects_off_site() {
    let app = spawn_app().await;
    // The language switch.
    for p in REDIRECTS {
        let res = bare_client().get(app.url(&format!("/lang/fr?next={}", encode(p)))).send().await.unwrap();
        assert!(res.status().is_redirection(), "{p:?}");
        let location = res.headers()["location"].to_str().unwrap();
        assert_eq!(location, "/", "{p:?} went to {location}");
    }
    // Positive control: a path of the site is kept, with its query.
    let res = bare_client().get(app.url(&format!("/lang/fr?next={}", encode("/book?specialty=cardiology")))).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/book?specialty=cardiology");

    // The upload form's `next` (any signed-in user reaches the redirect).
    let (phone, _) = app.register_citizen().await;
    let cookie = web_session(&app, &phone, PASSWORD).await;
    let upload = |next: String| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let form =
                reqwest::multipart::Form::new().text("next", next).part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4".to_vec()).file_name("a.pdf"));
            let entry = uuid::Uuid::new_v4();
            let res = app.client.post(app.url(&format!("/care/entries/{entry}/files"))).header("cookie", cookie).multipart(form).send().await.unwrap();
            assert!(res.status().is_redirection(), "{}", res.status());
            res.headers()["location"].to_str().unwrap().to_owned()
        }
    };
    for p in REDIRECTS {
        let location = upload(p.to_string()).await;
        assert!(same_site(&location) && location.starts_with("/care?"), "{p:?} went to {location}");
    }
    let location = upload("/record".into()).await;
    assert!(location.starts_with("/record?file_error="), "positive control: {location}");
}

#[tokio::test]
async fn a_write_with_the_session_cookie_from_another_site_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let (phone, _) = app.register_citizen().await;
    let cookie = web_session(&app, &phone, PASSWORD).await;
    let rename = |origin: Option<&'static str>, fetch_site: Option<&'static str>, name: &'static str| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let mut req = bare_client().post(app.url("/sfn/update_profile")).header("cookie", cookie).form(&[
                ("given_name", name),
                ("family_name", "Haddad"),
                ("lang", "fr"),
            ]);
            if let Some(o) = origin {
                req = req.header("origin", o);
            }
            if let Some(f) = fetch_site {
                req = req.header("sec-fetch-site", f);
            }
            req.send().await.unwrap().status()
        }
    };
    let given_name = || async {
        let token = s(&app.token(&phone, PASSWORD).await, "access_token");
        let me: Value = app.get_auth("/api/v1/me", &token).await.json().await.unwrap();
        s(&me, "given_name")
    };
    assert_eq!(rename(Some("https://evil.example"), None, "Mallory").await, StatusCode::FORBIDDEN);
    assert_eq!(rename(Some("null"), None, "Mallory").await, StatusCode::FORBIDDEN);
    assert_eq!(rename(None, Some("cross-site"), "Mallory").await, StatusCode::FORBIDDEN);
    assert_eq!(rename(None, Some("same-site"), "Mallory").await, StatusCode::FORBIDDEN);
    assert_eq!(rename(None, None, "Mallory").await, StatusCode::FORBIDDEN, "no Origin and no Sec-Fetch-Site");
    assert_eq!(given_name().await, "Amina", "nothing changed");
    // The API with a bearer token is not a browser's cookie door: untouched.
    let token = s(&app.token(&phone, PASSWORD).await, "access_token");
    let res = bare_client().get(app.url("/api/v1/me")).bearer_auth(&token).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Positive controls: this site's origin, or same-origin fetch metadata.
    let origin: &'static str = Box::leak(app.base.clone().into_boxed_str());
    assert!(rename(Some(origin), None, "Yasmine").await.is_success());
    assert_eq!(given_name().await, "Yasmine");
    assert!(rename(None, Some("same-origin"), "Lina").await.is_success());
    assert_eq!(given_name().await, "Lina");
}

#[tokio::test]
async fn behind_a_proxy_the_client_is_the_address_the_proxy_added_not_what_the_client_wrote() {
    let app = spawn_app_with(|c| {
        c.proxy_hops = 1;
        c.login_per_ip_per_minute = 2;
    })
    .await;
    let attempt = |xff: &'static str, login: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/v1/auth/token"))
                .header("x-forwarded-for", xff)
                .json(&json!({ "login": login, "password": "whatever it is" }))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // The client rotates the leftmost entry; the proxy appended 203.0.113.7
    // each time, so these are one client.
    assert_eq!(attempt("1.1.1.1, 203.0.113.7", "0770000001").await, StatusCode::UNAUTHORIZED);
    assert_eq!(attempt("2.2.2.2, 203.0.113.7", "0770000002").await, StatusCode::UNAUTHORIZED);
    assert_eq!(attempt("3.3.3.3, 203.0.113.7", "0770000003").await, StatusCode::TOO_MANY_REQUESTS);
    // Positive control: another client (another address added by the proxy).
    assert_eq!(attempt("3.3.3.3, 198.51.100.9", "0770000004").await, StatusCode::UNAUTHORIZED);
    // IPv6 clients count per /64.
    assert_eq!(attempt("2001:db8:5:6::1", "0770000005").await, StatusCode::UNAUTHORIZED);
    assert_eq!(attempt("2001:db8:5:6::2", "0770000006").await, StatusCode::UNAUTHORIZED);
    assert_eq!(attempt("2001:db8:5:6:ffff::3", "0770000007").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(attempt("2001:db8:5:7::1", "0770000008").await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_client_that_does_not_finish_its_headers_is_cut_off() {
    let app = spawn_app_with(|c| c.header_read_timeout_secs = 1).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    // Positive control: a whole request is answered.
    let mut whole = tokio::net::TcpStream::connect(&addr).await.unwrap();
    whole.write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    whole.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Half a request, then silence: the server closes within a few seconds.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut buf = Vec::new();
    let closed = tokio::time::timeout(std::time::Duration::from_secs(10), slow.read_to_end(&mut buf)).await;
    assert!(closed.is_ok(), "the connection was still open after 10 s");
    let text = String::from_utf8_lossy(&buf);
    assert!(!text.contains("200 OK"), "{text}");
}

#[tokio::test]
async fn a_request_whose_body_never_finishes_gets_408() {
    let app = spawn_app_with(|c| c.request_timeout_secs = 1).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let head = "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 60\r\n\r\n";
    // Positive control: the whole body is answered (wrong credentials).
    let body = r#"{"login":"0550000099","password":"not the right one at all"}"#;
    let mut whole = tokio::net::TcpStream::connect(&addr).await.unwrap();
    whole.write_all(format!("{}{body}", head.replace("60", &body.len().to_string())).as_bytes()).await.unwrap();
    let mut answer = String::new();
    whole.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    // Ten bytes of sixty, then silence.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(format!("{head}{{\"login\":").as_bytes()).await.unwrap();
    let mut buf = String::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), slow.read_to_string(&mut buf)).await;
    assert!(read.is_ok(), "still waiting after 10 s");
    assert!(buf.starts_with("HTTP/1.1 408"), "{buf}");
}

#[tokio::test]
async fn registration_is_throttled_per_client() {
    let app = spawn_app_with(|c| c.identity.account_actions_per_ip_per_minute = 2).await;
    for _ in 0..2 {
        app.register_unverified().await;
    }
    let (nin, phone) = unique_ids();
    let body =
        json!({ "nin": nin, "given_name": "Omar", "family_name": "Haddad", "birth_date": "1980-01-01", "sex": "male", "phone": phone, "password": PASSWORD });
    let (status, code, _) = error_code(app.post("/api/v1/auth/register", &body).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"));
}

#[tokio::test]
async fn signed_links_have_a_key_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let config = server::Config { data_dir: dir.path().to_owned(), ..server::Config::default() };
    let jwt = config.jwt_key().unwrap();
    let link = config.link_key().unwrap();
    assert!(jwt.len() >= 32 && link.len() >= 32);
    assert_ne!(jwt, link, "two keys");
    assert_eq!(config.link_key().unwrap(), link, "generated once, then reused");
    assert!(dir.path().join("link.key").exists() && dir.path().join("jwt.key").exists());
}
