//! Time, injected: every deadline the server keeps (rate limits, grace periods,
//! history intervals, tombstones) and every timestamp it stores reads one [`Clock`].
//!
//! The monotonic side is tokio's [`Instant`], so timers built on it (`sleep_until`,
//! `interval`) follow the same clock; under `tokio::time::pause()` (or
//! `#[tokio::test(start_paused = true)]`) time then moves only when a test advances it
//! or every task is idle. [`PausedClock`] adds a wall clock that moves with it, so
//! stored timestamps (history keys, `created_ms`) are deterministic in tests.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// A source of monotonic time and wall-clock timestamps.
pub trait Clock: Send + Sync + 'static {
    /// Monotonic now, for deadlines and timers.
    fn now(&self) -> Instant;
    /// Wall-clock now, in milliseconds since the Unix epoch, for stored timestamps.
    fn unix_ms(&self) -> u64;
}

/// A shared clock.
pub type SharedClock = Arc<dyn Clock>;

/// The real clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn unix_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }
}

/// A clock for tests under tokio's paused time: the wall clock starts at a fixed
/// timestamp and advances exactly as tokio's clock does.
#[derive(Clone, Debug)]
pub struct PausedClock {
    start: Instant,
    start_ms: u64,
}

impl PausedClock {
    /// A clock whose wall time reads `start_ms` now.
    pub fn starting_at(start_ms: u64) -> Self {
        Self {
            start: Instant::now(),
            start_ms,
        }
    }
}

impl Clock for PausedClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn unix_ms(&self) -> u64 {
        self.start_ms + Instant::now().duration_since(self.start).as_millis() as u64
    }
}

/// `YYYY-MM-DD HH:MM` in UTC (civil-from-days, Howard Hinnant's algorithm).
pub fn utc_minute(ms: u64) -> String {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let (h, m) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{d:02} {h:02}:{m:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn paused_wall_clock_moves_only_with_tokio_time() {
        let clock = PausedClock::starting_at(1_000);
        let t0 = clock.now();
        assert_eq!(clock.unix_ms(), 1_000);
        tokio::time::advance(Duration::from_millis(250)).await;
        assert_eq!(clock.unix_ms(), 1_250);
        assert_eq!(clock.now() - t0, Duration::from_millis(250));
        // A sleep under paused time completes at once and moves the clock with it.
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(clock.unix_ms(), 61_250);
    }

    #[test]
    fn times_read_as_utc_minutes() {
        assert_eq!(super::utc_minute(0), "1970-01-01 00:00");
        assert_eq!(super::utc_minute(1_796_121_000_000), "2026-12-01 10:30");
        assert_eq!(super::utc_minute(951_782_400_000), "2000-02-29 00:00");
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.unix_ms() > 1_577_836_800_000);
    }
}
