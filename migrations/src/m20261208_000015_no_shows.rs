//! No-shows, fairly. Nothing becomes a no-show by itself: at the end of the
//! day the desk reviews the booked patients who never arrived and confirms
//! each one (status `no_show`) or records a late cancellation (status
//! `cancelled`, reason `late_cancellation`); who decided and when is kept.
//! Every cancellation may carry its reason. A citizen over the no-show
//! limit books online as `pending` until the desk confirms.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261208_000015_no_shows"
    }
}

#[derive(DeriveIden)]
enum Appointments {
    Table,
    SubjectId,
    Status,
    CancelReason,
    ReviewedBy,
    ReviewedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        m.alter_table(Table::alter().table(Appointments::Table).add_column(ColumnDef::new(Appointments::CancelReason).string().null()).to_owned()).await?;
        m.alter_table(Table::alter().table(Appointments::Table).add_column(ColumnDef::new(Appointments::ReviewedBy).uuid().null()).to_owned()).await?;
        m.alter_table(
            Table::alter().table(Appointments::Table).add_column(ColumnDef::new(Appointments::ReviewedAt).timestamp_with_time_zone().null()).to_owned(),
        )
        .await?;
        // A person's no-shows are counted at every online booking of theirs.
        m.create_index(
            Index::create().name("ix_appointments_subject_status").table(Appointments::Table).col(Appointments::SubjectId).col(Appointments::Status).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_appointments_subject_status").table(Appointments::Table).to_owned()).await?;
        for col in [Appointments::ReviewedAt, Appointments::ReviewedBy, Appointments::CancelReason] {
            m.alter_table(Table::alter().table(Appointments::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
