//! Fit and finish, as a coach meets it, in headless Chromium against the real
//! server: each test here is one rough edge that was found when the app was
//! tried, and fails on the behaviour before the fix.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use tafel_shared::roles::Role;
use tafel_tests::browser::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn avatar_initials_skip_brackets_and_punctuation() {
    let srv = app_server().await;
    let board = srv.api().create_board("Workshop", "blank").await.unwrap();
    let driver = Driver::start().await;
    let (coach, guest) = (driver.browser().await, driver.browser().await);
    open_as(
        &coach,
        &board.created.links[&Role::Facilitator],
        "Clara (Coach)",
    )
    .await;
    open_as(&guest, &board.created.links[&Role::Editor], "Ben").await;
    // The guest sees the coach's avatar: "CC", not "C(".
    wait_until(
        &guest,
        "the coach's avatar",
        "const a = document.querySelector('.avatar[data-name=\"Clara (Coach)\"]'); \
         return !!a && a.textContent.trim() === 'CC';",
    )
    .await;
    for browser in [coach, guest] {
        browser.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_unnamed_guests_get_different_names_and_colours() {
    let srv = app_server().await;
    let board = srv.api().create_board("Workshop", "blank").await.unwrap();
    let link = board.created.links[&Role::Editor].clone();
    let driver = Driver::start().await;
    let (a, b) = (driver.browser().await, driver.browser().await);
    for browser in [&a, &b] {
        browser.goto(&link).await.unwrap();
        click_css(browser, "[data-testid=profile-skip]").await;
        wait_for_count(browser, ".status.live", 1).await;
    }
    // Each sees the other: between them, "Guest" and "Guest 2" in two colours.
    let peer = "const a = document.querySelector('.avatar:not(.me)'); \
                return a ? [a.dataset.name, a.style.background] : null;";
    for browser in [&a, &b] {
        wait_until(
            browser,
            "the other guest",
            "return !!document.querySelector('.avatar:not(.me)')",
        )
        .await;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let seen = vec![js(&a, peer).await, js(&b, peer).await];
        let names: std::collections::BTreeSet<&str> =
            seen.iter().filter_map(|p| p[0].as_str()).collect();
        if names == ["Guest", "Guest 2"].into_iter().collect() && seen[0][1] != seen[1][1] {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "guests not told apart: {seen:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for browser in [a, b] {
        browser.close().await.unwrap();
    }
}
