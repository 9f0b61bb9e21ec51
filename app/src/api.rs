//! Server functions: the web's door into the domain. Each one extracts the
//! actor from the session cookie, calls one domain service and maps its
//! error; no rule lives here.

use crate::error::AppError;
use leptos::prelude::*;
use shared::dto::ProfileOut;

/// The name of the HttpOnly cookie holding the web session secret. With
/// `Secure` it carries the `__Host-` prefix: the browser then refuses it
/// unless it was set by this exact host over HTTPS, with `Path=/` and no
/// `Domain`, so a sibling subdomain cannot plant or overwrite it.
pub const SESSION_COOKIE: &str = "__Host-sihati_session";
/// The same cookie on a plain-HTTP test setup, where `__Host-` is refused.
pub const SESSION_COOKIE_INSECURE: &str = "sihati_session";

/// The session cookie's name for this server.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SESSION_COOKIE
    } else {
        SESSION_COOKIE_INSECURE
    }
}
/// The short-lived HttpOnly cookie between a staff member's password and
/// their authenticator's code: a signed ticket, not a session.
pub const MFA_COOKIE: &str = "__Host-sihati_mfa";
pub const MFA_COOKIE_INSECURE: &str = "sihati_mfa";

/// The cookie leptos_i18n reads for the chosen language.
pub const LANG_COOKIE: &str = "i18n_pref_locale";

#[cfg(feature = "ssr")]
pub mod server_side {
    //! What server functions need from the running server.
    use super::*;
    use axum::extract::ConnectInfo;
    use domain::{Actor, Domain};
    use http::header::{HeaderValue, COOKIE, SET_COOKIE};
    use http::request::Parts;
    use leptos_axum::ResponseOptions;
    use std::net::{IpAddr, SocketAddr};

    /// Provided to every page render and server function by the server.
    #[derive(Clone)]
    pub struct WebContext {
        pub domain: Domain,
        /// `Secure` on cookies; only turned off for plain-HTTP test setups
        /// that are not on localhost.
        pub cookie_secure: bool,
        /// Reverse proxies in front of the server that append to
        /// `X-Forwarded-For` (0: the socket peer is the client).
        pub proxy_hops: usize,
    }

    pub fn ctx() -> Result<WebContext, AppError> {
        use_context::<WebContext>().ok_or_else(|| shared::ErrorCode::Internal.into())
    }

    /// The one mapping from a domain error to a server function's error,
    /// so server functions use `?`.
    impl From<domain::Error> for AppError {
        fn from(e: domain::Error) -> Self {
            AppError(e.into_answer())
        }
    }

    fn parts() -> Option<Parts> {
        use_context::<Parts>()
    }

    pub fn cookie(name: &str) -> Option<String> {
        cookie_of(&parts()?.headers, name)
    }

    /// A cookie of a request's headers.
    pub fn cookie_of(headers: &http::HeaderMap, name: &str) -> Option<String> {
        headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
    }

    /// Who acts at the web door: the session cookie of these headers,
    /// resolved by the domain. Server functions and the web's file routes
    /// both come here (the REST door's one way is its `Bearer` extractor).
    pub async fn web_actor_of(domain: &Domain, headers: &http::HeaderMap, cookie_secure: bool) -> Result<Actor, AppError> {
        let secret = cookie_of(headers, session_cookie_name(cookie_secure)).ok_or_else(|| AppError::from(shared::ErrorCode::Unauthorized))?;
        Ok(domain.sessions.web_actor(&secret).await?)
    }

    /// The client's IP. With no proxy in front, the socket peer. Behind
    /// `hops` trusted proxies, each appending the address it received the
    /// request from to `X-Forwarded-For`, the entry the outermost proxy
    /// added: `hops` from the right. Everything left of it was written by
    /// the client and proves nothing. Shared with the REST door.
    pub fn client_ip_from(headers: &http::HeaderMap, peer: Option<IpAddr>, hops: usize) -> Option<IpAddr> {
        if hops == 0 {
            return peer;
        }
        // Several headers count as one list, in order.
        let entries: Vec<&str> = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).map(str::trim).collect();
        let forwarded = entries.len().checked_sub(hops).and_then(|i| entries[i].parse().ok());
        forwarded.or(peer)
    }

    pub fn client_ip(hops: usize) -> Option<IpAddr> {
        let parts = parts()?;
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        client_ip_from(&parts.headers, peer, hops)
    }

    /// The signed-in actor, or `unauthorized`.
    pub async fn actor() -> Result<Actor, AppError> {
        let ctx = ctx()?;
        let parts = parts().ok_or_else(|| AppError::from(shared::ErrorCode::Unauthorized))?;
        web_actor_of(&ctx.domain, &parts.headers, ctx.cookie_secure).await
    }

    /// Asks the browser to empty this site's storage (the service
    /// worker's offline copies among it): on leaving an account, even from
    /// a page the worker does not control.
    pub fn clear_site_storage() {
        if let Some(res) = use_context::<ResponseOptions>() {
            res.insert_header(http::header::HeaderName::from_static("clear-site-data"), HeaderValue::from_static("\"storage\""));
        }
    }

    pub fn set_cookie(value: String) {
        if let (Some(res), Ok(v)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&value)) {
            res.append_header(SET_COOKIE, v);
        }
    }

    /// An HttpOnly cookie for the whole site; `Secure` (and the
    /// `__Host-` name) except on a plain-HTTP test setup.
    fn private_cookie(name: &str, value: &str, max_age_secs: u64, same_site: &str, secure: bool) -> String {
        let secure = if secure { "; Secure" } else { "" };
        format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age_secs}{secure}")
    }

    pub fn session_cookie(secret: &str, max_age_secs: u64, secure: bool) -> String {
        private_cookie(session_cookie_name(secure), secret, max_age_secs, "Lax", secure)
    }

    pub fn lang_cookie(lang: shared::Lang) -> String {
        format!("{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000", lang.code())
    }

    /// Starts a web session for someone who proved every factor and sets
    /// its cookie, plus the language cookie to the account's language.
    pub async fn sign_in(ctx: &WebContext, who: &domain::mfa::Authenticated) -> Result<(), AppError> {
        let secret = ctx.domain.sessions.start_web_session(who).await?;
        set_cookie(session_cookie(&secret, ctx.domain.config().web_session_ttl_secs, ctx.cookie_secure));
        set_cookie(lang_cookie(shared::Lang::parse(&who.user().lang).unwrap_or_default()));
        Ok(())
    }

    fn mfa_cookie_name(secure: bool) -> &'static str {
        if secure {
            MFA_COOKIE
        } else {
            MFA_COOKIE_INSECURE
        }
    }

    pub fn mfa_cookie(ticket: &str, max_age_secs: u64, secure: bool) -> String {
        private_cookie(mfa_cookie_name(secure), ticket, max_age_secs, "Strict", secure)
    }

    /// The staff member between password and code, from the ticket cookie;
    /// `unauthorized` when it is missing or over (sign in again).
    pub async fn ticket_user(ctx: &WebContext) -> Result<domain::entities::user::Model, AppError> {
        let ticket = cookie(mfa_cookie_name(ctx.cookie_secure)).ok_or_else(|| AppError::from(shared::ErrorCode::Unauthorized))?;
        Ok(ctx.domain.sessions.ticket_user(&ticket).await?)
    }
}

#[cfg(feature = "ssr")]
use server_side::*;

