//! The polyclinic desk: publish a practitioner's weekly availability.

use crate::components::{action_error, field_error, FormError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let practitioners = Resource::new(|| (), |_| crate::api::desk_practitioners());
    let publish = ServerAction::<crate::api::PublishTemplate>::new();
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
                Ok(list) => view! {
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
                }.into_any(),
            })}
        </Suspense>
    }
}
