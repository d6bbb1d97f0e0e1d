//! The async edge around [`RoomCore`]: one task per loaded document, and the
//! registry that loads each document exactly once.
//!
//! A room task owns its core and its peers' send queues. Every document change is
//! appended to the store, given a durability ticket, and the frames that reveal it
//! are held until the group commit covers that ticket (strict mode). Peers whose send
//! queue is full are disconnected rather than silently skipped, so they resync.
//!
//! Lifecycle: the first connection spawns the task, which loads the document before
//! it reads its inbox, so later connections simply queue behind the load. When the
//! last peer leaves, the room waits a grace period, keeps a history snapshot, makes
//! everything durable and only then leaves the registry.

use crate::durability::{Committer, DurabilityMode};
use crate::metrics::Metrics;
use crate::room::{ConnId, Effects, Outgoing, RoomCore, RoomLimits, Target};
use crate::storage::{DocKey, Storage, StoredDoc};
use bytes::Bytes;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tafel_shared::ids::BoardId;
use tafel_shared::protocol::CloseCode;
use tafel_shared::roles::{DocKind, Role};
use tokio::sync::{mpsc, oneshot};

/// Room settings from the server configuration.
#[derive(Clone, Debug)]
pub struct RoomConfig {
    /// Limits enforced by the core.
    pub limits: RoomLimits,
    /// Bytes queued for one socket before it counts as too slow.
    pub send_queue_bytes: usize,
    /// How long an empty room stays loaded.
    pub grace: Duration,
    /// Compact the log after this many updates…
    pub compact_after_updates: usize,
    /// …or this many bytes.
    pub compact_after_bytes: usize,
    /// Keep a history snapshot after this much time with changes.
    pub history_interval: Duration,
    /// History snapshots kept per document.
    pub history_keep: usize,
}

