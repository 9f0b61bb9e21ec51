//! The polyclinic desk: publish a practitioner's weekly availability,
//! close a day or hours (and see the bookings that conflict), and the day
//! list with who is booked.

use crate::components::{action_error, errors_of, FormCheck, FormError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::dto::{ClosureIn, NinLookupIn, TemplateIn};
use shared::DaySlotStatus;

#[component]
pub fn DeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let practitioners = Resource::new(|| (), |_| crate::api::desk_practitioners());
    let publish = ServerAction::<crate::api::PublishTemplate>::new();
    let close = ServerAction::<crate::api::AddClosure>::new();
    let cancel = ServerAction::<crate::api::DeskCancel>::new();
    let lookup = ServerAction::<crate::api::DeskLookup>::new();
    let desk_book = ServerAction::<crate::api::DeskBook>::new();
    let arrive = ServerAction::<crate::api::FloorArrive>::new();
    let for_whom = RwSignal::new(String::new());
    let patient = move || lookup.value().get().and_then(|r| r.ok());
    let query = use_query_map();
    let day = move || query.with(|q| q.get("day")).filter(|d| !d.is_empty());
    // Bookings and cancellations made elsewhere show within half a minute,
    // unless the clerk has chosen something in the list not sent yet (a
    // priority group, a cancel reason): that waits for their action.
    let tick = crate::components::use_tick(30);
    let editing = RwSignal::new(false);
    Effect::new(move |_| {
        arrive.version().track();
        cancel.version().track();
        desk_book.version().track();
        editing.set(false);
    });
    let refresh = Memo::new(move |prev: Option<&u32>| if editing.get() { prev.copied().unwrap_or_default() } else { tick.get() });
    let day_list = Resource::new(
        move || (day(), close.version().get(), cancel.version().get(), publish.version().get(), desk_book.version().get(), refresh.get()),
        |(d, _, _, _, _, _)| async move {
            match d {
                Some(d) => Some(crate::api::day_list(d).await),
                None => None,
            }
        },
    );
    let slot_status = move |s: DaySlotStatus| match s {
        DaySlotStatus::Open => t_string!(i18n, desk.free),
        DaySlotStatus::Closed => t_string!(i18n, desk.closed),
        DaySlotStatus::Held => t_string!(i18n, desk.held),
        DaySlotStatus::Booked => t_string!(i18n, desk.booked),
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
    // The same checks as the server's, as each field is left.
    let publish_check = FormCheck::new(action_error(value));
    let close_check = FormCheck::new(action_error(close.value()));
    view! {
        <Title text=move || t_string!(i18n, desk.title)/>
        <h1>{t!(i18n, desk.title)}</h1>
        <Suspense fallback=|| ()>
            {move || practitioners.get().map(|r| match r {
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(list) => {
                    let list2 = list.clone();
                    view! {
                    <ActionForm action=publish attr:class="form card" attr:data-test="publish" on:change=publish_check.on_change(|t: &TemplateIn, _| errors_of(t.validate()))>
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
                            {publish_check.line("practitioner_id")}
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
                            {publish_check.line("start")}
                        </div>
                        <div class="field">
                            <label for="end">{t!(i18n, desk.end)}</label>
                            <input id="end" name="end" type="time" value="12:00" required/>
                            {publish_check.line("end")}
                        </div>
                        <div class="field">
                            <label for="slot_minutes">{t!(i18n, desk.slot_minutes)}</label>
                            <input id="slot_minutes" name="slot_minutes" type="number" min="5" max="240" value="20" required/>
                            {publish_check.line("slot_minutes")}
                        </div>
                        <div class="field">
                            <label for="valid_from">{t!(i18n, desk.valid_from)}</label>
                            <input id="valid_from" name="valid_from" type="date" required/>
                            {publish_check.line("valid_from")}
                        </div>
                        <div class="field">
                            <label for="valid_to">{t!(i18n, desk.valid_to)}</label>
                            <input id="valid_to" name="valid_to" type="date"/>
                            {publish_check.line("valid_to")}
                        </div>
                        <button type="submit" disabled=move || publish.pending().get()>{t!(i18n, desk.publish)}</button>
                    </ActionForm>
                    <ActionForm action=close attr:class="form card" attr:data-test="close-day" on:change=close_check.on_change(|c: &ClosureIn, _| errors_of(c.validate()))>
                        <h2>{t!(i18n, desk.close_title)}</h2>
                        <FormError error=action_error(close.value())/>
                        {move || close.value().get().and_then(|r| r.ok()).map(|out| view! { <ChangeSummary out=out test="closed"/> })}
                        <div class="field">
                            <label for="close_date">{t!(i18n, desk.close_date)}</label>
                            <input id="close_date" name="date" type="date" required/>
                            {close_check.line("date")}
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
                            {close_check.line("start")}
                        </div>
                        <div class="field">
                            <label for="close_end">{t!(i18n, desk.close_end)}</label>
                            <input id="close_end" name="end" type="time"/>
                            {close_check.line("end")}
                        </div>
                        <button type="submit" disabled=move || close.pending().get()>{t!(i18n, desk.close_button)}</button>
                    </ActionForm>
                }.into_any()},
            })}
        </Suspense>
        <Templates publish=publish/>
        <PatientPanel lookup=lookup for_whom=for_whom/>
        <Worklist lookup=lookup/>
        <form method="get" action="/desk" class="form card" data-test="day-form">
            <h2>{t!(i18n, desk.day_title)}</h2>
            <div class="field">
                <label for="day">{t!(i18n, desk.close_date)}</label>
                <input id="day" name="day" type="date" value=day().unwrap_or_default() required/>
            </div>
            <button type="submit">{t!(i18n, desk.day_show)}</button>
        </form>
        <FormError error=action_error(cancel.value())/>
        <FormError error=action_error(desk_book.value())/>
        {move || desk_book.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="ok" role="status" data-test="desk-booked">{t!(i18n, desk.booked_for)}</p> })}
        <FormError error=action_error(arrive.value())/>
        {move || arrive.value().get().and_then(|r| r.ok()).map(|v| view! {
            <p class="ok" role="status" data-test="arrived">{t!(i18n, floor.arrived_ticket)}" "<strong class="ticket" dir="ltr">{v.ticket}</strong>" — "{v.patient_name}</p>
        })}
        <Suspense fallback=|| ()>
            {move || day_list.get().flatten().map(|r| match r {
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(rows) => view! {
                    <ul class="slots" data-test="day-list" on:change=move |_| editing.set(true)>
                        {rows.into_iter().map(|r| {
                            let booked = r.appointment_id;
                            let free = r.status == DaySlotStatus::Open;
                            let slot_id = r.slot_id.to_string();
                            view! {
                                <li class="card slot" data-test="day-slot" data-status=r.status.code()>
                                    <strong dir="ltr">{super::booking::local_time(r.starts_at)}</strong>
                                    <span>{r.practitioner_name.clone()}</span>
                                    <span class="status">{slot_status(r.status)}</span>
                                    {r.patient_name.clone().map(|n| view! { <span>{n}</span> })}
                                    {r.patient_phone.clone().map(|p| view! { <a href=format!("tel:{p}") dir="ltr">{p.clone()}</a> })}
                                    {r.new.then(|| view! { <span class="badge" data-test="day-new">{t!(i18n, desk.new_booking)}</span> })}
                                    {r.booked_at_desk.then(|| view! { <span class="hint">{t!(i18n, desk.at_desk)}</span> })}
                                    {r.cancelled.iter().map(|n| view! { <span class="hint" data-test="day-cancelled">{t!(i18n, desk.cancelled_by)}" "{n.clone()}</span> }).collect_view()}
                                    {move || patient().filter(|_| free).map(|p| {
                                        let slot_id = slot_id.clone();
                                        view! {
                                            <ActionForm action=desk_book attr:class="inline">
                                                <input type="hidden" name="patient_id" value=p.patient_id.to_string()/>
                                                <input type="hidden" name="dependant_id" value=move || for_whom.get()/>
                                                <input type="hidden" name="slot_id" value=slot_id/>
                                                <button type="submit" data-test="desk-book">{t!(i18n, desk.book_for)}" "{p.given_name.clone()}</button>
                                            </ActionForm>
                                        }
                                    })}
                                    {(r.appointment_status == Some(shared::AppointmentStatus::Pending)).then(|| view! {
                                        <span class="badge" data-test="day-pending">{t!(i18n, appointments.pending)}</span>
                                    })}
                                    {(r.appointment_status == Some(shared::AppointmentStatus::Booked)).then(|| if r.confirmed {
                                        view! { <span class="badge" data-test="day-confirmed">{t!(i18n, desk.confirmed)}</span> }.into_any()
                                    } else {
                                        view! { <span class="hint" data-test="day-unconfirmed">{t!(i18n, desk.unconfirmed)}</span> }.into_any()
                                    })}
                                    {r.ticket.clone().map(|t| view! {
                                        <span data-test="day-ticket"><strong class="ticket" dir="ltr">{t}</strong></span>
                                    })}
                                    {r.visit_status.map(|s| view! { <span class="status">{super::floor::status_text(i18n, s)}</span> })}
                                    {booked.filter(|_| r.ticket.is_none() && r.appointment_status == Some(shared::AppointmentStatus::Booked)).map(|id| view! {
                                        <ActionForm action=arrive attr:class="inline" attr:data-test="arrive">
                                            <input type="hidden" name="appointment_id" value=id.to_string()/>
                                            <super::floor::PrioritySelect id=format!("priority-{id}")/>
                                            <button type="submit">{t!(i18n, floor.arrived)}</button>
                                        </ActionForm>
                                    })}
                                    {booked.map(|id| view! {
                                        <ActionForm action=cancel attr:class="inline">
                                            <input type="hidden" name="id" value=id.to_string()/>
                                            <super::booking::CancelReasonSelect id=format!("desk-reason-{id}")/>
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
        <super::inbox::Undelivered/>
    }
}

/// The desk's patient panel: find a citizen by NIN (with a reason, which
/// the citizen reads in their access log), verify their dependants, and
/// choose for whom to book (the day list's free slots then offer "Book for
/// …"). Referrals are the practitioner's (`/care`).
/// The referral worklist: referred patients of the wilaya still without
/// an appointment in a specialty offered here. "Book" brings the patient
/// up as a NIN look-up would (logged), then the day list offers its free
/// slots for them.
#[component]
fn Worklist(lookup: ServerAction<crate::api::DeskLookup>) -> impl IntoView {
    let i18n = use_i18n();
    let open = ServerAction::<crate::api::OpenReferral>::new();
    let list = Resource::new(move || lookup.version().get(), |_| crate::api::referral_worklist());
    // The opened patient shows in the look-up's panel.
    Effect::new(move |_| {
        if let Some(Ok(p)) = open.value().get() {
            lookup.value().set(Some(Ok(p)));
        }
    });
    let ar = move || i18n.get_locale_untracked() == Locale::ar;
    view! {
        <Suspense fallback=|| ()>
            {move || list.get().and_then(|r| r.ok()).map(|rows| view! {
                <section class="card" data-test="worklist">
                    <h2>{t!(i18n, desk.worklist)}</h2>
                    <p class="hint">{t!(i18n, desk.worklist_hint)}</p>
                    <FormError error=action_error(open.value())/>
                    {rows.is_empty().then(|| view! { <p data-test="worklist-empty">{t!(i18n, desk.worklist_empty)}</p> })}
                    <ul class="slots">
                        {rows.into_iter().map(|w| {
                            let urgent = w.priority == shared::ReferralPriority::Urgent;
                            let days = w.days_waiting;
                            view! {
                                <li class="card slot" data-test="worklist-row" data-priority=w.priority.code()>
                                    <strong>{if ar() { w.specialty_name_ar.clone() } else { w.specialty_name_fr.clone() }}</strong>
                                    {urgent.then(|| view! { <span class="badge">{t!(i18n, floor.reason_urgent_referral)}</span> })}
                                    <span class="hint">{t!(i18n, desk.worklist_waiting, count = move || days)}" · "{if ar() { w.referred_by_ar.clone() } else { w.referred_by_fr.clone() }}</span>
                                    <span class="hint">{t!(i18n, appointments.referral_until)}" "<bdi dir="ltr">{w.expires_on.format("%d/%m/%Y").to_string()}</bdi></span>
                                    <ActionForm action=open attr:class="inline">
                                        <input type="hidden" name="id" value=w.referral_id.to_string()/>
                                        <button type="submit" data-test="worklist-open" disabled=move || open.pending().get()>{t!(i18n, desk.worklist_open)}</button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </Suspense>
    }
}

#[component]
fn PatientPanel(lookup: ServerAction<crate::api::DeskLookup>, for_whom: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let verify = ServerAction::<crate::api::VerifyDependant>::new();
    let hand_over = ServerAction::<crate::api::DeskApproveClaim>::new();
    // Re-run the look-up after a verification so the badge updates (the
    // same reason; the citizen's log shows the second look too).
    let last_nin = RwSignal::new(String::new());
    let last_reason = RwSignal::new(String::new());
    // A NIN that was a dependant's preselects that dependant.
    Effect::new(move |_| {
        if let Some(Ok(p)) = lookup.value().get() {
            for_whom.set(p.matched_dependant_id.map(|d| d.to_string()).unwrap_or_default());
        }
    });
    Effect::new(move |_| {
        if verify.version().get() > 0 && !last_nin.get_untracked().is_empty() {
            lookup.dispatch(crate::api::DeskLookup { nin: last_nin.get_untracked(), reason: last_reason.get_untracked() });
        }
    });
    let check = FormCheck::new(action_error(lookup.value()));
    view! {
        <ActionForm action=lookup attr:class="form card" attr:data-test="lookup" on:change=check.on_change(|l: &NinLookupIn, _| errors_of(l.validate()))>
            <h2>{t!(i18n, desk.patient_title)}</h2>
            <FormError error=action_error(lookup.value())/>
            <div class="field">
                <label for="lookup_nin">{t!(i18n, fields.nin)}</label>
                <input id="lookup_nin" name="nin" inputmode="numeric" dir="ltr" autocomplete="off" required
                    on:change=move |ev| last_nin.set(event_target_value(&ev))/>
                {check.line("nin")}
            </div>
            <div class="field">
                <label for="lookup_reason">{t!(i18n, desk.lookup_reason)}</label>
                <p class="hint" id="lookup_reason-hint">{t!(i18n, desk.lookup_reason_hint)}</p>
                <input id="lookup_reason" name="reason" required minlength="5" maxlength="500" aria-describedby="lookup_reason-hint"
                    on:change=move |ev| last_reason.set(event_target_value(&ev))/>
                {check.line("reason")}
            </div>
            <button type="submit" disabled=move || lookup.pending().get()>{t!(i18n, desk.find)}</button>
        </ActionForm>
        <FormError error=action_error(verify.value())/>
        <FormError error=action_error(hand_over.value())/>
        {move || hand_over.value().get().and_then(|r| r.ok()).map(|_| view! {
            <p class="ok" role="status" data-test="claim-handed-over">{t!(i18n, desk.claim_done)}</p>
        })}
        {move || lookup.value().get().and_then(|r| r.ok()).map(|p| {
            let done = hand_over.value().get().and_then(|r| r.ok()).map(|d| d.id);
            let claim = p.claim.clone().filter(|c| c.can_decide && done != Some(c.id));
            let holder = format!("{} {}", p.given_name, p.family_name);
            view! {
                <section class="card" data-test="patient">
                    <h3 data-test="patient-name">{holder.clone()}</h3>
                    {p.phone.clone().map(|ph| view! { <p dir="ltr">{ph}</p> })}
                    <div class="field">
                        <label for="desk_for">{t!(i18n, book.for_whom)}</label>
                        <select id="desk_for" on:change=move |ev| for_whom.set(event_target_value(&ev))>
                            <option value="" selected=p.matched_dependant_id.is_none()>{holder.clone()}</option>
                            {p.dependants.iter().map(|d| {
                                let selected = p.matched_dependant_id == Some(d.id);
                                view! { <option value=d.id.to_string() selected=selected>{format!("{} {}", d.given_name, d.family_name)}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <ul>
                        {p.dependants.into_iter().map(|d| {
                            let id = d.id.to_string();
                            view! {
                                <li data-test="desk-dependant">
                                    {format!("{} {} ", d.given_name, d.family_name)}
                                    <span dir="ltr">{d.birth_date.format("%d/%m/%Y").to_string()}</span>" "
                                    {if d.verified {
                                        view! { <span class="status">{t!(i18n, family.verified)}</span> }.into_any()
                                    } else {
                                        view! {
                                            <ActionForm action=verify attr:class="inline">
                                                <input type="hidden" name="id" value=id/>
                                                <button type="submit" class="secondary-button">{t!(i18n, desk.verify)}</button>
                                            </ActionForm>
                                        }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <p class="hint">{t!(i18n, desk.book_hint)}</p>
                </section>
                {claim.map(|c| {
                    let typed = format!("{} {} — {}", c.given_name, c.family_name, c.birth_date.format("%d/%m/%Y"));
                    let id = c.id.to_string();
                    view! {
                        <section class="card" data-test="desk-claim">
                            <h3>{t!(i18n, desk.claim_title)}</h3>
                            <p>{typed}</p>
                            <p dir="ltr">{c.phone.clone()}</p>
                            <ActionForm action=hand_over>
                                <input type="hidden" name="id" value=id/>
                                <button type="submit">{t!(i18n, desk.claim_approve)}</button>
                            </ActionForm>
                        </section>
                    }
                })}
            }
        })}
    }
}

/// What a schedule change did: free slots closed, and the bookings kept
/// that the desk must move or cancel.
#[component]
fn ChangeSummary(out: shared::dto::ScheduleChangeOut, test: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let count = out.slots_closed;
    view! {
        <p class="ok" role="status" data-test=test>{t!(i18n, desk.closed_count, count = move || count)}</p>
        {(!out.conflicts.is_empty()).then(|| view! {
            <p class="error">{t!(i18n, desk.conflicts)}</p>
            <ul data-test="conflicts">
                {out.conflicts.into_iter().map(|c| view! {
                    <li><bdi dir="ltr">{super::booking::local_time(c.starts_at)}</bdi>" — "{c.patient_name}" — "{c.practitioner_name}</li>
                }).collect_view()}
            </ul>
        })}
    }
}

/// The facility's live templates, each with an "end after" form.
#[component]
fn Templates(publish: ServerAction<crate::api::PublishTemplate>) -> impl IntoView {
    let i18n = use_i18n();
    let end = ServerAction::<crate::api::EndTemplate>::new();
    let list = Resource::new(move || (publish.version().get(), end.version().get()), |_| crate::api::desk_templates());
    let day_name = move |n: u8| match n {
        1 => t_string!(i18n, days.mon),
        2 => t_string!(i18n, days.tue),
        3 => t_string!(i18n, days.wed),
        4 => t_string!(i18n, days.thu),
        _ => t_string!(i18n, days.sun),
    };
    view! {
        // Collapsed by default (a facility has dozens): works without JavaScript.
        <details class="card" data-test="templates">
            <summary><h2 class="inline">{t!(i18n, desk.templates_title)}</h2></summary>
            <FormError error=action_error(end.value())/>
            {move || end.value().get().and_then(|r| r.ok()).map(|out| view! { <ChangeSummary out=out test="ended"/> })}
            <Suspense fallback=|| ()>
                {move || list.get().and_then(|r| r.ok()).map(|rows| view! {
                    <ul class="slots">
                        {rows.into_iter().map(|t| view! {
                            <li class="slot" data-test="template">
                                <span>{t.practitioner_name.clone()}</span>
                                <strong>{day_name(t.weekday)}" "<bdi dir="ltr">{format!("{}–{}", t.start, t.end)}</bdi></strong>
                                <ActionForm action=end attr:class="inline">
                                    <input type="hidden" name="id" value=t.id.to_string()/>
                                    <label>{t!(i18n, desk.end_after)}" "<input name="valid_to" type="date" required/></label>
                                    <button type="submit" class="secondary-button">{t!(i18n, desk.end_button)}</button>
                                </ActionForm>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
            </Suspense>
        </details>
    }
}
