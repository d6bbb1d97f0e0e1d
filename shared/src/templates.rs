//! Workshop templates: the frames a new board starts with, each with its
//! guiding questions, the facilitator's how-to, and (for the role map) starter
//! cards. Templates are data here so the server, the client and the tests
//! create identical boards.

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
            // The interview the project grew from: where the agency stands and
            // where the client's teams stand, who the actors are and how they
            // see their roles, who decides, and what really happens.
            Template::RoleMap => &[
                ("frame-roles-actors", 0, 0, 4, 1),
                ("frame-roles-roles", 0, 1, 1, 1),
                ("frame-roles-views", 1, 1, 1, 1),
                ("frame-roles-decides", 2, 1, 1, 1),
                ("frame-roles-reality", 3, 1, 1, 1),
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

    /// The catalogue key of a frame's guiding questions: its title's key with
    /// `-hint`.
    pub fn hint_key(title_key: &str) -> String {
        format!("{title_key}-hint")
    }

    /// How to run a workshop from this template, for the facilitator, in
    /// `lang`; empty for a blank board.
    pub fn howto(self, lang: Lang) -> String {
        match self {
            Template::Blank => String::new(),
            t => i18n::text(lang, &format!("template-{}-howto", t.id())),
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
                let hint = i18n::text(lang, &Template::hint_key(key));
                let mut frame = Element::new(
                    format!("frame-{i}"),
                    rect,
                    Props::Frame(FrameProps { title, hint }),
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
                howto: self.howto(lang),
                ..Default::default()
            };
            state.write(&mut session.transact_mut(), &room);
        }
        if self == Template::RoleMap {
            role_map_starters(&content, lang, created_ms);
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

/// The role map's starter cards, in the actors frame (`frame-0`, 0..2680 ×
/// 0..480): the two sides' labels, five typical actors as cards anyone may
/// move, rename or delete, and who works with and reports to whom.
fn role_map_starters(content: &Doc, lang: Lang, created_ms: u64) {
    use crate::element::{ConnectorProps, ShapeProps, TextProps};
    use crate::geometry::Outline;
    let elements = schema::elements(content);
    let mut txn = content.transact_mut();
    let mut z = 0;
    let mut add = |mut e: Element, txn: &mut yrs::TransactionMut| {
        e.base.parent = "frame-0".into();
        // Above the frames ("a…"), below what people add later.
        e.base.z = format!("b{z:03}");
        e.base.created_ms = created_ms;
        z += 1;
        e.insert(txn, &elements);
    };
    for (id, key, x) in [
        ("lane-agency", "roles-lane-agency", 40.0),
        ("lane-client", "roles-lane-client", 1380.0),
    ] {
        let props = TextProps {
            text: i18n::text(lang, key),
            stroke: "#5c636a".into(),
            size: 36.0,
        };
        let (w, h) = crate::text::text_box(&props.text, props.size);
        // Below the frame's title and questions.
        add(
            Element::new(id, Rect::new(x, 130.0, w, h), Props::Text(props)),
            &mut txn,
        );
    }
    let actors = [
        (
            "actor-agency-lead",
            "roles-actor-agency-lead",
            80.0,
            210.0,
            "#b2f2bb",
        ),
        (
            "actor-agency-team",
            "roles-actor-agency-team",
            480.0,
            310.0,
            "#b2f2bb",
        ),
        // The owner faces the agency; the decider stands behind.
        (
            "actor-client-owner",
            "roles-actor-client-owner",
            1420.0,
            210.0,
            "#a5d8ff",
        ),
        (
            "actor-client-decider",
            "roles-actor-client-decider",
            1860.0,
            310.0,
            "#a5d8ff",
        ),
        (
            "actor-client-team",
            "roles-actor-client-team",
            2300.0,
            210.0,
            "#a5d8ff",
        ),
    ];
    for (id, key, x, y, fill) in actors {
        let props = ShapeProps {
            outline: Outline::Ellipse,
            text: i18n::text(lang, key),
            fill: fill.into(),
            stroke: "#1f2328".into(),
        };
        add(
            Element::new(id, Rect::new(x, y, 300.0, 130.0), Props::Shape(props)),
            &mut txn,
        );
    }
    for (id, from, to, key) in [
        (
            "works-lead-team",
            "actor-agency-lead",
            "actor-agency-team",
            "roles-relation-works-with",
        ),
        (
            "works-lead-owner",
            "actor-agency-lead",
            "actor-client-owner",
            "roles-relation-works-with",
        ),
        (
            "reports-owner",
            "actor-client-owner",
            "actor-client-decider",
            "roles-relation-reports-to",
        ),
    ] {
        let props = ConnectorProps {
            from: from.into(),
            to: to.into(),
            text: i18n::text(lang, key),
            stroke: "#5c636a".into(),
            route: crate::geometry::Routing::Curved,
            ..ConnectorProps::default()
        };
        add(
            Element::new(id, Rect::new(0.0, 0.0, 1.0, 1.0), Props::Connector(props)),
            &mut txn,
        );
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
    fn template_frames_carry_guiding_questions_and_the_role_map_its_actors() {
        for t in Template::ALL {
            let built = t.build(Lang::En, 0);
            let doc = built.locked;
            let elements = schema::elements(&doc);
            for frame in read_all(&doc.transact(), &elements) {
                let Props::Frame(f) = &frame.props else {
                    panic!("{t:?}: only frames are locked")
                };
                assert!(
                    f.hint.ends_with('?') || f.hint.ends_with('.'),
                    "{t:?}: {} asks {:?}",
                    f.title,
                    f.hint
                );
            }
            let room = crate::session::room_map(&built.session);
            let howto = crate::session::RoomState::read(&built.session.transact(), &room).howto;
            assert_eq!(howto.is_empty(), t == Template::Blank, "{t:?}: {howto}");
        }
        let bmc = Template::BusinessModelCanvas.build(Lang::En, 0).locked;
        let elements = schema::elements(&bmc);
        let partners = read_all(&bmc.transact(), &elements)
            .into_iter()
            .find_map(|e| match e.props {
                Props::Frame(f) if f.title == "Key partners" => Some(f.hint),
                _ => None,
            });
        assert!(partners.is_some_and(|h| h.starts_with("Who are our key partners?")));

        // The role map: both sides named, five actors in the actors frame, and
        // who works with whom, all movable (in the content, not locked).
        let roles = Template::RoleMap.build(Lang::De, 0).content;
        let elements = schema::elements(&roles);
        let all = read_all(&roles.transact(), &elements);
        let texts: Vec<&str> = all.iter().map(|e| e.text()).collect();
        for words in [
            "Agentur",
            "Kunde",
            "Entscheider:in",
            "Product Owner",
            "arbeitet mit",
        ] {
            assert!(texts.contains(&words), "{words} in {texts:?}");
        }
        assert_eq!(all.iter().filter(|e| e.is_connector()).count(), 3);
        let actors: Vec<&Element> = all
            .iter()
            .filter(|e| matches!(e.props, Props::Shape(_)))
            .collect();
        assert_eq!(actors.len(), 5);
        let frame = Rect::new(0.0, 0.0, 4.0 * 640.0 + 3.0 * 40.0, 480.0);
        for (i, a) in actors.iter().enumerate() {
            assert!(frame.contains_rect(&a.base.rect) && a.base.parent == "frame-0");
            assert!(!a.base.locked);
            for b in &actors[i + 1..] {
                assert!(
                    !a.base.rect.intersects(&b.base.rect),
                    "{a:?} overlaps {b:?}"
                );
            }
        }
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
