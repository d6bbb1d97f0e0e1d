//! Why the server refused an action: a stable code for programs and a sentence
//! for people. Its own module, so that the rules of every document (timer,
//! room, comments) can refuse without depending on the list of all actions.

use serde::{Deserialize, Serialize};

/// Why an action was refused. Nothing changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// Stable, for programs.
    pub code: RefusalCode,
    /// A sentence for people.
    pub reason: String,
}

/// Stable refusal codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The caller's role may not do this.
    Forbidden,
    /// The action belongs to another of the board's documents (socket).
    WrongDocument,
    /// An argument is out of range.
    InvalidArgument,
    /// Not possible in the current state (pausing a timer that does not run).
    NotNow,
    /// A per-person limit is used up (no votes left, too many private notes).
    LimitReached,
    /// The element does not exist or is out of the round's scope.
    NotFound,
}

impl RefusalCode {
    /// Every code.
    pub const ALL: [RefusalCode; 6] = [
        RefusalCode::Forbidden,
        RefusalCode::WrongDocument,
        RefusalCode::InvalidArgument,
        RefusalCode::NotNow,
        RefusalCode::LimitReached,
        RefusalCode::NotFound,
    ];

    /// The catalogue key of a sentence for people that says what the code
    /// means, for interfaces in a language the server's reason is not in.
    pub fn label_key(self) -> &'static str {
        match self {
            RefusalCode::Forbidden => "refusal-forbidden",
            RefusalCode::WrongDocument => "refusal-wrong-document",
            RefusalCode::InvalidArgument => "refusal-invalid-argument",
            RefusalCode::NotNow => "refusal-not-now",
            RefusalCode::LimitReached => "refusal-limit-reached",
            RefusalCode::NotFound => "refusal-not-found",
        }
    }
}

impl Refusal {
    /// A refusal with its code and reason.
    pub fn new(code: RefusalCode, reason: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
        }
    }
}
