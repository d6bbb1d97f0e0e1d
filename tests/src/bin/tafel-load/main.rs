//! `tafel-load`: drives a Tafel server with many protocol clients and reports what a
//! workshop would feel: connect+sync time, fan-out latency, delivered rate,
//! convergence, and the server's CPU and memory.
//!
//! Modes:
//! - `fanout`: R rooms × N clients; W writers per room add and edit sticky notes at a
//!   given rate and move cursors (awareness). Every update carries the writer's send
//!   time (`@@<µs>@@` in the note's text), so readers measure latency by scanning the
//!   frame for it; readers that only count bytes (`--light`) never decode yrs, which
//!   lets one process simulate hundreds of them. At the end, every decoding client
//!   and a fresh one must hold identical state.
//! - `compare`: the fan-out scenarios against Tafel and the reference y-websocket
//!   server (`tests/bench/peer`), alternating, in one table with ratios.
//! - `cold`: starts the server, writes a board of E sticky notes, restarts it, and
//!   times how long a fresh client takes to receive the whole board.
//! - `idle`: opens N idle sockets (and M loaded boards) and reports the server's RSS
//!   per socket and per board.
//! - `durable`: W writers on separate boards send updates as fast as the server
//!   acknowledges them (strict durability): durable updates per second with group commit.
//! - `vote`: P participants (each with their own identity) vote in a round; the
//!   facilitator ends it, and the time until the results are on every participant's
//!   socket is measured, over several rounds.
//! - `failover`: a board's clients on a cluster's nodes, the node that owns it
//!   killed: the time until each is served and synced again.
//! - `timer`: P clients each align with the server's clock from one action round
//!   trip (as the browser does) and compute the timer's time left at the same
//!   instant: the spread is how far two screens can disagree.

mod compare;
mod failover;
mod fanout;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use rand::Rng;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tafel_shared::geometry::Rect;
use tafel_shared::protocol::{Message, SyncMessage};
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::server::{metric_value, ServerProcess};
use tafel_tests::SyncClient;
use yrs::{Map, Transact};

