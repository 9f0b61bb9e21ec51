//! One person per NIN. Every NIN Sihati records — an account's at
//! registration, a dependant's when a guardian adds them, and (with the
//! floor) a walk-in's at the desk — is first written into `persons`, in
//! the same transaction as the row it belongs to. Its unique index is the
//! guarantee: two registrations racing with one NIN, or a registration
//! racing a guardian adding that NIN, leave one person, never two. The
//! friendly checks before it only choose the message.

use crate::booking::full_name;
use crate::entities::{dependant, person, user, walk_in};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, SqlErr};
use shared::{ErrorCode, FieldError, PersonId, UserId};
use std::collections::HashMap;

/// Whether someone born on `born` is `years` old or more on `today`: of
/// age (19 in Algeria) for adding a dependant, a consent request and a
/// desk's hand-over of a record; of the elderly priority group on the floor.
pub(crate) fn is_at_least(born: chrono::NaiveDate, years: u32, today: chrono::NaiveDate) -> bool {
    born.checked_add_months(chrono::Months::new(years * 12)).is_some_and(|m| m <= today)
}

/// What staff pages show of a person.
#[derive(Clone, Default)]
pub(crate) struct Named {
    pub name: String,
    pub birth_date: Option<chrono::NaiveDate>,
    /// The phone that reaches them: their own, or for a dependant their
    /// account holder's.
    pub phone: Option<String>,
}

/// The names (birth dates, phones) of persons — account holders,
/// dependants and patients without an account — by person id, in at most
/// three queries whatever their number: the one place a list of patients
/// gets its names.
pub(crate) async fn named<C: ConnectionTrait>(db: &C, people: &[PersonId]) -> Result<HashMap<PersonId, Named>> {
    if people.is_empty() {
        return Ok(HashMap::new());
    }
    let deps = dependant::Entity::find().filter(dependant::Column::Id.is_in(people.to_vec())).all(db).await?;
    // A dependant's phone is their holder's: the holders are read with the accounts.
    let accounts: Vec<UserId> = people.iter().map(|p| p.as_account()).chain(deps.iter().map(|d| d.holder_id)).collect();
    let users: HashMap<UserId, user::Model> =
        user::Entity::find().filter(user::Column::Id.is_in(accounts)).all(db).await?.into_iter().map(|u| (u.id, u)).collect();
    let mut out: HashMap<PersonId, Named> = HashMap::new();
    for p in people {
        if let Some(u) = users.get(&p.as_account()) {
            out.insert(*p, Named { name: full_name(&u.given_name, &u.family_name), birth_date: u.birth_date, phone: u.phone.clone() });
        }
    }
    for d in deps {
        let phone = users.get(&d.holder_id).and_then(|u| u.phone.clone());
        out.insert(d.id, Named { name: full_name(&d.given_name, &d.family_name), birth_date: Some(d.birth_date), phone });
    }
    let rest: Vec<PersonId> = people.iter().filter(|p| !out.contains_key(p)).copied().collect();
    if !rest.is_empty() {
        for w in walk_in::Entity::find().filter(walk_in::Column::Id.is_in(rest)).all(db).await? {
            out.insert(w.id, Named { name: full_name(&w.given_name, &w.family_name), birth_date: Some(w.birth_date), phone: w.phone.clone() });
        }
    }
    Ok(out)
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
/// every NIN): an account (citizen or staff), a dependant of an account, or
/// a patient without an account whom a desk received.
pub(crate) enum Person {
    Account(user::Model),
    Dependant(dependant::Model),
    WalkIn(walk_in::Model),
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
    if let Some(d) = dependant::Entity::find_by_id(p.id).one(db).await? {
        return Ok(Some(Person::Dependant(d)));
    }
    Ok(walk_in::Entity::find_by_id(p.id).one(db).await?.map(Person::WalkIn))
}
