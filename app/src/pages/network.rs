//! `/network`: the health directorate runs its wilaya's facilities — opens
//! one, changes it (names, commune, address, phone, hours, days,
//! coordinates, specialties offered), closes it or opens it again — posts
//! its practitioners to other facilities and ends those posts, and reads
//! the audit log of every act.

use crate::components::{action_error, FormError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use shared::dto::{CommuneOut, FacilityAdminOut, SpecialtyOut};
use shared::{AdminAction, FacilityKind};

fn kind_text(i18n: leptos_i18n::I18nContext<Locale>, k: FacilityKind) -> &'static str {
    match k {
        FacilityKind::Polyclinic => t_string!(i18n, network.kind_polyclinic),
        FacilityKind::Eph => t_string!(i18n, network.kind_eph),
        FacilityKind::Ehs => t_string!(i18n, network.kind_ehs),
        FacilityKind::Chu => t_string!(i18n, network.kind_chu),
    }
}

fn action_text(i18n: leptos_i18n::I18nContext<Locale>, a: AdminAction) -> &'static str {
    match a {
        AdminAction::SecondFactorReset => t_string!(i18n, network.act_second_factor_reset),
        AdminAction::FacilityCreated => t_string!(i18n, network.act_created),
        AdminAction::FacilityUpdated => t_string!(i18n, network.act_updated),
        AdminAction::FacilityDeactivated => t_string!(i18n, network.act_deactivated),
        AdminAction::FacilityReactivated => t_string!(i18n, network.act_reactivated),
        AdminAction::StaffInvited => t_string!(i18n, network.act_staff_invited),
        AdminAction::InvitationRevoked => t_string!(i18n, network.act_invitation_revoked),
        AdminAction::StaffDeactivated => t_string!(i18n, network.act_staff_deactivated),
        AdminAction::StaffReactivated => t_string!(i18n, network.act_staff_reactivated),
        AdminAction::SpecialtyUpdated => t_string!(i18n, network.act_specialty_updated),
        AdminAction::SpecialtyCreated => t_string!(i18n, network.act_specialty_created),
        AdminAction::PractitionerPosted => t_string!(i18n, network.act_practitioner_posted),
        AdminAction::PostEnded => t_string!(i18n, network.act_post_ended),
    }
}

/// The ISO weekdays in the order of the Algerian week (Sunday first).
pub(super) const WEEK: [u8; 7] = [7, 1, 2, 3, 4, 5, 6];

/// An ISO weekday (1 Monday … 7 Sunday) in the page's language.
pub(super) fn day_text(i18n: leptos_i18n::I18nContext<Locale>, d: u8) -> &'static str {
    match d {
        1 => t_string!(i18n, days.mon),
        2 => t_string!(i18n, days.tue),
        3 => t_string!(i18n, days.wed),
        4 => t_string!(i18n, days.thu),
        5 => t_string!(i18n, days.fri),
        6 => t_string!(i18n, days.sat),
        _ => t_string!(i18n, days.sun),
    }
}

