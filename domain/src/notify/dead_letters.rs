//! Messages that could not be delivered, as a facility's admins see and retry them.

use super::*;
use crate::services::Notifications;

impl Notifications {
    /// Messages of the admin's facility that could not be delivered.
    pub async fn undelivered(&self, actor: &Actor) -> Result<Vec<UndeliveredOut>> {
        let facility = actor.admin_facility()?;
        let rows = outbox::Entity::find()
            .filter(outbox::Column::FacilityId.eq(facility))
            .filter(outbox::Column::Status.eq(OutboxStatus::Dead))
            .order_by_desc(outbox::Column::UpdatedAt)
            .limit(200)
            .all(self.core.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| UndeliveredOut {
                id: r.id,
                kind: r.kind,
                channel: r.channel,
                attempts: r.attempts,
                last_error: r.last_error.unwrap_or_default(),
                appointment_id: r.appointment_id,
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
            .collect())
    }

    /// Puts a dead message of the admin's facility back in the queue.
    pub async fn retry_undelivered(&self, actor: &Actor, id: DeliveryId) -> Result<()> {
        let facility = actor.admin_facility()?;
        let now = self.core.clock().now();
        let n = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Pending))
            .col_expr(outbox::Column::Attempts, Expr::value(0))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(now))
            .col_expr(outbox::Column::UpdatedAt, Expr::value(now))
            .filter(outbox::Column::Id.eq(id))
            .filter(outbox::Column::FacilityId.eq(facility))
            .filter(outbox::Column::Status.eq(OutboxStatus::Dead))
            .exec(self.core.db())
            .await?
            .rows_affected;
        if n == 1 {
            Ok(())
        } else {
            Err(Error::code(ErrorCode::NotFound))
        }
    }
}
