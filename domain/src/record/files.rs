//! Attachments: files (PDF, JPEG, PNG) attached to record entries.
//!
//! - The type is decided by the bytes (magic numbers), never by the name or
//!   the declared content type; anything else is refused (`file_type_rejected`).
//! - Size is capped (`SIHATI_ATTACHMENT_MAX_BYTES`, 10 MiB by default).
//! - Bytes live outside the database in a content-addressed store: the file
//!   is named by its SHA-256 (`files/ab/abcdef…`), written to a temporary
//!   name, synced and renamed, so a crash never leaves half a file under a
//!   real name. Identical files are stored once.
//! - Reading is authorised like the entry it belongs to, logged in the
//!   access log, and the web and API doors serve it only as a download.

use crate::entities::{record_attachment, record_entry};
use crate::services::Record;
use crate::{Actor, Core, Error, Result};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};
use shared::dto::AttachmentOut;
use shared::{AttachmentId, EntryId, ErrorCode, FieldError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The media type of an accepted file, from its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

fn extension(media_type: &str) -> &'static str {
    match media_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        _ => "png",
    }
}

/// A file name safe to show and to put in a `Content-Disposition` header:
/// letters (any script), digits, `-`, `_`, `.` and spaces; at most 100
/// characters; the extension always the one of the real type.
pub fn clean_file_name(name: &str, media_type: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = base.rsplit_once('.').map(|(s, _)| s).unwrap_or(base);
    let stem: String = stem.chars().filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' ' | '.')).take(100).collect();
    let stem = stem.trim().trim_matches('.');
    let stem = if stem.is_empty() { "document" } else { stem };
    format!("{stem}.{}", extension(media_type))
}

/// The content-addressed store.
#[derive(Clone, Debug)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path_of(&self, sha: &str) -> PathBuf {
        self.root.join(&sha[..2]).join(sha)
    }

    /// Stores the bytes (once per content) and returns their SHA-256.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let sha: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        let path = self.path_of(&sha);
        if tokio::fs::try_exists(&path).await? {
            return Ok(sha);
        }
        let dir = path.parent().expect("two levels");
        tokio::fs::create_dir_all(dir).await?;
        let tmp = dir.join(format!(".{}.tmp", Uuid::new_v4()));
        let data = bytes.to_vec();
        let (tmp2, path2) = (tmp.clone(), path.clone());
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp2)?;
            f.write_all(&data)?;
            f.sync_all()?;
            std::fs::rename(&tmp2, &path2)?;
            if let Some(d) = path2.parent() {
                std::fs::File::open(d)?.sync_all()?;
            }
            Ok(())
        })
        .await
        .map_err(std::io::Error::other)?
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })?;
        Ok(sha)
    }

    /// The bytes stored under `sha`, checked against it.
    pub async fn get(&self, sha: &str) -> std::io::Result<Vec<u8>> {
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a sha-256"));
        }
        let bytes = tokio::fs::read(self.path_of(sha)).await?;
        let actual: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        if actual != sha {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, format!("stored file {sha} is corrupt")));
        }
        Ok(bytes)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// A downloaded attachment.
pub struct Download {
    pub file_name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

impl Core {
    fn files(&self) -> FileStore {
        FileStore::new(self.config().files_dir.clone())
    }

