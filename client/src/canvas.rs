//! The canvas: rendering what is on screen, and turning pointer and wheel
//! gestures into [`Commands`]; keys go to the [`keymap`]. Pointer events
//! throughout, so mouse, touch and pen behave alike; two touching fingers
//! pinch-zoom. While a voting round is open, a click places or takes back a dot
//! instead of selecting, and a drag pans.

use crate::arrange::ConnectorEnd;
use crate::commands::Commands;
use crate::far::{self, Mounting, Sketch, Sketched};
use crate::i18n::{t, t_with};
use crate::keymap;
use crate::model::{Model, ModelRef};
use crate::state::Tool;
use crate::views::{ElementView, PAD};
use leptos::ev;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use tafel_shared::edit::{self, MoveOrigin};
use tafel_shared::element::Props;
use tafel_shared::geometry::{
    points_bounds, resize, simplify, smooth_path, Corner, Point, Rect, Viewport,
};
use tafel_shared::layout::Guide;
use tafel_shared::presence::Presence;
use tafel_shared::schema;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element as DomElement, KeyboardEvent, PointerEvent, WheelEvent};

/// A pointer gesture in progress.
#[derive(Default)]
enum Gesture {
    #[default]
    Idle,
    Pan {
        last: Point,
    },
    Move {
        start: Point,
        origins: Vec<MoveOrigin>,
        moved: bool,
        /// The moved elements' bounds when the drag began.
        bounds: Rect,
        /// What they may snap to: the other elements near the screen.
        others: Vec<Rect>,
    },
    /// Dragging one end of a connector by its handle.
    Reconnect {
        id: String,
        end: ConnectorEnd,
    },
    Marquee {
        start: Point,
        kept: Vec<String>,
    },
    Draw {
        tool: Tool,
        start: Point,
    },
    Pen {
        points: Vec<Point>,
    },
    Connect {
        from: Option<String>,
        start: Point,
    },
    Resize {
        id: String,
        origin: Rect,
        start: Point,
        corner: Corner,
        /// Cropping an image: the part of its picture shown when it began.
        crop: Option<(f64, f64, f64, f64)>,
        /// Scaling text that grows with its words: its size when it began.
        text_size: Option<f64>,
    },
    Pinch {
        distance: f64,
        mid: Point,
    },
}

/// A preview of what a gesture will make.
#[derive(Clone, Debug, PartialEq)]
enum Draft {
    Marquee(Rect),
    Box(Tool, Rect),
    Pen(Vec<Point>),
    Line(Point, Point),
}

struct Input {
    gesture: RefCell<Gesture>,
    pointers: RefCell<HashMap<i32, Point>>,
    space: Cell<bool>,
    origin: Cell<Point>,
    /// Counts touches, so a long-press timer knows whether its touch is
    /// still the one down.
    presses: Cell<u32>,
    /// What the sketch canvas shows, which the DOM cannot find.
    sketched: Rc<Sketched>,
}

impl Input {
    /// The elements the sketch canvas shows at a screen (client) point,
    /// topmost first. The canvas lies above every element in the DOM.
    fn sketched_at(&self, cmd: &Commands, client_x: i32, client_y: i32) -> Vec<String> {
        if self.sketched.is_empty() {
            return Vec::new();
        }
        let o = self.origin.get();
        let camera = cmd.state.camera;
        let at = camera.to_world(Point::new(
            f64::from(client_x) - o.x,
            f64::from(client_y) - o.y,
        ));
        let slop = far::HIT_SLOP_PX / camera.view.get_untracked().zoom;
        far::under(&cmd.session().model, &self.sketched, at, slop)
    }

    /// The elements under a screen point, topmost first: what the sketch
    /// canvas shows, then the DOM's (pointer capture sends every event to
    /// the canvas, so the target alone says nothing then).
    fn ids_under(&self, cmd: &Commands, client_x: i32, client_y: i32) -> Vec<String> {
        let mut ids = self.sketched_at(cmd, client_x, client_y);
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return ids;
        };
        for node in doc
            .elements_from_point(client_x as f32, client_y as f32)
            .iter()
        {
            if let Some(id) = id_at(Some(node.unchecked_into())) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    }

    /// The topmost element at a screen point whose DOM node there is `target`.
    fn id_at(
        &self,
        cmd: &Commands,
        target: Option<web_sys::EventTarget>,
        client_x: i32,
        client_y: i32,
    ) -> Option<String> {
        self.sketched_at(cmd, client_x, client_y)
            .into_iter()
            .next()
            .or_else(|| id_at(target))
    }

    /// What a click picks: the topmost element, except that the body of a
    /// note or shape wins over a connector running across it.
    fn pick_at(&self, cmd: &Commands, e: &PointerEvent) -> Option<String> {
        let target = self.id_at(cmd, e.target(), e.client_x(), e.client_y())?;
        let model = &cmd.session().model;
        if !model.get(&target).is_some_and(|el| el.is_connector()) {
            return Some(target);
        }
        let body = self
            .ids_under(cmd, e.client_x(), e.client_y())
            .into_iter()
            .find(|id| {
                model
                    .get(id)
                    .is_some_and(|el| !el.is_connector() && !el.is_frame())
            });
        Some(body.unwrap_or(target))
    }
}

/// How long the view rests before the board is drawn sharp at its zoom again.
const MOVING_REST_MS: i32 = 200;

/// How long a finger rests on an element before its actions open, in ms (as
/// on iPadOS and Android).
const LONG_PRESS_MS: i32 = 500;

/// The element id under a DOM node (`data-id` on it or an ancestor).
fn id_at(target: Option<web_sys::EventTarget>) -> Option<String> {
    let el = target?.dyn_into::<DomElement>().ok()?;
    el.closest("[data-id]").ok()??.get_attribute("data-id")
}

/// The element whose own vote dot is under a DOM node, if any.
fn dot_at(target: Option<web_sys::EventTarget>) -> Option<String> {
    let el = target?.dyn_into::<DomElement>().ok()?;
    el.closest("[data-vote-for]")
        .ok()??
        .get_attribute("data-vote-for")
}

/// The connector end handle under a DOM node, if any.
fn end_handle_at(target: Option<web_sys::EventTarget>) -> Option<ConnectorEnd> {
    target
        .and_then(|t| t.dyn_into::<DomElement>().ok())
        .and_then(|el| el.closest("[data-end]").ok().flatten())
        .and_then(|el| el.get_attribute("data-end"))
        .and_then(|name| ConnectorEnd::parse(&name))
}

/// The resize handle under a DOM node, if any.
fn handle_at(target: Option<web_sys::EventTarget>) -> Option<Corner> {
    target
        .and_then(|t| t.dyn_into::<DomElement>().ok())
        .and_then(|el| el.closest("[data-handle]").ok().flatten())
        .and_then(|el| el.get_attribute("data-handle"))
        .and_then(|name| Corner::parse(&name))
}

fn is_typing_target(target: Option<web_sys::EventTarget>) -> bool {
    target
        .and_then(|t| t.dyn_into::<DomElement>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.has_attribute("contenteditable")
        })
}

