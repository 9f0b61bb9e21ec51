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
use shared::{AccessAction, AllergySeverity, EntryKind, EntryStatus, ReferralPriority};

/// The filter form's fields, read from the URL (a plain GET form).
fn filter_args(q: &leptos_router::params::ParamsMap) -> (String, String, String, String, String) {
    let g = |k: &str| q.get(k).unwrap_or_default();
    (g("kind"), g("from"), g("to"), g("facility"), g("subject"))
}

pub(crate) fn kind_label(i18n: leptos_i18n::I18nContext<Locale>, k: EntryKind) -> &'static str {
    match k {
        EntryKind::Consultation => t_string!(i18n, record.consultation),
        EntryKind::Prescription => t_string!(i18n, record.prescription),
        EntryKind::ExamRequest => t_string!(i18n, record.exam_request),
        EntryKind::ExamResult => t_string!(i18n, record.exam_result),
        EntryKind::Vaccination => t_string!(i18n, record.vaccination),
        EntryKind::Allergy => t_string!(i18n, record.allergy),
    }
}

/// An exam request's priority in the reader's language (the stored code
/// as it is if no longer known).
fn priority_label(i18n: leptos_i18n::I18nContext<Locale>, code: &str) -> String {
    match ReferralPriority::parse(code) {
        Some(ReferralPriority::Routine) => t_string!(i18n, desk.routine).to_owned(),
        Some(ReferralPriority::Urgent) => t_string!(i18n, desk.urgent).to_owned(),
        None => code.to_owned(),
    }
}

/// An allergy's severity in the reader's language.
fn severity_label(i18n: leptos_i18n::I18nContext<Locale>, code: &str) -> String {
    match AllergySeverity::parse(code) {
        Some(AllergySeverity::Mild) => t_string!(i18n, care.mild).to_owned(),
        Some(AllergySeverity::Moderate) => t_string!(i18n, care.moderate).to_owned(),
        Some(AllergySeverity::Severe) => t_string!(i18n, care.severe).to_owned(),
        None => code.to_owned(),
    }
}

#[component]
pub fn RecordPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let args = move || filter_args(&query.read());
    let entries = Resource::new(args, |(k, f, t, fa, su)| crate::api::my_record(k, f, t, fa, su));
    // "Who looked", 50 rows a page, older pages by a plain link.
    let who_before = move || query.read().get("who_before");
    let accesses = Resource::new(who_before, crate::api::my_record_accesses);
    // Every facility and person of the unfiltered record, for the selects:
    // the list itself when nothing is filtered (one read, one log row),
    // fetched separately only when a filter narrows the list.
    let all = Resource::new(args, |a| async move {
        if [a.0, a.1, a.2, a.3, a.4].iter().all(String::is_empty) {
            Ok(None)
        } else {
            crate::api::my_record(String::new(), String::new(), String::new(), String::new(), String::new()).await.map(Some)
        }
    });
    let kind_name = move |k: EntryKind| kind_label(i18n, k);
    let export_query = move || {
        let s = args().4;
        if s.is_empty() {
            String::new()
        } else {
            format!("?subject={s}")
        }
    };
    let print_href = move || {
        let (k, f, t, fa, su) = args();
        format!("/record/print?kind={k}&from={f}&to={t}&facility={fa}&subject={su}")
    };
    view! {
        <Title text=move || t_string!(i18n, record.title)/>
        <h1>{t!(i18n, record.title)}</h1>
        <form method="get" action="/record" class="form card filters" data-test="record-filter">
            <div class="field">
                <label for="kind">{t!(i18n, record.kind)}</label>
                <select id="kind" name="kind">
                    <option value="">{t!(i18n, record.all_kinds)}</option>
                    {EntryKind::ALL.iter().map(|&k| view! { <option value=k.code() selected=move || args().0 == k.code()>{move || kind_name(k)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="from">{t!(i18n, record.from)}</label>
                <input id="from" name="from" type="date" dir="ltr" prop:value=move || args().1/>
            </div>
            <div class="field">
                <label for="to">{t!(i18n, record.to)}</label>
                <input id="to" name="to" type="date" dir="ltr" prop:value=move || args().2/>
            </div>
            <Suspense fallback=|| ()>
                {move || all.get().and_then(|r| r.ok()).and_then(|list| list.or_else(|| entries.get().and_then(|r| r.ok()))).map(|list| {
                    let ar = i18n.get_locale_untracked() == Locale::ar;
                    let mut facilities: Vec<(String, String)> = Vec::new();
                    let mut people: Vec<(String, String)> = Vec::new();
                    for e in &list {
                        let f = (e.facility_id.to_string(), if ar { e.facility_name_ar.clone() } else { e.facility_name_fr.clone() });
                        if !facilities.contains(&f) { facilities.push(f); }
                        let p = (e.subject_id.to_string(), e.patient_name.clone());
                        if !people.contains(&p) { people.push(p); }
                    }
                    view! {
                        <div class="field">
                            <label for="facility">{t!(i18n, record.facility)}</label>
                            <select id="facility" name="facility">
                                <option value="">{t!(i18n, record.all_facilities)}</option>
                                {facilities.into_iter().map(|(id, name)| { let sel = args().3 == id; view! { <option value=id selected=sel>{name}</option> } }).collect_view()}
                            </select>
                        </div>
                        {(people.len() > 1).then(|| view! {
                            <div class="field">
                                <label for="subject">{t!(i18n, record.for_person)}</label>
                                <select id="subject" name="subject">
                                    <option value="">{t!(i18n, record.everyone)}</option>
                                    {people.into_iter().map(|(id, name)| { let sel = args().4 == id; view! { <option value=id selected=sel>{name}</option> } }).collect_view()}
                                </select>
                            </div>
                        })}
                    }
                })}
            </Suspense>
            <button type="submit">{t!(i18n, record.filter)}</button>
        </form>
        <p class="actions">
            <a href=move || format!("/record/export.json{}", export_query()) download="sihati-record-fhir.json" rel="nofollow" data-test="export-fhir">{t!(i18n, record.export_fhir)}</a>
            " · "
            <a href=print_href data-test="print-record">{t!(i18n, record.print_record)}</a>
        </p>
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, record.loading)}</p> }>
            {move || entries.get().map(|r| match r {
                Err(e) if e.code() == shared::ErrorCode::Unauthorized => view! { <Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p data-test="record-empty">{t!(i18n, record.none)}</p> }.into_any(),
                Ok(list) => view! {
                    <ol class="slots timeline">
                        {list.into_iter().map(|e| view! { <Entry entry=e kind_name=kind_name/> }).collect_view()}
                    </ol>
                }.into_any(),
            })}
        </Suspense>
        <section class="card">
            <h2>{t!(i18n, record.who_title)}</h2>
            <Suspense fallback=|| ()>
                {move || accesses.get().and_then(|r| r.ok()).map(|page| view! {
                    <ul class="slots" data-test="accesses">
                        {page.items.into_iter().map(|a| view! { <Access access=a/> }).collect_view()}
                    </ul>
                    {page.next_cursor.map(|c| view! {
                        <p><a href=format!("/record?who_before={c}") data-test="accesses-older">{t!(i18n, record.older)}</a></p>
                    })}
                })}
            </Suspense>
        </section>
    }
}

