//! The floor: arrivals (desk), the queues, the practitioner's call, and the
//! citizen's place in line. Every handler resolves the actor and calls one
//! service of `domain.floor`, which scopes everything to the actor's
//! facility (or, for a citizen, to their own appointments).

use super::{ApiFailure, ApiJson, ApiPath, Bearer};
use crate::startup::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::dto::{
    AppointmentPassOut, ArrivalIn, CallIn, CheckInIn, DisplayCreatedOut, DisplayIn, DisplayOut, InstructionRuleOut, InstructionsIn, NoShowsOut, PositionOut,
    QueueOut, ReviewOut, ScanIn, VisitOut, WalkInIn,
};
use shared::dto::{Page, PageQuery};
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

/// Receive a patient without an appointment (desk): found by NIN, or
/// registered from the identity card when `nin_unknown` asked for it, and
/// put in today's queue of a service or of one of its practitioners.
#[utoipa::path(post, path = "/desk/walk-ins", tag = "floor", security(("bearer" = [])), request_body = WalkInIn,
    responses((status = 200, body = VisitOut), (status = 409, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/walk-ins", skip_all)]
pub async fn walk_in(State(state): State<AppState>, Bearer(actor): Bearer, ApiJson(input): ApiJson<WalkInIn>) -> Result<Json<VisitOut>, ApiFailure> {
    Ok(Json(state.domain.floor.walk_in(&actor, &input).await?))
}

/// Check in with a waiting-room screen's QR code (citizen): every
/// appointment of one's own (and one's dependants') at that polyclinic
/// today arrives. The code changes every minute; an older one is `checkin_expired`.
#[utoipa::path(post, path = "/checkin", tag = "floor", security(("bearer" = [])), request_body = CheckInIn,
    responses((status = 200, body = [VisitOut]), (status = 404, description = "`link_invalid`", body = shared::ApiError),
        (status = 409, description = "`checkin_expired`, `no_appointment_today`", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/checkin", skip_all)]
pub async fn check_in(State(state): State<AppState>, Bearer(actor): Bearer, ApiJson(input): ApiJson<CheckInIn>) -> Result<Json<Vec<VisitOut>>, ApiFailure> {
    Ok(Json(state.domain.floor.self_check_in(&actor, &input.code).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// `YYYY-MM-DD`, today or before; today when left out.
    #[serde(default)]
    date: Option<chrono::NaiveDate>,
}

/// The desk's review of a day: booked patients whose time has passed and
/// who never arrived (or did not answer two calls), to confirm as no-shows
/// or late cancellations.
#[utoipa::path(get, path = "/desk/review", tag = "floor", security(("bearer" = [])), params(PageQuery, ReviewQuery),
    responses((status = 200, body = Page<ReviewOut>), (status = 403, body = shared::ApiError), (status = 409, description = "`review_too_early`", body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/desk/review", skip_all)]
pub async fn review(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    axum::extract::Query(q): axum::extract::Query<ReviewQuery>,
    page: super::PageParams,
) -> Result<Json<Page<ReviewOut>>, ApiFailure> {
    let date = q.date.unwrap_or_else(|| state.domain.today());
    Ok(Json(super::page_of(page, state.domain.floor.review(&actor, date).await?)?))
}

/// Confirm a no-show (the appointment's time has passed; the patient never came).
#[utoipa::path(post, path = "/desk/appointments/{id}/no-show", tag = "floor", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = shared::ApiError),
        (status = 409, description = "`review_too_early`, `already_arrived`, `appointment_not_booked`", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/appointments/{id}/no-show", skip_all)]
pub async fn no_show(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<AppointmentId>) -> Result<StatusCode, ApiFailure> {
    state.domain.floor.mark_no_show(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record a late cancellation (the patient told the polyclinic too late): not a no-show.
#[utoipa::path(post, path = "/desk/appointments/{id}/late-cancellation", tag = "floor", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/appointments/{id}/late-cancellation", skip_all)]
pub async fn late_cancellation(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<AppointmentId>) -> Result<StatusCode, ApiFailure> {
    state.domain.floor.mark_late_cancellation(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Bookings of one's facility waiting for the desk's confirmation (citizens at the no-show limit).
#[utoipa::path(get, path = "/desk/pending", tag = "floor", security(("bearer" = [])),
    params(PageQuery), responses((status = 200, body = Page<shared::dto::AppointmentOut>), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/desk/pending", skip_all)]
pub async fn pending(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    page: super::PageParams,
) -> Result<Json<Page<shared::dto::AppointmentOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.floor.pending(&actor).await?)?))
}

/// Confirm a pending booking: it becomes booked; the patient is told.
#[utoipa::path(post, path = "/desk/appointments/{id}/confirm", tag = "floor", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = shared::dto::AppointmentOut), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/appointments/{id}/confirm", skip_all)]
pub async fn confirm(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(id): ApiPath<AppointmentId>,
) -> Result<Json<shared::dto::AppointmentOut>, ApiFailure> {
    Ok(Json(state.domain.floor.confirm_pending(&actor, id, true).await?))
}

/// Decline a pending booking: the slot is freed; the patient is told.
#[utoipa::path(post, path = "/desk/appointments/{id}/decline", tag = "floor", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = shared::dto::AppointmentOut), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/appointments/{id}/decline", skip_all)]
pub async fn decline(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(id): ApiPath<AppointmentId>,
) -> Result<Json<shared::dto::AppointmentOut>, ApiFailure> {
    Ok(Json(state.domain.floor.confirm_pending(&actor, id, false).await?))
}

/// The no-show rule and where one stands (and each of one's dependants).
#[utoipa::path(get, path = "/me/no-shows", tag = "floor", security(("bearer" = [])),
    responses((status = 200, body = NoShowsOut), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/me/no-shows", skip_all)]
pub async fn my_no_shows(State(state): State<AppState>, Bearer(actor): Bearer) -> Result<Json<NoShowsOut>, ApiFailure> {
    Ok(Json(state.domain.floor.my_no_shows(&actor).await?))
}

/// Where one stands today at the polyclinic (and each of one's
/// dependants): every visit of the day, with an appointment or without.
#[utoipa::path(get, path = "/me/queue", tag = "floor", security(("bearer" = [])),
    params(PageQuery), responses((status = 200, body = Page<PositionOut>), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/me/queue", skip_all)]
pub async fn my_places(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<PositionOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.floor.my_places(&actor).await?)?))
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
    params(PageQuery), responses((status = 200, body = Page<DisplayOut>), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/admin/displays", skip_all)]
pub async fn displays(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<DisplayOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.floor.displays(&actor).await?)?))
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

/// Mark a patient arrived by scanning their appointment's QR code (desk):
/// `code` is what the scanner read, the address or the code alone.
#[utoipa::path(post, path = "/desk/arrivals/scan", tag = "floor", security(("bearer" = [])), request_body = ScanIn,
    responses((status = 200, body = VisitOut), (status = 403, body = shared::ApiError), (status = 404, description = "`link_invalid`, `not_found`", body = shared::ApiError),
        (status = 409, description = "`not_today`, `appointment_not_booked`", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/arrivals/scan", skip_all)]
pub async fn scan(State(state): State<AppState>, Bearer(actor): Bearer, ApiJson(input): ApiJson<ScanIn>) -> Result<Json<VisitOut>, ApiFailure> {
    Ok(Json(state.domain.floor.scan(&actor, &input).await?))
}

/// The citizen's pass for one of their appointments: the QR code the desk
/// scans on arrival, and what to bring and do before the visit.
#[utoipa::path(get, path = "/appointments/{id}/pass", tag = "floor", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = AppointmentPassOut), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/appointments/{id}/pass", skip_all)]
pub async fn pass(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<AppointmentId>) -> Result<Json<AppointmentPassOut>, ApiFailure> {
    Ok(Json(state.domain.floor.pass(&actor, id).await?))
}

/// The pre-visit rules one sets: the network's per specialty (health
/// directorate), or one's polyclinic's (its admin).
#[utoipa::path(get, path = "/admin/instructions", tag = "floor", security(("bearer" = [])),
    params(PageQuery), responses((status = 200, body = Page<InstructionRuleOut>), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/admin/instructions", skip_all)]
pub async fn instructions(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<InstructionRuleOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.floor.instruction_rules(&actor).await?)?))
}

/// Set one pre-visit rule, replacing the one of the same scope: the
/// health directorate's for a specialty (`specialty_id` required), or a
/// polyclinic admin's for all its specialties (no `specialty_id`) or one.
#[utoipa::path(put, path = "/admin/instructions", tag = "floor", security(("bearer" = [])), request_body = InstructionsIn,
    responses((status = 204), (status = 403, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "PUT /api/v1/admin/instructions", skip_all)]
pub async fn set_instructions(State(state): State<AppState>, Bearer(actor): Bearer, ApiJson(input): ApiJson<InstructionsIn>) -> Result<StatusCode, ApiFailure> {
    state.domain.floor.set_instructions(&actor, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}
