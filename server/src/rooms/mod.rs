//! The async edge around [`RoomCore`](crate::room::RoomCore): one task per loaded
//! document, and the registry that loads each document exactly once.
//!
//! # Layout
//! - [`registry`]: which rooms are loaded, deleted boards, last changes.
//! - [`task`]: the room task: commands in, frames out, durability holds, unload.
//! - [`loading`]: the loading phase and its fast step 2 from the stored snapshot.
//! - [`persist`]: appends, compaction and history, submitted to the store writer.
//! - [`queue`]: per-socket send queues bounded in bytes.
//!
//! Lifecycle: the first connection registers the room and spawns its task, which
//! loads the document before it reads its inbox, so later connections simply queue
//! behind the load. When the last peer leaves, the room waits a grace period, keeps
//! a history snapshot, makes everything durable and only then leaves the registry.
//!
//! A new kind of document needs nothing here: rooms are keyed by [`DocKey`] and the
//! core enforces [`tafel_shared::roles`]; a new server-applied action would be a
//! new [`Cmd`] handled by the task and the core.

pub mod fold;
pub mod loading;
pub mod persist;
pub mod queue;
pub mod registry;
pub mod task;

use crate::clock::SharedClock;
use crate::durability::Committer;
use crate::metrics::Metrics;
use crate::room::{ConnId, Member, RoomLimits};
use crate::storage::{DocKey, Storage};
use bytes::Bytes;
use persist::PersistPolicy;
use queue::{send_queue, Inbox, Outbox};
use registry::Registry;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tafel_shared::ids::BoardId;
use tafel_shared::protocol::CloseCode;
use tafel_shared::roles::Role;
use tokio::sync::{mpsc, oneshot};

/// Room settings from the server configuration (its `Default` is the
/// configuration's, in [`crate::config`]).
#[derive(Clone, Debug)]
pub struct RoomConfig {
    /// Limits enforced by the core.
    pub limits: RoomLimits,
    /// Bytes queued for one socket before it counts as too slow.
    pub send_queue_bytes: usize,
    /// How long an empty room stays loaded.
    pub grace: Duration,
    /// When to compact and keep history.
    pub persist: PersistPolicy,
    /// Most documents loaded at once; a socket for one more is refused (4015).
    pub max_rooms: usize,
    /// Most sockets open at once across all rooms (4015 beyond).
    pub max_sockets: usize,
}

/// What a socket asks of its room.
pub(crate) enum Cmd {
    /// A socket wants in; `reply` says whether it got in.
    Join {
        conn: ConnId,
        member: Member,
        out: Outbox,
        kill: oneshot::Sender<CloseCode>,
        reply: oneshot::Sender<Result<(), CloseCode>>,
    },
    /// One frame from a socket, as received.
    Frame { conn: ConnId, bytes: Bytes },
    /// The socket is gone.
    Leave { conn: ConnId },
    /// Close every socket opened with `role` (its link was rotated).
    KickRole { role: Role, code: CloseCode },
    /// Make the canvas hold these elements again (a version restored in place);
    /// `done` fires once the change is submitted to the store writer.
    Restore {
        elements: Vec<tafel_shared::element::Element>,
        done: oneshot::Sender<()>,
    },
    /// Who last changed which element after `since_ms`.
    Activity {
        since_ms: u64,
        reply: oneshot::Sender<Vec<(String, crate::activity::Touch)>>,
    },
    /// Close everyone and unload (deletion, shutdown), keeping a checkpoint if `save`.
    Evict {
        code: CloseCode,
        save: bool,
        done: oneshot::Sender<()>,
    },
}

/// A room's inbox.
type RoomHandle = mpsc::Sender<Cmd>;

