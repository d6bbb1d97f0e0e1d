//! Helpers shared by the black-box tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // shared by test binaries that each use a part

use tafel_shared::geometry::Rect;
use tafel_shared::schema;
use tafel_tests::SyncClient;
use yrs::types::ToJson;
use yrs::{Map, Transact};

/// The elements map as JSON, for comparing replicas.
pub fn elements_json(c: &SyncClient) -> String {
    let elements = schema::elements(&c.doc);
    let txn = c.doc.transact();
    // Through serde_json's sorted maps, so key order cannot differ between replicas.
    serde_json::to_value(elements.to_json(&txn))
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// Number of elements in a replica.
pub fn element_count(c: &SyncClient) -> u32 {
    let elements = schema::elements(&c.doc);
    let txn = c.doc.transact();
    elements.len(&txn)
}

/// Adds a sticky note through the client (one update).
pub async fn add_sticky(c: &mut SyncClient, id: &str, text: &str) {
    let elements = schema::elements(&c.doc);
    let note = tafel_tests::sticky(id, Rect::new(10.0, 20.0, 160.0, 160.0), "m", text, "test");
    c.edit(|txn| {
        note.insert(txn, &elements);
    })
    .await
    .expect("send sticky");
}

/// Whether a replica has an element.
pub fn has(c: &SyncClient, id: &str) -> bool {
    let elements = schema::elements(&c.doc);
    let txn = c.doc.transact();
    elements.contains_key(&txn, id)
}
