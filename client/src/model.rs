//! The board replica and what the view derives from it.
//!
//! One yrs `Doc` holds the content document, a second the locked layer (elements
//! only facilitators may write; the server enforces it). The view is their union:
//! an id in the layer wins, so nobody can shadow a locked element from the
//! content. Observers note which elements a transaction touched and which updates
//! this participant made; [`Model::refresh`] then updates exactly those elements'
//! signals, so a remote change to one sticky note re-renders that note only. Local
//! edits run in transactions with the [`LOCAL`] origin, which is what the
//! `UndoManager` tracks: undo takes back your own changes and never someone
//! else's. Locking and unlocking move elements between the two documents outside
//! undo (it could not take back the half in the other document).

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
/// Origin of locking and unlocking: sent like an edit, not undone.
const LOCKING: &str = "tafel-locking";

#[derive(Default)]
struct Pending {
    /// Elements touched since the last refresh.
    dirty: HashSet<String>,
    /// Updates made here (edits, undo, redo) not yet sent.
    outgoing: Vec<Vec<u8>>,
    /// Any change at all, for local persistence.
    changed: bool,
    /// Updates made here to the locked layer, not yet sent.
    layer_outgoing: Vec<Vec<u8>>,
}

/// A `Copy` handle on the page's model, for components that only render it.
pub type ModelRef = StoredValue<std::rc::Rc<Model>, LocalStorage>;

/// The replica plus per-element signals.
pub struct Model {
    doc: Doc,
    elements: MapRef,
    layer: Doc,
    layer_elements: MapRef,
    undo: RefCell<UndoManager>,
    /// Runs of undo items that one Ctrl+Z takes back together, as
    /// `(stack length before, stack length after)`: a new note and the text
    /// typed into it.
    joined: RefCell<Vec<(usize, usize)>>,
    /// How many items each redo brings back, with the redo stack's length
    /// when it was recorded, for joined runs that were undone.
    rejoin: RefCell<Vec<(usize, usize)>>,
    pending: Arc<Mutex<Pending>>,
    /// A signal per element that something shows or follows, made when first
    /// asked for ([`Self::view`]): opening a board of 20,000 elements made
    /// one for each, though far out none is shown as a view.
    views: RefCell<HashMap<String, ArcRwSignal<Element>>>,
    cache: RefCell<HashMap<String, Element>>,
    /// Element ids in paint order; changes only when elements come, go or restack.
    pub order: RwSignal<Vec<String>>,
    /// Bumped whenever any element's position or size changes (culling, outline).
    pub layout: RwSignal<u64>,
    /// Bumped whenever any element changes at all (the far-out drawing, which
    /// draws every element from the cache instead of reading its signal).
    pub changes: RwSignal<u64>,
    /// Bumped whenever undo or redo availability may have changed.
    pub history: RwSignal<u64>,
    ids: Cell<u64>,
}

