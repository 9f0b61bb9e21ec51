//! The OpenAPI 3 document, generated from the handlers' annotations and the
//! `shared` DTOs, served at `/api/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Sihati API", version = "1", description = "REST API for the Sihati mobile apps. Errors share one body: `code` (stable, snake_case), `message` (in the Accept-Language language: ar, fr, en), `fields` (per-field codes)."),
    paths(
        super::auth::register, super::auth::token, super::auth::enrolment, super::auth::refresh, super::auth::logout,
        super::claims::request, super::claims::status, super::claims::mine, super::claims::approve, super::claims::decline, super::claims::desk_approve,
        super::claims::request_consent, super::claims::consents, super::claims::approve_consent, super::claims::decline_consent, super::claims::withdraw_consent,
        super::staff::list, super::staff::reset_second_factor,
        super::me::get_me, super::me::update_me, super::me::change_password,
        super::identity::phone_code, super::identity::verify_phone, super::identity::change_phone, super::identity::email_link, super::identity::change_email,
        super::identity::verify_email, super::identity::forgot, super::identity::reset, super::identity::reset_link,
        super::booking::search, super::booking::publish_template, super::booking::book, super::booking::mine, super::booking::cancel, super::booking::reschedule, super::booking::close_slot,
        super::booking::facilities, super::booking::add_closure, super::booking::end_template, super::booking::holidays, super::booking::add_holiday,
        super::booking::my_waitlist, super::booking::join_waitlist, super::booking::leave_waitlist, super::booking::accept_offer, super::booking::decline_offer,
        super::me::dependants, super::me::add_dependant, super::me::referrals,
        super::desk::day, super::desk::practitioners, super::desk::templates, super::desk::lookup, super::desk::patient_appointments, super::desk::book, super::desk::cancel,
        super::desk::reschedule, super::desk::verify_dependant, super::desk::refer,
        super::notify::inbox, super::notify::unread, super::notify::read, super::notify::read_all, super::notify::prefs, super::notify::set_prefs,
        super::notify::link, super::notify::cancel_by_link, super::notify::undelivered, super::notify::retry,
        super::record::write, super::record::patient, super::record::entered_in_error, super::record::mine, super::record::accesses,
        super::record::lookup, super::record::patients, super::record::upload, super::record::download, super::record::fhir, super::record::icd10, super::record::entry,
    ),
    components(schemas(shared::ApiError, shared::FieldError, shared::ErrorCode, shared::Lang, shared::Sex, shared::Role)),
    modifiers(&BearerAuth),
    tags((name = "auth", description = "Registration, tokens (with the staff's second factor), email verification and the forgotten password"),
        (name = "staff", description = "Staff administration: second-factor resets"), (name = "me", description = "The signed-in person"), (name = "booking", description = "Availability, slots and appointments"),
        (name = "schedule", description = "Closures, holidays, template changes"), (name = "waitlist", description = "The waiting list and held offers"),
        (name = "desk", description = "The polyclinic desk: day list, look-up by NIN, bookings on a citizen's behalf, referrals"),
        (name = "notifications", description = "In-app inbox, channel preferences, signed appointment links, undelivered messages"),
        (name = "record", description = "The medical record and who looked at it"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()));
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
