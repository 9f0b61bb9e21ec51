//! The floor, for staff: today's queues (a practitioner's own and their
//! service's; every queue for the desk), the practitioner's call, and
//! moving a called patient along. Refreshed every 15 s and after every
//! action; the waiting room's TV has its own page (`/display/…`).

use crate::components::{action_error, errors_of, FormCheck, FormError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use shared::dto::VisitOut;
use shared::{DeskDecision, PriorityGroup, QueueReason, VisitStatus};

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

pub(crate) fn status_text(i18n: leptos_i18n::I18nContext<Locale>, s: VisitStatus) -> &'static str {
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

/// Where the practitioner writes a visit's consultation (the appointment's,
/// which writing it fulfils); None outside the practitioner's view.
fn consultation_href(v: &VisitOut) -> Option<String> {
    let p = v.patient_id?;
    Some(match v.appointment_id {
        Some(a) => format!("/care/{p}?appointment={a}"),
        None => format!("/care/{p}"),
    })
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

/// The desk receives a patient without an appointment: NIN, service (and
/// optionally one of its practitioners), priority group; the identity
/// card's fields open when Sihati does not know the NIN.
#[component]
fn WalkInForm(
    action: ServerAction<crate::api::FloorWalkIn>,
    /// The facility's practitioners (their services are the choices).
    practitioners: Vec<shared::dto::PractitionerOut>,
    /// The specialties' names.
    specialties: Vec<shared::dto::SpecialtyOut>,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = action.value();
    let check = FormCheck::new(action_error(value));
    // The card is asked for once the server says the NIN is unknown (or
    // finds something wrong on it).
    let card_needed = move || {
        value.get().and_then(|r| r.err()).is_some_and(|e| {
            e.field("nin") == Some(shared::ErrorCode::NinUnknown) || ["given_name", "family_name", "birth_date", "sex"].iter().any(|f| e.field(f).is_some())
        })
    };
    view! {
        <ActionForm action=action attr:class="form card" attr:data-test="walk-in"
            on:change=check.on_change(|w: &shared::dto::WalkInIn, today| errors_of(w.validate(today)))>
            <h2>{t!(i18n, floor.walk_in)}</h2>
            <FormError error=Signal::derive(move || action_error(value).get().filter(|e| e.0.fields.is_empty()))/>
            {move || value.get().and_then(|r| r.ok()).map(|v| view! {
                <p class="ok" role="status" data-test="walked-in">{t!(i18n, floor.walked_in)}" "<strong dir="ltr">{v.ticket}</strong>" — "{v.patient_name}</p>
            })}
            <div class="field">
                <label for="walk-in-nin">{t!(i18n, fields.nin)}</label>
                <input id="walk-in-nin" name="nin" inputmode="numeric" dir="ltr" autocomplete="off" required/>
                {check.line("nin")}
            </div>
            {{
                        let list = practitioners;
                        let locale = i18n.get_locale_untracked();
                        let mut codes: Vec<String> = list.iter().map(|p| p.specialty.clone()).collect();
                        codes.sort();
                        codes.dedup();
                        let label = |code: &str| specialties.iter().find(|s| s.code == code).map(|s| super::booking::specialty_label(locale, s)).unwrap_or_else(|| code.to_owned());
                        view! {
                            <div class="field">
                                <label for="walk-in-specialty">{t!(i18n, floor.service)}</label>
                                <select id="walk-in-specialty" name="specialty" data-test="walk-in-specialty">
                                    {codes.iter().map(|c| view! { <option value=c.clone()>{label(c)}</option> }).collect_view()}
                                </select>
                                {check.line("specialty")}
                            </div>
                            <div class="field">
                                <label for="walk-in-practitioner">{t!(i18n, floor.practitioner_optional)}</label>
                                <select id="walk-in-practitioner" name="practitioner_id">
                                    <option value="">{t!(i18n, floor.any_practitioner)}</option>
                                    {list.into_iter().map(|p| view! { <option value=p.id.to_string()>{format!("{} ({})", p.name, label(&p.specialty))}</option> }).collect_view()}
                                </select>
                                {check.line("practitioner_id")}
                            </div>
                        }
            }}
            <div class="field">
                <PrioritySelect id="walk-in-priority".into()/>
            </div>
            <details prop:open=card_needed data-test="walk-in-card">
                <summary>{t!(i18n, floor.new_patient)}</summary>
                <p class="hint">{t!(i18n, floor.new_patient_hint)}</p>
                <div class="field">
                    <label for="walk-in-given">{t!(i18n, fields.given_name)}</label>
                    <input id="walk-in-given" name="given_name" autocomplete="off"/>
                    {check.line("given_name")}
                </div>
                <div class="field">
                    <label for="walk-in-family">{t!(i18n, fields.family_name)}</label>
                    <input id="walk-in-family" name="family_name" autocomplete="off"/>
                    {check.line("family_name")}
                </div>
                <div class="field">
                    <label for="walk-in-birth">{t!(i18n, fields.birth_date)}</label>
                    <input id="walk-in-birth" name="birth_date" type="date"/>
                    {check.line("birth_date")}
                </div>
                <div class="field">
                    <label for="walk-in-sex">{t!(i18n, fields.sex)}</label>
                    <select id="walk-in-sex" name="sex">
                        <option value="">"—"</option>
                        <option value="female">{t!(i18n, fields.female)}</option>
                        <option value="male">{t!(i18n, fields.male)}</option>
                    </select>
                    {check.line("sex")}
                </div>
                <div class="field">
                    <label for="walk-in-phone">{t!(i18n, floor.phone_optional)}</label>
                    <input id="walk-in-phone" name="phone" type="tel" inputmode="tel" dir="ltr" autocomplete="off"/>
                    {check.line("phone")}
                </div>
            </details>
            <button type="submit" disabled=move || action.pending().get()>{t!(i18n, floor.receive)}</button>
        </ActionForm>
    }
}

/// The desk marks an arrival by scanning the appointment's QR code: a
/// scanner types the code's address into the field and presses Enter; a
/// phone's camera opens that address, which fills the field. The field
/// empties after each arrival, ready for the next patient.
#[component]
fn ScanForm(action: ServerAction<crate::api::FloorScan>) -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let scanned = move || query.with(|q| q.get("scan")).unwrap_or_default();
    let field = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(input)) = (action.value().get(), field.get()) {
            input.set_value("");
            let _ = input.focus();
        }
    });
    view! {
        <ActionForm action=action attr:class="form card" attr:data-test="scan">
            <h2>{t!(i18n, floor.scan)}</h2>
            <p class="hint">{t!(i18n, floor.scan_hint)}</p>
            <FormError error=action_error(action.value())/>
            {move || action.value().get().and_then(|r| r.ok()).map(|v| view! {
                <p class="ok" role="status" data-test="scanned">{t!(i18n, floor.arrived_ticket)}" "<strong dir="ltr">{v.ticket}</strong>" — "{v.patient_name}</p>
            })}
            <div class="field">
                <label for="scan-code">{t!(i18n, floor.scan_code)}</label>
                <input id="scan-code" name="code" node_ref=field required dir="ltr" autocomplete="off" value=scanned/>
            </div>
            <div class="field">
                <PrioritySelect id="scan-priority".to_owned()/>
            </div>
            <button type="submit" disabled=move || action.pending().get()>{t!(i18n, floor.scan_button)}</button>
        </ActionForm>
    }
}

