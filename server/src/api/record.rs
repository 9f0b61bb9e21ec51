//! The medical record: practitioners write and read with a care
//! relationship; citizens read their own and their dependants', and see
//! who looked. Every access is logged by the domain service.

use super::{ApiFailure, ApiJson, Bearer, ReqLang};
use crate::startup::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use shared::dto::{AccessOut, EnteredInErrorIn, EntryIn, EntryOut};
use shared::ErrorCode;
use uuid::Uuid;

fn id(s: &str, lang: shared::Lang) -> Result<Uuid, ApiFailure> {
    s.parse().map_err(|_| ApiFailure::new(ErrorCode::NotFound, lang))
}

/// Write an entry for a patient in one's care (practitioners).
#[utoipa::path(post, path = "/api/v1/record/{subject_id}/entries", tag = "record", security(("bearer" = [])), request_body = EntryIn,
    responses((status = 201, body = EntryOut), (status = 404, description = "no such patient in one's care", body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/record/{subject_id}/entries", skip_all)]
pub async fn write(State(state): State<AppState>, ReqLang(lang): ReqLang, Bearer(actor): Bearer, Path(subject): Path<String>, ApiJson(input): ApiJson<EntryIn>) -> Result<(StatusCode, Json<EntryOut>), ApiFailure> {
    let out = state.domain.write_entry(&actor, id(&subject, lang)?, &input).await.map_err(|e| ApiFailure::from_domain(e, lang))?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// A patient's whole record (practitioners in a care relationship).
#[utoipa::path(get, path = "/api/v1/record/{subject_id}", tag = "record", security(("bearer" = [])),
    responses((status = 200, body = [EntryOut]), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/record/{subject_id}", skip_all)]
pub async fn patient(State(state): State<AppState>, ReqLang(lang): ReqLang, Bearer(actor): Bearer, Path(subject): Path<String>) -> Result<Json<Vec<EntryOut>>, ApiFailure> {
    state.domain.patient_record(&actor, id(&subject, lang)?).await.map(Json).map_err(|e| ApiFailure::from_domain(e, lang))
}

/// Mark an entry of one's facility entered-in-error (it stays, marked).
#[utoipa::path(post, path = "/api/v1/record/entries/{id}/entered-in-error", tag = "record", security(("bearer" = [])), request_body = EnteredInErrorIn,
    responses((status = 200, body = EntryOut), (status = 404, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/record/entries/{id}/entered-in-error", skip_all)]
pub async fn entered_in_error(State(state): State<AppState>, ReqLang(lang): ReqLang, Bearer(actor): Bearer, Path(entry): Path<String>, ApiJson(input): ApiJson<EnteredInErrorIn>) -> Result<Json<EntryOut>, ApiFailure> {
    state.domain.mark_entered_in_error(&actor, id(&entry, lang)?, &input).await.map(Json).map_err(|e| ApiFailure::from_domain(e, lang))
}

/// One's own record and one's dependants', newest first.
#[utoipa::path(get, path = "/api/v1/me/record", tag = "record", security(("bearer" = [])), responses((status = 200, body = [EntryOut])))]
#[tracing::instrument(name = "GET /api/v1/me/record", skip_all)]
pub async fn mine(State(state): State<AppState>, ReqLang(lang): ReqLang, Bearer(actor): Bearer) -> Result<Json<Vec<EntryOut>>, ApiFailure> {
    state.domain.my_record(&actor).await.map(Json).map_err(|e| ApiFailure::from_domain(e, lang))
}

/// Who read or wrote one's record (and one's dependants').
#[utoipa::path(get, path = "/api/v1/me/record/accesses", tag = "record", security(("bearer" = [])), responses((status = 200, body = [AccessOut])))]
#[tracing::instrument(name = "GET /api/v1/me/record/accesses", skip_all)]
pub async fn accesses(State(state): State<AppState>, ReqLang(lang): ReqLang, Bearer(actor): Bearer) -> Result<Json<Vec<AccessOut>>, ApiFailure> {
    state.domain.my_record_accesses(&actor).await.map(Json).map_err(|e| ApiFailure::from_domain(e, lang))
}
