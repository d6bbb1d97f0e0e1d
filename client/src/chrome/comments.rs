//! Comments around the canvas: pins with their counts over the board, the
//! popover of one thread (replies, edit and delete of one's own, resolve and
//! reopen), the composer of a new thread, `@` mentions with suggestions from
//! the people who have been on the board, and the panel that lists threads by
//! filter with unread markers.

use super::shell::PanelShell;
use crate::comments::{
    complete_mention, is_unread, last_activity, mention_query, mentions_in, suggestions, Filter,
    Review,
};
use crate::i18n::{t, t_with};
use crate::review_state::local_date;
use crate::state::Panel;
use leptos::prelude::*;
use tafel_shared::comments::{Comment, CommentCommand, Mention, Thread};
use tafel_shared::geometry::Point;

/// Most names the mention list offers at once.
const SUGGESTIONS: usize = 6;

/// How long ago `ms` was, shortly ("just now", "5 min ago", a date).
fn when(ms: u64) -> String {
    let now = js_sys::Date::now();
    let minutes = ((now - ms as f64) / 60_000.0).floor();
    if minutes < 1.0 {
        t("comments-time-just-now")
    } else if minutes < 60.0 {
        t_with(
            "comments-time-minutes-ago",
            &[("minutes", (minutes as u64).into())],
        )
    } else if minutes < 24.0 * 60.0 {
        t_with(
            "comments-time-hours-ago",
            &[("hours", ((minutes / 60.0).floor() as u64).into())],
        )
    } else {
        local_date(ms)
    }
}

/// The pins, the open thread and the composer, over the canvas.
#[component]
pub fn CommentLayer(
    /// The page's comments.
    review: Review,
) -> impl IntoView {
    let discussion = review.discussion();
    let seen = review.seen();
    let ui = review.ui;
    let view = review.cmd.state.camera.view;
    // Pins shown: open threads, resolved ones on request, and the open thread.
    let shown = move || {
        let (open, resolved) = (ui.open.get(), ui.show_resolved.get());
        discussion.with(|d| {
            d.threads
                .values()
                .filter(|t| t.resolved.is_none() || resolved || open.as_deref() == Some(&t.id))
                .map(|t| t.id.clone())
                .collect::<Vec<_>>()
        })
    };
    let pin = move |id: String| {
        let thread = Memo::new({
            let id = id.clone();
            move |_| discussion.with(|d| d.threads.get(&id).cloned())
        });
        let count = Signal::derive({
            let id = id.clone();
            move || discussion.with(|d| d.of(&id).iter().filter(|c| !c.deleted).count())
        });
        let unread = Signal::derive({
            let id = id.clone();
            move || {
                let read = seen.with(|s| s.get(&id).copied().unwrap_or(0));
                discussion.with(|d| is_unread(d.of(&id), read, review.me().as_ref()))
            }
        });
        let place = move || {
            let (at, gone) = thread
                .with(|t| t.as_ref().map(|t| review.pin_of(t)))
                .unwrap_or_default();
            (view.get().to_screen(at), gone)
        };
        let style = move || {
            let (p, _) = place();
            format!("translate({}px, {}px)", p.x, p.y)
        };
        let resolved = move || thread.with(|t| t.as_ref().is_some_and(|t| t.resolved.is_some()));
        let active = {
            let id = id.clone();
            move || ui.open.with(|o| o.as_deref() == Some(id.as_str()))
        };
        let label = move || t_with("comments-pin-label", &[("count", count.get().into())]);
        view! {
            <button class="comment-pin" data-testid="comment-pin" data-thread=id.clone()
                data-count=count data-unread=move || unread.get().to_string()
                data-deleted=move || place().1.to_string()
                class:unread=unread class:resolved=resolved class:active=active
                style:transform=style aria-label=label
                on:pointerdown=|e| e.stop_propagation()
                on:click=move |_| review.show(&id)>
                {count}
            </button>
        }
    };
    view! {
        <div class="comment-layer">
            <For each=shown key=|id| id.clone() children=pin/>
            {move || ui.draft.get().map(|d| {
                let (at, _) = crate::comments::pin_point(&d.anchor, None);
                view! { <Composer review at/> }
            })}
            {move || ui.open.get().map(|id| view! { <ThreadCard review id/> })}
        </div>
    }
}

