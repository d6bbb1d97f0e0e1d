//! A socket's connection, shared by its room and its task.
//!
//! Fanning one update out to 500 sockets used to wake 500 socket tasks, each
//! framing the update again and making its own write (BENCHMARKS.md, issue 12).
//! Here the room writes a batch into each connection itself: one system call
//! per socket, no task woken, and the frame headers built on the stack. Only
//! what a connection does not take at once (a slow or stalled client) waits
//! here, in order, for the socket's task to write it when the connection can
//! take more; that backlog is bounded like the send queue it replaces.
//!
//! The socket's task reads through [`SharedIo`] (tungstenite drives it), and
//! its own frames (close, pong) go behind whatever waits. Bytes only ever
//! enter the connection under one lock, so frames never interleave.
//!
//! The room writes with a waker that does nothing, and only when nothing
//! waits: the connection's write readiness is then never left registered to
//! it while the task needs it (the task polls again, with its own waker, to
//! write the backlog).

use crate::rooms::queue::{Direct, PushError};
use bytes::Bytes;
use std::collections::VecDeque;
use std::future::Future;
use std::io::IoSlice;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{ready, Context, Poll, Waker};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;

/// Most pieces handed to one vectored write.
const MOST_SLICES: usize = 64;

/// A connection its room writes into ([`Direct`]) and its task reads from.
pub struct Conn<T> {
    state: Mutex<State<T>>,
    backlog: Notify,
    /// Bytes that may wait behind the batch being written before the client
    /// counts as too slow (one batch always fits), as the send queue counted
    /// them: a big board's first sync being written counts for nothing.
    limit: usize,
}

struct State<T> {
    /// `None` once the socket's task has let go: the connection is closed.
    io: Option<T>,
    /// Set when the socket closes: the room may not write any more.
    stopped: bool,
    waiting: VecDeque<Piece>,
    waiting_bytes: usize,
    /// Bytes ever accepted, and of them written: a flush waits for what was
    /// accepted when it began, not for what the room adds meanwhile.
    accepted: u64,
    written: u64,
    /// Where each batch waiting ends, counted as `accepted` is.
    batch_ends: VecDeque<u64>,
}

/// A part of the byte stream still to write.
enum Piece {
    /// A frame header, built in place.
    Header {
        bytes: [u8; 10],
        start: u8,
        end: u8,
    },
    Bytes(Bytes),
}

impl Piece {
    /// The header of a final, unmasked binary frame of `len` bytes (servers
    /// never mask), as tungstenite formats it.
    fn binary_header(len: usize) -> Self {
        use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
        use tokio_tungstenite::tungstenite::protocol::frame::FrameHeader;
        let header = FrameHeader {
            opcode: OpCode::Data(Data::Binary),
            ..FrameHeader::default()
        };
        let mut bytes = [0u8; 10];
        let mut out = std::io::Cursor::new(&mut bytes[..]);
        // At most 10 bytes unmasked: it always fits.
        let _ = header.format(len as u64, &mut out);
        let end = out.position() as u8;
        Piece::Header {
            bytes,
            start: 0,
            end,
        }
    }

    fn as_slice(&self) -> &[u8] {
        match self {
            Piece::Header { bytes, start, end } => &bytes[usize::from(*start)..usize::from(*end)],
            Piece::Bytes(b) => b,
        }
    }

    /// Drops the first `n` bytes (fewer than it holds).
    fn advance(&mut self, n: usize) {
        match self {
            Piece::Header { start, .. } => *start += n as u8,
            Piece::Bytes(b) => {
                let _ = b.split_to(n);
            }
        }
    }
}

impl<T> State<T> {
    fn push(&mut self, piece: Piece) {
        let len = piece.as_slice().len();
        // An empty piece would end a vectored write early, as if the
        // connection took nothing.
        if len == 0 {
            return;
        }
        self.waiting_bytes += len;
        self.accepted += len as u64;
        self.waiting.push_back(piece);
    }

    /// Ends the batch pushed since the last call.
    fn end_batch(&mut self) {
        if self
            .batch_ends
            .back()
            .is_none_or(|&end| end < self.accepted)
        {
            self.batch_ends.push_back(self.accepted);
        }
    }

    /// Bytes waiting behind the batch being written.
    fn behind_current_batch(&self) -> usize {
        self.batch_ends
            .front()
            .map_or(0, |&end| (self.accepted - end) as usize)
    }

    /// Forgets the first `n` waiting bytes, which the connection took.
    fn wrote(&mut self, mut n: usize) {
        self.written += n as u64;
        self.waiting_bytes -= n;
        while self
            .batch_ends
            .front()
            .is_some_and(|&end| end <= self.written)
        {
            self.batch_ends.pop_front();
        }
        while n > 0 {
            let Some(front) = self.waiting.front_mut() else {
                return;
            };
            let len = front.as_slice().len();
            if n < len {
                front.advance(n);
                return;
            }
            n -= len;
            self.waiting.pop_front();
        }
    }
}

