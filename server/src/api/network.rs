//! The network's administration (health directorate of a wilaya): its
//! facilities and the admin audit log. Every handler resolves the actor and
//! calls `domain.network`, which scopes everything to the actor's wilaya.

use super::{page_at, ApiFailure, ApiJson, ApiPath, Bearer, PageParams};
use crate::startup::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::dto::{AuditOut, FacilityAdminOut, FacilityIn, Page, PageQuery};
use shared::FacilityId;

/// The facilities of one's wilaya, open and closed (health admin).
#[utoipa::path(get, path = "/admin/facilities", tag = "network", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<FacilityAdminOut>), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/admin/facilities", skip_all)]
pub async fn facilities(State(state): State<AppState>, Bearer(actor): Bearer, q: PageParams) -> Result<Json<Page<FacilityAdminOut>>, ApiFailure> {
    let at = page_at(q)?;
    Ok(Json(at.slice(state.domain.network.facilities(&actor).await?)))
}

/// Open a facility in one's wilaya: kind, names, commune, address, phone,
/// opening hours, coordinates, the specialties it offers (health admin).
#[utoipa::path(post, path = "/admin/facilities", tag = "network", security(("bearer" = [])), request_body = FacilityIn,
    responses((status = 201, body = FacilityAdminOut), (status = 403, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/admin/facilities", skip_all)]
pub async fn create_facility(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<FacilityIn>,
) -> Result<(StatusCode, Json<FacilityAdminOut>), ApiFailure> {
    Ok((StatusCode::CREATED, Json(state.domain.network.create_facility(&actor, &input).await?)))
}

/// Change a facility of one's wilaya (health admin).
#[utoipa::path(put, path = "/admin/facilities/{id}", tag = "network", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)), request_body = FacilityIn,
    responses((status = 200, body = FacilityAdminOut), (status = 403, body = shared::ApiError), (status = 404, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "PUT /api/v1/admin/facilities/{id}", skip_all)]
pub async fn update_facility(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(id): ApiPath<FacilityId>,
    ApiJson(input): ApiJson<FacilityIn>,
) -> Result<Json<FacilityAdminOut>, ApiFailure> {
    Ok(Json(state.domain.network.update_facility(&actor, id, &input).await?))
}

/// Close a facility: out of the directory and of searches; what was booked stays (health admin).
#[utoipa::path(post, path = "/admin/facilities/{id}/deactivate", tag = "network", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = FacilityAdminOut), (status = 403, body = shared::ApiError), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/admin/facilities/{id}/deactivate", skip_all)]
pub async fn deactivate(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<FacilityId>) -> Result<Json<FacilityAdminOut>, ApiFailure> {
    Ok(Json(state.domain.network.set_active(&actor, id, false).await?))
}

/// Open a closed facility again (health admin).
#[utoipa::path(post, path = "/admin/facilities/{id}/reactivate", tag = "network", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = FacilityAdminOut), (status = 403, body = shared::ApiError), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/admin/facilities/{id}/reactivate", skip_all)]
pub async fn reactivate(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(id): ApiPath<FacilityId>) -> Result<Json<FacilityAdminOut>, ApiFailure> {
    Ok(Json(state.domain.network.set_active(&actor, id, true).await?))
}

/// The administrative acts in one's wilaya, newest first, each with the
/// record before and after (health admin).
#[utoipa::path(get, path = "/admin/audit", tag = "network", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<AuditOut>), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/admin/audit", skip_all)]
pub async fn audit(State(state): State<AppState>, Bearer(actor): Bearer, q: PageParams) -> Result<Json<Page<AuditOut>>, ApiFailure> {
    let at = page_at(q)?;
    Ok(Json(state.domain.network.audit_log(&actor, at).await?))
}

/// The figures of a period (see `domain::figures`): per facility and
/// specialty, slots published and booked, no-shows, cancellations and
/// freed slots booked again, the third next available slot, the wait from
/// arrival to call, bookings by channel; a facility admin over their
/// facility, the directorate over its wilaya (or one facility of it).
#[utoipa::path(get, path = "/figures", tag = "network", security(("bearer" = [])), params(shared::dto::FiguresQuery),
    responses((status = 200, body = shared::dto::FiguresOut), (status = 400, body = shared::ApiError), (status = 403, body = shared::ApiError),
        (status = 404, description = "`not_found`: a facility outside one's scope", body = shared::ApiError),
        (status = 422, description = "`from`, `to`: a period of one day to a year", body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/figures", skip_all)]
pub async fn figures(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    q: Result<axum::extract::Query<shared::dto::FiguresQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<shared::dto::FiguresOut>, ApiFailure> {
    let Ok(axum::extract::Query(q)) = q else { return Err(ApiFailure::new(shared::ErrorCode::BadRequest)) };
    let period = q.validate(state.domain.today()).map_err(|f| ApiFailure::from(domain::Error::fields(f)))?;
    Ok(Json(state.domain.network.figures(&actor, period).await?))
}

/// The same figures as CSV (a header line, one line per facility and specialty, then the total).
#[utoipa::path(get, path = "/figures.csv", tag = "network", security(("bearer" = [])), params(shared::dto::FiguresQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = shared::ApiError), (status = 403, body = shared::ApiError),
        (status = 404, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/figures.csv", skip_all)]
pub async fn figures_csv(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    q: Result<axum::extract::Query<shared::dto::FiguresQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::response::Response, ApiFailure> {
    let Ok(axum::extract::Query(q)) = q else { return Err(ApiFailure::new(shared::ErrorCode::BadRequest)) };
    let period = q.validate(state.domain.today()).map_err(|f| ApiFailure::from(domain::Error::fields(f)))?;
    Ok(crate::files::csv_response(state.domain.network.figures(&actor, period).await?.to_csv()))
}

/// Add a specialty to the national catalogue (health directorate): its
/// code, for good, and its names in Arabic, French and English.
#[utoipa::path(post, path = "/admin/specialties", tag = "network", security(("bearer" = [])), request_body = shared::dto::NewSpecialtyIn,
    responses((status = 201, body = shared::dto::SpecialtyOut), (status = 403, body = shared::ApiError),
        (status = 422, description = "`code` (`required`, `bad_request`, `too_long`, `code_taken`), `name_ar`, `name_fr`, `name_en`", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/admin/specialties", skip_all)]
pub async fn create_specialty(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiJson(input): ApiJson<shared::dto::NewSpecialtyIn>,
) -> Result<(axum::http::StatusCode, Json<shared::dto::SpecialtyOut>), ApiFailure> {
    Ok((axum::http::StatusCode::CREATED, Json(state.domain.network.create_specialty(&actor, &input).await?)))
}

/// Change a specialty of the national catalogue (health directorate): its
/// names in Arabic, French and English and whether it needs a referral.
#[utoipa::path(put, path = "/admin/specialties/{code}", tag = "network", security(("bearer" = [])), request_body = shared::dto::SpecialtyIn,
    params(("code" = String, Path, description = "The specialty's code (`dermatology`)")),
    responses((status = 200, body = shared::dto::SpecialtyOut), (status = 403, body = shared::ApiError), (status = 404, body = shared::ApiError),
        (status = 422, description = "`name_ar`, `name_fr`, `name_en`: required, at most 80 characters", body = shared::ApiError)))]
#[tracing::instrument(name = "PUT /api/v1/admin/specialties/{code}", skip_all)]
pub async fn update_specialty(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<shared::dto::SpecialtyIn>,
) -> Result<Json<shared::dto::SpecialtyOut>, ApiFailure> {
    Ok(Json(state.domain.network.update_specialty(&actor, &code, &input).await?))
}

/// The practitioners who work at a facility of one's wilaya, each with
/// every facility where they work (health directorate).
#[utoipa::path(get, path = "/admin/practitioners", tag = "network", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<shared::dto::PractitionerPostsOut>), (status = 403, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/admin/practitioners", skip_all)]
pub async fn practitioners(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    q: PageParams,
) -> Result<Json<Page<shared::dto::PractitionerPostsOut>>, ApiFailure> {
    let at = page_at(q)?;
    Ok(Json(state.domain.network.practitioner_posts(&actor, at).await?))
}

/// Post a practitioner to one more open facility of one's wilaya (health
/// directorate); the facility then offers their specialty. Posting them
/// where they already work changes nothing.
#[utoipa::path(post, path = "/admin/practitioners/{id}/posts", tag = "network", security(("bearer" = [])), request_body = shared::dto::PostIn,
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = shared::dto::PractitionerPostsOut), (status = 403, description = "Not a directorate, or the account is deactivated", body = shared::ApiError),
        (status = 404, description = "No such practitioner, or `facility_id`: `not_found` on the field (not an open facility of the wilaya)", body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/admin/practitioners/{id}/posts", skip_all)]
pub async fn post_practitioner(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(id): ApiPath<shared::PractitionerId>,
    ApiJson(input): ApiJson<shared::dto::PostIn>,
) -> Result<Json<shared::dto::PractitionerPostsOut>, ApiFailure> {
    Ok(Json(state.domain.network.post_practitioner(&actor, id, &input).await?))
}

/// End a practitioner's post at a facility of one's wilaya (health
/// directorate): their templates there end, their free slots close; the
/// appointments still booked stay for the facility's desk to move
/// (counted). Their home facility, or their last one, is `403` on the
/// field (leaving it is a deactivation, by its administrator).
#[utoipa::path(post, path = "/admin/practitioners/{id}/posts/{facility_id}/end", tag = "network", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path), ("facility_id" = uuid::Uuid, Path)),
    responses((status = 200, body = shared::dto::PostEndOut), (status = 403, body = shared::ApiError), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/admin/practitioners/{id}/posts/{facility_id}/end", skip_all)]
pub async fn end_post(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath((id, facility)): ApiPath<(shared::PractitionerId, FacilityId)>,
) -> Result<Json<shared::dto::PostEndOut>, ApiFailure> {
    Ok(Json(state.domain.network.end_post(&actor, id, facility).await?))
}
