//! The context menu of an element: opened by a right click, or by resting a
//! finger on the element (a long press) on a tablet, where there is no right
//! button and no keyboard for the shortcuts. It offers what the selection's
//! shortcuts do, as far as this person may.

use crate::commands::Commands;
use crate::i18n::t;
use crate::keymap::{titled, Command};
use leptos::prelude::*;
use tafel_shared::geometry::Point;

impl Commands {
    /// Opens the context menu for `id` at `at` (canvas screen points),
    /// selecting it (with its group) unless it is selected already.
    pub fn open_context_menu(&self, id: String, at: Point) {
        if !self.state.selection.ids.with_untracked(|s| s.contains(&id)) {
            self.select(self.group_of(&id));
        }
        self.state.ui.context_menu.set(Some((id, at)));
    }
}

/// The menu, where it was opened; closes on a choice, Escape or a click
/// elsewhere.
#[component]
pub fn ContextMenu(
    /// What the entries do.
    cmd: Commands,
) -> impl IntoView {
    let menu = cmd.state.ui.context_menu;
    let close = move || menu.set(None);
    let _escape = window_event_listener(leptos::ev::keydown, move |e| {
        if e.key() == "Escape" {
            close();
        }
    });
    let _elsewhere = window_event_listener(leptos::ev::pointerdown, move |e| {
        let inside = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|el| el.closest(".context-menu").ok().flatten())
            .is_some();
        if !inside && menu.with_untracked(Option::is_some) {
            close();
        }
    });
    move || {
        let (id, at) = menu.get()?;
        let s = cmd.session();
        let element = s.model.get(&id)?;
        let edits = s.can_edit_now() && !element.base.locked;
        let manages = s.can_manage_now();
        let sel = cmd.state.selection.ids.get_untracked();
        let item = move |action: &'static str, label: String, run: Box<dyn Fn()>| {
            view! {
                <button role="menuitem" data-menu=action on:click=move |_| { close(); run(); }>{label}</button>
            }
        };
        let text = element.has_text() || element.is_frame();
        Some(view! {
            <div class="context-menu" role="menu" aria-label=t("context-menu-label")
                style:left=format!("{}px", at.x) style:top=format!("{}px", at.y)
                on:pointerdown=|e| e.stop_propagation()>
                {(edits && text).then(|| item("edit", t("context-edit"), Box::new(move || cmd.enter())))}
                {edits.then(|| item("duplicate", titled(&t("context-duplicate"), Command::Duplicate), Box::new(move || cmd.duplicate_selection())))}
                {edits.then(|| item("front", titled(&t("context-front"), Command::Front), Box::new(move || cmd.restack(true))))}
                {edits.then(|| item("back", titled(&t("context-back"), Command::Back), Box::new(move || cmd.restack(false))))}
                {(edits && cmd.can_group(&sel)).then(|| item("group", titled(&t("arrange-group"), Command::Group), Box::new(move || cmd.group())))}
                {(edits && cmd.can_ungroup(&sel)).then(|| item("ungroup", titled(&t("arrange-ungroup"), Command::Ungroup), Box::new(move || cmd.ungroup())))}
                {manages.then(|| item("lock", t(if element.base.locked { "style-unlock" } else { "style-lock" }), Box::new(move || cmd.toggle_lock())))}
                {edits.then(|| item("delete", t("context-delete"), Box::new(move || cmd.delete_selection())))}
                {item("zoom", titled(&t("context-zoom"), Command::ZoomSelection), Box::new(move || cmd.zoom_to_selection()))}
            </div>
        })
    }
}
