//! Availability: weekly templates, closures, holidays and the desk's day list.

use super::*;
use crate::{ClosureKind, PractitionerId};
use chrono::{NaiveTime, Timelike};

/// `HH:MM` (Algiers time) as minutes after midnight.
pub fn parse_hhmm(s: &str) -> Option<u32> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok().map(|t| t.hour() * 60 + t.minute())
}

/// A day written `YYYY-MM-DD`.
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// A weekly availability rule, as a receptionist enters it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TemplateIn {
    pub practitioner_id: String,
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// `HH:MM`, Algiers time.
    pub start: String,
    /// `HH:MM`, Algiers time, after `start`.
    pub end: String,
    /// 5 to 240 minutes.
    pub slot_minutes: u16,
    /// `YYYY-MM-DD`
    pub valid_from: String,
    /// `YYYY-MM-DD`, optional.
    #[serde(default)]
    pub valid_to: String,
}

/// A validated weekly availability rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeeklyRule {
    /// ISO weekday, 1 = Monday.
    pub weekday: u8,
    /// Minutes after midnight, Algiers time.
    pub start: u32,
    pub end: u32,
    pub slot_minutes: u16,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl WeeklyRule {
    /// Two rules overlap when they share a weekday, some minutes of it, and
    /// some days of validity.
    pub fn overlaps(&self, other: &WeeklyRule) -> bool {
        let days = self.valid_to.is_none_or(|to| to >= other.valid_from) && other.valid_to.is_none_or(|to| to >= self.valid_from);
        self.weekday == other.weekday && self.start < other.end && other.start < self.end && days
    }
}

/// The valid form of [`TemplateIn`]: whose rule it is, and the rule.
#[derive(Clone, Debug, PartialEq)]
pub struct NewTemplate {
    pub practitioner_id: PractitionerId,
    pub rule: WeeklyRule,
}

