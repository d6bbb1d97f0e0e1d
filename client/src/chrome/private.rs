//! Private brainstorming around the canvas: the facilitator's button that starts
//! it, and the banner everyone sees while it runs: what it means, how many notes
//! each person holds back (never what they say), and for facilitators Reveal,
//! with or without names.

use crate::commands::Commands;
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
                    title="Private brainstorming: everyone's new notes stay hidden until you reveal them"
                    on:click=move |_| cmd.start_private()>"Private"</button>
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
                        "Private brainstorming: your new notes are visible to you only"
                    } else {
                        "Private brainstorming: notes stay hidden until the facilitator reveals them"
                    }}</strong>
                    <ul class="private-counts" data-testid="private-counts" aria-label="Hidden notes per person">
                        <For each=counts key=|row| row.clone() children=|(name, n)| view! {
                            <li class="private-count" data-name=name.clone() data-count=n>{format!("{name}: {n} hidden")}</li>
                        }/>
                    </ul>
                    <Show when=facilitator>
                        <label class="private-anonymous">
                            <input type="checkbox" data-testid="private-anonymous"
                                prop:checked=move || anonymous.get()
                                on:change=move |e| anonymous.set(event_target_checked(&e))/>
                            "without names"
                        </label>
                        <button class="private-reveal" data-testid="private-reveal"
                            title="Put everyone's notes on the board and end private mode"
                            on:click=move |_| cmd.reveal_private(anonymous.get_untracked())>"Reveal"</button>
                    </Show>
                </div>
            }
        })
    }
}
