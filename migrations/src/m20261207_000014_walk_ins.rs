//! Patients without an account. The desk receives a walk-in whom Sihati
//! does not know by NIN: their NIN goes into `persons` (the one index over
//! every NIN) and what the desk saw on the identity card here, under the
//! same id. Their record is kept under that id too; when they register
//! later, their account is created under it, so nothing moves and the row
//! here is deleted in the registration's transaction.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000014_walk_ins"
    }
}

#[derive(DeriveIden)]
enum WalkInPatients {
    Table,
    Id,
    GivenName,
    FamilyName,
    BirthDate,
    Sex,
    Phone,
    FacilityId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(WalkInPatients::Table)
                .col(ColumnDef::new(WalkInPatients::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(WalkInPatients::GivenName).string().not_null())
                .col(ColumnDef::new(WalkInPatients::FamilyName).string().not_null())
                .col(ColumnDef::new(WalkInPatients::BirthDate).date().not_null())
                .col(ColumnDef::new(WalkInPatients::Sex).string().not_null())
                .col(ColumnDef::new(WalkInPatients::Phone).string().null())
                .col(ColumnDef::new(WalkInPatients::FacilityId).uuid().not_null())
                .col(ColumnDef::new(WalkInPatients::CreatedBy).uuid().not_null())
                .col(ColumnDef::new(WalkInPatients::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(WalkInPatients::UpdatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WalkInPatients::Table).to_owned()).await
    }
}
