//! The sketch layer: one 2D canvas that draws what the DOM does not hold. Far
//! out (below [`DETAIL_ZOOM`](crate::state::DETAIL_ZOOM)) it draws every note,
//! shape, text, stroke and connector as the plain cards and lines they are at
//! that size, so a board of thousands of notes costs one canvas instead of
//! thousands of nodes; frames (whose titles stay readable) and pictures stay in
//! the DOM. Close up it draws only the elements whose DOM views are still being
//! mounted a few per frame ([`Mounting`]), so nothing is missing while a zoom
//! brings hundreds of notes into view.
//!
//! What the canvas shows cannot be found with `elementFromPoint`, so it keeps
//! the ids it drew for [`under`], which hit-tests them by geometry.

use crate::model::{Model, ModelRef};
use crate::state::Camera;
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use tafel_shared::draw::colour;
use tafel_shared::edit::connector_route;
use tafel_shared::element::{Element, Props};
use tafel_shared::geometry::{Bend, Outline, Point, Rect, Route};
use tafel_shared::text::fit_font_size;
use tafel_shared::workshop::RoundSettings;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Path2d};

/// Line colour of what has none set (as on the DOM board).
const INK: &str = "#1f2328";

/// How far, in screen pixels, a click may miss a drawn element and still pick it.
pub const HIT_SLOP_PX: f64 = 4.0;

/// Whether far out the canvas draws this kind (frames and pictures stay DOM).
pub fn drawn_far(e: &Element) -> bool {
    matches!(
        e.props,
        Props::Sticky(_) | Props::Text(_) | Props::Shape(_) | Props::Pen(_) | Props::Connector(_)
    )
}

/// What the canvas may draw (drawable, in paint order, with where each
/// reaches), worked out again only when the board changes rather than on every
/// frame of a pan, and the board area it shows: what [`under`] can find.
#[derive(Default)]
pub struct Sketched(RefCell<Option<(Rc<Candidates>, Rect)>>);

/// Element ids in paint order with where each one's drawing reaches.
type Candidates = Vec<(String, Rect)>;

impl Sketched {
    /// Whether the canvas shows anything.
    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_none()
    }
}

/// The elements the canvas shows at board point `p`, topmost first, within
/// `tolerance` board units.
pub fn under(model: &Model, sketched: &Sketched, p: Point, tolerance: f64) -> Vec<String> {
    let Some((candidates, area)) = sketched.0.borrow().clone() else {
        return Vec::new();
    };
    model.with_all(|all| {
        candidates
            .iter()
            .rev()
            .filter(|(_, reach)| reach.intersects(&area))
            .filter(|(id, _)| {
                all.get(id.as_str()).is_some_and(|e| {
                    let route = e
                        .is_connector()
                        .then(|| connector_route(|id| all.get(id), e));
                    e.hit(p, tolerance, route.as_ref())
                })
            })
            .map(|(id, _)| id.clone())
            .collect()
    })
}

/// Where an element's drawing reaches, for culling: a connector's route, the
/// rect of everything else.
pub fn reach(all: &HashMap<String, Element>, e: &Element) -> Rect {
    if e.is_connector() {
        connector_route(|id| all.get(id), e).bounds()
    } else {
        e.base.rect
    }
}

/// The DOM views being mounted: those wanted in view are added a batch per
/// frame, nearest the middle of the screen first, so bringing hundreds of
/// notes into view never costs one long frame; what the canvas should draw
/// meanwhile is `pending`. While the view moves nothing is mounted: the world
/// is then one composited picture, and each new view in it costs a frame of
/// work over all views mounted (up to 180 ms at 800 views, BENCHMARKS.md "far
/// out on a canvas"), where the canvas draws the same elements as cards in a
/// few milliseconds. Mounting resumes once the view rests.
#[derive(Clone, Copy)]
pub struct Mounting {
    /// The ids whose DOM views exist, in paint order.
    pub mounted: RwSignal<Vec<String>>,
    /// Wanted but not mounted yet.
    pub pending: RwSignal<Vec<String>>,
}

/// New DOM views per frame. Chosen, not tuned: BENCHMARKS.md ("far out on a
/// canvas") shows that the slow frames of a zoom come from all the views
/// mounted, not from the batch.
pub const MOUNT_BATCH: usize = 40;

/// Views no longer wanted that are unmounted per frame.
pub const UNMOUNT_BATCH: usize = 200;

impl Mounting {
    /// Mounting towards `wanted` (element ids in paint order), with the
    /// element cache to find where each is.
    pub fn follow(
        model: ModelRef,
        camera: Camera,
        wanted: Memo<Vec<String>>,
        moving: Signal<bool>,
    ) -> Mounting {
        let mounting = Mounting {
            mounted: RwSignal::new(Vec::new()),
            pending: RwSignal::new(Vec::new()),
        };
        let scheduled = Rc::new(std::cell::Cell::new(false));
        let step: Rc<dyn Fn() -> bool> = Rc::new(move || {
            // A frame may still come after the board was left.
            let Some(paused) = moving.try_get_untracked() else {
                return false;
            };
            let batch = if paused { 0 } else { MOUNT_BATCH };
            mounting.step(model, camera, wanted, batch)
        });
        Effect::new(move |_| {
            wanted.track();
            moving.track();
            if step() && !scheduled.replace(true) {
                next_frames(Rc::clone(&step), Rc::clone(&scheduled));
            }
        });
        mounting
    }

