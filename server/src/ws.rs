//! The WebSocket edge: authenticates, then moves frames between one socket and its
//! room. Size and rate limits are checked here, before a frame reaches the room.
//!
//! The room writes its frames into the connection itself ([`crate::ws_conn`]);
//! this task reads, and writes what the connection could not take at once.
//!
//! The pump is generic over the socket (any `Sink` + `Stream` of WebSocket
//! messages, as in axum's testing-websockets example), so its limits and close
//! handshakes are unit-tested with in-memory channels under paused time.

use crate::app::{App, Authorized};
use crate::clock::Clock;
use crate::config::ServeConfig;
use crate::metrics::Metrics;
use crate::room::Member;
use crate::rooms::ConnLink;
use crate::storage::DocKey;
use bytes::Bytes;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tafel_shared::protocol::CloseCode;
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
    let conn = crate::ws_conn::Conn::new(io, app.config.send_queue_bytes.max(1));
    let socket = WebSocketStream::from_raw_socket(
        crate::ws_conn::SharedIo::new(Arc::clone(&conn)),
        Role::Server,
        Some(websocket_config(app.config.max_frame_bytes)),
    )
    .await;
    serve_socket(app, socket, auth, Some(conn)).await
}

/// Serves one authenticated socket until it closes; with `direct`, its room
/// writes into its connection.
pub async fn serve_socket<S>(
    app: Arc<App>,
    socket: S,
    auth: Result<Authorized, CloseCode>,
    direct: Option<Arc<dyn crate::rooms::queue::Direct>>,
) where
    S: Sink<WsMessage, Error = WsError> + Stream<Item = Result<WsMessage, WsError>> + Unpin,
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
    let link = match app.rooms.join_direct(key, member, direct).await {
        Ok(link) => link,
        Err(code) => return close_with(socket, code).await,
    };
    let limits = SocketLimits::from(&app.config);
    let code = pump(socket, link, &limits, &app.metrics, app.clock.as_ref()).await;
    if let Some(code) = code {
        tracing::debug!(reason = code.reason(), "socket closed by the server");
    }
}

