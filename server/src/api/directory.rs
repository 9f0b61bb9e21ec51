//! The open directory for mobile apps and other systems: public, no
//! sign-in, every list a page (`items`, `next_cursor`), every answer with
//! an `ETag` (a request with `If-None-Match` gets `304` when nothing
//! changed) and `Cache-Control: public, max-age=300`, so apps and proxies
//! keep them.

use super::{page_at, ApiFailure, PageParams};
use crate::startup::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::booking::answers::Answer;
use domain::booking::directory::{FacilityFilter, PractitionerFilter};
use serde::Serialize;
use shared::dto::{CommuneOut, DirectoryFacilityOut, Page, PageQuery, PlaceWilayaOut, PractitionerProfileOut, SpecialtyOut};
use shared::{CommuneId, ErrorCode, FacilityId, PractitionerId};
use uuid::Uuid;

/// How long apps and proxies may keep a directory answer without asking.
const MAX_AGE: &str = "public, max-age=300";

/// The JSON of `value` with its ETag (a hash of the body), or `304 Not
/// Modified` when the client already has that version.
fn cached<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => cached_bytes(headers, body, "application/json", MAX_AGE),
        Err(_) => ApiFailure::new(ErrorCode::Internal).into_response(),
    }
}

/// A public answer's `body` with its ETag and `Cache-Control: max_age`, or
/// `304 Not Modified` when the client already has that version (the
/// directory here, FHIR's public resources too).
pub(crate) fn cached_bytes(headers: &HeaderMap, body: Vec<u8>, content_type: &'static str, max_age: &'static str) -> Response {
    answer_response(headers, &Answer::new(body), content_type, max_age)
}

/// A public answer as [`cached_bytes`] sends it, compressed here (brotli
/// or gzip, as the client accepts) once per answer: a kept answer (the
/// search cache) is never compressed twice, and the compression layer
/// leaves an answer that already has its encoding alone.
pub(crate) fn answer_response(headers: &HeaderMap, answer: &Answer, content_type: &'static str, max_age: &'static str) -> Response {
    // Weak: the same answer goes out in three encodings.
    let etag = format!("W/\"{}\"", answer.etag);
    let etag_value = HeaderValue::from_str(&etag).expect("hex is a valid header value");
    let cache = HeaderValue::from_static(max_age);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag.trim_start_matches("W/")));
    // Public data: any web app may read it.
    let anyone = HeaderValue::from_static("*");
    let vary = HeaderValue::from_static("accept-encoding");
    if matches {
        let h = [(header::ETAG, etag_value), (header::CACHE_CONTROL, cache), (header::ACCESS_CONTROL_ALLOW_ORIGIN, anyone), (header::VARY, vary)];
        return (StatusCode::NOT_MODIFIED, h).into_response();
    }
    let accepts = |coding: &str| {
        headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let named = parts.next().is_some_and(|c| c.eq_ignore_ascii_case(coding));
            // `;q=0` refuses the coding.
            named && !parts.filter_map(|p| p.strip_prefix("q=")).any(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
        })
    };
    // Small answers are not worth a compressed form.
    let (body, encoding) = if answer.json.len() < 512 {
        (answer.json.clone(), None)
    } else if accepts("br") {
        (answer.br(brotli_of), Some("br"))
    } else if accepts("gzip") {
        (answer.gzip(gzip_of), Some("gzip"))
    } else {
        (answer.json.clone(), None)
    };
    let mut res = (
        StatusCode::OK,
        [
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, cache),
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, anyone),
            (header::VARY, vary),
        ],
        body,
    )
        .into_response();
    if let Some(e) = encoding {
        res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
    }
    res
}

/// Brotli at quality 5: within a few percent of the best size for JSON,
/// at a fraction of quality 11's time (made once per kept answer).
fn brotli_of(json: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::with_capacity(json.len() / 6);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        w.write_all(json).expect("writing to memory");
    }
    out
}

fn gzip_of(json: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::with_capacity(json.len() / 5), flate2::Compression::new(6));
    e.write_all(json).expect("writing to memory");
    e.finish().expect("writing to memory")
}