impl TemplateIn {
    /// Every field checked at once; whether the practitioner works at the
    /// facility is the service's question.
    pub fn validate(&self) -> Result<NewTemplate, Vec<FieldError>> {
        let mut e = Vec::new();
        let practitioner_id = check(&mut e, "practitioner_id", self.practitioner_id.trim().parse::<PractitionerId>().map_err(|_| ErrorCode::NotFound));
        if !(1..=7).contains(&self.weekday) {
            e.push(FieldError::new("weekday", ErrorCode::BadRequest));
        }
        let (start, end) = (parse_hhmm(&self.start), parse_hhmm(&self.end));
        let start = check(&mut e, "start", start.ok_or(ErrorCode::BadRequest));
        let end = check(&mut e, "end", end.filter(|end| start.is_some_and(|s| *end > s)).ok_or(ErrorCode::BadRequest));
        if !(5..=240).contains(&self.slot_minutes) {
            e.push(FieldError::new("slot_minutes", ErrorCode::BadRequest));
        }
        let valid_from = check(&mut e, "valid_from", parse_day(&self.valid_from).ok_or(ErrorCode::BadRequest));
        let valid_to = if self.valid_to.trim().is_empty() {
            Some(None)
        } else {
            check(&mut e, "valid_to", parse_day(&self.valid_to).filter(|d| valid_from.is_some_and(|f| *d >= f)).map(Some).ok_or(ErrorCode::BadRequest))
        };
        match (practitioner_id, start, end, valid_from, valid_to) {
            (Some(practitioner_id), Some(start), Some(end), Some(valid_from), Some(valid_to)) if e.is_empty() => Ok(NewTemplate {
                practitioner_id,
                rule: WeeklyRule { weekday: self.weekday, start, end, slot_minutes: self.slot_minutes, valid_from, valid_to },
            }),
            _ => Err(e),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TemplateOut {
    pub template_id: TemplateId,
    /// Slots created within the booking horizon.
    pub slots_created: u64,
}

/// A closed day, leave, or reduced hours, entered by the desk.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClosureIn {
    /// One practitioner; empty: the whole facility.
    #[serde(default)]
    pub practitioner_id: String,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`; with `end`, only that part of the day is closed. Both
    /// empty: the whole day.
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    /// `closed`, `leave` or `reduced`.
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

/// The valid form of [`ClosureIn`].
#[derive(Clone, Debug, PartialEq)]
pub struct NewClosure {
    /// None: the whole facility.
    pub practitioner_id: Option<PractitionerId>,
    pub date: NaiveDate,
    /// Minutes after midnight; None: the whole day.
    pub window: Option<(u32, u32)>,
    pub kind: ClosureKind,
    /// Trimmed, at most 200 characters; None when empty.
    pub note: Option<String>,
}

impl ClosureIn {
    /// Every field checked at once; whether the practitioner works at the
    /// facility is the service's question.
    pub fn validate(&self) -> Result<NewClosure, Vec<FieldError>> {
        let mut e = Vec::new();
        let date = check(&mut e, "date", parse_day(&self.date).ok_or(ErrorCode::BadRequest));
        let window = match (self.start.trim(), self.end.trim()) {
            ("", "") => Some(None),
            (s, end) => {
                let start = check(&mut e, "start", parse_hhmm(s).ok_or(ErrorCode::BadRequest));
                let end = check(&mut e, "end", parse_hhmm(end).filter(|end| start.is_some_and(|s| *end > s)).ok_or(ErrorCode::BadRequest));
                start.zip(end).map(Some)
            }
        };
        let kind = check(&mut e, "kind", ClosureKind::parse(self.kind.trim()).ok_or(ErrorCode::Required));
        let practitioner_id = match self.practitioner_id.trim() {
            "" => Some(None),
            p => check(&mut e, "practitioner_id", p.parse::<PractitionerId>().map(Some).map_err(|_| ErrorCode::NotFound)),
        };
        let note = Some(self.note.trim().chars().take(200).collect::<String>()).filter(|n| !n.is_empty());
        match (date, window, kind, practitioner_id) {
            (Some(date), Some(window), Some(kind), Some(practitioner_id)) if e.is_empty() => Ok(NewClosure { practitioner_id, date, window, kind, note }),
            _ => Err(e),
        }
    }
}

/// A published template, as the desk lists them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TemplateRowOut {
    pub id: TemplateId,
    pub practitioner_id: PractitionerId,
    pub practitioner_name: String,
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// `HH:MM`, Algiers time.
    pub start: String,
    pub end: String,
    pub slot_minutes: u16,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// Ends a template: no slots after `valid_to`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TemplateEndIn {
    /// `YYYY-MM-DD`, the last day the template still makes slots.
    pub valid_to: String,
}

impl TemplateEndIn {
    /// The last day; whether it is after the template's start is the
    /// service's question.
    pub fn validate(&self) -> Result<NaiveDate, Vec<FieldError>> {
        parse_day(&self.valid_to).ok_or_else(|| vec![FieldError::new("valid_to", ErrorCode::BadRequest)])
    }
}

/// A booked appointment that a schedule change no longer covers: it was
/// kept, and must be moved or cancelled by the desk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConflictOut {
    pub appointment_id: AppointmentId,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub practitioner_name: String,
    pub patient_name: String,
    pub patient_phone: Option<String>,
}

/// What a schedule change did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ScheduleChangeOut {
    /// The closure or template changed.
    pub id: uuid::Uuid,
    /// Free slots closed by the change.
    pub slots_closed: u64,
    /// Booked appointments it conflicts with, to move or cancel — those
    /// within the caller's facility only.
    pub conflicts: Vec<ConflictOut>,
    /// Booked appointments it conflicts with outside the caller's scope
    /// (a holiday set by the directorate): each facility's desk finds
    /// them in its day list.
    #[serde(default)]
    pub conflicts_elsewhere: u64,
}

/// A moving public holiday (the fixed ones are built in).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HolidayIn {
    /// `YYYY-MM-DD`
    pub date: String,
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
}

/// The valid form of [`HolidayIn`]: a day and its trimmed names.
#[derive(Clone, Debug, PartialEq)]
pub struct NewHoliday {
    pub date: NaiveDate,
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
}

impl HolidayIn {
    pub fn validate(&self) -> Result<NewHoliday, Vec<FieldError>> {
        let mut e = Vec::new();
        let date = check(&mut e, "date", parse_day(&self.date).ok_or(ErrorCode::BadRequest));
        let mut name = |field: &str, v: &str| {
            let v = v.trim();
            check(&mut e, field, if v.is_empty() || v.chars().count() > 100 { Err(ErrorCode::Required) } else { Ok(v.to_owned()) })
        };
        let (ar, fr, en) = (name("name_ar", &self.name_ar), name("name_fr", &self.name_fr), name("name_en", &self.name_en));
        match (date, ar, fr, en) {
            (Some(date), Some(name_ar), Some(name_fr), Some(name_en)) if e.is_empty() => Ok(NewHoliday { date, name_ar, name_fr, name_en }),
            _ => Err(e),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HolidayOut {
    pub date: NaiveDate,
    pub kind: crate::HolidayKind,
    pub name_ar: String,
    pub name_fr: String,
    pub name_en: String,
}

/// One slot of a practitioner's day, as the desk sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DaySlotOut {
    pub slot_id: SlotId,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub practitioner_id: PractitionerId,
    pub practitioner_name: String,
    /// Open, closed, held (offered to a waiting citizen) or booked.
    pub status: crate::DaySlotStatus,
    pub appointment_id: Option<AppointmentId>,
    pub patient_name: Option<String>,
    pub patient_phone: Option<String>,
    /// Booked at the desk rather than by the citizen.
    pub booked_at_desk: bool,
    /// `booked`, or `pending` while it waits for the desk's confirmation.
    #[serde(default)]
    pub appointment_status: Option<crate::AppointmentStatus>,
    /// Once the patient arrived: their ticket of the day and where they are.
    #[serde(default)]
    pub ticket: Option<String>,
    #[serde(default)]
    pub visit_status: Option<crate::VisitStatus>,
    /// The patient said "I am coming" from a reminder.
    #[serde(default)]
    pub confirmed: bool,
    /// Web, mobile app or desk (None: booked before it was recorded).
    #[serde(default)]
    pub channel: Option<crate::BookingChannel>,
    /// Booked within the last two hours: the desk sees what changed as it happens.
    #[serde(default)]
    pub new: bool,
    /// Who had this slot and cancelled (or was moved away), oldest first:
    /// the desk sees cancellations as well as bookings.
    #[serde(default)]
    pub cancelled: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> TemplateIn {
        TemplateIn {
            practitioner_id: "5f0c6f5e-8d0a-4d8e-9b43-0b1f2f1e6c11".into(),
            weekday: 7,
            start: "08:00".into(),
            end: "12:30".into(),
            slot_minutes: 20,
            valid_from: "2026-12-06".into(),
            valid_to: String::new(),
        }
    }

    fn fields(e: Vec<FieldError>) -> Vec<String> {
        e.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_valid_template_becomes_minutes_and_days() {
        let t = template().validate().unwrap().rule;
        assert_eq!((t.weekday, t.start, t.end, t.slot_minutes, t.valid_to), (7, 480, 750, 20, None));
        assert_eq!(t.valid_from, NaiveDate::from_ymd_opt(2026, 12, 6).unwrap());
    }

    #[test]
    fn every_bad_template_field_is_named_at_once() {
        let bad = TemplateIn {
            practitioner_id: "x".into(),
            weekday: 0,
            start: "8h".into(),
            end: "07:00".into(),
            slot_minutes: 2,
            valid_from: "06/12/2026".into(),
            valid_to: "2026-12-01".into(),
        };
        assert_eq!(fields(bad.validate().unwrap_err()), ["practitioner_id", "weekday", "start", "end", "slot_minutes", "valid_from", "valid_to"]);
        // An end before the start, and a last day before the first.
        let t = TemplateIn { end: "07:59".into(), valid_to: "2026-12-05".into(), ..template() };
        assert_eq!(fields(t.validate().unwrap_err()), ["end", "valid_to"]);
    }

    #[test]
    fn a_closure_is_a_whole_day_or_a_window_of_a_known_kind() {
        let c = ClosureIn { date: "2026-12-10".into(), kind: "leave".into(), note: "  congé  ".into(), ..Default::default() };
        let v = c.validate().unwrap();
        assert_eq!((v.window, v.kind, v.practitioner_id, v.note.as_deref()), (None, ClosureKind::Leave, None, Some("congé")));
        let c = ClosureIn { start: "10:00".into(), end: "11:00".into(), kind: "reduced".into(), ..c };
        assert_eq!(c.validate().unwrap().window, Some((600, 660)));
        let bad = ClosureIn {
            date: "demain".into(),
            start: "11:00".into(),
            end: "10:00".into(),
            kind: "holiday".into(),
            practitioner_id: "nobody".into(),
            note: String::new(),
        };
        assert_eq!(fields(bad.validate().unwrap_err()), ["date", "end", "kind", "practitioner_id"]);
    }

    #[test]
    fn a_holiday_needs_a_day_and_three_names() {
        let h = HolidayIn { date: "2027-03-10".into(), name_ar: " عيد الفطر ".into(), name_fr: "Aïd el-Fitr".into(), name_en: "Eid al-Fitr".into() };
        assert_eq!(h.validate().unwrap().name_ar, "عيد الفطر");
        let bad = HolidayIn { date: String::new(), name_en: "x".repeat(101), ..h };
        assert_eq!(fields(bad.validate().unwrap_err()), ["date", "name_en"]);
        assert!(TemplateEndIn { valid_to: "2027-01-31".into() }.validate().is_ok());
        assert_eq!(fields(TemplateEndIn { valid_to: "31/01/2027".into() }.validate().unwrap_err()), ["valid_to"]);
    }
}
