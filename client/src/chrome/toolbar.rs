//! The toolbar along the top (board title, renamed in place by facilitators;
//! who is here, role, connection status, and the buttons that open the panels)
//! and the tool rail down the left side (tools, adding a picture, undo and
//! redo), as in Miro: the top stays short enough for a tablet.

use super::presence::PresenceStrip;
use crate::commands::Commands;
use crate::i18n::t;
use crate::keymap::{titled, Command};
use crate::net::Status;
use crate::session::LocalCopy;
use crate::state::{Panel, Tool};
use leptos::prelude::*;
use tafel_shared::api::{BoardInfo, MAX_TITLE_CHARS};
use tafel_shared::roles::Role;

/// The toolbar.
#[component]
pub fn Toolbar(
    /// What the buttons do.
    cmd: Commands,
    /// Following, hands and the roster in the presence strip.
    room: crate::room::Room,
    /// The comments (tool and panel button).
    review: crate::comments::Review,
) -> impl IntoView {
    let s = cmd.session();
    let role = s.role;
    let is_facilitator = move || role.get() == Some(Role::Facilitator);
    let has_results = move || {
        cmd.session()
            .workshop
            .board
            .with(|b| b.rounds.iter().any(|r| !r.is_open()))
    };
    let role_id = move || role.get().map(|r| r.to_string()).unwrap_or_default();
    let role_name = move || role.get().map(crate::room::role_name).unwrap_or_default();
    view! {
        <header class="toolbar" role="toolbar" aria-label=t("board-toolbar-label")>
            <a class="home-link" href="/" title=t("board-home-title")>"Tafel"</a>
            <BoardTitle info=s.info role cmd/>
            <RetentionNotice info=s.info role/>
            <span class="spacer"></span>
            <PresenceStrip room/>
            <span class="role" data-role=role_id>{role_name}</span>
            <StatusBadge status=s.status local=s.local/>
            <super::CommentsButton review/>
            <button class="tool" data-testid="history-open" data-action="history" title=t("board-history-title") aria-label=t("board-history-title")
                on:click=move |_| cmd.toggle_panel(Panel::History)>{crate::icons::history()}</button>
            <super::BoardMenu cmd review/>
            <Show when=has_results>
                <button class="tool vote-results-open" data-testid="vote-results-open" data-action="results"
                    title=t("board-results-title") aria-label=t("board-results-title")
                    on:click=move |_| cmd.toggle_panel(Panel::Results)>{crate::icons::results()}</button>
            </Show>
            <Show when=is_facilitator>
                <button class="tool" data-testid="vote-open" data-action="voting" title=t("board-voting-title") aria-label=t("board-voting-title")
                    on:click=move |_| cmd.toggle_panel(Panel::Voting)>{crate::icons::vote()}</button>
                <super::PrivateStart cmd/>
                <super::FreezeToggle cmd/>
                <button class="share" data-action="share"
                    on:click=move |_| cmd.state.ui.panel.set(Panel::Share)>{t("board-share-button")}</button>
            </Show>
        </header>
    }
}

/// The tools, adding a picture, undo and redo, down the left side of the canvas.
#[component]
pub fn ToolRail(
    /// What the buttons do.
    cmd: Commands,
    /// The comments (the comment tool).
    review: crate::comments::Review,
) -> impl IntoView {
    let fatal = cmd.session().fatal;
    let can_edit = move || cmd.session().can_edit();
    let tool = cmd.state.ui.tool;
    let tools = move || {
        let open = fatal.with(Option::is_none);
        Tool::ALL
            .into_iter()
            .filter(move |_| open)
            .filter(move |t| match t {
                Tool::Comment => review.can_comment(),
                t => !t.edits() || can_edit(),
            })
            .map(|t| {
                let active = move || tool.get() == t;
                let name = t.label();
                let title = titled(&name, Command::Tool(t));
                view! {
                    <button class="tool" class:active=active data-tool=t.name()
                        title=title aria-label=name aria-pressed=move || active().to_string()
                        on:click=move |_| { cmd.pick_tool(t); }>
                        {crate::icons::tool(t)}
                    </button>
                }
            })
            .collect_view()
    };
    let picker = NodeRef::<leptos::html::Input>::new();
    let picked = move |_| {
        if let Some(input) = picker.get_untracked() {
            let files = crate::pictures::files_of_input(&input);
            input.set_value("");
            cmd.add_pictures(files, cmd.state.camera.screen_center());
        }
    };
    let add_picture = move || {
        (can_edit() && fatal.with(Option::is_none)).then(|| {
            view! {
                <button class="tool" data-action="picture" title=t("picture-add-title") aria-label=t("picture-add-label")
                    on:click=move |_| { if let Some(i) = picker.get_untracked() { i.click(); } }>
                    {crate::icons::picture()}
                </button>
            }
        })
    };
    let undo_redo = move || {
        can_edit().then(|| {
            view! {
                <span class="group">
                    <button class="tool" data-action="undo" title=titled(&t("tool-undo"), Command::Undo) aria-label=t("tool-undo")
                        disabled=move || !cmd.session().model.can_undo()
                        on:click=move |_| cmd.undo()>{crate::icons::undo()}</button>
                    <button class="tool" data-action="redo" title=titled(&t("tool-redo"), Command::Redo) aria-label=t("tool-redo")
                        disabled=move || !cmd.session().model.can_redo()
                        on:click=move |_| cmd.redo()>{crate::icons::redo()}</button>
                </span>
            }
        })
    };
    view! {
        <nav class="toolrail" role="toolbar" aria-label=t("tool-rail-label") aria-orientation="vertical"
            class:hidden=move || fatal.with(Option::is_some)>
            <span class="group tools">{tools}{add_picture}</span>
            <input type="file" class="picture-input" node_ref=picker accept=crate::pictures::ACCEPT multiple
                aria-hidden="true" tabindex="-1" on:change=picked/>
            {undo_redo}
        </nav>
    }
}

