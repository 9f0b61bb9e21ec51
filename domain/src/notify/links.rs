//! Signed, expiring links in messages: one to view an appointment, one to
//! cancel it without signing in, for that appointment only; and, under a
//! key of its own, the link of a staff invitation.
//!
//! A token is 37 bytes, base64url (50 characters, short enough for an
//! SMS): the appointment id, what the link allows, when it expires, and an
//! HMAC-SHA-256 tag (truncated to 128 bits) under a key derived from the
//! server's secret. It names nothing personal; whoever holds it may see
//! the appointment's time and place and, with a cancel link, cancel it —
//! exactly what the email or SMS it was sent in already says.

use crate::booking::Channel;
use crate::entities::{appointment, slot};
use crate::services::Bookings;
use crate::{Core, Error, Result};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use sha2::Sha256;
use shared::dto::{AppointmentOut, LinkAppointmentOut};
use shared::{AppointmentId, AppointmentStatus, ErrorCode};
use uuid::Uuid;

const VIEW: u8 = 1;
const CANCEL: u8 = 2;
const ARRIVE: u8 = 3;
const INVITE: u8 = 1;
const TAG_LEN: usize = 16;

/// What a valid link allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    View,
    Cancel,
    /// The appointment's QR code: the desk scans it to mark the arrival
    /// (staff only; it lets nobody else see or change anything).
    Arrive,
}

/// The HMAC under a key of its own, derived from the server's secret, so
/// that a link tag can never pass for anything else signed with it.
fn link_mac(secret: &[u8]) -> Hmac<Sha256> {
    crate::keys::keyed_mac(secret, b"sihati/appointment-links/v1")
}

/// Staff invitations have their own key: no appointment link passes for one.
fn invitation_mac(secret: &[u8]) -> Hmac<Sha256> {
    crate::keys::keyed_mac(secret, b"sihati/staff-invitations/v1")
}

/// `id`, a kind byte and the expiry, with their truncated tag, base64url.
fn seal(mut m: Hmac<Sha256>, id: Uuid, kind: u8, expires: DateTime<Utc>) -> String {
    let mut body = Vec::with_capacity(21 + TAG_LEN);
    body.extend_from_slice(id.as_bytes());
    body.push(kind);
    body.extend_from_slice(&(expires.timestamp().clamp(0, u32::MAX as i64) as u32).to_be_bytes());
    m.update(&body);
    let tag = m.finalize().into_bytes();
    body.extend_from_slice(&tag[..TAG_LEN]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(body)
}

/// The id and kind byte of a genuine, unexpired token sealed under `m`'s key.
fn unseal(mut m: Hmac<Sha256>, token: &str, now: DateTime<Utc>) -> Option<(Uuid, u8)> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    if raw.len() != 21 + TAG_LEN {
        return None;
    }
    let (body, tag) = raw.split_at(21);
    m.update(body);
    // Constant-time comparison of the truncated tag.
    m.verify_truncated_left(tag).ok()?;
    let id = Uuid::from_slice(&body[..16]).ok()?;
    let expires = u32::from_be_bytes(body[17..21].try_into().ok()?) as i64;
    (now.timestamp() < expires).then_some((id, body[16]))
}

pub fn sign(secret: &[u8], id: Uuid, purpose: Purpose, expires: DateTime<Utc>) -> String {
    let kind = match purpose {
        Purpose::View => VIEW,
        Purpose::Cancel => CANCEL,
        Purpose::Arrive => ARRIVE,
    };
    seal(link_mac(secret), id, kind, expires)
}

/// The appointment and purpose of a genuine, unexpired token.
pub fn verify(secret: &[u8], token: &str, now: DateTime<Utc>) -> Option<(Uuid, Purpose)> {
    let (id, kind) = unseal(link_mac(secret), token, now)?;
    let purpose = match kind {
        VIEW => Purpose::View,
        CANCEL => Purpose::Cancel,
        ARRIVE => Purpose::Arrive,
        _ => return None,
    };
    Some((id, purpose))
}

