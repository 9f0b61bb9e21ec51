//! The open directory (public, for mobile apps and other systems): the
//! specialties, the 69 wilayas and their communes, facilities with what
//! they offer, and practitioners' public profiles. Every list is a page.

use super::{full_name, load_map};
use crate::entities::{commune, facility, practitioner, practitioner_facility, specialty, wilaya};
use crate::services::Directory;
use crate::{Error, Result};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::dto::{CommuneOut, DirectoryFacilityOut, Page, PageAt, PlaceWilayaOut, PractitionerProfileOut, SpecialtyOut};
use shared::{CommuneId, ErrorCode, FacilityId, PractitionerId, SpecialtyId};
use std::collections::HashMap;

/// Which facilities a directory search lists.
#[derive(Clone, Debug, Default)]
pub struct FacilityFilter {
    pub wilaya: Option<String>,
    pub commune: Option<CommuneId>,
    /// A specialty's code: facilities where it is practised.
    pub specialty: Option<String>,
}

/// Which practitioners a directory search lists.
#[derive(Clone, Debug, Default)]
pub struct PractitionerFilter {
    pub facility: Option<FacilityId>,
    /// A specialty's code.
    pub specialty: Option<String>,
}

pub(crate) fn commune_out(c: commune::Model) -> CommuneOut {
    CommuneOut {
        id: c.id,
        wilaya_code: c.wilaya_code,
        name_ar: c.name_ar,
        name_fr: c.name_fr,
        name_en: c.name_en,
        postal_code: c.postal_code,
        daira_ar: c.daira_ar,
        daira_fr: c.daira_fr,
    }
}

impl Directory {
    /// The specialties, by French name.
    pub async fn specialty_page(&self, at: PageAt) -> Result<Page<SpecialtyOut>> {
        Ok(at.slice(self.specialties().await?))
    }

    /// The 69 wilayas, by code.
    pub async fn wilaya_page(&self, at: PageAt) -> Result<Page<PlaceWilayaOut>> {
        let rows = wilaya::Entity::find().order_by_asc(wilaya::Column::Code).offset(at.offset).limit(at.limit + 1).all(self.core.db()).await?;
        Ok(at.page(rows.into_iter().map(|w| PlaceWilayaOut { code: w.code, name_ar: w.name_ar, name_fr: w.name_fr, name_en: w.name_en }).collect()))
    }

    /// The communes of a wilaya, by French name; an unknown wilaya is not found.
    pub async fn commune_page(&self, wilaya_code: &str, at: PageAt) -> Result<Page<CommuneOut>> {
        let db = self.core.db();
        wilaya::Entity::find_by_id(wilaya_code.to_owned()).one(db).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let rows = commune::Entity::find()
            .filter(commune::Column::WilayaCode.eq(wilaya_code))
            .order_by_asc(commune::Column::NameFr)
            .order_by_asc(commune::Column::Id)
            .offset(at.offset)
            .limit(at.limit + 1)
            .all(db)
            .await?;
        Ok(at.page(rows.into_iter().map(commune_out).collect()))
    }

    /// The specialties each of `facilities` offers (as its health directorate set them).
    async fn facility_outs(&self, rows: Vec<facility::Model>) -> Result<Vec<DirectoryFacilityOut>> {
        let db = self.core.db();
        let mut offered = crate::network::offered_codes(db, &rows.iter().map(|f| f.id).collect::<Vec<_>>()).await?;
        let mut communes = load_map::<commune::Entity, _, _, _>(db, commune::Column::Id, rows.iter().filter_map(|f| f.commune_id).collect(), |c| c.id).await?;
        Ok(rows
            .into_iter()
            .map(|f| DirectoryFacilityOut {
                specialties: offered.remove(&f.id).unwrap_or_default(),
                commune: f.commune_id.and_then(|c| communes.remove(&c)).map(commune_out),
                id: f.id,
                kind: f.kind,
                name_ar: f.name_ar,
                name_fr: f.name_fr,
                wilaya_code: f.wilaya_code,
                address: f.address,
                phone: f.phone,
                opens_at: f.opens_at,
                closes_at: f.closes_at,
                open_days: f.open_days.bytes().map(|b| b - b'0').collect(),
                latitude: f.latitude,
                longitude: f.longitude,
            })
            .collect())
    }

    /// Open facilities by French name, filtered by wilaya, commune and specialty offered.
    pub async fn facility_page(&self, filter: &FacilityFilter, at: PageAt) -> Result<Page<DirectoryFacilityOut>> {
        Ok(at.slice(self.open_facilities(filter).await?))
    }

