//! `loadgen`: drives `bench/booking.sh`.
//!
//! - `raw`: an axum server answering `GET /api/v1/slots` with a JSON body
//!   held in memory — the ceiling a real search is compared against;
//! - `search`: N concurrent keep-alive connections GETting one URL for a
//!   fixed time; prints requests/s and latency percentiles;
//! - `book`: N concurrent citizens (one bearer token each) booking distinct
//!   slots from a list for their dependants; prints bookings/s and latency
//!   percentiles.

use anyhow::Context;
use clap::{Parser, Subcommand};
use hdrhistogram::Histogram;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve a file's bytes as the slot-search JSON.
    Raw {
        #[arg(long)]
        port: u16,
        #[arg(long)]
        json: std::path::PathBuf,
    },
    /// Hammer one GET URL.
    Search {
        #[arg(long)]
        url: String,
        #[arg(long, default_value_t = 200)]
        concurrency: usize,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
    /// Book slots: one client per line of `clients` (`token<TAB>dependant,dependant,…`),
    /// each booking for its next dependant (one active appointment per person
    /// and specialty), slot ids taken in turn from `slots`.
    Book {
        #[arg(long)]
        base: String,
        #[arg(long)]
        clients: std::path::PathBuf,
        #[arg(long)]
        slots: std::path::PathBuf,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
}

struct Report {
    ok: u64,
    failed: u64,
    elapsed: Duration,
    hist: Histogram<u64>,
}

impl Report {
    fn print(&self, what: &str) {
        let secs = self.elapsed.as_secs_f64();
        println!(
            "{what}: {} ok, {} failed in {:.1} s = {:.0}/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            self.ok,
            self.failed,
            secs,
            self.ok as f64 / secs,
            self.hist.value_at_quantile(0.50) as f64 / 1000.0,
            self.hist.value_at_quantile(0.99) as f64 / 1000.0,
            self.hist.max() as f64 / 1000.0,
        );
    }
}

fn client(concurrency: usize) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder().pool_max_idle_per_host(concurrency).timeout(Duration::from_secs(30)).build()?)
}

async fn search(url: String, concurrency: usize, seconds: u64) -> anyhow::Result<Report> {
    let client = client(concurrency)?;
    // Warm the connections and the server's caches.
    for _ in 0..concurrency.min(20) {
        client.get(&url).send().await?.bytes().await?;
    }
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let mut hist = Histogram::<u64>::new(3).expect("histogram");
                let (mut ok, mut failed) = (0, 0);
                while Instant::now() < deadline {
                    let t = Instant::now();
                    match client.get(&url).send().await {
                        Ok(r) if r.status().is_success() => match r.bytes().await {
                            Ok(_) => {
                                ok += 1;
                                hist.record(t.elapsed().as_micros() as u64).ok();
                            }
                            Err(_) => failed += 1,
                        },
                        _ => failed += 1,
                    }
                }
                (ok, failed, hist)
            })
        })
        .collect();
    merge(tasks, start).await
}

async fn merge(tasks: Vec<tokio::task::JoinHandle<(u64, u64, Histogram<u64>)>>, start: Instant) -> anyhow::Result<Report> {
    let mut report = Report { ok: 0, failed: 0, elapsed: Duration::ZERO, hist: Histogram::new(3)? };
    for t in tasks {
        let (ok, failed, hist) = t.await?;
        report.ok += ok;
        report.failed += failed;
        report.hist.add(hist)?;
    }
    report.elapsed = start.elapsed();
    Ok(report)
}

async fn book(base: String, clients: Vec<String>, slots: Vec<String>, seconds: u64) -> anyhow::Result<Report> {
    let client = client(clients.len())?;
    let slots = Arc::new(slots);
    let next = Arc::new(AtomicUsize::new(0));
    let url = format!("{base}/api/v1/appointments");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|line| {
            let (client, url, slots, next) = (client.clone(), url.clone(), slots.clone(), next.clone());
            tokio::spawn(async move {
                let (token, deps) = line.split_once('\t').unwrap_or((&line, ""));
                let mut people = deps.split(',').filter(|d| !d.is_empty());
                let mut hist = Histogram::<u64>::new(3).expect("histogram");
                let (mut ok, mut failed) = (0, 0);
                while Instant::now() < deadline {
                    let Some(person) = people.next() else { break };
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(slot) = slots.get(i) else { break };
                    let t = Instant::now();
                    let body = serde_json::json!({ "slot_id": slot, "dependant_id": person });
                    match client.post(&url).bearer_auth(token).json(&body).send().await {
                        Ok(r) if r.status().as_u16() == 201 => {
                            ok += 1;
                            hist.record(t.elapsed().as_micros() as u64).ok();
                        }
                        Ok(r) => {
                            failed += 1;
                            if failed <= 3 {
                                eprintln!("booking refused: {} {}", r.status(), r.text().await.unwrap_or_default());
                            }
                        }
                        Err(e) => {
                            failed += 1;
                            eprintln!("booking failed: {e}");
                        }
                    }
                }
                (ok, failed, hist)
            })
        })
        .collect();
    merge(tasks, start).await
}

fn lines(path: &std::path::Path) -> anyhow::Result<Vec<String>> {
    Ok(std::fs::read_to_string(path)
        .with_context(|| format!("reading {}", path.display()))?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().cmd {
        Cmd::Raw { port, json } => {
            let body: &'static [u8] = Box::leak(std::fs::read(&json)?.into_boxed_slice());
            let app = axum::Router::new()
                .route("/api/v1/slots", axum::routing::get(move || async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], body) }));
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            axum::serve(listener, app).await?;
        }
        Cmd::Search { url, concurrency, seconds } => search(url, concurrency, seconds).await?.print("search"),
        Cmd::Book { base, clients, slots, seconds } => book(base, lines(&clients)?, lines(&slots)?, seconds).await?.print("booking"),
    }
    Ok(())
}
