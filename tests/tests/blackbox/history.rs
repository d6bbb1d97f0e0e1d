//! Board history against the real server: named versions over HTTP, what each
//! version changed, the canvas as it was, and restoring in place (seen live by
//! raw sockets on the content and the locked layer, undone by restoring the
//! version kept before) or as a new board; roles hold for every request.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use crate::common::{add_sticky, has};
use reqwest::Method;
use serde_json::json;
use tafel_shared::api::{VersionInfo, VersionView};
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::{SyncClient, TestServer};
use yrs::{Map, Transact};

async fn versions(srv: &TestServer, board: &str, token: &str) -> Vec<VersionInfo> {
    crate::common::get_json(srv, &format!("/api/boards/{board}/history?token={token}")).await
}

#[tokio::test]
async fn named_versions_show_the_board_as_it_was_and_restore_in_place_and_back() {
    let srv = TestServer::start().await.unwrap();
    let api = srv.api();
    let board = api.create_board("Strategie", "swot").await.unwrap();
    let (f, e, v) = (
        board.token(Role::Facilitator).to_owned(),
        board.token(Role::Editor).to_owned(),
        board.token(Role::Viewer).to_owned(),
    );
    let mut editor = SyncClient::connect(&srv.ws(&board.id, DocKind::Content, &e))
        .await
        .unwrap();
    let mut coach_layer = SyncClient::connect(&srv.ws(&board.id, DocKind::Locked, &f))
        .await
        .unwrap();
    let frame = {
        let map = schema::elements(&coach_layer.doc);
        let txn = coach_layer.doc.transact();
        map.keys(&txn)
            .next()
            .expect("the template's locked frames")
            .to_owned()
    };
    add_sticky(&mut editor, "idea-a", "Kundenportal").await;
    let mut watcher = SyncClient::connect(&srv.ws(&board.id, DocKind::Content, &v))
        .await
        .unwrap();
    watcher.pump_until(|c| has(c, "idea-a")).await.unwrap();

    // A facilitator names the board as it is.
    let path = format!("/api/boards/{}/history", board.id);
    let (status, body) = api
        .call(
            Method::POST,
            &format!("{path}?token={f}"),
            Some(json!({"name": "Nach Tag 1"})),
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "{body}");
    let day1: VersionInfo = serde_json::from_value(body).unwrap();
    assert_eq!(day1.name.as_deref(), Some("Nach Tag 1"));
    // Others may not.
    for token in [&e, &v] {
        let (status, _) = api
            .call(
                Method::POST,
                &format!("{path}?token={token}"),
                Some(json!({"name": "x"})),
            )
            .await
            .unwrap();
        assert_eq!(status, 403);
    }
    let (status, _) = api.call(Method::GET, &path, None).await.unwrap();
    assert_eq!(status, 401, "no link, no history");

    // Then the note goes, another comes, and a locked frame is deleted.
    let notes = schema::elements(&editor.doc);
    editor
        .edit(|txn| {
            notes.remove(txn, "idea-a");
        })
        .await
        .unwrap();
    add_sticky(&mut editor, "idea-b", "Newsletter").await;
    let layer_map = schema::elements(&coach_layer.doc);
    coach_layer
        .edit(|txn| {
            layer_map.remove(txn, &frame);
        })
        .await
        .unwrap();
    watcher
        .pump_until(|c| has(c, "idea-b") && !has(c, "idea-a"))
        .await
        .unwrap();
    let (status, body) = api
        .call(
            Method::POST,
            &format!("{path}?token={f}"),
            Some(json!({"name": "Tag 2"})),
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "{body}");
    let listed = versions(&srv, &board.id, &v).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0].name.as_deref(), Some("Tag 2"), "newest first");
    assert_eq!(
        (listed[0].added, listed[0].changed, listed[0].removed),
        (1, 0, 2),
        "idea-b added; idea-a and the frame removed"
    );

    // Anyone with a link sees the canvas as it was.
    let (status, body) = api
        .call(
            Method::GET,
            &format!("{path}/{}?token={v}", day1.at_ms),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    let view: VersionView = serde_json::from_value(body).unwrap();
    let ids: Vec<&str> = view.elements.iter().map(|e| e.base.id.as_str()).collect();
    assert!(
        ids.contains(&"idea-a") && ids.contains(&frame.as_str()) && !ids.contains(&"idea-b"),
        "{ids:?}"
    );
    assert!(view
        .elements
        .iter()
        .any(|e| e.base.id == frame && e.base.locked));
    let (status, _) = api
        .call(Method::GET, &format!("{path}/12345?token={v}"), None)
        .await
        .unwrap();
    assert_eq!(status, 404);

    // Restoring in place: only facilitators; everyone connected sees it.
    let restore = format!("{path}/{}/restore", day1.at_ms);
    let (status, _) = api
        .call(
            Method::POST,
            &format!("{restore}?token={e}"),
            Some(json!({"mode": "in-place"})),
        )
        .await
        .unwrap();
    assert_eq!(status, 403);
    let (status, body) = api
        .call(
            Method::POST,
            &format!("{restore}?token={f}"),
            Some(json!({"mode": "in-place"})),
        )
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    let before: VersionInfo = serde_json::from_value(body["before"].clone()).unwrap();
    assert!(before
        .name
        .as_deref()
        .unwrap()
        .starts_with("Before restoring Nach Tag 1"));
    watcher
        .pump_until(|c| has(c, "idea-a") && !has(c, "idea-b"))
        .await
        .unwrap();
    coach_layer.pump_until(|c| has(c, &frame)).await.unwrap();
    editor.pump_until(|c| has(c, "idea-a")).await.unwrap();

    // Nothing was lost: restoring the version kept before undoes it.
    let (status, _) = api
        .call(
            Method::POST,
            &format!("{path}/{}/restore?token={f}", before.at_ms),
            Some(json!({"mode": "in-place"})),
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    watcher
        .pump_until(|c| has(c, "idea-b") && !has(c, "idea-a"))
        .await
        .unwrap();
    coach_layer.pump_until(|c| !has(c, &frame)).await.unwrap();

    // As a new board: the old state on a board of its own, this one untouched.
    let (status, body) = api
        .call(
            Method::POST,
            &format!("{restore}?token={f}"),
            Some(json!({"mode": "new-board"})),
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "{body}");
    let new_id = body["id"].as_str().unwrap();
    let new_token = body["tokens"]["viewer"].as_str().unwrap();
    assert_eq!(body["title"], "Strategie (Nach Tag 1)");
    let copy = SyncClient::connect(&srv.ws(new_id, DocKind::Content, new_token))
        .await
        .unwrap();
    assert!(has(&copy, "idea-a") && !has(&copy, "idea-b"));
    let copy_layer = SyncClient::connect(&srv.ws(new_id, DocKind::Locked, new_token))
        .await
        .unwrap();
    assert!(has(&copy_layer, &frame));
    let fresh = SyncClient::connect(&srv.ws(&board.id, DocKind::Content, &v))
        .await
        .unwrap();
    assert!(has(&fresh, "idea-b") && !has(&fresh, "idea-a"));

    // Naming makes a version permanent; a name can be changed or taken away.
    let (status, _) = api
        .call(
            Method::PATCH,
            &format!("{path}/{}?token={f}", before.at_ms),
            Some(json!({"name": "Vor dem Zurücksetzen"})),
        )
        .await
        .unwrap();
    assert_eq!(status, 204);
    let listed = versions(&srv, &board.id, &v).await;
    assert!(listed
        .iter()
        .any(|x| x.name.as_deref() == Some("Vor dem Zurücksetzen")));
}

#[tokio::test]
async fn automatic_versions_name_who_was_active_and_the_board_who_changed_it_last() {
    let srv = TestServer::start().await.unwrap();
    let api = srv.api();
    let board = api.create_board("Retro", "").await.unwrap();
    let ada = api.participant().await.unwrap();
    let url = srv.ws_as(&board.id, DocKind::Content, board.token(Role::Editor), &ada);
    let mut editor = SyncClient::connect(&url).await.unwrap();
    editor.pump_until(|c| c.own_view.is_some()).await.unwrap();
    let intro = editor
        .act(tafel_shared::action::Action::Introduce { name: "Ada".into() })
        .await
        .unwrap();
    assert_eq!(intro.refused, None);
    add_sticky(&mut editor, "n1", "Was lief gut?").await;
    let mut watcher =
        SyncClient::connect(&srv.ws(&board.id, DocKind::Content, board.token(Role::Viewer)))
            .await
            .unwrap();
    watcher.pump_until(|c| has(c, "n1")).await.unwrap();
    let (status, info) = api
        .call(
            Method::GET,
            &format!(
                "/api/boards/{}?token={}",
                board.id,
                board.token(Role::Viewer)
            ),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(info["updated_by"], "Ada", "{info}");

    // The room keeps a version when it unloads (everyone left, grace over).
    drop(editor.disconnect().await);
    drop(watcher.disconnect().await);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    let listed = loop {
        let listed = versions(&srv, &board.id, board.token(Role::Viewer)).await;
        if !listed.is_empty() || tokio::time::Instant::now() > deadline {
            break listed;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].active, ["Ada"]);
    assert_eq!((listed[0].added, listed[0].removed), (1, 0));
}

/// Connects a named participant's editor socket to a board's content.
async fn named_editor(
    srv: &TestServer,
    board: &tafel_tests::server::Board,
    name: &str,
) -> SyncClient {
    let me = srv.api().participant().await.unwrap();
    let url = srv.ws_as(&board.id, DocKind::Content, board.token(Role::Editor), &me);
    let mut c = SyncClient::connect(&url).await.unwrap();
    c.pump_until(|c| c.own_view.is_some()).await.unwrap();
    let intro = c
        .act(tafel_shared::action::Action::Introduce { name: name.into() })
        .await
        .unwrap();
    assert_eq!(intro.refused, None);
    c
}

async fn activity(
    srv: &TestServer,
    board: &tafel_tests::server::Board,
    since: u64,
) -> Vec<tafel_shared::api::ElementActivity> {
    let path = format!(
        "/api/boards/{}/activity?since={since}&token={}",
        board.id,
        board.token(Role::Viewer)
    );
    crate::common::get_json(srv, &path).await
}

#[tokio::test]
async fn the_server_knows_who_last_added_changed_or_removed_each_element() {
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Ideen", "").await.unwrap();
    let mut ada = named_editor(&srv, &board, "Ada").await;
    let mut ben = named_editor(&srv, &board, "Ben").await;
    add_sticky(&mut ada, "n1", "eins").await;
    add_sticky(&mut ada, "n2", "zwei").await;
    ben.pump_until(|c| has(c, "n2")).await.unwrap();
    // Ben edits the text of n1 and removes n2.
    let map = schema::elements(&ben.doc);
    ben.edit(|txn| {
        let Some(yrs::Out::YMap(note)) = map.get(txn, "n1") else {
            panic!("n1")
        };
        let Some(yrs::Out::YText(text)) = note.get(txn, schema::F_TEXT) else {
            panic!("text")
        };
        yrs::Text::insert(&text, txn, 0, "Ben: ");
        map.remove(txn, "n2");
    })
    .await
    .unwrap();
    ada.pump_until(|c| !has(c, "n2")).await.unwrap();
    let all = activity(&srv, &board, 0).await;
    let of = |id: &str| {
        all.iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("{id} in {all:?}"))
    };
    assert_eq!(
        (of("n1").by.as_deref(), of("n1").removed),
        (Some("Ben"), false)
    );
    assert_eq!(
        (of("n2").by.as_deref(), of("n2").removed),
        (Some("Ben"), true)
    );
    let later = activity(&srv, &board, of("n1").at_ms).await;
    assert!(
        !later.iter().any(|a| a.id == "n1"),
        "only what changed after `since`"
    );
    let (status, _) = srv
        .api()
        .call(
            Method::GET,
            &format!("/api/boards/{}/activity", board.id),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 401, "no link, no activity");

    // Kept when the room unloads, so it is known on a later visit.
    drop(ada.disconnect().await);
    drop(ben.disconnect().await);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while versions(&srv, &board.id, board.token(Role::Viewer))
        .await
        .is_empty()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the room never unloaded"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let stored = activity(&srv, &board, 0).await;
    assert!(
        stored
            .iter()
            .any(|a| a.id == "n2" && a.removed && a.by.as_deref() == Some("Ben")),
        "{stored:?}"
    );
}
