//! The sync session of one open board: the client's provider. It opens the
//! local IndexedDB copy and the server connection, ships local edits (merged,
//! throttled) and saves them on this device, exchanges presence and keeps it
//! alive, and reports status, role and who else is here as signals. The same
//! socket carries the workshop state ([`Workshop`]) and its actions
//! ([`Session::act`]).
//!
//! The session knows nothing about gestures or panels. It reads the selection
//! only to tell the others, and it tells its owner when remote changes arrived
//! (see [`Session::on_remote`]) instead of reaching into the view.

use crate::i18n::t_with;
use crate::layer::LockedLayer;
use crate::model::Model;
use crate::net::{ws_url_of, Connection, Handlers, Status};
use crate::prefs;
use crate::state::Notice;
use crate::timer::{after, Interval};
use crate::workshop::Workshop;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};
use tafel_shared::action::Action;
use tafel_shared::api::BoardInfo;
use tafel_shared::element::Element;
use tafel_shared::geometry::Point;
use tafel_shared::ids::ParticipantCredential;
use tafel_shared::presence::{Presence, User};
use tafel_shared::protocol::AwarenessEntry;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::sync::ClientSync;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use yrs::updates::decoder::Decode;
use yrs::{ReadTxn, StateVector, Transact, Update as YrsUpdate};

/// Whether this browser's copy of the board is on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalCopy {
    /// Nothing to save yet.
    Idle,
    /// A save is scheduled or running.
    Saving,
    /// Everything up to now is in IndexedDB.
    Saved,
    /// IndexedDB is unavailable (private mode, quota).
    Unavailable,
}

impl LocalCopy {
    /// The `data-local` name.
    pub fn name(self) -> &'static str {
        match self {
            LocalCopy::Idle => "idle",
            LocalCopy::Saving => "saving",
            LocalCopy::Saved => "saved",
            LocalCopy::Unavailable => "unavailable",
        }
    }
}

/// What the owner of a session runs after remote changes arrived.
type RemoteHook = Box<dyn Fn(bool)>;

/// Presence is re-sent this often, for servers and peers that expire silent
/// clients.
const KEEPALIVE_MS: i32 = 15_000;

/// One board's connection to the server and to this device's copy.
pub struct Session {
    /// Board id.
    pub id: String,
    /// Share token from the link.
    pub token: String,
    /// The replica and its signals (shared with the views).
    pub model: Rc<Model>,
    /// Title and role from the API.
    pub info: RwSignal<Option<BoardInfo>>,
    /// The role this link grants (from the API, or remembered when offline).
    pub role: RwSignal<Option<Role>>,
    /// A problem that stops the board from opening.
    pub fatal: RwSignal<Option<String>>,
    /// Connection state.
    pub status: RwSignal<Status>,
    /// The local copy's state.
    pub local: RwSignal<LocalCopy>,
    /// Others on the board, by replica client id.
    pub peers: RwSignal<BTreeMap<u64, Presence>>,
    /// You.
    pub me: RwSignal<User>,
    /// Votes, private notes, frozen flag and roster, as the server shows them.
    pub workshop: Workshop,
    /// Others' cursors and selections are hidden (a facilitator asked for focus).
    pub cursors_hidden: RwSignal<bool>,
    /// When the board last changed from elsewhere (this browser's clock, ms).
    pub changed_at: RwSignal<f64>,
    /// View, following, typing and reaction, as presence tells them (see
    /// [`Session::update_presence`]); its user, cursor and selection are unused.
    extra: RefCell<Presence>,
    /// The credential the socket was last opened with.
    connected_as: RefCell<Option<ParticipantCredential>>,
    /// The selection others see.
    selection: RwSignal<Vec<String>>,
    notice: Notice,
    sync: Rc<RefCell<ClientSync>>,
    conn: RefCell<Option<Rc<Connection>>>,
    /// The locked layer's socket.
    layer: LockedLayer,
    keepalive: RefCell<Option<Interval>>,
    /// Told after remote changes were applied; `true` the first time the board
    /// has content (the owner fits it on screen then).
    on_remote: RefCell<Option<RemoteHook>>,
    presence_clock: Cell<u64>,
    cursor: Cell<Option<Point>>,
    presence_due: Cell<bool>,
    save_due: Cell<bool>,
    /// Saves started; a finished save marks the copy saved only if it was the last.
    saves: Cell<u64>,
    outbox: RefCell<Vec<Vec<u8>>>,
    fitted: Cell<bool>,
    /// The board as this browser last saw it (its local copy, as loaded), and
    /// when that visit began: what "since your last visit" compares with.
    baseline: RefCell<Option<(Vec<Element>, f64)>>,
    /// When this browser's previous visit of the board began (ms).
    previous_visit: Option<f64>,
    /// For timers and tasks, which must not keep a left page alive.
    this: Weak<Session>,
}

