//! The room controls on screen: the bar with hand, reactions and agenda for
//! everyone and summon, follow-me, present mode and hidden cursors for
//! facilitators; the follow and present bars; raised hands and quiet hints in a
//! corner for facilitators; reactions floating over their senders' pointers.

use crate::hints::{hints, HintInput};
use crate::i18n::{t, t_with};
use crate::room::Room;
use leptos::ev;
use leptos::prelude::*;
use tafel_shared::presence::REACTIONS;

/// The room bar (bottom left, above the colours).
#[component]
pub fn RoomBar(
    /// The room controls.
    room: Room,
) -> impl IntoView {
    let role = room.cmd.session().role;
    let coach = move || role.get().is_some_and(|r| r.can_facilitate());
    let reacting = RwSignal::new(false);
    let agenda_open = RwSignal::new(false);
    let hidden = move || room.state.with(|r| r.cursors_hidden);
    let leading = move || room.leading();
    let lead_on = move || room.state.with(|r| r.lead.is_some());
    view! {
        <div class="roombar" role="toolbar" aria-label=t("room-bar-label")>
            <button class="room-button" class:active=move || room.hand_up() data-testid="raise-hand"
                aria-pressed=move || room.hand_up().to_string()
                title=move || if room.hand_up() { t("room-hand-lower-own") } else { t("room-hand-raise") }
                on:click=move |_| room.toggle_hand()>{crate::icons::raised_hand()}</button>
            <span class="react-wrap">
                <button class="room-button" data-testid="react" title=t("room-react") aria-expanded=move || reacting.get().to_string()
                    on:click=move |_| reacting.update(|r| *r = !*r)>"😊"</button>
                <Show when=move || reacting.get()>
                    <span class="reaction-menu" role="menu">
                        {REACTIONS.iter().map(|e| view! {
                            <button class="reaction-choice" role="menuitem" data-emoji=*e
                                on:click=move |_| { room.react(e); reacting.set(false); }>{*e}</button>
                        }).collect_view()}
                    </span>
                </Show>
            </span>
            <button class="room-button" data-testid="agenda-open" title=t("room-agenda-title") aria-expanded=move || agenda_open.get().to_string()
                on:click=move |_| agenda_open.update(|o| *o = !*o)>"☰ " {t("room-agenda-button")}</button>
            <Show when=coach>
                <span class="room-sep"></span>
                <button class="room-button" data-testid="summon" title=t("room-summon-title")
                    on:click=move |_| room.summon_here()>{t("room-summon")}</button>
                {move || if leading() {
                    view! { <button class="room-button active" data-testid="release" on:click=move |_| room.release()>{t("room-release")}</button> }.into_any()
                } else {
                    view! { <button class="room-button" data-testid="lead" title=move || if lead_on() { t("room-lead-take-over-title") } else { t("room-lead-title") }
                        on:click=move |_| room.lead()>{t("room-lead")}</button> }.into_any()
                }}
                <button class="room-button" class:active=move || room.present.get().is_some() data-testid="present"
                    title=t("room-present-title") on:click=move |_| room.toggle_present()>{t("room-present")}</button>
                <button class="room-button" class:active=hidden data-testid="hide-cursors"
                    aria-pressed=move || hidden().to_string()
                    on:click=move |_| room.hide_cursors(!hidden())>
                    {move || if hidden() { t("room-cursors-show") } else { t("room-cursors-hide") }}
                </button>
            </Show>
        </div>
        <Show when=move || agenda_open.get()>
            <super::agenda::AgendaPanel room open=agenda_open/>
        </Show>
    }
}

/// "Following Ben — Stop", while this page follows someone.
#[component]
pub fn FollowBar(
    /// The room controls.
    room: Room,
) -> impl IntoView {
    move || {
        room.follow.get().map(|f| {
            let who = if f.lead {
                t_with("room-following-lead", &[("name", f.name.clone().into())])
            } else {
                t_with("room-following", &[("name", f.name.clone().into())])
            };
            view! {
                <div class="follow-bar" data-testid="follow-bar" data-lead=f.lead.to_string() role="status">
                    <span>{who}</span>
                    <button data-testid="follow-stop" on:click=move |_| room.stop_following()>{t("room-follow-stop")}</button>
                </div>
            }
        })
    }
}

