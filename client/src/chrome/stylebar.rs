//! The colour bar: fill and line swatches, and the lock button.

use crate::commands::Commands;
use crate::i18n::{t, t_with};
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
        <span class="group swatches" role="group" aria-label=t("style-fill-group")>
            {STICKY_COLORS.into_iter().map(|(name, color)| {
                let active = move || ui.sticky_color.get() == color;
                let shown = color_name(name);
                view! {
                    <button class="swatch" class:active=active data-color=name
                        title=t_with("style-fill-title", &[("color", shown.clone().into())])
                        aria-label=t_with("style-fill-label", &[("color", shown.into())])
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
                if !sel.is_empty() && sel.iter().all(|id| s.model.get(id).is_some_and(|e| e.base.locked)) { t("style-unlock") } else { t("style-lock") }
            };
            view! {
                <button class="lock-button" data-action="lock" title=titled(&t("style-lock-title"), Command::Lock)
                    disabled=move || selection.with(Vec::is_empty)
                    on:click=move |_| cmd.toggle_lock()>{label}</button>
            }
        })}
        <span class="group swatches" role="group" aria-label=t("style-line-group")>
            {INK_COLORS.into_iter().filter(|(n, _)| *n != "white").map(|(name, color)| {
                let active = move || ui.ink.get() == color;
                let shown = color_name(name);
                view! {
                    <button class="swatch ink" class:active=active data-ink=name
                        title=t_with("style-line-title", &[("color", shown.clone().into())])
                        aria-label=t_with("style-line-label", &[("color", shown.into())])
                        style:border-color=color on:click=move |_| cmd.set_ink(color)></button>
                }
            }).collect_view()}
        </span>
    }
}

/// A colour's name for people (the palettes name them in English, for
/// `data-color` and the tests).
fn color_name(name: &str) -> String {
    match name {
        "yellow" => t("style-color-yellow"),
        "orange" => t("style-color-orange"),
        "pink" => t("style-color-pink"),
        "green" => t("style-color-green"),
        "blue" => t("style-color-blue"),
        "purple" => t("style-color-purple"),
        "grey" => t("style-color-grey"),
        "black" => t("style-color-black"),
        "red" => t("style-color-red"),
        "violet" => t("style-color-violet"),
        "white" => t("style-color-white"),
        other => other.to_owned(),
    }
}
