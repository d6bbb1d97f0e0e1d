//! Bookkeeping for server-applied actions, the same on every socket that takes
//! them: numbering requests, matching results to them, the server clock's offset
//! from the round trip, and refusals told to the user.

use crate::net::Connection;
use crate::state::Notice;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use tafel_shared::action::{Action, ActionRequest, ActionResult};

/// The pending actions of one socket.
pub struct Actions {
    /// The server's clock minus this browser's, in ms (from action round trips).
    pub offset_ms: RwSignal<f64>,
    next_id: Cell<u64>,
    /// When each pending action was sent (this browser's clock), for the offset.
    sent_at: RefCell<HashMap<u64, f64>>,
    notice: Notice,
}

impl Actions {
    /// No action sent yet; refusals go to `notice`.
    pub fn new(notice: Notice) -> Actions {
        Actions {
            offset_ms: RwSignal::new(0.0),
            next_id: Cell::new(1),
            sent_at: RefCell::new(HashMap::new()),
            notice,
        }
    }

    /// Asks the server behind `conn` to apply `action` (dropped while offline:
    /// actions are decisions made now, not edits to replay later).
    pub fn send(&self, conn: Option<&Connection>, action: Action) {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.sent_at.borrow_mut().insert(id, js_sys::Date::now());
        if let Some(c) = conn {
            c.send_action(ActionRequest { id, action });
        }
    }

    /// Takes the server's answer to one of the requests.
    pub fn answered(&self, result: ActionResult) {
        if let Some(sent) = self.sent_at.borrow_mut().remove(&result.id) {
            // The server read its clock about halfway through the round trip.
            let now = js_sys::Date::now();
            self.offset_ms
                .set(result.server_ms as f64 - (sent + now) / 2.0);
        }
        if let Some(refusal) = result.refused {
            // The server's reason is English and says exactly what was wrong;
            // other languages say what its code means.
            let text = match crate::i18n::lang() {
                crate::i18n::Lang::En => refusal.reason,
                _ => crate::i18n::t(refusal.code.label_key()),
            };
            self.notice.show(&text);
        }
    }

    /// Tells the user something about these actions (a typing mistake).
    pub fn notify(&self, text: &str) {
        self.notice.show(text);
    }

    /// The server's clock now, as well as this browser can tell.
    pub fn server_now_ms(&self) -> u64 {
        (js_sys::Date::now() + self.offset_ms.get_untracked()).max(0.0) as u64
    }
}
