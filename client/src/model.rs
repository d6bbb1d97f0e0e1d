//! The board replica and what the view derives from it.
//!
//! One yrs `Doc` holds the content document. Observers note which elements a
//! transaction touched and which updates this participant made; [`Model::refresh`]
//! then updates exactly those elements' signals, so a remote change to one sticky
//! note re-renders that note only. Local edits run in transactions with the
//! [`LOCAL`] origin, which is what the `UndoManager` tracks: undo takes back your
//! own changes and never someone else's.

use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tafel_shared::element::{paint_order, text_ref, Element};
use tafel_shared::geometry::Rect;
use tafel_shared::schema;
use yrs::types::{Event, PathSegment};
use yrs::undo::Options;
use yrs::{
    DeepObservable, Doc, GetString, Map, MapRef, Origin, Text, Transact, TransactionMut,
    UndoManager,
};

/// Origin of this participant's own transactions.
pub const LOCAL: &str = "tafel-local";

#[derive(Default)]
struct Pending {
    /// Elements touched since the last refresh.
    dirty: HashSet<String>,
    /// Updates made here (edits, undo, redo) not yet sent.
    outgoing: Vec<Vec<u8>>,
    /// Any change at all, for local persistence.
    changed: bool,
}

/// A `Copy` handle on the page's model, for components that only render it.
pub type ModelRef = StoredValue<std::rc::Rc<Model>, LocalStorage>;

/// The replica plus per-element signals.
pub struct Model {
    doc: Doc,
    elements: MapRef,
    undo: RefCell<UndoManager>,
    pending: Arc<Mutex<Pending>>,
    views: RefCell<HashMap<String, ArcRwSignal<Element>>>,
    cache: RefCell<HashMap<String, Element>>,
    /// Element ids in paint order; changes only when elements come, go or restack.
    pub order: RwSignal<Vec<String>>,
    /// Bumped whenever any element's position or size changes (culling, outline).
    pub layout: RwSignal<u64>,
    /// Bumped whenever undo or redo availability may have changed.
    pub history: RwSignal<u64>,
    ids: Cell<u64>,
}

impl Model {
    /// A model over a fresh replica.
    pub fn new() -> Model {
        let doc = Doc::new();
        let elements = schema::elements(&doc);
        let pending = Arc::new(Mutex::new(Pending::default()));
        let dirty = Arc::clone(&pending);
        elements.observe_deep("tafel-view", move |txn, events| {
            let mut p = dirty.lock().unwrap_or_else(|e| e.into_inner());
            for event in events.iter() {
                match event.path().front() {
                    Some(PathSegment::Key(id)) => {
                        p.dirty.insert(id.to_string());
                    }
                    _ => {
                        if let Event::Map(m) = event {
                            p.dirty.extend(m.keys(txn).keys().map(|k| k.to_string()));
                        }
                    }
                }
            }
        });
        let out = Arc::clone(&pending);
        let _ = doc.observe_update_v1("tafel-out", move |txn, update| {
            let mut p = out.lock().unwrap_or_else(|e| e.into_inner());
            p.changed = true;
            // Remote updates and stored state are applied without an origin; what
            // carries one was made here and must go to the server.
            if txn.origin().is_some() {
                p.outgoing.push(update.update.clone());
            }
        });
        let mut undo = UndoManager::with_options(Options {
            capture_timeout_millis: 600,
            tracked_origins: HashSet::from([Origin::from(LOCAL)]),
            capture_transaction: None,
            timestamp: Arc::new(|| js_sys::Date::now() as u64),
            init_undo_stack: Vec::new(),
            init_redo_stack: Vec::new(),
        });
        undo.expand_scope(&doc, &elements);
        Model {
            doc,
            elements,
            undo: RefCell::new(undo),
            pending,
            views: RefCell::new(HashMap::new()),
            cache: RefCell::new(HashMap::new()),
            order: RwSignal::new(Vec::new()),
            layout: RwSignal::new(0),
            history: RwSignal::new(0),
            ids: Cell::new(0),
        }
    }

    /// The replica.
    pub fn doc(&self) -> &Doc {
        &self.doc
    }

    /// A new element id, unique across replicas (the replica's random client id
    /// keeps different people apart, the counter one person's ids).
    pub fn new_id(&self) -> String {
        let n = self.ids.get() + 1;
        self.ids.set(n);
        format!("{:x}-{n:x}", self.doc.client_id().get())
    }

    /// Runs a local edit and refreshes the view. Returns the updates to send.
    pub fn edit<R>(&self, f: impl FnOnce(&mut TransactionMut, &MapRef) -> R) -> (R, Vec<Vec<u8>>) {
        let r = {
            let mut txn = self.doc.transact_mut_with(LOCAL);
            f(&mut txn, &self.elements)
        };
        self.history.update(|h| *h += 1);
        (r, self.refresh())
    }

    /// Ends the current undo step, so the next edit is undone on its own.
    pub fn end_undo_step(&self) {
        self.undo.borrow_mut().reset();
    }

