//! Driving the real client in headless Chromium (Debian's `chromium` through
//! `chromedriver`, WebDriver via fantoccini): shared by the browser tests and the
//! client benchmark.

// Test support: a failed unwrap is a failed test or benchmark run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tafel_shared::element::{read_all, Element};
use tafel_shared::roles::DocKind;

/// How long a browser test waits for something that should appear.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The path of a browser tool from `env`, else `default`; panics with how to get it.
pub fn tool(env: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.exists(),
        "{} not found: run the tests with `cargo xtask test`, which installs Debian's \
         chromium and chromium-driver, or set {env}",
        path.display()
    );
    path
}

/// The built client (`TAFEL_CLIENT_DIST`, else `client/dist`); panics if it is not built.
pub fn client_dist() -> PathBuf {
    let dist = std::env::var_os("TAFEL_CLIENT_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../client/dist")));
    assert!(
        dist.join("index.html").exists(),
        "the client is not built in {}: run the tests with `cargo xtask test`",
        dist.display()
    );
    dist
}

/// A chromedriver process on a free port, killed on drop.
pub struct Driver {
    child: Child,
    url: String,
    /// Browser profiles, removed when the driver goes.
    profiles: std::sync::Mutex<Vec<tempfile::TempDir>>,
}

impl Driver {
    /// Starts chromedriver on a free loopback port.
    pub async fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(tool("CHROMEDRIVER", "/usr/bin/chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profiles: Default::default(),
        }
    }

    /// A new headless browser session.
    pub async fn browser(&self) -> Client {
        let profile = tempfile::tempdir().unwrap();
        let profile_path = profile.path().to_path_buf();
        self.profiles.lock().unwrap().push(profile);
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,800",
            // Exact heap sizes for the client benchmark's memory per element.
            "--enable-precise-memory-info",
        ]
        .map(String::from)
        .into();
        args.push(format!("--user-data-dir={}", profile_path.display()));
        // For profiling the client in benchmarks, such as
        // `--js-flags=--prof --logfile=/tmp/v8-%p.log` (tick logs for `node --prof-process`).
        if let Ok(extra) = std::env::var("TAFEL_CHROMIUM_ARGS") {
            args.extend(extra.split_whitespace().map(String::from));
        }
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": tool("CHROMIUM", "/usr/bin/chromium"),
                "args": args,
            }
        });
        let serde_json::Value::Object(caps) = caps else {
            unreachable!()
        };
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("open a browser session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Browsers a failed test never closed would outlive chromedriver: end the
        // browsers it started (its child processes) first.
        for pid in children_of(self.child.id()) {
            let _ = Command::new("kill")
                .args(["-s", "KILL", &pid.to_string()])
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Process ids whose parent is `parent` (from /proc).
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    // The command may contain spaces; fields after its closing parenthesis are fixed.
                    let rest = &stat[stat.rfind(')')? + 2..];
                    rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(parent)
        })
        .collect()
}