impl Default for RoomConfig {
    fn default() -> Self {
        Self {
            limits: RoomLimits::default(),
            send_queue_bytes: 8 << 20,
            grace: Duration::from_secs(30),
            compact_after_updates: 500,
            compact_after_bytes: 4 << 20,
            history_interval: Duration::from_secs(600),
            history_keep: 48,
        }
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

enum Cmd {
    Join {
        conn: ConnId,
        role: Role,
        out: Outbox,
        kill: oneshot::Sender<CloseCode>,
        reply: oneshot::Sender<Result<(), CloseCode>>,
    },
    Frame {
        conn: ConnId,
        bytes: Bytes,
    },
    Leave {
        conn: ConnId,
    },
    KickRole {
        role: Role,
        code: CloseCode,
    },
    Evict {
        code: CloseCode,
        save: bool,
        done: oneshot::Sender<()>,
    },
}

#[derive(Clone)]
struct RoomHandle {
    tx: mpsc::Sender<Cmd>,
    generation: u64,
}

#[derive(Default)]
struct Registry {
    rooms: HashMap<DocKey, RoomHandle>,
    /// Boards deleted recently: connections that passed authentication just before
    /// the deletion must not load them again.
    deleted: HashMap<BoardId, Instant>,
    /// Last document change per board (ms), for "updated" in the board API.
    last_change: HashMap<BoardId, u64>,
    closing: bool,
}

/// Every loaded room.
pub struct Rooms {
    registry: Mutex<Registry>,
    storage: Storage,
    committer: Arc<Committer>,
    config: RoomConfig,
    metrics: Arc<Metrics>,
    next_conn: AtomicU64,
    next_generation: AtomicU64,
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

/// How long a deleted board's id stays refused in memory (the store has no trace).
const TOMBSTONE_TTL: Duration = Duration::from_secs(300);

impl Rooms {
    /// Creates the registry.
    pub fn new(
        storage: Storage,
        committer: Arc<Committer>,
        config: RoomConfig,
        metrics: Arc<Metrics>,
    ) -> Arc<Self> {
        Arc::new(Self {
            registry: Mutex::new(Registry::default()),
            storage,
            committer,
            config,
            metrics,
            next_conn: AtomicU64::new(1),
            next_generation: AtomicU64::new(1),
        })
    }

    fn registry(&self) -> MutexGuard<'_, Registry> {
        // Every critical section leaves the maps consistent, so a poisoned lock is not
        // a reason to stop serving.
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Documents loaded now.
    pub fn loaded(&self) -> usize {
        self.registry().rooms.len()
    }

    /// The last document change of a board this process has seen (ms).
    pub fn last_change(&self, board: &BoardId) -> Option<u64> {
        self.registry().last_change.get(board).copied()
    }

    /// Connects a socket to a document, loading it if needed.
    pub async fn join(self: &Arc<Self>, key: DocKey, role: Role) -> Result<ConnLink, CloseCode> {
        let conn = self.next_conn.fetch_add(1, Ordering::Relaxed);
        // A room that is unloading refuses by dropping the join; the retry then finds
        // (or loads) a fresh room from the durable state.
        for _ in 0..4 {
            let handle = self.handle_for(&key)?;
            let (out_tx, out_rx) = outbox(self.config.send_queue_bytes);
            let (kill_tx, kill_rx) = oneshot::channel();
            let (reply_tx, reply_rx) = oneshot::channel();
            let join = Cmd::Join {
                conn,
                role,
                out: out_tx,
                kill: kill_tx,
                reply: reply_tx,
            };
            if handle.tx.send(join).await.is_err() {
                continue;
            }
            match reply_rx.await {
                Ok(Ok(())) => {
                    return Ok(ConnLink {
                        conn,
                        outbound: out_rx,
                        kill: kill_rx,
                        room: handle.tx,
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
        if reg.closing {
            return Err(CloseCode::GoingAway);
        }
        reg.deleted.retain(|_, at| at.elapsed() < TOMBSTONE_TTL);
        if reg.deleted.contains_key(&key.board) {
            return Err(CloseCode::BoardDeleted);
        }
        if let Some(h) = reg.rooms.get(key) {
            return Ok(h.clone());
        }
        // The inbox is bounded: a flood of frames waits at the sockets, not in memory.
        let (tx, rx) = mpsc::channel(1024);
        let handle = RoomHandle {
            tx,
            generation: self.next_generation.fetch_add(1, Ordering::Relaxed),
        };
        reg.rooms.insert(key.clone(), handle.clone());
        self.metrics.loaded_rooms.set(reg.rooms.len() as i64);
        drop(reg);
        let rooms = Arc::clone(self);
        let key = key.clone();
        let generation = handle.generation;
        tokio::spawn(async move { run_room(rooms, key, generation, rx).await });
        Ok(handle)
    }

    /// Removes a room from the registry if it is still the one registered.
    fn unregister(&self, key: &DocKey, generation: u64) {
        let mut reg = self.registry();
        if reg
            .rooms
            .get(key)
            .is_some_and(|h| h.generation == generation)
        {
            reg.rooms.remove(key);
        }
        self.metrics.loaded_rooms.set(reg.rooms.len() as i64);
    }

    fn handles_of(&self, board: &BoardId) -> Vec<RoomHandle> {
        self.registry()
            .rooms
            .iter()
            .filter(|(k, _)| &k.board == board)
            .map(|(_, h)| h.clone())
            .collect()
    }

    /// Closes every socket of `board` opened with `role` (after a token rotation).
    pub async fn kick_role(&self, board: &BoardId, role: Role, code: CloseCode) {
        for h in self.handles_of(board) {
            let _ = h.tx.send(Cmd::KickRole { role, code }).await;
        }
    }

    /// Closes every socket of a board being deleted and unloads its rooms without
    /// saving; later connections are refused.
    pub async fn evict_board(&self, board: &BoardId) {
        let handles = {
            let mut reg = self.registry();
            reg.deleted.insert(board.clone(), Instant::now());
            reg.last_change.remove(board);
            reg.rooms
                .iter()
                .filter(|(k, _)| &k.board == board)
                .map(|(_, h)| h.clone())
                .collect::<Vec<_>>()
        };
        evict(handles, CloseCode::BoardDeleted, false).await;
    }

    /// Graceful shutdown: refuse new sockets, close open ones with "going away",
    /// keep a history snapshot of every room and make everything durable.
    pub async fn shutdown(&self) {
        let handles: Vec<RoomHandle> = {
            let mut reg = self.registry();
            reg.closing = true;
            reg.rooms.values().cloned().collect()
        };
        evict(handles, CloseCode::GoingAway, true).await;
        if !self.committer.flush_now().await {
            tracing::error!("final flush failed at shutdown");
        }
    }

    fn touch(&self, board: &BoardId, at_ms: u64) {
        self.registry().last_change.insert(board.clone(), at_ms);
    }
}

async fn evict(handles: Vec<RoomHandle>, code: CloseCode, save: bool) {
    let mut waits = Vec::new();
    for h in handles {
        let (done, wait) = oneshot::channel();
        if h.tx.send(Cmd::Evict { code, save, done }).await.is_ok() {
            waits.push(wait);
        }
    }
    for w in waits {
        let _ = w.await;
    }
}

/// The room's end of a socket's send queue. The queue is bounded in bytes, not
/// frames: group commit releases updates in batches, and what must stay bounded is
/// the memory a client that stopped reading can pin.
pub struct Outbox {
    tx: mpsc::UnboundedSender<Bytes>,
    queued: Arc<AtomicUsize>,
    limit: usize,
}

/// The socket's end of its send queue.
pub struct Inbox {
    rx: mpsc::UnboundedReceiver<Bytes>,
    queued: Arc<AtomicUsize>,
}

fn outbox(limit: usize) -> (Outbox, Inbox) {
    let (tx, rx) = mpsc::unbounded_channel();
    let queued = Arc::new(AtomicUsize::new(0));
    (
        Outbox {
            tx,
            queued: Arc::clone(&queued),
            limit,
        },
        Inbox { rx, queued },
    )
}

enum PushError {
    /// The client has more than the limit waiting.
    Full,
    /// The socket is gone.
    Closed,
}

impl Outbox {
    fn push(&self, frame: Bytes) -> Result<(), PushError> {
        let len = frame.len();
        let queued = self.queued.load(Ordering::Acquire);
        // One frame always fits, however large (a big board's first sync).
        if queued > 0 && queued + len > self.limit {
            return Err(PushError::Full);
        }
        self.queued.fetch_add(len, Ordering::AcqRel);
        self.tx.send(frame).map_err(|_| PushError::Closed)
    }
}

impl Inbox {
    /// The next frame to write, or `None` once the room let go of the socket.
    pub async fn recv(&mut self) -> Option<Bytes> {
        let frame = self.rx.recv().await?;
        self.queued.fetch_sub(frame.len(), Ordering::AcqRel);
        Some(frame)
    }

    /// The next frame if one is already waiting.
    pub fn try_recv(&mut self) -> Option<Bytes> {
        let frame = self.rx.try_recv().ok()?;
        self.queued.fetch_sub(frame.len(), Ordering::AcqRel);
        Some(frame)
    }
}

struct Peer {
    out: Outbox,
    kill: Option<oneshot::Sender<CloseCode>>,
}

struct RoomTask {
    rooms: Arc<Rooms>,
    key: DocKey,
    core: RoomCore,
    peers: HashMap<ConnId, Peer>,
    next_seq: u64,
    /// Ticket of this room's latest write.
    last_ticket: u64,
    /// Frames waiting for durability, with the ticket they wait for, in order.
    held: VecDeque<(u64, Vec<Outgoing>)>,
    /// Changes since the last history snapshot.
    dirty_for_history: bool,
    last_history: Instant,
}

enum Flow {
    Continue,
    /// The room cannot go on (store failure, poisoned document): close everyone and
    /// drop the in-memory state; the next connection reloads what is durable.
    Fail(CloseCode),
}

/// A socket that joined while its document was still loading.
struct EarlyPeer {
    conn: ConnId,
    role: Role,
    out: Outbox,
    kill: oneshot::Sender<CloseCode>,
}

/// What happened while a document loaded: who joined, and what they sent that
/// must still be handled, in order.
enum Early {
    Admit(EarlyPeer),
    Cmd(Cmd),
}

/// Whether a step 1 comes from a client that holds nothing yet.
fn is_fresh_step1(bytes: &[u8]) -> bool {
    use yrs::updates::decoder::Decode;
    match tafel_shared::protocol::Message::decode(bytes) {
        Ok(tafel_shared::protocol::Message::Sync(tafel_shared::protocol::SyncMessage::Step1(
            sv,
        ))) => yrs::StateVector::decode_v1(&sv).is_ok_and(|sv| sv.is_empty()),
        _ => false,
    }
}

/// The stored document as a step 2 for a client that holds nothing, when the
/// store holds it as one snapshot (the log was folded when the room last unloaded).
/// While the document loads nothing else exists that is not in the store, so this
/// is the whole document. With a log to replay, the client waits for the load.
fn stored_as_step2(stored: &StoredDoc) -> Option<Bytes> {
    use tafel_shared::protocol::{Message, SyncMessage};
    if !stored.log.is_empty() {
        return None;
    }
    let snapshot = stored
        .snapshot
        .clone()
        .unwrap_or_else(|| yrs::Update::EMPTY_V1.to_vec());
    Some(Bytes::from(
        Message::Sync(SyncMessage::Step2(snapshot)).encode(),
    ))
}

async fn run_room(rooms: Arc<Rooms>, key: DocKey, generation: u64, mut rx: mpsc::Receiver<Cmd>) {
    let load_started = Instant::now();
    // Subscribed before any update is handled, so no flush can go unnoticed.
    let mut durable = rooms.committer.subscribe();
    let storage = rooms.storage.clone();
    let read_key = key.clone();
    let stored = match tokio::task::spawn_blocking(move || storage.load_doc(&read_key)).await {
        Ok(Ok(stored)) => Arc::new(stored),
        Ok(Err(e)) => {
            tracing::error!(doc = %key, error = %e, "could not read document");
            rooms.metrics.store_errors.inc();
            refuse_all(&rooms, &key, generation, rx, CloseCode::StorageFailure);
            return;
        }
        Err(e) => {
            tracing::error!(doc = %key, error = %e, "document read task failed");
            refuse_all(&rooms, &key, generation, rx, CloseCode::InternalError);
            return;
        }
    };
    let next_seq = stored.log.last().map_or(1, |(s, _)| s + 1);
    let limits = rooms.config.limits.clone();
    let for_load = Arc::clone(&stored);
    let kind = key.doc;
    let mut loading = tokio::task::spawn_blocking(move || {
        RoomCore::load(kind, for_load.snapshot.as_deref(), &for_load.log, limits)
    });
    // Integrating a big board in yrs takes a while (BENCHMARKS.md): meanwhile,
    // sockets join, and a client that holds nothing gets the stored bytes at once.
    let mut early: Vec<Early> = Vec::new();
    let fast_step2 = stored_as_step2(&stored);
    let loaded = loop {
        tokio::select! {
            biased;
            result = &mut loading => break result,
            cmd = rx.recv() => match cmd {
                None => return,
                Some(Cmd::Join { conn, role, out, kill, reply }) => {
                    let _ = reply.send(Ok(()));
                    early.push(Early::Admit(EarlyPeer { conn, role, out, kill }));
                }
                Some(Cmd::Frame { conn, bytes }) if fast_step2.is_some() && is_fresh_step1(&bytes) => {
                    let peer = early.iter().find_map(|e| match e {
                        Early::Admit(p) if p.conn == conn => Some(p),
                        _ => None,
                    });
                    match (peer, &fast_step2) {
                        (Some(peer), Some(step2)) => {
                            let _ = peer.out.push(step2.clone());
                        }
                        _ => early.push(Early::Cmd(Cmd::Frame { conn, bytes })),
                    }
                }
                Some(Cmd::Evict { code, done, .. }) => {
                    for e in early {
                        if let Early::Admit(p) = e {
                            let _ = p.kill.send(code);
                        }
                    }
                    rooms.unregister(&key, generation);
                    rx.close();
                    let _ = done.send(());
                    return;
                }
                Some(cmd) => early.push(Early::Cmd(cmd)),
            },
        }
    };
    drop(stored);
    let core = match loaded {
        Ok(Ok((core, skipped))) => {
            rooms
                .metrics
                .room_load_seconds
                .observe(load_started.elapsed().as_secs_f64());
            if skipped > 0 {
                tracing::error!(doc = %key, skipped, "skipped log entries that do not decode");
            }
            core
        }
        Ok(Err(e)) => {
            tracing::error!(doc = %key, error = %e, "could not load document");
            rooms.metrics.store_errors.inc();
            close_early(early, CloseCode::StorageFailure);
            refuse_all(&rooms, &key, generation, rx, CloseCode::StorageFailure);
            return;
        }
        Err(e) => {
            tracing::error!(doc = %key, error = %e, "document load task failed");
            close_early(early, CloseCode::InternalError);
            refuse_all(&rooms, &key, generation, rx, CloseCode::InternalError);
            return;
        }
    };
    let mut task = RoomTask {
        rooms: Arc::clone(&rooms),
        key: key.clone(),
        core,
        peers: HashMap::new(),
        next_seq,
        last_ticket: 0,
        held: VecDeque::new(),
        dirty_for_history: false,
        last_history: Instant::now(),
    };
    for e in early {
        let flow = match e {
            Early::Admit(p) => task.admit(p.conn, p.role, p.out, p.kill),
            Early::Cmd(cmd) => task.command(cmd),
        };
        if let Flow::Fail(code) = flow {
            task.close_all(code);
            rooms.unregister(&key, generation);
            return;
        }
    }
    let mut empty_since: Option<tokio::time::Instant> = Some(tokio::time::Instant::now());
    let mut history_tick = tokio::time::interval(rooms.config.history_interval);
    history_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let grace_deadline = empty_since.map(|t| t + rooms.config.grace);
        let flow = tokio::select! {
            cmd = rx.recv() => match cmd {
                None => return,
                Some(Cmd::Evict { code, save, done }) => {
                    task.close_all(code);
                    if save {
                        task.checkpoint();
                    }
                    rooms.unregister(&key, generation);
                    rx.close();
                    let _ = done.send(());
                    return;
                }
                Some(cmd) => task.command(cmd),
            },
            changed = durable.changed(), if !task.held.is_empty() => {
                if changed.is_err() {
                    return;
                }
                let state = *durable.borrow_and_update();
                task.release_held(state)
            }
            _ = history_tick.tick() => {
                if task.dirty_for_history && task.last_history.elapsed() >= rooms.config.history_interval {
                    task.save_history();
                }
                Flow::Continue
            }
            _ = sleep_until_opt(grace_deadline) => {
                // Empty for the whole grace period: save, make durable, leave.
                task.checkpoint();
                let durable_ok = rooms.committer.flush_now().await;
                if !durable_ok {
                    tracing::error!(doc = %key, "flush before unload failed");
                }
                let mut reg = rooms.registry();
                if !rx.is_empty() {
                    // Someone joined meanwhile: stay.
                    drop(reg);
                    empty_since = None;
                    continue;
                }
                if reg.rooms.get(&key).is_some_and(|h| h.generation == generation) {
                    reg.rooms.remove(&key);
                }
                rooms.metrics.loaded_rooms.set(reg.rooms.len() as i64);
                return;
            }
        };
        if let Flow::Fail(code) = flow {
            tracing::warn!(doc = %key, reason = code.reason(), "room failed; its peers reconnect to a reload");
            task.close_all(code);
            rooms.unregister(&key, generation);
            // Joins already queued are dropped with the inbox; they retry and load afresh.
            return;
        }
        empty_since = match (task.peers.is_empty(), empty_since) {
            (true, None) => Some(tokio::time::Instant::now()),
            (true, since) => since,
            (false, _) => None,
        };
    }
}

async fn sleep_until_opt(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

fn close_early(early: Vec<Early>, code: CloseCode) {
    for e in early {
        if let Early::Admit(p) = e {
            let _ = p.kill.send(code);
        }
    }
}

fn refuse_all(
    rooms: &Rooms,
    key: &DocKey,
    generation: u64,
    mut rx: mpsc::Receiver<Cmd>,
    code: CloseCode,
) {
    rooms.unregister(key, generation);
    rx.close();
    while let Ok(cmd) = rx.try_recv() {
        match cmd {
            Cmd::Join { reply, .. } => {
                let _ = reply.send(Err(code));
            }
            Cmd::Evict { done, .. } => {
                let _ = done.send(());
            }
            _ => {}
        }
    }
}

impl RoomTask {
    fn command(&mut self, cmd: Cmd) -> Flow {
        match cmd {
            Cmd::Join {
                conn,
                role,
                out,
                kill,
                reply,
            } => {
                if let Err(code) = self.core.join_allowed() {
                    self.rooms.metrics.refuse(code.reason());
                    let _ = reply.send(Err(code));
                    return Flow::Continue;
                }
                let _ = reply.send(Ok(()));
                self.admit(conn, role, out, kill)
            }
            Cmd::Frame { conn, bytes } => {
                if !self.peers.contains_key(&conn) {
                    return Flow::Continue;
                }
                match self.core.handle(conn, &bytes) {
                    Ok(fx) => {
                        if fx.denied {
                            self.rooms.metrics.refuse("permission denied");
                        }
                        self.apply(fx)
                    }
                    Err(code) => {
                        self.rooms.metrics.refuse(code.reason());
                        if self.core.is_poisoned() {
                            return Flow::Fail(CloseCode::InternalError);
                        }
                        self.kick(conn, code);
                        Flow::Continue
                    }
                }
            }
            Cmd::Leave { conn } => {
                if self.peers.remove(&conn).is_some() {
                    self.rooms.metrics.open_sockets.dec();
                }
                let fx = self.core.leave(conn);
                self.apply(fx)
            }
            Cmd::KickRole { role, code } => {
                for conn in self.core.peers_with_role(role) {
                    self.kick(conn, code);
                }
                Flow::Continue
            }
            // Handled by the loop, which must also stop.
            Cmd::Evict { .. } => Flow::Continue,
        }
    }

    /// Adds a socket whose join was accepted.
    fn admit(
        &mut self,
        conn: ConnId,
        role: Role,
        out: Outbox,
        kill: oneshot::Sender<CloseCode>,
    ) -> Flow {
        match self.core.join(conn, role) {
            Ok(fx) => {
                self.peers.insert(
                    conn,
                    Peer {
                        out,
                        kill: Some(kill),
                    },
                );
                self.rooms.metrics.open_sockets.inc();
                self.apply(fx)
            }
            Err(code) => {
                self.rooms.metrics.refuse(code.reason());
                let _ = kill.send(code);
                Flow::Continue
            }
        }
    }

    fn apply(&mut self, fx: Effects) -> Flow {
        if let Some(update) = fx.persist {
            let seq = self.next_seq;
            if let Err(e) = self.rooms.storage.append_update(&self.key, seq, &update) {
                self.rooms.metrics.store_errors.inc();
                tracing::error!(doc = %self.key, error = %e, "could not store an update");
                return Flow::Fail(CloseCode::StorageFailure);
            }
            self.next_seq += 1;
            self.last_ticket = self.rooms.committer.wrote();
            self.dirty_for_history = true;
            self.rooms.metrics.updates_in.inc();
            self.rooms
                .metrics
                .update_bytes_in
                .inc_by(update.len() as u64);
            self.rooms.touch(&self.key.board, now_ms());
            if let Err(code) = self.maybe_compact() {
                return Flow::Fail(code);
            }
        }
        self.dispatch(fx.now);
        if fx.held.is_empty() {
            return Flow::Continue;
        }
        let durable = self.rooms.committer.durable();
        let must_wait = self.rooms.committer.mode() == DurabilityMode::Strict
            && (durable.upto < self.last_ticket || !self.held.is_empty());
        if must_wait {
            self.held.push_back((self.last_ticket, fx.held));
            Flow::Continue
        } else {
            self.dispatch(fx.held);
            Flow::Continue
        }
    }

    fn release_held(&mut self, durable: crate::durability::Durable) -> Flow {
        while let Some((ticket, _)) = self.held.front() {
            let ticket = *ticket;
            if durable.upto >= ticket {
                if let Some((_, frames)) = self.held.pop_front() {
                    self.dispatch(frames);
                }
            } else if durable.failed_upto >= ticket {
                return Flow::Fail(CloseCode::StorageFailure);
            } else {
                break;
            }
        }
        Flow::Continue
    }

    fn maybe_compact(&mut self) -> Result<(), CloseCode> {
        let (entries, bytes) = self.core.log_size();
        let cfg = &self.rooms.config;
        if entries < cfg.compact_after_updates && bytes < cfg.compact_after_bytes {
            return Ok(());
        }
        let snapshot = self.core.snapshot();
        self.fold_log(&snapshot)
    }

    /// Replaces the snapshot and the whole log with `snapshot` of the current state.
    fn fold_log(&mut self, snapshot: &[u8]) -> Result<(), CloseCode> {
        // Every update up to next_seq - 1 is in the snapshot.
        match self
            .rooms
            .storage
            .compact(&self.key, snapshot, self.next_seq - 1)
        {
            Ok(()) => {
                self.core.compacted(snapshot.len());
                self.last_ticket = self.rooms.committer.wrote();
                Ok(())
            }
            Err(e) => {
                self.rooms.metrics.store_errors.inc();
                tracing::error!(doc = %self.key, error = %e, "compaction failed");
                Err(CloseCode::StorageFailure)
            }
        }
    }

    fn save_history(&mut self) {
        if self.dirty_for_history {
            let state = self.core.snapshot();
            self.keep_history(&state);
        }
    }

    fn keep_history(&mut self, state: &[u8]) {
        let keep = self.rooms.config.history_keep;
        match self
            .rooms
            .storage
            .put_history(&self.key, now_ms(), state, keep)
        {
            Ok(()) => {
                self.rooms.committer.wrote();
                self.dirty_for_history = false;
                self.last_history = Instant::now();
            }
            Err(e) => {
                self.rooms.metrics.store_errors.inc();
                tracing::error!(doc = %self.key, error = %e, "could not keep a history snapshot");
            }
        }
    }

    /// Before the room unloads: fold the log into the snapshot, so the next load
    /// decodes one update instead of replaying the log, and keep a history state.
    fn checkpoint(&mut self) {
        let (entries, _) = self.core.log_size();
        if entries == 0 && !self.dirty_for_history {
            return;
        }
        let state = self.core.snapshot();
        if entries > 0 {
            // A failure is logged and counted; the log still holds every update.
            let _ = self.fold_log(&state);
        }
        if self.dirty_for_history {
            self.keep_history(&state);
        }
    }

    fn dispatch(&mut self, frames: Vec<Outgoing>) {
        for Outgoing { target, frame } in frames {
            let receivers: Vec<ConnId> = match target {
                Target::One(c) => vec![c],
                Target::Others(c) => self.peers.keys().copied().filter(|p| *p != c).collect(),
                Target::All => self.peers.keys().copied().collect(),
            };
            for conn in receivers {
                let Some(peer) = self.peers.get(&conn) else {
                    continue;
                };
                match peer.out.push(frame.clone()) {
                    Ok(()) => {
                        self.rooms.metrics.frames_out.inc();
                        self.rooms.metrics.bytes_out.inc_by(frame.len() as u64);
                    }
                    Err(PushError::Full) => {
                        self.rooms.metrics.refuse(CloseCode::SlowConsumer.reason());
                        self.kick(conn, CloseCode::SlowConsumer);
                    }
                    Err(PushError::Closed) => {
                        // The socket is gone; its Leave is on the way or was dropped.
                        self.kick(conn, CloseCode::GoingAway);
                    }
                }
            }
        }
    }

    /// Closes one peer's socket and tells the others it left.
    fn kick(&mut self, conn: ConnId, code: CloseCode) {
        if let Some(mut peer) = self.peers.remove(&conn) {
            self.rooms.metrics.open_sockets.dec();
            if let Some(kill) = peer.kill.take() {
                let _ = kill.send(code);
            }
        }
        let fx = self.core.leave(conn);
        self.dispatch(fx.now);
    }

    fn close_all(&mut self, code: CloseCode) {
        for conn in self.core.peer_ids() {
            if let Some(mut peer) = self.peers.remove(&conn) {
                self.rooms.metrics.open_sockets.dec();
                if let Some(kill) = peer.kill.take() {
                    let _ = kill.send(code);
                }
            }
            self.core.leave(conn);
        }
    }
}

/// The documents of a board, for loops over all of them.
pub fn doc_keys(board: &BoardId) -> impl Iterator<Item = DocKey> + '_ {
    DocKind::ALL.into_iter().map(|doc| DocKey {
        board: board.clone(),
        doc,
    })
}
