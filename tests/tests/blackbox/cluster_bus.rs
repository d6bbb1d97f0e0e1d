//! The cluster's node-to-node protocol against a modified node: a scripted
//! node on the real Redis bus (the server's own bus and wire codec, none of
//! its logic) plays the owner of a board, or a node that relays into one, and
//! sends what a confused, late or stale node could send. The real nodes must
//! close exactly the sockets they should, tell the other side to let go of
//! what they no longer serve, and give up a document whose lease changed
//! hands while they were not looking.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use crate::cluster::{connect_retrying, TestCluster};
use crate::common::{add_sticky, has};
use bytes::Bytes;
use std::time::Duration;
use tafel_server::cluster::bus::{Bus, BusEvent};
use tafel_server::cluster::wire::{Envelope, Msg};
use tafel_server::store::Store;
use tafel_server::store_pg::PgStore;
use tafel_shared::ids::ParticipantId;
use tafel_shared::protocol::{CloseCode, Message};
use tafel_shared::roles::{DocKind, Role};
use tafel_tests::client::PATIENCE;
use tafel_tests::{Event, RawClient, SyncClient};
use tokio::sync::mpsc;

/// The scripted node's name on the bus.
const SCRIPTED: &str = "scripted~1";

/// A node that says only what the test tells it to.
struct Scripted {
    bus: Bus,
    events: mpsc::UnboundedReceiver<BusEvent>,
}

impl Scripted {
    async fn start(redis: String) -> Self {
        let (bus, events) = tokio::task::spawn_blocking(move || Bus::start(&redis, SCRIPTED))
            .await
            .unwrap()
            .unwrap();
        Self { bus, events }
    }

    fn send(&self, to: &str, msg: Msg, frames: &[Bytes]) {
        let envelope = Envelope {
            from: SCRIPTED.to_owned(),
            msg,
        };
        self.bus.send(to, &envelope, frames);
    }

