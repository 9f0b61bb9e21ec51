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
    let nin_error = field_error(value, "nin");
    // The NIN is a dependant's: offer to ask for that record instead.
    let claimable = RwSignal::new(false);
    Effect::new(move |_| {
        if nin_error.get() == Some(shared::ErrorCode::NinClaimAtDesk) {
            claimable.set(true);
        }
    });
    let claiming = RwSignal::new(false);
    let sent = move || value.get().and_then(|r| r.ok()).flatten();
    view! {
        <Title text=move || t_string!(i18n, register.title)/>
        <h1>{t!(i18n, register.title)}</h1>
        <p>{t!(i18n, register.intro)}</p>
        {move || sent().map(|c| {
            let phone = c.phone.clone();
            view! {
                <section class="card" role="status" data-test="claim-sent">
                    <h2>{t!(i18n, register.claim_sent_title)}</h2>
                    <p>{t!(i18n, register.claim_sent, phone = move || view! { <bdi dir="ltr">{phone.clone()}</bdi> })}</p>
                </section>
            }
        })}
        <ActionForm action=register attr:class="form" attr:novalidate=true attr:hidden=move || sent().is_some()>
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
            <Show when=move || claimable.get()>
                <label class="choice" data-test="claim-choice">
                    <input type="checkbox" name="claim" value="yes" on:change=move |ev| claiming.set(event_target_checked(&ev))/>
                    {t!(i18n, register.claim_choice)}
                </label>
            </Show>
            <button type="submit" disabled=move || register.pending().get()>
                {move || if register.pending().get() {
                    t_string!(i18n, register.pending)
                } else if claiming.get() {
                    t_string!(i18n, register.claim_submit)
                } else {
                    t_string!(i18n, register.submit)
                }}
            </button>
        </ActionForm>
        <p>{t!(i18n, register.have_account)}" "<A href="/login">{t!(i18n, nav.login)}</A></p>
    }
}
