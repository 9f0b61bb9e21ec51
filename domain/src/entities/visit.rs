use sea_orm::entity::prelude::*;

/// One patient in one queue on one day (see the floor migration).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::VisitId,
    pub facility_id: shared::FacilityId,
    /// The Algiers date of the visit.
    pub day: Date,
    /// The service whose queue the patient is in.
    pub specialty_id: shared::SpecialtyId,
    /// The practitioner's own queue; None for the service's.
    pub practitioner_id: Option<shared::PractitionerId>,
    pub person_id: shared::PersonId,
    /// The account the patient's messages go to (their own or their
    /// guardian's); None for a walk-in without an account.
    pub account_id: Option<shared::UserId>,
    pub appointment_id: Option<shared::AppointmentId>,
    /// `C-012`: the letter of the service and the number of the day.
    pub ticket: String,
    pub urgent: bool,
    pub priority: Option<shared::PriorityGroup>,
    pub status: shared::VisitStatus,
    pub arrived_at: DateTimeUtc,
    pub requeued_at: Option<DateTimeUtc>,
    pub called_at: Option<DateTimeUtc>,
    /// The practitioner's account that called (or took) the patient.
    pub called_by: Option<shared::UserId>,
    pub room: Option<String>,
    pub started_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub created_by: shared::UserId,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
