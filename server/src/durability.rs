//! The storage writer and its group commit: every write to the store runs on one
//! dedicated thread, in the order it was submitted, and one flush makes a whole
//! group of writes durable.
//!
//! Why one thread: sled calls block (they may wait for the disk), and a room task or
//! HTTP handler that blocked would stall every socket on its async worker thread. The
//! room submits a write and gets a ticket at once; the frames that reveal the write
//! wait until the writer publishes that the ticket is durable. Writes that arrive
//! while a flush runs are covered by the next one, so under load one fsync serves many
//! updates. Submission order is execution order, which keeps each document's log,
//! compaction and deletion in sequence without locks.
//!
//! A failed write or flush marks its tickets as failed; rooms holding one close their
//! sockets with "storage failure" and reload from what is durable.

use crate::metrics::Metrics;
use crate::storage::Storage;
use crate::store::StoreError;
use std::collections::VecDeque;
use std::ops::RangeInclusive;
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
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

/// Most jobs one group runs before it flushes, so a flood of writes still gets
/// confirmed in steady steps.
const MAX_GROUP: usize = 4096;

impl Committer {
    /// Starts the writer thread. `interval` is the relaxed mode's flush period.
    pub fn start(
        storage: Storage,
        mode: DurabilityMode,
        interval: Duration,
        metrics: Arc<Metrics>,
    ) -> Arc<Self> {
        let (tx, rx) = std_mpsc::channel();
        let state = watch::Sender::new(Durable::default());
        let writer = Writer {
            storage,
            mode,
            interval,
            metrics,
            state: state.clone(),
        };
        // If the thread cannot start, every ticket stays pending and the first
        // flush_now reports failure; the server refuses to look healthy.
        if let Err(e) = std::thread::Builder::new()
            .name("tafel-store-writer".into())
            .spawn(move || writer.run(rx))
        {
            tracing::error!(error = %e, "could not start the store writer thread");
        }
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
        if q.tx.send(make(ticket)).is_err() {
            drop(q);
            tracing::error!("the store writer has stopped; a write is lost");
            self.state.send_modify(|d| d.fail(ticket..=ticket));
        }
        ticket
    }

    /// Queues a write; its ticket is durable once the writer has run it and flushed.
    pub fn submit(&self, stakes: Stakes, job: Job) -> Ticket {
        self.send(|ticket| Msg::Write {
            ticket,
            job,
            stakes,
        })
    }

    /// Runs `job` on the writer thread (after every write queued before it) and
    /// returns its result once it ran; not yet durable (see [`Self::flush_now`]).
    pub async fn call<R: Send + 'static>(
        &self,
        job: impl FnOnce(&Storage) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.submit(
            Stakes::BestEffort,
            Box::new(move |storage| {
                let _ = tx.send(job(storage));
                Ok(())
            }),
        );
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

struct Writer {
    storage: Storage,
    mode: DurabilityMode,
    interval: Duration,
    metrics: Arc<Metrics>,
    state: watch::Sender<Durable>,
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
            let mut flush_asked = false;
            match first {
                Ok(msg) => {
                    let mut next = Some(msg);
                    let mut ran = 0;
                    while let Some(msg) = next.take() {
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
                        self.flush(from..=last, failed);
                    }
                    return;
                }
            }
            let due = match self.mode {
                DurabilityMode::Strict => true,
                DurabilityMode::Relaxed => flush_asked || Instant::now() >= deadline,
            };
            if due {
                if let Some((from, failed)) = unflushed.take() {
                    self.flush(from..=last, failed);
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
            } => match job(&self.storage) {
                Ok(()) => (ticket, false),
                Err(e) => {
                    self.metrics.store_errors.inc();
                    tracing::error!(error = %e, ?stakes, "a store write failed");
                    (ticket, stakes == Stakes::Critical)
                }
            },
        }
    }

    fn flush(&self, tickets: RangeInclusive<Ticket>, already_failed: bool) {
        if already_failed {
            self.state.send_modify(|d| d.fail(tickets));
            return;
        }
        let started = Instant::now();
        let result = self.storage.flush();
        self.metrics
            .flush_seconds
            .observe(started.elapsed().as_secs_f64());
        match result {
            Ok(()) => self
                .state
                .send_modify(|d| d.upto = d.upto.max(*tickets.end())),
            Err(e) => {
                self.metrics.store_errors.inc();
                tracing::error!(error = %e, "store flush failed; clients of affected rooms are disconnected");
                self.state.send_modify(|d| d.fail(tickets));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::DocKey;
    use crate::store::MemoryStore;
    use tafel_shared::ids::BoardId;
    use tafel_shared::roles::DocKind;

    fn committer(mode: DurabilityMode, store: &Arc<MemoryStore>) -> Arc<Committer> {
        Committer::start(
            Storage::new(Arc::clone(store) as _),
            mode,
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
    async fn a_failed_write_fails_its_ticket_and_later_writes_recover() {
        let store = Arc::new(MemoryStore::default());
        let c = committer(DurabilityMode::Strict, &store);
        store.set_failing(true);
        let lost = c.submit(Stakes::Critical, append(1));
        assert_eq!(outcome(&c, lost).await, Outcome::Failed);
        assert!(!c.flush_now().await, "a failing disk cannot flush");
        store.set_failing(false);
        let kept = c.submit(Stakes::Critical, append(2));
        assert_eq!(outcome(&c, kept).await, Outcome::Durable);
        assert_eq!(
            c.outcome(lost),
            Outcome::Failed,
            "a later success never makes a lost write look durable"
        );
        assert!(c.flush_now().await);
        assert_eq!(logged(&store), vec![2]);
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
