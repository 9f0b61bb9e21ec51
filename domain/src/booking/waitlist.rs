//! The waiting list. A citizen who finds nothing free joins it for a
//! specialty, a wilaya and a period. When a matching slot is free (a
//! cancellation, a new template, an expired or declined offer), the
//! oldest waiting entry gets it as an offer: the slot is `held` for them
//! until the offer expires. They accept (the slot is booked for them, same
//! rules as online), decline (the next one is offered), or let it lapse
//! (their entry ends, and the next one is offered).
//!
//! No request waits for the matching. Whatever may free time for someone
//! (a cancellation or move, a declined, withdrawn or expired offer, new
//! slots, a new entry) writes a *signal* for its specialty and wilaya in
//! its own transaction (`waitlist_signals`, one row per scope), and wakes
//! the server's waitlist job after the commit. The job
//! ([`Waitlist::run_waitlist`]) takes each signalled scope under a lease,
//! offers that scope's free slots to that scope's waiting entries only,
//! oldest first, and removes the signal unless it came again meanwhile. A
//! crash loses nothing: the signal is in the database with the change, an
//! abandoned lease runs out, and the job also runs every half-minute (for
//! other processes' signals). Its cost grows with one scope's entries, not
//! with the whole list. Unique indexes keep a slot held for one person and
//! a person holding one offer at a time, whoever runs the job.

use super::{algiers, field, slot_out, Channel, Subject};
use crate::entities::{facility, practitioner, slot, slot_offer, specialty, waitlist_entry, waitlist_signal};
use crate::services::Waitlist;
use crate::{Actor, Core, Error, Result};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr};
use shared::dto::{AppointmentOut, OfferOut, WaitlistIn, WaitlistOut};
use shared::{ErrorCode, FacilityId, OfferId, SlotId, SpecialtyId, UserId, WaitlistEntryId};
use shared::{OfferStatus, SlotStatus, WaitlistStatus};
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use uuid::Uuid;

