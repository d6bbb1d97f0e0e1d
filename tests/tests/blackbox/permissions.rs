//! Roles are enforced by the server: every role × document write, share-link
//! rotation, deletion, and the HTTP board and operator API.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use crate::common::{add_sticky, element_count, has};
use reqwest::Method;
use serde_json::json;
use tafel_server::storage::Storage;
use tafel_shared::action::{Action, TimerCommand};
use tafel_shared::ids::BoardId;
use tafel_shared::protocol::CloseCode;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::session;
use tafel_tests::wait::until;
use tafel_tests::{RawClient, SyncClient, TestServer};

#[tokio::test]
async fn every_role_writes_exactly_the_documents_it_may() {
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Roles", "role-map").await.unwrap();
    for doc in DocKind::ALL {
        for role in Role::ALL {
            let url = srv.ws(&board.id, doc, board.token(role));
            let mut writer = SyncClient::connect(&url).await.unwrap();
            let mut watcher =
                SyncClient::connect(&srv.ws(&board.id, doc, board.token(Role::Facilitator)))
                    .await
                    .unwrap();
            let before = element_count(&watcher);
            let id = format!("{}-{}", role.as_str(), doc.as_str());
            add_sticky(&mut writer, &id, "attempt").await;
            if role.can_write(doc) {
                watcher.pump_until(|c| has(c, &id)).await.unwrap();
                assert!(writer.denials.is_empty());
            } else {
                writer.pump_until(|c| !c.denials.is_empty()).await.unwrap();
                assert!(
                    writer.denials[0].contains(role.as_str()),
                    "{:?}",
                    writer.denials
                );
                // The socket stays open for reading, the other client got nothing,
                // and a fresh reader sees the document unchanged. A room relays in
                // order: once the watcher has a facilitator's later note, the
                // refused one would have arrived before it.
                assert!(writer.closed.is_none());
                let mut facilitator =
                    SyncClient::connect(&srv.ws(&board.id, doc, board.token(Role::Facilitator)))
                        .await
                        .unwrap();
                let added = if Role::Facilitator.can_write(doc) {
                    let marker = format!("after-{id}");
                    add_sticky(&mut facilitator, &marker, "barrier").await;
                    watcher.pump_until(|c| has(c, &marker)).await.unwrap();
                    1
                } else if doc == DocKind::Comments {
                    // Comments change only through the server, as comment actions.
                    let marker = format!("after-{id}");
                    crate::common::open_thread(&mut facilitator, &marker, "barrier").await;
                    watcher
                        .pump_until(|c| crate::common::has_thread(c, &marker))
                        .await
                        .unwrap();
                    0
                } else {
                    // The session document changes only through the server.
                    let set = Action::Timer {
                        command: TimerCommand::Set {
                            duration_ms: 60_000,
                        },
                    };
                    assert_eq!(facilitator.act(set).await.unwrap().refused, None);
                    watcher
                        .pump_until(|c| {
                            let map = session::timer_map(&c.doc);
                            let txn = yrs::Transact::transact(&c.doc);
                            session::Timer::read(&txn, &map).duration_ms == 60_000
                        })
                        .await
                        .unwrap();
                    0
                };
                assert!(!has(&watcher, &id), "{role} wrote {doc:?}");
                let fresh = SyncClient::connect(&url).await.unwrap();
                assert_eq!(
                    element_count(&fresh),
                    before + added,
                    "only the barrier was added"
                );
                assert!(!has(&fresh, &id));
            }
        }
    }
    // Refused writes never reached the store: only the allowed ones are there after
    // the rooms unload (the test server's grace is one second) and reload from disk.
    let storage: &Storage = &srv.server.app.storage;
    let b = BoardId::parse(&board.id).unwrap();
    assert!(storage.get_board(&b).unwrap().is_some());
    until("every room of the board unloads", || {
        srv.server.app.rooms.loaded() == 0
    })
    .await;
    let reloaded =
        SyncClient::connect(&srv.ws(&board.id, DocKind::Content, board.token(Role::Viewer)))
            .await
            .unwrap();
    assert!(has(&reloaded, "facilitator-content") && has(&reloaded, "editor-content"));
    assert!(!has(&reloaded, "commenter-content") && !has(&reloaded, "viewer-content"));
}

