//! Adults decide for themselves. An adult (the age of majority, 19 in
//! Algeria, or over) is never added as someone's dependant on that
//! person's word: the account holder asks, by NIN, and the adult — who has
//! an account — approves in it. The answer to the request never says
//! whether an account holds the NIN (a stranger learns nothing from
//! asking), and asking is throttled per account.
//!
//! On approval the adult becomes a dependant whose id is their own
//! account's id: the id their record is kept under, so nothing is copied
//! and nothing is split. The requester then books for them and reads
//! their record through the same doors as for a child (the link is
//! verified: the adult proved it themself), and the adult still sees and
//! manages everything in their own account, including what was booked for
//! them. The adult withdraws the consent at any time: the dependant row
//! goes, and with it the requester's access.
//!
//! One account manages an adult at a time (the dependant row's id is the
//! adult's).

use crate::booking::full_name;
use crate::entities::{consent_request, dependant, user};
use crate::notify::account::{self as account_messages, AccountKind};
use crate::persons::Person;
use crate::services::People;
use crate::{Actor, Error, Result};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use shared::identity::{mask_phone, ConsentIn, ConsentOut, ConsentsOut, GuardianOut, RequestStatus};
use shared::{ConsentId, ErrorCode, Role, UserId};
use uuid::Uuid;

/// How long a request waits for the adult.
pub const CONSENT_DAYS: i64 = 30;

fn citizen(actor: &Actor) -> Result<UserId> {
    if actor.role == Role::Citizen {
        Ok(actor.user_id)
    } else {
        Err(Error::code(ErrorCode::Forbidden))
    }
}

