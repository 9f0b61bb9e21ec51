//! Before the visit: the appointment's pass and what to bring.
//!
//! The pass is a QR code on the citizen's appointment page (and on the
//! page their confirmation's link opens): the desk's scan address with a
//! signed arrival code that names the appointment and nothing personal,
//! valid until the end of the appointment's day. The desk scans it (a
//! scanner types it into the floor page, or a phone opens the address)
//! and the patient arrives as from the day list.
//!
//! Pre-visit instructions: the identity card and the Chifa card always;
//! the referral letter for the specialties that need one; then the
//! network's rule for the specialty (set by the health directorate) and
//! the polyclinic's own (for all its specialties, or for one): previous
//! results, fasting, and a note in each language.

use super::Floor;
use crate::entities::{appointment, slot, specialty, visit_instruction};
use crate::{Actor, Core, Error, Result};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use shared::dto::{AppointmentPassOut, ArrivalIn, InstructionRuleOut, InstructionsIn, InstructionsOut, NoteOut, ScanIn, VisitOut};
use shared::{AppointmentId, AppointmentStatus, ErrorCode, FacilityId, FieldError, PreVisitItem, Role, SpecialtyId};
use std::collections::HashMap;
use uuid::Uuid;

/// The network's rules seeded with the reference data: specialty code,
/// previous results, fasting, note (fr, ar, en).
const SEEDED: &str = include_str!("../../seed/instructions.csv");

/// The name of a rule, one row per name.
fn scope(facility: Option<FacilityId>, specialty: Option<SpecialtyId>) -> String {
    match (facility, specialty) {
        (Some(f), Some(s)) => format!("facility:{f}:{s}"),
        (Some(f), None) => format!("facility:{f}"),
        (None, Some(s)) => format!("network:{s}"),
        (None, None) => "network".to_owned(),
    }
}

/// The arrival code in what a scanner read: the address's `scan`
/// parameter, or the text itself when it is the code alone.
pub(crate) fn scanned_code(text: &str) -> &str {
    let t = text.trim();
    let t = match t.find("scan=") {
        Some(i) => &t[i + "scan=".len()..],
        None => t.rsplit('/').next().unwrap_or(t),
    };
    t.split(['&', '#']).next().unwrap_or_default().trim()
}

fn note(r: &visit_instruction::Model) -> NoteOut {
    NoteOut { ar: r.note_ar.clone(), fr: r.note_fr.clone(), en: r.note_en.clone() }
}

impl Core {
    /// What to bring and do before a visit to `specialty` at `facility`.
    pub(crate) async fn instructions_for<C: ConnectionTrait>(&self, db: &C, facility: FacilityId, specialty: SpecialtyId) -> Result<InstructionsOut> {
        let referral = specialty::Entity::find_by_id(specialty).one(db).await?.is_some_and(|s| s.referral_required);
        let mut rules = visit_instruction::Entity::find()
            .filter(visit_instruction::Column::Scope.is_in([scope(None, Some(specialty)), scope(Some(facility), None), scope(Some(facility), Some(specialty))]))
            .all(db)
            .await?;
        // The network's first, then the polyclinic's, the most specific last.
        rules.sort_by_key(|r| (r.facility_id.is_some(), r.specialty_id.is_some()));
        let mut items = vec![PreVisitItem::IdCard, PreVisitItem::ChifaCard];
        items.extend(referral.then_some(PreVisitItem::ReferralLetter));
        items.extend(rules.iter().any(|r| r.previous_results).then_some(PreVisitItem::PreviousResults));
        items.extend(rules.iter().any(|r| r.fasting).then_some(PreVisitItem::Fasting));
        let notes = rules.iter().map(note).filter(|n| !(n.ar.is_empty() && n.fr.is_empty() && n.en.is_empty())).collect();
        Ok(InstructionsOut { items, notes })
    }

