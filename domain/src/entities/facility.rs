use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "facilities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: shared::FacilityId,
    /// `polyclinic`, `eph`, `chu`, `ehs`…
    pub kind: String,
    pub name_ar: String,
    pub name_fr: String,
    pub wilaya_code: String,
    pub commune_id: Option<shared::CommuneId>,
    pub address: String,
    pub phone: Option<String>,
    pub created_at: DateTimeUtc,
    /// False once the health directorate closed it: out of the directory
    /// and of searches; what was booked stays.
    pub active: bool,
    /// `HH:MM`, Algiers.
    pub opens_at: String,
    pub closes_at: String,
    /// The ISO weekdays it is open (1 Monday … 7 Sunday), e.g. `71234`.
    pub open_days: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
