//! The sans-IO heart of a room: one loaded document, its connected peers and their
//! presence. Frames go in, [`Effects`] come out; the async edge
//! ([`crate::rooms`]) stores, waits for durability and moves bytes.
//!
//! The core keeps the one map of peers. Each peer carries an opaque `link` of the
//! edge's choosing (its send queue and close signal in the server, `()` in tests),
//! so the edge never keeps a second map in step by hand.
//!
//! Rules it enforces, whatever a client sends:
//! - a peer whose role may not write the document never changes it: its update is
//!   refused with a permission-denied message and neither stored nor relayed;
//! - frames that reveal document state are returned as `held`, to be sent only once
//!   every update persisted before them is durable;
//! - awareness entries are relayed only when newer than what the room knows, so the
//!   same-clock echoes stock clients send back never multiply;
//! - the content room keeps the board's [`Workshop`] (votes, private notes, freeze):
//!   its secrets leave only as each participant's own view, to that participant's
//!   sockets, and a frozen board takes writes from facilitators only.

use crate::activity::Activity;
use crate::workshop::{Caller, Changed, Workshop};
use bytes::Bytes;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use tafel_shared::action::{
    Action, ActionRequest, ActionResult, Refusal, RefusalCode, RoomCommand, TimerCommand,
};
use tafel_shared::comments::{self, CommentCommand};
use tafel_shared::ids::ParticipantId;
use tafel_shared::protocol::{
    AwarenessEntry, AwarenessUpdate, CloseCode, Message, SyncMessage, AWARENESS_REMOVED,
};
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_shared::session::{self, RoomState, Timer};
use tafel_shared::workshop::WorkshopView;
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{Doc, ReadTxn, StateVector, Transact, Update};

/// Identifies one socket within the server.
pub type ConnId = u64;

/// Most presence (awareness) client ids one socket may announce: a page has
/// one per document it shows. Announcing more closes the socket (4000).
pub const MAX_PRESENCE_IDS_PER_SOCKET: usize = 4;

/// Bytes of presence state a room keeps in all; a new state beyond it is not
/// taken (the room's fan-out stays bounded whatever its sockets send).
pub const MAX_ROOM_PRESENCE_BYTES: usize = 4 << 20;

/// Presence updates per second one socket may have relayed to the others,
/// sustained; beyond it the newest state is kept and goes out with the next
/// update the rate allows.
pub const PRESENCE_PER_SEC: f64 = 30.0;

/// Presence updates one socket may have relayed in a burst.
pub const PRESENCE_BURST: f64 = 60.0;

/// Sync step 1 requests per second one socket may send, sustained: each makes
/// the room encode what the socket lacks (the whole document for an empty
/// state vector). Clients send one when they connect; more closes (4008).
pub const STEP1_PER_SEC: f64 = 1.0;

/// Sync step 1 requests one socket may send in a burst.
pub const STEP1_BURST: f64 = 5.0;

/// Per-room limits, from the server configuration.
#[derive(Clone, Debug)]
pub struct RoomLimits {
    /// Largest update (step 2 or update payload) accepted, in bytes.
    pub max_update_bytes: usize,
    /// Largest stored size of a document (snapshot plus log), in bytes.
    pub max_doc_bytes: usize,
    /// Most sockets connected to one document.
    pub max_conns: usize,
    /// Largest awareness state of one client, in bytes of JSON.
    pub max_awareness_bytes: usize,
}

/// Who a socket is: the role of its link and the participant it proved to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The role its token grants.
    pub role: Role,
    /// Its participant id (checked when it connected).
    pub participant: ParticipantId,
}

impl From<Role> for Member {
    /// A member with a participant id of its own (as a stock Yjs client gets).
    fn from(role: Role) -> Self {
        Member {
            role,
            participant: crate::identity::Identities::anonymous(),
        }
    }
}

/// Who receives a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// One peer.
    One(ConnId),
    /// Every peer but one (the sender).
    Others(ConnId),
    /// Every peer.
    All,
}

impl Target {
    /// Whether the peer `conn` receives what is sent to this target.
    pub fn includes(self, conn: ConnId) -> bool {
        match self {
            Target::One(c) => c == conn,
            Target::Others(c) => c != conn,
            Target::All => true,
        }
    }
}

/// A frame and who receives it.
#[derive(Clone, Debug)]
pub struct Outgoing {
    /// The receivers.
    pub target: Target,
    /// One encoded protocol message.
    pub frame: Bytes,
}

/// What the edge must do after the core handled an event.
#[derive(Default, Debug)]
pub struct Effects {
    /// An update to append to the document's log; `held` waits for it to be durable.
    pub persist: Option<Vec<u8>>,
    /// Frames that reveal document state: sent once all persisted updates are durable.
    pub held: Vec<Outgoing>,
    /// Frames to send at once (presence, refusals).
    pub now: Vec<Outgoing>,
    /// A write was refused for lack of permission (counted in metrics).
    pub denied: bool,
    /// The workshop state to store (JSON), replacing what is stored.
    pub persist_workshop: Option<Vec<u8>>,
    /// The participant whose update this is (for "last changed by").
    pub written_by: Option<ParticipantId>,
}

struct Peer<L> {
    role: Role,
    participant: ParticipantId,
    /// Awareness client ids this socket announced (and alone may change);
    /// removed when it closes.
    clients: HashSet<u64>,
    /// Presence relays it may still make now (a token bucket).
    presence_tokens: f64,
    /// When the bucket was last filled, server ms.
    presence_at_ms: u64,
    /// Its client ids whose newest state the rate held back.
    presence_unsent: HashSet<u64>,
    /// Step 1 requests it may still send now (a token bucket), and when it
    /// was last filled.
    step1_tokens: f64,
    step1_at_ms: u64,
    /// The edge's handle on this socket.
    link: L,
}

struct Presence {
    clock: u64,
    state: String,
}

/// Why a stored document could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The snapshot does not decode or apply.
    #[error("snapshot is corrupt")]
    CorruptSnapshot,
    /// The stored workshop state does not parse.
    #[error("workshop state is corrupt: {0}")]
    CorruptWorkshop(String),
}

/// One loaded document with its peers, each with the edge's link `L`.
pub struct RoomCore<L = ()> {
    kind: DocKind,
    doc: Doc,
    limits: RoomLimits,
    peers: BTreeMap<ConnId, Peer<L>>,
    awareness: HashMap<u64, Presence>,
    /// Which socket owns each presence client id.
    presence_owner: HashMap<u64, ConnId>,
    /// Bytes of all presence states together.
    presence_bytes: usize,
    /// Snapshot plus log bytes in the store: the document's size as limited.
    stored_bytes: usize,
    log_entries: usize,
    log_bytes: usize,
    /// Set if yrs panicked while applying: the in-memory doc can no longer be trusted.
    poisoned: bool,
    /// Votes, private notes, freeze and roster (the content room only).
    workshop: Option<Workshop>,
    /// Participants whose writes were accepted since the last history version.
    writers: BTreeSet<ParticipantId>,
    /// Who last changed which element (the content and the locked layer).
    activity: Option<Activity>,
    /// The server's clock at the event being handled (for activity).
    now_ms: u64,
}

fn frame(msg: &Message) -> Bytes {
    Bytes::from(msg.encode())
}

/// Whether a frame is a step 1 from a client that holds nothing yet: such a client
/// can be answered with the stored document while the room still loads.
pub fn is_fresh_step1(bytes: &[u8]) -> bool {
    match Message::decode(bytes) {
        Ok(Message::Sync(SyncMessage::Step1(sv))) => catch_unwind(|| StateVector::decode_v1(&sv))
            .ok()
            .and_then(Result::ok)
            .is_some_and(|sv| sv.is_empty()),
        _ => false,
    }
}

