//! The open directory: every wilaya and commune of Algeria, facilities and
//! practitioners, public, in pages, with ETags that spare a second download.

use crate::helpers::*;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;

/// Every item of a list, page after page; the number of pages.
async fn all_pages(app: &TestApp, path: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages) = (Vec::new(), 0);
    let mut next: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &next {
            Some(c) => format!("{path}{sep}cursor={c}"),
            None => path.to_owned(),
        };
        let res = app.client.get(app.url(&url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        let page: Value = res.json().await.unwrap();
        pages += 1;
        items.extend(page["items"].as_array().expect("the page envelope").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => next = Some(c.to_owned()),
            None => return (items, pages),
        }
    }
}

#[tokio::test]
async fn the_directory_lists_all_of_algeria_in_pages_and_a_second_download_is_spared() {
    let app = spawn_app().await;
    app.domain.seed_demo().await.unwrap();
    let db = app.domain.db();
    assert_eq!(domain::entities::commune::Entity::find().count(db).await.unwrap(), 1541, "every commune, once");
    // A database that had Oran's first communes (accented names, no English, no postal code):
    // loading again completes those rows under their ids — found by the Arabic
    // name, or by the French one without accents — and adds nothing.
    use domain::entities::commune;
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Set};
    let mut before = Vec::new();
    for (now, old_fr, old_ar) in [("Ain Turk", "Aïn El Turck", None), ("Boutlelis", "Boutlélis", Some("بوتليليس القديمة"))] {
        let c = commune::Entity::find().filter(commune::Column::NameFr.eq(now)).one(db).await.unwrap().expect(now);
        let mut old: commune::ActiveModel = c.clone().into();
        old.name_fr = Set(old_fr.into());
        if let Some(ar) = old_ar {
            old.name_ar = Set(ar.into());
        }
        old.name_en = Set(String::new());
        old.postal_code = Set(None);
        old.update(db).await.unwrap();
        before.push((c.id, old_fr, now));
    }
    app.domain.core().seed_reference().await.unwrap();
    for (id, old_fr, now) in before {
        let again = commune::Entity::find_by_id(id).one(db).await.unwrap().unwrap();
        assert_eq!((again.name_fr.as_str(), again.name_en.as_str(), again.postal_code.is_some()), (old_fr, now, true), "completed, its name kept");
    }
    assert_eq!(commune::Entity::find().count(db).await.unwrap(), 1541, "nothing added");

    // 69 wilayas in two pages of 50; the reform's last one has its names.
    let (wilayas, pages) = all_pages(&app, "/api/v1/directory/wilayas").await;
    assert_eq!((wilayas.len(), pages), (69, 2));
    let last = &wilayas[68];
    assert_eq!((last["code"].as_str(), last["name_en"].as_str().is_some_and(|n| !n.is_empty())), (Some("69"), true), "{last}");

    // Oran's communes with their postal codes; Oran's first communes kept their accents; Adrar's are there too.
    let (oran, _) = all_pages(&app, "/api/v1/directory/wilayas/31/communes?limit=10").await;
    assert_eq!(oran.len(), 26);
    let city = oran.iter().find(|c| c["name_fr"] == "Oran").expect("Oran");
    assert_eq!((city["postal_code"].as_str(), city["name_en"].as_str()), (Some("31000"), Some("Oran")), "{city}");
    let (adrar, _) = all_pages(&app, "/api/v1/directory/wilayas/01/communes").await;
    assert!(!adrar.is_empty() && adrar.iter().all(|c| c["wilaya_code"] == "01"));
    let res = app.client.get(app.url("/api/v1/directory/wilayas/99/communes")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["cache-control"], "no-store", "an error is never kept");

    // An ETag: the same answer again is a 304 without a body; a changed one is not.
    let res = app.client.get(app.url("/api/v1/directory/specialties")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("public"));
    assert_eq!(res.headers()["access-control-allow-origin"], "*", "any web app may read the directory");
    let citizen = s(&app.citizen_tokens().await, "access_token");
    assert_eq!(app.get_auth("/api/v1/me", &citizen).await.headers()["cache-control"], "no-store", "a personal answer is never kept");
    let again = app.client.get(app.url("/api/v1/directory/specialties")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());
    let other = app.client.get(app.url("/api/v1/directory/specialties")).header("if-none-match", "\"something-else\"").send().await.unwrap();
    assert_eq!(other.status(), StatusCode::OK, "another version is sent in full");

    // Facilities of Oran offering the demo practitioner's specialty, and the practitioners there.
    let clinic = crate::booking::clinic_with_slots(&app).await;
    let (facilities, _) = all_pages(&app, &format!("/api/v1/directory/facilities?wilaya=31&specialty={}", clinic.specialty)).await;
    assert!(facilities.iter().any(|f| f["id"] == clinic.facility_id.as_str()), "{facilities:?}");
    assert!(facilities.iter().all(|f| f["wilaya_code"] == "31" && f["specialties"].as_array().unwrap().iter().any(|s| s == clinic.specialty.as_str())));
    let (elsewhere, _) = all_pages(&app, "/api/v1/directory/facilities?wilaya=46").await;
    assert!(!elsewhere.is_empty() && elsewhere.iter().all(|f| f["wilaya_code"] == "46"), "the filter is applied");
    let one: Value = app.client.get(app.url(&format!("/api/v1/directory/facilities/{}", clinic.facility_id))).send().await.unwrap().json().await.unwrap();
    assert_eq!(one["commune"]["wilaya_code"], "31");
    let (here, _) = all_pages(&app, &format!("/api/v1/directory/practitioners?facility_id={}", clinic.facility_id)).await;
    assert!(here.iter().any(|p| p["id"] == clinic.practitioner_id.as_str()));
    for p in &here {
        let mut keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["facilities", "id", "name", "specialty"], "a public profile, nothing more");
    }

    // A cursor this server did not give, a limit out of range: refused.
    for bad in ["/api/v1/directory/wilayas?cursor=zz", "/api/v1/directory/wilayas?limit=0", "/api/v1/directory/wilayas?limit=500"] {
        let (status, code, _) = error_code(app.client.get(app.url(bad)).send().await.unwrap()).await;
        assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "bad_request"), "{bad}");
    }
}
