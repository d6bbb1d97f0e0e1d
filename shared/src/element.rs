//! Elements as values: reading one out of the content document into a typed
//! [`Element`], and writing a new one from a [`NewElement`]. The client renders
//! from these values and the tests assert on them, so both read the document the
//! same way, with the same defaults for fields an older board lacks.

use crate::geometry::{Outline, Point, Rect};
use crate::schema::{self, ElementKind};
use yrs::{
    Any, Array, GetString, Map, MapPrelim, MapRef, Out, ReadTxn, TextPrelim, TransactionMut,
};

/// Size of a new sticky note.
pub const STICKY_SIZE: f64 = 160.0;

/// One element, read from the document.
#[derive(Clone, Debug, PartialEq)]
pub struct Element {
    /// Its id, the key in the `elements` map.
    pub id: String,
    /// Its kind; `None` for kinds this version does not know (they are kept, not shown).
    pub kind: Option<ElementKind>,
    /// Position and size in board coordinates.
    pub rect: Rect,
    /// Stacking order (fractional index).
    pub z: String,
    /// The containing frame's id, or empty.
    pub parent: String,
    /// Locked elements cannot be moved or changed by participants.
    pub locked: bool,
    /// Who created it.
    pub author: String,
    /// Text of stickies, free text, shapes and connector labels.
    pub text: String,
    /// Title of frames.
    pub title: String,
    /// Sticky background.
    pub color: String,
    /// Outline of shapes (rectangle for everything else).
    pub outline: Outline,
    /// Shape fill.
    pub fill: String,
    /// Line or text colour.
    pub stroke: String,
    /// Connector start element.
    pub from: String,
    /// Connector end element.
    pub to: String,
    /// Pen stroke points (relative) or connector free ends (absolute).
    pub points: Vec<Point>,
}

impl Element {
    /// Reads the element stored under `id` in `elements`; `None` if absent or not a map.
    pub fn read<T: ReadTxn>(txn: &T, elements: &MapRef, id: &str) -> Option<Element> {
        match elements.get(txn, id)? {
            Out::YMap(m) => Some(Self::from_map(txn, id, &m)),
            _ => None,
        }
    }

    /// Reads an element's fields from its map.
    pub fn from_map<T: ReadTxn>(txn: &T, id: &str, m: &MapRef) -> Element {
        let num = |f: &str, default: f64| {
            schema::get_f64(txn, m, f)
                .filter(|v| v.is_finite())
                .unwrap_or(default)
        };
        let text = |f: &str| schema::get_str(txn, m, f).unwrap_or_default();
        let kind = schema::get_str(txn, m, schema::F_KIND).and_then(|k| k.parse().ok());
        let body = match m.get(txn, schema::F_TEXT) {
            Some(Out::YText(t)) => t.get_string(txn),
            Some(Out::Any(Any::String(s))) => s.to_string(),
            _ => String::new(),
        };
        let outline = outline_from_name(&text(schema::F_SHAPE));
        let points = match m.get(txn, schema::F_POINTS) {
            Some(Out::Any(Any::Array(a))) => pairs(a.iter().filter_map(|v| match v {
                Any::Number(n) => n.as_f64(),
                _ => None,
            })),
            Some(Out::YArray(a)) => pairs(a.iter(txn).filter_map(|v| match v {
                Out::Any(Any::Number(n)) => n.as_f64(),
                _ => None,
            })),
            _ => Vec::new(),
        };
        Element {
            id: id.to_owned(),
            kind,
            rect: Rect::new(
                num(schema::F_X, 0.0),
                num(schema::F_Y, 0.0),
                num(schema::F_W, STICKY_SIZE).max(1.0),
                num(schema::F_H, STICKY_SIZE).max(1.0),
            ),
            z: text(schema::F_Z),
            parent: text(schema::F_PARENT),
            locked: matches!(
                m.get(txn, schema::F_LOCKED),
                Some(Out::Any(Any::Bool(true)))
            ),
            author: text(schema::F_AUTHOR),
            text: body,
            title: text(schema::F_TITLE),
            color: text(schema::F_COLOR),
            outline,
            fill: text(schema::F_FILL),
            stroke: text(schema::F_STROKE),
            from: text(schema::F_FROM),
            to: text(schema::F_TO),
            points,
        }
    }

