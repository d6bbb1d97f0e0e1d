//! Command line and environment configuration of `tafel serve`.

use crate::durability::DurabilityMode;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The default of every numeric flag, named once: clap's help, [`ServeConfig::default`]
/// and the room layer's defaults all read these.
pub mod defaults {
    /// Default of `--relaxed-flush-ms`.
    pub const RELAXED_FLUSH_MS: u64 = 200;
    /// Default of `--max-frame-bytes`.
    pub const MAX_FRAME_BYTES: usize = 2 << 20;
    /// Default of `--max-update-bytes`.
    pub const MAX_UPDATE_BYTES: usize = 1 << 20;
    /// Default of `--max-doc-bytes`.
    pub const MAX_DOC_BYTES: usize = 64 << 20;
    /// Default of `--max-sockets-per-room`.
    pub const MAX_SOCKETS_PER_ROOM: usize = 1000;
    /// Default of `--max-messages-per-sec`.
    pub const MAX_MESSAGES_PER_SEC: u32 = 200;
    /// Default of `--message-burst`.
    pub const MESSAGE_BURST: u32 = 400;
    /// Default of `--max-awareness-bytes`.
    pub const MAX_AWARENESS_BYTES: usize = 8 << 10;
    /// Default of `--send-queue-bytes`.
    pub const SEND_QUEUE_BYTES: usize = 8 << 20;
    /// Default of `--room-grace-secs`.
    pub const ROOM_GRACE_SECS: u64 = 30;
    /// Default of `--write-timeout-secs`.
    pub const WRITE_TIMEOUT_SECS: u64 = 10;
    /// Default of `--compact-after-updates`.
    pub const COMPACT_AFTER_UPDATES: usize = 500;
    /// Default of `--compact-after-bytes`.
    pub const COMPACT_AFTER_BYTES: usize = 4 << 20;
    /// Default of `--history-interval-mins`.
    pub const HISTORY_INTERVAL_MINS: u64 = 10;
    /// Default of `--history-keep`.
    pub const HISTORY_KEEP: usize = 100;
    /// Default of `--history-max-board-mb`.
    pub const HISTORY_MAX_BOARD_MB: u64 = 256;
    /// Default of `--history-max-total-mb`.
    pub const HISTORY_MAX_TOTAL_MB: u64 = 10_240;
    /// Default of `--max-image-mb`.
    pub const MAX_IMAGE_MB: u64 = 25;
    /// Default of `--board-images-mb`.
    pub const BOARD_IMAGES_MB: u64 = 1_024;
}

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
    Serve(Box<ServeConfig>),
    /// Export a board from a data directory (the server must be stopped: the
    /// database is locked while it runs; use the HTTP export then).
    Export(ExportArgs),
    /// Manage the operator token of a data directory (with the server
    /// stopped).
    #[command(name = "operator-token")]
    OperatorToken(OperatorTokenArgs),
    /// Write a copy of this executable that carries the built browser client,
    /// so that the one file serves the app (`cargo xtask dist` runs this).
    #[command(name = "bundle-client")]
    BundleClient(BundleArgs),
    /// List or delete boards of a running server (the operator token is read
    /// from the key directory or TAFEL_OPERATOR_TOKEN).
    Boards(BoardsArgs),
    /// Write a consistent backup of a running server to FILE.
    Backup(BackupArgs),
    /// Restore a backup into a new data directory (no server running on it).
    Restore(RestoreArgs),
    /// Print the access log of a running server (who created, opened,
    /// exported, shared or deleted which board, when, from where).
    #[command(name = "access-log")]
    AccessLog(AccessLogArgs),
}

/// `tafel access-log`.
#[derive(Args, Debug, Clone)]
pub struct AccessLogArgs {
    /// Only the last this many days.
    #[arg(long)]
    pub days: Option<u64>,

    /// Only this board.
    #[arg(long)]
    pub board: Option<String>,

    /// CSV (for spreadsheets) instead of one JSON object per line.
    #[arg(long)]
    pub csv: bool,

