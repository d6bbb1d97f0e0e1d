//! Freezing the board: the facilitator's toggle, and the banner that tells
//! everyone else why the tools are gone.

use crate::commands::Commands;
use crate::i18n::t;
use leptos::prelude::*;

/// "Freeze" / "Unfreeze", for facilitators (the tooltip says what it does).
#[component]
pub fn FreezeToggle(
    /// The page's commands.
    cmd: Commands,
) -> impl IntoView {
    let frozen = move || cmd.session().workshop.frozen();
    view! {
        <button class="freeze" class:active=frozen data-testid="freeze-toggle" data-action="freeze"
            aria-pressed=move || frozen().to_string()
            title=move || if frozen() { t("freeze-unfreeze-title") } else { t("freeze-freeze-title") }
            on:click=move |_| cmd.set_frozen(!frozen())>
            {move || if frozen() { t("freeze-unfreeze") } else { t("freeze-freeze") }}
        </button>
    }
}

/// Says that the board is frozen, to everyone while it is.
#[component]
pub fn FrozenBanner(
    /// The page's commands.
    cmd: Commands,
) -> impl IntoView {
    let role = cmd.session().role;
    let text = move || {
        if !cmd.session().workshop.frozen() {
            return None;
        }
        Some(if role.get().is_some_and(|r| r.can_facilitate()) {
            t("freeze-banner-facilitator")
        } else {
            t("freeze-banner")
        })
    };
    move || {
        text().map(|text| view! { <div class="frozen-banner" data-testid="frozen-banner" role="status">{text}</div> })
    }
}