/// The other nodes of a cluster, as the rooms see them ([`crate::cluster`]
/// is the one implementation): where a new room runs, and the board-wide
/// closes that must reach every node.
pub(crate) trait Elsewhere: Send + Sync {
    /// Runs a newly registered room: here as the document's owner, or as a
    /// relay to the node that owns it.
    fn place(
        self: Arc<Self>,
        rooms: Arc<Rooms>,
        key: DocKey,
        generation: u64,
        rx: mpsc::Receiver<Cmd>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;
    /// Tells the other nodes to close a board's sockets of one role.
    fn kick_role(&self, board: &BoardId, role: Role, code: CloseCode);
    /// Tells the other nodes that a board was deleted.
    fn evict_board(&self, board: &BoardId);
}

/// Every loaded room.
pub struct Rooms {
    registry: Mutex<Registry<RoomHandle>>,
    storage: Storage,
    pub(crate) committer: Arc<Committer>,
    /// Merges large documents for compaction and history, off every room.
    folder: Arc<fold::Folder>,
    config: RoomConfig,
    metrics: Arc<Metrics>,
    clock: SharedClock,
    next_conn: AtomicU64,
    board_sockets: Arc<BoardSockets>,
    /// Set in cluster mode: documents another node owns are relayed there.
    cluster: std::sync::OnceLock<Arc<dyn Elsewhere>>,
}

/// Sockets open per board (over all its documents), for the operator's list.
#[derive(Default)]
struct BoardSockets(std::sync::Mutex<std::collections::HashMap<BoardId, usize>>);

impl BoardSockets {
    fn counts(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<BoardId, usize>> {
        // Only counts change under the lock.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One socket counted on its board while it lives.
struct Counted {
    all: Arc<BoardSockets>,
    board: BoardId,
}

impl Counted {
    fn new(all: &Arc<BoardSockets>, board: &BoardId) -> Self {
        *all.counts().entry(board.clone()).or_default() += 1;
        Self {
            all: Arc::clone(all),
            board: board.clone(),
        }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut counts = self.all.counts();
        if let Some(n) = counts.get_mut(&self.board) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(&self.board);
            }
        }
    }
}

/// A socket's link to its room, returned by [`Rooms::join`].
pub struct ConnLink {
    /// This socket's id.
    pub conn: ConnId,
    /// Frames to write to the socket, in order.
    pub outbound: Inbox,
    /// Fires when the room closes this socket, with the code to send.
    pub kill: oneshot::Receiver<CloseCode>,
    room: mpsc::Sender<Cmd>,
    _counted: Counted,
}

impl ConnLink {
    /// Passes one frame from the socket to the room. `false` if the room is gone.
    pub async fn send(&self, bytes: Bytes) -> bool {
        self.room
            .send(Cmd::Frame {
                conn: self.conn,
                bytes,
            })
            .await
            .is_ok()
    }
}

impl Drop for ConnLink {
    fn drop(&mut self) {
        // try_send: a full inbox means the room is busy, and it notices the closed
        // send queue at its next broadcast anyway.
        let _ = self.room.try_send(Cmd::Leave { conn: self.conn });
    }
}

impl Rooms {
    /// Creates the registry.
    pub fn new(
        storage: Storage,
        committer: Arc<Committer>,
        config: RoomConfig,
        metrics: Arc<Metrics>,
        clock: SharedClock,
    ) -> Arc<Self> {
        Arc::new(Self {
            registry: Mutex::new(Registry::default()),
            storage,
            committer,
            folder: Arc::new(fold::Folder::start()),
            config,
            metrics,
            clock,
            next_conn: AtomicU64::new(1),
            board_sockets: Arc::default(),
            cluster: std::sync::OnceLock::new(),
        })
    }

    /// Closes the sockets of one document's room and unloads it without
    /// saving (its lease was lost: another node may own it now).
    pub async fn evict_doc(&self, key: &DocKey, generation: u64, code: CloseCode) {
        let loaded = self.registry().find(key, self.clock.now()).ok().flatten();
        // Only that room: a newer one of the same document stays.
        if let Some(entry) = loaded.filter(|e| e.generation == generation) {
            evict(vec![entry.handle], code, false).await;
        }
    }

    fn registry(&self) -> MutexGuard<'_, Registry<RoomHandle>> {
        // Every critical section leaves the maps consistent, so a poisoned lock is not
        // a reason to stop serving.
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Documents loaded now.
    pub fn loaded(&self) -> usize {
        self.registry().len()
    }

    /// The last document change of a board this process has seen (ms), and who
    /// made it.
    pub fn last_change(
        &self,
        board: &BoardId,
    ) -> Option<(u64, Option<tafel_shared::ids::ParticipantId>)> {
        self.registry().last_change(board)
    }

    /// Socket tasks still running, on all boards.
    fn live_sockets(&self) -> usize {
        self.board_sockets.counts().values().sum()
    }

