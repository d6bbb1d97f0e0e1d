//! Old boards keep opening. `fixtures/board-v1.bin` is a content document
//! written by the element code as it was before the one element model (commit
//! ef05bd8): a Retrospective template, then one element of every kind through
//! the client's path (`NewElement::insert`), a sticky and a frame through the
//! tests' old path (`schema::insert_sticky`, `schema::insert_frame`), a frame
//! locked afterwards, a kind from the future ("hologram") and a sticky from
//! before most fields existed (only `kind` and `x`). Its bytes must never be
//! regenerated with newer code: it stands for boards already on disk.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use std::collections::BTreeMap;
use tafel_shared::element::{
    read_all, ConnectorProps, Element, FrameProps, PenProps, Props, ShapeProps, StickyProps,
    TextProps, STICKY_SIZE,
};
use tafel_shared::geometry::{Outline, Point, Rect};
use tafel_shared::schema;
use yrs::types::ToJson;
use yrs::updates::decoder::Decode;
use yrs::{Any, Doc, Map, Number, Out, ReadTxn, StateVector, Transact, Update};

const BOARD_V1: &[u8] = include_bytes!("fixtures/board-v1.bin");

/// Creation time of everything the fixture wrote through the client's path.
const CREATED: u64 = 1_700_000_000_123;

fn open() -> Doc {
    load(BOARD_V1)
}

fn load(bytes: &[u8]) -> Doc {
    let doc = Doc::new();
    let update = Update::decode_v1(bytes).expect("update decodes");
    doc.transact_mut()
        .apply_update(update)
        .expect("fixture applies");
    doc
}

fn element(id: &str, rect: Rect, z: &str, props: Props) -> Element {
    let mut e = Element::new(id, rect, props);
    e.base.z = z.into();
    e.base.author = "Ada".into();
    e.base.created_ms = CREATED;
    e
}

fn frame(id: &str, rect: Rect, z: &str, title: &str, locked: bool) -> Element {
    let title = title.into();
    let mut e = Element::new(
        id,
        rect,
        Props::Frame(FrameProps {
            title,
            ..FrameProps::default()
        }),
    );
    e.base.z = z.into();
    e.base.locked = locked;
    e
}

fn shape(id: &str, x: f64, z: &str, outline: Outline) -> Element {
    let props = ShapeProps {
        outline,
        text: format!("Shape {id}"),
        fill: "#a5d8ff".into(),
        stroke: "#1971c2".into(),
    };
    element(id, Rect::new(x, 600.0, 120.0, 80.0), z, Props::Shape(props))
}

/// What every element of the fixture must read as.
fn expected() -> Vec<Element> {
    let template = |i: usize, x: f64, title: &str| {
        let mut f = frame(
            &format!("frame-{i}"),
            Rect::new(x, 0.0, 640.0, 480.0),
            &format!("a{i:03}"),
            title,
            true,
        );
        f.base.created_ms = 1_700_000_000_000;
        f
    };
    let mut sticky_client = element(
        "sticky-client",
        Rect::new(20.0, 40.0, 160.0, 160.0),
        "b01",
        Props::Sticky(StickyProps {
            text: "Ship it".into(),
            color: "#ffc078".into(),
        }),
    );
    sticky_client.base.parent = "frame-0".into();
    let mut sticky_tests = Element::sticky(
        "sticky-tests",
        Rect::new(300.0, 40.0, 160.0, 160.0),
        "#ffe066",
        "From tests",
    );
    sticky_tests.base.z = "b02".into();
    sticky_tests.base.author = "test".into();
    sticky_tests.base.created_ms = 7;
    let mut frame_client = frame(
        "frame-client",
        Rect::new(0.0, 1200.0, 800.0, 600.0),
        "a100",
        "Parking lot",
        true,
    );
    frame_client.base.author = "Ada".into();
    frame_client.base.created_ms = CREATED;
    let mut frame_tests = frame(
        "frame-tests",
        Rect::new(1000.0, 1200.0, 400.0, 300.0),
        "a101",
        "Open frame",
        false,
    );
    frame_tests.base.created_ms = 9;
    let ancient = Element::new(
        "ancient",
        Rect::new(42.0, 0.0, STICKY_SIZE, STICKY_SIZE),
        Props::Sticky(StickyProps::default()),
    );
    let future = Element::new(
        "future",
        Rect::new(5.0, 0.0, STICKY_SIZE, STICKY_SIZE),
        Props::Unknown,
    );
    vec![
        template(0, 0.0, "Went well"),
        template(1, 680.0, "To improve"),
        template(2, 1360.0, "Actions"),
        sticky_client,
        sticky_tests,
        element(
            "text",
            Rect::new(20.0, 600.0, 240.0, 60.0),
            "b03",
            Props::Text(TextProps {
                text: "Free text".into(),
                stroke: "#e03131".into(),
                ..TextProps::default()
            }),
        ),
        shape("rect", 400.0, "b10", Outline::Rect),
        shape("ellipse", 550.0, "b11", Outline::Ellipse),
        shape("diamond", 700.0, "b12", Outline::Diamond),
        element(
            "conn-attached",
            // A zero height reads as 1: sizes are at least one unit.
            Rect::new(100.0, 120.0, 280.0, 1.0),
            "b20",
            Props::Connector(ConnectorProps {
                from: "sticky-client".into(),
                to: "sticky-tests".into(),
                points: vec![Point::new(100.0, 120.0), Point::new(380.0, 120.0)],
                text: String::new(),
                stroke: "#1f2328".into(),
                ..ConnectorProps::default()
            }),
        ),
        element(
            "conn-free",
            Rect::new(500.0, 800.0, 200.0, 100.0),
            "b21",
            Props::Connector(ConnectorProps {
                from: "rect".into(),
                to: String::new(),
                points: vec![Point::new(500.0, 800.0), Point::new(700.0, 900.0)],
                text: "leads to".into(),
                stroke: "#2f9e44".into(),
                ..ConnectorProps::default()
            }),
        ),
        element(
            "pen",
            Rect::new(900.0, 900.0, 50.0, 20.0),
            "b30",
            Props::Pen(PenProps {
                points: vec![
                    Point::new(0.0, 0.0),
                    Point::new(25.0, 20.0),
                    Point::new(50.0, 5.0),
                ],
                stroke: "#7048e8".into(),
            }),
        ),
        frame_client,
        frame_tests,
        ancient,
        future,
    ]
}

