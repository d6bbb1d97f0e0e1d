//! The interface's language in this browser: chosen once per page load (the
//! choice kept in `localStorage`, else the browser's preferred languages), and
//! every text looked up in [`tafel_shared::i18n`]'s catalogues.
//!
//! Switching reloads the page, as Miro does: every text is then simply the
//! chosen language's, with no view having to watch a language signal, and a
//! board reopens from its local copy at once.

use std::cell::Cell;
pub use tafel_shared::i18n::{Arg, Lang};

const KEY: &str = "tafel.lang";

thread_local! {
    static LANG: Cell<Option<Lang>> = const { Cell::new(None) };
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The language of this page (English in host-side unit tests, which have no
/// browser to ask).
pub fn lang() -> Lang {
    if !cfg!(target_arch = "wasm32") {
        return Lang::En;
    }
    if let Some(l) = LANG.with(Cell::get) {
        return l;
    }
    let chosen = storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|tag| Lang::from_tag(&tag));
    let l = chosen.unwrap_or_else(|| {
        let tags: Vec<String> = web_sys::window()
            .map(|w| {
                w.navigator()
                    .languages()
                    .iter()
                    .filter_map(|t| t.as_string())
                    .collect()
            })
            .unwrap_or_default();
        Lang::preferred(tags.iter().map(String::as_str))
    });
    LANG.with(|c| c.set(Some(l)));
    // Screen readers, hyphenation and spell checking follow the document's language.
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", l.tag());
    }
    l
}

/// Keeps `l` as this browser's language and reloads the page in it.
pub fn switch_to(l: Lang) {
    if l == lang() {
        return;
    }
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, l.tag());
    }
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// The text of `key` in this page's language.
pub fn t(key: &str) -> String {
    tafel_shared::i18n::text(lang(), key)
}

/// [`t`] with arguments.
pub fn t_with(key: &str, args: &[(&str, Arg)]) -> String {
    tafel_shared::i18n::text_with(lang(), key, args)
}
