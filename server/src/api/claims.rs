//! Claiming one's record, for mobile apps: a person whose NIN an account
//! holds for a dependant asks for it; the guardian approves or declines;
//! a desk approves on seeing the identity card. And an adult's consent to
//! be managed by another account. The rules are `domain::claims`' and
//! `domain::consents`'.

use super::{ApiFailure, ApiJson, ApiPath, Bearer};
use crate::startup::{AppState, ClientIp};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::dto::RegisterIn;
use shared::dto::{Page, PageQuery};
use shared::identity::{ClaimOut, ConsentIn, ConsentOut, ConsentsOut};
use shared::{ClaimId, ConsentId};

/// Ask for the record an account holds for you as a dependant (when
/// registration answered `nin_claim_at_desk`), with what registration
/// asks. The guardian is told; when they (or a desk, with your identity
/// card) approve, your account exists with this phone and password, and a
/// code is sent to verify the phone. Keep the returned `id` to follow it.
#[utoipa::path(post, path = "/auth/claims", tag = "auth", request_body = RegisterIn,
    responses((status = 202, body = ClaimOut),
        (status = 409, description = "`nin_taken` (an account has this NIN), `phone_taken`, `email_taken`", body = shared::ApiError),
        (status = 422, description = "Invalid fields, or `nin_not_claimable` (nobody without an account has this NIN: register)", body = shared::ApiError),
        (status = 429, description = "`too_many_attempts`, with Retry-After", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/auth/claims", skip_all)]
pub async fn request(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(input): ApiJson<RegisterIn>,
) -> Result<(StatusCode, Json<ClaimOut>), ApiFailure> {
    let out = state.domain.people.request_claim(&input, ip).await?;
    Ok((StatusCode::ACCEPTED, Json(out)))
}

/// Where your request stands (`pending`, `approved`: sign in; `declined`:
/// a desk can still approve it; `closed`).
#[utoipa::path(get, path = "/auth/claims/{id}", tag = "auth", params(("id" = Uuid, Path)),
    responses((status = 200, body = ClaimOut), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/auth/claims/{id}", skip_all)]
pub async fn status(State(state): State<AppState>, ApiPath(id): ApiPath<ClaimId>) -> Result<Json<ClaimOut>, ApiFailure> {
    Ok(Json(state.domain.people.claim_status(id).await?))
}

/// The requests waiting for your decision, as the guardian of the record.
#[utoipa::path(get, path = "/me/claims", tag = "me", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Page<ClaimOut>)))]
#[tracing::instrument(name = "GET /api/v1/me/claims", skip_all)]
pub async fn mine(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<ClaimOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.people.my_claims(&actor).await?)?))
}

/// Approve: the person gets their own account; their record, appointments
/// and referrals leave yours.
#[utoipa::path(post, path = "/me/claims/{id}/approve", tag = "me", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ClaimOut), (status = 404, body = shared::ApiError), (status = 409, description = "`claim_closed`", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/claims/{id}/approve", skip_all)]
pub async fn approve(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<ClaimId>) -> Result<Json<ClaimOut>, ApiFailure> {
    Ok(Json(state.domain.people.guardian_decides(&actor, id, true).await?))
}

/// Decline (a desk can still approve it on seeing the identity card).
#[utoipa::path(post, path = "/me/claims/{id}/decline", tag = "me", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ClaimOut), (status = 404, body = shared::ApiError), (status = 409, description = "`claim_closed`", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/claims/{id}/decline", skip_all)]
pub async fn decline(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<ClaimId>) -> Result<Json<ClaimOut>, ApiFailure> {
    Ok(Json(state.domain.people.guardian_decides(&actor, id, false).await?))
}

/// The desk approves a request after seeing the person's identity card
/// (the request is in the desk look-up's answer). Written in the person's
/// access log.
#[utoipa::path(post, path = "/desk/claims/{id}/approve", tag = "desk", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ClaimOut), (status = 403, body = shared::ApiError), (status = 404, body = shared::ApiError),
        (status = 409, description = "`claim_closed`", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/claims/{id}/approve", skip_all)]
pub async fn desk_approve(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<ClaimId>) -> Result<Json<ClaimOut>, ApiFailure> {
    Ok(Json(state.domain.people.desk_approves_claim(&actor, id).await?))
}

/// Ask to manage an adult's appointments and record (adults are not added
/// as dependants on someone else's word). If an adult's account holds the
/// NIN, they are told and approve or decline in their account; the answer
/// is the same either way, so it says nothing about who has an account.
#[utoipa::path(post, path = "/me/dependants/consent-requests", tag = "me", security(("bearer" = [])), request_body = ConsentIn,
    responses((status = 202, description = "Sent, if an adult's account holds this NIN"), (status = 409, description = "`too_many_dependants`", body = shared::ApiError),
        (status = 422, body = shared::ApiError), (status = 429, description = "`too_many_attempts`", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/dependants/consent-requests", skip_all)]
pub async fn request_consent(State(state): State<AppState>, Bearer(actor): Bearer, ApiJson(input): ApiJson<ConsentIn>) -> Result<StatusCode, ApiFailure> {
    state.domain.people.request_consent(&actor, &input).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Requests to manage your appointments and record, and the account that
/// manages them now (with your consent).
#[utoipa::path(get, path = "/me/consents", tag = "me", security(("bearer" = [])), responses((status = 200, body = ConsentsOut)))]
#[tracing::instrument(name = "GET /api/v1/me/consents", skip_all)]
pub async fn consents(State(state): State<AppState>, Bearer(actor): Bearer) -> Result<Json<ConsentsOut>, ApiFailure> {
    Ok(Json(state.domain.people.my_consents(&actor).await?))
}

/// Approve a request: that account books for you and reads your record
/// until you withdraw your consent.
#[utoipa::path(post, path = "/me/consents/{id}/approve", tag = "me", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ConsentOut), (status = 404, body = shared::ApiError), (status = 409, description = "`claim_closed`", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/consents/{id}/approve", skip_all)]
pub async fn approve_consent(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<ConsentId>) -> Result<Json<ConsentOut>, ApiFailure> {
    Ok(Json(state.domain.people.decide_consent(&actor, id, true).await?))
}

/// Decline a request.
#[utoipa::path(post, path = "/me/consents/{id}/decline", tag = "me", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ConsentOut), (status = 404, body = shared::ApiError), (status = 409, description = "`claim_closed`", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/consents/{id}/decline", skip_all)]
pub async fn decline_consent(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<ConsentId>) -> Result<Json<ConsentOut>, ApiFailure> {
    Ok(Json(state.domain.people.decide_consent(&actor, id, false).await?))
}

/// Withdraw your consent: that account no longer books for you or reads
/// your record.
#[utoipa::path(post, path = "/me/guardians/{id}/withdraw", tag = "me", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/guardians/{id}/withdraw", skip_all)]
pub async fn withdraw_consent(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<shared::UserId>) -> Result<StatusCode, ApiFailure> {
    state.domain.people.withdraw_consent(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
