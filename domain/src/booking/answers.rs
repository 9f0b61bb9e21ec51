//! A short-lived, in-process cache of public search answers.
//!
//! The slot search is public and the same few questions (a specialty in a
//! wilaya over the next weeks) are asked again and again. Its answer is
//! kept here for at most [`BookingRules::search_cache_ms`] (2 s), as the
//! bytes the API sends (and their compressed forms, made once on demand),
//! keyed by the normalised query. This process drops an answer as soon as
//! it changes a slot in that answer's range — a booking, a cancellation, a
//! move, a schedule change — so its own users never see a stale answer;
//! a change made by another process shows within the TTL. The booking's
//! unique index stays the authority: a slot shown free that another
//! process just took costs one `409 slot_taken`, never a double booking.
//!
//! [`BookingRules::search_cache_ms`]: crate::BookingRules::search_cache_ms

use bytes::Bytes;
use chrono::NaiveDate;
use moka::sync::Cache;
use sha2::{Digest, Sha256};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The longest an answer is kept, whatever the configuration says.
const MAX_TTL: Duration = Duration::from_secs(2);
/// How much is kept at most, in KiB of JSON (each answer a few to
/// ~100 KiB; its compressed forms add about a fifth).
const CAPACITY_KIB: u64 = 64 * 1024;

/// A normalised public search: the fields a change is matched against,
/// and the rest of the query (narrowing, order, language, page) as one
/// canonical string.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct SearchKey {
    /// Which search (`slots`, `groups`…).
    pub kind: &'static str,
    pub specialty: String,
    pub wilaya: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rest: String,
}

/// An answer as sent: its JSON, its ETag, and its compressed forms once
/// a client asked for them.
#[derive(Debug)]
/// The bodies are `Bytes`: a kept answer is sent without a copy.
pub struct Answer {
    pub json: Bytes,
    /// A strong hash of the JSON (hex, 32 digits).
    pub etag: String,
    br: OnceLock<Bytes>,
    gzip: OnceLock<Bytes>,
}

impl Answer {
    pub fn new(json: Vec<u8>) -> Self {
        let digest = Sha256::digest(&json);
        let etag = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        Self { json: Bytes::from(json), etag, br: OnceLock::new(), gzip: OnceLock::new() }
    }

    /// The brotli form, made by `compress` the first time it is asked for.
    pub fn br(&self, compress: impl FnOnce(&[u8]) -> Vec<u8>) -> Bytes {
        self.br.get_or_init(|| Bytes::from(compress(&self.json))).clone()
    }

    /// The gzip form, made by `compress` the first time it is asked for.
    pub fn gzip(&self, compress: impl FnOnce(&[u8]) -> Vec<u8>) -> Bytes {
        self.gzip.get_or_init(|| Bytes::from(compress(&self.json))).clone()
    }
}

/// What changed, for dropping the answers it makes stale.
#[derive(Clone, Debug)]
pub enum Change {
    /// One slot's state (booked, cancelled, moved, held, closed): the
    /// answers of its specialty and wilaya whose range holds its day.
    Slot { specialty: String, wilaya: String, day: NaiveDate },
    /// A schedule-wide change (templates, closures, holidays, a facility
    /// or a practitioner leaving): every answer.
    Everything,
}

/// The cache. Cheap to share (`Arc` inside moka).
#[derive(Clone)]
pub struct SearchAnswers {
    cache: Option<Cache<SearchKey, Arc<Answer>>>,
    /// Bumped by every change: an answer computed while a change happened
    /// is sent but not kept (it may predate the change). One counter for
    /// all: under a steady stream of bookings fewer answers are kept, never
    /// a wrong one.
    generation: Arc<AtomicU64>,
}

impl SearchAnswers {
    /// Answers kept for `ttl` (at most 2 s); none when `ttl` is zero.
    pub fn new(ttl: Duration) -> Self {
        let ttl = std::cmp::min(ttl, MAX_TTL);
        let cache = (!ttl.is_zero()).then(|| {
            Cache::builder()
                .weigher(|_: &SearchKey, a: &Arc<Answer>| u32::try_from(a.json.len() / 1024 + 1).unwrap_or(u32::MAX))
                .max_capacity(CAPACITY_KIB)
                .time_to_live(ttl)
                .support_invalidation_closures()
                .build()
        });
        Self { cache, generation: Arc::new(AtomicU64::new(0)) }
    }

