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
        Tool::Hand => "M7 11 V5.5 a1.5 1.5 0 0 1 3 0 V11 M10 10 V4 a1.5 1.5 0 0 1 3 0 V10 M13 10 V5 a1.5 1.5 0 0 1 3 0 V12 M16 9 a1.5 1.5 0 0 1 3 0 V14 a7 7 0 0 1 -7 7 h-1 a6 6 0 0 1 -5 -3 L4 14 a1.5 1.5 0 0 1 2.5 -1.6 L7 13",
        Tool::Sticky => "M4 4 H20 V14 L14 20 H4 Z M14 20 V14 H20",
        Tool::Text => "M5 6 V4 H19 V6 M12 4 V20 M9 20 H15",
        Tool::Rect => "M4 6 H20 V18 H4 Z",
        Tool::Ellipse => "M12 5 C17 5 21 8 21 12 C21 16 17 19 12 19 C7 19 3 16 3 12 C3 8 7 5 12 5 Z",
        Tool::Diamond => "M12 3 L21 12 L12 21 L3 12 Z",
        Tool::Connector => "M4 20 L19 5 M12 5 H19 V12",
        Tool::Pen => "M4 20 C6 14 9 18 11 13 C13 8 16 11 20 4",
        Tool::Frame => "M7 3 V21 M17 3 V21 M3 7 H21 M3 17 H21",
        Tool::Comment => COMMENT,
    })
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
