//! The Sihati web UI: server-rendered Leptos pages that hydrate into a WASM
//! app. Forms are `ActionForm`s posting to server functions, so every form
//! works before (or without) the WASM; once it has loaded, the same
//! validators from `shared` check each field as it is typed.

#![recursion_limit = "256"]

// The catalogs in app/locales/*.json become a typed `i18n` module: a missing
// key is a compile error. The macro is deprecated in favour of build.rs code
// generation (leptos_i18n_build), which pulls the ICU4X data exporter and
// its sources (icu_provider_export, icu_provider_source) into every cold
// build on two cores; until that cost is measured and paid once, the
// deprecation is allowed here and only here.
#[allow(deprecated)]
mod i18n_catalogs {
    leptos_i18n::load_locales!();
}
pub use i18n_catalogs::i18n;

pub mod api;
pub mod components;
pub mod error;
mod hydration;
pub mod pages;

use crate::i18n::*;
use components::Header;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy, LazyRoute, SsrMode};

#[cfg(feature = "ssr")]
pub use api::server_side::WebContext;

/// The HTML document around the app, rendered on the server only. The
/// stylesheet and scripts carry the content hashes cargo-leptos gave their
/// names (`hash-files`), so a browser keeps them for good; the WASM is
/// fetched once the server's HTML has painted (`hydration.rs`); the service
/// worker (`public/sw.js`) keeps the citizen's appointments for offline use.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b6e4f"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <leptos_meta::HashedStylesheet options=options.clone() id="leptos"/>
                // The service worker is registered once the page has loaded,
                // so its script is not fetched while the page paints.
                <script nonce=nonce>"if('serviceWorker' in navigator)addEventListener('load',function(){navigator.serviceWorker.register('/sw.js').catch(function(){})})"</script>
                <AutoReload options=options.clone()/>
                <hydration::Hydration options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Server actions whose success changes who is signed in; the header's
/// session resource refetches when any of them runs.
#[derive(Clone, Copy)]
pub struct SessionActions {
    pub login: ServerAction<api::Login>,
    pub register: ServerAction<api::Register>,
    pub logout: ServerAction<api::Logout>,
    pub update_profile: ServerAction<api::UpdateProfile>,
    pub change_password: ServerAction<api::ChangePassword>,
    pub verify_phone: ServerAction<api::VerifyPhone>,
    /// The staff's authenticator code: the session starts with it.
    pub second_factor: ServerAction<api::SecondFactor>,
}

impl SessionActions {
    /// How many times each has run (tracked): what the session, and
    /// whatever depends on who is signed in, is fetched again on.
    pub fn versions(&self) -> [usize; 7] {
        [
            self.login.version().get(),
            self.register.version().get(),
            self.logout.version().get(),
            self.update_profile.version().get(),
            self.change_password.version().get(),
            self.verify_phone.version().get(),
            self.second_factor.version().get(),
        ]
    }
}

