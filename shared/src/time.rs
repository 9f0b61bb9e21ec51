//! Algeria's time, once for every crate: the country keeps UTC+1 all year
//! (no daylight saving since 1981), so a fixed offset is exact. No clock
//! here: callers pass the instant (the domain's clock, which tests move).

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

/// UTC+1, Africa/Algiers.
pub fn algiers() -> FixedOffset {
    FixedOffset::east_opt(3600).expect("valid offset")
}

/// The date in Algiers at the instant `at`.
pub fn algiers_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&algiers()).date_naive()
}

/// The wall-clock time in Algiers at the instant `at`.
pub fn algiers_local(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.with_timezone(&algiers()).naive_local()
}

/// The UTC instant of an Algiers date's midnight.
pub fn algiers_midnight(d: NaiveDate) -> DateTime<Utc> {
    algiers().from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight")).single().expect("fixed offset").with_timezone(&Utc)
}

/// An instant as Algiers reads it: `dd/mm/yyyy HH:MM`.
pub fn algiers_display(t: DateTime<Utc>) -> String {
    t.with_timezone(&algiers()).format("%d/%m/%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algiers_is_utc_plus_one_all_year_and_its_midnight_is_23_00_utc_the_day_before() {
        for (y, m) in [(2026, 1), (2026, 7)] {
            let d = NaiveDate::from_ymd_opt(y, m, 15).unwrap();
            let midnight = algiers_midnight(d);
            assert_eq!(midnight, Utc.with_ymd_and_hms(y, m, 14, 23, 0, 0).unwrap());
            assert_eq!(algiers_date(midnight), d);
            assert_eq!(algiers_date(midnight - chrono::Duration::seconds(1)), d.pred_opt().unwrap());
        }
        assert_eq!(algiers_display(Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap()), "01/01/2027 00:30");
    }
}
