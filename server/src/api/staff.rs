//! Staff administration: the staff an administrator manages, and the reset
//! of a staff member's second factor.

use super::{ApiFailure, ApiPath, Bearer};
use crate::startup::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::dto::{Page, PageQuery};
use shared::identity::StaffOut;
use shared::UserId;

/// The staff the caller administers (a facility admin: their polyclinic's;
/// the health directorate: facility admins and its own), with whether each
/// has enrolled an authenticator.
#[utoipa::path(get, path = "/staff", tag = "staff", security(("bearer" = [])),
    params(PageQuery), responses((status = 200, body = Page<StaffOut>), (status = 401, body = shared::ApiError), (status = 403, description = "`forbidden`: not an administrator", body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/staff", skip_all)]
pub async fn list(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<StaffOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.accounts.list_staff(&actor).await?)?))
}

/// Remove a staff member's authenticator (lost or replaced phone): their
/// sessions end, they enrol a new one at their next sign-in and are told by
/// SMS; the act is kept in the admin audit trail.
#[utoipa::path(post, path = "/staff/{id}/second-factor/reset", tag = "staff", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The staff member")),
    responses((status = 204), (status = 401, body = shared::ApiError), (status = 403, description = "`forbidden`: not an administrator", body = shared::ApiError),
        (status = 404, description = "`not_found`: no such staff member under the caller", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/staff/{id}/second-factor/reset", skip_all)]
pub async fn reset_second_factor(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<UserId>) -> Result<StatusCode, ApiFailure> {
    state.domain.accounts.reset_second_factor(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
