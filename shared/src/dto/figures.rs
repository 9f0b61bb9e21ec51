//! The directorate's figures: access to care and how the polyclinics'
//! time is used, over a period, per facility and specialty.

use super::*;

/// The period (Algiers days, both included) and, for the directorate, one
/// facility of its wilaya; the whole wilaya when left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct FiguresQuery {
    /// First day, `YYYY-MM-DD`; 30 days before today when left out.
    #[serde(default)]
    pub from: String,
    /// Last day, `YYYY-MM-DD` (at most 365 days after the first); 30 days
    /// after today when left out.
    #[serde(default)]
    pub to: String,
    /// A facility (its id); left out or empty for the whole scope.
    #[serde(default)]
    pub facility_id: String,
}

/// The valid form of [`FiguresQuery`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FiguresPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub facility_id: Option<FacilityId>,
}

/// The longest period asked at once.
pub const FIGURES_MAX_DAYS: i64 = 366;

impl FiguresQuery {
    /// The period asked, the month either side of `today` by default.
    pub fn validate(&self, today: NaiveDate) -> Result<FiguresPeriod, Vec<FieldError>> {
        let mut e = Vec::new();
        let day = |s: &str, default: NaiveDate| match s.trim() {
            "" => Ok(default),
            s => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| ErrorCode::BadRequest),
        };
        let from = check(&mut e, "from", day(&self.from, today - chrono::Duration::days(30)));
        let to = check(&mut e, "to", day(&self.to, today + chrono::Duration::days(30)));
        let facility_id = match self.facility_id.trim() {
            "" => None,
            f => check(&mut e, "facility_id", f.parse::<uuid::Uuid>().map(FacilityId).map_err(|_| ErrorCode::NotFound)),
        };
        if let (Some(f), Some(t)) = (from, to) {
            if t < f || (t - f).num_days() >= FIGURES_MAX_DAYS {
                e.push(FieldError::new("to", ErrorCode::BadRequest));
            }
        }
        match (from, to) {
            (Some(from), Some(to)) if e.is_empty() => Ok(FiguresPeriod { from, to, facility_id }),
            _ => Err(e),
        }
    }
}

/// The figures of one facility and specialty over the period (or, in
/// `FiguresOut::total`, of everything shown). A rate is a percentage with
/// one decimal, absent when its denominator is zero.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FigureRow {
    /// Absent on the total.
    pub facility_id: Option<FacilityId>,
    /// In French (`facility_name`) and Arabic; the scope's name on the total.
    pub facility_name: String,
    pub facility_name_ar: String,
    /// The specialty's code and names; empty on the total.
    pub specialty: String,
    pub specialty_name_fr: String,
    pub specialty_name_ar: String,
    /// Slots of the period that were offered: open, held or booked at some
    /// point (not those a closure or a holiday took out unbooked).
    pub slots_published: u64,
    /// Of those, slots with an appointment kept (booked, pending, seen or missed).
    pub slots_booked: u64,
    pub fill_rate: Option<f64>,
    /// Appointments whose time has come (booked, seen or missed).
    pub appointments_due: u64,
    pub no_shows: u64,
    pub no_show_rate: Option<f64>,
    /// Appointments of the period cancelled (by anyone, for any reason).
    pub cancellations: u64,
    /// Slots freed by a cancellation (not a late one the desk recorded
    /// after the day, nor a slot a closure took out)…
    pub slots_freed: u64,
    /// …and booked again afterwards (the waiting list or anyone).
    pub slots_rebooked: u64,
    pub rebooked_rate: Option<f64>,
    /// Days from today to the third next free slot (the standard measure of
    /// access), looking ahead from today whatever the period; absent when
    /// fewer than three are free.
    pub third_next_available_days: Option<i64>,
    /// Visits of the period called in, and their wait from arrival to call.
    pub waits_measured: u64,
    pub wait_p50_minutes: Option<f64>,
    pub wait_p90_minutes: Option<f64>,
    /// Kept appointments of the period by how they were booked (a move
    /// counts once; walk-ins are visits, not bookings).
    pub booked_web: u64,
    pub booked_mobile: u64,
    pub booked_desk: u64,
}

/// The figures asked for: one row per facility and specialty, and the total.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FiguresOut {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The wilaya (the directorate's) or the facility the figures cover, in French and Arabic.
    pub scope: String,
    pub scope_ar: String,
    pub rows: Vec<FigureRow>,
    pub total: FigureRow,
}

/// `part` of `whole` as a percentage with one decimal.
pub fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

