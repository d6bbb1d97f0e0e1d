//! The WebSocket wire format: exactly the framing of the npm `y-websocket` provider,
//! so that any stock Yjs client can sync a Tafel board.
//!
//! Every binary frame carries one message: a `varUint` message type, then its payload
//! (lib0 encoding: 7-bit little-endian varints, length-prefixed byte arrays and
//! UTF-8 strings).
//!
//! | type | message | payload |
//! |---|---|---|
//! | 0 | sync | `varUint` step (0 = step 1, 1 = step 2, 2 = update), then a byte array: a state vector (step 1) or an update (step 2, update) |
//! | 1 | awareness | a byte array holding `varUint` count, then per client: id, clock, JSON state (`"null"` = gone) |
//! | 2 | auth | `varUint` 0 (permission denied), then the reason as a string |
//! | 3 | query awareness | nothing |
//! | 100 | action (Tafel, client → server) | a string: [`crate::action::ActionRequest`] as JSON |
//! | 101 | action result (Tafel, server → client) | a string: [`crate::action::ActionResult`] as JSON |
//! | 102 | workshop view (Tafel, server → client) | a string: [`crate::workshop::WorkshopView`] as JSON |
//!
//! On connect, the server sends its own step 1 and, once the client's step 1
//! arrives, answers with a step 2 computed from the fully loaded document. A
//! message carries no room: the URL path addresses the document
//! (see [`crate::roles::DocKind::ws_path`]). Refusals end the socket with a
//! [`CloseCode`] and its reason.

use thiserror::Error;

/// Tag of a sync message ([`Message::Sync`]).
pub const MSG_SYNC: u64 = 0;
/// Tag of an awareness message ([`Message::Awareness`]).
pub const MSG_AWARENESS: u64 = 1;
/// Tag of an auth message ([`Message::PermissionDenied`]).
pub const MSG_AUTH: u64 = 2;
/// Tag of a query-awareness message ([`Message::QueryAwareness`]).
pub const MSG_QUERY_AWARENESS: u64 = 3;

/// Tag of a server-applied action ([`Message::Action`]); far from the Yjs types
/// so that no provider's own extensions collide with it.
pub const MSG_ACTION: u64 = 100;
/// Tag of an action's result ([`Message::ActionResult`]).
pub const MSG_ACTION_RESULT: u64 = 101;
/// Tag of a workshop view ([`Message::Workshop`]).
pub const MSG_WORKSHOP: u64 = 102;

/// Tag of [`SyncMessage::Step1`].
pub const SYNC_STEP1: u64 = 0;
/// Tag of [`SyncMessage::Step2`].
pub const SYNC_STEP2: u64 = 1;
/// Tag of [`SyncMessage::Update`].
pub const SYNC_UPDATE: u64 = 2;

/// Tag of the only auth message: permission denied.
pub const AUTH_PERMISSION_DENIED: u64 = 0;

/// The JSON text an awareness entry carries when its client is gone.
pub const AWARENESS_REMOVED: &str = "null";

/// One decoded protocol message.
#[derive(Clone, PartialEq, Debug)]
pub enum Message {
    /// Document sync.
    Sync(SyncMessage),
    /// Presence of one or more clients.
    Awareness(AwarenessUpdate),
    /// The server refused something; the reason is for people.
    PermissionDenied(String),
    /// Asks the peer to send all awareness states it knows.
    QueryAwareness,
    /// A client asks the server to apply an action.
    Action(crate::action::ActionRequest),
    /// The server's answer to an action.
    ActionResult(crate::action::ActionResult),
    /// What the server shows of the workshop state (to everyone, or to one
    /// participant only).
    Workshop(crate::workshop::WorkshopView),
}

/// The three steps of Yjs document sync.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum SyncMessage {
    /// "Here is my state vector; send me what I lack."
    Step1(Vec<u8>),
    /// The answer to a step 1: an update with everything the peer lacked.
    Step2(Vec<u8>),
    /// An incremental update.
    Update(Vec<u8>),
}

