//! Document updates a modified client could send, applied to a room that holds
//! a realistic board (the phase board template): real updates of that board with
//! bytes spliced in, or raw bytes. Whatever comes, the room neither panics nor
//! ends poisoned (a yrs panic would close it with 1011 for everyone).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tafel_server::room::{RoomCore, RoomLimits};
use tafel_shared::i18n::Lang;
use tafel_shared::protocol::{Message, SyncMessage};
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::templates::Template;
use yrs::updates::decoder::Decode;
use yrs::{Doc, Map, ReadTxn, StateVector, Text, Transact, Update};

struct Board {
    snapshot: Vec<u8>,
    seeds: Vec<Vec<u8>>,
}

fn board() -> &'static Board {
    static BOARD: OnceLock<Board> = OnceLock::new();
    BOARD.get_or_init(|| {
        let built = Template::Phases.build(Lang::De, 1_000);
        let snapshot = built
            .content
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        // Edits a participant makes, each as the update a client would send.
        let doc = Doc::with_client_id(77);
        let elements = doc.get_or_insert_map("elements");
        let text = doc.get_or_insert_text("fuzz");
        doc.transact_mut()
            .apply_update(Update::decode_v1(&snapshot).expect("the template decodes"))
            .expect("the template applies");
        let mut seeds = Vec::new();
        let keys: Vec<String> = elements.keys(&doc.transact()).map(str::to_owned).collect();
        {
            let mut txn = doc.transact_mut();
            elements.insert(&mut txn, "fz-note", "Neue Notiz");
            seeds.push(txn.encode_update_v1());
        }
        {
            let mut txn = doc.transact_mut();
            text.insert(&mut txn, 0, "Ziel: schneller liefern");
            seeds.push(txn.encode_update_v1());
        }
        if let Some(first) = keys.first() {
            let mut txn = doc.transact_mut();
            elements.remove(&mut txn, first);
            seeds.push(txn.encode_update_v1());
        }
        {
            let mut txn = doc.transact_mut();
            text.remove_range(&mut txn, 0, 6);
            seeds.push(txn.encode_update_v1());
        }
        seeds.push(
            doc.transact()
                .encode_state_as_update_v1(&StateVector::default()),
        );
        Board { snapshot, seeds }
    })
}

fuzz_target!(|data: &[u8]| {
    let board = board();
    let update = match data {
        [choice, hi, lo, patch @ ..] if choice & 0x80 == 0 => {
            let mut u = board.seeds[usize::from(*choice) % board.seeds.len()].clone();
            let at = (usize::from(*hi) << 8 | usize::from(*lo)) % u.len().max(1);
            for (i, b) in patch.iter().enumerate() {
                match u.get_mut(at + i) {
                    Some(slot) => *slot = *b,
                    None => u.push(*b),
                }
            }
            u
        }
        _ => data.to_vec(),
    };
    let Ok((mut room, _)) = RoomCore::<()>::load(
        DocKind::Content,
        Some(&board.snapshot),
        &[],
        RoomLimits::default(),
    ) else {
        panic!("the board loads");
    };
    if room.join(1, Role::Editor, ()).is_err() {
        return;
    }
    if let Some(path) = std::env::var_os("TAFEL_FUZZ_DUMP") {
        // Replaying an artifact: keep the update it made, for a regression test.
        let _ = std::fs::write(path, &update);
    }
    let frame = Message::Sync(SyncMessage::Update(update)).encode();
    let _ = room.handle(1, &frame, 2_000);
    assert!(!room.is_poisoned(), "an update poisoned the room");
});