impl FigureRow {
    /// Fills the rates from the counts.
    /// Adds another row's counts to this one (for a total); rates, the
    /// third next available and the waits are not sums and stay as they are.
    pub fn add_counts(&mut self, r: &FigureRow) {
        self.slots_published += r.slots_published;
        self.slots_booked += r.slots_booked;
        self.appointments_due += r.appointments_due;
        self.no_shows += r.no_shows;
        self.cancellations += r.cancellations;
        self.slots_freed += r.slots_freed;
        self.slots_rebooked += r.slots_rebooked;
        self.booked_web += r.booked_web;
        self.booked_mobile += r.booked_mobile;
        self.booked_desk += r.booked_desk;
    }

    pub fn with_rates(mut self) -> Self {
        self.fill_rate = rate(self.slots_booked, self.slots_published);
        self.no_show_rate = rate(self.no_shows, self.appointments_due);
        self.rebooked_rate = rate(self.slots_rebooked, self.slots_freed);
        self
    }
}

impl FiguresOut {
    /// The figures as CSV (comma-separated, header line, one line per row
    /// then the total; a name with a comma or quote is quoted).
    pub fn to_csv(&self) -> String {
        // Quoted when it holds a separator, a quote or a line break; a cell
        // a spreadsheet would read as a formula starts with an apostrophe.
        let quote = |s: &str| {
            let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() };
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s
            }
        };
        let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        let mut out = String::from(
            "facility,specialty,slots_published,slots_booked,fill_rate,appointments_due,no_shows,no_show_rate,cancellations,slots_freed,slots_rebooked,rebooked_rate,third_next_available_days,waits_measured,wait_p50_minutes,wait_p90_minutes,booked_web,booked_mobile,booked_desk\n",
        );
        for r in self.rows.iter().chain(std::iter::once(&self.total)) {
            let cells = [
                quote(&r.facility_name),
                quote(&r.specialty),
                r.slots_published.to_string(),
                r.slots_booked.to_string(),
                opt(r.fill_rate),
                r.appointments_due.to_string(),
                r.no_shows.to_string(),
                opt(r.no_show_rate),
                r.cancellations.to_string(),
                r.slots_freed.to_string(),
                r.slots_rebooked.to_string(),
                opt(r.rebooked_rate),
                r.third_next_available_days.map(|d| d.to_string()).unwrap_or_default(),
                r.waits_measured.to_string(),
                opt(r.wait_p50_minutes),
                opt(r.wait_p90_minutes),
                r.booked_web.to_string(),
                r.booked_mobile.to_string(),
                r.booked_desk.to_string(),
            ];
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_runs_forward_for_at_most_a_year_and_rates_round_to_one_decimal() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        let q = |from: &str, to: &str| FiguresQuery { from: from.into(), to: to.into(), facility_id: String::new() }.validate(today);
        assert!(q("2026-01-01", "2026-12-31").is_ok());
        assert!(q("2026-03-01", "2026-03-01").is_ok(), "one day");
        assert_eq!(q("2026-03-02", "2026-03-01").unwrap_err()[0].field, "to");
        assert_eq!(q("2025-01-01", "2026-01-02").unwrap_err()[0].field, "to", "over a year");
        assert_eq!(q("x", "2026-13-01").unwrap_err().iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["from", "to"]);
        let around = q("", "").unwrap();
        assert_eq!(
            (around.from, around.to),
            (NaiveDate::from_ymd_opt(2026, 5, 16).unwrap(), NaiveDate::from_ymd_opt(2026, 7, 15).unwrap()),
            "a month either side"
        );
        let bad = FiguresQuery { facility_id: "nope".into(), ..Default::default() }.validate(today).unwrap_err();
        assert_eq!(bad[0].field, "facility_id");
        assert_eq!((rate(1, 3), rate(2, 3), rate(0, 0), rate(5, 5)), (Some(33.3), Some(66.7), None, Some(100.0)));
    }

    #[test]
    fn the_csv_has_a_header_a_line_per_row_and_the_total_with_names_quoted() {
        let row = FigureRow {
            facility_name: "Polyclinique \"Es Seddikia\", Oran".into(),
            specialty: "dermatology".into(),
            slots_published: 4,
            slots_booked: 3,
            ..Default::default()
        }
        .with_rates();
        let formula = FigureRow { facility_name: "=HYPERLINK(\"x\")".into(), ..row.clone() };
        let out = FiguresOut { rows: vec![row.clone(), formula], total: FigureRow { facility_name: "Total".into(), ..row }, ..Default::default() };
        let csv = out.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[2].starts_with("\"'=HYPERLINK(\"\"x\"\")\","), "a formula stays text: {}", lines[2]);
        assert!(lines[1].starts_with("\"Polyclinique \"\"Es Seddikia\"\", Oran\",dermatology,4,3,75,"), "{}", lines[1]);
        assert_eq!(lines[0].split(',').count(), lines[1].split(',').count() - 1, "the quoted comma is one cell");
    }
}
