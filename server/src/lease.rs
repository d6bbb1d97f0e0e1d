//! Leases in the store: work that must run on one node of a cluster at a time
//! (a document's room, issue 13) is done by the node that holds its lease. A
//! lease is one value, holder and expiry, changed only with
//! [`Store::compare_and_swap`], so two nodes can never both take it; a holder
//! renews exactly the value it last wrote, so one that stalled past its lease
//! learns that it lost it even if nobody holds it now; a holder that dies
//! stops renewing, and another node takes the lease over once it has expired.
//!
//! Expiry is wall-clock time: nodes whose clocks disagree by more than a
//! fraction of the lease's length (NTP keeps them within milliseconds) could
//! overlap briefly, so the lease is long against the work it guards and its
//! holder renews it several times within it.

use crate::store::{Store, StoreError};

/// Where lease `name` is kept.
pub fn key_of(name: &str) -> Vec<u8> {
    format!("lease/{name}").into_bytes()
}

/// A lease as stored: who holds it, until when (ms since the Unix epoch).
#[derive(Clone, Debug, PartialEq)]
struct Held {
    holder: String,
    until_ms: u64,
}

impl Held {
    fn encode(&self) -> Vec<u8> {
        format!("{}\n{}", self.until_ms, self.holder).into_bytes()
    }

    fn decode(bytes: &[u8]) -> Result<Self, StoreError> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| StoreError::Corrupt("a lease is not text".into()))?;
        let (until, holder) = text
            .split_once('\n')
            .ok_or_else(|| StoreError::Corrupt("a lease has no holder".into()))?;
        Ok(Self {
            holder: holder.to_owned(),
            until_ms: until
                .parse()
                .map_err(|_| StoreError::Corrupt("a lease's expiry is not a number".into()))?,
        })
    }
}

/// Takes lease `name` for `holder` until `now_ms + ttl_ms` if it is free,
/// expired, or `holder`'s already. Returns until when `holder` holds it now,
/// or `None` when another does.
pub fn take(
    store: &dyn Store,
    name: &str,
    holder: &str,
    now_ms: u64,
    ttl_ms: u64,
) -> Result<Option<u64>, StoreError> {
    let key = key_of(name);
    let until_ms = now_ms.saturating_add(ttl_ms);
    let ours = Held {
        holder: holder.to_owned(),
        until_ms,
    }
    .encode();
    // A swap lost to another node is read again: it may have been a renewal
    // of an expired lease by its old holder, or a release.
    for _ in 0..8 {
        let current = store.get(&key)?;
        if let Some(bytes) = &current {
            let held = Held::decode(bytes)?;
            if held.holder != holder && held.until_ms > now_ms {
                return Ok(None);
            }
        }
        if store.compare_and_swap(&key, current.as_deref(), ours.clone())? {
            return Ok(Some(until_ms));
        }
    }
    Ok(None)
}

/// Renews the leases `holder` holds to `now_ms + ttl_ms`, in one round trip
/// (more only after a lost answer). Each lease is given by its name and the
/// expiries its stored value may hold: first the one `holder` last wrote,
/// then any it tried to write since without learning whether that committed.
/// Returns the new expiry of each, or `None` for a lease `holder` no longer
/// holds: one that ran out is lost even if nobody has taken it since, because
/// another holder may have come and gone meanwhile (a node that loaded the
/// document, changed it and released it), and what `holder` knows is stale.
pub fn renew_each(
    store: &dyn Store,
    holder: &str,
    leases: &[(String, Vec<u64>)],
    now_ms: u64,
    ttl_ms: u64,
) -> Result<Vec<Option<u64>>, StoreError> {
    let until_ms = now_ms.saturating_add(ttl_ms);
    let held = |until_ms| {
        Held {
            holder: holder.to_owned(),
            until_ms,
        }
        .encode()
    };
    let ours = held(until_ms);
    let mut renewed = vec![false; leases.len()];
    let rounds = leases.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    for round in 0..rounds {
        let asked: Vec<usize> = (0..leases.len())
            .filter(|i| !renewed[*i] && leases[*i].1.get(round).is_some_and(|u| *u > now_ms))
            .collect();
        if asked.is_empty() {
            continue;
        }
        let swaps = asked
            .iter()
            .map(|i| {
                let (name, candidates) = &leases[*i];
                (key_of(name), held(candidates[round]), ours.clone())
            })
            .collect();
        for (i, made) in asked.iter().zip(store.compare_and_swap_each(swaps)?) {
            renewed[*i] |= made;
        }
    }
    Ok(renewed.into_iter().map(|r| r.then_some(until_ms)).collect())
}

/// Who a stored lease names as its holder at `now_ms`, if it has not run out.
pub fn held_in(value: &[u8], now_ms: u64) -> Option<String> {
    Held::decode(value)
        .ok()
        .and_then(|h| (h.until_ms > now_ms).then_some(h.holder))
}

/// Who holds lease `name` at `now_ms`, if anyone.
pub fn holder(store: &dyn Store, name: &str, now_ms: u64) -> Result<Option<String>, StoreError> {
    match store.get(&key_of(name))? {
        Some(bytes) => {
            let held = Held::decode(&bytes)?;
            Ok((held.until_ms > now_ms).then_some(held.holder))
        }
        None => Ok(None),
    }
}

