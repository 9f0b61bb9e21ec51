//! Staff administration: who may work where.
//!
//! - **Invitations.** A facility administrator invites receptionists and
//!   practitioners (with their specialty) to their polyclinic; the health
//!   directorate invites the administrator of a facility of its wilaya. The
//!   invitation goes by SMS and/or email as a signed link that expires
//!   after [`INVITATION_DAYS`]; the invitee opens it, sees who invites them
//!   to do what, and sets their own password — the account is made then
//!   (with a practitioner's profile at the facility), and a role with a
//!   second factor enrols its authenticator next. Nobody ever handles
//!   another person's password.
//! - **Deactivation.** An administrator deactivates a staff account: its
//!   sessions end at once and it can no longer sign in; a practitioner's
//!   schedule at the facility ends and their free slots close, and the
//!   appointments still booked with them come back as conflicts for the
//!   desk to move. Reactivation lets them sign in again (the desk publishes
//!   their schedule again).
//!
//! Every act is in the admin audit log.

use crate::entities::{
    admin_audit, availability_template, facility, facility_specialty, practitioner, practitioner_facility, slot, specialty, staff_invitation, user,
};
use crate::notify::account::queue_invitation;
use crate::notify::links::verify_invitation;
use crate::services::Accounts;
use crate::{Actor, Core, Error, Result};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, Set};
use shared::dto::{DeactivationOut, InvitationAcceptIn, InvitationIn, InvitationOut, InvitationStatus, InvitationViewOut};
use shared::identity::{mask_email, mask_phone};
use shared::{AdminAction, ErrorCode, FacilityId, FieldError, MessageChannel, Role, UserId};
use std::collections::HashMap;
use uuid::Uuid;

/// How long an invitation's link works.
pub const INVITATION_DAYS: i64 = 7;

fn status_of(i: &staff_invitation::Model, now: DateTime<Utc>) -> InvitationStatus {
    if i.accepted_at.is_some() {
        InvitationStatus::Accepted
    } else if i.revoked_at.is_some() {
        InvitationStatus::Revoked
    } else if i.expires_at <= now {
        InvitationStatus::Expired
    } else {
        InvitationStatus::Pending
    }
}

fn sent_to(i: &staff_invitation::Model) -> Vec<String> {
    i.phone.iter().map(|p| mask_phone(p)).chain(i.email.iter().map(|e| mask_email(e))).collect()
}

/// The roles of the invitations an administrator manages: the directorate
/// invites administrators; a facility administrator, desks and practitioners.
fn invited_roles(actor: &Actor) -> sea_orm::Condition {
    let roles = match actor.role {
        Role::HealthAdmin => vec![Role::FacilityAdmin],
        _ => vec![Role::Receptionist, Role::Practitioner],
    };
    sea_orm::Condition::all().add(staff_invitation::Column::Role.is_in(roles))
}

/// What a staff act was about, for the admin audit log.
#[derive(Default)]
struct About {
    account: Option<UserId>,
    facility: Option<FacilityId>,
    invitation: Option<Uuid>,
    /// The record after, as JSON.
    after: Option<String>,
}

impl Core {
    /// Practitioners stop working at a facility: their templates there end
    /// yesterday (one that had not begun ends the day before it would, and
    /// today's free slots close too), their free slots from now on close,
    /// and the appointments still booked with them there are listed.
    pub(crate) async fn end_practice(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        facility: FacilityId,
        profiles: Vec<shared::PractitionerId>,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<shared::dto::ConflictOut>)> {
        let yesterday = self.today() - Duration::days(1);
        let live = availability_template::Entity::find()
            .filter(availability_template::Column::FacilityId.eq(facility))
            .filter(availability_template::Column::PractitionerId.is_in(profiles.clone()))
            .filter(availability_template::Column::ValidTo.is_null().or(availability_template::Column::ValidTo.gt(yesterday)))
            .all(txn)
            .await?;
        for t in live {
            let end = std::cmp::max(yesterday, t.valid_from - Duration::days(1));
            let mut row: availability_template::ActiveModel = t.into();
            row.valid_to = Set(Some(end));
            row.update(txn).await?;
        }
        let ahead = slot::Entity::find()
            .filter(slot::Column::FacilityId.eq(facility))
            .filter(slot::Column::PractitionerId.is_in(profiles))
            .filter(slot::Column::StartsAt.gte(now))
            .all(txn)
            .await?;
        self.close_free_slots(txn, ahead, now).await
    }

