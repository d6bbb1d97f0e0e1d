//! The Tafel browser client: a Leptos client-side-rendered app compiled to WASM.
//!
//! Built by `cargo xtask build-client`, which runs `wasm-bindgen` and writes the
//! result (plus `index.html`, `boot.js` and `style.css`) to `client/dist/`.
//! `boot.js` imports the generated `tafel-client.js` and calls its `init()`,
//! which instantiates the module and runs [`start`].
//!
//! # Layout
//! - [`home`]: your name, recent boards, open a link, create a board.
//! - [`board`]: one board page: makes state, session and commands, lays out the page.
//! - [`state`]: the page's local signals: camera, selection, tool, panel, colours, notice.
//! - [`session`]: the sync session: connection, outbox, local copy, presence, status.
//! - [`commands`]: every user action as a named function.
//! - [`facilitation`]: the session document the server writes (the timer), and actions.
//! - [`room`]: room controls: following, summons, follow-me, agenda, present mode,
//!   hands, reactions, hidden cursors; [`hints`]: quiet hints for facilitators.
//! - [`comments`]: comment threads: the server-written document, what was read, pins and mentions.
//! - [`history`]: kept versions, the one looked at, save, name and restore.
//! - [`review_state`]: the comment, history and since-last-visit state the page shares.
//! - [`since`]: what others changed since this browser's last visit, and who.
//! - [`workshop`]: votes, private notes, freeze and roster from the content socket.
//! - [`actions`]: numbering server-applied actions, their results and refusals.
//! - [`identity`]: this browser's participant credential.
//! - [`keymap`]: the shortcut table the keyboard handler and the help panel share.
//! - [`canvas`]: rendering and gestures on the canvas.
//! - [`chrome`]: toolbar, presence strip, colour bar, zoom controls, panels.
//! - [`views`]: how each kind of element looks.
//! - [`voting`]: dot voting and freezing as commands; [`dots`]: votes on the canvas.
//! - [`private`]: private brainstorming as commands; [`private_state`]: what the page holds of it; [`private_layer`]: one's own hidden notes on the canvas.
//! - [`model`]: the yrs replicas (content and locked layer), per-element signals, local undo.
//! - [`layer`]: the locked layer's socket; locking moves elements into it.
//! - [`net`]: the WebSocket connection: sync, presence, reconnect.
//! - [`i18n`]: the interface's language and its texts (German and English).
//! - [`idb`]: the replica, pictures and pending uploads kept in IndexedDB across reloads.
//! - [`pictures`]: adding pictures (picker, paste, drop), showing them, uploading them after offline periods.
//! - [`prefs`]: what the browser remembers (name, recent boards, links).
//! - [`api`]: calls to the HTTP board API.
//! - [`clipboard`]: writing share links to the system clipboard.
//! - [`icons`]: the toolbar's inline SVG icons.
//! - [`timer`]: one-shot and repeating browser timers.
//! - [`sound`]: the timer's chime, made with WebAudio.

pub mod actions;
pub mod api;
pub mod arrange;
pub mod board;
pub mod canvas;
pub mod chrome;
pub mod clipboard;
pub mod commands;
pub mod comments;
pub mod dots;
pub mod facilitation;
pub mod far;
pub mod hints;
pub mod history;
pub mod home;
pub mod i18n;
pub mod icons;
pub mod idb;
pub mod identity;
pub mod keymap;
pub mod layer;
pub mod model;
pub mod net;
pub mod pictures;
pub mod prefs;
pub mod private;
pub mod private_layer;
pub mod private_state;
pub mod review_state;
pub mod rich_editor;
pub mod room;
pub mod session;
pub mod since;
pub mod sound;
pub mod state;
pub mod timer;
pub mod typesetting;
pub mod views;
pub mod voting;
pub mod workshop;

use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

/// The one-line description shown under the name.
pub const TAGLINE: &str = "Real-time whiteboards for remote workshops, on your own server";

/// WASM entry point: installs the panic hook and mounts [`App`] into `<body>`.
///
/// Runs automatically when the generated JS glue's `init()` has instantiated the module.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// Where the browser is: a board (`/b/{id}#token=…`) or home.
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    /// The home page.
    Home,
    /// A board, opened with a share token.
    Board {
        /// The board id.
        id: String,
        /// The token from the link's fragment (empty if missing).
        token: String,
    },
}

impl Route {
    fn current() -> Route {
        let location = web_sys::window().map(|w| w.location());
        let path = location
            .as_ref()
            .and_then(|l| l.pathname().ok())
            .unwrap_or_default();
        let hash = location
            .as_ref()
            .and_then(|l| l.hash().ok())
            .unwrap_or_default();
        match tafel_shared::ids::parse_board_link(&path, &hash) {
            Some((id, token)) => Route::Board { id, token },
            None => Route::Home,
        }
    }
}

/// The application: home or a board, by URL.
#[component]
pub fn App() -> impl IntoView {
    match Route::current() {
        Route::Home => view! { <home::Home/> }.into_any(),
        Route::Board { id, token } => view! { <board::BoardPage id=id token=token/> }.into_any(),
    }
}
