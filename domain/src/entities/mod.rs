//! sea-orm entities, one file per table. Plain data: behaviour lives in the
//! services, so these files stay as a generator would write them.

pub mod facility;
pub mod practitioner;
pub mod practitioner_facility;
pub mod refresh_token;
pub mod session;
pub mod specialty;
pub mod user;
pub mod wilaya;
pub mod commune;