/// Who is signed in, if anyone.
#[server(prefix = "/sfn", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<ProfileOut>, AppError> {
    let Ok(actor) = actor().await else { return Ok(None) };
    let ctx = ctx()?;
    Ok(Some(ctx.domain.accounts.profile(&actor).await?))
}

/// Registers a citizen and signs them in.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/sfn", endpoint = "register")]
pub async fn register(
    nin: String,
    given_name: String,
    family_name: String,
    birth_date: String,
    sex: Option<String>,
    phone: String,
    email: String,
    password: String,
    lang: String,
    claim: Option<String>,
) -> Result<Option<shared::identity::ClaimOut>, AppError> {
    let ctx = ctx()?;
    let input = shared::dto::RegisterIn { nin, given_name, family_name, birth_date, sex: sex.unwrap_or_default(), phone, email, password, lang };
    let ip = client_ip(ctx.proxy_hops);
    if claim.is_some() {
        // The NIN is a dependant's: ask for that record instead (no
        // account until the guardian or a desk approves).
        return Ok(Some(ctx.domain.people.request_claim(&input, ip).await?));
    }
    let who = ctx.domain.accounts.register(&input, ip).await?;
    sign_in(&ctx, &who).await?;
    // Next: the code sent by SMS.
    leptos_axum::redirect("/verify");
    Ok(None)
}

/// Signs in with a phone or email and a password.
#[server(prefix = "/sfn", endpoint = "login")]
pub async fn login(login: String, password: String) -> Result<(), AppError> {
    let ctx = ctx()?;
    let ip = client_ip(ctx.proxy_hops);
    let input = shared::dto::LoginIn { login, password, otp: None };
    match ctx.domain.sessions.authenticate(&input, ip).await? {
        domain::mfa::SignIn::Done(who) => {
            sign_in(&ctx, &who).await?;
            leptos_axum::redirect("/profile");
        }
        // Staff who need it: the password was right; the authenticator's
        // code (or its enrolment) comes next, carried by a signed ticket.
        domain::mfa::SignIn::SecondFactor { user, enrolled } => {
            set_cookie(mfa_cookie(&ctx.domain.sessions.mfa_ticket(&user), domain::mfa::TICKET_SECS as u64, ctx.cookie_secure));
            leptos_axum::redirect(if enrolled { "/signin/code" } else { "/signin/enrol" });
        }
    }
    Ok(())
}

/// What a staff member between password and code needs to enrol an
/// authenticator (shown until the first code comes back).
#[server(prefix = "/sfn", endpoint = "mfa_enrolment")]
pub async fn mfa_enrolment() -> Result<shared::identity::EnrolmentOut, AppError> {
    let ctx = ctx()?;
    let user = ticket_user(&ctx).await?;
    Ok(ctx.domain.sessions.enrolment(user.id).await?)
}

/// The authenticator's code (or a recovery code) after the password: the
/// session starts. The first code also confirms an enrolment.
#[server(prefix = "/sfn", endpoint = "second_factor")]
pub async fn second_factor(code: String) -> Result<(), AppError> {
    let ctx = ctx()?;
    let user = ticket_user(&ctx).await?;
    let who = ctx.domain.sessions.second_factor(user.id, &code, client_ip(ctx.proxy_hops)).await?;
    sign_in(&ctx, &who).await?;
    set_cookie(mfa_cookie("", 0, ctx.cookie_secure));
    leptos_axum::redirect("/profile");
    Ok(())
}

/// The staff the signed-in administrator manages.
#[server(prefix = "/sfn", endpoint = "staff")]
pub async fn staff() -> Result<Vec<shared::identity::StaffOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.accounts.list_staff(&actor).await?)
}

/// Removes a staff member's authenticator; they enrol again.
#[server(prefix = "/sfn", endpoint = "reset_second_factor")]
pub async fn reset_second_factor(id: String) -> Result<(), AppError> {
    let actor = actor().await?;
    let id: shared::UserId = id.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.accounts.reset_second_factor(&actor, id).await?)
}

/// The invitations of the facilities the signed-in administrator staffs.
#[server(prefix = "/sfn", endpoint = "staff_invitations")]
pub async fn staff_invitations() -> Result<Vec<shared::dto::InvitationOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.accounts.invitations(&actor).await?)
}

/// The specialties the invitation form offers: the facility's own.
#[server(prefix = "/sfn", endpoint = "staff_specialties")]
pub async fn staff_specialties() -> Result<Vec<shared::dto::SpecialtyOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.accounts.invitable_specialties(&actor).await?)
}

/// Invites someone to the staff (the form of `/staff`).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/sfn", endpoint = "invite_staff")]
pub async fn invite_staff(
    role: String,
    given_name: String,
    family_name: String,
    phone: String,
    email: String,
    specialty: Option<String>,
    facility_id: Option<String>,
    lang: String,
) -> Result<shared::dto::InvitationOut, AppError> {
    let actor = actor().await?;
    let facility_id = match facility_id.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        None => None,
        Some(f) => Some(f.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?),
    };
    let input = shared::dto::InvitationIn { role, given_name, family_name, phone, email, specialty: specialty.unwrap_or_default(), facility_id, lang };
    Ok(ctx()?.domain.accounts.invite(&actor, &input).await?)
}

/// Withdraws a pending invitation.
#[server(prefix = "/sfn", endpoint = "revoke_invitation")]
pub async fn revoke_invitation(id: String) -> Result<(), AppError> {
    let actor = actor().await?;
    let id = id.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.accounts.revoke_invitation(&actor, id).await?)
}

/// Deactivates a staff account (or, `active` set, lets it sign in again).
#[server(prefix = "/sfn", endpoint = "staff_active")]
pub async fn staff_active(id: String, active: bool) -> Result<Option<shared::dto::DeactivationOut>, AppError> {
    let actor = actor().await?;
    let id: shared::UserId = id.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    let accounts = &ctx()?.domain.accounts;
    if active {
        accounts.reactivate_staff(&actor, id).await?;
        Ok(None)
    } else {
        Ok(Some(accounts.deactivate_staff(&actor, id).await?))
    }
}

/// What an invitation's link shows (no sign-in).
#[server(prefix = "/sfn", endpoint = "invitation")]
pub async fn invitation(token: String) -> Result<shared::dto::InvitationViewOut, AppError> {
    Ok(ctx()?.domain.accounts.invitation_by_token(&token).await?)
}

/// Accepts an invitation with one's own password; then, like a sign-in,
/// the authenticator's enrolment (roles with a second factor) or the session.
#[server(prefix = "/sfn", endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String, password: String) -> Result<(), AppError> {
    let ctx = ctx()?;
    match ctx.domain.accounts.accept_invitation(&token, &shared::dto::InvitationAcceptIn { password }).await? {
        domain::mfa::SignIn::Done(who) => {
            sign_in(&ctx, &who).await?;
            leptos_axum::redirect("/profile");
        }
        domain::mfa::SignIn::SecondFactor { user, .. } => {
            set_cookie(mfa_cookie(&ctx.domain.sessions.mfa_ticket(&user), domain::mfa::TICKET_SECS as u64, ctx.cookie_secure));
            leptos_axum::redirect("/signin/enrol");
        }
    }
    Ok(())
}