/// The canvas with everything on it.
#[component]
pub fn Canvas(
    /// What gestures and keys do, and the state they read.
    cmd: Commands,
    /// Layers over the board in screen coordinates (comment pins).
    children: Children,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Div>::new();
    let world = NodeRef::<leptos::html::Div>::new();
    let (model, peers, fatal) = {
        let s = cmd.session();
        let model: ModelRef = StoredValue::new_local(s.model.clone());
        (model, s.peers, s.fatal)
    };
    let camera = cmd.state.camera;
    // A facilitator may hide everyone's cursors and selections for focused work.
    let hidden = cmd.session().cursors_hidden;
    let peers = Signal::derive(move || {
        if hidden.get() {
            BTreeMap::new()
        } else {
            peers.get()
        }
    });
    // Frame titles and other labels keep their size on screen at any zoom; CSS
    // scales them by this factor.
    Effect::new(move |_| {
        let zoom = camera.view.get().zoom;
        if let Some(w) = world.get() {
            let _ = web_sys::HtmlElement::style(&w)
                .set_property("--inv-zoom", &format!("{}", (1.0 / zoom).min(8.0)));
        }
    });
    let input = StoredValue::new_local(Input {
        gesture: RefCell::new(Gesture::Idle),
        pointers: RefCell::new(HashMap::new()),
        space: Cell::new(false),
        origin: Cell::new(Point::default()),
        presses: Cell::new(0),
        sketched: Rc::new(Sketched::default()),
    });
    let draft = RwSignal::new(None::<Draft>);
    let guides = RwSignal::new(Vec::<Guide>::new());

    let local_point = move |e: &PointerEvent| {
        let o = input.with_value(|i| i.origin.get());
        Point::new(e.client_x() as f64 - o.x, e.client_y() as f64 - o.y)
    };
    let measure = move || {
        if let Some(el) = canvas.get_untracked() {
            let r = el.get_bounding_client_rect();
            input.with_value(|i| i.origin.set(Point::new(r.left(), r.top())));
            camera.screen.set((r.width(), r.height()));
        }
    };

    // Size, wheel (non-passive, so ctrl+wheel zooms the board and not the page).
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        measure();
        let wheel = Closure::<dyn FnMut(WheelEvent)>::new(move |e: WheelEvent| {
            e.prevent_default();
            let o = input.with_value(|i| i.origin.get());
            let at = Point::new(e.client_x() as f64 - o.x, e.client_y() as f64 - o.y);
            let scale = match e.delta_mode() {
                1 => 16.0,
                2 => 400.0,
                _ => 1.0,
            };
            let (dx, dy) = (e.delta_x() * scale, e.delta_y() * scale);
            if e.ctrl_key() || e.meta_key() {
                // A mouse notch (~100 px) zooms by about 22 %; a trackpad pinch
                // sends many small deltas and zooms smoothly.
                let factor = (-dy * 0.002).exp().clamp(0.5, 2.0);
                camera.view.update(|v| *v = v.zoom_at(at, factor));
            } else if e.shift_key() && dx == 0.0 {
                camera.view.update(|v| *v = v.pan_by(-dy, 0.0));
            } else {
                camera.view.update(|v| *v = v.pan_by(-dx, -dy));
            }
        });
        let opts = web_sys::AddEventListenerOptions::new();
        opts.set_passive(false);
        let _ = el.add_event_listener_with_callback_and_add_event_listener_options(
            "wheel",
            wheel.as_ref().unchecked_ref(),
            &opts,
        );
        wheel.forget();
    });
    let _resize = window_event_listener(ev::resize, move |_| measure());
    let _keys = window_event_listener(ev::keydown, move |e: KeyboardEvent| {
        if is_typing_target(e.target()) {
            return;
        }
        // Space is part of the pan gesture, not a command.
        if e.key() == " " {
            input.with_value(|i| i.space.set(true));
            e.prevent_default();
        } else if cmd.type_into_fresh(&e) || keymap::dispatch(&cmd, &e) {
            e.prevent_default();
        }
    });
    let _keys_up = window_event_listener(ev::keyup, move |e: KeyboardEvent| {
        if e.key() == " " {
            input.with_value(|i| i.space.set(false));
        }
    });
    let _copy = window_event_listener(ev::copy, move |e| clipboard_out(cmd, e, false));
    let _cut = window_event_listener(ev::cut, move |e| clipboard_out(cmd, e, true));
    let _paste = window_event_listener(ev::paste, move |e: web_sys::ClipboardEvent| {
        if is_typing_target(e.target()) {
            return;
        }
        // A copied picture (a screenshot, an image from another page) is a file.
        let files = crate::pictures::files_of(e.clipboard_data());
        if !files.is_empty() {
            e.prevent_default();
            let at = cmd
                .session()
                .cursor()
                .unwrap_or_else(|| camera.screen_center());
            cmd.add_pictures(files, at);
            return;
        }
        let data = e.clipboard_data();
        let tafel = data
            .as_ref()
            .and_then(|d| d.get_data(edit::CLIPBOARD_MIME).ok())
            .filter(|t| !t.is_empty());
        if let Some(text) = tafel.or_else(|| data.and_then(|d| d.get_data("text/plain").ok())) {
            e.prevent_default();
            cmd.paste_text(&text);
        }
    });

    let on_down = move |e: PointerEvent| {
        // A link in a note opens (in a new tab) instead of starting a drag.
        let on_link = e
            .target()
            .and_then(|t| t.dyn_into::<DomElement>().ok())
            .and_then(|el| el.closest(".element .text a[href]").ok().flatten())
            .is_some();
        if on_link && e.button() == 0 && cmd.state.ui.tool.get_untracked() == Tool::Select {
            return;
        }
        // No compatibility mousedown: its default action would move focus to the
        // element under the pointer, away from a text editor just opened.
        if !is_typing_target(e.target()) {
            e.prevent_default();
        }
        measure();
        let p = local_point(&e);
        input.with_value(|i| pointer_down(cmd, i, draft, &e, p));
        // A finger resting on an element opens its actions, as a right click does.
        if e.pointer_type() == "touch" {
            let press = input.with_value(|i| {
                i.presses.set(i.presses.get() + 1);
                i.presses.get()
            });
            let pressed =
                input.with_value(|i| i.id_at(&cmd, e.target(), e.client_x(), e.client_y()));
            if let Some(id) = pressed {
                crate::timer::after(LONG_PRESS_MS, move || {
                    let still = input.try_with_value(|i| {
                        let mut g = i.gesture.borrow_mut();
                        let resting = i.presses.get() == press
                            && matches!(*g, Gesture::Move { moved: false, .. } | Gesture::Idle)
                            && i.pointers.borrow().len() == 1;
                        if resting {
                            *g = Gesture::Idle;
                        }
                        resting
                    });
                    if still == Some(true) {
                        cmd.open_context_menu(id, p);
                    }
                });
            }
        }
        if let Some(el) = canvas.get_untracked() {
            let _ = el.set_pointer_capture(e.pointer_id());
            if !is_typing_target(e.target()) {
                let _ = el.focus();
            }
        }
    };
    let on_move = move |e: PointerEvent| {
        let p = local_point(&e);
        input.with_value(|i| pointer_move(cmd, i, draft, guides, &e, p));
    };
    let on_up = move |e: PointerEvent| {
        let p = local_point(&e);
        input.with_value(|i| pointer_up(cmd, i, draft, guides, &e, p));
    };
    let on_leave = move |_e: PointerEvent| cmd.session().set_cursor(None);
    // Files dragged from the desktop or another page become pictures where dropped.
    let on_drag_over = move |e: web_sys::DragEvent| {
        if crate::pictures::carries_files(&e) {
            e.prevent_default();
            if let Some(d) = e.data_transfer() {
                d.set_drop_effect("copy");
            }
        }
    };
    let on_drop = move |e: web_sys::DragEvent| {
        let files = crate::pictures::files_of(e.data_transfer());
        if files.is_empty() {
            return;
        }
        e.prevent_default();
        measure();
        let o = input.with_value(|i| i.origin.get());
        let at = camera.to_world(Point::new(
            e.client_x() as f64 - o.x,
            e.client_y() as f64 - o.y,
        ));
        cmd.add_pictures(files, at);
    };
    let on_dblclick = move |e: web_sys::MouseEvent| {
        // Pointer capture retargets clicks to the canvas; ask what is under the pointer.
        let under_el = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.element_from_point(e.client_x() as f32, e.client_y() as f32));
        let on_title = under_el
            .as_ref()
            .and_then(|el| el.closest(".frame-title").ok().flatten())
            .is_some();
        let under = input
            .with_value(|i| i.id_at(&cmd, under_el.map(Into::into), e.client_x(), e.client_y()));
        let element = under.as_ref().and_then(|id| cmd.session().model.get(id));
        // Double-clicking a frame's empty area adds a note there, as on the
        // canvas; its title is renamed from the title itself.
        let editable = element
            .as_ref()
            .filter(|el| (el.has_text() && !el.is_frame()) || (el.is_frame() && on_title));
        // Double-clicking a picture crops it, as in Miro and Keynote.
        if let Some(el) = element
            .as_ref()
            .filter(|el| matches!(el.props, Props::Image(_)))
        {
            if cmd.session().changeable(el) && cmd.voting_round_now().is_none() {
                cmd.select(vec![el.base.id.clone()]);
                cmd.pictures.cropping.set(Some(el.base.id.clone()));
            }
            return;
        }
        if let Some(el) = editable.filter(|_| cmd.voting_round_now().is_none()) {
            if cmd.session().changeable(el) {
                cmd.edit_text(el.base.id.clone());
            }
        } else if (element.is_none() || element.as_ref().is_some_and(|el| el.is_frame()))
            && cmd.session().can_edit_now()
            && cmd.voting_round_now().is_none()
            && cmd.state.ui.tool.get_untracked() == Tool::Select
        {
            let o = input.with_value(|i| i.origin.get());
            let at = camera.to_world(Point::new(
                e.client_x() as f64 - o.x,
                e.client_y() as f64 - o.y,
            ));
            if let Some(id) = cmd.new_sticky(at) {
                cmd.edit_text(id);
            }
        }
    };
    let on_focus_in = move |e: web_sys::FocusEvent| {
        // Tabbing onto an element selects it, so the keyboard reaches every action.
        if let Some(id) = id_at(e.target()) {
            if !cmd.state.selection.ids.with_untracked(|s| s.contains(&id))
                && cmd.state.selection.editing.get_untracked().is_none()
            {
                cmd.select(vec![id]);
            }
        }
    };

    // The area elements are rendered for: the screen plus a margin, snapped to a
    // coarse grid and zoom ladder, so small pans and zooms leave it unchanged and
    // cost no re-culling at all.
    let cull_area = Memo::new(move |_| {
        let v = camera.view.get();
        let (w, h) = camera.screen.get();
        cull_rect(v, w, h)
    });
    // What the DOM should hold: what is in the area, except, far out, what the
    // sketch canvas draws instead. Connectors are culled by their route.
    let wanted = Memo::new(move |_| {
        let area = cull_area.get();
        let far = !camera.detailed.get();
        model.with_value(|m| {
            let ids = m.order.get();
            m.layout.track();
            m.with_all(|all| {
                ids.into_iter()
                    .filter(|id| {
                        all.get(id).is_some_and(|e| {
                            !(far && far::drawn_far(e)) && far::reach(all, e).intersects(&area)
                        })
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    // While the view moves, the world is one composited layer that is moved
    // and scaled as a picture (style.css `.world.moving`); once it has rested
    // for a moment it is drawn again at its scale, so text ends up sharp.
    // While the zoom keeps changing (a wheel, a pinch), new DOM views wait
    // (see `Mounting`); one step (a button, a key) and a pan keep mounting,
    // so what comes into view has its text at once.
    let moving = RestingFlag::new(false);
    let zooming = RestingFlag::new(true);
    let last_zoom = StoredValue::new(camera.view.with_untracked(|v| v.zoom));
    Effect::new(move |previous: Option<()>| {
        let zoom = camera.view.with(|v| v.zoom);
        if previous.is_none() {
            return;
        }
        moving.stir();
        if zoom != last_zoom.get_value() {
            last_zoom.set_value(zoom);
            zooming.stir();
        }
    });
    let moving = moving.on;
    let mounting = Mounting::follow(model, camera, wanted, zooming.on.into());
    let sketched = input.with_value(|i| Rc::clone(&i.sketched));
    let sketched = StoredValue::new_local(sketched);
    let world_transform = move || {
        let v = camera.view.get();
        format!(
            "scale({}) translate({}px, {}px)",
            v.zoom, -v.origin.x, -v.origin.y
        )
    };
    // The dots are a layer of their own that a pan moves by less than one
    // step and a zoom scales: drawn as the canvas's background, every frame of
    // a pan or zoom repainted them over the whole screen (2–3 ms of a frame far
    // out, BENCHMARKS.md). A zoom repaints them once in a while, and once more
    // when it rests, so that they are sharp again.
    let zooming_on = zooming.on;
    let grid = Memo::new(move |previous: Option<&DotGrid>| {
        let step = dot_step(camera.view.with(|v| v.zoom));
        DotGrid::for_step(step, previous.copied(), zooming_on.get())
    });
    let grid_size = move || {
        let tile = grid.with(|g| g.tile);
        format!("{tile}px {tile}px")
    };
    let grid_transform = move || {
        let v = camera.view.get();
        let DotGrid { tile, scale } = grid.get();
        let step = tile * scale;
        format!(
            "translate({}px, {}px) scale({scale})",
            dot_shift(-v.origin.x * v.zoom, step),
            dot_shift(-v.origin.y * v.zoom, step)
        )
    };
    let cursor_class = move || match cmd.state.ui.tool.get() {
        Tool::Hand => "canvas tool-hand",
        Tool::Select => "canvas tool-select",
        _ => "canvas tool-draw",
    };
    let scope = Memo::new(move |_| cmd.voting_round().map(|r| r.settings));
    let voting = move || scope.with(Option::is_some);
    let scope = Signal::from(scope);
    let empty =
        move || model.with_value(|m| m.order.with(Vec::is_empty)) && fatal.with(Option::is_none);
    let can_edit = move || cmd.session().can_edit();
    let editable = Signal::derive(can_edit);

    view! {
        <div
            class=cursor_class
            class:voting=voting
            node_ref=canvas
            tabindex="-1"
            aria-label=t("canvas-label")
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_up
            on:pointerleave=on_leave
            on:dragover=on_drag_over
            on:drop=on_drop
            on:dblclick=on_dblclick
            on:focusin=on_focus_in
            on:contextmenu=move |e: web_sys::MouseEvent| {
                e.prevent_default();
                // Pointer capture retargets the event; ask what is under the pointer.
                let under = input.with_value(|i| i.ids_under(&cmd, e.client_x(), e.client_y())).into_iter().next();
                if let Some(id) = under {
                    let o = input.with_value(|i| i.origin.get());
                    cmd.open_context_menu(id, Point::new(e.client_x() as f64 - o.x, e.client_y() as f64 - o.y));
                }
            }
        >
            <div class="dots-frame" aria-hidden="true">
                <div class="dots" style:background-size=grid_size style:transform=grid_transform></div>
            </div>
            <div class="world" node_ref=world class:far=move || !camera.detailed.get() class:moving=move || moving.get() style:transform=world_transform>
                <For each=move || mounting.mounted.get() key=|id| id.clone() children=move |id| view! { <ElementView model id scope/> }/>
                <Sketch model camera scope pending=mounting.pending sketched/>
                <crate::dots::VoteMarks cmd/>
                <crate::private_layer::PrivateLayer cmd/>
                <RemoteSelections model peers view=camera.view/>
                <SelectionBoxes model selected=cmd.state.selection.ids editable view=camera.view/>
                <DraftView draft/>
                <Guides guides view=camera.view/>
                <TextEditor cmd/>
            </div>
            <Cursors peers view=camera.view/>
            <crate::chrome::ContextMenu cmd/>
            {children()}
            <Show when=empty>
                <div class="empty-hint">
                    {move || if can_edit() {
                        t("canvas-empty-editable")
                    } else {
                        t("canvas-empty")
                    }}
                </div>
            </Show>
        </div>
    }
}

/// A flag that is on from a change (or from the second of changes that
/// follow each other) until none has come for [`MOVING_REST_MS`].
#[derive(Clone, Copy)]
struct RestingFlag {
    on: RwSignal<bool>,
    /// Changes so far, and whether the last one is recent.
    changes: StoredValue<(u64, bool)>,
    from_second: bool,
}

impl RestingFlag {
    fn new(from_second: bool) -> Self {
        Self {
            on: RwSignal::new(false),
            changes: StoredValue::new((0, false)),
            from_second,
        }
    }

    /// A change: on now (or if the last one was recent), off once the
    /// changes rest.
    fn stir(self) {
        let (count, recent) = self.changes.get_value();
        let change = count + 1;
        self.changes.set_value((change, true));
        if (recent || !self.from_second) && !self.on.get_untracked() {
            self.on.set(true);
        }
        crate::timer::after(MOVING_REST_MS, move || {
            if self.changes.try_get_value().map(|c| c.0) == Some(change) {
                self.changes.set_value((change, false));
                self.on.try_set(false);
            }
        });
    }
}

/// How far the dot layer reaches past each edge of the canvas (style.css
/// `.dots`): at least one step of the dots, so a shift of up to one step
/// leaves no edge uncovered.
const GRID_BLEED: f64 = 48.0;

/// How far apart the background's dots are on screen at `zoom`: a fixed
/// distance on the board, halved or multiplied by four to stay 12–48 px.
fn dot_step(zoom: f64) -> f64 {
    let mut step = 24.0 * zoom;
    while step < 12.0 {
        step *= 4.0;
    }
    while step > 48.0 {
        step /= 2.0;
    }
    step
}

/// The dot layer as painted (`tile` px between dots) and the scale it is
/// shown at, so that its dots are `tile * scale` apart on screen.
#[derive(Clone, Copy, Debug, PartialEq)]
struct DotGrid {
    tile: f64,
    scale: f64,
}

/// While a zoom goes on, the dot layer is scaled by up to this much before it
/// is painted again; more would show in the dots' size.
const DOT_SCALE_MAX: f64 = 1.44;
/// The scale a zoom paints the dots for: halfway (on a log scale) between
/// no scale and [`DOT_SCALE_MAX`], so it goes on in either direction.
const DOT_SCALE_REPAINTED: f64 = 1.2;

impl DotGrid {
    /// The layer for dots `step` px apart, after `previous`: at rest painted
    /// at that step; while zooming, `previous` scaled as long as the scale
    /// stays between 1 (below it, the layer would no longer cover the
    /// canvas) and [`DOT_SCALE_MAX`].
    fn for_step(step: f64, previous: Option<DotGrid>, zooming: bool) -> Self {
        if !zooming {
            return Self {
                tile: step,
                scale: 1.0,
            };
        }
        if let Some(DotGrid { tile, .. }) = previous {
            let scale = step / tile;
            if (1.0..DOT_SCALE_MAX).contains(&scale) {
                return Self { tile, scale };
            }
        }
        Self {
            tile: step / DOT_SCALE_REPAINTED,
            scale: DOT_SCALE_REPAINTED,
        }
    }
}

/// How far the dot layer is shifted so that its dots sit where the board's
/// origin, `screen_origin` px from the canvas's edge, puts them: less than a
/// step, whatever the pan.
fn dot_shift(screen_origin: f64, step: f64) -> f64 {
    (screen_origin + GRID_BLEED).rem_euclid(step)
}

/// The board area to render for a viewport: the visible area with a quarter
/// screen of margin on each side, its corners snapped to quarter-screen steps at
/// a zoom rounded down to the ladder 2^(k/4), so that small pans and zooms give
/// the same area.
pub fn cull_rect(v: tafel_shared::geometry::Viewport, w: f64, h: f64) -> Rect {
    let zoom = 2f64.powf((v.zoom.log2() * 4.0).floor() / 4.0);
    let (sw, sh) = (w.max(1.0) / zoom, h.max(1.0) / zoom);
    let (step_x, step_y) = (sw / 4.0, sh / 4.0);
    let x0 = (v.origin.x / step_x).floor() * step_x - step_x;
    let y0 = (v.origin.y / step_y).floor() * step_y - step_y;
    Rect::new(x0, y0, sw + 3.0 * step_x, sh + 3.0 * step_y)
}

fn clipboard_out(cmd: Commands, e: web_sys::ClipboardEvent, cut: bool) {
    if is_typing_target(e.target()) {
        return;
    }
    let Some(clip) = cmd.copy_selection() else {
        return;
    };
    if let Some(data) = e.clipboard_data() {
        // Elements for Tafel (this board or another); words for everything else.
        if data.set_data(edit::CLIPBOARD_MIME, &clip.to_json()).is_ok()
            && data.set_data("text/plain", &clip.plain_text()).is_ok()
        {
            e.prevent_default();
            if cut {
                cmd.delete_selection();
            }
            cmd.notify(&if cut {
                t("canvas-cut")
            } else {
                t("canvas-copied")
            });
        }
    }
}

fn pointer_down(
    cmd: Commands,
    i: &Input,
    draft: RwSignal<Option<Draft>>,
    e: &PointerEvent,
    p: Point,
) {
    if cmd.state.selection.editing.get_untracked().is_some() {
        cmd.stop_editing();
    }
    let w = cmd.state.camera.to_world(p);
    let count = {
        let mut pointers = i.pointers.borrow_mut();
        pointers.insert(e.pointer_id(), p);
        pointers.len()
    };
    if count == 2 {
        let pts: Vec<Point> = i.pointers.borrow().values().copied().collect();
        draft.set(None);
        *i.gesture.borrow_mut() = Gesture::Pinch {
            distance: pts[0].distance(pts[1]).max(1.0),
            mid: Point::new((pts[0].x + pts[1].x) / 2.0, (pts[0].y + pts[1].y) / 2.0),
        };
        return;
    }
    let tool = cmd.state.ui.tool.get_untracked();
    let can_edit = cmd.session().can_edit_now();
    let target = i.pick_at(&cmd, e);
    let gesture = if e.button() == 1 || i.space.get() || tool == Tool::Hand {
        Gesture::Pan { last: p }
    } else if tool == Tool::Comment && e.button() == 0 {
        // Pinned to what was clicked (so it moves with it), or to the spot.
        let on = target
            .and_then(|id| cmd.session().model.get(&id))
            .map(|el| (el.base.id, el.base.rect));
        cmd.state.comments.place(w, on);
        cmd.state.ui.tool.set(Tool::Select);
        Gesture::Idle
    } else if cmd.voting_round_now().is_some() {
        // Clicks vote; nothing is selected or moved, and the board pans.
        if let Some(id) = dot_at(e.target()) {
            cmd.unvote(&id);
            Gesture::Idle
        } else if let Some(id) = target.filter(|_| e.button() == 0) {
            cmd.vote_on(&id, e.shift_key());
            Gesture::Idle
        } else {
            Gesture::Pan { last: p }
        }
    } else if can_edit && tool == Tool::Select && e.pointer_type() == "pen" && target.is_none() {
        // A stylus on the empty board draws, as Apple Pencil does in Freeform.
        Gesture::Pen { points: vec![w] }
    } else if !can_edit || tool == Tool::Select {
        if let Some(end) = end_handle_at(e.target()).filter(|_| can_edit) {
            match cmd.state.selection.ids.get_untracked().as_slice() {
                [id] => {
                    cmd.session().model.end_undo_step();
                    Gesture::Reconnect {
                        id: id.clone(),
                        end,
                    }
                }
                _ => Gesture::Idle,
            }
        } else if let Some(corner) = handle_at(e.target()).filter(|_| can_edit) {
            let sel = cmd.state.selection.ids.get_untracked();
            match sel.as_slice() {
                [id] => match cmd.session().model.get(id) {
                    Some(el) => Gesture::Resize {
                        crop: match &el.props {
                            Props::Image(p)
                                if cmd.pictures.cropping.get_untracked().as_ref() == Some(id) =>
                            {
                                Some(p.crop_box())
                            }
                            _ => None,
                        },
                        text_size: el.text_size(),
                        id: id.clone(),
                        origin: el.base.rect,
                        start: w,
                        corner,
                    },
                    None => Gesture::Idle,
                },
                _ => Gesture::Idle,
            }
        } else if let Some(id) = target {
            let mut sel = cmd.state.selection.ids.get_untracked();
            // A group is picked, and dropped, as a whole.
            let group = cmd.group_of(&id);
            if e.shift_key() {
                if sel.contains(&id) {
                    sel.retain(|s| !group.contains(s));
                } else {
                    sel.extend(group);
                }
                cmd.select(sel);
                Gesture::Idle
            } else {
                if !sel.contains(&id) {
                    sel = group;
                    cmd.select(sel.clone());
                }
                if can_edit {
                    cmd.session().model.end_undo_step();
                    let all = cmd.session().model.all();
                    let origins = edit::drag_set(&all, &sel);
                    let moving: std::collections::HashSet<&str> =
                        origins.iter().map(|o| o.id.as_str()).collect();
                    let bounds = Rect::bounding(
                        all.iter()
                            .filter(|el| moving.contains(el.base.id.as_str()) && !el.is_connector())
                            .map(|el| el.base.rect),
                    )
                    .unwrap_or_default();
                    // Only what is on screen is worth lining up with.
                    let area = cmd.state.camera.visible_area();
                    let others = all
                        .iter()
                        .filter(|el| {
                            !moving.contains(el.base.id.as_str())
                                && !el.is_connector()
                                && el.base.rect.intersects(&area)
                        })
                        .map(|el| el.base.rect)
                        .collect();
                    Gesture::Move {
                        start: w,
                        origins,
                        moved: false,
                        bounds,
                        others,
                    }
                } else {
                    Gesture::Idle
                }
            }
        } else if e.pointer_type() == "touch" {
            // One finger on the empty board pans (two pinch), as on any tablet.
            cmd.select(Vec::new());
            Gesture::Pan { last: p }
        } else {
            let kept = if e.shift_key() {
                cmd.state.selection.ids.get_untracked()
            } else {
                Vec::new()
            };
            cmd.select(kept.clone());
            Gesture::Marquee { start: w, kept }
        }
    } else {
        match tool {
            Tool::Sticky => {
                if let Some(id) = cmd.new_sticky(w) {
                    cmd.edit_text(id);
                }
                cmd.state.ui.tool.set(Tool::Select);
                Gesture::Idle
            }
            Tool::Text => {
                if let Some(id) = cmd.new_text_at(w) {
                    cmd.edit_text(id);
                }
                cmd.state.ui.tool.set(Tool::Select);
                Gesture::Idle
            }
            Tool::Pen => Gesture::Pen { points: vec![w] },
            Tool::Connector => Gesture::Connect {
                from: target.filter(|id| {
                    cmd.session()
                        .model
                        .get(id)
                        .is_some_and(|e| !e.is_connector())
                }),
                start: w,
            },
            t => Gesture::Draw { tool: t, start: w },
        }
    };
    *i.gesture.borrow_mut() = gesture;
}

fn pointer_move(
    cmd: Commands,
    i: &Input,
    draft: RwSignal<Option<Draft>>,
    guides: RwSignal<Vec<Guide>>,
    e: &PointerEvent,
    p: Point,
) {
    let w = cmd.state.camera.to_world(p);
    cmd.session().set_cursor(Some(w));
    let previous = i.pointers.borrow_mut().insert(e.pointer_id(), p);
    if previous.is_none() {
        // Hovering, no button pressed.
        i.pointers.borrow_mut().remove(&e.pointer_id());
        return;
    }
    let mut g = i.gesture.borrow_mut();
    match &mut *g {
        Gesture::Idle => {}
        Gesture::Pan { last } => {
            let (dx, dy) = (p.x - last.x, p.y - last.y);
            *last = p;
            cmd.state.camera.view.update(|v| *v = v.pan_by(dx, dy));
        }
        Gesture::Pinch { distance, mid } => {
            let pts: Vec<Point> = i.pointers.borrow().values().copied().collect();
            if pts.len() >= 2 {
                let d = pts[0].distance(pts[1]).max(1.0);
                let m = Point::new((pts[0].x + pts[1].x) / 2.0, (pts[0].y + pts[1].y) / 2.0);
                let (factor, dx, dy) = (d / *distance, m.x - mid.x, m.y - mid.y);
                cmd.state
                    .camera
                    .view
                    .update(|v| *v = v.pan_by(dx, dy).zoom_at(m, factor));
                *distance = d;
                *mid = m;
            }
        }
        Gesture::Move {
            start,
            origins,
            moved,
            bounds,
            others,
        } => {
            let mut d = Point::new(w.x - start.x, w.y - start.y);
            let zoom = cmd.state.camera.view.get_untracked().zoom;
            if !*moved && (d.x.abs() + d.y.abs()) * zoom < 3.0 {
                return;
            }
            *moved = true;
            // Alt moves freely, as in Figma and Miro.
            if !e.alt_key() && bounds.w > 0.0 {
                let at = Rect::new(bounds.x + d.x, bounds.y + d.y, bounds.w, bounds.h);
                let snapped = cmd.snap(at, others);
                d = Point::new(d.x + snapped.by.x, d.y + snapped.by.y);
                guides.set(snapped.guides);
            } else {
                guides.set(Vec::new());
            }
            cmd.session()
                .edit(|txn, map| edit::apply_move(txn, map, origins, d));
        }
        Gesture::Marquee { start, kept } => {
            let area = Rect::from_corners(*start, w);
            draft.set(Some(Draft::Marquee(area)));
            let mut sel = kept.clone();
            cmd.session().model.with_all(|all| {
                let mut inside: Vec<&tafel_shared::element::Element> = all
                    .values()
                    .filter(|e| !e.is_connector() && area.contains_rect(&e.base.rect))
                    .collect();
                inside.sort_by(|a, b| tafel_shared::element::paint_order(a, b));
                for e in inside {
                    if !sel.contains(&e.base.id) {
                        sel.push(e.base.id.clone());
                    }
                }
            });
            cmd.select(cmd.with_groups(sel));
        }
        Gesture::Draw { tool, start } => {
            draft.set(Some(Draft::Box(*tool, Rect::from_corners(*start, w))))
        }
        Gesture::Pen { points } => {
            points.push(w);
            draft.set(Some(Draft::Pen(points.clone())));
        }
        Gesture::Connect { start, .. } => draft.set(Some(Draft::Line(*start, w))),
        Gesture::Reconnect { id, end } => cmd.move_connector_end(id, *end, "", w),
        Gesture::Resize {
            id,
            origin,
            start,
            corner,
            crop: Some(crop),
            ..
        } => {
            let wanted = resize(*origin, *corner, w.x - start.x, w.y - start.y, false, 8.0);
            let (r, crop) = tafel_shared::pictures::crop_to(*origin, *crop, wanted);
            let id = id.clone();
            cmd.session()
                .edit(|txn, map| edit::set_crop(txn, map, &id, r, &crop));
        }
        Gesture::Resize {
            id,
            origin,
            start,
            corner,
            crop: None,
            text_size,
        } => {
            if let Some(size) = *text_size {
                let r = resize(*origin, *corner, w.x - start.x, w.y - start.y, true, 8.0);
                let id = id.clone();
                cmd.scale_text(&id, size, r, r.h / origin.h.max(1.0));
                return;
            }
            // Pictures keep their proportions unless Shift frees them; other
            // elements keep them only with Shift.
            let picture = cmd
                .session()
                .model
                .get(id)
                .is_some_and(|el| matches!(el.props, Props::Image(_)));
            let r = resize(
                *origin,
                *corner,
                w.x - start.x,
                w.y - start.y,
                e.shift_key() != picture,
                24.0,
            );
            let id = id.clone();
            cmd.session()
                .edit(|txn, map| edit::set_rect(txn, map, &id, r));
        }
    }
}

fn pointer_up(
    cmd: Commands,
    i: &Input,
    draft: RwSignal<Option<Draft>>,
    guides: RwSignal<Vec<Guide>>,
    e: &PointerEvent,
    p: Point,
) {
    i.pointers.borrow_mut().remove(&e.pointer_id());
    let w = cmd.state.camera.to_world(p);
    let gesture = std::mem::take(&mut *i.gesture.borrow_mut());
    draft.set(None);
    let zoom = cmd.state.camera.view.get_untracked().zoom;
    guides.set(Vec::new());
    match gesture {
        Gesture::Reconnect { id, end } => {
            // Attached to what it is dropped on (not itself, not a connector).
            let onto = i
                .ids_under(&cmd, e.client_x(), e.client_y())
                .into_iter()
                .find(|under| {
                    *under != id
                        && cmd
                            .session()
                            .model
                            .get(under)
                            .is_some_and(|el| !el.is_connector())
                })
                .unwrap_or_default();
            cmd.move_connector_end(&id, end, &onto, w);
            cmd.session().model.end_undo_step();
        }
        Gesture::Move {
            origins,
            moved: true,
            ..
        } => {
            let ids: Vec<String> = origins.into_iter().map(|o| o.id).collect();
            let all = cmd.session().model.all();
            cmd.session()
                .edit(|txn, map| edit::reparent(txn, map, &all, &ids));
            cmd.session().model.end_undo_step();
        }
        Gesture::Resize { .. } => cmd.session().model.end_undo_step(),
        Gesture::Draw { tool, start } => {
            let mut r = Rect::from_corners(start, w);
            if r.w * zoom < 6.0 && r.h * zoom < 6.0 {
                let (dw, dh) = if tool == Tool::Frame {
                    (640.0, 420.0)
                } else {
                    (160.0, 100.0)
                };
                r = Rect::new(start.x - dw / 2.0, start.y - dh / 2.0, dw, dh);
            }
            let id = if tool == Tool::Frame {
                cmd.new_frame(r)
            } else {
                cmd.new_shape(tool, r)
            };
            if let Some(id) = id {
                cmd.select(vec![id]);
            }
            cmd.state.ui.tool.set(Tool::Select);
        }
        Gesture::Pen { mut points } => {
            points.push(w);
            cmd.new_pen(&simplify(&points, 1.5 / zoom));
        }
        Gesture::Connect { from, start } => {
            let under = web_sys::window()
                .and_then(|win| win.document())
                .and_then(|d| d.element_from_point(e.client_x() as f32, e.client_y() as f32));
            let to = i
                .id_at(&cmd, under.map(Into::into), e.client_x(), e.client_y())
                .filter(|id| {
                    Some(id) != from.as_ref()
                        && cmd
                            .session()
                            .model
                            .get(id)
                            .is_some_and(|e| !e.is_connector())
                });
            if from.is_some() || to.is_some() || start.distance(w) * zoom > 12.0 {
                cmd.new_connector(from.unwrap_or_default(), to.unwrap_or_default(), start, w);
            }
            cmd.state.ui.tool.set(Tool::Select);
        }
        _ => {}
    }
}

/// The lines that show what a moved selection lines up with.
#[component]
fn Guides(guides: RwSignal<Vec<Guide>>, #[prop(into)] view: Signal<Viewport>) -> impl IntoView {
    move || {
        let thin = 1.0 / view.get_untracked().zoom;
        guides
            .get()
            .into_iter()
            .map(|g| {
                let r = if g.vertical {
                    Rect::new(g.at - thin / 2.0, g.from, thin, g.to - g.from)
                } else {
                    Rect::new(g.from, g.at - thin / 2.0, g.to - g.from, thin)
                };
                view! {
                    <div class="guide" class:vertical=g.vertical
                        style:transform=format!("translate({}px, {}px)", r.x, r.y)
                        style:width=format!("{}px", r.w) style:height=format!("{}px", r.h)></div>
                }
            })
            .collect_view()
    }
}

#[component]
fn DraftView(draft: RwSignal<Option<Draft>>) -> impl IntoView {
    move || {
        draft.get().map(|d| match d {
            Draft::Marquee(r) => view! {
                <div class="marquee" style:transform=format!("translate({}px, {}px)", r.x, r.y)
                    style:width=format!("{}px", r.w) style:height=format!("{}px", r.h)></div>
            }
            .into_any(),
            Draft::Box(tool, r) => view! {
                <div class=format!("draft-box {}", tool.name()) style:transform=format!("translate({}px, {}px)", r.x, r.y)
                    style:width=format!("{}px", r.w) style:height=format!("{}px", r.h)></div>
            }
            .into_any(),
            Draft::Pen(points) => {
                let b = points_bounds(&points).unwrap_or_default().inflate(4.0);
                let rel: Vec<Point> = points.iter().map(|p| Point::new(p.x - b.x, p.y - b.y)).collect();
                view! {
                    <svg class="draft-pen" style:transform=format!("translate({}px, {}px)", b.x, b.y)
                        style:width=format!("{}px", b.w) style:height=format!("{}px", b.h)>
                        <path d=smooth_path(&rel) fill="none" stroke="#1f2328" stroke-width="3" stroke-linecap="round"/>
                    </svg>
                }
                .into_any()
            }
            Draft::Line(a, z) => {
                let r = Rect::from_corners(a, z).inflate(4.0);
                view! {
                    <svg class="draft-line" style:transform=format!("translate({}px, {}px)", r.x, r.y)
                        style:width=format!("{}px", r.w) style:height=format!("{}px", r.h)>
                        <line x1=a.x - r.x y1=a.y - r.y x2=z.x - r.x y2=z.y - r.y stroke="#2f6f5e" stroke-width="2" stroke-dasharray="6 4"/>
                    </svg>
                }
                .into_any()
            }
        })
    }
}

fn outline_box(r: Rect, pad: f64) -> (String, String, String) {
    (
        format!("translate({}px, {}px)", r.x - pad, r.y - pad),
        format!("{}px", r.w + 2.0 * pad),
        format!("{}px", r.h + 2.0 * pad),
    )
}

/// The rect a selection outline frames: connectors by their route.
fn selection_rect(model: &Model, id: &str) -> Option<Rect> {
    let e = model.view(id)?.get();
    if e.is_connector() {
        Some(crate::views::connector_route(model, &e).bounds())
    } else {
        Some(e.base.rect)
    }
}

/// Outlines around what you selected, with resize handles on a single element
/// you may change.
#[component]
fn SelectionBoxes(
    model: ModelRef,
    #[prop(into)] selected: Signal<Vec<String>>,
    /// Whether this participant may change the board now.
    editable: Signal<bool>,
    #[prop(into)] view: Signal<Viewport>,
) -> impl IntoView {
    // Outlines depend on the zoom, not on every pan step.
    let zoom = Memo::new(move |_| view.get().zoom);
    let boxes = move || {
        let sel = selected.get();
        let can_edit = editable.get();
        let zoom = zoom.get();
        model.with_value(|model| {
            let single = sel.len() == 1
                && sel
                    .first()
                    .and_then(|id| model.get(id))
                    .is_some_and(|e| can_edit && !e.base.locked);
            sel.iter()
                .filter_map(|id| {
                    let r = selection_rect(model, id)?;
                    let connector = model.get(id).is_some_and(|e| e.is_connector());
                    let (t, w, h) = outline_box(r, 3.0 / zoom);
                    let handle = (single && !connector).then(|| {
                        Corner::ALL
                            .into_iter()
                            .map(|(_, name)| view! {
                                <div class=format!("handle {name}") data-handle=name title=crate::i18n::t("canvas-resize-handle-title")
                                    style:transform=format!("scale({})", 1.0 / zoom)></div>
                            })
                            .collect_view()
                    });
                    // A connector's ends get handles to re-attach or free them.
                    let ends = (single && connector).then(|| {
                        let route = model.get(id).map(|c| crate::views::connector_route(model, &c))?;
                        let pad = 3.0 / zoom;
                        Some([(ConnectorEnd::From, route.start), (ConnectorEnd::To, route.end)]
                            .into_iter()
                            .map(|(end, at)| view! {
                                <div class="end-handle" data-end=end.name() title=crate::i18n::t("canvas-end-handle-title")
                                    style:left=format!("{}px", at.x - r.x + pad) style:top=format!("{}px", at.y - r.y + pad)
                                    style:transform=format!("translate(-50%, -50%) scale({})", 1.0 / zoom)></div>
                            })
                            .collect_view())
                    }).flatten();
                    Some(view! {
                        <div class="selection" style:transform=t style:width=w style:height=h
                            style:border-width=format!("{}px", 2.0 / zoom)>{handle}{ends}</div>
                    })
                })
                .collect_view()
        })
    };
    view! { <div class="selection-layer">{boxes}</div> }
}

/// Outlines around what the others selected, tagged with their names.
#[component]
fn RemoteSelections(
    model: ModelRef,
    #[prop(into)] peers: Signal<BTreeMap<u64, Presence>>,
    #[prop(into)] view: Signal<Viewport>,
) -> impl IntoView {
    let zoom = Memo::new(move |_| view.get().zoom);
    let boxes = move || {
        let zoom = zoom.get();
        model.with_value(|model| {
            peers
                .get()
                .into_values()
                .flat_map(|p| {
                    let color = p.user.color.clone();
                    let name = p.user.name.clone();
                    p.selection
                        .into_iter()
                        .filter_map(|id| selection_rect(model, &id).map(|r| (id, r)))
                        .map(move |(id, r)| {
                            let (t, w, h) = outline_box(r, 6.0 / zoom);
                            view! {
                                <div class="remote-selection" data-selected-by=name.clone() data-for=id
                                    style:transform=t style:width=w style:height=h
                                    style:border-color=color.clone() style:border-width=format!("{}px", 2.0 / zoom)>
                                    <span class="tag" style:background=color.clone() style:transform=format!("scale({})", 1.0 / zoom)>{name.clone()}</span>
                                </div>
                            }
                        })
                        .collect::<Vec<_>>()
                })
                .collect_view()
        })
    };
    view! { <div class="selection-layer">{boxes}</div> }
}

/// The others' pointers.
#[component]
fn Cursors(
    #[prop(into)] peers: Signal<BTreeMap<u64, Presence>>,
    #[prop(into)] view: Signal<Viewport>,
) -> impl IntoView {
    // One element per person, kept while they move, so the CSS transition can
    // smooth the throttled positions.
    let with_cursor = move || {
        peers.with(|p| {
            p.iter()
                .filter(|(_, p)| p.cursor.is_some())
                .map(|(id, _)| *id)
                .collect::<Vec<u64>>()
        })
    };
    view! {
        <div class="cursors" aria-hidden="true">
            <For each=with_cursor key=|id| *id children=move |id| {
                let person = move || peers.with(|p| p.get(&id).cloned());
                let transform = move || {
                    let v = view.get();
                    let at = person().and_then(|p| p.cursor).map(|c| v.to_screen(c)).unwrap_or_default();
                    format!("translate({}px, {}px)", at.x, at.y)
                };
                let name = move || person().map(|p| p.user.name).unwrap_or_default();
                let color = move || person().map(|p| p.user.color).unwrap_or_default();
                view! {
                    <div class="cursor" data-name=name style:transform=transform>
                        <svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">
                            <path d="M1 1 L1 15 L5 11 L8 17 L10 16 L7 10 L13 10 Z" fill=color stroke="#fff" stroke-width="1.2"/>
                        </svg>
                        <span class="name" style:background=color>{name}</span>
                    </div>
                }
            }/>
        </div>
    }
}

#[component]
fn TextEditor(cmd: Commands) -> impl IntoView {
    move || {
        cmd.state
            .selection
            .editing
            .get()
            .map(|id| view! { <Editor cmd id/> })
    }
}

#[component]
fn Editor(cmd: Commands, id: String) -> impl IntoView {
    let Some(signal) = cmd.session().model.view(&id) else {
        return ().into_any();
    };
    let is_frame = signal.with_untracked(|e| e.is_frame());
    let node = NodeRef::<leptos::html::Textarea>::new();
    let composing = StoredValue::new(false);
    let read = {
        let s = signal.clone();
        move || {
            s.with(|e| match &e.props {
                Props::Frame(f) => f.title.clone(),
                _ => e.text().to_owned(),
            })
        }
    };
    let initial = read();
    // Someone else typed in the same text: take their change, keep my caret.
    {
        let read = read.clone();
        Effect::new(move |_| {
            let remote = read();
            // Replacing the value mid-composition would cancel the IME input;
            // the next change after it ends brings the text up to date.
            if composing.get_value() {
                return;
            }
            let Some(area) = node.get_untracked() else {
                return;
            };
            let mine = area.value();
            if mine == remote {
                return;
            }
            let caret = area.selection_start().ok().flatten().unwrap_or(0) as usize;
            let caret_byte = tafel_shared::text::utf16_to_byte(&mine, caret);
            let moved = tafel_shared::text::carry_caret(&mine, &remote, caret_byte);
            area.set_value(&remote);
            let at = tafel_shared::text::byte_to_utf16(&remote, moved) as u32;
            let _ = area.set_selection_range(at, at);
        });
    }
    crate::views::focus_at_end(node);
    let input_id = id.clone();
    let id_for_route = id.clone();
    let on_input = move |_| {
        let Some(area) = node.get_untracked() else {
            return;
        };
        let value = area.value();
        if is_frame {
            cmd.session().set_field(&input_id, schema::F_TITLE, &value);
        } else {
            let caret = area
                .selection_start()
                .ok()
                .flatten()
                .map(|c| tafel_shared::text::utf16_to_byte(&value, c as usize));
            cmd.session().set_text(&input_id, &value, caret);
            cmd.fit_text_box(&input_id);
        }
    };
    let key_id = id.clone();
    let on_key = move |e: KeyboardEvent| {
        e.stop_propagation();
        let finish = e.key() == "Escape"
            || (e.key() == "Enter" && (is_frame || e.ctrl_key() || e.meta_key()));
        if finish {
            e.prevent_default();
            cmd.stop_editing();
            // Back to the element, so Tab goes on from there.
            let selector = format!(".element[data-id=\"{}\"]", key_id);
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(&selector).ok().flatten())
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        }
    };
    let on_blur = move |_| cmd.stop_editing();
    let s = signal.clone();
    let is_connector = signal.with_untracked(|e| e.is_connector());
    let route_mid = move || {
        let model = &cmd.session().model;
        model
            .get(&id_for_route)
            .map(|c| crate::views::connector_route(model, &c).midpoint())
            .unwrap_or_default()
    };
    let transform = move || {
        s.with(|e| {
            if is_connector {
                let m = route_mid();
                format!("translate({}px, {}px)", m.x - 90.0, m.y - 22.0)
            } else if e.is_frame() {
                // Over the title, inside the frame's top edge.
                format!(
                    "translate({}px, {}px)",
                    e.base.rect.x + 4.0,
                    e.base.rect.y + 4.0
                )
            } else {
                format!("translate({}px, {}px)", e.base.rect.x, e.base.rect.y)
            }
        })
    };
    let s = signal.clone();
    let width = move || {
        s.with(|e| {
            let w = match () {
                _ if e.is_frame() => e.base.rect.w.min(480.0),
                _ if e.is_connector() => 180.0,
                _ => e.base.rect.w,
            };
            format!("{w}px")
        })
    };
    let s = signal.clone();
    let height = move || {
        s.with(|e| {
            let h = match () {
                _ if e.is_frame() => 32.0,
                _ if e.is_connector() => 44.0,
                _ => e.base.rect.h,
            };
            format!("{h}px")
        })
    };
    let s = signal.clone();
    let background = move || {
        s.with(|e| match &e.props {
            Props::Sticky(p) => p.color.clone(),
            _ => "#ffffff".to_owned(),
        })
    };
    let s = signal.clone();
    let font = move || {
        s.with(|e| {
            let size = if e.is_frame() {
                16.0
            } else if e.is_connector() {
                15.0
            } else if let Some(size) = e.text_size() {
                size
            } else {
                let r = &e.base.rect;
                tafel_shared::text::fit_font_size(e.text(), r.w, r.h, PAD, 26.0, 9.0)
            };
            format!("{size}px")
        })
    };
    let label = signal.with_untracked(|e| {
        if e.is_frame() {
            t("canvas-frame-title-label")
        } else {
            t_with("canvas-text-of", &[("element", e.label().into())])
        }
    });
    // Notes and shapes show their text centred; so does the edit box.
    let s = signal.clone();
    let padding_top = move || {
        s.with(|e| {
            let centred = matches!(e.props, Props::Sticky(_) | Props::Shape(_));
            let pad = if e.text_size().is_some() {
                tafel_shared::text::TEXT_PAD
            } else if centred {
                let r = &e.base.rect;
                let size = tafel_shared::text::fit_font_size(e.text(), r.w, r.h, PAD, 26.0, 9.0);
                let used = tafel_shared::text::text_height(e.text(), r.w, PAD, size);
                ((r.h - used) / 2.0).max(PAD)
            } else {
                PAD
            };
            format!("{pad}px")
        })
    };
    // Notes, text and shapes are edited formatted; frame titles and connector
    // labels stay plain.
    let formatted = signal
        .with_untracked(|e| matches!(e.props, Props::Sticky(_) | Props::Text(_) | Props::Shape(_)));
    if formatted {
        let grows = signal.with_untracked(|e| e.text_size().is_some());
        let centred =
            signal.with_untracked(|e| matches!(e.props, Props::Sticky(_) | Props::Shape(_)));
        let box_node = NodeRef::<leptos::html::Div>::new();
        let editor = StoredValue::new_local(crate::rich_editor::RichEditor::new(
            cmd,
            signal.with_untracked(|e| e.base.id.clone()),
            box_node,
        ));
        Effect::new(move |_| {
            if let Some(el) = box_node.get() {
                editor.with_value(|r| r.open());
                let _ = el.focus();
                editor.with_value(|r| r.open());
            }
        });
        // Others' typing (and my own, drawn once more) shows as it comes.
        let s = signal.clone();
        Effect::new(move |first: Option<()>| {
            s.track();
            if first.is_some() {
                editor.with_value(|r| r.changed());
            }
        });
        let on_key = move |e: KeyboardEvent| {
            e.stop_propagation();
            let ctrl = e.ctrl_key() || e.meta_key();
            let key = e.key().to_lowercase();
            if e.key() == "Escape" || (e.key() == "Enter" && ctrl) {
                e.prevent_default();
                cmd.stop_editing();
            } else if ctrl && key == "b" {
                e.prevent_default();
                editor.with_value(|r| r.mark(tafel_shared::rich::Mark::Bold));
            } else if ctrl && key == "i" {
                e.prevent_default();
                editor.with_value(|r| r.mark(tafel_shared::rich::Mark::Italic));
            } else if ctrl && e.shift_key() && key == "x" {
                e.prevent_default();
                editor.with_value(|r| r.mark(tafel_shared::rich::Mark::Strike));
            }
        };
        return view! {
            <div class="rich-wrap" style:transform=transform style:width=width style:height=height>
                <crate::rich_editor::FormatBar editor/>
                <div
                    class="editor rich-editor"
                    class:grows=grows
                    class:centred=centred
                    node_ref=box_node
                    contenteditable="true"
                    role="textbox"
                    aria-multiline="true"
                    aria-label=label
                    spellcheck="true"
                    on:beforeinput=move |e: web_sys::InputEvent| editor.with_value(|r| r.before_input(&e))
                    on:compositionstart=move |_| editor.with_value(|r| r.composition_start())
                    on:compositionend=move |e: web_sys::CompositionEvent| {
                        let data = e.data().unwrap_or_default();
                        editor.with_value(|r| r.composition_end(&data));
                    }
                    on:keydown=on_key
                    on:blur=move |_| {
                        if !editor.with_value(|r| r.is_asking()) {
                            cmd.stop_editing();
                        }
                    }
                    on:pointerdown=|e| e.stop_propagation()
                    on:dblclick=|e| e.stop_propagation()
                    style:background=background
                    style:font-size=font
                    style:padding-top=move || padding_top()
                ></div>
            </div>
        }
        .into_any();
    }
    view! {
        <textarea
            class="editor"
            class:frame-title-editor=is_frame
            class:grows=move || signal.with(|e| e.text_size().is_some())
            node_ref=node
            aria-label=label
            prop:value=initial
            on:input=on_input
            on:keydown=on_key
            on:blur=on_blur
            on:pointerdown=|e| e.stop_propagation()
            on:dblclick=|e| e.stop_propagation()
            style:transform=transform
            style:width=width
            style:height=height
            style:background=background
            style:font-size=font
            style:padding-top=move || (!is_frame).then(&padding_top)
            on:compositionstart=move |_| composing.set_value(true)
            on:compositionend=move |_| composing.set_value(false)
        ></textarea>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dot_layer_puts_its_dots_where_the_board_puts_them_and_covers_the_canvas() {
        for zoom in [0.02, 0.05, 0.3, 1.0, 1.7, 4.0] {
            let step = dot_step(zoom);
            assert!((12.0..=GRID_BLEED).contains(&step), "{zoom}: {step}");
            for origin in [-1e6, -12_345.6, -3.0, 0.0, 7.5, 99_999.9] {
                let screen_origin = -origin * zoom;
                let shift = dot_shift(screen_origin, step);
                // The layer starts GRID_BLEED before the canvas: it covers the
                // canvas whatever the shift...
                assert!((0.0..step).contains(&shift), "{zoom} {origin}: {shift}");
                // ...and its tiles start where the board's would.
                let apart = (-GRID_BLEED + shift - screen_origin) / step;
                assert!(
                    (apart - apart.round()).abs() < 1e-6,
                    "{zoom} {origin}: {apart}"
                );
            }
        }
    }

    #[test]
    fn a_zoom_scales_the_dots_and_repaints_them_now_and_then_and_sharp_at_rest() {
        // Zooming from 100 % to 5 % and back over 180 frames, as the
        // benchmark's sweep does.
        let frames = 180;
        let mut grid: Option<DotGrid> = None;
        let mut repaints = 0;
        for n in 0..=frames {
            let out = if n <= frames / 2 { n } else { frames - n };
            let zoom = (-(20f64.ln()) * out as f64 / (frames / 2) as f64).exp();
            let step = dot_step(zoom);
            let next = DotGrid::for_step(step, grid, n > 0);
            assert!(
                (next.tile * next.scale - step).abs() < 1e-9,
                "dots where they belong"
            );
            assert!((1.0..DOT_SCALE_MAX).contains(&next.scale), "{next:?}");
            if grid.map(|g| g.tile) != Some(next.tile) {
                repaints += 1;
            }
            grid = Some(next);
        }
        assert!(
            repaints <= frames / 4,
            "painted {repaints} times in {frames} frames"
        );
        // At rest they are painted at their size, unscaled.
        let rest = DotGrid::for_step(dot_step(1.0), grid, false);
        assert_eq!(
            rest,
            DotGrid {
                tile: 24.0,
                scale: 1.0
            }
        );
    }
}
