//! Private brainstorming on this page: the notes this person holds back while a
//! facilitator runs private mode, and the commands that start it, make and change
//! those notes, and reveal everyone's.
//!
//! The server keeps the notes and shows them to their author only
//! ([`OwnView::notes`](tafel_shared::workshop::OwnView)); this page draws that copy
//! with its own changes laid over it until the server's copy has caught up
//! ([`Pending`]), so a drag or a word typed never jumps back to an older state
//! when an earlier change comes back. Private notes are not in the replica, so
//! they are not part of undo and never reach the content document before the
//! reveal, which the server does by itself.

use crate::commands::Commands;
use crate::private_state::{Pending, GIVE_UP_MS, TYPING_SEND_MS};
use crate::timer::after;
use leptos::prelude::*;
use std::collections::HashSet;
use tafel_shared::action::Action;
use tafel_shared::edit::{self, Clipboard};
use tafel_shared::element::{Element, Props};
use tafel_shared::geometry::Point;
use tafel_shared::order;
use tafel_shared::workshop::may_be_private;

impl Commands {
    /// Whether private brainstorming runs (tracked).
    pub fn private_running(&self) -> bool {
        self.session().workshop.board.with(|b| b.private.is_some())
    }

    /// The same, without subscribing.
    pub fn private_running_now(&self) -> bool {
        untrack(|| self.private_running())
    }

    /// This person's private notes as this page shows them (tracked); none
    /// outside private mode.
    pub fn private_notes(&self) -> Vec<Element> {
        if !self.private_running() {
            return Vec::new();
        }
        let pending = self.state.private.pending;
        self.session().workshop.own.with(|o| {
            let server = o.as_ref().map(|o| o.notes.as_slice()).unwrap_or(&[]);
            pending.with(|p| p.shown(server))
        })
    }

    /// One private note as shown, without subscribing.
    pub fn private_note_now(&self, id: &str) -> Option<Element> {
        untrack(|| self.private_notes())
            .into_iter()
            .find(|e| e.base.id == id)
    }

    /// The selected private note, without subscribing.
    pub fn private_selected_now(&self) -> Option<String> {
        self.state.private.selected.get_untracked()
    }

    /// Keeps `n` (made by [`Commands::create`] and friends, with its place in the
    /// stacking order, author and time) as a private note: sent at once,
    /// selected, and open for typing if it is a note or text.
    pub(crate) fn add_private(&self, mut n: Element) {
        if !self.session().can_edit_now() {
            return;
        }
        n.base.parent = self.frame_under(&n);
        let id = n.base.id.clone();
        let typed = matches!(n.props, Props::Sticky(_) | Props::Text(_));
        self.state
            .private
            .pending
            .update(|p| p.change(&id, Some(n), js_sys::Date::now()));
        self.send_private(&id);
        if typed {
            self.edit_private(id);
        } else {
            self.select_private(Some(id));
        }
    }

    /// Pastes the notes, text and shapes of `clip` (moved by `offset`) as
    /// private notes while private mode runs, selecting the last, and returns
    /// the rest of the clipboard for the board; `None` outside private mode.
    pub(crate) fn paste_private(&self, clip: &Clipboard, offset: Point) -> Option<Clipboard> {
        if !self.private_running_now() {
            return None;
        }
        let s = self.session();
        let (held, rest): (Vec<Element>, Vec<Element>) =
            clip.elements.iter().cloned().partition(may_be_private);
        if !s.can_edit_now() || held.is_empty() {
            return Some(Clipboard {
                elements: rest,
                ..clip.clone()
            });
        }
        let z = s
            .model
            .with_all(|all| order::key_above(all.values().map(|e| e.base.z.as_str())));
        let author = s.me.get_untracked().name;
        let mut last = None;
        for mut n in held {
            n.base.id = s.model.new_id();
            n.base.rect.x += offset.x;
            n.base.rect.y += offset.y;
            n.base.z = z.clone();
            n.base.locked = false;
            n.base.author = author.clone();
            n.base.created_ms = js_sys::Date::now() as u64;
            n.base.parent = self.frame_under(&n);
            let id = n.base.id.clone();
            self.state
                .private
                .pending
                .update(|p| p.change(&id, Some(n), js_sys::Date::now()));
            self.send_private(&id);
            last = Some(id);
        }
        self.select_private(last);
        Some(Clipboard {
            elements: rest,
            ..clip.clone()
        })
    }

    /// The frame the note's centre is in, so that it lands in it when revealed.
    fn frame_under(&self, n: &Element) -> String {
        let all = self.session().model.all();
        edit::frame_at(&all, n.base.rect.center(), &HashSet::new())
            .map(|f| f.base.id.clone())
            .unwrap_or_default()
    }

    /// Changes a private note here; [`Commands::send_private`] sends it.
    pub fn change_private(&self, id: &str, f: impl FnOnce(&mut Element)) {
        let Some(mut note) = self.private_note_now(id) else {
            return;
        };
        f(&mut note);
        self.state
            .private
            .pending
            .update(|p| p.change(id, Some(note), js_sys::Date::now()));
    }