    /// One batch: unmounts up to [`UNMOUNT_BATCH`] views no longer wanted
    /// (those of deleted elements at once) and mounts up to `batch` more.
    /// Returns whether there is more to do now.
    fn step(
        self,
        model: ModelRef,
        camera: Camera,
        wanted: Memo<Vec<String>>,
        batch: usize,
    ) -> bool {
        let Some(wanted) = wanted.try_get_untracked() else {
            return false;
        };
        let Some(mounted) = self.mounted.try_get_untracked() else {
            return false;
        };
        let now: HashSet<&str> = mounted.iter().map(String::as_str).collect();
        let wanted_set: HashSet<&str> = wanted.iter().map(String::as_str).collect();
        let middle = camera.screen_center();
        let (next, pending, more) = model.with_value(|m| {
            let order = m.order.get_untracked();
            m.with_all(|all| {
                let distance = |id: &str| {
                    all.get(id)
                        .map_or(f64::INFINITY, |e| e.base.rect.center().distance(middle))
                };
                let mut missing: Vec<(f64, &str)> = wanted
                    .iter()
                    .filter(|id| !now.contains(id.as_str()))
                    .map(|id| (distance(id), id.as_str()))
                    .collect();
                missing.sort_by(|a, b| a.0.total_cmp(&b.0));
                let taken: HashSet<&str> = missing.iter().take(batch).map(|m| m.1).collect();
                // Unmounting thousands of views at once (zooming out past the
                // detail threshold) is one long frame too: the farthest go first.
                let mut stale: Vec<(f64, &str)> = mounted
                    .iter()
                    .filter(|id| !wanted_set.contains(id.as_str()) && all.contains_key(id.as_str()))
                    .map(|id| (distance(id), id.as_str()))
                    .collect();
                stale.sort_by(|a, b| b.0.total_cmp(&a.0));
                let kept: HashSet<&str> = stale.iter().skip(UNMOUNT_BATCH).map(|s| s.1).collect();
                let next: Vec<String> = order
                    .iter()
                    .filter(|id| {
                        let id = id.as_str();
                        (now.contains(id) && (wanted_set.contains(id) || kept.contains(id)))
                            || taken.contains(id)
                    })
                    .cloned()
                    .collect();
                let pending: Vec<String> = wanted
                    .iter()
                    .filter(|id| !now.contains(id.as_str()) && !taken.contains(id.as_str()))
                    .cloned()
                    .collect();
                // Paused mounting resumes when the view rests (an effect).
                let more = (batch > 0 && !pending.is_empty()) || !kept.is_empty();
                (next, pending, more)
            })
        });
        if next != mounted {
            self.mounted.set(next);
        }
        if self.pending.with_untracked(|p| *p != pending) {
            self.pending.set(pending);
        }
        more
    }
}

/// Runs `step` once per animation frame until it has nothing more to do.
fn next_frames(step: Rc<dyn Fn() -> bool>, scheduled: Rc<std::cell::Cell<bool>>) {
    crate::timer::next_frame(move || {
        if step() {
            next_frames(step, scheduled);
        } else {
            scheduled.set(false);
        }
    });
}

/// The canvas, inside the board's world (so it sits above the DOM elements and
/// below selections and cursors), covering the screen.
#[component]
pub fn Sketch(
    /// The board replica.
    model: ModelRef,
    /// What part of the board is on screen.
    camera: Camera,
    /// The open round's settings while clicks vote (what it leaves out is dimmed).
    scope: Signal<Option<RoundSettings>>,
    /// The DOM views not mounted yet.
    pending: RwSignal<Vec<String>>,
    /// Where the ids drawn are kept for hit tests.
    sketched: StoredValue<Rc<Sketched>, LocalStorage>,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let painter: Rc<RefCell<Painter>> = Rc::default();
    let candidates: Rc<RefCell<Option<Worked>>> = Rc::default();
    Effect::new(move |_| {
        let view = camera.view.get();
        let (w, h) = camera.screen.get();
        let far = !camera.detailed.get();
        let pending = pending.get();
        let (changes, elements) = model.with_value(|m| (m.changes.get(), m.order.with(Vec::len)));
        let scope = scope.get();
        let Some(el) = canvas.get() else { return };
        if !far && pending.is_empty() {
            let _ = web_sys::HtmlElement::style(&el).set_property("display", "none");
            // A frame loop still scheduled ends by itself; it must not be
            // started twice.
            let mut p = painter.borrow_mut();
            *p = Painter {
                scheduled: p.scheduled,
                ..Painter::default()
            };
            drop(p);
            sketched.with_value(|s| s.0.replace(None));
            return;
        }
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let inputs = Inputs {
            far,
            changes,
            elements,
            pending,
            scope,
            size: ((w * dpr).round() as u32, (h * dpr).round() as u32),
            css_size: (w, h),
            scale: dpr * view.zoom,
            zoom: view.zoom,
        };
        model.with_value(|m| {
            m.with_all(|all| {
                let list = {
                    let mut cached = candidates.borrow_mut();
                    match &*cached {
                        Some(worked) if worked.of.same_board(&inputs) => Rc::clone(&worked.list),
                        _ => {
                            let list = Rc::new(drawable(&m.order.get_untracked(), all, &inputs));
                            *cached = Some(Worked {
                                of: inputs.clone(),
                                list: Rc::clone(&list),
                            });
                            list
                        }
                    }
                };
                let area = view.visible(w, h);
                sketched.with_value(|s| s.0.replace(Some((Rc::clone(&list), area))));
                let start = {
                    let mut p = painter.borrow_mut();
                    p.wanted = Some(Wanted {
                        inputs,
                        origin: view.origin,
                        list,
                    });
                    // While frames are drawing, the next one takes this up.
                    let start = !p.scheduled && p.step(&el, all);
                    p.scheduled |= start;
                    start
                };
                if start {
                    keep_drawing(Rc::clone(&painter), model, el);
                }
            });
        });
    });
    view! { <canvas class="sketch" node_ref=canvas aria-hidden="true"></canvas> }
}