    /// Sockets open on `board` now.
    pub fn sockets_on(&self, board: &BoardId) -> usize {
        self.board_sockets.counts().get(board).copied().unwrap_or(0)
    }

    /// Connects a socket to a document, loading it if needed.
    pub async fn join(
        self: &Arc<Self>,
        key: DocKey,
        member: impl Into<Member>,
    ) -> Result<ConnLink, CloseCode> {
        self.join_over(key, member, None).await
    }

    /// [`Self::join`] for a socket whose room writes into its connection
    /// itself ([`queue::Direct`]).
    pub async fn join_direct(
        self: &Arc<Self>,
        key: DocKey,
        member: impl Into<Member>,
        direct: Arc<dyn queue::Direct>,
    ) -> Result<ConnLink, CloseCode> {
        self.join_over(key, member, Some(direct)).await
    }

    async fn join_over(
        self: &Arc<Self>,
        key: DocKey,
        member: impl Into<Member>,
        direct: Option<Arc<dyn queue::Direct>>,
    ) -> Result<ConnLink, CloseCode> {
        let member = member.into();
        if self.metrics.open_sockets.get() >= self.config.max_sockets as i64 {
            self.metrics.refuse(CloseCode::ServerFull.reason());
            return Err(CloseCode::ServerFull);
        }
        // A room that is unloading refuses by dropping the join; the retry then finds
        // (or loads) a fresh room from the durable state, under a fresh id (a relay
        // may still hold the old one's).
        for _ in 0..4 {
            let conn = self.next_conn.fetch_add(1, Ordering::Relaxed);
            let handle = self.handle_for(&key)?;
            let (out_tx, out_rx) = send_queue(self.config.send_queue_bytes, direct.clone());
            let (kill_tx, kill_rx) = oneshot::channel();
            let (reply_tx, reply_rx) = oneshot::channel();
            let join = Cmd::Join {
                conn,
                member: member.clone(),
                out: out_tx,
                kill: kill_tx,
                reply: reply_tx,
            };
            if handle.send(join).await.is_err() {
                continue;
            }
            match reply_rx.await {
                Ok(Ok(())) => {
                    return Ok(ConnLink {
                        conn,
                        outbound: out_rx,
                        kill: kill_rx,
                        room: handle,
                        _counted: Counted::new(&self.board_sockets, &key.board),
                    });
                }
                Ok(Err(code)) => return Err(code),
                Err(_) => continue,
            }
        }
        Err(CloseCode::InternalError)
    }

    fn handle_for(self: &Arc<Self>, key: &DocKey) -> Result<RoomHandle, CloseCode> {
        let mut reg = self.registry();
        if let Some(entry) = reg.find(key, self.clock.now())? {
            return Ok(entry.handle);
        }
        if reg.len() >= self.config.max_rooms {
            self.metrics.refuse(CloseCode::ServerFull.reason());
            return Err(CloseCode::ServerFull);
        }
        // The inbox is bounded: a flood of frames waits at the sockets, not in memory.
        let (tx, rx) = mpsc::channel(1024);
        let entry = reg.insert(key.clone(), tx);
        self.metrics.loaded_rooms.set(reg.len() as i64);
        drop(reg);
        let rooms = Arc::clone(self);
        let key = key.clone();
        match self.cluster.get() {
            Some(cluster) => {
                tokio::spawn(Arc::clone(cluster).place(rooms, key, entry.generation, rx));
            }
            None => {
                tokio::spawn(task::run_room(rooms, key, entry.generation, rx));
            }
        }
        Ok(entry.handle)
    }

    /// Removes a room from the registry if it is still the one registered.
    pub(crate) fn unregister(&self, key: &DocKey, generation: u64) {
        let mut reg = self.registry();
        reg.remove(key, generation);
        self.metrics.loaded_rooms.set(reg.len() as i64);
    }

    /// Removes an idle room, unless a command reached it meanwhile (checked under
    /// the registry lock, so a join either finds the room or loads a fresh one).
    pub(crate) fn unregister_if_idle(
        &self,
        key: &DocKey,
        generation: u64,
        inbox: &mpsc::Receiver<Cmd>,
    ) -> bool {
        let mut reg = self.registry();
        if !inbox.is_empty() {
            return false;
        }
        reg.remove(key, generation);
        self.metrics.loaded_rooms.set(reg.len() as i64);
        true
    }

