//! Claims: a person registering with a NIN that an account holds for a
//! dependant asks for their record. The request keeps what they typed (and
//! the hash of the password they chose) until the guardian approves it, or
//! a desk does on seeing the identity card; then their account is created
//! under the dependant's id — the id their record is already kept under —
//! and the record, appointments and referrals follow the person.
//!
//! Consent requests: an account holder asks to manage an adult's
//! appointments and record; the adult, who has an account, approves.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000012_claims"
    }
}

#[derive(DeriveIden)]
enum Claims {
    Table,
    Id,
    PersonId,
    HolderId,
    GivenName,
    FamilyName,
    BirthDate,
    Sex,
    Phone,
    Email,
    PasswordHash,
    Lang,
    Status,
    CreatedAt,
    ExpiresAt,
    DecidedAt,
    DecidedBy,
}

#[derive(DeriveIden)]
enum ConsentRequests {
    Table,
    Id,
    HolderId,
    PersonId,
    Relation,
    Status,
    CreatedAt,
    ExpiresAt,
    DecidedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Claims::Table)
                .col(ColumnDef::new(Claims::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(Claims::PersonId).uuid().not_null())
                .col(ColumnDef::new(Claims::HolderId).uuid().not_null())
                .col(ColumnDef::new(Claims::GivenName).string().not_null())
                .col(ColumnDef::new(Claims::FamilyName).string().not_null())
                .col(ColumnDef::new(Claims::BirthDate).date().not_null())
                .col(ColumnDef::new(Claims::Sex).string().not_null())
                .col(ColumnDef::new(Claims::Phone).string().not_null())
                .col(ColumnDef::new(Claims::Email).string().null())
                .col(ColumnDef::new(Claims::PasswordHash).string().not_null())
                .col(ColumnDef::new(Claims::Lang).string().not_null())
                .col(ColumnDef::new(Claims::Status).string().not_null())
                .col(ColumnDef::new(Claims::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Claims::ExpiresAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Claims::DecidedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Claims::DecidedBy).uuid().null())
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_claims_person").table(Claims::Table).col(Claims::PersonId).to_owned()).await?;
        m.create_index(Index::create().name("ix_claims_holder").table(Claims::Table).col(Claims::HolderId).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(ConsentRequests::Table)
                .col(ColumnDef::new(ConsentRequests::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(ConsentRequests::HolderId).uuid().not_null())
                .col(ColumnDef::new(ConsentRequests::PersonId).uuid().not_null())
                .col(ColumnDef::new(ConsentRequests::Relation).string().not_null())
                .col(ColumnDef::new(ConsentRequests::Status).string().not_null())
                .col(ColumnDef::new(ConsentRequests::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ConsentRequests::ExpiresAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ConsentRequests::DecidedAt).timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_consent_requests_person").table(ConsentRequests::Table).col(ConsentRequests::PersonId).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ConsentRequests::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Claims::Table).to_owned()).await
    }
}
