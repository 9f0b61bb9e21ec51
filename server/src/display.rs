//! The waiting-room screen: `/display/{token}` for a TV, opened with the
//! screen's token (no staff sign-in), and its live feed
//! `/display/{token}/events` (Server-Sent Events). Plain HTML and a small
//! script (`/display.js`), no WebAssembly: a TV browser runs it all day.
//! Tickets, rooms and services only — never a name.

use crate::api::ApiFailure;
use crate::startup::AppState;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use futures::Stream;
use std::convert::Infallible;
use std::time::Duration;

/// How often the screen is redrawn without a change in this process (a
/// call made by another server process shows within this time).
const REFRESH: Duration = Duration::from_secs(10);

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The screen's page.
pub async fn page(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, ApiFailure> {
    state.domain.floor.display_facility(&token).await?;
    let events = format!("/display/{}/events", escape(&token));
    let html = format!(
        r#"<!doctype html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>صحتي · Sihati</title>
<link rel="stylesheet" href="/display.css">
<script src="/display.js" defer></script>
</head>
<body>
<main id="board" data-events="{events}" data-live="no">
<header><h1><span class="ar" id="name-ar"></span><span class="fr" lang="fr" dir="ltr" id="name-fr"></span></h1></header>
<p id="status" class="status"><span class="ar">جارٍ الاتصال…</span><span class="fr" lang="fr" dir="ltr">Connexion…</span></p>
<section class="calls"><h2><span class="ar">المدعوون</span><span class="fr" lang="fr" dir="ltr">Appelés</span></h2><ol id="called"></ol></section>
<section class="waiting"><h2><span class="ar">في الانتظار</span><span class="fr" lang="fr" dir="ltr">En attente</span></h2><div id="waiting"></div></section>
<aside class="checkin"><img id="check-in" alt="QR"><p><span class="ar">لديك موعد اليوم؟ امسح الرمز بهاتفك لتسجيل وصولك.</span><span class="fr" lang="fr" dir="ltr">Rendez-vous aujourd'hui ? Scannez ce code avec votre téléphone pour signaler votre arrivée.</span></p></aside>
</main>
</body>
</html>"#
    );
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

/// The live feed: the board now, then again on every change of this
/// facility's queues (and every [`REFRESH`]); ends when the server stops,
/// and the browser reconnects by itself.
pub async fn events(State(state): State<AppState>, Path(token): Path<String>) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiFailure> {
    let facility = state.domain.floor.display_facility(&token).await?;
    let floor = state.domain.floor.clone();
    let changes = floor.subscribe();
    let closing = floor.closing();
    let stream = futures::stream::unfold((changes, closing, floor, true), move |(mut changes, mut closing, floor, first)| async move {
        if !first {
            loop {
                tokio::select! {
                    _ = closing.changed() => return None,
                    got = tokio::time::timeout(REFRESH, changes.recv()) => match got {
                        Ok(Ok(f)) if f != facility => continue,
                        Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) => return None,
                        _ => break,
                    },
                }
            }
        }
        if *closing.borrow() {
            return None;
        }
        let board = floor.board(facility).await.ok()?;
        let event = Event::default().event("board").retry(Duration::from_secs(2)).json_data(&board).ok()?;
        Some((Ok(event), (changes, closing, floor, false)))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
