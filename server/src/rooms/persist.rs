//! What a room writes to the store, and when: each accepted update appended to the
//! document's log, the log folded into a snapshot once it grows past a threshold
//! (and whenever the room unloads), and a history snapshot kept at intervals while
//! the document changes.
//!
//! Every write is submitted to the storage writer ([`crate::durability`]) and
//! returns a ticket at once; nothing here blocks on the disk. The room holds the
//! frames that reveal a write until its ticket is durable.

use crate::durability::{Committer, Stakes, Ticket};
use crate::room::RoomCore;
use crate::storage::{DocKey, HistoryLimits, VersionMeta, VERSIONED};
use std::sync::Arc;
use std::time::Duration;
use tafel_shared::roles::DocKind;
use tokio::time::Instant;

/// When to compact and keep history, from the server configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct PersistPolicy {
    /// Fold the log into a snapshot after this many updates…
    pub compact_after_updates: usize,
    /// …or this many bytes.
    pub compact_after_bytes: usize,
    /// Keep a history snapshot after this much time with changes.
    pub history_interval: Duration,
    /// Versions kept per board (and snapshots per other document).
    pub history: HistoryLimits,
}

/// One document's writes.
pub struct Persistence {
    key: DocKey,
    committer: Arc<Committer>,
    policy: PersistPolicy,
    /// Sequence number of the next log entry.
    next_seq: u64,
    /// Ticket of the latest write.
    last_ticket: Ticket,
    /// Changes since the last history snapshot.
    dirty_for_history: bool,
    last_history: Instant,
}

impl Persistence {
    /// Writes for `key`, whose stored log ends before `next_seq`.
    pub fn new(
        key: DocKey,
        committer: Arc<Committer>,
        policy: PersistPolicy,
        next_seq: u64,
        now: Instant,
    ) -> Self {
        Self {
            key,
            committer,
            policy,
            next_seq,
            last_ticket: 0,
            dirty_for_history: false,
            last_history: now,
        }
    }

    /// Ticket of the latest write: frames revealing anything written so far wait
    /// for it.
    pub fn last_ticket(&self) -> Ticket {
        self.last_ticket
    }

    /// Appends an accepted update to the log, and folds the log if it has grown
    /// past the policy's threshold. Returns the ticket to wait for.
    pub fn append<L>(&mut self, core: &mut RoomCore<L>, update: Vec<u8>) -> Ticket {
        let seq = self.next_seq;
        self.next_seq += 1;
        let key = self.key.clone();
        self.last_ticket = self.committer.submit(
            Stakes::Critical,
            Box::new(move |s| s.append_update(&key, seq, &update)),
        );
        self.dirty_for_history = true;
        let (entries, bytes) = core.log_size();
        if entries >= self.policy.compact_after_updates || bytes >= self.policy.compact_after_bytes
        {
            let snapshot = core.snapshot();
            self.fold_log(core, snapshot);
        }
        self.last_ticket
    }

    /// Replaces the stored snapshot and the whole log with `snapshot`, the current
    /// state. Atomic in the store: a crash leaves the old snapshot and log, or the
    /// new snapshot.
    fn fold_log<L>(&mut self, core: &mut RoomCore<L>, snapshot: Vec<u8>) {
        // Every update up to next_seq - 1 is in the snapshot.
        let upto = self.next_seq - 1;
        let key = self.key.clone();
        core.compacted(snapshot.len());
        self.last_ticket = self.committer.submit(
            Stakes::Critical,
            Box::new(move |s| s.compact(&key, &snapshot, upto)),
        );
    }

    /// Replaces the workshop state stored beside the document. Returns the ticket
    /// to wait for.
    pub fn put_workshop(&mut self, state: Vec<u8>) -> Ticket {
        let key = self.key.clone();
        self.last_ticket = self.committer.submit(
            Stakes::Critical,
            Box::new(move |s| s.put_workshop(&key, &state)),
        );
        self.last_ticket
    }

