//! `/fhir`: the network in FHIR R4, read-only. The same slots as the JSON
//! search, page after page; a booked slot turns busy; a citizen's own
//! appointments with their token, nobody else's; clear OperationOutcomes.
//! (The answers' conformance to R4 is checked by two validators in the
//! end-to-end suite, `end2end/tests/fhir.spec.ts`.)

use crate::booking::clinic_with_slots;
use crate::helpers::*;
use chrono::{Datelike, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

async fn fhir(app: &TestApp, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut req = app.client.get(app.url(path)).header("accept-language", "fr");
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    assert!(ct.starts_with("application/fhir+json"), "{path}: {ct}");
    (status, res.json().await.unwrap())
}

/// Every resource a search finds, following its `next` links; the pages read.
async fn search_all(app: &TestApp, path: &str, token: Option<&str>) -> (Vec<Value>, u64, usize) {
    let (mut all, mut pages) = (Vec::new(), 0);
    let mut next = Some(path.to_owned());
    let mut total = 0;
    while let Some(p) = next.take() {
        let (status, bundle) = fhir(app, &p, token).await;
        assert_eq!((status, bundle["resourceType"].as_str(), bundle["type"].as_str()), (StatusCode::OK, Some("Bundle"), Some("searchset")), "{p}: {bundle}");
        pages += 1;
        total = bundle["total"].as_u64().expect("total");
        all.extend(bundle["entry"].as_array().into_iter().flatten().map(|e| e["resource"].clone()));
        next = bundle["link"].as_array().unwrap().iter().find(|l| l["relation"] == "next").map(|l| {
            let url = l["url"].as_str().unwrap();
            url[url.find("/fhir/").unwrap()..].to_owned()
        });
    }
    (all, total, pages)
}

fn ids(resources: &[Value]) -> BTreeSet<String> {
    resources.iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn slots_are_searched_as_ihe_scheduling_asks_and_a_citizen_reads_only_their_own_appointments() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let (f, p, spec) = (&c.facility_id, &c.practitioner_id, &c.specialty);

    // What the server says it does.
    let (status, cap) = fhir(&app, "/fhir/metadata", None).await;
    assert_eq!((status, cap["resourceType"].as_str(), cap["fhirVersion"].as_str()), (StatusCode::OK, Some("CapabilityStatement"), Some("4.0.1")));
    let served: Vec<&str> = cap["rest"][0]["resource"].as_array().unwrap().iter().map(|r| r["type"].as_str().unwrap()).collect();
    assert_eq!(served, ["Organization", "Location", "HealthcareService", "Practitioner", "PractitionerRole", "Schedule", "Slot", "Appointment"]);

    // The practitioner's free slots over two days: the same as the JSON
    // search finds, read in pages of 7 with the next links.
    // A Sunday and Monday at least three days ahead (the clinic's evening
    // templates' days), the next such pair when a holiday closed them.
    let mut from = (Utc::now() + Duration::days(3)).date_naive();
    while from.weekday() != chrono::Weekday::Sun {
        from += Duration::days(1);
    }
    let (from, to, json_free) = {
        let mut found = None;
        for week in 0..4 {
            let day = from + Duration::weeks(week);
            let free: BTreeSet<String> = c.free_slots(&app, day, day + Duration::days(1)).await.iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect();
            if free.len() > 7 {
                found = Some((day, day + Duration::days(1), free));
                break;
            }
        }
        found.expect("more than one page of free slots on a Sunday and Monday")
    };
    // At this facility: the practitioner may also be posted to another.
    let search = format!(
        "/fhir/Slot?schedule.actor=Practitioner/{p}&schedule.actor=Location/{f}&service-type={spec}&start=ge{from}&start=lt{}&status=free&_count=7",
        to + Duration::days(1)
    );
    let (free, total, pages) = search_all(&app, &search, None).await;
    assert_eq!(ids(&free), json_free);
    assert_eq!((total as usize, pages), (json_free.len(), json_free.len().div_ceil(7)));
    assert!(free.iter().all(|s| s["status"] == "free" && s["serviceType"][0]["coding"][0]["code"] == spec.as_str()));
    // In order of start.
    let starts: Vec<&str> = free.iter().map(|s| s["start"].as_str().unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");

    // The schedule a slot names is there, with its practitioner and place.
    let schedule = free[0]["schedule"]["reference"].as_str().unwrap().to_owned();
    let (status, sched) = fhir(&app, &format!("/fhir/{schedule}"), None).await;
    assert_eq!(status, StatusCode::OK, "{sched}");
    let actors: Vec<&str> = sched["actor"].as_array().unwrap().iter().map(|a| a["reference"].as_str().unwrap()).collect();
    assert!(actors.contains(&format!("Practitioner/{p}").as_str()) && actors.contains(&format!("Location/{f}").as_str()), "{actors:?}");

    // Alice books one: it turns busy, leaves the free search, and is
    // among the busy ones of the same period.
    let slot = free[0]["id"].as_str().unwrap().to_owned();
    let alice = s(&app.citizen_tokens().await, "access_token");
    let bob = s(&app.citizen_tokens().await, "access_token");
    let res = app.post_auth("/api/v1/appointments", &alice, &json!({ "slot_id": slot })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let booked: Value = res.json().await.unwrap();
    let (_, read) = fhir(&app, &format!("/fhir/Slot/{slot}"), None).await;
    assert_eq!(read["status"], "busy");
    let (after, total_after, _) = search_all(&app, &search.replace("_count=7", "_count=200"), None).await;
    assert_eq!((total_after, ids(&after).contains(&slot)), (total - 1, false));
    let (busy, _, _) = search_all(&app, &search.replace("status=free", "status=busy"), None).await;
    assert_eq!(ids(&busy), BTreeSet::from([slot.clone()]));

    // Her appointment, with her token only: none without one (401, with
    // the scheme to use), none of hers for Bob.
    let (status, outcome) = fhir(&app, "/fhir/Appointment", None).await;
    assert_eq!(
        (status, outcome["resourceType"].as_str(), outcome["issue"][0]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("OperationOutcome"), Some("login"))
    );
    let (mine, total, _) = search_all(&app, "/fhir/Appointment?status=booked", Some(&alice)).await;
    assert_eq!(total, 1);
    let a = &mine[0];
    assert_eq!(
        (a["id"].as_str(), a["status"].as_str(), a["slot"][0]["reference"].as_str()),
        (booked["id"].as_str(), Some("booked"), Some(format!("Slot/{slot}").as_str()))
    );
    assert!(a["participant"].as_array().unwrap().iter().any(|x| x["actor"]["reference"] == format!("Practitioner/{p}")));
    let id = s(a, "id");
    assert_eq!(fhir(&app, &format!("/fhir/Appointment/{id}"), Some(&alice)).await.0, StatusCode::OK);
    assert_eq!(fhir(&app, &format!("/fhir/Appointment/{id}"), Some(&bob)).await.0, StatusCode::NOT_FOUND, "not Bob's");
    let (theirs, total, _) = search_all(&app, "/fhir/Appointment", Some(&bob)).await;
    assert_eq!((theirs.len(), total), (0, 0));
    let res = app.client.get(app.url("/fhir/Appointment")).bearer_auth(&alice).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store", "personal");
    let (cancelled, _, _) = search_all(&app, "/fhir/Appointment?status=cancelled", Some(&alice)).await;
    assert!(cancelled.is_empty(), "the status filter filters");
}

#[tokio::test]
async fn the_directory_reads_as_organizations_locations_services_and_roles_and_bad_searches_say_why() {
    let app = spawn_app().await;
    let c = clinic_with_slots(&app).await;
    let (f, p, spec) = (&c.facility_id, &c.practitioner_id, &c.specialty);

    // The clinic is an organization of Oran (by the start of its name, or
    // its code), not of Algiers.
    for state in ["Oran", "or", "31"] {
        let (orgs, _, _) = search_all(&app, &format!("/fhir/Organization?address-state={state}"), None).await;
        assert!(ids(&orgs).contains(f), "{state}");
        if state != "or" {
            assert!(orgs.iter().all(|o| o["address"][0]["state"] == "Oran"), "{state}");
        }
    }
    let (algiers, _, _) = search_all(&app, "/fhir/Organization?address-state=Alger", None).await;
    assert!(!ids(&algiers).contains(f));

    // Its place, managed by it, with its hours.
    let (status, loc) = fhir(&app, &format!("/fhir/Location/{f}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(loc["managingOrganization"]["reference"], format!("Organization/{f}"));
    assert!(loc["hoursOfOperation"][0]["openingTime"].as_str().unwrap().len() == 8);

    // The specialty it offers, read back by the id the search gave.
    let (services, total, _) = search_all(&app, &format!("/fhir/HealthcareService?organization=Organization/{f}&service-type={spec}"), None).await;
    assert_eq!((services.len(), total), (1, 1));
    let service_id = s(&services[0], "id");
    let (status, read) = fhir(&app, &format!("/fhir/HealthcareService/{service_id}"), None).await;
    assert_eq!((status, &read["type"][0]["coding"][0]["code"]), (StatusCode::OK, &json!(spec)));
    let (all_services, _, _) = search_all(&app, &format!("/fhir/HealthcareService?location={f}"), None).await;
    assert!(all_services.len() > 1, "the clinic offers several specialties");

    // The practitioner's role there points to that service.
    let (roles, _, _) = search_all(&app, &format!("/fhir/PractitionerRole?practitioner=Practitioner/{p}"), None).await;
    let here = roles.iter().find(|r| r["organization"]["reference"] == format!("Organization/{f}")).expect("a role at the clinic");
    assert_eq!(here["healthcareService"][0]["reference"], format!("HealthcareService/{service_id}"));
    let (status, person) = fhir(&app, &format!("/fhir/Practitioner/{p}"), None).await;
    assert_eq!((status, person["name"][0]["family"].is_string()), (StatusCode::OK, true));
    assert!(person.get("telecom").is_none(), "no contact details of a practitioner");

    // A second download is spared.
    let res = app.client.get(app.url(&format!("/fhir/Location/{f}"))).send().await.unwrap();
    let etag = res.headers()["etag"].clone();
    assert!(res.headers()["cache-control"].to_str().unwrap().starts_with("public"));
    let res = app.client.get(app.url(&format!("/fhir/Location/{f}"))).header("if-none-match", etag).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

    // Refusals, each against a search that works.
    let (status, o) = fhir(&app, "/fhir/Slot?start=ge2026-13-45", None).await;
    assert_eq!((status, o["issue"][0]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid")), "{o}");
    assert!(o["issue"][0]["diagnostics"].as_str().unwrap().starts_with("start"), "{o}");
    assert_eq!(fhir(&app, "/fhir/Slot?start=ge2026-12-31", None).await.0, StatusCode::OK);
    assert_eq!(fhir(&app, "/fhir/Slot?_count=0", None).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(fhir(&app, "/fhir/Slot?_count=1", None).await.0, StatusCode::OK);
    let (status, o) = fhir(&app, "/fhir/Patient", None).await;
    assert_eq!((status, o["issue"][0]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not-found")), "no Patient here");
    assert_eq!(fhir(&app, &format!("/fhir/Organization/{}", uuid::Uuid::new_v4()), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(fhir(&app, &format!("/fhir/Organization/{f}"), None).await.0, StatusCode::OK);
}