impl Waitlist {
    /// Puts the actor (or a dependant) on the waiting list.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn join_waitlist(&self, actor: &Actor, input: &WaitlistIn) -> Result<WaitlistOut> {
        actor.require_citizen()?;
        actor.require_verified_phone()?;
        self.core.account_throttle().check(None, &format!("waitlist:{}", actor.user_id)).map_err(Error::throttled)?;
        let mut errors = Vec::new();
        let spec = specialty::Entity::find().filter(specialty::Column::Code.eq(input.specialty.trim())).one(self.core.db()).await?;
        if spec.is_none() {
            errors.push(field("specialty", ErrorCode::Required));
        }
        if facility::Entity::find().filter(facility::Column::WilayaCode.eq(input.wilaya.trim())).one(self.core.db()).await?.is_none() {
            errors.push(field("wilaya", ErrorCode::Required));
        }
        let today = self.core.today();
        let horizon = today + Duration::days(self.core.config().booking.horizon_days);
        // The database's answers first, then the form's: every field at once.
        let request = input.validate(today, horizon);
        if let Err(e) = &request {
            errors.extend(e.iter().cloned());
        }
        let (Some(spec), Ok(w), true) = (spec, request, errors.is_empty()) else {
            return Err(Error::fields(errors));
        };
        let (wilaya, from, to) = (w.wilaya.as_str(), w.from, w.to);
        let subject = self.core.resolve_subject(self.core.db(), actor.user_id, w.dependant_id).await?;
        let now = self.core.clock().now();
        // The entry and its signal to the waitlist job commit together.
        let txn = self.core.begin_write().await?;
        let entry = waitlist_entry::ActiveModel {
            id: Set(WaitlistEntryId(Uuid::new_v4())),
            holder_id: Set(subject.holder_id),
            subject_id: Set(subject.subject_id),
            dependant_id: Set(subject.dependant_id),
            specialty_id: Set(spec.id),
            active_specialty_id: Set(Some(spec.id)),
            wilaya_code: Set(wilaya.into()),
            date_from: Set(from),
            date_to: Set(to.min(horizon)),
            status: Set(WaitlistStatus::Waiting),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Error::code(ErrorCode::AlreadyWaiting),
            _ => Error::Db(e),
        })?;
        self.core.signal_waitlist(&txn, entry.specialty_id, &entry.wilaya_code).await?;
        txn.commit().await?;
        self.core.after_release().await;
        let mut mine = self.core.waitlist_of(actor.user_id, Some(entry.id)).await?;
        mine.pop().ok_or_else(|| Error::code(ErrorCode::NotFound))
    }

    /// The actor's waitlist entries (theirs and their dependants'), each
    /// with its pending offer.
    pub async fn my_waitlist(&self, actor: &Actor) -> Result<Vec<WaitlistOut>> {
        self.core.waitlist_of(actor.user_id, None).await
    }

    /// Leaves the waiting list; a pending offer is withdrawn and its slot
    /// goes to the next person. Only a live entry (waiting or offered) can
    /// be left; an ended one is not found, and keeps its history.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn leave_waitlist(&self, actor: &Actor, id: WaitlistEntryId) -> Result<()> {
        self.core.account_throttle().check(None, &format!("waitlist:{}", actor.user_id)).map_err(Error::throttled)?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let e = waitlist_entry::Entity::find_by_id(id)
            .filter(waitlist_entry::Column::HolderId.eq(actor.user_id))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        if let Some(o) = slot_offer::Entity::find().filter(slot_offer::Column::ActiveEntryId.eq(e.id)).one(&txn).await? {
            self.core.end_offer(&txn, &o, OfferStatus::Withdrawn, now).await?;
        }
        // Conditional: an ended entry (or one an offer accepted meanwhile
        // made fulfilled) has nothing to leave; the transaction rolls back.
        if !Core::set_entry(&txn, e.id, WaitlistStatus::Left, now).await? {
            return Err(Error::code(ErrorCode::NotFound));
        }
        txn.commit().await?;
        self.core.after_release().await;
        Ok(())
    }

    /// Accepts a pending offer: the held slot is booked for the entry's
    /// person, under the same rules as an online booking; if a rule refuses
    /// it, nothing changes and the offer stays pending.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn accept_offer(&self, actor: &Actor, offer_id: OfferId, ip: Option<IpAddr>) -> Result<AppointmentOut> {
        actor.require_citizen()?;
        actor.require_verified_phone()?;
        self.core.booking_throttle().check(ip, &actor.user_id.to_string()).map_err(Error::throttled)?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let o = self.core.pending_offer(&txn, actor, offer_id, now).await?;
        let e = waitlist_entry::Entity::find_by_id(o.entry_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        self.core.end_offer(&txn, &o, OfferStatus::Accepted, now).await?;
        let (s, f) = self.core.lock_open_slot(&txn, o.slot_id, now, Channel::Online).await?;
        let subject = Subject { holder_id: e.holder_id, subject_id: e.subject_id, dependant_id: e.dependant_id };
        let status = self.core.online_booking_status(&txn, subject.subject_id).await?;
        let (a, spec) = self.core.take_slot(&txn, &subject, actor.user_id, &s, "", now, None, status, actor.booking_channel()).await?;
        Core::set_entry(&txn, e.id, WaitlistStatus::Fulfilled, now).await?;
        let out = self.core.describe_taken(&txn, &a, &s, &f, &spec).await?;
        txn.commit().await?;
        self.core.slot_taken(&s, &f, &spec);
        Ok(out)
    }

    /// Declines a pending offer: the slot goes to the next person; the
    /// entry keeps waiting for another slot.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn decline_offer(&self, actor: &Actor, offer_id: OfferId) -> Result<()> {
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let o = self.core.pending_offer(&txn, actor, offer_id, now).await?;
        self.core.end_offer(&txn, &o, OfferStatus::Declined, now).await?;
        Core::set_entry(&txn, o.entry_id, WaitlistStatus::Waiting, now).await?;
        txn.commit().await?;
        self.core.after_release().await;
        Ok(())
    }
}

