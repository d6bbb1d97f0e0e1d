//! Who last changed which element, sans-IO: the content and locked rooms record
//! every accepted write here (the elements it touched, from yrs's deep events,
//! and the participant the socket proved to be), so that "since your last visit"
//! can say who added, changed or removed something. Kept beside the document and
//! saved whenever the room keeps a checkpoint or a version; a crash loses only
//! who did what since then, never the changes themselves.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tafel_shared::ids::ParticipantId;
use tafel_shared::schema;
use yrs::types::{EntryChange, Event, PathSegment};
use yrs::DeepObservable;

/// Most removals remembered; beyond it, the oldest half is forgotten at once (so
/// a write costs no scan of the board, however many elements it holds). Live
/// elements are all remembered: the document's size limit bounds them.
const MAX_REMOVALS: usize = 20_000;

/// The last change to one element.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touch {
    /// Who made it (`None`: the server itself, restoring a version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<ParticipantId>,
    /// Server time, ms since the epoch.
    pub at_ms: u64,
    /// The change removed the element.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
}

/// Element ids touched by the transactions since the last drain, with whether
/// the element itself was removed.
type Touched = Arc<Mutex<Vec<(String, bool)>>>;

/// The last change of every element of one document.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Activity {
    elements: BTreeMap<String, Touch>,
    #[serde(skip)]
    touched: Touched,
    /// How many of `elements` are removals.
    #[serde(skip)]
    removals: usize,
}

impl Activity {
    /// Reads the stored state (empty if none or unreadable: it is a convenience).
    pub fn from_json(bytes: Option<&[u8]>) -> Activity {
        let mut activity: Activity = bytes
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default();
        activity.removals = activity.elements.values().filter(|t| t.removed).count();
        activity
    }

    /// Takes the elements' last changes from the stored state, keeping this
    /// activity's watch on its document.
    pub fn absorb(&mut self, stored: Option<&[u8]>) {
        let stored = Activity::from_json(stored);
        self.elements = stored.elements;
        self.removals = stored.removals;
    }