impl Session {
    /// A session for board `id`, not yet started; `selection` is what presence
    /// reports, `notice` where refusals are told.
    pub fn new(
        id: String,
        token: String,
        selection: RwSignal<Vec<String>>,
        notice: Notice,
    ) -> Rc<Session> {
        let model = Rc::new(Model::new());
        let sync = Rc::new(RefCell::new(ClientSync::new(model.doc().clone())));
        let previous_visit = prefs::recent()
            .into_iter()
            .find(|r| r.id == id)
            .map(|r| r.visited_ms);
        Rc::new_cyclic(|this| Session {
            id,
            token,
            model,
            info: RwSignal::new(None),
            role: RwSignal::new(None),
            fatal: RwSignal::new(None),
            status: RwSignal::new(Status::Connecting),
            local: RwSignal::new(LocalCopy::Idle),
            peers: RwSignal::new(BTreeMap::new()),
            me: RwSignal::new(prefs::profile_or_guest()),
            workshop: Workshop::new(notice),
            cursors_hidden: RwSignal::new(false),
            changed_at: RwSignal::new(js_sys::Date::now()),
            extra: RefCell::new(Presence::default()),
            connected_as: RefCell::new(None),
            selection,
            notice,
            sync,
            conn: RefCell::new(None),
            layer: LockedLayer::default(),
            keepalive: RefCell::new(None),
            on_remote: RefCell::new(None),
            presence_clock: Cell::new(0),
            cursor: Cell::new(None),
            presence_due: Cell::new(false),
            save_due: Cell::new(false),
            saves: Cell::new(0),
            outbox: RefCell::new(Vec::new()),
            fitted: Cell::new(false),
            baseline: RefCell::new(None),
            previous_visit,
            this: this.clone(),
        })
    }

    /// The board as this browser last saw it and when that visit began, once:
    /// `None` on a first visit, or when the local copy was not there in time.
    pub fn take_baseline(&self) -> Option<(Vec<Element>, f64)> {
        self.baseline.borrow_mut().take()
    }

    /// The elements of the content document (without the locked layer).
    pub fn content_elements(&self) -> Vec<Element> {
        let map = tafel_shared::schema::elements(self.model.doc());
        let txn = self.model.doc().transact();
        tafel_shared::element::read_all(&txn, &map)
    }

    /// Sets what runs after remote changes arrived (see the field).
    pub fn on_remote(&self, f: impl Fn(bool) + 'static) {
        *self.on_remote.borrow_mut() = Some(Box::new(f));
    }

