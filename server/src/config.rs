//! One typed configuration, loaded once at startup: built-in defaults (the
//! embedded setup: SQLite under `data/`), then an optional TOML file
//! (`SIHATI_CONFIG`, default `sihati.toml` when present), then `SIHATI_*`
//! environment variables. Anything wrong fails the start, not a request.

use anyhow::Context;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {
    /// Where to listen. cargo-leptos passes `LEPTOS_SITE_ADDR`, which wins.
    pub bind: SocketAddr,
    /// Where the embedded default keeps its files (database, keys, mail).
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; defaults to `data_dir/sihati.db`.
    pub database_url: Option<String>,
    pub database_max_connections: u32,
    /// HMAC key for access tokens, at least 32 bytes. When absent, a key is
    /// generated once into `data_dir/jwt.key` and reused.
    #[serde(skip_serializing)]
    pub jwt_secret: Option<SecretString>,
    /// HMAC key for the signed links in messages (appointments, email
    /// verification, password reset), independent of the JWT key so that a
    /// leak of one forges nothing signed with the other. When absent, a key
    /// is generated once into `data_dir/link.key`.
    #[serde(skip_serializing)]
    pub link_secret: Option<SecretString>,
    /// HMAC key of the medical-record access log and its anchors; when
    /// absent, generated once into `data_dir/audit.key`.
    #[serde(skip_serializing)]
    pub audit_secret: Option<SecretString>,
    /// Key that encrypts the staff's authenticator secrets (and derives
    /// their recovery codes); when absent, generated once into
    /// `data_dir/mfa.key`. Losing it means every staff member enrols again.
    #[serde(skip_serializing)]
    pub mfa_secret: Option<SecretString>,
    /// Where the heads of the access-log chains are anchored (an
    /// append-only file; a write-once volume in production); defaults to
    /// `data_dir/audit`.
    pub audit_dir: Option<PathBuf>,
    /// How often the heads are anchored, in seconds.
    pub audit_anchor_secs: u64,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_ttl_secs: u64,
    pub refresh_ttl_secs: u64,
    pub web_session_ttl_secs: u64,
    pub login_per_ip_per_minute: u32,
    pub login_per_account_per_minute: u32,
    /// Booking, rescheduling: attempts per minute per client IP and per account.
    pub booking_per_ip_per_minute: u32,
    pub booking_per_account_per_minute: u32,
    /// Look-ups by NIN (opening a record without an appointment) one
    /// practitioner may make per hour; every one is in the patient's log.
    pub lookups_per_hour: u32,
    pub hash_concurrency: usize,
    /// Horizon, cut-off, minimum notice, active-appointment cap, offer hold.
    #[serde(flatten)]
    pub booking: domain::BookingRules,
    /// Verification codes, resets, throttles of account actions, session lifetimes.
    #[serde(flatten)]
    pub identity: domain::IdentityRules,
    /// The care window an appointment opens to its practitioner.
    #[serde(flatten)]
    pub record: domain::RecordRules,
    /// The waiting-room queue's rule: the appointment lead, the elderly age.
    #[serde(flatten)]
    pub floor: domain::FloorRules,
    /// Reminder hours, retries, leases, the public URL in links.
    #[serde(flatten)]
    pub notify: domain::NotifyRules,
    /// Where email goes: empty for `.eml` files under `data_dir/mail`, or
    /// an SMTP URL (`smtp://host:25`, `smtp://host:587?tls=required`,
    /// `smtps://user:password@host:465`).
    #[serde(skip_serializing)]
    pub smtp_url: Option<SecretString>,
    /// The sender of every email.
    pub mail_from: String,
    /// The SMS gateway: empty for text files under `data_dir/sms`, or an
    /// HTTP(S) URL that takes one POST per message.
    pub sms_gateway_url: Option<String>,
    /// A header sent with each gateway request, `Name: value`.
    #[serde(skip_serializing)]
    pub sms_gateway_auth: Option<SecretString>,
    /// The request body, with `{to}` and `{text}` replaced (JSON-escaped).
    pub sms_body_template: String,
    /// How often the outbox worker looks for due messages, in milliseconds.
    pub outbox_poll_ms: u64,
    /// Whether this process runs the waitlist job (offers of freed slots,
    /// their expiry). Any number of processes may run it (each scope is
    /// taken under a lease); at least one must.
    pub waitlist_job: bool,
    /// The content-addressed store of record attachments; defaults to
    /// `data_dir/files`. A mounted volume (or object-store gateway) in production.
    pub files_dir: Option<PathBuf>,
    /// The largest attachment accepted, in bytes.
    pub attachment_max_bytes: u64,
    /// Mark cookies `Secure`. Browsers accept Secure cookies from
    /// http://localhost, so this stays on even in development.
    pub cookie_secure: bool,
    /// Trusted reverse proxies in front of the server, each appending to
    /// `X-Forwarded-For`. 0 (no proxy): the socket peer is the client. N:
    /// the client is the N-th entry from the right, the one the outermost
    /// proxy wrote; entries to its left are the client's own words.
    pub proxy_hops: usize,
    /// A request that has not been answered after this long gets 408.
    pub request_timeout_secs: u64,
    /// The same for the two attachment uploads (a 10 MiB scan over a
    /// slow line takes minutes).
    pub upload_timeout_secs: u64,
    /// A connection that has not sent its request headers after this long
    /// is closed (slow clients cannot hold connections open).
    pub header_read_timeout_secs: u64,
    /// The site cargo-leptos built (`pkg/` with the WASM, JS and CSS, the
    /// icons, the service worker). Unset: `LEPTOS_SITE_ROOT`, as cargo-leptos
    /// passes it, else `target/site`.
    pub site_root: Option<PathBuf>,
    /// Load the demo facilities and logins into an empty database.
    pub seed_demo: bool,
    /// Logs as JSON lines (production) instead of human-readable text.
    pub log_json: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:3000".parse().expect("valid address"),
            data_dir: PathBuf::from("data"),
            database_url: None,
            database_max_connections: 10,
            jwt_secret: None,
            link_secret: None,
            audit_secret: None,
            mfa_secret: None,
            audit_dir: None,
            audit_anchor_secs: 300,
            jwt_issuer: "sihati".into(),
            jwt_audience: "sihati-api".into(),
            access_ttl_secs: 600,
            refresh_ttl_secs: 30 * 24 * 3600,
            web_session_ttl_secs: 14 * 24 * 3600,
            login_per_ip_per_minute: 30,
            login_per_account_per_minute: 5,
            booking_per_ip_per_minute: 120,
            booking_per_account_per_minute: 10,
            lookups_per_hour: 30,
            hash_concurrency: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            booking: domain::BookingRules::default(),
            identity: domain::IdentityRules::default(),
            record: domain::RecordRules::default(),
            floor: domain::FloorRules::default(),
            notify: domain::NotifyRules { public_url: String::new(), ..Default::default() },
            smtp_url: None,
            mail_from: "Sihati <no-reply@sihati.dz>".into(),
            sms_gateway_url: None,
            sms_gateway_auth: None,
            sms_body_template: r#"{"to":"{to}","text":"{text}"}"#.into(),
            outbox_poll_ms: 1000,
            waitlist_job: true,
            files_dir: None,
            attachment_max_bytes: 10 * 1024 * 1024,
            cookie_secure: true,
            proxy_hops: 0,
            request_timeout_secs: 60,
            upload_timeout_secs: 600,
            header_read_timeout_secs: 15,
            site_root: None,
            seed_demo: false,
            log_json: false,
        }
    }
}

