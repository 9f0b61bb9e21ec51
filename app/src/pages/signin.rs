//! The staff's second step of signing in: the authenticator's code, or the
//! enrolment of an authenticator at the first sign-in. Between the password
//! and the code the browser holds only a five-minute signed ticket
//! (HttpOnly); without one these pages send back to `/login`.

use crate::components::*;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use shared::ErrorCode;

fn check_second_factor(s: &str) -> Option<ErrorCode> {
    shared::identity::SecondFactorCode::parse(s).err()
}

/// The code form, on both pages.
#[component]
fn CodeForm(action: ServerAction<crate::api::SecondFactor>, hint: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let value = action.value();
    view! {
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <FormError error=action_error(value)/>
            <Field name="code" label=t_string!(i18n, mfa.code) inputmode="text" autocomplete="one-time-code" dir="ltr"
                hint=hint server_error=field_error(value, "code") check=check_second_factor/>
            <button type="submit" disabled=move || action.pending().get()>{t!(i18n, mfa.submit)}</button>
        </ActionForm>
    }
}

fn expired(e: &crate::error::AppError) -> bool {
    matches!(e.code(), ErrorCode::Unauthorized | ErrorCode::TokenInvalid)
}

/// `/signin/code`: the authenticator's current code, or a recovery code.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = expect_context::<crate::SessionActions>().second_factor;
    // An expired ticket: the password again.
    let gone = move || action.value().get().and_then(|r| r.err()).is_some_and(|e| expired(&e));
    view! {
        <Title text=move || t_string!(i18n, mfa.title)/>
        <h1>{t!(i18n, mfa.title)}</h1>
        <p>{t!(i18n, mfa.intro)}</p>
        <CodeForm action=action hint=t_string!(i18n, mfa.code_hint)/>
        {move || gone().then(|| view! { <p class="error" role="alert"><A href="/login">{t!(i18n, mfa.again)}</A></p> })}
        <p class="hint">{t!(i18n, mfa.lost)}</p>
    }
}

/// `/signin/enrol`: the QR code and the secret for the authenticator app,
/// the recovery codes to keep, then the first code.
#[component]
pub fn EnrolPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = expect_context::<crate::SessionActions>().second_factor;
    let enrolment = Resource::new(|| (), |_| crate::api::mfa_enrolment());
    view! {
        <Title text=move || t_string!(i18n, mfa.enrol_title)/>
        <h1>{t!(i18n, mfa.enrol_title)}</h1>
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, profile.loading)}</p> }>
            {move || enrolment.get().map(|r| match r {
                Ok(e) => view! {
                    <ol class="steps">
                        <li>
                            <p>{t!(i18n, mfa.scan)}</p>
                            // The SVG is made by the server from the otpauth URI
                            // (squares only, no text from any user).
                            <div class="qr" data-test="mfa-qr" role="img" aria-label=t_string!(i18n, mfa.qr_label) inner_html=e.qr_svg.clone()></div>
                            <p>{t!(i18n, mfa.type_secret)}</p>
                            <p><code dir="ltr" class="secret" data-test="mfa-secret">{e.secret.clone()}</code></p>
                        </li>
                        <li>
                            <p>{t!(i18n, mfa.keep_codes)}</p>
                            <ul class="codes" dir="ltr" data-test="recovery-codes">
                                {e.recovery_codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
                            </ul>
                        </li>
                        <li>
                            <p>{t!(i18n, mfa.confirm)}</p>
                            <CodeForm action=action hint=t_string!(i18n, mfa.first_code_hint)/>
                        </li>
                    </ol>
                }.into_any(),
                Err(e) if e.code() == ErrorCode::MfaAlreadyEnrolled => view! { <Redirect path="/signin/code"/> }.into_any(),
                Err(e) if expired(&e) => view! { <Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
            })}
        </Suspense>
    }
}

