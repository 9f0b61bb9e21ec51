//! REST API v1 for the mobile apps: thin handlers (extract, resolve the
//! actor, call one domain service, map the error) and the OpenAPI document
//! generated from the same code.

mod auth;
mod booking;
mod claims;
mod desk;
pub(crate) mod directory;
mod floor;
mod idempotency;
mod identity;
mod me;
mod network;
mod notify;
pub mod openapi;
mod record;
mod staff;

use crate::startup::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::Actor;
use shared::{ApiError, ErrorCode, Lang};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The API: its routes and its OpenAPI document are made from the same
/// list (utoipa-axum's `routes!` reads each handler's `#[utoipa::path]`),
/// so every route is documented and nothing undocumented is routed. The
/// result is mounted at the root: its paths start with `/api/v1`.
pub fn router(state: AppState) -> Router<AppState> {
    let (api, doc) = documented(state);
    let _ = DOCUMENT.set(doc);
    api
}

/// The API's routes and its OpenAPI document.
pub fn documented(state: AppState) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let files_limit = state.config.attachment_max_bytes as usize + 64 * 1024;
    // Booking, cancelling, rescheduling and accepting an offer honour
    // `Idempotency-Key`, at the desk too.
    let appointments = OpenApiRouter::new()
        .routes(routes!(booking::mine, booking::book))
        .routes(routes!(booking::cancel))
        .routes(routes!(booking::reschedule))
        .routes(routes!(booking::accept_offer))
        .routes(routes!(desk::book))
        .routes(routes!(desk::cancel))
        .routes(routes!(desk::reschedule))
        .layer(axum::middleware::from_fn_with_state(state, idempotency::layer));
    let upload = OpenApiRouter::new().routes(routes!(record::upload)).layer(axum::extract::DefaultBodyLimit::max(files_limit));
    let v1 = OpenApiRouter::new()
        .merge(appointments)
        .merge(upload)
        .routes(routes!(auth::register))
        .routes(routes!(auth::token))
        .routes(routes!(auth::enrolment))
        .routes(routes!(claims::request))
        .routes(routes!(claims::status))
        .routes(routes!(claims::mine))
        .routes(routes!(claims::approve))
        .routes(routes!(claims::decline))
        .routes(routes!(claims::desk_approve))
        .routes(routes!(claims::request_consent))
        .routes(routes!(claims::consents))
        .routes(routes!(claims::approve_consent))
        .routes(routes!(claims::decline_consent))
        .routes(routes!(claims::withdraw_consent))
        .routes(routes!(staff::list))
        .routes(routes!(staff::reset_second_factor))
        .routes(routes!(staff::invitations, staff::invite))
        .routes(routes!(staff::revoke_invitation))
        .routes(routes!(staff::invitation))
        .routes(routes!(staff::accept_invitation))
        .routes(routes!(staff::deactivate))
        .routes(routes!(staff::reactivate))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(identity::verify_email))
        .routes(routes!(identity::forgot))
        .routes(routes!(identity::reset))
        .routes(routes!(identity::reset_link))
        .routes(routes!(identity::change_phone))
        .routes(routes!(identity::phone_code))
        .routes(routes!(identity::verify_phone))
        .routes(routes!(identity::change_email))
        .routes(routes!(identity::email_link))
        .routes(routes!(me::get_me, me::update_me))
        .routes(routes!(me::change_password))
        .routes(routes!(me::dependants, me::add_dependant))
        .routes(routes!(me::referrals))
        .routes(routes!(me::export))
        .routes(routes!(me::close))
        .routes(routes!(booking::my_waitlist, booking::join_waitlist))
        .routes(routes!(booking::leave_waitlist))
        .routes(routes!(booking::decline_offer))
        .routes(routes!(booking::holidays, booking::add_holiday))
        .routes(routes!(booking::facilities))
        .routes(routes!(booking::add_closure))
        .routes(routes!(booking::end_template))
        .routes(routes!(desk::day))
        .routes(routes!(desk::practitioners))
        .routes(routes!(desk::templates))
        .routes(routes!(desk::lookup))
        .routes(routes!(desk::patient_appointments))
        .routes(routes!(desk::verify_dependant))
        .routes(routes!(desk::refer))
        .routes(routes!(desk::worklist))
        .routes(routes!(desk::open_referral))
        .routes(routes!(floor::arrive))
        .routes(routes!(floor::scan))
        .routes(routes!(floor::pass))
        .routes(routes!(floor::instructions, floor::set_instructions))
        .routes(routes!(floor::walk_in))
        .routes(routes!(floor::check_in))
        .routes(routes!(floor::review))
        .routes(routes!(floor::no_show))
        .routes(routes!(floor::late_cancellation))
        .routes(routes!(floor::pending))
        .routes(routes!(floor::confirm))
        .routes(routes!(floor::decline))
        .routes(routes!(floor::my_no_shows))
        .routes(routes!(floor::my_places))
        .routes(routes!(floor::desk_queue))
        .routes(routes!(floor::my_queue))
        .routes(routes!(floor::call_next))
        .routes(routes!(floor::start))
        .routes(routes!(floor::done))
        .routes(routes!(floor::absent))
        .routes(routes!(floor::position))
        .routes(routes!(floor::displays, floor::add_display))
        .routes(routes!(floor::revoke_display))
        .routes(routes!(booking::search))
        .routes(routes!(booking::search_groups))
        .routes(routes!(network::facilities, network::create_facility))
        .routes(routes!(network::update_facility))
        .routes(routes!(network::deactivate))
        .routes(routes!(network::reactivate))
        .routes(routes!(network::audit))
        .routes(routes!(network::figures))
        .routes(routes!(network::update_specialty))
        .routes(routes!(network::create_specialty))
        .routes(routes!(network::practitioners))
        .routes(routes!(network::post_practitioner))
        .routes(routes!(network::end_post))
        .routes(routes!(record::check_prescription))
        .routes(routes!(network::figures_csv))
        .routes(routes!(directory::specialties))
        .routes(routes!(directory::wilayas))
        .routes(routes!(directory::communes))
        .routes(routes!(directory::facilities))
        .routes(routes!(directory::facility))
        .routes(routes!(directory::practitioners))
        .routes(routes!(directory::practitioner))
        .routes(routes!(booking::close_slot))
        .routes(routes!(booking::publish_template))
        .routes(routes!(notify::inbox))
        .routes(routes!(notify::unread))
        .routes(routes!(notify::read_all))
        .routes(routes!(notify::read))
        .routes(routes!(notify::prefs, notify::set_prefs))
        .routes(routes!(notify::link))
        .routes(routes!(notify::cancel_by_link))
        .routes(routes!(notify::confirm_by_link))
        .routes(routes!(notify::undelivered))
        .routes(routes!(notify::retry))
        .routes(routes!(record::patients))
        .routes(routes!(record::lookup))
        .routes(routes!(record::download))
        .routes(routes!(record::entry))
        .routes(routes!(record::fhir))
        .routes(routes!(record::icd10))
        .routes(routes!(record::patient))
        .routes(routes!(record::write))
        .routes(routes!(record::entered_in_error))
        .routes(routes!(record::mine))
        .routes(routes!(record::accesses))
        // The document itself is the one route it does not list.
        .route("/openapi.json", get(openapi::document))
        .fallback(|| async { ApiFailure::new(ErrorCode::NotFound) })
        .layer(axum::middleware::from_fn(with_lang));
    OpenApiRouter::with_openapi(openapi::base()).nest("/api/v1", v1).split_for_parts()
}

