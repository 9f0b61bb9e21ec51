//! "Who looked at my record": the access log.
//!
//! Every read or write of record data appends a row in the same
//! transaction as the access. Rows form one chain per patient: `seq`
//! counts from 1 without gaps (unique with the patient) and `hash` is an
//! HMAC-SHA-256, under the audit key, over the previous row's hash and
//! this row's fields, so editing, removing or reordering a row breaks the
//! chain from there on, and whoever can write to the database but does
//! not hold the key cannot forge a consistent one (rows written before the
//! key existed keep their plain SHA-256, `mac_version = 1`). A chain alone
//! cannot show that its *end* was cut off or rewritten, so the heads of
//! the chains are written out every few minutes to an append-only file
//! outside the database, each line under the same key
//! ([`Audit::anchor_access_heads`](crate::Audit::anchor_access_heads)). [`Audit::verify_access_log`](crate::Audit::verify_access_log) (CLI:
//! `server audit verify`) recomputes every chain and checks that the last
//! anchored head of each is still there, unchanged. Appends for one
//! patient are serialised: SQLite's write transactions are (BEGIN
//! IMMEDIATE); on PostgreSQL a transaction-scoped advisory lock keyed by
//! the patient is taken first.

use crate::entities::record_access;
use crate::services::Audit;
use crate::{Actor, Core, Result};
use chrono::{DateTime, SubsecRound, Utc};
use hmac::Mac;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Set, Statement};
use sha2::{Digest, Sha256};
use shared::{AccessAction, EntryId, FacilityId, PersonId};
use uuid::Uuid;

/// `hash` is a plain SHA-256 (rows written before the audit key).
pub const SHA256_V1: i32 = 1;
/// `hash` is an HMAC-SHA-256 under the audit key.
pub const HMAC_V2: i32 = 2;

/// The previous hash of every chain's first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The bytes a row's hash covers: the previous hash and every field.
#[allow(clippy::too_many_arguments)]
fn chain_bytes(
    prev: &str,
    subject: Uuid,
    seq: i64,
    at: DateTime<Utc>,
    actor: Uuid,
    role: &str,
    facility: Option<Uuid>,
    action: &str,
    entry: Option<Uuid>,
    reason: &str,
) -> Vec<u8> {
    let opt = |u: Option<Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
    let mut out = Vec::with_capacity(256);
    for part in [
        prev.to_owned(),
        subject.to_string(),
        seq.to_string(),
        at.timestamp_micros().to_string(),
        actor.to_string(),
        role.to_owned(),
        opt(facility),
        action.to_owned(),
        opt(entry),
        reason.to_owned(),
    ] {
        out.extend_from_slice(part.as_bytes());
        out.push(0x1f);
    }
    out
}

use crate::keys::hex;

/// The keyed MAC: the audit key is first derived for this use, so it never
/// signs anything else.
fn mac(key: &[u8], bytes: &[u8]) -> String {
    let mut m = crate::keys::keyed_mac(key, b"sihati/record-access-log/v2");
    m.update(bytes);
    hex(&m.finalize().into_bytes())
}

#[cfg(test)]
#[allow(clippy::too_many_arguments)]
fn chain_hash(
    prev: &str,
    subject: Uuid,
    seq: i64,
    at: DateTime<Utc>,
    actor: Uuid,
    role: &str,
    facility: Option<Uuid>,
    action: &str,
    entry: Option<Uuid>,
    reason: &str,
) -> String {
    hex(&Sha256::digest(chain_bytes(prev, subject, seq, at, actor, role, facility, action, entry, reason)))
}

/// What a row's hash should be, by its version.
pub fn row_hash(key: &[u8], r: &record_access::Model, prev: &str) -> String {
    let bytes = chain_bytes(
        prev,
        r.subject_id.0,
        r.seq,
        r.at,
        r.actor_id.0,
        &r.actor_role,
        r.facility_id.map(Uuid::from),
        &r.action,
        r.entry_id.map(Uuid::from),
        &r.reason,
    );
    match r.mac_version {
        SHA256_V1 => hex(&Sha256::digest(bytes)),
        _ => mac(key, &bytes),
    }
}

