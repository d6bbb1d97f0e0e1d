//! Browser tests: the real client in headless Chromium (Debian's `chromium`, driven
//! through `chromedriver`) against the real server. `cargo xtask test` builds the
//! client and installs both browser packages before it runs these.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use fantoccini::{Client, Locator};
use std::time::Duration;
use tafel_shared::element::{read_all, Element, Props};
use tafel_shared::i18n::Lang;
use tafel_shared::roles::DocKind;
use tafel_shared::roles::Role;
use tafel_tests::browser::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_participants_see_each_others_notes_edits_moves_and_cursors() {
    let srv = app_server().await;
    let board = srv
        .api()
        .create_board("Retro", "retrospective")
        .await
        .unwrap();
    let link = board.created.links[&Role::Editor].clone();
    let driver = Driver::start().await;
    let (a, b) = (driver.browser().await, driver.browser().await);
    open_as(&a, &link, "Ada").await;
    open_as(&b, &link, "Bo").await;
    for browser in [&a, &b] {
        assert_eq!(wait_for_count(browser, ".element.frame", 3).await, 3);
    }
    // Each sees the other in the presence strip.
    wait_for_count(&a, ".presence .avatar[data-name=Bo]", 1).await;
    wait_for_count(&b, ".presence .avatar[data-name=Ada]", 1).await;

    add_note(&a, (300.0, 420.0), "Daily standups help").await;
    wait_until(
        &b,
        "B sees A's note and its text",
        &note_with("Daily standups help"),
    )
    .await;
    add_note(&b, (700.0, 420.0), "Too many meetings").await;
    wait_until(&a, "A sees B's note", &note_with("Too many meetings")).await;

    // A edits B's note: double-click opens the editor, typing appends.
    let target = js(&a, "const n = [...document.querySelectorAll('.element.sticky')].find(n => n.textContent.includes('Too many')); const r = n.getBoundingClientRect(); return [r.x + r.width/2, r.y + r.height/2, n.dataset.id];").await;
    let (tx, ty, tid) = (
        target[0].as_f64().unwrap(),
        target[1].as_f64().unwrap(),
        target[2].as_str().unwrap().to_owned(),
    );
    double_click_at(&a, (tx, ty)).await;
    wait_for_count(&a, ".editor", 1).await;
    keys(&a, " (agreed)").await;
    keys(&a, ESCAPE).await;
    wait_until(
        &b,
        "B sees A's edit",
        &note_with("Too many meetings (agreed)"),
    )
    .await;

    // A moves the note; B sees it move.
    let css = format!(".element.sticky[data-id='{tid}']");
    let before = rect_of(&b, &css).await;
    drag(&a, (tx, ty), (tx + 150.0, ty + 120.0)).await;
    wait_until(
        &b,
        "B sees the note move",
        &format!("const r = document.querySelector({css:?}).getBoundingClientRect(); return r.x > {} + 40 && r.y > {} + 30", before[0], before[1]),
    )
    .await;

    // A's pointer shows up on B's screen with A's name; A's selection is outlined there.
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo {
            duration: Some(Duration::from_millis(50)),
            x: 900.0,
            y: 600.0,
        })
        .then(PointerAction::MoveTo {
            duration: Some(Duration::from_millis(50)),
            x: 920.0,
            y: 610.0,
        });
    a.perform_actions(mouse).await.unwrap();
    wait_for_count(&b, ".cursor[data-name=Ada]", 1).await;
    wait_for_count(
        &b,
        &format!(".remote-selection[data-selected-by=Ada][data-for='{tid}']"),
        1,
    )
    .await;

    // The server holds both notes with their final text.
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;
    server_until(&mut obs, "two notes", |all| {
        let s = stickies(all);
        s.len() == 2 && s.iter().any(|n| n.text() == "Too many meetings (agreed)")
    })
    .await;
    for browser in [a, b] {
        browser.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_people_typing_in_one_note_both_keep_their_text() {
    let srv = app_server().await;
    let board = srv.api().create_board("Typing", "blank").await.unwrap();
    let link = board.created.links[&Role::Editor].clone();
    let driver = Driver::start().await;
    let (a, b) = (driver.browser().await, driver.browser().await);
    open_as(&a, &link, "Ada").await;
    open_as(&b, &link, "Bo").await;
    add_note(&a, (500.0, 400.0), "Idea:").await;
    wait_until(&b, "B sees the note", &note_with("Idea:")).await;
    let at = center_of(&a, ".element.sticky").await;
    let at_b = center_of(&b, ".element.sticky").await;
    double_click_at(&a, at).await;
    double_click_at(&b, at_b).await;
    wait_for_count(&a, ".editor", 1).await;
    wait_for_count(&b, ".editor", 1).await;
    // Both type at the same time, keystroke by keystroke.
    let words_a = " apples";
    let words_b = " bananas";
    let type_slowly = |browser: &Client, words: &'static str| {
        let browser = browser.clone();
        async move {
            for ch in words.chars() {
                keys(&browser, &ch.to_string()).await;
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
        }
    };
    tokio::join!(type_slowly(&a, words_a), type_slowly(&b, words_b));
    keys(&a, ESCAPE).await;
    keys(&b, ESCAPE).await;
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;
    let all = server_until(&mut obs, "both words in the note", |all| {
        stickies(all)
            .first()
            .is_some_and(|n| n.text().contains("apples") && n.text().contains("bananas"))
    })
    .await;
    let text = stickies(&all)[0].text().to_owned();
    assert!(text.starts_with("Idea:"), "{text:?}");
    assert_eq!(
        text.len(),
        "Idea:".len() + words_a.len() + words_b.len(),
        "no keystroke lost or doubled: {text:?}"
    );
    for browser in [&a, &b] {
        wait_until(
            browser,
            "each browser shows the merged text",
            &format!(
                "return document.querySelector('.element.sticky .text').textContent === {text:?}"
            ),
        )
        .await;
    }
    for browser in [a, b] {
        browser.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connector_follows_a_moved_element() {
    let srv = app_server().await;
    let board = srv.api().create_board("Flow", "blank").await.unwrap();
    let link = board.created.links[&Role::Editor].clone();
    let driver = Driver::start().await;
    let a = driver.browser().await;
    open_as(&a, &link, "Ada").await;
    add_note(&a, (300.0, 300.0), "Track").await;
    add_note(&a, (800.0, 300.0), "Make").await;
    wait_for_count(&a, ".element.sticky", 2).await;
    let ids = js(&a, "return [...document.querySelectorAll('.element.sticky')].map(n => [n.dataset.id, n.textContent])").await;
    let id_of = |word: &str| {
        ids.as_array()
            .unwrap()
            .iter()
            .find(|p| p[1].as_str().unwrap().contains(word))
            .unwrap()[0]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (track, make) = (id_of("Track"), id_of("Make"));
    let track_css = format!(".element[data-id='{track}']");
    let make_css = format!(".element[data-id='{make}']");
    // Draw a connector from one note to the other.
    keys(&a, "l").await;
    drag(
        &a,
        center_of(&a, &track_css).await,
        center_of(&a, &make_css).await,
    )
    .await;
    wait_for_count(&a, ".element.connector", 1).await;
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;
    server_until(&mut obs, "connector attached at both ends", |all| {
        all.iter()
            .any(|e| matches!(&e.props, Props::Connector(c) if c.from == track && c.to == make))
    })
    .await;
    // The line ends on the target's boundary, wherever the target goes.
    let touches = |target: &str| {
        format!(
            "const l = document.querySelector('.element.connector .line').getBoundingClientRect();
             const t = document.querySelector({target:?}).getBoundingClientRect();
             const ends = [[l.left, l.top], [l.right, l.bottom], [l.left, l.bottom], [l.right, l.top]];
             return ends.some(([x, y]) => x >= t.left - 3 && x <= t.right + 3 && y >= t.top - 3 && y <= t.bottom + 3
                 && (Math.abs(x - t.left) < 4 || Math.abs(x - t.right) < 4 || Math.abs(y - t.top) < 4 || Math.abs(y - t.bottom) < 4));"
        )
    };
    wait_until(&a, "the line ends at the target", &touches(&make_css)).await;
    keys(&a, ESCAPE).await;
    let from = center_of(&a, &make_css).await;
    drag(&a, from, (from.0 - 150.0, from.1 + 250.0)).await;
    wait_until(&a, "the line follows the moved target", &touches(&make_css)).await;
    wait_until(&a, "and still starts at the source", &touches(&track_css)).await;
    // Resizing from the top-left corner keeps the bottom-right corner, and the
    // line stays on the new outline.
    let old = rect_of(&a, &make_css).await;
    click_at(&a, center_of(&a, &make_css).await).await;
    let nw = center_of(&a, ".handle.nw").await;
    drag(&a, nw, (nw.0 - 60.0, nw.1 - 40.0)).await;
    let new = rect_of(&a, &make_css).await;
    let (old_right, old_bottom) = (old[0] + old[2], old[1] + old[3]);
    assert!(
        new[2] > old[2] + 30.0
            && (new[0] + new[2] - old_right).abs() < 1.0
            && (new[1] + new[3] - old_bottom).abs() < 1.0,
        "{old:?} → {new:?}"
    );
    wait_until(&a, "the line follows the resize", &touches(&make_css)).await;
    // A move by someone else is followed too.
    let mut editor = observer(&srv, &board.id, board.token(Role::Editor)).await;
    let track_top = rect_of(&a, &track_css).await[1];
    server_until(&mut editor, "the editor has the note", |all| {
        all.iter().any(|e| e.base.id == track)
    })
    .await;
    let elements = tafel_shared::schema::elements(&editor.doc);
    editor
        .edit(|txn| {
            if let Some(yrs::Out::YMap(m)) = yrs::Map::get(&elements, txn, track.as_str()) {
                yrs::Map::insert(&m, txn, "y", 600.0);
            }
        })
        .await
        .unwrap();
    wait_until(&a, "the remote move arrives", &format!(
        "return document.querySelector({track_css:?}).getBoundingClientRect().top > {track_top} + 50"
    ))
    .await;
    wait_until(&a, "the line follows a remote move", &touches(&track_css)).await;
    a.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_takes_back_only_your_own_change() {
    let srv = app_server().await;
    let board = srv.api().create_board("Undo", "blank").await.unwrap();
    let link = board.created.links[&Role::Editor].clone();
    let driver = Driver::start().await;
    let (a, b) = (driver.browser().await, driver.browser().await);
    open_as(&a, &link, "Ada").await;
    open_as(&b, &link, "Bo").await;
    add_note(&a, (300.0, 300.0), "mine").await;
    wait_until(&b, "B sees A's note", &note_with("mine")).await;
    add_note(&b, (700.0, 300.0), "theirs").await;
    wait_until(&a, "A sees B's note", &note_with("theirs")).await;
    // A undoes twice (the text, then the note); B's later note stays.
    keys(&a, ESCAPE).await;
    keys(&a, &format!("{CTRL}z{RELEASE}")).await;
    keys(&a, &format!("{CTRL}z{RELEASE}")).await;
    for browser in [&a, &b] {
        wait_until(browser, "A's note is gone, B's stays", "
            const texts = [...document.querySelectorAll('.element.sticky .text')].map(t => t.textContent);
            return texts.length === 1 && texts[0] === 'theirs';").await;
    }
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;
    server_until(&mut obs, "only B's note", |all| {
        let s = stickies(all);
        s.len() == 1 && s[0].text() == "theirs"
    })
    .await;
    // Redo brings it back: the note, then its text.
    keys(&a, &format!("{CTRL}{SHIFT}z{RELEASE}")).await;
    keys(&a, &format!("{CTRL}{SHIFT}z{RELEASE}")).await;
    wait_until(&b, "redo reaches B", &note_with("mine")).await;
    // B's undo does not touch A's note.
    keys(&b, ESCAPE).await;
    keys(&b, &format!("{CTRL}z{RELEASE}")).await;
    keys(&b, &format!("{CTRL}z{RELEASE}")).await;
    wait_until(&a, "B's undo removes B's note only", "
        const texts = [...document.querySelectorAll('.element.sticky .text')].map(t => t.textContent);
        return texts.length === 1 && texts[0] === 'mine';").await;
    for browser in [a, b] {
        browser.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_edits_merge_when_the_connection_returns() {
    let srv = app_server().await;
    let proxy = tafel_tests::Proxy::start(srv.server.addr).await.unwrap();
    let board = srv.api().create_board("Offline", "blank").await.unwrap();
    let link = board.created.links[&Role::Editor].clone();
    let driver = Driver::start().await;
    let (a, b) = (driver.browser().await, driver.browser().await);
    open_as(&a, &proxy.link(&link), "Ada").await;
    open_as(&b, &link, "Bo").await;
    proxy.go_offline();
    wait_for_count(&a, ".status.offline", 1).await;
    add_note(&a, (300.0, 300.0), "written in the tunnel").await;
    add_note(&b, (700.0, 300.0), "written at the office").await;
    // Nothing crosses while A is cut off: once the server holds B's note (B is
    // online), it still lacks A's, and so does B.
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;
    let held = server_until(&mut obs, "B's note on the server", |all| {
        stickies(all)
            .iter()
            .any(|n| n.text() == "written at the office")
    })
    .await;
    assert!(
        !stickies(&held)
            .iter()
            .any(|n| n.text() == "written in the tunnel"),
        "A's note crossed while A was offline"
    );
    settle(&b).await;
    assert_eq!(
        js(&b, &note_with("written in the tunnel")).await,
        serde_json::json!(false)
    );
    proxy.go_online();
    wait_for_count(&a, ".status.live", 1).await;
    for browser in [&a, &b] {
        wait_until(browser, "both notes everywhere", "
            const t = [...document.querySelectorAll('.element.sticky .text')].map(t => t.textContent);
            return t.includes('written in the tunnel') && t.includes('written at the office');").await;
    }
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;
    server_until(&mut obs, "both notes on the server", |all| {
        stickies(all).len() == 2
    })
    .await;
    for browser in [a, b] {
        browser.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_keeps_the_board_and_offline_edits() {
    let srv = app_server().await;
    let proxy = tafel_tests::Proxy::start(srv.server.addr).await.unwrap();
    let board = srv.api().create_board("Reload", "swot").await.unwrap();
    let link = proxy.link(&board.created.links[&Role::Editor]);
    let driver = Driver::start().await;
    let a = driver.browser().await;
    open_as(&a, &link, "Ada").await;
    add_note(&a, (300.0, 300.0), "before reload").await;
    a.refresh().await.unwrap();
    wait_for_count(&a, ".status.live", 1).await;
    wait_until(
        &a,
        "the board is back after a reload",
        &note_with("before reload"),
    )
    .await;
    assert_eq!(wait_for_count(&a, ".element.frame", 4).await, 4);
    // Offline: edit, wait until the browser has it on disk, reload.
    proxy.go_offline();
    wait_for_count(&a, ".status.offline", 1).await;
    add_note(&a, (700.0, 300.0), "offline then reloaded").await;
    wait_for_count(&a, ".board[data-local=saved]", 1).await;
    a.refresh().await.unwrap();
    wait_until(
        &a,
        "the offline note survives the reload",
        &note_with("offline then reloaded"),
    )
    .await;
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;
    assert!(
        !stickies(&server_until(&mut obs, "state", |_| true).await)
            .iter()
            .any(|n| n.text().contains("offline")),
        "the server cannot have it yet"
    );
    proxy.go_online();
    wait_for_count(&a, ".status.live", 1).await;
    server_until(&mut obs, "the offline note reaches the server", |all| {
        stickies(all)
            .iter()
            .any(|n| n.text() == "offline then reloaded")
    })
    .await;
    a.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_creates_a_board_from_a_template() {
    let srv = app_server().await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;
    browser.goto(&srv.http()).await.unwrap();
    // A first visit asks for a name.
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(".name-input"))
        .await
        .unwrap()
        .send_keys("Ada")
        .await
        .unwrap();
    click_css(&browser, ".profile-form button[type=submit]").await;
    wait_for_count(&browser, ".profile-card", 1).await;
    click_css(&browser, "button[data-template=swot]").await;
    wait_for_count(&browser, ".status.live", 1).await;
    assert_eq!(wait_for_count(&browser, ".element.frame", 4).await, 4);
    let url = browser.current_url().await.unwrap();
    assert!(
        url.path().starts_with("/b/") && url.fragment().is_some_and(|f| f.starts_with("token=")),
        "{url}"
    );
    wait_until(
        &browser,
        "the tab names the board",
        "return document.title === 'SWOT analysis · Tafel'",
    )
    .await;
    // The facilitator renames it: the tab follows, and so does the start page.
    click_css(&browser, ".title-button").await;
    wait_for_count(&browser, ".title-input", 1).await;
    keys(&browser, &format!("{CTRL}a{RELEASE}")).await;
    keys(&browser, "Workshop day 1\u{e007}").await; // Enter

    wait_until(
        &browser,
        "the tab follows the rename",
        "return document.title === 'Workshop day 1 · Tafel'",
    )
    .await;
    // The board is listed under recent boards on the start page, by its new name.
    browser.goto(&srv.http()).await.unwrap();
    wait_for_count(&browser, ".recent-item", 1).await;
    let listed = js(
        &browser,
        "return document.querySelector('.recent-title').textContent",
    )
    .await;
    assert_eq!(listed, serde_json::json!("Workshop day 1"));
    browser.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_sees_the_board_but_cannot_change_it() {
    let srv = app_server().await;
    let board = srv.api().create_board("Look only", "swot").await.unwrap();
    let driver = Driver::start().await;
    let viewer = driver.browser().await;
    open_as(&viewer, &board.created.links[&Role::Viewer], "Vi").await;
    wait_for_count(&viewer, ".role[data-role=viewer]", 1).await;
    assert_eq!(wait_for_count(&viewer, ".element.frame", 4).await, 4);
    let tools = js(
        &viewer,
        "return [...document.querySelectorAll('button[data-tool]')].map(b => b.dataset.tool)",
    )
    .await;
    assert_eq!(
        tools,
        serde_json::json!(["select", "hand"]),
        "a viewer may look around, not draw"
    );
    assert_eq!(
        viewer
            .find_all(Locator::Css("[data-action=undo]"))
            .await
            .unwrap()
            .len(),
        0
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
            let at = tafel_shared::geometry::Rect::new(10.0, 10.0, 160.0, 160.0);
            tafel_tests::sticky("from-editor", at, "m", "hello", "e").insert(txn, &elements);
        })
        .await
        .unwrap();
    wait_for_count(&viewer, ".element.sticky[data-id=from-editor]", 1).await;
    // Shortcuts, double-clicks and drags change nothing.
    let note = center_of(&viewer, ".element.sticky[data-id=from-editor]").await;
    let placed = "return document.querySelector('.element.sticky[data-id=from-editor]').getAttribute('style')";
    let placed_before = js(&viewer, placed).await;
    keys(&viewer, "n").await;
    click_at(&viewer, (600.0, 500.0)).await;
    double_click_at(&viewer, (640.0, 560.0)).await;
    drag(&viewer, note, (note.0 + 200.0, note.1 + 100.0)).await;
    click_at(&viewer, note).await;
    keys(&viewer, "\u{e017}").await; // Delete
    keys(&viewer, &format!("{CTRL}z{RELEASE}")).await;
    assert_eq!(
        viewer
            .find_all(Locator::Css(".editor"))
            .await
            .unwrap()
            .len(),
        0
    );
    // The viewer's own replica is unchanged once the page has handled the input
    // (a client sends nothing that is not in its replica); the server refuses
    // viewers' writes anyway (tests/tests/permissions.rs).
    settle(&viewer).await;
    assert_eq!(
        js(
            &viewer,
            "return document.querySelectorAll('.element').length"
        )
        .await,
        serde_json::json!(5)
    );
    assert_eq!(
        js(&viewer, placed).await,
        placed_before,
        "the note did not move in the viewer's replica"
    );
    let map = tafel_shared::schema::elements(&editor.doc);
    let all = read_all(&yrs::Transact::transact(&editor.doc), &map);
    assert_eq!(
        all.len(),
        1,
        "the editor's note (the frames are locked): {all:#?}"
    );
    let kept = all.iter().find(|e| e.base.id == "from-editor").unwrap();
    assert_eq!((kept.base.rect.x, kept.base.rect.y), (10.0, 10.0));
    viewer.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frames_carry_their_contents_and_take_in_what_is_dropped() {
    let srv = app_server().await;
    let board = srv.api().create_board("Frames", "blank").await.unwrap();
    let link = board.created.links[&Role::Editor].clone();
    let driver = Driver::start().await;
    let a = driver.browser().await;
    open_as(&a, &link, "Ada").await;
    // Draw a frame, then add a note beside it and drag the note in.
    keys(&a, "f").await;
    drag(&a, (150.0, 200.0), (550.0, 520.0)).await;
    wait_for_count(&a, ".element.frame", 1).await;
    keys(&a, ESCAPE).await;
    add_note(&a, (850.0, 350.0), "drop me").await;
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;
    server_until(&mut obs, "a frame and a note outside it", |all| {
        all.iter().any(|e| e.is_frame())
            && stickies(all)
                .first()
                .is_some_and(|n| n.base.parent.is_empty())
    })
    .await;
    drag(&a, center_of(&a, ".element.sticky").await, (350.0, 360.0)).await;
    let all = server_until(&mut obs, "the dropped note joins the frame", |all| {
        stickies(all)
            .first()
            .is_some_and(|n| !n.base.parent.is_empty())
    })
    .await;
    let note = stickies(&all)[0].clone();
    let parent = all
        .iter()
        .find(|e| e.base.id == note.base.parent)
        .unwrap()
        .clone();
    assert!(parent.is_frame());
    // Dragging the frame by its title moves the note with it.
    keys(&a, ESCAPE).await;
    let title = center_of(&a, &format!(".frame-title[data-id='{}']", parent.base.id)).await;
    drag(&a, title, (title.0 + 60.0, title.1 + 80.0)).await;
    let moved = server_until(&mut obs, "frame and note moved together", |all| {
        let f = all.iter().find(|e| e.base.id == parent.base.id).unwrap();
        let n = all.iter().find(|e| e.base.id == note.base.id).unwrap();
        f.base.rect.x != parent.base.rect.x && n.base.rect.x != note.base.rect.x
    })
    .await;
    let f = moved.iter().find(|e| e.base.id == parent.base.id).unwrap();
    let n = moved.iter().find(|e| e.base.id == note.base.id).unwrap();
    let (dfx, dfy) = (
        f.base.rect.x - parent.base.rect.x,
        f.base.rect.y - parent.base.rect.y,
    );
    let (dnx, dny) = (
        n.base.rect.x - note.base.rect.x,
        n.base.rect.y - note.base.rect.y,
    );
    assert!(
        (dfx - dnx).abs() < 0.01 && (dfy - dny).abs() < 0.01,
        "frame moved by ({dfx}, {dfy}), note by ({dnx}, {dny})"
    );
    a.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locked_template_frames_stay_until_a_facilitator_unlocks_them() {
    let srv = app_server().await;
    let board = srv.api().create_board("Locks", "swot").await.unwrap();
    let driver = Driver::start().await;
    let editor = driver.browser().await;
    open_as(&editor, &board.created.links[&Role::Editor], "Ed").await;
    wait_for_count(&editor, ".element.frame.locked", 4).await;
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;
    let frames_of = |all: &[Element]| {
        let mut f: Vec<(String, String, [u64; 4], bool)> = all
            .iter()
            .filter(|e| e.is_frame())
            .map(|e| {
                let r = e.base.rect;
                (
                    e.base.id.clone(),
                    match &e.props {
                        Props::Frame(f) => f.title.clone(),
                        _ => String::new(),
                    },
                    [r.x, r.y, r.w, r.h].map(f64::to_bits),
                    e.base.locked,
                )
            })
            .collect();
        f.sort();
        f
    };
    // The template's frames are in the locked layer, which only facilitators write.
    let mut layer = observer_of(&srv, &board.id, board.token(Role::Viewer), DocKind::Locked).await;
    let before = frames_of(&server_until(&mut layer, "the template", |all| all.len() == 4).await);
    let title = center_of(&editor, ".frame-title").await;
    click_at(&editor, title).await;
    keys(&editor, "\u{e017}").await; // Delete
    double_click_at(&editor, title).await;
    settle(&editor).await;
    assert_eq!(
        editor
            .find_all(Locator::Css(".editor"))
            .await
            .unwrap()
            .len(),
        0,
        "a locked frame's title cannot be edited"
    );
    drag(&editor, title, (title.0 + 100.0, title.1 + 100.0)).await;
    // Double-clicking inside a locked frame adds a note to it instead.
    let frame = rect_of(&editor, ".element.frame").await;
    double_click_at(
        &editor,
        (frame[0] + frame[2] / 2.0, frame[1] + frame[3] / 2.0),
    )
    .await;
    wait_for_count(&editor, ".editor", 1).await;
    keys(&editor, "inside").await;
    keys(&editor, ESCAPE).await;
    let all = server_until(&mut obs, "the note, and the frames untouched", |all| {
        stickies(all).iter().any(|n| n.text() == "inside")
    })
    .await;
    assert!(frames_of(&all).is_empty(), "no frame came into the content");
    assert_eq!(
        frames_of(&server_until(&mut layer, "the frames", |_| true).await),
        before,
        "no frame was deleted, renamed, moved or unlocked"
    );
    let note = stickies(&all)[0].clone();
    assert!(
        !note.base.parent.is_empty(),
        "the note joined the frame it was made in"
    );
    // The facilitator unlocks a frame; then it can be deleted.
    let host = driver.browser().await;
    open_as(&host, &board.created.links[&Role::Facilitator], "Host").await;
    let title = center_of(&host, ".frame-title").await;
    click_at(&host, title).await;
    host.find(Locator::Css("[data-action=lock]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_count(&host, ".element.frame:not(.locked)", 1).await;
    keys(&host, "\u{e017}").await;
    server_until(&mut layer, "one frame fewer", |all| {
        all.iter().filter(|e| e.is_frame()).count() == 3
    })
    .await;
    server_until(&mut obs, "the unlocked frame, deleted", |all| {
        !all.iter().any(|e| e.is_frame())
    })
    .await;
    for b in [editor, host] {
        b.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_and_paste_carry_elements_between_boards() {
    let srv = app_server().await;
    let from = srv.api().create_board("From", "blank").await.unwrap();
    let to = srv.api().create_board("To", "blank").await.unwrap();
    let driver = Driver::start().await;
    let a = driver.browser().await;
    open_as(&a, &from.created.links[&Role::Editor], "Ada").await;
    add_note(&a, (400.0, 300.0), "carried over").await;
    add_note(&a, (700.0, 300.0), "and me").await;
    keys(&a, &format!("{CTRL}a{RELEASE}")).await;
    keys(&a, &format!("{CTRL}d{RELEASE}")).await;
    // Duplicating selects the copies; copy them to the system clipboard.
    wait_for_count(&a, ".element.sticky", 4).await;
    keys(&a, &format!("{CTRL}c{RELEASE}")).await;
    wait_until(
        &a,
        "copied",
        "return document.querySelector('.notice')?.textContent === 'Copied'",
    )
    .await;
    a.goto("about:blank").await.unwrap();
    open_as(&a, &to.created.links[&Role::Editor], "Ada").await;
    keys(&a, &format!("{CTRL}v{RELEASE}")).await;
    let mut obs = observer(&srv, &to.id, to.token(Role::Viewer)).await;
    let all = server_until(&mut obs, "both notes pasted into the other board", |all| {
        let texts: Vec<&str> = stickies(all).iter().map(|n| n.text()).collect();
        texts.len() == 2 && texts.contains(&"carried over") && texts.contains(&"and me")
    })
    .await;
    let s = stickies(&all);
    assert!(
        (s[0].base.rect.y - s[1].base.rect.y).abs() < 1.0,
        "the layout is kept"
    );
    a.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facilitator_shares_copies_and_revokes_links() {
    let srv = app_server().await;
    let board = srv.api().create_board("Shared", "swot").await.unwrap();
    let driver = Driver::start().await;
    let (host, guest) = (driver.browser().await, driver.browser().await);
    open_as(&guest, &board.created.links[&Role::Editor], "Guest").await;
    // A facilitator on another device: the links come from the server.
    let fac_link = board.created.links[&Role::Facilitator].clone();
    open_as(&host, &fac_link, "Host").await;
    // Everything a facilitator needs is on the toolbar at 1280 px, nothing cut off.
    let overflow = js(
        &host,
        "const t = document.querySelector('.toolbar'); return t.scrollWidth - t.clientWidth",
    )
    .await;
    assert!(
        overflow.as_f64().unwrap() <= 0.0,
        "the toolbar overflows by {overflow} px"
    );
    host.find(Locator::Css("[data-action=share]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_count(&host, ".share-row", 4).await;
    let shown = js(
        &host,
        "return document.querySelector('.share-row[data-role=editor] input.link').value",
    )
    .await;
    assert_eq!(
        shown.as_str().unwrap(),
        board.created.links[&Role::Editor],
        "the editor link, as the server made it"
    );
    // Revoking the editor link (after a confirmation) disconnects the guest with a
    // clear message…
    host.find(Locator::Css(
        ".share-row[data-role=editor] [data-action=rotate]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    assert!(host
        .get_alert_text()
        .await
        .unwrap()
        .contains("disconnected"));
    host.accept_alert().await.unwrap();
    wait_until(
        &host,
        "a new editor link is shown",
        &format!(
            "return document.querySelector('.share-row[data-role=editor] input.link').value !== {:?}",
            board.created.links[&Role::Editor]
        ),
    )
    .await;
    wait_until(
        &guest,
        "the guest is told, and can no longer edit",
        "return document.querySelector('.fatal')?.textContent.includes('revoked')
            && document.querySelectorAll('button[data-tool=sticky]').length === 0",
    )
    .await;
    // …and the new link works.
    let new_link = js(
        &host,
        "return document.querySelector('.share-row[data-role=editor] input.link').value",
    )
    .await;
    let newcomer = driver.browser().await;
    open_as(&newcomer, new_link.as_str().unwrap(), "New").await;
    wait_for_count(&newcomer, ".role[data-role=editor]", 1).await;
    for b in [host, guest, newcomer] {
        b.close().await.unwrap();
    }
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
            .create_board(&template.name(Lang::En), template.id())
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
        for title in template.frame_titles(Lang::En) {
            let shown = browser
                .find_all(Locator::XPath(&format!(
                    "//*[contains(@class,'frame-title')][text()='{title}']"
                )))
                .await
                .unwrap();
            assert_eq!(shown.len(), 1, "{template:?}: frame {title:?} is not shown");
        }
    }
    browser.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facilitators_timer_shows_the_same_time_for_everyone() {
    let srv = app_server().await;
    let board = srv.api().create_board("Timed", "blank").await.unwrap();
    let driver = Driver::start().await;
    let (coach, member) = (driver.browser().await, driver.browser().await);
    open_as(&coach, &board.created.links[&Role::Facilitator], "Coach").await;
    open_as(&member, &board.created.links[&Role::Editor], "Ben").await;
    let face = "return document.querySelector('.timerbar .timer')?.textContent ?? null";
    assert_eq!(
        js(&member, face).await,
        serde_json::Value::Null,
        "no timer yet"
    );
    // Only facilitators get the controls.
    wait_for_count(&coach, "[data-action=timer-set]", 1).await;
    assert_eq!(
        member
            .find_all(Locator::Css("[data-action=timer-set]"))
            .await
            .unwrap()
            .len(),
        0
    );
    click_css(&coach, "[data-action=timer-set]").await;
    wait_until(
        &member,
        "the member sees five minutes",
        "return document.querySelector('.timerbar .timer')?.textContent === '5:00'",
    )
    .await;
    click_css(&coach, "[data-action=timer-start]").await;
    wait_for_count(&member, ".timer[data-phase=running]", 1).await;
    click_css(&coach, "[data-action=timer-pause]").await;
    wait_for_count(&member, ".timer[data-phase=paused]", 1).await;
    wait_for_count(&coach, ".timer[data-phase=paused]", 1).await;
    // Paused, both show the time left that the server stored.
    let (a, b) = (js(&coach, face).await, js(&member, face).await);
    assert_eq!(a, b, "the same time left on both screens");
    let left = a.as_str().unwrap().to_owned();
    assert!(left.starts_with("4:") || left == "5:00", "{left}");
    // A reload keeps it.
    member.refresh().await.unwrap();
    wait_for_count(&member, ".timer[data-phase=paused]", 1).await;
    assert_eq!(js(&member, face).await, serde_json::json!(left));
    coach.close().await.unwrap();
    member.close().await.unwrap();
}