    /// Undoes this participant's last change; returns the updates to send.
    pub fn undo(&self) -> Vec<Vec<u8>> {
        self.undo.borrow_mut().undo_blocking();
        self.history.update(|h| *h += 1);
        self.refresh()
    }

    /// Redoes what undo took back; returns the updates to send.
    pub fn redo(&self) -> Vec<Vec<u8>> {
        self.undo.borrow_mut().redo_blocking();
        self.history.update(|h| *h += 1);
        self.refresh()
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        self.history.track();
        self.undo.borrow().can_undo()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        self.history.track();
        self.undo.borrow().can_redo()
    }

    /// Applies what transactions since the last call changed to the signals, and
    /// returns the updates made here that still need sending.
    pub fn refresh(&self) -> Vec<Vec<u8>> {
        let (dirty, outgoing) = {
            let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            (
                std::mem::take(&mut p.dirty),
                std::mem::take(&mut p.outgoing),
            )
        };
        if dirty.is_empty() {
            return outgoing;
        }
        let mut restack = false;
        let mut moved = false;
        {
            let txn = self.doc.transact();
            let mut cache = self.cache.borrow_mut();
            let mut views = self.views.borrow_mut();
            for id in dirty {
                match Element::read(&txn, &self.elements, &id) {
                    Some(e) => {
                        let before = cache.get(&id);
                        restack |=
                            before.is_none_or(|b| b.base.z != e.base.z || b.kind() != e.kind());
                        moved |= before.is_none_or(|b| b.base.rect != e.base.rect);
                        if before == Some(&e) {
                            continue;
                        }
                        match views.get(&id) {
                            Some(signal) => signal.set(e.clone()),
                            None => {
                                views.insert(id.clone(), ArcRwSignal::new(e.clone()));
                            }
                        }
                        cache.insert(id, e);
                    }
                    None => {
                        restack |= cache.remove(&id).is_some();
                        views.remove(&id);
                        moved = true;
                    }
                }
            }
        }
        if restack {
            let cache = self.cache.borrow();
            let mut all: Vec<&Element> = cache.values().collect();
            all.sort_by(|a, b| paint_order(a, b));
            self.order
                .set(all.into_iter().map(|e| e.base.id.clone()).collect());
        }
        if moved {
            self.layout.update(|n| *n += 1);
        }
        outgoing
    }

    /// Whether anything changed since the last call (for local persistence).
    pub fn take_changed(&self) -> bool {
        std::mem::take(
            &mut self
                .pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .changed,
        )
    }

    /// The signal of one element.
    pub fn view(&self, id: &str) -> Option<ArcRwSignal<Element>> {
        self.views.borrow().get(id).cloned()
    }

    /// The current value of one element, without subscribing.
    pub fn get(&self, id: &str) -> Option<Element> {
        self.cache.borrow().get(id).cloned()
    }

    /// Every element, in paint order, without subscribing.
    pub fn all(&self) -> Vec<Element> {
        let cache = self.cache.borrow();
        let mut all: Vec<Element> = cache.values().cloned().collect();
        all.sort_by(paint_order);
        all
    }

    /// Runs `f` over the cached elements without cloning them.
    pub fn with_all<R>(&self, f: impl FnOnce(&HashMap<String, Element>) -> R) -> R {
        f(&self.cache.borrow())
    }

    /// Bounds of everything on the board.
    pub fn bounds(&self) -> Option<Rect> {
        Rect::bounding(
            self.cache
                .borrow()
                .values()
                .filter(|e| !e.is_connector())
                .map(|e| e.base.rect),
        )
    }

    /// The current text of an element.
    pub fn text(&self, id: &str) -> Option<String> {
        let txn = self.doc.transact();
        text_ref(&txn, &self.elements, id).map(|t| t.get_string(&txn))
    }

    /// Turns the element's text into `new` with the smallest edit, so concurrent
    /// typing elsewhere in the same text merges instead of being overwritten.
    pub fn set_text(&self, id: &str, new: &str, caret: Option<usize>) -> Vec<Vec<u8>> {
        let Some(text) = text_ref(&self.doc.transact(), &self.elements, id) else {
            return Vec::new();
        };
        let old = text.get_string(&self.doc.transact());
        let Some(change) = tafel_shared::text::diff(&old, new, caret) else {
            return Vec::new();
        };
        let (_, out) = self.edit(|txn, _| {
            if change.removed > 0 {
                text.remove_range(txn, change.at as u32, change.removed as u32);
            }
            if !change.inserted.is_empty() {
                text.insert(txn, change.at as u32, &change.inserted);
            }
        });
        out
    }

    /// Replaces a string field, through the undo-tracked path.
    pub fn set_field(&self, id: &str, field: &str, value: &str) -> Vec<Vec<u8>> {
        self.edit(|txn, map| tafel_shared::edit::set_str(txn, map, id, field, value))
            .1
    }

    /// Whether a map entry is present in the document (not only in the cache).
    pub fn contains(&self, id: &str) -> bool {
        self.elements.get(&self.doc.transact(), id).is_some()
    }
}

impl Default for Model {
    fn default() -> Self {
        Self::new()
    }
}
