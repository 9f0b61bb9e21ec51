//! The in-app inbox, channel preferences, signed appointment links and the
//! facility's undelivered messages.

use super::{ApiFailure, ApiJson, ApiPath, Bearer, ReqLang};
use crate::startup::AppState;
use axum::extract::State;
use axum::Json;
use shared::dto::{AppointmentOut, InboxOut, LinkAppointmentOut, NotificationPrefs, UndeliveredOut};
use uuid::Uuid;

/// One's in-app messages, newest first, in the request's language, with the unread count.
#[utoipa::path(get, path = "/api/v1/inbox", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = InboxOut)))]
#[tracing::instrument(name = "GET /api/v1/inbox", skip_all)]
pub async fn inbox(State(state): State<AppState>, ReqLang(lang): ReqLang, Bearer(actor): Bearer) -> Result<Json<InboxOut>, ApiFailure> {
    state.domain.inbox(&actor, lang).await.map(Json).map_err(|e| ApiFailure::from_domain(e, lang))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UnreadOut {
    pub unread: u64,
}

/// How many in-app messages are unread (for a badge).
#[utoipa::path(get, path = "/api/v1/inbox/unread", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = UnreadOut)))]
#[tracing::instrument(name = "GET /api/v1/inbox/unread", skip_all)]
pub async fn unread(State(state): State<AppState>, ReqLang(lang): ReqLang, Bearer(actor): Bearer) -> Result<Json<UnreadOut>, ApiFailure> {
    state.domain.unread_count(&actor).await.map(|unread| Json(UnreadOut { unread })).map_err(|e| ApiFailure::from_domain(e, lang))
}

/// Mark one message read (another person's is 404).
#[utoipa::path(post, path = "/api/v1/inbox/{id}/read", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = UnreadOut), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/inbox/{id}/read", skip_all)]
pub async fn read(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Bearer(actor): Bearer,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<UnreadOut>, ApiFailure> {
    let fail = |e| ApiFailure::from_domain(e, lang);
    let id: Uuid = id.parse().map_err(|_| ApiFailure::new(shared::ErrorCode::NotFound, lang))?;
    state.domain.mark_read(&actor, Some(id)).await.map_err(fail)?;
    Ok(Json(UnreadOut { unread: state.domain.unread_count(&actor).await.map_err(fail)? }))
}

/// Mark every message read.
#[utoipa::path(post, path = "/api/v1/inbox/read-all", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = UnreadOut)))]
#[tracing::instrument(name = "POST /api/v1/inbox/read-all", skip_all)]
pub async fn read_all(State(state): State<AppState>, ReqLang(lang): ReqLang, Bearer(actor): Bearer) -> Result<Json<UnreadOut>, ApiFailure> {
    let fail = |e| ApiFailure::from_domain(e, lang);
    state.domain.mark_read(&actor, None).await.map_err(fail)?;
    Ok(Json(UnreadOut { unread: state.domain.unread_count(&actor).await.map_err(fail)? }))
}

/// Which channels one receives messages on.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = NotificationPrefs)))]
#[tracing::instrument(name = "GET /api/v1/me/notifications", skip_all)]
pub async fn prefs(State(state): State<AppState>, ReqLang(lang): ReqLang, Bearer(actor): Bearer) -> Result<Json<NotificationPrefs>, ApiFailure> {
    state.domain.notification_prefs(&actor).await.map(Json).map_err(|e| ApiFailure::from_domain(e, lang))
}

#[utoipa::path(put, path = "/api/v1/me/notifications", tag = "notifications", security(("bearer" = [])), request_body = NotificationPrefs,
    responses((status = 200, body = NotificationPrefs)))]
#[tracing::instrument(name = "PUT /api/v1/me/notifications", skip_all)]
pub async fn set_prefs(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<NotificationPrefs>,
) -> Result<Json<NotificationPrefs>, ApiFailure> {
    state.domain.set_notification_prefs(&actor, &input).await.map(Json).map_err(|e| ApiFailure::from_domain(e, lang))
}

/// The appointment a signed link from a message names (no sign-in; no patient name).
#[utoipa::path(get, path = "/api/v1/links/{token}", tag = "notifications",
    responses((status = 200, body = LinkAppointmentOut), (status = 404, description = "`link_invalid`", body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/links/{token}", skip_all)]
pub async fn link(State(state): State<AppState>, ReqLang(lang): ReqLang, ApiPath(token): ApiPath<String>) -> Result<Json<LinkAppointmentOut>, ApiFailure> {
    let (appointment, can_cancel) = state.domain.appointment_by_link(&token).await.map_err(|e| ApiFailure::from_domain(e, lang))?;
    Ok(Json(LinkAppointmentOut { appointment, can_cancel }))
}

/// Cancel the appointment a cancel link names, without signing in (same cut-off as online).
#[utoipa::path(post, path = "/api/v1/links/{token}/cancel", tag = "notifications",
    responses((status = 200, body = AppointmentOut), (status = 404, description = "`link_invalid`", body = shared::ApiError), (status = 409, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/links/{token}/cancel", skip_all)]
pub async fn cancel_by_link(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<AppointmentOut>, ApiFailure> {
    state.domain.cancel_by_link(&token).await.map(Json).map_err(|e| ApiFailure::from_domain(e, lang))
}

/// Messages of the admin's facility that could not be delivered (facility admins).
#[utoipa::path(get, path = "/api/v1/facility/undelivered", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = [UndeliveredOut]), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/facility/undelivered", skip_all)]
pub async fn undelivered(State(state): State<AppState>, ReqLang(lang): ReqLang, Bearer(actor): Bearer) -> Result<Json<Vec<UndeliveredOut>>, ApiFailure> {
    state.domain.undelivered(&actor).await.map(Json).map_err(|e| ApiFailure::from_domain(e, lang))
}

/// Queue an undelivered message again (after fixing the address or the gateway).
#[utoipa::path(post, path = "/api/v1/facility/undelivered/{id}/retry", tag = "notifications", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = shared::ApiError), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/facility/undelivered/{id}/retry", skip_all)]
pub async fn retry(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Bearer(actor): Bearer,
    ApiPath(id): ApiPath<String>,
) -> Result<axum::http::StatusCode, ApiFailure> {
    let id: Uuid = id.parse().map_err(|_| ApiFailure::new(shared::ErrorCode::NotFound, lang))?;
    state.domain.retry_undelivered(&actor, id).await.map_err(|e| ApiFailure::from_domain(e, lang))?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
