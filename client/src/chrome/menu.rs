//! The board's menu (the "⋯" button): the outline and the keyboard shortcuts,
//! exports for everyone who reads the board, and deleting the board for
//! facilitators, after a confirmation that names what is erased.

use crate::commands::Commands;
use crate::comments::Review;
use crate::keymap::{titled, Command};
use crate::state::Panel;
use leptos::prelude::*;

/// The question a facilitator answers before a board is deleted.
pub fn delete_question(
    title: &str,
    elements: usize,
    threads: usize,
    versions: Option<usize>,
) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let history = match versions {
        Some(n) => plural(n, "saved version", "saved versions"),
        None => "its history".to_owned(),
    };
    format!(
        "Delete “{title}” for everyone? This erases {}, {}, {history}, votes, private notes and every share link. It cannot be undone.",
        plural(elements, "element", "elements"),
        plural(threads, "comment thread", "comment threads"),
    )
}

/// The exports the menu offers: format, label.
const EXPORTS: [(&str, &str); 6] = [
    ("png", "Picture (PNG)"),
    ("svg", "Picture (SVG)"),
    ("pdf", "PDF, a page per frame"),
    ("md", "Markdown for Confluence"),
    ("csv", "CSV for Jira"),
    ("json", "Tafel file (to import)"),
];

/// What an export covers: the selected frames, or the selected elements, or
/// (nothing selected) the whole board with every frame as a PDF page. As a
/// query string.
fn scope(cmd: Commands, format: &str) -> String {
    let s = cmd.session();
    let selected: Vec<tafel_shared::element::Element> = cmd
        .state
        .selection
        .ids
        .get_untracked()
        .iter()
        .filter_map(|id| s.model.get(id))
        .collect();
    let frames: Vec<&str> = selected
        .iter()
        .filter(|e| e.is_frame())
        .map(|e| e.base.id.as_str())
        .collect();
    if !frames.is_empty() && selected.len() == frames.len() {
        return format!("?frame={}", frames.join(","));
    }
    if !selected.is_empty() {
        let ids: Vec<&str> = selected.iter().map(|e| e.base.id.as_str()).collect();
        return format!("?ids={}", ids.join(","));
    }
    if format == "pdf" {
        let all: Vec<String> = s
            .model
            .all()
            .into_iter()
            .filter(|e| e.is_frame())
            .map(|e| e.base.id)
            .collect();
        if !all.is_empty() {
            return format!("?frame={}", all.join(","));
        }
    }
    String::new()
}

/// The "⋯" button and its menu.
#[component]
pub fn BoardMenu(
    /// The page's commands.
    cmd: Commands,
    /// The board's comments (counted in the delete question).
    review: Review,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let facilitator = move || cmd.session().role.get().is_some_and(|r| r.can_manage());
    let delete = move |_| {
        open.set(false);
        let s = cmd.session();
        let title = s.info.get_untracked().map(|i| i.title).unwrap_or_default();
        let elements = s.model.all().len();
        let threads = review.discussion().with_untracked(|d| d.threads.len());
        let (id, token) = (s.id.clone(), s.token.clone());
        leptos::task::spawn_local(async move {
            let versions = crate::api::versions(&id, &token)
                .await
                .ok()
                .map(|v| v.len());
            let question = delete_question(&title, elements, threads, versions);
            let sure = web_sys::window()
                .and_then(|w| w.confirm_with_message(&question).ok())
                .unwrap_or(false);
            if !sure {
                return;
            }
            match crate::api::delete_board(&id, &token).await {
                Ok(()) => {
                    crate::prefs::forget(&id);
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().assign("/");
                    }
                }
                Err(e) => cmd.notify(&crate::api::describe(&e)),
            }
        });
    };
    view! {
        <span class="menu-anchor">
            <button class="tool" data-testid="board-menu" aria-haspopup="menu" aria-label="Board menu" title="Board menu"
                aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>"⋯"</button>
            <Show when=move || open.get()>
                <div class="board-menu" role="menu">
                    <button role="menuitem" data-action="outline" title=titled("Outline", Command::Outline)
                        on:click=move |_| { open.set(false); cmd.toggle_panel(Panel::Outline); }>
                        {crate::icons::outline()} " Outline"
                    </button>
                    <button role="menuitem" data-action="help" title=titled("Keyboard shortcuts", Command::Help)
                        on:click=move |_| { open.set(false); cmd.toggle_panel(Panel::Help); }>"? Keyboard shortcuts"</button>
                    <hr/>
                    <p class="menu-heading">{move || {
                        let n = cmd.state.selection.ids.with(Vec::len);
                        if n == 0 { "Export the board".to_owned() } else { format!("Export the selection ({n})") }
                    }}</p>
                    {EXPORTS.into_iter().map(|(format, label)| view! {
                        <button role="menuitem" data-export=format on:click=move |_| {
                            open.set(false);
                            let s = cmd.session();
                            let path = format!("/api/boards/{}/export/{format}{}", s.id, scope(cmd, format));
                            let title = s.info.get_untracked().map(|i| i.title).unwrap_or_default();
                            let name = tafel_shared::api::export_file_name(&title, format);
                            let token = s.token.clone();
                            leptos::task::spawn_local(async move {
                                if let Err(e) = crate::api::download(&path, &token, &name).await {
                                    cmd.notify(&crate::api::describe(&e));
                                }
                            });
                        }>{label}</button>
                    }).collect_view()}
                    <Show when=facilitator>
                        <hr/>
                        <button role="menuitem" class="danger" data-testid="board-delete" on:click=delete>"Delete board…"</button>
                    </Show>
                </div>
            </Show>
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delete_question_names_what_goes() {
        let q = delete_question("Retro Q3", 42, 1, Some(3));
        assert!(q.contains("“Retro Q3”"));
        assert!(q.contains("42 elements, 1 comment thread, 3 saved versions"));
        assert!(
            delete_question("x", 1, 0, None).contains("1 element, 0 comment threads, its history")
        );
    }
}
