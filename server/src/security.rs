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
use http::header::{self, HeaderMap, HeaderValue};
use rand::RngCore;

/// Where a state-changing request may come from: this site's public
/// origin (`SIHATI_PUBLIC_URL`), or the origin the browser addressed (its
/// `Host`), which a page of another site cannot forge.
#[derive(Clone, Debug)]
pub struct SameOrigin {
    pub public_origin: String,
}

impl SameOrigin {
    /// The scheme, host and port of a URL: `https://sihati.dz`.
    pub fn from_public_url(url: &str) -> Self {
        let url = url.trim_end_matches('/');
        let origin = match url.split_once("://") {
            Some((scheme, rest)) => format!("{scheme}://{}", rest.split('/').next().unwrap_or_default()),
            None => url.to_owned(),
        };
        Self { public_origin: origin.to_ascii_lowercase() }
    }

    /// A browser's request from this site: `Origin` is ours, or (where a
    /// browser sends no `Origin`) `Sec-Fetch-Site` says `same-origin`.
    /// Neither header: refused — every browser sends one with a POST, and
    /// a request that carries a session cookie without them is not one we
    /// can tell apart from a forgery.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        if let Some(origin) = headers.get(header::ORIGIN) {
            let Ok(origin) = origin.to_str() else { return false };
            let origin = origin.to_ascii_lowercase();
            if origin == self.public_origin {
                return true;
            }
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).map(str::to_ascii_lowercase);
            return match (origin.split_once("://"), host) {
                (Some((_, authority)), Some(host)) => authority == host,
                _ => false,
            };
        }
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("same-origin")
    }
}

/// Refuses (403) every state-changing request outside `/api/` that does
/// not come from this site: server functions, form posts and uploads all
/// ride on the session cookie, so another site's page must not be able to
/// send them. The REST API is exempt: it takes a bearer token, which a
/// browser never attaches by itself.
pub async fn same_origin_writes(axum::extract::State(rule): axum::extract::State<SameOrigin>, req: Request, next: Next) -> Response {
    use axum::response::IntoResponse;
    let safe = matches!(*req.method(), http::Method::GET | http::Method::HEAD | http::Method::OPTIONS);
    if !safe && !req.uri().path().starts_with("/api/") && !rule.allows(req.headers()) {
        tracing::warn!(path = %req.uri().path(), "cross-site write refused");
        return http::StatusCode::FORBIDDEN.into_response();
    }
    next.run(req).await
}

/// How long a request may take: most, and the attachment uploads.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub request: std::time::Duration,
    pub upload: std::time::Duration,
}

/// The two routes that take a file (the REST upload and the web form).
fn is_upload(path: &str) -> bool {
    (path.starts_with("/api/v1/record/entries/") && path.ends_with("/attachments")) || (path.starts_with("/care/entries/") && path.ends_with("/files"))
}

