//! `/care` and `/care/:subject`: the practitioner's side of the record.
//! Today's patients (appointments) and a look-up by NIN with a reason; then
//! the patient's whole record and the forms to write in it. Every access
//! decision is the domain's: these pages only show what it answers.

use super::booking::local_time;
use super::record::{kind_label, Entry};
use crate::components::{action_error, errors_of, today, FormCheck, FormError};
use crate::error::{error_text, AppError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use shared::dto::{CareLookupIn, CareReferralIn, EnteredInErrorIn, EntryData, EntryIn, EntryOut, LabValue, MedicationLine};
use shared::{EntryKind, EntryStatus};

/// Every field error of a failed write, named and translated.
#[component]
fn FieldErrors(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().filter(|e| !e.0.fields.is_empty()).map(|e| {
            view! {
                <ul class="form-error" role="alert" data-test="field-errors">
                    {e.0.fields.iter().map(|f| view! { <li><bdi dir="ltr">{f.field.clone()}</bdi>": "{error_text(i18n.get_locale(), f.code)}</li> }).collect_view()}
                </ul>
            }
        })
    }
}

#[component]
pub fn CarePage() -> impl IntoView {
    let i18n = use_i18n();
    let lookup = ServerAction::<crate::api::CareLookup>::new();
    let patients = Resource::new(move || lookup.version().get(), |_| crate::api::care_patients());
    let lookup_check = FormCheck::new(action_error(lookup.value()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(p)) = lookup.value().get() {
            navigate(&format!("/care/{}", p.subject_id), Default::default());
        }
    });
    view! {
        <Title text=move || t_string!(i18n, care.title)/>
        <h1>{t!(i18n, care.title)}</h1>
        <section class="card">
            <h2>{t!(i18n, care.today)}</h2>
            <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, record.loading)}</p> }>
                {move || patients.get().map(|r| match r {
                    Err(e) if e.code() == shared::ErrorCode::Unauthorized => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p>{t!(i18n, care.nobody)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="slots" data-test="care-patients">
                            {list.into_iter().map(|p| {
                                let href = match p.appointment_id {
                                    Some(a) => format!("/care/{}?appointment={a}", p.subject_id),
                                    None => format!("/care/{}", p.subject_id),
                                };
                                view! {
                                    <li class="slot" data-test="care-patient">
                                        {p.starts_at.map(|t| view! { <span dir="ltr">{local_time(t)}</span> })}
                                        <a href=href>{p.name.clone()}</a>
                                        {p.reason.clone().map(|r| view! { <span class="hint">{t!(i18n, care.looked_up)}": "{r}</span> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Suspense>
        </section>
        <ActionForm action=lookup attr:class="form card" attr:data-test="care-lookup"
            on:change=lookup_check.on_change(|l: &CareLookupIn, _| errors_of(l.validate()))>
            <h2>{t!(i18n, care.lookup_title)}</h2>
            <p class="hint">{t!(i18n, care.lookup_hint)}</p>
            <FormError error=action_error(lookup.value())/>
            <div class="field">
                <label for="care_nin">{t!(i18n, fields.nin)}</label>
                <input id="care_nin" name="nin" inputmode="numeric" dir="ltr" autocomplete="off" required/>
                {lookup_check.line("nin")}
            </div>
            <div class="field">
                <label for="care_reason">{t!(i18n, care.lookup_reason)}</label>
                <textarea id="care_reason" name="reason" required minlength="5" maxlength="500"></textarea>
                {lookup_check.line("reason")}
            </div>
            <button type="submit" disabled=move || lookup.pending().get()>{t!(i18n, care.open)}</button>
        </ActionForm>
    }
}

#[component]
pub fn CarePatientPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let subject = move || params.read().get("subject").unwrap_or_default();
    let write = ServerAction::<crate::api::WriteEntry>::new();
    let mark = ServerAction::<crate::api::MarkEnteredInError>::new();
    let record = Resource::new(move || (subject(), write.version().get(), mark.version().get()), |(s, _, _)| crate::api::patient_record(s));
    // Created here, never inside the Suspense below: a serialized resource
    // made inside a reactive closure shifts the ids hydration relies on.
    let directory = Resource::new(|| (), |_| crate::api::directory());
    let kind_name = move |k: EntryKind| kind_label(i18n, k);
    let file_ok = move || query.read().get("file").is_some();
    let file_error = move || query.read().get("file_error").and_then(|c| shared::ErrorCode::parse(&c));
    view! {
        <Title text=move || t_string!(i18n, care.record_title)/>
        <p class="no-print"><a href="/care">{t!(i18n, care.back)}</a></p>
        {move || file_ok().then(|| view! { <p class="ok" role="status" data-test="file-ok">{t!(i18n, care.file_saved)}</p> })}
        {move || file_error().map(|c| view! { <div class="form-error" role="alert" data-code=c.as_str() data-test="file-error">{error_text(i18n.get_locale(), c)}</div> })}
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, record.loading)}</p> }>
            // Both read in this one Suspense (the directory for the referral
            // form): a Suspense nested in another stops a lazy route's server
            // rendering at the inner fallback (leptos_router 0.8).
            {move || {
            let specialties = directory.get();
            record.get().zip(specialties).map(|(r, d)| match r {
                Err(e) if e.code() == shared::ErrorCode::Unauthorized => view! { <Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(list) => {
                    let name = list.first().map(|e| e.patient_name.clone()).unwrap_or_default();
                    let requests: Vec<(String, String)> = list.iter().filter_map(|e| match &e.data {
                        EntryData::ExamRequest { exam, .. } if e.status == EntryStatus::Active => Some((e.id.to_string(), exam.clone())),
                        _ => None,
                    }).collect();
                    view! {
                        <h1 data-test="care-patient-name">{t!(i18n, care.record_title)}{(!name.is_empty()).then(|| format!(" — {name}"))}</h1>
                        <WriteForms write=write requests=requests/>
                        <ReferForm subject=subject() specialties=d.map(|(s, _, _)| s).unwrap_or_default()/>
                        {if list.is_empty() {
                            view! { <p data-test="record-empty">{t!(i18n, record.none)}</p> }.into_any()
                        } else {
                            view! {
                                <ol class="slots timeline">
                                    {list.into_iter().map(|e| view! { <StaffEntry entry=e kind_name=kind_name mark=mark subject=subject()/> }).collect_view()}
                                </ol>
                            }.into_any()
                        }}
                    }.into_any()
                }
            })
            }}
        </Suspense>
    }
}

/// An entry as the practitioner sees it, with "entered in error" and, for
/// results, the file form — each shown when the entry says the reader may
/// (only the facility that wrote an active entry).
#[component]
fn StaffEntry(
    entry: EntryOut,
    kind_name: impl Fn(EntryKind) -> &'static str + Copy + Send + Sync + 'static,
    mark: ServerAction<crate::api::MarkEnteredInError>,
    subject: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = entry.id.to_string();
    let (may_mark, may_attach) = (entry.can_mark_error, entry.can_attach);
    let mark_check = FormCheck::new(action_error(mark.value()));
    view! {
        <Entry entry=entry kind_name=kind_name>
            {may_attach.then(|| view! { <UploadForm entry=id.clone() subject=subject.clone()/> })}
            {may_mark.then(|| view! {
                <details class="no-print">
                    <summary>{t!(i18n, care.mark_error)}</summary>
                    <ActionForm action=mark attr:class="form" attr:data-test="mark-error"
                        on:change=mark_check.on_change(|m: &EnteredInErrorIn, _| errors_of(m.validate()))>
                        <FormError error=action_error(mark.value())/>
                        <input type="hidden" name="id" value=id.clone()/>
                        <div class="field">
                            <label>{t!(i18n, care.error_reason)}<input name="reason" required maxlength="1000"/></label>
                            {mark_check.line("reason")}
                        </div>
                        <button type="submit" class="secondary-button">{t!(i18n, care.mark_error)}</button>
                    </ActionForm>
                </details>
            })}
        </Entry>
    }
}

/// A plain multipart form: works before the WASM loads; the server checks
/// the file and comes back here with the outcome.
#[component]
fn UploadForm(entry: String, subject: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form method="post" enctype="multipart/form-data" action=format!("/care/entries/{entry}/files") class="form inline-form no-print" data-test="upload">
            <input type="hidden" name="next" value=format!("/care/{subject}")/>
            <label>{t!(i18n, care.attach)}" "<input type="file" name="file" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" required/></label>
            <button type="submit" class="secondary-button">{t!(i18n, care.upload)}</button>
        </form>
    }
}

fn fmt_num(n: Option<f64>) -> String {
    n.map(|x| x.to_string()).unwrap_or_default()
}

/// A decimal as typed in Algeria (`2,4`) or elsewhere (`2.4`).
fn parse_num(s: &str) -> Option<f64> {
    s.trim().replace(',', ".").parse().ok()
}

fn text_input(label: impl IntoView + 'static, id: &'static str, value: RwSignal<String>, required: bool) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id required=required prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        </div>
    }
}

fn text_area(label: impl IntoView + 'static, id: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <textarea id=id prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        </div>
    }
}

/// The forms, one kind at a time. Prescriptions and results have lines
/// added as needed; the diagnosis code is picked from the ICD-10 list.
#[component]
fn WriteForms(write: ServerAction<crate::api::WriteEntry>, requests: Vec<(String, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let requests = StoredValue::new(requests);
    let kind = RwSignal::new(EntryKind::Consultation);
    // Consultation.
    let reason = RwSignal::new(String::new());
    let findings = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let diagnosis = RwSignal::new(String::new());
    let icd_q = RwSignal::new(String::new());
    // Inside the record's Suspense: fetched in the browser only, never
    // holding up the record's server rendering.
    let icd = crate::components::browser_only(move || {
        let q = icd_q.get();
        async move {
            if q.trim().chars().count() < 2 {
                Ok(Vec::new())
            } else {
                crate::api::icd10_search(q).await
            }
        }
    });
    // Prescription.
    let lines = RwSignal::new(vec![MedicationLine::default()]);
    // Exam request / result.
    let category = RwSignal::new("laboratory".to_owned());
    let exam = RwSignal::new(String::new());
    let priority = RwSignal::new("routine".to_owned());
    let notes = RwSignal::new(String::new());
    let request_id = RwSignal::new(String::new());
    let values = RwSignal::new(vec![LabValue::default()]);
    let report = RwSignal::new(String::new());
    // Vaccination / allergy.
    let vaccine = RwSignal::new(String::new());
    let dose_number = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let lot = RwSignal::new(String::new());
    let substance = RwSignal::new(String::new());
    let reaction = RwSignal::new(String::new());
    let severity = RwSignal::new("moderate".to_owned());

    let write_check = FormCheck::new(action_error(write.value()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let data = match kind.get_untracked() {
            EntryKind::Consultation => EntryData::Consultation {
                reason: reason.get_untracked(),
                findings: findings.get_untracked(),
                diagnosis_code: code.get_untracked().trim().to_uppercase(),
                diagnosis_text: diagnosis.get_untracked(),
            },
            EntryKind::Prescription => EntryData::Prescription { items: lines.get_untracked() },
            EntryKind::ExamRequest => EntryData::ExamRequest {
                category: category.get_untracked(),
                exam: exam.get_untracked(),
                priority: priority.get_untracked(),
                clinical_notes: notes.get_untracked(),
            },
            EntryKind::ExamResult => EntryData::ExamResult {
                request_id: request_id.get_untracked().parse().ok(),
                exam: exam.get_untracked(),
                values: values.get_untracked().into_iter().filter(|v| !v.name.trim().is_empty() || !v.value.trim().is_empty()).collect(),
                report: report.get_untracked(),
            },
            EntryKind::Vaccination => EntryData::Vaccination {
                vaccine: vaccine.get_untracked(),
                dose_number: dose_number.get_untracked().trim().parse().ok(),
                date: date.get_untracked(),
                lot: lot.get_untracked(),
            },
            EntryKind::Allergy => {
                EntryData::Allergy { substance: substance.get_untracked(), reaction: reaction.get_untracked(), severity: severity.get_untracked() }
            }
        };
        let appointment_id =
            query.with_untracked(|q| q.get("appointment")).and_then(|a| a.parse().ok()).filter(|_| kind.get_untracked() == EntryKind::Consultation);
        let subject = params.with_untracked(|p| p.get("subject")).unwrap_or_default();
        let entry = EntryIn { appointment_id, corrects_id: None, data };
        // The server's own check first, here: a missing field is named at once.
        if write_check.judge(errors_of(entry.validate(today()))) {
            write.dispatch(crate::api::WriteEntry { subject, entry });
        }
    };
    // A saved entry clears the form.
    Effect::new(move |_| {
        if let Some(Ok(_)) = write.value().get() {
            for s in [reason, findings, code, diagnosis, icd_q, exam, notes, report, vaccine, dose_number, date, lot, substance, reaction, request_id] {
                s.set(String::new());
            }
            lines.set(vec![MedicationLine::default()]);
            values.set(vec![LabValue::default()]);
        }
    });
    let line_field =
        move |i: usize, label: &'static str, get: fn(&MedicationLine) -> String, set: fn(&mut MedicationLine, String)| row_field(lines, i, label, get, set);
    let value_field = move |i: usize, label: &'static str, get: fn(&LabValue) -> String, set: fn(&mut LabValue, String)| row_field(values, i, label, get, set);
    view! {
        <form class="form card no-print" data-test="write" on:submit=submit>
            <h2>{t!(i18n, care.write_title)}</h2>
            <div class="field">
                <label for="write_kind">{t!(i18n, record.kind)}</label>
                <select id="write_kind" on:change=move |ev| { if let Some(k) = EntryKind::parse(&event_target_value(&ev)) { kind.set(k) } } prop:value=move || kind.get().code()>
                    {EntryKind::ALL.iter().map(|k| view! { <option value=k.code()>{kind_label(i18n, *k)}</option> }).collect_view()}
                </select>
            </div>
            <FormError error=action_error(write.value())/>
            <FieldErrors error=write_check.all()/>
            {move || match kind.get() {
                EntryKind::Consultation => view! {
                    {text_input(t!(i18n, record.reason), "w_reason", reason, true)}
                    {text_area(t!(i18n, record.findings), "w_findings", findings)}
                    <div class="field">
                        <label for="w_icd">{t!(i18n, care.icd_search)}</label>
                        <input id="w_icd" type="search" autocomplete="off" prop:value=move || icd_q.get() on:input=move |ev| icd_q.set(event_target_value(&ev))/>
                        <ul class="picker" data-test="icd-results">
                            {move || icd.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|c| {
                                let (cc, label) = (c.code.clone(), c.label.clone());
                                view! { <li><button type="button" class="link" on:click=move |_| { code.set(cc.clone()); if diagnosis.get_untracked().is_empty() { diagnosis.set(label.clone()); } icd_q.set(String::new()); }>
                                    <bdi dir="ltr">{c.code.clone()}</bdi>" "{c.label.clone()}</button></li> }
                            }).collect_view()}
                        </ul>
                    </div>
                    <div class="field">
                        <label for="w_code">{t!(i18n, care.icd_code)}</label>
                        <input id="w_code" dir="ltr" required prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                    </div>
                    {text_input(t!(i18n, record.diagnosis), "w_diagnosis", diagnosis, false)}
                }.into_any(),
                EntryKind::Prescription => view! {
                    <ol class="lines">
                        {move || (0..lines.with(|l| l.len())).map(|i| view! {
                            <li class="line" data-test="rx-line">
                                {line_field(i, td_string!(i18n.get_locale_untracked(), care.medication), |m| m.medication.clone(), |m, v| m.medication = v)}
                                {line_field(i, td_string!(i18n.get_locale_untracked(), care.form), |m| m.form.clone(), |m, v| m.form = v)}
                                {line_field(i, td_string!(i18n.get_locale_untracked(), record.dose), |m| m.dose.clone(), |m, v| m.dose = v)}
                                {line_field(i, td_string!(i18n.get_locale_untracked(), care.frequency), |m| m.frequency.clone(), |m, v| m.frequency = v)}
                                {line_field(i, td_string!(i18n.get_locale_untracked(), care.duration), |m| m.duration.clone(), |m, v| m.duration = v)}
                                {line_field(i, td_string!(i18n.get_locale_untracked(), care.instructions), |m| m.instructions.clone(), |m, v| m.instructions = v)}
                            </li>
                        }).collect_view()}
                    </ol>
                    <button type="button" class="secondary-button" data-test="add-line" on:click=move |_| lines.update(|l| l.push(MedicationLine::default()))>{t!(i18n, care.add_line)}</button>
                }.into_any(),
                EntryKind::ExamRequest => view! {
                    <div class="field">
                        <label for="w_category">{t!(i18n, care.category)}</label>
                        <select id="w_category" on:change=move |ev| category.set(event_target_value(&ev))>
                            <option value="laboratory">{t!(i18n, care.laboratory)}</option>
                            <option value="imaging">{t!(i18n, care.imaging)}</option>
                        </select>
                    </div>
                    {text_input(t!(i18n, care.exam), "w_exam", exam, true)}
                    <div class="field">
                        <label for="w_priority">{t!(i18n, record.priority)}</label>
                        <select id="w_priority" on:change=move |ev| priority.set(event_target_value(&ev))>
                            <option value="routine">{t!(i18n, desk.routine)}</option>
                            <option value="urgent">{t!(i18n, desk.urgent)}</option>
                        </select>
                    </div>
                    {text_area(t!(i18n, care.clinical_notes), "w_notes", notes)}
                }.into_any(),
                EntryKind::ExamResult => view! {
                    <div class="field">
                        <label for="w_request">{t!(i18n, care.answers)}</label>
                        <select id="w_request" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(name) = requests.with_value(|r| r.iter().find(|(id, _)| *id == v).map(|(_, n)| n.clone())) { exam.set(name); }
                            request_id.set(v);
                        }>
                            <option value="">"—"</option>
                            {requests.with_value(|r| r.iter().map(|(id, name)| view! { <option value=id.clone()>{name.clone()}</option> }).collect_view())}
                        </select>
                    </div>
                    {text_input(t!(i18n, care.exam), "w_rexam", exam, true)}
                    <ol class="lines">
                        {move || (0..values.with(|l| l.len())).map(|i| view! {
                            <li class="line" data-test="value-line">
                                {value_field(i, td_string!(i18n.get_locale_untracked(), care.value_name), |v| v.name.clone(), |v, s| v.name = s)}
                                {value_field(i, td_string!(i18n.get_locale_untracked(), care.value), |v| v.value.clone(), |v, s| v.value = s)}
                                {value_field(i, td_string!(i18n.get_locale_untracked(), care.unit), |v| v.unit.clone(), |v, s| v.unit = s)}
                                {value_field(i, td_string!(i18n.get_locale_untracked(), care.low), |v| fmt_num(v.reference_low), |v, s| v.reference_low = parse_num(&s))}
                                {value_field(i, td_string!(i18n.get_locale_untracked(), care.high), |v| fmt_num(v.reference_high), |v, s| v.reference_high = parse_num(&s))}
                            </li>
                        }).collect_view()}
                    </ol>
                    <button type="button" class="secondary-button" data-test="add-value" on:click=move |_| values.update(|l| l.push(LabValue::default()))>{t!(i18n, care.add_value)}</button>
                    {text_area(t!(i18n, record.report), "w_report", report)}
                    <p class="hint">{t!(i18n, care.file_after)}</p>
                }.into_any(),
                EntryKind::Vaccination => view! {
                    {text_input(t!(i18n, record.vaccination), "w_vaccine", vaccine, true)}
                    {text_input(t!(i18n, record.dose), "w_dose_number", dose_number, false)}
                    <div class="field">
                        <label for="w_date">{t!(i18n, record.date)}</label>
                        <input id="w_date" type="date" dir="ltr" required prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev))/>
                    </div>
                    {text_input(t!(i18n, record.lot), "w_lot", lot, false)}
                }.into_any(),
                EntryKind::Allergy => view! {
                    {text_input(t!(i18n, care.substance), "w_substance", substance, true)}
                    {text_input(t!(i18n, record.reaction), "w_reaction", reaction, false)}
                    <div class="field">
                        <label for="w_severity">{t!(i18n, record.severity)}</label>
                        <select id="w_severity" on:change=move |ev| severity.set(event_target_value(&ev))>
                            <option value="mild">{t!(i18n, care.mild)}</option>
                            <option value="moderate" selected>{t!(i18n, care.moderate)}</option>
                            <option value="severe">{t!(i18n, care.severe)}</option>
                        </select>
                    </div>
                }.into_any(),
            }}
            <button type="submit" data-test="save-entry" disabled=move || write.pending().get()>
                {move || if write.pending().get() { t_string!(i18n, care.saving) } else { t_string!(i18n, care.save) }}
            </button>
            {move || write.value().get().and_then(|r| r.ok()).map(|e| view! {
                <p class="ok" role="status" data-test="saved">{t!(i18n, care.saved)}" — "{kind_label(i18n, e.data.kind())}</p>
            })}
        </form>
    }
}

