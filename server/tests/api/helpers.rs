use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use server::{startup, Config};
use std::sync::atomic::{AtomicU32, Ordering};

pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";
pub const PASSWORD: &str = "jardin de Tlemcen";

pub struct TestApp {
    pub base: String,
    /// The running server's services, for arranging data tests need.
    pub domain: domain::Domain,
    pub client: Client,
    /// The server's data directory (SMS and mail files land under it).
    pub dir: std::path::PathBuf,
    /// Authenticator secrets of staff logins signed in here, with the last
    /// TOTP step used (a code works once).
    pub authenticators: std::sync::Mutex<std::collections::HashMap<String, (Vec<u8>, i64)>>,
    _dir: tempfile::TempDir,
}

static NEXT: AtomicU32 = AtomicU32::new(1);

/// A NIN and phone that no other registration in this process uses.
pub fn unique_ids() -> (String, String) {
    let n = NEXT.fetch_add(1, Ordering::SeqCst) + std::process::id() % 1000 * 10_000;
    (format!("1{:017}", n as u64 * 7 + 1), format!("06{:08}", n))
}

pub async fn database_url(dir: &std::path::Path) -> String {
    match std::env::var("SIHATI_TEST_DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => {
            use sea_orm::{ConnectionTrait, Database};
            let name = format!("sihati_test_{}", uuid::Uuid::new_v4().simple());
            let db = Database::connect(&admin).await.expect("PostgreSQL reachable at SIHATI_TEST_DATABASE_URL");
            db.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
            let (base, _) = admin.rsplit_once('/').expect("URL with a database name");
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}?mode=rwc", dir.join("test.db").display()),
    }
}

