//! Pure, sans-IO geometry for the board: the viewport transform between screen and
//! world coordinates, hit testing, connector routing, pen smoothing and culling.
//!
//! The browser client uses it for everything it draws and every pointer event it
//! interprets; keeping it free of the DOM lets it be tested on the host. All
//! coordinates are `f64` board units unless a name says "screen".

use serde::{Deserialize, Serialize};

/// A point on the board (or on the screen, where a name says so).
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Point {
    /// Rightwards.
    pub x: f64,
    /// Downwards, as on screen and in SVG.
    pub y: f64,
}

impl Point {
    /// A point at `(x, y)`.
    pub fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }

    /// Euclidean distance to `other`.
    pub fn distance(self, other: Point) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// An axis-aligned rectangle: top-left corner plus size.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// A rect with top-left `(x, y)` and size `w`×`h`.
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Self {
        Self { x, y, w, h }
    }

    /// Normalised rect spanning two corners in any order (marquee dragging up-left).
    pub fn from_corners(a: Point, b: Point) -> Self {
        Self::new(
            a.x.min(b.x),
            a.y.min(b.y),
            (a.x - b.x).abs(),
            (a.y - b.y).abs(),
        )
    }

    /// The centre point.
    pub fn center(&self) -> Point {
        Point::new(self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    /// Whether `p` lies inside; edges count as inside.
    pub fn contains(&self, p: Point) -> bool {
        p.x >= self.x && p.x <= self.right() && p.y >= self.y && p.y <= self.bottom()
    }

    /// Whether the two rects overlap; touching edges count.
    pub fn intersects(&self, other: &Rect) -> bool {
        self.x <= other.right()
            && other.x <= self.right()
            && self.y <= other.bottom()
            && other.y <= self.bottom()
    }

    /// Whether `other` lies entirely inside (edges inclusive).
    pub fn contains_rect(&self, other: &Rect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }

    /// The smallest rect containing both.
    pub fn union(&self, other: &Rect) -> Rect {
        let (x, y) = (self.x.min(other.x), self.y.min(other.y));
        let right = self.right().max(other.right());
        let bottom = self.bottom().max(other.bottom());
        Rect::new(x, y, right - x, bottom - y)
    }

    /// The rect grown by `by` on each side (shrunk if negative).
    pub fn inflate(&self, by: f64) -> Rect {
        Rect::new(
            self.x - by,
            self.y - by,
            self.w + 2.0 * by,
            self.h + 2.0 * by,
        )
    }

    /// Bounding box of many rects; None when empty.
    pub fn bounding(rects: impl IntoIterator<Item = Rect>) -> Option<Rect> {
        rects.into_iter().reduce(|a, b| a.union(&b))
    }
}

/// The outline of an element, for hit testing and connector attachment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Outline {
    /// The rect itself.
    #[default]
    Rect,
    /// The ellipse inscribed in the rect.
    Ellipse,
    /// The rhombus through the midpoints of the rect's edges.
    Diamond,
}

/// Whether `p` lies inside the outline inscribed in `r` (ellipse: inscribed ellipse;
/// diamond: the rhombus through the edge midpoints). `tolerance` (board units) grows
/// the shape, so thin things can be clicked.
pub fn hit_outline(outline: Outline, r: &Rect, p: Point, tolerance: f64) -> bool {
    let c = r.center();
    let (dx, dy) = ((p.x - c.x).abs(), (p.y - c.y).abs());
    let (hw, hh) = (r.w / 2.0, r.h / 2.0);
    match outline {
        Outline::Rect => r.inflate(tolerance).contains(p),
        Outline::Ellipse => {
            // Growing the semi-axes is exact for circles and close enough for the
            // tolerances a pointer needs.
            let (rx, ry) = (hw + tolerance, hh + tolerance);
            if rx <= 0.0 || ry <= 0.0 {
                // A zero-width ellipse is a segment; the rect test handles it.
                return r.inflate(tolerance).contains(p);
            }
            (dx / rx).powi(2) + (dy / ry).powi(2) <= 1.0
        }
        Outline::Diamond => {
            // Cross-multiplied so a flat diamond needs no division by zero; the
            // bounds check keeps a flat one from claiming its whole line.
            if dx <= hw && dy <= hh && dx * hh + dy * hw <= hw * hh {
                return true;
            }
            let corners = [
                Point::new(c.x, r.y),
                Point::new(r.right(), c.y),
                Point::new(c.x, r.bottom()),
                Point::new(r.x, c.y),
                Point::new(c.x, r.y),
            ];
            hit_polyline(&corners, p, tolerance)
        }
    }
}

/// Distance from p to segment ab.
pub fn distance_to_segment(p: Point, a: Point, b: Point) -> f64 {
    let (abx, aby) = (b.x - a.x, b.y - a.y);
    let len2 = abx * abx + aby * aby;
    if len2 == 0.0 {
        return p.distance(a);
    }
    let t = (((p.x - a.x) * abx + (p.y - a.y) * aby) / len2).clamp(0.0, 1.0);
    p.distance(Point::new(a.x + abx * t, a.y + aby * t))
}

/// Whether p is within `tolerance` of the polyline (pen strokes, connectors).
pub fn hit_polyline(points: &[Point], p: Point, tolerance: f64) -> bool {
    match points {
        [] => false,
        [only] => only.distance(p) <= tolerance,
        _ => points
            .windows(2)
            .any(|s| distance_to_segment(p, s[0], s[1]) <= tolerance),
    }
}

