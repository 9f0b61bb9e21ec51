//! One person per NIN. Every NIN Sihati records — an account's at
//! registration, a dependant's when a guardian adds them, and (with the
//! floor) a walk-in's at the desk — is first written into `persons`, in
//! the same transaction as the row it belongs to. Its unique index is the
//! guarantee: two registrations racing with one NIN, or a registration
//! racing a guardian adding that NIN, leave one person, never two. The
//! friendly checks before it only choose the message.

use crate::entities::{dependant, person, user};
use crate::{Domain, Error, Result};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, SqlErr};
use shared::{ErrorCode, FieldError};
use uuid::Uuid;

/// Records that `nin` names the person whose record is kept under `id`;
/// `nin_taken` if it already names someone.
pub(crate) async fn claim_nin<C: ConnectionTrait>(db: &C, id: Uuid, nin: &str, now: DateTime<Utc>) -> Result<()> {
    let row = person::ActiveModel { id: Set(id), nin: Set(nin.to_owned()), created_at: Set(now) };
    match person::Entity::insert(row).exec(db).await {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(Error::taken(vec![FieldError::new("nin", ErrorCode::NinTaken)])),
        Err(e) => Err(e.into()),
    }
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Who a NIN already names, for the message: an account, or someone known
/// without one (a dependant; a walk-in), whose record is claimed at a desk.
pub(crate) enum Known {
    Nobody,
    Account,
    WithoutAccount,
}

impl Domain {
    pub(crate) async fn who_has_nin<C: ConnectionTrait>(&self, db: &C, nin: &str) -> Result<Known> {
        if user::Entity::find().filter(user::Column::Nin.eq(nin)).one(db).await?.is_some() {
            return Ok(Known::Account);
        }
        let known = person::Entity::find().filter(person::Column::Nin.eq(nin)).one(db).await?.is_some()
            || dependant::Entity::find().filter(dependant::Column::Nin.eq(nin)).one(db).await?.is_some();
        Ok(if known { Known::WithoutAccount } else { Known::Nobody })
    }
}
