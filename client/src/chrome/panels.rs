//! The side panels: keyboard shortcuts, sharing, the outline, and voting (in
//! [`super::voting`]), each in the same [`PanelShell`](super::shell::PanelShell).

use super::shell::PanelShell;
use crate::commands::Commands;
use crate::i18n::{t, t_with, Arg};
use crate::keymap::KEYMAP;
use crate::prefs;
use crate::room::role_name;
use crate::state::Panel;
use leptos::prelude::*;
use tafel_shared::roles::Role;

/// The open panel, if any.
#[component]
pub fn Panels(
    /// What the panels do (and which one is open).
    cmd: Commands,
    /// The board's comments.
    review: crate::comments::Review,
) -> impl IntoView {
    let panel = cmd.state.ui.panel;
    move || match panel.get() {
        Panel::None => ().into_any(),
        Panel::Help => view! { <Help panel role=cmd.session().role/> }.into_any(),
        Panel::Share => view! { <Share cmd/> }.into_any(),
        Panel::Outline => view! { <Outline cmd/> }.into_any(),
        Panel::Voting => view! { <super::voting::VotingPanel cmd/> }.into_any(),
        Panel::Results => view! { <super::voting::ResultsPanel cmd/> }.into_any(),
        Panel::Comments => view! { <super::CommentsPanel review/> }.into_any(),
        Panel::History => view! { <super::HistoryPanel cmd/> }.into_any(),
        Panel::SaveTemplate => view! { <super::SaveTemplatePanel cmd/> }.into_any(),
    }
}

#[component]
fn Help(panel: RwSignal<Panel>, role: RwSignal<Option<Role>>) -> impl IntoView {
    // Only the keys this person can use: a viewer is not shown how to delete.
    let usable = move || {
        role.get()
            .map(|r| KEYMAP.iter().filter(|s| s.usable_by(r)).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    view! {
        <PanelShell class="help" title=t("panel-help-title") panel>
            <dl>
                {move || usable().into_iter().map(|s| view! {
                    // One box per key, so alternatives read as alternatives.
                    <dt>{s.keys.iter().map(|k| view! { <kbd>{k.label()}</kbd> }).collect_view()}</dt>
                    <dd>{s.description()}</dd>
                }).collect_view()}
            </dl>
        </PanelShell>
    }
}

#[component]
fn Share(cmd: Commands) -> impl IntoView {
    let (id, token) = {
        let s = cmd.session();
        (s.id.clone(), s.token.clone())
    };
    let known = RwSignal::new(prefs::links(&id));
    let busy = RwSignal::new(None::<Role>);
    // The server's current links (any facilitator, any device), remembered here too.
    {
        let (id, token) = (id.clone(), token.clone());
        leptos::task::spawn_local(async move {
            if let Ok(current) = crate::api::board_links(&id, &token).await {
                for (role, link) in &current.links {
                    prefs::set_link(&id, *role, link);
                }
                known.set(prefs::links(&id));
            }
        });
    }
    let board = StoredValue::new((id, token));
    let rotate = move |role: Role| {
        let known_now = known.with_untracked(|k| k.contains_key(&role));
        let args: [(&str, Arg); 1] = [("role", role_name(role).into())];
        let question = t_with("share-replace-question", &args);
        if known_now
            && !web_sys::window()
                .and_then(|w| w.confirm_with_message(&question).ok())
                .unwrap_or(false)
        {
            return;
        }
        busy.set(Some(role));
        let (id, token) = board.get_value();
        leptos::task::spawn_local(async move {
            match crate::api::rotate_link(&id, &token, role).await {
                Ok(r) => {
                    prefs::set_link(&id, role, &r.link);
                    known.set(prefs::links(&id));
                    let args: [(&str, Arg); 1] = [("role", role_name(role).into())];
                    cmd.notify(&t_with("share-new-link-notice", &args));
                    if role == Role::Facilitator {
                        // This page's own link was just replaced.
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().set_hash(&format!("token={}", r.token));
                            let _ = w.location().reload();
                        }
                    }
                }
                Err(e) => cmd.notify(&crate::api::describe(&e)),
            }
            busy.set(None);
        });
    };
    let rows = move || {
        [Role::Editor, Role::Commenter, Role::Viewer, Role::Facilitator]
            .into_iter()
            .map(|role| {
                let link = move || known.with(|k| k.get(&role).map(|l| prefs::absolute_link(l)));
                let copy = move |_| {
                    if let Some(l) = link() {
                        crate::clipboard::write_text(&l);
                        cmd.notify(&t("share-link-copied"));
                    }
                };
                let what = match role {
                    Role::Facilitator => t("share-role-facilitator-what"),
                    Role::Editor => t("share-role-editor-what"),
                    Role::Commenter => t("share-role-commenter-what"),
                    Role::Viewer => t("share-role-viewer-what"),
                };
                view! {
                    <li class="share-row" data-role=role.as_str()>
                        <h3>{capitalised(&role_name(role))}</h3>
                        <p class="muted">{what}</p>
                        {move || match link() {
                            Some(l) => view! {
                                <div class="link-row">
                                    <input readonly class="link" aria-label=t_with("share-link-label", &[("role", role_name(role).into())]) prop:value=l.clone()/>
                                    <button data-action="copy" on:click=copy>{t("share-copy")}</button>
                                    <button data-action="rotate" class="danger" title=t("share-rotate-title")
                                        disabled=move || busy.get().is_some() on:click=move |_| rotate(role)>{t("share-rotate")}</button>
                                </div>
                            }.into_any(),
                            None => view! {
                                <div class="link-row">
                                    <span class="muted">{t("share-no-link")}</span>
                                    <button data-action="rotate" disabled=move || busy.get().is_some()
                                        on:click=move |_| rotate(role)>{t("share-create-link")}</button>
                                </div>
                            }.into_any(),
                        }}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <PanelShell class="share-dialog" title=t("share-title") panel=cmd.state.ui.panel>
            <p class="muted">{t("share-intro")}</p>
            <ul class="share-list">{rows}</ul>
        </PanelShell>
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[component]
fn Outline(cmd: Commands) -> impl IntoView {
    let groups = move || {
        let model = &cmd.session().model;
        model.layout.track();
        model.order.track();
        model.history.track();
        tafel_shared::element::reading_order(&model.all())
    };
    let go = move |id: String| {
        cmd.select(vec![id]);
        cmd.zoom_to_selection();
    };
    view! {
        <PanelShell class="outline" title=t("panel-outline-title") panel=cmd.state.ui.panel>
            {move || {
                let groups = groups();
                if groups.is_empty() {
                    return view! { <p class="muted">{t("panel-outline-empty")}</p> }.into_any();
                }
                view! {
                    <ol class="outline-list">
                        {groups.into_iter().map(|(frame, kids)| {
                            let heading = match &frame {
                                Some(f) => {
                                    let id = f.base.id.clone();
                                    view! { <button class="outline-frame" on:click=move |_| go(id.clone())>{f.label()}</button> }.into_any()
                                }
                                None => view! { <span class="outline-frame muted">{t("panel-outline-outside-frames")}</span> }.into_any(),
                            };
                            view! {
                                <li>
                                    {heading}
                                    <ol>
                                        {kids.into_iter().map(|e| {
                                            let id = e.base.id.clone();
                                            view! { <li><button class="outline-item" on:click=move |_| go(id.clone())>{e.label()}</button></li> }
                                        }).collect_view()}
                                    </ol>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </PanelShell>
    }
}
