//! Presence: who is on a board, where their pointer is, what they have selected.
//! It travels as the JSON state of an awareness entry and is never stored. The
//! `user` object follows the convention of Yjs editors, so other Yjs tools show
//! Tafel participants by name too.

use crate::geometry::Point;
use crate::roles::Role;
use serde::{Deserialize, Serialize};

/// Display name and colour of a participant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct User {
    /// Display name.
    pub name: String,
    /// Colour as `#rrggbb`.
    pub color: String,
}

/// One participant's presence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Presence {
    /// Who.
    pub user: User,
    /// Their role on this board.
    #[serde(default)]
    pub role: Option<Role>,
    /// Pointer position in board coordinates, while it is over the board.
    #[serde(default)]
    pub cursor: Option<Point>,
    /// Ids of the elements they have selected.
    #[serde(default)]
    pub selection: Vec<String>,
}

impl Presence {
    /// The awareness state text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a state another client sent; `None` for states from other tools that
    /// lack a name.
    pub fn from_json(state: &str) -> Option<Presence> {
        let p: Presence = serde_json::from_str(state).ok()?;
        (!p.user.name.is_empty()).then_some(p)
    }
}

/// Colours offered for participants: distinct from each other, readable on white.
pub const USER_COLORS: [&str; 10] = [
    "#e03131", "#c2255c", "#9c36b5", "#6741d9", "#3b5bdb", "#1971c2", "#0c8599", "#2b8a3e",
    "#e8590c", "#5c940d",
];

/// Initials for an avatar: first letters of the first two words, upper-case.
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if letters.is_empty() {
        "?".to_owned()
    } else {
        letters
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_round_trips_and_foreign_states_are_ignored() {
        let p = Presence {
            user: User {
                name: "Ada".into(),
                color: USER_COLORS[0].into(),
            },
            role: Some(Role::Editor),
            cursor: Some(Point::new(1.5, -2.0)),
            selection: vec!["a".into()],
        };
        assert_eq!(Presence::from_json(&p.to_json()), Some(p));
        assert_eq!(Presence::from_json(r#"{"cursor":null}"#), None);
        assert_eq!(Presence::from_json("null"), None);
        let minimal = Presence::from_json(r##"{"user":{"name":"Bo","color":"#000"}}"##)
            .expect("only a user is required");
        assert_eq!(minimal.cursor, None);
    }

    #[test]
    fn initials_take_two_words() {
        assert_eq!(initials("ada lovelace king"), "AL");
        assert_eq!(initials("Ümit"), "Ü");
        assert_eq!(initials("  "), "?");
    }
}
