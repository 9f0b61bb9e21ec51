//! The directorate's figures, computed by the database from the records:
//! each one query that groups by facility and specialty (window functions
//! for the ranks, which SQLite and PostgreSQL both have), so the cost is
//! the database's, whatever the volume — nothing loads every row.
//!
//! Over a period of slot days (Algiers), per facility and specialty:
//! - slots **published** (offered: open, held, or booked at some point —
//!   not those a closure or a holiday took out unbooked) and **booked**
//!   (an appointment kept: booked, pending, seen or missed): the fill rate;
//! - appointments **due** (booked, seen or missed, whose time has come) and
//!   **no-shows** among them;
//! - **cancellations**, slots **freed** by one (not a late cancellation
//!   recorded after the day, nor a slot a closure took out) and **booked
//!   again** after;
//! - the **third next available** free slot from today, in days (the
//!   standard measure of access; independent of the period);
//! - the **wait** at the polyclinic from arrival to call, of the visits
//!   called in: the lower median and the 90th percentile by nearest rank;
//! - kept appointments by **channel** (web, mobile app, desk).
//!
//! A facility administrator sees their facility; the health directorate
//! its wilaya, or one facility of it; anyone else nothing.

use crate::booking::algiers_midnight;
use crate::entities::{facility, specialty, wilaya};
use crate::services::Network;
use crate::{Actor, Error, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryResult, Statement, Value};
use shared::dto::{FigureRow, FiguresOut, FiguresPeriod};
use shared::{AppointmentStatus, BookingChannel, ErrorCode, FacilityId, Role, SlotStatus, SpecialtyId};
use std::collections::{BTreeMap, HashMap};

/// Appointments that keep their slot's time: booked, pending, seen, missed.
const KEPT: [AppointmentStatus; 4] = [AppointmentStatus::Booked, AppointmentStatus::Pending, AppointmentStatus::Fulfilled, AppointmentStatus::NoShow];

/// A statement's SQL and its bound values, with the backend's placeholders.
struct Sql {
    backend: DatabaseBackend,
    values: Vec<Value>,
}

impl Sql {
    fn new(backend: DatabaseBackend) -> Self {
        Self { backend, values: Vec::new() }
    }

    /// Binds a value; returns its numbered placeholder (`$n`, or `?n` on
    /// SQLite), so the order in which values are bound need not follow the
    /// order in which their placeholders appear in the text.
    fn bind(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        match self.backend {
            DatabaseBackend::Postgres => format!("${}", self.values.len()),
            _ => format!("?{}", self.values.len()),
        }
    }

    /// `(a, b, …)` of bound values.
    fn list<V: Into<Value>>(&mut self, vs: impl IntoIterator<Item = V>) -> String {
        let parts: Vec<String> = vs.into_iter().map(|v| self.bind(v)).collect();
        format!("({})", parts.join(", "))
    }

    fn statement(self, sql: String) -> Statement {
        Statement::from_sql_and_values(self.backend, sql, self.values)
    }
}

/// Where the figures look: one facility, or the facilities of a wilaya.
#[derive(Clone)]
enum Scope {
    Facility(FacilityId),
    Wilaya(String),
}

impl Scope {
    /// `column` restricted to the scope's facilities.
    fn filter(&self, q: &mut Sql, column: &str) -> String {
        match self {
            Scope::Facility(f) => format!("{column} = {}", q.bind(*f)),
            Scope::Wilaya(w) => format!("{column} IN (SELECT id FROM facilities WHERE wilaya_code = {})", q.bind(w.clone())),
        }
    }
}

type Key = (FacilityId, SpecialtyId);

fn key(r: &QueryResult) -> Result<Key> {
    Ok((r.try_get("", "facility_id")?, r.try_get("", "specialty_id")?))
}

fn count(r: &QueryResult, col: &str) -> Result<u64> {
    let n: Option<i64> = r.try_get("", col)?;
    Ok(n.unwrap_or(0).max(0) as u64)
}

fn codes<V: Copy + Into<Value>>(q: &mut Sql, vs: &[V]) -> String {
    q.list(vs.iter().copied())
}

