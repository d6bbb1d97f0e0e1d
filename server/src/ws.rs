//! The WebSocket edge: authenticates, then moves frames between one socket and its
//! room. Size and rate limits are checked here, before a frame reaches the room.
//!
//! The room writes its frames into the connection itself ([`crate::ws_conn`]);
//! this task reads, and writes what the connection could not take at once.
//!
//! The pump is generic over the connection under the socket, so its limits and
//! close handshakes are unit-tested over an in-memory pipe under paused time,
//! through the same [`crate::ws_conn::Conn`] a real socket has.

use crate::app::{App, Authorized};
use crate::clock::Clock;
use crate::config::ServeConfig;
use crate::metrics::Metrics;
use crate::room::Member;
use crate::rooms::queue::Direct;
use crate::rooms::ConnLink;
use crate::storage::DocKey;
use crate::ws_conn::{Conn, SharedIo};
use bytes::Bytes;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tafel_shared::protocol::CloseCode;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message as WsMessage};
use tokio_tungstenite::WebSocketStream;

/// A token bucket: `rate` messages per second with bursts up to `burst`.
pub struct RateLimit {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl RateLimit {
    /// A full bucket at `now`.
    pub fn new(rate: u32, burst: u32, now: Instant) -> Self {
        Self {
            rate: f64::from(rate),
            burst: f64::from(burst),
            tokens: f64::from(burst),
            last: now,
        }
    }