    /// After a move or resize: the note joins the frame it was dropped in, and
    /// the server gets it.
    pub fn finish_private_move(&self, id: &str) {
        if let Some(note) = self.private_note_now(id) {
            let parent = self.frame_under(&note);
            if parent != note.base.parent {
                self.change_private(id, |n| n.base.parent = parent);
            }
        }
        self.send_private(id);
    }

    /// Sends what changed in a private note, if anything did.
    pub fn send_private(&self, id: &str) {
        let now = js_sys::Date::now();
        let Some(change) = self
            .state
            .private
            .pending
            .try_update(|p| p.take_unsent(id, now))
            .flatten()
        else {
            return;
        };
        let s = self.session();
        s.act(match change {
            Some(element) => Action::PrivateNote {
                element: Box::new(element),
            },
            None => Action::DeletePrivateNote { id: id.to_owned() },
        });
        // If the server's copy never matches (a refusal says why), it wins
        // after a while rather than a change that did not happen.
        let cmd = *self;
        after(GIVE_UP_MS as i32 + 100, move || cmd.settle_private());
    }

    /// Sends a private note's text soon: at most every half second while typing.
    pub fn send_private_soon(&self, id: &str) {
        let scheduled = self.state.private.scheduled;
        if !scheduled.with_value(|s| s.contains(id)) {
            scheduled.update_value(|s| {
                s.insert(id.to_owned());
            });
            let (cmd, id) = (*self, id.to_owned());
            after(TYPING_SEND_MS, move || {
                if scheduled.is_disposed() {
                    return;
                }
                scheduled.update_value(|s| {
                    s.remove(&id);
                });
                cmd.send_private(&id);
            });
        }
    }

    /// Deletes one of this person's private notes.
    pub fn delete_private(&self, id: &str) {
        let p = self.state.private;
        if p.editing.get_untracked().as_deref() == Some(id) {
            p.editing.set(None);
        }
        if p.selected.get_untracked().as_deref() == Some(id) {
            p.selected.set(None);
        }
        p.pending
            .update(|pending| pending.change(id, None, js_sys::Date::now()));
        self.send_private(id);
    }

    /// Selects a private note (and nothing on the board), or none.
    pub fn select_private(&self, id: Option<String>) {
        if id.is_some() {
            self.select(Vec::new());
        }
        if self.state.private.selected.get_untracked() != id {
            self.state.private.selected.set(id);
        }
    }

    /// Opens a private note's text for typing.
    pub fn edit_private(&self, id: String) {
        self.select_private(Some(id.clone()));
        self.state.private.editing.set(Some(id));
    }

    /// Closes the private note editor and sends what was typed.
    pub fn stop_editing_private(&self) {
        let editing = self.state.private.editing;
        if let Some(id) = editing.get_untracked() {
            editing.set(None);
            self.send_private(&id);
        }
    }

    /// Recolours the selected private note (fill of notes and shapes, or
    /// `ink` for text and outlines); `false` if none is selected.
    pub fn recolour_private(&self, color: &str, ink: bool) -> bool {
        let Some(id) = self.private_selected_now() else {
            return false;
        };
        self.change_private(&id, |n| match &mut n.props {
            Props::Sticky(p) if !ink => p.color = color.to_owned(),
            Props::Shape(p) if !ink => p.fill = color.to_owned(),
            Props::Shape(p) => p.stroke = color.to_owned(),
            Props::Text(p) if ink => p.stroke = color.to_owned(),
            _ => {}
        });
        self.send_private(&id);
        true
    }

    /// Takes in a new copy from the server: drops the changes it shows, and
    /// everything private once private mode has ended.
    pub fn settle_private(&self) {
        let p = self.state.private;
        if p.pending.is_disposed() {
            return;
        }
        let s = self.session();
        if !self.private_running_now() {
            if !p.pending.with_untracked(Pending::is_empty) {
                p.pending.set(Pending::default());
            }
            if p.selected.get_untracked().is_some() {
                p.selected.set(None);
            }
            if p.editing.get_untracked().is_some() {
                p.editing.set(None);
            }
            return;
        }
        let mut next = p.pending.get_untracked();
        s.workshop.own.with_untracked(|o| {
            let server = o.as_ref().map(|o| o.notes.as_slice()).unwrap_or(&[]);
            next.settle(server, js_sys::Date::now());
        });
        if p.pending.with_untracked(|now| *now != next) {
            p.pending.set(next);
        }
    }

    /// Starts private brainstorming (facilitators).
    pub fn start_private(&self) {
        self.session().act(Action::StartPrivate);
    }

    /// Puts everyone's private notes on the board and ends private mode
    /// (facilitators); `anonymous` leaves the authors' names off.
    pub fn reveal_private(&self, anonymous: bool) {
        self.session().act(Action::Reveal { anonymous });
    }
}