    /// Who last changed which element of one document after `since_ms`: from
    /// its room if loaded (it knows the newest), else as stored.
    pub async fn activity(
        &self,
        key: &DocKey,
        since_ms: u64,
    ) -> Result<Vec<(String, crate::activity::Touch)>, crate::store::StoreError> {
        let loaded = self.registry().find(key, self.clock.now()).ok().flatten();
        if let Some(entry) = loaded {
            let (reply, answer) = oneshot::channel();
            if entry
                .handle
                .send(Cmd::Activity { since_ms, reply })
                .await
                .is_ok()
            {
                if let Ok(list) = answer.await {
                    return Ok(list);
                }
            }
        }
        let storage = self.storage.clone();
        let key = key.clone();
        let stored = tokio::task::spawn_blocking(move || storage.activity(&key))
            .await
            .map_err(crate::store::StoreError::io)??;
        Ok(crate::activity::Activity::from_json(stored.as_deref()).since(since_ms))
    }

    /// How much history each board keeps.
    pub fn history_limits(&self) -> crate::storage::HistoryLimits {
        self.config.persist.history
    }

    /// Restores the elements of one document (loading it if needed), as a change
    /// everyone connected sees once it is durable; the caller flushes.
    pub async fn restore(
        self: &Arc<Self>,
        key: DocKey,
        elements: Vec<tafel_shared::element::Element>,
    ) -> Result<(), CloseCode> {
        for _ in 0..4 {
            let handle = self.handle_for(&key)?;
            let (done, wait) = oneshot::channel();
            let cmd = Cmd::Restore {
                elements: elements.clone(),
                done,
            };
            if handle.send(cmd).await.is_err() {
                continue;
            }
            if wait.await.is_ok() {
                return Ok(());
            }
        }
        Err(CloseCode::InternalError)
    }

    /// Runs this registry in a cluster: documents another node owns are
    /// relayed to it (once, at start).
    pub(crate) fn join_cluster(&self, cluster: Arc<dyn Elsewhere>) {
        let _ = self.cluster.set(cluster);
    }

    /// Closes every socket of `board` opened with `role` (after a token
    /// rotation), on every node of a cluster.
    pub async fn kick_role(&self, board: &BoardId, role: Role, code: CloseCode) {
        if let Some(cluster) = self.cluster.get() {
            cluster.kick_role(board, role, code);
        }
        self.kick_role_here(board, role, code).await;
    }

    /// [`Self::kick_role`] on this node only.
    pub async fn kick_role_here(&self, board: &BoardId, role: Role, code: CloseCode) {
        let handles = self.registry().of_board(board);
        for h in handles {
            let _ = h.send(Cmd::KickRole { role, code }).await;
        }
    }

    /// Closes every socket of a board being deleted and unloads its rooms without
    /// saving; later connections are refused, on every node of a cluster.
    pub async fn evict_board(&self, board: &BoardId) {
        if let Some(cluster) = self.cluster.get() {
            cluster.evict_board(board);
        }
        self.evict_board_here(board).await;
    }

    /// [`Self::evict_board`] on this node only.
    pub async fn evict_board_here(&self, board: &BoardId) {
        let handles = self.registry().delete_board(board, self.clock.now());
        evict(handles, CloseCode::BoardDeleted, false).await;
    }

