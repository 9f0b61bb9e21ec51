//! The directorate an administrative act was taken by (its wilaya), kept on
//! the audit row: a directorate's log shows its acts about its own members
//! (who have no facility) even after one of them moves to another wilaya.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261215_000022_audit_wilaya"
    }
}

#[derive(DeriveIden)]
enum AdminAudit {
    Table,
    WilayaCode,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(AdminAudit::Table).add_column(ColumnDef::new(AdminAudit::WilayaCode).string_len(2).null()).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(AdminAudit::Table).drop_column(AdminAudit::WilayaCode).to_owned()).await
    }
}
