//! Verification of the phone and the email, their changes, and the
//! forgotten password, for mobile apps. The rules (codes, tries, expiry,
//! throttling, what is told to whom) are `domain::identity`'s.

use super::{ApiFailure, ApiJson, Bearer};
use crate::startup::{AppState, ClientIp};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::dto::ProfileOut;
use shared::identity::{CodeIn, EmailChangeIn, ForgotIn, LinkTokenIn, PhoneChangeIn, ResetByCodeIn, ResetByLinkIn, VerificationOut};

/// Send a new code to the phone being verified (the account's own, or the
/// new number of a change in progress). The previous code stops working.
#[utoipa::path(post, path = "/me/phone/code", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = VerificationOut), (status = 400, description = "Nothing to verify", body = shared::ApiError),
        (status = 429, description = "`too_many_attempts` (per number and per client), with Retry-After", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/phone/code", skip_all)]
pub async fn phone_code(State(state): State<AppState>, ClientIp(ip): ClientIp, Bearer(actor): Bearer) -> Result<Json<VerificationOut>, ApiFailure> {
    Ok(Json(state.domain.accounts.resend_phone_code(&actor, ip).await?))
}

/// Verify the phone with the code it received by SMS: six digits, valid
/// ten minutes, five tries. Until then the account cannot book, read its
/// record or receive SMS reminders (`phone_unverified`).
#[utoipa::path(post, path = "/me/phone/verify", tag = "me", security(("bearer" = [])), request_body = CodeIn,
    responses((status = 200, body = ProfileOut),
        (status = 422, description = "`code_invalid` (wrong code), `code_expired` (expired, used, replaced or five wrong tries)", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/phone/verify", skip_all)]
pub async fn verify_phone(State(state): State<AppState>, Bearer(actor): Bearer, ApiJson(input): ApiJson<CodeIn>) -> Result<Json<ProfileOut>, ApiFailure> {
    Ok(Json(state.domain.accounts.verify_phone(&actor, &input).await?))
}

/// Change the phone number: the current password, then a code goes to the
/// new number (confirm it with `/me/phone/verify`). The old number is told.
#[utoipa::path(post, path = "/me/phone", tag = "me", security(("bearer" = [])), request_body = PhoneChangeIn,
    responses((status = 200, body = VerificationOut), (status = 409, description = "`phone_taken`", body = shared::ApiError),
        (status = 422, description = "`current_password_wrong`, `phone_invalid`", body = shared::ApiError), (status = 429, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/phone", skip_all)]
pub async fn change_phone(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<PhoneChangeIn>,
) -> Result<Json<VerificationOut>, ApiFailure> {
    Ok(Json(state.domain.accounts.request_phone_change(&actor, &input, ip).await?))
}

/// Send a new link to the email being verified.
#[utoipa::path(post, path = "/me/email/link", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = VerificationOut), (status = 400, description = "Nothing to verify", body = shared::ApiError), (status = 429, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/email/link", skip_all)]
pub async fn email_link(State(state): State<AppState>, ClientIp(ip): ClientIp, Bearer(actor): Bearer) -> Result<Json<VerificationOut>, ApiFailure> {
    Ok(Json(state.domain.accounts.resend_email_link(&actor, ip).await?))
}

/// Change the email address: the current password, then a link goes to the
/// new address; it becomes the account's when the link is opened.
#[utoipa::path(post, path = "/me/email", tag = "me", security(("bearer" = [])), request_body = EmailChangeIn,
    responses((status = 200, body = VerificationOut), (status = 409, description = "`email_taken`", body = shared::ApiError),
        (status = 422, description = "`current_password_wrong`, `email_invalid`", body = shared::ApiError), (status = 429, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/me/email", skip_all)]
pub async fn change_email(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<EmailChangeIn>,
) -> Result<Json<VerificationOut>, ApiFailure> {
    Ok(Json(state.domain.accounts.request_email_change(&actor, &input, ip).await?))
}

/// Confirm an email address with the token of the link sent to it (no
/// sign-in needed: the link is the proof; it works once).
#[utoipa::path(post, path = "/auth/email/verify", tag = "auth", request_body = LinkTokenIn,
    responses((status = 204), (status = 404, description = "`link_invalid` (forged, used or expired)", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/auth/email/verify", skip_all)]
pub async fn verify_email(State(state): State<AppState>, ApiJson(input): ApiJson<LinkTokenIn>) -> Result<StatusCode, ApiFailure> {
    state.domain.accounts.verify_email(&input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// "I forgot my password": a code by SMS to a phone login, a link to a
/// verified email login. Always 202, whether or not an account exists.
#[utoipa::path(post, path = "/auth/password/forgot", tag = "auth", request_body = ForgotIn,
    responses((status = 202), (status = 422, description = "The login is neither a phone number nor an email", body = shared::ApiError),
        (status = 429, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/auth/password/forgot", skip_all)]
pub async fn forgot(State(state): State<AppState>, ClientIp(ip): ClientIp, ApiJson(input): ApiJson<ForgotIn>) -> Result<StatusCode, ApiFailure> {
    state.domain.accounts.forgot_password(&input, ip).await?;
    Ok(StatusCode::ACCEPTED)
}

/// A new password with the SMS code. Every session of the account ends.
#[utoipa::path(post, path = "/auth/password/reset", tag = "auth", request_body = ResetByCodeIn,
    responses((status = 204), (status = 422, description = "`code_invalid`, `code_expired`, a password-policy code", body = shared::ApiError),
        (status = 429, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/auth/password/reset", skip_all)]
pub async fn reset(State(state): State<AppState>, ClientIp(ip): ClientIp, ApiJson(input): ApiJson<ResetByCodeIn>) -> Result<StatusCode, ApiFailure> {
    state.domain.accounts.reset_password_by_code(&input, ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new password with the token of the emailed link. Every session ends.
#[utoipa::path(post, path = "/auth/password/reset-link", tag = "auth", request_body = ResetByLinkIn,
    responses((status = 204), (status = 404, description = "`link_invalid`", body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/auth/password/reset-link", skip_all)]
pub async fn reset_link(State(state): State<AppState>, ApiJson(input): ApiJson<ResetByLinkIn>) -> Result<StatusCode, ApiFailure> {
    state.domain.accounts.reset_password_by_link(&input).await?;
    Ok(StatusCode::NO_CONTENT)
}