/// "Frame 2 of 5" with previous, next and leave, in present mode; Escape leaves.
#[component]
pub fn PresentBar(
    /// The room controls.
    room: Room,
) -> impl IntoView {
    let _keys = window_event_listener(ev::keydown, move |e: web_sys::KeyboardEvent| {
        if room.present.get_untracked().is_none() {
            return;
        }
        match e.key().as_str() {
            "Escape" => room.present.set(None),
            "ArrowRight" | "PageDown" => room.present_step(true),
            "ArrowLeft" | "PageUp" => room.present_step(false),
            _ => return,
        }
        e.prevent_default();
        e.stop_propagation();
    });
    move || {
        room.present.get().map(|at| {
            let frames = room.frames();
            let title = frames.get(at).map(|f| f.title.clone()).unwrap_or_default();
            let len = frames.len();
            // Comparisons inside `view!` attributes end the tag early: compute them here.
            let (first, last) = (at == 0, at + 1 >= len);
            view! {
                <div class="present-bar" data-testid="present-bar" role="status">
                    <button data-testid="present-prev" disabled=first on:click=move |_| room.present_step(false)>"‹"</button>
                    <span class="present-where">{t_with("room-present-where", &[("index", (at + 1).into()), ("count", len.into())])}</span>
                    <span class="present-title">{title}</span>
                    <button data-testid="present-next" disabled=last on:click=move |_| room.present_step(true)>"›"</button>
                    <button data-testid="present-exit" title=t("room-present-exit-title") on:click=move |_| room.present.set(None)>{t("room-present-exit")}</button>
                </div>
            }
        })
    }
}

