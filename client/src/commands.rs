//! Every user action as a named function: what pointer gestures, the keymap,
//! the toolbar and panels call, each checking the role itself, so a command
//! means the same from every entry point.
//!
//! [`Commands`] is a `Copy` handle over the page [`State`] and the [`Session`];
//! a component that changes the board takes it, one that only shows something
//! takes the signal it reads.

use crate::i18n::{t, t_with};
use crate::session::Session;
use crate::state::{Camera, Panel, Selection, State, Tool};
use leptos::prelude::*;
use std::rc::Rc;
use tafel_shared::edit::{self, Clipboard};
use tafel_shared::element::{ConnectorProps, Element, FrameProps, PenProps, Props, ShapeProps};
use tafel_shared::geometry::{points_bounds, zoom_step, Outline, Point, Rect, Viewport};
use tafel_shared::order;
use tafel_shared::schema;

/// The actions of one board page.
#[derive(Clone, Copy)]
pub struct Commands {
    session: StoredValue<Rc<Session>, LocalStorage>,
    /// The board's pictures: shown, added, uploaded.
    pub pictures: crate::pictures::Pictures,
    /// The page state the commands act on.
    pub state: State,
}

impl Commands {
    /// Commands over `session` and `state`, owned by the current reactive owner.
    pub fn new(session: Rc<Session>, state: State) -> Commands {
        Commands {
            pictures: crate::pictures::Pictures::new(&session.id, &session.token),
            session: StoredValue::new_local(session),
            state,
        }
    }

    /// The session (an `Rc`, cheap to clone).
    pub fn session(&self) -> Rc<Session> {
        self.session.get_value()
    }

    /// Leaves the board: ends the session's connection and keepalive. Safe to
    /// call while the page is being torn down.
    pub fn leave(&self) {
        if let Some(s) = self.session.try_get_value() {
            s.close();
        }
    }

    /// Shows a short message.
    pub fn notify(&self, text: &str) {
        self.state.ui.notice.show(text);
    }

    // Creating elements.

    /// Adds `files` as pictures around `at`, side by side: each is checked,
    /// uploaded (or kept for later when offline) and then placed, and the new
    /// pictures are selected. Refusals are told; nothing refused is placed.
    pub fn add_pictures(&self, files: Vec<web_sys::File>, at: Point) {
        /// Space between pictures added together, in board units.
        const GAP: f64 = 24.0;
        if files.is_empty() {
            return;
        }
        if !self.session().can_edit_now() {
            self.notify(&t("picture-add-forbidden"));
            return;
        }
        let cmd = *self;
        wasm_bindgen_futures::spawn_local(async move {
            let notice = cmd.state.ui.notice;
            let mut placed = Vec::new();
            for file in files {
                match cmd.pictures.take(&file, notice).await {
                    Ok(Some(picture)) => placed.push(picture),
                    Ok(None) => {}
                    Err(why) => notice.show(&why),
                }
            }
            let width: f64 = placed.iter().map(|(r, _)| r.w + GAP).sum::<f64>() - GAP;
            let mut x = at.x - width / 2.0;
            let mut ids = Vec::new();
            for (r, props) in placed {
                let rect = Rect::new(x, at.y - r.h / 2.0, r.w, r.h);
                x += r.w + GAP;
                if let Some(id) = cmd.create(rect, Props::Image(props)) {
                    ids.push(id);
                }
            }
            if !ids.is_empty() {
                cmd.select(ids);
            }
        });
    }

    /// Adds an element on top of everything, joining the frame under it.
    pub fn create(&self, rect: Rect, props: Props) -> Option<String> {
        self.create_with(rect, props, &[])
    }

    /// Adds an element like [`Commands::create`], and makes `covered` its
    /// children (a frame drawn around notes), all as one undo step.
    pub fn create_with(&self, rect: Rect, props: Props, covered: &[String]) -> Option<String> {
        let id = self.session().model.new_id();
        self.create_element(Element::new(id, rect, props), covered)
    }

