//! "Since your last visit" benchmark: a board of N sticky notes (default
//! 5,000) seen in headless Chromium, M of them (default 500) moved by someone
//! else while the browser is away, and the board opened again. Measured in the
//! page: reading the board, comparing it with what was last seen, listing the
//! changes and rendering the list and marks (`window.__tafelSince`, set by the
//! client), and when the news shows after navigation.
//!
//! ```text
//! cargo xtask build-client
//! cargo run --release -p tafel-tests --example since_bench -- [notes] [changes] [runs]
//! ```
//!
//! Numbers go to BENCHMARKS.md; nothing here asserts on time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::browser::{client_dist, js, open_as, wait_until, Driver};
use tafel_tests::{SyncClient, TestServer};
use yrs::Map;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let notes = args.first().copied().unwrap_or(5_000);
    let changes = args.get(1).copied().unwrap_or(500);
    let runs = args.get(2).copied().unwrap_or(3);
    let srv = TestServer::start_with(|c| c.assets = Some(client_dist()))
        .await
        .unwrap();
    let driver = Driver::start().await;
    for run in 1..=runs {
        let board = srv
            .api()
            .create_board("Since bench", "blank")
            .await
            .unwrap();
        let ws = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
        let mut writer = SyncClient::connect(&ws).await.unwrap();
        tafel_tests::seed_grid(&mut writer, notes).await.unwrap();
        writer.pump_for(Duration::from_millis(300)).await.unwrap();
        let link = board.created.links[&Role::Editor].clone();
        let browser = driver.browser().await;
        open_as(&browser, &link, "Bench").await;
        wait_until(
            &browser,
            "first render",
            "return performance.getEntriesByName('tafel:first-render').length > 0",
        )
        .await;
        wait_until(
            &browser,
            "saved locally",
            "return document.querySelector('.board').dataset.local === 'saved'",
        )
        .await;
        let origin = link.find("/b/").map(|at| &link[..at]).unwrap().to_owned();
        browser.goto(&origin).await.unwrap();

        // Someone else moves M notes meanwhile (on a fresh connection: the first
        // one sat unread while the browser loaded, and the server let it go).
        let mut writer = SyncClient::connect(&ws).await.unwrap();
        let elements = schema::elements(&writer.doc);
        let ids: Vec<String> = (0..changes)
            .map(|i| format!("n{}", i * (notes / changes.max(1)).max(1)))
            .collect();
        for batch in ids.chunks(250) {
            writer
                .edit(|txn| {
                    for id in batch {
                        let x = tafel_shared::element::Element::read(txn, &elements, id)
                            .map_or(0.0, |e| e.base.rect.x);
                        if let Some(yrs::Out::YMap(note)) = elements.get(txn, id) {
                            note.insert(txn, schema::F_X, x + 40.0);
                        }
                    }
                })
                .await
                .unwrap();
        }
        writer.pump_for(Duration::from_millis(300)).await.unwrap();

        browser.goto(&link).await.unwrap();
        wait_until(
            &browser,
            "the news",
            &format!("return document.querySelector('[data-testid=since-bar]')?.dataset.count === '{changes}'"),
        )
        .await;
        let shown_at = js(&browser, "return performance.now()").await;
        let took = js(&browser, "return window.__tafelSince").await;
        let first = js(
            &browser,
            "return performance.getEntriesByName('tafel:first-render')[0]?.startTime ?? null",
        )
        .await;
        println!(
            "run {run}: {notes} notes, {changes} changed: read board {:.1} ms, compare {:.1} ms, list {:.1} ms, signals set {:.1} ms; \
             news shown by {:.0} ms after navigation (first render {:.0} ms)",
            took[0].as_f64().unwrap(),
            took[1].as_f64().unwrap(),
            took[2].as_f64().unwrap(),
            took[3].as_f64().unwrap(),
            shown_at.as_f64().unwrap(),
            first.as_f64().unwrap_or(f64::NAN),
        );
        browser.close().await.unwrap();
    }
}
