//! What a room writes to the store, and when: each accepted update appended to the
//! document's log, the log folded into a snapshot once it grows past a threshold
//! (and whenever the room unloads), and a history snapshot kept at intervals while
//! the document changes.
//!
//! Every write is submitted to the storage writer ([`crate::durability`]) and
//! returns a ticket at once; nothing here blocks on the disk. The room holds the
//! frames that reveal a write until its ticket is durable.
//!
//! Folding a large document costs hundreds of milliseconds, so while a room
//! runs, neither it nor the writer does it: once the writer has applied every
//! append before the fold, the [`Folder`] reads what is stored and merges it,
//! and the writer then replaces the snapshot, unless another compaction of the
//! document came first. Only the checkpoint of a room that unloads encodes its
//! own state.

use super::fold::Folder;
use crate::durability::{Committer, Stakes, Ticket};
use crate::room::RoomCore;
use crate::storage::{
    DocKey, HistoryLimits, NewState, Storage, StoredDoc, VersionMeta, LOG_DROPS_PER_BATCH,
    VERSIONED,
};
use std::sync::{Arc, Mutex, Weak};
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

/// Snapshot bytes per step of the update count between compactions: a
/// document of 30 MB folds after 30 times as many updates as a small one, so
/// rewriting it costs each update about the same.
const FOLD_SCALE_BYTES: usize = 1 << 20;
/// The most steps: a log is never longer than this many times the policy's
/// count, so a load never replays more.
const MOST_FOLD_STEPS: usize = 32;

impl PersistPolicy {
    /// Whether a log of `entries` updates and `bytes` bytes after a snapshot of
    /// `snapshot_bytes` is due to be folded.
    pub fn fold_due(&self, entries: usize, bytes: usize, snapshot_bytes: usize) -> bool {
        let steps = (snapshot_bytes / FOLD_SCALE_BYTES).clamp(1, MOST_FOLD_STEPS);
        bytes >= self.compact_after_bytes
            || entries >= self.compact_after_updates.saturating_mul(steps)
    }
}

/// From this stored snapshot size on, an unloading room leaves its fold and
/// its last version to the folder ([`Persistence::checkpoint`]); below it, encoding
/// the document on the room's task costs less than reading it back.
pub const FOLD_ON_UNLOAD_FROM: usize = 1 << 20;

/// A fold in the background, as the room sees it.
#[derive(Debug, Default)]
enum Fold {
    #[default]
    Idle,
    /// Fold number `id` is merging the log as it stood at `entries` and `bytes`.
    Running {
        id: u64,
        entries: usize,
        bytes: usize,
    },
    /// Written: the snapshot holds those entries now.
    Done {
        snapshot_len: usize,
        entries: usize,
        bytes: usize,
    },
}

type SharedFold = Arc<Mutex<Fold>>;

fn fold_state(fold: &SharedFold) -> std::sync::MutexGuard<'_, Fold> {
    // Every change is one assignment.
    fold.lock().unwrap_or_else(|p| p.into_inner())
}

/// Travels with a background fold through the writer and the folder: if the
/// fold is dropped or given up anywhere on the way (a failed read, a halted
/// writer, a panic, a newer compaction), the room may start another.
struct FoldGuard {
    fold: Option<SharedFold>,
    id: u64,
}

impl FoldGuard {
    fn done(mut self, snapshot_len: usize) {
        if let Some(fold) = self.fold.take() {
            let mut state = fold_state(&fold);
            if let Fold::Running { id, entries, bytes } = *state {
                if id != self.id {
                    return;
                }
                *state = Fold::Done {
                    snapshot_len,
                    entries,
                    bytes,
                };
            }
        }
    }
}

impl Drop for FoldGuard {
    fn drop(&mut self) {
        if let Some(fold) = self.fold.take() {
            let mut state = fold_state(&fold);
            if matches!(*state, Fold::Running { id, .. } if id == self.id) {
                *state = Fold::Idle;
            }
        }
    }
}