    /// Whether this is a frame.
    pub fn is_frame(&self) -> bool {
        self.kind == Some(ElementKind::Frame)
    }

    /// Whether this is a connector.
    pub fn is_connector(&self) -> bool {
        self.kind == Some(ElementKind::Connector)
    }

    /// A text alternative for screen readers and the outline view.
    pub fn label(&self) -> String {
        let (what, words) = match self.kind {
            Some(ElementKind::Sticky) => ("Sticky note", self.text.as_str()),
            Some(ElementKind::Text) => ("Text", self.text.as_str()),
            Some(ElementKind::Shape) => (
                match self.outline {
                    Outline::Rect => "Rectangle",
                    Outline::Ellipse => "Ellipse",
                    Outline::Diamond => "Diamond",
                },
                self.text.as_str(),
            ),
            Some(ElementKind::Connector) if self.text.trim().is_empty() => {
                return "Connector".into();
            }
            Some(ElementKind::Connector) => ("Connector", self.text.as_str()),
            Some(ElementKind::Pen) => return "Drawing".into(),
            Some(ElementKind::Frame) if self.locked => ("Frame (locked)", self.title.as_str()),
            Some(ElementKind::Frame) => ("Frame", self.title.as_str()),
            Some(ElementKind::Image) => ("Image", ""),
            None => ("Element", ""),
        };
        let words = words.trim();
        if words.is_empty() {
            format!("{what} (empty)")
        } else {
            format!("{what}: {words}")
        }
    }

    /// Whether text is edited in place (frames edit their title instead).
    pub fn has_text(&self) -> bool {
        matches!(
            self.kind,
            Some(ElementKind::Sticky | ElementKind::Text | ElementKind::Shape)
                | Some(ElementKind::Connector)
        )
    }
}

fn pairs(numbers: impl Iterator<Item = f64>) -> Vec<Point> {
    let flat: Vec<f64> = numbers.collect();
    flat.chunks_exact(2)
        .map(|c| Point::new(c[0], c[1]))
        .collect()
}

/// Every element of a document, in paint order (see [`paint_order`]).
pub fn read_all<T: ReadTxn>(txn: &T, elements: &MapRef) -> Vec<Element> {
    let mut out: Vec<Element> = elements
        .iter(txn)
        .filter_map(|(id, v)| match v {
            Out::YMap(m) => Some(Element::from_map(txn, id, &m)),
            _ => None,
        })
        .collect();
    out.sort_by(paint_order);
    out
}

/// Paint order: frames below everything else, then by stacking key, then by id so
/// that every replica draws ties the same way.
pub fn paint_order(a: &Element, b: &Element) -> std::cmp::Ordering {
    (!a.is_frame(), a.z.as_str(), a.id.as_str()).cmp(&(!b.is_frame(), b.z.as_str(), b.id.as_str()))
}

/// Frames and their elements in reading order (top to bottom, then left to right),
/// then what lies outside any frame.
pub fn reading_order(all: &[Element]) -> Vec<(Option<Element>, Vec<Element>)> {
    let by_reading = |a: &Element, b: &Element| {
        // Rows: elements whose tops are within half a note of each other read as one row.
        let row = |e: &Element| (e.rect.y / 80.0).floor() as i64;
        (row(a), a.rect.x as i64, a.id.as_str()).cmp(&(row(b), b.rect.x as i64, b.id.as_str()))
    };
    let mut frames: Vec<Element> = all.iter().filter(|e| e.is_frame()).cloned().collect();
    frames.sort_by(by_reading);
    let frame_ids: std::collections::HashSet<&str> = frames.iter().map(|f| f.id.as_str()).collect();
    let mut out: Vec<(Option<Element>, Vec<Element>)> = frames
        .iter()
        .map(|f| {
            let mut kids: Vec<Element> = all
                .iter()
                .filter(|e| e.parent == f.id && !e.is_connector())
                .cloned()
                .collect();
            kids.sort_by(by_reading);
            (Some(f.clone()), kids)
        })
        .collect();
    let mut loose: Vec<Element> = all
        .iter()
        .filter(|e| !e.is_frame() && !frame_ids.contains(e.parent.as_str()))
        .cloned()
        .collect();
    loose.sort_by(by_reading);
    if !loose.is_empty() {
        out.push((None, loose));
    }
    out
}

