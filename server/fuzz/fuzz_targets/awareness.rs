//! Any bytes as a presence (awareness) payload: the decoder never panics nor
//! reserves memory a forged count asks for, and what it accepts round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tafel_shared::protocol::AwarenessUpdate;

fuzz_target!(|data: &[u8]| {
    if let Ok(update) = AwarenessUpdate::decode(data) {
        let again = AwarenessUpdate::decode(&update.encode()).expect("round trip");
        assert_eq!(again, update);
    }
});
