//! Command line and environment configuration of `tafel serve`.

use crate::durability::DurabilityMode;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Tafel: a self-hosted, real-time collaborative whiteboard for remote workshops.
#[derive(Parser, Debug)]
#[command(name = "tafel", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve boards over HTTP and WebSocket from an embedded sled database.
    Serve(ServeConfig),
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Everything `tafel serve` can be told. Every flag has an environment variable.
#[derive(Args, Debug, Clone)]
pub struct ServeConfig {
    /// Address and port to listen on. Port 0 picks a free port (printed at start).
    #[arg(long, env = "TAFEL_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Data directory: the sled database, its format marker and the operator token.
    #[arg(long, env = "TAFEL_DATA", default_value = "./tafel-data")]
    pub data: PathBuf,

    /// Origin used in share links (e.g. https://tafel.example.org). Defaults to
    /// http://<bind>.
    #[arg(long, env = "TAFEL_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Directory with the built browser client. Defaults to client/dist next to the
    /// working directory, if it exists.
    #[arg(long, env = "TAFEL_ASSETS")]
    pub assets: Option<PathBuf>,

    /// strict: every update is flushed to disk before anyone else sees it (group
    /// commit shares one flush among all updates that arrive meanwhile).
    /// relaxed: updates are relayed at once and flushed every --relaxed-flush-ms; a
    /// crash can lose that window of updates that clients had already seen.
    #[arg(long, env = "TAFEL_DURABILITY", value_enum, default_value = "strict")]
    pub durability: DurabilityMode,

    /// Flush interval of the relaxed durability mode, in milliseconds.
    #[arg(long, env = "TAFEL_RELAXED_FLUSH_MS", default_value_t = 200)]
    pub relaxed_flush_ms: u64,

    /// Log format.
    #[arg(long, env = "TAFEL_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Largest WebSocket frame accepted, in bytes; larger ones close the socket (1009).
    #[arg(long, env = "TAFEL_MAX_FRAME_BYTES", default_value_t = 2 << 20)]
    pub max_frame_bytes: usize,

    /// Largest single document update accepted, in bytes (1009).
    #[arg(long, env = "TAFEL_MAX_UPDATE_BYTES", default_value_t = 1 << 20)]
    pub max_update_bytes: usize,

    /// Largest stored size of one document, in bytes; growth beyond closes with 4009.
    #[arg(long, env = "TAFEL_MAX_DOC_BYTES", default_value_t = 64 << 20)]
    pub max_doc_bytes: usize,

    /// Most sockets on one document; more are refused (4011).
    #[arg(long, env = "TAFEL_MAX_SOCKETS_PER_ROOM", default_value_t = 1000)]
    pub max_sockets_per_room: usize,

    /// Sustained messages per second one socket may send (4008 beyond).
    #[arg(long, env = "TAFEL_MAX_MESSAGES_PER_SEC", default_value_t = 200)]
    pub max_messages_per_sec: u32,

    /// Burst of messages one socket may send above the sustained rate.
    #[arg(long, env = "TAFEL_MESSAGE_BURST", default_value_t = 400)]
    pub message_burst: u32,

    /// Largest awareness (presence) state of one client, in bytes.
    #[arg(long, env = "TAFEL_MAX_AWARENESS_BYTES", default_value_t = 8 << 10)]
    pub max_awareness_bytes: usize,

    /// Bytes queued for one socket before it counts as too slow and is closed (4010);
    /// it reconnects and resyncs.
    #[arg(long, env = "TAFEL_SEND_QUEUE_BYTES", default_value_t = 8 << 20)]
    pub send_queue_bytes: usize,

    /// Seconds an empty document stays loaded before it is saved and unloaded.
    #[arg(long, env = "TAFEL_ROOM_GRACE_SECS", default_value_t = 30)]
    pub room_grace_secs: u64,

    /// Fold a document's update log into a snapshot after this many updates.
    #[arg(long, env = "TAFEL_COMPACT_AFTER_UPDATES", default_value_t = 500)]
    pub compact_after_updates: usize,

    /// …or after this many logged bytes.
    #[arg(long, env = "TAFEL_COMPACT_AFTER_BYTES", default_value_t = 4 << 20)]
    pub compact_after_bytes: usize,

    /// Keep a history snapshot of a changing document every this many minutes (and
    /// whenever it unloads).
    #[arg(long, env = "TAFEL_HISTORY_INTERVAL_MINS", default_value_t = 10)]
    pub history_interval_mins: u64,

    /// History snapshots kept per document; the oldest go first.
    #[arg(long, env = "TAFEL_HISTORY_KEEP", default_value_t = 100)]
    pub history_keep: usize,

    /// Who may create boards: anyone who can reach the server, or only callers with
    /// the operator token.
    #[arg(long, env = "TAFEL_CREATE_REQUIRES_OPERATOR", default_value_t = false)]
    pub create_requires_operator: bool,
}

impl Default for ServeConfig {
    fn default() -> Self {
        // The defaults declared above, without reading the environment.
        Self {
            bind: ([127, 0, 0, 1], 8080).into(),
            data: PathBuf::from("./tafel-data"),
            public_url: None,
            assets: None,
            durability: DurabilityMode::Strict,
            relaxed_flush_ms: 200,
            log_format: LogFormat::Text,
            max_frame_bytes: 2 << 20,
            max_update_bytes: 1 << 20,
            max_doc_bytes: 64 << 20,
            max_sockets_per_room: 1000,
            max_messages_per_sec: 200,
            message_burst: 400,
            max_awareness_bytes: 8 << 10,
            send_queue_bytes: 8 << 20,
            room_grace_secs: 30,
            compact_after_updates: 500,
            compact_after_bytes: 4 << 20,
            history_interval_mins: 10,
            history_keep: 100,
            create_requires_operator: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed_and_defaults_match() {
        Cli::command().debug_assert();
        let parsed = Cli::try_parse_from(["tafel", "serve"]).unwrap();
        let Command::Serve(cfg) = parsed.command;
        let d = ServeConfig::default();
        // Environment variables could override; compare only when none is set.
        if std::env::vars().all(|(k, _)| !k.starts_with("TAFEL_")) {
            assert_eq!(format!("{cfg:?}"), format!("{d:?}"));
        }
    }
}
