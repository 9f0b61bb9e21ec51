//! The account holder's dependants: children and elderly parents they book
//! for. Added here, verified at the desk.

use crate::components::{action_error, field_error, FormError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn FamilyPage() -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<crate::api::AddDependant>::new();
    let value = add.value();
    let list = Resource::new(move || add.version().get(), |_| crate::api::my_dependants());
    let err = move |name: &'static str| {
        let e = field_error(value, name);
        move || e.get().map(|c| crate::error::error_text(i18n.get_locale(), c))
    };
    let relation_text = move |r: &str| match r {
        "child" => t_string!(i18n, family.child),
        "parent" => t_string!(i18n, family.parent),
        "spouse" => t_string!(i18n, family.spouse),
        _ => t_string!(i18n, family.other),
    };
    view! {
        <Title text=move || t_string!(i18n, family.title)/>
        <h1>{t!(i18n, family.title)}</h1>
        <p class="hint">{t!(i18n, family.note)}</p>
        <Suspense fallback=|| ()>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(deps) => view! {
                    <ul class="slots">
                        {deps.into_iter().map(|d| view! {
                            <li class="card slot" data-test="dependant">
                                <strong>{format!("{} {}", d.given_name, d.family_name)}</strong>
                                <span dir="ltr">{d.birth_date.format("%d/%m/%Y").to_string()}</span>
                                <span>{relation_text(&d.relation)}</span>
                                <span class="status">{if d.verified { t_string!(i18n, family.verified) } else { t_string!(i18n, family.unverified) }}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
        <ActionForm action=add attr:class="form card" attr:data-test="add-dependant">
            <h2>{t!(i18n, family.add)}</h2>
            <FormError error=action_error(value)/>
            <div class="field">
                <label for="given_name">{t!(i18n, fields.given_name)}</label>
                <input id="given_name" name="given_name" autocomplete="off" required/>
                <p class="error">{err("given_name")}</p>
            </div>
            <div class="field">
                <label for="family_name">{t!(i18n, fields.family_name)}</label>
                <input id="family_name" name="family_name" autocomplete="off" required/>
                <p class="error">{err("family_name")}</p>
            </div>
            <div class="field">
                <label for="birth_date">{t!(i18n, fields.birth_date)}</label>
                <input id="birth_date" name="birth_date" type="date" required/>
                <p class="error">{err("birth_date")}</p>
            </div>
            <div class="field">
                <label for="sex">{t!(i18n, fields.sex)}</label>
                <select id="sex" name="sex">
                    <option value="female">{t!(i18n, fields.female)}</option>
                    <option value="male">{t!(i18n, fields.male)}</option>
                </select>
            </div>
            <div class="field">
                <label for="nin">{t!(i18n, family.nin_optional)}</label>
                <input id="nin" name="nin" inputmode="numeric" dir="ltr" autocomplete="off"/>
                <p class="error">{err("nin")}</p>
            </div>
            <div class="field">
                <label for="relation">{t!(i18n, family.relation)}</label>
                <select id="relation" name="relation">
                    <option value="child">{t!(i18n, family.child)}</option>
                    <option value="parent">{t!(i18n, family.parent)}</option>
                    <option value="spouse">{t!(i18n, family.spouse)}</option>
                    <option value="other">{t!(i18n, family.other)}</option>
                </select>
            </div>
            <button type="submit" disabled=move || add.pending().get()>{t!(i18n, family.add_button)}</button>
        </ActionForm>
    }
}
