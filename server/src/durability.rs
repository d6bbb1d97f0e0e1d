//! The storage writer and its group commit: every write to the store runs on one
//! dedicated thread, in the order it was submitted, and one flush makes a whole
//! group of writes durable.
//!
//! Why one thread: sled calls block (they may wait for the disk), and a room task or
//! HTTP handler that blocked would stall every socket on its async worker thread. The
//! room submits a write and gets a ticket at once; the frames that reveal the write
//! wait until the writer publishes that the ticket is durable. Submission order is
//! execution order, which keeps each document's log, compaction and deletion in
//! sequence without locks.
//!
//! Flushes are pipelined: the writer hands each group to one of two flusher
//! threads and goes on writing, so a write that arrives while a flush is in flight
//! starts its own flush at once instead of waiting for that one to end first (one
//! fsync of waiting, not two). Groups that queue up while both flushers are busy
//! share the next flush, so under load one fsync serves many updates. A ticket
//! counts as durable only once every flush before it has finished too.
//!
//! A failed critical write or flush **halts** the writer for good (fail-stop): its
//! tickets and every later one count as failed, nothing more is written, and the
//! server stops and exits non-zero so that a supervisor restarts it on what the
//! disk really holds. Why not carry on: after a failed fsync the kernel may have
//! dropped the dirty pages while a later fsync reports success (the "fsync-retry"
//! hazard PostgreSQL met in 2018), and sled's page cache still holds the writes
//! that never reached the disk; a server that went on could show or count as
//! saved what is not. A write or flush that takes longer than the stall limit
//! (a disk that stopped answering) halts it the same way, watched from another
//! thread because the writer itself is stuck.

use crate::metrics::Metrics;
use crate::storage::Storage;
use crate::store::StoreError;
use std::collections::{BTreeMap, VecDeque};
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, watch};

/// When updates become durable relative to being relayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DurabilityMode {
    /// Durable before visible: an update is flushed before anyone else sees it.
    Strict,
    /// Relayed at once and flushed on an interval: a crash may lose the last
    /// interval of updates that clients had already seen.
    Relaxed,
}

/// Identifies one submitted write, in submission order.
pub type Ticket = u64;

/// How many failed ranges [`Durable`] remembers; rooms read the state long before
/// this many separate failures could pile up.
const FAILED_RANGES_KEPT: usize = 256;

/// What the writer has achieved so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Durable {
    /// Every ticket up to this one that did not fail is durable.
    pub upto: Ticket,
    /// Tickets whose write or flush failed (newest last).
    pub failed: VecDeque<RangeInclusive<Ticket>>,
    /// Why the writer stopped for good: every ticket past `upto` fails.
    pub halted: Option<Arc<str>>,
}

/// The fate of one ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Not written or not flushed yet.
    Pending,
    /// On disk.
    Durable,
    /// Its write or its flush failed: it may be lost.
    Failed,
}

impl Durable {
    /// What happened to `ticket`.
    pub fn outcome(&self, ticket: Ticket) -> Outcome {
        if self.failed.iter().any(|r| r.contains(&ticket)) {
            Outcome::Failed
        } else if self.upto >= ticket {
            Outcome::Durable
        } else if self.halted.is_some() {
            Outcome::Failed
        } else {
            Outcome::Pending
        }
    }

    fn fail(&mut self, range: RangeInclusive<Ticket>) {
        self.upto = self.upto.max(*range.end());
        self.failed.push_back(range);
        while self.failed.len() > FAILED_RANGES_KEPT {
            self.failed.pop_front();
        }
    }
}

/// A write, run on the writer thread.
pub type Job = Box<dyn FnOnce(&Storage) -> Result<(), StoreError> + Send>;

/// Whether a failed write must fail its ticket (and so its room).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stakes {
    /// Losing it loses data (log appends, compaction, board records).
    Critical,
    /// Losing it loses a convenience (a history snapshot): logged and counted only.
    BestEffort,
}

