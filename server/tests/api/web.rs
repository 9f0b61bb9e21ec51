//! The web door: pages carry the security headers and a working CSP nonce,
//! languages follow Accept-Language and the cookie, and the forms work as
//! plain HTML posts (no JavaScript).

use crate::helpers::*;
use reqwest::{Client, StatusCode};

fn plain_client() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn pages_carry_the_security_headers_and_every_inline_script_has_the_csp_nonce() {
    let app = spawn_app().await;
    let res = plain_client().get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert!(h["strict-transport-security"].to_str().unwrap().contains("max-age="));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.contains_key("referrer-policy"));
    assert_eq!(h["cache-control"], "no-store");
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_owned();
    let body = res.text().await.unwrap();
    let scripts = body.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        body.matches(&format!("<script nonce=\"{nonce}\"")).count()
            + body.matches(&format!("<script type=\"module\" nonce=\"{nonce}\"")).count()
            + body.matches("<script></script>").count(),
        scripts,
        "{body}"
    );
    // A second request gets another nonce.
    let again = plain_client().get(app.url("/")).send().await.unwrap();
    assert_ne!(again.headers()["content-security-policy"].to_str().unwrap(), csp);
}

#[tokio::test]
async fn a_facility_page_reads_without_javascript_and_an_unknown_one_is_404() {
    let app = spawn_app().await;
    app.domain.seed_demo().await.unwrap();
    use sea_orm::EntityTrait;
    // One whose name and address need no HTML escaping, to find them as typed.
    let plain = |s: &str| !s.contains(['\'', '&', '"', '<']);
    let f =
        domain::entities::facility::Entity::find().all(app.domain.db()).await.unwrap().into_iter().find(|f| plain(&f.name_fr) && plain(&f.address)).unwrap();
    let page = |path: String| {
        let app = &app;
        async move { app.client.get(app.url(&path)).header("accept-language", "fr").send().await.unwrap() }
    };
    let res = page(format!("/facilities/{}", f.id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains(&f.name_fr) && html.contains(&f.address) && html.contains(r#"data-test="offered""#), "the page is in the HTML");
    assert_eq!(page(format!("/facilities/{}", uuid::Uuid::new_v4())).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(page(format!("/practitioners/{}", uuid::Uuid::new_v4())).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_page_language_follows_accept_language_and_then_the_cookie() {
    let app = spawn_app().await;
    let get = |lang: &'static str, cookie: Option<&'static str>| {
        let mut req = plain_client().get(app.url("/register")).header("accept-language", lang);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let fr = get("fr-FR,fr;q=0.9", None).await;
    assert!(fr.contains(r#"<html lang="fr" dir="ltr""#), "{}", &fr[..200]);
    assert!(fr.contains("Créer un compte"));
    let ar = get("ar-DZ", None).await;
    assert!(ar.contains(r#"<html lang="ar" dir="rtl""#));
    let cookie_wins = get("fr", Some("i18n_pref_locale=en")).await;
    assert!(cookie_wins.contains(r#"<html lang="en" dir="ltr""#));
}

#[tokio::test]
async fn the_language_switch_sets_the_cookie_and_never_redirects_off_site() {
    let app = spawn_app().await;
    let res = plain_client().get(app.url("/lang/fr?next=/register")).send().await.unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], "/register");
    assert!(set_cookies(&res).iter().any(|c| c.starts_with("i18n_pref_locale=fr")));
    for evil in ["//evil.example", "https://evil.example", "/\\evil.example"] {
        let res = plain_client().get(app.url(&format!("/lang/fr?next={evil}"))).send().await.unwrap();
        assert_eq!(res.headers()["location"], "/", "{evil}");
    }
    assert_eq!(plain_client().get(app.url("/lang/de")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_sign_in_form_works_without_javascript_and_sets_a_hardened_cookie() {
    let app = spawn_app().await;
    let (phone, body) = app.register_citizen().await;
    let client = plain_client();
    let res = client
        .post(app.url("/sfn/login"))
        .header("accept", "text/html")
        .header("origin", &app.base)
        .header("referer", app.url("/login"))
        .form(&[("login", phone.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"], "/profile");
    let cookies = set_cookies(&res);
    // `__Host-`: the browser keeps it only if set over HTTPS by this very
    // host, with Path=/ and no Domain — no sibling subdomain can plant one.
    let session = cookies.iter().find(|c| c.starts_with("__Host-sihati_session=")).expect("session cookie").clone();
    for attr in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(attr), "{session} lacks {attr}");
    }
    assert!(!session.to_lowercase().contains("domain="), "{session}");
    let pair = session.split(';').next().unwrap().to_owned();
    let page = client.get(app.url("/profile")).header("cookie", &pair).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(html.contains(body["nin"].as_str().unwrap()), "the profile shows the NIN");
    assert!(!res.headers().contains_key("clear-site-data"), "signing in keeps the browser's storage");
    // The service worker keeps an offline copy of "my appointments" only
    // when the page shows them (marked); signed out, it shows no mark.
    let mine = client.get(app.url("/appointments")).header("cookie", &pair).send().await.unwrap().text().await.unwrap();
    assert!(mine.contains("data-keep-offline=\"list\""), "{mine}");
    let nobody = client.get(app.url("/appointments")).send().await.unwrap().text().await.unwrap();
    assert!(!nobody.contains("data-keep-offline"), "{nobody}");

    // Signing out ends the session: the old cookie no longer opens the profile.
    let out = client
        .post(app.url("/sfn/logout"))
        .header("accept", "text/html")
        .header("origin", &app.base)
        .header("cookie", &pair)
        .header("referer", app.url("/profile"))
        .send()
        .await
        .unwrap();
    assert!(out.status().is_redirection());
    // The browser empties the site's storage: the offline copies with it.
    assert_eq!(out.headers()["clear-site-data"], "\"storage\"");
    let who = client.post(app.url("/sfn/whoami")).header("origin", &app.base).header("cookie", &pair).send().await.unwrap().text().await.unwrap();
    assert_eq!(who, "null");
}

#[tokio::test]
async fn a_failed_no_javascript_sign_in_returns_to_the_form_with_the_error_code_only() {
    let app = spawn_app().await;
    let res = plain_client()
        .post(app.url("/sfn/login"))
        .header("accept", "text/html")
        .header("origin", &app.base)
        .header("referer", app.url("/login"))
        .form(&[("login", "0551234567"), ("password", "wrong password")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("/login"), "{location}");
    let err = location.split("__err=").nth(1).expect("error in the URL").replace("%3D", "=");
    use base64::Engine;
    let decoded = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(err).unwrap()).unwrap();
    assert!(decoded.contains("invalid_credentials"), "{decoded}");
    assert!(!decoded.contains("0551234567") && !decoded.contains("wrong") && !location.contains("0551234567"), "no personal data in the URL: {location}");
    let page = plain_client().get(&location).header("accept-language", "fr").send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Identifiant ou mot de passe incorrect"), "the error is shown, translated");
}

#[tokio::test]
async fn pkg_files_are_served_precompressed_in_ranges_and_kept_for_good_when_their_name_is_their_hash() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let hashed = "chunk_3.q2VbSu1R8nzJcJ4Zl0qB-w.wasm";
    let wasm: Vec<u8> = (0..200u8).collect();
    std::fs::write(pkg.join(hashed), &wasm).unwrap();
    std::fs::write(pkg.join(format!("{hashed}.br")), b"brotli bytes").unwrap();
    std::fs::write(pkg.join("sihati.wasm"), &wasm).unwrap();
    std::fs::write(pkg.join("sihati.q2VbSu1R8nzJcJ4Zl0qB-w.wasm"), &wasm).unwrap();
    let root = site.path().to_owned();
    let app = spawn_app_with(move |c| c.site_root = Some(root)).await;
    let client = plain_client();
    let url = app.url(&format!("/pkg/{hashed}"));

    // The build's brotli file, as it is, for a browser that reads brotli.
    let res = client.get(&url).header("accept-encoding", "gzip, br").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"brotli bytes");
    // The plain file for one that does not (positive control of the above).
    let res = client.get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!res.headers().contains_key("content-encoding"));
    let modified = res.headers()["last-modified"].clone();
    assert_eq!(res.bytes().await.unwrap().as_ref(), wasm.as_slice());

    // The rest of a download cut short, and a revalidation: answered as
    // such, never with the app's page (what Leptos's fallback did).
    let res = client.get(&url).header("range", "bytes=100-").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(res.bytes().await.unwrap().as_ref(), &wasm[100..]);
    let res = client.get(&url).header("if-modified-since", modified).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

    // An unhashed name, and the main output's (its name misses the split
    // loader's), are revalidated every time; a missing file is a 404, not a page.
    for main in ["/pkg/sihati.wasm", "/pkg/sihati.q2VbSu1R8nzJcJ4Zl0qB-w.wasm"] {
        let res = client.get(app.url(main)).send().await.unwrap();
        assert_eq!((res.status(), res.headers()["cache-control"].to_str().unwrap()), (StatusCode::OK, "no-cache"), "{main}");
        let modified = res.headers()["last-modified"].clone();
        let res = client.get(app.url(main)).header("if-modified-since", modified).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{main}");
    }
    let res = client.get(app.url("/pkg/sihati.AAAAAAAAAAAAAAAAAAAAAA.wasm")).send().await.unwrap();
    assert_eq!((res.status(), res.headers()["cache-control"].to_str().unwrap()), (StatusCode::NOT_FOUND, "no-store"));
    assert!(!res.text().await.unwrap().contains("<html"));
}