/// One document's writes.
pub struct Persistence {
    key: DocKey,
    committer: Arc<Committer>,
    folder: Arc<Folder>,
    policy: PersistPolicy,
    /// Sequence number of the next log entry.
    next_seq: u64,
    /// Ticket of the latest write.
    last_ticket: Ticket,
    /// Changes since the last history snapshot.
    dirty_for_history: bool,
    last_history: Instant,
    fold: SharedFold,
    /// Background folds started, to tell them apart.
    folds_started: u64,
    /// Whether the stored snapshot was [`FOLD_ON_UNLOAD_FROM`] or more at the
    /// last append: a history version is then read off the writer.
    big: bool,
}

impl Persistence {
    /// Writes for `key`, whose stored log ends before `next_seq`.
    pub fn new(
        key: DocKey,
        committer: Arc<Committer>,
        folder: Arc<Folder>,
        policy: PersistPolicy,
        next_seq: u64,
        now: Instant,
    ) -> Self {
        Self {
            key,
            committer,
            folder,
            policy,
            next_seq,
            last_ticket: 0,
            dirty_for_history: false,
            last_history: now,
            fold: SharedFold::default(),
            folds_started: 0,
            big: false,
        }
    }

    /// Ticket of the latest write: frames revealing anything written so far wait
    /// for it.
    pub fn last_ticket(&self) -> Ticket {
        self.last_ticket
    }

    /// Appends an accepted update to the log, and starts folding the log if it
    /// has grown past the policy's threshold. Returns the ticket to wait for.
    pub fn append<L>(&mut self, core: &mut RoomCore<L>, update: Vec<u8>) -> Ticket {
        let seq = self.next_seq;
        self.next_seq += 1;
        let key = self.key.clone();
        self.last_ticket = self.committer.submit(
            Stakes::Critical,
            Box::new(move |s| s.append_update(&key, seq, &update)),
        );
        self.dirty_for_history = true;
        self.note_finished_fold(core);
        self.big = core.snapshot_size() >= FOLD_ON_UNLOAD_FROM;
        let (entries, bytes) = core.log_size();
        if self.policy.fold_due(entries, bytes, core.snapshot_size()) {
            self.fold_in_background(core);
        }
        self.last_ticket
    }

    /// Counts a background fold that was written since the last look.
    fn note_finished_fold<L>(&mut self, core: &mut RoomCore<L>) {
        let mut state = fold_state(&self.fold);
        if let Fold::Done {
            snapshot_len,
            entries,
            bytes,
        } = *state
        {
            core.folded(snapshot_len, entries, bytes);
            *state = Fold::Idle;
        }
    }

    /// Folds every entry logged so far into the snapshot, off the room's task;
    /// nothing (`false`) if a fold is under way.
    fn fold_in_background<L>(&mut self, core: &RoomCore<L>) -> bool {
        let (entries, bytes) = core.log_size();
        {
            let mut state = fold_state(&self.fold);
            if !matches!(*state, Fold::Idle) {
                return false;
            }
            self.folds_started += 1;
            *state = Fold::Running {
                id: self.folds_started,
                entries,
                bytes,
            };
        }
        let guard = FoldGuard {
            fold: Some(Arc::clone(&self.fold)),
            id: self.folds_started,
        };
        self.fold_stored(Some(guard));
        true
    }

    /// Folds every entry logged so far into the snapshot, merged on the folder
    /// from what is stored once the writer has applied every write before it.
    /// It reads the store's state, so it never sets an older snapshot than the
    /// one stored, and it gives way to a fold that lands in between.
    fn fold_stored(&self, guard: Option<FoldGuard>) {
        let upto = self.next_seq - 1;
        let key = self.key.clone();
        self.on_folder_after_writes(move |s, committer| {
            // Read before the document: a fold that lands in between changes
            // the epoch, and this one then gives way.
            let epoch = s.fold_epoch(&key);
            let stored = match s.load_doc_upto(&key, upto) {
                Ok(stored) => stored,
                Err(e) => {
                    tracing::warn!(doc = %key, error = %e, "could not read the document to fold it");
                    return;
                }
            };
            let Some(snapshot) = stored.merged(upto) else {
                return;
            };
            // Written (and synced) here, so that the writer commits only a
            // pointer to it and no room's updates wait for 30 MB to be copied.
            let snapshot = match s.prepare_snapshot(&key, snapshot) {
                Ok(snapshot) => snapshot,
                Err(e) => {
                    tracing::warn!(doc = %key, error = %e, "could not write a folded snapshot");
                    return;
                }
            };
            let Some(writer) = committer.upgrade() else {
                return;
            };
            writer.submit(
                Stakes::Critical,
                Box::new(move |s| {
                    let len = snapshot.len();
                    let Some(left) = s.compact_if_unchanged(&key, snapshot, upto, epoch)? else {
                        return Ok(());
                    };
                    if let Some(guard) = guard {
                        guard.done(len);
                    }
                    // The snapshot holds them: a failure to drop them costs
                    // only a longer log until the next fold.
                    if let Some(writer) = committer.upgrade() {
                        for keys in left.chunks(LOG_DROPS_PER_BATCH) {
                            let keys = keys.to_vec();
                            writer.submit(
                                Stakes::BestEffort,
                                Box::new(move |s| s.drop_log_entries(keys)),
                            );
                        }
                    }
                    Ok(())
                }),
            );
        });
    }

