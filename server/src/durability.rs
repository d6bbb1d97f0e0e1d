//! Group commit: many rooms append to the store, one flush makes all of them durable.
//!
//! Each write takes a ticket; the flusher flushes whenever woken and then publishes
//! the highest ticket that flush covered. Writes that arrive during a flush are
//! covered by the next one, so under load one fsync serves many updates.

use crate::metrics::Metrics;
use crate::storage::Storage;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};

/// When updates become durable relative to being relayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DurabilityMode {
    /// Durable before visible: an update is flushed before anyone else sees it.
    Strict,
    /// Relayed at once and flushed on an interval: a crash may lose the last
    /// interval of updates that clients had already seen.
    Relaxed,
}

/// What the flusher has achieved so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Durable {
    /// Every ticket up to this one is durable.
    pub upto: u64,
    /// Every ticket up to this one was part of a failed flush.
    pub failed_upto: u64,
}

/// Hands out tickets and runs the flusher.
pub struct Committer {
    storage: Storage,
    mode: DurabilityMode,
    written: AtomicU64,
    wake: Notify,
    state: watch::Sender<Durable>,
    metrics: Arc<Metrics>,
}

impl Committer {
    /// Starts the flusher task. `interval` is the relaxed mode's flush period.
    pub fn start(
        storage: Storage,
        mode: DurabilityMode,
        interval: Duration,
        metrics: Arc<Metrics>,
    ) -> Arc<Self> {
        let committer = Arc::new(Self {
            storage,
            mode,
            written: AtomicU64::new(0),
            wake: Notify::new(),
            state: watch::Sender::new(Durable::default()),
            metrics,
        });
        let flusher = Arc::clone(&committer);
        tokio::spawn(async move { flusher.run(interval).await });
        committer
    }

    /// The durability mode.
    pub fn mode(&self) -> DurabilityMode {
        self.mode
    }

    /// Records one write to the store; the ticket is durable once `upto` reaches it.
    pub fn wrote(&self) -> u64 {
        let ticket = self.written.fetch_add(1, Ordering::SeqCst) + 1;
        if self.mode == DurabilityMode::Strict {
            self.wake.notify_one();
        }
        ticket
    }

    /// What is durable right now.
    pub fn durable(&self) -> Durable {
        *self.state.borrow()
    }

    /// Watches the flusher's progress.
    pub fn subscribe(&self) -> watch::Receiver<Durable> {
        self.state.subscribe()
    }

    /// Flushes now (whatever the mode) and waits until everything written so far is
    /// durable. `false` if the flush failed.
    pub async fn flush_now(&self) -> bool {
        let target = self.written.load(Ordering::SeqCst);
        let mut rx = self.subscribe();
        self.wake.notify_one();
        let outcome = rx
            .wait_for(|d| d.upto >= target || d.failed_upto >= target)
            .await
            .map(|d| d.upto >= target);
        outcome.unwrap_or(false)
    }

    async fn run(self: Arc<Self>, interval: Duration) {
        loop {
            match self.mode {
                DurabilityMode::Strict => self.wake.notified().await,
                DurabilityMode::Relaxed => {
                    tokio::select! {
                        _ = tokio::time::sleep(interval) => {}
                        _ = self.wake.notified() => {}
                    }
                }
            }
            let target = self.written.load(Ordering::SeqCst);
            if target == 0 && self.state.borrow().upto == 0 {
                // Nothing was ever written; a flush_now still needs an answer.
                self.state.send_modify(|_| {});
                continue;
            }
            let storage = self.storage.clone();
            let started = Instant::now();
            let result = tokio::task::spawn_blocking(move || storage.flush()).await;
            self.metrics
                .flush_seconds
                .observe(started.elapsed().as_secs_f64());
            match result {
                Ok(Ok(())) => self.state.send_modify(|d| d.upto = d.upto.max(target)),
                Ok(Err(e)) => {
                    self.metrics.store_errors.inc();
                    tracing::error!(error = %e, "store flush failed; clients of affected rooms are disconnected");
                    self.state
                        .send_modify(|d| d.failed_upto = d.failed_upto.max(target));
                }
                Err(e) => {
                    self.metrics.store_errors.inc();
                    tracing::error!(error = %e, "store flush task failed");
                    self.state
                        .send_modify(|d| d.failed_upto = d.failed_upto.max(target));
                }
            }
        }
    }
}