    /// Whether a history snapshot is due at `now`.
    pub fn history_due(&self, now: Instant) -> bool {
        self.dirty_for_history
            && now.saturating_duration_since(self.last_history) >= self.policy.history_interval
    }

    /// Keeps the current state as a history snapshot taken at `at_ms`, if anything
    /// changed since the last one, with the participants who changed it. History
    /// is a convenience: a failure to keep it is logged and counted, and does not
    /// close the room.
    ///
    /// The content and the locked layer are one board version: their states are
    /// kept together, the other document's as stored (the writer applies writes
    /// in order, so that is everything it accepted before this), and a version
    /// shows and restores the canvas as it was.
    pub fn keep_history(
        &mut self,
        state: Vec<u8>,
        now: Instant,
        at_ms: u64,
        active: Vec<String>,
        activity: Option<Vec<u8>>,
    ) {
        if !self.dirty_for_history {
            return;
        }
        let key = self.key.clone();
        if let Some(activity) = activity {
            let key = key.clone();
            self.committer.submit(
                Stakes::BestEffort,
                Box::new(move |s| s.put_activity(&key, &activity)),
            );
        }
        let limits = self.policy.history;
        let job: crate::durability::Job = if VERSIONED.contains(&key.doc) {
            Box::new(move |s| {
                let mut states = vec![(key.doc, state)];
                for doc in VERSIONED.into_iter().filter(|d| *d != key.doc) {
                    let other = DocKey {
                        board: key.board.clone(),
                        doc,
                    };
                    if let Some(other_state) = s.doc_state(&other)? {
                        states.push((doc, other_state));
                    }
                }
                let meta = VersionMeta {
                    active,
                    ..VersionMeta::default()
                };
                s.put_version(&key.board, at_ms, &states, meta, limits)?;
                // The board's last change, kept for retention across restarts.
                s.touch_board(&key.board, at_ms)
            })
        } else {
            debug_assert!(matches!(key.doc, DocKind::Comments | DocKind::Session));
            Box::new(move |s| s.put_history(&key, at_ms, &state, limits.keep))
        };
        self.last_ticket = self.committer.submit(Stakes::BestEffort, job);
        self.dirty_for_history = false;
        self.last_history = now;
    }

