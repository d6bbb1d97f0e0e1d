//! The board's session document, which only the server writes: this client reads
//! it (the timer and the room state: agenda, summon, follow-me, hands, hidden
//! cursors) and asks for changes as server-applied actions. Kept apart from
//! the content session: its socket, its replica, and the server clock's offset.

use crate::actions::Actions;
use crate::net::{Connection, Handlers};
use crate::state::Notice;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use tafel_shared::action::Action;
use tafel_shared::roles::DocKind;
use tafel_shared::session::{self, RoomState, Timer};
use tafel_shared::sync::ClientSync;
use yrs::{Doc, Transact};

/// The session document's replica, its connection and what the view reads.
pub struct Facilitation {
    /// The timer as the server last wrote it.
    pub timer: RwSignal<Timer>,
    /// The room state as the server last wrote it.
    pub room: RwSignal<RoomState>,
    /// Whether the room state has been read since connecting (a summon older
    /// than that is not followed).
    pub synced: RwSignal<bool>,
    doc: Doc,
    conn: RefCell<Option<Rc<Connection>>>,
    actions: Actions,
}

impl Facilitation {
    /// Connects to the session document of `board` (once this browser knows
    /// who it is, see [`crate::identity`]).
    pub fn open(board: &str, token: &str, notice: Notice) -> Rc<Facilitation> {
        let f = Rc::new(Facilitation {
            timer: RwSignal::new(Timer::default()),
            room: RwSignal::new(RoomState::default()),
            synced: RwSignal::new(false),
            doc: Doc::new(),
            conn: RefCell::new(None),
            actions: Actions::new(notice),
        });
        let (board, token, this) = (board.to_owned(), token.to_owned(), Rc::downgrade(&f));
        crate::identity::when_known(move || {
            if let Some(f) = this.upgrade() {
                f.connect(board, token);
            }
        });
        f
    }

    fn connect(self: &Rc<Self>, board: String, token: String) {
        let weak = || Rc::downgrade(self);
        let (changed, opened, answered, live) = (weak(), weak(), weak(), weak());
        let handlers = Handlers {
            on_change: Box::new(move || {
                if let Some(f) = changed.upgrade() {
                    f.read();
                }
            }),
            // An empty session document changes nothing at sync: read it then too.
            on_status: Box::new(move |st| {
                if let Some(f) = live.upgrade().filter(|_| st == crate::net::Status::Live) {
                    f.read();
                }
            }),
            on_awareness: Box::new(|_| {}),
            // Every result carries the server's clock: ask once at connect.
            on_open: Box::new(move || {
                if let Some(f) = opened.upgrade() {
                    f.act(Action::Clock);
                }
            }),
            on_denied: Box::new(|_| {}),
            on_result: Box::new(move |r| {
                if let Some(f) = answered.upgrade() {
                    f.actions.answered(r);
                }
            }),
            on_workshop: Box::new(|_| {}),
        };
        let sync = Rc::new(RefCell::new(ClientSync::new(self.doc.clone())));
        let url = move || crate::net::ws_url_of(DocKind::Session, &board, &token);
        *self.conn.borrow_mut() = Some(Connection::open(url, sync, handlers));
    }

    /// Asks the server to apply `action`.
    pub fn act(&self, action: Action) {
        self.actions.send(self.conn.borrow().as_deref(), action);
    }

    /// Shows a short message (about a facilitation control).
    pub fn notify(&self, text: &str) {
        self.actions.notify(text);
    }

    /// The server's clock now, as well as this browser can tell.
    pub fn server_now_ms(&self) -> u64 {
        self.actions.server_now_ms()
    }

    /// Leaves: closes the socket.
    pub fn close(&self) {
        if let Some(c) = self.conn.borrow_mut().take() {
            c.close();
        }
    }

    fn read(&self) {
        // The maps first: yrs deadlocks when a map is got inside a read transaction.
        let (timer_map, room_map) = (session::timer_map(&self.doc), session::room_map(&self.doc));
        let (timer, room) = {
            let txn = self.doc.transact();
            (
                Timer::read(&txn, &timer_map),
                RoomState::read(&txn, &room_map),
            )
        };
        if self.timer.get_untracked() != timer {
            self.timer.set(timer);
        }
        if self.room.get_untracked() != room {
            self.room.set(room);
        }
        if !self.synced.get_untracked() {
            self.synced.set(true);
        }
    }
}

impl Drop for Facilitation {
    fn drop(&mut self) {
        self.close();
    }
}