/// The figures of a period for the signed-in administrator's scope.
#[server(prefix = "/sfn", endpoint = "figures")]
pub async fn figures(from: String, to: String, facility_id: String) -> Result<shared::dto::FiguresOut, AppError> {
    let actor = actor().await?;
    let ctx = ctx()?;
    let period = shared::dto::FiguresQuery { from, to, facility_id }.validate(ctx.domain.today()).map_err(domain::Error::fields)?;
    Ok(ctx.domain.network.figures(&actor, period).await?)
}

/// A pharmacy checks a prescription (no sign-in).
#[server(prefix = "/sfn", endpoint = "check_prescription")]
pub async fn check_prescription(code: String, birth_date: String) -> Result<shared::dto::PrescriptionCheckOut, AppError> {
    let ctx = ctx()?;
    let ip = client_ip(ctx.proxy_hops);
    Ok(ctx.domain.record.check_prescription(&shared::dto::PrescriptionCheckIn { code, birth_date }, ip).await?)
}

/// Changes a specialty of the catalogue (the `/network` page's form).
#[server(prefix = "/sfn", endpoint = "save_specialty")]
pub async fn save_specialty(
    code: String,
    name_ar: String,
    name_fr: String,
    name_en: String,
    referral_required: Option<String>,
) -> Result<shared::dto::SpecialtyOut, AppError> {
    let actor = actor().await?;
    let input = shared::dto::SpecialtyIn { name_ar, name_fr, name_en, referral_required: referral_required.is_some() };
    Ok(ctx()?.domain.network.update_specialty(&actor, code.trim(), &input).await?)
}

/// Adds a specialty to the catalogue (the `/network` page's form).
#[server(prefix = "/sfn", endpoint = "add_specialty")]
pub async fn add_specialty(
    code: String,
    name_ar: String,
    name_fr: String,
    name_en: String,
    referral_required: Option<String>,
) -> Result<shared::dto::SpecialtyOut, AppError> {
    let actor = actor().await?;
    let input = shared::dto::NewSpecialtyIn { code, name_ar, name_fr, name_en, referral_required: referral_required.is_some() };
    Ok(ctx()?.domain.network.create_specialty(&actor, &input).await?)
}

/// Ends this browser's session.
#[server(prefix = "/sfn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let ctx = ctx()?;
    if let Ok(actor) = actor().await {
        ctx.domain.sessions.sign_out(&actor).await?;
    }
    set_cookie(session_cookie("", 0, ctx.cookie_secure));
    clear_site_storage();
    leptos_axum::redirect("/");
    Ok(())
}

/// Closes the signed-in citizen's account (their password and the box
/// ticked confirm it), then signs them out.
#[server(prefix = "/sfn", endpoint = "close_account")]
pub async fn close_account(password: String, confirm: Option<String>) -> Result<(), AppError> {
    let ctx = ctx()?;
    let actor = actor().await?;
    if confirm.is_none() {
        return Err(AppError::from(shared::ErrorCode::Required));
    }
    ctx.domain.close_account(&actor, &password).await?;
    set_cookie(session_cookie("", 0, ctx.cookie_secure));
    clear_site_storage();
    leptos_axum::redirect("/?closed=1");
    Ok(())
}

/// The signed-in person's profile.
#[server(prefix = "/sfn", endpoint = "profile")]
pub async fn get_profile() -> Result<ProfileOut, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.accounts.profile(&actor).await?)
}

/// Saves changes to one's own names and language.
#[server(prefix = "/sfn", endpoint = "update_profile")]
pub async fn update_profile(given_name: String, family_name: String, lang: String) -> Result<(), AppError> {
    let actor = actor().await?;
    let input = shared::dto::ProfileUpdateIn { given_name, family_name, lang };
    let p = ctx()?.domain.accounts.update_profile(&actor, &input).await?;
    set_cookie(lang_cookie(p.lang));
    Ok(())
}

/// Changes one's password; every other session ends and this browser gets a
/// fresh one.
#[server(prefix = "/sfn", endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    let ctx = ctx()?;
    let actor = actor().await?;
    let input = shared::dto::PasswordChangeIn { current_password, new_password };
    let who = ctx.domain.accounts.change_password(&actor, &input).await?;
    sign_in(&ctx, &who).await
}

/// Confirms the phone with the code it received; then the account may book.
#[server(prefix = "/sfn", endpoint = "verify_phone")]
pub async fn verify_phone(code: String) -> Result<(), AppError> {
    let actor = actor().await?;
    ctx()?.domain.accounts.verify_phone(&actor, &shared::identity::CodeIn { code }).await?;
    Ok(())
}

/// Sends a new code to the phone being verified.
#[server(prefix = "/sfn", endpoint = "resend_phone_code")]
pub async fn resend_phone_code() -> Result<shared::identity::VerificationOut, AppError> {
    let ctx = ctx()?;
    let actor = actor().await?;
    Ok(ctx.domain.accounts.resend_phone_code(&actor, client_ip(ctx.proxy_hops)).await?)
}

/// Starts a change of phone number (the code goes to the new number).
#[server(prefix = "/sfn", endpoint = "change_phone")]
pub async fn change_phone(current_password: String, phone: String) -> Result<shared::identity::VerificationOut, AppError> {
    let ctx = ctx()?;
    let actor = actor().await?;
    let input = shared::identity::PhoneChangeIn { current_password, phone };
    let out = ctx.domain.accounts.request_phone_change(&actor, &input, client_ip(ctx.proxy_hops)).await?;
    leptos_axum::redirect("/verify");
    Ok(out)
}

/// Starts a change of email (the link goes to the new address).
#[server(prefix = "/sfn", endpoint = "change_email")]
pub async fn change_email(current_password: String, email: String) -> Result<shared::identity::VerificationOut, AppError> {
    let ctx = ctx()?;
    let actor = actor().await?;
    let input = shared::identity::EmailChangeIn { current_password, email };
    Ok(ctx.domain.accounts.request_email_change(&actor, &input, client_ip(ctx.proxy_hops)).await?)
}

/// Sends a new link to the email being verified.
#[server(prefix = "/sfn", endpoint = "resend_email_link")]
pub async fn resend_email_link() -> Result<shared::identity::VerificationOut, AppError> {
    let ctx = ctx()?;
    let actor = actor().await?;
    Ok(ctx.domain.accounts.resend_email_link(&actor, client_ip(ctx.proxy_hops)).await?)
}

/// Confirms an email address with the token of the link sent to it.
#[server(prefix = "/sfn", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    Ok(ctx()?.domain.accounts.verify_email(&shared::identity::LinkTokenIn { token }).await?)
}

/// "I forgot my password": the same answer whether the account exists.
#[server(prefix = "/sfn", endpoint = "forgot_password")]
pub async fn forgot_password(login: String) -> Result<(), AppError> {
    let ctx = ctx()?;
    Ok(ctx.domain.accounts.forgot_password(&shared::identity::ForgotIn { login }, client_ip(ctx.proxy_hops)).await?)
}

/// A new password with the SMS code; then signing in again.
#[server(prefix = "/sfn", endpoint = "reset_password")]
pub async fn reset_password(login: String, code: String, new_password: String) -> Result<(), AppError> {
    let ctx = ctx()?;
    let input = shared::identity::ResetByCodeIn { login, code, new_password };
    ctx.domain.accounts.reset_password_by_code(&input, client_ip(ctx.proxy_hops)).await?;
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}

/// A new password with the emailed link's token; then signing in again.
#[server(prefix = "/sfn", endpoint = "reset_password_link")]
pub async fn reset_password_link(token: String, new_password: String) -> Result<(), AppError> {
    let ctx = ctx()?;
    ctx.domain.accounts.reset_password_by_link(&shared::identity::ResetByLinkIn { token, new_password }).await?;
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}

