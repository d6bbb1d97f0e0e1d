//! The board's session document, which only the server writes: this client reads
//! it (the timer) and asks for changes as server-applied actions. Kept apart from
//! the content session: its socket, its replica, and the server clock's offset.

use crate::net::{Connection, Handlers};
use crate::state::Notice;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use tafel_shared::action::{Action, ActionRequest, ActionResult};
use tafel_shared::roles::DocKind;
use tafel_shared::session::{self, Timer};
use tafel_shared::sync::ClientSync;
use yrs::{Doc, Transact};

/// The session document's replica, its connection and what the view reads.
pub struct Facilitation {
    /// The timer as the server last wrote it.
    pub timer: RwSignal<Timer>,
    /// The server's clock minus this browser's, in ms (from action round trips).
    pub offset_ms: RwSignal<f64>,
    doc: Doc,
    conn: RefCell<Option<Rc<Connection>>>,
    next_id: Cell<u64>,
    /// When each pending action was sent (this browser's clock), for the offset.
    sent_at: RefCell<HashMap<u64, f64>>,
    notice: Notice,
}

impl Facilitation {
    /// Connects to the session document of `board`.
    pub fn open(board: &str, token: &str, notice: Notice) -> Rc<Facilitation> {
        let doc = Doc::new();
        let f = Rc::new(Facilitation {
            timer: RwSignal::new(Timer::default()),
            offset_ms: RwSignal::new(0.0),
            doc: doc.clone(),
            conn: RefCell::new(None),
            next_id: Cell::new(1),
            sent_at: RefCell::new(HashMap::new()),
            notice,
        });
        let Some(url) = crate::session::ws_url_of(DocKind::Session, board, token) else {
            return f;
        };
        let weak = |f: &Rc<Facilitation>| Rc::downgrade(f);
        let (changed, opened, answered) = (weak(&f), weak(&f), weak(&f));
        let handlers = Handlers {
            on_change: Box::new(move || {
                if let Some(f) = changed.upgrade() {
                    f.read_timer();
                }
            }),
            on_status: Box::new(|_| {}),
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
                    f.answered(r);
                }
            }),
        };
        let sync = Rc::new(RefCell::new(ClientSync::new(doc)));
        *f.conn.borrow_mut() = Some(Connection::open(url, sync, handlers));
        f
    }

    /// Asks the server to apply `action`.
    pub fn act(&self, action: Action) {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.sent_at.borrow_mut().insert(id, js_sys::Date::now());
        if let Some(c) = self.conn.borrow().as_ref() {
            c.send_action(ActionRequest { id, action });
        }
    }

    /// The server's clock now, as well as this browser can tell.
    pub fn server_now_ms(&self) -> u64 {
        (js_sys::Date::now() + self.offset_ms.get_untracked()).max(0.0) as u64
    }

    /// Leaves: closes the socket.
    pub fn close(&self) {
        if let Some(c) = self.conn.borrow_mut().take() {
            c.close();
        }
    }

    fn read_timer(&self) {
        let map = session::timer_map(&self.doc);
        let timer = Timer::read(&self.doc.transact(), &map);
        self.timer.set(timer);
    }

    fn answered(&self, result: ActionResult) {
        if let Some(sent) = self.sent_at.borrow_mut().remove(&result.id) {
            // The server read its clock about halfway through the round trip.
            let now = js_sys::Date::now();
            self.offset_ms
                .set(result.server_ms as f64 - (sent + now) / 2.0);
        }
        if let Some(refusal) = result.refused {
            self.notice.show(&refusal.reason);
        }
    }
}

impl Drop for Facilitation {
    fn drop(&mut self) {
        self.close();
    }
}
