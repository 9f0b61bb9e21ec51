//! Stored answers for `Idempotency-Key` requests, one row per user and key.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000003_idempotency"
    }
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    UserId,
    Key,
    RequestHash,
    StatusCode,
    ResponseBody,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(ColumnDef::new(IdempotencyKeys::UserId).uuid().not_null())
                .col(ColumnDef::new(IdempotencyKeys::Key).string().not_null())
                .col(ColumnDef::new(IdempotencyKeys::RequestHash).string().not_null())
                .col(ColumnDef::new(IdempotencyKeys::StatusCode).integer().null())
                .col(ColumnDef::new(IdempotencyKeys::ResponseBody).text().null())
                .col(ColumnDef::new(IdempotencyKeys::CreatedAt).timestamp_with_time_zone().not_null())
                .primary_key(Index::create().col(IdempotencyKeys::UserId).col(IdempotencyKeys::Key))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_idempotency_keys_created").table(IdempotencyKeys::Table).col(IdempotencyKeys::CreatedAt).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned()).await
    }
}