/// Specialties and wilayas for the search form.
/// Also today's date in Algiers: the browser has no reliable clock in WASM,
/// and the server's date is the one bookings are checked against.
#[server(prefix = "/sfn", endpoint = "directory")]
pub async fn directory() -> Result<(Vec<shared::dto::SpecialtyOut>, Vec<shared::dto::WilayaOut>, chrono::NaiveDate), AppError> {
    let ctx = ctx()?;
    let specialties = ctx.domain.directory.specialties().await?;
    let wilayas = ctx.domain.directory.wilayas_with_facilities().await?;
    Ok((specialties, wilayas, ctx.domain.today()))
}

/// The facilities of a wilaya, for the search form.
#[server(prefix = "/sfn", endpoint = "facilities_in")]
pub async fn facilities_in(wilaya: String) -> Result<Vec<shared::dto::FacilityOut>, AppError> {
    Ok(ctx()?.domain.directory.facilities_in_wilaya(&wilaya).await?)
}

/// A search read as a directory (one page of practitioner–facility
/// groups); empty dates mean from tomorrow, four weeks; an empty facility
/// or practitioner means any; an empty sort, the soonest first.
#[server(prefix = "/sfn", endpoint = "search_groups")]
#[allow(clippy::too_many_arguments)]
pub async fn search_groups(
    specialty: String,
    wilaya: String,
    from: String,
    to: String,
    facility: String,
    practitioner: String,
    sort: String,
    cursor: String,
) -> Result<shared::dto::Page<shared::dto::SlotGroupOut>, AppError> {
    use chrono::{Duration, NaiveDate};
    let ctx = ctx()?;
    let today = ctx.domain.today();
    let parse = |s: &str, default: NaiveDate| {
        if s.trim().is_empty() {
            return Ok(default);
        }
        shared::dto::parse_day(s).ok_or_else(|| AppError::from(shared::ErrorCode::BadRequest))
    };
    let from = parse(&from, today + Duration::days(1))?;
    let to = parse(&to, from + Duration::days(27))?;
    let only = domain::booking::SlotFilter { facility_id: facility.parse().ok(), practitioner_id: practitioner.parse().ok(), ..Default::default() };
    let at = shared::dto::PageQuery { cursor: Some(cursor), limit: Some(GROUPS_PER_PAGE) }.validate().map_err(AppError::from)?;
    let search = domain::booking::search::GroupSearch {
        specialty,
        wilaya,
        from,
        to,
        only,
        sort: shared::SlotSort::parse(&sort).unwrap_or(shared::SlotSort::Earliest),
        lang: page_lang(),
    };
    Ok(ctx.domain.booking.search_groups(&search, at).await?)
}

/// A facility's public page: the facility and the specialties it offers.
#[server(prefix = "/sfn", endpoint = "facility_profile")]
pub async fn facility_profile(id: String) -> Result<(shared::dto::DirectoryFacilityOut, Vec<shared::dto::SpecialtyOut>), AppError> {
    let ctx = ctx()?;
    let id = id.parse::<uuid::Uuid>().map(shared::FacilityId).map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    let f = ctx.domain.directory.facility_profile(id).await?;
    let offered = ctx.domain.directory.specialties().await?.into_iter().filter(|s| f.specialties.contains(&s.code)).collect();
    Ok((f, offered))
}

/// A practitioner's public page: the profile, the specialty's names and
/// the open facilities where they practise.
#[server(prefix = "/sfn", endpoint = "practitioner_profile")]
#[allow(clippy::type_complexity)]
pub async fn practitioner_profile(
    id: String,
) -> Result<(shared::dto::PractitionerProfileOut, Option<shared::dto::SpecialtyOut>, Vec<shared::dto::DirectoryFacilityOut>), AppError> {
    let ctx = ctx()?;
    let id = id.parse::<uuid::Uuid>().map(shared::PractitionerId).map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    let (p, places) = ctx.domain.directory.practitioner_profile(id).await?;
    let specialty = ctx.domain.directory.specialties().await?.into_iter().find(|s| s.code == p.specialty);
    Ok((p, specialty, places))
}

/// Practitioner–facility groups per page of the web's search.
pub const GROUPS_PER_PAGE: u32 = 10;

/// Books a slot for the signed-in citizen (or a dependant), or moves the
/// appointment named by `reschedule` there; then shows their appointments.
#[server(prefix = "/sfn", endpoint = "book")]
pub async fn book_slot(slot_id: String, reschedule: Option<String>, dependant_id: Option<String>) -> Result<(), AppError> {
    let ctx = ctx()?;
    let actor = actor().await?;
    let input = shared::dto::BookIn { slot_id, dependant_id: dependant_id.unwrap_or_default(), ..Default::default() };
    let ip = client_ip(ctx.proxy_hops);
    match reschedule.filter(|r| !r.is_empty()) {
        Some(id) => {
            let id = id.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
            ctx.domain.booking.reschedule(&actor, id, &input, ip).await?;
        }
        None => {
            ctx.domain.booking.book(&actor, &input, ip).await?;
        }
    }
    leptos_axum::redirect("/appointments");
    Ok(())
}

/// The signed-in citizen's dependants, for "book for".
#[server(prefix = "/sfn", endpoint = "my_dependants")]
pub async fn my_dependants() -> Result<Vec<shared::dto::DependantOut>, AppError> {
    let Ok(actor) = actor().await else { return Ok(Vec::new()) };
    Ok(ctx()?.domain.people.my_dependants(&actor).await?)
}

/// Requests from people asking for the records the signed-in citizen
/// holds as dependants'.
#[server(prefix = "/sfn", endpoint = "my_claims")]
pub async fn my_claims() -> Result<Vec<shared::identity::ClaimOut>, AppError> {
    let Ok(actor) = actor().await else { return Ok(Vec::new()) };
    Ok(ctx()?.domain.people.my_claims(&actor).await?)
}

/// The guardian approves (`approve` = "yes") or declines a request.
#[server(prefix = "/sfn", endpoint = "decide_claim")]
pub async fn decide_claim(id: String, approve: String) -> Result<shared::identity::ClaimOut, AppError> {
    let actor = actor().await?;
    let id = id.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.people.guardian_decides(&actor, id, approve == "yes").await?)
}

/// Asks the adult whose NIN this is to let the signed-in citizen manage
/// their appointments and record (they approve in their own account).
#[server(prefix = "/sfn", endpoint = "request_consent")]
pub async fn request_consent(nin: String, relation: String) -> Result<(), AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.people.request_consent(&actor, &shared::identity::ConsentIn { nin, relation }).await?)
}

/// Requests to manage the signed-in citizen, and who manages them now.
#[server(prefix = "/sfn", endpoint = "my_consents")]
pub async fn my_consents() -> Result<shared::identity::ConsentsOut, AppError> {
    let Ok(actor) = actor().await else { return Ok(shared::identity::ConsentsOut { requests: Vec::new(), guardians: Vec::new() }) };
    Ok(ctx()?.domain.people.my_consents(&actor).await?)
}

/// The adult approves (`approve` = "yes") or declines a request to manage them.
#[server(prefix = "/sfn", endpoint = "decide_consent")]
pub async fn decide_consent(id: String, approve: String) -> Result<shared::identity::ConsentOut, AppError> {
    let actor = actor().await?;
    let id = id.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.people.decide_consent(&actor, id, approve == "yes").await?)
}

