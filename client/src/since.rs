//! "Since your last visit": what others added, changed and removed on a board
//! while this browser was away, and who did it.
//!
//! The browser's copy of the board in IndexedDB is the state it last saw, so
//! nothing extra is stored: the session keeps the elements of that copy as it
//! loads them ([`crate::session::Session::take_baseline`]), and once the server's
//! state has arrived the difference is the news. Who made each change comes
//! from the server's activity record (`/api/boards/{id}/activity`); an element
//! it does not know about falls back to its author for an addition.

use crate::commands::Commands;
pub use crate::review_state::{Change, SinceUi, What};
use leptos::prelude::*;
use std::collections::HashMap;
use tafel_shared::api::ElementActivity;
use tafel_shared::diff::diff;
use tafel_shared::element::Element;

fn describe(e: &Element) -> String {
    let label = e.label();
    if label.chars().count() > 80 {
        let short: String = label.chars().take(79).collect();
        format!("{short}…")
    } else {
        label
    }
}

/// The changes from `before` (what this browser last saw) to `after` (the board
/// now), named with `activity`, leaving out what `me` did (on another device),
/// oldest first (unknown times last, in board order).
pub fn changes_between(
    before: &[Element],
    after: &[Element],
    activity: &[ElementActivity],
    me: Option<&str>,
) -> Vec<Change> {
    let d = diff(before, after);
    let old: HashMap<&str, &Element> = before.iter().map(|e| (e.base.id.as_str(), e)).collect();
    let new: HashMap<&str, &Element> = after.iter().map(|e| (e.base.id.as_str(), e)).collect();
    let by: HashMap<&str, &ElementActivity> = activity.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut out: Vec<Change> = Vec::with_capacity(d.len());
    let groups = [
        (What::Added, &d.added, &new),
        (What::Changed, &d.changed, &new),
        (What::Removed, &d.removed, &old),
    ];
    for (what, ids, source) in groups {
        for id in ids {
            let Some(e) = source.get(id.as_str()) else {
                continue;
            };
            let touch = by.get(id.as_str());
            if me.is_some() && touch.and_then(|t| t.by_id.as_deref()) == me {
                continue;
            }
            let who = touch.and_then(|t| t.by.clone()).or_else(|| {
                (what == What::Added && !e.base.author.is_empty()).then(|| e.base.author.clone())
            });
            out.push(Change {
                id: id.clone(),
                what,
                who,
                at_ms: touch.map(|t| t.at_ms),
                label: describe(e),
                rect: e.base.rect,
            });
        }
    }
    out.sort_by_key(|c| c.at_ms.unwrap_or(u64::MAX));
    out
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Works out the news once the server's state is in: `baseline` is what this
/// browser last saw, `since_ms` when that visit began. How long reading the
/// board, comparing and listing took (ms) is left in `window.__tafelSince` for
/// the benchmark.
pub fn show(cmd: Commands, baseline: Vec<Element>, since_ms: f64) {
    let t0 = now_ms();
    let now = cmd.session().content_elements();
    let t1 = now_ms();
    let unchanged = tafel_shared::diff::diff(&baseline, &now).is_empty();
    let t2 = now_ms();
    if unchanged {
        return;
    }
    let s = cmd.session();
    let (id, token) = (s.id.clone(), s.token.clone());
    let ui = cmd.state.since;
    leptos::task::spawn_local(async move {
        // A minute of slack for clocks that disagree; the diff decides what is
        // news, the activity only who did it.
        let since = (since_ms as u64).saturating_sub(60_000);
        let activity = crate::api::activity(&id, &token, since)
            .await
            .unwrap_or_default();
        let me = crate::identity::credential().map(|c| c.id.as_str().to_owned());
        let t3 = now_ms();
        let changes = changes_between(&baseline, &now, &activity, me.as_deref());
        let t4 = now_ms();
        ui.since_ms.set(Some(since_ms));
        ui.at.set(None);
        ui.changes.set(changes);
        let t5 = now_ms();
        if let Some(w) = web_sys::window() {
            let took = js_sys::Array::of4(
                &(t1 - t0).into(),
                &(t2 - t1).into(),
                &(t4 - t3).into(),
                &(t5 - t4).into(),
            );
            let _ = js_sys::Reflect::set(&w, &"__tafelSince".into(), &took);
        }
    });
}

/// Moves the view to change `i` of the list.
pub fn go_to(cmd: Commands, i: usize) {
    let ui = cmd.state.since;
    let Some(change) = ui.changes.with_untracked(|c| c.get(i).cloned()) else {
        return;
    };
    ui.at.set(Some(i));
    let (w, h) = cmd.state.camera.screen.get_untracked();
    cmd.bring_to(
        change.rect.center(),
        tafel_shared::geometry::Point::new(w / 2.0, h / 2.0),
    );
}

/// Clears the news: everything is seen.
pub fn mark_all_seen(cmd: Commands) {
    let ui = cmd.state.since;
    ui.changes.set(Vec::new());
    ui.at.set(None);
    ui.open.set(false);
}

#[cfg(test)]
mod tests {
    use super::*;
    use tafel_shared::geometry::Rect;

    fn note(id: &str, x: f64, text: &str, author: &str) -> Element {
        let mut e = Element::sticky(id, Rect::new(x, 0.0, 100.0, 100.0), "#ffd43b", text);
        e.base.author = author.into();
        e
    }

    fn touch(id: &str, by: &str, at_ms: u64, removed: bool) -> ElementActivity {
        ElementActivity {
            id: id.into(),
            by: Some(by.to_uppercase()),
            by_id: Some(by.into()),
            at_ms,
            removed,
        }
    }

    #[test]
    fn news_names_who_leaves_out_my_own_and_runs_oldest_first() {
        let before = [
            note("a", 0.0, "A", "x"),
            note("b", 0.0, "B", "x"),
            note("c", 0.0, "C", "x"),
        ];
        let after = [
            note("a", 50.0, "A", "x"),
            note("c", 0.0, "C", "x"),
            note("d", 0.0, "Neu", "Dora"),
            note("e", 0.0, "Mine", "me"),
        ];
        let activity = [
            touch("a", "ben", 30, false),
            touch("b", "ada", 20, true),
            touch("e", "me", 10, false),
        ];
        let changes = changes_between(&before, &after, &activity, Some("me"));
        let summary: Vec<(&str, What, Option<&str>)> = changes
            .iter()
            .map(|c| (c.id.as_str(), c.what, c.who.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                ("b", What::Removed, Some("ADA")),
                ("a", What::Changed, Some("BEN")),
                ("d", What::Added, Some("Dora")),
            ]
        );
        assert_eq!(
            changes[0].rect,
            Rect::new(0.0, 0.0, 100.0, 100.0),
            "where it was"
        );
        assert!(changes[2].label.ends_with("Neu"));
    }
}
