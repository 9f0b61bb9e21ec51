//! Verified identities: when an account's phone and email were verified,
//! and the verifications in flight — SMS codes and email links for
//! registration, a change of phone or email, and a forgotten password.
//! Codes are stored only as hashes.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000008_identity"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Role,
    CreatedAt,
    PhoneVerifiedAt,
    EmailVerifiedAt,
}

#[derive(DeriveIden)]
enum Verifications {
    Table,
    Id,
    UserId,
    Purpose,
    Channel,
    Target,
    Previous,
    CodeHash,
    Tries,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [Users::PhoneVerifiedAt, Users::EmailVerifiedAt] {
            m.alter_table(Table::alter().table(Users::Table).add_column(ColumnDef::new(col).timestamp_with_time_zone().null()).to_owned()).await?;
        }
        // Staff phones were entered by the operator who created the
        // account: verified. Citizens verify theirs at their next sign-in.
        m.exec_stmt(
            Query::update()
                .table(Users::Table)
                .value(Users::PhoneVerifiedAt, Expr::col(Users::CreatedAt))
                .and_where(Expr::col(Users::Role).ne("citizen"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Verifications::Table)
                .col(ColumnDef::new(Verifications::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(Verifications::UserId).uuid().not_null())
                .col(ColumnDef::new(Verifications::Purpose).string().not_null())
                .col(ColumnDef::new(Verifications::Channel).string().not_null())
                .col(ColumnDef::new(Verifications::Target).string().not_null())
                .col(ColumnDef::new(Verifications::Previous).string().null())
                .col(ColumnDef::new(Verifications::CodeHash).string().not_null())
                .col(ColumnDef::new(Verifications::Tries).integer().not_null().default(0))
                .col(ColumnDef::new(Verifications::ExpiresAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Verifications::UsedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Verifications::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(ForeignKey::create().from(Verifications::Table, Verifications::UserId).to(Users::Table, Alias::new("id")))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_verifications_user_purpose").table(Verifications::Table).col(Verifications::UserId).col(Verifications::Purpose).to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Verifications::Table).to_owned()).await?;
        for col in [Users::PhoneVerifiedAt, Users::EmailVerifiedAt] {
            m.alter_table(Table::alter().table(Users::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
