//! Send queues: one per socket, from its room to its writer task.
//!
//! The queue is bounded in bytes, not frames: group commit releases updates in
//! batches, and what must stay bounded is the memory a client that stopped reading
//! can pin. A push past the limit is refused, and the room closes that socket
//! ("client too slow") so the client reconnects and resyncs instead of silently
//! missing updates.

use bytes::Bytes;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

/// The room's end of a socket's send queue.
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

/// A send queue holding at most `limit` bytes (one frame always fits).
pub fn send_queue(limit: usize) -> (Outbox, Inbox) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(n: usize) -> Bytes {
        Bytes::from(vec![7u8; n])
    }

    #[tokio::test]
    async fn the_limit_counts_bytes_and_reading_frees_room() {
        let (out, mut inbox) = send_queue(10);
        out.push(bytes(6)).unwrap();
        out.push(bytes(4)).unwrap();
        assert_eq!(out.push(bytes(1)), Err(PushError::Full));
        assert_eq!(inbox.recv().await.map(|b| b.len()), Some(6));
        out.push(bytes(5)).unwrap();
        assert_eq!(inbox.try_recv().map(|b| b.len()), Some(4));
        assert_eq!(inbox.try_recv().map(|b| b.len()), Some(5));
        assert_eq!(inbox.try_recv(), None);
    }

    #[test]
    fn one_frame_always_fits_however_large() {
        let (out, _inbox) = send_queue(10);
        out.push(bytes(1_000)).unwrap();
        assert_eq!(out.push(bytes(1)), Err(PushError::Full));
    }

    #[tokio::test]
    async fn a_dropped_socket_is_reported_closed_and_the_room_dropping_ends_reads() {
        let (out, inbox) = send_queue(10);
        drop(inbox);
        assert_eq!(out.push(bytes(1)), Err(PushError::Closed));
        let (out, mut inbox) = send_queue(10);
        out.push(bytes(2)).unwrap();
        drop(out);
        assert_eq!(inbox.recv().await.map(|b| b.len()), Some(2));
        assert_eq!(inbox.recv().await, None);
    }
}
