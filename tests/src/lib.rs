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
    seed(writer, notes, false).await
}

/// Like [`seed_grid`], with every kind a workshop board holds mixed in: of
/// every 20 cells, 10 are notes, 4 shapes (rectangle, ellipse, diamond), 3 pen
/// strokes and 3 connectors (each from one of the shapes to one of the next
/// cells' notes).
pub async fn seed_mixed(writer: &mut SyncClient, elements: usize) -> anyhow::Result<()> {
    seed(writer, elements, true).await
}

async fn seed(writer: &mut SyncClient, count: usize, mixed: bool) -> anyhow::Result<()> {
    use tafel_shared::element::{ConnectorProps, PenProps, Props, ShapeProps};
    use tafel_shared::geometry::{Outline, Point};
    let elements = tafel_shared::schema::elements(&writer.doc);
    let cols = (count as f64).sqrt().ceil() as usize;
    for batch in (0..count).collect::<Vec<_>>().chunks(250) {
        writer
            .edit(|txn| {
                for &i in batch {
                    let (x, y) = ((i % cols) as f64 * 180.0, (i / cols) as f64 * 180.0);
                    let at = Rect::new(x, y, 160.0, 160.0);
                    let props = match i % 20 {
                        _ if !mixed => None,
                        10..=13 => Some(Props::Shape(ShapeProps {
                            outline: [Outline::Rect, Outline::Ellipse, Outline::Diamond][i % 3],
                            text: format!("Shape {i}"),
                            ..Default::default()
                        })),
                        14..=16 => Some(Props::Pen(PenProps {
                            points: (0..12)
                                .map(|k| {
                                    Point::new(
                                        k as f64 * 14.0,
                                        80.0 + 60.0 * ((k + i) as f64).sin(),
                                    )
                                })
                                .collect(),
                            stroke: "#1971c2".into(),
                        })),
                        17..=19 => Some(Props::Connector(ConnectorProps {
                            from: format!("n{}", i - 7),
                            to: format!("n{}", i + 3),
                            points: vec![Point::new(x, y), Point::new(x + 160.0, y + 160.0)],
                            ..Default::default()
                        })),
                        _ => None,
                    };
                    let z = format!("V{i:06}");
                    let mut element = match props {
                        Some(props) => {
                            let mut e = Element::new(format!("n{i}"), at, props);
                            e.base.z = z;
                            e
                        }
                        None => sticky(
                            &format!("n{i}"),
                            at,
                            &z,
                            &format!("Note {i}: an idea worth a sticky"),
                            "",
                        ),
                    };
                    if element.is_connector() {
                        element.base.rect = Rect::new(x, y, 1.0, 1.0);
                    }
                    element.insert(txn, &elements);
                }
            })
            .await?;
    }
    Ok(())
}
