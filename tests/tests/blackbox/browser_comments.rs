//! Browser test of comments between a commenter and an editor: a thread pinned
//! on a note, a reply with an @mention picked from suggestions, unread markers,
//! the "mentioning me" filter, the note deleted under the thread, and resolving;
//! each step seen live in the other browser and checked against what the server
//! holds. Real client in headless Chromium against the real server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::{Client, Locator};
use tafel_shared::comments::{Discussion, Maps};
use tafel_shared::geometry::Rect;
use tafel_shared::ids::ParticipantCredential;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::browser::*;
use yrs::Transact;

/// WebDriver key: Enter.
const ENTER: &str = "\u{e007}";
/// WebDriver key: Delete.
const DELETE: &str = "\u{e017}";

/// This browser's participant id, as the server issued it.
async fn participant_of(browser: &Client) -> String {
    let v = js(
        browser,
        "return JSON.parse(localStorage.getItem('tafel.participant'))",
    )
    .await;
    let credential = v
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| v.to_string());
    ParticipantCredential::parse(credential.trim_matches('"'))
        .unwrap_or_else(|| panic!("credential {v}"))
        .id
        .to_string()
}

/// What the server holds of the comments, after pumping until `done` holds.
async fn comments_until(
    obs: &mut tafel_tests::SyncClient,
    what: &str,
    done: impl Fn(&Discussion) -> bool,
) -> Discussion {
    let read = |c: &tafel_tests::SyncClient| {
        let maps = Maps::of(&c.doc);
        let d = Discussion::read(&c.doc.transact(), &maps);
        d
    };
    let r = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        obs.pump_until(|c| done(&read(c))),
    )
    .await;
    let now = read(obs);
    assert!(matches!(r, Ok(Ok(()))), "{what}: the server holds {now:#?}");
    now
}

