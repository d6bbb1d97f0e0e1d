//! Templates that guide, in headless Chromium against the real server: each
//! frame shows its guiding questions, frame titles stay inside their own frame
//! at any zoom, the facilitator (and only the facilitator) gets the how-to, and
//! the role map starts with the project's actors and their relations.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::Client;
use tafel_shared::i18n::{text, Lang};
use tafel_shared::roles::Role;
use tafel_tests::browser::*;

/// Frames whose title box leaves its own frame or touches another frame, on
/// screen now.
async fn colliding_titles(browser: &Client) -> serde_json::Value {
    js(
        browser,
        "const frames = [...document.querySelectorAll('.element.frame')]; \
         const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1; \
         const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; \
         const out = []; \
         for (const f of frames) { \
           const title = f.querySelector('.frame-title').getBoundingClientRect(); \
           const own = f.getBoundingClientRect(); \
           if (!inside(title, own)) out.push(f.textContent + ' leaves its frame'); \
           for (const g of frames) if (g !== f && meet(title, g.getBoundingClientRect())) \
             out.push(f.querySelector('.frame-title').textContent + ' touches ' + g.querySelector('.frame-title').textContent); \
         } \
         return out;",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frames_guide_with_questions_and_their_titles_never_touch_the_frame_above() {
    let srv = app_server().await;
    let board = srv
        .api()
        .create_board("Geschäftsmodell", "business-model-canvas")
        .await
        .unwrap();
    let driver = Driver::start().await;
    let ben = driver.browser().await;
    open_as(&ben, &board.created.links[&Role::Editor], "Ben").await;
    wait_for_count(&ben, ".element.frame", 9).await;
    settle(&ben).await;
    // The guiding questions, quietly in their frame.
    let partners = text(Lang::En, "frame-bmc-partners-hint");
    assert!(partners.starts_with("Who are our key partners?"));
    wait_until(
        &ben,
        "the partners' questions",
        &format!(
            "return [...document.querySelectorAll('.frame-hint')].some(h => h.textContent === {partners:?} \
               && getComputedStyle(h).pointerEvents === 'none')"
        ),
    )
    .await;
    // At the whole-board view and zoomed further out, titles stay in their frame.
    assert_eq!(colliding_titles(&ben).await, serde_json::json!([]));
    for _ in 0..3 {
        click_css(&ben, "[data-action=zoom-out]").await;
    }
    settle(&ben).await;
    assert_eq!(colliding_titles(&ben).await, serde_json::json!([]));

    // The how-to is the facilitator's: Ben (an editor) has none.
    click_css(&ben, "[data-testid=agenda-open]").await;
    wait_for_count(&ben, ".agenda-step", 9).await;
    assert_eq!(
        js(
            &ben,
            "return document.querySelectorAll('.agenda-panel .howto').length"
        )
        .await,
        serde_json::json!(0)
    );
    let coach = driver.browser().await;
    open_as(&coach, &board.created.links[&Role::Facilitator], "Clara").await;
    click_css(&coach, "[data-testid=agenda-open]").await;
    let howto = text(Lang::En, "template-business-model-canvas-howto");
    wait_until(
        &coach,
        "the how-to",
        &format!(
            "const h = document.querySelector('.agenda-panel .howto p'); return !!h && h.textContent === {howto:?}"
        ),
    )
    .await;
    for browser in [ben, coach] {
        browser.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_role_map_starts_with_the_actors_and_who_works_with_whom() {
    let srv = app_server().await;
    let board = srv.api().create_board("Rollen", "role-map").await.unwrap();
    let driver = Driver::start().await;
    let ada = driver.browser().await;
    open_as(&ada, &board.created.links[&Role::Editor], "Ada").await;
    wait_for_count(&ada, ".element.frame", 5).await;
    wait_for_count(&ada, ".element.shape", 5).await;
    wait_for_count(&ada, ".element.connector", 3).await;
    let shown = js(
        &ada,
        "return [...document.querySelectorAll('.element.shape .text, .element.textbox .text, .connector-label')] \
           .map(t => t.textContent)",
    )
    .await;
    for key in [
        "roles-lane-agency",
        "roles-lane-client",
        "roles-actor-agency-lead",
        "roles-actor-client-decider",
        "roles-relation-reports-to",
    ] {
        let words = text(Lang::En, key);
        assert!(
            shown
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s == words.as_str()),
            "{words} in {shown}"
        );
    }
    // The actors are cards to work with: an editor moves one.
    let card = ".element.shape[data-id=actor-agency-team]";
    let before = rect_of(&ada, card).await;
    let at = center_of(&ada, card).await;
    drag(&ada, at, (at.0 + 30.0, at.1 + 20.0)).await;
    wait_until(
        &ada,
        "the card moved",
        &format!(
            "return document.querySelector({card:?}).getBoundingClientRect().x > {}",
            before[0] + 10.0
        ),
    )
    .await;
    ada.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_template_is_on_every_start_page_and_starts_boards_with_its_content() {
    use fantoccini::Locator;
    let srv = app_server().await;
    let board = srv.api().create_board("Kickoff", "blank").await.unwrap();
    let link = board.created.links[&Role::Facilitator].clone();
    let origin = link.find("/b/").map(|at| &link[..at]).unwrap().to_owned();
    let driver = Driver::start().await;
    let coach = driver.browser().await;
    open_as(&coach, &link, "Clara").await;
    add_note(&coach, (500.0, 300.0), "Unsere Vision").await;
    click_css(&coach, "[data-testid=board-menu]").await;
    click_css(&coach, "[data-action=save-template]").await;
    let name = coach
        .find(Locator::Css("[data-testid=template-name]"))
        .await
        .unwrap();
    name.clear().await.unwrap();
    name.send_keys("Agentur-Kickoff").await.unwrap();
    coach
        .find(Locator::Css("[data-testid=template-description]"))
        .await
        .unwrap()
        .send_keys("Mit Startkarte")
        .await
        .unwrap();
    click_css(&coach, "[data-testid=template-save]").await;
    let saved = text(Lang::En, "template-saved");
    wait_until(
        &coach,
        "saved",
        &format!("return document.querySelector('.notice')?.textContent === {saved:?}"),
    )
    .await;

    // Someone else, on another computer: the start page offers it.
    let ben = driver.browser().await;
    ben.goto(&origin).await.unwrap();
    wait_until(
        &ben,
        "the saved template",
        "const b = document.querySelector('[data-saved-template]'); \
         return !!b && b.textContent.includes('Agentur-Kickoff') && b.textContent.includes('Mit Startkarte');",
    )
    .await;
    assert_eq!(
        js(
            &ben,
            "return document.querySelectorAll('[data-action=delete-template]').length"
        )
        .await,
        serde_json::json!(0),
        "only the saver manages it"
    );
    click_css(&ben, "[data-saved-template]").await;
    wait_until(&ben, "a board from it", &note_with("Unsere Vision")).await;
    wait_for_count(&ben, ".status.live", 1).await;
    let url = ben.current_url().await.unwrap();
    assert!(
        url.path().starts_with("/b/") && !url.path().ends_with(&board.id),
        "a new board: {url}"
    );

    // The saver deletes it from the start page.
    coach.goto(&origin).await.unwrap();
    click_css(&coach, "[data-action=delete-template]").await;
    coach.accept_alert().await.unwrap();
    wait_until(
        &coach,
        "the template gone",
        "return !document.querySelector('[data-saved-template]')",
    )
    .await;
    let (_, list) = srv
        .api()
        .call(reqwest::Method::GET, "/api/templates", None)
        .await
        .unwrap();
    assert_eq!(list, serde_json::json!([]));
    for browser in [coach, ben] {
        browser.close().await.unwrap();
    }
}