/// Answers 408 when the request (its body included) is not done in time.
pub async fn timeout(axum::extract::State(t): axum::extract::State<Timeouts>, req: Request, next: Next) -> Response {
    use axum::response::IntoResponse;
    let limit = if is_upload(req.uri().path()) { t.upload } else { t.request };
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => http::StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

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

/// How long a browser may keep a static file. For good when its name
/// carries the content hash cargo-leptos gave it (`chunk_3.<hash>.wasm`:
/// a new build has new names) — except the main output's `<name>.<hash>.js`
/// and `.wasm` (`sihati` here, whatever LEPTOS_OUTPUT_NAME says), whose
/// names cargo-leptos computes before writing the split loader's hashed
/// name into them (a build that changes only lazy pages keeps their names
/// with new content): those, and an unhashed build's `/pkg`, are
/// revalidated every time (a 304 when unchanged). The icons for an hour.
pub fn static_cache_control(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    let is_hash =
        |p: &&str| p.len() == 22 && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') && p.bytes().any(|b| b.is_ascii_alphanumeric());
    let hashed = parts.len() >= 3 && parts[1..parts.len() - 1].iter().any(is_hash);
    // The main output, whatever the deployment named it (LEPTOS_OUTPUT_NAME):
    // every script or module that is not one of the split's pieces.
    let split_piece = ["chunk_", "split_", "__wasm_split."].iter().any(|p| name.starts_with(p));
    let main_output = !split_piece && matches!(parts.last(), Some(&"js") | Some(&"wasm"));
    if path.starts_with("/pkg/") && hashed && !main_output {
        "public, max-age=31536000, immutable"
    } else if path.starts_with("/pkg/") {
        "no-cache"
    } else {
        "public, max-age=3600"
    }
}

pub async fn headers(mut req: Request, next: Next) -> Response {
    let nonce = new_nonce();
    let path = req.uri().path().to_owned();
    let is_static =
        path.starts_with("/pkg/") || path.starts_with("/icon-") || ["/favicon.svg", "/favicon.ico", "/manifest.webmanifest"].contains(&path.as_str());
    // The open directory, the slot search, the holidays and FHIR's public
    // resources say themselves how long they may be kept (an answer that
    // sets nothing — a personal FHIR one, an error — gets no-store).
    let is_public_api = path.starts_with("/api/v1/directory/")
        || path.starts_with("/fhir/")
        || ["/api/v1/slots", "/api/v1/slots/groups", "/api/v1/holidays"].contains(&path.as_str());
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
    // A missing file is not kept: the next deployment may bring it.
    let found = res.status().is_success() || res.status() == axum::http::StatusCode::NOT_MODIFIED;
    let h = res.headers_mut();
    if is_static && found {
        h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static(static_cache_control(&path)));
    } else if is_public_api {
        h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    } else {
        // Pages and API answers are personal: no cache may keep them.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_files_named_by_their_content_are_kept_for_good() {
        let forever = "public, max-age=31536000, immutable";
        assert_eq!(static_cache_control("/pkg/chunk_12.q2VbSu1R8nzJcJ4Zl0qB-w.wasm"), forever);
        assert_eq!(static_cache_control("/pkg/split_BookRoute_7.q2VbSu1R8nzJcJ4Zl0qB-w.wasm"), forever);
        assert_eq!(static_cache_control("/pkg/__wasm_split.Ab_9zzzzzzzzzzzzzzzzzz.js"), forever);
        assert_eq!(static_cache_control("/pkg/sihati.q2VbSu1R8nzJcJ4Zl0qB-w.css"), forever);
        assert_eq!(static_cache_control("/pkg/sihati.q2VbSu1R8nzJcJ4Zl0qB-w.wasm"), "no-cache", "the main output's name misses the loader's");
        assert_eq!(static_cache_control("/pkg/sihati.q2VbSu1R8nzJcJ4Zl0qB-w.js"), "no-cache");
        assert_eq!(static_cache_control("/pkg/sante-dz.q2VbSu1R8nzJcJ4Zl0qB-w.wasm"), "no-cache", "another output name is the main output too");
        assert_eq!(static_cache_control("/pkg/__wasm_split.______________________.js"), "no-cache", "the loader's placeholder is no hash");
        assert_eq!(static_cache_control("/pkg/sihati.wasm"), "no-cache", "an unhashed build's names never change");
        assert_eq!(static_cache_control("/pkg/sihati.q2VbSu1R8nzJcJ4Zl0qB.wasm"), "no-cache", "20 characters are no md5");
        assert_eq!(static_cache_control("/pkg/snippets/leptos/inline0.js"), "no-cache");
        assert_eq!(static_cache_control("/favicon.svg"), "public, max-age=3600");
    }

    #[test]
    fn only_the_two_upload_routes_get_the_upload_timeout() {
        assert!(is_upload("/api/v1/record/entries/3f2a/attachments"));
        assert!(is_upload("/care/entries/3f2a/files"));
        assert!(!is_upload("/api/v1/record/entries/3f2a"));
        assert!(!is_upload("/files/3f2a"));
        assert!(!is_upload("/sfn/write_entry"));
    }

    #[test]
    fn writes_come_from_this_site_only() {
        let rule = SameOrigin::from_public_url("https://sihati.dz/");
        assert_eq!(rule.public_origin, "https://sihati.dz");
        assert!(rule.allows(&headers(&[("origin", "https://sihati.dz"), ("host", "10.0.0.5:3000")])), "the public origin behind a proxy");
        assert!(rule.allows(&headers(&[("origin", "http://127.0.0.1:3900"), ("host", "127.0.0.1:3900")])), "the origin the browser addressed");
        assert!(rule.allows(&headers(&[("sec-fetch-site", "same-origin"), ("host", "sihati.dz")])));
        assert!(!rule.allows(&headers(&[("origin", "https://evil.example"), ("host", "sihati.dz")])));
        assert!(!rule.allows(&headers(&[("origin", "https://sihati.dz.evil.example"), ("host", "sihati.dz")])));
        assert!(!rule.allows(&headers(&[("origin", "null"), ("host", "sihati.dz")])));
        assert!(!rule.allows(&headers(&[("sec-fetch-site", "cross-site"), ("host", "sihati.dz")])));
        assert!(!rule.allows(&headers(&[("sec-fetch-site", "same-site"), ("host", "sihati.dz")])), "a sibling subdomain is another site");
        assert!(!rule.allows(&headers(&[("host", "sihati.dz")])), "no Origin, no Sec-Fetch-Site: refused");
    }
}