    /// Whether `actor` administers the staff account `target`: a facility
    /// administrator their polyclinic's receptionists, practitioners and
    /// administrators; the health directorate the administrators of its
    /// wilaya's facilities and its own members. Nobody themselves.
    pub(crate) async fn administers(&self, actor: &Actor, target: &user::Model) -> Result<bool> {
        if target.id == actor.user_id {
            return Ok(false);
        }
        Ok(match actor.role {
            Role::FacilityAdmin => {
                actor.facility_id.is_some_and(|f| target.facility_id == Some(f))
                    && matches!(target.role, Role::Receptionist | Role::Practitioner | Role::FacilityAdmin)
            }
            Role::HealthAdmin => match (target.role, actor.health_wilaya()) {
                (Role::HealthAdmin, Ok(w)) => target.wilaya_code.as_deref() == Some(w),
                (Role::FacilityAdmin, Ok(w)) => match target.facility_id {
                    Some(f) => facility::Entity::find_by_id(f).one(self.db()).await?.is_some_and(|f| f.wilaya_code == w),
                    None => false,
                },
                _ => false,
            },
            _ => false,
        })
    }

    /// The facilities whose staff and invitations an administrator sees
    /// (the directorate: only the invitations of administrators there).
    async fn staffed_facilities(&self, actor: &Actor) -> Result<Vec<facility::Model>> {
        match actor.role {
            Role::FacilityAdmin => Ok(facility::Entity::find_by_id(actor.admin_facility()?).all(self.db()).await?),
            Role::HealthAdmin => Ok(facility::Entity::find().filter(facility::Column::WilayaCode.eq(actor.health_wilaya()?)).all(self.db()).await?),
            _ => Err(Error::code(ErrorCode::Forbidden)),
        }
    }

    async fn staff_audit<C: ConnectionTrait>(&self, db: &C, actor: &Actor, action: AdminAction, about: About) -> Result<()> {
        admin_audit::ActiveModel {
            id: Set(Uuid::new_v4()),
            at: Set(self.clock().now()),
            actor_id: Set(actor.user_id),
            action: Set(action.code().to_owned()),
            target_user_id: Set(about.account),
            facility_id: Set(about.facility),
            subject_kind: Set(about.invitation.map(|_| "invitation".to_owned())),
            subject_id: Set(about.invitation.map(|i| i.to_string())),
            before: Set(None),
            after: Set(about.after),
            wilaya_code: Set(actor.wilaya_code.clone()),
        }
        .insert(db)
        .await?;
        Ok(())
    }

    /// A pending invitation from its link's token, or `invitation_invalid`.
    async fn pending_invitation<C: ConnectionTrait>(&self, db: &C, token: &str) -> Result<staff_invitation::Model> {
        let invalid = || Error::code(ErrorCode::InvitationInvalid);
        let now = self.clock().now();
        let id = verify_invitation(&self.config().link_secret, token, now).ok_or_else(invalid)?;
        let i = staff_invitation::Entity::find_by_id(id).one(db).await?.ok_or_else(invalid)?;
        if status_of(&i, now) != InvitationStatus::Pending {
            return Err(invalid());
        }
        Ok(i)
    }
}

impl Accounts {
    /// The specialties an invitation may give a practitioner: those the
    /// directorate lets the facility administrator's facility offer, by
    /// French name. None for a directorate (it invites administrators).
    pub async fn invitable_specialties(&self, actor: &Actor) -> Result<Vec<shared::dto::SpecialtyOut>> {
        let own = match actor.role {
            Role::FacilityAdmin => actor.admin_facility()?,
            Role::HealthAdmin => return Ok(Vec::new()),
            _ => return Err(Error::code(ErrorCode::Forbidden)),
        };
        let db = self.core.db();
        let offered: Vec<_> = facility_specialty::Entity::find()
            .filter(facility_specialty::Column::FacilityId.eq(own))
            .all(db)
            .await?
            .into_iter()
            .map(|l| l.specialty_id)
            .collect();
        Ok(specialty::Entity::find()
            .filter(specialty::Column::Id.is_in(offered))
            .order_by_asc(specialty::Column::NameFr)
            .all(db)
            .await?
            .into_iter()
            .map(crate::booking::specialty_out)
            .collect())
    }