/// `/staff`: an administrator's staff — the reset of a lost authenticator,
/// deactivating an account (with the appointments left to move) or
/// reactivating it — and the invitations.
#[component]
pub fn StaffPage() -> impl IntoView {
    let i18n = use_i18n();
    let reset = ServerAction::<crate::api::ResetSecondFactor>::new();
    let active = ServerAction::<crate::api::StaffActive>::new();
    let list = Resource::new(move || (reset.version().get(), active.version().get()), |_| crate::api::staff());
    let directory = Resource::new(|| (), |_| crate::api::directory());
    // A specialty's name in the page's language (its code if unknown).
    let specialty_name = move |code: &str| {
        let ar = i18n.get_locale_untracked() == Locale::ar;
        directory
            .get()
            .and_then(|r| r.ok())
            .and_then(|d| d.0.into_iter().find(|s| s.code == code))
            .map(|s| if ar { s.name_ar } else { s.name_fr })
            .unwrap_or_else(|| code.to_owned())
    };
    view! {
        <Title text=move || t_string!(i18n, staff.title)/>
        <h1>{t!(i18n, staff.title)}</h1>
        <FormError error=action_error(reset.value())/>
        <FormError error=action_error(active.value())/>
        {move || matches!(reset.value().get(), Some(Ok(()))).then(|| view! { <p class="ok" role="status" data-test="mfa-reset-done">{t!(i18n, staff.reset_done)}</p> })}
        {move || active.value().get().and_then(|r| r.ok()).flatten().map(|d| view! {
            <div class="ok" role="status" data-test="deactivated">
                <p>{t!(i18n, staff.deactivated)}</p>
                {if d.conflicts.is_empty() {
                    view! { <p>{t!(i18n, staff.no_conflicts)}</p> }.into_any()
                } else {
                    view! {
                        <p>{t!(i18n, staff.conflicts)}</p>
                        <ul data-test="deactivation-conflicts">
                            {d.conflicts.into_iter().map(|c| view! {
                                <li><span dir="ltr">{super::booking::local_time(c.starts_at)}</span>" · "{c.patient_name}
                                    {c.patient_phone.map(|p| view! { " · "<span dir="ltr">{p}</span> })}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </div>
        })}
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, profile.loading)}</p> }>
            {move || list.get().map(|r| match r {
                Err(e) if expired(&e) => view! { <Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(people) if people.is_empty() => view! { <p>{t!(i18n, staff.none)}</p> }.into_any(),
                Ok(people) => view! {
                    <ul class="slots">
                        {people.into_iter().map(|p| {
                            let role = super::profile::role_text(i18n, p.role);
                            let name = format!("{} {}", p.given_name, p.family_name);
                            let state = if !p.second_factor_required {
                                t_string!(i18n, staff.mfa_not_needed)
                            } else if p.second_factor_enrolled {
                                t_string!(i18n, staff.mfa_on)
                            } else {
                                t_string!(i18n, staff.mfa_pending)
                            };
                            view! {
                                <li class="card slot" data-test="staff-member" data-active=p.active.to_string()>
                                    <strong>{name}</strong>
                                    <span>{role}{p.specialty.as_deref().map(|s| format!(" · {}", specialty_name(s)))}</span>
                                    <span class="hint" data-test="mfa-state">{state}</span>
                                    {(!p.active).then(|| view! { <span class="status">{t!(i18n, staff.inactive)}</span> })}
                                    {(p.active && p.second_factor_enrolled).then(|| view! {
                                        <ActionForm action=reset attr:class="inline">
                                            <input type="hidden" name="id" value=p.id.to_string()/>
                                            <button type="submit" data-test="mfa-reset" disabled=move || reset.pending().get()>{t!(i18n, staff.reset)}</button>
                                        </ActionForm>
                                    })}
                                    <ActionForm action=active attr:class="inline">
                                        <input type="hidden" name="id" value=p.id.to_string()/>
                                        <input type="hidden" name="active" value=(!p.active).to_string()/>
                                        <button type="submit" class="secondary-button" data-test="staff-active" disabled=move || active.pending().get()>
                                            {if p.active { t_string!(i18n, staff.deactivate) } else { t_string!(i18n, staff.reactivate) }}
                                        </button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <p class="hint">{t!(i18n, staff.reset_hint)}</p>
                    <p class="hint">{t!(i18n, staff.deactivate_hint)}</p>
                }.into_any(),
            })}
        </Suspense>
        <super::Invitations/>
        <Screens/>
        <PreVisit/>
    }
}

/// Pre-visit instructions: the polyclinic admin's for their polyclinic
/// (all specialties, or one), the health directorate's per specialty for
/// the network. Saving a rule for the same specialty replaces it.
#[component]
fn PreVisit() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<crate::api::SetInstructions>::new();
    let rules = Resource::new(move || save.version().get(), |_| crate::api::instruction_rules());
    let directory = Resource::new(|| (), |_| crate::api::directory());
    let session = expect_context::<crate::SessionResource>();
    let network = move || session.get().and_then(|s| s.ok()).flatten().is_some_and(|p| p.role == shared::Role::HealthAdmin);
    let ar = move || i18n.get_locale_untracked() == Locale::ar;
    let field_error = move |f: &'static str| {
        move || save.value().get().and_then(|r| r.err()).and_then(|e| e.field(f)).map(|c| crate::error::error_text(i18n.get_locale(), c))
    };
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (list, names, network) = (rules.get(), directory.get(), network());
                list.and_then(|r| r.ok()).map(|list| {
                    let specialties = names.and_then(|r| r.ok()).map(|d| d.0).unwrap_or_default();
                    view! {
                        <section data-test="pre-visit">
                            <h2>{t!(i18n, instructions.title)}</h2>
                            <p class="hint">{if network { t_string!(i18n, instructions.network_hint) } else { t_string!(i18n, instructions.facility_hint) }}</p>
                            <ul class="slots">
                                {list.into_iter().map(|r| view! {
                                    <li class="card slot" data-test="pre-visit-rule" data-specialty=r.specialty.clone()>
                                        <strong>{if r.specialty.is_empty() { t_string!(i18n, instructions.all).to_owned() } else if ar() { r.specialty_name_ar.clone() } else { r.specialty_name_fr.clone() }}</strong>
                                        {r.previous_results.then(|| view! { <span class="badge">{t!(i18n, pass.previous_results)}</span> })}
                                        {r.fasting.then(|| view! { <span class="badge">{t!(i18n, pass.fasting)}</span> })}
                                        <span dir="rtl" lang="ar">{r.note.ar.clone()}</span>
                                        <span lang="fr">{r.note.fr.clone()}</span>
                                        <span lang="en">{r.note.en.clone()}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <FormError error=action_error(save.value())/>
                            {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <p class="ok" role="status" data-test="pre-visit-saved">{t!(i18n, instructions.saved)}</p> })}
                            <ActionForm action=save attr:class="form card" attr:data-test="pre-visit-form">
                                <div class="field">
                                    <label for="pv-specialty">{t!(i18n, book.specialty)}</label>
                                    <select id="pv-specialty" name="specialty">
                                        {(!network).then(|| view! { <option value="">{t!(i18n, instructions.all)}</option> })}
                                        {specialties.into_iter().map(|s| {
                                            let label = if ar() { s.name_ar.clone() } else { s.name_fr.clone() };
                                            view! { <option value=s.code.clone()>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                    <p class="error" role="alert" data-field="specialty">{field_error("specialty")}</p>
                                </div>
                                <div class="field">
                                    <label><input type="checkbox" name="previous_results" value="on"/>" "{t!(i18n, pass.previous_results)}</label>
                                    <label><input type="checkbox" name="fasting" value="on"/>" "{t!(i18n, pass.fasting)}</label>
                                </div>
                                {[("note_ar", "rtl", "ar"), ("note_fr", "ltr", "fr"), ("note_en", "ltr", "en")].into_iter().map(|(name, dir, lang)| view! {
                                    <div class="field">
                                        <label for=format!("pv-{name}")>{t!(i18n, instructions.note)}" ("{lang}")"</label>
                                        <textarea id=format!("pv-{name}") name=name dir=dir lang=lang maxlength="500" rows="2"></textarea>
                                        <p class="error" role="alert" data-field=name>{field_error(name)}</p>
                                    </div>
                                }).collect_view()}
                                <button type="submit" disabled=move || save.pending().get()>{t!(i18n, instructions.save)}</button>
                            </ActionForm>
                        </section>
                    }
                })
            }}
        </Suspense>
    }
}

/// The facility's waiting-room screens: add one (its address is shown
/// once: only its hash is kept), list them, turn one off for good.
#[component]
fn Screens() -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<crate::api::AddDisplay>::new();
    let revoke = ServerAction::<crate::api::RevokeDisplay>::new();
    let list = Resource::new(move || (add.version().get(), revoke.version().get()), |_| crate::api::displays());
    view! {
        <section data-test="screens">
            <h2>{t!(i18n, staff.screens)}</h2>
            <p class="hint">{t!(i18n, staff.screens_hint)}</p>
            <FormError error=action_error(add.value())/>
            <FormError error=action_error(revoke.value())/>
            {move || add.value().get().and_then(|r| r.ok()).map(|d| view! {
                <p class="ok" role="status" data-test="screen-added">{t!(i18n, staff.screen_address)}" "<a href=d.url.clone() dir="ltr" data-test="screen-url">{d.url.clone()}</a></p>
            })}
            <ActionForm action=add attr:class="form card" attr:data-test="add-screen">
                <div class="field">
                    <label for="screen-label">{t!(i18n, staff.screen_label)}</label>
                    <input id="screen-label" name="label" required maxlength="60"/>
                    <p class="error" role="alert" data-field="label">
                        {move || add.value().get().and_then(|r| r.err()).and_then(|e| e.field("label")).map(|c| crate::error::error_text(i18n.get_locale(), c))}
                    </p>
                </div>
                <button type="submit" disabled=move || add.pending().get()>{t!(i18n, staff.add_screen)}</button>
            </ActionForm>
            <Suspense fallback=|| ()>
                {move || list.get().map(|r| match r {
                    Err(_) => ().into_any(),
                    Ok(screens) => view! {
                        <ul class="slots">
                            {screens.into_iter().map(|d| view! {
                                <li class="card slot" data-test="screen" data-revoked=d.revoked.to_string()>
                                    <strong>{d.label.clone()}</strong>
                                    <span dir="ltr">{super::booking::local_time(d.created_at)}</span>
                                    {if d.revoked {
                                        view! { <span class="status">{t!(i18n, staff.screen_off)}</span> }.into_any()
                                    } else {
                                        view! {
                                            <ActionForm action=revoke attr:class="inline">
                                                <input type="hidden" name="id" value=d.id.to_string()/>
                                                <button type="submit" class="secondary-button" data-test="screen-revoke">{t!(i18n, staff.turn_off)}</button>
                                            </ActionForm>
                                        }.into_any()
                                    }}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