/// Where the ray from the centre of `r` towards `toward` leaves the outline: the
/// point a connector attaches to. If `toward` is the centre, return the centre.
pub fn boundary_point(outline: Outline, r: &Rect, toward: Point) -> Point {
    let c = r.center();
    let (dx, dy) = (toward.x - c.x, toward.y - c.y);
    if dx == 0.0 && dy == 0.0 {
        return c;
    }
    let (hw, hh) = (r.w.abs() / 2.0, r.h.abs() / 2.0);
    // A flat ellipse or diamond is the same segment as a flat rect, and only the
    // rect formula copes with a zero half-size.
    let outline = if hw == 0.0 || hh == 0.0 {
        Outline::Rect
    } else {
        outline
    };
    // `t` scales the direction so that c + t·d lands on the outline.
    let t = match outline {
        Outline::Rect => {
            let tx = if dx == 0.0 {
                f64::INFINITY
            } else {
                hw / dx.abs()
            };
            let ty = if dy == 0.0 {
                f64::INFINITY
            } else {
                hh / dy.abs()
            };
            tx.min(ty)
        }
        Outline::Ellipse => 1.0 / ((dx / hw).powi(2) + (dy / hh).powi(2)).sqrt(),
        Outline::Diamond => 1.0 / (dx.abs() / hw + dy.abs() / hh),
    };
    Point::new(c.x + dx * t, c.y + dy * t)
}

/// How a connector runs between its ends, as the user picked it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Routing {
    /// One straight segment, centre to centre.
    #[default]
    Straight,
    /// Horizontal and vertical segments, leaving and entering sides square on.
    Elbow,
    /// One smooth curve, leaving and entering sides square on.
    Curved,
}

impl Routing {
    /// Every routing, in the order the style bar offers them.
    pub const ALL: [Routing; 3] = [Routing::Straight, Routing::Elbow, Routing::Curved];

    /// The name stored in the document ([`crate::schema::F_ROUTE`]).
    pub fn name(self) -> &'static str {
        match self {
            Routing::Straight => "straight",
            Routing::Elbow => "elbow",
            Routing::Curved => "curved",
        }
    }

    /// The routing a stored name means; anything unknown runs straight.
    pub fn from_name(name: &str) -> Routing {
        match name {
            "elbow" => Routing::Elbow,
            "curved" => Routing::Curved,
            _ => Routing::Straight,
        }
    }
}

/// The shape of a routed connector between its two ends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bend {
    /// A straight segment.
    Straight,
    /// Three segments: along the main axis to `at`, across, along again.
    Elbow {
        /// Whether the outer segments are horizontal.
        horizontal: bool,
        /// Where the middle segment runs (an x when horizontal, else a y).
        at: f64,
    },
    /// A cubic Bézier curve with these control points.
    Curved {
        /// The control point after the start.
        c1: Point,
        /// The control point before the end.
        c2: Point,
    },
}

/// A routed connector: where it leaves its source, where it meets its target,
/// and how it runs between them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Route {
    /// Where the connector leaves its source.
    pub start: Point,
    /// Where it meets its target (the arrow tip).
    pub end: Point,
    /// How it runs between them.
    pub bend: Bend,
}

impl Route {
    /// A straight route from `start` to `end`.
    pub fn straight(start: Point, end: Point) -> Route {
        Route {
            start,
            end,
            bend: Bend::Straight,
        }
    }

    /// The corners of an elbow route, start and end included; the two ends for
    /// the other bends.
    pub fn corners(&self) -> Vec<Point> {
        let (a, b) = (self.start, self.end);
        match self.bend {
            Bend::Elbow {
                horizontal: true,
                at,
            } => vec![a, Point::new(at, a.y), Point::new(at, b.y), b],
            Bend::Elbow {
                horizontal: false,
                at,
            } => vec![a, Point::new(a.x, at), Point::new(b.x, at), b],
            Bend::Straight | Bend::Curved { .. } => vec![a, b],
        }
    }

    /// The SVG path data, with `origin` as the path's (0, 0).
    pub fn svg_path(&self, origin: Point) -> String {
        let local = |p: Point| format!("{} {}", p.x - origin.x, p.y - origin.y);
        match self.bend {
            Bend::Curved { c1, c2 } => format!(
                "M {} C {}, {}, {}",
                local(self.start),
                local(c1),
                local(c2),
                local(self.end)
            ),
            _ => {
                let mut d = String::new();
                for (i, p) in self.corners().into_iter().enumerate() {
                    d.push_str(if i == 0 { "M " } else { " L " });
                    d.push_str(&local(p));
                }
                d
            }
        }
    }

    /// Halfway along, where a connector's label sits.
    pub fn midpoint(&self) -> Point {
        let (a, b) = (self.start, self.end);
        let half = Point::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
        match self.bend {
            Bend::Straight => half,
            Bend::Elbow {
                horizontal: true,
                at,
            } => Point::new(at, half.y),
            Bend::Elbow {
                horizontal: false,
                at,
            } => Point::new(half.x, at),
            // The Bézier at t = ½.
            Bend::Curved { c1, c2 } => Point::new(
                (a.x + 3.0 * c1.x + 3.0 * c2.x + b.x) / 8.0,
                (a.y + 3.0 * c1.y + 3.0 * c2.y + b.y) / 8.0,
            ),
        }
    }

    /// Where the last stretch comes from: the arrowhead points from here to
    /// the end.
    fn approach(&self) -> Point {
        match self.bend {
            Bend::Straight => self.start,
            Bend::Elbow { .. } => self.corners()[2],
            Bend::Curved { c2, .. } => c2,
        }
    }

    /// The box that holds the whole route (for a Bézier, its control points).
    pub fn bounds(&self) -> Rect {
        let mut points = self.corners();
        if let Bend::Curved { c1, c2 } = self.bend {
            points.extend([c1, c2]);
        }
        points_bounds(&points).unwrap_or_default()
    }