    /// Invites someone to join a facility's staff (see the module's
    /// documentation for who may invite whom). A phone or address already
    /// an account's is refused on its field; an earlier pending invitation
    /// to the same phone or address at the same facility is withdrawn.
    #[tracing::instrument(skip_all, fields(actor = %actor.user_id))]
    pub async fn invite(&self, actor: &Actor, input: &InvitationIn) -> Result<InvitationOut> {
        let inv = input.validate().map_err(Error::fields)?;
        let db = self.core.db();
        let facility = match actor.role {
            Role::FacilityAdmin => {
                let own = actor.admin_facility()?;
                if inv.facility_id.is_some_and(|f| f != own) {
                    return Err(Error::code(ErrorCode::Forbidden));
                }
                if inv.role == Role::FacilityAdmin {
                    return Err(Error::on_field("role", ErrorCode::Forbidden));
                }
                facility::Entity::find_by_id(own).one(db).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?
            }
            Role::HealthAdmin => {
                let wilaya = actor.health_wilaya()?;
                if inv.role != Role::FacilityAdmin {
                    return Err(Error::on_field("role", ErrorCode::Forbidden));
                }
                let f = inv.facility_id.ok_or_else(|| Error::fields(vec![FieldError::new("facility_id", ErrorCode::Required)]))?;
                facility::Entity::find_by_id(f)
                    .filter(facility::Column::WilayaCode.eq(wilaya))
                    .one(db)
                    .await?
                    .ok_or_else(|| Error::on_field("facility_id", ErrorCode::NotFound))?
            }
            _ => return Err(Error::code(ErrorCode::Forbidden)),
        };
        // One of the specialties the directorate lets the facility offer:
        // an invitation never widens what a facility offers.
        let specialty = match &inv.specialty {
            Some(code) => {
                let s = specialty::Entity::find().filter(specialty::Column::Code.eq(code.as_str())).one(db).await?;
                let offered = match &s {
                    Some(s) => facility_specialty::Entity::find_by_id((facility.id, s.id)).one(db).await?.is_some(),
                    None => false,
                };
                match s {
                    Some(s) if offered => Some(s),
                    _ => return Err(Error::fields(vec![FieldError::new("specialty", ErrorCode::NotFound)])),
                }
            }
            None => None,
        };
        let mut taken = Vec::new();
        if let Some(p) = &inv.phone {
            if user::Entity::find().filter(user::Column::Phone.eq(p.as_ref())).one(db).await?.is_some() {
                taken.push(FieldError::new("phone", ErrorCode::PhoneTaken));
            }
        }
        if let Some(e) = &inv.email {
            if user::Entity::find().filter(user::Column::EmailKey.eq(e.as_ref().to_lowercase())).one(db).await?.is_some() {
                taken.push(FieldError::new("email", ErrorCode::EmailTaken));
            }
        }
        if !taken.is_empty() {
            return Err(Error::taken(taken));
        }
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        // The same person invited again to the same place: the newest link counts.
        let mut to = sea_orm::Condition::any();
        if let Some(p) = &inv.phone {
            to = to.add(staff_invitation::Column::Phone.eq(p.as_ref()));
        }
        if let Some(e) = &inv.email {
            to = to.add(Expr::expr(Func::lower(Expr::col(staff_invitation::Column::Email))).eq(e.as_ref().to_lowercase()));
        }
        // (Validation guarantees a phone or an address: `to` is never empty.)
        let same = staff_invitation::Entity::find()
            .filter(staff_invitation::Column::FacilityId.eq(facility.id))
            .filter(staff_invitation::Column::AcceptedAt.is_null())
            .filter(staff_invitation::Column::RevokedAt.is_null())
            .filter(invited_roles(actor))
            .filter(to);
        let earlier: Vec<Uuid> = same.all(&txn).await?.into_iter().map(|i| i.id).collect();
        if !earlier.is_empty() {
            staff_invitation::Entity::update_many()
                .col_expr(staff_invitation::Column::RevokedAt, Expr::value(now))
                .filter(staff_invitation::Column::Id.is_in(earlier))
                .exec(&txn)
                .await?;
        }
        let row = staff_invitation::ActiveModel {
            id: Set(Uuid::new_v4()),
            facility_id: Set(facility.id),
            role: Set(inv.role),
            given_name: Set(inv.given_name.to_string()),
            family_name: Set(inv.family_name.to_string()),
            phone: Set(inv.phone.map(String::from)),
            email: Set(inv.email.map(String::from)),
            specialty_id: Set(specialty.as_ref().map(|s| s.id)),
            lang: Set(inv.lang.code().to_owned()),
            invited_by: Set(actor.user_id),
            created_at: Set(now),
            expires_at: Set(now + Duration::days(INVITATION_DAYS)),
            accepted_at: Set(None),
            accepted_user_id: Set(None),
            revoked_at: Set(None),
        }
        .insert(&txn)
        .await?;
        for (channel, present) in [(MessageChannel::Sms, row.phone.is_some()), (MessageChannel::Email, row.email.is_some())] {
            if present {
                queue_invitation(&txn, channel, actor.user_id, row.id, facility.id, now).await?;
            }
        }
        let out = self.invitation_out(&row, &facility, specialty.as_ref(), now);
        self.core
            .staff_audit(
                &txn,
                actor,
                AdminAction::StaffInvited,
                About { facility: Some(facility.id), invitation: Some(row.id), after: serde_json::to_string(&out).ok(), ..About::default() },
            )
            .await?;
        txn.commit().await?;
        tracing::info!(invitation = %row.id, role = row.role.code(), "staff invited");
        Ok(out)
    }