/// Everything the canvas's pixels depend on but where the view stands.
#[derive(Clone, PartialEq)]
struct Inputs {
    far: bool,
    changes: u64,
    elements: usize,
    pending: Vec<String>,
    scope: Option<RoundSettings>,
    /// In device pixels.
    size: (u32, u32),
    css_size: (f64, f64),
    /// Device pixels per board unit.
    scale: f64,
    zoom: f64,
}

impl Inputs {
    /// Whether the same elements are drawable with the same reach.
    fn same_board(&self, other: &Inputs) -> bool {
        (self.far, self.changes, self.elements, &self.pending)
            == (other.far, other.changes, other.elements, &other.pending)
    }
}

/// The candidates worked out for a board (as `of` had it).
struct Worked {
    of: Inputs,
    list: Rc<Candidates>,
}

/// What the canvas may draw, in paint order: everything it draws far out, or
/// the views still being mounted.
fn drawable(order: &[String], all: &HashMap<String, Element>, inputs: &Inputs) -> Candidates {
    let pending: HashSet<&str> = inputs.pending.iter().map(String::as_str).collect();
    order
        .iter()
        .filter_map(|id| all.get(id))
        .filter(|e| (inputs.far && drawn_far(e)) || pending.contains(e.base.id.as_str()))
        .map(|e| (e.base.id.clone(), reach(all, e)))
        .collect()
}

/// What the canvas holds: drawn from `inputs`, with `origin` (a board point)
/// at its top-left pixel. After a pan that origin may trail the view's by less
/// than a device pixel: the canvas is placed at it, so its pixels stay exactly
/// where they were drawn.
struct Painted {
    inputs: Inputs,
    origin: Point,
}

/// What the canvas should show next.
struct Wanted {
    inputs: Inputs,
    origin: Point,
    list: Rc<Candidates>,
}

/// A whole drawing under way on the back canvas, a slice per frame.
struct Drawing {
    wanted: Wanted,
    /// The next candidate to draw.
    next: usize,
}

/// Time one frame spends on a drawing, rasterising included. A whole far-out
/// view of 10,000 elements takes 15–25 ms to record and more to rasterise
/// (BENCHMARKS.md, "20,000 elements"): in slices, each frame stays short, and
/// the canvas shows the last whole drawing, scaled with the world, until the
/// next one is ready. The first drawing has nothing to show meanwhile and is
/// made at once. 3.5 ms rather than 5 brings the p95 of a far-out frame over
/// 20,000 elements nearer a display frame (BENCHMARKS.md, "the zoom sweep"),
/// at the cost of drawings that take a frame or two longer.
const SLICE_MS: f64 = 3.5;

/// Draws the sketch canvas: a pan moves the pixels drawn and draws only the
/// strips it uncovers; anything else (a zoom, a change) is drawn whole on a
/// back canvas in slices of [`SLICE_MS`] and copied over once complete.
struct Painter {
    /// Whether [`keep_drawing`] runs.
    scheduled: bool,
    painted: Option<Painted>,
    wanted: Option<Wanted>,
    drawing: Option<Drawing>,
    back: Option<web_sys::HtmlCanvasElement>,
    /// What one element has cost lately, recording and rasterising, in ms:
    /// how many a slice takes.
    per_element_ms: f64,
}

