use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::UserId,
    /// A `shared::Role` code.
    pub role: shared::Role,
    pub facility_id: Option<shared::FacilityId>,
    /// A health administrator's wilaya: the directorate they work for.
    pub wilaya_code: Option<String>,
    pub nin: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<Date>,
    pub sex: Option<String>,
    /// E.164, `+213…`.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The email lower-cased: the unique key that sign-in looks up.
    pub email_key: Option<String>,
    pub password_hash: String,
    pub lang: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub password_changed_at: DateTimeUtc,
    /// When the account proved it receives SMS at `phone`; null until then.
    pub phone_verified_at: Option<DateTimeUtc>,
    /// When the account opened a link sent to `email`; no email is sent
    /// to an unverified address.
    pub email_verified_at: Option<DateTimeUtc>,
    /// When the citizen closed the account: contact data erased, the
    /// identity kept with the record.
    pub closed_at: Option<DateTimeUtc>,
    /// When an administrator deactivated this staff account: it can no
    /// longer sign in; the person and what they wrote stay.
    pub deactivated_at: Option<DateTimeUtc>,
}

// Personal data: the derived Debug would print it into logs.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("user::Model").field("id", &self.id).field("role", &self.role).finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
