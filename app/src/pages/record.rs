//! `/record`: the citizen's medical record (and their dependants'), newest
//! first, filtered by kind (a plain GET form), and "who looked at my
//! record". All text from the record is rendered as text, never as HTML.

use super::booking::local_time;
use crate::components::FormError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;
use shared::dto::{AccessOut, EntryData, EntryOut};

const KINDS: [&str; 6] = ["consultation", "prescription", "exam_request", "exam_result", "vaccination", "allergy"];

#[component]
pub fn RecordPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let kind = move || query.read().get("kind").unwrap_or_default();
    let entries = Resource::new(|| (), |_| crate::api::my_record());
    let accesses = Resource::new(|| (), |_| crate::api::my_record_accesses());
    let kind_name = move |k: &str| match k {
        "consultation" => t_string!(i18n, record.consultation),
        "prescription" => t_string!(i18n, record.prescription),
        "exam_request" => t_string!(i18n, record.exam_request),
        "exam_result" => t_string!(i18n, record.exam_result),
        "vaccination" => t_string!(i18n, record.vaccination),
        _ => t_string!(i18n, record.allergy),
    };
    view! {
        <Title text=move || t_string!(i18n, record.title)/>
        <h1>{t!(i18n, record.title)}</h1>
        <form method="get" action="/record" class="form card inline-form" data-test="record-filter">
            <label for="kind">{t!(i18n, record.kind)}</label>
            <select id="kind" name="kind">
                <option value="">{t!(i18n, record.all_kinds)}</option>
                {KINDS.into_iter().map(|k| view! { <option value=k selected=move || kind() == k>{move || kind_name(k)}</option> }).collect_view()}
            </select>
            <button type="submit">{t!(i18n, record.filter)}</button>
        </form>
        <Suspense fallback=|| ()>
            {move || entries.get().map(|r| match r {
                Err(e) if e.code() == shared::ErrorCode::Unauthorized => view! { <Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(list) => {
                    let chosen = kind();
                    let list: Vec<EntryOut> = list.into_iter().filter(|e| chosen.is_empty() || e.data.kind() == chosen).collect();
                    if list.is_empty() {
                        return view! { <p data-test="record-empty">{t!(i18n, record.none)}</p> }.into_any();
                    }
                    view! {
                        <ol class="slots timeline">
                            {list.into_iter().map(|e| view! { <Entry entry=e kind_name=kind_name/> }).collect_view()}
                        </ol>
                    }.into_any()
                }
            })}
        </Suspense>
        <section class="card">
            <h2>{t!(i18n, record.who_title)}</h2>
            <Suspense fallback=|| ()>
                {move || accesses.get().and_then(|r| r.ok()).map(|rows| view! {
                    <ul class="slots" data-test="accesses">
                        {rows.into_iter().map(|a| view! { <Access access=a/> }).collect_view()}
                    </ul>
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Entry(entry: EntryOut, kind_name: impl Fn(&str) -> &'static str + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let e = entry;
    let place = if i18n.get_locale_untracked() == Locale::ar { e.facility_name_ar.clone() } else { e.facility_name_fr.clone() };
    let wrong = e.status == "entered_in_error";
    let kind = e.data.kind();
    let body = match e.data.clone() {
        EntryData::Consultation { reason, findings, diagnosis_code, diagnosis_text } => view! {
            <dl>
                <dt>{t!(i18n, record.reason)}</dt><dd>{reason}</dd>
                {(!findings.is_empty()).then(|| view! { <dt>{t!(i18n, record.findings)}</dt><dd class="message">{findings.clone()}</dd> })}
                <dt>{t!(i18n, record.diagnosis)}</dt><dd><bdi dir="ltr">{diagnosis_code}</bdi>" "{diagnosis_text}</dd>
            </dl>
        }.into_any(),
        EntryData::Prescription { items } => view! {
            <ul>
                {items.into_iter().map(|m| view! {
                    <li><strong>{m.medication}</strong>" — "{m.form}", "{m.dose}", "{m.frequency}", "{m.duration}
                        {(!m.instructions.is_empty()).then(|| view! { <span class="hint">" ("{m.instructions.clone()}")"</span> })}</li>
                }).collect_view()}
            </ul>
            {e.verification_code.clone().map(|c| view! { <p class="hint">{t!(i18n, record.code)}": "<bdi dir="ltr" data-test="verification-code">{c}</bdi></p> })}
        }.into_any(),
        EntryData::ExamRequest { category: _, exam, priority, clinical_notes } => view! {
            <dl>
                <dt>{move || kind_name("exam_request")}</dt><dd>{exam}</dd>
                <dt>{t!(i18n, record.priority)}</dt><dd>{priority}</dd>
                {(!clinical_notes.is_empty()).then(|| view! { <dt>{t!(i18n, record.findings)}</dt><dd class="message">{clinical_notes.clone()}</dd> })}
            </dl>
        }.into_any(),
        EntryData::ExamResult { exam, values, report, .. } => view! {
            <p><strong>{exam}</strong></p>
            {(!values.is_empty()).then(|| view! {
                <table class="values">
                    <tbody>
                        {values.iter().map(|v| {
                            let out = v.value.trim().replace(',', ".").parse::<f64>().ok().is_some_and(|x| v.reference_low.is_some_and(|lo| x < lo) || v.reference_high.is_some_and(|hi| x > hi));
                            let range = match (v.reference_low, v.reference_high) {
                                (Some(lo), Some(hi)) => format!("{lo} – {hi}"),
                                (Some(lo), None) => format!("≥ {lo}"),
                                (None, Some(hi)) => format!("≤ {hi}"),
                                _ => String::new(),
                            };
                            view! {
                                <tr class:out=out>
                                    <td>{v.name.clone()}</td>
                                    <td dir="ltr"><strong>{v.value.clone()}</strong>" "{v.unit.clone()}</td>
                                    <td dir="ltr" class="hint">{range}</td>
                                    <td>{out.then(|| view! { <span class="status">{t!(i18n, record.out_of_range)}</span> })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(!report.is_empty()).then(|| view! { <p class="message">{report.clone()}</p> })}
        }.into_any(),
        EntryData::Vaccination { vaccine, dose_number, date, lot } => view! {
            <p><strong>{vaccine}</strong>{dose_number.map(|n| format!(" — {n}"))}</p>
            <p class="hint"><bdi dir="ltr">{date}</bdi>{(!lot.is_empty()).then(|| format!(" · {lot}"))}</p>
        }.into_any(),
        EntryData::Allergy { substance, reaction, severity } => view! {
            <p><strong>{substance}</strong>" — "{severity}</p>
            {(!reaction.is_empty()).then(|| view! { <p>{reaction.clone()}</p> })}
        }.into_any(),
    };
    view! {
        <li class="card slot" class:wrong=wrong data-test="record-entry" data-kind=kind data-status=e.status.clone()>
            <h3>{move || kind_name(kind)}" · "<span dir="ltr">{local_time(e.created_at)}</span></h3>
            <p class="hint">{t!(i18n, record.for_person)}" "{e.patient_name.clone()}" · "{t!(i18n, record.by)}" "{e.author_name.clone()}" · "{place}</p>
            {wrong.then(|| view! { <p class="status">{t!(i18n, record.entered_in_error)}{e.error_reason.clone().map(|r| format!(" — {r}"))}</p> })}
            {e.corrects_id.map(|_| view! { <p class="hint">{t!(i18n, record.corrects)}</p> })}
            {body}
        </li>
    }
}

#[component]
fn Access(access: AccessOut) -> impl IntoView {
    let i18n = use_i18n();
    let a = access;
    let place = if i18n.get_locale_untracked() == Locale::ar { a.facility_name_ar.clone() } else { a.facility_name_fr.clone() };
    let action = a.action.clone();
    let what = move || match action.as_str() {
        "write_entry" => t_string!(i18n, record.write_entry),
        "mark_error" => t_string!(i18n, record.mark_error),
        _ => t_string!(i18n, record.read_record),
    };
    view! {
        <li class="slot" data-test="access" data-action=a.action.clone() data-role=a.actor_role.code()>
            <span dir="ltr">{local_time(a.at)}</span>
            <strong>{a.actor_name.clone()}</strong>
            <span>{what}</span>
            {place.map(|p| view! { <span class="hint">{p}</span> })}
        </li>
    }
}
