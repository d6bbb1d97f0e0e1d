//! Protocol clients: [`RawClient`] speaks frames, [`SyncClient`] keeps a yrs replica
//! in sync the way a stock Yjs client does.

use anyhow::{anyhow, bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tafel_shared::protocol::{AwarenessEntry, AwarenessUpdate, CloseCode, Message};
use tafel_shared::sync::ClientSync;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode as WsCloseCode;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use yrs::{Doc, ReadTxn, StateVector, Transact, TransactionMut};

/// How long a test waits for something that should happen before failing.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// What arrived on a socket.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A decoded protocol message.
    Msg(Message),
    /// The server closed the socket with this code and reason.
    Closed(Option<u16>, String),
}

impl Event {
    /// The close code, if this is a close with a documented code.
    pub fn close_code(&self) -> Option<CloseCode> {
        match self {
            Event::Closed(Some(c), _) => CloseCode::from_code(*c),
            _ => None,
        }
    }
}

/// Opens a WebSocket with Nagle's algorithm off, as browsers do: small frames must
/// not wait for the peer's delayed ACK (that alone adds up to 40 ms). Like a
/// browser, it takes a big board's first sync in one message (tungstenite's
/// default stops at 16 MiB; a 30 MB board sends more).
pub async fn connect_ws(url: &str) -> Result<WebSocketStream<MaybeTlsStream<TcpStream>>> {
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(256 << 20))
        .max_frame_size(Some(256 << 20));
    let (ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    Ok(ws)
}

/// A WebSocket speaking raw protocol frames.
pub struct RawClient {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    closed: bool,
    /// Every binary frame received, as it arrived (secrecy tests search them).
    pub received: Vec<Vec<u8>>,
}

impl RawClient {
    /// Connects to `ws://{addr}{path}`.
    pub async fn connect(url: &str) -> Result<Self> {
        Ok(Self {
            ws: connect_ws(url).await?,
            closed: false,
            received: Vec::new(),
        })
    }

    /// Connects over a TCP socket whose receive buffer is `bytes`: a client
    /// that pauses reading then leaves most of what the server sends it
    /// waiting on the server.
    pub async fn connect_with_receive_buffer(url: &str, bytes: u32) -> Result<Self> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let request = url.into_client_request()?;
        let authority = request
            .uri()
            .authority()
            .context("the URL names a host")?
            .as_str()
            .to_owned();
        let addr = tokio::net::lookup_host(&authority)
            .await?
            .next()
            .context("the host resolves")?;
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.set_recv_buffer_size(bytes)?;
        let stream = socket.connect(addr).await?;
        let (ws, _) = tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream))
            .await
            .with_context(|| format!("connecting to {url}"))?;
        Ok(Self {
            ws,
            closed: false,
            received: Vec::new(),
        })
    }

    /// Sends one message.
    pub async fn send(&mut self, msg: &Message) -> Result<()> {
        self.send_raw(msg.encode()).await
    }

    /// Sends arbitrary bytes as one binary frame.
    pub async fn send_raw(&mut self, bytes: Vec<u8>) -> Result<()> {
        self.ws.send(WsMessage::Binary(bytes.into())).await?;
        Ok(())
    }

    /// Sends a text frame (which the protocol does not allow).
    pub async fn send_text(&mut self, text: &str) -> Result<()> {
        self.ws.send(WsMessage::Text(text.into())).await?;
        Ok(())
    }

    /// The next event, or an error after `PATIENCE`.
    pub async fn next(&mut self) -> Result<Event> {
        self.next_within(PATIENCE)
            .await?
            .ok_or_else(|| anyhow!("nothing arrived within {PATIENCE:?}"))
    }

    /// The next event within `wait`, or `None`.
    pub async fn next_within(&mut self, wait: Duration) -> Result<Option<Event>> {
        if self.closed {
            bail!("socket already closed");
        }
        loop {
            let frame = match tokio::time::timeout(wait, self.ws.next()).await {
                Err(_) => return Ok(None),
                Ok(f) => f,
            };
            match frame {
                None => {
                    self.closed = true;
                    return Ok(Some(Event::Closed(None, "connection ended".into())));
                }
                Some(Err(e)) => {
                    self.closed = true;
                    return Ok(Some(Event::Closed(None, e.to_string())));
                }
                Some(Ok(WsMessage::Binary(b))) => {
                    self.received.push(b.to_vec());
                    return Ok(Some(Event::Msg(
                        Message::decode(&b).map_err(|e| anyhow!("server sent a bad frame: {e}"))?,
                    )));
                }
                Some(Ok(WsMessage::Close(frame))) => {
                    self.closed = true;
                    return Ok(Some(match frame {
                        Some(f) => Event::Closed(Some(u16::from(f.code)), f.reason.to_string()),
                        None => Event::Closed(None, String::new()),
                    }));
                }
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Reads until the server closes the socket; returns the close event.
    pub async fn expect_close(&mut self) -> Result<Event> {
        loop {
            match self.next().await? {
                closed @ Event::Closed(..) => return Ok(closed),
                Event::Msg(_) => continue,
            }
        }
    }

    /// Whether the socket was closed.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Closes the socket from the client side.
    pub async fn close(mut self) {
        let _ = self
            .ws
            .close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
                code: WsCloseCode::Normal,
                reason: "bye".into(),
            }))
            .await;
    }
}

