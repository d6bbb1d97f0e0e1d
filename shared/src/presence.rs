//! Presence: who is on a board, where their pointer is, what they have selected,
//! what they look at, whom they follow, whether they are typing and their latest
//! emoji reaction. It travels as the JSON state of an awareness entry and is never stored. The
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
    /// What they look at (followers copy it; facilitators see who looks where).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<SeenView>,
    /// The awareness client id of the person they follow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following: Option<u64>,
    /// Whether a text editor is open (someone still typing when time is up).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub editing: bool,
    /// Their latest emoji reaction, shown briefly by everyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<Reaction>,
}

/// A participant's view: the board point at its centre, the zoom and the screen
/// size in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct SeenView {
    /// Centre, board coordinates.
    pub x: f64,
    /// Centre, board coordinates.
    pub y: f64,
    /// Screen pixels per board unit.
    pub zoom: f64,
    /// Screen width, CSS pixels.
    pub w: f64,
    /// Screen height, CSS pixels.
    pub h: f64,
}

impl SeenView {
    /// The board area on their screen.
    pub fn visible(&self) -> crate::geometry::Rect {
        let zoom = if self.zoom > 0.0 { self.zoom } else { 1.0 };
        let (w, h) = (self.w / zoom, self.h / zoom);
        crate::geometry::Rect::new(self.x - w / 2.0, self.y - h / 2.0, w, h)
    }
}

/// An emoji sent to everyone; `at_ms` (the sender's clock) tells one sending
/// from the next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reaction {
    /// The emoji.
    pub emoji: String,
    /// When it was sent, the sender's clock in ms.
    pub at_ms: u64,
}

/// The emoji one can react with.
pub const REACTIONS: [&str; 6] = ["👍", "❤️", "😂", "🎉", "🤔", "👏"];

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

/// A guest (someone who has not picked a name and colour) told apart from the
/// others on a board: if one who joined earlier (a lower client id, so two
/// guests arriving at once do not both change) has the same name, the guest
/// becomes "Guest 2", "Guest 3", … (`guest` is the word, in the page's
/// language); if one has the same colour, the guest takes the first colour
/// nobody has. `None` when nothing clashes.
pub fn tell_apart(me: &User, my_id: u64, others: &[(u64, User)], guest: &str) -> Option<User> {
    let earlier: Vec<&User> = others
        .iter()
        .filter(|(id, _)| *id < my_id)
        .map(|(_, u)| u)
        .collect();
    let mut out = me.clone();
    if earlier.iter().any(|u| u.name == me.name) {
        let taken = |n: usize| others.iter().any(|(_, u)| u.name == format!("{guest} {n}"));
        let n = (2..).find(|n| !taken(*n)).unwrap_or(2);
        out.name = format!("{guest} {n}");
    }
    if earlier.iter().any(|u| u.color == me.color) {
        if let Some(free) = USER_COLORS
            .iter()
            .find(|c| !others.iter().any(|(_, u)| u.color == **c))
        {
            out.color = (*free).to_owned();
        }
    }
    (out != *me).then_some(out)
}

/// Initials for an avatar: the first letter or digit of the first two words
/// that have one, upper-case ("Clara (Coach)" is "CC", not "C(").
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
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
            view: Some(SeenView {
                x: 1.0,
                y: 2.0,
                zoom: 0.5,
                w: 800.0,
                h: 600.0,
            }),
            following: Some(7),
            editing: true,
            reaction: Some(Reaction {
                emoji: "🎉".into(),
                at_ms: 9,
            }),
        };
        assert_eq!(Presence::from_json(&p.to_json()), Some(p));
        assert_eq!(Presence::from_json(r#"{"cursor":null}"#), None);
        assert_eq!(Presence::from_json("null"), None);
        let minimal = Presence::from_json(r##"{"user":{"name":"Bo","color":"#000"}}"##)
            .expect("only a user is required");
        assert_eq!(minimal.cursor, None);
        assert_eq!(
            (minimal.view, minimal.following, minimal.editing),
            (None, None, false)
        );
        let plain = Presence {
            user: minimal.user.clone(),
            ..Presence::default()
        };
        assert!(
            !plain.to_json().contains("editing"),
            "old clients see old states"
        );
    }

    #[test]
    fn a_seen_view_is_centred_on_its_point() {
        let v = SeenView {
            x: 100.0,
            y: 50.0,
            zoom: 2.0,
            w: 400.0,
            h: 200.0,
        };
        assert_eq!(
            v.visible(),
            crate::geometry::Rect::new(0.0, 0.0, 200.0, 100.0)
        );
    }

    #[test]
    fn guests_are_told_apart_by_name_and_colour_and_the_earlier_one_keeps_theirs() {
        let user = |name: &str, color: &str| User {
            name: name.into(),
            color: color.into(),
        };
        let me = user("Guest", USER_COLORS[0]);
        let first = (1, user("Guest", USER_COLORS[0]));
        let told = tell_apart(&me, 2, std::slice::from_ref(&first), "Guest").expect("a clash");
        assert_eq!(told.name, "Guest 2");
        assert_eq!(told.color, USER_COLORS[1]);
        // The earlier one keeps theirs.
        assert_eq!(tell_apart(&first.1, 1, &[(2, me.clone())], "Guest"), None);
        // A third guest skips the taken number and colours.
        let others = [first, (2, told)];
        let third = tell_apart(&me, 3, &others, "Guest").expect("a clash");
        assert_eq!(
            (third.name.as_str(), third.color.as_str()),
            ("Guest 3", USER_COLORS[2])
        );
        // Nothing clashes: nothing changes.
        assert_eq!(
            tell_apart(&user("Ada", USER_COLORS[5]), 9, &others, "Guest"),
            None
        );
    }

    #[test]
    fn initials_take_two_words() {
        assert_eq!(initials("ada lovelace king"), "AL");
        assert_eq!(initials("Ümit"), "Ü");
        assert_eq!(initials("  "), "?");
        assert_eq!(initials("Clara (Coach)"), "CC");
        assert_eq!(initials("- & Ben \"B.\" Smith"), "BB");
        assert_eq!(initials("(?)"), "?");
    }
}
