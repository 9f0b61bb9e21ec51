//! Slots and appointments for the mobile apps.

use super::{ApiFailure, ApiJson, ApiPath, Bearer};
use crate::startup::{AppState, ClientIp};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use chrono::NaiveDate;
use domain::booking::answers::SearchKey;
use shared::dto::{
    AppointmentOut, BookIn, ClosureIn, HolidayIn, HolidayOut, ScheduleChangeOut, SlotOut, TemplateEndIn, TemplateIn, TemplateOut, WaitlistIn, WaitlistOut,
};
use shared::dto::{Page, PageQuery};
use shared::{AppointmentId, ErrorCode, FacilityId, OfferId, SlotId, TemplateId, WaitlistEntryId};
use uuid::Uuid;

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotQuery {
    /// Specialty code, e.g. `cardiology`.
    specialty: String,
    /// Two-digit wilaya code, e.g. `31`.
    wilaya: String,
    /// First day, `YYYY-MM-DD` (Algiers).
    from: NaiveDate,
    /// Last day, inclusive.
    to: NaiveDate,
    /// Only this commune's facilities.
    commune_id: Option<Uuid>,
    /// Only this facility.
    facility_id: Option<Uuid>,
    /// Only this practitioner.
    practitioner_id: Option<Uuid>,
}

/// How long apps and proxies may keep a search answer: as long as this
/// process keeps it (`SIHATI_SEARCH_CACHE_MS`, at most 2 s).
const SEARCH_MAX_AGE: &str = "public, max-age=2";

impl SlotQuery {
    /// The normalised form of the query and its page, the search cache's key.
    fn key(&self, kind: &'static str, page: shared::dto::PageAt, extra: &str) -> SearchKey {
        let id = |v: Option<Uuid>| v.map(|v| v.simple().to_string()).unwrap_or_default();
        SearchKey {
            kind,
            specialty: self.specialty.clone(),
            wilaya: self.wilaya.clone(),
            from: self.from,
            to: self.to,
            rest: format!("{}|{}|{}|{}|{}|{extra}", id(self.commune_id), id(self.facility_id), id(self.practitioner_id), page.offset, page.limit),
        }
    }