impl Default for Painter {
    fn default() -> Self {
        Self {
            scheduled: false,
            painted: None,
            wanted: None,
            drawing: None,
            back: None,
            per_element_ms: 0.005,
        }
    }
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn context(el: &web_sys::HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    el.get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
}

/// Sizes `el` for `inputs` (which clears it when the size changes).
fn size(el: &web_sys::HtmlCanvasElement, inputs: &Inputs) {
    let (pw, ph) = inputs.size;
    if el.width() != pw || el.height() != ph {
        el.set_width(pw);
        el.set_height(ph);
        let style = web_sys::HtmlElement::style(el);
        let (w, h) = inputs.css_size;
        let _ = style.set_property("width", &format!("{w}px"));
        let _ = style.set_property("height", &format!("{h}px"));
    }
}

/// Shows the front canvas with its top-left pixel at board point `origin`.
fn place(el: &web_sys::HtmlCanvasElement, inputs: &Inputs, origin: Point) {
    let style = web_sys::HtmlElement::style(el);
    let _ = style.set_property("display", "block");
    // Inside the world, which scales by the zoom: undo that, so one canvas
    // pixel is one screen pixel, and stand at the pixels' corner.
    let _ = style.set_property(
        "transform",
        &format!(
            "translate({}px, {}px) scale({})",
            origin.x,
            origin.y,
            1.0 / inputs.zoom
        ),
    );
}

/// Runs [`Painter::step`] once per animation frame until it is done.
fn keep_drawing(painter: Rc<RefCell<Painter>>, model: ModelRef, el: web_sys::HtmlCanvasElement) {
    crate::timer::next_frame(move || {
        let more = model
            .try_with_value(|m| m.with_all(|all| painter.borrow_mut().step(&el, all)))
            .unwrap_or(false);
        if more {
            keep_drawing(painter, model, el);
        } else {
            painter.borrow_mut().scheduled = false;
        }
    });
}

impl Painter {
    /// Works towards what is wanted for up to [`SLICE_MS`]; returns whether
    /// there is more to do in the next frame.
    fn step(&mut self, el: &web_sys::HtmlCanvasElement, all: &HashMap<String, Element>) -> bool {
        let deadline = now_ms() + SLICE_MS;
        loop {
            if self.drawing.is_some() {
                if !self.draw_slice(all) {
                    return true;
                }
                self.show_back(el);
            }
            let Some(wanted) = self.wanted.take() else {
                return false;
            };
            match &self.painted {
                Some(p) if p.inputs == wanted.inputs => {
                    self.pan(el, &wanted, all);
                }
                _ => {
                    self.start_drawing(wanted);
                }
            }
            if now_ms() >= deadline {
                return self.drawing.is_some() || self.wanted.is_some();
            }
        }
    }

    /// A pan: moves the pixels drawn and draws the strips it uncovers, or
    /// draws everything when it moved further than the canvas is wide.
    fn pan(
        &mut self,
        el: &web_sys::HtmlCanvasElement,
        wanted: &Wanted,
        all: &HashMap<String, Element>,
    ) {
        let Some(before) = self.painted.take() else {
            return;
        };
        let Some(ctx) = context(el) else { return };
        let inputs = &wanted.inputs;
        let s = inputs.scale;
        let (dw, dh) = (f64::from(inputs.size.0), f64::from(inputs.size.1));
        let dx = ((wanted.origin.x - before.origin.x) * s).round();
        let dy = ((wanted.origin.y - before.origin.y) * s).round();
        if dx.abs() >= dw || dy.abs() >= dh {
            self.start_drawing(Wanted {
                inputs: inputs.clone(),
                origin: wanted.origin,
                list: Rc::clone(&wanted.list),
            });
            return;
        }
        let origin = Point::new(before.origin.x + dx / s, before.origin.y + dy / s);
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        if dx != 0.0 || dy != 0.0 {
            let _ = ctx.set_global_composite_operation("copy");
            let _ = ctx.draw_image_with_html_canvas_element(el, -dx, -dy);
            let _ = ctx.set_global_composite_operation("source-over");
        }
        let mut strips = Vec::new();
        if dx > 0.0 {
            strips.push(Rect::new(dw - dx, 0.0, dx, dh));
        } else if dx < 0.0 {
            strips.push(Rect::new(0.0, 0.0, -dx, dh));
        }
        if dy > 0.0 {
            strips.push(Rect::new(0.0, dh - dy, dw, dy));
        } else if dy < 0.0 {
            strips.push(Rect::new(0.0, 0.0, dw, -dy));
        }
        place(el, inputs, origin);
        if !strips.is_empty() {
            ctx.save();
            ctx.begin_path();
            for r in &strips {
                ctx.clear_rect(r.x, r.y, r.w, r.h);
                ctx.rect(r.x, r.y, r.w, r.h);
            }
            ctx.clip();
            let areas: Vec<Rect> = strips
                .iter()
                .map(|r| Rect::new(origin.x + r.x / s, origin.y + r.y / s, r.w / s, r.h / s))
                .collect();
            draw(
                &ctx,
                &Wanted {
                    inputs: inputs.clone(),
                    origin,
                    list: Rc::clone(&wanted.list),
                },
                0,
                &areas,
                all,
                usize::MAX,
            );
            ctx.restore();
        }
        self.painted = Some(Painted {
            inputs: inputs.clone(),
            origin,
        });
    }

    /// Begins drawing `wanted` whole on the back canvas.
    fn start_drawing(&mut self, wanted: Wanted) {
        if self.back.is_none() {
            self.back = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.create_element("canvas").ok())
                .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        }
        if let Some(back) = &self.back {
            size(back, &wanted.inputs);
            if let Some(ctx) = context(back) {
                let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
                let (pw, ph) = wanted.inputs.size;
                ctx.clear_rect(0.0, 0.0, f64::from(pw), f64::from(ph));
            }
        }
        self.drawing = Some(Drawing { wanted, next: 0 });
    }

