//! The agency's own templates over the real HTTP API and sockets: a
//! facilitator saves a board (or one frame) as a template, everyone on the
//! server lists it and starts boards from it with its content and pictures;
//! only facilitators save, only the saver's token or the operator rename and
//! delete; a template can never be opened as a board; with
//! `--templates-by-operator` only the operator saves and manages.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use reqwest::Method;
use serde_json::json;
use tafel_shared::element::{read_all, ConnectorProps, Element, Props};
use tafel_shared::geometry::Rect;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::{SyncClient, TestServer};

async fn elements_of(srv: &TestServer, board: &str, token: &str, doc: DocKind) -> Vec<Element> {
    let client = SyncClient::connect(&srv.ws(board, doc, token))
        .await
        .unwrap();
    let map = schema::elements(&client.doc);
    let all = read_all(&yrs::Transact::transact(&client.doc), &map);
    all
}

#[tokio::test]
async fn a_board_saved_as_template_starts_new_boards_with_its_content() {
    let srv = TestServer::start().await.unwrap();
    let api = srv.api();
    let board = api.create_board("Kickoff", "swot").await.unwrap();
    let fac = board.token(Role::Facilitator).to_owned();
    // Notes in the first frame, a connector between them, and one loose note.
    let mut writer = SyncClient::connect(&srv.ws(&board.id, DocKind::Content, &fac))
        .await
        .unwrap();
    let elements = schema::elements(&writer.doc);
    writer
        .edit(|txn| {
            let mut a = tafel_tests::sticky(
                "a",
                Rect::new(40.0, 100.0, 160.0, 160.0),
                "b0",
                "Team",
                "Ada",
            );
            a.base.parent = "frame-0".into();
            a.insert(txn, &elements);
            let mut b = tafel_tests::sticky(
                "b",
                Rect::new(300.0, 100.0, 160.0, 160.0),
                "b1",
                "Mut",
                "Ada",
            );
            b.base.parent = "frame-0".into();
            b.insert(txn, &elements);
            let link = ConnectorProps {
                from: "a".into(),
                to: "b".into(),
                ..ConnectorProps::default()
            };
            Element::new("ab", Rect::new(0.0, 0.0, 1.0, 1.0), Props::Connector(link))
                .insert(txn, &elements);
            tafel_tests::sticky(
                "loose",
                Rect::new(2000.0, 0.0, 160.0, 160.0),
                "b2",
                "Später",
                "Ada",
            )
            .insert(txn, &elements);
        })
        .await
        .unwrap();

    // Only a facilitator saves.
    let save = |token: &str, body: serde_json::Value| {
        let path = format!("/api/boards/{}/templates?token={token}", board.id);
        let api = srv.api();
        async move { api.call(Method::POST, &path, Some(body)).await.unwrap() }
    };
    let (s, _) = save(
        board.token(Role::Editor),
        json!({"name": "Agentur-Kickoff"}),
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = save(&fac, json!({"name": "  "})).await;
    assert_eq!(s, 400, "a template needs a name");
    let (s, saved) = save(
        &fac,
        json!({"name": "Agentur-Kickoff", "description": "SWOT mit Startkarten"}),
    )
    .await;
    assert_eq!(s, 201, "{saved}");
    let id = saved["template"]["id"].as_str().unwrap().to_owned();
    let manage = saved["manage_token"].as_str().unwrap().to_owned();
    assert_eq!(
        saved["template"]["elements"],
        4 + 4,
        "four frames, four elements"
    );

    // Everyone lists it, without any token.
    let (s, list) = api.call(Method::GET, "/api/templates", None).await.unwrap();
    assert_eq!(s, 200);
    assert_eq!(list[0]["name"], "Agentur-Kickoff");
    assert_eq!(list[0]["description"], "SWOT mit Startkarten");
    // It is not a board: no socket, no board API opens it.
    assert_eq!(
        api.call(
            Method::GET,
            &format!("/api/boards/{id}?token={manage}"),
            None
        )
        .await
        .unwrap()
        .0,
        404
    );
    assert!(SyncClient::connect(&srv.ws(&id, DocKind::Content, &manage))
        .await
        .is_err());

    // A board started from it has the content, locked frames and agenda.
    let (s, created) = api
        .call(
            Method::POST,
            "/api/boards",
            Some(json!({"title": "Kickoff Kunde B", "template": format!("saved:{id}")})),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{created}");
    let new_id = created["id"].as_str().unwrap();
    let new_fac = created["tokens"]["facilitator"].as_str().unwrap();
    let content = elements_of(&srv, new_id, new_fac, DocKind::Content).await;
    let mut texts: Vec<&str> = content
        .iter()
        .map(|e| e.text())
        .filter(|t| !t.is_empty())
        .collect();
    texts.sort_unstable();
    assert_eq!(texts, ["Mut", "Später", "Team"]);
    let locked = elements_of(&srv, new_id, new_fac, DocKind::Locked).await;
    assert_eq!(locked.iter().filter(|e| e.is_frame()).count(), 4);
    // Editing the new board leaves the template as it was.
    let mut w = SyncClient::connect(&srv.ws(new_id, DocKind::Content, new_fac))
        .await
        .unwrap();
    let map = schema::elements(&w.doc);
    w.edit(|txn| {
        tafel_tests::sticky("new", Rect::new(0.0, 0.0, 160.0, 160.0), "c0", "Neu", "Ben")
            .insert(txn, &map);
    })
    .await
    .unwrap();
    let (_, again) = api
        .call(
            Method::POST,
            "/api/boards",
            Some(json!({"title": "Dritter", "template": format!("saved:{id}")})),
        )
        .await
        .unwrap();
    let third = elements_of(
        &srv,
        again["id"].as_str().unwrap(),
        again["tokens"]["viewer"].as_str().unwrap(),
        DocKind::Content,
    )
    .await;
    assert_eq!(third.len(), 4, "the template did not take the later note");

    // One frame only: its notes and their connector, moved to the origin.
    let (s, framed) = save(&fac, json!({"name": "Nur Stärken", "frame": "frame-0"})).await;
    assert_eq!(s, 201, "{framed}");
    assert_eq!(
        framed["template"]["elements"], 4,
        "the frame, two notes, the connector"
    );
    let (_, b2) = api
        .call(
            Method::POST,
            "/api/boards",
            Some(json!({"template": format!("saved:{}", framed["template"]["id"].as_str().unwrap())})),
        )
        .await
        .unwrap();
    let b2_token = b2["tokens"]["viewer"].as_str().unwrap();
    let b2_content =
        elements_of(&srv, b2["id"].as_str().unwrap(), b2_token, DocKind::Content).await;
    let ids: Vec<&str> = b2_content.iter().map(|e| e.base.id.as_str()).collect();
    assert!(
        ids.contains(&"a") && ids.contains(&"ab") && !ids.contains(&"loose"),
        "{ids:?}"
    );
    let b2_frames = elements_of(&srv, b2["id"].as_str().unwrap(), b2_token, DocKind::Locked).await;
    assert_eq!(b2_frames.len(), 1);
    assert_eq!(
        (b2_frames[0].base.rect.x, b2_frames[0].base.rect.y),
        (0.0, 0.0)
    );
    let (s, _) = save(&fac, json!({"name": "X", "frame": "no-such-frame"})).await;
    assert_eq!(s, 404);

    // Renaming and deleting: the saver's token or the operator, nobody else.
    let path = format!("/api/templates/{id}");
    let (s, _) = api
        .call(
            Method::PATCH,
            &format!("{path}?token={fac}"),
            Some(json!({"name": "Weg"})),
        )
        .await
        .unwrap();
    assert_eq!(
        s, 401,
        "a board's facilitator token does not manage templates"
    );
    let (s, renamed) = api
        .call(
            Method::PATCH,
            &format!("{path}?token={manage}"),
            Some(json!({"name": "Kickoff (Agentur)"})),
        )
        .await
        .unwrap();
    assert_eq!(
        (s, renamed["name"].clone()),
        (200, json!("Kickoff (Agentur)"))
    );
    let (s, export) = api
        .call(Method::GET, &format!("{path}/export?token={manage}"), None)
        .await
        .unwrap();
    assert_eq!(s, 200);
    assert_eq!(export["format"], tafel_shared::api::BOARD_EXPORT_FORMAT);
    assert_eq!(export["elements"].as_array().unwrap().len(), 4);
    let (s, _) = api
        .call(Method::DELETE, &format!("{path}?token={manage}"), None)
        .await
        .unwrap();
    assert_eq!(s, 204);
    let (s, _) = api
        .call(
            Method::POST,
            "/api/boards",
            Some(json!({"template": format!("saved:{id}")})),
        )
        .await
        .unwrap();
    assert_eq!(s, 400, "a deleted template starts nothing");
    let op = srv.operator_token();
    let other = framed["template"]["id"].as_str().unwrap();
    let (s, _) = api
        .call(
            Method::DELETE,
            &format!("/api/templates/{other}?token={op}"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 204, "the operator deletes any template");
    let (_, list) = api.call(Method::GET, "/api/templates", None).await.unwrap();
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn with_templates_by_operator_only_the_operator_saves_and_manages() {
    let srv = TestServer::start_with(|c| c.templates_by_operator = true)
        .await
        .unwrap();
    let api = srv.api();
    let board = api.create_board("Retro", "retrospective").await.unwrap();
    let path = |token: &str| format!("/api/boards/{}/templates?token={token}", board.id);
    let (s, refused) = api
        .call(
            Method::POST,
            &path(board.token(Role::Facilitator)),
            Some(json!({"name": "Retro"})),
        )
        .await
        .unwrap();
    assert_eq!(s, 403);
    assert!(refused["message"].as_str().unwrap().contains("operator"));
    let op = srv.operator_token();
    let (s, saved) = api
        .call(Method::POST, &path(&op), Some(json!({"name": "Retro"})))
        .await
        .unwrap();
    assert_eq!(s, 201);
    let id = saved["template"]["id"].as_str().unwrap();
    let manage = saved["manage_token"].as_str().unwrap();
    let (s, _) = api
        .call(
            Method::DELETE,
            &format!("/api/templates/{id}?token={manage}"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 403, "the saver's token does not manage here");
    let (s, _) = api
        .call(
            Method::DELETE,
            &format!("/api/templates/{id}?token={op}"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
}