    /// The server.
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// How to reach a running server as its operator.
#[derive(Args, Debug, Clone)]
pub struct RemoteArgs {
    /// The server's address.
    #[arg(
        long,
        global = true,
        env = "TAFEL_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub url: String,

    /// Its data directory (to find the key directory beside it).
    #[arg(
        long,
        global = true,
        env = "TAFEL_DATA",
        default_value = "./tafel-data"
    )]
    pub data: PathBuf,

    /// Its key directory, where `operator-token` is (default: `<data>.keys`).
    #[arg(long, global = true, env = "TAFEL_KEYS")]
    pub keys: Option<PathBuf>,
}

/// `tafel boards`.
#[derive(Args, Debug, Clone)]
pub struct BoardsArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: BoardsAction,

    /// The server.
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// `tafel boards list` or `tafel boards delete ID`.
#[derive(Subcommand, Debug, Clone)]
pub enum BoardsAction {
    /// Every board: id, size, last change, open sockets, title.
    List,
    /// Delete a board for good: its content, comments, history and pictures,
    /// and the key that could read any bytes of it left on disk.
    Delete {
        /// The board's id.
        id: String,
    },
}

/// `tafel backup FILE`.
#[derive(Args, Debug, Clone)]
pub struct BackupArgs {
    /// Where to write the backup.
    pub file: PathBuf,

    /// The server.
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// `tafel restore FILE --data DIR`.
#[derive(Args, Debug, Clone)]
pub struct RestoreArgs {
    /// The backup file.
    pub file: PathBuf,

    /// The new data directory (created; must not hold boards).
    #[arg(long)]
    pub data: PathBuf,

    /// Its key directory (default: `<data>.keys`, made if missing).
    #[arg(long)]
    pub keys: Option<PathBuf>,
}

/// What `tafel bundle-client` is told.
#[derive(Args, Debug, Clone)]
pub struct BundleArgs {
    /// The built client (`cargo xtask build-client` writes `client/dist`).
    #[arg(long, default_value = "client/dist")]
    pub assets: PathBuf,

    /// Where to write the executable with the client inside.
    #[arg(long)]
    pub out: PathBuf,
}

/// What `tafel operator-token` does.
#[derive(Args, Debug, Clone)]
pub struct OperatorTokenArgs {
    /// `rotate`: a new operator token replaces the old one, which stops
    /// working at once. It is written to `<keys>/operator-token` (readable by
    /// this user only); the database keeps only its hash.
    #[arg(value_parser = ["rotate"])]
    pub action: String,

    /// Data directory.
    #[arg(long, env = "TAFEL_DATA", default_value = "./tafel-data")]
    pub data: PathBuf,

    /// Key directory (default: `<data>.keys`).
    #[arg(long, env = "TAFEL_KEYS")]
    pub keys: Option<PathBuf>,
}

fn export_format(s: &str) -> Result<tafel_shared::api::ExportFormat, String> {
    tafel_shared::api::ExportFormat::parse(s)
        .ok_or_else(|| "one of svg, png, pdf, json, md, csv".to_owned())
}

/// Everything `tafel export` can be told.
#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    /// The board's id (the part after `/b/` in its links).
    pub board: String,

    /// The format to write: svg, png, pdf, json, md or csv.
    #[arg(long, default_value = "pdf", value_parser = export_format)]
    pub format: tafel_shared::api::ExportFormat,

    /// A frame to export, by title or id; repeat for several (a PDF gets one
    /// page each). Without: the whole board.
    #[arg(long)]
    pub frame: Vec<String>,

    /// Element ids to export (comma-separated), as a selection.
    #[arg(long, value_delimiter = ',')]
    pub ids: Vec<String>,

    /// PNG pixels per board unit.
    #[arg(long, default_value_t = 1.0)]
    pub scale: f32,

    /// Where to write; `-` for standard output. Default: the board's title as a
    /// file name in the current directory.
    #[arg(short, long)]
    pub output: Option<PathBuf>,

    /// Data directory.
    #[arg(long, env = "TAFEL_DATA", default_value = "./tafel-data")]
    pub data: PathBuf,