    /// Opens the board: the local copy first, so it shows at once (also
    /// offline), then the server, whose handshake carries whatever was edited
    /// offline; and the board's title and role from the API.
    pub fn start(&self) {
        // A browser whose IndexedDB never answers still gets the board from the server.
        let connected = Rc::new(Cell::new(false));
        {
            let (connected, this) = (Rc::clone(&connected), self.this.clone());
            after(1500, move || {
                if let Some(s) = this.upgrade().filter(|_| !connected.replace(true)) {
                    s.connect();
                }
            });
        }
        let this = self.this.clone();
        let (id, doc) = (self.id.clone(), self.model.doc().clone());
        leptos::task::spawn_local(async move {
            let loaded = crate::idb::load(&id).await;
            let Some(s) = this.upgrade() else { return };
            match loaded {
                Ok(Some(state)) => {
                    if let Ok(update) = YrsUpdate::decode_v1(&state) {
                        let _ = doc.transact_mut().apply_update(update);
                    }
                    // Taken before the server's news can arrive: a handshake
                    // that raced ahead leaves no baseline, and no false news.
                    if let (Some(at), false) = (s.previous_visit, connected.get()) {
                        *s.baseline.borrow_mut() = Some((s.content_elements(), at));
                    }
                    s.remote_changed();
                    s.local.set(LocalCopy::Saved);
                    if connected.get() {
                        // Loaded after the handshake: send what the server may lack.
                        if let Some(c) = s.conn.borrow().as_ref() {
                            c.send_updates(vec![state]);
                        }
                    }
                }
                Ok(None) => {}
                Err(_) => s.local.set(LocalCopy::Unavailable),
            }
            if !connected.replace(true) {
                s.connect();
            }
        });
        self.load_info();
    }

    fn load_info(&self) {
        let (id, token) = (self.id.clone(), self.token.clone());
        let this = self.this.clone();
        leptos::task::spawn_local(async move {
            let remembered = prefs::recent().into_iter().find(|r| r.id == id);
            let result = crate::api::board_info(&id, &token).await;
            let Some(s) = this.upgrade() else { return };
            match result {
                Ok(i) => {
                    s.role.set(Some(i.role));
                    prefs::remember(prefs::Recent {
                        id: id.clone(),
                        title: i.title.clone(),
                        link: tafel_shared::ids::board_link(&id, &token),
                        role: i.role,
                        visited_ms: js_sys::Date::now(),
                    });
                    if i.role == Role::Facilitator {
                        prefs::set_link(&id, i.role, &tafel_shared::ids::board_link(&id, &token));
                    }
                    s.info.set(Some(i));
                    s.announce();
                }
                Err(e) if crate::api::is_network_error(&e) && remembered.is_some() => {
                    // Offline: work from what this browser remembers.
                    if let Some(r) = remembered {
                        s.role.set(Some(r.role));
                    }
                }
                Err(e) => s.fatal.set(Some(crate::api::describe(&e))),
            }
        });
    }

    /// Connects once this browser knows who it is (see [`crate::identity`]).
    fn connect(&self) {
        let this = self.this.clone();
        crate::identity::when_known(move || {
            if let Some(s) = this.upgrade() {
                s.open_socket();
            }
        });
    }

