//! Pieces every page uses: the header with the language switch, form fields
//! that validate as they are typed, and error summaries.

use crate::error::{error_text, AppError};
use crate::i18n::*;
use crate::{SessionActions, SessionResource};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use shared::{ErrorCode, FieldError, Lang};

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<SessionResource>();
    let actions = expect_context::<SessionActions>();
    let location = use_location();
    // The unread count is rendered by the server with the rest of the
    // header (read in the same Transition as the session), so the badge
    // never appears after the page has painted and shifts the layout.
    // Fetched again on every navigation and whenever the session is (the
    // fetcher's own `session.await` is not tracked); nothing asked when
    // signed out.
    let unread = Resource::new(
        move || (location.pathname.get(), actions.versions()),
        move |_| async move {
            let citizen = session.await.ok().flatten().is_some_and(|p| p.role == shared::Role::Citizen);
            if citizen {
                crate::api::unread_count().await
            } else {
                Ok(0)
            }
        },
    );
    let lang_href = move |lang: Lang| {
        let path = location.pathname.get();
        format!("/lang/{}?next={}", lang.code(), path)
    };
    view! {
        <a class="skip" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="header">
            <A href="/" attr:class="brand">{t!(i18n, app_name)}</A>
            <nav aria-label=move || t_string!(i18n, nav.language) class="langs">
                {Lang::ALL.into_iter().map(|lang| {
                    let label = lang_name(lang);
                    view! {
                        <a href=move || lang_href(lang) hreflang=lang.code() lang=lang.code() rel="external nofollow"
                            aria-current=move || (crate::error::lang_of(i18n.get_locale()) == lang).then_some("true")
                            data-lang=lang.code()>{label}</a>
                    }
                }).collect_view()}
            </nav>
            <nav class="account">
                <Transition fallback=|| ()>
                    {move || session.get().map(|s| match s {
                        Ok(Some(p)) => {
                            // Staff work at the desk; citizens book.
                            let staff = p.role.needs_facility();
                            let admin = p.role == shared::Role::HealthAdmin;
                            view! {
                                {(p.role == shared::Role::Practitioner).then(|| view! { <A href="/care" attr:data-test="nav-care">{t!(i18n, nav.care)}</A> })}
                                {staff.then(|| view! { <A href="/desk">{t!(i18n, nav.desk)}</A> })}
                                {staff.then(|| view! { <A href="/floor" attr:data-test="nav-floor">{t!(i18n, nav.floor)}</A> })}
                                {(staff || admin).then(|| view! { <A href="/holidays">{t!(i18n, nav.holidays)}</A> })}
                                {matches!(p.role, shared::Role::FacilityAdmin | shared::Role::HealthAdmin).then(|| view! { <A href="/staff" attr:data-test="nav-staff">{t!(i18n, nav.staff)}</A> })}
                                {admin.then(|| view! { <A href="/network" attr:data-test="nav-network">{t!(i18n, nav.network)}</A> })}
                                {matches!(p.role, shared::Role::FacilityAdmin | shared::Role::HealthAdmin).then(|| view! { <A href="/figures" attr:data-test="nav-figures">{t!(i18n, nav.figures)}</A> })}
                                {(!staff && !admin).then(|| view! {
                                    <A href="/book">{t!(i18n, nav.book)}</A>
                                    <A href="/appointments">{t!(i18n, nav.appointments)}</A>
                                    <A href="/family">{t!(i18n, nav.family)}</A>
                                    <A href="/record">{t!(i18n, nav.record)}</A>
                                    <InboxLink unread=unread/>
                                })}
                                <A href="/profile">{p.given_name.clone()}</A>
                                <ActionForm action=actions.logout attr:class="inline">
                                    <button type="submit" class="link" data-test="logout">{t!(i18n, nav.logout)}</button>
                                </ActionForm>
                            }.into_any()
                        }
                        _ => view! {
                            <A href="/login">{t!(i18n, nav.login)}</A>
                            <A href="/register">{t!(i18n, nav.register)}</A>
                        }.into_any(),
                    })}
                </Transition>
            </nav>
        </header>
    }
}

