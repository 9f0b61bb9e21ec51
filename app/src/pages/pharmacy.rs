//! `/pharmacy`: a pharmacy checks a prescription with the code printed on
//! it and the patient's birth date (no account), and sees that
//! prescription only. The answer is shown by the page's WASM (a no-JS
//! post would bring back only an error code): until it runs the button is
//! off, and without JavaScript a notice says so, so no check is spent (and
//! logged) for nothing.

use super::booking::local_time;
use crate::components::*;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use shared::EntryStatus;

#[component]
pub fn PharmacyPage() -> impl IntoView {
    let i18n = use_i18n();
    let check = ServerAction::<crate::api::CheckPrescription>::new();
    let value = check.value();
    // Effects run in the browser only: the server renders the button off.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    view! {
        <Title text=move || t_string!(i18n, pharmacy.title)/>
        <h1>{t!(i18n, pharmacy.title)}</h1>
        <p>{t!(i18n, pharmacy.intro)}</p>
        <noscript><p class="error" role="alert">{t!(i18n, pharmacy.needs_js)}</p></noscript>
        <ActionForm action=check attr:class="form" attr:novalidate=true attr:data-test="rx-check">
            <FormError error=action_error(value)/>
            <Field name="code" label=t_string!(i18n, pharmacy.code) inputmode="text" autocomplete="off" dir="ltr" server_error=field_error(value, "code")/>
            <Field name="birth_date" label=t_string!(i18n, fields.birth_date) kind="date" autocomplete="off" server_error=field_error(value, "birth_date")/>
            <button type="submit" disabled=move || !ready.get() || check.pending().get()>{t!(i18n, pharmacy.submit)}</button>
        </ActionForm>
        {move || value.get().and_then(|r| r.ok()).map(|p| {
            let ar = i18n.get_locale_untracked() == Locale::ar;
            let place = if ar { p.facility_name_ar.clone() } else { p.facility_name_fr.clone() };
            let withdrawn = p.status == EntryStatus::EnteredInError;
            view! {
                <section class="card" data-test="rx-result" data-status=p.status.code()>
                    {if withdrawn {
                        view! { <p class="error" role="alert">{t!(i18n, pharmacy.withdrawn)}</p> }.into_any()
                    } else {
                        view! { <p class="ok" role="status">{t!(i18n, pharmacy.valid)}" "<bdi dir="ltr">{p.code.clone()}</bdi></p> }.into_any()
                    }}
                    <p>{t!(i18n, record.for_person)}" "<strong data-test="rx-patient">{p.patient_name.clone()}</strong></p>
                    <p>{t!(i18n, pharmacy.prescriber)}": "{p.prescriber_name.clone()}" · "{place}" · "<span dir="ltr">{local_time(p.prescribed_at)}</span></p>
                    <ol class="rx-lines">
                        {p.items.into_iter().map(|m| view! {
                            <li><strong>{m.medication}</strong>" — "{m.form}<br/>{m.dose}", "{m.frequency}", "{m.duration}
                                {(!m.instructions.is_empty()).then(|| view! { <br/><em>{m.instructions.clone()}</em> })}</li>
                        }).collect_view()}
                    </ol>
                </section>
            }
        })}
    }
}
