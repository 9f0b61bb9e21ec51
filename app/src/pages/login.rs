use crate::components::{action_error, Field, FormError};
use crate::i18n::*;
use crate::SessionActions;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = expect_context::<SessionActions>().login;
    let value = login.value();
    let none = Signal::derive(|| None);
    view! {
        <Title text=move || t_string!(i18n, login.title)/>
        <h1>{t!(i18n, login.title)}</h1>
        <ActionForm action=login attr:class="form" attr:novalidate=true>
            <FormError error=action_error(value)/>
            <Field name="login" label=t_string!(i18n, login.login) autocomplete="username" dir="ltr" server_error=none/>
            <Field name="password" label=t_string!(i18n, fields.password) kind="password" autocomplete="current-password" server_error=none/>
            <button type="submit" disabled=move || login.pending().get()>
                {move || if login.pending().get() { t_string!(i18n, login.pending) } else { t_string!(i18n, login.submit) }}
            </button>
        </ActionForm>
        <crate::pages::ResetDone/>
        <p><A href="/forgot" attr:data-test="forgot-link">{t!(i18n, login.forgot)}</A></p>
        <p>{t!(i18n, login.no_account)}" "<A href="/register">{t!(i18n, nav.register)}</A></p>
    }
}
