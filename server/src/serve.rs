//! Running the server: the data directory and operator token at start-up, the
//! listener and router, and graceful shutdown.

use crate::app::App;
use crate::clock::{SharedClock, SystemClock};
use crate::config::ServeConfig;
use crate::durability::Committer;
use crate::identity::Identities;
use crate::keys::LinkKey;
use crate::metrics::Metrics;
use crate::rooms::{RoomConfig, Rooms};
use crate::secret::{random_token, write_private};
use crate::storage::{hash_token, Storage};
use crate::store::Store;
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tafel_shared::ids;
use tokio::net::TcpListener;

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

/// Opens the store of the configured data directory ([`open_data`]), or in
/// cluster mode the PostgreSQL database (its schema brought up to date).
pub fn open_store(config: &ServeConfig) -> anyhow::Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> = match (config.cluster, &config.postgres) {
        (true, Some(url)) => {
            // Only the operator token's file lives here in cluster mode.
            let keys = config.keys_dir();
            crate::keys::open_dir(&keys, &config.data)
                .with_context(|| format!("key directory {}", keys.display()))?;
            let node = config.node_name();
            Arc::new(
                crate::store_pg::PgStore::connect(url)
                    .context("connecting to PostgreSQL (--postgres)")?
                    .fenced(
                        crate::cluster::incarnation(&node),
                        crate::cluster::owner_lease_of,
                    ),
            )
        }
        _ => open_data(&config.data, &config.keys_dir())?,
    };
    let dropped = Storage::new(Arc::clone(&store)).drop_plain_tokens()?;
    if dropped > 0 {
        tracing::info!(
            boards = dropped,
            "removed plain share tokens an older Tafel stored"
        );
    }
    Ok(store)
}

pub use crate::sealed::open_data;

/// Sets up the operator token if the store has none: written to
/// `<data>/operator-token` (mode 0600), its hash kept in the store; returned
/// so the caller can say where it is.
pub fn ensure_operator_token(
    storage: &Storage,
    config: &ServeConfig,
) -> anyhow::Result<Option<(String, std::path::PathBuf)>> {
    if storage.operator_hash()?.is_some() {
        return Ok(None);
    }
    new_operator_token(storage, &config.keys_dir()).map(Some)
}

/// A new operator token: written to `<keys>/operator-token` (mode 0600), its
/// hash replacing the stored one (so the old token stops working).
fn new_operator_token(
    storage: &Storage,
    keys: &std::path::Path,
) -> anyhow::Result<(String, std::path::PathBuf)> {
    let token = random_token(ids::TOKEN_BYTES);
    let path = keys.join("operator-token");
    write_private(&path, &format!("{token}\n"))
        .with_context(|| format!("writing {}", path.display()))?;
    storage.set_operator_hash(&hash_token(&token))?;
    storage.flush()?;
    Ok((token, path))
}