impl SyncMessage {
    /// The update a step 2 or update carries; `None` for a step 1.
    pub fn update(&self) -> Option<&[u8]> {
        match self {
            SyncMessage::Step1(_) => None,
            SyncMessage::Step2(u) | SyncMessage::Update(u) => Some(u),
        }
    }
}

/// An awareness update: the new state of some clients.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct AwarenessUpdate {
    /// One entry per client whose state changed.
    pub entries: Vec<AwarenessEntry>,
}

/// One client's presence.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AwarenessEntry {
    /// The Yjs client id of the document replica this presence belongs to.
    pub client_id: u64,
    /// Grows with every change; a receiver ignores clocks it has seen.
    pub clock: u64,
    /// JSON text of the state, or [`AWARENESS_REMOVED`].
    pub state: String,
}

impl AwarenessEntry {
    /// Whether this entry announces that its client left.
    pub fn is_removal(&self) -> bool {
        self.state == AWARENESS_REMOVED
    }
}

/// Why a frame could not be decoded.
#[derive(Clone, PartialEq, Eq, Debug, Error)]
pub enum DecodeError {
    /// The frame ended inside a value.
    #[error("message ends early")]
    UnexpectedEnd,
    /// A varint does not fit in 64 bits.
    #[error("number too large")]
    VarIntOverflow,
    /// The message type is not one of 0–3.
    #[error("unknown message type {0}")]
    UnknownMessageType(u64),
    /// The sync step is not one of 0–2.
    #[error("unknown sync step {0}")]
    UnknownSyncStep(u64),
    /// The auth message is not "permission denied".
    #[error("unknown auth message {0}")]
    UnknownAuthMessage(u64),
    /// A string is not UTF-8.
    #[error("string is not UTF-8")]
    InvalidUtf8,
    /// Bytes follow the message.
    #[error("{0} bytes after the message")]
    TrailingBytes(usize),
    /// An action or result is not the JSON it must be.
    #[error("malformed action: {0}")]
    MalformedAction(String),
}

/// Documented WebSocket close codes. Standard codes where one fits; the 4000 range
/// for Tafel's own.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CloseCode {
    /// 1001: the server is shutting down; reconnect later.
    GoingAway,
    /// 1003: a text frame; the protocol is binary.
    UnsupportedData,
    /// 1009: a frame or update over the server's size limits.
    TooLarge,
    /// 1011: the server failed; the board is intact.
    InternalError,
    /// 4000: a frame that does not decode as a protocol message.
    BadMessage,
    /// 4001: no token, or a token that is wrong or was revoked.
    Unauthorized,
    /// 4004: no board has this id (or the id is malformed).
    UnknownBoard,
    /// 4008: more messages per second than the server allows.
    RateLimited,
    /// 4009: the document would grow past the server's size limit.
    DocumentTooLarge,
    /// 4010: the client did not read fast enough; reconnect to resync.
    SlowConsumer,
    /// 4011: the board has as many connections as the server allows.
    RoomFull,
    /// 4012: the board was deleted.
    BoardDeleted,
    /// 4013: the link this socket was opened with was rotated.
    TokenRevoked,
    /// 4014: the server could not store an update; nothing was lost that the client
    /// had seen confirmed, and it may retry by reconnecting.
    StorageFailure,
    /// 4015: the server holds as many sockets or loaded boards as it allows.
    ServerFull,
}

impl CloseCode {
    /// Every close code, for documentation and tests.
    pub const ALL: [CloseCode; 15] = [
        CloseCode::GoingAway,
        CloseCode::UnsupportedData,
        CloseCode::TooLarge,
        CloseCode::InternalError,
        CloseCode::BadMessage,
        CloseCode::Unauthorized,
        CloseCode::UnknownBoard,
        CloseCode::RateLimited,
        CloseCode::DocumentTooLarge,
        CloseCode::SlowConsumer,
        CloseCode::RoomFull,
        CloseCode::BoardDeleted,
        CloseCode::TokenRevoked,
        CloseCode::StorageFailure,
        CloseCode::ServerFull,
    ];