/// "Messages", with the unread count when there is one.
#[component]
fn InboxLink(unread: Resource<Result<u64, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <A href="/inbox" attr:data-test="nav-inbox">
            {t!(i18n, nav.inbox)}
            {move || unread.get().and_then(|r| r.ok()).filter(|n| *n > 0).map(|n| view! { " " <span class="badge" data-test="unread">{n}</span> })}
        </A>
    }
}

/// A language's name in that language, for switchers and selects.
pub fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Ar => td_string!(Locale::ar, langs.ar),
        Lang::Fr => td_string!(Locale::fr, langs.fr),
        Lang::En => td_string!(Locale::en, langs.en),
    }
}

/// A labelled input. When `check` is given it runs in the browser as soon as
/// the field changes, with the same validator the server applies; the
/// server's verdict shows until the person edits the field.
#[component]
pub fn Field(
    name: &'static str,
    /// The element id, when one page has two fields of one name.
    #[prop(optional)]
    id: Option<&'static str>,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = true)] required: bool,
    #[prop(optional)] dir: Option<&'static str>,
    #[prop(into)] server_error: Signal<Option<ErrorCode>>,
    #[prop(optional)] check: Option<fn(&str) -> Option<ErrorCode>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let local = RwSignal::new(None::<ErrorCode>);
    let touched = RwSignal::new(false);
    // A new answer from the server outranks what was checked while typing.
    Effect::new(move |_| {
        server_error.track();
        touched.set(false);
    });
    let shown = move || if touched.get() { local.get() } else { server_error.get() };
    let id = id.unwrap_or(name);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = match hint {
        Some(_) => format!("{hint_id} {error_id}"),
        None => error_id.clone(),
    };
    let on_change = move |ev: leptos::ev::Event| {
        touched.set(true);
        local.set(check.and_then(|f| f(&event_target_value(&ev))));
    };
    // Typing clears the error shown (the verdict comes on change, when the
    // field is left): were it cleared only then, the error line would
    // vanish between the press and the release of the submit button that
    // took the focus, the button would move up, and the click be lost.
    let on_input = move |_| {
        if !touched.get_untracked() || local.get_untracked().is_some() {
            touched.set(true);
            local.set(None);
        }
    };
    view! {
        <div class="field" class:invalid=move || shown().is_some()>
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input id=id name=name type=kind value=value autocomplete=autocomplete inputmode=inputmode
                dir=dir required=required aria-describedby=described
                aria-invalid=move || shown().is_some().then_some("true")
                on:change=on_change on:input=on_input />
            <p class="error" id=error_id role="alert">
                {move || shown().map(|c| error_text(i18n.get_locale(), c))}
            </p>
        </div>
    }
}

/// The error of an action that is not about one field.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || error.get().map(|e| {
            let code = e.code();
            let retry = e.0.retry_after;
            view! {
                <div class="form-error" role="alert" data-code=code.as_str()>
                    {error_text(i18n.get_locale(), code)}
                    {retry.map(|secs| view! { " " {t!(i18n, retry_in, secs = move || secs)} })}
                </div>
            }
        })}
    }
}

/// The field-level error a server action returned for `name`.
pub fn field_error<T, S>(value: S, name: &'static str) -> Signal<Option<ErrorCode>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()).and_then(|e| e.field(name)))
}

/// The action's error, if it failed.
pub fn action_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// A whole form checked in the browser by the same `validate()` the server
/// runs, each time a field is left: the field's error shows before
/// anything is sent, translated like the server's. Only fields the person
/// has changed since the last answer are judged here (an empty field
/// further down is not an error yet); the others show what the server
/// said. The server's answer replaces what the browser found: it also
/// knows what needs the database (is the slot free, does the practitioner
/// work here).
#[derive(Clone, Copy)]
pub struct FormCheck {
    server: Signal<Option<AppError>>,
    local: RwSignal<Vec<FieldError>>,
    /// Names changed since the last answer; `None` in the list: all of them
    /// (a form checked as a whole before it is sent).
    touched: RwSignal<Vec<Option<String>>>,
}

