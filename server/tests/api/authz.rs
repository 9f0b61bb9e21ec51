//! The generated authorization test of the medical record.
//!
//! Fourteen patients, each with a dependant; a practitioner of the demo
//! facility opens both records by NIN and writes one entry of every kind
//! for each, with a unique canary string in every free-text field and in
//! the attached PDF. Then every record door — REST endpoints, server
//! functions and the web's file routes — is asked for every object with
//! every *other* patient's credentials, with staff credentials that have
//! no care relationship (practitioner, receptionist and facility admin of
//! another facility; the receptionist of the same facility), with the
//! health directorate's, and with none at all. Each answer must refuse
//! (401/403/404), or be exactly empty where the door lists the caller's
//! own data, and no answer may contain a canary that is not the caller's
//! own. The desk's look-up by NIN is in the matrix too: it may answer a
//! desk, never with record data. Positive controls, one per door: the
//! owner and the treating practitioner get every object, with its
//! canaries, and every write of theirs goes through — so a door that
//! refused everyone would fail the test.

use crate::helpers::*;
use crate::record::PDF;
use domain::entities::facility;
use futures::StreamExt;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use shared::Role;

const PATIENTS: usize = 14;

#[derive(Clone)]
struct Patient {
    canary: String,
    nin: String,
    bearer: String,
    cookie: String,
    /// The citizen and their dependant.
    subjects: Vec<String>,
    entries: Vec<String>,
    files: Vec<String>,
}

#[derive(Clone)]
enum Auth {
    Bearer(String),
    Cookie(String),
    /// No credentials at all.
    Nobody,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Expect {
    /// 403 or 404 (a server function: the error code in its body).
    Refused,
    /// A "mine" door asked for someone else's data: 200 with exactly
    /// nothing, or refused (staff, nobody).
    EmptyOrRefused,
    /// A door that answers the caller's own data whoever they are (their
    /// log, a desk's look-up): anything, but none of another's canaries.
    NoOneElses,
    /// The web upload form: back to the page with an error, nothing stored.
    RedirectWithError,
}

#[derive(Clone)]
enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    File,
}

#[derive(Clone)]
struct Probe {
    post: bool,
    path: String,
    body: Body,
    auth: Auth,
    expect: Expect,
    /// Canaries the caller may see (their own).
    own: Option<usize>,
}

async fn staff_at(app: &TestApp, facility: uuid::Uuid, role: Role, phone: &str) -> (String, String) {
    (new_staff(app, facility, role, phone).await, web_session(app, phone, PASSWORD).await)
}

fn entries_for(canary: &str) -> Vec<Value> {
    vec![
        json!({ "kind": "consultation", "reason": format!("motif {canary}"), "findings": format!("examen {canary}"), "diagnosis_code": "J45.9", "diagnosis_text": format!("asthme {canary}") }),
        json!({ "kind": "prescription", "items": [{ "medication": format!("med {canary}"), "form": "comprimé", "dose": "1", "frequency": "2/j", "duration": "5 j", "instructions": format!("note {canary}") }] }),
        json!({ "kind": "exam_request", "category": "laboratory", "exam": format!("NFS {canary}"), "priority": "routine", "clinical_notes": format!("clinique {canary}") }),
        json!({ "kind": "exam_result", "exam": format!("NFS {canary}"), "values": [{ "name": format!("Hb {canary}"), "value": "13", "unit": "g/dL" }], "report": format!("rapport {canary}") }),
        json!({ "kind": "vaccination", "vaccine": format!("BCG {canary}"), "date": "2020-01-01", "lot": format!("lot {canary}") }),
        json!({ "kind": "allergy", "substance": format!("pénicilline {canary}"), "reaction": format!("urticaire {canary}"), "severity": "moderate" }),
    ]
}

async fn send(app: &TestApp, client: &reqwest::Client, p: &Probe) -> (StatusCode, Option<String>, String) {
    let url = app.url(&p.path);
    let mut req = if p.post { client.post(url) } else { client.get(url) };
    req = match &p.auth {
        Auth::Bearer(t) => req.bearer_auth(t),
        Auth::Cookie(c) => req.header("cookie", c),
        Auth::Nobody => req,
    };
    req = match &p.body {
        Body::None => req,
        Body::Json(v) => req.json(v),
        Body::Form(f) => req.form(f),
        Body::File => {
            let part = reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("x.pdf");
            req.multipart(reqwest::multipart::Form::new().part("file", part))
        }
    };
    let res = req.send().await.expect("request");
    let status = res.status();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
    (status, location, res.text().await.unwrap_or_default())
}

