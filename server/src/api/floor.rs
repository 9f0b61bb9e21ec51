//! The floor: arrivals (desk), the queues, the practitioner's call, and the
//! citizen's place in line. Every handler resolves the actor and calls one
//! service of `domain.floor`, which scopes everything to the actor's
//! facility (or, for a citizen, to their own appointments).

use super::{ApiFailure, ApiJson, ApiPath, Bearer};
use crate::startup::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::dto::{ArrivalIn, CallIn, DisplayCreatedOut, DisplayIn, DisplayOut, PositionOut, QueueOut, VisitOut};
use shared::{AppointmentId, DisplayId, VisitId, VisitStatus};

/// Mark a booked patient arrived (today, at one's facility): they join
/// their practitioner's queue with a ticket. Marking again answers the same visit.
#[utoipa::path(post, path = "/desk/appointments/{id}/arrival", tag = "floor", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    request_body = ArrivalIn,
    responses((status = 200, body = VisitOut), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/appointments/{id}/arrival", skip_all)]
pub async fn arrive(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(id): ApiPath<AppointmentId>,
    ApiJson(input): ApiJson<ArrivalIn>,
) -> Result<Json<VisitOut>, ApiFailure> {
    Ok(Json(state.domain.floor.arrive(&actor, id, &input).await?))
}

/// Every queue of one's facility today (desk).
#[utoipa::path(get, path = "/desk/queue", tag = "floor", security(("bearer" = [])),
    responses((status = 200, body = QueueOut), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/desk/queue", skip_all)]
pub async fn desk_queue(State(state): State<AppState>, Bearer(actor): Bearer) -> Result<Json<QueueOut>, ApiFailure> {
    Ok(Json(state.domain.floor.desk_queue(&actor).await?))
}

/// The practitioner's queue and their service's.
#[utoipa::path(get, path = "/practitioner/queue", tag = "floor", security(("bearer" = [])),
    responses((status = 200, body = QueueOut), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/practitioner/queue", skip_all)]
pub async fn my_queue(State(state): State<AppState>, Bearer(actor): Bearer) -> Result<Json<QueueOut>, ApiFailure> {
    Ok(Json(state.domain.floor.my_queue(&actor).await?))
}

/// Call the next patient of one's queue to a room.
#[utoipa::path(post, path = "/practitioner/queue/call", tag = "floor", security(("bearer" = [])), request_body = CallIn,
    responses((status = 200, body = VisitOut), (status = 409, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/practitioner/queue/call", skip_all)]
pub async fn call_next(State(state): State<AppState>, Bearer(actor): Bearer, ApiJson(input): ApiJson<CallIn>) -> Result<Json<VisitOut>, ApiFailure> {
    Ok(Json(state.domain.floor.call_next(&actor, &input).await?))
}

/// The called patient is in consultation.
#[utoipa::path(post, path = "/practitioner/visits/{id}/start", tag = "floor", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = VisitOut), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/practitioner/visits/{id}/start", skip_all)]
pub async fn start(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<VisitId>) -> Result<Json<VisitOut>, ApiFailure> {
    Ok(Json(state.domain.floor.advance(&actor, id, VisitStatus::InConsultation).await?))
}

/// The patient was seen.
#[utoipa::path(post, path = "/practitioner/visits/{id}/done", tag = "floor", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = VisitOut), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/practitioner/visits/{id}/done", skip_all)]
pub async fn done(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<VisitId>) -> Result<Json<VisitOut>, ApiFailure> {
    Ok(Json(state.domain.floor.advance(&actor, id, VisitStatus::Done).await?))
}

/// The called patient did not come: back in the queue once, then absent for the day's review.
#[utoipa::path(post, path = "/practitioner/visits/{id}/absent", tag = "floor", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = VisitOut), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/practitioner/visits/{id}/absent", skip_all)]
pub async fn absent(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<VisitId>) -> Result<Json<VisitOut>, ApiFailure> {
    Ok(Json(state.domain.floor.advance(&actor, id, VisitStatus::Absent).await?))
}

/// Where the citizen (or their dependant) stands for one of their appointments today.
#[utoipa::path(get, path = "/appointments/{id}/queue", tag = "floor", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = PositionOut), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/appointments/{id}/queue", skip_all)]
pub async fn position(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<AppointmentId>) -> Result<Json<PositionOut>, ApiFailure> {
    Ok(Json(state.domain.floor.my_position(&actor, id).await?))
}

/// The waiting-room screens of one's facility (facility admin).
#[utoipa::path(get, path = "/admin/displays", tag = "floor", security(("bearer" = [])),
    responses((status = 200, body = [DisplayOut]), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/admin/displays", skip_all)]
pub async fn displays(State(state): State<AppState>, Bearer(actor): Bearer) -> Result<Json<Vec<DisplayOut>>, ApiFailure> {
    Ok(Json(state.domain.floor.displays(&actor).await?))
}

/// Add a waiting-room screen: the answer holds the address to open on the TV, once.
#[utoipa::path(post, path = "/admin/displays", tag = "floor", security(("bearer" = [])), request_body = DisplayIn,
    responses((status = 201, body = DisplayCreatedOut), (status = 403, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/admin/displays", skip_all)]
pub async fn add_display(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<DisplayIn>,
) -> Result<(StatusCode, Json<DisplayCreatedOut>), ApiFailure> {
    Ok((StatusCode::CREATED, Json(state.domain.floor.add_display(&actor, &input).await?)))
}

/// Turn a screen off: its address opens nothing any more.
#[utoipa::path(delete, path = "/admin/displays/{id}", tag = "floor", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "DELETE /api/v1/admin/displays/{id}", skip_all)]
pub async fn revoke_display(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<DisplayId>) -> Result<StatusCode, ApiFailure> {
    state.domain.floor.revoke_display(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
