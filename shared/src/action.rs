//! Server-applied actions: what a client asks the server to do to a board's
//! session document, instead of writing it as a free CRDT update.
//!
//! State where authorship, secrecy or fairness matters (timer, votes, private
//! notes, summon, agenda) is written by the server alone: a client sends an
//! [`ActionRequest`], the server checks the caller's role (and, later, identity),
//! applies it to the document itself and answers with an [`ActionResult`] that
//! either confirms it or refuses it with a [`RefusalCode`] and a reason. The change
//! then reaches every client as an ordinary document update. Every result carries
//! the server's clock, so clients also learn how far their own clock is off.
//!
//! Timer actions go to the session socket; everything about elements (votes,
//! private notes, reveal, freeze, introducing oneself) to the content socket, whose
//! room keeps the secrets (see [`crate::workshop`]); comments to the comments
//! socket (see [`crate::comments`]).
//!
//! On the wire both travel in their own message types
//! ([`crate::protocol::MSG_ACTION`], [`crate::protocol::MSG_ACTION_RESULT`]) as one
//! JSON string each; stock Yjs clients never send them.

use crate::comments::CommentCommand;
use crate::element::Element;
use crate::ids::ParticipantId;
pub use crate::refusal::{Refusal, RefusalCode};
use crate::workshop::RoundSettings;
use serde::{Deserialize, Serialize};

/// A request from a client, numbered by the client so it can match the result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionRequest {
    /// Chosen by the client; echoed in the result.
    pub id: u64,
    /// What to do.
    pub action: Action,
}

/// Everything a client can ask of the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Action {
    /// Changes nothing: answered with the server's clock (clients use it to align
    /// the timer with everyone else's).
    Clock,
    /// The workshop timer (facilitators).
    Timer {
        /// What to do with it.
        command: TimerCommand,
    },
    /// Agenda, summon, follow-me, hands and cursors (session socket).
    Room {
        /// What to do.
        command: RoomCommand,
    },
    /// Tells the board the name this participant goes by (content socket).
    Introduce {
        /// The display name.
        name: String,
    },
    /// Starts a voting round (facilitators); ends an open one first.
    StartRound {
        /// Title, dots per person, scope, time limit, named or anonymous.
        settings: RoundSettings,
    },
    /// Ends the open round and publishes its results (facilitators).
    EndRound {
        /// The round's id.
        round: u32,
    },
    /// Places one dot on an element in the open round.
    Vote {
        /// The round's id.
        round: u32,
        /// The element's id.
        element: String,
    },
    /// Takes one of one's own dots back from an element.
    Unvote {
        /// The round's id.
        round: u32,
        /// The element's id.
        element: String,
    },
    /// Starts private brainstorming (facilitators).
    StartPrivate,
    /// Adds or replaces one of one's own private notes (by element id).
    PrivateNote {
        /// The note as it should be (boxed: it is much larger than the other
        /// actions).
        element: Box<Element>,
    },
    /// Deletes one of one's own private notes.
    DeletePrivateNote {
        /// The note's id.
        id: String,
    },
    /// Puts every private note on the board at once and ends private mode
    /// (facilitators).
    Reveal {
        /// Leave the author names off the revealed notes.
        anonymous: bool,
    },
    /// Makes the board read-only for everyone but facilitators, or writable again.
    Freeze {
        /// Frozen or not.
        frozen: bool,
    },
    /// Opens, answers, edits, deletes, resolves or reopens comments (comments
    /// socket; any role that may comment).
    Comment {
        /// What to do.
        command: CommentCommand,
    },
}

/// What a facilitator does with the timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "kebab-case")]
pub enum TimerCommand {
    /// Sets the time box (stopped, full time left).
    Set {
        /// Length of the time box in milliseconds.
        duration_ms: u64,
    },
    /// Starts a set or stopped timer from its full time.
    Start,
    /// Pauses a running timer.
    Pause,
    /// Resumes a paused timer.
    Resume,
    /// Adds a minute (running, paused or already at zero).
    AddMinute,
    /// Stops the timer: nothing runs and nothing is shown.
    Stop,
}

/// One step of the agenda.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaStep {
    /// What happens ("Track: Status quo").
    pub title: String,
    /// The frame everyone is taken to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<String>,
    /// The time box the timer starts with, in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
}

/// Where a summon takes everyone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "kebab-case")]
pub enum ViewTarget {
    /// Fit a frame into the view.
    Frame {
        /// The frame's id.
        id: String,
    },
    /// Exactly this view: the board point at the view's centre, and the zoom.
    View {
        /// Centre, board coordinates.
        x: f64,
        /// Centre, board coordinates.
        y: f64,
        /// Zoom factor.
        zoom: f64,
    },
}

/// What someone does with the room: facilitators steer it, anyone raises a hand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "kebab-case")]
pub enum RoomCommand {
    /// Replaces the agenda (facilitators).
    SetAgenda {
        /// The steps, in order.
        steps: Vec<AgendaStep>,
    },
    /// Moves to a step: everyone is taken to its frame and its time box starts
    /// (facilitators).
    GoToStep {
        /// The step's index.
        index: usize,
    },
    /// Brings everyone to a place once (facilitators).
    Summon {
        /// Where.
        target: ViewTarget,
        /// The facilitator's name, shown to everyone.
        name: String,
    },
    /// Everyone follows this facilitator's view until released.
    Lead {
        /// The awareness client id of the facilitator's content socket.
        client: u64,
        /// The facilitator's name.
        name: String,
    },
    /// Ends follow-me.
    Release,
    /// Raises the caller's hand.
    RaiseHand {
        /// The caller's name.
        name: String,
    },
    /// Lowers the caller's hand, or (facilitators) someone else's.
    LowerHand {
        /// Whose; `None` = the caller's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        participant: Option<ParticipantId>,
    },
    /// Hides or shows other people's cursors for everyone (facilitators).
    HideCursors {
        /// Hidden or not.
        hidden: bool,
    },
}

/// The server's answer to one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionResult {
    /// The request's id.
    pub id: u64,
    /// The server's clock when it handled the request (ms since the epoch).
    pub server_ms: u64,
    /// Why it was refused; `None` if it was applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<Refusal>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_results_are_plain_json() {
        let req = ActionRequest {
            id: 7,
            action: Action::Timer {
                command: TimerCommand::Set {
                    duration_ms: 300_000,
                },
            },
        };
        let json = serde_json::to_string(&req).unwrap();
        assert_eq!(
            json,
            r#"{"id":7,"action":{"type":"timer","command":{"do":"set","duration_ms":300000}}}"#
        );
        assert_eq!(serde_json::from_str::<ActionRequest>(&json).unwrap(), req);
        let refused = ActionResult {
            id: 7,
            server_ms: 5,
            refused: Some(Refusal::new(RefusalCode::Forbidden, "only facilitators")),
        };
        let json = serde_json::to_string(&refused).unwrap();
        assert!(json.contains(r#""code":"forbidden""#), "{json}");
        assert_eq!(
            serde_json::from_str::<ActionResult>(&json).unwrap(),
            refused
        );
        let ok = r#"{"id":1,"server_ms":2}"#;
        assert_eq!(
            serde_json::from_str::<ActionResult>(ok).unwrap().refused,
            None
        );
    }
}
