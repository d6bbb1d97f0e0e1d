//! Browser test of history: a facilitator saves a named version, a locked frame
//! is deleted, the facilitator looks at the version (drawn read-only over the
//! canvas) and restores it in place: the frame is back for her and for an
//! editor in another browser, and on the server. Real client in headless
//! Chromium against the real server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::Client;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::browser::*;
use yrs::{Map, Transact};

fn frames_are(n: usize) -> String {
    format!("return document.querySelectorAll('.world .element.frame').length === {n}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_version_restored_in_place_brings_a_deleted_frame_back_for_everyone() {
    let srv = app_server().await;
    let board = srv.api().create_board("Strategie", "swot").await.unwrap();
    let mut layer = observer_of(
        &srv,
        &board.id,
        board.token(Role::Facilitator),
        DocKind::Locked,
    )
    .await;
    let (frames, doomed, title) = {
        let map = schema::elements(&layer.doc);
        let txn = layer.doc.transact();
        let all = tafel_shared::element::read_all(&txn, &map);
        let frame = all
            .iter()
            .find(|e| e.is_frame())
            .expect("the template's frames")
            .clone();
        let title = match &frame.props {
            tafel_shared::element::Props::Frame(p) => p.title.clone(),
            _ => unreachable!(),
        };
        (
            all.iter().filter(|e| e.is_frame()).count(),
            frame.base.id,
            title,
        )
    };

    let driver = Driver::start().await;
    let people = [(Role::Facilitator, "Coach"), (Role::Editor, "Ede")];
    let [coach, ede]: [Client; 2] = open_people(&driver, &board.created.links, &people)
        .await
        .try_into()
        .unwrap_or_else(|_| unreachable!("two people, two browsers"));
    for b in [&coach, &ede] {
        wait_until(b, "the template's frames", &frames_are(frames)).await;
    }

    // The facilitator names the board as it is.
    click_css(&coach, "[data-testid=history-open]").await;
    click_css(&coach, "[data-testid=version-name-input]").await;
    keys(&coach, "Nach Tag 1").await;
    click_css(&coach, "[data-testid=version-save]").await;
    wait_for_count(&coach, "[data-testid=version][data-named=true]", 1).await;
    wait_until(
        &coach,
        "the list names it",
        "return [...document.querySelectorAll('[data-testid=version]')].some(v => v.textContent.includes('Nach Tag 1'))",
    )
    .await;

    // A frame is deleted (by a facilitator's other device).
    let map = schema::elements(&layer.doc);
    layer
        .edit(|txn| {
            map.remove(txn, &doomed);
        })
        .await
        .unwrap();
    for b in [&coach, &ede] {
        wait_until(b, "the frame is gone", &frames_are(frames - 1)).await;
    }

    // Looking at the version shows the frame, read-only, over the board.
    click_css(
        &coach,
        "[data-testid=version][data-named=true] .version-row",
    )
    .await;
    wait_for_count(&coach, "[data-testid=history-view] svg", 1).await;
    wait_until(
        &coach,
        "the old drawing has the frame's title",
        &format!("return document.querySelector('[data-testid=history-view] svg').textContent.includes({title:?})"),
    )
    .await;
    wait_for_count(&coach, "[data-testid=history-slider]", 1).await;
    let shot = coach.screenshot().await.unwrap();
    std::fs::write(std::env::temp_dir().join("tafel-history.png"), shot).unwrap();

    // Restored in place: back for both, and on the server.
    click_css(&coach, "[data-testid=history-restore]").await;
    coach.accept_alert().await.unwrap();
    for b in [&coach, &ede] {
        wait_until(b, "the frame is back", &frames_are(frames)).await;
    }
    wait_until(
        &coach,
        "back on the live board",
        "return document.querySelectorAll('[data-testid=history-view]').length === 0",
    )
    .await;
    layer
        .pump_until(|c| {
            let map = schema::elements(&c.doc);
            let txn = c.doc.transact();
            map.contains_key(&txn, &doomed)
        })
        .await
        .unwrap();
    // The state before the restore is kept, named, so it can be undone.
    wait_until(
        &coach,
        "the version before is listed",
        "return [...document.querySelectorAll('[data-testid=version]')].some(v => v.textContent.includes('Before restoring Nach Tag 1'))",
    )
    .await;
    for b in [coach, ede] {
        b.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recent_boards_say_who_changed_them_and_a_facilitator_deletes_a_board_from_its_menu() {
    let srv = app_server().await;
    let board = srv.api().create_board("Alte Retro", "blank").await.unwrap();
    let driver = Driver::start().await;
    let people = [(Role::Facilitator, "Coach"), (Role::Editor, "Ede")];
    let [coach, ede]: [Client; 2] = open_people(&driver, &board.created.links, &people)
        .await
        .try_into()
        .unwrap_or_else(|_| unreachable!("two people, two browsers"));
    add_note(&ede, (500.0, 300.0), "Was lief gut?").await;
    wait_for_count(&coach, ".element.sticky", 1).await;

    // The start page says when the board changed, and who changed it.
    let link = board.created.links[&Role::Facilitator].clone();
    let origin = link.find("/b/").map(|at| &link[..at]).unwrap().to_owned();
    coach.goto(&origin).await.unwrap();
    wait_until(
        &coach,
        "the recent board names Ede",
        "return [...document.querySelectorAll('[data-testid=recent-change]')].some(c => c.textContent.includes('by Ede'))",
    )
    .await;

    // The facilitator deletes it from the board's menu, told what goes.
    coach.goto(&link).await.unwrap();
    wait_for_count(&coach, ".element.sticky", 1).await;
    click_css(&coach, "[data-testid=board-menu]").await;
    click_css(&coach, "[data-testid=board-delete]").await;
    let question = {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match coach.get_alert_text().await {
                Ok(text) => break text,
                Err(_) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await
                }
                Err(e) => panic!("no confirmation: {e}"),
            }
        }
    };
    assert!(
        question.contains("“Alte Retro”") && question.contains("1 element"),
        "{question}"
    );
    coach.accept_alert().await.unwrap();
    wait_until(
        &coach,
        "back on the start page",
        "return location.pathname === '/'",
    )
    .await;
    let (status, _) = srv
        .api()
        .call(
            reqwest::Method::GET,
            &format!(
                "/api/boards/{}?token={}",
                board.id,
                board.token(Role::Viewer)
            ),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 404, "the board is gone");
    wait_until(
        &ede,
        "the editor is told",
        "return document.querySelectorAll('.fatal').length === 1",
    )
    .await;
    for b in [coach, ede] {
        b.close().await.unwrap();
    }
}
