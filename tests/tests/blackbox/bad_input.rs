//! Bad input from the network gets a documented refusal, and the room keeps serving
//! every other client with its data intact.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use crate::common::{add_sticky, elements_json, has};
use std::sync::Arc;
use tafel_server::store::MemoryStore;
use tafel_shared::protocol::{AwarenessEntry, AwarenessUpdate, CloseCode, Message, SyncMessage};
use tafel_shared::roles::{DocKind, Role};
use tafel_tests::{Event, RawClient, SyncClient, TestServer};

/// One bad thing a client can send, and the close code it must get.
enum Bad {
    Text,
    Bytes(Vec<u8>),
    Burst(usize),
    /// The same frame, this many times.
    Repeat(Vec<u8>, usize),
}

async fn healthy_room_survives(srv: &TestServer, bad: Bad, want: CloseCode, case: &str) {
    let board = srv.api().create_board(case, "swot").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let mut a = SyncClient::connect(&url).await.unwrap();
    let mut b = SyncClient::connect(&url).await.unwrap();
    add_sticky(&mut a, "before", "kept").await;
    b.pump_until(|c| has(c, "before")).await.unwrap();

    let mut attacker = RawClient::connect(&url).await.unwrap();
    match bad {
        Bad::Text => attacker.send_text("hello").await.unwrap(),
        Bad::Bytes(bytes) => attacker.send_raw(bytes).await.unwrap(),
        Bad::Burst(n) => {
            for _ in 0..n {
                if attacker.send(&Message::QueryAwareness).await.is_err() {
                    break;
                }
            }
        }
        Bad::Repeat(bytes, n) => {
            for _ in 0..n {
                if attacker.send_raw(bytes.clone()).await.is_err() {
                    break;
                }
            }
        }
    }
    let closed = attacker.expect_close().await.unwrap();
    assert_eq!(closed.close_code(), Some(want), "{case}: {closed:?}");

    add_sticky(&mut b, "after", "still syncing").await;
    a.pump_until(|c| has(c, "after")).await.unwrap();
    assert_eq!(elements_json(&a), elements_json(&b), "{case}");
    let fresh = SyncClient::connect(&url).await.unwrap();
    assert!(
        has(&fresh, "before") && has(&fresh, "after"),
        "{case}: data lost"
    );
}

fn update(bytes: Vec<u8>) -> Vec<u8> {
    Message::Sync(SyncMessage::Update(bytes)).encode()
}

