//! This person's private notes on the canvas while private brainstorming runs:
//! drawn like notes but plainly private (dashed edge, a lock badge, class
//! `.element.private`), on top of the board, with their own gestures: drag to
//! move, corner handles to resize, double-click (or Enter) to type, Delete to
//! delete, the colour bar to recolour (those go through [`Commands`]).
//!
//! They are kept apart from the board's elements on purpose: they carry
//! `data-private-id`, not `data-id`, and stop their pointer events, so the
//! canvas's gestures, selection and presence never see them and nothing about
//! them reaches the shared document or other people's screens.

use crate::commands::Commands;
use crate::i18n::{t, t_with};
use crate::private_state::set_text;
use crate::views::PAD;
use leptos::prelude::*;
use tafel_shared::element::{Element, Props};
use tafel_shared::geometry::{resize, Corner, Rect};
use tafel_shared::text::{fit_font_size, text_height};
use wasm_bindgen::JsCast;
use web_sys::{Element as DomElement, KeyboardEvent, PointerEvent};

/// A drag on a private note in progress.
struct Drag {
    id: String,
    pointer: i32,
    /// Screen point where it started.
    start: (f64, f64),
    /// The note's box when it started.
    origin: Rect,
    /// The handle dragged; `None`: the note moves.
    corner: Option<Corner>,
    moved: bool,
}

/// The layer of private notes, inside the canvas's world.
#[component]
pub fn PrivateLayer(
    /// The page's commands (workshop state, private notes, camera).
    cmd: Commands,
) -> impl IntoView {
    // Every copy the server sends settles what this page changed; the end of
    // private mode (the reveal) drops the layer.
    Effect::new(move |_| {
        let s = cmd.session();
        s.workshop.own.track();
        s.workshop.board.track();
        cmd.settle_private();
    });
    let notes = Memo::new(move |_| cmd.private_notes());
    let ids = move || notes.with(|v| v.iter().map(|e| e.base.id.clone()).collect::<Vec<_>>());
    let drag = StoredValue::new_local(None::<Drag>);
    view! {
        <div class="private-layer">
            <For each=ids key=|id| id.clone() children=move |id| view! { <PrivateNote cmd notes id drag/> }/>
            {move || cmd.state.private.editing.get().map(|id| view! { <PrivateEditor cmd notes id/> })}
        </div>
    }
}

fn handle_at(target: Option<web_sys::EventTarget>) -> Option<Corner> {
    target
        .and_then(|t| t.dyn_into::<DomElement>().ok())
        .and_then(|el| el.closest("[data-private-handle]").ok().flatten())
        .and_then(|el| el.get_attribute("data-private-handle"))
        .and_then(|name| Corner::parse(&name))
}