/// Raised hands in order and quiet hints (facilitators, top left).
#[component]
pub fn CoachCorner(
    /// The room controls.
    room: Room,
) -> impl IntoView {
    let session = room.cmd.session();
    let (role, peers, changed_at, board) = (
        session.role,
        session.peers,
        session.changed_at,
        session.workshop.board,
    );
    let coach = move || role.get().is_some_and(|r| r.can_facilitate());
    let hands = move || room.state.with(|r| r.hands.clone());
    // The idle hint needs time to pass, not only signals to change.
    let now = RwSignal::new(js_sys::Date::now());
    let ticker = StoredValue::new_local(Some(crate::timer::Interval::every(5000, move || {
        now.set(js_sys::Date::now());
    })));
    on_cleanup(move || ticker.set_value(None));
    let timer = room.timer();
    let shown = Memo::new(move |_| {
        if !coach() {
            return Vec::new();
        }
        now.track();
        let me_votes = crate::workshop::may_vote(role.get());
        let (views, typing, voters) = peers.with(|p| {
            let views = p.values().map(|p| p.view.map(|v| v.visible())).collect();
            let typing = p.values().filter(|p| p.editing).count();
            let voters = p
                .values()
                .filter(|p| crate::workshop::may_vote(p.role))
                .count();
            (views, typing, voters)
        });
        let voters = (voters + usize::from(me_votes)) as u32;
        let step_frame = room.state.with(|r| {
            r.step
                .and_then(|s| r.agenda.get(s))
                .and_then(|s| s.frame.clone())
        });
        let step_frame =
            step_frame.and_then(|id| room.cmd.session().model.get(&id).map(|e| e.base.rect));
        let input = HintInput {
            votes: board.with(|b| b.open_round().map(|r| (r.finished, voters))),
            idle_ms: now.get() - changed_at.get(),
            step_frame,
            views,
            time_up: timer.get().is_up(room.server_now_ms()),
            typing,
        };
        hints(&input)
    });
    view! {
        <Show when=coach>
            <div class="coach-corner">
                <Show when=move || !hands().is_empty()>
                    <section class="hands-box" aria-label=t("room-hands-label")>
                        <h3>{crate::icons::raised_hand()} " " {t("room-hands-heading")}</h3>
                        <ol class="hands" data-testid="hands">
                            {move || hands().into_iter().map(|h| {
                                let who = h.who.clone();
                                view! {
                                    <li class="hand" data-name=h.name.clone()>
                                        <span>{h.name.clone()}</span>
                                        <button class="hand-lower" data-testid="hand-lower" title=t("room-hand-lower-title")
                                            on:click=move |_| room.lower_hand(who.clone())>{t("room-hand-lower")}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    </section>
                </Show>
                <Show when=move || shown.with(|h| !h.is_empty())>
                    <ul class="hints" data-testid="hints" aria-label=t("room-hints-label") aria-live="polite">
                        {move || shown.get().into_iter().map(|h| view! {
                            <li class="hint" data-hint=h.name()>{h.text()}</li>
                        }).collect_view()}
                    </ul>
                </Show>
            </div>
        </Show>
    }
}

/// Reactions floating over their senders' pointers (or avatars), for about
/// two seconds each (the CSS animation; the list drops them after it).
#[component]
pub fn Reactions(
    /// The room controls.
    room: Room,
) -> impl IntoView {
    let session = room.cmd.session();
    let (peers, view) = (session.peers, room.cmd.state.camera.view);
    let mine = session.client_id();
    let place = move |client: u64| -> (f64, f64) {
        let doc = web_sys::window().and_then(|w| w.document());
        let canvas = doc
            .as_ref()
            .and_then(|d| d.query_selector(".canvas").ok().flatten())
            .map(|c| c.get_bounding_client_rect());
        let cursor = if client == mine {
            room.cmd.session().cursor()
        } else {
            peers.with_untracked(|p| p.get(&client).and_then(|p| p.cursor))
        };
        if let (Some(c), Some(r)) = (cursor, canvas.as_ref()) {
            let at = view.get_untracked().to_screen(c);
            return (r.left() + at.x, r.top() + at.y);
        }
        // No pointer on the board: at the avatar.
        let name = if client == mine {
            None
        } else {
            peers.with_untracked(|p| p.get(&client).map(|p| p.user.name.clone()))
        };
        let selector = match name {
            Some(n) => format!(".presence .avatar[data-name=\"{}\"]", n.replace('"', "")),
            None => ".presence .avatar.me".to_owned(),
        };
        doc.and_then(|d| d.query_selector(&selector).ok().flatten())
            .map(|a| {
                let r = a.get_bounding_client_rect();
                (r.left() + r.width() / 2.0, r.bottom() + 4.0)
            })
            .unwrap_or((80.0, 80.0))
    };
    view! {
        <div class="reaction-layer" aria-hidden="true">
            <For each=move || room.floating.get() key=|f| f.key children=move |f| {
                let (x, y) = place(f.client);
                let who = if f.client == mine {
                    "me".to_owned()
                } else {
                    peers.with_untracked(|p| p.get(&f.client).map(|p| p.user.name.clone())).unwrap_or_default()
                };
                view! {
                    <span class="reaction-float" data-from=who data-emoji=f.emoji.clone()
                        style:left=format!("{x}px") style:top=format!("{y}px")>{f.emoji.clone()}</span>
                }
            }/>
        </div>
    }
}

/// The camera as data, for tests and tools: the board point at the centre of
/// the view and the zoom.
#[component]
pub fn CameraReadout(
    /// The room controls (for the camera).
    room: Room,
) -> impl IntoView {
    let camera = room.cmd.state.camera;
    let centre = move || {
        let v = camera.view.get();
        let (w, h) = camera.screen.get();
        v.to_world(tafel_shared::geometry::Point::new(w / 2.0, h / 2.0))
    };
    view! {
        <span class="camera-readout" hidden data-testid="camera"
            data-x=move || format!("{:.1}", centre().x) data-y=move || format!("{:.1}", centre().y)
            data-zoom=move || format!("{:.3}", camera.view.get().zoom)></span>
    }
}
