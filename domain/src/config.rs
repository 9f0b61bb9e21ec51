//! The part of the configuration the services need; the server builds it
//! from its own typed config.

#[derive(Clone)]
pub struct DomainConfig {
    /// HMAC key for access tokens (HS256), at least 32 bytes.
    pub jwt_secret: Vec<u8>,
    /// HMAC key for signed links and verification codes, independent of
    /// the JWT key, at least 32 bytes.
    pub link_secret: Vec<u8>,
    /// HMAC key of the medical-record access log and its anchors, at least
    /// 32 bytes, of its own.
    pub audit_secret: Vec<u8>,
    /// Key that encrypts the staff's authenticator secrets and derives
    /// their recovery codes, at least 32 bytes, of its own.
    pub mfa_secret: Vec<u8>,
    /// Where the access-log heads are anchored (an append-only file).
    pub audit_dir: std::path::PathBuf,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    /// Access-token lifetime; the issue caps it at 15 minutes.
    pub access_ttl_secs: u64,
    pub refresh_ttl_secs: u64,
    pub web_session_ttl_secs: u64,
    pub login_per_ip_per_minute: u32,
    pub login_per_account_per_minute: u32,
    pub booking_per_ip_per_minute: u32,
    pub booking_per_account_per_minute: u32,
    /// Look-ups by NIN one practitioner may make per hour (a burst of that
    /// many, then one every `60 / n` minutes).
    pub lookups_per_hour: u32,
    /// How many argon2 hashes may run at once (each takes ~19 MiB).
    pub hash_concurrency: usize,
    pub booking: BookingRules,
    pub identity: IdentityRules,
    pub record: RecordRules,
    pub floor: FloorRules,
    pub notify: crate::NotifyRules,
    /// Where record attachments are stored, by content hash.
    pub files_dir: std::path::PathBuf,
    /// The largest attachment accepted, in bytes.
    pub attachment_max_bytes: u64,
}

/// The booking rules a ministry may tune, with the defaults. The
/// server's configuration embeds this struct as is (flattened), so each
/// setting is written once: `SIHATI_MIN_NOTICE_HOURS`, and so on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct BookingRules {
    /// How far ahead slots exist and can be booked, in days.
    pub horizon_days: i64,
    /// Citizens may cancel or move a booking online until this many hours before it.
    pub cancel_cutoff_hours: i64,
    /// Nobody books online a slot that starts sooner than this.
    pub min_notice_hours: i64,
    /// Upcoming appointments one person may hold at once, all specialties.
    pub max_active_appointments: u64,
    /// How long a freed slot is held for a waiting citizen.
    pub offer_hold_minutes: i64,
    /// How long a public search answer is kept in this process, in
    /// milliseconds (at most 2,000; 0 keeps none). This process drops an
    /// answer as soon as it changes a slot in its range; this is the
    /// delay for changes made by another process.
    pub search_cache_ms: u64,
}

impl Default for BookingRules {
    fn default() -> Self {
        Self { horizon_days: 56, cancel_cutoff_hours: 24, min_notice_hours: 2, max_active_appointments: 4, offer_hold_minutes: 120, search_cache_ms: 2_000 }
    }
}

/// Verification codes, password resets and sessions: the settings a
/// ministry may tune, flattened into the server's configuration
/// (`SIHATI_CODE_TTL_MINUTES`, …) like [`BookingRules`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct IdentityRules {
    /// A code sent by SMS (or a link by email) works this long.
    pub code_ttl_minutes: i64,
    /// Wrong tries before a code stops working.
    pub code_max_tries: i32,
    /// Codes sent to one phone number or email address per hour (a burst
    /// of that many, then one every `60 / n` minutes).
    pub codes_per_destination_per_hour: u32,
    /// Codes sent at the request of one client IP (IPv6: one /64) per hour.
    pub codes_per_ip_per_hour: u32,
    /// Registrations, password-reset requests and waiting-list changes per
    /// client IP per minute (and per account or login for the latter two).
    pub account_actions_per_ip_per_minute: u32,
    /// A mobile sign-in (its refresh-token family) ends this many days
    /// after it began, however often it is refreshed.
    pub session_absolute_days: i64,
    /// A web session unused for this long ends.
    pub web_idle_timeout_minutes: i64,
    /// Two refreshes of one refresh token within this many seconds (a
    /// phone retrying after a lost answer) both get the same new pair;
    /// later, a reused token revokes the whole session.
    pub refresh_grace_secs: i64,
    /// Dependants one account may hold.
    pub max_dependants: u64,
    /// The age of majority (19 in Algeria): an adult is not added as a
    /// dependant without their consent.
    pub age_of_majority: u32,
    /// How long this process trusts a session it verified, in milliseconds
    /// (at most 30,000; 0 verifies every request). This process forgets a
    /// session at once when it revokes it or changes its user; this is the
    /// delay for a revocation made by another process or straight in the
    /// database (see `verified`).
    pub session_cache_ms: u64,
}

