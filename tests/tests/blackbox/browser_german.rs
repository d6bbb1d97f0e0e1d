//! The interface in German, in headless Chromium against the real server: the
//! start page, a board made from a template in German, and its panels and
//! menus show no text of the English catalogue that German words differently
//! (every visible text node, `title`, `aria-label` and `placeholder` is
//! checked); the language switch changes the language and keeps it; only
//! facilitators are told that template frames are locked.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use fantoccini::Client;
use std::collections::{BTreeSet, HashMap};
use tafel_shared::i18n::Lang;
use tafel_shared::roles::Role;
use tafel_tests::browser::*;

/// `key → text` of a catalogue's one-line messages without arguments: the
/// texts a page can show word for word.
fn plain_texts(source: &str) -> HashMap<String, String> {
    source
        .lines()
        .filter_map(|line| {
            let (key, value) = line.split_once(" = ")?;
            let key = key.trim();
            let shaped = key.starts_with(|c: char| c.is_ascii_lowercase())
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            (shaped && !value.contains('{') && !value.trim().is_empty())
                .then(|| (key.to_owned(), value.trim().to_owned()))
        })
        .collect()
}

/// English texts that German words differently.
fn english_only() -> BTreeSet<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/locales");
    let en = plain_texts(&std::fs::read_to_string(format!("{root}/en.ftl")).unwrap());
    let de = plain_texts(&std::fs::read_to_string(format!("{root}/de.ftl")).unwrap());
    let german: BTreeSet<&String> = de.values().collect();
    en.into_iter()
        // A language's own name ("English" on the switch) is meant to stay.
        .filter(|(key, text)| {
            key != "lang-name" && de.get(key) != Some(text) && !german.contains(text)
        })
        .map(|(_, text)| text)
        .collect()
}

/// Every text the page shows now: visible text nodes (whole and trimmed),
/// and the `title`, `aria-label` and `placeholder` of visible elements.
const SHOWN_TEXTS: &str = r#"
const out = new Set();
const visible = el => el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const n = walker.currentNode;
  const t = n.textContent.trim();
  if (t && visible(n.parentElement)) out.add(t);
}
for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
  if (!visible(el)) continue;
  for (const a of ['title', 'aria-label', 'placeholder']) {
    const v = (el.getAttribute(a) || '').trim();
    if (v) out.add(v);
  }
}
return [...out];
"#;

async fn english_shown(browser: &Client, english: &BTreeSet<String>, where_: &str) {
    let shown = js(browser, SHOWN_TEXTS).await;
    let leaks: Vec<String> = shown
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .filter(|t| english.contains(*t))
        .map(str::to_owned)
        .collect();
    assert!(
        leaks.is_empty(),
        "{where_}: English on the German interface: {leaks:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_german_interface_shows_no_english_and_the_switch_changes_it() {
    let english = english_only();
    assert!(
        english.len() > 200,
        "only {} English texts to look for",
        english.len()
    );
    let srv = app_server().await;
    // A retrospective made in German (the language the creator's page sends).
    let created: tafel_shared::api::BoardCreated = reqwest::Client::new()
        .post(format!("{}/api/boards", srv.http()))
        .json(&serde_json::json!({"title": "Retro", "template": "retrospective", "lang": "de"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let driver = Driver::start().await;
    let browser = driver.browser().await;
    browser.goto(&srv.http()).await.unwrap();
    js(
        &browser,
        "localStorage.setItem('tafel.lang', 'de'); \
         localStorage.setItem('tafel.profile', JSON.stringify({name: 'Clara', color: '#1971c2'}));",
    )
    .await;

    // The start page.
    browser.goto(&srv.http()).await.unwrap();
    wait_until(
        &browser,
        "the start page in German",
        "return document.documentElement.lang === 'de' && !!document.querySelector('.lang-switch')",
    )
    .await;
    settle(&browser).await;
    english_shown(&browser, &english, "start page").await;

    // The board, as its facilitator, with its frames in German.
    browser
        .goto(&created.links[&Role::Facilitator])
        .await
        .unwrap();
    wait_for_count(&browser, ".status.live", 1).await;
    wait_for_count(&browser, ".element.frame", 3).await;
    let titles = js(
        &browser,
        "return [...document.querySelectorAll('.frame-title')].map(t => t.textContent.trim())",
    )
    .await;
    for title in tafel_shared::templates::Template::Retrospective.frame_titles(Lang::De) {
        assert!(
            titles
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t.as_str().unwrap_or("").contains(&title)),
            "{title} not in {titles}"
        );
    }
    english_shown(&browser, &english, "board").await;
    // Facilitators (who can unlock them) are told the template's frames are locked.
    assert_eq!(wait_for_count(&browser, ".frame-locked", 3).await, 3);
    assert_eq!(
        js(
            &browser,
            "return document.querySelector('.frame-locked').textContent.trim()"
        )
        .await,
        serde_json::json!("· gesperrt")
    );
    let shot = browser.screenshot().await.unwrap();
    std::fs::write(std::env::temp_dir().join("tafel-german-board.png"), shot).unwrap();

    // Its panels and menus.
    for (open, what) in [
        ("[data-testid=board-menu]", "board menu"),
        ("[data-action=share]", "share dialog"),
        ("[data-testid=vote-open]", "voting panel"),
        ("[data-testid=history-open]", "history panel"),
        ("[data-testid=comments-open]", "comments panel"),
    ] {
        if js(
            &browser,
            &format!("return !!document.querySelector({open:?})"),
        )
        .await
            != serde_json::json!(true)
        {
            panic!("{what}: no {open} to open it");
        }
        click_css(&browser, open).await;
        settle(&browser).await;
        english_shown(&browser, &english, what).await;
        if what == "board menu" {
            // The menu closes from its own button; panels close with Escape.
            click_css(&browser, open).await;
        }
        keys(&browser, "\u{e00c}").await; // Escape
        settle(&browser).await;
    }
    // The keyboard help.
    keys(&browser, "?").await;
    settle(&browser).await;
    english_shown(&browser, &english, "keyboard help").await;
    let shot = browser.screenshot().await.unwrap();
    std::fs::write(std::env::temp_dir().join("tafel-german-help.png"), shot).unwrap();
    keys(&browser, "\u{e00c}").await;

    // The switch in the board menu changes the language, and it stays.
    click_css(&browser, "[data-testid=board-menu]").await;
    click_css(&browser, ".board-menu [data-lang=en]").await;
    wait_until(
        &browser,
        "the board in English",
        "return document.documentElement.lang === 'en'",
    )
    .await;
    wait_for_count(&browser, ".status.live", 1).await;
    assert_eq!(
        js(&browser, "return localStorage.getItem('tafel.lang')").await,
        serde_json::json!("en")
    );
    // A viewer, who cannot unlock anything, is not told about locks.
    // (Another link of the same board only changes the fragment: reload.)
    browser.goto(&created.links[&Role::Viewer]).await.unwrap();
    browser.refresh().await.unwrap();
    wait_for_count(&browser, ".status.live", 1).await;
    wait_for_count(&browser, ".role[data-role=viewer]", 1).await;
    wait_for_count(&browser, ".element.frame", 3).await;
    settle(&browser).await;
    assert_eq!(
        js(
            &browser,
            "return document.querySelectorAll('.frame-locked').length"
        )
        .await,
        serde_json::json!(0)
    );
    browser.close().await.unwrap();
}
