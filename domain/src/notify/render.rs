//! Rendering: the facts a message states, read at send time, and its text for its channel and the reader's language.

use super::*;

impl Core {
    /// Loads what a message talks about and renders it for its channel.
    pub(super) async fn prepare(&self, r: &outbox::Model) -> Result<Prepared> {
        if let Some(kind) = account::AccountKind::of(r.kind) {
            return self.prepare_account(kind, r).await;
        }
        let Some(kind) = Kind::of(r.kind) else { return Ok(Prepared::Skip("unknown_kind")) };
        let Some(u) = user::Entity::find_by_id(r.account_id).one(self.db()).await? else { return Ok(Prepared::Skip("no_account")) };
        let prefs = self.prefs_of(u.id).await?;
        let address = match r.channel {
            MessageChannel::Email if !prefs.email => return Ok(Prepared::Skip("email_off")),
            MessageChannel::Sms if !prefs.sms => return Ok(Prepared::Skip("sms_off")),
            // Nothing goes to a destination the account has not proven.
            MessageChannel::Email if u.email_verified_at.is_none() => return Ok(Prepared::Skip("email_unverified")),
            MessageChannel::Sms if u.phone_verified_at.is_none() => return Ok(Prepared::Skip("phone_unverified")),
            MessageChannel::Email => match &u.email {
                Some(e) => e.clone(),
                None => return Ok(Prepared::Skip("no_email")),
            },
            MessageChannel::Sms => match &u.phone {
                Some(p) => p.clone(),
                None => return Ok(Prepared::Skip("no_phone")),
            },
            MessageChannel::Inapp => String::new(),
        };
        let Some(facts) = self.facts(kind, r, &u).await? else { return Ok(Prepared::Skip("gone")) };
        let lang = Lang::parse(&u.lang).unwrap_or(Lang::Fr);
        Ok(match r.channel {
            MessageChannel::Email => {
                let t = texts::render(kind, lang, &facts);
                let calendar = kind.has_calendar().then(|| CalendarEvent {
                    uid: format!("{}@sihati", facts.appointment_id.map_or(r.id.0, Uuid::from)),
                    starts_at: facts.starts_at,
                    ends_at: facts.ends_at,
                    summary: t.calendar_summary.clone(),
                    location: facts.place(lang),
                    description: t.calendar_description.clone(),
                    cancelled: kind == Kind::Cancelled,
                    alarm_minutes: 120,
                });
                Prepared::Email(EmailOut {
                    outbox_id: r.id,
                    to: address,
                    to_name: full_name(&u.given_name, &u.family_name),
                    lang,
                    subject: t.subject,
                    text: t.text,
                    calendar,
                })
            }
            MessageChannel::Sms => Prepared::Sms(SmsOut { outbox_id: r.id, to: address, text: texts::render(kind, lang, &facts).sms }),
            MessageChannel::Inapp => {
                let mut all = serde_json::Map::new();
                for l in Lang::ALL {
                    let Rendered { subject, inapp, .. } = texts::render(kind, l, &facts);
                    all.insert(l.code().into(), serde_json::json!({ "title": subject, "body": inapp }));
                }
                Prepared::InApp(serde_json::Value::Object(all))
            }
        })
    }

