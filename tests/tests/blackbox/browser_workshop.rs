//! Browser tests of running a workshop: dot voting with three people (secret until
//! the end, kept through a reload, results for everyone), freezing the board, and
//! the timer's typed length. Real client in headless Chromium against the real
//! server; raw protocol clients read what the server holds.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::{Client, Locator};
use tafel_shared::geometry::Rect;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::browser::*;
use tafel_tests::SyncClient;
use yrs::Map;

/// Puts notes on a board through a raw client, so the browsers find them there.
async fn seed_notes(
    srv: &tafel_tests::TestServer,
    board: &str,
    token: &str,
    notes: &[(&str, &str)],
) {
    let mut c = SyncClient::connect(&srv.ws(board, DocKind::Content, token))
        .await
        .unwrap();
    let elements = schema::elements(&c.doc);
    c.edit(|txn| {
        for (i, (id, text)) in notes.iter().enumerate() {
            let at = Rect::new(i as f64 * 220.0, 0.0, 160.0, 160.0);
            tafel_tests::sticky(id, at, &format!("n{i}"), text, "seed").insert(txn, &elements);
        }
    })
    .await
    .unwrap();
    // Another socket holds all of it: the server kept it.
    let mut check = SyncClient::connect(&srv.ws(board, DocKind::Content, token))
        .await
        .unwrap();
    let last = notes.last().unwrap().0.to_owned();
    check
        .pump_until(|c| {
            schema::elements(&c.doc).contains_key(&yrs::Transact::transact(&c.doc), &last)
        })
        .await
        .unwrap();
}

async fn count(browser: &Client, css: &str) -> usize {
    browser.find_all(Locator::Css(css)).await.unwrap().len()
}

async fn attr(browser: &Client, css: &str, name: &str) -> Option<String> {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap()
        .attr(name)
        .await
        .unwrap()
}