    /// The kept answer to `key`, or the one `compute` makes (then kept,
    /// unless something changed meanwhile).
    pub async fn answer<F, Fut, E>(&self, key: SearchKey, compute: F) -> Result<Arc<Answer>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<u8>, E>>,
    {
        let Some(cache) = &self.cache else { return Ok(Arc::new(Answer::new(compute().await?))) };
        if let Some(kept) = cache.get(&key) {
            return Ok(kept);
        }
        let before = self.generation.load(Ordering::Acquire);
        let answer = Arc::new(Answer::new(compute().await?));
        if self.generation.load(Ordering::Acquire) == before {
            cache.insert(key.clone(), answer.clone());
            // A change between the check and the insert would not drop
            // an entry written after it: look again, now that it is in.
            if self.generation.load(Ordering::Acquire) != before {
                cache.invalidate(&key);
            }
        }
        Ok(answer)
    }

    /// Drops the answers `change` makes stale.
    pub fn changed(&self, change: Change) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let Some(cache) = &self.cache else { return };
        match change {
            Change::Everything => cache.invalidate_all(),
            Change::Slot { specialty, wilaya, day } => {
                // Registered predicates are applied to every later read
                // at once, and swept in the background.
                let dropped = cache.invalidate_entries_if(move |k, _| k.specialty == specialty && k.wilaya == wilaya && k.from <= day && day <= k.to);
                if dropped.is_err() {
                    cache.invalidate_all();
                }
            }
        }
    }

    /// How many answers are kept now (after pending maintenance).
    pub fn len(&self) -> u64 {
        self.cache.as_ref().map_or(0, |c| {
            c.run_pending_tasks();
            c.entry_count()
        })
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(specialty: &str, wilaya: &str, from: u32, to: u32) -> SearchKey {
        let d = |day| NaiveDate::from_ymd_opt(2027, 1, day).unwrap();
        SearchKey { kind: "slots", specialty: specialty.into(), wilaya: wilaya.into(), from: d(from), to: d(to), rest: String::new() }
    }

    async fn get(c: &SearchAnswers, k: SearchKey, fresh: &str) -> String {
        let fresh = fresh.to_owned();
        let a = c.answer(k, || async move { Ok::<_, ()>(fresh.into_bytes()) }).await.unwrap();
        String::from_utf8(a.json.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_change_drops_only_the_answers_of_its_specialty_wilaya_and_days() {
        let c = SearchAnswers::new(Duration::from_secs(2));
        let (a, b, other_wilaya, other_days) =
            (key("cardiology", "31", 1, 28), key("dermatology", "31", 1, 28), key("cardiology", "16", 1, 28), key("cardiology", "31", 20, 28));
        for k in [&a, &b, &other_wilaya, &other_days] {
            assert_eq!(get(&c, k.clone(), "old").await, "old");
            assert_eq!(get(&c, k.clone(), "new").await, "old", "kept");
        }
        c.changed(Change::Slot { specialty: "cardiology".into(), wilaya: "31".into(), day: NaiveDate::from_ymd_opt(2027, 1, 5).unwrap() });
        assert_eq!(get(&c, a.clone(), "new").await, "new", "its range holds the day");
        assert_eq!(get(&c, b, "new").await, "old", "another specialty");
        assert_eq!(get(&c, other_wilaya, "new").await, "old", "another wilaya");
        assert_eq!(get(&c, other_days, "new").await, "old", "another range");
        c.changed(Change::Everything);
        assert_eq!(get(&c, a, "newer").await, "newer");
    }

    #[tokio::test]
    async fn an_answer_computed_across_a_change_is_not_kept_and_none_are_without_a_ttl() {
        let c = SearchAnswers::new(Duration::from_secs(2));
        let k = key("cardiology", "31", 1, 28);
        let c2 = c.clone();
        let a = c
            .answer(k.clone(), || async move {
                c2.changed(Change::Everything);
                Ok::<_, ()>(b"during".to_vec())
            })
            .await
            .unwrap();
        assert_eq!(&a.json[..], b"during", "sent");
        assert_eq!(get(&c, k.clone(), "after").await, "after", "not kept");
        assert_eq!(get(&c, k.clone(), "later").await, "after", "the positive control: kept when nothing changed");

        let off = SearchAnswers::new(Duration::ZERO);
        assert_eq!(get(&off, k.clone(), "one").await, "one");
        assert_eq!(get(&off, k, "two").await, "two");
        assert!(off.is_empty());
    }

    #[test]
    fn the_compressed_forms_are_made_once() {
        let a = Answer::new(b"{}".to_vec());
        let mut made = 0;
        assert_eq!(
            &a.br(|j| {
                made += 1;
                j.to_vec()
            })[..],
            b"{}"
        );
        assert_eq!(
            &a.br(|_| {
                made += 1;
                Vec::new()
            })[..],
            b"{}"
        );
        assert_eq!(made, 1);
        assert_eq!(a.etag.len(), 32);
    }
}
