use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appointments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::AppointmentId,
    pub facility_id: shared::FacilityId,
    pub slot_id: shared::SlotId,
    /// The account the appointment belongs to (the patient, or the
    /// guardian of a dependant): every citizen query is scoped by it.
    pub patient_id: shared::UserId,
    /// The person seen: `patient_id`, or `dependant_id` for a dependant.
    pub subject_id: Option<shared::PersonId>,
    pub dependant_id: Option<shared::PersonId>,
    /// Who booked it (the patient, a guardian or a receptionist).
    pub booked_by: shared::UserId,
    pub specialty_id: shared::SpecialtyId,
    /// Booked, pending, cancelled, fulfilled or no-show (FHIR: booked,
    /// pending, cancelled, fulfilled, noshow).
    pub status: shared::AppointmentStatus,
    /// `slot_id` while active, NULL after: the unique index on it is the
    /// one-active-appointment-per-slot guarantee.
    pub active_slot_id: Option<shared::SlotId>,
    /// `specialty_id` while active, NULL after (unique with `subject_id`).
    pub active_specialty_id: Option<shared::SpecialtyId>,
    pub reason: Option<String>,
    /// Why it was cancelled, when it was and someone said.
    pub cancel_reason: Option<shared::CancelReason>,
    /// The desk member who decided it in review (no-show, late
    /// cancellation) or confirmed or declined a pending booking, and when.
    pub reviewed_by: Option<shared::UserId>,
    pub reviewed_at: Option<DateTimeUtc>,
    /// Web, mobile app or desk; None for bookings made before it was recorded.
    pub channel: Option<shared::BookingChannel>,
    /// When the patient said "I am coming" (a reminder's link).
    pub confirmed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
