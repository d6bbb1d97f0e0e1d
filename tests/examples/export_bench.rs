//! Export benchmark: a board of N sticky notes (default 5,000) in frames,
//! exported in every format over HTTP from the real server, and the same SVG
//! rasterised by a peer renderer (`rsvg-convert` from Debian's librsvg2-bin,
//! if installed) in the same run. Also times the "since your last visit" diff
//! of the board against a copy with M changed notes (default 500), natively.
//!
//! ```text
//! cargo run --release -p tafel-tests --example export_bench -- [notes] [changes] [runs]
//! ```
//!
//! Prints min / median / max wall time per format; numbers go to BENCHMARKS.md,
//! nothing here asserts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};
use tafel_shared::element::{Element, FrameProps, Props};
use tafel_shared::geometry::Rect;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::{SyncClient, TestServer};

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "min {:7.1} ms  median {:7.1} ms  max {:7.1} ms",
        ms(v[0]),
        ms(v[v.len() / 2]),
        ms(v[v.len() - 1])
    )
}

/// N notes in a grid, ten frames around them.
fn board(notes: usize) -> Vec<Element> {
    let side = (notes as f64).sqrt().ceil() as usize;
    let mut out = Vec::with_capacity(notes + 10);
    for i in 0..notes {
        let (col, row) = (i % side, i / side);
        let at = Rect::new(col as f64 * 200.0, row as f64 * 200.0, 160.0, 160.0);
        out.push(tafel_tests::sticky(
            &format!("n{i}"),
            at,
            "a0",
            &format!("Idee {i}: Kundenportal verbessern"),
            "Bench",
        ));
    }
    let band = (side * 200) as f64 / 10.0;
    for f in 0..10 {
        let rect = Rect::new(
            -40.0,
            f as f64 * band - 40.0,
            side as f64 * 200.0 + 40.0,
            band,
        );
        out.push(Element::new(
            format!("f{f}"),
            rect,
            Props::Frame(FrameProps {
                title: format!("Bereich {f}"),
                ..FrameProps::default()
            }),
        ));
    }
    out
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let notes = args.first().copied().unwrap_or(5_000);
    let changes = args.get(1).copied().unwrap_or(500);
    let runs = args.get(2).copied().unwrap_or(5);

    // The "since your last visit" diff: the elements as last seen against now.
    let before = board(notes);
    let mut after = before.clone();
    for e in after.iter_mut().take(changes) {
        e.base.rect.x += 10.0;
    }
    let mut diffs = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let d = tafel_shared::diff::diff(&before, &after);
        diffs.push(t.elapsed());
        assert_eq!(d.changed.len(), changes);
    }
    println!(
        "diff of {} elements, {changes} changed: {}",
        before.len(),
        stats(diffs)
    );

    let srv = TestServer::start().await.unwrap();
    let created = srv
        .api()
        .create_board("Export bench", "blank")
        .await
        .unwrap();
    let mut writer =
        SyncClient::connect(&srv.ws(&created.id, DocKind::Content, created.token(Role::Editor)))
            .await
            .unwrap();
    let map = schema::elements(&writer.doc);
    for chunk in before.chunks(500) {
        writer
            .edit(|txn| {
                for e in chunk {
                    e.insert(txn, &map);
                }
            })
            .await
            .unwrap();
    }
    let mut witness =
        SyncClient::connect(&srv.ws(&created.id, DocKind::Content, created.token(Role::Viewer)))
            .await
            .unwrap();
    witness
        .pump_until(|c| {
            let m = schema::elements(&c.doc);
            yrs::Map::len(&m, &yrs::Transact::transact(&c.doc)) as usize == before.len()
        })
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let token = created.token(Role::Viewer);
    let mut svg = Vec::new();
    for format in ["json", "md", "csv", "svg", "png", "pdf"] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let resp = http
                .get(format!(
                    "{}/api/boards/{}/export/{format}?token={token}",
                    srv.http(),
                    created.id
                ))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200, "{format}");
            let body = resp.bytes().await.unwrap();
            times.push(t.elapsed());
            size = body.len();
            if format == "svg" {
                svg = body.to_vec();
            }
        }
        println!("{format:>4} ({:>8} KB): {}", size / 1024, stats(times));
    }
    let frames: Vec<String> = (0..10).map(|f| format!("f{f}")).collect();
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let resp = http
            .get(format!(
                "{}/api/boards/{}/export/pdf?token={token}&frame={}",
                srv.http(),
                created.id,
                frames.join(",")
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let _ = resp.bytes().await.unwrap();
        times.push(t.elapsed());
    }
    println!(" pdf, 10 frames as pages: {}", stats(times));

    // The peer: librsvg on the same SVG, same machine, same run.
    let file = std::env::temp_dir().join("tafel-export-bench.svg");
    std::fs::write(&file, &svg).unwrap();
    // The same pixel count as Tafel's PNG (scaled down to its pixel limit).
    let text = String::from_utf8_lossy(&svg);
    let attr = |name: &str| -> f64 {
        let at = text.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        text[at..].split('"').next().unwrap().parse().unwrap()
    };
    let (w, h) = (attr("width"), attr("height"));
    let zoom = (tafel_server::export::MAX_PNG_PIXELS / (w * h))
        .sqrt()
        .min(1.0);
    println!("board drawing {w} × {h}; PNGs at zoom {zoom:.3}");
    let out_file = std::env::temp_dir().join("tafel-export-bench.out");
    for format in ["png", "pdf"] {
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let zoom = if format == "png" { zoom } else { 1.0 };
            let out = std::process::Command::new("rsvg-convert")
                .args(["-f", format, "-z", &zoom.to_string(), "-o"])
                .arg(&out_file)
                .arg(&file)
                .output();
            match out {
                Ok(o) if o.status.success() => times.push(t.elapsed()),
                _ => {
                    println!("rsvg-convert not available (apt-get install librsvg2-bin)");
                    return;
                }
            }
        }
        println!("peer rsvg-convert {format}: {}", stats(times));
    }
}
