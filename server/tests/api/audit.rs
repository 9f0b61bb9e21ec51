//! "Who looked at my record" shows every row, page by page; the access
//! log's chain is keyed, and its heads, anchored outside the database,
//! catch an end cut off or rewritten.

use crate::helpers::*;
use domain::entities::record_access;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde_json::Value;
use std::collections::HashSet;

/// `n` reads of the citizen's record by the demo practitioner, after a
/// look-up: `n + 1` rows in the citizen's log.
async fn reads(app: &TestApp, citizen: &str, n: usize) {
    app.domain.seed_demo().await.unwrap();
    let doctor = s(&app.token("0550000003", domain::seed::DEMO_PASSWORD).await, "access_token");
    care_by_lookup(app, &doctor, citizen).await;
    let id = s(&app.get_auth("/api/v1/me", citizen).await.json::<Value>().await.unwrap(), "id");
    for _ in 0..n {
        assert_eq!(app.get_auth(&format!("/api/v1/record/{id}"), &doctor).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn who_looked_lists_every_row_page_by_page_newest_first() {
    let app = spawn_app().await;
    let patient = s(&app.citizen_tokens().await, "access_token");
    let patient_id: uuid::Uuid = s(&app.get_auth("/api/v1/me", &patient).await.json::<Value>().await.unwrap(), "id").parse().unwrap();
    reads(&app, &patient, 119).await;
    let total = record_access::Entity::find().filter(record_access::Column::SubjectId.eq(patient_id)).count(app.domain.db()).await.unwrap();
    assert_eq!(total, 120);

    let mut seen: HashSet<String> = HashSet::new();
    let mut sizes: Vec<usize> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut last: Option<(String, String)> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/me/record/accesses?limit=50&before={c}"),
            None => "/api/v1/me/record/accesses?limit=50".to_owned(),
        };
        let page: Value = app.get_auth(&path, &patient).await.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        sizes.push(items.len());
        for it in items {
            let key = (s(it, "at"), it.to_string());
            if let Some(prev) = &last {
                assert!(key.0 <= prev.0, "newest first");
            }
            assert!(seen.insert(it.to_string()), "no row twice: {it}");
            last = Some(key);
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(sizes, vec![50, 50, 20], "every row, once");
    assert_eq!(sizes.iter().sum::<usize>() as u64, total);
    let (status, code, _) = error_code(app.get_auth("/api/v1/me/record/accesses?before=yesterday", &patient).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "bad_request"));
    // Another citizen's page holds nothing of it.
    let other = s(&app.citizen_tokens().await, "access_token");
    let theirs: Value = app.get_auth("/api/v1/me/record/accesses", &other).await.json().await.unwrap();
    assert_eq!(theirs["items"], serde_json::json!([]));
}

/// The rows of one patient's chain, in order.
async fn chain(app: &TestApp, subject: uuid::Uuid) -> Vec<record_access::Model> {
    record_access::Entity::find()
        .filter(record_access::Column::SubjectId.eq(subject))
        .order_by_asc(record_access::Column::Seq)
        .all(app.domain.db())
        .await
        .unwrap()
}

#[tokio::test]
async fn anchored_heads_catch_a_chain_cut_short_and_the_key_catches_a_row_rewritten_without_it() {
    let app = spawn_app().await;
    let mut subjects = Vec::new();
    for _ in 0..2 {
        let t = s(&app.citizen_tokens().await, "access_token");
        reads(&app, &t, 3).await;
        subjects.push(s(&app.get_auth("/api/v1/me", &t).await.json::<Value>().await.unwrap(), "id").parse::<uuid::Uuid>().unwrap());
    }
    assert!(app.domain.audit.anchor_access_heads().await.unwrap() >= 2);
    // Positive control: untouched, everything verifies.
    let report = app.domain.audit.verify_access_log().await.unwrap();
    assert!(report.broken.is_empty() && report.anchors >= 2 && report.forged_anchors == 0, "{report:?}");

    // Cutting the end off the first chain leaves a valid, shorter chain —
    // but its anchored head is gone.
    let rows = chain(&app, subjects[0]).await;
    let last = rows.last().unwrap().clone();
    record_access::Entity::delete_by_id(last.id).exec(app.domain.db()).await.unwrap();
    let report = app.domain.audit.verify_access_log().await.unwrap();
    assert_eq!(report.broken, vec![(subjects[0], last.seq)]);

    // Rewriting a row of the second chain without the key: even with a
    // consistent plain SHA-256 (the old, unkeyed form), it is caught.
    let rows = chain(&app, subjects[1]).await;
    let mut forged = rows[1].clone();
    forged.reason = "rien à voir".into();
    forged.mac_version = domain::record::access::SHA256_V1;
    forged.hash = domain::record::access::row_hash(&[], &forged, &rows[0].hash);
    let mut am: record_access::ActiveModel = rows[1].clone().into();
    am.reason = Set(forged.reason.clone());
    am.mac_version = Set(forged.mac_version);
    am.hash = Set(forged.hash.clone());
    am.update(app.domain.db()).await.unwrap();
    let report = app.domain.audit.verify_access_log().await.unwrap();
    assert!(report.broken.contains(&(subjects[1], rows[1].seq)), "{report:?}");

    // An anchor line written without the key is not believed, and counted.
    let file = app.domain.config().audit_dir.join("access-heads.log");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(&format!("2026-12-02T10:00:00+00:00 {} 99 {} {}\n", subjects[0], "0".repeat(64), "f".repeat(64)));
    std::fs::write(&file, text).unwrap();
    let report = app.domain.audit.verify_access_log().await.unwrap();
    assert_eq!(report.forged_anchors, 1);
    assert_eq!(report.broken.iter().find(|(s, _)| *s == subjects[0]).map(|b| b.1), Some(last.seq), "the forged head is ignored");
}