fn refused(status: StatusCode, body: &str) -> bool {
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND {
        return true;
    }
    // Server functions answer errors with their code in a JSON body.
    status.is_server_error()
        && serde_json::from_str::<Value>(body).is_ok_and(|v| ["not_found", "forbidden", "unauthorized"].contains(&v["code"].as_str().unwrap_or("")))
}

/// An answer that lists nothing: `[]`, or a page whose `items` are `[]`.
fn exactly_empty(body: &str) -> bool {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Array(a)) => a.is_empty(),
        Ok(v) => v["items"].as_array().is_some_and(|a| a.is_empty()),
        Err(_) => false,
    }
}

/// Every door, for every object of `victim`, with `auth`.
fn probes(victim: &Patient, auth: &Auth, own: Option<usize>) -> Vec<Probe> {
    let p = |post: bool, path: String, body: Body, expect: Expect| Probe { post, path, body, auth: auth.clone(), expect, own };
    // Nobody knocks on both kinds of door.
    if matches!(auth, Auth::Nobody) {
        let mut both = probes_of(victim, &Auth::Bearer(String::new()), own, p, true);
        both.extend(probes_of(victim, &Auth::Cookie(String::new()), own, p, false));
        return both;
    }
    let bearer = matches!(auth, Auth::Bearer(_));
    probes_of(victim, auth, own, p, bearer)
}

fn probes_of(victim: &Patient, _auth: &Auth, _own: Option<usize>, p: impl Fn(bool, String, Body, Expect) -> Probe, bearer: bool) -> Vec<Probe> {
    let mut out = Vec::new();
    let reason = "Rendez-vous au guichet";
    if bearer {
        out.push(p(true, "/api/v1/desk/lookup".into(), Body::Json(json!({ "nin": victim.nin, "reason": reason })), Expect::NoOneElses));
    } else {
        out.push(p(
            true,
            "/sfn/desk_lookup".into(),
            Body::Form(vec![("nin".into(), victim.nin.clone()), ("reason".into(), reason.into())]),
            Expect::NoOneElses,
        ));
    }
    for subject in &victim.subjects {
        if bearer {
            out.push(p(false, format!("/api/v1/record/{subject}"), Body::None, Expect::Refused));
            out.push(p(
                true,
                format!("/api/v1/record/{subject}/entries"),
                Body::Json(json!({ "kind": "allergy", "substance": "x", "severity": "mild" })),
                Expect::Refused,
            ));
            out.push(p(false, format!("/api/v1/me/record/fhir?subject_id={subject}"), Body::None, Expect::Refused));
            out.push(p(false, format!("/api/v1/me/record?subject_id={subject}"), Body::None, Expect::EmptyOrRefused));
            out.push(p(false, "/api/v1/me/record/accesses".to_string(), Body::None, Expect::NoOneElses));
        } else {
            out.push(p(true, "/sfn/patient_record".into(), Body::Form(vec![("subject".into(), subject.clone())]), Expect::Refused));
            out.push(p(
                true,
                "/sfn/write_entry".into(),
                Body::Json(json!({ "subject": subject, "entry": { "kind": "allergy", "substance": "x", "severity": "mild" } })),
                Expect::Refused,
            ));
            let filter =
                ["kind", "from", "to", "facility"].iter().map(|k| (k.to_string(), String::new())).chain([("subject".to_owned(), subject.clone())]).collect();
            out.push(p(true, "/sfn/my_record".into(), Body::Form(filter), Expect::EmptyOrRefused));
            out.push(p(true, "/sfn/my_record_accesses".into(), Body::Form(vec![]), Expect::NoOneElses));
            out.push(p(false, format!("/record/export.json?subject={subject}"), Body::None, Expect::Refused));
        }
    }
    for entry in &victim.entries {
        if bearer {
            out.push(p(false, format!("/api/v1/record/entries/{entry}"), Body::None, Expect::Refused));
            out.push(p(true, format!("/api/v1/record/entries/{entry}/entered-in-error"), Body::Json(json!({ "reason": "probe" })), Expect::Refused));
            out.push(p(true, format!("/api/v1/record/entries/{entry}/attachments"), Body::File, Expect::Refused));
        } else {
            out.push(p(true, "/sfn/record_entry".into(), Body::Form(vec![("id".into(), entry.clone())]), Expect::Refused));
            out.push(p(
                true,
                "/sfn/mark_entered_in_error".into(),
                Body::Form(vec![("id".into(), entry.clone()), ("reason".into(), "probe".into())]),
                Expect::Refused,
            ));
            out.push(p(true, format!("/care/entries/{entry}/files"), Body::File, Expect::RedirectWithError));
        }
    }
    for file in &victim.files {
        if bearer {
            out.push(p(false, format!("/api/v1/record/attachments/{file}"), Body::None, Expect::Refused));
        } else {
            out.push(p(false, format!("/files/{file}"), Body::None, Expect::Refused));
        }
    }
    out
}

