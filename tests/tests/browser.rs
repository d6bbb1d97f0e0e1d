//! Browser tests: the real client in headless Chromium (Debian's `chromium`, driven
//! through `chromedriver`) against the real server. `cargo xtask test` builds the
//! client and installs both browser packages before it runs these.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tafel_shared::roles::Role;
use tafel_tests::TestServer;

/// How long a browser test waits for something that should appear.
const PATIENCE: Duration = Duration::from_secs(20);

fn tool(env: &str, default: &str) -> PathBuf {
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

fn client_dist() -> PathBuf {
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
struct Driver {
    child: Child,
    url: String,
    /// Browser profiles, removed when the driver goes.
    profiles: std::sync::Mutex<Vec<tempfile::TempDir>>,
}

impl Driver {
    async fn start() -> Driver {
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
    async fn browser(&self) -> Client {
        let profile = tempfile::tempdir().unwrap();
        let profile_path = profile.path().to_path_buf();
        self.profiles.lock().unwrap().push(profile);
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": tool("CHROMIUM", "/usr/bin/chromium"),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--window-size=1280,800",
                    format!("--user-data-dir={}", profile_path.display()),
                ]
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
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `css` matches at least `n` elements; returns how many it matched.
async fn wait_for_count(browser: &Client, css: &str, n: usize) -> usize {
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

async fn app_server() -> TestServer {
    let dist = client_dist();
    TestServer::start_with(|c| c.assets = Some(dist))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_participants_see_each_others_sticky_notes() {
    let srv = app_server().await;
    let board = srv
        .api()
        .create_board("Retro", "retrospective")
        .await
        .unwrap();
    let link = board.created.links[&Role::Editor].clone();
    let driver = Driver::start().await;
    let (a, b) = (driver.browser().await, driver.browser().await);
    for browser in [&a, &b] {
        browser.goto(&link).await.unwrap();
        wait_for_count(browser, ".status.live", 1).await;
        // The template's three frames are on the board.
        assert_eq!(wait_for_count(browser, ".element.frame", 3).await, 3);
    }
    a.find(Locator::Css("button[data-tool=sticky]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_count(&a, ".element.sticky", 1).await;
    wait_for_count(&b, ".element.sticky", 1).await;
    b.find(Locator::Css("button[data-tool=sticky]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_count(&a, ".element.sticky", 2).await;
    // A third participant arriving later sees both, from the server.
    let c = driver.browser().await;
    c.goto(&link).await.unwrap();
    assert_eq!(wait_for_count(&c, ".element.sticky", 2).await, 2);
    for browser in [a, b, c] {
        browser.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_creates_a_board_from_a_template() {
    let srv = app_server().await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;
    browser.goto(&srv.http()).await.unwrap();
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("button[data-template=swot]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_count(&browser, ".status.live", 1).await;
    assert_eq!(wait_for_count(&browser, ".element.frame", 4).await, 4);
    let url = browser.current_url().await.unwrap();
    assert!(
        url.path().starts_with("/b/") && url.fragment().is_some_and(|f| f.starts_with("token=")),
        "{url}"
    );
    browser.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_sees_the_board_but_cannot_change_it() {
    use tafel_shared::roles::DocKind;
    let srv = app_server().await;
    let board = srv.api().create_board("Look only", "swot").await.unwrap();
    let driver = Driver::start().await;
    let viewer = driver.browser().await;
    viewer
        .goto(&board.created.links[&Role::Viewer])
        .await
        .unwrap();
    wait_for_count(&viewer, ".status.live", 1).await;
    wait_for_count(&viewer, ".role[data-role=viewer]", 1).await;
    assert_eq!(wait_for_count(&viewer, ".element.frame", 4).await, 4);
    let tools = viewer
        .find_all(Locator::Css("button[data-tool]"))
        .await
        .unwrap();
    assert!(
        tools.is_empty(),
        "a viewer is offered {} editing tools",
        tools.len()
    );
    // What editors add still reaches the viewer.
    let mut editor = tafel_tests::SyncClient::connect(&srv.ws(
        &board.id,
        DocKind::Content,
        board.token(Role::Editor),
    ))
    .await
    .unwrap();
    let elements = tafel_shared::schema::elements(&editor.doc);
    editor
        .edit(|txn| {
            let at = tafel_shared::schema::Placement {
                x: 10.0,
                y: 10.0,
                w: 160.0,
                h: 160.0,
                z: "m".into(),
            };
            tafel_shared::schema::insert_sticky(
                txn,
                &elements,
                "from-editor",
                &at,
                "",
                "#fff",
                "hello",
                "e",
                0,
            );
        })
        .await
        .unwrap();
    wait_for_count(&viewer, ".element.sticky[data-id=from-editor]", 1).await;
    viewer.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_template_opens_and_shows_its_frames() {
    use tafel_shared::templates::Template;
    let srv = app_server().await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;
    for template in Template::ALL {
        let board = srv
            .api()
            .create_board(template.name(), template.id())
            .await
            .unwrap();
        browser
            .goto(&board.created.links[&Role::Facilitator])
            .await
            .unwrap();
        wait_for_count(&browser, ".status.live", 1).await;
        let want = template.frames().len();
        if want > 0 {
            assert_eq!(
                wait_for_count(&browser, ".element.frame", want).await,
                want,
                "{template:?}"
            );
        }
        let frames = browser
            .find_all(Locator::Css(".element.frame"))
            .await
            .unwrap();
        assert_eq!(frames.len(), want, "{template:?}");
        for (title, ..) in template.frames() {
            let shown = browser
                .find_all(Locator::XPath(&format!(
                    "//*[contains(@class,'frame')]/span[text()='{title}']"
                )))
                .await
                .unwrap();
            assert_eq!(shown.len(), 1, "{template:?}: frame {title:?} is not shown");
        }
    }
    browser.close().await.unwrap();
}