    /// Adds `n` under its id, on top, by this participant, now.
    fn create_element(&self, mut n: Element, covered: &[String]) -> Option<String> {
        let s = self.session();
        let id = n.base.id.clone();
        n.base.z = s
            .model
            .with_all(|all| order::key_above(all.values().map(|e| e.base.z.as_str())));
        n.base.author = s.me.get_untracked().name;
        n.base.created_ms = js_sys::Date::now() as u64;
        // In private mode new notes are held back: the server keeps them.
        if self.private_running_now() && tafel_shared::workshop::may_be_private(&n) {
            self.add_private(n);
            return None;
        }
        s.model.end_undo_step();
        let mark = s.model.undo_depth();
        s.edit(|txn, map| {
            n.insert(txn, map);
            for child in covered {
                edit::set_str(txn, map, child, schema::F_PARENT, &id);
            }
        })?;
        let all = s.model.all();
        let ids = vec![id.clone()];
        // In the same capture window as the insert: undone together.
        s.edit(|txn, map| edit::reparent(txn, map, &all, &ids));
        s.model.end_undo_step();
        self.state.selection.fresh.set(Some((id.clone(), mark)));
        Some(id)
    }

    /// A rectangle, ellipse or diamond (by `tool`) at `r`, in the current ink.
    pub fn new_shape(&self, tool: Tool, r: Rect) -> Option<String> {
        let props = ShapeProps {
            outline: match tool {
                Tool::Ellipse => Outline::Ellipse,
                Tool::Diamond => Outline::Diamond,
                _ => Outline::Rect,
            },
            fill: "#ffffff".into(),
            stroke: self.state.ui.ink.get_untracked().to_owned(),
            text: String::new(),
        };
        self.create(r, Props::Shape(props))
    }

    /// A sticky note centred on `at`, in the current fill.
    pub fn new_sticky(&self, at: Point) -> Option<String> {
        let size = tafel_shared::element::STICKY_SIZE;
        let note = Element::sticky(
            self.session().model.new_id(),
            Rect::new(at.x - size / 2.0, at.y - size / 2.0, size, size),
            self.state.ui.sticky_color.get_untracked(),
            "",
        );
        self.create_element(note, &[])
    }

    /// A frame at `r`, numbered, taking in what it covers.
    pub fn new_frame(&self, r: Rect) -> Option<String> {
        let model = &self.session().model;
        let frames = model.with_all(|all| all.values().filter(|e| e.is_frame()).count());
        let title = t_with("element-frame-numbered", &[("number", (frames + 1).into())]);
        // What the new frame covers now belongs to it.
        let inside: Vec<String> = model.with_all(|all| {
            all.values()
                .filter(|e| {
                    !e.is_frame()
                        && !e.is_connector()
                        && !e.base.locked
                        && r.contains(e.base.rect.center())
                })
                .map(|e| e.base.id.clone())
                .collect()
        });
        self.create_with(
            r,
            Props::Frame(FrameProps {
                title,
                ..FrameProps::default()
            }),
            &inside,
        )
    }

    /// A freehand line through `points` (board coordinates).
    pub fn new_pen(&self, points: &[Point]) -> Option<String> {
        let bounds = points_bounds(points)?;
        let props = PenProps {
            points: points
                .iter()
                .map(|q| Point::new(q.x - bounds.x, q.y - bounds.y))
                .collect(),
            stroke: self.state.ui.ink.get_untracked().to_owned(),
        };
        self.create(
            Rect::new(bounds.x, bounds.y, bounds.w.max(1.0), bounds.h.max(1.0)),
            Props::Pen(props),
        )
    }

    /// A connector from `a` to `b`, attached to the elements given (empty ids
    /// leave an end free), selected.
    pub fn new_connector(&self, from: String, to: String, a: Point, b: Point) -> Option<String> {
        let props = ConnectorProps {
            from,
            to,
            points: vec![a, b],
            stroke: self.state.ui.ink.get_untracked().to_owned(),
            text: String::new(),
            route: self.state.ui.routing.get_untracked(),
        };
        let id = self.create(Rect::from_corners(a, b), Props::Connector(props))?;
        self.select(vec![id.clone()]);
        Some(id)
    }

    /// Connects the two selected elements; `false` if the selection is not
    /// two elements that can be connected.
    pub fn connect_selected(&self) -> bool {
        let s = self.session();
        let sel = self.state.selection.ids.get_untracked();
        if !s.can_edit_now() || sel.len() != 2 {
            return false;
        }
        let ends: Vec<_> = sel
            .iter()
            .filter_map(|id| s.model.get(id))
            .filter(|e| !e.is_connector())
            .collect();
        if let [from, to] = ends.as_slice() {
            let (a, z) = (from.base.rect.center(), to.base.rect.center());
            self.new_connector(from.base.id.clone(), to.base.id.clone(), a, z);
        }
        true
    }

