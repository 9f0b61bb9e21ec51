//! The network in FHIR R4, read-only, for hospital and ministry systems:
//! the directory as `Organization`, `Location`, `HealthcareService`,
//! `Practitioner` and `PractitionerRole`; each practitioner's schedule at a
//! facility as a `Schedule` whose `Slot`s are searched the way IHE
//! Scheduling's "find available slots" asks (service type, actor, start,
//! free/busy); and a citizen's own `Appointment`s with their bearer token.
//!
//! Ids are the product's own opaque UUIDs; the two resources made of a
//! pair (a service is a facility × specialty, a role and its schedule a
//! practitioner × facility) join the two UUIDs in their simple form (64
//! hexadecimal digits, FHIR's longest id), so reading one needs no table.
//! What is public here is what the open directory already shows; a busy
//! slot says nothing about who holds it.
//!
//! The search parameters each type takes are listed once
//! ([`ResourceType::search_params`]): the parser accepts those and the
//! CapabilityStatement advertises those.

use super::directory::FacilityFilter;
use super::{algiers_midnight, full_name};
use crate::entities::{appointment, facility, practitioner, practitioner_facility, slot, specialty, wilaya};
use crate::services::{Bookings, Directory};
use crate::{Actor, Error, Result};
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{json, Value};
use shared::dto::{AppointmentOut, DirectoryFacilityOut, PageAt};
use shared::{AppointmentStatus, ErrorCode, FacilityId, PractitionerId, SlotId, SlotStatus, SpecialtyId};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The code system of Sihati's specialties (the catalogue's codes).
pub const SPECIALTY_SYSTEM: &str = "https://sihati.dz/fhir/CodeSystem/specialty";
/// The code system of the kinds of facility (EPSP polyclinic, EPH, EHS, CHU).
pub const FACILITY_KIND_SYSTEM: &str = "https://sihati.dz/fhir/CodeSystem/facility-kind";
/// The longest period a slot search reads (days).
const SLOT_SEARCH_DAYS: i64 = 31;
/// When the CapabilityStatement last changed.
const CAPABILITY_DATE: &str = "2026-12-04";

/// The resource types `/fhir` serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceType {
    Organization,
    Location,
    HealthcareService,
    Practitioner,
    PractitionerRole,
    Schedule,
    Slot,
    Appointment,
}

/// A search parameter: its name, FHIR type and what it means here.
pub struct SearchParam {
    pub name: &'static str,
    pub kind: &'static str,
    pub doc: &'static str,
}

const fn param(name: &'static str, kind: &'static str, doc: &'static str) -> SearchParam {
    SearchParam { name, kind, doc }
}

const ID: SearchParam = param("_id", "token", "The resource's id.");
const STATE: SearchParam = param("address-state", "string", "The wilaya: the start of its name in French, Arabic or English, or its two-digit code.");
const ORGANIZATION: SearchParam = param("organization", "reference", "The facility (Organization/<id>).");
const LOCATION: SearchParam = param("location", "reference", "The facility's place (Location/<id>).");
const SERVICE_TYPE: SearchParam = param("service-type", "token", "A specialty of https://sihati.dz/fhir/CodeSystem/specialty, e.g. cardiology.");

impl ResourceType {
    pub const ALL: [ResourceType; 8] = [
        ResourceType::Organization,
        ResourceType::Location,
        ResourceType::HealthcareService,
        ResourceType::Practitioner,
        ResourceType::PractitionerRole,
        ResourceType::Schedule,
        ResourceType::Slot,
        ResourceType::Appointment,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ResourceType::Organization => "Organization",
            ResourceType::Location => "Location",
            ResourceType::HealthcareService => "HealthcareService",
            ResourceType::Practitioner => "Practitioner",
            ResourceType::PractitionerRole => "PractitionerRole",
            ResourceType::Schedule => "Schedule",
            ResourceType::Slot => "Slot",
            ResourceType::Appointment => "Appointment",
        }
    }

    /// The type a name gives, exactly as FHIR spells it.
    pub fn parse(s: &str) -> Option<ResourceType> {
        Self::ALL.into_iter().find(|t| t.name() == s)
    }

    /// Whether reading it needs the citizen's bearer token.
    pub fn personal(self) -> bool {
        self == ResourceType::Appointment
    }

    /// The search parameters it takes (besides `_count`).
    pub fn search_params(self) -> &'static [SearchParam] {
        match self {
            ResourceType::Organization => &[ID, STATE],
            ResourceType::Location => &[ID, STATE, ORGANIZATION],
            ResourceType::HealthcareService => &[ID, ORGANIZATION, LOCATION, SERVICE_TYPE],
            ResourceType::Practitioner => &[ID],
            ResourceType::PractitionerRole => {
                const {
                    &[
                        ID,
                        param("practitioner", "reference", "The practitioner (Practitioner/<id>)."),
                        ORGANIZATION,
                        LOCATION,
                        param("specialty", "token", "The practitioner's specialty, e.g. cardiology."),
                    ]
                }
            }
            ResourceType::Schedule => const { &[ID, param("actor", "reference", "Practitioner/<id>, Location/<id> or PractitionerRole/<id>."), SERVICE_TYPE] },
            ResourceType::Slot => {
                const {
                    &[
                ID,
                param("schedule", "reference", "The schedule (Schedule/<id>)."),
                param("schedule.actor", "reference", "The schedule's practitioner or place: Practitioner/<id> or Location/<id>."),
                SERVICE_TYPE,
                param(
                    "start",
                    "date",
                    "When it starts: ge, gt, le, lt or eq (the default) with a day (Algiers) or an instant; may be given twice. At most 31 days: from today (Algiers) when no lower bound is given, 31 days on when no upper one.",
                ),
                param("status", "token", "free, busy, busy-unavailable or busy-tentative; several separated by commas."),
            ]
                }
            }
            ResourceType::Appointment => {
                const {
                    &[
                        ID,
                        param("date", "date", "When it starts: ge, gt, le, lt or eq (the default); may be given twice."),
                        param("status", "token", "booked, pending, cancelled, fulfilled or noshow; several separated by commas."),
                    ]
                }
            }
        }
    }
}

