//! The network run in the product: the health directorate of a wilaya
//! opens, changes and closes its facilities — kind, names, commune,
//! address, phone, opening hours, coordinates — and sets the specialties
//! each offers. Every act is in the admin audit log with the record before
//! and after, which the directorate reads.
//!
//! A closed facility (`active` false) leaves the directory and searches;
//! what was booked there stays, for the desk to honour or move.

use crate::entities::{admin_audit, commune, facility, facility_specialty, practitioner, practitioner_facility, specialty, user};
use crate::services::Network;
use crate::{Actor, Error, Result};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::dto::{
    AuditOut, FacilityAdminOut, FacilityFields, FacilityIn, NewSpecialtyIn, Page, PageAt, PostEndOut, PostIn, PostOut, PractitionerPostsOut, SpecialtyIn,
    SpecialtyOut,
};
use shared::{AdminAction, ErrorCode, FacilityId, FacilityKind, FieldError, PractitionerId, SpecialtyId};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

fn admin_out(f: &facility::Model, specialties: Vec<String>) -> FacilityAdminOut {
    FacilityAdminOut {
        id: f.id,
        kind: FacilityKind::parse(&f.kind).unwrap_or(FacilityKind::Polyclinic),
        name_ar: f.name_ar.clone(),
        name_fr: f.name_fr.clone(),
        wilaya_code: f.wilaya_code.clone(),
        commune_id: f.commune_id,
        address: f.address.clone(),
        phone: f.phone.clone(),
        opens_at: f.opens_at.clone(),
        closes_at: f.closes_at.clone(),
        open_days: f.open_days.bytes().map(|b| b - b'0').collect(),
        latitude: f.latitude,
        longitude: f.longitude,
        specialties,
        active: f.active,
    }
}

/// The codes of the specialties each facility offers, sorted.
pub(crate) async fn offered_codes<C: ConnectionTrait>(db: &C, facilities: &[FacilityId]) -> Result<HashMap<FacilityId, Vec<String>>> {
    if facilities.is_empty() {
        return Ok(HashMap::new());
    }
    let codes: HashMap<SpecialtyId, String> = specialty::Entity::find().all(db).await?.into_iter().map(|s| (s.id, s.code)).collect();
    let mut out: HashMap<FacilityId, Vec<String>> = HashMap::new();
    for row in facility_specialty::Entity::find().filter(facility_specialty::Column::FacilityId.is_in(facilities.to_vec())).all(db).await? {
        if let Some(code) = codes.get(&row.specialty_id) {
            out.entry(row.facility_id).or_default().push(code.clone());
        }
    }
    for list in out.values_mut() {
        list.sort();
    }
    Ok(out)
}

