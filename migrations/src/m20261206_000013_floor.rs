//! The day at the polyclinic. A visit is one patient in one queue on one
//! day: a booked patient who arrived, or a walk-in the desk put in the
//! queue of a service (or of one practitioner). The queue's order is
//! computed (`domain::floor::order`), never stored; what is stored is what
//! happened and when (arrival, call, start, end), for the patient's
//! position and for the network's figures. Ticket numbers come from one
//! counter row per facility, day and letter, incremented in the visit's
//! transaction.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000013_floor"
    }
}

#[derive(DeriveIden)]
enum Visits {
    Table,
    Id,
    FacilityId,
    Day,
    SpecialtyId,
    PractitionerId,
    PersonId,
    AccountId,
    AppointmentId,
    Ticket,
    Urgent,
    Priority,
    Status,
    ArrivedAt,
    RequeuedAt,
    CalledAt,
    CalledBy,
    Room,
    StartedAt,
    EndedAt,
    CreatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DisplayScreens {
    Table,
    Id,
    FacilityId,
    Label,
    TokenHash,
    CreatedBy,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum TicketCounters {
    Table,
    FacilityId,
    Day,
    Letter,
    Last,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Visits::Table)
                .col(ColumnDef::new(Visits::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(Visits::FacilityId).uuid().not_null())
                .col(ColumnDef::new(Visits::Day).date().not_null())
                .col(ColumnDef::new(Visits::SpecialtyId).uuid().not_null())
                .col(ColumnDef::new(Visits::PractitionerId).uuid().null())
                .col(ColumnDef::new(Visits::PersonId).uuid().not_null())
                .col(ColumnDef::new(Visits::AccountId).uuid().null())
                .col(ColumnDef::new(Visits::AppointmentId).uuid().null())
                .col(ColumnDef::new(Visits::Ticket).string().not_null())
                .col(ColumnDef::new(Visits::Urgent).boolean().not_null())
                .col(ColumnDef::new(Visits::Priority).string().null())
                .col(ColumnDef::new(Visits::Status).string().not_null())
                .col(ColumnDef::new(Visits::ArrivedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Visits::RequeuedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Visits::CalledAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Visits::CalledBy).uuid().null())
                .col(ColumnDef::new(Visits::Room).string().null())
                .col(ColumnDef::new(Visits::StartedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Visits::EndedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Visits::CreatedBy).uuid().not_null())
                .col(ColumnDef::new(Visits::UpdatedAt).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        // One arrival per appointment.
        m.create_index(Index::create().name("ux_visits_appointment").table(Visits::Table).col(Visits::AppointmentId).unique().to_owned()).await?;
        // A ticket names one visit of a facility's day.
        m.create_index(
            Index::create().name("ux_visits_ticket").table(Visits::Table).col(Visits::FacilityId).col(Visits::Day).col(Visits::Ticket).unique().to_owned(),
        )
        .await?;
        // A person waits once a day in a service's queue.
        m.create_index(
            Index::create()
                .name("ux_visits_person_day_service")
                .table(Visits::Table)
                .col(Visits::FacilityId)
                .col(Visits::Day)
                .col(Visits::SpecialtyId)
                .col(Visits::PersonId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_visits_queue").table(Visits::Table).col(Visits::FacilityId).col(Visits::Day).col(Visits::Status).to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table(TicketCounters::Table)
                .col(ColumnDef::new(TicketCounters::FacilityId).uuid().not_null())
                .col(ColumnDef::new(TicketCounters::Day).date().not_null())
                .col(ColumnDef::new(TicketCounters::Letter).string().not_null())
                .col(ColumnDef::new(TicketCounters::Last).integer().not_null())
                .primary_key(Index::create().col(TicketCounters::FacilityId).col(TicketCounters::Day).col(TicketCounters::Letter))
                .to_owned(),
        )
        .await?;
        // A waiting-room screen opens with a secret token (only its hash is kept).
        m.create_table(
            Table::create()
                .table(DisplayScreens::Table)
                .col(ColumnDef::new(DisplayScreens::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(DisplayScreens::FacilityId).uuid().not_null())
                .col(ColumnDef::new(DisplayScreens::Label).string().not_null())
                .col(ColumnDef::new(DisplayScreens::TokenHash).string().not_null())
                .col(ColumnDef::new(DisplayScreens::CreatedBy).uuid().not_null())
                .col(ColumnDef::new(DisplayScreens::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(DisplayScreens::RevokedAt).timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ux_display_screens_token").table(DisplayScreens::Table).col(DisplayScreens::TokenHash).unique().to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DisplayScreens::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(TicketCounters::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Visits::Table).to_owned()).await
    }
}
