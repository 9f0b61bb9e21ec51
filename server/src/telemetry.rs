//! Structured logs. Spans carry the route template (`/api/v1/me`), never the
//! concrete URI or query, and handlers are instrumented with `skip_all`, so
//! no personal data reaches the logs.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_env("SIHATI_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=warn"));
    let builder = fmt().with_env_filter(filter).with_target(false);
    let _ = if json { builder.json().flatten_event(true).try_init() } else { builder.try_init() };
}
