//! "Who looked at my record": the access log.
//!
//! Every read or write of record data appends a row in the same
//! transaction as the access. Rows form one hash chain per patient: `seq`
//! counts from 1 without gaps (unique with the patient) and `hash` is
//! SHA-256 over the previous row's hash and this row's fields, so editing,
//! removing or reordering a row breaks the chain from there on.
//! [`Domain::verify_access_log`] (CLI: `server audit verify`) recomputes
//! every chain. Appends for one patient are serialised: SQLite's write
//! transactions are (BEGIN IMMEDIATE); on PostgreSQL a transaction-scoped
//! advisory lock keyed by the patient is taken first.

use crate::entities::record_access;
use crate::{Actor, Domain, Result};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Set, Statement};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The previous hash of every chain's first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[allow(clippy::too_many_arguments)]
fn chain_hash(prev: &str, subject: Uuid, seq: i64, at: DateTime<Utc>, actor: Uuid, role: &str, facility: Option<Uuid>, action: &str, entry: Option<Uuid>, reason: &str) -> String {
    let mut h = Sha256::new();
    let opt = |u: Option<Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
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
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn row_hash(r: &record_access::Model, prev: &str) -> String {
    chain_hash(prev, r.subject_id, r.seq, r.at, r.actor_id, &r.actor_role, r.facility_id, &r.action, r.entry_id, &r.reason)
}

/// Appends one access to `subject`'s chain, inside the caller's transaction.
pub(crate) async fn append<C: ConnectionTrait>(db: &C, subject: Uuid, actor: &Actor, facility: Option<Uuid>, action: &str, entry: Option<Uuid>, reason: &str) -> Result<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        let key = i64::from_be_bytes(subject.as_bytes()[..8].try_into().expect("8 bytes"));
        db.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, "SELECT pg_advisory_xact_lock($1)", [key.into()])).await?;
    }
    let last = record_access::Entity::find().filter(record_access::Column::SubjectId.eq(subject)).order_by_desc(record_access::Column::Seq).one(db).await?;
    let (seq, prev) = last.map(|l| (l.seq + 1, l.hash)).unwrap_or((1, GENESIS.to_owned()));
    // Microseconds: what both databases store exactly, so the hash
    // recomputed from the stored row is the same.
    let at = Utc::now().trunc_subsecs(6);
    let role = actor.role.code();
    let hash = chain_hash(&prev, subject, seq, at, actor.user_id.as_uuid(), role, facility, action, entry, reason);
    record_access::ActiveModel {
        id: Set(Uuid::new_v4()),
        subject_id: Set(subject),
        seq: Set(seq),
        at: Set(at),
        actor_id: Set(actor.user_id.as_uuid()),
        actor_role: Set(role.to_owned()),
        facility_id: Set(facility),
        action: Set(action.to_owned()),
        entry_id: Set(entry),
        reason: Set(reason.to_owned()),
        prev_hash: Set(prev),
        hash: Set(hash),
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
    /// The first broken row of each broken chain: (patient, seq).
    pub broken: Vec<(Uuid, i64)>,
}

impl Domain {
    /// Recomputes every patient's chain.
    pub async fn verify_access_log(&self) -> Result<ChainReport> {
        let rows = record_access::Entity::find()
            .order_by_asc(record_access::Column::SubjectId)
            .order_by_asc(record_access::Column::Seq)
            .all(self.db())
            .await?;
        let mut report = ChainReport { rows: rows.len() as u64, ..Default::default() };
        let mut current: Option<Uuid> = None;
        let (mut prev, mut expected, mut broken) = (GENESIS.to_owned(), 1i64, false);
        for r in &rows {
            if current != Some(r.subject_id) {
                current = Some(r.subject_id);
                report.patients += 1;
                (prev, expected, broken) = (GENESIS.to_owned(), 1, false);
            }
            if broken {
                continue;
            }
            if r.seq != expected || r.prev_hash != prev || row_hash(r, &prev) != r.hash {
                report.broken.push((r.subject_id, r.seq));
                broken = true;
                continue;
            }
            prev = r.hash.clone();
            expected += 1;
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
