//! Board edits as plain functions over a transaction: moving (frames carry their
//! children), joining frames on drop, deleting (with what hangs off the deleted),
//! stacking order, and copy/paste through a JSON clipboard that also works between
//! boards. The client calls these inside its own transactions; the host tests
//! exercise them without a browser.

use crate::element::{flat_points, Element, ElementBase, Props};
use crate::geometry::{route, route_with, End, Point, Rect, Route};
use crate::order;
use crate::schema::{self, STICKY_COLORS};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use yrs::{Any, Map, MapRef, Out, TransactionMut};

/// Where an element was when a drag started, so each pointer move sets positions
/// from the start (repeatable) instead of adding up small steps.
#[derive(Clone, Debug, PartialEq)]
pub struct MoveOrigin {
    /// The element.
    pub id: String,
    /// Its top-left corner at the start.
    pub at: Point,
    /// Its stored points at the start (connectors with free ends).
    pub points: Vec<Point>,
}

fn by_id(all: &[Element]) -> HashMap<&str, &Element> {
    all.iter().map(|e| (e.base.id.as_str(), e)).collect()
}

/// What dragging `selected` moves: the selection plus the children of selected
/// frames. Locked elements stay where they are.
pub fn drag_set(all: &[Element], selected: &[String]) -> Vec<MoveOrigin> {
    let chosen: HashSet<&str> = selected.iter().map(String::as_str).collect();
    // A locked frame stays, and its content stays with it.
    let movable_frames: HashSet<&str> = all
        .iter()
        .filter(|e| e.is_frame() && !e.base.locked && chosen.contains(e.base.id.as_str()))
        .map(|e| e.base.id.as_str())
        .collect();
    all.iter()
        .filter(|e| !e.base.locked)
        .filter(|e| {
            chosen.contains(e.base.id.as_str()) || movable_frames.contains(e.base.parent.as_str())
        })
        .map(|e| MoveOrigin {
            id: e.base.id.clone(),
            at: Point::new(e.base.rect.x, e.base.rect.y),
            // Free connector ends are absolute; pen points are relative and stay.
            points: match &e.props {
                Props::Connector(c) => c.points.clone(),
                _ => Vec::new(),
            },
        })
        .collect()
}

fn element_map(txn: &TransactionMut, elements: &MapRef, id: &str) -> Option<MapRef> {
    match elements.get(txn, id)? {
        Out::YMap(m) => Some(m),
        _ => None,
    }
}

/// Moves every element of a drag to its start position plus `by`.
pub fn apply_move(txn: &mut TransactionMut, elements: &MapRef, origins: &[MoveOrigin], by: Point) {
    for o in origins {
        let Some(m) = element_map(txn, elements, &o.id) else {
            continue;
        };
        m.insert(txn, schema::F_X, Any::from(o.at.x + by.x));
        m.insert(txn, schema::F_Y, Any::from(o.at.y + by.y));
        if !o.points.is_empty() {
            let moved: Vec<Point> = o
                .points
                .iter()
                .map(|p| Point::new(p.x + by.x, p.y + by.y))
                .collect();
            m.insert(txn, schema::F_POINTS, flat_points(&moved));
        }
    }
}

/// The selection grown by whole groups: picking one member picks them all, in
/// paint order after what was picked.
pub fn with_groups(all: &[Element], ids: &[String]) -> Vec<String> {
    let groups: HashSet<&str> = all
        .iter()
        .filter(|e| !e.base.group.is_empty() && ids.contains(&e.base.id))
        .map(|e| e.base.group.as_str())
        .collect();
    let mut out = ids.to_vec();
    for e in all {
        if groups.contains(e.base.group.as_str()) && !out.contains(&e.base.id) {
            out.push(e.base.id.clone());
        }
    }
    out
}

/// Puts `ids` into the group `group`, or takes them out of theirs with an
/// empty one.
pub fn set_group(txn: &mut TransactionMut, elements: &MapRef, ids: &[String], group: &str) {
    for id in ids {
        if let Some(m) = element_map(txn, elements, id) {
            if group.is_empty() {
                m.remove(txn, schema::F_GROUP);
            } else {
                m.insert(txn, schema::F_GROUP, group);
            }
        }
    }
}

/// The prefix of a group's key among [`arrangeable`] units.
const GROUP_UNIT: &str = "group:";

/// What align, distribute and tidy arrange in `selected`: each group as one
/// unit (keyed `group:{id}`) and every other element on its own, by their
/// bounds. Connectors follow their ends, content follows its frame and locked
/// elements stay, so none of these is a unit.
pub fn arrangeable(all: &[Element], selected: &[String]) -> Vec<(String, Rect)> {
    let chosen: HashSet<&str> = selected.iter().map(String::as_str).collect();
    let mut units: Vec<(String, Rect)> = Vec::new();
    for e in all {
        let b = &e.base;
        if !chosen.contains(b.id.as_str())
            || e.is_connector()
            || b.locked
            || chosen.contains(b.parent.as_str())
        {
            continue;
        }
        let key = if b.group.is_empty() {
            b.id.clone()
        } else {
            format!("{GROUP_UNIT}{}", b.group)
        };
        match units.iter_mut().find(|(k, _)| *k == key) {
            Some((_, r)) => *r = r.union(&b.rect),
            None => units.push((key, b.rect)),
        }
    }
    units
}

