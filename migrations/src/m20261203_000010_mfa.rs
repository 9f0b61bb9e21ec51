//! Staff second factor (TOTP, RFC 6238) and the administrators' audit
//! trail. A staff member's authenticator secret is stored encrypted under
//! the second-factor key; it is `enrolled` once a first code came back.
//! Recovery codes are derived from the enrolment's id under that key, so
//! only which of them were used is stored. Sessions of staff whose role now
//! needs a second factor end: they sign in again, and enrol.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000010_mfa"
    }
}

#[derive(DeriveIden)]
enum StaffMfa {
    Table,
    UserId,
    SecretEnc,
    EnrolmentId,
    EnrolledAt,
    LastStep,
    RecoveryUsed,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AdminAudit {
    Table,
    Id,
    At,
    ActorId,
    Action,
    TargetUserId,
    FacilityId,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Role,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    UserId,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(StaffMfa::Table)
                .col(ColumnDef::new(StaffMfa::UserId).uuid().not_null().primary_key())
                .col(ColumnDef::new(StaffMfa::SecretEnc).string().not_null())
                .col(ColumnDef::new(StaffMfa::EnrolmentId).uuid().not_null())
                .col(ColumnDef::new(StaffMfa::EnrolledAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(StaffMfa::LastStep).big_integer().not_null().default(0))
                .col(ColumnDef::new(StaffMfa::RecoveryUsed).integer().not_null().default(0))
                .col(ColumnDef::new(StaffMfa::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(ForeignKey::create().from(StaffMfa::Table, StaffMfa::UserId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AdminAudit::Table)
                .col(ColumnDef::new(AdminAudit::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(AdminAudit::At).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(AdminAudit::ActorId).uuid().not_null())
                .col(ColumnDef::new(AdminAudit::Action).string().not_null())
                .col(ColumnDef::new(AdminAudit::TargetUserId).uuid().null())
                .col(ColumnDef::new(AdminAudit::FacilityId).uuid().null())
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_admin_audit_facility_at").table(AdminAudit::Table).col(AdminAudit::FacilityId).col(AdminAudit::At).to_owned())
            .await?;
        m.create_index(Index::create().name("ix_admin_audit_target").table(AdminAudit::Table).col(AdminAudit::TargetUserId).to_owned()).await?;
        // Existing sessions of roles that now need a second factor end.
        m.exec_stmt(
            Query::update()
                .table(Sessions::Table)
                .value(Sessions::RevokedAt, Expr::current_timestamp())
                .and_where(Expr::col(Sessions::RevokedAt).is_null())
                .and_where(
                    Expr::col(Sessions::UserId).in_subquery(
                        Query::select()
                            .column(Users::Id)
                            .from(Users::Table)
                            .and_where(Expr::col(Users::Role).is_in(["practitioner", "facility_admin", "health_admin"]))
                            .to_owned(),
                    ),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AdminAudit::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(StaffMfa::Table).to_owned()).await?;
        Ok(())
    }
}
