//! What one open board page shows and how: the camera, the selection, the
//! active tool and panel, colours and notices. Plain signals, grouped by
//! concern into small `Copy` structs so that a component takes the group it
//! reads and nothing else. None of this is shared with others; what is goes
//! through [`crate::session`].

use crate::i18n::t;
use crate::timer::after;
use leptos::prelude::*;
use tafel_shared::geometry::{Point, Viewport};
use tafel_shared::schema::{INK_COLORS, STICKY_COLORS};

/// What the pointer does on the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// Select, move, resize.
    Select,
    /// Pan the board.
    Hand,
    /// Place sticky notes.
    Sticky,
    /// Place free text.
    Text,
    /// Draw rectangles.
    Rect,
    /// Draw ellipses.
    Ellipse,
    /// Draw diamonds.
    Diamond,
    /// Connect elements.
    Connector,
    /// Draw freehand.
    Pen,
    /// Draw frames.
    Frame,
    /// Pin a comment on an element or a spot.
    Comment,
}

impl Tool {
    /// Every tool, in toolbar order. Keys live in [`crate::keymap`].
    pub const ALL: [Tool; 11] = [
        Tool::Select,
        Tool::Hand,
        Tool::Sticky,
        Tool::Text,
        Tool::Rect,
        Tool::Ellipse,
        Tool::Diamond,
        Tool::Connector,
        Tool::Pen,
        Tool::Frame,
        Tool::Comment,
    ];

    /// The tool's name for people (button label and tooltip).
    pub fn label(self) -> String {
        match self {
            Tool::Select => t("tool-select"),
            Tool::Hand => t("tool-hand"),
            Tool::Sticky => t("tool-sticky"),
            Tool::Text => t("tool-text"),
            Tool::Rect => t("tool-rect"),
            Tool::Ellipse => t("tool-ellipse"),
            Tool::Diamond => t("tool-diamond"),
            Tool::Connector => t("tool-connector"),
            Tool::Pen => t("tool-pen"),
            Tool::Frame => t("tool-frame"),
            Tool::Comment => t("tool-comment"),
        }
    }

    /// Whether the tool changes the board.
    pub fn edits(self) -> bool {
        !matches!(self, Tool::Select | Tool::Hand | Tool::Comment)
    }

    /// The `data-tool` name.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Select => "select",
            Tool::Hand => "hand",
            Tool::Sticky => "sticky",
            Tool::Text => "text",
            Tool::Rect => "rect",
            Tool::Ellipse => "ellipse",
            Tool::Diamond => "diamond",
            Tool::Connector => "connector",
            Tool::Pen => "pen",
            Tool::Frame => "frame",
            Tool::Comment => "comment",
        }
    }
}

/// Which side panel is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// None.
    None,
    /// Keyboard shortcuts.
    Help,
    /// Share links.
    Share,
    /// Frames and elements in reading order.
    Outline,
    /// Setting up and running a voting round (facilitators).
    Voting,
    /// Results of ended rounds.
    Results,
    /// Comment threads with filters.
    Comments,
    /// Kept versions of the board.
    History,
    /// Saving the board, or a frame, as a template (facilitators).
    SaveTemplate,
}

/// Below this zoom, notes are drawn without their text.
pub const DETAIL_ZOOM: f64 = 0.3;

/// The zoom alone, as a memo: views that depend on the zoom but not on where
/// the view is (which version of a picture to draw) do not run on every pan
/// frame (provided as context by the board page).
#[derive(Clone, Copy)]
pub struct Zoom(pub Memo<f64>);

/// Whether this participant manages the board (a facilitator), for views that
/// show facilitators more (provided as context by the board page).
#[derive(Clone, Copy)]
pub struct Manages(pub Signal<bool>);

/// What part of the board is on screen.
#[derive(Clone, Copy)]
pub struct Camera {
    /// The viewport: origin and zoom.
    pub view: RwSignal<Viewport>,
    /// Size of the canvas in CSS pixels.
    pub screen: RwSignal<(f64, f64)>,
    /// Whether the zoom is close enough to draw text (far out, notes are plain
    /// coloured cards, as in Miro: thousands of text blocks cost layout time and
    /// cannot be read anyway). A `Memo`, so crossing the threshold is the only
    /// zoom change that re-renders notes.
    pub detailed: Memo<bool>,
}

impl Camera {
    fn new() -> Camera {
        let view = RwSignal::new(Viewport {
            origin: Point::new(-48.0, -48.0),
            zoom: 1.0,
        });
        Camera {
            view,
            screen: RwSignal::new((1280.0, 720.0)),
            detailed: Memo::new(move |_| view.get().zoom >= DETAIL_ZOOM),
        }
    }

    /// Canvas-relative screen point → board point.
    pub fn to_world(&self, screen: Point) -> Point {
        self.view.get_untracked().to_world(screen)
    }

    /// The middle of the canvas, in screen points.
    pub fn screen_middle(&self) -> Point {
        let (w, h) = self.screen.get_untracked();
        Point::new(w / 2.0, h / 2.0)
    }