/// `/record/print`: the record (as filtered) laid out for paper.
#[component]
pub fn PrintRecordPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let entries = Resource::new(move || filter_args(&query.read()), |(k, f, t, fa, su)| crate::api::my_record(k, f, t, fa, su));
    let kind_name = move |k: EntryKind| kind_label(i18n, k);
    view! {
        <Title text=move || t_string!(i18n, record.print_record)/>
        <div class="print-page" data-test="print-page">
            <h1>{t!(i18n, record.title)}</h1>
            <PrintButton/>
            <Suspense fallback=|| ()>
                {move || entries.get().map(|r| match r {
                    Err(e) if e.code() == shared::ErrorCode::Unauthorized => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    Ok(list) => view! {
                        <ol class="timeline print">
                            {list.into_iter().map(|e| view! { <Entry entry=e kind_name=kind_name/> }).collect_view()}
                        </ol>
                    }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

/// `/prescription/:id`: one prescription as the patient hands it to the
/// pharmacist — who wrote it, where, when, the lines and the code.
#[component]
pub fn PrescriptionPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = leptos_router::hooks::use_params_map();
    let entry = Resource::new(move || params.read().get("id").unwrap_or_default(), crate::api::record_entry);
    view! {
        <Title text=move || t_string!(i18n, record.prescription)/>
        <div class="print-page prescription" data-test="prescription-page">
            <Suspense fallback=|| ()>
                {move || entry.get().map(|r| match r {
                    Err(e) if e.code() == shared::ErrorCode::Unauthorized => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    Ok(e) => {
                        let ar = i18n.get_locale_untracked() == Locale::ar;
                        let place = if ar { e.facility_name_ar.clone() } else { e.facility_name_fr.clone() };
                        let EntryData::Prescription { items } = e.data.clone() else {
                            return view! { <p>{t!(i18n, record.none)}</p> }.into_any();
                        };
                        view! {
                            <header>
                                <p><strong>{place}</strong></p>
                                <p>{e.author_name.clone()}</p>
                                <p dir="ltr">{local_time(e.created_at)}</p>
                            </header>
                            <h1>{t!(i18n, record.prescription)}</h1>
                            <p>{t!(i18n, record.for_person)}" "<strong data-test="rx-patient">{e.patient_name.clone()}</strong></p>
                            {(e.status == EntryStatus::EnteredInError).then(|| view! { <p class="status">{t!(i18n, record.entered_in_error)}</p> })}
                            <ol class="rx-lines">
                                {items.into_iter().map(|m| view! {
                                    <li><strong>{m.medication}</strong>" — "{m.form}<br/>{m.dose}", "{m.frequency}", "{m.duration}
                                        {(!m.instructions.is_empty()).then(|| view! { <br/><em>{m.instructions.clone()}</em> })}</li>
                                }).collect_view()}
                            </ol>
                            {e.verification_code.clone().map(|c| view! {
                                <p class="rx-code">{t!(i18n, record.code)}": "<bdi dir="ltr" data-test="rx-code">{c}</bdi></p>
                                <p class="hint">{t!(i18n, pharmacy.on_paper)}</p>
                            })}
                            <PrintButton/>
                        }.into_any()
                    }
                })}
            </Suspense>
        </div>
    }
}

/// "Print", in the browser only (the page itself prints without it).
#[component]
pub(crate) fn PrintButton() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="no-print" data-test="print"
            on:click=move |_| {
                #[cfg(feature = "hydrate")]
                { let _ = window().print(); }
            }>{t!(i18n, record.print)}</button>
    }
}

/// One entry in full. `children`: what the page adds (the practitioner's
/// "entered in error" and file forms).
#[component]
pub(crate) fn Entry(
    entry: EntryOut,
    kind_name: impl Fn(EntryKind) -> &'static str + Copy + Send + Sync + 'static,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let e = entry;
    let place = if i18n.get_locale_untracked() == Locale::ar { e.facility_name_ar.clone() } else { e.facility_name_fr.clone() };
    let wrong = e.status == EntryStatus::EnteredInError;
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
                <dt>{move || kind_name(EntryKind::ExamRequest)}</dt><dd>{exam}</dd>
                <dt>{t!(i18n, record.priority)}</dt><dd>{priority_label(i18n, &priority)}</dd>
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
            <p><strong>{substance}</strong>" — "{severity_label(i18n, &severity)}</p>
            {(!reaction.is_empty()).then(|| view! { <p>{reaction.clone()}</p> })}
        }.into_any(),
    };
    view! {
        <li class="card slot" class:wrong=wrong data-test="record-entry" data-kind=kind.code() data-status=e.status.code()>
            <h3>{move || kind_name(kind)}" · "<span dir="ltr">{local_time(e.created_at)}</span></h3>
            <p class="hint">{t!(i18n, record.for_person)}" "{e.patient_name.clone()}" · "{t!(i18n, record.by)}" "{e.author_name.clone()}" · "{place}</p>
            {wrong.then(|| view! { <p class="status">{t!(i18n, record.entered_in_error)}{e.error_reason.clone().map(|r| format!(" — {r}"))}</p> })}
            {e.corrects_id.map(|_| view! { <p class="hint">{t!(i18n, record.corrects)}</p> })}
            {body}
            {(!e.attachments.is_empty()).then(|| view! {
                <ul class="files">
                    {e.attachments.iter().map(|a| view! {
                        <li><a href=format!("/files/{}", a.id) download=a.file_name.clone() rel="nofollow" data-test="attachment">{a.file_name.clone()}</a>
                            " "<span class="hint" dir="ltr">{format!("{} KB", a.size.div_ceil(1024))}</span></li>
                    }).collect_view()}
                </ul>
            })}
            {(kind == EntryKind::Prescription).then(|| view! {
                <p class="no-print"><a href=format!("/prescription/{}", e.id) data-test="print-prescription">{t!(i18n, record.print_prescription)}</a></p>
            })}
            {children.map(|c| c())}
        </li>
    }
}

