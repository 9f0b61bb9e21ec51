//! Notifications that are never lost: the outbox (one row per message and
//! channel, written in the same transaction as the event that causes it),
//! the in-app inbox the worker delivers into, and each citizen's channel
//! preferences.
//!
//! `dedupe_key` is unique: an event can never be queued twice for the same
//! channel, so a retried request or a replayed event adds nothing. Claiming
//! is a lease (`lease_owner`, `lease_until`) so that a worker that dies
//! mid-send gives its rows back when the lease runs out.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000005_notify"
    }
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    DedupeKey,
    Kind,
    Channel,
    AccountId,
    AppointmentId,
    SubjectId,
    FacilityId,
    Params,
    DueAt,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseOwner,
    LeaseUntil,
    LastError,
    SentAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum InboxMessages {
    Table,
    Id,
    AccountId,
    OutboxId,
    Kind,
    AppointmentId,
    Texts,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum NotificationPrefs {
    Table,
    AccountId,
    Email,
    Sms,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
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
fn ts_null<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(uuid(Outbox::Id).primary_key())
                .col(text(Outbox::DedupeKey))
                .col(text(Outbox::Kind))
                .col(text(Outbox::Channel))
                .col(uuid(Outbox::AccountId))
                .col(uuid_null(Outbox::AppointmentId))
                .col(uuid_null(Outbox::SubjectId))
                .col(uuid_null(Outbox::FacilityId))
                .col(ColumnDef::new(Outbox::Params).text().not_null())
                .col(ts(Outbox::DueAt))
                .col(text(Outbox::Status))
                .col(ColumnDef::new(Outbox::Attempts).integer().not_null().default(0))
                .col(ts(Outbox::NextAttemptAt))
                .col(ColumnDef::new(Outbox::LeaseOwner).string().null())
                .col(ts_null(Outbox::LeaseUntil))
                .col(ColumnDef::new(Outbox::LastError).string().null())
                .col(ts_null(Outbox::SentAt))
                .col(ts(Outbox::CreatedAt))
                .col(ts(Outbox::UpdatedAt))
                .foreign_key(ForeignKey::create().from(Outbox::Table, Outbox::AccountId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ux_outbox_dedupe_key").table(Outbox::Table).col(Outbox::DedupeKey).unique().to_owned()).await?;
        m.create_index(Index::create().name("ix_outbox_due").table(Outbox::Table).col(Outbox::Status).col(Outbox::NextAttemptAt).to_owned()).await?;
        m.create_index(Index::create().name("ix_outbox_appointment").table(Outbox::Table).col(Outbox::AppointmentId).to_owned()).await?;
        m.create_index(Index::create().name("ix_outbox_facility_status").table(Outbox::Table).col(Outbox::FacilityId).col(Outbox::Status).to_owned()).await?;

        m.create_table(
            Table::create()
                .table(InboxMessages::Table)
                .col(uuid(InboxMessages::Id).primary_key())
                .col(uuid(InboxMessages::AccountId))
                .col(uuid(InboxMessages::OutboxId))
                .col(text(InboxMessages::Kind))
                .col(uuid_null(InboxMessages::AppointmentId))
                .col(ColumnDef::new(InboxMessages::Texts).text().not_null())
                .col(ts(InboxMessages::CreatedAt))
                .col(ts_null(InboxMessages::ReadAt))
                .foreign_key(ForeignKey::create().from(InboxMessages::Table, InboxMessages::AccountId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ux_inbox_outbox").table(InboxMessages::Table).col(InboxMessages::OutboxId).unique().to_owned()).await?;
        m.create_index(
            Index::create().name("ix_inbox_account").table(InboxMessages::Table).col(InboxMessages::AccountId).col(InboxMessages::CreatedAt).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(NotificationPrefs::Table)
                .col(uuid(NotificationPrefs::AccountId).primary_key())
                .col(ColumnDef::new(NotificationPrefs::Email).boolean().not_null())
                .col(ColumnDef::new(NotificationPrefs::Sms).boolean().not_null())
                .col(ts(NotificationPrefs::UpdatedAt))
                .foreign_key(ForeignKey::create().from(NotificationPrefs::Table, NotificationPrefs::AccountId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(NotificationPrefs::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(InboxMessages::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Outbox::Table).to_owned()).await?;
        Ok(())
    }
}
