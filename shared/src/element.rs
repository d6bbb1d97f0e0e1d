//! The one element model. Every element is an [`ElementBase`] (what all kinds
//! share: id, place, stacking, frame, lock, author, times) plus the [`Props`] of
//! its kind, as tldraw splits `TLBaseShape` from a shape's `props`. The same
//! value is read out of the content document ([`Element::from_map`]), written
//! into it ([`Element::insert`]) and carried on the clipboard as JSON (serde), so
//! the client, the tests and the load tools see one list of fields, with one set
//! of defaults for what an older board lacks.
//!
//! The names in the document are the [`schema`] `F_*` constants; the serde names
//! are the same words, which `tests::serde_names_are_the_document_names` checks.

use crate::geometry::{
    hit_outline, hit_polyline, points_bounds, Outline, Point, Rect, Route, Routing,
};
use crate::schema::{self, ElementKind};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use yrs::{
    Any, Array, GetString, Map, MapPrelim, MapRef, Out, ReadTxn, TextPrelim, TransactionMut,
};

/// Size of a new sticky note.
pub const STICKY_SIZE: f64 = 160.0;

/// What every element has, whatever its kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ElementBase {
    /// Its id, the key in the `elements` map.
    pub id: String,
    /// Position and size in board coordinates (`x`, `y`, `w`, `h`).
    #[serde(flatten)]
    pub rect: Rect,
    /// Rotation in degrees, clockwise.
    #[serde(default)]
    pub rotation: f64,
    /// Stacking order (fractional index).
    #[serde(default)]
    pub z: String,
    /// The containing frame's id, or empty.
    #[serde(default)]
    pub parent: String,
    /// The group it belongs to (selected and moved as one), or empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// Its text's formatting (lines, runs, lists), when it has any; the plain
    /// string is in the props. Not a field of its own in the document: it is
    /// the `Y.Text`'s formatting (see [`crate::rich`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rich: Option<Vec<crate::rich::Line>>,
    /// Locked elements can be selected, but not moved, resized, edited or deleted
    /// until a facilitator unlocks them.
    #[serde(default)]
    pub locked: bool,
    /// Display name of whoever created it.
    #[serde(default)]
    pub author: String,
    /// Creation time, milliseconds since the epoch.
    #[serde(default, rename = "created")]
    pub created_ms: u64,
    /// Time of the last change, milliseconds since the epoch, where one was
    /// recorded. Nothing stamps it yet, so it is only written when set and boards
    /// written so far have none.
    #[serde(default, rename = "updated", skip_serializing_if = "Option::is_none")]
    pub updated_ms: Option<u64>,
}

impl ElementBase {
    /// A base with `id` and `rect` and defaults for everything else.
    pub fn new(id: impl Into<String>, rect: Rect) -> Self {
        ElementBase {
            id: id.into(),
            rect,
            rotation: 0.0,
            z: String::new(),
            parent: String::new(),
            group: String::new(),
            rich: None,
            locked: false,
            author: String::new(),
            created_ms: 0,
            updated_ms: None,
        }
    }
}

/// A sticky note's own fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StickyProps {
    /// Its text (a `Y.Text` in the document).
    pub text: String,
    /// Background colour as `#rrggbb`.
    pub color: String,
}

/// Free text's own fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TextProps {
    /// The text (a `Y.Text` in the document).
    pub text: String,
    /// Text colour as `#rrggbb`.
    pub stroke: String,
    /// Font size in board units; the box grows with the text at this size.
    /// 0 for text from before sizes, which shrinks to fit a fixed box.
    #[serde(skip_serializing_if = "is_zero")]
    pub size: f64,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

/// A shape's own fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShapeProps {
    /// Rectangle, ellipse or diamond, stored under [`schema::F_SHAPE`].
    #[serde(rename = "shape", with = "outline_serde")]
    pub outline: Outline,
    /// The text inside (a `Y.Text` in the document).
    pub text: String,
    /// Fill colour as `#rrggbb`, or `transparent`.
    pub fill: String,
    /// Line colour as `#rrggbb`.
    pub stroke: String,
}

/// A connector's own fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnectorProps {
    /// Id of the element it starts at; empty for a free end.
    pub from: String,
    /// Id of the element it ends at; empty for a free end.
    pub to: String,
    /// The two free end points in board coordinates, used for an end whose
    /// element is absent.
    #[serde(with = "flat_serde")]
    pub points: Vec<Point>,
    /// Its label (a `Y.Text` in the document).
    pub text: String,
    /// Line colour as `#rrggbb`.
    pub stroke: String,
    /// How it runs between its ends.
    #[serde(
        with = "routing_serde",
        skip_serializing_if = "routing_serde::is_straight"
    )]
    pub route: Routing,
}