    /// Draws the next elements of the drawing under way until `deadline`;
    /// returns whether it is complete.
    fn draw_slice(&mut self, all: &HashMap<String, Element>) -> bool {
        let at_once = self.painted.is_none();
        let (Some(drawing), Some(back)) = (self.drawing.as_mut(), self.back.as_ref()) else {
            return true;
        };
        let Some(ctx) = context(back) else {
            return true;
        };
        let w = &drawing.wanted;
        let s = w.inputs.scale;
        let (pw, ph) = w.inputs.size;
        let area = Rect::new(w.origin.x, w.origin.y, f64::from(pw) / s, f64::from(ph) / s);
        let most = if at_once {
            usize::MAX
        } else {
            ((SLICE_MS / self.per_element_ms) as usize).max(64)
        };
        let started = now_ms();
        let (next, drawn) = draw(&ctx, w, drawing.next, &[area], all, most);
        drawing.next = next;
        // Rasterised now, inside the slice, rather than all at once when the
        // drawing is copied (the browser records canvas calls and rasterises
        // them later; that is most of the cost).
        let _ = ctx.get_image_data(0.0, 0.0, 1.0, 1.0);
        if drawn > 0 {
            let each = (now_ms() - started) / drawn as f64;
            self.per_element_ms = (self.per_element_ms + each) / 2.0;
        }
        drawing.next >= w.list.len()
    }

    /// Copies the completed back drawing onto the front canvas.
    fn show_back(&mut self, el: &web_sys::HtmlCanvasElement) {
        let Some(drawing) = self.drawing.take() else {
            return;
        };
        let (Some(back), Some(ctx)) = (self.back.as_ref(), context(el)) else {
            return;
        };
        let Wanted { inputs, origin, .. } = drawing.wanted;
        size(el, &inputs);
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        let _ = ctx.set_global_composite_operation("copy");
        let _ = ctx.draw_image_with_html_canvas_element(back, 0.0, 0.0);
        let _ = ctx.set_global_composite_operation("source-over");
        place(el, &inputs, origin);
        self.painted = Some(Painted { inputs, origin });
    }
}

/// Draws, from candidate `from` on, those that reach into one of `areas`, in
/// batches, at most `most` of them; returns the next candidate to draw and how
/// many were drawn.
fn draw(
    ctx: &CanvasRenderingContext2d,
    wanted: &Wanted,
    from: usize,
    areas: &[Rect],
    all: &HashMap<String, Element>,
    most: usize,
) -> (usize, usize) {
    let Wanted {
        inputs,
        origin,
        list: candidates,
    } = wanted;
    let s = inputs.scale;
    let _ = ctx.set_transform(s, 0.0, 0.0, s, -origin.x * s, -origin.y * s);
    let (pw, ph) = inputs.size;
    let area = Rect::new(origin.x, origin.y, f64::from(pw) / s, f64::from(ph) / s);
    let mut batches = Batches::new(area);
    let mut words = Vec::new();
    let with_words = !inputs.far && inputs.pending.len() <= MOST_WORDS;
    let (mut next, mut drawn) = (from, 0);
    for (id, reach) in candidates.iter().skip(from) {
        if drawn >= most {
            break;
        }
        next += 1;
        if areas.iter().any(|a| reach.intersects(a)) {
            if let Some(e) = all.get(id) {
                add(&mut batches, all, e, *reach, inputs);
                if with_words {
                    words.push((next, e));
                }
                drawn += 1;
            }
        }
    }
    batches.draw(ctx);
    // Words go on top of every card: those of an element that something
    // drawn after it overlaps (a pile of notes) are left to its view.
    let dark = !words.is_empty() && prefers_dark();
    for (after, e) in words {
        let covered = candidates[after..]
            .iter()
            .any(|(_, reach)| reach.intersects(&e.base.rect));
        if !covered {
            draw_words(ctx, e, inputs, dark);
        }
    }
    (next, drawn)
}

/// Whether `e` is outside the running vote's scope, and drawn faint.
fn dimmed(e: &Element, inputs: &Inputs) -> bool {
    inputs
        .scope
        .as_ref()
        .is_some_and(|r| !e.is_frame() && !r.admits(e))
}

/// Whether the page is in the dark colour scheme (`prefers-color-scheme`).
fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The most views waiting to be mounted whose words the canvas sets: more
/// (a zoom in passing 30–45 %, where hundreds of notes come into view at
/// once) would cost each frame of the zoom tens of milliseconds of type, for
/// words a few pixels high; they show once the views are mounted.
const MOST_WORDS: usize = 400;

