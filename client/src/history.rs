//! The board's history in this page: the kept versions (from the server), the
//! version being looked at (drawn read-only with [`tafel_shared::draw`] over the
//! canvas), and the facilitator's actions on them: save the board as it is with
//! a name, name a version, restore one in place or as a new board.

use crate::commands::Commands;
use crate::i18n::t_with;
pub use crate::review_state::{local_time, HistoryUi};
use leptos::prelude::*;
use leptos::task::spawn_local;
use tafel_shared::api::VersionInfo;

/// A version's label: its name, or when it was kept (local time).
pub fn label(v: &VersionInfo) -> String {
    v.name.clone().unwrap_or_else(|| local_time(v.at_ms))
}

/// What changed in a version, "+3 ~1 −2".
pub fn counts(v: &VersionInfo) -> String {
    format!("+{} ~{} −{}", v.added, v.changed, v.removed)
}

fn ids(cmd: Commands) -> (String, String) {
    let s = cmd.session();
    (s.id.clone(), s.token.clone())
}

/// Fetches the list of versions.
pub fn refresh(cmd: Commands) {
    let ui = cmd.state.history;
    let (id, token) = ids(cmd);
    spawn_local(async move {
        match crate::api::versions(&id, &token).await {
            Ok(list) => ui.versions.set(list),
            Err(e) => cmd.notify(&crate::api::describe(&e)),
        }
    });
}

/// Shows the version kept at `at_ms`, read-only, instead of the live board.
pub fn look_at(cmd: Commands, at_ms: u64) {
    let ui = cmd.state.history;
    let (id, token) = ids(cmd);
    cmd.stop_editing();
    cmd.select(Vec::new());
    ui.busy.set(true);
    spawn_local(async move {
        match crate::api::version(&id, &token, at_ms).await {
            Ok(view) => {
                let picture = tafel_shared::draw::picture(&view.elements);
                ui.viewing.set(Some((view, picture)));
            }
            Err(e) => cmd.notify(&crate::api::describe(&e)),
        }
        ui.busy.set(false);
    });
}

/// Back to the live board.
pub fn leave(cmd: Commands) {
    cmd.state.history.viewing.set(None);
}

/// Keeps the board as it is now under `name` (facilitators).
pub fn save(cmd: Commands, name: String) {
    let (id, token) = ids(cmd);
    spawn_local(async move {
        match crate::api::save_version(&id, &token, &name).await {
            Ok(v) => {
                cmd.notify(&t_with("history-saved-as", &[("name", label(&v).into())]));
                refresh(cmd);
            }
            Err(e) => cmd.notify(&crate::api::describe(&e)),
        }
    });
}

/// Names the version kept at `at_ms` (facilitators); a named version is kept
/// for good.
pub fn rename(cmd: Commands, at_ms: u64, name: String) {
    let (id, token) = ids(cmd);
    spawn_local(async move {
        match crate::api::name_version(&id, &token, at_ms, &name).await {
            Ok(()) => refresh(cmd),
            Err(e) => cmd.notify(&crate::api::describe(&e)),
        }
    });
}

fn confirm(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(text).ok())
        .unwrap_or(false)
}

/// Restores the version in place, after asking (facilitators): everyone sees
/// the board go back; the state before is kept as a named version.
pub fn restore_here(cmd: Commands, at_ms: u64, name: String) {
    let question = t_with("history-restore-confirm", &[("name", name.into())]);
    if !confirm(&question) {
        return;
    }
    let ui = cmd.state.history;
    let (id, token) = ids(cmd);
    ui.busy.set(true);
    spawn_local(async move {
        match crate::api::restore_in_place(&id, &token, at_ms).await {
            Ok(r) => {
                leave(cmd);
                cmd.notify(&t_with(
                    "history-restored",
                    &[("name", label(&r.before).into())],
                ));
                refresh(cmd);
            }
            Err(e) => cmd.notify(&crate::api::describe(&e)),
        }
        ui.busy.set(false);
    });
}

/// Starts a new board from the version and opens it (facilitators).
pub fn restore_as_new(cmd: Commands, at_ms: u64) {
    let (id, token) = ids(cmd);
    spawn_local(async move {
        match crate::api::restore_as_new(&id, &token, at_ms).await {
            Ok(created) => crate::home::enter_new_board(&created),
            Err(e) => cmd.notify(&crate::api::describe(&e)),
        }
    });
}
