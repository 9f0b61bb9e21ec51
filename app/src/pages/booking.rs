//! Finding a free slot and booking it; one's own appointments.
//! The search is a plain GET form (its parameters are not personal data),
//! booking and cancelling are ActionForms: all work before the WASM loads.

use crate::components::{action_error, FormError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use shared::dto::{AppointmentOut, SlotGroupOut, SlotTimeOut};
use shared::{AppointmentStatus, WaitlistStatus};

/// Algiers wall-clock time (UTC+1 all year), day first as read in Algeria.
pub fn local_time(t: chrono::DateTime<chrono::Utc>) -> String {
    shared::time::algiers_display(t)
}

/// Times shown per day of a search group; the rest behind "more".
const TIMES_SHOWN: usize = 4;

/// `HH:MM` in Algiers.
fn clock(t: chrono::DateTime<chrono::Utc>) -> String {
    local_time(t).split(' ').nth(1).unwrap_or_default().to_owned()
}

/// A day of a search group: its weekday and `dd/mm`.
fn day_label(i18n: leptos_i18n::I18nContext<Locale>, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let name = super::network::day_text(i18n, d.weekday().number_from_monday() as u8);
    format!("{name} {:02}/{:02}", d.day(), d.month())
}

/// `/book` with the current search's parameters, some replaced (an empty
/// value drops the parameter).
fn search_url(q: &leptos_router::params::ParamsMap, set: &[(&str, &str)]) -> String {
    let mut q = q.clone();
    for (k, v) in set {
        q.remove(k);
        if !v.is_empty() {
            q.insert(k.to_string(), v.to_string());
        }
    }
    format!("/book{}", q.to_query_string())
}

/// An appointment's status in the page's language.
pub(super) fn appointment_status(i18n: leptos_i18n::I18nContext<Locale>, s: AppointmentStatus) -> &'static str {
    match s {
        AppointmentStatus::Booked => t_string!(i18n, appointments.booked),
        AppointmentStatus::Cancelled => t_string!(i18n, appointments.cancelled),
        AppointmentStatus::Fulfilled => t_string!(i18n, appointments.fulfilled),
        AppointmentStatus::Pending => t_string!(i18n, appointments.pending),
        AppointmentStatus::NoShow => t_string!(i18n, appointments.no_show),
    }
}

/// A cancellation reason in the page's language.
pub(crate) fn cancel_reason_text(i18n: leptos_i18n::I18nContext<Locale>, r: shared::CancelReason) -> &'static str {
    use shared::CancelReason::*;
    match r {
        NotNeeded => t_string!(i18n, appointments.reason_not_needed),
        Unavailable => t_string!(i18n, appointments.reason_unavailable),
        BookedElsewhere => t_string!(i18n, appointments.reason_booked_elsewhere),
        Other => t_string!(i18n, appointments.reason_other),
        LateCancellation => t_string!(i18n, appointments.reason_late_cancellation),
        Declined => t_string!(i18n, appointments.reason_declined),
        AccountClosed => t_string!(i18n, appointments.reason_account_closed),
    }
}

/// The reasons a person may give when cancelling, as a `<select name="reason">`.
#[component]
pub(crate) fn CancelReasonSelect(id: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for=id.clone() class="visually-hidden">{t!(i18n, appointments.reason)}</label>
        <select id=id name="reason" data-test="cancel-reason">
            <option value="">{t!(i18n, appointments.reason_none)}</option>
            {shared::CancelReason::CHOSEN.iter().map(|r| view! { <option value=r.code()>{cancel_reason_text(i18n, *r)}</option> }).collect_view()}
        </select>
    }
}

