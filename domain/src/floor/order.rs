//! The order of a waiting-room queue: one pure function, the rule the
//! desk, the practitioner's "call next" and the patient's "why am I here?"
//! all read.
//!
//! The rule, in tiers (within a tier, the earlier first; ties by ticket):
//! 1. urgent referrals, by arrival;
//! 2. the priority groups the desk recorded (pregnant, disability,
//!    elderly), by arrival;
//! 3. booked patients whose time has come (`starts_at - lead ≤ now`), by
//!    appointment time;
//! 4. walk-ins by arrival, and patients back after missing a call by the
//!    time they were marked absent: they fill the time booked patients
//!    leave, so a walk-in never goes before a booked patient whose time
//!    has come;
//! 5. booked patients who arrived early, by appointment time: each moves up
//!    to tier 3 when their time comes.
//!
//! Urgency and priority are kept after a missed call (the absence only
//! moves a patient of tiers 3 and 5 to tier 4).

use chrono::{DateTime, Duration, Utc};
use shared::{PriorityGroup, QueueReason};

/// One patient waiting, as the rule sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting<K> {
    pub key: K,
    /// The ticket's number of the day: the last tie-break.
    pub ticket: i32,
    pub arrived_at: DateTime<Utc>,
    /// The appointment's start, for a booked patient.
    pub appointment_at: Option<DateTime<Utc>>,
    /// Sent by an urgent referral.
    pub urgent: bool,
    pub priority: Option<PriorityGroup>,
    /// When they were marked absent once and put back in the queue.
    pub requeued_at: Option<DateTime<Utc>>,
}

/// What the rule can be told.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// How long before their time a booked patient counts as due.
    pub lead: Duration,
}

impl Default for Rule {
    fn default() -> Self {
        Self { lead: Duration::minutes(10) }
    }
}

/// Where one patient stands and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed<K> {
    pub key: K,
    pub reason: QueueReason,
}

fn tier<K>(w: &Waiting<K>, rule: Rule, now: DateTime<Utc>) -> (u8, QueueReason, DateTime<Utc>) {
    if w.urgent {
        return (1, QueueReason::UrgentReferral, w.arrived_at);
    }
    if w.priority.is_some() {
        return (2, QueueReason::Priority, w.arrived_at);
    }
    if let Some(back) = w.requeued_at {
        return (4, QueueReason::BackAfterAbsence, back);
    }
    match w.appointment_at {
        Some(at) if at - rule.lead <= now => (3, QueueReason::Appointment, at),
        Some(at) => (5, QueueReason::Early, at),
        None => (4, QueueReason::WalkIn, w.arrived_at),
    }
}

