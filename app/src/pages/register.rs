use crate::components::*;
use crate::error::lang_of;
use crate::i18n::*;
use crate::SessionActions;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use shared::Lang;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let register = expect_context::<SessionActions>().register;
    let value = register.value();
    let current = lang_of(i18n.get_locale_untracked());
    let sex_error = field_error(value, "sex");
    view! {
        <Title text=move || t_string!(i18n, register.title)/>
        <h1>{t!(i18n, register.title)}</h1>
        <p>{t!(i18n, register.intro)}</p>
        <ActionForm action=register attr:class="form" attr:novalidate=true>
            <FormError error=action_error(value)/>
            <Field name="nin" label=t_string!(i18n, fields.nin) inputmode="numeric" autocomplete="off" dir="ltr"
                server_error=field_error(value, "nin") check=check_nin/>
            <Field name="given_name" label=t_string!(i18n, fields.given_name) autocomplete="given-name"
                server_error=field_error(value, "given_name") check=check_name/>
            <Field name="family_name" label=t_string!(i18n, fields.family_name) autocomplete="family-name"
                server_error=field_error(value, "family_name") check=check_name/>
            <Field name="birth_date" label=t_string!(i18n, fields.birth_date) kind="date" autocomplete="bday"
                server_error=field_error(value, "birth_date")/>
            <fieldset class="field" class:invalid=move || sex_error.get().is_some()>
                <legend>{t!(i18n, fields.sex)}</legend>
                <label class="choice"><input type="radio" name="sex" value="female" required/>{t!(i18n, fields.female)}</label>
                <label class="choice"><input type="radio" name="sex" value="male"/>{t!(i18n, fields.male)}</label>
                <p class="error" id="sex-error" role="alert">{move || sex_error.get().map(|c| crate::error::error_text(i18n.get_locale(), c))}</p>
            </fieldset>
            <Field name="phone" label=t_string!(i18n, fields.phone) kind="tel" inputmode="tel" autocomplete="tel-national" dir="ltr"
                hint=t_string!(i18n, fields.phone_hint) server_error=field_error(value, "phone") check=check_phone/>
            <Field name="email" label=t_string!(i18n, fields.email) kind="email" autocomplete="email" dir="ltr" required=false
                server_error=field_error(value, "email") check=check_email/>
            <Field name="password" label=t_string!(i18n, fields.password) kind="password" autocomplete="new-password"
                hint=t_string!(i18n, fields.password_hint) server_error=field_error(value, "password") check=check_password/>
            <div class="field">
                <label for="lang">{t!(i18n, fields.lang)}</label>
                <select id="lang" name="lang">
                    {Lang::ALL.into_iter().map(|l| {
                        view! { <option value=l.code() selected=l == current>{lang_name(l)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" disabled=move || register.pending().get()>
                {move || if register.pending().get() { t_string!(i18n, register.pending) } else { t_string!(i18n, register.submit) }}
            </button>
        </ActionForm>
        <p>{t!(i18n, register.have_account)}" "<A href="/login">{t!(i18n, nav.login)}</A></p>
    }
}
