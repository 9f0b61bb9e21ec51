//! Throttling per client IP and per account, with the GCRA limiter from
//! `governor`: one instance for sign-in (every attempt counts, known account
//! or not, so the limiter reveals nothing about which accounts exist), one
//! for booking, and one for practitioners' look-ups by NIN (per account, per
//! hour: a look-up opens a record, so a burst of them is someone reading
//! records they have no appointment for, or guessing NINs).
//!
//! The counters live in this process. With several server processes behind
//! a load balancer each keeps its own, which multiplies the allowance by the
//! number of processes; docs/ARCHITECTURE.md says how that moves to a shared
//! store.

use governor::{
    clock::{Clock, DefaultClock},
    DefaultKeyedRateLimiter, Quota, RateLimiter,
};
use std::net::IpAddr;
use std::num::NonZeroU32;

pub struct Throttle {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_account: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

fn quota(per_minute: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(per_minute.max(1)).expect("non-zero"))
}

impl Throttle {
    pub fn new(per_ip_per_minute: u32, per_account_per_minute: u32) -> Self {
        Self::with_quotas(quota(per_ip_per_minute), quota(per_account_per_minute))
    }

    /// An account limit over an hour (burst of `per_hour`, then one every
    /// `60 / per_hour` minutes); the IP limit is as generous, and only
    /// applies where a caller passes an IP.
    pub fn per_account_per_hour(per_hour: u32) -> Self {
        let q = Quota::per_hour(NonZeroU32::new(per_hour.max(1)).expect("non-zero"));
        Self::with_quotas(q, q)
    }

    fn with_quotas(per_ip: Quota, per_account: Quota) -> Self {
        Self { per_ip: RateLimiter::keyed(per_ip), per_account: RateLimiter::keyed(per_account), clock: DefaultClock::default() }
    }

    /// Limits per hour, for the IP and the account alike.
    pub fn per_hour(per_ip: u32, per_account: u32) -> Self {
        let q = |n: u32| Quota::per_hour(NonZeroU32::new(n.max(1)).expect("non-zero"));
        Self::with_quotas(q(per_ip), q(per_account))
    }

    /// Counts one attempt; `Err(seconds)` says how long to wait.
    pub fn check(&self, ip: Option<IpAddr>, account_key: &str) -> Result<(), u64> {
        let now = self.clock.now();
        if let Some(ip) = ip {
            if let Err(not_until) = self.per_ip.check_key(&ip_key(ip)) {
                return Err(not_until.wait_time_from(now).as_secs_f64().ceil() as u64);
            }
        }
        if let Err(not_until) = self.per_account.check_key(&bounded(account_key)) {
            return Err(not_until.wait_time_from(now).as_secs_f64().ceil() as u64);
        }
        Ok(())
    }

    /// Counts one attempt of an IP alone (no account involved).
    pub fn check_ip(&self, ip: Option<IpAddr>) -> Result<(), u64> {
        let Some(ip) = ip else { return Ok(()) };
        let now = self.clock.now();
        self.per_ip.check_key(&ip_key(ip)).map_err(|not_until| not_until.wait_time_from(now).as_secs_f64().ceil() as u64)
    }

    /// Forgets stale keys; called now and then so memory stays bounded.
    pub fn prune(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
    }
}

/// The key an IP is counted under. One IPv6 subscriber gets a whole /64
/// (often more), so counting single addresses would let anyone rotate
/// through 2^64 of them: an IPv6 address counts as its /64. An IPv4
/// address written as IPv6 (`::ffff:a.b.c.d`) counts as itself.
pub fn ip_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Keys come from what callers type (a login, a phone number): at most 64
/// characters are kept, so nobody can make the limiter store megabytes.
fn bounded(key: &str) -> String {
    key.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_limit_applies_across_ips() {
        let t = Throttle::new(100, 2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(t.check(Some(a), "acct").is_ok());
        assert!(t.check(Some(b), "acct").is_ok());
        let wait = t.check(Some(b), "acct").unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(t.check(Some(b), "other").is_ok(), "another account is not limited");
    }

    #[test]
    fn an_hourly_account_limit_gives_its_burst_then_waits_minutes() {
        let t = Throttle::per_account_per_hour(3);
        for _ in 0..3 {
            assert!(t.check(None, "doctor").is_ok());
        }
        let wait = t.check(None, "doctor").unwrap_err();
        assert!((60..=1200).contains(&wait), "one more look-up in about 20 minutes, not {wait} s");
        assert!(t.check(None, "another doctor").is_ok());
    }

    #[test]
    fn an_ipv6_client_counts_as_its_slash_64_and_mapped_ipv4_as_itself() {
        let t = Throttle::new(2, 100);
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:fffe".parse().unwrap();
        assert!(t.check(Some(a), "x").is_ok());
        assert!(t.check(Some(b), "y").is_ok());
        assert!(t.check(Some(a), "z").is_err(), "a third address of the same /64 is the same client");
        assert!(t.check(Some("2001:db8:1:3::1".parse().unwrap()), "z").is_ok(), "the next /64 is someone else");
        assert_eq!(ip_key("::ffff:10.0.0.1".parse().unwrap()), "10.0.0.1".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn long_keys_count_by_their_first_64_characters() {
        let t = Throttle::new(100, 1);
        let long = "7".repeat(10_000);
        assert!(t.check(None, &long).is_ok());
        assert!(t.check(None, &format!("{}8", &long[..70])).is_err(), "same first 64 characters, same key");
        assert!(t.check(None, "short").is_ok());
    }

    #[test]
    fn the_ip_limit_applies_across_accounts() {
        let t = Throttle::new(3, 100);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        for acct in ["x", "y", "z"] {
            assert!(t.check(Some(a), acct).is_ok());
        }
        assert!(t.check(Some(a), "w").is_err());
        assert!(t.check(Some("10.0.0.9".parse().unwrap()), "w").is_ok());
    }
}
