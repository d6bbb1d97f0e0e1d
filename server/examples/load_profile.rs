//! Where the time of a cold board load goes: decoding, integrating and re-encoding
//! a 10,000-note content document in yrs. Run with
//! `cargo run --release -p tafel-server --example load_profile`; figures in
//! BENCHMARKS.md.

use std::time::Instant;
use tafel_shared::element::Element;
use tafel_shared::geometry::Rect;
use tafel_shared::schema;
use yrs::updates::decoder::Decode;
use yrs::{Doc, ReadTxn, StateVector, Transact, Update};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let notes = 10_000;
    let doc = Doc::new();
    let map = schema::elements(&doc);
    for start in (0..notes).step_by(100) {
        let mut txn = doc.transact_mut();
        for i in start..start + 100 {
            let text = format!("Idea number {i}");
            let at = Rect::new(1.0, 2.0, 160.0, 160.0);
            let mut note = Element::sticky(format!("n{i}"), at, "#ffe066", &text);
            note.base.z = format!("m{i:06}");
            note.base.author = "load".into();
            note.insert(&mut txn, &map);
        }
    }
    let snapshot = doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    println!("{notes} sticky notes: snapshot of {} bytes", snapshot.len());
    for round in 1..=3 {
        let t = Instant::now();
        let update = Update::decode_v1(&snapshot)?;
        let decode = t.elapsed();
        let fresh = Doc::new();
        let t = Instant::now();
        fresh.transact_mut().apply_update(update)?;
        let apply = t.elapsed();
        let t = Instant::now();
        let encoded = fresh
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        let encode = t.elapsed();
        assert_eq!(encoded.len(), snapshot.len());
        println!(
            "round {round}: decode {decode:.1?}, apply {apply:.1?}, encode step 2 {encode:.1?}"
        );
    }
    Ok(())
}