/// Waits until `css` matches exactly `n` elements.
async fn wait_for_exactly(browser: &Client, what: &str, css: &str, n: usize) {
    wait_until(
        browser,
        what,
        &format!("return document.querySelectorAll({css:?}).length === {n}"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_people_vote_in_secret_and_everyone_sees_the_results() {
    let srv = app_server().await;
    let board = srv
        .api()
        .create_board("Priorisierung", "blank")
        .await
        .unwrap();
    seed_notes(
        &srv,
        &board.id,
        board.token(Role::Editor),
        &[
            ("alpha", "Kundenportal"),
            ("beta", "Newsletter"),
            ("gamma", "Chatbot"),
        ],
    )
    .await;
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
        wait_for_count(b, ".element.sticky", 3).await;
    }

    // The facilitator sets up a named round with two votes each.
    click_css(&coach, "[data-testid=vote-open]").await;
    click_css(&coach, "[data-testid=vote-title]").await;
    keys(&coach, "Was bauen wir zuerst?").await;
    let votes = coach
        .find(Locator::Css("[data-testid=vote-count]"))
        .await
        .unwrap();
    votes.clear().await.unwrap();
    votes.send_keys("2").await.unwrap();
    click_css(&coach, "[data-testid=vote-named]").await;
    click_css(&coach, "[data-testid=vote-start]").await;
    for b in [&ada, &ben] {
        wait_for_count(b, "[data-testid=vote-banner]", 1).await;
        wait_for_count(b, "[data-testid=vote-left][data-left='2']", 1).await;
    }

    // Ada votes for two notes, Ben for one.
    let note = |id: &str| format!(".element.sticky[data-id={id}]");
    click_at(&ada, center_of(&ada, &note("alpha")).await).await;
    wait_for_count(&ada, ".vote-dot[data-vote-for=alpha]", 1).await;
    click_at(&ada, center_of(&ada, &note("beta")).await).await;
    wait_for_count(&ada, "[data-testid=vote-left][data-left='0']", 1).await;
    click_at(&ben, center_of(&ben, &note("alpha")).await).await;
    wait_for_count(&ben, ".vote-dot[data-vote-for=alpha]", 1).await;

    // Nobody sees anyone else's dots, the facilitator included; everyone sees
    // how many have voted.
    wait_for_count(&coach, "[data-testid=vote-progress][data-voters='2']", 1).await;
    settle(&coach).await;
    settle(&ben).await;
    assert_eq!(
        count(&coach, ".vote-dot").await,
        0,
        "the facilitator sees dots"
    );
    assert_eq!(
        count(&ben, ".vote-dot").await,
        1,
        "Ben sees only his own dot"
    );
    assert_eq!(count(&ben, ".vote-dot[data-vote-for=beta]").await, 0);
    assert_eq!(
        count(&coach, ".vote-badge").await,
        0,
        "no totals before the end"
    );

    // Ada reloads in the middle of the vote: her dots are still hers.
    ada.refresh().await.unwrap();
    wait_for_count(&ada, ".status.live", 1).await;
    wait_for_count(&ada, ".vote-dot", 2).await;
    wait_for_count(&ada, "[data-testid=vote-left][data-left='0']", 1).await;
    // And she cannot vote beyond her allowance after it.
    click_at(&ada, center_of(&ada, &note("gamma")).await).await;
    settle(&ada).await;
    assert_eq!(count(&ada, ".vote-dot[data-vote-for=gamma]").await, 0);

    // The end shows the totals on the notes and a ranked list, with names.
    click_css(&coach, "[data-testid=vote-end]").await;
    for b in [&coach, &ada, &ben] {
        wait_for_count(b, ".vote-badge[data-element=alpha][data-votes='2']", 1).await;
        wait_for_count(b, ".vote-badge[data-element=beta][data-votes='1']", 1).await;
        wait_for_exactly(b, "no more banner", "[data-testid=vote-banner]", 0).await;
    }
    let voters = attr(&ben, ".vote-badge[data-element=alpha]", "title")
        .await
        .unwrap_or_default();
    assert!(
        voters.contains("Ada") && voters.contains("Ben"),
        "a named round shows who voted: {voters:?}"
    );
    wait_for_count(&ben, "[data-testid=vote-results] li.vote-result", 2).await;
    let first = attr(
        &ben,
        "[data-testid=vote-results] li.vote-result",
        "data-element",
    )
    .await;
    assert_eq!(first.as_deref(), Some("alpha"), "most votes first");
    for b in [coach, ada, ben] {
        b.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_board_offers_no_edits_until_the_facilitator_thaws_it() {
    let srv = app_server().await;
    let board = srv.api().create_board("Frost", "blank").await.unwrap();
    let driver = Driver::start().await;
    let (coach, ben) = (driver.browser().await, driver.browser().await);
    open_as(&coach, &board.created.links[&Role::Facilitator], "Coach").await;
    open_as(&ben, &board.created.links[&Role::Editor], "Ben").await;
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;

    click_css(&coach, "[data-testid=freeze-toggle]").await;
    wait_for_count(&ben, "[data-testid=frozen-banner]", 1).await;
    // Ben tries to add a note anyway: nothing opens, nothing reaches the server.
    keys(&ben, "n").await;
    click_at(&ben, (400.0, 400.0)).await;
    settle(&ben).await;
    assert_eq!(count(&ben, ".editor").await, 0, "an editor opened");
    // The facilitator still edits.
    add_note(&coach, (300.0, 300.0), "vom Coach").await;
    server_until(&mut obs, "the facilitator's note", |all| {
        stickies(all).iter().any(|n| n.text() == "vom Coach")
    })
    .await;

    click_css(&coach, "[data-testid=freeze-toggle]").await;
    wait_for_exactly(&ben, "the banner goes", "[data-testid=frozen-banner]", 0).await;
    add_note(&ben, (600.0, 400.0), "von Ben").await;
    let all = server_until(&mut obs, "Ben's note after the thaw", |all| {
        stickies(all).iter().any(|n| n.text() == "von Ben")
    })
    .await;
    assert_eq!(stickies(&all).len(), 2, "nothing from the frozen time");
    coach.close().await.unwrap();
    ben.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facilitator_types_any_timer_length() {
    let srv = app_server().await;
    let board = srv.api().create_board("Timed", "blank").await.unwrap();
    let driver = Driver::start().await;
    let (coach, ben) = (driver.browser().await, driver.browser().await);
    open_as(&coach, &board.created.links[&Role::Facilitator], "Coach").await;
    open_as(&ben, &board.created.links[&Role::Viewer], "Ben").await;
    click_css(&coach, "[data-action=timer-duration]").await;
    keys(&coach, "2:30\n").await;
    wait_until(
        &ben,
        "the viewer sees 2:30",
        "return document.querySelector('.timerbar .timer')?.textContent === '2:30'",
    )
    .await;
    // Muting is per person and kept in the browser.
    click_css(&ben, "[data-action=timer-mute]").await;
    wait_for_count(&ben, "[data-action=timer-mute][aria-pressed=true]", 1).await;
    ben.refresh().await.unwrap();
    wait_for_count(&ben, "[data-action=timer-mute][aria-pressed=true]", 1).await;
    wait_for_count(&coach, "[data-action=timer-mute][aria-pressed=false]", 1).await;
    coach.close().await.unwrap();
    ben.close().await.unwrap();
}
