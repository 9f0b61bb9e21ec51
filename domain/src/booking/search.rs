//! The citizen's search read as a directory: the free slots of a specialty
//! in a wilaya grouped by practitioner and facility, soonest first (or by
//! the facility's name), each group with its first days and every free
//! time of those days, and how many more the period holds. A page of
//! groups (at most 50) costs one grouped query (which groups, in which
//! order, how many free times each) and one bounded query per group of the
//! page; nothing loads the whole period's slots. Pages are offsets: a page
//! read after bookings reordered the groups may skip or repeat one (a new
//! search shows it again).

use super::{full_name, SlotFilter, SEARCH_MAX_DAYS};
use crate::entities::{commune, facility, practitioner, slot, specialty};
use crate::services::Bookings;
use crate::{Error, Result};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, Order, QueryFilter, QueryOrder, QuerySelect};
use shared::dto::{Page, PageAt, SlotDayOut, SlotGroupOut, SlotTimeOut};
use shared::{ErrorCode, FacilityId, Lang, PractitionerId, SlotSort};
use std::collections::HashMap;
use uuid::Uuid;

/// Days shown per group; narrowed to one practitioner, a month of them.
pub const DAYS_SHOWN: usize = 3;
pub const DAYS_SHOWN_ONE_PRACTITIONER: usize = 31;
/// At most this many free times are read per group: three days, or a month
/// when narrowed, of 5-minute slots over 24 hours (a real day holds far fewer).
const TIMES_PER_DAY_READ: u64 = 288;
/// Groups in one page at most (each costs a query).
pub const GROUPS_MAX: u64 = 50;

/// What a grouped search asks.
#[derive(Clone, Debug)]
pub struct GroupSearch {
    pub specialty: String,
    pub wilaya: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub only: SlotFilter,
    pub sort: SlotSort,
    /// The reader's language, for the order by facility name.
    pub lang: Lang,
}

#[derive(FromQueryResult)]
struct GroupRow {
    practitioner_id: Uuid,
    facility_id: Uuid,
    given_name: String,
    family_name: String,
    name_ar: String,
    name_fr: String,
    address: String,
    commune_id: Option<Uuid>,
    free: i64,
}

#[derive(FromQueryResult)]
struct TimeRow {
    id: Uuid,
    starts_at: chrono::DateTime<chrono::Utc>,
    ends_at: chrono::DateTime<chrono::Utc>,
}

