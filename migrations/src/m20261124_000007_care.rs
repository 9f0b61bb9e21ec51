//! The record's second half: care relationships opened by a NIN look-up
//! with a recorded reason (the other kind of care relationship, beside an
//! appointment), and attachments — files whose bytes live in a
//! content-addressed store outside the database, named here by SHA-256.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000007_care"
    }
}

#[derive(DeriveIden)]
enum CareRelations {
    Table,
    Id,
    FacilityId,
    SubjectId,
    PractitionerId,
    Reason,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum RecordAttachments {
    Table,
    Id,
    EntryId,
    SubjectId,
    HolderId,
    FacilityId,
    AuthorId,
    Sha256,
    MediaType,
    Size,
    FileName,
    CreatedAt,
}

fn uuid<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).uuid().not_null().to_owned()
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
                .table(CareRelations::Table)
                .col(uuid(CareRelations::Id).primary_key())
                .col(uuid(CareRelations::FacilityId))
                .col(uuid(CareRelations::SubjectId))
                .col(uuid(CareRelations::PractitionerId))
                .col(text(CareRelations::Reason))
                .col(ts(CareRelations::CreatedAt))
                .col(ts(CareRelations::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_care_relations_facility_subject")
                .table(CareRelations::Table)
                .col(CareRelations::FacilityId)
                .col(CareRelations::SubjectId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RecordAttachments::Table)
                .col(uuid(RecordAttachments::Id).primary_key())
                .col(uuid(RecordAttachments::EntryId))
                .col(uuid(RecordAttachments::SubjectId))
                .col(uuid(RecordAttachments::HolderId))
                .col(uuid(RecordAttachments::FacilityId))
                .col(uuid(RecordAttachments::AuthorId))
                .col(ColumnDef::new(RecordAttachments::Sha256).string_len(64).not_null())
                .col(text(RecordAttachments::MediaType))
                .col(ColumnDef::new(RecordAttachments::Size).big_integer().not_null())
                .col(text(RecordAttachments::FileName))
                .col(ts(RecordAttachments::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_record_attachments_entry").table(RecordAttachments::Table).col(RecordAttachments::EntryId).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RecordAttachments::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(CareRelations::Table).to_owned()).await
    }
}
