//! Any text as the JSON of a facilitator's or editor's action (timer, votes,
//! private notes, locks, comments): the frame decoder and the room that applies
//! the action never panic, whoever sends it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tafel_server::room::{RoomCore, RoomLimits};
use tafel_shared::protocol::{Message, MSG_ACTION};
use tafel_shared::roles::{DocKind, Role};

fn var_uint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fuzz_target!(|data: &[u8]| {
    let Some((&who, json)) = data.split_first() else {
        return;
    };
    let mut frame = Vec::new();
    var_uint(&mut frame, MSG_ACTION);
    var_uint(&mut frame, json.len() as u64);
    frame.extend_from_slice(json);
    let Ok(msg) = Message::decode(&frame) else {
        return;
    };
    assert_eq!(Message::decode(&msg.encode()).ok(), Some(msg));
    let Ok((mut room, _)) = RoomCore::<()>::load(DocKind::Content, None, &[], RoomLimits::default())
    else {
        return;
    };
    let role = [Role::Viewer, Role::Editor, Role::Facilitator][usize::from(who) % 3];
    if room.join(1, role, ()).is_err() {
        return;
    }
    let _ = room.handle(1, &frame, 1_000);
    assert!(!room.is_poisoned());
});
