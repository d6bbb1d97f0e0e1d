//! The session document: facilitation state that only the server writes (through
//! [`crate::action`]) and every client reads: the workshop timer, and the room
//! state ([`RoomState`]: agenda, summon, follow-me, raised hands, hidden cursors).
//!
//! The room state is one JSON value under `room.state`: only the server writes it,
//! whole, so there is nothing for a CRDT to merge, and stock Yjs clients can read
//! it as a plain string.
//!
//! The timer is stored as what it was at its last change (phase, time left then,
//! and the server's clock then), never as a ticking number: every client derives
//! the time left from the server's clock ([`Timer::remaining_at`]), so everyone
//! sees the same value, and nothing is written while it runs.

pub use crate::action::{AgendaStep, ViewTarget};
use crate::action::{Refusal, RefusalCode, RoomCommand, TimerCommand};
use crate::ids::ParticipantId;
use serde::{Deserialize, Serialize};
use yrs::{Any, Map, MapRef, Out, ReadTxn, TransactionMut};

/// Root map of the session document holding the room state.
pub const ROOT_ROOM: &str = "room";
/// Room field: [`RoomState`] as JSON.
pub const F_STATE: &str = "state";
/// Most steps an agenda may have.
pub const MAX_AGENDA_STEPS: usize = 50;

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

/// The latest "bring everyone to me": clients move once per new `seq`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summon {
    /// Counts up with every summon.
    pub seq: u64,
    /// Who summoned (the name they gave).
    pub by: String,
    /// Where to.
    pub target: ViewTarget,
}

/// "Everyone follow me" until released: clients follow the viewport the leader's
/// presence (awareness client `client`) announces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    /// The leader.
    pub by: ParticipantId,
    /// The leader's name.
    pub name: String,
    /// The awareness client id whose viewport everyone follows.
    pub client: u64,
}

/// A raised hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hand {
    /// Whose.
    pub who: ParticipantId,
    /// Their name.
    pub name: String,
    /// When it went up (server clock): hands are listed in this order.
    pub at_ms: u64,
}

/// Agenda, summon, follow-me, hands and cursor visibility, as the server wrote them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RoomState {
    /// The agenda's steps, in order.
    #[serde(default)]
    pub agenda: Vec<AgendaStep>,
    /// The current step's index, once the facilitator moved to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<usize>,
    /// The latest summon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summon: Option<Summon>,
    /// Who everyone follows now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<Lead>,
    /// Raised hands, first up first.
    #[serde(default)]
    pub hands: Vec<Hand>,
    /// Other people's cursors are hidden for focused work.
    #[serde(default)]
    pub cursors_hidden: bool,
    /// How to run the workshop, for the facilitator: the template's short
    /// how-to in the creator's language; empty for a blank board.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub howto: String,
}

/// What a room command changed besides the room state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Consequence {
    /// The timer starts with this time box (an agenda step's).
    pub start_timer_ms: Option<u64>,
}

fn facilitators_only(is_facilitator: bool, what: &str) -> Result<(), Refusal> {
    if is_facilitator {
        Ok(())
    } else {
        Err(Refusal::new(
            RefusalCode::Forbidden,
            format!("Only a facilitator may {what}."),
        ))
    }
}

fn short_name(name: &str) -> Result<String, Refusal> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > crate::workshop::MAX_NAME_CHARS {
        return Err(Refusal::new(
            RefusalCode::InvalidArgument,
            "A name has 1 to 60 characters.",
        ));
    }
    Ok(name.to_owned())
}

impl RoomState {
    /// Reads the room state (the default if absent or unreadable).
    pub fn read<T: ReadTxn>(txn: &T, map: &MapRef) -> RoomState {
        match map.get(txn, F_STATE) {
            Some(Out::Any(Any::String(s))) => serde_json::from_str(&s).unwrap_or_default(),
            _ => RoomState::default(),
        }
    }

    /// Writes the room state (the server does this).
    pub fn write(&self, txn: &mut TransactionMut, map: &MapRef) {
        let json = serde_json::to_string(self).expect("the room state is plain data");
        map.insert(txn, F_STATE, json);
    }

