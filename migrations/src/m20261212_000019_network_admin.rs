//! The network run in the product. A health administrator belongs to a
//! wilaya (`users.wilaya_code`) and manages its facilities: their opening
//! hours, coordinates, whether they are open (`active`), and the
//! specialties each offers (`facility_specialties`, filled here from the
//! practitioners who work there). Every administrative change is kept in
//! `admin_audit` with what it was about and the record before and after.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261212_000019_network_admin"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    WilayaCode,
}

#[derive(DeriveIden)]
enum Facilities {
    Table,
    Id,
    Active,
    OpensAt,
    ClosesAt,
    OpenDays,
    Latitude,
    Longitude,
}

#[derive(DeriveIden)]
enum FacilitySpecialties {
    Table,
    FacilityId,
    SpecialtyId,
}

#[derive(DeriveIden)]
enum Specialties {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AdminAudit {
    Table,
    SubjectKind,
    SubjectId,
    Before,
    After,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let add = |table: DynIden, col: ColumnDef| Table::alter().table(table).add_column(col).to_owned();
        m.alter_table(add(Users::Table.into_iden(), ColumnDef::new(Users::WilayaCode).string().null().to_owned())).await?;
        m.alter_table(add(Facilities::Table.into_iden(), ColumnDef::new(Facilities::Active).boolean().not_null().default(true).to_owned())).await?;
        m.alter_table(add(Facilities::Table.into_iden(), ColumnDef::new(Facilities::OpensAt).string().not_null().default("08:00").to_owned())).await?;
        m.alter_table(add(Facilities::Table.into_iden(), ColumnDef::new(Facilities::ClosesAt).string().not_null().default("16:00").to_owned())).await?;
        // ISO weekdays open, Sunday to Thursday by default (the weekend is Friday and Saturday).
        m.alter_table(add(Facilities::Table.into_iden(), ColumnDef::new(Facilities::OpenDays).string().not_null().default("71234").to_owned())).await?;
        m.alter_table(add(Facilities::Table.into_iden(), ColumnDef::new(Facilities::Latitude).double().null().to_owned())).await?;
        m.alter_table(add(Facilities::Table.into_iden(), ColumnDef::new(Facilities::Longitude).double().null().to_owned())).await?;
        m.create_table(
            Table::create()
                .table(FacilitySpecialties::Table)
                .col(ColumnDef::new(FacilitySpecialties::FacilityId).uuid().not_null())
                .col(ColumnDef::new(FacilitySpecialties::SpecialtyId).uuid().not_null())
                .primary_key(Index::create().col(FacilitySpecialties::FacilityId).col(FacilitySpecialties::SpecialtyId))
                .foreign_key(ForeignKey::create().from(FacilitySpecialties::Table, FacilitySpecialties::FacilityId).to(Facilities::Table, Facilities::Id))
                .foreign_key(ForeignKey::create().from(FacilitySpecialties::Table, FacilitySpecialties::SpecialtyId).to(Specialties::Table, Specialties::Id))
                .to_owned(),
        )
        .await?;
        // What each facility offers today: the specialties of its practitioners.
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO facility_specialties (facility_id, specialty_id) \
                 SELECT DISTINCT pf.facility_id, p.specialty_id FROM practitioner_facilities pf JOIN practitioners p ON p.id = pf.practitioner_id",
            )
            .await?;
        for col in [AdminAudit::SubjectKind, AdminAudit::SubjectId, AdminAudit::Before, AdminAudit::After] {
            m.alter_table(add(AdminAudit::Table.into_iden(), ColumnDef::new(col).text().null().to_owned())).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [AdminAudit::After, AdminAudit::Before, AdminAudit::SubjectId, AdminAudit::SubjectKind] {
            m.alter_table(Table::alter().table(AdminAudit::Table).drop_column(col).to_owned()).await?;
        }
        m.drop_table(Table::drop().table(FacilitySpecialties::Table).to_owned()).await?;
        for col in [Facilities::Longitude, Facilities::Latitude, Facilities::OpenDays, Facilities::ClosesAt, Facilities::OpensAt, Facilities::Active] {
            m.alter_table(Table::alter().table(Facilities::Table).drop_column(col).to_owned()).await?;
        }
        m.alter_table(Table::alter().table(Users::Table).drop_column(Users::WilayaCode).to_owned()).await
    }
}
