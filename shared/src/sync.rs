//! The client side of document sync, sans-IO: what a replica sends on connect, how
//! it answers what the server sends, and how a local edit becomes a message. The
//! browser client and the test clients both drive it; each only moves the bytes.

use crate::protocol::{AwarenessEntry, Message, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{Doc, ReadTxn, StateVector, Transact, Update};

/// What one received message meant for the replica.
#[derive(Debug, Default, PartialEq)]
pub struct Received {
    /// Messages to send back (the answer to the server's step 1).
    pub replies: Vec<Message>,
    /// The server's step 2 arrived: the replica now holds the whole document.
    pub synced: bool,
    /// The document changed.
    pub changed: bool,
    /// Presence entries that arrived.
    pub awareness: Vec<AwarenessEntry>,
    /// The server refused a write, with its reason.
    pub denied: Option<String>,
    /// The server's answer to one of this client's actions.
    pub action_result: Option<crate::action::ActionResult>,
    /// What the server shows of the workshop state.
    pub workshop: Option<crate::workshop::WorkshopView>,
}

/// Why a message from the server could not be applied.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SyncError {
    /// A state vector or update did not decode.
    #[error("the server sent data that does not decode")]
    Undecodable,
    /// yrs refused the update.
    #[error("the server sent an update that does not apply")]
    Unappliable,
}

/// One replica's sync state.
pub struct ClientSync {
    doc: Doc,
    synced: bool,
    /// Live updates that arrived before the server's step 2 on this connection.
    early: Vec<Vec<u8>>,
}

impl ClientSync {
    /// Wraps a replica (fresh, or one with edits made offline).
    pub fn new(doc: Doc) -> Self {
        Self {
            doc,
            synced: false,
            early: Vec::new(),
        }
    }

    /// The replica.
    pub fn doc(&self) -> &Doc {
        &self.doc
    }

    /// Whether the server's step 2 has arrived since the last [`ClientSync::start`].
    pub fn is_synced(&self) -> bool {
        self.synced
    }

    /// The first message on a new connection: "here is what I have". The server's
    /// answer brings what the replica lacks; its own step 1 asks for what the
    /// server lacks, so edits made offline are sent too.
    pub fn start(&mut self) -> Message {
        self.synced = false;
        self.early.clear();
        let sv = self.doc.transact().state_vector().encode_v1();
        Message::Sync(SyncMessage::Step1(sv))
    }

    /// Handles one message from the server.
    pub fn receive(&mut self, msg: &Message) -> Result<Received, SyncError> {
        let mut out = Received::default();
        match msg {
            Message::Sync(SyncMessage::Step1(sv)) => {
                let sv = StateVector::decode_v1(sv).map_err(|_| SyncError::Undecodable)?;
                let diff = self.doc.transact().encode_diff_v1(&sv);
                out.replies.push(Message::Sync(SyncMessage::Step2(diff)));
            }
            Message::Sync(SyncMessage::Update(u)) if !self.synced => {
                // A live update may overtake the step 2 that holds what it builds
                // on; applied now it would sit in the replica with a gap (which yrs
                // handles badly when the step 2 then fills it). Keep it for after.
                Update::decode_v1(u).map_err(|_| SyncError::Undecodable)?;
                self.early.push(u.clone());
            }
            Message::Sync(SyncMessage::Step2(u) | SyncMessage::Update(u)) => {
                let is_step2 = matches!(msg, Message::Sync(SyncMessage::Step2(_)));
                let mut pending = vec![u.clone()];
                if is_step2 {
                    pending.append(&mut self.early);
                }
                for bytes in pending {
                    let update = Update::decode_v1(&bytes).map_err(|_| SyncError::Undecodable)?;
                    out.changed |= !update.is_empty();
                    self.doc
                        .transact_mut()
                        .apply_update(update)
                        .map_err(|_| SyncError::Unappliable)?;
                }
                if is_step2 {
                    self.synced = true;
                    out.synced = true;
                }
            }
            Message::Awareness(a) => out.awareness = a.entries.clone(),
            Message::PermissionDenied(reason) => out.denied = Some(reason.clone()),
            Message::ActionResult(result) => out.action_result = Some(result.clone()),
            Message::Workshop(view) => out.workshop = Some(view.clone()),
            // Servers do not send these to clients; nothing to do.
            Message::QueryAwareness | Message::Action(_) => {}
        }
        Ok(out)
    }