/// The adult withdraws their consent from the account that managed them.
#[server(prefix = "/sfn", endpoint = "withdraw_consent")]
pub async fn withdraw_consent(id: String) -> Result<(), AppError> {
    let actor = actor().await?;
    let id = id.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.people.withdraw_consent(&actor, id).await?)
}

/// Adds a dependant to the signed-in citizen's account.
#[server(prefix = "/sfn", endpoint = "add_dependant")]
pub async fn add_dependant(
    given_name: String,
    family_name: String,
    birth_date: String,
    sex: String,
    nin: String,
    relation: String,
) -> Result<shared::dto::DependantOut, AppError> {
    let actor = actor().await?;
    let input = shared::dto::DependantIn { given_name, family_name, birth_date, sex, nin, relation };
    Ok(ctx()?.domain.people.add_dependant(&actor, &input).await?)
}

/// Joins the waiting list, then shows it on the appointments page.
#[server(prefix = "/sfn", endpoint = "join_waitlist")]
pub async fn join_waitlist(specialty: String, wilaya: String, from: String, to: String, dependant_id: Option<String>) -> Result<(), AppError> {
    let actor = actor().await?;
    let input = shared::dto::WaitlistIn { specialty, wilaya, from, to, dependant_id: dependant_id.unwrap_or_default() };
    ctx()?.domain.waitlist.join_waitlist(&actor, &input).await?;
    leptos_axum::redirect("/appointments");
    Ok(())
}

/// The signed-in citizen's waiting-list entries and held offers.
#[server(prefix = "/sfn", endpoint = "my_waitlist")]
pub async fn my_waitlist() -> Result<Vec<shared::dto::WaitlistOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.waitlist.my_waitlist(&actor).await?)
}

/// Answers a held offer: `accept` books it, anything else declines it.
#[server(prefix = "/sfn", endpoint = "answer_offer")]
pub async fn answer_offer(id: String, answer: String) -> Result<(), AppError> {
    let ctx = ctx()?;
    let actor = actor().await?;
    let id = id.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    if answer == "accept" {
        ctx.domain.waitlist.accept_offer(&actor, id, client_ip(ctx.proxy_hops)).await?;
    } else {
        ctx.domain.waitlist.decline_offer(&actor, id).await?;
    }
    Ok(())
}

/// Leaves the waiting list.
#[server(prefix = "/sfn", endpoint = "leave_waitlist")]
pub async fn leave_waitlist(id: String) -> Result<(), AppError> {
    let actor = actor().await?;
    let id = id.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.waitlist.leave_waitlist(&actor, id).await?)
}

/// The signed-in citizen's appointments.
#[server(prefix = "/sfn", endpoint = "my_appointments")]
pub async fn my_appointments() -> Result<Vec<shared::dto::AppointmentOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.booking.my_appointments(&actor).await?)
}

/// Cancels one of the signed-in citizen's appointments.
#[server(prefix = "/sfn", endpoint = "cancel_appointment")]
pub async fn cancel_appointment(id: String, reason: Option<String>) -> Result<(), AppError> {
    let actor = actor().await?;
    let id = id.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    ctx()?.domain.booking.cancel_appointment(&actor, id, &shared::dto::CancelIn { reason: reason.unwrap_or_default() }).await?;
    Ok(())
}

/// Practitioners of the signed-in staff member's facility.
#[server(prefix = "/sfn", endpoint = "desk_practitioners")]
pub async fn desk_practitioners() -> Result<Vec<shared::dto::PractitionerOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.directory.facility_practitioners(&actor).await?)
}

/// Publishes a weekly template for the staff member's own facility.
#[server(prefix = "/sfn", endpoint = "publish_template")]
pub async fn publish_template(
    practitioner_id: String,
    weekday: u8,
    start: String,
    end: String,
    slot_minutes: u16,
    valid_from: String,
    valid_to: String,
) -> Result<shared::dto::TemplateOut, AppError> {
    let actor = actor().await?;
    let facility = actor.facility_id.ok_or_else(|| AppError::from(shared::ErrorCode::Forbidden))?;
    let input = shared::dto::TemplateIn { practitioner_id, weekday, start, end, slot_minutes, valid_from, valid_to };
    Ok(ctx()?.domain.schedule.publish_template(&actor, facility, &input).await?)
}

/// Closes a day, hours or a practitioner's day at the staff member's facility.
#[server(prefix = "/sfn", endpoint = "add_closure")]
pub async fn add_closure(
    date: String,
    practitioner_id: String,
    start: String,
    end: String,
    kind: String,
    note: Option<String>,
) -> Result<shared::dto::ScheduleChangeOut, AppError> {
    let actor = actor().await?;
    let facility = actor.facility_id.ok_or_else(|| AppError::from(shared::ErrorCode::Forbidden))?;
    let input = shared::dto::ClosureIn { practitioner_id, date, start, end, kind, note: note.unwrap_or_default() };
    Ok(ctx()?.domain.schedule.add_closure(&actor, facility, &input).await?)
}

/// The staff member's facility's day list.
#[server(prefix = "/sfn", endpoint = "day_list")]
pub async fn day_list(date: String) -> Result<Vec<shared::dto::DaySlotOut>, AppError> {
    let actor = actor().await?;
    let date = shared::dto::parse_day(&date).ok_or_else(|| AppError::from(shared::ErrorCode::BadRequest))?;
    Ok(ctx()?.domain.schedule.day_list(&actor, date, None).await?)
}

/// The desk cancels an appointment at its facility.
#[server(prefix = "/sfn", endpoint = "desk_cancel")]
pub async fn desk_cancel(id: String, reason: Option<String>) -> Result<(), AppError> {
    let actor = actor().await?;
    let id = id.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    ctx()?.domain.booking.desk_cancel(&actor, id, &shared::dto::CancelIn { reason: reason.unwrap_or_default() }).await?;
    Ok(())
}

/// The desk finds a citizen by NIN (sent in the body, never in a URL).
#[server(prefix = "/sfn", endpoint = "desk_lookup")]
pub async fn desk_lookup(nin: String, reason: String) -> Result<shared::dto::PersonOut, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.people.lookup_by_nin(&actor, &shared::dto::NinLookupIn { nin, reason }).await?)
}

/// The desk's referral worklist.
#[server(prefix = "/sfn", endpoint = "referral_worklist")]
pub async fn referral_worklist() -> Result<Vec<shared::dto::ReferralWorkOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.referrals.worklist(&actor).await?)
}

/// The desk opens a referral of its worklist to book it (logged as a look-up).
#[server(prefix = "/sfn", endpoint = "open_referral")]
pub async fn open_referral(id: String) -> Result<shared::dto::PersonOut, AppError> {
    let actor = actor().await?;
    let id = id.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.referrals.worklist_patient(&actor, id).await?)
}

/// The desk books one of its slots for a citizen or their dependant.
#[server(prefix = "/sfn", endpoint = "desk_book")]
pub async fn desk_book(patient_id: String, dependant_id: String, slot_id: String) -> Result<shared::dto::AppointmentOut, AppError> {
    let actor = actor().await?;
    let input = shared::dto::DeskBookIn { patient_id, dependant_id, slot_id, reason: String::new() };
    Ok(ctx()?.domain.booking.desk_book(&actor, &input).await?)
}