    /// Key directory (default: `<data>.keys`).
    #[arg(long, env = "TAFEL_KEYS")]
    pub keys: Option<PathBuf>,
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

    /// Directory of the server's secrets (the key share links are derived
    /// from, the participant key, the operator token), kept apart from the
    /// data so that a copy or backup of the data opens no board. Default:
    /// `<data>.keys` beside the data directory.
    #[arg(long, env = "TAFEL_KEYS")]
    pub keys: Option<PathBuf>,

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
    #[arg(long, env = "TAFEL_RELAXED_FLUSH_MS", default_value_t = defaults::RELAXED_FLUSH_MS)]
    pub relaxed_flush_ms: u64,

    /// Log format.
    #[arg(long, env = "TAFEL_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Largest WebSocket frame accepted, in bytes; larger ones close the socket (1009).
    #[arg(long, env = "TAFEL_MAX_FRAME_BYTES", default_value_t = defaults::MAX_FRAME_BYTES)]
    pub max_frame_bytes: usize,

    /// Largest single document update accepted, in bytes (1009).
    #[arg(long, env = "TAFEL_MAX_UPDATE_BYTES", default_value_t = defaults::MAX_UPDATE_BYTES)]
    pub max_update_bytes: usize,

    /// Largest stored size of one document, in bytes; growth beyond closes with 4009.
    #[arg(long, env = "TAFEL_MAX_DOC_BYTES", default_value_t = defaults::MAX_DOC_BYTES)]
    pub max_doc_bytes: usize,

    /// Most documents loaded at once across all boards; a socket that would
    /// load one more is refused (4015) until others unload.
    #[arg(long, env = "TAFEL_MAX_ROOMS", default_value_t = 10_000)]
    pub max_rooms: usize,

    /// Most sockets open at once across all boards; more are refused (4015).
    #[arg(long, env = "TAFEL_MAX_SOCKETS", default_value_t = 20_000)]
    pub max_sockets: usize,

    /// Most sockets on one document; more are refused (4011).
    #[arg(long, env = "TAFEL_MAX_SOCKETS_PER_ROOM", default_value_t = defaults::MAX_SOCKETS_PER_ROOM)]
    pub max_sockets_per_room: usize,

    /// Sustained messages per second one socket may send (4008 beyond).
    #[arg(long, env = "TAFEL_MAX_MESSAGES_PER_SEC", default_value_t = defaults::MAX_MESSAGES_PER_SEC)]
    pub max_messages_per_sec: u32,

    /// Burst of messages one socket may send above the sustained rate.
    #[arg(long, env = "TAFEL_MESSAGE_BURST", default_value_t = defaults::MESSAGE_BURST)]
    pub message_burst: u32,

    /// Largest awareness (presence) state of one client, in bytes.
    #[arg(long, env = "TAFEL_MAX_AWARENESS_BYTES", default_value_t = defaults::MAX_AWARENESS_BYTES)]
    pub max_awareness_bytes: usize,

    /// Bytes queued for one socket before it counts as too slow and is closed (4010);
    /// it reconnects and resyncs.
    #[arg(long, env = "TAFEL_SEND_QUEUE_BYTES", default_value_t = defaults::SEND_QUEUE_BYTES)]
    pub send_queue_bytes: usize,

    /// Seconds shutdown (closing sockets and the final flush) may take; past
    /// them the process exits with an error, whatever the disk does.
    #[arg(long, env = "TAFEL_SHUTDOWN_DEADLINE_SECS", default_value_t = 30)]
    pub shutdown_deadline_secs: u64,

    /// Seconds between SIGTERM and closing the sockets: meanwhile `/readyz`
    /// answers 503 and the node still serves everyone, so that a load
    /// balancer sends no one new to it before its clients reconnect
    /// elsewhere (set it above the balancer's check interval).
    #[arg(long, env = "TAFEL_DRAIN_SECS", default_value_t = 0)]
    pub drain_secs: u64,

    /// Seconds one store write or flush may take. A disk that takes longer, or
    /// any failed write, halts storage: the server closes every socket and
    /// exits non-zero, to be restarted on what the disk holds.
    #[arg(long, env = "TAFEL_DISK_DEADLINE_SECS", default_value_t = 30)]
    pub disk_deadline_secs: u64,

