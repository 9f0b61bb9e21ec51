//! The heads of the access-log chains, written out of the database.
//!
//! A hash chain shows that no row in the middle was changed, not that the
//! last rows were not cut off (or cut off and rewritten). So every few
//! minutes each server process appends the current head — patient, `seq`,
//! `hash` — of every chain that moved to `audit_dir/access-heads.log`, an
//! append-only file (a mounted write-once volume in production), each line
//! with an HMAC under the audit key: a line cannot be forged without the
//! key, and a chain whose anchored head is missing or different is broken.
//! Writing a head twice is harmless; a head not yet anchored when the
//! database is tampered with is only protected by its chain.

use crate::entities::record_access;
use crate::services::Audit;
use crate::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use hmac::Mac;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use uuid::Uuid;

const FILE: &str = "access-heads.log";

fn line_mac(key: &[u8], body: &str) -> String {
    let mut m = crate::keys::keyed_mac(key, b"sihati/access-log-anchor/v1");
    m.update(body.as_bytes());
    crate::keys::hex(&m.finalize().into_bytes())
}

/// What the anchor file says: the highest anchored head of each chain.
#[derive(Debug, Default)]
pub struct Anchors {
    pub lines: u64,
    pub forged: u64,
    pub heads: HashMap<Uuid, (i64, String)>,
}

/// Reads the anchor file (none yet: no anchors). Lines whose MAC is wrong
/// are counted, not trusted.
pub fn read(dir: &Path, key: &[u8]) -> Result<Anchors> {
    let mut out = Anchors::default();
    let text = match std::fs::read_to_string(dir.join(FILE)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::Internal(format!("reading the access-log anchors: {e}"))),
    };
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        out.lines += 1;
        let Some((body, mac)) = line.rsplit_once(' ') else {
            out.forged += 1;
            continue;
        };
        let parts: Vec<&str> = body.split(' ').collect();
        let parsed = match parts.as_slice() {
            [_, subject, seq, hash] => subject.parse::<Uuid>().ok().zip(seq.parse::<i64>().ok()).map(|(s, q)| (s, q, hash.to_string())),
            _ => None,
        };
        match parsed {
            Some((subject, seq, hash)) if line_mac(key, body) == mac => {
                let head = out.heads.entry(subject).or_insert((seq, hash.clone()));
                if seq >= head.0 {
                    *head = (seq, hash);
                }
            }
            _ => out.forged += 1,
        }
    }
    Ok(out)
}

impl Audit {
    /// Appends the head of every chain that moved since the last run (all
    /// of them on a process's first run) to the anchor file, and syncs it.
    /// Returns how many heads were written.
    pub async fn anchor_access_heads(&self) -> Result<u64> {
        let started = Utc::now();
        let since: Option<DateTime<Utc>> = *self.core.inner.anchored_until.lock().expect("not poisoned");
        // A row's time is when it was appended, and its transaction may
        // commit a little later: look back a minute beyond the last run.
        let mut q = record_access::Entity::find()
            .select_only()
            .column(record_access::Column::SubjectId)
            .column_as(record_access::Column::Seq.max(), "seq")
            .group_by(record_access::Column::SubjectId);
        if let Some(since) = since {
            q = q.filter(record_access::Column::At.gt(since - Duration::minutes(1)));
        }
        let heads: Vec<(Uuid, i64)> = q.into_tuple().all(self.core.db()).await?;
        let mut lines = String::new();
        let key = &self.core.config().audit_secret;
        for chunk in heads.chunks(200) {
            let mut any = Condition::any();
            for (subject, seq) in chunk {
                any = any.add(Condition::all().add(record_access::Column::SubjectId.eq(*subject)).add(record_access::Column::Seq.eq(*seq)));
            }
            for r in record_access::Entity::find().filter(any).all(self.core.db()).await? {
                let body = format!("{} {} {} {}", started.to_rfc3339(), r.subject_id, r.seq, r.hash);
                lines.push_str(&format!("{body} {}\n", line_mac(key, &body)));
            }
        }
        if !lines.is_empty() {
            let dir = self.core.config().audit_dir.clone();
            tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                std::fs::create_dir_all(&dir)?;
                let mut f = std::fs::OpenOptions::new().create(true).append(true).open(dir.join(FILE))?;
                f.write_all(lines.as_bytes())?;
                f.sync_data()
            })
            .await
            .map_err(|e| Error::Internal(e.to_string()))?
            .map_err(|e| Error::Internal(format!("writing the access-log anchors: {e}")))?;
        }
        *self.core.inner.anchored_until.lock().expect("not poisoned") = Some(started);
        Ok(heads.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_lines_are_trusted_only_with_their_mac_and_the_highest_head_wins() {
        let dir = tempfile_dir();
        let key = [7u8; 32];
        let s = Uuid::new_v4();
        let line = |seq: i64, hash: &str, k: &[u8]| {
            let body = format!("2026-12-02T10:00:00+00:00 {s} {seq} {hash}");
            format!("{body} {}\n", line_mac(k, &body))
        };
        let text = [line(3, "aaa", &key), line(5, "bbb", &key), line(9, "ccc", &[8u8; 32]), "garbage\n".to_owned()].concat();
        std::fs::write(dir.join(FILE), text).unwrap();
        let a = read(&dir, &key).unwrap();
        assert_eq!((a.lines, a.forged), (4, 2));
        assert_eq!(a.heads[&s], (5, "bbb".to_owned()), "the forged seq 9 is not believed");
        assert_eq!(read(&dir.join("none"), &key).unwrap().lines, 0);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("sihati-anchors-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