    /// The state to store.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("activity is plain data")
    }

    /// Starts collecting the elements each transaction on `doc` touches.
    pub fn watch(&self, doc: &yrs::Doc) {
        let touched = Arc::clone(&self.touched);
        schema::elements(doc).observe_deep("tafel-activity", move |txn, events| {
            let Ok(mut out) = touched.lock() else { return };
            for event in events.iter() {
                let path = event.path();
                match path.front() {
                    Some(PathSegment::Key(id)) => out.push((id.to_string(), false)),
                    Some(PathSegment::Index(_)) => {}
                    // A change to the elements map itself: added, replaced or removed.
                    None => {
                        if let Event::Map(m) = event {
                            for (key, change) in m.keys(txn) {
                                let removed = matches!(change, EntryChange::Removed(_));
                                out.push((key.to_string(), removed));
                            }
                        }
                    }
                }
            }
        });
    }

    /// Records what the transactions since the last call touched, as done by
    /// `by` at `at_ms`. Returns how many elements it touched.
    pub fn record(&mut self, by: Option<&ParticipantId>, at_ms: u64) -> usize {
        let touched: Vec<(String, bool)> = match self.touched.lock() {
            Ok(mut t) => std::mem::take(&mut *t),
            Err(_) => return 0,
        };
        let n = touched.len();
        for (id, removed) in touched {
            let touch = Touch {
                by: by.cloned(),
                at_ms,
                removed,
            };
            if let Some(before) = self.elements.insert(id, touch) {
                self.removals -= usize::from(before.removed);
            }
            self.removals += usize::from(removed);
        }
        if self.removals > MAX_REMOVALS {
            self.forget_oldest_removals(MAX_REMOVALS / 2);
        }
        n
    }

    /// Forgets removals, oldest first, until `keep` are left.
    fn forget_oldest_removals(&mut self, keep: usize) {
        let mut removals: Vec<(u64, String)> = self
            .elements
            .iter()
            .filter(|(_, t)| t.removed)
            .map(|(id, t)| (t.at_ms, id.clone()))
            .collect();
        removals.sort();
        let excess = removals.len().saturating_sub(keep);
        for (_, id) in removals.into_iter().take(excess) {
            self.elements.remove(&id);
        }
        self.removals -= excess;
    }

    /// The elements changed after `since_ms`, with their last change.
    pub fn since(&self, since_ms: u64) -> Vec<(String, Touch)> {
        self.elements
            .iter()
            .filter(|(_, t)| t.at_ms > since_ms)
            .map(|(id, t)| (id.clone(), t.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tafel_shared::element::Element;
    use tafel_shared::geometry::Rect;
    use yrs::{Map, Text, Transact};

    fn pid(c: char) -> ParticipantId {
        ParticipantId::parse(&c.to_string().repeat(22)).unwrap()
    }

    #[test]
    fn adds_edits_inside_an_element_and_removals_are_attributed() {
        let doc = yrs::Doc::new();
        let mut a = Activity::default();
        a.watch(&doc);
        let map = schema::elements(&doc);
        {
            let mut txn = doc.transact_mut();
            for id in ["n1", "n2"] {
                Element::sticky(id, Rect::new(0.0, 0.0, 10.0, 10.0), "#fff", "x")
                    .insert(&mut txn, &map);
            }
        }
        assert_eq!(a.record(Some(&pid('a')), 10), 2);
        // Typing into a note's text is a change of that note.
        {
            let mut txn = doc.transact_mut();
            let Some(yrs::Out::YMap(note)) = map.get(&txn, "n1") else {
                panic!("n1")
            };
            let Some(yrs::Out::YText(text)) = note.get(&txn, schema::F_TEXT) else {
                panic!("text")
            };
            text.insert(&mut txn, 1, "yz");
        }
        a.record(Some(&pid('b')), 20);
        map.remove(&mut doc.transact_mut(), "n2");
        a.record(Some(&pid('c')), 30);
        let since = a.since(15);
        assert_eq!(
            since,
            [
                (
                    "n1".to_owned(),
                    Touch {
                        by: Some(pid('b')),
                        at_ms: 20,
                        removed: false
                    }
                ),
                (
                    "n2".to_owned(),
                    Touch {
                        by: Some(pid('c')),
                        at_ms: 30,
                        removed: true
                    }
                ),
            ]
        );
        let stored = Activity::from_json(Some(&a.to_json()));
        assert_eq!(stored.since(0).len(), 2);
        assert!(Activity::from_json(Some(b"not json")).since(0).is_empty());
    }

    /// A board of many elements keeps every live one; removals are bounded,
    /// the oldest forgotten first, half at a time.
    #[test]
    fn live_elements_are_all_kept_and_old_removals_are_forgotten_in_bulk() {
        let mut a = Activity::default();
        let touch = |a: &mut Activity, ids: Vec<(String, bool)>, at_ms| {
            a.touched.lock().unwrap().extend(ids);
            a.record(Some(&pid('a')), at_ms)
        };
        let live: Vec<_> = (0..60_000).map(|i| (format!("n{i}"), false)).collect();
        touch(&mut a, live, 1);
        for i in 0..MAX_REMOVALS {
            touch(&mut a, vec![(format!("gone{i}"), true)], 10 + i as u64);
        }
        assert_eq!(a.removals, MAX_REMOVALS, "not yet over the bound");
        // The same element removed again is not a second removal.
        touch(&mut a, vec![("gone5".into(), true)], 100_000);
        assert_eq!(a.removals, MAX_REMOVALS);
        touch(&mut a, vec![("last".into(), true)], 100_001);
        assert_eq!(a.removals, MAX_REMOVALS / 2);
        let kept = a.since(0);
        assert_eq!(kept.iter().filter(|(_, t)| !t.removed).count(), 60_000);
        let removed: Vec<_> = kept.iter().filter(|(_, t)| t.removed).collect();
        assert_eq!(removed.len(), MAX_REMOVALS / 2);
        assert!(removed.iter().any(|(id, _)| id == "last"));
        assert!(
            removed.iter().any(|(id, _)| id == "gone5"),
            "renewed, so new"
        );
        assert!(
            !removed.iter().any(|(id, _)| id == "gone6"),
            "the oldest went"
        );
        // Counted again when read back.
        assert_eq!(
            Activity::from_json(Some(&a.to_json())).removals,
            MAX_REMOVALS / 2
        );
    }
}
