//! The room controls of one board page: following someone's view, summons,
//! follow-me, the agenda and present mode, raised hands, reactions and hidden
//! cursors, as a `Copy` handle ([`Room`]) over the session document's room state
//! (written by the server only, read in [`Facilitation`]) and this page's
//! presence.
//!
//! Camera moves that come from here (a summon, a step, the person followed)
//! are remembered, so that a camera change that is not one of them and follows
//! the user's own input reads as "I look around myself" and ends following.

use crate::commands::Commands;
use crate::facilitation::Facilitation;
use crate::i18n::{t, t_with, Arg};
use crate::timer::after;
use leptos::prelude::*;
use std::collections::HashMap;
use std::rc::Rc;
use tafel_shared::action::{Action, RoomCommand};
use tafel_shared::element::{reading_order, Props};
use tafel_shared::geometry::{Point, Rect, Viewport};
use tafel_shared::ids::ParticipantId;
use tafel_shared::presence::{Reaction, SeenView};
use tafel_shared::roles::Role;
use tafel_shared::session::{AgendaStep, Lead, RoomState, ViewTarget};

/// Whom this page follows.
#[derive(Clone, Debug, PartialEq)]
pub struct Follow {
    /// Their awareness client id.
    pub client: u64,
    /// Their name.
    pub name: String,
    /// Followed because a facilitator leads (not chosen here).
    pub lead: bool,
}

/// A reaction floating on screen now.
#[derive(Clone, Debug, PartialEq)]
pub struct Floating {
    /// Unique on this page.
    pub key: u64,
    /// Who sent it (awareness client id; this page's own for its own).
    pub client: u64,
    /// The emoji.
    pub emoji: String,
}

/// A frame of the board, in reading order.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameInfo {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Where it is.
    pub rect: Rect,
}

/// A role's name as the interface shows it (the shared catalogue's `role-…`).
pub fn role_name(role: Role) -> String {
    match role {
        Role::Facilitator => t("role-facilitator"),
        Role::Editor => t("role-editor"),
        Role::Commenter => t("role-commenter"),
        Role::Viewer => t("role-viewer"),
    }
}

/// Reactions older than this (sender's clock) are not shown when they arrive:
/// they are from before this page joined.
const REACTION_FRESH_MS: f64 = 10_000.0;
/// One reaction per this many ms from this page.
const REACTION_GAP_MS: f64 = 500.0;
/// How long a reaction floats.
const REACTION_SHOW_MS: i32 = 2200;
/// A camera change this soon after the user's own input is theirs.
const INPUT_WINDOW_MS: f64 = 800.0;

/// The room controls of this page.
#[derive(Clone, Copy)]
pub struct Room {
    fac: StoredValue<Rc<Facilitation>, LocalStorage>,
    /// The board's commands (camera, session).
    pub cmd: Commands,
    /// The room state as the server wrote it.
    pub state: RwSignal<RoomState>,
    /// Whom this page follows now.
    pub follow: RwSignal<Option<Follow>>,
    /// Present mode: the index of the frame shown, in reading order.
    pub present: RwSignal<Option<usize>>,
    /// Reactions floating now.
    pub floating: RwSignal<Vec<Floating>>,
    /// The last view this module set (following), to tell it from the user's.
    applied: StoredValue<Option<Viewport>>,
    /// The newest summon already followed (or found at connect).
    seen_seq: StoredValue<Option<u64>>,
    /// The lead last acted on: a new one starts following again.
    last_lead: StoredValue<Option<Lead>>,
    last_reaction: StoredValue<f64>,
    /// The reaction shown last per sender (by its `at_ms`).
    shown: StoredValue<HashMap<u64, u64>>,
    next_key: StoredValue<u64>,
    /// When the user last pressed, scrolled or typed.
    input_at: StoredValue<f64>,
}

impl Room {
    /// The room controls over `cmd`'s session and `fac`'s room state; sets up
    /// what they keep in step (presence, summons, following, reactions).
    pub fn new(cmd: Commands, fac: Rc<Facilitation>) -> Room {
        let room = Room {
            state: fac.room,
            fac: StoredValue::new_local(fac),
            cmd,
            follow: RwSignal::new(None),
            present: RwSignal::new(None),
            floating: RwSignal::new(Vec::new()),
            applied: StoredValue::new(None),
            seen_seq: StoredValue::new(None),
            last_lead: StoredValue::new(None),
            last_reaction: StoredValue::new(0.0),
            shown: StoredValue::new(HashMap::new()),
            next_key: StoredValue::new(1),
            input_at: StoredValue::new(f64::NEG_INFINITY),
        };
        room.keep_in_step();
        room
    }