/// The queue in the order patients are called, each with its reason.
pub fn order<K: Clone>(waiting: &[Waiting<K>], rule: Rule, now: DateTime<Utc>) -> Vec<Placed<K>> {
    let mut keyed: Vec<_> = waiting
        .iter()
        .map(|w| {
            let (t, reason, at) = tier(w, rule, now);
            ((t, at, w.ticket), Placed { key: w.key.clone(), reason })
        })
        .collect();
    keyed.sort_by_key(|k| k.0);
    keyed.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hm: &str) -> DateTime<Utc> {
        format!("2026-12-06T{hm}:00Z").parse().unwrap()
    }

    fn walk_in(key: &'static str, ticket: i32, arrived: &str) -> Waiting<&'static str> {
        Waiting { key, ticket, arrived_at: at(arrived), appointment_at: None, urgent: false, priority: None, requeued_at: None }
    }

    fn booked(key: &'static str, ticket: i32, arrived: &str, time: &str) -> Waiting<&'static str> {
        Waiting { appointment_at: Some(at(time)), ..walk_in(key, ticket, arrived) }
    }

    fn keys(placed: &[Placed<&'static str>]) -> Vec<&'static str> {
        placed.iter().map(|p| p.key).collect()
    }

    /// A case of the table: its name, who is waiting, the time, the order expected.
    type Case = (&'static str, Vec<Waiting<&'static str>>, &'static str, Vec<&'static str>);

    /// The rule as a table: who is waiting, the time, and the order expected.
    #[test]
    fn the_rule_as_a_table_of_cases() {
        let rule = Rule::default();
        let cases: Vec<Case> = vec![
            ("walk-ins alone: by arrival", vec![walk_in("b", 2, "08:10"), walk_in("a", 1, "08:05")], "08:30", vec!["a", "b"]),
            (
                "a booked patient whose time has come goes before walk-ins who came earlier",
                vec![walk_in("w", 1, "08:00"), booked("b", 2, "08:20", "08:30")],
                "08:25",
                vec!["b", "w"],
            ),
            (
                "a booked patient early for their time lets walk-ins go first",
                vec![booked("b", 1, "08:00", "10:00"), walk_in("w", 2, "08:05")],
                "08:30",
                vec!["w", "b"],
            ),
            (
                "booked patients by appointment time, not by arrival",
                vec![booked("late", 1, "08:00", "09:00"), booked("early", 2, "08:40", "08:45")],
                "09:00",
                vec!["early", "late"],
            ),
            (
                "urgent referral first, then priority, then the rest",
                vec![
                    booked("b", 1, "08:00", "08:00"),
                    Waiting { priority: Some(PriorityGroup::Pregnant), ..walk_in("p", 2, "08:20") },
                    Waiting { urgent: true, ..walk_in("u", 3, "08:30") },
                ],
                "08:30",
                vec!["u", "p", "b"],
            ),
            (
                "priority groups among themselves by arrival",
                vec![
                    Waiting { priority: Some(PriorityGroup::Elderly), ..walk_in("e", 1, "08:20") },
                    Waiting { priority: Some(PriorityGroup::Disability), ..booked("d", 2, "08:10", "11:00") },
                ],
                "08:30",
                vec!["d", "e"],
            ),
            (
                "back after a missed call: behind those who were there when it was marked",
                vec![Waiting { requeued_at: Some(at("08:40")), ..booked("a", 1, "08:00", "08:15") }, walk_in("w", 2, "08:30"), walk_in("x", 3, "08:50")],
                "09:00",
                vec!["w", "a", "x"],
            ),
            (
                "an urgent patient keeps their place after a missed call",
                vec![Waiting { urgent: true, requeued_at: Some(at("08:40")), ..walk_in("u", 1, "08:00") }, booked("b", 2, "08:00", "08:30")],
                "09:00",
                vec!["u", "b"],
            ),
            ("equal times: the ticket decides", vec![walk_in("second", 7, "08:00"), walk_in("first", 6, "08:00")], "08:30", vec!["first", "second"]),
            (
                "the lead: due ten minutes before the time, not eleven",
                vec![walk_in("w", 1, "08:00"), booked("b", 2, "08:00", "09:10")],
                "08:59",
                vec!["w", "b"],
            ),
            ("the lead, at ten minutes", vec![walk_in("w", 1, "08:00"), booked("b", 2, "08:00", "09:10")], "09:00", vec!["b", "w"]),
        ];
        for (name, waiting, now, expected) in cases {
            assert_eq!(keys(&order(&waiting, rule, at(now))), expected, "{name}");
        }
    }

    #[test]
    fn each_place_says_why() {
        let waiting = vec![
            Waiting { urgent: true, ..walk_in("u", 1, "08:00") },
            Waiting { priority: Some(PriorityGroup::Pregnant), ..walk_in("p", 2, "08:00") },
            booked("due", 3, "08:00", "08:30"),
            walk_in("w", 4, "08:00"),
            Waiting { requeued_at: Some(at("08:20")), ..walk_in("r", 5, "08:00") },
            booked("early", 6, "08:00", "11:00"),
        ];
        let placed = order(&waiting, Rule::default(), at("08:30"));
        let reasons: Vec<_> = placed.iter().map(|p| (p.key, p.reason)).collect();
        assert_eq!(
            reasons,
            vec![
                ("u", QueueReason::UrgentReferral),
                ("p", QueueReason::Priority),
                ("due", QueueReason::Appointment),
                ("w", QueueReason::WalkIn),
                ("r", QueueReason::BackAfterAbsence),
                ("early", QueueReason::Early),
            ]
        );
    }

    #[test]
    fn an_empty_queue_is_empty() {
        assert!(order::<u8>(&[], Rule::default(), at("08:00")).is_empty());
    }
}