/// A facility's form: empty to open one, filled to change it.
#[component]
fn FacilityForm(
    save: ServerAction<crate::api::SaveFacility>,
    /// The id of the form last sent (empty: the new facility's), so that
    /// only that form shows the answer's field errors.
    sent: RwSignal<String>,
    communes: Vec<CommuneOut>,
    specialties: Vec<SpecialtyOut>,
    #[prop(optional)] facility: Option<FacilityAdminOut>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ar = i18n.get_locale_untracked() == Locale::ar;
    let f = facility.clone();
    let id = f.as_ref().map(|f| f.id.to_string()).unwrap_or_default();
    let prefix = if id.is_empty() { "new".to_owned() } else { id.clone() };
    let field = move |name: &'static str| format!("{prefix}-{name}");
    let value = |get: fn(&FacilityAdminOut) -> String| f.as_ref().map(get).unwrap_or_default();
    let (name_fr, name_ar, address, phone) =
        (value(|f| f.name_fr.clone()), value(|f| f.name_ar.clone()), value(|f| f.address.clone()), value(|f| f.phone.clone().unwrap_or_default()));
    let opens = f.as_ref().map(|f| f.opens_at.clone()).unwrap_or_else(|| "08:00".into());
    let closes = f.as_ref().map(|f| f.closes_at.clone()).unwrap_or_else(|| "16:00".into());
    let latitude = f.as_ref().and_then(|f| f.latitude).map(|v| v.to_string()).unwrap_or_default();
    let longitude = f.as_ref().and_then(|f| f.longitude).map(|v| v.to_string()).unwrap_or_default();
    let editing = facility.is_some();
    let kind = f.as_ref().map(|f| f.kind).unwrap_or(FacilityKind::Polyclinic);
    let commune = f.as_ref().and_then(|f| f.commune_id);
    let days = f.as_ref().map(|f| f.open_days.clone()).unwrap_or_else(|| vec![7, 1, 2, 3, 4]);
    let offered = f.as_ref().map(|f| f.specialties.clone()).unwrap_or_default();
    let mine = {
        let id = id.clone();
        move || sent.with(|s| *s == id)
    };
    let error = {
        let mine = mine.clone();
        move |name: &'static str| {
            let mine = mine.clone();
            move || {
                mine()
                    .then(|| save.value().get())
                    .flatten()
                    .and_then(|r| r.err())
                    .and_then(|e| e.field(name))
                    .map(|c| crate::error::error_text(i18n.get_locale(), c))
            }
        }
    };
    let send_id = id.clone();
    view! {
        <ActionForm action=save attr:class="form card" attr:data-test="facility-form">
            <input type="hidden" name="id" value=id.clone()/>
            <div class="field">
                <label for=field("kind")>{t!(i18n, network.kind)}</label>
                <select id=field("kind") name="kind">
                    {FacilityKind::ALL.iter().map(|k| view! { <option value=k.code() selected={*k == kind}>{kind_text(i18n, *k)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=field("name_fr")>{t!(i18n, network.name_fr)}</label>
                <input id=field("name_fr") name="name_fr" required maxlength="120" lang="fr" dir="ltr" value=name_fr/>
                <p class="error" role="alert" data-field="name_fr">{error("name_fr")}</p>
            </div>
            <div class="field">
                <label for=field("name_ar")>{t!(i18n, network.name_ar)}</label>
                <input id=field("name_ar") name="name_ar" required maxlength="120" lang="ar" dir="rtl" value=name_ar/>
                <p class="error" role="alert" data-field="name_ar">{error("name_ar")}</p>
            </div>
            <div class="field">
                <label for=field("commune")>{t!(i18n, network.commune)}</label>
                <select id=field("commune") name="commune_id" required>
                    {communes.into_iter().map(|c| {
                        let label = if ar { c.name_ar.clone() } else { c.name_fr.clone() };
                        view! { <option value=c.id.to_string() selected={commune == Some(c.id)}>{label}</option> }
                    }).collect_view()}
                </select>
                <p class="error" role="alert" data-field="commune_id">{error("commune_id")}</p>
            </div>
            <div class="field">
                <label for=field("address")>{t!(i18n, network.address)}</label>
                <input id=field("address") name="address" required maxlength="120" value=address/>
                <p class="error" role="alert" data-field="address">{error("address")}</p>
            </div>
            <div class="field">
                <label for=field("phone")>{t!(i18n, fields.phone)}</label>
                <input id=field("phone") name="phone" type="tel" dir="ltr" value=phone/>
                <p class="error" role="alert" data-field="phone">{error("phone")}</p>
            </div>
            <div class="field">
                <label for=field("opens")>{t!(i18n, network.opens_at)}</label>
                <input id=field("opens") name="opens_at" type="time" required value=opens/>
                <label for=field("closes")>{t!(i18n, network.closes_at)}</label>
                <input id=field("closes") name="closes_at" type="time" required value=closes/>
                <p class="error" role="alert" data-field="closes_at">{error("closes_at")}</p>
            </div>
            <fieldset class="field">
                <legend>{t!(i18n, network.open_days)}</legend>
                {WEEK.iter().enumerate().map(|(n, d)| view! {
                    <label><input type="checkbox" name=format!("days[{n}]") value=d.to_string() checked=days.contains(d)/>" "{day_text(i18n, *d)}</label>
                }).collect_view()}
                <p class="error" role="alert" data-field="open_days">{error("open_days")}</p>
            </fieldset>
            <fieldset class="field">
                <legend>{t!(i18n, network.specialties)}</legend>
                {specialties.into_iter().enumerate().map(|(n, s)| {
                    let label = if ar { s.name_ar.clone() } else { s.name_fr.clone() };
                    let checked = offered.contains(&s.code);
                    view! { <label><input type="checkbox" name=format!("specialties[{n}]") value=s.code.clone() checked=checked/>" "{label}</label> }
                }).collect_view()}
                <p class="error" role="alert" data-field="specialties">{error("specialties")}</p>
            </fieldset>
            <div class="field">
                <label for=field("lat")>{t!(i18n, network.coordinates)}</label>
                <input id=field("lat") name="latitude" inputmode="decimal" dir="ltr" placeholder="35.70" value=latitude/>
                <input name="longitude" inputmode="decimal" dir="ltr" placeholder="-0.63" aria-label=t_string!(i18n, network.longitude) value=longitude/>
                <p class="error" role="alert" data-field="latitude">{error("latitude")}</p>
            </div>
            <button type="submit" on:click=move |_| sent.set(send_id.clone()) disabled=move || save.pending().get()>{if editing { t!(i18n, network.save).into_any() } else { t!(i18n, network.create).into_any() }}</button>
        </ActionForm>
    }
}

#[component]
pub fn NetworkPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<crate::api::SaveFacility>::new();
    let sent = RwSignal::new(String::new());
    let toggle = ServerAction::<crate::api::FacilityActive>::new();
    let facilities = Resource::new(move || (save.version().get(), toggle.version().get()), |_| crate::api::network_facilities());
    let catalogue = ServerAction::<crate::api::SaveSpecialty>::new();
    let added = ServerAction::<crate::api::AddSpecialty>::new();
    let post = ServerAction::<crate::api::PractitionerPost>::new();
    let audit = Resource::new(
        move || (save.version().get(), toggle.version().get(), catalogue.version().get(), added.version().get(), post.version().get()),
        |_| crate::api::network_audit(),
    );
    let communes = Resource::new(|| (), |_| crate::api::network_communes());
    // Renamed specialties show in the facility forms after a catalogue save.
    let directory = Resource::new(move || (catalogue.version().get(), added.version().get()), |_| crate::api::directory());
    // Every resource of the page is made here, never inside a reactive
    // closure (the Show below): one made there shifts the ids hydration
    // relies on, and the page then never hydrated now and then.
    let practitioners = Resource::new(move || post.version().get(), |_| crate::api::network_practitioners());
    let ar = move || i18n.get_locale_untracked() == Locale::ar;
    view! {
        <Title text=move || t_string!(i18n, network.title)/>
        <h1>{t!(i18n, network.title)}</h1>
        <FormError error=action_error(save.value())/>
        <FormError error=action_error(toggle.value())/>
        {move || save.value().get().and_then(|r| r.ok()).map(|f| view! { <p class="ok" role="status" data-test="facility-saved">{t!(i18n, network.saved)}" "{f.name_fr}</p> })}
        <Suspense fallback=|| ()>
            {move || {
                let (list, places, names) = (facilities.get(), communes.get(), directory.get());
                list.map(|r| match r {
                    Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    Ok(list) => {
                        let places = places.and_then(|r| r.ok()).unwrap_or_default();
                        let specialties = names.and_then(|r| r.ok()).map(|d| d.0).unwrap_or_default();
                        let commune_name = {
                            let places = places.clone();
                            move |id| places.iter().find(|c| Some(c.id) == id).map(|c| if ar() { c.name_ar.clone() } else { c.name_fr.clone() }).unwrap_or_default()
                        };
                        view! {
                            <h2>{t!(i18n, network.facilities)}</h2>
                            <ul class="slots">
                                {list.into_iter().map(|f| {
                                    let id = f.id.to_string();
                                    let active = f.active;
                                    let days = f.open_days.iter().map(|d| day_text(i18n, *d)).collect::<Vec<_>>().join(" ");
                                    view! {
                                        <li class="card slot" data-test="facility" data-active=active.to_string()>
                                            <strong>{if ar() { f.name_ar.clone() } else { f.name_fr.clone() }}</strong>
                                            <span>{kind_text(i18n, f.kind)}" · "{commune_name(f.commune_id)}</span>
                                            <span dir="ltr">{format!("{}–{}", f.opens_at, f.closes_at)}</span>
                                            <span>{days}</span>
                                            <span class="hint">{f.specialties.len()}" "{t!(i18n, network.specialties_count)}</span>
                                            {(!active).then(|| view! { <span class="badge">{t!(i18n, network.closed)}</span> })}
                                            <ActionForm action=toggle attr:class="inline">
                                                <input type="hidden" name="id" value=id.clone()/>
                                                <input type="hidden" name="active" value=(!active).to_string()/>
                                                <button type="submit" class="secondary-button" data-test="facility-toggle">
                                                    {if active { t!(i18n, network.close).into_any() } else { t!(i18n, network.reopen).into_any() }}
                                                </button>
                                            </ActionForm>
                                            <details>
                                                <summary>{t!(i18n, network.edit)}</summary>
                                                <FacilityForm save=save sent=sent communes=places.clone() specialties=specialties.clone() facility=f.clone()/>
                                            </details>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <h2>{t!(i18n, network.new_facility)}</h2>
                            <FacilityForm save=save sent=sent communes=places.clone() specialties=specialties.clone()/>
                        }.into_any()
                    }
                })
            }}
        </Suspense>
        // Only for a directorate (the facility list answers it alone); a
        // Transition keeps it (and what is typed in it) while the list reloads.
        <Transition fallback=|| ()>
            <Show when=move || facilities.get().is_some_and(|r| r.is_ok())>
                <Posts act=post facilities=facilities directory=directory list=practitioners/>
                <Catalogue save=catalogue add=added list=directory/>
            </Show>
        </Transition>
        <Suspense fallback=|| ()>
            {move || audit.get().and_then(|r| r.ok()).map(|acts| view! {
                <h2>{t!(i18n, network.audit)}</h2>
                <ul class="slots" data-test="audit">
                    {acts.into_iter().map(|a| view! {
                        <li class="card slot" data-test="audit-row" data-action=a.action.code()>
                            <span dir="ltr">{super::booking::local_time(a.at)}</span>
                            <strong>{action_text(i18n, a.action)}</strong>
                            <span>{a.subject_name.clone()}</span>
                            <span class="hint">{a.actor_name.clone()}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </Suspense>
    }
}

/// What `crate::api::directory` answers: specialties, wilayas, today.
type DirectoryResource = Resource<Result<(Vec<SpecialtyOut>, Vec<shared::dto::WilayaOut>, chrono::NaiveDate), crate::error::AppError>>;

/// Where the wilaya's practitioners work: each with their facilities (the
/// home one, whose staff their account is, marked; the others each with
/// "end this post") and a form posting them to one more open facility.
#[component]
fn Posts(
    act: ServerAction<crate::api::PractitionerPost>,
    facilities: Resource<Result<Vec<FacilityAdminOut>, crate::error::AppError>>,
    directory: DirectoryResource,
    list: Resource<Result<Vec<shared::dto::PractitionerPostsOut>, crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ar = move || i18n.get_locale_untracked() == Locale::ar;
    view! {
        <section data-test="posts">
            <h2>{t!(i18n, network.practitioners)}</h2>
            <p class="hint">{t!(i18n, network.practitioners_hint)}</p>
            <FormError error=action_error(act.value())/>
            {move || act.value().get().and_then(|r| r.ok()).flatten().map(|e| view! {
                <p class="ok" role="status" data-test="post-ended">
                    {t!(i18n, network.post_ended)}" "{t!(i18n, network.slots_closed)}" "{e.slots_closed}" · "
                    {t!(i18n, network.to_move)}" "<strong data-test="to-move">{e.appointments_to_move}</strong>
                </p>
            })}
            <Transition fallback=|| ()>
                {move || {
                    let places: Vec<FacilityAdminOut> = facilities.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().filter(|f| f.active).collect();
                    let names = directory.get().and_then(|r| r.ok()).map(|d| d.0).unwrap_or_default();
                    list.get().and_then(|r| r.ok()).map(|people| view! {
                        <ul class="slots">
                            {people.into_iter().map(|p| {
                                let pid = p.id.to_string();
                                let specialty = names.iter().find(|s| s.code == p.specialty).map(|s| if ar() { s.name_ar.clone() } else { s.name_fr.clone() }).unwrap_or(p.specialty.clone());
                                // Owned (id, label) pairs: the forms' children keep what they show.
                                let free: Vec<(String, String)> = places
                                    .iter()
                                    .filter(|f| !p.posts.iter().any(|x| x.facility_id == f.id))
                                    .map(|f| (f.id.to_string(), if ar() { f.name_ar.clone() } else { f.name_fr.clone() }))
                                    .collect();
                                let select_id = format!("post-{pid}");
                                let posts = p.posts.into_iter().map(|x| {
                                    let label = if ar() { x.name_ar.clone() } else { x.name_fr.clone() };
                                    let (pid, fid) = (pid.clone(), x.facility_id.to_string());
                                    let end_fid = fid.clone();
                                    let action = if x.home {
                                        view! { " "<span class="badge">{t!(i18n, network.home)}</span> }.into_any()
                                    } else {
                                        view! {
                                            <ActionForm action=act attr:class="inline">
                                                <input type="hidden" name="practitioner" value=pid/>
                                                <input type="hidden" name="facility_id" value=end_fid/>
                                                <input type="hidden" name="end" value="true"/>
                                                <button type="submit" class="secondary-button" data-test="end-post">{t!(i18n, network.end_post)}</button>
                                            </ActionForm>
                                        }.into_any()
                                    };
                                    view! { <li data-test="post" data-facility=fid>{label}{action}</li> }
                                }).collect_view();
                                let form = (!free.is_empty()).then(|| {
                                    let pid = pid.clone();
                                    view! {
                                        <ActionForm action=act attr:class="inline" attr:data-test="post-form">
                                            <input type="hidden" name="practitioner" value=pid/>
                                            <input type="hidden" name="end" value="false"/>
                                            <label for=select_id.clone()>{t!(i18n, network.post_to)}</label>
                                            <select id=select_id.clone() name="facility_id">
                                                {free.into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                                            </select>
                                            <button type="submit" data-test="post-send">{t!(i18n, network.post)}</button>
                                        </ActionForm>
                                    }
                                });
                                view! {
                                    <li class="card slot" data-test="practitioner" data-id=pid.clone()>
                                        <strong>{p.name.clone()}</strong>
                                        <span>{specialty}</span>
                                        <ul class="posts">{posts}</ul>
                                        {form}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                }}
            </Transition>
        </section>
    }
}

/// The national specialty catalogue: each specialty's names in three
/// languages and its referral rule, each with its own small form.
#[component]
fn Catalogue(save: ServerAction<crate::api::SaveSpecialty>, add: ServerAction<crate::api::AddSpecialty>, list: DirectoryResource) -> impl IntoView {
    let i18n = use_i18n();
    let add_error =
        move |f: &'static str| move || add.value().get().and_then(|r| r.err()).and_then(|e| e.field(f)).map(|c| crate::error::error_text(i18n.get_locale(), c));
    let sent = RwSignal::new(String::new());
    view! {
        <section data-test="catalogue">
            <h2>{t!(i18n, network.catalogue)}</h2>
            <p class="hint">{t!(i18n, network.catalogue_hint)}</p>
            <FormError error=action_error(save.value())/>
            {move || save.value().get().and_then(|r| r.ok()).map(|s| view! { <p class="ok" role="status" data-test="specialty-saved">{t!(i18n, network.specialty_saved)}" "{s.name_fr}</p> })}
            <Suspense fallback=|| ()>
                {move || list.get().and_then(|r| r.ok()).map(|d| view! {
                    <ul class="slots">
                        {d.0.into_iter().map(|s| {
                            let code = s.code.clone();
                            let mine_code = code.clone();
                            let error = move |f: &'static str| {
                                let mine_code = mine_code.clone();
                                move || {
                                    sent.with(|c| *c == mine_code)
                                        .then(|| save.value().get())
                                        .flatten()
                                        .and_then(|r| r.err())
                                        .and_then(|e| e.field(f))
                                        .map(|c| crate::error::error_text(i18n.get_locale(), c))
                                }
                            };
                            let prefix = format!("sp-{}", s.code);
                            let id = move |f: &str| format!("{prefix}-{f}");
                            let send = code.clone();
                            let input_code = code.clone();
                            view! {
                                <li class="card slot" data-test="catalogue-specialty" data-code=code>
                                    <details>
                                        <summary>{if i18n.get_locale_untracked() == Locale::ar { s.name_ar.clone() } else { s.name_fr.clone() }}
                                            {s.referral_required.then(|| view! { " · "<span class="badge">{t!(i18n, network.referral)}</span> })}</summary>
                                        <ActionForm action=save attr:class="form">
                                            <input type="hidden" name="code" value=input_code/>
                                            <div class="field">
                                                <label for=id("ar")>{t!(i18n, network.name_ar)}</label>
                                                <input id=id("ar") name="name_ar" required maxlength="80" lang="ar" dir="rtl" value=s.name_ar.clone()/>
                                                <p class="error" role="alert" data-field="name_ar">{error("name_ar")}</p>
                                                <label for=id("fr")>{t!(i18n, network.name_fr)}</label>
                                                <input id=id("fr") name="name_fr" required maxlength="80" lang="fr" dir="ltr" value=s.name_fr.clone()/>
                                                <p class="error" role="alert" data-field="name_fr">{error("name_fr")}</p>
                                                <label for=id("en")>{t!(i18n, network.name_en)}</label>
                                                <input id=id("en") name="name_en" required maxlength="80" lang="en" dir="ltr" value=s.name_en.clone()/>
                                                <p class="error" role="alert" data-field="name_en">{error("name_en")}</p>
                                            </div>
                                            <label><input type="checkbox" name="referral_required" value="on" checked=s.referral_required/>" "{t!(i18n, network.referral)}</label>
                                            <button type="submit" on:click=move |_| sent.set(send.clone()) disabled=move || save.pending().get()>{t!(i18n, network.save)}</button>
                                        </ActionForm>
                                    </details>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })}
            </Suspense>
            <h3>{t!(i18n, network.new_specialty)}</h3>
            <FormError error=action_error(add.value())/>
            {move || add.value().get().and_then(|r| r.ok()).map(|s| view! { <p class="ok" role="status" data-test="specialty-added">{t!(i18n, network.specialty_added)}" "{if i18n.get_locale_untracked() == Locale::ar { s.name_ar } else { s.name_fr }}</p> })}
            <ActionForm action=add attr:class="form card" attr:data-test="new-specialty" attr:novalidate=true>
                <div class="field">
                    <label for="nsp-code">{t!(i18n, network.specialty_code)}</label>
                    <input id="nsp-code" name="code" required maxlength="40" dir="ltr" autocomplete="off" pattern="[a-z][a-z0-9_]{2,39}"/>
                    <p class="error" role="alert" data-field="code">{add_error("code")}</p>
                    <label for="nsp-ar">{t!(i18n, network.name_ar)}</label>
                    <input id="nsp-ar" name="name_ar" required maxlength="80" lang="ar" dir="rtl"/>
                    <p class="error" role="alert" data-field="name_ar">{add_error("name_ar")}</p>
                    <label for="nsp-fr">{t!(i18n, network.name_fr)}</label>
                    <input id="nsp-fr" name="name_fr" required maxlength="80" lang="fr" dir="ltr"/>
                    <p class="error" role="alert" data-field="name_fr">{add_error("name_fr")}</p>
                    <label for="nsp-en">{t!(i18n, network.name_en)}</label>
                    <input id="nsp-en" name="name_en" required maxlength="80" lang="en" dir="ltr"/>
                    <p class="error" role="alert" data-field="name_en">{add_error("name_en")}</p>
                </div>
                <label><input type="checkbox" name="referral_required" value="on"/>" "{t!(i18n, network.referral)}</label>
                <button type="submit" disabled=move || add.pending().get()>{t!(i18n, network.add_specialty)}</button>
            </ActionForm>
        </section>
    }
}
