//! The workshop state the server keeps beside a board's content: voting rounds with
//! secret ballots, private brainstorming, the frozen flag and who is who. Only the
//! server holds the secrets; clients learn what they may see through
//! [`WorkshopView`]s (wire type [`crate::protocol::MSG_WORKSHOP`]):
//!
//! - [`BoardView`] goes to everyone on the board: rounds with their settings and,
//!   once ended, their results; how many people voted; how many notes each person
//!   holds back in private mode; the roster of participants.
//! - [`OwnView`] goes only to the sockets of one participant: their own ballot and
//!   their own private notes. No other socket ever receives it.
//! - The roster comes whole in the board view a socket gets when it connects;
//!   after that, board views leave `people` empty and [`WorkshopView::People`]
//!   brings who joined or renamed, so a room of hundreds does not resend its
//!   whole roster to everyone at every vote or join ([`BoardView::update`]).
//!
//! Everything here changes through [`crate::action`]s sent on the content socket.

use crate::element::Element;
use crate::ids::ParticipantId;
use crate::roles::Role;
use crate::schema::ElementKind;
use serde::{Deserialize, Serialize};

/// Most notes one person may hold back in one private round.
pub const MAX_PRIVATE_NOTES: usize = 200;
/// Most votes per person a round may give.
pub const MAX_VOTES_PER_PERSON: u32 = 50;
/// Longest round or note title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 60;

/// How a facilitator sets up a voting round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundSettings {
    /// What the round decides ("Which idea do we build first?").
    pub title: String,
    /// Dots each person may place.
    pub votes_per_person: u32,
    /// Whether one person may put several dots on the same element.
    #[serde(default)]
    pub several_per_element: bool,
    /// Only elements inside this frame count; `None` = the whole board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<String>,
    /// Kinds that may get votes; empty = notes, text, shapes and images.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<ElementKind>,
    /// The round ends by itself after this long.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_ms: Option<u64>,
    /// After the end, each dot shows who placed it. Anonymous by default.
    #[serde(default)]
    pub named: bool,
}

impl RoundSettings {
    /// An anonymous round over the whole board's notes, shapes, text and images.
    pub fn new(title: impl Into<String>, votes_per_person: u32) -> Self {
        Self {
            title: title.into(),
            votes_per_person,
            several_per_element: false,
            frame: None,
            kinds: Vec::new(),
            time_limit_ms: None,
            named: false,
        }
    }

    /// Whether an element may get votes in this round.
    pub fn admits(&self, element: &Element) -> bool {
        let kind_ok = match element.kind() {
            None => false,
            Some(kind) if self.kinds.is_empty() => matches!(
                kind,
                ElementKind::Sticky | ElementKind::Text | ElementKind::Shape | ElementKind::Image
            ),
            Some(kind) => self.kinds.contains(&kind),
        };
        let frame_ok = self
            .frame
            .as_ref()
            .is_none_or(|frame| element.base.parent == *frame);
        kind_ok && frame_ok
    }
}

/// One voting round as everyone sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    /// Numbered from 1 per board.
    pub id: u32,
    /// How it was set up.
    pub settings: RoundSettings,
    /// When it started (server clock, ms since the epoch).
    pub started_ms: u64,
    /// When it ends by itself, if it has a time limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_ms: Option<u64>,
    /// When it ended; `None` while open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_ms: Option<u64>,
    /// People who placed at least one dot (no word on where).
    pub voters: u32,
    /// People who placed all their dots.
    pub finished: u32,
    /// Dots per element, most first; empty until the round ends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<Tally>,
}

impl Round {
    /// Whether participants may still vote.
    pub fn is_open(&self) -> bool {
        self.ended_ms.is_none()
    }

    /// The dots on one element, once the round has ended.
    pub fn votes_for(&self, element: &str) -> Option<&Tally> {
        self.results.iter().find(|t| t.element == element)
    }
}

/// The result for one element.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// The element's id.
    pub element: String,
    /// Its dots.
    pub votes: u32,
    /// Who placed them, one entry per dot, in a named round; empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by: Vec<ParticipantId>,
}

/// Private brainstorming while it runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateRound {
    /// When the facilitator started it.
    pub started_ms: u64,
    /// How many notes each person holds back (never their content).
    pub hidden: Vec<(ParticipantId, u32)>,
}

/// Someone who has been on the board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Their participant id.
    pub id: ParticipantId,
    /// The name they chose.
    pub name: String,
    /// The role of the link they came with (the strongest, if several).
    pub role: Role,
}

/// What everyone on the board sees of the workshop state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardView {
    /// Every round so far, oldest first; at most the last one is open.
    pub rounds: Vec<Round>,
    /// Private brainstorming, while it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<PrivateRound>,
    /// The board is read-only for everyone but facilitators.
    #[serde(default)]
    pub frozen: bool,
    /// Who has been on the board (whole only in the view sent on connect).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<Person>,
}

impl BoardView {
    /// Takes a newer board view, keeping the roster when the newer one carries
    /// none (only the view sent on connect does).
    pub fn update(&mut self, mut next: BoardView) {
        if next.people.is_empty() {
            next.people = std::mem::take(&mut self.people);
        }
        *self = next;
    }

    /// Adds people who joined and renames those who changed their name.
    pub fn upsert_people(&mut self, people: Vec<Person>) {
        for person in people {
            match self.people.iter_mut().find(|p| p.id == person.id) {
                Some(known) => *known = person,
                None => self.people.push(person),
            }
        }
    }

    /// The round that is open now.
    pub fn open_round(&self) -> Option<&Round> {
        self.rounds.last().filter(|r| r.is_open())
    }

