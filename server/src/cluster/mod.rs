//! Cluster mode (issue 13): several nodes behind a load balancer share one
//! PostgreSQL (the store) and one Redis (the message bus), and any node
//! serves any board.
//!
//! **One owner per document.** The node that first loads a document takes its
//! lease ([`crate::lease`], in PostgreSQL) and runs its room exactly as a
//! single server does; the lease is renewed every second and lasts
//! [`LEASE_TTL_MS`]. A socket that reaches another node is relayed to the
//! owner over the bus ([`relay`]): its node still checks the token, the frame
//! size and the rate, and the owner's room sees it as one more peer. So roles,
//! locks, authorship, secret ballots, private notes and limits are checked in
//! one place, in one order, exactly as on one node — which replaying every
//! update on every node (the y-redis pattern) cannot promise for checks that
//! depend on the document's state.
//!
//! **Durable before visible.** An update counts as durable once the owner's
//! PostgreSQL transaction that appends it has committed (`synchronous_commit`
//! on); the owner holds it from every peer, relayed ones included, until then.
//!
//! **Failure.** A node that stops answering on the bus for [`SILENT`] is
//! dropped by its peers: the sockets it relayed, and those relayed to it, are
//! closed with 1001 ("reconnect"), and their clients come back through any
//! node, whose room loads what the dead owner had committed once its lease
//! has run out.

pub mod bus;
pub(crate) mod relay;
pub mod wire;

use crate::clock::SharedClock;
use crate::rooms::{Cmd, Rooms};
use crate::storage::DocKey;
use crate::store::{Store, StoreError};
use bus::{Bus, BusEvent};
use bytes::Bytes;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::time::Duration;
use tafel_shared::ids::BoardId;
use tafel_shared::protocol::CloseCode;
use tafel_shared::roles::Role;
use tokio::sync::mpsc;
use tokio::time::Instant;
use wire::{Conn, Envelope, Msg, Route};

/// How long a document's lease lasts without renewal: how long the clients
/// of a node that died wait before another node loads its documents.
pub const LEASE_TTL_MS: u64 = 6_000;

/// How often an owner renews its leases.
const RENEW_EVERY: Duration = Duration::from_secs(1);

/// How long before its lease runs out an owner that cannot renew it closes
/// the room, beyond the next renewal's turn: time to close the sockets and
/// for clocks that disagree a little.
const RENEW_MARGIN_MS: u64 = 1_000;

/// How often a node tells the nodes it relays with that it is alive.
const BEAT_EVERY: Duration = Duration::from_millis(500);

/// A node not heard from for this long is gone.
pub const SILENT: Duration = Duration::from_secs(3);

/// The lease that makes a node a document's owner.
fn lease_name(key: &DocKey) -> String {
    format!("room/{key}")
}

/// This process's name in the cluster: the operator's name and a random
/// suffix, so that a node restarted under its name is a stranger to what its
/// previous process held (its leases run out, its relays are dropped).
pub fn incarnation(name: &str) -> String {
    static SUFFIX: OnceLock<String> = OnceLock::new();
    let suffix = SUFFIX.get_or_init(|| crate::secret::random_token(6));
    format!("{name}~{suffix}")
}

/// For a stored key that only a document's owner writes (its log and
/// snapshot; history versions are saved by any node), the key of that
/// document's lease: the PostgreSQL store commits such a write only while the
/// lease names this node
/// ([`crate::store_pg::PgStore::fenced`]), so a node that stalled past its
/// lease and woke up cannot overwrite what the new owner wrote.
pub fn owner_lease_of(key: &[u8]) -> Option<Vec<u8>> {
    let rest = key.strip_prefix(b"doc/")?;
    // Board ids and kind names hold no '/'; what follows may (a binary seq).
    let board_end = rest.iter().position(|b| *b == b'/')?;
    let kind_end = board_end + 1 + rest[board_end + 1..].iter().position(|b| *b == b'/')?;
    let part = &rest[kind_end + 1..];
    let owned = part.starts_with(b"log/") || part == b"snap";
    let doc = std::str::from_utf8(&rest[..kind_end]).ok()?;
    owned.then(|| crate::lease::key_of(&format!("room/{doc}")))
}

/// Where the cluster's nodes meet.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// `redis://…`: the message bus.
    pub redis: String,
    /// This node's name, unique in the cluster.
    pub node: String,
}

