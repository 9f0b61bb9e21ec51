//! The rows of `admin_audit` written before 000022 had no directorate
//! wilaya: a directorate's log would not show its earlier acts about its
//! own members. Each such row taken by a health administrator gets that
//! administrator's wilaya (today's: the best the data holds; a member who
//! moved since takes their old acts along, as they did before 000022).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261216_000023_audit_wilaya_backfill"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Portable SQL (a correlated subquery): SQLite and PostgreSQL alike.
        m.get_connection()
            .execute_unprepared(
                "UPDATE admin_audit SET wilaya_code = \
                 (SELECT u.wilaya_code FROM users u WHERE u.id = admin_audit.actor_id AND u.role = 'health_admin') \
                 WHERE wilaya_code IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _: &SchemaManager) -> Result<(), DbErr> {
        // Nothing to undo: 000022's own down drops the column.
        Ok(())
    }
}
