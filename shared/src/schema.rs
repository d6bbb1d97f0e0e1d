//! The names of the board's element model inside the content document.
//!
//! `elements` is a root map from element id to a map of fields. Every element has
//! the base fields plus those of its kind; which fields those are, and how they
//! are read and written, is [`crate::element`]'s one model. New fields are
//! optional with defaults so old boards keep opening; [`SCHEMA_VERSION`] lives in
//! the root map `meta` under [`META_SCHEMA_VERSION`].

use yrs::{Any, Map, MapRef, Out, ReadTxn, Text, TextRef, TransactionMut};

/// Version of this element model, stored in the document.
pub const SCHEMA_VERSION: i64 = 1;

/// Root map: element id → element fields.
pub const ROOT_ELEMENTS: &str = "elements";
/// Root map: document-level facts (schema version).
pub const ROOT_META: &str = "meta";
/// Key in [`ROOT_META`] holding [`SCHEMA_VERSION`].
pub const META_SCHEMA_VERSION: &str = "schemaVersion";

/// Field: the element kind, one of [`ElementKind::as_str`].
pub const F_KIND: &str = "kind";
/// Field: left edge in board coordinates.
pub const F_X: &str = "x";
/// Field: top edge in board coordinates.
pub const F_Y: &str = "y";
/// Field: width.
pub const F_W: &str = "w";
/// Field: height.
pub const F_H: &str = "h";
/// Field: rotation in degrees, clockwise.
pub const F_ROTATION: &str = "rotation";
/// Field: stacking order, a fractional index string (compare as strings).
pub const F_Z: &str = "z";
/// Field: id of the containing frame, absent or empty for none.
pub const F_PARENT: &str = "parent";
/// Field: locked elements can be selected, but not moved, resized, edited or
/// deleted until a facilitator unlocks them.
pub const F_LOCKED: &str = "locked";
/// Field: display name of whoever created the element.
pub const F_AUTHOR: &str = "author";
/// Field: creation time, milliseconds since the epoch.
pub const F_CREATED: &str = "created";
/// Field: time of the last change, milliseconds since the epoch; optional, and
/// not yet stamped by any edit.
pub const F_UPDATED: &str = "updated";
/// Field (sticky, text, shape, connector label): the text, a `Y.Text`.
pub const F_TEXT: &str = "text";
/// Field (sticky): background colour as `#rrggbb`.
pub const F_COLOR: &str = "color";
/// Field (frame): its title.
pub const F_TITLE: &str = "title";
/// Field (shape): its outline, one of [`SHAPE_RECT`], [`SHAPE_ELLIPSE`], [`SHAPE_DIAMOND`].
pub const F_SHAPE: &str = "shape";
/// Field (shape): fill colour as `#rrggbb`, or `transparent`.
pub const F_FILL: &str = "fill";
/// Field (shape, connector, pen, text): line or text colour as `#rrggbb`.
pub const F_STROKE: &str = "stroke";
/// Field (connector): id of the element the connector starts at; empty for a free end.
pub const F_FROM: &str = "from";
/// Field (connector): id of the element the connector ends at; empty for a free end.
pub const F_TO: &str = "to";
/// Field: a flat list of numbers `[x0, y0, x1, y1, …]`. Pen: the stroke, relative
/// to the element's top-left corner when it was drawn (scaled to `w`×`h`).
/// Connector: the two free end points in board coordinates, used for an end whose
/// element is absent.
pub const F_POINTS: &str = "points";
/// Field (image): content hash of the image stored on the server.
pub const F_HASH: &str = "hash";
/// Field (image): text alternative.
pub const F_ALT: &str = "alt";
/// Field (image): the part shown, `[left, top, right, bottom]` as fractions of
/// the picture; absent shows all of it.
pub const F_CROP: &str = "crop";
/// Field (connector): how it runs, a [`crate::geometry::Routing`] name
/// (`straight`, `elbow`, `curved`); absent runs straight.
pub const F_ROUTE: &str = "route";
/// Field: the id of the group the element belongs to (selected and moved
/// together); absent or empty for none.
pub const F_GROUP: &str = "group";
/// Field (text): the font size in board units; absent or 0 for text written
/// before sizes, which shrinks to fit its box.
pub const F_SIZE: &str = "size";
/// Field (frame): its guiding questions, shown quietly inside it.
pub const F_HINT: &str = "hint";

