//! The access log's chain becomes keyed: rows written from now on carry an
//! HMAC under the audit key (`mac_version = 2`); rows written before keep
//! their plain SHA-256 (`1`) and are verified as such.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000009_audit"
    }
}

#[derive(DeriveIden)]
enum RecordAccessLog {
    Table,
    MacVersion,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(RecordAccessLog::Table).add_column(ColumnDef::new(RecordAccessLog::MacVersion).integer().not_null().default(1)).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(RecordAccessLog::Table).drop_column(RecordAccessLog::MacVersion).to_owned()).await
    }
}
