//! Formatted text in headless Chromium against the real server: bold typed in
//! one browser is bold in the other while both type into the same note (the
//! document merges them character by character), lists and links are stored
//! as `Y.Text` formatting, a link opens only for web and mail addresses and
//! with `rel=noopener`, and a note grows rather than cutting its words off.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::Client;
use tafel_shared::element::Element;
use tafel_shared::geometry::Rect;
use tafel_shared::rich::ListKind;
use tafel_shared::roles::Role;
use tafel_tests::browser::*;

/// WebDriver key: End.
const END: &str = "\u{e010}";
/// WebDriver key: Home.
const HOME: &str = "\u{e011}";

fn note_of<'a>(all: &'a [Element], id: &str) -> Option<&'a Element> {
    all.iter().find(|e| e.base.id == id)
}

async fn edit_note(browser: &Client, id: &str) {
    double_click_at(
        browser,
        center_of(browser, &format!(".element[data-id={id}]")).await,
    )
    .await;
    wait_for_count(browser, ".rich-editor", 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bold_typed_in_one_browser_is_bold_in_the_other_while_both_type() {
    let srv = app_server().await;
    let note = ("n", Rect::new(0.0, 0.0, 320.0, 240.0), "Ziel:");
    let (board, mut obs) = board_with_notes(&srv, "blank", &[note]).await;
    let driver = Driver::start().await;
    let (ada, ben) = (driver.browser().await, driver.browser().await);
    open_as(&ada, &board.created.links[&Role::Editor], "Ada").await;
    open_as(&ben, &board.created.links[&Role::Editor], "Ben").await;
    for b in [&ada, &ben] {
        wait_for_count(b, ".element.sticky", 1).await;
    }
    // Both type into the same note at once.
    edit_note(&ada, "n").await;
    edit_note(&ben, "n").await;
    keys(&ada, &format!("{END} {CTRL}b{RELEASE}stark")).await;
    keys(&ben, &format!("{HOME}Neu: ")).await;
    let all = server_until(&mut obs, "both typed", |all| {
        note_of(all, "n").is_some_and(|n| n.text().contains("stark") && n.text().contains("Neu: "))
    })
    .await;
    let n = note_of(&all, "n").unwrap();
    assert_eq!(
        n.text(),
        "Neu: Ziel: stark",
        "merged character by character"
    );
    let rich = n.base.rich.as_ref().expect("formatted");
    let bold: String = rich[0]
        .spans
        .iter()
        .filter(|s| s.marks.bold)
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(bold, "stark", "only the words typed with bold on are bold");
    // Ben, still typing, sees Ada's word bold in his edit box.
    wait_until(
        &ben,
        "Ada's bold word in Ben's box",
        "const b = [...document.querySelectorAll('.rich-editor .b')].map(s => s.textContent).join(''); \
         return b === 'stark' && document.querySelector('.rich-editor').textContent === 'Neu: Ziel: stark';",
    )
    .await;
    keys(&ben, "sehr ").await;
    server_until(&mut obs, "Ben typed on", |all| {
        note_of(all, "n").is_some_and(|n| n.text() == "Neu: sehr Ziel: stark")
    })
    .await;
    keys(&ben, ESCAPE).await;

    // A bulleted list: Ada's line becomes an item, stored on its newline.
    click_css(&ada, "[data-format=bullet]").await;
    let listed = server_until(&mut obs, "a list", |all| {
        note_of(all, "n")
            .and_then(|n| n.base.rich.as_ref())
            .is_some_and(|r| r[0].list == Some(ListKind::Bullet))
    })
    .await;
    assert_eq!(
        note_of(&listed, "n").unwrap().text(),
        "Neu: sehr Ziel: stark\n"
    );
    keys(&ada, ESCAPE).await;
    wait_until(
        &ben,
        "the list on Ben's board",
        "return !!document.querySelector('.element[data-id=n] .line.li.bullet')",
    )
    .await;
    for browser in [ada, ben] {
        browser.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_are_web_or_mail_addresses_and_open_with_noopener() {
    let srv = app_server().await;
    let note = ("n", Rect::new(0.0, 0.0, 320.0, 240.0), "Website");
    let (board, mut obs) = board_with_notes(&srv, "blank", &[note]).await;
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    open_as(&ada, &board.created.links[&Role::Editor], "Ada").await;
    wait_for_count(&ada, ".element.sticky", 1).await;
    edit_note(&ada, "n").await;
    keys(&ada, &format!("{CTRL}a{RELEASE}")).await;
    // A script address is refused.
    click_css(&ada, "[data-format=link]").await;
    ada.send_alert_text("javascript:alert(1)").await.unwrap();
    ada.accept_alert().await.unwrap();
    let refused = tafel_shared::i18n::text(tafel_shared::i18n::Lang::En, "format-link-refused");
    wait_until(
        &ada,
        "the refusal",
        &format!("return document.querySelector('.notice')?.textContent === {refused:?}"),
    )
    .await;
    // A web address links the words.
    keys(&ada, &format!("{CTRL}a{RELEASE}")).await;
    click_css(&ada, "[data-format=link]").await;
    ada.send_alert_text("https://tafel.example/plan")
        .await
        .unwrap();
    ada.accept_alert().await.unwrap();
    server_until(&mut obs, "the link", |all| {
        note_of(all, "n")
            .and_then(|n| n.base.rich.as_ref())
            .is_some_and(|r| r[0].spans[0].link.as_deref() == Some("https://tafel.example/plan"))
    })
    .await;
    keys(&ada, ESCAPE).await;
    wait_until(
        &ada,
        "a safe link on the board",
        "const a = document.querySelector('.element[data-id=n] .text a'); \
         return !!a && a.getAttribute('href') === 'https://tafel.example/plan' \
           && a.rel.includes('noopener') && a.target === '_blank';",
    )
    .await;
    ada.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_grows_instead_of_cutting_long_text_off() {
    let srv = app_server().await;
    let board = srv.api().create_board("Lang", "blank").await.unwrap();
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    open_as(&ada, &board.created.links[&Role::Editor], "Ada").await;
    let long = "Wir wollen in drei Jahren die erste Adresse für Workshops sein, die Kundinnen und Kunden gern wieder buchen, weil sie dort wirklich zusammen arbeiten und Entscheidungen treffen, statt nur Folien zu sehen. ".repeat(2);
    add_note(&ada, (400.0, 300.0), &long).await;
    let mut obs = observer(&srv, &board.id, board.token(Role::Viewer)).await;
    let all = server_until(&mut obs, "the long note", |all| {
        stickies(all).iter().any(|n| n.text().len() > 300)
    })
    .await;
    let note = stickies(&all)[0];
    assert!(
        note.base.rect.h > 160.0,
        "the note grew: {:?}",
        note.base.rect
    );
    // All of its words are inside it.
    let fits = js(
        &ada,
        "const n = document.querySelector('.element.sticky'); const t = n.querySelector('.text'); \
         return t.scrollHeight <= n.clientHeight;",
    )
    .await;
    assert_eq!(fits, serde_json::json!(true));
    ada.close().await.unwrap();
}
