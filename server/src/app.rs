//! The server as a whole: shared state, start-up (data directory, operator token),
//! the router, and graceful shutdown.

use crate::clock::{SharedClock, SystemClock};
use crate::config::ServeConfig;
use crate::durability::Committer;
use crate::metrics::Metrics;
use crate::rooms::{RoomConfig, Rooms};
use crate::storage::{hash_token, BoardRecord, Storage};
use crate::store::{SledStore, Store, StoreError};
use anyhow::Context;
use rand::RngCore;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tafel_shared::ids::{self, BoardId};
use tafel_shared::protocol::CloseCode;
use tafel_shared::roles::{DocKind, Role};
use tokio::net::TcpListener;

/// State shared by every handler.
pub struct App {
    /// The configuration it was started with.
    pub config: ServeConfig,
    /// Board records and documents (read it off the async threads, through
    /// [`App::read`]; write through [`App::committer`]).
    pub storage: Storage,
    /// The storage writer: every write, in order, with group commit.
    pub committer: Arc<Committer>,
    /// The clock every deadline and timestamp reads.
    pub clock: SharedClock,
    /// Loaded documents.
    pub rooms: Arc<Rooms>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Origin for share links.
    pub public_url: String,
}

/// A socket that passed authentication.
pub struct Authorized {
    /// The board.
    pub board: BoardId,
    /// The document.
    pub doc: DocKind,
    /// The caller's role.
    pub role: Role,
}

/// A URL-safe random token of `bytes` random bytes.
pub fn random_token(bytes: usize) -> String {
    use base64::Engine;
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Why a token does not open a board.
#[derive(Debug, PartialEq, Eq)]
pub enum AccessError {
    /// No such board (or a malformed id).
    UnknownBoard,
    /// No token, or one that never belonged to this board.
    Unauthorized,
    /// A token that was rotated away.
    Revoked,
    /// The store could not be read.
    Storage,
}

impl App {
    /// Runs a read of the store on a blocking thread, so a slow disk never stalls
    /// the async workers that serve sockets.
    pub async fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Storage) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let storage = self.storage.clone();
        tokio::task::spawn_blocking(move || f(&storage))
            .await
            .map_err(StoreError::io)?
    }

    /// The role `token` grants on board `id`, with the board's record.
    pub async fn access(
        &self,
        id: &str,
        token: Option<&str>,
    ) -> Result<(BoardId, BoardRecord, Role), AccessError> {
        let board = BoardId::parse(id).ok_or(AccessError::UnknownBoard)?;
        let lookup = board.clone();
        let record = match self.read(move |s| s.get_board(&lookup)).await {
            Ok(Some(r)) => r,
            Ok(None) => return Err(AccessError::UnknownBoard),
            Err(e) => {
                tracing::error!(error = %e, "could not read a board record");
                return Err(AccessError::Storage);
            }
        };
        let token = token
            .filter(|t| ids::is_well_formed_token(t))
            .ok_or(AccessError::Unauthorized)?;
        match record.role_for(token) {
            Some(role) => Ok((board, record, role)),
            None if record.revoked.contains(&hash_token(token)) => Err(AccessError::Revoked),
            None => Err(AccessError::Unauthorized),
        }
    }

    /// Authenticates a socket for one document of a board.
    pub async fn authorize_socket(
        &self,
        id: &str,
        doc: DocKind,
        token: Option<&str>,
    ) -> Result<Authorized, CloseCode> {
        match self.access(id, token).await {
            Ok((board, _, role)) => Ok(Authorized { board, doc, role }),
            Err(AccessError::UnknownBoard) => Err(CloseCode::UnknownBoard),
            Err(AccessError::Unauthorized) => Err(CloseCode::Unauthorized),
            Err(AccessError::Revoked) => Err(CloseCode::TokenRevoked),
            Err(AccessError::Storage) => Err(CloseCode::StorageFailure),
        }
    }

    /// The share link of a role's token.
    pub fn link(&self, board: &str, token: &str) -> String {
        format!("{}{}", self.public_url, ids::board_link(board, token))
    }
}

