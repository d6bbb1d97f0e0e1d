//! Who is on the board: you first, then the others, as initials.

use leptos::prelude::*;
use std::collections::BTreeMap;
use tafel_shared::presence::{initials, Presence, User};

/// The avatars in the toolbar.
#[component]
pub fn PresenceStrip(
    /// Others on the board, by replica client id.
    #[prop(into)]
    peers: Signal<BTreeMap<u64, Presence>>,
    /// You.
    #[prop(into)]
    me: Signal<User>,
) -> impl IntoView {
    view! {
        <ul class="presence" aria-label="People on this board">
            {move || {
                let m = me.get();
                view! {
                    <li class="avatar me" style:background=m.color.clone() title=format!("{} (you)", m.name)>
                        {initials(&m.name)}
                    </li>
                }
            }}
            {move || peers.get()
                .into_values()
                .map(|p| {
                    let role = p.role.map(|r| r.to_string()).unwrap_or_default();
                    view! {
                        <li class="avatar" style:background=p.user.color.clone() title=format!("{} · {role}", p.user.name)
                            data-name=p.user.name.clone()>
                            {initials(&p.user.name)}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