/// Tells facilitators, in the last days before it, that the server will delete
/// the board for retention unless someone changes it.
#[component]
fn RetentionNotice(
    /// When the server would delete the board.
    #[prop(into)]
    info: Signal<Option<BoardInfo>>,
    /// This participant's role.
    #[prop(into)]
    role: Signal<Option<Role>>,
) -> impl IntoView {
    let due = move || {
        let deleted_after = info.with(|i| i.as_ref().and_then(|i| i.deleted_after_ms))?;
        let soon = deleted_after.saturating_sub(tafel_shared::api::RETENTION_WARNING_MS);
        (role.get() == Some(Role::Facilitator) && js_sys::Date::now() as u64 >= soon)
            .then_some(deleted_after)
    };
    move || {
        due().map(|at| {
            let text = crate::i18n::t_with(
                "board-retention-notice",
                &[("date", crate::review_state::local_date(at).into())],
            );
            view! { <span class="retention-notice" role="status" data-testid="retention-notice">{text}</span> }
        })
    }
}

/// The board's title; facilitators click it to rename the board.
#[component]
fn BoardTitle(
    /// Title and role from the API.
    #[prop(into)]
    info: Signal<Option<BoardInfo>>,
    /// This participant's role.
    #[prop(into)]
    role: Signal<Option<Role>>,
    /// For renaming.
    cmd: Commands,
) -> impl IntoView {
    let title = move || info.with(|i| i.as_ref().map(|i| i.title.clone()).unwrap_or_default());
    let is_facilitator = move || role.get() == Some(Role::Facilitator);
    let renaming = RwSignal::new(false);
    let draft_title = RwSignal::new(String::new());
    let rename = move || {
        if !renaming.get_untracked() {
            return;
        }
        renaming.set(false);
        let new_title = draft_title.get_untracked().trim().to_owned();
        if !new_title.is_empty() && new_title != title() {
            cmd.rename_board(new_title);
        }
    };
    move || {
        if is_facilitator() && renaming.get() {
            view! {
                <form class="rename" on:submit=move |e| { e.prevent_default(); rename(); }>
                    <input class="title-input" aria-label=t("board-title-label") maxlength=MAX_TITLE_CHARS autofocus
                        prop:value=move || draft_title.get()
                        on:input=move |e| draft_title.set(event_target_value(&e))
                        on:keydown=move |e: web_sys::KeyboardEvent| if e.key() == "Escape" { renaming.set(false) }
                        on:blur=move |_| rename()/>
                </form>
            }
            .into_any()
        } else if is_facilitator() {
            view! {
                <h1 class="board-title">
                    <button class="title-button" title=t("board-rename-title")
                        on:click=move |_| { draft_title.set(title()); renaming.set(true); }>{title}</button>
                </h1>
            }
            .into_any()
        } else {
            view! { <h1 class="board-title">{title}</h1> }.into_any()
        }
    }
}

/// Whether edits reach the server, or stay on this device for now.
#[component]
fn StatusBadge(
    /// Connection state.
    #[prop(into)]
    status: Signal<Status>,
    /// The local copy's state.
    #[prop(into)]
    local: Signal<LocalCopy>,
) -> impl IntoView {
    let text = move || match (status.get(), local.get()) {
        (Status::Connecting, _) => t("status-connecting"),
        (Status::Live, _) => t("status-live"),
        (Status::Offline, LocalCopy::Unavailable) => t("status-offline-reconnecting"),
        (Status::Offline, _) => t("status-offline-kept"),
        (Status::Closed(why), _) => why,
    };
    let class = move || match status.get() {
        Status::Connecting => "status connecting",
        Status::Live => "status live",
        Status::Offline => "status offline",
        Status::Closed(_) => "status closed",
    };
    view! { <span class=class role="status" aria-live="polite">{text}</span> }
}
