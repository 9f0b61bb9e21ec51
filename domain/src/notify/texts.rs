//! What messages say, in Arabic, French and English, with times in
//! Africa/Algiers.
//!
//! The web pages translate with leptos_i18n, whose catalogs compile into
//! the WASM every phone downloads; messages are rendered only on the
//! server, so their catalog lives here, one table per language, and a test
//! renders every kind in every language and checks that nothing is left
//! unfilled.

use super::{local, Kind};
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use shared::Lang;

/// Where a message's links lead.
#[derive(Clone, Debug, Default)]
pub struct Links {
    pub view: String,
    pub cancel: String,
    pub appointments: String,
    pub book: String,
    pub record: String,
}

/// The facts a message states, read from the database at send time.
#[derive(Clone, Debug)]
pub struct Facts {
    pub holder: String,
    pub patient: String,
    /// ar, fr, en.
    pub specialty: [String; 3],
    pub practitioner: String,
    /// ar, fr.
    pub facility: [String; 2],
    pub address: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub hours: i64,
    pub deadline: Option<DateTime<Utc>>,
    pub expires_on: Option<NaiveDate>,
    pub appointment_id: Option<shared::AppointmentId>,
    /// The ticket of the day at the polyclinic (`C-012`), for the floor's messages.
    pub ticket: String,
    pub links: Links,
    /// What to bring and do before the visit (confirmations and reminders).
    pub instructions: shared::dto::InstructionsOut,
}

impl Facts {
    fn specialty(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ar => &self.specialty[0],
            Lang::Fr => &self.specialty[1],
            Lang::En => &self.specialty[2],
        }
    }
    fn facility(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ar => &self.facility[0],
            _ => &self.facility[1],
        }
    }
    /// The facility and its address, for a calendar's LOCATION.
    pub fn place(&self, lang: Lang) -> String {
        format!("{}, {}", self.facility(lang), self.address)
    }
}

/// One message in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub sms: String,
    /// The in-app body: the facts without greeting or links.
    pub inapp: String,
    pub calendar_summary: String,
    pub calendar_description: String,
}