/// A running server.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Shared state (tests inspect storage and metrics through it).
    pub app: Arc<App>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Server {
    /// Stops gracefully: closes sockets with "going away", makes everything durable.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.await.context("server task")?
    }

    /// Waits until the server stops (after [`shutdown_signal`] fires).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.task.await.context("server task")?
    }
}

/// Opens the sled store in the configured data directory, creating the operator
/// token on first start.
pub fn open_store(config: &ServeConfig) -> anyhow::Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data)?);
    Ok(store)
}

/// Sets up the operator token if the store has none: written to
/// `<data>/operator-token` (mode 0600) and returned so the caller prints it once.
pub fn ensure_operator_token(
    storage: &Storage,
    config: &ServeConfig,
) -> anyhow::Result<Option<(String, std::path::PathBuf)>> {
    if storage.operator_hash()?.is_some() {
        return Ok(None);
    }
    let token = random_token(ids::TOKEN_BYTES);
    let path = config.data.join("operator-token");
    write_private(&path, &format!("{token}\n"))
        .with_context(|| format!("writing {}", path.display()))?;
    storage.set_operator_hash(&hash_token(&token))?;
    storage.flush()?;
    Ok(Some((token, path)))
}

fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}

/// Starts serving on `config.bind` with `store`; returns once it listens.
pub async fn start(config: ServeConfig, store: Arc<dyn Store>) -> anyhow::Result<Server> {
    start_with_clock(config, store, Arc::new(SystemClock)).await
}

/// [`start`] with an injected clock.
pub async fn start_with_clock(
    config: ServeConfig,
    store: Arc<dyn Store>,
    clock: SharedClock,
) -> anyhow::Result<Server> {
    let listener = TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let addr = listener.local_addr()?;
    let metrics = Arc::new(Metrics::default());
    let storage = Storage::new(store);
    let committer = Committer::start(
        storage.clone(),
        config.durability,
        Duration::from_millis(config.relaxed_flush_ms.max(1)),
        Arc::clone(&metrics),
    );
    let rooms = Rooms::new(
        storage.clone(),
        Arc::clone(&committer),
        RoomConfig::from(&config),
        Arc::clone(&metrics),
        Arc::clone(&clock),
    );
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_owned();
    let app = Arc::new(App {
        config,
        storage,
        committer,
        clock,
        rooms,
        metrics,
        public_url,
    });
    let router = crate::http::router(Arc::clone(&app));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let shutdown_app = Arc::clone(&app);
    let task = tokio::spawn(async move {
        // Small sync frames must not wait for Nagle's algorithm.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
                tracing::info!("shutting down: closing sockets and flushing");
                // Sockets are upgraded connections the HTTP server no longer tracks:
                // close them here, so that graceful shutdown can finish.
                shutdown_app.rooms.shutdown().await;
            })
            .await
            .context("serving")
    });
    Ok(Server {
        addr,
        app,
        shutdown: Some(tx),
        task,
    })
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// Runs `tafel serve` until SIGINT or SIGTERM.
pub async fn serve(config: ServeConfig) -> anyhow::Result<()> {
    let store = open_store(&config)?;
    let storage = Storage::new(Arc::clone(&store));
    if let Some((token, path)) = ensure_operator_token(&storage, &config)? {
        // Printed once, to the terminal only, never through the log.
        println!("Operator token (saved in {}): {token}", path.display());
    }
    let data = config.data.display().to_string();
    let durability = config.durability;
    let server = start(config, store).await?;
    // Tests and scripts read this line to find the port.
    println!("tafel listening on http://{}", server.addr);
    tracing::info!(addr = %server.addr, data, ?durability, "serving");
    let mut server = server;
    let tx = server.shutdown.take();
    let signal = tokio::spawn(async move {
        shutdown_signal().await;
        if let Some(tx) = tx {
            let _ = tx.send(());
        }
    });
    let result = server.wait().await;
    signal.abort();
    tracing::info!("stopped");
    result
}
