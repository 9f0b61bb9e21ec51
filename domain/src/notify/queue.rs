//! Queueing: the outbox rows an event writes, in the event's own transaction (one per channel, deduplicated by key).

use super::*;

fn row(key: String, kind: Kind, channel: MessageChannel, account: UserId, due: DateTime<Utc>, now: DateTime<Utc>) -> outbox::ActiveModel {
    outbox_row(key, kind.message_kind(), channel, account, due, now)
}

/// A pending outbox row of any kind (appointment or account message).
pub(crate) fn outbox_row(
    key: String,
    kind: MessageKind,
    channel: MessageChannel,
    account: UserId,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> outbox::ActiveModel {
    outbox::ActiveModel {
        id: Set(DeliveryId(Uuid::new_v4())),
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
    appointment: Option<AppointmentId>,
    subject: Option<Uuid>,
    facility: FacilityId,
}

/// One row per channel for one event, keyed `<event>:<channel>`.
fn on_every_channel(event: &str, kind: Kind, account: UserId, about: &About, due: DateTime<Utc>, now: DateTime<Utc>, params: &str) -> Vec<outbox::ActiveModel> {
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

/// How far ahead of their due time the worker makes reminder rows.
pub(crate) fn reminder_look_ahead() -> Duration {
    Duration::minutes(10)
}

/// The reminder `h` hours before an appointment, on every channel.
fn reminder_rows(a: &appointment::Model, h: i64, due: DateTime<Utc>, now: DateTime<Utc>) -> Vec<outbox::ActiveModel> {
    let about = About { appointment: Some(a.id), subject: None, facility: a.facility_id };
    let params = serde_json::json!({ "hours": h }).to_string();
    on_every_channel(&format!("appt:{}:reminder{h}", a.id), Kind::Reminder, a.patient_id, &about, due, now, &params)
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

impl Core {
    /// Queues the confirmation (or the "moved" message) of an appointment
    /// just taken, on every channel, inside the booking's transaction; its
    /// reminders too when one falls due within `reminder_look_ahead()` (the
    /// window the worker may have made already); the later ones are the
    /// worker's (`materialise_reminders`).
    pub(crate) async fn queue_appointment<C: ConnectionTrait>(&self, db: &C, a: &appointment::Model, s: &slot::Model, moved: bool) -> Result<()> {
        let now = self.clock().now();
        let kind = if moved { Kind::Rescheduled } else { Kind::Booked };
        let about = About { appointment: Some(a.id), subject: None, facility: a.facility_id };
        let mut rows = on_every_channel(&format!("appt:{}:{}", a.id, kind.code()), kind, a.patient_id, &about, now, now, "{}");
        for h in &self.rules().reminder_hours {
            let due = s.starts_at - Duration::hours(*h);
            if due > now && due <= now + reminder_look_ahead() {
                rows.extend(reminder_rows(a, *h, due, now));
            }
        }
        queue(db, rows).await?;
        self.queue_desk_news(db, a, s.starts_at, Kind::DeskBooked).await
    }

    /// Makes the reminder rows that fall due from this process's previous
    /// run's time to `reminder_look_ahead()` from now, for appointments
    /// still booked and not begun, under the keys a booking would have
    /// used (`ON CONFLICT DO NOTHING`: another process's run, a withdrawn
    /// reminder, the booking's own near ones stay as they are). The windows
    /// overlap by design: one starts where the previous run *read the
    /// clock*, not where its window ended, so a booking that committed
    /// while a run was reading (its reminder beyond the booking's own
    /// look-ahead, yet inside that run's window) is made by the next run.
    /// A reminder falls due only after its booking was taken (or confirmed
    /// by the desk), as before. The first run (at start) looks back to
    /// every appointment not yet begun, so a restart loses no reminder.
    /// Runs again once half the look-ahead has passed: a few indexed reads
    /// every five minutes.
    pub(crate) async fn materialise_reminders(&self) -> Result<u64> {
        let now = self.clock().now();
        let until = now + reminder_look_ahead();
        let since = *self.inner.reminders_since.lock().expect("not poisoned");
        if since.is_some_and(|s| now < s + reminder_look_ahead() / 2) {
            return Ok(0);
        }
        let mut made = 0;
        for h in self.rules().reminder_hours.clone() {
            let hours = Duration::hours(h);
            let mut q = slot::Entity::find().filter(slot::Column::StartsAt.gt(now)).filter(slot::Column::StartsAt.lte(until + hours));
            if let Some(s) = since {
                q = q.filter(slot::Column::StartsAt.gt(s + hours));
            }
            let slots: std::collections::HashMap<SlotId, DateTime<Utc>> = q
                .select_only()
                .column(slot::Column::Id)
                .column(slot::Column::StartsAt)
                .into_tuple::<(SlotId, DateTime<Utc>)>()
                .all(self.db())
                .await?
                .into_iter()
                .collect();
            let ids: Vec<SlotId> = slots.keys().copied().collect();
            for chunk in ids.chunks(500) {
                let booked = appointment::Entity::find()
                    .filter(appointment::Column::ActiveSlotId.is_in(chunk.to_vec()))
                    .filter(appointment::Column::Status.eq(shared::AppointmentStatus::Booked))
                    .all(self.db())
                    .await?;
                let mut rows = Vec::new();
                for a in &booked {
                    let Some(starts) = a.active_slot_id.and_then(|id| slots.get(&id)) else { continue };
                    let due = *starts - hours;
                    if due > a.reviewed_at.unwrap_or(a.created_at) {
                        rows.extend(reminder_rows(a, h, due, now));
                    }
                }
                made += rows.len() as u64;
                queue(self.db(), rows).await?;
            }
        }
        *self.inner.reminders_since.lock().expect("not poisoned") = Some(now);
        Ok(made)
    }

    /// Queues the cancellation message of an appointment.
    pub(crate) async fn queue_cancelled<C: ConnectionTrait>(&self, db: &C, a: &appointment::Model, starts_at: DateTime<Utc>) -> Result<()> {
        let now = self.clock().now();
        let about = About { appointment: Some(a.id), subject: None, facility: a.facility_id };
        queue(db, on_every_channel(&format!("appt:{}:cancelled", a.id), Kind::Cancelled, a.patient_id, &about, now, now, "{}")).await?;
        // A pending booking never reached the desk's inbox: its end does not either.
        if a.status == shared::AppointmentStatus::Booked {
            self.queue_desk_news(db, a, starts_at, Kind::DeskCancelled).await?;
        }
        Ok(())
    }

    /// Tells the desk staff of the appointment's polyclinic (in the app)
    /// of a booking or cancellation for today or tomorrow: the changes to
    /// the days they are preparing, as they happen.
    pub(crate) async fn queue_desk_news<C: ConnectionTrait>(&self, db: &C, a: &appointment::Model, starts_at: DateTime<Utc>, kind: Kind) -> Result<()> {
        let day = shared::time::algiers_date(starts_at);
        let today = self.today();
        if day != today && day != today + Duration::days(1) {
            return Ok(());
        }
        let now = self.clock().now();
        let desk = user::Entity::find()
            .filter(user::Column::FacilityId.eq(a.facility_id))
            .filter(user::Column::Role.is_in([Role::Receptionist, Role::FacilityAdmin]))
            .all(db)
            .await?;
        let rows = desk
            .iter()
            .map(|u| {
                let mut r = row(format!("desk:{}:{}:{}", a.id, kind.code(), u.id), kind, MessageChannel::Inapp, u.id, now, now);
                r.appointment_id = Set(Some(a.id));
                r.facility_id = Set(Some(a.facility_id));
                r
            })
            .collect();
        queue(db, rows).await
    }

    /// Withdraws the reminders still waiting for an appointment that ends
    /// (cancelled or moved): it happens in the same transaction, so no
    /// reminder for the old time can leave afterwards.
    pub(crate) async fn withdraw_reminders<C: ConnectionTrait>(&self, db: &C, appointment_id: AppointmentId) -> Result<()> {
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
    pub(crate) async fn queue_offer<C: ConnectionTrait>(&self, db: &C, o: &slot_offer::Model, facility_id: FacilityId) -> Result<()> {
        let now = self.clock().now();
        let about = About { appointment: None, subject: Some(o.id.as_uuid()), facility: facility_id };
        queue(db, on_every_channel(&format!("offer:{}", o.id), Kind::Offer, o.holder_id, &about, now, now, "{}")).await
    }

    /// Queues the message that tells a patient (or guardian) that a new
    /// prescription or result is in the record. It names no clinical
    /// detail: the record says what it is.
    pub(crate) async fn queue_record_news<C: ConnectionTrait>(&self, db: &C, e: &record_entry::Model, kind: Kind) -> Result<()> {
        let now = self.clock().now();
        let about = About { appointment: None, subject: Some(e.id.as_uuid()), facility: e.facility_id };
        queue(db, on_every_channel(&format!("record:{}:{}", e.id, kind.code()), kind, e.holder_id, &about, now, now, "{}")).await
    }

    /// Tells the patient of `v` that they are next in the waiting room: in
    /// the app and by SMS (as their settings allow), once per visit. A
    /// patient without an account has nobody to tell.
    pub(crate) async fn queue_next<C: ConnectionTrait>(&self, db: &C, v: &crate::entities::visit::Model) -> Result<()> {
        let Some(account) = v.account_id else { return Ok(()) };
        let now = self.clock().now();
        let rows = [MessageChannel::Inapp, MessageChannel::Sms]
            .into_iter()
            .map(|ch| {
                let mut r = row(format!("visit:{}:next:{ch}", v.id), Kind::Next, ch, account, now, now);
                r.appointment_id = Set(v.appointment_id);
                r.subject_id = Set(Some(v.id.as_uuid()));
                r.facility_id = Set(Some(v.facility_id));
                r
            })
            .collect();
        queue(db, rows).await
    }

    /// Queues the message that tells a citizen about a new referral.
    pub(crate) async fn queue_referral<C: ConnectionTrait>(&self, db: &C, r: &referral::Model) -> Result<()> {
        let now = self.clock().now();
        let about = About { appointment: None, subject: Some(r.id.as_uuid()), facility: r.facility_id };
        queue(db, on_every_channel(&format!("referral:{}", r.id), Kind::Referral, r.holder_id, &about, now, now, "{}")).await
    }
}