impl Network {
    /// The figures of the period for the actor's scope (see the module).
    pub async fn figures(&self, actor: &Actor, period: FiguresPeriod) -> Result<FiguresOut> {
        let db = self.core.db();
        let (scope, label, label_ar) = match actor.role {
            Role::FacilityAdmin => {
                let own = actor.admin_facility()?;
                if period.facility_id.is_some_and(|f| f != own) {
                    return Err(Error::code(ErrorCode::NotFound));
                }
                let f = facility::Entity::find_by_id(own).one(db).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
                (Scope::Facility(own), f.name_fr, f.name_ar)
            }
            Role::HealthAdmin => {
                let w = actor.health_wilaya()?.to_owned();
                match period.facility_id {
                    Some(id) => {
                        let f = facility::Entity::find_by_id(id)
                            .filter(facility::Column::WilayaCode.eq(w.as_str()))
                            .one(db)
                            .await?
                            .ok_or_else(|| Error::code(ErrorCode::NotFound))?;
                        (Scope::Facility(id), f.name_fr, f.name_ar)
                    }
                    None => {
                        let names = wilaya::Entity::find_by_id(w.clone()).one(db).await?;
                        let (fr, ar) = names.map(|n| (n.name_fr, n.name_ar)).unwrap_or_default();
                        (Scope::Wilaya(w.clone()), format!("{w} — {fr}"), format!("{w} — {ar}"))
                    }
                }
            }
            _ => return Err(Error::code(ErrorCode::Forbidden)),
        };
        let start = algiers_midnight(period.from);
        let end = algiers_midnight(period.to + Duration::days(1));
        let now = self.core.clock().now();
        let today = self.core.today();
        let mut rows: BTreeMap<Key, FigureRow> = BTreeMap::new();
        for r in db.query_all_raw(self.slots_statement(&scope, start, end)).await? {
            let e = rows.entry(key(&r)?).or_default();
            e.slots_published = count(&r, "published")?;
            e.slots_booked = count(&r, "booked")?;
        }
        for r in db.query_all_raw(self.appointments_statement(&scope, start, end, now)).await? {
            let e = rows.entry(key(&r)?).or_default();
            e.appointments_due = count(&r, "due")?;
            e.no_shows = count(&r, "no_shows")?;
            e.cancellations = count(&r, "cancellations")?;
            e.booked_web = count(&r, "web")?;
            e.booked_mobile = count(&r, "mobile")?;
            e.booked_desk = count(&r, "desk")?;
        }
        for r in db.query_all_raw(self.freed_statement(&scope, start, end)).await? {
            let e = rows.entry(key(&r)?).or_default();
            e.slots_freed = count(&r, "freed")?;
            e.slots_rebooked = count(&r, "rebooked")?;
        }
        for r in db.query_all_raw(self.third_next_statement(&scope, now)).await? {
            let at: DateTime<Utc> = r.try_get("", "starts_at")?;
            rows.entry(key(&r)?).or_default().third_next_available_days = Some((shared::time::algiers_date(at) - today).num_days());
        }
        for (k, n, p50, p90) in self.waits(&scope, period.from, period.to, true).await? {
            let e = rows.entry(k.expect("grouped")).or_default();
            (e.waits_measured, e.wait_p50_minutes, e.wait_p90_minutes) = (n, p50, p90);
        }

        // Names, and the total.
        let facilities: HashMap<FacilityId, facility::Model> = facility::Entity::find()
            .filter(facility::Column::Id.is_in(rows.keys().map(|(f, _)| *f).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect();
        let specialties: HashMap<SpecialtyId, specialty::Model> = specialty::Entity::find().all(db).await?.into_iter().map(|s| (s.id, s)).collect();
        let mut total = FigureRow { facility_name: label.clone(), facility_name_ar: label_ar.clone(), ..FigureRow::default() };
        let mut out: Vec<FigureRow> = rows
            .into_iter()
            .map(|((f, s), mut r)| {
                r.facility_id = Some(f);
                if let Some(f) = facilities.get(&f) {
                    (r.facility_name, r.facility_name_ar) = (f.name_fr.clone(), f.name_ar.clone());
                }
                if let Some(s) = specialties.get(&s) {
                    (r.specialty, r.specialty_name_fr, r.specialty_name_ar) = (s.code.clone(), s.name_fr.clone(), s.name_ar.clone());
                }
                total.add_counts(&r);
                r.with_rates()
            })
            .collect();
        out.sort_by(|a, b| (&a.facility_name, &a.specialty).cmp(&(&b.facility_name, &b.specialty)));
        if let Some((_, n, p50, p90)) = self.waits(&scope, period.from, period.to, false).await?.into_iter().next() {
            (total.waits_measured, total.wait_p50_minutes, total.wait_p90_minutes) = (n, p50, p90);
        }
        Ok(FiguresOut { from: period.from, to: period.to, scope: label, scope_ar: label_ar, rows: out, total: total.with_rates() })
    }

    fn slots_statement(&self, scope: &Scope, start: DateTime<Utc>, end: DateTime<Utc>) -> Statement {
        let mut q = Sql::new(self.core.db().get_database_backend());
        let kept = codes(&mut q, &KEPT);
        let within = scope.filter(&mut q, "s.facility_id");
        let (from, to) = (q.bind(start), q.bind(end));
        let closed = q.bind(SlotStatus::Closed);
        let sql = format!(
            "SELECT s.facility_id, s.specialty_id, COUNT(*) AS published, \
               SUM(CASE WHEN EXISTS (SELECT 1 FROM appointments a WHERE a.facility_id = s.facility_id AND a.slot_id = s.id AND a.status IN {kept}) THEN 1 ELSE 0 END) AS booked \
             FROM slots s \
             WHERE {within} AND s.starts_at >= {from} AND s.starts_at < {to} \
               AND (s.status <> {closed} OR EXISTS (SELECT 1 FROM appointments b WHERE b.facility_id = s.facility_id AND b.slot_id = s.id)) \
             GROUP BY s.facility_id, s.specialty_id"
        );
        q.statement(sql)
    }

    fn appointments_statement(&self, scope: &Scope, start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>) -> Statement {
        let mut q = Sql::new(self.core.db().get_database_backend());
        let due = codes(&mut q, &[AppointmentStatus::Booked, AppointmentStatus::Fulfilled, AppointmentStatus::NoShow]);
        let started = q.bind(now);
        let no_show = q.bind(AppointmentStatus::NoShow);
        let cancelled = q.bind(AppointmentStatus::Cancelled);
        let by = |q: &mut Sql, c: BookingChannel| (codes(q, &KEPT), q.bind(c));
        let (kept_web, web) = by(&mut q, BookingChannel::Web);
        let (kept_mobile, mobile) = by(&mut q, BookingChannel::Mobile);
        let (kept_desk, desk) = by(&mut q, BookingChannel::Desk);
        let within = scope.filter(&mut q, "s.facility_id");
        let (from, to) = (q.bind(start), q.bind(end));
        let sql = format!(
            "SELECT s.facility_id, s.specialty_id, \
               SUM(CASE WHEN a.status IN {due} AND s.starts_at < {started} THEN 1 ELSE 0 END) AS due, \
               SUM(CASE WHEN a.status = {no_show} THEN 1 ELSE 0 END) AS no_shows, \
               SUM(CASE WHEN a.status = {cancelled} THEN 1 ELSE 0 END) AS cancellations, \
               SUM(CASE WHEN a.status IN {kept_web} AND a.channel = {web} THEN 1 ELSE 0 END) AS web, \
               SUM(CASE WHEN a.status IN {kept_mobile} AND a.channel = {mobile} THEN 1 ELSE 0 END) AS mobile, \
               SUM(CASE WHEN a.status IN {kept_desk} AND a.channel = {desk} THEN 1 ELSE 0 END) AS desk \
             FROM slots s JOIN appointments a ON a.facility_id = s.facility_id AND a.slot_id = s.id \
             WHERE {within} AND s.starts_at >= {from} AND s.starts_at < {to} \
             GROUP BY s.facility_id, s.specialty_id"
        );
        q.statement(sql)
    }

    fn freed_statement(&self, scope: &Scope, start: DateTime<Utc>, end: DateTime<Utc>) -> Statement {
        let mut q = Sql::new(self.core.db().get_database_backend());
        let kept = codes(&mut q, &KEPT);
        let cancelled = q.bind(AppointmentStatus::Cancelled);
        let late = q.bind(shared::CancelReason::LateCancellation);
        let closed = q.bind(SlotStatus::Closed);
        let kept_again = codes(&mut q, &KEPT);
        let within = scope.filter(&mut q, "s.facility_id");
        let (from, to) = (q.bind(start), q.bind(end));
        // Freed: a cancellation (not a late one recorded after the day) left
        // the slot offered — not taken out by a closure — or booked again.
        let sql = format!(
            "SELECT s.facility_id, s.specialty_id, COUNT(*) AS freed, \
               SUM(CASE WHEN EXISTS (SELECT 1 FROM appointments b WHERE b.facility_id = s.facility_id AND b.slot_id = s.id AND b.status IN {kept}) THEN 1 ELSE 0 END) AS rebooked \
             FROM slots s \
             WHERE EXISTS (SELECT 1 FROM appointments c WHERE c.facility_id = s.facility_id AND c.slot_id = s.id AND c.status = {cancelled} \
                             AND (c.cancel_reason IS NULL OR c.cancel_reason <> {late})) \
               AND (s.status <> {closed} OR EXISTS (SELECT 1 FROM appointments d WHERE d.facility_id = s.facility_id AND d.slot_id = s.id AND d.status IN {kept_again})) \
               AND {within} AND s.starts_at >= {from} AND s.starts_at < {to} \
             GROUP BY s.facility_id, s.specialty_id"
        );
        q.statement(sql)
    }

    /// The third free slot from now of each facility and specialty (open
    /// facilities only; a booked slot stays `open` and is held by its
    /// appointment's `active_slot_id`).
    fn third_next_statement(&self, scope: &Scope, now: DateTime<Utc>) -> Statement {
        let mut q = Sql::new(self.core.db().get_database_backend());
        let open = q.bind(SlotStatus::Open);
        let after = q.bind(now);
        let active = q.bind(true);
        let within = scope.filter(&mut q, "s.facility_id");
        let sql = format!(
            "SELECT facility_id, specialty_id, starts_at FROM ( \
               SELECT s.facility_id, s.specialty_id, s.starts_at, \
                 ROW_NUMBER() OVER (PARTITION BY s.facility_id, s.specialty_id ORDER BY s.starts_at) AS rn \
               FROM slots s \
               WHERE s.status = {open} AND s.starts_at > {after} \
                 AND NOT EXISTS (SELECT 1 FROM appointments x WHERE x.active_slot_id = s.id) \
                 AND s.facility_id IN (SELECT id FROM facilities WHERE active = {active}) AND {within} \
             ) t WHERE rn = 3"
        );
        q.statement(sql)
    }

    /// Per facility and specialty (`grouped`) or in all: how many visits
    /// of the period were called in, and the lower median (rank
    /// ⌊(n−1)/2⌋+1) and the 90th percentile by nearest rank (⌈0.9·n⌉) of
    /// their wait from arrival to call, in minutes.
    async fn waits(&self, scope: &Scope, from: NaiveDate, to: NaiveDate, grouped: bool) -> Result<Vec<(Option<Key>, u64, Option<f64>, Option<f64>)>> {
        let db = self.core.db();
        let backend = db.get_database_backend();
        let mut q = Sql::new(backend);
        let wait = match backend {
            DatabaseBackend::Postgres => "CAST(EXTRACT(EPOCH FROM (v.called_at - v.arrived_at)) / 60.0 AS DOUBLE PRECISION)",
            _ => "((julianday(v.called_at) - julianday(v.arrived_at)) * 1440.0)",
        };
        let (cols, partition) = if grouped { ("facility_id, specialty_id, ", "PARTITION BY v.facility_id, v.specialty_id ") } else { ("", "") };
        let inner_cols = if grouped { "v.facility_id, v.specialty_id, " } else { "" };
        let within = scope.filter(&mut q, "v.facility_id");
        let (first, last) = (q.bind(from), q.bind(to));
        let sql = format!(
            "SELECT {cols}n, rn, wait FROM ( \
               SELECT {inner_cols}{wait} AS wait, \
                 ROW_NUMBER() OVER ({partition}ORDER BY {wait}) AS rn, \
                 COUNT(*) OVER ({partition}) AS n \
               FROM visits v \
               WHERE {within} AND v.day >= {first} AND v.day <= {last} AND v.called_at IS NOT NULL \
             ) t WHERE rn = ((n - 1) * 5) / 10 + 1 OR rn = (9 * n + 9) / 10"
        );
        let mut out: BTreeMap<Option<Key>, (u64, Option<f64>, Option<f64>)> = BTreeMap::new();
        for r in db.query_all_raw(q.statement(sql)).await? {
            let k = if grouped { Some(key(&r)?) } else { None };
            let (n, rn) = (count(&r, "n")?, count(&r, "rn")?);
            let minutes: f64 = r.try_get("", "wait")?;
            let minutes = Some((minutes * 10.0).round() / 10.0);
            let e = out.entry(k).or_insert((n, None, None));
            // With one or two visits the two ranks are the same row.
            if rn == (n - 1) * 5 / 10 + 1 {
                e.1 = minutes;
            }
            if rn == (9 * n).div_ceil(10) {
                e.2 = minutes;
            }
        }
        Ok(out.into_iter().map(|(k, (n, p50, p90))| (k, n, p50, p90)).collect())
    }
}
