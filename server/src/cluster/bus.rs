//! The nodes' message bus: Redis pub/sub, one channel per node and one for
//! all. Pub/sub, not a stream: these messages relay live sockets, and a
//! relay whose connection broke is dropped and resynced by its client (the
//! Yjs protocol's sync on reconnect), so keeping them on disk would cost an
//! fsync per hop and buy nothing. What must survive lives in PostgreSQL.
//!
//! The blocking Redis client runs on two threads of its own (one publishes,
//! one listens), never on the async workers. Order holds per pair of nodes:
//! one connection publishes everything in order, one connection receives.
//! Anything that may have lost a message (the connection to Redis broke, a
//! message reached nobody) is reported, and the cluster drops the relays it
//! concerns.

use super::wire::{decode, encode, Envelope};
use bytes::Bytes;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;
use tokio::sync::mpsc;

/// What the bus reports to its node.
#[derive(Debug)]
pub enum BusEvent {
    /// A message for this node (or for all).
    Message(Envelope, Vec<Bytes>),
    /// The connection to Redis broke: messages either way may be lost.
    Broken,
    /// A message to this node reached no subscriber: it is gone.
    Unreachable(String),
}

/// The channel a node listens on.
fn node_channel(node: &str) -> String {
    format!("tafel:node:{node}")
}

/// The channel every node listens on.
const ALL: &str = "tafel:all";

/// Most messages published in one round trip.
const MOST_PIPELINED: usize = 512;

/// Sends messages to other nodes.
#[derive(Clone)]
pub struct Bus {
    tx: std_mpsc::Sender<(Option<String>, Vec<u8>)>,
}

impl Bus {
    /// Connects to Redis at `url` as node `node`, listening on its channel and
    /// the one for all; what arrives comes out of the returned receiver.
    pub fn start(
        url: &str,
        node: &str,
    ) -> Result<(Self, mpsc::UnboundedReceiver<BusEvent>), redis::RedisError> {
        let client = redis::Client::open(url)?;
        let publisher = client.get_connection()?;
        let (events, events_rx) = mpsc::unbounded_channel();
        let (tx, rx) = std_mpsc::channel();
        let publish_events = events.clone();
        std::thread::Builder::new()
            .name("tafel-bus-publish".into())
            .spawn({
                let client = client.clone();
                move || publish(client, publisher, rx, publish_events)
            })
            .expect("a thread starts");
        let channels = [node_channel(node), ALL.to_owned()];
        // Subscribed on the listening thread, which keeps the subscription
        // (dropping a `PubSub` unsubscribes); the first one's outcome is ours.
        let (subscribed, first) = std_mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("tafel-bus-listen".into())
            .spawn(move || listen(client, channels, events, subscribed))
            .expect("a thread starts");
        first.recv().map_err(|_| {
            redis::RedisError::from(std::io::Error::other("the bus thread stopped"))
        })??;
        Ok((Self { tx }, events_rx))
    }

    /// Sends a message and its frames to node `to`.
    pub fn send(&self, to: &str, envelope: &Envelope, frames: &[Bytes]) {
        let _ = self
            .tx
            .send((Some(to.to_owned()), encode(envelope, frames)));
    }

    /// Sends a message to every node (this one included).
    pub fn broadcast(&self, envelope: &Envelope) {
        let _ = self.tx.send((None, encode(envelope, &[])));
    }
}

/// Waits before connecting to Redis again after a failure.
const RECONNECT_PAUSE: Duration = Duration::from_millis(200);

fn publish(
    client: redis::Client,
    mut conn: redis::Connection,
    rx: std_mpsc::Receiver<(Option<String>, Vec<u8>)>,
    events: mpsc::UnboundedSender<BusEvent>,
) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MOST_PIPELINED {
            match rx.try_recv() {
                Ok(m) => batch.push(m),
                Err(_) => break,
            }
        }
        let mut pipe = redis::pipe();
        for (to, payload) in &batch {
            let channel = to.as_deref().map_or_else(|| ALL.to_owned(), node_channel);
            pipe.cmd("PUBLISH").arg(channel).arg(payload.as_slice());
        }
        match pipe.query::<Vec<i64>>(&mut conn) {
            Ok(receivers) => {
                for ((to, _), n) in batch.iter().zip(receivers) {
                    if let (Some(node), 0) = (to, n) {
                        let _ = events.send(BusEvent::Unreachable(node.clone()));
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "publishing to Redis failed; dropping relays");
                if events.send(BusEvent::Broken).is_err() {
                    return;
                }
                conn = loop {
                    std::thread::sleep(RECONNECT_PAUSE);
                    if let Ok(c) = client.get_connection() {
                        break c;
                    }
                };
            }
        }
    }
}

/// Listens until the process ends, subscribing again after a failure; the
/// first subscription's outcome goes to `subscribed`.
fn listen(
    client: redis::Client,
    channels: [String; 2],
    events: mpsc::UnboundedSender<BusEvent>,
    subscribed: std_mpsc::SyncSender<redis::RedisResult<()>>,
) {
    let mut first = Some(subscribed);
    loop {
        let mut conn = match client.get_connection() {
            Ok(c) => c,
            Err(e) => match first.take() {
                Some(f) => return drop(f.send(Err(e))),
                None => {
                    std::thread::sleep(RECONNECT_PAUSE);
                    continue;
                }
            },
        };
        // The connection stays subscribed while `pubsub` lives (its drop
        // unsubscribes).
        let mut pubsub = conn.as_pubsub();
        if let Err(e) = channels.iter().try_for_each(|ch| pubsub.subscribe(ch)) {
            match first.take() {
                Some(f) => return drop(f.send(Err(e))),
                None => {
                    std::thread::sleep(RECONNECT_PAUSE);
                    continue;
                }
            }
        }
        if let Some(f) = first.take() {
            let _ = f.send(Ok(()));
        }
        loop {
            match pubsub.get_message() {
                Ok(m) => match decode(m.get_payload_bytes()) {
                    Ok((envelope, frames)) => {
                        if events.send(BusEvent::Message(envelope, frames)).is_err() {
                            return;
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "ignored a cluster message"),
                },
                Err(e) => {
                    tracing::warn!(error = %e, "listening to Redis failed; dropping relays");
                    break;
                }
            }
        }
        if events.send(BusEvent::Broken).is_err() {
            return;
        }
        std::thread::sleep(RECONNECT_PAUSE);
    }
}