#[component]
fn PrivateNote(
    cmd: Commands,
    notes: Memo<Vec<Element>>,
    id: String,
    drag: StoredValue<Option<Drag>, LocalStorage>,
) -> impl IntoView {
    let note = {
        let id = id.clone();
        Memo::new(move |_| notes.with(|v| v.iter().find(|e| e.base.id == id).cloned()))
    };
    let get = move |f: fn(&Element) -> String| note.with(|n| n.as_ref().map(f).unwrap_or_default());
    let transform = move || {
        get(|e| {
            let r = e.base.rect;
            format!("translate({}px, {}px)", r.x, r.y)
        })
    };
    let width = move || get(|e| format!("{}px", e.base.rect.w));
    let height = move || get(|e| format!("{}px", e.base.rect.h));
    let kind = note.with_untracked(|n| n.as_ref().map(|e| e.props.clone()));
    let class = match &kind {
        Some(Props::Sticky(_)) => "element sticky private",
        Some(Props::Shape(_)) => "element shape private",
        _ => "element textbox private",
    };
    let background = move || {
        note.with(|n| match n.as_ref().map(|e| &e.props) {
            Some(Props::Sticky(p)) => Some(p.color.clone()),
            _ => None,
        })
    };
    let ink = move || {
        note.with(|n| match n.as_ref().map(|e| &e.props) {
            Some(Props::Text(p)) if !p.stroke.is_empty() => Some(p.stroke.clone()),
            _ => None,
        })
    };
    let font = move || get(font_size);
    let text = move || get(|e| e.text().to_owned());
    let label = move || get(|e| t_with("private-note-label", &[("label", e.label().into())]));
    let outline = move || note.with(|n| n.as_ref().map(crate::views::shape_outline));
    let selected = {
        let id = id.clone();
        Memo::new(move |_| {
            cmd.state
                .private
                .selected
                .with(|s| s.as_deref() == Some(id.as_str()))
        })
    };
    let zoom = Memo::new(move |_| cmd.state.camera.view.get().zoom);
    // Whether the server's copy shows what this page does (tests wait for it).
    let saved = {
        let id = id.clone();
        move || !cmd.state.private.pending.with(|p| p.has(&id))
    };

    let down_id = id.clone();
    let on_down = move |e: PointerEvent| {
        // The canvas must not see this: it would start its own gesture on the board.
        e.stop_propagation();
        e.prevent_default();
        if e.button() != 0 || !cmd.session().can_edit_now() {
            return;
        }
        cmd.state.selection.editing.set(None);
        let Some(origin) = note.with_untracked(|n| n.as_ref().map(|n| n.base.rect)) else {
            return;
        };
        cmd.select_private(Some(down_id.clone()));
        drag.set_value(Some(Drag {
            id: down_id.clone(),
            pointer: e.pointer_id(),
            start: (e.client_x() as f64, e.client_y() as f64),
            origin,
            corner: handle_at(e.target()),
            moved: false,
        }));
        if let Some(el) = e
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.set_pointer_capture(e.pointer_id());
            let _ = el.focus();
        }
    };
    let on_move = move |e: PointerEvent| {
        let zoom = cmd.state.camera.view.get_untracked().zoom;
        let step = drag.try_update_value(|d| {
            let d = d.as_mut().filter(|d| d.pointer == e.pointer_id())?;
            let (dx, dy) = (
                e.client_x() as f64 - d.start.0,
                e.client_y() as f64 - d.start.1,
            );
            if !d.moved && dx.abs() + dy.abs() < 3.0 {
                return None;
            }
            d.moved = true;
            let r = match d.corner {
                Some(c) => resize(d.origin, c, dx / zoom, dy / zoom, e.shift_key(), 24.0),
                None => Rect::new(
                    d.origin.x + dx / zoom,
                    d.origin.y + dy / zoom,
                    d.origin.w,
                    d.origin.h,
                ),
            };
            Some((d.id.clone(), r))
        });
        if let Some(Some((id, r))) = step {
            cmd.change_private(&id, |n| n.base.rect = r);
        }
    };
    let on_up = move |e: PointerEvent| {
        let done = drag.try_update_value(|d| {
            if d.as_ref().is_some_and(|d| d.pointer == e.pointer_id()) {
                d.take()
            } else {
                None
            }
        });
        if let Some(Some(d)) = done {
            if d.moved {
                cmd.finish_private_move(&d.id);
            }
        }
    };
    let dbl_id = id.clone();
    let on_dblclick = move |e: web_sys::MouseEvent| {
        // Else the canvas would add a note under it.
        e.stop_propagation();
        if cmd.session().can_edit_now() {
            cmd.edit_private(dbl_id.clone());
        }
    };
    let handles = move || {
        selected.get().then(|| {
            let z = zoom.get();
            Corner::ALL
                .into_iter()
                .map(|(_, name)| {
                    view! {
                        <div class=format!("handle {name}") data-private-handle=name
                            title=t("private-resize-title")
                            style:transform=format!("scale({})", 1.0 / z)></div>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="private-note" class:selected=selected data-private-id=id data-testid="private-note" data-saved=move || saved().to_string()
            tabindex="0" role="button" aria-label=label
            title=t("private-note-title")
            style:transform=transform style:width=width style:height=height
            on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_up
            on:dblclick=on_dblclick>
            <div class=class style:background=background style:color=ink style:font-size=font>
                {outline}
                <div class="text">{text}</div>
            </div>
            <span class="private-badge" aria-hidden="true" style:transform=move || format!("scale({})", (1.0 / zoom.get()).min(4.0))>
                <svg viewBox="0 0 24 24" width="14" height="14">
                    <path d="M6 11 H18 V20 H6 Z M8.5 11 V8 a3.5 3.5 0 0 1 7 0 V11" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>
                </svg>
            </span>
            {handles}
        </div>
    }
}

/// The text size that fits a note's box, as the board's notes have it.
fn font_size(e: &Element) -> String {
    let r = &e.base.rect;
    let (w, h, max) = match e.props {
        Props::Sticky(_) => (r.w, r.h, 26.0),
        Props::Shape(_) => (r.w * 0.8, r.h * 0.8, 22.0),
        _ => (r.w, r.h, 22.0),
    };
    format!("{}px", fit_font_size(e.text(), w, h, PAD, max, 9.0))
}

/// The text box over a private note while its author types; typing reaches
/// the server every half second and when the box closes.
#[component]
fn PrivateEditor(cmd: Commands, notes: Memo<Vec<Element>>, id: String) -> impl IntoView {
    let note = {
        let id = id.clone();
        Memo::new(move |_| notes.with(|v| v.iter().find(|e| e.base.id == id).cloned()))
    };
    let Some(initial) = note.with_untracked(|n| n.as_ref().map(|e| e.text().to_owned())) else {
        return ().into_any();
    };
    let node = NodeRef::<leptos::html::Textarea>::new();
    crate::views::focus_at_end(node);
    let input_id = id.clone();
    let on_input = move |_| {
        let Some(area) = node.get_untracked() else {
            return;
        };
        let value = area.value();
        cmd.change_private(&input_id, |n| set_text(n, &value));
        cmd.send_private_soon(&input_id);
    };
    let on_key = move |e: KeyboardEvent| {
        e.stop_propagation();
        if e.key() == "Escape" || (e.key() == "Enter" && (e.ctrl_key() || e.meta_key())) {
            e.prevent_default();
            cmd.stop_editing_private();
        }
    };
    let rect = move || note.with(|n| n.as_ref().map(|e| e.base.rect).unwrap_or_default());
    let background = move || {
        note.with(|n| match n.as_ref().map(|e| &e.props) {
            Some(Props::Sticky(p)) => p.color.clone(),
            _ => "#ffffff".to_owned(),
        })
    };
    let font = move || note.with(|n| n.as_ref().map(font_size).unwrap_or_default());
    // Notes and shapes show their text centred; so does the edit box.
    let padding_top = move || {
        note.with(|n| {
            let pad = n
                .as_ref()
                .filter(|e| matches!(e.props, Props::Sticky(_) | Props::Shape(_)))
                .map(|e| {
                    let r = &e.base.rect;
                    let size = fit_font_size(e.text(), r.w, r.h, PAD, 26.0, 9.0);
                    ((r.h - text_height(e.text(), r.w, PAD, size)) / 2.0).max(PAD)
                })
                .unwrap_or(PAD);
            format!("{pad}px")
        })
    };
    view! {
        <textarea
            class="editor private-editor"
            node_ref=node
            aria-label=t("private-editor-label")
            prop:value=initial
            on:input=on_input
            on:keydown=on_key
            on:blur=move |_| cmd.stop_editing_private()
            on:pointerdown=|e| e.stop_propagation()
            on:dblclick=|e| e.stop_propagation()
            style:transform=move || { let r = rect(); format!("translate({}px, {}px)", r.x, r.y) }
            style:width=move || format!("{}px", rect().w)
            style:height=move || format!("{}px", rect().h)
            style:background=background
            style:font-size=font
            style:padding-top=padding_top
        ></textarea>
    }
    .into_any()
}
