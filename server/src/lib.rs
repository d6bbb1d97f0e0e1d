//! The Tafel server: boards synced over the Yjs protocol, durable in sled, roles
//! enforced on the server.
//!
//! # Layout
//! - [`config`]: the `tafel serve` flags and environment variables.
//! - [`app`]: the state every handler shares, and access checks.
//! - [`serve`]: start-up (data directory, operator token), listening, graceful
//!   shutdown.
//! - [`http`]: the board and operator API, health and metrics, WebSocket routes.
//! - [`ws`]: one socket: authentication, limits, frames to and from its room.
//! - [`rooms`]: one task per loaded document, and the registry that loads each once
//!   (with its send queues, loading phase and persistence).
//! - [`room`]: the sans-IO room core: protocol handling, permissions, presence, and
//!   the one map of a document's peers.
//! - [`durability`]: the storage writer thread and its group commit, shared by all
//!   rooms and the HTTP API.
//! - [`cluster`]: cluster mode: document owners, and sockets relayed to them
//!   over Redis.
//! - [`clock`]: the injected clock (real, or paused in tests).
//! - [`storage`]: what is kept in the store and under which keys.
//! - [`store`]: the key-value seam, with sled and in-memory implementations.
//! - [`metrics`]: Prometheus metrics.
//! - [`identity`]: participant ids and the proofs the server issues for them.
//! - [`secret`]: random tokens and owner-only files.
//! - [`workshop`]: votes, private notes, freeze and roster, sans-IO, with their
//!   secrets.
//! - [`history`]: board versions over HTTP: list, view, name, restore.
//! - [`activity`]: who last changed which element, sans-IO.
//! - [`export`]: SVG, PNG, PDF, JSON, Markdown and CSV exports, and import.
//! - [`render`]: drawing SVG to pixels with Tafel's fonts and no file access.
//! - [`files`], [`files_http`]: pictures: checked, downscaled, stored per board, served sandboxed.
//! - [`per_address`]: per-address limits on creating boards and issuing identities.
//! - [`saved_templates`]: the server's own templates, saved from boards, stored like boards.

pub mod access_log;
pub mod activity;
pub mod admin_cli;
pub mod app;
pub mod backup;
pub mod client_files;
pub mod clock;
pub mod cluster;
pub mod config;
pub mod durability;
pub mod export;
pub mod files;
pub mod files_http;
pub mod history;
pub mod http;
pub mod identity;
pub mod keys;
pub mod lease;
pub mod metrics;
pub mod per_address;
pub mod render;
pub mod room;
pub mod rooms;
pub mod saved_templates;
pub mod sealed;
pub mod secret;
pub mod serve;
pub mod storage;
pub mod store;
pub mod store_pg;
#[cfg(any(test, feature = "test-engines"))]
pub mod test_engines;
pub mod update_shape;
pub mod value_files;
pub mod workshop;
pub mod ws;
pub mod ws_conn;
pub mod ws_handshake;