/// A practitioner starts working at a facility: the link, and the
/// facility offers the practitioner's specialty from then on (what it
/// already offers is left as it is). Idempotent: whether the link is new.
pub async fn join_facility<C: ConnectionTrait>(db: &C, practitioner: &practitioner::Model, facility: FacilityId) -> Result<bool> {
    use sea_orm::sea_query::OnConflict;
    let link = practitioner_facility::Entity::insert(practitioner_facility::ActiveModel { facility_id: Set(facility), practitioner_id: Set(practitioner.id) })
        .on_conflict(OnConflict::columns([practitioner_facility::Column::FacilityId, practitioner_facility::Column::PractitionerId]).do_nothing().to_owned())
        .exec(db)
        .await;
    let new = match &link {
        Ok(_) => true,
        Err(sea_orm::DbErr::RecordNotInserted) => false,
        Err(_) => true,
    };
    let offer = match link {
        Ok(_) | Err(sea_orm::DbErr::RecordNotInserted) => {
            facility_specialty::Entity::insert(facility_specialty::ActiveModel { facility_id: Set(facility), specialty_id: Set(practitioner.specialty_id) })
                .on_conflict(OnConflict::columns([facility_specialty::Column::FacilityId, facility_specialty::Column::SpecialtyId]).do_nothing().to_owned())
                .exec(db)
                .await
                .map(|_| ())
        }
        Err(e) => Err(e),
    };
    match offer {
        Ok(()) | Err(sea_orm::DbErr::RecordNotInserted) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(new)
}

impl Network {
    /// The communes of the administrator's wilaya, by French name (for the facility form).
    pub async fn communes(&self, actor: &Actor) -> Result<Vec<shared::dto::CommuneOut>> {
        let wilaya = actor.health_wilaya()?;
        Ok(commune::Entity::find()
            .filter(commune::Column::WilayaCode.eq(wilaya))
            .order_by_asc(commune::Column::NameFr)
            .all(self.core.db())
            .await?
            .into_iter()
            .map(crate::booking::directory::commune_out)
            .collect())
    }

    /// The facilities of the administrator's wilaya, open and closed, by French name.
    pub async fn facilities(&self, actor: &Actor) -> Result<Vec<FacilityAdminOut>> {
        let wilaya = actor.health_wilaya()?;
        let db = self.core.db();
        let rows = facility::Entity::find().filter(facility::Column::WilayaCode.eq(wilaya)).order_by_asc(facility::Column::NameFr).all(db).await?;
        let mut offered = offered_codes(db, &rows.iter().map(|f| f.id).collect::<Vec<_>>()).await?;
        Ok(rows.iter().map(|f| admin_out(f, offered.remove(&f.id).unwrap_or_default())).collect())
    }

    /// The commune (of the administrator's wilaya) and the specialties a
    /// facility's fields name, or every field they get wrong.
    async fn resolve<C: ConnectionTrait>(&self, db: &C, wilaya: &str, f: &FacilityFields) -> Result<Vec<SpecialtyId>> {
        let mut errors = Vec::new();
        let commune = commune::Entity::find_by_id(f.commune_id).one(db).await?;
        if commune.is_none_or(|c| c.wilaya_code != wilaya) {
            errors.push(FieldError::new("commune_id", ErrorCode::NotFound));
        }
        let known: HashMap<String, SpecialtyId> = specialty::Entity::find().all(db).await?.into_iter().map(|s| (s.code, s.id)).collect();
        let mut ids = Vec::new();
        for code in &f.specialties {
            match known.get(code) {
                Some(id) => ids.push(*id),
                None => errors.push(FieldError::new("specialties", ErrorCode::NotFound)),
            }
        }
        if errors.is_empty() {
            Ok(ids)
        } else {
            Err(Error::fields(errors))
        }
    }

    /// Opens a facility in the administrator's wilaya.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn create_facility(&self, actor: &Actor, input: &FacilityIn) -> Result<FacilityAdminOut> {
        let wilaya = actor.health_wilaya()?.to_owned();
        let f = input.validate().map_err(Error::fields)?;
        let txn = self.core.begin_write().await?;
        let specialties = self.resolve(&txn, &wilaya, &f).await?;
        let now = self.core.clock().now();
        let row = facility::ActiveModel {
            id: Set(FacilityId(Uuid::new_v4())),
            kind: Set(f.kind.code().to_owned()),
            name_ar: Set(f.name_ar.clone()),
            name_fr: Set(f.name_fr.clone()),
            wilaya_code: Set(wilaya),
            commune_id: Set(Some(f.commune_id)),
            address: Set(f.address.clone()),
            phone: Set(f.phone.clone()),
            created_at: Set(now),
            active: Set(true),
            opens_at: Set(f.opens_at.format("%H:%M").to_string()),
            closes_at: Set(f.closes_at.format("%H:%M").to_string()),
            open_days: Set(f.open_days.clone()),
            latitude: Set(f.position.map(|p| p.0)),
            longitude: Set(f.position.map(|p| p.1)),
        }
        .insert(&txn)
        .await?;
        self.set_specialties(&txn, row.id, &specialties).await?;
        let after = admin_out(&row, f.specialties.clone());
        self.audit(&txn, actor, AdminAction::FacilityCreated, &row, None, Some(&after)).await?;
        txn.commit().await?;
        self.core.search_answers().changed(crate::booking::answers::Change::Everything);
        Ok(after)
    }

    /// Changes a facility of the administrator's wilaya (its wilaya stays).
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn update_facility(&self, actor: &Actor, id: FacilityId, input: &FacilityIn) -> Result<FacilityAdminOut> {
        let wilaya = actor.health_wilaya()?.to_owned();
        let f = input.validate().map_err(Error::fields)?;
        let txn = self.core.begin_write().await?;
        let old = self.own(&txn, &wilaya, id).await?;
        let specialties = self.resolve(&txn, &wilaya, &f).await?;
        let before = admin_out(&old, offered_codes(&txn, &[id]).await?.remove(&id).unwrap_or_default());
        let mut m: facility::ActiveModel = old.into();
        m.kind = Set(f.kind.code().to_owned());
        m.name_ar = Set(f.name_ar.clone());
        m.name_fr = Set(f.name_fr.clone());
        m.commune_id = Set(Some(f.commune_id));
        m.address = Set(f.address.clone());
        m.phone = Set(f.phone.clone());
        m.opens_at = Set(f.opens_at.format("%H:%M").to_string());
        m.closes_at = Set(f.closes_at.format("%H:%M").to_string());
        m.open_days = Set(f.open_days.clone());
        m.latitude = Set(f.position.map(|p| p.0));
        m.longitude = Set(f.position.map(|p| p.1));
        let row = m.update(&txn).await?;
        self.set_specialties(&txn, id, &specialties).await?;
        let after = admin_out(&row, f.specialties.clone());
        self.audit(&txn, actor, AdminAction::FacilityUpdated, &row, Some(&before), Some(&after)).await?;
        txn.commit().await?;
        self.core.search_answers().changed(crate::booking::answers::Change::Everything);
        Ok(after)
    }

    /// Closes a facility (out of the directory and searches) or opens it again.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn set_active(&self, actor: &Actor, id: FacilityId, active: bool) -> Result<FacilityAdminOut> {
        let wilaya = actor.health_wilaya()?.to_owned();
        let txn = self.core.begin_write().await?;
        let old = self.own(&txn, &wilaya, id).await?;
        let specialties = offered_codes(&txn, &[id]).await?.remove(&id).unwrap_or_default();
        let before = admin_out(&old, specialties.clone());
        if old.active == active {
            return Ok(before);
        }
        let mut m: facility::ActiveModel = old.into();
        m.active = Set(active);
        let row = m.update(&txn).await?;
        let after = admin_out(&row, specialties);
        let action = if active { AdminAction::FacilityReactivated } else { AdminAction::FacilityDeactivated };
        self.audit(&txn, actor, action, &row, Some(&before), Some(&after)).await?;
        txn.commit().await?;
        self.core.search_answers().changed(crate::booking::answers::Change::Everything);
        Ok(after)
    }

    /// The administrative acts on the facilities of the administrator's
    /// wilaya (and on its staff), on the directorate's own members, and on
    /// the national catalogue, newest first.
    pub async fn audit_log(&self, actor: &Actor, at: PageAt) -> Result<Page<AuditOut>> {
        let wilaya = actor.health_wilaya()?;
        let db = self.core.db();
        let here: HashMap<FacilityId, String> =
            facility::Entity::find().filter(facility::Column::WilayaCode.eq(wilaya)).all(db).await?.into_iter().map(|f| (f.id, f.name_fr)).collect();
        let rows = admin_audit::Entity::find()
            .filter(
                sea_orm::Condition::any()
                    .add(admin_audit::Column::FacilityId.is_in(here.keys().copied().collect::<Vec<_>>()))
                    // The catalogue is national: every directorate reads its changes.
                    .add(admin_audit::Column::SubjectKind.eq("specialty"))
                    // This directorate's acts about no facility: on its own
                    // members (the wilaya it acted for is kept on the row, so
                    // a member moving to another wilaya takes nothing along).
                    .add(sea_orm::Condition::all().add(admin_audit::Column::WilayaCode.eq(wilaya)).add(admin_audit::Column::FacilityId.is_null())),
            )
            .order_by_desc(admin_audit::Column::At)
            .order_by_desc(admin_audit::Column::Id)
            .offset(at.offset)
            .limit(at.limit + 1)
            .all(db)
            .await?;
        let names: HashMap<_, _> = user::Entity::find()
            .filter(user::Column::Id.is_in(rows.iter().flat_map(|r| [Some(r.actor_id), r.target_user_id]).flatten().collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, crate::booking::full_name(&u.given_name, &u.family_name)))
            .collect();
        let specialty_codes: Vec<String> =
            rows.iter().filter(|r| r.subject_kind.as_deref() == Some("specialty")).filter_map(|r| r.subject_id.clone()).collect();
        let specialty_names: HashMap<String, String> = if specialty_codes.is_empty() {
            HashMap::new()
        } else {
            specialty::Entity::find().filter(specialty::Column::Code.is_in(specialty_codes)).all(db).await?.into_iter().map(|s| (s.code, s.name_fr)).collect()
        };
        let practitioner_ids: Vec<PractitionerId> = rows
            .iter()
            .filter(|r| r.subject_kind.as_deref() == Some("practitioner"))
            .filter_map(|r| r.subject_id.as_deref().and_then(|id| Uuid::try_parse(id).ok()).map(PractitionerId))
            .collect();
        let practitioner_names: HashMap<String, String> = if practitioner_ids.is_empty() {
            HashMap::new()
        } else {
            practitioner::Entity::find()
                .filter(practitioner::Column::Id.is_in(practitioner_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|p| (p.id.to_string(), crate::booking::full_name(&p.given_name, &p.family_name)))
                .collect()
        };
        Ok(at.page(
            rows.into_iter()
                .filter_map(|r| {
                    let subject_name = match r.target_user_id {
                        _ if r.subject_kind.as_deref() == Some("practitioner") => {
                            r.subject_id.as_ref().and_then(|id| practitioner_names.get(id).cloned()).unwrap_or_default()
                        }
                        Some(u) if r.subject_kind.is_none() => names.get(&u).cloned().unwrap_or_default(),
                        _ if r.subject_kind.as_deref() == Some("specialty") => {
                            r.subject_id.as_ref().map(|c| specialty_names.get(c).cloned().unwrap_or_else(|| c.clone())).unwrap_or_default()
                        }
                        _ => r.facility_id.and_then(|f| here.get(&f).cloned()).unwrap_or_default(),
                    };
                    Some(AuditOut {
                        at: r.at,
                        actor_name: names.get(&r.actor_id).cloned().unwrap_or_default(),
                        action: AdminAction::parse(&r.action)?,
                        subject_kind: r.subject_kind.unwrap_or_else(|| "account".to_owned()),
                        subject_id: r.subject_id.or(r.target_user_id.map(|u| u.to_string())).unwrap_or_default(),
                        subject_name,
                        before: r.before,
                        after: r.after,
                    })
                })
                .collect(),
        ))
    }

    /// Changes a specialty of the catalogue: its names in three languages
    /// and whether it is booked only with a referral. The catalogue is
    /// national: any wilaya's directorate edits it, and every directorate
    /// reads the act in its log. Searches and bookings follow at once (the
    /// public directory's answers may be cached five minutes).
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn update_specialty(&self, actor: &Actor, code: &str, input: &SpecialtyIn) -> Result<SpecialtyOut> {
        actor.health_wilaya()?;
        let s = input.validate().map_err(Error::fields)?;
        let txn = self.core.begin_write().await?;
        let old = specialty::Entity::find().filter(specialty::Column::Code.eq(code)).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let before = specialty_out(&old);
        let mut row: specialty::ActiveModel = old.clone().into();
        row.name_ar = Set(s.name_ar);
        row.name_fr = Set(s.name_fr);
        row.name_en = Set(s.name_en);
        row.referral_required = Set(s.referral_required);
        let after = specialty_out(&row.update(&txn).await?);
        if after != before {
            self.specialty_audit(&txn, actor, AdminAction::SpecialtyUpdated, Some(&before), &after).await?;
        }
        txn.commit().await?;
        self.core.search_answers().changed(crate::booking::answers::Change::Everything);
        Ok(after)
    }

    /// Adds a specialty to the national catalogue (any directorate; every
    /// directorate reads the act). Its code is for good: apps and links
    /// name it. Facilities then offer it from their form.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn create_specialty(&self, actor: &Actor, input: &NewSpecialtyIn) -> Result<SpecialtyOut> {
        actor.health_wilaya()?;
        let (code, s) = input.validate().map_err(Error::fields)?;
        let taken = || Error::fields(vec![shared::FieldError::new("code", ErrorCode::CodeTaken)]);
        let txn = self.core.begin_write().await?;
        if specialty::Entity::find().filter(specialty::Column::Code.eq(code.as_str())).one(&txn).await?.is_some() {
            return Err(taken());
        }
        let row = specialty::ActiveModel {
            id: Set(shared::SpecialtyId(Uuid::new_v4())),
            code: Set(code),
            name_ar: Set(s.name_ar),
            name_fr: Set(s.name_fr),
            name_en: Set(s.name_en),
            referral_required: Set(s.referral_required),
        }
        .insert(&txn)
        .await
        .map_err(|e| match e.sql_err() {
            // Two directorates adding the same code at once.
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => taken(),
            _ => Error::Db(e),
        })?;
        let after = specialty_out(&row);
        self.specialty_audit(&txn, actor, AdminAction::SpecialtyCreated, None, &after).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// An act on the catalogue in the admin audit log (every directorate reads it).
    async fn specialty_audit(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        actor: &Actor,
        action: AdminAction,
        before: Option<&SpecialtyOut>,
        after: &SpecialtyOut,
    ) -> Result<()> {
        admin_audit::ActiveModel {
            id: Set(Uuid::new_v4()),
            at: Set(self.core.clock().now()),
            actor_id: Set(actor.user_id),
            action: Set(action.code().to_owned()),
            target_user_id: Set(None),
            facility_id: Set(None),
            subject_kind: Set(Some("specialty".to_owned())),
            subject_id: Set(Some(after.code.clone())),
            before: Set(before.and_then(|b| serde_json::to_string(b).ok())),
            after: Set(serde_json::to_string(after).ok()),
            wilaya_code: Set(actor.wilaya_code.clone()),
        }
        .insert(txn)
        .await?;
        Ok(())
    }

    /// A facility of the administrator's wilaya; any other is not found.
    async fn own<C: ConnectionTrait>(&self, db: &C, wilaya: &str, id: FacilityId) -> Result<facility::Model> {
        facility::Entity::find_by_id(id).filter(facility::Column::WilayaCode.eq(wilaya)).one(db).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))
    }

    async fn set_specialties<C: ConnectionTrait>(&self, db: &C, id: FacilityId, specialties: &[SpecialtyId]) -> Result<()> {
        facility_specialty::Entity::delete_many().filter(facility_specialty::Column::FacilityId.eq(id)).exec(db).await?;
        if !specialties.is_empty() {
            facility_specialty::Entity::insert_many(
                specialties.iter().map(|s| facility_specialty::ActiveModel { facility_id: Set(id), specialty_id: Set(*s) }),
            )
            .exec(db)
            .await?;
        }
        Ok(())
    }

    async fn audit<C: ConnectionTrait>(
        &self,
        db: &C,
        actor: &Actor,
        action: AdminAction,
        f: &facility::Model,
        before: Option<&FacilityAdminOut>,
        after: Option<&FacilityAdminOut>,
    ) -> Result<()> {
        let json = |v: Option<&FacilityAdminOut>| v.and_then(|v| serde_json::to_string(v).ok());
        admin_audit::ActiveModel {
            id: Set(Uuid::new_v4()),
            at: Set(self.core.clock().now()),
            actor_id: Set(actor.user_id),
            action: Set(action.code().to_owned()),
            target_user_id: Set(None),
            facility_id: Set(Some(f.id)),
            subject_kind: Set(Some("facility".to_owned())),
            subject_id: Set(Some(f.id.to_string())),
            before: Set(json(before)),
            after: Set(json(after)),
            wilaya_code: Set(actor.wilaya_code.clone()),
        }
        .insert(db)
        .await?;
        Ok(())
    }
}

