//! A room while its document loads. Integrating a big board in yrs takes a while
//! (BENCHMARKS.md); meanwhile sockets join, and a client that holds nothing is
//! answered at once with the stored bytes (the fast step 2). Everything else is
//! kept in order and handled once the document is loaded. Sans-IO: the room task
//! feeds events in and sends what comes out.

use crate::room::{self, ConnId, Member};
use crate::storage::StoredDoc;
use bytes::Bytes;

/// What happened while the document loaded, in order.
pub enum Early<L, C> {
    /// A socket joined (its join was already accepted).
    Admit {
        /// The socket.
        conn: ConnId,
        /// Its role and participant.
        member: Member,
        /// The edge's link to it.
        link: L,
    },
    /// A command to handle once loaded.
    Later(C),
}

/// The loading phase of one room: `L` is the edge's link to a socket, `C` a command
/// that waits for the loaded document.
pub struct Loading<L, C> {
    fast_step2: Option<Bytes>,
    early: Vec<Early<L, C>>,
}

impl<L, C> Loading<L, C> {
    /// Starts loading `stored`. The fast step 2 exists only when the store holds the
    /// document as one snapshot (the log was folded when the room last unloaded):
    /// while the document loads nothing exists that is not in the store, so the
    /// snapshot is the whole document. With a log to replay, clients wait.
    pub fn new(stored: &StoredDoc) -> Self {
        Self {
            fast_step2: stored
                .log
                .is_empty()
                .then(|| room::step2_of_snapshot(stored.snapshot.as_deref())),
            early: Vec::new(),
        }
    }

    /// A socket joined.
    pub fn admit(&mut self, conn: ConnId, member: impl Into<Member>, link: L) {
        self.early.push(Early::Admit {
            conn,
            member: member.into(),
            link,
        });
    }

    /// A frame from `conn`: a fresh client's step 1 is answered now, and the link
    /// and answer are returned to send; anything else becomes `later(bytes)`.
    pub fn frame(
        &mut self,
        conn: ConnId,
        bytes: Bytes,
        later: impl FnOnce(Bytes) -> C,
    ) -> Option<(&L, Bytes)> {
        let answer = match &self.fast_step2 {
            Some(step2) if room::is_fresh_step1(&bytes) => step2.clone(),
            _ => {
                self.early.push(Early::Later(later(bytes)));
                return None;
            }
        };
        let joined = self
            .early
            .iter()
            .position(|e| matches!(e, Early::Admit { conn: c, .. } if *c == conn));
        match joined {
            Some(at) => match &self.early[at] {
                Early::Admit { link, .. } => Some((link, answer)),
                Early::Later(_) => None,
            },
            None => {
                self.early.push(Early::Later(later(bytes)));
                None
            }
        }
    }

    /// A command that waits for the loaded document.
    pub fn defer(&mut self, cmd: C) {
        self.early.push(Early::Later(cmd));
    }

    /// Loaded (or failed): everything that happened meanwhile, in order.
    pub fn finish(self) -> Vec<Early<L, C>> {
        self.early
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tafel_shared::protocol::{Message, SyncMessage};
    use tafel_shared::roles::Role;
    use yrs::updates::encoder::Encode;
    use yrs::StateVector;

    #[derive(Debug, PartialEq)]
    enum Cmd {
        Frame(ConnId, Bytes),
        Leave(ConnId),
    }

    fn step1(sv: StateVector) -> Bytes {
        Bytes::from(Message::Sync(SyncMessage::Step1(sv.encode_v1())).encode())
    }

    fn stored(snapshot: Option<&[u8]>, log: Vec<(u64, Vec<u8>)>) -> StoredDoc {
        StoredDoc {
            snapshot: snapshot.map(<[u8]>::to_vec),
            log,
            workshop: None,
            activity: None,
            folded_upto: 0,
        }
    }

    #[test]
    fn a_fresh_client_gets_the_stored_snapshot_at_once() {
        let snapshot = {
            let doc = yrs::Doc::new();
            let map = doc.get_or_insert_map("m");
            let mut txn = yrs::Transact::transact_mut(&doc);
            yrs::Map::insert(&map, &mut txn, "k", "v");
            txn.encode_update_v1()
        };
        let mut loading: Loading<&str, Cmd> = Loading::new(&stored(Some(&snapshot), vec![]));
        loading.admit(1, Role::Viewer, "one");
        let (link, answer) = loading
            .frame(1, step1(StateVector::default()), |b| Cmd::Frame(1, b))
            .expect("answered while loading");
        assert_eq!(*link, "one");
        assert_eq!(
            Message::decode(&answer).unwrap(),
            Message::Sync(SyncMessage::Step2(snapshot))
        );
        assert!(loading.finish().len() == 1, "only the join waits");
    }

    #[test]
    fn clients_holding_state_and_logs_to_replay_wait_for_the_load_in_order() {
        let mut holding = StateVector::default();
        holding.set_max(yrs::ClientID::new(7), 3);
        let mut loading: Loading<&str, Cmd> = Loading::new(&stored(None, vec![]));
        loading.admit(1, Role::Editor, "one");
        assert!(loading
            .frame(1, step1(holding.clone()), |b| Cmd::Frame(1, b))
            .is_none());
        loading.defer(Cmd::Leave(1));
        let order: Vec<String> = loading
            .finish()
            .into_iter()
            .map(|e| match e {
                Early::Admit { conn, .. } => format!("admit {conn}"),
                Early::Later(Cmd::Frame(c, _)) => format!("frame {c}"),
                Early::Later(Cmd::Leave(c)) => format!("leave {c}"),
            })
            .collect();
        assert_eq!(order, ["admit 1", "frame 1", "leave 1"]);

        // With a log to replay, the stored snapshot is not the whole document.
        let mut loading: Loading<&str, Cmd> = Loading::new(&stored(None, vec![(1, vec![0])]));
        loading.admit(2, Role::Editor, "two");
        assert!(loading
            .frame(2, step1(StateVector::default()), |b| Cmd::Frame(2, b))
            .is_none());
    }
}
