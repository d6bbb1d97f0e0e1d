//! Workshop templates: the frames (and hints) a new board starts with. Templates are
//! data here so the server, the client and the tests create identical boards.

use crate::element::{Element, FrameProps, Props};
use crate::geometry::Rect;
use crate::schema;
use yrs::{Doc, Transact};

/// A template a board can start from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Template {
    /// An empty board.
    Blank,
    /// Vision board: where we want to be, and why.
    Vision,
    /// Business model canvas (strategy canvas).
    BusinessModelCanvas,
    /// Strengths, weaknesses, opportunities, threats.
    Swot,
    /// Role map: actors, their roles, how they see them, who decides.
    RoleMap,
    /// Track → think → make phase board.
    Phases,
    /// Retrospective: went well, to improve, actions.
    Retrospective,
}

impl Template {
    /// Every template, in the order a picker shows them.
    pub const ALL: [Template; 7] = [
        Template::Blank,
        Template::Vision,
        Template::BusinessModelCanvas,
        Template::Swot,
        Template::RoleMap,
        Template::Phases,
        Template::Retrospective,
    ];

    /// The id used in the API.
    pub fn id(self) -> &'static str {
        match self {
            Template::Blank => "blank",
            Template::Vision => "vision",
            Template::BusinessModelCanvas => "business-model-canvas",
            Template::Swot => "swot",
            Template::RoleMap => "role-map",
            Template::Phases => "track-think-make",
            Template::Retrospective => "retrospective",
        }
    }

    /// A name for people.
    pub fn name(self) -> &'static str {
        match self {
            Template::Blank => "Blank board",
            Template::Vision => "Vision board",
            Template::BusinessModelCanvas => "Business model canvas",
            Template::Swot => "SWOT analysis",
            Template::RoleMap => "Role map",
            Template::Phases => "Track → Think → Make",
            Template::Retrospective => "Retrospective",
        }
    }

    /// Finds a template by id; an empty id means blank.
    pub fn parse(id: &str) -> Option<Template> {
        if id.is_empty() {
            return Some(Template::Blank);
        }
        Template::ALL.into_iter().find(|t| t.id() == id)
    }

    /// Frame titles laid out as (column, row, columns spanned, rows spanned) on a grid.
    pub fn frames(self) -> &'static [(&'static str, u8, u8, u8, u8)] {
        match self {
            Template::Blank => &[],
            Template::Vision => &[
                ("Where we are today", 0, 0, 1, 1),
                ("Where we want to be", 1, 0, 1, 1),
                ("Why it matters", 2, 0, 1, 1),
                ("What success looks like", 0, 1, 3, 1),
            ],
            Template::BusinessModelCanvas => &[
                ("Key partners", 0, 0, 1, 2),
                ("Key activities", 1, 0, 1, 1),
                ("Key resources", 1, 1, 1, 1),
                ("Value propositions", 2, 0, 1, 2),
                ("Customer relationships", 3, 0, 1, 1),
                ("Channels", 3, 1, 1, 1),
                ("Customer segments", 4, 0, 1, 2),
                ("Cost structure", 0, 2, 2, 1),
                ("Revenue streams", 2, 2, 3, 1),
            ],
            Template::Swot => &[
                ("Strengths", 0, 0, 1, 1),
                ("Weaknesses", 1, 0, 1, 1),
                ("Opportunities", 0, 1, 1, 1),
                ("Threats", 1, 1, 1, 1),
            ],
            Template::RoleMap => &[
                ("Actors", 0, 0, 1, 1),
                ("Their roles", 1, 0, 1, 1),
                ("How they see it", 2, 0, 1, 1),
                ("Who decides", 3, 0, 1, 1),
            ],
            Template::Phases => &[
                ("Track: analyse the status quo", 0, 0, 1, 1),
                ("Think: vision, strategy, concept", 1, 0, 1, 1),
                ("Make: build", 2, 0, 1, 1),
            ],
            Template::Retrospective => &[
                ("Went well", 0, 0, 1, 1),
                ("To improve", 1, 0, 1, 1),
                ("Actions", 2, 0, 1, 1),
            ],
        }
    }

    /// Builds a new board's documents from this template. Its frames go into the
    /// locked layer, so the background of a workshop cannot be dragged away by
    /// accident (a facilitator unlocks them to change them).
    pub fn build(self, created_ms: u64) -> BoardDocs {
        const CELL_W: f64 = 640.0;
        const CELL_H: f64 = 480.0;
        const GAP: f64 = 40.0;
        let content = Doc::new();
        {
            let meta = content.get_or_insert_map(schema::ROOT_META);
            schema::stamp_schema_version(&mut content.transact_mut(), &meta);
        }
        let doc = Doc::new();
        let elements = schema::elements(&doc);
        let meta = doc.get_or_insert_map(schema::ROOT_META);
        {
            let mut txn = doc.transact_mut();
            schema::stamp_schema_version(&mut txn, &meta);
            for (i, &(title, col, row, cols, rows)) in self.frames().iter().enumerate() {
                let rect = Rect::new(
                    f64::from(col) * (CELL_W + GAP),
                    f64::from(row) * (CELL_H + GAP),
                    f64::from(cols) * CELL_W + f64::from(cols - 1) * GAP,
                    f64::from(rows) * CELL_H + f64::from(rows - 1) * GAP,
                );
                let title = title.to_owned();
                let mut frame = Element::new(
                    format!("frame-{i}"),
                    rect,
                    Props::Frame(FrameProps { title }),
                );
                // Frames sit below everything placed later ("a" < "b…").
                frame.base.z = format!("a{i:03}");
                frame.base.locked = true;
                frame.base.created_ms = created_ms;
                frame.insert(&mut txn, &elements);
            }
        }
        let session = Doc::new();
        {
            let room = crate::session::room_map(&session);
            let state = crate::session::RoomState {
                agenda: self.agenda(),
                ..Default::default()
            };
            state.write(&mut session.transact_mut(), &room);
        }
        BoardDocs {
            content,
            locked: doc,
            session,
        }
    }

    /// The agenda a workshop from this template starts with: one step per frame,
    /// in the frames' order, with a time box where the format has a usual one.
    pub fn agenda(self) -> Vec<crate::session::AgendaStep> {
        let minutes = match self {
            Template::Phases => Some(20),
            Template::Retrospective => Some(10),
            _ => None,
        };
        self.frames()
            .iter()
            .enumerate()
            .map(|(i, (title, ..))| crate::session::AgendaStep {
                title: (*title).to_owned(),
                frame: Some(format!("frame-{i}")),
                minutes,
            })
            .collect()
    }
}