/// Where practitioners work: the directorate posts a practitioner to one
/// more facility of its wilaya (the facility then offers their specialty:
/// the directorate sets what its facilities offer) and ends such a post
/// (their schedule there ends as at a deactivation). Their home facility —
/// the one whose staff their account is — they leave by deactivation only.
impl Network {
    /// The practitioners who work at a facility of the directorate's
    /// wilaya, by name, each with every facility where they work (in any
    /// wilaya). Paged in memory: bounded by one wilaya's practitioners.
    pub async fn practitioner_posts(&self, actor: &Actor, at: PageAt) -> Result<Page<PractitionerPostsOut>> {
        let wilaya = actor.health_wilaya()?;
        let db = self.core.db();
        let here: Vec<FacilityId> = facility::Entity::find().filter(facility::Column::WilayaCode.eq(wilaya)).all(db).await?.into_iter().map(|f| f.id).collect();
        let ids: HashSet<PractitionerId> = practitioner_facility::Entity::find()
            .filter(practitioner_facility::Column::FacilityId.is_in(here))
            .all(db)
            .await?
            .into_iter()
            .map(|l| l.practitioner_id)
            .collect();
        let people = practitioner::Entity::find()
            .filter(practitioner::Column::Id.is_in(ids))
            .order_by_asc(practitioner::Column::FamilyName)
            .order_by_asc(practitioner::Column::GivenName)
            .order_by_asc(practitioner::Column::Id)
            .all(db)
            .await?;
        let page = at.slice(people);
        let items = self.posts_of(db, page.items).await?;
        Ok(Page { items, next_cursor: page.next_cursor })
    }

