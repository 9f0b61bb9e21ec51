use crate::helpers::*;
use domain::accounts::NewStaff;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use shared::{ErrorCode, Role};

#[tokio::test]
async fn the_demo_seed_creates_staff_logins_tied_to_a_facility_and_runs_only_once() {
    let app = spawn_app().await;
    assert!(app.domain.seed_demo().await.unwrap());
    assert!(!app.domain.seed_demo().await.unwrap(), "a second seed must not duplicate data");
    for (role, phone) in domain::seed::DEMO_LOGINS {
        let t = app.token(phone, domain::seed::DEMO_PASSWORD).await;
        let me: Value = app.get_auth("/api/v1/me", &s(&t, "access_token")).await.json().await.unwrap();
        assert_eq!(me["role"], role.code());
        assert_eq!(me["facility_id"].is_string(), role.needs_facility(), "{role:?}: {me}");
    }
}

#[tokio::test]
async fn staff_accounts_need_a_facility_or_for_a_health_admin_a_wilaya_and_are_never_citizens() {
    let app = spawn_app().await;
    let err = app.domain.accounts.create_staff(staff(Role::Receptionist, "0661000001")).await.unwrap_err();
    assert_eq!(err.to_api().field("facility_id"), Some(ErrorCode::Required));
    let err = app.domain.accounts.create_staff(staff(Role::Citizen, "0661000002")).await.unwrap_err();
    assert_eq!(err.to_api().code, ErrorCode::BadRequest);
    // A health administrator works for a wilaya that exists; nobody else has one.
    let err = app.domain.accounts.create_staff(staff(Role::HealthAdmin, "0661000003")).await.unwrap_err();
    assert_eq!(err.to_api().field("wilaya_code"), Some(ErrorCode::Required));
    let err = app.domain.accounts.create_staff(NewStaff { wilaya_code: Some("99".into()), ..staff(Role::HealthAdmin, "0661000003") }).await.unwrap_err();
    assert_eq!(err.to_api().field("wilaya_code"), Some(ErrorCode::NotFound));
    let err = app.domain.accounts.create_staff(NewStaff { wilaya_code: Some("31".into()), ..staff(Role::Citizen, "0661000004") }).await.unwrap_err();
    assert_eq!(err.to_api().code, ErrorCode::BadRequest);
    app.domain.accounts.create_staff(NewStaff { wilaya_code: Some("31".into()), ..staff(Role::HealthAdmin, "0661000003") }).await.unwrap();
    let t = app.token("0661000003", PASSWORD).await;
    let res = app.get_auth("/api/v1/me", &s(&t, "access_token")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["role"], "health_admin");
}

/// The token of the invitation link in the newest SMS to `phone`.
async fn invitation_token(app: &TestApp, phone: &str) -> String {
    let sms = app.sms_with(phone, "/invite/").await;
    let at = sms.find("/invite/").unwrap() + "/invite/".len();
    sms[at..].split_whitespace().next().unwrap().to_owned()
}