/// Who is signed in, as the header and pages see it.
pub type SessionResource = Resource<Result<Option<shared::dto::ProfileOut>, error::AppError>>;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <AppTitle/>
            <Router>
                <Routes fallback=pages::NotFound>
                    // In-order streaming: data-dependent parts are rendered in
                    // place, so every page reads fully without JavaScript.
                    <ParentRoute path=path!("") view=Layout ssr=SsrMode::InOrder>
                        <Route path=path!("") view=pages::Home ssr=SsrMode::InOrder/>
                        <Route path=path!("register") view={Lazy::<RegisterRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("login") view=pages::LoginPage ssr=SsrMode::InOrder/>
                        <Route path=path!("signin/code") view=pages::SecondFactorPage ssr=SsrMode::InOrder/>
                        <Route path=path!("signin/enrol") view=pages::EnrolPage ssr=SsrMode::InOrder/>
                        <Route path=path!("staff") view={Lazy::<StaffRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("network") view={Lazy::<NetworkRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("figures") view={Lazy::<FiguresRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("pharmacy") view={Lazy::<PharmacyRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("facilities/:id") view={Lazy::<FacilityRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("practitioners/:id") view={Lazy::<PractitionerRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("invite/:token") view={Lazy::<InviteRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("profile") view={Lazy::<ProfileRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("verify") view={Lazy::<VerifyPhoneRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("forgot") view={Lazy::<ForgotRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("reset/:token") view={Lazy::<ResetLinkRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("verify-email/:token") view={Lazy::<VerifyEmailRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("book") view={Lazy::<BookRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("appointments") view={Lazy::<AppointmentsRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("appointments/:id/pass") view={Lazy::<PassRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("desk") view={Lazy::<DeskRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("floor") view={Lazy::<FloorRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("checkin/:code") view={Lazy::<CheckInRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("family") view={Lazy::<FamilyRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("holidays") view={Lazy::<HolidaysRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("inbox") view={Lazy::<InboxRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("record") view={Lazy::<RecordRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("record/print") view={Lazy::<PrintRecordRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("prescription/:id") view={Lazy::<PrescriptionRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("care") view={Lazy::<CareRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("care/:subject") view={Lazy::<CarePatientRoute>::new()} ssr=SsrMode::InOrder/>
                        <Route path=path!("a/:token") view={Lazy::<LinkRoute>::new()} ssr=SsrMode::InOrder/>
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

/// Header, page and footer. Created inside `<Routes>` so that the actions
/// see the error a no-JavaScript form post brought back in the URL.
#[component]
fn Layout() -> impl IntoView {
    let actions = SessionActions {
        login: ServerAction::new(),
        register: ServerAction::new(),
        logout: ServerAction::new(),
        update_profile: ServerAction::new(),
        change_password: ServerAction::new(),
        verify_phone: ServerAction::new(),
        second_factor: ServerAction::new(),
    };
    provide_context(actions);
    let session: SessionResource = Resource::new(move || actions.versions(), |_| api::whoami());
    provide_context(session);
    let i18n = use_i18n();
    view! {
        <Header/>
        // Until the phone is verified a citizen can browse but not book.
        <Transition fallback=|| ()>
            {move || session.get().and_then(|s| s.ok()).flatten().filter(|p| p.role == shared::Role::Citizen && !p.phone_verified).map(|_| view! {
                <p class="banner" role="status" data-test="verify-banner"><leptos_router::components::A href="/verify">{t!(i18n, verify.banner)}</leptos_router::components::A></p>
            })}
        </Transition>
        // Shown only in a copy the service worker serves offline (it lifts
        // `hidden` and writes when the copy was saved).
        <p class="banner offline-note" role="status" data-test="offline-copy" hidden>{t!(i18n, offline_copy)}" "<span class="offline-saved"></span></p>
        <main id="main">
            <Outlet/>
        </main>
        <footer class="footer">{t!(use_i18n(), footer)}</footer>
    }
}

#[component]
fn AppTitle() -> impl IntoView {
    let i18n = use_i18n();
    view! { <Title formatter=move |page: String| if page.is_empty() { t_string!(i18n, app_name).to_string() } else { format!("{page} · {}", t_string!(i18n, app_name)) }/> }
}

// Every page is lazy except the home page and sign-in (with the staff's
// second step, `/signin/code` and `/signin/enrol`, reached by a redirect
// right after the password: lazy, their chunk download was cut short by the
// next navigation often enough to fail the e2e suite). With `cargo leptos
// build --split` lazy code leaves the main WASM and is fetched when a page
// needs it (and before that page hydrates). The lazy pages come in six
// groups, one split point each, by what one visit opens together: booking
// (and the appointments it leads to), the citizen's record and account,
// the public directory, the signed-out account flows, a polyclinic's
// staff, the directorate. One split point per page made wasm-split cut a
// chunk for every set of pages sharing a function: "/book" was 194 files,
// 178 of them under 1 KB; four groups made it 8 files but 957 KB with the
// shell; six, 26 files and 657 KB (issue 15, docs/BENCHMARKS.md). A lazy page must
// not nest a Suspense inside another nor read a LocalResource inside one:
// its server rendering would stop at the fallback (leptos_router 0.8.17),
// and the page no longer read fully without JavaScript
// (`components::browser_only` is the browser-only fetch that never
// suspends; docs/ARCHITECTURE.md, "Toolchain"). A group's second name is
// the loader `#[lazy]` makes for it (`__preload_` and the group's name,
// which `macro_rules!` cannot build).
macro_rules! lazy_group {
    ($group:ident, $preload:ident, $pages:ident { $($route:ident => $page:ident),+ $(,)? }) => {
        // The variants are the pages' component names (`BookPage`, …).
        #[allow(clippy::enum_variant_names)]
        #[derive(Clone, Copy)]
        enum $pages {
            $($page),+
        }

        /// One split point: the code of every page of the group.
        #[leptos::lazy]
        fn $group(page: $pages) -> AnyView {
            match page {
                $($pages::$page => view! { <pages::$page/> }.into_any()),+
            }
        }

        $(
            struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_: Self) -> AnyView {
                    let view = $group($pages::$page).await;
                    // The hydration script fetches the group's chunks
                    // once the page has painted.
                    #[cfg(feature = "ssr")]
                    hydration::announce_lazy_chunks();
                    view
                }

                // The router waits for this before it hydrates the page
                // (and before it shows one in a navigation): the group's
                // chunks, fetched. Without it the page's server HTML was
                // hydrated while its code was still on the way.
                async fn preload() {
                    // `#[lazy]` makes the loader only in the WASM build.
                    #[cfg(target_arch = "wasm32")]
                    $preload().await;
                }
            }
        )+
    };
}

lazy_group!(booking_pages, __preload_booking_pages, BookingPages {
    BookRoute => BookPage,
    AppointmentsRoute => AppointmentsPage,
    PassRoute => PassPage,
    CheckInRoute => CheckInPage,
    LinkRoute => LinkPage,
});
lazy_group!(record_pages, __preload_record_pages, RecordPages {
    RecordRoute => RecordPage,
    PrintRecordRoute => PrintRecordPage,
    PrescriptionRoute => PrescriptionPage,
    FamilyRoute => FamilyPage,
    InboxRoute => InboxPage,
    ProfileRoute => ProfilePage,
    VerifyPhoneRoute => VerifyPhonePage,
});
lazy_group!(directory_pages, __preload_directory_pages, DirectoryPages {
    FacilityRoute => FacilityPage,
    PractitionerRoute => PractitionerPage,
});
lazy_group!(account_pages, __preload_account_pages, AccountPages {
    RegisterRoute => RegisterPage,
    ForgotRoute => ForgotPage,
    ResetLinkRoute => ResetLinkPage,
    VerifyEmailRoute => VerifyEmailPage,
    InviteRoute => InvitePage,
});
lazy_group!(clinic_pages, __preload_clinic_pages, ClinicPages {
    DeskRoute => DeskPage,
    FloorRoute => FloorPage,
    HolidaysRoute => HolidaysPage,
    StaffRoute => StaffPage,
    PharmacyRoute => PharmacyPage,
    CareRoute => CarePage,
    CarePatientRoute => CarePatientPage,
});
lazy_group!(network_pages, __preload_network_pages, NetworkPages {
    NetworkRoute => NetworkPage,
    FiguresRoute => FiguresPage,
});
