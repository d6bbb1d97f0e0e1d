//! Where large documents are merged: one background thread that folds a stored
//! snapshot and log into a new snapshot (for compaction and history versions),
//! so that neither a room's task nor the storage writer spends the hundreds of
//! milliseconds a 30 MB document takes. Jobs run one at a time, in order: they
//! are never awaited by anyone, and one thread bounds what they take from the
//! rooms' cores.

use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

type FoldJob = Box<dyn FnOnce() + Send>;

/// The background merger.
pub struct Folder {
    tx: mpsc::Sender<FoldJob>,
    /// Held jobs wait while set (tests hold a merge to look at a room meanwhile).
    hold: std::sync::Arc<(Mutex<bool>, Condvar)>,
}

impl Folder {
    /// Starts the merging thread; it ends when the folder is dropped.
    pub fn start() -> Self {
        let (tx, rx) = mpsc::channel::<FoldJob>();
        let hold = std::sync::Arc::new((Mutex::new(false), Condvar::new()));
        let held = std::sync::Arc::clone(&hold);
        std::thread::Builder::new()
            .name("tafel-fold".into())
            .spawn(move || {
                for job in rx {
                    {
                        let (lock, wake) = &*held;
                        let mut on_hold = lock.lock().unwrap_or_else(|p| p.into_inner());
                        while *on_hold {
                            on_hold = wake.wait(on_hold).unwrap_or_else(|p| p.into_inner());
                        }
                    }
                    // A panic in yrs must not end the thread: the job's guards
                    // report it as not done.
                    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).is_err() {
                        tracing::error!("a background merge panicked");
                    }
                }
            })
            .expect("spawning the merge thread");
        Self { tx, hold }
    }

    /// Queues `job`. A job that cannot run (the thread is gone) is dropped,
    /// which its guards report as not done.
    pub fn run(&self, job: impl FnOnce() + Send + 'static) {
        let _ = self.tx.send(Box::new(job));
    }

    /// Returns once every job queued before the call has run.
    pub async fn drained(&self) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.run(move || {
            let _ = tx.send(());
        });
        // A folder whose thread is gone runs nothing more either.
        let _ = rx.await;
    }

    /// Makes jobs wait until called again with `false`.
    pub fn set_held(&self, held: bool) {
        let (lock, wake) = &*self.hold;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = held;
        wake.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn jobs_run_in_order_and_wait_while_held() {
        let folder = Folder::start();
        let (tx, rx) = mpsc::channel();
        folder.set_held(true);
        for i in 0..3 {
            let tx = tx.clone();
            folder.run(move || tx.send(i).unwrap());
        }
        assert!(rx.recv_timeout(Duration::from_millis(100)).is_err(), "held");
        folder.set_held(false);
        let got: Vec<i32> = (0..3)
            .map(|_| rx.recv_timeout(Duration::from_secs(5)).unwrap())
            .collect();
        assert_eq!(got, [0, 1, 2]);
    }

    #[test]
    fn a_panicking_job_does_not_stop_the_next() {
        let folder = Folder::start();
        let (tx, rx) = mpsc::channel();
        folder.run(|| panic!("boom"));
        folder.run(move || tx.send(()).unwrap());
        rx.recv_timeout(Duration::from_secs(5)).unwrap();
    }
}
