//! One person per NIN. Every NIN Sihati records — an account's at
//! registration, a dependant's when a guardian adds them, and (with the
//! floor) a walk-in's at the desk — is first written into `persons`, in
//! the same transaction as the row it belongs to. Its unique index is the
//! guarantee: two registrations racing with one NIN, or a registration
//! racing a guardian adding that NIN, leave one person, never two. The
//! friendly checks before it only choose the message.

use crate::entities::{dependant, person, user};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, SqlErr};
use shared::{ErrorCode, FieldError, PersonId};

/// Whether someone born on `born` is of age (`majority_years`, 19 in
/// Algeria) on `today`: the one rule for adding a dependant, a consent
/// request and a desk's hand-over of a record.
pub(crate) fn is_adult(born: chrono::NaiveDate, majority_years: u32, today: chrono::NaiveDate) -> bool {
    born.checked_add_months(chrono::Months::new(majority_years * 12)).is_some_and(|m| m <= today)
}

/// Records that `nin` names the person whose record is kept under `id`;
/// `nin_taken` if it already names someone.
pub(crate) async fn claim_nin<C: ConnectionTrait>(db: &C, id: PersonId, nin: &str, now: DateTime<Utc>) -> Result<()> {
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

/// The person a NIN names, found through `persons` (the one index over
/// every NIN): an account (citizen or staff), or a dependant of an account.
pub(crate) enum Person {
    Account(user::Model),
    Dependant(dependant::Model),
}

/// Who `nin` names, if anyone. Every caller that finds a person by NIN —
/// registration, a guardian adding a dependant, the desk's and the
/// practitioner's look-ups — goes through here.
pub(crate) async fn by_nin<C: ConnectionTrait>(db: &C, nin: &str) -> Result<Option<Person>> {
    let Some(p) = person::Entity::find().filter(person::Column::Nin.eq(nin)).one(db).await? else {
        return Ok(None);
    };
    if let Some(u) = user::Entity::find_by_id(p.id.as_account()).one(db).await? {
        return Ok(Some(Person::Account(u)));
    }
    Ok(dependant::Entity::find_by_id(p.id).one(db).await?.map(Person::Dependant))
}
