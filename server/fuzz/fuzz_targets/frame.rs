//! Any bytes as one WebSocket frame: the decoder never panics, and what it
//! accepts encodes back to a frame that decodes to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tafel_shared::protocol::Message;

fuzz_target!(|data: &[u8]| {
    if let Ok(msg) = Message::decode(data) {
        let again = Message::decode(&msg.encode()).expect("an encoded message decodes");
        assert_eq!(again, msg);
    }
});