/// Moves each [`arrangeable`] unit of `selected` so that its top-left corner
/// is where `placements` says, taking along what moves with it.
pub fn place_units(
    txn: &mut TransactionMut,
    elements: &MapRef,
    all: &[Element],
    selected: &[String],
    placements: &[crate::layout::Placement],
) {
    let units = arrangeable(all, selected);
    for (key, to) in placements {
        let Some((_, bounds)) = units.iter().find(|(k, _)| k == key) else {
            continue;
        };
        let members: Vec<String> = match key.strip_prefix(GROUP_UNIT) {
            Some(group) => all
                .iter()
                .filter(|e| e.base.group == group && selected.contains(&e.base.id))
                .map(|e| e.base.id.clone())
                .collect(),
            None => vec![key.clone()],
        };
        let by = Point::new(to.x - bounds.x, to.y - bounds.y);
        apply_move(txn, elements, &drag_set(all, &members), by);
    }
}

/// Sets an element's position and size.
pub fn set_rect(txn: &mut TransactionMut, elements: &MapRef, id: &str, r: Rect) {
    if let Some(m) = element_map(txn, elements, id) {
        m.insert(txn, schema::F_X, Any::from(r.x));
        m.insert(txn, schema::F_Y, Any::from(r.y));
        m.insert(txn, schema::F_W, Any::from(r.w.max(8.0)));
        m.insert(txn, schema::F_H, Any::from(r.h.max(8.0)));
    }
}

/// Sets an image's place and the part of its picture it shows (see
/// [`crate::pictures::crop_to`]).
pub fn set_crop(txn: &mut TransactionMut, elements: &MapRef, id: &str, r: Rect, crop: &[f64]) {
    set_rect(txn, elements, id, r);
    if let Some(m) = element_map(txn, elements, id) {
        let values: Vec<Any> = crop.iter().map(|v| Any::from(*v)).collect();
        m.insert(txn, schema::F_CROP, Any::from(values));
    }
}

/// Locks or unlocks elements (locked ones cannot be moved, resized, edited or
/// deleted until unlocked).
pub fn set_locked(txn: &mut TransactionMut, elements: &MapRef, ids: &[String], locked: bool) {
    for id in ids {
        if let Some(m) = element_map(txn, elements, id) {
            m.insert(txn, schema::F_LOCKED, Any::from(locked));
        }
    }
}

/// Moves elements from one document's `elements` map to another's: how a
/// facilitator locks (content → locked layer) and unlocks (back). The copy keeps
/// id, place, stacking and text, and carries `locked` as its new home says.
/// Returns the ids moved.
pub fn move_between(
    from: (&mut TransactionMut, &MapRef),
    to: (&mut TransactionMut, &MapRef),
    ids: &[String],
    locked: bool,
) -> Vec<String> {
    let (from_txn, from_elements) = from;
    let (to_txn, to_elements) = to;
    let mut moved = Vec::new();
    for id in ids {
        let Some(mut element) = Element::read(&*from_txn, from_elements, id) else {
            continue;
        };
        element.base.locked = locked;
        element.insert(to_txn, to_elements);
        from_elements.remove(from_txn, id);
        moved.push(id.clone());
    }
    moved
}

/// Sets one string field of an element (colour, fill, title, …).
pub fn set_str(txn: &mut TransactionMut, elements: &MapRef, id: &str, field: &str, value: &str) {
    if let Some(m) = element_map(txn, elements, id) {
        m.insert(txn, field, Any::from(value));
    }
}

/// The topmost frame containing `p`, skipping `exclude`.
pub fn frame_at<'a>(all: &'a [Element], p: Point, exclude: &HashSet<&str>) -> Option<&'a Element> {
    let mut frames: Vec<&Element> = all
        .iter()
        .filter(|e| {
            e.is_frame() && !exclude.contains(e.base.id.as_str()) && e.base.rect.contains(p)
        })
        .collect();
    frames.sort_by(|a, b| crate::element::paint_order(a, b));
    frames.pop()
}

/// After a drop or a creation: each of `moved` that is not a frame or connector
/// joins the frame under its centre, or leaves the frame it is no longer in.
/// `all` must hold positions after the move.
pub fn reparent(txn: &mut TransactionMut, elements: &MapRef, all: &[Element], moved: &[String]) {
    let moved: HashSet<&str> = moved.iter().map(String::as_str).collect();
    for e in all.iter().filter(|e| moved.contains(e.base.id.as_str())) {
        if e.is_frame() || e.is_connector() {
            continue;
        }
        let parent = frame_at(all, e.base.rect.center(), &HashSet::new())
            .map(|f| f.base.id.as_str())
            .unwrap_or("");
        if parent != e.base.parent {
            set_str(txn, elements, &e.base.id, schema::F_PARENT, parent);
        }
    }
}

/// Deletes `ids`, the contents of deleted frames, and connectors left hanging off
/// a deleted element; locked elements are never deleted. Returns every id removed.
pub fn delete(
    txn: &mut TransactionMut,
    elements: &MapRef,
    all: &[Element],
    ids: &[String],
) -> Vec<String> {
    // Locked elements stay, and so does a locked frame's content.
    let locked: HashSet<&str> = all
        .iter()
        .filter(|e| e.base.locked)
        .map(|e| e.base.id.as_str())
        .collect();
    let mut gone: HashSet<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| !locked.contains(id))
        .collect();
    for e in all {
        if gone.contains(e.base.parent.as_str()) && !e.base.locked {
            gone.insert(e.base.id.as_str());
        }
    }
    for e in all {
        if let Props::Connector(c) = &e.props {
            if gone.contains(c.from.as_str()) || gone.contains(c.to.as_str()) {
                gone.insert(e.base.id.as_str());
            }
        }
    }
    let mut removed = Vec::new();
    for e in all.iter().filter(|e| gone.contains(e.base.id.as_str())) {
        if elements.remove(txn, &e.base.id).is_some() {
            removed.push(e.base.id.clone());
        }
    }
    removed
}

