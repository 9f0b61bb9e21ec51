//! Registration and the token lifecycle for mobile apps.

use super::{ApiFailure, ApiJson, Bearer};
use crate::startup::{AppState, ClientIp};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::dto::{LoginIn, ProfileOut, RefreshIn, RegisterIn, TokenOut};

/// Register a citizen account. A 6-digit code goes to the phone by SMS
/// (and a link to the email): confirm it with `/me/phone/verify` before
/// booking or reading the record.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterIn,
    responses(
        (status = 201, description = "Account created", body = ProfileOut),
        (status = 409, description = "NIN, phone or email already used (`nin_taken`, `phone_taken`, `email_taken`)", body = shared::ApiError),
        (status = 422, description = "Invalid fields, each named", body = shared::ApiError),
        (status = 429, description = "`too_many_attempts` from this client, with Retry-After", body = shared::ApiError),
    ))]
#[tracing::instrument(name = "POST /api/v1/auth/register", skip_all)]
pub async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(input): ApiJson<RegisterIn>,
) -> Result<(StatusCode, Json<ProfileOut>), ApiFailure> {
    let who = state.domain.accounts.register(&input, ip).await?;
    Ok((StatusCode::CREATED, Json(who.profile())))
}

/// Sign in with a phone number or email and a password; returns an access
/// token (JWT, at most 15 minutes) and a single-use refresh token.
/// Practitioners, facility admins and health admins also send `otp`: their
/// authenticator's current code (each code works once) or a recovery code.
/// Without one they are answered `mfa_required`, or
/// `mfa_enrolment_required` before they enrolled (`/auth/mfa/enrolment`;
/// the first code sent here afterwards confirms the enrolment).
#[utoipa::path(post, path = "/auth/token", tag = "auth", request_body = LoginIn,
    responses(
        (status = 200, body = TokenOut),
        (status = 401, description = "`invalid_credentials`; `mfa_required` (send `otp`); `mfa_invalid` (wrong, expired or already used code)", body = shared::ApiError),
        (status = 403, description = "`mfa_enrolment_required`: enrol an authenticator first", body = shared::ApiError),
        (status = 429, description = "`too_many_attempts`, with Retry-After", body = shared::ApiError),
    ))]
#[tracing::instrument(name = "POST /api/v1/auth/token", skip_all)]
pub async fn token(State(state): State<AppState>, ClientIp(ip): ClientIp, ApiJson(input): ApiJson<LoginIn>) -> Result<Json<TokenOut>, ApiFailure> {
    let who = state.domain.sessions.sign_in_for_token(&input, ip).await?;
    Ok(Json(state.domain.sessions.start_mobile_session(&who).await?))
}

/// Start (or see again) the enrolment of an authenticator app, with the
/// password: the secret as a QR code and as text, and ten single-use
/// recovery codes to keep. Shown the same until the first code is sent to
/// `/auth/token`; refused once enrolled.
#[utoipa::path(post, path = "/auth/mfa/enrolment", tag = "auth", request_body = LoginIn,
    responses(
        (status = 200, body = shared::identity::EnrolmentOut),
        (status = 401, description = "`invalid_credentials`", body = shared::ApiError),
        (status = 403, description = "`forbidden`: this account signs in without a second factor", body = shared::ApiError),
        (status = 409, description = "`mfa_already_enrolled`: an administrator resets it", body = shared::ApiError),
        (status = 429, description = "`too_many_attempts`, with Retry-After", body = shared::ApiError),
    ))]
#[tracing::instrument(name = "POST /api/v1/auth/mfa/enrolment", skip_all)]
pub async fn enrolment(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(input): ApiJson<LoginIn>,
) -> Result<Json<shared::identity::EnrolmentOut>, ApiFailure> {
    Ok(Json(state.domain.sessions.enrolment_with_password(&input, ip).await?))
}

/// Exchange a refresh token for a new pair. Each refresh token works once;
/// presenting a used one revokes the whole session.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshIn,
    responses((status = 200, body = TokenOut), (status = 401, description = "`token_invalid`", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/auth/refresh", skip_all)]
pub async fn refresh(State(state): State<AppState>, ApiJson(input): ApiJson<RefreshIn>) -> Result<Json<TokenOut>, ApiFailure> {
    Ok(Json(state.domain.sessions.refresh(&input.refresh_token).await?))
}

/// End the session of the presented access token: it, and every refresh
/// token of its family, stop working at once.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/auth/logout", skip_all)]
pub async fn logout(State(state): State<AppState>, Bearer(actor): Bearer) -> Result<StatusCode, ApiFailure> {
    state.domain.sessions.sign_out(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
