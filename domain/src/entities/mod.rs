//! sea-orm entities, one file per table. Plain data: behaviour lives in the
//! services, so these files stay as a generator would write them.

pub mod admin_audit;
pub mod appointment;
pub mod availability_template;
pub mod care_relation;
pub mod claim;
pub mod closure;
pub mod commune;
pub mod consent_request;
pub mod dependant;
pub mod display_screen;
pub mod facility;
pub mod holiday;
pub mod idempotency_key;
pub mod inbox_message;
pub mod notification_pref;
pub mod outbox;
pub mod person;
pub mod practitioner;
pub mod practitioner_facility;
pub mod record_access;
pub mod record_attachment;
pub mod record_entry;
pub mod referral;
pub mod refresh_token;
pub mod session;
pub mod slot;
pub mod slot_offer;
pub mod specialty;
pub mod staff_mfa;
pub mod user;
pub mod verification;
pub mod visit;
pub mod waitlist_entry;
pub mod walk_in;
pub mod wilaya;