/// This node's part in the cluster.
pub struct Cluster {
    /// The operator's name for this node.
    name: String,
    /// This process among the cluster's nodes ([`incarnation`]).
    node: String,
    bus: Bus,
    redis: redis::Client,
    store: Arc<dyn Store>,
    clock: SharedClock,
    metrics: Arc<crate::metrics::Metrics>,
    rooms: OnceLock<Weak<Rooms>>,
    state: Mutex<State>,
    /// Taking and giving up leases, one at a time, so a release never frees
    /// a lease that a newer room of the same document just took.
    leases: tokio::sync::Mutex<()>,
    next_route: AtomicU64,
    next_req: AtomicU64,
}

/// Where a relayed socket's frames go on the owner.
type FramesUp = mpsc::UnboundedSender<Vec<Bytes>>;

#[derive(Clone)]
struct Owned {
    generation: u64,
    /// The expiry this node last wrote and knows committed.
    until_ms: u64,
    /// Expiries it tried to write since, without an answer: the stored
    /// lease may hold any of them.
    tried_ms: Vec<u64>,
}

#[derive(Default)]
struct State {
    /// Documents this node owns: the generation of their room, and until
    /// when the lease runs (as this node last wrote it).
    owned: HashMap<DocKey, Owned>,
    /// Relay rooms here, with the node that owns their document.
    routes: HashMap<Route, (String, mpsc::UnboundedSender<relay::Down>)>,
    /// Sockets of other nodes relayed into rooms here, each with the serial
    /// of the task that serves it.
    remote: HashMap<(String, Conn), (u64, FramesUp)>,
    /// When each node was last heard from.
    heard: HashMap<String, Instant>,
}

impl Cluster {
    /// Joins the cluster: connects to the bus and starts the tasks that
    /// dispatch its messages, send beats and renew leases.
    pub fn start(
        config: &ClusterConfig,
        store: Arc<dyn Store>,
        clock: SharedClock,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> Result<Arc<Self>, redis::RedisError> {
        let node = incarnation(&config.node);
        let (bus, events) = Bus::start(&config.redis, &node)?;
        let cluster = Arc::new(Self {
            name: config.node.clone(),
            node,
            bus,
            redis: redis::Client::open(config.redis.as_str())?,
            store,
            clock,
            metrics,
            rooms: OnceLock::new(),
            state: Mutex::new(State::default()),
            leases: tokio::sync::Mutex::new(()),
            next_route: AtomicU64::new(1),
            next_req: AtomicU64::new(1),
        });
        tokio::spawn(dispatch(Arc::downgrade(&cluster), events));
        tokio::spawn(beat(Arc::downgrade(&cluster)));
        tokio::spawn(renew(Arc::downgrade(&cluster)));
        Ok(cluster)
    }

    /// Gives the cluster the rooms it relays into (once, at start).
    pub fn attach(&self, rooms: &Arc<Rooms>) {
        let _ = self.rooms.set(Arc::downgrade(rooms));
    }

    /// The operator's name for this node (`--node`).
    pub fn name(&self) -> &str {
        &self.name
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Only maps change under the lock.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn rooms(&self) -> Option<Arc<Rooms>> {
        self.rooms.get().and_then(Weak::upgrade)
    }

    fn envelope(&self, msg: Msg) -> Envelope {
        Envelope {
            from: self.node.clone(),
            msg,
        }
    }

    fn send(&self, to: &str, msg: Msg, frames: &[Bytes]) {
        self.bus.send(to, &self.envelope(msg), frames);
    }

    fn next_req(&self) -> u64 {
        self.next_req.fetch_add(1, Ordering::Relaxed)
    }

    /// Whether Redis answers (within a second), for `/readyz`.
    pub async fn redis_answers(&self) -> bool {
        let client = self.redis.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = client.get_connection_with_timeout(Duration::from_secs(1))?;
            redis::cmd("PING").query::<String>(&mut conn)
        })
        .await
        .is_ok_and(|r| {
            r.inspect_err(|e| tracing::warn!(error = %e, "Redis does not answer"))
                .is_ok()
        })
    }

    /// Gives up every lease this node holds (at the end of a drain, once its
    /// rooms are unloaded and durable), so other nodes take over at once.
    pub async fn release_all(&self) {
        let _one = self.leases.lock().await;
        let owned: Vec<DocKey> = self.state().owned.drain().map(|(k, _)| k).collect();
        self.metrics.owned_documents.set(0);
        let (store, node) = (Arc::clone(&self.store), self.node.clone());
        let _ = tokio::task::spawn_blocking(move || {
            for key in owned {
                if let Err(e) = crate::lease::release(store.as_ref(), &lease_name(&key), &node) {
                    tracing::warn!(doc = %key, error = %e, "could not release a document's lease");
                }
            }
        })
        .await;
    }