    /// Creates what `tool` makes at the centre of the screen, selected (and, for
    /// notes and text, ready to type): what keyboard users do instead of a click.
    pub fn place_at_center(&self, tool: Tool) {
        let c = self.state.camera.screen_center();
        let id = match tool {
            Tool::Sticky => self.new_sticky(c),
            Tool::Text => self.new_text_at(c),
            Tool::Frame => {
                let title = t("element-frame");
                self.create(
                    Rect::new(c.x - 320.0, c.y - 210.0, 640.0, 420.0),
                    Props::Frame(FrameProps {
                        title,
                        ..FrameProps::default()
                    }),
                )
            }
            Tool::Rect | Tool::Ellipse | Tool::Diamond => {
                self.new_shape(tool, Rect::new(c.x - 80.0, c.y - 50.0, 160.0, 100.0))
            }
            _ => None,
        };
        match id {
            Some(id) if matches!(tool, Tool::Sticky | Tool::Text) => self.edit_text(id),
            Some(id) => self.select(vec![id]),
            None => {}
        }
        self.state.ui.tool.set(Tool::Select);
    }

    // Selection and editing.

    /// Selects `ids` (and tells the others).
    pub fn select(&self, ids: Vec<String>) {
        if self.state.private.selected.get_untracked().is_some() {
            self.state.private.selected.set(None);
        }
        let selection = self.state.selection.ids;
        if self
            .pictures
            .cropping
            .with_untracked(|c| c.as_ref().is_some_and(|c| ids != [c.clone()]))
        {
            self.pictures.cropping.set(None);
        }
        let fresh = self.state.selection.fresh;
        if fresh.with_untracked(|f| f.as_ref().is_some_and(|(f, _)| ids != [f.clone()])) {
            fresh.set(None);
        }
        if selection.get_untracked() != ids {
            selection.set(ids);
            self.session().announce();
        }
    }

    /// Selects everything.
    pub fn select_all(&self) {
        self.select(self.session().model.order.get_untracked());
    }

    /// Clears the selection, picks the select tool and closes the panel.
    pub fn escape(&self) {
        self.select(Vec::new());
        self.state.ui.tool.set(Tool::Select);
        self.state.ui.panel.set(Panel::None);
        self.state.comments.draft.set(None);
        self.state.comments.open.set(None);
        self.state.history.viewing.set(None);
    }

    /// Picks `tool`; `false` if this participant may not use it.
    pub fn pick_tool(&self, tool: Tool) -> bool {
        if tool.edits() && !self.session().can_edit_now() {
            return false;
        }
        let may_comment = self
            .session()
            .role
            .get_untracked()
            .is_some_and(|r| r.can_comment());
        if tool == Tool::Comment && !may_comment {
            return false;
        }
        self.state.ui.tool.set(tool);
        true
    }

    /// Opens `panel`, or closes it if it is open.
    pub fn toggle_panel(&self, panel: Panel) {
        self.state.ui.toggle_panel(panel);
    }

    /// Starts editing `id`'s text (or a frame's title), selected.
    pub fn edit_text(&self, id: String) {
        self.select(vec![id.clone()]);
        self.state.selection.editing.set(Some(id));
    }

    /// Stops editing text; what was typed becomes one undo step, or joins
    /// the step that made the element when it was just made.
    pub fn stop_editing(&self) {
        let Selection { editing, fresh, .. } = self.state.selection;
        let Some(id) = editing.get_untracked() else {
            return;
        };
        editing.set(None);
        let model = &self.session().model;
        match fresh.get_untracked() {
            Some((made, mark)) if made == id => {
                model.join_undo_since(mark);
                fresh.set(None);
            }
            _ => model.end_undo_step(),
        }
    }