/// Gives lease `name` up if `holder` holds it, so another node can take it
/// at once (a node that drains on SIGTERM).
pub fn release(store: &dyn Store, name: &str, holder: &str) -> Result<(), StoreError> {
    let key = key_of(name);
    let Some(current) = store.get(&key)? else {
        return Ok(());
    };
    if Held::decode(&current)?.holder == holder {
        let free = Held {
            holder: holder.to_owned(),
            until_ms: 0,
        };
        store.compare_and_swap(&key, Some(&current), free.encode())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    const TTL: u64 = 10_000;

    fn one_holder_at_a_time(store: &dyn Store) {
        let take = |name, holder, now| take(store, name, holder, now, TTL).unwrap().is_some();
        assert!(take("compact", "node-a", 1_000));
        assert!(!take("compact", "node-b", 2_000), "a holds it");
        // a renews; b still cannot take it before the renewed expiry.
        assert_eq!(
            renew_each(
                store,
                "node-a",
                &[("compact".into(), vec![11_000])],
                9_000,
                TTL
            )
            .unwrap(),
            [Some(19_000)]
        );
        assert!(!take("compact", "node-b", 12_000));
        // a dies: once its lease runs out, b takes over, and a, back, cannot.
        assert_eq!(
            holder(store, "compact", 18_999).unwrap().as_deref(),
            Some("node-a")
        );
        assert_eq!(holder(store, "compact", 19_000).unwrap(), None);
        assert!(take("compact", "node-b", 19_001));
        assert!(!take("compact", "node-a", 20_000));
        // a, back, cannot renew what b holds now.
        assert_eq!(
            renew_each(
                store,
                "node-a",
                &[("compact".into(), vec![19_000])],
                20_000,
                TTL
            )
            .unwrap(),
            [None]
        );
        // b releases on its way out: c takes it at once.
        release(store, "compact", "node-b").unwrap();
        release(store, "compact", "node-a").unwrap();
        assert!(take("compact", "node-c", 20_001));
        // Leases of other work are separate.
        assert!(take("other", "node-a", 20_001));
    }

    fn renewal_holds_only_what_was_never_lost(store: &dyn Store) {
        let take = |name, holder, now| take(store, name, holder, now, TTL).unwrap();
        let a1 = take("room/1", "a", 5_000).unwrap();
        let a2 = take("room/2", "a", 1_000).unwrap();
        let a3 = take("room/3", "a", 5_000).unwrap();
        // a stalls: room/2 runs out, b takes it and releases it again.
        assert!(take("room/2", "b", a2 + 1).is_some());
        release(store, "room/2", "b").unwrap();
        // room/3 was given up by a's own drain meanwhile.
        release(store, "room/3", "a").unwrap();
        let now = a2 + 1_000;
        let renewed = renew_each(
            store,
            "a",
            &[
                ("room/1".into(), vec![a1]),
                ("room/2".into(), vec![a2]),
                ("room/3".into(), vec![a3]),
            ],
            now,
            TTL,
        )
        .unwrap();
        assert_eq!(renewed, [Some(now + TTL), None, None]);
        // A renewal committed but its answer was lost: a still knows only the
        // expiry before it, and names the one it tried as a second guess.
        let tried = now + 500 + TTL;
        assert_eq!(
            renew_each(
                store,
                "a",
                &[("room/1".into(), vec![now + TTL])],
                now + 500,
                TTL
            )
            .unwrap(),
            [Some(tried)]
        );
        let next = now + 1_000;
        assert_eq!(
            renew_each(
                store,
                "a",
                &[("room/1".into(), vec![now + TTL, tried])],
                next,
                TTL
            )
            .unwrap(),
            [Some(next + TTL)],
            "the second guess holds"
        );
        // Ran out a moment ago and nobody took it: lost all the same.
        let later = next + TTL;
        assert_eq!(
            renew_each(store, "a", &[("room/1".into(), vec![later])], later, TTL).unwrap(),
            [None]
        );
        assert_eq!(
            holder(store, "room/1", later - 1).unwrap().as_deref(),
            Some("a")
        );
    }

    #[test]
    fn a_renewal_fails_for_a_lease_that_ran_out_or_changed_hands() {
        renewal_holds_only_what_was_never_lost(&MemoryStore::default());
    }

    #[test]
    fn a_renewal_in_postgres_fails_for_a_lease_that_ran_out_or_changed_hands() {
        let db = crate::test_engines::TempPostgres::start();
        renewal_holds_only_what_was_never_lost(
            &crate::store_pg::PgStore::connect(&db.url).unwrap(),
        );
    }

    #[test]
    fn a_lease_has_one_holder_until_it_expires_or_is_released() {
        one_holder_at_a_time(&MemoryStore::default());
    }

    #[test]
    fn a_lease_in_postgres_has_one_holder_until_it_expires_or_is_released() {
        let db = crate::test_engines::TempPostgres::start();
        one_holder_at_a_time(&crate::store_pg::PgStore::connect(&db.url).unwrap());
    }

    #[test]
    fn nodes_racing_for_a_free_lease_in_postgres_get_one_holder() {
        let db = crate::test_engines::TempPostgres::start();
        let url = db.url.clone();
        let winners: Vec<String> = (0..6)
            .map(|n| {
                let url = url.clone();
                std::thread::spawn(move || {
                    // A node each, with connections of its own.
                    let store = crate::store_pg::PgStore::connect(&url).unwrap();
                    let me = format!("node-{n}");
                    take(&store, "compact", &me, 1_000, TTL)
                        .unwrap()
                        .map(|_| me)
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .filter_map(|t| t.join().unwrap())
            .collect();
        assert_eq!(winners.len(), 1, "{winners:?}");
    }

    #[test]
    fn a_malformed_lease_is_an_error_not_a_free_lease() {
        let store = MemoryStore::default();
        store
            .apply(vec![crate::store::BatchOp::Put(
                key_of("compact"),
                b"garbage".to_vec(),
            )])
            .unwrap();
        assert!(matches!(
            take(&store, "compact", "node-a", 1, TTL),
            Err(StoreError::Corrupt(_))
        ));
    }
}
