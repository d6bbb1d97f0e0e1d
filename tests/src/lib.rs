//! Test and load-generation support for Tafel: a raw protocol client built from yrs
//! and tokio-tungstenite, a syncing client that keeps a yrs replica, helpers that
//! start the real server (in this process or as a child process) on port 0 with a
//! temporary data directory, and a small HTTP client for the board API.
//!
//! The black-box tests live in `tests/tests/blackbox/` (one test binary); the load generator in
//! `src/bin/tafel-load/`.

pub mod browser;
pub mod client;
pub mod proxy;
pub mod server;
pub mod wait;

pub use client::{Event, RawClient, SyncClient};
pub use proxy::Proxy;
pub use server::{Api, DataDir, ServerProcess, TestServer};

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

/// Fills a board with `notes` sticky notes in a square grid (ids `n0`, `n1`, …,
/// 180 units apart, a line of text each) through `writer`, in batches that stay
/// under the server's message size limit: the big board the benchmarks open.
pub async fn seed_grid(writer: &mut SyncClient, notes: usize) -> anyhow::Result<()> {
    let elements = tafel_shared::schema::elements(&writer.doc);
    let cols = (notes as f64).sqrt().ceil() as usize;
    for batch in (0..notes).collect::<Vec<_>>().chunks(250) {
        writer
            .edit(|txn| {
                for &i in batch {
                    let (x, y) = ((i % cols) as f64 * 180.0, (i / cols) as f64 * 180.0);
                    let text = format!("Note {i}: an idea worth a sticky");
                    let at = Rect::new(x, y, 160.0, 160.0);
                    sticky(&format!("n{i}"), at, &format!("V{i:06}"), &text, "")
                        .insert(txn, &elements);
                }
            })
            .await?;
    }
    Ok(())
}
