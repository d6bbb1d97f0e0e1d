//! One board page: the [`Board`] state every part of the page shares, and the
//! chrome around the canvas: toolbar, presence strip, zoom controls, and the
//! share, help and outline panels.

use crate::model::Model;
use crate::net::{Connection, Handlers, Status};
use crate::prefs;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use tafel_shared::api::BoardInfo;
use tafel_shared::edit::{self, Clipboard};
use tafel_shared::element::Element;
use tafel_shared::geometry::{zoom_step, Point, Rect, Viewport};
use tafel_shared::presence::{initials, Presence, User};
use tafel_shared::protocol::AwarenessEntry;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::sync::ClientSync;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use yrs::updates::decoder::Decode;
use yrs::{ReadTxn, StateVector, Transact, Update as YrsUpdate};

/// The page's shared state, reachable from every component as a `Copy` handle.
pub type B = StoredValue<Rc<Board>, LocalStorage>;

/// What the pointer does on the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// Select, move, resize.
    Select,
    /// Pan the board.
    Hand,
    /// Place sticky notes.
    Sticky,
    /// Place free text.
    Text,
    /// Draw rectangles.
    Rect,
    /// Draw ellipses.
    Ellipse,
    /// Draw diamonds.
    Diamond,
    /// Connect elements.
    Connector,
    /// Draw freehand.
    Pen,
    /// Draw frames.
    Frame,
}

impl Tool {
    /// Every tool, in toolbar order, with its key and name.
    pub const ALL: [(Tool, &'static str, &'static str); 10] = [
        (Tool::Select, "v", "Select"),
        (Tool::Hand, "h", "Hand (pan)"),
        (Tool::Sticky, "n", "Sticky note"),
        (Tool::Text, "t", "Text"),
        (Tool::Rect, "r", "Rectangle"),
        (Tool::Ellipse, "o", "Ellipse"),
        (Tool::Diamond, "d", "Diamond"),
        (Tool::Connector, "l", "Connector"),
        (Tool::Pen, "p", "Pen"),
        (Tool::Frame, "f", "Frame"),
    ];

    /// Whether the tool changes the board.
    pub fn edits(self) -> bool {
        !matches!(self, Tool::Select | Tool::Hand)
    }

    /// The `data-tool` name.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Select => "select",
            Tool::Hand => "hand",
            Tool::Sticky => "sticky",
            Tool::Text => "text",
            Tool::Rect => "rect",
            Tool::Ellipse => "ellipse",
            Tool::Diamond => "diamond",
            Tool::Connector => "connector",
            Tool::Pen => "pen",
            Tool::Frame => "frame",
        }
    }
}

/// Which side panel is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// None.
    None,
    /// Keyboard shortcuts.
    Help,
    /// Share links.
    Share,
    /// Frames and elements in reading order.
    Outline,
}

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

/// Everything one open board shares between its components.
pub struct Board {
    /// Board id.
    pub id: String,
    /// Share token from the link.
    pub token: String,
    /// The replica and its signals.
    pub model: Model,
    sync: Rc<RefCell<ClientSync>>,
    conn: RefCell<Option<Rc<Connection>>>,
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
    /// What part of the board is on screen.
    pub view: RwSignal<Viewport>,
    /// Size of the canvas in CSS pixels.
    pub screen: RwSignal<(f64, f64)>,
    /// Selected element ids.
    pub selection: RwSignal<Vec<String>>,
    /// The element whose text is being edited.
    pub editing: RwSignal<Option<String>>,
    /// The active tool.
    pub tool: RwSignal<Tool>,
    /// The open panel.
    pub panel: RwSignal<Panel>,
    /// Others on the board, by replica client id.
    pub peers: RwSignal<BTreeMap<u64, Presence>>,
    /// You.
    pub me: RwSignal<User>,
    /// Colour for new sticky notes.
    pub sticky_color: RwSignal<&'static str>,
    /// Colour for lines, text and shape outlines.
    pub ink: RwSignal<&'static str>,
    /// A short message (copied, pasted, failed).
    pub notice: RwSignal<Option<String>>,
    /// Whether the zoom is close enough to draw text (far out, notes are plain
    /// coloured cards, as in Miro: thousands of text blocks cost layout time and
    /// cannot be read anyway).
    pub detailed: Memo<bool>,
    presence_clock: Cell<u64>,
    cursor: Cell<Option<Point>>,
    presence_due: Cell<bool>,
    save_due: Cell<bool>,
    /// Saves started; a finished save marks the copy saved only if it was the last.
    saves: Cell<u64>,
    outbox: RefCell<Vec<Vec<u8>>>,
    fitted: Cell<bool>,
}

/// Below this zoom, notes are drawn without their text.
pub const DETAIL_ZOOM: f64 = 0.3;

/// Runs `f` after `ms` milliseconds.
pub fn after(ms: i32, f: impl FnOnce() + 'static) {
    let cb = Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), ms);
    }
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

