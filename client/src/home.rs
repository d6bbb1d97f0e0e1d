//! The start page: who you are (name and colour, kept in this browser), the
//! boards you opened recently, opening a share link, and new boards from
//! templates.

use crate::i18n::{t, t_with, Arg, Lang};
use crate::prefs::{self, Recent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use tafel_shared::presence::{initials, User, USER_COLORS};
use tafel_shared::roles::Role;
use tafel_shared::templates::Template;

fn go(local_link: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(local_link);
    }
}

/// Name, tagline, profile, recent boards, open-a-link, and templates.
#[component]
pub fn Home() -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Set when this server lets only its operator create boards: what to
    // create once the token is typed.
    let needs_operator = RwSignal::new(None::<(String, String)>);
    let start = move |title: String, template: String| {
        busy.set(true);
        spawn_local(async move {
            match crate::api::create_board(&title, &template).await {
                Ok(created) => enter_new_board(&created),
                Err(e) if crate::api::is_unauthorized(&e) => {
                    busy.set(false);
                    if crate::prefs::operator_token().is_some() {
                        error.set(Some(t("home-operator-wrong")));
                    }
                    needs_operator.set(Some((title, template)));
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(crate::api::describe(&e)));
                }
            }
        });
    };
    let create = move |template: Template| {
        let title = if template == Template::Blank {
            t("home-untitled-board")
        } else {
            template.name(crate::i18n::lang())
        };
        start(title, template.id().to_owned());
    };
    let create_saved = move |template: tafel_shared::api::SavedTemplate| {
        let id = format!(
            "{}{}",
            tafel_shared::api::SAVED_TEMPLATE_PREFIX,
            template.id
        );
        start(template.name, id);
    };
    let operator_field = NodeRef::<leptos::html::Input>::new();
    let give_operator_token = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let token = operator_field
            .get_untracked()
            .map(|i| i.value())
            .unwrap_or_default();
        if token.trim().is_empty() {
            return;
        }
        crate::prefs::set_operator_token(&token);
        error.set(None);
        if let Some((title, template)) = needs_operator.get_untracked() {
            needs_operator.set(None);
            start(title, template);
        }
    };
    let link_text = RwSignal::new(String::new());
    let link_error = RwSignal::new(None::<String>);
    let open_link = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let text = link_text.get_untracked();
        let local = prefs::local_link(text.trim());
        let (path, fragment) = local.split_once('#').unwrap_or((local.as_str(), ""));
        match tafel_shared::ids::parse_board_link(path, fragment) {
            Some((_, token)) if !token.is_empty() => go(&local),
            _ => link_error.set(Some(t("home-link-invalid"))),
        }
    };
    let recent = RwSignal::new(prefs::recent());
    view! {
        <header class="masthead">
            <h1 class="brand">"Tafel"</h1>
            <p class="tagline">{t("home-tagline")}</p>
            <LangSwitch/>
        </header>
        <main class="content">
            <Profile/>
            <section class="open-link" aria-labelledby="open-heading">
                <h2 id="open-heading">{t("home-open-heading")}</h2>
                <form on:submit=open_link>
                    <input class="link-input" type="text" placeholder=t("home-link-placeholder") aria-label=t("home-link-label")
                        prop:value=move || link_text.get()
                        on:input=move |e| { link_text.set(event_target_value(&e)); link_error.set(None); }/>
                    <button type="submit" class="button">{t("home-open-button")}</button>
                </form>
                {move || link_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </section>
            <Show when=move || recent.with(|r| !r.is_empty())>
                <section class="recent" aria-labelledby="recent-heading">
                    <h2 id="recent-heading">{t("home-recent-heading")}</h2>
                    <ul class="recent-list">
                        {move || recent.get().into_iter().map(|r: Recent| {
                            let id = r.id.clone();
                            view! {
                                <li class="recent-item">
                                    <a href=r.link.clone() class="recent-link" data-testid="recent-board">
                                        <span class="recent-title">{if r.title.is_empty() { t("home-untitled-board") } else { r.title.clone() }}</span>
                                        <span class="muted">{t_with("home-recent-role", &[("role", crate::room::role_name(r.role).into())])}</span>
                                        <LastChange link=r.link.clone()/>
                                    </a>
                                    <button class="forget" title=t("home-recent-forget-title") aria-label=t_with("home-recent-forget-label", &[("title", r.title.clone().into())])
                                        on:click=move |_| { prefs::forget(&id); recent.set(prefs::recent()); }>"×"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
            <section class="templates" aria-labelledby="templates-heading">
                <h2 id="templates-heading">{t("home-templates-heading")}</h2>
                <ul class="template-list">
                    {Template::ALL
                        .into_iter()
                        .map(|t| {
                            view! {
                                <li>
                                    <button class="template" data-template=t.id() disabled=move || busy.get() on:click=move |_| create(t)>
                                        {t.name(crate::i18n::lang())}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <SavedTemplates busy create=create_saved error/>
                <Show when=move || needs_operator.with(Option::is_some)>
                    <form class="operator-form" on:submit=give_operator_token>
                        <p>{t("home-operator-needed")}</p>
                        <input type="password" data-testid="operator-token" node_ref=operator_field
                            autocomplete="off" aria-label=t("home-operator-label") placeholder=t("home-operator-label")/>
                        <button type="submit" class="button primary">{t("home-operator-create")}</button>
                    </form>
                </Show>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <label class="import">
                    {t("home-import-label")} " "
                    <input type="file" accept=".json,application/json" data-testid="import-file"
                        disabled=move || busy.get()
                        on:change=move |e| {
                            let input: web_sys::HtmlInputElement = event_target(&e);
                            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                                busy.set(true);
                                leptos::task::spawn_local(async move {
                                    let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                                    let result = match text.ok().and_then(|t| t.as_string()) {
                                        Some(t) => crate::api::import_board(&t).await,
                                        None => Err(wasm_bindgen::JsValue::from_str(&t("home-import-unreadable"))),
                                    };
                                    match result {
                                        Ok(created) => enter_new_board(&created),
                                        Err(e) => {
                                            busy.set(false);
                                            error.set(Some(crate::api::describe(&e)));
                                        }
                                    }
                                });
                            }
                        }/>
                </label>
            </section>
        </main>
    }
}

/// The templates saved on this server, each starting a board; the ones saved
/// from this browser can be renamed and deleted here.
#[component]
fn SavedTemplates(
    busy: RwSignal<bool>,
    create: impl Fn(tafel_shared::api::SavedTemplate) + Copy + Send + Sync + 'static,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let saved = RwSignal::new(Vec::<tafel_shared::api::SavedTemplate>::new());
    let reload = move || {
        spawn_local(async move {
            if let Ok(list) = crate::api::saved_templates().await {
                saved.set(list);
            }
        });
    };
    reload();
    let ask = |question: String| {
        web_sys::window().and_then(|w| w.confirm_with_message(&question).ok()) == Some(true)
    };
    let remove = move |id: String, name: String, token: String| {
        let question = t_with(
            "home-saved-template-delete-question",
            &[("name", name.into())],
        );
        if !ask(question) {
            return;
        }
        spawn_local(async move {
            match crate::api::delete_template(&id, &token).await {
                Ok(()) => {
                    prefs::forget_template(&id);
                    reload();
                }
                Err(e) => error.set(Some(crate::api::describe(&e))),
            }
        });
    };
    let rename = move |id: String, name: String, token: String| {
        let Some(new_name) = web_sys::window()
            .and_then(|w| {
                w.prompt_with_message_and_default(&t("home-saved-template-rename-question"), &name)
                    .ok()
            })
            .flatten()
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty() && *n != name)
        else {
            return;
        };
        spawn_local(async move {
            match crate::api::rename_template(&id, &token, &new_name).await {
                Ok(_) => reload(),
                Err(e) => error.set(Some(crate::api::describe(&e))),
            }
        });
    };
    view! {
        <Show when=move || saved.with(|s| !s.is_empty())>
            <h3 class="saved-heading">{t("home-saved-templates-heading")}</h3>
            <ul class="template-list saved-templates">
                {move || {
                    let tokens = prefs::template_tokens();
                    saved.get().into_iter().map(|tpl| {
                        let token = tokens.get(&tpl.id).cloned();
                        let (id, name) = (tpl.id.clone(), tpl.name.clone());
                        let shown = tpl.clone();
                        view! {
                            <li class="saved-template">
                                <button class="template" data-saved-template=tpl.id.clone() disabled=move || busy.get()
                                    on:click=move |_| create(shown.clone())>
                                    <span class="template-name">{tpl.name.clone()}</span>
                                    {(!tpl.description.is_empty()).then(|| view! { <span class="template-description">{tpl.description.clone()}</span> })}
                                </button>
                                {token.map(|token| {
                                    let (id2, name2, token2) = (id.clone(), name.clone(), token.clone());
                                    view! {
                                        <span class="template-manage">
                                            <button class="link-button" data-action="rename-template" title=t("home-saved-template-rename")
                                                on:click=move |_| rename(id2.clone(), name2.clone(), token2.clone())>{t("home-saved-template-rename")}</button>
                                            <button class="link-button danger" data-action="delete-template" title=t("home-saved-template-delete")
                                                on:click=move |_| remove(id.clone(), name.clone(), token.clone())>{t("home-saved-template-delete")}</button>
                                        </span>
                                    }
                                })}
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
        </Show>
    }
}

/// The interface's languages by their own names, the current one pressed;
/// choosing another reloads the page in it.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let current = crate::i18n::lang();
    view! {
        <nav class="lang-switch" aria-label=t("lang-switch-label")>
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    let pressed = lang == current;
                    view! {
                        <button type="button" data-lang=lang.tag() lang=lang.tag() class:current=pressed
                            aria-pressed=pressed.to_string()
                            on:click=move |_| crate::i18n::switch_to(lang)>
                            {lang.name()}
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// Your display name and colour: asked on the first visit, changeable later.
#[component]
pub fn Profile(
    /// Called with the saved name and colour.
    #[prop(optional)]
    on_saved: Option<Callback<User>>,
    /// Offered as "Not now" (on a board, where a name is optional).
    #[prop(optional)]
    on_skip: Option<Callback<()>>,
) -> impl IntoView {
    let name_field = NodeRef::<leptos::html::Input>::new();
    let missing = RwSignal::new(false);
    // Typing should go into the name, not become board shortcuts.
    Effect::new(move |_| {
        if let Some(input) = name_field.get() {
            let _ = input.focus();
        }
    });
    let saved = RwSignal::new(prefs::profile());
    let draft = RwSignal::new(
        saved
            .get_untracked()
            .unwrap_or_else(prefs::profile_or_guest),
    );
    if saved.get_untracked().is_none() {
        draft.update(|d| d.name.clear());
    }
    let editing = RwSignal::new(saved.get_untracked().is_none());
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let mut user: User = draft.get_untracked();
        user.name = user.name.trim().chars().take(40).collect();
        if user.name.is_empty() {
            missing.set(true);
            return;
        }
        prefs::set_profile(&user);
        if let Some(cb) = on_saved {
            cb.run(user.clone());
        }
        saved.set(Some(user));
        editing.set(false);
    };
    view! {
        <section class="profile" aria-labelledby="profile-heading">
            {move || if editing.get() {
                view! {
                    <form class="profile-form" on:submit=save>
                        <h2 id="profile-heading">{t("profile-heading")}</h2>
                        <label>
                            <span>{t("profile-name-label")}</span>
                            <input class="name-input" node_ref=name_field maxlength="40" placeholder=t("profile-name-placeholder")
                                prop:value=move || draft.with(|d| d.name.clone())
                                on:input=move |e| { missing.set(false); draft.update(|d| d.name = event_target_value(&e)) }
                                on:keydown=move |e: web_sys::KeyboardEvent| if e.key() == "Escape" {
                                    if let Some(cb) = on_skip { cb.run(()) }
                                }/>
                        </label>
                        {move || missing.get().then(|| view! { <p class="error" role="alert">{t("profile-name-missing")}</p> })}
                        <fieldset class="colors">
                            <legend>{t("profile-colour-legend")}</legend>
                            {USER_COLORS.into_iter().map(|c| view! {
                                <button type="button" class="swatch" class:active=move || draft.with(|d| d.color == c)
                                    aria-label=t_with("profile-colour-label", &[("colour", c.into())]) style:background=c
                                    on:click=move |_| draft.update(|d| d.color = c.to_owned())></button>
                            }).collect_view()}
                        </fieldset>
                        <div class="form-actions">
                            <button type="submit" class="button primary">{t("profile-save")}</button>
                            {on_skip.map(|cb| view! {
                                <button type="button" class="button" data-testid="profile-skip" on:click=move |_| cb.run(())>{t("profile-skip")}</button>
                            })}
                        </div>
                    </form>
                }.into_any()
            } else {
                let user = saved.get().unwrap_or_default();
                view! {
                    <div class="profile-card">
                        <span class="avatar" style:background=user.color.clone()>{initials(&user.name)}</span>
                        <span id="profile-heading">{t("profile-appear-as")} " " <strong>{user.name.clone()}</strong></span>
                        <button class="link-button" on:click=move |_| editing.set(true)>{t("profile-change")}</button>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// When a recent board last changed and by whom, asked of the server with the
/// link this browser has (nothing shown if the server cannot say).
#[component]
fn LastChange(link: String) -> impl IntoView {
    let line = RwSignal::new(None::<String>);
    let (path, fragment) = link.split_once('#').unwrap_or((link.as_str(), ""));
    if let Some((id, token)) = tafel_shared::ids::parse_board_link(path, fragment) {
        leptos::task::spawn_local(async move {
            match crate::api::board_info(&id, &token).await {
                Ok(info) => {
                    let time = crate::review_state::local_time(info.updated_ms);
                    line.set(Some(match info.updated_by {
                        Some(name) => {
                            let args: [(&str, Arg); 2] =
                                [("time", time.into()), ("name", name.into())];
                            t_with("home-recent-changed-by", &args)
                        }
                        None => t_with("home-recent-changed", &[("time", time.into())]),
                    }));
                }
                Err(e) if !crate::api::is_network_error(&e) => {
                    line.set(Some(crate::api::describe(&e)));
                }
                Err(_) => {}
            }
        });
    }
    move || {
        line.get().map(
            |l| view! { <span class="muted last-change" data-testid="recent-change">{l}</span> },
        )
    }
}

/// Remembers a new board's links (its creator is its facilitator) and opens it.
pub fn enter_new_board(created: &tafel_shared::api::BoardCreated) {
    for (role, link) in &created.links {
        prefs::set_link(&created.id, *role, link);
    }
    if let Some(link) = created.links.get(&Role::Facilitator) {
        go(&prefs::local_link(link));
    }
}