impl<T: AsyncWrite + Unpin> State<T> {
    /// Writes waiting bytes until none wait or the connection is full.
    fn write_waiting(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        while !self.waiting.is_empty() {
            let Some(io) = self.io.as_mut() else {
                return Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into()));
            };
            let n = if io.is_write_vectored() {
                let mut slices = [IoSlice::new(&[]); MOST_SLICES];
                let mut count = 0;
                for (slot, piece) in slices.iter_mut().zip(&self.waiting) {
                    *slot = IoSlice::new(piece.as_slice());
                    count += 1;
                }
                ready!(Pin::new(io).poll_write_vectored(cx, &slices[..count]))?
            } else {
                let first = self.waiting.front().map_or(&[][..], Piece::as_slice);
                ready!(Pin::new(io).poll_write(cx, first))?
            };
            if n == 0 {
                return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
            }
            self.wrote(n);
        }
        Poll::Ready(Ok(()))
    }
}

impl<T> Conn<T> {
    /// A connection, its room's end and its task's end.
    pub fn new(io: T, limit: usize) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State {
                io: Some(io),
                stopped: false,
                waiting: VecDeque::new(),
                waiting_bytes: 0,
                accepted: 0,
                written: 0,
                batch_ends: VecDeque::new(),
            }),
            backlog: Notify::new(),
            limit,
        })
    }

    fn state(&self) -> MutexGuard<'_, State<T>> {
        // Nothing panics while holding it; a poisoned lock still holds
        // whole pieces.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes waiting for the socket's task.
    pub fn waiting_bytes(&self) -> usize {
        self.state().waiting_bytes
    }
}

impl<T: AsyncWrite + Unpin + Send> Direct for Conn<T> {
    fn send(&self, payloads: &[Bytes]) -> Result<(), PushError> {
        let mut state = self.state();
        if state.io.is_none() || state.stopped {
            return Err(PushError::Closed);
        }
        let len: usize = payloads.iter().map(|p| p.len() + 10).sum();
        let behind = state.behind_current_batch();
        if behind > 0 && behind + len > self.limit {
            return Err(PushError::Full);
        }
        let was_idle = state.waiting.is_empty();
        for payload in payloads {
            state.push(Piece::binary_header(payload.len()));
            state.push(Piece::Bytes(payload.clone()));
        }
        state.end_batch();
        if was_idle {
            // Outside tokio's cooperative budget, which counts every write
            // of the task it runs on: after 128 in one go the room's writes
            // to the next sockets of a big room would all "block" and go
            // through their tasks after all.
            let mut writing = std::pin::pin!(tokio::task::unconstrained(std::future::poll_fn(
                |cx| state.write_waiting(cx)
            )));
            let mut cx = Context::from_waker(Waker::noop());
            // An error is left for the task, whose next write meets it too.
            if let Poll::Ready(Ok(())) = writing.as_mut().poll(&mut cx) {
                return Ok(());
            }
        }
        drop(state);
        self.backlog.notify_one();
        Ok(())
    }

    fn backlog(&self) -> &Notify {
        &self.backlog
    }

    fn stop(&self) {
        self.state().stopped = true;
    }
}

/// The socket task's end of a [`Conn`]: reads from it, and writes behind
/// whatever waits. Dropping it closes the connection, whatever the room
/// still holds.
pub struct SharedIo<T> {
    conn: Arc<Conn<T>>,
    /// What was accepted when the flush under way began.
    flushing_to: Option<u64>,
}

impl<T> SharedIo<T> {
    /// The task's end of `conn`.
    pub fn new(conn: Arc<Conn<T>>) -> Self {
        Self {
            conn,
            flushing_to: None,
        }
    }
}

