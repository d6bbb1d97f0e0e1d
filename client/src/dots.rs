//! Votes on the canvas: while a round is open, this person's own dots (nobody
//! else's are known); after it ends, each element's total as a badge, naming the
//! voters in a named round. Marks sit on an element's top-right corner, follow it
//! when it moves, and keep their size on screen at any zoom.

use crate::commands::Commands;
use crate::i18n::{t, t_with};
use leptos::prelude::*;
use std::collections::BTreeMap;
use tafel_shared::element::Element;

/// One mark on one element.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Mark {
    element: String,
    count: u32,
    /// The results' tooltip; `None` for own dots.
    voters: Option<String>,
}

/// The layer of dots and badges, inside the canvas's world.
#[component]
pub fn VoteMarks(
    /// The page's commands (the session's workshop state, the model, the results shown).
    cmd: Commands,
) -> impl IntoView {
    let marks = move || {
        let s = cmd.session();
        if s.workshop.open_round().is_some() {
            let mut counts: BTreeMap<String, u32> = BTreeMap::new();
            for e in s.workshop.ballot() {
                *counts.entry(e).or_default() += 1;
            }
            return counts
                .into_iter()
                .map(|(element, count)| Mark {
                    element,
                    count,
                    voters: None,
                })
                .collect::<Vec<_>>();
        }
        if cmd.state.vote.hide_results.get() {
            return Vec::new();
        }
        let Some(round) = cmd.results_round() else {
            return Vec::new();
        };
        let named = round.settings.named;
        s.workshop.board.with(|b| {
            round
                .results
                .iter()
                .map(|t| {
                    let voters = if named && !t.by.is_empty() {
                        let names: Vec<String> = t.by.iter().map(|p| b.name_of(p)).collect();
                        t_with(
                            "vote-badge-named",
                            &[
                                ("count", t.votes.into()),
                                ("names", names.join(", ").into()),
                            ],
                        )
                    } else {
                        t_with("vote-badge", &[("count", t.votes.into())])
                    };
                    Mark {
                        element: t.element.clone(),
                        count: t.votes,
                        voters: Some(voters),
                    }
                })
                .collect()
        })
    };
    view! {
        <div class="vote-layer">
            <For each=marks key=|m| m.clone() children=move |m| view! { <MarkView cmd mark=m/> }/>
        </div>
    }
}

#[component]
fn MarkView(cmd: Commands, mark: Mark) -> impl IntoView {
    let Some(signal) = cmd.session().model.view(&mark.element) else {
        return ().into_any();
    };
    let corner = move || {
        signal.with(|e: &Element| {
            let r = &e.base.rect;
            format!("translate({}px, {}px)", r.x + r.w, r.y)
        })
    };
    let count = mark.count;
    let shown_count = (count > 1 || mark.voters.is_some()).then(|| count.to_string());
    let inner = match mark.voters {
        None => view! {
            <span class="vote-dot" data-testid="vote-dot" data-vote-for=mark.element.clone()
                data-count=count title=t("vote-dot-title") role="button"
                aria-label=t_with("vote-dot-label", &[("count", count.into())])>{shown_count}</span>
        }
        .into_any(),
        Some(voters) => view! {
            <span class="vote-badge" data-testid="vote-badge" data-element=mark.element.clone()
                data-votes=count title=voters.clone() aria-label=voters>{shown_count}</span>
        }
        .into_any(),
    };
    view! { <div class="vote-mark" style:transform=corner>{inner}</div> }.into_any()
}
