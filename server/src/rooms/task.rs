//! The room task: one per loaded document. It owns the [`RoomCore`] (and through it
//! every peer's send queue), feeds it the commands from sockets, submits what must be
//! stored, holds the frames that reveal a write until the write is durable (strict
//! mode), and unloads the room after its grace period.
//!
//! Peers whose send queue is full are disconnected rather than silently skipped, so
//! they resync. A room that cannot go on (storage failure, a document yrs panicked
//! on) closes every socket and leaves the registry; the next connection reloads what
//! is durable.

use super::loading::{Early, Loading};
use super::persist::Persistence;
use super::queue::{Outbox, PushError};
use super::{Cmd, Rooms};
use crate::durability::{DurabilityMode, Durable, Outcome, Ticket};
use crate::room::{ConnId, Effects, Member, Outgoing, RoomCore, Target};
use crate::storage::DocKey;
use std::collections::VecDeque;
use std::sync::Arc;
use tafel_shared::protocol::CloseCode;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

/// The room's hold on one socket: its send queue and the signal that closes it.
pub struct PeerLink {
    /// Frames to the socket.
    pub out: Outbox,
    /// Closes the socket with a code.
    pub kill: oneshot::Sender<CloseCode>,
}

impl PeerLink {
    pub(crate) fn close(self, code: CloseCode) {
        let _ = self.kill.send(code);
    }
}

enum Flow {
    Continue,
    /// The room cannot go on: close everyone and drop the in-memory state.
    Fail(CloseCode),
}

struct RoomTask {
    rooms: Arc<Rooms>,
    key: DocKey,
    core: RoomCore<PeerLink>,
    persist: Persistence,
    /// Writes not yet known durable, oldest first, each with the frames that wait
    /// for it (none in relaxed mode, where frames go at once and only a failure
    /// matters).
    unconfirmed: VecDeque<(Ticket, Vec<Outgoing>)>,
    /// Frames ready to go, sent together once the commands that arrived
    /// together are handled: each socket gets them as one batch, one wake-up
    /// of its task and one write.
    outgoing: Vec<Outgoing>,
    /// Whether the gathered frames hold document state, not only presence
    /// and answers, which may wait longer for their batch.
    gathered_state: bool,
}

/// Most frames gathered before they go out even while commands keep coming.
const MOST_GATHERED: usize = 256;

/// Every peer costs the server one TCP send per batch: a big room sends at
/// most one batch per this many milliseconds per fifty peers (so at most every
/// 10 ms with 500 peers). What arrives meanwhile goes in the same batch.
const PACE_PER_50_PEERS_MS: u64 = 1;

/// Rooms smaller than this send document changes at once: each flush releases
/// a batch, and flushes come no faster than the disk syncs (50 peers: p99
/// 0.75–0.9 times that of a 1 ms pace, BENCHMARKS.md).
const PACED_FROM_PEERS: usize = 100;

/// The longest a frame waits for its batch.
const MOST_PACE: std::time::Duration = std::time::Duration::from_millis(10);

/// How many paces presence (cursors, selections) and answers wait for a
/// batch when no document change is gathered: a batch of a cursor alone then
/// no longer sets back the next update's batch (500 peers: update p50 0.75
/// times, BENCHMARKS.md), and cursors still move 30 times a second. Rooms too
/// small for a pace of document changes keep it for presence, which can come
/// from every peer many times a second.
const PRESENCE_PACES: u32 = 3;

/// How long after the last batch the next one may go, for `peers` peers, if
/// it holds only presence and answers or also document changes.
fn pace(peers: usize, presence_only: bool) -> std::time::Duration {
    let per_peers =
        std::time::Duration::from_millis(PACE_PER_50_PEERS_MS * (peers as u64 / 50)).min(MOST_PACE);
    if presence_only {
        per_peers * PRESENCE_PACES
    } else if peers < PACED_FROM_PEERS {
        std::time::Duration::ZERO
    } else {
        per_peers
    }
}

