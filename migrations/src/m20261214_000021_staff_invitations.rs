//! Staff come in by invitation: an administrator names the person, their
//! role (and a practitioner's specialty) and a phone or an address; a
//! signed link that expires goes there, and the invitee sets their own
//! password (and second factor) on accepting it (`staff_invitations`).
//! An administrator may deactivate a staff account (`users.deactivated_at`):
//! its sessions end and it can no longer sign in.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261214_000021_staff_invitations"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    DeactivatedAt,
}

#[derive(DeriveIden)]
enum Facilities {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Specialties {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StaffInvitations {
    Table,
    Id,
    FacilityId,
    Role,
    GivenName,
    FamilyName,
    Phone,
    Email,
    SpecialtyId,
    Lang,
    InvitedBy,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
    AcceptedUserId,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Users::Table).add_column(ColumnDef::new(Users::DeactivatedAt).timestamp_with_time_zone().null()).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(StaffInvitations::Table)
                .col(ColumnDef::new(StaffInvitations::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(StaffInvitations::FacilityId).uuid().not_null())
                .col(ColumnDef::new(StaffInvitations::Role).string().not_null())
                .col(ColumnDef::new(StaffInvitations::GivenName).string().not_null())
                .col(ColumnDef::new(StaffInvitations::FamilyName).string().not_null())
                .col(ColumnDef::new(StaffInvitations::Phone).string().null())
                .col(ColumnDef::new(StaffInvitations::Email).string().null())
                .col(ColumnDef::new(StaffInvitations::SpecialtyId).uuid().null())
                .col(ColumnDef::new(StaffInvitations::Lang).string().not_null())
                .col(ColumnDef::new(StaffInvitations::InvitedBy).uuid().not_null())
                .col(ColumnDef::new(StaffInvitations::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(StaffInvitations::ExpiresAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(StaffInvitations::AcceptedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(StaffInvitations::AcceptedUserId).uuid().null())
                .col(ColumnDef::new(StaffInvitations::RevokedAt).timestamp_with_time_zone().null())
                .foreign_key(ForeignKey::create().from(StaffInvitations::Table, StaffInvitations::FacilityId).to(Facilities::Table, Facilities::Id))
                .foreign_key(ForeignKey::create().from(StaffInvitations::Table, StaffInvitations::SpecialtyId).to(Specialties::Table, Specialties::Id))
                .foreign_key(ForeignKey::create().from(StaffInvitations::Table, StaffInvitations::InvitedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_staff_invitations_facility").table(StaffInvitations::Table).col(StaffInvitations::FacilityId).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(StaffInvitations::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Users::Table).drop_column(Users::DeactivatedAt).to_owned()).await
    }
}
