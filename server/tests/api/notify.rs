//! Notifications against a real SMTP server on loopback (aiosmtpd): the
//! confirmation and reminders of a booking at their times (the domain's
//! clock moved forward), nothing for a cancelled or moved-away time, an
//! SMTP outage, SIGKILL and SIGTERM of the real server process, the SMS
//! gateway with dead letters, and the signed cancel link.

use crate::booking::{clinic_with_slots, Clinic};
use crate::helpers::*;
use crate::mail::{free_port, Mail, SmtpServer};
use chrono::{DateTime, Duration, Utc};
use domain::entities::{outbox, referral, specialty, user};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{json, Value};
use shared::{MessageChannel, MessageKind, OutboxStatus};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use uuid::Uuid;

fn with_smtp(smtp: &SmtpServer) -> impl FnOnce(&mut server::Config) {
    let url = smtp.url();
    move |c| {
        c.smtp_url = Some(url.into());
        c.outbox_poll_ms = 50;
        c.notify.retry_base_secs = 1;
        c.notify.retry_cap_secs = 2;
    }
}

/// The clinic practitioner's free slots at least `from_days` ahead.
async fn clinic_slots(app: &TestApp, c: &Clinic, from_days: i64) -> Vec<Value> {
    let from = (Utc::now() + Duration::days(from_days)).date_naive();
    let to = from + Duration::days(40);
    let found = c.free_slots(app, from, to).await;
    assert!(found.len() >= 4, "the clinic has free slots");
    found
}

struct Citizen {
    token: String,
    email: String,
}

async fn citizen(app: &TestApp) -> Citizen {
    let (phone, reg) = app.register_citizen().await;
    Citizen { token: s(&app.token(&phone, PASSWORD).await, "access_token"), email: s(&reg, "email") }
}

