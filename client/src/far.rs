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
use tafel_shared::geometry::{Bend, Outline, Point, Rect, Route, Viewport};
use tafel_shared::workshop::RoundSettings;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d;

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

/// The ids the canvas drew last, in paint order: what [`under`] can find.
#[derive(Default)]
pub struct Sketched(RefCell<Vec<String>>);

impl Sketched {
    /// Whether the canvas shows anything.
    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }
}

/// The elements the canvas shows at board point `p`, topmost first, within
/// `tolerance` board units.
pub fn under(model: &Model, sketched: &Sketched, p: Point, tolerance: f64) -> Vec<String> {
    let drawn = sketched.0.borrow();
    if drawn.is_empty() {
        return Vec::new();
    }
    model.with_all(|all| {
        drawn
            .iter()
            .rev()
            .filter(|id| {
                all.get(id.as_str()).is_some_and(|e| {
                    let route = e
                        .is_connector()
                        .then(|| connector_route(|id| all.get(id), e));
                    e.hit(p, tolerance, route.as_ref())
                })
            })
            .cloned()
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
/// meanwhile is `pending`.
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
    pub fn follow(model: ModelRef, camera: Camera, wanted: Memo<Vec<String>>) -> Mounting {
        let mounting = Mounting {
            mounted: RwSignal::new(Vec::new()),
            pending: RwSignal::new(Vec::new()),
        };
        let scheduled = Rc::new(std::cell::Cell::new(false));
        let step: Rc<dyn Fn() -> bool> = Rc::new(move || mounting.step(model, camera, wanted));
        Effect::new(move |_| {
            wanted.track();
            if step() && !scheduled.replace(true) {
                next_frames(Rc::clone(&step), Rc::clone(&scheduled));
            }
        });
        mounting
    }

    /// One batch: unmounts up to [`UNMOUNT_BATCH`] views no longer wanted
    /// (those of deleted elements at once) and mounts up to [`MOUNT_BATCH`]
    /// more. Returns whether there is more to do.
    fn step(self, model: ModelRef, camera: Camera, wanted: Memo<Vec<String>>) -> bool {
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
                let taken: HashSet<&str> = missing.iter().take(MOUNT_BATCH).map(|m| m.1).collect();
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
                let more = !pending.is_empty() || !kept.is_empty();
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
    Effect::new(move |_| {
        let view = camera.view.get();
        let (w, h) = camera.screen.get();
        let far = !camera.detailed.get();
        let pending = pending.get();
        model.with_value(|m| {
            m.order.track();
            m.changes.track();
        });
        let scope = scope.get();
        let Some(el) = canvas.get() else { return };
        if !far && pending.is_empty() {
            paint(&el, view, (w, h), &HashMap::new(), &[], None);
            sketched.with_value(|s| s.0.borrow_mut().clear());
            return;
        }
        let pending: HashSet<&str> = pending.iter().map(String::as_str).collect();
        let shown = model.with_value(|m| {
            let order = m.order.get_untracked();
            m.with_all(|all| {
                let area = view.visible(w, h);
                let drawn: Vec<&Element> = order
                    .iter()
                    .filter_map(|id| all.get(id))
                    .filter(|e| (far && drawn_far(e)) || pending.contains(e.base.id.as_str()))
                    .filter(|e| reach(all, e).intersects(&area))
                    .collect();
                paint(&el, view, (w, h), all, &drawn, scope.as_ref());
                drawn.iter().map(|e| e.base.id.clone()).collect::<Vec<_>>()
            })
        });
        sketched.with_value(|s| *s.0.borrow_mut() = shown);
    });
    view! { <canvas class="sketch" node_ref=canvas aria-hidden="true"></canvas> }
}

/// Draws `drawn` (paint order) onto the canvas, sized and placed to cover the
/// screen at `view`; an empty list hides it.
fn paint(
    el: &web_sys::HtmlCanvasElement,
    view: Viewport,
    (w, h): (f64, f64),
    all: &HashMap<String, Element>,
    drawn: &[&Element],
    scope: Option<&RoundSettings>,
) {
    let style = web_sys::HtmlElement::style(el);
    if drawn.is_empty() {
        let _ = style.set_property("display", "none");
        return;
    }
    let _ = style.set_property("display", "block");
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if el.width() != pw || el.height() != ph {
        el.set_width(pw);
        el.set_height(ph);
        let _ = style.set_property("width", &format!("{w}px"));
        let _ = style.set_property("height", &format!("{h}px"));
    }
    // Inside the world, which scales by the zoom: undo that, so one canvas
    // pixel is one screen pixel, and stand at the view's corner.
    let z = view.zoom;
    let _ = style.set_property(
        "transform",
        &format!(
            "translate({}px, {}px) scale({})",
            view.origin.x,
            view.origin.y,
            1.0 / z
        ),
    );
    let Some(ctx) = el
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, f64::from(pw), f64::from(ph));
    let s = dpr * z;
    let _ = ctx.set_transform(s, 0.0, 0.0, s, -view.origin.x * s, -view.origin.y * s);
    // Lines keep a width on screen, as the DOM's do, however far out.
    let px = 1.0 / z;
    let mut pen = Brush::default();
    for e in drawn {
        let dimmed = scope.is_some_and(|r| !e.is_frame() && !r.admits(e));
        pen.alpha(&ctx, if dimmed { 0.35 } else { 1.0 });
        let r = e.base.rect;
        match &e.props {
            Props::Sticky(p) => {
                pen.fill(&ctx, colour(&p.color, "#ffd43b"));
                ctx.fill_rect(r.x, r.y, r.w, r.h);
            }
            Props::Text(p) if !p.text.trim().is_empty() => {
                // Words too small to read: a faint line where they are.
                pen.fill(&ctx, colour(&p.stroke, INK));
                pen.alpha(&ctx, if dimmed { 0.12 } else { 0.3 });
                let bar = (r.h * 0.4).min(36.0);
                ctx.fill_rect(r.x, r.y + (r.h - bar) / 2.0, r.w, bar);
            }
            Props::Shape(p) => {
                outline_path(&ctx, p.outline, &r);
                pen.fill(&ctx, colour(&p.fill, "#ffffff"));
                ctx.fill();
                pen.stroke(&ctx, colour(&p.stroke, INK), (2.0_f64).max(px));
                ctx.stroke();
            }
            Props::Pen(p) => {
                let points = e.pen_on_board();
                polyline(&ctx, &points);
                pen.stroke(&ctx, colour(&p.stroke, INK), 3.0 * px);
                ctx.stroke();
            }
            Props::Connector(p) => {
                let route = connector_route(|id| all.get(id), e);
                route_path(&ctx, &route);
                let ink = colour(&p.stroke, INK);
                pen.stroke(&ctx, ink, (2.0_f64).max(px));
                ctx.stroke();
                let (left, right) = route.arrowhead(14.0_f64.max(6.0 * px));
                polyline(&ctx, &[route.end, left, right]);
                ctx.close_path();
                pen.fill(&ctx, ink);
                ctx.fill();
            }
            // Only while their DOM views are being mounted.
            Props::Frame(_) => {
                pen.stroke(&ctx, "#c9c4b6", 1.5_f64.max(px));
                ctx.stroke_rect(r.x, r.y, r.w, r.h);
            }
            Props::Image(_) => {
                pen.fill(&ctx, "#e9ecef");
                ctx.fill_rect(r.x, r.y, r.w, r.h);
            }
            Props::Text(_) | Props::Unknown => {}
        }
    }
}

/// The canvas state last set, so a board of same-coloured notes sets its
/// colour once instead of once per note.
#[derive(Default)]
struct Brush {
    fill: String,
    stroke: String,
    width: f64,
    alpha: f64,
}

impl Brush {
    fn fill(&mut self, ctx: &CanvasRenderingContext2d, colour: &str) {
        if self.fill != colour {
            ctx.set_fill_style_str(colour);
            colour.clone_into(&mut self.fill);
        }
    }

    fn stroke(&mut self, ctx: &CanvasRenderingContext2d, colour: &str, width: f64) {
        if self.stroke != colour {
            ctx.set_stroke_style_str(colour);
            colour.clone_into(&mut self.stroke);
        }
        if self.width != width {
            ctx.set_line_width(width);
            self.width = width;
        }
    }

    fn alpha(&mut self, ctx: &CanvasRenderingContext2d, alpha: f64) {
        if self.alpha != alpha {
            ctx.set_global_alpha(alpha);
            self.alpha = alpha;
        }
    }
}

fn polyline(ctx: &CanvasRenderingContext2d, points: &[Point]) {
    ctx.begin_path();
    for (i, p) in points.iter().enumerate() {
        if i == 0 {
            ctx.move_to(p.x, p.y);
        } else {
            ctx.line_to(p.x, p.y);
        }
    }
}

fn route_path(ctx: &CanvasRenderingContext2d, route: &Route) {
    match route.bend {
        Bend::Curved { c1, c2 } => {
            ctx.begin_path();
            ctx.move_to(route.start.x, route.start.y);
            ctx.bezier_curve_to(c1.x, c1.y, c2.x, c2.y, route.end.x, route.end.y);
        }
        _ => polyline(ctx, &route.corners()),
    }
}

fn outline_path(ctx: &CanvasRenderingContext2d, outline: Outline, r: &Rect) {
    let c = r.center();
    match outline {
        Outline::Rect => {
            ctx.begin_path();
            ctx.rect(r.x, r.y, r.w, r.h);
        }
        Outline::Ellipse => {
            ctx.begin_path();
            let _ = ctx.ellipse(
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
                ctx,
                &[
                    Point::new(c.x, r.y),
                    Point::new(r.right(), c.y),
                    Point::new(c.x, r.bottom()),
                    Point::new(r.x, c.y),
                ],
            );
            ctx.close_path();
        }
    }
}
