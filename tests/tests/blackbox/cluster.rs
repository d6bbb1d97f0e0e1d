//! Cluster mode with three nodes on loopback, as child processes, on a real
//! PostgreSQL and a real Redis started for each test: clients of one board
//! spread over the nodes converge (with offline edits and a node started
//! late), roles hold whichever node a client is on, and `kill -9` of the node
//! that owns the board loses nothing any client saw.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use crate::common::{add_sticky, assert_none_lost, element_ids as ids, has};
use std::collections::BTreeSet;
use std::time::Duration;
use tafel_server::test_engines::{TempPostgres, TempRedis};
use tafel_shared::geometry::Rect;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::{sticky, DataDir, ServerProcess, SyncClient};
use yrs::{Map, Transact};

/// The engines and the nodes of one test cluster.
pub(crate) struct TestCluster {
    pub(crate) postgres: TempPostgres,
    pub(crate) redis: TempRedis,
    dirs: Vec<DataDir>,
}

impl TestCluster {
    pub(crate) async fn engines() -> Self {
        let (postgres, redis) =
            tokio::task::spawn_blocking(|| (TempPostgres::start(), TempRedis::start()))
                .await
                .unwrap();
        Self {
            postgres,
            redis,
            dirs: Vec::new(),
        }
    }

    /// Starts one more node, named `name`.
    pub(crate) async fn node(&mut self, name: &str) -> ServerProcess {
        self.node_with(name, &[]).await
    }

    /// Starts one more node, named `name`, with more flags.
    pub(crate) async fn node_with(&mut self, name: &str, flags: &[&str]) -> ServerProcess {
        let dir = DataDir::new().unwrap();
        let redis = self.redis.url();
        let mut args = vec![
            "--cluster",
            "--redis",
            &redis,
            "--postgres",
            &self.postgres.url,
            "--node",
            name,
        ];
        args.extend_from_slice(flags);
        let node = ServerProcess::start(dir.path(), &args).await.unwrap();
        self.dirs.push(dir);
        node
    }
}

