//! The zoom buttons in the corner.

use crate::commands::Commands;
use crate::keymap::{titled, Command};
use leptos::prelude::*;
use tafel_shared::geometry::Viewport;

/// Zoom out, the current zoom (click for 100 %), zoom in, zoom to fit.
#[component]
pub fn ZoomControls(
    /// What is on screen.
    #[prop(into)]
    view: Signal<Viewport>,
    /// The zoom commands.
    cmd: Commands,
) -> impl IntoView {
    let percent = move || format!("{:.0}%", view.get().zoom * 100.0);
    view! {
        <div class="zoom" role="group" aria-label="Zoom">
            <button data-action="zoom-out" title=titled("Zoom out", Command::ZoomOut) aria-label="Zoom out"
                on:click=move |_| cmd.zoom_step(false)>"−"</button>
            <button class="percent" data-action="zoom-reset" title="Zoom to 100%" aria-label="Zoom to 100 percent"
                on:click=move |_| cmd.zoom_reset()>{percent}</button>
            <button data-action="zoom-in" title=titled("Zoom in", Command::ZoomIn) aria-label="Zoom in"
                on:click=move |_| cmd.zoom_step(true)>"+"</button>
            <button data-action="zoom-fit" title=titled("Zoom to fit", Command::ZoomFit) aria-label="Zoom to fit"
                on:click=move |_| cmd.zoom_to_fit()>
                {crate::icons::fit()}
            </button>
        </div>
    }
}
