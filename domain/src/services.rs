//! The services, one per area of the house. Each offers the use cases of
//! its area to both doors (`domain.booking.book(…)`,
//! `domain.record.write_entry(…)`) and shares the kernel ([`Core`]). A new
//! use case goes in the area whose rows it changes, or, for a read, the
//! area whose page or endpoint shows it; what two areas need (a helper,
//! never a use case) goes on `Core`.

use crate::{Core, DomainConfig};
use sea_orm::DatabaseConnection;

/// Every area's service, cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Domain {
    pub(crate) core: Core,
    pub accounts: Accounts,
    pub sessions: Sessions,
    pub people: People,
    pub directory: Directory,
    pub schedule: Schedule,
    pub booking: Bookings,
    pub waitlist: Waitlist,
    pub referrals: Referrals,
    pub record: Record,
    pub floor: Floor,
    pub notifications: Notifications,
    pub audit: Audit,
    pub network: Network,
}

impl Domain {
    pub fn new(db: DatabaseConnection, config: DomainConfig) -> Self {
        let core = Core::new(db, config);
        Self {
            accounts: Accounts { core: core.clone() },
            sessions: Sessions {
                core: core.clone(),
                sign_in_throttle: std::sync::Arc::new(crate::throttle::Throttle::new(
                    core.config().login_per_ip_per_minute,
                    core.config().login_per_account_per_minute,
                )),
            },
            people: People { core: core.clone() },
            directory: Directory { core: core.clone() },
            schedule: Schedule { core: core.clone() },
            booking: Bookings { core: core.clone() },
            waitlist: Waitlist { core: core.clone() },
            referrals: Referrals { core: core.clone() },
            record: Record { core: core.clone() },
            floor: Floor::new(core.clone()),
            notifications: Notifications { core: core.clone() },
            audit: Audit { core: core.clone() },
            network: Network { core: core.clone() },
            core,
        }
    }

    /// The kernel: the database, the configuration, the clock.
    pub fn core(&self) -> &Core {
        &self.core
    }

    pub fn db(&self) -> &DatabaseConnection {
        self.core.db()
    }

    pub fn config(&self) -> &DomainConfig {
        self.core.config()
    }

    pub fn clock(&self) -> &crate::notify::Clock {
        self.core.clock()
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.core.today()
    }

    pub fn tokens(&self) -> &crate::tokens::AccessTokens {
        self.core.tokens()
    }

    /// Forgets idle throttling keys; the server calls this periodically.
    pub fn prune_throttle(&self) {
        self.core.prune_throttle();
        self.sessions.sign_in_throttle.prune();
    }

    /// The reference data (wilayas, communes, specialties), idempotently.
    pub async fn seed_reference(&self) -> crate::Result<()> {
        self.core.seed_reference().await
    }
}

/// Sessions: signing in (password, second factor), web and mobile sessions, who acts, request idempotency.
#[derive(Clone)]
pub struct Sessions {
    pub(crate) core: Core,
    /// Sign-in attempts (password and second factor), per client and per
    /// account: only this area signs anyone in.
    pub(crate) sign_in_throttle: std::sync::Arc<crate::throttle::Throttle>,
}

/// The floor: arrivals, the waiting-room queues, calls, the screens.
#[derive(Clone)]
pub struct Floor {
    pub(crate) core: Core,
    /// A facility whose queues changed (the screens' live feeds listen).
    pub(crate) events: tokio::sync::broadcast::Sender<shared::FacilityId>,
    /// Set once the server is stopping: the live feeds end.
    pub(crate) closing: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
}

impl Floor {
    fn new(core: Core) -> Self {
        Self { core, events: tokio::sync::broadcast::channel(256).0, closing: std::sync::Arc::new(tokio::sync::watch::channel(false).0) }
    }
}

/// An area's service whose only state is the kernel.
macro_rules! area {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            pub(crate) core: Core,
        }
    )*};
}

area!(
    /// Accounts: registration, profiles, contact changes, password resets, staff accounts.
    Accounts,
    /// People: dependants, claims of a record held as a dependant, adults' consent, the desk's look-up by NIN.
    People,
    /// The directory: specialties, wilayas, facilities and their practitioners, holidays.
    Directory,
    /// Availability: weekly templates, the slot horizon, closures, holidays, the day list.
    Schedule,
    /// Booking: search, book, move, cancel — online, at the desk and by signed link.
    Bookings,
    /// The waiting list and the freed slots it offers.
    Waitlist,
    /// Referrals to a specialty.
    Referrals,
    /// The medical record: entries, files, care relationships, the FHIR export.
    Record,
    /// Notifications: preferences, the in-app inbox, the outbox worker, undelivered messages.
    Notifications,
    /// Audit: the patient's access log (verified, anchored, read) and the admin audit log.
    Audit,
    /// The network's administration: facilities, what they offer, the admin audit log's acts on them.
    Network,
);
