//! The account holder's dependants: children and elderly parents they book
//! for. Added here, verified at the desk.

use crate::components::{action_error, errors_of, FormCheck, FormError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use shared::dto::DependantIn;
use shared::Relation;

#[component]
pub fn FamilyPage() -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<crate::api::AddDependant>::new();
    let value = add.value();
    let decide = ServerAction::<crate::api::DecideClaim>::new();
    let list = Resource::new(move || (add.version().get(), decide.version().get()), |_| crate::api::my_dependants());
    let check = FormCheck::new(action_error(value));
    let relation_text = move |r: Relation| match r {
        Relation::Child => t_string!(i18n, family.child),
        Relation::Parent => t_string!(i18n, family.parent),
        Relation::Spouse => t_string!(i18n, family.spouse),
        Relation::Other => t_string!(i18n, family.other),
    };
    view! {
        <Title text=move || t_string!(i18n, family.title)/>
        <h1>{t!(i18n, family.title)}</h1>
        <Claims decide=decide/>
        <Consents/>
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
                                <span>{relation_text(d.relation)}</span>
                                <span class="status">{if d.verified { t_string!(i18n, family.verified) } else { t_string!(i18n, family.unverified) }}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
        <ActionForm action=add attr:class="form card" attr:data-test="add-dependant" on:change=check.on_change(|d: &DependantIn, today| errors_of(d.validate(today)))>
            <h2>{t!(i18n, family.add)}</h2>
            <FormError error=action_error(value)/>
            <div class="field">
                <label for="given_name">{t!(i18n, fields.given_name)}</label>
                <input id="given_name" name="given_name" autocomplete="off" required/>
                {check.line("given_name")}
            </div>
            <div class="field">
                <label for="family_name">{t!(i18n, fields.family_name)}</label>
                <input id="family_name" name="family_name" autocomplete="off" required/>
                {check.line("family_name")}
            </div>
            <div class="field">
                <label for="birth_date">{t!(i18n, fields.birth_date)}</label>
                <input id="birth_date" name="birth_date" type="date" required/>
                {check.line("birth_date")}
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
                {check.line("nin")}
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
        <AskAdult/>
    }
}

/// An adult is not added: they are asked, by NIN, and approve in their own
/// account. The answer is the same whether or not anyone has that NIN.
#[component]
fn AskAdult() -> impl IntoView {
    let i18n = use_i18n();
    let ask = ServerAction::<crate::api::RequestConsent>::new();
    let value = ask.value();
    let check = FormCheck::new(action_error(value));
    view! {
        <ActionForm action=ask attr:class="form card" attr:data-test="ask-adult" on:change=check.on_change(|c: &shared::identity::ConsentIn, _| errors_of(c.validate()))>
            <h2>{t!(i18n, family.adult_title)}</h2>
            <p class="hint">{t!(i18n, family.adult_note)}</p>
            <FormError error=action_error(value)/>
            {move || matches!(value.get(), Some(Ok(()))).then(|| view! {
                <p class="ok" role="status" data-test="adult-asked">{t!(i18n, family.adult_sent)}</p>
            })}
            <div class="field">
                <label for="adult_nin">{t!(i18n, fields.nin)}</label>
                <input id="adult_nin" name="nin" inputmode="numeric" dir="ltr" autocomplete="off" required/>
                {check.line("nin")}
            </div>
            <div class="field">
                <label for="adult_relation">{t!(i18n, family.relation)}</label>
                <select id="adult_relation" name="relation">
                    <option value="parent">{t!(i18n, family.parent)}</option>
                    <option value="spouse">{t!(i18n, family.spouse)}</option>
                    <option value="child">{t!(i18n, family.child)}</option>
                    <option value="other">{t!(i18n, family.other)}</option>
                </select>
            </div>
            <button type="submit" disabled=move || ask.pending().get()>{t!(i18n, family.adult_button)}</button>
        </ActionForm>
    }
}

/// The adult's side: requests to manage them (approve or decline) and the
/// account that manages them now (withdraw).
#[component]
fn Consents() -> impl IntoView {
    let i18n = use_i18n();
    let decide = ServerAction::<crate::api::DecideConsent>::new();
    let withdraw = ServerAction::<crate::api::WithdrawConsent>::new();
    let data = Resource::new(move || (decide.version().get(), withdraw.version().get()), |_| crate::api::my_consents());
    view! {
        <FormError error=action_error(decide.value())/>
        <FormError error=action_error(withdraw.value())/>
        <Suspense fallback=|| ()>
            {move || data.get().and_then(|r| r.ok()).map(|c| view! {
                {(!c.requests.is_empty()).then(|| view! {
                    <section class="card" data-test="consents">
                        <h2>{t!(i18n, family.consents_title)}</h2>
                        <p class="hint">{t!(i18n, family.consent_note)}</p>
                        <ul>
                            {c.requests.into_iter().map(|r| {
                                let (id_yes, id_no) = (r.id.to_string(), r.id.to_string());
                                view! {
                                    <li data-test="consent">
                                        <strong>{r.requester_name.clone()}</strong>" "<bdi dir="ltr">{r.requester_phone.clone()}</bdi>
                                        <ActionForm action=decide attr:class="inline">
                                            <input type="hidden" name="id" value=id_yes/>
                                            <input type="hidden" name="approve" value="yes"/>
                                            <button type="submit" data-test="consent-approve">{t!(i18n, family.approve)}</button>
                                        </ActionForm>
                                        " "
                                        <ActionForm action=decide attr:class="inline">
                                            <input type="hidden" name="id" value=id_no/>
                                            <input type="hidden" name="approve" value="no"/>
                                            <button type="submit" class="secondary-button" data-test="consent-decline">{t!(i18n, family.decline)}</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                {(!c.guardians.is_empty()).then(|| view! {
                    <section class="card" data-test="guardians">
                        <h2>{t!(i18n, family.guardians_title)}</h2>
                        <ul>
                            {c.guardians.into_iter().map(|g| {
                                let id = g.holder_id.to_string();
                                view! {
                                    <li data-test="guardian">
                                        <strong>{g.name.clone()}</strong>" "
                                        <ActionForm action=withdraw attr:class="inline">
                                            <input type="hidden" name="id" value=id/>
                                            <button type="submit" class="secondary-button" data-test="consent-withdraw">{t!(i18n, family.withdraw)}</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })}
            })}
        </Suspense>
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
                {if c.status == shared::identity::RequestStatus::Approved { t_string!(i18n, family.claim_approved) } else { t_string!(i18n, family.claim_declined) }}
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
                            let born = date(c.birth_date);
                            let record_name = c.record_name.clone().unwrap_or_default();
                            let (id_yes, id_no) = (c.id.to_string(), c.id.to_string());
                            view! {
                                <li data-test="claim">
                                    <p>{t!(i18n, family.claim_typed, name = move || typed.clone(), date = move || born.clone())}</p>
                                    <p>{t!(i18n, family.claim_record, name = move || record_name.clone())}</p>
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
