//! The Sihati server process as a library, so that tests start the real
//! thing on port 0: configuration, the HTTP router (REST `/api/v1`, Leptos
//! pages and server functions, static files), security headers, startup
//! and graceful shutdown.

pub mod api;
pub mod config;
pub mod display;
pub mod fhir;
pub mod files;
pub mod notify;
pub mod security;
pub mod startup;
pub mod telemetry;

pub use config::Config;
pub use startup::{build, serve, Application};