/// A slot's availability as FHIR names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SlotAvailability {
    Free,
    Busy,
    BusyUnavailable,
    BusyTentative,
}

impl SlotAvailability {
    const ALL: [SlotAvailability; 4] = [SlotAvailability::Free, SlotAvailability::Busy, SlotAvailability::BusyUnavailable, SlotAvailability::BusyTentative];

    pub fn code(self) -> &'static str {
        match self {
            SlotAvailability::Free => "free",
            SlotAvailability::Busy => "busy",
            SlotAvailability::BusyUnavailable => "busy-unavailable",
            SlotAvailability::BusyTentative => "busy-tentative",
        }
    }

    /// Free only when a citizen could book it now: open, nobody's, and
    /// beyond the minimum notice; held for a waiting-list offer it is
    /// tentatively busy; closed, or too soon to book, unavailable.
    fn of(status: SlotStatus, booked: bool, starts_at: DateTime<Utc>, bookable_from: DateTime<Utc>) -> Self {
        match (booked, status) {
            (true, _) => SlotAvailability::Busy,
            (false, SlotStatus::Held) => SlotAvailability::BusyTentative,
            (false, SlotStatus::Open) if starts_at >= bookable_from => SlotAvailability::Free,
            (false, _) => SlotAvailability::BusyUnavailable,
        }
    }

    /// The same rule as [`of`](Self::of), as a condition on slot rows.
    fn condition(self, booked: impl Fn() -> sea_orm::sea_query::SimpleExpr, bookable_from: DateTime<Utc>) -> Condition {
        let open = slot::Column::Status.eq(SlotStatus::Open);
        match self {
            SlotAvailability::Busy => Condition::all().add(booked()),
            SlotAvailability::BusyTentative => Condition::all().add(booked().not()).add(slot::Column::Status.eq(SlotStatus::Held)),
            SlotAvailability::Free => Condition::all().add(booked().not()).add(open).add(slot::Column::StartsAt.gte(bookable_from)),
            SlotAvailability::BusyUnavailable => Condition::all().add(booked().not()).add(
                Condition::any().add(slot::Column::Status.eq(SlotStatus::Closed)).add(Condition::all().add(open).add(slot::Column::StartsAt.lt(bookable_from))),
            ),
        }
    }
}

/// FHIR's code of an appointment's status.
pub fn appointment_status(s: AppointmentStatus) -> &'static str {
    match s {
        AppointmentStatus::Booked => "booked",
        AppointmentStatus::Pending => "pending",
        AppointmentStatus::Cancelled => "cancelled",
        AppointmentStatus::Fulfilled => "fulfilled",
        AppointmentStatus::NoShow => "noshow",
    }
}

/// A search, parsed: every filter its parameters set. A resource matches
/// when it passes all of them; two parameters that contradict each other
/// (two different facilities) match nothing.
#[derive(Clone, Debug, Default)]
pub struct FhirQuery {
    pub id: Option<String>,
    /// `address-state`, as given (each one given must match).
    pub states: Vec<String>,
    pub facility: Option<FacilityId>,
    pub practitioner: Option<PractitionerId>,
    /// A specialty's code.
    pub specialty: Option<String>,
    /// From this instant on (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this instant (exclusive).
    pub before: Option<DateTime<Utc>>,
    /// The statuses allowed, when a `status` was given (two parameters:
    /// both must allow it).
    pub slot_status: Option<Vec<SlotAvailability>>,
    pub appointment_status: Option<Vec<AppointmentStatus>>,
    /// A parameter that can match nothing here (another code system, a
    /// contradiction).
    pub nothing: bool,
}

fn bad(param: &str) -> Error {
    Error::on_field(param, ErrorCode::BadRequest)
}

/// Sets `slot` to `v`, or marks the query as matching nothing when it
/// already held another value.
fn narrow<T: PartialEq>(slot: &mut Option<T>, v: T, nothing: &mut bool) {
    match slot {
        Some(old) if *old != v => *nothing = true,
        _ => *slot = Some(v),
    }
}

/// `Type/<id>` (or a URL ending so); the id alone where the type is known.
fn reference<'a>(value: &'a str, types: &[&'a str]) -> Option<(&'a str, &'a str)> {
    let mut parts = value.trim_end_matches('/').rsplitn(3, '/');
    let id = parts.next()?;
    match parts.next() {
        Some(t) if types.contains(&t) => Some((t, id)),
        Some(_) => None,
        None if types.len() == 1 => Some((types[0], id)),
        None => None,
    }
}

fn uuid_of(s: &str) -> Option<Uuid> {
    Uuid::try_parse(s).ok()
}

/// The id of a resource made of two: both UUIDs' simple forms.
pub fn pair_id(a: Uuid, b: Uuid) -> String {
    format!("{}{}", a.simple(), b.simple())
}

fn split_pair(id: &str) -> Option<(Uuid, Uuid)> {
    if id.len() != 64 || !id.is_ascii() {
        return None;
    }
    Some((Uuid::try_parse(&id[..32]).ok()?, Uuid::try_parse(&id[32..]).ok()?))
}

/// A token of our specialty system: `code`, `|code` is no system (none of
/// ours), `system|code`.
fn specialty_token(value: &str, nothing: &mut bool) -> String {
    match value.split_once('|') {
        Some((system, code)) => {
            if system != SPECIALTY_SYSTEM {
                *nothing = true;
            }
            code.to_owned()
        }
        None => value.to_owned(),
    }
}