    /// Runs `job` on the folder once the writer has applied every write
    /// submitted so far, so that what it reads from the store holds them. It
    /// reads and merges there: neither the room nor the writer waits for it.
    fn on_folder_after_writes(&self, job: impl FnOnce(&Storage, Weak<Committer>) + Send + 'static) {
        let folder = Arc::clone(&self.folder);
        let committer = Arc::downgrade(&self.committer);
        self.committer.submit(
            Stakes::BestEffort,
            Box::new(move |s| {
                let storage = s.clone();
                folder.run(move || job(&storage, committer));
                Ok(())
            }),
        );
    }

    /// Replaces the stored snapshot and the whole log with `snapshot`, the current
    /// state. Atomic in the store: a crash leaves the old snapshot and log, or the
    /// new snapshot.
    fn fold_log<L>(&mut self, core: &mut RoomCore<L>, snapshot: Vec<u8>) {
        // Every update up to next_seq - 1 is in the snapshot.
        let upto = self.next_seq - 1;
        let key = self.key.clone();
        core.compacted(snapshot.len());
        // A background fold that has not been written yet gives way to this one.
        *fold_state(&self.fold) = Fold::Idle;
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

    /// Keeps the state as a history snapshot taken at `at_ms`, if anything
    /// changed since the last one, with the participants who changed it.
    /// `state` is the room's current state, if it has encoded it anyway; without
    /// it, the state is read from the store after every write so far and merged
    /// off the room's task, which is the same state. History is a convenience: a
    /// failure to keep it is logged and counted, and does not close the room.
    ///
    /// The content and the locked layer are one board version: their states are
    /// kept together, the other document's as stored (the writer applies writes
    /// in order, so that is everything it accepted before this), and a version
    /// shows and restores the canvas as it was.
    pub fn keep_history(
        &mut self,
        state: Option<Vec<u8>>,
        now: Instant,
        at_ms: u64,
        active: Vec<String>,
        activity: Option<Vec<u8>>,
    ) {
        if !self.dirty_for_history {
            return;
        }
        self.dirty_for_history = false;
        self.last_history = now;
        let key = self.key.clone();
        if let Some(activity) = activity {
            let key = key.clone();
            self.committer.submit(
                Stakes::BestEffort,
                Box::new(move |s| s.put_activity(&key, &activity)),
            );
        }
        let limits = self.policy.history;
        let keep = move |s: &Storage, states: Vec<(DocKind, NewState)>| {
            if !VERSIONED.contains(&key.doc) {
                debug_assert!(matches!(key.doc, DocKind::Comments | DocKind::Session));
                let Some((_, state)) = states.into_iter().next() else {
                    return Ok(());
                };
                return s.put_history(&key, at_ms, state, limits.keep);
            }
            if states.is_empty() {
                return Ok(());
            }
            let meta = VersionMeta {
                active,
                ..VersionMeta::default()
            };
            s.put_version_states(&key.board, at_ms, states, meta, limits)?;
            // The board's last change, kept for retention across restarts.
            s.touch_board(&key.board, at_ms)
        };
        let doc = self.key.doc;
        let board = self.key.board.clone();
        let others =
            move |s: &Storage| -> Result<Vec<(DocKind, StoredDoc)>, crate::store::StoreError> {
                if !VERSIONED.contains(&doc) {
                    return Ok(Vec::new());
                }
                VERSIONED
                    .into_iter()
                    .filter(|d| *d != doc)
                    .map(|other| {
                        let key = DocKey {
                            board: board.clone(),
                            doc: other,
                        };
                        Ok::<_, crate::store::StoreError>((other, s.load_doc(&key)?))
                    })
                    .collect()
            };
        let merge_all = move |own: Option<Vec<u8>>, others: Vec<(DocKind, StoredDoc)>| {
            own.map(|state| (doc, state))
                .into_iter()
                .chain(
                    others
                        .into_iter()
                        .filter_map(|(d, stored)| Some((d, stored.merged(u64::MAX)?))),
                )
                .collect::<Vec<_>>()
        };
        self.last_ticket = match state {
            Some(state) => self.committer.submit(
                Stakes::BestEffort,
                Box::new(move |s| {
                    let states = merge_all(Some(state), others(s)?)
                        .into_iter()
                        .map(|(doc, state)| (doc, NewState::Plain(state)))
                        .collect();
                    keep(s, states)
                }),
            ),
            None => {
                // The other document is read on the writer, in the order of
                // the writes: as stored when this version was taken. This one
                // is read there too if it is small, so that the version holds
                // exactly what was accepted before `at_ms`.
                let upto = self.next_seq - 1;
                let read_own_later = self.big;
                let own = self.key.clone();
                let folder = Arc::clone(&self.folder);
                let committer = Arc::downgrade(&self.committer);
                self.committer.submit(
                    Stakes::BestEffort,
                    Box::new(move |s| {
                        let stored = if read_own_later {
                            None
                        } else {
                            Some(s.load_doc(&own)?)
                        };
                        let others = others(s)?;
                        let storage = s.clone();
                        folder.run(move || {
                            // A big one (reading 29 MB held every board's writes
                            // for 60–90 ms) is read here, up to its last update
                            // before `at_ms`: what the store holds up to it stays,
                            // as no fold of it can land before this read (the
                            // room's next fold merges on this thread after it).
                            let stored = match stored {
                                Some(stored) => Ok(stored),
                                None => storage.load_doc_settled(&own),
                            };
                            let states = stored.and_then(|stored| {
                                let states = merge_all(stored.merged(upto), others);
                                // Written ahead here, as a fold's snapshot is.
                                storage.prepare_version(&own.board, at_ms, states)
                            });
                            match (states, committer.upgrade()) {
                                (Ok(states), Some(writer)) => {
                                    writer.submit(
                                        Stakes::BestEffort,
                                        Box::new(move |s| keep(s, states)),
                                    );
                                }
                                (Ok(_), None) => {}
                                (Err(e), _) => {
                                    tracing::warn!(doc = %own, error = %e, "could not keep a history version");
                                }
                            }
                        });
                        Ok(())
                    }),
                );
                self.last_ticket
            }
        };
    }

    /// Before the room unloads: fold the log into the snapshot, so the next load
    /// decodes one update instead of replaying the log, and keep a history state.
    ///
    /// A big document is not encoded here: a 30 MB one takes this task's
    /// thread, which other rooms share, for a third of a second. Its fold and
    /// its version are merged from what is stored, on the folder, and written
    /// ahead there; [`super::Rooms::shutdown`] waits for them.
    pub fn checkpoint<L>(&mut self, core: &mut RoomCore<L>, now: Instant, at_ms: u64) {
        let (entries, _) = core.log_size();
        if entries == 0 && !self.dirty_for_history {
            return;
        }
        if core.snapshot_size() >= FOLD_ON_UNLOAD_FROM {
            // Counted like a background fold when it can be one, so that a
            // room that stays (someone rejoined in its grace period) does
            // not fold the same entries again at its next append.
            self.note_finished_fold(core);
            if entries > 0 && !self.fold_in_background(core) {
                self.fold_stored(None);
            }
            let active = core.take_writers();
            let activity = core.activity().map(crate::activity::Activity::to_json);
            self.keep_history(None, now, at_ms, active, activity);
            return;
        }
        let state = core.snapshot();
        if entries > 0 {
            self.fold_log(core, state.clone());
        }
        let active = core.take_writers();
        let activity = core.activity().map(crate::activity::Activity::to_json);
        self.keep_history(Some(state), now, at_ms, active, activity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::durability::DurabilityMode;
    use crate::metrics::Metrics;
    use crate::room::RoomLimits;
    use crate::store::MemoryStore;
    use tafel_shared::ids::BoardId;
    use tafel_shared::protocol::{Message, SyncMessage};
    use tafel_shared::roles::{DocKind, Role};
    use yrs::updates::decoder::Decode;
    use yrs::{Doc, GetString, Text, Transact};

    struct Setup {
        store: Arc<MemoryStore>,
        storage: Storage,
        committer: Arc<Committer>,
        folder: Arc<Folder>,
        persist: Persistence,
        core: RoomCore,
    }

    fn setup(policy: PersistPolicy) -> Setup {
        let store = Arc::new(MemoryStore::default());
        let storage = Storage::new(Arc::clone(&store) as _);
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
        let folder = Arc::new(Folder::start());
        let persist = Persistence::new(
            key,
            Arc::clone(&committer),
            Arc::clone(&folder),
            policy,
            1,
            Instant::now(),
        );
        let mut core: RoomCore = RoomCore::load(DocKind::Content, None, &[], RoomLimits::default())
            .unwrap()
            .0;
        core.join(1, Role::Editor, ()).unwrap();
        Setup {
            store,
            storage,
            committer,
            folder,
            persist,
            core,
        }
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

    impl Setup {
        /// One edit through the core, as a socket would send it, then stored.
        fn edit(&mut self, client: u64, s: &str) {
            let doc = Doc::with_client_id(client);
            let text = doc.get_or_insert_text("t");
            let update = {
                let mut txn = doc.transact_mut();
                text.insert(&mut txn, 0, s);
                txn.encode_update_v1()
            };
            let frame = Message::Sync(SyncMessage::Update(update)).encode();
            let stored = self.core.handle(1, &frame, 0).unwrap().persist;
            self.persist
                .append(&mut self.core, stored.expect("a write"));
        }

        /// Waits until every write submitted so far ran, every merge they
        /// queued ran, and the writes those submitted ran too.
        async fn settle(&self) {
            assert!(self.committer.flush_now().await);
            let (tx, rx) = std::sync::mpsc::channel();
            self.folder.run(move || tx.send(()).unwrap());
            rx.recv_timeout(Duration::from_secs(30))
                .expect("the folder runs");
            assert!(self.committer.flush_now().await);
        }

        /// Stores a board of just over [`FOLD_ON_UNLOAD_FROM`] and loads
        /// it, with one editor.
        fn load_big_board(&mut self) {
            let big = {
                let doc = Doc::with_client_id(5);
                let text = doc.get_or_insert_text("t");
                let mut txn = doc.transact_mut();
                text.insert(&mut txn, 0, &"x".repeat(FOLD_ON_UNLOAD_FROM + 1));
                txn.encode_update_v1()
            };
            self.storage.compact(&self.persist.key, &big, 0).unwrap();
            self.core = RoomCore::load(DocKind::Content, Some(&big), &[], RoomLimits::default())
                .unwrap()
                .0;
            self.core.join(1, Role::Editor, ()).unwrap();
        }

        fn stored(&self) -> StoredDoc {
            self.storage.load_doc(&self.persist.key).unwrap()
        }

        fn logged_seqs(&self) -> Vec<u64> {
            self.stored().log.iter().map(|(s, _)| *s).collect()
        }

        fn room_text(&self) -> String {
            text_of(&self.core.snapshot())
        }
    }

    fn text_of(state: &[u8]) -> String {
        let doc = Doc::new();
        let text = doc.get_or_insert_text("t");
        doc.transact_mut()
            .apply_update(yrs::Update::decode_v1(state).unwrap())
            .unwrap();
        let txn = doc.transact();
        text.get_string(&txn)
    }

    #[tokio::test]
    async fn updates_append_in_sequence_and_fold_at_the_threshold() {
        let mut t = setup(policy(3));
        t.edit(10, "a");
        t.edit(11, "b");
        t.settle().await;
        assert_eq!(t.logged_seqs(), [1, 2]);
        assert!(t.stored().snapshot.is_none());
        t.edit(12, "c");
        t.settle().await;
        let stored = t.stored();
        assert!(stored.log.is_empty(), "three updates fold the log");
        assert_eq!(text_of(&stored.snapshot.unwrap()), t.room_text());
        // The room learns of the fold with its next update; sequence numbers
        // go on after it.
        t.edit(13, "d");
        assert_eq!(t.core.log_size().0, 1, "only the update after the fold");
        t.settle().await;
        assert_eq!(t.logged_seqs(), [4]);
    }

    /// The merge runs on the folder: while it is held, the room goes on
    /// appending, and the fold keeps what was logged after it started.
    #[tokio::test]
    async fn a_fold_in_the_background_keeps_what_was_logged_meanwhile() {
        let mut t = setup(policy(3));
        t.folder.set_held(true);
        for (i, s) in ["a", "b", "c", "d", "e"].iter().enumerate() {
            t.edit(10 + i as u64, s);
        }
        assert!(t.committer.flush_now().await);
        assert_eq!(
            t.logged_seqs(),
            [1, 2, 3, 4, 5],
            "nothing folded while held"
        );
        t.folder.set_held(false);
        t.settle().await;
        let stored = t.stored();
        assert_eq!(t.logged_seqs(), [4, 5], "the fold took what it read");
        let merged = stored.merged(u64::MAX).unwrap();
        assert_eq!(text_of(&merged), t.room_text());
        t.edit(20, "f");
        assert_eq!(t.core.log_size().0, 3, "4, 5 and 6 are logged");
    }

    /// A room that unloads folds its own state while a background fold still
    /// waits on the folder: nothing is lost either way round.
    #[tokio::test]
    async fn a_checkpoint_overtakes_a_held_fold_and_nothing_is_lost() {
        let mut t = setup(policy(3));
        t.folder.set_held(true);
        for (i, s) in ["a", "b", "c"].iter().enumerate() {
            t.edit(10 + i as u64, s);
        }
        // The fold has read 1 to 3 and waits on the folder.
        assert!(t.committer.flush_now().await);
        t.edit(13, "d");
        t.edit(14, "e");
        t.persist.checkpoint(&mut t.core, Instant::now(), 5_000);
        assert!(t.committer.flush_now().await);
        t.folder.set_held(false);
        t.settle().await;
        let stored = t.stored();
        assert!(stored.log.is_empty());
        assert_eq!(text_of(&stored.snapshot.unwrap()), t.room_text());
        assert_eq!(t.room_text().len(), 5);
    }

    /// The other order: the fold reads the store before an unload's fold is
    /// written, and its own write comes after. Written, it would replace the
    /// unload's snapshot with one that lacks what was logged since its read
    /// (and drop those entries): it must give way.
    #[tokio::test]
    async fn a_fold_that_read_before_a_checkpoint_gives_way_to_it() {
        let mut t = setup(policy(3));
        t.folder.set_held(true);
        for (i, s) in ["a", "b", "c"].iter().enumerate() {
            t.edit(10 + i as u64, s);
        }
        // The fold waits on the folder, to read 1 to 3.
        assert!(t.committer.flush_now().await);
        // The writer stops; what follows waits in its queue.
        t.store.set_stalled(true);
        t.edit(13, "d");
        t.edit(14, "e");
        t.persist.checkpoint(&mut t.core, Instant::now(), 5_000);
        // The fold reads 1 to 3 and queues its write behind the checkpoint.
        let (tx, rx) = std::sync::mpsc::channel();
        t.folder.run(move || tx.send(()).unwrap());
        t.folder.set_held(false);
        rx.recv_timeout(Duration::from_secs(30)).unwrap();
        t.store.set_stalled(false);
        t.settle().await;
        let stored = t.stored();
        assert!(stored.log.is_empty());
        assert_eq!(text_of(&stored.snapshot.unwrap()), t.room_text());
        assert_eq!(t.room_text().len(), 5, "d and e are kept");
    }

    #[test]
    fn big_snapshots_fold_after_proportionally_more_updates() {
        let p = policy(500);
        assert!(!p.fold_due(499, 0, 0));
        assert!(p.fold_due(500, 0, 0));
        assert!(!p.fold_due(500, 0, 30 << 20), "30 MB: every 15,000");
        assert!(p.fold_due(15_000, 0, 30 << 20));
        assert!(p.fold_due(16_000, 0, 1 << 30), "never beyond 32 steps");
        let bytes = PersistPolicy {
            compact_after_bytes: 4 << 20,
            ..p
        };
        assert!(bytes.fold_due(1, 4 << 20, 30 << 20), "or at the byte limit");
    }

    #[tokio::test(start_paused = true)]
    async fn a_big_boards_version_is_read_off_the_writer_and_holds_what_came_before_it() {
        let mut t = setup(policy(1_000_000));
        t.load_big_board();
        t.edit(10, "<a>");
        // The read waits on the folder while the next update is stored.
        t.folder.set_held(true);
        t.persist
            .keep_history(None, Instant::now(), 1_000, Vec::new(), None);
        t.edit(11, "<b>");
        assert!(t.committer.flush_now().await);
        t.folder.set_held(false);
        t.settle().await;
        let kept = t
            .storage
            .version_state(&t.persist.key.board, DocKind::Content, 1_000)
            .unwrap()
            .expect("a version");
        let text = text_of(&kept);
        assert!(text.contains("<a>"), "what came before it");
        assert!(!text.contains("<b>"), "nothing after it");
        assert!(text.len() > FOLD_ON_UNLOAD_FROM);
    }

    /// Someone rejoins a big board in its grace period, after its checkpoint
    /// folded on the folder: the room counts that fold, and its next edits
    /// start a log of their own instead of folding the old entries again.
    #[tokio::test(start_paused = true)]
    async fn a_big_board_that_stays_after_its_checkpoint_counts_the_fold() {
        let mut t = setup(policy(4));
        t.load_big_board();
        for (i, s) in ["a", "b", "c"].iter().enumerate() {
            t.edit(10 + i as u64, s);
        }
        t.persist.checkpoint(&mut t.core, Instant::now(), 1_000);
        t.settle().await;
        assert!(t.stored().log.is_empty(), "the checkpoint folded all three");
        assert_eq!(t.persist.folds_started, 1);
        t.edit(20, "d");
        assert_eq!(t.core.log_size().0, 1, "only the edit after the fold");
        t.edit(21, "e");
        t.edit(22, "f");
        t.settle().await;
        assert_eq!(t.persist.folds_started, 1, "three entries fold nothing");
        assert_eq!(t.logged_seqs(), [4, 5, 6]);
    }

    #[tokio::test(start_paused = true)]
    async fn history_is_kept_at_intervals_while_changing_and_at_checkpoints() {
        let mut t = setup(policy(1000));
        let key = t.persist.key.clone();
        let start = Instant::now();
        assert!(!t.persist.history_due(start), "nothing changed yet");
        t.edit(10, "a");
        assert!(!t.persist.history_due(start));
        tokio::time::advance(Duration::from_secs(599)).await;
        assert!(!t.persist.history_due(Instant::now()));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(t.persist.history_due(Instant::now()));
        // Read from the store and merged on the folder.
        t.persist
            .keep_history(None, Instant::now(), 1_000, Vec::new(), None);
        assert!(!t.persist.history_due(Instant::now()), "kept: clean again");
        tokio::time::advance(Duration::from_secs(3600)).await;
        assert!(
            !t.persist.history_due(Instant::now()),
            "no change, no new snapshot"
        );

        t.edit(11, "b");
        t.persist.checkpoint(&mut t.core, Instant::now(), 2_000);
        t.settle().await;
        assert_eq!(t.storage.history(&key).unwrap(), [1_000, 2_000]);
        let first = t
            .storage
            .version_state(&key.board, DocKind::Content, 1_000)
            .unwrap()
            .unwrap();
        assert_eq!(text_of(&first), "a", "the state when it was kept");
        assert!(t.stored().log.is_empty(), "the checkpoint folded the log");
        // A clean room's checkpoint writes nothing.
        let before = t.persist.last_ticket();
        t.persist.checkpoint(&mut t.core, Instant::now(), 3_000);
        assert_eq!(t.persist.last_ticket(), before);
    }
}