impl People {
    /// The actor asks to manage the adult whose NIN this is. Whether or not
    /// an adult account holds it, the answer is the same (`Ok`); only when
    /// one does, is not the actor, is not managed by anyone yet and has
    /// no request from the actor waiting, a request is written and the
    /// adult told. Counts toward the dependants' cap.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn request_consent(&self, actor: &Actor, input: &ConsentIn) -> Result<()> {
        let me = citizen(actor)?;
        let (nin, relation) = input.validate().map_err(Error::fields)?;
        self.core.lookup_throttle().check(None, &format!("consent:{me}")).map_err(Error::throttled)?;
        let rules = &self.core.config().identity;
        let held = dependant::Entity::find().filter(dependant::Column::HolderId.eq(me)).count(self.core.db()).await?;
        if held >= rules.max_dependants {
            return Err(Error::code(ErrorCode::TooManyDependants));
        }
        let Some(Person::Account(adult)) = crate::persons::by_nin(self.core.db(), nin.as_ref()).await? else { return Ok(()) };
        if adult.id == me
            || adult.role != Role::Citizen
            || !adult.birth_date.is_some_and(|b| crate::persons::is_at_least(b, rules.age_of_majority, self.core.today()))
        {
            return Ok(());
        }
        if dependant::Entity::find_by_id(adult.id.as_person()).one(self.core.db()).await?.is_some() {
            return Ok(());
        }
        let now = self.core.clock().now();
        let waiting = consent_request::Entity::find()
            .filter(consent_request::Column::HolderId.eq(me))
            .filter(consent_request::Column::PersonId.eq(adult.id))
            .filter(consent_request::Column::Status.eq(RequestStatus::Pending))
            .filter(consent_request::Column::ExpiresAt.gt(now))
            .one(self.core.db())
            .await?;
        if waiting.is_some() {
            return Ok(());
        }
        let txn = self.core.begin_write().await?;
        let row = consent_request::ActiveModel {
            id: Set(ConsentId(Uuid::new_v4())),
            holder_id: Set(me),
            person_id: Set(adult.id),
            relation: Set(relation),
            status: Set(RequestStatus::Pending),
            created_at: Set(now),
            expires_at: Set(now + Duration::days(CONSENT_DAYS)),
            decided_at: Set(None),
        }
        .insert(&txn)
        .await?;
        account_messages::queue(&txn, AccountKind::ConsentWaiting, shared::MessageChannel::Sms, adult.id, row.id.as_uuid(), now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The actor's side of consent: requests waiting for them, newest
    /// first, and the account that manages them now.
    pub async fn my_consents(&self, actor: &Actor) -> Result<ConsentsOut> {
        let me = citizen(actor)?;
        let now = self.core.clock().now();
        let rows = consent_request::Entity::find()
            .filter(consent_request::Column::PersonId.eq(me))
            .filter(consent_request::Column::Status.eq(RequestStatus::Pending))
            .filter(consent_request::Column::ExpiresAt.gt(now))
            .order_by_desc(consent_request::Column::CreatedAt)
            .all(self.core.db())
            .await?;
        let mut requests = Vec::with_capacity(rows.len());
        for r in rows {
            if let Some(u) = user::Entity::find_by_id(r.holder_id).one(self.core.db()).await? {
                requests.push(consent_out(&r, &u, now));
            }
        }
        let mut guardians = Vec::new();
        if let Some(d) = dependant::Entity::find_by_id(me.as_person()).one(self.core.db()).await? {
            if let Some(u) = user::Entity::find_by_id(d.holder_id).one(self.core.db()).await? {
                guardians.push(GuardianOut { holder_id: u.id, name: full_name(&u.given_name, &u.family_name), relation: d.relation, since: d.created_at });
            }
        }
        Ok(ConsentsOut { requests, guardians })
    }

    /// The adult approves (the requester manages their appointments and
    /// record from now on) or declines. Someone else's request is "not
    /// found"; a decided, expired one, or one that comes when another
    /// account already manages the adult, is `claim_closed`.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn decide_consent(&self, actor: &Actor, id: ConsentId, approve: bool) -> Result<ConsentOut> {
        let me = citizen(actor)?;
        actor.require_verified_phone()?;
        let now = self.core.clock().now();
        let r =
            consent_request::Entity::find_by_id(id).one(self.core.db()).await?.filter(|r| r.person_id == me).ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let requester = user::Entity::find_by_id(r.holder_id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::ClaimClosed))?;
        let status = if approve { RequestStatus::Approved } else { RequestStatus::Declined };
        let txn = self.core.begin_write().await?;
        let done = consent_request::Entity::update_many()
            .col_expr(consent_request::Column::Status, Expr::value(status))
            .col_expr(consent_request::Column::DecidedAt, Expr::value(now))
            .filter(consent_request::Column::Id.eq(r.id))
            .filter(consent_request::Column::Status.eq(RequestStatus::Pending))
            .filter(consent_request::Column::ExpiresAt.gt(now))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(Error::code(ErrorCode::ClaimClosed));
        }
        if approve {
            let held = dependant::Entity::find().filter(dependant::Column::HolderId.eq(r.holder_id)).count(&txn).await?;
            if held >= self.core.config().identity.max_dependants {
                return Err(Error::code(ErrorCode::TooManyDependants));
            }
            let adult = user::Entity::find_by_id(me).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::Unauthorized))?;
            let row = dependant::ActiveModel {
                // Under the adult's own id: their record stays where it is.
                id: Set(me.as_person()),
                holder_id: Set(r.holder_id),
                given_name: Set(adult.given_name.clone()),
                family_name: Set(adult.family_name.clone()),
                birth_date: Set(adult.birth_date.unwrap_or_default()),
                sex: Set(adult.sex.clone().unwrap_or_default()),
                // The NIN is the account's (in `persons` under this id).
                nin: Set(None),
                relation: Set(r.relation),
                // The adult proved the link themself, signed in.
                verified_at: Set(Some(now)),
                verified_by: Set(Some(me)),
                created_at: Set(now),
            };
            // Managed by another account already: the primary key says so.
            if row.insert(&txn).await.is_err() {
                return Err(Error::code(ErrorCode::ClaimClosed));
            }
        }
        txn.commit().await?;
        tracing::info!(consent_id = %r.id, approve, "consent decided");
        Ok(ConsentOut { status, can_decide: false, ..consent_out(&r, &requester, now) })
    }

    /// The adult withdraws their consent: `holder` no longer manages their
    /// appointments or reads their record, and what it booked or holds for
    /// them (appointments, referrals, waiting-list entries, messages not yet
    /// sent) becomes the adult's alone. Anyone else is "not found".
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn withdraw_consent(&self, actor: &Actor, holder: UserId) -> Result<()> {
        let me = citizen(actor)?;
        let txn = self.core.begin_write().await?;
        let gone =
            dependant::Entity::delete_many().filter(dependant::Column::Id.eq(me.as_person())).filter(dependant::Column::HolderId.eq(holder)).exec(&txn).await?;
        if gone.rows_affected != 1 {
            return Err(Error::code(ErrorCode::NotFound));
        }
        // What that account booked or holds for them is theirs alone now.
        crate::claims::move_to_person(&txn, me.as_person()).await?;
        txn.commit().await?;
        tracing::info!("consent withdrawn");
        Ok(())
    }
}

fn consent_out(r: &consent_request::Model, requester: &user::Model, now: DateTime<Utc>) -> ConsentOut {
    let status = match r.status {
        RequestStatus::Pending if r.expires_at <= now => RequestStatus::Closed,
        s => s,
    };
    ConsentOut {
        id: r.id,
        status,
        requester_name: full_name(&requester.given_name, &requester.family_name),
        requester_phone: requester.phone.as_deref().map(mask_phone).unwrap_or_default(),
        relation: r.relation,
        created_at: r.created_at,
        can_decide: status == RequestStatus::Pending,
    }
}
