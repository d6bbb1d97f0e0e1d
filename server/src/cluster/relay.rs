//! Relaying sockets to the node that owns their document.
//!
//! On the node a client reached, a **relay room** stands where the room would
//! be: sockets join it through [`Rooms::join`] as usual, so the socket edge
//! (authentication, frame size, rate, write deadline, close codes) is the same
//! code as on one node. The relay room forwards each join, frame and leave to
//! the owner and pushes what comes back into the sockets' send queues.
//!
//! On the owner, [`serve_remote`] joins its room for each relayed socket and
//! forwards what the room sends it. A socket whose node or owner went away is
//! closed (1001), and its client reconnects and resyncs.

use super::wire::{Conn, Msg, Route};
use super::Cluster;
use crate::activity::Touch;
use crate::room::Member;
use crate::rooms::queue::PushError;
use crate::rooms::task::PeerLink;
use crate::rooms::{Cmd, Rooms};
use crate::storage::DocKey;
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tafel_shared::protocol::CloseCode;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

/// What the owner sends a relay room.
#[derive(Debug)]
pub(crate) enum Down {
    Joined {
        conn: Conn,
        refused: Option<CloseCode>,
    },
    Out {
        conn: Conn,
        frames: Vec<Bytes>,
    },
    Kill {
        conn: Conn,
        code: CloseCode,
    },
    Done {
        req: u64,
        ok: bool,
    },
    ActivityList {
        req: u64,
        list: Option<Vec<(String, Touch)>>,
    },
    /// The owner is gone (or messages to it may have been lost).
    Lost,
}

/// How long a relayed join waits for the owner's answer.
const JOIN_WAIT: Duration = Duration::from_secs(3);

/// How long a relayed restore or activity query waits for the owner's
/// answer; one that waits longer is given up (the caller retries, or reads
/// what is stored).
const REQUEST_WAIT: Duration = Duration::from_secs(30);

/// How long a relay room with no sockets stays.
const IDLE: Duration = Duration::from_secs(2);

/// Most frames sent to a relayed socket in one message.
const MOST_FRAMES: usize = 64;

type ActivityReply = oneshot::Sender<Vec<(String, Touch)>>;

type Joining = (oneshot::Sender<Result<(), CloseCode>>, PeerLink, Instant);

/// Runs a relay room for `key`, whose owner is `owner`, until it is idle or
/// the owner is gone.
pub(crate) async fn run(
    cluster: Arc<Cluster>,
    rooms: Arc<Rooms>,
    key: DocKey,
    generation: u64,
    mut rx: mpsc::Receiver<Cmd>,
    owner: String,
) {
    let (route, mut down) = cluster.open_route(&owner);
    let mut peers: HashMap<Conn, PeerLink> = HashMap::new();
    let mut joining: HashMap<Conn, Joining> = HashMap::new();
    let mut restores: HashMap<u64, (oneshot::Sender<()>, Instant)> = HashMap::new();
    let mut activities: HashMap<u64, (ActivityReply, Instant)> = HashMap::new();
    let mut idle_since = Some(Instant::now());
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let up = |msg: Msg, frames: &[Bytes]| cluster.send(&owner, msg, frames);
    let gone = loop {
        tokio::select! {
            cmd = rx.recv() => match cmd {
                None => break None,
                Some(Cmd::Join { conn, member, out, kill, reply }) => {
                    up(Msg::Join {
                        route,
                        conn,
                        board: key.board.as_str().to_owned(),
                        doc: key.doc,
                        role: member.role,
                        participant: member.participant,
                    }, &[]);
                    joining.insert(conn, (reply, PeerLink { out, kill }, Instant::now()));
                }
                Some(Cmd::Frame { conn, bytes }) => {
                    if peers.contains_key(&conn) {
                        up(Msg::Frame { route, conn }, &[bytes]);
                    }
                }
                Some(Cmd::Leave { conn }) => {
                    if peers.remove(&conn).is_some() || joining.remove(&conn).is_some() {
                        up(Msg::Leave { conn }, &[]);
                    }
                }
                // The kick reaches every node; the owner's room closes them.
                Some(Cmd::KickRole { .. }) => {}
                Some(Cmd::Restore { elements, done }) => {
                    let req = cluster.next_req();
                    up(Msg::Restore {
                        route,
                        req,
                        board: key.board.as_str().to_owned(),
                        doc: key.doc,
                        elements,
                    }, &[]);
                    restores.insert(req, (done, Instant::now()));
                }
                Some(Cmd::Activity { since_ms, reply }) => {
                    let req = cluster.next_req();
                    up(Msg::Activity {
                        route,
                        req,
                        board: key.board.as_str().to_owned(),
                        doc: key.doc,
                        since_ms,
                    }, &[]);
                    activities.insert(req, (reply, Instant::now()));
                }
                Some(Cmd::Evict { code, done, .. }) => {
                    for conn in peers.keys().chain(joining.keys()) {
                        up(Msg::Leave { conn: *conn }, &[]);
                    }
                    close_all(&mut peers, &mut joining, code);
                    rooms.unregister(&key, generation);
                    rx.close();
                    let _ = done.send(());
                    break None;
                }
            },
            d = down.recv() => match d {
                Some(Down::Joined { conn, refused }) => {
                    if let Some((reply, link, _)) = joining.remove(&conn) {
                        match refused {
                            None => {
                                if reply.send(Ok(())).is_ok() {
                                    peers.insert(conn, link);
                                } else {
                                    up(Msg::Leave { conn }, &[]);
                                }
                            }
                            Some(code) => {
                                let _ = reply.send(Err(code));
                            }
                        }
                    }
                }
                Some(Down::Out { conn, frames }) => {
                    if let Some(link) = peers.get(&conn) {
                        if let Err(e) = link.out.push_batch(frames) {
                            let link = peers.remove(&conn);
                            up(Msg::Leave { conn }, &[]);
                            if let (PushError::Full, Some(link)) = (e, link) {
                                link.close(CloseCode::SlowConsumer);
                            }
                        }
                    }
                }
                Some(Down::Kill { conn, code }) => {
                    // A kill for a socket already gone here answers a frame
                    // that crossed its leave.
                    if let Some(link) = peers.remove(&conn) {
                        link.close(code);
                        // The owner is draining (or lost the document):
                        // whoever joins now must find the new owner, not
                        // this relay.
                        if code == CloseCode::GoingAway {
                            break Some(Gone::Moving);
                        }
                    }
                }
                // A failed restore is dropped: the caller tries again.
                Some(Down::Done { req, ok }) => {
                    if let Some((done, _)) = restores.remove(&req) {
                        if ok {
                            let _ = done.send(());
                        }
                    }
                }
                // Dropped unanswered, the caller reads what is stored.
                Some(Down::ActivityList { req, list }) => {
                    if let (Some((reply, _)), Some(list)) = (activities.remove(&req), list) {
                        let _ = reply.send(list);
                    }
                }
                Some(Down::Lost) | None => break Some(Gone::Lost),
            },
            _ = tick.tick() => {
                let late: Vec<Conn> = joining
                    .iter()
                    .filter(|(_, (_, _, asked))| asked.elapsed() > JOIN_WAIT)
                    .map(|(c, _)| *c)
                    .collect();
                for conn in late {
                    if let Some((reply, _, _)) = joining.remove(&conn) {
                        up(Msg::Leave { conn }, &[]);
                        let _ = reply.send(Err(CloseCode::GoingAway));
                    }
                }
                restores.retain(|_, (_, asked)| asked.elapsed() <= REQUEST_WAIT);
                activities.retain(|_, (_, asked)| asked.elapsed() <= REQUEST_WAIT);
                let waiting = !(restores.is_empty() && activities.is_empty());
                if peers.is_empty() && joining.is_empty() && !waiting {
                    let since = *idle_since.get_or_insert_with(Instant::now);
                    if since.elapsed() > IDLE && rooms.unregister_if_idle(&key, generation, &rx) {
                        break None;
                    }
                } else {
                    idle_since = None;
                }
            }
        }
    };
    cluster.close_route(route);
    if gone.is_some() {
        // The owner may still be there (a drain, or messages lost on the
        // way): it lets go of these sockets too.
        for conn in peers.keys().chain(joining.keys()) {
            up(Msg::Leave { conn: *conn }, &[]);
        }
    }
    match gone {
        None => {}
        Some(Gone::Lost) => {
            tracing::info!(doc = %key, owner, "the document's owner is gone; closing relayed sockets");
            close_all(&mut peers, &mut joining, CloseCode::GoingAway);
            crate::rooms::task::refuse_all(&rooms, &key, generation, rx, CloseCode::GoingAway);
        }
        Some(Gone::Moving) => {
            close_all(&mut peers, &mut HashMap::new(), CloseCode::GoingAway);
            // Joins still waiting are dropped unanswered: each tries again
            // and finds (or becomes) the document's new owner.
            rooms.unregister(&key, generation);
            drop(joining);
            drop(rx);
        }
    }
}