    /// The appointment's QR code for the desk (its text and image), while
    /// it is booked (not waiting for the desk's confirmation, which could
    /// not arrive) and its day has not passed; empty otherwise.
    pub(crate) fn arrival_qr(&self, a: &appointment::Model, s: &slot::Model) -> Result<(String, String)> {
        if a.status != AppointmentStatus::Booked || shared::time::algiers_date(s.starts_at) < self.today() {
            return Ok((String::new(), String::new()));
        }
        let base = self.config().notify.public_url.trim_end_matches('/');
        let code = format!("{base}/floor?scan={}", self.arrival_token(a.id, s.starts_at));
        let image = super::checkin::qr_image(&code)?;
        Ok((code, image))
    }

    /// Seeds the network's pre-visit rules once (when there are none).
    pub async fn seed_instructions(&self) -> Result<()> {
        let db = self.db();
        if visit_instruction::Entity::find().one(db).await?.is_some() {
            return Ok(());
        }
        let specialties: HashMap<String, SpecialtyId> = specialty::Entity::find().all(db).await?.into_iter().map(|s| (s.code, s.id)).collect();
        let now = self.clock().now();
        let rows = csv::Reader::from_reader(SEEDED.as_bytes())
            .records()
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::Internal(format!("seed CSV: {e}")))?;
        let rows: Vec<_> = rows
            .iter()
            .filter_map(|r| {
                let s = *specialties.get(&r[0])?;
                Some(visit_instruction::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    scope: Set(scope(None, Some(s))),
                    facility_id: Set(None),
                    specialty_id: Set(Some(s)),
                    previous_results: Set(&r[1] == "1"),
                    fasting: Set(&r[2] == "1"),
                    note_fr: Set(r[3].to_owned()),
                    note_ar: Set(r[4].to_owned()),
                    note_en: Set(r[5].to_owned()),
                    updated_by: Set(None),
                    updated_at: Set(now),
                })
            })
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        // Two servers starting at once: the first one's rows stand.
        let done = visit_instruction::Entity::insert_many(rows)
            .on_conflict(OnConflict::column(visit_instruction::Column::Scope).do_nothing().to_owned())
            .exec(db)
            .await;
        match done {
            Ok(_) | Err(sea_orm::DbErr::RecordNotInserted) => {}
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }
}

impl Floor {
    /// The citizen's pass for one of their (or their dependants')
    /// appointments: the QR code the desk scans, and what to bring.
    pub async fn pass(&self, actor: &Actor, id: AppointmentId) -> Result<AppointmentPassOut> {
        actor.require_citizen()?;
        let db = self.core.db();
        let a = self.core.own_appointment(db, actor, id).await?;
        let s = slot::Entity::find_by_id(a.slot_id).one(db).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let (arrival_code, arrival_qr) = self.core.arrival_qr(&a, &s)?;
        let instructions = self.core.instructions_for(db, a.facility_id, a.specialty_id).await?;
        Ok(AppointmentPassOut { appointment: self.core.describe(&a, &s).await?, arrival_code, arrival_qr, instructions })
    }