/// A `date` parameter: a prefix and a day (Algiers) or an instant, as the
/// `[from, before)` bounds it sets.
fn date_bounds(param_name: &str, value: &str, q: &mut FhirQuery) -> Result<()> {
    let (prefix, rest) = match value.get(..2) {
        Some(p @ ("eq" | "ge" | "gt" | "le" | "lt")) => (p, &value[2..]),
        _ => ("eq", value),
    };
    // The span the value names: a whole day, or one second.
    let (lo, hi) = if let Ok(d) = NaiveDate::parse_from_str(rest, "%Y-%m-%d") {
        (algiers_midnight(d), algiers_midnight(d + Duration::days(1)))
    } else {
        let t = DateTime::parse_from_rfc3339(rest).map_err(|_| bad(param_name))?.with_timezone(&Utc);
        (t, t + Duration::seconds(1))
    };
    let (from, before) = match prefix {
        "ge" => (Some(lo), None),
        "gt" => (Some(hi), None),
        "lt" => (None, Some(lo)),
        "le" => (None, Some(hi)),
        _ => (Some(lo), Some(hi)),
    };
    if let Some(f) = from {
        q.from = Some(q.from.map_or(f, |old| std::cmp::max(old, f)));
    }
    if let Some(b) = before {
        q.before = Some(q.before.map_or(b, |old| std::cmp::min(old, b)));
    }
    Ok(())
}

/// The codes two `status` parameters both allow (FHIR ANDs repeated parameters).
fn both<T: PartialEq>(before: Option<Vec<T>>, these: Vec<T>) -> Vec<T> {
    match before {
        None => these,
        Some(old) => old.into_iter().filter(|s| these.contains(s)).collect(),
    }
}

impl FhirQuery {
    /// The query a search's parameters make for `kind`; `_count` and
    /// `_cursor` (paging) and parameters this server does not know are
    /// left to the caller (FHIR's lenient handling). A known parameter with
    /// a modifier, or with a value it cannot be, is a `400`.
    pub fn parse(kind: ResourceType, params: &[(String, String)]) -> Result<FhirQuery> {
        let mut q = FhirQuery::default();
        let known: HashSet<&str> = kind.search_params().iter().map(|p| p.name).collect();
        for (name, value) in params {
            if let Some((base, _modifier)) = name.split_once(':') {
                if known.contains(base) {
                    return Err(bad(name));
                }
                continue;
            }
            if !known.contains(name.as_str()) {
                continue;
            }
            let value = value.trim();
            if value.is_empty() {
                return Err(bad(name));
            }
            let mut nothing = false;
            match name.as_str() {
                "_id" => narrow(&mut q.id, value.to_owned(), &mut nothing),
                "address-state" => q.states.push(value.to_owned()),
                "organization" | "location" => {
                    let t = if name == "organization" { "Organization" } else { "Location" };
                    let (_, id) = reference(value, &[t]).ok_or_else(|| bad(name))?;
                    narrow(&mut q.facility, FacilityId(uuid_of(id).ok_or_else(|| bad(name))?), &mut nothing);
                }
                "practitioner" => {
                    let (_, id) = reference(value, &["Practitioner"]).ok_or_else(|| bad(name))?;
                    narrow(&mut q.practitioner, PractitionerId(uuid_of(id).ok_or_else(|| bad(name))?), &mut nothing);
                }
                "actor" | "schedule.actor" | "schedule" => {
                    let types: &[&str] = match name.as_str() {
                        "actor" => &["Practitioner", "Location", "PractitionerRole"],
                        "schedule.actor" => &["Practitioner", "Location"],
                        _ => &["Schedule"],
                    };
                    let (t, id) = reference(value, types).ok_or_else(|| bad(name))?;
                    match t {
                        "Practitioner" => narrow(&mut q.practitioner, PractitionerId(uuid_of(id).ok_or_else(|| bad(name))?), &mut nothing),
                        "Location" => narrow(&mut q.facility, FacilityId(uuid_of(id).ok_or_else(|| bad(name))?), &mut nothing),
                        _ => {
                            let (p, f) = split_pair(id).ok_or_else(|| bad(name))?;
                            narrow(&mut q.practitioner, PractitionerId(p), &mut nothing);
                            narrow(&mut q.facility, FacilityId(f), &mut nothing);
                        }
                    }
                }
                "service-type" | "specialty" => {
                    let code = specialty_token(value, &mut nothing);
                    narrow(&mut q.specialty, code, &mut nothing);
                }
                // A `+` of an offset arrives as a space when the client did not escape it.
                "start" | "date" => date_bounds(name, &value.replace(' ', "+"), &mut q)?,
                "status" if kind == ResourceType::Slot => {
                    let mut these = Vec::new();
                    for code in value.split(',').map(str::trim) {
                        match SlotAvailability::ALL.into_iter().find(|s| s.code() == code) {
                            Some(s) => these.push(s),
                            // A slot is never entered in error here: it matches nothing.
                            None if code == "entered-in-error" => {}
                            None => return Err(bad(name)),
                        }
                    }
                    q.slot_status = Some(both(q.slot_status.take(), these));
                }
                "status" => {
                    let mut these = Vec::new();
                    for code in value.split(',').map(str::trim) {
                        these.push(AppointmentStatus::ALL.iter().copied().find(|s| appointment_status(*s) == code).ok_or_else(|| bad(name))?);
                    }
                    q.appointment_status = Some(both(q.appointment_status.take(), these));
                }
                _ => {}
            }
            q.nothing |= nothing;
        }
        Ok(q)
    }
}