impl Core {
    async fn waitlist_of(&self, holder: UserId, only: Option<WaitlistEntryId>) -> Result<Vec<WaitlistOut>> {
        let db = self.db();
        let mut q = waitlist_entry::Entity::find().filter(waitlist_entry::Column::HolderId.eq(holder));
        if let Some(id) = only {
            q = q.filter(waitlist_entry::Column::Id.eq(id));
        }
        let entries = q.order_by_desc(waitlist_entry::Column::CreatedAt).all(db).await?;
        let now = self.clock().now();
        let offers = slot_offer::Entity::find()
            .filter(slot_offer::Column::HolderId.eq(holder))
            .filter(slot_offer::Column::Status.eq(OfferStatus::Pending))
            .all(db)
            .await?;
        let slots = super::load_map::<slot::Entity, _, _, _>(db, slot::Column::Id, offers.iter().map(|o| o.slot_id).collect(), |s| s.id).await?;
        let facilities =
            super::load_map::<facility::Entity, _, _, _>(db, facility::Column::Id, slots.values().map(|s| s.facility_id).collect(), |f| f.id).await?;
        let practitioners =
            super::load_map::<practitioner::Entity, _, _, _>(db, practitioner::Column::Id, slots.values().map(|s| s.practitioner_id).collect(), |p| p.id)
                .await?;
        let codes: HashMap<SpecialtyId, String> = specialty::Entity::find().all(db).await?.into_iter().map(|s| (s.id, s.code)).collect();
        Ok(entries
            .into_iter()
            .map(|e| {
                let code = codes.get(&e.specialty_id).cloned().unwrap_or_default();
                let offer = offers.iter().find(|o| o.entry_id == e.id).and_then(|o| {
                    let s = slots.get(&o.slot_id)?;
                    let f = facilities.get(&s.facility_id)?;
                    Some(OfferOut {
                        id: o.id,
                        expires_at: o.expires_at,
                        slot: slot_out(s, f, practitioners.get(&s.practitioner_id), &code),
                        can_accept: o.expires_at > now,
                    })
                });
                WaitlistOut {
                    id: e.id,
                    specialty: code,
                    wilaya: e.wilaya_code,
                    from: e.date_from,
                    to: e.date_to,
                    status: e.status,
                    dependant_id: e.dependant_id,
                    offer,
                    can_leave: e.status.is_live(),
                }
            })
            .collect())
    }

    /// The actor's pending, unexpired offer, locked; someone else's is
    /// "not found", an answered or expired one `offer_expired`.
    async fn pending_offer(&self, txn: &sea_orm::DatabaseTransaction, actor: &Actor, id: OfferId, now: DateTime<Utc>) -> Result<slot_offer::Model> {
        let o = slot_offer::Entity::find_by_id(id)
            .filter(slot_offer::Column::HolderId.eq(actor.user_id))
            .one(txn)
            .await?
            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let locked = slot_offer::Entity::update_many()
            .col_expr(slot_offer::Column::Status, Expr::value(OfferStatus::Pending))
            .filter(slot_offer::Column::Id.eq(o.id))
            .filter(slot_offer::Column::Status.eq(OfferStatus::Pending))
            .filter(slot_offer::Column::ExpiresAt.gt(now))
            .exec(txn)
            .await?
            .rows_affected;
        if locked != 1 {
            return Err(Error::code(ErrorCode::OfferExpired));
        }
        Ok(o)
    }

    /// Every live place of `holder` on the waiting list is left (an offer
    /// held for it withdrawn), in the caller's transaction: a closed account.
    pub(crate) async fn leave_all_in(&self, txn: &sea_orm::DatabaseTransaction, holder: UserId, now: DateTime<Utc>) -> Result<()> {
        let live = waitlist_entry::Entity::find()
            .filter(waitlist_entry::Column::HolderId.eq(holder))
            .filter(waitlist_entry::Column::Status.is_in(WaitlistStatus::LIVE))
            .all(txn)
            .await?;
        for e in live {
            if let Some(o) = slot_offer::Entity::find().filter(slot_offer::Column::ActiveEntryId.eq(e.id)).one(txn).await? {
                self.end_offer(txn, &o, OfferStatus::Withdrawn, now).await?;
            }
            Core::set_entry(txn, e.id, WaitlistStatus::Left, now).await?;
        }
        Ok(())
    }

