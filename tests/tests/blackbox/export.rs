//! Exports against the real server, read back the way their users' tools read
//! them: the SVG names every note's text, the PNG has the board's size and is
//! not blank, the PDF opens in a PDF parser with one page per frame asked for,
//! Jira's CSV parses with a CSV library, the Markdown for Confluence matches a
//! reviewed fixture, the JSON imports as a new board that exports the same, and
//! every export honours links. `tafel export` writes the same from a stopped
//! server's data directory.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use reqwest::Method;
use tafel_shared::action::Action;
use tafel_shared::comments::{Anchor, CommentCommand};
use tafel_shared::element::{read_all, Element, Props};
use tafel_shared::geometry::Rect;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_shared::workshop::RoundSettings;
use tafel_tests::server::Board;
use tafel_tests::{ServerProcess, SyncClient, TestServer};
use yrs::Transact;

/// The retrospective template's frames, by title.
fn frames(layer: &SyncClient) -> Vec<Element> {
    let map = schema::elements(&layer.doc);
    let txn = layer.doc.transact();
    let mut all: Vec<Element> = read_all(&txn, &map)
        .into_iter()
        .filter(|e| e.is_frame())
        .collect();
    all.sort_by(|a, b| a.base.rect.x.total_cmp(&b.base.rect.x));
    all
}

fn title(e: &Element) -> String {
    match &e.props {
        Props::Frame(f) => f.title.clone(),
        _ => String::new(),
    }
}

async fn get(srv_http: &str, path: &str) -> (u16, Vec<u8>, reqwest::header::HeaderMap) {
    let resp = reqwest::get(format!("{srv_http}{path}")).await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, resp.bytes().await.unwrap().to_vec(), headers)
}

/// A retrospective with notes in two frames, a voting round and a comment thread.
async fn retro(srv: &TestServer) -> (Board, Vec<Element>) {
    let board = srv
        .api()
        .create_board("Retro Sprint 42", "retrospective")
        .await
        .unwrap();
    let coach_id = srv.api().participant().await.unwrap();
    let url = srv.ws_as(
        &board.id,
        DocKind::Content,
        board.token(Role::Facilitator),
        &coach_id,
    );
    let mut coach = SyncClient::connect(&url).await.unwrap();
    let layer = SyncClient::connect(&srv.ws(&board.id, DocKind::Locked, board.token(Role::Viewer)))
        .await
        .unwrap();
    let frames = frames(&layer);
    let note = |id: &str, frame: &Element, i: f64, text: &str, author: &str| {
        let r = frame.base.rect;
        let mut e = tafel_tests::sticky(
            id,
            Rect::new(r.x + 20.0 + i * 180.0, r.y + 60.0, 160.0, 160.0),
            "a0",
            text,
            author,
        );
        e.base.parent = frame.base.id.clone();
        e
    };
    let notes = [
        note("n1", &frames[0], 0.0, "Kaffee & Kuchen\nam Freitag", "Ada"),
        note("n2", &frames[0], 1.0, "Pairing <3", "Ben"),
        note("n3", &frames[1], 0.0, "Zu viele Meetings", "Ada"),
    ];
    let map = schema::elements(&coach.doc);
    coach
        .edit(|txn| {
            for n in &notes {
                n.insert(txn, &map);
            }
        })
        .await
        .unwrap();
    // Two dots on n3, one on n1.
    let start = coach
        .act(Action::StartRound {
            settings: RoundSettings::new("Was ändern wir?", 3),
        })
        .await
        .unwrap();
    assert_eq!(start.refused, None);
    let round = coach.board_view.as_ref().unwrap().open_round().unwrap().id;
    for element in ["n3", "n1", "n3"] {
        let mut settings_ok = coach
            .act(Action::Vote {
                round,
                element: element.into(),
            })
            .await
            .unwrap();
        if settings_ok.refused.is_some() {
            // One dot per element unless the round allows more: vote as someone else.
            let other = srv.api().participant().await.unwrap();
            let url = srv.ws_as(
                &board.id,
                DocKind::Content,
                board.token(Role::Editor),
                &other,
            );
            let mut voter = SyncClient::connect(&url).await.unwrap();
            settings_ok = voter
                .act(Action::Vote {
                    round,
                    element: element.into(),
                })
                .await
                .unwrap();
        }
        assert_eq!(settings_ok.refused, None);
    }
    assert_eq!(
        coach.act(Action::EndRound { round }).await.unwrap().refused,
        None
    );
    // A thread on n3 with a reply.
    let mut talk = SyncClient::connect(&srv.ws_as(
        &board.id,
        DocKind::Comments,
        board.token(Role::Commenter),
        &coach_id,
    ))
    .await
    .unwrap();
    let open = CommentCommand::Open {
        thread: "t1".into(),
        comment: "t1-1".into(),
        anchor: Anchor::Element {
            id: "n3".into(),
            dx: 5.0,
            dy: 5.0,
            x: 0.0,
            y: 0.0,
        },
        text: "Welche genau?".into(),
        name: "Coach".into(),
        mentions: vec![],
    };
    assert_eq!(
        talk.act(Action::Comment { command: open })
            .await
            .unwrap()
            .refused,
        None
    );
    let reply = CommentCommand::Reply {
        thread: "t1".into(),
        comment: "t1-2".into(),
        text: "Das Daily um 9".into(),
        name: "Ben".into(),
        mentions: vec![],
    };
    assert_eq!(
        talk.act(Action::Comment { command: reply })
            .await
            .unwrap()
            .refused,
        None
    );
    crate::common::stored(srv, &board, "n3").await;
    (board, frames)
}

