//! `/figures`: the directorate's figures (a facility administrator's for
//! their facility). The period is a plain GET form, so the page reads and
//! changes without JavaScript; the charts are SVG drawn with the page on
//! the server (readable before the WASM, printable), each a labelled image
//! with the numbers in the table beside it; the same figures as CSV. The
//! directorate picks one of its facilities or the whole wilaya in the same
//! form.

use crate::components::FormError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::dto::{FigureRow, FiguresOut};

/// Bars drawn at most (the table has every row).
const MAX_BARS: usize = 24;
const BAR: f64 = 22.0;
const LABEL_W: f64 = 260.0;
const CHART_W: f64 = 620.0;

fn label(r: &FigureRow, ar: bool) -> String {
    if ar {
        format!("{} · {}", r.facility_name_ar, r.specialty_name_ar)
    } else {
        format!("{} · {}", r.facility_name, r.specialty_name_fr)
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1} %")).unwrap_or_else(|| "—".to_owned())
}

/// A horizontal bar chart of a percentage per row.
fn bars(id: &'static str, title: String, rows: &[FigureRow], ar: bool, value: fn(&FigureRow) -> Option<f64>) -> impl IntoView {
    let with_value: Vec<&FigureRow> = rows.iter().filter(|r| value(r).is_some()).collect();
    let more = with_value.len().saturating_sub(MAX_BARS);
    let shown: Vec<&FigureRow> = with_value.into_iter().take(MAX_BARS).collect();
    let height = BAR * shown.len().max(1) as f64 + 8.0;
    let mut desc = shown.iter().map(|r| format!("{}: {}", label(r, ar), pct(value(r)))).collect::<Vec<_>>().join("; ");
    if more > 0 {
        desc.push_str(&format!(" (+{more}: see the table)"));
    }
    let scale = CHART_W - LABEL_W - 70.0;
    view! {
        <figure class="chart" data-test=id>
            <svg viewBox=format!("0 0 {CHART_W} {height}") width="100%" role="img" aria-labelledby=format!("{id}-title") aria-describedby=format!("{id}-desc") dir="ltr">
                <title id=format!("{id}-title")>{title.clone()}</title>
                <desc id=format!("{id}-desc")>{desc}</desc>
                {shown.into_iter().enumerate().map(|(i, r)| {
                    let y = 4.0 + BAR * i as f64;
                    let v = value(r).unwrap_or(0.0);
                    view! {
                        <g>
                            <text x="0" y=y + 15.0 font-size="12" fill="currentColor">{label(r, ar).chars().take(40).collect::<String>()}</text>
                            <rect x=LABEL_W y=y + 3.0 width=(scale * v / 100.0).max(1.0) height=BAR - 8.0 fill="#0b6e4f"></rect>
                            <text x=LABEL_W + (scale * v / 100.0).max(1.0) + 6.0 y=y + 15.0 font-size="12" fill="currentColor">{pct(Some(v))}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

/// The bookings of the period by channel, as one stacked bar with its legend.
fn channels(title: String, t: &FigureRow, names: [&'static str; 3]) -> impl IntoView {
    let parts = [(names[0], t.booked_web, "#0b6e4f"), (names[1], t.booked_mobile, "#3a86ff"), (names[2], t.booked_desk, "#f4a259")];
    let all: u64 = parts.iter().map(|p| p.1).sum();
    let desc = parts.iter().map(|(n, v, _)| format!("{n}: {v}")).collect::<Vec<_>>().join("; ");
    let mut x = 0.0;
    let segments: Vec<_> = parts
        .iter()
        .map(|(n, v, color)| {
            let w = if all == 0 { 0.0 } else { CHART_W * *v as f64 / all as f64 };
            let seg = (x, w, *color, format!("{n}: {v}"));
            x += w;
            seg
        })
        .collect();
    view! {
        <figure class="chart" data-test="chart-channels">
            <svg viewBox=format!("0 0 {CHART_W} 56") width="100%" role="img" aria-labelledby="channels-title" aria-describedby="channels-desc" dir="ltr">
                <title id="channels-title">{title.clone()}</title>
                <desc id="channels-desc">{desc}</desc>
                {segments.iter().map(|(x, w, color, _)| view! { <rect x=*x y="0" width=*w height="24" fill=*color></rect> }).collect_view()}
                {segments.into_iter().enumerate().map(|(i, (_, _, color, text))| {
                    let lx = 200.0 * i as f64;
                    view! {
                        <g>
                            <rect x=lx y="34" width="12" height="12" fill=color></rect>
                            <text x=lx + 18.0 y="45" font-size="12" fill="currentColor">{text}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

fn table(i18n: leptos_i18n::I18nContext<Locale>, f: &FiguresOut, ar: bool) -> impl IntoView {
    let num = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".to_owned());
    let line = move |r: &FigureRow, total: bool| {
        view! {
            <tr data-test=if total { "figures-total" } else { "figures-row" } data-specialty=r.specialty.clone()>
                <th scope="row">{if ar { r.facility_name_ar.clone() } else { r.facility_name.clone() }}</th>
                <td>{if ar { r.specialty_name_ar.clone() } else { r.specialty_name_fr.clone() }}</td>
                <td>{r.slots_published}</td>
                <td data-test="booked">{r.slots_booked}</td>
                <td>{pct(r.fill_rate)}</td>
                <td>{r.appointments_due}</td>
                <td>{r.no_shows}</td>
                <td>{pct(r.no_show_rate)}</td>
                <td>{r.cancellations}</td>
                <td>{format!("{}/{}", r.slots_rebooked, r.slots_freed)}</td>
                <td>{r.third_next_available_days.map(|d| d.to_string()).unwrap_or_else(|| "—".to_owned())}</td>
                <td>{format!("{} / {}", num(r.wait_p50_minutes), num(r.wait_p90_minutes))}</td>
                <td>{format!("{} / {} / {}", r.booked_web, r.booked_mobile, r.booked_desk)}</td>
            </tr>
        }
    };
    view! {
        <div class="table-scroll">
            <table class="figures" data-test="figures-table">
                <caption>{t!(i18n, figures.title)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, figures.facility)}</th>
                        <th scope="col">{t!(i18n, figures.specialty)}</th>
                        <th scope="col">{t!(i18n, figures.published)}</th>
                        <th scope="col">{t!(i18n, figures.booked)}</th>
                        <th scope="col">{t!(i18n, figures.fill_rate)}</th>
                        <th scope="col">{t!(i18n, figures.due)}</th>
                        <th scope="col">{t!(i18n, figures.no_shows)}</th>
                        <th scope="col">{t!(i18n, figures.no_show_rate)}</th>
                        <th scope="col">{t!(i18n, figures.cancellations)}</th>
                        <th scope="col">{t!(i18n, figures.rebooked)}</th>
                        <th scope="col">{t!(i18n, figures.third_next)}</th>
                        <th scope="col">{t!(i18n, figures.wait)}</th>
                        <th scope="col">{t!(i18n, figures.channels)}</th>
                    </tr>
                </thead>
                <tbody>
                    {f.rows.iter().map(|r| line(r, false)).collect_view()}
                    {line(&f.total, true)}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn FiguresPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // Empty: the server's default period (a month either side of its today).
    let param = move |k: &str| query.read().get(k).unwrap_or_default();
    let figures = Resource::new(move || (param("from"), param("to"), param("facility_id")), |(from, to, facility)| crate::api::figures(from, to, facility));
    let ar = move || i18n.get_locale_untracked() == Locale::ar;
    // The directorate's facilities, for the picker (others have one facility).
    let session = expect_context::<crate::SessionResource>();
    // Awaited inside the fetcher (not tracked as the source), so the
    // server renders the list it will hand to the browser.
    let facilities = Resource::new(
        || (),
        move |_| async move {
            let directorate = session.await.ok().flatten().is_some_and(|p| p.role == shared::Role::HealthAdmin);
            if directorate {
                crate::api::network_facilities().await.unwrap_or_default()
            } else {
                Vec::new()
            }
        },
    );
    let period_form = move |from: String, to: String| {
        let chosen = param("facility_id");
        let places = facilities.get().unwrap_or_default();
        view! {
            <form method="get" action="/figures" class="form card inline-form" data-test="figures-period">
                <div class="field">
                    <label for="fig-from">{t!(i18n, figures.from)}</label>
                    <input id="fig-from" name="from" type="date" required value=from/>
                </div>
                <div class="field">
                    <label for="fig-to">{t!(i18n, figures.to)}</label>
                    <input id="fig-to" name="to" type="date" required value=to/>
                </div>
                {if places.is_empty() {
                    view! { <input type="hidden" name="facility_id" value=chosen/> }.into_any()
                } else {
                    view! {
                        <div class="field">
                            <label for="fig-facility">{t!(i18n, figures.facility)}</label>
                            <select id="fig-facility" name="facility_id">
                                <option value="" selected=chosen.is_empty()>{t!(i18n, figures.whole_wilaya)}</option>
                                {places.into_iter().map(|f| {
                                    let id = f.id.to_string();
                                    let selected = id == chosen;
                                    view! { <option value=id selected=selected>{if ar() { f.name_ar } else { f.name_fr }}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    }.into_any()
                }}
                <button type="submit">{t!(i18n, figures.show)}</button>
            </form>
        }
    };
    view! {
        <Title text=move || t_string!(i18n, figures.title)/>
        <h1>{t!(i18n, figures.title)}</h1>
        <p class="hint">{t!(i18n, figures.hint)}</p>
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, profile.loading)}</p> }>
            {move || figures.get().map(|r| match r {
                Err(e) => view! {
                    {period_form(param("from"), param("to"))}
                    <FormError error=Signal::derive(move || Some(e.clone()))/>
                }.into_any(),
                Ok(f) => {
                    let facility = param("facility_id");
                    let csv = if facility.is_empty() {
                        format!("/figures.csv?from={}&to={}", f.from, f.to)
                    } else {
                        format!("/figures.csv?from={}&to={}&facility_id={}", f.from, f.to, facility)
                    };
                    let ar = ar();
                    view! {
                        {period_form(f.from.to_string(), f.to.to_string())}
                        <p data-test="figures-scope"><strong>{if ar { f.scope_ar.clone() } else { f.scope.clone() }}</strong>" · "<span dir="ltr">{format!("{} → {}", f.from, f.to)}</span></p>
                        {if f.rows.is_empty() {
                            view! { <p>{t!(i18n, figures.none)}</p> }.into_any()
                        } else {
                            view! {
                                <div class="charts">
                                    {bars("chart-fill", t_string!(i18n, figures.fill_rate_title).to_owned(), &f.rows, ar, |r| r.fill_rate)}
                                    {bars("chart-no-shows", t_string!(i18n, figures.no_show_rate_title).to_owned(), &f.rows, ar, |r| r.no_show_rate)}
                                    {channels(t_string!(i18n, figures.channels_title).to_owned(), &f.total,
                                        [t_string!(i18n, figures.web), t_string!(i18n, figures.mobile), t_string!(i18n, figures.desk)])}
                                </div>
                            }.into_any()
                        }}
                        {table(i18n, &f, ar)}
                        <p><a href=csv rel="external" download="sihati-figures.csv" data-test="figures-csv">{t!(i18n, figures.csv)}</a></p>
                        <p class="hint">{t!(i18n, figures.definitions)}</p>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
