//! Two or more clients sync a board through the real server: convergence, late
//! joiners, offline edits, presence.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use crate::common::{add_sticky, elements_json, has};
use tafel_shared::protocol::{AwarenessEntry, Message};
use tafel_shared::roles::{DocKind, Role};
use tafel_tests::{SyncClient, TestServer};

#[tokio::test]
async fn two_clients_converge_and_a_late_joiner_gets_everything() {
    let srv = TestServer::start().await.unwrap();
    let board = srv
        .api()
        .create_board("Retro", "retrospective")
        .await
        .unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));

    let mut a = SyncClient::connect(&url).await.unwrap();
    let mut b = SyncClient::connect(&url).await.unwrap();
    // The template's frames arrive with the first sync of the locked layer.
    let layer = srv.ws(&board.id, DocKind::Locked, board.token(Role::Editor));
    let frames = SyncClient::connect(&layer).await.unwrap();
    assert!(has(&frames, "frame-0") && has(&frames, "frame-2"));

    add_sticky(&mut a, "note-a", "from a").await;
    add_sticky(&mut b, "note-b", "from b").await;
    a.pump_until(|c| has(c, "note-b")).await.unwrap();
    b.pump_until(|c| has(c, "note-a")).await.unwrap();
    assert_eq!(elements_json(&a), elements_json(&b));

    let late = SyncClient::connect(&url).await.unwrap();
    assert!(has(&late, "note-a") && has(&late, "note-b"));
    assert_eq!(elements_json(&late), elements_json(&a));
}

#[tokio::test]
async fn offline_edits_on_both_sides_merge_on_reconnect() {
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Vision", "vision").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Facilitator));
    let a = SyncClient::connect(&url).await.unwrap();
    let mut b = SyncClient::connect(&url).await.unwrap();
    let mut witness = SyncClient::connect(&url).await.unwrap();

    // A goes offline and edits; B edits online meanwhile.
    let doc_a = a.disconnect().await;
    {
        use tafel_shared::{geometry::Rect, schema};
        use yrs::Transact;
        let elements = schema::elements(&doc_a);
        let mut txn = doc_a.transact_mut();
        let at = Rect::new(0.0, 0.0, 100.0, 100.0);
        tafel_tests::sticky("offline-a", at, "n", "written on a train", "a")
            .insert(&mut txn, &elements);
    }
    add_sticky(&mut b, "online-b", "written in the office").await;
    // Relayed only once stored: when the witness has it, the server has it.
    witness.pump_until(|c| has(c, "online-b")).await.unwrap();

    let mut a = SyncClient::connect_with(&url, doc_a).await.unwrap();
    assert!(has(&a, "online-b"), "A received B's edit on reconnect");
    b.pump_until(|c| has(c, "offline-a")).await.unwrap();
    let merged = elements_json(&b);
    a.pump_until(|c| elements_json(c) == merged).await.unwrap();
    // A newcomer sees both, so the server stored A's offline edit.
    let c = SyncClient::connect(&url).await.unwrap();
    assert!(has(&c, "offline-a") && has(&c, "online-b"));
}

fn entries_for(c: &SyncClient, client_id: u64) -> Vec<&AwarenessEntry> {
    c.awareness
        .iter()
        .filter(|e| e.client_id == client_id)
        .collect()
}

#[tokio::test]
async fn awareness_join_update_and_leave() {
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("", "").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Viewer));
    let mut a = SyncClient::connect(&url).await.unwrap();
    let mut b = SyncClient::connect(&url).await.unwrap();
    let a_id = a.doc.client_id().get();

    a.set_presence(
        1,
        r##"{"user":{"name":"Ada","color":"#e03131"},"cursor":{"x":1,"y":2}}"##,
    )
    .await
    .unwrap();
    b.pump_until(|c| !entries_for(c, a_id).is_empty())
        .await
        .unwrap();
    // The sender gets its own state back (stock clients use that as a keep-alive).
    a.pump_until(|c| !entries_for(c, a_id).is_empty())
        .await
        .unwrap();

    a.set_presence(
        2,
        r##"{"user":{"name":"Ada","color":"#e03131"},"cursor":{"x":5,"y":6}}"##,
    )
    .await
    .unwrap();
    b.pump_until(|c| entries_for(c, a_id).iter().any(|e| e.clock == 2))
        .await
        .unwrap();
    a.pump_until(|c| entries_for(c, a_id).iter().any(|e| e.clock == 2))
        .await
        .unwrap();

    // B echoes A's state with the same clock, as stock clients do: nobody gets it.
    let echo = Message::Awareness(tafel_shared::protocol::AwarenessUpdate {
        entries: vec![AwarenessEntry {
            client_id: a_id,
            clock: 2,
            state: entries_for(&b, a_id)[1].state.clone(),
        }],
    });
    b.send(&echo).await.unwrap();
    let before = entries_for(&a, a_id).len();
    // Then B announces itself: the room handles B's frames in order, so once A has
    // B's presence, a relayed echo would have arrived before it.
    let b_id = b.doc.client_id().get();
    b.set_presence(1, r##"{"user":{"name":"Bo","color":"#1971c2"}}"##)
        .await
        .unwrap();
    a.pump_until(|c| !entries_for(c, b_id).is_empty())
        .await
        .unwrap();
    assert_eq!(
        entries_for(&a, a_id).len(),
        before,
        "same-clock echo was relayed"
    );

    // A late joiner receives current presence without asking; type 3 answers too.
    let mut c = SyncClient::connect(&url).await.unwrap();
    c.pump_until(|c| entries_for(c, a_id).iter().any(|e| e.clock == 2))
        .await
        .unwrap();
    let had = c.awareness.len();
    c.send(&Message::QueryAwareness).await.unwrap();
    c.pump_until(|c| c.awareness.len() > had).await.unwrap();

    // A leaves: everyone else learns its presence is gone.
    a.disconnect().await;
    b.pump_until(|c| {
        entries_for(c, a_id)
            .iter()
            .any(|e| e.state == "null" && e.clock == 3)
    })
    .await
    .unwrap();
    c.pump_until(|c| entries_for(c, a_id).iter().any(|e| e.state == "null"))
        .await
        .unwrap();
}

