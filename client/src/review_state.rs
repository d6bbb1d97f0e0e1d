//! What the page holds of the review side, as plain state that the canvas,
//! the chrome and the page's [`crate::state::State`] share without knowing the
//! modules that act on it ([`crate::comments`], [`crate::history`],
//! [`crate::since`]): the comment UI, the history UI, the news since the last
//! visit, and how a time reads.

use crate::i18n::{t, t_with};
use leptos::prelude::*;
use tafel_shared::api::{VersionInfo, VersionView};
use tafel_shared::comments::{Anchor, Comment, Thread};
use tafel_shared::draw::Picture;
use tafel_shared::geometry::{Point, Rect};
use tafel_shared::ids::ParticipantId;

/// Which threads the panel lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    /// Not resolved.
    Open,
    /// Resolved.
    Resolved,
    /// Opened by me or answered by me.
    Mine,
    /// Some comment mentions me.
    Mentions,
}

impl Filter {
    /// Every filter, in the order the panel shows them.
    pub const ALL: [Filter; 4] = [
        Filter::Open,
        Filter::Resolved,
        Filter::Mine,
        Filter::Mentions,
    ];

    /// The label the panel shows.
    pub fn label(self) -> String {
        t(match self {
            Filter::Open => "comments-filter-open",
            Filter::Resolved => "comments-filter-resolved",
            Filter::Mine => "comments-filter-mine",
            Filter::Mentions => "comments-filter-mentions",
        })
    }

    /// The `data-filter` name.
    pub fn name(self) -> &'static str {
        match self {
            Filter::Open => "open",
            Filter::Resolved => "resolved",
            Filter::Mine => "mine",
            Filter::Mentions => "mentions",
        }
    }

    /// Whether `thread` with `comments` passes, for participant `me`.
    pub fn passes(self, thread: &Thread, comments: &[Comment], me: Option<&ParticipantId>) -> bool {
        match self {
            Filter::Open => thread.resolved.is_none(),
            Filter::Resolved => thread.resolved.is_some(),
            Filter::Mine => me
                .is_some_and(|me| thread.author == *me || comments.iter().any(|c| c.author == *me)),
            Filter::Mentions => me.is_some_and(|me| {
                comments
                    .iter()
                    .any(|c| c.mentions.iter().any(|m| m.id == *me))
            }),
        }
    }
}

/// A place a new thread is about to be pinned (the composer is open there).
#[derive(Clone, Debug, PartialEq)]
pub struct DraftPin {
    /// Where it will be pinned.
    pub anchor: Anchor,
}

/// The page's comment state that the canvas and the chrome share.
#[derive(Clone, Copy)]
pub struct CommentUi {
    /// A pin being placed, with its composer open.
    pub draft: RwSignal<Option<DraftPin>>,
    /// The thread shown in its popover.
    pub open: RwSignal<Option<String>>,
    /// What the panel lists.
    pub filter: RwSignal<Filter>,
    /// Whether resolved threads' pins show on the canvas.
    pub show_resolved: RwSignal<bool>,
}

impl CommentUi {
    /// Nothing open.
    pub fn new() -> CommentUi {
        CommentUi {
            draft: RwSignal::new(None),
            open: RwSignal::new(None),
            filter: RwSignal::new(Filter::Open),
            show_resolved: RwSignal::new(false),
        }
    }

    /// A pin for a click at `at` on the board, on the element `on` (its rect) if any.
    pub fn place(&self, at: Point, on: Option<(String, Rect)>) {
        let anchor = match on {
            Some((id, r)) => Anchor::Element {
                id,
                dx: at.x - r.x,
                dy: at.y - r.y,
                x: at.x,
                y: at.y,
            },
            None => Anchor::Point { x: at.x, y: at.y },
        };
        self.open.set(None);
        self.draft.set(Some(DraftPin { anchor }));
    }
}

impl Default for CommentUi {
    fn default() -> CommentUi {
        CommentUi::new()
    }
}

/// What the page shows of the history.
#[derive(Clone, Copy)]
pub struct HistoryUi {
    /// The kept versions, newest first (fetched when the panel opens).
    pub versions: RwSignal<Vec<VersionInfo>>,
    /// The version looked at, with its drawing; `None`: the live board.
    pub viewing: RwSignal<Option<(VersionView, Option<Picture>)>>,
    /// A request is under way.
    pub busy: RwSignal<bool>,
}

impl HistoryUi {
    /// The live board, nothing fetched yet.
    pub fn new() -> HistoryUi {
        HistoryUi {
            versions: RwSignal::new(Vec::new()),
            viewing: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }
}

impl Default for HistoryUi {
    fn default() -> HistoryUi {
        HistoryUi::new()
    }
}

/// What happened to an element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    /// It is new.
    Added,
    /// Something about it changed.
    Changed,
    /// It is gone.
    Removed,
}

impl What {
    /// The `data-change` name (people read [`What`] through the catalogue).
    pub fn name(self) -> &'static str {
        match self {
            What::Added => "added",
            What::Changed => "changed",
            What::Removed => "removed",
        }
    }
}

/// One change since the last visit.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The element's id.
    pub id: String,
    /// What happened.
    pub what: What,
    /// Who did it, if known.
    pub who: Option<String>,
    /// When, if known (ms since the epoch).
    pub at_ms: Option<u64>,
    /// A short description ("Sticky note: Kundenportal").
    pub label: String,
    /// Where it is (for a removed element: where it was).
    pub rect: Rect,
}

/// The news of this page.
#[derive(Clone, Copy)]
pub struct SinceUi {
    /// The changes, in the order the list steps through them.
    pub changes: RwSignal<Vec<Change>>,
    /// The change the view was last moved to.
    pub at: RwSignal<Option<usize>>,
    /// When the last visit began (ms since the epoch).
    pub since_ms: RwSignal<Option<f64>>,
    /// Whether the list is unfolded.
    pub open: RwSignal<bool>,
}

impl SinceUi {
    /// No news.
    pub fn new() -> SinceUi {
        SinceUi {
            changes: RwSignal::new(Vec::new()),
            at: RwSignal::new(None),
            since_ms: RwSignal::new(None),
            open: RwSignal::new(false),
        }
    }
}

impl Default for SinceUi {
    fn default() -> SinceUi {
        SinceUi::new()
    }
}

/// `ms` as local date and time, "2.12.2026, 14:05".
pub fn local_time(ms: u64) -> String {
    let d = js_sys::Date::new(&(ms as f64).into());
    t_with(
        "review-date-time",
        &[
            ("day", d.get_date().to_string().into()),
            ("month", (d.get_month() + 1).to_string().into()),
            ("year", d.get_full_year().to_string().into()),
            ("hour", format!("{:02}", d.get_hours()).into()),
            ("minute", format!("{:02}", d.get_minutes()).into()),
        ],
    )
}

/// `ms` as local date, "2.12.2026".
pub fn local_date(ms: u64) -> String {
    let d = js_sys::Date::new(&(ms as f64).into());
    t_with(
        "review-date",
        &[
            ("day", d.get_date().to_string().into()),
            ("month", (d.get_month() + 1).to_string().into()),
            ("year", d.get_full_year().to_string().into()),
        ],
    )
}