#[component]
fn Access(access: AccessOut) -> impl IntoView {
    let i18n = use_i18n();
    let a = access;
    let place = if i18n.get_locale_untracked() == Locale::ar { a.facility_name_ar.clone() } else { a.facility_name_fr.clone() };
    let action = a.action;
    let what = move || match action {
        AccessAction::WriteEntry => t_string!(i18n, record.write_entry),
        AccessAction::MarkError => t_string!(i18n, record.mark_error),
        AccessAction::Lookup => t_string!(i18n, record.lookup),
        AccessAction::DeskLookup => t_string!(i18n, record.desk_lookup),
        AccessAction::DeskClaim => t_string!(i18n, record.desk_claim),
        AccessAction::WalkIn => t_string!(i18n, record.walk_in),
        AccessAction::PharmacyCheck => t_string!(i18n, record.pharmacy_check),
        AccessAction::PharmacyCheckFailed => t_string!(i18n, record.pharmacy_check_failed),
        AccessAction::AttachFile => t_string!(i18n, record.attach_file),
        AccessAction::ReadFile => t_string!(i18n, record.read_file),
        AccessAction::ReadEntry => t_string!(i18n, record.read_entry),
        AccessAction::Export => t_string!(i18n, record.export),
        AccessAction::ReadRecord => t_string!(i18n, record.read_record),
    };
    view! {
        <li class="slot" data-test="access" data-action=a.action.code() data-role=a.actor_role.code()>
            <span dir="ltr">{local_time(a.at)}</span>
            <strong>{a.actor_name.clone()}</strong>
            <span>{what}</span>
            {place.map(|p| view! { <span class="hint">{p}</span> })}
            {(!a.reason.is_empty()).then(|| view! { <span class="hint" data-test="access-reason">{t!(i18n, record.reason)}": "{a.reason.clone()}</span> })}
        </li>
    }
}