    /// Whether `p` is within `tolerance` of the route.
    pub fn hit(&self, p: Point, tolerance: f64) -> bool {
        match self.bend {
            Bend::Curved { c1, c2 } => {
                let steps = 24;
                let along: Vec<Point> = (0..=steps)
                    .map(|i| cubic(self.start, c1, c2, self.end, i as f64 / steps as f64))
                    .collect();
                hit_polyline(&along, p, tolerance)
            }
            _ => hit_polyline(&self.corners(), p, tolerance),
        }
    }

    /// The two back corners of an arrowhead of `size` at `end` (pointing along
    /// the last stretch), for an SVG polygon [end, left, right]. Degenerate (no
    /// length) → both corners equal end.
    pub fn arrowhead(&self, size: f64) -> (Point, Point) {
        let from = self.approach();
        let len = from.distance(self.end);
        if len == 0.0 || !len.is_finite() {
            return (self.end, self.end);
        }
        let (ux, uy) = ((self.end.x - from.x) / len, (self.end.y - from.y) / len);
        let (bx, by) = (self.end.x - ux * size, self.end.y - uy * size);
        // Half as wide as long on each side: a ~53° tip that reads at any zoom.
        // With y pointing down, (uy, -ux) is to the left of travel.
        let half = size / 2.0;
        (
            Point::new(bx + uy * half, by - ux * half),
            Point::new(bx - uy * half, by + ux * half),
        )
    }
}

/// The point at `t` on the cubic Bézier a, b, c, d.
fn cubic(a: Point, b: Point, c: Point, d: Point, t: f64) -> Point {
    let u = 1.0 - t;
    let (w0, w1, w2, w3) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    Point::new(
        w0 * a.x + w1 * b.x + w2 * c.x + w3 * d.x,
        w0 * a.y + w1 * b.y + w2 * c.y + w3 * d.y,
    )
}

/// One end of a connector: attached to an element (its rect + outline) or a free point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum End {
    /// Attached to an element, so it follows the element when it moves.
    Attached {
        /// The element's bounds.
        rect: Rect,
        /// The element's shape within its bounds.
        outline: Outline,
    },
    /// A loose end at a board point.
    Free(Point),
}

impl End {
    fn aim(&self) -> Point {
        match self {
            End::Attached { rect, .. } => rect.center(),
            End::Free(p) => *p,
        }
    }

    fn attach(&self, toward: Point) -> Point {
        match self {
            End::Attached { rect, outline } => boundary_point(*outline, rect, toward),
            End::Free(p) => *p,
        }
    }

    /// Where this end leaves along one axis, square on: the middle of the
    /// attached element's side facing `sign` (+1 right or down, -1 left or up).
    fn side(&self, horizontal: bool, sign: f64) -> Point {
        match self {
            End::Attached { rect, .. } => {
                let c = rect.center();
                if horizontal {
                    Point::new(c.x + sign * rect.w / 2.0, c.y)
                } else {
                    Point::new(c.x, c.y + sign * rect.h / 2.0)
                }
            }
            End::Free(p) => *p,
        }
    }
}

/// Routes a connector straight: each attached end aims at the other end's
/// centre (the free point, or the other element's centre) and starts on its
/// own boundary. Two attached ends whose rects overlap still give a finite
/// route (centre to centre clipped).
pub fn route(from: End, to: End) -> Route {
    // Aiming at centres rather than at each other's attachment points makes both
    // ends lie on the one centre-to-centre line, so the route is a straight segment
    // and does not depend on which end is computed first.
    Route::straight(from.attach(to.aim()), to.attach(from.aim()))
}

/// Routes a connector as `routing` says. Elbows and curves run along the axis
/// on which the ends are further apart, leaving and entering the facing sides
/// in their middle, as Miro and draw.io draw them.
pub fn route_with(from: End, to: End, routing: Routing) -> Route {
    if routing == Routing::Straight {
        return route(from, to);
    }
    let (a, b) = (from.aim(), to.aim());
    let horizontal = (b.x - a.x).abs() >= (b.y - a.y).abs();
    let sign = |d: f64| if d < 0.0 { -1.0 } else { 1.0 };
    let (start, end) = if horizontal {
        let s = sign(b.x - a.x);
        (from.side(true, s), to.side(true, -s))
    } else {
        let s = sign(b.y - a.y);
        (from.side(false, s), to.side(false, -s))
    };
    let bend = match routing {
        Routing::Elbow => Bend::Elbow {
            horizontal,
            at: if horizontal {
                (start.x + end.x) / 2.0
            } else {
                (start.y + end.y) / 2.0
            },
        },
        _ => {
            // Control points half the main-axis distance out from each side
            // make an S that leaves and arrives square on.
            let reach = if horizontal {
                (end.x - start.x) / 2.0
            } else {
                (end.y - start.y) / 2.0
            };
            let (c1, c2) = if horizontal {
                (
                    Point::new(start.x + reach, start.y),
                    Point::new(end.x - reach, end.y),
                )
            } else {
                (
                    Point::new(start.x, start.y + reach),
                    Point::new(end.x, end.y - reach),
                )
            };
            Bend::Curved { c1, c2 }
        }
    };
    Route { start, end, bend }
}

/// The viewport: which part of the board the screen shows. Screen = (world -
/// origin) * zoom, i.e. `origin` is the world point at the screen's top-left.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// The world point at the screen's top-left corner.
    pub origin: Point,
    /// Screen pixels per board unit.
    pub zoom: f64,
}

/// The furthest out the view can zoom.
pub const MIN_ZOOM: f64 = 0.05;
/// The furthest in the view can zoom.
pub const MAX_ZOOM: f64 = 4.0;
/// Fitting small content stops here: blowing a single sticky up to 4× is never
/// what "show everything" means.
const FIT_MAX_ZOOM: f64 = 2.0;
const ZOOM_STEPS: [f64; 11] = [0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0];