    /// Each practitioner with the facilities where they work.
    async fn posts_of<C: ConnectionTrait>(&self, db: &C, people: Vec<practitioner::Model>) -> Result<Vec<PractitionerPostsOut>> {
        let links = practitioner_facility::Entity::find()
            .filter(practitioner_facility::Column::PractitionerId.is_in(people.iter().map(|p| p.id).collect::<Vec<_>>()))
            .all(db)
            .await?;
        let places = crate::booking::load_map::<facility::Entity, _, _, _>(
            db,
            facility::Column::Id,
            links.iter().map(|l| l.facility_id).collect::<HashSet<_>>().into_iter().collect(),
            |f| f.id,
        )
        .await?;
        let homes: HashMap<shared::UserId, Option<FacilityId>> = user::Entity::find()
            .filter(user::Column::Id.is_in(people.iter().filter_map(|p| p.user_id).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.facility_id))
            .collect();
        let codes: HashMap<SpecialtyId, String> = specialty::Entity::find().all(db).await?.into_iter().map(|s| (s.id, s.code)).collect();
        Ok(people
            .into_iter()
            .map(|p| {
                let home = p.user_id.and_then(|u| homes.get(&u).copied().flatten());
                let mut posts: Vec<PostOut> = links
                    .iter()
                    .filter(|l| l.practitioner_id == p.id)
                    .filter_map(|l| places.get(&l.facility_id))
                    .map(|f| PostOut {
                        facility_id: f.id,
                        name_ar: f.name_ar.clone(),
                        name_fr: f.name_fr.clone(),
                        wilaya_code: f.wilaya_code.clone(),
                        home: home == Some(f.id),
                    })
                    .collect();
                posts.sort_by(|a, b| (!a.home, &a.name_fr).cmp(&(!b.home, &b.name_fr)));
                PractitionerPostsOut {
                    id: p.id,
                    name: crate::booking::full_name(&p.given_name, &p.family_name),
                    specialty: codes.get(&p.specialty_id).cloned().unwrap_or_default(),
                    posts,
                }
            })
            .collect())
    }