/// New stacking keys for `ids`, keeping their relative order, above (`to_front`)
/// or below everything else.
pub fn restack(
    txn: &mut TransactionMut,
    elements: &MapRef,
    all: &[Element],
    ids: &[String],
    to_front: bool,
) {
    let chosen: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let mut moving: Vec<&ElementBase> = all
        .iter()
        .map(|e| &e.base)
        .filter(|e| chosen.contains(e.id.as_str()))
        .collect();
    moving.sort_by(|a, b| (a.z.as_str(), a.id.as_str()).cmp(&(b.z.as_str(), b.id.as_str())));
    let others = all.iter().filter(|e| !chosen.contains(e.base.id.as_str()));
    let keys: Vec<&str> = others.map(|e| e.base.z.as_str()).collect();
    if to_front {
        let mut below = keys
            .iter()
            .copied()
            .filter(|k| !k.is_empty())
            .max()
            .map(str::to_owned);
        for e in moving {
            let key = order::key_between(below.as_deref(), None).unwrap_or_default();
            set_str(txn, elements, &e.id, schema::F_Z, &key);
            below = Some(key);
        }
    } else {
        let mut above = keys
            .iter()
            .copied()
            .filter(|k| !k.is_empty())
            .min()
            .map(str::to_owned);
        for e in moving.into_iter().rev() {
            let key = order::key_between(None, above.as_deref()).unwrap_or_default();
            set_str(txn, elements, &e.id, schema::F_Z, &key);
            above = Some(key);
        }
    }
}

/// Where a connector's ends are: attached to present elements, else free points.
pub fn connector_ends(all: &HashMap<&str, &Element>, c: &Element) -> (End, End) {
    let (from, to, points) = match &c.props {
        Props::Connector(p) => (p.from.as_str(), p.to.as_str(), p.points.as_slice()),
        _ => ("", "", &[][..]),
    };
    let end = |id: &str, fallback: Point| match all.get(id) {
        Some(e) if !id.is_empty() && !e.is_connector() => End::Attached {
            rect: e.base.rect,
            outline: e.outline(),
        },
        _ => End::Free(fallback),
    };
    let r = &c.base.rect;
    let start = points.first().copied().unwrap_or(Point::new(r.x, r.y));
    let finish = points
        .get(1)
        .copied()
        .unwrap_or(Point::new(r.right(), r.bottom()));
    (end(from, start), end(to, finish))
}

/// Where a connector runs, with its ends looked up by `find` (a cache of the
/// board, where [`connector_ends`] wants a map).
pub fn connector_route<'a>(find: impl Fn(&str) -> Option<&'a Element>, c: &Element) -> Route {
    let Props::Connector(p) = &c.props else {
        return Route::straight(Point::default(), Point::default());
    };
    let known: HashMap<&str, &Element> = [p.from.as_str(), p.to.as_str()]
        .into_iter()
        .filter_map(|id| find(id).map(|e| (id, e)))
        .collect();
    let (a, b) = connector_ends(&known, c);
    route_with(a, b, p.route)
}

/// The clipboard type a Tafel copy carries its elements under; `text/plain`
/// gets [`Clipboard::plain_text`] for e-mails and documents.
pub const CLIPBOARD_MIME: &str = "application/x-tafel+json";

/// The marker that tells a Tafel clipboard apart from other text.
pub const CLIPBOARD_MARKER: &str = "tafel/elements";

/// Elements on the system clipboard, as JSON text.
///
/// Each element is an [`Element`] in its serde form (one flat object), with
/// connector ends and frame membership referring to ids inside the clipboard.
/// Clipboards written before there was one element model list every field for
/// every kind; the fields a kind lacks are ignored, so they paste the same.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clipboard {
    /// Always [`CLIPBOARD_MARKER`].
    pub format: String,
    /// The copied elements, in paint order.
    pub elements: Vec<Element>,
}

impl Clipboard {
    /// Copies `ids` with the contents of copied frames. A connector end whose
    /// element is not copied becomes a free end where it was drawn.
    pub fn copy(all: &[Element], ids: &[String]) -> Clipboard {
        let lookup = by_id(all);
        let mut chosen: HashSet<&str> = ids.iter().map(String::as_str).collect();
        for e in all {
            if chosen.contains(e.base.parent.as_str()) {
                chosen.insert(e.base.id.as_str());
            }
        }
        let elements = all
            .iter()
            .filter(|e| chosen.contains(e.base.id.as_str()) && e.kind().is_some())
            .map(|e| {
                let mut clip = e.clone();
                clip.base.parent = keep_if(&chosen, &e.base.parent);
                if let Props::Connector(c) = &mut clip.props {
                    let (from, to) = connector_ends(&lookup, e);
                    let r = route(from, to);
                    c.from = keep_if(&chosen, &c.from);
                    c.to = keep_if(&chosen, &c.to);
                    c.points = vec![r.start, r.end];
                }
                clip
            })
            .collect();
        Clipboard {
            format: CLIPBOARD_MARKER.to_owned(),
            elements,
        }
    }

