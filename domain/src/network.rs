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
use shared::dto::{AuditOut, FacilityAdminOut, FacilityFields, FacilityIn, NewSpecialtyIn, Page, PageAt, SpecialtyIn, SpecialtyOut};
use shared::{AdminAction, ErrorCode, FacilityId, FacilityKind, FieldError, SpecialtyId};
use std::collections::HashMap;
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
/// already offers is left as it is). Idempotent.
pub async fn join_facility<C: ConnectionTrait>(db: &C, practitioner: &practitioner::Model, facility: FacilityId) -> Result<()> {
    use sea_orm::sea_query::OnConflict;
    let link = practitioner_facility::Entity::insert(practitioner_facility::ActiveModel { facility_id: Set(facility), practitioner_id: Set(practitioner.id) })
        .on_conflict(OnConflict::columns([practitioner_facility::Column::FacilityId, practitioner_facility::Column::PractitionerId]).do_nothing().to_owned())
        .exec(db)
        .await;
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
    Ok(())
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
        Ok(at.page(
            rows.into_iter()
                .filter_map(|r| {
                    let subject_name = match r.target_user_id {
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

fn specialty_out(m: &specialty::Model) -> SpecialtyOut {
    SpecialtyOut {
        code: m.code.clone(),
        name_ar: m.name_ar.clone(),
        name_fr: m.name_fr.clone(),
        name_en: m.name_en.clone(),
        referral_required: m.referral_required,
    }
}
