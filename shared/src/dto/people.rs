//! Dependants an account holder books for.

use super::*;

/// A dependant as the account holder enters them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DependantIn {
    pub given_name: String,
    pub family_name: String,
    /// `YYYY-MM-DD`
    pub birth_date: String,
    /// `female` or `male`
    pub sex: String,
    /// Optional: children often have none yet.
    #[serde(default)]
    pub nin: String,
    /// `child`, `parent`, `spouse` or `other`.
    pub relation: String,
}

/// The valid form of [`DependantIn`].
#[derive(Clone, Debug, PartialEq)]
pub struct NewDependant {
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub nin: Option<Nin>,
    pub relation: crate::Relation,
}

impl DependantIn {
    pub fn validate(&self, today: NaiveDate) -> Result<NewDependant, Vec<FieldError>> {
        let mut e = Vec::new();
        let given_name = check(&mut e, "given_name", required(&self.given_name).and_then(PersonName::parse));
        let family_name = check(&mut e, "family_name", required(&self.family_name).and_then(PersonName::parse));
        let birth_date = check(&mut e, "birth_date", parse_birth_date(&self.birth_date, today));
        let sex = check(&mut e, "sex", required(&self.sex).and_then(|s| Sex::parse(s).ok_or(ErrorCode::SexInvalid)));
        let nin = check(&mut e, "nin", if self.nin.trim().is_empty() { Ok(None) } else { Nin::parse(&self.nin).map(Some) });
        let relation = check(&mut e, "relation", crate::Relation::parse(self.relation.trim()).ok_or(ErrorCode::Required));
        match (given_name, family_name, birth_date, sex, nin, relation) {
            (Some(given_name), Some(family_name), Some(birth_date), Some(sex), Some(nin), Some(relation)) if e.is_empty() => {
                Ok(NewDependant { given_name, family_name, birth_date, sex, nin, relation })
            }
            _ => Err(e),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DependantOut {
    pub id: PersonId,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub nin: Option<String>,
    pub relation: crate::Relation,
    /// False until a receptionist has checked the papers.
    pub verified: bool,
}
