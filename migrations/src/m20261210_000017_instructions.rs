//! Pre-visit instructions: what to bring and do before a visit. The
//! health directorate sets a rule per specialty for the whole network
//! (no facility); a polyclinic's admin adds its own, for all its
//! specialties (no specialty) or for one. `scope` names the rule
//! (`network:<specialty>`, `facility:<facility>`, `facility:<facility>:<specialty>`)
//! so that the database keeps one row per rule (a unique index over
//! nullable columns would not: NULLs are all distinct).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261210_000017_instructions"
    }
}

#[derive(DeriveIden)]
enum VisitInstructions {
    Table,
    Id,
    Scope,
    FacilityId,
    SpecialtyId,
    PreviousResults,
    Fasting,
    NoteAr,
    NoteFr,
    NoteEn,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(VisitInstructions::Table)
                .col(ColumnDef::new(VisitInstructions::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(VisitInstructions::Scope).string().not_null().unique_key())
                .col(ColumnDef::new(VisitInstructions::FacilityId).uuid().null())
                .col(ColumnDef::new(VisitInstructions::SpecialtyId).uuid().null())
                .col(ColumnDef::new(VisitInstructions::PreviousResults).boolean().not_null())
                .col(ColumnDef::new(VisitInstructions::Fasting).boolean().not_null())
                .col(ColumnDef::new(VisitInstructions::NoteAr).text().not_null())
                .col(ColumnDef::new(VisitInstructions::NoteFr).text().not_null())
                .col(ColumnDef::new(VisitInstructions::NoteEn).text().not_null())
                .col(ColumnDef::new(VisitInstructions::UpdatedBy).uuid().null())
                .col(ColumnDef::new(VisitInstructions::UpdatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_visit_instructions_facility").table(VisitInstructions::Table).col(VisitInstructions::FacilityId).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(VisitInstructions::Table).to_owned()).await
    }
}