struct Catalog {
    weekdays: [&'static str; 7],
    months: [&'static str; 12],
    /// `{weekday} {day} {month} {year} à {time}`.
    when: &'static str,
    greeting: &'static str,
    details: &'static str,
    links: &'static str,
    signature: &'static str,
    calendar_summary: &'static str,
    /// The heading of the pre-visit instructions.
    before: &'static str,
    /// Each [`shared::PreVisitItem`], in the order of `PreVisitItem::ALL`.
    items: [&'static str; 5],
    /// subject, first line, SMS; per kind.
    booked: [&'static str; 3],
    rescheduled: [&'static str; 3],
    cancelled: [&'static str; 3],
    reminder: [&'static str; 3],
    offer: [&'static str; 3],
    referral: [&'static str; 3],
    prescription: [&'static str; 3],
    result: [&'static str; 3],
    next: [&'static str; 3],
    desk_booked: [&'static str; 3],
    desk_cancelled: [&'static str; 3],
}

const FR: Catalog = Catalog {
    weekdays: ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
    when: "{weekday} {day} {month} {year} à {time}",
    greeting: "Bonjour {holder},",
    details: "Quand : {when}\nSpécialité : {specialty}\nAvec : {practitioner}\nOù : {facility}, {address}",
    links: "Voir le rendez-vous : {view_link}\nJe viendrai, ou annuler le rendez-vous : {cancel_link}",
    signature: "— Sihati, le portail de santé des polycliniques publiques",
    calendar_summary: "Rendez-vous {specialty} – {facility}",
    before: "Avant votre visite :",
    items: [
        "votre carte d'identité nationale",
        "votre carte Chifa",
        "la lettre d'orientation de votre médecin",
        "vos résultats, comptes rendus et ordonnances antérieurs",
        "venez à jeun (rien manger pendant 8 heures)",
    ],
    booked: [
        "Rendez-vous confirmé : {specialty}, {when}",
        "Le rendez-vous de {patient} est confirmé.",
        "Sihati : RDV {specialty} confirmé le {short}, {facility}. Annuler : {cancel_link}",
    ],
    rescheduled: [
        "Rendez-vous déplacé : {specialty}, {when}",
        "Le rendez-vous de {patient} a été déplacé. Nouvel horaire :",
        "Sihati : RDV {specialty} déplacé au {short}, {facility}. Annuler : {cancel_link}",
    ],
    cancelled: [
        "Rendez-vous annulé : {specialty}, {when}",
        "Le rendez-vous de {patient} est annulé. Vous pouvez en prendre un autre : {book_link}",
        "Sihati : RDV {specialty} du {short} annulé.",
    ],
    reminder: [
        "Rappel : rendez-vous {specialty} dans {hours} h",
        "Rappel : {patient} a rendez-vous dans {hours} heures.",
        "Sihati : rappel RDV {specialty} le {short}, {facility}. Je viens / annuler : {cancel_link}",
    ],
    offer: [
        "Un créneau vous est réservé : {specialty}, {when}",
        "Un créneau s'est libéré pour {patient} ; il vous est réservé jusqu'au {deadline}. Acceptez-le ou refusez-le dans Mes rendez-vous : {appointments_link}",
        "Sihati : créneau {specialty} le {short} réservé pour vous jusqu'au {deadline}. Répondez : {appointments_link}",
    ],
    referral: [
        "Nouvelle orientation : {specialty}",
        "{patient} est orienté(e) vers {specialty} par {facility}, valable jusqu'au {expires}. Prendre rendez-vous : {book_link}",
        "Sihati : orientation {specialty} valable jusqu'au {expires}. RDV : {book_link}",
    ],
    prescription: [
        "Nouvelle ordonnance disponible",
        "Une ordonnance de {practitioner} ({facility}) pour {patient} est disponible dans votre dossier Sihati : {record_link}",
        "Sihati : nouvelle ordonnance pour {patient}, à lire dans votre dossier.",
    ],
    result: [
        "Nouveau résultat d'examen disponible",
        "Un résultat d'examen de {patient}, transmis par {facility}, est disponible dans votre dossier Sihati : {record_link}",
        "Sihati : nouveau résultat d'examen pour {patient}, à lire dans votre dossier.",
    ],
    next: [
        "C'est bientôt à vous : ticket {ticket}",
        "{patient} est le prochain patient appelé en {specialty} à {facility} (ticket {ticket}). Restez près de la salle d'attente.",
        "Sihati : {patient}, ticket {ticket}, vous êtes le prochain en {specialty}. Restez près de la salle d'attente.",
    ],
    desk_booked: [
        "Nouveau rendez-vous : {specialty}, {short}",
        "Un rendez-vous vient d'être pris à votre polyclinique :",
        "Sihati : nouveau RDV {specialty} le {short}.",
    ],
    desk_cancelled: [
        "Rendez-vous annulé : {specialty}, {short}",
        "Un rendez-vous de votre polyclinique vient d'être annulé ; le créneau est libre :",
        "Sihati : RDV {specialty} du {short} annulé.",
    ],
};

const AR: Catalog = Catalog {
    weekdays: ["الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"],
    months: ["جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"],
    when: "{weekday} {day} {month} {year} على الساعة {time}",
    greeting: "السلام عليكم {holder}،",
    details: "الموعد: {when}\nالتخصص: {specialty}\nمع: {practitioner}\nالمكان: {facility}، {address}",
    links: "عرض الموعد: {view_link}\nتأكيد الحضور أو إلغاء الموعد: {cancel_link}",
    signature: "— صحتي، بوابة الصحة للعيادات المتعددة الخدمات العمومية",
    calendar_summary: "موعد {specialty} – {facility}",
    before: "قبل زيارتكم:",
    items: ["بطاقة التعريف الوطنية", "بطاقة الشفاء", "رسالة التوجيه من طبيبكم", "نتائجكم وتقاريركم ووصفاتكم السابقة", "احضروا صائمين (دون أكل لمدة 8 ساعات)"],
    booked: ["تأكيد موعد: {specialty}، {when}", "تم تأكيد موعد {patient}.", "صحتي: تم تأكيد موعد {specialty} يوم {short}، {facility}. للإلغاء: {cancel_link}"],
    rescheduled: [
        "تغيير موعد: {specialty}، {when}",
        "تم تغيير موعد {patient}. الموعد الجديد:",
        "صحتي: تم نقل موعد {specialty} إلى {short}، {facility}. للإلغاء: {cancel_link}",
    ],
    cancelled: ["إلغاء موعد: {specialty}، {when}", "تم إلغاء موعد {patient}. يمكنكم حجز موعد آخر: {book_link}", "صحتي: تم إلغاء موعد {specialty} يوم {short}."],
    reminder: [
        "تذكير: موعد {specialty} بعد {hours} ساعة",
        "تذكير: لدى {patient} موعد بعد {hours} ساعة.",
        "صحتي: تذكير بموعد {specialty} يوم {short}، {facility}. للتأكيد أو الإلغاء: {cancel_link}",
    ],
    offer: [
        "موعد محجوز لكم: {specialty}، {when}",
        "أصبح موعد متاحًا لـ {patient}، وهو محجوز لكم حتى {deadline}. اقبلوه أو ارفضوه في «مواعيدي»: {appointments_link}",
        "صحتي: موعد {specialty} يوم {short} محجوز لكم حتى {deadline}. للرد: {appointments_link}",
    ],
    referral: [
        "توجيه جديد: {specialty}",
        "تم توجيه {patient} إلى {specialty} من طرف {facility}، صالح حتى {expires}. لحجز موعد: {book_link}",
        "صحتي: توجيه إلى {specialty} صالح حتى {expires}. للحجز: {book_link}",
    ],
    prescription: [
        "وصفة طبية جديدة متاحة",
        "وصفة طبية من {practitioner} ({facility}) لـ {patient} متاحة في ملفكم على صحتي: {record_link}",
        "صحتي: وصفة طبية جديدة لـ {patient}، اطّلعوا عليها في ملفكم.",
    ],
    result: [
        "نتيجة فحص جديدة متاحة",
        "نتيجة فحص لـ {patient} من {facility} متاحة في ملفكم على صحتي: {record_link}",
        "صحتي: نتيجة فحص جديدة لـ {patient}، اطّلعوا عليها في ملفكم.",
    ],
    next: [
        "اقترب دورك: التذكرة {ticket}",
        "{patient} هو المريض التالي في {specialty} بـ{facility} (التذكرة {ticket}). ابقوا قرب قاعة الانتظار.",
        "صحتي: {patient}، التذكرة {ticket}، أنت التالي في {specialty}. ابق قرب قاعة الانتظار.",
    ],
    desk_booked: ["موعد جديد: {specialty}، {short}", "تم حجز موعد للتو في عيادتكم:", "صحتي: موعد جديد في {specialty} يوم {short}."],
    desk_cancelled: ["إلغاء موعد: {specialty}، {short}", "تم إلغاء موعد في عيادتكم للتو، والموعد أصبح متاحًا:", "صحتي: تم إلغاء موعد {specialty} يوم {short}."],
};

const EN: Catalog = Catalog {
    weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    when: "{weekday} {day} {month} {year} at {time}",
    greeting: "Hello {holder},",
    details: "When: {when}\nSpecialty: {specialty}\nWith: {practitioner}\nWhere: {facility}, {address}",
    links: "View the appointment: {view_link}\nI am coming, or cancel the appointment: {cancel_link}",
    signature: "— Sihati, the public polyclinics' health portal",
    calendar_summary: "{specialty} appointment – {facility}",
    before: "Before your visit:",
    items: [
        "your national identity card",
        "your Chifa card",
        "your doctor's referral letter",
        "your previous results, reports and prescriptions",
        "come fasting (nothing to eat for 8 hours)",
    ],
    booked: [
        "Appointment confirmed: {specialty}, {when}",
        "{patient}'s appointment is confirmed.",
        "Sihati: {specialty} appointment confirmed for {short}, {facility}. Cancel: {cancel_link}",
    ],
    rescheduled: [
        "Appointment moved: {specialty}, {when}",
        "{patient}'s appointment has been moved. New time:",
        "Sihati: {specialty} appointment moved to {short}, {facility}. Cancel: {cancel_link}",
    ],
    cancelled: [
        "Appointment cancelled: {specialty}, {when}",
        "{patient}'s appointment is cancelled. You can book another one: {book_link}",
        "Sihati: {specialty} appointment on {short} cancelled.",
    ],
    reminder: [
        "Reminder: {specialty} appointment in {hours} h",
        "Reminder: {patient} has an appointment in {hours} hours.",
        "Sihati: reminder, {specialty} appointment on {short}, {facility}. Coming / cancel: {cancel_link}",
    ],
    offer: [
        "A slot is held for you: {specialty}, {when}",
        "A slot has opened for {patient}; it is held for you until {deadline}. Accept or decline it in My appointments: {appointments_link}",
        "Sihati: {specialty} slot on {short} held for you until {deadline}. Answer: {appointments_link}",
    ],
    referral: [
        "New referral: {specialty}",
        "{patient} is referred to {specialty} by {facility}, valid until {expires}. Book an appointment: {book_link}",
        "Sihati: referral to {specialty} valid until {expires}. Book: {book_link}",
    ],
    prescription: [
        "New prescription available",
        "A prescription from {practitioner} ({facility}) for {patient} is in your Sihati record: {record_link}",
        "Sihati: new prescription for {patient}, read it in your record.",
    ],
    result: [
        "New exam result available",
        "An exam result for {patient} from {facility} is in your Sihati record: {record_link}",
        "Sihati: new exam result for {patient}, read it in your record.",
    ],
    next: [
        "You are next: ticket {ticket}",
        "{patient} is the next patient to be called in {specialty} at {facility} (ticket {ticket}). Stay near the waiting room.",
        "Sihati: {patient}, ticket {ticket}, you are next in {specialty}. Stay near the waiting room.",
    ],
    desk_booked: [
        "New appointment: {specialty}, {short}",
        "An appointment was just booked at your polyclinic:",
        "Sihati: new {specialty} appointment on {short}.",
    ],
    desk_cancelled: [
        "Appointment cancelled: {specialty}, {short}",
        "An appointment at your polyclinic was just cancelled; the slot is free:",
        "Sihati: {specialty} appointment on {short} cancelled.",
    ],
};

fn catalog(lang: Lang) -> &'static Catalog {
    match lang {
        Lang::Ar => &AR,
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// "dimanche 29 novembre 2026 à 09:00" (Algiers time).
pub fn long_time(lang: Lang, t: DateTime<Utc>) -> String {
    let c = catalog(lang);
    let l = local(t);
    fill(
        c.when,
        &[
            ("weekday", c.weekdays[l.weekday().num_days_from_monday() as usize]),
            ("day", &l.day().to_string()),
            ("month", c.months[l.month0() as usize]),
            ("year", &l.year().to_string()),
            ("time", &format!("{:02}:{:02}", l.hour(), l.minute())),
        ],
    )
}

/// "29/11 09:00" (Algiers time), for SMS.
fn short_time(t: DateTime<Utc>) -> String {
    local(t).format("%d/%m %H:%M").to_string()
}

/// The pre-visit instructions as a list, then the notes; None when there is nothing to say.
fn instructions(c: &Catalog, lang: Lang, i: &shared::dto::InstructionsOut) -> Option<String> {
    if i.items.is_empty() && i.notes.is_empty() {
        return None;
    }
    let mut lines = vec![c.before.to_owned()];
    for item in &i.items {
        let n = shared::PreVisitItem::ALL.iter().position(|x| x == item).unwrap_or_default();
        lines.push(format!("- {}", c.items[n]));
    }
    lines.extend(i.notes.iter().map(|n| n.in_lang(lang.code()).to_owned()).filter(|t| !t.is_empty()));
    Some(lines.join("\n"))
}

pub fn render(kind: Kind, lang: Lang, f: &Facts) -> Rendered {
    let c = catalog(lang);
    let [subject, first, sms] = match kind {
        Kind::Booked => c.booked,
        Kind::Rescheduled => c.rescheduled,
        Kind::Cancelled => c.cancelled,
        Kind::Reminder => c.reminder,
        Kind::Offer => c.offer,
        Kind::Referral => c.referral,
        Kind::Prescription => c.prescription,
        Kind::Result => c.result,
        Kind::Next => c.next,
        Kind::DeskBooked => c.desk_booked,
        Kind::DeskCancelled => c.desk_cancelled,
    };
    let when = long_time(lang, f.starts_at);
    let deadline = f.deadline.map(|d| long_time(lang, d)).unwrap_or_default();
    let expires = f.expires_on.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default();
    let hours = f.hours.to_string();
    let short = short_time(f.starts_at);
    let values: [(&str, &str); 17] = [
        ("holder", &f.holder),
        ("patient", &f.patient),
        ("specialty", f.specialty(lang)),
        ("practitioner", &f.practitioner),
        ("facility", f.facility(lang)),
        ("address", &f.address),
        ("when", &when),
        ("short", &short),
        ("hours", &hours),
        ("deadline", &deadline),
        ("expires", &expires),
        ("view_link", &f.links.view),
        ("cancel_link", &f.links.cancel),
        ("appointments_link", &f.links.appointments),
        ("book_link", &f.links.book),
        ("record_link", &f.links.record),
        ("ticket", &f.ticket),
    ];
    let first = fill(first, &values);
    let details = fill(c.details, &values);
    let about_a_time = !matches!(kind, Kind::Referral | Kind::Prescription | Kind::Result | Kind::Next);
    let mut parts = vec![fill(c.greeting, &values), first.clone()];
    let mut inapp = vec![first];
    if about_a_time {
        parts.push(details.clone());
        inapp.push(details.clone());
    }
    if matches!(kind, Kind::Booked | Kind::Rescheduled | Kind::Reminder) {
        if let Some(before) = instructions(c, lang, &f.instructions) {
            parts.push(before.clone());
            inapp.push(before);
        }
        parts.push(fill(c.links, &values));
    }
    parts.push(c.signature.to_owned());
    Rendered {
        subject: fill(subject, &values),
        text: parts.join("\n\n") + "\n",
        sms: fill(sms, &values),
        inapp: inapp.join("\n"),
        calendar_summary: fill(c.calendar_summary, &values),
        calendar_description: details,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            holder: "Amina Benali".into(),
            patient: "Yacine Benali".into(),
            specialty: ["طب القلب".into(), "Cardiologie".into(), "Cardiology".into()],
            practitioner: "Dr Karim Saidi".into(),
            facility: ["العيادة المتعددة الخدمات".into(), "Polyclinique Bab El Oued".into()],
            address: "1 rue Larbi Ben M'hidi".into(),
            starts_at: "2026-11-29T08:00:00Z".parse().unwrap(),
            ends_at: "2026-11-29T08:20:00Z".parse().unwrap(),
            hours: 24,
            deadline: Some("2026-11-24T10:00:00Z".parse().unwrap()),
            expires_on: NaiveDate::from_ymd_opt(2027, 1, 31),
            appointment_id: Some(shared::AppointmentId(uuid::Uuid::nil())),
            ticket: "C-012".into(),
            links: Links { view: "V".into(), cancel: "C".into(), appointments: "A".into(), book: "B".into(), record: "R".into() },
            instructions: shared::dto::InstructionsOut {
                items: shared::PreVisitItem::ALL.to_vec(),
                notes: vec![shared::dto::NoteOut { ar: "أحضروا".into(), fr: "Apportez vos ECG.".into(), en: String::new() }],
            },
        }
    }

    #[test]
    fn every_kind_renders_in_every_language_with_nothing_left_unfilled() {
        for lang in Lang::ALL {
            for kind in Kind::ALL {
                let r = render(kind, lang, &facts());
                for (what, s) in [("subject", &r.subject), ("text", &r.text), ("sms", &r.sms), ("inapp", &r.inapp)] {
                    assert!(!s.contains('{') && !s.contains('}'), "{lang:?} {kind:?} {what}: {s}");
                    assert!(!s.trim().is_empty(), "{lang:?} {kind:?} {what} empty");
                }
                assert!(r.sms.chars().count() <= 200, "{lang:?} {kind:?} SMS too long: {}", r.sms);
            }
        }
    }

    #[test]
    fn times_are_algiers_local_in_each_language() {
        let t = "2026-11-29T08:00:00Z".parse().unwrap();
        assert_eq!(long_time(Lang::Fr, t), "dimanche 29 novembre 2026 à 09:00");
        assert_eq!(long_time(Lang::En, t), "Sunday 29 November 2026 at 09:00");
        assert_eq!(long_time(Lang::Ar, t), "الأحد 29 نوفمبر 2026 على الساعة 09:00");
        assert_eq!(short_time(t), "29/11 09:00");
    }

    #[test]
    fn appointment_messages_carry_their_links_and_the_patient() {
        let f = facts();
        let r = render(Kind::Booked, Lang::Fr, &f);
        assert!(r.text.contains("Voir le rendez-vous : V") && r.text.contains("Je viendrai, ou annuler le rendez-vous : C"), "{}", r.text);
        assert!(r.text.contains("Yacine Benali") && r.text.starts_with("Bonjour Amina Benali,"));
        assert!(r.sms.contains("Annuler : C"));
        let cancelled = render(Kind::Cancelled, Lang::Ar, &f);
        assert!(!cancelled.text.contains("C\n"), "a cancelled appointment has no cancel link");
        let reminder = render(Kind::Reminder, Lang::En, &f);
        assert!(reminder.subject.contains("in 24 h"));
        assert!(reminder.sms.contains("Coming / cancel: C"), "the reminder's one link answers both ways: {}", reminder.sms);
        assert!(
            r.text.contains("Avant votre visite :\n- votre carte d'identité nationale\n- votre carte Chifa\n") && r.text.contains("- venez à jeun"),
            "{}",
            r.text
        );
        assert!(
            reminder.text.contains("Apportez vos ECG.") && reminder.inapp.contains("your Chifa card"),
            "a note without its English text falls back to French: {}",
            reminder.text
        );
        assert!(!cancelled.text.contains("بطاقة الشفاء"), "a cancellation has nothing to bring");
        for lang in Lang::ALL {
            let next = render(Kind::Next, lang, &f);
            assert!(next.sms.contains("C-012") && next.inapp.contains("Yacine Benali"), "{lang:?}: {next:?}");
        }
    }
}