    /// Days the access log (who opened, exported, shared or deleted which
    /// board, when, from where) is kept.
    #[arg(long, env = "TAFEL_ACCESS_LOG_DAYS", default_value_t = 90)]
    pub access_log_days: u64,

    /// Delete boards nobody changed for this many days (off by default);
    /// their facilitators see a warning in the board for the last 7 days.
    #[arg(long, env = "TAFEL_RETENTION_DAYS")]
    pub retention_days: Option<u64>,

    /// Seconds a write to a socket may take; a client that reads nothing for
    /// that long is disconnected and its task ends.
    #[arg(long, env = "TAFEL_WRITE_TIMEOUT_SECS", default_value_t = defaults::WRITE_TIMEOUT_SECS)]
    pub write_timeout_secs: u64,

    /// Seconds an empty document stays loaded before it is saved and unloaded.
    #[arg(long, env = "TAFEL_ROOM_GRACE_SECS", default_value_t = defaults::ROOM_GRACE_SECS)]
    pub room_grace_secs: u64,

    /// Fold a document's update log into a snapshot after this many updates.
    #[arg(long, env = "TAFEL_COMPACT_AFTER_UPDATES", default_value_t = defaults::COMPACT_AFTER_UPDATES)]
    pub compact_after_updates: usize,

    /// …or after this many logged bytes.
    #[arg(long, env = "TAFEL_COMPACT_AFTER_BYTES", default_value_t = defaults::COMPACT_AFTER_BYTES)]
    pub compact_after_bytes: usize,

    /// Keep a history snapshot of a changing document every this many minutes (and
    /// whenever it unloads).
    #[arg(long, env = "TAFEL_HISTORY_INTERVAL_MINS", default_value_t = defaults::HISTORY_INTERVAL_MINS)]
    pub history_interval_mins: u64,

    /// History snapshots kept per document; the oldest go first.
    #[arg(long, env = "TAFEL_HISTORY_KEEP", default_value_t = defaults::HISTORY_KEEP)]
    pub history_keep: usize,

    /// Most megabytes of history one board keeps (named versions included); the
    /// oldest unnamed versions go first.
    #[arg(long, env = "TAFEL_HISTORY_MAX_BOARD_MB", default_value_t = defaults::HISTORY_MAX_BOARD_MB)]
    pub history_max_board_mb: u64,

    /// Most megabytes of history all boards keep together; beyond it, no new
    /// version is kept (saving a named one is refused) until boards are deleted
    /// or the limit raised.
    #[arg(long, env = "TAFEL_HISTORY_MAX_TOTAL_MB", default_value_t = defaults::HISTORY_MAX_TOTAL_MB)]
    pub history_max_total_mb: u64,

    /// Web origins (`https://host[:port]`, comma-separated) whose pages may call
    /// the API and open sockets, besides the server's own public URL; a
    /// browser request from any other origin gets 403. Off (any origin) when
    /// empty. Requests without an `Origin` header (scripts, stock clients) are
    /// not affected.
    #[arg(long, env = "TAFEL_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,

    /// `/metrics` answers only callers with the operator token (a bearer
    /// token), for servers whose metrics port is reachable by users.
    #[arg(long, env = "TAFEL_METRICS_PRIVATE", default_value_t = false)]
    pub metrics_private: bool,

    /// Who may create boards: anyone who can reach the server, or only callers with
    /// the operator token.
    #[arg(long, env = "TAFEL_CREATE_REQUIRES_OPERATOR", default_value_t = false)]
    pub create_requires_operator: bool,

    /// Boards one address may create or import a minute (in bursts of as
    /// many); more are refused with 429.
    #[arg(long, env = "TAFEL_CREATES_PER_MINUTE", default_value_t = 30)]
    pub creates_per_minute: u32,

    /// Participant identities one address may be issued a minute.
    #[arg(long, env = "TAFEL_PARTICIPANTS_PER_MINUTE", default_value_t = 60)]
    pub participants_per_minute: u32,

