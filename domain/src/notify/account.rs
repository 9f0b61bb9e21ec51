//! Messages about the account itself: verification codes and links, the
//! password-reset code and link, and the notice to a phone or address
//! that was replaced. They travel through the same outbox as appointment
//! messages (so a gateway outage delays a code, never loses it) but on one
//! channel each, to the destination the verification names — not the
//! account's current one — whatever the channel preferences say, since
//! they are what makes a channel usable in the first place.

use super::{outbox_row, EmailOut, Prepared, SmsOut};
use crate::entities::{claim, consent_request, facility, outbox, staff_invitation, user, verification};
use crate::identity::{code_for, link_token};
use crate::{Core, Result};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use shared::identity::{mask_email, mask_phone};
use shared::{Lang, MessageChannel, MessageKind, UserId};
use uuid::Uuid;

/// What an account message is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    /// A code to verify a phone (at registration or a new number).
    PhoneCode,
    /// A link to verify an email address.
    EmailLink,
    /// A code to reset a forgotten password.
    ResetCode,
    /// A link to reset a forgotten password.
    ResetLink,
    /// To the phone or address that was replaced: it no longer is the account's.
    ContactChanged,
    /// To a staff member: an administrator removed their authenticator.
    SecondFactorReset,
    /// To a guardian: someone asks for the record they hold as a dependant's.
    ClaimWaiting,
    /// To the person whose claim was approved: their account is ready.
    ClaimApproved,
    /// To the guardian: that person's record and appointments are theirs now.
    GuardianAccessEnded,
    /// To an adult: an account holder asks to manage their appointments and record.
    ConsentWaiting,
    /// To someone invited to join a facility's staff: the link to make their account.
    StaffInvitation,
}

impl AccountKind {
    pub const ALL: [AccountKind; 11] = [
        AccountKind::PhoneCode,
        AccountKind::EmailLink,
        AccountKind::ResetCode,
        AccountKind::ResetLink,
        AccountKind::ContactChanged,
        AccountKind::SecondFactorReset,
        AccountKind::ClaimWaiting,
        AccountKind::ClaimApproved,
        AccountKind::GuardianAccessEnded,
        AccountKind::ConsentWaiting,
        AccountKind::StaffInvitation,
    ];

    /// The stored kind (`shared::MessageKind`) of this message.
    pub fn message_kind(self) -> MessageKind {
        match self {
            AccountKind::PhoneCode => MessageKind::PhoneCode,
            AccountKind::EmailLink => MessageKind::EmailLink,
            AccountKind::ResetCode => MessageKind::ResetCode,
            AccountKind::ResetLink => MessageKind::ResetLink,
            AccountKind::ContactChanged => MessageKind::ContactChanged,
            AccountKind::SecondFactorReset => MessageKind::SecondFactorReset,
            AccountKind::ClaimWaiting => MessageKind::ClaimWaiting,
            AccountKind::ClaimApproved => MessageKind::ClaimApproved,
            AccountKind::GuardianAccessEnded => MessageKind::GuardianAccessEnded,
            AccountKind::ConsentWaiting => MessageKind::ConsentWaiting,
            AccountKind::StaffInvitation => MessageKind::StaffInvitation,
        }
    }

    /// The account message a stored kind is, if it is one.
    pub fn of(k: MessageKind) -> Option<AccountKind> {
        AccountKind::ALL.into_iter().find(|x| x.message_kind() == k)
    }

    pub fn code(self) -> &'static str {
        self.message_kind().code()
    }
}

