//! Notifications that are never lost.
//!
//! Every message is an outbox row written in the same transaction as the
//! event that causes it (a booking, a move, a cancellation, a waitlist
//! offer, a referral), one row per channel, unique per event and channel
//! (`dedupe_key`). Reminders are rows due before the appointment, made by
//! the worker from the appointments a few minutes before they are due
//! (`materialise_reminders`, under the same keys; a booking writes only its
//! confirmation); moving or cancelling the appointment withdraws them in
//! that same transaction, and one sent for an appointment no longer booked
//! is skipped.
//!
//! A worker (the server runs one per process) claims due rows under a
//! lease — `FOR UPDATE SKIP LOCKED` on PostgreSQL, the database's single
//! writer on SQLite — renders them at send time in the recipient's
//! language, hands them to a [`Deliver`] (SMTP or files, an SMS gateway or
//! files) and records the outcome: sent, skipped (no address, channel
//! turned off), or failed with capped exponential back-off and jitter, dead
//! after `max_attempts`. A worker killed mid-send leaves its rows leased
//! until the lease runs out; they are then sent again, which is the only
//! way a duplicate can happen (at most one per worker per crash).

pub mod account;
mod dead_letters;
mod inbox;
pub mod links;
mod queue;
mod render;
pub mod texts;
mod worker;

pub(crate) use queue::outbox_row;
pub use worker::retry_delay;
use worker::Prepared;

use crate::booking::full_name;
use crate::entities::{
    appointment, dependant, facility, inbox_message, notification_pref, outbox, practitioner, record_entry, referral, slot, slot_offer, specialty, user, visit,
};
use crate::{Actor, Core, Error, Result};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::dto::{InboxItemOut, InboxOut, NotificationPrefs, UndeliveredOut};
use shared::{
    AppointmentId, DeliveryId, ErrorCode, FacilityId, Lang, MessageChannel, MessageId, MessageKind, OfferId, OutboxStatus, PersonId, Role, SlotId, SpecialtyId,
    UserId, VisitId,
};
use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};
use texts::{Facts, Rendered};
use uuid::Uuid;

/// What a message is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Booked,
    Rescheduled,
    Cancelled,
    Reminder,
    Offer,
    Referral,
    /// A new prescription in the patient's record.
    Prescription,
    /// A new exam result in the patient's record.
    Result,
    /// The patient is next in the waiting room's queue (in the app and by
    /// SMS; no email, which would come too late to matter).
    Next,
    /// To the desk staff of the polyclinic (in the app): a booking for
    /// today or tomorrow, as it happens.
    DeskBooked,
    /// To the desk staff: a cancellation for today or tomorrow.
    DeskCancelled,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Booked,
        Kind::Rescheduled,
        Kind::Cancelled,
        Kind::Reminder,
        Kind::Offer,
        Kind::Referral,
        Kind::Prescription,
        Kind::Result,
        Kind::Next,
        Kind::DeskBooked,
        Kind::DeskCancelled,
    ];

    /// The stored kind (`shared::MessageKind`) of this message.
    pub fn message_kind(self) -> MessageKind {
        match self {
            Kind::Booked => MessageKind::Booked,
            Kind::Rescheduled => MessageKind::Rescheduled,
            Kind::Cancelled => MessageKind::Cancelled,
            Kind::Reminder => MessageKind::Reminder,
            Kind::Offer => MessageKind::Offer,
            Kind::Referral => MessageKind::Referral,
            Kind::Prescription => MessageKind::Prescription,
            Kind::Result => MessageKind::Result,
            Kind::Next => MessageKind::Next,
            Kind::DeskBooked => MessageKind::DeskBooked,
            Kind::DeskCancelled => MessageKind::DeskCancelled,
        }
    }

    /// The appointment or record message a stored kind is, if it is one.
    pub fn of(k: MessageKind) -> Option<Kind> {
        Kind::ALL.into_iter().find(|x| x.message_kind() == k)
    }

    pub fn code(self) -> &'static str {
        self.message_kind().code()
    }

    /// Messages about an appointment at a time carry a calendar file.
    fn has_calendar(self) -> bool {
        matches!(self, Kind::Booked | Kind::Rescheduled | Kind::Cancelled | Kind::Reminder)
    }
}

