//! One board page: it makes the page [`State`], the sync [`Session`] and the
//! [`Commands`] over both, lays out the canvas and the chrome, and hands each
//! component the piece it needs.

use crate::canvas::Canvas;
use crate::chrome::{
    CameraReadout, CoachCorner, ColorPicker, FollowBar, FrozenBanner, Panels, PresentBar,
    Reactions, RoomBar, TimerBar, Toolbar, VoteBanner, ZoomControls,
};
use crate::commands::Commands;
use crate::facilitation::Facilitation;
use crate::i18n::t;
use crate::prefs;
use crate::session::Session;
use crate::state::State;
use leptos::prelude::*;
use tafel_shared::presence::User;

/// The board page.
#[component]
pub fn BoardPage(
    /// The board id.
    id: String,
    /// The share token from the link.
    token: String,
) -> impl IntoView {
    let state = State::new();
    let session = Session::new(id, token, state.selection.ids, state.ui.notice);
    let cmd = Commands::new(session.clone(), state);
    session.on_remote(move |first| cmd.after_remote(first));
    session.start();
    let facilitation = Facilitation::open(&session.id, &session.token, state.ui.notice);
    let room = crate::room::Room::new(cmd, facilitation.clone());
    let review = crate::comments::Review::open(cmd);
    // Once the server's state is in, what changed since the last visit is news.
    let status = session.status;
    // Image views find the board's pictures here.
    provide_context(cmd.pictures);
    // … and choose a picture's version by its size on screen.
    let view = state.camera.view;
    provide_context(crate::state::Zoom(Memo::new(move |_| {
        view.with(|v| v.zoom)
    })));
    let role_now = session.role;
    provide_context(crate::state::Manages(Signal::derive(move || {
        role_now.get().is_some_and(|r| r.can_manage())
    })));
    Effect::new(move |_| {
        if status.get() == crate::net::Status::Live {
            // Pictures added while offline go up now.
            cmd.pictures.upload_pending(cmd.state.ui.notice);
            if let Some((baseline, since)) = cmd.session().take_baseline() {
                crate::since::show(cmd, baseline, since);
            }
        }
    });
    // Leaving the page ends the connection and the keepalive; timers still
    // pending hold the session only weakly and find it gone.
    on_cleanup(move || cmd.leave());
    let role = session.role;

    let (me, fatal, local) = (session.me, session.fatal, session.local);
    // The browser tab (and its history) names the board, renamed or not.
    let info = session.info;
    Effect::new(move |_| {
        if let (Some(i), Some(doc)) = (info.get(), web_sys::window().and_then(|w| w.document())) {
            doc.set_title(&format!("{} · Tafel", i.title));
        }
    });
    let can_edit = move || cmd.session().can_edit();
    // The roster (and named votes) follow a changed name.
    Effect::new(move |first: Option<()>| {
        me.track();
        if first.is_some() {
            cmd.session().introduce();
        }
    });
    // Frozen (or demoted) in the middle of an edit: the edit box and drawing
    // tools go, as for a viewer.
    Effect::new(move |_| {
        if !can_edit() {
            if cmd.state.selection.editing.get_untracked().is_some() {
                cmd.stop_editing();
            }
            if cmd.state.ui.tool.get_untracked().edits() {
                cmd.state.ui.tool.set(crate::state::Tool::Select);
            }
        }
    });
    // A guest (no name or colour picked) is told apart from others on the
    // board: "Guest 2", and a colour nobody has.
    let peers = session.peers;
    Effect::new(move |_| {
        let others: Vec<(u64, User)> =
            peers.with(|p| p.iter().map(|(id, pr)| (*id, pr.user.clone())).collect());
        if prefs::profile().is_some() {
            return;
        }
        let mine = me.get_untracked();
        let id = cmd.session().client_id();
        let guest = crate::i18n::t("profile-guest-name");
        if let Some(told) = tafel_shared::presence::tell_apart(&mine, id, &others, &guest) {
            me.set(told);
            cmd.session().announce();
        }
    });
    // People arriving from a link have not been asked who they are yet.
    let needs_name = RwSignal::new(prefs::profile().is_none());
    let notice = state.ui.notice.0;
    view! {
        <div class="board" class:failed=move || fatal.with(Option::is_some) data-local=move || local.get().name()>
            <Toolbar cmd room review/>
            <div class="top-center">
                <TimerBar facilitation role/>
                <FollowBar room/>
                <PresentBar room/>
                <FrozenBanner cmd/>
                <VoteBanner cmd/>
                <crate::chrome::PrivateBanner cmd/>
                <crate::chrome::SinceBar cmd/>
            </div>
            <crate::chrome::HistoryBar cmd/>
            <CoachCorner room/>
            <Show when=move || needs_name.get() && fatal.with(Option::is_none)>
                <div class="name-prompt" role="dialog" aria-label=t("board-name-dialog-label")>
                    <crate::home::Profile
                        on_saved=Callback::new(move |user: User| {
                            needs_name.set(false);
                            me.set(user);
                            cmd.session().announce();
                        })
                        on_skip=Callback::new(move |()| needs_name.set(false))
                    />
                </div>
            </Show>
            {move || fatal.get().map(|e| view! {
                <div class="fatal" role="alert">
                    <h2>{t("board-cannot-open")}</h2>
                    <p>{e}</p>
                    <a class="button" href="/">{t("board-go-home")}</a>
                </div>
            })}
            <Canvas cmd>
                <crate::chrome::HistoryView cmd/>
                <Show when=move || cmd.state.history.viewing.with(Option::is_none)>
                    <crate::chrome::SinceMarks cmd/>
                    <crate::chrome::CommentLayer review/>
                </Show>
            </Canvas>
            <crate::chrome::ToolRail cmd review/>
            <ZoomControls view=state.camera.view cmd/>
            {move || can_edit().then(|| view! {
                <div class="stylebar" role="toolbar" aria-label=t("board-stylebar-label")>
                    <ColorPicker cmd/>
                    <crate::chrome::ArrangeBar cmd/>
                </div>
            })}
            <RoomBar room/>
            <Reactions room/>
            <CameraReadout room/>
            <Panels cmd review/>
            {move || notice.get().map(|n| view! { <div class="notice" role="status">{n}</div> })}
        </div>
    }
}