/// The words of a note or shape whose DOM view is still being mounted, set
/// as its view sets them (size, wrapping, centred), so that a zoom in shows
/// text before the views arrive. Not far out, where they are too small.
/// `dark`: the page is in the dark colour scheme.
fn draw_words(ctx: &CanvasRenderingContext2d, e: &Element, inputs: &Inputs, dark: bool) {
    let r = e.base.rect;
    let pad = crate::views::PAD;
    // As `views`: a note's words fill it, a shape's its middle 80 %.
    let (size, inner_w) = match &e.props {
        Props::Sticky(_) => (
            fit_font_size(e.text(), r.w, r.h, pad, 26.0, 9.0),
            r.w - 2.0 * pad,
        ),
        // The view's words are at most 80 % as wide as the shape, unpadded.
        Props::Shape(_) => (
            fit_font_size(e.text(), r.w * 0.8, r.h * 0.8, pad, 22.0, 9.0),
            r.w * 0.8,
        ),
        _ => return,
    };
    // Below a few pixels on screen nobody reads them.
    if e.text().trim().is_empty() || size * inputs.zoom < 4.0 {
        return;
    }
    let font = format!("{size}px Inter, system-ui, sans-serif");
    ctx.set_font(&font);
    let lines = wrapped(ctx, &e.base.id, e.text(), &font, inner_w.max(size));
    let line_h = 1.3 * size;
    let height = lines.len() as f64 * line_h;
    // Centred, or from the top when it does not fit (`safe center`).
    let top = (r.y + (r.h - height) / 2.0).max(r.y + pad);
    ctx.save();
    ctx.begin_path();
    ctx.rect(r.x, r.y, r.w, r.h);
    ctx.clip();
    ctx.set_global_alpha(if dimmed(e, inputs) { 0.35 } else { 1.0 });
    // As the style sheet: light words on a shape in the dark scheme.
    let light = matches!(e.props, Props::Shape(_)) && dark;
    ctx.set_fill_style_str(if light { "#e8e6e1" } else { "#1f2328" });
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    for (i, line) in lines.iter().enumerate() {
        let y = top + (i as f64 + 0.5) * line_h;
        if y - line_h > r.bottom() {
            break;
        }
        let _ = ctx.fill_text(line, r.x + r.w / 2.0, y);
    }
    ctx.restore();
}

thread_local! {
    /// Lines of text already wrapped, by element: a zoom draws the same
    /// notes frame after frame, and measuring their words is most of it.
    static WRAPPED: RefCell<HashMap<String, Wrapped>> = RefCell::new(HashMap::new());
}

thread_local! {
    static FONTS_LOADED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the page's fonts have loaded (they stay loaded): lines wrapped
/// before then were measured in a fallback font, and are not kept.
fn fonts_loaded() -> bool {
    FONTS_LOADED.with(|loaded| {
        if !loaded.get() {
            loaded.set(
                web_sys::window()
                    .and_then(|w| w.document())
                    .is_some_and(|d| d.fonts().status() == web_sys::FontFaceSetLoadStatus::Loaded),
            );
        }
        loaded.get()
    })
}

/// Lines of an element's text, with the text, font and width (its bits)
/// they were wrapped for.
type Wrapped = (String, String, u64, Rc<Vec<String>>);

/// `text` broken into lines no wider than `width` in `font` (set on `ctx`):
/// at spaces, and inside a word only where the word alone is wider, as
/// `overflow-wrap: anywhere` breaks it.
fn wrapped(
    ctx: &CanvasRenderingContext2d,
    id: &str,
    text: &str,
    font: &str,
    width: f64,
) -> Rc<Vec<String>> {
    let cached = WRAPPED.with_borrow(|w| {
        w.get(id)
            .filter(|(t, f, wd, _)| t == text && f == font && *wd == width.to_bits())
            .map(|(.., lines)| Rc::clone(lines))
    });
    if let Some(lines) = cached {
        return lines;
    }
    let measure = |s: &str| ctx.measure_text(s).map_or(0.0, |m| m.width());
    let mut lines = Vec::new();
    // `pre-wrap` shows no line for a last line break.
    let text = text.strip_suffix('\n').unwrap_or(text);
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let tried = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if measure(&tried) <= width || line.is_empty() && word.is_empty() {
                line = tried;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if measure(word) <= width {
                line = word.to_owned();
                continue;
            }
            // A word wider than the line on its own is cut where it overflows.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if measure(&piece) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::replace(&mut piece, c.to_string()));
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    let lines = Rc::new(lines);
    if !fonts_loaded() {
        // Measured in a fallback font: measured again once Inter is there.
        return lines;
    }
    WRAPPED.with_borrow_mut(|w| {
        // Bounded: a long session over a big board re-measures now and then.
        if w.len() > 20_000 {
            w.clear();
        }
        let entry = (
            text.to_owned(),
            font.to_owned(),
            width.to_bits(),
            Rc::clone(&lines),
        );
        w.insert(id.to_owned(), entry);
    });
    lines
}

/// Adds `e`'s drawing to the batch of its look.
fn add<'a>(
    batches: &mut Batches<'a>,
    all: &HashMap<String, Element>,
    e: &'a Element,
    reach: Rect,
    inputs: &Inputs,
) {
    let dimmed = dimmed(e, inputs);
    let alpha = if dimmed { 0.35 } else { 1.0 };
    // Lines keep a width on screen, as the DOM's do, however far out.
    let px = 1.0 / inputs.zoom;
    let look = |fill, stroke, width| Look {
        fill,
        stroke,
        width,
        alpha,
    };
    let r = e.base.rect;
    match &e.props {
        Props::Sticky(p) => {
            let Some(b) = batches.take(look(Some(colour(&p.color, "#ffd43b")), None, 0.0), reach)
            else {
                return;
            };
            b.fill.rect(r.x, r.y, r.w, r.h);
        }
        Props::Text(p) if !p.text.trim().is_empty() => {
            // Words too small to read: a faint line where they are.
            let faint = Look {
                alpha: if dimmed { 0.12 } else { 0.3 },
                ..look(Some(colour(&p.stroke, INK)), None, 0.0)
            };
            let bar = (r.h * 0.4).min(36.0);
            let Some(b) = batches.take(faint, reach) else {
                return;
            };
            b.fill.rect(r.x, r.y + (r.h - bar) / 2.0, r.w, bar);
        }
        Props::Shape(p) => {
            let shape = look(
                Some(colour(&p.fill, "#ffffff")),
                Some(colour(&p.stroke, INK)),
                (2.0_f64).max(px),
            );
            let Some(b) = batches.take(shape, reach) else {
                return;
            };
            outline_path(&b.fill, p.outline, &r);
            outline_path(&b.stroke, p.outline, &r);
        }
        Props::Pen(p) => {
            let Some(b) = batches.take(look(None, Some(colour(&p.stroke, INK)), 3.0 * px), reach)
            else {
                return;
            };
            polyline(&b.stroke, &e.pen_on_board());
        }
        Props::Connector(p) => {
            let ink = colour(&p.stroke, INK);
            let route = connector_route(|id| all.get(id), e);
            let Some(b) = batches.take(look(Some(ink), Some(ink), (2.0_f64).max(px)), reach) else {
                return;
            };
            route_path(&b.stroke, &route);
            let (left, right) = route.arrowhead(14.0_f64.max(6.0 * px));
            polyline(&b.fill, &[route.end, left, right]);
            b.fill.close_path();
        }
        // Only while their DOM views are being mounted.
        Props::Frame(_) => {
            let Some(b) = batches.take(look(None, Some("#c9c4b6"), 1.5_f64.max(px)), reach) else {
                return;
            };
            b.stroke.rect(r.x, r.y, r.w, r.h);
        }
        Props::Image(_) => {
            let Some(b) = batches.take(look(Some("#e9ecef"), None, 0.0), reach) else {
                return;
            };
            b.fill.rect(r.x, r.y, r.w, r.h);
        }
        Props::Text(_) | Props::Unknown => {}
    }
}

/// How a batch's paths are filled and stroked.
#[derive(Clone, Copy, PartialEq)]
struct Look<'a> {
    fill: Option<&'a str>,
    stroke: Option<&'a str>,
    width: f64,
    alpha: f64,
}

