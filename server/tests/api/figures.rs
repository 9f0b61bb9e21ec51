//! The directorate's figures against a scenario whose expected figures
//! this test computes on its own from the scenario's description: slots,
//! appointments (statuses, channels), visits with their waits, inside and
//! outside the period, in a wilaya (Tlemcen) where the demo has nothing.

use crate::helpers::*;
use chrono::{Duration, NaiveDate, Utc};
use domain::entities::{appointment, practitioner, slot, visit};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use shared::{AppointmentStatus as A, BookingChannel as C, Role, SlotStatus as S};

/// One slot of the scenario: days from today, its status, its appointments.
struct SlotSpec {
    day: i64,
    status: S,
    appointments: Vec<(A, C)>,
}

fn spec(day: i64, status: S, appointments: &[(A, C)]) -> SlotSpec {
    SlotSpec { day, status, appointments: appointments.to_vec() }
}

#[derive(Debug, Default, PartialEq)]
struct Expected {
    published: u64,
    booked: u64,
    due: u64,
    no_shows: u64,
    cancellations: u64,
    freed: u64,
    rebooked: u64,
    web: u64,
    mobile: u64,
    desk: u64,
    third_next: Option<i64>,
}

/// The definitions of `domain::figures`, applied to the scenario by hand.
fn expected(slots: &[SlotSpec], from: i64, to: i64) -> Expected {
    let kept = |a: &A| matches!(a, A::Booked | A::Pending | A::Fulfilled | A::NoShow);
    let mut e = Expected::default();
    for s in slots.iter().filter(|s| (from..=to).contains(&s.day)) {
        if s.status != S::Closed || !s.appointments.is_empty() {
            e.published += 1;
        }
        if s.appointments.iter().any(|(a, _)| kept(a)) {
            e.booked += 1;
        }
        let cancelled = s.appointments.iter().filter(|(a, _)| *a == A::Cancelled).count() as u64;
        let rebooked = s.appointments.iter().any(|(a, _)| kept(a));
        e.cancellations += cancelled;
        // Freed: still offered after the cancellation, or booked again.
        if cancelled > 0 && (s.status != S::Closed || rebooked) {
            e.freed += 1;
            if rebooked {
                e.rebooked += 1;
            }
        }
        for (a, c) in &s.appointments {
            if s.day < 0 && matches!(a, A::Booked | A::Fulfilled | A::NoShow) {
                e.due += 1;
            }
            if *a == A::NoShow {
                e.no_shows += 1;
            }
            if kept(a) {
                match c {
                    C::Web => e.web += 1,
                    C::Mobile => e.mobile += 1,
                    C::Desk => e.desk += 1,
                    C::WalkIn => {}
                }
            }
        }
    }
    // Free ahead: open and not held by a booked or pending appointment.
    let held = |s: &SlotSpec| s.appointments.iter().any(|(a, _)| matches!(a, A::Booked | A::Pending));
    let mut open_ahead: Vec<i64> = slots.iter().filter(|s| s.status == S::Open && s.day > 0 && !held(s)).map(|s| s.day).collect();
    open_ahead.sort();
    e.third_next = open_ahead.get(2).copied();
    e
}

/// The lower median and the 90th percentile by nearest rank (⌈0.9·n⌉-th smallest).
fn percentiles(mut waits: Vec<f64>) -> (u64, Option<f64>, Option<f64>) {
    waits.sort_by(f64::total_cmp);
    let n = waits.len();
    if n == 0 {
        return (0, None, None);
    }
    (n as u64, Some(waits[(n - 1) / 2]), Some(waits[(0.9 * n as f64).ceil() as usize - 1]))
}

fn rate(part: u64, whole: u64) -> Value {
    if whole == 0 {
        Value::Null
    } else {
        json!((part as f64 * 1000.0 / whole as f64).round() / 10.0)
    }
}