/// The step 2 that brings an empty client to the stored `snapshot` (an empty
/// document when there is none).
pub fn step2_of_snapshot(snapshot: Option<&[u8]>) -> Bytes {
    let state = snapshot.map_or_else(|| Update::EMPTY_V1.to_vec(), <[u8]>::to_vec);
    frame(&Message::Sync(SyncMessage::Step2(state)))
}

/// Largest clock (count of a client's operations) an update may name. yrs
/// keeps clocks as `u32` and adds to them unchecked: an update with a clock
/// near that limit decodes and applies, then wraps around and leaves the block
/// store inconsistent, and the next encode or garbage collection panics (found
/// by fuzzing, `server/fuzz`). A billion operations under one client id, which
/// lives for one editing session, is far beyond any real client.
const MAX_CLOCK: u32 = 1 << 30;

fn decode_update(bytes: &[u8]) -> Option<Update> {
    // yrs decodes untrusted bytes; a panic there must not take the server down.
    let update = catch_unwind(|| Update::decode_v1(bytes)).ok()?.ok()?;
    crate::update_shape::check_layout(bytes).ok()?;
    // Computing the ranges adds clocks too: a wrap panics in debug builds.
    let sane = catch_unwind(AssertUnwindSafe(|| clocks_within_bounds(&update))).unwrap_or(false);
    sane.then_some(update)
}

/// Whether every clock the update inserts, deletes or starts from stays below
/// [`MAX_CLOCK`].
fn clocks_within_bounds(update: &Update) -> bool {
    let within = |set: &yrs::IdSet| {
        set.iter().all(|(_, ranges)| {
            ranges
                .iter()
                .all(|r| r.start <= r.end && r.end <= MAX_CLOCK)
        })
    };
    let below = |sv: &StateVector| sv.iter().all(|(_, clock)| *clock <= MAX_CLOCK);
    within(&update.insertions(true))
        && within(update.delete_set())
        && below(&update.state_vector())
        && below(&update.state_vector_lower())
}

impl<L> RoomCore<L> {
    /// Loads a document from its snapshot and log. Log entries that do not decode are
    /// skipped and counted (the second value), so one damaged entry never locks
    /// people out of a board.
    pub fn load(
        kind: DocKind,
        snapshot: Option<&[u8]>,
        log: &[(u64, Vec<u8>)],
        limits: RoomLimits,
    ) -> Result<(Self, usize), LoadError> {
        let doc = Doc::new();
        let mut skipped = 0;
        {
            let mut txn = doc.transact_mut();
            if let Some(snap) = snapshot {
                let update = decode_update(snap).ok_or(LoadError::CorruptSnapshot)?;
                catch_unwind(AssertUnwindSafe(|| txn.apply_update(update)))
                    .map_err(|_| LoadError::CorruptSnapshot)?
                    .map_err(|_| LoadError::CorruptSnapshot)?;
            }
            for (_, bytes) in log {
                let applied = decode_update(bytes).and_then(|u| {
                    catch_unwind(AssertUnwindSafe(|| txn.apply_update(u)))
                        .ok()?
                        .ok()
                });
                if applied.is_none() {
                    skipped += 1;
                }
            }
        }
        let log_bytes: usize = log.iter().map(|(_, b)| b.len()).sum();
        // Watched after the replay: loading is nobody's change.
        let activity = matches!(kind, DocKind::Content | DocKind::Locked).then(|| {
            let a = Activity::default();
            a.watch(&doc);
            a
        });
        let mut core = (
            Self {
                kind,
                doc,
                limits,
                peers: BTreeMap::new(),
                awareness: HashMap::new(),
                presence_owner: HashMap::new(),
                presence_bytes: 0,
                stored_bytes: snapshot.map_or(0, <[u8]>::len) + log_bytes,
                log_entries: log.len(),
                log_bytes,
                poisoned: false,
                workshop: (kind == DocKind::Content).then(Workshop::default),
                writers: BTreeSet::new(),
                activity: None,
                now_ms: 0,
            },
            skipped,
        );
        core.0.activity = activity;
        Ok(core)
    }

    /// Restores who changed what, as stored beside the document.
    pub fn restore_activity(&mut self, stored: Option<&[u8]>) {
        if let Some(a) = self.activity.as_mut() {
            a.absorb(stored);
        }
    }

    /// Who last changed which element (the content and the locked layer).
    pub fn activity(&self) -> Option<&Activity> {
        self.activity.as_ref()
    }

    /// Restores the workshop state stored beside a content document.
    pub fn restore_workshop(&mut self, stored: Option<&[u8]>) -> Result<(), LoadError> {
        if let (Some(workshop), Some(bytes)) = (self.workshop.as_mut(), stored) {
            *workshop = Workshop::from_json(bytes)
                .map_err(|e| LoadError::CorruptWorkshop(e.to_string()))?;
        }
        Ok(())
    }

    /// The workshop state (content rooms).
    pub fn workshop(&self) -> Option<&Workshop> {
        self.workshop.as_ref()
    }

    /// Whether no peer is connected.
    pub fn is_empty(&self) -> bool {
        self.peers.is_empty()
    }

    /// A peer's link, if it is connected.
    pub fn link(&self, conn: ConnId) -> Option<&L> {
        self.peers.get(&conn).map(|p| &p.link)
    }

    /// The peers a frame for `target` goes to, with their links.
    pub fn receivers(&self, target: Target) -> impl Iterator<Item = (ConnId, &L)> {
        self.peers
            .iter()
            .filter(move |(id, _)| target.includes(**id))
            .map(|(id, p)| (*id, &p.link))
    }

    /// Peers connected with `role`.
    pub fn peers_with_role(&self, role: Role) -> Vec<ConnId> {
        self.peers
            .iter()
            .filter(|(_, p)| p.role == role)
            .map(|(id, _)| *id)
            .collect()
    }

    /// How many sockets are connected.
    pub fn peer_count(&self) -> usize {
        self.peers.len()
    }

    /// Every connected peer.
    pub fn peer_ids(&self) -> Vec<ConnId> {
        self.peers.keys().copied().collect()
    }

    /// Whether yrs panicked on this document: the edge must drop it and reload.
    pub fn is_poisoned(&self) -> bool {
        self.poisoned
    }

    /// Updates and bytes logged since the last snapshot.
    pub fn log_size(&self) -> (usize, usize) {
        (self.log_entries, self.log_bytes)
    }

    /// The whole document as one update (for snapshots and history).
    pub fn snapshot(&self) -> Vec<u8> {
        // What is integrated, never what yrs holds pending: a stored snapshot
        // is also the fast step 2 of a cold load, and a gap must reach no one.
        self.doc.transact().encode_diff_v1(&StateVector::default())
    }

    /// Records that the log was folded into a snapshot of `snapshot_len` bytes.
    pub fn compacted(&mut self, snapshot_len: usize) {
        self.stored_bytes = snapshot_len;
        self.log_entries = 0;
        self.log_bytes = 0;
    }

    /// Records that the first `entries` updates (`bytes` bytes) of the log
    /// were folded into a snapshot of `snapshot_len` bytes, while later ones
    /// were logged after them.
    pub fn folded(&mut self, snapshot_len: usize, entries: usize, bytes: usize) {
        self.log_entries = self.log_entries.saturating_sub(entries);
        self.log_bytes = self.log_bytes.saturating_sub(bytes);
        self.stored_bytes = snapshot_len + self.log_bytes;
    }

    /// Bytes of the stored snapshot (as of the last fold this room knows of).
    pub fn snapshot_size(&self) -> usize {
        self.stored_bytes.saturating_sub(self.log_bytes)
    }

    /// The document itself, read-only (exports, tests).
    pub fn doc(&self) -> &Doc {
        &self.doc
    }