#[tokio::test]
async fn documents_of_a_board_are_separate() {
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("", "").await.unwrap();
    let token = board.token(Role::Facilitator);
    let mut content = SyncClient::connect(&srv.ws(&board.id, DocKind::Content, token))
        .await
        .unwrap();
    add_sticky(&mut content, "only-in-content", "x").await;
    let mut again = SyncClient::connect(&srv.ws(&board.id, DocKind::Content, token))
        .await
        .unwrap();
    again
        .pump_until(|c| has(c, "only-in-content"))
        .await
        .unwrap();
    for doc in [DocKind::Comments, DocKind::Session] {
        let other = SyncClient::connect(&srv.ws(&board.id, doc, token))
            .await
            .unwrap();
        assert!(!has(&other, "only-in-content"), "{doc:?} saw content");
    }
}

#[tokio::test]
async fn credentials_in_the_subprotocol_header_open_a_socket_without_a_token_in_the_url() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Header", "").await.unwrap();
    let bare = format!(
        "ws://{}{}",
        srv.server.addr,
        DocKind::Content.ws_path(&board.id)
    );
    let offer = |token: &str| {
        let mut req = bare.as_str().into_client_request().unwrap();
        let protocols = tafel_shared::protocol::socket_protocols(token, None).join(", ");
        req.headers_mut()
            .insert("sec-websocket-protocol", protocols.parse().unwrap());
        req
    };
    let (mut ws, answer) = tokio_tungstenite::connect_async(offer(board.token(Role::Editor)))
        .await
        .unwrap();
    assert_eq!(
        answer.headers().get("sec-websocket-protocol").unwrap(),
        tafel_shared::protocol::WS_PROTOCOL,
        "the server picks Tafel's own protocol, never echoing a credential"
    );
    // It syncs: the server's step 1 arrives.
    use futures_util::StreamExt;
    let first = ws.next().await.unwrap().unwrap();
    assert!(matches!(
        Message::decode(&first.into_data()).unwrap(),
        Message::Sync(_)
    ));
    // A wrong token in the header is refused like one in the URL.
    let (mut wrong, _) = tokio_tungstenite::connect_async(offer("x".repeat(43).as_str()))
        .await
        .unwrap();
    let mut code = None;
    while let Some(Ok(msg)) = wrong.next().await {
        if let tokio_tungstenite::tungstenite::Message::Close(Some(f)) = msg {
            code = Some(u16::from(f.code));
            break;
        }
    }
    assert_eq!(
        code,
        Some(tafel_shared::protocol::CloseCode::Unauthorized.code())
    );
}

/// A client that closes gets the server's answer to its close frame before
/// the connection ends (a browser then reports a clean close).
#[tokio::test]
async fn a_client_that_closes_gets_the_servers_answer() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Close", "").await.unwrap();
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .unwrap();
    // Joined: the server's step 1 arrives.
    assert!(matches!(ws.next().await, Some(Ok(WsMessage::Binary(_)))));
    ws.send(WsMessage::Close(None)).await.unwrap();
    let mut answered = false;
    while let Some(msg) = ws.next().await {
        match msg {
            Ok(WsMessage::Close(_)) => answered = true,
            Ok(_) => {}
            Err(e) => panic!("the connection broke instead of closing: {e}"),
        }
    }
    assert!(answered, "the server answered the close frame");
}