    /// Graceful shutdown: refuse new sockets, close open ones with "going away",
    /// keep a history snapshot of every room and make everything durable.
    pub async fn shutdown(&self) {
        let handles = self.registry().close();
        if self.committer.halted().is_some() {
            // Nothing can be saved; clients keep their replicas and bring their
            // unsaved edits to the restarted server.
            evict(handles, CloseCode::StorageFailure, false).await;
        } else {
            evict(handles, CloseCode::GoingAway, true).await;
            // Big documents fold and keep their last version on the folder
            // (`Persistence::checkpoint`), queued by reads on the writer: once the
            // writer has run those and the folder its jobs, the last flush
            // holds what they wrote.
            let applied = self.committer.flush_now().await;
            self.folder.drained().await;
            if !(applied && self.committer.flush_now().await) {
                tracing::error!("final flush failed at shutdown");
            }
        }
        // Let the socket tasks send their close frames before the process ends
        // (a client told why reconnects sooner than one that finds it gone):
        // each holds its link, counted per board, until its close is sent.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
        while self.live_sockets() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn touch(&self, board: &BoardId, at_ms: u64, by: Option<tafel_shared::ids::ParticipantId>) {
        self.registry().touch(board, at_ms, by);
    }
}

async fn evict(handles: Vec<RoomHandle>, code: CloseCode, save: bool) {
    let mut waits = Vec::new();
    for h in handles {
        let (done, wait) = oneshot::channel();
        if h.send(Cmd::Evict { code, save, done }).await.is_ok() {
            waits.push(wait);
        }
    }
    for w in waits {
        let _ = w.await;
    }
}

/// A socket's link with no room behind it: the test holds the room's ends (its
/// send queue, the close signal and the command inbox).
#[cfg(test)]
pub(crate) fn test_link(
    limit: usize,
    direct: Option<Arc<dyn queue::Direct>>,
) -> (
    ConnLink,
    Outbox,
    oneshot::Sender<CloseCode>,
    mpsc::Receiver<Cmd>,
) {
    let (out, inbox) = send_queue(limit, direct);
    let (kill_tx, kill_rx) = oneshot::channel();
    let (room_tx, room_rx) = mpsc::channel(16);
    (
        ConnLink {
            conn: 1,
            outbound: inbox,
            kill: kill_rx,
            room: room_tx,
            _counted: Counted::new(
                &Arc::default(),
                &BoardId::parse(&"t".repeat(22)).expect("a board id"),
            ),
        },
        out,
        kill_tx,
        room_rx,
    )
}

/// The room layer as a whole, through [`Rooms`], under paused time: sockets are
/// [`ConnLink`]s, the store is in memory.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::PausedClock;
    use crate::config::ServeConfig;
    use crate::durability::DurabilityMode;
    use crate::store::MemoryStore;
    use tafel_shared::protocol::{Message, SyncMessage};
    use tafel_shared::roles::DocKind;
    use tokio::time::Instant;
    use yrs::{Doc, Text, Transact};

    struct Setup {
        rooms: Arc<Rooms>,
        store: Arc<MemoryStore>,
        key: DocKey,
    }

    fn setup(tune: impl FnOnce(&mut ServeConfig)) -> Setup {
        let mut config = ServeConfig::default();
        tune(&mut config);
        let store = Arc::new(MemoryStore::default());
        let storage = Storage::new(Arc::clone(&store) as _);
        let metrics = Arc::new(Metrics::default());
        let committer = Committer::start(
            storage.clone(),
            DurabilityMode::Strict,
            Duration::from_millis(200),
            Duration::from_secs(3600),
            Arc::clone(&metrics),
        );
        let rooms = Rooms::new(
            storage,
            committer,
            RoomConfig::from(&config),
            metrics,
            Arc::new(PausedClock::starting_at(1_000_000)),
        );
        let key = DocKey {
            board: BoardId::parse(&"r".repeat(22)).unwrap(),
            doc: DocKind::Content,
        };
        Setup { rooms, store, key }
    }