    /// The desk scans an appointment's QR code: that patient arrives (at
    /// the desk's own facility, today), as from the day list.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn scan(&self, actor: &Actor, input: &ScanIn) -> Result<VisitOut> {
        actor.desk_facility()?;
        let id = self.core.arrival_of(scanned_code(&input.code))?;
        self.arrive(actor, id, &ArrivalIn { priority: input.priority.clone() }).await
    }

    /// The rules of pre-visit instructions the actor sets: the network's
    /// (health directorate) or their polyclinic's (its admin).
    pub async fn instruction_rules(&self, actor: &Actor) -> Result<Vec<InstructionRuleOut>> {
        let db = self.core.db();
        let rules = visit_instruction::Entity::find().filter(match self.rule_owner(actor)? {
            Some(f) => visit_instruction::Column::FacilityId.eq(f),
            None => visit_instruction::Column::FacilityId.is_null(),
        });
        let rules = rules.all(db).await?;
        let specialties =
            crate::booking::load_map::<specialty::Entity, _, _, _>(db, specialty::Column::Id, rules.iter().filter_map(|r| r.specialty_id).collect(), |s| s.id)
                .await?;
        let mut out: Vec<InstructionRuleOut> = rules
            .iter()
            .map(|r| {
                let s = r.specialty_id.and_then(|id| specialties.get(&id));
                InstructionRuleOut {
                    facility_id: r.facility_id,
                    specialty: s.map(|s| s.code.clone()).unwrap_or_default(),
                    specialty_name_ar: s.map(|s| s.name_ar.clone()).unwrap_or_default(),
                    specialty_name_fr: s.map(|s| s.name_fr.clone()).unwrap_or_default(),
                    previous_results: r.previous_results,
                    fasting: r.fasting,
                    note: note(r),
                    updated_at: r.updated_at,
                }
            })
            .collect();
        // The polyclinic's rule for all its specialties first, then by specialty.
        out.sort_by(|a, b| (!a.specialty.is_empty(), &a.specialty_name_fr).cmp(&(!b.specialty.is_empty(), &b.specialty_name_fr)));
        Ok(out)
    }

    /// Sets one rule (replacing the one of the same scope): the health
    /// directorate's for a specialty, or a polyclinic admin's for their
    /// polyclinic (all specialties, or one).
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn set_instructions(&self, actor: &Actor, input: &InstructionsIn) -> Result<()> {
        let facility = self.rule_owner(actor)?;
        input.validate().map_err(Error::fields)?;
        let db = self.core.db();
        let specialty = match input.specialty.trim() {
            "" if facility.is_none() => return Err(Error::fields(vec![FieldError::new("specialty", ErrorCode::Required)])),
            "" => None,
            code => Some(
                specialty::Entity::find()
                    .filter(specialty::Column::Code.eq(code))
                    .one(db)
                    .await?
                    .ok_or_else(|| Error::fields(vec![FieldError::new("specialty", ErrorCode::NotFound)]))?
                    .id,
            ),
        };
        let scope = scope(facility, specialty);
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        // One statement: of two admins saving the same rule at once, the last one stands.
        let row = visit_instruction::ActiveModel {
            id: Set(Uuid::new_v4()),
            scope: Set(scope),
            facility_id: Set(facility),
            specialty_id: Set(specialty),
            previous_results: Set(input.previous_results),
            fasting: Set(input.fasting),
            note_ar: Set(input.note_ar.trim().to_owned()),
            note_fr: Set(input.note_fr.trim().to_owned()),
            note_en: Set(input.note_en.trim().to_owned()),
            updated_by: Set(Some(actor.user_id)),
            updated_at: Set(now),
        };
        use visit_instruction::Column as C;
        visit_instruction::Entity::insert(row)
            .on_conflict(
                OnConflict::column(C::Scope)
                    .update_columns([C::PreviousResults, C::Fasting, C::NoteAr, C::NoteFr, C::NoteEn, C::UpdatedBy, C::UpdatedAt])
                    .to_owned(),
            )
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Whose rules the actor sets: the network's (None) for the health
    /// directorate, their polyclinic's for its admin; nobody else's.
    fn rule_owner(&self, actor: &Actor) -> Result<Option<FacilityId>> {
        if actor.role == Role::HealthAdmin {
            return Ok(None);
        }
        Ok(Some(actor.admin_facility()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_read_from_the_address_or_alone() {
        assert_eq!(scanned_code("https://sihati.dz/floor?scan=abc-_123"), "abc-_123");
        assert_eq!(scanned_code("  http://127.0.0.1:3000/floor?scan=XYZ&x=1\n"), "XYZ");
        assert_eq!(scanned_code("XYZ"), "XYZ");
        assert_eq!(scanned_code("https://sihati.dz/a/XYZ"), "XYZ");
        assert_eq!(scanned_code(""), "");
    }

    #[test]
    fn every_rule_has_its_own_scope() {
        let f = FacilityId(Uuid::new_v4());
        let s = SpecialtyId(Uuid::new_v4());
        let all = [scope(None, Some(s)), scope(Some(f), None), scope(Some(f), Some(s))];
        assert_eq!(all.iter().collect::<std::collections::HashSet<_>>().len(), 3);
    }
}
