//! Browser test of "since your last visit": Ada sees a board and leaves; Ben,
//! in another browser, adds a note, moves one and deletes one; when Ada comes
//! back, exactly those three changes are listed and marked, each with Ben's
//! name, the view steps through them, and "mark all as seen" clears them.
//! Real client in headless Chromium against the real server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::{Client, Locator};
use tafel_shared::geometry::Rect;
use tafel_shared::roles::Role;
use tafel_shared::schema;
use tafel_tests::browser::*;

/// WebDriver key: Delete.
const DELETE: &str = "\u{e017}";

async fn attrs(browser: &Client, css: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in browser.find_all(Locator::Css(css)).await.unwrap() {
        out.push(e.attr(attr).await.unwrap().unwrap_or_default());
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_made_while_away_are_listed_with_who_made_them_and_can_be_stepped_through() {
    let srv = app_server().await;
    let board = srv.api().create_board("Ideen", "blank").await.unwrap();
    let mut seeder = observer(&srv, &board.id, board.token(Role::Editor)).await;
    let elements = schema::elements(&seeder.doc);
    seeder
        .edit(|txn| {
            for (i, (id, text)) in [("eins", "Eins"), ("zwei", "Zwei"), ("drei", "Drei")]
                .into_iter()
                .enumerate()
            {
                let at = Rect::new(i as f64 * 220.0, 0.0, 160.0, 160.0);
                tafel_tests::sticky(id, at, "a0", text, "Seed").insert(txn, &elements);
            }
        })
        .await
        .unwrap();

    let driver = Driver::start().await;
    let link = board.created.links[&Role::Editor].clone();
    let ada = driver.browser().await;
    open_as(&ada, &link, "Ada").await;
    wait_for_count(&ada, ".element.sticky", 3).await;
    wait_for_count(&ada, ".board[data-local=saved]", 1).await;
    settle(&ada).await;
    assert!(
        ada.find_all(Locator::Css("[data-testid=since-bar]"))
            .await
            .unwrap()
            .is_empty(),
        "a first visit has no news"
    );
    // Ada leaves.
    let origin = link.find("/b/").map(|at| &link[..at]).unwrap().to_owned();
    ada.goto(&origin).await.unwrap();

    // Ben works on the board meanwhile.
    let ben = driver.browser().await;
    open_as(&ben, &link, "Ben").await;
    wait_for_count(&ben, ".element.sticky", 3).await;
    add_note(&ben, (700.0, 500.0), "Von Ben").await;
    let zwei = center_of(&ben, ".element[data-id=zwei]").await;
    drag(&ben, zwei, (zwei.0 + 40.0, zwei.1 + 200.0)).await;
    keys(&ben, ESCAPE).await;
    click_at(&ben, center_of(&ben, ".element[data-id=drei]").await).await;
    keys(&ben, DELETE).await;
    let now = server_until(&mut seeder, "Ben's three changes", |all| {
        all.len() == 3
            && all.iter().any(|e| e.text() == "Von Ben")
            && !all.iter().any(|e| e.base.id == "drei")
    })
    .await;
    let new_note = now
        .iter()
        .find(|e| e.text() == "Von Ben")
        .unwrap()
        .base
        .id
        .clone();

    // Ada comes back.
    ada.goto(&link).await.unwrap();
    wait_for_count(&ada, "[data-testid=since-bar][data-count='3']", 1).await;
    click_css(&ada, "[data-testid=since-list]").await;
    wait_for_count(&ada, "[data-testid=since-item]", 3).await;
    let mut expected = vec![new_note.clone(), "drei".to_owned(), "zwei".to_owned()];
    expected.sort();
    assert_eq!(
        attrs(&ada, "[data-testid=since-item]", "data-id").await,
        expected
    );
    let items: Vec<String> = {
        let mut v = Vec::new();
        for e in ada
            .find_all(Locator::Css("[data-testid=since-item]"))
            .await
            .unwrap()
        {
            v.push(e.text().await.unwrap());
        }
        v
    };
    assert!(
        items
            .iter()
            .any(|t| t.starts_with("Ben added") && t.contains("Von Ben")),
        "{items:?}"
    );
    assert!(
        items
            .iter()
            .any(|t| t.starts_with("Ben changed") && t.contains("Zwei")),
        "{items:?}"
    );
    assert!(
        items
            .iter()
            .any(|t| t.starts_with("Ben removed") && t.contains("Drei")),
        "{items:?}"
    );

    // Stepping moves the view to each change, marked on the board.
    click_css(&ada, "[data-testid=since-next]").await;
    wait_until(
        &ada,
        "at the first change",
        "return document.querySelector('[data-testid=since-position]').textContent === '1 of 3'",
    )
    .await;
    wait_for_count(&ada, ".change-mark.current", 1).await;
    let current = attrs(&ada, ".change-mark.current", "data-id").await;
    let shot = ada.screenshot().await.unwrap();
    std::fs::write(std::env::temp_dir().join("tafel-since.png"), shot).unwrap();
    click_css(&ada, "[data-testid=since-next]").await;
    wait_until(
        &ada,
        "at the second change",
        "return document.querySelector('[data-testid=since-position]').textContent === '2 of 3'",
    )
    .await;
    assert_ne!(
        attrs(&ada, ".change-mark.current", "data-id").await,
        current,
        "the next change is another one"
    );

    click_css(&ada, "[data-testid=since-seen]").await;
    wait_until(
        &ada,
        "all seen",
        "return document.querySelectorAll('[data-testid=since-bar], [data-testid=change-mark]').length === 0",
    )
    .await;
    for b in [ada, ben] {
        b.close().await.unwrap();
    }
}
