//! The arrange bar beside the colours: the size of text, align, distribute
//! and tidy for a selection of several, group and ungroup, how selected
//! connectors run, and the grid-snap switch.

use crate::commands::Commands;
use crate::i18n::t;
use crate::icons;
use crate::keymap::{titled, Command};
use leptos::prelude::*;
use tafel_shared::element::Props;
use tafel_shared::geometry::Routing;
use tafel_shared::layout::Align;
use tafel_shared::text::TEXT_SIZES;

/// What the selection allows, recomputed when it or the board changes.
#[derive(Clone, Copy, PartialEq, Default)]
struct Allowed {
    units: usize,
    connectors: bool,
    text: bool,
    group: bool,
    ungroup: bool,
}

/// The arrange controls; each shows only when it can do something.
#[component]
pub fn ArrangeBar(
    /// The arrange commands (and the selection they read).
    cmd: Commands,
) -> impl IntoView {
    let selection = cmd.state.selection.ids;
    let ui = cmd.state.ui;
    let allowed = Memo::new(move |_| {
        let sel = selection.get();
        let s = cmd.session();
        s.model.layout.track();
        s.model.history.track();
        if sel.is_empty() {
            return Allowed::default();
        }
        Allowed {
            units: cmd.arrangeable_count(),
            connectors: sel.iter().any(|id| {
                s.model
                    .get(id)
                    .is_some_and(|e| matches!(e.props, Props::Connector(_)))
            }),
            text: sel.iter().any(|id| {
                s.model
                    .get(id)
                    .is_some_and(|e| matches!(e.props, Props::Text(_)))
            }),
            group: cmd.can_group(&sel),
            ungroup: cmd.can_ungroup(&sel),
        }
    });
    let current_route = Memo::new(move |_| {
        let s = cmd.session();
        s.model.layout.track();
        s.model.history.track();
        selection
            .get()
            .iter()
            .filter_map(|id| s.model.get(id))
            .find_map(|e| match e.props {
                Props::Connector(c) => Some(c.route),
                _ => None,
            })
            .unwrap_or_else(|| ui.routing.get())
    });
    let align_label = |how: Align| match how {
        Align::Left => t("arrange-align-left"),
        Align::Center => t("arrange-align-center"),
        Align::Right => t("arrange-align-right"),
        Align::Top => t("arrange-align-top"),
        Align::Middle => t("arrange-align-middle"),
        Align::Bottom => t("arrange-align-bottom"),
    };
    let route_label = |r: Routing| match r {
        Routing::Straight => t("arrange-route-straight"),
        Routing::Elbow => t("arrange-route-elbow"),
        Routing::Curved => t("arrange-route-curved"),
    };
    let text_size = Memo::new(move |_| {
        let s = cmd.session();
        s.model.layout.track();
        selection
            .get()
            .iter()
            .filter_map(|id| s.model.get(id))
            .find_map(|e| e.text_size())
            .unwrap_or_else(|| ui.text_size.get())
    });
    let size_label = |name: &str| match name {
        "s" => t("type-size-s"),
        "m" => t("type-size-m"),
        "l" => t("type-size-l"),
        _ => t("type-size-xl"),
    };
    view! {
        <Show when=move || allowed.get().text || ui.tool.get() == crate::state::Tool::Text>
            <span class="group text-sizes" role="group" aria-label=t("type-size-group")>
                {TEXT_SIZES.into_iter().map(|(name, size)| {
                    let label = size_label(name);
                    view! {
                        <button class="tool size" data-text-size=name title=label.clone() aria-label=label
                            aria-pressed=move || (text_size.get() == size).to_string()
                            on:click=move |_| cmd.set_text_size(size)>{name.to_uppercase()}</button>
                    }
                }).collect_view()}
            </span>
        </Show>
        <Show when=move || allowed.get().connectors>
            <span class="group routes" role="group" aria-label=t("arrange-route-group")>
                {Routing::ALL.into_iter().map(|r| {
                    let label = route_label(r);
                    view! {
                        <button class="tool" data-route=r.name() title=label.clone() aria-label=label
                            aria-pressed=move || (current_route.get() == r).to_string()
                            on:click=move |_| cmd.set_routing(r)>{icons::routing(r)}</button>
                    }
                }).collect_view()}
            </span>
        </Show>
        <Show when=move || { allowed.get().units >= 2 }>
            <span class="group align" role="group" aria-label=t("arrange-align-group")>
                {Align::ALL.into_iter().map(|how| {
                    let label = align_label(how);
                    view! {
                        <button class="tool" data-align=how.name() title=label.clone() aria-label=label
                            on:click=move |_| cmd.align(how)>{icons::align(how)}</button>
                    }
                }).collect_view()}
                <Show when=move || { allowed.get().units >= 3 }>
                    <button class="tool" data-distribute="horizontal" title=t("arrange-distribute-horizontal")
                        aria-label=t("arrange-distribute-horizontal") on:click=move |_| cmd.distribute(true)>{icons::distribute(true)}</button>
                    <button class="tool" data-distribute="vertical" title=t("arrange-distribute-vertical")
                        aria-label=t("arrange-distribute-vertical") on:click=move |_| cmd.distribute(false)>{icons::distribute(false)}</button>
                </Show>
                <button class="tool" data-action="tidy" title=t("arrange-tidy") aria-label=t("arrange-tidy")
                    on:click=move |_| cmd.tidy()>{icons::tidy()}</button>
            </span>
        </Show>
        <Show when=move || allowed.get().group>
            <button class="tool" data-action="group" title=titled(&t("arrange-group"), Command::Group)
                aria-label=t("arrange-group") on:click=move |_| cmd.group()>{icons::group()}</button>
        </Show>
        <Show when=move || allowed.get().ungroup>
            <button class="tool" data-action="ungroup" title=titled(&t("arrange-ungroup"), Command::Ungroup)
                aria-label=t("arrange-ungroup") on:click=move |_| cmd.ungroup()>{icons::ungroup()}</button>
        </Show>
        <button class="tool" data-action="grid-snap" title=titled(&t("arrange-grid"), Command::GridSnap)
            aria-label=t("arrange-grid") aria-pressed=move || ui.grid_snap.get().to_string()
            on:click=move |_| cmd.toggle_grid_snap()>{icons::grid()}</button>
    }
}
