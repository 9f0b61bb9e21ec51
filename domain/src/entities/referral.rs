use sea_orm::entity::prelude::*;

/// A referral to a specialty; a referral-required specialty is booked by
/// using one (at most one appointment per referral).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::ReferralId,
    /// The account that sees and uses it.
    pub holder_id: shared::UserId,
    /// The person referred: the holder's user id or a dependant's id.
    pub subject_id: shared::PersonId,
    pub dependant_id: Option<shared::PersonId>,
    pub specialty_id: shared::SpecialtyId,
    /// `routine` or `urgent`.
    pub priority: shared::ReferralPriority,
    pub reason: String,
    pub expires_on: Date,
    pub facility_id: shared::FacilityId,
    pub issued_by: shared::UserId,
    /// The active appointment that uses it; NULL while unused.
    pub used_by_appointment_id: Option<shared::AppointmentId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