/// A new element, before it is written to the document.
#[derive(Clone, Debug, PartialEq)]
pub struct NewElement {
    /// What it is.
    pub kind: ElementKind,
    /// Where it goes.
    pub rect: Rect,
    /// Stacking key.
    pub z: String,
    /// Containing frame, or empty.
    pub parent: String,
    /// Initial text (becomes a `Y.Text` for kinds with text).
    pub text: String,
    /// Frame title.
    pub title: String,
    /// Sticky colour.
    pub color: String,
    /// Shape outline.
    pub outline: Outline,
    /// Shape fill.
    pub fill: String,
    /// Line or text colour.
    pub stroke: String,
    /// Connector start element.
    pub from: String,
    /// Connector end element.
    pub to: String,
    /// Pen points or connector free ends.
    pub points: Vec<Point>,
    /// Creator's display name.
    pub author: String,
    /// Creation time in ms since the epoch.
    pub created_ms: u64,
}

impl NewElement {
    /// A new element of `kind` at `rect` with defaults for everything else.
    pub fn new(kind: ElementKind, rect: Rect) -> Self {
        NewElement {
            kind,
            rect,
            z: String::new(),
            parent: String::new(),
            text: String::new(),
            title: String::new(),
            color: String::new(),
            outline: Outline::Rect,
            fill: String::new(),
            stroke: String::new(),
            from: String::new(),
            to: String::new(),
            points: Vec::new(),
            author: String::new(),
            created_ms: 0,
        }
    }

    /// The same element as a template for a copy: everything but the id.
    pub fn from_element(e: &Element) -> Option<Self> {
        Some(NewElement {
            kind: e.kind?,
            rect: e.rect,
            z: e.z.clone(),
            parent: e.parent.clone(),
            text: e.text.clone(),
            title: e.title.clone(),
            color: e.color.clone(),
            outline: e.outline,
            fill: e.fill.clone(),
            stroke: e.stroke.clone(),
            from: e.from.clone(),
            to: e.to.clone(),
            points: e.points.clone(),
            author: e.author.clone(),
            created_ms: 0,
        })
    }

    /// Writes the element under `id`. Root types must be fetched before the
    /// transaction opened, hence `elements` is passed in.
    pub fn insert(&self, txn: &mut TransactionMut, elements: &MapRef, id: &str) -> MapRef {
        let r = &self.rect;
        let mut fields: Vec<(String, Any)> = vec![
            (schema::F_KIND.into(), Any::from(self.kind.as_str())),
            (schema::F_X.into(), Any::from(r.x)),
            (schema::F_Y.into(), Any::from(r.y)),
            (schema::F_W.into(), Any::from(r.w)),
            (schema::F_H.into(), Any::from(r.h)),
            (schema::F_ROTATION.into(), Any::from(0.0)),
            (schema::F_Z.into(), Any::from(self.z.as_str())),
            (schema::F_PARENT.into(), Any::from(self.parent.as_str())),
            (schema::F_LOCKED.into(), Any::from(false)),
            (schema::F_AUTHOR.into(), Any::from(self.author.as_str())),
            (schema::F_CREATED.into(), Any::from(self.created_ms as f64)),
        ];
        let mut set = |k: &str, v: &str| {
            if !v.is_empty() {
                fields.push((k.into(), Any::from(v)));
            }
        };
        set(schema::F_COLOR, &self.color);
        set(schema::F_TITLE, &self.title);
        set(schema::F_FILL, &self.fill);
        set(schema::F_STROKE, &self.stroke);
        set(schema::F_FROM, &self.from);
        set(schema::F_TO, &self.to);
        if self.kind == ElementKind::Shape {
            fields.push((
                schema::F_SHAPE.into(),
                Any::from(outline_name(self.outline)),
            ));
        }
        if !self.points.is_empty() {
            fields.push((schema::F_POINTS.into(), flat_points(&self.points)));
        }
        let map = elements.insert(txn, id, MapPrelim::from_iter(fields));
        if matches!(
            self.kind,
            ElementKind::Sticky | ElementKind::Text | ElementKind::Shape | ElementKind::Connector
        ) {
            map.insert(txn, schema::F_TEXT, TextPrelim::new(self.text.as_str()));
        }
        map
    }
}

