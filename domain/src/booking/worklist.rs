//! The referral worklist: patients referred to a specialty who still have
//! no appointment for it after `SIHATI_REFERRAL_FOLLOW_UP_DAYS`, listed for
//! the desks of the wilaya where they were referred — the desks whose
//! polyclinic offers that specialty — urgent referrals first, then the
//! longest waiting. The list names nobody: these are patients of other
//! polyclinics. A desk takes one on to book it, and only then does the
//! patient come up, as from a NIN look-up, logged in their access log.

use super::load_map;
use crate::entities::{appointment, dependant, facility, facility_specialty, referral, specialty, user};
use crate::services::Referrals;
use crate::{Actor, Error, Result};
use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::dto::{PersonOut, ReferralWorkOut};
use shared::{AppointmentStatus, ErrorCode, FacilityId, ReferralId, ReferralPriority, Role, SpecialtyId};

/// Where a desk's worklist looks: the polyclinics of its wilaya, and the
/// specialties its own polyclinic offers.
struct Scope {
    facilities: Vec<FacilityId>,
    specialties: Vec<SpecialtyId>,
}

impl Referrals {
    async fn scope(&self, facility_id: FacilityId) -> Result<Scope> {
        let db = self.core.db();
        let here = facility::Entity::find_by_id(facility_id).one(db).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let facilities = facility::Entity::find().filter(facility::Column::WilayaCode.eq(here.wilaya_code)).all(db).await?.into_iter().map(|f| f.id).collect();
        let specialties = facility_specialty::Entity::find()
            .filter(facility_specialty::Column::FacilityId.eq(facility_id))
            .all(db)
            .await?
            .into_iter()
            .map(|o| o.specialty_id)
            .collect();
        Ok(Scope { facilities, specialties })
    }

    /// The unused, unexpired referrals in the desk's scope, made before `made_before`.
    async fn open_referrals(&self, scope: &Scope, made_before: chrono::DateTime<chrono::Utc>) -> Result<Vec<referral::Model>> {
        if scope.specialties.is_empty() {
            return Ok(Vec::new());
        }
        Ok(referral::Entity::find()
            .filter(referral::Column::FacilityId.is_in(scope.facilities.clone()))
            .filter(referral::Column::SpecialtyId.is_in(scope.specialties.clone()))
            .filter(referral::Column::UsedByAppointmentId.is_null())
            .filter(referral::Column::ExpiresOn.gte(self.core.today()))
            .filter(referral::Column::CreatedAt.lte(made_before))
            .all(self.core.db())
            .await?)
    }

    /// The referrals of the desk's scope still waiting: past the follow-up
    /// delay, and whose patient has no appointment in that specialty —
    /// booked or pending, or one already seen since the referral.
    async fn waiting(&self, scope: &Scope) -> Result<Vec<referral::Model>> {
        let now = self.core.clock().now();
        let delay = Duration::days(i64::from(self.core.config().floor.referral_follow_up_days));
        let referrals = self.open_referrals(scope, now - delay).await?;
        if referrals.is_empty() {
            return Ok(referrals);
        }
        let appointments = appointment::Entity::find()
            .filter(appointment::Column::SubjectId.is_in(referrals.iter().map(|r| r.subject_id).collect::<Vec<_>>()))
            .filter(appointment::Column::Status.is_in([AppointmentStatus::Booked, AppointmentStatus::Pending, AppointmentStatus::Fulfilled]))
            .all(self.core.db())
            .await?;
        let answered = |r: &referral::Model| {
            appointments
                .iter()
                .any(|a| super::subject_of(a) == r.subject_id && a.specialty_id == r.specialty_id && (a.status.holds_slot() || a.created_at >= r.created_at))
        };
        Ok(referrals.into_iter().filter(|r| !answered(r)).collect())
    }

    /// The desk's worklist, naming nobody (see the module).
    pub async fn worklist(&self, actor: &Actor) -> Result<Vec<ReferralWorkOut>> {
        let scope = self.scope(actor.desk_facility()?).await?;
        let db = self.core.db();
        let now = self.core.clock().now();
        let waiting = self.waiting(&scope).await?;
        let specialties = load_map::<specialty::Entity, _, _, _>(db, specialty::Column::Id, waiting.iter().map(|r| r.specialty_id).collect(), |s| s.id).await?;
        let facilities = load_map::<facility::Entity, _, _, _>(db, facility::Column::Id, waiting.iter().map(|r| r.facility_id).collect(), |f| f.id).await?;
        let mut out: Vec<ReferralWorkOut> = waiting
            .iter()
            .map(|r| {
                let s = specialties.get(&r.specialty_id);
                let f = facilities.get(&r.facility_id);
                ReferralWorkOut {
                    referral_id: r.id,
                    specialty: s.map(|s| s.code.clone()).unwrap_or_default(),
                    specialty_name_ar: s.map(|s| s.name_ar.clone()).unwrap_or_default(),
                    specialty_name_fr: s.map(|s| s.name_fr.clone()).unwrap_or_default(),
                    priority: r.priority,
                    referred_on: shared::time::algiers_date(r.created_at),
                    expires_on: r.expires_on,
                    referred_by_ar: f.map(|f| f.name_ar.clone()).unwrap_or_default(),
                    referred_by_fr: f.map(|f| f.name_fr.clone()).unwrap_or_default(),
                    days_waiting: (now - r.created_at).num_days(),
                }
            })
            .collect();
        out.sort_by_key(|w| (w.priority != ReferralPriority::Urgent, w.referred_on));
        Ok(out)
    }

    /// Takes on a referral of the worklist to book it: the patient as the
    /// desk's NIN look-up gives them (the referred dependant chosen),
    /// logged in each shown person's access log. A referral the worklist
    /// does not list (another scope, not due yet, used, expired, already
    /// answered): not found.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn worklist_patient(&self, actor: &Actor, id: ReferralId) -> Result<PersonOut> {
        let facility = actor.desk_facility()?;
        let scope = self.scope(facility).await?;
        let r = self.waiting(&scope).await?.into_iter().find(|r| r.id == id).ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let txn = self.core.begin_write().await?;
        let holder =
            user::Entity::find_by_id(r.holder_id).one(&txn).await?.filter(|u| u.role == Role::Citizen).ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let matched = match r.dependant_id {
            Some(d) => dependant::Entity::find_by_id(d).one(&txn).await?,
            None => None,
        };
        let out = self.core.desk_person(&txn, holder, matched, actor, facility, "referral").await?;
        txn.commit().await?;
        Ok(out)
    }
}