/// A referral to a specialty, for the patient in care (booking a
/// referral-required specialty then uses it).
#[component]
fn ReferForm(subject: String, specialties: Vec<shared::dto::SpecialtyOut>) -> impl IntoView {
    let i18n = use_i18n();
    let refer = ServerAction::<crate::api::CareRefer>::new();
    let check = FormCheck::new(action_error(refer.value()));
    view! {
        <details class="card no-print">
            <summary>{t!(i18n, desk.refer_title)}</summary>
            <ActionForm action=refer attr:class="form" attr:data-test="care-refer"
                on:change=check.on_change(|r: &CareReferralIn, today| errors_of(r.validate(today)))>
                <FormError error=action_error(refer.value())/>
                {move || refer.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="ok" role="status" data-test="referred">{t!(i18n, desk.referred)}</p> })}
                <input type="hidden" name="subject" value=subject.clone()/>
                <ReferFields prefix="care_refer" specialties=specialties check=check/>
                <button type="submit" disabled=move || refer.pending().get()>{t!(i18n, desk.refer_button)}</button>
            </ActionForm>
        </details>
    }
}

/// A referral's fields (specialty, priority, reason, validity), for the
/// practitioner's referral form; ids start with `prefix`. The specialties
/// come loaded: a Suspense here would nest in the page's own.
#[component]
fn ReferFields(prefix: &'static str, specialties: Vec<shared::dto::SpecialtyOut>, check: FormCheck) -> impl IntoView {
    let i18n = use_i18n();
    let id = move |name: &str| format!("{prefix}_{name}");
    let locale = i18n.get_locale_untracked();
    view! {
        <div class="field">
            <label for=id("specialty")>{t!(i18n, book.specialty)}</label>
            <select id=id("specialty") name="specialty">
                {specialties.into_iter().map(|s| {
                    let name = super::booking::specialty_label(locale, &s);
                    view! { <option value=s.code.clone()>{name}</option> }
                }).collect_view()}
            </select>
            {check.line("specialty")}
        </div>
        <div class="field">
            <label for=id("priority")>{t!(i18n, desk.priority)}</label>
            <select id=id("priority") name="priority">
                <option value="routine">{t!(i18n, desk.routine)}</option>
                <option value="urgent">{t!(i18n, desk.urgent)}</option>
            </select>
        </div>
        <div class="field">
            <label for=id("reason")>{t!(i18n, desk.reason)}</label>
            <textarea id=id("reason") name="reason" required maxlength="1000"></textarea>
            {check.line("reason")}
        </div>
        <div class="field">
            <label for=id("expires")>{t!(i18n, desk.expires_on)}</label>
            <input id=id("expires") name="expires_on" type="date" dir="ltr" required/>
            {check.line("expires_on")}
        </div>
    }
}

/// One text box editing one field of row `i` of a list of rows (a
/// prescription's medication lines, a result's lab values). `dir="auto"`:
/// a medication or a value may be written in Latin letters on an Arabic page.
fn row_field<T: Send + Sync + 'static>(rows: RwSignal<Vec<T>>, i: usize, label: &'static str, get: fn(&T) -> String, set: fn(&mut T, String)) -> impl IntoView {
    view! {
        <label>{label}<input dir="auto" prop:value=move || rows.with(|l| l.get(i).map(get).unwrap_or_default())
            on:input=move |ev| { let v = event_target_value(&ev); rows.update(|l| if let Some(m) = l.get_mut(i) { set(m, v) }) }/></label>
    }
}
