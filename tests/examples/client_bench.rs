//! Client benchmark: a board of N sticky notes (default 5,000) opened in headless
//! Chromium, measured through the browser's performance API.
//!
//! ```text
//! cargo xtask build-client
//! cargo run --release -p tafel-tests --example client_bench -- [elements] [runs] [mixed]
//! ```
//!
//! Reports, per run: time from navigation start to the first paint of the whole
//! board (the client's `tafel:first-render` mark), frame times while panning and
//! while zooming (wheel events, one per animation frame): both the interval
//! between frames and each frame's own work (which can be under 16.7 ms), with
//! the frames dropped, the same while zooming from 100 % to 5 % and back, and
//! how long a remote edit takes to show. With `BENCH_PROFILE` set it prints where
//! the page's CPU went during the zoom far out (`BENCH_PROFILE=pan`: the pan)
//! (Chrome's profiler, by function). Numbers go to
//! BENCHMARKS.md; nothing here asserts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::browser::{
    client_dist, frame_stats as stats, frame_times, js, open_as, settle, wait_until, Driver,
    FRAME_TIMES, FRAME_WORK,
};
use tafel_tests::{SyncClient, TestServer};

const WATCH: &str = r#"
const [id, marker] = [arguments[0], arguments[1]];
window.__tafelSeen = null;
const check = () => {
  const el = document.querySelector(`.element[data-id="${id}"]`);
  return el && (el.getAttribute('aria-label') || '').includes(marker);
};
const obs = new MutationObserver(() => { if (check()) { obs.disconnect(); window.__tafelSeen = Date.now(); } });
obs.observe(document.querySelector('.world'), { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-label'] });
return true;
"#;

/// With `BENCH_DEBUG` set, prints the frames over 40 ms among the last
/// `frames` that [`FRAME_TIMES`] drove, with the zoom shown and the number of
/// elements in the DOM.
async fn print_slow_frames(browser: &fantoccini::Client, what: &str, frames: usize) {
    if std::env::var_os("BENCH_DEBUG").is_none() {
        return;
    }
    let slow = js(
        browser,
        &format!("return window.__tafelZooms.slice(-{frames}).filter(z => z[0] > 40)"),
    )
    .await;
    println!("slow {what} frames [ms, zoom, elements]: {slow}");
}

/// A Chrome DevTools command, through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

async fn cdp(
    browser: &fantoccini::Client,
    cmd: &'static str,
    params: serde_json::Value,
) -> serde_json::Value {
    browser.issue_cmd(Cdp { cmd, params }).await.expect(cmd)
}

/// Whether `BENCH_PROFILE` asks for a profile of `phase`: `pan` for the pan at
/// the first view, any other value for the zoom there.
fn profiling(phase: &str) -> bool {
    std::env::var("BENCH_PROFILE").is_ok_and(|v| (v == "pan") == (phase == "pan"))
}

/// With `BENCH_PROFILE` set for `phase`, starts the page's JavaScript CPU profiler.
async fn start_profile(browser: &fantoccini::Client, phase: &str) {
    if !profiling(phase) {
        return;
    }
    cdp(browser, "Profiler.enable", serde_json::json!({})).await;
    cdp(
        browser,
        "Profiler.setSamplingInterval",
        serde_json::json!({ "interval": 200 }),
    )
    .await;
    cdp(browser, "Profiler.start", serde_json::json!({})).await;
}

/// With `BENCH_PROFILE` set for `phase`, stops the profiler and prints where
/// the samples fell, by function (own time), the 25 largest.
async fn print_profile(browser: &fantoccini::Client, phase: &str) {
    if !profiling(phase) {
        return;
    }
    let stopped = cdp(browser, "Profiler.stop", serde_json::json!({})).await;
    let nodes = stopped["profile"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut by: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    for n in &nodes {
        let name = n["callFrame"]["functionName"].as_str().unwrap_or("");
        let name = if name.is_empty() { "(anonymous)" } else { name };
        *by.entry(name.to_owned()).or_default() += n["hitCount"].as_u64().unwrap_or(0);
    }
    let total: u64 = by.values().sum();
    let mut top: Vec<_> = by.into_iter().collect();
    top.sort_by_key(|t| std::cmp::Reverse(t.1));
    println!("profile of the {phase} at the first view ({total} samples):");
    for (name, hits) in top.into_iter().take(25) {
        println!(
            "  {:5.1} %  {name}",
            hits as f64 * 100.0 / total.max(1) as f64
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let notes: usize = args.next().map_or(5000, |a| a.parse().expect("note count"));
    let runs: usize = args.next().map_or(3, |a| a.parse().expect("run count"));
    let mixed = args.next().is_some_and(|a| a == "mixed");
    let dist = client_dist();
    let wasm = std::fs::read_dir(&dist)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().ends_with(".wasm"))
        .expect("a built wasm file");
    let raw = std::fs::read(wasm.path()).unwrap();
    let gz = {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&raw).unwrap();
        enc.finish().unwrap().len()
    };
    println!("wasm: {} KB raw, {} KB gzip", raw.len() / 1024, gz / 1024);

    let srv = TestServer::start_with(|c| c.assets = Some(dist))
        .await
        .unwrap();
    let board = srv.api().create_board("Big board", "blank").await.unwrap();
    let mut writer =
        SyncClient::connect(&srv.ws(&board.id, DocKind::Content, board.token(Role::Editor)))
            .await
            .unwrap();
    // Answer the server's sync step 1 while the replica is empty: answered
    // after seeding, it would carry the whole board in one frame, over the
    // server's frame limit for a board of 20,000 elements.
    writer.pump_for(Duration::from_millis(300)).await.unwrap();
    if mixed {
        tafel_tests::seed_mixed(&mut writer, notes).await.unwrap();
    } else {
        tafel_tests::seed_grid(&mut writer, notes).await.unwrap();
    }
    writer.pump_for(Duration::from_millis(500)).await.unwrap();
    println!(
        "board: {notes} {}, {} KB of document",
        if mixed {
            "elements (notes, shapes, pen strokes, connectors)"
        } else {
            "sticky notes"
        },
        writer.state().len() / 1024
    );

    let driver = Driver::start().await;
    let link = board.created.links[&Role::Editor].clone();
    for run in 1..=runs {
        let browser = driver.browser().await;
        open_as(&browser, &link, "Bench").await;
        if std::env::var_os("BENCH_DEBUG").is_some() {
            for _ in 0..30 {
                let v = js(&browser, "return [document.querySelectorAll('.element').length, performance.getEntriesByType('mark').map(m => m.name + '@' + Math.round(m.startTime)), document.querySelector('.status').textContent]").await;
                println!("{v}");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        wait_until(
            &browser,
            "first render mark",
            "return performance.getEntriesByName('tafel:first-render').length > 0",
        )
        .await;
        let marks = js(
            &browser,
            "const n = performance.getEntriesByType('navigation')[0];
             const m = k => performance.getEntriesByName(k)[0].startTime;
             return [m('tafel:first-content'), m('tafel:first-render'), document.querySelectorAll('.element').length, n.domContentLoadedEventEnd, \
               document.querySelector('[data-testid=camera]')?.dataset.zoom ?? '?', \
               performance.memory.usedJSHeapSize, window.tafelMemory?.buffer.byteLength ?? 0];",
        )
        .await;
        let (heap, wasm) = (
            marks[5].as_f64().unwrap_or(0.0),
            marks[6].as_f64().unwrap_or(0.0),
        );
        println!(
            "run {run}: memory after the first render: JS heap {:.1} MB, WASM {:.1} MB; {:.0} bytes per element together",
            heap / 1e6,
            wasm / 1e6,
            (heap + wasm) / notes as f64
        );
        start_profile(&browser, "pan").await;
        let pan = browser
            .execute_async(FRAME_TIMES, vec!["pan".into(), 180.into()])
            .await
            .unwrap();
        let pan_work = frame_times(&js(&browser, FRAME_WORK).await);
        print_profile(&browser, "pan").await;
        start_profile(&browser, "zoom").await;
        let zoom = browser
            .execute_async(FRAME_TIMES, vec!["zoom".into(), 180.into()])
            .await
            .unwrap();
        let zoom_work = frame_times(&js(&browser, FRAME_WORK).await);
        print_profile(&browser, "zoom").await;
        // A frame counts as dropped when it came more than half a display
        // frame late (the display runs at 60 Hz here).
        let dropped = |v: &[f64]| v.iter().filter(|t| **t > 1.5 * 1000.0 / 60.0).count();
        print_slow_frames(&browser, "zoom", 178).await;
        let (pan50, pan95, pan_max) = stats(frame_times(&pan));
        let (zoom50, zoom95, zoom_max) = stats(frame_times(&zoom));
        let (pan_dropped, zoom_dropped) =
            (dropped(&frame_times(&pan)), dropped(&frame_times(&zoom)));
        let (pan_work50, pan_work95, pan_work_max) = stats(pan_work);
        let (zoom_work50, zoom_work95, zoom_work_max) = stats(zoom_work);
        println!(
            "run {run}: work per frame: pan median {pan_work50:.1} ms p95 {pan_work95:.1} max {pan_work_max:.1}, {pan_dropped} of 178 frames dropped; \
             zoom median {zoom_work50:.1} ms p95 {zoom_work95:.1} max {zoom_work_max:.1}, {zoom_dropped} of 178 dropped"
        );

        // The same pan at 100 % (what the benchmark of 29 November measured: the
        // first view did not fit the whole board yet), over the notes on screen.
        browser
            .find(fantoccini::Locator::Css("[data-action=zoom-reset]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        settle(&browser).await;
        // The reset is animated: views are mounted once the zoom rests.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let in_dom = js(
            &browser,
            "return document.querySelectorAll('.element').length",
        )
        .await;
        let near = browser
            .execute_async(FRAME_TIMES, vec!["pan".into(), 180.into()])
            .await
            .unwrap();
        let (near_work50, near_work95, near_work_max) =
            stats(frame_times(&js(&browser, FRAME_WORK).await));
        println!(
            "run {run}: at 100 % ({in_dom} elements in the DOM): pan work per frame median {near_work50:.1} ms p95 {near_work95:.1} max {near_work_max:.1}, {} of 178 frames dropped",
            dropped(&frame_times(&near))
        );

        // Zooming out fast from 100 % to 5 % and back (issue 12, point 7),
        // and the second after it, while the board finishes what it put off.
        let sweep = browser
            .execute_async(FRAME_TIMES, vec!["sweep".into(), 180.into(), 60.into()])
            .await
            .unwrap();
        let sweep_work = frame_times(&js(&browser, FRAME_WORK).await);
        let over_50 = sweep_work.iter().filter(|t| **t > 50.0).count();
        let sweep_frames = frame_times(&sweep).len();
        print_slow_frames(&browser, "sweep", sweep_frames).await;
        let (sweep50, sweep95, sweep_max) = stats(sweep_work);
        println!(
            "run {run}: zoom 100 % → 5 % → 100 % and 1 s at rest: work per frame median {sweep50:.1} ms p95 {sweep95:.1} max {sweep_max:.1}, {over_50} frames over 50 ms, {} of {sweep_frames} frames dropped",
            dropped(&frame_times(&sweep))
        );

        // A remote edit: another participant changes the text of a note on
        // screen (at 100 %, where notes are in the DOM with their text).
        browser
            .find(fantoccini::Locator::Css("[data-action=zoom-reset]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let shown = js(
            &browser,
            "return [...document.querySelectorAll('.element.sticky')].map(n => n.dataset.id)",
        )
        .await;
        let shown: Vec<String> = shown
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        // A fresh connection: the loading one sat unread while the browser worked.
        let ws = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
        let mut writer = SyncClient::connect(&ws).await.unwrap();
        writer.pump_for(Duration::from_millis(300)).await.unwrap();
        let elements = schema::elements(&writer.doc);
        let mut latencies = Vec::new();
        for k in 0..5 {
            let id = shown[(k * 97) % shown.len()].clone();
            let marker = format!("remote-{run}-{k}");
            browser
                .execute(WATCH, vec![id.clone().into(), marker.clone().into()])
                .await
                .unwrap();
            let sent = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_millis() as f64;
            let text = {
                let txn = yrs::Transact::transact(&writer.doc);
                tafel_shared::element::text_ref(&txn, &elements, &id).unwrap()
            };
            writer
                .edit(|txn| schema::append_text(txn, &text, &format!(" {marker}")))
                .await
                .unwrap();
            wait_until(
                &browser,
                "remote edit shown",
                "return window.__tafelSeen !== null",
            )
            .await;
            let seen = js(&browser, "return window.__tafelSeen")
                .await
                .as_f64()
                .unwrap();
            latencies.push(seen - sent);
        }
        let (lat50, _, lat_max) = stats(latencies);
        println!(
            "run {run}: first content {:.0} ms, first render {:.0} ms after navigation ({} elements in the DOM at zoom {}, DOMContentLoaded {:.0} ms); \
             pan frames median {pan50:.1} ms p95 {pan95:.1} max {pan_max:.1}; zoom frames median {zoom50:.1} p95 {zoom95:.1} max {zoom_max:.1}; \
             remote edit shown after median {lat50:.0} ms, max {lat_max:.0} ms",
            marks[0].as_f64().unwrap(),
            marks[1].as_f64().unwrap(),
            marks[2],
            marks[4],
            marks[3].as_f64().unwrap(),
        );
        browser.close().await.unwrap();
    }
}
