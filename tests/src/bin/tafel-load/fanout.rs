//! Fan-out: R rooms × N clients, W writers per room adding sticky notes and
//! moving cursors, every other client reading. Each update carries its
//! writer's send time (`@@<µs>@@` in the note's text), so readers measure
//! latency by scanning frames for it.
//!
//! The same scenario runs against Tafel or against any server that speaks the
//! plain y-websocket protocol with the room in the URL path (the reference
//! `@y/websocket-server`), so `compare` can put the two side by side.

use crate::{now_us, percentile, proc_usage};
use anyhow::{bail, Result};
use futures_util::{SinkExt, StreamExt};
use rand::Rng;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tafel_shared::geometry::Rect;
use tafel_shared::protocol::{Message, SyncMessage};
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::server::{metric_value, ws_url, Api};
use tafel_tests::SyncClient;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// What load to put on the server.
#[derive(Debug, Clone, clap::Args)]
pub struct Scenario {
    /// Rooms (boards).
    #[arg(long, default_value_t = 1)]
    pub rooms: usize,
    /// Clients per room, writers included.
    #[arg(long, default_value_t = 50)]
    pub clients: usize,
    /// Writers per room.
    #[arg(long, default_value_t = 5)]
    pub writers: usize,
    /// Sticky-note edits per second per writer.
    #[arg(long, default_value_t = 20.0)]
    pub rate: f64,
    /// Cursor (awareness) updates per second per writer.
    #[arg(long, default_value_t = 10.0)]
    pub cursor_rate: f64,
    /// Seconds of load.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Readers only count bytes and scan for timestamps; they do not decode.
    #[arg(long)]
    pub light: bool,
    /// Sticky notes written to each room before the load (80,000 make a
    /// 29 MB document, for timing updates while a big document compacts).
    #[arg(long, default_value_t = 0)]
    pub prefill: usize,
    /// Also print the worst latency of each second of the run (by send time),
    /// to see when a stall fell (a compaction, a flush).
    #[arg(long)]
    pub timeline: bool,
}

impl Scenario {
    /// A short name for tables.
    pub fn label(&self) -> String {
        format!(
            "{} room{} × {} clients, {} writer{} × {}/s",
            self.rooms,
            if self.rooms == 1 { "" } else { "s" },
            self.clients,
            self.writers,
            if self.writers == 1 { "" } else { "s" },
            self.rate
        )
    }
}

/// Which protocol dialect the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// Tafel: boards made through its API, sockets with their share token.
    Tafel,
    /// y-websocket: any path names a room, nothing to create.
    Plain,
}

/// What one run measured.
#[derive(Debug, Clone)]
pub struct Report {
    pub connect_total: Duration,
    /// Per client, connect until the first sync is complete (ms).
    pub connect_p50_ms: f64,
    pub connect_p99_ms: f64,
    pub sent: u64,
    pub delivered: u64,
    pub expected: u64,
    pub latency_p50_ms: f64,
    pub latency_p95_ms: f64,
    pub latency_p99_ms: f64,
    pub latency_max_ms: f64,
    pub bytes_to_readers: u64,
    /// Server CPU during the load, percent of one core.
    pub server_cpu_percent: Option<f64>,
    /// The load generator's own CPU during the load, percent of one core: it
    /// shares the machine, so what it takes the server cannot have.
    pub generator_cpu_percent: Option<f64>,
    /// Server RSS at the end (MB).
    pub server_rss_mb: Option<f64>,
    /// Tafel's group-commit flushes: how many, and their mean time (ms).
    pub flushes: Option<(f64, f64)>,
    pub converged: bool,
    /// Per second of send time since the load began: deliveries and the worst
    /// latency (ms); empty unless asked for.
    pub timeline: Vec<(u64, u64, f64)>,
}

#[derive(Default)]
struct Stats {
    latencies_us: Mutex<Vec<u64>>,
    /// Readers' connect-until-first-sync times.
    connect_us: Mutex<Vec<u64>>,
    /// Readers that completed their first sync.
    ready: AtomicU64,
    delivered: AtomicU64,
    bytes: AtomicU64,
    /// Per second of send time (µs since the epoch / 1e6): deliveries and the
    /// worst latency (µs).
    worst_by_second: Mutex<std::collections::BTreeMap<u64, (u64, u64)>>,
}

