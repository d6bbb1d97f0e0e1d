//! Pictures on boards against the real server: who may upload, what is taken
//! (the type from the bytes, the size limit, the board's quota), how files are
//! served (their checked type, sandboxed, SVG never as a document), that a
//! large photo is downscaled for the canvas, and that pictures go wherever the
//! board goes: exports draw them, the JSON carries them, an import brings them
//! back, deleting the board erases them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use reqwest::{Method, StatusCode};
use std::io::Cursor;
use tafel_shared::api::{FileInfo, FilesUsage, DISPLAY_MAX_PX, SMALL_MAX_PX};
use tafel_shared::element::{Element, ImageProps, Props};
use tafel_shared::geometry::Rect;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::server::Board;
use tafel_tests::{SyncClient, TestServer};

fn photo(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    let picture = image::RgbImage::from_pixel(w, h, image::Rgb(rgb));
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

/// A PNG of noise: does not compress, so its size is about `w`·`h`·3 bytes.
fn noise_png(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let picture = image::RgbImage::from_fn(w, h, |_, _| {
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state & 0xff) as u8
        };
        image::Rgb([next(), next(), next()])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

async fn request(
    srv: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Vec<u8>>,
) -> Answer {
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", srv.http()));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.header("content-type", "image/png").body(b);
    }
    let resp = req.send().await.unwrap();
    Answer {
        status: resp.status(),
        headers: resp.headers().clone(),
        body: resp.bytes().await.unwrap().to_vec(),
    }
}

async fn upload(srv: &TestServer, board: &Board, role: Role, bytes: Vec<u8>) -> Answer {
    request(
        srv,
        Method::POST,
        &format!("/api/boards/{}/files", board.id),
        Some(board.token(role)),
        Some(bytes),
    )
    .await
}

async fn listed(srv: &TestServer, board: &Board) -> FilesUsage {
    let a = request(
        srv,
        Method::GET,
        &format!("/api/boards/{}/files", board.id),
        Some(board.token(Role::Viewer)),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    serde_json::from_slice(&a.body).unwrap()
}

async fn fetch(srv: &TestServer, board: &Board, hash: &str, rest: &str) -> Answer {
    request(
        srv,
        Method::GET,
        &format!("/api/boards/{}/files/{hash}{rest}", board.id),
        Some(board.token(Role::Viewer)),
        None,
    )
    .await
}

#[tokio::test]
async fn an_editors_photo_is_stored_once_downscaled_for_the_canvas_and_served_safely() {
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Vision", "blank").await.unwrap();
    let original = photo(3200, 1600, [30, 120, 200]);

    let first = upload(&srv, &board, Role::Editor, original.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.json());
    let info: FileInfo = serde_json::from_slice(&first.body).unwrap();
    assert_eq!(info.mime, "image/jpeg");
    assert_eq!((info.width, info.height), (3200, 1600));
    assert_eq!(info.bytes, original.len() as u64);

    // The same picture again (a facilitator this time) is the same file.
    let again = upload(&srv, &board, Role::Facilitator, original.clone()).await;
    assert_eq!(again.status, StatusCode::OK);
    let again: FileInfo = serde_json::from_slice(&again.body).unwrap();
    assert_eq!(again, info);
    let usage = listed(&srv, &board).await;
    assert_eq!(usage.files, vec![info.clone()]);
    assert_eq!(usage.used_bytes, original.len() as u64);

    // The canvas gets a downscaled JPEG, any reader of the board may fetch it.
    let canvas = fetch(&srv, &board, &info.hash, "").await;
    assert_eq!(canvas.status, StatusCode::OK);
    assert_eq!(canvas.header("content-type"), "image/jpeg");
    assert!(canvas.header("content-security-policy").contains("sandbox"));
    assert_eq!(canvas.header("x-content-type-options"), "nosniff");
    assert!(canvas.header("cache-control").contains("immutable"));
    let small = image::load_from_memory(&canvas.body).unwrap();
    assert_eq!(
        (small.width(), small.height()),
        (DISPLAY_MAX_PX, DISPLAY_MAX_PX / 2)
    );
    assert!(canvas.body.len() < original.len());
    // … and a small one for when the picture is small on screen.
    let small = fetch(&srv, &board, &info.hash, "/small").await;
    assert_eq!(small.header("content-type"), "image/jpeg");
    assert!(small.header("content-security-policy").contains("sandbox"));
    let small = image::load_from_memory(&small.body).unwrap();
    assert_eq!(
        (small.width(), small.height()),
        (SMALL_MAX_PX, SMALL_MAX_PX / 2)
    );

    // The original comes back byte for byte.
    let full = fetch(&srv, &board, &info.hash, "/original").await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(full.body, original);

    // No token, another board's token, an unknown or malformed name: nothing.
    let other = srv.api().create_board("Other", "blank").await.unwrap();
    for (token, path) in [
        (
            None,
            format!("/api/boards/{}/files/{}", board.id, info.hash),
        ),
        (
            Some(other.token(Role::Facilitator)),
            format!("/api/boards/{}/files/{}", board.id, info.hash),
        ),
        (
            Some(other.token(Role::Facilitator)),
            format!("/api/boards/{}/files/{}", other.id, info.hash),
        ),
        (
            Some(board.token(Role::Viewer)),
            format!("/api/boards/{}/files/..%2F..%2Fboard", board.id),
        ),
    ] {
        let a = request(&srv, Method::GET, &path, token, None).await;
        assert!(
            matches!(a.status, StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND),
            "{path}: {}",
            a.status
        );
        assert!(a.body.len() < 500, "{path} served bytes");
    }
}

#[tokio::test]
async fn viewers_and_commenters_cannot_upload() {
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Vision", "blank").await.unwrap();
    for role in [Role::Viewer, Role::Commenter] {
        let a = upload(&srv, &board, role, photo(40, 40, [1, 2, 3])).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{role:?}");
        assert_eq!(a.json()["code"], "forbidden");
        assert!(a.json()["message"].as_str().unwrap().contains("pictures"));
    }
    let anonymous = request(
        &srv,
        Method::POST,
        &format!("/api/boards/{}/files", board.id),
        None,
        Some(photo(40, 40, [1, 2, 3])),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(listed(&srv, &board).await.files.is_empty());
}

#[tokio::test]
async fn disguised_oversized_and_over_quota_files_are_refused_readably_and_nothing_is_stored() {
    let srv = TestServer::start_with(|c| {
        c.max_image_mb = 1;
        c.board_images_mb = 1;
    })
    .await
    .unwrap();
    let board = srv.api().create_board("Vision", "blank").await.unwrap();
    let id = tafel_shared::ids::BoardId::parse(&board.id).unwrap();
    let keys_before = srv.server.app.storage.count_board_keys(&id).unwrap();

    // An HTML page named and sent as a PNG.
    let html = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>";
    let a = upload(&srv, &board, Role::Editor, html.to_vec()).await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(a.json()["code"], "not_an_image");
    assert!(a.json()["message"].as_str().unwrap().contains("PNG, JPEG"));
    // A PNG signature in front of a script.
    let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
    fake.extend_from_slice(html);
    let a = upload(&srv, &board, Role::Editor, fake).await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(a.json()["code"], "not_an_image");

    // Over the per-file limit (1 MB): refused before it is read whole.
    let big = noise_png(700, 700, 1);
    assert!(big.len() > 1 << 20);
    let a = upload(&srv, &board, Role::Editor, big).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.json()["code"], "too_large");
    assert!(a.json()["message"].as_str().unwrap().contains("1 MB"));
    assert_eq!(
        srv.server.app.storage.count_board_keys(&id).unwrap(),
        keys_before,
        "a refused upload left something in the store"
    );

    // Two pictures of 600 kB each do not fit a quota of 1 MB.
    let first = noise_png(450, 450, 2);
    assert!(first.len() > 600_000 && first.len() < 1 << 20);
    assert_eq!(
        upload(&srv, &board, Role::Editor, first).await.status,
        StatusCode::CREATED
    );
    let a = upload(&srv, &board, Role::Editor, noise_png(450, 450, 3)).await;
    assert_eq!(a.status, StatusCode::INSUFFICIENT_STORAGE);
    assert_eq!(a.json()["code"], "quota_exceeded");
    assert!(a.json()["message"]
        .as_str()
        .unwrap()
        .contains("of its 1 MB"));
    assert_eq!(listed(&srv, &board).await.files.len(), 1);
}

#[tokio::test]
async fn svg_is_drawn_as_png_and_its_original_only_downloads() {
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Vision", "blank").await.unwrap();
    let svg = br##"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><script>alert(1)</script><rect width="200" height="100" fill="#ff0000"/></svg>"##;
    let a = upload(&srv, &board, Role::Editor, svg.to_vec()).await;
    assert_eq!(a.status, StatusCode::CREATED);
    let info: FileInfo = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(info.mime, "image/svg+xml");
    assert_eq!((info.width, info.height), (200, 100));

    let canvas = fetch(&srv, &board, &info.hash, "").await;
    assert_eq!(canvas.header("content-type"), "image/png");
    let raster = image::load_from_memory(&canvas.body).unwrap().to_rgb8();
    assert_eq!(raster.get_pixel(10, 10).0, [255, 0, 0]);

    let original = fetch(&srv, &board, &info.hash, "/original").await;
    assert_eq!(original.body, svg.to_vec());
    assert_eq!(original.header("content-type"), "image/svg+xml");
    assert!(original
        .header("content-disposition")
        .starts_with("attachment"));
    assert!(original
        .header("content-security-policy")
        .contains("sandbox"));
}

#[tokio::test]
async fn pictures_are_drawn_in_exports_carried_by_json_imported_and_erased_with_the_board() {
    let srv = TestServer::start().await.unwrap();
    let board = srv.api().create_board("Vision", "blank").await.unwrap();
    let a = upload(&srv, &board, Role::Editor, photo(400, 200, [20, 160, 60])).await;
    let info: FileInfo = serde_json::from_slice(&a.body).unwrap();
    let mut writer =
        SyncClient::connect(&srv.ws(&board.id, DocKind::Content, board.token(Role::Editor)))
            .await
            .unwrap();
    let picture = Element::new(
        "pic",
        Rect::new(0.0, 0.0, 400.0, 200.0),
        Props::Image(ImageProps {
            hash: info.hash.clone(),
            alt: "Green field".into(),
            crop: Vec::new(),
        }),
    );
    let map = schema::elements(&writer.doc);
    writer
        .edit(|txn| {
            picture.insert(txn, &map);
        })
        .await
        .unwrap();
    // Without it the export could come before the picture is stored.
    crate::common::stored(&srv, &board, "pic").await;

    // The PNG export shows the picture's green where the image is.
    let png = request(
        &srv,
        Method::GET,
        &format!("/api/boards/{}/export/png", board.id),
        Some(board.token(Role::Viewer)),
        None,
    )
    .await;
    assert_eq!(png.status, StatusCode::OK);
    let drawn = image::load_from_memory(&png.body).unwrap().to_rgb8();
    // The export adds a 40-unit margin around the board.
    let [r, g, b] = drawn.get_pixel(40 + 200, 40 + 100).0;
    assert!(g > 130 && r < 60 && b < 100, "not the photo: {r},{g},{b}");

    // The JSON carries the original; an import brings it to the new board.
    let json = request(
        &srv,
        Method::GET,
        &format!("/api/boards/{}/export/json", board.id),
        Some(board.token(Role::Viewer)),
        None,
    )
    .await;
    let exported = json.json();
    assert_eq!(exported["files"][0]["hash"], info.hash.as_str());
    let (status, created) = srv
        .api()
        .call(Method::POST, "/api/boards/import", Some(exported.clone()))
        .await
        .unwrap();
    assert_eq!(status, 201, "{created}");
    let copy: tafel_shared::api::BoardCreated = serde_json::from_value(created).unwrap();
    let copy = Board {
        id: copy.id.clone(),
        created: copy,
    };
    let served = fetch(&srv, &copy, &info.hash, "/original").await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(
        served.body,
        fetch(&srv, &board, &info.hash, "/original").await.body
    );

    // An import whose picture is not what its name says is refused whole.
    let mut forged = exported.clone();
    forged["files"][0]["hash"] = "0".repeat(64).into();
    let (status, _) = srv
        .api()
        .call(Method::POST, "/api/boards/import", Some(forged))
        .await
        .unwrap();
    assert_eq!(status, 400);

    // Deleting the board erases its pictures.
    let deleted = request(
        &srv,
        Method::DELETE,
        &format!("/api/boards/{}", board.id),
        Some(board.token(Role::Facilitator)),
        None,
    )
    .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let id = tafel_shared::ids::BoardId::parse(&board.id).unwrap();
    assert_eq!(srv.server.app.storage.count_board_keys(&id).unwrap(), 0);
    assert!(srv.server.app.storage.files(&id).unwrap().is_empty());
}