impl<T> Drop for SharedIo<T> {
    fn drop(&mut self) {
        let (io, waiting) = {
            let mut state = self.conn.state();
            state.waiting_bytes = 0;
            state.batch_ends.clear();
            (state.io.take(), std::mem::take(&mut state.waiting))
        };
        drop((io, waiting));
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for SharedIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let mut state = self.conn.state();
        match state.io.as_mut() {
            Some(io) => Pin::new(io).poll_read(cx, buf),
            None => Poll::Ready(Ok(())),
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for SharedIo<T> {
    /// Takes all of `buf` at once: it goes behind what waits, so a frame is
    /// never split by one of the room's.
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let mut state = self.conn.state();
        if state.io.is_none() {
            return Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into()));
        }
        state.push(Piece::Bytes(Bytes::copy_from_slice(buf)));
        state.end_batch();
        // Written now if it can be; the rest goes with the next flush, which
        // the socket's task is asked for in case tungstenite does not flush.
        match state.write_waiting(cx) {
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => self.conn.backlog.notify_one(),
            Poll::Ready(Ok(())) => {}
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let conn = Arc::clone(&self.conn);
        let mut state = conn.state();
        let target = *self.flushing_to.get_or_insert(state.accepted);
        while state.written < target {
            if let Err(e) = ready!(state.write_waiting(cx)) {
                self.flushing_to = None;
                return Poll::Ready(Err(e));
            }
        }
        self.flushing_to = None;
        // A flush tungstenite gave up on (it flushes a pong while reading,
        // and reads on when that waits) leaves an older target behind: what
        // came after it is written at the task's next turn.
        if !state.waiting.is_empty() {
            conn.backlog.notify_one();
        }
        match state.io.as_mut() {
            Some(io) => Pin::new(io).poll_flush(cx),
            None => Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let mut state = self.conn.state();
        ready!(state.write_waiting(cx))?;
        match state.io.as_mut() {
            Some(io) => Pin::new(io).poll_shutdown(cx),
            None => Poll::Ready(Ok(())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::{SinkExt, StreamExt};
    use tokio::io::AsyncReadExt;
    use tokio_tungstenite::tungstenite::protocol::Role;
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::WebSocketStream;

    fn payload(n: usize, fill: u8) -> Bytes {
        Bytes::from(vec![fill; n])
    }

    /// A client's socket over `io`, as tungstenite reads it.
    async fn client<T: AsyncRead + AsyncWrite + Unpin>(io: T) -> WebSocketStream<T> {
        WebSocketStream::from_raw_socket(io, Role::Client, None).await
    }

    async fn next_binary<T: AsyncRead + AsyncWrite + Unpin>(c: &mut WebSocketStream<T>) -> Bytes {
        match c.next().await {
            Some(Ok(Message::Binary(b))) => b,
            other => panic!("not a binary frame: {other:?}"),
        }
    }

    /// Over TCP (vectored writes): what the room writes and what the task's
    /// tungstenite writes reach the client as whole frames, in order, with
    /// every length form of the header.
    #[tokio::test]
    async fn frames_of_the_room_and_of_the_task_arrive_whole_and_in_order() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (dialed, accepted) =
            tokio::join!(tokio::net::TcpStream::connect(addr), listener.accept());
        let conn = Conn::new(accepted.unwrap().0, 1 << 20);
        let mut server =
            WebSocketStream::from_raw_socket(SharedIo::new(Arc::clone(&conn)), Role::Server, None)
                .await;
        let mut client = client(dialed.unwrap()).await;
        let sizes = [0usize, 5, 125, 126, 65_535, 65_536, 300_000];
        let frames: Vec<Bytes> = sizes.iter().map(|&n| payload(n, n as u8)).collect();
        conn.send(&frames[..4]).unwrap();
        server
            .send(Message::Binary(Bytes::from_static(b"from the task")))
            .await
            .unwrap();
        conn.send(&frames[4..]).unwrap();
        let reading = tokio::spawn(async move {
            let mut got = Vec::new();
            for _ in 0..sizes.len() + 1 {
                got.push(next_binary(&mut client).await);
            }
            got
        });
        // The largest batch may not fit the connection at once: the task
        // writes the rest when asked.
        if conn.waiting_bytes() > 0 {
            conn.backlog().notified().await;
            server.flush().await.unwrap();
        }
        let got = reading.await.unwrap();
        assert_eq!(&got[..4], &frames[..4]);
        assert_eq!(&got[4][..], b"from the task");
        assert_eq!(&got[5..], &frames[4..]);
    }

    /// A client that reads slowly: what does not fit waits, in order, the
    /// task is asked to write it, and past the limit the room hears "full".
    /// The batch being written counts for nothing, as in the send queue: a
    /// big board's first sync may be far larger than the limit.
    #[tokio::test]
    async fn what_the_connection_cannot_take_waits_for_the_task_up_to_the_limit() {
        let (near, far) = tokio::io::duplex(64);
        let conn = Conn::new(near, 1_000);
        let mut server =
            WebSocketStream::from_raw_socket(SharedIo::new(Arc::clone(&conn)), Role::Server, None)
                .await;
        conn.send(&[payload(1_500, 1)]).unwrap();
        assert!(conn.waiting_bytes() > 1_000, "64 bytes fit, the rest waits");
        tokio::time::timeout(Duration::from_secs(5), conn.backlog().notified())
            .await
            .expect("the task is asked to write what waits");
        conn.send(&[payload(300, 2)]).unwrap();
        conn.send(&[payload(300, 3)]).unwrap();
        assert_eq!(
            conn.send(&[payload(400, 4)]),
            Err(PushError::Full),
            "over 1,000 bytes behind the batch being written"
        );
        let mut client = client(far).await;
        let flushing = tokio::spawn(async move {
            server.flush().await.unwrap();
            server
        });
        assert_eq!(next_binary(&mut client).await, payload(1_500, 1));
        for fill in 2..=3u8 {
            assert_eq!(next_binary(&mut client).await, payload(300, fill));
        }
        let _server = flushing.await.unwrap();
        assert_eq!(conn.waiting_bytes(), 0);
    }

    /// tungstenite flushes a pong while it reads, and reads on when that
    /// flush waits: the flush it gave up on must not make the task's next
    /// one end before what the room wrote meanwhile is out.
    #[tokio::test]
    async fn a_flush_given_up_on_leaves_nothing_unwritten() {
        use tokio::io::AsyncWriteExt;
        let (near, mut far) = tokio::io::duplex(64);
        let conn = Conn::new(near, 1 << 20);
        let mut io = SharedIo::new(Arc::clone(&conn));
        conn.send(&[payload(300, 1)]).unwrap();
        let given_up = {
            let mut cx = Context::from_waker(Waker::noop());
            Pin::new(&mut io).poll_flush(&mut cx)
        };
        assert!(given_up.is_pending(), "the connection is full");
        conn.send(&[payload(300, 2)]).unwrap();
        let reading = tokio::spawn(async move {
            let mut seen = vec![0u8; 2 * (300 + 4)];
            far.read_exact(&mut seen).await.unwrap();
            seen
        });
        // The pump's turns: flush each time the backlog is notified.
        while conn.waiting_bytes() > 0 {
            tokio::time::timeout(Duration::from_secs(5), conn.backlog().notified())
                .await
                .expect("the task is asked again while bytes wait");
            io.flush().await.unwrap();
        }
        let seen = reading.await.unwrap();
        assert_eq!(&seen[4..304], &payload(300, 1)[..]);
        assert_eq!(&seen[308..], &payload(300, 2)[..]);
    }

    /// An empty frame at the end of a batch is a header alone: the next
    /// batch is written at once, not held up behind an empty piece.
    #[tokio::test]
    async fn an_empty_frame_ends_a_batch_like_any_other() {
        let (near, far) = tokio::io::duplex(1 << 16);
        let conn = Conn::new(near, 1_000);
        let _io = SharedIo::new(Arc::clone(&conn));
        conn.send(&[payload(3, 1), payload(0, 0)]).unwrap();
        conn.send(&[payload(2, 2)]).unwrap();
        assert_eq!(conn.waiting_bytes(), 0, "both batches written at once");
        let mut client = client(far).await;
        assert_eq!(next_binary(&mut client).await, payload(3, 1));
        assert_eq!(next_binary(&mut client).await, payload(0, 0));
        assert_eq!(next_binary(&mut client).await, payload(2, 2));
    }

    /// A closing socket takes nothing more from its room, so nothing
    /// follows its close frame; what was written before still goes.
    #[tokio::test]
    async fn a_stopped_connection_refuses_the_rooms_frames_but_not_the_tasks() {
        let (near, far) = tokio::io::duplex(1 << 16);
        let conn = Conn::new(near, 1_000);
        let mut server =
            WebSocketStream::from_raw_socket(SharedIo::new(Arc::clone(&conn)), Role::Server, None)
                .await;
        conn.send(&[payload(3, 1)]).unwrap();
        conn.stop();
        assert_eq!(conn.send(&[payload(3, 2)]), Err(PushError::Closed));
        server.send(Message::Close(None)).await.unwrap();
        let mut client = client(far).await;
        assert_eq!(next_binary(&mut client).await, payload(3, 1));
        assert!(matches!(client.next().await, Some(Ok(Message::Close(_)))));
    }

    /// The task letting go closes the connection, though the room still
    /// holds it: the client sees the end, the room hears "closed".
    #[tokio::test]
    async fn the_task_letting_go_closes_the_connection() {
        let (near, mut far) = tokio::io::duplex(1 << 16);
        let conn = Conn::new(near, 1_000);
        let io = SharedIo::new(Arc::clone(&conn));
        conn.send(&[payload(3, 9)]).unwrap();
        drop(io);
        assert_eq!(conn.send(&[payload(3, 9)]), Err(PushError::Closed));
        let mut seen = Vec::new();
        far.read_to_end(&mut seen).await.unwrap();
        assert_eq!(seen, [0x82, 3, 9, 9, 9], "the frame before, then the end");
    }

    use std::time::Duration;
}