#[derive(Parser)]
#[command(name = "tafel-load", about = "Load generator for the Tafel server")]
struct Cli {
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Subcommand)]
enum Mode {
    /// Fan-out latency with writers and readers.
    Fanout {
        /// Server address, host:port.
        /// Several, comma-separated, for the nodes of a cluster: boards are
        /// made on the first and each room's clients spread over all.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        #[command(flatten)]
        scenario: fanout::Scenario,
        /// PID of the server (comma-separated for several nodes), to report
        /// their CPU time and RSS added up.
        #[arg(long, value_delimiter = ',')]
        server_pid: Vec<u32>,
    },
    /// The fan-out scenarios against Tafel and the reference y-websocket
    /// server, alternating, with one table of both (starts both servers).
    Compare {
        /// Rounds; each runs every scenario once per server.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Directory of the peer's npm package (`npm ci` done there).
        #[arg(long, default_value = "tests/bench/peer")]
        peer: std::path::PathBuf,
        /// Seconds of load per run.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Only the scenario with this index (0: 50 clients, 1: 500
        /// clients, 2: 200 rooms).
        #[arg(long)]
        only: Option<usize>,
        /// Extra flags for `tafel serve` (such as `--durability=relaxed`).
        #[arg(long = "tafel-flag", allow_hyphen_values = true)]
        tafel_flags: Vec<String>,
        /// Compare with this `tafel` executable (an earlier build) instead of
        /// y-websocket.
        #[arg(long)]
        baseline: Option<std::path::PathBuf>,
    },
    /// Cold load of a big board after a restart (starts the server itself).
    Cold {
        /// Sticky notes on the board.
        #[arg(long, default_value_t = 10_000)]
        elements: usize,
        /// Data directory (a temporary one if absent).
        #[arg(long)]
        data: Option<std::path::PathBuf>,
        /// Restarts to time, each opening the board afresh.
        #[arg(long, default_value_t = 1)]
        runs: usize,
        /// Time a stock JavaScript Yjs client (this script under Node.js,
        /// such as `tests/bench/peer/cold-client.mjs`) instead of the Rust one.
        #[arg(long)]
        js: Option<std::path::PathBuf>,
    },
    /// RSS per idle socket and per loaded board (starts the server itself).
    Idle {
        /// Idle sockets on one board.
        #[arg(long, default_value_t = 500)]
        sockets: usize,
        /// Boards loaded with one client each.
        #[arg(long, default_value_t = 200)]
        boards: usize,
    },
    /// Time from ending a voting round to its results on every screen (starts the
    /// server itself).
    Vote {
        /// Participants voting.
        #[arg(long, default_value_t = 100)]
        participants: usize,
        /// Rounds to time.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
    /// How far apart clients' views of the timer are (starts the server itself).
    Timer {
        /// Clients.
        #[arg(long, default_value_t = 100)]
        clients: usize,
    },
    /// Soak: many clients for a long time with churn, RSS sampled (starts the
    /// server itself, strict durability).
    Soak {
        /// Clients in all, spread over the boards.
        #[arg(long, default_value_t = 500)]
        clients: usize,
        /// Boards.
        #[arg(long, default_value_t = 5)]
        boards: usize,
        /// Seconds of load.
        #[arg(long, default_value_t = 600)]
        seconds: u64,
        /// Longest a client stays before it leaves and comes back (each stays
        /// between a quarter of this and all of it, at random).
        #[arg(long, default_value_t = 120)]
        stay: u64,
        /// One client in this many writes (0: nobody writes, presence only).
        #[arg(long, default_value_t = 10)]
        write_every: usize,
    },
    /// Cluster: kill the node that owns a board and time its clients' return.
    Failover {
        /// The nodes, comma-separated; the first owns the board and is killed.
        #[arg(long)]
        addr: String,
        /// PID of the first node.
        #[arg(long)]
        owner_pid: u32,
        /// Clients, spread over the other nodes.
        #[arg(long, default_value_t = 50)]
        clients: usize,
    },
    /// Durable updates per second (starts the server itself, strict durability).
    Durable {
        /// Concurrent writers, each on its own board.
        #[arg(long, default_value_t = 50)]
        writers: usize,
        /// Seconds of load.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx] as f64 / 1000.0
}

/// CPU seconds (user+system) and RSS in KiB of a process, from /proc.
fn proc_usage(pid: u32) -> Option<(f64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some((ticks / 100.0, rss))
}

/// Writes `elements` sticky notes (a 100-wide grid, a line of text each)
/// through `c`, 100 to an update.
async fn seed_notes(c: &mut SyncClient, elements: usize) -> Result<()> {
    let map = schema::elements(&c.doc);
    let batch = 100;
    for start in (0..elements).step_by(batch) {
        c.edit(|txn| {
            for i in start..(start + batch).min(elements) {
                let at = Rect::new(
                    (i % 100) as f64 * 200.0,
                    (i / 100) as f64 * 200.0,
                    160.0,
                    160.0,
                );
                let text = format!("Idea number {i}");
                tafel_tests::sticky(&format!("n{i}"), at, &format!("m{i:06}"), &text, "load")
                    .insert(txn, &map);
            }
        })
        .await?;
    }
    Ok(())
}

async fn cold(
    elements: usize,
    data: Option<std::path::PathBuf>,
    runs: usize,
    js: Option<std::path::PathBuf>,
) -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = data.unwrap_or_else(|| tmp.path().join("data"));
    let srv = ServerProcess::start(&dir, &[]).await?;
    let board = srv.api().create_board("cold", "").await?;
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
    let mut c = SyncClient::connect(&url).await?;
    seed_notes(&mut c, elements).await?;
    let mut witness = SyncClient::connect(&url).await?;
    witness
        .pump_until(|w| schema::elements(&w.doc).len(&w.doc.transact()) as usize >= elements)
        .await?;
    drop(witness);
    drop(c);
    let mut srv = srv;
    for _ in 0..runs.max(1) {
        let status = srv.terminate().await?;
        if !status.success() {
            bail!("server exit {status:?}");
        }
        srv = ServerProcess::start(&dir, &[]).await?;
        let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Viewer));
        match &js {
            Some(script) => cold_js(script, &url, elements).await?,
            None => cold_rust(&url, elements).await?,
        }
        // Meanwhile the server integrated the document in yrs for later edits.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let metrics = srv.api().get_text("/metrics").await?.1;
        let load_ms = metric_value(&metrics, "tafel_room_load_seconds_sum").map(|s| s * 1000.0);
        let rss = srv
            .pid()
            .and_then(proc_usage)
            .map_or(f64::NAN, |(_, kb)| kb as f64 / 1024.0);
        println!(
            "server: read and integrated the document in {:.1} ms (tafel_room_load_seconds_sum), in the background; RSS {rss:.1} MB with the board loaded",
            load_ms.unwrap_or(f64::NAN)
        );
    }
    srv.terminate().await?;
    Ok(())
}

