//! The home page: start a board from a template.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tafel_shared::roles::Role;
use tafel_shared::templates::Template;

/// Name, tagline, and one button per template.
#[component]
pub fn Home() -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let create = move |t: Template| {
        spawn_local(async move {
            match crate::api::create_board(t.name(), t.id()).await {
                Ok(created) => {
                    if let (Some(link), Some(window)) =
                        (created.links.get(&Role::Facilitator), web_sys::window())
                    {
                        // The link is absolute; keep only path and fragment so the
                        // app stays on the origin it was loaded from.
                        let local = link.find("/b/").map(|at| &link[at..]).unwrap_or(link);
                        let _ = window.location().assign(local);
                    }
                }
                Err(e) => error.set(Some(crate::api::describe(&e))),
            }
        });
    };
    view! {
        <header class="masthead">
            <h1 class="brand">"Tafel"</h1>
            <p class="tagline">{crate::TAGLINE}</p>
        </header>
        <main class="content">
            <section class="templates" aria-labelledby="templates-heading">
                <h2 id="templates-heading">"Start a board from a template"</h2>
                <ul class="template-list">
                    {Template::ALL
                        .into_iter()
                        .map(|t| {
                            view! {
                                <li>
                                    <button class="template" data-template=t.id() on:click=move |_| create(t)>
                                        {t.name()}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </section>
        </main>
    }
}