/// The desk marks a dependant verified.
#[server(prefix = "/sfn", endpoint = "verify_dependant")]
pub async fn verify_dependant(id: String) -> Result<shared::dto::DependantOut, AppError> {
    let actor = actor().await?;
    let id = id.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.people.verify_dependant(&actor, id).await?)
}

/// The desk hands a record over to the person who asked for it, after
/// seeing their identity card.
#[server(prefix = "/sfn", endpoint = "desk_approve_claim")]
pub async fn desk_approve_claim(id: String) -> Result<shared::identity::ClaimOut, AppError> {
    let actor = actor().await?;
    let id = id.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.people.desk_approves_claim(&actor, id).await?)
}

/// The signed-in citizen's referrals.
#[server(prefix = "/sfn", endpoint = "my_referrals")]
pub async fn my_referrals() -> Result<Vec<shared::dto::ReferralOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.referrals.my_referrals(&actor).await?)
}

/// The live templates of the staff member's facility.
#[server(prefix = "/sfn", endpoint = "desk_templates")]
pub async fn desk_templates() -> Result<Vec<shared::dto::TemplateRowOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.schedule.facility_templates(&actor).await?)
}

/// Ends a template of the staff member's facility after a date.
#[server(prefix = "/sfn", endpoint = "end_template")]
pub async fn end_template(id: String, valid_to: String) -> Result<shared::dto::ScheduleChangeOut, AppError> {
    let actor = actor().await?;
    let facility = actor.facility_id.ok_or_else(|| AppError::from(shared::ErrorCode::Forbidden))?;
    let id = id.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.schedule.end_template(&actor, facility, id, &shared::dto::TemplateEndIn { valid_to }).await?)
}

/// The public holidays of a year, and whether the viewer may add one.
#[server(prefix = "/sfn", endpoint = "holidays")]
pub async fn holidays(year: i32) -> Result<(Vec<shared::dto::HolidayOut>, bool), AppError> {
    let ctx = ctx()?;
    let admin = actor().await.is_ok_and(|a| a.role == shared::Role::HealthAdmin);
    Ok((ctx.domain.directory.holidays(year).await?, admin))
}

/// A health administrator adds a moving holiday.
#[server(prefix = "/sfn", endpoint = "add_holiday")]
pub async fn add_holiday(date: String, name_ar: String, name_fr: String, name_en: String) -> Result<shared::dto::ScheduleChangeOut, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.schedule.add_holiday(&actor, &shared::dto::HolidayIn { date, name_ar, name_fr, name_en }).await?)
}

/// The page's language on the server: the language cookie, else the
/// browser's Accept-Language, else French.
#[cfg(feature = "ssr")]
fn page_lang() -> shared::Lang {
    server_side::cookie(LANG_COOKIE)
        .and_then(|c| shared::Lang::parse(&c))
        .or_else(|| {
            use_context::<http::request::Parts>()
                .and_then(|p| p.headers.get(http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(shared::Lang::from_accept_language))
        })
        .unwrap_or_default()
}

/// The signed-in person's in-app messages, in the page's language.
#[server(prefix = "/sfn", endpoint = "inbox")]
pub async fn inbox() -> Result<shared::dto::InboxOut, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.notifications.inbox(&actor, page_lang()).await?)
}

/// How many in-app messages are unread (the header's badge).
#[server(prefix = "/sfn", endpoint = "unread_count")]
pub async fn unread_count() -> Result<u64, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.notifications.unread_count(&actor).await?)
}

/// Marks every in-app message read.
#[server(prefix = "/sfn", endpoint = "mark_all_read")]
pub async fn mark_all_read() -> Result<(), AppError> {
    let actor = actor().await?;
    ctx()?.domain.notifications.mark_read(&actor, None).await?;
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "notification_prefs")]
pub async fn notification_prefs() -> Result<shared::dto::NotificationPrefs, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.notifications.notification_prefs(&actor).await?)
}

/// Saves the channel choices (an unticked checkbox is absent from the form).
#[server(prefix = "/sfn", endpoint = "set_notification_prefs")]
pub async fn set_notification_prefs(email: Option<String>, sms: Option<String>) -> Result<(), AppError> {
    let actor = actor().await?;
    let prefs = shared::dto::NotificationPrefs { email: email.is_some(), sms: sms.is_some() };
    ctx()?.domain.notifications.set_notification_prefs(&actor, &prefs).await?;
    Ok(())
}

/// The appointment a signed link names (no sign-in).
#[server(prefix = "/sfn", endpoint = "link_appointment")]
pub async fn link_appointment(token: String) -> Result<shared::dto::LinkAppointmentOut, AppError> {
    Ok(ctx()?.domain.booking.appointment_by_link(&token).await?)
}

/// "I am coming", from a message's answer link (no sign-in).
#[server(prefix = "/sfn", endpoint = "confirm_by_link")]
pub async fn confirm_by_link(token: String) -> Result<(), AppError> {
    ctx()?.domain.booking.confirm_by_link(&token).await?;
    Ok(())
}

/// Cancels the appointment a cancel link names (no sign-in).
#[server(prefix = "/sfn", endpoint = "cancel_by_link")]
pub async fn cancel_by_link(token: String) -> Result<(), AppError> {
    ctx()?.domain.booking.cancel_by_link(&token).await?;
    Ok(())
}

/// The facility's undelivered messages (facility admins).
#[server(prefix = "/sfn", endpoint = "undelivered")]
pub async fn undelivered() -> Result<Vec<shared::dto::UndeliveredOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.notifications.undelivered(&actor).await?)
}

#[server(prefix = "/sfn", endpoint = "retry_undelivered")]
pub async fn retry_undelivered(id: String) -> Result<(), AppError> {
    let actor = actor().await?;
    let id = id.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.notifications.retry_undelivered(&actor, id).await?)
}

/// The signed-in citizen's medical record and their dependants' (each
/// read is logged in the patient's access log).
/// Narrowed by the filter form: kind, first and last day, facility,
/// person (empty means all).
#[server(prefix = "/sfn", endpoint = "my_record")]
pub async fn my_record(kind: String, from: String, to: String, facility: String, subject: String) -> Result<Vec<shared::dto::EntryOut>, AppError> {
    let actor = actor().await?;
    let filter = record_filter(kind, from, to, facility, subject)?;
    Ok(ctx()?.domain.record.my_record(&actor, &filter).await?)
}

#[cfg(feature = "ssr")]
fn record_filter(kind: String, from: String, to: String, facility: String, subject: String) -> Result<shared::dto::RecordFilter, AppError> {
    fn opt<T: std::str::FromStr>(s: &str) -> Result<Option<T>, AppError> {
        let s = s.trim();
        if s.is_empty() {
            Ok(None)
        } else {
            s.parse().map(Some).map_err(|_| AppError::from(shared::ErrorCode::BadRequest))
        }
    }
    Ok(shared::dto::RecordFilter { kind: opt(&kind)?, from: opt(&from)?, to: opt(&to)?, facility_id: opt(&facility)?, subject_id: opt(&subject)? })
}

#[cfg(feature = "ssr")]
fn id_arg<T: std::str::FromStr>(s: &str) -> Result<T, AppError> {
    s.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))
}

/// One entry (a prescription to print): for its patient or guardian, or a
/// practitioner in care; logged.
#[server(prefix = "/sfn", endpoint = "record_entry")]
pub async fn record_entry(id: String) -> Result<shared::dto::EntryOut, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.record.entry_for(&actor, id_arg(&id)?).await?)
}