/// A fresh Rust client: the step 2 as it arrives (not yet decoded), then a
/// complete replica.
async fn cold_rust(url: &str, elements: usize) -> Result<()> {
    let t = Instant::now();
    let mut raw = tafel_tests::RawClient::connect(url).await?;
    raw.send(&Message::Sync(SyncMessage::Step1(vec![0])))
        .await?;
    let step2 = loop {
        match raw.next().await? {
            tafel_tests::Event::Msg(Message::Sync(SyncMessage::Step2(u))) => break u,
            tafel_tests::Event::Closed(..) => bail!("closed before the first sync"),
            _ => {}
        }
    };
    let to_step2 = t.elapsed();
    let replica = yrs::Doc::new();
    {
        use yrs::updates::decoder::Decode;
        replica
            .transact_mut()
            .apply_update(yrs::Update::decode_v1(&step2)?)?;
    }
    let to_replica = t.elapsed();
    let n = schema::elements(&replica).len(&replica.transact()) as usize;
    if n != elements {
        bail!("the first sync holds {n} of {elements} elements");
    }
    println!(
        "cold load: {elements} sticky notes ({:.1} MB) after restart: step 2 received {:.1} ms after connecting, replica complete at {:.1} ms",
        step2.len() as f64 / 1e6,
        to_step2.as_secs_f64() * 1000.0,
        to_replica.as_secs_f64() * 1000.0
    );
    Ok(())
}

/// A stock JavaScript Yjs client under Node.js, then the same client
/// applying what it received from a local file (each in a fresh process, so
/// both start with a cold JIT); the script prints one JSON line per mode.
async fn cold_js(script: &std::path::Path, url: &str, elements: usize) -> Result<()> {
    let saved = tempfile::NamedTempFile::new()?;
    let saved_path = saved.path().to_string_lossy().into_owned();
    let wanted = elements.to_string();
    let net = node_json(script, &["net", url, &wanted, &saved_path]).await?;
    let local = node_json(script, &["local", &saved_path, &wanted]).await?;
    let server_bytes = format!("{saved_path}.server");
    let local_server = node_json(script, &["local", &server_bytes, &wanted]).await;
    let _ = std::fs::remove_file(&server_bytes);
    let local_server = local_server?;
    let ms = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    println!(
        "cold load, stock Yjs client: {} elements in {:.0} ms (first byte {:.0} ms, applying {:.0} ms, {} message(s), {:.1} MB); the same state from a local file: {:.0} ms ({:.1} MB, Yjs's encoding), {:.0} ms (the server's bytes); ratio {:.2}",
        net["elements"],
        ms(&net, "total_ms"),
        ms(&net, "first_byte_ms"),
        ms(&net, "apply_ms"),
        net["messages"],
        ms(&net, "bytes") / 1e6,
        ms(&local, "total_ms"),
        ms(&local, "bytes") / 1e6,
        ms(&local_server, "total_ms"),
        ms(&net, "total_ms") / ms(&local, "total_ms"),
    );
    Ok(())
}