/// Queues one account message on `channel`, about verification `about`
/// (or, for `SecondFactorReset`, the admin audit row; for a claim's
/// messages, the claim).
pub(crate) async fn queue<C: ConnectionTrait>(
    db: &C,
    kind: AccountKind,
    channel: MessageChannel,
    account: UserId,
    about: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut row = outbox_row(format!("account:{about}:{}", kind.code()), kind.message_kind(), channel, account, now, now);
    row.subject_id = sea_orm::Set(Some(about));
    match outbox::Entity::insert(row).exec(db).await {
        Ok(_) | Err(DbErr::RecordNotInserted) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Queues a staff invitation's message on `channel`. The row is the
/// inviting administrator's (the invitee has no account yet) and names the
/// facility, whose administrators see it if it cannot be delivered; the
/// destination is the invitation's own.
pub(crate) async fn queue_invitation<C: ConnectionTrait>(
    db: &C,
    channel: MessageChannel,
    inviter: UserId,
    invitation: Uuid,
    facility: shared::FacilityId,
    now: DateTime<Utc>,
) -> Result<()> {
    let kind = AccountKind::StaffInvitation;
    let mut row = outbox_row(format!("account:{invitation}:{}:{}", kind.code(), channel.code()), kind.message_kind(), channel, inviter, now, now);
    row.subject_id = sea_orm::Set(Some(invitation));
    row.facility_id = sea_orm::Set(Some(facility));
    match outbox::Entity::insert(row).exec(db).await {
        Ok(_) | Err(DbErr::RecordNotInserted) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// What the message says, with the code or the link filled in.
pub struct Texts {
    pub subject: String,
    pub body: String,
    pub sms: String,
}

fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |s, (k, v)| s.replace(&format!("{{{k}}}"), v))
}

/// The three languages' words; `{code}`, `{link}`, `{minutes}`, `{new}`.
pub fn render(kind: AccountKind, lang: Lang, values: &[(&str, &str)]) -> Texts {
    let (subject, body, sms): (&str, &str, &str) = match (kind, lang) {
        (AccountKind::PhoneCode, Lang::Fr) => ("", "", "Sihati : votre code de vérification est {code}. Il est valable {minutes} minutes. Ne le communiquez à personne."),
        (AccountKind::PhoneCode, Lang::En) => ("", "", "Sihati: your verification code is {code}. It works for {minutes} minutes. Do not share it with anyone."),
        (AccountKind::PhoneCode, Lang::Ar) => ("", "", "صحتي: رمز التحقق الخاص بك هو {code}. صالح لمدة {minutes} دقائق. لا تشاركه مع أي شخص."),
        (AccountKind::ResetCode, Lang::Fr) => ("", "", "Sihati : code pour choisir un nouveau mot de passe : {code} (valable {minutes} minutes). Si vous n'avez rien demandé, ignorez ce message."),
        (AccountKind::ResetCode, Lang::En) => ("", "", "Sihati: code to choose a new password: {code} (works for {minutes} minutes). If you did not ask, ignore this message."),
        (AccountKind::ResetCode, Lang::Ar) => ("", "", "صحتي: رمز اختيار كلمة مرور جديدة: {code} (صالح لمدة {minutes} دقائق). إذا لم تطلب ذلك، تجاهل هذه الرسالة."),
        (AccountKind::EmailLink, Lang::Fr) => (
            "Confirmez votre adresse e-mail",
            "Bonjour,\n\nPour recevoir les messages de Sihati à cette adresse, confirmez-la en ouvrant ce lien (valable {minutes} minutes) :\n{link}\n\nSi vous n'avez pas créé de compte Sihati, ignorez ce message.",
            "",
        ),
        (AccountKind::EmailLink, Lang::En) => (
            "Confirm your email address",
            "Hello,\n\nTo receive Sihati's messages at this address, confirm it by opening this link (it works for {minutes} minutes):\n{link}\n\nIf you did not create a Sihati account, ignore this message.",
            "",
        ),
        (AccountKind::EmailLink, Lang::Ar) => (
            "أكّد عنوان بريدك الإلكتروني",
            "مرحبًا،\n\nلتلقي رسائل صحتي على هذا العنوان، أكّده بفتح هذا الرابط (صالح لمدة {minutes} دقائق):\n{link}\n\nإذا لم تنشئ حسابًا في صحتي، تجاهل هذه الرسالة.",
            "",
        ),
        (AccountKind::ResetLink, Lang::Fr) => (
            "Choisir un nouveau mot de passe",
            "Bonjour,\n\nPour choisir un nouveau mot de passe Sihati, ouvrez ce lien (valable {minutes} minutes) :\n{link}\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.",
            "",
        ),
        (AccountKind::ResetLink, Lang::En) => (
            "Choose a new password",
            "Hello,\n\nTo choose a new Sihati password, open this link (it works for {minutes} minutes):\n{link}\n\nIf you did not ask, ignore this message: your password stays as it is.",
            "",
        ),
        (AccountKind::ResetLink, Lang::Ar) => (
            "اختيار كلمة مرور جديدة",
            "مرحبًا،\n\nلاختيار كلمة مرور جديدة في صحتي، افتح هذا الرابط (صالح لمدة {minutes} دقائق):\n{link}\n\nإذا لم تطلب ذلك، تجاهل هذه الرسالة: كلمة مرورك لا تتغير.",
            "",
        ),
        (AccountKind::ContactChanged, Lang::Fr) => (
            "Votre adresse Sihati a changé",
            "Bonjour,\n\nLe compte Sihati qui utilisait cette adresse utilise désormais {new}. Si ce n'est pas vous, présentez-vous à votre polyclinique avec votre carte d'identité.",
            "Sihati : votre compte utilise désormais le numéro {new}. Si ce n'est pas vous, présentez-vous à votre polyclinique avec votre carte d'identité.",
        ),
        (AccountKind::ContactChanged, Lang::En) => (
            "Your Sihati address changed",
            "Hello,\n\nThe Sihati account that used this address now uses {new}. If this was not you, go to your polyclinic with your identity card.",
            "Sihati: your account now uses the number {new}. If this was not you, go to your polyclinic with your identity card.",
        ),
        (AccountKind::ContactChanged, Lang::Ar) => (
            "تغيّر عنوان حسابك في صحتي",
            "مرحبًا،\n\nحساب صحتي الذي كان يستخدم هذا العنوان يستخدم الآن {new}. إذا لم تكن أنت، توجّه إلى عيادتك المتعددة الخدمات ومعك بطاقة التعريف.",
            "صحتي: حسابك يستخدم الآن الرقم {new}. إذا لم تكن أنت، توجّه إلى عيادتك المتعددة الخدمات ومعك بطاقة التعريف.",
        ),
        (AccountKind::SecondFactorReset, Lang::Fr) => (
            "",
            "",
            "Sihati : un administrateur a retiré votre application d'authentification. Vous en ajouterez une nouvelle à votre prochaine connexion. Si vous n'avez rien demandé, prévenez-le.",
        ),
        (AccountKind::SecondFactorReset, Lang::En) => (
            "",
            "",
            "Sihati: an administrator removed your authenticator app. At your next sign-in you will set up a new one. If you did not ask for this, tell your administrator.",
        ),
        (AccountKind::SecondFactorReset, Lang::Ar) => (
            "",
            "",
            "صحتي: أزال أحد المسؤولين تطبيق المصادقة الخاص بك. عند تسجيل دخولك القادم ستضيف تطبيقًا جديدًا. إذا لم تطلب ذلك، أبلغ المسؤول.",
        ),
        (AccountKind::ClaimWaiting, Lang::Fr) => ("", "", "Sihati : {name} demande à gérer son propre dossier, que votre compte tient comme celui d'un proche. Acceptez ou refusez dans Sihati, rubrique Ma famille."),
        (AccountKind::ClaimWaiting, Lang::En) => ("", "", "Sihati: {name} asks to manage their own record, which your account holds as a relative's. Approve or decline in Sihati, under My family."),
        (AccountKind::ClaimWaiting, Lang::Ar) => ("", "", "صحتي: يطلب {name} إدارة ملفه بنفسه، وهو ملف يحتفظ به حسابك كملف أحد أقاربك. وافق أو ارفض في صحتي، قسم عائلتي."),
        (AccountKind::ClaimApproved, Lang::Fr) => ("", "", "Sihati : votre compte est prêt et votre dossier est désormais le vôtre. Connectez-vous avec ce numéro et le mot de passe choisi, puis saisissez le code reçu."),
        (AccountKind::ClaimApproved, Lang::En) => ("", "", "Sihati: your account is ready and your record is now yours. Sign in with this number and the password you chose, then enter the code you received."),
        (AccountKind::ClaimApproved, Lang::Ar) => ("", "", "صحتي: حسابك جاهز وأصبح ملفك الطبي ملكك. سجّل الدخول بهذا الرقم وكلمة المرور التي اخترتها، ثم أدخل الرمز الذي وصلك."),
        (AccountKind::ConsentWaiting, Lang::Fr) => ("", "", "Sihati : {name} demande à gérer vos rendez-vous et à consulter votre dossier. Acceptez ou refusez dans Sihati, rubrique Ma famille ; sans votre accord, rien ne change."),
        (AccountKind::ConsentWaiting, Lang::En) => ("", "", "Sihati: {name} asks to manage your appointments and read your record. Approve or decline in Sihati, under My family; without your approval nothing changes."),
        (AccountKind::ConsentWaiting, Lang::Ar) => ("", "", "صحتي: يطلب {name} إدارة مواعيدك والاطلاع على ملفك. وافق أو ارفض في صحتي، قسم عائلتي؛ دون موافقتك لا يتغير شيء."),
        (AccountKind::GuardianAccessEnded, Lang::Fr) => ("", "", "Sihati : {name} a désormais son propre compte. Son dossier et ses rendez-vous ne sont plus accessibles depuis le vôtre."),
        (AccountKind::GuardianAccessEnded, Lang::En) => ("", "", "Sihati: {name} now has their own account. Their record and appointments are no longer reachable from yours."),
        (AccountKind::GuardianAccessEnded, Lang::Ar) => ("", "", "صحتي: أصبح لـ{name} حسابه الخاص. لم يعد ملفه ومواعيده متاحين من حسابك."),
        (AccountKind::StaffInvitation, Lang::Fr) => (
            "Invitation à rejoindre {facility} sur Sihati",
            "Bonjour {name},\n\n{facility} vous invite à rejoindre son équipe sur Sihati ({role}). Pour créer votre compte et choisir votre mot de passe, ouvrez ce lien avant le {until} :\n{link}\n\nSi vous ne vous attendiez pas à cette invitation, ignorez ce message.",
            "Sihati : on vous invite à rejoindre une équipe ({role}). Créez votre compte avant le {until} : {link}",
        ),
        (AccountKind::StaffInvitation, Lang::En) => (
            "Invitation to join {facility} on Sihati",
            "Hello {name},\n\n{facility} invites you to join its team on Sihati ({role}). To make your account and choose your password, open this link before {until}:\n{link}\n\nIf you did not expect this invitation, ignore this message.",
            "Sihati: you are invited to join a team ({role}). Make your account before {until}: {link}",
        ),
        (AccountKind::StaffInvitation, Lang::Ar) => (
            "دعوة للانضمام إلى {facility} في صحتي",
            "مرحبًا {name}،\n\nتدعوك {facility} للانضمام إلى فريقها في صحتي ({role}). لإنشاء حسابك واختيار كلمة مرورك، افتح هذا الرابط قبل {until}:\n{link}\n\nإذا لم تكن تنتظر هذه الدعوة، تجاهل هذه الرسالة.",
            "صحتي: أنت مدعو للانضمام إلى فريق ({role}). أنشئ حسابك قبل {until}: {link}",
        ),
    };
    let signature = match lang {
        Lang::Fr => "— Sihati, le portail de santé des polycliniques publiques",
        Lang::En => "— Sihati, the health portal of the public polyclinics",
        Lang::Ar => "— صحتي، بوابة الصحة للعيادات العمومية",
    };
    Texts {
        subject: fill(subject, values),
        body: if body.is_empty() { String::new() } else { format!("{}\n\n{signature}\n", fill(body, values)) },
        sms: fill(sms, values),
    }
}

/// A staff role in words, for the invitation.
fn role_words(role: shared::Role, lang: Lang) -> &'static str {
    use shared::Role::*;
    match (role, lang) {
        (Receptionist, Lang::Fr) => "accueil",
        (Receptionist, Lang::En) => "reception desk",
        (Receptionist, Lang::Ar) => "الاستقبال",
        (Practitioner, Lang::Fr) => "praticien",
        (Practitioner, Lang::En) => "practitioner",
        (Practitioner, Lang::Ar) => "طبيب ممارس",
        (_, Lang::Fr) => "administration",
        (_, Lang::En) => "administration",
        (_, Lang::Ar) => "الإدارة",
    }
}

impl Core {
    /// A staff invitation's message, to the phone or address the invitation
    /// names; none once it was accepted, withdrawn or has expired.
    async fn prepare_invitation(&self, r: &outbox::Model) -> Result<Prepared> {
        let db = self.db();
        let Some(i) = staff_invitation::Entity::find_by_id(r.subject_id.unwrap_or_default()).one(db).await? else { return Ok(Prepared::Skip("gone")) };
        if i.accepted_at.is_some() || i.revoked_at.is_some() || i.expires_at <= self.clock().now() {
            return Ok(Prepared::Skip("expired"));
        }
        let Some(f) = facility::Entity::find_by_id(i.facility_id).one(db).await? else { return Ok(Prepared::Skip("gone")) };
        let lang = Lang::parse(&i.lang).unwrap_or(Lang::Fr);
        let token = super::links::sign_invitation(&self.config().link_secret, i.id, i.expires_at);
        let link = format!("{}/invite/{token}", self.config().notify.public_url.trim_end_matches('/'));
        let until = shared::time::algiers_date(i.expires_at).format("%d/%m/%Y").to_string();
        let facility_name = if lang == Lang::Ar { f.name_ar.clone() } else { f.name_fr.clone() };
        let name = crate::booking::full_name(&i.given_name, &i.family_name);
        let t = render(
            AccountKind::StaffInvitation,
            lang,
            &[("name", &name), ("facility", &facility_name), ("role", role_words(i.role, lang)), ("until", &until), ("link", &link)],
        );
        Ok(match (r.channel, i.phone, i.email) {
            (MessageChannel::Sms, Some(to), _) => Prepared::Sms(SmsOut { outbox_id: r.id, to, text: t.sms }),
            (MessageChannel::Email, _, Some(to)) => {
                Prepared::Email(EmailOut { outbox_id: r.id, to, to_name: name, lang, subject: t.subject, text: t.body, calendar: None })
            }
            _ => Prepared::Skip("no_address"),
        })
    }

    /// Renders an account message for its one channel, or says why not.
    pub(super) async fn prepare_account(&self, kind: AccountKind, r: &outbox::Model) -> Result<Prepared> {
        let db = self.db();
        if kind == AccountKind::SecondFactorReset {
            // About the account itself: to its phone as it is now.
            let Some(u) = user::Entity::find_by_id(r.account_id).one(db).await? else { return Ok(Prepared::Skip("no_account")) };
            let Some(to) = u.phone.clone() else { return Ok(Prepared::Skip("no_address")) };
            let t = render(kind, Lang::parse(&u.lang).unwrap_or(Lang::Fr), &[]);
            return Ok(Prepared::Sms(SmsOut { outbox_id: r.id, to, text: t.sms }));
        }
        if kind == AccountKind::ConsentWaiting {
            let Some(c) = consent_request::Entity::find_by_id(r.subject_id.unwrap_or_default()).one(db).await? else { return Ok(Prepared::Skip("gone")) };
            let Some(requester) = user::Entity::find_by_id(c.holder_id).one(db).await? else { return Ok(Prepared::Skip("gone")) };
            let Some(u) = user::Entity::find_by_id(r.account_id).one(db).await? else { return Ok(Prepared::Skip("no_account")) };
            let Some(to) = u.phone.clone() else { return Ok(Prepared::Skip("no_address")) };
            let name = crate::booking::full_name(&requester.given_name, &requester.family_name);
            let t = render(kind, Lang::parse(&u.lang).unwrap_or(Lang::Fr), &[("name", &name)]);
            return Ok(Prepared::Sms(SmsOut { outbox_id: r.id, to, text: t.sms }));
        }
        if kind == AccountKind::StaffInvitation {
            return self.prepare_invitation(r).await;
        }
        if matches!(kind, AccountKind::ClaimWaiting | AccountKind::ClaimApproved | AccountKind::GuardianAccessEnded) {
            let Some(c) = claim::Entity::find_by_id(r.subject_id.unwrap_or_default()).one(db).await? else { return Ok(Prepared::Skip("gone")) };
            let Some(u) = user::Entity::find_by_id(r.account_id).one(db).await? else { return Ok(Prepared::Skip("no_account")) };
            let Some(to) = u.phone.clone() else { return Ok(Prepared::Skip("no_address")) };
            let name = crate::booking::full_name(&c.given_name, &c.family_name);
            let t = render(kind, Lang::parse(&u.lang).unwrap_or(Lang::Fr), &[("name", &name)]);
            return Ok(Prepared::Sms(SmsOut { outbox_id: r.id, to, text: t.sms }));
        }
        let Some(v) = verification::Entity::find_by_id(r.subject_id.unwrap_or_default()).one(db).await? else {
            return Ok(Prepared::Skip("gone"));
        };
        let Some(u) = user::Entity::find_by_id(r.account_id).one(db).await? else { return Ok(Prepared::Skip("no_account")) };
        let lang = Lang::parse(&u.lang).unwrap_or(Lang::Fr);
        let secret = &self.config().link_secret;
        let base = self.config().notify.public_url.trim_end_matches('/');
        let minutes = self.config().identity.code_ttl_minutes.to_string();
        let (to, code, link, new) = match kind {
            AccountKind::ContactChanged => {
                let new = if r.channel == MessageChannel::Sms { mask_phone(&v.target) } else { mask_email(&v.target) };
                (v.previous.clone().unwrap_or_default(), String::new(), String::new(), new)
            }
            _ => {
                // A code that can no longer be used is not worth sending.
                if v.used_at.is_some() || v.expires_at <= self.clock().now() {
                    return Ok(Prepared::Skip("expired"));
                }
                let link = match kind {
                    AccountKind::EmailLink => format!("{base}/verify-email/{}", link_token(secret, v.id)),
                    AccountKind::ResetLink => format!("{base}/reset/{}", link_token(secret, v.id)),
                    _ => String::new(),
                };
                (v.target.clone(), code_for(secret, v.id), link, String::new())
            }
        };
        if to.is_empty() {
            return Ok(Prepared::Skip("no_address"));
        }
        let t = render(kind, lang, &[("code", &code), ("link", &link), ("minutes", &minutes), ("new", &new)]);
        Ok(if r.channel == MessageChannel::Sms {
            Prepared::Sms(SmsOut { outbox_id: r.id, to, text: t.sms })
        } else {
            Prepared::Email(EmailOut {
                outbox_id: r.id,
                to,
                to_name: crate::booking::full_name(&u.given_name, &u.family_name),
                lang,
                subject: t.subject,
                text: t.body,
                calendar: None,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_account_message_renders_in_every_language_with_nothing_left_unfilled() {
        let values = [
            ("code", "123456"),
            // As long as real ones: the public address and a 48-character token.
            ("link", "https://sihati.sante.gov.dz/invite/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIj"),
            ("minutes", "10"),
            ("new", "05••••••01"),
            ("name", "Amina Benali"),
            ("facility", "Établissement public de santé de proximité Es Seddikia"),
            ("role", "praticien"),
            ("until", "10/12/2026"),
        ];
        for lang in Lang::ALL {
            for kind in AccountKind::ALL {
                let t = render(kind, lang, &values);
                let both = kind == AccountKind::StaffInvitation;
                let sms_only = matches!(
                    kind,
                    AccountKind::PhoneCode
                        | AccountKind::ResetCode
                        | AccountKind::SecondFactorReset
                        | AccountKind::ClaimWaiting
                        | AccountKind::ClaimApproved
                        | AccountKind::GuardianAccessEnded
                        | AccountKind::ConsentWaiting
                );
                let sms_kind = sms_only || both || kind == AccountKind::ContactChanged;
                let email_kind = !sms_only;
                if sms_kind {
                    assert!(!t.sms.is_empty() && t.sms.chars().count() <= 200, "{lang:?} {kind:?}: {}", t.sms);
                }
                if email_kind {
                    assert!(!t.subject.is_empty() && !t.body.is_empty(), "{lang:?} {kind:?}");
                }
                for s in [&t.subject, &t.body, &t.sms] {
                    assert!(!s.contains('{') && !s.contains('}'), "{lang:?} {kind:?}: {s}");
                }
            }
        }
        assert!(render(AccountKind::PhoneCode, Lang::Ar, &values).sms.contains("123456"));
        assert!(render(AccountKind::ResetLink, Lang::Fr, &values).body.contains("https://sihati.sante.gov.dz/invite/"));
    }
}