    /// A new peer: it gets the server's step 1 (held: it reveals state) and the
    /// presence of everyone already here. A refusal hands the link back, so the
    /// edge can close that socket.
    pub fn join(
        &mut self,
        conn: ConnId,
        member: impl Into<Member>,
        link: L,
    ) -> Result<Effects, (CloseCode, L)> {
        if let Err(code) = self.join_allowed() {
            return Err((code, link));
        }
        let Member { role, participant } = member.into();
        let sv = self.doc.transact().state_vector().encode_v1();
        let mut fx = Effects::default();
        fx.held.push(Outgoing {
            target: Target::One(conn),
            frame: frame(&Message::Sync(SyncMessage::Step1(sv))),
        });
        if let Some(workshop) = &self.workshop {
            // Held like the document: it may show state not yet durable.
            fx.held.push(Outgoing {
                target: Target::One(conn),
                frame: frame(&Message::Workshop(WorkshopView::Board(
                    workshop.board_view(),
                ))),
            });
            fx.held.push(Outgoing {
                target: Target::One(conn),
                frame: frame(&Message::Workshop(WorkshopView::Own(
                    workshop.own_view(&participant),
                ))),
            });
        }
        self.peers.insert(
            conn,
            Peer {
                role,
                participant,
                clients: HashSet::new(),
                presence_tokens: PRESENCE_BURST,
                presence_at_ms: self.now_ms,
                presence_unsent: HashSet::new(),
                step1_tokens: STEP1_BURST,
                step1_at_ms: self.now_ms,
                link,
            },
        );
        if let Some(all) = self.all_presence() {
            fx.now.push(Outgoing {
                target: Target::One(conn),
                frame: all,
            });
        }
        Ok(fx)
    }

    /// Whether one more peer may join.
    pub fn join_allowed(&self) -> Result<(), CloseCode> {
        if self.peers.len() >= self.limits.max_conns {
            return Err(CloseCode::RoomFull);
        }
        Ok(())
    }

    /// A peer left (or is being closed): its presence is removed for everyone
    /// else, and its link is handed back.
    pub fn leave(&mut self, conn: ConnId) -> (Option<L>, Effects) {
        let mut fx = Effects::default();
        let Some(peer) = self.peers.remove(&conn) else {
            return (None, fx);
        };
        let mut entries = Vec::new();
        for client_id in peer.clients {
            self.presence_owner.remove(&client_id);
            if let Some(p) = self.awareness.remove(&client_id) {
                self.presence_bytes -= p.state.len();
                entries.push(AwarenessEntry {
                    client_id,
                    clock: p.clock + 1,
                    state: AWARENESS_REMOVED.to_owned(),
                });
            }
        }
        if !entries.is_empty() && !self.peers.is_empty() {
            entries.sort_by_key(|e| e.client_id);
            fx.now.push(Outgoing {
                target: Target::All,
                frame: frame(&Message::Awareness(AwarenessUpdate { entries })),
            });
        }
        (Some(peer.link), fx)
    }

    /// Handles one frame from a peer at server time `now_ms`. An `Err` closes that
    /// peer's socket with the code.
    pub fn handle(
        &mut self,
        conn: ConnId,
        bytes: &[u8],
        now_ms: u64,
    ) -> Result<Effects, CloseCode> {
        self.now_ms = now_ms;
        let (role, participant) = self
            .peers
            .get(&conn)
            .map(|p| (p.role, p.participant.clone()))
            .ok_or(CloseCode::InternalError)?;
        let msg = Message::decode(bytes).map_err(|_| CloseCode::BadMessage)?;
        match msg {
            Message::Sync(SyncMessage::Step1(sv)) => self.answer_step1(conn, &sv),
            Message::Sync(sync) => {
                let update = sync.update().unwrap_or_default();
                self.apply_update(conn, role, update)
            }
            Message::Awareness(update) => self.apply_awareness(conn, update),
            Message::QueryAwareness => {
                let mut fx = Effects::default();
                if let Some(all) = self.all_presence() {
                    fx.now.push(Outgoing {
                        target: Target::One(conn),
                        frame: all,
                    });
                }
                Ok(fx)
            }
            Message::Action(request) => Ok(self.apply_action(
                conn,
                Caller {
                    role,
                    participant: &participant,
                },
                request,
                now_ms,
            )),
            // Clients have nothing to tell the server with these.
            Message::PermissionDenied(_) | Message::ActionResult(_) | Message::Workshop(_) => {
                Ok(Effects::default())
            }
        }
    }

    fn answer_step1(&mut self, conn: ConnId, sv: &[u8]) -> Result<Effects, CloseCode> {
        let now = self.now_ms;
        if let Some(peer) = self.peers.get_mut(&conn) {
            let elapsed = now.saturating_sub(peer.step1_at_ms) as f64 / 1000.0;
            peer.step1_tokens = (peer.step1_tokens + elapsed * STEP1_PER_SEC).min(STEP1_BURST);
            peer.step1_at_ms = now;
            if peer.step1_tokens < 1.0 {
                return Err(CloseCode::RateLimited);
            }
            peer.step1_tokens -= 1.0;
        }
        let sv = catch_unwind(|| StateVector::decode_v1(sv))
            .ok()
            .and_then(Result::ok)
            .ok_or(CloseCode::BadMessage)?;
        let diff = self.doc.transact().encode_diff_v1(&sv);
        let mut fx = Effects::default();
        fx.held.push(Outgoing {
            target: Target::One(conn),
            frame: frame(&Message::Sync(SyncMessage::Step2(diff))),
        });
        Ok(fx)
    }

    fn apply_update(
        &mut self,
        conn: ConnId,
        role: Role,
        bytes: &[u8],
    ) -> Result<Effects, CloseCode> {
        if bytes.len() > self.limits.max_update_bytes {
            return Err(CloseCode::TooLarge);
        }
        let update = decode_update(bytes).ok_or(CloseCode::BadMessage)?;
        let mut fx = Effects::default();
        if update.is_empty() {
            // Stock clients answer the server's step 1 with an empty step 2; that is
            // no write, whatever the role.
            return Ok(fx);
        }
        let frozen = self.workshop.as_ref().is_some_and(Workshop::is_frozen);
        if !role.can_write(self.kind) || (frozen && !role.can_facilitate()) {
            let reason = if frozen && role.can_write(self.kind) {
                "the facilitator has frozen the board for now".to_owned()
            } else {
                format!(
                    "your role ({role}) cannot change the {} of this board",
                    self.kind.as_str()
                )
            };
            fx.now.push(Outgoing {
                target: Target::One(conn),
                frame: frame(&Message::PermissionDenied(reason)),
            });
            fx.denied = true;
            return Ok(fx);
        }
        if self.stored_bytes + bytes.len() > self.limits.max_doc_bytes {
            return Err(CloseCode::DocumentTooLarge);
        }
        let mut txn = self.doc.transact_mut();
        let before = txn.state_vector();
        let adds_something = update.extends(&before) || !update.delete_set().is_empty();
        if !adds_something {
            return Ok(fx);
        }
        let pending_before = txn.has_missing_updates();

        match catch_unwind(AssertUnwindSafe(|| txn.apply_update(update))) {
            Ok(Ok(())) => {}
            Ok(Err(_)) => return Err(CloseCode::BadMessage),
            Err(_) => {
                self.poisoned = true;
                return Err(CloseCode::InternalError);
            }
        }
        // An update that refers to items this document lacks (another
        // client's, not yet here) is only partly integrated; yrs keeps the rest
        // pending. Such bytes must not reach peers as they are: a peer holding
        // a gap is where yrs 0.28 once panicked. So whenever something is or
        // was pending, what is relayed and stored is what this update actually
        // integrated, pending parts that it completed included.
        let relayed = if pending_before || txn.has_missing_updates() {
            let integrated = txn.encode_diff_v1(&before);
            let nothing = Update::decode_v1(&integrated)
                .map(|u| !u.extends(&before) && u.delete_set().is_empty())
                .unwrap_or(true);
            if nothing {
                return Ok(fx);
            }
            integrated
        } else {
            bytes.to_vec()
        };
        drop(txn);
        if let Some(peer) = self.peers.get(&conn) {
            self.writers.insert(peer.participant.clone());
            fx.written_by = Some(peer.participant.clone());
        }
        self.record(relayed, Target::Others(conn), &mut fx);
        Ok(fx)
    }