    /// Every open facility a filter names, by French name.
    pub(crate) async fn open_facilities(&self, filter: &FacilityFilter) -> Result<Vec<DirectoryFacilityOut>> {
        let mut q = facility::Entity::find().filter(facility::Column::Active.eq(true));
        if let Some(w) = &filter.wilaya {
            q = q.filter(facility::Column::WilayaCode.eq(w.as_str()));
        }
        if let Some(c) = filter.commune {
            q = q.filter(facility::Column::CommuneId.eq(c));
        }
        let rows = q.order_by_asc(facility::Column::NameFr).order_by_asc(facility::Column::Id).all(self.core.db()).await?;
        let mut all = self.facility_outs(rows).await?;
        if let Some(s) = &filter.specialty {
            all.retain(|f| f.specialties.contains(s));
        }
        Ok(all)
    }

    /// One open facility of the directory.
    pub async fn facility_profile(&self, id: FacilityId) -> Result<DirectoryFacilityOut> {
        let f = facility::Entity::find_by_id(id)
            .filter(facility::Column::Active.eq(true))
            .one(self.core.db())
            .await?
            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        self.facility_outs(vec![f]).await?.pop().ok_or_else(|| Error::code(ErrorCode::NotFound))
    }

    /// One practitioner's public profile, with the open facilities where
    /// they practise; not found when there are none.
    pub async fn practitioner_profile(&self, id: PractitionerId) -> Result<(PractitionerProfileOut, Vec<DirectoryFacilityOut>)> {
        let db = self.core.db();
        let not_found = || Error::code(ErrorCode::NotFound);
        let p = practitioner::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)?;
        let places: Vec<FacilityId> = practitioner_facility::Entity::find()
            .filter(practitioner_facility::Column::PractitionerId.eq(id))
            .filter(crate::staff::practising())
            .all(db)
            .await?
            .into_iter()
            .map(|l| l.facility_id)
            .collect();
        let rows = facility::Entity::find()
            .filter(facility::Column::Id.is_in(places))
            .filter(facility::Column::Active.eq(true))
            .order_by_asc(facility::Column::NameFr)
            .all(db)
            .await?;
        if rows.is_empty() {
            return Err(not_found());
        }
        let specialty = specialty::Entity::find_by_id(p.specialty_id).one(db).await?.map(|s| s.code).unwrap_or_default();
        let facilities = self.facility_outs(rows).await?;
        let profile = PractitionerProfileOut {
            id: p.id,
            name: full_name(&p.given_name, &p.family_name),
            specialty,
            facilities: facilities.iter().map(|f| f.id).collect(),
        };
        Ok((profile, facilities))
    }

    /// Practitioners' public profiles by name, filtered by facility and specialty.
    pub async fn practitioner_page(&self, filter: &PractitionerFilter, at: PageAt) -> Result<Page<PractitionerProfileOut>> {
        let db = self.core.db();
        let codes: HashMap<SpecialtyId, String> = specialty::Entity::find().all(db).await?.into_iter().map(|s| (s.id, s.code)).collect();
        let mut q = practitioner::Entity::find();
        if let Some(code) = &filter.specialty {
            let Some((id, _)) = codes.iter().find(|(_, c)| *c == code) else { return Ok(at.slice(Vec::new())) };
            q = q.filter(practitioner::Column::SpecialtyId.eq(*id));
        }
        let practitioners = q.order_by_asc(practitioner::Column::FamilyName).order_by_asc(practitioner::Column::Id).all(db).await?;
        // Where each works, among open facilities only (no list of ids in
        // the query: at the scale of the country it would pass the bind limit).
        let open: std::collections::HashSet<FacilityId> =
            facility::Entity::find().filter(facility::Column::Active.eq(true)).all(db).await?.into_iter().map(|f| f.id).collect();
        // Not where the facility deactivated their account.
        let mut links = practitioner_facility::Entity::find().filter(crate::staff::practising());
        if let Some(f) = filter.facility {
            links = links.filter(practitioner_facility::Column::FacilityId.eq(f));
        }
        let links = links.all(db).await?;
        let mut at_facilities: HashMap<PractitionerId, Vec<FacilityId>> = HashMap::new();
        for l in links.into_iter().filter(|l| open.contains(&l.facility_id)) {
            at_facilities.entry(l.practitioner_id).or_default().push(l.facility_id);
        }
        let all: Vec<PractitionerProfileOut> = practitioners
            .into_iter()
            .filter_map(|p| {
                let mut facilities = at_facilities.remove(&p.id).unwrap_or_default();
                facilities.sort_by_key(|f| f.to_string());
                // Someone who works at no open facility (yet) is not in the directory.
                if facilities.is_empty() {
                    return None;
                }
                Some(PractitionerProfileOut {
                    id: p.id,
                    name: full_name(&p.given_name, &p.family_name),
                    specialty: codes.get(&p.specialty_id).cloned().unwrap_or_default(),
                    facilities,
                })
            })
            .collect();
        Ok(at.slice(all))
    }
}
