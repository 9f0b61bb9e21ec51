use crate::components::*;
use crate::i18n::*;
use crate::SessionActions;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use shared::{ErrorCode, Lang, Role};

fn role_text(i18n: I18nContext<Locale>, role: Role) -> &'static str {
    match role {
        Role::Citizen => t_string!(i18n, roles.citizen),
        Role::Receptionist => t_string!(i18n, roles.receptionist),
        Role::Practitioner => t_string!(i18n, roles.practitioner),
        Role::FacilityAdmin => t_string!(i18n, roles.facility_admin),
        Role::HealthAdmin => t_string!(i18n, roles.health_admin),
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let actions = expect_context::<SessionActions>();
    let update = actions.update_profile;
    let change_password = actions.change_password;
    let profile = Resource::new(move || update.version().get(), |_| crate::api::get_profile());
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
                        <section class="card">
                            <h2>{t!(i18n, profile.contact)}</h2>
                            <ActionForm action=update attr:class="form" attr:novalidate=true>
                                <FormError error=action_error(update_value)/>
                                {move || matches!(update_value.get(), Some(Ok(()))).then(|| view! { <p class="ok" role="status">{t!(i18n, profile.saved)}</p> })}
                                <Field name="given_name" label=t_string!(i18n, fields.given_name) value=p.given_name.clone()
                                    server_error=field_error(update_value, "given_name") check=check_name/>
                                <Field name="family_name" label=t_string!(i18n, fields.family_name) value=p.family_name.clone()
                                    server_error=field_error(update_value, "family_name") check=check_name/>
                                <Field name="phone" label=t_string!(i18n, fields.phone) kind="tel" dir="ltr" value=p.phone.clone().unwrap_or_default()
                                    server_error=field_error(update_value, "phone") check=check_phone/>
                                <Field name="email" label=t_string!(i18n, fields.email) kind="email" dir="ltr" required=false value=p.email.clone().unwrap_or_default()
                                    server_error=field_error(update_value, "email") check=check_email/>
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