    /// Attachments of these entries, by entry.
    pub(crate) async fn attachments_of(&self, entries: &[EntryId]) -> Result<HashMap<EntryId, Vec<AttachmentOut>>> {
        let mut out: HashMap<EntryId, Vec<AttachmentOut>> = HashMap::new();
        for a in record_attachment::Entity::find()
            .filter(record_attachment::Column::EntryId.is_in(entries.to_vec()))
            .order_by_asc(record_attachment::Column::CreatedAt)
            .all(self.db())
            .await?
        {
            out.entry(a.entry_id).or_default().push(attachment_out(&a));
        }
        Ok(out)
    }
}

impl Record {
    /// A practitioner attaches a file to an entry their facility wrote.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn attach_file(&self, actor: &Actor, entry_id: EntryId, file_name: &str, bytes: &[u8]) -> Result<AttachmentOut> {
        actor.practitioner_facility()?;
        let entry = record_entry::Entity::find_by_id(entry_id).one(self.core.db()).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let facility = self.core.care_facility(self.core.db(), actor, entry.subject_id).await?;
        if entry.facility_id != facility {
            return Err(Error::code(ErrorCode::NotFound));
        }
        if bytes.len() as u64 > self.core.config().attachment_max_bytes {
            return Err(Error::code(ErrorCode::FileTooLarge));
        }
        if bytes.is_empty() {
            return Err(Error::fields(vec![FieldError::new("file", ErrorCode::Required)]));
        }
        let media_type = sniff(bytes).ok_or_else(|| Error::code(ErrorCode::FileTypeRejected))?;
        // The bytes first: a crash between the two leaves an unreferenced
        // file (harmless), never a row without its file.
        let sha = self.core.files().put(bytes).await.map_err(|e| Error::Internal(format!("file store: {e}")))?;
        let txn = self.core.begin_write().await?;
        let row = record_attachment::ActiveModel {
            id: Set(AttachmentId(Uuid::new_v4())),
            entry_id: Set(entry.id),
            subject_id: Set(entry.subject_id),
            holder_id: Set(entry.holder_id),
            facility_id: Set(facility),
            author_id: Set(actor.user_id),
            sha256: Set(sha),
            media_type: Set(media_type.into()),
            size: Set(bytes.len() as i64),
            file_name: Set(clean_file_name(file_name, media_type)),
            created_at: Set(self.core.clock().now()),
        }
        .insert(&txn)
        .await?;
        self.core.log_access(&txn, entry.subject_id, actor, Some(facility), shared::AccessAction::AttachFile, Some(entry.id), "").await?;
        txn.commit().await?;
        Ok(attachment_out(&row))
    }

    /// An attachment's bytes, for the patient (or guardian) or a
    /// practitioner in a care relationship; logged.
    #[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
    pub async fn download_attachment(&self, actor: &Actor, id: AttachmentId) -> Result<Download> {
        let txn = self.core.begin_write().await?;
        let a = record_attachment::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| Error::code(ErrorCode::NotFound))?;
        let facility = self.core.reader_facility(&txn, actor, a.subject_id).await?;
        self.core.log_access(&txn, a.subject_id, actor, facility, shared::AccessAction::ReadFile, Some(a.entry_id), "").await?;
        txn.commit().await?;
        let bytes = self.core.files().get(&a.sha256).await.map_err(|e| Error::Internal(format!("file store: {e}")))?;
        Ok(Download { file_name: a.file_name, media_type: a.media_type, bytes })
    }
}

fn attachment_out(a: &record_attachment::Model) -> AttachmentOut {
    AttachmentOut { id: a.id, file_name: a.file_name.clone(), media_type: a.media_type.clone(), size: a.size as u64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn names_are_cleaned_and_take_the_real_extension() {
        assert_eq!(clean_file_name("bilan sanguin.pdf", "application/pdf"), "bilan sanguin.pdf");
        assert_eq!(clean_file_name("../../etc/passwd", "image/png"), "passwd.png");
        assert_eq!(clean_file_name("x\"; filename=evil.html", "application/pdf"), "x filenameevil.pdf");
        assert_eq!(clean_file_name("تحليل.html", "image/jpeg"), "تحليل.jpg");
        assert_eq!(clean_file_name("", "application/pdf"), "document.pdf");
    }

    #[tokio::test]
    async fn the_store_keeps_one_copy_per_content_and_detects_corruption() {
        let dir = std::env::temp_dir().join(format!("sihati-store-{}", Uuid::new_v4()));
        let store = FileStore::new(&dir);
        let a = store.put(b"%PDF-1.4 one").await.unwrap();
        assert_eq!(store.put(b"%PDF-1.4 one").await.unwrap(), a);
        assert_eq!(store.get(&a).await.unwrap(), b"%PDF-1.4 one");
        let files: Vec<_> = std::fs::read_dir(dir.join(&a[..2])).unwrap().collect();
        assert_eq!(files.len(), 1, "one file, no temporary left");
        std::fs::write(dir.join(&a[..2]).join(&a), b"changed").unwrap();
        assert!(store.get(&a).await.is_err());
        assert!(store.get("../../etc/passwd").await.is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
