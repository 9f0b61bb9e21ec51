//! The floor, for staff: today's queues (a practitioner's own and their
//! service's; every queue for the desk), the practitioner's call, and
//! moving a called patient along. Refreshed every 15 s and after every
//! action; the waiting room's TV has its own page (`/display/…`).

use crate::components::{action_error, FormError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use shared::dto::VisitOut;
use shared::{PriorityGroup, QueueReason, VisitStatus};

/// A queue place's reason in the page's language.
pub(crate) fn reason_text(i18n: leptos_i18n::I18nContext<Locale>, r: QueueReason) -> &'static str {
    match r {
        QueueReason::UrgentReferral => t_string!(i18n, floor.reason_urgent_referral),
        QueueReason::Priority => t_string!(i18n, floor.reason_priority),
        QueueReason::Appointment => t_string!(i18n, floor.reason_appointment),
        QueueReason::WalkIn => t_string!(i18n, floor.reason_walk_in),
        QueueReason::BackAfterAbsence => t_string!(i18n, floor.reason_back_after_absence),
        QueueReason::Early => t_string!(i18n, floor.reason_early),
    }
}

fn status_text(i18n: leptos_i18n::I18nContext<Locale>, s: VisitStatus) -> &'static str {
    match s {
        VisitStatus::Waiting => t_string!(i18n, floor.status_waiting),
        VisitStatus::Called => t_string!(i18n, floor.status_called),
        VisitStatus::InConsultation => t_string!(i18n, floor.status_in_consultation),
        VisitStatus::Done => t_string!(i18n, floor.status_done),
        VisitStatus::Absent => t_string!(i18n, floor.status_absent),
    }
}

fn priority_text(i18n: leptos_i18n::I18nContext<Locale>, p: PriorityGroup) -> &'static str {
    match p {
        PriorityGroup::Pregnant => t_string!(i18n, floor.pregnant),
        PriorityGroup::Disability => t_string!(i18n, floor.disability),
        PriorityGroup::Elderly => t_string!(i18n, floor.elderly),
    }
}

/// The priority groups the desk may record on arrival.
#[component]
pub(crate) fn PrioritySelect(id: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for=id.clone() class="visually-hidden">{t!(i18n, floor.priority)}</label>
        <select id=id name="priority" data-test="arrival-priority">
            <option value="">{t!(i18n, floor.priority_none)}</option>
            {PriorityGroup::ALL.iter().map(|p| view! { <option value=p.code()>{priority_text(i18n, *p)}</option> }).collect_view()}
        </select>
    }
}

#[component]
pub fn FloorPage() -> impl IntoView {
    let i18n = use_i18n();
    let call = ServerAction::<crate::api::FloorCall>::new();
    let advance = ServerAction::<crate::api::FloorAdvance>::new();
    let session = expect_context::<crate::SessionResource>();
    let practitioner = move || session.get().and_then(|s| s.ok()).flatten().is_some_and(|p| p.role == shared::Role::Practitioner);
    let tick = RwSignal::new(0u32);
    // The queue moves without this page: read it again every 15 s.
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || tick.update(|t| *t += 1), std::time::Duration::from_secs(15)) {
            on_cleanup(move || handle.clear());
        }
    });
    let queue = Resource::new(move || (call.version().get(), advance.version().get(), tick.get()), |_| crate::api::floor_queue());
    let row = move |v: VisitOut| {
        let id = v.id.to_string();
        let moves = [
            (v.can_start, VisitStatus::InConsultation, t_string!(i18n, floor.start), "start"),
            (v.can_finish, VisitStatus::Done, t_string!(i18n, floor.done), "done"),
            (v.can_mark_absent, VisitStatus::Absent, t_string!(i18n, floor.absent), "absent"),
        ];
        view! {
            <li class="card slot" data-test="visit" data-ticket=v.ticket.clone() data-status=v.status.code()>
                <strong class="ticket" dir="ltr">{v.ticket.clone()}</strong>
                <span>{v.patient_name.clone()}</span>
                <span class="status">{status_text(i18n, v.status)}</span>
                {v.position.map(|p| view! { <span class="hint" data-test="visit-position">"#"{p + 1}</span> })}
                {v.reason.map(|r| view! { <span class="hint" data-test="visit-reason">{reason_text(i18n, r)}</span> })}
                {v.priority.map(|p| view! { <span class="badge">{priority_text(i18n, p)}</span> })}
                {v.urgent.then(|| view! { <span class="badge">{t!(i18n, floor.reason_urgent_referral)}</span> })}
                {v.appointment_at.map(|t| view! { <span dir="ltr">{super::booking::local_time(t)}</span> })}
                {v.room.clone().map(|r| view! { <span>{t!(i18n, floor.room)}" "<span dir="ltr">{r}</span></span> })}
                {v.practitioner_name.clone().map(|n| view! { <span class="hint">{n}</span> })}
                {moves.into_iter().filter(|m| m.0).map(|(_, to, label, test)| {
                    let id = id.clone();
                    view! {
                        <ActionForm action=advance attr:class="inline">
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="to" value=to.code()/>
                            <button type="submit" data-test=format!("visit-{test}") class=if to == VisitStatus::Absent { "secondary-button" } else { "" }>{label}</button>
                        </ActionForm>
                    }
                }).collect_view()}
            </li>
        }
    };
    view! {
        <Title text=move || t_string!(i18n, floor.title)/>
        <h1>{t!(i18n, floor.title)}</h1>
        // In a Suspense: the server waits for the session before it decides.
        <Suspense fallback=|| ()>
        <Show when=practitioner>
            <ActionForm action=call attr:class="form card" attr:data-test="call-next">
                <FormError error=action_error(call.value())/>
                {move || call.value().get().and_then(|r| r.ok()).map(|v| view! {
                    <p class="ok" role="status" data-test="called">{t!(i18n, floor.called_ticket)}" "<strong dir="ltr">{v.ticket}</strong>" — "{v.patient_name}</p>
                })}
                <div class="field">
                    <label for="room">{t!(i18n, floor.room)}</label>
                    <input id="room" name="room" required maxlength="16" dir="ltr" autocomplete="on"/>
                </div>
                <button type="submit" disabled=move || call.pending().get()>{t!(i18n, floor.call_next)}</button>
            </ActionForm>
        </Show>
        </Suspense>
        <FormError error=action_error(advance.value())/>
        <Suspense fallback=|| ()>
            {move || queue.get().map(|r| match r {
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(q) => {
                    let empty = q.waiting.is_empty() && q.with_practitioner.is_empty();
                    view! {
                        {empty.then(|| view! { <p class="hint" data-test="floor-empty">{t!(i18n, floor.empty)}</p> })}
                        <h2>{t!(i18n, floor.with_practitioner)}</h2>
                        <ul class="slots" data-test="with-practitioner">{q.with_practitioner.into_iter().map(row).collect_view()}</ul>
                        <h2>{t!(i18n, floor.waiting)}</h2>
                        <ol class="slots" data-test="waiting">{q.waiting.into_iter().map(row).collect_view()}</ol>
                        <h2>{t!(i18n, floor.seen)}</h2>
                        <ul class="slots" data-test="seen">{q.seen.into_iter().map(row).collect_view()}</ul>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
