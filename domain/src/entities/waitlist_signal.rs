use sea_orm::entity::prelude::*;

/// Time may be free for the waiting list in one specialty and wilaya: the
/// waitlist job's work, taken under a lease (see `booking::waitlist`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "waitlist_signals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub specialty_id: shared::SpecialtyId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub wilaya_code: String,
    /// The latest signal: the job removes the row only if it is unchanged.
    pub signalled_at: DateTimeUtc,
    pub lease_owner: Option<Uuid>,
    pub lease_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
