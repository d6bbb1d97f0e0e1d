//! The keyboard shortcuts: one table that the keyboard handler dispatches from
//! and the help panel (and the toolbar's tooltips) render, so a key is written
//! down once. Entries whose work is done elsewhere (pointer gestures, the
//! browser's copy and paste events, focus order) are listed for help only.

use crate::commands::Commands;
use crate::i18n::t;
use crate::state::{Panel, Tool};
use tafel_shared::roles::DocKind;
use tafel_shared::roles::Role;
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
    /// Not a key: a pointer gesture, for help only (the catalogue key of how
    /// it is written).
    Gesture(&'static str),
}

impl Key {
    /// Whether `e` is this key.
    pub fn matches(self, e: &KeyboardEvent) -> bool {
        let ctrl = e.ctrl_key() || e.meta_key();
        let key = e.key();
        match self {
            Key::Any(k) => key == k,
            Key::Shifted(k) => key == k && !ctrl,
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

    /// How the key is written for people, in this page's language (German
    /// keyboards say Strg and Entf).
    pub fn label(self) -> String {
        self.label_in(&t)
    }

    /// How the key is written, with `word` giving the text of a catalogue key.
    fn label_in(self, word: &dyn Fn(&str) -> String) -> String {
        match self {
            Key::Any("PageUp") => word("key-page-up"),
            Key::Any("PageDown") => word("key-page-down"),
            Key::Any("Enter") => word("key-enter"),
            Key::Any("Escape") => word("key-escape"),
            Key::Any("Tab") => word("key-tab"),
            Key::Any("Delete") => word("key-delete"),
            Key::Any("Backspace") => word("key-backspace"),
            Key::Any(k) => k.into(),
            Key::Gesture(k) => word(k),
            Key::Letter(k) => k.to_uppercase(),
            Key::Shifted(k) | Key::ShiftDigit(k) => format!("{}+{k}", word("key-shift")),
            Key::Ctrl(k) => format!("{}+{}", word("key-ctrl"), k.to_uppercase()),
            Key::CtrlShift(k) => format!(
                "{}+{}+{}",
                word("key-ctrl"),
                word("key-shift"),
                k.to_uppercase()
            ),
            Key::Arrows => word("key-arrows"),
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
    /// Makes the selection one group.
    Group,
    /// Takes the selection out of its groups.
    Ungroup,
    /// Turns snapping to the grid on or off.
    GridSnap,
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
            Command::Group if can_edit => c.group(),
            Command::Ungroup if can_edit => c.ungroup(),
            Command::GridSnap if can_edit => c.toggle_grid_snap(),
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
    /// What it does, for people: the catalogue key of the text (see
    /// [`Shortcut::description`]).
    pub what: &'static str,
    /// What the keys run.
    pub command: Command,
}

impl Shortcut {
    /// Whether someone with `role` can use this shortcut, so the help lists
    /// it: viewers see no editing keys, only facilitators the lock.
    pub fn usable_by(&self, role: Role) -> bool {
        let edits = role.can_write(DocKind::Content);
        match self.command {
            Command::Tool(Tool::Comment) => role.can_comment(),
            Command::Tool(tool) => !tool.edits() || edits,
            Command::Enter
            | Command::Delete
            | Command::Duplicate
            | Command::Undo
            | Command::Redo
            | Command::Front
            | Command::Back
            | Command::Group
            | Command::Ungroup
            | Command::GridSnap => edits,
            Command::Lock => role.can_manage(),
            Command::Elsewhere => self.what != "key-help-free-move" || edits,
            Command::Escape
            | Command::Nudge
            | Command::SelectAll
            | Command::ZoomIn
            | Command::ZoomOut
            | Command::ZoomFit
            | Command::ZoomSelection
            | Command::Outline
            | Command::Help => true,
        }
    }

    /// What it does, for people, in this page's language.
    pub fn description(&self) -> String {
        t(self.what)
    }

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
    entry(
        &[Key::Letter("v")],
        "key-help-select",
        Command::Tool(Tool::Select),
    ),
    entry(
        &[Key::Letter("h")],
        "key-help-hand",
        Command::Tool(Tool::Hand),
    ),
    entry(
        &[Key::Letter("n")],
        "key-help-sticky",
        Command::Tool(Tool::Sticky),
    ),
    entry(
        &[Key::Letter("t")],
        "key-help-text",
        Command::Tool(Tool::Text),
    ),
    entry(
        &[Key::Letter("r")],
        "key-help-rect",
        Command::Tool(Tool::Rect),
    ),
    entry(
        &[Key::Letter("o")],
        "key-help-ellipse",
        Command::Tool(Tool::Ellipse),
    ),
    entry(
        &[Key::Letter("d")],
        "key-help-diamond",
        Command::Tool(Tool::Diamond),
    ),
    entry(
        &[Key::Letter("l")],
        "key-help-connector",
        Command::Tool(Tool::Connector),
    ),
    entry(
        &[Key::Letter("p")],
        "key-help-pen",
        Command::Tool(Tool::Pen),
    ),
    entry(
        &[Key::Letter("f")],
        "key-help-frame",
        Command::Tool(Tool::Frame),
    ),
    entry(
        &[Key::Letter("c")],
        "key-help-comment",
        Command::Tool(Tool::Comment),
    ),
    entry(&[Key::Any("Enter")], "key-help-enter", Command::Enter),
    entry(&[Key::Any("Escape")], "key-help-escape", Command::Escape),
    entry(&[Key::Any("Tab")], "key-help-tab", Command::Elsewhere),
    entry(&[Key::Arrows], "key-help-nudge", Command::Nudge),
    entry(
        &[Key::Any("Delete"), Key::Any("Backspace")],
        "key-help-delete",
        Command::Delete,
    ),
    entry(&[Key::Ctrl("a")], "key-help-select-all", Command::SelectAll),
    entry(
        &[Key::Ctrl("c"), Key::Ctrl("x"), Key::Ctrl("v")],
        "key-help-clipboard",
        Command::Elsewhere,
    ),
    entry(&[Key::Ctrl("d")], "key-help-duplicate", Command::Duplicate),
    entry(&[Key::Ctrl("z")], "key-help-undo", Command::Undo),
    entry(
        &[Key::CtrlShift("z"), Key::Ctrl("y")],
        "key-help-redo",
        Command::Redo,
    ),
    entry(
        &[Key::Any("]"), Key::Any("PageUp")],
        "key-help-front",
        Command::Front,
    ),
    entry(
        &[Key::Any("["), Key::Any("PageDown")],
        "key-help-back",
        Command::Back,
    ),
    entry(
        &[Key::Any("+"), Key::Any("=")],
        "key-help-zoom-in",
        Command::ZoomIn,
    ),
    entry(
        &[Key::Any("-"), Key::Any("_")],
        "key-help-zoom-out",
        Command::ZoomOut,
    ),
    entry(
        &[Key::Gesture("key-gesture-zoom")],
        "key-help-zoom-pointer",
        Command::Elsewhere,
    ),
    entry(
        &[Key::Gesture("key-gesture-pan")],
        "key-help-pan",
        Command::Elsewhere,
    ),
    entry(
        &[Key::ShiftDigit("1")],
        "key-help-zoom-fit",
        Command::ZoomFit,
    ),
    entry(
        &[Key::ShiftDigit("2")],
        "key-help-zoom-selection",
        Command::ZoomSelection,
    ),
    entry(&[Key::Shifted("O")], "key-help-outline", Command::Outline),
    entry(&[Key::CtrlShift("l")], "key-help-lock", Command::Lock),
    entry(&[Key::Ctrl("g")], "key-help-group", Command::Group),
    entry(&[Key::CtrlShift("g")], "key-help-ungroup", Command::Ungroup),
    entry(&[Key::Shifted("G")], "key-help-grid", Command::GridSnap),
    entry(
        &[Key::Gesture("key-gesture-alt-drag")],
        "key-help-free-move",
        Command::Elsewhere,
    ),
    entry(&[Key::Any("?")], "key-help-help", Command::Help),
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
    titled_in(name, command, &t)
}

/// [`titled`], with `word` giving the text of a catalogue key.
fn titled_in(name: &str, command: Command, word: &dyn Fn(&str) -> String) -> String {
    match KEYMAP
        .iter()
        .find(|s| s.command == command)
        .and_then(|s| s.keys.first())
    {
        Some(k) => format!("{name} ({})", k.label_in(word)),
        None => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tafel_shared::i18n::Lang;

    #[test]
    fn each_role_is_shown_the_keys_it_can_use() {
        let listed = |role: Role| -> Vec<&str> {
            KEYMAP
                .iter()
                .filter(|s| s.usable_by(role))
                .map(|s| s.what)
                .collect()
        };
        let viewer = listed(Role::Viewer);
        for key in [
            "key-help-zoom-in",
            "key-help-hand",
            "key-help-outline",
            "key-help-clipboard",
        ] {
            assert!(viewer.contains(&key), "{key}");
        }
        for key in [
            "key-help-sticky",
            "key-help-delete",
            "key-help-undo",
            "key-help-comment",
            "key-help-lock",
            "key-help-free-move",
        ] {
            assert!(!viewer.contains(&key), "{key}");
        }
        let commenter = listed(Role::Commenter);
        assert!(commenter.contains(&"key-help-comment") && !commenter.contains(&"key-help-group"));
        let editor = listed(Role::Editor);
        assert!(editor.contains(&"key-help-group") && !editor.contains(&"key-help-lock"));
        assert_eq!(listed(Role::Facilitator).len(), KEYMAP.len());
    }

    #[test]
    fn no_key_is_in_two_entries() {
        let keys: Vec<Key> = KEYMAP.iter().flat_map(|s| s.keys.iter().copied()).collect();
        for (i, k) in keys.iter().enumerate() {
            assert!(!keys[i + 1..].contains(k), "{k:?} is listed twice");
        }
    }

    /// The English text of a catalogue key (the page's language needs a
    /// browser).
    fn english(key: &str) -> String {
        tafel_shared::i18n::text(Lang::En, key)
    }

    #[test]
    fn every_tool_has_a_key_and_tooltips_show_it() {
        for tool in Tool::ALL {
            let title = titled_in(tool.name(), Command::Tool(tool), &english);
            assert!(title.ends_with(')'), "{title}");
        }
        assert_eq!(
            titled_in("Redo", Command::Redo, &english),
            "Redo (Ctrl+Shift+Z)"
        );
        assert_eq!(
            titled_in("Zoom out", Command::ZoomOut, &english),
            "Zoom out (-)"
        );
        assert_eq!(
            titled_in("Zoom to fit", Command::ZoomFit, &english),
            "Zoom to fit (Shift+1)"
        );
    }

    /// The help's texts are catalogue keys kept in a table, which the
    /// catalogue test (looking for `t("…")` in the code) cannot see.
    #[test]
    fn every_help_text_and_key_name_is_in_both_catalogues() {
        let mut keys: Vec<&str> = KEYMAP.iter().map(|s| s.what).collect();
        keys.extend(KEYMAP.iter().flat_map(|s| s.keys).filter_map(|k| match k {
            Key::Gesture(g) => Some(*g),
            _ => None,
        }));
        keys.extend([
            "key-page-up",
            "key-page-down",
            "key-enter",
            "key-escape",
            "key-tab",
            "key-delete",
            "key-backspace",
            "key-shift",
            "key-ctrl",
            "key-arrows",
        ]);
        for key in keys {
            for lang in Lang::ALL {
                assert!(
                    tafel_shared::i18n::has(lang, key),
                    "{key} missing in {lang:?}"
                );
            }
        }
        let german = |key: &str| tafel_shared::i18n::text(Lang::De, key);
        assert_eq!(Key::CtrlShift("z").label_in(&german), "Strg+Umschalt+Z");
    }
}