/// Where a popover next to a board point goes on screen, kept inside it.
fn popover_style(review: Review, at: Point) -> String {
    let p = review.cmd.state.camera.view.get().to_screen(at);
    let (w, h) = review.cmd.state.camera.screen.get();
    let x = (p.x + 22.0).min(w - 340.0).max(8.0);
    let y = (p.y - 12.0).min(h - 320.0).max(8.0);
    format!("translate({x}px, {y}px)")
}

/// The composer of a new thread at a draft pin.
#[component]
fn Composer(review: Review, at: Point) -> impl IntoView {
    let style = move || popover_style(review, at);
    let send = Callback::new(move |(text, mentions): (String, Vec<Mention>)| {
        review.open_thread(text, mentions);
    });
    let cancel = Callback::new(move |()| review.ui.draft.set(None));
    view! {
        <div class="comment-draft-pin" style:transform=move || {
            let p = review.cmd.state.camera.view.get().to_screen(at);
            format!("translate({}px, {}px)", p.x, p.y)
        }></div>
        <div class="comment-card" data-testid="comment-composer" role="dialog" aria-label=t("comments-composer-label")
            style:transform=style on:pointerdown=|e| e.stop_propagation() on:dblclick=|e| e.stop_propagation()>
            <CommentBox review placeholder=t("comments-composer-placeholder") initial=String::new()
                send_label=t("comments-composer-send") on_send=send on_cancel=cancel/>
        </div>
    }
}

/// One thread in its popover.
#[component]
fn ThreadCard(review: Review, id: String) -> impl IntoView {
    let discussion = review.discussion();
    let thread = Memo::new({
        let id = id.clone();
        move |_| discussion.with(|d| d.threads.get(&id).cloned())
    });
    let comments = Memo::new({
        let id = id.clone();
        move |_| discussion.with(|d| d.of(&id).to_vec())
    });
    // What arrives while the thread is open is read.
    Effect::new({
        let id = id.clone();
        move |_| {
            comments.track();
            review.doc().mark_read(&id);
        }
    });
    // A thread deleted (with its last comment) closes; a new one may not have
    // come back from the server yet.
    Effect::new(move |was: Option<bool>| {
        let exists = thread.with(Option::is_some);
        if was == Some(true) && !exists {
            review.ui.open.set(None);
        }
        exists
    });
    let at = move || thread.with(|t| t.as_ref().map(|t| review.pin_of(t)));
    let style = move || {
        at().map(|(p, _)| popover_style(review, p))
            .unwrap_or_default()
    };
    let gone = move || at().is_some_and(|(_, gone)| gone);
    let resolved = move || thread.with(|t| t.as_ref().and_then(|t| t.resolved.clone()));
    let toggle = {
        let id = id.clone();
        move |_| {
            let thread = id.clone();
            if resolved().is_some() {
                review.act(CommentCommand::Reopen { thread });
            } else {
                review.act(CommentCommand::Resolve {
                    thread,
                    name: review.my_name(),
                });
                review.ui.open.set(None);
            }
        }
    };
    let reply = {
        let id = id.clone();
        Callback::new(move |(text, mentions): (String, Vec<Mention>)| {
            review.reply(&id, text, mentions)
        })
    };
    let close = Callback::new(move |()| review.ui.open.set(None));
    view! {
        <div class="comment-card" data-testid="comment-thread" data-thread=id.clone()
            data-resolved=move || resolved().is_some().to_string()
            role="dialog" aria-label=t("comments-thread-label") style:transform=style on:pointerdown=|e| e.stop_propagation()
            on:wheel=|e| e.stop_propagation() on:dblclick=|e| e.stop_propagation()>
            <header>
                {move || resolved().map(|r| view! {
                    <span class="muted" data-testid="comment-resolved-by">{t_with("comments-resolved-by", &[("name", r.name.clone().into())])}</span>
                })}
                <span class="spacer"></span>
                <Show when=move || review.can_comment()>
                    <button class="small" data-testid="comment-resolve" on:click=toggle.clone()>
                        {move || if resolved().is_some() { t("comments-reopen") } else { t("comments-resolve") }}
                    </button>
                </Show>
                <button class="close" aria-label=t("comments-close") on:click=move |_| close.run(())>"×"</button>
            </header>
            <Show when=gone>
                <p class="muted element-gone" data-testid="comment-element-deleted">{t("comments-element-deleted")}</p>
            </Show>
            <ol class="comments">
                <For each=move || comments.get() key=|c| (c.id.clone(), c.edited_ms, c.deleted)
                    children=move |c| view! { <CommentItem review comment=c/> }/>
            </ol>
            <Show when=move || review.can_comment()>
                <CommentBox review placeholder=t("comments-reply-placeholder") initial=String::new()
                    send_label=t("comments-reply-send") on_send=reply on_cancel=close/>
            </Show>
        </div>
    }
}