    fn invitation_out(&self, i: &staff_invitation::Model, f: &facility::Model, s: Option<&specialty::Model>, now: DateTime<Utc>) -> InvitationOut {
        let status = status_of(i, now);
        InvitationOut {
            id: i.id,
            role: i.role,
            given_name: i.given_name.clone(),
            family_name: i.family_name.clone(),
            sent_to: sent_to(i),
            specialty: s.map(|s| s.code.clone()),
            facility_id: f.id,
            facility_name: f.name_fr.clone(),
            facility_name_ar: f.name_ar.clone(),
            created_at: i.created_at,
            expires_at: i.expires_at,
            status,
            can_revoke: status == InvitationStatus::Pending,
            undelivered: Vec::new(),
        }
    }

    /// The invitations of the facilities an administrator staffs, newest first.
    pub async fn invitations(&self, actor: &Actor) -> Result<Vec<InvitationOut>> {
        let facilities: HashMap<FacilityId, facility::Model> = self.core.staffed_facilities(actor).await?.into_iter().map(|f| (f.id, f)).collect();
        let db = self.core.db();
        let rows = staff_invitation::Entity::find()
            .filter(staff_invitation::Column::FacilityId.is_in(facilities.keys().copied().collect::<Vec<_>>()))
            .filter(invited_roles(actor))
            .order_by_desc(staff_invitation::Column::CreatedAt)
            .order_by_desc(staff_invitation::Column::Id)
            .all(db)
            .await?;
        let specialties: HashMap<_, _> = specialty::Entity::find().all(db).await?.into_iter().map(|s| (s.id, s)).collect();
        // Messages of these invitations that died (the outbox names the invitation as its subject).
        let mut dead: HashMap<Uuid, Vec<MessageChannel>> = HashMap::new();
        if !rows.is_empty() {
            for m in crate::entities::outbox::Entity::find()
                .filter(crate::entities::outbox::Column::SubjectId.is_in(rows.iter().map(|i| i.id).collect::<Vec<_>>()))
                .filter(crate::entities::outbox::Column::Kind.eq(crate::notify::account::AccountKind::StaffInvitation.message_kind()))
                .filter(crate::entities::outbox::Column::Status.eq(shared::OutboxStatus::Dead))
                .all(db)
                .await?
            {
                if let Some(i) = m.subject_id {
                    dead.entry(i).or_default().push(m.channel);
                }
            }
        }
        let now = self.core.clock().now();
        Ok(rows
            .iter()
            .filter_map(|i| {
                let mut out = self.invitation_out(i, facilities.get(&i.facility_id)?, i.specialty_id.and_then(|s| specialties.get(&s)), now);
                out.undelivered = dead.remove(&i.id).unwrap_or_default();
                Some(out)
            })
            .collect())
    }

