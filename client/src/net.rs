//! The WebSocket connection of one document: it moves frames between the socket
//! and [`ClientSync`], which keeps the yrs replica in sync.

use std::cell::RefCell;
use std::rc::Rc;
use tafel_shared::protocol::{CloseCode, Message};
use tafel_shared::sync::ClientSync;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

/// What the connection is doing, for the indicator.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Opening the socket or waiting for the first sync.
    Connecting,
    /// The replica holds the whole board and changes flow both ways.
    Live,
    /// The server closed the connection, with a sentence for people.
    Closed(String),
}

/// A sentence for people about why the server closed a connection.
pub fn close_message(code: u16) -> String {
    match CloseCode::from_code(code) {
        Some(CloseCode::UnknownBoard) => "This board does not exist (or was deleted).".into(),
        Some(CloseCode::Unauthorized) => "This link is not valid for this board.".into(),
        Some(CloseCode::TokenRevoked) => {
            "This link was revoked. Ask the facilitator for a new one.".into()
        }
        Some(CloseCode::BoardDeleted) => "This board was deleted.".into(),
        Some(CloseCode::GoingAway) => "The server is restarting.".into(),
        Some(other) => format!("Connection closed: {}.", other.reason()),
        None => "Connection lost.".into(),
    }
}

/// One open document socket.
pub struct Connection {
    ws: WebSocket,
    sync: Rc<RefCell<ClientSync>>,
}

impl Connection {
    /// Opens `url` and syncs `sync`'s replica. `on_change` runs after every remote
    /// change, `on_status` when the connection's state changes.
    pub fn open(
        url: &str,
        sync: Rc<RefCell<ClientSync>>,
        on_change: impl Fn() + 'static,
        on_status: impl Fn(Status) + 'static,
    ) -> Result<Rc<Connection>, JsValue> {
        let ws = WebSocket::new(url)?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let on_status = Rc::new(on_status);

        let open_ws = ws.clone();
        let open_sync = Rc::clone(&sync);
        let onopen = Closure::<dyn FnMut()>::new(move || {
            let hello = open_sync.borrow_mut().start();
            let _ = open_ws.send_with_u8_array(&hello.encode());
        });
        ws.set_onopen(Some(onopen.as_ref().unchecked_ref()));
        onopen.forget();

        let msg_ws = ws.clone();
        let msg_sync = Rc::clone(&sync);
        let msg_status = Rc::clone(&on_status);
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Ok(buf) = e.data().dyn_into::<js_sys::ArrayBuffer>() else {
                return;
            };
            let bytes = js_sys::Uint8Array::new(&buf).to_vec();
            let Ok(msg) = Message::decode(&bytes) else {
                return;
            };
            let received = msg_sync.borrow_mut().receive(&msg);
            let Ok(received) = received else { return };
            for reply in &received.replies {
                let _ = msg_ws.send_with_u8_array(&reply.encode());
            }
            if received.synced {
                msg_status(Status::Live);
            }
            if received.changed {
                on_change();
            }
        });
        ws.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        onmessage.forget();

        let onclose = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            on_status(Status::Closed(close_message(e.code())));
        });
        ws.set_onclose(Some(onclose.as_ref().unchecked_ref()));
        onclose.forget();

        Ok(Rc::new(Connection { ws, sync }))
    }

    /// Sends an update made by a local transaction.
    pub fn send_update(&self, update: Vec<u8>) {
        if self.ws.ready_state() == WebSocket::OPEN {
            let _ = self
                .ws
                .send_with_u8_array(&ClientSync::local_update(update).encode());
        }
    }

    /// The synced replica.
    pub fn sync(&self) -> &Rc<RefCell<ClientSync>> {
        &self.sync
    }
}
