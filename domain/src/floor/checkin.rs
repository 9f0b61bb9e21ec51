//! Self check-in. The waiting-room screen shows a QR code that changes
//! every minute: an address holding the facility and the minute, signed
//! with the server's link key. A citizen with an appointment there today
//! scans it with their phone and is checked in — the code proves they
//! stand in front of the screen, without a desk. A code is good for the
//! minute it was shown and the next (a scan just before it changed);
//! older, `checkin_expired`; forged or cut, `link_invalid`.

use super::{Floor, Viewer};
use crate::entities::{appointment, slot};
use crate::{Actor, Error, Result};
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::Mac;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::dto::VisitOut;
use shared::{AppointmentStatus, ErrorCode, FacilityId};
use uuid::Uuid;

/// How long one code is shown.
pub const STEP_SECS: i64 = 60;
/// Bytes of the tag kept in the code.
const TAG_BYTES: usize = 12;

fn step_of(at: DateTime<Utc>) -> u32 {
    (at.timestamp().div_euclid(STEP_SECS)) as u32
}

fn tag(secret: &[u8], facility: FacilityId, step: u32) -> [u8; TAG_BYTES] {
    let mut m = crate::keys::keyed_mac(secret, b"sihati/self-check-in/v1");
    m.update(facility.as_uuid().as_bytes());
    m.update(&step.to_be_bytes());
    let full = m.finalize().into_bytes();
    let mut out = [0u8; TAG_BYTES];
    out.copy_from_slice(&full[..TAG_BYTES]);
    out
}

/// The code of `facility`'s screen at `at`: facility, minute and tag, URL-safe.
pub fn code(secret: &[u8], facility: FacilityId, at: DateTime<Utc>) -> String {
    let step = step_of(at);
    let mut bytes = Vec::with_capacity(16 + 4 + TAG_BYTES);
    bytes.extend_from_slice(facility.as_uuid().as_bytes());
    bytes.extend_from_slice(&step.to_be_bytes());
    bytes.extend_from_slice(&tag(secret, facility, step));
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The facility a code names, if it is genuine and of this minute or the last.
pub fn read(secret: &[u8], code: &str, now: DateTime<Utc>) -> Result<FacilityId> {
    let invalid = || Error::code(ErrorCode::LinkInvalid);
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(code.trim()).map_err(|_| invalid())?;
    if bytes.len() != 16 + 4 + TAG_BYTES {
        return Err(invalid());
    }
    let facility = FacilityId(Uuid::from_slice(&bytes[..16]).map_err(|_| invalid())?);
    let step = u32::from_be_bytes(bytes[16..20].try_into().map_err(|_| invalid())?);
    if !crate::keys::same(tag(secret, facility, step), &bytes[20..]) {
        return Err(invalid());
    }
    let current = step_of(now);
    if step > current || current - step > 1 {
        return Err(Error::code(ErrorCode::CheckinExpired));
    }
    Ok(facility)
}

/// A QR code of `text` as an SVG `data:` image (drawn by the server: the
/// phone's WASM carries no QR encoder).
pub fn qr_image(text: &str) -> Result<String> {
    use base64::Engine;
    let qr = qrcode::QrCode::new(text.as_bytes()).map_err(|e| Error::Internal(format!("qr: {e}")))?;
    let svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).quiet_zone(true).build();
    Ok(format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg)))
}

impl Floor {
    /// The address the screen of `facility` shows now.
    pub fn check_in_url(&self, facility: FacilityId) -> String {
        let base = self.core.config().notify.public_url.trim_end_matches('/').to_owned();
        format!("{base}/checkin/{}", code(&self.core.config().link_secret, facility, self.core.clock().now()))
    }

    /// The citizen checks in with a screen's code: every appointment of
    /// theirs (and their dependants') at that facility today arrives. One
    /// transaction: all or none.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn self_check_in(&self, actor: &Actor, code: &str) -> Result<Vec<VisitOut>> {
        actor.require_citizen()?;
        let facility = read(&self.core.config().link_secret, code, self.core.clock().now())?;
        let today = self.core.today();
        let txn = self.core.begin_write().await?;
        let booked = appointment::Entity::find()
            .filter(self.core.own_appointments(&txn, actor).await?)
            .filter(appointment::Column::FacilityId.eq(facility))
            .filter(appointment::Column::Status.eq(AppointmentStatus::Booked))
            .all(&txn)
            .await?;
        let slots: Vec<slot::Model> =
            slot::Entity::find().filter(slot::Column::Id.is_in(booked.iter().map(|a| a.slot_id).collect::<Vec<_>>())).all(&txn).await?;
        let todays: Vec<&appointment::Model> =
            booked.iter().filter(|a| slots.iter().any(|s| s.id == a.slot_id && shared::time::algiers_date(s.starts_at) == today)).collect();
        if todays.is_empty() {
            return Err(Error::code(ErrorCode::NoAppointmentToday));
        }
        let mut visits = Vec::with_capacity(todays.len());
        for a in todays {
            visits.push(self.arrive_in(&txn, a, None, actor.user_id).await?.id);
        }
        txn.commit().await?;
        self.changed(facility);
        let mut out = Vec::with_capacity(visits.len());
        for v in visits {
            out.push(self.visit_out(facility, v, Viewer::Public).await?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn refusal(r: Result<FacilityId>) -> Option<ErrorCode> {
        match r {
            Err(Error::Api(e)) => Some(e.code),
            _ => None,
        }
    }

    #[test]
    fn a_code_is_good_for_its_minute_and_the_next_and_only_with_its_tag() {
        let secret = b"a secret of the links";
        let facility = FacilityId(Uuid::from_u128(7));
        let shown = DateTime::parse_from_rfc3339("2026-12-03T10:15:30Z").unwrap().with_timezone(&Utc);
        let c = code(secret, facility, shown);
        assert_eq!(read(secret, &c, shown).unwrap(), facility);
        assert_eq!(read(secret, &c, shown + Duration::seconds(60)).unwrap(), facility, "scanned as it changed");
        for late in [Duration::seconds(90), Duration::minutes(3), Duration::days(1)] {
            assert_eq!(refusal(read(secret, &c, shown + late)), Some(ErrorCode::CheckinExpired), "{late}");
        }
        assert_eq!(refusal(read(secret, &c, shown - Duration::minutes(2))), Some(ErrorCode::CheckinExpired), "not from the future");
        assert_eq!(refusal(read(b"another key", &c, shown)), Some(ErrorCode::LinkInvalid));
        // Another facility's id with this tag: refused.
        let mut bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&c).unwrap();
        bytes[0] ^= 1;
        let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        assert_eq!(refusal(read(secret, &forged, shown)), Some(ErrorCode::LinkInvalid));
        assert_eq!(refusal(read(secret, "not base64 ☺", shown)), Some(ErrorCode::LinkInvalid));
        assert!(qr_image(&format!("https://sihati.dz/checkin/{c}")).unwrap().starts_with("data:image/svg+xml;base64,"));
    }
}