    fn only(&self) -> domain::booking::SlotFilter {
        domain::booking::SlotFilter { commune_id: self.commune_id, facility_id: self.facility_id, practitioner_id: self.practitioner_id }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, ApiFailure> {
    serde_json::to_vec(value).map_err(|_| ApiFailure::new(ErrorCode::Internal))
}

/// Free slots of a specialty in a wilaya between two dates, optionally in
/// one commune, facility or with one practitioner; earliest first. Public:
/// the same question gets the same answer from memory for up to 2 s (this
/// server's own bookings and schedule changes show at once), with an
/// `ETag` and `Cache-Control: public, max-age=2`.
#[utoipa::path(get, path = "/slots", tag = "booking", params(PageQuery, SlotQuery),
    responses((status = 200, body = Page<SlotOut>, headers(("ETag" = String), ("Cache-Control" = String))), (status = 304), (status = 400, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/slots", skip_all)]
pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<SlotQuery>, axum::extract::rejection::QueryRejection>,
    page: super::PageParams,
) -> Result<Response, ApiFailure> {
    let Ok(Query(q)) = q else { return Err(ApiFailure::new(ErrorCode::BadRequest)) };
    let at = super::page_at(page)?;
    let answer = state
        .domain
        .core()
        .search_answers()
        .answer(q.key("slots", at, ""), || async {
            let all = state.domain.booking.search_slots(&q.specialty, &q.wilaya, q.from, q.to, &q.only()).await?;
            to_json(&at.slice(all))
        })
        .await?;
    Ok(super::directory::answer_response(&headers, &answer, "application/json", SEARCH_MAX_AGE))
}

/// The order of a grouped search.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SortQuery {
    /// `earliest` (the default) or `facility` (by name, in the `Accept-Language`).
    sort: Option<shared::SlotSort>,
}

/// The same search read as a directory: one item per practitioner and
/// facility with free times, with its first days (three; a month when
/// narrowed to one practitioner) and every free time of each, and how many
/// free times the period holds. Soonest first, or by facility name. Pages
/// count groups, at most 50 a page (a larger `limit` gives 50).
#[utoipa::path(get, path = "/slots/groups", tag = "booking", params(PageQuery, SlotQuery, SortQuery),
    responses((status = 200, body = Page<shared::dto::SlotGroupOut>, headers(("ETag" = String), ("Cache-Control" = String))), (status = 304), (status = 400, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/slots/groups", skip_all)]
pub async fn search_groups(
    State(state): State<AppState>,
    headers: HeaderMap,
    super::ReqLang(lang): super::ReqLang,
    q: Result<Query<SlotQuery>, axum::extract::rejection::QueryRejection>,
    sort: Result<Query<SortQuery>, axum::extract::rejection::QueryRejection>,
    page: super::PageParams,
) -> Result<Response, ApiFailure> {
    let (Ok(Query(q)), Ok(Query(SortQuery { sort }))) = (q, sort) else { return Err(ApiFailure::new(ErrorCode::BadRequest)) };
    let at = super::page_at(page)?;
    let sort = sort.unwrap_or(shared::SlotSort::Earliest);
    // The language orders facility names (and so the answer) only in that sort.
    let key = q.key("groups", at, &format!("{}|{}", sort.code(), if sort == shared::SlotSort::Earliest { "" } else { lang.code() }));
    let answer = state
        .domain
        .core()
        .search_answers()
        .answer(key, || async {
            let search = domain::booking::search::GroupSearch {
                specialty: q.specialty.clone(),
                wilaya: q.wilaya.clone(),
                from: q.from,
                to: q.to,
                only: q.only(),
                sort,
                lang,
            };
            to_json(&state.domain.booking.search_groups(&search, at).await?)
        })
        .await?;
    let mut res = super::directory::answer_response(&headers, &answer, "application/json", SEARCH_MAX_AGE);
    if sort != shared::SlotSort::Earliest {
        // Ordered by names in the reader's language: a shared cache must
        // keep one answer per language.
        res.headers_mut().insert(axum::http::header::VARY, axum::http::HeaderValue::from_static("accept-encoding, accept-language"));
    }
    Ok(res)
}

/// Publish a weekly availability template (receptionist or facility admin of that facility).
#[utoipa::path(post, path = "/facilities/{facility_id}/templates", tag = "booking", security(("bearer" = [])),
    request_body = TemplateIn, params(("facility_id" = Uuid, Path)),
    responses((status = 201, body = TemplateOut), (status = 403, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/facilities/{facility_id}/templates", skip_all)]
pub async fn publish_template(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(facility_id): ApiPath<FacilityId>,
    ApiJson(input): ApiJson<TemplateIn>,
) -> Result<(StatusCode, Json<TemplateOut>), ApiFailure> {
    let out = state.domain.schedule.publish_template(&actor, facility_id, &input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Book a slot for oneself. 409 `slot_taken` when someone else got it first.
#[utoipa::path(post, path = "/appointments", tag = "booking", security(("bearer" = [])), request_body = BookIn,
    responses((status = 201, body = AppointmentOut), (status = 409, description = "`slot_taken`, `slot_unavailable`, `already_booked_specialty`", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/appointments", skip_all)]
pub async fn book(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<BookIn>,
) -> Result<(StatusCode, Json<AppointmentOut>), ApiFailure> {
    let out = state.domain.booking.book(&actor, &input, ip).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Move one of one's own appointments to another slot, atomically: either
/// the new slot is taken and the old released, or nothing changes.
#[utoipa::path(post, path = "/appointments/{id}/reschedule", tag = "booking", security(("bearer" = [])),
    request_body = BookIn, params(("id" = Uuid, Path)),
    responses((status = 201, body = AppointmentOut), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/appointments/{id}/reschedule", skip_all)]
pub async fn reschedule(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Bearer(actor): Bearer,
    ApiPath(id): ApiPath<AppointmentId>,
    ApiJson(input): ApiJson<BookIn>,
) -> Result<(StatusCode, Json<AppointmentOut>), ApiFailure> {
    let out = state.domain.booking.reschedule(&actor, id, &input, ip).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// One's own appointments and one's dependants': today's and later ones
/// soonest first, then the past ones latest first.
#[utoipa::path(get, path = "/appointments", tag = "booking", security(("bearer" = [])),
    params(PageQuery), responses((status = 200, body = Page<AppointmentOut>)))]
#[tracing::instrument(name = "GET /api/v1/appointments", skip_all)]
pub async fn mine(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<AppointmentOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.booking.my_appointments(&actor).await?)?))
}

/// Cancel one of one's own appointments, until 24 h before it, optionally
/// saying why (`{"reason": "unavailable"}`).
#[utoipa::path(post, path = "/appointments/{id}/cancel", tag = "booking", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = Option<shared::dto::CancelIn>, description = "Optional: the reason"),
    responses((status = 200, body = AppointmentOut), (status = 404, body = shared::ApiError), (status = 409, description = "`cancel_too_late`", body = shared::ApiError),
        (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/appointments/{id}/cancel", skip_all)]
pub async fn cancel(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(id): ApiPath<AppointmentId>,
    super::ApiOptionalJson(input): super::ApiOptionalJson<shared::dto::CancelIn>,
) -> Result<Json<AppointmentOut>, ApiFailure> {
    Ok(Json(state.domain.booking.cancel_appointment(&actor, id, &input).await?))
}

/// Close an open slot of one's own facility (receptionist or facility admin).
#[utoipa::path(post, path = "/slots/{id}/close", tag = "booking", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = shared::ApiError), (status = 409, description = "`slot_taken`: the slot has a booking", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/slots/{id}/close", skip_all)]
pub async fn close_slot(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<SlotId>) -> Result<StatusCode, ApiFailure> {
    state.domain.schedule.close_slot(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WilayaQuery {
    /// Two-digit wilaya code.
    wilaya: String,
}

/// The facilities of a wilaya (to narrow a slot search).
#[utoipa::path(get, path = "/facilities", tag = "booking", params(PageQuery, WilayaQuery), responses((status = 200, body = Page<shared::dto::FacilityOut>)))]
#[tracing::instrument(name = "GET /api/v1/facilities", skip_all)]
pub async fn facilities(
    State(state): State<AppState>,
    q: Result<Query<WilayaQuery>, axum::extract::rejection::QueryRejection>,
    page: super::PageParams,
) -> Result<Json<Page<shared::dto::FacilityOut>>, ApiFailure> {
    let Ok(Query(q)) = q else { return Err(ApiFailure::new(ErrorCode::BadRequest)) };
    Ok(Json(super::page_of(page, state.domain.directory.facilities_in_wilaya(&q.wilaya).await?)?))
}

/// Close a day, a part of a day, or a practitioner's day (leave) at one's
/// own facility. Free slots it covers close; booked ones are kept and
/// listed as conflicts to move or cancel.
#[utoipa::path(post, path = "/facilities/{facility_id}/closures", tag = "schedule", security(("bearer" = [])),
    request_body = ClosureIn, params(("facility_id" = Uuid, Path)),
    responses((status = 201, body = ScheduleChangeOut), (status = 403, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/facilities/{facility_id}/closures", skip_all)]
pub async fn add_closure(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(facility_id): ApiPath<FacilityId>,
    ApiJson(input): ApiJson<ClosureIn>,
) -> Result<(StatusCode, Json<ScheduleChangeOut>), ApiFailure> {
    let out = state.domain.schedule.add_closure(&actor, facility_id, &input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// End a template after a date. Free slots after it close; booked ones are
/// kept and listed as conflicts.
#[utoipa::path(post, path = "/facilities/{facility_id}/templates/{template_id}/end", tag = "schedule", security(("bearer" = [])),
    request_body = TemplateEndIn, params(("facility_id" = Uuid, Path), ("template_id" = Uuid, Path)),
    responses((status = 200, body = ScheduleChangeOut), (status = 403, body = shared::ApiError), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/facilities/{facility_id}/templates/{template_id}/end", skip_all)]
pub async fn end_template(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath((facility_id, template_id)): ApiPath<(FacilityId, TemplateId)>,
    ApiJson(input): ApiJson<TemplateEndIn>,
) -> Result<Json<ScheduleChangeOut>, ApiFailure> {
    Ok(Json(state.domain.schedule.end_template(&actor, facility_id, template_id, &input).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    year: i32,
}

/// Public holidays of a year (fixed and Islamic). Public, with an `ETag`
/// and `Cache-Control: public, max-age=3600` (a directorate adds an Islamic
/// holiday once its date is announced, days ahead).
#[utoipa::path(get, path = "/holidays", tag = "schedule", params(PageQuery, YearQuery),
    responses((status = 200, body = Page<HolidayOut>, headers(("ETag" = String), ("Cache-Control" = String))), (status = 304)))]
#[tracing::instrument(name = "GET /api/v1/holidays", skip_all)]
pub async fn holidays(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<YearQuery>, axum::extract::rejection::QueryRejection>,
    page: super::PageParams,
) -> Result<Response, ApiFailure> {
    let Ok(Query(q)) = q else { return Err(ApiFailure::new(ErrorCode::BadRequest)) };
    let page = super::page_of(page, state.domain.directory.holidays(q.year).await?)?;
    Ok(super::directory::cached_bytes(&headers, to_json(&page)?, "application/json", "public, max-age=3600"))
}

/// Add a moving (Islamic) holiday; health administrators only.
#[utoipa::path(post, path = "/holidays", tag = "schedule", security(("bearer" = [])), request_body = HolidayIn,
    responses((status = 201, body = ScheduleChangeOut), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/holidays", skip_all)]
pub async fn add_holiday(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<HolidayIn>,
) -> Result<(StatusCode, Json<ScheduleChangeOut>), ApiFailure> {
    let out = state.domain.schedule.add_holiday(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// One's waiting-list entries, each with its pending offer.
#[utoipa::path(get, path = "/waitlist", tag = "waitlist", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Page<WaitlistOut>)))]
#[tracing::instrument(name = "GET /api/v1/waitlist", skip_all)]
pub async fn my_waitlist(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<WaitlistOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.waitlist.my_waitlist(&actor).await?)?))
}

/// Join the waiting list for a specialty in a wilaya between two dates.
#[utoipa::path(post, path = "/waitlist", tag = "waitlist", security(("bearer" = [])), request_body = WaitlistIn,
    responses((status = 201, body = WaitlistOut), (status = 409, description = "`already_waiting`", body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/waitlist", skip_all)]
pub async fn join_waitlist(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<WaitlistIn>,
) -> Result<(StatusCode, Json<WaitlistOut>), ApiFailure> {
    let out = state.domain.waitlist.join_waitlist(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Leave the waiting list (a pending offer is withdrawn).
#[utoipa::path(post, path = "/waitlist/{id}/leave", tag = "waitlist", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/waitlist/{id}/leave", skip_all)]
pub async fn leave_waitlist(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<WaitlistEntryId>) -> Result<StatusCode, ApiFailure> {
    state.domain.waitlist.leave_waitlist(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accept a held offer: the slot is booked for the waiting person.
#[utoipa::path(post, path = "/offers/{id}/accept", tag = "waitlist", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 201, body = AppointmentOut), (status = 404, body = shared::ApiError), (status = 409, description = "`offer_expired` and the booking rules' codes", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/offers/{id}/accept", skip_all)]
pub async fn accept_offer(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Bearer(actor): Bearer,
    ApiPath(id): ApiPath<OfferId>,
) -> Result<(StatusCode, Json<AppointmentOut>), ApiFailure> {
    let out = state.domain.waitlist.accept_offer(&actor, id, ip).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Decline a held offer: it goes to the next person; one keeps waiting.
#[utoipa::path(post, path = "/offers/{id}/decline", tag = "waitlist", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/offers/{id}/decline", skip_all)]
pub async fn decline_offer(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<OfferId>) -> Result<StatusCode, ApiFailure> {
    state.domain.waitlist.decline_offer(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