async fn book(app: &TestApp, who: &Citizen, slot: &Value) -> Value {
    let res = app.post_auth("/api/v1/appointments", &who.token, &json!({ "slot_id": slot["id"], "reason": "" })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

/// The appointment mail to `email` (the link that confirms the address,
/// sent at registration, is not one of them).
fn to(m: &[Mail], email: &str) -> Vec<Mail> {
    m.iter().filter(|x| x.to == email && !x.subject.starts_with("Confirmez votre adresse")).cloned().collect()
}

fn starts(v: &Value) -> DateTime<Utc> {
    v["starts_at"].as_str().unwrap().parse().unwrap()
}

/// DTSTART of the calendar file, which must be Algiers time with its TZID.
fn ics_start(m: &Mail) -> String {
    let ics = m.ics.as_ref().unwrap_or_else(|| panic!("{} has a calendar file", m.subject));
    let unfolded = icalendar::parser::unfold(ics);
    let cal = icalendar::parser::read_calendar(&unfolded).expect("the .ics parses");
    assert!(cal.components.iter().any(|c| c.name == "VTIMEZONE"), "VTIMEZONE for Africa/Algiers");
    let ev = cal.components.iter().find(|c| c.name == "VEVENT").expect("VEVENT");
    let start = ev.find_prop("DTSTART").expect("DTSTART");
    assert!(start.params.iter().any(|p| p.key == "TZID" && p.val.as_ref().map(|v| v.as_str()) == Some("Africa/Algiers")));
    start.val.as_str().to_owned()
}

fn algiers_stamp(t: DateTime<Utc>) -> String {
    t.with_timezone(&shared::time::algiers()).format("%Y%m%dT%H%M%S").to_string()
}

async fn quiet(ms: u64) {
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}

#[tokio::test]
async fn a_booking_sends_one_confirmation_then_each_reminder_at_its_time() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(with_smtp(&smtp)).await;
    let clinic = clinic_with_slots(&app).await;
    let amina = citizen(&app).await;
    let slot = clinic_slots(&app, &clinic, 3).await[0].clone();
    let booked = book(&app, &amina, &slot).await;
    let at = starts(&slot);
    // The booking wrote its confirmation, one row per channel, and no
    // reminder: those are made by the worker when they come near.
    let rows = outbox::Entity::find().filter(outbox::Column::AppointmentId.eq(s(&booked, "id").parse::<Uuid>().unwrap())).all(app.domain.db()).await.unwrap();
    assert_eq!(rows.len(), MessageChannel::ALL.len(), "{rows:?}");
    assert!(rows.iter().all(|r| r.kind == MessageKind::Booked));

    let got = to(&smtp.wait_until(20, "the confirmation", |m| !to(m, &amina.email).is_empty()).await, &amina.email);
    assert_eq!(got.len(), 1);
    let confirmation = &got[0];
    assert!(confirmation.subject.starts_with("Rendez-vous confirmé"), "{}", confirmation.subject);
    assert!(confirmation.text.contains("Bonjour Amina"), "{}", confirmation.text);
    // What to bring, always the identity and Chifa cards.
    assert!(confirmation.text.contains("Avant votre visite :\n- votre carte d'identité nationale\n- votre carte Chifa"), "{}", confirmation.text);
    assert!(!confirmation.message_id.is_empty());
    assert_eq!(ics_start(confirmation), algiers_stamp(at));
    let ics = confirmation.ics.as_ref().unwrap();
    assert!(ics.contains("METHOD:PUBLISH") && ics.contains("BEGIN:VALARM"), "{ics}");

    // Nothing else is due yet.
    quiet(1000).await;
    assert_eq!(to(&smtp.messages(), &amina.email).len(), 1, "no reminder before its time");

    // 24 hours before (plus a minute): the first reminder, and only it.
    app.domain.clock().advance(at - Duration::hours(24) + Duration::minutes(1) - Utc::now());
    let got = to(&smtp.wait_until(20, "the 24 h reminder", |m| to(m, &amina.email).len() >= 2).await, &amina.email);
    quiet(700).await;
    let got_after = to(&smtp.messages(), &amina.email);
    assert_eq!(got_after.len(), 2, "{:?}", got.iter().map(|m| &m.subject).collect::<Vec<_>>());
    let r24 = got_after.iter().find(|m| m.subject.starts_with("Rappel")).expect("a reminder");
    assert!(r24.subject.contains("24 h"), "{}", r24.subject);
    assert_eq!(ics_start(r24), algiers_stamp(at));

    // Two hours before: the second.
    app.domain.clock().advance(Duration::hours(22));
    smtp.wait_until(20, "the 2 h reminder", |m| to(m, &amina.email).len() >= 3).await;
    app.domain.clock().advance(Duration::days(3));
    quiet(1000).await;
    let all = to(&smtp.messages(), &amina.email);
    assert_eq!(all.len(), 3, "{:?}", all.iter().map(|m| &m.subject).collect::<Vec<_>>());
    assert!(all.iter().any(|m| m.subject.contains("dans 2 h")));
    let ids: std::collections::HashSet<_> = all.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(ids.len(), 3, "one Message-ID per message");

    // The same three are in the in-app inbox, in the reader's language.
    let res = app.client.get(app.url("/api/v1/inbox")).bearer_auth(&amina.token).header("Accept-Language", "ar").send().await.unwrap();
    let inbox: Value = res.json().await.unwrap();
    assert_eq!(inbox["unread"], 3);
    let items = inbox["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items.iter().any(|i| i["title"].as_str().unwrap().starts_with("تأكيد موعد")), "{inbox}");
    let first = s(&items[0], "id");
    let res = app.post_auth(&format!("/api/v1/inbox/{first}/read"), &amina.token, &json!({})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["unread"], 2);
    // Another citizen cannot touch it.
    let other = citizen(&app).await;
    let res = app.post_auth(&format!("/api/v1/inbox/{}/read", s(&items[1], "id")), &other.token, &json!({})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let theirs: Value = app.get_auth("/api/v1/inbox", &other.token).await.json().await.unwrap();
    assert_eq!(theirs["items"].as_array().unwrap().len(), 0);
    let res = app.post_auth("/api/v1/inbox/read-all", &amina.token, &json!({})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["unread"], 0);
}

#[tokio::test]
async fn a_cancelled_appointment_gets_no_reminder_and_a_moved_one_only_for_its_new_time() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(with_smtp(&smtp)).await;
    let clinic = clinic_with_slots(&app).await;
    let slots = clinic_slots(&app, &clinic, 3).await;
    // The earliest is the new time: at its reminders' time the other two
    // have not begun, so only their appointments' state keeps theirs out.
    let (first, moved_to, cancelled_slot) = (&slots[2], &slots[0], &slots[1]);

    let mover = citizen(&app).await;
    let a = book(&app, &mover, first).await;
    let res = app.post_auth(&format!("/api/v1/appointments/{}/reschedule", s(&a, "id")), &mover.token, &json!({ "slot_id": moved_to["id"] })).await;
    assert_eq!(res.status(), StatusCode::CREATED, "the move makes a new appointment");
    let moved: Value = res.json().await.unwrap();

    let canceller = citizen(&app).await;
    let b = book(&app, &canceller, cancelled_slot).await;
    let res = app.post_auth(&format!("/api/v1/appointments/{}/cancel", s(&b, "id")), &canceller.token, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);

    smtp.wait_until(20, "confirmations, move and cancellation", |m| to(m, &mover.email).len() >= 2 && to(m, &canceller.email).len() >= 2).await;
    // An hour before the new time: past both its reminders' times and the
    // other two's (slots minutes apart), none of them begun.
    let earliest = [first, moved_to, cancelled_slot].iter().map(|s| starts(s)).min().unwrap();
    assert_eq!(earliest, starts(moved_to));
    let latest = [first, cancelled_slot].iter().map(|s| starts(s)).max().unwrap();
    assert!(
        latest - Duration::hours(2) <= earliest - Duration::hours(1),
        "the others' reminders are due too: {:?}",
        slots.iter().take(3).map(starts).collect::<Vec<_>>()
    );
    app.domain.clock().advance(earliest - Duration::hours(1) - Utc::now());
    smtp.wait_until(20, "the moved appointment's reminders", |m| to(m, &mover.email).len() >= 4).await;
    quiet(1500).await;

    let mover_mail = to(&smtp.messages(), &mover.email);
    let subjects: Vec<_> = mover_mail.iter().map(|m| m.subject.clone()).collect();
    assert_eq!(mover_mail.len(), 4, "{subjects:?}");
    assert_eq!(subjects.iter().filter(|s| s.starts_with("Rendez-vous confirmé")).count(), 1, "{subjects:?}");
    assert_eq!(subjects.iter().filter(|s| s.starts_with("Rendez-vous déplacé")).count(), 1, "{subjects:?}");
    let reminders: Vec<_> = mover_mail.iter().filter(|m| m.subject.starts_with("Rappel")).collect();
    assert_eq!(reminders.len(), 2, "{subjects:?}");
    for r in reminders {
        assert_eq!(ics_start(r), algiers_stamp(starts(moved_to)), "a reminder for the new time only");
    }

    // The worker made reminders for the booked appointment only: none for
    // the cancelled one or the time moved away from.
    let reminders_of = |id: String| {
        let db = app.domain.db();
        async move {
            outbox::Entity::find()
                .filter(outbox::Column::AppointmentId.eq(id.parse::<Uuid>().unwrap()))
                .filter(outbox::Column::Kind.eq(MessageKind::Reminder))
                .count(db)
                .await
                .unwrap()
        }
    };
    assert_eq!(reminders_of(s(&moved, "id")).await, 2 * MessageChannel::ALL.len() as u64);
    assert_eq!((reminders_of(s(&a, "id")).await, reminders_of(s(&b, "id")).await), (0, 0));

    let canceller_mail = to(&smtp.messages(), &canceller.email);
    let subjects: Vec<_> = canceller_mail.iter().map(|m| m.subject.clone()).collect();
    assert_eq!(canceller_mail.len(), 2, "{subjects:?}");
    let cancel = canceller_mail.iter().find(|m| m.subject.starts_with("Rendez-vous annulé")).expect("the cancellation");
    assert!(cancel.ics.as_ref().unwrap().contains("METHOD:CANCEL"));
    assert!(!subjects.iter().any(|s| s.starts_with("Rappel")), "{subjects:?}");
}

#[tokio::test]
async fn every_due_message_is_delivered_once_the_smtp_server_is_back() {
    let mut smtp = SmtpServer::start();
    smtp.down();
    let app = spawn_app_with(with_smtp(&smtp)).await;
    let clinic = clinic_with_slots(&app).await;
    let slots = clinic_slots(&app, &clinic, 3).await;
    let mut people = Vec::new();
    for slot in slots.iter().take(3) {
        let c = citizen(&app).await;
        book(&app, &c, slot).await;
        people.push(c);
    }
    // The worker tries, fails and backs off while the server is down.
    let db = app.domain.db();
    let rows = eventually(30, "the worker retries", async || {
        let rows = outbox::Entity::find()
            .filter(outbox::Column::Channel.eq(MessageChannel::Email))
            .filter(outbox::Column::Kind.eq(MessageKind::Booked))
            .all(db)
            .await
            .unwrap();
        (rows.len() == 3 && rows.iter().all(|r| r.attempts >= 2 && r.status == OutboxStatus::Pending)).then_some(rows)
    })
    .await;
    assert!(rows.iter().all(|r| r.last_error.as_deref() == Some("connection")), "{:?}", rows.iter().map(|r| &r.last_error).collect::<Vec<_>>());
    smtp.up();
    smtp.wait_until(30, "the three confirmations", |m| people.iter().all(|p| !to(m, &p.email).is_empty())).await;
    quiet(1000).await;
    let all = smtp.messages();
    for p in &people {
        assert_eq!(to(&all, &p.email).len(), 1, "exactly one confirmation each");
    }
    let sent = outbox::Entity::find()
        .filter(outbox::Column::Channel.eq(MessageChannel::Email))
        .filter(outbox::Column::Status.eq(OutboxStatus::Sent))
        .count(db)
        .await
        .unwrap();
    assert_eq!(sent, 3);
}

/// A database with one citizen and `n` due messages about one referral,
/// for the tests that run the real server binary.
async fn queued_messages(n: usize) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let db = domain::db::connect(&url, 2).await.unwrap();
    domain::db::migrate(&db).await.unwrap();
    let d = domain::Domain::new(db, domain::DomainConfig::for_tests(TEST_SECRET.as_bytes()));
    d.seed_reference().await.unwrap();
    d.seed_demo().await.unwrap();
    let db = d.db();
    let mut holder: user::ActiveModel = user::Entity::find().filter(user::Column::Role.eq(shared::Role::Citizen)).one(db).await.unwrap().unwrap().into();
    holder.email = Set(Some("crash@example.dz".into()));
    let holder = holder.update(db).await.unwrap();
    let spec = specialty::Entity::find().one(db).await.unwrap().unwrap();
    let facility = domain::entities::facility::Entity::find().one(db).await.unwrap().unwrap();
    let now = Utc::now();
    let r = referral::ActiveModel {
        id: Set(shared::ReferralId(Uuid::new_v4())),
        holder_id: Set(holder.id),
        subject_id: Set(holder.id.as_person()),
        dependant_id: Set(None),
        specialty_id: Set(spec.id),
        priority: Set(shared::ReferralPriority::Routine),
        reason: Set("test".into()),
        expires_on: Set((now + Duration::days(30)).date_naive()),
        facility_id: Set(facility.id),
        issued_by: Set(holder.id),
        used_by_appointment_id: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
    let rows: Vec<outbox::ActiveModel> = (0..n)
        .map(|i| outbox::ActiveModel {
            id: Set(shared::DeliveryId(Uuid::new_v4())),
            dedupe_key: Set(format!("crash-test:{i}")),
            kind: Set(MessageKind::Referral),
            channel: Set(MessageChannel::Email),
            account_id: Set(holder.id),
            appointment_id: Set(None),
            subject_id: Set(Some(r.id.as_uuid())),
            facility_id: Set(Some(facility.id)),
            params: Set("{}".into()),
            due_at: Set(now),
            status: Set(OutboxStatus::Pending),
            attempts: Set(0),
            next_attempt_at: Set(now),
            lease_owner: Set(None),
            lease_until: Set(None),
            last_error: Set(None),
            sent_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    for chunk in rows.chunks(200) {
        outbox::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
    }
    (url, dir)
}

/// The real server binary on the given database, mailing `smtp`.
fn server_process(db_url: &str, data_dir: &std::path::Path, smtp: &SmtpServer, lease_secs: u32) -> Child {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .env_remove("LEPTOS_SITE_ADDR")
        .env("SIHATI_DATABASE_URL", db_url)
        .env("SIHATI_DATA_DIR", data_dir)
        .env("SIHATI_JWT_SECRET", TEST_SECRET)
        .env("SIHATI_BIND", format!("127.0.0.1:{}", free_port()))
        .env("SIHATI_SMTP_URL", smtp.url())
        .env("SIHATI_LEASE_SECS", lease_secs.to_string())
        .env("SIHATI_OUTBOX_POLL_MS", "50")
        .env("SIHATI_SEED_DEMO", "false")
        .env("SIHATI_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server binary starts")
}

async fn count_status(db: &sea_orm::DatabaseConnection, status: OutboxStatus) -> u64 {
    outbox::Entity::find().filter(outbox::Column::Status.eq(status)).count(db).await.unwrap()
}

fn message_id_counts(m: &[Mail]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for x in m {
        *counts.entry(x.message_id.clone()).or_insert(0) += 1;
    }
    counts
}

#[tokio::test]
async fn killing_the_server_repeatedly_loses_no_message_and_duplicates_almost_none() {
    const N: usize = 1000;
    let smtp = SmtpServer::start();
    let (url, dir) = queued_messages(N).await;
    let db = domain::db::connect(&url, 2).await.unwrap();
    let mut kills_mid_way = 0;
    for round in 0..5u64 {
        let mut child = server_process(&url, dir.path(), &smtp, 2);
        quiet(700 + round * 150).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let sent = count_status(&db, OutboxStatus::Sent).await;
        if sent > 0 && sent < N as u64 {
            kills_mid_way += 1;
        }
    }
    assert!(kills_mid_way >= 2, "the server was killed while messages were due ({kills_mid_way} times)");
    let mut last = server_process(&url, dir.path(), &smtp, 2);
    let all = smtp.wait_until(180, "all 1000 messages", |m| message_id_counts(m).len() >= N).await;
    quiet(500).await;
    last.kill().unwrap();
    last.wait().unwrap();
    let counts = message_id_counts(&smtp.messages());
    let duplicates: usize = counts.values().map(|c| c - 1).sum();
    assert_eq!(counts.len(), N, "every message arrived ({} received)", all.len());
    assert!(duplicates * 1000 <= N * 5, "{duplicates} duplicates out of {N} is over 0.5 %");
    assert_eq!(count_status(&db, OutboxStatus::Sent).await, N as u64);
    eprintln!("SIGKILL test: {N} messages, {kills_mid_way} kills mid-way, {duplicates} duplicates");
}

#[tokio::test]
async fn sigterm_finishes_the_send_in_hand_and_gives_back_the_rest() {
    const N: usize = 600;
    let smtp = SmtpServer::start();
    let (url, dir) = queued_messages(N).await;
    let db = domain::db::connect(&url, 2).await.unwrap();
    // A lease far longer than the test: only a clean release lets the next
    // process send what this one had claimed.
    let mut child = server_process(&url, dir.path(), &smtp, 3600);
    smtp.wait_until(60, "the first messages", |m| !m.is_empty()).await;
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = eventually(40, "the server stops after SIGTERM", async || child.try_wait().unwrap()).await;
    assert!(exit.success(), "a clean exit: {exit:?}");
    let leased = outbox::Entity::find().filter(outbox::Column::LeaseOwner.is_not_null()).count(&db).await.unwrap();
    assert_eq!(leased, 0, "no message is left leased");
    let sent = count_status(&db, OutboxStatus::Sent).await as usize;
    let received = message_id_counts(&smtp.messages());
    assert_eq!(received.len(), sent, "what was sent is exactly what was recorded as sent");
    assert!(sent < N, "stopped before the end ({sent} of {N}), so the test means something");

    let mut next = server_process(&url, dir.path(), &smtp, 3600);
    smtp.wait_until(120, "the rest, sent by the next process", |m| message_id_counts(m).len() >= N).await;
    next.kill().unwrap();
    next.wait().unwrap();
    let counts = message_id_counts(&smtp.messages());
    assert_eq!(counts.len(), N);
    assert!(counts.values().all(|c| *c == 1), "no duplicate after a clean stop");
}

/// A stand-in SMS gateway (the operator's HTTP API is outside the house):
/// records each request and answers with the status the test sets.
struct Gateway {
    url: String,
    status: std::sync::Arc<std::sync::atomic::AtomicU16>,
    seen: std::sync::Arc<std::sync::Mutex<Vec<(String, Value)>>>,
}

async fn gateway() -> Gateway {
    use axum::{extract::State, http::HeaderMap, routing::post, Json, Router};
    type Shared = (std::sync::Arc<std::sync::atomic::AtomicU16>, std::sync::Arc<std::sync::Mutex<Vec<(String, Value)>>>);
    let status = std::sync::Arc::new(std::sync::atomic::AtomicU16::new(200));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let app = Router::new()
        .route(
            "/send",
            post(|State((status, seen)): State<Shared>, headers: HeaderMap, Json(body): Json<Value>| async move {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                seen.lock().unwrap().push((auth, body));
                axum::http::StatusCode::from_u16(status.load(std::sync::atomic::Ordering::SeqCst)).unwrap()
            }),
        )
        .with_state((status.clone(), seen.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Gateway { url, status, seen }
}

#[tokio::test]
async fn sms_go_through_the_gateway_in_arabic_and_refused_ones_reach_the_facility_admins() {
    let smtp = SmtpServer::start();
    let gw = gateway().await;
    gw.status.store(500, std::sync::atomic::Ordering::SeqCst);
    let gw_url = gw.url.clone();
    let mail = with_smtp(&smtp);
    let app = spawn_app_with(move |c| {
        mail(c);
        c.sms_gateway_url = Some(gw_url);
        c.sms_gateway_auth = Some("Authorization: Bearer gw-secret".to_owned().into());
    })
    .await;
    let clinic = clinic_with_slots(&app).await;
    let (nin, phone) = unique_ids();
    let body = json!({ "nin": nin, "given_name": "Yacine", "family_name": "بن علي", "birth_date": "1985-01-20", "sex": "male",
                       "phone": phone, "password": PASSWORD, "lang": "ar" });
    assert_eq!(app.post("/api/v1/auth/register", &body).await.status(), StatusCode::CREATED);
    let token = s(&app.token(&phone, PASSWORD).await, "access_token");

    // The gateway fails first (500: retried), then accepts: the
    // verification code reaches the phone, in Arabic, and verifies it.
    let wait_requests = |n: usize| {
        let seen = gw.seen.clone();
        async move { eventually(20, &format!("the gateway gets {n} requests"), async || (seen.lock().unwrap().len() >= n).then_some(())).await }
    };
    wait_requests(1).await;
    gw.status.store(200, std::sync::atomic::Ordering::SeqCst);
    wait_requests(2).await;
    let code = {
        let seen = gw.seen.lock().unwrap();
        let (auth, body) = &seen[1];
        assert_eq!(auth, "Bearer gw-secret");
        assert!(body["to"].as_str().unwrap().ends_with(&phone[1..]), "{body}");
        let text = body["text"].as_str().unwrap();
        assert!(text.starts_with("صحتي: رمز التحقق"), "{text}");
        text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).expect("a six-digit code").to_owned()
    };
    assert_eq!(app.post_auth("/api/v1/me/phone/verify", &token, &json!({ "code": code })).await.status(), StatusCode::OK);
    let who = Citizen { token, email: String::new() };
    let slot = clinic_slots(&app, &clinic, 3).await[0].clone();
    let a = book(&app, &who, &slot).await;
    wait_requests(3).await;
    {
        let seen = gw.seen.lock().unwrap();
        let text = seen[2].1["text"].as_str().unwrap();
        assert!(text.starts_with("صحتي: تم تأكيد موعد"), "{text}");
        assert!(text.contains("/a/"), "the SMS carries the cancel link: {text}");
    }

    // Refused for good (400): dead-lettered and shown to the facility's admins.
    gw.status.store(400, std::sync::atomic::Ordering::SeqCst);
    let res = app.post_auth(&format!("/api/v1/appointments/{}/cancel", s(&a, "id")), &who.token, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    wait_requests(4).await;
    // The desk's day list shows the cancellation.
    let day = starts(&slot).with_timezone(&domain::booking::algiers()).date_naive();
    let list: Vec<Value> = items(app.get_auth(&format!("/api/v1/desk/day?date={day}&limit=200"), &clinic.receptionist).await).await;
    let row = list.iter().find(|r| r["slot_id"] == slot["id"]).expect("the slot in the day list");
    assert_eq!(row["cancelled"], json!(["Yacine بن علي"]), "{row}");
    let admin = s(&app.token("0550000004", domain::seed::DEMO_PASSWORD).await, "access_token");
    let dead = eventually(20, "a dead letter", async || {
        let list: Vec<Value> = items(app.get_auth("/api/v1/facility/undelivered", &admin).await).await;
        (!list.is_empty()).then_some(list)
    })
    .await;
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0]["kind"], "cancelled");
    assert_eq!(dead[0]["channel"], "sms");
    assert_eq!(dead[0]["last_error"], "gateway 400");
    assert!(!dead[0].to_string().contains(&phone[1..]), "no phone number in the list");
    let res = app.get_auth("/api/v1/facility/undelivered", &clinic.receptionist).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app.post_auth(&format!("/api/v1/facility/undelivered/{}/retry", s(&dead[0], "id")), &clinic.receptionist, &json!({})).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Fixed at the gateway: the admin queues it again and it goes.
    gw.status.store(200, std::sync::atomic::Ordering::SeqCst);
    let res = app.post_auth(&format!("/api/v1/facility/undelivered/{}/retry", s(&dead[0], "id")), &admin, &json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    wait_requests(5).await;
    let text = gw.seen.lock().unwrap()[4].1["text"].as_str().unwrap().to_owned();
    assert!(text.contains("تم إلغاء موعد"), "{text}");
}

#[tokio::test]
async fn the_cancel_link_of_an_email_cancels_that_appointment_without_signing_in() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(with_smtp(&smtp)).await;
    let clinic = clinic_with_slots(&app).await;
    let amina = citizen(&app).await;
    let slot = clinic_slots(&app, &clinic, 3).await[0].clone();
    let a = book(&app, &amina, &slot).await;
    let mail = to(&smtp.wait_until(20, "the confirmation", |m| !to(m, &amina.email).is_empty()).await, &amina.email).remove(0);
    let tokens: Vec<String> =
        mail.text.split("/a/").skip(1).map(|rest| rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()).collect();
    assert_eq!(tokens.len(), 2, "a view link and a cancel link: {}", mail.text);
    let (view, cancel) = (&tokens[0], &tokens[1]);

    let anon = reqwest::Client::new();
    let shown: Value = anon.get(app.url(&format!("/api/v1/links/{view}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(shown["appointment"]["id"], a["id"]);
    assert_eq!(shown["can_cancel"], false);
    assert_eq!(shown["appointment"]["patient_name"], "", "no name behind a link");
    let res = anon.post(app.url(&format!("/api/v1/links/{view}/cancel"))).send().await.unwrap();
    assert_eq!(error_code(res).await.1, "link_invalid", "a view link cannot cancel");
    let mut forged = cancel.clone().into_bytes();
    forged[5] = if forged[5] == b'A' { b'B' } else { b'A' };
    let res = anon.post(app.url(&format!("/api/v1/links/{}/cancel", String::from_utf8(forged).unwrap()))).send().await.unwrap();
    assert_eq!(error_code(res).await.1, "link_invalid");

    // "I am coming": only the answer link says it; the desk's day list shows it.
    let res = anon.post(app.url(&format!("/api/v1/links/{view}/confirm"))).send().await.unwrap();
    assert_eq!(error_code(res).await.1, "link_invalid", "a view link cannot confirm");
    let before: Value = anon.get(app.url(&format!("/api/v1/links/{cancel}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((before["can_confirm"].as_bool(), before["confirmed"].as_bool()), (Some(true), Some(false)), "{before}");
    let day = shared::time::algiers_date(slot["starts_at"].as_str().unwrap().parse().unwrap());
    let row = |list: Vec<Value>| list.into_iter().find(|r| r["appointment_id"] == a["id"]).expect("the booked slot");
    let listed = row(items(app.get_auth(&format!("/api/v1/desk/day?date={day}&limit=200"), &clinic.receptionist).await).await);
    assert_eq!((listed["confirmed"].as_bool(), listed["channel"].as_str()), (Some(false), Some("mobile")), "booked through the API: the mobile channel");
    let confirmed: Value = anon.post(app.url(&format!("/api/v1/links/{cancel}/confirm"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((confirmed["can_confirm"].as_bool(), confirmed["confirmed"].as_bool()), (Some(false), Some(true)));
    let listed = row(items(app.get_auth(&format!("/api/v1/desk/day?date={day}&limit=200"), &clinic.receptionist).await).await);
    assert_eq!(listed["confirmed"], true);
    let before: Value = anon.get(app.url(&format!("/api/v1/links/{cancel}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(before["can_cancel"], true, "{before}");
    let res = anon.post(app.url(&format!("/api/v1/links/{cancel}/cancel"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "cancelled");
    // The link now says what the web page said already: nothing left to cancel.
    let after: Value = anon.get(app.url(&format!("/api/v1/links/{cancel}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(after["can_cancel"], false, "{after}");
    let mine: Vec<Value> = items(app.get_auth("/api/v1/appointments", &amina.token).await).await;
    assert_eq!(mine.iter().find(|x| x["id"] == a["id"]).unwrap()["status"], "cancelled");
    let res = anon.post(app.url(&format!("/api/v1/links/{cancel}/cancel"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT, "only once");
    smtp.wait_until(20, "the cancellation", |m| to(m, &amina.email).iter().any(|m| m.subject.starts_with("Rendez-vous annulé"))).await;
}

#[tokio::test]
async fn a_citizen_who_turns_email_off_gets_no_email_but_still_the_in_app_message() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(with_smtp(&smtp)).await;
    let clinic = clinic_with_slots(&app).await;
    let quiet_one = citizen(&app).await;
    let prefs: Value = app.get_auth("/api/v1/me/notifications", &quiet_one.token).await.json().await.unwrap();
    assert_eq!(prefs, json!({ "email": true, "sms": true }), "both on by default");
    let res =
        app.client.put(app.url("/api/v1/me/notifications")).bearer_auth(&quiet_one.token).json(&json!({ "email": false, "sms": true })).send().await.unwrap();
    assert_eq!(res.json::<Value>().await.unwrap(), json!({ "email": false, "sms": true }));
    let loud_one = citizen(&app).await;
    let slots = clinic_slots(&app, &clinic, 3).await;
    book(&app, &quiet_one, &slots[0]).await;
    book(&app, &loud_one, &slots[1]).await;

    smtp.wait_until(20, "the other citizen's confirmation", |m| !to(m, &loud_one.email).is_empty()).await;
    eventually(20, "the in-app confirmation", async || {
        let inbox: Value = app.get_auth("/api/v1/inbox", &quiet_one.token).await.json().await.unwrap();
        (inbox["items"].as_array().unwrap().len() == 1).then_some(())
    })
    .await;
    quiet(500).await;
    assert!(to(&smtp.messages(), &quiet_one.email).is_empty(), "no email for a citizen who turned email off");
    let skipped = outbox::Entity::find()
        .filter(outbox::Column::Channel.eq(MessageChannel::Email))
        .filter(outbox::Column::Status.eq(OutboxStatus::Skipped))
        .filter(outbox::Column::LastError.eq("email_off"))
        .count(app.domain.db())
        .await
        .unwrap();
    assert_eq!(skipped, 1);
}

#[tokio::test]
async fn a_waitlist_offer_and_a_referral_reach_the_citizen_with_their_deadlines() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(with_smtp(&smtp)).await;
    let clinic = clinic_with_slots(&app).await;
    let waiting = citizen(&app).await;
    let slot = clinic_slots(&app, &clinic, 3).await[0].clone();
    let day = starts(&slot).with_timezone(&domain::booking::algiers()).date_naive();
    let join = json!({ "specialty": clinic.specialty, "wilaya": "31", "from": day.to_string(), "to": day.to_string() });
    assert_eq!(app.post_auth("/api/v1/waitlist", &waiting.token, &join).await.status(), StatusCode::CREATED);
    // Joining woke the waitlist job, which holds the day's free slot for
    // them in the background: read the list until it shows (at most 10 s).
    let entries = eventually(10, "the offer", async || {
        let entries: Vec<Value> = items(app.get_auth("/api/v1/waitlist", &waiting.token).await).await;
        entries[0]["offer"].is_object().then_some(entries)
    })
    .await;
    let offer = &entries[0]["offer"];
    assert!(offer.is_object(), "a free slot that day is held for the waiting citizen: {entries:?}");
    let deadline: DateTime<Utc> = offer["expires_at"].as_str().unwrap().parse().unwrap();
    let mail = smtp.wait_until(20, "the offer", |m| to(m, &waiting.email).iter().any(|x| x.subject.starts_with("Un créneau vous est réservé"))).await;
    let offer_mail = to(&mail, &waiting.email).into_iter().find(|x| x.subject.starts_with("Un créneau vous est réservé")).unwrap();
    assert!(offer_mail.text.contains(&domain::notify::texts::long_time(shared::Lang::Fr, deadline)), "the hold deadline: {}", offer_mail.text);

    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    let me: Value = app.get_auth("/api/v1/me", &waiting.token).await.json().await.unwrap();
    let expires = (Utc::now() + Duration::days(30)).date_naive();
    let body =
        json!({ "patient_id": me["id"], "specialty": "cardiology", "priority": "routine", "reason": "souffle systolique", "expires_on": expires.to_string() });
    care_by_lookup(&app, &doctor, &waiting.token).await;
    assert_eq!(app.post_auth("/api/v1/referrals", &doctor, &body).await.status(), StatusCode::CREATED);
    let mail = smtp.wait_until(20, "the referral", |m| to(m, &waiting.email).iter().any(|x| x.subject.starts_with("Nouvelle orientation"))).await;
    let referral = to(&mail, &waiting.email).into_iter().find(|x| x.subject.starts_with("Nouvelle orientation")).unwrap();
    assert!(referral.subject.contains("Cardiologie"), "{}", referral.subject);
    assert!(referral.text.contains(&expires.format("%d/%m/%Y").to_string()), "{}", referral.text);
    assert!(!referral.text.contains("souffle"), "the clinical reason stays out of the email");
}

#[tokio::test]
async fn settled_messages_are_purged_after_the_retention_days_dead_and_pending_ones_stay_and_the_inbox_keeps_its_copy() {
    use domain::entities::inbox_message;
    let (url, _dir) = queued_messages(8).await;
    let db = domain::db::connect(&url, 2).await.unwrap();
    let mut config = domain::DomainConfig::for_tests(TEST_SECRET.as_bytes());
    config.notify.outbox_retention_days = 90;
    let d = domain::Domain::new(db, config);
    let mut rows = outbox::Entity::find().all(d.db()).await.unwrap();
    rows.sort_by(|a, b| a.dedupe_key.cmp(&b.dedupe_key));
    let old = Utc::now() - Duration::days(91);
    let recent = Utc::now() - Duration::days(89);
    // (status, settled at, purged?)
    let plan = [
        (OutboxStatus::Sent, old, true),
        (OutboxStatus::Withdrawn, old, true),
        (OutboxStatus::Skipped, old, true),
        (OutboxStatus::Dead, old, false),
        (OutboxStatus::Pending, old, false),
        (OutboxStatus::Sent, recent, false),
        (OutboxStatus::Pending, Utc::now(), false),
        (OutboxStatus::Pending, Utc::now(), false),
    ];
    for (row, (status, at, _)) in rows.iter().zip(plan) {
        let mut m: outbox::ActiveModel = row.clone().into();
        m.status = Set(status);
        m.updated_at = Set(at);
        m.update(d.db()).await.unwrap();
    }
    let inbox_id = Uuid::new_v4();
    inbox_message::ActiveModel {
        id: Set(shared::MessageId(inbox_id)),
        account_id: Set(rows[0].account_id),
        outbox_id: Set(rows[0].id),
        kind: Set(MessageKind::Referral),
        appointment_id: Set(None),
        texts: Set("{}".into()),
        created_at: Set(old),
        read_at: Set(None),
    }
    .insert(d.db())
    .await
    .unwrap();
    assert_eq!(d.notifications.purge_outbox().await.unwrap(), 3);
    let left: Vec<shared::DeliveryId> = outbox::Entity::find().all(d.db()).await.unwrap().into_iter().map(|r| r.id).collect();
    for (row, (status, _, purged)) in rows.iter().zip(plan) {
        assert_eq!(!left.contains(&row.id), purged, "{status} row");
    }
    assert!(inbox_message::Entity::find_by_id(inbox_id).one(d.db()).await.unwrap().is_some());
    assert_eq!(d.notifications.purge_outbox().await.unwrap(), 0, "nothing more to purge");
}
