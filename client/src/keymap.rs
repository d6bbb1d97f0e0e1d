//! The keyboard shortcuts: one table that the keyboard handler dispatches from
//! and the help panel (and the toolbar's tooltips) render, so a key is written
//! down once. Entries whose work is done elsewhere (pointer gestures, the
//! browser's copy and paste events, focus order) are listed for help only.

use crate::commands::Commands;
use crate::state::{Panel, Tool};
use web_sys::KeyboardEvent;

/// A key, or a chord, as the handler matches it and the help shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// `KeyboardEvent.key`, whatever the modifiers.
    Any(&'static str),
    /// A lowercase letter without Ctrl, Cmd or Alt.
    Letter(&'static str),
    /// An uppercase letter: Shift with it (or Caps Lock).
    Shifted(&'static str),
    /// Ctrl (Cmd on a Mac) with a key, without Shift.
    Ctrl(&'static str),
    /// Ctrl (Cmd) and Shift with a letter.
    CtrlShift(&'static str),
    /// Shift with a digit, by key position (`KeyboardEvent.code`), so it works
    /// on every keyboard layout.
    ShiftDigit(&'static str),
    /// Any arrow key.
    Arrows,
    /// Not a key: a pointer gesture, for help only.
    Gesture(&'static str),
}

impl Key {
    /// Whether `e` is this key.
    pub fn matches(self, e: &KeyboardEvent) -> bool {
        let ctrl = e.ctrl_key() || e.meta_key();
        let key = e.key();
        match self {
            Key::Any(k) | Key::Shifted(k) => key == k,
            Key::Letter(k) => key == k && !ctrl && !e.alt_key(),
            Key::Ctrl(k) => ctrl && !e.shift_key() && key == k,
            Key::CtrlShift(k) => ctrl && e.shift_key() && key.eq_ignore_ascii_case(k),
            Key::ShiftDigit(d) => e.shift_key() && e.code().strip_prefix("Digit") == Some(d),
            Key::Arrows => matches!(
                key.as_str(),
                "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown"
            ),
            Key::Gesture(_) => false,
        }
    }

    /// How the key is written for people.
    pub fn label(self) -> String {
        match self {
            Key::Any("PageUp") => "Page Up".into(),
            Key::Any("PageDown") => "Page Down".into(),
            Key::Any(k) | Key::Gesture(k) => k.into(),
            Key::Letter(k) => k.to_uppercase(),
            Key::Shifted(k) | Key::ShiftDigit(k) => format!("Shift+{k}"),
            Key::Ctrl(k) => format!("Ctrl+{}", k.to_uppercase()),
            Key::CtrlShift(k) => format!("Ctrl+Shift+{}", k.to_uppercase()),
            Key::Arrows => "Arrow keys".into(),
        }
    }
}

/// What a shortcut does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Picks a tool (the connector key connects two selected elements instead).
    Tool(Tool),
    /// Edits the selected element's text, or places the tool's element.
    Enter,
    /// Clears the selection, the tool and the panel.
    Escape,
    /// Nudges the selection, or pans.
    Nudge,
    /// Deletes the selection.
    Delete,
    /// Selects everything.
    SelectAll,
    /// Duplicates the selection.
    Duplicate,
    /// Undoes.
    Undo,
    /// Redoes.
    Redo,
    /// Brings the selection to the front.
    Front,
    /// Sends the selection to the back.
    Back,
    /// Zooms in.
    ZoomIn,
    /// Zooms out.
    ZoomOut,
    /// Shows the whole board.
    ZoomFit,
    /// Shows the selection.
    ZoomSelection,
    /// Opens or closes the outline.
    Outline,
    /// Locks or unlocks the selection.
    Lock,
    /// Opens or closes this help.
    Help,
    /// Done elsewhere (gestures, browser events, focus); listed for help only.
    Elsewhere,
}

impl Command {
    /// Runs the command for key event `e`; `false` if it does not apply here
    /// (then the key goes on to the next entry, or to the browser).
    fn run(self, c: &Commands, e: &KeyboardEvent) -> bool {
        let can_edit = c.session().can_edit_now();
        match self {
            Command::Tool(Tool::Connector) => {
                return c.connect_selected() || c.pick_tool(Tool::Connector)
            }
            Command::Tool(t) => return c.pick_tool(t),
            Command::Enter => c.enter(),
            Command::Escape => c.escape(),
            Command::Nudge => {
                let step = if e.shift_key() { 10.0 } else { 1.0 };
                let (dx, dy) = match e.key().as_str() {
                    "ArrowLeft" => (-step, 0.0),
                    "ArrowRight" => (step, 0.0),
                    "ArrowUp" => (0.0, -step),
                    _ => (0.0, step),
                };
                c.arrow(dx, dy);
            }
            Command::Delete if can_edit => c.delete_selection(),
            Command::SelectAll => c.select_all(),
            Command::Duplicate if can_edit => c.duplicate_selection(),
            Command::Undo => c.undo(),
            Command::Redo => c.redo(),
            Command::Front if can_edit => c.restack(true),
            Command::Back if can_edit => c.restack(false),
            Command::ZoomIn => c.zoom_step(true),
            Command::ZoomOut => c.zoom_step(false),
            Command::ZoomFit => c.zoom_to_fit(),
            Command::ZoomSelection => c.zoom_to_selection(),
            Command::Outline => c.toggle_panel(Panel::Outline),
            Command::Lock => c.toggle_lock(),
            Command::Help => c.toggle_panel(Panel::Help),
            _ => return false,
        }
        true
    }
}

/// One line of the keymap.
pub struct Shortcut {
    /// The keys, any of which runs the command.
    pub keys: &'static [Key],
    /// What it does, for people.
    pub what: &'static str,
    /// What the keys run.
    pub command: Command,
}

impl Shortcut {
    /// The keys as the help shows them.
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

const fn entry(keys: &'static [Key], what: &'static str, command: Command) -> Shortcut {
    Shortcut {
        keys,
        what,
        command,
    }
}

/// Every shortcut, in the order the help lists them. No key is in two entries
/// that both apply at once, so the order does not decide what a key does.
pub static KEYMAP: &[Shortcut] = &[
    entry(&[Key::Letter("v")], "Select", Command::Tool(Tool::Select)),
    entry(
        &[Key::Letter("h")],
        "Hand: drag to pan (or hold Space)",
        Command::Tool(Tool::Hand),
    ),
    entry(
        &[Key::Letter("n")],
        "Sticky note",
        Command::Tool(Tool::Sticky),
    ),
    entry(&[Key::Letter("t")], "Text", Command::Tool(Tool::Text)),
    entry(&[Key::Letter("r")], "Rectangle", Command::Tool(Tool::Rect)),
    entry(&[Key::Letter("o")], "Ellipse", Command::Tool(Tool::Ellipse)),
    entry(&[Key::Letter("d")], "Diamond", Command::Tool(Tool::Diamond)),
    entry(
        &[Key::Letter("l")],
        "Connector: drag from one element to another; with two selected, connects them",
        Command::Tool(Tool::Connector),
    ),
    entry(&[Key::Letter("p")], "Pen", Command::Tool(Tool::Pen)),
    entry(&[Key::Letter("f")], "Frame", Command::Tool(Tool::Frame)),
    entry(
        &[Key::Letter("c")],
        "Comment (click an element or a spot)",
        Command::Tool(Tool::Comment),
    ),
    entry(
        &[Key::Any("Enter")],
        "Edit the selected element's text; with a tool, place it mid-screen",
        Command::Enter,
    ),
    entry(
        &[Key::Any("Escape")],
        "Stop editing, clear the selection",
        Command::Escape,
    ),
    entry(
        &[Key::Any("Tab")],
        "Focus the next element",
        Command::Elsewhere,
    ),
    entry(
        &[Key::Arrows],
        "Nudge the selection (Shift: 10×); pan when nothing is selected",
        Command::Nudge,
    ),
    entry(
        &[Key::Any("Delete"), Key::Any("Backspace")],
        "Delete the selection",
        Command::Delete,
    ),
    entry(&[Key::Ctrl("a")], "Select all", Command::SelectAll),
    entry(
        &[Key::Ctrl("c"), Key::Ctrl("x"), Key::Ctrl("v")],
        "Copy / cut / paste (also between boards)",
        Command::Elsewhere,
    ),
    entry(&[Key::Ctrl("d")], "Duplicate", Command::Duplicate),
    entry(&[Key::Ctrl("z")], "Undo your last change", Command::Undo),
    entry(
        &[Key::CtrlShift("z"), Key::Ctrl("y")],
        "Redo",
        Command::Redo,
    ),
    entry(
        &[Key::Any("]"), Key::Any("PageUp")],
        "Bring to front",
        Command::Front,
    ),
    entry(
        &[Key::Any("["), Key::Any("PageDown")],
        "Send to back",
        Command::Back,
    ),
    entry(&[Key::Any("+"), Key::Any("=")], "Zoom in", Command::ZoomIn),
    entry(
        &[Key::Any("-"), Key::Any("_")],
        "Zoom out",
        Command::ZoomOut,
    ),
    entry(
        &[Key::Gesture("Ctrl+wheel / pinch")],
        "Zoom at the pointer",
        Command::Elsewhere,
    ),
    entry(
        &[Key::Gesture("Wheel / two fingers")],
        "Pan",
        Command::Elsewhere,
    ),
    entry(&[Key::ShiftDigit("1")], "Zoom to fit", Command::ZoomFit),
    entry(
        &[Key::ShiftDigit("2")],
        "Zoom to selection",
        Command::ZoomSelection,
    ),
    entry(
        &[Key::Shifted("O")],
        "Outline of frames and elements",
        Command::Outline,
    ),
    entry(
        &[Key::CtrlShift("l")],
        "Lock or unlock the selection (facilitators)",
        Command::Lock,
    ),
    entry(&[Key::Any("?")], "This help", Command::Help),
];

/// Runs the shortcut for `e`, if there is one that applies; whether one did.
pub fn dispatch(c: &Commands, e: &KeyboardEvent) -> bool {
    KEYMAP
        .iter()
        .filter(|s| s.command != Command::Elsewhere && s.keys.iter().any(|k| k.matches(e)))
        .any(|s| s.command.run(c, e))
}

/// `name (key)`: a control's tooltip with the first key of `command`.
pub fn titled(name: &str, command: Command) -> String {
    match KEYMAP
        .iter()
        .find(|s| s.command == command)
        .and_then(|s| s.keys.first())
    {
        Some(k) => format!("{name} ({})", k.label()),
        None => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_in_two_entries() {
        let keys: Vec<Key> = KEYMAP.iter().flat_map(|s| s.keys.iter().copied()).collect();
        for (i, k) in keys.iter().enumerate() {
            assert!(!keys[i + 1..].contains(k), "{k:?} is listed twice");
        }
    }

    #[test]
    fn every_tool_has_a_key_and_tooltips_show_it() {
        for (tool, name) in Tool::ALL {
            let title = titled(name, Command::Tool(tool));
            assert!(title.ends_with(')'), "{title}");
        }
        assert_eq!(titled("Redo", Command::Redo), "Redo (Ctrl+Shift+Z)");
        assert_eq!(titled("Zoom out", Command::ZoomOut), "Zoom out (-)");
        assert_eq!(
            titled("Zoom to fit", Command::ZoomFit),
            "Zoom to fit (Shift+1)"
        );
    }
}
