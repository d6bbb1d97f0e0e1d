//! Board ids and share tokens: URL-safe strings whose shape is checked before they
//! reach a store key or a hash, so path tricks never get further than a parse.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Random bytes in a board id (128 bits: unguessable, so ids can appear in links).
pub const BOARD_ID_BYTES: usize = 16;
/// Random bytes in a share token (256 bits).
pub const TOKEN_BYTES: usize = 32;

/// Length of the unpadded URL-safe base64 text of `bytes` random bytes.
const fn b64_len(bytes: usize) -> usize {
    (bytes * 4).div_ceil(3)
}

fn is_url_safe(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A board id: 22 characters of URL-safe base64.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct BoardId(String);

impl BoardId {
    /// Checks the shape of an id taken from a URL or a request body.
    pub fn parse(s: &str) -> Option<Self> {
        (s.len() == b64_len(BOARD_ID_BYTES) && is_url_safe(s)).then(|| Self(s.to_owned()))
    }

    /// The id as it appears in URLs and store keys.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BoardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks the shape of a share or operator token (43 URL-safe characters), so a
/// malformed token is refused without touching the store.
pub fn is_well_formed_token(s: &str) -> bool {
    s.len() == b64_len(TOKEN_BYTES) && is_url_safe(s)
}

/// Random bytes in a participant id (128 bits).
pub const PARTICIPANT_ID_BYTES: usize = 16;

/// Who someone is on this server, without an account: issued by the server to each
/// browser together with a proof (see [`ParticipantCredential`]). Public: it names
/// authors, voters and owners of private notes; only the proof is secret.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ParticipantId(String);

impl ParticipantId {
    /// Checks the shape of an id (22 URL-safe characters).
    pub fn parse(s: &str) -> Option<Self> {
        (s.len() == b64_len(PARTICIPANT_ID_BYTES) && is_url_safe(s)).then(|| Self(s.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a browser keeps and sends on every socket (`?me=`): its participant id and
/// the server's proof that it issued that id, as `{id}.{proof}`. The server checks
/// the proof with a key only it holds, so nobody can speak as another id.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ParticipantCredential {
    /// The public id.
    pub id: ParticipantId,
    /// URL-safe base64 of the server's MAC over the id.
    pub proof: String,
}

impl ParticipantCredential {
    /// Splits `{id}.{proof}`; the proof is only checked for shape here.
    pub fn parse(s: &str) -> Option<Self> {
        let (id, proof) = s.split_once('.')?;
        let proof_ok = (16..=64).contains(&proof.len()) && is_url_safe(proof);
        Some(Self {
            id: ParticipantId::parse(id)?,
            proof: proof_ok.then(|| proof.to_owned())?,
        })
    }
}

impl fmt::Display for ParticipantCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.id, self.proof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_ids_refuse_path_tricks_and_wrong_lengths() {
        assert!(BoardId::parse("AAAAAAAAAAAAAAAAAAAAAA").is_some());
        assert!(BoardId::parse("abc-_DEF0123456789xyzQ").is_some());
        for bad in [
            "",
            "short",
            "../../../../etc/passwd",
            "AAAAAAAAAAAAAAAAAAAA/A",
            "AAAAAAAAAAAAAAAAAAAA%2",
            "AAAAAAAAAAAAAAAAAAAAAAA",
            "AAAAAAAAAAAAAAAAAAAAÄ",
        ] {
            assert!(BoardId::parse(bad).is_none(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn tokens_have_one_shape() {
        assert!(is_well_formed_token(&"a".repeat(43)));
        assert!(!is_well_formed_token(&"a".repeat(42)));
        assert!(!is_well_formed_token(&format!("{}=", "a".repeat(42))));
    }

    #[test]
    fn participant_credentials_round_trip_and_refuse_odd_shapes() {
        let text = format!("{}.{}", "p".repeat(22), "q".repeat(22));
        let cred = ParticipantCredential::parse(&text).unwrap();
        assert_eq!(cred.id.as_str(), "p".repeat(22));
        assert_eq!(cred.to_string(), text);
        for bad in [
            String::new(),
            "p".repeat(22),
            format!("{}.", "p".repeat(22)),
            format!("{}.{}", "p".repeat(21), "q".repeat(22)),
            format!("{}.{}", "p".repeat(22), "q/".repeat(11)),
            format!("{}.{}", "p".repeat(22), "q".repeat(65)),
        ] {
            assert!(ParticipantCredential::parse(&bad).is_none(), "{bad:?}");
        }
    }
}

/// The path and fragment of a share link: `/b/{board}#token={token}`. The token sits
/// in the fragment, which browsers send neither to servers nor in `Referer`.
pub fn board_link(board: &str, token: &str) -> String {
    format!("/b/{board}#token={token}")
}

/// The board id and token of a share link's path and fragment (`#` optional); the
/// token is empty when the fragment has none.
pub fn parse_board_link(path: &str, fragment: &str) -> Option<(String, String)> {
    let id = path.strip_prefix("/b/")?;
    if id.is_empty() || id.contains('/') {
        return None;
    }
    let token = fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="))
        .unwrap_or_default();
    Some((id.to_owned(), token.to_owned()))
}

#[cfg(test)]
mod link_tests {
    use super::*;

    #[test]
    fn share_links_round_trip() {
        let link = board_link("abc", "xyz");
        let (path, fragment) = link.split_once('#').unwrap_or_default();
        assert_eq!(
            parse_board_link(path, fragment),
            Some(("abc".into(), "xyz".into()))
        );
        assert_eq!(
            parse_board_link("/b/abc", ""),
            Some(("abc".into(), String::new()))
        );
        assert_eq!(
            parse_board_link("/b/abc", "#x=1&token=t"),
            Some(("abc".into(), "t".into()))
        );
        assert_eq!(parse_board_link("/", ""), None);
        assert_eq!(parse_board_link("/b/", "#token=x"), None);
        assert_eq!(parse_board_link("/b/a/b", ""), None);
    }
}
