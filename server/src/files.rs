//! Record files in and out of the web app, where the browser carries the
//! session cookie rather than a bearer token: attachment downloads, the
//! FHIR export, and the practitioner's upload form (a plain multipart form,
//! so it works before the WASM has loaded). The API has the same three
//! through `api::record`. Every decision is the domain's; this module only
//! moves bytes and sets the headers that keep a file a file.

use crate::startup::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use domain::record::files::Download;
use domain::Actor;
use shared::ErrorCode;

pub fn router(max_bytes: u64) -> Router<AppState> {
    Router::new()
        .route("/files/{id}", get(download))
        .route("/record/export.json", get(export))
        .route("/me/export.zip", get(archive))
        .route("/figures.csv", get(figures_csv))
        .route("/care/entries/{id}/files", post(upload).layer(DefaultBodyLimit::max(max_bytes as usize + 64 * 1024)))
}

/// `filename*` per RFC 5987: UTF-8, percent-encoded.
fn rfc5987(name: &str) -> String {
    name.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// A download, never a page: `attachment` disposition, the type found from
/// the content, and a policy that runs nothing even if a browser tried.
pub fn download_response(d: Download) -> Response {
    let ascii: String = d.file_name.chars().map(|c| if c.is_ascii_alphanumeric() || "-._ ".contains(c) { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", rfc5987(&d.file_name));
    let mut res = d.bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&d.media_type).unwrap_or(HeaderValue::from_static("application/octet-stream")));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    res
}

/// The FHIR Bundle as a file to keep.
pub fn fhir_response(bundle: serde_json::Value) -> Response {
    let body = serde_json::to_vec_pretty(&bundle).unwrap_or_default();
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/fhir+json; charset=utf-8"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"sihati-record-fhir.json\""));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    res
}

/// The citizen's data archive as a file to keep.
pub fn archive_response(bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"sihati-mes-donnees.zip\""));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    res
}

async fn archive(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.domain.export_archive(&actor).await {
        Ok(bytes) => archive_response(bytes),
        Err(e) => failure(e),
    }
}

/// The directorate's figures as a CSV file (the same as the API's).
pub fn csv_response(csv: String) -> Response {
    // A byte-order mark, so spreadsheet programs read the names as UTF-8.
    let mut res = format!("\u{feff}{csv}").into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"sihati-figures.csv\""));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    res
}

async fn figures_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<shared::dto::FiguresQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(Query(q)) = q else { return status(ErrorCode::BadRequest) };
    let Ok(period) = q.validate(state.domain.today()) else { return status(ErrorCode::BadRequest) };
    match state.domain.network.figures(&actor, period).await {
        Ok(f) => csv_response(f.to_csv()),
        Err(e) => failure(e),
    }
}

async fn web_actor(state: &AppState, headers: &HeaderMap) -> Result<Actor, Response> {
    app::api::server_side::web_actor_of(&state.domain, headers, state.config.cookie_secure).await.map_err(|e| status(e.code()))
}

fn status(code: ErrorCode) -> Response {
    StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR).into_response()
}

fn failure(e: domain::Error) -> Response {
    status(e.into_answer().code)
}

async fn download(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(id) = id.parse::<shared::AttachmentId>() else { return status(ErrorCode::NotFound) };
    match state.domain.record.download_attachment(&actor, id).await {
        Ok(d) => download_response(d),
        Err(e) => failure(e),
    }
}

#[derive(serde::Deserialize)]
struct ExportQuery {
    subject: Option<shared::PersonId>,
}

async fn export(State(state): State<AppState>, headers: HeaderMap, q: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(Query(q)) = q else { return status(ErrorCode::BadRequest) };
    match state.domain.record.export_fhir(&actor, q.subject).await {
        Ok(b) => fhir_response(b),
        Err(e) => failure(e),
    }
}

/// One multipart field `file` (and an optional `next`, the page to return
/// to): stored, then back to the page with the outcome in the query. (Only
/// a form of this site gets here: `security::same_origin_writes`.)
async fn upload(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>, mut form: Multipart) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(entry) = id.parse::<shared::EntryId>() else { return status(ErrorCode::NotFound) };
    let mut next = "/care".to_owned();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut too_large = false;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("file") => {
                    let name = field.file_name().unwrap_or("").to_owned();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b.to_vec())),
                        Err(_) => too_large = true,
                    }
                }
                Some("next") => {
                    let n = field.text().await.unwrap_or_default();
                    if shared::safe_next(&n).is_some() {
                        next = n;
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => {
                too_large = true;
                break;
            }
        }
    }
    let outcome = if too_large {
        Err(ErrorCode::FileTooLarge)
    } else {
        match file {
            Some((name, bytes)) => state.domain.record.attach_file(&actor, entry, &name, &bytes).await.map(|_| ()).map_err(|e| {
                let api = e.to_api();
                api.fields.first().map(|f| f.code).unwrap_or(api.code)
            }),
            None => Err(ErrorCode::Required),
        }
    };
    let sep = if next.contains('?') { '&' } else { '?' };
    match outcome {
        Ok(()) => Redirect::to(&format!("{next}{sep}file=ok")).into_response(),
        Err(code) => Redirect::to(&format!("{next}{sep}file_error={}", code.as_str())).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_encoded_for_the_header() {
        assert_eq!(rfc5987("bilan 1.pdf"), "bilan%201.pdf");
        assert_eq!(rfc5987("تحليل.pdf"), "%D8%AA%D8%AD%D9%84%D9%8A%D9%84.pdf");
        let res = download_response(Download { file_name: "a\"b.pdf".into(), media_type: "application/pdf".into(), bytes: b"%PDF-".to_vec() });
        let d = res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(d.starts_with("attachment; filename=\"a_b.pdf\""), "{d}");
        assert_eq!(res.headers()[header::CONTENT_SECURITY_POLICY], "default-src 'none'; sandbox");
    }
}