fn pin_is(attr: &str, value: &str) -> String {
    format!("return [...document.querySelectorAll('[data-testid=comment-pin]')].some(p => p.dataset.{attr} === {value:?})")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commenter_and_an_editor_discuss_a_note_with_mentions_and_resolve_it() {
    let srv = app_server().await;
    let board = srv.api().create_board("Review", "blank").await.unwrap();
    let mut seeder = observer(&srv, &board.id, board.token(Role::Editor)).await;
    let elements = schema::elements(&seeder.doc);
    seeder
        .edit(|txn| {
            let at = Rect::new(0.0, 0.0, 200.0, 200.0);
            tafel_tests::sticky("vision", at, "a0", "Vision 2030", "seed").insert(txn, &elements);
        })
        .await
        .unwrap();
    let mut server = observer_of(
        &srv,
        &board.id,
        board.token(Role::Viewer),
        DocKind::Comments,
    )
    .await;

    let driver = Driver::start().await;
    let people = [(Role::Commenter, "Clara"), (Role::Editor, "Ede")];
    let [clara, ede]: [Client; 2] = open_people(&driver, &board.created.links, &people)
        .await
        .try_into()
        .unwrap_or_else(|_| unreachable!("two people, two browsers"));
    for b in [&clara, &ede] {
        wait_for_count(b, ".element.sticky", 1).await;
    }
    let tools: Vec<String> = {
        let mut names = Vec::new();
        for t in clara.find_all(Locator::Css("[data-tool]")).await.unwrap() {
            names.push(t.attr("data-tool").await.unwrap().unwrap_or_default());
        }
        names
    };
    assert_eq!(
        tools,
        ["select", "hand", "comment"],
        "a commenter comments and changes nothing else"
    );

    // Clara pins a question on the note.
    keys(&clara, "c").await;
    let note = center_of(&clara, ".element.sticky").await;
    click_at(&clara, note).await;
    wait_for_count(&clara, "[data-testid=comment-composer]", 1).await;
    keys(&clara, "Ist das realistisch?").await;
    keys(&clara, ENTER).await;
    let clara_id = participant_of(&clara).await;
    let d = comments_until(&mut server, "the thread", |d| d.threads.len() == 1).await;
    let thread = d.threads.values().next().unwrap().clone();
    assert_eq!(
        thread.anchor.element(),
        Some("vision"),
        "pinned on the note"
    );
    assert_eq!(
        thread.author.to_string(),
        clara_id,
        "the server names Clara"
    );
    assert_eq!(d.of(&thread.id)[0].text, "Ist das realistisch?");
    // Her new thread is open, ready for more; she closes it.
    wait_for_count(&clara, "[data-testid=comment-thread]", 1).await;
    keys(&clara, ESCAPE).await;
    wait_until(
        &clara,
        "the thread closes",
        "return document.querySelectorAll('[data-testid=comment-thread]').length === 0",
    )
    .await;

    // Ede sees a pin with news; opening it reads it.
    wait_until(&ede, "Ede sees the unread pin", &pin_is("unread", "true")).await;
    click_css(&ede, "[data-testid=comment-pin]").await;
    wait_until(
        &ede,
        "Ede reads Clara's question",
        "return document.querySelector('[data-testid=comment-thread]')?.textContent.includes('Ist das realistisch?')",
    )
    .await;
    wait_until(&ede, "read once open", &pin_is("unread", "false")).await;

    // Ede answers and mentions Clara, picked from the suggestions.
    click_css(
        &ede,
        "[data-testid=comment-thread] [data-testid=comment-input]",
    )
    .await;
    keys(&ede, "@Cl").await;
    wait_for_count(&ede, "[data-testid=mention-option]", 1).await;
    keys(&ede, ENTER).await;
    keys(&ede, "ja, bis Q3").await;
    keys(&ede, ENTER).await;
    let d = comments_until(&mut server, "the reply", |d| d.of(&thread.id).len() == 2).await;
    let reply = &d.of(&thread.id)[1];
    assert_eq!(reply.text, "@Clara ja, bis Q3");
    assert_eq!(reply.mentions.len(), 1);
    assert_eq!(
        reply.mentions[0].id.to_string(),
        clara_id,
        "the mention names Clara"
    );

    // Clara has news on her pin; her "mentioning me" filter lists the thread.
    wait_until(
        &clara,
        "Clara's pin counts the reply",
        &pin_is("count", "2"),
    )
    .await;
    wait_until(&clara, "and has news for her", &pin_is("unread", "true")).await;
    click_css(&clara, "[data-testid=comments-open]").await;
    click_css(&clara, "[data-filter=mentions]").await;
    wait_for_count(&clara, "[data-testid=comment-row][data-unread=true]", 1).await;
    click_css(&clara, "[data-testid=comment-row]").await;
    wait_until(
        &clara,
        "Clara sees the mention",
        "return [...document.querySelectorAll('[data-testid=comment-thread] .mention')].some(m => m.textContent === '@Clara')",
    )
    .await;
    wait_until(&clara, "read once open", &pin_is("unread", "false")).await;
    let shot = clara.screenshot().await.unwrap();
    std::fs::write(std::env::temp_dir().join("tafel-comment-thread.png"), shot).unwrap();

    // Ede deletes the note: the thread stays, marked for both.
    keys(&ede, ESCAPE).await;
    click_at(&ede, center_of(&ede, ".element.sticky").await).await;
    keys(&ede, DELETE).await;
    for b in [&clara, &ede] {
        wait_until(
            b,
            "the pin says its element is gone",
            &pin_is("deleted", "true"),
        )
        .await;
    }
    wait_for_count(&clara, "[data-testid=comment-element-deleted]", 1).await;

    // Clara resolves it; it leaves both boards and the server records who.
    click_css(
        &clara,
        "[data-testid=comment-thread] [data-testid=comment-resolve]",
    )
    .await;
    let d = comments_until(&mut server, "resolved", |d| {
        d.threads.values().all(|t| t.resolved.is_some())
    })
    .await;
    assert_eq!(
        d.threads[&thread.id]
            .resolved
            .as_ref()
            .unwrap()
            .by
            .to_string(),
        clara_id
    );
    for b in [&clara, &ede] {
        wait_until(
            b,
            "resolved pins leave the board",
            "return document.querySelectorAll('[data-testid=comment-pin]').length === 0",
        )
        .await;
    }
    click_css(&ede, "[data-testid=comments-open]").await;
    click_css(&ede, "[data-filter=resolved]").await;
    wait_until(
        &ede,
        "the resolved list names who resolved it",
        "return [...document.querySelectorAll('[data-testid=comment-row]')].some(r => r.textContent.includes('resolved by Clara') && r.textContent.includes('element deleted'))",
    )
    .await;
    let shot = ede.screenshot().await.unwrap();
    std::fs::write(std::env::temp_dir().join("tafel-comments.png"), shot).unwrap();
    for b in [clara, ede] {
        b.close().await.unwrap();
    }
}
