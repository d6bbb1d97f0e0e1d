//! Who is on the board: you first, then the others, as initials, with a ✋ on
//! raised hands and "→ Ben" under people who follow someone. Clicking someone
//! offers to follow their view; the people button lists everyone, and for
//! facilitators the roster of everyone who has been on the board.

use crate::i18n::{t, t_with};
use crate::room::{role_name, Room};
use leptos::prelude::*;
use std::collections::BTreeMap;
use tafel_shared::presence::{initials, Presence};

/// The name of awareness client `client`: a peer, or this page.
fn name_of(room: Room, peers: &BTreeMap<u64, Presence>, client: u64) -> Option<String> {
    if client == room.cmd.session().client_id() {
        return Some(room.cmd.session().me.with_untracked(|u| u.name.clone()));
    }
    peers.get(&client).map(|p| p.user.name.clone())
}

/// The avatars in the toolbar.
#[component]
pub fn PresenceStrip(
    /// The room controls (and through them the session's people).
    room: Room,
) -> impl IntoView {
    let session = room.cmd.session();
    let (peers, me, role) = (session.peers, session.me, session.role);
    let menu = RwSignal::new(None::<u64>);
    let people_open = RwSignal::new(false);
    let hand_up = move |name: &str| room.state.with(|r| r.hands.iter().any(|h| h.name == name));
    let others = move || {
        peers
            .get()
            .into_iter()
            .map(|(client, p)| {
                let role = p.role.map(role_name).unwrap_or_default();
                let name = p.user.name.clone();
                let following = p
                    .following
                    .and_then(|c| peers.with(|all| name_of(room, all, c)));
                let open = move || menu.get() == Some(client);
                let follow_name = name.clone();
                let (shown_name, item_name) = (name.clone(), name.clone());
                let hand = hand_up(&name);
                view! {
                    <li class="person" data-name=name.clone()>
                        <button class="avatar" style:background=p.user.color.clone()
                            title=format!("{} · {role}", p.user.name) data-name=name.clone()
                            aria-expanded=move || open().to_string()
                            on:click=move |_| menu.update(|m| *m = if *m == Some(client) { None } else { Some(client) })>
                            {initials(&p.user.name)}
                        </button>
                        {hand.then(|| view! { <span class="hand-mark" data-testid="hand-mark" title=t("people-hand-raised")>{crate::icons::raised_hand()}</span> })}
                        {following.map(|n| view! {
                    <span class="following" data-testid="presence-following" title=t_with("people-follows", &[("name", n.clone().into())])>{format!("→{}", initials(&n))}</span>
                })}
                        <Show when=open>
                            <div class="person-menu" role="menu">
                                <strong>{shown_name.clone()}</strong>
                                <button role="menuitem" data-testid="follow-person" on:click={
                                    let n = follow_name.clone();
                                    move |_| { room.follow(client, n.clone()); menu.set(None); }
                                }>{t_with("people-follow-name", &[("name", item_name.clone().into())])}</button>
                            </div>
                        </Show>
                    </li>
                }
            })
            .collect_view()
    };
    let mine = move || {
        let m = me.get();
        let following = room.follow.with(|f| f.as_ref().map(|f| f.name.clone()));
        let hand = hand_up(&m.name);
        view! {
            <li class="person me">
                <span class="avatar me" style:background=m.color.clone() title=t_with("people-me-title", &[("name", m.name.clone().into())])>
                    {initials(&m.name)}
                </span>
                {hand.then(|| view! { <span class="hand-mark" title=t("people-own-hand-raised")>{crate::icons::raised_hand()}</span> })}
                {following.map(|n| view! {
                    <span class="following" data-testid="presence-following" title=t_with("people-you-follow", &[("name", n.clone().into())])>{format!("→{}", initials(&n))}</span>
                })}
            </li>
        }
    };
    let coach = move || role.get().is_some_and(|r| r.can_facilitate());
    view! {
        <ul class="presence" aria-label=t("people-strip-label")>
            {mine}
            {others}
            <li>
                <button class="people-open" data-testid="people-open" title=t("people-button") aria-label=t("people-button")
                    aria-expanded=move || people_open.get().to_string()
                    on:click=move |_| people_open.update(|o| *o = !*o)>
                    {crate::icons::people()}
                    <span class="count">{move || peers.with(BTreeMap::len) + 1}</span>
                </button>
                <Show when=move || people_open.get()>
                    <div class="people-panel" role="dialog" aria-label=t("people-panel-label")>
                        <h3>{t("people-here-now")}</h3>
                        <ul class="people-here">
                            {move || peers.get().into_iter().map(|(client, p)| {
                                let name = p.user.name.clone();
                                let n = name.clone();
                                let follows = p.following.and_then(|c| peers.with_untracked(|all| name_of(room, all, c)));
                                view! {
                                    <li data-name=name.clone()>
                                        <span class="dot" style:background=p.user.color.clone()></span>
                                        {name.clone()}
                                        <span class="muted">{p.role.map(role_name).unwrap_or_default()}</span>
                                        {follows.map(|f| view! { <span class="muted">{format!("→ {f}")}</span> })}
                                        <button data-testid="follow-person" on:click=move |_| room.follow(client, n.clone())>{t("people-follow")}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <Show when=coach>
                            <Roster room/>
                        </Show>
                    </div>
                </Show>
            </li>
        </ul>
    }
}

/// Everyone who has been on the board, with role and whether they are here
/// (facilitators: who is who).
#[component]
fn Roster(room: Room) -> impl IntoView {
    let session = room.cmd.session();
    let (peers, me, board) = (session.peers, session.me, session.workshop.board);
    let rows = move || {
        // Presence carries names, not participant ids: here = someone here goes by that name.
        let here: Vec<String> = peers.with(|p| p.values().map(|p| p.user.name.clone()).collect());
        let my_name = me.with(|u| u.name.clone());
        board
            .get()
            .people
            .into_iter()
            .map(|person| {
                let online = here.contains(&person.name) || person.name == my_name;
                view! {
                    <li class="roster-row" class:online=online data-name=person.name.clone()
                        data-online=online.to_string()>
                        <span class="name">{person.name.clone()}</span>
                        <span class="muted role">{role_name(person.role)}</span>
                        <span class="muted">{if online { t("people-online") } else { t("people-away") }}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <h3>{t("people-roster")}</h3>
        <ul class="roster" data-testid="roster">{rows}</ul>
    }
}