    /// Tafel runs behind a reverse proxy that appends the client's address to
    /// `X-Forwarded-For`: per-address limits use that address (without this
    /// flag the header is ignored, so a client cannot name another address).
    #[arg(long, env = "TAFEL_TRUSTED_PROXY", default_value_t = false)]
    pub trusted_proxy: bool,

    /// Who saves and manages the server's own templates: facilitators (each
    /// renames and deletes what they saved), or only callers with the operator
    /// token.
    #[arg(long, env = "TAFEL_TEMPLATES_BY_OPERATOR", default_value_t = false)]
    pub templates_by_operator: bool,

    /// Largest picture one upload may have, in megabytes.
    #[arg(long, env = "TAFEL_MAX_IMAGE_MB", default_value_t = defaults::MAX_IMAGE_MB)]
    pub max_image_mb: u64,

    /// Most megabytes of pictures (originals) one board may hold.
    #[arg(long, env = "TAFEL_BOARD_IMAGES_MB", default_value_t = defaults::BOARD_IMAGES_MB)]
    pub board_images_mb: u64,

    /// Run as one node of a cluster: boards live in PostgreSQL (--postgres)
    /// instead of the data directory, and the nodes relay sockets to each
    /// other through Redis (--redis), so any node serves any board.
    #[arg(long, env = "TAFEL_CLUSTER", default_value_t = false, requires_all = ["redis", "postgres"])]
    pub cluster: bool,

    /// Cluster mode: the Redis the nodes talk through (redis://host:port/).
    #[arg(long, env = "TAFEL_REDIS_URL")]
    pub redis: Option<String>,

    /// Cluster mode: the PostgreSQL that holds the boards
    /// (postgres://user:password@host:port/database).
    #[arg(long, env = "TAFEL_POSTGRES_URL")]
    pub postgres: Option<String>,

    /// Cluster mode: this node's name, unique in the cluster. Default: the
    /// host name, the process id and a random suffix.
    #[arg(long, env = "TAFEL_NODE")]
    pub node: Option<String>,
}

impl ServeConfig {
    /// `--keys`, or `<data>.keys`.
    pub fn keys_dir(&self) -> PathBuf {
        crate::keys::dir_for(&self.data, self.keys.as_deref())
    }
    /// `--max-image-mb` in bytes.
    pub fn max_image_bytes(&self) -> u64 {
        self.max_image_mb.max(1) << 20
    }

    /// Where the cluster meets, in cluster mode.
    pub fn cluster(&self) -> Option<crate::cluster::ClusterConfig> {
        if !self.cluster {
            return None;
        }
        Some(crate::cluster::ClusterConfig {
            redis: self.redis.clone()?,
            node: self.node_name(),
        })
    }

    /// `--node`, or the host name.
    pub fn node_name(&self) -> String {
        self.node.clone().unwrap_or_else(|| {
            let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
            match host.trim() {
                "" => "tafel".to_owned(),
                host => host.to_owned(),
            }
        })
    }

    /// `--board-images-mb` in bytes.
    pub fn board_images_bytes(&self) -> u64 {
        self.board_images_mb << 20
    }
}

