//! What the Tafel server and the browser client agree on, with no I/O so that it
//! builds for `wasm32-unknown-unknown` and the host alike.
//!
//! # Layout
//! - [`order`]: fractional index keys for stacking order.
//! - [`protocol`]: the WebSocket wire format (the Yjs sync and awareness framing of
//!   the npm `y-websocket` provider), close codes and document addressing.
//! - [`roles`]: share-link roles and which document each may read and write.
//! - [`ids`]: board ids and share tokens as they appear in URLs.
//! - [`api`]: the JSON bodies of the HTTP board API, including its error codes.
//! - [`schema`]: the board's element model inside the content document.
//! - [`templates`]: the workshop templates a board can start from.
//! - [`sync`]: the client side of document sync, sans-IO.
//! - [`geometry`]: viewport, hit testing, connector routing and pen smoothing.
//! - [`element`]: elements read from and written to the document as values.
//! - [`edit`]: moves, frame membership, deletion, stacking and the clipboard.
//! - [`text`]: smallest text changes and caret carrying for in-place editing.
//! - [`rich`]: formatted text (bold, italic, strike, links, lists) as `Y.Text` formatting.
//! - [`presence`]: who is on a board and where, sent as awareness state.
//! - [`action`]: server-applied actions (requests, results); [`refusal`]: refusal codes.
//! - [`session`]: the session document the server writes: the timer.
//! - [`workshop`]: votes, private notes, freeze and roster as the server shows them.
//! - [`comments`]: comment threads, and who may change which comment.
//! - [`diff`]: what changed between two states of a board, and restoring one.
//! - [`draw`]: the board as SVG, for exports and earlier versions.
//! - [`pictures`]: what a picture file is, its name, and its first size.
//! - [`i18n`]: German and English, one Fluent catalogue per language.
//! - [`layout`]: align, distribute, tidy, and snapping with guides.

pub mod action;
pub mod api;
pub mod comments;
pub mod diff;
pub mod draw;
pub mod edit;
pub mod element;
pub mod geometry;
pub mod i18n;
pub mod ids;
pub mod layout;
pub mod order;
pub mod pictures;
pub mod presence;
pub mod protocol;
pub mod refusal;
pub mod rich;
pub mod roles;
pub mod schema;
pub mod session;
pub mod sync;
pub mod templates;
pub mod text;
pub mod workshop;