    /// Runs a newly registered room: as its owner if this node gets the
    /// document's lease, else as a relay to the node that holds it.
    async fn run_placed(
        self: Arc<Self>,
        rooms: Arc<Rooms>,
        key: DocKey,
        generation: u64,
        rx: mpsc::Receiver<Cmd>,
    ) {
        match self.claim(&key, generation).await {
            Ok(None) => {
                crate::rooms::task::run_room(Arc::clone(&rooms), key.clone(), generation, rx).await;
                // What the room submitted is in PostgreSQL before another
                // node may load the document.
                if rooms.committer.flush_now().await {
                    self.give_up(&key, generation).await;
                }
            }
            Ok(Some(owner)) => relay::run(self, rooms, key, generation, rx, owner).await,
            Err(e) => {
                tracing::error!(doc = %key, error = %e, "could not read the document's lease");
                crate::rooms::task::refuse_all(
                    &rooms,
                    &key,
                    generation,
                    rx,
                    CloseCode::StorageFailure,
                );
            }
        }
    }

    /// Takes the document's lease: `None` when this node owns it now, else
    /// the node that does.
    async fn claim(&self, key: &DocKey, generation: u64) -> Result<Option<String>, StoreError> {
        let _one = self.leases.lock().await;
        let (store, name, node) = (Arc::clone(&self.store), lease_name(key), self.node.clone());
        let now = self.clock.unix_ms();
        let owner = tokio::task::spawn_blocking(move || {
            if let Some(until_ms) =
                crate::lease::take(store.as_ref(), &name, &node, now, LEASE_TTL_MS)?
            {
                return Ok(Ok(until_ms));
            }
            // Expired between the two reads: the next join tries again.
            Ok(Err(crate::lease::holder(store.as_ref(), &name, now)?))
        })
        .await
        .map_err(StoreError::io)??;
        match owner {
            Ok(until_ms) => {
                let mut state = self.state();
                state.owned.insert(
                    key.clone(),
                    Owned {
                        generation,
                        until_ms,
                        tried_ms: Vec::new(),
                    },
                );
                self.metrics.owned_documents.set(state.owned.len() as i64);
                Ok(None)
            }
            Err(None) => Err(StoreError::io("the lease changed while read")),
            Err(Some(node)) => Ok(Some(node)),
        }
    }

    /// Gives the lease up once the room of `generation` has unloaded (its
    /// writes are durable by then), unless a newer room took it meanwhile.
    async fn give_up(&self, key: &DocKey, generation: u64) {
        let _one = self.leases.lock().await;
        {
            let mut state = self.state();
            if state.owned.get(key).map(|o| o.generation) != Some(generation) {
                return;
            }
            state.owned.remove(key);
            self.metrics.owned_documents.set(state.owned.len() as i64);
        }
        let (store, name, node) = (Arc::clone(&self.store), lease_name(key), self.node.clone());
        let released = tokio::task::spawn_blocking(move || {
            crate::lease::release(store.as_ref(), &name, &node)
        })
        .await;
        if !matches!(released, Ok(Ok(()))) {
            // It runs out by itself.
            tracing::warn!(doc = %key, "could not release a document's lease");
        }
    }

    /// A route for a new relay room to `owner`, and where its answers arrive.
    fn open_route(&self, owner: &str) -> (Route, mpsc::UnboundedReceiver<relay::Down>) {
        let route = self.next_route.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::unbounded_channel();
        let mut state = self.state();
        // The first relay to an owner gives it the whole silence limit from
        // now (when it was heard of before does not count); later ones do
        // not prolong the wait of those already watching it.
        if !state.routes.values().any(|(o, _)| o == owner) {
            state.heard.insert(owner.to_owned(), Instant::now());
        }
        state.routes.insert(route, (owner.to_owned(), tx));
        (route, rx)
    }

    fn close_route(&self, route: Route) {
        self.state().routes.remove(&route);
    }