/// `tafel operator-token rotate`: a new operator token for a stopped
/// server's data directory; returns where it was written.
pub fn rotate_operator_token(
    data: &std::path::Path,
    keys: Option<&std::path::Path>,
) -> anyhow::Result<std::path::PathBuf> {
    let config = ServeConfig {
        data: data.to_path_buf(),
        keys: keys.map(std::path::Path::to_path_buf),
        ..ServeConfig::default()
    };
    let store = open_store(&config)
        .context("cannot open the data directory (stop the server first: it locks the database)")?;
    let storage = Storage::new(store);
    let (_, path) = new_operator_token(&storage, &config.keys_dir())?;
    Ok(path)
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
    let cluster = match config.cluster() {
        Some(c) => Some(
            crate::cluster::Cluster::start(
                &c,
                Arc::clone(&store),
                Arc::clone(&clock),
                Arc::clone(&metrics),
            )
            .context("connecting to Redis (--redis)")?,
        ),
        None => None,
    };
    let shared_keys = match &cluster {
        // Every node derives the same links and knows the same participants.
        Some(_) => {
            let read = Arc::clone(&store);
            Some(
                tokio::task::spawn_blocking(move || {
                    Ok::<_, crate::store::StoreError>((
                        crate::keys::shared_key(read.as_ref(), "server-key")?,
                        crate::keys::shared_key(read.as_ref(), "participant-key")?,
                    ))
                })
                .await?
                .context("the cluster's keys")?,
            )
        }
        None => None,
    };
    let storage = Storage::new(store);
    let committer = Committer::start(
        storage.clone(),
        config.durability,
        Duration::from_millis(config.relaxed_flush_ms.max(1)),
        Duration::from_secs(config.disk_deadline_secs.max(1)),
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
    if let Some(cluster) = &cluster {
        cluster.attach(&rooms);
        rooms.join_cluster(Arc::clone(cluster) as _);
        tracing::info!(node = cluster.name(), "joined the cluster");
    }
    // The key beside the data, when there is a data directory (the in-memory
    // store of tests has none).
    let (identities, link_key) = if let Some((server, participant)) = shared_keys {
        (Identities::with_key(participant), LinkKey::under(&server))
    } else if config.data.is_dir() {
        let keys = config.keys_dir();
        crate::keys::open_dir(&keys, &config.data)
            .with_context(|| format!("key directory {}", keys.display()))?;
        (
            Identities::in_dir(&keys).context("participant key")?,
            LinkKey::in_dir(&keys).context("server key")?,
        )
    } else {
        (Identities::ephemeral(), LinkKey::ephemeral())
    };
    let app = Arc::new(App {
        identities,
        link_key,
        creations: crate::per_address::PerAddress::new(config.creates_per_minute),
        issued: crate::per_address::PerAddress::new(config.participants_per_minute),
        config,
        storage,
        committer,
        clock,
        rooms,
        metrics,
        public_url,
        cluster,
        draining: std::sync::atomic::AtomicBool::new(false),
    });
    let more = crate::history::routes()
        .merge(crate::export::routes())
        .merge(crate::saved_templates::routes())
        .merge(crate::files_http::routes(app.config.max_image_bytes()));
    let router = crate::http::router(Arc::clone(&app), more);
    // The access log keeps --access-log-days, boards --retention-days:
    // both swept now and every hour.
    let pruning = Arc::downgrade(&app);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            match pruning.upgrade() {
                Some(app) if app.committer.halted().is_none() => {
                    app.prune_access_log();
                    match crate::http::sweep_retention(&app).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(boards = n, "deleted boards past their retention"),
                        Err(e) => tracing::error!(error = ?e, "the retention sweep failed"),
                    }
                }
                _ => return,
            }
        }
    });
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let shutdown_app = Arc::clone(&app);
    let halted_app = Arc::clone(&app);
    let task =
        tokio::spawn(async move {
            // Small sync frames must not wait for Nagle's algorithm.
            let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                let _ = tcp.set_nodelay(true);
            });
            // The peer's address, for the per-address limits.
            axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let asked = tokio::select! {
                _ = rx => true,
                reason = shutdown_app.committer.wait_halted() => {
                    tracing::error!(%reason, "storage halted: closing every socket and stopping");
                    false
                }
            };
            shutdown_app
                .draining
                .store(true, std::sync::atomic::Ordering::Release);
            let grace = Duration::from_secs(shutdown_app.config.drain_secs);
            if asked && !grace.is_zero() {
                // `/readyz` says 503 now; everyone is still served until the
                // balancer has noticed (unless the disk fails meanwhile).
                tracing::info!(secs = grace.as_secs(), "draining: closing sockets after the grace");
                tokio::select! {
                    _ = tokio::time::sleep(grace) => {}
                    _ = shutdown_app.committer.wait_halted() => {}
                }
            }
            if asked {
                tracing::info!("shutting down: closing sockets and flushing");
            }
            // Sockets are upgraded connections the HTTP server no longer tracks:
            // close them here, so that graceful shutdown can finish.
            shutdown_app.rooms.shutdown().await;
            // Everything is durable now: other nodes may take the documents
            // over at once rather than when the leases run out.
            if let Some(cluster) = &shutdown_app.cluster {
                cluster.release_all().await;
            }
        })
        .await
        .context("serving")?;
            match halted_app.committer.halted() {
                Some(reason) => Err(anyhow::anyhow!(
                    "storage halted ({reason}); restart the server: it serves what the disk holds"
                )),
                None => Ok(()),
            }
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
    if let Some((_, path)) = ensure_operator_token(&storage, &config)? {
        // Where it is, not what it is: terminals and logs are copied around.
        println!(
            "Operator token written to {} (readable by this user only)",
            path.display()
        );
    }
    let data = config.data.display().to_string();
    let durability = config.durability;
    let deadline_secs = config.shutdown_deadline_secs;
    let grace = Duration::from_secs(config.drain_secs);
    let server = start(config, store).await?;
    // Tests and scripts read this line to find the port.
    println!("tafel listening on http://{}", server.addr);
    tracing::info!(addr = %server.addr, data, ?durability, "serving");
    let mut server = server;
    let tx = server.shutdown.take();
    let deadline = Duration::from_secs(deadline_secs.max(1));
    let committer = Arc::clone(&server.app.committer);
    let signal = tokio::spawn(async move {
        tokio::select! {
            _ = shutdown_signal() => {
                if let Some(tx) = tx {
                    let _ = tx.send(());
                }
            }
            // The server stops itself; the deadline below still holds.
            _ = committer.wait_halted() => {}
        }
        // A disk that stopped answering must not keep the process forever:
        // past the deadline (after the drain's grace) it exits with an error,
        // and a supervisor restarts it on what the store holds (nothing
        // unconfirmed was ever shown).
        tokio::time::sleep(grace + deadline).await;
        tracing::error!(
            secs = deadline.as_secs(),
            "shutdown did not finish in time (a stuck disk?); exiting"
        );
        eprintln!(
            "tafel: shutdown did not finish within {} s; exiting with an error",
            deadline.as_secs()
        );
        std::process::exit(1);
    });
    let committer = Arc::clone(&server.app.committer);
    let result = server.wait().await;
    // The last flush decides the exit status: a failed one must not look fine.
    let flushed = tokio::time::timeout(deadline, committer.flush_now()).await;
    signal.abort();
    match (result, flushed) {
        (Err(e), _) => Err(e),
        (Ok(()), Ok(true)) => {
            tracing::info!("stopped");
            Ok(())
        }
        (Ok(()), Ok(false)) => Err(anyhow::anyhow!(
            "the final flush failed: changes after the last successful flush may be lost"
        )),
        (Ok(()), Err(_)) => Err(anyhow::anyhow!(
            "the final flush did not finish within {} s",
            deadline.as_secs()
        )),
    }
}