    fn open_socket(&self) {
        let (id, token, this) = (self.id.clone(), self.token.clone(), self.this.clone());
        let url = move || {
            if let Some(s) = this.upgrade() {
                *s.connected_as.borrow_mut() = crate::identity::credential();
            }
            ws_url_of(DocKind::Content, &id, &token)
        };
        let with = |f: fn(&Session)| {
            let this = self.this.clone();
            Box::new(move || {
                if let Some(s) = this.upgrade() {
                    f(&s)
                }
            })
        };
        let weak = || self.this.clone();
        let (status, awareness, denied, answered, shown) = (weak(), weak(), weak(), weak(), weak());
        let handlers = Handlers {
            on_change: with(|s: &Session| {
                s.changed_at.set(js_sys::Date::now());
                s.remote_changed();
            }),
            on_status: Box::new(move |st| {
                if let Some(s) = status.upgrade() {
                    s.status_changed(st);
                }
            }),
            on_awareness: Box::new(move |entries| {
                if let Some(s) = awareness.upgrade() {
                    s.receive_presence(entries);
                }
            }),
            on_open: with(Session::send_presence),
            on_denied: Box::new(move |reason| {
                if let Some(s) = denied.upgrade() {
                    // Unless the board is frozen (which stops edits by itself), the
                    // role this browser remembered is out of date: stop offering
                    // edits the server will not keep.
                    if !s.workshop.frozen_now() {
                        s.role.set(Some(Role::Viewer));
                    }
                    s.notice.show(&t_with(
                        "board-change-refused",
                        &[("reason", reason.into())],
                    ));
                }
            }),
            on_result: Box::new(move |r| {
                if let Some(s) = answered.upgrade() {
                    s.workshop.answered(r);
                }
            }),
            on_workshop: Box::new(move |view| {
                if let Some(s) = shown.upgrade() {
                    if let tafel_shared::workshop::WorkshopView::Own(own) = &view {
                        crate::identity::confirm(s.connected_as.borrow().as_ref(), &own.me);
                    }
                    s.workshop.receive(view);
                }
            }),
        };
        let conn = Connection::open(url, Rc::clone(&self.sync), handlers);
        *self.conn.borrow_mut() = Some(conn);
        self.layer.open(
            &self.model,
            &self.id,
            &self.token,
            with(Session::remote_changed),
            with(Session::move_flagged_locks),
        );
        let this = self.this.clone();
        *self.keepalive.borrow_mut() = Some(Interval::every(KEEPALIVE_MS, move || {
            if let Some(s) = this.upgrade() {
                s.send_presence();
            }
        }));
    }

    fn status_changed(&self, s: Status) {
        if let Status::Closed(why) = &s {
            // The link is dead (revoked, board deleted): no more editing
            // against a board nobody will see.
            self.peers.set(BTreeMap::new());
            self.role.set(None);
            self.fatal.set(Some(why.clone()));
        }
        if s == Status::Live {
            // Whatever the first sync of both documents brought was fitted
            // already; later syncs never move the view.
            if self.layer.is_live() {
                self.fitted.set(true);
            }
            self.introduce();
        }
        if s == Status::Offline {
            self.peers.set(BTreeMap::new());
        }
        self.status.set(s);
    }

    /// Leaves the board: closes the connection and stops the keepalive.
    pub fn close(&self) {
        if let Some(c) = self.conn.borrow_mut().take() {
            c.close();
        }
        self.keepalive.borrow_mut().take();
        self.layer.close();
    }

    /// Whether this participant may change the board: the role allows edits and
    /// the board is not frozen for it (tracks both).
    pub fn can_edit(&self) -> bool {
        crate::workshop::may_edit(self.role.get(), self.workshop.frozen())
    }

    /// The same, without subscribing.
    pub fn can_edit_now(&self) -> bool {
        crate::workshop::may_edit(self.role.get_untracked(), self.workshop.frozen_now())
    }

    /// Asks the board's room to apply a workshop action (votes, rounds, freeze,
    /// private notes); refusals are shown as notices.
    pub fn act(&self, action: Action) {
        self.workshop.send(self.conn.borrow().as_deref(), action);
    }

    /// Tells the room the name this participant goes by (after connecting and
    /// whenever the name changes), for the roster and named votes.
    pub fn introduce(&self) {
        let name: String = self
            .me
            .with_untracked(|u| u.name.trim().to_owned())
            .chars()
            .take(tafel_shared::workshop::MAX_NAME_CHARS)
            .collect();
        if !name.is_empty() {
            self.act(Action::Introduce { name });
        }
    }

    /// Whether this participant may lock and unlock, without subscribing.
    pub fn can_manage_now(&self) -> bool {
        self.role.get_untracked().is_some_and(|r| r.can_manage())
    }

    /// Whether this participant may change this element now: the role allows
    /// edits and the element is not locked.
    pub fn changeable(&self, e: &Element) -> bool {
        self.can_edit_now() && !e.base.locked
    }