impl Default for Viewport {
    fn default() -> Self {
        Self {
            origin: Point::default(),
            zoom: 1.0,
        }
    }
}

fn clamp_zoom(zoom: f64, max: f64) -> f64 {
    if zoom.is_nan() {
        1.0_f64.clamp(MIN_ZOOM, max)
    } else {
        zoom.clamp(MIN_ZOOM, max)
    }
}

impl Viewport {
    /// The board point under a screen point.
    pub fn to_world(&self, screen: Point) -> Point {
        Point::new(
            screen.x / self.zoom + self.origin.x,
            screen.y / self.zoom + self.origin.y,
        )
    }

    /// The screen point showing a board point.
    pub fn to_screen(&self, world: Point) -> Point {
        Point::new(
            (world.x - self.origin.x) * self.zoom,
            (world.y - self.origin.y) * self.zoom,
        )
    }

    /// Moves the view by a screen-space delta (dragging the board right by dx shows
    /// what was left of it: origin.x -= dx/zoom).
    pub fn pan_by(&self, dx: f64, dy: f64) -> Viewport {
        Viewport {
            origin: Point::new(
                self.origin.x - dx / self.zoom,
                self.origin.y - dy / self.zoom,
            ),
            zoom: self.zoom,
        }
    }

    /// Zooms by `factor` (clamped to MIN_ZOOM..=MAX_ZOOM) keeping the world point
    /// under `screen_anchor` fixed on screen.
    pub fn zoom_at(&self, screen_anchor: Point, factor: f64) -> Viewport {
        let zoom = clamp_zoom(self.zoom * factor, MAX_ZOOM);
        let anchor = self.to_world(screen_anchor);
        Viewport {
            origin: Point::new(
                anchor.x - screen_anchor.x / zoom,
                anchor.y - screen_anchor.y / zoom,
            ),
            zoom,
        }
    }

    /// The world rect visible on a screen of size w×h.
    pub fn visible(&self, screen_w: f64, screen_h: f64) -> Rect {
        Rect::new(
            self.origin.x,
            self.origin.y,
            screen_w / self.zoom,
            screen_h / self.zoom,
        )
    }

    /// Zoom and origin that show `content` centred on a w×h screen with `margin`
    /// screen pixels around it, zoom clamped to MIN_ZOOM..=2 (never more than 2×
    /// when fitting small content). Empty/zero-size content: centre it at zoom 1.
    pub fn fit(content: &Rect, screen_w: f64, screen_h: f64, margin: f64) -> Viewport {
        let ratio = |avail: f64, size: f64| {
            if size > 0.0 {
                avail / size
            } else {
                f64::INFINITY
            }
        };
        let zoom = ratio(screen_w - 2.0 * margin, content.w)
            .min(ratio(screen_h - 2.0 * margin, content.h));
        // Both sides zero: a point has no natural zoom, so keep 1:1.
        let zoom = if zoom.is_infinite() && zoom > 0.0 {
            1.0
        } else {
            clamp_zoom(zoom, FIT_MAX_ZOOM)
        };
        let c = content.center();
        Viewport {
            origin: Point::new(c.x - screen_w / 2.0 / zoom, c.y - screen_h / 2.0 / zoom),
            zoom,
        }
    }
}

/// Snaps a zoom level to the next/previous step of a ladder (for the + / − buttons):
/// steps are [0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0]; `zoom_step(z,
/// true)` is the smallest step > z (+epsilon), or MAX_ZOOM; `zoom_step(z, false)` the
/// largest step < z, or MIN_ZOOM.
pub fn zoom_step(zoom: f64, up: bool) -> f64 {
    // The epsilon stops a zoom that is a step up to rounding (1.0000000001 after a
    // few wheel events) from snapping to the very step it already shows.
    const EPS: f64 = 1e-6;
    if up {
        ZOOM_STEPS
            .iter()
            .copied()
            .find(|s| *s > zoom + EPS)
            .unwrap_or(MAX_ZOOM)
    } else {
        ZOOM_STEPS
            .iter()
            .rev()
            .copied()
            .find(|s| *s < zoom - EPS)
            .unwrap_or(MIN_ZOOM)
    }
}

/// Pen smoothing. Drops points closer than `min_distance` to the last kept point
/// (always keeps the last input point), so a stroke stores few points.
pub fn simplify(points: &[Point], min_distance: f64) -> Vec<Point> {
    let Some((&last, rest)) = points.split_last() else {
        return Vec::new();
    };
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for &p in rest {
        if out.last().is_none_or(|k| p.distance(*k) >= min_distance) {
            out.push(p);
        }
    }
    match out.len() {
        0 => out.push(last),
        // A stroke that never left its start point is a dot, stored as one point.
        1 if out[0] == last => {}
        // The end of a stroke matters more than the kept point just before it, so
        // the end replaces that point instead of crowding it.
        n if n > 1 && last.distance(out[n - 1]) < min_distance => out[n - 1] = last,
        _ => out.push(last),
    }
    out
}