/// The [`schema::F_SHAPE`] value of an outline.
pub fn outline_name(outline: Outline) -> &'static str {
    match outline {
        Outline::Rect => schema::SHAPE_RECT,
        Outline::Ellipse => schema::SHAPE_ELLIPSE,
        Outline::Diamond => schema::SHAPE_DIAMOND,
    }
}

/// The outline a [`schema::F_SHAPE`] value names; rectangle for anything unknown.
pub fn outline_from_name(name: &str) -> Outline {
    match name {
        schema::SHAPE_ELLIPSE => Outline::Ellipse,
        schema::SHAPE_DIAMOND => Outline::Diamond,
        _ => Outline::Rect,
    }
}

/// Points as the flat number list stored in [`schema::F_POINTS`].
pub fn flat_points(points: &[Point]) -> Any {
    Any::from(
        points
            .iter()
            .flat_map(|p| [Any::from(p.x), Any::from(p.y)])
            .collect::<Vec<Any>>(),
    )
}

/// Reads the text of an element's `Y.Text`, if it has one.
pub fn text_ref<T: ReadTxn>(txn: &T, elements: &MapRef, id: &str) -> Option<yrs::TextRef> {
    match elements.get(txn, id)? {
        Out::YMap(m) => match m.get(txn, schema::F_TEXT)? {
            Out::YText(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Doc, Text, Transact};

    #[test]
    fn new_elements_read_back_with_their_fields() {
        let doc = Doc::new();
        let map = schema::elements(&doc);
        let mut shape = NewElement::new(ElementKind::Shape, Rect::new(10.0, 20.0, 100.0, 50.0));
        shape.outline = Outline::Diamond;
        shape.fill = "#a5d8ff".into();
        shape.text = "Decide".into();
        shape.z = "V".into();
        let mut pen = NewElement::new(ElementKind::Pen, Rect::new(0.0, 0.0, 10.0, 10.0));
        pen.points = vec![Point::new(0.0, 0.0), Point::new(10.0, 5.0)];
        {
            let mut txn = doc.transact_mut();
            shape.insert(&mut txn, &map, "s");
            pen.insert(&mut txn, &map, "p");
        }
        let txn = doc.transact();
        let s = Element::read(&txn, &map, "s").expect("shape");
        assert_eq!(s.kind, Some(ElementKind::Shape));
        assert_eq!(s.outline, Outline::Diamond);
        assert_eq!(s.rect, Rect::new(10.0, 20.0, 100.0, 50.0));
        assert_eq!((s.text.as_str(), s.fill.as_str()), ("Decide", "#a5d8ff"));
        assert_eq!(s.label(), "Diamond: Decide");
        let p = Element::read(&txn, &map, "p").expect("pen");
        assert_eq!(p.points, pen.points);
        assert_eq!(
            NewElement::from_element(&s).map(|n| n.outline),
            Some(Outline::Diamond)
        );
    }

    #[test]
    fn missing_and_odd_fields_fall_back_to_defaults() {
        let doc = Doc::new();
        let map = schema::elements(&doc);
        {
            let mut txn = doc.transact_mut();
            map.insert(
                &mut txn,
                "old",
                MapPrelim::from_iter([("kind".to_owned(), Any::from("sticky"))]),
            );
            map.insert(
                &mut txn,
                "future",
                MapPrelim::from_iter([
                    ("kind".to_owned(), Any::from("hologram")),
                    ("x".to_owned(), Any::from("not a number")),
                ]),
            );
            map.insert(&mut txn, "junk", Any::from(5.0));
        }
        let txn = doc.transact();
        let all = read_all(&txn, &map);
        assert_eq!(all.len(), 2, "non-map values are skipped");
        let old = all.iter().find(|e| e.id == "old").expect("old");
        assert_eq!(old.rect, Rect::new(0.0, 0.0, STICKY_SIZE, STICKY_SIZE));
        assert_eq!(old.label(), "Sticky note (empty)");
        let future = all.iter().find(|e| e.id == "future").expect("future");
        assert_eq!(future.kind, None);
        assert_eq!(future.rect.x, 0.0);
    }

    fn at(id: &str, kind: ElementKind, x: f64, y: f64, parent: &str) -> Element {
        let doc = Doc::new();
        let map = schema::elements(&doc);
        let mut n = NewElement::new(kind, Rect::new(x, y, 100.0, 100.0));
        n.parent = parent.into();
        n.insert(&mut doc.transact_mut(), &map, id);
        let txn = doc.transact();
        Element::read(&txn, &map, id).expect("written")
    }

    #[test]
    fn reading_order_goes_by_frame_then_rows_then_columns() {
        let all = vec![
            at("right", ElementKind::Frame, 600.0, 0.0, ""),
            at("left", ElementKind::Frame, 0.0, 10.0, ""),
            at("l2", ElementKind::Sticky, 200.0, 20.0, "left"),
            at("l1", ElementKind::Sticky, 20.0, 30.0, "left"),
            at("l3", ElementKind::Sticky, 20.0, 300.0, "left"),
            at("r1", ElementKind::Sticky, 620.0, 20.0, "right"),
            at("loose", ElementKind::Sticky, 2000.0, 2000.0, ""),
            at("c", ElementKind::Connector, 0.0, 0.0, "left"),
        ];
        let order: Vec<(Option<String>, Vec<String>)> = reading_order(&all)
            .into_iter()
            .map(|(f, kids)| (f.map(|f| f.id), kids.into_iter().map(|k| k.id).collect()))
            .collect();
        assert_eq!(
            order,
            vec![
                (
                    Some("left".into()),
                    vec!["l1".into(), "l2".into(), "l3".into()]
                ),
                (Some("right".into()), vec!["r1".into()]),
                (None, vec!["loose".into()]),
            ],
            "same row reads left to right; connectors are not listed inside frames"
        );
    }

    #[test]
    fn frames_paint_below_and_text_is_live() {
        let doc = Doc::new();
        let map = schema::elements(&doc);
        {
            let mut txn = doc.transact_mut();
            let mut frame = NewElement::new(ElementKind::Frame, Rect::new(0.0, 0.0, 500.0, 500.0));
            frame.z = "z".into();
            frame.insert(&mut txn, &map, "f");
            let mut note = NewElement::new(ElementKind::Sticky, Rect::new(0.0, 0.0, 1.0, 1.0));
            note.z = "a".into();
            note.insert(&mut txn, &map, "n");
        }
        let t = text_ref(&doc.transact(), &map, "n").expect("sticky has text");
        t.insert(&mut doc.transact_mut(), 0, "hi");
        let txn = doc.transact();
        let all = read_all(&txn, &map);
        assert_eq!(
            all.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["f", "n"]
        );
        assert_eq!(all[1].text, "hi");
    }
}
