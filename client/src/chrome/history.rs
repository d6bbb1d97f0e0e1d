//! History around the canvas: the panel that lists versions (who was active,
//! what changed, names), the facilitator's "save version", the read-only view
//! of a version over the canvas with a slider through time, and restoring.

use super::shell::PanelShell;
use crate::commands::Commands;
use crate::history::{self, counts, label, local_time};
use crate::i18n::{t, t_with};
use leptos::prelude::*;
use tafel_shared::api::VersionInfo;
use tafel_shared::geometry::Point;

/// The history panel.
#[component]
pub fn HistoryPanel(
    /// The page's commands.
    cmd: Commands,
) -> impl IntoView {
    let ui = cmd.state.history;
    let panel = cmd.state.ui.panel;
    history::refresh(cmd);
    let facilitator = move || cmd.session().role.get().is_some_and(|r| r.can_manage());
    let name = RwSignal::new(String::new());
    let save = move || {
        let n = name.get_untracked().trim().to_owned();
        if !n.is_empty() {
            history::save(cmd, n);
            name.set(String::new());
        }
    };
    let info = cmd.session().info;
    let last_change = move || {
        info.get().map(|i| {
            let time = local_time(i.updated_ms);
            match i.updated_by {
                Some(by) => t_with(
                    "history-last-changed-by",
                    &[("time", time.into()), ("name", by.into())],
                ),
                None => t_with("history-last-changed", &[("time", time.into())]),
            }
        })
    };
    let row = move |v: VersionInfo| {
        let at = v.at_ms;
        let title = label(&v);
        let named = v.name.is_some();
        let who = if v.active.is_empty() {
            String::new()
        } else {
            v.active.join(", ")
        };
        let when = local_time(at);
        let viewing = move || {
            ui.viewing
                .with(|s| s.as_ref().is_some_and(|(w, _)| w.at_ms == at))
        };
        let renaming = RwSignal::new(false);
        let draft = RwSignal::new(v.name.clone().unwrap_or_default());
        let changes = counts(&v);
        view! {
            <li class="version" data-testid="version" data-at=at data-named=named.to_string() class:active=viewing>
                <button class="version-row" on:click=move |_| history::look_at(cmd, at)>
                    <span class="version-title">{title.clone()}</span>
                    {named.then(|| view! { <span class="muted">{when.clone()}</span> })}
                    <span class="muted">{who}</span>
                    <span class="muted counts" title=t("history-counts-title")>{changes}</span>
                </button>
                <Show when=move || facilitator() && !renaming.get()>
                    <button class="link-button" data-testid="version-name" on:click=move |_| renaming.set(true)>
                        {if named { t("history-rename") } else { t("history-name") }}
                    </button>
                </Show>
                <Show when=move || renaming.get()>
                    <form class="inline" on:submit=move |e| {
                        e.prevent_default();
                        renaming.set(false);
                        history::rename(cmd, at, draft.get_untracked());
                    }>
                        <input aria-label=t("history-rename-label") maxlength="100" prop:value=move || draft.get()
                            on:input=move |e| draft.set(event_target_value(&e))/>
                        <button class="small primary">{t("history-rename-save")}</button>
                    </form>
                </Show>
            </li>
        }
    };
    view! {
        <PanelShell class="history-panel" title=t("history-panel-title") panel>
            <p class="muted" data-testid="last-change">{last_change}</p>
            <Show when=facilitator>
                <form class="save-version" on:submit=move |e| { e.prevent_default(); save(); }>
                    <input data-testid="version-name-input" aria-label=t("history-save-label")
                        placeholder=t("history-save-placeholder") maxlength="100"
                        prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/>
                    <button class="small primary" data-testid="version-save">{t("history-save-button")}</button>
                </form>
            </Show>
            {move || {
                let list = ui.versions.get();
                if list.is_empty() {
                    view! { <p class="muted">{t("history-empty")}</p> }.into_any()
                } else {
                    view! { <ol class="versions">{list.into_iter().map(row).collect_view()}</ol> }.into_any()
                }
            }}
        </PanelShell>
    }
}

