//! The WebSocket connection of one document: it moves frames between the socket
//! and [`ClientSync`], reconnects with backoff when the line drops, and carries
//! presence. Edits made while offline stay in the replica; the handshake on the
//! next connection sends them.

use crate::i18n::{t, t_with};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use tafel_shared::protocol::{AwarenessEntry, AwarenessUpdate, CloseCode, Message};
use tafel_shared::sync::ClientSync;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

/// What the connection is doing, for the indicator.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Opening the socket or waiting for the first sync.
    Connecting,
    /// The replica holds the whole board and changes flow both ways.
    Live,
    /// The line dropped; edits are kept and a reconnect is scheduled.
    Offline,
    /// The server refused the connection for good, with a sentence for people.
    Closed(String),
}

/// A sentence for people about why the server closed a connection.
pub fn close_message(code: u16) -> String {
    match CloseCode::from_code(code) {
        Some(CloseCode::UnknownBoard) => t("status-closed-unknown-board"),
        Some(CloseCode::Unauthorized) => t("status-closed-unauthorized"),
        Some(CloseCode::TokenRevoked) => t("status-closed-revoked"),
        Some(CloseCode::BoardDeleted) => t("status-closed-board-deleted"),
        Some(CloseCode::GoingAway) => t("status-closed-going-away"),
        Some(other) => t_with("status-closed-other", &[("reason", other.reason().into())]),
        None => t("status-connection-lost"),
    }
}

/// Whether a close code means "try again later" (network trouble, restarts,
/// overload) rather than "this link will never work".
fn worth_retrying(code: u16) -> bool {
    CloseCode::from_code(code).is_none_or(|c| c.should_reconnect())
}

/// What the owner of a connection is told.
pub struct Handlers {
    /// After remote changes were applied to the replica.
    pub on_change: Box<dyn Fn()>,
    /// When the status changes.
    pub on_status: Box<dyn Fn(Status)>,
    /// Presence entries from others.
    pub on_awareness: Box<dyn Fn(Vec<AwarenessEntry>)>,
    /// Once the socket is open: a chance to announce presence.
    pub on_open: Box<dyn Fn()>,
    /// The server refused a write, with its reason.
    pub on_denied: Box<dyn Fn(String)>,
    /// The server answered one of this client's actions.
    pub on_result: Box<dyn Fn(tafel_shared::action::ActionResult)>,
    /// The server showed (part of) the workshop state.
    pub on_workshop: Box<dyn Fn(tafel_shared::workshop::WorkshopView)>,
}

/// One document's connection, reconnecting until told a link is dead.
pub struct Connection {
    /// Asked again on every connect: the identity in it may have been renewed.
    url: Box<dyn Fn() -> Option<SocketAddress>>,
    sync: Rc<RefCell<ClientSync>>,
    handlers: Handlers,
    socket: RefCell<Option<WebSocket>>,
    failures: Cell<u32>,
    given_up: Cell<bool>,
    retry_pending: Cell<bool>,
    this: RefCell<Weak<Connection>>,
}

impl Connection {
    /// Starts connecting `sync`'s replica to the socket `url` names.
    pub fn open(
        url: impl Fn() -> Option<SocketAddress> + 'static,
        sync: Rc<RefCell<ClientSync>>,
        handlers: Handlers,
    ) -> Rc<Connection> {
        let c = Rc::new(Connection {
            url: Box::new(url),
            sync,
            handlers,
            socket: RefCell::new(None),
            failures: Cell::new(0),
            given_up: Cell::new(false),
            retry_pending: Cell::new(false),
            this: RefCell::new(Weak::new()),
        });
        *c.this.borrow_mut() = Rc::downgrade(&c);
        c.connect();
        // Coming back online is the best moment to retry, not the next backoff tick.
        if let Some(window) = web_sys::window() {
            let weak = Rc::downgrade(&c);
            let online = Closure::<dyn FnMut()>::new(move || {
                if let Some(c) = weak.upgrade() {
                    c.failures.set(0);
                    if !c.is_open() {
                        c.connect();
                    }
                }
            });
            let _ =
                window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
            online.forget();
        }
        c
    }

    fn is_open(&self) -> bool {
        self.socket.borrow().as_ref().is_some_and(|ws| {
            ws.ready_state() == WebSocket::OPEN || ws.ready_state() == WebSocket::CONNECTING
        })
    }

