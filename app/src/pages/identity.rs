//! Proving who one is: the code sent to the phone, the link sent to the
//! email, and the forgotten password. Every form is a plain form post that
//! works before the WASM has loaded; with it, the shared validators check
//! the code and the new password as they are typed.

use crate::components::*;
use crate::i18n::*;
use crate::SessionActions;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::ErrorCode;

fn check_code(s: &str) -> Option<ErrorCode> {
    shared::identity::VerifyCode::parse(s).err()
}

/// `/verify`: the code sent by SMS to the phone being verified.
#[component]
pub fn VerifyPhonePage() -> impl IntoView {
    let i18n = use_i18n();
    let verify = expect_context::<SessionActions>().verify_phone;
    let resend = ServerAction::<crate::api::ResendPhoneCode>::new();
    let value = verify.value();
    let resent = resend.value();
    // Its own resource rather than the header's session: that one still
    // holds the signed-out answer while it refetches after registration.
    // Read again only once a code was accepted: a wrong code must leave
    // the form (and what was typed in it) where it is.
    let accepted = Memo::new(move |_| matches!(value.get(), Some(Ok(()))));
    let profile = Resource::new(move || accepted.get(), |_| crate::api::get_profile());
    view! {
        <Title text=move || t_string!(i18n, verify.title)/>
        <h1>{t!(i18n, verify.title)}</h1>
        <Transition fallback=move || view! { <p aria-busy="true">{t!(i18n, profile.loading)}</p> }>
            {move || profile.get().map(|s| match s {
                Ok(p) if p.phone_verified => view! {
                    <p class="ok" role="status" data-test="phone-verified">
                        {move || if matches!(value.get(), Some(Ok(()))) { t_string!(i18n, verify.done) } else { t_string!(i18n, verify.already) }}
                    </p>
                    <p><A href="/book">{t!(i18n, nav.book)}</A></p>
                }.into_any(),
                Ok(p) => {
                    let to = p.phone.as_deref().map(shared::identity::mask_phone).unwrap_or_default();
                    view! {
                        <p>{t!(i18n, verify.intro)}" "<bdi dir="ltr" data-test="sent-to">{move || resent.get().and_then(|r| r.ok()).map(|v| v.sent_to).unwrap_or_else(|| to.clone())}</bdi></p>
                        <ActionForm action=verify attr:class="form" attr:novalidate=true>
                            <FormError error=action_error(value)/>
                            <Field name="code" label=t_string!(i18n, verify.code) inputmode="numeric" autocomplete="one-time-code" dir="ltr"
                                hint=t_string!(i18n, verify.code_hint) server_error=field_error(value, "code") check=check_code/>
                            <button type="submit" disabled=move || verify.pending().get()>{t!(i18n, verify.submit)}</button>
                        </ActionForm>
                        <ActionForm action=resend attr:class="inline">
                            <FormError error=action_error(resent)/>
                            {move || matches!(resent.get(), Some(Ok(_))).then(|| view! { <p class="ok" role="status">{t!(i18n, verify.resent)}</p> })}
                            <button type="submit" class="link" disabled=move || resend.pending().get() data-test="resend">{t!(i18n, verify.resend)}</button>
                        </ActionForm>
                    }.into_any()
                }
                Err(e) if matches!(e.code(), ErrorCode::Unauthorized | ErrorCode::TokenInvalid) => view! { <Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
            })}
        </Transition>
    }
}

/// `/forgot`: a code by SMS (or a link by email), then a new password.
/// Both forms are on the page, so it works without JavaScript too.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let i18n = use_i18n();
    let forgot = ServerAction::<crate::api::ForgotPassword>::new();
    let reset = ServerAction::<crate::api::ResetPassword>::new();
    let sent = forgot.value();
    let value = reset.value();
    // One login for both forms: typed in either, it is in both.
    let login = RwSignal::new(String::new());
    let login_error = field_error(value, "login");
    view! {
        <Title text=move || t_string!(i18n, forgot.title)/>
        <h1>{t!(i18n, forgot.title)}</h1>
        <section class="card">
            <h2>{t!(i18n, forgot.step1)}</h2>
            <ActionForm action=forgot attr:class="form" attr:novalidate=true>
                <FormError error=action_error(sent)/>
                <div class="field">
                    <label for="forgot-login">{t!(i18n, login.login)}</label>
                    <input id="forgot-login" name="login" autocomplete="username" dir="ltr" required
                        prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev))/>
                </div>
                <button type="submit" disabled=move || forgot.pending().get()>{t!(i18n, forgot.send)}</button>
                {move || matches!(sent.get(), Some(Ok(()))).then(|| view! { <p class="ok" role="status" data-test="forgot-sent">{t!(i18n, forgot.sent)}</p> })}
            </ActionForm>
        </section>
        <section class="card">
            <h2>{t!(i18n, forgot.step2)}</h2>
            <ActionForm action=reset attr:class="form" attr:novalidate=true>
                <FormError error=action_error(value)/>
                <div class="field" class:invalid=move || login_error.get().is_some()>
                    <label for="login">{t!(i18n, login.login)}</label>
                    <input id="login" name="login" autocomplete="username" dir="ltr" required aria-describedby="login-error"
                        prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev))/>
                    <p class="error" id="login-error" role="alert">{move || login_error.get().map(|c| crate::error::error_text(i18n.get_locale(), c))}</p>
                </div>
                <Field name="code" label=t_string!(i18n, verify.code) inputmode="numeric" autocomplete="one-time-code" dir="ltr"
                    server_error=field_error(value, "code") check=check_code/>
                <Field name="new_password" label=t_string!(i18n, fields.new_password) kind="password" autocomplete="new-password"
                    hint=t_string!(i18n, fields.password_hint) server_error=field_error(value, "new_password") check=check_password/>
                <button type="submit" disabled=move || reset.pending().get()>{t!(i18n, forgot.submit)}</button>
            </ActionForm>
        </section>
    }
}

