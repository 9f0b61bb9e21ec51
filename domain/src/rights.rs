//! The citizen's rights over their data (Algerian law 18-07): everything
//! the account holds, downloaded as one archive — the profile and the
//! notification settings, the dependants, the appointments, the waiting
//! list and referrals, every in-app message in the three languages, and
//! the medical record of the holder and of each dependant as FHIR R4
//! bundles (read as the FHIR export reads them: logged like any read).
//!
//! And closing the account: appointments still ahead are cancelled (their
//! slots go to others), waiting-list places left, messages not yet sent
//! withdrawn, every session ended, and the contact data (phone, email) and
//! the password erased. The identity (names, NIN, birth date) stays with
//! the medical record of the holder and their dependants, which health law
//! keeps; `closed_at` marks the account.

use crate::entities::{appointment, inbox_message, notification_pref, outbox, slot, user};
use crate::{Actor, Domain, Error, Result};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;
use shared::{AppointmentStatus, CancelReason, OutboxStatus};
use std::io::Write;

const README: &str = "Sihati — vos données / بياناتكم / your data\n\n\
fr: Ce fichier contient tout ce que votre compte Sihati détient : profil.json (votre identité et vos coordonnées), \
notifications.json (vos choix de messages), personnes.json (les personnes à votre charge), rendez-vous.json, \
liste-attente.json, orientations.json, messages.json (vos messages, en arabe, français et anglais) et, dans dossier/, \
le dossier médical de chacun au format FHIR R4.\n\n\
ar: يحتوي هذا الملف على كل ما يحتفظ به حسابكم في صحتي: الملف الشخصي، إعدادات الرسائل، الأشخاص الذين تتكفلون بهم، \
المواعيد، قائمة الانتظار، التوجيهات، الرسائل، والملف الطبي لكل شخص بصيغة FHIR R4 في المجلد dossier/.\n\n\
en: This archive holds everything your Sihati account holds: your profile and contact details, your message settings, \
the people in your care, appointments, waiting list, referrals, every in-app message (Arabic, French, English) and, \
under dossier/, each person's medical record as FHIR R4.\n";

fn json<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(v).map_err(|e| Error::Internal(format!("export: {e}")))
}

impl Domain {
    /// The archive (ZIP) of everything the citizen's account holds.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn export_archive(&self, actor: &Actor) -> Result<Vec<u8>> {
        actor.require_citizen()?;
        let dependants = self.people.my_dependants(actor).await?;
        let messages: Vec<serde_json::Value> = inbox_message::Entity::find()
            .filter(inbox_message::Column::AccountId.eq(actor.user_id))
            .order_by_asc(inbox_message::Column::CreatedAt)
            .all(self.db())
            .await?
            .into_iter()
            .map(|m| {
                serde_json::json!({
                    "id": m.id, "kind": m.kind, "created_at": m.created_at, "read_at": m.read_at,
                    "appointment_id": m.appointment_id, "texts": serde_json::from_str::<serde_json::Value>(&m.texts).unwrap_or_default(),
                })
            })
            .collect();
        let mut files: Vec<(String, Vec<u8>)> = vec![
            ("LISEZ-MOI.txt".into(), README.as_bytes().to_vec()),
            ("profil.json".into(), json(&self.accounts.profile(actor).await?)?),
            ("notifications.json".into(), json(&self.notifications.notification_prefs(actor).await?)?),
            ("personnes.json".into(), json(&dependants)?),
            ("rendez-vous.json".into(), json(&self.booking.my_appointments(actor).await?)?),
            ("liste-attente.json".into(), json(&self.waitlist.my_waitlist(actor).await?)?),
            ("orientations.json".into(), json(&self.referrals.my_referrals(actor).await?)?),
            ("messages.json".into(), json(&messages)?),
            ("dossier/moi.fhir.json".into(), json(&self.record.export_fhir(actor, None).await?)?),
        ];
        for d in &dependants {
            // A record not (or no longer) the holder's — a dependant the desk has not verified yet,
            // or one handed over to its owner — is not in the holder's archive.
            match self.record.export_fhir(actor, Some(d.id)).await {
                Ok(bundle) => files.push((format!("dossier/{}.fhir.json", d.id), json(&bundle)?)),
                Err(e) if matches!(e.to_api().code, shared::ErrorCode::NotFound | shared::ErrorCode::Forbidden) => {}
                Err(e) => return Err(e),
            }
        }
        let zip_error = |e: &dyn std::fmt::Display| Error::Internal(format!("archive: {e}"));
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            for (name, bytes) in files {
                z.start_file(name, options).map_err(|e| zip_error(&e))?;
                z.write_all(&bytes).map_err(|e| zip_error(&e))?;
            }
            z.finish().map_err(|e| zip_error(&e))?;
        }
        Ok(buf.into_inner())
    }
}

impl Domain {
    /// Closes the citizen's account, their password confirming it (see the module).
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn close_account(&self, actor: &Actor, password: &str) -> Result<()> {
        actor.require_citizen()?;
        let core = &self.core;
        let u = core.own_user(actor).await?;
        core.check_current_password(&u, password).await?;
        let now = core.clock().now();
        // A password nobody knows: the account can no longer be opened.
        let unknowable = core.passwords().hash(&uuid::Uuid::new_v4().to_string()).await?;
        let txn = core.begin_write().await?;
        let ahead = appointment::Entity::find()
            .filter(core.own_appointments(&txn, actor).await?)
            .filter(appointment::Column::Status.is_in([AppointmentStatus::Booked, AppointmentStatus::Pending]))
            .all(&txn)
            .await?;
        for a in ahead {
            let Some(s) = slot::Entity::find_by_id(a.slot_id).one(&txn).await? else { continue };
            if s.starts_at > now {
                core.cancel_in(&txn, &a, &s, now, crate::booking::Channel::Desk, Some(CancelReason::AccountClosed)).await?;
            }
        }
        core.leave_all_in(&txn, u.id, now).await?;
        // Nothing more is sent to an account that is gone (the cancellations' messages included).
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Withdrawn))
            .col_expr(outbox::Column::UpdatedAt, Expr::value(now))
            .filter(outbox::Column::AccountId.eq(u.id))
            .filter(outbox::Column::Status.eq(OutboxStatus::Pending))
            .exec(&txn)
            .await?;
        notification_pref::Entity::delete_many().filter(notification_pref::Column::AccountId.eq(u.id)).exec(&txn).await?;
        let mut m: user::ActiveModel = u.into();
        m.phone = Set(None);
        m.phone_verified_at = Set(None);
        m.email = Set(None);
        m.email_key = Set(None);
        m.email_verified_at = Set(None);
        m.password_hash = Set(unknowable);
        m.password_changed_at = Set(now);
        m.updated_at = Set(now);
        m.closed_at = Set(Some(now));
        let closed = m.update(&txn).await?;
        let revoked = core.revoke_all_sessions(&txn, closed.id).await?;
        txn.commit().await?;
        revoked.forget(core);
        core.after_release().await;
        tracing::info!("account closed");
        Ok(())
    }
}