/// A client with a yrs replica: it answers the server's step 1, applies what it
/// receives, and sends its own edits as updates.
pub struct SyncClient {
    /// The replica (shared with `sync`: a yrs `Doc` clone is the same document).
    pub doc: Doc,
    sync: ClientSync,
    raw: RawClient,
    /// Whether the server's step 2 has arrived.
    pub synced: bool,
    /// Awareness entries received, newest last.
    pub awareness: Vec<AwarenessEntry>,
    /// Permission-denied reasons received.
    pub denials: Vec<String>,
    /// Results of this client's actions, in arrival order.
    pub results: Vec<tafel_shared::action::ActionResult>,
    /// Set once the server closed the socket.
    pub closed: Option<Event>,
    /// The latest workshop view for everyone (content sockets).
    pub board_view: Option<tafel_shared::workshop::BoardView>,
    /// The latest view of this participant's own secrets (content sockets).
    pub own_view: Option<tafel_shared::workshop::OwnView>,
    next_action: u64,
}

impl SyncClient {
    /// Connects with a fresh replica and completes the handshake.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, Doc::new()).await
    }

    /// Connects with an existing replica (a reconnect keeps local edits) and
    /// completes the handshake: local edits made offline reach the server too.
    pub async fn connect_with(url: &str, doc: Doc) -> Result<Self> {
        Self::connect_over(RawClient::connect(url).await?, doc).await
    }

    /// Completes the handshake over a socket already open.
    pub async fn connect_over(raw: RawClient, doc: Doc) -> Result<Self> {
        let mut c = Self {
            sync: ClientSync::new(doc.clone()),
            doc,
            raw,
            synced: false,
            awareness: Vec::new(),
            denials: Vec::new(),
            results: Vec::new(),
            closed: None,
            board_view: None,
            own_view: None,
            next_action: 1,
        };
        let hello = c.sync.start();
        c.raw.send(&hello).await?;
        c.pump_until(|c| c.synced)
            .await
            .context("waiting for the server's step 2")?;
        Ok(c)
    }

    /// Handles one event.
    fn handle(&mut self, event: Event) -> Option<Message> {
        match event {
            Event::Closed(..) => {
                self.closed = Some(event);
                None
            }
            Event::Msg(msg) => {
                // A server that sends undecodable data fails the test at the next
                // check; the replica stays as it was.
                let got = self.sync.receive(&msg).ok()?;
                self.synced |= got.synced;
                self.awareness.extend(got.awareness);
                self.denials.extend(got.denied);
                self.results.extend(got.action_result);
                match got.workshop {
                    // The roster comes whole on connect, then as changes.
                    Some(tafel_shared::workshop::WorkshopView::Board(v)) => self
                        .board_view
                        .get_or_insert_with(Default::default)
                        .update(v),
                    Some(tafel_shared::workshop::WorkshopView::People { people: p }) => self
                        .board_view
                        .get_or_insert_with(Default::default)
                        .upsert_people(p),
                    Some(tafel_shared::workshop::WorkshopView::Own(v)) => self.own_view = Some(v),
                    None => {}
                }
                got.replies.into_iter().next()
            }
        }
    }

    /// Processes events until `done` holds; fails after `PATIENCE` or if the socket
    /// closes first (unless `done` then holds).
    pub async fn pump_until(&mut self, mut done: impl FnMut(&Self) -> bool) -> Result<()> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !done(self) {
            if self.closed.is_some() {
                bail!("socket closed: {:?}", self.closed);
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let Some(event) = self.raw.next_within(left).await? else {
                bail!("condition not reached within {PATIENCE:?}");
            };
            if let Some(reply) = self.handle(event) {
                self.raw.send(&reply).await?;
            }
        }
        Ok(())
    }

    /// Processes whatever arrives within `wait`.
    pub async fn pump_for(&mut self, wait: Duration) -> Result<()> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() || self.closed.is_some() {
                return Ok(());
            }
            match self.raw.next_within(left).await? {
                None => return Ok(()),
                Some(event) => {
                    if let Some(reply) = self.handle(event) {
                        self.raw.send(&reply).await?;
                    }
                }
            }
        }
    }

    /// Makes a local edit and sends it as one update.
    pub async fn edit(&mut self, f: impl FnOnce(&mut TransactionMut)) -> Result<Vec<u8>> {
        let update = {
            let mut txn = self.doc.transact_mut();
            f(&mut txn);
            txn.encode_update_v1()
        };
        self.raw
            .send(&ClientSync::local_update(update.clone()))
            .await?;
        Ok(update)
    }

    /// Asks the server to apply an action and waits for its result (by then a
    /// confirmed action's change is in this replica).
    pub async fn act(
        &mut self,
        action: tafel_shared::action::Action,
    ) -> Result<tafel_shared::action::ActionResult> {
        let id = self.next_action;
        self.next_action += 1;
        let request = tafel_shared::action::ActionRequest { id, action };
        self.raw.send(&Message::Action(request)).await?;
        self.pump_until(|c| c.results.iter().any(|r| r.id == id))
            .await
            .context("waiting for the action's result")?;
        self.results
            .iter()
            .find(|r| r.id == id)
            .cloned()
            .context("the result went missing")
    }

    /// Sends an awareness state for this replica's client id.
    pub async fn set_presence(&mut self, clock: u64, state: &str) -> Result<()> {
        let client_id = self.doc.client_id().get();
        let entry = AwarenessEntry {
            client_id,
            clock,
            state: state.to_owned(),
        };
        self.raw
            .send(&Message::Awareness(AwarenessUpdate {
                entries: vec![entry],
            }))
            .await
    }

    /// Sends any message.
    pub async fn send(&mut self, msg: &Message) -> Result<()> {
        self.raw.send(msg).await
    }

    /// Sends raw bytes.
    pub async fn send_raw(&mut self, bytes: Vec<u8>) -> Result<()> {
        self.raw.send_raw(bytes).await
    }

    /// Every binary frame this socket received so far.
    pub fn received(&self) -> &[Vec<u8>] {
        &self.raw.received
    }

    /// The full state of the replica, for comparisons.
    pub fn state(&self) -> Vec<u8> {
        self.doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default())
    }

    /// The replica's state vector.
    pub fn state_vector(&self) -> StateVector {
        self.doc.transact().state_vector()
    }

    /// Closes the socket and returns the replica (for reconnect tests).
    pub async fn disconnect(self) -> Doc {
        self.raw.close().await;
        self.doc
    }
}