fn num(v: f64) -> String {
    let s = format!("{v:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s);
    // "-0" is valid SVG but noisy, and differs from "0" in tests.
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

fn pair(p: Point) -> String {
    format!("{} {}", num(p.x), num(p.y))
}

/// An SVG path `d` through the points, smoothed with Catmull-Rom converted to cubic
/// Béziers (`M x y C ...`). One point → `M x y L x y` (a dot that draws with round
/// caps). Empty → "". Numbers are printed with at most one decimal.
pub fn smooth_path(points: &[Point]) -> String {
    let Some(&first) = points.first() else {
        return String::new();
    };
    let mut d = format!("M {}", pair(first));
    if points.len() == 1 {
        d.push_str(&format!(" L {}", pair(first)));
        return d;
    }
    let at = |i: usize| points[i.min(points.len() - 1)];
    for i in 0..points.len() - 1 {
        // Uniform Catmull-Rom: each tangent is parallel to its neighbours' chord,
        // with the end points doubled so the curve starts and stops at them.
        let (p0, p1, p2, p3) = (at(i.saturating_sub(1)), at(i), at(i + 1), at(i + 2));
        let c1 = Point::new(p1.x + (p2.x - p0.x) / 6.0, p1.y + (p2.y - p0.y) / 6.0);
        let c2 = Point::new(p2.x - (p3.x - p1.x) / 6.0, p2.y - (p3.y - p1.y) / 6.0);
        d.push_str(&format!(" C {} {} {}", pair(c1), pair(c2), pair(p2)));
    }
    d
}

/// Bounding rect of points (zero-size for one point); None for empty.
pub fn points_bounds(points: &[Point]) -> Option<Rect> {
    let first = points.first()?;
    let (mut lo, mut hi) = (*first, *first);
    for p in points {
        lo = Point::new(lo.x.min(p.x), lo.y.min(p.y));
        hi = Point::new(hi.x.max(p.x), hi.y.max(p.y));
    }
    Some(Rect::from_corners(lo, hi))
}

/// A corner of a selection box, where a resize handle sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    /// Top left.
    TopLeft,
    /// Top right.
    TopRight,
    /// Bottom left.
    BottomLeft,
    /// Bottom right.
    BottomRight,
}

impl Corner {
    /// Every corner, with its short name (`nw`, `ne`, `sw`, `se`).
    pub const ALL: [(Corner, &'static str); 4] = [
        (Corner::TopLeft, "nw"),
        (Corner::TopRight, "ne"),
        (Corner::BottomLeft, "sw"),
        (Corner::BottomRight, "se"),
    ];

    /// The corner of a short name.
    pub fn parse(name: &str) -> Option<Corner> {
        Corner::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(c, _)| *c)
    }
}

/// `origin` resized by dragging `corner` by (`dx`, `dy`): the opposite corner
/// stays put, neither side gets smaller than `min`, and `keep_ratio` scales both
/// sides by the larger change.
pub fn resize(origin: Rect, corner: Corner, dx: f64, dy: f64, keep_ratio: bool, min: f64) -> Rect {
    let (west, north) = match corner {
        Corner::TopLeft => (true, true),
        Corner::TopRight => (false, true),
        Corner::BottomLeft => (true, false),
        Corner::BottomRight => (false, false),
    };
    let mut w = if west { origin.w - dx } else { origin.w + dx };
    let mut h = if north { origin.h - dy } else { origin.h + dy };
    if keep_ratio && origin.w > 0.0 && origin.h > 0.0 {
        let s = (w / origin.w).max(h / origin.h);
        w = origin.w * s;
        h = origin.h * s;
    }
    let (w, h) = (w.max(min), h.max(min));
    let x = if west { origin.right() - w } else { origin.x };
    let y = if north { origin.bottom() - h } else { origin.y };
    Rect::new(x, y, w, h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EPS: f64 = 1e-9;

    fn close(a: Point, b: Point) -> bool {
        a.distance(b) < 1e-6
    }

    fn vp(x: f64, y: f64, zoom: f64) -> Viewport {
        Viewport {
            origin: Point::new(x, y),
            zoom,
        }
    }

    fn attached(rect: Rect, outline: Outline) -> End {
        End::Attached { rect, outline }
    }

    #[test]
    fn rect_basics() {
        let r = Rect::from_corners(Point::new(10.0, 20.0), Point::new(0.0, 5.0));
        assert_eq!(r, Rect::new(0.0, 5.0, 10.0, 15.0));
        assert_eq!(r.center(), Point::new(5.0, 12.5));
        assert!(r.contains(Point::new(10.0, 20.0)) && !r.contains(Point::new(10.1, 20.0)));
        let touching = Rect::new(10.0, 0.0, 5.0, 5.0);
        assert!(r.intersects(&touching) && !r.intersects(&touching.inflate(-0.1)));
        assert!(r.inflate(1.0).contains_rect(&r) && !r.contains_rect(&r.inflate(1.0)));
        assert_eq!(r.inflate(1.0), Rect::new(-1.0, 4.0, 12.0, 17.0));
        assert_eq!(
            Rect::bounding([r, touching]),
            Some(Rect::new(0.0, 0.0, 15.0, 20.0))
        );
        assert_eq!(Rect::bounding([]), None);
    }

    #[test]
    fn viewport_round_trip_and_pan() {
        let v = vp(-30.0, 12.0, 1.7);
        let s = Point::new(123.0, 456.0);
        assert!(close(v.to_screen(v.to_world(s)), s));
        // Dragging the board right reveals what was to its left.
        let panned = v.pan_by(34.0, -17.0);
        assert!(close(panned.origin, Point::new(-50.0, 22.0)));
        // The world point that was under the cursor follows the cursor.
        let w = v.to_world(s);
        assert!(close(
            panned.to_screen(w),
            Point::new(s.x + 34.0, s.y - 17.0)
        ));
    }

    #[test]
    fn zoom_at_keeps_anchor_and_clamps() {
        let v = vp(100.0, 50.0, 1.0);
        let anchor = Point::new(300.0, 200.0);
        let under = v.to_world(anchor);
        let z = v.zoom_at(anchor, 2.0);
        assert!((z.zoom - 2.0).abs() < EPS);
        assert!(close(z.to_world(anchor), under));
        assert_eq!(v.zoom_at(anchor, 100.0).zoom, MAX_ZOOM);
        assert_eq!(v.zoom_at(anchor, 0.0).zoom, MIN_ZOOM);
        assert!(close(v.zoom_at(anchor, 100.0).to_world(anchor), under));
    }

    #[test]
    fn visible_rect() {
        let v = vp(10.0, 20.0, 2.0);
        assert_eq!(v.visible(800.0, 600.0), Rect::new(10.0, 20.0, 400.0, 300.0));
    }

    #[test]
    fn fit_centres_with_margin_and_caps_small_content() {
        let content = Rect::new(1000.0, -500.0, 2000.0, 500.0);
        let v = Viewport::fit(&content, 1000.0, 800.0, 50.0);
        // Width is the tighter side: 900 px for 2000 units.
        assert!((v.zoom - 0.45).abs() < EPS);
        let tl = v.to_screen(Point::new(content.x, content.y));
        let br = v.to_screen(Point::new(content.right(), content.bottom()));
        assert!((tl.x - 50.0).abs() < 1e-6 && (br.x - 950.0).abs() < 1e-6);
        assert!((tl.y - (800.0 - br.y)).abs() < 1e-6 && tl.y >= 50.0);
        assert!(close(
            v.to_screen(content.center()),
            Point::new(500.0, 400.0)
        ));

        let small = Viewport::fit(&Rect::new(0.0, 0.0, 10.0, 10.0), 1000.0, 800.0, 50.0);
        assert_eq!(small.zoom, 2.0);
        assert!(close(
            small.to_screen(Point::new(5.0, 5.0)),
            Point::new(500.0, 400.0)
        ));

        let dot = Viewport::fit(&Rect::new(7.0, 9.0, 0.0, 0.0), 1000.0, 800.0, 50.0);
        assert_eq!(dot.zoom, 1.0);
        assert!(close(
            dot.to_screen(Point::new(7.0, 9.0)),
            Point::new(500.0, 400.0)
        ));
    }

    #[test]
    fn zoom_ladder() {
        assert_eq!(zoom_step(1.0, true), 1.25);
        assert_eq!(zoom_step(1.0, false), 0.75);
        assert_eq!(zoom_step(1.1, true), 1.25);
        assert_eq!(zoom_step(1.1, false), 1.0);
        assert_eq!(zoom_step(1.000_000_000_1, true), 1.25);
        assert_eq!(zoom_step(4.0, true), MAX_ZOOM);
        assert_eq!(zoom_step(0.1, false), 0.05);
        assert_eq!(zoom_step(0.05, false), MIN_ZOOM);
    }

    #[test]
    fn hit_outlines() {
        let r = Rect::new(0.0, 0.0, 100.0, 50.0);
        let corner = Point::new(2.0, 2.0);
        for o in [Outline::Rect, Outline::Ellipse, Outline::Diamond] {
            assert!(hit_outline(o, &r, r.center(), 0.0), "{o:?}");
            assert!(!hit_outline(o, &r, Point::new(-5.0, 25.0), 0.0), "{o:?}");
            assert!(hit_outline(o, &r, Point::new(-5.0, 25.0), 6.0), "{o:?}");
        }
        assert!(hit_outline(Outline::Rect, &r, corner, 0.0));
        assert!(!hit_outline(Outline::Ellipse, &r, corner, 0.0));
        assert!(!hit_outline(Outline::Diamond, &r, corner, 0.0));
        // Just outside a diamond edge: missed exactly, hit with a little slack.
        let off_edge = Point::new(25.0, 11.0);
        assert!(!hit_outline(Outline::Diamond, &r, off_edge, 0.0));
        assert!(hit_outline(Outline::Diamond, &r, off_edge, 2.0));
        // A flat diamond (a divider line) is only as long as its rect.
        let flat = Rect::new(0.0, 10.0, 100.0, 0.0);
        assert!(hit_outline(
            Outline::Diamond,
            &flat,
            Point::new(30.0, 10.0),
            0.0
        ));
        assert!(!hit_outline(
            Outline::Diamond,
            &flat,
            Point::new(300.0, 10.0),
            0.0
        ));
    }

    #[test]
    fn polyline_hits() {
        let line = [
            Point::new(0.0, 0.0),
            Point::new(10.0, 0.0),
            Point::new(10.0, 10.0),
        ];
        assert_eq!(
            distance_to_segment(Point::new(5.0, 3.0), line[0], line[1]),
            3.0
        );
        assert_eq!(
            distance_to_segment(Point::new(-3.0, 4.0), line[0], line[1]),
            5.0
        );
        assert!(hit_polyline(&line, Point::new(12.0, 5.0), 2.0));
        assert!(!hit_polyline(&line, Point::new(5.0, 5.0), 2.0));
        assert!(hit_polyline(&line[..1], Point::new(1.0, 0.0), 1.0));
        assert!(!hit_polyline(&[], Point::default(), 1.0));
    }

    fn on_outline(o: Outline, r: &Rect, p: Point) -> bool {
        let c = r.center();
        let (dx, dy) = (
            (p.x - c.x).abs() / (r.w / 2.0),
            (p.y - c.y).abs() / (r.h / 2.0),
        );
        match o {
            Outline::Rect => (dx.max(dy) - 1.0).abs() < 1e-9,
            Outline::Ellipse => (dx * dx + dy * dy - 1.0).abs() < 1e-9,
            Outline::Diamond => (dx + dy - 1.0).abs() < 1e-9,
        }
    }

    #[test]
    fn boundary_points_lie_on_outline() {
        let r = Rect::new(10.0, 20.0, 80.0, 40.0);
        assert_eq!(boundary_point(Outline::Ellipse, &r, r.center()), r.center());
        for o in [Outline::Rect, Outline::Ellipse, Outline::Diamond] {
            for k in 0..16 {
                let a = f64::from(k) * std::f64::consts::PI / 8.0 + 0.1;
                let toward = Point::new(50.0 + 500.0 * a.cos(), 40.0 + 500.0 * a.sin());
                let p = boundary_point(o, &r, toward);
                assert!(on_outline(o, &r, p), "{o:?} {p:?}");
            }
        }
        assert!(close(
            boundary_point(Outline::Diamond, &r, Point::new(1000.0, 40.0)),
            Point::new(90.0, 40.0)
        ));
    }

    #[test]
    fn routes_side_by_side_and_after_a_move() {
        let left = attached(Rect::new(0.0, 0.0, 100.0, 50.0), Outline::Rect);
        let right_rect = Rect::new(300.0, 0.0, 100.0, 50.0);
        let right = attached(right_rect, Outline::Rect);
        let r = route(left, right);
        assert!(close(r.start, Point::new(100.0, 25.0)));
        assert!(close(r.end, Point::new(300.0, 25.0)));
        assert!(close(r.midpoint(), Point::new(200.0, 25.0)));

        // Moving the right element straight down: the route now leaves the bottom
        // edge of the left one and enters the top edge of the moved one.
        let moved = attached(Rect::new(0.0, 300.0, 100.0, 50.0), Outline::Ellipse);
        let r = route(left, moved);
        assert!(close(r.start, Point::new(50.0, 50.0)));
        assert!(close(r.end, Point::new(50.0, 300.0)));

        let free = route(End::Free(Point::new(-100.0, 25.0)), right);
        assert_eq!(free.start, Point::new(-100.0, 25.0));
        assert!(close(free.end, Point::new(300.0, 25.0)));

        let overlap = route(
            left,
            attached(Rect::new(20.0, 10.0, 100.0, 50.0), Outline::Diamond),
        );
        assert!(overlap.start.x.is_finite() && overlap.end.y.is_finite());
        let same = route(left, left);
        assert_eq!(
            (same.start, same.end),
            (Point::new(50.0, 25.0), Point::new(50.0, 25.0))
        );
    }

    #[test]
    fn arrowhead_sits_behind_the_tip() {
        let r = Route::straight(Point::new(0.0, 0.0), Point::new(100.0, 0.0));
        let (l, rt) = r.arrowhead(10.0);
        assert!(close(l, Point::new(90.0, -5.0)), "{l:?}");
        assert!(close(rt, Point::new(90.0, 5.0)), "{rt:?}");
        let diag = Route::straight(Point::new(50.0, 50.0), Point::new(0.0, 0.0));
        let (a, b) = diag.arrowhead(8.0);
        for c in [a, b] {
            assert!(c.x > 0.0 && c.y > 0.0 && (c.distance(diag.end) - 80f64.sqrt()).abs() < 1e-9);
        }
        let dot = Route::straight(Point::new(3.0, 4.0), Point::new(3.0, 4.0));
        assert_eq!(dot.arrowhead(10.0), (dot.end, dot.end));
    }

    #[test]
    fn elbows_leave_and_enter_the_facing_sides_square_on() {
        let left = attached(Rect::new(0.0, 0.0, 100.0, 50.0), Outline::Rect);
        // Lower right: further apart across than down, so it runs horizontally.
        let right = attached(Rect::new(300.0, 100.0, 100.0, 50.0), Outline::Ellipse);
        let r = route_with(left, right, Routing::Elbow);
        assert_eq!(
            r.corners(),
            vec![
                Point::new(100.0, 25.0),
                Point::new(200.0, 25.0),
                Point::new(200.0, 125.0),
                Point::new(300.0, 125.0),
            ]
        );
        assert_eq!(r.midpoint(), Point::new(200.0, 75.0));
        assert_eq!(
            r.svg_path(Point::new(100.0, 0.0)),
            "M 0 25 L 100 25 L 100 125 L 200 125"
        );
        // The arrow comes in along the last, horizontal stretch.
        let (l, rt) = r.arrowhead(10.0);
        assert!(close(l, Point::new(290.0, 120.0)) && close(rt, Point::new(290.0, 130.0)));
        assert!(r.hit(Point::new(200.0, 80.0), 2.0));
        assert!(!r.hit(Point::new(150.0, 80.0), 2.0));

        // Above: vertical, from the bottom side to the top side.
        let below = attached(Rect::new(0.0, 400.0, 100.0, 50.0), Outline::Rect);
        let v = route_with(below, left, Routing::Elbow);
        assert_eq!(
            (v.start, v.end),
            (Point::new(50.0, 400.0), Point::new(50.0, 50.0))
        );
        assert_eq!(
            v.bend,
            Bend::Elbow {
                horizontal: false,
                at: 225.0
            }
        );
    }

    #[test]
    fn curves_bend_out_square_and_stay_within_their_bounds() {
        let left = attached(Rect::new(0.0, 0.0, 100.0, 50.0), Outline::Rect);
        let right = attached(Rect::new(300.0, 100.0, 100.0, 50.0), Outline::Rect);
        let r = route_with(left, right, Routing::Curved);
        assert_eq!(
            (r.start, r.end),
            (Point::new(100.0, 25.0), Point::new(300.0, 125.0))
        );
        let Bend::Curved { c1, c2 } = r.bend else {
            panic!("{r:?}")
        };
        assert_eq!(
            (c1, c2),
            (Point::new(200.0, 25.0), Point::new(200.0, 125.0))
        );
        assert!(close(r.midpoint(), Point::new(200.0, 75.0)));
        assert!(r
            .svg_path(Point::default())
            .starts_with("M 100 25 C 200 25, 200 125, 300 125"));
        assert!(r.bounds().contains(r.midpoint()));
        assert!(r.hit(Point::new(200.0, 75.0), 1.0));
        assert!(!r.hit(Point::new(120.0, 120.0), 5.0));
        // A free end keeps its point whatever the routing.
        let free = route_with(End::Free(Point::new(-50.0, -60.0)), right, Routing::Curved);
        assert_eq!(free.start, Point::new(-50.0, -60.0));
        for routing in Routing::ALL {
            assert_eq!(Routing::from_name(routing.name()), routing);
        }
        assert_eq!(Routing::from_name("zigzag"), Routing::Straight);
    }

    #[test]
    fn simplify_drops_close_points_and_keeps_ends() {
        let pts: Vec<Point> = (0..=20)
            .map(|i| Point::new(f64::from(i) * 0.5, 0.0))
            .collect();
        let s = simplify(&pts, 2.0);
        assert_eq!(s.first(), pts.first());
        assert_eq!(s.last(), pts.last());
        assert!(s.len() < pts.len());
        for w in s[..s.len() - 1].windows(2) {
            assert!(w[0].distance(w[1]) >= 2.0);
        }
        assert!(simplify(&[], 2.0).is_empty());
        let p = Point::new(1.0, 1.0);
        assert_eq!(simplify(&[p, p, p], 2.0), vec![p]);
        let q = Point::new(1.5, 1.0);
        assert_eq!(simplify(&[p, q], 2.0), vec![p, q]);
    }

    #[test]
    fn smooth_paths() {
        assert_eq!(smooth_path(&[]), "");
        assert_eq!(smooth_path(&[Point::new(1.0, -0.04)]), "M 1 0 L 1 0");
        let pts = [
            Point::new(0.0, 0.0),
            Point::new(10.0, 5.0),
            Point::new(20.0, 0.0),
            Point::new(30.25, 5.0),
        ];
        let d = smooth_path(&pts);
        assert!(d.starts_with("M 0 0 C"), "{d}");
        assert_eq!(d.matches('C').count(), pts.len() - 1);
        assert!(d.ends_with(" 30.2 5") || d.ends_with(" 30.3 5"), "{d}");
        assert_eq!(smooth_path(&pts[..2]), "M 0 0 C 1.7 0.8 8.3 4.2 10 5");
    }

    #[test]
    fn bounds_of_points() {
        assert_eq!(points_bounds(&[]), None);
        let p = Point::new(3.0, 4.0);
        assert_eq!(points_bounds(&[p]), Some(Rect::new(3.0, 4.0, 0.0, 0.0)));
        let pts = [p, Point::new(-1.0, 10.0), Point::new(5.0, 6.0)];
        assert_eq!(points_bounds(&pts), Some(Rect::new(-1.0, 4.0, 6.0, 6.0)));
    }

    proptest! {
        #[test]
        fn screen_world_round_trip(
            ox in -1e5..1e5f64, oy in -1e5..1e5f64, zoom in MIN_ZOOM..=MAX_ZOOM,
            sx in -4e3..4e3f64, sy in -4e3..4e3f64,
        ) {
            let v = vp(ox, oy, zoom);
            let s = Point::new(sx, sy);
            prop_assert!(v.to_screen(v.to_world(s)).distance(s) < 1e-6);
        }

        #[test]
        fn zoom_at_never_moves_the_anchor(
            zoom in MIN_ZOOM..=MAX_ZOOM, factor in 0.01..100.0f64,
            sx in 0.0..2e3f64, sy in 0.0..2e3f64,
        ) {
            let v = vp(40.0, -70.0, zoom);
            let s = Point::new(sx, sy);
            let z = v.zoom_at(s, factor);
            prop_assert!((MIN_ZOOM..=MAX_ZOOM).contains(&z.zoom));
            prop_assert!(z.to_world(s).distance(v.to_world(s)) < 1e-6);
        }

        #[test]
        fn boundary_point_is_on_the_outline(
            x in -1e3..1e3f64, y in -1e3..1e3f64, w in 1.0..500.0f64, h in 1.0..500.0f64,
            tx in -2e3..2e3f64, ty in -2e3..2e3f64, which in 0..3usize,
        ) {
            let o = [Outline::Rect, Outline::Ellipse, Outline::Diamond][which];
            let r = Rect::new(x, y, w, h);
            let toward = Point::new(tx, ty);
            prop_assume!(toward.distance(r.center()) > 1e-6);
            let p = boundary_point(o, &r, toward);
            prop_assert!(r.inflate(1e-6).contains(p));
            prop_assert!(on_outline(o, &r, p), "{:?} {:?}", o, p);
            prop_assert!(hit_outline(o, &r, p, 1e-6));
        }
    }

    #[test]
    fn resizing_keeps_the_opposite_corner() {
        let r = Rect::new(100.0, 100.0, 200.0, 100.0);
        let se = resize(r, Corner::BottomRight, 50.0, 20.0, false, 10.0);
        assert_eq!(se, Rect::new(100.0, 100.0, 250.0, 120.0));
        let nw = resize(r, Corner::TopLeft, 50.0, 20.0, false, 10.0);
        assert_eq!(nw, Rect::new(150.0, 120.0, 150.0, 80.0));
        assert_eq!((nw.right(), nw.bottom()), (r.right(), r.bottom()));
        let tiny = resize(r, Corner::TopRight, -500.0, 500.0, false, 24.0);
        assert_eq!((tiny.x, tiny.w, tiny.h), (100.0, 24.0, 24.0));
        assert_eq!(tiny.bottom(), r.bottom(), "the bottom edge stays");
        let ratio = resize(r, Corner::BottomLeft, -100.0, 0.0, true, 10.0);
        assert_eq!(
            (ratio.w / ratio.h, ratio.right(), ratio.y),
            (2.0, r.right(), r.y)
        );
        assert_eq!(Corner::parse("ne"), Some(Corner::TopRight));
    }
}