/// A freehand stroke's own fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PenProps {
    /// The stroke, relative to the element's top-left corner when it was drawn
    /// (scaled to the element's size).
    #[serde(with = "flat_serde")]
    pub points: Vec<Point>,
    /// Line colour as `#rrggbb`.
    pub stroke: String,
}

/// A frame's own fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FrameProps {
    /// Its title.
    pub title: String,
    /// Its guiding questions (a template's), shown quietly under the title;
    /// part of the frame, so nobody moves them by accident.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub hint: String,
}

/// An image's own fields: the picture is a file stored on the server beside the
/// board (`/api/boards/{id}/files/{hash}`), the element only names it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageProps {
    /// Content hash of the image stored on the server.
    pub hash: String,
    /// Text alternative for screen readers.
    pub alt: String,
    /// The part of the picture shown, as fractions of its width and height
    /// `[left, top, right, bottom]`; empty shows all of it.
    pub crop: Vec<f64>,
}

impl ImageProps {
    /// The shown part of the picture as fractions `(left, top, right, bottom)`,
    /// all of it when the crop is absent or not a sane rectangle.
    pub fn crop_box(&self) -> (f64, f64, f64, f64) {
        match self.crop[..] {
            [l, t, r, b]
                if [l, t, r, b]
                    .iter()
                    .all(|v| v.is_finite() && (0.0..=1.0).contains(v))
                    && r - l > 0.01
                    && b - t > 0.01 =>
            {
                (l, t, r, b)
            }
            _ => (0.0, 0.0, 1.0, 1.0),
        }
    }
}

/// The fields of an element's kind. The serde tag is the kind's name
/// ([`ElementKind::as_str`]), so on the clipboard an element is one flat object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Props {
    /// A sticky note.
    Sticky(StickyProps),
    /// Free text.
    Text(TextProps),
    /// Rectangle, ellipse or diamond.
    Shape(ShapeProps),
    /// A line between elements or points.
    Connector(ConnectorProps),
    /// A freehand stroke.
    Pen(PenProps),
    /// A titled area; moving it moves its children.
    Frame(FrameProps),
    /// An image stored on the server.
    Image(ImageProps),
    /// A kind this version does not know: kept in the document, not shown, not
    /// copied.
    #[serde(other)]
    Unknown,
}

impl Props {
    /// The default fields of `kind`.
    pub fn new(kind: ElementKind) -> Props {
        match kind {
            ElementKind::Sticky => Props::Sticky(StickyProps::default()),
            ElementKind::Text => Props::Text(TextProps::default()),
            ElementKind::Shape => Props::Shape(ShapeProps::default()),
            ElementKind::Connector => Props::Connector(ConnectorProps::default()),
            ElementKind::Pen => Props::Pen(PenProps::default()),
            ElementKind::Frame => Props::Frame(FrameProps::default()),
            ElementKind::Image => Props::Image(ImageProps::default()),
        }
    }

    /// The kind these fields belong to; `None` for an unknown kind.
    pub fn kind(&self) -> Option<ElementKind> {
        Some(match self {
            Props::Sticky(_) => ElementKind::Sticky,
            Props::Text(_) => ElementKind::Text,
            Props::Shape(_) => ElementKind::Shape,
            Props::Connector(_) => ElementKind::Connector,
            Props::Pen(_) => ElementKind::Pen,
            Props::Frame(_) => ElementKind::Frame,
            Props::Image(_) => ElementKind::Image,
            Props::Unknown => return None,
        })
    }

    /// The text of kinds that have a `Y.Text` (edited in place); `None` for the
    /// others (a frame edits its title instead).
    pub fn text(&self) -> Option<&str> {
        match self {
            Props::Sticky(p) => Some(&p.text),
            Props::Text(p) => Some(&p.text),
            Props::Shape(p) => Some(&p.text),
            Props::Connector(p) => Some(&p.text),
            Props::Pen(_) | Props::Frame(_) | Props::Image(_) | Props::Unknown => None,
        }
    }