/// The version looked at, drawn over the canvas; drag to pan, wheel to zoom.
/// It covers the live board, so nothing on it can be changed from here.
#[component]
pub fn HistoryView(
    /// The page's commands.
    cmd: Commands,
) -> impl IntoView {
    let ui = cmd.state.history;
    let view = cmd.state.camera.view;
    let drag = StoredValue::new(None::<Point>);
    let picture = move || ui.viewing.with(|v| v.as_ref().and_then(|(_, p)| p.clone()));
    move || {
        ui.viewing.with(Option::is_some).then(|| {
            let transform = move || {
                picture().map_or_else(String::new, |p| {
                    let v = view.get();
                    let at = v.to_screen(Point::new(p.area.x, p.area.y));
                    format!("translate({}px, {}px) scale({})", at.x, at.y, v.zoom)
                })
            };
            view! {
                <div class="history-view" data-testid="history-view"
                    on:pointerdown=move |e| {
                        e.stop_propagation();
                        drag.set_value(Some(Point::new(e.client_x() as f64, e.client_y() as f64)));
                    }
                    on:pointermove=move |e| {
                        if let Some(last) = drag.get_value() {
                            let p = Point::new(e.client_x() as f64, e.client_y() as f64);
                            cmd.state.camera.view.update(|v| *v = v.pan_by(p.x - last.x, p.y - last.y));
                            drag.set_value(Some(p));
                        }
                    }
                    on:pointerup=move |_| drag.set_value(None)
                    on:pointerleave=move |_| drag.set_value(None)
                    on:dblclick=|e| e.stop_propagation()>
                    <div class="history-drawing" style:transform=transform
                        inner_html=move || picture().map(|p| p.svg).unwrap_or_default()></div>
                    {move || picture().is_none().then(|| view! { <p class="empty-hint">{t("history-view-empty")}</p> })}
                </div>
            }
        })
    }
}

/// The bar over a version: which one, a slider through all of them, restore,
/// and back to the live board.
#[component]
pub fn HistoryBar(
    /// The page's commands.
    cmd: Commands,
) -> impl IntoView {
    let ui = cmd.state.history;
    let facilitator = move || cmd.session().role.get().is_some_and(|r| r.can_manage());
    // Oldest first, as time runs left to right.
    let timeline = move || {
        let mut list = ui.versions.get();
        list.reverse();
        list
    };
    let current = move || ui.viewing.with(|v| v.as_ref().map(|(w, _)| w.at_ms));
    let index = move || {
        let at = current();
        timeline()
            .iter()
            .position(|v| Some(v.at_ms) == at)
            .unwrap_or(0)
    };
    let shown = move || {
        let at = current()?;
        timeline().into_iter().find(|v| v.at_ms == at)
    };
    move || {
        current().map(|at| {
            let count = timeline().len();
            let name = shown().map(|v| label(&v)).unwrap_or_else(|| local_time(at));
            let (restore_name, who) = (name.clone(), shown().map(|v| v.active.join(", ")).unwrap_or_default());
            let max = count.saturating_sub(1).to_string();
            view! {
                <div class="history-bar" role="region" aria-label=t("history-bar-label") data-testid="history-bar">
                    <strong>{t_with("history-viewing", &[("name", name.clone().into())])}</strong>
                    <span class="muted">{if who.is_empty() { t("history-read-only") } else { t_with("history-read-only-with", &[("names", who.into())]) }}</span>
                    <input type="range" min="0" max=max step="1" aria-label=t("history-slider-label") data-testid="history-slider"
                        prop:value=move || index().to_string()
                        on:change=move |e| {
                            if let Ok(i) = event_target_value(&e).parse::<usize>() {
                                if let Some(v) = timeline().get(i) {
                                    history::look_at(cmd, v.at_ms);
                                }
                            }
                        }/>
                    <Show when=facilitator>
                        <button class="small primary" data-testid="history-restore" disabled=move || ui.busy.get()
                            on:click={
                                let n = restore_name.clone();
                                move |_| history::restore_here(cmd, at, n.clone())
                            }>{t("history-restore")}</button>
                        <button class="small" data-testid="history-restore-new" on:click=move |_| history::restore_as_new(cmd, at)>
                            {t("history-restore-new")}
                        </button>
                    </Show>
                    <button class="small" data-testid="history-leave" on:click=move |_| history::leave(cmd)>{t("history-leave")}</button>
                </div>
            }
        })
    }
}
