//! What changed between two states of a board: the history panel counts it,
//! "since your last visit" lists it, and restoring a version writes it back.
//!
//! Elements are compared by id and by every field Tafel reads; two states of a
//! board are element lists as [`crate::element::read_all`] returns them.

use crate::element::Element;
use std::collections::HashMap;
use yrs::{Map, MapRef, TransactionMut};

/// The ids that differ between an older and a newer state, each list in the
/// newer state's order (removed ones in the older's).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// In the newer state only.
    pub added: Vec<String>,
    /// In both, with some field changed.
    pub changed: Vec<String>,
    /// In the older state only.
    pub removed: Vec<String>,
}

impl Diff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }

    /// How many elements changed in all.
    pub fn len(&self) -> usize {
        self.added.len() + self.changed.len() + self.removed.len()
    }
}

/// What changed from `older` to `newer`. Linear in the number of elements.
pub fn diff(older: &[Element], newer: &[Element]) -> Diff {
    let before: HashMap<&str, &Element> = older.iter().map(|e| (e.base.id.as_str(), e)).collect();
    let after: HashMap<&str, &Element> = newer.iter().map(|e| (e.base.id.as_str(), e)).collect();
    let mut d = Diff::default();
    for e in newer {
        match before.get(e.base.id.as_str()) {
            None => d.added.push(e.base.id.clone()),
            Some(old) if *old != e => d.changed.push(e.base.id.clone()),
            Some(_) => {}
        }
    }
    for e in older {
        if !after.contains_key(e.base.id.as_str()) {
            d.removed.push(e.base.id.clone());
        }
    }
    d
}

/// Makes the elements map hold `target` again, as one forward change from
/// `current` (what it holds now): elements only in `current` are deleted, and
/// those missing or different are written whole. Nothing else is touched, so
/// the change is as small as the difference, and restoring the state before
/// undoes it. Returns what it changed.
pub fn restore(
    txn: &mut TransactionMut,
    elements: &MapRef,
    current: &[Element],
    target: &[Element],
) -> Diff {
    let d = diff(current, target);
    for id in &d.removed {
        elements.remove(txn, id);
    }
    let rewrite: std::collections::HashSet<&str> = d
        .added
        .iter()
        .chain(d.changed.iter())
        .map(String::as_str)
        .collect();
    for e in target
        .iter()
        .filter(|e| rewrite.contains(e.base.id.as_str()))
    {
        e.insert(txn, elements);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::read_all;
    use crate::geometry::Rect;
    use crate::schema;
    use yrs::{Doc, Transact};

    fn note(id: &str, x: f64, text: &str) -> Element {
        Element::sticky(id, Rect::new(x, 0.0, 100.0, 100.0), "#ffd43b", text)
    }

    fn state(doc: &Doc) -> Vec<Element> {
        let map = schema::elements(doc);
        let txn = doc.transact();
        read_all(&txn, &map)
    }

    #[test]
    fn diff_names_added_changed_and_removed() {
        let older = [
            note("a", 0.0, "A"),
            note("b", 0.0, "B"),
            note("c", 0.0, "C"),
        ];
        let newer = [
            note("a", 0.0, "A"),
            note("b", 5.0, "B"),
            note("d", 0.0, "D"),
        ];
        let d = diff(&older, &newer);
        assert_eq!(d.added, ["d"]);
        assert_eq!(d.changed, ["b"]);
        assert_eq!(d.removed, ["c"]);
        assert_eq!(d.len(), 3);
        assert!(diff(&newer, &newer).is_empty());
    }

    #[test]
    fn restoring_brings_back_the_old_state_and_restoring_again_undoes_it() {
        let doc = Doc::new();
        let map = schema::elements(&doc);
        {
            let mut txn = doc.transact_mut();
            for e in [note("a", 0.0, "A"), note("b", 0.0, "B")] {
                e.insert(&mut txn, &map);
            }
        }
        let version = state(&doc);
        {
            let mut txn = doc.transact_mut();
            map.remove(&mut txn, "a");
            note("b", 40.0, "B2").insert(&mut txn, &map);
            note("c", 0.0, "C").insert(&mut txn, &map);
        }
        let later = state(&doc);
        let current = state(&doc);
        let d = restore(&mut doc.transact_mut(), &map, &current, &version);
        assert_eq!((d.added.len(), d.changed.len(), d.removed.len()), (1, 1, 1));
        assert!(
            diff(&version, &state(&doc)).is_empty(),
            "the version is back"
        );
        let current = state(&doc);
        restore(&mut doc.transact_mut(), &map, &current, &later);
        assert!(
            diff(&later, &state(&doc)).is_empty(),
            "and the restore undone"
        );
    }
}