/// The token of a staff invitation's link (it names the invitation only).
pub(crate) fn sign_invitation(secret: &[u8], id: Uuid, expires: DateTime<Utc>) -> String {
    seal(invitation_mac(secret), id, INVITE, expires)
}

/// The invitation a genuine, unexpired invitation token names.
pub(crate) fn verify_invitation(secret: &[u8], token: &str, now: DateTime<Utc>) -> Option<Uuid> {
    unseal(invitation_mac(secret), token, now).filter(|(_, k)| *k == INVITE).map(|(id, _)| id)
}

impl Core {
    /// The view and cancel tokens of an appointment. The view link lasts
    /// until a week after the appointment, the cancel link until it starts.
    pub fn appointment_link_tokens(&self, id: AppointmentId, starts_at: DateTime<Utc>) -> (String, String) {
        let (secret, id) = (&self.config().link_secret, id.as_uuid());
        (sign(secret, id, Purpose::View, starts_at + Duration::days(7)), sign(secret, id, Purpose::Cancel, starts_at))
    }

    /// The arrival code of an appointment (its QR code): valid until the
    /// end of the appointment's day.
    pub(crate) fn arrival_token(&self, id: AppointmentId, starts_at: DateTime<Utc>) -> String {
        let end_of_day = crate::booking::algiers_midnight(shared::time::algiers_date(starts_at) + Duration::days(1));
        sign(&self.config().link_secret, id.as_uuid(), Purpose::Arrive, end_of_day)
    }

    /// The appointment a genuine, unexpired arrival code names.
    pub(crate) fn arrival_of(&self, token: &str) -> Result<AppointmentId> {
        match self.link(token)? {
            (id, Purpose::Arrive) => Ok(AppointmentId(id)),
            _ => Err(Error::code(ErrorCode::LinkInvalid)),
        }
    }

    /// A genuine, unexpired message link (view or cancel); an arrival code is none.
    fn link(&self, token: &str) -> Result<(Uuid, Purpose)> {
        verify(&self.config().link_secret, token, self.clock().now()).ok_or_else(|| Error::code(ErrorCode::LinkInvalid))
    }
}

