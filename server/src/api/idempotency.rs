//! The `Idempotency-Key` header on booking, cancel and reschedule POSTs:
//! a mobile app that lost the answer to a booking can send it again and get
//! the same answer, never a second booking. Keys are per user.

use super::ApiFailure;
use crate::startup::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::idempotency::Begin;
use shared::ErrorCode;

const MAX_BODY: usize = 64 * 1024;

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let key = req.headers().get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (Some(key), true) = (key, req.method() == Method::POST) else {
        return next.run(req).await;
    };
    if key.is_empty() || key.len() > 255 {
        return ApiFailure::new(ErrorCode::BadRequest).into_response();
    }
    // Unauthenticated requests go on to the handler, which answers 401.
    let Some(token) = super::bearer_token(req.headers()).map(str::to_owned) else { return next.run(req).await };
    let Ok(actor) = state.domain.sessions.bearer_actor(&token).await else { return next.run(req).await };

    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return ApiFailure::new(ErrorCode::BadRequest).into_response();
    };
    let what = format!("{} {}", parts.method, parts.uri.path());
    match state.domain.sessions.idempotency_begin(actor.user_id, &key, &what, &bytes).await {
        Err(e) => ApiFailure::from(e).into_response(),
        Ok(Begin::Mismatch) => ApiFailure::new(ErrorCode::IdempotencyKeyMismatch).into_response(),
        Ok(Begin::InFlight) => ApiFailure::new(ErrorCode::IdempotencyKeyInFlight).into_response(),
        Ok(Begin::Replay(status, body)) => {
            let mut res = (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            res.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
            res
        }
        Ok(Begin::New) => {
            let res = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            let (res_parts, res_body) = res.into_parts();
            let res_bytes = to_bytes(res_body, 1024 * 1024).await.unwrap_or_default();
            let stored = if res_parts.status.is_server_error() {
                // Our failure: forget the key so that a retry is processed.
                state.domain.sessions.idempotency_abort(actor.user_id, &key).await
            } else {
                state.domain.sessions.idempotency_finish(actor.user_id, &key, res_parts.status.as_u16(), String::from_utf8_lossy(&res_bytes).into_owned()).await
            };
            if let Err(e) = stored {
                tracing::error!(error = ?e, "storing an idempotent answer failed");
            }
            Response::from_parts(res_parts, Body::from(res_bytes))
        }
    }
}