async fn node_json(script: &std::path::Path, args: &[&str]) -> Result<serde_json::Value> {
    let out = tokio::process::Command::new("node")
        .arg(script)
        .args(args)
        .output()
        .await
        .context("running node")?;
    if !out.status.success() {
        bail!(
            "the JavaScript client failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).context("its report")
}

fn server_pid_of(srv: &ServerProcess) -> Result<u32> {
    srv.pid().context("server has no pid")
}

/// A server in a temporary directory that takes any number of sockets per
/// board, with its pid (for /proc readings).
async fn crowded_server() -> Result<(tempfile::TempDir, ServerProcess, u32)> {
    let tmp = tempfile::tempdir()?;
    let srv = ServerProcess::start(
        &tmp.path().join("data"),
        &["--max-sockets-per-room", "100000"],
    )
    .await?;
    let pid = server_pid_of(&srv)?;
    Ok((tmp, srv, pid))
}

async fn idle(sockets: usize, boards: usize) -> Result<()> {
    let (_tmp, srv, pid) = crowded_server().await?;
    let api = srv.api();
    let board = api.create_board("idle", "").await?;
    let mut others = Vec::new();
    for i in 0..boards {
        others.push(api.create_board(&format!("b{i}"), "retrospective").await?);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, rss0) = proc_usage(pid).context("reading /proc")?;
    let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Viewer));
    let mut held = Vec::new();
    for _ in 0..sockets {
        held.push(SyncClient::connect(&url).await?);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, rss1) = proc_usage(pid).context("reading /proc")?;
    for b in &others {
        held.push(
            SyncClient::connect(&srv.ws(&b.id, DocKind::Content, b.token(Role::Viewer))).await?,
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, rss2) = proc_usage(pid).context("reading /proc")?;
    println!(
        "idle sockets: {sockets} on one board: {:.1} KB RSS per socket",
        (rss1.saturating_sub(rss0)) as f64 / sockets as f64
    );
    println!("loaded boards: {boards} (retrospective template, one socket each): {:.1} KB RSS per board incl. its socket", (rss2.saturating_sub(rss1)) as f64 / boards as f64);
    println!(
        "server RSS: {:.1} MB baseline, {:.1} MB at the end",
        rss0 as f64 / 1024.0,
        rss2 as f64 / 1024.0
    );
    drop(held);
    srv.terminate().await?;
    Ok(())
}

/// What the soak's clients did, in all.
#[derive(Default)]
struct SoakCounts {
    sessions: std::sync::atomic::AtomicU64,
    edits: std::sync::atomic::AtomicU64,
    unexpected: std::sync::atomic::AtomicU64,
}

/// One soak client: stays a while (moving its note every 2 s if it writes,
/// its cursor every second), leaves, comes back, until `end`. A socket the
/// server closes, or one that fails, counts as unexpected.
async fn soak_client(
    url: String,
    writes: bool,
    stay: Duration,
    end: tokio::time::Instant,
    counts: std::sync::Arc<SoakCounts>,
    name: String,
) {
    use std::sync::atomic::Ordering::Relaxed;
    let mut clock = 0u64;
    while tokio::time::Instant::now() < end {
        let Ok(mut c) = SyncClient::connect(&url).await else {
            counts.unexpected.fetch_add(1, Relaxed);
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        counts.sessions.fetch_add(1, Relaxed);
        let leave = tokio::time::Instant::now() + stay.mul_f64(rand::rng().random_range(0.25..1.0));
        let mut tick = 0u64;
        while tokio::time::Instant::now() < leave.min(end) {
            tick += 1;
            clock += 1;
            let cursor = format!(
                r#"{{"user":{{"name":"{name}"}},"cursor":{{"x":{},"y":{}}}}}"#,
                tick % 800,
                tick % 600
            );
            let mut ok = c.set_presence(clock, &cursor).await.is_ok();
            if ok && writes && tick.is_multiple_of(2) {
                let elements = schema::elements(&c.doc);
                let note = tafel_tests::sticky(
                    &name,
                    Rect::new((tick % 50) as f64 * 20.0, 0.0, 160.0, 160.0),
                    "a0",
                    "soak",
                    &name,
                );
                ok = c
                    .edit(|txn| {
                        note.insert(txn, &elements);
                    })
                    .await
                    .is_ok();
                counts.edits.fetch_add(1, Relaxed);
            }
            if !ok || c.pump_for(Duration::from_secs(1)).await.is_err() || c.closed.is_some() {
                counts.unexpected.fetch_add(1, Relaxed);
                break;
            }
        }
        drop(c.disconnect().await);
    }
}

async fn soak(
    clients: usize,
    boards: usize,
    seconds: u64,
    stay: u64,
    write_every: usize,
) -> Result<()> {
    use std::sync::atomic::Ordering::Relaxed;
    let (_tmp, srv, pid) = crowded_server().await?;
    let api = srv.api();
    let mut urls = Vec::new();
    for b in 0..boards.max(1) {
        let board = api
            .create_board(&format!("soak {b}"), "track-think-make")
            .await?;
        urls.push(srv.ws(&board.id, DocKind::Content, board.token(Role::Editor)));
    }
    let counts = std::sync::Arc::new(SoakCounts::default());
    let start = tokio::time::Instant::now();
    let end = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for i in 0..clients {
        let url = urls[i % urls.len()].clone();
        // Some write; everyone moves a cursor.
        tasks.push(tokio::spawn(soak_client(
            url,
            write_every > 0 && i % write_every == 0,
            Duration::from_secs(stay.max(4)),
            end,
            std::sync::Arc::clone(&counts),
            format!("p{i}"),
        )));
        // Arrive over the first ten seconds, not all at once.
        tokio::time::sleep(Duration::from_millis(10_000 / clients.max(1) as u64)).await;
    }
    println!("t_s\trss_mb\tstored_kb\tcpu_s\tsessions\tedits\tunexpected");
    let operator = srv.operator_token.clone().unwrap_or_default();
    let mut sample = tokio::time::interval(Duration::from_secs(30));
    while tokio::time::Instant::now() < end {
        sample.tick().await;
        let (cpu, rss) = proc_usage(pid).context("reading /proc")?;
        // What the boards hold in the store: their growth is the documents',
        // not the server's.
        let (_, list) = api
            .call(
                reqwest::Method::GET,
                &format!("/api/admin/boards?token={operator}"),
                None,
            )
            .await?;
        let stored: u64 = list
            .as_array()
            .map(|l| l.iter().filter_map(|b| b["bytes"].as_u64()).sum())
            .unwrap_or(0);
        println!(
            "{}\t{:.1}\t{:.1}\t{cpu:.1}\t{}\t{}\t{}",
            start.elapsed().as_secs(),
            rss as f64 / 1024.0,
            stored as f64 / 1024.0,
            counts.sessions.load(Relaxed),
            counts.edits.load(Relaxed),
            counts.unexpected.load(Relaxed)
        );
    }
    for t in tasks {
        let _ = t.await;
    }
    let (cpu, rss) = proc_usage(pid).context("reading /proc")?;
    println!(
        "end: {} s, RSS {:.1} MB, CPU {cpu:.1} s, {} sessions, {} edits, {} unexpected disconnects",
        start.elapsed().as_secs(),
        rss as f64 / 1024.0,
        counts.sessions.load(Relaxed),
        counts.edits.load(Relaxed),
        counts.unexpected.load(Relaxed)
    );
    srv.terminate().await?;
    Ok(())
}

async fn durable(writers: usize, seconds: u64) -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let srv = ServerProcess::start(
        &tmp.path().join("data"),
        &[
            "--max-messages-per-sec",
            "100000",
            "--message-burst",
            "100000",
        ],
    )
    .await?;
    let api = srv.api();
    let acked = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for w in 0..writers {
        let board = api.create_board(&format!("d{w}"), "").await?;
        let url = srv.ws(&board.id, DocKind::Content, board.token(Role::Editor));
        // A watcher on the same board: an update it receives was durable first.
        let mut writer = SyncClient::connect(&url).await?;
        let mut watcher = tafel_tests::RawClient::connect(&url).await?;
        watcher
            .send(&Message::Sync(SyncMessage::Step1(vec![0])))
            .await?;
        let acked = acked.clone();
        tasks.push(tokio::spawn(async move {
            let elements = schema::elements(&writer.doc);
            let deadline = Instant::now() + Duration::from_secs(seconds);
            let mut n = 0;
            while Instant::now() < deadline {
                writer
                    .edit(|txn| {
                        let at = Rect::new(0.0, 0.0, 1.0, 1.0);
                        tafel_tests::sticky(&format!("n{n}"), at, "m", "x", "load")
                            .insert(txn, &elements);
                    })
                    .await?;
                n += 1;
                // Wait for the watcher to see it: one update in flight per writer.
                loop {
                    match watcher.next().await? {
                        tafel_tests::Event::Msg(Message::Sync(SyncMessage::Update(_))) => break,
                        tafel_tests::Event::Closed(..) => bail!("closed"),
                        _ => {}
                    }
                }
                acked.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    let started = Instant::now();
    for t in tasks {
        t.await??;
    }
    let n = acked.load(Ordering::Relaxed);
    let metrics = srv.api().get_text("/metrics").await?.1;
    let flushes = metric_value(&metrics, "tafel_store_flush_seconds_count").unwrap_or(f64::NAN);
    println!("durable updates: {writers} writers, {n} updates in {:.1}s = {:.0}/s, {flushes} flushes ({:.1} updates per flush)", started.elapsed().as_secs_f64(), n as f64 / started.elapsed().as_secs_f64(), n as f64 / flushes);
    srv.terminate().await?;
    Ok(())
}

async fn vote(participants: usize, rounds: usize) -> Result<()> {
    use tafel_shared::action::Action;
    use tafel_shared::workshop::RoundSettings;
    const NOTES: usize = 20;
    const VOTES: u32 = 3;
    let tmp = tempfile::tempdir()?;
    let srv = ServerProcess::start(&tmp.path().join("data"), &[]).await?;
    let api = srv.api();
    let board = api.create_board("vote", "").await?;
    let url = |role, me: &str| {
        format!(
            "{}&me={me}",
            srv.ws(&board.id, DocKind::Content, board.token(role))
        )
    };
    let mut coach = SyncClient::connect(&url(Role::Facilitator, &api.participant().await?)).await?;
    let elements = schema::elements(&coach.doc);
    coach
        .edit(|txn| {
            for i in 0..NOTES {
                let at = Rect::new(i as f64 * 200.0, 0.0, 160.0, 160.0);
                tafel_tests::sticky(&format!("n{i}"), at, "m", "Idee", "load")
                    .insert(txn, &elements);
            }
        })
        .await?;
    let mut people = Vec::new();
    for _ in 0..participants {
        people.push(SyncClient::connect(&url(Role::Editor, &api.participant().await?)).await?);
    }
    let (mut spans, mut peers) = (Vec::new(), Vec::new());
    for round in 1..=rounds as u32 {
        let started = coach
            .act(Action::StartRound {
                settings: RoundSettings::new(format!("Runde {round}"), VOTES),
            })
            .await?;
        if let Some(r) = started.refused {
            bail!("round refused: {}", r.reason);
        }
        let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(participants);
        let (go_tx, _) = tokio::sync::broadcast::channel::<()>(2);
        let mut tasks = Vec::new();
        for (p, mut c) in people.drain(..).enumerate() {
            let (ready, mut go) = (ready_tx.clone(), go_tx.subscribe());
            tasks.push(tokio::spawn(async move {
                c.pump_until(|c| {
                    c.board_view
                        .as_ref()
                        .and_then(|b| b.open_round())
                        .is_some_and(|r| r.id == round)
                })
                .await?;
                for v in 0..VOTES as usize {
                    let element = format!("n{}", (p * 7 + v * 3) % NOTES);
                    c.act(Action::Vote { round, element }).await?;
                }
                // Caught up with everyone's progress, so nothing older than the
                // end waits in this socket.
                c.pump_until(|c| {
                    c.board_view
                        .as_ref()
                        .and_then(|b| b.open_round())
                        .is_some_and(|r| r.finished as usize == participants)
                })
                .await?;
                ready.send(()).await?;
                let _ = go.recv().await;
                c.pump_until(|c| {
                    c.board_view
                        .as_ref()
                        .is_some_and(|b| b.rounds.iter().any(|r| r.id == round && !r.is_open()))
                })
                .await?;
                let ended = Instant::now();
                // The peer: one plain note edit from the facilitator to everyone.
                let _ = go.recv().await;
                let marker = format!("peer-{round}");
                c.pump_until(|c| {
                    let elements = schema::elements(&c.doc);
                    elements.contains_key(&c.doc.transact(), &marker)
                })
                .await?;
                Ok::<_, anyhow::Error>((ended, Instant::now(), c))
            }));
        }
        for _ in 0..participants {
            ready_rx.recv().await.context("a voter gave up")?;
        }
        let _ = go_tx.send(());
        let ended_at = Instant::now();
        let ended = coach.act(Action::EndRound { round }).await?;
        if let Some(r) = ended.refused {
            bail!("end refused: {}", r.reason);
        }
        // Wait until the facilitator holds the results too, then time the peer.
        coach
            .pump_until(|c| {
                c.board_view
                    .as_ref()
                    .is_some_and(|b| b.rounds.iter().any(|r| r.id == round && !r.is_open()))
            })
            .await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let _ = go_tx.send(());
        let peer_at = Instant::now();
        let marker = format!("peer-{round}");
        coach
            .edit(|txn| {
                let at = Rect::new(0.0, 400.0, 160.0, 160.0);
                tafel_tests::sticky(&marker, at, "m", "peer", "load").insert(txn, &elements);
            })
            .await?;
        let (mut last, mut last_peer) = (ended_at, peer_at);
        for t in tasks {
            let (seen, peer_seen, c) = t.await??;
            last = last.max(seen);
            last_peer = last_peer.max(peer_seen);
            people.push(c);
        }
        let span = last.duration_since(ended_at);
        let peer = last_peer.duration_since(peer_at);
        spans.push(span.as_micros() as u64);
        peers.push(peer.as_micros() as u64);
        let total: u32 = coach
            .board_view
            .as_ref()
            .and_then(|b| b.rounds.iter().find(|r| r.id == round))
            .map(|r| r.results.iter().map(|t| t.votes).sum())
            .unwrap_or(0);
        println!(
            "round {round}: {participants} participants, {total} votes; results on every socket {:.1} ms after the end was sent (peer: a note edit on every socket {:.1} ms after it was sent)",
            span.as_secs_f64() * 1e3,
            peer.as_secs_f64() * 1e3
        );
    }
    for (what, times) in [
        ("vote: end → results", &mut spans),
        ("peer: note edit → received", &mut peers),
    ] {
        times.sort_unstable();
        println!(
            "{what} on all {participants} sockets: min {:.1} ms, median {:.1} ms, max {:.1} ms over {rounds} rounds",
            times[0] as f64 / 1e3,
            percentile(times, 0.5),
            times[times.len() - 1] as f64 / 1e3
        );
    }
    srv.terminate().await?;
    Ok(())
}

async fn timer_spread(clients: usize) -> Result<()> {
    use tafel_shared::action::{Action, TimerCommand};
    use tafel_shared::session::{self, Timer};
    let tmp = tempfile::tempdir()?;
    let srv = ServerProcess::start(&tmp.path().join("data"), &[]).await?;
    let board = srv.api().create_board("timer", "").await?;
    let url = |role| srv.ws(&board.id, DocKind::Session, board.token(role));
    let mut coach = SyncClient::connect(&url(Role::Facilitator)).await?;
    coach
        .act(Action::Timer {
            command: TimerCommand::Set {
                duration_ms: 300_000,
            },
        })
        .await?;
    coach
        .act(Action::Timer {
            command: TimerCommand::Start,
        })
        .await?;
    // Each client estimates the server's clock as the browser does: the server
    // read its clock about halfway through one action's round trip.
    let mut offsets = Vec::new();
    let mut viewers = Vec::new();
    for _ in 0..clients {
        let mut c = SyncClient::connect(&url(Role::Viewer)).await?;
        let sent = now_us() as f64 / 1e3;
        let result = c.act(Action::Clock).await?;
        let got = now_us() as f64 / 1e3;
        offsets.push(result.server_ms as f64 - (sent + got) / 2.0);
        viewers.push(c);
    }
    let instant_ms = now_us() as f64 / 1e3;
    let mut shown: Vec<u64> = viewers
        .iter()
        .zip(&offsets)
        .map(|(c, offset)| {
            let map = session::timer_map(&c.doc);
            let timer = Timer::read(&c.doc.transact(), &map);
            timer.remaining_at((instant_ms + offset).max(0.0) as u64)
        })
        .collect();
    shown.sort_unstable();
    println!(
        "timer: {clients} clients at one instant show {} to {} ms left: spread {} ms",
        shown[0],
        shown[shown.len() - 1],
        shown[shown.len() - 1] - shown[0]
    );
    srv.terminate().await?;
    Ok(())
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        match cli.mode {
            Mode::Fanout {
                addr,
                scenario,
                server_pid,
            } => {
                let report =
                    fanout::run(&addr, fanout::Flavor::Tafel, &scenario, &server_pid).await?;
                report.print(&scenario);
                if !report.converged {
                    bail!("replicas did not converge");
                }
                Ok(())
            }
            Mode::Compare {
                rounds,
                peer,
                seconds,
                only,
                tafel_flags,
                baseline,
            } => compare::compare(rounds, peer, seconds, only, tafel_flags, baseline).await,
            Mode::Cold {
                elements,
                data,
                runs,
                js,
            } => cold(elements, data, runs, js).await,
            Mode::Idle { sockets, boards } => idle(sockets, boards).await,
            Mode::Durable { writers, seconds } => durable(writers, seconds).await,
            Mode::Vote {
                participants,
                rounds,
            } => vote(participants, rounds).await,
            Mode::Timer { clients } => timer_spread(clients).await,
            Mode::Failover {
                addr,
                owner_pid,
                clients,
            } => failover::run(&addr, owner_pid, clients).await,
            Mode::Soak {
                clients,
                boards,
                seconds,
                stay,
                write_every,
            } => soak(clients, boards, seconds, stay, write_every).await,
        }
    })
}