    /// The copied words as plain text for an e-mail or a document: each
    /// frame's title, then its elements' text as a list, then the loose
    /// elements' text, in reading order. Elements without text are left out.
    pub fn plain_text(&self) -> String {
        let mut blocks: Vec<String> = Vec::new();
        for (frame, kids) in crate::element::reading_order(&self.elements) {
            let texts: Vec<String> = kids
                .iter()
                .map(|e| e.text().trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect();
            let block = match frame {
                Some(f) => {
                    let title = match &f.props {
                        Props::Frame(p) => p.title.trim().to_owned(),
                        _ => String::new(),
                    };
                    let items = texts
                        .iter()
                        .map(|t| format!("- {}", t.replace('\n', "\n  ")));
                    std::iter::once(title)
                        .chain(items)
                        .filter(|l| !l.is_empty())
                        .collect::<Vec<_>>()
                        .join("\n")
                }
                None => texts.join("\n"),
            };
            if !block.is_empty() {
                blocks.push(block);
            }
        }
        blocks.join("\n\n")
    }

    /// Text from elsewhere as a clipboard of one sticky note holding it (the
    /// first 2,000 characters).
    pub fn from_plain_text(text: &str) -> Clipboard {
        let text: String = text.chars().take(2000).collect();
        let note = Element::sticky(
            "pasted",
            Rect::new(0.0, 0.0, 200.0, 200.0),
            STICKY_COLORS[0].1,
            &text,
        );
        Clipboard {
            format: CLIPBOARD_MARKER.to_owned(),
            elements: vec![note],
        }
    }

    /// The clipboard as text for the system clipboard.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a clipboard back; `None` for any other text.
    pub fn from_json(text: &str) -> Option<Clipboard> {
        let clip: Clipboard = serde_json::from_str(text).ok()?;
        (clip.format == CLIPBOARD_MARKER).then_some(clip)
    }

    /// The area the copied elements cover (connectors excluded).
    pub fn bounds(&self) -> Option<Rect> {
        Rect::bounding(
            self.elements
                .iter()
                .filter(|e| !e.is_connector())
                .map(|e| e.base.rect),
        )
    }

    /// Inserts copies shifted by `offset`, on top of everything in `all`, with ids
    /// from `new_id`. Copies are unlocked and belong to `author`. Returns the new
    /// ids in paint order.
    #[allow(clippy::too_many_arguments)]
    pub fn paste(
        &self,
        txn: &mut TransactionMut,
        elements: &MapRef,
        all: &[Element],
        offset: Point,
        new_id: &mut dyn FnMut() -> String,
        author: &str,
        now_ms: u64,
    ) -> Vec<String> {
        let ids: HashMap<&str, String> = self
            .elements
            .iter()
            .map(|e| (e.base.id.as_str(), new_id()))
            .collect();
        let remap = |old: &str| ids.get(old).cloned().unwrap_or_default();
        let mut below = all
            .iter()
            .map(|e| e.base.z.as_str())
            .filter(|z| !z.is_empty())
            .max()
            .map(str::to_owned);
        let mut out = Vec::new();
        for c in self.elements.iter().filter(|c| c.kind().is_some()) {
            let z = order::key_between(below.as_deref(), None).unwrap_or_default();
            below = Some(z.clone());
            let mut n = c.clone();
            let b = &mut n.base;
            b.id = remap(&c.base.id);
            b.rect.x += offset.x;
            b.rect.y += offset.y;
            b.z = z;
            b.parent = remap(&c.base.parent);
            b.locked = false;
            b.author = author.to_owned();
            b.created_ms = now_ms;
            b.updated_ms = None;
            // Free connector ends are in board coordinates and move with the
            // paste; pen points are relative to the element and stay.
            if let Props::Connector(p) = &mut n.props {
                p.from = remap(&p.from);
                p.to = remap(&p.to);
                for q in &mut p.points {
                    *q = Point::new(q.x + offset.x, q.y + offset.y);
                }
            }
            n.insert(txn, elements);
            out.push(n.base.id);
        }
        out
    }
}

fn keep_if(chosen: &HashSet<&str>, id: &str) -> String {
    if chosen.contains(id) {
        id.to_owned()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::{read_all, ConnectorProps};
    use crate::schema::ElementKind;
    use yrs::{Doc, Transact};

    fn board(items: &[(&str, ElementKind, Rect, &str)]) -> (Doc, MapRef) {
        let doc = Doc::new();
        let map = schema::elements(&doc);
        {
            let mut txn = doc.transact_mut();
            for (i, (id, kind, rect, parent)) in items.iter().enumerate() {
                let mut e = Element::new(*id, *rect, Props::new(*kind));
                e.base.parent = (*parent).to_owned();
                e.base.z = order::key_between(None, None).unwrap_or_default() + &"V".repeat(i);
                e.insert(&mut txn, &map);
            }
        }
        (doc, map)
    }

    fn all(doc: &Doc, map: &MapRef) -> Vec<Element> {
        read_all(&doc.transact(), map)
    }

    fn get<'a>(all: &'a [Element], id: &str) -> &'a Element {
        all.iter().find(|e| e.base.id == id).expect("present")
    }