    /// Makes the canvas hold `target` again (restoring a version) as one forward
    /// change that everyone receives, so that restoring the state before undoes
    /// it. Only the content and the locked layer hold elements.
    pub fn restore(&mut self, target: &[tafel_shared::element::Element], now_ms: u64) -> Effects {
        self.now_ms = now_ms;
        let mut fx = Effects::default();
        if !matches!(self.kind, DocKind::Content | DocKind::Locked) {
            return fx;
        }
        let elements = schema::elements(&self.doc);
        let current = tafel_shared::element::read_all(&self.doc.transact(), &elements);
        let update = {
            let mut txn = self.doc.transact_mut();
            let changed = tafel_shared::diff::restore(&mut txn, &elements, &current, target);
            if changed.is_empty() {
                return fx;
            }
            txn.encode_update_v1()
        };
        self.record(update, Target::All, &mut fx);
        fx
    }

    /// Who changed the document since the last call (for a history version).
    pub fn take_writers(&mut self) -> Vec<String> {
        std::mem::take(&mut self.writers)
            .into_iter()
            .map(|p| p.as_str().to_owned())
            .collect()
    }

    /// An applied update: counted towards the stored size, to be persisted, and
    /// relayed to `to` once durable.
    fn record(&mut self, update: Vec<u8>, to: Target, fx: &mut Effects) {
        if let Some(a) = self.activity.as_mut() {
            a.record(fx.written_by.as_ref(), self.now_ms);
        }
        self.stored_bytes += update.len();
        self.log_entries += 1;
        self.log_bytes += update.len();
        fx.held.push(Outgoing {
            target: to,
            frame: frame(&Message::Sync(SyncMessage::Update(update.clone()))),
        });
        fx.persist = Some(update);
    }

    /// A server-applied action: checked against the caller's role, applied by the
    /// server itself, answered with a result. A refusal changes nothing and is
    /// answered at once; a confirmation follows the update it caused, so the caller
    /// holds the new state when it learns the action succeeded.
    fn apply_action(
        &mut self,
        conn: ConnId,
        caller: Caller<'_>,
        request: ActionRequest,
        now_ms: u64,
    ) -> Effects {
        let mut fx = Effects::default();
        let outcome = match request.action {
            Action::Clock => Ok(()),
            Action::Timer { command } => self.timer(caller.role, command, now_ms, &mut fx),
            Action::Room { command } => self.room_command(caller, command, now_ms, &mut fx),
            Action::Comment { command } => self.comment(caller, command, now_ms, &mut fx),
            other => self.workshop_action(caller, other, now_ms, &mut fx),
        };
        let refused = outcome.err();
        fx.denied = refused.is_some();
        let answer = Outgoing {
            target: Target::One(conn),
            frame: frame(&Message::ActionResult(ActionResult {
                id: request.id,
                server_ms: now_ms,
                refused,
            })),
        };
        if fx.persist.is_some() || fx.persist_workshop.is_some() {
            fx.held.push(answer);
        } else {
            fx.now.push(answer);
        }
        fx
    }

    fn timer(
        &mut self,
        role: Role,
        command: TimerCommand,
        now_ms: u64,
        fx: &mut Effects,
    ) -> Result<(), Refusal> {
        self.wrong_unless_session()?;
        if !role.can_facilitate() {
            return Err(Refusal::new(
                RefusalCode::Forbidden,
                format!("Only a facilitator runs the timer; your role is {role}."),
            ));
        }
        let map = session::timer_map(&self.doc);
        let current = Timer::read(&self.doc.transact(), &map);
        let next = current.apply(command, now_ms)?;
        let update = {
            let mut txn = self.doc.transact_mut();
            next.write(&mut txn, &map);
            txn.encode_update_v1()
        };
        // Everyone, the caller included: nobody but the server made this change.
        self.record(update, Target::All, fx);
        Ok(())
    }

    fn wrong_unless_session(&self) -> Result<(), Refusal> {
        if self.kind == DocKind::Session {
            Ok(())
        } else {
            Err(Refusal::new(
                RefusalCode::WrongDocument,
                "The timer and the room controls live in the session document (/ws/{board}/session).",
            ))
        }
    }

    /// Agenda, summon, follow-me, hands, cursors: the room state in the session
    /// document, and the timer when an agenda step brings a time box.
    fn room_command(
        &mut self,
        caller: Caller<'_>,
        command: RoomCommand,
        now_ms: u64,
        fx: &mut Effects,
    ) -> Result<(), Refusal> {
        self.wrong_unless_session()?;
        let (room_map, timer_map) = (session::room_map(&self.doc), session::timer_map(&self.doc));
        let (current, timer) = {
            let txn = self.doc.transact();
            (
                RoomState::read(&txn, &room_map),
                Timer::read(&txn, &timer_map),
            )
        };
        let (next, then) = current.apply(
            command,
            caller.participant,
            caller.role.can_facilitate(),
            now_ms,
        )?;
        let timer = match then.start_timer_ms {
            Some(duration_ms) => Some(
                timer
                    .apply(TimerCommand::Set { duration_ms }, now_ms)?
                    .apply(TimerCommand::Start, now_ms)?,
            ),
            None => None,
        };
        if next == current && timer.is_none() {
            return Ok(());
        }
        let update = {
            let mut txn = self.doc.transact_mut();
            next.write(&mut txn, &room_map);
            if let Some(timer) = timer {
                timer.write(&mut txn, &timer_map);
            }
            txn.encode_update_v1()
        };
        self.record(update, Target::All, fx);
        Ok(())
    }

    /// A comment command: the caller's role must comment, and the rules of
    /// [`comments::plan`] decide by verified participant id whose comment is whose.
    fn comment(
        &mut self,
        caller: Caller<'_>,
        command: CommentCommand,
        now_ms: u64,
        fx: &mut Effects,
    ) -> Result<(), Refusal> {
        if self.kind != DocKind::Comments {
            return Err(Refusal::new(
                RefusalCode::WrongDocument,
                "Comments go to the comments socket (/ws/{board}/comments).",
            ));
        }
        if !caller.role.can_comment() {
            return Err(Refusal::new(
                RefusalCode::Forbidden,
                format!(
                    "Your role ({}) reads comments but cannot write them.",
                    caller.role
                ),
            ));
        }
        if self.stored_bytes >= self.limits.max_doc_bytes {
            return Err(Refusal::new(
                RefusalCode::LimitReached,
                "This board's comments are full; delete resolved threads to make room.",
            ));
        }
        let maps = comments::Maps::of(&self.doc);
        let who = comments::Commenter {
            id: caller.participant,
            facilitator: caller.role.can_facilitate(),
        };
        let changes = comments::plan(&self.doc.transact(), &maps, command, who, now_ms)?;
        if changes.is_empty() {
            return Ok(());
        }
        let update = {
            let mut txn = self.doc.transact_mut();
            maps.write(&mut txn, &changes);
            txn.encode_update_v1()
        };
        self.record(update, Target::All, fx);
        Ok(())
    }

