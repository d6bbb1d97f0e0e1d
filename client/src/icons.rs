//! Toolbar icons as inline SVG, drawn for Tafel: served with the app, nothing
//! fetched from an icon font or another host.

use crate::state::Tool;
use leptos::prelude::*;

fn icon(d: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor"
            stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
            <path d=d/>
        </svg>
    }
}

/// The icon of a tool.
pub fn tool(t: Tool) -> impl IntoView {
    icon(match t {
        Tool::Select => "M5 3 L5 19 L9.5 14.5 L12.5 21 L15 20 L12 13.5 L18 13.5 Z",
        Tool::Hand => HAND,
        Tool::Sticky => "M4 4 H20 V14 L14 20 H4 Z M14 20 V14 H20",
        Tool::Text => "M5 6 V4 H19 V6 M12 4 V20 M9 20 H15",
        Tool::Rect => "M4 6 H20 V18 H4 Z",
        Tool::Ellipse => {
            "M12 5 C17 5 21 8 21 12 C21 16 17 19 12 19 C7 19 3 16 3 12 C3 8 7 5 12 5 Z"
        }
        Tool::Diamond => "M12 3 L21 12 L12 21 L3 12 Z",
        Tool::Connector => "M4 20 L19 5 M12 5 H19 V12",
        Tool::Pen => "M4 20 C6 14 9 18 11 13 C13 8 16 11 20 4",
        Tool::Frame => "M7 3 V21 M17 3 V21 M3 7 H21 M3 17 H21",
        Tool::Comment => COMMENT,
    })
}

/// An open hand (the hand tool, and a raised hand).
const HAND: &str = "M7 11 V5.5 a1.5 1.5 0 0 1 3 0 V11 M10 10 V4 a1.5 1.5 0 0 1 3 0 V10 M13 10 V5 a1.5 1.5 0 0 1 3 0 V12 M16 9 a1.5 1.5 0 0 1 3 0 V14 a7 7 0 0 1 -7 7 h-1 a6 6 0 0 1 -5 -3 L4 14 a1.5 1.5 0 0 1 2.5 -1.6 L7 13";

/// A raised hand (a question, a vote to speak): drawn, not an emoji, which
/// a system without an emoji font shows as an empty box.
pub fn raised_hand() -> impl IntoView {
    icon(HAND)
}

/// People: two heads and shoulders.
pub fn people() -> impl IntoView {
    icon("M9 4.5 a3.5 3.5 0 1 1 0 7 a3.5 3.5 0 1 1 0 -7 M3 20 c0 -3.3 2.7 -6 6 -6 s6 2.7 6 6 M16 4.8 a3.2 3.2 0 0 1 0 6.2 M17 14.2 c2.3 0.6 4 2.9 4 5.8")
}

/// A speech bubble.
const COMMENT: &str = "M4 5 H20 V16 H10 L5 20 V16 H4 Z";

/// The comments panel.
pub fn comments() -> impl IntoView {
    icon(COMMENT)
}

/// History: a clock with a turning-back arrow.
pub fn history() -> impl IntoView {
    icon("M3 12 a9 9 0 1 0 3 -6.7 M3 4 V9 H8 M12 7 V12 L15 14")
}

/// Adding a picture: a framed landscape.
pub fn picture() -> impl IntoView {
    icon("M4 5 H20 V19 H4 Z M4 16 L9 11 L13 15 L16 12 L20 16 M15.5 8.5 a1.5 1.5 0 1 0 0.01 0")
}

/// Undo.
pub fn undo() -> impl IntoView {
    icon("M9 14 L4 9 L9 4 M4 9 H15 a5 5 0 0 1 0 10 H11")
}

/// Redo.
pub fn redo() -> impl IntoView {
    icon("M15 14 L20 9 L15 4 M20 9 H9 a5 5 0 0 0 0 10 H13")
}

/// Zoom to fit.
pub fn fit() -> impl IntoView {
    icon("M4 9 V4 H9 M15 4 H20 V9 M20 15 V20 H15 M9 20 H4 V15")
}

/// Outline view.
pub fn outline() -> impl IntoView {
    icon("M8 6 H20 M8 12 H20 M8 18 H20 M4 6 H4.01 M4 12 H4.01 M4 18 H4.01")
}

