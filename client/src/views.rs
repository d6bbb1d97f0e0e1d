//! How each kind of element looks. Every element view reads its own signal (and a
//! connector those of its two ends), so a change to one element re-renders only
//! that element. Positions go through CSSOM (`style:`), which the strict
//! Content-Security-Policy allows where it would block `style` attributes.
//!
//! While a voting round is open, elements it does not admit are marked
//! `out-of-vote` (dimmed, not clickable for votes) and its frame `vote-scope`.

use crate::i18n::t;
use crate::model::{Model, ModelRef};
use leptos::prelude::*;
use tafel_shared::edit::connector_ends;
use tafel_shared::element::{Element, Props};
use tafel_shared::geometry::{route_with, smooth_path, Outline, Point, Rect};
use tafel_shared::text::fit_font_size;
use tafel_shared::workshop::RoundSettings;

/// Inner padding of notes and shapes, in board units.
pub const PAD: f64 = 12.0;

fn px(v: f64) -> String {
    format!("{v}px")
}

/// Line colour of what has none set.
const INK: &str = "#1f2328";

/// `value`, or `default` where it is empty.
fn or_default(value: &str, default: &str) -> String {
    if value.is_empty() { default } else { value }.to_owned()
}

fn placed(r: &Rect) -> String {
    format!("translate({}px, {}px)", r.x, r.y)
}

/// One element, by id; nothing if it vanished meanwhile.
#[component]
pub fn ElementView(
    /// The replica the element is in.
    model: ModelRef,
    /// The element.
    id: String,
    /// The open round's settings while clicks vote; `None` otherwise.
    scope: Signal<Option<RoundSettings>>,
) -> impl IntoView {
    let Some(signal) = model.with_value(|m| m.view(&id)) else {
        return ().into_any();
    };
    // The kind of an element never changes, so the view is chosen once.
    let props = signal.with_untracked(|e| e.props.clone());
    match props {
        Props::Connector(_) => {
            let out = out_of_vote(&signal, scope);
            view! { <ConnectorView model id signal out/> }.into_any()
        }
        Props::Pen(_) => pen(id, signal, scope).into_any(),
        Props::Frame(_) => frame(id, signal, scope).into_any(),
        Props::Shape(_) => shape(id, signal, scope).into_any(),
        Props::Sticky(_) | Props::Text(_) => note(id, signal, scope).into_any(),
        Props::Image(_) => image(id, signal, scope).into_any(),
        Props::Unknown => ().into_any(),
    }
}

/// Whether the open round leaves this element out (frames hold what is voted
/// on and stay as they are).
fn out_of_vote(
    signal: &ArcRwSignal<Element>,
    scope: Signal<Option<RoundSettings>>,
) -> impl Fn() -> bool + Send + Sync + use<> {
    let s = signal.clone();
    move || {
        scope.with(|scope| {
            scope
                .as_ref()
                .is_some_and(|r| s.with(|e| !e.is_frame() && !r.admits(e)))
        })
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
        move || a.with(|e| placed(&e.base.rect)),
        move || b.with(|e| px(e.base.rect.w)),
        move || c.with(|e| px(e.base.rect.h)),
    )
}

fn note(
    id: String,
    signal: ArcRwSignal<Element>,
    scope: Signal<Option<RoundSettings>>,
) -> impl IntoView {
    let out = out_of_vote(&signal, scope);
    let (transform, width, height) = box_style(&signal);
    let is_sticky = signal.with_untracked(|e| matches!(e.props, Props::Sticky(_)));
    let s = signal.clone();
    let background = move || {
        s.with(|e| match &e.props {
            Props::Sticky(p) => Some(p.color.clone()),
            _ => None,
        })
    };
    let s = signal.clone();
    let ink = move || {
        s.with(|e| match &e.props {
            Props::Text(p) if !p.stroke.is_empty() => Some(p.stroke.clone()),
            _ => None,
        })
    };
    let s = signal.clone();
    let font = move || {
        s.with(|e| {
            // Text with a size keeps it, its box grows; the rest shrinks to fit.
            if let Some(size) = e.text_size() {
                return px(size);
            }
            let max = if is_sticky { 26.0 } else { 22.0 };
            let r = &e.base.rect;
            px(fit_font_size(e.text(), r.w, r.h, PAD, max, 9.0))
        })
    };
    let s = signal.clone();
    let grows = move || s.with(|e| e.text_size().is_some());
    let s = signal.clone();
    let label = move || s.with(Element::label);
    let s = signal.clone();
    let text = move || s.with(text_html);
    let class = if is_sticky {
        "element sticky"
    } else {
        "element textbox"
    };
    view! {
        <div
            class=class
            class:out-of-vote=out
            class:grows=grows
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
            <div class="text" inner_html=text></div>
        </div>
    }
}

