//! Roles and documents: who may read and write which of a board's documents.
//!
//! A board is split into documents along permission boundaries (see DESIGN.md), so
//! the server enforces a role by document instead of by parsing CRDT updates.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The role a share link grants. Ordered from most to least powerful.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs the workshop: edits everything, controls the session, manages links.
    Facilitator,
    /// Edits the board's content and comments.
    Editor,
    /// Reads the board and writes comments.
    Commenter,
    /// Reads the board only.
    Viewer,
}

impl Role {
    /// Every role, in the order share dialogs list them.
    pub const ALL: [Role; 4] = [
        Role::Facilitator,
        Role::Editor,
        Role::Commenter,
        Role::Viewer,
    ];

    /// The role's name in URLs and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Facilitator => "facilitator",
            Role::Editor => "editor",
            Role::Commenter => "commenter",
            Role::Viewer => "viewer",
        }
    }

    /// Parses a role name as it appears in URLs and JSON.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role may change `doc`. Every role may read every shared
    /// document; this is the only permission that differs.
    pub fn can_write(self, doc: DocKind) -> bool {
        match doc {
            DocKind::Content => matches!(self, Role::Facilitator | Role::Editor),
            // Written by the server alone, through comment actions, so that it
            // can check who wrote which comment (see `crate::comments`).
            DocKind::Comments => false,
            // Written by the server alone, through actions (see `crate::action`):
            // a free CRDT write could not be checked for who may change what.
            DocKind::Session => false,
            // Locked elements live here: nobody but a facilitator can move, edit,
            // restack, delete or unlock them, whatever client they use.
            DocKind::Locked => self == Role::Facilitator,
        }
    }

    /// Whether this role may open, answer and resolve comments (as actions the
    /// server checks; see [`crate::comments`]).
    pub fn can_comment(self) -> bool {
        self != Role::Viewer
    }

    /// Whether this role steers the workshop: timer, and later votes, private
    /// mode, summon and agenda (all as server-applied actions).
    pub fn can_facilitate(self) -> bool {
        self == Role::Facilitator
    }

    /// Whether this role manages the board: rename, rotate links, delete.
    pub fn can_manage(self) -> bool {
        self == Role::Facilitator
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Role {
    /// The catalogue key of the role's name for people.
    pub fn label_key(self) -> String {
        format!("role-{}", self.as_str())
    }
}

/// One of a board's shared documents, each synced on its own WebSocket.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// Elements on the canvas.
    Content,
    /// Comment threads and replies.
    Comments,
    /// Facilitation state: timer, agenda, summon, hands.
    Session,
    /// Locked elements (a template's frames, a background a facilitator locked):
    /// the same element model as the content, written by facilitators only.
    Locked,
}

impl DocKind {
    /// Every shared document of a board.
    pub const ALL: [DocKind; 4] = [
        DocKind::Content,
        DocKind::Comments,
        DocKind::Session,
        DocKind::Locked,
    ];

    /// The document's name in store keys and URL paths.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Content => "content",
            DocKind::Comments => "comments",
            DocKind::Session => "session",
            DocKind::Locked => "locked",
        }
    }

    /// The WebSocket path of this document of `board` (without the token).
    pub fn ws_path(self, board: &str) -> String {
        match self {
            DocKind::Content => format!("/ws/{board}"),
            other => format!("/ws/{board}/{}", other.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_table_matches_design() {
        use DocKind::*;
        use Role::*;
        let expected = [
            // Nobody writes the session document directly: the server does.
            // Only facilitators write the locked layer.
            // Nor the comments document: comments are actions, checked by author.
            (Facilitator, [true, false, false, true]),
            (Editor, [true, false, false, false]),
            (Commenter, [false, false, false, false]),
            (Viewer, [false, false, false, false]),
        ];
        for (role, writes) in expected {
            for (doc, may) in [Content, Comments, Session, Locked].into_iter().zip(writes) {
                assert_eq!(role.can_write(doc), may, "{role} writing {doc:?}");
            }
        }
        let commenting: Vec<Role> = Role::ALL.into_iter().filter(|r| r.can_comment()).collect();
        assert_eq!(commenting, [Facilitator, Editor, Commenter]);
        assert!(Facilitator.can_manage());
        assert!(!Editor.can_manage());
        assert!(Facilitator.can_facilitate());
        assert!(Role::ALL
            .iter()
            .filter(|r| r.can_facilitate())
            .eq([Facilitator].iter()));
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{r}\""));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
