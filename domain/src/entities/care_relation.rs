use sea_orm::entity::prelude::*;

/// A care relationship opened by a practitioner's look-up by NIN, with the
/// reason they gave; it lets their facility open the record until it expires.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "care_relations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub facility_id: shared::FacilityId,
    /// The patient: a citizen's user id or a dependant's id.
    pub subject_id: shared::PersonId,
    /// The practitioner's user id.
    /// The practitioner's user id (not their practitioner profile).
    pub practitioner_id: shared::UserId,
    pub reason: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("care_relation::Model").field("id", &self.id).finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