fn ws_url(board: &str, token: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().ok()?;
    Some(format!(
        "{scheme}://{host}{}?token={token}",
        DocKind::Content.ws_path(board)
    ))
}

impl Board {
    fn new(id: String, token: String) -> Board {
        let model = Model::new();
        let sync = Rc::new(RefCell::new(ClientSync::new(model.doc().clone())));
        let view = RwSignal::new(Viewport {
            origin: Point::new(-48.0, -48.0),
            zoom: 1.0,
        });
        Board {
            id,
            token,
            model,
            sync,
            conn: RefCell::new(None),
            info: RwSignal::new(None),
            role: RwSignal::new(None),
            fatal: RwSignal::new(None),
            status: RwSignal::new(Status::Connecting),
            local: RwSignal::new(LocalCopy::Idle),
            view,
            detailed: Memo::new(move |_| view.get().zoom >= DETAIL_ZOOM),
            screen: RwSignal::new((1280.0, 720.0)),
            selection: RwSignal::new(Vec::new()),
            editing: RwSignal::new(None),
            tool: RwSignal::new(Tool::Select),
            panel: RwSignal::new(Panel::None),
            peers: RwSignal::new(BTreeMap::new()),
            me: RwSignal::new(prefs::profile_or_guest()),
            sticky_color: RwSignal::new(tafel_shared::schema::STICKY_COLORS[0].1),
            ink: RwSignal::new(tafel_shared::schema::INK_COLORS[0].1),
            notice: RwSignal::new(None),
            presence_clock: Cell::new(0),
            cursor: Cell::new(None),
            presence_due: Cell::new(false),
            save_due: Cell::new(false),
            saves: Cell::new(0),
            outbox: RefCell::new(Vec::new()),
            fitted: Cell::new(false),
        }
    }

    /// Whether this participant may change the board (tracks the role).
    pub fn can_edit(&self) -> bool {
        self.role
            .get()
            .is_some_and(|r| r.can_write(DocKind::Content))
    }

    /// The same, without subscribing.
    pub fn can_edit_now(&self) -> bool {
        self.role
            .get_untracked()
            .is_some_and(|r| r.can_write(DocKind::Content))
    }

