//! How each kind of element looks. Every element view reads its own signal (and a
//! connector those of its two ends), so a change to one element re-renders only
//! that element. Positions go through CSSOM (`style:`), which the strict
//! Content-Security-Policy allows where it would block `style` attributes.

use crate::board::B;
use leptos::prelude::*;
use tafel_shared::edit::connector_ends;
use tafel_shared::element::Element;
use tafel_shared::geometry::{route, smooth_path, Outline, Point, Rect};
use tafel_shared::schema::ElementKind;
use tafel_shared::text::fit_font_size;

/// Inner padding of notes and shapes, in board units.
pub const PAD: f64 = 12.0;

fn px(v: f64) -> String {
    format!("{v}px")
}

fn placed(r: &Rect) -> String {
    format!("translate({}px, {}px)", r.x, r.y)
}

/// One element, by id; nothing if it vanished meanwhile.
#[component]
pub fn ElementView(
    /// The board.
    board: B,
    /// The element.
    id: String,
) -> impl IntoView {
    let Some(signal) = board.with_value(|b| b.model.view(&id)) else {
        return ().into_any();
    };
    let kind = signal.with_untracked(|e| e.kind);
    match kind {
        Some(ElementKind::Connector) => view! { <ConnectorView board id signal/> }.into_any(),
        Some(ElementKind::Pen) => pen(id, signal).into_any(),
        Some(ElementKind::Frame) => frame(id, signal).into_any(),
        Some(ElementKind::Shape) => shape(id, signal).into_any(),
        Some(ElementKind::Sticky | ElementKind::Text) => note(id, signal).into_any(),
        _ => ().into_any(),
    }
}

fn box_style(
    signal: &ArcRwSignal<Element>,
) -> (
    impl Fn() -> String + use<>,
    impl Fn() -> String + use<>,
    impl Fn() -> String + use<>,
) {
    let (a, b, c) = (signal.clone(), signal.clone(), signal.clone());
    (
        move || a.with(|e| placed(&e.rect)),
        move || b.with(|e| px(e.rect.w)),
        move || c.with(|e| px(e.rect.h)),
    )
}

fn note(id: String, signal: ArcRwSignal<Element>) -> impl IntoView {
    let (transform, width, height) = box_style(&signal);
    let is_sticky = signal.with_untracked(|e| e.kind == Some(ElementKind::Sticky));
    let s = signal.clone();
    let background = move || s.with(|e| is_sticky.then(|| e.color.clone()));
    let s = signal.clone();
    let ink = move || s.with(|e| (!is_sticky && !e.stroke.is_empty()).then(|| e.stroke.clone()));
    let s = signal.clone();
    let font = move || {
        s.with(|e| {
            let max = if is_sticky { 26.0 } else { 22.0 };
            px(fit_font_size(&e.text, e.rect.w, e.rect.h, PAD, max, 9.0))
        })
    };
    let s = signal.clone();
    let label = move || s.with(Element::label);
    let s = signal.clone();
    let text = move || s.with(|e| e.text.clone());
    let class = if is_sticky {
        "element sticky"
    } else {
        "element textbox"
    };
    view! {
        <div
            class=class
            data-id=id
            tabindex="0"
            role="button"
            aria-label=label
            style:transform=transform
            style:width=width
            style:height=height
            style:background=background
            style:color=ink
            style:font-size=font
        >
            <div class="text">{text}</div>
        </div>
    }
}

fn shape(id: String, signal: ArcRwSignal<Element>) -> impl IntoView {
    let (transform, width, height) = box_style(&signal);
    let s = signal.clone();
    let outline = move || {
        s.with(|e| {
            let (w, h) = (e.rect.w, e.rect.h);
            let fill = if e.fill.is_empty() { "#ffffff".to_owned() } else { e.fill.clone() };
            let stroke = if e.stroke.is_empty() { "#1f2328".to_owned() } else { e.stroke.clone() };
            match e.outline {
                Outline::Rect => view! {
                    <rect x="1" y="1" width=(w - 2.0).max(0.0) height=(h - 2.0).max(0.0) rx="4" fill=fill stroke=stroke stroke-width="2"/>
                }
                .into_any(),
                Outline::Ellipse => view! {
                    <ellipse cx=w / 2.0 cy=h / 2.0 rx=(w / 2.0 - 1.0).max(0.0) ry=(h / 2.0 - 1.0).max(0.0) fill=fill stroke=stroke stroke-width="2"/>
                }
                .into_any(),
                Outline::Diamond => {
                    let points = format!("{},1 {},{} {},{} 1,{}", w / 2.0, w - 1.0, h / 2.0, w / 2.0, h - 1.0, h / 2.0);
                    view! { <polygon points=points fill=fill stroke=stroke stroke-width="2"/> }.into_any()
                }
            }
        })
    };
    let s = signal.clone();
    let view_box = move || s.with(|e| format!("0 0 {} {}", e.rect.w, e.rect.h));
    let s = signal.clone();
    let font = move || {
        s.with(|e| {
            px(fit_font_size(
                &e.text,
                e.rect.w * 0.8,
                e.rect.h * 0.8,
                PAD,
                22.0,
                9.0,
            ))
        })
    };
    let s = signal.clone();
    let label = move || s.with(Element::label);
    let s = signal.clone();
    let text = move || s.with(|e| e.text.clone());
    view! {
        <div
            class="element shape"
            data-id=id
            tabindex="0"
            role="button"
            aria-label=label
            style:transform=transform
            style:width=width
            style:height=height
            style:font-size=font
        >
            <svg class="outline" viewBox=view_box aria-hidden="true">{outline}</svg>
            <div class="text">{text}</div>
        </div>
    }
}