    fn connector(id: &str, from: &str, to: &str) -> Element {
        let props = ConnectorProps {
            from: from.into(),
            to: to.into(),
            ..ConnectorProps::default()
        };
        Element::new(id, Rect::new(0.0, 0.0, 1.0, 1.0), Props::Connector(props))
    }

    #[test]
    fn groups_are_picked_and_arranged_as_one() {
        let s = |x: f64| Rect::new(x, 0.0, 100.0, 100.0);
        let (doc, map) = board(&[
            (
                "f",
                ElementKind::Frame,
                Rect::new(0.0, 300.0, 400.0, 400.0),
                "",
            ),
            (
                "in",
                ElementKind::Sticky,
                Rect::new(10.0, 310.0, 50.0, 50.0),
                "f",
            ),
            ("a", ElementKind::Sticky, s(0.0), ""),
            ("b", ElementKind::Sticky, s(150.0), ""),
            (
                "c",
                ElementKind::Sticky,
                Rect::new(500.0, 40.0, 100.0, 100.0),
                "",
            ),
        ]);
        set_group(
            &mut doc.transact_mut(),
            &map,
            &["a".into(), "b".into()],
            "g",
        );
        let now = all(&doc, &map);
        assert_eq!(get(&now, "b").base.group, "g");
        // Picking one member picks the group.
        let picked = with_groups(&now, &["b".to_owned(), "c".to_owned()]);
        assert_eq!(picked, vec!["b", "c", "a"]);
        // The group is one unit; the frame's content follows the frame.
        let mut sel = picked.clone();
        sel.extend(["f".to_owned(), "in".to_owned()]);
        let units = arrangeable(&now, &sel);
        assert_eq!(
            units,
            vec![
                ("f".to_owned(), Rect::new(0.0, 300.0, 400.0, 400.0)),
                ("group:g".to_owned(), Rect::new(0.0, 0.0, 250.0, 100.0)),
                ("c".to_owned(), Rect::new(500.0, 40.0, 100.0, 100.0)),
            ]
        );
        // Aligning bottoms moves the group as one and the frame with its note.
        let moves = crate::layout::align(&units, crate::layout::Align::Bottom);
        place_units(&mut doc.transact_mut(), &map, &now, &sel, &moves);
        let after = all(&doc, &map);
        assert_eq!(get(&after, "a").base.rect.y, 600.0);
        assert_eq!(
            get(&after, "b").base.rect,
            Rect::new(150.0, 600.0, 100.0, 100.0)
        );
        assert_eq!(get(&after, "c").base.rect.bottom(), 700.0);
        assert_eq!(get(&after, "in").base.rect.y, 310.0);
        // Ungrouping takes the field away again.
        set_group(&mut doc.transact_mut(), &map, &["a".into(), "b".into()], "");
        let ungrouped = all(&doc, &map);
        assert!(ungrouped.iter().all(|e| e.base.group.is_empty()));
        assert_eq!(with_groups(&ungrouped, &["a".to_owned()]), vec!["a"]);
    }

    #[test]
    fn moving_a_frame_moves_what_is_inside() {
        let (doc, map) = board(&[
            (
                "f",
                ElementKind::Frame,
                Rect::new(0.0, 0.0, 400.0, 400.0),
                "",
            ),
            (
                "a",
                ElementKind::Sticky,
                Rect::new(10.0, 10.0, 100.0, 100.0),
                "f",
            ),
            (
                "b",
                ElementKind::Sticky,
                Rect::new(600.0, 0.0, 100.0, 100.0),
                "",
            ),
        ]);
        let origins = drag_set(&all(&doc, &map), &["f".to_owned()]);
        assert_eq!(origins.len(), 2);
        // Positions come from the start, so repeated pointer moves do not add up.
        apply_move(
            &mut doc.transact_mut(),
            &map,
            &origins,
            Point::new(5.0, 5.0),
        );
        apply_move(
            &mut doc.transact_mut(),
            &map,
            &origins,
            Point::new(50.0, 20.0),
        );
        let now = all(&doc, &map);
        assert_eq!(get(&now, "f").base.rect.x, 50.0);
        assert_eq!(
            (get(&now, "a").base.rect.x, get(&now, "a").base.rect.y),
            (60.0, 30.0)
        );
        assert_eq!(get(&now, "b").base.rect.x, 600.0);
    }

    #[test]
    fn dropping_into_a_frame_joins_it_and_dragging_out_leaves() {
        let (doc, map) = board(&[
            (
                "f",
                ElementKind::Frame,
                Rect::new(0.0, 0.0, 400.0, 400.0),
                "",
            ),
            (
                "b",
                ElementKind::Sticky,
                Rect::new(600.0, 0.0, 100.0, 100.0),
                "",
            ),
        ]);
        let moved = vec!["b".to_owned()];
        let origins = drag_set(&all(&doc, &map), &moved);
        apply_move(
            &mut doc.transact_mut(),
            &map,
            &origins,
            Point::new(-500.0, 100.0),
        );
        let now = all(&doc, &map);
        reparent(&mut doc.transact_mut(), &map, &now, &moved);
        assert_eq!(get(&all(&doc, &map), "b").base.parent, "f");
        apply_move(
            &mut doc.transact_mut(),
            &map,
            &origins,
            Point::new(0.0, 900.0),
        );
        let now = all(&doc, &map);
        reparent(&mut doc.transact_mut(), &map, &now, &moved);
        assert_eq!(get(&all(&doc, &map), "b").base.parent, "");
    }

