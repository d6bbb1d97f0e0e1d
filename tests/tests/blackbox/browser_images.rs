//! Pictures as people add them, in headless Chromium against the real server:
//! a picture pasted in one browser appears in another, survives a reload, and
//! one pasted while offline is kept and uploaded when the connection returns;
//! a picture keeps its proportions when resized; a file that is not a picture,
//! or is too large, is refused with a message people can read, and nothing
//! reaches the board or the store.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::Client;
use tafel_shared::element::{Element, Props};
use tafel_shared::roles::Role;
use tafel_tests::browser::*;

/// Defines `window.pastePicture(w, h, colour, name, noise)` in the page: draws
/// a picture on a canvas, wraps it in a PNG file and pastes it, as a screenshot
/// pasted with Ctrl+V arrives. `window.pasteFile(text, name, type)` pastes any
/// bytes under any name and type.
async fn install_paste(browser: &Client) {
    js(
        browser,
        "window.paste = f => { const dt = new DataTransfer(); dt.items.add(f); \
           window.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt})); }; \
         window.pastePicture = (w, h, colour, name, noise) => new Promise(done => { \
           const c = document.createElement('canvas'); c.width = w; c.height = h; \
           const g = c.getContext('2d'); g.fillStyle = colour; g.fillRect(0, 0, w, h); \
           if (noise) { const d = g.getImageData(0, 0, w, h); \
             for (let i = 0; i < d.data.length; i++) d.data[i] = (i % 4 === 3) ? 255 : Math.random() * 255; \
             g.putImageData(d, 0, 0); } \
           c.toBlob(b => { window.paste(new File([b], name, {type: 'image/png'})); done(b.size); }, 'image/png'); }); \
         window.pasteFile = (text, name, type) => window.paste(new File([text], name, {type}));",
    )
    .await;
}

async fn paste_picture(
    browser: &Client,
    w: u32,
    h: u32,
    colour: &str,
    name: &str,
    noise: bool,
) -> u64 {
    let size = browser
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             window.pastePicture(arguments[0], arguments[1], arguments[2], arguments[3], arguments[4]).then(done);",
            vec![
                w.into(),
                h.into(),
                colour.into(),
                name.into(),
                noise.into(),
            ],
        )
        .await
        .unwrap();
    size.as_u64().unwrap()
}

/// A script: whether `n` pictures show, each decoded.
fn pictures_shown(n: usize) -> String {
    format!(
        "const imgs = [...document.querySelectorAll('.element.image img')]; \
         return imgs.length === {n} && imgs.every(i => i.complete && i.naturalWidth > 0);"
    )
}

fn images(all: &[Element]) -> Vec<&Element> {
    all.iter()
        .filter(|e| matches!(e.props, Props::Image(_)))
        .collect()
}

