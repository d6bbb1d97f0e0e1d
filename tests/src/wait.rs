//! Waiting for a condition instead of sleeping for a fixed time: a test states
//! what it waits for, and fails with that statement if it never comes.

use std::time::Duration;

/// How long [`until`] waits before the test fails: long enough for a loaded CI
/// machine, and only ever reached when something is wrong.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Polls `done` every few milliseconds until it holds; panics naming `what` after
/// [`PATIENCE`].
pub async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up after {PATIENCE:?} waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
