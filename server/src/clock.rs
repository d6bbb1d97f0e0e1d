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
    fn system_clock_is_after_2020() {
        assert!(SystemClock.unix_ms() > 1_577_836_800_000);
    }
}