#[tokio::test]
async fn wrong_missing_and_foreign_tokens_are_refused() {
    let srv = TestServer::start().await.unwrap();
    let api = srv.api();
    let a = api.create_board("A", "").await.unwrap();
    let b = api.create_board("B", "").await.unwrap();
    let addr = srv.server.addr;
    let cases = [
        (format!("ws://{addr}/ws/{}", a.id), CloseCode::Unauthorized),
        (
            format!("ws://{addr}/ws/{}?token=", a.id),
            CloseCode::Unauthorized,
        ),
        (
            format!("ws://{addr}/ws/{}?token={}", a.id, "x".repeat(43)),
            CloseCode::Unauthorized,
        ),
        (
            srv.ws(&a.id, DocKind::Content, b.token(Role::Facilitator)),
            CloseCode::Unauthorized,
        ),
        (
            srv.ws(&"A".repeat(22), DocKind::Content, a.token(Role::Editor)),
            CloseCode::UnknownBoard,
        ),
        (
            format!("ws://{addr}/ws/not-an-id?token={}", a.token(Role::Editor)),
            CloseCode::UnknownBoard,
        ),
        (
            format!(
                "ws://{addr}/ws/{}/private?token={}",
                a.id,
                a.token(Role::Editor)
            ),
            CloseCode::UnknownBoard,
        ),
    ];
    for (url, want) in cases {
        let mut c = RawClient::connect(&url).await.unwrap();
        assert_eq!(
            c.expect_close().await.unwrap().close_code(),
            Some(want),
            "{url}"
        );
    }
    let (status, body) = api
        .call(
            Method::GET,
            &format!("/api/boards/{}?token={}", a.id, b.token(Role::Viewer)),
            None,
        )
        .await
        .unwrap();
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
    let (status, body) = api
        .call(
            Method::GET,
            &format!("/api/boards/{}", "Z".repeat(22)),
            None,
        )
        .await
        .unwrap();
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn board_api_reports_role_and_only_facilitators_manage() {
    let srv = TestServer::start().await.unwrap();
    let api = srv.api();
    let board = api
        .create_board("  Strategy day  ", "business-model-canvas")
        .await
        .unwrap();
    assert_eq!(board.created.title, "Strategy day");
    assert_eq!(board.created.tokens.len(), 4);
    for role in Role::ALL {
        let link = &board.created.links[&role];
        assert!(
            link.ends_with(board.token(role)) && link.contains(&board.id),
            "{link}"
        );
        let (status, info) = api
            .call(
                Method::GET,
                &format!("/api/boards/{}?token={}", board.id, board.token(role)),
                None,
            )
            .await
            .unwrap();
        assert_eq!(status, 200);
        assert_eq!(info["role"], role.as_str());
        assert_eq!(info["template"], "business-model-canvas");
        assert!(info["created_ms"].as_u64().unwrap() > 0);
    }
    for role in [Role::Editor, Role::Commenter, Role::Viewer] {
        let t = board.token(role);
        let (s, body) = api
            .call(
                Method::PATCH,
                &format!("/api/boards/{}?token={t}", board.id),
                Some(json!({"title": "Mine"})),
            )
            .await
            .unwrap();
        assert_eq!((s, body["code"].as_str()), (403, Some("forbidden")));
        let (s, _) = api
            .call(
                Method::POST,
                &format!("/api/boards/{}/tokens/viewer?token={t}", board.id),
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 403);
        let (s, _) = api
            .call(
                Method::DELETE,
                &format!("/api/boards/{}?token={t}", board.id),
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 403);
    }
    let f = board.token(Role::Facilitator);
    let (s, info) = api
        .call(
            Method::PATCH,
            &format!("/api/boards/{}?token={f}", board.id),
            Some(json!({"title": "Renamed"})),
        )
        .await
        .unwrap();
    assert_eq!((s, info["title"].as_str()), (200, Some("Renamed")));
    // Bearer works as well as ?token=.
    let resp = reqwest::Client::new()
        .get(format!("{}/api/boards/{}", srv.http(), board.id))
        .bearer_auth(board.token(Role::Viewer))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.json::<serde_json::Value>().await.unwrap()["title"],
        "Renamed"
    );

    // Bad requests are JSON errors with stable codes.
    let (s, body) = api
        .call(
            Method::POST,
            "/api/boards",
            Some(json!({"title": "x", "template": "kanban"})),
        )
        .await
        .unwrap();
    assert_eq!((s, body["code"].as_str()), (400, Some("unknown_template")));
    let (s, body) = api
        .call_raw(Method::POST, "/api/boards", "application/json", "{not json")
        .await
        .unwrap();
    assert_eq!((s, body["code"].as_str()), (400, Some("bad_request")));
    let (s, body) = api
        .call(
            Method::POST,
            "/api/boards",
            Some(json!({"title": "x".repeat(500)})),
        )
        .await
        .unwrap();
    assert_eq!((s, body["code"].as_str()), (400, Some("bad_request")));
    let (s, body) = api
        .call(Method::GET, "/api/nothing-here", None)
        .await
        .unwrap();
    assert_eq!((s, body["code"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn rotating_a_link_revokes_it_at_once_and_closes_its_sockets() {
    let srv = TestServer::start().await.unwrap();
    let api = srv.api();
    let board = api.create_board("", "").await.unwrap();
    let old = board.token(Role::Editor).to_owned();
    let mut editor = SyncClient::connect(&srv.ws(&board.id, DocKind::Content, &old))
        .await
        .unwrap();
    let mut editor_comments = SyncClient::connect(&srv.ws(&board.id, DocKind::Comments, &old))
        .await
        .unwrap();
    let mut viewer =
        SyncClient::connect(&srv.ws(&board.id, DocKind::Content, board.token(Role::Viewer)))
            .await
            .unwrap();

    let f = board.token(Role::Facilitator);
    let (s, rotated) = api
        .call(
            Method::POST,
            &format!("/api/boards/{}/tokens/editor?token={f}", board.id),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
    let new = rotated["token"].as_str().unwrap().to_owned();
    assert_ne!(new, old);

    for c in [&mut editor, &mut editor_comments] {
        c.pump_until(|c| c.closed.is_some()).await.unwrap();
        assert_eq!(
            c.closed.as_ref().unwrap().close_code(),
            Some(CloseCode::TokenRevoked)
        );
    }
    // Other roles stay connected and keep syncing.
    let mut fresh = SyncClient::connect(&srv.ws(&board.id, DocKind::Content, &new))
        .await
        .unwrap();
    add_sticky(&mut fresh, "after-rotation", "still here").await;
    viewer
        .pump_until(|c| has(c, "after-rotation"))
        .await
        .unwrap();

    let mut stale = RawClient::connect(&srv.ws(&board.id, DocKind::Content, &old))
        .await
        .unwrap();
    assert_eq!(
        stale.expect_close().await.unwrap().close_code(),
        Some(CloseCode::TokenRevoked)
    );
    let (s, body) = api
        .call(
            Method::GET,
            &format!("/api/boards/{}?token={old}", board.id),
            None,
        )
        .await
        .unwrap();
    assert_eq!((s, body["code"].as_str()), (401, Some("link_revoked")));
}

#[tokio::test]
async fn deleting_a_board_closes_sockets_and_erases_every_key() {
    let srv = TestServer::start().await.unwrap();
    let api = srv.api();
    let board = api.create_board("Doomed", "swot").await.unwrap();
    let keep = api.create_board("Kept", "swot").await.unwrap();
    let f = board.token(Role::Facilitator);
    let mut clients = Vec::new();
    for doc in DocKind::ALL {
        let mut c = SyncClient::connect(&srv.ws(&board.id, doc, f))
            .await
            .unwrap();
        add_sticky(&mut c, "x", "data").await;
        clients.push(c);
    }
    let storage = &srv.server.app.storage;
    let id = BoardId::parse(&board.id).unwrap();
    let kept_id = BoardId::parse(&keep.id).unwrap();
    // The record, the content snapshot and one logged update per document that
    // a facilitator writes directly.
    let written = DocKind::ALL
        .iter()
        .filter(|d| Role::Facilitator.can_write(**d))
        .count();
    until("every document's update is stored", || {
        storage.count_board_keys(&id).unwrap() >= 2 + written
    })
    .await;
    let kept_keys = storage.count_board_keys(&kept_id).unwrap();

    let (s, _) = api
        .call(
            Method::DELETE,
            &format!("/api/boards/{}?token={f}", board.id),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    for c in &mut clients {
        c.pump_until(|c| c.closed.is_some()).await.unwrap();
        assert_eq!(
            c.closed.as_ref().unwrap().close_code(),
            Some(CloseCode::BoardDeleted)
        );
    }
    // The deletion ran on the store writer after every write the evicted rooms
    // had submitted, and was durable before the answer: nothing is left.
    assert_eq!(storage.count_board_keys(&id).unwrap(), 0);
    assert_eq!(storage.count_board_keys(&kept_id).unwrap(), kept_keys);
    let (s, _) = api
        .call(
            Method::GET,
            &format!("/api/boards/{}?token={f}", board.id),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 404);
    let mut late = RawClient::connect(&srv.ws(&board.id, DocKind::Content, f))
        .await
        .unwrap();
    let code = late.expect_close().await.unwrap().close_code();
    assert!(
        matches!(
            code,
            Some(CloseCode::UnknownBoard | CloseCode::BoardDeleted)
        ),
        "{code:?}"
    );
}

#[tokio::test]
async fn operator_lists_and_deletes_any_board() {
    let srv = TestServer::start().await.unwrap();
    let token = srv.operator_token();
    let api = srv.api();
    let a = api.create_board("A", "").await.unwrap();
    let b = api.create_board("B", "retrospective").await.unwrap();

    let (s, _) = api
        .call(Method::GET, "/api/admin/boards", None)
        .await
        .unwrap();
    assert_eq!(s, 401);
    let (s, _) = api
        .call(
            Method::GET,
            &format!("/api/admin/boards?token={}", a.token(Role::Facilitator)),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 401, "a facilitator token is not the operator token");
    let (s, list) = api
        .call(
            Method::GET,
            &format!("/api/admin/boards?token={token}"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
    let mut titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["title"].as_str().unwrap())
        .collect();
    titles.sort();
    assert_eq!(titles, ["A", "B"]);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b.get("tokens").is_none() && b.get("token_hashes").is_none()));

    let (s, _) = api
        .call(
            Method::DELETE,
            &format!("/api/admin/boards/{}?token={token}", b.id),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    let (s, list) = api
        .call(
            Method::GET,
            &format!("/api/admin/boards?token={token}"),
            None,
        )
        .await
        .unwrap();
    assert_eq!((s, list.as_array().unwrap().len()), (200, 1));
    assert_eq!(
        srv.server
            .app
            .storage
            .count_board_keys(&BoardId::parse(&b.id).unwrap())
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn facilitators_can_see_the_current_links_and_nobody_else_can() {
    let srv = TestServer::start().await.unwrap();
    let api = srv.api();
    let board = api.create_board("Links", "swot").await.unwrap();
    let links_path = |token: &str| format!("/api/boards/{}/links?token={token}", board.id);
    let (s, body) = api
        .call(
            Method::GET,
            &links_path(board.token(Role::Facilitator)),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 200);
    for role in Role::ALL {
        assert_eq!(
            body["links"][role.as_str()].as_str(),
            Some(board.created.links[&role].as_str()),
            "{role}: the link handed out at creation"
        );
    }
    for role in [Role::Editor, Role::Commenter, Role::Viewer] {
        let (s, body) = api
            .call(Method::GET, &links_path(board.token(role)), None)
            .await
            .unwrap();
        assert_eq!(
            (s, body["code"].as_str()),
            (403, Some("forbidden")),
            "{role}"
        );
        assert!(body.get("links").is_none());
    }
    let (s, _) = api
        .call(Method::GET, &links_path("not-a-token"), None)
        .await
        .unwrap();
    assert_eq!(s, 401);
    // After a rotation the new link is the one shown, and it works.
    let f = board.token(Role::Facilitator);
    let (_, rotated) = api
        .call(
            Method::POST,
            &format!("/api/boards/{}/tokens/viewer?token={f}", board.id),
            None,
        )
        .await
        .unwrap();
    let (_, body) = api.call(Method::GET, &links_path(f), None).await.unwrap();
    assert_eq!(body["links"]["viewer"], rotated["link"]);
    assert_ne!(
        body["links"]["viewer"].as_str(),
        Some(board.created.links[&Role::Viewer].as_str())
    );
    let new_token = rotated["token"].as_str().unwrap();
    let (s, info) = api
        .call(
            Method::GET,
            &format!("/api/boards/{}?token={new_token}", board.id),
            None,
        )
        .await
        .unwrap();
    assert_eq!((s, info["role"].as_str()), (200, Some("viewer")));
}

/// A rename that lands just after a token rotation must not write back the old
/// record: the revoked link stays revoked. Both requests race, many rounds.
#[tokio::test]
async fn renames_racing_rotations_never_bring_a_revoked_link_back() {
    let srv = TestServer::start().await.unwrap();
    let api = srv.api();
    let board = api.create_board("Race", "").await.unwrap();
    let f = board.token(Role::Facilitator).to_owned();
    let mut revoked = vec![board.token(Role::Editor).to_owned()];
    for round in 0..30 {
        let rename_path = format!("/api/boards/{}?token={f}", board.id);
        let rotate_path = format!("/api/boards/{}/tokens/editor?token={f}", board.id);
        let rename = api.call(
            Method::PATCH,
            &rename_path,
            Some(json!({ "title": format!("round {round}") })),
        );
        let rotate = api.call(Method::POST, &rotate_path, None);
        let ((renamed, _), (rotated, body)) =
            tokio::join!(async { rename.await.unwrap() }, async {
                rotate.await.unwrap()
            });
        assert_eq!((renamed, rotated), (200, 200));
        revoked.push(body["token"].as_str().unwrap().to_owned());
    }
    let current = revoked.pop().unwrap();
    let info = |token: String| {
        let api = &api;
        let id = board.id.clone();
        async move {
            api.call(
                Method::GET,
                &format!("/api/boards/{id}?token={token}"),
                None,
            )
            .await
            .unwrap()
        }
    };
    let (s, body) = info(current).await;
    assert_eq!((s, body["role"].as_str()), (200, Some("editor")));
    assert_eq!(body["title"].as_str(), Some("round 29"));
    for old in revoked {
        let (s, _) = info(old).await;
        assert_eq!(s, 401, "a rotated-away link opens the board again");
    }
}

#[tokio::test]
async fn creating_boards_is_limited_per_address_and_a_trusted_proxy_names_it() {
    let srv = TestServer::start_with(|c| c.creates_per_minute = 3)
        .await
        .unwrap();
    let api = srv.api();
    let create = |forwarded: Option<&'static str>| {
        let http = reqwest::Client::new();
        let url = format!("{}/api/boards", srv.http());
        async move {
            let mut req = http.post(url).json(&serde_json::json!({"title": "x"}));
            if let Some(f) = forwarded {
                req = req.header("x-forwarded-for", f);
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            (
                status,
                resp.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    for _ in 0..3 {
        assert_eq!(create(None).await.0, 201);
    }
    let (status, refused) = create(None).await;
    assert_eq!(status, 429);
    assert_eq!(refused["code"], tafel_shared::api::ERR_RATE_LIMITED);
    // Without --trusted-proxy, a client cannot name another address.
    assert_eq!(create(Some("203.0.113.9")).await.0, 429);
    // Importing counts as creating.
    let (s, _) = api
        .call_raw(Method::POST, "/api/boards/import", "application/json", "{}")
        .await
        .unwrap();
    assert_eq!(s, 429);

    // Behind a trusted proxy, each client address has its own allowance.
    let srv = TestServer::start_with(|c| {
        c.creates_per_minute = 1;
        c.trusted_proxy = true;
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/api/boards", srv.http());
    let post = |from: &'static str| {
        http.post(&url)
            .header("x-forwarded-for", format!("198.51.100.7, {from}"))
            .json(&serde_json::json!({"title": "x"}))
            .send()
    };
    assert_eq!(post("192.0.2.1").await.unwrap().status().as_u16(), 201);
    assert_eq!(post("192.0.2.1").await.unwrap().status().as_u16(), 429);
    assert_eq!(
        post("192.0.2.2").await.unwrap().status().as_u16(),
        201,
        "the address the proxy appended counts, not the first one"
    );
}

#[tokio::test]
async fn with_an_origin_allow_list_other_sites_pages_cannot_call_or_connect() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let srv = TestServer::start_with(|c| {
        c.allowed_origins = vec!["https://tafel.example".into()];
    })
    .await
    .unwrap();
    let board = srv.api().create_board("Origins", "").await.unwrap();
    let http = reqwest::Client::new();
    let create = |origin: Option<&'static str>| {
        let mut req = http
            .post(format!("{}/api/boards", srv.http()))
            .json(&serde_json::json!({"title": "x"}));
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.send()
    };
    assert_eq!(
        create(Some("https://evil.example"))
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        create(Some("https://tafel.example"))
            .await
            .unwrap()
            .status()
            .as_u16(),
        201
    );
    assert_eq!(
        create(None).await.unwrap().status().as_u16(),
        201,
        "scripts send no Origin"
    );
    let socket = |origin: &'static str| {
        let mut req = srv
            .ws(&board.id, DocKind::Content, board.token(Role::Viewer))
            .into_client_request()
            .unwrap();
        req.headers_mut().insert("origin", origin.parse().unwrap());
        tokio_tungstenite::connect_async(req)
    };
    assert!(
        socket("https://evil.example").await.is_err(),
        "refused before the upgrade"
    );
    assert!(socket("https://tafel.example").await.is_ok());
    let refused = srv
        .api()
        .metric("tafel_refused_total{reason=\"origin not allowed\"}")
        .await
        .unwrap();
    assert_eq!(refused, 2.0);

    // Off by default: any origin may.
    let open = TestServer::start().await.unwrap();
    let resp = reqwest::Client::new()
        .post(format!("{}/api/boards", open.http()))
        .header("origin", "https://elsewhere.example")
        .json(&serde_json::json!({"title": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
}

#[tokio::test]
async fn private_metrics_answer_only_the_operator() {
    let srv = TestServer::start_with(|c| c.metrics_private = true)
        .await
        .unwrap();
    let token = srv.operator_token();
    let http = reqwest::Client::new();
    let get = |bearer: Option<String>| {
        let mut req = http.get(format!("{}/metrics", srv.http()));
        if let Some(b) = bearer {
            req = req.bearer_auth(b);
        }
        req.send()
    };
    assert_eq!(get(None).await.unwrap().status().as_u16(), 401);
    let board = srv.api().create_board("M", "").await.unwrap();
    assert_eq!(
        get(Some(board.token(Role::Facilitator).to_owned()))
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    let ok = get(Some(token)).await.unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    assert!(ok.text().await.unwrap().contains("tafel_open_sockets"));
    // Open by default.
    let open = TestServer::start().await.unwrap();
    assert_eq!(
        reqwest::get(format!("{}/metrics", open.http()))
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
}

/// The access log a data-protection officer asks for: who created, opened,
/// exported, shared and deleted which board, when, with which role and from
/// which address, readable only by the operator, as JSON or CSV; never a
/// token, never what the board holds.
#[tokio::test]
async fn the_access_log_records_who_did_what_with_a_board_and_nothing_it_holds() {
    let srv = TestServer::start().await.unwrap();
    let api = srv.api();
    let board = api.create_board("Vertraulich", "").await.unwrap();
    let id = board.id.clone();
    let (f, v) = (board.token(Role::Facilitator), board.token(Role::Viewer));
    let mut editor = SyncClient::connect(&srv.ws(&id, DocKind::Content, board.token(Role::Editor)))
        .await
        .unwrap();
    add_sticky(&mut editor, "n", "Gehaltsbänder 2027").await;
    let (status, _) = api
        .call(
            Method::GET,
            &format!("/api/boards/{id}/export/json?token={v}"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    for (method, path) in [
        (Method::GET, format!("/api/boards/{id}/links?token={f}")),
        (
            Method::POST,
            format!("/api/boards/{id}/tokens/viewer?token={f}"),
        ),
        (Method::DELETE, format!("/api/boards/{id}?token={f}")),
    ] {
        let (status, _) = api.call(method, &path, None).await.unwrap();
        assert!(status < 300, "{path}: {status}");
    }
    drop(editor);

    let operator = srv.operator_token();
    let log_path = format!("/api/admin/access-log?token={operator}");
    let (status, _) = api
        .call(
            Method::GET,
            &format!("/api/admin/access-log?token={f}"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 401, "only the operator reads it");
    // Entries are written as best effort, behind the actions they record.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let log = loop {
        let (status, log) = api.call(Method::GET, &log_path, None).await.unwrap();
        assert_eq!(status, 200);
        if log.as_array().is_some_and(|l| l.len() >= 6) {
            break log;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not all logged: {log}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let rows: Vec<(String, Option<String>)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["board"], json!(id));
            assert_eq!(e["address"], json!("127.0.0.1"));
            (
                e["action"].as_str().unwrap().to_owned(),
                e["role"].as_str().map(str::to_owned),
            )
        })
        .collect();
    let expected: Vec<(String, Option<String>)> = [
        ("create", None),
        ("open", Some("editor")),
        ("export", Some("viewer")),
        ("share", Some("facilitator")),
        ("share", Some("facilitator")),
        ("delete", Some("facilitator")),
    ]
    .iter()
    .map(|(a, r)| (a.to_string(), r.map(str::to_owned)))
    .collect();
    assert_eq!(rows, expected);
    let text = log.to_string();
    for secret in [
        f,
        v,
        board.token(Role::Editor),
        "Gehaltsbänder",
        "Vertraulich",
    ] {
        assert!(!text.contains(secret), "the log holds {secret:?}");
    }
    let (status, csv) = api
        .get_text(&format!("{log_path}&format=csv"))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(csv.starts_with("time_utc,at_ms,action,board,role,address,detail"));
    assert_eq!(csv.lines().count(), 7);
}

/// `--retention-days`: a board nobody changed for that long is deleted (and
/// logged), a board someone has open or changed lately is kept, and every board
/// tells its facilitators when it would go.
#[tokio::test]
async fn boards_untouched_past_the_retention_are_deleted_and_say_when_beforehand() {
    let srv = TestServer::start_with(|c| c.retention_days = Some(30))
        .await
        .unwrap();
    let api = srv.api();
    let old = api.create_board("Alt", "").await.unwrap();
    let open = api.create_board("Offen", "").await.unwrap();
    let fresh = api.create_board("Neu", "").await.unwrap();
    let storage = &srv.server.app.storage;
    let day = 86_400_000u64;
    let long_ago =
        tafel_server::clock::Clock::unix_ms(&tafel_server::clock::SystemClock) - 31 * day;
    for b in [&old, &open] {
        let id = BoardId::parse(&b.id).unwrap();
        storage
            .update_board(&id, |r| {
                r.updated_ms = long_ago;
                r.created_ms = long_ago;
            })
            .unwrap();
    }
    let _someone =
        SyncClient::connect(&srv.ws(&open.id, DocKind::Content, open.token(Role::Viewer)))
            .await
            .unwrap();
    let (_, info) = api
        .call(
            Method::GET,
            &format!(
                "/api/boards/{}?token={}",
                fresh.id,
                fresh.token(Role::Facilitator)
            ),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        info["deleted_after_ms"].as_u64().unwrap(),
        info["updated_ms"].as_u64().unwrap() + 30 * day
    );

    let deleted = tafel_server::http::sweep_retention(&srv.server.app)
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let gone = BoardId::parse(&old.id).unwrap();
    assert!(storage.get_board(&gone).unwrap().is_none());
    assert_eq!(storage.count_board_keys(&gone).unwrap(), 0);
    for kept in [&open, &fresh] {
        assert!(storage
            .get_board(&BoardId::parse(&kept.id).unwrap())
            .unwrap()
            .is_some());
    }
    let operator = srv.operator_token();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (_, log) = api
            .call(
                Method::GET,
                &format!("/api/admin/access-log?token={operator}&board={}", old.id),
                None,
            )
            .await
            .unwrap();
        let retained = log.as_array().unwrap().iter().any(|e| {
            e["action"] == "delete" && e["detail"].as_str().unwrap_or("").contains("retention")
        });
        if retained {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not logged: {log}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