    fn workshop_action(
        &mut self,
        caller: Caller<'_>,
        action: Action,
        now_ms: u64,
        fx: &mut Effects,
    ) -> Result<(), Refusal> {
        let Some(workshop) = self.workshop.as_mut() else {
            return Err(Refusal::new(
                RefusalCode::WrongDocument,
                "Votes, private notes and freezing go to the content socket (/ws/{board}).",
            ));
        };
        let changed = workshop.apply(caller, action, now_ms, &self.doc)?;
        self.publish(changed, fx);
        Ok(())
    }

    /// When the workshop next needs [`RoomCore::tick`] (a round's time limit).
    pub fn deadline(&self) -> Option<u64> {
        self.workshop.as_ref().and_then(Workshop::deadline)
    }

    /// Lets time-based changes happen (a round that runs out ends).
    pub fn tick(&mut self, now_ms: u64) -> Effects {
        self.now_ms = now_ms;
        let mut fx = Effects::default();
        if let Some(workshop) = self.workshop.as_mut() {
            let changed = workshop.tick(now_ms);
            self.publish(changed, &mut fx);
        }
        fx
    }

    /// Stores a workshop change and tells whom it concerns: everyone the public
    /// view, each affected participant (only their sockets) their own view, and
    /// everyone the revealed notes as a document update.
    fn publish(&mut self, changed: Changed, fx: &mut Effects) {
        let Some(workshop) = self.workshop.as_ref() else {
            return;
        };
        if !changed.is_some() {
            return;
        }
        fx.persist_workshop = Some(workshop.to_json());
        let mut frames = Vec::new();
        if changed.board {
            frames.push(Outgoing {
                target: Target::All,
                frame: frame(&Message::Workshop(WorkshopView::Board(
                    workshop.board_update(),
                ))),
            });
        }
        if !changed.people.is_empty() {
            frames.push(Outgoing {
                target: Target::All,
                frame: frame(&Message::Workshop(WorkshopView::People {
                    people: changed.people.clone(),
                })),
            });
        }
        for who in &changed.own {
            let own = frame(&Message::Workshop(WorkshopView::Own(
                workshop.own_view(who),
            )));
            for (conn, peer) in &self.peers {
                if peer.participant == *who {
                    frames.push(Outgoing {
                        target: Target::One(*conn),
                        frame: own.clone(),
                    });
                }
            }
        }
        if !changed.reveal.is_empty() {
            let elements = self.doc.get_or_insert_map(schema::ROOT_ELEMENTS);
            let update = {
                let mut txn = self.doc.transact_mut();
                for note in &changed.reveal {
                    note.insert(&mut txn, &elements);
                }
                txn.encode_update_v1()
            };
            // The notes reach the board before the views say they left private mode.
            self.record(update, Target::All, fx);
        }
        fx.held.extend(frames);
    }

    /// Presence from socket `conn`: each entry must be for a client id this
    /// socket owns (or a new one, up to [`MAX_PRESENCE_IDS_PER_SOCKET`]);
    /// entries for another socket's ids are dropped, so nobody can overwrite
    /// or remove someone else's presence. States count against the room's
    /// [`MAX_ROOM_PRESENCE_BYTES`], and relays against the socket's rate.
    fn apply_awareness(
        &mut self,
        conn: ConnId,
        update: AwarenessUpdate,
    ) -> Result<Effects, CloseCode> {
        let mut accepted = Vec::new();
        for entry in update.entries {
            if entry.state.len() > self.limits.max_awareness_bytes {
                return Err(CloseCode::TooLarge);
            }
            if serde_json::from_str::<serde::de::IgnoredAny>(&entry.state).is_err() {
                return Err(CloseCode::BadMessage);
            }
            let Some(peer) = self.peers.get(&conn) else {
                break;
            };
            match self.presence_owner.get(&entry.client_id) {
                Some(owner) if *owner != conn => continue,
                None if !entry.is_removal()
                    && peer.clients.len() >= MAX_PRESENCE_IDS_PER_SOCKET =>
                {
                    return Err(CloseCode::BadMessage);
                }
                _ => {}
            }
            let newer = match self.awareness.get(&entry.client_id) {
                None => !entry.is_removal(),
                Some(known) => {
                    entry.clock > known.clock || (entry.clock == known.clock && entry.is_removal())
                }
            };
            if !newer {
                continue;
            }
            let before = self
                .awareness
                .get(&entry.client_id)
                .map_or(0, |p| p.state.len());
            if entry.is_removal() {
                self.awareness.remove(&entry.client_id);
                self.presence_owner.remove(&entry.client_id);
                self.presence_bytes -= before;
                if let Some(peer) = self.peers.get_mut(&conn) {
                    peer.clients.remove(&entry.client_id);
                    peer.presence_unsent.remove(&entry.client_id);
                }
            } else {
                if self.presence_bytes - before + entry.state.len() > MAX_ROOM_PRESENCE_BYTES {
                    continue;
                }
                self.presence_bytes = self.presence_bytes - before + entry.state.len();
                self.awareness.insert(
                    entry.client_id,
                    Presence {
                        clock: entry.clock,
                        state: entry.state.clone(),
                    },
                );
                self.presence_owner.insert(entry.client_id, conn);
                if let Some(peer) = self.peers.get_mut(&conn) {
                    peer.clients.insert(entry.client_id);
                }
            }
            accepted.push(entry);
        }
        let accepted = self.rate_presence(conn, accepted);
        let mut fx = Effects::default();
        if !accepted.is_empty() {
            // Everyone, the sender included: stock clients treat their own echo as
            // proof the connection is alive.
            fx.now.push(Outgoing {
                target: Target::All,
                frame: frame(&Message::Awareness(AwarenessUpdate { entries: accepted })),
            });
        }
        Ok(fx)
    }

    /// What of `accepted` socket `conn` may have relayed now: removals always;
    /// new states when its bucket has a token, together with the newest state
    /// of ids held back before; otherwise they wait for the next relay.
    fn rate_presence(
        &mut self,
        conn: ConnId,
        accepted: Vec<AwarenessEntry>,
    ) -> Vec<AwarenessEntry> {
        let now = self.now_ms;
        let Some(peer) = self.peers.get_mut(&conn) else {
            return accepted;
        };
        let elapsed = now.saturating_sub(peer.presence_at_ms) as f64 / 1000.0;
        peer.presence_tokens =
            (peer.presence_tokens + elapsed * PRESENCE_PER_SEC).min(PRESENCE_BURST);
        peer.presence_at_ms = now;
        let (removals, states): (Vec<_>, Vec<_>) =
            accepted.into_iter().partition(AwarenessEntry::is_removal);
        if states.is_empty() {
            return removals;
        }
        if peer.presence_tokens < 1.0 {
            peer.presence_unsent
                .extend(states.iter().map(|e| e.client_id));
            return removals;
        }
        peer.presence_tokens -= 1.0;
        let mut out = removals;
        let sent: HashSet<u64> = states.iter().map(|e| e.client_id).collect();
        let held: Vec<u64> = peer
            .presence_unsent
            .drain()
            .filter(|id| !sent.contains(id))
            .collect();
        out.extend(states);
        for id in held {
            if let Some(p) = self.awareness.get(&id) {
                out.push(AwarenessEntry {
                    client_id: id,
                    clock: p.clock,
                    state: p.state.clone(),
                });
            }
        }
        out
    }

