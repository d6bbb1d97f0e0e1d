//! The session document: facilitation state that only the server writes (through
//! [`crate::action`]) and every client reads. Today: the workshop timer.
//!
//! The timer is stored as what it was at its last change (phase, time left then,
//! and the server's clock then), never as a ticking number: every client derives
//! the time left from the server's clock ([`Timer::remaining_at`]), so everyone
//! sees the same value, and nothing is written while it runs.

use crate::action::{Refusal, RefusalCode, TimerCommand};
use yrs::{Any, Map, MapRef, Out, ReadTxn, TransactionMut};

/// Root map of the session document holding the timer.
pub const ROOT_TIMER: &str = "timer";
/// Timer field: [`TimerPhase::as_str`].
pub const F_PHASE: &str = "phase";
/// Timer field: the time box set, in ms.
pub const F_DURATION_MS: &str = "durationMs";
/// Timer field: time left at the last change, in ms.
pub const F_REMAINING_MS: &str = "remainingMs";
/// Timer field: the server's clock at the last change (ms since the epoch).
pub const F_CHANGED_MS: &str = "changedMs";

/// Shortest time box (one second) and longest (one day) a facilitator may set.
pub const TIMER_RANGE_MS: std::ops::RangeInclusive<u64> = 1_000..=86_400_000;
/// What "add a minute" adds.
pub const MINUTE_MS: u64 = 60_000;

/// Where the timer is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimerPhase {
    /// No timer: nothing is shown.
    #[default]
    Stopped,
    /// Set, not started: shows its full time.
    Ready,
    /// Counting down (and past zero, shown as 0:00 until stopped or extended).
    Running,
    /// Held at its time left.
    Paused,
}

impl TimerPhase {
    /// The phase's name in the document.
    pub fn as_str(self) -> &'static str {
        match self {
            TimerPhase::Stopped => "stopped",
            TimerPhase::Ready => "ready",
            TimerPhase::Running => "running",
            TimerPhase::Paused => "paused",
        }
    }

    fn parse(s: &str) -> TimerPhase {
        match s {
            "ready" => TimerPhase::Ready,
            "running" => TimerPhase::Running,
            "paused" => TimerPhase::Paused,
            _ => TimerPhase::Stopped,
        }
    }
}

/// The timer as stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timer {
    /// Where it is.
    pub phase: TimerPhase,
    /// The time box, in ms.
    pub duration_ms: u64,
    /// Time left at `changed_ms`.
    pub remaining_ms: u64,
    /// The server's clock at the last change.
    pub changed_ms: u64,
}

fn not_now(what: &str) -> Refusal {
    Refusal::new(RefusalCode::NotNow, what)
}

impl Timer {
    /// Time left at the server time `now_ms` (0 once it ran out).
    pub fn remaining_at(&self, now_ms: u64) -> u64 {
        match self.phase {
            TimerPhase::Running => self
                .remaining_ms
                .saturating_sub(now_ms.saturating_sub(self.changed_ms)),
            _ => self.remaining_ms,
        }
    }

    /// Whether it is running and has run out at `now_ms`.
    pub fn is_up(&self, now_ms: u64) -> bool {
        self.phase == TimerPhase::Running && self.remaining_at(now_ms) == 0
    }

    /// The timer after a facilitator's command at server time `now_ms`.
    pub fn apply(&self, command: TimerCommand, now_ms: u64) -> Result<Timer, Refusal> {
        let left = self.remaining_at(now_ms);
        let next = |phase, duration_ms, remaining_ms| Timer {
            phase,
            duration_ms,
            remaining_ms,
            changed_ms: now_ms,
        };
        match (command, self.phase) {
            (TimerCommand::Set { duration_ms }, _) => {
                if !TIMER_RANGE_MS.contains(&duration_ms) {
                    return Err(Refusal::new(
                        RefusalCode::InvalidArgument,
                        "A timer runs between one second and one day.",
                    ));
                }
                Ok(next(TimerPhase::Ready, duration_ms, duration_ms))
            }
            (TimerCommand::Start, TimerPhase::Ready) => Ok(next(
                TimerPhase::Running,
                self.duration_ms,
                self.duration_ms,
            )),
            (TimerCommand::Start, _) => Err(not_now("Set a time first, or resume it.")),
            (TimerCommand::Pause, TimerPhase::Running) => {
                Ok(next(TimerPhase::Paused, self.duration_ms, left))
            }
            (TimerCommand::Pause, _) => Err(not_now("The timer is not running.")),
            (TimerCommand::Resume, TimerPhase::Paused) => {
                Ok(next(TimerPhase::Running, self.duration_ms, left))
            }
            (TimerCommand::Resume, _) => Err(not_now("The timer is not paused.")),
            (TimerCommand::AddMinute, TimerPhase::Stopped) => {
                Err(not_now("There is no timer to extend."))
            }
            (TimerCommand::AddMinute, phase) => Ok(next(
                phase,
                self.duration_ms + MINUTE_MS,
                (left + MINUTE_MS).min(*TIMER_RANGE_MS.end()),
            )),
            (TimerCommand::Stop, _) => Ok(next(TimerPhase::Stopped, 0, 0)),
        }
    }