/// Waits until `css` matches at least `n` elements; returns how many it matched.
pub async fn wait_for_count(browser: &Client, css: &str, n: usize) -> usize {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let found = browser
            .find_all(Locator::Css(css))
            .await
            .map(|v| v.len())
            .unwrap_or(0);
        if found >= n {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{css}: {found} of {n} within {PATIENCE:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs a script in the page and returns its JSON result.
pub async fn js(browser: &Client, script: &str) -> serde_json::Value {
    browser.execute(script, vec![]).await.expect(script)
}

/// Waits until a script returns `true`.
pub async fn wait_until(browser: &Client, what: &str, script: &str) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if js(browser, script).await == serde_json::Value::Bool(true) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {PATIENCE:?} ({script})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Opens a board link as a named participant (the name is what a first visit asks for).
pub async fn open_as(browser: &Client, link: &str, name: &str) {
    let origin = link.find("/b/").map(|at| &link[..at]).unwrap();
    browser.goto(origin).await.unwrap();
    browser
        .execute(
            "localStorage.setItem('tafel.profile', JSON.stringify({name: arguments[0], color: '#1971c2'}))",
            vec![serde_json::json!(name)],
        )
        .await
        .unwrap();
    browser.goto(link).await.unwrap();
    wait_for_count(browser, ".status.live", 1).await;
}

/// A server on a temporary sled directory that serves the built client.
pub async fn app_server() -> crate::TestServer {
    app_server_with(|_| {}).await
}

/// [`app_server`], with `tune` adjusting its configuration.
pub async fn app_server_with(
    tune: impl FnOnce(&mut tafel_server::config::ServeConfig),
) -> crate::TestServer {
    let dist = client_dist();
    crate::TestServer::start_with(|c| {
        c.assets = Some(dist);
        tune(c);
    })
    .await
    .unwrap()
}

/// Screen centre of the first element matching `css`.
pub async fn center_of(browser: &Client, css: &str) -> (f64, f64) {
    let v = js(
        browser,
        &format!(
            "const r = document.querySelector({css:?}).getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];"
        ),
    )
    .await;
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

/// Screen rect `[x, y, w, h]` of the first element matching `css`.
pub async fn rect_of(browser: &Client, css: &str) -> [f64; 4] {
    let v = js(
        browser,
        &format!("const r = document.querySelector({css:?}).getBoundingClientRect(); return [r.x, r.y, r.width, r.height];"),
    )
    .await;
    [0, 1, 2, 3].map(|i| v[i].as_f64().unwrap())
}

/// A real pointer drag (pointerdown, moves, pointerup) from `a` to `b`.
pub async fn drag(browser: &Client, a: (f64, f64), b: (f64, f64)) {
    let mut mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo {
            duration: None,
            x: a.0,
            y: a.1,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        });
    for step in 1..=8 {
        let t = f64::from(step) / 8.0;
        mouse = mouse.then(PointerAction::MoveTo {
            duration: Some(Duration::from_millis(16)),
            x: a.0 + (b.0 - a.0) * t,
            y: a.1 + (b.1 - a.1) * t,
        });
    }
    mouse = mouse.then(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    });
    browser.perform_actions(mouse).await.unwrap();
}

/// A click at a screen point.
pub async fn click_at(browser: &Client, p: (f64, f64)) {
    drag(browser, p, p).await;
}

/// A double-click at a screen point.
pub async fn double_click_at(browser: &Client, p: (f64, f64)) {
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo {
            duration: None,
            x: p.0,
            y: p.1,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    browser.perform_actions(mouse).await.unwrap();
}

/// Types into whatever has focus (WebDriver key codes allowed: `\u{e009}` is Control).
pub async fn keys(browser: &Client, text: &str) {
    browser
        .active_element()
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

/// WebDriver key: Control (held until [`RELEASE`]).
pub const CTRL: &str = "\u{e009}";
/// WebDriver key: Shift.
pub const SHIFT: &str = "\u{e008}";
/// WebDriver key: releases held modifiers.
pub const RELEASE: &str = "\u{e000}";
/// WebDriver key: Escape.
pub const ESCAPE: &str = "\u{e00c}";

/// Clicks the element `css` names, once it is there.
pub async fn click_css(browser: &Client, css: &str) {
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}

/// Returns once the page has handled every input sent so far and drawn twice since:
/// the point after which an effect of that input that has not shown never will.
pub async fn settle(browser: &Client) {
    browser
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            vec![],
        )
        .await
        .expect("the page settles");
}

/// A raw client on a board's content, to read what the server holds.
pub async fn observer(srv: &crate::TestServer, board: &str, token: &str) -> crate::SyncClient {
    observer_of(srv, board, token, DocKind::Content).await
}

/// A raw client on one document of a board, to read what the server holds.
pub async fn observer_of(
    srv: &crate::TestServer,
    board: &str,
    token: &str,
    doc: DocKind,
) -> crate::SyncClient {
    crate::SyncClient::connect(&srv.ws(board, doc, token))
        .await
        .unwrap()
}

/// The elements the server has, after pumping until `done` holds.
pub async fn server_until(
    obs: &mut crate::SyncClient,
    what: &str,
    done: impl Fn(&[Element]) -> bool,
) -> Vec<Element> {
    let read = |c: &crate::SyncClient| {
        let map = tafel_shared::schema::elements(&c.doc);
        read_all(&yrs::Transact::transact(&c.doc), &map)
    };
    let r = tokio::time::timeout(PATIENCE, obs.pump_until(|c| done(&read(c)))).await;
    let now = read(obs);
    assert!(
        matches!(r, Ok(Ok(()))),
        "{what} ({r:?}): the server holds {now:#?}"
    );
    now
}

/// A new board from `template` holding the sticky notes `notes` (id, place,
/// text), written through a raw editor client that stays open to read what the
/// server holds afterwards.
pub async fn board_with_notes(
    srv: &crate::TestServer,
    template: &str,
    notes: &[(&str, tafel_shared::geometry::Rect, &str)],
) -> (crate::server::Board, crate::SyncClient) {
    let board = srv.api().create_board("Notes", template).await.unwrap();
    let mut client = observer(
        srv,
        &board.id,
        board.token(tafel_shared::roles::Role::Editor),
    )
    .await;
    let elements = tafel_shared::schema::elements(&client.doc);
    client
        .edit(|txn| {
            for (id, at, text) in notes {
                crate::sticky(id, *at, "a0", text, "Seed").insert(txn, &elements);
            }
        })
        .await
        .unwrap();
    (board, client)
}

/// The sticky notes among `all`.
pub fn stickies(all: &[Element]) -> Vec<&Element> {
    all.iter()
        .filter(|e| e.kind() == Some(tafel_shared::schema::ElementKind::Sticky))
        .collect()
}

/// Adds a sticky note with the N tool at a screen point and types its text.
pub async fn add_note(browser: &Client, at: (f64, f64), text: &str) {
    keys(browser, "n").await;
    click_at(browser, at).await;
    wait_for_count(browser, ".editor", 1).await;
    keys(browser, text).await;
    keys(browser, ESCAPE).await;
}

/// The text shown on the note whose text contains `needle` (JS predicate helper).
pub fn note_with(needle: &str) -> String {
    format!(
        "return [...document.querySelectorAll('.element.sticky .text')].some(t => t.textContent.includes({needle:?}))"
    )
}

/// Opens `links` in one browser per person, each with its role's link and name,
/// in the order given.
pub async fn open_people(
    driver: &Driver,
    links: &std::collections::BTreeMap<tafel_shared::roles::Role, String>,
    people: &[(tafel_shared::roles::Role, &str)],
) -> Vec<Client> {
    let mut browsers = Vec::new();
    for (role, name) in people {
        let b = driver.browser().await;
        open_as(&b, &links[role], name).await;
        browsers.push(b);
    }
    browsers
}

/// A page script for benchmarks: `(mode, frames[, settle])` → the intervals
/// between animation frames while one wheel event per frame pans (`"pan"`) or
/// zooms (`"zoom"`) the board back and forth, or zooms out to a twentieth of
/// the zoom and back in (`"sweep"`), then `settle` more frames without input
/// (what the board does once the view rests counts too).
pub const FRAME_TIMES: &str = r#"
const [mode, frames, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const settle = arguments.length > 3 ? arguments[2] : 0;
const canvas = document.querySelector('.canvas');
const r = canvas.getBoundingClientRect();
const times = [];
// Work per frame: from the frame's start (the animation-frame timestamp) to the
// first task after its rendering (a message posted from the callback runs once
// style, layout and paint of that frame are done). Unlike the interval between
// frames, this can be shorter than the display's 16.7 ms.
window.__tafelWork = [];
const channel = new MessageChannel();
let frameStart = 0;
channel.port1.onmessage = () => window.__tafelWork.push(performance.now() - frameStart);
let last = performance.now();
let n = 0;
function step(now) {
  times.push(now - last);
  frameStart = now;
  channel.port2.postMessage(0);
  (window.__tafelZooms = window.__tafelZooms || []).push([Math.round(now - last), document.querySelector('.zoom .percent').textContent, document.querySelectorAll('.element').length]);
  last = now;
  // 'sweep' zooms out to a twentieth over the first half of the frames and
  // back in over the second (100 % to 5 % and back, from 100 %).
  const zoom = mode === 'zoom' || mode === 'sweep';
  const delta = mode === 'sweep'
    ? (n < frames / 2 ? 1 : -1) * Math.log(20) / (frames / 2) / 0.002
    : (n % 60 < 30 ? -1 : 1) * (zoom ? 12 : 14);
  if (n < frames) canvas.dispatchEvent(new WheelEvent('wheel', {
    deltaX: zoom ? 0 : delta, deltaY: zoom ? delta : delta / 2, ctrlKey: zoom,
    clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true,
  }));
  if (++n < frames + settle) requestAnimationFrame(step); else done(times.slice(2));
}
requestAnimationFrame(t => { last = t; requestAnimationFrame(step); });
"#;

/// The work time of each frame [`FRAME_TIMES`] drove (see there), from the page.
pub const FRAME_WORK: &str = "return (window.__tafelWork || []).slice(2)";

/// The frame times [`FRAME_TIMES`] answered, as numbers.
pub fn frame_times(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default()
}

/// Median, 95th percentile and maximum of `v`.
pub fn frame_stats(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95), v[v.len() - 1])
}
