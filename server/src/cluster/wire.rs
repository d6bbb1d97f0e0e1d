//! What the nodes of a cluster say to each other over Redis, sans-IO: a JSON
//! header that names the message, followed by the raw protocol frames it
//! carries (sync and awareness frames stay binary, never re-encoded).
//!
//! Layout: `u32 header length, header (JSON), u32 frame count, then per frame
//! u32 length and bytes`, lengths big-endian.

use crate::activity::Touch;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use tafel_shared::element::Element;
use tafel_shared::ids::ParticipantId;
use tafel_shared::roles::{DocKind, Role};
use thiserror::Error;

/// A socket's id on the node that holds it.
pub type Conn = u64;

/// One relay room on the node that runs it: where answers for its sockets go.
pub type Route = u64;

/// One message between nodes. "Up" messages go from the node a client is
/// connected to towards the node that owns the document; "down" ones back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
// The fields are the same few ids throughout, named for what they hold.
#[allow(missing_docs)]
pub enum Msg {
    /// The sender is alive (sent to every node it relays for or to).
    Beat,
    /// Up: a socket wants into a document this node owns.
    Join {
        route: Route,
        conn: Conn,
        board: String,
        doc: DocKind,
        role: Role,
        participant: ParticipantId,
    },
    /// Up: frames from a socket, in the order it sent them.
    Frame { route: Route, conn: Conn },
    /// Up: the socket is gone.
    Leave { conn: Conn },
    /// Up: restore elements (a version restored in place).
    Restore {
        route: Route,
        req: u64,
        board: String,
        doc: DocKind,
        elements: Vec<Element>,
    },
    /// Up: who last changed which element since a time.
    Activity {
        route: Route,
        req: u64,
        board: String,
        doc: DocKind,
        since_ms: u64,
    },
    /// Down: the answer to a join (`refused` holds the close code).
    Joined {
        route: Route,
        conn: Conn,
        refused: Option<u16>,
    },
    /// Down: frames for a socket, in order.
    Out { route: Route, conn: Conn },
    /// Down: the owner closed the socket with a code.
    Kill { route: Route, conn: Conn, code: u16 },
    /// Down: a restore is durable (`ok`), or could not be made. (A node of
    /// the version before sent it only when it was made.)
    Done {
        route: Route,
        req: u64,
        #[serde(default = "made")]
        ok: bool,
    },
    /// Down: the answer to [`Msg::Activity`]; `failed` when the owner could
    /// not read it (the asking node then reads what is stored).
    ActivityList {
        route: Route,
        req: u64,
        list: Vec<(String, Touch)>,
        #[serde(default)]
        failed: bool,
    },
    /// To all: close the sockets of a board opened with a role (its link was
    /// rotated).
    KickRole {
        board: String,
        role: Role,
        code: u16,
    },
    /// To all: a board was deleted.
    EvictBoard { board: String },
}

/// What a [`Msg::Done`] without `ok` means.
fn made() -> bool {
    true
}

/// A message with its sender.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// The node that sent it.
    pub from: String,
    /// What it says.
    pub msg: Msg,
}

/// A message from another node that does not decode.
#[derive(Debug, Error, PartialEq)]
#[error("malformed cluster message: {0}")]
pub struct WireError(String);

/// Encodes a message and its frames.
pub fn encode(envelope: &Envelope, frames: &[Bytes]) -> Vec<u8> {
    let header = serde_json::to_vec(envelope).expect("messages serialise");
    let size = 8 + header.len() + frames.iter().map(|f| 4 + f.len()).sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&(frames.len() as u32).to_be_bytes());
    for f in frames {
        out.extend_from_slice(&(f.len() as u32).to_be_bytes());
        out.extend_from_slice(f);
    }
    out
}

/// Decodes what [`encode`] wrote.
pub fn decode(bytes: &[u8]) -> Result<(Envelope, Vec<Bytes>), WireError> {
    let mut rest = bytes;
    let header = take(&mut rest)?;
    let envelope: Envelope =
        serde_json::from_slice(header).map_err(|e| WireError(format!("header: {e}")))?;
    let count = take_u32(&mut rest)? as usize;
    // Each frame needs at least its length: a bogus count cannot allocate.
    if count > rest.len() / 4 {
        return Err(WireError(format!("{count} frames in {} bytes", rest.len())));
    }
    let mut frames = Vec::with_capacity(count);
    for _ in 0..count {
        frames.push(Bytes::copy_from_slice(take(&mut rest)?));
    }
    if !rest.is_empty() {
        return Err(WireError(format!("{} bytes after the frames", rest.len())));
    }
    Ok((envelope, frames))
}

fn take_u32(rest: &mut &[u8]) -> Result<u32, WireError> {
    let (len, tail) = rest
        .split_first_chunk::<4>()
        .ok_or_else(|| WireError("cut short".into()))?;
    *rest = tail;
    Ok(u32::from_be_bytes(*len))
}

fn take<'a>(rest: &mut &'a [u8]) -> Result<&'a [u8], WireError> {
    let len = take_u32(rest)? as usize;
    if rest.len() < len {
        return Err(WireError("cut short".into()));
    }
    let (part, tail) = rest.split_at(len);
    *rest = tail;
    Ok(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join() -> Envelope {
        Envelope {
            from: "node-a".into(),
            msg: Msg::Join {
                route: 7,
                conn: 42,
                board: "b".repeat(22),
                doc: DocKind::Content,
                role: Role::Viewer,
                participant: ParticipantId::parse(&"p".repeat(22)).expect("an id"),
            },
        }
    }

    #[test]
    fn messages_and_their_frames_come_back_as_sent() {
        let frames = vec![
            Bytes::from_static(&[0, 1, 2]),
            Bytes::new(),
            Bytes::from(vec![9u8; 70_000]),
        ];
        let out = Envelope {
            from: "n".into(),
            msg: Msg::Out { route: 1, conn: 2 },
        };
        assert_eq!(decode(&encode(&out, &frames)), Ok((out, frames)));
        assert_eq!(decode(&encode(&join(), &[])), Ok((join(), vec![])));
    }

    #[test]
    fn answers_of_a_node_one_version_older_still_read() {
        let done = br#"{"from":"n","msg":{"t":"done","route":1,"req":2}}"#;
        let (envelope, _) = decode(&encode_raw(done)).unwrap();
        assert_eq!(
            envelope.msg,
            Msg::Done {
                route: 1,
                req: 2,
                ok: true
            }
        );
        let list = br#"{"from":"n","msg":{"t":"activity_list","route":1,"req":2,"list":[]}}"#;
        let (envelope, _) = decode(&encode_raw(list)).unwrap();
        assert!(matches!(
            envelope.msg,
            Msg::ActivityList { failed: false, .. }
        ));
    }

    /// A message as another version of the code would have framed it.
    fn encode_raw(header: &[u8]) -> Vec<u8> {
        let mut out = (header.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(header);
        out.extend_from_slice(&0u32.to_be_bytes());
        out
    }

    #[test]
    fn cut_or_padded_or_lying_messages_are_refused() {
        let whole = encode(&join(), &[Bytes::from_static(b"frame")]);
        for cut in [0, 3, 10, whole.len() - 1] {
            assert!(decode(&whole[..cut]).is_err(), "cut at {cut}");
        }
        let mut padded = whole.clone();
        padded.push(0);
        assert!(decode(&padded).is_err());
        // A count of four billion frames in a few bytes.
        let mut lying = encode(&join(), &[]);
        let at = lying.len() - 4;
        lying[at..].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(decode(&lying).is_err());
        assert!(decode(b"\0\0\0\x02{}\0\0\0\0").is_err());
    }
}
