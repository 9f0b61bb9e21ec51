//! The directory's public pages: `/facilities/:id` (address, hours and
//! days, phone, the specialties offered each with a search there, and how
//! to get there: the map at its coordinates when the directorate gave
//! them) and `/practitioners/:id` (the specialty and where they practise,
//! each with the free times there). Both read fully without JavaScript.

use super::network::{day_text, WEEK};
use crate::components::FormError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::dto::DirectoryFacilityOut;

/// An unknown (or closed) facility or practitioner answers 404, as any
/// page that does not exist (the pages' resources are blocking, so the
/// status is set before the response starts).
fn not_found_status(e: &crate::error::AppError) {
    #[cfg(feature = "ssr")]
    if e.code() == shared::ErrorCode::NotFound {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = e;
}

fn name(f: &DirectoryFacilityOut, ar: bool) -> String {
    if ar {
        f.name_ar.clone()
    } else {
        f.name_fr.clone()
    }
}

/// The map links of a place with coordinates: OpenStreetMap in the browser,
/// and `geo:` for the phone's own map application.
fn map_links(i18n: leptos_i18n::I18nContext<Locale>, f: &DirectoryFacilityOut) -> Option<impl IntoView> {
    let (lat, lon) = (f.latitude?, f.longitude?);
    let osm = format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}");
    let geo = format!("geo:{lat},{lon}");
    Some(view! {
        <p data-test="map">
            <a href=osm rel="external noopener" target="_blank">{t!(i18n, places.map)}</a>
            " · "<a href=geo>{t!(i18n, places.map_app)}</a>
        </p>
    })
}

#[component]
pub fn FacilityPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let data = Resource::new_blocking(move || params.read().get("id").unwrap_or_default(), crate::api::facility_profile);
    view! {
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, profile.loading)}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => {
                    not_found_status(&e);
                    view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any()
                }
                Ok((f, offered)) => {
                    let ar = i18n.get_locale_untracked() == Locale::ar;
                    let title = name(&f, ar);
                    let commune = f.commune.as_ref().map(|c| if ar { c.name_ar.clone() } else { c.name_fr.clone() });
                    let days: Vec<&str> = WEEK.iter().filter(|d| f.open_days.contains(d)).map(|d| day_text(i18n, *d)).collect();
                    let (id, wilaya) = (f.id.to_string(), f.wilaya_code.clone());
                    view! {
                        <Title text=title.clone()/>
                        <article class="card" data-test="facility-page">
                            <h1>{title}</h1>
                            <p>{f.address.clone()}{commune.map(|c| view! { ", "{c} })}</p>
                            <p><strong>{t!(i18n, places.hours)}</strong>" "<bdi dir="ltr">{format!("{}–{}", f.opens_at, f.closes_at)}</bdi>
                                " · "{days.join(" ")}</p>
                            {f.phone.clone().map(|p| view! { <p><a href=format!("tel:{p}") dir="ltr">{p.clone()}</a></p> })}
                            <h2>{t!(i18n, places.how_to_get_there)}</h2>
                            <p class="hint">{f.address.clone()}</p>
                            {map_links(i18n, &f)}
                            <h2>{t!(i18n, places.specialties)}</h2>
                            <ul class="slots" data-test="offered">
                                {offered.into_iter().map(|s| {
                                    let href = format!("/book?specialty={}&wilaya={}&facility={}", s.code, wilaya, id);
                                    view! {
                                        <li class="card slot" data-code=s.code.clone()>
                                            <strong>{if ar { s.name_ar.clone() } else { s.name_fr.clone() }}</strong>
                                            <a href=href>{t!(i18n, places.free_times)}</a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </article>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn PractitionerPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let data = Resource::new_blocking(move || params.read().get("id").unwrap_or_default(), crate::api::practitioner_profile);
    view! {
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, profile.loading)}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => {
                    not_found_status(&e);
                    view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any()
                }
                Ok((p, specialty, places)) => {
                    let ar = i18n.get_locale_untracked() == Locale::ar;
                    let specialty_name = specialty.map(|s| if ar { s.name_ar } else { s.name_fr }).unwrap_or_default();
                    let (pid, code) = (p.id.to_string(), p.specialty.clone());
                    view! {
                        <Title text=p.name.clone()/>
                        <article class="card" data-test="practitioner-page">
                            <h1>{p.name.clone()}</h1>
                            <p>{specialty_name}</p>
                            <h2>{t!(i18n, places.works_at)}</h2>
                            <ul class="slots">
                                {places.into_iter().map(|f| {
                                    let book = format!("/book?specialty={}&wilaya={}&facility={}&practitioner={}", code, f.wilaya_code, f.id, pid);
                                    view! {
                                        <li class="card slot">
                                            <a href=format!("/facilities/{}", f.id)><strong>{name(&f, ar)}</strong></a>
                                            <span>{f.address.clone()}</span>
                                            <a href=book data-test="practitioner-times">{t!(i18n, places.free_times)}</a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </article>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