    /// Reads the timer from the session document's `timer` map (stopped if absent
    /// or unreadable).
    pub fn read<T: ReadTxn>(txn: &T, map: &MapRef) -> Timer {
        let num = |f: &str| {
            crate::schema::get_f64(txn, map, f)
                .filter(|n| n.is_finite() && *n >= 0.0)
                .map_or(0, |n| n as u64)
        };
        let phase = match map.get(txn, F_PHASE) {
            Some(Out::Any(Any::String(s))) => TimerPhase::parse(&s),
            _ => TimerPhase::Stopped,
        };
        Timer {
            phase,
            duration_ms: num(F_DURATION_MS),
            remaining_ms: num(F_REMAINING_MS),
            changed_ms: num(F_CHANGED_MS),
        }
    }

    /// Writes the timer into the `timer` map (the server does this).
    pub fn write(&self, txn: &mut TransactionMut, map: &MapRef) {
        map.insert(txn, F_PHASE, self.phase.as_str());
        map.insert(txn, F_DURATION_MS, self.duration_ms as f64);
        map.insert(txn, F_REMAINING_MS, self.remaining_ms as f64);
        map.insert(txn, F_CHANGED_MS, self.changed_ms as f64);
    }
}

/// The `timer` root map of a session document.
pub fn timer_map(doc: &yrs::Doc) -> MapRef {
    doc.get_or_insert_map(ROOT_TIMER)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Doc, Transact};

    fn run(t: Timer, c: TimerCommand, now: u64) -> Timer {
        t.apply(c, now).unwrap()
    }

    #[test]
    fn a_timer_counts_down_from_the_servers_clock() {
        let t = run(
            Timer::default(),
            TimerCommand::Set {
                duration_ms: 300_000,
            },
            1_000,
        );
        assert_eq!(
            (t.phase, t.remaining_at(99_999)),
            (TimerPhase::Ready, 300_000)
        );
        let t = run(t, TimerCommand::Start, 10_000);
        assert_eq!(t.remaining_at(10_000), 300_000);
        assert_eq!(t.remaining_at(70_000), 240_000);
        let t = run(t, TimerCommand::Pause, 70_000);
        assert_eq!(t.remaining_at(500_000), 240_000, "paused time stands still");
        let t = run(t, TimerCommand::Resume, 500_000);
        assert_eq!(t.remaining_at(520_000), 220_000);
        let t = run(t, TimerCommand::AddMinute, 520_000);
        assert_eq!(t.remaining_at(520_000), 280_000);
        assert!(!t.is_up(799_999));
        assert!(t.is_up(800_000));
        assert_eq!(t.remaining_at(900_000), 0, "never below zero");
        // At zero a minute more starts it again.
        let t = run(t, TimerCommand::AddMinute, 900_000);
        assert_eq!(t.remaining_at(930_000), 30_000);
        let t = run(t, TimerCommand::Stop, 930_000);
        assert_eq!((t.phase, t.remaining_at(930_000)), (TimerPhase::Stopped, 0));
    }

    #[test]
    fn commands_that_do_not_fit_are_refused_with_a_code() {
        let stopped = Timer::default();
        for c in [
            TimerCommand::Start,
            TimerCommand::Pause,
            TimerCommand::Resume,
            TimerCommand::AddMinute,
        ] {
            assert_eq!(
                stopped.apply(c, 0).unwrap_err().code,
                RefusalCode::NotNow,
                "{c:?}"
            );
        }
        for bad in [0, 999, 86_400_001] {
            assert_eq!(
                stopped
                    .apply(TimerCommand::Set { duration_ms: bad }, 0)
                    .unwrap_err()
                    .code,
                RefusalCode::InvalidArgument
            );
        }
        let running = run(
            run(
                stopped,
                TimerCommand::Set {
                    duration_ms: 60_000,
                },
                0,
            ),
            TimerCommand::Start,
            0,
        );
        assert_eq!(
            running.apply(TimerCommand::Resume, 1).unwrap_err().code,
            RefusalCode::NotNow
        );
    }

    #[test]
    fn the_timer_round_trips_through_the_document() {
        let doc = Doc::new();
        let map = timer_map(&doc);
        assert_eq!(Timer::read(&doc.transact(), &map), Timer::default());
        let t = run(
            Timer::default(),
            TimerCommand::Set {
                duration_ms: 90_000,
            },
            1_700_000_000_000,
        );
        t.write(&mut doc.transact_mut(), &map);
        assert_eq!(Timer::read(&doc.transact(), &map), t);
    }
}
