//! Staff invitations: on `/staff`, the administrator's form to invite
//! someone and the list of invitations (withdraw a pending one); at
//! `/invite/:token`, the invitee's page — who invites them to do what,
//! where — and the password they choose, after which a role with a second
//! factor enrols its authenticator app (`/signin/enrol`).

use crate::components::*;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::dto::{InvitationOut, InvitationStatus};
use shared::{ErrorCode, Role};

fn status_text(i18n: leptos_i18n::I18nContext<Locale>, s: InvitationStatus) -> &'static str {
    match s {
        InvitationStatus::Pending => t_string!(i18n, staff.status_pending),
        InvitationStatus::Accepted => t_string!(i18n, staff.status_accepted),
        InvitationStatus::Expired => t_string!(i18n, staff.status_expired),
        InvitationStatus::Revoked => t_string!(i18n, staff.status_revoked),
    }
}

fn check_password(s: &str) -> Option<ErrorCode> {
    shared::NewPassword::parse(s).err()
}

/// The invitation form and the invitations, for a facility administrator
/// (receptionists and practitioners of their polyclinic) or the health
/// directorate (a facility's administrator).
#[component]
pub fn Invitations() -> impl IntoView {
    let i18n = use_i18n();
    let invite = ServerAction::<crate::api::InviteStaff>::new();
    let revoke = ServerAction::<crate::api::RevokeInvitation>::new();
    let list = Resource::new(move || (invite.version().get(), revoke.version().get()), |_| crate::api::staff_invitations());
    let session = expect_context::<crate::SessionResource>();
    let network = move || session.get().and_then(|s| s.ok()).flatten().is_some_and(|p| p.role == Role::HealthAdmin);
    let specialties = Resource::new(|| (), |_| crate::api::staff_specialties());
    let facilities = Resource::new(network, |network| async move {
        if network {
            crate::api::network_facilities().await
        } else {
            Ok(Vec::new())
        }
    });
    let ar = move || i18n.get_locale_untracked() == Locale::ar;
    let error = move |f: &'static str| {
        move || invite.value().get().and_then(|r| r.err()).and_then(|e| e.field(f)).map(|c| crate::error::error_text(i18n.get_locale(), c))
    };
    view! {
        <section data-test="invitations">
            <h2>{t!(i18n, staff.invite)}</h2>
            <p class="hint">{t!(i18n, staff.invite_hint)}</p>
            <FormError error=action_error(invite.value())/>
            {move || invite.value().get().and_then(|r| r.ok()).map(|i| view! {
                <p class="ok" role="status" data-test="invited">{t!(i18n, staff.invited)}" "<span dir="ltr">{i.sent_to.join(", ")}</span></p>
            })}
            <Suspense fallback=|| ()>
                {move || {
                    let network = network();
                    let specialties = specialties.get().and_then(|r| r.ok()).unwrap_or_default();
                    let places = facilities.get().and_then(|r| r.ok()).unwrap_or_default();
                    let roles: &[Role] = if network { &[Role::FacilityAdmin] } else { &[Role::Practitioner, Role::Receptionist] };
                    view! {
                        <ActionForm action=invite attr:class="form card" attr:data-test="invite-form" attr:novalidate=true>
                            <div class="field">
                                <label for="inv-role">{t!(i18n, staff.role)}</label>
                                <select id="inv-role" name="role">
                                    {roles.iter().map(|r| view! { <option value=r.code()>{super::profile::role_text(i18n, *r)}</option> }).collect_view()}
                                </select>
                                <p class="error" role="alert" data-field="role">{error("role")}</p>
                            </div>
                            {network.then(|| view! {
                                <div class="field">
                                    <label for="inv-facility">{t!(i18n, staff.facility)}</label>
                                    <select id="inv-facility" name="facility_id">
                                        {places.iter().filter(|f| f.active).map(|f| {
                                            let label = if ar() { f.name_ar.clone() } else { f.name_fr.clone() };
                                            view! { <option value=f.id.to_string()>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                    <p class="error" role="alert" data-field="facility_id">{error("facility_id")}</p>
                                </div>
                            })}
                            <div class="field">
                                <label for="inv-given">{t!(i18n, fields.given_name)}</label>
                                <input id="inv-given" name="given_name" required maxlength="60" autocomplete="off"/>
                                <p class="error" role="alert" data-field="given_name">{error("given_name")}</p>
                            </div>
                            <div class="field">
                                <label for="inv-family">{t!(i18n, fields.family_name)}</label>
                                <input id="inv-family" name="family_name" required maxlength="60" autocomplete="off"/>
                                <p class="error" role="alert" data-field="family_name">{error("family_name")}</p>
                            </div>
                            <div class="field">
                                <label for="inv-phone">{t!(i18n, fields.phone)}</label>
                                <input id="inv-phone" name="phone" type="tel" inputmode="tel" dir="ltr" autocomplete="off"/>
                                <p class="error" role="alert" data-field="phone">{error("phone")}</p>
                            </div>
                            <div class="field">
                                <label for="inv-email">{t!(i18n, fields.email)}</label>
                                <input id="inv-email" name="email" type="email" dir="ltr" autocomplete="off"/>
                                <p class="error" role="alert" data-field="email">{error("email")}</p>
                            </div>
                            {(!network).then(|| view! {
                                <div class="field">
                                    <label for="inv-specialty">{t!(i18n, staff.specialty)}</label>
                                    <select id="inv-specialty" name="specialty">
                                        <option value="">"—"</option>
                                        {specialties.iter().map(|s| {
                                            let label = if ar() { s.name_ar.clone() } else { s.name_fr.clone() };
                                            view! { <option value=s.code.clone()>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                    <p class="error" role="alert" data-field="specialty">{error("specialty")}</p>
                                </div>
                            })}
                            <div class="field">
                                <label for="inv-lang">{t!(i18n, fields.lang)}</label>
                                <select id="inv-lang" name="lang">
                                    <option value="fr">"Français"</option>
                                    <option value="ar" lang="ar">"العربية"</option>
                                    <option value="en">"English"</option>
                                </select>
                            </div>
                            <button type="submit" data-test="invite-send" disabled=move || invite.pending().get()>{t!(i18n, staff.send)}</button>
                        </ActionForm>
                    }
                }}
            </Suspense>
            <h3>{t!(i18n, staff.invitations)}</h3>
            <FormError error=action_error(revoke.value())/>
            <Suspense fallback=|| ()>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    Ok(rows) => view! {
                        <ul class="slots">
                            {rows.into_iter().map(|i| invitation_row(i18n, i, revoke)).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

fn invitation_row(i18n: leptos_i18n::I18nContext<Locale>, i: InvitationOut, revoke: ServerAction<crate::api::RevokeInvitation>) -> impl IntoView {
    let until = shared::time::algiers_date(i.expires_at).format("%d/%m/%Y").to_string();
    view! {
        <li class="card slot" data-test="invitation" data-status=i.status.code()>
            <strong>{format!("{} {}", i.given_name, i.family_name)}</strong>
            <span>{super::profile::role_text(i18n, i.role)}" · "{if i18n.get_locale_untracked() == Locale::ar { i.facility_name_ar.clone() } else { i.facility_name.clone() }}</span>
            <span dir="ltr">{i.sent_to.join(", ")}</span>
            <span class="status">{status_text(i18n, i.status)}</span>
            {(!i.undelivered.is_empty() && i.status == InvitationStatus::Pending).then(|| view! {
                <span class="error" role="alert" data-test="invitation-undelivered">{t!(i18n, staff.undelivered)}" "
                    {i.undelivered.iter().map(|c| match c {
                        shared::MessageChannel::Sms => t_string!(i18n, staff.by_sms),
                        shared::MessageChannel::Email => t_string!(i18n, staff.by_email),
                        shared::MessageChannel::Inapp => t_string!(i18n, staff.by_app),
                    }).collect::<Vec<_>>().join(", ")}
                </span>
            })}
            {(i.status == InvitationStatus::Pending).then(|| view! { <span class="hint">{t!(i18n, staff.until)}" "<span dir="ltr">{until}</span></span> })}
            {i.can_revoke.then(|| view! {
                <ActionForm action=revoke attr:class="inline">
                    <input type="hidden" name="id" value=i.id.to_string()/>
                    <button type="submit" class="secondary-button" data-test="invitation-revoke">{t!(i18n, staff.revoke)}</button>
                </ActionForm>
            })}
        </li>
    }
}

/// `/invite/:token`: the invitee sees the invitation and chooses their password.
#[component]
pub fn InvitePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let view_of = Resource::new(token, crate::api::invitation);
    let accept = ServerAction::<crate::api::AcceptInvitation>::new();
    let value = accept.value();
    let ar = move || i18n.get_locale_untracked() == Locale::ar;
    view! {
        <Title text=move || t_string!(i18n, invite.title)/>
        <h1>{t!(i18n, invite.title)}</h1>
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, profile.loading)}</p> }>
            {move || view_of.get().map(|r| match r {
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(v) => {
                    let facility = if ar() { v.facility_name_ar.clone() } else { v.facility_name_fr.clone() };
                    let specialty = if ar() { v.specialty_name_ar.clone() } else { v.specialty_name_fr.clone() };
                    view! {
                        <p>{t!(i18n, invite.intro)}</p>
                        <dl class="card" data-test="invitation-view">
                            <dt>{t!(i18n, staff.facility)}</dt><dd>{facility}</dd>
                            <dt>{t!(i18n, staff.role)}</dt>
                            <dd>{super::profile::role_text(i18n, v.role)}{specialty.map(|s| format!(" · {s}"))}</dd>
                            <dt>{t!(i18n, fields.given_name)}</dt><dd>{format!("{} {}", v.given_name, v.family_name)}</dd>
                            <dt>{t!(i18n, invite.login)}</dt><dd dir="ltr">{v.login.clone()}</dd>
                        </dl>
                        {v.second_factor_required.then(|| view! { <p class="hint">{t!(i18n, invite.second_factor)}</p> })}
                        <ActionForm action=accept attr:class="form" attr:novalidate=true attr:data-test="accept-form">
                            <FormError error=action_error(value)/>
                            <input type="hidden" name="token" value=token/>
                            <Field name="password" label=t_string!(i18n, fields.password) kind="password" autocomplete="new-password"
                                hint=t_string!(i18n, fields.password_hint) server_error=field_error(value, "password") check=check_password/>
                            <button type="submit" disabled=move || accept.pending().get()>{t!(i18n, invite.submit)}</button>
                        </ActionForm>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