    /// Forgets a relayed socket: the one task `serial` served, if given and
    /// still that one (a newer join may have taken its place).
    fn forget_remote(&self, from: &str, conn: Conn, serial: Option<u64>) {
        let mut state = self.state();
        let key = (from.to_owned(), conn);
        if state
            .remote
            .get(&key)
            .is_some_and(|(s, _)| serial.is_none_or(|serial| *s == serial))
        {
            state.remote.remove(&key);
        }
        self.metrics.relayed_in.set(state.remote.len() as i64);
    }

    /// Drops every relay with `node` (or with every node): relayed sockets
    /// here close with "reconnect", sockets relayed from there leave their
    /// rooms.
    fn drop_relays(&self, node: Option<&str>) {
        let mut state = self.state();
        let routes: Vec<Route> = state
            .routes
            .iter()
            .filter(|(_, (owner, _))| node.is_none_or(|n| n == owner))
            .map(|(r, _)| *r)
            .collect();
        for r in routes {
            if let Some((_, tx)) = state.routes.remove(&r) {
                self.metrics.relays_dropped.inc();
                let _ = tx.send(relay::Down::Lost);
            }
        }
        let before = state.remote.len();
        state
            .remote
            .retain(|(from, _), _| node.is_some_and(|n| n != from));
        self.metrics
            .relays_dropped
            .inc_by((before - state.remote.len()) as u64);
        self.metrics.relayed_in.set(state.remote.len() as i64);
        if let Some(n) = node {
            state.heard.remove(n);
        }
    }

    fn handle(self: &Arc<Self>, envelope: Envelope, frames: Vec<Bytes>) {
        let from = envelope.from;
        if from == self.node {
            // Our own broadcast: already done here.
            return;
        }
        let Some(rooms) = self.rooms() else { return };
        // Only the owner answers for its route. Whether it was passed on.
        let to_route = |route: Route, down: relay::Down| match self.state().routes.get(&route) {
            Some((owner, tx)) if *owner == from => tx.send(down).is_ok(),
            _ => false,
        };
        // An answer for a socket whose relay is gone: its sender lets go.
        let stray = |conn: Conn| self.send(&from, Msg::Leave { conn }, &[]);
        self.state().heard.insert(from.clone(), Instant::now());
        match envelope.msg {
            Msg::Beat => {}
            Msg::Join {
                route,
                conn,
                board,
                doc,
                role,
                participant,
            } => {
                let Some(board) = BoardId::parse(&board) else {
                    return self.send(
                        &from,
                        Msg::Joined {
                            route,
                            conn,
                            refused: Some(CloseCode::UnknownBoard.code()),
                        },
                        &[],
                    );
                };
                let (tx, rx) = mpsc::unbounded_channel();
                let serial = self.next_req();
                let mut state = self.state();
                state.remote.insert((from.clone(), conn), (serial, tx));
                self.metrics.relayed_in.set(state.remote.len() as i64);
                drop(state);
                let member = crate::room::Member { role, participant };
                tokio::spawn(relay::serve_remote(
                    Arc::clone(self),
                    rooms,
                    from,
                    route,
                    conn,
                    serial,
                    DocKey { board, doc },
                    member,
                    rx,
                ));
            }
            Msg::Frame { route, conn } => {
                let known = self.state().remote.get(&(from.clone(), conn)).cloned();
                match known {
                    Some((_, tx)) => {
                        let _ = tx.send(frames);
                    }
                    // Not a socket of this process (it restarted, or dropped
                    // the relay): the sender must close it and reconnect.
                    None => self.send(
                        &from,
                        Msg::Kill {
                            route,
                            conn,
                            code: CloseCode::GoingAway.code(),
                        },
                        &[],
                    ),
                }
            }
            Msg::Leave { conn } => self.forget_remote(&from, conn, None),
            Msg::Restore {
                route,
                req,
                board,
                doc,
                elements,
            } => {
                let this = Arc::clone(self);
                tokio::spawn(async move {
                    let ok = match BoardId::parse(&board) {
                        // Durable before the asking node answers its client.
                        Some(board) => {
                            let key = DocKey { board, doc };
                            rooms.restore(key, elements).await.is_ok()
                                && rooms.committer.flush_now().await
                        }
                        None => false,
                    };
                    this.send(&from, Msg::Done { route, req, ok }, &[]);
                });
            }
            Msg::Activity {
                route,
                req,
                board,
                doc,
                since_ms,
            } => {
                let this = Arc::clone(self);
                tokio::spawn(async move {
                    let list = match BoardId::parse(&board) {
                        Some(board) => {
                            let key = DocKey { board, doc };
                            rooms.activity(&key, since_ms).await.ok()
                        }
                        None => None,
                    };
                    let failed = list.is_none();
                    let list = list.unwrap_or_default();
                    let answer = Msg::ActivityList {
                        route,
                        req,
                        list,
                        failed,
                    };
                    this.send(&from, answer, &[]);
                });
            }
            Msg::Joined {
                route,
                conn,
                refused,
            } => {
                let refused = refused.map(close_code);
                if !to_route(route, relay::Down::Joined { conn, refused }) && refused.is_none() {
                    stray(conn);
                }
            }
            Msg::Out { route, conn } => {
                if !to_route(route, relay::Down::Out { conn, frames }) {
                    stray(conn);
                }
            }
            Msg::Kill { route, conn, code } => {
                let code = close_code(code);
                to_route(route, relay::Down::Kill { conn, code });
            }
            Msg::Done { route, req, ok } => {
                to_route(route, relay::Down::Done { req, ok });
            }
            Msg::ActivityList {
                route,
                req,
                list,
                failed,
            } => {
                let list = (!failed).then_some(list);
                to_route(route, relay::Down::ActivityList { req, list });
            }
            Msg::KickRole { board, role, code } => {
                if let Some(board) = BoardId::parse(&board) {
                    tokio::spawn(async move {
                        rooms.kick_role_here(&board, role, close_code(code)).await;
                    });
                }
            }
            Msg::EvictBoard { board } => {
                if let Some(board) = BoardId::parse(&board) {
                    tokio::spawn(async move { rooms.evict_board_here(&board).await });
                }
            }
        }
    }
}

