//! The workshop state of one board, sans-IO: voting rounds with their secret
//! ballots, private brainstorming with its hidden notes, the frozen flag and the
//! roster. The board's content room owns it (votes and reveals are about elements,
//! and a reveal must write the notes into the content document in the same step
//! that drops them from here), stores it beside the document, and tells clients
//! what they may see through [`WorkshopView`]s.
//!
//! Why secrets live here and not in a document: anything in a shared yrs document
//! reaches every socket of that document in its sync. Ballots and private notes
//! are kept in this struct only and leave it in two ways: an [`OwnView`] sent to
//! the sockets of the participant it belongs to, and the published results or
//! revealed notes once the facilitator ends the round or reveals.
//!
//! Every change is a checked [`Action`]: the caller's role and participant id come
//! from the socket (the id's proof was checked when it connected), never from the
//! request.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tafel_shared::action::{Action, Refusal, RefusalCode};
use tafel_shared::element::Element;
use tafel_shared::ids::ParticipantId;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_shared::workshop::{
    may_be_private, BoardView, OwnView, Person, PrivateRound, Round, RoundSettings, Tally,
    MAX_NAME_CHARS, MAX_PRIVATE_NOTES, MAX_TITLE_CHARS, MAX_VOTES_PER_PERSON,
};
use yrs::{Doc, Transact};

/// Largest private note accepted, in bytes of JSON.
pub const MAX_NOTE_BYTES: usize = 16 * 1024;

/// Who asks: the socket's role and participant.
#[derive(Clone, Copy, Debug)]
pub struct Caller<'a> {
    /// The role of the link the socket came with.
    pub role: Role,
    /// The participant the socket proved to be (or a one-socket identity).
    pub participant: &'a ParticipantId,
}

/// What an applied action changed: whom to tell, and what to write.
#[derive(Debug, Default, PartialEq)]
pub struct Changed {
    /// Everyone's view changed.
    pub board: bool,
    /// These participants' own views changed.
    pub own: Vec<ParticipantId>,
    /// Notes to put on the board now (a reveal).
    pub reveal: Vec<Element>,
    /// People who joined the roster or changed (told to everyone on their own).
    pub people: Vec<Person>,
}

impl Changed {
    fn board() -> Self {
        Self {
            board: true,
            ..Self::default()
        }
    }