async fn stored_files(srv: &tafel_tests::TestServer, board: &str) -> usize {
    let id = tafel_shared::ids::BoardId::parse(board).unwrap();
    srv.server.app.storage.files(&id).unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_picture_reaches_others_survives_a_reload_and_an_offline_period() {
    let srv = app_server().await;
    let proxy = tafel_tests::Proxy::start(srv.server.addr).await.unwrap();
    let board = srv
        .api()
        .create_board("Vision board", "blank")
        .await
        .unwrap();
    let link = board.created.links[&Role::Editor].clone();
    let driver = Driver::start().await;
    let (a, b) = (driver.browser().await, driver.browser().await);
    open_as(&a, &proxy.link(&link), "Ada").await;
    open_as(&b, &link, "Bo").await;
    install_paste(&a).await;

    paste_picture(&a, 600, 300, "#2f9e44", "Team offsite.png", false).await;
    wait_until(&a, "the picture on A's board", &pictures_shown(1)).await;
    wait_until(&b, "the picture on B's board", &pictures_shown(1)).await;
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;
    let all = server_until(&mut obs, "the picture on the server", |all| {
        images(all).len() == 1
    })
    .await;
    let picture = images(&all)[0].clone();
    let Props::Image(props) = &picture.props else {
        unreachable!()
    };
    assert_eq!(props.alt, "Team offsite");
    // Placed at most 480 wide, keeping 2:1.
    assert_eq!((picture.base.rect.w, picture.base.rect.h), (480.0, 240.0));
    assert_eq!(stored_files(&srv, &board.id).await, 1);
    // The pixels B shows are the picture's green.
    let green = js(
        &b,
        "const i = document.querySelector('.element.image img'); \
         const c = document.createElement('canvas'); c.width = 4; c.height = 4; \
         const g = c.getContext('2d'); g.drawImage(i, 0, 0, 4, 4); \
         return Array.from(g.getImageData(1, 1, 1, 1).data.slice(0, 3));",
    )
    .await;
    assert_eq!(green, serde_json::json!([0x2f, 0x9e, 0x44]));

    // Resizing from a corner keeps the proportions.
    let zoom = js(
        &a,
        "return parseFloat(document.querySelector('.zoom .percent').textContent) / 100",
    )
    .await
    .as_f64()
    .unwrap();
    click_at(&a, center_of(&a, ".element.image").await).await;
    let corner = center_of(&a, ".handle.se").await;
    drag(&a, corner, (corner.0 + 200.0, corner.1 + 20.0)).await;
    let wider = 480.0 + 200.0 / zoom;
    let all = server_until(&mut obs, "the resized picture", |all| {
        images(all)
            .first()
            .is_some_and(|p| (p.base.rect.w - wider).abs() < 2.0)
    })
    .await;
    let r = images(&all)[0].base.rect;
    assert!((r.w / r.h - 2.0).abs() < 0.01, "proportions lost: {r:?}");

    // Double-click crops: dragging the top-left handle 100 px right and down
    // cuts the picture's edges off and leaves the rest where it was.
    double_click_at(&a, center_of(&a, ".element.image").await).await;
    wait_for_count(&a, ".element.image.cropping", 1).await;
    let corner = center_of(&a, ".handle.nw").await;
    drag(&a, corner, (corner.0 + 100.0, corner.1 + 50.0)).await;
    let all = server_until(&mut obs, "the cropped picture", |all| {
        images(all).first().is_some_and(|p| match &p.props {
            Props::Image(i) => (i.crop_box().0 * r.w - 100.0 / zoom).abs() < 2.0,
            _ => false,
        })
    })
    .await;
    let shot = a.screenshot().await.unwrap();
    std::fs::write(std::env::temp_dir().join("tafel-pictures.png"), shot).unwrap();
    let cropped = images(&all)[0];
    let Props::Image(p) = &cropped.props else {
        unreachable!()
    };
    let (l, t, right, bottom) = p.crop_box();
    let (dx, dy) = (100.0 / zoom, 50.0 / zoom);
    assert!(
        (l * r.w - dx).abs() < 2.0 && (t * r.h - dy).abs() < 2.0,
        "crop {:?} of {r:?}",
        p.crop
    );
    assert_eq!((right, bottom), (1.0, 1.0));
    assert!((cropped.base.rect.x - (r.x + dx)).abs() < 2.0);
    assert!((cropped.base.rect.w - (r.w - dx)).abs() < 2.0);
    assert!((cropped.base.rect.h - (r.h - dy)).abs() < 2.0);
    keys(&a, "\u{e00c}").await; // Escape
    wait_for_count(&a, ".element.image.cropping", 0).await;

    // B reloads: the picture is back.
    b.refresh().await.unwrap();
    wait_for_count(&b, ".status.live", 1).await;
    wait_until(&b, "the picture after a reload", &pictures_shown(1)).await;

    // A goes offline and pastes another picture: A shows it at once, nothing
    // reaches the server, and it goes up once A is back.
    proxy.go_offline();
    wait_for_count(&a, ".status.offline", 1).await;
    install_paste(&a).await;
    paste_picture(&a, 200, 200, "#1971c2", "Whiteboard photo.png", false).await;
    wait_until(&a, "the offline picture on A's board", &pictures_shown(2)).await;
    assert_eq!(stored_files(&srv, &board.id).await, 1);
    settle(&b).await;
    assert_eq!(js(&b, &pictures_shown(1)).await, serde_json::json!(true));
    proxy.go_online();
    wait_for_count(&a, ".status.live", 1).await;
    wait_until(&b, "the offline picture on B's board", &pictures_shown(2)).await;
    assert_eq!(stored_files(&srv, &board.id).await, 2);
    a.refresh().await.unwrap();
    wait_for_count(&a, ".status.live", 1).await;
    wait_until(&a, "both pictures after A's reload", &pictures_shown(2)).await;
    for browser in [a, b] {
        browser.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disguised_or_oversized_file_is_refused_readably_and_nothing_is_kept() {
    let srv = app_server_with(|c| c.max_image_mb = 1).await;
    let board = srv
        .api()
        .create_board("Vision board", "blank")
        .await
        .unwrap();
    let driver = Driver::start().await;
    let a = driver.browser().await;
    open_as(&a, &board.created.links[&Role::Editor], "Ada").await;
    install_paste(&a).await;

    js(
        &a,
        "window.pasteFile('<html><script>alert(1)</script></html>', 'holiday.png', 'image/png');",
    )
    .await;
    wait_until(
        &a,
        "the refusal of a page named .png",
        "const n = document.querySelector('.notice'); \
         return !!n && n.textContent.includes('holiday.png') && n.textContent.includes('not a picture');",
    )
    .await;

    let size = paste_picture(&a, 800, 800, "#000", "huge.png", true).await;
    assert!(size > 1 << 20, "the noise picture is only {size} bytes");
    wait_until(
        &a,
        "the refusal of a picture over the limit",
        "const n = document.querySelector('.notice'); \
         return !!n && n.textContent.includes('huge.png') && n.textContent.includes('1 MB');",
    )
    .await;
    let shot = a.screenshot().await.unwrap();
    std::fs::write(std::env::temp_dir().join("tafel-picture-refused.png"), shot).unwrap();
    settle(&a).await;
    assert_eq!(
        js(
            &a,
            "return document.querySelectorAll('.element.image').length"
        )
        .await,
        serde_json::json!(0)
    );
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;
    assert!(images(&server_until(&mut obs, "state", |_| true).await).is_empty());
    assert_eq!(stored_files(&srv, &board.id).await, 0);
    a.close().await.unwrap();
}