/// One comment, with edit and delete where this person may.
#[component]
fn CommentItem(review: Review, comment: Comment) -> impl IntoView {
    let editing = RwSignal::new(false);
    let mine = review.me().as_ref() == Some(&comment.author);
    let may_delete = move || mine || review.is_facilitator();
    let id = comment.id.clone();
    if comment.deleted {
        return view! {
            <li class="comment deleted" data-testid="comment" data-comment=id>
                <p class="muted">{t("comments-deleted-comment")}</p>
            </li>
        }
        .into_any();
    }
    let save = {
        let id = id.clone();
        Callback::new(move |(text, mentions): (String, Vec<Mention>)| {
            review.act(CommentCommand::Edit {
                comment: id.clone(),
                text,
                mentions,
            });
            editing.set(false);
        })
    };
    let delete = {
        let id = id.clone();
        move |_| {
            let ok = web_sys::window()
                .and_then(|w| w.confirm_with_message(&t("comments-delete-confirm")).ok())
                .unwrap_or(false);
            if ok {
                review.act(CommentCommand::Delete {
                    comment: id.clone(),
                });
            }
        }
    };
    let text = comment.text.clone();
    let mentions = comment.mentions.clone();
    view! {
        <li class="comment" data-testid="comment" data-comment=id data-mine=mine.to_string()>
            <div class="comment-head">
                <strong>{comment.name.clone()}</strong>
                <span class="muted">{when(comment.created_ms)}</span>
                {comment.edited_ms.map(|_| view! { <span class="muted">{t("comments-edited")}</span> })}
                <span class="spacer"></span>
                <Show when=move || mine && !editing.get()>
                    <button class="link-button" data-testid="comment-edit" on:click=move |_| editing.set(true)>{t("comments-edit")}</button>
                </Show>
                <Show when=may_delete>
                    <button class="link-button" data-testid="comment-delete" on:click=delete.clone()>{t("comments-delete")}</button>
                </Show>
            </div>
            {move || if editing.get() {
                view! {
                    <CommentBox review placeholder=t("comments-edit-placeholder") initial=text.clone() chosen=mentions.clone()
                        send_label=t("comments-edit-save") on_send=save on_cancel=Callback::new(move |()| editing.set(false))/>
                }.into_any()
            } else {
                view! { <p class="comment-text" data-testid="comment-text">{highlight(&text, &mentions)}</p> }.into_any()
            }}
        </li>
    }
    .into_any()
}

/// `text` with each mentioned `@Name` set apart.
fn highlight(text: &str, mentions: &[Mention]) -> Vec<AnyView> {
    let mut parts: Vec<AnyView> = Vec::new();
    let mut rest = text;
    loop {
        let next = mentions
            .iter()
            .filter_map(|m| {
                let tag = format!("@{}", m.name);
                rest.find(&tag).map(|at| (at, tag))
            })
            .min_by_key(|(at, _)| *at);
        match next {
            Some((at, tag)) => {
                parts.push(rest[..at].to_owned().into_any());
                parts.push(view! { <span class="mention">{tag.clone()}</span> }.into_any());
                rest = &rest[at + tag.len()..];
            }
            None => {
                parts.push(rest.to_owned().into_any());
                return parts;
            }
        }
    }
}

/// The caret of a text area, in chars (the DOM counts UTF-16 units).
fn caret_of(area: &web_sys::HtmlTextAreaElement) -> usize {
    let units = area.selection_start().ok().flatten().unwrap_or(0) as usize;
    let mut seen = 0;
    for (i, c) in area.value().chars().enumerate() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16();
    }
    area.value().chars().count()
}

fn set_caret(area: &web_sys::HtmlTextAreaElement, chars: usize) {
    let units: usize = area.value().chars().take(chars).map(char::len_utf16).sum();
    let _ = area.set_selection_range(units as u32, units as u32);
}

