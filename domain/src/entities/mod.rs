//! sea-orm entities, one file per table. Plain data: behaviour lives in the
//! services, so these files stay as a generator would write them.

pub mod appointment;
pub mod availability_template;
pub mod facility;
pub mod idempotency_key;
pub mod practitioner;
pub mod practitioner_facility;
pub mod refresh_token;
pub mod session;
pub mod slot;
pub mod specialty;
pub mod user;
pub mod wilaya;
pub mod closure;
pub mod commune;
pub mod dependant;
pub mod holiday;
pub mod referral;
pub mod slot_offer;
pub mod waitlist_entry;
pub mod inbox_message;
pub mod notification_pref;
pub mod outbox;
pub mod record_access;
pub mod record_entry;
pub mod care_relation;
pub mod record_attachment;
pub mod verification;
pub mod staff_mfa;
pub mod admin_audit;
pub mod person;
pub mod claim;
pub mod consent_request;
