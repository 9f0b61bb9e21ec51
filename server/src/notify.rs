//! The transports behind the outbox (see `domain::notify`): email by SMTP
//! or as `.eml` files, SMS through an HTTP gateway or as text files; and
//! the worker loop that runs until the server stops.

use crate::config::Config;
use anyhow::Context;
use domain::notify::{CalendarEvent, Deliver, DeliveryError, EmailOut, SmsOut};
use icalendar::{Alarm, Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use std::path::PathBuf;
use std::time::Duration;

enum Mail {
    Files(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

enum Sms {
    Files(PathBuf),
    Gateway { client: reqwest::Client, url: String, auth: Option<(String, String)>, template: String },
}

/// Email and SMS as the configuration says.
pub struct Transports {
    mail: Mail,
    sms: Sms,
    from: Mailbox,
    /// The right-hand side of every Message-ID.
    mail_domain: String,
}

impl Transports {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let from: Mailbox = config.mail_from.parse().context("SIHATI_MAIL_FROM is not a mail address")?;
        let mail_domain = from.email.domain().to_owned();
        let mail = match config.smtp_url.as_ref().map(|s| s.expose_secret().to_owned()).filter(|s| !s.is_empty()) {
            Some(url) => Mail::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
                    .context("SIHATI_SMTP_URL is not a valid SMTP URL")?
                    .timeout(Some(Duration::from_secs(15)))
                    .build(),
            ),
            None => {
                let dir = config.data_dir.join("mail");
                std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
                Mail::Files(AsyncFileTransport::new(dir))
            }
        };
        let sms = match config.sms_gateway_url.clone().filter(|s| !s.is_empty()) {
            Some(url) => {
                let auth = match &config.sms_gateway_auth {
                    Some(h) => {
                        let (name, value) = h.expose_secret().split_once(':').context("SIHATI_SMS_GATEWAY_AUTH must be `Name: value`")?;
                        Some((name.trim().to_owned(), value.trim().to_owned()))
                    }
                    None => None,
                };
                let client = reqwest::Client::builder().timeout(Duration::from_secs(15)).build()?;
                Sms::Gateway { client, url, auth, template: config.sms_body_template.clone() }
            }
            None => {
                let dir = config.data_dir.join("sms");
                std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
                Sms::Files(dir)
            }
        };
        Ok(Self { mail, sms, from, mail_domain })
    }

    /// The message as it leaves: text in the recipient's language and, for
    /// appointments, an `.ics` attachment. The Message-ID comes from the
    /// outbox row, so every retry of one message carries the same one.
    pub fn build_email(&self, m: &EmailOut) -> anyhow::Result<Message> {
        let to = Mailbox::new(Some(m.to_name.clone()), m.to.parse()?);
        let builder =
            Message::builder().from(self.from.clone()).to(to).subject(m.subject.clone()).message_id(Some(format!("<{}@{}>", m.outbox_id, self.mail_domain)));
        let text = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(m.text.clone());
        Ok(match &m.calendar {
            None => builder.singlepart(text)?,
            Some(event) => {
                let (ics, method) = ics(event);
                let kind = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))?;
                builder.multipart(MultiPart::mixed().singlepart(text).singlepart(Attachment::new("rendez-vous.ics".into()).body(ics, kind)))?
            }
        })
    }
}

/// The iCalendar file of an appointment: times in Africa/Algiers with its
/// VTIMEZONE (UTC+1, no daylight saving since 1981), a display alarm, and
/// the appointment's stable UID so that a cancellation replaces the event.
pub fn ics(e: &CalendarEvent) -> (String, &'static str) {
    let local = |t: chrono::DateTime<chrono::Utc>| CalendarDateTime::WithTimezone {
        date_time: t.with_timezone(&domain::booking::algiers()).naive_local(),
        tzid: "Africa/Algiers".into(),
    };
    let mut event = Event::new();
    event
        .uid(&e.uid)
        .summary(&e.summary)
        .description(&e.description)
        .location(&e.location)
        .starts(local(e.starts_at))
        .ends(local(e.ends_at))
        .sequence(if e.cancelled { 1 } else { 0 });
    if e.cancelled {
        event.status(EventStatus::Cancelled);
    } else {
        event.status(EventStatus::Confirmed).alarm(Alarm::display(&e.summary, -chrono::Duration::minutes(e.alarm_minutes)));
    }
    let method = if e.cancelled { "CANCEL" } else { "PUBLISH" };
    let mut cal = Calendar::new();
    cal.append_property(icalendar::Property::new("METHOD", method));
    cal.push(event.done());
    let text = cal.done().to_string();
    // icalendar has no VTIMEZONE builder: the fixed definition goes in
    // before the event.
    const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Africa/Algiers\r\nBEGIN:STANDARD\r\nDTSTART:19810101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
    let text = match text.find("BEGIN:VEVENT") {
        Some(at) => format!("{}{VTIMEZONE}{}", &text[..at], &text[at..]),
        None => text,
    };
    (text, method)
}

fn smtp_failure(e: &lettre::transport::smtp::Error) -> DeliveryError {
    let code = e.status().map(|c| c.to_string()).unwrap_or_default();
    if e.is_permanent() {
        DeliveryError { permanent: true, reason: format!("smtp_permanent {code}") }
    } else if e.is_transient() {
        DeliveryError { permanent: false, reason: format!("smtp_transient {code}") }
    } else if e.is_timeout() {
        DeliveryError { permanent: false, reason: "timeout".into() }
    } else {
        DeliveryError { permanent: false, reason: "connection".into() }
    }
}