impl FormCheck {
    pub fn new(server: Signal<Option<AppError>>) -> Self {
        let (local, touched) = (RwSignal::new(Vec::new()), RwSignal::new(Vec::new()));
        Effect::new(move |_| {
            server.track();
            touched.set(Vec::new());
        });
        Self { server, local, touched }
    }

    /// The form's `on:change` handler: reads the whole form as its server
    /// function will (same names, same decoding) and keeps `check`'s field
    /// errors. `check` gets today's date in Algiers.
    pub fn on_change<T>(self, check: impl Fn(&T, chrono::NaiveDate) -> Vec<FieldError> + 'static) -> impl Fn(leptos::ev::Event) + 'static
    where
        T: serde::de::DeserializeOwned,
    {
        move |ev: leptos::ev::Event| {
            #[cfg(feature = "hydrate")]
            {
                use wasm_bindgen::JsCast;
                let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                let name = target.as_ref().and_then(|t| t.get_attribute("name"));
                let form = target.and_then(|t| t.closest("form").ok().flatten()).and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok());
                let value =
                    form.and_then(|f| web_sys::FormData::new_with_form(&f).ok()).and_then(|d| <T as leptos::form::FromFormData>::from_form_data(&d).ok());
                if let (Some(name), Some(value)) = (name, value) {
                    self.local.set(check(&value, today()));
                    self.touched.update(|t| {
                        if !t.contains(&Some(name.clone())) {
                            t.push(Some(name))
                        }
                    });
                }
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&ev, &check);
        }
    }

    /// Judges the whole form now (before sending one that is not an
    /// `ActionForm`); true when nothing is wrong.
    pub fn judge(self, errors: Vec<FieldError>) -> bool {
        let ok = errors.is_empty();
        self.local.set(errors);
        self.touched.set(vec![None]);
        ok
    }

    fn judged_here(self, name: &str) -> bool {
        self.touched.with(|t| t.iter().any(|n| n.as_deref().is_none_or(|n| n == name)))
    }

    /// The error to show under field `name`.
    pub fn error(self, name: &'static str) -> Signal<Option<ErrorCode>> {
        Signal::derive(move || {
            if self.judged_here(name) {
                self.local.with(|l| l.iter().find(|f| f.field == name).map(|f| f.code))
            } else {
                self.server.get().and_then(|e| e.field(name))
            }
        })
    }

    /// Every field error to show, the browser's for the fields it judged
    /// and the server's for the others, as one error (for a summary list).
    pub fn all(self) -> Signal<Option<AppError>> {
        Signal::derive(move || {
            let server = self.server.get().map(|e| e.0.fields).unwrap_or_default();
            let mut fields: Vec<FieldError> = server.into_iter().filter(|f| !self.judged_here(&f.field)).collect();
            self.local.with(|l| fields.extend(l.iter().filter(|f| self.judged_here(&f.field)).cloned()));
            (!fields.is_empty()).then(|| AppError(shared::ApiError::fields(fields)))
        })
    }

    /// The translated error line under field `name`.
    pub fn line(self, name: &'static str) -> impl IntoView {
        let i18n = use_i18n();
        let error = self.error(name);
        view! { <p class="error" role="alert" data-field=name>{move || error.get().map(|c| error_text(i18n.get_locale(), c))}</p> }
    }
}

/// A `validate()` result as the field errors it found.
pub fn errors_of<C>(r: Result<C, Vec<FieldError>>) -> Vec<FieldError> {
    r.err().unwrap_or_default()
}

/// Today in Algiers by the browser's clock, for a check run in the
/// browser (the server's own check decides with its clock; this one only
/// spares a round trip). On the server, where event handlers never run, a
/// date no check relies on.
pub fn today() -> chrono::NaiveDate {
    #[cfg(feature = "hydrate")]
    {
        chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).map(shared::time::algiers_date).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        chrono::NaiveDate::default()
    }
}

// Browser-side checks: the same parsers as the server's.
pub fn check_nin(s: &str) -> Option<ErrorCode> {
    shared::Nin::parse(s).err()
}
pub fn check_phone(s: &str) -> Option<ErrorCode> {
    shared::Phone::parse(s).err()
}
pub fn check_email(s: &str) -> Option<ErrorCode> {
    if s.trim().is_empty() {
        None
    } else {
        shared::Email::parse(s).err()
    }
}
pub fn check_name(s: &str) -> Option<ErrorCode> {
    shared::PersonName::parse(s).err()
}
pub fn check_password(s: &str) -> Option<ErrorCode> {
    shared::NewPassword::parse(s).err()
}

