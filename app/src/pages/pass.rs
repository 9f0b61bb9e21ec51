//! Before the visit: the appointment's pass (the QR code the desk scans on
//! arrival, printable) and what to bring and do.

use super::booking::local_time;
use crate::components::FormError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::dto::InstructionsOut;
use shared::PreVisitItem;

/// What to bring and do before the visit, in the page's language (a
/// note without a text in that language shows the French one).
#[component]
pub(crate) fn Instructions(instructions: InstructionsOut) -> impl IntoView {
    let i18n = use_i18n();
    let lang = match i18n.get_locale_untracked() {
        Locale::ar => "ar",
        Locale::en => "en",
        _ => "fr",
    };
    let item = move |i: PreVisitItem| match i {
        PreVisitItem::IdCard => t_string!(i18n, pass.id_card),
        PreVisitItem::ChifaCard => t_string!(i18n, pass.chifa_card),
        PreVisitItem::ReferralLetter => t_string!(i18n, pass.referral_letter),
        PreVisitItem::PreviousResults => t_string!(i18n, pass.previous_results),
        PreVisitItem::Fasting => t_string!(i18n, pass.fasting),
    };
    view! {
        <section class="card" data-test="instructions">
            <h2>{t!(i18n, pass.before)}</h2>
            <ul>
                {instructions.items.into_iter().map(|i| view! { <li data-item=i.code()>{item(i)}</li> }).collect_view()}
            </ul>
            {instructions.notes.into_iter().map(|n| view! { <p data-test="instruction-note">{n.in_lang(lang).to_owned()}</p> }).collect_view()}
        </section>
    }
}

/// The appointment's QR code for the desk, when it has one.
#[component]
pub(crate) fn ArrivalQr(code: String, image: String) -> impl IntoView {
    let i18n = use_i18n();
    (!image.is_empty()).then(|| {
        view! {
            <section class="card pass" data-test="arrival-qr" data-code=code>
                <img src=image alt=t_string!(i18n, pass.qr_label) width="240" height="240"/>
                <p class="hint">{t!(i18n, pass.qr_hint)}</p>
            </section>
        }
    })
}

/// `/appointments/<id>/pass`: the citizen's pass for one appointment, to
/// show at the desk or print.
#[component]
pub fn PassPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let pass = Resource::new(id, crate::api::appointment_pass);
    view! {
        <Title text=move || t_string!(i18n, pass.title)/>
        <h1>{t!(i18n, pass.title)}</h1>
        <Suspense fallback=|| ()>
            {move || pass.get().map(|r| match r {
                Err(e) if e.code() == shared::ErrorCode::Unauthorized => view! { <leptos_router::components::Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(p) => {
                    let a = p.appointment;
                    let place = if i18n.get_locale_untracked() == Locale::ar { a.facility_name_ar.clone() } else { a.facility_name_fr.clone() };
                    let has_code = !p.arrival_qr.is_empty();
                    view! {
                        // The service worker keeps a copy of a page that shows a pass.
                        <section class="card" data-test="pass" data-status=a.status.code() data-keep-offline="pass">
                            <p><strong dir="ltr">{local_time(a.starts_at)}</strong></p>
                            <p>{place}</p>
                            <p>{a.practitioner_name.clone()}</p>
                            <p>{a.patient_name.clone()}</p>
                            <p class="status">{super::booking::appointment_status(i18n, a.status)}</p>
                        </section>
                        <ArrivalQr code=p.arrival_code image=p.arrival_qr/>
                        {(!has_code).then(|| view! { <p class="hint" data-test="no-pass">{t!(i18n, pass.no_code)}</p> })}
                        <Instructions instructions=p.instructions/>
                        <p class="no-print">
                            <super::record::PrintButton/>
                            " "
                            <A href="/appointments">{t!(i18n, nav.appointments)}</A>
                        </p>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
