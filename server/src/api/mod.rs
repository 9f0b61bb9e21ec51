//! REST API v1 for the mobile apps: thin handlers (extract, resolve the
//! actor, call one domain service, map the error) and the OpenAPI document
//! generated from the same code.

mod auth;
mod booking;
mod claims;
mod desk;
mod idempotency;
mod identity;
mod me;
mod notify;
pub mod openapi;
mod record;
mod staff;

use crate::startup::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::Actor;
use shared::{ApiError, ErrorCode, Lang};

pub fn router(state: AppState) -> Router<AppState> {
    let files_limit = state.config.attachment_max_bytes as usize + 64 * 1024;
    // Booking, cancelling, rescheduling and accepting an offer honour
    // `Idempotency-Key`, at the desk too.
    let appointments = Router::new()
        .route("/appointments", get(booking::mine).post(booking::book))
        .route("/appointments/{id}/cancel", post(booking::cancel))
        .route("/appointments/{id}/reschedule", post(booking::reschedule))
        .route("/offers/{id}/accept", post(booking::accept_offer))
        .route("/desk/appointments", post(desk::book))
        .route("/desk/appointments/{id}/cancel", post(desk::cancel))
        .route("/desk/appointments/{id}/reschedule", post(desk::reschedule))
        .layer(axum::middleware::from_fn_with_state(state, idempotency::layer));
    Router::new()
        .merge(appointments)
        .route("/auth/register", post(auth::register))
        .route("/auth/token", post(auth::token))
        .route("/auth/mfa/enrolment", post(auth::enrolment))
        .route("/auth/claims", post(claims::request))
        .route("/auth/claims/{id}", get(claims::status))
        .route("/me/claims", get(claims::mine))
        .route("/me/claims/{id}/approve", post(claims::approve))
        .route("/me/claims/{id}/decline", post(claims::decline))
        .route("/desk/claims/{id}/approve", post(claims::desk_approve))
        .route("/me/dependants/consent-requests", post(claims::request_consent))
        .route("/me/consents", get(claims::consents))
        .route("/me/consents/{id}/approve", post(claims::approve_consent))
        .route("/me/consents/{id}/decline", post(claims::decline_consent))
        .route("/me/guardians/{id}/withdraw", post(claims::withdraw_consent))
        .route("/staff", get(staff::list))
        .route("/staff/{id}/second-factor/reset", post(staff::reset_second_factor))
        .route("/auth/refresh", post(auth::refresh))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/email/verify", post(identity::verify_email))
        .route("/auth/password/forgot", post(identity::forgot))
        .route("/auth/password/reset", post(identity::reset))
        .route("/auth/password/reset-link", post(identity::reset_link))
        .route("/me/phone", post(identity::change_phone))
        .route("/me/phone/code", post(identity::phone_code))
        .route("/me/phone/verify", post(identity::verify_phone))
        .route("/me/email", post(identity::change_email))
        .route("/me/email/link", post(identity::email_link))
        .route("/me", get(me::get_me).patch(me::update_me))
        .route("/me/password", post(me::change_password))
        .route("/me/dependants", get(me::dependants).post(me::add_dependant))
        .route("/me/referrals", get(me::referrals))
        .route("/waitlist", get(booking::my_waitlist).post(booking::join_waitlist))
        .route("/waitlist/{id}/leave", post(booking::leave_waitlist))
        .route("/offers/{id}/decline", post(booking::decline_offer))
        .route("/holidays", get(booking::holidays).post(booking::add_holiday))
        .route("/facilities", get(booking::facilities))
        .route("/facilities/{facility_id}/closures", post(booking::add_closure))
        .route("/facilities/{facility_id}/templates/{template_id}/end", post(booking::end_template))
        .route("/desk/day", get(desk::day))
        .route("/desk/practitioners", get(desk::practitioners))
        .route("/desk/templates", get(desk::templates))
        .route("/desk/lookup", post(desk::lookup))
        .route("/desk/patients/{patient_id}/appointments", get(desk::patient_appointments))
        .route("/desk/dependants/{id}/verify", post(desk::verify_dependant))
        .route("/referrals", post(desk::refer))
        .route("/slots", get(booking::search))
        .route("/slots/{id}/close", post(booking::close_slot))
        .route("/facilities/{facility_id}/templates", post(booking::publish_template))
        .route("/inbox", get(notify::inbox))
        .route("/inbox/unread", get(notify::unread))
        .route("/inbox/read-all", post(notify::read_all))
        .route("/inbox/{id}/read", post(notify::read))
        .route("/me/notifications", get(notify::prefs).put(notify::set_prefs))
        .route("/links/{token}", get(notify::link))
        .route("/links/{token}/cancel", post(notify::cancel_by_link))
        .route("/facility/undelivered", get(notify::undelivered))
        .route("/facility/undelivered/{id}/retry", post(notify::retry))
        .route("/record/patients", get(record::patients))
        .route("/record/lookup", post(record::lookup))
        .route("/record/attachments/{id}", get(record::download))
        .route("/record/entries/{id}", get(record::entry))
        .route("/record/entries/{id}/attachments", post(record::upload).layer(axum::extract::DefaultBodyLimit::max(files_limit)))
        .route("/me/record/fhir", get(record::fhir))
        .route("/icd10", get(record::icd10))
        .route("/record/{subject_id}", get(record::patient))
        .route("/record/{subject_id}/entries", post(record::write))
        .route("/record/entries/{id}/entered-in-error", post(record::entered_in_error))
        .route("/me/record", get(record::mine))
        .route("/me/record/accesses", get(record::accesses))
        .route("/openapi.json", get(openapi::document))
        .fallback(|| async { ApiFailure::new(ErrorCode::NotFound, Lang::default()) })
}

/// The caller's language for error messages: `Accept-Language`, else Arabic.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language).unwrap_or_default()
}

/// An error on its way to an API client: status from the code, body with
/// the code, a translated message and per-field errors.
#[derive(Debug)]
pub struct ApiFailure {
    error: ApiError,
    lang: Lang,
}

impl ApiFailure {
    pub fn new(code: ErrorCode, lang: Lang) -> Self {
        Self { error: ApiError::new(code), lang }
    }

    pub fn from_domain(e: domain::Error, lang: Lang) -> Self {
        if e.is_internal() {
            // Logged once, with its cause; the client sees only `internal`.
            tracing::error!(error = ?e, "request failed");
        }
        Self { error: e.to_api(), lang }
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.error.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.error.retry_after;
        let code = self.error.code;
        let body = app::error::translate(self.error, self.lang);
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
        let lang = request_lang(req.headers());
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(_) => Err(ApiFailure::new(ErrorCode::BadRequest, lang)),
        }
    }
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
        let lang = request_lang(&parts.headers);
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(_) => Err(ApiFailure::new(ErrorCode::BadRequest, lang)),
        }
    }
}

/// The actor named by a valid `Authorization: Bearer` access token whose
/// session is still live.
pub struct Bearer(pub Actor);

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiFailure;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = request_lang(&parts.headers);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .ok_or_else(|| ApiFailure::new(ErrorCode::Unauthorized, lang))?;
        state.domain.bearer_actor(token.trim()).await.map(Bearer).map_err(|e| ApiFailure::from_domain(e, lang))
    }
}