/// One page of a search: the resources, how many match in all, and the
/// cursor of the next page.
#[derive(Clone, Debug)]
pub struct Searchset {
    pub resources: Vec<Value>,
    pub total: u64,
    pub next_cursor: Option<String>,
}

impl Searchset {
    fn of(all: Vec<Value>, at: PageAt) -> Self {
        let total = all.len() as u64;
        let page = at.slice(all);
        Searchset { resources: page.items, total, next_cursor: page.next_cursor }
    }
}

fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn reference_to(kind: ResourceType, id: impl std::fmt::Display, display: Option<&str>) -> Value {
    let mut r = json!({ "reference": format!("{}/{id}", kind.name()) });
    if let Some(d) = display.filter(|d| !d.trim().is_empty()) {
        r["display"] = json!(d);
    }
    r
}

/// A specialty as a CodeableConcept of our code system.
fn specialty_concept(s: &specialty::Model) -> Value {
    json!({ "coding": [{ "system": SPECIALTY_SYSTEM, "code": s.code, "display": s.name_fr }], "text": s.name_fr })
}

/// FHIR's day codes from ISO weekdays (1 Monday … 7 Sunday).
fn days_of_week(days: &[u8]) -> Vec<&'static str> {
    const CODES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    days.iter().filter_map(|d| CODES.get(usize::from(*d).checked_sub(1)?).copied()).collect()
}

/// `HH:MM` as FHIR's `time` (`HH:MM:SS`).
fn time_of(hhmm: &str) -> String {
    format!("{hhmm}:00")
}

fn non_empty(v: &mut Value, key: &str, s: Option<&str>) {
    if let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) {
        v[key] = json!(s);
    }
}

fn address(f: &DirectoryFacilityOut, state: Option<&wilaya::Model>) -> Value {
    let mut a = json!({ "use": "work", "type": "physical", "country": "DZ" });
    if !f.address.trim().is_empty() {
        a["line"] = json!([f.address.trim()]);
    }
    if let Some(c) = &f.commune {
        non_empty(&mut a, "city", Some(&c.name_fr));
        non_empty(&mut a, "district", Some(&c.daira_fr));
        non_empty(&mut a, "postalCode", c.postal_code.as_deref());
    }
    non_empty(&mut a, "state", state.map(|w| w.name_fr.as_str()));
    a
}

fn telecom(f: &DirectoryFacilityOut) -> Option<Value> {
    f.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(|p| json!([{ "system": "phone", "value": p, "use": "work" }]))
}

fn named(mut r: Value, f: &DirectoryFacilityOut) -> Value {
    r["name"] = json!(f.name_fr);
    if !f.name_ar.trim().is_empty() {
        r["alias"] = json!([f.name_ar]);
    }
    if let Some(t) = telecom(f) {
        r["telecom"] = t;
    }
    r
}