    /// Ends a pending offer with `status` and gives its slot back (held →
    /// open, signalled to the waiting list; a slot closed meanwhile stays
    /// closed).
    async fn end_offer(&self, txn: &sea_orm::DatabaseTransaction, o: &slot_offer::Model, status: OfferStatus, now: DateTime<Utc>) -> Result<()> {
        slot_offer::Entity::update_many()
            .col_expr(slot_offer::Column::Status, Expr::value(status))
            .col_expr(slot_offer::Column::ActiveSlotId, Expr::value(Option::<Uuid>::None))
            .col_expr(slot_offer::Column::ActiveEntryId, Expr::value(Option::<Uuid>::None))
            .col_expr(slot_offer::Column::RespondedAt, Expr::value(Some(now)))
            .filter(slot_offer::Column::Id.eq(o.id))
            .filter(slot_offer::Column::Status.eq(OfferStatus::Pending))
            .exec(txn)
            .await?;
        let reopened = slot::Entity::update_many()
            .col_expr(slot::Column::Status, Expr::value(SlotStatus::Open))
            .filter(slot::Column::Id.eq(o.slot_id))
            .filter(slot::Column::Status.eq(SlotStatus::Held))
            .exec(txn)
            .await?
            .rows_affected;
        // An accepted offer's slot is booked in the same transaction.
        if reopened == 1 && status != OfferStatus::Accepted {
            self.signal_slot_id(txn, o.slot_id).await?;
        }
        Ok(())
    }

    /// Moves a live entry (waiting or offered) to `status`; an entry that
    /// has ended meanwhile is left as it is. True when the entry changed.
    async fn set_entry(txn: &sea_orm::DatabaseTransaction, id: WaitlistEntryId, status: WaitlistStatus, now: DateTime<Utc>) -> Result<bool> {
        let live = status.is_live();
        let mut q = waitlist_entry::Entity::update_many()
            .col_expr(waitlist_entry::Column::Status, Expr::value(status))
            .col_expr(waitlist_entry::Column::UpdatedAt, Expr::value(now));
        if !live {
            q = q.col_expr(waitlist_entry::Column::ActiveSpecialtyId, Expr::value(Option::<Uuid>::None));
        }
        let changed =
            q.filter(waitlist_entry::Column::Id.eq(id)).filter(waitlist_entry::Column::Status.is_in(WaitlistStatus::LIVE)).exec(txn).await?.rows_affected;
        Ok(changed == 1)
    }