impl Look<'_> {
    /// Whether members must not overlap each other: one's fill would cover
    /// another's outline, which one fill and one stroke for all cannot show.
    fn layered(&self) -> bool {
        matches!((self.fill, self.stroke), (Some(f), Some(s)) if f != s)
    }
}

/// Elements of one look, as one path to fill and one to stroke.
struct Batch<'a> {
    look: Look<'a>,
    fill: Path2d,
    stroke: Path2d,
}

/// Side of the grid [`Plan`] tracks overlaps on, in cells.
const GRID: usize = 64;

/// Which batch each element is drawn in, so that a board costs a few canvas
/// calls per colour instead of several per element (20,000 fills and strokes
/// took 60 ms a frame). An element joins the newest batch of its look unless a
/// later batch overlaps it (on a coarse grid over the canvas), so the picture
/// is the one that drawing them one by one in order would give.
struct Plan<K> {
    /// The newest batch of each look.
    latest: Vec<(K, usize)>,
    batches: usize,
    area: Rect,
    /// Per grid cell, 1 + the index of the last batch that touches it (0: none).
    top: Vec<usize>,
    /// Per grid cell, the members of layered batches that touch it (batch,
    /// where), so that they are kept apart by where they are, not by cell.
    layered: Vec<Vec<(usize, Rect)>>,
}

impl<K: PartialEq + Copy> Plan<K> {
    fn new(area: Rect) -> Self {
        Self {
            latest: Vec::new(),
            batches: 0,
            area,
            top: vec![0; GRID * GRID],
            layered: vec![Vec::new(); GRID * GRID],
        }
    }

    /// The grid cells `r` touches (those at the edge for what lies beyond).
    fn rect_cells(&self, r: &Rect) -> Vec<usize> {
        let a = self.area;
        let cell = |v: f64, from: f64, size: f64| {
            (((v - from) / size * GRID as f64).floor().max(0.0) as usize).min(GRID - 1)
        };
        let (x0, x1) = (cell(r.x, a.x, a.w), cell(r.right(), a.x, a.w));
        let (y0, y1) = (cell(r.y, a.y, a.h), cell(r.bottom(), a.y, a.h));
        (y0..=y1)
            .flat_map(move |y| (x0..=x1).map(move |x| y * GRID + x))
            .collect()
    }

    /// The batch of an element of `look` at `rect`, and whether it is a new
    /// one. Members of `layered` looks (one's fill would hide another's
    /// outline) never overlap within one batch.
    fn place(&mut self, look: K, layered: bool, rect: &Rect) -> (usize, bool) {
        let cells = self.rect_cells(rect);
        let top = cells.iter().map(|&c| self.top[c]).max().unwrap_or(0);
        let overlaps_own = |b: usize| {
            cells.iter().any(|&c| {
                self.layered[c]
                    .iter()
                    .any(|(of, r)| *of == b && r.intersects(rect))
            })
        };
        let joinable = self
            .latest
            .iter()
            .find(|(l, _)| *l == look)
            .map(|(_, b)| *b)
            .filter(|&b| top < b + 1 || (top == b + 1 && !(layered && overlaps_own(b))));
        let placed = match joinable {
            Some(b) => (b, false),
            None => {
                let index = self.batches;
                self.batches += 1;
                match self.latest.iter_mut().find(|(l, _)| *l == look) {
                    Some(latest) => latest.1 = index,
                    None => self.latest.push((look, index)),
                }
                (index, true)
            }
        };
        for &c in &cells {
            self.top[c] = self.top[c].max(placed.0 + 1);
            if layered {
                self.layered[c].push((placed.0, *rect));
            }
        }
        placed
    }
}