enum Msg {
    Write {
        ticket: Ticket,
        job: Job,
        stakes: Stakes,
        /// Whether the watchdog times it (reads of the whole store, such as a
        /// backup, may take longer than any write).
        watched: bool,
    },
    /// Flush now, whatever the mode; the ticket is durable when the flush is.
    Flush { ticket: Ticket },
}

struct Queue {
    next: Ticket,
    tx: std_mpsc::Sender<Msg>,
}

/// Hands out tickets, runs the writer thread and publishes its progress.
pub struct Committer {
    mode: DurabilityMode,
    queue: Mutex<Queue>,
    state: watch::Sender<Durable>,
}

/// When a storage thread (the writer or a flusher) started the job or flush it
/// is running (milliseconds since `epoch`, plus one; 0 when idle), for the
/// watchdog.
struct Busy {
    epoch: Instant,
    since: AtomicU64,
}

impl Busy {
    fn start(&self) {
        let ms = self.epoch.elapsed().as_millis() as u64 + 1;
        self.since.store(ms, Ordering::Release);
    }

    fn stop(&self) {
        self.since.store(0, Ordering::Release);
    }

    /// How long the current job or flush has run, if one runs.
    fn running_for(&self) -> Option<Duration> {
        match self.since.load(Ordering::Acquire) {
            0 => None,
            ms => Some(
                self.epoch
                    .elapsed()
                    .saturating_sub(Duration::from_millis(ms - 1)),
            ),
        }
    }
}

/// Halts the writer: every ticket not yet durable, and every later one, fails.
fn halt(state: &watch::Sender<Durable>, metrics: &Metrics, reason: String) {
    let mut first = false;
    state.send_modify(|d| {
        if d.halted.is_none() {
            first = true;
            d.halted = Some(reason.clone().into());
        }
    });
    if first {
        metrics.store_errors.inc();
        tracing::error!(
            reason,
            "storage halted: no further writes; the server stops so that it restarts on what the disk holds"
        );
    }
}

/// Most jobs one group runs before it flushes, so a flood of writes still gets
/// confirmed in steady steps.
const MAX_GROUP: usize = 4096;

impl Committer {
    /// Starts the writer thread. `interval` is the relaxed mode's flush period;
    /// a write or flush running longer than `stall_limit` halts the writer.
    pub fn start(
        storage: Storage,
        mode: DurabilityMode,
        interval: Duration,
        stall_limit: Duration,
        metrics: Arc<Metrics>,
    ) -> Arc<Self> {
        let (tx, rx) = std_mpsc::channel();
        let state = watch::Sender::new(Durable::default());
        let epoch = Instant::now();
        let new_busy = || {
            Arc::new(Busy {
                epoch,
                since: AtomicU64::new(0),
            })
        };
        let flushers = Arc::new(Flushers {
            storage: storage.clone(),
            metrics: Arc::clone(&metrics),
            state: state.clone(),
            queue: Mutex::new(FlushQueue::default()),
            wake: Condvar::new(),
        });
        let mut watched_threads = Vec::new();
        for n in 0..FLUSHERS {
            let busy = new_busy();
            watched_threads.push(Arc::downgrade(&busy));
            let flushers = Arc::clone(&flushers);
            if let Err(e) = std::thread::Builder::new()
                .name(format!("tafel-store-flush-{n}"))
                .spawn(move || flushers.run(&busy))
            {
                halt(
                    &state,
                    &metrics,
                    format!("could not start a store flusher thread: {e}"),
                );
            }
        }
        let busy = new_busy();
        watched_threads.push(Arc::downgrade(&busy));
        let writer = Writer {
            storage,
            mode,
            interval,
            metrics: Arc::clone(&metrics),
            state: state.clone(),
            busy,
            flushers,
        };
        if let Err(e) = std::thread::Builder::new()
            .name("tafel-store-writer".into())
            .spawn(move || writer.run(rx))
        {
            halt(
                &state,
                &metrics,
                format!("could not start the store writer thread: {e}"),
            );
        }
        let watched = state.clone();
        let _ = std::thread::Builder::new()
            .name("tafel-store-watchdog".into())
            .spawn(move || watchdog(&watched_threads, &watched, &metrics, stall_limit));
        Arc::new(Self {
            mode,
            queue: Mutex::new(Queue { next: 0, tx }),
            state,
        })
    }

