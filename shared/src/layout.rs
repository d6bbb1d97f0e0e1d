//! Layout help, as pure geometry over element rects: aligning, distributing
//! and tidying a selection, and snapping a selection being moved to other
//! elements' edges and centres (with the guides to show) or to the grid. The
//! client turns the answers into moves ([`crate::edit::move_each`]); the tests
//! pin the arithmetic down here, where no browser is needed.

use crate::geometry::{Point, Rect};

/// The board's grid pitch: the canvas draws its dots this many units apart
/// at 100 %.
pub const GRID: f64 = 24.0;

/// Gap between notes tidied into a grid.
pub const TIDY_GAP: f64 = 20.0;

/// Which edges or centres to line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Left edges on the leftmost.
    Left,
    /// Centres on the selection's vertical centre line.
    Center,
    /// Right edges on the rightmost.
    Right,
    /// Top edges on the topmost.
    Top,
    /// Centres on the selection's horizontal centre line.
    Middle,
    /// Bottom edges on the lowest.
    Bottom,
}

impl Align {
    /// Every alignment, in the order the style bar offers them.
    pub const ALL: [Align; 6] = [
        Align::Left,
        Align::Center,
        Align::Right,
        Align::Top,
        Align::Middle,
        Align::Bottom,
    ];

    /// Its name for `data-` attributes and catalogue keys.
    pub fn name(self) -> &'static str {
        match self {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
            Align::Top => "top",
            Align::Middle => "middle",
            Align::Bottom => "bottom",
        }
    }
}

/// A new top-left corner for an element.
pub type Placement = (String, Point);

/// Keeps only the placements that move their element.
fn changed(items: &[(String, Rect)], to: impl Fn(&str, &Rect) -> Point) -> Vec<Placement> {
    items
        .iter()
        .filter_map(|(id, r)| {
            let p = to(id, r);
            ((p.x - r.x).abs() > 1e-9 || (p.y - r.y).abs() > 1e-9).then(|| (id.clone(), p))
        })
        .collect()
}

/// Lines up `items` as `how` says, against the selection's own bounds (as
/// Miro and Figma do); nothing for fewer than two.
pub fn align(items: &[(String, Rect)], how: Align) -> Vec<Placement> {
    if items.len() < 2 {
        return Vec::new();
    }
    let Some(b) = Rect::bounding(items.iter().map(|(_, r)| *r)) else {
        return Vec::new();
    };
    let c = b.center();
    changed(items, |_, r| match how {
        Align::Left => Point::new(b.x, r.y),
        Align::Center => Point::new(c.x - r.w / 2.0, r.y),
        Align::Right => Point::new(b.right() - r.w, r.y),
        Align::Top => Point::new(r.x, b.y),
        Align::Middle => Point::new(r.x, c.y - r.h / 2.0),
        Align::Bottom => Point::new(r.x, b.bottom() - r.h),
    })
}

/// Spaces `items` evenly along one axis: the first and the last stay, and the
/// gaps between neighbours become equal; nothing for fewer than three.
pub fn distribute(items: &[(String, Rect)], horizontal: bool) -> Vec<Placement> {
    if items.len() < 3 {
        return Vec::new();
    }
    let start = |r: &Rect| if horizontal { r.x } else { r.y };
    let size = |r: &Rect| if horizontal { r.w } else { r.h };
    let mut sorted: Vec<&(String, Rect)> = items.iter().collect();
    sorted.sort_by(|a, b| {
        (start(&a.1) + size(&a.1) / 2.0).total_cmp(&(start(&b.1) + size(&b.1) / 2.0))
    });
    let first = &sorted[0].1;
    let last = &sorted[sorted.len() - 1].1;
    let span = start(last) + size(last) - start(first);
    let filled: f64 = sorted.iter().map(|(_, r)| size(r)).sum();
    let gap = (span - filled) / (sorted.len() - 1) as f64;
    let mut at = start(first);
    let mut wanted = std::collections::HashMap::new();
    for (id, r) in &sorted {
        wanted.insert(id.as_str(), at);
        at += size(r) + gap;
    }
    changed(items, |id, r| {
        let to = wanted.get(id).copied().unwrap_or(start(r));
        if horizontal {
            Point::new(to, r.y)
        } else {
            Point::new(r.x, to)
        }
    })
}