    /// The numeric code sent in the close frame.
    pub fn code(self) -> u16 {
        match self {
            CloseCode::GoingAway => 1001,
            CloseCode::UnsupportedData => 1003,
            CloseCode::TooLarge => 1009,
            CloseCode::InternalError => 1011,
            CloseCode::BadMessage => 4000,
            CloseCode::Unauthorized => 4001,
            CloseCode::UnknownBoard => 4004,
            CloseCode::RateLimited => 4008,
            CloseCode::DocumentTooLarge => 4009,
            CloseCode::SlowConsumer => 4010,
            CloseCode::RoomFull => 4011,
            CloseCode::BoardDeleted => 4012,
            CloseCode::TokenRevoked => 4013,
            CloseCode::StorageFailure => 4014,
            CloseCode::ServerFull => 4015,
        }
    }

    /// The code for a number received in a close frame.
    pub fn from_code(code: u16) -> Option<CloseCode> {
        CloseCode::ALL.into_iter().find(|c| c.code() == code)
    }

    /// A short machine-readable reason (also used as a metrics label).
    pub fn reason(self) -> &'static str {
        match self {
            CloseCode::GoingAway => "server shutting down",
            CloseCode::UnsupportedData => "text frames are not supported",
            CloseCode::TooLarge => "message too large",
            CloseCode::InternalError => "internal error",
            CloseCode::BadMessage => "bad message",
            CloseCode::Unauthorized => "missing or invalid token",
            CloseCode::UnknownBoard => "unknown board",
            CloseCode::RateLimited => "rate limited",
            CloseCode::DocumentTooLarge => "document too large",
            CloseCode::SlowConsumer => "client too slow",
            CloseCode::RoomFull => "board full",
            CloseCode::BoardDeleted => "board deleted",
            CloseCode::TokenRevoked => "link revoked",
            CloseCode::StorageFailure => "storage failure",
            CloseCode::ServerFull => "server full",
        }
    }

    /// Whether a client should reconnect after this close.
    pub fn should_reconnect(self) -> bool {
        matches!(
            self,
            CloseCode::GoingAway
                | CloseCode::InternalError
                | CloseCode::RateLimited
                | CloseCode::SlowConsumer
                | CloseCode::RoomFull
                | CloseCode::StorageFailure
                | CloseCode::ServerFull
        )
    }
}

/// A cursor over one frame, reading lib0 values.
struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn var_uint(&mut self) -> Result<u64, DecodeError> {
        let mut value: u64 = 0;
        for (i, &byte) in self.buf.iter().enumerate() {
            let bits = u64::from(byte & 0x7f);
            let shift = 7 * i as u32;
            if shift >= 64 || (shift == 63 && bits > 1) {
                return Err(DecodeError::VarIntOverflow);
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                self.buf = &self.buf[i + 1..];
                return Ok(value);
            }
        }
        Err(DecodeError::UnexpectedEnd)
    }

    fn bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.var_uint()?;
        let len = usize::try_from(len).map_err(|_| DecodeError::UnexpectedEnd)?;
        if len > self.buf.len() {
            return Err(DecodeError::UnexpectedEnd);
        }
        let (head, tail) = self.buf.split_at(len);
        self.buf = tail;
        Ok(head)
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        let bytes = self.bytes()?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| DecodeError::InvalidUtf8)
    }

    fn finish(self) -> Result<(), DecodeError> {
        match self.buf.len() {
            0 => Ok(()),
            n => Err(DecodeError::TrailingBytes(n)),
        }
    }
}

fn write_var_uint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_var_uint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

impl AwarenessUpdate {
    /// Decodes the inner awareness payload (without the message tag and length).
    pub fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader { buf: payload };
        let count = r.var_uint()?;
        // Each entry takes at least three bytes, so a count larger than that is a lie;
        // checking it first keeps a forged count from reserving memory.
        if count > payload.len() as u64 / 3 {
            return Err(DecodeError::UnexpectedEnd);
        }
        let mut entries = Vec::with_capacity(count as usize);
        for _ in 0..count {
            entries.push(AwarenessEntry {
                client_id: r.var_uint()?,
                clock: r.var_uint()?,
                state: r.string()?,
            });
        }
        r.finish()?;
        Ok(Self { entries })
    }

    /// Encodes the inner awareness payload.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        write_var_uint(&mut out, self.entries.len() as u64);
        for e in &self.entries {
            write_var_uint(&mut out, e.client_id);
            write_var_uint(&mut out, e.clock);
            write_bytes(&mut out, e.state.as_bytes());
        }
        out
    }
}