    /// Queues local updates for the server. A drag makes one update per pointer
    /// move; they go out merged, at most every 40 ms, so a long drag stays far
    /// below the server's message rate limit.
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
            let this = BOARD.with(|b| b.borrow().clone());
            after(40, move || {
                if let Some(b) = this.and_then(|w| w.upgrade()) {
                    b.flush_outbox();
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

    /// Whether this participant may change this element now: the role allows
    /// edits and the element is not locked.
    pub fn changeable(&self, e: &Element) -> bool {
        self.can_edit_now() && !e.locked
    }

    /// Locks the selection, or unlocks it if all of it is locked (facilitators).
    pub fn toggle_lock(&self) {
        if !self.role.get_untracked().is_some_and(|r| r.can_manage()) {
            return;
        }
        let ids = self.selection.get_untracked();
        if ids.is_empty() {
            return;
        }
        let lock = !ids
            .iter()
            .all(|id| self.model.get(id).is_some_and(|e| e.locked));
        self.model.end_undo_step();
        self.edit(|txn, map| edit::set_locked(txn, map, &ids, lock));
        self.model.end_undo_step();
        self.notify(if lock { "Locked" } else { "Unlocked" });
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

    /// Undoes your last change.
    pub fn undo(&self) {
        if self.can_edit_now() {
            let out = self.model.undo();
            self.ship(out);
            self.prune_selection();
        }
    }

    /// Redoes what undo took back.
    pub fn redo(&self) {
        if self.can_edit_now() {
            let out = self.model.redo();
            self.ship(out);
            self.prune_selection();
        }
    }

    fn remote_changed(&self) {
        let out = self.model.refresh();
        self.ship(out);
        self.schedule_save();
        self.prune_selection();
        if !self.fitted.get() && !self.model.order.with_untracked(Vec::is_empty) {
            self.fitted.set(true);
            self.zoom_to_fit();
            mark_first_render();
        }
    }

    fn prune_selection(&self) {
        let gone = self
            .selection
            .with_untracked(|s| s.iter().any(|id| self.model.get(id).is_none()));
        if gone {
            self.selection
                .update(|s| s.retain(|id| self.model.get(id).is_some()));
        }
        if self
            .editing
            .with_untracked(|e| e.as_ref().is_some_and(|id| self.model.get(id).is_none()))
        {
            self.editing.set(None);
        }
    }

    /// Saves the replica to IndexedDB shortly, coalescing bursts of edits (a
    /// drag saves about twice a second, not on every pointer move).
    pub fn schedule_save(&self) {
        self.local.set(LocalCopy::Saving);
        // Every change invalidates saves already under way.
        self.saves.set(self.saves.get() + 1);
        if self.save_due.replace(true) {
            return;
        }
        let this = BOARD.with(|b| b.borrow().clone());
        after(400, move || {
            let Some(b) = this.and_then(|w| w.upgrade()) else {
                return;
            };
            b.save_due.set(false);
            let generation = b.saves.get();
            let state = b
                .model
                .doc()
                .transact()
                .encode_state_as_update_v1(&StateVector::default());
            let (id, local) = (b.id.clone(), b.local);
            let weak = Rc::downgrade(&b);
            leptos::task::spawn_local(async move {
                let result = crate::idb::save(&id, &state).await;
                let current = weak.upgrade().is_some_and(|b| b.saves.get() == generation);
                match result {
                    Ok(()) if current => local.set(LocalCopy::Saved),
                    Ok(()) => {}
                    Err(_) => local.set(LocalCopy::Unavailable),
                }
            });
        });
    }

    /// Records the pointer position for presence (sent throttled).
    pub fn set_cursor(&self, at: Option<Point>) {
        self.cursor.set(at);
        self.announce();
    }

    /// Sends presence soon; bursts (pointer moves) go out at most every 50 ms.
    pub fn announce(&self) {
        if self.presence_due.replace(true) {
            return;
        }
        let this = BOARD.with(|b| b.borrow().clone());
        after(50, move || {
            if let Some(b) = this.and_then(|w| w.upgrade()) {
                b.presence_due.set(false);
                b.send_presence();
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

    /// Canvas-relative screen point → board point.
    pub fn to_world(&self, screen: Point) -> Point {
        self.view.get_untracked().to_world(screen)
    }

    /// Shows all of the board.
    pub fn zoom_to_fit(&self) {
        let (w, h) = self.screen.get_untracked();
        match self.model.bounds() {
            Some(b) => {
                // A sparse board opens at 100 %, not blown up.
                let v = Viewport::fit(&b, w, h, 48.0);
                let v = if v.zoom > 1.0 {
                    v.zoom_at(Point::new(w / 2.0, h / 2.0), 1.0 / v.zoom)
                } else {
                    v
                };
                self.view.set(v);
            }
            None => self.view.set(Viewport::default().pan_by(48.0, 48.0)),
        }
    }

    /// Shows the selected elements.
    pub fn zoom_to_selection(&self) {
        let (w, h) = self.screen.get_untracked();
        let rects = self
            .selection
            .get_untracked()
            .iter()
            .filter_map(|id| self.model.get(id))
            .map(|e| e.rect)
            .collect::<Vec<_>>();
        if let Some(b) = Rect::bounding(rects) {
            self.view.set(Viewport::fit(&b, w, h, 96.0));
        }
    }

    /// Zooms one step in or out around the centre of the screen.
    pub fn zoom_step(&self, up: bool) {
        let (w, h) = self.screen.get_untracked();
        self.view.update(|v| {
            let target = zoom_step(v.zoom, up);
            *v = v.zoom_at(Point::new(w / 2.0, h / 2.0), target / v.zoom);
        });
    }

    /// The world point at the centre of the screen.
    pub fn screen_center(&self) -> Point {
        let (w, h) = self.screen.get_untracked();
        self.to_world(Point::new(w / 2.0, h / 2.0))
    }

    /// Selects `ids` (and tells the others).
    pub fn select(&self, ids: Vec<String>) {
        if self.selection.get_untracked() != ids {
            self.selection.set(ids);
            self.announce();
        }
    }

    /// Deletes the selection.
    pub fn delete_selection(&self) {
        let ids = self.selection.get_untracked();
        if ids.is_empty() {
            return;
        }
        let all = self.model.all();
        self.model.end_undo_step();
        self.edit(|txn, map| edit::delete(txn, map, &all, &ids));
        self.model.end_undo_step();
        self.select(Vec::new());
    }

    /// Copies the selection as clipboard text.
    pub fn copy_selection(&self) -> Option<String> {
        let ids = self.selection.get_untracked();
        (!ids.is_empty()).then(|| Clipboard::copy(&self.model.all(), &ids).to_json())
    }

    /// Pastes clipboard text: Tafel elements keep their layout, centred on the
    /// screen (or shifted if pasted onto themselves); other text becomes a note.
    pub fn paste_text(&self, text: &str) {
        if !self.can_edit_now() || text.trim().is_empty() {
            return;
        }
        let clip = Clipboard::from_json(text).unwrap_or_else(|| plain_text_clip(text));
        let Some(bounds) = clip.bounds() else { return };
        // Where the pointer is, as in Miro; else the middle of the screen.
        let center = self.cursor.get().unwrap_or_else(|| self.screen_center());
        let mut offset = Point::new(center.x - bounds.center().x, center.y - bounds.center().y);
        if offset.x.abs() < 1.0 && offset.y.abs() < 1.0 {
            offset = Point::new(24.0, 24.0);
        }
        self.paste_clip(&clip, offset);
    }

    fn paste_clip(&self, clip: &Clipboard, offset: Point) {
        let all = self.model.all();
        let author = self.me.get_untracked().name;
        self.model.end_undo_step();
        let ids = self.edit(|txn, map| {
            clip.paste(
                txn,
                map,
                &all,
                offset,
                &mut || self.model.new_id(),
                &author,
                now_ms(),
            )
        });
        if let Some(ids) = ids {
            let all = self.model.all();
            self.edit(|txn, map| edit::reparent(txn, map, &all, &ids));
            self.model.end_undo_step();
            self.select(ids);
        }
    }

    /// Duplicates the selection next to itself.
    pub fn duplicate_selection(&self) {
        let ids = self.selection.get_untracked();
        if ids.is_empty() {
            return;
        }
        let clip = Clipboard::copy(&self.model.all(), &ids);
        self.paste_clip(&clip, Point::new(24.0, 24.0));
    }

    /// Moves the selection by a board-space step (arrow keys).
    pub fn nudge(&self, dx: f64, dy: f64) {
        let ids = self.selection.get_untracked();
        if ids.is_empty() {
            return;
        }
        let all = self.model.all();
        let origins = edit::drag_set(&all, &ids);
        self.edit(|txn, map| edit::apply_move(txn, map, &origins, Point::new(dx, dy)));
        let all = self.model.all();
        self.edit(|txn, map| edit::reparent(txn, map, &all, &ids));
    }

    /// Brings the selection to the front or sends it to the back.
    pub fn restack(&self, to_front: bool) {
        let mut ids = self.selection.get_untracked();
        ids.retain(|id| self.model.get(id).is_some_and(|e| !e.locked));
        if ids.is_empty() {
            return;
        }
        let all = self.model.all();
        self.model.end_undo_step();
        self.edit(|txn, map| edit::restack(txn, map, &all, &ids, to_front));
        self.model.end_undo_step();
    }

    /// Selects everything.
    pub fn select_all(&self) {
        self.select(self.model.order.get_untracked());
    }

    /// Shows a short message for a few seconds.
    pub fn notify(&self, text: &str) {
        self.notice.set(Some(text.to_owned()));
        let notice = self.notice;
        let text = text.to_owned();
        after(2500, move || {
            if notice.get_untracked().as_deref() == Some(text.as_str()) {
                notice.set(None);
            }
        });
    }
}

fn plain_text_clip(text: &str) -> Clipboard {
    let note = edit::ClipElement {
        id: "pasted".into(),
        kind: "sticky".into(),
        x: 0.0,
        y: 0.0,
        w: 200.0,
        h: 200.0,
        parent: String::new(),
        text: text.chars().take(2000).collect(),
        title: String::new(),
        color: tafel_shared::schema::STICKY_COLORS[0].1.into(),
        shape: String::new(),
        fill: String::new(),
        stroke: String::new(),
        from: String::new(),
        to: String::new(),
        points: Vec::new(),
    };
    Clipboard {
        format: edit::CLIPBOARD_MARKER.into(),
        elements: vec![note],
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

thread_local! {
    /// The open board, for timers that must not keep it alive.
    static BOARD: RefCell<Option<std::rc::Weak<Board>>> = const { RefCell::new(None) };
}

/// The board page.
#[component]
pub fn BoardPage(
    /// The board id.
    id: String,
    /// The share token from the link.
    token: String,
) -> impl IntoView {
    let board = Rc::new(Board::new(id.clone(), token.clone()));
    BOARD.with(|b| *b.borrow_mut() = Some(Rc::downgrade(&board)));
    let b: B = StoredValue::new_local(Rc::clone(&board));

    // The local copy first, so the board shows at once (also offline), then the
    // server; the handshake then carries whatever was edited offline.
    // A browser whose IndexedDB never answers still gets the board from the server.
    let connected = Rc::new(Cell::new(false));
    {
        let connected = Rc::clone(&connected);
        after(1500, move || {
            if !connected.replace(true) {
                b.with_value(|board| connect(board, b));
            }
        });
    }
    leptos::task::spawn_local(async move {
        let (id, doc) = b.with_value(|b| (b.id.clone(), b.model.doc().clone()));
        match crate::idb::load(&id).await {
            Ok(Some(state)) => {
                if let Ok(update) = YrsUpdate::decode_v1(&state) {
                    let _ = doc.transact_mut().apply_update(update);
                }
                b.with_value(|b| {
                    b.remote_changed();
                    b.local.set(LocalCopy::Saved);
                    if connected.get() {
                        // Loaded after the handshake: send what the server may lack.
                        if let Some(c) = b.conn.borrow().as_ref() {
                            c.send_updates(vec![state]);
                        }
                    }
                });
            }
            Ok(None) => {}
            Err(_) => b.with_value(|b| b.local.set(LocalCopy::Unavailable)),
        }
        if !connected.replace(true) {
            b.with_value(|board| connect(board, b));
        }
    });

    {
        let (id, token) = (id.clone(), token.clone());
        leptos::task::spawn_local(async move {
            let remembered = prefs::recent().into_iter().find(|r| r.id == id);
            match crate::api::board_info(&id, &token).await {
                Ok(i) => {
                    b.with_value(|b| b.role.set(Some(i.role)));
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
                    b.with_value(|b| {
                        b.info.set(Some(i));
                        b.announce();
                    });
                }
                Err(e) if crate::api::is_network_error(&e) && remembered.is_some() => {
                    // Offline: work from what this browser remembers.
                    if let Some(r) = remembered {
                        b.with_value(|b| b.role.set(Some(r.role)));
                    }
                }
                Err(e) => b.with_value(|b| b.fatal.set(Some(crate::api::describe(&e)))),
            }
        });
    }
    on_cleanup(move || {
        b.with_value(|b| {
            if let Some(c) = b.conn.borrow().as_ref() {
                c.close();
            }
        });
    });

    // People arriving from a link have not been asked who they are yet.
    let needs_name = RwSignal::new(prefs::profile().is_none());
    view! {
        <div class="board" data-local=move || b.with_value(|b| match b.local.get() {
            LocalCopy::Idle => "idle",
            LocalCopy::Saving => "saving",
            LocalCopy::Saved => "saved",
            LocalCopy::Unavailable => "unavailable",
        })>
            <Toolbar b/>
            <Show when=move || needs_name.get() && b.with_value(|b| b.fatal.with(Option::is_none))>
                <div class="name-prompt" role="dialog" aria-label="Your name">
                    <crate::home::Profile
                        on_saved=Callback::new(move |user: User| {
                            needs_name.set(false);
                            b.with_value(|b| {
                                b.me.set(user);
                                b.announce();
                            });
                        })
                        on_skip=Callback::new(move |()| needs_name.set(false))
                    />
                </div>
            </Show>
            {move || b.with_value(|b| b.fatal.get()).map(|e| view! {
                <div class="fatal" role="alert">
                    <h2>"This board cannot be opened"</h2>
                    <p>{e}</p>
                    <a class="button" href="/">"Go to the start page"</a>
                </div>
            })}
            <crate::canvas::Canvas b/>
            <ZoomControls b/>
            {move || b.with_value(|b| b.can_edit()).then(|| view! {
                <div class="stylebar" role="toolbar" aria-label="Colours">
                    <crate::canvas::ColorPicker b/>
                </div>
            })}
            <Panels b/>
            {move || b.with_value(|b| b.notice.get()).map(|n| view! { <div class="notice" role="status">{n}</div> })}
        </div>
    }
}

fn connect(board: &Board, b: B) {
    let Some(url) = ws_url(&board.id, &board.token) else {
        return;
    };
    let handlers = Handlers {
        on_change: Box::new(move || b.with_value(|b| b.remote_changed())),
        on_status: Box::new(move |s| {
            b.with_value(|b| {
                if let Status::Closed(why) = &s {
                    // The link is dead (revoked, board deleted): no more editing
                    // against a board nobody will see.
                    b.peers.set(BTreeMap::new());
                    b.role.set(None);
                    b.fatal.set(Some(why.clone()));
                }
                if s == Status::Live {
                    // Whatever the first sync brought was fitted already; later
                    // syncs never move the view.
                    b.fitted.set(true);
                }
                if s == Status::Offline {
                    b.peers.set(BTreeMap::new());
                }
                b.status.set(s);
            })
        }),
        on_awareness: Box::new(move |entries| b.with_value(|b| b.receive_presence(entries))),
        on_open: Box::new(move || b.with_value(|b| b.send_presence())),
        on_denied: Box::new(move |reason| {
            b.with_value(|b| {
                // The role this browser remembered is out of date: stop offering
                // edits the server will not keep.
                b.role.set(Some(Role::Viewer));
                b.notify(&format!("The server did not accept a change: {reason}"));
            })
        }),
    };
    let conn = Connection::open(url, Rc::clone(&board.sync), handlers);
    *board.conn.borrow_mut() = Some(conn);
    // Keeps presence alive on servers and peers that expire silent clients.
    let keepalive = Closure::<dyn FnMut()>::new(move || b.with_value(|b| b.send_presence()));
    if let Some(w) = web_sys::window() {
        let _ = w.set_interval_with_callback_and_timeout_and_arguments_0(
            keepalive.as_ref().unchecked_ref(),
            15_000,
        );
    }
    keepalive.forget();
}

#[component]
fn Toolbar(b: B) -> impl IntoView {
    let title = move || {
        b.with_value(|b| {
            b.info
                .with(|i| i.as_ref().map(|i| i.title.clone()).unwrap_or_default())
        })
    };
    let role = move || b.with_value(|b| b.role.get().map(|r| r.to_string()).unwrap_or_default());
    let can_edit = move || b.with_value(|b| b.can_edit());
    let is_facilitator = move || b.with_value(|b| b.role.get() == Some(Role::Facilitator));
    let status = move || b.with_value(|b| (b.status.get(), b.local.get()));
    let status_text = move || match status() {
        (Status::Connecting, _) => "Connecting…".to_owned(),
        (Status::Live, _) => "Live".to_owned(),
        (Status::Offline, LocalCopy::Unavailable) => "Offline — reconnecting…".to_owned(),
        (Status::Offline, _) => "Offline — changes are kept on this device".to_owned(),
        (Status::Closed(why), _) => why,
    };
    let status_class = move || match status().0 {
        Status::Connecting => "status connecting",
        Status::Live => "status live",
        Status::Offline => "status offline",
        Status::Closed(_) => "status closed",
    };
    let tools = move || {
        let open = b.with_value(|b| b.fatal.with(Option::is_none));
        Tool::ALL
            .into_iter()
            .filter(move |_| open)
            .filter(|(t, _, _)| !t.edits() || can_edit())
            .map(|(t, key, name)| {
                let active = move || b.with_value(|b| b.tool.get() == t);
                view! {
                    <button class="tool" class:active=active data-tool=t.name()
                        title=format!("{name} ({})", key.to_uppercase()) aria-label=name aria-pressed=move || active().to_string()
                        on:click=move |_| b.with_value(|b| b.tool.set(t))>
                        {crate::icons::tool(t)}
                    </button>
                }
            })
            .collect_view()
    };
    let renaming = RwSignal::new(false);
    let draft_title = RwSignal::new(String::new());
    let rename = move || {
        if !renaming.get_untracked() {
            return;
        }
        renaming.set(false);
        let new_title = draft_title.get_untracked().trim().to_owned();
        if new_title.is_empty() || new_title == title() {
            return;
        }
        let (id, token) = b.with_value(|b| (b.id.clone(), b.token.clone()));
        leptos::task::spawn_local(async move {
            match crate::api::rename_board(&id, &token, &new_title).await {
                Ok(info) => b.with_value(|b| b.info.set(Some(info))),
                Err(e) => b.with_value(|b| b.notify(&crate::api::describe(&e))),
            }
        });
    };
    let undo_redo = move || {
        can_edit().then(|| {
            view! {
                <span class="group">
                    <button class="tool" data-action="undo" title="Undo (Ctrl+Z)" aria-label="Undo"
                        disabled=move || b.with_value(|b| !b.model.can_undo())
                        on:click=move |_| b.with_value(|b| b.undo())>{crate::icons::undo()}</button>
                    <button class="tool" data-action="redo" title="Redo (Ctrl+Shift+Z)" aria-label="Redo"
                        disabled=move || b.with_value(|b| !b.model.can_redo())
                        on:click=move |_| b.with_value(|b| b.redo())>{crate::icons::redo()}</button>
                </span>
            }
        })
    };
    view! {
        <header class="toolbar" role="toolbar" aria-label="Board tools">
            <a class="home-link" href="/" title="All boards">"Tafel"</a>
            {move || if is_facilitator() && renaming.get() {
                view! {
                    <form class="rename" on:submit=move |e| { e.prevent_default(); rename(); }>
                        <input class="title-input" aria-label="Board title" maxlength="120" autofocus
                            prop:value=move || draft_title.get()
                            on:input=move |e| draft_title.set(event_target_value(&e))
                            on:keydown=move |e: web_sys::KeyboardEvent| if e.key() == "Escape" { renaming.set(false) }
                            on:blur=move |_| rename()/>
                    </form>
                }.into_any()
            } else if is_facilitator() {
                view! {
                    <h1 class="board-title">
                        <button class="title-button" title="Rename this board"
                            on:click=move |_| { draft_title.set(title()); renaming.set(true); }>{title}</button>
                    </h1>
                }.into_any()
            } else {
                view! { <h1 class="board-title">{title}</h1> }.into_any()
            }}
            <span class="group tools">{tools}</span>
            {undo_redo}
            <span class="spacer"></span>
            <Presence b/>
            <span class="role" data-role=role>{role}</span>
            <span class=status_class role="status" aria-live="polite">{status_text}</span>
            <button class="tool" data-action="outline" title="Outline (Shift+O)" aria-label="Outline"
                on:click=move |_| b.with_value(|b| b.panel.update(|p| *p = if *p == Panel::Outline { Panel::None } else { Panel::Outline }))>
                {crate::icons::outline()}
            </button>
            <button class="tool" data-action="help" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts"
                on:click=move |_| b.with_value(|b| b.panel.update(|p| *p = if *p == Panel::Help { Panel::None } else { Panel::Help }))>
                "?"
            </button>
            <Show when=is_facilitator>
                <button class="share" data-action="share"
                    on:click=move |_| b.with_value(|b| b.panel.set(Panel::Share))>"Share"</button>
            </Show>
        </header>
    }
}

#[component]
fn Presence(b: B) -> impl IntoView {
    let me = move || b.with_value(|b| b.me.get());
    let peers = move || b.with_value(|b| b.peers.get());
    view! {
        <ul class="presence" aria-label="People on this board">
            {move || {
                let m = me();
                view! {
                    <li class="avatar me" style:background=m.color.clone() title=format!("{} (you)", m.name)>
                        {initials(&m.name)}
                    </li>
                }
            }}
            {move || peers()
                .into_values()
                .map(|p| {
                    let role = p.role.map(|r| r.to_string()).unwrap_or_default();
                    view! {
                        <li class="avatar" style:background=p.user.color.clone() title=format!("{} · {role}", p.user.name)
                            data-name=p.user.name.clone()>
                            {initials(&p.user.name)}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn ZoomControls(b: B) -> impl IntoView {
    let percent = move || b.with_value(|b| format!("{:.0}%", b.view.get().zoom * 100.0));
    view! {
        <div class="zoom" role="group" aria-label="Zoom">
            <button data-action="zoom-out" title="Zoom out (−)" aria-label="Zoom out" on:click=move |_| b.with_value(|b| b.zoom_step(false))>"−"</button>
            <button class="percent" data-action="zoom-reset" title="Zoom to 100%" aria-label="Zoom to 100 percent"
                on:click=move |_| b.with_value(|b| {
                    let (w, h) = b.screen.get_untracked();
                    b.view.update(|v| *v = v.zoom_at(Point::new(w / 2.0, h / 2.0), 1.0 / v.zoom));
                })>{percent}</button>
            <button data-action="zoom-in" title="Zoom in (+)" aria-label="Zoom in" on:click=move |_| b.with_value(|b| b.zoom_step(true))>"+"</button>
            <button data-action="zoom-fit" title="Zoom to fit (Shift+1)" aria-label="Zoom to fit" on:click=move |_| b.with_value(|b| b.zoom_to_fit())>
                {crate::icons::fit()}
            </button>
        </div>
    }
}

#[component]
fn Panels(b: B) -> impl IntoView {
    move || match b.with_value(|b| b.panel.get()) {
        Panel::None => ().into_any(),
        Panel::Help => view! { <Help b/> }.into_any(),
        Panel::Share => view! { <Share b/> }.into_any(),
        Panel::Outline => view! { <Outline b/> }.into_any(),
    }
}

/// Every keyboard shortcut, as (keys, what it does).
pub const SHORTCUTS: [(&str, &str); 28] = [
    ("V", "Select"),
    ("H", "Hand: drag to pan (or hold Space)"),
    ("N", "Sticky note"),
    ("T", "Text"),
    ("R / O / D", "Rectangle / ellipse / diamond"),
    (
        "L",
        "Connector: drag from one element to another; with two selected, connects them",
    ),
    ("P", "Pen"),
    ("F", "Frame"),
    (
        "Enter",
        "Edit the selected element's text; with a tool, place it mid-screen",
    ),
    ("Escape", "Stop editing, clear the selection"),
    ("Tab", "Focus the next element"),
    (
        "Arrow keys",
        "Nudge the selection (Shift: 10×); pan when nothing is selected",
    ),
    ("Delete", "Delete the selection"),
    ("Ctrl+A", "Select all"),
    ("Ctrl+C / X / V", "Copy / cut / paste (also between boards)"),
    ("Ctrl+D", "Duplicate"),
    ("Ctrl+Z", "Undo your last change"),
    ("Ctrl+Shift+Z / Ctrl+Y", "Redo"),
    ("] / Page Up", "Bring to front"),
    ("[ / Page Down", "Send to back"),
    ("+ / −", "Zoom in / out"),
    ("Ctrl+wheel / pinch", "Zoom at the pointer"),
    ("Wheel / two fingers", "Pan"),
    ("Shift+1", "Zoom to fit"),
    ("Shift+2", "Zoom to selection"),
    ("Shift+O", "Outline of frames and elements"),
    (
        "Ctrl+Shift+L",
        "Lock or unlock the selection (facilitators)",
    ),
    ("?", "This help"),
];

#[component]
fn Help(b: B) -> impl IntoView {
    view! {
        <aside class="panel help" role="dialog" aria-label="Keyboard shortcuts">
            <header>
                <h2>"Keyboard shortcuts"</h2>
                <button class="close" aria-label="Close" on:click=move |_| b.with_value(|b| b.panel.set(Panel::None))>"×"</button>
            </header>
            <dl>
                {SHORTCUTS.into_iter().map(|(k, v)| view! { <dt><kbd>{k}</kbd></dt><dd>{v}</dd> }).collect_view()}
            </dl>
        </aside>
    }
}

#[component]
fn Share(b: B) -> impl IntoView {
    let known = RwSignal::new(b.with_value(|b| prefs::links(&b.id)));
    let busy = RwSignal::new(None::<Role>);
    // The server's current links (any facilitator, any device), remembered here too.
    {
        let (id, token) = b.with_value(|b| (b.id.clone(), b.token.clone()));
        leptos::task::spawn_local(async move {
            if let Ok(current) = crate::api::board_links(&id, &token).await {
                for (role, link) in &current.links {
                    prefs::set_link(&id, *role, link);
                }
                known.set(prefs::links(&id));
            }
        });
    }
    let rotate = move |role: Role| {
        let known_now = known.with_untracked(|k| k.contains_key(&role));
        let question = format!(
            "Replace the {role} link? Everyone using the current one is disconnected and needs the new link."
        );
        if known_now
            && !web_sys::window()
                .and_then(|w| w.confirm_with_message(&question).ok())
                .unwrap_or(false)
        {
            return;
        }
        busy.set(Some(role));
        let (id, token) = b.with_value(|b| (b.id.clone(), b.token.clone()));
        leptos::task::spawn_local(async move {
            match crate::api::rotate_link(&id, &token, role).await {
                Ok(r) => {
                    prefs::set_link(&id, role, &r.link);
                    known.set(prefs::links(&id));
                    b.with_value(|b| {
                        b.notify(&format!(
                            "New {role} link created; the old one no longer works."
                        ))
                    });
                    if role == Role::Facilitator {
                        // This page's own link was just replaced.
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().set_hash(&format!("token={}", r.token));
                            let _ = w.location().reload();
                        }
                    }
                }
                Err(e) => b.with_value(|b| b.notify(&crate::api::describe(&e))),
            }
            busy.set(None);
        });
    };
    let rows = move || {
        [Role::Editor, Role::Commenter, Role::Viewer, Role::Facilitator]
            .into_iter()
            .map(|role| {
                let link = move || known.with(|k| k.get(&role).map(|l| prefs::absolute_link(l)));
                let copy = move |_| {
                    if let Some(l) = link() {
                        crate::clipboard::write_text(&l);
                        b.with_value(|b| b.notify("Link copied"));
                    }
                };
                let what = match role {
                    Role::Facilitator => "Facilitators run the board: share, rename, everything",
                    Role::Editor => "Editors add and change everything on the board",
                    Role::Commenter => "Commenters see everything but cannot draw",
                    Role::Viewer => "Viewers only look",
                };
                view! {
                    <li class="share-row" data-role=role.as_str()>
                        <h3>{capitalised(role.as_str())}</h3>
                        <p class="muted">{what}</p>
                        {move || match link() {
                            Some(l) => view! {
                                <div class="link-row">
                                    <input readonly class="link" aria-label=format!("{role} link") prop:value=l.clone()/>
                                    <button data-action="copy" on:click=copy>"Copy"</button>
                                    <button data-action="rotate" class="danger" title="Make a new link; the old one stops working"
                                        disabled=move || busy.get().is_some() on:click=move |_| rotate(role)>"Revoke & renew"</button>
                                </div>
                            }.into_any(),
                            None => view! {
                                <div class="link-row">
                                    <span class="muted">"This board is older than kept links: make a new one to share it."</span>
                                    <button data-action="rotate" disabled=move || busy.get().is_some()
                                        on:click=move |_| rotate(role)>"Create a new link"</button>
                                </div>
                            }.into_any(),
                        }}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <aside class="panel share-dialog" role="dialog" aria-label="Share this board">
            <header>
                <h2>"Share this board"</h2>
                <button class="close" aria-label="Close" on:click=move |_| b.with_value(|b| b.panel.set(Panel::None))>"×"</button>
            </header>
            <p class="muted">"Anyone with a link can open the board with that role, no account needed. Revoking a link disconnects everyone using it."</p>
            <ul class="share-list">{rows}</ul>
        </aside>
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[component]
fn Outline(b: B) -> impl IntoView {
    let groups = move || {
        b.with_value(|b| {
            b.model.layout.track();
            b.model.order.track();
            b.model.history.track();
            tafel_shared::element::reading_order(&b.model.all())
        })
    };
    let go = move |id: String| {
        b.with_value(|b| {
            b.select(vec![id.clone()]);
            b.zoom_to_selection();
        });
    };
    view! {
        <aside class="panel outline" role="dialog" aria-label="Outline">
            <header>
                <h2>"Outline"</h2>
                <button class="close" aria-label="Close" on:click=move |_| b.with_value(|b| b.panel.set(Panel::None))>"×"</button>
            </header>
            {move || {
                let groups = groups();
                if groups.is_empty() {
                    return view! { <p class="muted">"The board is empty."</p> }.into_any();
                }
                view! {
                    <ol class="outline-list">
                        {groups.into_iter().map(|(frame, kids)| {
                            let heading = match &frame {
                                Some(f) => {
                                    let id = f.id.clone();
                                    view! { <button class="outline-frame" on:click=move |_| go(id.clone())>{f.label()}</button> }.into_any()
                                }
                                None => view! { <span class="outline-frame muted">"Outside frames"</span> }.into_any(),
                            };
                            view! {
                                <li>
                                    {heading}
                                    <ol>
                                        {kids.into_iter().map(|e| {
                                            let id = e.id.clone();
                                            view! { <li><button class="outline-item" on:click=move |_| go(id.clone())>{e.label()}</button></li> }
                                        }).collect_view()}
                                    </ol>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </aside>
    }
}