#[tokio::test]
async fn every_export_reads_back_in_the_tool_it_is_for_and_honours_links() {
    let srv = TestServer::start().await.unwrap();
    let (board, frames) = retro(&srv).await;
    let http = srv.http();
    let v = board.token(Role::Viewer);
    let base = format!("/api/boards/{}/export", board.id);

    // SVG: every note's text, served so it can never run as a page.
    let (status, svg, headers) = get(&http, &format!("{base}/svg?token={v}")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-security-policy"], "sandbox");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("Retro-Sprint-42.svg"));
    let svg = String::from_utf8(svg).unwrap();
    // Lines break at words: every word of every note is there, escaped.
    for text in [
        "Kaffee & Kuchen\nam Freitag",
        "Pairing <3",
        "Zu viele Meetings",
    ] {
        for word in text.split_whitespace() {
            let escaped = word.replace('&', "&amp;").replace('<', "&lt;");
            assert!(
                svg.contains(&format!(">{escaped}")) || svg.contains(&format!(" {escaped}")),
                "the SVG names {word:?}"
            );
        }
    }
    for f in &frames {
        assert!(
            svg.contains(&title(f)),
            "the SVG names frame {:?}",
            title(f)
        );
    }

    // PNG: the board's size (with its margin) and not blank.
    let (status, png_bytes, _) = get(&http, &format!("{base}/png?token={v}")).await;
    assert_eq!(status, 200);
    std::fs::write(std::env::temp_dir().join("tafel-export.png"), &png_bytes).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let bounds = Rect::bounding(frames.iter().map(|f| f.base.rect)).unwrap();
    assert_eq!(
        (info.width, info.height),
        (
            (bounds.w + 80.0).ceil() as u32,
            (bounds.h + 80.0).ceil() as u32
        )
    );
    let first = &pixels[..4];
    let varied = pixels.chunks(4).filter(|p| *p != first).count();
    assert!(
        varied > pixels.len() / 4 / 100,
        "more than 1 % of the picture is drawn on"
    );

    // PDF: one page per frame asked for.
    let wanted = format!("{},{}", title(&frames[0]), title(&frames[1]));
    let (status, pdf, _) = get(
        &http,
        &format!("{base}/pdf?token={v}&frame={}", urlencode(&wanted)),
    )
    .await;
    assert_eq!(status, 200);
    let doc = lopdf::Document::load_mem(&pdf).expect("a PDF parser opens it");
    assert_eq!(doc.get_pages().len(), 2);
    let (status, _, _) = get(&http, &format!("{base}/pdf?token={v}&frame=Nope")).await;
    assert_eq!(status, 400, "an unknown frame is a clear error");

    // Jira CSV of the first frame.
    let (status, csv_bytes, _) = get(
        &http,
        &format!(
            "{base}/csv?token={v}&frame={}",
            urlencode(&title(&frames[0]))
        ),
    )
    .await;
    assert_eq!(status, 200);
    let mut rows = csv::Reader::from_reader(csv_bytes.as_slice());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        ["Summary", "Description", "Labels", "Labels", "Votes"]
    );
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "one row per note of the frame");
    let kaffee = rows
        .iter()
        .find(|r| &r[0] == "Kaffee & Kuchen")
        .expect("first line is the summary");
    assert!(
        kaffee[1].starts_with("am Freitag"),
        "the rest is the description: {:?}",
        &kaffee[1]
    );
    assert_eq!(
        &kaffee[2],
        title(&frames[0])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-")
    );
    assert_eq!(&kaffee[3], "yellow");
    assert_eq!(&kaffee[4], "1");

    // Markdown for Confluence, against the reviewed fixture.
    let (status, md, _) = get(&http, &format!("{base}/md?token={v}")).await;
    assert_eq!(status, 200);
    let md = String::from_utf8(md).unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/retro.md");
    if std::env::var_os("TAFEL_WRITE_FIXTURES").is_some() {
        std::fs::write(&fixture, &md).unwrap();
    }
    assert_eq!(md, std::fs::read_to_string(&fixture).unwrap());

    // JSON: imported as a new board, which exports the same (but for nothing).
    let (status, json, _) = get(&http, &format!("{base}/json?token={v}")).await;
    assert_eq!(status, 200);
    let exported: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let (status, created) = srv
        .api()
        .call(Method::POST, "/api/boards/import", Some(exported.clone()))
        .await
        .unwrap();
    assert_eq!(status, 201, "{created}");
    let copy = created["id"].as_str().unwrap();
    let copy_token = created["tokens"]["viewer"].as_str().unwrap();
    let (_, again, _) = get(
        &http,
        &format!("/api/boards/{copy}/export/json?token={copy_token}"),
    )
    .await;
    let again: serde_json::Value = serde_json::from_slice(&again).unwrap();
    assert_eq!(again, exported);
    let (status, _) = srv
        .api()
        .call(
            Method::POST,
            "/api/boards/import",
            Some(serde_json::json!({"format": "miro", "version": 1, "title": "x", "elements": []})),
        )
        .await
        .unwrap();
    assert_eq!(status, 400);

    // Links: a viewer exports; no link, a wrong link or an unknown format does not.
    let (status, _, _) = get(&http, &format!("{base}/svg")).await;
    assert_eq!(status, 401);
    let (status, _, _) = get(&http, &format!("{base}/svg?token={}", "x".repeat(43))).await;
    assert_eq!(status, 401);
    let (status, _, _) = get(&http, &format!("{base}/docx?token={v}")).await;
    assert_eq!(status, 404);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b',' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn tafel_export_writes_a_pdf_from_a_stopped_servers_data() {
    let dir = tafel_tests::DataDir::new().unwrap();
    let srv = ServerProcess::start(dir.path(), &[]).await.unwrap();
    let board = srv
        .api()
        .create_board("Vision 2030", "vision")
        .await
        .unwrap();
    let layer = SyncClient::connect(&srv.ws(&board.id, DocKind::Locked, board.token(Role::Viewer)))
        .await
        .unwrap();
    let first = title(&frames(&layer)[0]);
    drop(layer.disconnect().await);
    assert!(srv.terminate().await.unwrap().success());

    let out = dir.path().join("vision.pdf");
    let status = std::process::Command::new(tafel_tests::server::tafel_binary().unwrap())
        .args([
            "export", &board.id, "--format", "pdf", "--frame", &first, "-o",
        ])
        .arg(&out)
        .arg("--data")
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let doc = lopdf::Document::load_mem(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc.get_pages().len(), 1);

    let missing = std::process::Command::new(tafel_tests::server::tafel_binary().unwrap())
        .args(["export", &"A".repeat(22), "--format", "svg", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no board"));
}
