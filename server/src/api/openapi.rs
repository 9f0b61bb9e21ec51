//! The OpenAPI 3 document's frame (title, shared schemas, security, tags).
//! The paths come from the router itself (`super::documented`), which
//! serves the document at `/api/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Sihati API", version = "1", description = "REST API for the Sihati mobile apps. Errors share one body: `code` (stable, snake_case), `message` (in the Accept-Language language: ar, fr, en), `fields` (per-field codes)."),
    components(schemas(shared::ApiError, shared::FieldError, shared::ErrorCode, shared::Lang, shared::Sex, shared::Role)),
    modifiers(&BearerAuth),
    tags((name = "auth", description = "Registration, tokens (with the staff's second factor), email verification and the forgotten password"),
        (name = "staff", description = "Staff administration: second-factor resets"), (name = "me", description = "The signed-in person"), (name = "booking", description = "Availability, slots and appointments"),
        (name = "schedule", description = "Closures, holidays, template changes"), (name = "waitlist", description = "The waiting list and held offers"),
        (name = "desk", description = "The polyclinic desk: day list, look-up by NIN, bookings on a citizen's behalf, referrals"),
        (name = "notifications", description = "In-app inbox, channel preferences, signed appointment links, undelivered messages"),
        (name = "record", description = "The medical record and who looked at it"),
        (name = "floor", description = "The day at the polyclinic: arrivals, waiting-room queues, calls, the patient's place in line, the screens"),
        (name = "directory", description = "The open directory: specialties, wilayas, communes, facilities, practitioners; public, paged, with ETags"),
        (name = "network", description = "The network's administration by the wilaya's health directorate: facilities, what they offer, the admin audit log"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()));
    }
}

/// What every document starts from, before the router adds its paths.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(super::DOCUMENT.get().cloned().unwrap_or_else(base))
}
