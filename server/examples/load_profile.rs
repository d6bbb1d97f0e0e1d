//! Where the time of a cold board load and of a compaction goes: decoding,
//! integrating and re-encoding a content document of N sticky notes in yrs,
//! merging a log into its snapshot without a document, and writing the
//! snapshot to sled with a flush. Run with
//! `cargo run --release -p tafel-server --example load_profile [-- N]`
//! (10,000 notes by default); figures in BENCHMARKS.md.

use std::time::Instant;
use tafel_shared::element::Element;
use tafel_shared::geometry::Rect;
use tafel_shared::schema;
use yrs::updates::decoder::Decode;
use yrs::{Doc, ReadTxn, StateVector, Transact, Update};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let notes: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(10_000);
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
    // A log of 500 small edits, as the room keeps between compactions.
    let edits: Vec<Vec<u8>> = (0..500)
        .map(|i| {
            let before = doc.transact().state_vector();
            let mut txn = doc.transact_mut();
            let mut note = Element::sticky(
                format!("e{i}"),
                Rect::new(3.0, 4.0, 160.0, 160.0),
                "#ffe066",
                "later",
            );
            note.base.z = format!("z{i:06}");
            note.insert(&mut txn, &map);
            drop(txn);
            doc.transact().encode_state_as_update_v1(&before)
        })
        .collect();
    for round in 1..=3 {
        let t = Instant::now();
        let merged = yrs::merge_updates_v1(std::iter::once(snapshot.clone()).chain(edits.clone()))?;
        let merge = t.elapsed();
        let t = Instant::now();
        let full = doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        let encode = t.elapsed();
        println!(
            "round {round}: compaction by merging snapshot and 500 log entries {merge:.1?} ({} bytes), by encoding the live document {encode:.1?} ({} bytes)",
            merged.len(),
            full.len()
        );
    }
    let dir = tempfile::tempdir()?;
    let db = sled::open(dir.path())?;
    for round in 1..=3 {
        let t = Instant::now();
        db.insert(format!("snap{round}"), snapshot.as_slice())?;
        let insert = t.elapsed();
        let t = Instant::now();
        db.flush()?;
        let flush = t.elapsed();
        println!("round {round}: sled insert of the snapshot {insert:.1?}, flush {flush:.1?}");
    }
    Ok(())
}