    /// Whether anything changed at all (and so must be stored).
    pub fn is_some(&self) -> bool {
        self.board || !self.own.is_empty() || !self.reveal.is_empty() || !self.people.is_empty()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct RoundState {
    round: Round,
    /// Each person's dots, one entry per dot. Secret until the end.
    ballots: BTreeMap<ParticipantId, Vec<String>>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct PrivateState {
    started_ms: u64,
    /// Each person's hidden notes. Secret until the reveal.
    notes: BTreeMap<ParticipantId, Vec<Element>>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct PersonRecord {
    name: String,
    role: Role,
}

/// The workshop state of a board, with its secrets.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Workshop {
    rounds: Vec<RoundState>,
    #[serde(default)]
    private: Option<PrivateState>,
    #[serde(default)]
    frozen: bool,
    #[serde(default)]
    people: BTreeMap<ParticipantId, PersonRecord>,
}

fn forbidden(what: &str, role: Role) -> Refusal {
    Refusal::new(
        RefusalCode::Forbidden,
        format!("Only a facilitator may {what}; your role is {role}."),
    )
}

fn facilitator(caller: Caller<'_>, what: &str) -> Result<(), Refusal> {
    if caller.role.can_facilitate() {
        Ok(())
    } else {
        Err(forbidden(what, caller.role))
    }
}

fn invalid(reason: impl Into<String>) -> Refusal {
    Refusal::new(RefusalCode::InvalidArgument, reason)
}

fn not_now(reason: impl Into<String>) -> Refusal {
    Refusal::new(RefusalCode::NotNow, reason)
}

fn read_element(content: &Doc, id: &str) -> Option<Element> {
    // The root must be fetched before the read transaction opens (yrs locks).
    let elements = content.get_or_insert_map(schema::ROOT_ELEMENTS);
    Element::read(&content.transact(), &elements, id)
}

impl Workshop {
    /// Reads the stored state.
    pub fn from_json(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// The dots per element of the latest ended round (what the board shows).
    pub fn latest_results(&self) -> Vec<(String, u32)> {
        self.rounds
            .iter()
            .rev()
            .find(|r| !r.round.is_open())
            .map(|r| {
                r.round
                    .results
                    .iter()
                    .map(|t| (t.element.clone(), t.votes))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The name someone who has been on the board goes by.
    pub fn known_name(&self, id: &ParticipantId) -> Option<&str> {
        self.people.get(id).map(|p| p.name.as_str())
    }

    /// The state as stored.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("the workshop state is plain data")
    }

    /// Whether only facilitators may change the board.
    pub fn is_frozen(&self) -> bool {
        self.frozen
    }

    /// What everyone sees after a change: the board view without the roster,
    /// which changes only through [`Changed::people`].
    pub fn board_update(&self) -> BoardView {
        BoardView {
            people: Vec::new(),
            ..self.board_view()
        }
    }

    /// What everyone sees, whole (sent on connect).
    pub fn board_view(&self) -> BoardView {
        BoardView {
            rounds: self.rounds.iter().map(|r| r.round.clone()).collect(),
            private: self.private.as_ref().map(|p| PrivateRound {
                started_ms: p.started_ms,
                hidden: p
                    .notes
                    .iter()
                    .filter(|(_, notes)| !notes.is_empty())
                    .map(|(who, notes)| (who.clone(), notes.len() as u32))
                    .collect(),
            }),
            frozen: self.frozen,
            people: self
                .people
                .iter()
                .map(|(id, p)| Person {
                    id: id.clone(),
                    name: p.name.clone(),
                    role: p.role,
                })
                .collect(),
        }
    }

    /// What only `who` sees: their dots in the open round, their hidden notes.
    pub fn own_view(&self, who: &ParticipantId) -> OwnView {
        OwnView {
            me: who.clone(),
            ballot: self
                .open_round()
                .and_then(|r| r.ballots.get(who).cloned())
                .unwrap_or_default(),
            notes: self
                .private
                .as_ref()
                .and_then(|p| p.notes.get(who).cloned())
                .unwrap_or_default(),
        }
    }

    /// When the open round ends by itself.
    pub fn deadline(&self) -> Option<u64> {
        self.open_round().and_then(|r| r.round.ends_ms)
    }

    /// Ends a round whose time is up.
    pub fn tick(&mut self, now_ms: u64) -> Changed {
        match self.deadline() {
            Some(due) if due <= now_ms => self.end_open_round(due),
            _ => Changed::default(),
        }
    }

    fn open_round(&self) -> Option<&RoundState> {
        self.rounds.last().filter(|r| r.round.is_open())
    }

    fn name_of(&self, who: &ParticipantId) -> String {
        self.people
            .get(who)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }

    /// Applies one action from `caller` at server time `now_ms`; `content` is the
    /// board's content document (read for scopes and existing ids). A refusal
    /// changes nothing.
    pub fn apply(
        &mut self,
        caller: Caller<'_>,
        action: Action,
        now_ms: u64,
        content: &Doc,
    ) -> Result<Changed, Refusal> {
        match action {
            Action::Clock | Action::Timer { .. } | Action::Room { .. } => Err(Refusal::new(
                RefusalCode::WrongDocument,
                format!(
                    "This belongs to the session document ({}).",
                    DocKind::Session.as_str()
                ),
            )),
            Action::Comment { .. } => Err(Refusal::new(
                RefusalCode::WrongDocument,
                "Comments go to the comments socket (/ws/{board}/comments).",
            )),
            Action::Introduce { name } => self.introduce(caller, &name),
            Action::StartRound { settings } => {
                facilitator(caller, "start a voting round")?;
                self.start_round(settings, now_ms, content)
            }
            Action::EndRound { round } => {
                facilitator(caller, "end a voting round")?;
                match self.open_round() {
                    Some(r) if r.round.id == round => Ok(self.end_open_round(now_ms)),
                    _ => Err(not_now(format!("Round {round} is not open."))),
                }
            }
            Action::Vote { round, element } => self.vote(caller, round, element, now_ms, content),
            Action::Unvote { round, element } => self.unvote(caller, round, &element, now_ms),
            Action::StartPrivate => {
                facilitator(caller, "start private brainstorming")?;
                if self.private.is_some() {
                    return Err(not_now("Private brainstorming is already running."));
                }
                self.private = Some(PrivateState {
                    started_ms: now_ms,
                    notes: BTreeMap::new(),
                });
                Ok(Changed::board())
            }
            Action::PrivateNote { element } => self.private_note(caller, *element, now_ms, content),
            Action::DeletePrivateNote { id } => self.delete_private_note(caller, &id),
            Action::Reveal { anonymous } => {
                facilitator(caller, "reveal private notes")?;
                self.reveal(anonymous, content)
            }
            Action::Freeze { frozen } => {
                facilitator(caller, "freeze or unfreeze the board")?;
                if self.frozen == frozen {
                    return Ok(Changed::default());
                }
                self.frozen = frozen;
                Ok(Changed::board())
            }
        }
    }

    fn introduce(&mut self, caller: Caller<'_>, name: &str) -> Result<Changed, Refusal> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(invalid(format!(
                "A name has 1 to {MAX_NAME_CHARS} characters."
            )));
        }
        let entry = self
            .people
            .entry(caller.participant.clone())
            .or_insert_with(|| PersonRecord {
                name: String::new(),
                role: caller.role,
            });
        // The strongest role this person came with (roles order strongest first).
        let role = entry.role.min(caller.role);
        if entry.name == name && entry.role == role {
            return Ok(Changed::default());
        }
        entry.name = name.to_owned();
        entry.role = role;
        Ok(Changed {
            people: vec![Person {
                id: caller.participant.clone(),
                name: entry.name.clone(),
                role,
            }],
            ..Changed::default()
        })
    }

    fn start_round(
        &mut self,
        settings: RoundSettings,
        now_ms: u64,
        content: &Doc,
    ) -> Result<Changed, Refusal> {
        if !(1..=MAX_VOTES_PER_PERSON).contains(&settings.votes_per_person) {
            return Err(invalid(format!(
                "Each person gets 1 to {MAX_VOTES_PER_PERSON} votes."
            )));
        }
        if settings.title.chars().count() > MAX_TITLE_CHARS {
            return Err(invalid(format!(
                "A title has at most {MAX_TITLE_CHARS} characters."
            )));
        }
        if let Some(frame) = &settings.frame {
            if !read_element(content, frame).is_some_and(|e| e.is_frame()) {
                return Err(Refusal::new(
                    RefusalCode::NotFound,
                    "The round's frame is not on the board.",
                ));
            }
        }
        if settings.time_limit_ms == Some(0) {
            return Err(invalid("A time limit must be longer than zero."));
        }
        let mut changed = if self.open_round().is_some() {
            self.end_open_round(now_ms)
        } else {
            Changed::default()
        };
        let id = self.rounds.last().map_or(1, |r| r.round.id + 1);
        let ends_ms = settings.time_limit_ms.map(|t| now_ms.saturating_add(t));
        self.rounds.push(RoundState {
            round: Round {
                id,
                settings,
                started_ms: now_ms,
                ends_ms,
                ended_ms: None,
                voters: 0,
                finished: 0,
                results: Vec::new(),
            },
            ballots: BTreeMap::new(),
        });
        changed.board = true;
        Ok(changed)
    }

    /// Ends the open round at `at_ms`: tallies the ballots into results (with the
    /// voters in a named round) and publishes them.
    fn end_open_round(&mut self, at_ms: u64) -> Changed {
        let Some(state) = self.rounds.last_mut().filter(|r| r.round.is_open()) else {
            return Changed::default();
        };
        let mut tally: BTreeMap<&str, Vec<&ParticipantId>> = BTreeMap::new();
        for (who, dots) in &state.ballots {
            for element in dots {
                tally.entry(element).or_default().push(who);
            }
        }
        let named = state.round.settings.named;
        let mut results: Vec<Tally> = tally
            .into_iter()
            .map(|(element, by)| Tally {
                element: element.to_owned(),
                votes: by.len() as u32,
                by: if named {
                    by.into_iter().cloned().collect()
                } else {
                    Vec::new()
                },
            })
            .collect();
        // Most votes first; ties in id order, so every screen ranks alike.
        results.sort_by(|a, b| b.votes.cmp(&a.votes).then(a.element.cmp(&b.element)));
        state.round.results = results;
        state.round.ended_ms = Some(at_ms);
        Changed {
            board: true,
            own: state.ballots.keys().cloned().collect(),
            ..Changed::default()
        }
    }

    fn open_round_for_voting(
        &mut self,
        round: u32,
        now_ms: u64,
    ) -> Result<&mut RoundState, Refusal> {
        match self.rounds.last_mut() {
            Some(r) if r.round.id == round && r.round.is_open() => {
                if r.round.ends_ms.is_some_and(|end| end <= now_ms) {
                    return Err(not_now("The round's time is up."));
                }
                Ok(r)
            }
            _ => Err(not_now(format!("Round {round} is not open for votes."))),
        }
    }

    fn vote(
        &mut self,
        caller: Caller<'_>,
        round: u32,
        element: String,
        now_ms: u64,
        content: &Doc,
    ) -> Result<Changed, Refusal> {
        if caller.role == Role::Viewer {
            return Err(Refusal::new(
                RefusalCode::Forbidden,
                "Viewers watch the vote; they do not take part.",
            ));
        }
        let state = self.open_round_for_voting(round, now_ms)?;
        let settings = &state.round.settings;
        if !read_element(content, &element).is_some_and(|e| settings.admits(&e)) {
            return Err(Refusal::new(
                RefusalCode::NotFound,
                "That element cannot get votes in this round.",
            ));
        }
        let allowance = settings.votes_per_person as usize;
        let several = settings.several_per_element;
        let dots = state.ballots.entry(caller.participant.clone()).or_default();
        if dots.len() >= allowance {
            return Err(Refusal::new(
                RefusalCode::LimitReached,
                format!("You have placed all {allowance} of your votes."),
            ));
        }
        if !several && dots.contains(&element) {
            return Err(Refusal::new(
                RefusalCode::LimitReached,
                "This round allows one vote per element.",
            ));
        }
        dots.push(element);
        Ok(self.recount(caller.participant))
    }

    fn unvote(
        &mut self,
        caller: Caller<'_>,
        round: u32,
        element: &str,
        now_ms: u64,
    ) -> Result<Changed, Refusal> {
        let state = self.open_round_for_voting(round, now_ms)?;
        let dots = state
            .ballots
            .get_mut(caller.participant)
            .ok_or_else(|| Refusal::new(RefusalCode::NotFound, "You have no vote there."))?;
        let at = dots
            .iter()
            .rposition(|e| e == element)
            .ok_or_else(|| Refusal::new(RefusalCode::NotFound, "You have no vote there."))?;
        dots.remove(at);
        if dots.is_empty() {
            state.ballots.remove(caller.participant);
        }
        Ok(self.recount(caller.participant))
    }

    /// Updates the open round's public counts after `who` changed their ballot;
    /// everyone is told only if a count changed.
    fn recount(&mut self, who: &ParticipantId) -> Changed {
        let Some(state) = self.rounds.last_mut() else {
            return Changed::default();
        };
        let allowance = state.round.settings.votes_per_person as usize;
        let voters = state.ballots.len() as u32;
        let finished = state
            .ballots
            .values()
            .filter(|d| d.len() >= allowance)
            .count() as u32;
        let board = (voters, finished) != (state.round.voters, state.round.finished);
        state.round.voters = voters;
        state.round.finished = finished;
        Changed {
            board,
            own: vec![who.clone()],
            ..Changed::default()
        }
    }

    fn private_note(
        &mut self,
        caller: Caller<'_>,
        mut element: Element,
        now_ms: u64,
        content: &Doc,
    ) -> Result<Changed, Refusal> {
        if !caller.role.can_write(DocKind::Content) {
            return Err(Refusal::new(
                RefusalCode::Forbidden,
                format!("Your role ({}) does not add notes.", caller.role),
            ));
        }
        if self.frozen && !caller.role.can_facilitate() {
            return Err(not_now("The board is frozen."));
        }
        if !may_be_private(&element) {
            return Err(invalid("Private notes are notes, text or shapes."));
        }
        if element.base.id.is_empty() || element.base.id.len() > 64 {
            return Err(invalid("A note needs an id of 1 to 64 characters."));
        }
        if serde_json::to_vec(&element).map_or(usize::MAX, |j| j.len()) > MAX_NOTE_BYTES {
            return Err(invalid(format!(
                "A private note holds at most {MAX_NOTE_BYTES} bytes."
            )));
        }
        let Some(private) = self.private.as_mut() else {
            return Err(not_now("Private brainstorming is not running."));
        };
        let taken_by_other = private.notes.iter().any(|(who, notes)| {
            who != caller.participant && notes.iter().any(|n| n.base.id == element.base.id)
        });
        if taken_by_other || read_element(content, &element.base.id).is_some() {
            return Err(invalid("That id is already taken."));
        }
        element.base.locked = false;
        if element.base.created_ms == 0 {
            element.base.created_ms = now_ms;
        }
        let mine = private.notes.entry(caller.participant.clone()).or_default();
        let board = match mine.iter().position(|n| n.base.id == element.base.id) {
            Some(at) => {
                mine[at] = element;
                false
            }
            None if mine.len() >= MAX_PRIVATE_NOTES => {
                return Err(Refusal::new(
                    RefusalCode::LimitReached,
                    format!("At most {MAX_PRIVATE_NOTES} private notes each."),
                ));
            }
            None => {
                mine.push(element);
                true
            }
        };
        Ok(Changed {
            board,
            own: vec![caller.participant.clone()],
            ..Changed::default()
        })
    }

    fn delete_private_note(&mut self, caller: Caller<'_>, id: &str) -> Result<Changed, Refusal> {
        let mine = self
            .private
            .as_mut()
            .and_then(|p| p.notes.get_mut(caller.participant))
            .ok_or_else(|| Refusal::new(RefusalCode::NotFound, "You have no such note."))?;
        let at = mine
            .iter()
            .position(|n| n.base.id == id)
            .ok_or_else(|| Refusal::new(RefusalCode::NotFound, "You have no such note."))?;
        mine.remove(at);
        Ok(Changed {
            board: true,
            own: vec![caller.participant.clone()],
            ..Changed::default()
        })
    }

    fn reveal(&mut self, anonymous: bool, content: &Doc) -> Result<Changed, Refusal> {
        let Some(private) = self.private.take() else {
            return Err(not_now("Private brainstorming is not running."));
        };
        let mut own = Vec::new();
        let mut reveal = Vec::new();
        for (who, notes) in private.notes {
            let author = if anonymous {
                String::new()
            } else {
                self.name_of(&who)
            };
            for mut note in notes {
                // Ids were checked when the notes came in; a note someone made on
                // the board since under the same id keeps its place, and this one
                // gets a fresh id rather than overwriting it.
                if read_element(content, &note.base.id).is_some() {
                    note.base.id = format!("{}-{}", note.base.id, reveal.len());
                }
                note.base.author = author.clone();
                reveal.push(note);
            }
            own.push(who);
        }
        Ok(Changed {
            board: true,
            own,
            reveal,
            ..Changed::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tafel_shared::geometry::Rect;
    use tafel_shared::workshop::RoundSettings;

    fn pid(c: char) -> ParticipantId {
        ParticipantId::parse(&c.to_string().repeat(22)).unwrap()
    }

    fn board_with(notes: &[&str]) -> Doc {
        let doc = Doc::new();
        let elements = doc.get_or_insert_map(schema::ROOT_ELEMENTS);
        let mut txn = doc.transact_mut();
        for (i, id) in notes.iter().enumerate() {
            Element::sticky(
                *id,
                Rect::new(i as f64 * 200.0, 0.0, 160.0, 160.0),
                "#fff",
                id,
            )
            .insert(&mut txn, &elements);
        }
        drop(txn);
        doc
    }

    fn facilitator(p: &ParticipantId) -> Caller<'_> {
        Caller {
            role: Role::Facilitator,
            participant: p,
        }
    }

    fn editor(p: &ParticipantId) -> Caller<'_> {
        Caller {
            role: Role::Editor,
            participant: p,
        }
    }

    fn vote(
        w: &mut Workshop,
        who: Caller<'_>,
        element: &str,
        doc: &Doc,
    ) -> Result<Changed, Refusal> {
        let round = w.rounds.last().unwrap().round.id;
        w.apply(
            who,
            Action::Vote {
                round,
                element: element.into(),
            },
            10,
            doc,
        )
    }

    #[test]
    fn ballots_stay_out_of_the_board_view_until_the_end() {
        let doc = board_with(&["a", "b"]);
        let (f, ben, ada) = (pid('f'), pid('b'), pid('a'));
        let mut w = Workshop::default();
        w.apply(
            facilitator(&f),
            Action::StartRound {
                settings: RoundSettings::new("Was zuerst?", 2),
            },
            1,
            &doc,
        )
        .unwrap();
        vote(&mut w, editor(&ben), "a", &doc).unwrap();
        vote(&mut w, editor(&ben), "b", &doc).unwrap();
        vote(&mut w, editor(&ada), "a", &doc).unwrap();
        let open = w.board_view();
        let json = serde_json::to_string(&open).unwrap();
        assert!(!json.contains("\"a\"") && !json.contains("\"b\""), "{json}");
        assert_eq!((open.rounds[0].voters, open.rounds[0].finished), (2, 1));
        assert_eq!(w.own_view(&ben).ballot, ["a", "b"]);
        assert!(w.own_view(&ada).ballot == ["a"]);
        let ended = w
            .apply(facilitator(&f), Action::EndRound { round: 1 }, 20, &doc)
            .unwrap();
        assert!(ended.board);
        let results = &w.board_view().rounds[0].results;
        assert_eq!(
            results
                .iter()
                .map(|t| (t.element.as_str(), t.votes, t.by.len()))
                .collect::<Vec<_>>(),
            [("a", 2, 0), ("b", 1, 0)],
            "anonymous by default"
        );
        assert!(w.own_view(&ben).ballot.is_empty());
    }

    #[test]
    fn allowance_scope_and_roles_are_checked() {
        let doc = board_with(&["a", "b", "c"]);
        let (f, ben, vic) = (pid('f'), pid('b'), pid('v'));
        let mut w = Workshop::default();
        let start = |w: &mut Workshop, s: RoundSettings| {
            w.apply(facilitator(&f), Action::StartRound { settings: s }, 1, &doc)
        };
        assert_eq!(
            w.apply(
                editor(&ben),
                Action::StartRound {
                    settings: RoundSettings::new("x", 1)
                },
                1,
                &doc
            )
            .unwrap_err()
            .code,
            RefusalCode::Forbidden
        );
        assert_eq!(
            start(&mut w, RoundSettings::new("x", 0)).unwrap_err().code,
            RefusalCode::InvalidArgument
        );
        start(&mut w, RoundSettings::new("x", 2)).unwrap();
        vote(&mut w, editor(&ben), "a", &doc).unwrap();
        let code = |r: Result<Changed, Refusal>| r.unwrap_err().code;
        assert_eq!(
            code(vote(&mut w, editor(&ben), "a", &doc)),
            RefusalCode::LimitReached
        );
        assert_eq!(
            code(vote(&mut w, editor(&ben), "zz", &doc)),
            RefusalCode::NotFound
        );
        vote(&mut w, editor(&ben), "b", &doc).unwrap();
        assert_eq!(
            code(vote(&mut w, editor(&ben), "c", &doc)),
            RefusalCode::LimitReached
        );
        let viewer = Caller {
            role: Role::Viewer,
            participant: &vic,
        };
        assert_eq!(
            code(vote(&mut w, viewer, "c", &doc)),
            RefusalCode::Forbidden
        );
        // Taking a dot back frees it.
        w.apply(
            editor(&ben),
            Action::Unvote {
                round: 1,
                element: "a".into(),
            },
            10,
            &doc,
        )
        .unwrap();
        vote(&mut w, editor(&ben), "c", &doc).unwrap();
        // Several dots on one element, when the round allows it.
        start(
            &mut w,
            RoundSettings {
                several_per_element: true,
                named: true,
                ..RoundSettings::new("y", 3)
            },
        )
        .unwrap();
        for _ in 0..3 {
            vote(&mut w, editor(&ben), "a", &doc).unwrap();
        }
        w.apply(facilitator(&f), Action::EndRound { round: 2 }, 30, &doc)
            .unwrap();
        let round = &w.board_view().rounds[1];
        assert_eq!(round.results[0].votes, 3);
        assert_eq!(round.results[0].by, vec![ben.clone(); 3]);
        assert!(
            w.board_view().rounds[0].ended_ms.is_some(),
            "starting round 2 ended round 1"
        );
    }

    #[test]
    fn a_time_limit_ends_the_round_by_itself() {
        let doc = board_with(&["a"]);
        let (f, ben) = (pid('f'), pid('b'));
        let mut w = Workshop::default();
        w.apply(
            facilitator(&f),
            Action::StartRound {
                settings: RoundSettings {
                    time_limit_ms: Some(5),
                    ..RoundSettings::new("x", 1)
                },
            },
            1,
            &doc,
        )
        .unwrap();
        assert_eq!(w.deadline(), Some(6));
        assert!(!w.tick(5).is_some());
        assert_eq!(
            w.apply(
                editor(&ben),
                Action::Vote {
                    round: 1,
                    element: "a".into()
                },
                7,
                &doc
            )
            .unwrap_err()
            .code,
            RefusalCode::NotNow
        );
        assert!(w.tick(7).board);
        assert_eq!(w.board_view().rounds[0].ended_ms, Some(6));
        assert_eq!(w.deadline(), None);
    }

    #[test]
    fn private_notes_are_counted_for_all_and_revealed_with_or_without_names() {
        let doc = board_with(&["taken"]);
        let (f, ben, ada) = (pid('f'), pid('b'), pid('a'));
        let mut w = Workshop::default();
        w.apply(
            editor(&ben),
            Action::Introduce { name: "Ben".into() },
            0,
            &doc,
        )
        .unwrap();
        let note = |id: &str, text: &str| Action::PrivateNote {
            element: Box::new(Element::sticky(
                id,
                Rect::new(0.0, 0.0, 160.0, 160.0),
                "#fff",
                text,
            )),
        };
        assert_eq!(
            w.apply(editor(&ben), note("n1", "x"), 1, &doc)
                .unwrap_err()
                .code,
            RefusalCode::NotNow,
            "not before private mode"
        );
        w.apply(facilitator(&f), Action::StartPrivate, 1, &doc)
            .unwrap();
        w.apply(editor(&ben), note("n1", "geheim"), 2, &doc)
            .unwrap();
        w.apply(editor(&ben), note("n2", "auch geheim"), 2, &doc)
            .unwrap();
        w.apply(editor(&ada), note("n3", "Adas"), 2, &doc).unwrap();
        // Ids: not another person's, not an element on the board.
        assert_eq!(
            w.apply(editor(&ada), note("n1", "x"), 2, &doc)
                .unwrap_err()
                .code,
            RefusalCode::InvalidArgument
        );
        assert_eq!(
            w.apply(editor(&ada), note("taken", "x"), 2, &doc)
                .unwrap_err()
                .code,
            RefusalCode::InvalidArgument
        );
        // Editing one's own note replaces it.
        w.apply(editor(&ben), note("n2", "geändert"), 3, &doc)
            .unwrap();
        let view = w.board_view();
        let json = serde_json::to_string(&view).unwrap();
        assert!(!json.contains("geheim") && !json.contains("Adas"), "{json}");
        assert_eq!(
            view.private.unwrap().hidden,
            vec![(ada.clone(), 1), (ben.clone(), 2)]
        );
        assert_eq!(w.own_view(&ben).notes[1].text(), "geändert");
        assert!(w.own_view(&f).notes.is_empty());
        // Only facilitators reveal.
        assert_eq!(
            w.apply(editor(&ben), Action::Reveal { anonymous: false }, 4, &doc)
                .unwrap_err()
                .code,
            RefusalCode::Forbidden
        );
        let revealed = w
            .apply(
                facilitator(&f),
                Action::Reveal { anonymous: false },
                4,
                &doc,
            )
            .unwrap();
        assert_eq!(revealed.reveal.len(), 3);
        assert!(revealed
            .reveal
            .iter()
            .any(|n| n.text() == "geheim" && n.base.author == "Ben"));
        assert!(w.board_view().private.is_none());
        assert!(w.own_view(&ben).notes.is_empty());
        // Anonymous reveal drops names.
        w.apply(facilitator(&f), Action::StartPrivate, 5, &doc)
            .unwrap();
        w.apply(editor(&ben), note("n9", "anonym"), 6, &doc)
            .unwrap();
        let revealed = w
            .apply(facilitator(&f), Action::Reveal { anonymous: true }, 7, &doc)
            .unwrap();
        assert_eq!(revealed.reveal[0].base.author, "");
    }

    #[test]
    fn state_survives_a_round_trip_through_the_store() {
        let doc = board_with(&["a"]);
        let (f, ben) = (pid('f'), pid('b'));
        let mut w = Workshop::default();
        w.apply(
            facilitator(&f),
            Action::StartRound {
                settings: RoundSettings::new("x", 1),
            },
            1,
            &doc,
        )
        .unwrap();
        vote(&mut w, editor(&ben), "a", &doc).unwrap();
        w.apply(facilitator(&f), Action::Freeze { frozen: true }, 2, &doc)
            .unwrap();
        let back = Workshop::from_json(&w.to_json()).unwrap();
        assert_eq!(back.own_view(&ben).ballot, ["a"]);
        assert!(back.is_frozen());
        assert_eq!(back.board_view(), w.board_view());
    }
}
