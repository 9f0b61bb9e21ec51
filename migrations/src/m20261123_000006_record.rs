//! The medical record (DEM): entries written by practitioners, never
//! deleted (a mistake is marked entered-in-error and corrected by a new
//! entry), and the access log every read or write of record data appends
//! to — one hash chain per patient, `(subject_id, seq)` unique, so that a
//! changed, removed or reordered row breaks the chain.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000006_record"
    }
}

#[derive(DeriveIden)]
enum RecordEntries {
    Table,
    Id,
    SubjectId,
    HolderId,
    FacilityId,
    AuthorId,
    Kind,
    AppointmentId,
    Body,
    Status,
    CorrectsId,
    ErrorReason,
    VerificationCode,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RecordAccessLog {
    Table,
    Id,
    SubjectId,
    Seq,
    At,
    ActorId,
    ActorRole,
    FacilityId,
    Action,
    EntryId,
    Reason,
    PrevHash,
    Hash,
}

fn uuid<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).uuid().not_null().to_owned()
}
fn uuid_null<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).uuid().null().to_owned()
}
fn text<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).string().not_null().to_owned()
}
fn ts<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RecordEntries::Table)
                .col(uuid(RecordEntries::Id).primary_key())
                .col(uuid(RecordEntries::SubjectId))
                .col(uuid(RecordEntries::HolderId))
                .col(uuid(RecordEntries::FacilityId))
                .col(uuid(RecordEntries::AuthorId))
                .col(text(RecordEntries::Kind))
                .col(uuid_null(RecordEntries::AppointmentId))
                .col(ColumnDef::new(RecordEntries::Body).text().not_null())
                .col(text(RecordEntries::Status))
                .col(uuid_null(RecordEntries::CorrectsId))
                .col(ColumnDef::new(RecordEntries::ErrorReason).string().null())
                .col(ColumnDef::new(RecordEntries::VerificationCode).string().null())
                .col(ts(RecordEntries::CreatedAt))
                .col(ts(RecordEntries::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_record_entries_subject")
                .table(RecordEntries::Table)
                .col(RecordEntries::SubjectId)
                .col(RecordEntries::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_record_entries_holder").table(RecordEntries::Table).col(RecordEntries::HolderId).to_owned()).await?;
        m.create_index(Index::create().name("ux_record_entries_code").table(RecordEntries::Table).col(RecordEntries::VerificationCode).unique().to_owned())
            .await?;

        m.create_table(
            Table::create()
                .table(RecordAccessLog::Table)
                .col(uuid(RecordAccessLog::Id).primary_key())
                .col(uuid(RecordAccessLog::SubjectId))
                .col(ColumnDef::new(RecordAccessLog::Seq).big_integer().not_null())
                .col(ts(RecordAccessLog::At))
                .col(uuid(RecordAccessLog::ActorId))
                .col(text(RecordAccessLog::ActorRole))
                .col(uuid_null(RecordAccessLog::FacilityId))
                .col(text(RecordAccessLog::Action))
                .col(uuid_null(RecordAccessLog::EntryId))
                .col(text(RecordAccessLog::Reason))
                .col(text(RecordAccessLog::PrevHash))
                .col(text(RecordAccessLog::Hash))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_record_access_subject_seq")
                .table(RecordAccessLog::Table)
                .col(RecordAccessLog::SubjectId)
                .col(RecordAccessLog::Seq)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RecordAccessLog::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(RecordEntries::Table).to_owned()).await?;
        Ok(())
    }
}