    /// Before the room unloads: fold the log into the snapshot, so the next load
    /// decodes one update instead of replaying the log, and keep a history state.
    pub fn checkpoint<L>(&mut self, core: &mut RoomCore<L>, now: Instant, at_ms: u64) {
        let (entries, _) = core.log_size();
        if entries == 0 && !self.dirty_for_history {
            return;
        }
        let state = core.snapshot();
        if entries > 0 {
            self.fold_log(core, state.clone());
        }
        let active = core.take_writers();
        let activity = core.activity().map(crate::activity::Activity::to_json);
        self.keep_history(state, now, at_ms, active, activity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::durability::DurabilityMode;
    use crate::metrics::Metrics;
    use crate::room::RoomLimits;
    use crate::storage::Storage;
    use crate::store::MemoryStore;
    use tafel_shared::ids::BoardId;
    use tafel_shared::protocol::{Message, SyncMessage};
    use tafel_shared::roles::{DocKind, Role};
    use yrs::{Doc, Text, Transact};

    fn setup(policy: PersistPolicy) -> (Storage, Arc<Committer>, Persistence, RoomCore) {
        let storage = Storage::new(Arc::new(MemoryStore::default()));
        let committer = Committer::start(
            storage.clone(),
            DurabilityMode::Strict,
            Duration::from_secs(1),
            Duration::from_secs(3600),
            Arc::new(Metrics::default()),
        );
        let key = DocKey {
            board: BoardId::parse(&"p".repeat(22)).unwrap(),
            doc: DocKind::Content,
        };
        let persist = Persistence::new(key, Arc::clone(&committer), policy, 1, Instant::now());
        let mut core: RoomCore = RoomCore::load(DocKind::Content, None, &[], RoomLimits::default())
            .unwrap()
            .0;
        core.join(1, Role::Editor, ()).unwrap();
        (storage, committer, persist, core)
    }

    fn policy(compact_after_updates: usize) -> PersistPolicy {
        PersistPolicy {
            compact_after_updates,
            compact_after_bytes: usize::MAX,
            history_interval: Duration::from_secs(600),
            history: HistoryLimits {
                keep: 3,
                max_board_bytes: u64::MAX,
                max_total_bytes: u64::MAX,
            },
        }
    }

    /// One edit through the core, as a socket would send it; returns what to store.
    fn edit(core: &mut RoomCore, client: u64, s: &str) -> Vec<u8> {
        let doc = Doc::with_client_id(client);
        let text = doc.get_or_insert_text("t");
        let update = {
            let mut txn = doc.transact_mut();
            text.insert(&mut txn, 0, s);
            txn.encode_update_v1()
        };
        let frame = Message::Sync(SyncMessage::Update(update)).encode();
        core.handle(1, &frame, 0).unwrap().persist.expect("a write")
    }

    fn key_of(p: &Persistence) -> DocKey {
        p.key.clone()
    }

    #[tokio::test]
    async fn updates_append_in_sequence_and_fold_at_the_threshold() {
        let (storage, committer, mut p, mut core) = setup(policy(3));
        let key = key_of(&p);
        for (i, s) in ["a", "b"].iter().enumerate() {
            let u = edit(&mut core, i as u64 + 10, s);
            p.append(&mut core, u);
        }
        assert!(committer.flush_now().await);
        let stored = storage.load_doc(&key).unwrap();
        assert_eq!(
            stored.log.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
            [1, 2]
        );
        assert!(stored.snapshot.is_none());
        let u = edit(&mut core, 12, "c");
        p.append(&mut core, u);
        assert!(committer.flush_now().await);
        let stored = storage.load_doc(&key).unwrap();
        assert!(stored.log.is_empty(), "three updates fold the log");
        assert_eq!(stored.snapshot, Some(core.snapshot()));
        assert_eq!(core.log_size(), (0, 0));
        // Sequence numbers go on after a fold.
        let u = edit(&mut core, 13, "d");
        p.append(&mut core, u);
        assert!(committer.flush_now().await);
        let stored = storage.load_doc(&key).unwrap();
        assert_eq!(stored.log.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [4]);
    }

    #[tokio::test(start_paused = true)]
    async fn history_is_kept_at_intervals_while_changing_and_at_checkpoints() {
        let (storage, committer, mut p, mut core) = setup(policy(1000));
        let key = key_of(&p);
        let start = Instant::now();
        assert!(!p.history_due(start), "nothing changed yet");
        let u = edit(&mut core, 10, "a");
        p.append(&mut core, u);
        assert!(!p.history_due(start));
        tokio::time::advance(Duration::from_secs(599)).await;
        assert!(!p.history_due(Instant::now()));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(p.history_due(Instant::now()));
        p.keep_history(core.snapshot(), Instant::now(), 1_000, Vec::new(), None);
        assert!(!p.history_due(Instant::now()), "kept: clean again");
        tokio::time::advance(Duration::from_secs(3600)).await;
        assert!(!p.history_due(Instant::now()), "no change, no new snapshot");

        let u = edit(&mut core, 11, "b");
        p.append(&mut core, u);
        p.checkpoint(&mut core, Instant::now(), 2_000);
        assert!(committer.flush_now().await);
        assert_eq!(storage.history(&key).unwrap(), [1_000, 2_000]);
        let stored = storage.load_doc(&key).unwrap();
        assert!(stored.log.is_empty(), "the checkpoint folded the log");
        // A clean room's checkpoint writes nothing.
        let before = p.last_ticket();
        p.checkpoint(&mut core, Instant::now(), 3_000);
        assert_eq!(p.last_ticket(), before);
    }
}