#[tokio::test]
async fn each_bad_frame_is_refused_and_the_room_keeps_serving() {
    let srv = TestServer::start_with(|c| {
        c.max_frame_bytes = 64 << 10;
        c.max_update_bytes = 16 << 10;
        c.max_awareness_bytes = 1 << 10;
    })
    .await
    .unwrap();
    let cases: Vec<(&str, Bad, CloseCode)> = vec![
        ("text frame", Bad::Text, CloseCode::UnsupportedData),
        (
            "garbage",
            Bad::Bytes(vec![0xff, 0xff, 0xff]),
            CloseCode::BadMessage,
        ),
        ("empty frame", Bad::Bytes(vec![]), CloseCode::BadMessage),
        (
            "truncated varint",
            Bad::Bytes(vec![0x80]),
            CloseCode::BadMessage,
        ),
        (
            "unknown message type",
            Bad::Bytes(vec![42, 0]),
            CloseCode::BadMessage,
        ),
        (
            "unknown sync step",
            Bad::Bytes(vec![0, 9, 0]),
            CloseCode::BadMessage,
        ),
        (
            "truncated payload",
            Bad::Bytes(vec![0, 2, 100, 1, 2]),
            CloseCode::BadMessage,
        ),
        (
            "update that does not decode",
            Bad::Bytes(update(vec![5, 200, 1, 7, 7, 7])),
            CloseCode::BadMessage,
        ),
        (
            "bad state vector",
            Bad::Bytes(Message::Sync(SyncMessage::Step1(vec![3, 1])).encode()),
            CloseCode::BadMessage,
        ),
        (
            "oversized frame",
            Bad::Bytes(vec![0; 80 << 10]),
            CloseCode::TooLarge,
        ),
        (
            "far oversized frame",
            Bad::Bytes(vec![0; 1 << 20]),
            CloseCode::TooLarge,
        ),
        (
            "oversized update",
            Bad::Bytes(update(vec![0; 20 << 10])),
            CloseCode::TooLarge,
        ),
        (
            "awareness that is not JSON",
            Bad::Bytes(
                Message::Awareness(AwarenessUpdate {
                    entries: vec![AwarenessEntry {
                        client_id: 1,
                        clock: 1,
                        state: "{oops".into(),
                    }],
                })
                .encode(),
            ),
            CloseCode::BadMessage,
        ),
        (
            "oversized awareness",
            Bad::Bytes(
                Message::Awareness(AwarenessUpdate {
                    entries: vec![AwarenessEntry {
                        client_id: 1,
                        clock: 1,
                        state: format!("\"{}\"", "x".repeat(2000)),
                    }],
                })
                .encode(),
            ),
            CloseCode::TooLarge,
        ),
        (
            "forged awareness count",
            Bad::Bytes(vec![1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]),
            CloseCode::BadMessage,
        ),
        (
            "trailing bytes",
            Bad::Bytes(vec![3, 0, 0]),
            CloseCode::BadMessage,
        ),
        (
            // Each asks the room to encode the whole document.
            "a flood of step 1 requests",
            Bad::Repeat(Message::Sync(SyncMessage::Step1(vec![0])).encode(), 50),
            CloseCode::RateLimited,
        ),
    ];
    for (case, bad, want) in cases {
        healthy_room_survives(&srv, bad, want, case).await;
    }
    let refused = srv
        .api()
        .metric("tafel_refused_total{reason=\"bad message\"}")
        .await
        .unwrap();
    assert!(refused >= 1.0, "bad messages counted: {refused}");
}

#[tokio::test]
async fn flooding_a_socket_is_rate_limited() {
    let srv = TestServer::start_with(|c| {
        c.max_messages_per_sec = 20;
        c.message_burst = 10;
    })
    .await
    .unwrap();
    healthy_room_survives(&srv, Bad::Burst(200), CloseCode::RateLimited, "flood").await;
}

#[tokio::test]
async fn a_document_past_its_size_limit_refuses_growth_and_keeps_its_data() {
    let srv = TestServer::start_with(|c| c.max_doc_bytes = 8 << 10)
        .await
        .unwrap();
    let board = srv.api().create_board("", "").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let mut a = SyncClient::connect(&url).await.unwrap();
    add_sticky(&mut a, "small", "fits").await;
    let mut big = SyncClient::connect(&url).await.unwrap();
    add_sticky(&mut big, "huge", &"x".repeat(10 << 10)).await;
    big.pump_until(|c| c.closed.is_some()).await.unwrap();
    assert_eq!(
        big.closed.unwrap().close_code(),
        Some(CloseCode::DocumentTooLarge)
    );
    let fresh = SyncClient::connect(&url).await.unwrap();
    assert!(has(&fresh, "small") && !has(&fresh, "huge"));
}