    /// Takes one token at `now`; `false` when the bucket is empty.
    pub fn allow(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The per-socket limits, from the server configuration.
#[derive(Clone, Debug)]
pub struct SocketLimits {
    /// Largest frame accepted (1009 beyond).
    pub max_frame_bytes: usize,
    /// Sustained messages per second (4008 beyond).
    pub messages_per_sec: u32,
    /// Burst above the sustained rate.
    pub burst: u32,
    /// How long writing to the socket may take before the client counts as
    /// stuck: a socket that does not drain within it is dropped (its TCP
    /// connection closed) and its task ends, whatever the peer does.
    pub write_deadline: Duration,
}

impl From<&ServeConfig> for SocketLimits {
    fn from(c: &ServeConfig) -> Self {
        Self {
            max_frame_bytes: c.max_frame_bytes,
            messages_per_sec: c.max_messages_per_sec,
            burst: c.message_burst,
            write_deadline: Duration::from_secs(c.write_timeout_secs.max(1)),
        }
    }
}

/// How long the server waits for the client's answer to its close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Sends a close frame with a documented code, then lets the socket go.
/// Sending is bounded too: a peer that reads nothing cannot hold the task.
pub async fn close_with<S>(mut socket: S, code: CloseCode)
where
    S: Sink<WsMessage> + Stream<Item = Result<WsMessage, WsError>> + Unpin,
{
    if send_close(&mut socket, code).await {
        await_close_reply(socket).await;
    }
}

/// Sends the close frame (bounded); `false` if it could not be sent in time.
async fn send_close<S>(socket: &mut S, code: CloseCode) -> bool
where
    S: Sink<WsMessage> + Unpin,
{
    tokio::time::timeout(
        CLOSE_WAIT,
        socket.send(WsMessage::Close(Some(CloseFrame {
            code: code.code().into(),
            reason: code.reason().into(),
        }))),
    )
    .await
    .is_ok()
}

/// Gives the peer a moment to read the close frame before the TCP connection
/// ends.
async fn await_close_reply<S>(mut socket: S)
where
    S: Stream<Item = Result<WsMessage, WsError>> + Unpin,
{
    let _ = tokio::time::timeout(CLOSE_WAIT, async {
        while let Some(Ok(msg)) = socket.next().await {
            if matches!(msg, WsMessage::Close(_)) {
                break;
            }
        }
    })
    .await;
}

/// tungstenite's settings for a socket: its own limits sit above ours, so
/// that frames just over the limit get our documented close code rather than
/// a torn connection.
fn websocket_config(max_frame_bytes: usize) -> WebSocketConfig {
    let hard_limit = max_frame_bytes.saturating_mul(2).max(1 << 16);
    WebSocketConfig::default()
        .max_message_size(Some(hard_limit))
        .max_frame_size(Some(hard_limit))
        // Most sockets sit idle with a cursor or two per second: a small read
        // buffer keeps their memory low (tungstenite allocates 128 KiB up
        // front); large messages still arrive, in more reads. tungstenite also
        // zeroes the free part of it each time the socket is polled for a
        // read: at 500 sockets a 4 KiB buffer made that 4 % of the server's
        // CPU (BENCHMARKS.md).
        .read_buffer_size(1 << 10)
}

/// Serves a connection the handshake opened: the room writes into it
/// directly, this task reads it.
pub async fn serve_connection(
    app: Arc<App>,
    io: crate::ws_handshake::Upgraded,
    auth: Result<Authorized, CloseCode>,
) {
    let (socket, conn) = socket_over(io, &app.config).await;
    serve_socket(app, socket, auth, conn).await
}

/// A server's socket over `io`, and the connection its room writes into.
async fn socket_over<T: AsyncRead + AsyncWrite + Unpin + Send + 'static>(
    io: T,
    config: &ServeConfig,
) -> (Socket<T>, Arc<Conn<T>>) {
    let conn = Conn::new(io, config.send_queue_bytes.max(1));
    let socket = WebSocketStream::from_raw_socket(
        SharedIo::new(Arc::clone(&conn)),
        Role::Server,
        Some(websocket_config(config.max_frame_bytes)),
    )
    .await;
    (socket, conn)
}

/// A server's socket: tungstenite over the task's end of a [`Conn`].
type Socket<T> = WebSocketStream<SharedIo<T>>;

/// Serves one authenticated socket until it closes; its room writes into
/// `conn`.
async fn serve_socket<T>(
    app: Arc<App>,
    socket: Socket<T>,
    auth: Result<Authorized, CloseCode>,
    conn: Arc<Conn<T>>,
) where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let auth = match auth {
        Ok(a) => a,
        Err(code) => {
            app.metrics.refuse(code.reason());
            return close_with(socket, code).await;
        }
    };
    let key = DocKey {
        board: auth.board.clone(),
        doc: auth.doc,
    };
    let member = Member {
        role: auth.role,
        participant: auth.participant,
    };
    let link = match app.rooms.join_direct(key, member, conn.clone()).await {
        Ok(link) => link,
        Err(code) => return close_with(socket, code).await,
    };
    let limits = SocketLimits::from(&app.config);
    let code = pump(
        socket,
        link,
        &*conn,
        &limits,
        &app.metrics,
        app.clock.as_ref(),
    )
    .await;
    if let Some(code) = code {
        tracing::debug!(reason = code.reason(), "socket closed by the server");
    }
}

/// Moves frames both ways until either side ends: reads frames for the room,
/// and writes what the room wrote into `conn` and the connection did not take
/// at once. Returns the close code the server chose, if it chose one (and then
/// it has sent the close frame).
async fn pump<T>(
    mut socket: Socket<T>,
    mut link: ConnLink,
    conn: &Conn<T>,
    limits: &SocketLimits,
    metrics: &Metrics,
    clock: &dyn Clock,
) -> Option<CloseCode>
where
    T: AsyncRead + AsyncWrite + Unpin + Send,
{
    let mut rate = RateLimit::new(limits.messages_per_sec, limits.burst, clock.now());
    // Set when a write did not finish in time: no close frame can be sent then.
    let mut stuck = false;
    let close = loop {
        tokio::select! {
            biased;
            // A room that lets go without a code (its task ended) closes
            // the socket as a server error, so the client reconnects.
            code = &mut link.kill => break Some(code.unwrap_or(CloseCode::InternalError)),
            () = link.outbound.released() => break Some(CloseCode::InternalError),
            () = conn.backlog().notified() => {
                if let Err(end) = within_deadline(limits, metrics, socket.flush()).await {
                    stuck = end.is_some();
                    break end;
                }
            }
            incoming = socket.next() => match incoming {
                None => break None,
                // Frames over tungstenite's hard limit end the read with a
                // capacity error; anything else is a broken connection.
                Some(Err(WsError::Capacity(_))) => {
                    metrics.refuse(CloseCode::TooLarge.reason());
                    break Some(CloseCode::TooLarge);
                }
                Some(Err(_)) => break None,
                Some(Ok(WsMessage::Binary(bytes))) => {
                    if let Some(code) = check_frame(limits, &mut rate, clock, &bytes) {
                        metrics.refuse(code.reason());
                        break Some(code);
                    }
                    if !link.send(bytes).await {
                        break Some(CloseCode::InternalError);
                    }
                }
                Some(Ok(WsMessage::Text(_))) => {
                    metrics.refuse(CloseCode::UnsupportedData.reason());
                    break Some(CloseCode::UnsupportedData);
                }
                Some(Ok(WsMessage::Close(_))) => {
                    // tungstenite has answered it: the answer goes out before
                    // the connection closes, so the client's close is clean.
                    let _ = tokio::time::timeout(CLOSE_WAIT, socket.flush()).await;
                    break None;
                }
                // Pings are answered by the WebSocket layer itself.
                Some(Ok(_)) => {
                    if !rate.allow(clock.now()) {
                        metrics.refuse(CloseCode::RateLimited.reason());
                        break Some(CloseCode::RateLimited);
                    }
                }
            },
        }
    };
    conn.stop();
    match close {
        Some(code) if !stuck => {
            // The link (and with it this socket's place in the room and in
            // the count shutdown waits on) goes once the close frame is out,
            // not after the peer's answer; the room may let go of it even
            // sooner, when its next write finds the connection stopped.
            let sent = send_close(&mut socket, code).await;
            drop(link);
            if sent {
                await_close_reply(socket).await;
            }
        }
        // Dropping the socket closes its connection.
        _ => {
            drop(link);
            drop(socket);
        }
    }
    close
}

/// Runs a write to the socket under the write deadline. `Err` ends the pump:
/// with no code if the connection broke, "client too slow" if it did not
/// drain in time (no close frame can be sent then).
async fn within_deadline<E>(
    limits: &SocketLimits,
    metrics: &Metrics,
    write: impl std::future::Future<Output = Result<(), E>>,
) -> Result<(), Option<CloseCode>> {
    match tokio::time::timeout(limits.write_deadline, write).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(None),
        Err(_) => {
            metrics.refuse(CloseCode::SlowConsumer.reason());
            Err(Some(CloseCode::SlowConsumer))
        }
    }
}