/// `/reset/:token`: a new password with the link sent by email.
#[component]
pub fn ResetLinkPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let reset = ServerAction::<crate::api::ResetPasswordLink>::new();
    let value = reset.value();
    view! {
        <Title text=move || t_string!(i18n, forgot.title)/>
        <h1>{t!(i18n, forgot.title)}</h1>
        <ActionForm action=reset attr:class="form" attr:novalidate=true>
            <FormError error=action_error(value)/>
            <input type="hidden" name="token" value=token/>
            <Field name="new_password" label=t_string!(i18n, fields.new_password) kind="password" autocomplete="new-password"
                hint=t_string!(i18n, fields.password_hint) server_error=field_error(value, "new_password") check=check_password/>
            <button type="submit" disabled=move || reset.pending().get()>{t!(i18n, forgot.submit)}</button>
        </ActionForm>
    }
}

/// `/verify-email/:token`: confirms the address with one press (a button,
/// not the visit itself: mail scanners open links too).
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let confirm = ServerAction::<crate::api::VerifyEmail>::new();
    let value = confirm.value();
    view! {
        <Title text=move || t_string!(i18n, verify_email.title)/>
        <h1>{t!(i18n, verify_email.title)}</h1>
        {move || match value.get() {
            Some(Ok(())) => view! { <p class="ok" role="status" data-test="email-verified">{t!(i18n, verify_email.done)}</p> }.into_any(),
            _ => view! {
                <ActionForm action=confirm attr:class="form">
                    <FormError error=action_error(value)/>
                    <p>{t!(i18n, verify_email.intro)}</p>
                    <input type="hidden" name="token" value=token/>
                    <button type="submit" disabled=move || confirm.pending().get()>{t!(i18n, verify_email.submit)}</button>
                </ActionForm>
            }.into_any(),
        }}
    }
}

/// Shown under the login form after a reset (`/login?reset=1`).
#[component]
pub fn ResetDone() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    move || query.read().get("reset").is_some().then(|| view! { <p class="ok" role="status" data-test="reset-done">{t!(i18n, forgot.done)}</p> })
}