/// Loads the document, then serves it until it unloads or fails.
pub(crate) async fn run_room(
    rooms: Arc<Rooms>,
    key: DocKey,
    generation: u64,
    mut rx: mpsc::Receiver<Cmd>,
) {
    let load_started = Instant::now();
    // Subscribed before any write is submitted, so no progress goes unnoticed.
    let mut durable = rooms.committer.subscribe();
    if rooms.committer.halted().is_some() {
        // The store's cache may hold writes the disk never took: load nothing.
        return refuse_all(&rooms, &key, generation, rx, CloseCode::StorageFailure);
    }
    let storage = rooms.storage.clone();
    let read_key = key.clone();
    let stored = match tokio::task::spawn_blocking(move || storage.load_doc(&read_key)).await {
        Ok(Ok(stored)) => Arc::new(stored),
        Ok(Err(e)) => {
            tracing::error!(doc = %key, error = %e, "could not read document");
            rooms.metrics.store_errors.inc();
            return refuse_all(&rooms, &key, generation, rx, CloseCode::StorageFailure);
        }
        Err(e) => {
            tracing::error!(doc = %key, error = %e, "document read task failed");
            return refuse_all(&rooms, &key, generation, rx, CloseCode::InternalError);
        }
    };
    let next_seq = stored.next_seq();
    let limits = rooms.config.limits.clone();
    let for_load = Arc::clone(&stored);
    let kind = key.doc;
    let mut load = tokio::task::spawn_blocking(move || {
        let (mut core, skipped) =
            RoomCore::load(kind, for_load.snapshot.as_deref(), &for_load.log, limits)?;
        core.restore_workshop(for_load.workshop.as_deref())?;
        core.restore_activity(for_load.activity.as_deref());
        Ok::<_, crate::room::LoadError>((core, skipped))
    });
    let mut loading: Loading<PeerLink, Cmd> = Loading::new(&stored);
    drop(stored);
    let loaded = loop {
        tokio::select! {
            biased;
            result = &mut load => break result,
            cmd = rx.recv() => match cmd {
                None => return,
                Some(Cmd::Join { conn, member, out, kill, reply }) => {
                    let _ = reply.send(Ok(()));
                    loading.admit(conn, member, PeerLink { out, kill });
                }
                Some(Cmd::Frame { conn, bytes }) => {
                    if let Some((link, step2)) = loading.frame(conn, bytes, |bytes| Cmd::Frame { conn, bytes }) {
                        let _ = link.out.push(step2);
                    }
                }
                Some(Cmd::Evict { code, done, .. }) => {
                    close_early(loading.finish(), code);
                    rooms.unregister(&key, generation);
                    rx.close();
                    let _ = done.send(());
                    return;
                }
                Some(cmd) => loading.defer(cmd),
            },
        }
    };
    let early = loading.finish();
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
            return refuse_all(&rooms, &key, generation, rx, CloseCode::StorageFailure);
        }
        Err(e) => {
            tracing::error!(doc = %key, error = %e, "document load task failed");
            close_early(early, CloseCode::InternalError);
            return refuse_all(&rooms, &key, generation, rx, CloseCode::InternalError);
        }
    };
    let persist = Persistence::new(
        key.clone(),
        Arc::clone(&rooms.committer),
        Arc::clone(&rooms.folder),
        rooms.config.persist.clone(),
        next_seq,
        rooms.clock.now(),
    );
    let mut task = RoomTask {
        rooms: Arc::clone(&rooms),
        key: key.clone(),
        core,
        persist,
        unconfirmed: VecDeque::new(),
        outgoing: Vec::new(),
        gathered_state: false,
    };
    for e in early {
        let flow = match e {
            Early::Admit { conn, member, link } => task.admit(conn, member, link),
            Early::Later(cmd) => task.command(cmd),
        };
        if let Flow::Fail(code) = flow {
            return task.fail(code, generation, &mut durable).await;
        }
    }
    task.send_out();
    task.serve(generation, rx, durable).await;
}