/// The no-show rule, shown to a citizen once they (or a dependant) have one.
#[component]
fn NoShows() -> impl IntoView {
    let i18n = use_i18n();
    // Rendered by the server (its own Transition, a sibling of the page's
    // Suspenses, never inside one), so the rule is in place before the
    // page paints.
    let standing = Resource::new(|| (), |_| crate::api::my_no_shows());
    view! {
        <Transition fallback=|| ()>
            {move || standing.get().and_then(|r| r.ok()).filter(|n| n.people.iter().any(|p| p.count > 0)).map(|n| {
                let (limit, days) = (n.limit, n.days);
                view! {
                    <section class="card" data-test="no-shows">
                        <p>{t!(i18n, appointments.no_show_rule, limit = move || limit, days = move || days)}</p>
                        <ul>
                            {n.people.into_iter().filter(|p| p.count > 0).map(|p| {
                                let count = p.count;
                                view! {
                                    <li data-count=count>
                                        {p.name}": "{t!(i18n, appointments.no_show_count, count = move || count)}
                                        {p.confirmation_needed.then(|| view! { " — "<strong>{t!(i18n, appointments.confirmation_needed)}</strong> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })}
        </Transition>
    }
}

/// A specialty's name in the page's language.
pub(super) fn specialty_label(locale: Locale, s: &shared::dto::SpecialtyOut) -> String {
    match locale {
        Locale::ar => s.name_ar.clone(),
        Locale::fr => s.name_fr.clone(),
        Locale::en => s.name_en.clone(),
    }
}

fn plus_days(today: chrono::NaiveDate, days: i64) -> String {
    (today + chrono::Duration::days(days)).format("%Y-%m-%d").to_string()
}

#[component]
pub fn BookPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k));
    let directory = Resource::new(|| (), |_| crate::api::directory());
    let arg = move |k: &str| param(k).unwrap_or_default();
    let results = Resource::new(
        move || [arg("specialty"), arg("wilaya"), arg("from"), arg("to"), arg("facility"), arg("practitioner"), arg("sort"), arg("cursor")],
        |[s, w, f, t, fac, pr, sort, cursor]| async move {
            if s.is_empty() || w.is_empty() {
                return None;
            }
            Some(crate::api::search_groups(s, w, f, t, fac, pr, sort, cursor).await)
        },
    );
    let book = ServerAction::<crate::api::BookSlot>::new();
    let join = ServerAction::<crate::api::JoinWaitlist>::new();
    let dependants = Resource::new(|| (), |_| crate::api::my_dependants());
    // Once a wilaya is chosen, its facilities can narrow the search.
    let facilities = Resource::new(
        move || param("wilaya").filter(|w| !w.is_empty()),
        |w| async move {
            match w {
                Some(w) => crate::api::facilities_in(w).await.unwrap_or_default(),
                None => Vec::new(),
            }
        },
    );
    let is_ar = move || i18n.get_locale() == Locale::ar;
    let moving = move || param("reschedule").filter(|r| !r.is_empty());
    let for_whom = move || param("for").unwrap_or_default();
    view! {
        <Title text=move || t_string!(i18n, book.title)/>
        <h1>{t!(i18n, book.title)}</h1>
        {move || moving().map(|_| view! { <p class="card hint" data-test="rescheduling">{t!(i18n, book.reschedule_note)}</p> })}
        // One Transition reads the directory, the wilaya's facilities and
        // the dependants: a Suspense nested in another stops a lazy route's
        // server rendering at the inner fallback (leptos_router 0.8).
        <Transition fallback=|| ()>
            {move || {
            let facility_list = facilities.get().unwrap_or_default();
            let deps = dependants.get().and_then(|d| d.ok()).unwrap_or_default();
            directory.get().map(|d| match d {
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok((specialties, wilayas, today)) => {
                    let chosen_s = param("specialty").unwrap_or_default();
                    let chosen_w = param("wilaya").unwrap_or_else(|| "31".into());
                    let locale = i18n.get_locale_untracked();
                    view! {
                        <form method="get" action="/book" class="form card" data-test="search">
                            <div class="field">
                                <label for="specialty">{t!(i18n, book.specialty)}</label>
                                <select id="specialty" name="specialty" required>
                                    {specialties.into_iter().map(|s| {
                                        let name = specialty_label(locale, &s);
                                        let selected = s.code == chosen_s;
                                        view! { <option value=s.code.clone() selected=selected>{name}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="wilaya">{t!(i18n, book.wilaya)}</label>
                                <select id="wilaya" name="wilaya" required>
                                    {wilayas.into_iter().map(|w| {
                                        let name = format!("{} — {}", w.code, if locale == Locale::ar { w.name_ar.clone() } else { w.name_fr.clone() });
                                        let selected = w.code == chosen_w;
                                        view! { <option value=w.code.clone() selected=selected>{name}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            {(!facility_list.is_empty()).then(|| {
                                    let list = facility_list;
                                    let chosen = param("facility").unwrap_or_default();
                                    let ar = i18n.get_locale_untracked() == Locale::ar;
                                    view! {
                                        <div class="field">
                                            <label for="facility">{t!(i18n, book.facility)}</label>
                                            <select id="facility" name="facility">
                                                <option value="">{t!(i18n, book.any_facility)}</option>
                                                {list.into_iter().map(|f| {
                                                    let selected = f.id.to_string() == chosen;
                                                    view! { <option value=f.id.to_string() selected=selected>{if ar { f.name_ar.clone() } else { f.name_fr.clone() }}</option> }
                                                }).collect_view()}
                                            </select>
                                        </div>
                                    }
                                })}
                            <div class="field">
                                <label for="from">{t!(i18n, book.from)}</label>
                                <input id="from" name="from" type="date" value=param("from").unwrap_or_else(|| plus_days(today, 1))/>
                            </div>
                            <div class="field">
                                <label for="to">{t!(i18n, book.to)}</label>
                                <input id="to" name="to" type="date" value=param("to").unwrap_or_else(|| plus_days(today, 28))/>
                            </div>
                            <div class="field">
                                <label for="sort">{t!(i18n, book.sort)}</label>
                                <select id="sort" name="sort">
                                    <option value="earliest" selected=arg("sort") != "facility">{t!(i18n, book.sort_earliest)}</option>
                                    <option value="facility" selected=arg("sort") == "facility">{t!(i18n, book.sort_facility)}</option>
                                </select>
                            </div>
                            {param("practitioner").filter(|p| !p.is_empty()).map(|p| view! { <input type="hidden" name="practitioner" value=p/> })}
                            {moving().map(|r| view! { <input type="hidden" name="reschedule" value=r/> })}
                            {(!deps.is_empty() && moving().is_none()).then(|| {
                                    let chosen = for_whom();
                                    view! {
                                        <div class="field">
                                            <label for="for">{t!(i18n, book.for_whom)}</label>
                                            <select id="for" name="for">
                                                <option value="">{t!(i18n, book.myself)}</option>
                                                {deps.into_iter().map(|d| {
                                                    let selected = d.id.to_string() == chosen;
                                                    view! { <option value=d.id.to_string() selected=selected>{format!("{} {}", d.given_name, d.family_name)}</option> }
                                                }).collect_view()}
                                            </select>
                                        </div>
                                    }
                                })}
                            <button type="submit">{t!(i18n, book.search)}</button>
                        </form>
                    }.into_any()
                }
            })
            }}
        </Transition>
        <FormError error=action_error(book.value())/>
        <FormError error=action_error(join.value())/>
        <Suspense fallback=|| ()>
            {move || results.get().flatten().map(|r| match r {
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(page) if page.items.is_empty() && arg("cursor").is_empty() => view! {
                    <p class="card" data-test="no-slots">{t!(i18n, book.none)}</p>
                    {(!arg("practitioner").is_empty()).then(|| {
                        let href = search_url(&query.read(), &[("practitioner", ""), ("cursor", "")]);
                        view! { <p><a href=href data-test="all-practitioners">{t!(i18n, book.all_practitioners)}</a></p> }
                    })}
                    {moving().is_none().then(|| view! {
                        <ActionForm action=join attr:class="form card" attr:data-test="waitlist-join">
                            <h2>{t!(i18n, book.waitlist_title)}</h2>
                            <p class="hint">{t!(i18n, book.waitlist_note)}</p>
                            <input type="hidden" name="specialty" value=param("specialty").unwrap_or_default()/>
                            <input type="hidden" name="wilaya" value=param("wilaya").unwrap_or_default()/>
                            <input type="hidden" name="from" value=param("from").unwrap_or_default()/>
                            <input type="hidden" name="to" value=param("to").unwrap_or_default()/>
                            <input type="hidden" name="dependant_id" value=for_whom()/>
                            <button type="submit" disabled=move || join.pending().get()>{t!(i18n, book.waitlist_join)}</button>
                        </ActionForm>
                    })}
                }.into_any(),
                Ok(page) => {
                    // Every time is a submit button named `slot_id` of one
                    // form, valued with its slot: without JavaScript the
                    // browser sends the pressed one's, with it Leptos's
                    // ActionForm adds the event's submitter. One form and
                    // one listener to hydrate instead of one per time, and
                    // labels written once, not kept reactive.
                    let verb = if moving().is_some() { t_string!(i18n, book.move_button) } else { t_string!(i18n, book.book_button) };
                    let time = move |t: SlotTimeOut, who: &str| view! {
                        <li data-test="slot" data-when=local_time(t.starts_at)>
                            <button type="submit" name="slot_id" value=t.id.to_string() class="time"
                                aria-label=format!("{verb} {} · {who}", local_time(t.starts_at))>
                                <bdi dir="ltr">{clock(t.starts_at)}</bdi>
                            </button>
                        </li>
                    };
                    let next = page.next_cursor.clone().map(|c| search_url(&query.read(), &[("cursor", c.as_str())]));
                    // Narrowed to one practitioner: the way back to everyone.
                    let everyone = (!arg("practitioner").is_empty()).then(|| search_url(&query.read(), &[("practitioner", ""), ("cursor", "")]));
                    view! {
                        <h2>{t!(i18n, book.results)}</h2>
                        {everyone.map(|href| view! { <p><a href=href data-test="all-practitioners">{t!(i18n, book.all_practitioners)}</a></p> })}
                        <p class="hint">{t!(i18n, book.times_note)}</p>
                        <ActionForm action=book attr:class="results">
                            <input type="hidden" name="reschedule" value=moving().unwrap_or_default()/>
                            <input type="hidden" name="dependant_id" value=for_whom()/>
                            <fieldset class="plain" disabled=move || book.pending().get()>
                                <ol class="groups">
                                    {page.items.into_iter().map(|g: SlotGroupOut| {
                                        let ar = is_ar();
                                        let place = if ar { g.facility_name_ar.clone() } else { g.facility_name_fr.clone() };
                                        let commune = if ar { g.commune_name_ar.clone() } else { g.commune_name_fr.clone() };
                                        let one = search_url(&query.read(), &[("facility", &g.facility_id.to_string()), ("practitioner", &g.practitioner_id.to_string()), ("cursor", "")]);
                                        let narrowed = arg("practitioner") == g.practitioner_id.to_string();
                                        let who = g.practitioner_name.clone();
                                        view! {
                                            <li class="card group" data-test="group">
                                                <h3><a href=format!("/practitioners/{}", g.practitioner_id)>{g.practitioner_name.clone()}</a></h3>
                                                <p><a href=format!("/facilities/{}", g.facility_id) data-test="facility-link">{place}</a>
                                                    {commune.map(|c| view! { " · "{c} })}</p>
                                                <p class="hint">{g.address.clone()}</p>
                                                <p class="hint" data-test="first-free">{t!(i18n, book.first_free)}" "<bdi dir="ltr">{local_time(g.first_at)}</bdi>
                                                    " · "{g.free_in_period}" "{t!(i18n, book.free_times)}</p>
                                                {g.days.into_iter().map(|d| {
                                                    let mut shown = d.slots;
                                                    let rest = shown.split_off(shown.len().min(TIMES_SHOWN));
                                                    view! {
                                                        <div class="day" data-test="day">
                                                            <h4>{day_label(i18n, d.date)}</h4>
                                                            <ul class="times">{shown.into_iter().map(|t| time(t, &who)).collect_view()}</ul>
                                                            {(!rest.is_empty()).then(|| view! {
                                                                <details>
                                                                    <summary data-test="more-times">{t!(i18n, book.more_times)}" ("{rest.len()}")"</summary>
                                                                    <ul class="times">{rest.into_iter().map(|t| time(t, &who)).collect_view()}</ul>
                                                                </details>
                                                            })}
                                                        </div>
                                                    }
                                                }).collect_view()}
                                                {(!narrowed).then(|| view! { <p><a href=one data-test="more-days">{t!(i18n, book.more_days)}</a></p> })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                            </fieldset>
                        </ActionForm>
                        {next.map(|href| view! { <p><a href=href data-test="next-page">{t!(i18n, book.next_page)}</a></p> })}
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AppointmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let cancel = ServerAction::<crate::api::CancelAppointment>::new();
    let answer = ServerAction::<crate::api::AnswerOffer>::new();
    let leave = ServerAction::<crate::api::LeaveWaitlist>::new();
    let list = Resource::new(move || (cancel.version().get(), answer.version().get()), |_| crate::api::my_appointments());
    let waitlist = Resource::new(move || (cancel.version().get(), answer.version().get(), leave.version().get()), |_| crate::api::my_waitlist());
    let referrals = Resource::new(move || cancel.version().get(), |_| crate::api::my_referrals());
    let directory = Resource::new(|| (), |_| crate::api::directory());
    // A specialty's name in the page's language (the API speaks codes).
    let specialty_name = move |code: &str| {
        let locale = i18n.get_locale_untracked();
        directory
            .get_untracked()
            .and_then(|d| d.ok())
            .and_then(|(specs, _, _)| specs.into_iter().find(|s| s.code == code))
            .map(|s| specialty_label(locale, &s))
            .unwrap_or_else(|| code.to_owned())
    };
    let entry_text = move |s: WaitlistStatus| match s {
        WaitlistStatus::Waiting => t_string!(i18n, appointments.waiting),
        WaitlistStatus::Offered => t_string!(i18n, appointments.offered),
        WaitlistStatus::Fulfilled => t_string!(i18n, appointments.fulfilled),
        WaitlistStatus::Left => t_string!(i18n, appointments.left),
        WaitlistStatus::Lapsed => t_string!(i18n, appointments.lapsed),
    };
    let status_text = move |s: AppointmentStatus| appointment_status(i18n, s);
    view! {
        <Title text=move || t_string!(i18n, appointments.title)/>
        <h1>{t!(i18n, appointments.title)}</h1>
        <FormError error=action_error(cancel.value())/>
        <WalkInPlaces/>
        <NoShows/>
        <FormError error=action_error(answer.value())/>
        <FormError error=action_error(leave.value())/>
        <Suspense fallback=|| ()>
            {move || referrals.get().and_then(|r| r.ok()).filter(|r| !r.is_empty()).map(|list| view! {
                <h2>{t!(i18n, appointments.referrals)}</h2>
                <ul class="slots">
                    {list.into_iter().map(|r: shared::dto::ReferralOut| view! {
                        <li class="card slot" data-test="referral">
                            <strong>{specialty_name(&r.specialty)}</strong>
                            <span>{r.reason.clone()}</span>
                            <span class="hint">{t!(i18n, appointments.referral_until)}" "<bdi dir="ltr">{r.expires_on.format("%d/%m/%Y").to_string()}</bdi></span>
                            {r.used.then(|| view! { <span class="status">{t!(i18n, appointments.referral_used)}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || directory.get().map(|_| ())}
            {move || waitlist.get().and_then(|r| r.ok()).filter(|w| !w.is_empty()).map(|entries| view! {
                <h2>{t!(i18n, appointments.waitlist)}</h2>
                <ul class="slots">
                    {entries.into_iter().map(|e: shared::dto::WaitlistOut| {
                        let live = e.can_leave;
                        let id = e.id.to_string();
                        view! {
                            <li class="card slot" data-test="waitlist-entry" data-status=e.status.code()>
                                <strong>{specialty_name(&e.specialty)}</strong>
                                <span dir="ltr">{format!("{} → {}", e.from.format("%d/%m/%Y"), e.to.format("%d/%m/%Y"))}</span>
                                <span class="status">{entry_text(e.status)}</span>
                                {e.offer.clone().map(|o| {
                                    let place = if i18n.get_locale_untracked() == Locale::ar { o.slot.facility_name_ar.clone() } else { o.slot.facility_name_fr.clone() };
                                    let (accept_id, decline_id) = (o.id.to_string(), o.id.to_string());
                                    view! {
                                        <div class="offer" data-test="offer">
                                            <strong dir="ltr">{local_time(o.slot.starts_at)}</strong>
                                            <span>{place}</span>
                                            <span>{o.slot.practitioner_name.clone()}</span>
                                            <span class="hint">{t!(i18n, appointments.offer_until)}" "<bdi dir="ltr">{local_time(o.expires_at)}</bdi></span>
                                            {(!o.can_accept).then(|| view! { <span class="hint" data-test="offer-expired">{crate::error::error_text(i18n.get_locale_untracked(), shared::ErrorCode::OfferExpired)}</span> })}
                                            {o.can_accept.then(|| view! {
                                            <ActionForm action=answer attr:class="inline">
                                                <input type="hidden" name="id" value=accept_id/>
                                                <input type="hidden" name="answer" value="accept"/>
                                                <button type="submit" data-test="accept-offer">{t!(i18n, appointments.accept)}</button>
                                            </ActionForm>
                                            <ActionForm action=answer attr:class="inline">
                                                <input type="hidden" name="id" value=decline_id/>
                                                <input type="hidden" name="answer" value="decline"/>
                                                <button type="submit" class="secondary-button">{t!(i18n, appointments.decline)}</button>
                                            </ActionForm>
                                            })}
                                        </div>
                                    }
                                })}
                                {live.then(|| view! {
                                    <ActionForm action=leave attr:class="inline">
                                        <input type="hidden" name="id" value=id/>
                                        <button type="submit" class="secondary-button">{t!(i18n, appointments.leave)}</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || list.get().map(|r| match r {
                Err(e) if e.code() == shared::ErrorCode::Unauthorized => view! { <leptos_router::components::Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                // `data-keep-offline`: the service worker keeps a copy of
                // this page only when it shows the person's appointments.
                Ok(list) if list.is_empty() => view! {
                    <p data-keep-offline="list">{t!(i18n, appointments.none)}</p>
                    <A href="/book" attr:class="button">{t!(i18n, nav.book)}</A>
                }.into_any(),
                Ok(list) => view! {
                    <ul class="slots" data-keep-offline="list">
                        {list.into_iter().map(|a: AppointmentOut| {
                            let place = if i18n.get_locale_untracked() == Locale::ar { a.facility_name_ar.clone() } else { a.facility_name_fr.clone() };
                            let (can_move, can_cancel) = (a.can_move, a.can_cancel);
                            view! {
                                <li class="card slot" data-test="appointment" data-status=a.status.code()>
                                    <strong dir="ltr">{local_time(a.starts_at)}</strong>
                                    <span>{place}</span>
                                    <span>{a.practitioner_name.clone()}</span>
                                    {a.dependant_id.map(|_| view! { <span>{t!(i18n, appointments.for_person)}" "{a.patient_name.clone()}</span> })}
                                    <span class="status">{status_text(a.status)}</span>
                                    {(a.status == AppointmentStatus::Booked).then(|| view! { <Place id=a.id/> })}
                                    {a.status.holds_slot().then(|| view! {
                                        <A href=format!("/appointments/{}/pass", a.id) attr:data-test="pass-link">{t!(i18n, pass.open)}</A>
                                    })}
                                    {can_move.then(|| view! {
                                        <A href=format!("/book?specialty={}&reschedule={}", a.specialty, a.id) attr:class="button secondary-button" attr:data-test="reschedule">
                                            {t!(i18n, appointments.reschedule)}
                                        </A>
                                    })}
                                    {can_cancel.then(|| view! {
                                        <ActionForm action=cancel attr:class="inline">
                                            <input type="hidden" name="id" value=a.id.to_string()/>
                                            <CancelReasonSelect id=format!("reason-{}", a.id)/>
                                            <button type="submit" class="secondary-button">{t!(i18n, appointments.cancel)}</button>
                                        </ActionForm>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// The patient's place in the queue, once the desk marked them arrived
/// (nothing before): fetched in the browser, again every 30 s.
#[component]
fn Place(id: shared::AppointmentId) -> impl IntoView {
    let tick = crate::components::use_tick(30);
    // Inside the list's Suspense: fetched in the browser only, never
    // holding up the list's server rendering.
    let place = crate::components::browser_only(move || {
        tick.track();
        crate::api::my_place(id.to_string())
    });
    // A failed read (the phone lost the network) keeps the last place shown.
    let shown = crate::components::kept_on_failure(move || place.get());
    move || {
        let (place, stale) = shown();
        place.map(|p| view! { <PlaceCard p=p stale=stale/> })
    }
}

/// Today's visits without an appointment (received at a desk as a walk-in):
/// their place, above the appointments. Rendered by the server, so nothing
/// moves the list down once the page has painted; read again every 30 s
/// (a Transition: the old places stay until the new ones arrive, and when
/// a read fails, marked as not updated).
#[component]
fn WalkInPlaces() -> impl IntoView {
    let i18n = use_i18n();
    let tick = crate::components::use_tick(30);
    let places = Resource::new(move || tick.get(), |_| crate::api::my_places());
    let shown = crate::components::kept_on_failure(move || places.get());
    view! {
        <Transition fallback=|| ()>
            {move || {
                let (list, stale) = shown();
                list.map(|list| list.into_iter()
                    .filter(|p| p.appointment_id.is_none())
                    .map(|p| {
                        let service = if i18n.get_locale_untracked() == Locale::ar { p.specialty_name_ar.clone() } else { p.specialty_name_fr.clone() };
                        view! {
                            <section class="card" data-test="walk-in-place">
                                <p><strong>{service}</strong>" — "{p.patient_name.clone()}</p>
                                <PlaceCard p=p stale=stale/>
                            </section>
                        }
                    })
                    .collect_view())
            }}
        </Transition>
    }
}

/// One place in a queue today: the ticket, then the room once called, or
/// how many are before and about how long; `stale` when the last read
/// failed and this is the place as last seen.
#[component]
fn PlaceCard(p: shared::dto::PositionOut, stale: bool) -> impl IntoView {
    let i18n = use_i18n();
    let (ahead, minutes) = (p.ahead, p.estimate_minutes);
    view! {
        <div class="offer" data-test="place" role="status">
            <strong>{t!(i18n, floor.your_place)}</strong>
            <span>{t!(i18n, floor.ticket)}" "<strong class="ticket" dir="ltr">{p.ticket.clone()}</strong></span>
            {match p.room.clone() {
                Some(room) => view! { <span data-test="place-room">{t!(i18n, floor.go_to_room)}" "<strong dir="ltr">{room}</strong></span> }.into_any(),
                None => view! {
                    <span data-test="place-ahead">{t!(i18n, floor.ahead, count = move || ahead)}</span>
                    {minutes.map(|m| view! { <span>{t!(i18n, floor.estimate, minutes = move || m)}</span> })}
                    {p.reason.map(|r| view! { <span class="hint">{super::floor::reason_text(i18n, r)}</span> })}
                }.into_any(),
            }}
            {stale.then(|| view! { <span class="hint" data-test="place-stale">{t!(i18n, floor.place_stale)}</span> })}
        </div>
    }
}