/// After a test arrangement wrote slots straight into the database (as
/// another process would): the search cache forgets what it kept, as it
/// would within its 2 s.
pub fn arranged(app: &TestApp) {
    app.domain.core().search_answers().changed(domain::booking::answers::Change::Everything);
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config {
        data_dir: dir.path().to_owned(),
        database_url: Some(database_url(dir.path()).await),
        database_max_connections: 5,
        jwt_secret: Some(TEST_SECRET.to_owned().into()),
        login_per_ip_per_minute: 1000,
        login_per_account_per_minute: 1000,
        booking_per_ip_per_minute: 1_000_000,
        booking_per_account_per_minute: 1_000_000,
        lookups_per_hour: 1_000_000,
        hash_concurrency: 2,
        outbox_poll_ms: 200,
        identity: domain::IdentityRules {
            codes_per_destination_per_hour: 1000,
            codes_per_ip_per_hour: 1_000_000,
            account_actions_per_ip_per_minute: 1_000_000,
            ..Default::default()
        },
        ..Config::default()
    };
    tweak(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = startup::build(config).await.expect("server builds");
    let domain = app.state.domain.clone();
    tokio::spawn(startup::serve(listener, app, std::future::pending()));
    // Like a browser, the client says which site a request comes from
    // (server functions and form posts are refused without it).
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("origin", base.parse().unwrap());
    // A request that hangs fails its test after two minutes instead of holding the whole run.
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .default_headers(headers)
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .unwrap();
    TestApp { base, domain, client, dir: dir.path().to_owned(), authenticators: Default::default(), _dir: dir }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).json(body).send().await.expect("request")
    }

    pub async fn post_auth(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).bearer_auth(token).json(body).send().await.expect("request")
    }

    pub async fn put_auth(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client.put(self.url(path)).bearer_auth(token).json(body).send().await.expect("request")
    }

    pub async fn get_auth(&self, path: &str, token: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.expect("request")
    }

    /// Registers a fresh citizen and verifies their phone and email as
    /// they would (the code and the link derived as the worker derives
    /// them); returns (phone, the registration body).
    pub async fn register_citizen(&self) -> (String, Value) {
        let (phone, body, id) = self.register_unverified().await;
        let token = s(&self.token(&phone, PASSWORD).await, "access_token");
        let code = self.code_of(&id, "phone").await;
        let res = self.post_auth("/api/v1/me/phone/verify", &token, &json!({ "code": code })).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        let link = self.link_of(&id, "email").await;
        let res = self.post("/api/v1/auth/email/verify", &json!({ "token": link })).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{}", res.text().await.unwrap());
        (phone, body)
    }

    /// Registers a fresh citizen and verifies nothing; returns (phone, the
    /// registration body, the account id).
    pub async fn register_unverified(&self) -> (String, Value, String) {
        let (nin, phone) = unique_ids();
        let body = json!({
            "nin": nin, "given_name": "Amina", "family_name": "بن علي", "birth_date": "1990-04-12",
            "sex": "female", "phone": phone, "email": format!("u{nin}@example.dz"), "password": PASSWORD, "lang": "fr"
        });
        let res = self.post("/api/v1/auth/register", &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
        let profile: Value = res.json().await.unwrap();
        (phone, body, s(&profile, "id"))
    }

    /// The latest verification of an account for a purpose (`phone`,
    /// `email`, `reset`).
    pub async fn verification_of(&self, user_id: &str, purpose: &str) -> domain::entities::verification::Model {
        use domain::entities::verification;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        verification::Entity::find()
            .filter(verification::Column::UserId.eq(user_id.parse::<uuid::Uuid>().unwrap()))
            .filter(verification::Column::Purpose.eq(purpose))
            .order_by_desc(verification::Column::CreatedAt)
            .one(self.domain.db())
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("a {purpose} verification for {user_id}"))
    }

    /// The SMS code of the account's latest verification for `purpose`.
    pub async fn code_of(&self, user_id: &str, purpose: &str) -> String {
        let v = self.verification_of(user_id, purpose).await;
        domain::identity::code_for(&self.domain.config().link_secret, v.id)
    }

    /// The email-link token of the account's latest verification for `purpose`.
    pub async fn link_of(&self, user_id: &str, purpose: &str) -> String {
        let v = self.verification_of(user_id, purpose).await;
        domain::identity::link_token(&self.domain.config().link_secret, v.id)
    }

    /// The first SMS to `phone` whose text contains `needle`, waiting up
    /// to 10 s for it.
    pub async fn sms_with(&self, phone: &str, needle: &str) -> String {
        for _ in 0..100 {
            if let Some(t) = self.sms_to(phone, 0).await.into_iter().find(|t| t.contains(needle)) {
                return t;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no SMS to {phone} with {needle:?} after 10 s: {:?}", self.sms_to(phone, 0).await);
    }

    /// The text of the SMS files sent to `phone` (E.164 or national),
    /// waiting up to 10 s for at least `count` of them.
    pub async fn sms_to(&self, phone: &str, count: usize) -> Vec<String> {
        let to = shared::Phone::parse(phone).unwrap().to_string();
        for _ in 0..200 {
            let mut found: Vec<(std::time::SystemTime, String)> = Vec::new();
            if let Ok(entries) = std::fs::read_dir(self.dir.join("sms")) {
                for e in entries.flatten() {
                    let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                    if text.starts_with(&format!("To: {to}\n")) {
                        found.push((e.metadata().and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH), text));
                    }
                }
            }
            if found.len() >= count {
                found.sort_by_key(|(t, _)| *t);
                return found.into_iter().map(|(_, t)| t).collect();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("fewer than {count} SMS to {to} after 10 s");
    }

    /// Signs in; returns the token body. Staff who need a second factor
    /// send their authenticator's code (enrolling first if they have none).
    pub async fn token(&self, login: &str, password: &str) -> Value {
        let res = self.post("/api/v1/auth/token", &json!({ "login": login, "password": password })).await;
        if res.status() == StatusCode::OK {
            return res.json().await.unwrap();
        }
        let (status, code, body) = error_code(res).await;
        assert!(code == "mfa_required" || code == "mfa_enrolment_required", "sign-in {login}: {status} {body}");
        let otp = self.next_code(login, password).await;
        let res = self.post("/api/v1/auth/token", &json!({ "login": login, "password": password, "otp": otp })).await;
        assert_eq!(res.status(), StatusCode::OK, "sign-in {login} with its code");
        res.json().await.unwrap()
    }

    /// The authenticator secret of a staff login: enrolled here through
    /// the API if it has none yet, else the demo staff's.
    pub async fn authenticator(&self, login: &str, password: &str) -> Vec<u8> {
        if let Some((secret, _)) = self.authenticators.lock().unwrap().get(login) {
            return secret.clone();
        }
        let res = self.post("/api/v1/auth/mfa/enrolment", &json!({ "login": login, "password": password })).await;
        let secret = match res.status() {
            StatusCode::OK => {
                let e: Value = res.json().await.unwrap();
                totp_rs::Secret::Encoded(s(&e, "secret")).to_bytes().unwrap()
            }
            StatusCode::CONFLICT => domain::seed::demo_totp_secret(),
            other => panic!("enrolment of {login}: {other}"),
        };
        self.authenticators.lock().unwrap().insert(login.to_owned(), (secret.clone(), 0));
        secret
    }

    /// A code of the login's authenticator that was not used yet: like a
    /// person waiting for the next code, the test clock moves to the next
    /// 30-second step when this one's code was already used.
    pub async fn next_code(&self, login: &str, password: &str) -> String {
        let secret = self.authenticator(login, password).await;
        let mut map = self.authenticators.lock().unwrap();
        let entry = map.get_mut(login).unwrap();
        let now = self.domain.clock().now().timestamp();
        if now / 30 <= entry.1 {
            self.domain.clock().advance(chrono::Duration::seconds((entry.1 + 1) * 30 - now));
        }
        let now = self.domain.clock().now();
        entry.1 = now.timestamp() / 30;
        domain::mfa::code_at(&secret, now)
    }

    pub async fn citizen_tokens(&self) -> Value {
        let (phone, _) = self.register_citizen().await;
        self.token(&phone, PASSWORD).await
    }
}

pub fn s(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or_else(|| panic!("{k} in {v}")).to_owned()
}

pub async fn error_code(res: Response) -> (StatusCode, String, Value) {
    let status = res.status();
    let body: Value = res.json().await.expect("JSON error body");
    (status, body["code"].as_str().unwrap_or_default().to_owned(), body)
}

/// A staff account's fields, with no facility, password `PASSWORD`.
pub fn staff(role: shared::Role, phone: &str) -> domain::accounts::NewStaff {
    use shared::{Lang, NewPassword, PersonName, Phone};
    domain::accounts::NewStaff {
        role,
        facility_id: None,
        wilaya_code: None,
        given_name: PersonName::parse("Samira").unwrap(),
        family_name: PersonName::parse("Hadj").unwrap(),
        phone: Some(Phone::parse(phone).unwrap()),
        email: None,
        password: NewPassword::parse(PASSWORD).unwrap(),
        lang: Lang::Fr,
        specialty: None,
    }
}

/// Creates a staff account at `facility`; returns its access token.
pub async fn new_staff(app: &TestApp, facility: impl Into<uuid::Uuid>, role: shared::Role, phone: &str) -> String {
    let facility: uuid::Uuid = facility.into();
    app.domain.accounts.create_staff(domain::accounts::NewStaff { facility_id: Some(shared::FacilityId(facility)), ..staff(role, phone) }).await.unwrap();
    s(&app.token(phone, PASSWORD).await, "access_token")
}

/// The `name=value` of the cookie `name` that a response sets.
pub fn set_cookie(res: &Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

/// Signs in through the web's server functions (and, for staff who need
/// one, the second step with the authenticator's code); returns the
/// session cookie pair.
pub async fn web_session(app: &TestApp, login: &str, password: &str) -> String {
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = client.post(app.url("/sfn/login")).header("origin", &app.base).form(&[("login", login), ("password", password)]).send().await.unwrap();
    assert!(res.status().is_success() || res.status().is_redirection(), "web sign-in {login}: {}", res.status());
    if let Some(session) = set_cookie(&res, "__Host-sihati_session") {
        return session;
    }
    let ticket = set_cookie(&res, "__Host-sihati_mfa").unwrap_or_else(|| panic!("web sign-in {login}: neither a session nor a second step"));
    let otp = app.next_code(login, password).await;
    let res = client.post(app.url("/sfn/second_factor")).header("origin", &app.base).header("cookie", &ticket).form(&[("code", otp)]).send().await.unwrap();
    assert!(res.status().is_success() || res.status().is_redirection(), "second step of {login}: {}", res.status());
    set_cookie(&res, "__Host-sihati_session").expect("session cookie after the second step")
}

/// A practitioner opens a citizen's record by NIN with a reason (the
/// logged look-up): the citizen is then in their care for a day.
pub async fn care_by_lookup(app: &TestApp, practitioner: &str, citizen: &str) {
    let me: Value = app.get_auth("/api/v1/me", citizen).await.json().await.unwrap();
    let res = app.post_auth("/api/v1/record/lookup", practitioner, &json!({ "nin": me["nin"], "reason": "Consultation sans rendez-vous" })).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
}

/// Makes the demo practitioner (`0550000003`) the practitioner of
/// `practitioner_id` too (test arrangement: a second profile), so that
/// appointments with that practitioner are the demo practitioner's own.
pub async fn link_demo_practitioner(app: &TestApp, practitioner_id: &str) {
    use domain::entities::{practitioner, user};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let doctor = user::Entity::find().filter(user::Column::Phone.eq("+213550000003")).one(app.domain.db()).await.unwrap().expect("the demo practitioner");
    practitioner::Entity::update_many()
        .col_expr(practitioner::Column::UserId, sea_orm::sea_query::Expr::value(Some(doctor.id)))
        .filter(practitioner::Column::Id.eq(practitioner_id.parse::<uuid::Uuid>().unwrap()))
        .exec(app.domain.db())
        .await
        .unwrap();
}

/// The items of one page of a list door (every list of the API answers
/// `{items, next_cursor}`); panics on anything else.
pub async fn items(res: reqwest::Response) -> Vec<Value> {
    let page: Value = res.json().await.unwrap();
    page["items"].as_array().unwrap_or_else(|| panic!("a page of items: {page}")).clone()
}

/// What a background job (the outbox worker, the waitlist job) does after
/// the request that caused it: `probe` again every 50 ms until it returns
/// `Some`, the test failing with `what` after `secs` seconds.
pub async fn eventually<T>(secs: u64, what: &str, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(std::time::Instant::now() < deadline, "not within {secs} s: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