    fn keep_in_step(self) {
        let cmd = self.cmd;
        let camera = cmd.state.camera;
        let session = cmd.session();
        let (peers, role) = (session.peers, session.role);
        // What others see of this page: its view and whether it types.
        Effect::new(move |_| {
            let v = camera.view.get();
            let (w, h) = camera.screen.get();
            let c = v.to_world(Point::new(w / 2.0, h / 2.0));
            let seen = SeenView {
                x: c.x,
                y: c.y,
                zoom: v.zoom,
                w,
                h,
            };
            cmd.session().update_presence(|p| p.view = Some(seen));
        });
        let editing = cmd.state.selection.editing;
        Effect::new(move |_| {
            let typing = editing.with(Option::is_some);
            cmd.session().update_presence(|p| p.editing = typing);
        });
        Effect::new(move |_| {
            let client = self.follow.with(|f| f.as_ref().map(|f| f.client));
            cmd.session().update_presence(|p| p.following = client);
        });
        // Hidden cursors hide them for participants; facilitators keep watching.
        let hidden = cmd.session().cursors_hidden;
        Effect::new(move |_| {
            let hide = self.state.with(|r| r.cursors_hidden)
                && !role.get().is_some_and(|r| r.can_facilitate());
            if hidden.get_untracked() != hide {
                hidden.set(hide);
            }
        });
        // Summons and follow-me.
        let synced = self.fac.with_value(|f| f.synced);
        Effect::new(move |_| {
            if !synced.get() {
                return;
            }
            let room = self.state.get();
            self.on_room(&room);
        });
        // Following: copy the followed view whenever it changes.
        Effect::new(move |_| {
            let Some(f) = self.follow.get() else { return };
            if let Some(v) = peers.with(|p| p.get(&f.client).and_then(|p| p.view)) {
                self.show_view(v.x, v.y, v.zoom);
            }
        });
        // The user's own pan or zoom ends following; any other move (a fit on
        // load) gives way to the followed view.
        for event in ["pointerdown", "wheel", "keydown"] {
            let input_at = self.input_at;
            let cb = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                input_at.set_value(js_sys::Date::now());
            });
            if let Some(w) = web_sys::window() {
                let opts = web_sys::AddEventListenerOptions::new();
                opts.set_capture(true);
                opts.set_passive(true);
                let _ = w.add_event_listener_with_callback_and_add_event_listener_options(
                    event,
                    wasm_bindgen::JsCast::unchecked_ref(cb.as_ref()),
                    &opts,
                );
            }
            cb.forget();
        }
        Effect::new(move |_| {
            let v = camera.view.get();
            if self.follow.with_untracked(Option::is_none) || self.applied.get_value() == Some(v) {
                return;
            }
            if js_sys::Date::now() - self.input_at.get_value() < INPUT_WINDOW_MS {
                self.follow.set(None);
            } else if let Some(a) = self.applied.get_value() {
                camera.view.set(a);
            }
        });
        // Reactions from others.
        Effect::new(move |_| {
            let now = js_sys::Date::now();
            let fresh: Vec<(u64, Reaction)> = peers.with(|p| {
                p.iter()
                    .filter_map(|(c, p)| Some((*c, p.reaction.clone()?)))
                    .filter(|(_, r)| (now - r.at_ms as f64).abs() < REACTION_FRESH_MS)
                    .collect()
            });
            for (client, r) in fresh {
                let new = self
                    .shown
                    .try_update_value(|s| s.insert(client, r.at_ms) != Some(r.at_ms));
                if new == Some(true) {
                    self.float(client, r.emoji);
                }
            }
        });
    }

    /// Acts on a new room state: a summon not seen yet, a lead begun or ended.
    fn on_room(self, room: &RoomState) {
        let seq = room.summon.as_ref().map_or(0, |s| s.seq);
        match self.seen_seq.get_value() {
            // What was there at connect is history.
            None => self.seen_seq.set_value(Some(seq)),
            Some(seen) if seq > seen => {
                self.seen_seq.set_value(Some(seq));
                if let Some(s) = &room.summon {
                    self.go_to(&s.target);
                    // An agenda step summons in its own name.
                    let step = room.step.and_then(|i| room.agenda.get(i));
                    if step.is_some_and(|st| st.title == s.by) {
                        let args: [(&str, Arg); 1] = [("step", s.by.clone().into())];
                        self.cmd.notify(&t_with("room-notice-step", &args));
                    } else if self.present.get_untracked().is_none() {
                        let args: [(&str, Arg); 1] = [("name", s.by.clone().into())];
                        self.cmd.notify(&t_with("room-notice-summoned", &args));
                    }
                }
            }
            Some(_) => {}
        }
        if self.last_lead.get_value() != room.lead {
            self.last_lead.set_value(room.lead.clone());
            let me = self.cmd.session().client_id();
            match &room.lead {
                Some(l) if l.client != me => self.follow.set(Some(Follow {
                    client: l.client,
                    name: l.name.clone(),
                    lead: true,
                })),
                _ => {
                    if self
                        .follow
                        .with_untracked(|f| f.as_ref().is_some_and(|f| f.lead))
                    {
                        self.follow.set(None);
                    }
                }
            }
        }
    }

    /// Shows `emoji` floating at `client`'s pointer for a moment.
    fn float(self, client: u64, emoji: String) {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        self.floating
            .update(|f| f.push(Floating { key, client, emoji }));
        let floating = self.floating;
        after(REACTION_SHOW_MS, move || {
            floating.try_update(|f| f.retain(|r| r.key != key));
        });
    }

    /// Sets the camera so that board point (x, y) is in the middle at `zoom`,
    /// remembered as not the user's own move.
    fn show_view(self, x: f64, y: f64, zoom: f64) {
        let camera = self.cmd.state.camera;
        let (w, h) = camera.screen.get_untracked();
        let zoom = zoom.clamp(
            tafel_shared::geometry::MIN_ZOOM,
            tafel_shared::geometry::MAX_ZOOM,
        );
        let v = Viewport {
            origin: Point::new(x - w / 2.0 / zoom, y - h / 2.0 / zoom),
            zoom,
        };
        self.set_view(v);
    }

    fn set_view(self, v: Viewport) {
        self.applied.set_value(Some(v));
        if self.cmd.state.camera.view.get_untracked() != v {
            self.cmd.state.camera.view.set(v);
        }
    }

    /// Moves the camera to a summon's target: a frame fitted into the view, or
    /// a view's centre and zoom.
    pub fn go_to(self, target: &ViewTarget) {
        match target {
            ViewTarget::View { x, y, zoom } => self.show_view(*x, *y, *zoom),
            ViewTarget::Frame { id } => {
                if let Some(e) = self.cmd.session().model.get(id) {
                    let (w, h) = self.cmd.state.camera.screen.get_untracked();
                    self.set_view(Viewport::fit(&e.base.rect, w, h, 48.0));
                }
            }
        }
    }

    fn act(self, command: RoomCommand) {
        self.fac.with_value(|f| f.act(Action::Room { command }));
    }

    fn my_name(self) -> String {
        let name = self
            .cmd
            .session()
            .me
            .with_untracked(|u| u.name.trim().to_owned());
        let name: String = name
            .chars()
            .take(tafel_shared::workshop::MAX_NAME_CHARS)
            .collect();
        if name.is_empty() {
            t("room-facilitator-fallback-name")
        } else {
            name
        }
    }

    // Following.

    /// Follows the view of awareness client `client` (named `name`).
    pub fn follow(self, client: u64, name: String) {
        self.follow.set(Some(Follow {
            client,
            name,
            lead: false,
        }));
    }

    /// Stops following; free until someone leads anew.
    pub fn stop_following(self) {
        self.follow.set(None);
    }

    // Facilitators.

    /// Brings everyone to this page's view.
    pub fn summon_here(self) {
        let camera = self.cmd.state.camera;
        let c = camera.screen_center();
        let zoom = camera.view.get_untracked().zoom;
        self.act(RoomCommand::Summon {
            target: ViewTarget::View {
                x: c.x,
                y: c.y,
                zoom,
            },
            name: self.my_name(),
        });
    }

    /// Everyone follows this page's view until released.
    pub fn lead(self) {
        self.follow.set(None);
        self.act(RoomCommand::Lead {
            client: self.cmd.session().client_id(),
            name: self.my_name(),
        });
    }

    /// Ends follow-me.
    pub fn release(self) {
        self.act(RoomCommand::Release);
    }

    /// Whether this page leads now (tracked).
    pub fn leading(self) -> bool {
        let me = self.cmd.session().client_id();
        self.state
            .with(|r| r.lead.as_ref().is_some_and(|l| l.client == me))
    }

    /// Hides or shows everyone's cursors.
    pub fn hide_cursors(self, hidden: bool) {
        self.act(RoomCommand::HideCursors { hidden });
    }

    // Hands.

    /// This participant's id, once the room said.
    pub fn me(self) -> Option<ParticipantId> {
        self.cmd
            .session()
            .workshop
            .own
            .with(|o| o.as_ref().map(|o| o.me.clone()))
    }

    /// Whether this participant's hand is up (tracked).
    pub fn hand_up(self) -> bool {
        let me = self.me();
        self.state
            .with(|r| me.is_some_and(|me| r.hands.iter().any(|h| h.who == me)))
    }

    /// Raises or lowers this participant's hand.
    pub fn toggle_hand(self) {
        if self.hand_up() {
            self.act(RoomCommand::LowerHand { participant: None });
        } else {
            self.act(RoomCommand::RaiseHand {
                name: self.my_name(),
            });
        }
    }

    /// Lowers someone's hand (facilitators).
    pub fn lower_hand(self, who: ParticipantId) {
        self.act(RoomCommand::LowerHand {
            participant: Some(who),
        });
    }

    // Reactions.

    /// Sends an emoji to everyone (at most one per half second).
    pub fn react(self, emoji: &str) {
        let now = js_sys::Date::now();
        if now - self.last_reaction.get_value() < REACTION_GAP_MS {
            return;
        }
        self.last_reaction.set_value(now);
        let at_ms = now as u64;
        let session = self.cmd.session();
        session.update_presence(|p| {
            p.reaction = Some(Reaction {
                emoji: emoji.to_owned(),
                at_ms,
            })
        });
        self.float(session.client_id(), emoji.to_owned());
        // Gone from presence after a while, so a keepalive does not carry it on.
        let weak = Rc::downgrade(&session);
        after(REACTION_SHOW_MS + 800, move || {
            if let Some(s) = weak.upgrade() {
                s.update_presence(|p| {
                    if p.reaction.as_ref().is_some_and(|r| r.at_ms == at_ms) {
                        p.reaction = None;
                    }
                });
            }
        });
    }

    // Agenda and present mode.

    /// The board's frames in reading order (tracked).
    pub fn frames(self) -> Vec<FrameInfo> {
        let model = &self.cmd.session().model;
        model.layout.track();
        model.order.track();
        reading_order(&model.all())
            .into_iter()
            .filter_map(|(f, _)| f)
            .map(|f| FrameInfo {
                title: match &f.props {
                    Props::Frame(p) if !p.title.trim().is_empty() => p.title.clone(),
                    _ => t("room-untitled-frame"),
                },
                id: f.base.id.clone(),
                rect: f.base.rect,
            })
            .collect()
    }

    /// Replaces the agenda.
    pub fn set_agenda(self, steps: Vec<AgendaStep>) {
        self.act(RoomCommand::SetAgenda { steps });
    }

    /// One step per frame, in reading order.
    pub fn fill_from_frames(self) {
        let steps = self
            .frames()
            .into_iter()
            .map(|f| AgendaStep {
                title: f.title,
                frame: Some(f.id),
                minutes: None,
            })
            .collect();
        self.set_agenda(steps);
    }

    /// Moves everyone to step `index`.
    pub fn go_to_step(self, index: usize) {
        self.act(RoomCommand::GoToStep { index });
    }

    /// Moves everyone to the next step (the first, before any).
    pub fn next_step(self) {
        let (step, len) = self.state.with_untracked(|r| (r.step, r.agenda.len()));
        let next = step.map_or(0, |s| s + 1);
        if next < len {
            self.go_to_step(next);
        }
    }

    /// Starts present mode at the first frame, or leaves it.
    pub fn toggle_present(self) {
        if self.present.get_untracked().is_some() {
            self.present.set(None);
        } else {
            self.present_at(0);
        }
    }

    /// Shows frame `index` (reading order) to everyone.
    pub fn present_at(self, index: usize) {
        let frames = untrack(|| self.frames());
        let Some(f) = frames.get(index) else { return };
        self.present.set(Some(index));
        self.act(RoomCommand::Summon {
            target: ViewTarget::Frame { id: f.id.clone() },
            name: self.my_name(),
        });
    }

    /// The next (`forward`) or previous frame in present mode.
    pub fn present_step(self, forward: bool) {
        let Some(at) = self.present.get_untracked() else {
            return;
        };
        let len = untrack(|| self.frames().len());
        let to = if forward {
            (at + 1).min(len.saturating_sub(1))
        } else {
            at.saturating_sub(1)
        };
        if to != at {
            self.present_at(to);
        }
    }

    /// The server's clock now.
    pub fn server_now_ms(self) -> u64 {
        self.fac.with_value(|f| f.server_now_ms())
    }

    /// The timer signal.
    pub fn timer(self) -> RwSignal<tafel_shared::session::Timer> {
        self.fac.with_value(|f| f.timer)
    }
}
