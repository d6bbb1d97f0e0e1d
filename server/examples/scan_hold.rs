//! How long a fold's read of a big board's log holds the store's read lock,
//! which the storage writer (and with it every room's writes) waits for: one
//! scan of the whole log against the groups of 256 entries that
//! `Storage::load_doc_upto` reads. Numbers go to BENCHMARKS.md.
//!
//! `cargo run --release -p tafel-server --example scan_hold -- [ENTRIES]`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};
use tafel_server::storage::{DocKey, Storage};
use tafel_server::store::{SledStore, Store};
use tafel_shared::ids::BoardId;
use tafel_shared::roles::DocKind;

fn main() {
    let entries: u64 = std::env::args()
        .nth(1)
        .map_or(14_500, |a| a.parse().expect("an entry count"));
    let dir = std::env::temp_dir().join(format!("tafel-scan-hold-{}", std::process::id()));
    let store = Arc::new(SledStore::open(&dir).unwrap());
    let storage = Storage::new(Arc::clone(&store) as Arc<dyn Store>);
    let board = BoardId::parse(&"s".repeat(22)).unwrap();
    let key = DocKey {
        board: board.clone(),
        doc: DocKind::Content,
    };
    // Updates of a typical size for a note being typed into.
    for seq in 1..=entries {
        storage.append_update(&key, seq, &[7u8; 120]).unwrap();
    }
    store.flush().unwrap();
    let log = format!("doc/{board}/{}/log/", DocKind::Content.as_str()).into_bytes();
    for round in 1..=5 {
        let started = Instant::now();
        let whole = store.scan_prefix(&log).unwrap().len();
        let one_scan = started.elapsed();
        let (mut grouped, mut longest) = (0, Duration::ZERO);
        for group in 0..=(entries >> 8) {
            let mut prefix = log.clone();
            prefix.extend_from_slice(&(group << 8).to_be_bytes()[..7]);
            let started = Instant::now();
            grouped += store.scan_prefix(&prefix).unwrap().len();
            longest = longest.max(started.elapsed());
        }
        // The log's key layout is the store's (`doc/{board}/{doc}/log/{seq}`):
        // a scan that found nothing would measure nothing.
        assert_eq!((whole, grouped), (entries as usize, entries as usize));
        println!(
            "round {round}: {whole} entries: one scan holds the lock {:.2} ms; in groups, the longest hold is {:.3} ms",
            one_scan.as_secs_f64() * 1e3,
            longest.as_secs_f64() * 1e3
        );
    }
    drop(storage);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