    /// The room state after `command` from participant `who` (a facilitator or
    /// not) at server time `now_ms`, with what else it sets off.
    pub fn apply(
        &self,
        command: RoomCommand,
        who: &ParticipantId,
        is_facilitator: bool,
        now_ms: u64,
    ) -> Result<(RoomState, Consequence), Refusal> {
        let mut next = self.clone();
        let mut then = Consequence::default();
        match command {
            RoomCommand::SetAgenda { steps } => {
                facilitators_only(is_facilitator, "change the agenda")?;
                if steps.len() > MAX_AGENDA_STEPS
                    || steps
                        .iter()
                        .any(|s| s.title.chars().count() > crate::workshop::MAX_TITLE_CHARS)
                {
                    return Err(Refusal::new(
                        RefusalCode::InvalidArgument,
                        format!("An agenda has at most {MAX_AGENDA_STEPS} steps of short titles."),
                    ));
                }
                next.step = self.step.filter(|i| *i < steps.len());
                next.agenda = steps;
            }
            RoomCommand::GoToStep { index } => {
                facilitators_only(is_facilitator, "move through the agenda")?;
                let step = self.agenda.get(index).ok_or_else(|| {
                    Refusal::new(RefusalCode::NotFound, "The agenda has no such step.")
                })?;
                next.step = Some(index);
                if let Some(frame) = &step.frame {
                    next.summon = Some(Summon {
                        seq: self.summon.as_ref().map_or(1, |s| s.seq + 1),
                        by: step.title.clone(),
                        target: ViewTarget::Frame { id: frame.clone() },
                    });
                }
                then.start_timer_ms = step.minutes.map(|m| u64::from(m) * MINUTE_MS);
            }
            RoomCommand::Summon { target, name } => {
                facilitators_only(is_facilitator, "bring everyone to a place")?;
                if let ViewTarget::View { x, y, zoom } = target {
                    if !(x.is_finite() && y.is_finite() && zoom.is_finite() && zoom > 0.0) {
                        return Err(Refusal::new(RefusalCode::InvalidArgument, "Not a view."));
                    }
                }
                next.summon = Some(Summon {
                    seq: self.summon.as_ref().map_or(1, |s| s.seq + 1),
                    by: short_name(&name)?,
                    target,
                });
            }
            RoomCommand::Lead { client, name } => {
                facilitators_only(is_facilitator, "lead everyone's view")?;
                next.lead = Some(Lead {
                    by: who.clone(),
                    name: short_name(&name)?,
                    client,
                });
            }
            RoomCommand::Release => {
                facilitators_only(is_facilitator, "release everyone's view")?;
                next.lead = None;
            }
            RoomCommand::RaiseHand { name } => {
                let name = short_name(&name)?;
                if !next.hands.iter().any(|h| h.who == *who) {
                    next.hands.push(Hand {
                        who: who.clone(),
                        name,
                        at_ms: now_ms,
                    });
                }
            }
            RoomCommand::LowerHand { participant } => {
                let whose = participant.unwrap_or_else(|| who.clone());
                if whose != *who {
                    facilitators_only(is_facilitator, "lower someone else's hand")?;
                }
                next.hands.retain(|h| h.who != whose);
            }
            RoomCommand::HideCursors { hidden } => {
                facilitators_only(is_facilitator, "hide or show cursors")?;
                next.cursors_hidden = hidden;
            }
        }
        Ok((next, then))
    }
}

/// The `room` root map of a session document.
pub fn room_map(doc: &yrs::Doc) -> MapRef {
    doc.get_or_insert_map(ROOT_ROOM)
}

/// The `timer` root map of a session document.
pub fn timer_map(doc: &yrs::Doc) -> MapRef {
    doc.get_or_insert_map(ROOT_TIMER)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Doc, Transact};

    fn pid(c: char) -> ParticipantId {
        ParticipantId::parse(&c.to_string().repeat(22)).unwrap()
    }

    #[test]
    fn agenda_steps_summon_to_their_frame_and_start_their_time_box() {
        let coach = pid('c');
        let steps = vec![
            AgendaStep {
                title: "Track".into(),
                frame: Some("f1".into()),
                minutes: Some(10),
            },
            AgendaStep {
                title: "Think".into(),
                frame: None,
                minutes: None,
            },
        ];
        let (room, _) = RoomState::default()
            .apply(RoomCommand::SetAgenda { steps }, &coach, true, 0)
            .unwrap();
        let (room, then) = room
            .apply(RoomCommand::GoToStep { index: 0 }, &coach, true, 5)
            .unwrap();
        assert_eq!(room.step, Some(0));
        assert_eq!(then.start_timer_ms, Some(600_000));
        let summon = room.summon.clone().unwrap();
        assert_eq!(summon.target, ViewTarget::Frame { id: "f1".into() });
        let (room, then) = room
            .apply(RoomCommand::GoToStep { index: 1 }, &coach, true, 6)
            .unwrap();
        assert_eq!((room.step, then.start_timer_ms), (Some(1), None));
        assert_eq!(room.summon.unwrap().seq, summon.seq, "no frame, no move");
        let err = RoomState::default()
            .apply(RoomCommand::GoToStep { index: 0 }, &coach, true, 0)
            .unwrap_err();
        assert_eq!(err.code, RefusalCode::NotFound);
    }

    #[test]
    fn hands_keep_their_order_and_only_facilitators_lower_others() {
        let (ben, ada, coach) = (pid('b'), pid('a'), pid('c'));
        let raise = |r: &RoomState, who: &ParticipantId, at| {
            r.apply(RoomCommand::RaiseHand { name: "x".into() }, who, false, at)
                .unwrap()
                .0
        };
        let room = raise(&RoomState::default(), &ben, 1);
        let room = raise(&room, &ada, 2);
        let room = raise(&room, &ben, 3);
        assert_eq!(
            room.hands
                .iter()
                .map(|h| (&h.who, h.at_ms))
                .collect::<Vec<_>>(),
            [(&ben, 1), (&ada, 2)],
            "raising twice keeps the first place"
        );
        let lower_ada = RoomCommand::LowerHand {
            participant: Some(ada.clone()),
        };
        assert_eq!(
            room.apply(lower_ada.clone(), &ben, false, 4)
                .unwrap_err()
                .code,
            RefusalCode::Forbidden
        );
        let (room, _) = room.apply(lower_ada, &coach, true, 4).unwrap();
        let (room, _) = room
            .apply(RoomCommand::LowerHand { participant: None }, &ben, false, 5)
            .unwrap();
        assert!(room.hands.is_empty());
    }

    #[test]
    fn the_room_state_round_trips_through_the_document() {
        let doc = Doc::new();
        let map = room_map(&doc);
        let room = RoomState {
            cursors_hidden: true,
            howto: "Start with today.".into(),
            lead: Some(Lead {
                by: pid('c'),
                name: "Coach".into(),
                client: 42,
            }),
            ..RoomState::default()
        };
        room.write(&mut doc.transact_mut(), &map);
        assert_eq!(RoomState::read(&doc.transact(), &map), room);
    }

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