/// Arranges `items` in a near-square grid in reading order, from the
/// selection's top-left corner, each in a cell as large as the largest.
pub fn tidy(items: &[(String, Rect)], gap: f64) -> Vec<Placement> {
    let Some(b) = Rect::bounding(items.iter().map(|(_, r)| *r)) else {
        return Vec::new();
    };
    let cell_w = items.iter().map(|(_, r)| r.w).fold(0.0, f64::max);
    let cell_h = items.iter().map(|(_, r)| r.h).fold(0.0, f64::max);
    // Reading order: rows as they are on the board (a row is whatever starts
    // within half a cell of each other), then left to right.
    let mut order: Vec<usize> = (0..items.len()).collect();
    let row = |r: &Rect| ((r.y - b.y) / (cell_h / 2.0).max(1.0)).floor() as i64;
    order.sort_by(|&a, &b| {
        let (ra, rb) = (&items[a].1, &items[b].1);
        row(ra).cmp(&row(rb)).then(ra.x.total_cmp(&rb.x))
    });
    let columns = (items.len() as f64).sqrt().ceil().max(1.0) as usize;
    let mut cell_of = vec![Point::default(); items.len()];
    for (k, &i) in order.iter().enumerate() {
        cell_of[i] = Point::new(
            b.x + (k % columns) as f64 * (cell_w + gap),
            b.y + (k / columns) as f64 * (cell_h + gap),
        );
    }
    let cells: std::collections::HashMap<&str, Point> = items
        .iter()
        .zip(cell_of)
        .map(|((id, _), p)| (id.as_str(), p))
        .collect();
    changed(items, |id, r| {
        cells.get(id).copied().unwrap_or(Point::new(r.x, r.y))
    })
}

/// A line to show while snapping: where the moved selection lines up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Guide {
    /// Whether the line is vertical (x lines up) or horizontal (y lines up).
    pub vertical: bool,
    /// Its x when vertical, else its y.
    pub at: f64,
    /// Where it starts across the other axis.
    pub from: f64,
    /// Where it ends across the other axis.
    pub to: f64,
}

/// How far to shift a moved selection so that it snaps, and the guides that
/// show why.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapped {
    /// The shift to add to the move.
    pub by: Point,
    /// Guides for the edges and centres now lined up.
    pub guides: Vec<Guide>,
}

/// The left, centre and right (or top, middle and bottom) of `r`.
fn stops(r: &Rect, vertical: bool) -> [f64; 3] {
    if vertical {
        [r.x, r.x + r.w / 2.0, r.right()]
    } else {
        [r.y, r.y + r.h / 2.0, r.bottom()]
    }
}