#[test]
fn every_element_of_a_v1_board_reads_back() {
    let doc = open();
    let elements = schema::elements(&doc);
    let meta = doc.get_or_insert_map(schema::ROOT_META);
    let txn = doc.transact();
    assert_eq!(
        schema::get_f64(&txn, &meta, schema::META_SCHEMA_VERSION),
        Some(1.0)
    );
    let mut read: BTreeMap<String, Element> = read_all(&txn, &elements)
        .into_iter()
        .map(|e| (e.base.id.clone(), e))
        .collect();
    let expected = expected();
    assert_eq!(read.len(), expected.len());
    for want in &expected {
        let got = read.remove(&want.base.id).expect("present");
        assert_eq!(&got, want);
    }
    let label = |id: &str| {
        expected
            .iter()
            .find(|e| e.base.id == id)
            .map(Element::label)
            .unwrap_or_default()
    };
    assert_eq!(label("frame-client"), "Frame (locked): Parking lot");
    assert_eq!(label("future"), "Element (empty)");
    assert_eq!(label("conn-free"), "Connector: leads to");
}

/// A field's type as stored: what an older client reading a new board sees.
fn stored_type(value: &Out) -> &'static str {
    match value {
        Out::Any(Any::Number(Number::Int(_))) => "integer",
        Out::Any(Any::Number(Number::Float(_))) => "float",
        Out::Any(Any::String(_)) => "string",
        Out::Any(Any::Bool(_)) => "bool",
        Out::Any(Any::Array(_)) => "array",
        Out::YText(_) => "Y.Text",
        _ => "other",
    }
}

fn fields<T: ReadTxn>(txn: &T, elements: &yrs::MapRef, id: &str) -> BTreeMap<String, &'static str> {
    let Some(Out::YMap(m)) = elements.get(txn, id) else {
        panic!("{id} is not a map");
    };
    m.iter(txn)
        .map(|(k, v)| (k.to_owned(), stored_type(&v)))
        .collect()
}

#[test]
fn the_writer_writes_what_v1_wrote() {
    let old = open();
    let old_elements = schema::elements(&old);
    let old_txn = old.transact();
    let written = Doc::new();
    let written_elements = schema::elements(&written);
    let known: Vec<Element> = read_all(&old_txn, &old_elements)
        .into_iter()
        // Hand-written ones were never written by a writer.
        .filter(|e| !["ancient", "future"].contains(&e.base.id.as_str()))
        .collect();
    assert_eq!(known.len(), 14);
    for e in &known {
        // The fixture's zero-height connector reads as 1 high; write what it held.
        let mut e = e.clone();
        if e.base.id == "conn-attached" {
            e.base.rect.h = 0.0;
        }
        e.insert(&mut written.transact_mut(), &written_elements);
    }
    // Through the bytes, as a board is stored and sent.
    let new = load(
        &written
            .transact()
            .encode_state_as_update_v1(&StateVector::default()),
    );
    let new_elements = schema::elements(&new);
    let new_txn = new.transact();
    for e in &known {
        let id = e.base.id.as_str();
        assert_eq!(
            fields(&new_txn, &new_elements, id),
            fields(&old_txn, &old_elements, id),
            "field names and types of {id} ({:?})",
            e.kind()
        );
        let json = |txn: &yrs::Transaction, map: &yrs::MapRef| match map.get(txn, id) {
            Some(Out::YMap(m)) => m.to_json(txn),
            _ => Any::Null,
        };
        assert_eq!(
            json(&new_txn, &new_elements),
            json(&old_txn, &old_elements),
            "values of {id}"
        );
    }
}