impl Message {
    /// Decodes one frame. Anything but exactly one well-formed message is an error.
    pub fn decode(frame: &[u8]) -> Result<Message, DecodeError> {
        let mut r = Reader { buf: frame };
        let msg = match r.var_uint()? {
            MSG_SYNC => {
                let step = r.var_uint()?;
                let payload = r.bytes()?.to_vec();
                Message::Sync(match step {
                    SYNC_STEP1 => SyncMessage::Step1(payload),
                    SYNC_STEP2 => SyncMessage::Step2(payload),
                    SYNC_UPDATE => SyncMessage::Update(payload),
                    other => return Err(DecodeError::UnknownSyncStep(other)),
                })
            }
            MSG_AWARENESS => Message::Awareness(AwarenessUpdate::decode(r.bytes()?)?),
            MSG_AUTH => match r.var_uint()? {
                AUTH_PERMISSION_DENIED => Message::PermissionDenied(r.string()?),
                other => return Err(DecodeError::UnknownAuthMessage(other)),
            },
            MSG_QUERY_AWARENESS => Message::QueryAwareness,
            MSG_ACTION => Message::Action(json(&r.string()?)?),
            MSG_ACTION_RESULT => Message::ActionResult(json(&r.string()?)?),
            MSG_WORKSHOP => Message::Workshop(json(&r.string()?)?),
            other => return Err(DecodeError::UnknownMessageType(other)),
        };
        r.finish()?;
        Ok(msg)
    }

    /// Encodes this message as one frame.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Message::Sync(sync) => {
                write_var_uint(&mut out, MSG_SYNC);
                let (step, payload) = match sync {
                    SyncMessage::Step1(p) => (SYNC_STEP1, p),
                    SyncMessage::Step2(p) => (SYNC_STEP2, p),
                    SyncMessage::Update(p) => (SYNC_UPDATE, p),
                };
                write_var_uint(&mut out, step);
                write_bytes(&mut out, payload);
            }
            Message::Awareness(update) => {
                write_var_uint(&mut out, MSG_AWARENESS);
                write_bytes(&mut out, &update.encode());
            }
            Message::PermissionDenied(reason) => {
                write_var_uint(&mut out, MSG_AUTH);
                write_var_uint(&mut out, AUTH_PERMISSION_DENIED);
                write_bytes(&mut out, reason.as_bytes());
            }
            Message::QueryAwareness => write_var_uint(&mut out, MSG_QUERY_AWARENESS),
            Message::Action(request) => {
                write_var_uint(&mut out, MSG_ACTION);
                write_bytes(&mut out, to_json(request).as_bytes());
            }
            Message::ActionResult(result) => {
                write_var_uint(&mut out, MSG_ACTION_RESULT);
                write_bytes(&mut out, to_json(result).as_bytes());
            }
            Message::Workshop(view) => {
                write_var_uint(&mut out, MSG_WORKSHOP);
                write_bytes(&mut out, to_json(view).as_bytes());
            }
        }
        out
    }
}

fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    serde_json::from_str(text).map_err(|e| DecodeError::MalformedAction(e.to_string()))
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    // These types hold only strings, numbers, lists and enums, and no tagged enum
    // wraps a bare list (serde refuses to write that): serialising cannot fail.
    // Round-trip tests of every action, result and view guard it.
    serde_json::to_string(value).unwrap_or_default()
}

/// The WebSocket subprotocol Tafel's own client asks for; the server answers
/// with it. The client's credentials travel beside it as further offered
/// subprotocols ([`socket_protocols`]), in a header, so that no proxy logs
/// them with the URL. `?token=` and `?me=` stay for stock Yjs clients, which
/// can only put them in the URL.
pub const WS_PROTOCOL: &str = "tafel";

