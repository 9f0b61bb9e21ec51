//! Reference data and demo data.
//!
//! Reference data (the 69 wilayas and 1,541 communes of Algeria, specialties,
//! the expected dates of the Islamic holidays) comes from the CSV files
//! under `domain/seed/`, loaded into every database. The wilayas and
//! communes are the public-domain (CC0-1.0) data set `algeria-wilayas-communes`
//! 1.1.0 (2025/2026 reform; French names of wilayas 01–58 as in the
//! official list), copied from the workplace's `shared/data/`. Demo data
//! (polyclinics, practitioners, demo logins) is for the embedded default and
//! the end-to-end tests; it is written only into an empty database.

use crate::accounts::NewStaff;
use crate::entities::{commune, facility, holiday, practitioner, practitioner_facility, specialty, user, wilaya};
use crate::{Core, Error, Result};
use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use shared::dto::RegisterIn;
use shared::{CommuneId, Email, FacilityId, HolidayId, Lang, NewPassword, PersonName, Phone, PractitionerId, Role, SpecialtyId, UserId};
use uuid::Uuid;

const WILAYAS: &str = include_str!("../seed/wilayas.csv");
const COMMUNES: &str = include_str!("../seed/communes.csv");
const SPECIALTIES: &str = include_str!("../seed/specialties.csv");
/// Expected dates of the Islamic holidays (the lunar calendar is fixed by
/// the ministry each year); a health administrator corrects them.
const HOLIDAYS_ISLAMIC: &str = include_str!("../seed/holidays_islamic.csv");

/// The password of every demo account. Printed by the run command; demo
/// data is never loaded into a production database (see `seed_demo`).
pub const DEMO_PASSWORD: &str = "Sihati-demo-2026";

/// Demo logins: (role, phone). The practitioner who just arrived has not
/// enrolled an authenticator yet: her first sign-in shows the enrolment.
/// The second directorate runs Tlemcen (13), a wilaya with no facility
/// yet: it opens the first.
pub const DEMO_LOGINS: [(Role, &str); 7] = [
    (Role::Citizen, "0550000001"),
    (Role::Receptionist, "0550000002"),
    (Role::Practitioner, "0550000003"),
    (Role::FacilityAdmin, "0550000004"),
    (Role::HealthAdmin, "0550000005"),
    (Role::Practitioner, NEW_PRACTITIONER_PHONE),
    (Role::HealthAdmin, OTHER_DIRECTORATE_PHONE),
];

/// The demo directorate of Tlemcen.
pub const OTHER_DIRECTORATE_PHONE: &str = "0550000007";
/// Its wilaya.
pub const OTHER_DIRECTORATE_WILAYA: &str = "13";

/// The demo practitioner without an authenticator (Leila Haddad, neurology).
pub const NEW_PRACTITIONER_PHONE: &str = "0550000006";

/// The authenticator secret (base32) of the demo staff who sign in with a
/// second factor, printed by the run command: add it to any authenticator
/// app. Demo data only, never in a production database.
pub const DEMO_TOTP_SECRET: &str = "SIHATIDEMOSIHATIDEMOSIHATIDEMO23";

/// The demo secret's bytes.
pub fn demo_totp_secret() -> Vec<u8> {
    totp_rs::Secret::Encoded(DEMO_TOTP_SECRET.into()).to_bytes().expect("valid base32")
}

/// Specialties that demo facilities offer (the first ten of the reference list).
const DEMO_SPECIALTIES: usize = 10;
/// The specialty of the demo's practitioner without a schedule.
pub const NEW_PRACTITIONER_SPECIALTY: &str = "neurology";
/// Specialties that need a referral from a general practitioner.
const REFERRAL_REQUIRED: [&str; 2] = ["cardiology", "endocrinology_diabetes"];

fn csv_rows(data: &str) -> Result<Vec<csv::StringRecord>> {
    csv::Reader::from_reader(data.as_bytes()).records().collect::<Result<Vec<_>, _>>().map_err(|e| Error::Internal(format!("seed CSV: {e}")))
}