    fn connect(&self) {
        if self.given_up.get() {
            return;
        }
        (self.handlers.on_status)(Status::Connecting);
        let opened = (self.url)().map(|a| {
            let protocols: js_sys::Array = a
                .protocols
                .iter()
                .map(|p| wasm_bindgen::JsValue::from_str(p))
                .collect();
            WebSocket::new_with_str_sequence(&a.url, &protocols)
        });
        let Some(Ok(ws)) = opened else {
            self.schedule_retry();
            return;
        };
        ws.set_binary_type(BinaryType::Arraybuffer);
        let weak = self.this.borrow().clone();

        let open_weak = weak.clone();
        let onopen = Closure::<dyn FnMut()>::new(move || {
            let Some(c) = open_weak.upgrade() else { return };
            let hello = c.sync.borrow_mut().start();
            c.send(&hello);
            (c.handlers.on_open)();
        });
        ws.set_onopen(Some(onopen.as_ref().unchecked_ref()));
        onopen.forget();

        let msg_weak = weak.clone();
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(c) = msg_weak.upgrade() else { return };
            let Ok(buf) = e.data().dyn_into::<js_sys::ArrayBuffer>() else {
                return;
            };
            let bytes = js_sys::Uint8Array::new(&buf).to_vec();
            let Ok(msg) = Message::decode(&bytes) else {
                return;
            };
            let received = c.sync.borrow_mut().receive(&msg);
            let Ok(received) = received else { return };
            for reply in &received.replies {
                c.send(reply);
            }
            if received.changed {
                (c.handlers.on_change)();
            }
            if received.synced {
                c.failures.set(0);
                (c.handlers.on_status)(Status::Live);
            }
            if !received.awareness.is_empty() {
                (c.handlers.on_awareness)(received.awareness);
            }
            if let Some(reason) = received.denied {
                (c.handlers.on_denied)(reason);
            }
            if let Some(result) = received.action_result {
                (c.handlers.on_result)(result);
            }
            if let Some(view) = received.workshop {
                (c.handlers.on_workshop)(view);
            }
        });
        ws.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        onmessage.forget();

        let close_weak = weak;
        let this_socket = ws.clone();
        let onclose = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            let Some(c) = close_weak.upgrade() else {
                return;
            };
            // A socket replaced by a newer one reports nothing.
            let current = c
                .socket
                .borrow()
                .as_ref()
                .is_some_and(|s| *s == this_socket);
            if !current {
                return;
            }
            if worth_retrying(e.code()) {
                (c.handlers.on_status)(Status::Offline);
                c.schedule_retry();
            } else {
                c.given_up.set(true);
                (c.handlers.on_status)(Status::Closed(close_message(e.code())));
            }
        });
        ws.set_onclose(Some(onclose.as_ref().unchecked_ref()));
        onclose.forget();
        *self.socket.borrow_mut() = Some(ws);
    }

    /// Exponential backoff with jitter: 0.5 s, 1 s, 2 s, … up to 15 s, so a
    /// restarted server is not hit by every browser at the same instant.
    fn schedule_retry(&self) {
        if self.retry_pending.replace(true) {
            return;
        }
        let n = self.failures.get();
        self.failures.set(n + 1);
        let base = (500.0 * 2f64.powi(n.min(5) as i32)).min(15_000.0);
        let delay = base * (0.75 + 0.5 * js_sys::Math::random());
        let weak = self.this.borrow().clone();
        let retry = Closure::<dyn FnMut()>::once(move || {
            if let Some(c) = weak.upgrade() {
                c.retry_pending.set(false);
                if !c.is_open() {
                    c.connect();
                }
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                retry.as_ref().unchecked_ref(),
                delay as i32,
            );
        }
        retry.forget();
    }

    fn send(&self, msg: &Message) {
        if let Some(ws) = self.socket.borrow().as_ref() {
            if ws.ready_state() == WebSocket::OPEN {
                let _ = ws.send_with_u8_array(&msg.encode());
            }
        }
    }

    /// Sends updates made by local transactions whenever the socket is open, also
    /// during the handshake (an update the handshake carries too is applied once;
    /// one made after this side answered the server's step 1 would otherwise wait
    /// for the next connection). While offline they stay in the replica and the
    /// next handshake carries them.
    pub fn send_updates(&self, updates: Vec<Vec<u8>>) {
        for u in updates {
            self.send(&ClientSync::local_update(u));
        }
    }

    /// Asks the server to apply an action (dropped while offline: actions are
    /// decisions made now, not edits to replay later).
    pub fn send_action(&self, request: tafel_shared::action::ActionRequest) {
        self.send(&Message::Action(request));
    }

    /// Sends this participant's presence.
    pub fn send_presence(&self, client_id: u64, clock: u64, state: String) {
        self.send(&Message::Awareness(AwarenessUpdate {
            entries: vec![AwarenessEntry {
                client_id,
                clock,
                state,
            }],
        }));
    }

    /// Closes the socket for good (leaving the page).
    pub fn close(&self) {
        self.given_up.set(true);
        if let Some(ws) = self.socket.borrow().as_ref() {
            let _ = ws.close();
        }
    }
}

/// Where a socket connects: its URL (no credentials in it), and the
/// subprotocols it offers, which carry the share token and this browser's
/// participant credential in a header no proxy logs.
pub struct SocketAddress {
    /// `ws[s]://host/ws/…`.
    pub url: String,
    /// What goes in `Sec-WebSocket-Protocol`.
    pub protocols: Vec<String>,
}

/// The socket address of one of the board's documents, with this browser's
/// participant credential if it has one.
pub fn ws_url_of(
    doc: tafel_shared::roles::DocKind,
    board: &str,
    token: &str,
) -> Option<SocketAddress> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().ok()?;
    let me = crate::identity::credential().map(|c| c.to_string());
    Some(SocketAddress {
        url: format!("{scheme}://{host}{}", doc.ws_path(board)),
        protocols: tafel_shared::protocol::socket_protocols(token, me.as_deref()),
    })
}
