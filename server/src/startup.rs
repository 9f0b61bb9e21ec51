//! Building and running the server. `build` does everything up to having a
//! router (connect, migrate, seed, wire); `serve` runs it on a listener
//! until the shutdown future resolves. Tests call both with port 0.

use crate::config::Config;
use crate::security::{self, CspNonce};
use anyhow::Context;
use app::{shell, App, WebContext};
use axum::extract::{ConnectInfo, FromRef, FromRequestParts, Path, Query, State};
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use domain::Domain;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;

#[derive(Clone)]
pub struct AppState {
    pub domain: Domain,
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

/// The client's IP: the socket peer, or — behind `proxy_hops` trusted
/// proxies — the `X-Forwarded-For` entry the outermost proxy added.
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientIp(app::api::server_side::client_ip_from(&parts.headers, peer, state.config.proxy_hops)))
    }
}

/// A built server, ready to serve.
pub struct Application {
    pub router: Router,
    pub state: AppState,
}

/// Where cargo-leptos put the site (or the defaults it would use).
fn leptos_options(config: &Config) -> LeptosOptions {
    let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_owned());
    LeptosOptions::builder()
        .output_name(env("LEPTOS_OUTPUT_NAME", "sihati"))
        .site_root(match &config.site_root {
            Some(dir) => dir.display().to_string(),
            None => env("LEPTOS_SITE_ROOT", "target/site"),
        })
        .site_pkg_dir(env("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(config.bind)
        .env(if env("LEPTOS_ENV", "DEV").eq_ignore_ascii_case("PROD") { leptos::config::Env::PROD } else { leptos::config::Env::DEV })
        // cargo-leptos's `hash-files`: the file names it wrote (with their
        // content hashes) are in this file beside the server's executable.
        .hash_files(env("LEPTOS_HASH_FILES", "false") == "true")
        .hash_file(std::sync::Arc::<str>::from(env("LEPTOS_HASH_FILE_NAME", "hash.txt")))
        .build()
}

/// Connects, migrates, loads reference (and, if configured, demo) data and
/// wires the router.
pub async fn build(config: Config) -> anyhow::Result<Application> {
    let url = config.database_url();
    if config.is_sqlite() {
        std::fs::create_dir_all(&config.data_dir).with_context(|| format!("creating {}", config.data_dir.display()))?;
    }
    let db = domain::db::connect(&url, config.database_max_connections).await.context("connecting to the database")?;
    domain::db::migrate(&db).await.context("migrating the database")?;
    let domain = Domain::new(db, config.domain_config()?);
    domain.seed_reference().await.context("loading reference data")?;
    if config.seed_demo && domain.seed_demo().await.context("loading demo data")? {
        tracing::info!("demo data loaded into an empty database");
    }
    let state = AppState { domain, leptos_options: leptos_options(&config), config: Arc::new(config) };
    Ok(Application { router: router(state.clone()), state })
}

fn router(state: AppState) -> Router {
    let web = WebContext { domain: state.domain.clone(), cookie_secure: state.config.cookie_secure, proxy_hops: state.config.proxy_hops };
    // Runs inside every page render and server function.
    let context = move || {
        provide_context(web.clone());
        if let Some(nonce) = use_context::<Parts>().and_then(|p| p.extensions.get::<CspNonce>().cloned()) {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0));
        }
    };
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let same_origin = security::SameOrigin::from_public_url(&state.domain.config().notify.public_url);
    let timeouts = security::Timeouts {
        request: std::time::Duration::from_secs(state.config.request_timeout_secs.max(1)),
        upload: std::time::Duration::from_secs(state.config.upload_timeout_secs.max(1)),
    };
    Router::new()
        .merge(crate::api::router(state.clone()))
        .merge(crate::files::router(state.config.attachment_max_bytes))
        .merge(crate::fhir::router())
        .route("/health/live", get(|| async { "ok" }))
        .route("/health/ready", get(ready))
        .route("/lang/{code}", get(switch_language))
        .route("/display/{token}", get(crate::display::page))
        .route("/display/{token}/events", get(crate::display::events))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        // `/pkg`, cargo-leptos's output, by leptos_axum's own ServeDir:
        // precompressed at build time (brotli, gzip) when cargo-leptos ran
        // with --precompress, compressed by the layer below otherwise;
        // revalidations (what `no-cache` files rely on) get a 304 and the
        // rest of a download cut short a 206. The file-and-error fallback
        // below, which served it before, drops every request header but
        // Accept-Encoding.
        .route_service(&leptos_axum::site_pkg_dir_service_route_path(&options), leptos_axum::site_pkg_dir_service(&options))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(same_origin, security::same_origin_writes))
        // A request not answered in time gets 408 (a stuck database call
        // must not hold the connection for ever); uploads get longer.
        .layer(axum::middleware::from_fn_with_state(timeouts, security::timeout))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