#[tokio::test]
async fn a_facility_admin_invites_a_practitioner_who_sets_a_password_and_an_authenticator_and_is_given_a_schedule() {
    let app = spawn_app().await;
    let c = crate::booking::clinic_with_slots(&app).await;
    let admin = s(&app.token("0550000004", domain::seed::DEMO_PASSWORD).await, "access_token");
    // A specialty the polyclinic offers, and one it does not (the directorate decides that).
    let here: Value = app.client.get(app.url(&format!("/api/v1/directory/facilities/{}", c.facility_id))).send().await.unwrap().json().await.unwrap();
    let offered: Vec<String> = here["specialties"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    let all = items(app.client.get(app.url("/api/v1/directory/specialties?limit=200")).send().await.unwrap()).await;
    let elsewhere = all.iter().map(|v| s(v, "code")).find(|code| !offered.contains(code)).expect("a specialty not offered here");
    let specialty = offered[0].clone();
    let body = json!({ "role": "practitioner", "given_name": "Karim", "family_name": "Mansouri", "phone": "0661 23 45 67",
                       "email": "k.mansouri@example.dz", "specialty": specialty, "lang": "fr" });

    // Every field checked; a phone already an account's; a role the facility admin does not invite.
    let (status, _, err) =
        error_code(app.post_auth("/api/v1/staff/invitations", &admin, &json!({ "role": "practitioner", "given_name": "Karim", "family_name": "" })).await)
            .await;
    let fields: Vec<&str> = err["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["family_name", "phone", "specialty"]), "{err}");
    let mut taken = body.clone();
    taken["phone"] = json!("0550000002");
    let (status, _, err) = error_code(app.post_auth("/api/v1/staff/invitations", &admin, &taken).await).await;
    assert_eq!((status, err["fields"][0]["code"].as_str()), (StatusCode::CONFLICT, Some("phone_taken")));
    let mut admin_role = body.clone();
    admin_role["role"] = json!("facility_admin");
    let (status, _, err) = error_code(app.post_auth("/api/v1/staff/invitations", &admin, &admin_role).await).await;
    assert_eq!((status, err["fields"][0]["field"].as_str()), (StatusCode::FORBIDDEN, Some("role")));
    let mut widening = body.clone();
    widening["specialty"] = json!(elsewhere);
    let (status, _, err) = error_code(app.post_auth("/api/v1/staff/invitations", &admin, &widening).await).await;
    assert_eq!((status, err["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("specialty")), "not offered here");

    let res = app.post_auth("/api/v1/staff/invitations", &admin, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let invitation: Value = res.json().await.unwrap();
    assert_eq!((invitation["status"].as_str(), invitation["sent_to"].as_array().unwrap().len()), (Some("pending"), 2));
    assert!(!invitation.to_string().contains("661234567"), "the phone is masked: {invitation}");
    // By SMS and by email, each once.
    let outbox = domain::entities::outbox::Entity::find().all(app.domain.db()).await.unwrap();
    let mut channels: Vec<_> =
        outbox.iter().filter(|r| r.subject_id.map(|u| u.to_string()) == invitation["id"].as_str().map(String::from)).map(|r| r.channel).collect();
    channels.sort_by_key(|c| c.code());
    assert_eq!(channels, vec![shared::MessageChannel::Email, shared::MessageChannel::Sms]);
    let token = invitation_token(&app, "0661234567").await;

    // The link shows the invitation without signing in; the password follows the policy.
    let view: Value = app.client.get(app.url(&format!("/api/v1/invitations/{token}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((view["role"].as_str(), view["second_factor_required"].as_bool()), (Some("practitioner"), Some(true)), "{view}");
    assert_eq!(view["facility_name_fr"], here["name_fr"]);
    let (status, _, err) = error_code(app.post(&format!("/api/v1/invitations/{token}/accept"), &json!({ "password": "short" })).await).await;
    assert_eq!((status, err["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("password")));
    let res = app.post(&format!("/api/v1/invitations/{token}/accept"), &json!({ "password": PASSWORD })).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let me: Value = res.json().await.unwrap();
    assert_eq!((me["role"].as_str(), me["facility_id"].as_str()), (Some("practitioner"), Some(c.facility_id.as_str())));
    // Used once.
    let (status, code, _) = error_code(app.post(&format!("/api/v1/invitations/{token}/accept"), &json!({ "password": PASSWORD })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "invitation_invalid"));
    assert_eq!(app.client.get(app.url(&format!("/api/v1/invitations/{token}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // Signing in owes the authenticator's enrolment first (the helper enrols and signs in).
    let (status, code, _) = error_code(app.post("/api/v1/auth/token", &json!({ "login": "0661234567", "password": PASSWORD })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "mfa_enrolment_required"));
    let doctor = s(&app.token("0661234567", PASSWORD).await, "access_token");
    assert_eq!(app.get_auth("/api/v1/me", &doctor).await.status(), StatusCode::OK);

    // A practitioner of the polyclinic; the desk gives them a schedule.
    let people =
        items(app.client.get(app.url(&format!("/api/v1/directory/practitioners?facility_id={}&limit=200", c.facility_id))).send().await.unwrap()).await;
    let profile = people.iter().find(|p| p["name"] == "Karim Mansouri").expect("in the directory").clone();
    assert_eq!(profile["specialty"], json!(specialty));
    let res = app
        .post_auth(
            &format!("/api/v1/facilities/{}/templates", c.facility_id),
            &c.receptionist,
            &json!({"practitioner_id": profile["id"], "weekday": 7, "start": "08:00", "end": "12:00", "slot_minutes": 20,
                    "valid_from": chrono::Utc::now().date_naive().to_string()}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let staff_list = items(app.get_auth("/api/v1/staff", &admin).await).await;
    let karim = staff_list.iter().find(|p| p["family_name"] == "Mansouri").expect("on the staff");
    assert_eq!(
        (karim["specialty"].as_str(), karim["active"].as_bool(), karim["second_factor_enrolled"].as_bool()),
        (Some(specialty.as_str()), Some(true), Some(true))
    );
    let listed = items(app.get_auth("/api/v1/staff/invitations", &admin).await).await;
    assert_eq!(listed[0]["status"], "accepted");
}

#[tokio::test]
async fn a_withdrawn_or_expired_invitation_opens_nothing_and_a_new_one_replaces_the_old() {
    let app = spawn_app().await;
    app.domain.seed_demo().await.unwrap();
    let admin = s(&app.token("0550000004", domain::seed::DEMO_PASSWORD).await, "access_token");
    let invite = |phone: &'static str| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let body = json!({ "role": "receptionist", "given_name": "Samia", "family_name": "Kaci", "phone": phone, "lang": "ar" });
            let res = app.post_auth("/api/v1/staff/invitations", &admin, &body).await;
            assert_eq!(res.status(), StatusCode::CREATED);
            res.json::<Value>().await.unwrap()
        }
    };
    let first = invite("0661000101").await;
    let first_token = invitation_token(&app, "0661000101").await;
    assert!(app.sms_with("0661000101", "/invite/").await.contains("صحتي"), "in the invitee's language");
    // Positive control: the link works until something ends it.
    assert_eq!(app.client.get(app.url(&format!("/api/v1/invitations/{first_token}"))).send().await.unwrap().status(), StatusCode::OK);
    let again = invite("0661000101").await;
    let listed = items(app.get_auth("/api/v1/staff/invitations", &admin).await).await;
    let status_of = |id: &Value| listed.iter().find(|i| i["id"] == *id).unwrap()["status"].clone();
    assert_eq!((status_of(&first["id"]), status_of(&again["id"])), (json!("revoked"), json!("pending")), "the newest link counts");
    assert_eq!(app.client.get(app.url(&format!("/api/v1/invitations/{first_token}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    let res = app.post_auth(&format!("/api/v1/staff/invitations/{}/revoke", s(&again, "id")), &admin, &json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (status, code, _) = error_code(app.post_auth(&format!("/api/v1/staff/invitations/{}/revoke", s(&again, "id")), &admin, &json!({})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "invitation_invalid"), "no longer pending");

    let third = invite("0661000102").await;
    let token = invitation_token(&app, "0661000102").await;
    app.domain.clock().advance(chrono::Duration::days(domain::staff::INVITATION_DAYS) + chrono::Duration::minutes(1));
    let (status, code, _) = error_code(app.post(&format!("/api/v1/invitations/{token}/accept"), &json!({ "password": PASSWORD })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "invitation_invalid"));
    let listed = items(app.get_auth("/api/v1/staff/invitations", &admin).await).await;
    assert_eq!(listed.iter().find(|i| i["id"] == third["id"]).unwrap()["status"], "expired");
    // A token made up or cut short is no invitation either.
    assert_eq!(app.client.get(app.url(&format!("/api/v1/invitations/{}", &token[..20]))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deactivating_a_practitioner_ends_their_sessions_closes_their_free_slots_and_lists_their_bookings_to_move() {
    let app = spawn_app().await;
    let c = crate::booking::clinic_with_slots(&app).await;
    link_demo_practitioner(&app, &c.practitioner_id).await;
    let admin = s(&app.token("0550000004", domain::seed::DEMO_PASSWORD).await, "access_token");
    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    let doctor_id = s(&app.get_auth("/api/v1/me", &doctor).await.json::<Value>().await.unwrap(), "id");
    let patient = s(&app.citizen_tokens().await, "access_token");
    let from = app.domain.today() + chrono::Duration::days(3);
    let here: Vec<Value> =
        c.free_slots(&app, from, from + chrono::Duration::days(40)).await.into_iter().filter(|s| s["facility_id"] == c.facility_id.as_str()).collect();
    assert!(here.len() > 1, "free slots here before");
    let res = app.post_auth("/api/v1/appointments", &patient, &json!({ "slot_id": here[0]["id"] })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let booked = s(&res.json::<Value>().await.unwrap(), "id");

    let in_directory = || {
        let url = app.url(&format!("/api/v1/directory/practitioners?facility_id={}&limit=200", c.facility_id));
        let (client, id) = (app.client.clone(), c.practitioner_id.clone());
        async move { items(client.get(url).send().await.unwrap()).await.iter().any(|p| p["id"] == id.as_str()) }
    };
    assert!(in_directory().await, "listed while active");
    // A web sign-in half done (password given, code not yet) before the deactivation.
    let bare = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = bare
        .post(app.url("/sfn/login"))
        .header("origin", &app.base)
        .form(&[("login", "0550000003"), ("password", domain::seed::DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    let ticket = set_cookie(&res, "__Host-sihati_mfa").expect("the second step's ticket");

    let res = app.post_auth(&format!("/api/v1/staff/{doctor_id}/deactivate"), &admin, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    assert!(!in_directory().await, "no longer in the public directory");
    let out: Value = res.json().await.unwrap();
    assert_eq!(out["conflicts"].as_array().unwrap().iter().map(|c| s(c, "appointment_id")).collect::<Vec<_>>(), vec![booked.clone()]);
    assert!(out["slots_closed"].as_u64().unwrap() > 0);
    // At once: the session is gone and the password no longer signs in (a wrong one is told nothing new).
    assert_eq!(app.get_auth("/api/v1/me", &doctor).await.status(), StatusCode::UNAUTHORIZED);
    let (status, code, _) = error_code(app.post("/api/v1/auth/token", &json!({ "login": "0550000003", "password": domain::seed::DEMO_PASSWORD })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "account_deactivated"));
    let (_, code, _) = error_code(app.post("/api/v1/auth/token", &json!({ "login": "0550000003", "password": "not the password" })).await).await;
    assert_eq!(code, "invalid_credentials");
    // Nothing of theirs can be booked here any more (the demo's profile also
    // works at a second polyclinic, not this administrator's to close); what
    // was booked stays for the desk to move.
    let left = c.free_slots(&app, app.domain.today(), from + chrono::Duration::days(40)).await;
    assert!(left.iter().all(|s| s["facility_id"] != c.facility_id.as_str()), "{left:?}");
    let mine = items(app.get_auth("/api/v1/appointments", &patient).await).await;
    assert_eq!(mine.iter().find(|a| a["id"] == booked.as_str()).unwrap()["status"], "booked");
    let staff_list = items(app.get_auth("/api/v1/staff", &admin).await).await;
    assert_eq!(staff_list.iter().find(|p| p["id"] == doctor_id.as_str()).unwrap()["active"], false);
    // Twice is once: nothing more closed, nothing more logged.
    let again: Value = app.post_auth(&format!("/api/v1/staff/{doctor_id}/deactivate"), &admin, &json!({})).await.json().await.unwrap();
    assert_eq!(again["conflicts"], json!([]));
    let directorate = s(&app.token("0550000005", domain::seed::DEMO_PASSWORD).await, "access_token");
    let audit = items(app.get_auth("/api/v1/admin/audit", &directorate).await).await;
    assert_eq!(audit.iter().filter(|a| a["action"] == "staff_deactivated").count(), 1, "{audit:?}");
    // The log keeps counts, not the patients the conflicts named.
    let phone = s(&app.get_auth("/api/v1/me", &patient).await.json::<Value>().await.unwrap(), "phone");
    let logged = serde_json::to_string(&audit).unwrap();
    assert!(!logged.contains(&phone[phone.len() - 8..]) && logged.contains("appointments_to_move"), "{logged}");
    // The ticket of before finishes nothing.
    let otp = app.next_code("0550000003", domain::seed::DEMO_PASSWORD).await;
    let res = bare.post(app.url("/sfn/second_factor")).header("origin", &app.base).header("cookie", &ticket).form(&[("code", otp)]).send().await.unwrap();
    assert!(set_cookie(&res, "__Host-sihati_session").is_none(), "no session from a ticket of before: {}", res.status());

    // Reactivated: they sign in again.
    assert_eq!(app.post_auth(&format!("/api/v1/staff/{doctor_id}/reactivate"), &admin, &json!({})).await.status(), StatusCode::NO_CONTENT);
    let res = app.post("/api/v1/auth/token", &json!({ "login": "0550000003", "password": domain::seed::DEMO_PASSWORD })).await;
    assert_ne!(error_code(res).await.1, "account_deactivated");
    assert_eq!(app.get_auth("/api/v1/me", &s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token")).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_cli_makes_a_complete_practitioner_with_a_profile_at_the_facility() {
    let app = spawn_app().await;
    app.domain.seed_demo().await.unwrap();
    let facility = domain::entities::facility::Entity::find().one(app.domain.db()).await.unwrap().unwrap();
    let err = app
        .domain
        .accounts
        .create_staff(NewStaff { facility_id: Some(facility.id), specialty: Some("astrology".into()), ..staff(Role::Practitioner, "0661000201") })
        .await
        .unwrap_err();
    assert_eq!(err.to_api().field("specialty"), Some(ErrorCode::NotFound));
    let err = app
        .domain
        .accounts
        .create_staff(NewStaff { facility_id: Some(facility.id), specialty: Some("cardiology".into()), ..staff(Role::Receptionist, "0661000201") })
        .await
        .unwrap_err();
    assert_eq!(err.to_api().field("specialty"), Some(ErrorCode::BadRequest), "only practitioners have a specialty");
    let id = app
        .domain
        .accounts
        .create_staff(NewStaff { facility_id: Some(facility.id), specialty: Some("cardiology".into()), ..staff(Role::Practitioner, "0661000201") })
        .await
        .unwrap();
    let profile = domain::entities::practitioner::Entity::find()
        .filter(domain::entities::practitioner::Column::UserId.eq(id))
        .one(app.domain.db())
        .await
        .unwrap()
        .expect("a profile");
    let works = domain::entities::practitioner_facility::Entity::find()
        .filter(domain::entities::practitioner_facility::Column::PractitionerId.eq(profile.id))
        .all(app.domain.db())
        .await
        .unwrap();
    assert_eq!(works.iter().map(|l| l.facility_id).collect::<Vec<_>>(), vec![facility.id]);
}

#[tokio::test]
async fn a_directorate_staffs_and_deactivates_the_admins_of_its_own_wilaya_only() {
    let app = spawn_app().await;
    app.domain.seed_demo().await.unwrap();
    let pw = domain::seed::DEMO_PASSWORD;
    let oran = s(&app.token("0550000005", pw).await, "access_token");
    let tlemcen = s(&app.token(domain::seed::OTHER_DIRECTORATE_PHONE, pw).await, "access_token");
    let facility_admin = s(&app.token("0550000004", pw).await, "access_token");
    let me: Value = app.get_auth("/api/v1/me", &facility_admin).await.json().await.unwrap();
    let (home, admin_id) = (s(&me, "facility_id"), s(&me, "id"));
    let body = json!({ "role": "facility_admin", "given_name": "Nour", "family_name": "Saadi", "phone": "0661400001", "facility_id": home });

    // Another wilaya's directorate: the facility is not found, its admin neither, nor the invitation.
    let (status, _, err) = error_code(app.post_auth("/api/v1/staff/invitations", &tlemcen, &body).await).await;
    assert_eq!((status, err["fields"][0]["field"].as_str()), (StatusCode::NOT_FOUND, Some("facility_id")));
    let res = app.post_auth("/api/v1/staff/invitations", &oran, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "positive control: Oran's own directorate");
    let invitation = s(&res.json::<Value>().await.unwrap(), "id");
    for path in [
        format!("/api/v1/staff/{admin_id}/deactivate"),
        format!("/api/v1/staff/{admin_id}/second-factor/reset"),
        format!("/api/v1/staff/invitations/{invitation}/revoke"),
    ] {
        assert_eq!(app.post_auth(&path, &tlemcen, &json!({})).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert!(!app.get_auth("/api/v1/staff/invitations", &tlemcen).await.text().await.unwrap().contains(&invitation));
    assert!(!app.get_auth("/api/v1/staff", &tlemcen).await.text().await.unwrap().contains(&admin_id));
    // The facility's own admin does not handle the directorate's invitation of an admin.
    assert!(!app.get_auth("/api/v1/staff/invitations", &facility_admin).await.text().await.unwrap().contains(&invitation));
    assert_eq!(app.post_auth(&format!("/api/v1/staff/invitations/{invitation}/revoke"), &facility_admin, &json!({})).await.status(), StatusCode::NOT_FOUND);

    // The SMS the outbox gave up on shows on the directorate's list (who
    // invited: the facility's admins do not see this invitation).
    let undelivered = |token: String| {
        let (app, invitation) = (&app, invitation.clone());
        async move {
            let list = items(app.get_auth("/api/v1/staff/invitations", &token).await).await;
            list.iter().find(|i| i["id"] == invitation.as_str()).map(|i| i["undelivered"].clone())
        }
    };
    assert_eq!(undelivered(oran.clone()).await, Some(json!([])), "positive control: nothing failed yet");
    {
        use domain::entities::outbox;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let gave_up = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, sea_orm::sea_query::Expr::value(shared::OutboxStatus::Dead))
            .filter(outbox::Column::SubjectId.eq(invitation.parse::<uuid::Uuid>().unwrap()))
            .exec(app.domain.db())
            .await
            .unwrap();
        assert_eq!(gave_up.rows_affected, 1, "one SMS for this invitation");
    }
    assert_eq!(undelivered(oran.clone()).await, Some(json!(["sms"])));

    // Oran's directorate, on the same doors.
    assert!(app.get_auth("/api/v1/staff", &oran).await.text().await.unwrap().contains(&admin_id));
    assert_eq!(app.post_auth(&format!("/api/v1/staff/invitations/{invitation}/revoke"), &oran, &json!({})).await.status(), StatusCode::NO_CONTENT);
    let res = app.post_auth(&format!("/api/v1/staff/{admin_id}/deactivate"), &oran, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.get_auth("/api/v1/me", &facility_admin).await.status(), StatusCode::UNAUTHORIZED);

    // An act on one of the directorate's own members (no facility) is in
    // that directorate's log, and not in another's.
    let colleague = app
        .domain
        .accounts
        .create_staff(domain::accounts::NewStaff { wilaya_code: Some("31".into()), ..staff(Role::HealthAdmin, "0661400002") })
        .await
        .unwrap();
    assert_eq!(app.post_auth(&format!("/api/v1/staff/{colleague}/deactivate"), &oran, &json!({})).await.status(), StatusCode::OK);
    let acts_on = |token: String| {
        let (app, id) = (&app, colleague.to_string());
        async move { items(app.get_auth("/api/v1/admin/audit", &token).await).await.into_iter().filter(|a| a["subject_id"] == id.as_str()).count() }
    };
    assert_eq!(acts_on(oran.clone()).await, 1);
    assert_eq!(acts_on(tlemcen.clone()).await, 0);
    // A row written before migration 000022 had no wilaya: out of the
    // directorate's log until 000023 fills it from the acting administrator.
    {
        use domain::entities::admin_audit;
        use migrations::{Migrator, MigratorTrait};
        use sea_orm::{sea_query::Expr, ColumnTrait, Condition, EntityTrait, QueryFilter};
        let db = app.domain.db();
        let about = Condition::any().add(admin_audit::Column::TargetUserId.eq(colleague)).add(admin_audit::Column::SubjectId.eq(colleague.to_string()));
        admin_audit::Entity::update_many().col_expr(admin_audit::Column::WilayaCode, Expr::value(Option::<String>::None)).filter(about).exec(db).await.unwrap();
        assert_eq!(acts_on(oran.clone()).await, 0, "an old row");
        // Back to just before 000023 (undoing what came after it too), then forward.
        let from_000023 = Migrator::migrations().iter().rev().position(|m| m.name() == "m20261216_000023_audit_wilaya_backfill").unwrap() as u32 + 1;
        Migrator::down(db, Some(from_000023)).await.unwrap();
        Migrator::up(db, None).await.unwrap();
        assert_eq!((acts_on(oran.clone()).await, acts_on(tlemcen.clone()).await), (1, 0), "filled in");
    }
    // Moved to Tlemcen's directorate, the member takes none of Oran's acts along.
    app.domain.accounts.set_health_wilaya(colleague, "13").await.unwrap();
    assert_eq!((acts_on(oran.clone()).await, acts_on(tlemcen.clone()).await), (1, 0));
}