impl Bookings {
    /// One page of the groups a search finds (see the module's note).
    pub async fn search_groups(&self, q: &GroupSearch, at: PageAt) -> Result<Page<SlotGroupOut>> {
        let at = PageAt { limit: std::cmp::min(at.limit, GROUPS_MAX), ..at };
        if q.to < q.from || (q.to - q.from).num_days() > SEARCH_MAX_DAYS {
            return Err(Error::code(ErrorCode::BadRequest));
        }
        let db = self.core.db();
        let Some(spec) = specialty::Entity::find().filter(specialty::Column::Code.eq(q.specialty.as_str())).one(db).await? else {
            return Ok(at.slice(Vec::new()));
        };
        let base = || self.core.free_slot_select(spec.id, &q.wilaya, q.from, q.to, &q.only);
        let grouped = base()
            .select_only()
            .column(slot::Column::PractitionerId)
            .column(slot::Column::FacilityId)
            .column(practitioner::Column::GivenName)
            .column(practitioner::Column::FamilyName)
            .column(facility::Column::NameAr)
            .column(facility::Column::NameFr)
            .column(facility::Column::Address)
            .column(facility::Column::CommuneId)
            .column_as(Expr::col((slot::Entity, slot::Column::Id)).count(), "free")
            .group_by(slot::Column::PractitionerId)
            .group_by(slot::Column::FacilityId)
            .group_by(practitioner::Column::GivenName)
            .group_by(practitioner::Column::FamilyName)
            .group_by(facility::Column::NameAr)
            .group_by(facility::Column::NameFr)
            .group_by(facility::Column::Address)
            .group_by(facility::Column::CommuneId);
        let grouped = match q.sort {
            SlotSort::Earliest => grouped.order_by(Expr::col((slot::Entity, slot::Column::StartsAt)).min(), Order::Asc),
            SlotSort::Facility if q.lang == Lang::Ar => grouped.order_by_asc(facility::Column::NameAr),
            SlotSort::Facility => grouped.order_by_asc(facility::Column::NameFr),
        };
        // Ties (and the facility order) by practitioner, then by id: a stable order for the cursor.
        let rows = grouped
            .order_by_asc(practitioner::Column::FamilyName)
            .order_by_asc(slot::Column::PractitionerId)
            .order_by_asc(slot::Column::FacilityId)
            .offset(at.offset)
            .limit(at.limit + 1)
            .into_model::<GroupRow>()
            .all(db)
            .await?;
        let communes: HashMap<Uuid, commune::Model> = {
            let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.commune_id).collect();
            if ids.is_empty() {
                HashMap::new()
            } else {
                commune::Entity::find().filter(commune::Column::Id.is_in(ids)).all(db).await?.into_iter().map(|c| (c.id.0, c)).collect()
            }
        };
        let days_shown = if q.only.practitioner_id.is_some() { DAYS_SHOWN_ONE_PRACTITIONER } else { DAYS_SHOWN };
        let read = TIMES_PER_DAY_READ * days_shown as u64;
        // The row past the limit only says there is a next page.
        let more = rows.len() as u64 > at.limit;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows.into_iter().take(at.limit as usize) {
            let times = base()
                .select_only()
                .column(slot::Column::Id)
                .column(slot::Column::StartsAt)
                .column(slot::Column::EndsAt)
                .filter(slot::Column::PractitionerId.eq(r.practitioner_id))
                .filter(slot::Column::FacilityId.eq(r.facility_id))
                .order_by_asc(slot::Column::StartsAt)
                .limit(read)
                .into_model::<TimeRow>()
                .all(db)
                .await?;
            // All taken between the two queries: not shown (the page is one shorter).
            let Some(first_at) = times.first().map(|t| t.starts_at) else { continue };
            let place = r.commune_id.and_then(|c| communes.get(&c));
            out.push(SlotGroupOut {
                practitioner_id: PractitionerId(r.practitioner_id),
                practitioner_name: full_name(&r.given_name, &r.family_name),
                facility_id: FacilityId(r.facility_id),
                facility_name_ar: r.name_ar,
                facility_name_fr: r.name_fr,
                address: r.address,
                commune_name_ar: place.map(|c| c.name_ar.clone()),
                commune_name_fr: place.map(|c| c.name_fr.clone()),
                first_at,
                free_in_period: u64::try_from(r.free).unwrap_or(0),
                days: by_day(times, days_shown),
            });
        }
        Ok(at.page_of(out, more))
    }
}

/// The first `days` Algiers days of `times` (in order), each with all its times.
fn by_day(times: Vec<TimeRow>, days: usize) -> Vec<SlotDayOut> {
    let mut out: Vec<SlotDayOut> = Vec::new();
    for t in times {
        let date = shared::time::algiers_date(t.starts_at);
        if out.last().map(|d| d.date) != Some(date) {
            if out.len() == days {
                break;
            }
            out.push(SlotDayOut { date, slots: Vec::new() });
        }
        if let Some(d) = out.last_mut() {
            d.slots.push(SlotTimeOut { id: shared::SlotId(t.id), starts_at: t.starts_at, ends_at: t.ends_at });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> TimeRow {
        let s = chrono::Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap();
        TimeRow { id: Uuid::new_v4(), starts_at: s, ends_at: s + chrono::Duration::minutes(20) }
    }

    #[test]
    fn times_are_grouped_by_algiers_day_and_only_the_first_days_are_kept() {
        // 23:00 UTC is midnight in Algiers: the next day there.
        let days = by_day(vec![at(7, 8), at(7, 9), at(7, 23), at(8, 10), at(9, 8), at(10, 8)], 3);
        let shape: Vec<(String, usize)> = days.iter().map(|d| (d.date.to_string(), d.slots.len())).collect();
        assert_eq!(shape, [("2026-12-07".to_owned(), 2), ("2026-12-08".to_owned(), 2), ("2026-12-09".to_owned(), 1)]);
        assert!(by_day(Vec::new(), 3).is_empty());
    }
}
