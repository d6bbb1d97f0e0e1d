//! Board edits as plain functions over a transaction: moving (frames carry their
//! children), joining frames on drop, deleting (with what hangs off the deleted),
//! stacking order, and copy/paste through a JSON clipboard that also works between
//! boards. The client calls these inside its own transactions; the host tests
//! exercise them without a browser.

use crate::element::{flat_points, outline_from_name, outline_name, Element, NewElement};
use crate::geometry::{route, End, Point, Rect};
use crate::order;
use crate::schema::{self, ElementKind};
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
    all.iter().map(|e| (e.id.as_str(), e)).collect()
}

/// What dragging `selected` moves: the selection plus the children of selected
/// frames. Locked elements stay where they are.
pub fn drag_set(all: &[Element], selected: &[String]) -> Vec<MoveOrigin> {
    let chosen: HashSet<&str> = selected.iter().map(String::as_str).collect();
    // A locked frame stays, and its content stays with it.
    let movable_frames: HashSet<&str> = all
        .iter()
        .filter(|e| e.is_frame() && !e.locked && chosen.contains(e.id.as_str()))
        .map(|e| e.id.as_str())
        .collect();
    all.iter()
        .filter(|e| !e.locked)
        .filter(|e| chosen.contains(e.id.as_str()) || movable_frames.contains(e.parent.as_str()))
        .map(|e| MoveOrigin {
            id: e.id.clone(),
            at: Point::new(e.rect.x, e.rect.y),
            points: if e.is_connector() {
                e.points.clone()
            } else {
                Vec::new()
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

/// Sets an element's position and size.
pub fn set_rect(txn: &mut TransactionMut, elements: &MapRef, id: &str, r: Rect) {
    if let Some(m) = element_map(txn, elements, id) {
        m.insert(txn, schema::F_X, Any::from(r.x));
        m.insert(txn, schema::F_Y, Any::from(r.y));
        m.insert(txn, schema::F_W, Any::from(r.w.max(8.0)));
        m.insert(txn, schema::F_H, Any::from(r.h.max(8.0)));
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
        .filter(|e| e.is_frame() && !exclude.contains(e.id.as_str()) && e.rect.contains(p))
        .collect();
    frames.sort_by(|a, b| crate::element::paint_order(a, b));
    frames.pop()
}

/// After a drop or a creation: each of `moved` that is not a frame or connector
/// joins the frame under its centre, or leaves the frame it is no longer in.
/// `all` must hold positions after the move.
pub fn reparent(txn: &mut TransactionMut, elements: &MapRef, all: &[Element], moved: &[String]) {
    let moved: HashSet<&str> = moved.iter().map(String::as_str).collect();
    for e in all.iter().filter(|e| moved.contains(e.id.as_str())) {
        if e.is_frame() || e.is_connector() {
            continue;
        }
        let parent = frame_at(all, e.rect.center(), &HashSet::new())
            .map(|f| f.id.as_str())
            .unwrap_or("");
        if parent != e.parent {
            set_str(txn, elements, &e.id, schema::F_PARENT, parent);
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
        .filter(|e| e.locked)
        .map(|e| e.id.as_str())
        .collect();
    let mut gone: HashSet<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| !locked.contains(id))
        .collect();
    for e in all {
        if gone.contains(e.parent.as_str()) && !e.locked {
            gone.insert(e.id.as_str());
        }
    }
    for e in all.iter().filter(|e| e.is_connector()) {
        if gone.contains(e.from.as_str()) || gone.contains(e.to.as_str()) {
            gone.insert(e.id.as_str());
        }
    }
    let mut removed = Vec::new();
    for e in all.iter().filter(|e| gone.contains(e.id.as_str())) {
        if elements.remove(txn, &e.id).is_some() {
            removed.push(e.id.clone());
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
    let mut moving: Vec<&Element> = all
        .iter()
        .filter(|e| chosen.contains(e.id.as_str()))
        .collect();
    moving.sort_by(|a, b| (a.z.as_str(), a.id.as_str()).cmp(&(b.z.as_str(), b.id.as_str())));
    let others = all.iter().filter(|e| !chosen.contains(e.id.as_str()));
    let keys: Vec<&str> = others.map(|e| e.z.as_str()).collect();
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
    let end = |id: &str, fallback: Point| match all.get(id) {
        Some(e) if !id.is_empty() && !e.is_connector() => End::Attached {
            rect: e.rect,
            outline: e.outline,
        },
        _ => End::Free(fallback),
    };
    let start = c
        .points
        .first()
        .copied()
        .unwrap_or(Point::new(c.rect.x, c.rect.y));
    let finish = c
        .points
        .get(1)
        .copied()
        .unwrap_or(Point::new(c.rect.right(), c.rect.bottom()));
    (end(&c.from, start), end(&c.to, finish))
}

/// The marker that tells a Tafel clipboard apart from other text.
pub const CLIPBOARD_MARKER: &str = "tafel/elements";

/// Elements on the system clipboard, as JSON text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clipboard {
    /// Always [`CLIPBOARD_MARKER`].
    pub format: String,
    /// The copied elements, in paint order.
    pub elements: Vec<ClipElement>,
}

/// One copied element: its fields, with connector ends and frame membership
/// referring to ids inside the clipboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClipElement {
    /// Id on the board it was copied from (only to link copies to each other).
    pub id: String,
    /// Kind name.
    pub kind: String,
    /// Position and size.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// Frame it sits in (an id in this clipboard), or empty.
    #[serde(default)]
    pub parent: String,
    /// Text.
    #[serde(default)]
    pub text: String,
    /// Frame title.
    #[serde(default)]
    pub title: String,
    /// Sticky colour.
    #[serde(default)]
    pub color: String,
    /// Shape outline name.
    #[serde(default)]
    pub shape: String,
    /// Fill.
    #[serde(default)]
    pub fill: String,
    /// Stroke.
    #[serde(default)]
    pub stroke: String,
    /// Connector start (an id in this clipboard), or empty for a free end.
    #[serde(default)]
    pub from: String,
    /// Connector end (an id in this clipboard), or empty for a free end.
    #[serde(default)]
    pub to: String,
    /// Flat points.
    #[serde(default)]
    pub points: Vec<f64>,
}

impl Clipboard {
    /// Copies `ids` with the contents of copied frames. A connector end whose
    /// element is not copied becomes a free end where it was drawn.
    pub fn copy(all: &[Element], ids: &[String]) -> Clipboard {
        let lookup = by_id(all);
        let mut chosen: HashSet<&str> = ids.iter().map(String::as_str).collect();
        for e in all {
            if chosen.contains(e.parent.as_str()) {
                chosen.insert(e.id.as_str());
            }
        }
        let elements = all
            .iter()
            .filter(|e| chosen.contains(e.id.as_str()) && e.kind.is_some())
            .map(|e| {
                let mut clip = ClipElement {
                    id: e.id.clone(),
                    kind: e
                        .kind
                        .map(ElementKind::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    x: e.rect.x,
                    y: e.rect.y,
                    w: e.rect.w,
                    h: e.rect.h,
                    parent: keep_if(&chosen, &e.parent),
                    text: e.text.clone(),
                    title: e.title.clone(),
                    color: e.color.clone(),
                    shape: outline_name(e.outline).to_owned(),
                    fill: e.fill.clone(),
                    stroke: e.stroke.clone(),
                    from: keep_if(&chosen, &e.from),
                    to: keep_if(&chosen, &e.to),
                    points: e.points.iter().flat_map(|p| [p.x, p.y]).collect(),
                };
                if e.is_connector() {
                    let (from, to) = connector_ends(&lookup, e);
                    let r = route(from, to);
                    clip.points = vec![r.start.x, r.start.y, r.end.x, r.end.y];
                }
                clip
            })
            .collect();
        Clipboard {
            format: CLIPBOARD_MARKER.to_owned(),
            elements,
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
                .filter(|e| e.kind != ElementKind::Connector.as_str())
                .map(|e| Rect::new(e.x, e.y, e.w, e.h)),
        )
    }

    /// Inserts copies shifted by `offset`, on top of everything in `all`, with ids
    /// from `new_id`. Returns the new ids in paint order.
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
            .map(|e| (e.id.as_str(), new_id()))
            .collect();
        let remap = |old: &str| ids.get(old).cloned().unwrap_or_default();
        let mut below = all
            .iter()
            .map(|e| e.z.as_str())
            .filter(|z| !z.is_empty())
            .max()
            .map(str::to_owned);
        let mut out = Vec::new();
        for c in &self.elements {
            let Ok(kind) = c.kind.parse::<ElementKind>() else {
                continue;
            };
            let z = order::key_between(below.as_deref(), None).unwrap_or_default();
            below = Some(z.clone());
            let mut n = NewElement::new(kind, Rect::new(c.x + offset.x, c.y + offset.y, c.w, c.h));
            n.z = z;
            n.parent = remap(&c.parent);
            n.text = c.text.clone();
            n.title = c.title.clone();
            n.color = c.color.clone();
            n.outline = outline_from_name(&c.shape);
            n.fill = c.fill.clone();
            n.stroke = c.stroke.clone();
            n.from = remap(&c.from);
            n.to = remap(&c.to);
            let shift = if kind == ElementKind::Connector {
                offset
            } else {
                Point::default()
            };
            n.points = c
                .points
                .chunks_exact(2)
                .map(|p| Point::new(p[0] + shift.x, p[1] + shift.y))
                .collect();
            n.author = author.to_owned();
            n.created_ms = now_ms;
            let id = remap(&c.id);
            n.insert(txn, elements, &id);
            out.push(id);
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
    use crate::element::read_all;
    use yrs::{Doc, Transact};

    fn board(items: &[(&str, ElementKind, Rect, &str)]) -> (Doc, MapRef) {
        let doc = Doc::new();
        let map = schema::elements(&doc);
        {
            let mut txn = doc.transact_mut();
            for (i, (id, kind, rect, parent)) in items.iter().enumerate() {
                let mut n = NewElement::new(*kind, *rect);
                n.parent = (*parent).to_owned();
                n.z = order::key_between(None, None).unwrap_or_default() + &"V".repeat(i);
                n.insert(&mut txn, &map, id);
            }
        }
        (doc, map)
    }

    fn all(doc: &Doc, map: &MapRef) -> Vec<Element> {
        read_all(&doc.transact(), map)
    }

    fn get<'a>(all: &'a [Element], id: &str) -> &'a Element {
        all.iter().find(|e| e.id == id).expect("present")
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
        assert_eq!(get(&now, "f").rect.x, 50.0);
        assert_eq!((get(&now, "a").rect.x, get(&now, "a").rect.y), (60.0, 30.0));
        assert_eq!(get(&now, "b").rect.x, 600.0);
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
        assert_eq!(get(&all(&doc, &map), "b").parent, "f");
        apply_move(
            &mut doc.transact_mut(),
            &map,
            &origins,
            Point::new(0.0, 900.0),
        );
        let now = all(&doc, &map);
        reparent(&mut doc.transact_mut(), &map, &now, &moved);
        assert_eq!(get(&all(&doc, &map), "b").parent, "");
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
            let mut c = NewElement::new(ElementKind::Connector, Rect::new(0.0, 0.0, 1.0, 1.0));
            c.from = "a".into();
            c.to = "b".into();
            c.insert(&mut txn, &map, "ab");
            c.from = "b".into();
            c.to = "c".into();
            c.insert(&mut txn, &map, "bc");
        }
        let snapshot = all(&doc, &map);
        let removed = delete(&mut doc.transact_mut(), &map, &snapshot, &["f".to_owned()]);
        assert_eq!(
            removed.len(),
            3,
            "frame, its note, and the connector from it: {removed:?}"
        );
        let mut left: Vec<String> = all(&doc, &map).into_iter().map(|e| e.id).collect();
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
        assert!(get(&snapshot, "f").locked);
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
        let order_now = |doc: &Doc| all(doc, &map).into_iter().map(|e| e.id).collect::<Vec<_>>();
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
            let mut c = NewElement::new(ElementKind::Connector, Rect::new(0.0, 0.0, 1.0, 1.0));
            c.from = "a".into();
            c.to = "b".into();
            c.insert(&mut txn, &map, "ab");
        }
        let clip = Clipboard::copy(&all(&doc, &map), &["f".into(), "ab".into()]);
        assert_eq!(clip.elements.len(), 3, "frame, its child, the connector");
        let text = clip.to_json();
        assert!(Clipboard::from_json("just words").is_none());
        let back = Clipboard::from_json(&text).expect("parses");
        let ids = |c: &Clipboard| {
            c.elements
                .iter()
                .map(|e| (e.id.clone(), e.kind.clone(), e.parent.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&back), ids(&clip));
        // Paste into another board, as between two browser tabs.
        let other = Doc::new();
        let other_map = schema::elements(&other);
        let mut n = 0;
        let ids = back.paste(
            &mut other.transact_mut(),
            &other_map,
            &[],
            Point::new(20.0, 20.0),
            &mut || {
                n += 1;
                format!("new{n}")
            },
            "me",
            1,
        );
        assert_eq!(ids.len(), 3);
        let pasted = all(&other, &other_map);
        let child = pasted
            .iter()
            .find(|e| e.kind == Some(ElementKind::Sticky))
            .expect("sticky");
        let frame = pasted.iter().find(|e| e.is_frame()).expect("frame");
        assert_eq!(child.parent, frame.id, "membership points at the copy");
        assert_eq!((child.rect.x, child.rect.y), (30.0, 30.0));
        let conn = pasted.iter().find(|e| e.is_connector()).expect("connector");
        assert_eq!(conn.from, child.id);
        assert_eq!(conn.to, "", "the end at an element left behind is free");
        assert_eq!(conn.points.len(), 2);
        assert!(
            conn.points[1].x >= 600.0,
            "free end stays where it was drawn, shifted"
        );
    }
}
