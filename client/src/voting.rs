//! Dot voting and freezing as [`Commands`]: what the canvas, the banner and the
//! panels call. The server keeps ballots and decides; these only pick the right
//! action and spare people refusals the client can see coming.

use crate::commands::Commands;
use crate::i18n::t;
use crate::state::Tool;
use crate::workshop::may_vote;
use leptos::prelude::*;
use tafel_shared::action::Action;
use tafel_shared::workshop::{Round, RoundSettings};

impl Commands {
    /// The open round, if clicks on the canvas place dots in it now: this person
    /// votes, has not paused voting, and has the select tool. Tracked, so the
    /// canvas can show it.
    pub fn voting_round(&self) -> Option<Round> {
        let s = self.session();
        let round = s.workshop.open_round()?;
        let active = may_vote(s.role.get())
            && self.state.vote.paused.get() != Some(round.id)
            && self.state.ui.tool.get() == Tool::Select;
        active.then_some(round)
    }

    /// The same, without subscribing (for pointer handlers).
    pub fn voting_round_now(&self) -> Option<Round> {
        untrack(|| self.voting_round())
    }

    /// A click on element `id` while voting: places a dot, or takes one back
    /// when `take_back` (Shift) or when the round allows one dot per element
    /// and it has this person's dot already.
    pub fn vote_on(&self, id: &str, take_back: bool) {
        let s = self.session();
        let Some(round) = s.workshop.open_round_now() else {
            return;
        };
        let admitted = s.model.get(id).is_some_and(|e| round.settings.admits(&e));
        if !admitted {
            self.notify(&t("vote-not-admitted"));
            return;
        }
        let mine = untrack(|| s.workshop.ballot()).iter().any(|e| e == id);
        let element = id.to_owned();
        if take_back || (mine && !round.settings.several_per_element) {
            if mine {
                s.act(Action::Unvote {
                    round: round.id,
                    element,
                });
            } else {
                self.notify(&t("vote-no-dot"));
            }
        } else {
            s.act(Action::Vote {
                round: round.id,
                element,
            });
        }
    }

    /// Takes one of this person's dots back from element `id`.
    pub fn unvote(&self, id: &str) {
        self.vote_on(id, true);
    }

    /// Pauses voting for this person (clicks select and move again), or resumes it.
    pub fn toggle_vote_pause(&self) {
        let open = self.session().workshop.open_round_now().map(|r| r.id);
        self.state.vote.paused.update(|p| {
            *p = if *p == open { None } else { open };
        });
    }

    /// Starts a voting round (facilitators); an open one ends first.
    pub fn start_round(&self, settings: RoundSettings) {
        self.session().act(Action::StartRound { settings });
    }

    /// Ends the open round and publishes its results (facilitators).
    pub fn end_round(&self) {
        let s = self.session();
        if let Some(round) = s.workshop.open_round_now() {
            s.act(Action::EndRound { round: round.id });
        }
    }

    /// Freezes the board for everyone but facilitators, or thaws it.
    pub fn set_frozen(&self, frozen: bool) {
        self.session().act(Action::Freeze { frozen });
    }

    /// The ended round whose results are shown (tracked): the one picked in the
    /// results panel, or the latest.
    pub fn results_round(&self) -> Option<Round> {
        let picked = self.state.vote.shown.get();
        self.session().workshop.board.with(|b| {
            let mut ended = b.rounds.iter().filter(|r| !r.is_open());
            match picked {
                Some(id) => ended.find(|r| r.id == id).cloned(),
                None => ended.next_back().cloned(),
            }
        })
    }

    /// How an element is named in results: its text, else what it is; also for
    /// elements deleted since.
    pub fn element_label(&self, id: &str) -> String {
        match self.session().model.get(id) {
            Some(e) if !e.text().trim().is_empty() => e.text().trim().to_owned(),
            Some(e) => e.label(),
            None => t("vote-deleted-element"),
        }
    }
}
