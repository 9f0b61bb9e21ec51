use crate::i18n::*;
use crate::SessionResource;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<SessionResource>();
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>{t!(i18n, home.title)}</h1>
            <p class="lead">{t!(i18n, tagline)}</p>
            <p>{t!(i18n, home.intro)}</p>
            <Transition fallback=|| ()>
                {move || session.get().map(|s| match s {
                    Ok(Some(p)) => {
                        let name = format!("{} {}", p.given_name, p.family_name);
                        view! {
                            <p data-test="signed-in">{t!(i18n, home.signed_in_as, name = move || name.clone())}</p>
                            <A href="/profile" attr:class="button">{t!(i18n, home.go_profile)}</A>
                        }.into_any()
                    }
                    _ => view! {
                        <div class="actions">
                            <A href="/register" attr:class="button">{t!(i18n, home.cta_register)}</A>
                            <A href="/login" attr:class="button secondary">{t!(i18n, home.cta_login)}</A>
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
