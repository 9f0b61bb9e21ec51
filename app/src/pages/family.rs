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
    let decide = ServerAction::<crate::api::DecideClaim>::new();
    let list = Resource::new(move || (add.version().get(), decide.version().get()), |_| crate::api::my_dependants());
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
        <Claims decide=decide/>
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

/// Requests from people who ask for the record this account holds for
/// them: approve (it becomes theirs) or decline (a desk can still approve
/// it on seeing their identity card).
#[component]
fn Claims(decide: ServerAction<crate::api::DecideClaim>) -> impl IntoView {
    let i18n = use_i18n();
    let claims = Resource::new(move || decide.version().get(), |_| crate::api::my_claims());
    let date = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    view! {
        <FormError error=action_error(decide.value())/>
        {move || decide.value().get().and_then(|r| r.ok()).map(|c| view! {
            <p class="ok" role="status" data-test="claim-decided">
                {if c.status == shared::identity::ClaimStatus::Approved { t_string!(i18n, family.claim_approved) } else { t_string!(i18n, family.claim_declined) }}
            </p>
        })}
        <Suspense fallback=|| ()>
            {move || claims.get().and_then(|r| r.ok()).filter(|c| !c.is_empty()).map(|list| view! {
                <section class="card" data-test="claims">
                    <h2>{t!(i18n, family.claims_title)}</h2>
                    <p class="hint">{t!(i18n, family.claim_note)}</p>
                    <ul>
                        {list.into_iter().map(|c| {
                            let typed = format!("{} {}", c.given_name, c.family_name);
                            let (born, record_name, record_born) = (date(c.birth_date), c.record_name.clone(), date(c.record_birth_date));
                            let (id_yes, id_no) = (c.id.to_string(), c.id.to_string());
                            view! {
                                <li data-test="claim">
                                    <p>{t!(i18n, family.claim_typed, name = move || typed.clone(), date = move || born.clone())}</p>
                                    <p>{t!(i18n, family.claim_record, name = move || record_name.clone(), date = move || record_born.clone())}</p>
                                    <p dir="ltr">{c.phone.clone()}</p>
                                    <ActionForm action=decide attr:class="inline">
                                        <input type="hidden" name="id" value=id_yes/>
                                        <input type="hidden" name="approve" value="yes"/>
                                        <button type="submit" data-test="claim-approve">{t!(i18n, family.approve)}</button>
                                    </ActionForm>
                                    " "
                                    <ActionForm action=decide attr:class="inline">
                                        <input type="hidden" name="id" value=id_no/>
                                        <input type="hidden" name="approve" value="no"/>
                                        <button type="submit" class="secondary-button" data-test="claim-decline">{t!(i18n, family.decline)}</button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </Suspense>
    }
}