/// The practitioner's patients today.
#[server(prefix = "/sfn", endpoint = "care_patients")]
pub async fn care_patients() -> Result<Vec<shared::dto::CarePatientOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.record.care_list(&actor).await?)
}

/// A practitioner opens a record by NIN, with a reason.
#[server(prefix = "/sfn", endpoint = "care_lookup")]
pub async fn care_lookup(nin: String, reason: String) -> Result<shared::dto::CarePatientOut, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.record.open_by_nin(&actor, &shared::dto::CareLookupIn { nin, reason }).await?)
}

/// A patient's record, for a practitioner in care.
#[server(prefix = "/sfn", endpoint = "patient_record")]
pub async fn patient_record(subject: String) -> Result<Vec<shared::dto::EntryOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.record.patient_record(&actor, id_arg(&subject)?, &Default::default()).await?)
}

/// A practitioner writes an entry (JSON: prescriptions and results have lists).
#[server(prefix = "/sfn", endpoint = "write_entry", input = leptos::server_fn::codec::Json)]
pub async fn write_entry(subject: String, entry: shared::dto::EntryIn) -> Result<shared::dto::EntryOut, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.record.write_entry(&actor, id_arg(&subject)?, &entry).await?)
}

/// Marks an entry of the practitioner's facility entered-in-error.
#[server(prefix = "/sfn", endpoint = "mark_entered_in_error")]
pub async fn mark_entered_in_error(id: String, reason: String) -> Result<(), AppError> {
    let actor = actor().await?;
    ctx()?.domain.record.mark_entered_in_error(&actor, id_arg(&id)?, &shared::dto::EnteredInErrorIn { reason }).await?;
    Ok(())
}

/// A practitioner refers the patient in their care to a specialty.
#[server(prefix = "/sfn", endpoint = "care_refer")]
pub async fn care_refer(
    subject: String,
    specialty: String,
    priority: String,
    reason: String,
    expires_on: String,
) -> Result<shared::dto::ReferralOut, AppError> {
    let actor = actor().await?;
    let input = shared::dto::CareReferralIn { specialty, priority, reason, expires_on };
    Ok(ctx()?.domain.referrals.refer_in_care(&actor, id_arg(&subject)?, &input).await?)
}

/// ICD-10 codes for the diagnosis picker, labels in the page's language.
#[server(prefix = "/sfn", endpoint = "icd10")]
pub async fn icd10_search(q: String) -> Result<Vec<shared::dto::Icd10Out>, AppError> {
    Ok(domain::record::icd10::search(&q, page_lang()))
}

/// Who read or wrote the citizen's record.
#[server(prefix = "/sfn", endpoint = "my_record_accesses")]
pub async fn my_record_accesses(before: Option<String>) -> Result<shared::dto::AccessPage, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.audit.my_record_accesses(&actor, before.as_deref(), 50).await?)
}

/// The desk marks a booked patient arrived (today, at its facility): a ticket.
#[server(prefix = "/sfn", endpoint = "floor_arrive")]
pub async fn floor_arrive(appointment_id: String, priority: String) -> Result<shared::dto::VisitOut, AppError> {
    let actor = actor().await?;
    let id = appointment_id.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.floor.arrive(&actor, id, &shared::dto::ArrivalIn { priority }).await?)
}

/// The desk receives a patient without an appointment (found by NIN, or
/// registered from the identity card) into today's queue of a service.
#[server(prefix = "/sfn", endpoint = "floor_walk_in")]
#[allow(clippy::too_many_arguments)]
pub async fn floor_walk_in(
    nin: String,
    specialty: String,
    practitioner_id: String,
    priority: String,
    given_name: String,
    family_name: String,
    birth_date: String,
    sex: String,
    phone: String,
) -> Result<shared::dto::VisitOut, AppError> {
    let actor = actor().await?;
    let input = shared::dto::WalkInIn { nin, specialty, practitioner_id, priority, given_name, family_name, birth_date, sex, phone };
    Ok(ctx()?.domain.floor.walk_in(&actor, &input).await?)
}

/// Where the citizen (and their dependants) stand today, with or without an appointment.
#[server(prefix = "/sfn", endpoint = "my_places")]
pub async fn my_places() -> Result<Vec<shared::dto::PositionOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.floor.my_places(&actor).await?)
}

/// The no-show rule and where the citizen and their dependants stand.
#[server(prefix = "/sfn", endpoint = "my_no_shows")]
pub async fn my_no_shows() -> Result<shared::dto::NoShowsOut, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.floor.my_no_shows(&actor).await?)
}

/// The desk's review of a day: booked patients who never arrived.
#[server(prefix = "/sfn", endpoint = "floor_review")]
pub async fn floor_review(date: String) -> Result<Vec<shared::dto::ReviewOut>, AppError> {
    let actor = actor().await?;
    let date = if date.trim().is_empty() { ctx()?.domain.today() } else { date.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::BadRequest))? };
    Ok(ctx()?.domain.floor.review(&actor, date).await?)
}

/// The desk decides one appointment: a missed one of its review (no-show
/// or late cancellation) or a booking waiting for it (confirm or decline).
#[server(prefix = "/sfn", endpoint = "floor_decide")]
pub async fn floor_decide(id: String, decision: shared::DeskDecision) -> Result<(), AppError> {
    use shared::DeskDecision;
    let actor = actor().await?;
    let id = id.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    let floor = &ctx()?.domain.floor;
    match decision {
        DeskDecision::NoShow => floor.mark_no_show(&actor, id).await?,
        DeskDecision::LateCancellation => floor.mark_late_cancellation(&actor, id).await?,
        DeskDecision::Confirm => drop(floor.confirm_pending(&actor, id, true).await?),
        DeskDecision::Decline => drop(floor.confirm_pending(&actor, id, false).await?),
    }
    Ok(())
}

/// The desk scans an appointment's QR code (or types its code): the patient arrives.
#[server(prefix = "/sfn", endpoint = "floor_scan")]
pub async fn floor_scan(code: String, priority: String) -> Result<shared::dto::VisitOut, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.floor.scan(&actor, &shared::dto::ScanIn { code, priority }).await?)
}

/// The citizen's pass for one of their appointments: QR code and what to bring.
#[server(prefix = "/sfn", endpoint = "appointment_pass")]
pub async fn appointment_pass(id: String) -> Result<shared::dto::AppointmentPassOut, AppError> {
    let actor = actor().await?;
    let id = id.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.floor.pass(&actor, id).await?)
}

/// The pre-visit rules the signed-in administrator sets.
#[server(prefix = "/sfn", endpoint = "instruction_rules")]
pub async fn instruction_rules() -> Result<Vec<shared::dto::InstructionRuleOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.floor.instruction_rules(&actor).await?)
}

/// Sets one pre-visit rule (checkboxes arrive only when ticked).
#[server(prefix = "/sfn", endpoint = "set_instructions")]
pub async fn set_instructions(
    specialty: String,
    previous_results: Option<String>,
    fasting: Option<String>,
    note_ar: String,
    note_fr: String,
    note_en: String,
) -> Result<(), AppError> {
    let actor = actor().await?;
    let input = shared::dto::InstructionsIn { specialty, previous_results: previous_results.is_some(), fasting: fasting.is_some(), note_ar, note_fr, note_en };
    Ok(ctx()?.domain.floor.set_instructions(&actor, &input).await?)
}