    /// Runs a local edit (if the role allows), sends it and saves it locally.
    pub fn edit<R>(
        &self,
        f: impl FnOnce(&mut yrs::TransactionMut, &yrs::MapRef) -> R,
    ) -> Option<R> {
        if !self.can_edit_now() {
            return None;
        }
        let (r, out) = self.model.edit(f);
        self.ship(out);
        Some(r)
    }

    /// Replaces an element's text with the smallest change.
    pub fn set_text(&self, id: &str, text: &str, caret: Option<usize>) {
        if self.can_edit_now() {
            let out = self.model.set_text(id, text, caret);
            self.ship(out);
        }
    }

    /// Replaces a string field of an element.
    pub fn set_field(&self, id: &str, field: &str, value: &str) {
        if self.can_edit_now() {
            let out = self.model.set_field(id, field, value);
            self.ship(out);
        }
    }

    /// Undoes this participant's last change; whether the role allowed it.
    pub fn undo(&self) -> bool {
        self.history_step(Model::undo)
    }

    /// Redoes what undo took back; whether the role allowed it.
    pub fn redo(&self) -> bool {
        self.history_step(Model::redo)
    }

    fn history_step(&self, step: fn(&Model) -> Vec<Vec<u8>>) -> bool {
        if !self.can_edit_now() {
            return false;
        }
        let out = step(&self.model);
        self.ship(out);
        true
    }

    /// Queues local updates for the server. A drag makes one update per pointer
    /// move; they go out merged, at most every 40 ms, so a long drag stays far
    /// below the server's message rate limit.
    /// Locks elements (into the layer only facilitators write) or unlocks them.
    /// Returns the ids moved; none while the layer is not in sync.
    pub fn set_locked(&self, ids: &[String], lock: bool) -> Vec<String> {
        if !self.can_manage_now() || !self.layer.is_live() {
            return Vec::new();
        }
        let moved = self.model.set_locked(ids, lock);
        self.layer.send(self.model.take_layer_outgoing());
        let out = self.model.refresh();
        self.ship(out);
        self.schedule_save();
        moved
    }

    /// Once both documents are in sync. Boards from before the locked layer kept
    /// a `locked` flag in the content, which any editor could clear: a
    /// facilitator's client moves such elements into the layer.
    fn move_flagged_locks(&self) {
        if !self.sync.borrow().is_synced() {
            return;
        }
        // Both documents are in: from now on, syncs never move the view.
        self.fitted.set(true);
        let flagged = self.model.flagged_locked();
        if !flagged.is_empty() {
            self.set_locked(&flagged, true);
        }
    }

    fn ship(&self, updates: Vec<Vec<u8>>) {
        if updates.is_empty() {
            return;
        }
        let first = {
            let mut queued = self.outbox.borrow_mut();
            let first = queued.is_empty();
            queued.extend(updates);
            first
        };
        if first {
            let this = self.this.clone();
            after(40, move || {
                if let Some(s) = this.upgrade() {
                    s.flush_outbox();
                }
            });
        }
        self.schedule_save();
    }

    fn flush_outbox(&self) {
        let queued = std::mem::take(&mut *self.outbox.borrow_mut());
        if queued.is_empty() {
            return;
        }
        let merged = yrs::merge_updates_v1(queued.iter().map(Vec::as_slice))
            .map(|u| vec![u])
            .unwrap_or(queued);
        if let Some(c) = self.conn.borrow().as_ref() {
            c.send_updates(merged);
        }
    }

    fn remote_changed(&self) {
        let out = self.model.refresh();
        self.ship(out);
        self.schedule_save();
        let first = !self.fitted.get() && !self.model.order.with_untracked(Vec::is_empty);
        if first {
            self.fitted.set(true);
        }
        if let Some(f) = self.on_remote.borrow().as_ref() {
            f(first);
        }
        if first {
            mark_first_render();
        }
    }