    /// The message carrying a local edit (an update a local transaction produced).
    pub fn local_update(update: Vec<u8>) -> Message {
        Message::Sync(SyncMessage::Update(update))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{GetString, Text};

    fn text_doc(client: u64, s: &str) -> Doc {
        let doc = Doc::with_client_id(client);
        let t = doc.get_or_insert_text("t");
        t.insert(&mut doc.transact_mut(), 0, s);
        doc
    }

    fn text(doc: &Doc) -> String {
        let t = doc.get_or_insert_text("t");
        t.get_string(&doc.transact())
    }

    /// Two replicas syncing through each other exactly as client and server do.
    #[test]
    fn handshake_exchanges_what_each_side_lacks() {
        let mut client = ClientSync::new(text_doc(1, "offline "));
        let server = text_doc(2, "stored");
        let mut server_side = ClientSync::new(server);
        // Client says what it has; the server answers with step 2 and its own step 1.
        let hello = client.start();
        let answer = server_side.receive(&hello).expect("server answers");
        let server_hello = server_side.start();
        for msg in answer.replies.iter().chain([&server_hello]) {
            // A step 1 from the server is answered; a step 2 is applied.
            let got = client.receive(msg).expect("client applies");
            for reply in got.replies {
                server_side.receive(&reply).expect("server applies");
            }
        }
        assert!(
            client.is_synced(),
            "the answer to the client's step 1 is a step 2"
        );
        assert_eq!(text(client.doc()), text(server_side.doc()));
        assert!(text(client.doc()).contains("offline") && text(client.doc()).contains("stored"));
    }

    #[test]
    fn step2_marks_synced_and_reports_changes() {
        let mut c = ClientSync::new(Doc::new());
        c.start();
        let update = text_doc(3, "hi")
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        let got = c
            .receive(&Message::Sync(SyncMessage::Step2(update)))
            .expect("applies");
        assert!(got.synced && got.changed && c.is_synced());
        assert_eq!(text(c.doc()), "hi");
        let empty = c
            .receive(&Message::Sync(SyncMessage::Update(
                Update::EMPTY_V1.to_vec(),
            )))
            .expect("applies");
        assert!(!empty.changed);
    }

    #[test]
    fn live_updates_that_overtake_step2_wait_for_it() {
        let server = text_doc(7, "base");
        let base = server
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        let before = server.transact().state_vector();
        let t = server.get_or_insert_text("t");
        t.insert(&mut server.transact_mut(), 4, " plus");
        let live = server.transact().encode_diff_v1(&before);
        let mut c = ClientSync::new(Doc::new());
        c.start();
        let early = c
            .receive(&Message::Sync(SyncMessage::Update(live)))
            .expect("kept");
        assert!(!early.changed, "nothing applied before step 2");
        assert_eq!(text(c.doc()), "");
        let got = c
            .receive(&Message::Sync(SyncMessage::Step2(base)))
            .expect("applies");
        assert!(got.synced && got.changed);
        assert_eq!(text(c.doc()), "base plus");
    }

    #[test]
    fn garbage_from_the_server_is_an_error_not_a_panic() {
        let mut c = ClientSync::new(Doc::new());
        assert_eq!(
            c.receive(&Message::Sync(SyncMessage::Update(vec![9, 9, 9]))),
            Err(SyncError::Undecodable)
        );
        assert_eq!(
            c.receive(&Message::Sync(SyncMessage::Step1(vec![5]))),
            Err(SyncError::Undecodable)
        );
        let denied = c
            .receive(&Message::PermissionDenied("viewer".into()))
            .expect("fine");
        assert_eq!(denied.denied.as_deref(), Some("viewer"));
    }
}
