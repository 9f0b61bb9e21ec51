//! Availability templates, the slots they expand into, and appointments.
//!
//! Two invariants are enforced by unique indexes, never by a check in code:
//! one active appointment per slot (`active_slot_id`), and one active
//! appointment per patient per specialty (`patient_id, active_specialty_id`).
//! Both columns hold a value only while the appointment is active and are
//! set to NULL when it ends; NULLs never collide, on SQLite and PostgreSQL
//! alike, so no partial index or exclusion constraint is needed.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000002_booking"
    }
}

#[derive(DeriveIden)]
enum AvailabilityTemplates {
    Table,
    Id,
    FacilityId,
    PractitionerId,
    Weekday,
    StartMinute,
    EndMinute,
    SlotMinutes,
    ValidFrom,
    ValidTo,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Slots {
    Table,
    Id,
    FacilityId,
    PractitionerId,
    SpecialtyId,
    TemplateId,
    StartsAt,
    EndsAt,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Appointments {
    Table,
    Id,
    FacilityId,
    SlotId,
    PatientId,
    BookedBy,
    SpecialtyId,
    Status,
    ActiveSlotId,
    ActiveSpecialtyId,
    Reason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Facilities {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Practitioners {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

fn uuid<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).uuid().not_null().to_owned()
}
fn int<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).integer().not_null().to_owned()
}
fn ts<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AvailabilityTemplates::Table)
                .col(uuid(AvailabilityTemplates::Id).primary_key())
                .col(uuid(AvailabilityTemplates::FacilityId))
                .col(uuid(AvailabilityTemplates::PractitionerId))
                .col(int(AvailabilityTemplates::Weekday))
                .col(int(AvailabilityTemplates::StartMinute))
                .col(int(AvailabilityTemplates::EndMinute))
                .col(int(AvailabilityTemplates::SlotMinutes))
                .col(ColumnDef::new(AvailabilityTemplates::ValidFrom).date().not_null())
                .col(ColumnDef::new(AvailabilityTemplates::ValidTo).date().null())
                .col(uuid(AvailabilityTemplates::CreatedBy))
                .col(ts(AvailabilityTemplates::CreatedAt))
                .foreign_key(ForeignKey::create().from(AvailabilityTemplates::Table, AvailabilityTemplates::FacilityId).to(Facilities::Table, Facilities::Id))
                .foreign_key(
                    ForeignKey::create().from(AvailabilityTemplates::Table, AvailabilityTemplates::PractitionerId).to(Practitioners::Table, Practitioners::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Slots::Table)
                .col(uuid(Slots::Id).primary_key())
                .col(uuid(Slots::FacilityId))
                .col(uuid(Slots::PractitionerId))
                .col(uuid(Slots::SpecialtyId))
                .col(ColumnDef::new(Slots::TemplateId).uuid().null())
                .col(ts(Slots::StartsAt))
                .col(ts(Slots::EndsAt))
                .col(ColumnDef::new(Slots::Status).string().not_null())
                .col(ts(Slots::CreatedAt))
                .foreign_key(ForeignKey::create().from(Slots::Table, Slots::FacilityId).to(Facilities::Table, Facilities::Id))
                .foreign_key(ForeignKey::create().from(Slots::Table, Slots::PractitionerId).to(Practitioners::Table, Practitioners::Id))
                .to_owned(),
        )
        .await?;
        // A practitioner is in one place at a time: regenerating a template never duplicates a slot.
        m.create_index(
            Index::create().name("ux_slots_practitioner_start").table(Slots::Table).col(Slots::PractitionerId).col(Slots::StartsAt).unique().to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_slots_specialty_start").table(Slots::Table).col(Slots::SpecialtyId).col(Slots::StartsAt).to_owned()).await?;
        m.create_index(Index::create().name("ix_slots_facility_start").table(Slots::Table).col(Slots::FacilityId).col(Slots::StartsAt).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(Appointments::Table)
                .col(uuid(Appointments::Id).primary_key())
                .col(uuid(Appointments::FacilityId))
                .col(uuid(Appointments::SlotId))
                .col(uuid(Appointments::PatientId))
                .col(uuid(Appointments::BookedBy))
                .col(uuid(Appointments::SpecialtyId))
                .col(ColumnDef::new(Appointments::Status).string().not_null())
                .col(ColumnDef::new(Appointments::ActiveSlotId).uuid().null())
                .col(ColumnDef::new(Appointments::ActiveSpecialtyId).uuid().null())
                .col(ColumnDef::new(Appointments::Reason).string().null())
                .col(ts(Appointments::CreatedAt))
                .col(ts(Appointments::UpdatedAt))
                .foreign_key(ForeignKey::create().from(Appointments::Table, Appointments::SlotId).to(Slots::Table, Slots::Id))
                .foreign_key(ForeignKey::create().from(Appointments::Table, Appointments::PatientId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ux_appointments_active_slot").table(Appointments::Table).col(Appointments::ActiveSlotId).unique().to_owned())
            .await?;
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
        m.create_index(
            Index::create().name("ix_appointments_facility_slot").table(Appointments::Table).col(Appointments::FacilityId).col(Appointments::SlotId).to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Appointments::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Slots::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(AvailabilityTemplates::Table).to_owned()).await?;
        Ok(())
    }
}