/// A counter that moves every `secs` seconds while the component lives (in
/// the browser; on the server it stays at 0): a resource that reads it is
/// fetched again that often, for pages whose data changes without them.
pub(crate) fn use_tick(secs: u64) -> RwSignal<u32> {
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || tick.update(|t| *t += 1), std::time::Duration::from_secs(secs)) {
            on_cleanup(move || handle.clear());
        }
    });
    tick
}

/// What a view read again in the background shows: the newest answer, or,
/// when reading it failed (no network on the phone, a server error), the
/// last one that arrived, marked stale (`true`), rather than nothing. An
/// answer that says there is nothing (any other error: no place in a
/// queue any more, signed out) clears it; while an answer is awaited the
/// kept one stays, not stale.
pub(crate) fn fresh_or_kept<T>(kept: Option<T>, answer: Option<Result<T, crate::error::AppError>>) -> (Option<T>, bool) {
    match answer {
        Some(Ok(fresh)) => (Some(fresh), false),
        Some(Err(e)) if e.code() == shared::ErrorCode::Internal => {
            let stale = kept.is_some();
            (kept, stale)
        }
        Some(Err(_)) => (None, false),
        None => (kept, false),
    }
}

/// [`fresh_or_kept`] over `read` (a Resource or a signal read again in the
/// background), keeping the last answer shown between calls: call the
/// result where the answer is shown (inside a Suspense or Transition, so
/// that it waits for the read).
pub(crate) fn kept_on_failure<T, F>(read: F) -> impl Fn() -> (Option<T>, bool) + Copy + Send + Sync + 'static
where
    T: Clone + Send + Sync + 'static,
    F: Fn() -> Option<Result<T, crate::error::AppError>> + Copy + Send + Sync + 'static,
{
    let kept = StoredValue::new(None);
    move || {
        let (shown, stale) = fresh_or_kept(kept.get_value(), read());
        kept.set_value(shown.clone());
        (shown, stale)
    }
}

/// A value fetched in the browser only, after hydration, and again
/// whenever a signal `fetch` reads changes (the newest answer wins). Unlike
/// a `LocalResource`, whose read inside a Suspense held a lazy page's
/// server rendering at the Suspense's fallback (leptos 0.8: the whole
/// list or record missing from the HTML), it never suspends: the server
/// renders `None`, as does the client until the answer comes.
pub(crate) fn browser_only<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> ReadSignal<Option<T>>
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = T> + 'static,
{
    let (value, set_value) = signal(None);
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let answer = fetch();
        latest.update_value(|n| *n += 1);
        let mine = latest.get_value();
        leptos::task::spawn_local(async move {
            let answer = answer.await;
            if latest.try_get_value() == Some(mine) {
                set_value.set(Some(answer));
            }
        });
    });
    value
}

#[cfg(test)]
mod tests {
    use super::fresh_or_kept;
    use crate::error::AppError;
    use shared::ErrorCode;

    #[test]
    fn a_failed_read_keeps_the_last_answer_marked_stale_and_a_refusal_clears_it() {
        let failed = || Some(Err(AppError::from(ErrorCode::Internal)));
        // A fresh answer is shown as is, whatever was kept.
        assert_eq!(fresh_or_kept(Some(1), Some(Ok(2))), (Some(2), false));
        // The network failed: the last answer stays, marked.
        assert_eq!(fresh_or_kept(Some(2), failed()), (Some(2), true));
        // Failed with nothing seen yet: nothing to show, nothing stale.
        assert_eq!(fresh_or_kept(None::<u8>, failed()), (None, false));
        // The server says there is nothing (no place any more): cleared.
        assert_eq!(fresh_or_kept(Some(2), Some(Err(AppError::from(ErrorCode::NotFound)))), (None, false));
        // Awaiting the answer: the kept one, not stale.
        assert_eq!(fresh_or_kept(Some(2), None), (Some(2), false));
    }
}