/// The specialties (codes and names in three languages), by French name.
#[utoipa::path(get, path = "/directory/specialties", tag = "directory", params(PageQuery),
    responses((status = 200, body = Page<SpecialtyOut>, headers(("ETag" = String), ("Cache-Control" = String))), (status = 304), (status = 400, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/directory/specialties", skip_all)]
pub async fn specialties(State(state): State<AppState>, headers: HeaderMap, q: PageParams) -> Result<Response, ApiFailure> {
    let at = page_at(q)?;
    Ok(cached(&headers, &state.domain.directory.specialty_page(at).await?))
}

/// The 69 wilayas, by code.
#[utoipa::path(get, path = "/directory/wilayas", tag = "directory", params(PageQuery),
    responses((status = 200, body = Page<PlaceWilayaOut>, headers(("ETag" = String), ("Cache-Control" = String))), (status = 304), (status = 400, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/directory/wilayas", skip_all)]
pub async fn wilayas(State(state): State<AppState>, headers: HeaderMap, q: PageParams) -> Result<Response, ApiFailure> {
    let at = page_at(q)?;
    Ok(cached(&headers, &state.domain.directory.wilaya_page(at).await?))
}

/// The communes of a wilaya (with postal code and daïra), by French name.
#[utoipa::path(get, path = "/directory/wilayas/{code}/communes", tag = "directory", params(("code" = String, Path, description = "`01` to `69`"), PageQuery),
    responses((status = 200, body = Page<CommuneOut>, headers(("ETag" = String), ("Cache-Control" = String))), (status = 304), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/directory/wilayas/{code}/communes", skip_all)]
pub async fn communes(State(state): State<AppState>, headers: HeaderMap, Path(code): Path<String>, q: PageParams) -> Result<Response, ApiFailure> {
    let at = page_at(q)?;
    Ok(cached(&headers, &state.domain.directory.commune_page(&code, at).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FacilityQuery {
    /// Only this wilaya's (`31`).
    wilaya: Option<String>,
    /// Only this commune's.
    commune_id: Option<Uuid>,
    /// Only those where this specialty (its code) is practised.
    specialty: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

/// Facilities with their address, phone and the specialties practised
/// there, by French name.
#[utoipa::path(get, path = "/directory/facilities", tag = "directory", params(FacilityQuery),
    responses((status = 200, body = Page<DirectoryFacilityOut>, headers(("ETag" = String), ("Cache-Control" = String))), (status = 304), (status = 400, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/directory/facilities", skip_all)]
pub async fn facilities(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<FacilityQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiFailure> {
    let Ok(Query(q)) = q else { return Err(ApiFailure::new(ErrorCode::BadRequest)) };
    let at = PageQuery { cursor: q.cursor, limit: q.limit }.validate().map_err(ApiFailure::new)?;
    let filter = FacilityFilter { wilaya: q.wilaya, commune: q.commune_id.map(CommuneId), specialty: q.specialty };
    Ok(cached(&headers, &state.domain.directory.facility_page(&filter, at).await?))
}

/// One facility.
#[utoipa::path(get, path = "/directory/facilities/{id}", tag = "directory", params(("id" = Uuid, Path)),
    responses((status = 200, body = DirectoryFacilityOut, headers(("ETag" = String), ("Cache-Control" = String))), (status = 304), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/directory/facilities/{id}", skip_all)]
pub async fn facility(State(state): State<AppState>, headers: HeaderMap, super::ApiPath(id): super::ApiPath<FacilityId>) -> Result<Response, ApiFailure> {
    Ok(cached(&headers, &state.domain.directory.facility_profile(id).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PractitionerQuery {
    /// Only those who work at this facility.
    facility_id: Option<Uuid>,
    /// Only this specialty's (its code).
    specialty: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

/// Practitioners' public profiles (name, specialty, where they work), by family name.
#[utoipa::path(get, path = "/directory/practitioners", tag = "directory", params(PractitionerQuery),
    responses((status = 200, body = Page<PractitionerProfileOut>, headers(("ETag" = String), ("Cache-Control" = String))), (status = 304), (status = 400, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/directory/practitioners", skip_all)]
pub async fn practitioners(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<PractitionerQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiFailure> {
    let Ok(Query(q)) = q else { return Err(ApiFailure::new(ErrorCode::BadRequest)) };
    let at = PageQuery { cursor: q.cursor, limit: q.limit }.validate().map_err(ApiFailure::new)?;
    let filter = PractitionerFilter { facility: q.facility_id.map(FacilityId), specialty: q.specialty };
    Ok(cached(&headers, &state.domain.directory.practitioner_page(&filter, at).await?))
}

/// One practitioner's public profile (the facilities where they practise).
#[utoipa::path(get, path = "/directory/practitioners/{id}", tag = "directory", params(("id" = Uuid, Path)),
    responses((status = 200, body = PractitionerProfileOut, headers(("ETag" = String), ("Cache-Control" = String))), (status = 304), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/directory/practitioners/{id}", skip_all)]
pub async fn practitioner(
    State(state): State<AppState>,
    headers: HeaderMap,
    super::ApiPath(id): super::ApiPath<PractitionerId>,
) -> Result<Response, ApiFailure> {
    Ok(cached(&headers, &state.domain.directory.practitioner_profile(id).await?.0))
}