/// Dot voting: three dots on a card.
pub fn vote() -> impl IntoView {
    icon("M4 4 H20 V20 H4 Z M8.5 9 a1.5 1.5 0 1 0 0.01 0 M15.5 9 a1.5 1.5 0 1 0 0.01 0 M12 14.5 a1.5 1.5 0 1 0 0.01 0")
}

/// Voting results: a ranked bar chart.
pub fn results() -> impl IntoView {
    icon("M4 20 H20 M6 20 V10 M11 20 V5 M16 20 V13")
}

/// Lining up edges or centres: a guide line and two bars against it.
pub fn align(how: tafel_shared::layout::Align) -> impl IntoView {
    use tafel_shared::layout::Align;
    icon(match how {
        Align::Left => "M4 3 V21 M8 7 H18 V10 H8 Z M8 14 H14 V17 H8 Z",
        Align::Center => "M12 3 V21 M6 7 H18 V10 H6 Z M9 14 H15 V17 H9 Z",
        Align::Right => "M20 3 V21 M6 7 H16 V10 H6 Z M10 14 H16 V17 H10 Z",
        Align::Top => "M3 4 H21 M7 8 V18 H10 V8 Z M14 8 V14 H17 V8 Z",
        Align::Middle => "M3 12 H21 M7 6 V18 H10 V6 Z M14 9 V15 H17 V9 Z",
        Align::Bottom => "M3 20 H21 M7 6 V16 H10 V6 Z M14 10 V16 H17 V10 Z",
    })
}

/// Spacing evenly: three bars with equal gaps.
pub fn distribute(horizontal: bool) -> impl IntoView {
    icon(if horizontal {
        "M3 3 V21 M21 3 V21 M7 8 H9 V16 H7 Z M11 6 H13 V18 H11 Z M15 9 H17 V15 H15 Z"
    } else {
        "M3 3 H21 M3 21 H21 M8 7 V9 H16 V7 Z M6 11 V13 H18 V11 Z M9 15 V17 H15 V15 Z"
    })
}

/// Tidying into a grid: four squares.
pub fn tidy() -> impl IntoView {
    icon("M4 4 H10 V10 H4 Z M14 4 H20 V10 H14 Z M4 14 H10 V20 H4 Z M14 14 H20 V20 H14 Z")
}

/// Grouping: two shapes in a dashed box.
pub fn group() -> impl IntoView {
    icon("M3 3 H6 M9 3 H12 M15 3 H18 M21 3 V6 M21 9 V12 M21 15 V18 M3 21 H6 M9 21 H12 M15 21 H18 M3 6 V9 M3 12 V15 M3 18 V21 M7 7 H13 V13 H7 Z M11 11 H17 V17 H11 Z")
}

/// Ungrouping: the two shapes apart.
pub fn ungroup() -> impl IntoView {
    icon("M4 4 H11 V11 H4 Z M13 13 H20 V20 H13 Z")
}

/// How a connector runs.
pub fn routing(r: tafel_shared::geometry::Routing) -> impl IntoView {
    use tafel_shared::geometry::Routing;
    icon(match r {
        Routing::Straight => "M4 20 L20 4",
        Routing::Elbow => "M4 20 H12 V4 H20",
        Routing::Curved => "M4 20 C14 20, 10 4, 20 4",
    })
}

/// Snapping to the grid: a dotted square with a magnet-like corner.
pub fn grid() -> impl IntoView {
    icon("M4 4 H4.01 M12 4 H12.01 M20 4 H20.01 M4 12 H4.01 M12 12 H12.01 M20 12 H20.01 M4 20 H4.01 M12 20 H12.01 M20 20 H20.01 M9 9 H15 V15 H9 Z")
}

/// A link: two chain links.
pub fn link() -> impl IntoView {
    icon("M10 14 a4 4 0 0 0 5.7 0 l3 -3 a4 4 0 0 0 -5.7 -5.7 l-1 1 M14 10 a4 4 0 0 0 -5.7 0 l-3 3 a4 4 0 0 0 5.7 5.7 l1 -1")
}
