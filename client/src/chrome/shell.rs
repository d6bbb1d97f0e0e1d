//! The frame every side panel shares, so panels in different modules look and
//! close alike.

use crate::i18n::t;
use crate::state::Panel;
use leptos::prelude::*;

/// A panel's frame: a dialog with a title and a close button around `children`.
#[component]
pub fn PanelShell(
    /// Its CSS class, besides `panel`.
    class: &'static str,
    /// The heading, also the dialog's accessible name.
    #[prop(into)]
    title: String,
    /// The open panel, set to none by the close button.
    panel: RwSignal<Panel>,
    children: Children,
) -> impl IntoView {
    let label = title.clone();
    view! {
        <aside class=format!("panel {class}") role="dialog" aria-label=label>
            <header>
                <h2>{title}</h2>
                <button class="close" aria-label=t("panel-close") on:click=move |_| panel.set(Panel::None)>"×"</button>
            </header>
            {children()}
        </aside>
    }
}
