//! Workshop templates: the frames (and hints) a new board starts with. Templates are
//! data here so the server, the client and the tests create identical boards.

use crate::element::{Element, FrameProps, Props};
use crate::geometry::Rect;
use crate::i18n::{self, Lang};
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

    /// A name for people, in `lang`.
    pub fn name(self, lang: Lang) -> String {
        i18n::text(lang, &format!("template-{}", self.id()))
    }

    /// Finds a template by id; an empty id means blank.
    pub fn parse(id: &str) -> Option<Template> {
        if id.is_empty() {
            return Some(Template::Blank);
        }
        Template::ALL.into_iter().find(|t| t.id() == id)
    }

    /// Frames as (catalogue key of the title, column, row, columns spanned, rows
    /// spanned) on a grid.
    pub fn frames(self) -> &'static [(&'static str, u8, u8, u8, u8)] {
        match self {
            Template::Blank => &[],
            Template::Vision => &[
                ("frame-vision-today", 0, 0, 1, 1),
                ("frame-vision-goal", 1, 0, 1, 1),
                ("frame-vision-why", 2, 0, 1, 1),
                ("frame-vision-success", 0, 1, 3, 1),
            ],
            Template::BusinessModelCanvas => &[
                ("frame-bmc-partners", 0, 0, 1, 2),
                ("frame-bmc-activities", 1, 0, 1, 1),
                ("frame-bmc-resources", 1, 1, 1, 1),
                ("frame-bmc-value", 2, 0, 1, 2),
                ("frame-bmc-relationships", 3, 0, 1, 1),
                ("frame-bmc-channels", 3, 1, 1, 1),
                ("frame-bmc-segments", 4, 0, 1, 2),
                ("frame-bmc-costs", 0, 2, 2, 1),
                ("frame-bmc-revenue", 2, 2, 3, 1),
            ],
            Template::Swot => &[
                ("frame-swot-strengths", 0, 0, 1, 1),
                ("frame-swot-weaknesses", 1, 0, 1, 1),
                ("frame-swot-opportunities", 0, 1, 1, 1),
                ("frame-swot-threats", 1, 1, 1, 1),
            ],
            Template::RoleMap => &[
                ("frame-roles-actors", 0, 0, 1, 1),
                ("frame-roles-roles", 1, 0, 1, 1),
                ("frame-roles-views", 2, 0, 1, 1),
                ("frame-roles-decides", 3, 0, 1, 1),
            ],
            Template::Phases => &[
                ("frame-phases-track", 0, 0, 1, 1),
                ("frame-phases-think", 1, 0, 1, 1),
                ("frame-phases-make", 2, 0, 1, 1),
            ],
            Template::Retrospective => &[
                ("frame-retro-well", 0, 0, 1, 1),
                ("frame-retro-improve", 1, 0, 1, 1),
                ("frame-retro-actions", 2, 0, 1, 1),
            ],
        }
    }

    /// The frames' titles in `lang`, in the order of [`Template::frames`].
    pub fn frame_titles(self, lang: Lang) -> Vec<String> {
        self.frames()
            .iter()
            .map(|(key, ..)| i18n::text(lang, key))
            .collect()
    }

    /// Builds a new board's documents from this template, its words in `lang`.
    /// Its frames go into the locked layer, so the background of a workshop
    /// cannot be dragged away by accident (a facilitator unlocks them to change
    /// them).
    pub fn build(self, lang: Lang, created_ms: u64) -> BoardDocs {
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
            for (i, &(key, col, row, cols, rows)) in self.frames().iter().enumerate() {
                let rect = Rect::new(
                    f64::from(col) * (CELL_W + GAP),
                    f64::from(row) * (CELL_H + GAP),
                    f64::from(cols) * CELL_W + f64::from(cols - 1) * GAP,
                    f64::from(rows) * CELL_H + f64::from(rows - 1) * GAP,
                );
                let title = i18n::text(lang, key);
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
                agenda: self.agenda(lang),
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
    pub fn agenda(self, lang: Lang) -> Vec<crate::session::AgendaStep> {
        let minutes = match self {
            Template::Phases => Some(20),
            Template::Retrospective => Some(10),
            _ => None,
        };
        self.frame_titles(lang)
            .into_iter()
            .enumerate()
            .map(|(i, title)| crate::session::AgendaStep {
                title,
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
            // German, so that the titles checked below are the catalogue's, not keys.
            let built = t.build(Lang::De, 0);
            let room = crate::session::room_map(&built.session);
            let agenda = crate::session::RoomState::read(&built.session.transact(), &room).agenda;
            assert_eq!(agenda.len(), t.frames().len(), "{t:?}: a step per frame");
            let doc = built.locked;
            let elements = schema::elements(&doc);
            let all = read_all(&doc.transact(), &elements);
            assert_eq!(all.len(), t.frames().len(), "{t:?}");
            let mut rects = Vec::new();
            for title in t.frame_titles(Lang::De) {
                assert!(
                    !title.starts_with("frame-"),
                    "{t:?}: {title} is not in the catalogue"
                );
                let frame = all
                    .iter()
                    .find(|e| matches!(&e.props, Props::Frame(f) if f.title == title))
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
