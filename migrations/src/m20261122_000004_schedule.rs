//! Everything around a booking: closures and holidays that keep slots from
//! being made, dependants an account holder books for, referrals that
//! referral-required specialties need, and the waitlist with its held
//! offers.
//!
//! The same portable pattern as the booking migration holds every "at most
//! one" rule: a nullable `active_*` column that carries a value only while
//! the row is live, under a unique index. Appointments now name their
//! subject (the account holder or one of their dependants), and the
//! one-per-specialty rule moves from the account to the subject, so that a
//! parent can book the same specialty for two children.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000004_schedule"
    }
}

#[derive(DeriveIden)]
enum Closures {
    Table,
    Id,
    FacilityId,
    PractitionerId,
    Date,
    StartMinute,
    EndMinute,
    Kind,
    Note,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Holidays {
    Table,
    Id,
    Date,
    Kind,
    NameAr,
    NameFr,
    NameEn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Dependants {
    Table,
    Id,
    HolderId,
    GivenName,
    FamilyName,
    BirthDate,
    Sex,
    Nin,
    Relation,
    VerifiedAt,
    VerifiedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Referrals {
    Table,
    Id,
    HolderId,
    SubjectId,
    DependantId,
    SpecialtyId,
    Priority,
    Reason,
    ExpiresOn,
    FacilityId,
    IssuedBy,
    UsedByAppointmentId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WaitlistEntries {
    Table,
    Id,
    HolderId,
    SubjectId,
    DependantId,
    SpecialtyId,
    ActiveSpecialtyId,
    WilayaCode,
    DateFrom,
    DateTo,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SlotOffers {
    Table,
    Id,
    SlotId,
    EntryId,
    HolderId,
    Status,
    ActiveSlotId,
    ActiveEntryId,
    ExpiresAt,
    CreatedAt,
    RespondedAt,
}

#[derive(DeriveIden)]
enum Appointments {
    Table,
    PatientId,
    SubjectId,
    DependantId,
    ActiveSpecialtyId,
}

#[derive(DeriveIden)]
enum Facilities {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Slots {
    Table,
    Id,
}

fn uuid<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).uuid().not_null().to_owned()
}
fn uuid_null<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).uuid().null().to_owned()
}
fn text<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).string().not_null().to_owned()
}
fn ts<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().not_null().to_owned()
}
fn date<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).date().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Closures::Table)
                .col(uuid(Closures::Id).primary_key())
                .col(uuid(Closures::FacilityId))
                .col(uuid_null(Closures::PractitionerId))
                .col(date(Closures::Date))
                .col(ColumnDef::new(Closures::StartMinute).integer().null())
                .col(ColumnDef::new(Closures::EndMinute).integer().null())
                .col(text(Closures::Kind))
                .col(ColumnDef::new(Closures::Note).string().null())
                .col(uuid(Closures::CreatedBy))
                .col(ts(Closures::CreatedAt))
                .foreign_key(ForeignKey::create().from(Closures::Table, Closures::FacilityId).to(Facilities::Table, Facilities::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_closures_facility_date").table(Closures::Table).col(Closures::FacilityId).col(Closures::Date).to_owned())
            .await?;

        m.create_table(
            Table::create()
                .table(Holidays::Table)
                .col(uuid(Holidays::Id).primary_key())
                .col(date(Holidays::Date))
                .col(text(Holidays::Kind))
                .col(text(Holidays::NameAr))
                .col(text(Holidays::NameFr))
                .col(text(Holidays::NameEn))
                .col(ts(Holidays::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ux_holidays_date").table(Holidays::Table).col(Holidays::Date).unique().to_owned()).await?;

        m.create_table(
            Table::create()
                .table(Dependants::Table)
                .col(uuid(Dependants::Id).primary_key())
                .col(uuid(Dependants::HolderId))
                .col(text(Dependants::GivenName))
                .col(text(Dependants::FamilyName))
                .col(date(Dependants::BirthDate))
                .col(text(Dependants::Sex))
                .col(ColumnDef::new(Dependants::Nin).string().null())
                .col(text(Dependants::Relation))
                .col(ColumnDef::new(Dependants::VerifiedAt).timestamp_with_time_zone().null())
                .col(uuid_null(Dependants::VerifiedBy))
                .col(ts(Dependants::CreatedAt))
                .foreign_key(ForeignKey::create().from(Dependants::Table, Dependants::HolderId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_dependants_holder").table(Dependants::Table).col(Dependants::HolderId).to_owned()).await?;
        m.create_index(Index::create().name("ux_dependants_nin").table(Dependants::Table).col(Dependants::Nin).unique().to_owned()).await?;

        // Appointments name their subject; the per-specialty rule follows it.
        m.alter_table(Table::alter().table(Appointments::Table).add_column(uuid_null(Appointments::SubjectId)).to_owned()).await?;
        m.alter_table(Table::alter().table(Appointments::Table).add_column(uuid_null(Appointments::DependantId)).to_owned()).await?;
        m.exec_stmt(Query::update().table(Appointments::Table).value(Appointments::SubjectId, Expr::col(Appointments::PatientId)).to_owned()).await?;
        m.drop_index(Index::drop().name("ux_appointments_patient_active_specialty").table(Appointments::Table).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("ux_appointments_subject_active_specialty")
                .table(Appointments::Table)
                .col(Appointments::SubjectId)
                .col(Appointments::ActiveSpecialtyId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_appointments_patient").table(Appointments::Table).col(Appointments::PatientId).to_owned()).await?;

        m.create_table(
            Table::create()
                .table(Referrals::Table)
                .col(uuid(Referrals::Id).primary_key())
                .col(uuid(Referrals::HolderId))
                .col(uuid(Referrals::SubjectId))
                .col(uuid_null(Referrals::DependantId))
                .col(uuid(Referrals::SpecialtyId))
                .col(text(Referrals::Priority))
                .col(text(Referrals::Reason))
                .col(date(Referrals::ExpiresOn))
                .col(uuid(Referrals::FacilityId))
                .col(uuid(Referrals::IssuedBy))
                .col(uuid_null(Referrals::UsedByAppointmentId))
                .col(ts(Referrals::CreatedAt))
                .foreign_key(ForeignKey::create().from(Referrals::Table, Referrals::HolderId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_referrals_subject_specialty").table(Referrals::Table).col(Referrals::SubjectId).col(Referrals::SpecialtyId).to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ux_referrals_used_by").table(Referrals::Table).col(Referrals::UsedByAppointmentId).unique().to_owned()).await?;

        m.create_table(
            Table::create()
                .table(WaitlistEntries::Table)
                .col(uuid(WaitlistEntries::Id).primary_key())
                .col(uuid(WaitlistEntries::HolderId))
                .col(uuid(WaitlistEntries::SubjectId))
                .col(uuid_null(WaitlistEntries::DependantId))
                .col(uuid(WaitlistEntries::SpecialtyId))
                .col(uuid_null(WaitlistEntries::ActiveSpecialtyId))
                .col(text(WaitlistEntries::WilayaCode))
                .col(date(WaitlistEntries::DateFrom))
                .col(date(WaitlistEntries::DateTo))
                .col(text(WaitlistEntries::Status))
                .col(ts(WaitlistEntries::CreatedAt))
                .col(ts(WaitlistEntries::UpdatedAt))
                .foreign_key(ForeignKey::create().from(WaitlistEntries::Table, WaitlistEntries::HolderId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        // One live waitlist entry per subject and specialty.
        m.create_index(
            Index::create()
                .name("ux_waitlist_subject_active_specialty")
                .table(WaitlistEntries::Table)
                .col(WaitlistEntries::SubjectId)
                .col(WaitlistEntries::ActiveSpecialtyId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_waitlist_specialty_status")
                .table(WaitlistEntries::Table)
                .col(WaitlistEntries::SpecialtyId)
                .col(WaitlistEntries::Status)
                .col(WaitlistEntries::CreatedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SlotOffers::Table)
                .col(uuid(SlotOffers::Id).primary_key())
                .col(uuid(SlotOffers::SlotId))
                .col(uuid(SlotOffers::EntryId))
                .col(uuid(SlotOffers::HolderId))
                .col(text(SlotOffers::Status))
                .col(uuid_null(SlotOffers::ActiveSlotId))
                .col(uuid_null(SlotOffers::ActiveEntryId))
                .col(ts(SlotOffers::ExpiresAt))
                .col(ts(SlotOffers::CreatedAt))
                .col(ColumnDef::new(SlotOffers::RespondedAt).timestamp_with_time_zone().null())
                .foreign_key(ForeignKey::create().from(SlotOffers::Table, SlotOffers::SlotId).to(Slots::Table, Slots::Id))
                .to_owned(),
        )
        .await?;
        // A slot is held for one person at a time, and a person holds one offer at a time.
        m.create_index(Index::create().name("ux_offers_active_slot").table(SlotOffers::Table).col(SlotOffers::ActiveSlotId).unique().to_owned()).await?;
        m.create_index(Index::create().name("ux_offers_active_entry").table(SlotOffers::Table).col(SlotOffers::ActiveEntryId).unique().to_owned()).await?;
        m.create_index(Index::create().name("ix_offers_entry").table(SlotOffers::Table).col(SlotOffers::EntryId).to_owned()).await?;
        m.create_index(Index::create().name("ix_offers_status_expires").table(SlotOffers::Table).col(SlotOffers::Status).col(SlotOffers::ExpiresAt).to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SlotOffers::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(WaitlistEntries::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Referrals::Table).to_owned()).await?;
        m.drop_index(Index::drop().name("ix_appointments_patient").table(Appointments::Table).to_owned()).await?;
        m.drop_index(Index::drop().name("ux_appointments_subject_active_specialty").table(Appointments::Table).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("ux_appointments_patient_active_specialty")
                .table(Appointments::Table)
                .col(Appointments::PatientId)
                .col(Appointments::ActiveSpecialtyId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table(Appointments::Table).drop_column(Appointments::DependantId).to_owned()).await?;
        m.alter_table(Table::alter().table(Appointments::Table).drop_column(Appointments::SubjectId).to_owned()).await?;
        m.drop_table(Table::drop().table(Dependants::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Holidays::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Closures::Table).to_owned()).await?;
        Ok(())
    }
}
