//! The Tafel browser client: a Leptos client-side-rendered app compiled to WASM.
//!
//! Built by `cargo xtask build-client`, which runs `wasm-bindgen` and writes the
//! result (plus `index.html`, `boot.js` and `style.css`) to `client/dist/`.
//! `boot.js` imports the generated `tafel-client.js` and calls its `init()`,
//! which instantiates the module and runs [`start`].

use leptos::prelude::*;
use tafel_shared::templates::Template;
use wasm_bindgen::prelude::wasm_bindgen;

/// The one-line description shown under the name.
pub const TAGLINE: &str = "Real-time whiteboards for remote workshops, on your own server";

/// WASM entry point: installs the panic hook and mounts [`App`] into `<body>`.
///
/// Runs automatically when the generated JS glue's `init()` has instantiated the module.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// The application shell: name, tagline and the templates a board can start from.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="masthead">
            <h1 class="brand">"Tafel"</h1>
            <p class="tagline">{TAGLINE}</p>
        </header>
        <main class="content">
            <section class="templates" aria-labelledby="templates-heading">
                <h2 id="templates-heading">"Start a board from a template"</h2>
                <TemplateList/>
            </section>
        </main>
    }
}

/// The list of workshop templates, in picker order.
#[component]
pub fn TemplateList() -> impl IntoView {
    view! {
        <ul class="template-list">
            {Template::ALL
                .into_iter()
                .map(|t| {
                    view! {
                        <li class="template" data-template=t.id()>
                            {t.name()}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