    /// Withdraws a pending invitation: its link stops working at once.
    pub async fn revoke_invitation(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let facilities: Vec<FacilityId> = self.core.staffed_facilities(actor).await?.into_iter().map(|f| f.id).collect();
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let i = staff_invitation::Entity::find_by_id(id)
            .filter(staff_invitation::Column::FacilityId.is_in(facilities))
            .filter(invited_roles(actor))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        close_pending(&txn, i.id, staff_invitation::Column::RevokedAt, now).await?;
        self.core
            .staff_audit(&txn, actor, AdminAction::InvitationRevoked, About { facility: Some(i.facility_id), invitation: Some(i.id), ..About::default() })
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// What an invitation's link shows its holder (no sign-in).
    pub async fn invitation_by_token(&self, token: &str) -> Result<InvitationViewOut> {
        let db = self.core.db();
        let i = self.core.pending_invitation(db, token).await?;
        let f = facility::Entity::find_by_id(i.facility_id).one(db).await?.ok_or_else(|| Error::code(ErrorCode::InvitationInvalid))?;
        let s = match i.specialty_id {
            Some(s) => specialty::Entity::find_by_id(s).one(db).await?,
            None => None,
        };
        Ok(InvitationViewOut {
            login: sent_to(&i).into_iter().next().unwrap_or_default(),
            given_name: i.given_name,
            family_name: i.family_name,
            role: i.role,
            specialty_name_ar: s.as_ref().map(|s| s.name_ar.clone()),
            specialty_name_fr: s.map(|s| s.name_fr),
            facility_name_ar: f.name_ar,
            facility_name_fr: f.name_fr,
            expires_at: i.expires_at,
            second_factor_required: i.role.needs_second_factor(),
        })
    }

    /// Accepts an invitation with the invitee's own password: the account
    /// is made (a practitioner's profile with it), the link is used up.
    /// Returns the new account as a sign-in with its password would: signed
    /// in, or owing its second factor (to enrol) when its role has one.
    #[tracing::instrument(skip_all)]
    pub async fn accept_invitation(&self, token: &str, input: &InvitationAcceptIn) -> Result<crate::mfa::SignIn> {
        let password = input.validate().map_err(Error::fields)?;
        // A genuine link first (cheap), then the hash, outside the write.
        self.core.pending_invitation(self.core.db(), token).await?;
        let hash = self.core.passwords().hash(password.expose()).await?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let i = self.core.pending_invitation(&txn, token).await?;
        // Claimed before the account is made: of two acceptances racing, the
        // second finds it used (not a taken phone).
        close_pending(&txn, i.id, staff_invitation::Column::AcceptedAt, now).await?;
        // A facility closed since is no place to join.
        facility::Entity::find_by_id(i.facility_id)
            .filter(facility::Column::Active.eq(true))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::code(ErrorCode::InvitationInvalid))?;
        let specialty = match i.specialty_id {
            Some(s) => specialty::Entity::find_by_id(s).one(&txn).await?.map(|s| s.code),
            None => None,
        };
        let invalid = |_| Error::code(ErrorCode::InvitationInvalid);
        let new = crate::accounts::NewStaff {
            role: i.role,
            facility_id: Some(i.facility_id),
            wilaya_code: None,
            given_name: shared::PersonName::parse(&i.given_name).map_err(invalid)?,
            family_name: shared::PersonName::parse(&i.family_name).map_err(invalid)?,
            phone: i.phone.as_deref().map(shared::Phone::parse).transpose().map_err(invalid)?,
            email: i.email.as_deref().map(shared::Email::parse).transpose().map_err(invalid)?,
            password,
            lang: shared::Lang::parse(&i.lang).unwrap_or(shared::Lang::Fr),
            specialty,
        };
        let id = self.core.insert_staff(&txn, new, hash).await?;
        staff_invitation::Entity::update_many()
            .col_expr(staff_invitation::Column::AcceptedUserId, Expr::value(id))
            .filter(staff_invitation::Column::Id.eq(i.id))
            .exec(&txn)
            .await?;
        let u = user::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::InvitationInvalid))?;
        txn.commit().await?;
        tracing::info!(user_id = %id, role = u.role.code(), "invitation accepted");
        self.core.after_password(u).await
    }

    /// Deactivates a staff account the actor administers: sessions end,
    /// sign-in is refused; a practitioner's schedule at the facility ends
    /// (from yesterday: today's free slots close too) and what is still
    /// booked with them is returned as conflicts. Deactivating an inactive
    /// account changes nothing and logs nothing.
    #[tracing::instrument(skip_all, fields(actor = %actor.user_id, target = %target))]
    pub async fn deactivate_staff(&self, actor: &Actor, target: UserId) -> Result<DeactivationOut> {
        Core::require_admin(actor)?;
        let t = self.administered(actor, target).await?;
        let mut out = DeactivationOut { user_id: t.id, slots_closed: 0, conflicts: Vec::new() };
        if t.deactivated_at.is_some() {
            return Ok(out);
        }
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        // Claimed in the write: of two clicks at once, the second does nothing.
        let claimed = user::Entity::update_many()
            .col_expr(user::Column::DeactivatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(t.id))
            .filter(user::Column::DeactivatedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 0 {
            return Ok(out);
        }
        let revoked = self.core.revoke_all_sessions(&txn, t.id).await?;
        // The invitations they sent and nobody accepted yet stop working.
        staff_invitation::Entity::update_many()
            .col_expr(staff_invitation::Column::RevokedAt, Expr::value(now))
            .filter(staff_invitation::Column::InvitedBy.eq(t.id))
            .filter(staff_invitation::Column::AcceptedAt.is_null())
            .filter(staff_invitation::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if let (Role::Practitioner, Some(facility)) = (t.role, t.facility_id) {
            let profiles: Vec<_> =
                practitioner::Entity::find().filter(practitioner::Column::UserId.eq(t.id)).all(&txn).await?.into_iter().map(|p| p.id).collect();
            if !profiles.is_empty() {
                let (closed, conflicts) = self.core.end_practice(&txn, facility, profiles, now).await?;
                out.slots_closed = closed;
                out.conflicts = conflicts;
            }
        }
        // The log keeps counts: the conflicts name patients.
        let after = serde_json::json!({ "slots_closed": out.slots_closed, "appointments_to_move": out.conflicts.len() }).to_string();
        self.core
            .staff_audit(
                &txn,
                actor,
                AdminAction::StaffDeactivated,
                About { account: Some(t.id), facility: t.facility_id, after: Some(after), ..About::default() },
            )
            .await?;
        txn.commit().await?;
        revoked.forget(&self.core);
        self.core.search_answers().changed(crate::booking::answers::Change::Everything);
        tracing::info!(conflicts = out.conflicts.len(), "staff account deactivated");
        Ok(out)
    }

    /// Lets a deactivated staff account sign in again.
    pub async fn reactivate_staff(&self, actor: &Actor, target: UserId) -> Result<()> {
        Core::require_admin(actor)?;
        let t = self.administered(actor, target).await?;
        if t.deactivated_at.is_none() {
            return Ok(());
        }
        let txn = self.core.begin_write().await?;
        user::Entity::update_many()
            .col_expr(user::Column::DeactivatedAt, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(user::Column::Id.eq(t.id))
            .exec(&txn)
            .await?;
        self.core.staff_audit(&txn, actor, AdminAction::StaffReactivated, About { account: Some(t.id), facility: t.facility_id, ..About::default() }).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A staff account the actor administers; any other is not found.
    async fn administered(&self, actor: &Actor, target: UserId) -> Result<user::Model> {
        let t = user::Entity::find_by_id(target).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        if self.core.administers(actor, &t).await? {
            Ok(t)
        } else {
            Err(Error::code(ErrorCode::NotFound))
        }
    }
}

/// Stamps `column` (accepted or revoked) on an invitation that is still
/// pending — not accepted, not revoked, not expired — in one conditional
/// UPDATE, so that of two acts racing on it the second finds it closed
/// (`invitation_invalid`).
async fn close_pending(txn: &sea_orm::DatabaseTransaction, id: Uuid, column: staff_invitation::Column, now: DateTime<Utc>) -> Result<()> {
    let closed = staff_invitation::Entity::update_many()
        .col_expr(column, Expr::value(now))
        .filter(staff_invitation::Column::Id.eq(id))
        .filter(staff_invitation::Column::AcceptedAt.is_null())
        .filter(staff_invitation::Column::RevokedAt.is_null())
        .filter(staff_invitation::Column::ExpiresAt.gt(now))
        .exec(txn)
        .await?;
    if closed.rows_affected != 1 {
        return Err(Error::code(ErrorCode::InvitationInvalid));
    }
    Ok(())
}

/// A condition on `practitioner_facilities`: the links where the
/// practitioner still practises — not the one to the facility that
/// deactivated the practitioner's account (there they are no longer
/// listed, nor given a schedule). One `NOT EXISTS` in the query, so no
/// list of deactivated accounts is loaded.
pub(crate) fn practising() -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::Query;
    let link = practitioner_facility::Entity;
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(practitioner::Entity)
            .inner_join(user::Entity, Expr::col((user::Entity, user::Column::Id)).equals((practitioner::Entity, practitioner::Column::UserId)))
            .and_where(Expr::col((practitioner::Entity, practitioner::Column::Id)).equals((link, practitioner_facility::Column::PractitionerId)))
            .and_where(Expr::col((user::Entity, user::Column::DeactivatedAt)).is_not_null())
            .and_where(Expr::col((user::Entity, user::Column::FacilityId)).equals((link, practitioner_facility::Column::FacilityId)))
            .to_owned(),
    )
    .not()
}