fn organization(f: &DirectoryFacilityOut, state: Option<&wilaya::Model>) -> Value {
    let mut r = named(
        json!({
            "resourceType": "Organization",
            "id": f.id.to_string(),
            "active": true,
            "type": [{ "coding": [
                { "system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "prov", "display": "Healthcare Provider" },
                { "system": FACILITY_KIND_SYSTEM, "code": f.kind },
            ] }],
        }),
        f,
    );
    r["address"] = json!([address(f, state)]);
    r
}

fn hours(f: &DirectoryFacilityOut) -> Value {
    let mut h = json!({ "openingTime": time_of(&f.opens_at), "closingTime": time_of(&f.closes_at) });
    if !f.open_days.is_empty() {
        h["daysOfWeek"] = json!(days_of_week(&f.open_days));
    }
    json!([h])
}

fn location(f: &DirectoryFacilityOut, state: Option<&wilaya::Model>) -> Value {
    let mut r = named(
        json!({
            "resourceType": "Location",
            "id": f.id.to_string(),
            "status": "active",
            "mode": "instance",
            "managingOrganization": reference_to(ResourceType::Organization, f.id, Some(&f.name_fr)),
            "hoursOfOperation": hours(f),
        }),
        f,
    );
    r["address"] = address(f, state);
    if let (Some(lat), Some(lon)) = (f.latitude, f.longitude) {
        r["position"] = json!({ "longitude": lon, "latitude": lat });
    }
    r
}

fn healthcare_service(f: &DirectoryFacilityOut, s: &specialty::Model) -> Value {
    let mut r = json!({
        "resourceType": "HealthcareService",
        "id": pair_id(f.id.as_uuid(), s.id.as_uuid()),
        "active": true,
        "providedBy": reference_to(ResourceType::Organization, f.id, Some(&f.name_fr)),
        "type": [specialty_concept(s)],
        "location": [reference_to(ResourceType::Location, f.id, Some(&f.name_fr))],
        "name": s.name_fr,
        "appointmentRequired": true,
    });
    let mut time = json!({ "availableStartTime": time_of(&f.opens_at), "availableEndTime": time_of(&f.closes_at) });
    if !f.open_days.is_empty() {
        time["daysOfWeek"] = json!(days_of_week(&f.open_days));
    }
    r["availableTime"] = json!([time]);
    if s.referral_required {
        r["comment"] = json!("Sur orientation d'un médecin (lettre d'orientation exigée).");
    }
    if let Some(t) = telecom(f) {
        r["telecom"] = t;
    }
    r
}

/// Whether a facility's wilaya answers `address-state`: its code, or the
/// start of one of its names (FHIR's string search: case-insensitive prefix).
fn state_matches(query: &str, w: Option<&wilaya::Model>) -> bool {
    let Some(w) = w else { return false };
    let q = query.to_lowercase();
    w.code == query || [&w.name_fr, &w.name_ar, &w.name_en].iter().any(|n| n.to_lowercase().starts_with(&q))
}

/// A practitioner at one facility: what a role and a schedule describe.
struct Role {
    practitioner: practitioner::Model,
    facility: DirectoryFacilityOut,
}

fn practitioner_resource(p: &practitioner::Model) -> Value {
    let mut name = json!({ "use": "official" });
    non_empty(&mut name, "family", Some(&p.family_name));
    if !p.given_name.trim().is_empty() {
        name["given"] = json!([p.given_name.trim()]);
    }
    non_empty(&mut name, "text", Some(&full_name(&p.given_name, &p.family_name)));
    json!({ "resourceType": "Practitioner", "id": p.id.to_string(), "active": true, "name": [name] })
}

fn role_resource(r: &Role, s: Option<&specialty::Model>, offered: bool) -> Value {
    let (p, f) = (&r.practitioner, &r.facility);
    let mut v = json!({
        "resourceType": "PractitionerRole",
        "id": pair_id(p.id.as_uuid(), f.id.as_uuid()),
        "active": true,
        "practitioner": reference_to(ResourceType::Practitioner, p.id, Some(&full_name(&p.given_name, &p.family_name))),
        "organization": reference_to(ResourceType::Organization, f.id, Some(&f.name_fr)),
        "location": [reference_to(ResourceType::Location, f.id, Some(&f.name_fr))],
    });
    if let Some(s) = s {
        v["specialty"] = json!([specialty_concept(s)]);
        if offered {
            v["healthcareService"] = json!([reference_to(ResourceType::HealthcareService, pair_id(f.id.as_uuid(), s.id.as_uuid()), Some(&s.name_fr))]);
        }
    }
    v
}

fn schedule_resource(r: &Role, s: Option<&specialty::Model>) -> Value {
    let (p, f) = (&r.practitioner, &r.facility);
    let id = pair_id(p.id.as_uuid(), f.id.as_uuid());
    let mut v = json!({
        "resourceType": "Schedule",
        "id": id,
        "active": true,
        "actor": [
            reference_to(ResourceType::Practitioner, p.id, Some(&full_name(&p.given_name, &p.family_name))),
            reference_to(ResourceType::PractitionerRole, &id, None),
            reference_to(ResourceType::Location, f.id, Some(&f.name_fr)),
        ],
    });
    if let Some(s) = s {
        v["serviceType"] = json!([specialty_concept(s)]);
    }
    v
}

/// The catalogue by code, and by id.
struct Specialties {
    by_id: HashMap<SpecialtyId, specialty::Model>,
}

impl Specialties {
    fn code(&self, code: &str) -> Option<&specialty::Model> {
        self.by_id.values().find(|s| s.code == code)
    }
}

impl Directory {
    async fn specialty_catalogue(&self) -> Result<Specialties> {
        Ok(Specialties { by_id: specialty::Entity::find().all(self.core.db()).await?.into_iter().map(|s| (s.id, s)).collect() })
    }

    /// The open facilities a query names, by French name, with their wilaya.
    async fn fhir_facilities(&self, q: &FhirQuery) -> Result<Vec<(DirectoryFacilityOut, Option<wilaya::Model>)>> {
        let wilayas: HashMap<String, wilaya::Model> = wilaya::Entity::find().all(self.core.db()).await?.into_iter().map(|w| (w.code.clone(), w)).collect();
        let all = self.open_facilities(&FacilityFilter::default()).await?;
        Ok(all
            .into_iter()
            .filter(|f| q.facility.is_none_or(|id| id == f.id))
            .map(|f| {
                let w = wilayas.get(&f.wilaya_code).cloned();
                (f, w)
            })
            .filter(|(_, w)| q.states.iter().all(|s| state_matches(s, w.as_ref())))
            .collect())
    }

    /// `Organization` and `Location` searches: one of each per open facility.
    pub async fn fhir_places(&self, kind: ResourceType, q: &FhirQuery, at: PageAt) -> Result<Searchset> {
        if q.nothing {
            return Ok(Searchset::of(Vec::new(), at));
        }
        let all = self.fhir_facilities(q).await?;
        let out = all
            .iter()
            .filter(|(f, _)| q.id.as_deref().is_none_or(|id| id == f.id.to_string()))
            .map(|(f, w)| if kind == ResourceType::Location { location(f, w.as_ref()) } else { organization(f, w.as_ref()) })
            .collect();
        Ok(Searchset::of(out, at))
    }

    /// `HealthcareService`: each specialty each open facility offers.
    pub async fn fhir_services(&self, q: &FhirQuery, at: PageAt) -> Result<Searchset> {
        if q.nothing {
            return Ok(Searchset::of(Vec::new(), at));
        }
        let catalogue = self.specialty_catalogue().await?;
        let mut q = q.clone();
        let mut wanted_specialty = None;
        if let Some(id) = &q.id {
            let Some((f, s)) = split_pair(id) else { return Ok(Searchset::of(Vec::new(), at)) };
            narrow(&mut q.facility, FacilityId(f), &mut q.nothing);
            wanted_specialty = Some(SpecialtyId(s));
        }
        let mut out = Vec::new();
        for (f, _) in self.fhir_facilities(&q).await? {
            for code in &f.specialties {
                let Some(s) = catalogue.code(code) else { continue };
                if wanted_specialty.is_some_and(|w| w != s.id) || q.specialty.as_deref().is_some_and(|c| c != s.code) {
                    continue;
                }
                out.push(healthcare_service(&f, s));
            }
        }
        if q.nothing {
            out.clear();
        }
        Ok(Searchset::of(out, at))
    }

    /// Who practises at which open facility (where the facility did not
    /// deactivate their account), by family name then facility.
    async fn fhir_roles_of(&self, q: &FhirQuery) -> Result<Vec<Role>> {
        let db = self.core.db();
        let mut links = practitioner_facility::Entity::find().filter(crate::staff::practising());
        if let Some(p) = q.practitioner {
            links = links.filter(practitioner_facility::Column::PractitionerId.eq(p));
        }
        if let Some(f) = q.facility {
            links = links.filter(practitioner_facility::Column::FacilityId.eq(f));
        }
        let links = links.all(db).await?;
        let facilities: HashMap<FacilityId, DirectoryFacilityOut> =
            self.open_facilities(&FacilityFilter::default()).await?.into_iter().map(|f| (f.id, f)).collect();
        let people: HashMap<PractitionerId, practitioner::Model> = super::load_map::<practitioner::Entity, _, _, _>(
            db,
            practitioner::Column::Id,
            links.iter().map(|l| l.practitioner_id).collect::<HashSet<_>>().into_iter().collect(),
            |p| p.id,
        )
        .await?;
        let mut roles: Vec<Role> = links
            .into_iter()
            .filter_map(|l| Some(Role { practitioner: people.get(&l.practitioner_id)?.clone(), facility: facilities.get(&l.facility_id)?.clone() }))
            .collect();
        roles.sort_by(|a, b| {
            (&a.practitioner.family_name, &a.practitioner.given_name, a.practitioner.id.as_uuid(), &a.facility.name_fr, a.facility.id.as_uuid()).cmp(&(
                &b.practitioner.family_name,
                &b.practitioner.given_name,
                b.practitioner.id.as_uuid(),
                &b.facility.name_fr,
                b.facility.id.as_uuid(),
            ))
        });
        Ok(roles)
    }

    /// `Practitioner`: everyone who practises at an open facility.
    pub async fn fhir_practitioners(&self, q: &FhirQuery, at: PageAt) -> Result<Searchset> {
        if q.nothing {
            return Ok(Searchset::of(Vec::new(), at));
        }
        let mut seen = HashSet::new();
        let out = self
            .fhir_roles_of(q)
            .await?
            .into_iter()
            .filter(|r| q.id.as_deref().is_none_or(|id| id == r.practitioner.id.to_string()))
            .filter(|r| seen.insert(r.practitioner.id))
            .map(|r| practitioner_resource(&r.practitioner))
            .collect();
        Ok(Searchset::of(out, at))
    }

    /// `PractitionerRole` or `Schedule`: one per practitioner × open facility.
    pub async fn fhir_roles(&self, kind: ResourceType, q: &FhirQuery, at: PageAt) -> Result<Searchset> {
        if q.nothing {
            return Ok(Searchset::of(Vec::new(), at));
        }
        let mut q = q.clone();
        if let Some(id) = q.id.clone() {
            let Some((p, f)) = split_pair(&id) else { return Ok(Searchset::of(Vec::new(), at)) };
            narrow(&mut q.practitioner, PractitionerId(p), &mut q.nothing);
            narrow(&mut q.facility, FacilityId(f), &mut q.nothing);
            if q.nothing {
                return Ok(Searchset::of(Vec::new(), at));
            }
        }
        let catalogue = self.specialty_catalogue().await?;
        let out = self
            .fhir_roles_of(&q)
            .await?
            .into_iter()
            .filter_map(|r| {
                let s = catalogue.by_id.get(&r.practitioner.specialty_id);
                if q.specialty.as_deref().is_some_and(|c| s.is_none_or(|s| s.code != c)) {
                    return None;
                }
                Some(if kind == ResourceType::Schedule {
                    schedule_resource(&r, s)
                } else {
                    let offered = s.is_some_and(|s| r.facility.specialties.contains(&s.code));
                    role_resource(&r, s, offered)
                })
            })
            .collect();
        Ok(Searchset::of(out, at))
    }

    /// `Slot`: the slots of open facilities, by start, in the database's
    /// pages (a search over the whole country never loads it whole).
    pub async fn fhir_slots(&self, q: &FhirQuery, at: PageAt) -> Result<Searchset> {
        let db = self.core.db();
        let empty = || Ok(Searchset::of(Vec::new(), at));
        if q.nothing {
            return empty();
        }
        let catalogue = self.specialty_catalogue().await?;
        let bookable_from = self.core.clock().now() + Duration::hours(self.core.config().booking.min_notice_hours);
        let booked = || {
            Expr::exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from(appointment::Entity)
                    .and_where(Expr::col((appointment::Entity, appointment::Column::ActiveSlotId)).equals((slot::Entity, slot::Column::Id)))
                    .to_owned(),
            )
        };
        let mut select = slot::Entity::find()
            .join(JoinType::InnerJoin, slot::Entity::belongs_to(facility::Entity).from(slot::Column::FacilityId).to(facility::Column::Id).into())
            .filter(facility::Column::Active.eq(true));
        if let Some(id) = &q.id {
            let Some(id) = uuid_of(id) else { return empty() };
            select = select.filter(slot::Column::Id.eq(SlotId(id)));
        }
        if let Some(p) = q.practitioner {
            select = select.filter(slot::Column::PractitionerId.eq(p));
        }
        if let Some(f) = q.facility {
            select = select.filter(slot::Column::FacilityId.eq(f));
        }
        if let Some(code) = &q.specialty {
            let Some(s) = catalogue.code(code) else { return empty() };
            select = select.filter(slot::Column::SpecialtyId.eq(s.id));
        }
        // A period of at most a month (a read by id has none).
        if q.id.is_none() {
            let from = q.from.unwrap_or_else(|| algiers_midnight(self.core.today()));
            let before = q.before.unwrap_or(from + Duration::days(SLOT_SEARCH_DAYS));
            if before - from > Duration::days(SLOT_SEARCH_DAYS) {
                return Err(bad("start"));
            }
            select = select.filter(slot::Column::StartsAt.gte(from)).filter(slot::Column::StartsAt.lt(before));
        }
        // Only where the practitioner still practises: the schedule a slot
        // names is then always there.
        let link = practitioner_facility::Entity;
        select = select.filter(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(link)
                .and_where(Expr::col((link, practitioner_facility::Column::PractitionerId)).equals((slot::Entity, slot::Column::PractitionerId)))
                .and_where(Expr::col((link, practitioner_facility::Column::FacilityId)).equals((slot::Entity, slot::Column::FacilityId)))
                .and_where(crate::staff::practising())
                .to_owned(),
        ));
        if let Some(statuses) = &q.slot_status {
            if statuses.is_empty() {
                return empty();
            }
            let mut any = Condition::any();
            for s in statuses {
                any = any.add(s.condition(booked, bookable_from));
            }
            select = select.filter(any);
        }
        let total = select.clone().count(db).await?;
        let mut rows = select.order_by_asc(slot::Column::StartsAt).order_by_asc(slot::Column::Id).offset(at.offset).limit(at.limit + 1).all(db).await?;
        let more = rows.len() as u64 > at.limit;
        rows.truncate(at.limit as usize);
        let held: HashSet<SlotId> = appointment::Entity::find()
            .filter(appointment::Column::ActiveSlotId.is_in(rows.iter().map(|s| s.id).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|a| a.active_slot_id)
            .collect();
        let resources = rows
            .iter()
            .map(|s| {
                let status = SlotAvailability::of(s.status, held.contains(&s.id), s.starts_at, bookable_from);
                let mut v = json!({
                    "resourceType": "Slot",
                    "id": s.id.to_string(),
                    "schedule": reference_to(ResourceType::Schedule, pair_id(s.practitioner_id.as_uuid(), s.facility_id.as_uuid()), None),
                    "status": status.code(),
                    "start": instant(s.starts_at),
                    "end": instant(s.ends_at),
                });
                if let Some(sp) = catalogue.by_id.get(&s.specialty_id) {
                    v["serviceType"] = json!([specialty_concept(sp)]);
                }
                v
            })
            .collect();
        Ok(Searchset { resources, total, next_cursor: at.page_of(Vec::<()>::new(), more).next_cursor })
    }
}