/// Connects, retrying while the nodes hand the board over (a dead owner's
/// lease runs out within seconds; meanwhile joins are refused with 1001).
pub(crate) async fn connect_retrying(url: &str, doc: yrs::Doc) -> SyncClient {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match SyncClient::connect_with(url, doc.clone()).await {
            Ok(c) => return c,
            Err(e) => {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "no node served the board within 30 s: {e:#}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_of_one_board_on_three_nodes_converge_and_a_late_node_serves_it_all() {
    let mut cluster = TestCluster::engines().await;
    let nodes = [
        cluster.node("a").await,
        cluster.node("b").await,
        cluster.node("c").await,
    ];
    // A board made on one node opens with its links on every other.
    let board = nodes[1].api().create_board("Cluster", "").await.unwrap();
    let token = board.token(Role::Editor);
    let mut clients = Vec::new();
    for node in &nodes {
        clients.push(
            SyncClient::connect(&node.ws(&board.id, DocKind::Content, token))
                .await
                .unwrap(),
        );
    }
    for (i, c) in clients.iter_mut().enumerate() {
        add_sticky(c, &format!("from-{i}"), "hello").await;
    }
    for c in &mut clients {
        c.pump_until(|c| (0..3).all(|i| has(c, &format!("from-{i}"))))
            .await
            .unwrap();
    }
    // Presence crosses nodes too.
    clients[2]
        .set_presence(1, r#"{"name":"Cleo"}"#)
        .await
        .unwrap();
    clients[0]
        .pump_until(|c| c.awareness.iter().any(|a| a.state.contains("Cleo")))
        .await
        .unwrap();

    // One client goes offline, edits, and comes back through another node.
    let offline = clients.pop().unwrap().disconnect().await;
    {
        let elements = schema::elements(&offline);
        let mut txn = offline.transact_mut();
        sticky(
            "offline",
            Rect::new(0.0, 0.0, 100.0, 100.0),
            "m",
            "offline",
            "t",
        )
        .insert(&mut txn, &elements);
    }
    add_sticky(&mut clients[1], "while-away", "meanwhile").await;
    let back = SyncClient::connect_with(&nodes[0].ws(&board.id, DocKind::Content, token), offline)
        .await
        .unwrap();
    let all: BTreeSet<String> = ["from-0", "from-1", "from-2", "offline", "while-away"]
        .map(str::to_owned)
        .into();
    clients.push(back);
    for c in &mut clients {
        c.pump_until(|c| ids(c) == all).await.unwrap();
    }

    // A node started now serves the whole board.
    let late = cluster.node("d").await;
    let fresh = SyncClient::connect(&late.ws(&board.id, DocKind::Content, token))
        .await
        .unwrap();
    assert_eq!(ids(&fresh), all);
}

/// The seeded scenarios of a single server (random edits, reads at random
/// moments, peers going offline and coming back through the next node), with
/// four peers spread over three nodes: all replicas, and a fresh client on
/// every node, end with the same board.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_scenarios_over_three_nodes_converge() {
    let mut cluster = TestCluster::engines().await;
    let nodes = [
        cluster.node("a").await,
        cluster.node("b").await,
        cluster.node("c").await,
    ];
    for seed in 1..=3 {
        let board = nodes[seed as usize % 3]
            .api()
            .create_board("Fuzz", "retrospective")
            .await
            .unwrap();
        let urls: Vec<String> = nodes
            .iter()
            .map(|n| n.ws(&board.id, DocKind::Content, board.token(Role::Editor)))
            .collect();
        crate::convergence::run_seeded(&urls, seed).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_on_one_node_cannot_write_to_a_board_a_facilitator_edits_on_another() {
    let mut cluster = TestCluster::engines().await;
    let a = cluster.node("a").await;
    let b = cluster.node("b").await;
    let board = a.api().create_board("Roles", "").await.unwrap();
    let mut facilitator =
        SyncClient::connect(&a.ws(&board.id, DocKind::Content, board.token(Role::Facilitator)))
            .await
            .unwrap();
    add_sticky(&mut facilitator, "agenda", "by the facilitator").await;
    // A modified client with a viewer's link, on the other node.
    let mut viewer =
        SyncClient::connect(&b.ws(&board.id, DocKind::Content, board.token(Role::Viewer)))
            .await
            .unwrap();
    viewer.pump_until(|c| has(c, "agenda")).await.unwrap();
    // Each node's metrics say what it does: a owns the board and serves b's socket.
    let metrics = |node: &ServerProcess| {
        let url = format!("{}/metrics", node.http());
        async move { reqwest::get(url).await.unwrap().text().await.unwrap() }
    };
    let (on_a, on_b) = (metrics(&a).await, metrics(&b).await);
    let value = tafel_tests::server::metric_value;
    assert_eq!(value(&on_a, "tafel_owned_documents"), Some(1.0));
    assert_eq!(value(&on_a, "tafel_relayed_in_sockets"), Some(1.0));
    assert_eq!(value(&on_b, "tafel_owned_documents"), Some(0.0));
    add_sticky(&mut viewer, "graffiti", "a viewer's write").await;
    viewer.pump_until(|c| !c.denials.is_empty()).await.unwrap();
    assert!(viewer.denials[0].contains("viewer"), "{:?}", viewer.denials);
    // In order: once the facilitator has its own later note back from a
    // third client, the refused one would have come before it.
    add_sticky(&mut facilitator, "later", "barrier").await;
    let mut witness =
        SyncClient::connect(&b.ws(&board.id, DocKind::Content, board.token(Role::Editor)))
            .await
            .unwrap();
    witness.pump_until(|c| has(c, "later")).await.unwrap();
    facilitator
        .pump_for(Duration::from_millis(300))
        .await
        .unwrap();
    assert!(!has(&witness, "graffiti") && !has(&facilitator, "graffiti"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_the_owner_loses_nothing_any_client_saw_and_its_clients_come_back() {
    let mut cluster = TestCluster::engines().await;
    let owner = cluster.node("owner").await;
    let b = cluster.node("b").await;
    let c = cluster.node("c").await;
    let board = owner.api().create_board("Failover", "").await.unwrap();
    let token = board.token(Role::Editor).to_owned();
    // The first socket makes its node the board's owner.
    let mut on_owner = SyncClient::connect(&owner.ws(&board.id, DocKind::Content, &token))
        .await
        .unwrap();
    add_sticky(&mut on_owner, "first", "before the writers").await;

    // Writers on the other two nodes, relayed to the owner, write as fast as
    // they can; each also reads what the others wrote.
    let mut writers = Vec::new();
    for (w, node) in [&b, &c, &b, &c].into_iter().enumerate() {
        let url = node.ws(&board.id, DocKind::Content, &token);
        writers.push(tokio::spawn(async move {
            let mut client = SyncClient::connect(&url).await.unwrap();
            for i in 0..300 {
                let id = format!("w{w}-{i}");
                let elements = schema::elements(&client.doc);
                let note = sticky(&id, Rect::new(0.0, 0.0, 100.0, 100.0), "m", &id, "t");
                if client
                    .edit(|txn| {
                        note.insert(txn, &elements);
                    })
                    .await
                    .is_err()
                    || client.pump_for(Duration::from_millis(3)).await.is_err()
                    || client.closed.is_some()
                {
                    break;
                }
            }
            let _ = client.pump_for(Duration::from_secs(5)).await;
            (w, ids(&client), client.closed.clone())
        }));
    }
    let mut reader = SyncClient::connect(&b.ws(&board.id, DocKind::Content, &token))
        .await
        .unwrap();
    reader.pump_until(|c| ids(c).len() >= 100).await.unwrap();
    owner.kill9().await.unwrap();
    // The relayed sockets are told to reconnect.
    let _ = reader.pump_for(Duration::from_secs(6)).await;
    assert_eq!(
        reader.closed.as_ref().and_then(|e| e.close_code()),
        Some(tafel_shared::protocol::CloseCode::GoingAway),
        "{:?}",
        reader.closed
    );

    let mut seen = ids(&reader);
    for w in writers {
        let (w, got, _) = w.await.unwrap();
        seen.extend(
            got.into_iter()
                .filter(|id| !id.starts_with(&format!("w{w}-"))),
        );
    }
    assert!(seen.len() >= 100);

    // Back through a surviving node, which takes the board over once the dead
    // owner's lease has run out.
    let back = connect_retrying(&c.ws(&board.id, DocKind::Content, &token), yrs::Doc::new()).await;
    let stored = ids(&back);
    assert_none_lost(&seen, &stored);
    // And the board goes on: a client on the other survivor sees new edits.
    let mut other =
        connect_retrying(&b.ws(&board.id, DocKind::Content, &token), yrs::Doc::new()).await;
    let mut back = back;
    add_sticky(&mut back, "after", "after the failover").await;
    other.pump_until(|c| has(c, "after")).await.unwrap();
}

/// What `/readyz` of a node says, with its status.
async fn readiness(node: &ServerProcess) -> (u16, serde_json::Value) {
    let resp = reqwest::get(format!("{}/readyz", node.http()))
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_a_node_and_another_takes_its_boards_over_at_once() {
    let mut cluster = TestCluster::engines().await;
    let a = cluster.node("a").await;
    let b = cluster.node("b").await;
    let (status, body) = readiness(&a).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["redis"].as_str(), body["node"].as_str()),
        (Some("ok"), Some("a"))
    );

    let board = a.api().create_board("Drain", "").await.unwrap();
    let url_b = b.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let mut on_a =
        SyncClient::connect(&a.ws(&board.id, DocKind::Content, board.token(Role::Editor)))
            .await
            .unwrap();
    add_sticky(&mut on_a, "one", "on the owner").await;
    let mut on_b = SyncClient::connect(&url_b).await.unwrap();
    add_sticky(&mut on_b, "two", "relayed").await;
    on_a.pump_until(|c| has(c, "two")).await.unwrap();

    let exit = a.terminate().await.unwrap();
    assert!(exit.success(), "{exit:?}");
    on_b.pump_until(|c| c.closed.is_some()).await.unwrap();
    assert_eq!(
        on_b.closed.as_ref().and_then(|e| e.close_code()),
        Some(tafel_shared::protocol::CloseCode::GoingAway)
    );
    // The drained node gave its lease up: the first reconnect is served,
    // without waiting for the lease to run out.
    let back = SyncClient::connect(&url_b).await.unwrap();
    assert!(has(&back, "one") && has(&back, "two"));
}

/// With `--drain-secs`, SIGTERM first only turns `/readyz` to 503, so that a
/// load balancer stops sending clients: the node still serves its sockets,
/// relayed ones included, until the grace is over, and then drains as
/// without it (1001, exit 0).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drain_grace_keeps_serving_while_readiness_says_go_elsewhere() {
    let mut cluster = TestCluster::engines().await;
    let mut a = cluster.node_with("a", &["--drain-secs", "5"]).await;
    let b = cluster.node("b").await;
    let board = a.api().create_board("Grace", "").await.unwrap();
    let token = board.token(Role::Editor).to_owned();
    let mut on_a = SyncClient::connect(&a.ws(&board.id, DocKind::Content, &token))
        .await
        .unwrap();
    let mut on_b = SyncClient::connect(&b.ws(&board.id, DocKind::Content, &token))
        .await
        .unwrap();
    a.sigterm().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    let body = loop {
        let (status, body) = readiness(&a).await;
        if status == 503 {
            break body;
        }
        assert!(tokio::time::Instant::now() < deadline, "{body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(body["draining"], serde_json::json!(true), "{body}");
    // Still served both ways, through the owner and through the relay.
    add_sticky(&mut on_a, "during", "the grace").await;
    on_b.pump_until(|c| has(c, "during")).await.unwrap();
    add_sticky(&mut on_b, "relayed", "during the grace").await;
    on_a.pump_until(|c| has(c, "relayed")).await.unwrap();
    assert!(on_a.closed.is_none() && on_b.closed.is_none());
    // Then the drain: 1001 and a clean exit.
    on_a.pump_until(|c| c.closed.is_some()).await.unwrap();
    assert_eq!(
        on_a.closed.as_ref().and_then(|e| e.close_code()),
        Some(tafel_shared::protocol::CloseCode::GoingAway)
    );
    let exit = a.exits_within(Duration::from_secs(30)).await.unwrap();
    assert!(exit.success(), "{exit:?}");
}

/// Writes `count` notes named `{prefix}-{i}` through `url`, reconnecting
/// with its replica whenever the socket is closed (so nothing it wrote is
/// dropped); returns the replica.
async fn write_through_restarts(url: String, prefix: &'static str, count: usize) -> yrs::Doc {
    let mut client = connect_retrying(&url, yrs::Doc::new()).await;
    for i in 0..count {
        let id = format!("{prefix}-{i}");
        let elements = schema::elements(&client.doc);
        let note = sticky(&id, Rect::new(0.0, 0.0, 100.0, 100.0), "m", &id, "t");
        let sent = client
            .edit(|txn| {
                note.insert(txn, &elements);
            })
            .await;
        let pumped = client.pump_for(Duration::from_millis(20)).await;
        if sent.is_err() || pumped.is_err() || client.closed.is_some() {
            let doc = client.doc.clone();
            client = connect_retrying(&url, doc).await;
        }
    }
    client.doc.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarting_redis_and_postgres_under_load_loses_nothing_confirmed() {
    let mut cluster = TestCluster::engines().await;
    let a = cluster.node("a").await;
    let b = cluster.node("b").await;
    let board = a.api().create_board("Engines", "").await.unwrap();
    let token = board.token(Role::Editor).to_owned();
    let mut on_a = SyncClient::connect(&a.ws(&board.id, DocKind::Content, &token))
        .await
        .unwrap();
    add_sticky(&mut on_a, "owner", "makes a the owner").await;
    // A writer relayed through b, and one on the owner.
    let relayed = tokio::spawn(write_through_restarts(
        b.ws(&board.id, DocKind::Content, &token),
        "relayed",
        150,
    ));
    let direct = tokio::spawn(write_through_restarts(
        a.ws(&board.id, DocKind::Content, &token),
        "direct",
        150,
    ));
    on_a.pump_until(|c| ids(c).len() >= 30).await.unwrap();

    tokio::task::block_in_place(|| cluster.redis.crash());
    let (status, body) = readiness(&b).await;
    assert_eq!(
        (status, body["redis"].as_str()),
        (503, Some("unreachable")),
        "{body}"
    );
    tokio::task::block_in_place(|| cluster.redis.restart());
    on_a.pump_for(Duration::from_millis(500)).await.unwrap();
    tokio::task::block_in_place(|| cluster.postgres.restart());

    let relayed = relayed.await.unwrap();
    let direct = direct.await.unwrap();
    let _ = on_a.pump_for(Duration::from_millis(200)).await;
    // Everything a client saw (the reader, and each writer's replica, which
    // holds what it wrote and what it was sent) is on the board.
    let mut expected = ids(&on_a);
    for doc in [relayed, direct] {
        let elements = schema::elements(&doc);
        let txn = doc.transact();
        expected.extend(elements.keys(&txn).map(str::to_owned));
    }
    assert!(expected.len() >= 301, "{}", expected.len());
    let fresh = connect_retrying(&b.ws(&board.id, DocKind::Content, &token), yrs::Doc::new()).await;
    let stored = ids(&fresh);
    assert_none_lost(&expected, &stored);
    let (status, body) = readiness(&b).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewing_a_link_or_deleting_a_board_on_one_node_closes_its_sockets_on_every_node() {
    use reqwest::Method;
    use tafel_shared::protocol::CloseCode;
    let mut cluster = TestCluster::engines().await;
    let a = cluster.node("a").await;
    let b = cluster.node("b").await;
    let c = cluster.node("c").await;
    let board = a.api().create_board("Shared", "").await.unwrap();
    let (editor, facilitator) = (board.token(Role::Editor), board.token(Role::Facilitator));
    // b owns the board; c relays to it; the link is renewed and the board
    // deleted through a, which holds neither.
    let mut on_owner = SyncClient::connect(&b.ws(&board.id, DocKind::Content, editor))
        .await
        .unwrap();
    let mut relayed = SyncClient::connect(&c.ws(&board.id, DocKind::Content, editor))
        .await
        .unwrap();
    let mut viewer =
        SyncClient::connect(&c.ws(&board.id, DocKind::Content, board.token(Role::Viewer)))
            .await
            .unwrap();
    let (status, _) = a
        .api()
        .call(
            Method::POST,
            &format!("/api/boards/{}/tokens/editor?token={facilitator}", board.id),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    for client in [&mut on_owner, &mut relayed] {
        client.pump_until(|c| c.closed.is_some()).await.unwrap();
        assert_eq!(
            client.closed.as_ref().and_then(|e| e.close_code()),
            Some(CloseCode::TokenRevoked)
        );
    }
    assert!(viewer.closed.is_none());

    let (status, _) = a
        .api()
        .call(
            Method::DELETE,
            &format!("/api/boards/{}?token={facilitator}", board.id),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 204);
    viewer.pump_until(|c| c.closed.is_some()).await.unwrap();
    assert_eq!(
        viewer.closed.as_ref().and_then(|e| e.close_code()),
        Some(CloseCode::BoardDeleted)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ballots_and_private_notes_stay_secret_and_allowances_hold_whichever_node_each_socket_is_on(
) {
    use crate::common::refused;
    use tafel_shared::action::{Action, RefusalCode};
    use tafel_shared::protocol::MSG_SYNC;
    use tafel_shared::workshop::RoundSettings;
    use tafel_tests::server::ws_url_as;
    let mut cluster = TestCluster::engines().await;
    let nodes = [
        cluster.node("a").await,
        cluster.node("b").await,
        cluster.node("c").await,
    ];
    let board = nodes[0].api().create_board("Vote", "").await.unwrap();
    // Identities issued by one node hold on every other.
    let coach_id = nodes[1].api().participant().await.unwrap();
    let ben_id = nodes[2].api().participant().await.unwrap();
    let ada_id = nodes[0].api().participant().await.unwrap();
    let join = |node: usize, role: Role, me: &str| {
        let url = ws_url_as(
            &nodes[node].addr,
            &board.id,
            DocKind::Content,
            board.token(role),
            me,
        );
        async move {
            let mut c = SyncClient::connect(&url).await.unwrap();
            c.pump_until(|c| c.own_view.is_some()).await.unwrap();
            c
        }
    };
    let mut coach = join(0, Role::Facilitator, &coach_id).await;
    add_sticky(&mut coach, "idea-a", "Kundenportal").await;
    add_sticky(&mut coach, "idea-b", "Newsletter").await;
    let mut ben = join(1, Role::Editor, &ben_id).await;
    let mut ben_phone = join(2, Role::Editor, &ben_id).await;
    let mut ada = join(2, Role::Editor, &ada_id).await;
    for c in [&mut ben, &mut ben_phone, &mut ada] {
        c.pump_until(|c| has(c, "idea-b")).await.unwrap();
    }
    let started = coach
        .act(Action::StartRound {
            settings: RoundSettings::new("Was bauen wir zuerst?", 1),
        })
        .await
        .unwrap();
    assert_eq!(refused(&started), None);
    let round = coach.board_view.clone().unwrap().open_round().unwrap().id;
    let vote = |element: &str| Action::Vote {
        round,
        element: element.into(),
    };
    // Ben's one vote is his, on whichever node his sockets are.
    assert_eq!(refused(&ben.act(vote("idea-b")).await.unwrap()), None);
    assert_eq!(
        refused(&ben_phone.act(vote("idea-a")).await.unwrap()),
        Some(RefusalCode::LimitReached)
    );
    assert_eq!(refused(&ada.act(vote("idea-a")).await.unwrap()), None);
    for c in [&mut coach, &mut ada] {
        c.pump_for(Duration::from_millis(300)).await.unwrap();
        // Nobody else learns where Ben voted: "idea-b" is in no frame but
        // the document's own.
        assert!(
            !c.received()
                .iter()
                .filter(|f| f.first() != Some(&(MSG_SYNC as u8)))
                .any(|f| f.windows(6).any(|w| w == b"idea-b")),
            "a frame named Ben's choice"
        );
        assert_eq!(
            c.board_view.clone().unwrap().open_round().unwrap().voters,
            2
        );
    }

    // Private notes too: Ben's, written through node b, reach his other
    // socket (node c) and no byte to anyone else, on any node.
    assert_eq!(
        refused(&coach.act(Action::StartPrivate).await.unwrap()),
        None
    );
    let note = Action::PrivateNote {
        element: Box::new(sticky(
            "ben-private",
            Rect::new(0.0, 0.0, 160.0, 160.0),
            "n",
            "geheim-4711",
            "",
        )),
    };
    assert_eq!(refused(&ben.act(note).await.unwrap()), None);
    ben_phone
        .pump_until(|c| {
            c.own_view
                .as_ref()
                .is_some_and(|o| o.notes.iter().any(|n| n.text() == "geheim-4711"))
        })
        .await
        .unwrap();
    for c in [&mut coach, &mut ada] {
        c.pump_for(Duration::from_millis(300)).await.unwrap();
        assert!(
            !c.received()
                .iter()
                .any(|f| f.windows(11).any(|w| w == b"geheim-4711")),
            "a frame to someone else held Ben's private note"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_restarted_under_its_name_is_a_new_node_to_the_others() {
    let mut cluster = TestCluster::engines().await;
    let a = cluster.node("a").await;
    let b = cluster.node("b").await;
    let board = a.api().create_board("Restart", "").await.unwrap();
    let token = board.token(Role::Editor).to_owned();
    let mut on_a = SyncClient::connect(&a.ws(&board.id, DocKind::Content, &token))
        .await
        .unwrap();
    add_sticky(&mut on_a, "before", "on the first a").await;
    let mut relayed = SyncClient::connect(&b.ws(&board.id, DocKind::Content, &token))
        .await
        .unwrap();
    relayed.pump_until(|c| has(c, "before")).await.unwrap();
    a.kill9().await.unwrap();
    let a = cluster.node("a").await;
    // The new a talks with b at once (b owns another board, relayed from a),
    // so b hears "a" again; the sockets b relayed to the old a must still
    // close rather than send into the void.
    let other = a.api().create_board("Other", "").await.unwrap();
    let other_token = other.token(Role::Editor);
    let _owner = SyncClient::connect(&b.ws(&other.id, DocKind::Content, other_token))
        .await
        .unwrap();
    let _through_a = SyncClient::connect(&a.ws(&other.id, DocKind::Content, other_token))
        .await
        .unwrap();
    add_sticky(&mut relayed, "after", "written after the restart").await;
    relayed.pump_until(|c| c.closed.is_some()).await.unwrap();
    // Its client comes back with its replica, and the note reaches the board.
    let doc = relayed.doc.clone();
    let _back = connect_retrying(&b.ws(&board.id, DocKind::Content, &token), doc).await;
    let mut fresh =
        connect_retrying(&a.ws(&board.id, DocKind::Content, &token), yrs::Doc::new()).await;
    fresh
        .pump_until(|c| has(c, "before") && has(c, "after"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_element_resists_an_editor_on_another_node() {
    use tafel_shared::edit;
    let mut cluster = TestCluster::engines().await;
    let a = cluster.node("a").await;
    let b = cluster.node("b").await;
    // The template's frames start in the locked layer.
    let board = a.api().create_board("SWOT", "swot").await.unwrap();
    let mut coach =
        SyncClient::connect(&a.ws(&board.id, DocKind::Locked, board.token(Role::Facilitator)))
            .await
            .unwrap();
    assert!(has(&coach, "frame-0"));
    let before = crate::common::elements_json(&coach);
    // An editor's modified client on node b moves the frame anyway.
    let mut editor =
        SyncClient::connect(&b.ws(&board.id, DocKind::Locked, board.token(Role::Editor)))
            .await
            .unwrap();
    let layer = schema::elements(&editor.doc);
    editor
        .edit(|txn| edit::set_rect(txn, &layer, "frame-0", Rect::new(900.0, 900.0, 10.0, 10.0)))
        .await
        .unwrap();
    editor.pump_until(|c| !c.denials.is_empty()).await.unwrap();
    // Nobody got the move: a later change by the facilitator arrives at a
    // fresh reader on node b with the frame where it was.
    let coach_layer = schema::elements(&coach.doc);
    coach
        .edit(|txn| edit::set_str(txn, &coach_layer, "frame-1", schema::F_COLOR, "#123456"))
        .await
        .unwrap();
    let mut reader =
        SyncClient::connect(&b.ws(&board.id, DocKind::Locked, board.token(Role::Viewer)))
            .await
            .unwrap();
    reader
        .pump_until(|c| crate::common::elements_json(c).contains("#123456"))
        .await
        .unwrap();
    coach.pump_for(Duration::from_millis(300)).await.unwrap();
    let frame = |c: &SyncClient| {
        let json: serde_json::Value =
            serde_json::from_str(&crate::common::elements_json(c)).unwrap();
        json["frame-0"].clone()
    };
    let unchanged: serde_json::Value = serde_json::from_str(&before).unwrap();
    assert_eq!(frame(&reader), unchanged["frame-0"]);
    assert_eq!(frame(&coach), unchanged["frame-0"]);
}

/// A facilitator restores a version in place through a node that does not
/// own the board: the owner applies it, and the answer comes only once it is
/// durable there. `kill -9` of the owner right after the answer loses none
/// of it: the next node loads the restored board.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_restored_through_another_node_is_durable_when_the_answer_comes() {
    let mut cluster = TestCluster::engines().await;
    let a = cluster.node("a").await;
    let b = cluster.node("b").await;
    let board = a.api().create_board("Restore", "").await.unwrap();
    let token = board.token(Role::Editor).to_owned();
    let f = board.token(Role::Facilitator).to_owned();
    let mut on_a = SyncClient::connect(&a.ws(&board.id, DocKind::Content, &token))
        .await
        .unwrap();
    // What a second client has seen is stored (durable before visible).
    let mut witness = SyncClient::connect(&a.ws(&board.id, DocKind::Content, &token))
        .await
        .unwrap();
    add_sticky(&mut on_a, "kept", "in the version").await;
    witness.pump_until(|c| has(c, "kept")).await.unwrap();
    let history = format!("/api/boards/{}/history", board.id);
    let (status, body) = b
        .api()
        .call(
            reqwest::Method::POST,
            &format!("{history}?token={f}"),
            Some(serde_json::json!({"name": "Tag 1"})),
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "{body}");
    let at_ms = body["at_ms"].as_u64().unwrap();
    let notes = schema::elements(&on_a.doc);
    on_a.edit(|txn| {
        notes.remove(txn, "kept");
    })
    .await
    .unwrap();
    add_sticky(&mut on_a, "later", "after the version").await;
    witness
        .pump_until(|c| has(c, "later") && !has(c, "kept"))
        .await
        .unwrap();

    let (status, body) = b
        .api()
        .call(
            reqwest::Method::POST,
            &format!("{history}/{at_ms}/restore?token={f}"),
            Some(serde_json::json!({"mode": "in-place"})),
        )
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    a.kill9().await.unwrap();
    let after = connect_retrying(&b.ws(&board.id, DocKind::Content, &token), yrs::Doc::new()).await;
    assert!(
        has(&after, "kept") && !has(&after, "later"),
        "{:?}",
        ids(&after)
    );
}

/// Compaction (folding a document's log into its snapshot) is the owner's
/// work: when the owner is killed, the node that takes the board over
/// compacts it from then on, and what the dead owner logged is folded in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_the_owner_hands_compaction_to_the_next_owner() {
    let mut cluster = TestCluster::engines().await;
    let compact = ["--compact-after-updates", "10"];
    let a = cluster.node_with("a", &compact).await;
    let b = cluster.node_with("b", &compact).await;
    let board = a.api().create_board("Compaction", "").await.unwrap();
    let token = board.token(Role::Editor).to_owned();
    let mut on_a = SyncClient::connect(&a.ws(&board.id, DocKind::Content, &token))
        .await
        .unwrap();
    for i in 0..6 {
        add_sticky(&mut on_a, &format!("a-{i}"), "before").await;
    }
    // Seen by another client: stored (durable before visible).
    let mut witness = SyncClient::connect(&a.ws(&board.id, DocKind::Content, &token))
        .await
        .unwrap();
    witness
        .pump_until(|c| (0..6).all(|i| has(c, &format!("a-{i}"))))
        .await
        .unwrap();
    let log = format!("doc/{}/content/log/", board.id);
    let logged = |postgres: String, prefix: String| async move {
        tokio::task::spawn_blocking(move || {
            use tafel_server::store::Store;
            let store = tafel_server::store_pg::PgStore::connect(&postgres).unwrap();
            store.scan_keys(prefix.as_bytes()).unwrap().len()
        })
        .await
        .unwrap()
    };
    let before = logged(cluster.postgres.url.clone(), log.clone()).await;
    assert!(
        before >= 6,
        "six updates logged, not yet compacted: {before}"
    );
    a.kill9().await.unwrap();

    let url_b = b.ws(&board.id, DocKind::Content, &token);
    let mut on_b = connect_retrying(&url_b, on_a.doc.clone()).await;
    // A fold runs beside the room and is counted at the room's next write,
    // which may start the next: b writes on until its log is short again.
    let mut written = 0;
    loop {
        add_sticky(&mut on_b, &format!("b-{written}"), "after").await;
        written += 1;
        let left = logged(cluster.postgres.url.clone(), log.clone()).await;
        if written >= 30 && left < 10 {
            break;
        }
        assert!(
            written < 300,
            "b did not compact: {left} updates left in the log after {} written",
            before + written
        );
    }
    let mut fresh = SyncClient::connect(&url_b).await.unwrap();
    fresh
        .pump_until(|c| {
            let all = ids(c);
            (0..6).all(|i| all.contains(&format!("a-{i}")))
                && (0..written).all(|i| all.contains(&format!("b-{i}")))
        })
        .await
        .unwrap();
}