fn frame(id: String, signal: ArcRwSignal<Element>) -> impl IntoView {
    let title_id = id.clone();
    let (transform, width, height) = box_style(&signal);
    let s = signal.clone();
    let label = move || s.with(Element::label);
    let s = signal.clone();
    let title = move || {
        s.with(|e| {
            if e.title.is_empty() {
                "Frame".to_owned()
            } else {
                e.title.clone()
            }
        })
    };
    let s = signal.clone();
    let locked = move || s.with(|e| e.locked);
    view! {
        <div
            class="element frame"
            class:locked=locked
            data-id=id.clone()
            tabindex="0"
            role="group"
            aria-label=label
            style:transform=transform
            style:width=width
            style:height=height
        >
            <div class="frame-title" data-id=title_id>{title}</div>
        </div>
    }
}

fn pen(id: String, signal: ArcRwSignal<Element>) -> impl IntoView {
    let path_id = id.clone();
    let (transform, width, height) = box_style(&signal);
    let s = signal.clone();
    let d = move || s.with(|e| smooth_path(&e.points));
    let s = signal.clone();
    let view_box = move || {
        s.with(|e| {
            let b = tafel_shared::geometry::points_bounds(&e.points).unwrap_or_default();
            format!("{} {} {} {}", b.x, b.y, b.w.max(1.0), b.h.max(1.0))
        })
    };
    let s = signal.clone();
    let stroke = move || {
        s.with(|e| {
            if e.stroke.is_empty() {
                "#1f2328".to_owned()
            } else {
                e.stroke.clone()
            }
        })
    };
    view! {
        <div class="element pen" data-id=path_id tabindex="0" role="img" aria-label="Drawing"
            style:transform=transform style:width=width style:height=height>
            <svg viewBox=view_box preserveAspectRatio="none" aria-hidden="true">
                <path data-id=id d=d stroke=stroke fill="none" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" vector-effect="non-scaling-stroke"/>
            </svg>
        </div>
    }
}

/// Where a connector runs now, following both of its ends.
pub fn connector_route(board: &crate::board::Board, c: &Element) -> tafel_shared::geometry::Route {
    // Reading the ends through their signals makes the connector follow them.
    let from = board.model.view(&c.from).map(|s| s.get());
    let to = board.model.view(&c.to).map(|s| s.get());
    let mut known = std::collections::HashMap::new();
    if let Some(f) = from.as_ref() {
        known.insert(f.id.as_str(), f);
    }
    if let Some(t) = to.as_ref() {
        known.insert(t.id.as_str(), t);
    }
    let (a, b) = connector_ends(&known, c);
    route(a, b)
}

#[component]
fn ConnectorView(board: B, id: String, signal: ArcRwSignal<Element>) -> impl IntoView {
    let geometry = Memo::new(move |_| {
        // Ends may appear after the connector (late sync): recheck when elements come.
        board.with_value(|b| b.model.order.track());
        let c = signal.get();
        let r = board.with_value(|b| connector_route(b, &c));
        (c, r)
    });
    let pad = 24.0;
    let frame = move || {
        geometry.with(|(_, r)| {
            let min = Point::new(r.start.x.min(r.end.x) - pad, r.start.y.min(r.end.y) - pad);
            let w = (r.start.x - r.end.x).abs() + 2.0 * pad;
            let h = (r.start.y - r.end.y).abs() + 2.0 * pad;
            (min, w, h)
        })
    };
    let transform = move || {
        let (min, _, _) = frame();
        format!("translate({}px, {}px)", min.x, min.y)
    };
    let width = move || px(frame().1);
    let height = move || px(frame().2);
    let local = move |p: Point| {
        let (min, _, _) = frame();
        Point::new(p.x - min.x, p.y - min.y)
    };
    let line = move || {
        geometry.with(|(_, r)| {
            let (a, b) = (local(r.start), local(r.end));
            format!("M {} {} L {} {}", a.x, a.y, b.x, b.y)
        })
    };
    let head = move || {
        geometry.with(|(_, r)| {
            let (left, right) = r.arrowhead(14.0);
            let (e, l, rr) = (local(r.end), local(left), local(right));
            format!("{},{} {},{} {},{}", e.x, e.y, l.x, l.y, rr.x, rr.y)
        })
    };
    let stroke = move || {
        geometry.with(|(c, _)| {
            if c.stroke.is_empty() {
                "#1f2328".to_owned()
            } else {
                c.stroke.clone()
            }
        })
    };
    let label = move || geometry.with(|(c, _)| c.text.clone());
    let has_label = move || geometry.with(|(c, _)| !c.text.trim().is_empty());
    let label_at = move || {
        geometry.with(|(_, r)| {
            let m = local(r.midpoint());
            (m.x, m.y)
        })
    };
    let aria = move || geometry.with(|(c, _)| c.label());
    let (id1, id2, id3) = (id.clone(), id.clone(), id.clone());
    view! {
        <div class="element connector" data-id=id1 tabindex="0" role="img" aria-label=aria
            style:transform=transform style:width=width style:height=height>
            <svg aria-hidden="true">
                <path class="hit" data-id=id2 d=line/>
                <path class="line" d=line stroke=stroke/>
                <polygon class="head" data-id=id3 points=head fill=stroke/>
            </svg>
            <Show when=has_label>
                <div class="connector-label" data-id=id.clone()
                    style:left=move || px(label_at().0) style:top=move || px(label_at().1)>{label}</div>
            </Show>
        </div>
    }
}