    /// Typing right after making a shape or frame names it: the key starts
    /// its text (a frame's title) instead of acting as a shortcut. Whether
    /// the key was taken.
    pub fn type_into_fresh(&self, e: &web_sys::KeyboardEvent) -> bool {
        let key = e.key();
        if key.chars().count() != 1 || e.ctrl_key() || e.meta_key() || e.alt_key() {
            return false;
        }
        let Selection {
            ids,
            editing,
            fresh,
        } = self.state.selection;
        let Some((id, _)) = fresh.get_untracked() else {
            return false;
        };
        if editing.with_untracked(Option::is_some) || ids.with_untracked(|s| *s != [id.clone()]) {
            return false;
        }
        let s = self.session();
        let Some(el) = s.model.get(&id).filter(|el| s.changeable(el)) else {
            return false;
        };
        if el.is_frame() {
            s.set_field(&id, schema::F_TITLE, &key);
        } else if el.has_text() && el.text().is_empty() {
            s.set_text(&id, &key, Some(key.len()));
        } else {
            return false;
        }
        editing.set(Some(id));
        true
    }

    /// Enter: edits the one selected element's text, or places what the
    /// current tool makes mid-screen.
    pub fn enter(&self) {
        let s = self.session();
        let sel = self.state.selection.ids.get_untracked();
        let tool = self.state.ui.tool.get_untracked();
        let can_edit = s.can_edit_now();
        if let Some(id) = self.private_selected_now().filter(|_| can_edit) {
            self.edit_private(id);
        } else if let [id] = sel.as_slice() {
            if can_edit
                && s.model
                    .get(id)
                    .is_some_and(|e| e.has_text() || e.is_frame())
            {
                self.state.selection.editing.set(Some(id.clone()));
            }
        } else if can_edit && tool.edits() && tool != Tool::Pen && tool != Tool::Connector {
            self.place_at_center(tool);
        }
    }

    /// Drops selected or edited ids that no longer exist.
    fn prune_selection(&self) {
        let model = &self.session().model;
        let Selection { ids, editing, .. } = self.state.selection;
        if ids.with_untracked(|s| s.iter().any(|id| model.get(id).is_none())) {
            ids.update(|s| s.retain(|id| model.get(id).is_some()));
        }
        if editing.with_untracked(|e| e.as_ref().is_some_and(|id| model.get(id).is_none())) {
            editing.set(None);
        }
    }

    /// After remote changes: forget what vanished; on the first content, show
    /// all of it.
    pub fn after_remote(&self, first_content: bool) {
        self.prune_selection();
        if first_content {
            self.zoom_to_fit();
        }
    }

    // Changing what is selected.

    /// Deletes the selection.
    pub fn delete_selection(&self) {
        if let Some(id) = self.private_selected_now() {
            self.delete_private(&id);
            return;
        }
        let ids = self.state.selection.ids.get_untracked();
        if ids.is_empty() {
            return;
        }
        let s = self.session();
        let all = s.model.all();
        s.model.end_undo_step();
        s.edit(|txn, map| edit::delete(txn, map, &all, &ids));
        s.model.end_undo_step();
        self.select(Vec::new());
    }

    /// The selection, copied.
    pub fn copy_selection(&self) -> Option<Clipboard> {
        let ids = self.state.selection.ids.get_untracked();
        (!ids.is_empty()).then(|| Clipboard::copy(&self.session().model.all(), &ids))
    }

    /// Pastes clipboard text: Tafel elements keep their layout, centred on the
    /// pointer or screen (or shifted if pasted onto themselves); other text
    /// becomes a note.
    pub fn paste_text(&self, text: &str) {
        let s = self.session();
        if !s.can_edit_now() || text.trim().is_empty() {
            return;
        }
        let clip = Clipboard::from_json(text).unwrap_or_else(|| Clipboard::from_plain_text(text));
        let Some(bounds) = clip.bounds() else { return };
        // Where the pointer is, as in Miro; else the middle of the screen.
        let center = s
            .cursor()
            .unwrap_or_else(|| self.state.camera.screen_center());
        let mut offset = Point::new(center.x - bounds.center().x, center.y - bounds.center().y);
        if offset.x.abs() < 1.0 && offset.y.abs() < 1.0 {
            offset = Point::new(24.0, 24.0);
        }
        self.paste_clip(&clip, offset);
    }