/// The elements to draw, gathered into batches as [`Plan`] places them.
struct Batches<'a> {
    plan: Plan<Look<'a>>,
    batches: Vec<Batch<'a>>,
}

impl<'a> Batches<'a> {
    fn new(area: Rect) -> Self {
        Self {
            plan: Plan::new(area),
            batches: Vec::new(),
        }
    }

    /// The batch an element of `look` reaching `reach` is drawn in.
    fn take(&mut self, look: Look<'a>, reach: Rect) -> Option<&Batch<'a>> {
        let (index, new) = self.plan.place(look, look.layered(), &reach);
        if new {
            let (fill, stroke) = (Path2d::new().ok()?, Path2d::new().ok()?);
            self.batches.push(Batch { look, fill, stroke });
        }
        self.batches.get(index)
    }

    /// Fills and strokes every batch, in order.
    fn draw(&self, ctx: &CanvasRenderingContext2d) {
        for b in &self.batches {
            ctx.set_global_alpha(b.look.alpha);
            if let Some(fill) = b.look.fill {
                ctx.set_fill_style_str(fill);
                ctx.fill_with_path_2d(&b.fill);
            }
            if let Some(stroke) = b.look.stroke {
                ctx.set_stroke_style_str(stroke);
                ctx.set_line_width(b.look.width);
                ctx.stroke_with_path(&b.stroke);
            }
        }
    }
}

fn polyline(path: &Path2d, points: &[Point]) {
    for (i, p) in points.iter().enumerate() {
        if i == 0 {
            path.move_to(p.x, p.y);
        } else {
            path.line_to(p.x, p.y);
        }
    }
}

fn route_path(path: &Path2d, route: &Route) {
    match route.bend {
        Bend::Curved { c1, c2 } => {
            path.move_to(route.start.x, route.start.y);
            path.bezier_curve_to(c1.x, c1.y, c2.x, c2.y, route.end.x, route.end.y);
        }
        _ => polyline(path, &route.corners()),
    }
}

fn outline_path(path: &Path2d, outline: Outline, r: &Rect) {
    let c = r.center();
    match outline {
        Outline::Rect => path.rect(r.x, r.y, r.w, r.h),
        Outline::Ellipse => {
            // A subpath of its own, not a line from the last one's end.
            path.move_to(r.right(), c.y);
            let _ = path.ellipse(
                c.x,
                c.y,
                r.w / 2.0,
                r.h / 2.0,
                0.0,
                0.0,
                std::f64::consts::TAU,
            );
        }
        Outline::Diamond => {
            polyline(
                path,
                &[
                    Point::new(c.x, r.y),
                    Point::new(r.right(), c.y),
                    Point::new(c.x, r.bottom()),
                    Point::new(r.x, c.y),
                ],
            );
            path.close_path();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f64, y: f64) -> Rect {
        Rect::new(x, y, 10.0, 10.0)
    }

    #[test]
    fn elements_of_one_look_share_a_batch_unless_a_later_one_lies_between() {
        let mut plan = Plan::new(Rect::new(0.0, 0.0, 480.0, 480.0));
        // Yellow notes apart from each other and a blue one elsewhere: two batches.
        assert_eq!(plan.place("yellow", false, &at(0.0, 0.0)), (0, true));
        assert_eq!(plan.place("blue", false, &at(200.0, 200.0)), (1, true));
        assert_eq!(plan.place("yellow", false, &at(400.0, 0.0)), (0, false));
        // A yellow note on top of the blue one must be drawn after it.
        assert_eq!(plan.place("yellow", false, &at(202.0, 202.0)), (2, true));
        // Later yellow notes join the newest yellow batch.
        assert_eq!(plan.place("yellow", false, &at(0.0, 400.0)), (2, false));
        // Notes of one colour may overlap within their batch.
        assert_eq!(plan.place("yellow", false, &at(1.0, 401.0)), (2, false));
    }

    #[test]
    fn overlapping_shapes_whose_fill_hides_outlines_get_batches_of_their_own() {
        let mut plan = Plan::new(Rect::new(0.0, 0.0, 480.0, 480.0));
        assert_eq!(plan.place("shape", true, &at(0.0, 0.0)), (0, true));
        assert_eq!(plan.place("shape", true, &at(100.0, 100.0)), (0, false));
        assert_eq!(plan.place("shape", true, &at(105.0, 105.0)), (1, true));
    }

    #[test]
    fn what_reaches_beyond_the_canvas_counts_at_its_edge() {
        let mut plan = Plan::new(Rect::new(0.0, 0.0, 480.0, 480.0));
        assert_eq!(
            plan.place("line", false, &Rect::new(-500.0, 470.0, 600.0, 5.0)),
            (0, true)
        );
        assert_eq!(plan.place("note", false, &at(1.0, 470.0)), (1, true));
        assert_eq!(
            plan.place("line", false, &Rect::new(-900.0, 475.0, 902.0, 1.0)),
            (2, true)
        );
    }
}