impl Bookings {
    /// The appointment a link names, without the patient's name; whether
    /// the link may cancel it, and whether it may say "I am coming" (the
    /// answer link of a message — the cancel link — on a booked
    /// appointment not started yet) or already did.
    pub async fn appointment_by_link(&self, token: &str) -> Result<LinkAppointmentOut> {
        let (id, purpose) = self.core.link(token)?;
        if purpose == Purpose::Arrive {
            return Err(Error::code(ErrorCode::LinkInvalid));
        }
        let a = appointment::Entity::find_by_id(id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::LinkInvalid))?;
        let s = slot::Entity::find_by_id(a.slot_id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::LinkInvalid))?;
        let mut out = self.core.describe(&a, &s).await?;
        out.patient_name.clear();
        let now = self.core.clock().now();
        // One rule for every door: a cancel link, on an appointment still
        // booked, before the cut-off.
        let can_cancel = purpose == Purpose::Cancel && self.core.may_cancel_online(&a, &s, now);
        let can_confirm = purpose == Purpose::Cancel && a.status == AppointmentStatus::Booked && s.starts_at > now && a.confirmed_at.is_none();
        let instructions = self.core.instructions_for(self.core.db(), a.facility_id, a.specialty_id).await?;
        let (arrival_code, arrival_qr) = self.core.arrival_qr(&a, &s)?;
        Ok(LinkAppointmentOut { appointment: out, can_cancel, can_confirm, confirmed: a.confirmed_at.is_some(), arrival_code, arrival_qr, instructions })
    }

    /// "I am coming": the answer link of a message (the one that may also
    /// cancel) records that the patient confirmed, for the desk's day list.
    /// Again: nothing changes.
    #[tracing::instrument(skip_all)]
    pub async fn confirm_by_link(&self, token: &str) -> Result<LinkAppointmentOut> {
        let (id, purpose) = self.core.link(token)?;
        if purpose != Purpose::Cancel {
            return Err(Error::code(ErrorCode::LinkInvalid));
        }
        let now = self.core.clock().now();
        let a = appointment::Entity::find_by_id(id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::LinkInvalid))?;
        let s = slot::Entity::find_by_id(a.slot_id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::LinkInvalid))?;
        if a.status != AppointmentStatus::Booked || s.starts_at <= now {
            return Err(Error::code(ErrorCode::AppointmentNotBooked));
        }
        appointment::Entity::update_many()
            .col_expr(appointment::Column::ConfirmedAt, Expr::value(now))
            .filter(appointment::Column::Id.eq(a.id))
            .filter(appointment::Column::ConfirmedAt.is_null())
            .exec(self.core.db())
            .await?;
        self.appointment_by_link(token).await
    }

    /// Cancels the appointment a cancel link names, under the same rules
    /// as cancelling online (the cut-off), and tells the patient.
    #[tracing::instrument(skip_all)]
    pub async fn cancel_by_link(&self, token: &str) -> Result<AppointmentOut> {
        let (id, purpose) = self.core.link(token)?;
        if purpose != Purpose::Cancel {
            return Err(Error::code(ErrorCode::LinkInvalid));
        }
        let now = self.core.clock().now();
        let txn = self.core.begin_write().await?;
        let a = appointment::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::LinkInvalid))?;
        let s = slot::Entity::find_by_id(a.slot_id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::LinkInvalid))?;
        self.core.cancel_in(&txn, &a, &s, now, Channel::Online, None).await?;
        txn.commit().await?;
        self.core.after_release().await;
        let a = appointment::Entity::find_by_id(id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let mut out = self.core.describe(&a, &s).await?;
        out.patient_name.clear();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_signed_link_verifies_until_it_expires() {
        let id = Uuid::new_v4();
        let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        let t = sign(KEY, id, Purpose::Cancel, now + Duration::hours(1));
        assert_eq!(t.len(), 50);
        assert_eq!(verify(KEY, &t, now), Some((id, Purpose::Cancel)));
        assert_eq!(verify(KEY, &t, now + Duration::hours(1)), None, "expired");
        assert_eq!(verify(b"another key another key another k", &t, now), None, "other key");
    }

    #[test]
    fn an_invitation_token_is_no_appointment_link_and_no_appointment_link_is_an_invitation() {
        let id = Uuid::new_v4();
        let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        let invite = sign_invitation(KEY, id, now + Duration::days(7));
        assert_eq!(verify_invitation(KEY, &invite, now), Some(id));
        assert_eq!(verify_invitation(KEY, &invite, now + Duration::days(7)), None, "expired");
        assert_eq!(verify(KEY, &invite, now), None, "not a view link (VIEW is its kind byte too)");
        for purpose in [Purpose::View, Purpose::Cancel, Purpose::Arrive] {
            assert_eq!(verify_invitation(KEY, &sign(KEY, id, purpose, now + Duration::days(1)), now), None, "{purpose:?}");
        }
    }

    #[test]
    fn a_tampered_link_is_refused() {
        let id = Uuid::new_v4();
        let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        let t = sign(KEY, id, Purpose::View, now + Duration::days(1));
        let mut raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&t).unwrap();
        for i in 0..raw.len() {
            raw[i] ^= 0x01;
            let bad = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw);
            assert_eq!(verify(KEY, &bad, now), None, "bit flip at byte {i}");
            raw[i] ^= 0x01;
        }
        // A view link turned into a cancel link, or an arrival code, by hand.
        raw[16] = ARRIVE;
        assert_eq!(verify(KEY, &base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw), now), None);
        raw[16] = CANCEL;
        assert_eq!(verify(KEY, &base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw), now), None);
        assert_eq!(verify(KEY, "", now), None);
        assert_eq!(verify(KEY, "not base64 !", now), None);
    }
}