    /// Saves the replica to IndexedDB shortly, coalescing bursts of edits (a
    /// drag saves about twice a second, not on every pointer move).
    fn schedule_save(&self) {
        self.local.set(LocalCopy::Saving);
        // Every change invalidates saves already under way.
        self.saves.set(self.saves.get() + 1);
        if self.save_due.replace(true) {
            return;
        }
        let this = self.this.clone();
        after(400, move || {
            let Some(s) = this.upgrade() else {
                return;
            };
            s.save_due.set(false);
            let generation = s.saves.get();
            let state = s
                .model
                .doc()
                .transact()
                .encode_state_as_update_v1(&StateVector::default());
            let (id, local) = (s.id.clone(), s.local);
            let weak = Rc::downgrade(&s);
            leptos::task::spawn_local(async move {
                let result = crate::idb::save(&id, &state).await;
                let current = weak.upgrade().is_some_and(|s| s.saves.get() == generation);
                match result {
                    Ok(()) if current => local.set(LocalCopy::Saved),
                    Ok(()) => {}
                    Err(_) => local.set(LocalCopy::Unavailable),
                }
            });
        });
    }

    /// Where the pointer is on the board, if it is over the canvas.
    pub fn cursor(&self) -> Option<Point> {
        self.cursor.get()
    }

    /// Records the pointer position for presence (sent throttled).
    pub fn set_cursor(&self, at: Option<Point>) {
        self.cursor.set(at);
        self.announce();
    }

    /// Changes what presence tells of view, following, typing and reactions, and
    /// sends it soon (throttled like the cursor); unchanged, nothing is sent.
    pub fn update_presence(&self, f: impl FnOnce(&mut Presence)) {
        let changed = {
            let mut extra = self.extra.borrow_mut();
            let before = extra.clone();
            f(&mut extra);
            *extra != before
        };
        if changed {
            self.announce();
        }
    }

    /// This browser's awareness client id on the content socket (what others
    /// key its presence by).
    pub fn client_id(&self) -> u64 {
        self.model.doc().client_id().get()
    }

    /// Sends presence soon; bursts (pointer moves) go out at most every 50 ms.
    pub fn announce(&self) {
        if self.presence_due.replace(true) {
            return;
        }
        let this = self.this.clone();
        after(50, move || {
            if let Some(s) = this.upgrade() {
                s.presence_due.set(false);
                s.send_presence();
            }
        });
    }

    fn send_presence(&self) {
        let clock = self.presence_clock.get() + 1;
        self.presence_clock.set(clock);
        let state = Presence {
            user: self.me.get_untracked(),
            role: self.role.get_untracked(),
            cursor: self.cursor.get(),
            selection: self.selection.get_untracked(),
            ..self.extra.borrow().clone()
        };
        if let Some(c) = self.conn.borrow().as_ref() {
            c.send_presence(self.model.doc().client_id().get(), clock, state.to_json());
        }
    }

    fn receive_presence(&self, entries: Vec<AwarenessEntry>) {
        let mine = self.model.doc().client_id().get();
        self.peers.update(|peers| {
            for e in entries.into_iter().filter(|e| e.client_id != mine) {
                match Presence::from_json(&e.state) {
                    Some(p) if !e.is_removal() => {
                        peers.insert(e.client_id, p);
                    }
                    _ => {
                        peers.remove(&e.client_id);
                    }
                }
            }
        });
    }
}

impl Drop for Session {
    /// A session nobody holds any more is a page that was left.
    fn drop(&mut self) {
        self.close();
    }
}

/// Marks, on the browser's performance timeline, when the first content arrived
/// and when it was first painted: what the client benchmark reads.
fn mark_first_render() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(p) = window.performance() {
        let _ = p.mark("tafel:first-content");
    }
    // Rendering runs in microtasks after the signals change; the frame after
    // the next animation frame has been painted.
    let painted = Closure::once_into_js(move || {
        let after_paint = Closure::once_into_js(move || {
            if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
                let _ = p.mark("tafel:first-render");
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                after_paint.unchecked_ref(),
                0,
            );
        }
    });
    let _ = window.request_animation_frame(painted.unchecked_ref());
}
