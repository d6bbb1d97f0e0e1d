//! Test and load-generation support for Tafel: a raw protocol client built from yrs
//! and tokio-tungstenite, a syncing client that keeps a yrs replica, helpers that
//! start the real server (in this process or as a child process) on port 0 with a
//! temporary data directory, and a small HTTP client for the board API.
//!
//! The black-box tests live in `tests/tests/`; the load generator in
//! `src/bin/tafel-load.rs`.

pub mod browser;
pub mod client;
pub mod proxy;
pub mod server;
pub mod wait;

pub use client::{Event, RawClient, SyncClient};
pub use proxy::Proxy;
pub use server::{Api, ServerProcess, TestServer};

use tafel_shared::element::Element;
use tafel_shared::geometry::Rect;

/// A sticky note as the client makes one (the shared element model), stacked at
/// `z` and written by `author`: what the tests and the load generator add.
/// Insert it with [`Element::insert`].
pub fn sticky(id: &str, at: Rect, z: &str, text: &str, author: &str) -> Element {
    let mut note = Element::sticky(id, at, "#ffe066", text);
    note.base.z = z.to_owned();
    note.base.author = author.to_owned();
    note
}
