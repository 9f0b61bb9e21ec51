//! The medical record: practitioners write and read with a care
//! relationship; citizens read their own and their dependants', and see
//! who looked. Every access is logged by the domain service.

use super::{ApiFailure, ApiJson, ApiPath, Bearer, ReqLang};
use crate::startup::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use shared::dto::{AccessPage, AttachmentOut, CareLookupIn, CarePatientOut, EnteredInErrorIn, EntryIn, EntryOut, Icd10Out, RecordFilter};
use shared::dto::{Page, PageQuery};
use shared::{ErrorCode, FieldError};
use uuid::Uuid;

type Filter = Result<Query<RecordFilter>, QueryRejection>;

fn filter(q: Filter) -> Result<RecordFilter, ApiFailure> {
    q.map(|Query(f)| f).map_err(|_| ApiFailure::new(ErrorCode::BadRequest))
}

/// A malformed id in a record path is as unknown as a missing one: 404.
fn id<T: std::str::FromStr>(s: &str) -> Result<T, ApiFailure> {
    s.parse().map_err(|_| ApiFailure::new(ErrorCode::NotFound))
}

/// Write an entry for a patient in one's care (practitioners).
#[utoipa::path(post, path = "/record/{subject_id}/entries", tag = "record", security(("bearer" = [])), request_body = EntryIn,
    responses((status = 201, body = EntryOut), (status = 404, description = "no such patient in one's care", body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/record/{subject_id}/entries", skip_all)]
pub async fn write(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(subject): ApiPath<String>,
    ApiJson(input): ApiJson<EntryIn>,
) -> Result<(StatusCode, Json<EntryOut>), ApiFailure> {
    let out = state.domain.record.write_entry(&actor, id(&subject)?, &input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// A patient's whole record (practitioners in a care relationship).
#[utoipa::path(get, path = "/record/{subject_id}", tag = "record", security(("bearer" = [])), params(PageQuery, RecordFilter),
    responses((status = 200, body = Page<EntryOut>), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/record/{subject_id}", skip_all)]
pub async fn patient(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(subject): ApiPath<String>,
    q: Filter,
    page: super::PageParams,
) -> Result<Json<Page<EntryOut>>, ApiFailure> {
    let f = filter(q)?;
    Ok(Json(super::page_of(page, state.domain.record.patient_record(&actor, id(&subject)?, &f).await?)?))
}

/// Mark an entry of one's facility entered-in-error (it stays, marked).
#[utoipa::path(post, path = "/record/entries/{id}/entered-in-error", tag = "record", security(("bearer" = [])), request_body = EnteredInErrorIn,
    responses((status = 200, body = EntryOut), (status = 404, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/record/entries/{id}/entered-in-error", skip_all)]
pub async fn entered_in_error(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(entry): ApiPath<String>,
    ApiJson(input): ApiJson<EnteredInErrorIn>,
) -> Result<Json<EntryOut>, ApiFailure> {
    Ok(Json(state.domain.record.mark_entered_in_error(&actor, id(&entry)?, &input).await?))
}

/// One's own record and one's dependants', newest first.
#[utoipa::path(get, path = "/me/record", tag = "record", security(("bearer" = [])), params(PageQuery, RecordFilter), responses((status = 200, body = Page<EntryOut>)))]
#[tracing::instrument(name = "GET /api/v1/me/record", skip_all)]
pub async fn mine(State(state): State<AppState>, Bearer(actor): Bearer, q: Filter, page: super::PageParams) -> Result<Json<Page<EntryOut>>, ApiFailure> {
    let f = filter(q)?;
    Ok(Json(super::page_of(page, state.domain.record.my_record(&actor, &f).await?)?))
}

/// The page of "who looked" to fetch: older than `before` (a cursor from
/// the previous page), at most `limit` rows (default 50, at most 200).
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessQuery {
    before: Option<String>,
    limit: Option<u64>,
}

/// Who read or wrote one's record (and one's dependants'), newest first,
/// every row, a page at a time.
#[utoipa::path(get, path = "/me/record/accesses", tag = "record", security(("bearer" = [])), params(AccessQuery),
    responses((status = 200, body = AccessPage), (status = 400, description = "A malformed cursor", body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/me/record/accesses", skip_all)]
pub async fn accesses(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    q: Result<Query<AccessQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AccessPage>, ApiFailure> {
    let Query(q) = q.map_err(|_| ApiFailure::new(ErrorCode::BadRequest))?;
    Ok(Json(state.domain.audit.my_record_accesses(&actor, q.before.as_deref(), q.limit.unwrap_or(50)).await?))
}

/// Open a patient's record by NIN with a reason (practitioners): a care
/// relationship at one's facility for a day, shown to the patient.
#[utoipa::path(post, path = "/record/lookup", tag = "record", security(("bearer" = [])), request_body = CareLookupIn,
    responses((status = 200, body = CarePatientOut), (status = 404, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/record/lookup", skip_all)]
pub async fn lookup(State(state): State<AppState>, Bearer(actor): Bearer, ApiJson(input): ApiJson<CareLookupIn>) -> Result<Json<CarePatientOut>, ApiFailure> {
    Ok(Json(state.domain.record.open_by_nin(&actor, &input).await?))
}

/// The practitioner's patients today (appointments, then open look-ups).
#[utoipa::path(get, path = "/record/patients", tag = "record", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Page<CarePatientOut>)))]
#[tracing::instrument(name = "GET /api/v1/record/patients", skip_all)]
pub async fn patients(State(state): State<AppState>, Bearer(actor): Bearer, page: super::PageParams) -> Result<Json<Page<CarePatientOut>>, ApiFailure> {
    Ok(Json(super::page_of(page, state.domain.record.care_list(&actor).await?)?))
}

/// Attach a file (PDF, JPEG, PNG; multipart field `file`) to an entry of
/// one's facility. The type is read from the content.
#[utoipa::path(post, path = "/record/entries/{id}/attachments", tag = "record", security(("bearer" = [])), request_body(content_type = "multipart/form-data", content = String),
    responses((status = 201, body = AttachmentOut), (status = 404, body = shared::ApiError), (status = 413, body = shared::ApiError), (status = 415, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/record/entries/{id}/attachments", skip_all)]
pub async fn upload(
    State(state): State<AppState>,
    Bearer(actor): Bearer,
    ApiPath(entry): ApiPath<String>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<AttachmentOut>), ApiFailure> {
    let entry = id(&entry)?;
    let mut form = form.map_err(|_| ApiFailure::new(ErrorCode::BadRequest))?;
    let too_large = || ApiFailure::new(ErrorCode::FileTooLarge);
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(|_| too_large())? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_owned();
            file = Some((name, field.bytes().await.map_err(|_| too_large())?));
        }
    }
    let (name, bytes) = file.ok_or_else(|| ApiFailure::from(domain::Error::fields(vec![FieldError::new("file", ErrorCode::Required)])))?;
    let out = state.domain.record.attach_file(&actor, entry, &name, &bytes).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// An attachment, always as a download.
#[utoipa::path(get, path = "/record/attachments/{id}", tag = "record", security(("bearer" = [])),
    responses((status = 200, description = "the file, Content-Disposition: attachment"), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/record/attachments/{id}", skip_all)]
pub async fn download(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(a): ApiPath<String>) -> Result<Response, ApiFailure> {
    let d = state.domain.record.download_attachment(&actor, id(&a)?).await?;
    Ok(crate::files::download_response(d))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// A dependant's id; oneself when absent.
    pub subject_id: Option<Uuid>,
}

/// One's record (or a dependant's) as a FHIR R4 Bundle.
#[utoipa::path(get, path = "/me/record/fhir", tag = "record", security(("bearer" = [])), params(ExportQuery),
    responses((status = 200, description = "FHIR R4 Bundle (application/fhir+json)"), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/me/record/fhir", skip_all)]
pub async fn fhir(State(state): State<AppState>, Bearer(actor): Bearer, q: Result<Query<ExportQuery>, QueryRejection>) -> Result<Response, ApiFailure> {
    let Ok(Query(q)) = q else { return Err(ApiFailure::new(ErrorCode::BadRequest)) };
    let b = state.domain.record.export_fhir(&actor, q.subject_id.map(shared::PersonId)).await?;
    Ok(crate::files::fhir_response(b))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Icd10Query {
    /// A code prefix or words of the label.
    pub q: String,
}

/// ICD-10 codes matching a code prefix or words, labels in the caller's language.
#[utoipa::path(get, path = "/icd10", tag = "record", params(PageQuery, Icd10Query), responses((status = 200, body = Page<Icd10Out>)))]
#[tracing::instrument(name = "GET /api/v1/icd10", skip_all)]
pub async fn icd10(ReqLang(lang): ReqLang, q: Result<Query<Icd10Query>, QueryRejection>, page: super::PageParams) -> Result<Json<Page<Icd10Out>>, ApiFailure> {
    let Ok(Query(q)) = q else { return Err(ApiFailure::new(ErrorCode::BadRequest)) };
    Ok(Json(super::page_of(page, domain::record::icd10::search(&q.q, lang))?))
}

/// One entry (its patient or guardian, or a practitioner in care).
#[utoipa::path(get, path = "/record/entries/{id}", tag = "record", security(("bearer" = [])),
    responses((status = 200, body = EntryOut), (status = 404, body = shared::ApiError)))]
#[tracing::instrument(name = "GET /api/v1/record/entries/{id}", skip_all)]
pub async fn entry(State(state): State<AppState>, Bearer(actor): Bearer, ApiPath(e): ApiPath<String>) -> Result<Json<EntryOut>, ApiFailure> {
    Ok(Json(state.domain.record.entry_for(&actor, id(&e)?).await?))
}

/// A pharmacy checks a prescription (no account): the code printed on it
/// and the patient's birth date. The answer is that prescription and
/// nothing else of the record; the check is in the patient's access log.
/// Throttled per client and per code; a wrong code or date is one answer.
#[utoipa::path(post, path = "/prescriptions/check", tag = "record", request_body = shared::dto::PrescriptionCheckIn,
    responses((status = 200, body = shared::dto::PrescriptionCheckOut),
        (status = 404, description = "`prescription_not_found`: no prescription with this code for a patient born that day", body = shared::ApiError),
        (status = 422, description = "`code`, `birth_date`", body = shared::ApiError), (status = 429, body = shared::ApiError)))]
#[tracing::instrument(name = "POST /api/v1/prescriptions/check", skip_all)]
pub async fn check_prescription(
    State(state): State<AppState>,
    crate::startup::ClientIp(ip): crate::startup::ClientIp,
    super::ApiJson(input): super::ApiJson<shared::dto::PrescriptionCheckIn>,
) -> Result<Json<shared::dto::PrescriptionCheckOut>, ApiFailure> {
    Ok(Json(state.domain.record.check_prescription(&input, ip).await?))
}
