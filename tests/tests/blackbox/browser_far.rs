//! A big board far out, in headless Chromium against the real server: the notes
//! are drawn on the sketch canvas (not one DOM node each), a click finds the
//! note under it by geometry, it can be moved and deleted there, others' edits
//! show on the canvas, and zooming in brings the notes back into the DOM with
//! their text. What the server holds is read with a raw protocol client.

use fantoccini::Client;
use std::time::Duration;
use tafel_shared::element::{Element, Props};
use tafel_shared::geometry::Rect;
use tafel_shared::roles::Role;
use tafel_shared::schema;
use tafel_tests::browser::*;

/// WebDriver key: Delete.
const DELETE: &str = "\u{e017}";

/// The screen point of board point (x, y), from the camera's readout (the
/// board point in the middle of the canvas, and the zoom).
async fn screen_of(browser: &Client, x: f64, y: f64) -> (f64, f64) {
    let v = js(
        browser,
        &format!(
            "const c = document.querySelector('.canvas').getBoundingClientRect(); \
             const cam = document.querySelector('[data-testid=camera]').dataset; \
             const z = +cam.zoom; \
             return [c.left + c.width / 2 + ({x} - cam.x) * z, c.top + c.height / 2 + ({y} - cam.y) * z];"
        ),
    )
    .await;
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

/// The colour the sketch canvas shows at a screen point, as `[r, g, b, a]`.
async fn sketch_pixel(browser: &Client, p: (f64, f64)) -> serde_json::Value {
    js(
        browser,
        &format!(
            "const s = document.querySelector('canvas.sketch'); \
             if (getComputedStyle(s).display === 'none') return null; \
             const r = s.getBoundingClientRect(); \
             const k = s.width / r.width; \
             return [...s.getContext('2d').getImageData(Math.round(({} - r.left) * k), Math.round(({} - r.top) * k), 1, 1).data];",
            p.0, p.1
        ),
    )
    .await
}

async fn zoom(browser: &Client) -> f64 {
    js(
        browser,
        "return +document.querySelector('[data-testid=camera]').dataset.zoom",
    )
    .await
    .as_f64()
    .unwrap()
}

/// Ada on the board at `link`, once its first view (which fits the whole
/// board) is far out.
async fn open_far_out(driver: &Driver, link: &str) -> Client {
    let ada = driver.browser().await;
    open_as(&ada, link, "Ada").await;
    wait_until(
        &ada,
        "the board fitted",
        "return +document.querySelector('[data-testid=camera]').dataset.zoom < 0.3",
    )
    .await;
    settle(&ada).await;
    ada
}

/// Presses Delete with `id` selected; what the server holds once it is gone.
async fn delete_selected(
    ada: &Client,
    server: &mut tafel_tests::SyncClient,
    id: &str,
) -> Vec<Element> {
    keys(ada, DELETE).await;
    server_until(server, &format!("{id} deleted"), |all| {
        note(all, id).is_none()
    })
    .await
}

fn note<'a>(all: &'a [Element], id: &str) -> Option<&'a Element> {
    all.iter().find(|e| e.base.id == id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn far_out_notes_are_drawn_on_the_canvas_and_picked_moved_and_deleted_there() {
    let srv = app_server().await;
    let board = srv.api().create_board("Big", "blank").await.unwrap();
    let mut server = observer(&srv, &board.id, board.token(Role::Editor)).await;
    // 400 notes, 20 × 20, 180 units apart: the whole board is 3,600 units wide,
    // so the first view (which fits it) is far out.
    tafel_tests::seed_grid(&mut server, 400).await.unwrap();
    server.pump_for(Duration::from_millis(200)).await.unwrap();

    let driver = Driver::start().await;
    let ada = open_far_out(&driver, &board.created.links[&Role::Editor]).await;
    let far = zoom(&ada).await;
    assert_eq!(
        js(
            &ada,
            "return document.querySelectorAll('.element.sticky').length"
        )
        .await,
        serde_json::json!(0),
        "far out (zoom {far}), notes are not DOM nodes"
    );
    // Note n21 (second row, second column) is drawn in its colour, #ffe066.
    let n21 = screen_of(&ada, 180.0 + 80.0, 180.0 + 80.0).await;
    assert_eq!(
        sketch_pixel(&ada, n21).await,
        serde_json::json!([255, 224, 102, 255])
    );
    // Between notes, the canvas is clear.
    let gap = screen_of(&ada, 180.0 + 170.0, 180.0 + 170.0).await;
    assert_eq!(sketch_pixel(&ada, gap).await[3], serde_json::json!(0));

    // Someone else turns n21 green: the canvas shows it.
    let elements = schema::elements(&server.doc);
    server
        .edit(|txn| tafel_shared::edit::set_str(txn, &elements, "n21", schema::F_COLOR, "#b2f2bb"))
        .await
        .unwrap();
    wait_until(
        &ada,
        "n21 green on the canvas",
        &format!(
            "const s = document.querySelector('canvas.sketch'); const r = s.getBoundingClientRect(); const k = s.width / r.width; \
             const d = s.getContext('2d').getImageData(Math.round(({} - r.left) * k), Math.round(({} - r.top) * k), 1, 1).data; \
             return d[0] === 178 && d[1] === 242 && d[2] === 187;",
            n21.0, n21.1
        ),
    )
    .await;

    // A click on the drawn note selects it; dragging it moves it on the server.
    click_at(&ada, n21).await;
    wait_for_count(&ada, ".selection", 1).await;
    let moved_to = (n21.0 + 60.0, n21.1 + 30.0);
    drag(&ada, n21, moved_to).await;
    // Where it lands, give or take what snapping to the neighbours' edges
    // moves it (a few screen pixels).
    let expected = (180.0 + 60.0 / far, 180.0 + 30.0 / far);
    let near =
        |r: &Rect| (r.x - expected.0).abs() < 8.0 / far && (r.y - expected.1).abs() < 8.0 / far;
    server_until(&mut server, "n21 moved by the drag", |all| {
        note(all, "n21").is_some_and(|n| near(&n.base.rect))
    })
    .await;
    // Delete removes it, and only it.
    let all = delete_selected(&ada, &mut server, "n21").await;
    assert_eq!(all.len(), 399);
    // A click between notes selects nothing.
    click_at(&ada, gap).await;
    wait_for_count(&ada, ".selection", 0).await;

    // Zoomed in, notes are DOM nodes again, with their text, and the canvas
    // has nothing left to draw.
    click_css(&ada, "[data-action=zoom-reset]").await;
    wait_until(
        &ada,
        "notes mounted and the canvas empty",
        "return document.querySelectorAll('.element.sticky .text').length > 20 \
           && getComputedStyle(document.querySelector('canvas.sketch')).display === 'none'",
    )
    .await;
    let texts = js(
        &ada,
        "return [...document.querySelectorAll('.element.sticky .text')].map(t => t.textContent)",
    )
    .await;
    assert!(texts
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t.as_str().unwrap().contains("an idea worth a sticky")));
    ada.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shapes_strokes_and_connectors_are_found_far_out_by_what_is_drawn() {
    use tafel_shared::element::{ConnectorProps, PenProps, ShapeProps};
    use tafel_shared::geometry::{Outline, Point};
    let srv = app_server().await;
    let board = srv.api().create_board("Mixed", "blank").await.unwrap();
    let mut server = observer(&srv, &board.id, board.token(Role::Editor)).await;
    // Far apart, so the whole board is far out: two notes joined by a
    // connector, an ellipse and a pen stroke between them.
    let a = tafel_tests::sticky("a", Rect::new(0.0, 0.0, 200.0, 200.0), "a0", "A", "");
    let b = tafel_tests::sticky("b", Rect::new(7800.0, 3800.0, 200.0, 200.0), "a1", "B", "");
    let ellipse = Element::new(
        "ellipse",
        Rect::new(2000.0, 2400.0, 1200.0, 800.0),
        Props::Shape(ShapeProps {
            outline: Outline::Ellipse,
            ..Default::default()
        }),
    );
    let stroke = Element::new(
        "stroke",
        Rect::new(5000.0, 400.0, 1200.0, 1200.0),
        Props::Pen(PenProps {
            points: vec![Point::new(0.0, 0.0), Point::new(1200.0, 1200.0)],
            stroke: "#1971c2".into(),
        }),
    );
    let line = Element::new(
        "line",
        Rect::new(0.0, 0.0, 1.0, 1.0),
        Props::Connector(ConnectorProps {
            from: "a".into(),
            to: "b".into(),
            ..Default::default()
        }),
    );
    let elements = schema::elements(&server.doc);
    server
        .edit(|txn| {
            for e in [&a, &b, &ellipse, &stroke, &line] {
                e.insert(txn, &elements);
            }
        })
        .await
        .unwrap();

    let driver = Driver::start().await;
    let ada = open_far_out(&driver, &board.created.links[&Role::Editor]).await;
    assert_eq!(
        js(&ada, "return document.querySelectorAll('.element').length").await,
        serde_json::json!(0),
        "far out, none of these kinds is a DOM node"
    );
    let pick = |x: f64, y: f64| {
        let ada = ada.clone();
        async move {
            click_at(&ada, screen_of(&ada, x, y).await).await;
            settle(&ada).await;
            js(
                &ada,
                "return document.querySelectorAll('.selection').length",
            )
            .await
        }
    };
    // The ellipse's box corner is not the ellipse; its middle is.
    assert_eq!(pick(2030.0, 2430.0).await, serde_json::json!(0));
    assert_eq!(pick(2600.0, 2800.0).await, serde_json::json!(1));
    delete_selected(&ada, &mut server, "ellipse").await;
    // The stroke runs corner to corner: picked on its line, not beside it.
    assert_eq!(pick(5900.0, 700.0).await, serde_json::json!(0));
    assert_eq!(pick(5600.0, 1000.0).await, serde_json::json!(1));
    delete_selected(&ada, &mut server, "stroke").await;
    // The connector runs from a's middle side to b's: picked on its route.
    let route = tafel_shared::edit::connector_route(
        |id| [&a, &b].into_iter().find(|e| e.base.id == id),
        &line,
    );
    let on = Point::new(
        (route.start.x + route.end.x) / 2.0,
        (route.start.y + route.end.y) / 2.0,
    );
    assert_eq!(pick(on.x, on.y + 300.0).await, serde_json::json!(0));
    assert_eq!(pick(on.x, on.y).await, serde_json::json!(1));
    delete_selected(&ada, &mut server, "line").await;
    ada.close().await.unwrap();
}

/// Keeps the sketch canvas's pixels in the page, to compare with [`CHANGED`].
const GRAB: &str = "const c = document.querySelector('canvas.sketch'); \
    (window.__grabs = window.__grabs || []).push(c.getContext('2d').getImageData(0, 0, c.width, c.height).data); \
    return c.width * c.height;";

/// Of the last two grabs: how many pixels differ clearly (by more than 80 in a
/// channel), and how many the earlier one has drawn.
const CHANGED: &str = "const [a, b] = window.__grabs.slice(-2); let changed = 0, inked = 0; \
    for (let i = 0; i < a.length; i += 4) { \
      let d = 0; for (let k = 0; k < 4; k++) d = Math.max(d, Math.abs(a[i + k] - b[i + k])); \
      if (d > 80) changed++; if (a[i + 3] > 0) inked++; } \
    return [changed, inked];";

/// [`CHANGED`], as numbers.
async fn changed_pixels(browser: &Client) -> (u64, u64) {
    let v = js(browser, CHANGED).await;
    (v[0].as_u64().unwrap(), v[1].as_u64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pan_far_out_shows_what_drawing_the_whole_view_afresh_shows() {
    let srv = app_server().await;
    let board = srv.api().create_board("Pan", "blank").await.unwrap();
    let mut server = observer(&srv, &board.id, board.token(Role::Editor)).await;
    // Every kind the canvas draws, filling the screen from top to bottom, so
    // the strips a vertical pan uncovers have something in them.
    tafel_tests::seed_mixed(&mut server, 2000).await.unwrap();
    server.pump_for(Duration::from_millis(200)).await.unwrap();

    let driver = Driver::start().await;
    let ada = open_far_out(&driver, &board.created.links[&Role::Editor]).await;
    js(&ada, GRAB).await;
    // A pan (one wheel event per frame) moves the pixels already drawn and
    // draws only what comes into view.
    ada.execute_async(FRAME_TIMES, vec!["pan".into(), 45.into()])
        .await
        .unwrap();
    settle(&ada).await;
    js(&ada, GRAB).await;
    let (moved, inked) = changed_pixels(&ada).await;
    assert!(
        inked > 50_000 && moved > inked / 10,
        "the pan moved the drawing: {moved} of {inked} drawn pixels changed"
    );
    // A change elsewhere on the board draws the whole view again.
    let far_away = tafel_tests::sticky(
        "far-away",
        Rect::new(-90_000.0, 0.0, 100.0, 100.0),
        "a0",
        "",
        "",
    );
    let elements = schema::elements(&server.doc);
    server
        .edit(|txn| {
            far_away.insert(txn, &elements);
        })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    settle(&ada).await;
    js(&ada, GRAB).await;
    let (differ, inked) = changed_pixels(&ada).await;
    // The two may stand up to half a pixel apart, which moves edges a little.
    assert!(
        differ < inked / 50,
        "after a pan the canvas shows what a fresh drawing shows: {differ} of {inked} drawn pixels differ"
    );
    ada.close().await.unwrap();
}

/// A zoom in from far out, one wheel event per frame as a trackpad sends
/// them: while it goes on, the note in the middle of the screen is shown
/// (as a DOM view, or drawn on the canvas in its colour: nothing goes
/// missing), and once the zoom rests its DOM view is there with its text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zoom_in_progress_shows_what_it_brings_into_view_and_its_text_once_it_rests() {
    let srv = app_server().await;
    let board = srv.api().create_board("Zoom", "blank").await.unwrap();
    let mut server = observer(&srv, &board.id, board.token(Role::Editor)).await;
    tafel_tests::seed_grid(&mut server, 400).await.unwrap();
    server.pump_for(Duration::from_millis(200)).await.unwrap();
    let driver = Driver::start().await;
    let ada = open_far_out(&driver, &board.created.links[&Role::Editor]).await;

    // 40 frames zooming in towards the middle, then what the last one shows
    // at the centre of the note nearest the middle (the grid: 160-unit notes
    // 180 apart, 20 to a row, named n{row * 20 + column}).
    let seen = ada
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const canvas = document.querySelector('.canvas');
             const r = canvas.getBoundingClientRect();
             let n = 0;
             function step() {
               if (n++ < 40) {
                 canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: -40, ctrlKey: true,
                   clientX: r.left + r.width / 2, clientY: r.top + r.height / 2,
                   bubbles: true, cancelable: true }));
                 requestAnimationFrame(step);
                 return;
               }
               const cam = document.querySelector('[data-testid=camera]').dataset;
               const z = +cam.zoom;
               const col = Math.floor(cam.x / 180), row = Math.floor(cam.y / 180);
               const x = r.left + r.width / 2 + (col * 180 + 80 - cam.x) * z;
               const y = r.top + r.height / 2 + (row * 180 + 80 - cam.y) * z;
               const view = document.elementFromPoint(x, y)?.closest('.element.sticky');
               const s = document.querySelector('canvas.sketch');
               const sr = s.getBoundingClientRect();
               const k = s.width / sr.width;
               const pixel = [...s.getContext('2d').getImageData(
                 Math.round((x - sr.left) * k), Math.round((y - sr.top) * k), 1, 1).data];
               done([z, 'n' + (row * 20 + col), view ? view.dataset.id : null, pixel]);
             }
             requestAnimationFrame(step);",
            vec![],
        )
        .await
        .unwrap();
    let zoom_then = seen[0].as_f64().unwrap();
    let middle = seen[1].as_str().unwrap().to_owned();
    assert!(
        zoom_then >= 0.3,
        "zoomed in to where notes have text: {seen}"
    );
    let shown_as_view = seen[2].as_str() == Some(middle.as_str());
    let drawn = seen[3] == serde_json::json!([255, 224, 102, 255]);
    assert!(
        shown_as_view || drawn,
        "the note in the middle is shown while the zoom goes on: {seen}"
    );
    wait_until(
        &ada,
        "the note in the middle has its text in the DOM",
        &format!(
            "const t = document.querySelector('.element.sticky[data-id={middle}] .text'); \
             return !!t && t.textContent.length > 0 && getComputedStyle(t).display !== 'none'"
        ),
    )
    .await;
}