impl Default for IdentityRules {
    fn default() -> Self {
        Self {
            code_ttl_minutes: 10,
            code_max_tries: 5,
            codes_per_destination_per_hour: 5,
            codes_per_ip_per_hour: 20,
            account_actions_per_ip_per_minute: 10,
            session_absolute_days: 30,
            web_idle_timeout_minutes: 30,
            refresh_grace_secs: 10,
            max_dependants: 10,
            age_of_majority: 19,
            session_cache_ms: 5_000,
        }
    }
}

/// Who may read a record, when: flattened into the server's configuration
/// (`SIHATI_CARE_BEFORE_HOURS`, `SIHATI_CARE_AFTER_DAYS`,
/// `SIHATI_PHARMACY_CHECKS_PER_IP_PER_MINUTE`,
/// `SIHATI_PHARMACY_WRONG_DATES_PER_CODE`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RecordRules {
    /// An appointment opens the record to its own practitioner this many
    /// hours before it starts…
    pub care_before_hours: i64,
    /// …and until this many days after.
    pub care_after_days: i64,
    /// Prescription checks by pharmacies, per client and minute.
    pub pharmacy_checks_per_ip_per_minute: u32,
    /// Wrong birth dates tried with one prescription's code over 24 hours;
    /// then that code answers nothing (not even to the right date) until
    /// the oldest try is a day old. Counted in the database.
    pub pharmacy_wrong_dates_per_code: u32,
}

impl Default for RecordRules {
    fn default() -> Self {
        Self { care_before_hours: 24, care_after_days: 7, pharmacy_checks_per_ip_per_minute: 20, pharmacy_wrong_dates_per_code: 5 }
    }
}

/// The waiting room and its no-shows (`SIHATI_APPOINTMENT_LEAD_MINUTES`,
/// `SIHATI_ELDERLY_AGE`, `SIHATI_NO_SHOW_LIMIT`, `SIHATI_NO_SHOW_DAYS`,
/// `SIHATI_REFERRAL_FOLLOW_UP_DAYS`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct FloorRules {
    /// How long before their time an arrived booked patient goes before walk-ins.
    pub appointment_lead_minutes: i64,
    /// From this age a patient is in the elderly priority group.
    pub elderly_age: u32,
    /// From this many confirmed no-shows within `no_show_days`, a person's
    /// online bookings wait for the desk's confirmation (0: never).
    pub no_show_limit: u32,
    pub no_show_days: u32,
    /// Days after which a referral still without an appointment appears on
    /// the worklist of the desks of its wilaya.
    pub referral_follow_up_days: u32,
}

impl Default for FloorRules {
    fn default() -> Self {
        Self { appointment_lead_minutes: 10, elderly_age: 65, no_show_limit: 3, no_show_days: 180, referral_follow_up_days: 7 }
    }
}

impl std::fmt::Debug for DomainConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DomainConfig")
            .field("jwt_secret", &"<redacted>")
            .field("jwt_issuer", &self.jwt_issuer)
            .field("access_ttl_secs", &self.access_ttl_secs)
            .finish_non_exhaustive()
    }
}

impl DomainConfig {
    /// Settings for tests and examples: a fixed key, generous limits.
    pub fn for_tests(secret: &[u8]) -> Self {
        Self {
            jwt_secret: secret.to_vec(),
            link_secret: [secret, b"/links"].concat(),
            audit_secret: [secret, b"/audit"].concat(),
            mfa_secret: [secret, b"/mfa"].concat(),
            audit_dir: std::env::temp_dir().join(format!("sihati-audit-{}", std::process::id())),
            jwt_issuer: "sihati".into(),
            jwt_audience: "sihati-api".into(),
            access_ttl_secs: 600,
            refresh_ttl_secs: 30 * 24 * 3600,
            web_session_ttl_secs: 14 * 24 * 3600,
            login_per_ip_per_minute: 1000,
            login_per_account_per_minute: 1000,
            booking_per_ip_per_minute: 100_000,
            booking_per_account_per_minute: 100_000,
            lookups_per_hour: 100_000,
            hash_concurrency: 2,
            booking: BookingRules::default(),
            record: RecordRules::default(),
            floor: FloorRules::default(),
            identity: IdentityRules {
                codes_per_destination_per_hour: 1000,
                codes_per_ip_per_hour: 100_000,
                account_actions_per_ip_per_minute: 100_000,
                ..Default::default()
            },
            notify: crate::NotifyRules::default(),
            files_dir: std::env::temp_dir().join(format!("sihati-files-{}", std::process::id())),
            attachment_max_bytes: 10 * 1024 * 1024,
        }
    }
}
