//! A citizen may close their account (law 18-07): the contact data is
//! erased and `closed_at` says when; the identity stays with the medical
//! record, which health law keeps.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261213_000020_closed_accounts"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    ClosedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Users::Table).add_column(ColumnDef::new(Users::ClosedAt).timestamp_with_time_zone().null()).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Users::Table).drop_column(Users::ClosedAt).to_owned()).await
    }
}