impl Core {
    /// Appends to the patient's access log, in the caller's transaction,
    /// sealed with the audit secret.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn log_access<C: ConnectionTrait>(
        &self,
        db: &C,
        subject: PersonId,
        actor: &Actor,
        facility: Option<FacilityId>,
        action: AccessAction,
        entry: Option<EntryId>,
        reason: &str,
    ) -> Result<()> {
        // Real time, not the domain clock, on purpose: an audit trail is not
        // moved by a test clock (ARCHITECTURE › Clock).
        append(&self.config().audit_secret, Utc::now(), db, subject, actor, facility, action, entry, reason).await
    }
}

/// Holds `subject`'s chain until the caller's transaction ends, so that
/// appends (and what a caller counts before appending) happen one at a
/// time. PostgreSQL: a transaction-scoped advisory lock (taking it twice in
/// one transaction is fine); SQLite's write transactions are serial already.
pub(crate) async fn lock_chain<C: ConnectionTrait>(db: &C, subject: PersonId) -> Result<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        let key = i64::from_be_bytes(subject.0.as_bytes()[..8].try_into().expect("8 bytes"));
        db.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, "SELECT pg_advisory_xact_lock($1)", [key.into()])).await?;
    }
    Ok(())
}

/// Appends one access to `subject`'s chain, inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
async fn append<C: ConnectionTrait>(
    key: &[u8],
    now: chrono::DateTime<Utc>,
    db: &C,
    subject: PersonId,
    actor: &Actor,
    facility: Option<FacilityId>,
    action: AccessAction,
    entry: Option<EntryId>,
    reason: &str,
) -> Result<()> {
    lock_chain(db, subject).await?;
    let last = record_access::Entity::find().filter(record_access::Column::SubjectId.eq(subject)).order_by_desc(record_access::Column::Seq).one(db).await?;
    let (seq, prev) = last.map(|l| (l.seq + 1, l.hash)).unwrap_or((1, GENESIS.to_owned()));
    // Microseconds: what both databases store exactly, so the hash
    // recomputed from the stored row is the same.
    let at = now.trunc_subsecs(6);
    let role = actor.role.code();
    let hash = mac(key, &chain_bytes(&prev, subject.0, seq, at, actor.user_id.0, role, facility.map(Uuid::from), action.code(), entry.map(Uuid::from), reason));
    record_access::ActiveModel {
        id: Set(Uuid::new_v4()),
        subject_id: Set(subject),
        seq: Set(seq),
        at: Set(at),
        actor_id: Set(actor.user_id),
        actor_role: Set(role.to_owned()),
        facility_id: Set(facility),
        action: Set(action.code().to_owned()),
        entry_id: Set(entry),
        reason: Set(reason.to_owned()),
        prev_hash: Set(prev),
        hash: Set(hash),
        mac_version: Set(HMAC_V2),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// What a verification of the access log found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ChainReport {
    pub rows: u64,
    pub patients: u64,
    /// The first broken row of each broken chain: (patient, seq) — a row
    /// that does not follow, or an anchored head that is gone or changed.
    pub broken: Vec<(Uuid, i64)>,
    /// Anchor lines read, and those whose MAC is wrong (written by
    /// someone without the key).
    pub anchors: u64,
    pub forged_anchors: u64,
}

impl Audit {
    /// Recomputes every patient's chain, then checks that the last
    /// anchored head of each is still in it, unchanged.
    pub async fn verify_access_log(&self) -> Result<ChainReport> {
        let key = &self.core.config().audit_secret;
        let rows =
            record_access::Entity::find().order_by_asc(record_access::Column::SubjectId).order_by_asc(record_access::Column::Seq).all(self.core.db()).await?;
        let mut report = ChainReport { rows: rows.len() as u64, ..Default::default() };
        let mut current: Option<PersonId> = None;
        let (mut prev, mut expected, mut broken, mut keyed) = (GENESIS.to_owned(), 1i64, false, false);
        for r in &rows {
            if current != Some(r.subject_id) {
                current = Some(r.subject_id);
                report.patients += 1;
                (prev, expected, broken, keyed) = (GENESIS.to_owned(), 1, false, false);
            }
            if broken {
                continue;
            }
            // Unkeyed rows exist only before the first keyed one: a plain
            // SHA-256 after it is a forgery by someone without the key.
            let downgraded = keyed && r.mac_version == SHA256_V1;
            keyed |= r.mac_version != SHA256_V1;
            if downgraded || r.seq != expected || r.prev_hash != prev || row_hash(key, r, &prev) != r.hash {
                report.broken.push((r.subject_id.0, r.seq));
                broken = true;
                continue;
            }
            prev = r.hash.clone();
            expected += 1;
        }
        let anchors = super::anchors::read(&self.core.config().audit_dir, key)?;
        report.anchors = anchors.lines;
        report.forged_anchors = anchors.forged;
        let stored: std::collections::HashMap<(Uuid, i64), &str> = rows.iter().map(|r| ((r.subject_id.0, r.seq), r.hash.as_str())).collect();
        for (subject, (seq, hash)) in anchors.heads {
            let intact = stored.get(&(subject, seq)).is_some_and(|h| *h == hash);
            if !intact && !report.broken.iter().any(|(s, _)| *s == subject) {
                report.broken.push((subject, seq));
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keyed_mac_depends_on_the_key_and_differs_from_the_plain_hash() {
        let bytes = chain_bytes(GENESIS, Uuid::nil(), 1, "2026-11-23T10:00:00Z".parse().unwrap(), Uuid::nil(), "citizen", None, "read_record", None, "");
        let (a, b) = (mac(&[1; 32], &bytes), mac(&[2; 32], &bytes));
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(a, hex(&Sha256::digest(&bytes)));
    }

    #[test]
    fn the_hash_covers_every_field_and_the_previous_hash() {
        let (s, a, f, e) = (Uuid::new_v4(), Uuid::new_v4(), Some(Uuid::new_v4()), Some(Uuid::new_v4()));
        let at: DateTime<Utc> = "2026-11-23T10:00:00.123456Z".parse().unwrap();
        let base = chain_hash(GENESIS, s, 1, at, a, "practitioner", f, "read_record", e, "");
        assert_eq!(base.len(), 64);
        assert_eq!(base, chain_hash(GENESIS, s, 1, at, a, "practitioner", f, "read_record", e, ""));
        let other = Uuid::new_v4();
        for changed in [
            chain_hash("1", s, 1, at, a, "practitioner", f, "read_record", e, ""),
            chain_hash(GENESIS, other, 1, at, a, "practitioner", f, "read_record", e, ""),
            chain_hash(GENESIS, s, 2, at, a, "practitioner", f, "read_record", e, ""),
            chain_hash(GENESIS, s, 1, at + chrono::Duration::microseconds(1), a, "practitioner", f, "read_record", e, ""),
            chain_hash(GENESIS, s, 1, at, other, "practitioner", f, "read_record", e, ""),
            chain_hash(GENESIS, s, 1, at, a, "receptionist", f, "read_record", e, ""),
            chain_hash(GENESIS, s, 1, at, a, "practitioner", None, "read_record", e, ""),
            chain_hash(GENESIS, s, 1, at, a, "practitioner", f, "write_entry", e, ""),
            chain_hash(GENESIS, s, 1, at, a, "practitioner", f, "read_record", None, ""),
            chain_hash(GENESIS, s, 1, at, a, "practitioner", f, "read_record", e, "x"),
        ] {
            assert_ne!(changed, base);
        }
    }
}