/// Bookings of the desk's facility waiting for its confirmation.
#[server(prefix = "/sfn", endpoint = "floor_pending")]
pub async fn floor_pending() -> Result<Vec<shared::dto::AppointmentOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.floor.pending(&actor).await?)
}

/// The facility's waiting-room screens (facility admins).
#[server(prefix = "/sfn", endpoint = "displays")]
pub async fn displays() -> Result<Vec<shared::dto::DisplayOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.floor.displays(&actor).await?)
}

/// Adds a waiting-room screen; its address is in the answer, once.
#[server(prefix = "/sfn", endpoint = "add_display")]
pub async fn add_display(label: String) -> Result<shared::dto::DisplayCreatedOut, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.floor.add_display(&actor, &shared::dto::DisplayIn { label }).await?)
}

/// Turns a waiting-room screen off for good.
#[server(prefix = "/sfn", endpoint = "revoke_display")]
pub async fn revoke_display(id: String) -> Result<(), AppError> {
    let actor = actor().await?;
    let id = id.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    ctx()?.domain.floor.revoke_display(&actor, id).await?;
    Ok(())
}

/// The citizen checks in with a waiting-room screen's code.
#[server(prefix = "/sfn", endpoint = "self_check_in")]
pub async fn self_check_in(code: String) -> Result<Vec<shared::dto::VisitOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.floor.self_check_in(&actor, &code).await?)
}

/// Today's queues as the signed-in staff member works them.
#[server(prefix = "/sfn", endpoint = "floor_queue")]
pub async fn floor_queue() -> Result<shared::dto::QueueOut, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.floor.queue(&actor).await?)
}

/// The practitioner calls the next patient to a room.
#[server(prefix = "/sfn", endpoint = "floor_call")]
pub async fn floor_call(room: String) -> Result<shared::dto::VisitOut, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.floor.call_next(&actor, &shared::dto::CallIn { room }).await?)
}

/// The practitioner moves a called patient along: `in_consultation`, `done` or `absent`.
#[server(prefix = "/sfn", endpoint = "floor_advance")]
pub async fn floor_advance(id: String, to: String) -> Result<shared::dto::VisitOut, AppError> {
    let actor = actor().await?;
    let id = id.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    let to = shared::VisitStatus::parse(to.trim()).ok_or_else(|| AppError::from(shared::ErrorCode::BadRequest))?;
    Ok(ctx()?.domain.floor.advance(&actor, id, to).await?)
}

/// Where the citizen stands today for one of their appointments.
#[server(prefix = "/sfn", endpoint = "my_place")]
pub async fn my_place(appointment_id: String) -> Result<shared::dto::PositionOut, AppError> {
    let actor = actor().await?;
    let id = appointment_id.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    Ok(ctx()?.domain.floor.my_position(&actor, id).await?)
}

/// The facilities of the signed-in health administrator's wilaya.
#[server(prefix = "/sfn", endpoint = "network_facilities")]
pub async fn network_facilities() -> Result<Vec<shared::dto::FacilityAdminOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.network.facilities(&actor).await?)
}

/// The communes of the signed-in health administrator's wilaya.
#[server(prefix = "/sfn", endpoint = "network_communes")]
pub async fn network_communes() -> Result<Vec<shared::dto::CommuneOut>, AppError> {
    let actor = actor().await?;
    Ok(ctx()?.domain.network.communes(&actor).await?)
}

/// Opens a facility (`id` empty) or changes one. Checkboxes arrive only
/// when ticked, as indexed lists (`days[0]=7`, `specialties[3]=cardiology`).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/sfn", endpoint = "save_facility")]
pub async fn save_facility(
    id: String,
    kind: String,
    name_ar: String,
    name_fr: String,
    commune_id: String,
    address: String,
    phone: String,
    opens_at: String,
    closes_at: String,
    days: Option<Vec<u8>>,
    specialties: Option<Vec<String>>,
    latitude: String,
    longitude: String,
) -> Result<shared::dto::FacilityAdminOut, AppError> {
    let actor = actor().await?;
    // Empty is none; anything else must read as a number (a decimal comma is fine).
    let coordinate = |v: &str| match v.trim() {
        "" => Ok(None),
        t => t.replace(',', ".").parse::<f64>().map(Some),
    };
    let (position, unreadable) = match (coordinate(&latitude), coordinate(&longitude)) {
        (Ok(lat), Ok(lon)) => ((lat, lon), false),
        _ => ((None, None), true),
    };
    let input = shared::dto::FacilityIn {
        kind,
        name_ar,
        name_fr,
        commune_id,
        address,
        phone,
        opens_at,
        closes_at,
        open_days: days.unwrap_or_default(),
        latitude: position.0,
        longitude: position.1,
        specialties: specialties.unwrap_or_default(),
    };
    if unreadable {
        // Every other field's error too, as the form shows them all at once.
        let mut errors = input.validate().err().unwrap_or_default();
        errors.push(shared::FieldError::new("latitude", shared::ErrorCode::BadRequest));
        return Err(domain::Error::fields(errors).into());
    }
    let network = &ctx()?.domain.network;
    Ok(match id.trim() {
        "" => network.create_facility(&actor, &input).await?,
        id => network.update_facility(&actor, id.parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?, &input).await?,
    })
}

/// Closes a facility or opens it again.
#[server(prefix = "/sfn", endpoint = "facility_active")]
pub async fn facility_active(id: String, active: bool) -> Result<(), AppError> {
    let actor = actor().await?;
    let id = id.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    ctx()?.domain.network.set_active(&actor, id, active).await?;
    Ok(())
}

/// The practitioners who work in the signed-in directorate's wilaya (the
/// first 200, by name), each with every facility where they work.
#[server(prefix = "/sfn", endpoint = "network_practitioners")]
pub async fn network_practitioners() -> Result<Vec<shared::dto::PractitionerPostsOut>, AppError> {
    let actor = actor().await?;
    let at = shared::dto::PageQuery { cursor: None, limit: Some(200) }.validate().map_err(AppError::from)?;
    Ok(ctx()?.domain.network.practitioner_posts(&actor, at).await?.items)
}

/// Posts a practitioner to a facility of the wilaya, or (`end`) ends that
/// post; an ended post answers what it closed.
#[server(prefix = "/sfn", endpoint = "practitioner_post")]
pub async fn practitioner_post(practitioner: String, facility_id: String, end: bool) -> Result<Option<shared::dto::PostEndOut>, AppError> {
    let actor = actor().await?;
    let network = &ctx()?.domain.network;
    let id = practitioner.trim().parse().map_err(|_| AppError::from(shared::ErrorCode::NotFound))?;
    let facility = facility_id.trim().parse().map_err(|_| AppError::from(domain::Error::on_field("facility_id", shared::ErrorCode::Required)))?;
    if end {
        Ok(Some(network.end_post(&actor, id, facility).await?))
    } else {
        network.post_practitioner(&actor, id, &shared::dto::PostIn { facility_id: facility }).await?;
        Ok(None)
    }
}

/// The latest administrative acts of the signed-in health administrator's wilaya.
#[server(prefix = "/sfn", endpoint = "network_audit")]
pub async fn network_audit() -> Result<Vec<shared::dto::AuditOut>, AppError> {
    let actor = actor().await?;
    let at = shared::dto::PageQuery::default().validate().map_err(AppError::from)?;
    Ok(ctx()?.domain.network.audit_log(&actor, at).await?.items)
}