    #[test]
    fn a_connector_is_routed_between_the_elements_it_joins_or_its_free_points() {
        let a = Element::sticky("a", Rect::new(0.0, 0.0, 100.0, 100.0), "#ffe066", "");
        let b = Element::sticky("b", Rect::new(300.0, 0.0, 100.0, 100.0), "#ffe066", "");
        let c = Element::new(
            "c",
            Rect::new(0.0, 0.0, 1.0, 1.0),
            Props::Connector(crate::element::ConnectorProps {
                from: "a".into(),
                to: "b".into(),
                points: vec![Point::new(-50.0, -50.0), Point::new(900.0, 900.0)],
                ..Default::default()
            }),
        );
        let board = [&a, &b];
        let find = |id: &str| board.iter().copied().find(|e| e.base.id == id);
        let joined = connector_route(find, &c);
        assert_eq!(
            joined.start,
            Point::new(100.0, 50.0),
            "leaves a's facing side"
        );
        assert_eq!(joined.end, Point::new(300.0, 50.0), "meets b's facing side");
        let nothing = |_: &str| None;
        let free = connector_route(nothing, &c);
        assert_eq!(
            (free.start, free.end),
            (Point::new(-50.0, -50.0), Point::new(900.0, 900.0))
        );
    }

    #[test]
    fn deleting_takes_frame_contents_and_hanging_connectors() {
        let (doc, map) = board(&[
            (
                "f",
                ElementKind::Frame,
                Rect::new(0.0, 0.0, 400.0, 400.0),
                "",
            ),
            (
                "a",
                ElementKind::Sticky,
                Rect::new(10.0, 10.0, 100.0, 100.0),
                "f",
            ),
            (
                "b",
                ElementKind::Sticky,
                Rect::new(600.0, 0.0, 100.0, 100.0),
                "",
            ),
            (
                "c",
                ElementKind::Sticky,
                Rect::new(900.0, 0.0, 100.0, 100.0),
                "",
            ),
        ]);
        {
            let mut txn = doc.transact_mut();
            connector("ab", "a", "b").insert(&mut txn, &map);
            connector("bc", "b", "c").insert(&mut txn, &map);
        }
        let snapshot = all(&doc, &map);
        let removed = delete(&mut doc.transact_mut(), &map, &snapshot, &["f".to_owned()]);
        assert_eq!(
            removed.len(),
            3,
            "frame, its note, and the connector from it: {removed:?}"
        );
        let mut left: Vec<String> = all(&doc, &map).into_iter().map(|e| e.base.id).collect();
        left.sort();
        assert_eq!(left, ["b", "bc", "c"]);
    }

    #[test]
    fn locked_elements_survive_deletion_until_unlocked() {
        let (doc, map) = board(&[
            (
                "f",
                ElementKind::Frame,
                Rect::new(0.0, 0.0, 400.0, 400.0),
                "",
            ),
            (
                "a",
                ElementKind::Sticky,
                Rect::new(10.0, 10.0, 100.0, 100.0),
                "f",
            ),
        ]);
        set_locked(&mut doc.transact_mut(), &map, &["f".to_owned()], true);
        let snapshot = all(&doc, &map);
        assert!(get(&snapshot, "f").base.locked);
        let removed = delete(&mut doc.transact_mut(), &map, &snapshot, &["f".to_owned()]);
        assert!(
            removed.is_empty(),
            "a locked frame keeps itself and its content"
        );
        assert!(drag_set(&snapshot, &["f".to_owned()])
            .iter()
            .all(|o| o.id != "f"));
        // Its unlocked content can still be deleted on its own.
        let removed = delete(&mut doc.transact_mut(), &map, &snapshot, &["a".to_owned()]);
        assert_eq!(removed, ["a"]);
        set_locked(&mut doc.transact_mut(), &map, &["f".to_owned()], false);
        let snapshot = all(&doc, &map);
        assert_eq!(
            delete(&mut doc.transact_mut(), &map, &snapshot, &["f".to_owned()]),
            ["f"]
        );
    }

    #[test]
    fn restack_moves_to_front_and_back_keeping_relative_order() {
        let (doc, map) = board(&[
            ("a", ElementKind::Sticky, Rect::new(0.0, 0.0, 1.0, 1.0), ""),
            ("b", ElementKind::Sticky, Rect::new(0.0, 0.0, 1.0, 1.0), ""),
            ("c", ElementKind::Sticky, Rect::new(0.0, 0.0, 1.0, 1.0), ""),
        ]);
        let order_now = |doc: &Doc| {
            all(doc, &map)
                .into_iter()
                .map(|e| e.base.id)
                .collect::<Vec<_>>()
        };
        let snapshot = all(&doc, &map);
        restack(
            &mut doc.transact_mut(),
            &map,
            &snapshot,
            &["a".into(), "b".into()],
            true,
        );
        assert_eq!(order_now(&doc), ["c", "a", "b"]);
        let snapshot = all(&doc, &map);
        restack(
            &mut doc.transact_mut(),
            &map,
            &snapshot,
            &["b".into()],
            false,
        );
        assert_eq!(order_now(&doc), ["b", "c", "a"]);
    }