    /// The facts a message states, read at send time; None when what it
    /// talks about no longer exists.
    pub(super) async fn facts(&self, kind: Kind, r: &outbox::Model, holder: &user::Model) -> Result<Option<Facts>> {
        let db = self.db();
        let (slot_id, subject_dependant, specialty_id, extra): (SlotId, Option<PersonId>, SpecialtyId, Extra) = match kind {
            Kind::Offer => {
                let Some(o) = slot_offer::Entity::find_by_id(OfferId(r.subject_id.unwrap_or_default())).one(db).await? else { return Ok(None) };
                let Some(e) = crate::entities::waitlist_entry::Entity::find_by_id(o.entry_id).one(db).await? else { return Ok(None) };
                (o.slot_id, e.dependant_id, e.specialty_id, Extra::Deadline(o.expires_at))
            }
            Kind::Prescription | Kind::Result => {
                let Some(e) = record_entry::Entity::find_by_id(r.subject_id.unwrap_or_default()).one(db).await? else { return Ok(None) };
                let fac = facility::Entity::find_by_id(e.facility_id).one(db).await?;
                let author = user::Entity::find_by_id(e.author_id).one(db).await?;
                let patient = self.person_name(holder, (e.subject_id != holder.id.as_person()).then_some(e.subject_id)).await?;
                return Ok(Some(Facts {
                    practitioner: author.map(|a| full_name(&a.given_name, &a.family_name)).unwrap_or_default(),
                    ..self.facts_at(holder, patient, fac, e.created_at, None)
                }));
            }
            Kind::Next => {
                let Some(v) = visit::Entity::find_by_id(VisitId(r.subject_id.unwrap_or_default())).one(db).await? else { return Ok(None) };
                let Some(spec) = specialty::Entity::find_by_id(v.specialty_id).one(db).await? else { return Ok(None) };
                let fac = facility::Entity::find_by_id(v.facility_id).one(db).await?;
                let patient = self.person_name(holder, (v.person_id != holder.id.as_person()).then_some(v.person_id)).await?;
                return Ok(Some(Facts {
                    specialty: [spec.name_ar, spec.name_fr, spec.name_en],
                    appointment_id: v.appointment_id,
                    ticket: v.ticket,
                    ..self.facts_at(holder, patient, fac, v.arrived_at, None)
                }));
            }
            Kind::Referral => {
                let Some(rf) = referral::Entity::find_by_id(r.subject_id.unwrap_or_default()).one(db).await? else { return Ok(None) };
                let Some(spec) = specialty::Entity::find_by_id(rf.specialty_id).one(db).await? else { return Ok(None) };
                let fac = facility::Entity::find_by_id(rf.facility_id).one(db).await?;
                let patient = self.person_name(holder, rf.dependant_id).await?;
                return Ok(Some(Facts {
                    specialty: [spec.name_ar, spec.name_fr, spec.name_en],
                    expires_on: Some(rf.expires_on),
                    ..self.facts_at(holder, patient, fac, self.clock().now(), None)
                }));
            }
            _ => {
                let Some(id) = r.appointment_id else { return Ok(None) };
                let Some(a) = appointment::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
                // Withdrawn with its appointment; this guards a reminder made
                // while the appointment ended in another transaction.
                if kind == Kind::Reminder && a.status != shared::AppointmentStatus::Booked {
                    return Ok(None);
                }
                let hours = serde_json::from_str::<serde_json::Value>(&r.params).ok().and_then(|v| v["hours"].as_i64()).unwrap_or(0);
                (a.slot_id, a.dependant_id, a.specialty_id, Extra::Appointment(a.id, hours))
            }
        };
        let Some(s) = slot::Entity::find_by_id(slot_id).one(db).await? else { return Ok(None) };
        let Some(spec) = specialty::Entity::find_by_id(specialty_id).one(db).await? else { return Ok(None) };
        let fac = facility::Entity::find_by_id(s.facility_id).one(db).await?;
        let pract = practitioner::Entity::find_by_id(s.practitioner_id).one(db).await?;
        let patient = self.person_name(holder, subject_dependant).await?;
        let (appointment_id, hours, deadline) = match extra {
            Extra::Appointment(id, h) => (Some(id), h, None),
            Extra::Deadline(d) => (None, 0, Some(d)),
        };
        let instructions = match kind {
            Kind::Booked | Kind::Rescheduled | Kind::Reminder => self.instructions_for(db, s.facility_id, specialty_id).await?,
            _ => Default::default(),
        };
        Ok(Some(Facts {
            instructions,
            specialty: [spec.name_ar, spec.name_fr, spec.name_en],
            practitioner: pract.map(|p| full_name(&p.given_name, &p.family_name)).unwrap_or_default(),
            ends_at: s.ends_at,
            hours,
            deadline,
            appointment_id,
            ..self.facts_at(holder, patient, fac, s.starts_at, appointment_id.map(|id| (id, s.starts_at)))
        }))
    }

    /// The facts every message states — who, where, when and the site's
    /// links (with the appointment's own when there is one) — the rest empty.
    fn facts_at(
        &self,
        holder: &user::Model,
        patient: String,
        fac: Option<facility::Model>,
        at: DateTime<Utc>,
        appointment: Option<(AppointmentId, DateTime<Utc>)>,
    ) -> Facts {
        Facts {
            holder: full_name(&holder.given_name, &holder.family_name),
            patient,
            specialty: Default::default(),
            practitioner: String::new(),
            facility: fac.as_ref().map(|f| [f.name_ar.clone(), f.name_fr.clone()]).unwrap_or_default(),
            address: fac.map(|f| f.address).unwrap_or_default(),
            starts_at: at,
            ends_at: at,
            hours: 0,
            deadline: None,
            expires_on: None,
            appointment_id: None,
            ticket: String::new(),
            links: self.site_links(appointment),
            instructions: Default::default(),
        }
    }

    pub(super) async fn person_name(&self, holder: &user::Model, dependant_id: Option<PersonId>) -> Result<String> {
        Ok(match dependant_id {
            Some(d) => dependant::Entity::find_by_id(d).one(self.db()).await?.map(|d| full_name(&d.given_name, &d.family_name)).unwrap_or_default(),
            None => full_name(&holder.given_name, &holder.family_name),
        })
    }

    fn site_links(&self, appointment: Option<(AppointmentId, DateTime<Utc>)>) -> texts::Links {
        let base = self.rules().public_url.trim_end_matches('/');
        let (view, cancel) = match appointment {
            Some((id, starts_at)) => {
                let (v, c) = self.appointment_link_tokens(id, starts_at);
                (format!("{base}/a/{v}"), format!("{base}/a/{c}"))
            }
            None => (String::new(), String::new()),
        };
        texts::Links { view, cancel, appointments: format!("{base}/appointments"), book: format!("{base}/book"), record: format!("{base}/record") }
    }
}

enum Extra {
    Appointment(AppointmentId, i64),
    Deadline(DateTime<Utc>),
}