    /// The world point at the centre of the screen.
    pub fn screen_center(&self) -> Point {
        self.to_world(self.screen_middle())
    }

    /// The part of the board on screen now.
    pub fn visible_area(&self) -> tafel_shared::geometry::Rect {
        let (w, h) = self.screen.get_untracked();
        self.view.get_untracked().visible(w, h)
    }
}

/// What is selected and what is being typed into.
#[derive(Clone, Copy)]
pub struct Selection {
    /// Selected element ids (others see them through presence).
    pub ids: RwSignal<Vec<String>>,
    /// The element whose text is being edited.
    pub editing: RwSignal<Option<String>>,
    /// The element just created here, with the undo depth before it: typing
    /// names it, and its text is undone together with it.
    pub fresh: RwSignal<Option<(String, usize)>>,
}

/// A short message (copied, pasted, failed) that goes away by itself.
#[derive(Clone, Copy)]
pub struct Notice(pub RwSignal<Option<String>>);

impl Notice {
    /// Shows `text` for a few seconds.
    pub fn show(self, text: &str) {
        self.0.set(Some(text.to_owned()));
        let notice = self.0;
        let text = text.to_owned();
        after(2500, move || {
            // A newer notice keeps its own few seconds.
            if notice.get_untracked().as_deref() == Some(text.as_str()) {
                notice.set(None);
            }
        });
    }
}

/// The controls' state: tool, panel, colours, notice.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The active tool.
    pub tool: RwSignal<Tool>,
    /// The open panel.
    pub panel: RwSignal<Panel>,
    /// Colour for new sticky notes and shape fills.
    pub sticky_color: RwSignal<&'static str>,
    /// Colour for lines, text and shape outlines.
    pub ink: RwSignal<&'static str>,
    /// Font size of new text (the last size picked).
    pub text_size: RwSignal<f64>,
    /// The open context menu: for which element, where on the canvas (screen
    /// points).
    pub context_menu: RwSignal<Option<(String, Point)>>,
    /// How new connectors run (the last routing picked).
    pub routing: RwSignal<tafel_shared::geometry::Routing>,
    /// Whether moved elements snap to the board's grid (they always snap to
    /// other elements' edges and centres, unless Alt is held).
    pub grid_snap: RwSignal<bool>,
    /// The current notice.
    pub notice: Notice,
}

impl Ui {
    /// Opens `panel`, or closes it if it is open.
    pub fn toggle_panel(&self, panel: Panel) {
        self.panel
            .update(|p| *p = if *p == panel { Panel::None } else { panel });
    }
}

/// How this page shows votes.
#[derive(Clone, Copy)]
pub struct VoteUi {
    /// The ended round whose results the board shows; `None`: the latest.
    pub shown: RwSignal<Option<u32>>,
    /// Whether results stay off the board.
    pub hide_results: RwSignal<bool>,
    /// The open round in which this person paused voting, so that clicks select
    /// and move again.
    pub paused: RwSignal<Option<u32>>,
}

/// All of the page's local state.
#[derive(Clone, Copy)]
pub struct State {
    /// What is on screen.
    pub camera: Camera,
    /// What is selected.
    pub selection: Selection,
    /// Tool, panel, colours, notice.
    pub ui: Ui,
    /// How votes show.
    pub vote: VoteUi,
    /// Private brainstorming: this person's notes held back, selection, editor.
    pub private: crate::private_state::PrivateUi,
    /// Comments: the open thread, a pin being placed, the panel's filter.
    pub comments: crate::review_state::CommentUi,
    /// History: the versions, and the one looked at.
    pub history: crate::review_state::HistoryUi,
    /// What changed since this browser's last visit.
    pub since: crate::review_state::SinceUi,
}

impl State {
    /// The state of a freshly opened board.
    pub fn new() -> State {
        State {
            camera: Camera::new(),
            selection: Selection {
                ids: RwSignal::new(Vec::new()),
                editing: RwSignal::new(None),
                fresh: RwSignal::new(None),
            },
            ui: Ui {
                tool: RwSignal::new(Tool::Select),
                panel: RwSignal::new(Panel::None),
                sticky_color: RwSignal::new(STICKY_COLORS[0].1),
                ink: RwSignal::new(INK_COLORS[0].1),
                routing: RwSignal::new(Default::default()),
                context_menu: RwSignal::new(None),
                text_size: RwSignal::new(tafel_shared::text::TEXT_SIZES[1].1),
                grid_snap: RwSignal::new(false),
                notice: Notice(RwSignal::new(None)),
            },
            vote: VoteUi {
                shown: RwSignal::new(None),
                hide_results: RwSignal::new(false),
                paused: RwSignal::new(None),
            },
            private: crate::private_state::PrivateUi::new(),
            comments: crate::review_state::CommentUi::new(),
            history: crate::review_state::HistoryUi::new(),
            since: crate::review_state::SinceUi::new(),
        }
    }
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}
