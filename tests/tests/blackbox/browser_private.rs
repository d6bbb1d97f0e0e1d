//! Browser test of private brainstorming with three people: a participant's new
//! note stays on her screen only (the others see how many she holds back, a raw
//! client on the content socket sees nothing), survives her reload and a move,
//! and lands on everyone's board with her name when the facilitator reveals.
//! Real client in headless Chromium against the real server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::{Client, Locator};
use tafel_shared::geometry::Rect;
use tafel_shared::roles::Role;
use tafel_shared::schema;
use tafel_tests::browser::*;

/// WebDriver key: Delete.
const DELETE: &str = "\u{e017}";

/// JS: whether any private note of this page shows `text`.
fn private_note_with(text: &str) -> String {
    format!(
        "return [...document.querySelectorAll('.element.private .text')].some(t => t.textContent.includes({text:?}))"
    )
}

/// JS: whether a note on the board (not a private one) shows `text`.
fn board_note_with(text: &str) -> String {
    format!(
        "return [...document.querySelectorAll('.element.sticky:not(.private) .text')].some(t => t.textContent.includes({text:?}))"
    )
}

/// Whether `text` appears anywhere in the page.
async fn page_has(browser: &Client, text: &str) -> bool {
    js(
        browser,
        &format!("return document.body.textContent.includes({text:?})"),
    )
    .await
        == serde_json::Value::Bool(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_notes_stay_with_their_author_until_the_facilitator_reveals_them() {
    let srv = app_server().await;
    let board = srv.api().create_board("Ideen", "blank").await.unwrap();
    // One note on the board from the start, so a raw client can tell when it
    // has the whole board.
    let mut seeder = observer(&srv, &board.id, board.token(Role::Editor)).await;
    let elements = schema::elements(&seeder.doc);
    seeder
        .edit(|txn| {
            let at = Rect::new(0.0, 0.0, 160.0, 160.0);
            tafel_tests::sticky("seed", at, "a0", "Auf dem Board", "seed").insert(txn, &elements);
        })
        .await
        .unwrap();

    let driver = Driver::start().await;
    let people = [
        (Role::Facilitator, "Coach"),
        (Role::Editor, "Ada"),
        (Role::Editor, "Ben"),
    ];
    let [coach, ada, ben]: [Client; 3] = open_people(&driver, &board.created.links, &people)
        .await
        .try_into()
        .unwrap_or_else(|_| unreachable!("three people, three browsers"));
    for b in [&coach, &ada, &ben] {
        wait_for_count(b, ".element.sticky", 1).await;
    }
    assert_eq!(
        ada.find_all(Locator::Css("[data-testid=private-start]"))
            .await
            .unwrap()
            .len(),
        0,
        "only facilitators start private mode"
    );

    click_css(&coach, "[data-testid=private-start]").await;
    for b in [&coach, &ada, &ben] {
        wait_for_count(b, "[data-testid=private-banner]", 1).await;
    }

    // Ada adds a note the usual way: it is hers alone.
    let secret = "Geheimidee 7f3a";
    add_note(&ada, (980.0, 600.0), secret).await;
    wait_until(
        &ada,
        "Ada sees her private note",
        &private_note_with(secret),
    )
    .await;
    wait_for_count(&ada, ".private-note[data-saved=true]", 1).await;
    for b in [&coach, &ben, &ada] {
        wait_for_count(
            b,
            "[data-testid=private-counts] li.private-count[data-name=Ada][data-count='1']",
            1,
        )
        .await;
    }
    let row = js(
        &ben,
        "return document.querySelector('li.private-count').textContent",
    )
    .await;
    assert_eq!(row, serde_json::json!("Ada: 1 hidden"));
    // Ben writes one too and thinks better of it: Delete takes it back.
    add_note(&ben, (980.0, 300.0), "Doch nicht").await;
    wait_for_count(&coach, "li.private-count[data-name=Ben][data-count='1']", 1).await;
    wait_for_count(&ben, ".private-note.selected[data-saved=true]", 1).await;
    keys(&ben, DELETE).await;
    wait_until(
        &coach,
        "Ben's row goes",
        "return document.querySelectorAll('li.private-count[data-name=Ben]').length === 0",
    )
    .await;
    wait_until(
        &ben,
        "Ben's note goes",
        "return document.querySelectorAll('.element.private').length === 0",
    )
    .await;
    for b in [&coach, &ben] {
        settle(b).await;
        assert!(!page_has(b, secret).await, "someone else sees Ada's note");
    }
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;
    let all = server_until(&mut obs, "the board note", |all| {
        all.iter().any(|e| e.base.id == "seed")
    })
    .await;
    assert!(
        !all.iter().any(|e| e.text().contains(secret)),
        "the private note is in the content document: {all:#?}"
    );

    // She moves it; a reload brings it back where she put it, still private.
    let css = ".private-note[data-testid=private-note]";
    let before = rect_of(&ada, css).await;
    let from = center_of(&ada, css).await;
    drag(&ada, from, (from.0 - 120.0, from.1 - 80.0)).await;
    wait_until(
        &ada,
        "the note moves",
        &format!(
            "return document.querySelector({css:?}).getBoundingClientRect().x < {} - 60",
            before[0]
        ),
    )
    .await;
    let moved = rect_of(&ada, css).await;
    // The server's copy has the move once the page stops showing its own.
    wait_for_count(&ada, ".private-note[data-saved=true]", 1).await;
    ada.refresh().await.unwrap();
    wait_for_count(&ada, ".status.live", 1).await;
    wait_until(
        &ada,
        "Ada's note after a reload",
        &private_note_with(secret),
    )
    .await;
    wait_until(
        &ada,
        "the note where she moved it",
        &format!(
            "const r = document.querySelector({css:?}).getBoundingClientRect(); return Math.abs(r.x - {}) < 2 && Math.abs(r.y - {}) < 2",
            moved[0], moved[1]
        ),
    )
    .await;
    assert!(!page_has(&ben, secret).await);

    // Pasted text is held back like a new note.
    let pasted = "Eingefügt 9c";
    js(
        &ada,
        &format!(
            "const dt = new DataTransfer(); dt.setData('text/plain', {pasted:?}); \
             document.dispatchEvent(new ClipboardEvent('paste', {{clipboardData: dt, bubbles: true}})); return true"
        ),
    )
    .await;
    wait_until(&ada, "the pasted note, private", &private_note_with(pasted)).await;
    wait_for_count(&coach, "li.private-count[data-name=Ada][data-count='2']", 1).await;
    assert!(!page_has(&ben, pasted).await);

    // The facilitator reveals: the note is on everyone's board, with Ada's name.
    click_css(&coach, "[data-testid=private-reveal]").await;
    for b in [&coach, &ada, &ben] {
        wait_until(b, "the revealed note", &board_note_with(secret)).await;
        wait_until(b, "the revealed paste", &board_note_with(pasted)).await;
        wait_until(
            b,
            "no more banner",
            "return document.querySelectorAll('[data-testid=private-banner]').length === 0",
        )
        .await;
    }
    wait_until(
        &ada,
        "no private copy left",
        "return document.querySelectorAll('.element.private').length === 0",
    )
    .await;
    server_until(&mut obs, "the revealed note, by Ada", |all| {
        all.iter()
            .any(|e| e.text() == secret && e.base.author == "Ada")
    })
    .await;
    for b in [coach, ada, ben] {
        b.close().await.unwrap();
    }
}