#[tokio::test]
async fn the_figures_of_a_period_are_the_ones_its_records_give_and_each_admin_sees_only_their_own() {
    let app = spawn_app().await;
    app.domain.seed_demo().await.unwrap();
    let db = app.domain.db();
    let tlemcen = s(&app.token(domain::seed::OTHER_DIRECTORATE_PHONE, domain::seed::DEMO_PASSWORD).await, "access_token");
    let communes: Value = app.client.get(app.url("/api/v1/directory/wilayas/13/communes?limit=200")).send().await.unwrap().json().await.unwrap();
    let commune = communes["items"].as_array().unwrap().iter().find(|c| c["name_fr"] == "Tlemcen").unwrap()["id"].clone();
    let res = app
        .post_auth(
            "/api/v1/admin/facilities",
            &tlemcen,
            &json!({ "kind": "polyclinic", "name_ar": "عيادة إمامة", "name_fr": "Polyclinique Imama", "commune_id": commune, "address": "Imama",
                     "opens_at": "08:00", "closes_at": "16:00", "specialties": ["dermatology", "paediatrics"] }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let facility: shared::FacilityId = s(&res.json::<Value>().await.unwrap(), "id").parse().unwrap();
    let mut profiles = Vec::new();
    for (code, phone) in [("dermatology", "0661300001"), ("paediatrics", "0661300002")] {
        let id = app
            .domain
            .accounts
            .create_staff(domain::accounts::NewStaff { facility_id: Some(facility), specialty: Some(code.into()), ..staff(Role::Practitioner, phone) })
            .await
            .unwrap();
        profiles.push(practitioner::Entity::find().filter(practitioner::Column::UserId.eq(id)).one(db).await.unwrap().unwrap());
    }
    app.domain.accounts.create_staff(domain::accounts::NewStaff { facility_id: Some(facility), ..staff(Role::FacilityAdmin, "0661300003") }).await.unwrap();
    let admin = s(&app.token("0661300003", PASSWORD).await, "access_token");
    let patient: shared::UserId =
        s(&app.get_auth("/api/v1/me", &s(&app.citizen_tokens().await, "access_token")).await.json::<Value>().await.unwrap(), "id").parse().unwrap();

    // The scenario, as the product leaves its rows (a booking keeps its
    // slot `open`; a closure closes it). Dermatology: seen, missed, closed
    // unbooked, booked ahead (before the free ones, so the third free slot
    // is not the third open one), cancelled then booked again, cancelled
    // and left free, cancelled then closed by a closure, pending, free slots
    // ahead, and slots outside the period either side.
    use A::*;
    use C::*;
    let dermatology = vec![
        spec(-5, S::Open, &[(Fulfilled, Web)]),
        spec(-5, S::Open, &[(NoShow, Mobile)]),
        spec(-4, S::Open, &[(NoShow, Desk)]),
        spec(-4, S::Open, &[]),
        spec(-3, S::Closed, &[]),
        spec(1, S::Open, &[(Booked, Web)]),
        spec(3, S::Open, &[(Booked, Web)]),
        spec(4, S::Open, &[(Cancelled, Web), (Booked, Mobile)]),
        spec(5, S::Open, &[(Cancelled, Desk)]),
        spec(6, S::Open, &[(Pending, Web)]),
        spec(6, S::Closed, &[(Cancelled, Mobile)]),
        spec(2, S::Open, &[]),
        spec(7, S::Open, &[]),
        spec(9, S::Open, &[]),
        spec(-30, S::Open, &[(Fulfilled, Web)]),
        spec(40, S::Open, &[]),
    ];
    let paediatrics = vec![spec(-2, S::Open, &[(Fulfilled, Desk)]), spec(1, S::Open, &[]), spec(8, S::Open, &[])];
    let today = app.domain.today();
    let at = |day: i64, n: usize| domain::booking::algiers_midnight(today + Duration::days(day)) + Duration::hours(9) + Duration::minutes(20 * n as i64);
    for (p, slots) in [(&profiles[0], &dermatology), (&profiles[1], &paediatrics)] {
        for (n, sp) in slots.iter().enumerate() {
            let id = shared::SlotId(uuid::Uuid::new_v4());
            slot::ActiveModel {
                id: Set(id),
                facility_id: Set(facility),
                practitioner_id: Set(p.id),
                specialty_id: Set(p.specialty_id),
                template_id: Set(None),
                starts_at: Set(at(sp.day, n)),
                ends_at: Set(at(sp.day, n) + Duration::minutes(20)),
                status: Set(sp.status),
                created_at: Set(Utc::now()),
            }
            .insert(db)
            .await
            .unwrap();
            for (status, channel) in &sp.appointments {
                appointment::ActiveModel {
                    id: Set(shared::AppointmentId(uuid::Uuid::new_v4())),
                    facility_id: Set(facility),
                    slot_id: Set(id),
                    patient_id: Set(patient),
                    subject_id: Set(None),
                    dependant_id: Set(None),
                    booked_by: Set(patient),
                    specialty_id: Set(p.specialty_id),
                    status: Set(*status),
                    active_slot_id: Set(status.holds_slot().then_some(id)),
                    active_specialty_id: Set(None),
                    reason: Set(None),
                    cancel_reason: Set(None),
                    reviewed_by: Set(None),
                    reviewed_at: Set(None),
                    channel: Set(Some(*channel)),
                    confirmed_at: Set(None),
                    created_at: Set(Utc::now()),
                    updated_at: Set(Utc::now()),
                }
                .insert(db)
                .await
                .unwrap();
            }
        }
    }
    // Waits at the polyclinic, in minutes (None: never called; the last one is outside the period).
    let visits: Vec<(usize, i64, Option<f64>)> = vec![
        (0, -5, Some(5.0)),
        (0, -5, Some(60.0)),
        (0, -5, Some(10.0)),
        (0, -4, Some(20.0)),
        (0, -4, Some(15.0)),
        (0, -4, None),
        (1, -2, Some(7.0)),
        (0, -30, Some(1.0)),
    ];
    for (n, (which, day, wait)) in visits.iter().enumerate() {
        let arrived = at(*day, n) - Duration::hours(1);
        visit::ActiveModel {
            id: Set(shared::VisitId(uuid::Uuid::new_v4())),
            facility_id: Set(facility),
            day: Set(today + Duration::days(*day)),
            specialty_id: Set(profiles[*which].specialty_id),
            practitioner_id: Set(None),
            person_id: Set(shared::PersonId(uuid::Uuid::new_v4())),
            account_id: Set(None),
            appointment_id: Set(None),
            ticket: Set(format!("T-{n:03}")),
            urgent: Set(false),
            priority: Set(None),
            status: Set(if wait.is_some() { shared::VisitStatus::Done } else { shared::VisitStatus::Waiting }),
            arrived_at: Set(arrived),
            requeued_at: Set(None),
            called_at: Set(wait.map(|w| arrived + Duration::seconds((w * 60.0) as i64))),
            called_by: Set(None),
            room: Set(None),
            started_at: Set(None),
            ended_at: Set(None),
            created_by: Set(patient),
            updated_at: Set(Utc::now()),
        }
        .insert(db)
        .await
        .unwrap();
    }

    let (from, to) = (-10, 20);
    let day = |d: i64| -> NaiveDate { today + Duration::days(d) };
    let url = format!("/api/v1/figures?from={}&to={}", day(from), day(to));
    let res = app.get_auth(&url, &tlemcen).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let figures: Value = res.json().await.unwrap();
    let rows = figures["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "one row per specialty of the one facility of Tlemcen: {figures}");
    let waits_of = |which: usize| visits.iter().filter(|v| v.0 == which && (from..=to).contains(&v.1)).filter_map(|v| v.2).collect::<Vec<_>>();
    let mut all = Expected::default();
    for (code, slots, which) in [("dermatology", &dermatology, 0), ("paediatrics", &paediatrics, 1)] {
        let e = expected(slots, from, to);
        let r = rows.iter().find(|r| r["specialty"] == code).unwrap();
        let got = |k: &str| r[k].as_u64().unwrap();
        let seen = Expected {
            published: got("slots_published"),
            booked: got("slots_booked"),
            due: got("appointments_due"),
            no_shows: got("no_shows"),
            cancellations: got("cancellations"),
            freed: got("slots_freed"),
            rebooked: got("slots_rebooked"),
            web: got("booked_web"),
            mobile: got("booked_mobile"),
            desk: got("booked_desk"),
            third_next: r["third_next_available_days"].as_i64(),
        };
        assert_eq!(seen, e, "{code}: {r}");
        assert_eq!(
            (r["fill_rate"].clone(), r["no_show_rate"].clone(), r["rebooked_rate"].clone()),
            (rate(e.booked, e.published), rate(e.no_shows, e.due), rate(e.rebooked, e.freed))
        );
        let (n, p50, p90) = percentiles(waits_of(which));
        assert_eq!((got("waits_measured"), r["wait_p50_minutes"].as_f64(), r["wait_p90_minutes"].as_f64()), (n, p50, p90), "{code} waits");
        all.published += e.published;
        all.booked += e.booked;
        all.no_shows += e.no_shows;
        all.due += e.due;
        all.cancellations += e.cancellations;
        all.web += e.web;
        all.mobile += e.mobile;
        all.desk += e.desk;
    }
    let t = &figures["total"];
    assert_eq!(
        (t["slots_published"].as_u64(), t["slots_booked"].as_u64(), t["fill_rate"].clone()),
        (Some(all.published), Some(all.booked), rate(all.booked, all.published))
    );
    assert_eq!(
        (t["appointments_due"].as_u64(), t["no_shows"].as_u64(), t["no_show_rate"].clone()),
        (Some(all.due), Some(all.no_shows), rate(all.no_shows, all.due))
    );
    assert_eq!(
        (t["cancellations"].as_u64(), t["booked_web"].as_u64(), t["booked_mobile"].as_u64(), t["booked_desk"].as_u64()),
        (Some(all.cancellations), Some(all.web), Some(all.mobile), Some(all.desk))
    );
    let (n, p50, p90) = percentiles([waits_of(0), waits_of(1)].concat());
    assert_eq!((t["waits_measured"].as_u64(), t["wait_p50_minutes"].as_f64(), t["wait_p90_minutes"].as_f64()), (Some(n), p50, p90));

    // The same as CSV: a header, a line per row, the total.
    let csv = app.get_auth(&url.replace("/figures?", "/figures.csv?"), &tlemcen).await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + rows.len() + 1);
    let derm = lines.iter().find(|l| l.contains(",dermatology,")).unwrap();
    let e = expected(&dermatology, from, to);
    assert!(derm.trim_start_matches('\u{feff}').starts_with(&format!("Polyclinique Imama,dermatology,{},{},", e.published, e.booked)), "{derm}");

    // The facility's admin sees the same rows; Oran's directorate sees none
    // of Tlemcen's, and is refused the facility by name; nobody else sees any.
    let theirs: Value = app.get_auth(&url, &admin).await.json().await.unwrap();
    assert_eq!(theirs["rows"], figures["rows"]);
    let demo_admin = s(&app.token("0550000004", domain::seed::DEMO_PASSWORD).await, "access_token");
    let demo_facility = s(&app.get_auth("/api/v1/me", &demo_admin).await.json::<Value>().await.unwrap(), "facility_id");
    assert_eq!(app.get_auth(&format!("{url}&facility_id={demo_facility}"), &admin).await.status(), StatusCode::NOT_FOUND, "not their facility");
    let oran = s(&app.token("0550000005", domain::seed::DEMO_PASSWORD).await, "access_token");
    let other: Value = app.get_auth(&url, &oran).await.json().await.unwrap();
    assert!(other["rows"].as_array().unwrap().iter().all(|r| r["facility_id"] != json!(facility)), "{other}");
    assert_eq!(app.get_auth(&format!("{url}&facility_id={facility}"), &oran).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get_auth(&format!("{url}&facility_id={facility}"), &tlemcen).await.status(), StatusCode::OK, "positive control");
    let desk = s(&app.token("0550000002", domain::seed::DEMO_PASSWORD).await, "access_token");
    assert_eq!(app.get_auth(&url, &desk).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.client.get(app.url(&url)).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let (status, _, err) = error_code(app.get_auth(&format!("/api/v1/figures?from={}&to={}", day(5), day(1)), &tlemcen).await).await;
    assert_eq!((status, err["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("to")));

    // The web page draws the charts on the server, with the table; its CSV
    // link works with the session cookie (and without a facility chosen).
    let cookie = web_session(&app, "0661300003", PASSWORD).await;
    let page =
        app.client.get(app.url(&format!("/figures?from={}&to={}", day(from), day(to)))).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-test=\"chart-fill\"") && page.contains("<svg") && page.contains("role=\"img\""), "the chart is in the served page");
    assert!(page.contains("data-test=\"figures-total\""));
    let link = format!("/figures.csv?from={}&amp;to={}", day(from), day(to));
    assert!(page.contains(&link), "the page links its CSV");
    let link = link.replace("&amp;", "&");
    let res = app.client.get(app.url(&link)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap().lines().count(), lines.len());
    assert_eq!(app.client.get(app.url(&link)).send().await.unwrap().status(), StatusCode::UNAUTHORIZED, "no cookie, no figures");
}
