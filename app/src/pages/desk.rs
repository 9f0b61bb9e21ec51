//! The polyclinic desk: publish a practitioner's weekly availability,
//! close a day or hours (and see the bookings that conflict), and the day
//! list with who is booked.

use crate::components::{action_error, field_error, FormError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let practitioners = Resource::new(|| (), |_| crate::api::desk_practitioners());
    let publish = ServerAction::<crate::api::PublishTemplate>::new();
    let close = ServerAction::<crate::api::AddClosure>::new();
    let cancel = ServerAction::<crate::api::DeskCancel>::new();
    let query = use_query_map();
    let day = move || query.with(|q| q.get("day")).filter(|d| !d.is_empty());
    let day_list = Resource::new(
        move || (day(), close.version().get(), cancel.version().get(), publish.version().get()),
        |(d, _, _, _)| async move {
            match d {
                Some(d) => Some(crate::api::day_list(d).await),
                None => None,
            }
        },
    );
    let slot_status = move |s: &str| match s {
        "open" => t_string!(i18n, desk.free),
        "closed" => t_string!(i18n, desk.closed),
        "held" => t_string!(i18n, desk.held),
        _ => t_string!(i18n, desk.booked),
    };
    let value = publish.value();
    let day_names = move || {
        [
            (1u8, t_string!(i18n, days.mon)),
            (2, t_string!(i18n, days.tue)),
            (3, t_string!(i18n, days.wed)),
            (4, t_string!(i18n, days.thu)),
            (7, t_string!(i18n, days.sun)),
        ]
    };
    let field_err = move |name: &'static str| {
        let e = field_error(value, name);
        move || e.get().map(|c| crate::error::error_text(i18n.get_locale(), c))
    };
    view! {
        <Title text=move || t_string!(i18n, desk.title)/>
        <h1>{t!(i18n, desk.title)}</h1>
        <Suspense fallback=|| ()>
            {move || practitioners.get().map(|r| match r {
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(list) => {
                    let list2 = list.clone();
                    view! {
                    <ActionForm action=publish attr:class="form card" attr:data-test="publish">
                        <FormError error=action_error(value)/>
                        {move || value.get().and_then(|r| r.ok()).map(|out| {
                            let count = out.slots_created;
                            view! { <p class="ok" role="status" data-test="published">{t!(i18n, desk.published, count = move || count)}</p> }
                        })}
                        <div class="field">
                            <label for="practitioner_id">{t!(i18n, desk.practitioner)}</label>
                            <select id="practitioner_id" name="practitioner_id">
                                {list.into_iter().map(|p| view! { <option value=p.id.to_string()>{format!("{} ({})", p.name, p.specialty)}</option> }).collect_view()}
                            </select>
                            <p class="error">{field_err("practitioner_id")}</p>
                        </div>
                        <div class="field">
                            <label for="weekday">{t!(i18n, desk.weekday)}</label>
                            <select id="weekday" name="weekday">
                                {day_names().into_iter().map(|(n, name)| view! { <option value=n.to_string()>{name}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="start">{t!(i18n, desk.start)}</label>
                            <input id="start" name="start" type="time" value="08:00" required/>
                        </div>
                        <div class="field">
                            <label for="end">{t!(i18n, desk.end)}</label>
                            <input id="end" name="end" type="time" value="12:00" required/>
                            <p class="error">{field_err("end")}</p>
                        </div>
                        <div class="field">
                            <label for="slot_minutes">{t!(i18n, desk.slot_minutes)}</label>
                            <input id="slot_minutes" name="slot_minutes" type="number" min="5" max="240" value="20" required/>
                        </div>
                        <div class="field">
                            <label for="valid_from">{t!(i18n, desk.valid_from)}</label>
                            <input id="valid_from" name="valid_from" type="date" required/>
                            <p class="error">{field_err("valid_from")}</p>
                        </div>
                        <div class="field">
                            <label for="valid_to">{t!(i18n, desk.valid_to)}</label>
                            <input id="valid_to" name="valid_to" type="date"/>
                        </div>
                        <button type="submit" disabled=move || publish.pending().get()>{t!(i18n, desk.publish)}</button>
                    </ActionForm>
                    <ActionForm action=close attr:class="form card" attr:data-test="close-day">
                        <h2>{t!(i18n, desk.close_title)}</h2>
                        <FormError error=action_error(close.value())/>
                        {move || close.value().get().and_then(|r| r.ok()).map(|out| {
                            let count = out.slots_closed;
                            view! {
                                <p class="ok" role="status" data-test="closed">{t!(i18n, desk.closed_count, count = move || count)}</p>
                                {(!out.conflicts.is_empty()).then(|| view! {
                                    <p class="error">{t!(i18n, desk.conflicts)}</p>
                                    <ul data-test="conflicts">
                                        {out.conflicts.into_iter().map(|c| view! {
                                            <li><bdi dir="ltr">{super::booking::local_time(c.starts_at)}</bdi>" — "{c.patient_name}" — "{c.practitioner_name}</li>
                                        }).collect_view()}
                                    </ul>
                                })}
                            }
                        })}
                        <div class="field">
                            <label for="close_date">{t!(i18n, desk.close_date)}</label>
                            <input id="close_date" name="date" type="date" required/>
                            <p class="error">{move || field_error(close.value(), "date").get().map(|c| crate::error::error_text(i18n.get_locale(), c))}</p>
                        </div>
                        <div class="field">
                            <label for="close_practitioner">{t!(i18n, desk.practitioner)}</label>
                            <select id="close_practitioner" name="practitioner_id">
                                <option value="">{t!(i18n, desk.close_whole)}</option>
                                {list2.into_iter().map(|p| view! { <option value=p.id.to_string()>{format!("{} ({})", p.name, p.specialty)}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="close_kind">{t!(i18n, desk.close_kind)}</label>
                            <select id="close_kind" name="kind">
                                <option value="closed">{t!(i18n, desk.kind_closed)}</option>
                                <option value="leave">{t!(i18n, desk.kind_leave)}</option>
                                <option value="reduced">{t!(i18n, desk.kind_reduced)}</option>
                            </select>
                        </div>
                        <div class="field">
                            <label for="close_start">{t!(i18n, desk.close_start)}</label>
                            <input id="close_start" name="start" type="time"/>
                        </div>
                        <div class="field">
                            <label for="close_end">{t!(i18n, desk.close_end)}</label>
                            <input id="close_end" name="end" type="time"/>
                            <p class="error">{move || field_error(close.value(), "end").get().map(|c| crate::error::error_text(i18n.get_locale(), c))}</p>
                        </div>
                        <button type="submit" disabled=move || close.pending().get()>{t!(i18n, desk.close_button)}</button>
                    </ActionForm>
                }.into_any()},
            })}
        </Suspense>
        <form method="get" action="/desk" class="form card" data-test="day-form">
            <h2>{t!(i18n, desk.day_title)}</h2>
            <div class="field">
                <label for="day">{t!(i18n, desk.close_date)}</label>
                <input id="day" name="day" type="date" value=day().unwrap_or_default() required/>
            </div>
            <button type="submit">{t!(i18n, desk.day_show)}</button>
        </form>
        <FormError error=action_error(cancel.value())/>
        <Suspense fallback=|| ()>
            {move || day_list.get().flatten().map(|r| match r {
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(rows) => view! {
                    <ul class="slots" data-test="day-list">
                        {rows.into_iter().map(|r| {
                            let booked = r.appointment_id;
                            view! {
                                <li class="card slot" data-test="day-slot" data-status=r.status.clone()>
                                    <strong dir="ltr">{super::booking::local_time(r.starts_at)}</strong>
                                    <span>{r.practitioner_name.clone()}</span>
                                    <span class="status">{slot_status(&r.status)}</span>
                                    {r.patient_name.clone().map(|n| view! { <span>{n}</span> })}
                                    {r.patient_phone.clone().map(|p| view! { <a href=format!("tel:{p}") dir="ltr">{p.clone()}</a> })}
                                    {r.booked_at_desk.then(|| view! { <span class="hint">{t!(i18n, desk.at_desk)}</span> })}
                                    {booked.map(|id| view! {
                                        <ActionForm action=cancel attr:class="inline">
                                            <input type="hidden" name="id" value=id.to_string()/>
                                            <button type="submit" class="secondary-button">{t!(i18n, desk.cancel)}</button>
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