/// Finds every `@@<digits>@@` marker in a frame.
fn markers(frame: &[u8]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 < frame.len() {
        if &frame[i..i + 2] == b"@@" {
            let start = i + 2;
            let mut end = start;
            while end < frame.len() && frame[end].is_ascii_digit() {
                end += 1;
            }
            if end > start && frame.get(end..end + 2) == Some(b"@@") {
                if let Some(v) = std::str::from_utf8(&frame[start..end])
                    .ok()
                    .and_then(|s| s.parse().ok())
                {
                    out.push(v);
                }
                i = end + 2;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A reading client. Light readers only scan update frames for timestamps;
/// decoding readers also keep a replica, returned for the convergence check.
/// Latencies are kept locally and handed over at the end, and the reader
/// waits on the socket and the stop signal together: the generator shares
/// the cores with the server, so a reader must cost as little as a browser's
/// socket does.
async fn reader(
    url: String,
    stats: Arc<Stats>,
    mut stop: watch::Receiver<bool>,
    decode: bool,
) -> Result<Option<yrs::StateVector>> {
    use yrs::updates::decoder::Decode;
    use yrs::Transact;
    let doc = yrs::Doc::new();
    let connecting = Instant::now();
    let mut ws = tafel_tests::client::connect_ws(&url).await?;
    ws.send(WsMessage::Binary(
        Message::Sync(SyncMessage::Step1(vec![0])).encode().into(),
    ))
    .await?;
    let mut latencies = Vec::new();
    let mut worst_by_second = std::collections::BTreeMap::<u64, (u64, u64)>::new();
    let mut delivered = 0;
    let mut bytes = 0;
    loop {
        let frame = tokio::select! {
            _ = stop.changed() => break,
            frame = ws.next() => frame,
        };
        let Some(frame) = frame else { break };
        let WsMessage::Binary(b) = frame? else {
            continue;
        };
        bytes += b.len() as u64;
        if b.len() > 2 && b[0] == 0 && b[1] == 1 {
            if let Ok(mut c) = stats.connect_us.lock() {
                c.push(connecting.elapsed().as_micros() as u64);
            }
            stats.ready.fetch_add(1, Ordering::Relaxed);
        }
        // Updates (sync message 2) carry new notes; the first sync's notes
        // are old news.
        if b.len() > 2 && b[0] == 0 && b[1] == 2 {
            let now = now_us();
            for sent in markers(&b) {
                let latency = now.saturating_sub(sent);
                latencies.push(latency);
                let second = worst_by_second.entry(sent / 1_000_000).or_default();
                second.0 += 1;
                second.1 = second.1.max(latency);
                delivered += 1;
            }
        }
        if decode {
            if let Ok(Message::Sync(SyncMessage::Update(u) | SyncMessage::Step2(u))) =
                Message::decode(&b)
            {
                doc.transact_mut()
                    .apply_update(yrs::Update::decode_v1(&u)?)?;
            }
        }
    }
    stats.delivered.fetch_add(delivered, Ordering::Relaxed);
    stats.bytes.fetch_add(bytes, Ordering::Relaxed);
    if let Ok(mut l) = stats.latencies_us.lock() {
        l.extend(latencies);
    }
    if let Ok(mut all) = stats.worst_by_second.lock() {
        for (second, (count, worst)) in worst_by_second {
            let entry = all.entry(second).or_default();
            entry.0 += count;
            entry.1 = entry.1.max(worst);
        }
    }
    Ok(decode.then(|| yrs::ReadTxn::state_vector(&doc.transact())))
}

/// Where one room's clients connect.
struct RoomUrls {
    write: String,
    read: String,
}

async fn room_urls(addr: &str, flavor: Flavor, rooms: usize) -> Result<Vec<RoomUrls>> {
    match flavor {
        Flavor::Tafel => {
            let api = Api::new(&format!("http://{addr}"));
            let mut out = Vec::new();
            for r in 0..rooms {
                let board = api.create_board(&format!("load {r}"), "").await?;
                let url = |role| ws_url(addr, &board.id, DocKind::Content, board.token(role));
                out.push(RoomUrls {
                    write: url(Role::Editor),
                    read: url(Role::Viewer),
                });
            }
            Ok(out)
        }
        Flavor::Plain => {
            // Fresh names, so a room never holds a previous run's notes.
            let run: u64 = rand::rng().random();
            Ok((0..rooms)
                .map(|r| {
                    let url = format!("ws://{addr}/load-{run:x}-{r}");
                    RoomUrls {
                        write: url.clone(),
                        read: url,
                    }
                })
                .collect())
        }
    }
}

/// Runs the scenario against the server at `addr`.
pub async fn run(
    addr: &str,
    flavor: Flavor,
    scenario: &Scenario,
    server_pids: &[u32],
) -> Result<Report> {
    let addrs: Vec<&str> = addr.split(',').collect();
    let addr = addrs[0];
    // The same board through another node of a cluster.
    let on_node = |url: &str, i: usize| url.replacen(addr, addrs[i % addrs.len()], 1);
    // CPU seconds and RSS of every server process, added up.
    let usage = || -> Option<(f64, u64)> {
        if server_pids.is_empty() {
            return None;
        }
        server_pids.iter().try_fold((0.0, 0), |(cpu, rss), pid| {
            proc_usage(*pid).map(|(c, r)| (cpu + c, rss + r))
        })
    };
    let Scenario {
        rooms,
        clients,
        light,
        ..
    } = *scenario;
    let writers = scenario.writers.min(clients);
    let stats = Arc::new(Stats::default());
    let (stop, stopped) = watch::channel(false);
    let urls = room_urls(addr, flavor, rooms).await?;
    if scenario.prefill > 0 {
        for room in &urls {
            let mut seeder = SyncClient::connect(&room.write).await?;
            crate::seed_notes(&mut seeder, scenario.prefill).await?;
        }
    }
    let connect_started = Instant::now();
    let mut connect_times = Vec::new();
    let mut readers = Vec::new();
    let mut writer_clients = Vec::new();
    for (r, room) in urls.iter().enumerate() {
        // Editors' tokens for everyone: readers of a Tafel board are editors
        // who do not write, as in a workshop.
        for i in 0..clients {
            let t = Instant::now();
            // Room r's first client (whose node comes to own it) on node r,
            // so that a cluster's nodes own rooms in turn.
            let url = on_node(&room.write, r + i);
            if i < writers {
                let client = SyncClient::connect(&url).await?;
                writer_clients.push((url, client));
                connect_times.push(t.elapsed().as_micros() as u64);
            } else {
                readers.push(tokio::spawn(reader(
                    url,
                    stats.clone(),
                    stopped.clone(),
                    !light,
                )));
            }
        }
    }
    // Load starts once every reader holds the board, so none misses an update.
    let expected_readers = readers.len() as u64;
    let all_ready = async {
        while stats.ready.load(Ordering::Relaxed) < expected_readers {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    if tokio::time::timeout(Duration::from_secs(120), all_ready)
        .await
        .is_err()
    {
        let mut reasons = Vec::new();
        for reader in readers.iter_mut().filter(|r| r.is_finished()) {
            match reader.await {
                Ok(Err(e)) => reasons.push(format!("{e:#}")),
                Err(e) => reasons.push(e.to_string()),
                Ok(Ok(_)) => {}
            }
        }
        bail!(
            "only {} of {expected_readers} readers synced; readers that stopped: {reasons:?}",
            stats.ready.load(Ordering::Relaxed)
        );
    }
    let connect_total = connect_started.elapsed();
    if let Ok(c) = stats.connect_us.lock() {
        connect_times.extend(c.iter().copied());
    }
    let usage_before = usage();
    let own_before = proc_usage(std::process::id());
    let usage_clock = Instant::now();
    let sent = Arc::new(AtomicU64::new(0));
    let mut writer_tasks = Vec::new();
    for (w, (url, c)) in writer_clients.into_iter().enumerate() {
        writer_tasks.push(tokio::spawn(write_notes(
            w,
            url,
            c,
            scenario.clone(),
            sent.clone(),
        )));
    }
    let mut writers_done = Vec::new();
    for t in writer_tasks {
        writers_done.push(t.await??);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let _ = stop.send(true);
    let mut full_states = Vec::new();
    for r in readers {
        if let Some(state) = r.await?? {
            full_states.push(state);
        }
    }
    let usage_after = usage();
    let own_after = proc_usage(std::process::id());
    let usage_wall = usage_clock.elapsed();
    let cpu_percent = |before: Option<(f64, u64)>, after: Option<(f64, u64)>| {
        before
            .zip(after)
            .map(|((cpu0, _), (cpu1, _))| (cpu1 - cpu0) / usage_wall.as_secs_f64() * 100.0)
    };

    // Convergence: every writer and decoding reader equals a fresh client of
    // its room.
    let mut converged = true;
    for (url, c) in &writers_done {
        let fresh = SyncClient::connect(url).await?;
        if fresh.state_vector() != c.state_vector() {
            converged = false;
        }
    }
    let mut fresh_svs = Vec::new();
    for room in &urls {
        fresh_svs.push(SyncClient::connect(&room.read).await?.state_vector());
    }
    if full_states.iter().any(|sv| !fresh_svs.contains(sv)) {
        converged = false;
    }

    let sent = sent.load(Ordering::Relaxed);
    let mut lat = stats
        .latencies_us
        .lock()
        .map(|l| l.clone())
        .unwrap_or_default();
    lat.sort_unstable();
    connect_times.sort_unstable();
    let readers_per_room = clients.saturating_sub(writers) as u64;
    let flushes = match flavor {
        Flavor::Tafel => {
            let api = Api::new(&format!("http://{addr}"));
            let metrics = api.get_text("/metrics").await?.1;
            metric_value(&metrics, "tafel_store_flush_seconds_sum")
                .zip(metric_value(&metrics, "tafel_store_flush_seconds_count"))
                .map(|(sum, count)| (count, sum / count.max(1.0) * 1000.0))
        }
        Flavor::Plain => None,
    };
    Ok(Report {
        connect_total,
        connect_p50_ms: percentile(&connect_times, 0.5),
        connect_p99_ms: percentile(&connect_times, 0.99),
        sent,
        delivered: stats.delivered.load(Ordering::Relaxed),
        // Every reader of a room sees its room's notes.
        expected: sent * readers_per_room,
        latency_p50_ms: percentile(&lat, 0.5),
        latency_p95_ms: percentile(&lat, 0.95),
        latency_p99_ms: percentile(&lat, 0.99),
        latency_max_ms: lat.last().map_or(f64::NAN, |m| *m as f64 / 1000.0),
        bytes_to_readers: stats.bytes.load(Ordering::Relaxed),
        server_cpu_percent: cpu_percent(usage_before, usage_after),
        generator_cpu_percent: cpu_percent(own_before, own_after),
        server_rss_mb: usage_after.map(|(_, rss)| rss as f64 / 1024.0),
        flushes,
        converged,
        timeline: if scenario.timeline {
            let seconds = stats
                .worst_by_second
                .lock()
                .map(|s| s.clone())
                .unwrap_or_default();
            let first = seconds.keys().next().copied().unwrap_or(0);
            seconds
                .into_iter()
                .map(|(s, (count, worst))| (s - first, count, worst as f64 / 1000.0))
                .collect()
        } else {
            Vec::new()
        },
    })
}

/// One writer: adds a note `rate` times a second (its text the send time)
/// and moves its cursor `cursor_rate` times a second, for the scenario's
/// seconds, then drains what the server still sends.
async fn write_notes(
    w: usize,
    url: String,
    mut c: SyncClient,
    scenario: Scenario,
    sent: Arc<AtomicU64>,
) -> Result<(String, SyncClient)> {
    let elements = schema::elements(&c.doc);
    // Each writer starts at a random point of its period: writers that all
    // fired at the same instants would send bursts no workshop sends, and the
    // last update of each burst would wait for all the others.
    let phase = |rate: f64| Duration::from_secs_f64(rand::rng().random_range(0.0..1.0) / rate);
    let start = Instant::now();
    let mut next_edit = start + phase(scenario.rate);
    let deadline = start + Duration::from_secs(scenario.seconds);
    // Without cursors, the next cursor move is never due.
    let mut next_cursor = if scenario.cursor_rate > 0.0 {
        start + phase(scenario.cursor_rate)
    } else {
        deadline
    };
    let mut clock = 0;
    let mut n = 0u64;
    while Instant::now() < deadline {
        let now = Instant::now();
        if now >= next_edit {
            let id = format!("w{w}-{n}");
            let text = format!("@@{}@@", now_us());
            let at = {
                let mut rng = rand::rng();
                let (x, y) = (rng.random_range(0.0..4000.0), rng.random_range(0.0..4000.0));
                Rect::new(x, y, 160.0, 160.0)
            };
            let note = tafel_tests::sticky(&id, at, &format!("m{n}"), &text, "load");
            c.edit(|txn| {
                note.insert(txn, &elements);
            })
            .await?;
            sent.fetch_add(1, Ordering::Relaxed);
            n += 1;
            next_edit += Duration::from_secs_f64(1.0 / scenario.rate);
        }
        if scenario.cursor_rate > 0.0 && now >= next_cursor {
            clock += 1;
            let x: f64 = rand::rng().random_range(0.0..4000.0);
            c.set_presence(
                clock,
                &format!(r#"{{"user":{{"name":"w{w}"}},"cursor":{{"x":{x:.0},"y":1}}}}"#),
            )
            .await?;
            next_cursor += Duration::from_secs_f64(1.0 / scenario.cursor_rate);
        }
        let wait = next_edit
            .min(next_cursor)
            .saturating_duration_since(Instant::now());
        c.pump_for(wait.min(Duration::from_millis(50))).await?;
    }
    c.pump_for(Duration::from_secs(2)).await?;
    Ok((url, c))
}

impl Report {
    /// The report as `fanout` prints it.
    pub fn print(&self, scenario: &Scenario) {
        let Scenario {
            rooms,
            clients,
            writers,
            rate,
            cursor_rate,
            light,
            seconds,
            ..
        } = scenario;
        let seconds = (*seconds).max(1) as f64;
        println!("rooms={rooms} clients/room={clients} writers/room={writers} rate={rate}/s cursor={cursor_rate}/s light={light} seconds={seconds}");
        println!(
            "connect+sync: total {:.2}s, per client p50 {:.1} ms, p99 {:.1} ms",
            self.connect_total.as_secs_f64(),
            self.connect_p50_ms,
            self.connect_p99_ms
        );
        println!(
            "updates sent {} ({:.0}/s); deliveries to readers {} of {} expected ({:.0}/s)",
            self.sent,
            self.sent as f64 / seconds,
            self.delivered,
            self.expected,
            self.delivered as f64 / seconds
        );
        println!(
            "fan-out latency ms: p50 {:.2}  p95 {:.2}  p99 {:.2}  max {:.2}",
            self.latency_p50_ms, self.latency_p95_ms, self.latency_p99_ms, self.latency_max_ms,
        );
        println!(
            "bytes to readers: {:.1} MB",
            self.bytes_to_readers as f64 / 1e6
        );
        if let (Some(cpu), Some(rss)) = (self.server_cpu_percent, self.server_rss_mb) {
            println!("server: cpu {cpu:.0}% of one core during load, rss {rss:.1} MB");
        }
        if let Some(cpu) = self.generator_cpu_percent {
            println!("load generator: cpu {cpu:.0}% of one core during load");
        }
        if let Some((count, mean)) = self.flushes {
            println!("server flushes: {count:.0}, mean {mean:.2} ms each");
        }
        for (second, count, worst) in &self.timeline {
            println!("  second {second:>4}: {count:>7} deliveries, worst {worst:>8.1} ms");
        }
        println!(
            "convergence: {}",
            if self.converged {
                "ok (all replicas equal a fresh client)"
            } else {
                "FAILED"
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::markers;

    #[test]
    fn finds_timestamps_in_frames() {
        assert_eq!(markers(b"xx@@123@@yy@@45@@"), vec![123, 45]);
        assert_eq!(markers(b"@@@@ @@12 @@"), Vec::<u64>::new());
    }
}