    /// The durability mode.
    pub fn mode(&self) -> DurabilityMode {
        self.mode
    }

    fn queue(&self) -> MutexGuard<'_, Queue> {
        // The critical section only counts and sends; it cannot leave the queue
        // half-changed.
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn send(&self, make: impl FnOnce(Ticket) -> Msg) -> Ticket {
        // Ticket and send under one lock: the writer sees tickets in order, so
        // "every ticket up to n" means what it says.
        let mut q = self.queue();
        q.next += 1;
        let ticket = q.next;
        // A halted writer takes nothing more; the ticket fails by being past
        // what was durable.
        if self.state.borrow().halted.is_none() && q.tx.send(make(ticket)).is_err() {
            drop(q);
            // The writer thread is gone (it panicked): whatever it had queued
            // is lost, so nothing after what was durable may count as saved.
            self.state.send_modify(|d| {
                d.halted
                    .get_or_insert_with(|| "the store writer stopped unexpectedly".into());
            });
            tracing::error!("the store writer has stopped; storage halted");
        }
        ticket
    }

    /// Why the writer halted, if it did: the server must stop.
    pub fn halted(&self) -> Option<Arc<str>> {
        self.state.borrow().halted.clone()
    }

    /// Resolves once the writer halts.
    pub async fn wait_halted(&self) -> Arc<str> {
        let mut rx = self.subscribe();
        loop {
            if let Some(reason) = rx.borrow_and_update().halted.clone() {
                return reason;
            }
            if rx.changed().await.is_err() {
                return "the store writer is gone".into();
            }
        }
    }

    /// Queues a write; its ticket is durable once the writer has run it and flushed.
    pub fn submit(&self, stakes: Stakes, job: Job) -> Ticket {
        self.send(|ticket| Msg::Write {
            ticket,
            job,
            stakes,
            watched: true,
        })
    }

    /// Runs `job` on the writer thread (after every write queued before it) and
    /// returns its result once it ran; not yet durable (see [`Self::flush_now`]).
    /// An I/O failure in it halts the writer like a failed write: it may have
    /// changed board records.
    pub async fn call<R: Send + 'static>(
        &self,
        job: impl FnOnce(&Storage) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        self.call_with(true, job).await
    }

    /// [`Self::call`] for a read of the whole store (a backup): one consistent
    /// cut after every write queued before it, which the watchdog does not
    /// time, since it may take longer than any write.
    pub async fn read_all<R: Send + 'static>(
        &self,
        job: impl FnOnce(&Storage) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        self.call_with(false, job).await
    }

    async fn call_with<R: Send + 'static>(
        &self,
        watched: bool,
        job: impl FnOnce(&Storage) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |storage| {
            let result = job(storage);
            let io_failed = matches!(result, Err(StoreError::Io(_)));
            let _ = tx.send(result);
            if io_failed {
                Err(StoreError::io("a write through a call failed"))
            } else {
                Ok(())
            }
        });
        self.send(|ticket| Msg::Write {
            ticket,
            job,
            stakes: Stakes::Critical,
            watched,
        });
        rx.await
            .map_err(|_| StoreError::io("the store writer has stopped"))?
    }

    /// What happened to `ticket` so far (read in place: rooms ask on every update).
    pub fn outcome(&self, ticket: Ticket) -> Outcome {
        self.state.borrow().outcome(ticket)
    }

    /// Watches the writer's progress.
    pub fn subscribe(&self) -> watch::Receiver<Durable> {
        self.state.subscribe()
    }

    /// Flushes now (whatever the mode) and waits until everything submitted so far
    /// is durable. `false` if that flush failed.
    pub async fn flush_now(&self) -> bool {
        let mut rx = self.subscribe();
        let ticket = self.send(|ticket| Msg::Flush { ticket });
        rx.wait_for(|d| d.outcome(ticket) != Outcome::Pending)
            .await
            .is_ok_and(|d| d.outcome(ticket) == Outcome::Durable)
    }
}