impl crate::rooms::Elsewhere for Cluster {
    fn place(
        self: Arc<Self>,
        rooms: Arc<Rooms>,
        key: DocKey,
        generation: u64,
        rx: mpsc::Receiver<Cmd>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(self.run_placed(rooms, key, generation, rx))
    }

    fn kick_role(&self, board: &BoardId, role: Role, code: CloseCode) {
        self.bus.broadcast(&self.envelope(Msg::KickRole {
            board: board.as_str().to_owned(),
            role,
            code: code.code(),
        }));
    }

    fn evict_board(&self, board: &BoardId) {
        self.bus.broadcast(&self.envelope(Msg::EvictBoard {
            board: board.as_str().to_owned(),
        }));
    }
}

/// A close code from another node (one this version does not know closes
/// as a server failure).
fn close_code(code: u16) -> CloseCode {
    CloseCode::from_code(code).unwrap_or(CloseCode::InternalError)
}

async fn dispatch(cluster: Weak<Cluster>, mut events: mpsc::UnboundedReceiver<BusEvent>) {
    while let Some(event) = events.recv().await {
        let Some(cluster) = cluster.upgrade() else {
            return;
        };
        match event {
            BusEvent::Message(envelope, frames) => cluster.handle(envelope, frames),
            BusEvent::Broken => cluster.drop_relays(None),
            BusEvent::Unreachable(node) => cluster.drop_relays(Some(&node)),
        }
    }
}

/// Tells the nodes this one relays with that it is alive, and drops those
/// that went silent.
async fn beat(cluster: Weak<Cluster>) {
    let mut every = tokio::time::interval(BEAT_EVERY);
    loop {
        every.tick().await;
        let Some(cluster) = cluster.upgrade() else {
            return;
        };
        let (peers, silent) = {
            let mut state = cluster.state();
            let peers: HashSet<String> = state
                .routes
                .values()
                .map(|(owner, _)| owner.clone())
                .chain(state.remote.keys().map(|(from, _)| from.clone()))
                .collect();
            let silent: Vec<String> = peers
                .iter()
                .filter(|n| state.heard.get(*n).is_none_or(|t| t.elapsed() > SILENT))
                .cloned()
                .collect();
            // Only the nodes this one relays with are watched.
            state.heard.retain(|n, _| peers.contains(n));
            (peers, silent)
        };
        for node in &silent {
            tracing::warn!(node, "a node went silent; dropping its relays");
            cluster.drop_relays(Some(node));
        }
        for node in peers.difference(&silent.into_iter().collect()) {
            cluster.send(node, Msg::Beat, &[]);
        }
    }
}

