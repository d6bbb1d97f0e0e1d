//! Browser test of exports and import as a user does them: the board menu
//! downloads the Markdown for Confluence of the selected frame's board (sent
//! with the link's token in a header), and a Tafel file chosen on the start page
//! becomes a new board with the same notes. Real client in headless Chromium
//! against the real server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::Locator;
use tafel_shared::geometry::Rect;
use tafel_shared::roles::Role;
use tafel_shared::schema;
use tafel_tests::browser::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_menu_downloads_exports_and_the_start_page_imports_a_tafel_file() {
    let srv = app_server().await;
    let board = srv.api().create_board("Ideen Q4", "blank").await.unwrap();
    let mut seeder = observer(&srv, &board.id, board.token(Role::Editor)).await;
    let elements = schema::elements(&seeder.doc);
    seeder
        .edit(|txn| {
            tafel_tests::sticky(
                "n1",
                Rect::new(0.0, 0.0, 160.0, 160.0),
                "a0",
                "Kundenportal",
                "Ada",
            )
            .insert(txn, &elements);
        })
        .await
        .unwrap();

    let driver = Driver::start().await;
    let viewer = driver.browser().await;
    open_as(&viewer, &board.created.links[&Role::Viewer], "Vera").await;
    wait_for_count(&viewer, ".element.sticky", 1).await;
    // Keep what a download hands the browser, to read it back.
    js(
        &viewer,
        "window.downloads = []; window.blobs = []; \
         const make = URL.createObjectURL; \
         URL.createObjectURL = b => { window.blobs.push(b); return make(b); }; \
         HTMLAnchorElement.prototype.click = function () { window.downloads.push(this.download); };",
    )
    .await;
    click_css(&viewer, "[data-testid=board-menu]").await;
    let shot = viewer.screenshot().await.unwrap();
    std::fs::write(std::env::temp_dir().join("tafel-menu.png"), shot).unwrap();
    click_css(&viewer, "[data-export=md]").await;
    wait_until(
        &viewer,
        "a download",
        "return window.downloads.length === 1",
    )
    .await;
    let text = viewer
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             window.blobs[0].text().then(t => done([window.downloads[0], t]));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(text[0], "Ideen-Q4.md");
    let md = text[1].as_str().unwrap();
    assert!(
        md.starts_with("# Ideen Q4") && md.contains("- Kundenportal — _Ada_"),
        "{md}"
    );

    // The Tafel file, imported from the start page, is a new board.
    click_css(&viewer, "[data-testid=board-menu]").await;
    click_css(&viewer, "[data-export=json]").await;
    wait_until(
        &viewer,
        "a second download",
        "return window.downloads.length === 2",
    )
    .await;
    let json = viewer
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             window.blobs[1].text().then(done);",
            vec![],
        )
        .await
        .unwrap();
    let file = std::env::temp_dir().join(format!("tafel-import-{}.json", board.id));
    std::fs::write(&file, json.as_str().unwrap()).unwrap();
    let link = &board.created.links[&Role::Viewer];
    let origin = link.find("/b/").map(|at| &link[..at]).unwrap().to_owned();
    viewer.goto(&origin).await.unwrap();
    let input = viewer
        .wait()
        .for_element(Locator::Css("[data-testid=import-file]"))
        .await
        .unwrap();
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    wait_until(
        &viewer,
        "on the new board",
        &format!(
            "return location.pathname.startsWith('/b/') && !location.pathname.includes({:?})",
            board.id
        ),
    )
    .await;
    wait_until(&viewer, "its note", &note_with("Kundenportal")).await;
    wait_until(
        &viewer,
        "as its facilitator",
        "return document.querySelector('.role')?.dataset.role === 'facilitator'",
    )
    .await;
    std::fs::remove_file(&file).ok();
    viewer.close().await.unwrap();
}
