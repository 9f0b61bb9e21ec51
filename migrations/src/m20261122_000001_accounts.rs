//! Reference data (wilayas, communes, specialties), facilities and
//! practitioners, and accounts with their sessions and refresh tokens.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000001_accounts"
    }
}

#[derive(DeriveIden)]
enum Wilayas {
    Table,
    Code,
    NameFr,
    NameAr,
}

#[derive(DeriveIden)]
enum Communes {
    Table,
    Id,
    WilayaCode,
    NameFr,
    NameAr,
}

#[derive(DeriveIden)]
enum Specialties {
    Table,
    Id,
    Code,
    NameAr,
    NameFr,
    NameEn,
    ReferralRequired,
}

#[derive(DeriveIden)]
enum Facilities {
    Table,
    Id,
    Kind,
    NameAr,
    NameFr,
    WilayaCode,
    CommuneId,
    Address,
    Phone,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Practitioners {
    Table,
    Id,
    UserId,
    GivenName,
    FamilyName,
    SpecialtyId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PractitionerFacilities {
    Table,
    PractitionerId,
    FacilityId,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Role,
    FacilityId,
    Nin,
    GivenName,
    FamilyName,
    BirthDate,
    Sex,
    Phone,
    Email,
    EmailKey,
    PasswordHash,
    Lang,
    CreatedAt,
    UpdatedAt,
    PasswordChangedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    Kind,
    SecretHash,
    CreatedAt,
    ExpiresAt,
    LastSeenAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    SessionId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

fn uuid_pk<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).uuid().not_null().primary_key().to_owned()
}
fn text<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).string().not_null().to_owned()
}
fn text_null<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).string().null().to_owned()
}
fn ts<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().not_null().to_owned()
}
fn ts_null<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Wilayas::Table)
                .col(ColumnDef::new(Wilayas::Code).string_len(2).not_null().primary_key())
                .col(text(Wilayas::NameFr))
                .col(text(Wilayas::NameAr))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Communes::Table)
                .col(uuid_pk(Communes::Id))
                .col(ColumnDef::new(Communes::WilayaCode).string_len(2).not_null())
                .col(text(Communes::NameFr))
                .col(text(Communes::NameAr))
                .foreign_key(ForeignKey::create().from(Communes::Table, Communes::WilayaCode).to(Wilayas::Table, Wilayas::Code))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Specialties::Table)
                .col(uuid_pk(Specialties::Id))
                .col(text(Specialties::Code))
                .col(text(Specialties::NameAr))
                .col(text(Specialties::NameFr))
                .col(text(Specialties::NameEn))
                .col(ColumnDef::new(Specialties::ReferralRequired).boolean().not_null().default(false))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ux_specialties_code").table(Specialties::Table).col(Specialties::Code).unique().to_owned()).await?;
        m.create_table(
            Table::create()
                .table(Facilities::Table)
                .col(uuid_pk(Facilities::Id))
                .col(text(Facilities::Kind))
                .col(text(Facilities::NameAr))
                .col(text(Facilities::NameFr))
                .col(ColumnDef::new(Facilities::WilayaCode).string_len(2).not_null())
                .col(ColumnDef::new(Facilities::CommuneId).uuid().null())
                .col(text(Facilities::Address))
                .col(text_null(Facilities::Phone))
                .col(ts(Facilities::CreatedAt))
                .foreign_key(ForeignKey::create().from(Facilities::Table, Facilities::WilayaCode).to(Wilayas::Table, Wilayas::Code))
                .foreign_key(ForeignKey::create().from(Facilities::Table, Facilities::CommuneId).to(Communes::Table, Communes::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_facilities_wilaya").table(Facilities::Table).col(Facilities::WilayaCode).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(uuid_pk(Users::Id))
                .col(text(Users::Role))
                .col(ColumnDef::new(Users::FacilityId).uuid().null())
                .col(text_null(Users::Nin))
                .col(text(Users::GivenName))
                .col(text(Users::FamilyName))
                .col(ColumnDef::new(Users::BirthDate).date().null())
                .col(text_null(Users::Sex))
                .col(text_null(Users::Phone))
                .col(text_null(Users::Email))
                .col(text_null(Users::EmailKey))
                .col(text(Users::PasswordHash))
                .col(text(Users::Lang))
                .col(ts(Users::CreatedAt))
                .col(ts(Users::UpdatedAt))
                .col(ts(Users::PasswordChangedAt))
                .foreign_key(ForeignKey::create().from(Users::Table, Users::FacilityId).to(Facilities::Table, Facilities::Id))
                .to_owned(),
        )
        .await?;
        // NULLs never collide in a unique index, on SQLite and PostgreSQL alike,
        // so staff without a NIN and citizens without an email coexist.
        for (name, col) in [("ux_users_nin", Users::Nin), ("ux_users_phone", Users::Phone), ("ux_users_email_key", Users::EmailKey)] {
            m.create_index(Index::create().name(name).table(Users::Table).col(col).unique().to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(Practitioners::Table)
                .col(uuid_pk(Practitioners::Id))
                .col(ColumnDef::new(Practitioners::UserId).uuid().null())
                .col(text(Practitioners::GivenName))
                .col(text(Practitioners::FamilyName))
                .col(ColumnDef::new(Practitioners::SpecialtyId).uuid().not_null())
                .col(ts(Practitioners::CreatedAt))
                .foreign_key(ForeignKey::create().from(Practitioners::Table, Practitioners::SpecialtyId).to(Specialties::Table, Specialties::Id))
                .foreign_key(ForeignKey::create().from(Practitioners::Table, Practitioners::UserId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PractitionerFacilities::Table)
                .col(ColumnDef::new(PractitionerFacilities::PractitionerId).uuid().not_null())
                .col(ColumnDef::new(PractitionerFacilities::FacilityId).uuid().not_null())
                .primary_key(Index::create().col(PractitionerFacilities::FacilityId).col(PractitionerFacilities::PractitionerId))
                .foreign_key(
                    ForeignKey::create()
                        .from(PractitionerFacilities::Table, PractitionerFacilities::PractitionerId)
                        .to(Practitioners::Table, Practitioners::Id),
                )
                .foreign_key(ForeignKey::create().from(PractitionerFacilities::Table, PractitionerFacilities::FacilityId).to(Facilities::Table, Facilities::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(uuid_pk(Sessions::Id))
                .col(ColumnDef::new(Sessions::UserId).uuid().not_null())
                .col(text(Sessions::Kind))
                .col(text_null(Sessions::SecretHash))
                .col(ts(Sessions::CreatedAt))
                .col(ts(Sessions::ExpiresAt))
                .col(ts(Sessions::LastSeenAt))
                .col(ts_null(Sessions::RevokedAt))
                .foreign_key(ForeignKey::create().from(Sessions::Table, Sessions::UserId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ux_sessions_secret_hash").table(Sessions::Table).col(Sessions::SecretHash).unique().to_owned()).await?;
        m.create_index(Index::create().name("ix_sessions_user").table(Sessions::Table).col(Sessions::UserId).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(RefreshTokens::Table)
                .col(uuid_pk(RefreshTokens::Id))
                .col(ColumnDef::new(RefreshTokens::SessionId).uuid().not_null())
                .col(text(RefreshTokens::TokenHash))
                .col(ts(RefreshTokens::CreatedAt))
                .col(ts(RefreshTokens::ExpiresAt))
                .col(ts_null(RefreshTokens::UsedAt))
                .foreign_key(ForeignKey::create().from(RefreshTokens::Table, RefreshTokens::SessionId).to(Sessions::Table, Sessions::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ux_refresh_tokens_hash").table(RefreshTokens::Table).col(RefreshTokens::TokenHash).unique().to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            RefreshTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            PractitionerFacilities::Table.into_iden(),
            Practitioners::Table.into_iden(),
            Users::Table.into_iden(),
            Facilities::Table.into_iden(),
            Specialties::Table.into_iden(),
            Communes::Table.into_iden(),
            Wilayas::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
