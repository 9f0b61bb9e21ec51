//! The signed-in person's own profile and password.

use super::{ApiFailure, ApiJson, Bearer};
use crate::startup::AppState;
use axum::extract::State;
use axum::Json;
use shared::dto::{DependantIn, DependantOut, PasswordChangeIn, ProfileOut, ProfileUpdateIn, ReferralOut, TokenOut};
use shared::dto::{Page, PageQuery};

#[utoipa::path(get, path = "/me", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = ProfileOut), (status = 401, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/me", skip_all)]
pub async fn get_me(State(state): State<AppState>, Bearer(actor): Bearer) -> Result<Json<ProfileOut>, ApiFailure> {
    Ok(Json(state.domain.accounts.profile(&actor).await?))
}

#[utoipa::path(patch, path = "/me", tag = "me", security(("bearer" = [])), request_body = ProfileUpdateIn,
    responses((status = 200, body = ProfileOut), (status = 409, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "PATCH /api/v1/me", skip_all)]
pub async fn update_me(State(state): State<AppState>, Bearer(actor): Bearer, ApiJson(input): ApiJson<ProfileUpdateIn>) -> Result<Json<ProfileOut>, ApiFailure> {
    Ok(Json(state.domain.accounts.update_profile(&actor, &input).await?))
}

/// Change the password. Every session of the account ends, this one too;
/// the answer carries the tokens of a fresh session.
#[utoipa::path(post, path = "/me/password", tag = "me", security(("bearer" = [])), request_body = PasswordChangeIn,
    responses((status = 200, body = TokenOut), (status = 422, description = "`current_password_wrong` or a password-policy code", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/password", skip_all)]
pub async fn change_password(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<PasswordChangeIn>,
) -> Result<Json<TokenOut>, ApiFailure> {
    let who = state.domain.accounts.change_password(&actor, &input).await?;
    Ok(Json(state.domain.sessions.start_mobile_session(&who).await?))
}

/// One's dependants (children, elderly parents).
#[utoipa::path(get, path = "/me/dependants", tag = "me", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Page<DependantOut>)))]
#[tracing::instrument(name = "GET /api/v1/me/dependants", skip_all)]
pub async fn dependants(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<DependantOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.people.my_dependants(&actor).await?)?))
}

/// Add a dependant; unverified until the desk has seen the papers.
#[utoipa::path(post, path = "/me/dependants", tag = "me", security(("bearer" = [])), request_body = DependantIn,
    responses((status = 201, body = DependantOut), (status = 409, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/dependants", skip_all)]
pub async fn add_dependant(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<DependantIn>,
) -> Result<(axum::http::StatusCode, Json<DependantOut>), ApiFailure> {
    let out = state.domain.people.add_dependant(&actor, &input).await?;
    Ok((axum::http::StatusCode::CREATED, Json(out)))
}

/// One's referrals and one's dependants'.
#[utoipa::path(get, path = "/me/referrals", tag = "me", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Page<ReferralOut>)))]
#[tracing::instrument(name = "GET /api/v1/me/referrals", skip_all)]
pub async fn referrals(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<ReferralOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.referrals.my_referrals(&actor).await?)?))
}

/// Everything the account holds, as one ZIP archive (law 18-07): profile,
/// settings, dependants, appointments, waiting list, referrals, messages,
/// and each person's medical record as FHIR R4 (each export logged).
#[utoipa::path(get, path = "/me/export", tag = "me", security(("bearer" = [])),
    responses((status = 200, content_type = "application/zip", description = "The archive"), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/me/export", skip_all)]
pub async fn export(State(state): State<AppState>, Bearer(actor): Bearer) -> Result<axum::response::Response, ApiFailure> {
    Ok(crate::files::archive_response(state.domain.export_archive(&actor).await?))
}

/// Close one's account (the password confirms it): appointments ahead
/// cancelled, waiting-list places left, messages withdrawn, every session
/// ended, phone, email and password erased; the identity and the medical
/// record are kept, as health law requires.
#[utoipa::path(post, path = "/me/close", tag = "me", security(("bearer" = [])), request_body = shared::dto::CloseAccountIn,
    responses((status = 204), (status = 403, body = shared::ApiError), (status = 422, description = "`current_password_wrong`", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/close", skip_all)]
pub async fn close(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<shared::dto::CloseAccountIn>,
) -> Result<axum::http::StatusCode, ApiFailure> {
    state.domain.close_account(&actor, &input.password).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
