//! `/fhir`: the network in FHIR R4, read-only, for hospital and ministry
//! systems (`domain::booking::fhir` builds every resource). Its contract is
//! its CapabilityStatement (`/fhir/metadata`), FHIR's own way, not the
//! OpenAPI document of `/api/v1`.
//!
//! Searches answer `searchset` Bundles with `total` and `self`/`next`
//! links; a read is the search by `_id`. Errors are OperationOutcomes worded
//! in the caller's language. Public answers carry an `ETag` and
//! `Cache-Control: public` like the directory; `Appointment` needs the
//! citizen's bearer token and stays `no-store`.

use crate::api::{bearer_token, request_lang};
use crate::startup::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use domain::booking::fhir::{capability_statement, FhirQuery, ResourceType, Searchset};
use serde_json::{json, Value};
use shared::dto::PageQuery;
use shared::ErrorCode;

const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

pub fn router() -> Router<AppState> {
    Router::new().route("/fhir/metadata", get(metadata)).route("/fhir/{kind}", get(search)).route("/fhir/{kind}/{id}", get(read))
}

/// The base every `fullUrl` and link starts with.
fn base(state: &AppState) -> String {
    format!("{}/fhir", state.domain.config().notify.public_url.trim_end_matches('/'))
}

/// An OperationOutcome for a refusal, worded in the caller's language; the
/// parameters at fault named in `diagnostics`.
struct Outcome {
    status: StatusCode,
    issue: &'static str,
    error: shared::ApiError,
}

impl Outcome {
    fn new(code: ErrorCode) -> Self {
        Self::from(domain::Error::code(code))
    }
}

impl From<domain::Error> for Outcome {
    fn from(e: domain::Error) -> Self {
        let error = e.into_answer();
        let status = StatusCode::from_u16(error.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let issue = match error.code {
            ErrorCode::NotFound => "not-found",
            ErrorCode::Unauthorized | ErrorCode::TokenInvalid => "login",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::TooManyAttempts => "throttled",
            ErrorCode::Internal => "exception",
            _ => "invalid",
        };
        let status = if issue == "invalid" { StatusCode::BAD_REQUEST } else { status };
        Outcome { status, issue, error }
    }
}

impl Outcome {
    fn answer(self, headers: &HeaderMap) -> Response {
        let unauthorized = self.issue == "login";
        let e = app::error::translate(self.error, request_lang(headers));
        let mut issue = json!({ "severity": "error", "code": self.issue, "details": { "text": e.message } });
        let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
        if !fields.is_empty() {
            issue["diagnostics"] = json!(format!("{}: {}", fields.join(", "), e.fields[0].message));
        }
        let body = json!({ "resourceType": "OperationOutcome", "issue": [issue] });
        let mut res = (self.status, [(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON))], body.to_string()).into_response();
        if unauthorized {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

/// A public answer: with its ETag, `304` when the client has it already.
fn public(headers: &HeaderMap, value: &Value, max_age: &'static str) -> Response {
    crate::api::directory::cached_bytes(headers, serde_json::to_vec(value).unwrap_or_default(), FHIR_JSON, max_age)
}

/// A personal answer: never kept by a cache (the security layer's default).
fn personal(value: &Value) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON))], value.to_string()).into_response()
}

fn max_age(kind: ResourceType) -> &'static str {
    // Slots change with every booking; the directory seldom.
    if kind == ResourceType::Slot {
        "public, max-age=15"
    } else {
        "public, max-age=300"
    }
}

#[tracing::instrument(name = "GET /fhir/metadata", skip_all)]
async fn metadata(State(state): State<AppState>, headers: HeaderMap) -> Response {
    public(&headers, &capability_statement(&base(&state)), "public, max-age=3600")
}

