//! Two facts about a booking the floor and the network's figures need: the
//! channel it was made through (web, mobile app, desk; NULL for bookings
//! made before this was recorded), and when the patient said "I am coming"
//! from a reminder's link.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261209_000016_channel_confirm"
    }
}

#[derive(DeriveIden)]
enum Appointments {
    Table,
    Channel,
    ConfirmedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Appointments::Table).add_column(ColumnDef::new(Appointments::Channel).string().null()).to_owned()).await?;
        m.alter_table(
            Table::alter().table(Appointments::Table).add_column(ColumnDef::new(Appointments::ConfirmedAt).timestamp_with_time_zone().null()).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Appointments::ConfirmedAt, Appointments::Channel] {
            m.alter_table(Table::alter().table(Appointments::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
