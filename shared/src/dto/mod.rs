//! Request (`*In`) and response (`*Out`) bodies of the API and server functions.
//!
//! Inputs arrive as plain strings so that one bad field does not hide the
//! others: `validate()` checks every field with the value types and returns
//! either the typed, valid form or every field error at once.

use crate::error::{ErrorCode, FieldError};
use crate::ids::{
    AppointmentId, AttachmentId, CommuneId, DeliveryId, EntryId, FacilityId, MessageId, OfferId, PersonId, PractitionerId, ReferralId, SlotId, SpecialtyId,
    TemplateId, UserId, WaitlistEntryId,
};
use crate::values::*;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

mod accounts;
mod booking;
mod desk;
mod directory;
mod figures;
mod floor;
mod notify;
mod people;
mod record;
mod schedule;
mod staff;
mod waitlist;

pub use accounts::*;
pub use booking::*;
pub use desk::*;
pub use directory::*;
pub use figures::*;
pub use floor::*;
pub use notify::*;
pub use people::*;
pub use record::*;
pub use schedule::*;
pub use staff::*;
pub use waitlist::*;

fn check<T>(errors: &mut Vec<FieldError>, field: &str, r: Result<T, ErrorCode>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(code) => {
            errors.push(FieldError::new(field, code));
            None
        }
    }
}

fn required(s: &str) -> Result<&str, ErrorCode> {
    if s.trim().is_empty() {
        Err(ErrorCode::Required)
    } else {
        Ok(s)
    }
}

fn optional_email(s: &str) -> Result<Option<Email>, ErrorCode> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        Email::parse(s).map(Some)
    }
}

/// Birth dates from 1900 up to `today`; the caller supplies today so that
/// this module keeps no clock.
pub fn parse_birth_date(s: &str, today: NaiveDate) -> Result<NaiveDate, ErrorCode> {
    let d = NaiveDate::parse_from_str(required(s)?.trim(), "%Y-%m-%d").map_err(|_| ErrorCode::BirthDateInvalid)?;
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
    if d < earliest || d > today {
        Err(ErrorCode::BirthDateInvalid)
    } else {
        Ok(d)
    }
}
