//! Fit and finish, as a coach meets it, in headless Chromium against the real
//! server: each test here is one rough edge that was found when the app was
//! tried, and fails on the behaviour before the fix.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use tafel_shared::roles::Role;
use tafel_tests::browser::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn avatar_initials_skip_brackets_and_punctuation() {
    let srv = app_server().await;
    let board = srv.api().create_board("Workshop", "blank").await.unwrap();
    let driver = Driver::start().await;
    let (coach, guest) = (driver.browser().await, driver.browser().await);
    open_as(
        &coach,
        &board.created.links[&Role::Facilitator],
        "Clara (Coach)",
    )
    .await;
    open_as(&guest, &board.created.links[&Role::Editor], "Ben").await;
    // The guest sees the coach's avatar: "CC", not "C(".
    wait_until(
        &guest,
        "the coach's avatar",
        "const a = document.querySelector('.avatar[data-name=\"Clara (Coach)\"]'); \
         return !!a && a.textContent.trim() === 'CC';",
    )
    .await;
    for browser in [coach, guest] {
        browser.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_unnamed_guests_get_different_names_and_colours() {
    let srv = app_server().await;
    let board = srv.api().create_board("Workshop", "blank").await.unwrap();
    let link = board.created.links[&Role::Editor].clone();
    let driver = Driver::start().await;
    let (a, b) = (driver.browser().await, driver.browser().await);
    for browser in [&a, &b] {
        browser.goto(&link).await.unwrap();
        click_css(browser, "[data-testid=profile-skip]").await;
        wait_for_count(browser, ".status.live", 1).await;
    }
    // Each sees the other: between them, "Guest" and "Guest 2" in two colours.
    let peer = "const a = document.querySelector('.avatar:not(.me)'); \
                return a ? [a.dataset.name, a.style.background] : null;";
    for browser in [&a, &b] {
        wait_until(
            browser,
            "the other guest",
            "return !!document.querySelector('.avatar:not(.me)')",
        )
        .await;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let seen = vec![js(&a, peer).await, js(&b, peer).await];
        let names: std::collections::BTreeSet<&str> =
            seen.iter().filter_map(|p| p[0].as_str()).collect();
        if names == ["Guest", "Guest 2"].into_iter().collect() && seen[0][1] != seen[1][1] {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "guests not told apart: {seen:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for browser in [a, b] {
        browser.close().await.unwrap();
    }
}

/// The elements the server holds for `board`, once `done` holds.
async fn held(
    srv: &tafel_tests::TestServer,
    board: &tafel_tests::server::Board,
    what: &str,
    done: impl Fn(&[tafel_shared::element::Element]) -> bool,
) -> Vec<tafel_shared::element::Element> {
    let mut obs = observer(srv, &board.id, board.token(Role::Viewer)).await;
    server_until(&mut obs, what, done).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_after_making_a_shape_or_frame_names_it_and_one_undo_takes_back_a_new_note() {
    use tafel_shared::element::Props;
    let srv = app_server().await;
    let board = srv.api().create_board("Workshop", "blank").await.unwrap();
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    open_as(&ada, &board.created.links[&Role::Editor], "Ada").await;

    // "p" and "v" are shortcuts (pen, select); right after making a shape
    // or a frame they are its first letters.
    keys(&ada, "r").await;
    drag(&ada, (400.0, 300.0), (560.0, 400.0)).await;
    keys(&ada, "plan").await;
    keys(&ada, ESCAPE).await;
    keys(&ada, "f").await;
    click_at(&ada, (800.0, 400.0)).await;
    keys(&ada, "vision").await;
    keys(&ada, ESCAPE).await;
    held(&srv, &board, "the shape and the frame named", |all| {
        let shape = all
            .iter()
            .any(|e| matches!(&e.props, Props::Shape(p) if p.text == "plan"));
        let frame = all
            .iter()
            .any(|e| matches!(&e.props, Props::Frame(p) if p.title == "vision"));
        shape && frame
    })
    .await;

    // A new note and its text go with one Ctrl+Z, and come back with one redo.
    add_note(&ada, (500.0, 550.0), "hallo welt").await;
    held(&srv, &board, "the note", |all| {
        stickies(all).iter().any(|n| n.text() == "hallo welt")
    })
    .await;
    keys(&ada, &format!("{CTRL}z{RELEASE}")).await;
    let after = held(&srv, &board, "the note taken back", |all| {
        stickies(all).is_empty()
    })
    .await;
    assert_eq!(after.len(), 2, "the shape and the frame stay: {after:#?}");
    keys(&ada, &format!("{CTRL}{SHIFT}z{RELEASE}")).await;
    held(&srv, &board, "the note back with its text", |all| {
        stickies(all).iter().any(|n| n.text() == "hallo welt")
    })
    .await;
    ada.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_carries_plain_text_for_mails_beside_the_elements() {
    let srv = app_server().await;
    let board = srv.api().create_board("Workshop", "blank").await.unwrap();
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    open_as(&ada, &board.created.links[&Role::Editor], "Ada").await;
    add_note(&ada, (400.0, 300.0), "Erstens").await;
    add_note(&ada, (700.0, 300.0), "Zweitens").await;
    keys(&ada, &format!("{CTRL}a{RELEASE}")).await;
    settle(&ada).await;
    let copied = js(
        &ada,
        "const dt = new DataTransfer(); \
         document.dispatchEvent(new ClipboardEvent('copy', {clipboardData: dt, bubbles: true})); \
         return [dt.getData('text/plain'), dt.getData('application/x-tafel+json')];",
    )
    .await;
    assert_eq!(copied[0], "Erstens\nZweitens", "plain text for a mail");
    let elements = copied[1].as_str().unwrap();
    assert!(
        elements.contains("tafel/elements") && elements.contains("Zweitens"),
        "the elements for Tafel: {elements}"
    );
    // Pasting the copy (as the other board would) brings both notes again.
    js(
        &ada,
        &format!(
            "const dt = new DataTransfer(); dt.setData('application/x-tafel+json', {elements:?}); \
             dt.setData('text/plain', 'Erstens\\nZweitens'); \
             document.dispatchEvent(new ClipboardEvent('paste', {{clipboardData: dt, bubbles: true}})); return true"
        ),
    )
    .await;
    held(&srv, &board, "four notes, two of them pasted", |all| {
        stickies(all).len() == 4
    })
    .await;
    ada.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sticky_text_breaks_between_words_not_inside_them() {
    use tafel_shared::geometry::Rect;
    let srv = app_server().await;
    let board = srv.api().create_board("Workshop", "blank").await.unwrap();
    let mut seeder = observer(&srv, &board.id, board.token(Role::Editor)).await;
    let elements = tafel_shared::schema::elements(&seeder.doc);
    let texts = [
        "Wachstumsmöglichkeiten im Mittelstand",
        "Kundenzufriedenheitsumfrage",
        "Onboarding für Workshopmoderation",
        "WWW MMM Wimmelbildmuster",
    ];
    seeder
        .edit(|txn| {
            for (i, text) in texts.iter().enumerate() {
                let at = Rect::new(i as f64 * 200.0, 0.0, 160.0, 160.0);
                tafel_tests::sticky(&format!("n{i}"), at, "a0", text, "Seed")
                    .insert(txn, &elements);
            }
        })
        .await
        .unwrap();
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    open_as(&ada, &board.created.links[&Role::Viewer], "Ada").await;
    wait_for_count(&ada, ".element.sticky", texts.len()).await;
    // At 100 %, as a note is read.
    click_css(&ada, "[data-action=zoom-reset]").await;
    settle(&ada).await;
    let broken = js(
        &ada,
        "const out = []; \
         for (const t of document.querySelectorAll('.element.sticky .text')) { \
           const node = t.firstChild; if (!node) continue; \
           const re = /\\S+/g; let m; \
           while ((m = re.exec(node.textContent))) { \
             const r = document.createRange(); r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length); \
             const tops = new Set([...r.getClientRects()].map(q => Math.round(q.top))); \
             if (tops.size > 1) out.push(m[0]); } } \
         return out;",
    )
    .await;
    assert_eq!(broken, serde_json::json!([]), "words broken across lines");
    ada.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn printing_shows_the_board_without_the_chrome() {
    let srv = app_server().await;
    let board = srv.api().create_board("Workshop", "swot").await.unwrap();
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    open_as(&ada, &board.created.links[&Role::Facilitator], "Ada").await;
    wait_for_count(&ada, ".element.frame", 4).await;
    // What the print style sheet hides, and what it keeps.
    let hidden_in_print = js(
        &ada,
        "const rules = []; \
         for (const sheet of document.styleSheets) for (const r of sheet.cssRules) \
           if (r.media && [...r.media].includes('print')) for (const inner of r.cssRules) rules.push(inner); \
         const hidden = el => rules.some(r => r.style && r.style.display === 'none' && el.matches(r.selectorText)); \
         const chrome = ['.toolbar', '.toolrail', '.stylebar', '.zoom', '.roombar', '.notice-probe']; \
         const probe = document.createElement('div'); probe.className = 'notice notice-probe'; document.body.append(probe); \
         const out = {}; \
         for (const css of chrome) { const el = document.querySelector(css); out[css] = el ? hidden(el) : 'absent'; } \
         out.canvas = hidden(document.querySelector('.canvas')); \
         out.frame = hidden(document.querySelector('.element.frame')); \
         probe.remove(); return out;",
    )
    .await;
    assert_eq!(
        hidden_in_print,
        serde_json::json!({
            ".toolbar": true, ".toolrail": true, ".stylebar": true, ".zoom": true,
            ".roombar": true, ".notice-probe": true, "canvas": false, "frame": false
        })
    );
    ada.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_and_commenters_see_only_the_shortcuts_they_can_use() {
    use tafel_shared::i18n::{text, Lang};
    let srv = app_server().await;
    let board = srv.api().create_board("Workshop", "blank").await.unwrap();
    let driver = Driver::start().await;
    for (role, shown, hidden) in [
        (
            Role::Viewer,
            vec!["key-help-zoom-in", "key-help-hand", "key-help-outline"],
            vec![
                "key-help-sticky",
                "key-help-delete",
                "key-help-undo",
                "key-help-comment",
                "key-help-lock",
            ],
        ),
        (
            Role::Commenter,
            vec!["key-help-comment", "key-help-zoom-fit"],
            vec!["key-help-duplicate", "key-help-group", "key-help-lock"],
        ),
        (
            Role::Editor,
            vec!["key-help-duplicate", "key-help-group"],
            vec!["key-help-lock"],
        ),
    ] {
        let browser = driver.browser().await;
        open_as(&browser, &board.created.links[&role], "Ada").await;
        keys(&browser, "?").await;
        wait_for_count(&browser, ".help dd", 3).await;
        let listed = js(
            &browser,
            "return [...document.querySelectorAll('.help dd')].map(d => d.textContent)",
        )
        .await;
        let listed: Vec<&str> = listed
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        for key in shown {
            let words = text(Lang::En, key);
            assert!(listed.contains(&words.as_str()), "{role:?} misses {words}");
        }
        for key in hidden {
            let words = text(Lang::En, key);
            assert!(
                !listed.contains(&words.as_str()),
                "{role:?} is shown {words}"
            );
        }
        browser.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_that_cannot_open_shows_no_board_tools() {
    let srv = app_server().await;
    let board = srv.api().create_board("Workshop", "blank").await.unwrap();
    let link = board.created.links[&Role::Editor].clone();
    // The right address with a token that opens nothing.
    let wrong = format!(
        "{}#{}",
        link.split('#').next().unwrap(),
        "token=wrongwrongwrongwrong"
    );
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    ada.goto(&wrong).await.unwrap();
    wait_for_count(&ada, ".fatal", 1).await;
    settle(&ada).await;
    let tools = js(
        &ada,
        "return [...document.querySelectorAll('button, input, .toolrail, .stylebar, .zoom, .roombar')] \
           .filter(el => !el.closest('.fatal') && el.getClientRects().length > 0) \
           .map(el => el.dataset.action || el.dataset.tool || el.className || el.textContent)",
    )
    .await;
    assert_eq!(tools, serde_json::json!([]), "board tools beside the error");
    // The way home stays.
    wait_until(
        &ada,
        "the way home",
        "return document.querySelector('.home-link').getClientRects().length > 0 \
           && !!document.querySelector('.fatal a.button[href=\"/\"]')",
    )
    .await;
    ada.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_without_any_network_opens_the_board_from_the_local_copy() {
    let srv = app_server().await;
    let proxy = tafel_tests::Proxy::start(srv.server.addr).await.unwrap();
    let board = srv.api().create_board("Zug", "blank").await.unwrap();
    let link = proxy.link(&board.created.links[&Role::Editor]);
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    open_as(&ada, &link, "Ada").await;
    add_note(&ada, (400.0, 300.0), "im Tunnel gelesen").await;
    wait_for_count(&ada, ".board[data-local=saved]", 1).await;
    // The app shell is kept once the worker runs the page.
    wait_until(
        &ada,
        "the offline shell",
        "return !!navigator.serviceWorker && !!navigator.serviceWorker.controller",
    )
    .await;
    // No network at all: not the board's socket, not its API, not its page.
    proxy.go_dark();
    ada.refresh().await.unwrap();
    wait_until(
        &ada,
        "the board from the local copy",
        &note_with("im Tunnel gelesen"),
    )
    .await;
    wait_for_count(&ada, ".status.offline", 1).await;
    // Back online, it syncs again.
    proxy.go_online();
    wait_for_count(&ada, ".status.live", 1).await;
    ada.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_grows_with_its_words_at_the_size_picked() {
    use tafel_shared::element::Props;
    let srv = app_server().await;
    let board = srv.api().create_board("Workshop", "blank").await.unwrap();
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    open_as(&ada, &board.created.links[&Role::Editor], "Ada").await;
    let words = "Das ist ein längerer Satz für den Workshop";
    keys(&ada, "t").await;
    click_at(&ada, (300.0, 300.0)).await;
    wait_for_count(&ada, ".editor", 1).await;
    keys(&ada, words).await;
    keys(&ada, ESCAPE).await;
    let text_of = |all: &[tafel_shared::element::Element]| {
        all.iter().find_map(|e| match &e.props {
            Props::Text(p) if p.text == words => Some((p.size, e.base.rect)),
            _ => None,
        })
    };
    let all = held(&srv, &board, "the text", |all| text_of(all).is_some()).await;
    let (size, rect) = text_of(&all).unwrap();
    assert_eq!(size, 24.0, "the medium size");
    assert!(rect.w > 400.0, "the box grew with the words: {rect:?}");
    // Drawn at that size, and the words fit the box.
    let fits = "const e = [...document.querySelectorAll('.element.textbox')].find(e => e.textContent.includes('Workshop')); \
                const t = e.querySelector('.text'); \
                return [getComputedStyle(e).fontSize, t.scrollWidth <= e.clientWidth + 1 && t.offsetHeight <= e.clientHeight + 1];";
    assert_eq!(js(&ada, fits).await, serde_json::json!(["24px", true]));

    // Extra large: the same words, larger type, a larger box.
    click_at(&ada, center_of(&ada, ".element.textbox").await).await;
    click_css(&ada, "[data-text-size=xl]").await;
    let all = held(&srv, &board, "extra large", |all| {
        text_of(all).is_some_and(|(s, _)| s == 56.0)
    })
    .await;
    let (_, larger) = text_of(&all).unwrap();
    assert!(
        larger.w > 2.0 * rect.w && larger.h > 2.0 * rect.h,
        "{larger:?}"
    );
    wait_until(
        &ada,
        "drawn extra large, still fitting",
        &format!("const r = (() => {{ {fits} }})(); return r[0] === '56px' && r[1];"),
    )
    .await;
    ada.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_travels_in_a_url_a_proxy_would_log() {
    let srv = app_server().await;
    let proxy = tafel_tests::Proxy::start(srv.server.addr).await.unwrap();
    let board = srv.api().create_board("Geheim", "swot").await.unwrap();
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    open_as(
        &ada,
        &proxy.link(&board.created.links[&Role::Facilitator]),
        "Ada",
    )
    .await;
    add_note(&ada, (400.0, 300.0), "sichtbar").await;
    // The share dialog and the history ask the API with the token too.
    click_css(&ada, "[data-action=share]").await;
    wait_for_count(&ada, ".share-row", 4).await;
    let lines = proxy.request_lines();
    assert!(
        lines.iter().filter(|l| l.contains("/ws/")).count() >= 4,
        "the board's sockets went through: {lines:#?}"
    );
    for role in Role::ALL {
        let token = board.token(role);
        assert!(
            !lines.iter().any(|l| l.contains(token)),
            "the {role:?} token is in a logged URL: {lines:#?}"
        );
    }
    assert!(!lines
        .iter()
        .any(|l| l.contains("token=") || l.contains("me=")));
    ada.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_start_page_creates_boards_where_only_the_operator_may() {
    use fantoccini::Locator;
    let srv = app_server_with(|c| c.create_requires_operator = true).await;
    let operator = srv.operator_token();
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    ada.goto(&srv.http()).await.unwrap();
    click_css(&ada, "[data-template=swot]").await;
    // The server says who may; the page asks for the token instead of failing.
    let field = ada
        .wait()
        .for_element(Locator::Css("[data-testid=operator-token]"))
        .await
        .unwrap();
    field
        .send_keys("wrong-wrong-wrong-wrong-wrong-wrong-wrong")
        .await
        .unwrap();
    click_css(&ada, ".operator-form button").await;
    let wrong = tafel_shared::i18n::text(tafel_shared::i18n::Lang::En, "home-operator-wrong");
    wait_until(
        &ada,
        "the wrong token told",
        &format!("return document.querySelector('[role=alert]')?.textContent === {wrong:?}"),
    )
    .await;
    let field = ada
        .find(Locator::Css("[data-testid=operator-token]"))
        .await
        .unwrap();
    field.clear().await.unwrap();
    field.send_keys(&operator).await.unwrap();
    click_css(&ada, ".operator-form button").await;
    wait_for_count(&ada, ".element.frame", 4).await;
    assert!(ada.current_url().await.unwrap().path().starts_with("/b/"));
    let (_, list) = srv
        .api()
        .call(
            reqwest::Method::GET,
            &format!("/api/admin/boards?token={operator}"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "one board, made with the token"
    );
    ada.close().await.unwrap();
}

/// The one-file install as an operator meets it: the `tafel` binary with the
/// built client bundled (`tafel bundle-client`, what `cargo xtask dist` runs),
/// copied into an empty directory and started with no flags, serves the app: a
/// coach opens the start page, picks a template and works on the new board.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_binary_alone_serves_the_app_from_an_empty_directory() {
    let install = tempfile::tempdir().unwrap();
    let bundled = install.path().join("tafel");
    let status = std::process::Command::new(tafel_tests::server::tafel_binary().unwrap())
        .arg("bundle-client")
        .arg("--assets")
        .arg(client_dist())
        .arg("--out")
        .arg(&bundled)
        .status()
        .unwrap();
    assert!(status.success());
    let srv = tafel_tests::ServerProcess::start_program(&bundled, install.path(), &[])
        .await
        .unwrap();
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    ada.goto(&srv.http()).await.unwrap();
    click_css(&ada, "[data-template=swot]").await;
    wait_for_count(&ada, ".element.frame", 4).await;
    assert!(ada.current_url().await.unwrap().path().starts_with("/b/"));
    // Fonts and scripts came from the binary, not from another host.
    let foreign = js(
        &ada,
        "return performance.getEntriesByType('resource').map(e => e.name) \
           .filter(n => !n.startsWith(location.origin));",
    )
    .await;
    assert_eq!(foreign, serde_json::json!([]));
    ada.close().await.unwrap();
    srv.terminate().await.unwrap();
}

/// With a retention of fewer days than the warning period, a fresh board is
/// already within it: its facilitator is told in the board when it would be
/// deleted, an editor is not bothered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facilitators_are_warned_in_the_board_before_retention_deletes_it() {
    let srv = app_server_with(|c| c.retention_days = Some(3)).await;
    let board = srv.api().create_board("Retro", "blank").await.unwrap();
    let driver = Driver::start().await;
    let (coach, guest) = (driver.browser().await, driver.browser().await);
    open_as(&coach, &board.created.links[&Role::Facilitator], "Clara").await;
    open_as(&guest, &board.created.links[&Role::Editor], "Ben").await;
    wait_until(
        &coach,
        "the retention notice",
        "const n = document.querySelector('[data-testid=retention-notice]'); \
         return !!n && /\\d+\\.\\d+\\.\\d{4}/.test(n.textContent);",
    )
    .await;
    settle(&guest).await;
    let shown = js(
        &guest,
        "return !!document.querySelector('[data-testid=retention-notice]');",
    )
    .await;
    assert_eq!(shown, serde_json::json!(false));
    coach.close().await.unwrap();
    guest.close().await.unwrap();
}
