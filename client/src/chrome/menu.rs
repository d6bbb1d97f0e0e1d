//! The board's menu (the "⋯" button): the outline and the keyboard shortcuts,
//! exports for everyone who reads the board, and deleting the board for
//! facilitators, after a confirmation that names what is erased.

use crate::commands::Commands;
use crate::comments::Review;
use crate::i18n::{t, t_with};
use crate::keymap::{titled, Command};
use crate::state::Panel;
use leptos::prelude::*;
use tafel_shared::i18n::{text_with, Arg, Lang};

/// The question a facilitator answers before a board is deleted.
pub fn delete_question(
    title: &str,
    elements: usize,
    threads: usize,
    versions: Option<usize>,
) -> String {
    delete_question_in(crate::i18n::lang(), title, elements, threads, versions)
}

/// [`delete_question`] in `lang`.
pub fn delete_question_in(
    lang: Lang,
    title: &str,
    elements: usize,
    threads: usize,
    versions: Option<usize>,
) -> String {
    let mut args: Vec<(&str, Arg)> = vec![
        ("title", title.into()),
        ("elements", elements.into()),
        ("threads", threads.into()),
    ];
    match versions {
        Some(n) => {
            args.push(("versions", n.into()));
            text_with(lang, "menu-delete-question", &args)
        }
        None => text_with(lang, "menu-delete-question-no-versions", &args),
    }
}

/// The exports the menu offers, by format.
const EXPORTS: [&str; 6] = ["png", "svg", "pdf", "md", "csv", "json"];

/// An export's label in the menu.
fn export_label(format: &str) -> String {
    match format {
        "png" => t("menu-export-png"),
        "svg" => t("menu-export-svg"),
        "pdf" => t("menu-export-pdf"),
        "md" => t("menu-export-md"),
        "csv" => t("menu-export-csv"),
        _ => t("menu-export-json"),
    }
}

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
            <button class="tool" data-testid="board-menu" aria-haspopup="menu" aria-label=t("menu-button") title=t("menu-button")
                aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>"⋯"</button>
            <Show when=move || open.get()>
                <div class="board-menu" role="menu">
                    <button role="menuitem" data-action="outline" title=titled(&t("menu-outline"), Command::Outline)
                        on:click=move |_| { open.set(false); cmd.toggle_panel(Panel::Outline); }>
                        {crate::icons::outline()} " " {t("menu-outline")}
                    </button>
                    <button role="menuitem" data-action="help" title=titled(&t("menu-keyboard-shortcuts"), Command::Help)
                        on:click=move |_| { open.set(false); cmd.toggle_panel(Panel::Help); }>"? " {t("menu-keyboard-shortcuts")}</button>
                    <hr/>
                    <p class="menu-heading">{move || {
                        let n = cmd.state.selection.ids.with(Vec::len);
                        if n == 0 { t("menu-export-board") } else { t_with("menu-export-selection", &[("count", n.into())]) }
                    }}</p>
                    {EXPORTS.into_iter().map(|format| view! {
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
                        }>{export_label(format)}</button>
                    }).collect_view()}
                    <hr/>
                    <p class="menu-heading">{t("lang-switch-label")}</p>
                    <crate::home::LangSwitch/>
                    <Show when=facilitator>
                        <hr/>
                        <button role="menuitem" data-action="save-template"
                            on:click=move |_| { open.set(false); cmd.toggle_panel(Panel::SaveTemplate); }>{t("menu-save-template")}</button>
                        <button role="menuitem" class="danger" data-testid="board-delete" on:click=delete>{t("menu-delete-board")}</button>
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
        let q = delete_question_in(Lang::En, "Retro Q3", 42, 1, Some(3));
        assert!(q.contains("“Retro Q3”"));
        assert!(q.contains("42 elements, 1 comment thread, 3 saved versions"));
        assert!(delete_question_in(Lang::En, "x", 1, 0, None)
            .contains("1 element, 0 comment threads, its history"));
    }
}
