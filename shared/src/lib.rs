//! The contract shared by the browser (WASM), the mobile API and the server.
//!
//! Everything here is pure: no IO, no clocks, no randomness, so it compiles to
//! `wasm32-unknown-unknown` and the same validator runs in the browser for
//! instant feedback and on the server as the rule that counts.

pub mod codes;
pub mod dto;
pub mod error;
pub mod identity;
pub mod ids;
pub mod redirect;
pub mod time;
pub mod values;

pub use codes::*;
pub use error::{ApiError, ErrorCode, FieldError};
pub use ids::*;
pub use redirect::{safe_next, safe_next_or_home};
pub use values::*;