/// One form per decision about an appointment (its button's style: the
/// first decision is the usual one, the others secondary).
#[component]
fn DecisionButtons(action: ServerAction<crate::api::FloorDecide>, id: String, choices: &'static [DeskDecision]) -> impl IntoView {
    let i18n = use_i18n();
    choices
        .iter()
        .enumerate()
        .map(|(n, &decision)| {
            let id = id.clone();
            let label = match decision {
                DeskDecision::NoShow => t_string!(i18n, floor.mark_no_show),
                DeskDecision::LateCancellation => t_string!(i18n, floor.mark_late_cancellation),
                DeskDecision::Confirm => t_string!(i18n, floor.confirm),
                DeskDecision::Decline => t_string!(i18n, floor.decline),
            };
            view! {
                <ActionForm action=action attr:class="inline">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="decision" value=decision.code()/>
                    <button type="submit" class=if n == 0 { "" } else { "secondary-button" } data-test=format!("decide-{decision}")>{label}</button>
                </ActionForm>
            }
        })
        .collect_view()
}

/// The desk's end-of-day review: today's booked patients whose time has
/// passed and who never came, each confirmed a no-show or a late
/// cancellation (nothing is decided automatically); and the online
/// bookings of patients at the no-show limit, waiting for confirmation.
#[component]
fn DeskReview(
    decide: ServerAction<crate::api::FloorDecide>,
    confirm: ServerAction<crate::api::FloorDecide>,
    review: Option<Result<Vec<shared::dto::ReviewOut>, crate::error::AppError>>,
    pending: Option<Result<Vec<shared::dto::AppointmentOut>, crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section data-test="review">
            <h2>{t!(i18n, floor.review)}</h2>
            <p class="hint">{t!(i18n, floor.review_hint)}</p>
            <FormError error=action_error(decide.value())/>
                {review.map(|r| match r {
                    Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="hint" data-test="review-empty">{t!(i18n, floor.review_empty)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="slots">
                            {list.into_iter().map(|r| {
                                let id = r.appointment_id.to_string();
                                let no_shows = r.no_shows;
                                view! {
                                    <li class="card slot" data-test="review-row">
                                        <strong dir="ltr">{super::booking::local_time(r.starts_at)}</strong>
                                        <span>{r.patient_name.clone()}</span>
                                        {r.patient_phone.clone().map(|p| view! { <span dir="ltr">{p}</span> })}
                                        <span class="hint">{r.practitioner_name.clone()}</span>
                                        {r.visit_status.map(|s| view! { <span class="status">{status_text(i18n, s)}</span> })}
                                        {(no_shows > 0).then(|| view! { <span class="badge">{t!(i18n, appointments.no_show_count, count = move || no_shows)}</span> })}
                                        <DecisionButtons action=decide id=id choices=DeskDecision::REVIEW/>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
        </section>
        <section data-test="pending">
            <h2>{t!(i18n, floor.pending)}</h2>
            <FormError error=action_error(confirm.value())/>
                {pending.map(|r| match r {
                    Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="hint">{t!(i18n, floor.pending_empty)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="slots">
                            {list.into_iter().map(|a| {
                                let id = a.id.to_string();
                                view! {
                                    <li class="card slot" data-test="pending-row">
                                        <strong dir="ltr">{super::booking::local_time(a.starts_at)}</strong>
                                        <span>{a.patient_name.clone()}</span>
                                        <span class="hint">{a.practitioner_name.clone()}</span>
                                        <DecisionButtons action=confirm id=id choices=DeskDecision::PENDING/>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
        </section>
    }
}

#[component]
pub fn FloorPage() -> impl IntoView {
    let i18n = use_i18n();
    let call = ServerAction::<crate::api::FloorCall>::new();
    let advance = ServerAction::<crate::api::FloorAdvance>::new();
    let walk_in = ServerAction::<crate::api::FloorWalkIn>::new();
    let scan = ServerAction::<crate::api::FloorScan>::new();
    let session = expect_context::<crate::SessionResource>();
    // Read directly in the Suspense's children (not through `Show`, whose
    // condition is a memo the Suspense may not wait for): the server
    // renders the forms only once it knows who is asking.
    let role = move || session.get().and_then(|s| s.ok()).flatten().map(|p| p.role);
    let tick = crate::components::use_tick(15);
    // "Done" opens the consultation form.
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(v)) = advance.value().get() {
            if let Some(href) = consultation_href(&v).filter(|_| v.status == VisitStatus::Done) {
                navigate(&href, Default::default());
            }
        }
    });
    let queue = Resource::new(
        move || (call.version().get(), advance.version().get(), walk_in.version().get(), scan.version().get(), tick.get()),
        |_| crate::api::floor_queue(),
    );
    // The desk's data, fetched with the page (read unconditionally in the
    // Suspense that shows it, so the server waits for all of it).
    let decide = ServerAction::<crate::api::FloorDecide>::new();
    let confirm = ServerAction::<crate::api::FloorDecide>::new();
    let practitioners = Resource::new(|| (), |_| crate::api::desk_practitioners());
    let directory = Resource::new(|| (), |_| crate::api::directory());
    let review = Resource::new(move || decide.version().get(), |_| crate::api::floor_review(String::new()));
    let pending = Resource::new(move || confirm.version().get(), |_| crate::api::floor_pending());
    let is_desk = |r: Option<shared::Role>| matches!(r, Some(shared::Role::Receptionist | shared::Role::FacilityAdmin));
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
                // The practitioner writes the consultation from here (it fulfils the appointment).
                {consultation_href(&v).filter(|_| matches!(v.status, VisitStatus::InConsultation | VisitStatus::Done)).map(|href| {
                    view! { <a href=href data-test="visit-consultation">{t!(i18n, floor.write_consultation)}</a> }
                })}
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
            {move || {
                let (who, staff, names) = (role(), practitioners.get(), directory.get());
                match who {
                Some(shared::Role::Practitioner) => view! {
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
                }.into_any(),
                who if is_desk(who) => {
                    let list = staff.and_then(|r| r.ok()).unwrap_or_default();
                    let specialties = names.and_then(|r| r.ok()).map(|d| d.0).unwrap_or_default();
                    view! {
                        <ScanForm action=scan/>
                        <WalkInForm action=walk_in practitioners=list specialties=specialties/>
                    }.into_any()
                }
                _ => ().into_any(),
                }
            }}
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
        <Suspense fallback=|| ()>
            {move || {
                let (who, r, p) = (role(), review.get(), pending.get());
                is_desk(who).then(|| view! { <DeskReview decide=decide confirm=confirm review=r pending=p/> })
            }}
        </Suspense>
    }
}

/// Self check-in: the page a waiting-room screen's QR code opens on the
/// citizen's phone. One button (a scan alone changes nothing: a preview
/// or a prefetch of the address checks nobody in); the answer is the
/// ticket of each appointment checked in, or why not.
#[component]
pub fn CheckInPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = leptos_router::hooks::use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let check_in = ServerAction::<crate::api::SelfCheckIn>::new();
    view! {
        <Title text=move || t_string!(i18n, floor.check_in_title)/>
        <h1>{t!(i18n, floor.check_in_title)}</h1>
        <FormError error=action_error(check_in.value())/>
        {move || match check_in.value().get() {
            Some(Ok(visits)) => view! {
                <ul class="slots" data-test="checked-in">
                    {visits.into_iter().map(|v| view! {
                        <li class="card slot" data-ticket=v.ticket.clone()>
                            <strong class="ticket" dir="ltr">{v.ticket.clone()}</strong>
                            <span>{v.patient_name.clone()}</span>
                            {v.position.map(|p| view! { <span>{t!(i18n, floor.ahead, count = move || p)}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
                <p><a href="/appointments">{t!(i18n, floor.follow_place)}</a></p>
            }.into_any(),
            _ => view! {
                <p class="hint">{t!(i18n, floor.check_in_hint)}</p>
                <ActionForm action=check_in attr:class="form card" attr:data-test="check-in">
                    <input type="hidden" name="code" value=code/>
                    <button type="submit" disabled=move || check_in.pending().get()>{t!(i18n, floor.check_in)}</button>
                </ActionForm>
                <p class="hint">{t!(i18n, floor.check_in_sign_in)}" "<a href="/login">{t!(i18n, nav.login)}</a></p>
            }.into_any(),
        }}
    }
}
