//! Public holidays: the fixed ones and the Islamic ones whose dates the
//! health administration enters each year. Slots are never made on them.

use crate::components::{action_error, errors_of, FormCheck, FormError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::dto::HolidayIn;

#[component]
pub fn HolidaysPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let add = ServerAction::<crate::api::AddHoliday>::new();
    let year = move || query.with(|q| q.get("year")).and_then(|y| y.parse::<i32>().ok());
    let list = Resource::new(
        move || (year(), add.version().get()),
        |(y, _)| async move {
            let y = match y {
                Some(y) => y,
                None => crate::api::directory().await?.2.format("%Y").to_string().parse().unwrap_or(2026),
            };
            crate::api::holidays(y).await.map(|(h, admin)| (y, h, admin))
        },
    );
    let check = FormCheck::new(action_error(add.value()));
    view! {
        <Title text=move || t_string!(i18n, holidays.title)/>
        <h1>{t!(i18n, holidays.title)}</h1>
        <FormError error=action_error(add.value())/>
        {move || add.value().get().and_then(|r| r.ok()).map(|out| {
            let count = out.slots_closed;
            let conflicts = out.conflicts.len();
            view! { <p class="ok" role="status" data-test="holiday-added">{t!(i18n, desk.closed_count, count = move || count)}" "{(conflicts > 0).then(|| t_string!(i18n, desk.conflicts))}</p> }
        })}
        <Suspense fallback=|| ()>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok((y, days, admin)) => {
                    let locale = i18n.get_locale_untracked();
                    view! {
                        <p>
                            <a href=format!("/holidays?year={}", y - 1) dir="ltr">{(y - 1).to_string()}</a>" · "
                            <strong dir="ltr">{y.to_string()}</strong>" · "
                            <a href=format!("/holidays?year={}", y + 1) dir="ltr">{(y + 1).to_string()}</a>
                        </p>
                        <ul class="slots">
                            {days.into_iter().map(|h| {
                                let name = match locale { Locale::ar => h.name_ar.clone(), Locale::fr => h.name_fr.clone(), Locale::en => h.name_en.clone() };
                                view! {
                                    <li class="card slot" data-test="holiday">
                                        <strong dir="ltr">{h.date.format("%d/%m/%Y").to_string()}</strong>
                                        <span>{name}</span>
                                        <span class="hint">{if h.kind == shared::HolidayKind::Fixed { t_string!(i18n, holidays.fixed) } else { t_string!(i18n, holidays.islamic) }}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {admin.then(|| view! {
                            <ActionForm action=add attr:class="form card" attr:data-test="add-holiday" on:change=check.on_change(|h: &HolidayIn, _| errors_of(h.validate()))>
                                <h2>{t!(i18n, holidays.add)}</h2>
                                <p class="hint">{t!(i18n, holidays.add_note)}</p>
                                <div class="field"><label for="h_date">{t!(i18n, desk.close_date)}</label><input id="h_date" name="date" type="date" required/>{check.line("date")}</div>
                                <div class="field"><label for="h_ar">"العربية"</label><input id="h_ar" name="name_ar" lang="ar" dir="rtl" required/>{check.line("name_ar")}</div>
                                <div class="field"><label for="h_fr">"Français"</label><input id="h_fr" name="name_fr" lang="fr" dir="ltr" required/>{check.line("name_fr")}</div>
                                <div class="field"><label for="h_en">"English"</label><input id="h_en" name="name_en" lang="en" dir="ltr" required/>{check.line("name_en")}</div>
                                <button type="submit" disabled=move || add.pending().get()>{t!(i18n, holidays.add_button)}</button>
                            </ActionForm>
                        })}
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
