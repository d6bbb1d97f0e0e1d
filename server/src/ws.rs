//! The WebSocket edge: authenticates, then moves frames between one socket and its
//! room. Size and rate limits are checked here, before a frame reaches the room.

use crate::app::{App, Authorized};
use crate::rooms::ConnLink;
use crate::storage::DocKey;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket};
use bytes::Bytes;
use futures_util::SinkExt;
use std::sync::Arc;
use std::time::Duration;
use tafel_shared::protocol::CloseCode;
use tokio::time::Instant;

/// A token bucket: `rate` messages per second with bursts up to `burst`.
pub struct RateLimit {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl RateLimit {
    /// A full bucket.
    pub fn new(rate: u32, burst: u32) -> Self {
        Self {
            rate: f64::from(rate),
            burst: f64::from(burst),
            tokens: f64::from(burst),
            last: Instant::now(),
        }
    }

    /// Takes one token; `false` when the bucket is empty.
    pub fn allow(&mut self) -> bool {
        let now = Instant::now();
        let elapsed = now.duration_since(self.last).as_secs_f64();
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

/// Sends a close frame with a documented code, then lets the socket go.
pub async fn close_with(mut socket: WebSocket, code: CloseCode) {
    let _ = socket
        .send(WsMessage::Close(Some(CloseFrame {
            code: code.code(),
            reason: code.reason().into(),
        })))
        .await;
    // Give the peer a moment to read the close frame before the TCP connection ends.
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(msg)) = socket.recv().await {
            if matches!(msg, WsMessage::Close(_)) {
                break;
            }
        }
    })
    .await;
}

/// Serves one authenticated socket until it closes.
pub async fn serve_socket(app: Arc<App>, socket: WebSocket, auth: Result<Authorized, CloseCode>) {
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
    let link = match app.rooms.join(key, auth.role).await {
        Ok(link) => link,
        Err(code) => return close_with(socket, code).await,
    };
    let code = pump(&app, socket, link).await;
    if let Some(code) = code {
        tracing::debug!(reason = code.reason(), "socket closed by the server");
    }
}

/// Moves frames both ways. Returns the close code the server chose, if it chose one.
async fn pump(app: &App, mut socket: WebSocket, mut link: ConnLink) -> Option<CloseCode> {
    let limits = &app.config;
    let mut rate = RateLimit::new(limits.max_messages_per_sec, limits.message_burst);
    let close = loop {
        tokio::select! {
            biased;
            code = &mut link.kill => break code.ok(),
            out = link.outbound.recv() => match out {
                Some(frame) => {
                    if write_batch(&mut socket, &mut link, frame).await.is_err() {
                        break None;
                    }
                }
                None => break Some(CloseCode::InternalError),
            },
            incoming = socket.recv() => match incoming {
                None => break None,
                Some(Err(e)) => {
                    // Frames over tungstenite's hard limit end the read with a
                    // capacity error; anything else is a broken connection.
                    let inner = e.into_inner();
                    if matches!(
                        inner.downcast_ref::<tokio_tungstenite::tungstenite::Error>(),
                        Some(tokio_tungstenite::tungstenite::Error::Capacity(_))
                    ) {
                        app.metrics.refuse(CloseCode::TooLarge.reason());
                        break Some(CloseCode::TooLarge);
                    }
                    break None;
                }
                Some(Ok(WsMessage::Binary(bytes))) => {
                    if let Some(code) = check_frame(app, &mut rate, &bytes) {
                        app.metrics.refuse(code.reason());
                        break Some(code);
                    }
                    if !link.send(bytes).await {
                        break Some(CloseCode::InternalError);
                    }
                }
                Some(Ok(WsMessage::Text(_))) => {
                    app.metrics.refuse(CloseCode::UnsupportedData.reason());
                    break Some(CloseCode::UnsupportedData);
                }
                Some(Ok(WsMessage::Close(_))) => break None,
                // Pings are answered by the WebSocket layer itself.
                Some(Ok(_)) => {
                    if !rate.allow() {
                        break Some(CloseCode::RateLimited);
                    }
                }
            },
        }
    };
    drop(link);
    if let Some(code) = close {
        close_with(socket, code).await;
    }
    close
}

/// Writes `first` and every frame already queued behind it, then flushes once:
/// group commit releases updates in batches, and one flush per batch instead of per
/// frame saves a system call for each.
async fn write_batch(
    socket: &mut WebSocket,
    link: &mut ConnLink,
    first: Bytes,
) -> Result<(), axum::Error> {
    socket.feed(WsMessage::Binary(first)).await?;
    // Bounded, so a busy room cannot keep one socket from reading forever.
    for _ in 0..64 {
        match link.outbound.try_recv() {
            Some(frame) => socket.feed(WsMessage::Binary(frame)).await?,
            None => break,
        }
    }
    socket.flush().await
}

fn check_frame(app: &App, rate: &mut RateLimit, bytes: &Bytes) -> Option<CloseCode> {
    if bytes.len() > app.config.max_frame_bytes {
        return Some(CloseCode::TooLarge);
    }
    if !rate.allow() {
        return Some(CloseCode::RateLimited);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn rate_limit_allows_bursts_then_refills() {
        let mut r = RateLimit::new(10, 3);
        assert!(r.allow() && r.allow() && r.allow());
        assert!(!r.allow());
        tokio::time::advance(Duration::from_millis(100)).await;
        assert!(r.allow());
        assert!(!r.allow());
        tokio::time::advance(Duration::from_secs(10)).await;
        assert!(r.allow() && r.allow() && r.allow());
        assert!(!r.allow());
    }
}
