//! The locked layer's connection: a second socket (`/ws/{board}/locked`) syncing
//! the model's layer replica. Everyone reads it; only facilitators' writes are
//! kept by the server, so a locked element holds against any client. Locking and
//! unlocking move elements between the content and this layer
//! ([`crate::model::Model::set_locked`]).

use crate::model::Model;
use crate::net::{Connection, Handlers, Status};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use tafel_shared::roles::DocKind;
use tafel_shared::sync::ClientSync;

/// The layer's socket and whether it is in sync.
#[derive(Default)]
pub struct LockedLayer {
    conn: RefCell<Option<Rc<Connection>>>,
    live: Rc<Cell<bool>>,
}

impl LockedLayer {
    /// Connects the layer of `board`. `changed` runs after remote changes arrived,
    /// `live` once the layer is in sync.
    pub fn open(
        &self,
        model: &Model,
        board: &str,
        token: &str,
        changed: Box<dyn Fn()>,
        live: Box<dyn Fn()>,
    ) {
        let flag = Rc::clone(&self.live);
        let handlers = Handlers {
            on_change: changed,
            on_status: Box::new(move |status| {
                flag.set(status == Status::Live);
                if status == Status::Live {
                    live();
                }
            }),
            on_awareness: Box::new(|_| {}),
            on_open: Box::new(|| {}),
            // Only a facilitator writes here, and only by locking or unlocking:
            // the content socket's notices say what went wrong there.
            on_denied: Box::new(|_| {}),
            on_result: Box::new(|_| {}),
            on_workshop: Box::new(|_| {}),
        };
        let sync = Rc::new(RefCell::new(ClientSync::new(model.layer().clone())));
        let (board, token) = (board.to_owned(), token.to_owned());
        let url = move || crate::net::ws_url_of(DocKind::Locked, &board, &token);
        *self.conn.borrow_mut() = Some(Connection::open(url, sync, handlers));
    }

    /// Whether the layer is in sync (locking needs it: the layer's half of a
    /// move must reach the server).
    pub fn is_live(&self) -> bool {
        self.live.get()
    }

    /// Sends the layer's local updates.
    pub fn send(&self, updates: Vec<Vec<u8>>) {
        if let Some(c) = self.conn.borrow().as_ref() {
            c.send_updates(updates);
        }
    }

    /// Closes the socket.
    pub fn close(&self) {
        if let Some(c) = self.conn.borrow_mut().take() {
            c.close();
        }
    }
}
