//! The in-app inbox with the channel preferences; the page a signed link
//! from an email or SMS opens (view, and cancel without signing in); the
//! facility admins' list of undelivered messages.

use super::booking::local_time;
use crate::components::{action_error, FormError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_params_map;
use shared::{MessageChannel, MessageKind};

#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let mark_all = ServerAction::<crate::api::MarkAllRead>::new();
    let save = ServerAction::<crate::api::SetNotificationPrefs>::new();
    let list = Resource::new(move || mark_all.version().get(), |_| crate::api::inbox());
    let prefs = Resource::new(move || save.version().get(), |_| crate::api::notification_prefs());
    view! {
        <Title text=move || t_string!(i18n, inbox.title)/>
        <h1>{t!(i18n, inbox.title)}</h1>
        <Suspense fallback=|| ()>
            {move || list.get().map(|r| match r {
                Err(e) if e.code() == shared::ErrorCode::Unauthorized => view! { <Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(inbox) if inbox.items.is_empty() => view! { <p data-test="inbox-empty">{t!(i18n, inbox.none)}</p> }.into_any(),
                Ok(inbox) => view! {
                    {(inbox.unread > 0).then(|| view! {
                        <ActionForm action=mark_all attr:class="inline">
                            <button type="submit" class="secondary-button" data-test="mark-all-read">{t!(i18n, inbox.mark_all)}</button>
                        </ActionForm>
                    })}
                    <ul class="slots">
                        {inbox.items.into_iter().map(|m| view! {
                            <li class="card slot" data-test="inbox-item" data-kind=m.kind.code() data-read=m.read.to_string()>
                                <strong>{m.title.clone()}</strong>
                                {(!m.read).then(|| view! { <span class="status">{t!(i18n, inbox.unread)}</span> })}
                                <span class="hint" dir="ltr">{local_time(m.created_at)}</span>
                                <p class="message">{m.body.clone()}</p>
                                {m.appointment_id.map(|_| {
                                    // The desk's news opens its day list; a citizen's message their appointments.
                                    let href = if matches!(m.kind, MessageKind::DeskBooked | MessageKind::DeskCancelled) { "/desk" } else { "/appointments" };
                                    view! { <A href=href>{t!(i18n, inbox.open)}</A> }
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
        <section class="card">
            <h2>{t!(i18n, inbox.prefs_title)}</h2>
            <Suspense fallback=|| ()>
                {move || prefs.get().and_then(|r| r.ok()).map(|p| view! {
                    <ActionForm action=save attr:class="form">
                        <FormError error=action_error(save.value())/>
                        {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <p class="ok" role="status">{t!(i18n, inbox.saved)}</p> })}
                        <label class="check"><input type="checkbox" name="email" checked=p.email data-test="pref-email"/>" "{t!(i18n, inbox.email)}</label>
                        <label class="check"><input type="checkbox" name="sms" checked=p.sms data-test="pref-sms"/>" "{t!(i18n, inbox.sms)}</label>
                        <p class="hint">{t!(i18n, inbox.inapp_always)}</p>
                        <button type="submit">{t!(i18n, inbox.save)}</button>
                    </ActionForm>
                })}
            </Suspense>
        </section>
    }
}

/// `/a/:token`: the appointment a signed link names. Works without signing
/// in and without JavaScript (the cancel button is a plain form post).
#[component]
pub fn LinkPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let cancel = ServerAction::<crate::api::CancelByLink>::new();
    let confirm = ServerAction::<crate::api::ConfirmByLink>::new();
    let shown = Resource::new(move || (token(), cancel.version().get(), confirm.version().get()), |(t, _, _)| crate::api::link_appointment(t));
    let status_text = move |s: shared::AppointmentStatus| super::booking::appointment_status(i18n, s);
    view! {
        <Title text=move || t_string!(i18n, link.title)/>
        <h1>{t!(i18n, link.title)}</h1>
        <FormError error=action_error(cancel.value())/>
        <FormError error=action_error(confirm.value())/>
        {move || matches!(cancel.value().get(), Some(Ok(()))).then(|| view! { <p class="ok" role="status" data-test="link-cancelled">{t!(i18n, link.cancelled_ok)}</p> })}
        <Suspense fallback=|| ()>
            {move || shown.get().map(|r| match r {
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(l) => {
                    let a = l.appointment;
                    let place = if i18n.get_locale_untracked() == Locale::ar { a.facility_name_ar.clone() } else { a.facility_name_fr.clone() };
                    let (can_cancel, can_confirm, confirmed) = (l.can_cancel, l.can_confirm, l.confirmed);
                    view! {
                        <section class="card" data-test="link-appointment" data-status=a.status.code()>
                            <p><strong dir="ltr">{local_time(a.starts_at)}</strong></p>
                            <p>{place}</p>
                            <p>{a.practitioner_name.clone()}</p>
                            <p>{t!(i18n, link.status)}": "<span class="status">{status_text(a.status)}</span></p>
                            {confirmed.then(|| view! { <p class="ok" role="status" data-test="link-confirmed">{t!(i18n, link.confirmed)}</p> })}
                            {can_confirm.then(|| view! {
                                <ActionForm action=confirm attr:class="inline">
                                    <input type="hidden" name="token" value=token()/>
                                    <button type="submit" data-test="link-confirm" disabled=move || confirm.pending().get()>{t!(i18n, link.confirm)}</button>
                                </ActionForm>
                            })}
                            {can_cancel.then(|| view! {
                                <p class="hint">{t!(i18n, link.cancel_hint)}</p>
                                <ActionForm action=cancel attr:class="inline">
                                    <input type="hidden" name="token" value=token()/>
                                    <button type="submit" data-test="link-cancel" disabled=move || cancel.pending().get()>{t!(i18n, link.cancel)}</button>
                                </ActionForm>
                            })}
                            <p class="hint">{t!(i18n, link.sign_in_hint)}" "<A href="/login">{t!(i18n, nav.login)}</A></p>
                        </section>
                        <super::ArrivalQr code=l.arrival_code image=l.arrival_qr/>
                        <super::Instructions instructions=l.instructions/>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

/// The facility admins' list of messages that could not be delivered.
#[component]
pub fn Undelivered() -> impl IntoView {
    let i18n = use_i18n();
    let retry = ServerAction::<crate::api::RetryUndelivered>::new();
    let list = Resource::new(move || retry.version().get(), |_| crate::api::undelivered());
    view! {
        <Suspense fallback=|| ()>
            {move || list.get().and_then(|r| r.ok()).map(|rows| view! {
                <section class="card" data-test="undelivered">
                    <h2>{t!(i18n, undelivered.title)}</h2>
                    <FormError error=action_error(retry.value())/>
                    {rows.is_empty().then(|| view! { <p>{t!(i18n, undelivered.none)}</p> })}
                    <ul class="slots">
                        {rows.into_iter().map(|r| {
                            let channel = match r.channel {
                                MessageChannel::Sms => t_string!(i18n, undelivered.sms),
                                MessageChannel::Email | MessageChannel::Inapp => t_string!(i18n, undelivered.email),
                            };
                            view! {
                                <li class="card slot" data-test="undelivered-row">
                                    <span dir="ltr">{local_time(r.updated_at)}</span>
                                    <span>{channel}</span>
                                    <span data-kind=r.kind.code()>{kind_label(i18n, r.kind)}</span>
                                    <span class="hint">{r.attempts}" "{t!(i18n, undelivered.attempts)}" · "<bdi dir="ltr">{r.last_error.clone()}</bdi></span>
                                    <ActionForm action=retry attr:class="inline">
                                        <input type="hidden" name="id" value=r.id.to_string()/>
                                        <button type="submit" class="secondary-button">{t!(i18n, undelivered.retry)}</button>
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

/// What an undelivered message was about, in the admin's language.
fn kind_label(i18n: leptos_i18n::I18nContext<Locale>, k: MessageKind) -> &'static str {
    use MessageKind as K;
    match k {
        K::Booked => t_string!(i18n, undelivered.kind_booked),
        K::Rescheduled => t_string!(i18n, undelivered.kind_rescheduled),
        K::Cancelled => t_string!(i18n, undelivered.kind_cancelled),
        K::Reminder => t_string!(i18n, undelivered.kind_reminder),
        K::Offer => t_string!(i18n, undelivered.kind_offer),
        K::Referral => t_string!(i18n, undelivered.kind_referral),
        K::Prescription => t_string!(i18n, undelivered.kind_prescription),
        K::Result => t_string!(i18n, undelivered.kind_result),
        K::Next => t_string!(i18n, undelivered.kind_next),
        K::DeskBooked => t_string!(i18n, undelivered.kind_desk_booked),
        K::DeskCancelled => t_string!(i18n, undelivered.kind_desk_cancelled),
        K::PhoneCode
        | K::EmailLink
        | K::ResetCode
        | K::ResetLink
        | K::ContactChanged
        | K::SecondFactorReset
        | K::ClaimWaiting
        | K::ClaimApproved
        | K::GuardianAccessEnded
        | K::ConsentWaiting
        | K::StaffInvitation => t_string!(i18n, undelivered.kind_account),
    }
}
