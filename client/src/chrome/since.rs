//! "Since your last visit" around the canvas: a bar that says how much changed
//! and steps through the changes one by one (the view moves to each), a list of
//! them with who did what, and marks on the board: a coloured outline on what
//! was added or changed, a dashed ghost where something was removed, each named.

use crate::commands::Commands;
use crate::i18n::{t, t_with};
use crate::since::{self, Change, What};
use leptos::prelude::*;

/// Who made `c`, as people read it ("Someone" if unknown).
fn who(c: &Change) -> String {
    c.who.clone().unwrap_or_else(|| t("since-someone"))
}

/// A line of the list: who did what to which element.
fn line(c: &Change) -> String {
    let key = match c.what {
        What::Added => "since-item-added",
        What::Changed => "since-item-changed",
        What::Removed => "since-item-removed",
    };
    t_with(
        key,
        &[("who", who(c).into()), ("label", c.label.clone().into())],
    )
}

/// The tag of a mark on the board: who did what.
fn tag(c: &Change) -> String {
    let key = match c.what {
        What::Added => "since-tag-added",
        What::Changed => "since-tag-changed",
        What::Removed => "since-tag-removed",
    };
    t_with(key, &[("who", who(c).into())])
}

/// The bar over the canvas while there is news.
#[component]
pub fn SinceBar(
    /// The page's commands.
    cmd: Commands,
) -> impl IntoView {
    let ui = cmd.state.since;
    let count = move || ui.changes.with(Vec::len);
    let step = move |delta: isize| {
        let n = count() as isize;
        if n == 0 {
            return;
        }
        let next = match ui.at.get_untracked() {
            Some(i) => (i as isize + delta).rem_euclid(n),
            None if delta > 0 => 0,
            None => n - 1,
        };
        since::go_to(cmd, next as usize);
    };
    let position = move || match ui.at.get() {
        Some(i) => t_with(
            "since-position",
            &[("current", (i + 1).into()), ("total", count().into())],
        ),
        None => String::new(),
    };
    let when = move || {
        ui.since_ms
            .get()
            .map(|ms| crate::history::local_time(ms as u64))
            .unwrap_or_default()
    };
    move || {
        (count() > 0).then(|| {
            let list = move || {
                ui.changes
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let line = line(&c);
                        view! {
                            <li>
                                <button class="link-button" data-testid="since-item" data-change=c.what.name()
                                    data-id=c.id.clone() aria-current=move || (ui.at.get() == Some(i)).to_string()
                                    on:click=move |_| since::go_to(cmd, i)>{line}</button>
                            </li>
                        }
                    })
                    .collect_view()
            };
            view! {
                <div class="since-bar" role="region" aria-label=t("since-bar-label") data-testid="since-bar"
                    data-count=count>
                    <div class="since-head">
                        <strong>{move || t_with("since-count", &[("count", count().into())])}</strong>
                        <span class="muted">{move || format!("({})", when())}</span>
                        <button class="small" aria-label=t("since-previous") data-testid="since-prev" on:click=move |_| step(-1)>"‹"</button>
                        <span class="muted" data-testid="since-position">{position}</span>
                        <button class="small" aria-label=t("since-next") data-testid="since-next" on:click=move |_| step(1)>"›"</button>
                        <button class="small" data-testid="since-list" aria-expanded=move || ui.open.get().to_string()
                            on:click=move |_| ui.open.update(|o| *o = !*o)>{t("since-list")}</button>
                        <button class="small primary" data-testid="since-seen" on:click=move |_| since::mark_all_seen(cmd)>
                            {t("since-mark-all-seen")}
                        </button>
                    </div>
                    <Show when=move || ui.open.get()>
                        <ol class="since-list">{list}</ol>
                    </Show>
                </div>
            }
        })
    }
}

/// The marks on the board, in screen space over the canvas.
#[component]
pub fn SinceMarks(
    /// The page's commands.
    cmd: Commands,
) -> impl IntoView {
    let ui = cmd.state.since;
    let view = cmd.state.camera.view;
    let model = cmd.session().model.clone();
    let model = StoredValue::new_local(model);
    let marks = move || {
        // Added and changed elements are drawn where they are now.
        model.with_value(|m| {
            m.layout.track();
            m.order.track();
        });
        let v = view.get();
        let (sw, sh) = cmd.state.camera.screen.get();
        let on_screen =
            tafel_shared::geometry::Rect::new(v.origin.x, v.origin.y, sw / v.zoom, sh / v.zoom);
        ui.changes
            .get()
            .into_iter()
            .enumerate()
            // Only what is on screen (below): a long list stays cheap while panning.
            .map(|(i, c)| {
                let rect = match c.what {
                    What::Removed => c.rect,
                    _ => model
                        .with_value(|m| m.get(&c.id))
                        .map_or(c.rect, |e| e.base.rect),
                };
                if !rect.intersects(&on_screen) {
                    return None;
                }
                let at = v.to_screen(tafel_shared::geometry::Point::new(rect.x, rect.y));
                let (w, h) = (rect.w * v.zoom, rect.h * v.zoom);
                let tag = tag(&c);
                let current = ui.at.get() == Some(i);
                Some(view! {
                    <div class=format!("change-mark {}", c.what.name()) class:current=current
                        data-testid="change-mark" data-change=c.what.name() data-id=c.id.clone()
                        style:transform=format!("translate({}px, {}px)", at.x - 4.0, at.y - 4.0)
                        style:width=format!("{}px", w + 8.0) style:height=format!("{}px", h + 8.0)>
                        <span class="change-tag">{tag}</span>
                    </div>
                })
            })
            .collect_view()
    };
    view! { <div class="change-layer" aria-hidden="true">{marks}</div> }
}