/// The documents a new board starts with.
pub struct BoardDocs {
    /// What everyone edits (empty but for the schema version).
    pub content: Doc,
    /// The locked layer: the template's frames.
    pub locked: Doc,
    /// The session document: the template's agenda.
    pub session: Doc,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::read_all;

    #[test]
    fn every_template_id_parses_back() {
        for t in Template::ALL {
            assert_eq!(Template::parse(t.id()), Some(t));
        }
        assert_eq!(Template::parse(""), Some(Template::Blank));
        assert_eq!(Template::parse("kanban"), None);
    }

    #[test]
    fn templates_build_their_frames_without_overlap() {
        for t in Template::ALL {
            let built = t.build(0);
            let room = crate::session::room_map(&built.session);
            let agenda = crate::session::RoomState::read(&built.session.transact(), &room).agenda;
            assert_eq!(agenda.len(), t.frames().len(), "{t:?}: a step per frame");
            let doc = built.locked;
            let elements = schema::elements(&doc);
            let all = read_all(&doc.transact(), &elements);
            assert_eq!(all.len(), t.frames().len(), "{t:?}");
            let mut rects = Vec::new();
            for (title, ..) in t.frames() {
                let frame = all
                    .iter()
                    .find(|e| matches!(&e.props, Props::Frame(f) if f.title == *title))
                    .unwrap_or_else(|| panic!("{t:?} lacks frame {title}"));
                assert!(frame.base.locked, "{t:?}: {title} is locked");
                rects.push(frame.base.rect);
            }
            for (i, a) in rects.iter().enumerate() {
                for b in &rects[i + 1..] {
                    let apart = a.right() <= b.x
                        || b.right() <= a.x
                        || a.bottom() <= b.y
                        || b.bottom() <= a.y;
                    assert!(apart, "{t:?}: frames {a:?} and {b:?} overlap");
                }
            }
        }
    }
}