impl Bookings {
    /// `Appointment`: the actor's own and their dependants', as "my
    /// appointments" lists them (nobody else's: another's id is not found).
    pub async fn fhir_appointments(&self, actor: &Actor, q: &FhirQuery, at: PageAt) -> Result<Searchset> {
        if q.nothing {
            return Ok(Searchset::of(Vec::new(), at));
        }
        let catalogue: HashMap<String, specialty::Model> =
            specialty::Entity::find().all(self.core.db()).await?.into_iter().map(|s| (s.code.clone(), s)).collect();
        let out = self
            .my_appointments(actor)
            .await?
            .into_iter()
            .filter(|a| q.id.as_deref().is_none_or(|id| id == a.id.to_string()))
            .filter(|a| q.from.is_none_or(|t| a.starts_at >= t) && q.before.is_none_or(|t| a.starts_at < t))
            .filter(|a| q.appointment_status.as_ref().is_none_or(|s| s.contains(&a.status)))
            .filter(|a| q.practitioner.is_none_or(|p| p == a.practitioner_id) && q.facility.is_none_or(|f| f == a.facility_id))
            .map(|a| appointment_resource(&a, catalogue.get(&a.specialty)))
            .collect();
        Ok(Searchset::of(out, at))
    }
}

fn appointment_resource(a: &AppointmentOut, s: Option<&specialty::Model>) -> Value {
    let participation = if a.status == AppointmentStatus::Pending { "needs-action" } else { "accepted" };
    let facility_name = if a.facility_name_fr.is_empty() { &a.facility_name_ar } else { &a.facility_name_fr };
    let mut patient = json!({ "status": participation, "required": "required",
        "type": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "SBJ", "display": "subject" }] }] });
    if !a.patient_name.trim().is_empty() {
        patient["actor"] = json!({ "display": a.patient_name });
    }
    let mut v = json!({
        "resourceType": "Appointment",
        "id": a.id.to_string(),
        "status": appointment_status(a.status),
        "start": instant(a.starts_at),
        "end": instant(a.ends_at),
        "minutesDuration": std::cmp::max((a.ends_at - a.starts_at).num_minutes(), 1),
        "slot": [reference_to(ResourceType::Slot, a.slot_id, None)],
        "participant": [
            patient,
            { "actor": reference_to(ResourceType::Practitioner, a.practitioner_id, Some(&a.practitioner_name)), "required": "required", "status": participation },
            { "actor": reference_to(ResourceType::Location, a.facility_id, Some(facility_name)), "required": "required", "status": participation },
        ],
    });
    if let Some(s) = s {
        v["serviceType"] = json!([specialty_concept(s)]);
    }
    v
}

