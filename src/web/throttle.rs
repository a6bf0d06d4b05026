//! Failed logins: a wait per user name that grows with its failures, and a
//! limit per client address — neither ever a lock that refuses the right
//! password once the name's own wait is over.
//!
//! - A name may fail [`WAIT_AFTER`] times freely; from then on each failure
//!   makes the next try wait [`FIRST_WAIT`], doubling, at most [`MAX_WAIT`].
//!   A try during the wait is refused before the password is looked at
//!   (429), and does not lengthen it; after the wait, the right password
//!   logs in. Failures are forgotten after [`FORGET`] without one.
//! - An address that failed [`ADDRESS_FAILURES`] times (many names from one
//!   place) loses the free tries: each name it gets wrong waits at once. A
//!   name without failures is still checked — behind one proxy or one
//!   office's NAT everyone shares the address, and the colleague whose
//!   password is right must get in.
//! - A try is counted when it is let through, before the hash, and
//!   uncounted if the password was right: a burst of concurrent tries sees
//!   the counts of the tries before it, so at most [`WAIT_AFTER`] of them
//!   reach Argon2.
//! - At most [`CHECKS_AT_ONCE`] passwords are hashed at once (19 MiB each).
//!
//! The client address is the TCP peer's, or, when the peer is one of
//! `[web] trusted_proxies`, the one that proxy names in `X-Forwarded-For`.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Failures a name may have before its tries wait.
pub const WAIT_AFTER: u32 = 5;
/// Failures from one address after which the names it tries get no free tries.
pub const ADDRESS_FAILURES: u32 = 20;
/// The first wait; it doubles with each further failure, up to [`MAX_WAIT`].
pub const FIRST_WAIT: Duration = Duration::from_secs(2);
pub const MAX_WAIT: Duration = Duration::from_secs(60);
/// Failures this old, with none since, are forgotten.
pub const FORGET: Duration = Duration::from_secs(15 * 60);
/// Passwords hashed at once; more tries wait their turn.
pub const CHECKS_AT_ONCE: usize = 4;
/// Counts kept before the old ones are dropped.
const KEPT: usize = 100_000;
/// The part of a name that is counted (a longer one is no account's).
const NAME_CHARS: usize = 128;

pub struct Throttle {
    counts: Mutex<Counts>,
    checks: Arc<Semaphore>,
}

impl Default for Throttle {
    fn default() -> Throttle {
        Throttle {
            counts: Mutex::default(),
            checks: Arc::new(Semaphore::new(CHECKS_AT_ONCE)),
        }
    }
}

#[derive(Default)]
struct Counts {
    names: HashMap<String, Failures>,
    addresses: HashMap<IpAddr, Failures>,
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    /// When the next try may be checked.
    until: Instant,
}

impl Failures {
    fn new(now: Instant) -> Failures {
        Failures {
            count: 0,
            last: now,
            until: now,
        }
    }

    /// Counted again from zero when the last failure is old and its wait over.
    fn fresh(&mut self, now: Instant) -> &mut Failures {
        if now.duration_since(self.last) >= FORGET && now >= self.until {
            *self = Failures::new(now);
        }
        self
    }
}

/// The wait after a name's `count`-th failure, when it had `free` free ones.
fn wait(count: u32, free: u32) -> Duration {
    match count.checked_sub(free) {
        None => Duration::ZERO,
        Some(over) => FIRST_WAIT.saturating_mul(1 << over.min(16)).min(MAX_WAIT),
    }
}

/// A try let through to the password check: counted as a failure unless
/// [`Try::passed`] says the password was right.
pub struct Try<'a> {
    throttle: &'a Throttle,
    name: String,
    address: IpAddr,
}

impl Throttle {
    /// Lets a try for `name` from `address` through, or says how long the
    /// name must still wait.
    pub fn admit(&self, name: &str, address: IpAddr) -> Result<Try<'_>, Duration> {
        self.admit_at(name, address, Instant::now())
    }

    fn admit_at(&self, name: &str, address: IpAddr, now: Instant) -> Result<Try<'_>, Duration> {
        let key: String = name
            .trim()
            .to_lowercase()
            .chars()
            .take(NAME_CHARS)
            .collect();
        let mut counts = self.counts.lock().expect("not poisoned");
        if counts.names.len() + counts.addresses.len() > KEPT {
            counts.names.retain(|_, f| f.fresh(now).count > 0);
            counts.addresses.retain(|_, f| f.fresh(now).count > 0);
        }
        let by_name = counts
            .names
            .entry(key.clone())
            .or_insert_with(|| Failures::new(now))
            .fresh(now);
        if now < by_name.until {
            return Err(by_name.until - now);
        }
        let by_name = *by_name;
        let from = counts
            .addresses
            .entry(address)
            .or_insert_with(|| Failures::new(now))
            .fresh(now);
        let free = if from.count >= ADDRESS_FAILURES {
            1
        } else {
            WAIT_AFTER
        };
        from.count += 1;
        from.last = now;
        let count = by_name.count + 1;
        counts.names.insert(
            key.clone(),
            Failures {
                count,
                last: now,
                until: now + wait(count, free),
            },
        );
        Ok(Try {
            throttle: self,
            name: key,
            address,
        })
    }

    /// A turn to hash a password (at most [`CHECKS_AT_ONCE`] at once): kept
    /// by the hashing thread, which outlives a request that timed out.
    pub async fn turn(&self) -> OwnedSemaphorePermit {
        self.checks
            .clone()
            .acquire_owned()
            .await
            .expect("never closed")
    }
}