    /// Reads the fields of `kind` from an element's map.
    fn read<T: ReadTxn>(kind: Option<ElementKind>, r: &Fields<'_, T>) -> Props {
        let Some(kind) = kind else {
            return Props::Unknown;
        };
        match kind {
            ElementKind::Sticky => Props::Sticky(StickyProps {
                text: r.text(),
                color: r.str(schema::F_COLOR),
            }),
            ElementKind::Text => Props::Text(TextProps {
                text: r.text(),
                stroke: r.str(schema::F_STROKE),
                size: r
                    .num(schema::F_SIZE)
                    .filter(|s| *s > 0.0 && *s <= crate::text::MAX_TEXT_SIZE)
                    .unwrap_or(0.0),
            }),
            ElementKind::Shape => Props::Shape(ShapeProps {
                outline: outline_from_name(&r.str(schema::F_SHAPE)),
                text: r.text(),
                fill: r.str(schema::F_FILL),
                stroke: r.str(schema::F_STROKE),
            }),
            ElementKind::Connector => Props::Connector(ConnectorProps {
                from: r.str(schema::F_FROM),
                to: r.str(schema::F_TO),
                points: r.points(),
                text: r.text(),
                stroke: r.str(schema::F_STROKE),
                route: Routing::from_name(&r.str(schema::F_ROUTE)),
            }),
            ElementKind::Pen => Props::Pen(PenProps {
                points: r.points(),
                stroke: r.str(schema::F_STROKE),
            }),
            ElementKind::Frame => Props::Frame(FrameProps {
                title: r.str(schema::F_TITLE),
                hint: r.str(schema::F_HINT),
            }),
            ElementKind::Image => Props::Image(ImageProps {
                hash: r.str(schema::F_HASH),
                alt: r.str(schema::F_ALT),
                crop: r.numbers(schema::F_CROP),
            }),
        }
    }

    /// Adds the fields of this kind, except the text (a `Y.Text`, added once the
    /// map exists).
    fn write(&self, w: &mut Prelim) {
        match self {
            Props::Sticky(p) => w.str(schema::F_COLOR, &p.color),
            Props::Text(p) => {
                w.str(schema::F_STROKE, &p.stroke);
                if p.size > 0.0 {
                    w.put(schema::F_SIZE, p.size);
                }
            }
            Props::Shape(p) => {
                // Always written, as the client always has: readers of old boards
                // take a missing outline for a rectangle.
                w.put(schema::F_SHAPE, outline_name(p.outline));
                w.str(schema::F_FILL, &p.fill);
                w.str(schema::F_STROKE, &p.stroke);
            }
            Props::Connector(p) => {
                w.str(schema::F_FROM, &p.from);
                w.str(schema::F_TO, &p.to);
                w.points(&p.points);
                w.str(schema::F_STROKE, &p.stroke);
                if p.route != Routing::Straight {
                    w.put(schema::F_ROUTE, p.route.name());
                }
            }
            Props::Pen(p) => {
                w.points(&p.points);
                w.str(schema::F_STROKE, &p.stroke);
            }
            Props::Frame(p) => {
                w.str(schema::F_TITLE, &p.title);
                w.str(schema::F_HINT, &p.hint);
            }
            Props::Image(p) => {
                w.str(schema::F_HASH, &p.hash);
                w.str(schema::F_ALT, &p.alt);
                if !p.crop.is_empty() {
                    w.put(
                        schema::F_CROP,
                        Any::from(p.crop.iter().map(|v| Any::from(*v)).collect::<Vec<Any>>()),
                    );
                }
            }
            Props::Unknown => {}
        }
    }
}

/// One element: what all kinds share plus the fields of its kind. On the
/// clipboard both are one flat JSON object, `kind` naming the props.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Element {
    /// Id, place, stacking, frame, lock, author and times.
    #[serde(flatten)]
    pub base: ElementBase,
    /// The fields of its kind.
    #[serde(flatten)]
    pub props: Props,
}

/// Lenient reads of one element's map: a field that is absent, or holds a value
/// of another type, reads as its default, so boards written by older (or newer)
/// versions open.
struct Fields<'a, T: ReadTxn> {
    txn: &'a T,
    map: &'a MapRef,
}