fn pairs(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Runs a search of `kind`: the domain's answer for the parsed query.
async fn run(state: &AppState, headers: &HeaderMap, kind: ResourceType, params: &[(String, String)]) -> Result<Searchset, Outcome> {
    let q = FhirQuery::parse(kind, params)?;
    let value = |name: &str| params.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let count = match value("_count") {
        Some(c) => Some(c.trim().parse::<u32>().map_err(|_| domain::Error::on_field("_count", ErrorCode::BadRequest))?),
        None => None,
    };
    let cursor = value("_cursor");
    let at = PageQuery { cursor: cursor.clone(), limit: count }.validate().map_err(|c| {
        // Which of the two is wrong.
        let cursor_ok = PageQuery { cursor, limit: None }.validate().is_ok();
        domain::Error::on_field(if cursor_ok { "_count" } else { "_cursor" }, c)
    })?;
    let d = &state.domain;
    Ok(match kind {
        ResourceType::Organization | ResourceType::Location => d.directory.fhir_places(kind, &q, at).await?,
        ResourceType::HealthcareService => d.directory.fhir_services(&q, at).await?,
        ResourceType::Practitioner => d.directory.fhir_practitioners(&q, at).await?,
        ResourceType::PractitionerRole | ResourceType::Schedule => d.directory.fhir_roles(kind, &q, at).await?,
        ResourceType::Slot => d.directory.fhir_slots(&q, at).await?,
        ResourceType::Appointment => {
            let token = bearer_token(headers).ok_or_else(|| Outcome::new(ErrorCode::Unauthorized))?;
            let actor = d.sessions.bearer_actor(token).await?;
            d.booking.fhir_appointments(&actor, &q, at).await?
        }
    })
}

fn kind_of(name: &str) -> Result<ResourceType, Outcome> {
    ResourceType::parse(name).ok_or_else(|| Outcome::new(ErrorCode::NotFound))
}

fn answer(kind: ResourceType, headers: &HeaderMap, value: &Value) -> Response {
    if kind.personal() {
        personal(value)
    } else {
        public(headers, value, max_age(kind))
    }
}

/// `GET /fhir/{type}?…`: a searchset Bundle.
#[tracing::instrument(name = "GET /fhir/{type}", skip_all)]
async fn search(State(state): State<AppState>, Path(kind): Path<String>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    let kind = match kind_of(&kind) {
        Ok(k) => k,
        Err(o) => return o.answer(&headers),
    };
    let params = pairs(query.as_deref());
    let found = match run(&state, &headers, kind, &params).await {
        Ok(s) => s,
        Err(o) => return o.answer(&headers),
    };
    let base = base(&state);
    // The links repeat the search; `next` with the following page's cursor.
    let link = |cursor: Option<&str>| {
        let mut url = form_urlencoded::Serializer::new(String::new());
        for (k, v) in params.iter().filter(|(k, _)| k != "_cursor") {
            url.append_pair(k, v);
        }
        if let Some(c) = cursor {
            url.append_pair("_cursor", c);
        }
        let q = url.finish();
        if q.is_empty() {
            format!("{base}/{}", kind.name())
        } else {
            format!("{base}/{}?{q}", kind.name())
        }
    };
    let mut links = vec![json!({ "relation": "self", "url": link(params.iter().find(|(k, _)| k == "_cursor").map(|(_, v)| v.as_str())) })];
    if let Some(next) = &found.next_cursor {
        links.push(json!({ "relation": "next", "url": link(Some(next)) }));
    }
    let entries: Vec<Value> = found
        .resources
        .into_iter()
        .map(|r| {
            let full = format!("{base}/{}/{}", kind.name(), r["id"].as_str().unwrap_or_default());
            json!({ "fullUrl": full, "resource": r, "search": { "mode": "match" } })
        })
        .collect();
    let mut bundle = json!({ "resourceType": "Bundle", "type": "searchset", "total": found.total, "link": links });
    if !entries.is_empty() {
        bundle["entry"] = json!(entries);
    }
    answer(kind, &headers, &bundle)
}

/// `GET /fhir/{type}/{id}`: the resource, or a `404` OperationOutcome.
#[tracing::instrument(name = "GET /fhir/{type}/{id}", skip_all)]
async fn read(State(state): State<AppState>, Path((kind, id)): Path<(String, String)>, headers: HeaderMap) -> Response {
    let kind = match kind_of(&kind) {
        Ok(k) => k,
        Err(o) => return o.answer(&headers),
    };
    match run(&state, &headers, kind, &[("_id".to_owned(), id)]).await {
        Ok(found) => match found.resources.into_iter().next() {
            Some(r) => answer(kind, &headers, &r),
            None => Outcome::new(ErrorCode::NotFound).answer(&headers),
        },
        Err(o) => o.answer(&headers),
    }
}
