//! The worker: claims due messages under a lease, hands each to a `Deliver`, records the outcome, retries with backoff, dead-letters, purges.

use super::*;
use crate::services::Notifications;

pub(super) enum Prepared {
    Email(EmailOut),
    Sms(SmsOut),
    InApp(serde_json::Value),
    Skip(&'static str),
}

impl Notifications {
    /// Claims up to `batch_size` due messages for `owner` (a lease of
    /// `lease_secs`) and returns them. Rows whose lease ran out (their
    /// worker died) are due again.
    pub async fn claim_due(&self, owner: &str) -> Result<Vec<outbox::Model>> {
        let now = self.core.clock().now();
        let mut due = Query::select();
        due.column(outbox::Column::Id)
            .from(outbox::Entity)
            .and_where(outbox::Column::Status.eq(OutboxStatus::Pending))
            .and_where(outbox::Column::NextAttemptAt.lte(now))
            .cond_where(Condition::any().add(outbox::Column::LeaseUntil.is_null()).add(outbox::Column::LeaseUntil.lt(now)))
            .order_by(outbox::Column::NextAttemptAt, sea_orm::Order::Asc)
            .limit(self.core.rules().batch_size);
        if self.core.db().get_database_backend() == DbBackend::Postgres {
            due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        outbox::Entity::update_many()
            .col_expr(outbox::Column::LeaseOwner, Expr::value(owner))
            .col_expr(outbox::Column::LeaseUntil, Expr::value(now + Duration::seconds(self.core.rules().lease_secs)))
            .filter(outbox::Column::Id.in_subquery(due))
            .exec(self.core.db())
            .await?;
        Ok(outbox::Entity::find()
            .filter(outbox::Column::LeaseOwner.eq(owner))
            .filter(outbox::Column::Status.eq(OutboxStatus::Pending))
            .order_by_asc(outbox::Column::NextAttemptAt)
            .all(self.core.db())
            .await?)
    }

    /// Gives back every message `owner` holds (a worker stopping cleanly).
    pub async fn release_leases(&self, owner: &str) -> Result<u64> {
        Ok(outbox::Entity::update_many()
            .col_expr(outbox::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(outbox::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(outbox::Column::LeaseOwner.eq(owner))
            .exec(self.core.db())
            .await?
            .rows_affected)
    }

    /// One worker pass: claim, send one by one, record each outcome as soon
    /// as it is known. `stopping` is checked between messages: a stopping
    /// worker finishes the send in hand and gives the rest back.
    pub async fn outbox_pass<D: Deliver>(&self, d: &D, owner: &str, stopping: impl Fn() -> bool) -> Result<PassOutcome> {
        // A failure here must not hold back the messages already queued;
        // the next pass makes the reminders (its window starts where the
        // last successful run read the clock).
        if let Err(e) = self.core.materialise_reminders().await {
            tracing::warn!(error = ?e, "making the coming reminders failed; the next pass tries again");
        }
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
            if r.lease_until.is_some_and(|until| until <= self.core.clock().now()) {
                continue;
            }
            let result = match self.core.prepare(&r).await {
                Ok(Prepared::Skip(why)) => self.core.finish(&r, owner, OutboxStatus::Skipped, Some(why)).await.map(|_| true),
                Ok(Prepared::InApp(texts)) => self.core.deliver_in_app(&r, owner, texts).await.map(|_| true),
                Ok(Prepared::Email(m)) => self.core.record(&r, owner, d.email(&m).await).await,
                Ok(Prepared::Sms(m)) => self.core.record(&r, owner, d.sms(&m).await).await,
                Err(e) => {
                    tracing::warn!(error = ?e, outbox_id = %r.id, "a message could not be prepared");
                    self.core.failed(&r, owner, &DeliveryError { permanent: false, reason: "prepare".into() }).await.map(|_| false)
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

    /// Deletes messages settled (sent, withdrawn, skipped) more than
    /// `outbox_retention_days` ago: they name a recipient and what happened
    /// to them, and nothing reads them once settled (the inbox keeps its own
    /// copy of the text). Dead messages stay for the facility's admins and
    /// pending ones are never touched. Returns how many went.
    pub async fn purge_outbox(&self) -> Result<u64> {
        let cutoff = self.core.clock().now() - Duration::days(self.core.config().notify.outbox_retention_days.max(1));
        Ok(outbox::Entity::delete_many()
            .filter(outbox::Column::Status.is_in([OutboxStatus::Sent, OutboxStatus::Withdrawn, OutboxStatus::Skipped]))
            .filter(outbox::Column::UpdatedAt.lt(cutoff))
            .exec(self.core.db())
            .await?
            .rows_affected)
    }
}

impl Core {
    pub(super) async fn record(&self, r: &outbox::Model, owner: &str, sent: std::result::Result<(), DeliveryError>) -> Result<bool> {
        match sent {
            Ok(()) => self.finish(r, owner, OutboxStatus::Sent, None).await.map(|_| true),
            Err(e) => self.failed(r, owner, &e).await.map(|_| false),
        }
    }

    /// Marks a leased message done; false when the lease was lost meanwhile.
    pub(super) async fn finish(&self, r: &outbox::Model, owner: &str, status: OutboxStatus, note: Option<&str>) -> Result<bool> {
        self.finish_on(self.db(), r, owner, status, note).await
    }

    pub(super) async fn finish_on<C: ConnectionTrait>(&self, db: &C, r: &outbox::Model, owner: &str, status: OutboxStatus, note: Option<&str>) -> Result<bool> {
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
    pub(super) async fn failed(&self, r: &outbox::Model, owner: &str, e: &DeliveryError) -> Result<()> {
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
    pub(super) async fn deliver_in_app(&self, r: &outbox::Model, owner: &str, texts: serde_json::Value) -> Result<()> {
        let txn = self.begin_write().await?;
        let row = inbox_message::ActiveModel {
            id: Set(MessageId(Uuid::new_v4())),
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
}

/// The wait before attempt `attempts + 1`: base × 2^(attempts−1), capped,
/// then "equal jitter" (half fixed, half random) so that a crowd of
/// failures does not retry in step. `r` is a random number in [0, 1).
pub fn retry_delay(rules: &NotifyRules, attempts: i32, r: f64) -> Duration {
    let exp = rules.retry_base_secs.saturating_mul(1i64 << (attempts - 1).clamp(0, 30) as u32);
    let capped = exp.min(rules.retry_cap_secs).max(1) as f64;
    Duration::milliseconds((capped * 1000.0 * (0.5 + 0.5 * r.clamp(0.0, 1.0))) as i64)
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
}
