//! Finding a free slot and booking it; one's own appointments.
//! The search is a plain GET form (its parameters are not personal data),
//! booking and cancelling are ActionForms: all work before the WASM loads.

use crate::components::{action_error, FormError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use shared::dto::{AppointmentOut, SlotOut};

/// Algiers wall-clock time (UTC+1 all year), day first as read in Algeria.
pub fn local_time(t: chrono::DateTime<chrono::Utc>) -> String {
    let offset = chrono::FixedOffset::east_opt(3600).expect("valid offset");
    t.with_timezone(&offset).format("%d/%m/%Y %H:%M").to_string()
}

fn plus_days(today: chrono::NaiveDate, days: i64) -> String {
    (today + chrono::Duration::days(days)).format("%Y-%m-%d").to_string()
}

#[component]
pub fn BookPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k));
    let directory = Resource::new(|| (), |_| crate::api::directory());
    let results = Resource::new(
        move || (param("specialty"), param("wilaya"), param("from"), param("to")),
        |(s, w, f, t)| async move {
            match (s, w) {
                (Some(s), Some(w)) if !s.is_empty() && !w.is_empty() => {
                    Some(crate::api::search_slots(s, w, f.unwrap_or_default(), t.unwrap_or_default()).await)
                }
                _ => None,
            }
        },
    );
    let book = ServerAction::<crate::api::BookSlot>::new();
    let is_ar = move || i18n.get_locale() == Locale::ar;
    view! {
        <Title text=move || t_string!(i18n, book.title)/>
        <h1>{t!(i18n, book.title)}</h1>
        <Suspense fallback=|| ()>
            {move || directory.get().map(|d| match d {
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok((specialties, wilayas, today)) => {
                    let chosen_s = param("specialty").unwrap_or_default();
                    let chosen_w = param("wilaya").unwrap_or_else(|| "31".into());
                    let locale = i18n.get_locale_untracked();
                    view! {
                        <form method="get" action="/book" class="form card" data-test="search">
                            <div class="field">
                                <label for="specialty">{t!(i18n, book.specialty)}</label>
                                <select id="specialty" name="specialty" required>
                                    {specialties.into_iter().map(|s| {
                                        let name = match locale { Locale::ar => s.name_ar.clone(), Locale::fr => s.name_fr.clone(), Locale::en => s.name_en.clone() };
                                        let selected = s.code == chosen_s;
                                        view! { <option value=s.code.clone() selected=selected>{name}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="wilaya">{t!(i18n, book.wilaya)}</label>
                                <select id="wilaya" name="wilaya" required>
                                    {wilayas.into_iter().map(|w| {
                                        let name = format!("{} — {}", w.code, if locale == Locale::ar { w.name_ar.clone() } else { w.name_fr.clone() });
                                        let selected = w.code == chosen_w;
                                        view! { <option value=w.code.clone() selected=selected>{name}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="from">{t!(i18n, book.from)}</label>
                                <input id="from" name="from" type="date" value=param("from").unwrap_or_else(|| plus_days(today, 1))/>
                            </div>
                            <div class="field">
                                <label for="to">{t!(i18n, book.to)}</label>
                                <input id="to" name="to" type="date" value=param("to").unwrap_or_else(|| plus_days(today, 28))/>
                            </div>
                            <button type="submit">{t!(i18n, book.search)}</button>
                        </form>
                    }.into_any()
                }
            })}
        </Suspense>
        <FormError error=action_error(book.value())/>
        <Suspense fallback=|| ()>
            {move || results.get().flatten().map(|r| match r {
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(slots) if slots.is_empty() => view! { <p class="card" data-test="no-slots">{t!(i18n, book.none)}</p> }.into_any(),
                Ok(slots) => view! {
                    <h2>{t!(i18n, book.results)}</h2>
                    <p class="hint">{t!(i18n, book.times_note)}</p>
                    <ul class="slots">
                        {slots.into_iter().map(|s: SlotOut| {
                            let place = if is_ar() { s.facility_name_ar.clone() } else { s.facility_name_fr.clone() };
                            view! {
                                <li class="card slot" data-test="slot">
                                    <strong dir="ltr">{local_time(s.starts_at)}</strong>
                                    <span>{place}</span>
                                    <span>{t!(i18n, book.with)}" "{s.practitioner_name.clone()}</span>
                                    <ActionForm action=book attr:class="inline">
                                        <input type="hidden" name="slot_id" value=s.id.to_string()/>
                                        <button type="submit" disabled=move || book.pending().get()>{t!(i18n, book.book_button)}</button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
pub fn AppointmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let cancel = ServerAction::<crate::api::CancelAppointment>::new();
    let list = Resource::new(move || cancel.version().get(), |_| crate::api::my_appointments());
    let status_text = move |s: &str| match s {
        "booked" => t_string!(i18n, appointments.booked),
        "cancelled" => t_string!(i18n, appointments.cancelled),
        "arrived" => t_string!(i18n, appointments.arrived),
        "fulfilled" => t_string!(i18n, appointments.fulfilled),
        _ => t_string!(i18n, appointments.noshow),
    };
    view! {
        <Title text=move || t_string!(i18n, appointments.title)/>
        <h1>{t!(i18n, appointments.title)}</h1>
        <FormError error=action_error(cancel.value())/>
        <Suspense fallback=|| ()>
            {move || list.get().map(|r| match r {
                Err(e) if e.code() == shared::ErrorCode::Unauthorized => view! { <leptos_router::components::Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(list) if list.is_empty() => view! {
                    <p>{t!(i18n, appointments.none)}</p>
                    <A href="/book" attr:class="button">{t!(i18n, nav.book)}</A>
                }.into_any(),
                Ok(list) => view! {
                    <ul class="slots">
                        {list.into_iter().map(|a: AppointmentOut| {
                            let place = if i18n.get_locale_untracked() == Locale::ar { a.facility_name_ar.clone() } else { a.facility_name_fr.clone() };
                            let booked = a.status == "booked";
                            view! {
                                <li class="card slot" data-test="appointment" data-status=a.status.clone()>
                                    <strong dir="ltr">{local_time(a.starts_at)}</strong>
                                    <span>{place}</span>
                                    <span>{a.practitioner_name.clone()}</span>
                                    <span class="status">{status_text(&a.status)}</span>
                                    {booked.then(|| view! {
                                        <ActionForm action=cancel attr:class="inline">
                                            <input type="hidden" name="id" value=a.id.to_string()/>
                                            <button type="submit" class="secondary-button">{t!(i18n, appointments.cancel)}</button>
                                        </ActionForm>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
}
