//! Private brainstorming around the canvas: the facilitator's button that starts
//! it, and the banner everyone sees while it runs: what it means, how many notes
//! each person holds back (never what they say), and for facilitators Reveal,
//! with or without names.

use crate::commands::Commands;
use crate::i18n::{t, t_with};
use leptos::prelude::*;

/// "Private", for facilitators, while private mode does not run (the tooltip
/// says what it does).
#[component]
pub fn PrivateStart(
    /// The page's commands.
    cmd: Commands,
) -> impl IntoView {
    move || {
        (!cmd.private_running()).then(|| {
            view! {
                <button class="private-start" data-testid="private-start" data-action="private"
                    title=t("private-start-title")
                    on:click=move |_| cmd.start_private()>{t("private-start")}</button>
            }
        })
    }
}

/// The banner while private brainstorming runs.
#[component]
pub fn PrivateBanner(
    /// The page's commands.
    cmd: Commands,
) -> impl IntoView {
    let role = cmd.session().role;
    let facilitator = move || role.get().is_some_and(|r| r.can_facilitate());
    let writer = move || cmd.session().can_edit();
    let counts = move || {
        cmd.session().workshop.board.with(|b| {
            b.private
                .as_ref()
                .map(|p| {
                    let mut rows: Vec<(String, u32)> = p
                        .hidden
                        .iter()
                        .filter(|(_, n)| *n > 0)
                        .map(|(who, n)| (b.name_of(who), *n))
                        .collect();
                    rows.sort();
                    rows
                })
                .unwrap_or_default()
        })
    };
    let anonymous = cmd.state.private.anonymous;
    move || {
        cmd.private_running().then(|| {
            view! {
                <div class="private-banner" data-testid="private-banner" role="status">
                    <strong>{move || if writer() {
                        t("private-banner-writer")
                    } else {
                        t("private-banner-reader")
                    }}</strong>
                    <ul class="private-counts" data-testid="private-counts" aria-label=t("private-counts-label")>
                        <For each=counts key=|row| row.clone() children=|(name, n)| view! {
                            <li class="private-count" data-name=name.clone() data-count=n>{t_with("private-count", &[("name", name.as_str().into()), ("count", n.into())])}</li>
                        }/>
                    </ul>
                    <Show when=facilitator>
                        <label class="private-anonymous">
                            <input type="checkbox" data-testid="private-anonymous"
                                prop:checked=move || anonymous.get()
                                on:change=move |e| anonymous.set(event_target_checked(&e))/>
                            {t("private-anonymous")}
                        </label>
                        <button class="private-reveal" data-testid="private-reveal"
                            title=t("private-reveal-title")
                            on:click=move |_| cmd.reveal_private(anonymous.get_untracked())>{t("private-reveal")}</button>
                    </Show>
                </div>
            }
        })
    }
}