/// Renews the leases of the documents this node owns. A room whose lease
/// was lost (this node stalled past its expiry, or another took it over)
/// closes at once, since another node may own its document now; so does one
/// whose lease would run out before the next renewal while the store does
/// not answer, before another node may load the document.
async fn renew(cluster: Weak<Cluster>) {
    let mut every = tokio::time::interval(RENEW_EVERY);
    loop {
        every.tick().await;
        let Some(cluster) = cluster.upgrade() else {
            return;
        };
        let lost = cluster.renew_leases().await;
        if let Some(rooms) = cluster.rooms() {
            for (key, generation) in lost {
                tracing::error!(doc = %key, "lost the lease of a document it served; closing its room");
                rooms
                    .evict_doc(&key, generation, CloseCode::GoingAway)
                    .await;
            }
        }
    }
}

impl Cluster {
    /// One round of [`renew`]: the rooms whose leases are lost, which no
    /// longer count as owned.
    async fn renew_leases(&self) -> Vec<(DocKey, u64)> {
        let _one = self.leases.lock().await;
        let owned: Vec<(DocKey, Owned)> = self
            .state()
            .owned
            .iter()
            .map(|(k, o)| (k.clone(), o.clone()))
            .collect();
        let Some(earliest) = owned.iter().map(|(_, o)| o.until_ms).min() else {
            return Vec::new();
        };
        let leases: Vec<(String, Vec<u64>)> = owned
            .iter()
            .map(|(key, o)| {
                let candidates = std::iter::once(o.until_ms).chain(o.tried_ms.iter().copied());
                (lease_name(key), candidates.collect())
            })
            .collect();
        let (store, node) = (Arc::clone(&self.store), self.node.clone());
        let now = self.clock.unix_ms();
        let tried = now + LEASE_TTL_MS;
        // An answer that comes too late to close the rooms in time counts as
        // none (the call may still commit: `tried` covers that).
        let wait = earliest.saturating_sub(now + RENEW_MARGIN_MS).max(100);
        let call = tokio::task::spawn_blocking(move || {
            crate::lease::renew_each(store.as_ref(), &node, &leases, now, LEASE_TTL_MS)
        });
        let renewed = match tokio::time::timeout(Duration::from_millis(wait), call).await {
            Ok(Ok(result)) => result,
            Ok(Err(e)) => Err(StoreError::io(e)),
            Err(_) => Err(StoreError::io("the store did not answer in time")),
        };
        let mut lost = Vec::new();
        let mut state = self.state();
        match renewed {
            Ok(renewed) => {
                for ((key, was), until) in owned.into_iter().zip(renewed) {
                    match until {
                        Some(until_ms) => {
                            if let Some(o) = state.owned.get_mut(&key) {
                                o.until_ms = until_ms;
                                o.tried_ms.clear();
                            }
                        }
                        None => lost.push((key, was.generation)),
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not renew the documents' leases");
                // Read again: the call may have taken long to fail.
                let deadline =
                    self.clock.unix_ms() + RENEW_EVERY.as_millis() as u64 + RENEW_MARGIN_MS;
                for (key, was) in owned {
                    if was.until_ms <= deadline {
                        lost.push((key, was.generation));
                    } else if let Some(o) = state.owned.get_mut(&key) {
                        o.tried_ms.push(tried);
                    }
                }
            }
        }
        // Given up here, not when the room has unloaded: a room that loads
        // again meanwhile claims the lease afresh.
        lost.retain(|(key, generation)| {
            let ours = state
                .owned
                .get(key)
                .is_some_and(|o| o.generation == *generation);
            if ours {
                state.owned.remove(key);
            }
            ours
        });
        self.metrics.owned_documents.set(state.owned.len() as i64);
        lost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_owners_writes_need_its_lease() {
        let lease = |key: &[u8]| owner_lease_of(key).map(|k| String::from_utf8(k).unwrap());
        let room = Some("lease/room/B1/content".to_owned());
        assert_eq!(lease(b"doc/B1/content/log/\x00/\x01"), room);
        assert_eq!(lease(b"doc/B1/content/snap"), room);
        assert_eq!(lease(b"doc/B1/content/hist/\x00\x01"), None);
        assert_eq!(
            lease(b"doc/B1/comments/log/\x02"),
            Some("lease/room/B1/comments".to_owned())
        );
        for free in [
            b"board/B1".as_slice(),
            b"doc/B1/files/orig/abc",
            b"doc/B1/content/hmeta/1",
            b"doc/B1/content/workshop",
            b"doc",
            b"doc/B1",
        ] {
            assert_eq!(lease(free), None, "{}", String::from_utf8_lossy(free));
        }
    }
}