    /// Withdraws the pending offers on slots that are being closed; their
    /// entries wait again. The caller has closed the slots first.
    pub(crate) async fn withdraw_offers(&self, txn: &sea_orm::DatabaseTransaction, slot_ids: &[SlotId], now: DateTime<Utc>) -> Result<()> {
        for chunk in slot_ids.chunks(500) {
            let offers = slot_offer::Entity::find().filter(slot_offer::Column::ActiveSlotId.is_in(chunk.to_vec())).all(txn).await?;
            for o in offers {
                // The slot is already closed, so `end_offer` leaves it so.
                self.end_offer(txn, &o, OfferStatus::Withdrawn, now).await?;
                if Self::set_entry(txn, o.entry_id, WaitlistStatus::Waiting, now).await? {
                    // The entry waits again: another slot may suit it.
                    if let Some(e) = waitlist_entry::Entity::find_by_id(o.entry_id).one(txn).await? {
                        self.signal_waitlist(txn, e.specialty_id, &e.wilaya_code).await?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Ends offers whose hold has run out (their entries lapse) and entries
    /// whose period is over. Run periodically by the server.
    pub async fn expire_offers(&self) -> Result<u64> {
        let now = self.clock().now();
        let expired = slot_offer::Entity::find()
            .filter(slot_offer::Column::Status.eq(OfferStatus::Pending))
            .filter(slot_offer::Column::ExpiresAt.lte(now))
            .all(self.db())
            .await?;
        let mut n = 0;
        for o in &expired {
            let txn = self.begin_write().await?;
            // Re-checked under the row lock: the citizen may have answered meanwhile.
            let still = slot_offer::Entity::update_many()
                .col_expr(slot_offer::Column::Status, Expr::value(OfferStatus::Pending))
                .filter(slot_offer::Column::Id.eq(o.id))
                .filter(slot_offer::Column::Status.eq(OfferStatus::Pending))
                .exec(&txn)
                .await?
                .rows_affected;
            if still == 1 {
                self.end_offer(&txn, o, OfferStatus::Expired, now).await?;
                Self::set_entry(&txn, o.entry_id, WaitlistStatus::Lapsed, now).await?;
                n += 1;
            }
            txn.commit().await?;
            if still == 1 {
                // Held → open: the search shows it again.
                self.search_answers().changed(crate::booking::answers::Change::Everything);
            }
        }
        let today = self.today();
        // Entries whose period is over end in one statement.
        waitlist_entry::Entity::update_many()
            .col_expr(waitlist_entry::Column::Status, Expr::value(WaitlistStatus::Lapsed))
            .col_expr(waitlist_entry::Column::ActiveSpecialtyId, Expr::value(Option::<Uuid>::None))
            .col_expr(waitlist_entry::Column::UpdatedAt, Expr::value(now))
            .filter(waitlist_entry::Column::Status.eq(WaitlistStatus::Waiting))
            .filter(waitlist_entry::Column::DateTo.lt(today))
            .exec(self.db())
            .await?;
        if n > 0 {
            // Their slots were signalled by `end_offer`: the job offers them next.
            tracing::info!(offers = n, "waitlist offers expired");
        }
        Ok(n)
    }

    /// Signals the waiting list that time may be free for `specialty` in
    /// `wilaya`, in the caller's transaction (see the module's notes).
    pub(crate) async fn signal_waitlist<C: ConnectionTrait>(&self, db: &C, specialty: SpecialtyId, wilaya: &str) -> Result<()> {
        waitlist_signal::Entity::insert(waitlist_signal::ActiveModel {
            specialty_id: Set(specialty),
            wilaya_code: Set(wilaya.to_owned()),
            signalled_at: Set(self.clock().now()),
            lease_owner: Set(None),
            lease_until: Set(None),
        })
        .on_conflict(
            OnConflict::columns([waitlist_signal::Column::SpecialtyId, waitlist_signal::Column::WilayaCode])
                .update_column(waitlist_signal::Column::SignalledAt)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    /// Signals the scope of a slot that is free again.
    pub(crate) async fn signal_slot<C: ConnectionTrait>(&self, db: &C, s: &slot::Model) -> Result<()> {
        self.signal_facility(db, s.facility_id, s.specialty_id).await
    }

    /// Signals the scope of a slot known by its id: one read, the slot
    /// joined to its facility.
    pub(crate) async fn signal_slot_id<C: ConnectionTrait>(&self, db: &C, slot_id: SlotId) -> Result<()> {
        let scope: Option<(SpecialtyId, String)> = slot::Entity::find_by_id(slot_id)
            .select_only()
            .column(slot::Column::SpecialtyId)
            .column(facility::Column::WilayaCode)
            .join(JoinType::InnerJoin, slot::Entity::belongs_to(facility::Entity).from(slot::Column::FacilityId).to(facility::Column::Id).into())
            .into_tuple()
            .one(db)
            .await?;
        match scope {
            Some((specialty, wilaya)) => self.signal_waitlist(db, specialty, &wilaya).await,
            None => Ok(()),
        }
    }

    /// Signals a specialty in the wilaya of a facility (new or freed time there).
    pub(crate) async fn signal_facility<C: ConnectionTrait>(&self, db: &C, facility_id: FacilityId, specialty: SpecialtyId) -> Result<()> {
        let wilaya: Option<String> = facility::Entity::find_by_id(facility_id).select_only().column(facility::Column::WilayaCode).into_tuple().one(db).await?;
        match wilaya {
            Some(w) => self.signal_waitlist(db, specialty, &w).await,
            None => Ok(()),
        }
    }

    /// Signals every scope in which someone waits: run once when the job
    /// starts, so nothing depends on signals written before (or by a
    /// version without them).
    pub(crate) async fn signal_every_waiting_scope(&self) -> Result<u64> {
        let scopes: Vec<(SpecialtyId, String)> = waitlist_entry::Entity::find()
            .select_only()
            .column(waitlist_entry::Column::SpecialtyId)
            .column(waitlist_entry::Column::WilayaCode)
            .distinct()
            .filter(waitlist_entry::Column::Status.eq(WaitlistStatus::Waiting))
            .into_tuple()
            .all(self.db())
            .await?;
        for (specialty, wilaya) in &scopes {
            self.signal_waitlist(self.db(), *specialty, wilaya).await?;
        }
        Ok(scopes.len() as u64)
    }

    /// Takes every signalled scope not leased by another run, under a
    /// lease, and offers its free slots to its waiting entries; removes the
    /// signal unless it came again meanwhile (then it stays for the next
    /// run, which the signalling request's wake-up starts). Returns how
    /// many offers were made.
    pub(crate) async fn run_signals(&self) -> Result<u64> {
        use waitlist_signal::Column as C;
        let owner = Uuid::new_v4();
        let lease = Duration::seconds(LEASE_SECS);
        const PAGE: u64 = 100;
        let free = |now: DateTime<Utc>| Condition::any().add(C::LeaseUntil.is_null()).add(C::LeaseUntil.lt(now));
        let mut done: HashSet<(SpecialtyId, String)> = HashSet::new();
        let (mut made, mut skip) = (0, 0);
        loop {
            let page =
                waitlist_signal::Entity::find().filter(free(self.clock().now())).order_by_asc(C::SignalledAt).offset(skip).limit(PAGE).all(self.db()).await?;
            let full = page.len() as u64 == PAGE;
            let signals: Vec<_> = page.into_iter().filter(|s| !done.contains(&(s.specialty_id, s.wilaya_code.clone()))).collect();
            if signals.is_empty() {
                if !full {
                    return Ok(made);
                }
                // A page of scopes this run handled already: look further.
                skip += PAGE;
                continue;
            }
            skip = 0;
            for sig in signals {
                done.insert((sig.specialty_id, sig.wilaya_code.clone()));
                let scope = || Condition::all().add(C::SpecialtyId.eq(sig.specialty_id)).add(C::WilayaCode.eq(sig.wilaya_code.clone()));
                // The clock read for each claim: a long run never writes a
                // lease that has already run out.
                let now = self.clock().now();
                let claimed = waitlist_signal::Entity::update_many()
                    .col_expr(C::LeaseOwner, Expr::value(Some(owner)))
                    .col_expr(C::LeaseUntil, Expr::value(Some(now + lease)))
                    .filter(scope())
                    .filter(free(now))
                    .exec(self.db())
                    .await?
                    .rows_affected;
                if claimed != 1 {
                    continue;
                }
                // Read back as stored: the signal this run answers.
                let Some(taken) = waitlist_signal::Entity::find().filter(scope()).one(self.db()).await? else { continue };
                made += self.offer_in_scope(sig.specialty_id, &sig.wilaya_code).await?;
                let removed = waitlist_signal::Entity::delete_many()
                    .filter(scope())
                    .filter(C::SignalledAt.eq(taken.signalled_at))
                    .filter(C::LeaseOwner.eq(owner))
                    .exec(self.db())
                    .await?
                    .rows_affected;
                if removed == 0 {
                    // Signalled again meanwhile: free for the next run.
                    waitlist_signal::Entity::update_many()
                        .col_expr(C::LeaseOwner, Expr::value(Option::<Uuid>::None))
                        .col_expr(C::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
                        .filter(scope())
                        .filter(C::LeaseOwner.eq(owner))
                        .exec(self.db())
                        .await?;
                }
            }
        }
    }

    /// Offers one scope's free slots to its waiting entries, oldest entry
    /// first, each the earliest matching slot it has not already been
    /// offered. Reads that scope's entries only, and none when the scope
    /// has no free slot at all (the common case).
    async fn offer_in_scope(&self, specialty: SpecialtyId, wilaya: &str) -> Result<u64> {
        let today = self.today();
        let waiting = waitlist_entry::Entity::find()
            .filter(waitlist_entry::Column::SpecialtyId.eq(specialty))
            .filter(waitlist_entry::Column::WilayaCode.eq(wilaya))
            .filter(waitlist_entry::Column::Status.eq(WaitlistStatus::Waiting))
            .filter(waitlist_entry::Column::DateTo.gte(today))
            .order_by_asc(waitlist_entry::Column::CreatedAt)
            .all(self.db())
            .await?;
        let (Some(from), Some(to)) = (waiting.iter().map(|e| e.date_from).min(), waiting.iter().map(|e| e.date_to).max()) else {
            return Ok(0);
        };
        let Some(spec) = specialty::Entity::find_by_id(specialty).one(self.db()).await? else { return Ok(0) };
        let filter = super::SlotFilter::default();
        if self.free_slots(self.db(), &spec, wilaya, from, to, &filter, &HashSet::new(), 1).await?.is_empty() {
            return Ok(0);
        }
        let hold = Duration::minutes(self.config().booking.offer_hold_minutes);
        let mut made = 0;
        for e in waiting {
            let seen: HashSet<SlotId> =
                slot_offer::Entity::find().filter(slot_offer::Column::EntryId.eq(e.id)).all(self.db()).await?.into_iter().map(|o| o.slot_id).collect();
            let candidates = self.free_slots(self.db(), &spec, &e.wilaya_code, e.date_from, e.date_to, &filter, &seen, 5).await?;
            for c in candidates {
                if self.hold_for(&e, c.id, hold).await? {
                    made += 1;
                    break;
                }
            }
        }
        Ok(made)
    }

    /// Holds one free slot for one waiting entry, or reports that it could
    /// not (booked, closed or held meanwhile; the entry answered meanwhile).
    async fn hold_for(&self, e: &waitlist_entry::Model, slot_id: SlotId, hold: Duration) -> Result<bool> {
        let now = self.clock().now();
        let txn = self.begin_write().await?;
        let held = slot::Entity::update_many()
            .col_expr(slot::Column::Status, Expr::value(SlotStatus::Held))
            .filter(slot::Column::Id.eq(slot_id))
            .filter(slot::Column::Status.eq(SlotStatus::Open))
            .exec(&txn)
            .await?
            .rows_affected;
        let booked =
            crate::entities::appointment::Entity::find().filter(crate::entities::appointment::Column::ActiveSlotId.eq(slot_id)).one(&txn).await?.is_some();
        let still_waiting = waitlist_entry::Entity::update_many()
            .col_expr(waitlist_entry::Column::Status, Expr::value(WaitlistStatus::Offered))
            .col_expr(waitlist_entry::Column::UpdatedAt, Expr::value(now))
            .filter(waitlist_entry::Column::Id.eq(e.id))
            .filter(waitlist_entry::Column::Status.eq(WaitlistStatus::Waiting))
            .exec(&txn)
            .await?
            .rows_affected;
        if held != 1 || booked || still_waiting != 1 {
            txn.rollback().await?;
            return Ok(false);
        }
        let offer = slot_offer::ActiveModel {
            id: Set(OfferId(Uuid::new_v4())),
            slot_id: Set(slot_id),
            entry_id: Set(e.id),
            holder_id: Set(e.holder_id),
            status: Set(OfferStatus::Pending),
            active_slot_id: Set(Some(slot_id)),
            active_entry_id: Set(Some(e.id)),
            expires_at: Set(now + hold),
            created_at: Set(now),
            responded_at: Set(None),
        };
        match offer.insert(&txn).await {
            Ok(o) => {
                let facility = slot::Entity::find_by_id(slot_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?.facility_id;
                self.queue_offer(&txn, &o, facility).await?;
                txn.commit().await?;
                // Open → held: no longer free to anyone else.
                self.search_answers().changed(crate::booking::answers::Change::Everything);
                let local = (now + hold).with_timezone(&algiers());
                tracing::info!(offer_expires = %local, "waitlist offer made");
                Ok(true)
            }
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                txn.rollback().await?;
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// How long a run of the waitlist job holds a scope before another may
/// take it (a run that died leaves it for this long).
const LEASE_SECS: i64 = 60;

impl Waitlist {
    /// The waitlist job's run, woken after every signal and every
    /// half-minute by the server: expired offers end, then each signalled
    /// scope's free slots go to its next waiting citizens. Returns how many
    /// offers were made.
    pub async fn run_waitlist(&self) -> Result<u64> {
        self.core.expire_offers().await?;
        self.core.run_signals().await
    }

    /// Run once when the job starts: every scope with someone waiting is
    /// signalled, then the job runs.
    pub async fn resume(&self) -> Result<u64> {
        self.core.signal_every_waiting_scope().await?;
        self.run_waitlist().await
    }

    /// What wakes the job: notified after the commit of every change that
    /// signalled the waiting list.
    pub fn wake(&self) -> std::sync::Arc<tokio::sync::Notify> {
        self.core.waitlist_wake()
    }
}
