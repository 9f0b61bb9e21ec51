use crate::components::*;
use crate::i18n::*;
use crate::SessionActions;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use shared::{ErrorCode, Lang, Role};

pub(crate) fn role_text(i18n: I18nContext<Locale>, role: Role) -> &'static str {
    match role {
        Role::Citizen => t_string!(i18n, roles.citizen),
        Role::Receptionist => t_string!(i18n, roles.receptionist),
        Role::Practitioner => t_string!(i18n, roles.practitioner),
        Role::FacilityAdmin => t_string!(i18n, roles.facility_admin),
        Role::HealthAdmin => t_string!(i18n, roles.health_admin),
        Role::Pharmacy => t_string!(i18n, roles.pharmacy),
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let actions = expect_context::<SessionActions>();
    let update = actions.update_profile;
    let change_password = actions.change_password;
    let profile = Resource::new(move || update.version().get(), |_| crate::api::get_profile());
    let close = ServerAction::<crate::api::CloseAccount>::new();
    let update_value = update.value();
    let pw_value = change_password.value();
    view! {
        <Title text=move || t_string!(i18n, profile.title)/>
        <h1>{t!(i18n, profile.title)}</h1>
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, profile.loading)}</p> }>
            {move || profile.get().map(|r| match r {
                Err(e) if matches!(e.code(), ErrorCode::Unauthorized | ErrorCode::TokenInvalid) => view! { <Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(p) => {
                    let lang = p.lang;
                    view! {
                        <section class="card" data-test="identity">
                            <h2>{t!(i18n, profile.identity)}</h2>
                            <dl>
                                <dt>{t!(i18n, fields.nin)}</dt><dd dir="ltr" data-test="nin">{p.nin.clone().unwrap_or_default()}</dd>
                                <dt>{t!(i18n, fields.birth_date)}</dt><dd dir="ltr">{p.birth_date.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()}</dd>
                                <dt>{t!(i18n, profile.role)}</dt><dd>{role_text(i18n, p.role)}</dd>
                            </dl>
                            <p class="hint">{t!(i18n, profile.identity_note)}</p>
                        </section>
                        // One element in the option: a fragment of two sections failed to hydrate.
                        {(p.role == shared::Role::Citizen).then(|| view! {
                            <div class="citizen-rights">
                            <section class="card" data-test="my-data">
                                <h2>{t!(i18n, profile.my_data)}</h2>
                                <p class="hint">{t!(i18n, profile.my_data_hint)}</p>
                                // A plain link: the browser downloads the archive with the session cookie.
                                <a href="/me/export.zip" rel="external" download="sihati-mes-donnees.zip" data-test="export-link">{t!(i18n, profile.my_data_download)}</a>
                            </section>
                            <section class="card" data-test="close-account">
                                <h2>{t!(i18n, profile.close_title)}</h2>
                                <p>{t!(i18n, profile.close_erased)}</p>
                                <p>{t!(i18n, profile.close_kept)}</p>
                                <ActionForm action=close attr:class="form">
                                    <FormError error=action_error(close.value())/>
                                    <div class="field">
                                        <label for="close-password">{t!(i18n, fields.password)}</label>
                                        <input id="close-password" name="password" type="password" autocomplete="current-password" required/>
                                    </div>
                                    <label><input type="checkbox" name="confirm" value="yes" required/>" "{t!(i18n, profile.close_confirm)}</label>
                                    <button type="submit" class="secondary-button" data-test="close-submit" disabled=move || close.pending().get()>{t!(i18n, profile.close_button)}</button>
                                </ActionForm>
                            </section>
                            </div>
                        })}
                        <section class="card">
                            <h2>{t!(i18n, profile.contact)}</h2>
                            <ActionForm action=update attr:class="form" attr:novalidate=true>
                                <FormError error=action_error(update_value)/>
                                {move || matches!(update_value.get(), Some(Ok(()))).then(|| view! { <p class="ok" role="status">{t!(i18n, profile.saved)}</p> })}
                                <Field name="given_name" label=t_string!(i18n, fields.given_name) value=p.given_name.clone()
                                    server_error=field_error(update_value, "given_name") check=check_name/>
                                <Field name="family_name" label=t_string!(i18n, fields.family_name) value=p.family_name.clone()
                                    server_error=field_error(update_value, "family_name") check=check_name/>
                                <div class="field">
                                    <label for="lang">{t!(i18n, fields.lang)}</label>
                                    <select id="lang" name="lang">
                                        {Lang::ALL.into_iter().map(|l| {
                                            view! { <option value=l.code() selected=l == lang>{lang_name(l)}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <button type="submit" disabled=move || update.pending().get()>
                                    {move || if update.pending().get() { t_string!(i18n, profile.saving) } else { t_string!(i18n, profile.save) }}
                                </button>
                            </ActionForm>
                        </section>
                        <ContactCard phone=p.phone.clone() phone_verified=p.phone_verified email=p.email.clone() email_verified=p.email_verified/>
                    }.into_any()
                }
            })}
        </Suspense>
        <section class="card">
            <h2>{t!(i18n, profile.password_title)}</h2>
            <ActionForm action=change_password attr:class="form" attr:novalidate=true>
                <FormError error=action_error(pw_value)/>
                {move || matches!(pw_value.get(), Some(Ok(()))).then(|| view! { <p class="ok" role="status">{t!(i18n, profile.password_changed)}</p> })}
                <Field name="current_password" label=t_string!(i18n, fields.current_password) kind="password" autocomplete="current-password"
                    server_error=field_error(pw_value, "current_password")/>
                <Field name="new_password" label=t_string!(i18n, fields.new_password) kind="password" autocomplete="new-password"
                    hint=t_string!(i18n, fields.password_hint) server_error=field_error(pw_value, "new_password") check=check_password/>
                <button type="submit" disabled=move || change_password.pending().get()>{t!(i18n, profile.password_submit)}</button>
            </ActionForm>
        </section>
    }
}

/// The phone and the email, whether each is verified, and their changes:
/// each needs the current password and is confirmed from the new number
/// (a code) or address (a link); the old one is told.
#[component]
fn ContactCard(phone: Option<String>, phone_verified: bool, email: Option<String>, email_verified: bool) -> impl IntoView {
    let i18n = use_i18n();
    let change_phone = ServerAction::<crate::api::ChangePhone>::new();
    let change_email = ServerAction::<crate::api::ChangeEmail>::new();
    let resend_email = ServerAction::<crate::api::ResendEmailLink>::new();
    let phone_value = change_phone.value();
    let email_value = change_email.value();
    let resent = resend_email.value();
    let national = phone.as_deref().and_then(|p| shared::Phone::parse(p).ok()).map(|p| p.national()).unwrap_or_default();
    let has_email = email.is_some();
    view! {
        <section class="card" data-test="contact">
            <h2>{t!(i18n, profile.phone_title)}</h2>
            <p><bdi dir="ltr">{national}</bdi>" — "
                {if phone_verified {
                    view! { <span class="ok" data-test="phone-status">{t!(i18n, profile.verified)}</span> }.into_any()
                } else {
                    view! { <span class="warn" data-test="phone-status">{t!(i18n, profile.not_verified)}</span>" "<A href="/verify">{t!(i18n, profile.verify_now)}</A> }.into_any()
                }}
            </p>
            <ActionForm action=change_phone attr:class="form" attr:novalidate=true>
                <FormError error=action_error(phone_value)/>
                <Field name="phone" id="new-phone" label=t_string!(i18n, profile.new_phone) kind="tel" inputmode="tel" autocomplete="tel-national" dir="ltr"
                    server_error=field_error(phone_value, "phone") check=check_phone/>
                <Field name="current_password" id="phone-password" label=t_string!(i18n, fields.current_password) kind="password" autocomplete="current-password"
                    server_error=field_error(phone_value, "current_password")/>
                <button type="submit" disabled=move || change_phone.pending().get()>{t!(i18n, profile.change_phone)}</button>
            </ActionForm>
            <h2>{t!(i18n, profile.email_title)}</h2>
            <p><bdi dir="ltr">{email.clone().unwrap_or_default()}</bdi>
                {has_email.then(|| if email_verified {
                    view! { " — " <span class="ok" data-test="email-status">{t!(i18n, profile.verified)}</span> }.into_any()
                } else {
                    view! {
                        " — " <span class="warn" data-test="email-status">{t!(i18n, profile.email_not_verified)}</span>
                        <ActionForm action=resend_email attr:class="inline">
                            <button type="submit" class="link">{t!(i18n, profile.resend_link)}</button>
                        </ActionForm>
                    }.into_any()
                })}
            </p>
            {move || resent.get().and_then(|r| r.ok()).map(|v| view! { <p class="ok" role="status">{t!(i18n, profile.link_sent)}" "<bdi dir="ltr">{v.sent_to}</bdi></p> })}
            <ActionForm action=change_email attr:class="form" attr:novalidate=true>
                <FormError error=action_error(email_value)/>
                {move || email_value.get().and_then(|r| r.ok()).map(|v| view! { <p class="ok" role="status" data-test="email-link-sent">{t!(i18n, profile.link_sent)}" "<bdi dir="ltr">{v.sent_to}</bdi></p> })}
                <Field name="email" id="new-email" label=t_string!(i18n, profile.new_email) kind="email" autocomplete="email" dir="ltr"
                    server_error=field_error(email_value, "email") check=check_email/>
                <Field name="current_password" id="email-password" label=t_string!(i18n, fields.current_password) kind="password" autocomplete="current-password"
                    server_error=field_error(email_value, "current_password")/>
                <button type="submit" disabled=move || change_email.pending().get()>{t!(i18n, profile.change_email)}</button>
            </ActionForm>
        </section>
    }
}