    /// Waits for a condition in 1 ms steps of paused time, so that time crawls
    /// (rather than jumps to the next room timer) while the writer thread works.
    async fn until(what: &str, mut cond: impl FnMut() -> bool) {
        for _ in 0..200_000 {
            if cond() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        panic!("gave up waiting for: {what}");
    }

    fn edit(client: u64, s: &str) -> Bytes {
        let doc = Doc::with_client_id(client);
        let text = doc.get_or_insert_text("t");
        let mut txn = doc.transact_mut();
        text.insert(&mut txn, 0, s);
        Bytes::from(Message::Sync(SyncMessage::Update(txn.encode_update_v1())).encode())
    }

    /// Every frame waiting in a socket's queue, decoded.
    fn drain(link: &mut ConnLink) -> Vec<Message> {
        std::iter::from_fn(|| link.outbound.try_recv())
            .map(|f| Message::decode(&f).unwrap())
            .collect()
    }

    fn has_update(msgs: &[Message]) -> bool {
        msgs.iter()
            .any(|m| matches!(m, Message::Sync(SyncMessage::Update(_))))
    }

    fn logged(s: &Setup) -> usize {
        s.rooms.storage.load_doc(&s.key).unwrap().log.len()
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_room_stays_its_grace_period_then_folds_and_unloads() {
        let s = setup(|c| c.room_grace_secs = 30);
        let a = s.rooms.join(s.key.clone(), Role::Editor).await.unwrap();
        assert!(a.send(edit(1, "kept")).await);
        until("the update is logged", || logged(&s) == 1).await;
        drop(a);
        let left = Instant::now();
        until("the room unloads", || {
            let gone = s.rooms.loaded() == 0;
            if !gone {
                assert!(
                    left.elapsed() < Duration::from_secs(40),
                    "still loaded long after the grace period"
                );
            }
            gone
        })
        .await;
        assert!(
            left.elapsed() >= Duration::from_secs(30),
            "unloaded after {:?}, before its grace period",
            left.elapsed()
        );
        let stored = s.rooms.storage.load_doc(&s.key).unwrap();
        assert!(stored.log.is_empty() && stored.snapshot.is_some(), "folded");
        let history = s.rooms.storage.history(&s.key).unwrap();
        assert_eq!(history.len(), 1, "a history snapshot at unload");
        assert!(
            history[0] >= 1_000_000 + 30_000,
            "stamped by the injected clock"
        );
    }

    /// A big board is neither encoded on its task when it unloads nor left
    /// unfolded: its fold and its last version are merged on the folder, and
    /// shutdown waits for them before its last flush.
    #[tokio::test(start_paused = true)]
    async fn a_big_board_folds_and_keeps_its_version_on_the_folder_at_shutdown() {
        use yrs::updates::decoder::Decode;
        let s = setup(|c| c.compact_after_updates = 1_000_000);
        let big = {
            let doc = Doc::with_client_id(7);
            let text = doc.get_or_insert_text("t");
            let mut txn = doc.transact_mut();
            text.insert(
                &mut txn,
                0,
                &"Platz ".repeat(persist::FOLD_ON_UNLOAD_FROM / 5),
            );
            txn.encode_update_v1()
        };
        s.rooms.storage.compact(&s.key, &big, 0).unwrap();
        let a = s.rooms.join(s.key.clone(), Role::Editor).await.unwrap();
        assert!(a.send(edit(1, "<eins>")).await);
        assert!(a.send(edit(2, "<zwei>")).await);
        until("both updates are logged", || logged(&s) == 2).await;
        s.rooms.folder.set_held(true);
        let rooms = Arc::clone(&s.rooms);
        let shutdown = tokio::spawn(async move { rooms.shutdown().await });
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!shutdown.is_finished(), "shutdown waits for the folder");
        assert_eq!(logged(&s), 2, "nothing folded while the folder is held");
        s.rooms.folder.set_held(false);
        shutdown.await.unwrap();
        let stored = s.rooms.storage.load_doc(&s.key).unwrap();
        assert!(stored.log.is_empty(), "folded before the process ends");
        let versions = s.rooms.storage.versions(&s.key.board).unwrap();
        assert_eq!(versions.len(), 1, "the last version is kept");
        for state in [
            stored.snapshot.unwrap(),
            s.rooms
                .storage
                .history_state(&s.key, versions[0].at_ms)
                .unwrap()
                .unwrap(),
        ] {
            let doc = Doc::new();
            let text = doc.get_or_insert_text("t");
            doc.transact_mut()
                .apply_update(yrs::Update::decode_v1(&state).unwrap())
                .unwrap();
            let kept = yrs::GetString::get_string(&text, &doc.transact());
            assert!(
                kept.contains("<eins>") && kept.contains("<zwei>") && kept.len() > big.len() / 2
            );
        }
        drop(a);
    }

    #[tokio::test(start_paused = true)]
    async fn a_rejoin_during_the_grace_period_keeps_the_room() {
        let s = setup(|c| c.room_grace_secs = 30);
        let a = s.rooms.join(s.key.clone(), Role::Editor).await.unwrap();
        drop(a);
        tokio::time::sleep(Duration::from_secs(20)).await;
        let mut b = s.rooms.join(s.key.clone(), Role::Editor).await.unwrap();
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(s.rooms.loaded(), 1, "a connected room never unloads");
        assert!(!drain(&mut b).is_empty(), "the rejoined socket is served");
    }

    #[tokio::test(start_paused = true)]
    async fn history_is_kept_at_its_interval_while_people_work() {
        let s = setup(|c| c.history_interval_mins = 10);
        let a = s.rooms.join(s.key.clone(), Role::Editor).await.unwrap();
        let started = Instant::now();
        assert!(a.send(edit(1, "first")).await);
        until("the update is logged", || logged(&s) == 1).await;
        tokio::time::sleep_until(started + Duration::from_secs(599)).await;
        assert!(
            s.rooms.storage.history(&s.key).unwrap().is_empty(),
            "no snapshot before the interval"
        );
        until("the first history snapshot", || {
            !s.rooms.storage.history(&s.key).unwrap().is_empty()
        })
        .await;
        assert!(started.elapsed() >= Duration::from_secs(600));
        // No change since: no second snapshot, however long it stays open.
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(s.rooms.storage.history(&s.key).unwrap().len(), 1);
        drop(a);
    }

    #[tokio::test(start_paused = true)]
    async fn updates_reach_others_only_once_durable_and_slow_readers_are_closed() {
        let s = setup(|c| c.send_queue_bytes = 256);
        let mut a = s.rooms.join(s.key.clone(), Role::Editor).await.unwrap();
        let mut b = s.rooms.join(s.key.clone(), Role::Viewer).await.unwrap();
        assert!(a.send(edit(1, "hello")).await);
        until("b receives the update", || has_update(&drain(&mut b))).await;
        assert_eq!(logged(&s), 1, "stored before it was shown");
        // b stops reading; a keeps writing until b's queue overflows. (One
        // batch always fits an empty queue, and one flush may release every
        // update sent so far as one batch: it takes a second to overflow.)
        let mut sent = 0;
        let mut closed = false;
        while !closed && sent < 2_000 {
            assert!(a.send(edit(100 + sent, &"x".repeat(40))).await);
            sent += 1;
            tokio::time::sleep(Duration::from_millis(2)).await;
            closed = matches!(b.kill.try_recv(), Ok(CloseCode::SlowConsumer));
        }
        assert!(closed, "b is closed as too slow");
        until("a is still served", || {
            logged(&s) == 1 + usize::try_from(sent).unwrap()
        })
        .await;
        assert!(a.kill.try_recv().is_err(), "the writer stays connected");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_disk_closes_the_room_and_shows_nothing_unstored() {
        let s = setup(|_| {});
        let a = s.rooms.join(s.key.clone(), Role::Editor).await.unwrap();
        let mut b = s.rooms.join(s.key.clone(), Role::Viewer).await.unwrap();
        drain(&mut b);
        s.store.set_failing(true);
        assert!(a.send(edit(1, "lost")).await);
        until("b is closed with storage failure", || {
            matches!(b.kill.try_recv(), Ok(CloseCode::StorageFailure))
        })
        .await;
        assert!(!has_update(&drain(&mut b)), "an unstored update was shown");
        until("the failed room leaves the registry", || {
            s.rooms.loaded() == 0
        })
        .await;
        // Even when the disk answers again, nothing is loaded from a store whose
        // cache may hold what the disk never took: the server must restart.
        s.store.set_failing(false);
        assert!(s.rooms.join(s.key.clone(), Role::Editor).await.is_err());
        assert_eq!(logged(&s), 0);
    }

    /// Folding the log of a big document takes long; it happens on the folder,
    /// so while a merge is held, the room goes on storing and showing updates,
    /// and the fold lands when it is let go, with nothing lost.
    #[tokio::test(start_paused = true)]
    async fn a_room_keeps_serving_while_its_log_is_folded() {
        let s = setup(|c| c.compact_after_updates = 3);
        s.rooms.folder.set_held(true);
        let a = s.rooms.join(s.key.clone(), Role::Editor).await.unwrap();
        let mut b = s.rooms.join(s.key.clone(), Role::Viewer).await.unwrap();
        drain(&mut b);
        let edits: Vec<String> = (0..10).map(|i| format!("<{i}>")).collect();
        for (i, e) in edits.iter().enumerate() {
            assert!(a.send(edit(10 + i as u64, e)).await);
            until("b receives the update", || has_update(&drain(&mut b))).await;
        }
        assert_eq!(logged(&s), 10, "no fold while the merge is held");
        s.rooms.folder.set_held(false);
        until("the log is folded", || {
            let stored = s.rooms.storage.load_doc(&s.key).unwrap();
            stored.snapshot.is_some() && stored.log.len() < 10
        })
        .await;
        use yrs::updates::decoder::Decode;
        let merged = s.rooms.storage.doc_state(&s.key).unwrap().unwrap();
        let doc = Doc::new();
        let text = doc.get_or_insert_text("t");
        doc.transact_mut()
            .apply_update(yrs::Update::decode_v1(&merged).unwrap())
            .unwrap();
        let stored_text = yrs::GetString::get_string(&text, &doc.transact());
        for e in &edits {
            assert!(
                stored_text.contains(e.as_str()),
                "{e} kept in {stored_text}"
            );
        }
        drop(a);
    }

    /// In a big room a cursor alone waits three paces for its batch (100
    /// peers: 6 ms instead of 2), so that it does not set back the next
    /// update's, and so it does in a room of 60, whose document changes go at
    /// once; in a small one it goes at once.
    #[tokio::test(start_paused = true)]
    async fn in_a_big_room_presence_alone_waits_three_paces() {
        let s = setup(|c| c.max_sockets_per_room = 1_000);
        let presence = |clock| {
            Bytes::from(
                Message::Awareness(tafel_shared::protocol::AwarenessUpdate {
                    entries: vec![tafel_shared::protocol::AwarenessEntry {
                        client_id: 9,
                        clock,
                        state: r#"{"cursor":{"x":1,"y":2}}"#.into(),
                    }],
                })
                .encode(),
            )
        };
        let got_presence = |link: &mut ConnLink| {
            drain(link)
                .iter()
                .any(|m| matches!(m, Message::Awareness(_)))
        };
        let mut links = Vec::new();
        for peers in [2usize, 60, 100] {
            while links.len() < peers {
                links.push(s.rooms.join(s.key.clone(), Role::Editor).await.unwrap());
            }
            // Long after the joins' batches: the first cursor goes at once,
            // and the next one waits for the pace after it.
            tokio::time::sleep(Duration::from_secs(1)).await;
            for link in links.iter_mut() {
                drain(link);
            }
            let mut waited = Vec::new();
            for clock in 1..=2 {
                let sent = Instant::now();
                assert!(links[0].send(presence(clock + peers as u64)).await);
                let reader = &mut links[1];
                until("the cursor arrives", || got_presence(reader)).await;
                waited.push(Instant::now() - sent);
            }
            let pace = Duration::from_millis(peers as u64 / 50);
            assert!(waited[0] <= Duration::from_millis(1), "{peers}: {waited:?}");
            assert!(
                waited[1] >= pace * 3 && waited[1] <= pace * 3 + Duration::from_millis(1),
                "{peers} peers: {waited:?}"
            );
        }
    }

    /// On one thread (the default test runtime), a disk that hangs must not stall
    /// sockets: the room task never calls the store itself.
    #[tokio::test(start_paused = true)]
    async fn a_hanging_disk_stalls_no_socket() {
        let s = setup(|_| {});
        let other = DocKey {
            board: BoardId::parse(&"o".repeat(22)).unwrap(),
            doc: DocKind::Content,
        };
        let a = s.rooms.join(s.key.clone(), Role::Editor).await.unwrap();
        let mut watcher = s.rooms.join(s.key.clone(), Role::Viewer).await.unwrap();
        drain(&mut watcher);
        s.store.set_stalled(true);
        assert!(a.send(edit(1, "waits for the disk")).await);
        // Meanwhile another board's sockets are served: presence goes round.
        let mut b = s.rooms.join(other.clone(), Role::Editor).await.unwrap();
        let presence = Message::Awareness(tafel_shared::protocol::AwarenessUpdate {
            entries: vec![tafel_shared::protocol::AwarenessEntry {
                client_id: 9,
                clock: 1,
                state: r#"{"user":{"name":"Bo"}}"#.into(),
            }],
        });
        assert!(b.send(Bytes::from(presence.encode())).await);
        until("the other board answers while the disk hangs", || {
            drain(&mut b)
                .iter()
                .any(|m| matches!(m, Message::Awareness(_)))
        })
        .await;
        assert!(
            !has_update(&drain(&mut watcher)),
            "nothing unstored is shown while the disk hangs"
        );
        s.store.set_stalled(false);
        until("the update is shown once stored", || {
            has_update(&drain(&mut watcher))
        })
        .await;
    }
}
