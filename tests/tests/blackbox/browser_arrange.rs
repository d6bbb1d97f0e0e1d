//! Layout help and connectors in headless Chromium against the real server:
//! align, distribute, group and snap a selection; re-attach and free a
//! connector's ends by their handles, change its routing and label it; and a
//! note's body wins the click over a connector running across it. What the
//! server holds afterwards is read with a raw protocol client.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::Client;
use tafel_shared::element::{ConnectorProps, Element, Props};
use tafel_shared::geometry::{Point, Rect, Routing};
use tafel_shared::roles::Role;
use tafel_shared::schema;
use tafel_tests::browser::*;

/// WebDriver key: Delete.
const DELETE: &str = "\u{e017}";

fn get<'a>(all: &'a [Element], id: &str) -> &'a Element {
    all.iter()
        .find(|e| e.base.id == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

fn at(all: &[Element], id: &str) -> (f64, f64) {
    all.iter()
        .find(|e| e.base.id == id)
        .map_or((f64::NAN, f64::NAN), |e| (e.base.rect.x, e.base.rect.y))
}

/// Where board point `p` is on screen, from where the note `id` (at board
/// rect `r`) is drawn.
async fn screen_of(browser: &Client, id: &str, r: Rect, p: Point) -> (f64, f64) {
    let [x, y, w, _] = rect_of(browser, &format!(".element[data-id={id}]")).await;
    let zoom = w / r.w;
    (x + (p.x - r.x) * zoom, y + (p.y - r.y) * zoom)
}

fn note(id: &str, x: f64, y: f64, z: &str) -> Element {
    tafel_tests::sticky(id, Rect::new(x, y, 160.0, 160.0), z, id, "Seed")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_selection_is_aligned_distributed_grouped_and_snapped() {
    let srv = app_server().await;
    let board = srv.api().create_board("Ordnung", "blank").await.unwrap();
    let mut obs = observer(&srv, &board.id, board.token(Role::Editor)).await;
    let elements = schema::elements(&obs.doc);
    obs.edit(|txn| {
        note("a", 100.0, 100.0, "a0").insert(txn, &elements);
        note("b", 400.0, 160.0, "a1").insert(txn, &elements);
        note("c", 640.0, 120.0, "a2").insert(txn, &elements);
    })
    .await
    .unwrap();

    let driver = Driver::start().await;
    let ada = driver.browser().await;
    open_as(&ada, &board.created.links[&Role::Editor], "Ada").await;
    wait_for_count(&ada, ".element.sticky", 3).await;
    keys(&ada, &format!("{CTRL}a{RELEASE}")).await;

    click_css(&ada, "[data-align=top]").await;
    server_until(&mut obs, "tops aligned", |all| {
        ["a", "b", "c"].iter().all(|id| at(all, id).1 == 100.0)
    })
    .await;
    // a and c stay; the gaps between the three become equal (110 each).
    click_css(&ada, "[data-distribute=horizontal]").await;
    server_until(&mut obs, "spaced evenly", |all| {
        at(all, "a").0 == 100.0 && at(all, "b").0 == 370.0 && at(all, "c").0 == 640.0
    })
    .await;

    click_css(&ada, "[data-action=group]").await;
    let grouped = server_until(&mut obs, "one group", |all| {
        let g = &get(all, "a").base.group;
        !g.is_empty() && all.iter().all(|e| e.base.group == *g)
    })
    .await;
    assert_eq!(grouped.len(), 3);
    // Picking one member picks the group: dragging c moves all three.
    keys(&ada, ESCAPE).await;
    let c = center_of(&ada, ".element[data-id=c]").await;
    let zoom = rect_of(&ada, ".element[data-id=c]").await[2] / 160.0;
    drag(&ada, c, (c.0, c.1 + 100.0)).await;
    let y = 100.0 + 100.0 / zoom;
    server_until(&mut obs, "the group moved as one", |all| {
        ["a", "b", "c"]
            .iter()
            .all(|id| (at(all, id).1 - y).abs() < 0.01)
    })
    .await;

    click_css(&ada, "[data-action=ungroup]").await;
    server_until(&mut obs, "ungrouped", |all| {
        all.iter().all(|e| e.base.group.is_empty())
    })
    .await;

    // c dropped with its left edge 4 units right of a's snaps onto it (its
    // top 50 units below a's bottom, too far to snap).
    keys(&ada, ESCAPE).await;
    let c_rect = Rect::new(640.0, y, 160.0, 160.0);
    let from = screen_of(&ada, "c", c_rect, c_rect.center()).await;
    let to = screen_of(&ada, "c", c_rect, Point::new(104.0 + 80.0, y + 290.0)).await;
    drag(&ada, from, to).await;
    let snapped = server_until(&mut obs, "c dropped below a", |all| {
        (at(all, "c").1 - (y + 210.0)).abs() < 2.0
    })
    .await;
    assert_eq!(
        at(&snapped, "c").0,
        100.0,
        "c's left edge snaps to a's: {:?}",
        at(&snapped, "c")
    );
    ada.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connector_end_is_reattached_and_freed_by_its_handles() {
    let srv = app_server().await;
    let board = srv.api().create_board("Rollen", "blank").await.unwrap();
    let mut obs = observer(&srv, &board.id, board.token(Role::Editor)).await;
    let elements = schema::elements(&obs.doc);
    obs.edit(|txn| {
        note("a", 100.0, 100.0, "a0").insert(txn, &elements);
        note("b", 400.0, 100.0, "a1").insert(txn, &elements);
        note("c", 700.0, 100.0, "a2").insert(txn, &elements);
        note("d", 400.0, 400.0, "a3").insert(txn, &elements);
        // Above b and straight across it.
        let mut k = Element::new(
            "k",
            Rect::new(260.0, 180.0, 440.0, 1.0),
            Props::Connector(ConnectorProps {
                from: "a".into(),
                to: "c".into(),
                ..ConnectorProps::default()
            }),
        );
        k.base.z = "a9".into();
        k.insert(txn, &elements);
    })
    .await
    .unwrap();

    let driver = Driver::start().await;
    let ada = driver.browser().await;
    open_as(&ada, &board.created.links[&Role::Editor], "Ada").await;
    wait_for_count(&ada, ".element.sticky", 4).await;
    wait_for_count(&ada, ".element.connector", 1).await;

    // The note's body wins the click over the connector drawn across it.
    let a_rect = Rect::new(100.0, 100.0, 160.0, 160.0);
    click_at(&ada, center_of(&ada, ".element[data-id=b]").await).await;
    keys(&ada, DELETE).await;
    let now = server_until(&mut obs, "b deleted", |all| {
        !all.iter().any(|e| e.base.id == "b")
    })
    .await;
    assert!(now.iter().any(|e| e.base.id == "k"), "the connector stays");

    // Where b was, the line can be clicked now: its end handles show.
    let mid = screen_of(&ada, "a", a_rect, Point::new(480.0, 180.0)).await;
    click_at(&ada, mid).await;
    wait_for_count(&ada, ".end-handle", 2).await;
    let to_handle = center_of(&ada, "[data-end=to]").await;
    drag(
        &ada,
        to_handle,
        center_of(&ada, ".element[data-id=d]").await,
    )
    .await;
    server_until(
        &mut obs,
        "the end re-attached to d",
        |all| matches!(&get(all, "k").props, Props::Connector(p) if p.to == "d" && p.from == "a"),
    )
    .await;

    // Dropped on the empty board, the start comes free where it was dropped.
    let from_handle = center_of(&ada, "[data-end=from]").await;
    let free = screen_of(&ada, "a", a_rect, Point::new(100.0, 600.0)).await;
    drag(&ada, from_handle, free).await;
    // The drag frees it at once; the drop decides where it stays.
    let freed = server_until(&mut obs, "the start freed where dropped", |all| {
        matches!(&get(all, "k").props, Props::Connector(p)
            if p.from.is_empty() && p.points[0].distance(Point::new(100.0, 600.0)) < 2.0)
    })
    .await;
    let Props::Connector(p) = &get(&freed, "k").props else {
        unreachable!()
    };
    assert_eq!(p.to, "d");
    assert!(
        p.points[0].distance(Point::new(100.0, 600.0)) < 2.0,
        "{:?}",
        p.points
    );

    // Elbow routing: three segments on screen, stored for everyone.
    click_css(&ada, "[data-route=elbow]").await;
    server_until(
        &mut obs,
        "elbow routing",
        |all| matches!(&get(all, "k").props, Props::Connector(p) if p.route == Routing::Elbow),
    )
    .await;
    wait_until(
        &ada,
        "an elbow drawn",
        "const d = document.querySelector('.element.connector .line').getAttribute('d'); \
         return d.split(' L ').length === 4;",
    )
    .await;

    // Its label stays editable: double-click the middle segment and type.
    // From (100, 600) to d's left side (400, 480): the middle runs at x 250.
    keys(&ada, ESCAPE).await;
    double_click_at(
        &ada,
        screen_of(&ada, "a", a_rect, Point::new(250.0, 540.0)).await,
    )
    .await;
    wait_for_count(&ada, ".editor", 1).await;
    keys(&ada, "dann").await;
    keys(&ada, ESCAPE).await;
    server_until(&mut obs, "the label", |all| get(all, "k").text() == "dann").await;
    wait_until(
        &ada,
        "the label on a background",
        "const l = document.querySelector('.connector-label'); \
         return !!l && l.textContent === 'dann' && getComputedStyle(l).backgroundColor !== 'rgba(0, 0, 0, 0)';",
    )
    .await;
    ada.close().await.unwrap();
}