fn ignore_conflict<T>(r: Result<T, sea_orm::DbErr>) -> Result<()> {
    match r {
        Ok(_) | Err(sea_orm::DbErr::RecordNotInserted) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

impl Core {
    /// Loads reference data; safe to run on every start.
    pub async fn seed_reference(&self) -> Result<()> {
        let db = self.db();
        self.seed_places().await?;
        if specialty::Entity::find().count(db).await? == 0 {
            let rows: Vec<_> = csv_rows(SPECIALTIES)?
                .iter()
                .map(|r| specialty::ActiveModel {
                    id: Set(SpecialtyId(Uuid::new_v4())),
                    code: Set(r[0].to_owned()),
                    name_fr: Set(r[1].to_owned()),
                    name_ar: Set(r[2].to_owned()),
                    name_en: Set(r[3].to_owned()),
                    referral_required: Set(REFERRAL_REQUIRED.contains(&&r[0])),
                })
                .collect();
            ignore_conflict(specialty::Entity::insert_many(rows).exec(db).await)?;
        }
        if holiday::Entity::find().count(db).await? == 0 {
            let now = self.clock().now();
            let mut rows = Vec::new();
            for r in csv_rows(HOLIDAYS_ISLAMIC)? {
                let date = NaiveDate::parse_from_str(&r[0], "%Y-%m-%d").map_err(|e| Error::Internal(format!("holiday date: {e}")))?;
                rows.push(holiday::ActiveModel {
                    id: Set(HolidayId(Uuid::new_v4())),
                    date: Set(date),
                    kind: Set(shared::HolidayKind::Islamic),
                    name_fr: Set(r[1].to_owned()),
                    name_ar: Set(r[2].to_owned()),
                    name_en: Set(r[3].to_owned()),
                    created_at: Set(now),
                });
            }
            ignore_conflict(holiday::Entity::insert_many(rows).exec(db).await)?;
        }
        self.seed_instructions().await
    }
}

/// A French name compared without accents, case or spacing: the first
/// communes were loaded with accents ("Aïn El Turck"), the full list
/// mostly without ("Ain Turk" is matched by its Arabic name instead).
fn folded(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' => Some('e'),
            'î' | 'ï' | 'Î' | 'Ï' => Some('i'),
            'ô' | 'ö' | 'Ô' => Some('o'),
            'ù' | 'û' | 'ü' => Some('u'),
            'ç' | 'Ç' => Some('c'),
            c if c.is_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

impl Core {
    /// The wilayas and communes: every wilaya upserted by code; each
    /// commune of the list updates the one already loaded under the same
    /// wilaya and Arabic (or folded French) name — so facilities keep their
    /// commune — and the others are added. Does nothing once all are there.
    async fn seed_places(&self) -> Result<()> {
        let db = self.db();
        let wilayas = csv_rows(WILAYAS)?;
        let communes = csv_rows(COMMUNES)?;
        let complete = |n: u64, expected: usize| n as usize >= expected;
        let have_w = wilaya::Entity::find().filter(wilaya::Column::NameEn.ne("")).count(db).await?;
        let have_c = commune::Entity::find().filter(commune::Column::NameEn.ne("")).count(db).await?;
        if complete(have_w, wilayas.len()) && complete(have_c, communes.len()) {
            return Ok(());
        }
        let txn = self.begin_write().await?;
        let rows: Vec<_> = wilayas
            .iter()
            .map(|r| wilaya::ActiveModel {
                code: Set(r[0].to_owned()),
                name_fr: Set(r[1].to_owned()),
                name_ar: Set(r[2].to_owned()),
                name_en: Set(r[3].to_owned()),
            })
            .collect();
        wilaya::Entity::insert_many(rows)
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(wilaya::Column::Code)
                    .update_columns([wilaya::Column::NameFr, wilaya::Column::NameAr, wilaya::Column::NameEn])
                    .to_owned(),
            )
            .exec(&txn)
            .await?;
        let mut loaded = commune::Entity::find().all(&txn).await?;
        let mut new_rows = Vec::new();
        for r in &communes {
            let (wilaya_code, postal, fr, ar, en, daira_fr, daira_ar) = (&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6]);
            let postal_code = (!postal.is_empty()).then(|| postal.to_owned());
            let same = loaded.iter().position(|c| c.wilaya_code == wilaya_code && (c.name_ar == ar || folded(&c.name_fr) == folded(fr)));
            match same {
                Some(i) => {
                    let c = loaded.swap_remove(i);
                    if c.name_en == en && c.postal_code == postal_code && c.daira_fr == daira_fr {
                        continue;
                    }
                    // The names already loaded are kept (accented); the rest comes from the list.
                    let mut m: commune::ActiveModel = c.into();
                    m.name_en = Set(en.to_owned());
                    m.postal_code = Set(postal_code);
                    m.daira_fr = Set(daira_fr.to_owned());
                    m.daira_ar = Set(daira_ar.to_owned());
                    sea_orm::ActiveModelTrait::update(m, &txn).await?;
                }
                None => new_rows.push(commune::ActiveModel {
                    id: Set(CommuneId(Uuid::new_v4())),
                    wilaya_code: Set(wilaya_code.to_owned()),
                    name_fr: Set(fr.to_owned()),
                    name_ar: Set(ar.to_owned()),
                    name_en: Set(en.to_owned()),
                    postal_code: Set(postal_code),
                    daira_fr: Set(daira_fr.to_owned()),
                    daira_ar: Set(daira_ar.to_owned()),
                }),
            }
        }
        // In chunks: SQLite caps the parameters of one statement.
        for chunk in new_rows.chunks(200) {
            let done = commune::Entity::insert_many(chunk.to_vec())
                .on_conflict(sea_orm::sea_query::OnConflict::columns([commune::Column::WilayaCode, commune::Column::NameAr]).do_nothing().to_owned())
                .exec(&txn)
                .await;
            ignore_conflict(done)?;
        }
        txn.commit().await?;
        Ok(())
    }
}

impl crate::Domain {
    /// Loads demo facilities, practitioners and logins when there are no
    /// facilities yet. Returns whether it did.
    pub async fn seed_demo(&self) -> Result<bool> {
        self.core.seed_reference().await?;
        let db = self.core.db();
        if facility::Entity::find().count(db).await? > 0 {
            return Ok(false);
        }
        let communes = commune::Entity::find().all(db).await?;
        let commune_id = |name: &str| communes.iter().find(|c| c.name_fr == name).map(|c| c.id);
        let now = self.core.clock().now();
        // (name_fr, name_ar, wilaya, commune, address)
        let demo_facilities = [
            ("Polyclinique Es-Seddikia", "العيادة المتعددة الخدمات الصديقية", "31", "Oran", "Boulevard de l'ALN, Es-Seddikia"),
            ("Polyclinique de Bir El Djir", "العيادة المتعددة الخدمات بئر الجير", "31", "Bir El Djir", "Cité 1er Novembre, Bir El Djir"),
            ("Polyclinique d'Es Senia", "العيادة المتعددة الخدمات السانية", "31", "Es Senia", "Rue des Frères Bouchama, Es Senia"),
            ("Polyclinique d'Arzew", "العيادة المتعددة الخدمات أرزيو", "31", "Arzew", "Avenue de l'Indépendance, Arzew"),
            ("Polyclinique d'Aïn Témouchent centre", "العيادة المتعددة الخدمات عين تموشنت المركز", "46", "", "Boulevard Emir Abdelkader, Aïn Témouchent"),
        ];
        let mut facility_ids = Vec::new();
        for (i, (fr, ar, wilaya, commune_name, address)) in demo_facilities.iter().enumerate() {
            let id = FacilityId(Uuid::new_v4());
            facility::Entity::insert(facility::ActiveModel {
                id: Set(id),
                kind: Set("polyclinic".into()),
                name_ar: Set((*ar).into()),
                name_fr: Set((*fr).into()),
                wilaya_code: Set((*wilaya).into()),
                commune_id: Set(commune_id(commune_name)),
                address: Set((*address).into()),
                phone: Set(Some(format!("+21341{:07}", 2_000_000 + i * 1111))),
                created_at: Set(now),
                active: Set(true),
                opens_at: Set("08:00".into()),
                closes_at: Set("16:00".into()),
                open_days: Set("71234".into()),
                latitude: Set(None),
                longitude: Set(None),
            })
            .exec(db)
            .await?;
            facility_ids.push(id);
        }
        let specialties = specialty::Entity::find().all(db).await?;
        let mut offered: Vec<_> = csv_rows(SPECIALTIES)?.iter().take(DEMO_SPECIALTIES).map(|r| r[0].to_owned()).collect();
        offered.retain(|code| specialties.iter().any(|s| &s.code == code));
        let given = [
            "Amina",
            "Karim",
            "Nadia",
            "Yacine",
            "Soumia",
            "Reda",
            "Lamia",
            "Sofiane",
            "Imane",
            "Walid",
            "Fatima Zohra",
            "Abdelkader",
            "Houria",
            "Mehdi",
            "Samira",
        ];
        let family = [
            "Benali",
            "Bouzid",
            "Mebarki",
            "Khelifa",
            "Belkacem",
            "Hamidi",
            "Saidi",
            "Cherif",
            "Rahmani",
            "Boudiaf",
            "Ziani",
            "Touati",
            "Messaoudi",
            "Larbi",
            "Djebbar",
        ];
        let mut first_practitioner = None;
        for i in 0..30usize {
            let code = &offered[i % offered.len()];
            let spec = specialties.iter().find(|s| &s.code == code).expect("offered specialty exists");
            let id = PractitionerId(Uuid::new_v4());
            let profile = practitioner::ActiveModel {
                id: Set(id),
                user_id: Set(None),
                given_name: Set(given[i % given.len()].into()),
                family_name: Set(family[(i * 7) % family.len()].into()),
                specialty_id: Set(spec.id),
                created_at: Set(now),
            }
            .insert(db)
            .await?;
            // Each practitioner works at one facility; every fourth also at a second.
            let home = facility_ids[i % facility_ids.len()];
            let mut at = vec![home];
            if i % 4 == 0 {
                at.push(facility_ids[(i + 1) % facility_ids.len()]);
            }
            for f in at {
                crate::network::join_facility(db, &profile, f).await?;
            }
            first_practitioner.get_or_insert(id);
        }

        let password = || NewPassword::parse(DEMO_PASSWORD).expect("demo password meets the policy");
        let home = facility_ids[0];
        for (role, phone) in DEMO_LOGINS {
            if phone == NEW_PRACTITIONER_PHONE {
                continue;
            }
            if role == Role::Citizen {
                let citizen = self
                    .accounts
                    .register(
                        &RegisterIn {
                            nin: "119900123456789012".into(),
                            given_name: "Amina".into(),
                            family_name: "Benali".into(),
                            birth_date: "1990-04-12".into(),
                            sex: "female".into(),
                            phone: phone.into(),
                            email: "amina.benali@example.dz".into(),
                            password: DEMO_PASSWORD.into(),
                            lang: "ar".into(),
                        },
                        None,
                    )
                    .await
                    .map(|a| a.user().id)?;
                // The demo numbers are fictitious: nobody could receive a code.
                self.core.mark_contacts_verified(citizen).await?;
                continue;
            }
            let (g, f) = match role {
                _ if phone == OTHER_DIRECTORATE_PHONE => ("Farid", "Bensalah"),
                Role::Receptionist => ("Samira", "Hadj"),
                Role::Practitioner => ("Karim", "Benali"),
                Role::FacilityAdmin => ("Nadia", "Mekki"),
                _ => ("Rachid", "Ould Ali"),
            };
            let user_id = self
                .accounts
                .create_staff(NewStaff {
                    role,
                    facility_id: role.needs_facility().then_some(home),
                    wilaya_code: (role == Role::HealthAdmin).then(|| if phone == OTHER_DIRECTORATE_PHONE { OTHER_DIRECTORATE_WILAYA } else { "31" }.to_owned()),
                    given_name: PersonName::parse(g).expect("valid"),
                    family_name: PersonName::parse(f).expect("valid"),
                    phone: Some(Phone::parse(phone).expect("valid")),
                    email: Some(
                        Email::parse(&format!("{}{}@sihati.example.dz", role.code(), if phone == OTHER_DIRECTORATE_PHONE { ".13" } else { "" }))
                            .expect("valid"),
                    ),
                    password: password(),
                    lang: Lang::Fr,
                    specialty: None,
                })
                .await?;
            if role.needs_second_factor() {
                self.core.enrol_with_secret(user_id, &demo_totp_secret()).await?;
            }
            if role == Role::Practitioner {
                if let Some(p) = first_practitioner {
                    practitioner::Entity::update_many()
                        .col_expr(practitioner::Column::UserId, sea_orm::sea_query::Expr::value(user_id))
                        .col_expr(practitioner::Column::GivenName, sea_orm::sea_query::Expr::value(g))
                        .col_expr(practitioner::Column::FamilyName, sea_orm::sea_query::Expr::value(f))
                        .filter(practitioner::Column::Id.eq(p))
                        .exec(db)
                        .await?;
                }
            }
        }
        // Sunday to Thursday, 20-minute slots, for every practitioner: mornings
        // at their first facility, afternoons at a second one (a practitioner
        // is in one place at a time): a usable booking demo.
        let today = self.core.today();
        let links = practitioner_facility::Entity::find().all(db).await?;
        let creator = user::Entity::find().one(db).await?.map_or(UserId(Uuid::nil()), |u| u.id);
        let mut seen = std::collections::HashSet::new();
        for link in &links {
            let Some(p) = practitioner::Entity::find_by_id(link.practitioner_id).one(db).await? else { continue };
            let (start, end) = if seen.insert(p.id) { (8 * 60, 12 * 60) } else { (13 * 60, 16 * 60) };
            for weekday in [7u8, 1, 2, 3, 4] {
                let rule = crate::booking::WeeklyRule { weekday, start, end, slot_minutes: 20, valid_from: today, valid_to: None };
                self.core.create_template(link.facility_id, &p, rule, creator).await?;
            }
        }
        // A newly arrived neurologist at the first polyclinic, the only one in
        // the demo, with no schedule yet: the desk publishes it (and the
        // end-to-end tests use this to control exactly which slots exist).
        if let Some(neuro) = specialties.iter().find(|s| s.code == NEW_PRACTITIONER_SPECIALTY) {
            self.accounts
                .create_staff(NewStaff {
                    role: Role::Practitioner,
                    facility_id: Some(home),
                    wilaya_code: None,
                    given_name: PersonName::parse("Leila").expect("valid"),
                    family_name: PersonName::parse("Haddad").expect("valid"),
                    phone: Some(Phone::parse(NEW_PRACTITIONER_PHONE).expect("valid")),
                    email: Some(Email::parse("leila.haddad@sihati.example.dz").expect("valid")),
                    password: password(),
                    lang: Lang::Fr,
                    specialty: Some(neuro.code.clone()),
                })
                .await?;
        }
        let users = user::Entity::find().count(db).await?;
        tracing::info!(facilities = facility_ids.len(), practitioners = 31, users, "demo data loaded");
        Ok(true)
    }
}
