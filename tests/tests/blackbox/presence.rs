//! Presence (awareness) against a modified client, over real sockets: a
//! viewer cannot overwrite or remove someone else's presence, cannot flood the
//! room (its relays are rate-limited and nobody is kicked as too slow), and is
//! closed when it announces more client ids than a page has. What the others
//! received is read from their sockets.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use std::time::{Duration, Instant};
use tafel_server::room::{MAX_PRESENCE_IDS_PER_SOCKET, PRESENCE_BURST, PRESENCE_PER_SEC};
use tafel_shared::protocol::{AwarenessEntry, AwarenessUpdate, CloseCode, Message};
use tafel_shared::roles::{DocKind, Role};
use tafel_tests::{RawClient, SyncClient, TestServer};

fn presence(client_id: u64, clock: u64, state: &str) -> Message {
    Message::Awareness(AwarenessUpdate {
        entries: vec![AwarenessEntry {
            client_id,
            clock,
            state: state.to_owned(),
        }],
    })
}

/// How many awareness entries for `client_id` a socket has received.
fn entries_for(c: &SyncClient, client_id: u64) -> usize {
    c.received()
        .iter()
        .filter_map(|f| match Message::decode(f) {
            Ok(Message::Awareness(u)) => Some(
                u.entries
                    .iter()
                    .filter(|e| e.client_id == client_id)
                    .count(),
            ),
            _ => None,
        })
        .sum()
}

#[tokio::test]
async fn a_viewer_cannot_forge_flood_or_multiply_presence() {
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Presence", "blank").await.unwrap();
    let url = |role| srv.ws(&board.id, DocKind::Content, board.token(role));
    let mut ada = SyncClient::connect(&url(Role::Editor)).await.unwrap();
    let ada_id = ada.doc.client_id().get();
    ada.set_presence(1, r#"{"user":{"name":"Ada"}}"#)
        .await
        .unwrap();
    let mut watcher = SyncClient::connect(&url(Role::Viewer)).await.unwrap();
    watcher
        .pump_until(|c| c.awareness.iter().any(|e| e.client_id == ada_id))
        .await
        .unwrap();

    // A modified viewer client overwrites and removes Ada's presence: ignored.
    let mut mallory = RawClient::connect(&url(Role::Viewer)).await.unwrap();
    mallory
        .send(&presence(ada_id, 50, r#"{"user":{"name":"Mallory"}}"#))
        .await
        .unwrap();
    mallory.send(&presence(ada_id, 60, "null")).await.unwrap();

    // It floods its own presence: a burst and the rate go out, the rest waits.
    let mallory_id = 4242;
    let started = Instant::now();
    for clock in 1..=2000u64 {
        mallory
            .send(&presence(mallory_id, clock, &format!(r#"{{"x":{clock}}}"#)))
            .await
            .unwrap();
    }
    let flood_secs = started.elapsed().as_secs_f64();
    watcher.pump_for(Duration::from_millis(500)).await.unwrap();
    let seen = entries_for(&watcher, mallory_id);
    let allowed = PRESENCE_BURST + PRESENCE_PER_SEC * (flood_secs + 1.0);
    assert!(seen >= 1, "some of it is relayed");
    assert!(
        (seen as f64) <= allowed,
        "{seen} relays of a 2000-update flood ({flood_secs:.2} s), at most {allowed}"
    );
    assert!(watcher.closed.is_none(), "nobody is kicked as too slow");

    // The forgeries reached nobody, and a fresh reader sees Ada as she set herself.
    assert!(
        watcher
            .awareness
            .iter()
            .filter(|e| e.client_id == ada_id)
            .all(|e| e.clock == 1),
        "a forged entry for Ada was relayed: {:?}",
        watcher.awareness
    );
    let mut fresh = SyncClient::connect(&url(Role::Viewer)).await.unwrap();
    fresh
        .pump_until(|c| c.awareness.iter().any(|e| e.client_id == ada_id))
        .await
        .unwrap();
    let ada_now = fresh
        .awareness
        .iter()
        .rfind(|e| e.client_id == ada_id)
        .unwrap();
    assert_eq!(
        (ada_now.clock, ada_now.state.as_str()),
        (1, r#"{"user":{"name":"Ada"}}"#)
    );

    // More client ids than a page has: the socket is closed.
    let mut many = RawClient::connect(&url(Role::Viewer)).await.unwrap();
    let entries = (0..=MAX_PRESENCE_IDS_PER_SOCKET as u64)
        .map(|i| AwarenessEntry {
            client_id: 9000 + i,
            clock: 1,
            state: "{}".into(),
        })
        .collect();
    many.send(&Message::Awareness(AwarenessUpdate { entries }))
        .await
        .unwrap();
    let closed = many.expect_close().await.unwrap();
    assert_eq!(closed.close_code(), Some(CloseCode::BadMessage));
}