    #[test]
    fn copy_paste_round_trips_through_json_and_relinks() {
        let (doc, map) = board(&[
            (
                "f",
                ElementKind::Frame,
                Rect::new(0.0, 0.0, 400.0, 400.0),
                "",
            ),
            (
                "a",
                ElementKind::Sticky,
                Rect::new(10.0, 10.0, 100.0, 100.0),
                "f",
            ),
            (
                "b",
                ElementKind::Sticky,
                Rect::new(600.0, 0.0, 100.0, 100.0),
                "",
            ),
        ]);
        {
            let mut txn = doc.transact_mut();
            connector("ab", "a", "b").insert(&mut txn, &map);
        }
        let clip = Clipboard::copy(&all(&doc, &map), &["f".into(), "ab".into()]);
        assert_eq!(clip.elements.len(), 3, "frame, its child, the connector");
        let text = clip.to_json();
        assert!(Clipboard::from_json("just words").is_none());
        let back = Clipboard::from_json(&text).expect("parses");
        let ids = |c: &Clipboard| {
            c.elements
                .iter()
                .map(|e| (e.base.id.clone(), e.kind(), e.base.parent.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&back), ids(&clip));
        // Paste into another board, as between two browser tabs.
        let pasted = paste_into_empty_board(&back, Point::new(20.0, 20.0));
        assert_eq!(pasted.len(), 3);
        let child = pasted
            .iter()
            .find(|e| e.kind() == Some(ElementKind::Sticky))
            .expect("sticky");
        let frame = pasted.iter().find(|e| e.is_frame()).expect("frame");
        assert_eq!(
            child.base.parent, frame.base.id,
            "membership points at the copy"
        );
        assert_eq!((child.base.rect.x, child.base.rect.y), (30.0, 30.0));
        let Some(Props::Connector(conn)) =
            pasted.iter().find(|e| e.is_connector()).map(|e| &e.props)
        else {
            panic!("no connector in {pasted:?}");
        };
        assert_eq!(conn.from, child.base.id);
        assert_eq!(conn.to, "", "the end at an element left behind is free");
        assert_eq!(conn.points.len(), 2);
        assert!(
            conn.points[1].x >= 600.0,
            "free end stays where it was drawn, shifted"
        );
    }

    /// Pastes `clip` into an empty board, by "me" at time 5; returns what the
    /// board then holds.
    fn paste_into_empty_board(clip: &Clipboard, offset: Point) -> Vec<Element> {
        let doc = Doc::new();
        let map = schema::elements(&doc);
        let mut n = 0;
        let mut new_id = || {
            n += 1;
            format!("new{n}")
        };
        let ids = clip.paste(
            &mut doc.transact_mut(),
            &map,
            &[],
            offset,
            &mut new_id,
            "me",
            5,
        );
        let pasted = all(&doc, &map);
        assert_eq!(ids.len(), pasted.len(), "every id returned is on the board");
        pasted
    }

    /// A clipboard as the code before the one element model wrote it: every
    /// field for every kind, points flat, outline by name.
    const CLIPBOARD_V1: &str = r##"{"format":"tafel/elements","elements":[{"id":"f","kind":"frame","x":0.0,"y":0.0,"w":400.0,"h":300.0,"parent":"","text":"","title":"Ideas","color":"","shape":"rect","fill":"","stroke":"","from":"","to":"","points":[]},{"id":"c","kind":"connector","x":0.0,"y":0.0,"w":1.0,"h":1.0,"parent":"","text":"then","title":"","color":"","shape":"rect","fill":"","stroke":"#1971c2","from":"s","to":"d","points":[170.0,79.56521739130434,501.1411818038599,36.37288932993131]},{"id":"d","kind":"shape","x":500.0,"y":0.0,"w":100.0,"h":60.0,"parent":"","text":"Oval","title":"","color":"","shape":"ellipse","fill":"#ffffff","stroke":"#e03131","from":"","to":"","points":[]},{"id":"p","kind":"pen","x":50.0,"y":200.0,"w":20.0,"h":10.0,"parent":"","text":"","title":"","color":"","shape":"rect","fill":"","stroke":"#7048e8","from":"","to":"","points":[0.0,0.0,20.0,10.0]},{"id":"s","kind":"sticky","x":10.0,"y":10.0,"w":160.0,"h":160.0,"parent":"f","text":"Note","title":"","color":"#b2f2bb","shape":"rect","fill":"","stroke":"","from":"","to":"","points":[]},{"id":"t","kind":"text","x":700.0,"y":0.0,"w":100.0,"h":40.0,"parent":"","text":"Hello","title":"","color":"","shape":"rect","fill":"","stroke":"#1f2328","from":"","to":"","points":[]}]}"##;

    #[test]
    fn a_copy_reads_as_plain_text_in_reading_order() {
        let doc = Doc::new();
        let map = schema::elements(&doc);
        {
            let mut txn = doc.transact_mut();
            let mut frame = Element::new(
                "f",
                Rect::new(0.0, 0.0, 600.0, 400.0),
                Props::Frame(crate::element::FrameProps {
                    title: "Chancen".into(),
                    ..Default::default()
                }),
            );
            frame.base.z = "a0".into();
            frame.insert(&mut txn, &map);
            for (id, x, y, text, parent) in [
                ("n2", 300.0, 20.0, "Neue Kunden", "f"),
                ("n1", 20.0, 20.0, "Onboarding\nschneller", "f"),
                ("n3", 20.0, 220.0, "  ", "f"),
                ("loose", 900.0, 0.0, "Offen: Budget", ""),
            ] {
                let mut n = Element::sticky(id, Rect::new(x, y, 160.0, 160.0), "#fff", text);
                n.base.parent = parent.into();
                n.insert(&mut txn, &map);
            }
            connector("c", "n1", "n2").insert(&mut txn, &map);
        }
        let everything: Vec<String> = ["f", "n1", "n2", "n3", "loose", "c"]
            .map(String::from)
            .to_vec();
        let clip = Clipboard::copy(&all(&doc, &map), &everything);
        assert_eq!(
            clip.plain_text(),
            "Chancen\n- Onboarding\n  schneller\n- Neue Kunden\n\nOffen: Budget"
        );
        let only_shapes = Clipboard::copy(&all(&doc, &map), &["c".to_owned()]);
        assert_eq!(only_shapes.plain_text(), "");
    }

    #[test]
    fn clipboards_from_before_the_element_model_still_paste() {
        let clip = Clipboard::from_json(CLIPBOARD_V1).expect("parses");
        assert_eq!(clip.elements.len(), 6);
        let pasted = paste_into_empty_board(&clip, Point::new(100.0, 0.0));
        assert_eq!(pasted.len(), 6);
        let by_kind = |kind: ElementKind| {
            pasted
                .iter()
                .find(|e| e.kind() == Some(kind))
                .unwrap_or_else(|| panic!("no {kind:?} in {pasted:?}"))
        };
        let frame = by_kind(ElementKind::Frame);
        assert_eq!(frame.label(), "Frame: Ideas");
        assert_eq!(frame.base.rect, Rect::new(100.0, 0.0, 400.0, 300.0));
        assert_eq!(
            (frame.base.author.as_str(), frame.base.created_ms),
            ("me", 5)
        );
        let note = by_kind(ElementKind::Sticky);
        assert_eq!(note.base.parent, frame.base.id);
        assert_eq!(
            note.props,
            Props::Sticky(crate::element::StickyProps {
                text: "Note".into(),
                color: "#b2f2bb".into()
            })
        );
        let oval = by_kind(ElementKind::Shape);
        assert_eq!(
            oval.props,
            Props::Shape(crate::element::ShapeProps {
                outline: crate::geometry::Outline::Ellipse,
                text: "Oval".into(),
                fill: "#ffffff".into(),
                stroke: "#e03131".into(),
            })
        );
        let Props::Connector(line) = &by_kind(ElementKind::Connector).props else {
            unreachable!("found by kind")
        };
        assert_eq!(
            (line.from.as_str(), line.to.as_str()),
            (note.base.id.as_str(), oval.base.id.as_str())
        );
        assert_eq!(
            (line.text.as_str(), line.stroke.as_str()),
            ("then", "#1971c2")
        );
        assert_eq!(
            line.points[0],
            Point::new(270.0, 79.56521739130434),
            "free ends move with the paste"
        );
        let pen = by_kind(ElementKind::Pen);
        assert_eq!(
            pen.props,
            Props::Pen(crate::element::PenProps {
                points: vec![Point::new(0.0, 0.0), Point::new(20.0, 10.0)],
                stroke: "#7048e8".into(),
            }),
            "pen points are relative and stay"
        );
        assert_eq!(by_kind(ElementKind::Text).label(), "Text: Hello");
    }

    #[test]
    fn plain_text_pastes_as_one_note() {
        assert!(Clipboard::from_json("just words").is_none());
        let long = "x".repeat(3000);
        let clip =
            Clipboard::from_json(&Clipboard::from_plain_text(&long).to_json()).expect("parses");
        let [note] = clip.elements.as_slice() else {
            panic!("one note: {clip:?}");
        };
        let Props::Sticky(p) = &note.props else {
            panic!("a sticky: {note:?}");
        };
        assert_eq!(p.text.len(), 2000, "long text is cut");
        assert_eq!(p.color, STICKY_COLORS[0].1);
        assert_eq!(note.base.rect, Rect::new(0.0, 0.0, 200.0, 200.0));
    }
    #[test]
    fn locking_moves_an_element_into_the_layer_and_back() {
        use yrs::{Doc, Transact};
        let content = Doc::new();
        let layer = Doc::new();
        let (c, l) = (schema::elements(&content), schema::elements(&layer));
        Element::sticky("n", Rect::new(1.0, 2.0, 160.0, 160.0), "#fff", "Hallo")
            .insert(&mut content.transact_mut(), &c);
        let ids = ["n".to_owned(), "missing".to_owned()];
        let moved = move_between(
            (&mut content.transact_mut(), &c),
            (&mut layer.transact_mut(), &l),
            &ids,
            true,
        );
        assert_eq!(moved, ["n"]);
        assert!(Element::read(&content.transact(), &c, "n").is_none());
        let locked = Element::read(&layer.transact(), &l, "n").unwrap();
        assert!(locked.base.locked);
        assert_eq!((locked.text(), locked.base.rect.x), ("Hallo", 1.0));
        move_between(
            (&mut layer.transact_mut(), &l),
            (&mut content.transact_mut(), &c),
            &ids,
            false,
        );
        let back = Element::read(&content.transact(), &c, "n").unwrap();
        assert!(!back.base.locked && back.text() == "Hallo");
    }
}