impl Config {
    pub fn load() -> anyhow::Result<Self> {
        let file = std::env::var("SIHATI_CONFIG").unwrap_or_else(|_| "sihati.toml".into());
        let mut config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(&file))
            .merge(Env::prefixed("SIHATI_").ignore(&["config"]))
            .extract()
            .context("invalid configuration")?;
        if let Ok(addr) = std::env::var("LEPTOS_SITE_ADDR") {
            config.bind = addr.parse().context("LEPTOS_SITE_ADDR")?;
        }
        Ok(config)
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite://{}?mode=rwc", self.data_dir.join("sihati.db").display()))
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url().starts_with("sqlite:")
    }

    /// The JWT signing key: configured, or read from (or first generated
    /// into) `data_dir/jwt.key`.
    pub fn jwt_key(&self) -> anyhow::Result<Vec<u8>> {
        self.key(self.jwt_secret.as_ref(), "SIHATI_JWT_SECRET", "jwt.key")
    }

    /// The signed-link key: configured, or `data_dir/link.key`.
    pub fn link_key(&self) -> anyhow::Result<Vec<u8>> {
        self.key(self.link_secret.as_ref(), "SIHATI_LINK_SECRET", "link.key")
    }

    /// The access-log key: configured, or `data_dir/audit.key`.
    pub fn audit_key(&self) -> anyhow::Result<Vec<u8>> {
        self.key(self.audit_secret.as_ref(), "SIHATI_AUDIT_SECRET", "audit.key")
    }

    /// The second-factor key: configured, or `data_dir/mfa.key`.
    pub fn mfa_key(&self) -> anyhow::Result<Vec<u8>> {
        self.key(self.mfa_secret.as_ref(), "SIHATI_MFA_SECRET", "mfa.key")
    }

    fn key(&self, configured: Option<&SecretString>, var: &str, file: &str) -> anyhow::Result<Vec<u8>> {
        if let Some(s) = configured {
            let key = s.expose_secret().as_bytes().to_vec();
            anyhow::ensure!(key.len() >= 32, "{var} must be at least 32 bytes");
            return Ok(key);
        }
        let path = self.data_dir.join(file);
        if let Ok(existing) = std::fs::read_to_string(&path) {
            let key = existing.trim().as_bytes().to_vec();
            anyhow::ensure!(key.len() >= 32, "{} is too short", path.display());
            return Ok(key);
        }
        use base64::Engine;
        use rand::RngCore;
        let mut bytes = [0u8; 48];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        std::fs::create_dir_all(&self.data_dir).with_context(|| format!("creating {}", self.data_dir.display()))?;
        write_private(&path, &key).with_context(|| format!("writing {}", path.display()))?;
        tracing::info!(path = %path.display(), "generated a new key");
        Ok(key.into_bytes())
    }

    pub fn domain_config(&self) -> anyhow::Result<domain::DomainConfig> {
        Ok(domain::DomainConfig {
            jwt_secret: self.jwt_key()?,
            link_secret: self.link_key()?,
            audit_secret: self.audit_key()?,
            mfa_secret: self.mfa_key()?,
            audit_dir: self.audit_dir.clone().unwrap_or_else(|| self.data_dir.join("audit")),
            jwt_issuer: self.jwt_issuer.clone(),
            jwt_audience: self.jwt_audience.clone(),
            access_ttl_secs: self.access_ttl_secs.min(domain::tokens::MAX_ACCESS_TTL_SECS),
            refresh_ttl_secs: self.refresh_ttl_secs,
            web_session_ttl_secs: self.web_session_ttl_secs,
            login_per_ip_per_minute: self.login_per_ip_per_minute,
            login_per_account_per_minute: self.login_per_account_per_minute,
            booking_per_ip_per_minute: self.booking_per_ip_per_minute,
            booking_per_account_per_minute: self.booking_per_account_per_minute,
            lookups_per_hour: self.lookups_per_hour,
            hash_concurrency: self.hash_concurrency,
            booking: self.booking.clone(),
            identity: self.identity.clone(),
            record: self.record.clone(),
            floor: self.floor.clone(),
            files_dir: self.files_dir.clone().unwrap_or_else(|| self.data_dir.join("files")),
            attachment_max_bytes: self.attachment_max_bytes,
            notify: domain::NotifyRules {
                // Unset: the address the server listens on (the embedded default).
                public_url: if self.notify.public_url.is_empty() { format!("http://{}", self.bind) } else { self.notify.public_url.clone() },
                ..self.notify.clone()
            },
        })
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}