/// Ready when the database answers.
async fn ready(State(state): State<AppState>) -> Response {
    match state.domain.db().ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

#[derive(serde::Deserialize)]
struct Next {
    next: Option<String>,
}

/// Sets the language cookie and goes back to the page: a plain link, so the
/// switch works before the WASM has loaded.
async fn switch_language(Path(code): Path<String>, Query(q): Query<Next>) -> Response {
    let Some(lang) = shared::Lang::parse(&code).filter(|l| l.code() == code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Only same-site paths: never an open redirect.
    let mut res = Redirect::to(shared::safe_next_or_home(q.next.as_deref())).into_response();
    if let Ok(v) = HeaderValue::from_str(&app::api::server_side::lang_cookie(lang)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Serves until `shutdown` resolves, then stops accepting, lets in-flight
/// requests finish, lets the outbox worker finish the message in hand and
/// give back the rest, and returns.
///
/// The accept loop is ours rather than `axum::serve` because that one sets
/// no timer on hyper, so hyper's header-read timeout never fires: a client
/// that opens a connection and sends its headers a byte at a time would
/// hold it for ever. Here a connection that has not sent its request
/// headers within `header_read_timeout_secs` is closed.
pub async fn serve(listener: TcpListener, app: Application, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let mut jobs = spawn_jobs(&app.state.domain, app.state.config.audit_anchor_secs);
    if app.state.config.waitlist_job {
        jobs.push(waitlist_job(&app.state.domain));
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let transports = crate::notify::Transports::from_config(&app.state.config)?;
    let poll = std::time::Duration::from_millis(app.state.config.outbox_poll_ms.max(10));
    let worker = tokio::spawn(crate::notify::run_worker(app.state.domain.clone(), transports, poll, stop_rx));
    let header_timeout = std::time::Duration::from_secs(app.state.config.header_read_timeout_secs.max(1));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let router = app.router;
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors, say: wait rather than spin.
                        tracing::warn!(error = %e, "accepting a connection failed");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let service = router.clone().map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    req.map(axum::body::Body::new)
                });
                let conn = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            _ = &mut shutdown => break,
        }
    }
    // Stop taking work at once: the worker finishes its send while
    // in-flight requests finish.
    let _ = stop_tx.send(true);
    // The waiting-room screens' feeds never end by themselves: end them,
    // and the screens reconnect to the next server.
    app.state.domain.floor.close();
    drop(listener);
    if tokio::time::timeout(std::time::Duration::from_secs(30), graceful.shutdown()).await.is_err() {
        tracing::warn!("some connections were still busy 30 s after the shutdown signal");
    }
    for job in jobs {
        job.abort();
    }
    if tokio::time::timeout(std::time::Duration::from_secs(30), worker).await.is_err() {
        tracing::warn!("the outbox worker did not stop within 30 s; its leases run out");
    }
    Ok(())
}

/// The waitlist job: resumes every scope with someone waiting at start,
/// then runs when a change signalled the waiting list (woken after its
/// commit) and every half-minute (expired offers; another process's
/// signals; a lease a dead run left).
fn waitlist_job(domain: &domain::Domain) -> tokio::task::JoinHandle<()> {
    let domain = domain.clone();
    tokio::spawn(async move {
        let wake = domain.waitlist.wake();
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Until the start's resume has succeeded once (the database may be
        // down at start), each run is a resume.
        let mut resumed = false;
        tick.tick().await;
        loop {
            let run = if resumed { domain.waitlist.run_waitlist().await } else { domain.waitlist.resume().await };
            match run {
                Ok(_) => resumed = true,
                Err(e) => tracing::warn!(error = ?e, job = "waitlist", "periodic job failed; it runs again at the next tick"),
            }
            tokio::select! {
                _ = tick.tick() => {}
                _ = wake.notified() => {}
            }
        }
    })
}

/// The periodic upkeep. Each job is idempotent and keeps its state in the
/// database, so a restart (or a second server) loses nothing: throttle and
/// idempotency-key pruning every 5 minutes; the waitlist job (expiry, next
/// offers: `waitlist_job`); the rolling booking horizon and the purge of
/// settled outbox messages at start and hourly; the access-log heads
/// anchored at start and every `audit_anchor_secs`.
fn spawn_jobs(domain: &domain::Domain, anchor_secs: u64) -> Vec<tokio::task::JoinHandle<()>> {
    use std::time::Duration;
    fn every<F, Fut>(period: Duration, domain: &domain::Domain, what: &'static str, job: F) -> tokio::task::JoinHandle<()>
    where
        F: Fn(domain::Domain) -> Fut + Send + 'static,
        Fut: Future<Output = domain::Result<()>> + Send,
    {
        let domain = domain.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = job(domain.clone()).await {
                    tracing::warn!(error = ?e, job = what, "periodic job failed; it runs again at the next tick");
                }
            }
        })
    }
    vec![
        every(Duration::from_secs(300), domain, "prune", |d| async move {
            d.prune_throttle();
            d.sessions.idempotency_prune().await.map(|_| ())
        }),
        every(Duration::from_secs(3600), domain, "horizon", |d| async move { d.schedule.extend_horizon().await.map(|_| ()) }),
        every(Duration::from_secs(3600), domain, "outbox purge", |d| async move { d.notifications.purge_outbox().await.map(|_| ()) }),
        every(Duration::from_secs(anchor_secs.max(1)), domain, "access-log anchors", |d| async move { d.audit.anchor_access_heads().await.map(|_| ()) }),
    ]
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received: finishing in-flight requests");
}