/// An element's text as HTML: its formatted lines, or the plain text
/// escaped (line breaks kept by `white-space: pre-wrap`).
fn text_html(e: &Element) -> String {
    match &e.base.rich {
        Some(lines) => crate::rich_editor::html(lines),
        None => crate::rich_editor::escape(e.text()),
    }
}

fn percent(v: f64) -> String {
    format!("{}%", v * 100.0)
}

/// A picture: the board's file by hash, cropped to its crop box, or a
/// placeholder with its text alternative while it loads or is missing.
fn image(
    id: String,
    signal: ArcRwSignal<Element>,
    scope: Signal<Option<RoundSettings>>,
) -> impl IntoView {
    let out = out_of_vote(&signal, scope);
    let (transform, width, height) = box_style(&signal);
    let pictures = use_context::<crate::pictures::Pictures>();
    let s = signal.clone();
    let props = Memo::new(move |_| {
        s.with(|e| match &e.props {
            Props::Image(p) => p.clone(),
            _ => Default::default(),
        })
    });
    // Small on screen (a whole board of photos in view): the small version,
    // a tenth of the bytes to fetch and decode.
    let zoom = use_context::<crate::state::Zoom>();
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let s = signal.clone();
    let small = Memo::new(move |_| {
        let zoom = zoom.map_or(1.0, |z| z.0.get());
        let side = s.with(|e| e.base.rect.w.max(e.base.rect.h));
        side * zoom * dpr <= f64::from(tafel_shared::api::SMALL_MAX_PX)
    });
    // A memo: a picture elsewhere loading must not rebuild this one's <img>.
    let shown = Memo::new(move |_| {
        let hash = props.with(|p| p.hash.clone());
        pictures.map_or(crate::pictures::Shown::Unavailable, |p| {
            p.shown(&hash, small.get())
        })
    });
    let s = signal.clone();
    let label = move || s.with(Element::label);
    let this = id.clone();
    let cropping = Memo::new(move |_| {
        pictures.is_some_and(|p| p.cropping.with(|c| c.as_deref() == Some(this.as_str())))
    });
    let picture = move || {
        let alt = props.with(|p| p.alt.clone());
        match shown.get() {
            crate::pictures::Shown::Url(url) => {
                let (l, t, r, b) = props.with(|p| p.crop_box());
                let (cw, ch) = (r - l, b - t);
                let (width, height) = (percent(1.0 / cw), percent(1.0 / ch));
                let (left, top) = (percent(-l / cw), percent(-t / ch));
                // While cropping, the whole picture shows faintly around the part kept.
                let beyond = cropping.get().then(|| {
                    view! {
                        <img class="beyond" src=url.clone() alt="" draggable="false"
                            style:width=width.clone() style:height=height.clone()
                            style:left=left.clone() style:top=top.clone()/>
                    }
                });
                view! {
                    {beyond}
                    <div class="clip">
                        <img src=url alt=alt draggable="false"
                            style:width=width style:height=height style:left=left style:top=top/>
                    </div>
                }
                .into_any()
            }
            crate::pictures::Shown::Loading => view! {
                <div class="image-placeholder">{alt}</div>
            }
            .into_any(),
            crate::pictures::Shown::Unavailable => view! {
                <div class="image-placeholder missing" title=t("picture-not-uploaded-title")>{alt}</div>
            }
            .into_any(),
        }
    };
    view! {
        <div
            class="element image"
            class:out-of-vote=out
            class:cropping=move || cropping.get()
            data-id=id
            tabindex="0"
            role="img"
            aria-label=label
            style:transform=transform
            style:width=width
            style:height=height
        >
            {picture}
        </div>
    }
}

