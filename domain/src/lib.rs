//! Sihati's rules and data.
//!
//! Both doors of the house, the web's server functions (in `app`) and the
//! mobile REST handlers (in `server`), call the services here and nothing
//! else: every rule and every access check lives in exactly one place.
//! The services are per area ([`services`]: `domain.booking`,
//! `domain.record`…) over one shared kernel ([`Core`]).
//! Every service method that touches personal data takes the acting user
//! ([`Actor`]) and scopes its queries by it.

pub mod accounts;
pub mod actor;
pub mod booking;
pub mod claims;
pub mod config;
pub mod consents;
pub mod db;
pub mod entities;
pub mod error;
pub mod figures;
pub mod floor;
pub mod idempotency;
pub mod identity;
mod keys;
pub mod mfa;
pub mod network;
pub mod notify;
pub mod passwords;
pub mod persons;
pub mod record;
pub mod rights;
pub mod seed;
pub mod services;
pub mod sessions;
pub mod staff;
pub mod throttle;
pub mod tokens;
mod verified;

pub use actor::Actor;
pub use config::{BookingRules, DomainConfig, FloorRules, IdentityRules, RecordRules};
pub use error::{Error, Result};
pub use notify::NotifyRules;
pub use services::*;

use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// The kernel every area's service shares: the database, the
/// configuration, the clock, the throttles, and the helpers more than one
/// area needs (a transaction that writes, today in Algiers, the access
/// log, the outbox, who a booking is for…). Cheap to clone.
#[derive(Clone)]
pub struct Core {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    config: DomainConfig,
    passwords: passwords::Passwords,
    booking_throttle: throttle::Throttle,
    lookup_throttle: throttle::Throttle,
    code_throttle: throttle::Throttle,
    account_throttle: throttle::Throttle,
    pharmacy_throttle: throttle::Throttle,
    tokens: tokens::AccessTokens,
    clock: notify::Clock,
    /// Public search answers, kept for a moment (see `booking::answers`).
    search_answers: booking::answers::SearchAnswers,
    /// Sessions verified a moment ago (see `verified`).
    verified: verified::VerifiedSessions,
    /// Wakes the waitlist job (see `booking::waitlist`).
    waitlist_wake: Arc<tokio::sync::Notify>,
    /// When this process last made reminder rows (see `notify::queue`).
    reminders_since: std::sync::Mutex<Option<chrono::DateTime<chrono::Utc>>>,
    /// When this process last anchored the access-log heads.
    anchored_until: std::sync::Mutex<Option<chrono::DateTime<chrono::Utc>>>,
}

impl Core {
    pub fn new(db: DatabaseConnection, config: DomainConfig) -> Self {
        let passwords = passwords::Passwords::new(config.hash_concurrency);
        let booking_throttle = throttle::Throttle::new(config.booking_per_ip_per_minute, config.booking_per_account_per_minute);
        let lookup_throttle = throttle::Throttle::per_account_per_hour(config.lookups_per_hour);
        let id = &config.identity;
        let code_throttle = throttle::Throttle::per_hour(id.codes_per_ip_per_hour, id.codes_per_destination_per_hour);
        let account_throttle = throttle::Throttle::new(id.account_actions_per_ip_per_minute, id.account_actions_per_ip_per_minute);
        let pharmacy_throttle = throttle::Throttle::new(config.record.pharmacy_checks_per_ip_per_minute, config.record.pharmacy_checks_per_ip_per_minute);
        let tokens = tokens::AccessTokens::new(&config);
        let search_answers = booking::answers::SearchAnswers::new(std::time::Duration::from_millis(config.booking.search_cache_ms));
        let verified = verified::VerifiedSessions::new(std::time::Duration::from_millis(config.identity.session_cache_ms));
        Self {
            inner: Arc::new(Inner {
                db,
                config,
                passwords,
                booking_throttle,
                lookup_throttle,
                code_throttle,
                account_throttle,
                pharmacy_throttle,
                tokens,
                clock: notify::Clock::default(),
                search_answers,
                verified,
                waitlist_wake: Arc::new(tokio::sync::Notify::new()),
                reminders_since: std::sync::Mutex::new(None),
                anchored_until: std::sync::Mutex::new(None),
            }),
        }
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }

    /// The cache of public search answers, which every change of a slot
    /// must tell (`changed`).
    pub fn search_answers(&self) -> &booking::answers::SearchAnswers {
        &self.inner.search_answers
    }

    /// Sessions this process verified a moment ago: forget a user's once a
    /// change to what their session carries (or its revocation) committed.
    pub(crate) fn verified(&self) -> &verified::VerifiedSessions {
        &self.inner.verified
    }

    /// What wakes the waitlist job after a change signalled it.
    pub(crate) fn waitlist_wake(&self) -> Arc<tokio::sync::Notify> {
        self.inner.waitlist_wake.clone()
    }

    /// A transaction that will write. On SQLite it is `BEGIN IMMEDIATE`:
    /// it takes the writer lock up front (waiting up to the busy timeout)
    /// instead of reading first and failing with SQLITE_BUSY when another
    /// writer — the outbox worker, say — committed in between. PostgreSQL
    /// ignores the option.
    pub async fn begin_write(&self) -> std::result::Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        self.inner.db.begin_with_options(TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() }).await
    }

    pub fn config(&self) -> &DomainConfig {
        &self.inner.config
    }

    pub(crate) fn passwords(&self) -> &passwords::Passwords {
        &self.inner.passwords
    }

    pub(crate) fn booking_throttle(&self) -> &throttle::Throttle {
        &self.inner.booking_throttle
    }

    pub(crate) fn lookup_throttle(&self) -> &throttle::Throttle {
        &self.inner.lookup_throttle
    }

    /// Verification codes and links sent, per destination and per client.
    pub(crate) fn code_throttle(&self) -> &throttle::Throttle {
        &self.inner.code_throttle
    }

    /// Registrations, password resets and waiting-list changes.
    pub(crate) fn account_throttle(&self) -> &throttle::Throttle {
        &self.inner.account_throttle
    }

    /// Pharmacies' prescription checks, per client (the per-code budget is
    /// in the database: `record::pharmacy`).
    pub(crate) fn pharmacy_throttle(&self) -> &throttle::Throttle {
        &self.inner.pharmacy_throttle
    }

    pub fn tokens(&self) -> &tokens::AccessTokens {
        &self.inner.tokens
    }
}

impl Core {
    /// Forgets idle throttling keys; the server calls this periodically.
    pub fn prune_throttle(&self) {
        self.booking_throttle().prune();
        self.lookup_throttle().prune();
        self.code_throttle().prune();
        self.account_throttle().prune();
        self.pharmacy_throttle().prune();
    }
}