impl Try<'_> {
    /// The password was right: the name's failures are forgotten, and the
    /// try is not counted against the address.
    pub fn passed(self) {
        let mut counts = self.throttle.counts.lock().expect("not poisoned");
        counts.names.remove(&self.name);
        if let Some(f) = counts.addresses.get_mut(&self.address) {
            f.count = f.count.saturating_sub(1);
        }
    }
}

/// The client's address: the TCP peer's, unless the peer is a trusted proxy;
/// then the last address in `X-Forwarded-For` that is not one (what the
/// nearest untrusted hop was seen as). A header that cannot be read leaves
/// the proxy's own address.
pub fn client(peer: SocketAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let peer = peer.ip().to_canonical();
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    for hop in hops.iter().rev() {
        let hop = hop.trim();
        let Some(ip) = hop
            .parse::<IpAddr>()
            .ok()
            .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        else {
            return peer;
        };
        let ip = ip.to_canonical();
        if !trusted.contains(&ip) {
            return ip;
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const AWAY: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    /// `n` wrong passwords for `name` from `address`, each let through.
    fn fail(t: &Throttle, name: &str, address: IpAddr, n: u32, now: Instant) {
        for i in 0..n {
            assert!(t.admit_at(name, address, now).is_ok(), "{name} try {i}");
        }
    }

    #[test]
    fn the_waits_grow_and_stop_at_the_most() {
        let got: Vec<u64> = (1..=12).map(|k| wait(k, WAIT_AFTER).as_secs()).collect();
        assert_eq!(got, [0, 0, 0, 0, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(wait(1, 1), FIRST_WAIT);
        assert_eq!(wait(u32::MAX, 0), MAX_WAIT);
    }

    #[test]
    fn a_name_waits_after_its_free_tries_then_the_right_password_passes() {
        let t = Throttle::default();
        let now = Instant::now();
        fail(&t, "ThuKy", HOME, WAIT_AFTER, now);
        // The same name in other letters, from elsewhere: the same wait.
        assert_eq!(t.admit_at(" thuky", AWAY, now).err(), Some(FIRST_WAIT));
        let later = now + FIRST_WAIT;
        t.admit_at("thuky", HOME, later)
            .expect("the wait is over")
            .passed();
        // Forgotten: free tries again.
        fail(&t, "thuky", HOME, WAIT_AFTER, later);
    }

    #[test]
    fn a_burst_gets_no_more_checks_than_the_free_tries() {
        let t = Throttle::default();
        let now = Instant::now();
        let let_through = (0..64)
            .filter(|_| t.admit_at("admin", HOME, now).is_ok())
            .count();
        assert_eq!(let_through, WAIT_AFTER as usize);
    }

    #[test]
    fn a_busy_address_costs_only_the_names_that_fail() {
        let t = Throttle::default();
        let now = Instant::now();
        for i in 0..ADDRESS_FAILURES / WAIT_AFTER {
            fail(&t, &format!("name{i}"), HOME, WAIT_AFTER, now);
        }
        // A colleague behind the same address: checked, and in.
        t.admit_at("lanhdao", HOME, now).expect("checked").passed();
        // A name it gets wrong waits at once…
        fail(&t, "khach", HOME, 1, now);
        assert!(t.admit_at("khach", HOME, now).is_err());
        // … where another address has its free tries.
        fail(&t, "khach2", AWAY, 2, now);
        // Failures are forgotten.
        let later = now + FORGET;
        fail(&t, "khach3", HOME, 2, later);
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let peer = SocketAddr::new(proxy, 40000);
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        assert_eq!(client(peer, &h, &[]), proxy);
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(client(peer, &h, &[proxy]), ip("198.51.100.7"));
        assert_eq!(
            client(peer, &h, &[proxy, ip("198.51.100.7")]),
            ip("203.0.113.9")
        );
        h.insert("x-forwarded-for", "203.0.113.9, nonsense".parse().unwrap());
        assert_eq!(client(peer, &h, &[proxy]), proxy);
        // An IPv4 peer on an IPv6 socket is the same peer.
        let mapped = SocketAddr::new("::ffff:127.0.0.1".parse().unwrap(), 40000);
        h.insert("x-forwarded-for", "[2001:db8::1]:5000".parse().unwrap());
        assert_eq!(client(mapped, &h, &[proxy]), ip("2001:db8::1"));
    }
}
