//! The in-app inbox, channel preferences, signed appointment links and the
//! facility's undelivered messages.

use super::{ApiFailure, ApiJson, ApiPath, Bearer, ReqLang};
use crate::startup::AppState;
use axum::extract::State;
use axum::Json;
use shared::dto::{AppointmentOut, InboxOut, LinkAppointmentOut, NotificationPrefs, UndeliveredOut};
use shared::dto::{Page, PageQuery};

/// One's in-app messages, newest first, in the request's language, with the unread count.
#[utoipa::path(get, path = "/inbox", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = InboxOut)))]
#[tracing::instrument(name = "GET /api/v1/inbox", skip_all)]
pub async fn inbox(State(state): State<AppState>, ReqLang(lang): ReqLang, Bearer(actor): Bearer) -> Result<Json<InboxOut>, ApiFailure> {
    Ok(Json(state.domain.notifications.inbox(&actor, lang).await?))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UnreadOut {
    pub unread: u64,
}

/// How many in-app messages are unread (for a badge).
#[utoipa::path(get, path = "/inbox/unread", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = UnreadOut)))]
#[tracing::instrument(name = "GET /api/v1/inbox/unread", skip_all)]
pub async fn unread(State(state): State<AppState>, Bearer(actor): Bearer) -> Result<Json<UnreadOut>, ApiFailure> {
    state.domain.notifications.unread_count(&actor).await.map(|unread| Json(UnreadOut { unread })).map_err(ApiFailure::from)
}

/// Mark one message read (another person's is 404).
#[utoipa::path(post, path = "/inbox/{id}/read", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = UnreadOut), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/inbox/{id}/read", skip_all)]
pub async fn read(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<String>) -> Result<Json<UnreadOut>, ApiFailure> {
    let id: shared::MessageId = id.parse().map_err(|_| ApiFailure::new(shared::ErrorCode::NotFound))?;
    state.domain.notifications.mark_read(&actor, Some(id)).await?;
    Ok(Json(UnreadOut { unread: state.domain.notifications.unread_count(&actor).await? }))
}

/// Mark every message read.
#[utoipa::path(post, path = "/inbox/read-all", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = UnreadOut)))]
#[tracing::instrument(name = "POST /api/v1/inbox/read-all", skip_all)]
pub async fn read_all(State(state): State<AppState>, Bearer(actor): Bearer) -> Result<Json<UnreadOut>, ApiFailure> {
    state.domain.notifications.mark_read(&actor, None).await?;
    Ok(Json(UnreadOut { unread: state.domain.notifications.unread_count(&actor).await? }))
}

/// Which channels one receives messages on.
#[utoipa::path(get, path = "/me/notifications", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = NotificationPrefs)))]
#[tracing::instrument(name = "GET /api/v1/me/notifications", skip_all)]
pub async fn prefs(State(state): State<AppState>, Bearer(actor): Bearer) -> Result<Json<NotificationPrefs>, ApiFailure> {
    Ok(Json(state.domain.notifications.notification_prefs(&actor).await?))
}

#[utoipa::path(put, path = "/me/notifications", tag = "notifications", security(("bearer" = [])), request_body = NotificationPrefs,
    responses((status = 200, body = NotificationPrefs)))]
#[tracing::instrument(name = "PUT /api/v1/me/notifications", skip_all)]
pub async fn set_prefs(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<NotificationPrefs>,
) -> Result<Json<NotificationPrefs>, ApiFailure> {
    Ok(Json(state.domain.notifications.set_notification_prefs(&actor, &input).await?))
}

/// The appointment a signed link from a message names (no sign-in; no patient name).
#[utoipa::path(get, path = "/links/{token}", tag = "notifications",
    responses((status = 200, body = LinkAppointmentOut), (status = 404, description = "`link_invalid`", body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/links/{token}", skip_all)]
pub async fn link(State(state): State<AppState>, ApiPath(token): ApiPath<String>) -> Result<Json<LinkAppointmentOut>, ApiFailure> {
    Ok(Json(state.domain.booking.appointment_by_link(&token).await?))
}

/// "I am coming": the patient confirms from a message's answer link (the
/// one that may cancel), without signing in; the desk's day list shows it.
#[utoipa::path(post, path = "/links/{token}/confirm", tag = "notifications",
    responses((status = 200, body = LinkAppointmentOut), (status = 404, description = "`link_invalid`", body = shared::ApiError), (status = 409, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/links/{token}/confirm", skip_all)]
pub async fn confirm_by_link(State(state): State<AppState>, ApiPath(token): ApiPath<String>) -> Result<Json<LinkAppointmentOut>, ApiFailure> {
    Ok(Json(state.domain.booking.confirm_by_link(&token).await?))
}

/// Cancel the appointment a cancel link names, without signing in (same cut-off as online).
#[utoipa::path(post, path = "/links/{token}/cancel", tag = "notifications",
    responses((status = 200, body = AppointmentOut), (status = 404, description = "`link_invalid`", body = shared::ApiError), (status = 409, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/links/{token}/cancel", skip_all)]
pub async fn cancel_by_link(State(state): State<AppState>, ApiPath(token): ApiPath<String>) -> Result<Json<AppointmentOut>, ApiFailure> {
    Ok(Json(state.domain.booking.cancel_by_link(&token).await?))
}

/// Messages of the admin's facility that could not be delivered (facility admins).
#[utoipa::path(get, path = "/facility/undelivered", tag = "notifications", security(("bearer" = [])),
    params(PageQuery), responses((status = 200, body = Page<UndeliveredOut>), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/facility/undelivered", skip_all)]
pub async fn undelivered(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<UndeliveredOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.notifications.undelivered(&actor).await?)?))
}

/// Queue an undelivered message again (after fixing the address or the gateway).
#[utoipa::path(post, path = "/facility/undelivered/{id}/retry", tag = "notifications", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = shared::ApiError), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/facility/undelivered/{id}/retry", skip_all)]
pub async fn retry(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<String>) -> Result<axum::http::StatusCode, ApiFailure> {
    let id: shared::DeliveryId = id.parse().map_err(|_| ApiFailure::new(shared::ErrorCode::NotFound))?;
    state.domain.notifications.retry_undelivered(&actor, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
