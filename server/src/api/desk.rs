//! The polyclinic desk (receptionists, facility admins) and practitioners:
//! the day list, citizens found by NIN, bookings on their behalf, and
//! referrals. Every handler resolves the actor and calls one domain
//! service, which scopes everything to the actor's facility.

use super::{ApiFailure, ApiJson, ApiPath, Bearer};
use crate::startup::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use shared::dto::{
    AppointmentOut, DaySlotOut, DependantOut, DeskBookIn, NinLookupIn, PersonOut, PractitionerOut, ReferralIn, ReferralOut, ReferralWorkOut, TemplateRowOut,
};
use shared::dto::{Page, PageQuery};
use shared::{AppointmentId, ErrorCode, PersonId, PractitionerId, ReferralId, UserId};
use uuid::Uuid;

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// `YYYY-MM-DD`, Algiers.
    date: NaiveDate,
    /// Only this practitioner.
    practitioner_id: Option<Uuid>,
}

/// The day list of one's facility: every slot, with who is booked.
#[utoipa::path(get, path = "/desk/day", tag = "desk", security(("bearer" = [])), params(PageQuery, DayQuery),
    responses((status = 200, body = Page<DaySlotOut>), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/desk/day", skip_all)]
pub async fn day(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    q: Result<Query<DayQuery>, axum::extract::rejection::QueryRejection>,
    page: super::PageParams,
) -> Result<Json<Page<DaySlotOut>>, ApiFailure> {
    let Ok(Query(q)) = q else { return Err(ApiFailure::new(ErrorCode::BadRequest)) };
    Ok(Json(super::page_of(page, state.domain.schedule.day_list(&actor, q.date, q.practitioner_id.map(PractitionerId)).await?)?))
}

/// The practitioners of one's facility.
#[utoipa::path(get, path = "/desk/practitioners", tag = "desk", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Page<PractitionerOut>)))]
#[tracing::instrument(name = "GET /api/v1/desk/practitioners", skip_all)]
pub async fn practitioners(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<PractitionerOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.directory.facility_practitioners(&actor).await?)?))
}

/// The live templates of one's facility.
#[utoipa::path(get, path = "/desk/templates", tag = "desk", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Page<TemplateRowOut>), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/desk/templates", skip_all)]
pub async fn templates(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<TemplateRowOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.schedule.facility_templates(&actor).await?)?))
}

/// Find a citizen by NIN (in the body, never in the URL).
#[utoipa::path(post, path = "/desk/lookup", tag = "desk", security(("bearer" = [])), request_body = NinLookupIn,
    responses((status = 200, body = PersonOut), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/lookup", skip_all)]
pub async fn lookup(State(state): State<AppState>, Bearer(actor): Bearer, ApiJson(input): ApiJson<NinLookupIn>) -> Result<Json<PersonOut>, ApiFailure> {
    Ok(Json(state.domain.people.lookup_by_nin(&actor, &input).await?))
}

/// A citizen's appointments at one's facility.
#[utoipa::path(get, path = "/desk/patients/{patient_id}/appointments", tag = "desk", security(("bearer" = [])), params(PageQuery, ("patient_id" = Uuid, Path)),
    responses((status = 200, body = Page<AppointmentOut>), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/desk/patients/{patient_id}/appointments", skip_all)]
pub async fn patient_appointments(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(patient_id): ApiPath<UserId>,
    page: super::PageParams,
) -> Result<Json<Page<AppointmentOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.booking.desk_patient_appointments(&actor, patient_id).await?)?))
}

/// Book one of one's facility's slots for a citizen or their dependant.
#[utoipa::path(post, path = "/desk/appointments", tag = "desk", security(("bearer" = [])), request_body = DeskBookIn,
    responses((status = 201, body = AppointmentOut), (status = 409, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/appointments", skip_all)]
pub async fn book(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<DeskBookIn>,
) -> Result<(StatusCode, Json<AppointmentOut>), ApiFailure> {
    let out = state.domain.booking.desk_book(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Cancel an appointment at one's facility (no online cut-off).
#[utoipa::path(post, path = "/desk/appointments/{id}/cancel", tag = "desk", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = Option<shared::dto::CancelIn>, description = "Optional: the reason"),
    responses((status = 200, body = AppointmentOut), (status = 404, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/appointments/{id}/cancel", skip_all)]
pub async fn cancel(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(id): ApiPath<AppointmentId>,
    super::ApiOptionalJson(input): super::ApiOptionalJson<shared::dto::CancelIn>,
) -> Result<Json<AppointmentOut>, ApiFailure> {
    Ok(Json(state.domain.booking.desk_cancel(&actor, id, &input).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct MoveIn {
    slot_id: String,
}

/// Move an appointment at one's facility to another of its slots, atomically.
#[utoipa::path(post, path = "/desk/appointments/{id}/reschedule", tag = "desk", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = MoveIn,
    responses((status = 201, body = AppointmentOut), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/appointments/{id}/reschedule", skip_all)]
pub async fn reschedule(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(id): ApiPath<AppointmentId>,
    ApiJson(input): ApiJson<MoveIn>,
) -> Result<(StatusCode, Json<AppointmentOut>), ApiFailure> {
    let out = state.domain.booking.desk_reschedule(&actor, id, &input.slot_id).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Mark a dependant verified after seeing the papers.
#[utoipa::path(post, path = "/desk/dependants/{id}/verify", tag = "desk", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = DependantOut), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/dependants/{id}/verify", skip_all)]
pub async fn verify_dependant(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<PersonId>) -> Result<Json<DependantOut>, ApiFailure> {
    Ok(Json(state.domain.people.verify_dependant(&actor, id).await?))
}

/// Record a referral (practitioners and desk staff).
#[utoipa::path(post, path = "/referrals", tag = "desk", security(("bearer" = [])), request_body = ReferralIn,
    responses((status = 201, body = ReferralOut), (status = 403, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/referrals", skip_all)]
pub async fn refer(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<ReferralIn>,
) -> Result<(StatusCode, Json<ReferralOut>), ApiFailure> {
    let out = state.domain.referrals.create_referral(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// The referral worklist of one's desk: patients referred in one's wilaya
/// to a specialty one's polyclinic offers, still without an appointment
/// after the follow-up delay; urgent first, then the longest waiting.
#[utoipa::path(get, path = "/desk/referrals", tag = "desk", security(("bearer" = [])),
    params(PageQuery), responses((status = 200, body = Page<ReferralWorkOut>), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/desk/referrals", skip_all)]
pub async fn worklist(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<ReferralWorkOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.referrals.worklist(&actor).await?)?))
}

/// Open a referral of the worklist to book it: the patient as a NIN
/// look-up gives them (logged in their access log, reason `referral`).
#[utoipa::path(post, path = "/desk/referrals/{id}/open", tag = "desk", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = PersonOut), (status = 403, body = shared::ApiError), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/desk/referrals/{id}/open", skip_all)]
pub async fn open_referral(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<ReferralId>) -> Result<Json<PersonOut>, ApiFailure> {
    Ok(Json(state.domain.referrals.worklist_patient(&actor, id).await?))
}