fn transient(reason: &str) -> DeliveryError {
    DeliveryError { permanent: false, reason: reason.into() }
}

/// JSON string escaping for a value put inside quotes in the template.
fn json_escape(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len() - 1].to_owned()
}

impl Deliver for Transports {
    async fn email(&self, m: &EmailOut) -> Result<(), DeliveryError> {
        let message = match self.build_email(m) {
            Ok(msg) => msg,
            Err(_) => return Err(DeliveryError { permanent: true, reason: "bad_address".into() }),
        };
        match &self.mail {
            Mail::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| smtp_failure(&e)),
            Mail::Files(t) => t.send(message).await.map(|_| ()).map_err(|_| transient("file_write")),
        }
    }

    async fn sms(&self, m: &SmsOut) -> Result<(), DeliveryError> {
        match &self.sms {
            Sms::Files(dir) => {
                tokio::fs::write(dir.join(format!("{}.txt", m.outbox_id)), format!("To: {}\n\n{}\n", m.to, m.text)).await.map_err(|_| transient("file_write"))
            }
            Sms::Gateway { client, url, auth, template } => {
                let body = template.replace("{to}", &json_escape(&m.to)).replace("{text}", &json_escape(&m.text));
                let mut req = client.post(url).header(reqwest::header::CONTENT_TYPE, "application/json").body(body);
                if let Some((name, value)) = auth {
                    req = req.header(name.as_str(), value.as_str());
                }
                match req.send().await {
                    Ok(r) if r.status().is_success() => Ok(()),
                    Ok(r) if r.status().is_client_error() && r.status() != reqwest::StatusCode::TOO_MANY_REQUESTS => {
                        Err(DeliveryError { permanent: true, reason: format!("gateway {}", r.status().as_u16()) })
                    }
                    Ok(r) => Err(transient(&format!("gateway {}", r.status().as_u16()))),
                    Err(e) if e.is_timeout() => Err(transient("timeout")),
                    Err(_) => Err(transient("connection")),
                }
            }
        }
    }
}

/// Runs the outbox until `stop` turns true: a pass, then a pause of
/// `poll` (cut short by `stop`). On stop, the message in hand is finished
/// and every other claimed one given back before returning.
pub async fn run_worker(domain: domain::Domain, transports: Transports, poll: Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
    let owner = format!("worker-{}", uuid::Uuid::new_v4());
    loop {
        if *stop.borrow() {
            break;
        }
        let stop_now = stop.clone();
        match domain.notifications.outbox_pass(&transports, &owner, move || *stop_now.borrow()).await {
            // A full batch: more may be due, go again at once.
            Ok(o) if o.claimed as u64 >= domain.config().notify.batch_size && !*stop.borrow() => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "outbox pass failed; retrying after the pause"),
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = stop.changed() => {}
        }
    }
    match domain.notifications.release_leases(&owner).await {
        Ok(n) if n > 0 => tracing::info!(released = n, "outbox worker stopped and gave back its messages"),
        Ok(_) => tracing::info!("outbox worker stopped"),
        Err(e) => tracing::warn!(error = ?e, "outbox worker could not give back its messages; their leases run out"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_calendar_file_is_in_algiers_time_with_a_timezone_and_an_alarm() {
        let e = CalendarEvent {
            uid: "abc@sihati".into(),
            starts_at: "2026-11-29T08:00:00Z".parse().unwrap(),
            ends_at: "2026-11-29T08:20:00Z".parse().unwrap(),
            summary: "موعد طب القلب – العيادة".into(),
            location: "Polyclinique, 1 rue Larbi Ben M'hidi; Alger".into(),
            description: "Quand : dimanche 29 novembre 2026 à 09:00".into(),
            cancelled: false,
            alarm_minutes: 120,
        };
        let (text, method) = ics(&e);
        assert_eq!(method, "PUBLISH");
        let unfolded = icalendar::parser::unfold(&text);
        let parsed = icalendar::parser::read_calendar(&unfolded).expect("parses");
        let names: Vec<_> = parsed.components.iter().map(|c| c.name.to_string()).collect();
        assert_eq!(names, ["VTIMEZONE", "VEVENT"]);
        let ev = &parsed.components[1];
        let start = ev.find_prop("DTSTART").expect("DTSTART");
        assert_eq!(start.val.as_str(), "20261129T090000");
        assert!(start.params.iter().any(|p| p.key == "TZID" && p.val.as_ref().map(|v| v.as_str()) == Some("Africa/Algiers")));
        assert_eq!(ev.components.first().map(|a| a.name.to_string()).as_deref(), Some("VALARM"));
        assert!(text.lines().all(|l| l.trim_end_matches('\r').len() <= 75), "lines are folded at 75 octets");
        let cancelled = ics(&CalendarEvent { cancelled: true, ..e });
        assert_eq!(cancelled.1, "CANCEL");
        assert!(cancelled.0.contains("STATUS:CANCELLED"));
    }

    #[test]
    fn sms_values_are_json_escaped_in_the_template() {
        assert_eq!(json_escape("a\"b\\c\nد"), "a\\\"b\\\\c\\nد");
    }
}
