//! One person per NIN: `persons` holds every NIN Sihati knows — an
//! account's, a dependant's, and (with the floor) a walk-in patient's —
//! under one unique index, whatever table the person lives in. A person's
//! id is the id their record is kept under (the account's or the
//! dependant's), so nothing already written moves.
//!
//! Existing data: accounts first, then dependants whose NIN no account
//! has. A dependant sharing an account's NIN (possible before the
//! registration check of 2026-12-02) gets no row; such a pair is settled
//! by the desk's claim (the record follows the person).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000011_persons"
    }
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
    Nin,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Nin,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Dependants {
    Table,
    Id,
    Nin,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Persons::Table)
                .col(ColumnDef::new(Persons::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(Persons::Nin).string().not_null())
                .col(ColumnDef::new(Persons::CreatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ux_persons_nin").table(Persons::Table).col(Persons::Nin).unique().to_owned()).await?;
        m.exec_stmt(
            Query::insert()
                .into_table(Persons::Table)
                .columns([Persons::Id, Persons::Nin, Persons::CreatedAt])
                .select_from(
                    Query::select()
                        .columns([Users::Id, Users::Nin, Users::CreatedAt])
                        .from(Users::Table)
                        .and_where(Expr::col(Users::Nin).is_not_null())
                        .to_owned(),
                )
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned(),
        )
        .await?;
        // Dependants (their NINs are unique among them) whose NIN no account has.
        m.exec_stmt(
            Query::insert()
                .into_table(Persons::Table)
                .columns([Persons::Id, Persons::Nin, Persons::CreatedAt])
                .select_from(
                    Query::select()
                        .columns([Dependants::Id, Dependants::Nin, Dependants::CreatedAt])
                        .from(Dependants::Table)
                        .and_where(Expr::col(Dependants::Nin).is_not_null())
                        .and_where(
                            Expr::col((Dependants::Table, Dependants::Nin)).not_in_subquery(
                                Query::select().column(Users::Nin).from(Users::Table).and_where(Expr::col(Users::Nin).is_not_null()).to_owned(),
                            ),
                        )
                        .to_owned(),
                )
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Persons::Table).to_owned()).await
    }
}