    fn paste_clip(&self, clip: &Clipboard, offset: Point) {
        // In private mode pasted notes are held back like new ones.
        let rest = self.paste_private(clip, offset);
        let clip = rest.as_ref().unwrap_or(clip);
        if clip.elements.is_empty() {
            return;
        }
        let s = self.session();
        let all = s.model.all();
        let author = s.me.get_untracked().name;
        s.model.end_undo_step();
        let ids = s.edit(|txn, map| {
            clip.paste(
                txn,
                map,
                &all,
                offset,
                &mut || s.model.new_id(),
                &author,
                js_sys::Date::now() as u64,
            )
        });
        if let Some(ids) = ids {
            let all = s.model.all();
            s.edit(|txn, map| edit::reparent(txn, map, &all, &ids));
            s.model.end_undo_step();
            self.select(ids);
        }
    }

    /// Duplicates the selection next to itself.
    pub fn duplicate_selection(&self) {
        let ids = self.state.selection.ids.get_untracked();
        if ids.is_empty() {
            return;
        }
        let clip = Clipboard::copy(&self.session().model.all(), &ids);
        self.paste_clip(&clip, Point::new(24.0, 24.0));
    }

    /// Moves the selection by a board-space step.
    pub fn nudge(&self, dx: f64, dy: f64) {
        let ids = self.state.selection.ids.get_untracked();
        if ids.is_empty() {
            return;
        }
        let s = self.session();
        let all = s.model.all();
        let origins = edit::drag_set(&all, &ids);
        s.edit(|txn, map| edit::apply_move(txn, map, &origins, Point::new(dx, dy)));
        let all = s.model.all();
        s.edit(|txn, map| edit::reparent(txn, map, &all, &ids));
    }

    /// Arrow keys: nudges the selection, or pans when nothing is selected.
    pub fn arrow(&self, dx: f64, dy: f64) {
        if let Some(id) = self
            .private_selected_now()
            .filter(|_| self.session().can_edit_now())
        {
            self.change_private(&id, |n| {
                n.base.rect.x += dx;
                n.base.rect.y += dy;
            });
            self.send_private(&id);
            return;
        }
        if self.session().can_edit_now()
            && self.state.selection.ids.with_untracked(|s| !s.is_empty())
        {
            self.nudge(dx, dy);
        } else {
            self.pan_by(-dx * 5.0, -dy * 5.0);
        }
    }

    /// Brings the selection to the front or sends it to the back.
    pub fn restack(&self, to_front: bool) {
        let s = self.session();
        let mut ids = self.state.selection.ids.get_untracked();
        ids.retain(|id| s.model.get(id).is_some_and(|e| !e.base.locked));
        if ids.is_empty() {
            return;
        }
        let all = s.model.all();
        self.edit_step(|txn, map| edit::restack(txn, map, &all, &ids, to_front));
    }

    /// Locks the selection, or unlocks it if all of it is locked (facilitators).
    pub fn toggle_lock(&self) {
        let s = self.session();
        if !s.can_manage_now() {
            return;
        }
        let ids = self.state.selection.ids.get_untracked();
        if ids.is_empty() {
            return;
        }
        let lock = !ids
            .iter()
            .all(|id| s.model.get(id).is_some_and(|e| e.base.locked));
        if s.set_locked(&ids, lock).is_empty() {
            self.notify(&t("element-lock-offline"));
            return;
        }
        self.notify(&if lock {
            t("element-locked")
        } else {
            t("element-unlocked")
        });
    }

    /// Runs `f` as an edit that is one undo step of its own.
    pub(crate) fn edit_step(&self, f: impl FnOnce(&mut yrs::TransactionMut, &yrs::MapRef)) {
        let s = self.session();
        s.model.end_undo_step();
        s.edit(f);
        s.model.end_undo_step();
    }

    /// The selected elements that are not locked.
    pub(crate) fn selected_unlocked(&self) -> Vec<Element> {
        let s = self.session();
        self.state.selection.ids.with_untracked(|ids| {
            ids.iter()
                .filter_map(|id| s.model.get(id))
                .filter(|e| !e.base.locked)
                .collect()
        })
    }

    /// Sets the fill for what comes next, and of the selected notes and shapes.
    pub fn set_fill(&self, color: &'static str) {
        self.state.ui.sticky_color.set(color);
        if self.recolour_private(color, false) {
            return;
        }
        let targets = self
            .selected_unlocked()
            .into_iter()
            .filter_map(|e| match e.props {
                Props::Sticky(_) => Some((e.base.id, schema::F_COLOR)),
                Props::Shape(_) => Some((e.base.id, schema::F_FILL)),
                _ => None,
            })
            .collect();
        self.set_each(targets, color);
    }

