//! Quiet hints for facilitators: what the room tells without anyone saying it
//! (every vote is in, nobody has touched the board for a while, people are
//! looking elsewhere than the current step, time is up while people still type).
//!
//! Pure: the facilitator's client gathers what it already has into a
//! [`HintInput`] and [`hints`] decides; the chrome (`chrome::room`) shows them.

use tafel_shared::geometry::Rect;
use tafel_shared::i18n::{text, text_with, Lang};

/// After this long without a change from anyone else, the board counts as idle.
pub const IDLE_MS: f64 = 120_000.0;

/// What the hints are computed from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HintInput {
    /// The open round: people who placed all their dots, and people here who
    /// may vote.
    pub votes: Option<(u32, u32)>,
    /// Time since the board last changed from elsewhere, in ms.
    pub idle_ms: f64,
    /// The current agenda step's frame.
    pub step_frame: Option<Rect>,
    /// What each other person looks at (`None`: not told).
    pub views: Vec<Option<Rect>>,
    /// The timer has run out.
    pub time_up: bool,
    /// How many others have a text editor open.
    pub typing: usize,
}

/// One hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hint {
    /// Everyone who may vote has placed all their dots.
    VotesIn,
    /// Nobody changed the board for this many minutes.
    Idle(u32),
    /// This many people look elsewhere than the current step's frame.
    NotLooking(usize),
    /// Time is up and this many people still type.
    StillTyping(usize),
}

impl Hint {
    /// The sentence shown, in this page's language.
    pub fn text(&self) -> String {
        self.text_in(crate::i18n::lang())
    }

    /// The sentence shown, in `lang`.
    pub fn text_in(&self, lang: Lang) -> String {
        match self {
            Hint::VotesIn => text(lang, "hint-votes-in"),
            Hint::Idle(m) => text_with(lang, "hint-idle", &[("minutes", (*m).into())]),
            Hint::NotLooking(n) => text_with(lang, "hint-not-looking", &[("count", (*n).into())]),
            Hint::StillTyping(n) => text_with(lang, "hint-still-typing", &[("count", (*n).into())]),
        }
    }

    /// A stable name, for `data-hint`.
    pub fn name(&self) -> &'static str {
        match self {
            Hint::VotesIn => "votes-in",
            Hint::Idle(_) => "idle",
            Hint::NotLooking(_) => "not-looking",
            Hint::StillTyping(_) => "still-typing",
        }
    }
}

/// Whether a view shows a frame: they overlap by at least half of the smaller
/// of the two (a view zoomed into part of the frame looks at it; a view far out
/// with the frame as a speck does too, as long as it is on screen).
pub fn looks_at(view: &Rect, frame: &Rect) -> bool {
    let w = view.right().min(frame.right()) - view.x.max(frame.x);
    let h = view.bottom().min(frame.bottom()) - view.y.max(frame.y);
    if w <= 0.0 || h <= 0.0 {
        return false;
    }
    let smaller = (view.w * view.h).min(frame.w * frame.h);
    w * h >= smaller / 2.0
}

/// The hints for what the facilitator's client sees now.
pub fn hints(i: &HintInput) -> Vec<Hint> {
    let mut out = Vec::new();
    if let Some((finished, voters)) = i.votes {
        if voters > 0 && finished >= voters {
            out.push(Hint::VotesIn);
        }
    }
    if i.idle_ms >= IDLE_MS {
        out.push(Hint::Idle((i.idle_ms / 60_000.0).floor() as u32));
    }
    if let Some(frame) = i.step_frame {
        let away = i
            .views
            .iter()
            .flatten()
            .filter(|v| !looks_at(v, &frame))
            .count();
        if away > 0 {
            out.push(Hint::NotLooking(away));
        }
    }
    if i.time_up && i.typing > 0 {
        out.push(Hint::StillTyping(i.typing));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_room_gives_no_hints() {
        assert_eq!(hints(&HintInput::default()), []);
    }

    #[test]
    fn votes_are_in_when_everyone_who_may_vote_finished() {
        let with = |votes| {
            hints(&HintInput {
                votes: Some(votes),
                ..HintInput::default()
            })
        };
        assert_eq!(with((2, 3)), []);
        assert_eq!(with((3, 3)), [Hint::VotesIn]);
        assert_eq!(with((0, 0)), [], "nobody here who may vote");
    }

    #[test]
    fn an_idle_board_is_told_in_whole_minutes() {
        let idle = |ms| {
            hints(&HintInput {
                idle_ms: ms,
                ..HintInput::default()
            })
        };
        assert_eq!(idle(119_000.0), []);
        assert_eq!(idle(150_000.0), [Hint::Idle(2)]);
        assert_eq!(
            Hint::Idle(2).text_in(Lang::En),
            "Nobody has changed the board for 2 minutes"
        );
    }

    #[test]
    fn people_looking_elsewhere_are_counted() {
        let frame = Rect::new(0.0, 0.0, 1000.0, 600.0);
        let input = HintInput {
            step_frame: Some(frame),
            views: vec![
                Some(Rect::new(-100.0, -100.0, 1200.0, 800.0)), // the whole frame
                Some(Rect::new(200.0, 200.0, 300.0, 200.0)),    // inside it
                Some(Rect::new(5000.0, 0.0, 1000.0, 600.0)),    // elsewhere
                Some(Rect::new(900.0, 0.0, 1000.0, 600.0)),     // a sliver
                None,                                           // an old client
            ],
            ..HintInput::default()
        };
        assert_eq!(hints(&input), [Hint::NotLooking(2)]);
        assert_eq!(
            Hint::NotLooking(2).text_in(Lang::En),
            "2 people are not looking at the current step's frame"
        );
        let no_step = HintInput {
            step_frame: None,
            ..input
        };
        assert_eq!(hints(&no_step), []);
    }

    #[test]
    fn typing_matters_only_once_time_is_up() {
        let input = HintInput {
            typing: 1,
            ..HintInput::default()
        };
        assert_eq!(hints(&input), []);
        let up = HintInput {
            time_up: true,
            ..input
        };
        assert_eq!(hints(&up), [Hint::StillTyping(1)]);
        assert_eq!(
            Hint::StillTyping(1).text_in(Lang::En),
            "Time is up and 1 person is still typing"
        );
    }
}
