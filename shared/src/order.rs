//! Stacking order: fractional index keys, so that placing an element between two
//! others (or on top) changes only that element, and concurrent placements by
//! different people never need to renumber anything.
//!
//! Keys are strings over the digits `0-9A-Za-z` (base 62, in ASCII order), compared
//! as plain strings; no key ends with `0`, so there is always room below it.

const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE: usize = 62;

fn digit(c: u8) -> usize {
    DIGITS.iter().position(|d| *d == c).unwrap_or(0)
}

/// A key strictly between `below` and `above` (`None` = no bound on that side).
/// Returns `None` only if `below >= above`.
pub fn key_between(below: Option<&str>, above: Option<&str>) -> Option<String> {
    let lo = below.unwrap_or("").as_bytes();
    if let Some(hi) = above {
        if lo >= hi.as_bytes() {
            return None;
        }
    }
    let hi = above.map(str::as_bytes);
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let l = lo.get(i).map_or(0, |c| digit(*c));
        // Once the result is already above `lo`'s prefix, the upper digit is free.
        let h = match hi {
            Some(hi) if out.as_slice() == &hi[..i.min(hi.len())] => {
                hi.get(i).map_or(BASE, |c| digit(*c))
            }
            _ => BASE,
        };
        if h > l + 1 {
            out.push(DIGITS[(l + h) / 2]);
            return String::from_utf8(out).ok();
        }
        // No room at this digit: keep `lo`'s digit and look one deeper.
        out.push(DIGITS[l]);
        i += 1;
    }
}

/// A key just above `key`. Stepping the first digit (rather than halving the gap to
/// the end) keeps keys short when people keep adding on top: one more character
/// per 30 or so steps.
fn step_up(key: &[u8]) -> Vec<u8> {
    match key.first() {
        None => vec![b'V'],
        Some(&c) if digit(c) < BASE - 1 => vec![DIGITS[digit(c) + 1]],
        Some(&c) => {
            let mut out = vec![c];
            out.extend(step_up(&key[1..]));
            out
        }
    }
}

/// A key above every key in `keys` (for "bring to front" and new elements).
pub fn key_above<'a>(keys: impl IntoIterator<Item = &'a str>) -> String {
    let top = keys.into_iter().max().unwrap_or("");
    String::from_utf8(step_up(top.as_bytes())).unwrap_or_else(|_| "V".to_owned())
}

/// A key below every key in `keys` (for "send to back").
pub fn key_below<'a>(keys: impl IntoIterator<Item = &'a str>) -> String {
    let bottom = keys.into_iter().min();
    match bottom.and_then(|b| b.bytes().next()) {
        // One digit lower than the first digit is below the whole key.
        Some(c) if digit(c) > 1 => (DIGITS[digit(c) - 1] as char).to_string(),
        _ => key_between(None, bottom).unwrap_or_else(|| "V".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn simple_cases() {
        assert_eq!(key_between(None, None).as_deref(), Some("V"));
        let a = key_between(None, Some("V")).unwrap();
        assert!(a.as_str() < "V");
        let b = key_between(Some("V"), None).unwrap();
        assert!(b.as_str() > "V");
        assert_eq!(key_between(Some("b"), Some("a")), None);
        assert_eq!(key_between(Some("a"), Some("a")), None);
        let tight = key_between(Some("a"), Some("b")).unwrap();
        assert!("a" < tight.as_str() && tight.as_str() < "b", "{tight}");
    }

    #[test]
    fn a_thousand_elements_at_the_back_stay_ordered() {
        let mut keys = vec![key_above([])];
        for _ in 0..1000 {
            let next = key_below(keys.iter().map(String::as_str));
            assert!(next < *keys.last().unwrap(), "{next}");
            assert!(!next.ends_with('0'));
            keys.push(next);
        }
    }

    #[test]
    fn a_thousand_elements_on_top_stay_ordered_and_short() {
        let mut keys = vec![key_above([])];
        for _ in 0..1000 {
            let next = key_above(keys.iter().map(String::as_str));
            assert!(next > *keys.last().unwrap());
            keys.push(next);
        }
        assert!(keys.iter().all(|k| k.len() < 40), "keys grew too long");
        let bottom = key_below(keys.iter().map(String::as_str));
        assert!(keys.iter().all(|k| bottom < *k));
    }

    proptest! {
        #[test]
        fn between_is_strictly_between(cuts in proptest::collection::vec(any::<bool>(), 1..60)) {
            // Repeatedly insert between neighbours, always to one side.
            let (mut lo, mut hi) = (key_between(None, None).unwrap(), key_between(Some("V"), None).unwrap());
            for go_low in cuts {
                let mid = key_between(Some(&lo), Some(&hi)).unwrap();
                prop_assert!(lo < mid && mid < hi, "{lo} < {mid} < {hi}");
                prop_assert!(!mid.ends_with('0'));
                if go_low { hi = mid } else { lo = mid }
            }
        }
    }
}
