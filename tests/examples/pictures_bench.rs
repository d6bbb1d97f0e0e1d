//! Pictures benchmark: a vision board of N photos (default 200, 3000 × 2000
//! JPEGs of a few MB each) opened in headless Chromium, drawn from the server's
//! downscaled canvas versions, against the same photos drawn from their
//! originals (a peer board whose files have no canvas version), alternating
//! in one run.
//!
//! ```text
//! cargo xtask build-client
//! cargo run --release -p tafel-tests --example pictures_bench -- [photos] [runs]
//! ```
//!
//! Reports, per board and run: time from navigation start until every picture
//! on screen is decoded, the bytes of pictures fetched, and frame times while
//! panning with the whole board in view and at 100 %. Nothing here asserts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Cursor;
use std::time::{Duration, Instant};
use tafel_server::files::Prepared;
use tafel_shared::element::{Element, ImageProps, Props};
use tafel_shared::geometry::Rect;
use tafel_shared::ids::BoardId;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::browser::{
    client_dist, frame_stats, frame_times, js, open_as, Driver, FRAME_TIMES,
};
use tafel_tests::{SyncClient, TestServer};

/// A photo-like picture: smooth colour gradients under fine grain, so JPEG
/// keeps it at a few MB as a camera would.
fn photo(seed: u32) -> Vec<u8> {
    let (w, h) = (3000u32, 2000u32);
    let mut state = seed.wrapping_mul(2_654_435_761) | 1;
    let picture = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let grain = (state & 0x3f) as i32 - 32;
        let base = |f: u32, o: u32| ((x * f / w + y * (f / 2) / h + o + seed * 37) % 256) as i32;
        let c = |v: i32| (v + grain).clamp(0, 255) as u8;
        image::Rgb([c(base(200, 0)), c(base(150, 80)), c(base(90, 160))])
    });
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&picture)
        .unwrap();
    out.into_inner()
}

/// Waits in the page until `n` pictures are decoded; returns the time since
/// navigation start and the bytes of pictures fetched.
const ALL_DECODED: &str = r#"
const [n, done] = [arguments[0], arguments[arguments.length - 1]];
const check = () => {
  const imgs = [...document.querySelectorAll('.element.image img')];
  if (imgs.length >= n && imgs.every(i => i.complete && i.naturalWidth > 0)) {
    const bytes = performance.getEntriesByType('resource')
      .filter(r => r.name.includes('/files/'))
      .reduce((sum, r) => sum + r.encodedBodySize, 0);
    done([performance.now(), bytes, imgs.length]);
  } else {
    requestAnimationFrame(check);
  }
};
check();
"#;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let photos: u32 = args.next().map_or(200, |a| a.parse().expect("photo count"));
    let runs: usize = args.next().map_or(3, |a| a.parse().expect("run count"));
    let srv = TestServer::start_with(|c| {
        c.assets = Some(client_dist());
        c.board_images_mb = 4096;
    })
    .await
    .unwrap();
    let downscaled = srv.api().create_board("Vision", "blank").await.unwrap();
    let originals = srv
        .api()
        .create_board("Vision (originals)", "blank")
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let (mut total, mut upload_time) = (0usize, Duration::ZERO);
    let mut hashes = Vec::new();
    for seed in 0..photos {
        let bytes = tokio::task::spawn_blocking(move || photo(seed))
            .await
            .unwrap();
        total += bytes.len();
        let started = Instant::now();
        let resp = http
            .post(format!("{}/api/boards/{}/files", srv.http(), downscaled.id))
            .bearer_auth(downscaled.token(Role::Editor))
            .body(bytes.clone())
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        upload_time += started.elapsed();
        let info: tafel_shared::api::FileInfo = resp.json().await.unwrap();
        // The peer: the same file with no canvas version, so the original is drawn.
        let peer = BoardId::parse(&originals.id).unwrap();
        let file = Prepared {
            info: info.clone(),
            original: bytes,
            display: None,
            small: None,
        };
        srv.server
            .app
            .storage
            .put_file(&peer, &file, u64::MAX)
            .unwrap();
        hashes.push(info.hash);
    }
    println!(
        "{photos} photos of 3000 × 2000, {:.1} MB on average; upload with downscaling {:.0} ms per photo",
        total as f64 / f64::from(photos) / 1e6,
        upload_time.as_secs_f64() * 1000.0 / f64::from(photos)
    );
    for board in [&downscaled, &originals] {
        let mut writer =
            SyncClient::connect(&srv.ws(&board.id, DocKind::Content, board.token(Role::Editor)))
                .await
                .unwrap();
        let map = schema::elements(&writer.doc);
        writer
            .edit(|txn| {
                for (i, hash) in hashes.iter().enumerate() {
                    let (col, row) = ((i % 20) as f64, (i / 20) as f64);
                    Element::new(
                        format!("p{i}"),
                        Rect::new(col * 520.0, row * 360.0, 480.0, 320.0),
                        Props::Image(ImageProps {
                            hash: hash.clone(),
                            alt: format!("Photo {i}"),
                            crop: Vec::new(),
                        }),
                    )
                    .insert(txn, &map);
                }
            })
            .await
            .unwrap();
        writer.pump_for(Duration::from_millis(300)).await.unwrap();
    }

    let driver = Driver::start().await;
    for run in 1..=runs {
        for (name, board) in [("downscaled", &downscaled), ("originals", &originals)] {
            let browser = driver.browser().await;
            open_as(&browser, &board.created.links[&Role::Editor], "Bench").await;
            let shown = browser
                .execute_async(ALL_DECODED, vec![photos.into()])
                .await
                .unwrap();
            let pan_all = browser
                .execute_async(FRAME_TIMES, vec!["pan".into(), 180.into()])
                .await
                .unwrap();
            js(
                &browser,
                "document.querySelector('[data-action=zoom-reset]').click()",
            )
            .await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let pan_near = browser
                .execute_async(FRAME_TIMES, vec!["pan".into(), 180.into()])
                .await
                .unwrap();
            let (all50, all95, all_max) = frame_stats(frame_times(&pan_all));
            let (near50, near95, near_max) = frame_stats(frame_times(&pan_near));
            println!(
                "run {run} {name:>10}: all {} pictures decoded {:.0} ms after navigation, {:.1} MB fetched; \
                 pan (whole board) median {all50:.1} p95 {all95:.1} max {all_max:.1} ms; \
                 pan (100 %) median {near50:.1} p95 {near95:.1} max {near_max:.1} ms",
                shown[2],
                shown[0].as_f64().unwrap(),
                shown[1].as_f64().unwrap() / 1e6,
            );
            browser.close().await.unwrap();
        }
    }
}