/// [`F_SHAPE`] value: rectangle.
pub const SHAPE_RECT: &str = "rect";
/// [`F_SHAPE`] value: ellipse.
pub const SHAPE_ELLIPSE: &str = "ellipse";
/// [`F_SHAPE`] value: diamond.
pub const SHAPE_DIAMOND: &str = "diamond";

/// Sticky note colours offered by the client, as (name, `#rrggbb`).
pub const STICKY_COLORS: [(&str, &str); 7] = [
    ("yellow", "#ffe066"),
    ("orange", "#ffc078"),
    ("pink", "#faa2c1"),
    ("green", "#b2f2bb"),
    ("blue", "#a5d8ff"),
    ("purple", "#d0bfff"),
    ("grey", "#dee2e6"),
];

/// Line and fill colours offered for shapes, pens, connectors and text.
pub const INK_COLORS: [(&str, &str); 8] = [
    ("black", "#1f2328"),
    ("grey", "#868e96"),
    ("red", "#e03131"),
    ("orange", "#f08c00"),
    ("green", "#2f9e44"),
    ("blue", "#1971c2"),
    ("violet", "#7048e8"),
    ("white", "#ffffff"),
];

/// What an element is (in JSON by its [`ElementKind::as_str`] name).
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ElementKind {
    /// A sticky note with text and a colour.
    Sticky,
    /// Free text.
    Text,
    /// Rectangle, ellipse or diamond.
    Shape,
    /// A line between elements or points.
    Connector,
    /// A freehand stroke.
    Pen,
    /// A titled area; moving it moves its children.
    Frame,
    /// An image stored on the server, referenced by hash.
    Image,
}

impl std::str::FromStr for ElementKind {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        ElementKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(())
    }
}

impl ElementKind {
    /// Every kind.
    pub const ALL: [ElementKind; 7] = [
        ElementKind::Sticky,
        ElementKind::Text,
        ElementKind::Shape,
        ElementKind::Connector,
        ElementKind::Pen,
        ElementKind::Frame,
        ElementKind::Image,
    ];

    /// The kind's name in the document.
    pub fn as_str(self) -> &'static str {
        match self {
            ElementKind::Sticky => "sticky",
            ElementKind::Text => "text",
            ElementKind::Shape => "shape",
            ElementKind::Connector => "connector",
            ElementKind::Pen => "pen",
            ElementKind::Frame => "frame",
            ElementKind::Image => "image",
        }
    }
}

/// The `elements` root map of a content document.
pub fn elements(doc: &yrs::Doc) -> MapRef {
    doc.get_or_insert_map(ROOT_ELEMENTS)
}

/// Records the schema version in a new document. Root types must be obtained
/// before a transaction opens (yrs would wait for it), hence `meta` is passed in.
pub fn stamp_schema_version(txn: &mut TransactionMut, meta: &MapRef) {
    meta.insert(txn, META_SCHEMA_VERSION, Any::from(SCHEMA_VERSION as f64));
}

/// Appends to a sticky's text (used by the load generator and tests).
pub fn append_text(txn: &mut TransactionMut, text: &TextRef, s: &str) {
    let len = text.len(txn);
    text.insert(txn, len, s);
}

/// Reads a numeric field, whichever way a client encoded the number.
pub fn get_f64<T: ReadTxn>(txn: &T, element: &MapRef, field: &str) -> Option<f64> {
    match element.get(txn, field)? {
        Out::Any(Any::Number(n)) => n.as_f64(),
        _ => None,
    }
}

/// Reads a string field.
pub fn get_str<T: ReadTxn>(txn: &T, element: &MapRef, field: &str) -> Option<String> {
    match element.get(txn, field)? {
        Out::Any(Any::String(s)) => Some(s.to_string()),
        _ => None,
    }
}
