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