/// Halts the writer when a job or flush runs past `limit`; ends with the
/// writer and its flushers.
fn watchdog(
    busy: &[Weak<Busy>],
    state: &watch::Sender<Durable>,
    metrics: &Metrics,
    limit: Duration,
) {
    let every = (limit / 4).clamp(Duration::from_millis(10), Duration::from_secs(1));
    while state.borrow().halted.is_none() {
        std::thread::sleep(every);
        let threads: Vec<Arc<Busy>> = busy.iter().filter_map(Weak::upgrade).collect();
        if threads.is_empty() {
            return;
        }
        if threads
            .iter()
            .any(|b| b.running_for().is_some_and(|t| t > limit))
        {
            halt(
                state,
                metrics,
                format!(
                    "the disk did not finish a write within {} s",
                    limit.as_secs_f64()
                ),
            );
        }
    }
}

struct Writer {
    storage: Storage,
    mode: DurabilityMode,
    interval: Duration,
    metrics: Arc<Metrics>,
    state: watch::Sender<Durable>,
    busy: Arc<Busy>,
    flushers: Arc<Flushers>,
}

impl Writer {
    fn run(self, rx: std_mpsc::Receiver<Msg>) {
        // Tickets run since the last flush: the first of them, and whether any of
        // them failed (then all of them count as failed).
        let mut unflushed: Option<(Ticket, bool)> = None;
        let mut last = 0;
        let mut deadline = Instant::now() + self.interval;
        loop {
            let wait = match (self.mode, unflushed) {
                (DurabilityMode::Relaxed, Some(_)) => {
                    Some(deadline.saturating_duration_since(Instant::now()))
                }
                _ => None,
            };
            let first = match wait {
                None => rx
                    .recv()
                    .map_err(|_| std_mpsc::RecvTimeoutError::Disconnected),
                Some(w) => rx.recv_timeout(w),
            };
            if self.state.borrow().halted.is_some() {
                // Nothing more is written; queued jobs are dropped (their
                // tickets fail, calls see the writer gone).
                return;
            }
            let mut flush_asked = false;
            match first {
                Ok(msg) => {
                    let mut next = Some(msg);
                    let mut ran = 0;
                    while let Some(msg) = next.take() {
                        if self.state.borrow().halted.is_some() {
                            // Halted mid-group (a failed job, or the watchdog):
                            // nothing after it runs, nothing is flushed.
                            return;
                        }
                        let (ticket, failed) = self.handle(msg, &mut flush_asked);
                        let entry = unflushed.get_or_insert((ticket, false));
                        entry.1 |= failed;
                        last = ticket;
                        ran += 1;
                        if ran < MAX_GROUP {
                            next = rx.try_recv().ok();
                        }
                    }
                }
                Err(std_mpsc::RecvTimeoutError::Timeout) => {}
                Err(std_mpsc::RecvTimeoutError::Disconnected) => {
                    if let Some((from, failed)) = unflushed.take() {
                        self.flushers.request(from..=last, failed);
                    }
                    self.flushers.close();
                    return;
                }
            }
            let due = match self.mode {
                DurabilityMode::Strict => true,
                DurabilityMode::Relaxed => flush_asked || Instant::now() >= deadline,
            };
            if due {
                if let Some((from, failed)) = unflushed.take() {
                    self.flushers.request(from..=last, failed);
                }
                deadline = Instant::now() + self.interval;
            }
        }
    }

    /// Runs one message; returns its ticket and whether it failed.
    fn handle(&self, msg: Msg, flush_asked: &mut bool) -> (Ticket, bool) {
        match msg {
            Msg::Flush { ticket } => {
                *flush_asked = true;
                (ticket, false)
            }
            Msg::Write {
                ticket,
                job,
                stakes,
                watched,
            } => {
                if watched {
                    self.busy.start();
                }
                let storage = &self.storage;
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(storage)))
                        .unwrap_or_else(|_| Err(StoreError::io("a store job panicked")));
                self.busy.stop();
                match result {
                    Ok(()) => (ticket, false),
                    Err(e) if stakes == Stakes::Critical => {
                        halt(&self.state, &self.metrics, format!("a write failed: {e}"));
                        (ticket, true)
                    }
                    Err(e) => {
                        self.metrics.store_errors.inc();
                        tracing::error!(error = %e, ?stakes, "a store write failed");
                        (ticket, false)
                    }
                }
            }
        }
    }
}