fn check_frame(
    limits: &SocketLimits,
    rate: &mut RateLimit,
    clock: &dyn Clock,
    bytes: &Bytes,
) -> Option<CloseCode> {
    if bytes.len() > limits.max_frame_bytes {
        return Some(CloseCode::TooLarge);
    }
    if !rate.allow(clock.now()) {
        return Some(CloseCode::RateLimited);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::PausedClock;
    use crate::rooms::queue::Outbox;
    use crate::rooms::{test_link, Cmd};
    use tokio::io::DuplexStream;
    use tokio::sync::{mpsc, oneshot};

    #[tokio::test(start_paused = true)]
    async fn rate_limit_allows_bursts_then_refills() {
        let clock = PausedClock::starting_at(0);
        let mut r = RateLimit::new(10, 3, clock.now());
        assert!(r.allow(clock.now()) && r.allow(clock.now()) && r.allow(clock.now()));
        assert!(!r.allow(clock.now()));
        tokio::time::advance(Duration::from_millis(100)).await;
        assert!(r.allow(clock.now()));
        assert!(!r.allow(clock.now()));
        tokio::time::advance(Duration::from_secs(10)).await;
        assert!(r.allow(clock.now()) && r.allow(clock.now()) && r.allow(clock.now()));
        assert!(!r.allow(clock.now()));
    }

    fn limits() -> SocketLimits {
        SocketLimits {
            max_frame_bytes: 100,
            messages_per_sec: 10,
            burst: 3,
            write_deadline: Duration::from_secs(10),
        }
    }

    /// A socket served by the pump over an in-memory pipe, the client's end of
    /// it, and the room's ends of its link.
    struct Served {
        client: WebSocketStream<DuplexStream>,
        pumping: Pumping,
        /// What the room sends the socket: written into its connection.
        outbox: Outbox,
        kill: oneshot::Sender<CloseCode>,
        room: mpsc::Receiver<Cmd>,
    }

    /// Serves a socket whose pipe holds `pipe_bytes` that the client has not
    /// read.
    async fn serve(pipe_bytes: usize) -> Served {
        let (client_io, server_io) = tokio::io::duplex(pipe_bytes);
        let config = ServeConfig {
            max_frame_bytes: limits().max_frame_bytes,
            send_queue_bytes: 1 << 20,
            ..ServeConfig::default()
        };
        let (socket, conn) = socket_over(server_io, &config).await;
        let (link, outbox, kill, room) = test_link(1 << 20, Some(conn.clone()));
        let pumping = tokio::spawn(async move {
            let metrics = Metrics::default();
            let clock = PausedClock::starting_at(0);
            pump(socket, link, &*conn, &limits(), &metrics, &clock).await
        });
        let client = WebSocketStream::from_raw_socket(client_io, Role::Client, None).await;
        Served {
            client,
            pumping,
            outbox,
            kill,
            room,
        }
    }

    impl Served {
        async fn send(&mut self, msg: WsMessage) {
            self.client.send(msg).await.unwrap();
        }

        async fn room_hears_the_socket_left(&mut self) -> bool {
            room_hears_the_socket_left(&mut self.room).await
        }
    }

    /// The close code the server sent, after any data frames.
    async fn close_code(client: &mut WebSocketStream<DuplexStream>) -> Option<u16> {
        while let Some(Ok(msg)) = client.next().await {
            if let WsMessage::Close(frame) = msg {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    }

    type Pumping = tokio::task::JoinHandle<Option<CloseCode>>;

    /// The server closed the socket with `code`, and its pump ended with it.
    async fn closed_with(
        client: &mut WebSocketStream<DuplexStream>,
        pumping: &mut Pumping,
        code: CloseCode,
    ) {
        assert_eq!(close_code(client).await, Some(code.code()));
        pump_ended_with(pumping, code).await;
    }

    async fn pump_ended_with(pumping: &mut Pumping, code: CloseCode) {
        assert_eq!(pumping.await.unwrap(), Some(code));
    }

    async fn room_hears_the_socket_left(room: &mut mpsc::Receiver<Cmd>) -> bool {
        {
            loop {
                match room.recv().await {
                    Some(Cmd::Leave { .. }) => return true,
                    Some(Cmd::Frame { .. }) => continue,
                    _ => return false,
                }
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn frames_flow_both_ways_in_order() {
        let mut s = serve(1 << 16).await;
        s.send(WsMessage::Binary(Bytes::from_static(b"one"))).await;
        s.send(WsMessage::Binary(Bytes::from_static(b"two"))).await;
        for want in [&b"one"[..], b"two"] {
            match s.room.recv().await {
                Some(Cmd::Frame { bytes, .. }) => assert_eq!(&bytes[..], want),
                _ => panic!("no frame reached the room"),
            }
        }
        s.outbox.push(Bytes::from_static(b"a")).unwrap();
        s.outbox
            .push_batch(vec![Bytes::from_static(b"b"), Bytes::from_static(b"c")])
            .unwrap();
        for want in [&b"a"[..], b"b", b"c"] {
            match s.client.next().await {
                Some(Ok(WsMessage::Binary(b))) => assert_eq!(&b[..], want),
                other => panic!("{other:?}"),
            }
        }
        // The client closes: the server answers, and the pump ends without a
        // code of its own.
        s.client.close(None).await.unwrap();
        assert!(matches!(
            s.client.next().await,
            Some(Ok(WsMessage::Close(_))) | None
        ));
        assert_eq!((&mut s.pumping).await.unwrap(), None);
        assert!(s.room_hears_the_socket_left().await);
    }

    #[tokio::test(start_paused = true)]
    async fn a_flood_is_rate_limited_and_refills_with_time() {
        let mut s = serve(1 << 16).await;
        for _ in 0..3 {
            s.send(WsMessage::Binary(Bytes::from_static(b"x"))).await;
        }
        for _ in 0..3 {
            assert!(matches!(s.room.recv().await, Some(Cmd::Frame { .. })));
        }
        // A tenth of a second refills one token (10 per second).
        tokio::time::advance(Duration::from_millis(100)).await;
        s.send(WsMessage::Binary(Bytes::from_static(b"y"))).await;
        assert!(matches!(s.room.recv().await, Some(Cmd::Frame { .. })));
        s.send(WsMessage::Binary(Bytes::from_static(b"z"))).await;
        closed_with(&mut s.client, &mut s.pumping, CloseCode::RateLimited).await;
    }

    #[tokio::test(start_paused = true)]
    async fn oversized_and_text_frames_close_with_their_codes() {
        for (msg, code) in [
            (
                WsMessage::Binary(Bytes::from(vec![0u8; 101])),
                CloseCode::TooLarge,
            ),
            (WsMessage::Text("hello".into()), CloseCode::UnsupportedData),
        ] {
            let mut s = serve(1 << 16).await;
            s.send(msg).await;
            // The client never answers the close: the server gives up after its
            // wait, with no real time passing.
            closed_with(&mut s.client, &mut s.pumping, code).await;
            assert!(
                matches!(s.room.recv().await, Some(Cmd::Leave { .. })),
                "nothing but the leave reached the room"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_stops_reading_is_dropped_after_the_deadline() {
        // The pipe takes 64 bytes; the client reads none of them.
        let mut s = serve(64).await;
        s.outbox.push(Bytes::from(vec![7u8; 1_000])).unwrap();
        // Before the deadline the task is still trying.
        tokio::time::sleep(limits().write_deadline / 2).await;
        assert!(!s.pumping.is_finished());
        tokio::time::sleep(limits().write_deadline).await;
        pump_ended_with(&mut s.pumping, CloseCode::SlowConsumer).await;
        assert!(s.room_hears_the_socket_left().await);

        // Closing one (revoked link) cannot hang on it either: its close frame
        // waits behind bytes the client never reads.
        let mut s = serve(64).await;
        s.outbox.push(Bytes::from(vec![7u8; 1_000])).unwrap();
        s.kill.send(CloseCode::TokenRevoked).unwrap();
        pump_ended_with(&mut s.pumping, CloseCode::TokenRevoked).await;
    }

    #[tokio::test(start_paused = true)]
    async fn the_room_closing_a_socket_sends_its_code() {
        let mut s = serve(1 << 16).await;
        s.outbox.push(Bytes::from_static(b"last")).unwrap();
        s.kill.send(CloseCode::TokenRevoked).unwrap();
        match s.client.next().await {
            Some(Ok(WsMessage::Binary(b))) => assert_eq!(&b[..], b"last"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            close_code(&mut s.client).await,
            Some(CloseCode::TokenRevoked.code())
        );
        // The close frame is out and the connection still open (the server
        // waits for the client's answer): what the room sends now is refused,
        // not written after the close.
        assert!(!s.pumping.is_finished());
        assert_eq!(
            s.outbox.push(Bytes::from_static(b"late")),
            Err(crate::rooms::queue::PushError::Closed)
        );
        pump_ended_with(&mut s.pumping, CloseCode::TokenRevoked).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_socket_its_room_let_go_of_is_closed_as_a_server_error() {
        // As a room whose task ended: its hold on the socket dropped, no code sent.
        let mut s = serve(1 << 16).await;
        drop(s.outbox);
        drop(s.kill);
        closed_with(&mut s.client, &mut s.pumping, CloseCode::InternalError).await;
    }
}