    /// Sets the line colour for what comes next, and of the selected lines,
    /// outlines and text.
    pub fn set_ink(&self, color: &'static str) {
        self.state.ui.ink.set(color);
        if self.recolour_private(color, true) {
            return;
        }
        let targets = self
            .selected_unlocked()
            .into_iter()
            .filter(|e| !matches!(e.props, Props::Sticky(_) | Props::Frame(_)))
            .map(|e| (e.base.id, schema::F_STROKE))
            .collect();
        self.set_each(targets, color);
    }

    /// Sets each (id, field) to `value`, as one undo step.
    fn set_each(&self, targets: Vec<(String, &str)>, value: &str) {
        if targets.is_empty() {
            return;
        }
        self.edit_step(|txn, map| {
            for (id, field) in &targets {
                edit::set_str(txn, map, id, field, value);
            }
        });
    }

    /// Undoes your last change.
    pub fn undo(&self) {
        if self.session().undo() {
            self.prune_selection();
        }
    }

    /// Redoes what undo took back.
    pub fn redo(&self) {
        if self.session().redo() {
            self.prune_selection();
        }
    }

    /// Renames the board (facilitators); the server has the last word.
    pub fn rename_board(&self, title: String) {
        let s = self.session();
        let (id, token, info) = (s.id.clone(), s.token.clone(), s.info);
        let notice = self.state.ui.notice;
        leptos::task::spawn_local(async move {
            match crate::api::rename_board(&id, &token, &title).await {
                Ok(i) => {
                    // The start page lists it under its new name too.
                    crate::prefs::retitle(&id, &i.title);
                    info.set(Some(i));
                }
                Err(e) => notice.show(&crate::api::describe(&e)),
            }
        });
    }

    // The camera.

    /// Pans by a screen-space step.
    pub fn pan_by(&self, dx: f64, dy: f64) {
        self.state.camera.view.update(|v| *v = v.pan_by(dx, dy));
    }

    /// Moves the view so that the board point `at` is at the screen point
    /// `screen`, at a zoom where a comment next to it can be read.
    pub fn bring_to(&self, at: Point, screen: Point) {
        self.state.camera.view.update(|v| {
            let zoom = v.zoom.max(0.5);
            v.zoom = zoom;
            v.origin = Point::new(at.x - screen.x / zoom, at.y - screen.y / zoom);
        });
    }

    /// Shows all of the board.
    pub fn zoom_to_fit(&self) {
        let Camera { view, screen, .. } = self.state.camera;
        let (w, h) = screen.get_untracked();
        match self.session().model.bounds() {
            Some(b) => {
                // A sparse board opens at 100 %, not blown up.
                let v = Viewport::fit(&b, w, h, 48.0);
                let v = if v.zoom > 1.0 {
                    v.zoom_at(Point::new(w / 2.0, h / 2.0), 1.0 / v.zoom)
                } else {
                    v
                };
                view.set(v);
            }
            None => view.set(Viewport::default().pan_by(48.0, 48.0)),
        }
    }

    /// Shows the selected elements.
    pub fn zoom_to_selection(&self) {
        let (w, h) = self.state.camera.screen.get_untracked();
        let model = &self.session().model;
        let rects = self
            .state
            .selection
            .ids
            .get_untracked()
            .iter()
            .filter_map(|id| model.get(id))
            .map(|e| e.base.rect)
            .collect::<Vec<_>>();
        if let Some(b) = Rect::bounding(rects) {
            self.state.camera.view.set(Viewport::fit(&b, w, h, 96.0));
        }
    }

    /// Zooms one step in or out around the centre of the screen.
    pub fn zoom_step(&self, up: bool) {
        let middle = self.state.camera.screen_middle();
        self.state.camera.view.update(|v| {
            let target = zoom_step(v.zoom, up);
            *v = v.zoom_at(middle, target / v.zoom);
        });
    }

    /// Zooms to 100 % around the centre of the screen.
    pub fn zoom_reset(&self) {
        let middle = self.state.camera.screen_middle();
        self.state
            .camera
            .view
            .update(|v| *v = v.zoom_at(middle, 1.0 / v.zoom));
    }
}