impl RoomTask {
    async fn serve(
        mut self,
        generation: u64,
        mut rx: mpsc::Receiver<Cmd>,
        mut durable: watch::Receiver<Durable>,
    ) {
        let rooms = Arc::clone(&self.rooms);
        let clock = Arc::clone(&rooms.clock);
        // Sockets that joined while the document loaded are peers already.
        let mut empty_since: Option<Instant> = self.core.is_empty().then(|| clock.now());
        let history_every = rooms.config.persist.history_interval;
        let mut history_tick = tokio::time::interval_at(clock.now() + history_every, history_every);
        history_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_batch = clock.now();
        // When gathered frames are due to go, if they wait for the pace.
        let mut batch_due: Option<Instant> = None;
        loop {
            let grace_deadline = empty_since.map(|t| t + rooms.config.grace);
            // A round's time limit, as an instant on the room's clock.
            let workshop_deadline = self.core.deadline().map(|due_ms| {
                clock.now()
                    + std::time::Duration::from_millis(due_ms.saturating_sub(clock.unix_ms()))
            });
            let flow = tokio::select! {
                cmd = rx.recv() => match cmd {
                    None => return,
                    Some(Cmd::Evict { code, save, done }) => {
                        self.close_all(code);
                        if save {
                            self.persist.checkpoint(&mut self.core, clock.now(), clock.unix_ms());
                        }
                        rooms.unregister(&self.key, generation);
                        rx.close();
                        let _ = done.send(());
                        return;
                    }
                    Some(cmd) => self.command(cmd),
                },
                changed = durable.changed(), if !self.unconfirmed.is_empty() => {
                    if changed.is_err() {
                        return;
                    }
                    let state = durable.borrow_and_update().clone();
                    self.release(&state)
                }
                _ = history_tick.tick() => {
                    if self.persist.history_due(clock.now()) {
                        let active = self.core.take_writers();
                        let activity = self.core.activity().map(crate::activity::Activity::to_json);
                        // Merged from what is stored, off this task.
                        self.persist
                            .keep_history(None, clock.now(), clock.unix_ms(), active, activity);
                    }
                    Flow::Continue
                }
                _ = sleep_until_opt(workshop_deadline) => {
                    let fx = self.core.tick(clock.unix_ms());
                    self.apply(fx)
                }
                _ = sleep_until_opt(batch_due) => Flow::Continue,
                _ = sleep_until_opt(grace_deadline) => {
                    self.send_out();
                    // Empty for the whole grace period: save, make durable, leave.
                    self.persist.checkpoint(&mut self.core, clock.now(), clock.unix_ms());
                    if !rooms.committer.flush_now().await {
                        tracing::error!(doc = %self.key, "flush before unload failed");
                    }
                    if rooms.unregister_if_idle(&self.key, generation, &rx) {
                        return;
                    }
                    // Someone joined meanwhile: stay.
                    empty_since = None;
                    continue;
                }
            };
            if let Flow::Fail(code) = flow {
                return self.fail(code, generation, &mut durable).await;
            }
            // Frames wait while more commands are already queued (up to a
            // bound), so that what arrived together leaves together, and in
            // a big room until the pace allows the next batch.
            if !self.outgoing.is_empty() && (rx.is_empty() || self.outgoing.len() >= MOST_GATHERED)
            {
                let now = clock.now();
                let due = last_batch + pace(self.core.peer_count(), !self.gathered_state);
                if now >= due || self.outgoing.len() >= MOST_GATHERED {
                    self.send_out();
                    last_batch = now;
                    batch_due = None;
                } else {
                    batch_due = Some(due);
                }
            }
            empty_since = match (self.core.is_empty(), empty_since) {
                (true, None) => Some(clock.now()),
                (true, since) => since,
                (false, _) => None,
            };
        }
    }

    /// Closes everyone, waits until the writes already submitted have run (a
    /// reload must not read the log while this room's last appends are still
    /// queued, or it would reuse their sequence numbers), and leaves the registry.
    /// Joins already queued are dropped with the inbox; they retry and load afresh.
    async fn fail(
        mut self,
        code: CloseCode,
        generation: u64,
        durable: &mut watch::Receiver<Durable>,
    ) {
        tracing::warn!(doc = %self.key, reason = code.reason(), "room failed; its peers reconnect");
        self.close_all(code);
        let last = self.persist.last_ticket();
        let _ = durable
            .wait_for(|d| d.outcome(last) != Outcome::Pending)
            .await;
        self.rooms.unregister(&self.key, generation);
    }