impl Drop for Writer {
    /// The flushers finish what they were given, then end.
    fn drop(&mut self) {
        self.flushers.close();
    }
}

/// How many flushes may be in flight at once: two, so that the flush a new
/// write needs can start while the previous one runs.
const FLUSHERS: usize = 2;

/// Groups of tickets waiting for a flush, and the flushed groups that wait
/// for an earlier one to finish before they count.
#[derive(Default)]
struct FlushQueue {
    waiting: VecDeque<(RangeInclusive<Ticket>, bool)>,
    /// Flushed ranges past `Durable::upto`, by first ticket.
    finished: BTreeMap<Ticket, Ticket>,
    closed: bool,
}

/// The flusher threads and what they share.
struct Flushers {
    storage: Storage,
    metrics: Arc<Metrics>,
    state: watch::Sender<Durable>,
    queue: Mutex<FlushQueue>,
    wake: Condvar,
}

impl Flushers {
    fn lock(&self) -> MutexGuard<'_, FlushQueue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Asks for a flush that makes `tickets` (all of them run) durable.
    fn request(&self, tickets: RangeInclusive<Ticket>, already_failed: bool) {
        self.lock().waiting.push_back((tickets, already_failed));
        self.wake.notify_one();
    }

    /// No more requests: the flushers end once the queue is empty.
    fn close(&self) {
        self.lock().closed = true;
        self.wake.notify_all();
    }

    fn run(&self, busy: &Busy) {
        loop {
            let (tickets, already_failed) = {
                let mut q = self.lock();
                while q.waiting.is_empty() && !q.closed {
                    q = self.wake.wait(q).unwrap_or_else(|p| p.into_inner());
                }
                // Everything waiting shares this flush: the ranges follow
                // each other, and one flush covers every write run so far.
                let Some((first, mut failed)) = q.waiting.pop_front() else {
                    return;
                };
                let mut end = *first.end();
                while let Some((next, f)) = q.waiting.pop_front() {
                    end = *next.end();
                    failed |= f;
                }
                (*first.start()..=end, failed)
            };
            self.flush(tickets, already_failed, busy);
        }
    }