/// A text box for a comment: Enter sends (Shift+Enter for a new line), Escape
/// cancels, `@` offers the people who have been on the board.
#[component]
fn CommentBox(
    review: Review,
    placeholder: String,
    initial: String,
    /// Mentions the text already has (when editing).
    #[prop(optional)]
    chosen: Vec<Mention>,
    send_label: String,
    on_send: Callback<(String, Vec<Mention>)>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let text = RwSignal::new(initial);
    let chosen = RwSignal::new(chosen);
    let query = RwSignal::new(None::<String>);
    let pick = RwSignal::new(0usize);
    let area = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        if let Some(a) = area.get() {
            let _ = a.focus();
        }
    });
    let offered = move || {
        let q = query.get()?;
        let people = review.people();
        let list: Vec<(tafel_shared::ids::ParticipantId, String)> =
            suggestions(&people, &q, SUGGESTIONS)
                .into_iter()
                .map(|p| (p.id.clone(), p.name.clone()))
                .collect();
        (!list.is_empty()).then_some(list)
    };
    let refresh = move || {
        if let Some(a) = area.get_untracked() {
            let a: &web_sys::HtmlTextAreaElement = &a;
            query.set(mention_query(&a.value(), caret_of(a)));
            pick.set(0);
        }
    };
    let choose = move |id: tafel_shared::ids::ParticipantId, name: String| {
        let Some(a) = area.get_untracked() else {
            return;
        };
        let a: &web_sys::HtmlTextAreaElement = &a;
        let (next, caret) = complete_mention(&a.value(), caret_of(a), &name);
        a.set_value(&next);
        set_caret(a, caret);
        text.set(next);
        chosen.update(|c| {
            if !c.iter().any(|m| m.id == id) {
                c.push(Mention { id, name });
            }
        });
        query.set(None);
    };
    let submit = move || {
        let t = text.get_untracked().trim().to_owned();
        if t.is_empty() {
            return;
        }
        let mentions = mentions_in(&t, &chosen.get_untracked());
        on_send.run((t, mentions));
        text.set(String::new());
        chosen.set(Vec::new());
        if let Some(a) = area.get_untracked() {
            a.set_value("");
        }
    };
    let keydown = move |e: web_sys::KeyboardEvent| {
        e.stop_propagation();
        if let Some(list) = offered() {
            match e.key().as_str() {
                "ArrowDown" => {
                    e.prevent_default();
                    pick.update(|p| *p = (*p + 1) % list.len());
                    return;
                }
                "ArrowUp" => {
                    e.prevent_default();
                    pick.update(|p| *p = (*p + list.len() - 1) % list.len());
                    return;
                }
                "Enter" | "Tab" => {
                    e.prevent_default();
                    let (id, name) = list[pick.get_untracked().min(list.len() - 1)].clone();
                    choose(id, name);
                    return;
                }
                "Escape" => {
                    query.set(None);
                    return;
                }
                _ => {}
            }
        }
        match e.key().as_str() {
            "Enter" if !e.shift_key() => {
                e.prevent_default();
                submit();
            }
            "Escape" => on_cancel.run(()),
            _ => {}
        }
    };
    view! {
        <div class="comment-box">
            <textarea node_ref=area data-testid="comment-input" rows="2" placeholder=placeholder.clone()
                aria-label=placeholder maxlength="10000" prop:value=move || text.get()
                on:input=move |e| { text.set(event_target_value(&e)); refresh(); }
                on:click=move |_| refresh()
                on:keydown=keydown></textarea>
            {move || offered().map(|list| view! {
                <ul class="mention-list" role="listbox" aria-label=t("comments-mention-list-label")>
                    {list.into_iter().enumerate().map(|(i, (id, name))| {
                        let label = name.clone();
                        view! {
                            <li role="option" data-testid="mention-option" aria-selected=move || (pick.get() == i).to_string()
                                on:mousedown=move |e| { e.prevent_default(); choose(id.clone(), name.clone()); }>
                                {label}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            <div class="comment-actions">
                <button class="small" on:click=move |_| on_cancel.run(())>{t("comments-cancel")}</button>
                <button class="small primary" data-testid="comment-send"
                    disabled=move || text.with(|t| t.trim().is_empty())
                    on:click=move |_| submit()>{send_label}</button>
            </div>
        </div>
    }
}

/// The comments panel: threads by filter, newest activity first, unread marked.
#[component]
pub fn CommentsPanel(
    /// The page's comments.
    review: Review,
) -> impl IntoView {
    let panel = review.cmd.state.ui.panel;
    let filter = review.ui.filter;
    let discussion = review.discussion();
    let seen = review.seen();
    let rows = move || {
        let me = review.me();
        let f = filter.get();
        // Rows show unread markers: reading a thread redraws them.
        seen.track();
        discussion.with(|d| {
            let mut rows: Vec<(Thread, Vec<Comment>)> = d
                .threads
                .values()
                .filter(|t| f.passes(t, d.of(&t.id), me.as_ref()))
                .map(|t| (t.clone(), d.of(&t.id).to_vec()))
                .collect();
            rows.sort_by_key(|(_, cs)| std::cmp::Reverse(last_activity(cs)));
            rows
        })
    };
    let tabs = Filter::ALL
        .into_iter()
        .map(|f| {
            let label = f.label();
            view! {
                <button class="tab" data-filter=f.name() aria-pressed=move || (filter.get() == f).to_string()
                    on:click=move |_| filter.set(f)>{label}</button>
            }
        })
        .collect_view();
    let row = move |(thread, cs): (Thread, Vec<Comment>)| {
        let id = thread.id.clone();
        let read = seen.with_untracked(|s| s.get(&id).copied().unwrap_or(0));
        let unread = is_unread(&cs, read, review.me().as_ref());
        let first = cs.first().cloned();
        let (author, excerpt) = match &first {
            Some(c) if c.deleted => (c.name.clone(), t("comments-row-deleted")),
            Some(c) => (c.name.clone(), c.text.chars().take(140).collect()),
            None => (String::new(), String::new()),
        };
        let replies = cs.len().saturating_sub(1);
        let gone = thread
            .anchor
            .element()
            .is_some_and(|e| review.cmd.session().model.get(e).is_none());
        view! {
            <li>
                <button class="thread-row" data-testid="comment-row" data-thread=id.clone()
                    data-unread=unread.to_string() class:unread=unread
                    on:click=move |_| review.show(&id)>
                    <span class="row-head">
                        <strong>{author}</strong>
                        <span class="muted">{when(last_activity(&cs))}</span>
                        {unread.then(|| view! { <span class="unread-dot" aria-label=t("comments-row-unread")></span> })}
                    </span>
                    <span class="excerpt">{excerpt}</span>
                    <span class="muted">
                        {match replies { 0 => String::new(), n => t_with("comments-row-replies", &[("count", n.into())]) }}
                        {thread.resolved.as_ref().map(|r| format!(" · {}", t_with("comments-row-resolved-by", &[("name", r.name.clone().into())])))}
                        {gone.then(|| format!(" · {}", t("comments-row-element-deleted")))}
                    </span>
                </button>
            </li>
        }
    };
    view! {
        <PanelShell class="comments-panel" title=t("comments-panel-title") panel>
            <div class="tabs" role="group" aria-label=t("comments-filter-label")>{tabs}</div>
            <div class="panel-actions">
                <label class="check">
                    <input type="checkbox" prop:checked=move || review.ui.show_resolved.get()
                        on:change=move |e| review.ui.show_resolved.set(event_target_checked(&e))/>
                    " "{t("comments-show-resolved")}
                </label>
                <button class="link-button" data-testid="comments-mark-read" on:click=move |_| review.mark_all_read()>
                    {t("comments-mark-all-read")}
                </button>
            </div>
            {move || {
                let rows = rows();
                if rows.is_empty() {
                    view! { <p class="muted" data-testid="comments-empty">{t("comments-empty")}</p> }.into_any()
                } else {
                    view! { <ul class="thread-list">{rows.into_iter().map(row).collect_view()}</ul> }.into_any()
                }
            }}
        </PanelShell>
    }
}

/// The toolbar button that opens the comments panel, with the unread count.
#[component]
pub fn CommentsButton(
    /// The page's comments.
    review: Review,
) -> impl IntoView {
    let unread = move || review.unread_count();
    view! {
        <button class="tool comments-open" data-testid="comments-open" data-action="comments"
            title=t("comments-button-title") aria-label=move || t_with("comments-button-label", &[("count", unread().into())])
            on:click=move |_| review.cmd.toggle_panel(Panel::Comments)>
            {crate::icons::comments()}
            <Show when=move || unread() != 0>
                <span class="badge" data-testid="comments-unread">{unread}</span>
            </Show>
        </button>
    }
}
