//! The block layout of a v1 update, read before yrs integrates it.
//!
//! yrs 0.28 trusts the layout of the updates it applies: when a client id
//! appears in two sections, it splices both into one list of blocks whose
//! clocks go backwards, and panics halfway through integrating it (found by
//! fuzzing, `server/fuzz`, crash 2), which poisons the room. Real encoders
//! write each client once. yrs keeps that layout private, so this module walks the
//! update with yrs's own public decoder, block by block, before yrs sees it.

use std::collections::HashSet;

use yrs::block::{ItemContent, BLOCK_GC_REF_NUMBER, BLOCK_SKIP_REF_NUMBER};
use yrs::block::{HAS_ORIGIN, HAS_PARENT_SUB, HAS_RIGHT_ORIGIN};
use yrs::encoding::read::Read;
use yrs::updates::decoder::{Decoder, DecoderV1};

/// Why an update's layout is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeError {
    /// The bytes do not decode as a v1 update.
    Malformed,
    /// One client id has two sections; yrs would splice them into one list
    /// of blocks that overlap or go backwards.
    RepeatedClient,
    /// A clock wraps past `u32::MAX`.
    ClockOverflow,
}

/// Checks that every client of a v1 update has one section whose clocks do
/// not wrap. The delete set is not read: yrs applies it range by range.
pub fn check_layout(update: &[u8]) -> Result<(), ShapeError> {
    let mut decoder = DecoderV1::from(update);
    let malformed = |_| ShapeError::Malformed;
    let clients: u32 = decoder.read_var().map_err(malformed)?;
    let mut seen = HashSet::new();
    for _ in 0..clients {
        let blocks: u32 = decoder.read_var().map_err(malformed)?;
        let client = decoder.read_client().map_err(malformed)?;
        if !seen.insert(client) {
            return Err(ShapeError::RepeatedClient);
        }
        let mut clock: u32 = decoder.read_var().map_err(malformed)?;
        for _ in 0..blocks {
            let len = block_len(&mut decoder)?;
            clock = clock.checked_add(len).ok_or(ShapeError::ClockOverflow)?;
        }
    }
    Ok(())
}

/// Reads one block the way yrs's decoder does and returns its length.
fn block_len(decoder: &mut DecoderV1) -> Result<u32, ShapeError> {
    let malformed = |_| ShapeError::Malformed;
    let info = decoder.read_info().map_err(malformed)?;
    match info {
        BLOCK_SKIP_REF_NUMBER => decoder.read_var().map_err(malformed),
        BLOCK_GC_REF_NUMBER => decoder.read_len().map_err(malformed),
        info => {
            let parent_inline = info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN) == 0;
            if info & HAS_ORIGIN != 0 {
                decoder.read_left_id().map_err(malformed)?;
            }
            if info & HAS_RIGHT_ORIGIN != 0 {
                decoder.read_right_id().map_err(malformed)?;
            }
            if parent_inline {
                if decoder.read_parent_info().map_err(malformed)? {
                    decoder.read_string().map_err(malformed)?;
                } else {
                    decoder.read_left_id().map_err(malformed)?;
                }
                if info & HAS_PARENT_SUB != 0 {
                    decoder.read_string().map_err(malformed)?;
                }
            }
            let content = ItemContent::decode(decoder, info).map_err(malformed)?;
            Ok(content.len_utf16())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::updates::decoder::Decode;
    use yrs::{Doc, GetString, Map, ReadTxn, StateVector, Text, Transact, Update};

    fn edits_of(client: u64) -> Vec<u8> {
        let doc = Doc::with_client_id(client);
        let text = doc.get_or_insert_text("t");
        let map = doc.get_or_insert_map("m");
        let mut txn = doc.transact_mut();
        text.insert(&mut txn, 0, "Grüße 👋");
        map.insert(&mut txn, "farbe", "gelb");
        txn.encode_state_as_update_v1(&StateVector::default())
    }

    fn edits_and_deletion_of(client: u64) -> Vec<u8> {
        let doc = Doc::with_client_id(client);
        let text = doc.get_or_insert_text("t");
        let mut txn = doc.transact_mut();
        text.insert(&mut txn, 0, "Grüße 👋");
        text.remove_range(&mut txn, 0, 2);
        txn.encode_state_as_update_v1(&StateVector::default())
    }

    #[test]
    fn updates_that_real_clients_write_pass() {
        assert_eq!(check_layout(&edits_of(7)), Ok(()));
        assert_eq!(check_layout(&edits_and_deletion_of(7)), Ok(()));
        // Merged updates of two clients, and an update with a skip (a merge
        // of two edits of one client with a hole between them).
        let merged = yrs::merge_updates_v1([edits_of(7), edits_and_deletion_of(9)]).unwrap();
        assert_eq!(check_layout(&merged), Ok(()));
        let doc = Doc::with_client_id(3);
        let text = doc.get_or_insert_text("t");
        let mut parts = Vec::new();
        for word in ["a", "b", "c"] {
            let before = doc.transact().state_vector();
            let mut txn = doc.transact_mut();
            text.push(&mut txn, word);
            drop(txn);
            parts.push(doc.transact().encode_state_as_update_v1(&before));
        }
        let with_hole = yrs::merge_updates_v1([parts[0].clone(), parts[2].clone()]).unwrap();
        assert_eq!(check_layout(&with_hole), Ok(()));
        let replica = Doc::new();
        let mut txn = replica.transact_mut();
        txn.apply_update(Update::decode_v1(&with_hole).unwrap())
            .unwrap();
        drop(txn);
        let replica_text = replica.get_or_insert_text("t");
        assert_eq!(replica_text.get_string(&replica.transact()), "a");
    }

    #[test]
    fn a_client_with_two_sections_is_refused() {
        // Two updates of client 7, each one section; glue their sections
        // under one header that says "two clients".
        let update = edits_of(7);
        let body_end = update.len() - 1; // the empty delete set is one 0 byte
        assert_eq!(update[0], 1);
        let mut twice = vec![2];
        twice.extend_from_slice(&update[1..body_end]);
        twice.extend_from_slice(&update[1..body_end]);
        twice.push(0);
        assert!(Update::decode_v1(&twice).is_ok(), "yrs takes it");
        assert_eq!(check_layout(&twice), Err(ShapeError::RepeatedClient));
    }

    #[test]
    fn cut_or_wrapping_updates_are_refused() {
        let update = edits_of(7);
        for cut in 1..update.len() - 1 {
            assert_eq!(
                check_layout(&update[..cut]),
                Err(ShapeError::Malformed),
                "cut at {cut}"
            );
        }
        // One client, one GC block of length 10 starting at u32::MAX - 5.
        let mut wrapping = vec![1, 1, 7];
        let mut clock = u32::MAX - 5;
        while clock >= 0x80 {
            wrapping.push((clock as u8 & 0x7f) | 0x80);
            clock >>= 7;
        }
        wrapping.extend_from_slice(&[clock as u8, BLOCK_GC_REF_NUMBER, 10, 0]);
        assert_eq!(check_layout(&wrapping), Err(ShapeError::ClockOverflow));
    }
}