impl<T: ReadTxn> Fields<'_, T> {
    fn num(&self, field: &str) -> Option<f64> {
        schema::get_f64(self.txn, self.map, field).filter(|v| v.is_finite())
    }

    fn str(&self, field: &str) -> String {
        schema::get_str(self.txn, self.map, field).unwrap_or_default()
    }

    fn flag(&self, field: &str) -> bool {
        matches!(
            self.map.get(self.txn, field),
            Some(Out::Any(Any::Bool(true)))
        )
    }

    fn ms(&self, field: &str) -> Option<u64> {
        self.num(field).filter(|v| *v >= 0.0).map(|v| v as u64)
    }

    /// The text under [`schema::F_TEXT`]: a `Y.Text`, or a plain string as a
    /// hand-written or foreign board may hold.
    fn text(&self) -> String {
        match self.map.get(self.txn, schema::F_TEXT) {
            Some(Out::YText(t)) => t.get_string(self.txn),
            Some(Out::Any(Any::String(s))) => s.to_string(),
            _ => String::new(),
        }
    }

    /// The formatting of the text under [`schema::F_TEXT`], if it has any.
    fn rich(&self) -> Option<Vec<crate::rich::Line>> {
        match self.map.get(self.txn, schema::F_TEXT) {
            Some(Out::YText(t)) => {
                let lines = crate::rich::read(self.txn, &t);
                crate::rich::is_formatted(&lines).then_some(lines)
            }
            _ => None,
        }
    }

    /// The flat number list under [`schema::F_POINTS`], as a plain array or a
    /// `Y.Array`.
    fn points(&self) -> Vec<Point> {
        pairs(self.numbers(schema::F_POINTS).into_iter())
    }

    /// A flat list of numbers under `field`, as a plain array or a `Y.Array`.
    fn numbers(&self, field: &str) -> Vec<f64> {
        match self.map.get(self.txn, field) {
            Some(Out::Any(Any::Array(a))) => a
                .iter()
                .filter_map(|v| match v {
                    Any::Number(n) => n.as_f64(),
                    _ => None,
                })
                .collect(),
            Some(Out::YArray(a)) => a
                .iter(self.txn)
                .filter_map(|v| match v {
                    Out::Any(Any::Number(n)) => n.as_f64(),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The fields of a new element's map, in the types [`Fields`] reads back.
#[derive(Default)]
struct Prelim(Vec<(String, Any)>);

impl Prelim {
    fn put(&mut self, field: &str, value: impl Into<Any>) {
        self.0.push((field.to_owned(), value.into()));
    }

    /// An optional string: empty ones are left out, since absent reads as empty
    /// and keeps the document small.
    fn str(&mut self, field: &str, value: &str) {
        if !value.is_empty() {
            self.put(field, value);
        }
    }

    fn points(&mut self, points: &[Point]) {
        if !points.is_empty() {
            self.put(schema::F_POINTS, flat_points(points));
        }
    }
}

impl Element {
    /// An element with `id` at `rect`, defaults for the rest of the base.
    pub fn new(id: impl Into<String>, rect: Rect, props: Props) -> Self {
        Element {
            base: ElementBase::new(id, rect),
            props,
        }
    }

    /// A sticky note: what the client makes with a click, and what the tests and
    /// load tools write.
    pub fn sticky(id: impl Into<String>, rect: Rect, color: &str, text: &str) -> Self {
        let props = StickyProps {
            text: text.to_owned(),
            color: color.to_owned(),
        };
        Element::new(id, rect, Props::Sticky(props))
    }

    /// Reads the element stored under `id` in `elements`; `None` if absent or not a map.
    pub fn read<T: ReadTxn>(txn: &T, elements: &MapRef, id: &str) -> Option<Element> {
        match elements.get(txn, id)? {
            Out::YMap(m) => Some(Self::from_map(txn, id, &m)),
            _ => None,
        }
    }

    /// Reads an element from its map: the one place the document is read.
    pub fn from_map<T: ReadTxn>(txn: &T, id: &str, m: &MapRef) -> Element {
        let r = Fields { txn, map: m };
        let size = |f| r.num(f).unwrap_or(STICKY_SIZE).max(1.0);
        let created_ms = r.ms(schema::F_CREATED).unwrap_or(0);
        let base = ElementBase {
            id: id.to_owned(),
            rect: Rect::new(
                r.num(schema::F_X).unwrap_or(0.0),
                r.num(schema::F_Y).unwrap_or(0.0),
                size(schema::F_W),
                size(schema::F_H),
            ),
            rotation: r.num(schema::F_ROTATION).unwrap_or(0.0),
            z: r.str(schema::F_Z),
            parent: r.str(schema::F_PARENT),
            group: r.str(schema::F_GROUP),
            rich: r.rich(),
            locked: r.flag(schema::F_LOCKED),
            author: r.str(schema::F_AUTHOR),
            created_ms,
            updated_ms: r.ms(schema::F_UPDATED),
        };
        let kind = schema::get_str(txn, m, schema::F_KIND).and_then(|k| k.parse().ok());
        Element {
            base,
            props: Props::read(kind, &r),
        }
    }

    /// Writes the element under its id: the one place a new element enters the
    /// document. Kinds with text get a `Y.Text` under [`schema::F_TEXT`], so
    /// concurrent typing merges. Root types must be fetched before the
    /// transaction opened, hence `elements` is passed in.
    pub fn insert(&self, txn: &mut TransactionMut, elements: &MapRef) -> MapRef {
        let b = &self.base;
        let mut w = Prelim::default();
        if let Some(kind) = self.kind() {
            w.put(schema::F_KIND, kind.as_str());
        }
        w.put(schema::F_X, b.rect.x);
        w.put(schema::F_Y, b.rect.y);
        w.put(schema::F_W, b.rect.w);
        w.put(schema::F_H, b.rect.h);
        w.put(schema::F_ROTATION, b.rotation);
        w.put(schema::F_Z, b.z.as_str());
        w.put(schema::F_PARENT, b.parent.as_str());
        w.str(schema::F_GROUP, &b.group);
        w.put(schema::F_LOCKED, b.locked);
        w.put(schema::F_AUTHOR, b.author.as_str());
        // A JavaScript number, as in every board so far.
        w.put(schema::F_CREATED, b.created_ms as f64);
        if let Some(updated) = b.updated_ms {
            w.put(schema::F_UPDATED, updated as f64);
        }
        self.props.write(&mut w);
        let map = elements.insert(txn, b.id.as_str(), MapPrelim::from_iter(w.0));
        if let Some(text) = self.props.text() {
            match &b.rich {
                // Formatted text keeps its formatting (a paste, an import).
                Some(lines) => {
                    let t = map.insert(txn, schema::F_TEXT, TextPrelim::new(""));
                    crate::rich::write(txn, &t, lines);
                }
                None => {
                    map.insert(txn, schema::F_TEXT, TextPrelim::new(text));
                }
            }
        }
        map
    }

    /// Its kind; `None` for kinds this version does not know.
    pub fn kind(&self) -> Option<ElementKind> {
        self.props.kind()
    }

    /// Whether this is a frame.
    pub fn is_frame(&self) -> bool {
        matches!(self.props, Props::Frame(_))
    }

    /// Whether this is a connector.
    pub fn is_connector(&self) -> bool {
        matches!(self.props, Props::Connector(_))
    }

    /// Whether text is edited in place (frames edit their title instead).
    pub fn has_text(&self) -> bool {
        self.props.text().is_some()
    }

    /// The text of kinds that have one, else empty.
    pub fn text(&self) -> &str {
        self.props.text().unwrap_or_default()
    }

    /// The size of a text element that grows with its words; `None` for
    /// other kinds and for text from before sizes (which shrinks to fit).
    pub fn text_size(&self) -> Option<f64> {
        match &self.props {
            Props::Text(p) if p.size > 0.0 => Some(p.size),
            _ => None,
        }
    }

    /// The outline for hit testing and connector attachment: a shape's own, a
    /// rectangle for everything else.
    pub fn outline(&self) -> Outline {
        match &self.props {
            Props::Shape(p) => p.outline,
            _ => Outline::Rect,
        }
    }

    /// A pen stroke's points on the board. They are stored relative to where
    /// the stroke was drawn and scaled to the element's rect, so resizing the
    /// element stretches the drawing. Empty for other kinds.
    pub fn pen_on_board(&self) -> Vec<Point> {
        let Props::Pen(p) = &self.props else {
            return Vec::new();
        };
        let Some(b) = points_bounds(&p.points) else {
            return Vec::new();
        };
        let r = &self.base.rect;
        let scale = |to: f64, from: f64| if from > 0.0 { to / from } else { 1.0 };
        let (sx, sy) = (scale(r.w, b.w), scale(r.h, b.h));
        p.points
            .iter()
            .map(|q| Point::new(r.x + (q.x - b.x) * sx, r.y + (q.y - b.y) * sy))
            .collect()
    }

    /// Whether a pointer at `p` (board units) is on this element, `tolerance`
    /// board units around what is drawn: a shape's own outline, a pen
    /// stroke's line, a connector's `route` (its ends are other elements, so
    /// the caller routes it), and the rect for the rest.
    pub fn hit(&self, p: Point, tolerance: f64, route: Option<&Route>) -> bool {
        match &self.props {
            Props::Connector(_) => route.is_some_and(|r| r.hit(p, tolerance)),
            Props::Pen(_) => hit_polyline(&self.pen_on_board(), p, tolerance),
            Props::Shape(s) => hit_outline(s.outline, &self.base.rect, p, tolerance),
            _ => self.base.rect.inflate(tolerance).contains(p),
        }
    }

    /// A text alternative for screen readers and the outline view.
    pub fn label(&self) -> String {
        let (what, words) = match &self.props {
            Props::Sticky(p) => ("Sticky note", p.text.as_str()),
            Props::Text(p) => ("Text", p.text.as_str()),
            Props::Shape(p) => (
                match p.outline {
                    Outline::Rect => "Rectangle",
                    Outline::Ellipse => "Ellipse",
                    Outline::Diamond => "Diamond",
                },
                p.text.as_str(),
            ),
            Props::Connector(p) if p.text.trim().is_empty() => return "Connector".into(),
            Props::Connector(p) => ("Connector", p.text.as_str()),
            Props::Pen(_) => return "Drawing".into(),
            Props::Frame(p) if self.base.locked => ("Frame (locked)", p.title.as_str()),
            Props::Frame(p) => ("Frame", p.title.as_str()),
            Props::Image(p) => ("Image", p.alt.as_str()),
            Props::Unknown => ("Element", ""),
        };
        let words = words.trim();
        if words.is_empty() {
            format!("{what} (empty)")
        } else {
            format!("{what}: {words}")
        }
    }
}

fn pairs(numbers: impl Iterator<Item = f64>) -> Vec<Point> {
    let flat: Vec<f64> = numbers.collect();
    flat.chunks_exact(2)
        .map(|c| Point::new(c[0], c[1]))
        .collect()
}

/// Points on the clipboard as in the document: one flat list `[x0, y0, x1, y1, …]`.
mod flat_serde {
    use super::*;

    pub fn serialize<S: Serializer>(points: &[Point], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(points.iter().flat_map(|p| [p.x, p.y]))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Point>, D::Error> {
        Ok(pairs(Vec::<f64>::deserialize(d)?.into_iter()))
    }
}

/// A shape's outline on the clipboard by its [`schema::F_SHAPE`] name; an unknown
/// name is a rectangle, as in the document.
mod outline_serde {
    use super::*;

    pub fn serialize<S: Serializer>(outline: &Outline, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(outline_name(*outline))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Outline, D::Error> {
        Ok(outline_from_name(&String::deserialize(d)?))
    }
}

mod routing_serde {
    use super::*;

    /// Straight is the default, which the document leaves out.
    pub fn is_straight(routing: &Routing) -> bool {
        *routing == Routing::Straight
    }

    pub fn serialize<S: Serializer>(routing: &Routing, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(routing.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Routing, D::Error> {
        Ok(Routing::from_name(&String::deserialize(d)?))
    }
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
    fn key(e: &Element) -> (bool, &str, &str) {
        (!e.is_frame(), e.base.z.as_str(), e.base.id.as_str())
    }
    key(a).cmp(&key(b))
}

/// Frames and their elements in reading order (top to bottom, then left to right),
/// then what lies outside any frame.
pub fn reading_order(all: &[Element]) -> Vec<(Option<Element>, Vec<Element>)> {
    fn key(e: &Element) -> (i64, i64, &str) {
        // Rows: elements whose tops are within half a note of each other read as one row.
        let r = &e.base.rect;
        ((r.y / 80.0).floor() as i64, r.x as i64, e.base.id.as_str())
    }
    let by_reading = |a: &Element, b: &Element| key(a).cmp(&key(b));
    let mut frames: Vec<Element> = all.iter().filter(|e| e.is_frame()).cloned().collect();
    frames.sort_by(by_reading);
    let frame_ids: std::collections::HashSet<&str> =
        frames.iter().map(|f| f.base.id.as_str()).collect();
    let mut out: Vec<(Option<Element>, Vec<Element>)> = frames
        .iter()
        .map(|f| {
            let mut kids: Vec<Element> = all
                .iter()
                .filter(|e| e.base.parent == f.base.id && !e.is_connector())
                .cloned()
                .collect();
            kids.sort_by(by_reading);
            (Some(f.clone()), kids)
        })
        .collect();
    let mut loose: Vec<Element> = all
        .iter()
        .filter(|e| !e.is_frame() && !frame_ids.contains(e.base.parent.as_str()))
        .cloned()
        .collect();
    loose.sort_by(by_reading);
    if !loose.is_empty() {
        out.push((None, loose));
    }
    out
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
    fn a_pen_stroke_is_placed_in_its_rect_and_stretches_with_it() {
        let stroke = |rect| {
            Element::new(
                "p",
                rect,
                Props::Pen(PenProps {
                    points: vec![Point::new(5.0, 5.0), Point::new(15.0, 25.0)],
                    stroke: String::new(),
                }),
            )
        };
        let drawn = stroke(Rect::new(100.0, 200.0, 10.0, 20.0));
        assert_eq!(
            drawn.pen_on_board(),
            vec![Point::new(100.0, 200.0), Point::new(110.0, 220.0)]
        );
        let resized = stroke(Rect::new(100.0, 200.0, 40.0, 20.0));
        assert_eq!(resized.pen_on_board()[1], Point::new(140.0, 220.0));
    }

    #[test]
    fn hits_follow_what_is_drawn_not_the_box() {
        let rect = Rect::new(0.0, 0.0, 100.0, 100.0);
        let note = Element::sticky("n", rect, "#ffe066", "");
        assert!(note.hit(Point::new(2.0, 2.0), 0.0, None));
        assert!(!note.hit(Point::new(-3.0, 50.0), 2.0, None));
        assert!(note.hit(Point::new(-3.0, 50.0), 4.0, None));

        let ellipse = Element::new(
            "e",
            rect,
            Props::Shape(ShapeProps {
                outline: Outline::Ellipse,
                ..Default::default()
            }),
        );
        assert!(ellipse.hit(Point::new(50.0, 50.0), 0.0, None));
        assert!(
            !ellipse.hit(Point::new(3.0, 3.0), 1.0, None),
            "outside the ellipse, inside its box"
        );

        let pen = Element::new(
            "p",
            rect,
            Props::Pen(PenProps {
                points: vec![Point::new(0.0, 0.0), Point::new(100.0, 100.0)],
                stroke: String::new(),
            }),
        );
        assert!(pen.hit(Point::new(52.0, 50.0), 3.0, None), "near the line");
        assert!(
            !pen.hit(Point::new(90.0, 10.0), 3.0, None),
            "inside its box, far from the line"
        );

        let connector = Element::new("c", rect, Props::Connector(ConnectorProps::default()));
        let route = Route::straight(Point::new(0.0, 50.0), Point::new(100.0, 50.0));
        assert!(connector.hit(Point::new(40.0, 53.0), 4.0, Some(&route)));
        assert!(!connector.hit(Point::new(40.0, 60.0), 4.0, Some(&route)));
        assert!(
            !connector.hit(Point::new(40.0, 50.0), 4.0, None),
            "no route, nothing to hit"
        );
    }

    /// One element of every kind with every field set to something other than
    /// its default.
    fn one_of_each() -> Vec<Element> {
        let rect = Rect::new(10.0, 20.0, 100.0, 50.0);
        let props = [
            Props::Sticky(StickyProps {
                text: "Note".into(),
                color: "#ffe066".into(),
            }),
            Props::Text(TextProps {
                text: "Words".into(),
                stroke: "#e03131".into(),
                size: 36.0,
            }),
            Props::Shape(ShapeProps {
                outline: Outline::Diamond,
                text: "Decide".into(),
                fill: "#a5d8ff".into(),
                stroke: "#1971c2".into(),
            }),
            Props::Connector(ConnectorProps {
                from: "a".into(),
                to: "b".into(),
                points: vec![Point::new(1.0, 2.0), Point::new(3.0, 4.0)],
                text: "then".into(),
                stroke: "#2f9e44".into(),
                route: Routing::Elbow,
            }),
            Props::Pen(PenProps {
                points: vec![Point::new(0.0, 0.0), Point::new(10.0, 5.0)],
                stroke: "#7048e8".into(),
            }),
            Props::Frame(FrameProps {
                title: "Ideas".into(),
                hint: "Which ideas do we have?".into(),
            }),
            Props::Image(ImageProps {
                hash: "b3-1234".into(),
                alt: "A cat".into(),
                crop: vec![0.1, 0.0, 0.9, 0.75],
            }),
        ];
        props
            .into_iter()
            .map(|props| {
                let mut e =
                    Element::new(props.kind().map_or("?", ElementKind::as_str), rect, props);
                e.base.rotation = 15.0;
                e.base.z = "V".into();
                e.base.parent = "f".into();
                e.base.group = "g1".into();
                e.base.locked = true;
                e.base.author = "Ada".into();
                e.base.created_ms = 1_700_000_000_123;
                e.base.updated_ms = Some(1_700_000_000_456);
                e
            })
            .collect()
    }

    fn written(elements: &[Element]) -> (Doc, MapRef) {
        let doc = Doc::new();
        let map = schema::elements(&doc);
        let mut txn = doc.transact_mut();
        for e in elements {
            e.insert(&mut txn, &map);
        }
        drop(txn);
        (doc, map)
    }

    #[test]
    fn every_kind_reads_back_as_written() {
        let all = one_of_each();
        assert_eq!(all.len(), ElementKind::ALL.len());
        let (doc, map) = written(&all);
        let txn = doc.transact();
        for e in &all {
            assert_eq!(Element::read(&txn, &map, &e.base.id).as_ref(), Some(e));
        }
        let shape = Element::read(&txn, &map, "shape").expect("shape");
        assert_eq!(shape.label(), "Diamond: Decide");
        assert_eq!(shape.outline(), Outline::Diamond);
    }

    #[test]
    fn serde_names_are_the_document_names() {
        let all = one_of_each();
        let (doc, map) = written(&all);
        let txn = doc.transact();
        for e in &all {
            let Ok(serde_json::Value::Object(json)) = serde_json::to_value(e) else {
                panic!("{e:?} is not an object");
            };
            let mut json_keys: Vec<&str> = json.keys().map(String::as_str).collect();
            json_keys.retain(|k| *k != "id");
            json_keys.sort_unstable();
            let Some(Out::YMap(m)) = map.get(&txn, &e.base.id) else {
                panic!("{} not written", e.base.id);
            };
            let mut doc_keys: Vec<&str> = m.keys(&txn).collect();
            doc_keys.sort_unstable();
            assert_eq!(json_keys, doc_keys, "{:?}", e.kind());
            // And the clipboard form reads back as the same value.
            let back: Element = serde_json::from_value(serde_json::Value::Object(json))
                .unwrap_or_else(|err| panic!("{e:?}: {err}"));
            assert_eq!(&back, e);
        }
    }

    #[test]
    fn props_are_tagged_with_the_kind_names() {
        for kind in ElementKind::ALL {
            let props = Props::new(kind);
            assert_eq!(props.kind(), Some(kind));
            let json =
                serde_json::to_value(Element::new("a", Rect::default(), props)).unwrap_or_default();
            assert_eq!(json["kind"], kind.as_str());
        }
        let future: Element =
            serde_json::from_str(r#"{"id":"h","kind":"hologram","x":1,"y":2,"w":3,"h":4}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(future.props, Props::Unknown);
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
        let old = all.iter().find(|e| e.base.id == "old").expect("old");
        assert_eq!(old.base.rect, Rect::new(0.0, 0.0, STICKY_SIZE, STICKY_SIZE));
        assert_eq!(old.label(), "Sticky note (empty)");
        let future = all.iter().find(|e| e.base.id == "future").expect("future");
        assert_eq!(future.kind(), None);
        assert_eq!(future.base.rect.x, 0.0);
    }

    fn at(id: &str, kind: ElementKind, x: f64, y: f64, parent: &str) -> Element {
        let mut e = Element::new(id, Rect::new(x, y, 100.0, 100.0), Props::new(kind));
        e.base.parent = parent.into();
        e
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
            .map(|(f, kids)| {
                (
                    f.map(|f| f.base.id),
                    kids.into_iter().map(|k| k.base.id).collect(),
                )
            })
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
        let mut frame = at("f", ElementKind::Frame, 0.0, 0.0, "");
        frame.base.z = "z".into();
        let mut note = at("n", ElementKind::Sticky, 0.0, 0.0, "");
        note.base.z = "a".into();
        let (doc, map) = written(&[frame, note]);
        let t = text_ref(&doc.transact(), &map, "n").expect("sticky has text");
        t.insert(&mut doc.transact_mut(), 0, "hi");
        let txn = doc.transact();
        let all = read_all(&txn, &map);
        assert_eq!(
            all.iter().map(|e| e.base.id.as_str()).collect::<Vec<_>>(),
            ["f", "n"]
        );
        assert_eq!(all[1].text(), "hi");
    }
}
