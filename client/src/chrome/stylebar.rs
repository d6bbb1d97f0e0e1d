//! The colour bar: fill and line swatches, and the lock button.

use crate::commands::Commands;
use crate::keymap::{titled, Command};
use leptos::prelude::*;
use tafel_shared::schema::{INK_COLORS, STICKY_COLORS};

/// Colour swatches: fill (notes, shapes) and line (shapes, text, pen,
/// connectors). They set the colour of what is selected and of what comes next.
/// Facilitators also get the lock button.
#[component]
pub fn ColorPicker(
    /// The colour and lock commands (and the colours, selection and role they
    /// read).
    cmd: Commands,
) -> impl IntoView {
    let ui = cmd.state.ui;
    let selection = cmd.state.selection.ids;
    let role = cmd.session().role;
    view! {
        <span class="group swatches" role="group" aria-label="Fill colour">
            {STICKY_COLORS.into_iter().map(|(name, color)| {
                let active = move || ui.sticky_color.get() == color;
                view! {
                    <button class="swatch" class:active=active data-color=name title=format!("Fill: {name}") aria-label=format!("Fill {name}")
                        style:background=color on:click=move |_| cmd.set_fill(color)></button>
                }
            }).collect_view()}
        </span>
        {move || role.get().is_some_and(|r| r.can_manage()).then(|| {
            let label = move || {
                let sel = selection.get();
                let s = cmd.session();
                s.model.layout.track();
                s.model.history.track();
                if !sel.is_empty() && sel.iter().all(|id| s.model.get(id).is_some_and(|e| e.base.locked)) { "Unlock" } else { "Lock" }
            };
            view! {
                <button class="lock-button" data-action="lock" title=titled("Lock or unlock the selection", Command::Lock)
                    disabled=move || selection.with(Vec::is_empty)
                    on:click=move |_| cmd.toggle_lock()>{label}</button>
            }
        })}
        <span class="group swatches" role="group" aria-label="Line colour">
            {INK_COLORS.into_iter().filter(|(n, _)| *n != "white").map(|(name, color)| {
                let active = move || ui.ink.get() == color;
                view! {
                    <button class="swatch ink" class:active=active data-ink=name title=format!("Line: {name}") aria-label=format!("Line {name}")
                        style:border-color=color on:click=move |_| cmd.set_ink(color)></button>
                }
            }).collect_view()}
        </span>
    }
}