/// Snaps `moving` (the selection's bounds where the pointer puts it) on each
/// axis to the nearest edge or centre of `others` within `tolerance`; where
/// none is that close and `grid` is given, its top-left corner goes to the
/// grid. Guides run across the lined-up elements.
pub fn snap(moving: Rect, others: &[Rect], tolerance: f64, grid: Option<f64>) -> Snapped {
    let mut out = Snapped::default();
    for vertical in [true, false] {
        let mine = stops(&moving, vertical);
        let mut best: Option<f64> = None;
        for other in others {
            for theirs in stops(other, vertical) {
                for m in mine {
                    let d = theirs - m;
                    if d.abs() <= tolerance && best.is_none_or(|b| d.abs() < b.abs()) {
                        best = Some(d);
                    }
                }
            }
        }
        let shift = match (best, grid) {
            (Some(d), _) => d,
            (None, Some(g)) if g > 0.0 => {
                let edge = if vertical { moving.x } else { moving.y };
                (edge / g).round() * g - edge
            }
            _ => 0.0,
        };
        if vertical {
            out.by.x = shift;
        } else {
            out.by.y = shift;
        }
        if best.is_none() {
            continue;
        }
        let placed = Rect::new(moving.x + out.by.x, moving.y + out.by.y, moving.w, moving.h);
        for at in stops(&placed, vertical) {
            let lined: Vec<&Rect> = others
                .iter()
                .filter(|o| stops(o, vertical).iter().any(|s| (s - at).abs() < 1e-6))
                .collect();
            if lined.is_empty() {
                continue;
            }
            let across = |r: &Rect| {
                if vertical {
                    (r.y, r.bottom())
                } else {
                    (r.x, r.right())
                }
            };
            let (mut from, mut to) = across(&placed);
            for r in lined {
                let (a, b) = across(r);
                from = from.min(a);
                to = to.max(b);
            }
            out.guides.push(Guide {
                vertical,
                at,
                from,
                to,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(rects: &[(f64, f64, f64, f64)]) -> Vec<(String, Rect)> {
        rects
            .iter()
            .enumerate()
            .map(|(i, (x, y, w, h))| (format!("e{i}"), Rect::new(*x, *y, *w, *h)))
            .collect()
    }

    fn placed(items: &[(String, Rect)], moves: &[Placement]) -> Vec<Rect> {
        items
            .iter()
            .map(|(id, r)| match moves.iter().find(|(m, _)| m == id) {
                Some((_, p)) => Rect::new(p.x, p.y, r.w, r.h),
                None => *r,
            })
            .collect()
    }

    #[test]
    fn aligning_lines_edges_and_centres_up_against_the_selection() {
        let sel = items(&[
            (10.0, 0.0, 100.0, 50.0),
            (40.0, 90.0, 40.0, 30.0),
            (0.0, 200.0, 160.0, 80.0),
        ]);
        let left = placed(&sel, &align(&sel, Align::Left));
        assert!(left.iter().all(|r| r.x == 0.0));
        assert_eq!(
            left.iter().map(|r| r.y).collect::<Vec<_>>(),
            vec![0.0, 90.0, 200.0]
        );
        let right = placed(&sel, &align(&sel, Align::Right));
        assert!(right.iter().all(|r| r.right() == 160.0));
        let center = placed(&sel, &align(&sel, Align::Center));
        assert!(center.iter().all(|r| r.center().x == 80.0));
        let middle = placed(&sel, &align(&sel, Align::Middle));
        assert!(middle.iter().all(|r| r.center().y == 140.0));
        let bottom = placed(&sel, &align(&sel, Align::Bottom));
        assert!(bottom.iter().all(|r| r.bottom() == 280.0));
        // Already aligned: nothing to write.
        assert!(align(
            &items(&[(0.0, 0.0, 5.0, 5.0), (0.0, 9.0, 7.0, 7.0)]),
            Align::Left
        )
        .is_empty());
        assert!(align(&sel[..1], Align::Top).is_empty());
    }

    #[test]
    fn distributing_makes_equal_gaps_and_keeps_the_outer_ones() {
        // Widths 100, 50, 100; span 0..600: gaps of 175 each.
        let sel = items(&[
            (500.0, 0.0, 100.0, 40.0),
            (0.0, 10.0, 100.0, 40.0),
            (120.0, 20.0, 50.0, 40.0),
        ]);
        let out = placed(&sel, &distribute(&sel, true));
        assert_eq!(out[1].x, 0.0);
        assert_eq!(out[0].x, 500.0);
        assert_eq!(out[2].x, 275.0);
        assert_eq!(out[2].y, 20.0, "distributing across leaves y alone");
        let vertical = items(&[
            (0.0, 0.0, 10.0, 10.0),
            (0.0, 15.0, 10.0, 10.0),
            (0.0, 100.0, 10.0, 10.0),
            (5.0, 30.0, 10.0, 30.0),
        ]);
        let v = placed(&vertical, &distribute(&vertical, false));
        let mut sorted = v.clone();
        sorted.sort_by(|a, b| a.y.total_cmp(&b.y));
        let gaps: Vec<f64> = sorted.windows(2).map(|w| w[1].y - w[0].bottom()).collect();
        assert!(gaps.iter().all(|g| (g - gaps[0]).abs() < 1e-9), "{gaps:?}");
        assert_eq!((sorted[0].y, sorted[3].bottom()), (0.0, 110.0));
        assert!(distribute(&sel[..2], true).is_empty());
    }

    #[test]
    fn tidying_puts_notes_in_a_square_grid_in_reading_order() {
        let sel = items(&[
            (300.0, 5.0, 160.0, 160.0),
            (0.0, 0.0, 160.0, 160.0),
            (900.0, 700.0, 160.0, 160.0),
            (50.0, 400.0, 100.0, 120.0),
            (600.0, 10.0, 160.0, 160.0),
        ]);
        let out = placed(&sel, &tidy(&sel, TIDY_GAP));
        // Five notes: three columns; reading order e1, e0, e4 | e3, e2.
        let at = |i: usize| (out[i].x, out[i].y);
        assert_eq!(at(1), (0.0, 0.0));
        assert_eq!(at(0), (180.0, 0.0));
        assert_eq!(at(4), (360.0, 0.0));
        assert_eq!(at(3), (0.0, 180.0));
        assert_eq!(at(2), (180.0, 180.0));
        for (i, a) in out.iter().enumerate() {
            for b in &out[i + 1..] {
                assert!(!a.intersects(b), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn snapping_prefers_the_nearest_edge_or_centre_and_shows_guides() {
        let others = [
            Rect::new(0.0, 0.0, 100.0, 100.0),
            Rect::new(400.0, 300.0, 50.0, 50.0),
        ];
        // Left edge 3 units right of the first one's left edge; y near nothing.
        let s = snap(Rect::new(3.0, 200.0, 80.0, 40.0), &others, 6.0, None);
        assert_eq!(s.by, Point::new(-3.0, 0.0));
        assert_eq!(
            s.guides,
            vec![Guide {
                vertical: true,
                at: 0.0,
                from: 0.0,
                to: 240.0
            }]
        );
        // Centre to centre on both axes.
        let s = snap(Rect::new(401.0, 296.0, 50.0, 50.0), &others, 6.0, None);
        assert_eq!(s.by, Point::new(-1.0, 4.0));
        assert_eq!(
            s.guides.len(),
            6,
            "left, centre and right, top, middle and bottom"
        );
        // Nothing close: the grid decides, without guides.
        let s = snap(
            Rect::new(233.0, 177.0, 10.0, 10.0),
            &others,
            6.0,
            Some(GRID),
        );
        assert_eq!(s.by, Point::new(7.0, -9.0));
        assert!(s.guides.is_empty());
        let s = snap(Rect::new(233.0, 177.0, 10.0, 10.0), &others, 6.0, None);
        assert_eq!(s, Snapped::default());
    }
}