    fn flush(&self, tickets: RangeInclusive<Ticket>, already_failed: bool, busy: &Busy) {
        if already_failed || self.state.borrow().halted.is_some() {
            self.state.send_modify(|d| d.fail(tickets));
            return;
        }
        let started = Instant::now();
        busy.start();
        let result = self.storage.flush();
        busy.stop();
        self.metrics
            .flush_seconds
            .observe(started.elapsed().as_secs_f64());
        match result {
            Ok(()) => {
                // Published under the queue's lock, so progress only ever
                // grows, and only over ranges whose earlier ranges are done.
                let mut q = self.lock();
                q.finished.insert(*tickets.start(), *tickets.end());
                self.state.send_modify(|d| {
                    // A flush that finished after the watchdog halted the
                    // writer proves nothing the rooms were told.
                    if d.halted.is_some() {
                        return;
                    }
                    while let Some(end) = q.finished.remove(&(d.upto + 1)) {
                        d.upto = end;
                    }
                });
            }
            Err(e) => {
                self.state.send_modify(|d| d.fail(tickets));
                halt(&self.state, &self.metrics, format!("a flush failed: {e}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::DocKey;
    use crate::store::{MemoryStore, Store};
    use tafel_shared::ids::BoardId;
    use tafel_shared::roles::DocKind;

    fn committer(mode: DurabilityMode, store: &Arc<MemoryStore>) -> Arc<Committer> {
        Committer::start(
            Storage::new(Arc::clone(store) as _),
            mode,
            Duration::from_secs(3600),
            Duration::from_secs(3600),
            Arc::new(Metrics::default()),
        )
    }

    fn key() -> DocKey {
        DocKey {
            board: BoardId::parse(&"a".repeat(22)).unwrap(),
            doc: DocKind::Content,
        }
    }

    fn append(seq: u64) -> Job {
        Box::new(move |s| s.append_update(&key(), seq, b"update"))
    }

    fn logged(store: &Arc<MemoryStore>) -> Vec<u64> {
        let storage = Storage::new(Arc::clone(store) as _);
        let doc = storage.load_doc(&key()).unwrap();
        doc.log.iter().map(|(seq, _)| *seq).collect()
    }

    async fn outcome(c: &Committer, ticket: Ticket) -> Outcome {
        let mut rx = c.subscribe();
        let d = rx
            .wait_for(|d| d.outcome(ticket) != Outcome::Pending)
            .await
            .unwrap();
        d.outcome(ticket)
    }

    #[tokio::test]
    async fn strict_writes_run_in_order_and_become_durable() {
        let store = Arc::new(MemoryStore::default());
        let c = committer(DurabilityMode::Strict, &store);
        let a = c.submit(Stakes::Critical, append(1));
        let b = c.submit(Stakes::Critical, append(2));
        assert!(b > a);
        assert_eq!(outcome(&c, b).await, Outcome::Durable);
        assert_eq!(c.outcome(a), Outcome::Durable);
        assert_eq!(logged(&store), vec![1, 2]);
        // A call runs after what was queued before it and returns its value.
        let seen = c.call(|s| Ok(s.load_doc(&key())?.log.len())).await.unwrap();
        assert_eq!(seen, 2);
    }

    #[tokio::test]
    async fn a_failed_write_halts_the_writer_for_good() {
        let store = Arc::new(MemoryStore::default());
        let c = committer(DurabilityMode::Strict, &store);
        let kept = c.submit(Stakes::Critical, append(1));
        assert_eq!(outcome(&c, kept).await, Outcome::Durable);
        store.set_failing(true);
        let lost = c.submit(Stakes::Critical, append(2));
        assert_eq!(outcome(&c, lost).await, Outcome::Failed);
        assert!(c.halted().is_some());
        assert!(c.wait_halted().await.contains("write failed"));
        // The disk answers again: nothing more is written or counted as saved,
        // since a later good flush would not prove the lost write on disk.
        store.set_failing(false);
        let after = c.submit(Stakes::Critical, append(3));
        assert_eq!(outcome(&c, after).await, Outcome::Failed);
        assert!(!c.flush_now().await);
        assert_eq!(
            c.outcome(kept),
            Outcome::Durable,
            "what was durable stays so"
        );
        assert!(c.call(|_| Ok(())).await.is_err(), "no job runs any more");
        assert_eq!(logged(&store), vec![1]);
    }

    #[tokio::test]
    async fn a_disk_that_stops_answering_halts_the_writer_at_the_deadline() {
        let store = Arc::new(MemoryStore::default());
        let c = Committer::start(
            Storage::new(Arc::clone(&store) as _),
            DurabilityMode::Strict,
            Duration::from_secs(3600),
            Duration::from_millis(200),
            Arc::new(Metrics::default()),
        );
        store.set_stalled(true);
        let stuck = c.submit(Stakes::Critical, append(1));
        let reason = tokio::time::timeout(Duration::from_secs(30), c.wait_halted())
            .await
            .expect("halted while the writer is still stuck");
        assert!(reason.contains("did not finish"), "{reason}");
        assert_eq!(c.outcome(stuck), Outcome::Failed);
        // The disk wakes up later: the write it finishes is still not durable.
        store.set_stalled(false);
        assert!(!c.flush_now().await);
        assert_eq!(c.outcome(stuck), Outcome::Failed);
    }

    #[tokio::test]
    async fn best_effort_failures_do_not_fail_the_group() {
        let store = Arc::new(MemoryStore::default());
        let c = committer(DurabilityMode::Strict, &store);
        let t = c.submit(
            Stakes::BestEffort,
            Box::new(|_| Err(StoreError::io("history is optional"))),
        );
        assert_eq!(outcome(&c, t).await, Outcome::Durable);
    }

    #[tokio::test]
    async fn relaxed_mode_flushes_when_asked() {
        let store = Arc::new(MemoryStore::default());
        let c = committer(DurabilityMode::Relaxed, &store);
        let t = c.submit(Stakes::Critical, append(1));
        // The interval is an hour: only flush_now makes it durable this soon.
        assert!(c.flush_now().await);
        assert_eq!(c.outcome(t), Outcome::Durable);
    }

    /// A store whose flushes each wait for their own release, in an order
    /// the test picks.
    #[derive(Default)]
    struct GatedStore {
        inner: MemoryStore,
        gates: Mutex<VecDeque<std_mpsc::Receiver<()>>>,
        flushing: AtomicU64,
        most_at_once: AtomicU64,
    }

    impl GatedStore {
        /// The release of the next flush to start.
        fn gate(&self) -> std_mpsc::Sender<()> {
            let (tx, rx) = std_mpsc::channel();
            self.gates.lock().unwrap().push_back(rx);
            tx
        }
    }

    impl Store for GatedStore {
        fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
            self.inner.get(key)
        }
        fn scan_prefix(&self, prefix: &[u8]) -> Result<crate::store::Entries, StoreError> {
            self.inner.scan_prefix(prefix)
        }
        fn apply(&self, ops: Vec<crate::store::BatchOp>) -> Result<(), StoreError> {
            self.inner.apply(ops)
        }
        fn flush(&self) -> Result<(), StoreError> {
            let now = self.flushing.fetch_add(1, Ordering::SeqCst) + 1;
            self.most_at_once.fetch_max(now, Ordering::SeqCst);
            let gate = self.gates.lock().unwrap().pop_front();
            if let Some(gate) = gate {
                let _ = gate.recv();
            }
            self.flushing.fetch_sub(1, Ordering::SeqCst);
            self.inner.flush()
        }
        fn compare_and_swap(
            &self,
            key: &[u8],
            expected: Option<&[u8]>,
            new: Vec<u8>,
        ) -> Result<bool, StoreError> {
            self.inner.compare_and_swap(key, expected, new)
        }
    }

    /// Waits (in real time: the flushers are threads) until `what` holds.
    async fn until(what: impl Fn() -> bool) {
        for _ in 0..500 {
            if what() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("condition not reached in 5 s");
    }

    #[tokio::test]
    async fn a_write_during_a_flush_starts_its_own_yet_counts_only_after_the_first() {
        let store = Arc::new(GatedStore::default());
        let first_release = store.gate();
        let second_release = store.gate();
        let c = Committer::start(
            Storage::new(Arc::clone(&store) as _),
            DurabilityMode::Strict,
            Duration::from_secs(3600),
            Duration::from_secs(3600),
            Arc::new(Metrics::default()),
        );
        let a = c.submit(Stakes::Critical, append(1));
        until(|| store.flushing.load(Ordering::SeqCst) == 1).await;
        // The first flush is in flight; the second write's flush starts
        // without waiting for it.
        let b = c.submit(Stakes::Critical, append(2));
        until(|| store.flushing.load(Ordering::SeqCst) == 2).await;
        assert_eq!(store.most_at_once.load(Ordering::SeqCst), 2);
        // The later flush ends first: its write is on disk, but the earlier
        // one may not be, so neither counts yet.
        second_release.send(()).unwrap();
        until(|| store.flushing.load(Ordering::SeqCst) == 1).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(c.outcome(a), Outcome::Pending);
        assert_eq!(c.outcome(b), Outcome::Pending);
        first_release.send(()).unwrap();
        assert_eq!(outcome(&c, b).await, Outcome::Durable);
        assert_eq!(c.outcome(a), Outcome::Durable);
    }

    #[test]
    fn outcome_checks_failures_before_progress() {
        let mut d = Durable {
            upto: 3,
            ..Durable::default()
        };
        d.fail(4..=6);
        d.upto = 9;
        assert_eq!(d.outcome(2), Outcome::Durable);
        assert_eq!(d.outcome(5), Outcome::Failed);
        assert_eq!(d.outcome(7), Outcome::Durable);
        assert_eq!(d.outcome(10), Outcome::Pending);
    }
}