/// The CapabilityStatement `/fhir/metadata` answers: what is served, how
/// it is searched, and that `Appointment` needs the citizen's token.
pub fn capability_statement(base_url: &str) -> Value {
    let resources: Vec<Value> = ResourceType::ALL
        .into_iter()
        .map(|t| {
            let mut params: Vec<Value> = t.search_params().iter().map(|p| json!({ "name": p.name, "type": p.kind, "documentation": p.doc })).collect();
            params.push(json!({ "name": "_count", "type": "number", "documentation": "Results per page, 1 to 200 (50)." }));
            let mut r = json!({
                "type": t.name(),
                "interaction": [{ "code": "read" }, { "code": "search-type" }],
                "searchParam": params,
            });
            if t == ResourceType::Slot {
                r["documentation"] = json!("IHE Scheduling: free slots are those a citizen can book now (open, nobody's, beyond the minimum notice).");
            }
            if t.personal() {
                r["documentation"] =
                    json!("The signed-in citizen's own appointments and their dependants'; Authorization: Bearer <access token> from POST /api/v1/auth/token.");
            }
            r
        })
        .collect();
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": CAPABILITY_DATE,
        "publisher": "Sihati",
        "kind": "instance",
        "software": { "name": "Sihati", "version": env!("CARGO_PKG_VERSION") },
        "implementation": { "description": "Sihati: the public polyclinics of Algeria, read-only", "url": base_url },
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "documentation": "Read-only. Public: the directory, schedules and slots. Personal: a citizen's own appointments.",
            "security": {
                "service": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/restful-security-service", "code": "OAuth" }] }],
                "description": "Appointment needs a bearer access token (POST /api/v1/auth/token); everything else is public.",
            },
            "resource": resources,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    #[test]
    fn a_day_is_algiers_midnight_to_midnight_and_prefixes_bound_it() {
        let q = FhirQuery::parse(ResourceType::Slot, &params(&[("start", "ge2026-12-06"), ("start", "lt2026-12-08")])).unwrap();
        assert_eq!(q.from.map(instant).as_deref(), Some("2026-12-05T23:00:00Z"));
        assert_eq!(q.before.map(instant).as_deref(), Some("2026-12-07T23:00:00Z"));
        let q = FhirQuery::parse(ResourceType::Slot, &params(&[("start", "2026-12-06")])).unwrap();
        assert_eq!((q.from.map(instant), q.before.map(instant)), (Some("2026-12-05T23:00:00Z".into()), Some("2026-12-06T23:00:00Z".into())));
        let q = FhirQuery::parse(ResourceType::Slot, &params(&[("start", "gt2026-12-06T09:00:00+01:00")])).unwrap();
        assert_eq!(q.from.map(instant).as_deref(), Some("2026-12-06T08:00:01Z"));
        assert!(FhirQuery::parse(ResourceType::Slot, &params(&[("start", "ge06/12/2026")])).is_err());
        assert!(FhirQuery::parse(ResourceType::Slot, &params(&[("start:missing", "true")])).is_err(), "a modifier we do not do");
        assert!(FhirQuery::parse(ResourceType::Slot, &params(&[("name", "x")])).is_ok(), "an unknown parameter is ignored");
    }

    #[test]
    fn references_tokens_and_statuses_parse_or_are_refused() {
        let p = Uuid::new_v4();
        let f = Uuid::new_v4();
        let q = FhirQuery::parse(
            ResourceType::Slot,
            &params(&[
                ("schedule", &format!("Schedule/{}", pair_id(p, f))),
                ("service-type", &format!("{SPECIALTY_SYSTEM}|cardiology")),
                ("status", "free,busy"),
            ]),
        )
        .unwrap();
        assert_eq!((q.practitioner, q.facility, q.specialty.as_deref(), q.nothing), (Some(PractitionerId(p)), Some(FacilityId(f)), Some("cardiology"), false));
        assert_eq!(q.slot_status, Some(vec![SlotAvailability::Free, SlotAvailability::Busy]));
        let q = FhirQuery::parse(ResourceType::Slot, &params(&[("status", "free,busy"), ("status", "busy,busy-tentative")])).unwrap();
        assert_eq!(q.slot_status, Some(vec![SlotAvailability::Busy]), "repeated parameters are ANDed");
        let q = FhirQuery::parse(ResourceType::Slot, &params(&[("status", "entered-in-error,free")])).unwrap();
        assert_eq!(q.slot_status, Some(vec![SlotAvailability::Free]), "in any order");
        let q = FhirQuery::parse(
            ResourceType::Slot,
            &params(&[("schedule.actor", &format!("https://x.dz/fhir/Location/{f}")), ("schedule.actor", &format!("Location/{p}"))]),
        )
        .unwrap();
        assert!(q.nothing, "two different places match nothing");
        let q = FhirQuery::parse(ResourceType::Slot, &params(&[("service-type", "http://snomed.info/sct|394579002")])).unwrap();
        assert!(q.nothing, "another code system");
        assert!(FhirQuery::parse(ResourceType::Slot, &params(&[("schedule.actor", &f.to_string())])).is_err(), "the type is needed");
        assert!(FhirQuery::parse(ResourceType::Slot, &params(&[("status", "booked")])).is_err());
        assert!(FhirQuery::parse(ResourceType::Appointment, &params(&[("status", "noshow,booked")])).is_ok());
        assert!(FhirQuery::parse(ResourceType::Location, &params(&[("organization", "Location/x")])).is_err());
    }

    #[test]
    fn a_slot_is_free_only_when_a_citizen_could_book_it_now() {
        let now = Utc::now();
        let later = now + Duration::days(1);
        assert_eq!(SlotAvailability::of(SlotStatus::Open, false, later, now), SlotAvailability::Free);
        assert_eq!(SlotAvailability::of(SlotStatus::Open, false, now - Duration::hours(1), now), SlotAvailability::BusyUnavailable);
        assert_eq!(SlotAvailability::of(SlotStatus::Open, true, later, now), SlotAvailability::Busy);
        assert_eq!(SlotAvailability::of(SlotStatus::Held, false, later, now), SlotAvailability::BusyTentative);
        assert_eq!(SlotAvailability::of(SlotStatus::Closed, false, later, now), SlotAvailability::BusyUnavailable);
    }

    #[test]
    fn pair_ids_are_64_characters_and_read_back() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let id = pair_id(a, b);
        assert_eq!(id.len(), 64);
        assert_eq!(split_pair(&id), Some((a, b)));
        assert_eq!(split_pair(&id[1..]), None);
    }
}