/// Moves frames both ways until either side ends. Returns the close code the
/// server chose, if it chose one (and then it has sent the close frame).
pub async fn pump<S>(
    mut socket: S,
    mut link: ConnLink,
    limits: &SocketLimits,
    metrics: &Metrics,
    clock: &dyn Clock,
) -> Option<CloseCode>
where
    S: Sink<WsMessage, Error = WsError> + Stream<Item = Result<WsMessage, WsError>> + Unpin,
{
    let mut rate = RateLimit::new(limits.messages_per_sec, limits.burst, clock.now());
    let direct = link.outbound.direct();
    // Set when a write did not finish in time: no close frame can be sent then.
    let mut stuck = false;
    let close = loop {
        tokio::select! {
            biased;
            code = &mut link.kill => break code.ok(),
            out = link.outbound.recv() => match out {
                Some(frame) => {
                    if let Err(end) = within_deadline(limits, metrics, write_batch(&mut socket, &mut link, frame)).await {
                        stuck = end.is_some();
                        break end;
                    }
                }
                None => break Some(CloseCode::InternalError),
            },
            // What the room wrote and the connection did not take at once.
            () = backlog(direct.as_deref()) => {
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
    if let Some(direct) = &direct {
        direct.stop();
    }
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

/// Resolves when bytes the room wrote wait for this socket's task to write
/// them; never without a direct connection.
async fn backlog(direct: Option<&dyn crate::rooms::queue::Direct>) {
    match direct {
        Some(direct) => direct.backlog().notified().await,
        None => std::future::pending().await,
    }
}

/// Most frames written before one flush, so a busy room cannot keep one socket
/// from reading forever.
const WRITE_BATCH: usize = 64;

/// Writes `first` and every frame already queued behind it, then flushes once:
/// group commit releases updates in batches, and one flush per batch instead of per
/// frame saves a system call for each.
async fn write_batch<S>(socket: &mut S, link: &mut ConnLink, first: Bytes) -> Result<(), S::Error>
where
    S: Sink<WsMessage> + Unpin,
{
    socket.feed(WsMessage::Binary(first)).await?;
    for _ in 1..WRITE_BATCH {
        match link.outbound.try_recv() {
            Some(frame) => socket.feed(WsMessage::Binary(frame)).await?,
            None => break,
        }
    }
    socket.flush().await
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
    use crate::rooms::{test_link, Cmd};
    use futures_channel::mpsc;
    use std::pin::Pin;
    use std::task::{Context, Poll};

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

    /// The client's side of an in-memory socket: what it sends, and what the
    /// server wrote to it.
    struct Client {
        to_server: mpsc::UnboundedSender<Result<WsMessage, WsError>>,
        from_server: mpsc::UnboundedReceiver<WsMessage>,
    }

    /// The server's side: a `Sink` + `Stream` like tokio-tungstenite's `WebSocketStream`.
    struct TestSocket {
        incoming: mpsc::UnboundedReceiver<Result<WsMessage, WsError>>,
        outgoing: mpsc::UnboundedSender<WsMessage>,
    }

    impl Stream for TestSocket {
        type Item = Result<WsMessage, WsError>;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Pin::new(&mut self.incoming).poll_next(cx)
        }
    }

    impl Sink<WsMessage> for TestSocket {
        type Error = WsError;
        fn poll_ready(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Result<(), Self::Error>> {
            Pin::new(&mut self.outgoing)
                .poll_ready(cx)
                .map_err(|_| WsError::ConnectionClosed)
        }
        fn start_send(mut self: Pin<&mut Self>, item: WsMessage) -> Result<(), Self::Error> {
            Pin::new(&mut self.outgoing)
                .start_send(item)
                .map_err(|_| WsError::ConnectionClosed)
        }
        fn poll_flush(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Result<(), Self::Error>> {
            Pin::new(&mut self.outgoing)
                .poll_flush(cx)
                .map_err(|_| WsError::ConnectionClosed)
        }
        fn poll_close(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Result<(), Self::Error>> {
            Pin::new(&mut self.outgoing)
                .poll_close(cx)
                .map_err(|_| WsError::ConnectionClosed)
        }
    }

    fn socket() -> (Client, TestSocket) {
        let (to_server, incoming) = mpsc::unbounded();
        let (outgoing, from_server) = mpsc::unbounded();
        (
            Client {
                to_server,
                from_server,
            },
            TestSocket { incoming, outgoing },
        )
    }

    fn limits() -> SocketLimits {
        SocketLimits {
            max_frame_bytes: 100,
            messages_per_sec: 10,
            burst: 3,
            write_deadline: Duration::from_secs(10),
        }
    }

    impl Client {
        fn send(&self, msg: WsMessage) {
            self.to_server.unbounded_send(Ok(msg)).unwrap();
        }

        /// The close code the server sent, after any data frames.
        async fn close_code(&mut self) -> Option<u16> {
            while let Some(msg) = self.from_server.next().await {
                if let WsMessage::Close(frame) = msg {
                    return frame.map(|f| u16::from(f.code));
                }
            }
            None
        }
    }

    async fn run(
        socket: TestSocket,
        link: crate::rooms::ConnLink,
    ) -> tokio::task::JoinHandle<Option<CloseCode>> {
        tokio::spawn(async move {
            let metrics = Metrics::default();
            let clock = PausedClock::starting_at(0);
            pump(socket, link, &limits(), &metrics, &clock).await
        })
    }

    #[tokio::test(start_paused = true)]
    async fn frames_flow_both_ways_in_order() {
        let (mut client, server) = socket();
        let (link, outbox, _kill, mut room) = test_link(1 << 20);
        let pumping = run(server, link).await;
        client.send(WsMessage::Binary(Bytes::from_static(b"one")));
        client.send(WsMessage::Binary(Bytes::from_static(b"two")));
        for want in [&b"one"[..], b"two"] {
            match room.recv().await {
                Some(Cmd::Frame { bytes, .. }) => assert_eq!(&bytes[..], want),
                _ => panic!("no frame reached the room"),
            }
        }
        for f in [&b"a"[..], b"b", b"c"] {
            outbox.push(Bytes::from_static(f)).unwrap();
        }
        for want in [&b"a"[..], b"b", b"c"] {
            match client.from_server.next().await {
                Some(WsMessage::Binary(b)) => assert_eq!(&b[..], want),
                other => panic!("{other:?}"),
            }
        }
        // The client closes: the pump ends without a code of its own.
        client.send(WsMessage::Close(None));
        assert_eq!(pumping.await.unwrap(), None);
        assert!(
            matches!(room.recv().await, Some(Cmd::Leave { .. })),
            "the room hears the socket left"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_flood_is_rate_limited_and_refills_with_time() {
        let (mut client, server) = socket();
        let (link, _outbox, _kill, mut room) = test_link(1 << 20);
        let pumping = run(server, link).await;
        for _ in 0..3 {
            client.send(WsMessage::Binary(Bytes::from_static(b"x")));
        }
        for _ in 0..3 {
            assert!(matches!(room.recv().await, Some(Cmd::Frame { .. })));
        }
        // A tenth of a second refills one token (10 per second).
        tokio::time::advance(Duration::from_millis(100)).await;
        client.send(WsMessage::Binary(Bytes::from_static(b"y")));
        assert!(matches!(room.recv().await, Some(Cmd::Frame { .. })));
        client.send(WsMessage::Binary(Bytes::from_static(b"z")));
        assert_eq!(
            client.close_code().await,
            Some(CloseCode::RateLimited.code())
        );
        client.send(WsMessage::Close(None));
        assert_eq!(pumping.await.unwrap(), Some(CloseCode::RateLimited));
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
            let (mut client, server) = socket();
            let (link, _outbox, _kill, mut room) = test_link(1 << 20);
            let pumping = run(server, link).await;
            client.send(msg);
            assert_eq!(client.close_code().await, Some(code.code()));
            // The client never answers the close: the server gives up after its
            // wait, with no real time passing.
            assert_eq!(pumping.await.unwrap(), Some(code));
            assert!(
                matches!(room.recv().await, Some(Cmd::Leave { .. })),
                "nothing but the leave reached the room"
            );
        }
    }

    /// A socket whose client never reads: every write waits forever.
    struct Stuck(mpsc::UnboundedReceiver<Result<WsMessage, WsError>>);

    impl Stream for Stuck {
        type Item = Result<WsMessage, WsError>;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Pin::new(&mut self.0).poll_next(cx)
        }
    }

    impl Sink<WsMessage> for Stuck {
        type Error = WsError;
        fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Pending
        }
        fn start_send(self: Pin<&mut Self>, _: WsMessage) -> Result<(), Self::Error> {
            Ok(())
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Pending
        }
        fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Pending
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_stops_reading_is_dropped_after_the_deadline() {
        let (_to_server, incoming) = mpsc::unbounded();
        let (link, outbox, kill, mut room) = test_link(1 << 20);
        let pumping = tokio::spawn(async move {
            let metrics = Metrics::default();
            let clock = PausedClock::starting_at(0);
            pump(Stuck(incoming), link, &limits(), &metrics, &clock).await
        });
        outbox.push(Bytes::from_static(b"update")).unwrap();
        // Before the deadline the task is still trying.
        tokio::time::sleep(limits().write_deadline / 2).await;
        assert!(!pumping.is_finished());
        tokio::time::sleep(limits().write_deadline).await;
        assert_eq!(pumping.await.unwrap(), Some(CloseCode::SlowConsumer));
        assert!(matches!(room.recv().await, Some(Cmd::Leave { .. })));

        // Closing one (revoked link) cannot hang on it either.
        let (_to_server, incoming) = mpsc::unbounded();
        let (link, _outbox, kill2, _room) = test_link(1 << 20);
        let pumping = tokio::spawn(async move {
            let metrics = Metrics::default();
            let clock = PausedClock::starting_at(0);
            pump(Stuck(incoming), link, &limits(), &metrics, &clock).await
        });
        kill2.send(CloseCode::TokenRevoked).unwrap();
        assert_eq!(pumping.await.unwrap(), Some(CloseCode::TokenRevoked));
        drop(kill);
    }

    #[tokio::test(start_paused = true)]
    async fn the_room_closing_a_socket_sends_its_code() {
        let (mut client, server) = socket();
        let (link, _outbox, kill, _room) = test_link(1 << 20);
        let pumping = run(server, link).await;
        kill.send(CloseCode::TokenRevoked).unwrap();
        assert_eq!(
            client.close_code().await,
            Some(CloseCode::TokenRevoked.code())
        );
        assert_eq!(pumping.await.unwrap(), Some(CloseCode::TokenRevoked));
    }
}