impl Model {
    /// A model over a fresh replica.
    pub fn new() -> Model {
        let doc = Doc::new();
        let elements = schema::elements(&doc);
        let layer = Doc::new();
        let layer_elements = schema::elements(&layer);
        let pending = Arc::new(Mutex::new(Pending::default()));
        for map in [&elements, &layer_elements] {
            let dirty = Arc::clone(&pending);
            map.observe_deep("tafel-view", move |txn, events| {
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
        }
        let layer_out = Arc::clone(&pending);
        let _ = layer.observe_update_v1("tafel-out", move |txn, update| {
            if txn.origin().is_some() {
                let mut p = layer_out.lock().unwrap_or_else(|e| e.into_inner());
                p.layer_outgoing.push(update.update.clone());
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
            layer,
            layer_elements,
            undo: RefCell::new(undo),
            joined: RefCell::new(Vec::new()),
            rejoin: RefCell::new(Vec::new()),
            pending,
            views: RefCell::new(HashMap::new()),
            cache: RefCell::new(HashMap::new()),
            order: RwSignal::new(Vec::new()),
            layout: RwSignal::new(0),
            changes: RwSignal::new(0),
            history: RwSignal::new(0),
            ids: Cell::new(0),
        }
    }

    /// The replica.
    pub fn doc(&self) -> &Doc {
        &self.doc
    }

    /// The locked layer's replica.
    pub fn layer(&self) -> &Doc {
        &self.layer
    }

    /// Updates made here to the locked layer that still need sending.
    pub fn take_layer_outgoing(&self) -> Vec<Vec<u8>> {
        std::mem::take(
            &mut self
                .pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .layer_outgoing,
        )
    }

    /// Moves elements into the locked layer (`lock`) or back into the content.
    /// Returns the ids moved; the caller sends the layer's updates first (so a
    /// moved element is never only in a document nobody has received), then
    /// refreshes and sends the content's.
    pub fn set_locked(&self, ids: &[String], lock: bool) -> Vec<String> {
        let moved = {
            let mut content = self.doc.transact_mut_with(LOCKING);
            let mut layer = self.layer.transact_mut_with(LOCKING);
            let (from, to) = if lock {
                (
                    (&mut content, &self.elements),
                    (&mut layer, &self.layer_elements),
                )
            } else {
                (
                    (&mut layer, &self.layer_elements),
                    (&mut content, &self.elements),
                )
            };
            tafel_shared::edit::move_between(from, to, ids, lock)
        };
        moved
    }

    /// Elements of the content that an older version marked locked (a flag any
    /// editor could clear): a facilitator moves them into the locked layer.
    pub fn flagged_locked(&self) -> Vec<String> {
        let txn = self.doc.transact();
        tafel_shared::element::read_all(&txn, &self.elements)
            .into_iter()
            .filter(|e| e.base.locked)
            .map(|e| e.base.id)
            .collect()
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

    /// How many steps undo could take back now: a mark for
    /// [`Model::join_undo_since`].
    pub fn undo_depth(&self) -> usize {
        self.undo.borrow().undo_stack().len()
    }

    /// Makes every step since `mark` one: the next undo takes them all back.
    pub fn join_undo_since(&self, mark: usize) {
        let mut undo = self.undo.borrow_mut();
        undo.reset();
        let depth = undo.undo_stack().len();
        if depth > mark + 1 {
            let mut joined = self.joined.borrow_mut();
            joined.retain(|(_, end)| *end <= mark);
            joined.push((mark, depth));
        }
    }

    /// Undoes this participant's last change (a joined run at once); returns
    /// the updates to send.
    pub fn undo(&self) -> Vec<Vec<u8>> {
        {
            let mut undo = self.undo.borrow_mut();
            let depth = undo.undo_stack().len();
            let mut joined = self.joined.borrow_mut();
            // Runs above the stack were undone, or merged away.
            joined.retain(|(_, end)| *end <= depth);
            let steps = match joined.last() {
                Some((start, end)) if *end == depth => {
                    let steps = end - start;
                    joined.pop();
                    steps
                }
                _ => 1,
            };
            for _ in 0..steps {
                undo.undo_blocking();
            }
            if steps > 1 {
                let redo_depth = undo.redo_stack().len();
                self.rejoin.borrow_mut().push((redo_depth, steps));
            }
        }
        self.history.update(|h| *h += 1);
        self.refresh()
    }

    /// Redoes what undo took back (a joined run at once); returns the updates
    /// to send.
    pub fn redo(&self) -> Vec<Vec<u8>> {
        {
            let mut undo = self.undo.borrow_mut();
            let redo_depth = undo.redo_stack().len();
            let mut rejoin = self.rejoin.borrow_mut();
            // A new change cleared the redo stack, and with it these runs.
            rejoin.retain(|(at, _)| *at <= redo_depth);
            let steps = match rejoin.last() {
                Some((at, steps)) if *at == redo_depth => {
                    let steps = *steps;
                    rejoin.pop();
                    steps
                }
                _ => 1,
            };
            let before = undo.undo_stack().len();
            for _ in 0..steps {
                undo.redo_blocking();
            }
            if steps > 1 {
                self.joined
                    .borrow_mut()
                    .push((before, undo.undo_stack().len()));
            }
        }
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
        let mut changed = false;
        {
            let txn = self.doc.transact();
            let layer_txn = self.layer.transact();
            let mut cache = self.cache.borrow_mut();
            let mut views = self.views.borrow_mut();
            for id in dirty {
                let locked = Element::read(&layer_txn, &self.layer_elements, &id).map(|mut e| {
                    e.base.locked = true;
                    e
                });
                match locked.or_else(|| Element::read(&txn, &self.elements, &id)) {
                    Some(e) => {
                        let before = cache.get(&id);
                        restack |=
                            before.is_none_or(|b| b.base.z != e.base.z || b.kind() != e.kind());
                        moved |= before.is_none_or(|b| b.base.rect != e.base.rect);
                        if before == Some(&e) {
                            continue;
                        }
                        changed = true;
                        if let Some(signal) = views.get(&id) {
                            signal.set(e.clone());
                        }
                        cache.insert(id, e);
                    }
                    None => {
                        restack |= cache.remove(&id).is_some();
                        views.remove(&id);
                        moved = true;
                        changed = true;
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
        if changed {
            self.changes.update(|n| *n += 1);
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
        if let Some(signal) = self.views.borrow().get(id) {
            return Some(signal.clone());
        }
        let element = self.cache.borrow().get(id)?.clone();
        let signal = ArcRwSignal::new(element);
        self.views
            .borrow_mut()
            .insert(id.to_owned(), signal.clone());
        Some(signal)
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

    /// Whether a map entry is present in either document (not only in the cache).
    pub fn contains(&self, id: &str) -> bool {
        self.elements.get(&self.doc.transact(), id).is_some()
            || self
                .layer_elements
                .get(&self.layer.transact(), id)
                .is_some()
    }

    /// Whether an element lives in the locked layer (so only a facilitator's
    /// unlock changes it).
    pub fn is_in_layer(&self, id: &str) -> bool {
        self.layer_elements
            .get(&self.layer.transact(), id)
            .is_some()
    }
}

impl Default for Model {
    fn default() -> Self {
        Self::new()
    }
}
