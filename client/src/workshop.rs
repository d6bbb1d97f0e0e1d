//! The workshop state as the content socket's room shows it to this participant
//! (voting rounds, private brainstorming, the frozen flag, the roster, and this
//! participant's own ballot and private notes), and the actions that change it.
//!
//! Held by the [`Session`](crate::session::Session), which owns the socket; the
//! views read the two signals and ask for changes through
//! [`Session::act`](crate::session::Session::act). Nothing here is secret from
//! this participant, and nothing of anyone else's secrets ever arrives.

use crate::actions::Actions;
use crate::net::Connection;
use crate::state::Notice;
use leptos::prelude::*;
use tafel_shared::action::{Action, ActionResult};
use tafel_shared::roles::Role;
use tafel_shared::workshop::{BoardView, OwnView, Round, WorkshopView};

/// What the server shows of the workshop state, as signals.
pub struct Workshop {
    /// What everyone on the board sees.
    pub board: RwSignal<BoardView>,
    /// What only this participant sees; `None` until the room said who this is.
    pub own: RwSignal<Option<OwnView>>,
    actions: Actions,
}

impl Workshop {
    /// Nothing known yet; refusals go to `notice`.
    pub fn new(notice: Notice) -> Workshop {
        Workshop {
            board: RwSignal::new(BoardView::default()),
            own: RwSignal::new(None),
            actions: Actions::new(notice),
        }
    }

    /// Takes a view the server sent.
    pub fn receive(&self, view: WorkshopView) {
        match view {
            WorkshopView::Board(b) => self.board.update(|known| known.update(b)),
            WorkshopView::People { people } => {
                self.board.update(|known| known.upsert_people(people))
            }
            WorkshopView::Own(o) => self.own.set(Some(o)),
        }
    }

    /// Sends `action` over `conn` (see [`Actions::send`]).
    pub fn send(&self, conn: Option<&Connection>, action: Action) {
        self.actions.send(conn, action);
    }

    /// Takes the server's answer to an action.
    pub fn answered(&self, result: ActionResult) {
        self.actions.answered(result);
    }

    /// The server's clock now (for round time limits).
    pub fn server_now_ms(&self) -> u64 {
        self.actions.server_now_ms()
    }

    /// Whether the board is frozen (tracked).
    pub fn frozen(&self) -> bool {
        self.board.with(|b| b.frozen)
    }

    /// Whether the board is frozen, without subscribing.
    pub fn frozen_now(&self) -> bool {
        self.board.with_untracked(|b| b.frozen)
    }

    /// The round open now (tracked).
    pub fn open_round(&self) -> Option<Round> {
        self.board.with(|b| b.open_round().cloned())
    }

    /// The round open now, without subscribing.
    pub fn open_round_now(&self) -> Option<Round> {
        self.board.with_untracked(|b| b.open_round().cloned())
    }

    /// This participant's dots in the open round (tracked).
    pub fn ballot(&self) -> Vec<String> {
        self.own
            .with(|o| o.as_ref().map(|o| o.ballot.clone()).unwrap_or_default())
    }
}

/// Whether someone with `role` may change the board while it is `frozen`.
pub fn may_edit(role: Option<Role>, frozen: bool) -> bool {
    role.is_some_and(|r| {
        r.can_write(tafel_shared::roles::DocKind::Content) && (!frozen || r.can_facilitate())
    })
}

/// Whether someone with `role` takes part in votes.
pub fn may_vote(role: Option<Role>) -> bool {
    role.is_some_and(|r| r != Role::Viewer)
}
