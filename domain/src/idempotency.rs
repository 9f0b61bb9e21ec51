//! `Idempotency-Key`: the first request with a key is processed and its
//! answer stored; a replay gets the stored answer, the same key with another
//! request gets 422, and a duplicate arriving while the first is still
//! being processed gets 409. The row's primary key (user, key) decides
//! between concurrent duplicates. Keys are kept for at least 24 hours.

use crate::entities::idempotency_key;
use crate::services::Sessions;
use crate::Result;
use chrono::Duration;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, SqlErr};
use shared::UserId;

/// How long stored answers are kept.
pub const KEEP_HOURS: i64 = 48;

pub enum Begin {
    /// Process the request, then call `idempotency_finish`.
    New,
    /// Answer with this stored status and body.
    Replay(u16, String),
    /// The key was used for a different request.
    Mismatch,
    /// The first request with this key is still running.
    InFlight,
}

impl Sessions {
    /// `request` identifies what is asked (method and path); `body` is hashed with it.
    pub async fn idempotency_begin(&self, user: UserId, key: &str, request: &str, body: &[u8]) -> Result<Begin> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(request.as_bytes());
        h.update([0u8]);
        h.update(body);
        let request_hash: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let request_hash = request_hash.as_str();
        let row = idempotency_key::ActiveModel {
            user_id: Set(user),
            key: Set(key.to_owned()),
            request_hash: Set(request_hash.to_owned()),
            status_code: Set(None),
            response_body: Set(None),
            created_at: Set(self.core.clock().now()),
        };
        match row.insert(self.core.db()).await {
            Ok(_) => Ok(Begin::New),
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                let Some(existing) = idempotency_key::Entity::find_by_id((user, key.to_owned())).one(self.core.db()).await? else {
                    return Ok(Begin::InFlight);
                };
                Ok(if existing.request_hash != request_hash {
                    Begin::Mismatch
                } else {
                    match (existing.status_code, existing.response_body) {
                        (Some(status), Some(body)) => Begin::Replay(status as u16, body),
                        _ => Begin::InFlight,
                    }
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Stores the answer to replay.
    pub async fn idempotency_finish(&self, user: UserId, key: &str, status: u16, body: String) -> Result<()> {
        idempotency_key::Entity::update_many()
            .col_expr(idempotency_key::Column::StatusCode, sea_orm::sea_query::Expr::value(status as i32))
            .col_expr(idempotency_key::Column::ResponseBody, sea_orm::sea_query::Expr::value(body))
            .filter(idempotency_key::Column::UserId.eq(user))
            .filter(idempotency_key::Column::Key.eq(key))
            .exec(self.core.db())
            .await?;
        Ok(())
    }

    /// Forgets a key whose request failed on our side, so a retry runs again.
    pub async fn idempotency_abort(&self, user: UserId, key: &str) -> Result<()> {
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::UserId.eq(user))
            .filter(idempotency_key::Column::Key.eq(key))
            .exec(self.core.db())
            .await?;
        Ok(())
    }

    /// Deletes answers older than `KEEP_HOURS`.
    pub async fn idempotency_prune(&self) -> Result<u64> {
        let cutoff = self.core.clock().now() - Duration::hours(KEEP_HOURS);
        Ok(idempotency_key::Entity::delete_many().filter(idempotency_key::Column::CreatedAt.lt(cutoff)).exec(self.core.db()).await?.rows_affected)
    }
}