    /// Posts a practitioner to one more open facility of the directorate's
    /// wilaya (another wilaya's, or a closed one, is not found on the
    /// field). Posting them where they already work changes nothing.
    #[tracing::instrument(skip_all, fields(actor = %actor.user_id))]
    pub async fn post_practitioner(&self, actor: &Actor, id: PractitionerId, input: &PostIn) -> Result<PractitionerPostsOut> {
        let wilaya = actor.health_wilaya()?;
        let txn = self.core.begin_write().await?;
        let p = practitioner::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let f = facility::Entity::find_by_id(input.facility_id)
            .filter(facility::Column::WilayaCode.eq(wilaya))
            .filter(facility::Column::Active.eq(true))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::on_field("facility_id", ErrorCode::NotFound))?;
        // A deactivated account is not put back to work elsewhere.
        if let Some(u) = p.user_id {
            if user::Entity::find_by_id(u).one(&txn).await?.is_some_and(|u| u.deactivated_at.is_some()) {
                return Err(Error::code(ErrorCode::AccountDeactivated));
            }
        }
        // The insert decides (two posts at once write one act).
        if join_facility(&txn, &p, f.id).await? {
            let after = serde_json::json!({ "practitioner": crate::booking::full_name(&p.given_name, &p.family_name), "facility": f.name_fr });
            self.post_audit(&txn, actor, AdminAction::PractitionerPosted, &p, &f, after).await?;
        }
        let out = self.posts_of(&txn, vec![p]).await?.pop().ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        txn.commit().await?;
        self.core.search_answers().changed(crate::booking::answers::Change::Everything);
        Ok(out)
    }

    /// Ends a practitioner's post at a facility of the directorate's
    /// wilaya: they leave its directory and desk lists, their templates
    /// there end and their free slots close; the appointments still booked
    /// there stay, for its desk to move (counted here, named at the desk).
    /// Their home facility is refused (`403` on the field): that is a
    /// deactivation, by its administrator.
    #[tracing::instrument(skip_all, fields(actor = %actor.user_id))]
    pub async fn end_post(&self, actor: &Actor, id: PractitionerId, facility_id: FacilityId) -> Result<PostEndOut> {
        let wilaya = actor.health_wilaya()?;
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let f = self.own(&txn, wilaya, facility_id).await?;
        let p = practitioner::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        if let Some(u) = p.user_id {
            let home = user::Entity::find_by_id(u).one(&txn).await?.and_then(|u| u.facility_id);
            if home == Some(f.id) {
                return Err(Error::on_field("facility_id", ErrorCode::Forbidden));
            }
        }
        // Nor their last place (a profile without an account has no home):
        // they would vanish from every list, this one included.
        let places = practitioner_facility::Entity::find().filter(practitioner_facility::Column::PractitionerId.eq(p.id)).all(&txn).await?;
        if places.len() <= 1 && places.iter().any(|l| l.facility_id == f.id) {
            return Err(Error::on_field("facility_id", ErrorCode::Forbidden));
        }
        // Claimed by the delete: of two clicks at once, the second finds nothing.
        let gone = practitioner_facility::Entity::delete_by_id((f.id, p.id)).exec(&txn).await?;
        if gone.rows_affected == 0 {
            return Err(Error::code(ErrorCode::NotFound));
        }
        let (slots_closed, conflicts) = self.core.end_practice(&txn, f.id, vec![p.id], now).await?;
        let out = PostEndOut { slots_closed, appointments_to_move: conflicts.len() as u64 };
        let after = serde_json::json!({ "practitioner": crate::booking::full_name(&p.given_name, &p.family_name), "facility": f.name_fr,
            "slots_closed": out.slots_closed, "appointments_to_move": out.appointments_to_move });
        self.post_audit(&txn, actor, AdminAction::PostEnded, &p, &f, after).await?;
        txn.commit().await?;
        self.core.search_answers().changed(crate::booking::answers::Change::Everything);
        Ok(out)
    }

    async fn post_audit(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        actor: &Actor,
        action: AdminAction,
        p: &practitioner::Model,
        f: &facility::Model,
        after: serde_json::Value,
    ) -> Result<()> {
        admin_audit::ActiveModel {
            id: Set(Uuid::new_v4()),
            at: Set(self.core.clock().now()),
            actor_id: Set(actor.user_id),
            action: Set(action.code().to_owned()),
            target_user_id: Set(p.user_id),
            facility_id: Set(Some(f.id)),
            subject_kind: Set(Some("practitioner".to_owned())),
            subject_id: Set(Some(p.id.to_string())),
            before: Set(None),
            after: Set(Some(after.to_string())),
            wilaya_code: Set(actor.wilaya_code.clone()),
        }
        .insert(txn)
        .await?;
        Ok(())
    }
}

fn specialty_out(m: &specialty::Model) -> SpecialtyOut {
    SpecialtyOut {
        code: m.code.clone(),
        name_ar: m.name_ar.clone(),
        name_fr: m.name_fr.clone(),
        name_en: m.name_en.clone(),
        referral_required: m.referral_required,
    }
}