impl Default for ServeConfig {
    fn default() -> Self {
        // The defaults declared above, without reading the environment.
        Self {
            bind: ([127, 0, 0, 1], 8080).into(),
            data: PathBuf::from("./tafel-data"),
            public_url: None,
            keys: None,
            assets: None,
            durability: DurabilityMode::Strict,
            relaxed_flush_ms: defaults::RELAXED_FLUSH_MS,
            log_format: LogFormat::Text,
            max_frame_bytes: defaults::MAX_FRAME_BYTES,
            max_update_bytes: defaults::MAX_UPDATE_BYTES,
            max_doc_bytes: defaults::MAX_DOC_BYTES,
            max_sockets_per_room: defaults::MAX_SOCKETS_PER_ROOM,
            max_rooms: 10_000,
            max_sockets: 20_000,
            max_messages_per_sec: defaults::MAX_MESSAGES_PER_SEC,
            message_burst: defaults::MESSAGE_BURST,
            max_awareness_bytes: defaults::MAX_AWARENESS_BYTES,
            send_queue_bytes: defaults::SEND_QUEUE_BYTES,
            write_timeout_secs: defaults::WRITE_TIMEOUT_SECS,
            shutdown_deadline_secs: 30,
            drain_secs: 0,
            disk_deadline_secs: 30,
            access_log_days: 90,
            retention_days: None,
            room_grace_secs: defaults::ROOM_GRACE_SECS,
            compact_after_updates: defaults::COMPACT_AFTER_UPDATES,
            compact_after_bytes: defaults::COMPACT_AFTER_BYTES,
            history_interval_mins: defaults::HISTORY_INTERVAL_MINS,
            history_keep: defaults::HISTORY_KEEP,
            history_max_board_mb: defaults::HISTORY_MAX_BOARD_MB,
            history_max_total_mb: defaults::HISTORY_MAX_TOTAL_MB,
            create_requires_operator: false,
            allowed_origins: Vec::new(),
            metrics_private: false,
            templates_by_operator: false,
            creates_per_minute: 30,
            participants_per_minute: 60,
            trusted_proxy: false,
            max_image_mb: defaults::MAX_IMAGE_MB,
            board_images_mb: defaults::BOARD_IMAGES_MB,
            cluster: false,
            redis: None,
            postgres: None,
            node: None,
        }
    }
}

// The room layer's settings come from here (not the other way round), so that the
// configuration is the one place that names every default.
impl Default for crate::room::RoomLimits {
    fn default() -> Self {
        Self::from(&ServeConfig::default())
    }
}

impl Default for crate::rooms::RoomConfig {
    fn default() -> Self {
        Self::from(&ServeConfig::default())
    }
}

impl From<&ServeConfig> for crate::room::RoomLimits {
    fn from(c: &ServeConfig) -> Self {
        Self {
            max_update_bytes: c.max_update_bytes,
            max_doc_bytes: c.max_doc_bytes,
            max_conns: c.max_sockets_per_room,
            max_awareness_bytes: c.max_awareness_bytes,
        }
    }
}

impl From<&ServeConfig> for crate::rooms::RoomConfig {
    fn from(c: &ServeConfig) -> Self {
        Self {
            limits: c.into(),
            send_queue_bytes: c.send_queue_bytes.max(1),
            grace: Duration::from_secs(c.room_grace_secs),
            max_rooms: c.max_rooms.max(1),
            max_sockets: c.max_sockets.max(1),
            persist: crate::rooms::persist::PersistPolicy {
                compact_after_updates: c.compact_after_updates.max(1),
                compact_after_bytes: c.compact_after_bytes,
                history_interval: Duration::from_secs(c.history_interval_mins.max(1) * 60),
                history: crate::storage::HistoryLimits {
                    keep: c.history_keep.max(1),
                    max_board_bytes: c.history_max_board_mb.max(1) * 1024 * 1024,
                    max_total_bytes: c.history_max_total_mb.max(1) * 1024 * 1024,
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    #[test]
    fn cli_is_well_formed_and_defaults_match() {
        Cli::command().debug_assert();
        // The environment is ignored here (the test command sets TAFEL_* variables),
        // so this compares clap's declared defaults with `ServeConfig::default`.
        let command =
            Cli::command().mut_subcommand("serve", |serve| serve.mut_args(|arg| arg.env(None)));
        let matches = command.try_get_matches_from(["tafel", "serve"]).unwrap();
        let Command::Serve(parsed) = Cli::from_arg_matches(&matches).unwrap().command else {
            panic!("`tafel serve` parses as serve");
        };
        assert_eq!(
            format!("{parsed:?}"),
            format!("{:?}", ServeConfig::default())
        );
        let room = crate::rooms::RoomConfig::default();
        assert_eq!(room.limits.max_conns, defaults::MAX_SOCKETS_PER_ROOM);
        assert_eq!(room.persist.history.keep, defaults::HISTORY_KEEP);
        assert_eq!(
            crate::room::RoomLimits::default().max_conns,
            defaults::MAX_SOCKETS_PER_ROOM
        );
    }
}