/// A shape's outline in a `0 0 w h` view box; nothing for other kinds. Shared
/// by the board and the private notes drawn over it.
pub fn shape_outline(e: &Element) -> AnyView {
    let Props::Shape(p) = &e.props else {
        return ().into_any();
    };
    let (w, h) = (e.base.rect.w, e.base.rect.h);
    let fill = or_default(&p.fill, "#ffffff");
    let stroke = or_default(&p.stroke, INK);
    match p.outline {
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
}

/// Focuses a text box once it is in the page, with the caret at the end (where
/// someone who opened it to add to the text starts typing).
pub fn focus_at_end(node: NodeRef<leptos::html::Textarea>) {
    Effect::new(move |_| {
        if let Some(area) = node.get() {
            let _ = area.focus();
            let end = area.value().encode_utf16().count() as u32;
            let _ = area.set_selection_range(end, end);
        }
    });
}

fn shape(
    id: String,
    signal: ArcRwSignal<Element>,
    scope: Signal<Option<RoundSettings>>,
) -> impl IntoView {
    let out = out_of_vote(&signal, scope);
    let (transform, width, height) = box_style(&signal);
    let s = signal.clone();
    let outline = move || s.with(shape_outline);
    let s = signal.clone();
    let view_box = move || s.with(|e| format!("0 0 {} {}", e.base.rect.w, e.base.rect.h));
    let s = signal.clone();
    let font = move || {
        s.with(|e| {
            let r = &e.base.rect;
            px(fit_font_size(
                e.text(),
                r.w * 0.8,
                r.h * 0.8,
                PAD,
                22.0,
                9.0,
            ))
        })
    };
    let s = signal.clone();
    let label = move || s.with(Element::label);
    let s = signal.clone();
    let text = move || s.with(text_html);
    view! {
        <div
            class="element shape"
            class:out-of-vote=out
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
            <div class="text" inner_html=text></div>
        </div>
    }
}

fn frame(
    id: String,
    signal: ArcRwSignal<Element>,
    scope: Signal<Option<RoundSettings>>,
) -> impl IntoView {
    let scope_id = id.clone();
    let in_scope =
        move || scope.with(|s| s.as_ref().and_then(|r| r.frame.as_ref()) == Some(&scope_id));
    let title_id = id.clone();
    let (transform, width, height) = box_style(&signal);
    let s = signal.clone();
    let label = move || s.with(Element::label);
    let s = signal.clone();
    let title = move || {
        s.with(|e| match &e.props {
            Props::Frame(f) => or_default(&f.title, &t("element-frame")),
            _ => String::new(),
        })
    };
    let s = signal.clone();
    let hint = move || {
        s.with(|e| match &e.props {
            Props::Frame(f) if !f.hint.is_empty() => Some(f.hint.clone()),
            _ => None,
        })
    };
    let s = signal.clone();
    let locked = move || s.with(|e| e.base.locked);
    // Only facilitators can unlock a frame, so only they are told it is locked.
    let manages = use_context::<crate::state::Manages>();
    let s = signal.clone();
    let lock_note = move || {
        (s.with(|e| e.base.locked) && manages.is_some_and(|m| m.0.get()))
            .then(|| view! { <span class="frame-locked">{t("element-frame-locked-note")}</span> })
    };
    view! {
        <div
            class="element frame"
            class:locked=locked
            class:vote-scope=in_scope
            data-id=id.clone()
            tabindex="0"
            role="group"
            aria-label=label
            style:transform=transform
            style:width=width
            style:height=height
        >
            <div class="frame-title" data-id=title_id>{title}{lock_note}</div>
            {move || hint().map(|h| view! { <p class="frame-hint">{h}</p> })}
        </div>
    }
}

fn pen(
    id: String,
    signal: ArcRwSignal<Element>,
    scope: Signal<Option<RoundSettings>>,
) -> impl IntoView {
    let out = out_of_vote(&signal, scope);
    let path_id = id.clone();
    let (transform, width, height) = box_style(&signal);
    let pen_of = |e: &Element| match &e.props {
        Props::Pen(p) => (p.points.clone(), p.stroke.clone()),
        _ => (Vec::new(), String::new()),
    };
    let s = signal.clone();
    let d = move || s.with(|e| smooth_path(&pen_of(e).0));
    let s = signal.clone();
    let view_box = move || {
        s.with(|e| {
            let b = tafel_shared::geometry::points_bounds(&pen_of(e).0).unwrap_or_default();
            format!("{} {} {} {}", b.x, b.y, b.w.max(1.0), b.h.max(1.0))
        })
    };
    let s = signal.clone();
    let stroke = move || s.with(|e| or_default(&pen_of(e).1, INK));
    view! {
        <div class="element pen" class:out-of-vote=out data-id=path_id tabindex="0" role="img" aria-label=t("element-drawing")
            style:transform=transform style:width=width style:height=height>
            <svg viewBox=view_box preserveAspectRatio="none" aria-hidden="true">
                <path data-id=id d=d stroke=stroke fill="none" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" vector-effect="non-scaling-stroke"/>
            </svg>
        </div>
    }
}

/// Where a connector runs now, following both of its ends.
pub fn connector_route(model: &Model, c: &Element) -> tafel_shared::geometry::Route {
    // Reading the ends through their signals makes the connector follow them.
    let (from, to, routing) = match &c.props {
        Props::Connector(p) => (p.from.as_str(), p.to.as_str(), p.route),
        _ => ("", "", Default::default()),
    };
    let from = model.view(from).map(|s| s.get());
    let to = model.view(to).map(|s| s.get());
    let mut known = std::collections::HashMap::new();
    if let Some(f) = from.as_ref() {
        known.insert(f.base.id.as_str(), f);
    }
    if let Some(t) = to.as_ref() {
        known.insert(t.base.id.as_str(), t);
    }
    let (a, b) = connector_ends(&known, c);
    route_with(a, b, routing)
}

#[component]
fn ConnectorView(
    model: ModelRef,
    id: String,
    signal: ArcRwSignal<Element>,
    out: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    let geometry = Memo::new(move |_| {
        // Ends may appear after the connector (late sync): recheck when elements come.
        model.with_value(|m| m.order.track());
        let c = signal.get();
        let r = model.with_value(|m| connector_route(m, &c));
        (c, r)
    });
    let pad = 24.0;
    let frame = move || {
        geometry.with(|(_, r)| {
            let b = r.bounds();
            (
                Point::new(b.x - pad, b.y - pad),
                b.w + 2.0 * pad,
                b.h + 2.0 * pad,
            )
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
        let (min, _, _) = frame();
        geometry.with(|(_, r)| r.svg_path(min))
    };
    let head = move || {
        geometry.with(|(_, r)| {
            let (left, right) = r.arrowhead(14.0);
            let (e, l, rr) = (local(r.end), local(left), local(right));
            format!("{},{} {},{} {},{}", e.x, e.y, l.x, l.y, rr.x, rr.y)
        })
    };
    let stroke = move || {
        geometry.with(|(c, _)| match &c.props {
            Props::Connector(p) => or_default(&p.stroke, INK),
            _ => INK.to_owned(),
        })
    };
    let label = move || geometry.with(|(c, _)| c.text().to_owned());
    let has_label = move || geometry.with(|(c, _)| !c.text().trim().is_empty());
    let label_at = move || {
        geometry.with(|(_, r)| {
            let m = local(r.midpoint());
            (m.x, m.y)
        })
    };
    let aria = move || geometry.with(|(c, _)| c.label());
    let (id1, id2, id3) = (id.clone(), id.clone(), id.clone());
    view! {
        <div class="element connector" class:out-of-vote=out data-id=id1 tabindex="0" role="img" aria-label=aria
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