    fn command(&mut self, cmd: Cmd) -> Flow {
        match cmd {
            Cmd::Join {
                conn,
                member,
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
                self.admit(conn, member, PeerLink { out, kill })
            }
            Cmd::Frame { conn, bytes } => {
                if self.core.link(conn).is_none() {
                    return Flow::Continue;
                }
                match self.core.handle(conn, &bytes, self.rooms.clock.unix_ms()) {
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
                let (link, fx) = self.core.leave(conn);
                if link.is_some() {
                    self.rooms.metrics.open_sockets.dec();
                }
                self.apply(fx)
            }
            Cmd::KickRole { role, code } => {
                for conn in self.core.peers_with_role(role) {
                    self.kick(conn, code);
                }
                Flow::Continue
            }
            Cmd::Restore { elements, done } => {
                let fx = self.core.restore(&elements, self.rooms.clock.unix_ms());
                let flow = self.apply(fx);
                // Submitted to the writer: the caller's flush makes it durable.
                let _ = done.send(());
                flow
            }
            Cmd::Activity { since_ms, reply } => {
                let list = self
                    .core
                    .activity()
                    .map(|a| a.since(since_ms))
                    .unwrap_or_default();
                let _ = reply.send(list);
                Flow::Continue
            }
            // Handled by the loop, which must also stop.
            Cmd::Evict { .. } => Flow::Continue,
        }
    }

    /// Adds a socket whose join was accepted.
    fn admit(&mut self, conn: ConnId, member: Member, link: PeerLink) -> Flow {
        match self.core.join(conn, member, link) {
            Ok(fx) => {
                self.rooms.metrics.open_sockets.inc();
                self.apply(fx)
            }
            Err((code, link)) => {
                self.rooms.metrics.refuse(code.reason());
                link.close(code);
                Flow::Continue
            }
        }
    }

    fn apply(&mut self, fx: Effects) -> Flow {
        let mut wrote = false;
        if let Some(update) = fx.persist {
            let metrics = &self.rooms.metrics;
            metrics.updates_in.inc();
            metrics.update_bytes_in.inc_by(update.len() as u64);
            self.persist.append(&mut self.core, update);
            self.rooms.touch(
                &self.key.board,
                self.rooms.clock.unix_ms(),
                fx.written_by.clone(),
            );
            wrote = true;
        }
        // After the update: a reveal's notes are on the board in the store before
        // the state that no longer holds them privately.
        if let Some(state) = fx.persist_workshop {
            self.persist.put_workshop(state);
            wrote = true;
        }
        let ticket = self.persist.last_ticket();
        let strict = self.rooms.committer.mode() == DurabilityMode::Strict;
        match self.unconfirmed.back_mut() {
            // Behind frames that wait for a flush, presence and answers wait
            // too (a millisecond or two): they keep their order and leave in
            // the same batch instead of waking every socket once more.
            Some((_, waiting)) if strict => waiting.extend(fx.now),
            _ => self.dispatch_presence(fx.now),
        }
        if !strict {
            self.dispatch(fx.held);
            if wrote {
                // Only to notice a failed write: nothing waits for it.
                self.unconfirmed.push_back((ticket, Vec::new()));
            }
            return Flow::Continue;
        }
        if fx.held.is_empty() {
            return Flow::Continue;
        }
        // Frames that reveal state wait for every write before them, and keep
        // their order behind frames already waiting.
        if self.unconfirmed.is_empty() && self.rooms.committer.outcome(ticket) == Outcome::Durable {
            self.dispatch(fx.held);
        } else {
            self.unconfirmed.push_back((ticket, fx.held));
        }
        Flow::Continue
    }

    fn release(&mut self, durable: &Durable) -> Flow {
        while let Some((ticket, _)) = self.unconfirmed.front() {
            match durable.outcome(*ticket) {
                Outcome::Pending => break,
                Outcome::Failed => return Flow::Fail(CloseCode::StorageFailure),
                Outcome::Durable => {
                    if let Some((_, frames)) = self.unconfirmed.pop_front() {
                        self.dispatch(frames);
                    }
                }
            }
        }
        Flow::Continue
    }

    /// Gathers frames to send; [`Self::send_out`] sends them.
    fn dispatch(&mut self, frames: Vec<Outgoing>) {
        self.gathered_state |= !frames.is_empty();
        self.outgoing.extend(frames);
    }

    /// Gathers presence and answers, which may wait longer in a big room.
    fn dispatch_presence(&mut self, frames: Vec<Outgoing>) {
        self.outgoing.extend(frames);
    }

    /// Sends every gathered frame: each socket gets the ones meant for it as
    /// one batch, in order. A socket whose queue is full is disconnected (it
    /// resyncs when it comes back), which may gather more frames: those go
    /// too.
    fn send_out(&mut self) {
        self.gathered_state = false;
        while !self.outgoing.is_empty() {
            let frames = std::mem::take(&mut self.outgoing);
            let mut failed: Vec<(ConnId, CloseCode)> = Vec::new();
            let metrics = &self.rooms.metrics;
            for (conn, link) in self.core.receivers(Target::All) {
                let batch: Vec<_> = frames
                    .iter()
                    .filter(|o| o.target.includes(conn))
                    .map(|o| o.frame.clone())
                    .collect();
                if batch.is_empty() {
                    continue;
                }
                let count = batch.len() as u64;
                let bytes: usize = batch.iter().map(bytes::Bytes::len).sum();
                match link.out.push_batch(batch) {
                    Ok(()) => {
                        metrics.frames_out.inc_by(count);
                        metrics.bytes_out.inc_by(bytes as u64);
                    }
                    Err(PushError::Full) => failed.push((conn, CloseCode::SlowConsumer)),
                    // The socket is gone; its Leave is on the way or was dropped.
                    Err(PushError::Closed) => failed.push((conn, CloseCode::GoingAway)),
                }
            }
            for (conn, code) in failed {
                if code == CloseCode::SlowConsumer {
                    self.rooms.metrics.refuse(code.reason());
                }
                self.kick(conn, code);
            }
        }
    }

    /// Closes one peer's socket and tells the others it left.
    fn kick(&mut self, conn: ConnId, code: CloseCode) {
        let (link, fx) = self.core.leave(conn);
        if let Some(link) = link {
            self.rooms.metrics.open_sockets.dec();
            link.close(code);
        }
        self.dispatch_presence(fx.now);
    }

    fn close_all(&mut self, code: CloseCode) {
        for conn in self.core.peer_ids() {
            if let (Some(link), _) = self.core.leave(conn) {
                self.rooms.metrics.open_sockets.dec();
                link.close(code);
            }
        }
    }
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

fn close_early(early: Vec<Early<PeerLink, Cmd>>, code: CloseCode) {
    for e in early {
        if let Early::Admit { link, .. } = e {
            link.close(code);
        }
    }
}

pub(crate) fn refuse_all(
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A room of up to a hundred sends document changes as their flush
    /// releases them; a bigger one paces them by its size, and presence
    /// alone waits three paces in any room of fifty or more.
    #[test]
    fn small_rooms_send_changes_at_once_and_every_room_paces_presence_by_its_size() {
        let ms = Duration::from_millis;
        for (peers, changes, presence) in [
            (2, ms(0), ms(0)),
            (60, ms(0), ms(3)),
            (99, ms(0), ms(3)),
            (100, ms(2), ms(6)),
            (500, ms(10), ms(30)),
            (2_000, ms(10), ms(30)),
        ] {
            assert_eq!(pace(peers, false), changes, "{peers} peers, changes");
            assert_eq!(pace(peers, true), presence, "{peers} peers, presence");
        }
    }
}
