//! Send queues: one per member of a room, from the room to whoever serves it.
//!
//! A WebSocket's room writes into the socket's connection itself ([`Direct`]);
//! its queue only tells the socket's task that the room let go. The cluster's
//! relay reads its frames from the queue.
//!
//! Either way the room's sends are bounded in bytes, not frames: group commit
//! releases updates in batches, and what must stay bounded is the memory a
//! client that stopped reading can pin. A send past the limit is refused, and
//! the room closes that socket ("client too slow") so the client reconnects and
//! resyncs instead of silently missing updates.

use bytes::Bytes;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, Notify};

/// A socket's connection that the room writes into itself
/// ([`crate::ws_conn::Conn`]), instead of queueing frames for the socket's
/// task: no task wakes for a batch the connection takes at once.
pub trait Direct: Send + Sync {
    /// Writes one binary frame per payload, after everything sent before.
    /// What the connection does not take at once waits (bounded) for the
    /// socket's task, which [`Self::backlog`] then wakes.
    fn send(&self, payloads: &[Bytes]) -> Result<(), PushError>;
    /// Notified when bytes wait for the socket's task to write them.
    fn backlog(&self) -> &Notify;
    /// The socket is closing: the room writes nothing more (its sends are
    /// refused as closed), so nothing follows the close frame.
    fn stop(&self);
}

/// The room's end of a socket's send queue.
pub struct Outbox {
    tx: mpsc::UnboundedSender<Vec<Bytes>>,
    queued: Arc<AtomicUsize>,
    limit: usize,
    direct: Option<Arc<dyn Direct>>,
}

/// The socket's end of its send queue. Frames come in batches (what the room
/// sends a socket in one go wakes its task once) and leave one at a time.
pub struct Inbox {
    rx: mpsc::UnboundedReceiver<Vec<Bytes>>,
    batch: std::collections::VecDeque<Bytes>,
    queued: Arc<AtomicUsize>,
    direct: Option<Arc<dyn Direct>>,
}

/// A send queue holding at most `limit` bytes (one frame always fits). With
/// `direct`, the room writes into the connection instead, and the queue only
/// tells the socket that its room let go.
pub fn send_queue(limit: usize, direct: Option<Arc<dyn Direct>>) -> (Outbox, Inbox) {
    let (tx, rx) = mpsc::unbounded_channel();
    let queued = Arc::new(AtomicUsize::new(0));
    (
        Outbox {
            tx,
            queued: Arc::clone(&queued),
            limit,
            direct: direct.clone(),
        },
        Inbox {
            rx,
            batch: std::collections::VecDeque::new(),
            queued,
            direct,
        },
    )
}

/// Why a frame could not be queued.
#[derive(Debug, PartialEq, Eq)]
pub enum PushError {
    /// The client has more than the limit waiting.
    Full,
    /// The socket is gone.
    Closed,
}

impl Outbox {
    /// Queues one frame.
    pub fn push(&self, frame: Bytes) -> Result<(), PushError> {
        self.push_batch(vec![frame])
    }

    /// Queues frames that the socket takes in one go.
    pub fn push_batch(&self, frames: Vec<Bytes>) -> Result<(), PushError> {
        if let Some(direct) = &self.direct {
            return direct.send(&frames);
        }
        let len: usize = frames.iter().map(Bytes::len).sum();
        let queued = self.queued.load(Ordering::Acquire);
        // One batch always fits, however large (a big board's first sync).
        if queued > 0 && queued + len > self.limit {
            return Err(PushError::Full);
        }
        self.queued.fetch_add(len, Ordering::AcqRel);
        self.tx.send(frames).map_err(|_| PushError::Closed)
    }
}

impl Inbox {
    /// The next frame to write, or `None` once the room let go of the socket.
    pub async fn recv(&mut self) -> Option<Bytes> {
        while self.batch.is_empty() {
            self.batch = self.rx.recv().await?.into();
        }
        self.take()
    }

    /// Resolves once the room lets go of the socket. Only for a socket whose
    /// room writes into its connection: nothing else comes through the queue.
    pub async fn released(&mut self) {
        debug_assert!(self.direct.is_some(), "frames would be dropped");
        while self.rx.recv().await.is_some() {}
    }

    /// The connection the room writes into, if it does.
    pub fn direct(&self) -> Option<Arc<dyn Direct>> {
        self.direct.clone()
    }

    /// The next frame if one is already waiting.
    pub fn try_recv(&mut self) -> Option<Bytes> {
        while self.batch.is_empty() {
            self.batch = self.rx.try_recv().ok()?.into();
        }
        self.take()
    }

    fn take(&mut self) -> Option<Bytes> {
        let frame = self.batch.pop_front()?;
        self.queued.fetch_sub(frame.len(), Ordering::AcqRel);
        Some(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(n: usize) -> Bytes {
        Bytes::from(vec![7u8; n])
    }

    #[tokio::test]
    async fn the_limit_counts_bytes_and_reading_frees_room() {
        let (out, mut inbox) = send_queue(10, None);
        out.push(bytes(6)).unwrap();
        out.push(bytes(4)).unwrap();
        assert_eq!(out.push(bytes(1)), Err(PushError::Full));
        assert_eq!(inbox.recv().await.map(|b| b.len()), Some(6));
        out.push(bytes(5)).unwrap();
        assert_eq!(inbox.try_recv().map(|b| b.len()), Some(4));
        assert_eq!(inbox.try_recv().map(|b| b.len()), Some(5));
        assert_eq!(inbox.try_recv(), None);
    }

    #[tokio::test]
    async fn a_batch_arrives_whole_and_in_order_and_counts_its_bytes() {
        let (out, mut inbox) = send_queue(10, None);
        out.push_batch(vec![bytes(3), bytes(4)]).unwrap();
        assert_eq!(
            out.push_batch(vec![bytes(2), bytes(2)]),
            Err(PushError::Full)
        );
        assert_eq!(inbox.recv().await.map(|b| b.len()), Some(3));
        assert_eq!(inbox.try_recv().map(|b| b.len()), Some(4));
        assert_eq!(inbox.try_recv(), None);
        out.push_batch(vec![bytes(5), bytes(5)]).unwrap();
    }

    #[test]
    fn one_frame_always_fits_however_large() {
        let (out, _inbox) = send_queue(10, None);
        out.push(bytes(1_000)).unwrap();
        assert_eq!(out.push(bytes(1)), Err(PushError::Full));
    }

    #[tokio::test]
    async fn a_dropped_socket_is_reported_closed_and_the_room_dropping_ends_reads() {
        let (out, inbox) = send_queue(10, None);
        drop(inbox);
        assert_eq!(out.push(bytes(1)), Err(PushError::Closed));
        let (out, mut inbox) = send_queue(10, None);
        out.push(bytes(2)).unwrap();
        drop(out);
        assert_eq!(inbox.recv().await.map(|b| b.len()), Some(2));
        assert_eq!(inbox.recv().await, None);
    }
}