    /// The name someone chose, or a short form of their id.
    pub fn name_of(&self, id: &ParticipantId) -> String {
        self.people
            .iter()
            .find(|p| p.id == *id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| format!("#{}", &id.as_str()[..6]))
    }
}

/// What only one participant sees: their own secrets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnView {
    /// Who this is.
    pub me: ParticipantId,
    /// The dots they placed in the open round (an element once per dot).
    #[serde(default)]
    pub ballot: Vec<String>,
    /// The notes they hold back in private mode.
    #[serde(default)]
    pub notes: Vec<Element>,
}

/// A message from the server about the workshop state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "view", rename_all = "kebab-case")]
pub enum WorkshopView {
    /// Everyone's view, whole.
    Board(BoardView),
    /// One participant's own view.
    Own(OwnView),
    /// People who joined the roster or changed name or role since (a struct
    /// variant: a tagged list must be a field).
    People {
        /// Who joined or changed.
        people: Vec<Person>,
    },
}

/// Whether an element may be held back as a private note: notes, text and
/// shapes (what people brainstorm with). The server refuses other kinds, and the
/// client sends other kinds to the board even in private mode.
pub fn may_be_private(element: &Element) -> bool {
    matches!(
        element.kind(),
        Some(ElementKind::Sticky | ElementKind::Text | ElementKind::Shape)
    )
}

/// Results of an ended round as CSV (rank, votes, element, label, and voters in a
/// named round), for spreadsheets and Jira imports. `label` gives an element's
/// text; `name` a voter's name.
pub fn results_csv(
    round: &Round,
    label: impl Fn(&str) -> String,
    name: impl Fn(&ParticipantId) -> String,
) -> String {
    let mut out = String::from("rank,votes,element,label");
    if round.settings.named {
        out.push_str(",voters");
    }
    out.push('\n');
    for (i, tally) in round.results.iter().enumerate() {
        let mut row = vec![
            (i + 1).to_string(),
            tally.votes.to_string(),
            csv_field(&tally.element),
            csv_field(&label(&tally.element)),
        ];
        if round.settings.named {
            let names: Vec<String> = tally.by.iter().map(&name).collect();
            row.push(csv_field(&names.join("; ")));
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// One CSV field: quoted when it holds a separator, a quote or a line break, and
/// with a leading `'` when a spreadsheet would run it as a formula.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Rect;

    fn pid(c: char) -> ParticipantId {
        ParticipantId::parse(&c.to_string().repeat(22)).unwrap()
    }

    #[test]
    fn rounds_admit_by_kind_and_frame() {
        let mut note = Element::sticky("n", Rect::new(0.0, 0.0, 10.0, 10.0), "#fff", "x");
        let frame = Element::new(
            "f",
            Rect::new(0.0, 0.0, 100.0, 100.0),
            crate::element::Props::new(ElementKind::Frame),
        );
        let whole = RoundSettings::new("t", 3);
        assert!(whole.admits(&note));
        assert!(!whole.admits(&frame), "frames take no votes by default");
        let in_frame = RoundSettings {
            frame: Some("f".into()),
            ..whole.clone()
        };
        assert!(!in_frame.admits(&note));
        note.base.parent = "f".into();
        assert!(in_frame.admits(&note));
        let frames_only = RoundSettings {
            kinds: vec![ElementKind::Frame],
            ..whole
        };
        assert!(frames_only.admits(&frame) && !frames_only.admits(&note));
    }

    #[test]
    fn views_round_trip_as_tagged_json() {
        let view = WorkshopView::Board(BoardView {
            rounds: vec![Round {
                id: 1,
                settings: RoundSettings::new("Was zuerst?", 3),
                started_ms: 5,
                ends_ms: None,
                ended_ms: Some(9),
                voters: 2,
                finished: 1,
                results: vec![Tally {
                    element: "n".into(),
                    votes: 2,
                    by: vec![],
                }],
            }],
            private: None,
            frozen: true,
            people: vec![Person {
                id: pid('a'),
                name: "Ben".into(),
                role: Role::Editor,
            }],
        });
        let json = serde_json::to_string(&view).unwrap();
        assert!(json.starts_with(r#"{"view":"board""#), "{json}");
        assert_eq!(serde_json::from_str::<WorkshopView>(&json).unwrap(), view);
        let people = WorkshopView::People {
            people: vec![Person {
                id: pid('b'),
                name: "Ben".into(),
                role: Role::Editor,
            }],
        };
        let json = serde_json::to_string(&people).unwrap();
        assert_eq!(serde_json::from_str::<WorkshopView>(&json).unwrap(), people);
    }

    #[test]
    fn csv_quotes_separators_and_defuses_formulas() {
        let round = Round {
            id: 1,
            settings: RoundSettings {
                named: true,
                ..RoundSettings::new("t", 2)
            },
            started_ms: 0,
            ends_ms: None,
            ended_ms: Some(1),
            voters: 2,
            finished: 2,
            results: vec![
                Tally {
                    element: "a".into(),
                    votes: 2,
                    by: vec![pid('x'), pid('y')],
                },
                Tally {
                    element: "b".into(),
                    votes: 1,
                    by: vec![pid('x')],
                },
            ],
        };
        let csv = results_csv(
            &round,
            |id| match id {
                "a" => "Kunde, \"zuerst\"".into(),
                _ => "=HYPERLINK(1)".into(),
            },
            |p| if *p == pid('x') { "Ben" } else { "Ada" }.into(),
        );
        assert_eq!(
            csv,
            "rank,votes,element,label,voters\n\
             1,2,a,\"Kunde, \"\"zuerst\"\"\",Ben; Ada\n\
             2,1,b,'=HYPERLINK(1),Ben\n"
        );
    }
}