/// The document `router` built, served at `/api/v1/openapi.json`.
static DOCUMENT: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();

/// The caller's language for error messages: `Accept-Language`, else Arabic.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language).unwrap_or_default()
}

/// An error on its way to an API client: status from the code, body with
/// the code, a translated message and per-field errors.
#[derive(Debug)]
pub struct ApiFailure {
    error: ApiError,
}

impl ApiFailure {
    pub fn new(code: ErrorCode) -> Self {
        Self { error: ApiError::new(code) }
    }
}

/// The one mapping from a domain error to an answer, so handlers use `?`.
impl From<domain::Error> for ApiFailure {
    fn from(e: domain::Error) -> Self {
        Self { error: e.into_answer() }
    }
}

tokio::task_local! {
    /// The language of the request being answered, set by [`with_lang`].
    static LANG: Lang;
}

/// Every error answered inside the API is worded in the request's
/// language (`Accept-Language`), without the handlers passing it around.
pub async fn with_lang(req: Request, next: axum::middleware::Next) -> Response {
    LANG.scope(request_lang(req.headers()), next.run(req)).await
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.error.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.error.retry_after;
        let code = self.error.code;
        let body = app::error::translate(self.error, LANG.try_with(|l| *l).unwrap_or_default());
        let mut res = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if matches!(code, ErrorCode::Unauthorized | ErrorCode::TokenInvalid) {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

/// The caller's language, as an extractor.
pub struct ReqLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(request_lang(&parts.headers)))
    }
}

/// A JSON body whose rejection (wrong content type, malformed JSON, missing
/// field) is our error body rather than axum's plain text.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiFailure;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(_) => Err(ApiFailure::new(ErrorCode::BadRequest)),
        }
    }
}

/// A JSON body that may be left out: an empty body is `T::default()`
/// (a cancellation without a reason), a malformed one `400 bad_request`.
pub struct ApiOptionalJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiOptionalJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Default,
{
    type Rejection = ApiFailure;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|_| ApiFailure::new(ErrorCode::BadRequest))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(ApiOptionalJson(T::default()));
        }
        serde_json::from_slice(&bytes).map(ApiOptionalJson).map_err(|_| ApiFailure::new(ErrorCode::BadRequest))
    }
}

/// The page a list door was asked for (`cursor`, `limit`).
pub(crate) type PageParams = Result<axum::extract::Query<shared::dto::PageQuery>, axum::extract::rejection::QueryRejection>;

/// A page of `all`: every list of the API answers `{items, next_cursor}`;
/// a cursor it did not give or a limit out of range is `bad_request`.
pub(crate) fn page_of<T>(q: PageParams, all: Vec<T>) -> Result<shared::dto::Page<T>, ApiFailure> {
    Ok(page_at(q)?.slice(all))
}

/// The page asked for, for a service that pages in the database.
pub(crate) fn page_at(q: PageParams) -> Result<shared::dto::PageAt, ApiFailure> {
    let Ok(axum::extract::Query(q)) = q else { return Err(ApiFailure::new(ErrorCode::BadRequest)) };
    q.validate().map_err(ApiFailure::new)
}

/// A path parameter whose rejection (a malformed id) is our error body
/// (`400 bad_request`) rather than axum's plain text.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = ApiFailure;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(_) => Err(ApiFailure::new(ErrorCode::BadRequest)),
        }
    }
}

/// The actor named by a valid `Authorization: Bearer` access token whose
/// session is still live.
pub struct Bearer(pub Actor);

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiFailure;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_token(&parts.headers).ok_or_else(|| ApiFailure::new(ErrorCode::Unauthorized))?;
        state.domain.sessions.bearer_actor(token).await.map(Bearer).map_err(ApiFailure::from)
    }
}

/// The access token of an `Authorization: Bearer` header (the scheme's
/// name in any case, as RFC 9110 says), for the extractor and the
/// idempotency layer alike.
pub(crate) fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
}
