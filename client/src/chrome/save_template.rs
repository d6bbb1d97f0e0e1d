//! Saving the board, or the selected frame with what it holds, as one of this
//! server's templates (facilitators): a name, a description, and what to
//! save. The token that manages the template stays in this browser.

use super::shell::PanelShell;
use crate::commands::Commands;
use crate::i18n::t;
use leptos::prelude::*;
use tafel_shared::api::{SaveTemplate, MAX_TEMPLATE_DESCRIPTION_CHARS, MAX_TEMPLATE_NAME_CHARS};

/// The save-as-template form.
#[component]
pub fn SaveTemplatePanel(
    /// The board's commands (session, selection, notices).
    cmd: Commands,
) -> impl IntoView {
    let panel = cmd.state.ui.panel;
    let s = cmd.session();
    // The frame picked on the board, if exactly one is selected.
    let frame = cmd
        .state
        .selection
        .ids
        .with_untracked(|ids| match ids.as_slice() {
            [id] => s.model.get(id).filter(|e| e.is_frame()),
            _ => None,
        });
    let frame_title = frame.as_ref().map(|f| match &f.props {
        tafel_shared::element::Props::Frame(p) => p.title.clone(),
        _ => String::new(),
    });
    let frame_id = frame.map(|f| f.base.id);
    let name = RwSignal::new(
        frame_title
            .clone()
            .or_else(|| s.info.get_untracked().map(|i| i.title))
            .unwrap_or_default(),
    );
    let description = RwSignal::new(String::new());
    let only_frame = RwSignal::new(frame_id.is_some());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let req = SaveTemplate {
            name: name.get_untracked().trim().to_owned(),
            description: description.get_untracked().trim().to_owned(),
            frame: frame_id.clone().filter(|_| only_frame.get_untracked()),
        };
        if req.name.is_empty() {
            error.set(Some(t("template-save-name-missing")));
            return;
        }
        busy.set(true);
        let (id, token) = (cmd.session().id.clone(), cmd.session().token.clone());
        leptos::task::spawn_local(async move {
            match crate::api::save_template(&id, &token, &req).await {
                Ok(saved) => {
                    crate::prefs::set_template_token(&saved.template.id, &saved.manage_token);
                    panel.set(crate::state::Panel::None);
                    cmd.notify(&t("template-saved"));
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(crate::api::describe(&e)));
                }
            }
        });
    };
    view! {
        <PanelShell class="save-template" title=t("template-save-title") panel>
            <form class="save-template-form" on:submit=save>
                <p class="muted">{t("template-save-intro")}</p>
                <label>
                    <span>{t("template-save-name")}</span>
                    <input data-testid="template-name" maxlength=MAX_TEMPLATE_NAME_CHARS.to_string()
                        prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/>
                </label>
                <label>
                    <span>{t("template-save-description")}</span>
                    <textarea data-testid="template-description" rows="3" maxlength=MAX_TEMPLATE_DESCRIPTION_CHARS.to_string()
                        prop:value=move || description.get() on:input=move |e| description.set(event_target_value(&e))></textarea>
                </label>
                {frame_title.map(|title| view! {
                    <label class="check">
                        <input type="checkbox" data-testid="template-only-frame" prop:checked=move || only_frame.get()
                            on:change=move |e| only_frame.set(event_target_checked(&e))/>
                        <span>{crate::i18n::t_with("template-save-only-frame", &[("frame", title.into())])}</span>
                    </label>
                })}
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <button type="submit" class="button primary" data-testid="template-save" disabled=move || busy.get()>
                    {t("template-save-button")}
                </button>
            </form>
        </PanelShell>
    }
}
