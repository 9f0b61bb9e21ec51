//! The waiting list's work queue: one row per specialty and wilaya in which
//! time may have become free (a cancellation, a declined or expired offer,
//! new slots, a new entry), written in the same transaction as the change.
//! A background job takes a row under a lease, offers that scope's free
//! slots to that scope's waiting entries, and removes the row unless it was
//! signalled again meanwhile. The entries' index gains the wilaya, so the
//! job reads one scope's entries only.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261217_000024_waitlist_signals"
    }
}

#[derive(DeriveIden)]
enum WaitlistSignals {
    Table,
    SpecialtyId,
    WilayaCode,
    SignalledAt,
    LeaseOwner,
    LeaseUntil,
}

#[derive(DeriveIden)]
enum WaitlistEntries {
    Table,
    SpecialtyId,
    WilayaCode,
    Status,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(WaitlistSignals::Table)
                .col(ColumnDef::new(WaitlistSignals::SpecialtyId).uuid().not_null())
                .col(ColumnDef::new(WaitlistSignals::WilayaCode).string_len(2).not_null())
                .col(ColumnDef::new(WaitlistSignals::SignalledAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(WaitlistSignals::LeaseOwner).uuid().null())
                .col(ColumnDef::new(WaitlistSignals::LeaseUntil).timestamp_with_time_zone().null())
                .primary_key(Index::create().col(WaitlistSignals::SpecialtyId).col(WaitlistSignals::WilayaCode))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_waitlist_scope")
                .table(WaitlistEntries::Table)
                .col(WaitlistEntries::SpecialtyId)
                .col(WaitlistEntries::WilayaCode)
                .col(WaitlistEntries::Status)
                .col(WaitlistEntries::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_waitlist_scope").table(WaitlistEntries::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(WaitlistSignals::Table).to_owned()).await
    }
}
