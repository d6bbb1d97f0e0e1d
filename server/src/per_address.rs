//! How often one network address may do what costs the server a durable
//! write for nothing in return: creating and importing boards and issuing
//! participant identities. Token buckets per address, pure bookkeeping; the
//! HTTP edge ([`crate::http::ClientAddr`]) says who the address is.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Per-address token buckets for one kind of request.
pub struct PerAddress {
    per_minute: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

/// Addresses remembered at most; beyond, the ones with a full bucket go.
const MAX_ADDRESSES: usize = 100_000;

impl PerAddress {
    /// `per_minute` requests a minute per address, in bursts of as many.
    pub fn new(per_minute: u32) -> PerAddress {
        PerAddress {
            per_minute: f64::from(per_minute.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request of `addr` at `now`; `Err` with the seconds until
    /// the next one is allowed.
    pub fn allow(&self, addr: IpAddr, now: Instant) -> Result<(), u64> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_ADDRESSES {
            let full = self.per_minute;
            let rate = self.per_minute / 60.0;
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.saturating_duration_since(*at).as_secs_f64() * rate < full
            });
        }
        let (tokens, at) = buckets.entry(addr).or_insert((self.per_minute, now));
        let rate = self.per_minute / 60.0;
        *tokens = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * rate)
            .min(self.per_minute);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / rate).ceil() as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn each_address_has_its_own_bucket_that_refills() {
        let limit = PerAddress::new(3);
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limit.allow(a, t0).is_ok());
        }
        assert_eq!(
            limit.allow(a, t0),
            Err(20),
            "one more in 20 s at 3 a minute"
        );
        assert!(limit.allow(b, t0).is_ok(), "others are not held up");
        assert!(limit.allow(a, t0 + Duration::from_secs(20)).is_ok());
    }
}