#[tokio::test]
async fn no_record_door_gives_anyone_else_a_patients_data() {
    let app = spawn_app().await;
    app.domain.seed_demo().await.unwrap();
    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    let home = app.get_auth("/api/v1/me", &doctor).await.json::<Value>().await.unwrap();
    let home_facility: shared::FacilityId = s(&home, "facility_id").parse().unwrap();
    let other = facility::Entity::find().all(app.domain.db()).await.unwrap().into_iter().find(|f| f.id != home_facility).unwrap().id.as_uuid();

    // The patients and their records.
    let mut patients = Vec::new();
    for i in 0..PATIENTS {
        let canary = format!("CANARY{i:02}x{}", uuid::Uuid::new_v4().simple());
        let (phone, reg) = app.register_citizen().await;
        let nin = s(&reg, "nin");
        let bearer = s(&app.token(&phone, PASSWORD).await, "access_token");
        let cookie = web_session(&app, &phone, PASSWORD).await;
        let me = s(&app.get_auth("/api/v1/me", &bearer).await.json::<Value>().await.unwrap(), "id");
        let (dep_nin, _) = unique_ids();
        let res = app
            .post_auth(
                "/api/v1/me/dependants",
                &bearer,
                &json!({ "given_name": "Yacine", "family_name": "Saidi", "birth_date": "2015-06-01", "sex": "male", "nin": dep_nin, "relation": "child" }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
        let dep = s(&res.json::<Value>().await.unwrap(), "id");
        // The desk has seen the papers (arranged: the guardian reads the
        // child's record only once the link is verified).
        domain::entities::dependant::Entity::update_many()
            .col_expr(domain::entities::dependant::Column::VerifiedAt, sea_orm::sea_query::Expr::value(Some(chrono::Utc::now())))
            .filter(domain::entities::dependant::Column::Id.eq(dep.parse::<uuid::Uuid>().unwrap()))
            .exec(app.domain.db())
            .await
            .unwrap();
        let mut entries = Vec::new();
        let mut files = Vec::new();
        for (subject, nin) in [(&me, s(&reg, "nin")), (&dep, dep_nin)] {
            let res = app.post_auth("/api/v1/record/lookup", &doctor, &json!({ "nin": nin, "reason": "Consultation sans rendez-vous" })).await;
            assert_eq!(res.status(), StatusCode::OK);
            for body in entries_for(&canary) {
                let res = app.post_auth(&format!("/api/v1/record/{subject}/entries"), &doctor, &body).await;
                assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
                let e: Value = res.json().await.unwrap();
                if e["kind"] == "exam_result" {
                    let pdf = [PDF, canary.as_bytes()].concat();
                    let res = crate::record::upload(&app, &doctor, &s(&e, "id"), &format!("{canary}.pdf"), &pdf).await;
                    assert_eq!(res.status(), StatusCode::CREATED);
                    files.push(s(&res.json::<Value>().await.unwrap(), "id"));
                }
                entries.push(s(&e, "id"));
            }
        }
        patients.push(Patient { canary, nin, bearer, cookie, subjects: vec![me, dep], entries, files });
    }

    // Controls: the owner and the treating practitioner see the canaries.
    let p0 = &patients[0];
    let own = app.get_auth("/api/v1/me/record", &p0.bearer).await.text().await.unwrap();
    // 14 free-text fields and the file name, in each of the two records.
    assert_eq!(own.matches(&p0.canary).count(), 2 * 15, "every free-text field of both records carries the canary");
    let file = app.get_auth(&format!("/api/v1/record/attachments/{}", p0.files[0]), &p0.bearer).await.bytes().await.unwrap();
    assert!(String::from_utf8_lossy(&file).contains(&p0.canary));
    let sfn = app
        .client
        .post(app.url("/sfn/my_record"))
        .header("cookie", &p0.cookie)
        .form(&[("kind", ""), ("from", ""), ("to", ""), ("facility", ""), ("subject", "")])
        .send()
        .await
        .unwrap();
    assert!(sfn.text().await.unwrap().contains(&p0.canary));
    let treating = app.get_auth(&format!("/api/v1/record/{}", p0.subjects[1]), &doctor).await.text().await.unwrap();
    assert!(treating.contains(&p0.canary));

    // A positive control for every door: its rightful user gets through
    // (the last patient's records: the final check reads the first's).
    let pl = patients.last().unwrap().clone();
    let doctor_cookie = web_session(&app, "0550000003", domain::seed::DEMO_PASSWORD).await;
    let desk = s(&app.token("0550000002", domain::seed::DEMO_PASSWORD).await, "access_token");
    let desk_cookie = web_session(&app, "0550000002", domain::seed::DEMO_PASSWORD).await;
    let (subject, own_entry, file) = (pl.subjects[1].clone(), pl.entries[6].clone(), pl.files[0].clone());
    let owner = Auth::Bearer(pl.bearer.clone());
    let owner_web = Auth::Cookie(pl.cookie.clone());
    let treating = Auth::Bearer(doctor.clone());
    let treating_web = Auth::Cookie(doctor_cookie.clone());
    let allergy = json!({ "kind": "allergy", "substance": "control", "severity": "mild" });
    let probe = |auth: &Auth, post: bool, path: String, body: Body| Probe { post, path, body, auth: auth.clone(), expect: Expect::Refused, own: None };
    type Check = fn(StatusCode, Option<&str>, &str, &str) -> bool;
    let with_canary: Check = |st, _, body, canary| st == StatusCode::OK && body.contains(canary);
    let listed: Check = |st, _, body, _| st == StatusCode::OK && !exactly_empty(body);
    let written: Check = |st, _, _, _| st.is_success();
    let stored: Check = |st, loc, _, _| st.is_redirection() && loc.is_some_and(|l| l.contains("file=ok"));
    let reason = "Rendez-vous au guichet";
    let controls: Vec<(Probe, Check)> = vec![
        (probe(&owner, false, format!("/api/v1/me/record?subject_id={subject}"), Body::None), with_canary),
        (probe(&owner, false, format!("/api/v1/me/record/fhir?subject_id={subject}"), Body::None), with_canary),
        (probe(&owner, false, "/api/v1/me/record/accesses".into(), Body::None), listed),
        (probe(&owner, false, format!("/api/v1/record/entries/{own_entry}"), Body::None), with_canary),
        (probe(&owner, false, format!("/api/v1/record/attachments/{file}"), Body::None), with_canary),
        (probe(&treating, false, format!("/api/v1/record/{subject}"), Body::None), with_canary),
        (probe(&treating, true, format!("/api/v1/record/{subject}/entries"), Body::Json(allergy.clone())), written),
        (probe(&treating, true, format!("/api/v1/record/entries/{own_entry}/attachments"), Body::File), written),
        (probe(&treating, true, format!("/api/v1/record/entries/{}/entered-in-error", pl.entries[7]), Body::Json(json!({ "reason": "control" }))), written),
        (probe(&Auth::Bearer(desk.clone()), true, "/api/v1/desk/lookup".into(), Body::Json(json!({ "nin": pl.nin, "reason": reason }))), written),
        (
            probe(
                &Auth::Cookie(desk_cookie.clone()),
                true,
                "/sfn/desk_lookup".into(),
                Body::Form(vec![("nin".into(), pl.nin.clone()), ("reason".into(), reason.into())]),
            ),
            written,
        ),
        (
            probe(
                &owner_web,
                true,
                "/sfn/my_record".into(),
                Body::Form(
                    ["kind", "from", "to", "facility"]
                        .iter()
                        .map(|k| (k.to_string(), String::new()))
                        .chain([("subject".to_owned(), subject.clone())])
                        .collect(),
                ),
            ),
            with_canary,
        ),
        (probe(&owner_web, true, "/sfn/my_record_accesses".into(), Body::Form(vec![])), listed),
        (probe(&owner_web, true, "/sfn/record_entry".into(), Body::Form(vec![("id".into(), own_entry.clone())])), with_canary),
        (probe(&owner_web, false, format!("/record/export.json?subject={subject}"), Body::None), with_canary),
        (probe(&owner_web, false, format!("/files/{file}"), Body::None), with_canary),
        (probe(&treating_web, true, "/sfn/patient_record".into(), Body::Form(vec![("subject".into(), subject.clone())])), with_canary),
        (probe(&treating_web, true, "/sfn/write_entry".into(), Body::Json(json!({ "subject": subject, "entry": allergy }))), written),
        (
            probe(
                &treating_web,
                true,
                "/sfn/mark_entered_in_error".into(),
                Body::Form(vec![("id".into(), pl.entries[8].clone()), ("reason".into(), "control".into())]),
            ),
            written,
        ),
        (probe(&treating_web, true, format!("/care/entries/{own_entry}/files"), Body::File), stored),
    ];
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("origin", app.base.parse().unwrap());
    let control_client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).default_headers(headers).build().unwrap();
    for (probe, check) in &controls {
        let (status, location, body) = send(&app, &control_client, probe).await;
        assert!(
            check(status, location.as_deref(), &body, &pl.canary),
            "control {} {}: {status} {}",
            if probe.post { "POST" } else { "GET" },
            probe.path,
            body.chars().take(200).collect::<String>()
        );
    }

    // The attackers: every other patient, staff without a care
    // relationship, the directorate, and nobody.
    let mut staff = Vec::new();
    for (role, phone) in [(Role::Practitioner, "0661700001"), (Role::Receptionist, "0661700002"), (Role::FacilityAdmin, "0661700003")] {
        staff.push(staff_at(&app, other, role, phone).await);
    }
    staff.push((
        s(&app.token("0550000002", domain::seed::DEMO_PASSWORD).await, "access_token"),
        web_session(&app, "0550000002", domain::seed::DEMO_PASSWORD).await,
    ));
    // The health directorate runs the network; it reads no one's record.
    staff.push((
        s(&app.token("0550000005", domain::seed::DEMO_PASSWORD).await, "access_token"),
        web_session(&app, "0550000005", domain::seed::DEMO_PASSWORD).await,
    ));

    let mut all = Vec::new();
    for (v, victim) in patients.iter().enumerate() {
        for (a, attacker) in patients.iter().enumerate().filter(|(a, _)| *a != v) {
            all.extend(probes(victim, &Auth::Bearer(attacker.bearer.clone()), Some(a)));
            all.extend(probes(victim, &Auth::Cookie(attacker.cookie.clone()), Some(a)));
        }
        for (bearer, cookie) in &staff {
            all.extend(probes(victim, &Auth::Bearer(bearer.clone()), None));
            all.extend(probes(victim, &Auth::Cookie(cookie.clone()), None));
        }
        all.extend(probes(victim, &Auth::Nobody, None));
    }
    let total = all.len();
    assert!(total >= 20_000, "{total} requests");

    let canaries: Vec<String> = patients.iter().map(|p| p.canary.clone()).collect();
    // The requests come from this site (as a browser's would), so a refusal
    // is the domain's decision, not the cross-site guard's.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("origin", app.base.parse().unwrap());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).default_headers(headers).build().unwrap();
    let failures: Vec<String> = futures::stream::iter(all)
        .map(|probe| {
            let (app, client, canaries) = (&app, &client, &canaries);
            async move {
                let (status, location, body) = send(app, client, &probe).await;
                let ok = match probe.expect {
                    Expect::Refused => refused(status, &body),
                    Expect::EmptyOrRefused => refused(status, &body) || (status == StatusCode::OK && exactly_empty(&body)),
                    Expect::NoOneElses => true,
                    // Without a session at all the form route answers 401.
                    Expect::RedirectWithError => {
                        refused(status, &body) || (status.is_redirection() && location.as_deref().is_some_and(|l| l.contains("file_error=")))
                    }
                };
                let leaked = canaries
                    .iter()
                    .enumerate()
                    .find(|(i, c)| Some(*i) != probe.own && (body.contains(c.as_str()) || location.as_deref().is_some_and(|l| l.contains(c.as_str()))));
                match (ok, leaked) {
                    (true, None) => None,
                    (_, Some((i, _))) => Some(format!("{} {} leaked patient {i}'s canary ({status})", if probe.post { "POST" } else { "GET" }, probe.path)),
                    (false, None) => Some(format!(
                        "{} {} expected {:?}, got {status}: {}",
                        if probe.post { "POST" } else { "GET" },
                        probe.path,
                        probe.expect,
                        body.chars().take(200).collect::<String>()
                    )),
                }
            }
        })
        .buffer_unordered(16)
        .filter_map(|f| async move { f })
        .collect()
        .await;
    assert!(failures.is_empty(), "{} of {total} requests failed, e.g.:\n{}", failures.len(), failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n"));

    // Nothing was written by anyone but the practitioner: every record as it was.
    let after = items(app.get_auth("/api/v1/me/record", &p0.bearer).await).await;
    assert_eq!(after.len(), 12);
    assert!(after.iter().all(|e| e["status"] == "active" && e["attachments"].as_array().unwrap().len() == usize::from(e["kind"] == "exam_result")));
    println!("authorization: {total} requests refused, no canary leaked");
}

/// The staff doors, generated the same way: every door that lists or
/// manages a facility's staff (the staff list, invitations made, listed
/// and withdrawn, deactivation, reactivation, the second factor's reset),
/// asked about the demo polyclinic's receptionist and a pending invitation
/// there by everyone but its administrator — its own receptionist and
/// practitioner, the administrator of another facility, the directorate
/// of another wilaya (and of its own, which manages administrators, not
/// desks), a citizen, nobody — through the API and the web's server
/// functions. Each write is refused (401/403/404) and changes nothing; each
/// list leaves the victim out. Positive control: the polyclinic's own
/// administrator goes through every door.
#[tokio::test]
async fn no_staff_door_lets_anyone_but_its_administrator_manage_a_facilitys_staff() {
    let app = spawn_app().await;
    app.domain.seed_demo().await.unwrap();
    let pw = domain::seed::DEMO_PASSWORD;
    let bearer = |login: &'static str, password: &'static str| {
        let app = &app;
        async move { s(&app.token(login, password).await, "access_token") }
    };
    let admin = bearer("0550000004", pw).await;
    let home: uuid::Uuid = s(&app.get_auth("/api/v1/me", &admin).await.json::<Value>().await.unwrap(), "facility_id").parse().unwrap();
    let desk = bearer("0550000002", pw).await;
    let victim = s(&app.get_auth("/api/v1/me", &desk).await.json::<Value>().await.unwrap(), "id");
    let invitation = |phone: &'static str| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let body = json!({ "role": "receptionist", "given_name": "Samia", "family_name": "Kaci", "phone": phone });
            let res = app.post_auth("/api/v1/staff/invitations", &admin, &body).await;
            assert_eq!(res.status(), StatusCode::CREATED);
            s(&res.json::<Value>().await.unwrap(), "id")
        }
    };
    let pending = invitation("0661700101").await;
    let other = facility::Entity::find().filter(facility::Column::Id.ne(home)).one(app.domain.db()).await.unwrap().unwrap().id;
    app.domain.accounts.create_staff(domain::accounts::NewStaff { wilaya_code: Some("46".into()), ..staff(Role::HealthAdmin, "0661700104") }).await.unwrap();
    let mut attackers: Vec<(&str, Auth)> = vec![
        ("its receptionist", Auth::Bearer(desk.clone())),
        ("its practitioner", Auth::Bearer(bearer("0550000003", pw).await)),
        ("another facility's admin", Auth::Bearer(new_staff(&app, other, Role::FacilityAdmin, "0661700102").await)),
        ("the directorate", Auth::Bearer(bearer("0550000005", pw).await)),
        ("another wilaya's directorate", Auth::Bearer(bearer("0661700104", PASSWORD).await)),
        ("a citizen", Auth::Bearer(s(&app.citizen_tokens().await, "access_token"))),
        ("nobody", Auth::Nobody),
    ];
    attackers.push(("another facility's admin, on the web", Auth::Cookie(web_session(&app, "0661700102", PASSWORD).await)));
    attackers.push(("its receptionist, on the web", Auth::Cookie(web_session(&app, "0550000002", pw).await)));
    let invite_body = json!({ "role": "receptionist", "given_name": "Nour", "family_name": "Saadi", "phone": "0661700103", "facility_id": home });

    // (method, path, body, lists the victim when allowed)
    let api: Vec<(&str, String, Value)> = vec![
        ("GET", "/api/v1/staff?limit=200".into(), json!(null)),
        ("GET", "/api/v1/staff/invitations?limit=200".into(), json!(null)),
        ("POST", "/api/v1/staff/invitations".into(), invite_body.clone()),
        ("POST", format!("/api/v1/staff/invitations/{pending}/revoke"), json!({})),
        ("POST", format!("/api/v1/staff/{victim}/deactivate"), json!({})),
        ("POST", format!("/api/v1/staff/{victim}/reactivate"), json!({})),
        ("POST", format!("/api/v1/staff/{victim}/second-factor/reset"), json!({})),
    ];
    let sfn: Vec<(String, Vec<(&str, String)>)> = vec![
        ("/sfn/staff".into(), vec![]),
        ("/sfn/staff_invitations".into(), vec![]),
        (
            "/sfn/invite_staff".into(),
            vec![
                ("role", "receptionist".into()),
                ("given_name", "Nour".into()),
                ("family_name", "Saadi".into()),
                ("phone", "0661700103".into()),
                ("email", String::new()),
                ("facility_id", home.to_string()),
                ("lang", "fr".into()),
            ],
        ),
        ("/sfn/revoke_invitation".into(), vec![("id", pending.clone())]),
        ("/sfn/staff_active".into(), vec![("id", victim.clone()), ("active", "false".into())]),
        ("/sfn/reset_second_factor".into(), vec![("id", victim.clone())]),
    ];
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("origin", app.base.parse().unwrap());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).default_headers(headers).build().unwrap();
    let mut failures = Vec::new();
    for (who, auth) in &attackers {
        let doors: Vec<(String, reqwest::RequestBuilder)> = match auth {
            Auth::Cookie(cookie) => sfn
                .iter()
                .map(|(path, form)| (path.clone(), client.post(app.url(path)).header("cookie", cookie).header("accept", "application/json").form(form)))
                .collect(),
            Auth::Bearer(_) | Auth::Nobody => api
                .iter()
                .map(|(method, path, body)| {
                    let mut req = if *method == "GET" { client.get(app.url(path)) } else { client.post(app.url(path)).json(body) };
                    if let Auth::Bearer(t) = auth {
                        req = req.bearer_auth(t);
                    }
                    (format!("{method} {path}"), req)
                })
                .collect(),
        };
        for (door, req) in doors {
            let res = req.send().await.unwrap();
            let status = res.status();
            let body = res.text().await.unwrap_or_default();
            let list = door.starts_with("GET") || door == "/sfn/staff" || door == "/sfn/staff_invitations";
            let ok = refused(status, &body) || (list && status.is_success() && !body.contains(&victim) && !body.contains(&pending));
            if !ok {
                failures.push(format!("{who}: {door} → {status} {}", body.chars().take(160).collect::<String>()));
            }
        }
    }
    assert!(failures.is_empty(), "{} doors let someone through:\n{}", failures.len(), failures.join("\n"));
    // Nothing changed: the receptionist still signs in, the invitation is still pending, nobody was invited.
    assert_eq!(app.get_auth("/api/v1/me", &desk).await.status(), StatusCode::OK);
    let listed = items(app.get_auth("/api/v1/staff/invitations?limit=200", &admin).await).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["status"], "pending");

    // Positive control: its administrator, through each door.
    let staff_list = app.get_auth("/api/v1/staff?limit=200", &admin).await.text().await.unwrap();
    assert!(staff_list.contains(&victim));
    let invitations = app.get_auth("/api/v1/staff/invitations?limit=200", &admin).await.text().await.unwrap();
    assert!(invitations.contains(&pending));
    for (method, path, body) in &api {
        let res = if *method == "GET" { app.get_auth(path, &admin).await } else { app.post_auth(path, &admin, body).await };
        assert!(res.status().is_success(), "{method} {path}: {}", res.status());
    }
    let cookie = web_session(&app, "0550000004", pw).await;
    let res = client
        .post(app.url("/sfn/staff_active"))
        .header("cookie", &cookie)
        .header("accept", "application/json")
        .form(&[("id", victim.as_str()), ("active", "false")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let (_, code, _) = error_code(app.post("/api/v1/auth/token", &json!({ "login": "0550000002", "password": pw })).await).await;
    assert_eq!(code, "account_deactivated", "the administrator's own deactivation went through");
}

/// The figures' doors — the API's JSON and CSV, the web page, its CSV
/// file and its server function — asked for the whole scope and for one
/// facility by id, by everyone who is not that facility's administrator
/// or its wilaya's directorate: none of them may show that facility.
/// Positive controls: those two see it through every door.
#[tokio::test]
async fn no_figures_door_shows_a_facilitys_figures_outside_its_administration() {
    let app = spawn_app().await;
    app.domain.seed_demo().await.unwrap();
    let pw = domain::seed::DEMO_PASSWORD;
    let db = app.domain.db();
    // The demo's polyclinic in Aïn Témouchent (wilaya 46), whose
    // practitioners have schedules: figures in every period ahead.
    let victim = facility::Entity::find().filter(facility::Column::WilayaCode.eq("46")).one(db).await.unwrap().unwrap();
    let id = victim.id.0.to_string();
    let names = [victim.name_fr.clone(), victim.name_ar.clone()];
    // Whether an answer shows the facility's figures: its id or name in
    // JSON or CSV; in a page, its name in a row of the figures table (the
    // page's header names a staff member's own facility, a query's id is
    // echoed in the form).
    let shows = |door: &str, body: &str| {
        if door.starts_with("GET /figures?") {
            body.split("<tr").filter(|row| row.contains("figures-row")).any(|row| names.iter().any(|n| row.contains(n.as_str())))
        } else {
            body.contains(&id) || names.iter().any(|n| body.contains(n.as_str()))
        }
    };
    let today = app.domain.today();
    let (from, to) = (today, today + chrono::Duration::days(14));

    app.domain.accounts.create_staff(domain::accounts::NewStaff { wilaya_code: Some("46".into()), ..staff(Role::HealthAdmin, "0661710101") }).await.unwrap();
    new_staff(&app, victim.id, Role::FacilityAdmin, "0661710102").await;
    new_staff(&app, victim.id, Role::Receptionist, "0661710103").await;
    let bearer_and_cookie = |login: &'static str, password: &'static str| {
        let app = &app;
        async move { (Auth::Bearer(s(&app.token(login, password).await, "access_token")), Auth::Cookie(web_session(app, login, password).await)) }
    };
    let mut attackers = Vec::new();
    for (who, login, password) in [
        ("Oran's directorate", "0550000005", pw),
        ("an Oran facility's admin", "0550000004", pw),
        ("an Oran practitioner", "0550000003", pw),
        ("the facility's own receptionist", "0661710103", PASSWORD),
    ] {
        let (b, c) = bearer_and_cookie(login, password).await;
        attackers.push((who, b));
        attackers.push((who, c));
    }
    attackers.push(("a citizen", Auth::Bearer(s(&app.citizen_tokens().await, "access_token"))));
    attackers.push(("nobody", Auth::Nobody));
    let mut owners = Vec::new();
    for (who, login) in [("its wilaya's directorate", "0661710101"), ("its administrator", "0661710102")] {
        let (b, c) = bearer_and_cookie(login, PASSWORD).await;
        owners.push((who, b));
        owners.push((who, c));
    }

    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("origin", app.base.parse().unwrap());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).default_headers(headers).build().unwrap();
    let doors = |auth: &Auth| -> Vec<(String, reqwest::RequestBuilder)> {
        let mut out = Vec::new();
        for facility in ["", id.as_str()] {
            let query = format!("from={from}&to={to}&facility_id={facility}");
            let gets: &[&str] = match auth {
                Auth::Bearer(_) => &["/api/v1/figures", "/api/v1/figures.csv"],
                Auth::Cookie(_) => &["/figures", "/figures.csv"],
                Auth::Nobody => &["/api/v1/figures", "/api/v1/figures.csv", "/figures", "/figures.csv"],
            };
            for path in gets {
                let url = format!("{path}?{query}");
                let mut req = client.get(app.url(&url));
                match auth {
                    Auth::Bearer(t) => req = req.bearer_auth(t),
                    Auth::Cookie(c) => req = req.header("cookie", c),
                    Auth::Nobody => {}
                }
                out.push((format!("GET {url}"), req));
            }
            if !matches!(auth, Auth::Bearer(_)) {
                let form = [("from", from.to_string()), ("to", to.to_string()), ("facility_id", facility.to_owned())];
                let mut req = client.post(app.url("/sfn/figures")).header("accept", "application/json").form(&form);
                if let Auth::Cookie(c) = auth {
                    req = req.header("cookie", c);
                }
                out.push((format!("POST /sfn/figures facility_id={facility}"), req));
            }
        }
        out
    };

    let mut failures = Vec::new();
    for (who, auth) in &attackers {
        for (door, req) in doors(auth) {
            let res = req.send().await.unwrap();
            let status = res.status();
            let body = res.text().await.unwrap_or_default();
            if !refused(status, &body) && (!status.is_success() || shows(&door, &body)) {
                failures.push(format!("{who}: {door} → {status} {}", body.chars().take(160).collect::<String>()));
            }
        }
    }
    assert!(failures.is_empty(), "{} doors showed the facility:\n{}", failures.len(), failures.join("\n"));

    // Positive controls: through every door, the facility is there.
    for (who, auth) in &owners {
        for (door, req) in doors(auth) {
            let res = req.send().await.unwrap();
            let status = res.status();
            let body = res.text().await.unwrap_or_default();
            assert!(status.is_success() && shows(&door, &body), "{who}: {door} → {status} {}", body.chars().take(300).collect::<String>());
        }
    }
}
