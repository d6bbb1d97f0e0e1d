//! The zoom buttons in the corner.

use crate::commands::Commands;
use crate::i18n::{t, t_with};
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
    let percent = move || {
        let percent = format!("{:.0}", view.get().zoom * 100.0);
        t_with("zoom-percent", &[("percent", percent.into())])
    };
    view! {
        <div class="zoom" role="group" aria-label=t("zoom-group-label")>
            <button data-action="zoom-out" title=titled(&t("zoom-out"), Command::ZoomOut) aria-label=t("zoom-out")
                on:click=move |_| cmd.zoom_step(false)>"−"</button>
            <button class="percent" data-action="zoom-reset" title=t("zoom-reset-title") aria-label=t("zoom-reset-label")
                on:click=move |_| cmd.zoom_reset()>{percent}</button>
            <button data-action="zoom-in" title=titled(&t("zoom-in"), Command::ZoomIn) aria-label=t("zoom-in")
                on:click=move |_| cmd.zoom_step(true)>"+"</button>
            <button data-action="zoom-fit" title=titled(&t("zoom-fit"), Command::ZoomFit) aria-label=t("zoom-fit")
                on:click=move |_| cmd.zoom_to_fit()>
                {crate::icons::fit()}
            </button>
        </div>
    }
}
