//! What this page holds of private brainstorming: which elements go private,
//! and the changes to one's own private notes shown over the server's copy
//! until it has caught up ([`Pending`]). State only; the commands are in
//! [`crate::private`].

use leptos::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use tafel_shared::element::{Element, Props};
use tafel_shared::geometry::Rect;

/// How long a sent change is shown over the server's copy when the server's copy
/// never comes to match it (a refusal, a lost connection); then the server wins.
pub(crate) const GIVE_UP_MS: f64 = 4000.0;
/// Typing reaches the server at most this often (and when the editor closes).
pub(crate) const TYPING_SEND_MS: i32 = 500;

/// `e` with its box on whole board units: the server's copy comes back through
/// JSON, and whole numbers survive that exactly, so [`Pending::settle`] can tell
/// when it matches.
pub fn tidy(mut e: Element) -> Element {
    let r = e.base.rect;
    e.base.rect = Rect::new(r.x.round(), r.y.round(), r.w.round(), r.h.round());
    e
}

/// Replaces the text of a note, text box or shape.
pub fn set_text(e: &mut Element, text: &str) {
    match &mut e.props {
        Props::Sticky(p) => p.text = text.to_owned(),
        Props::Text(p) => p.text = text.to_owned(),
        Props::Shape(p) => p.text = text.to_owned(),
        _ => {}
    }
}

/// One change to a private note that the server's copy may not show yet.
#[derive(Clone, Debug, PartialEq)]
struct Change {
    /// The note as it should be; `None`: deleted.
    note: Option<Element>,
    /// Whether it went to the server.
    sent: bool,
    /// When it was made or sent (ms, this browser's clock).
    at: f64,
}

/// This page's changes to its private notes, over the server's copy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pending {
    changes: BTreeMap<String, Change>,
}

impl Pending {
    /// Records a change made here, not sent yet.
    pub fn change(&mut self, id: &str, note: Option<Element>, now: f64) {
        let note = note.map(tidy);
        self.changes.insert(
            id.to_owned(),
            Change {
                note,
                sent: false,
                at: now,
            },
        );
    }

    /// The change to `id` still to send, marked sent: `Some(Some(note))` to
    /// add or replace, `Some(None)` to delete, `None` if there is nothing to send.
    pub fn take_unsent(&mut self, id: &str, now: f64) -> Option<Option<Element>> {
        let c = self.changes.get_mut(id).filter(|c| !c.sent)?;
        c.sent = true;
        c.at = now;
        Some(c.note.clone())
    }

    /// Drops the sent changes the server's copy shows now, and those it has
    /// not shown for [`GIVE_UP_MS`].
    pub fn settle(&mut self, server: &[Element], now: f64) {
        self.changes.retain(|id, c| {
            if !c.sent {
                return true;
            }
            let there = server.iter().find(|e| e.base.id == *id);
            let arrived = match &c.note {
                Some(note) => there == Some(note),
                None => there.is_none(),
            };
            !arrived && now - c.at < GIVE_UP_MS
        });
    }

    /// The notes to show: the server's, with the changes laid over them; new
    /// ones last, oldest first.
    pub fn shown(&self, server: &[Element]) -> Vec<Element> {
        let mut out: Vec<Element> = server
            .iter()
            .filter_map(|e| match self.changes.get(&e.base.id) {
                Some(c) => c.note.clone(),
                None => Some(e.clone()),
            })
            .collect();
        let known: HashSet<&str> = server.iter().map(|e| e.base.id.as_str()).collect();
        let mut new: Vec<&Element> = self
            .changes
            .iter()
            .filter(|(id, _)| !known.contains(id.as_str()))
            .filter_map(|(_, c)| c.note.as_ref())
            .collect();
        new.sort_by_key(|e| e.base.created_ms);
        out.extend(new.into_iter().cloned());
        out
    }

    /// Whether a change to `id` is not in the server's copy yet.
    pub fn has(&self, id: &str) -> bool {
        self.changes.contains_key(id)
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// This page's private-mode state.
#[derive(Clone, Copy)]
pub struct PrivateUi {
    /// Changes not yet in the server's copy.
    pub pending: RwSignal<Pending>,
    /// The private note selected (the board selection is empty meanwhile).
    pub selected: RwSignal<Option<String>>,
    /// The private note whose text is being edited.
    pub editing: RwSignal<Option<String>>,
    /// The facilitator's "reveal without names" choice.
    pub anonymous: RwSignal<bool>,
    /// Notes with a send scheduled (typing is sent at most every half second).
    pub(crate) scheduled: StoredValue<BTreeSet<String>>,
}

impl PrivateUi {
    /// Nothing private yet.
    pub fn new() -> PrivateUi {
        PrivateUi {
            pending: RwSignal::new(Pending::default()),
            selected: RwSignal::new(None),
            editing: RwSignal::new(None),
            anonymous: RwSignal::new(false),
            scheduled: StoredValue::new(BTreeSet::new()),
        }
    }
}

impl Default for PrivateUi {
    fn default() -> PrivateUi {
        PrivateUi::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(id: &str, x: f64, text: &str) -> Element {
        Element::sticky(id, Rect::new(x, 0.0, 160.0, 160.0), "#fff", text)
    }

    #[test]
    fn own_changes_show_until_the_server_copy_matches() {
        let mut p = Pending::default();
        let server = vec![note("a", 0.0, "one")];
        p.change("a", Some(note("a", 40.4, "one")), 0.0);
        p.change("b", Some(note("b", 0.0, "new")), 0.0);
        let shown = p.shown(&server);
        assert_eq!(shown.len(), 2);
        assert_eq!(shown[0].base.rect.x, 40.0, "whole units");
        assert_eq!(shown[1].base.id, "b");
        // Unsent changes stay whatever the server says.
        p.settle(&server, 10_000.0);
        assert_eq!(p.shown(&server).len(), 2);
        assert_eq!(p.take_unsent("a", 1.0), Some(Some(note("a", 40.0, "one"))));
        assert_eq!(p.take_unsent("a", 1.0), None, "sent once");
        // An older copy of the server does not undo the move.
        p.settle(&server, 2.0);
        assert_eq!(p.shown(&server)[0].base.rect.x, 40.0);
        // The matching copy settles it.
        let server = vec![note("a", 40.0, "one")];
        p.settle(&server, 3.0);
        assert_eq!(p.shown(&server)[0].base.rect.x, 40.0);
        p.take_unsent("b", 3.0);
        p.settle(&server, 3.0 + GIVE_UP_MS);
        assert!(p.is_empty(), "a change the server never showed is dropped");
    }

    #[test]
    fn deletes_hide_the_note_until_the_server_drops_it() {
        let mut p = Pending::default();
        let server = vec![note("a", 0.0, "x"), note("b", 0.0, "y")];
        p.change("a", None, 0.0);
        assert_eq!(p.shown(&server).len(), 1);
        p.take_unsent("a", 0.0);
        p.settle(&server, 1.0);
        assert_eq!(p.shown(&server).len(), 1);
        let server = vec![note("b", 0.0, "y")];
        p.settle(&server, 2.0);
        assert!(p.is_empty());
    }
}
