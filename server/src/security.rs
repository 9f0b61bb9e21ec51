//! Security headers on every response, and a fresh CSP nonce per request.
//!
//! The nonce is generated here and put in the request's extensions; the
//! Leptos render picks it up (see `startup`) for its inline hydration
//! script, and the same value goes into the `Content-Security-Policy`
//! header. Scripts run only from our origin or with that nonce; WASM
//! compiles thanks to 'wasm-unsafe-eval'; nothing may frame the site.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use http::header::{self, HeaderValue};
use rand::RngCore;

/// The nonce of this request's CSP.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

pub async fn headers(mut req: Request, next: Next) -> Response {
    let nonce = new_nonce();
    let is_static = {
        let p = req.uri().path();
        p.starts_with("/pkg/") || p == "/favicon.svg" || p == "/favicon.ico"
    };
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A handler may set a stricter policy of its own (file downloads).
    if let (false, Ok(v)) = (h.contains_key(header::CONTENT_SECURITY_POLICY), HeaderValue::from_str(&csp(&nonce))) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // same-origin: the no-JS form fallback needs the Referer to return to
    // the page; nothing leaks to other sites.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"));
    if is_static {
        h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("public, max-age=3600"));
    } else {
        // Pages and API answers are personal: no cache may keep them.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
