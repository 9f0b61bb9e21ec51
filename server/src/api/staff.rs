//! Staff administration: the staff an administrator manages, the reset
//! of a staff member's second factor, invitations (and their acceptance by
//! the invitee, without signing in), deactivation.

use super::{ApiFailure, ApiJson, ApiPath, Bearer};
use crate::startup::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::dto::{DeactivationOut, InvitationAcceptIn, InvitationIn, InvitationOut, InvitationViewOut, Page, PageQuery, ProfileOut};
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

/// Invite someone to the staff: a facility admin invites receptionists and
/// practitioners (with a specialty) to their polyclinic; the health
/// directorate invites a facility's administrator (`facility_id`). A signed
/// link that works seven days goes by SMS and/or email; an earlier pending
/// invitation to the same phone or address there is withdrawn.
#[utoipa::path(post, path = "/staff/invitations", tag = "staff", security(("bearer" = [])), request_body = InvitationIn,
    responses((status = 201, body = InvitationOut), (status = 403, description = "`forbidden`: not an administrator, or a role they may not invite (on the `role` field)", body = shared::ApiError),
        (status = 409, description = "`phone_taken`, `email_taken`: already an account's", body = shared::ApiError),
        (status = 422, description = "Field errors", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/staff/invitations", skip_all)]
pub async fn invite(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<InvitationIn>,
) -> Result<(StatusCode, Json<InvitationOut>), ApiFailure> {
    Ok((StatusCode::CREATED, Json(state.domain.accounts.invite(&actor, &input).await?)))
}

/// The invitations of the facilities the caller staffs, newest first, with where each stands.
#[utoipa::path(get, path = "/staff/invitations", tag = "staff", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<InvitationOut>), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/staff/invitations", skip_all)]
pub async fn invitations(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<InvitationOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.accounts.invitations(&actor).await?)?))
}

/// Withdraw a pending invitation: its link stops working.
#[utoipa::path(post, path = "/staff/invitations/{id}/revoke", tag = "staff", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The invitation")),
    responses((status = 204), (status = 403, body = shared::ApiError), (status = 404, description = "`not_found`; `invitation_invalid`: no longer pending", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/staff/invitations/{id}/revoke", skip_all)]
pub async fn revoke_invitation(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<uuid::Uuid>) -> Result<StatusCode, ApiFailure> {
    state.domain.accounts.revoke_invitation(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What an invitation's link shows (no sign-in: the token is the invitation).
#[utoipa::path(get, path = "/invitations/{token}", tag = "staff",
    params(("token" = String, Path, description = "The token of the invitation's link")),
    responses((status = 200, body = InvitationViewOut), (status = 404, description = "`invitation_invalid`: not genuine, expired, withdrawn or used", body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/invitations/{token}", skip_all)]
pub async fn invitation(State(state): State<AppState>, ApiPath(token): ApiPath<String>) -> Result<Json<InvitationViewOut>, ApiFailure> {
    Ok(Json(state.domain.accounts.invitation_by_token(&token).await?))
}

/// Accept an invitation with one's own password: the account is made (a
/// practitioner's profile with it). Then sign in with `/auth/token`; a role
/// with a second factor enrols it first (`/auth/enrolment`).
#[utoipa::path(post, path = "/invitations/{token}/accept", tag = "staff", request_body = InvitationAcceptIn,
    params(("token" = String, Path, description = "The token of the invitation's link")),
    responses((status = 201, body = ProfileOut), (status = 404, description = "`invitation_invalid`", body = shared::ApiError),
        (status = 409, description = "`phone_taken`, `email_taken`: the phone or address became another account's", body = shared::ApiError),
        (status = 422, description = "`password_*`: the password policy", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/invitations/{token}/accept", skip_all)]
pub async fn accept_invitation(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    ApiJson(input): ApiJson<InvitationAcceptIn>,
) -> Result<(StatusCode, Json<ProfileOut>), ApiFailure> {
    let profile = match state.domain.accounts.accept_invitation(&token, &input).await? {
        domain::mfa::SignIn::Done(a) => domain::accounts::profile_of(a.user()),
        domain::mfa::SignIn::SecondFactor { user, .. } => domain::accounts::profile_of(&user),
    };
    Ok((StatusCode::CREATED, Json(profile)))
}

/// Deactivate a staff account one administers: its sessions end at once
/// and it can no longer sign in; a practitioner's schedule here ends and
/// what is still booked with them is listed as conflicts to move.
#[utoipa::path(post, path = "/staff/{id}/deactivate", tag = "staff", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The staff member")),
    responses((status = 200, body = DeactivationOut), (status = 403, description = "`forbidden`: not an administrator", body = shared::ApiError),
        (status = 404, description = "`not_found`: no such staff member under the caller", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/staff/{id}/deactivate", skip_all)]
pub async fn deactivate(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<UserId>) -> Result<Json<DeactivationOut>, ApiFailure> {
    Ok(Json(state.domain.accounts.deactivate_staff(&actor, id).await?))
}

/// Let a deactivated staff account sign in again (the desk publishes its schedule again).
#[utoipa::path(post, path = "/staff/{id}/reactivate", tag = "staff", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The staff member")),
    responses((status = 204), (status = 403, body = shared::ApiError), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/staff/{id}/reactivate", skip_all)]
pub async fn reactivate(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<UserId>) -> Result<StatusCode, ApiFailure> {
    state.domain.accounts.reactivate_staff(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
