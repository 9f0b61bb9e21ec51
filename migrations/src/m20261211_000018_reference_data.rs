//! The whole of Algeria's reference data: the 69 wilayas with their English
//! names, and all 1,541 communes with their postal code, English name and
//! daïra (the rows themselves are loaded from `domain/seed/*.csv` at start,
//! as data: the communes of Oran loaded before keep their ids).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261211_000018_reference_data"
    }
}

#[derive(DeriveIden)]
enum Wilayas {
    Table,
    NameEn,
}

#[derive(DeriveIden)]
enum Communes {
    Table,
    WilayaCode,
    NameAr,
    PostalCode,
    NameEn,
    DairaFr,
    DairaAr,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        m.alter_table(Table::alter().table(Wilayas::Table).add_column(ColumnDef::new(Wilayas::NameEn).string().not_null().default("")).to_owned()).await?;
        m.alter_table(Table::alter().table(Communes::Table).add_column(ColumnDef::new(Communes::PostalCode).string().null()).to_owned()).await?;
        for col in [Communes::NameEn, Communes::DairaFr, Communes::DairaAr] {
            m.alter_table(Table::alter().table(Communes::Table).add_column(ColumnDef::new(col).string().not_null().default("")).to_owned()).await?;
        }
        // One commune per Arabic name in a wilaya (true of the whole list): two
        // servers loading the list at once cannot add a commune twice.
        m.create_index(
            Index::create().name("uq_communes_wilaya_name_ar").table(Communes::Table).col(Communes::WilayaCode).col(Communes::NameAr).unique().to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("uq_communes_wilaya_name_ar").table(Communes::Table).to_owned()).await?;
        for col in [Communes::DairaAr, Communes::DairaFr, Communes::NameEn, Communes::PostalCode] {
            m.alter_table(Table::alter().table(Communes::Table).drop_column(col).to_owned()).await?;
        }
        m.alter_table(Table::alter().table(Wilayas::Table).drop_column(Wilayas::NameEn).to_owned()).await
    }
}