/// Why a relay room ends early.
enum Gone {
    /// The owner stopped answering, or messages to it were lost.
    Lost,
    /// The owner let the document go (a drain).
    Moving,
}

fn close_all(
    peers: &mut HashMap<Conn, PeerLink>,
    joining: &mut HashMap<Conn, Joining>,
    code: CloseCode,
) {
    for (_, link) in peers.drain() {
        link.close(code);
    }
    for (_, (reply, _, _)) in joining.drain() {
        let _ = reply.send(Err(code));
    }
}

/// On the owner: serves one socket of node `from` in the room of `key` until
/// either side lets go.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn serve_remote(
    cluster: Arc<Cluster>,
    rooms: Arc<Rooms>,
    from: String,
    route: Route,
    conn: Conn,
    serial: u64,
    key: DocKey,
    member: Member,
    mut up: mpsc::UnboundedReceiver<Vec<Bytes>>,
) {
    let down = |msg: Msg, frames: &[Bytes]| cluster.send(&from, msg, frames);
    let forget = || cluster.forget_remote(&from, conn, Some(serial));
    let mut link = match rooms.join(key, member).await {
        Ok(link) => link,
        Err(code) => {
            let refused = Some(code.code());
            down(
                Msg::Joined {
                    route,
                    conn,
                    refused,
                },
                &[],
            );
            forget();
            return;
        }
    };
    down(
        Msg::Joined {
            route,
            conn,
            refused: None,
        },
        &[],
    );
    let killed = 'serve: loop {
        tokio::select! {
            biased;
            code = &mut link.kill => break code.unwrap_or(CloseCode::InternalError),
            out = link.outbound.recv() => match out {
                Some(first) => {
                    let mut frames = vec![first];
                    while frames.len() < MOST_FRAMES {
                        match link.outbound.try_recv() {
                            Some(f) => frames.push(f),
                            None => break,
                        }
                    }
                    down(Msg::Out { route, conn }, &frames);
                }
                None => break CloseCode::InternalError,
            },
            frames = up.recv() => match frames {
                Some(frames) => {
                    for f in frames {
                        if !link.send(f).await {
                            break 'serve CloseCode::InternalError;
                        }
                    }
                }
                // The socket left, or this node dropped the relay (its
                // node went silent): if it is still there, it must close.
                None => break CloseCode::GoingAway,
            },
        }
    };
    down(
        Msg::Kill {
            route,
            conn,
            code: killed.code(),
        },
        &[],
    );
    forget();
}