/// A server for tests that move tens of megabytes, with a board, its editor
/// link and a writer on it. In memory: sled would spend long seconds cleaning
/// up afterwards. No compaction either: re-encoding a 30 MB document several
/// times (in a debug build, on a busy machine) can stall the room for longer
/// than the test's patience, and compaction is not what these test.
async fn heavy_traffic_board(
    tune: impl FnOnce(&mut tafel_server::config::ServeConfig),
) -> (TestServer, String, SyncClient) {
    let srv = TestServer::start_on(Arc::new(MemoryStore::default()), |c| {
        c.compact_after_bytes = 1 << 30;
        tune(c);
    })
    .await
    .unwrap();
    let board = srv.api().create_board("", "").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let writer = SyncClient::connect(&url).await.unwrap();
    (srv, url, writer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_does_not_read_is_disconnected_not_skipped() {
    let (srv, url, mut writer) = heavy_traffic_board(|c| c.send_queue_bytes = 4 << 20).await;
    // A reader that completes the handshake and then stops reading.
    let mut slow = RawClient::connect(&url).await.unwrap();
    slow.send(&Message::Sync(SyncMessage::Step1(vec![0])))
        .await
        .unwrap();
    // A reader that keeps up (it only counts what arrives). It counts updates,
    // so it first takes its first sync: on a busy machine the room may admit
    // it after the first notes, which then come in that sync.
    let mut healthy = RawClient::connect(&url).await.unwrap();
    healthy
        .send(&Message::Sync(SyncMessage::Step1(vec![0])))
        .await
        .unwrap();
    loop {
        if let Event::Msg(Message::Sync(SyncMessage::Step2(_))) = healthy.next().await.unwrap() {
            break;
        }
    }
    let (progress_tx, mut progress) = tokio::sync::watch::channel(0usize);
    let reader = tokio::spawn(async move {
        let mut updates = 0;
        while updates < 300 {
            match healthy.next().await? {
                Event::Msg(Message::Sync(SyncMessage::Update(_))) => {
                    updates += 1;
                    let _ = progress_tx.send(updates);
                }
                Event::Msg(_) => {}
                closed @ Event::Closed(..) => anyhow::bail!("closed: {closed:?}"),
            }
        }
        Ok(healthy)
    });
    // Enough data to fill the kernel's socket buffers, then the server's queue.
    // The writer stays a little ahead of the healthy reader (well under its queue
    // limit), so only the reader that stopped reading falls behind.
    for i in 0..300 {
        progress.wait_for(|read| read + 8 >= i).await.unwrap();
        add_sticky(&mut writer, &format!("n{i}"), &"y".repeat(100 << 10)).await;
    }
    let healthy = reader
        .await
        .unwrap()
        .expect("a reading client keeps up and stays connected");
    assert!(!healthy.is_closed());
    let closed = slow.expect_close().await.unwrap();
    assert_eq!(
        closed.close_code(),
        Some(CloseCode::SlowConsumer),
        "{closed:?}"
    );
    let slow = srv
        .api()
        .metric("tafel_refused_total{reason=\"client too slow\"}")
        .await
        .unwrap();
    assert!(slow >= 1.0, "slow clients counted: {slow}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_that_does_not_drain_is_dropped_after_the_write_deadline() {
    // The send queue is far larger than what is written, so only the write
    // deadline can end the stuck socket; before it, the task waited forever.
    let (srv, url, mut writer) = heavy_traffic_board(|c| {
        c.send_queue_bytes = 1 << 30;
        c.write_timeout_secs = 1;
    })
    .await;
    let mut stuck = RawClient::connect(&url).await.unwrap();
    stuck
        .send(&Message::Sync(SyncMessage::Step1(vec![0])))
        .await
        .unwrap();
    let open = || async { srv.api().metric("tafel_open_sockets").await.unwrap() };
    // Joining is asynchronous: wait until the room has admitted both.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while open().await < 2.0 {
        assert!(
            std::time::Instant::now() < deadline,
            "both sockets admitted"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // Enough to fill the kernel's buffers both ways, so the server's writes
    // to the stuck socket block.
    for i in 0..200 {
        add_sticky(&mut writer, &format!("n{i}"), &"z".repeat(100 << 10)).await;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while open().await > 1.0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the stuck socket is still open"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let slow = srv
        .api()
        .metric("tafel_refused_total{reason=\"client too slow\"}")
        .await
        .unwrap();
    assert!(slow >= 1.0, "counted as too slow: {slow}");
    // The writer was never held up by it.
    add_sticky(&mut writer, "after", "still fine").await;
    assert!(has(&writer, "after") && writer.closed.is_none());
    drop(stuck);
}

#[tokio::test]
async fn a_failing_disk_is_reported_loudly_and_loses_nothing_confirmed() {
    let store = Arc::new(MemoryStore::default());
    let srv = TestServer::start_on(store.clone(), |_| {}).await.unwrap();
    let board = srv.api().create_board("", "").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let mut a = SyncClient::connect(&url).await.unwrap();
    let mut b = SyncClient::connect(&url).await.unwrap();
    add_sticky(&mut a, "confirmed", "saved").await;
    b.pump_until(|c| has(c, "confirmed")).await.unwrap();

    store.set_failing(true);
    add_sticky(&mut a, "unsaved", "the disk is full").await;
    a.pump_until(|c| c.closed.is_some()).await.unwrap();
    assert_eq!(
        a.closed.as_ref().unwrap().close_code(),
        Some(CloseCode::StorageFailure)
    );
    b.pump_until(|c| c.closed.is_some()).await.unwrap();
    assert!(
        !has(&b, "unsaved"),
        "an update that was not stored was shown to others"
    );
    assert_eq!(
        b.closed.as_ref().unwrap().close_code(),
        Some(CloseCode::StorageFailure),
        "every socket learns why"
    );
    let errors = srv.server.app.metrics.store_errors.get();
    assert!(errors >= 1, "store errors counted: {errors}");

    // Storage halted: the server stops on its own and reports why, even though
    // the disk answers again (its cache may hold what the disk never took).
    store.set_failing(false);
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(30), srv.server.wait())
        .await
        .expect("the server stops by itself");
    let err = stopped.expect_err("a halted server does not stop cleanly");
    assert!(format!("{err:#}").contains("storage halted"), "{err:#}");

    // Restarted on the same store: what was confirmed is there, and the client
    // brings its unsaved edit through the sync handshake from its replica.
    let srv = TestServer::start_on(store.clone(), |_| {}).await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let doc = a.disconnect().await;
    let a = SyncClient::connect_with(&url, doc).await.unwrap();
    drop(a);
    let mut fresh = SyncClient::connect(&url).await.unwrap();
    fresh
        .pump_until(|c| has(c, "confirmed") && has(c, "unsaved"))
        .await
        .unwrap();
}

#[tokio::test]
async fn oversized_and_malformed_http_bodies_get_clear_errors() {
    let srv = TestServer::start().await.unwrap();
    let api = srv.api();
    let board = api.create_board("Body", "").await.unwrap();
    let fac = board.token(Role::Facilitator).to_owned();
    let cases: Vec<(reqwest::Method, String, String, u16)> = vec![
        // Over axum's 2 MB default for JSON bodies.
        (
            reqwest::Method::POST,
            "/api/boards".into(),
            format!(r#"{{"title": "{}"}}"#, "x".repeat(3 << 20)),
            413,
        ),
        (
            reqwest::Method::POST,
            "/api/boards".into(),
            "{not json".into(),
            400,
        ),
        (
            reqwest::Method::POST,
            "/api/boards".into(),
            r#"{"title": 7}"#.into(),
            400,
        ),
        (
            reqwest::Method::POST,
            "/api/boards".into(),
            r#"{"title": "a\u0000b"}"#.into(),
            400,
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/boards/{}?token={fac}", board.id),
            r#"{"title": ["x"]}"#.into(),
            400,
        ),
        (
            reqwest::Method::POST,
            format!("/api/boards/{}/history?token={fac}", board.id),
            r#"{"name": {"x": 1}}"#.into(),
            400,
        ),
        (
            reqwest::Method::POST,
            format!("/api/boards/{}/templates?token={fac}", board.id),
            "[]".into(),
            400,
        ),
        (
            reqwest::Method::POST,
            "/api/boards/import".into(),
            "null".into(),
            400,
        ),
    ];
    for (method, path, body, want) in cases {
        let (status, answer) = api
            .call_raw(method.clone(), &path, "application/json", &body)
            .await
            .unwrap();
        assert_eq!(status, want, "{method} {path}: {answer}");
        let code = if want == 413 {
            tafel_shared::api::ERR_TOO_LARGE
        } else {
            tafel_shared::api::ERR_BAD_REQUEST
        };
        assert_eq!(answer["code"], code, "{path}: {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // Nothing of it stuck: the board list holds the one board.
    let (s, _) = api
        .call(
            reqwest::Method::GET,
            &format!("/api/boards/{}?token={fac}", board.id),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
}

#[tokio::test]
async fn the_server_caps_sockets_and_loaded_boards_with_a_clear_refusal() {
    let srv = TestServer::start_with(|c| {
        c.max_sockets = 2;
        c.max_rooms = 2;
    })
    .await
    .unwrap();
    let api = srv.api();
    let a = api.create_board("A", "").await.unwrap();
    let url =
        |b: &tafel_tests::server::Board| srv.ws(&b.id, DocKind::Content, b.token(Role::Viewer));
    let first = SyncClient::connect(&url(&a)).await.unwrap();
    let _second = SyncClient::connect(&url(&a)).await.unwrap();
    let mut third = RawClient::connect(&url(&a)).await.unwrap();
    let closed = third.expect_close().await.unwrap();
    assert_eq!(closed.close_code(), Some(CloseCode::ServerFull));
    // Once a socket leaves, there is room again.
    first.disconnect().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let mut again = RawClient::connect(&url(&a)).await.unwrap();
        match again
            .next_within(std::time::Duration::from_millis(300))
            .await
            .unwrap()
        {
            Some(tafel_tests::Event::Msg(_)) => break,
            other => assert!(
                std::time::Instant::now() < deadline,
                "still full: {other:?}"
            ),
        }
    }

    // Loaded boards: the room of board A is loaded; with the cap at two,
    // board B loads and board C is refused.
    let srv = TestServer::start_with(|c| c.max_rooms = 2).await.unwrap();
    let api = srv.api();
    let boards = [
        api.create_board("A", "").await.unwrap(),
        api.create_board("B", "").await.unwrap(),
        api.create_board("C", "").await.unwrap(),
    ];
    let url =
        |b: &tafel_tests::server::Board| srv.ws(&b.id, DocKind::Content, b.token(Role::Viewer));
    let _a = SyncClient::connect(&url(&boards[0])).await.unwrap();
    let _b = SyncClient::connect(&url(&boards[1])).await.unwrap();
    let mut c = RawClient::connect(&url(&boards[2])).await.unwrap();
    assert_eq!(
        c.expect_close().await.unwrap().close_code(),
        Some(CloseCode::ServerFull)
    );
    let full = srv
        .api()
        .metric("tafel_refused_total{reason=\"server full\"}")
        .await
        .unwrap();
    assert!(full >= 1.0);
}

#[tokio::test]
async fn a_disk_that_stops_answering_stops_the_server_at_the_deadline() {
    let store = Arc::new(MemoryStore::default());
    let srv = TestServer::start_on(store.clone(), |c| c.disk_deadline_secs = 1)
        .await
        .unwrap();
    let board = srv.api().create_board("", "").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let mut a = SyncClient::connect(&url).await.unwrap();
    let mut b = SyncClient::connect(&url).await.unwrap();
    store.set_stalled(true);
    add_sticky(&mut a, "stuck", "the disk hangs").await;
    b.pump_until(|c| c.closed.is_some()).await.unwrap();
    assert_eq!(
        b.closed.as_ref().unwrap().close_code(),
        Some(CloseCode::StorageFailure)
    );
    assert!(!has(&b, "stuck"), "an update no flush confirmed was shown");
    let err = tokio::time::timeout(std::time::Duration::from_secs(30), srv.server.wait())
        .await
        .expect("the server stops by itself while the disk still hangs")
        .expect_err("and says so");
    assert!(format!("{err:#}").contains("did not finish"), "{err:#}");
    store.set_stalled(false);
}

/// The WebSocket handshake is Tafel's own (the rooms write into the
/// connection): requests that are not a handshake get an HTTP error and the
/// connection stays an HTTP one, and a real handshake is answered as RFC 6455
/// says, with Tafel's protocol only when the client offered it.
#[tokio::test]
async fn requests_that_are_no_websocket_handshake_get_an_http_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Handshake", "").await.unwrap();
    let path = DocKind::Content.ws_path(&board.id);
    let token = board.token(Role::Editor);
    let answer = |request: String| {
        let addr = srv.server.addr;
        async move {
            let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
            tcp.write_all(request.as_bytes()).await.unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                assert_eq!(tcp.read(&mut byte).await.unwrap(), 1, "an answer");
                head.push(byte[0]);
            }
            String::from_utf8(head).unwrap().to_ascii_lowercase()
        }
    };
    let request = |method: &str, headers: &str| {
        format!(
            "{method} {path}?token={token} HTTP/1.1\r\nHost: tafel\r\n{headers}Content-Length: 0\r\n\r\n"
        )
    };
    let upgrade = "Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\
                   Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    for (method, headers, status) in [
        ("GET", "", "400"),
        ("GET", "Connection: upgrade\r\nUpgrade: h2c\r\n", "400"),
        (
            "GET",
            "Connection: upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n",
            "400",
        ),
        (
            "GET",
            &format!("{upgrade}Sec-WebSocket-Version: 8\r\n"),
            "400",
        ),
        (
            "POST",
            &format!("{upgrade}Sec-WebSocket-Version: 13\r\n"),
            "405",
        ),
    ] {
        let head = answer(request(method, headers)).await;
        assert!(
            head.starts_with(&format!("http/1.1 {status}")),
            "{method} with {headers:?}: {head}"
        );
    }
    // RFC 6455's own example key, and a stock client that offers no protocol.
    let head = answer(request(
        "GET",
        &format!("{upgrade}Sec-WebSocket-Version: 13\r\n"),
    ))
    .await;
    assert!(head.starts_with("http/1.1 101"), "{head}");
    assert!(
        head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="),
        "{head}"
    );
    assert!(!head.contains("sec-websocket-protocol"), "{head}");
    let head = answer(request(
        "GET",
        &format!(
            "{upgrade}Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat, {}\r\n",
            tafel_shared::protocol::WS_PROTOCOL
        ),
    ))
    .await;
    assert!(
        head.contains(&format!(
            "sec-websocket-protocol: {}",
            tafel_shared::protocol::WS_PROTOCOL
        )),
        "{head}"
    );
}

/// A joiner still taking a big board's first sync is not "too slow": the
/// sync being written does not count against the send limit, only what
/// waits behind it (the edits made meanwhile).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joiner_still_taking_a_big_board_is_not_counted_too_slow() {
    let (_srv, url, mut writer) = heavy_traffic_board(|c| c.send_queue_bytes = 1 << 20).await;
    // 8 MB: about twice what the server's socket buffer takes.
    for i in 0..80 {
        add_sticky(&mut writer, &format!("big{i}"), &"x".repeat(100 << 10)).await;
    }
    let mut witness = SyncClient::connect(&url).await.unwrap();
    witness.pump_until(|c| has(c, "big79")).await.unwrap();
    // A joiner with a small receive buffer asks for the board, then reads
    // nothing for a while: most of its first sync waits on the server.
    let mut joiner = RawClient::connect_with_receive_buffer(&url, 16 << 10)
        .await
        .unwrap();
    joiner
        .send(&Message::Sync(SyncMessage::Step1(vec![0])))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    for i in 0..20 {
        add_sticky(&mut writer, &format!("late{i}"), "klein").await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let mut joiner = SyncClient::connect_over(joiner, yrs::Doc::new())
        .await
        .unwrap();
    joiner
        .pump_until(|c| has(c, "late19") && has(c, "big79"))
        .await
        .expect("the joiner gets the board and every edit made meanwhile");
    assert!(joiner.closed.is_none(), "{:?}", joiner.closed);
}