const TOKEN_PROTOCOL: &str = "tafel.token.";
const ME_PROTOCOL: &str = "tafel.me.";

/// The subprotocols a socket offers: Tafel's own, the share token and, if it
/// has one, the participant credential.
pub fn socket_protocols(token: &str, me: Option<&str>) -> Vec<String> {
    let mut out = vec![WS_PROTOCOL.to_owned(), format!("{TOKEN_PROTOCOL}{token}")];
    if let Some(me) = me {
        out.push(format!("{ME_PROTOCOL}{me}"));
    }
    out
}

/// The share token and participant credential in an offered
/// `Sec-WebSocket-Protocol` header (comma-separated), if there.
pub fn protocol_credentials(header: &str) -> (Option<String>, Option<String>) {
    let mut token = None;
    let mut me = None;
    for p in header.split(',').map(str::trim) {
        if let Some(t) = p.strip_prefix(TOKEN_PROTOCOL) {
            token = Some(t.to_owned());
        } else if let Some(m) = p.strip_prefix(ME_PROTOCOL) {
            me = Some(m.to_owned());
        }
    }
    (token, me)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_travel_as_subprotocols() {
        let offered = socket_protocols("AbC-_09", Some("p1.proof"));
        assert_eq!(offered[0], WS_PROTOCOL);
        let header = offered.join(", ");
        assert_eq!(
            protocol_credentials(&header),
            (Some("AbC-_09".into()), Some("p1.proof".into()))
        );
        assert_eq!(protocol_credentials("tafel"), (None, None));
        assert_eq!(
            protocol_credentials(&socket_protocols("t", None).join(",")),
            (Some("t".into()), None)
        );
    }
    use proptest::prelude::*;

    fn arb_message() -> impl Strategy<Value = Message> {
        let bytes = proptest::collection::vec(any::<u8>(), 0..64);
        let entry =
            (any::<u64>(), any::<u64>(), ".{0,20}").prop_map(|(client_id, clock, state)| {
                AwarenessEntry {
                    client_id,
                    clock,
                    state,
                }
            });
        prop_oneof![
            bytes
                .clone()
                .prop_map(|b| Message::Sync(SyncMessage::Step1(b))),
            bytes
                .clone()
                .prop_map(|b| Message::Sync(SyncMessage::Step2(b))),
            bytes.prop_map(|b| Message::Sync(SyncMessage::Update(b))),
            proptest::collection::vec(entry, 0..5)
                .prop_map(|entries| Message::Awareness(AwarenessUpdate { entries })),
            ".{0,40}".prop_map(Message::PermissionDenied),
            Just(Message::QueryAwareness),
            (any::<u64>(), 1_000u64..86_400_000).prop_map(|(id, duration_ms)| {
                Message::Action(crate::action::ActionRequest {
                    id,
                    action: crate::action::Action::Timer {
                        command: crate::action::TimerCommand::Set { duration_ms },
                    },
                })
            }),
            (any::<u64>(), 0u32..9, "[a-z]{1,8}", any::<bool>()).prop_map(
                |(id, round, element, add)| {
                    use crate::action::Action;
                    let action = if add {
                        Action::Vote { round, element }
                    } else {
                        Action::PrivateNote {
                            element: Box::new(crate::element::Element::sticky(
                                element,
                                crate::geometry::Rect::new(1.5, -2.0, 160.0, 160.0),
                                "#fff3bf",
                                "geheim",
                            )),
                        }
                    };
                    Message::Action(crate::action::ActionRequest { id, action })
                }
            ),
            ("[a-z]{0,8}", 1u32..10, any::<bool>()).prop_map(|(title, votes, named)| {
                Message::Workshop(crate::workshop::WorkshopView::Board(
                    crate::workshop::BoardView {
                        rounds: vec![crate::workshop::Round {
                            id: 1,
                            settings: crate::workshop::RoundSettings {
                                named,
                                ..crate::workshop::RoundSettings::new(title, votes)
                            },
                            started_ms: 1,
                            ends_ms: None,
                            ended_ms: None,
                            voters: 0,
                            finished: 0,
                            results: vec![],
                        }],
                        frozen: named,
                        ..Default::default()
                    },
                ))
            }),
            (any::<u64>(), any::<u64>(), proptest::option::of(".{0,20}")).prop_map(
                |(id, server_ms, reason)| {
                    Message::ActionResult(crate::action::ActionResult {
                        id,
                        server_ms,
                        refused: reason.map(|r| {
                            crate::action::Refusal::new(crate::action::RefusalCode::Forbidden, r)
                        }),
                    })
                }
            ),
        ]
    }

    proptest! {
        #[test]
        fn every_message_round_trips(msg in arb_message()) {
            prop_assert_eq!(Message::decode(&msg.encode()), Ok(msg));
        }

        #[test]
        fn malformed_action_json_is_a_decode_error(text in ".{0,40}") {
            let mut frame = vec![MSG_ACTION as u8, 1];
            frame.push(text.len() as u8);
            frame.extend_from_slice(text.as_bytes());
            // MSG_ACTION is 100: a one-byte varint.
            frame.remove(1);
            if let Ok(msg) = Message::decode(&frame) {
                prop_assert!(matches!(msg, Message::Action(_)));
            }
        }

        #[test]
        fn garbage_never_panics(frame in proptest::collection::vec(any::<u8>(), 0..128)) {
            let _ = Message::decode(&frame);
        }

        #[test]
        fn every_truncation_is_an_error(msg in arb_message(), cut in 1usize..8) {
            let frame = msg.encode();
            prop_assume!(cut <= frame.len());
            prop_assert!(Message::decode(&frame[..frame.len() - cut]).is_err());
        }
    }

    #[test]
    fn matches_bytes_a_yjs_client_sends() {
        // y-protocols: writeVarUint(0); writeVarUint(0); writeVarUint8Array(sv) for an
        // empty state vector [0].
        assert_eq!(
            Message::decode(&[0, 0, 1, 0]),
            Ok(Message::Sync(SyncMessage::Step1(vec![0])))
        );
        // Awareness: one client 300 (varint ac 02), clock 1, state {}.
        let frame = [1, 7, 1, 0xac, 0x02, 1, 2, b'{', b'}'];
        let decoded = Message::decode(&frame).unwrap();
        assert_eq!(
            decoded,
            Message::Awareness(AwarenessUpdate {
                entries: vec![AwarenessEntry {
                    client_id: 300,
                    clock: 1,
                    state: "{}".into()
                }]
            })
        );
        assert_eq!(decoded.encode(), frame);
        assert_eq!(Message::decode(&[3]), Ok(Message::QueryAwareness));
    }

    #[test]
    fn names_each_kind_of_bad_frame() {
        assert_eq!(Message::decode(&[]), Err(DecodeError::UnexpectedEnd));
        assert_eq!(Message::decode(&[0x80]), Err(DecodeError::UnexpectedEnd));
        assert_eq!(
            Message::decode(&[9]),
            Err(DecodeError::UnknownMessageType(9))
        );
        assert_eq!(
            Message::decode(&[0, 7, 0]),
            Err(DecodeError::UnknownSyncStep(7))
        );
        assert_eq!(
            Message::decode(&[0, 2, 5, 1]),
            Err(DecodeError::UnexpectedEnd)
        );
        assert_eq!(Message::decode(&[3, 3]), Err(DecodeError::TrailingBytes(1)));
        assert_eq!(
            Message::decode(&[2, 0, 1, 0xff]),
            Err(DecodeError::InvalidUtf8)
        );
        assert_eq!(
            Message::decode(&[0xff; 11]),
            Err(DecodeError::VarIntOverflow)
        );
        // A forged awareness count must not reserve memory for billions of entries.
        assert!(Message::decode(&[1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
    }

    #[test]
    fn close_codes_are_unique_and_round_trip() {
        for c in CloseCode::ALL {
            assert_eq!(CloseCode::from_code(c.code()), Some(c));
        }
        let mut codes: Vec<u16> = CloseCode::ALL.iter().map(|c| c.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), CloseCode::ALL.len());
    }
}