    fn all_presence(&self) -> Option<Bytes> {
        if self.awareness.is_empty() {
            return None;
        }
        let mut entries: Vec<AwarenessEntry> = self
            .awareness
            .iter()
            .map(|(id, p)| AwarenessEntry {
                client_id: *id,
                clock: p.clock,
                state: p.state.clone(),
            })
            .collect();
        entries.sort_by_key(|e| e.client_id);
        Some(frame(&Message::Awareness(AwarenessUpdate { entries })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{GetString, Text};

    fn room(kind: DocKind) -> RoomCore {
        // `RoomCore` defaults its link to `()`: tests need no sockets.
        RoomCore::load(kind, None, &[], RoomLimits::default())
            .unwrap()
            .0
    }

    fn text_update(client: u64, s: &str) -> Vec<u8> {
        let doc = Doc::with_client_id(client);
        let text = doc.get_or_insert_text("t");
        let mut txn = doc.transact_mut();
        text.insert(&mut txn, 0, s);
        txn.encode_update_v1()
    }

    fn update_frame(u: Vec<u8>) -> Vec<u8> {
        Message::Sync(SyncMessage::Update(u)).encode()
    }

    fn text_of(room: &RoomCore) -> String {
        let t = room.doc().get_or_insert_text("t");
        t.get_string(&room.doc().transact())
    }

    #[test]
    fn writer_update_is_persisted_and_held_for_others() {
        let mut r = room(DocKind::Content);
        r.join(1, Role::Editor, ()).unwrap();
        r.join(2, Role::Viewer, ()).unwrap();
        let fx = r.handle(1, &update_frame(text_update(7, "hi")), 0).unwrap();
        assert!(fx.persist.is_some());
        assert!(
            fx.now.is_empty(),
            "document changes must wait for durability"
        );
        assert_eq!(fx.held.len(), 1);
        assert_eq!(fx.held[0].target, Target::Others(1));
        assert_eq!(text_of(&r), "hi");
        // The same update again adds nothing: not stored twice.
        let again = r.handle(1, &update_frame(text_update(7, "hi")), 0).unwrap();
        assert!(again.persist.is_none() && again.held.is_empty());
    }

    #[test]
    fn reader_update_is_refused_and_changes_nothing() {
        for (role, kind) in [
            (Role::Viewer, DocKind::Content),
            (Role::Commenter, DocKind::Content),
            (Role::Editor, DocKind::Session),
        ] {
            let mut r = room(kind);
            r.join(1, role, ()).unwrap();
            let fx = r
                .handle(1, &update_frame(text_update(7, "sneaky")), 0)
                .unwrap();
            assert!(fx.persist.is_none() && fx.held.is_empty());
            assert!(matches!(
                Message::decode(&fx.now[0].frame),
                Ok(Message::PermissionDenied(_))
            ));
            assert_eq!(text_of(&r), "");
        }
    }

    #[test]
    fn empty_step2_from_a_viewer_is_not_a_write() {
        let mut r = room(DocKind::Content);
        r.join(1, Role::Viewer, ()).unwrap();
        let fx = r
            .handle(
                1,
                &Message::Sync(SyncMessage::Step2(Update::EMPTY_V1.to_vec())).encode(),
                0,
            )
            .unwrap();
        assert!(fx.now.is_empty() && fx.persist.is_none());
    }

    #[test]
    fn bad_frames_close_with_codes() {
        let mut r = room(DocKind::Content);
        r.join(1, Role::Editor, ()).unwrap();
        assert_eq!(
            r.handle(1, &[0xff, 0xff], 0).unwrap_err(),
            CloseCode::BadMessage
        );
        assert_eq!(
            r.handle(1, &update_frame(vec![1, 2, 3, 4, 5]), 0)
                .unwrap_err(),
            CloseCode::BadMessage
        );
        let big = update_frame(vec![0; RoomLimits::default().max_update_bytes + 1]);
        assert_eq!(r.handle(1, &big, 0).unwrap_err(), CloseCode::TooLarge);
        assert_eq!(
            r.handle(
                1,
                &Message::Sync(SyncMessage::Step1(vec![9, 9])).encode(),
                0
            )
            .unwrap_err(),
            CloseCode::BadMessage
        );
    }

    #[test]
    fn document_size_limit_refuses_growth() {
        let limits = RoomLimits {
            max_doc_bytes: 40,
            ..RoomLimits::default()
        };
        let mut r: RoomCore = RoomCore::load(DocKind::Content, None, &[], limits)
            .unwrap()
            .0;
        r.join(1, Role::Editor, ()).unwrap();
        r.handle(1, &update_frame(text_update(1, "small")), 0)
            .unwrap();
        let err = r
            .handle(1, &update_frame(text_update(2, &"x".repeat(50))), 0)
            .unwrap_err();
        assert_eq!(err, CloseCode::DocumentTooLarge);
    }

    #[test]
    fn room_full_refuses_join() {
        let limits = RoomLimits {
            max_conns: 1,
            ..RoomLimits::default()
        };
        let mut r: RoomCore = RoomCore::load(DocKind::Content, None, &[], limits)
            .unwrap()
            .0;
        r.join(1, Role::Editor, ()).unwrap();
        assert_eq!(
            r.join(2, Role::Editor, ()).unwrap_err().0,
            CloseCode::RoomFull
        );
    }

    fn awareness(client_id: u64, clock: u64, state: &str) -> Vec<u8> {
        Message::Awareness(AwarenessUpdate {
            entries: vec![AwarenessEntry {
                client_id,
                clock,
                state: state.into(),
            }],
        })
        .encode()
    }

    #[test]
    fn an_update_that_skips_what_it_builds_on_is_neither_held_nor_relayed() {
        use yrs::{Doc, ReadTxn, StateVector, Text, Transact};
        let mut r = room(DocKind::Content);
        r.join(1, Role::Editor, ()).unwrap();
        r.join(2, Role::Viewer, ()).unwrap();
        // A client writes twice; the second update alone builds on the first.
        let writer = Doc::new();
        let text = writer.get_or_insert_text("t");
        text.insert(&mut writer.transact_mut(), 0, "first");
        let sv = writer.transact().state_vector();
        text.insert(&mut writer.transact_mut(), 5, " second");
        let second = writer.transact().encode_state_as_update_v1(&sv);
        let state = |r: &RoomCore| {
            r.doc
                .transact()
                .encode_state_as_update_v1(&StateVector::default())
        };
        let before = state(&r);
        // Not applied, not held as pending (where a gap once made yrs panic in
        // a client), not relayed; the socket stays, since the step 2 a
        // reconnecting client sends brings the missing part anyway.
        let fx = r
            .handle(1, &Message::Sync(SyncMessage::Update(second)).encode(), 0)
            .unwrap();
        assert!(fx.held.is_empty() && fx.now.is_empty() && fx.persist.is_none());
        assert_eq!(state(&r), before, "nothing held, nothing relayed");
        // In order, both apply.
        let all = writer
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        assert!(r
            .handle(1, &Message::Sync(SyncMessage::Update(all)).encode(), 0)
            .is_ok());
    }

    /// Finding 7, the references case: an update that refers to another
    /// client's items the room does not have yet is held pending by yrs; its
    /// bytes reach no peer and no store until the update it builds on arrives,
    /// and then peers receive what both integrate, with no gap.
    #[test]
    fn an_update_that_refers_to_missing_items_reaches_peers_only_once_whole() {
        use yrs::{Doc, GetString, ReadTxn, StateVector, Text, Transact};
        let mut r = room(DocKind::Content);
        r.join(1, Role::Editor, ()).unwrap();
        r.join(2, Role::Viewer, ()).unwrap();
        let ada = Doc::with_client_id(101);
        let ada_text = ada.get_or_insert_text("t");
        ada_text.insert(&mut ada.transact_mut(), 0, "Ziel");
        let first = ada
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        // Ben has Ada's text and writes after it: his update refers to her items.
        let ben = Doc::with_client_id(202);
        let ben_text = ben.get_or_insert_text("t");
        ben.transact_mut()
            .apply_update(Update::decode_v1(&first).unwrap())
            .unwrap();
        let sv = ben.transact().state_vector();
        ben_text.insert(&mut ben.transact_mut(), 4, ": schneller");
        let second = ben.transact().encode_diff_v1(&sv);

        let fx = r
            .handle(1, &Message::Sync(SyncMessage::Update(second)).encode(), 0)
            .unwrap();
        assert!(
            fx.held.is_empty() && fx.persist.is_none(),
            "nothing of it shown or stored"
        );
        assert!(!r.is_poisoned());
        let snapshot = Doc::new();
        snapshot
            .transact_mut()
            .apply_update(Update::decode_v1(&r.snapshot()).unwrap())
            .unwrap();
        assert!(
            !snapshot.transact().has_missing_updates(),
            "the snapshot has no gap"
        );

        // Ada's update arrives: peers get both, whole.
        let fx = r
            .handle(1, &Message::Sync(SyncMessage::Update(first)).encode(), 0)
            .unwrap();
        let peer = Doc::new();
        let peer_text = peer.get_or_insert_text("t");
        for o in &fx.held {
            if let Message::Sync(SyncMessage::Update(u)) = Message::decode(&o.frame).unwrap() {
                peer.transact_mut()
                    .apply_update(Update::decode_v1(&u).unwrap())
                    .unwrap();
            }
        }
        assert!(
            !peer.transact().has_missing_updates(),
            "no gap reached a peer"
        );
        assert_eq!(peer_text.get_string(&peer.transact()), "Ziel: schneller");
        let stored = Doc::new();
        let stored_text = stored.get_or_insert_text("t");
        stored
            .transact_mut()
            .apply_update(Update::decode_v1(fx.persist.as_deref().unwrap()).unwrap())
            .unwrap();
        assert_eq!(
            stored_text.get_string(&stored.transact()),
            "Ziel: schneller"
        );
    }

    /// A room holding the phase board, the document the `update` fuzz target
    /// attacks.
    fn phase_board_room() -> RoomCore {
        let board =
            tafel_shared::templates::Template::Phases.build(tafel_shared::i18n::Lang::De, 1_000);
        let snapshot = board
            .content
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        RoomCore::load(
            DocKind::Content,
            Some(&snapshot),
            &[],
            RoomLimits::default(),
        )
        .unwrap()
        .0
    }

    /// Feeds a crafted update (a fuzzing find) to a room holding the phase
    /// board: it is refused as a bad message, the room is not poisoned, and
    /// it still serves: a real edit applies and a snapshot encodes.
    fn refused_and_the_room_goes_on(crafted: &[u8]) {
        let mut r = phase_board_room();
        r.join(1, Role::Editor, ()).unwrap();
        let result = r.handle(
            1,
            &Message::Sync(SyncMessage::Update(crafted.to_vec())).encode(),
            2_000,
        );
        assert!(
            matches!(result, Err(CloseCode::BadMessage)),
            "{:?}",
            result.err()
        );
        assert!(!r.is_poisoned());
        r.join(2, Role::Editor, ()).unwrap();
        let ok = text_update(7, "weiter");
        assert!(r
            .handle(2, &Message::Sync(SyncMessage::Update(ok)).encode(), 2_000)
            .is_ok());
        assert!(!r.snapshot().is_empty());
    }

    /// Found by fuzzing (`server/fuzz`, target `update`, crash 1): an edit of
    /// the phase board with a clock near yrs's u32 limit applied, then made yrs
    /// panic while encoding or collecting garbage, taking the room with it.
    #[test]
    fn an_update_with_a_clock_past_the_limit_is_refused_and_the_room_goes_on() {
        refused_and_the_room_goes_on(include_bytes!("../fuzz/regressions/update-1.bin"));
    }

    /// Found by fuzzing (crash 2): an edit of the phase board that names one
    /// client twice made yrs panic while it integrated the blocks, poisoning
    /// the room.
    #[test]
    fn an_update_that_names_a_client_twice_is_refused_and_the_room_goes_on() {
        refused_and_the_room_goes_on(include_bytes!("../fuzz/regressions/update-2.bin"));
    }

    #[test]
    fn step_one_requests_are_rate_limited() {
        let mut r = room(DocKind::Content);
        r.join(1, Role::Viewer, ()).unwrap();
        let step1 = Message::Sync(SyncMessage::Step1(vec![0])).encode();
        for _ in 0..STEP1_BURST as usize {
            assert_eq!(r.handle(1, &step1, 0).unwrap().held.len(), 1);
        }
        assert_eq!(r.handle(1, &step1, 10).err(), Some(CloseCode::RateLimited));
        // A second later one more is fine again.
        let mut r = room(DocKind::Content);
        r.join(1, Role::Viewer, ()).unwrap();
        for _ in 0..STEP1_BURST as usize {
            r.handle(1, &step1, 0).unwrap();
        }
        assert!(r.handle(1, &step1, 1000).is_ok());
    }

    #[test]
    fn a_socket_changes_only_its_own_presence_within_limits() {
        let mut r = room(DocKind::Content);
        r.join(1, Role::Editor, ()).unwrap();
        r.join(2, Role::Viewer, ()).unwrap();
        r.handle(1, &awareness(10, 1, r#"{"name":"Ada"}"#), 0)
            .unwrap();
        // Peer 2 cannot overwrite or remove Ada's presence.
        for forged in [
            awareness(10, 5, r#"{"name":"Mallory"}"#),
            awareness(10, 9, "null"),
        ] {
            assert!(r.handle(2, &forged, 10).unwrap().now.is_empty());
        }
        let joined = r.join(3, Role::Viewer, ()).unwrap();
        let Message::Awareness(u) = Message::decode(&joined.now[0].frame).unwrap() else {
            panic!("presence for the late joiner")
        };
        assert_eq!(u.entries[0].state, r#"{"name":"Ada"}"#);
        // A few ids of its own are fine; more closes the socket.
        for id in 20..20 + MAX_PRESENCE_IDS_PER_SOCKET as u64 {
            r.handle(2, &awareness(id, 1, "{}"), 10).unwrap();
        }
        assert_eq!(
            r.handle(2, &awareness(99, 1, "{}"), 10).err(),
            Some(CloseCode::BadMessage)
        );
    }

    #[test]
    fn presence_relays_are_rate_limited_and_the_newest_state_follows() {
        let mut r = room(DocKind::Content);
        r.join(1, Role::Editor, ()).unwrap();
        r.join(2, Role::Viewer, ()).unwrap();
        // A flood within one second: a burst goes out, the rest is held.
        let mut relayed = 0;
        for clock in 1..=500u64 {
            let fx = r
                .handle(2, &awareness(7, clock, &format!(r#"{{"x":{clock}}}"#)), 100)
                .unwrap();
            relayed += fx.now.len();
        }
        assert_eq!(relayed, PRESENCE_BURST as usize);
        // A second later the next update carries the newest state.
        let fx = r
            .handle(2, &awareness(7, 501, r#"{"x":501}"#), 1100)
            .unwrap();
        let Message::Awareness(u) = Message::decode(&fx.now[0].frame).unwrap() else {
            panic!("a relay")
        };
        assert_eq!(u.entries.last().unwrap().state, r#"{"x":501}"#);
        // Leaving always tells the others.
        let (_, left) = r.leave(2);
        assert_eq!(left.now.len(), 1);
    }

    #[test]
    fn a_room_keeps_a_bounded_amount_of_presence() {
        let mut r = room(DocKind::Content);
        r.limits.max_awareness_bytes = 1 << 20;
        let big = format!(r#"{{"pad":"{}"}}"#, "x".repeat(500_000));
        let mut kept = 0;
        for conn in 0..20u64 {
            r.join(conn, Role::Viewer, ()).unwrap();
            let fx = r.handle(conn, &awareness(conn, 1, &big), 0).unwrap();
            kept += usize::from(!fx.now.is_empty());
        }
        assert!(r.presence_bytes <= MAX_ROOM_PRESENCE_BYTES);
        assert_eq!(kept, MAX_ROOM_PRESENCE_BYTES / big.len());
    }

    #[test]
    fn awareness_relays_news_drops_echoes_and_removes_on_leave() {
        let mut r = room(DocKind::Content);
        r.join(1, Role::Editor, ()).unwrap();
        r.join(2, Role::Viewer, ()).unwrap();
        let fx = r
            .handle(1, &awareness(10, 1, r#"{"name":"Ada"}"#), 0)
            .unwrap();
        assert_eq!(fx.now[0].target, Target::All);
        // Peer 2 echoes what it received: same clock, dropped.
        assert!(r
            .handle(2, &awareness(10, 1, r#"{"name":"Ada"}"#), 0)
            .unwrap()
            .now
            .is_empty());
        // A late joiner gets current presence at once.
        let joined = r.join(3, Role::Viewer, ()).unwrap();
        assert_eq!(joined.now.len(), 1);
        // Leaving broadcasts a removal with a newer clock.
        let (link, left) = r.leave(1);
        assert_eq!(link, Some(()));
        match Message::decode(&left.now[0].frame).unwrap() {
            Message::Awareness(u) => {
                assert_eq!(
                    u.entries,
                    vec![AwarenessEntry {
                        client_id: 10,
                        clock: 2,
                        state: "null".into()
                    }]
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(r.handle(2, &awareness(11, 1, "{not json"), 0).is_err());
    }

    #[test]
    fn receivers_follow_the_target_and_fresh_clients_get_the_stored_state() {
        let mut r: RoomCore<&'static str> =
            RoomCore::load(DocKind::Content, None, &[], RoomLimits::default())
                .unwrap()
                .0;
        for (conn, name) in [(1, "a"), (2, "b"), (3, "c")] {
            r.join(conn, Role::Editor, name).unwrap();
        }
        fn names(r: &RoomCore<&'static str>, t: Target) -> Vec<&'static str> {
            r.receivers(t).map(|(_, l)| *l).collect()
        }
        assert_eq!(names(&r, Target::All), ["a", "b", "c"]);
        assert_eq!(names(&r, Target::Others(2)), ["a", "c"]);
        assert_eq!(names(&r, Target::One(3)), ["c"]);
        assert_eq!(r.leave(2).0, Some("b"));
        assert_eq!(names(&r, Target::All), ["a", "c"]);
        assert_eq!(r.leave(2).0, None, "leaving twice hands nothing back");

        let empty_sv = StateVector::default().encode_v1();
        assert!(is_fresh_step1(
            &Message::Sync(SyncMessage::Step1(empty_sv)).encode()
        ));
        let holding = Doc::with_client_id(5);
        holding
            .get_or_insert_text("t")
            .insert(&mut holding.transact_mut(), 0, "x");
        let sv = holding.transact().state_vector().encode_v1();
        assert!(!is_fresh_step1(
            &Message::Sync(SyncMessage::Step1(sv)).encode()
        ));
        assert!(!is_fresh_step1(&[0xff]));
        let snap = text_update(1, "stored");
        match Message::decode(&step2_of_snapshot(Some(&snap))).unwrap() {
            Message::Sync(SyncMessage::Step2(u)) => assert_eq!(u, snap),
            other => panic!("{other:?}"),
        }
    }

    fn act(r: &mut RoomCore, conn: ConnId, action: Action, now: u64) -> Effects {
        let frame = Message::Action(ActionRequest { id: 42, action }).encode();
        r.handle(conn, &frame, now).unwrap()
    }

    fn result_of(o: &Outgoing) -> ActionResult {
        match Message::decode(&o.frame).unwrap() {
            Message::ActionResult(r) => r,
            other => panic!("not a result: {other:?}"),
        }
    }

    fn timer(command: TimerCommand) -> Action {
        Action::Timer { command }
    }

    #[test]
    fn a_facilitator_runs_the_timer_and_everyone_gets_the_servers_change() {
        let mut r = room(DocKind::Session);
        r.join(1, Role::Facilitator, ()).unwrap();
        r.join(2, Role::Viewer, ()).unwrap();
        let fx = act(
            &mut r,
            1,
            timer(TimerCommand::Set {
                duration_ms: 60_000,
            }),
            1_000,
        );
        assert!(fx.persist.is_some() && fx.now.is_empty() && !fx.denied);
        assert_eq!(fx.held[0].target, Target::All, "the caller lacks it too");
        assert!(matches!(
            Message::decode(&fx.held[0].frame).unwrap(),
            Message::Sync(SyncMessage::Update(_))
        ));
        assert_eq!(fx.held[1].target, Target::One(1));
        assert_eq!(
            result_of(&fx.held[1]),
            ActionResult {
                id: 42,
                server_ms: 1_000,
                refused: None
            }
        );
        act(&mut r, 1, timer(TimerCommand::Start), 2_000);
        // Root types first: yrs would wait for the read transaction to end.
        let map = session::timer_map(r.doc());
        let t = Timer::read(&r.doc().transact(), &map);
        assert_eq!(
            t.remaining_at(32_000),
            30_000,
            "counted from the server's clock"
        );
    }

    #[test]
    fn timer_actions_from_others_or_elsewhere_are_refused_and_change_nothing() {
        let mut session = room(DocKind::Session);
        session.join(1, Role::Editor, ()).unwrap();
        let before = session.snapshot();
        let fx = act(
            &mut session,
            1,
            timer(TimerCommand::Set {
                duration_ms: 60_000,
            }),
            5,
        );
        assert!(fx.denied && fx.persist.is_none() && fx.held.is_empty());
        let refusal = result_of(&fx.now[0]).refused.expect("refused");
        assert_eq!(refusal.code, RefusalCode::Forbidden);
        assert_eq!(session.snapshot(), before);

        let mut content = room(DocKind::Content);
        content.join(1, Role::Facilitator, ()).unwrap();
        let fx = act(&mut content, 1, timer(TimerCommand::Stop), 5);
        assert_eq!(
            result_of(&fx.now[0]).refused.map(|r| r.code),
            Some(RefusalCode::WrongDocument)
        );

        let mut idle = room(DocKind::Session);
        idle.join(1, Role::Facilitator, ()).unwrap();
        let fx = act(&mut idle, 1, timer(TimerCommand::Pause), 5);
        assert_eq!(
            result_of(&fx.now[0]).refused.map(|r| r.code),
            Some(RefusalCode::NotNow)
        );
        // The clock needs no role: anyone may ask what time the server has.
        let mut any = room(DocKind::Content);
        any.join(3, Role::Viewer, ()).unwrap();
        let fx = act(&mut any, 3, Action::Clock, 77);
        assert_eq!(
            result_of(&fx.now[0]),
            ActionResult {
                id: 42,
                server_ms: 77,
                refused: None
            }
        );
    }

    #[test]
    fn load_replays_snapshot_and_log_and_skips_damage() {
        let snap = text_update(1, "a");
        let log = vec![
            (1, text_update(2, "b")),
            (2, vec![0xde, 0xad]),
            (3, text_update(3, "c")),
        ];
        let (r, skipped): (RoomCore, _) =
            RoomCore::load(DocKind::Content, Some(&snap), &log, RoomLimits::default()).unwrap();
        assert_eq!(skipped, 1);
        let s = text_of(&r);
        assert_eq!(s.len(), 3);
        assert!(s.contains('a') && s.contains('b') && s.contains('c'));
        assert!(RoomCore::<()>::load(
            DocKind::Content,
            Some(&[1, 2, 3]),
            &[],
            RoomLimits::default()
        )
        .is_err());
    }
}