/// The notification settings a ministry may tune (flattened into the
/// server's configuration: `SIHATI_REMINDER_HOURS=[24,2]`, …).
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct NotifyRules {
    /// Reminders before each appointment, in hours.
    pub reminder_hours: Vec<i64>,
    /// Failed sends before a message is dead-lettered.
    pub max_attempts: i32,
    /// First retry delay; doubles per attempt up to the cap (with jitter).
    pub retry_base_secs: i64,
    pub retry_cap_secs: i64,
    /// How long a claimed message stays with its worker: longer than a
    /// batch of sends at the transports' 15 s timeout.
    pub lease_secs: i64,
    /// Messages one worker claims at a time.
    pub batch_size: u64,
    /// The address citizens open, for links in messages.
    pub public_url: String,
    /// Days a settled message (sent, withdrawn, skipped) is kept.
    pub outbox_retention_days: i64,
}

impl Default for NotifyRules {
    fn default() -> Self {
        Self {
            reminder_hours: vec![24, 2],
            max_attempts: 8,
            retry_base_secs: 30,
            retry_cap_secs: 3600,
            lease_secs: 300,
            batch_size: 10,
            public_url: "http://127.0.0.1:3000".into(),
            outbox_retention_days: 90,
        }
    }
}

/// The domain's clock. Real time, plus an offset that tests move forward to
/// make reminders fall due; nothing in production moves it.
#[derive(Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }
    pub fn advance(&self, by: Duration) {
        self.offset_ms.fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}

/// An email ready for a transport: text in the recipient's language and,
/// for appointment messages, the event for a calendar file.
#[derive(Clone, Debug)]
pub struct EmailOut {
    /// Stable across retries: the transport derives the Message-ID from it.
    pub outbox_id: DeliveryId,
    pub to: String,
    pub to_name: String,
    pub lang: Lang,
    pub subject: String,
    pub text: String,
    pub calendar: Option<CalendarEvent>,
}

#[derive(Clone, Debug)]
pub struct CalendarEvent {
    /// Stable per appointment, so a cancellation replaces the event.
    pub uid: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub cancelled: bool,
    /// The alarm, minutes before the start.
    pub alarm_minutes: i64,
}

#[derive(Clone, Debug)]
pub struct SmsOut {
    pub outbox_id: DeliveryId,
    pub to: String,
    pub text: String,
}

/// Why a send failed. `permanent` failures (a refused address) are not
/// retried; the reason is a short category, never an address or a text.
#[derive(Clone, Debug)]
pub struct DeliveryError {
    pub permanent: bool,
    pub reason: String,
}

/// The transports: the server implements this with lettre and an HTTP
/// gateway (or files), tests with whatever they need.
pub trait Deliver: Send + Sync {
    fn email(&self, m: &EmailOut) -> impl Future<Output = std::result::Result<(), DeliveryError>> + Send;
    fn sms(&self, m: &SmsOut) -> impl Future<Output = std::result::Result<(), DeliveryError>> + Send;
}

/// What one worker pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassOutcome {
    pub claimed: usize,
    pub sent: usize,
    pub failed: usize,
}

impl Core {
    /// The clock notifications run on (see [`Clock`]).
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    fn rules(&self) -> &NotifyRules {
        &self.config().notify
    }
}

/// The local time of an instant in Algiers.
pub(crate) fn local(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    shared::time::algiers_local(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::of(k.message_kind()), Some(k));
        }
        assert_eq!(Kind::of(MessageKind::PhoneCode), None);
    }

    /// `Kind` (appointment and record messages) and `AccountKind` (account
    /// messages) split the stored kinds between the two renderers: every
    /// stored kind is exactly one of them, so a new `MessageKind` that
    /// neither renders fails here instead of being skipped as unknown at
    /// send time.
    #[test]
    fn every_stored_kind_has_exactly_one_renderer() {
        for &k in MessageKind::ALL {
            let renderers = usize::from(Kind::of(k).is_some()) + usize::from(account::AccountKind::of(k).is_some());
            assert_eq!(renderers, 1, "{k:?}");
        }
        assert_eq!(Kind::ALL.len() + account::AccountKind::ALL.len(), MessageKind::ALL.len());
    }
}