    /// Keeps telling `node` that this one is alive, as a real node does.
    fn keep_beating(&self, node: String) {
        let bus = self.bus.clone();
        tokio::spawn(async move {
            let beat = Envelope {
                from: SCRIPTED.to_owned(),
                msg: Msg::Beat,
            };
            loop {
                bus.send(&node, &beat, &[]);
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        });
    }

    /// The next message that is not a beat.
    async fn next(&mut self) -> Envelope {
        loop {
            let event = tokio::time::timeout(PATIENCE, self.events.recv())
                .await
                .expect("a message within the patience")
                .expect("the bus runs");
            match event {
                BusEvent::Message(Envelope { msg: Msg::Beat, .. }, _) => continue,
                BusEvent::Message(envelope, _) => return envelope,
                BusEvent::Broken | BusEvent::Unreachable(_) => continue,
            }
        }
    }
}

/// Writes lease `room/{board}/content` as the test wants it, whoever holds
/// it now. The stored form is the server's: expiry (ms), a newline, holder.
async fn set_lease(postgres: &str, board: &str, until_ms: u64, holder: &str) {
    let (url, key) = (postgres.to_owned(), format!("lease/room/{board}/content"));
    let value = format!("{until_ms}\n{holder}").into_bytes();
    tokio::task::spawn_blocking(move || {
        let store = PgStore::connect(&url).unwrap();
        let current = store.get(key.as_bytes()).unwrap();
        assert!(store
            .compare_and_swap(key.as_bytes(), current.as_deref(), value)
            .unwrap());
    })
    .await
    .unwrap();
}

/// Who holds the lease of `board`'s content document now.
async fn lease_holder(postgres: &str, board: &str) -> Option<String> {
    let (url, name) = (postgres.to_owned(), format!("room/{board}/content"));
    tokio::task::spawn_blocking(move || {
        let store = PgStore::connect(&url).unwrap();
        tafel_server::lease::holder(&store, &name, now_ms()).unwrap()
    })
    .await
    .unwrap()
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// A frame the raw client recognises.
fn marker(text: &str) -> Bytes {
    Bytes::from(Message::PermissionDenied(text.into()).encode())
}

async fn expect_marker(client: &mut RawClient, text: &str) {
    assert_eq!(
        client.next().await.unwrap(),
        Event::Msg(Message::PermissionDenied(text.into()))
    );
}

async fn expect_close(client: &mut RawClient, code: CloseCode) {
    let closed = client.expect_close().await.unwrap();
    assert_eq!(closed.close_code(), Some(code), "{closed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_obeys_only_its_owner_and_hands_every_socket_back_when_the_document_moves() {
    let mut cluster = TestCluster::engines().await;
    let b = cluster.node("b").await;
    let board = b.api().create_board("Relay", "").await.unwrap();
    let mut owner = Scripted::start(cluster.redis.url()).await;
    set_lease(
        &cluster.postgres.url,
        &board.id,
        now_ms() + 600_000,
        SCRIPTED,
    )
    .await;
    let url = b.ws(&board.id, DocKind::Content, board.token(Role::Editor));

    // Two sockets on b, relayed to the scripted owner.
    let mut sockets = Vec::new();
    let mut relay = String::new();
    let mut route = 0;
    for _ in 0..2 {
        let connecting = tokio::spawn({
            let url = url.clone();
            async move { RawClient::connect(&url).await.unwrap() }
        });
        let join = owner.next().await;
        let Msg::Join { route: r, conn, .. } = join.msg else {
            panic!("expected a join, got {join:?}")
        };
        if relay.is_empty() {
            relay = join.from.clone();
            owner.keep_beating(relay.clone());
        }
        route = r;
        owner.send(
            &relay,
            Msg::Joined {
                route,
                conn,
                refused: None,
            },
            &[],
        );
        sockets.push((conn, connecting.await.unwrap()));
    }
    let [(c1, mut first), (c2, mut second)] = <[_; 2]>::try_from(sockets).ok().unwrap();

    // A close for a socket the relay no longer has (it crossed that socket's
    // leave) closes nobody: both still get what the owner sends next.
    owner.send(
        &relay,
        Msg::Kill {
            route,
            conn: c1.max(c2) + 1_000,
            code: CloseCode::GoingAway.code(),
        },
        &[],
    );
    owner.send(&relay, Msg::Out { route, conn: c1 }, &[marker("still one")]);
    owner.send(&relay, Msg::Out { route, conn: c2 }, &[marker("still two")]);
    expect_marker(&mut first, "still one").await;
    expect_marker(&mut second, "still two").await;

    // Frames for a relay b does not have: b tells the sender to let go.
    owner.send(
        &relay,
        Msg::Out {
            route: route + 1_000,
            conn: 4_242,
        },
        &[marker("nobody")],
    );
    let answer = owner.next().await;
    assert_eq!(answer.msg, Msg::Leave { conn: 4_242 }, "{answer:?}");

    // A third socket is still waiting for its join when the owner closes one
    // socket with 1001 ("the document moves"): b closes every relayed socket
    // with 1001, tells the owner it let go of them, and the waiting join
    // tries again, under a new id, and finds the owner named by the lease.
    let third = tokio::spawn({
        let url = url.clone();
        async move { RawClient::connect(&url).await.unwrap() }
    });
    let join = owner.next().await;
    let Msg::Join { conn: c3, .. } = join.msg else {
        panic!("expected a join, got {join:?}")
    };
    owner.send(
        &relay,
        Msg::Kill {
            route,
            conn: c1,
            code: CloseCode::GoingAway.code(),
        },
        &[],
    );
    expect_close(&mut first, CloseCode::GoingAway).await;
    expect_close(&mut second, CloseCode::GoingAway).await;
    let mut left = Vec::new();
    let retried = loop {
        let said = owner.next().await;
        match said.msg {
            Msg::Leave { conn } => left.push(conn),
            Msg::Join { route, conn, .. } => break (route, conn),
            other => panic!("unexpected {other:?}"),
        }
    };
    left.sort_unstable();
    assert_eq!(
        left,
        [c2, c3],
        "b lets go of the open and the waiting socket"
    );
    let (new_route, c3_again) = retried;
    assert!(
        c3_again != c3 && ![c1, c2].contains(&c3_again),
        "a retried join has an id of its own"
    );
    owner.send(
        &relay,
        Msg::Joined {
            route: new_route,
            conn: c3_again,
            refused: None,
        },
        &[],
    );
    let mut third = third.await.unwrap();
    owner.send(
        &relay,
        Msg::Out {
            route: new_route,
            conn: c3_again,
        },
        &[marker("served again")],
    );
    expect_marker(&mut third, "served again").await;
}

/// The next message to the scripted relay but the joined socket's frames
/// (socket 10 on route 1) must close socket `conn` of that route with 1001.
async fn expect_kill(relay: &mut Scripted, conn: u64) {
    loop {
        match relay.next().await.msg {
            Msg::Out { conn: 10, .. } => continue,
            other => {
                let code = CloseCode::GoingAway.code();
                assert_eq!(
                    other,
                    Msg::Kill {
                        route: 1,
                        conn,
                        code
                    }
                );
                return;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_closes_what_it_no_longer_serves_for_a_relay_node() {
    let mut cluster = TestCluster::engines().await;
    let a = cluster.node("a").await;
    let board = a.api().create_board("Owner", "").await.unwrap();
    let mut on_a =
        SyncClient::connect(&a.ws(&board.id, DocKind::Content, board.token(Role::Editor)))
            .await
            .unwrap();
    add_sticky(&mut on_a, "one", "on the owner").await;
    let owner = lease_holder(&cluster.postgres.url, &board.id)
        .await
        .expect("a holds the lease");
    let mut relay = Scripted::start(cluster.redis.url()).await;

    relay.send(
        &owner,
        Msg::Join {
            route: 1,
            conn: 10,
            board: board.id.clone(),
            doc: DocKind::Content,
            role: Role::Editor,
            participant: ParticipantId::parse(&"p".repeat(22)).unwrap(),
        },
        &[],
    );
    let answer = relay.next().await;
    assert_eq!(
        answer.msg,
        Msg::Joined {
            route: 1,
            conn: 10,
            refused: None
        }
    );
    assert_eq!(
        a.api().metric("tafel_relayed_in_sockets").await.unwrap(),
        1.0
    );

    // Frames of a socket the owner does not hold: it tells the relay to close it.
    relay.send(&owner, Msg::Frame { route: 1, conn: 11 }, &[marker("x")]);
    expect_kill(&mut relay, 11).await;

    // The relay node goes silent (it sends no beats): the owner drops its
    // socket, and tells it to close that socket in case it is still there.
    expect_kill(&mut relay, 10).await;
    assert_eq!(
        a.api().metric("tafel_relayed_in_sockets").await.unwrap(),
        0.0
    );
    // The owner's own client was never disturbed.
    add_sticky(&mut on_a, "two", "after the relay went").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_whose_lease_changed_hands_meanwhile_closes_the_room_and_loads_it_again() {
    let mut cluster = TestCluster::engines().await;
    let a = cluster.node("a").await;
    let board = a.api().create_board("Lease", "").await.unwrap();
    let url = a.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let mut client = SyncClient::connect(&url).await.unwrap();
    add_sticky(&mut client, "one", "before").await;
    let holder = lease_holder(&cluster.postgres.url, &board.id).await;

    // While a was not looking, another node took the lease (after it ran
    // out), served the board and released it: the row is free, but what a
    // holds in memory may be stale. Renewing would keep serving it.
    set_lease(&cluster.postgres.url, &board.id, 0, "other~1").await;
    client.pump_until(|c| c.closed.is_some()).await.unwrap();
    assert_eq!(
        client.closed.as_ref().and_then(|e| e.close_code()),
        Some(CloseCode::GoingAway)
    );

    // a serves the board again, from the store, as its owner once more.
    let doc = client.doc.clone();
    let mut back = connect_retrying(&url, doc).await;
    add_sticky(&mut back, "two", "after").await;
    let mut fresh = SyncClient::connect(&url).await.unwrap();
    fresh
        .pump_until(|c| has(c, "one") && has(c, "two"))
        .await
        .unwrap();
    assert_eq!(
        lease_holder(&cluster.postgres.url, &board.id).await,
        holder,
        "a holds the lease again"
    );
}
