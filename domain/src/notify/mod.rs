//! Notifications that are never lost.
//!
//! Every message is an outbox row written in the same transaction as the
//! event that causes it (a booking, a move, a cancellation, a waitlist
//! offer, a referral), one row per channel, unique per event and channel
//! (`dedupe_key`). Reminders are rows due before the appointment; moving or
//! cancelling the appointment withdraws them in that same transaction.
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
pub mod links;
pub mod texts;

use crate::booking::{algiers, full_name};
use crate::entities::{
    appointment, dependant, facility, inbox_message, notification_pref, outbox, practitioner, record_entry, referral, slot, slot_offer, specialty, user,
};
use crate::{Actor, Domain, Error, Result};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::dto::{InboxItemOut, InboxOut, NotificationPrefs, UndeliveredOut};
use shared::{AppointmentId, DeliveryId, ErrorCode, Lang, MessageChannel, MessageId, MessageKind, OutboxStatus, Role};
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
}

impl Kind {
    pub const ALL: [Kind; 8] =
        [Kind::Booked, Kind::Rescheduled, Kind::Cancelled, Kind::Reminder, Kind::Offer, Kind::Referral, Kind::Prescription, Kind::Result];

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
    pub outbox_id: Uuid,
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
    pub outbox_id: Uuid,
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

enum Prepared {
    Email(EmailOut),
    Sms(SmsOut),
    InApp(serde_json::Value),
    Skip(&'static str),
}

/// What one worker pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassOutcome {
    pub claimed: usize,
    pub sent: usize,
    pub failed: usize,
}

fn row(key: String, kind: Kind, channel: MessageChannel, account: Uuid, due: DateTime<Utc>, now: DateTime<Utc>) -> outbox::ActiveModel {
    outbox_row(key, kind.message_kind(), channel, account, due, now)
}

/// A pending outbox row of any kind (appointment or account message).
pub(crate) fn outbox_row(
    key: String,
    kind: MessageKind,
    channel: MessageChannel,
    account: Uuid,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> outbox::ActiveModel {
    outbox::ActiveModel {
        id: Set(Uuid::new_v4()),
        dedupe_key: Set(key),
        kind: Set(kind),
        channel: Set(channel),
        account_id: Set(account),
        appointment_id: Set(None),
        subject_id: Set(None),
        facility_id: Set(None),
        params: Set("{}".into()),
        due_at: Set(due),
        status: Set(OutboxStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(due),
        lease_owner: Set(None),
        lease_until: Set(None),
        last_error: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// What a message is about: an appointment, or another row (a waitlist
/// offer, a referral, a record entry), and the facility whose admins see
/// it if it cannot be delivered.
struct About {
    appointment: Option<Uuid>,
    subject: Option<Uuid>,
    facility: Uuid,
}

/// One row per channel for one event, keyed `<event>:<channel>`.
fn on_every_channel(event: &str, kind: Kind, account: Uuid, about: &About, due: DateTime<Utc>, now: DateTime<Utc>, params: &str) -> Vec<outbox::ActiveModel> {
    MessageChannel::ALL
        .iter()
        .map(|&ch| {
            let mut r = row(format!("{event}:{ch}"), kind, ch, account, due, now);
            r.appointment_id = Set(about.appointment);
            r.subject_id = Set(about.subject);
            r.facility_id = Set(Some(about.facility));
            r.params = Set(params.to_owned());
            r
        })
        .collect()
}

/// Inserts rows, skipping any whose event and channel are already queued.
async fn queue<C: ConnectionTrait>(db: &C, rows: Vec<outbox::ActiveModel>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let insert =
        outbox::Entity::insert_many(rows).on_conflict(sea_orm::sea_query::OnConflict::column(outbox::Column::DedupeKey).do_nothing().to_owned()).exec(db).await;
    match insert {
        Ok(_) | Err(DbErr::RecordNotInserted) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

impl Domain {
    /// The clock notifications run on (see [`Clock`]).
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    fn rules(&self) -> &NotifyRules {
        &self.config().notify
    }

    /// Queues the confirmation (or the "moved" message) of an appointment
    /// just taken and its reminders, on every channel, inside the booking's
    /// transaction.
    pub(crate) async fn queue_appointment<C: ConnectionTrait>(&self, db: &C, a: &appointment::Model, s: &slot::Model, moved: bool) -> Result<()> {
        let now = self.clock().now();
        let kind = if moved { Kind::Rescheduled } else { Kind::Booked };
        let about = About { appointment: Some(a.id), subject: None, facility: a.facility_id };
        let mut rows = on_every_channel(&format!("appt:{}:{}", a.id, kind.code()), kind, a.patient_id, &about, now, now, "{}");
        for h in &self.rules().reminder_hours {
            let due = s.starts_at - Duration::hours(*h);
            if due > now {
                let params = serde_json::json!({ "hours": h }).to_string();
                rows.extend(on_every_channel(&format!("appt:{}:reminder{h}", a.id), Kind::Reminder, a.patient_id, &about, due, now, &params));
            }
        }
        queue(db, rows).await
    }

    /// Queues the cancellation message of an appointment.
    pub(crate) async fn queue_cancelled<C: ConnectionTrait>(&self, db: &C, a: &appointment::Model) -> Result<()> {
        let now = self.clock().now();
        let about = About { appointment: Some(a.id), subject: None, facility: a.facility_id };
        queue(db, on_every_channel(&format!("appt:{}:cancelled", a.id), Kind::Cancelled, a.patient_id, &about, now, now, "{}")).await
    }

    /// Withdraws the reminders still waiting for an appointment that ends
    /// (cancelled or moved): it happens in the same transaction, so no
    /// reminder for the old time can leave afterwards.
    pub(crate) async fn withdraw_reminders<C: ConnectionTrait>(&self, db: &C, appointment_id: Uuid) -> Result<()> {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Withdrawn))
            .col_expr(outbox::Column::UpdatedAt, Expr::value(self.clock().now()))
            .filter(outbox::Column::AppointmentId.eq(appointment_id))
            .filter(outbox::Column::Kind.eq(MessageKind::Reminder))
            .filter(outbox::Column::Status.eq(OutboxStatus::Pending))
            .exec(db)
            .await?;
        Ok(())
    }

    /// Queues the message that tells a waiting citizen a slot is held.
    pub(crate) async fn queue_offer<C: ConnectionTrait>(&self, db: &C, o: &slot_offer::Model, facility_id: Uuid) -> Result<()> {
        let now = self.clock().now();
        let about = About { appointment: None, subject: Some(o.id), facility: facility_id };
        queue(db, on_every_channel(&format!("offer:{}", o.id), Kind::Offer, o.holder_id, &about, now, now, "{}")).await
    }

    /// Queues the message that tells a patient (or guardian) that a new
    /// prescription or result is in the record. It names no clinical
    /// detail: the record says what it is.
    pub(crate) async fn queue_record_news<C: ConnectionTrait>(&self, db: &C, e: &record_entry::Model, kind: Kind) -> Result<()> {
        let now = self.clock().now();
        let about = About { appointment: None, subject: Some(e.id), facility: e.facility_id };
        queue(db, on_every_channel(&format!("record:{}:{}", e.id, kind.code()), kind, e.holder_id, &about, now, now, "{}")).await
    }

    /// Queues the message that tells a citizen about a new referral.
    pub(crate) async fn queue_referral<C: ConnectionTrait>(&self, db: &C, r: &referral::Model) -> Result<()> {
        let now = self.clock().now();
        let about = About { appointment: None, subject: Some(r.id), facility: r.facility_id };
        queue(db, on_every_channel(&format!("referral:{}", r.id), Kind::Referral, r.holder_id, &about, now, now, "{}")).await
    }

    /// Claims up to `batch_size` due messages for `owner` (a lease of
    /// `lease_secs`) and returns them. Rows whose lease ran out (their
    /// worker died) are due again.
    pub async fn claim_due(&self, owner: &str) -> Result<Vec<outbox::Model>> {
        let now = self.clock().now();
        let mut due = Query::select();
        due.column(outbox::Column::Id)
            .from(outbox::Entity)
            .and_where(outbox::Column::Status.eq(OutboxStatus::Pending))
            .and_where(outbox::Column::NextAttemptAt.lte(now))
            .cond_where(Condition::any().add(outbox::Column::LeaseUntil.is_null()).add(outbox::Column::LeaseUntil.lt(now)))
            .order_by(outbox::Column::NextAttemptAt, sea_orm::Order::Asc)
            .limit(self.rules().batch_size);
        if self.db().get_database_backend() == DbBackend::Postgres {
            due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        outbox::Entity::update_many()
            .col_expr(outbox::Column::LeaseOwner, Expr::value(owner))
            .col_expr(outbox::Column::LeaseUntil, Expr::value(now + Duration::seconds(self.rules().lease_secs)))
            .filter(outbox::Column::Id.in_subquery(due))
            .exec(self.db())
            .await?;
        Ok(outbox::Entity::find()
            .filter(outbox::Column::LeaseOwner.eq(owner))
            .filter(outbox::Column::Status.eq(OutboxStatus::Pending))
            .order_by_asc(outbox::Column::NextAttemptAt)
            .all(self.db())
            .await?)
    }

    /// Gives back every message `owner` holds (a worker stopping cleanly).
    pub async fn release_leases(&self, owner: &str) -> Result<u64> {
        Ok(outbox::Entity::update_many()
            .col_expr(outbox::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(outbox::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(outbox::Column::LeaseOwner.eq(owner))
            .exec(self.db())
            .await?
            .rows_affected)
    }

    /// One worker pass: claim, send one by one, record each outcome as soon
    /// as it is known. `stopping` is checked between messages: a stopping
    /// worker finishes the send in hand and gives the rest back.
    pub async fn outbox_pass<D: Deliver>(&self, d: &D, owner: &str, stopping: impl Fn() -> bool) -> Result<PassOutcome> {
        let rows = self.claim_due(owner).await?;
        let mut out = PassOutcome { claimed: rows.len(), ..Default::default() };
        for r in rows {
            if stopping() {
                self.release_leases(owner).await?;
                break;
            }
            // A lease that ran out while earlier sends were slow may have
            // been taken by another worker: sending it here could be a
            // duplicate, so it is left to them.
            if r.lease_until.is_some_and(|until| until <= self.clock().now()) {
                continue;
            }
            let result = match self.prepare(&r).await {
                Ok(Prepared::Skip(why)) => self.finish(&r, owner, OutboxStatus::Skipped, Some(why)).await.map(|_| true),
                Ok(Prepared::InApp(texts)) => self.deliver_in_app(&r, owner, texts).await.map(|_| true),
                Ok(Prepared::Email(m)) => self.record(&r, owner, d.email(&m).await).await,
                Ok(Prepared::Sms(m)) => self.record(&r, owner, d.sms(&m).await).await,
                Err(e) => {
                    tracing::warn!(error = ?e, outbox_id = %r.id, "a message could not be prepared");
                    self.failed(&r, owner, &DeliveryError { permanent: false, reason: "prepare".into() }).await.map(|_| false)
                }
            };
            match result {
                Ok(true) => out.sent += 1,
                Ok(false) => out.failed += 1,
                Err(e) => {
                    tracing::warn!(error = ?e, outbox_id = %r.id, "recording a send failed; the lease runs out and it is retried");
                    out.failed += 1;
                }
            }
        }
        Ok(out)
    }

    async fn record(&self, r: &outbox::Model, owner: &str, sent: std::result::Result<(), DeliveryError>) -> Result<bool> {
        match sent {
            Ok(()) => self.finish(r, owner, OutboxStatus::Sent, None).await.map(|_| true),
            Err(e) => self.failed(r, owner, &e).await.map(|_| false),
        }
    }

    /// Marks a leased message done; false when the lease was lost meanwhile.
    async fn finish(&self, r: &outbox::Model, owner: &str, status: OutboxStatus, note: Option<&str>) -> Result<bool> {
        self.finish_on(self.db(), r, owner, status, note).await
    }

    async fn finish_on<C: ConnectionTrait>(&self, db: &C, r: &outbox::Model, owner: &str, status: OutboxStatus, note: Option<&str>) -> Result<bool> {
        let now = self.clock().now();
        let n = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(status))
            .col_expr(outbox::Column::SentAt, Expr::value(Some(now)))
            .col_expr(outbox::Column::LastError, Expr::value(note.map(str::to_owned)))
            .col_expr(outbox::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(outbox::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(outbox::Column::UpdatedAt, Expr::value(now))
            .filter(outbox::Column::Id.eq(r.id))
            .filter(outbox::Column::LeaseOwner.eq(owner))
            .exec(db)
            .await?
            .rows_affected;
        if n != 1 {
            tracing::warn!(outbox_id = %r.id, "the lease on a message ran out before it was recorded");
        }
        Ok(n == 1)
    }

    /// Records a failed attempt: retried after a capped, jittered,
    /// exponential delay, or dead-lettered after `max_attempts` (at once
    /// for a permanent failure).
    async fn failed(&self, r: &outbox::Model, owner: &str, e: &DeliveryError) -> Result<()> {
        let now = self.clock().now();
        let attempts = r.attempts + 1;
        let rules = self.rules();
        let dead = e.permanent || attempts >= rules.max_attempts;
        let delay = retry_delay(rules, attempts, rand::random::<f64>());
        tracing::info!(outbox_id = %r.id, attempts, dead, reason = %e.reason, "a message was not delivered");
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(if dead { OutboxStatus::Dead } else { OutboxStatus::Pending }))
            .col_expr(outbox::Column::Attempts, Expr::value(attempts))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(now + delay))
            .col_expr(outbox::Column::LastError, Expr::value(Some(e.reason.chars().take(200).collect::<String>())))
            .col_expr(outbox::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(outbox::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(outbox::Column::UpdatedAt, Expr::value(now))
            .filter(outbox::Column::Id.eq(r.id))
            .filter(outbox::Column::LeaseOwner.eq(owner))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// In-app messages are delivered by writing the inbox row and marking
    /// the outbox row sent in one transaction: exactly once.
    async fn deliver_in_app(&self, r: &outbox::Model, owner: &str, texts: serde_json::Value) -> Result<()> {
        let txn = self.begin_write().await?;
        let row = inbox_message::ActiveModel {
            id: Set(Uuid::new_v4()),
            account_id: Set(r.account_id),
            outbox_id: Set(r.id),
            kind: Set(r.kind),
            appointment_id: Set(r.appointment_id),
            texts: Set(texts.to_string()),
            created_at: Set(self.clock().now()),
            read_at: Set(None),
        };
        let inserted = inbox_message::Entity::insert(row)
            .on_conflict(sea_orm::sea_query::OnConflict::column(inbox_message::Column::OutboxId).do_nothing().to_owned())
            .exec(&txn)
            .await;
        match inserted {
            Ok(_) | Err(DbErr::RecordNotInserted) => {}
            Err(e) => return Err(e.into()),
        }
        if self.finish_on(&txn, r, owner, OutboxStatus::Sent, None).await? {
            txn.commit().await?;
        }
        Ok(())
    }

    /// Loads what a message talks about and renders it for its channel.
    async fn prepare(&self, r: &outbox::Model) -> Result<Prepared> {
        if let Some(kind) = account::AccountKind::of(r.kind) {
            return self.prepare_account(kind, r).await;
        }
        let Some(kind) = Kind::of(r.kind) else { return Ok(Prepared::Skip("unknown_kind")) };
        let Some(u) = user::Entity::find_by_id(r.account_id).one(self.db()).await? else { return Ok(Prepared::Skip("no_account")) };
        let prefs = self.prefs_of(u.id).await?;
        let address = match r.channel {
            MessageChannel::Email if !prefs.email => return Ok(Prepared::Skip("email_off")),
            MessageChannel::Sms if !prefs.sms => return Ok(Prepared::Skip("sms_off")),
            // Nothing goes to a destination the account has not proven.
            MessageChannel::Email if u.email_verified_at.is_none() => return Ok(Prepared::Skip("email_unverified")),
            MessageChannel::Sms if u.phone_verified_at.is_none() => return Ok(Prepared::Skip("phone_unverified")),
            MessageChannel::Email => match &u.email {
                Some(e) => e.clone(),
                None => return Ok(Prepared::Skip("no_email")),
            },
            MessageChannel::Sms => match &u.phone {
                Some(p) => p.clone(),
                None => return Ok(Prepared::Skip("no_phone")),
            },
            MessageChannel::Inapp => String::new(),
        };
        let Some(facts) = self.facts(kind, r, &u).await? else { return Ok(Prepared::Skip("gone")) };
        let lang = Lang::parse(&u.lang).unwrap_or(Lang::Fr);
        Ok(match r.channel {
            MessageChannel::Email => {
                let t = texts::render(kind, lang, &facts);
                let calendar = kind.has_calendar().then(|| CalendarEvent {
                    uid: format!("{}@sihati", facts.appointment_id.unwrap_or(r.id)),
                    starts_at: facts.starts_at,
                    ends_at: facts.ends_at,
                    summary: t.calendar_summary.clone(),
                    location: facts.place(lang),
                    description: t.calendar_description.clone(),
                    cancelled: kind == Kind::Cancelled,
                    alarm_minutes: 120,
                });
                Prepared::Email(EmailOut {
                    outbox_id: r.id,
                    to: address,
                    to_name: full_name(&u.given_name, &u.family_name),
                    lang,
                    subject: t.subject,
                    text: t.text,
                    calendar,
                })
            }
            MessageChannel::Sms => Prepared::Sms(SmsOut { outbox_id: r.id, to: address, text: texts::render(kind, lang, &facts).sms }),
            MessageChannel::Inapp => {
                let mut all = serde_json::Map::new();
                for l in Lang::ALL {
                    let Rendered { subject, inapp, .. } = texts::render(kind, l, &facts);
                    all.insert(l.code().into(), serde_json::json!({ "title": subject, "body": inapp }));
                }
                Prepared::InApp(serde_json::Value::Object(all))
            }
        })
    }

    /// The facts a message states, read at send time; None when what it
    /// talks about no longer exists.
    async fn facts(&self, kind: Kind, r: &outbox::Model, holder: &user::Model) -> Result<Option<Facts>> {
        let db = self.db();
        let (slot_id, subject_dependant, specialty_id, extra): (Uuid, Option<Uuid>, Uuid, Extra) = match kind {
            Kind::Offer => {
                let Some(o) = slot_offer::Entity::find_by_id(r.subject_id.unwrap_or_default()).one(db).await? else { return Ok(None) };
                let Some(e) = crate::entities::waitlist_entry::Entity::find_by_id(o.entry_id).one(db).await? else { return Ok(None) };
                (o.slot_id, e.dependant_id, e.specialty_id, Extra::Deadline(o.expires_at))
            }
            Kind::Prescription | Kind::Result => {
                let Some(e) = record_entry::Entity::find_by_id(r.subject_id.unwrap_or_default()).one(db).await? else { return Ok(None) };
                let fac = facility::Entity::find_by_id(e.facility_id).one(db).await?;
                let author = user::Entity::find_by_id(e.author_id).one(db).await?;
                let patient = self.person_name(holder, (e.subject_id != holder.id).then_some(e.subject_id)).await?;
                return Ok(Some(Facts {
                    holder: full_name(&holder.given_name, &holder.family_name),
                    patient,
                    specialty: Default::default(),
                    practitioner: author.map(|a| full_name(&a.given_name, &a.family_name)).unwrap_or_default(),
                    facility: fac.as_ref().map(|f| [f.name_ar.clone(), f.name_fr.clone()]).unwrap_or_default(),
                    address: fac.map(|f| f.address).unwrap_or_default(),
                    starts_at: e.created_at,
                    ends_at: e.created_at,
                    hours: 0,
                    deadline: None,
                    expires_on: None,
                    appointment_id: None,
                    links: self.site_links(None),
                }));
            }
            Kind::Referral => {
                let Some(rf) = referral::Entity::find_by_id(r.subject_id.unwrap_or_default()).one(db).await? else { return Ok(None) };
                let Some(spec) = specialty::Entity::find_by_id(rf.specialty_id).one(db).await? else { return Ok(None) };
                let fac = facility::Entity::find_by_id(rf.facility_id).one(db).await?;
                let patient = self.person_name(holder, rf.dependant_id).await?;
                return Ok(Some(Facts {
                    holder: full_name(&holder.given_name, &holder.family_name),
                    patient,
                    specialty: [spec.name_ar, spec.name_fr, spec.name_en],
                    practitioner: String::new(),
                    facility: fac.as_ref().map(|f| [f.name_ar.clone(), f.name_fr.clone()]).unwrap_or_default(),
                    address: fac.map(|f| f.address).unwrap_or_default(),
                    starts_at: self.clock().now(),
                    ends_at: self.clock().now(),
                    hours: 0,
                    deadline: None,
                    expires_on: Some(rf.expires_on),
                    appointment_id: None,
                    links: self.site_links(None),
                }));
            }
            _ => {
                let Some(a) = appointment::Entity::find_by_id(r.appointment_id.unwrap_or_default()).one(db).await? else { return Ok(None) };
                let hours = serde_json::from_str::<serde_json::Value>(&r.params).ok().and_then(|v| v["hours"].as_i64()).unwrap_or(0);
                (a.slot_id, a.dependant_id, a.specialty_id, Extra::Appointment(a.id, hours))
            }
        };
        let Some(s) = slot::Entity::find_by_id(slot_id).one(db).await? else { return Ok(None) };
        let Some(spec) = specialty::Entity::find_by_id(specialty_id).one(db).await? else { return Ok(None) };
        let fac = facility::Entity::find_by_id(s.facility_id).one(db).await?;
        let pract = practitioner::Entity::find_by_id(s.practitioner_id).one(db).await?;
        let patient = self.person_name(holder, subject_dependant).await?;
        let (appointment_id, hours, deadline) = match extra {
            Extra::Appointment(id, h) => (Some(id), h, None),
            Extra::Deadline(d) => (None, 0, Some(d)),
        };
        Ok(Some(Facts {
            holder: full_name(&holder.given_name, &holder.family_name),
            patient,
            specialty: [spec.name_ar, spec.name_fr, spec.name_en],
            practitioner: pract.map(|p| full_name(&p.given_name, &p.family_name)).unwrap_or_default(),
            facility: fac.as_ref().map(|f| [f.name_ar.clone(), f.name_fr.clone()]).unwrap_or_default(),
            address: fac.map(|f| f.address).unwrap_or_default(),
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            hours,
            deadline,
            expires_on: None,
            appointment_id,
            links: self.site_links(appointment_id.map(|id| (id, s.starts_at))),
        }))
    }

    async fn person_name(&self, holder: &user::Model, dependant_id: Option<Uuid>) -> Result<String> {
        Ok(match dependant_id {
            Some(d) => dependant::Entity::find_by_id(d).one(self.db()).await?.map(|d| full_name(&d.given_name, &d.family_name)).unwrap_or_default(),
            None => full_name(&holder.given_name, &holder.family_name),
        })
    }

    fn site_links(&self, appointment: Option<(Uuid, DateTime<Utc>)>) -> texts::Links {
        let base = self.rules().public_url.trim_end_matches('/');
        let (view, cancel) = match appointment {
            Some((id, starts_at)) => {
                let (v, c) = self.appointment_link_tokens(id, starts_at);
                (format!("{base}/a/{v}"), format!("{base}/a/{c}"))
            }
            None => (String::new(), String::new()),
        };
        texts::Links { view, cancel, appointments: format!("{base}/appointments"), book: format!("{base}/book"), record: format!("{base}/record") }
    }

    async fn prefs_of(&self, account: Uuid) -> Result<NotificationPrefs> {
        Ok(notification_pref::Entity::find_by_id(account)
            .one(self.db())
            .await?
            .map(|p| NotificationPrefs { email: p.email, sms: p.sms })
            .unwrap_or(NotificationPrefs { email: true, sms: true }))
    }

    /// The actor's channel choices (citizens; staff get no citizen messages).
    pub async fn notification_prefs(&self, actor: &Actor) -> Result<NotificationPrefs> {
        self.prefs_of(actor.user_id.as_uuid()).await
    }

    pub async fn set_notification_prefs(&self, actor: &Actor, p: &NotificationPrefs) -> Result<NotificationPrefs> {
        let id = actor.user_id.as_uuid();
        let row = notification_pref::ActiveModel { account_id: Set(id), email: Set(p.email), sms: Set(p.sms), updated_at: Set(self.clock().now()) };
        notification_pref::Entity::insert(row)
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(notification_pref::Column::AccountId)
                    .update_columns([notification_pref::Column::Email, notification_pref::Column::Sms, notification_pref::Column::UpdatedAt])
                    .to_owned(),
            )
            .exec(self.db())
            .await?;
        self.prefs_of(id).await
    }

    /// The actor's in-app messages, newest first, in `lang`.
    pub async fn inbox(&self, actor: &Actor, lang: Lang) -> Result<InboxOut> {
        let id = actor.user_id.as_uuid();
        let rows = inbox_message::Entity::find()
            .filter(inbox_message::Column::AccountId.eq(id))
            .order_by_desc(inbox_message::Column::CreatedAt)
            .limit(100)
            .all(self.db())
            .await?;
        let unread = self.unread_count(actor).await?;
        let items = rows
            .into_iter()
            .map(|m| {
                let texts: serde_json::Value = serde_json::from_str(&m.texts).unwrap_or_default();
                let t = &texts[lang.code()];
                InboxItemOut {
                    id: MessageId(m.id),
                    kind: m.kind,
                    title: t["title"].as_str().unwrap_or_default().to_owned(),
                    body: t["body"].as_str().unwrap_or_default().to_owned(),
                    appointment_id: m.appointment_id.map(AppointmentId),
                    created_at: m.created_at,
                    read: m.read_at.is_some(),
                }
            })
            .collect();
        Ok(InboxOut { unread, items })
    }

    pub async fn unread_count(&self, actor: &Actor) -> Result<u64> {
        Ok(inbox_message::Entity::find()
            .filter(inbox_message::Column::AccountId.eq(actor.user_id.as_uuid()))
            .filter(inbox_message::Column::ReadAt.is_null())
            .count(self.db())
            .await?)
    }

    /// Marks one of the actor's messages read (another's is "not found"),
    /// or all of them when `id` is None.
    pub async fn mark_read(&self, actor: &Actor, id: Option<MessageId>) -> Result<u64> {
        let mut q = inbox_message::Entity::update_many()
            .col_expr(inbox_message::Column::ReadAt, Expr::value(Some(self.clock().now())))
            .filter(inbox_message::Column::AccountId.eq(actor.user_id.as_uuid()))
            .filter(inbox_message::Column::ReadAt.is_null());
        if let Some(id) = id {
            let mine = inbox_message::Entity::find_by_id(id).filter(inbox_message::Column::AccountId.eq(actor.user_id.as_uuid())).one(self.db()).await?;
            if mine.is_none() {
                return Err(Error::code(ErrorCode::NotFound));
            }
            q = q.filter(inbox_message::Column::Id.eq(id));
        }
        Ok(q.exec(self.db()).await?.rows_affected)
    }

    /// Messages of the admin's facility that could not be delivered.
    pub async fn undelivered(&self, actor: &Actor) -> Result<Vec<UndeliveredOut>> {
        let facility = admin_facility(actor)?;
        let rows = outbox::Entity::find()
            .filter(outbox::Column::FacilityId.eq(facility))
            .filter(outbox::Column::Status.eq(OutboxStatus::Dead))
            .order_by_desc(outbox::Column::UpdatedAt)
            .limit(200)
            .all(self.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| UndeliveredOut {
                id: DeliveryId(r.id),
                kind: r.kind,
                channel: r.channel,
                attempts: r.attempts,
                last_error: r.last_error.unwrap_or_default(),
                appointment_id: r.appointment_id.map(AppointmentId),
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
            .collect())
    }

    /// Puts a dead message of the admin's facility back in the queue.
    pub async fn retry_undelivered(&self, actor: &Actor, id: DeliveryId) -> Result<()> {
        let facility = admin_facility(actor)?;
        let now = self.clock().now();
        let n = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Pending))
            .col_expr(outbox::Column::Attempts, Expr::value(0))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(now))
            .col_expr(outbox::Column::UpdatedAt, Expr::value(now))
            .filter(outbox::Column::Id.eq(id))
            .filter(outbox::Column::FacilityId.eq(facility))
            .filter(outbox::Column::Status.eq(OutboxStatus::Dead))
            .exec(self.db())
            .await?
            .rows_affected;
        if n == 1 {
            Ok(())
        } else {
            Err(Error::code(ErrorCode::NotFound))
        }
    }

    /// Deletes messages settled (sent, withdrawn, skipped) more than
    /// `outbox_retention_days` ago: they name a recipient and what happened
    /// to them, and nothing reads them once settled (the inbox keeps its own
    /// copy of the text). Dead messages stay for the facility's admins and
    /// pending ones are never touched. Returns how many went.
    pub async fn purge_outbox(&self) -> Result<u64> {
        let cutoff = self.clock().now() - Duration::days(self.config().notify.outbox_retention_days.max(1));
        Ok(outbox::Entity::delete_many()
            .filter(outbox::Column::Status.is_in([OutboxStatus::Sent, OutboxStatus::Withdrawn, OutboxStatus::Skipped]))
            .filter(outbox::Column::UpdatedAt.lt(cutoff))
            .exec(self.db())
            .await?
            .rows_affected)
    }
}

enum Extra {
    Appointment(Uuid, i64),
    Deadline(DateTime<Utc>),
}

fn admin_facility(actor: &Actor) -> Result<Uuid> {
    match (actor.role, actor.facility_id) {
        (Role::FacilityAdmin, Some(f)) => Ok(f.as_uuid()),
        _ => Err(Error::code(ErrorCode::Forbidden)),
    }
}

/// The wait before attempt `attempts + 1`: base × 2^(attempts−1), capped,
/// then "equal jitter" (half fixed, half random) so that a crowd of
/// failures does not retry in step. `r` is a random number in [0, 1).
pub fn retry_delay(rules: &NotifyRules, attempts: i32, r: f64) -> Duration {
    let exp = rules.retry_base_secs.saturating_mul(1i64 << (attempts - 1).clamp(0, 30) as u32);
    let capped = exp.min(rules.retry_cap_secs).max(1) as f64;
    Duration::milliseconds((capped * 1000.0 * (0.5 + 0.5 * r.clamp(0.0, 1.0))) as i64)
}

/// The local time of an instant in Algiers.
pub(crate) fn local(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    t.with_timezone(&algiers()).naive_local()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_with_a_cap_and_jitter() {
        let rules = NotifyRules { retry_base_secs: 30, retry_cap_secs: 3600, ..Default::default() };
        assert_eq!(retry_delay(&rules, 1, 1.0), Duration::seconds(30));
        assert_eq!(retry_delay(&rules, 1, 0.0), Duration::seconds(15));
        assert_eq!(retry_delay(&rules, 3, 1.0), Duration::seconds(120));
        assert_eq!(retry_delay(&rules, 20, 1.0), Duration::seconds(3600));
        assert_eq!(retry_delay(&rules, 20, 0.0), Duration::seconds(1800));
        assert!(retry_delay(&rules, 2, 0.5) > retry_delay(&rules, 1, 0.5));
    }

    #[test]
    fn kinds_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::of(k.message_kind()), Some(k));
        }
        assert_eq!(Kind::of(MessageKind::PhoneCode), None);
    }
}
