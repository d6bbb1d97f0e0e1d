//! Side by side: the same fan-out scenarios against Tafel and against the
//! reference y-websocket server (`@y/websocket-server` on Node.js, which speaks
//! the same protocol), alternating the two within each round so that both meet
//! the same machine, and one table of ranges and ratios at the end.
//!
//! Each run gets a fresh server, so memory and CPU belong to that run alone.
//! The peer keeps documents in memory only; Tafel runs in its default strict
//! mode (every update on disk before anyone sees it) unless told otherwise.

use crate::fanout::{self, Flavor, Report, Scenario};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tafel_tests::server::ServerProcess;
use tokio::process::{Child, Command};

/// The scenarios of BENCHMARKS.md, each for `seconds`.
pub fn scenarios(seconds: u64) -> Vec<Scenario> {
    let one_room = |clients| Scenario {
        rooms: 1,
        clients,
        writers: 5,
        rate: 20.0,
        cursor_rate: 10.0,
        seconds,
        light: true,
        prefill: 0,
        timeline: false,
    };
    vec![
        one_room(50),
        one_room(500),
        Scenario {
            rooms: 200,
            clients: 5,
            writers: 1,
            rate: 5.0,
            cursor_rate: 5.0,
            seconds,
            light: true,
            prefill: 0,
            timeline: false,
        },
    ]
}

/// A server under test, stopped when dropped.
enum Running {
    Tafel(tempfile::TempDir, ServerProcess),
    Peer(Child, String),
}

impl Running {
    fn addr(&self) -> &str {
        match self {
            Running::Tafel(_, srv) => &srv.addr,
            Running::Peer(_, addr) => addr,
        }
    }

    fn pid(&self) -> Option<u32> {
        match self {
            Running::Tafel(_, srv) => srv.pid(),
            Running::Peer(child, _) => child.id(),
        }
    }

    async fn stop(self) {
        match self {
            Running::Tafel(_dir, srv) => {
                let _ = srv.terminate().await;
            }
            Running::Peer(mut child, _) => {
                let _ = child.kill().await;
            }
        }
    }
}

/// Starts this build's `tafel`, or `program` (another build) if given.
async fn start_tafel(program: Option<&Path>, flags: &[String]) -> Result<Running> {
    let tmp = tempfile::tempdir()?;
    let mut extra = vec!["--max-sockets-per-room", "100000"];
    extra.extend(flags.iter().map(String::as_str));
    let srv = match program {
        Some(program) => ServerProcess::start_program(program, tmp.path(), &extra).await?,
        None => ServerProcess::start(&tmp.path().join("data"), &extra).await?,
    };
    Ok(Running::Tafel(tmp, srv))
}

/// The two servers of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Tafel,
    /// y-websocket, or an earlier build of Tafel.
    Other,
}

async fn start_peer(peer_dir: &Path) -> Result<Running> {
    let script = peer_dir.join("node_modules/@y/websocket-server/src/server.js");
    if !script.exists() {
        bail!(
            "{} is missing: run `npm ci --prefix {}` first",
            script.display(),
            peer_dir.display()
        );
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = Command::new("node")
        .arg(&script)
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .context("starting node (is Node.js installed?)")?;
    let addr = format!("127.0.0.1:{port}");
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(&addr).await.is_ok() {
            return Ok(Running::Peer(child, addr));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("the y-websocket server did not listen on {addr}")
}

/// Runs every scenario `rounds` times against both servers and prints the
/// table.
pub async fn compare(
    rounds: usize,
    peer_dir: PathBuf,
    seconds: u64,
    only: Option<usize>,
    tafel_flags: Vec<String>,
    baseline: Option<PathBuf>,
) -> Result<()> {
    let other_name = if baseline.is_some() {
        "baseline"
    } else {
        "y-websocket"
    };
    let name = |side| match side {
        Side::Tafel => "Tafel",
        Side::Other => other_name,
    };
    let all = scenarios(seconds);
    let chosen: Vec<(usize, &Scenario)> = all
        .iter()
        .enumerate()
        .filter(|(i, _)| only.is_none_or(|o| o == *i))
        .collect();
    let mut results: Vec<(usize, Side, Report)> = Vec::new();
    for round in 0..rounds {
        for &(i, scenario) in &chosen {
            // Alternate who goes first, so neither always meets a warmer or
            // a busier machine.
            let order = if round % 2 == 0 {
                [Side::Tafel, Side::Other]
            } else {
                [Side::Other, Side::Tafel]
            };
            for side in order {
                let (server, flavor) = match (side, &baseline) {
                    (Side::Tafel, _) => (start_tafel(None, &tafel_flags).await?, Flavor::Tafel),
                    (Side::Other, Some(program)) => (
                        start_tafel(Some(program), &tafel_flags).await?,
                        Flavor::Tafel,
                    ),
                    (Side::Other, None) => (start_peer(&peer_dir).await?, Flavor::Plain),
                };
                let report = fanout::run(
                    server.addr(),
                    flavor,
                    scenario,
                    &Vec::from_iter(server.pid()),
                )
                .await;
                server.stop().await;
                let report = report?;
                eprintln!(
                    "round {} · {} · {}: p50 {:.1} ms, p99 {:.1} ms, cpu {:.0} % (generator {:.0} %), {} of {} delivered{}",
                    round + 1,
                    scenario.label(),
                    name(side),
                    report.latency_p50_ms,
                    report.latency_p99_ms,
                    report.server_cpu_percent.unwrap_or(f64::NAN),
                    report.generator_cpu_percent.unwrap_or(f64::NAN),
                    report.delivered,
                    report.expected,
                    if report.converged { "" } else { ", NOT CONVERGED" }
                );
                results.push((i, side, report));
            }
        }
    }
    println!("{}", table(&chosen, &results, rounds, &tafel_flags, &name));
    if results
        .iter()
        .any(|(_, side, r)| *side == Side::Tafel && !r.converged)
    {
        bail!("Tafel's replicas did not converge");
    }
    Ok(())
}

/// `min–max` of the values, with `digits` decimals.
fn range(values: &[f64], digits: usize) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if values.is_empty() || !min.is_finite() {
        return "–".into();
    }
    if (max - min).abs() < 10f64.powi(-(digits as i32)) {
        format!("{min:.digits$}")
    } else {
        format!("{min:.digits$}–{max:.digits$}")
    }
}

fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn table(
    chosen: &[(usize, &Scenario)],
    results: &[(usize, Side, Report)],
    rounds: usize,
    tafel_flags: &[String],
    name: &dyn Fn(Side) -> &'static str,
) -> String {
    let mut out = format!(
        "{rounds} round{} per row, alternating; Tafel flags: {}\n\n",
        if rounds == 1 { "" } else { "s" },
        if tafel_flags.is_empty() {
            "none (strict durability)".to_owned()
        } else {
            tafel_flags.join(" ")
        }
    );
    out.push_str("| scenario | server | p50 ms | p99 ms | server CPU % of a core | generator CPU % | RSS MB | connect p50 ms | delivered | converged |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
    for &(i, scenario) in chosen {
        let mut medians = Vec::new();
        for side in [Side::Tafel, Side::Other] {
            let runs: Vec<&Report> = results
                .iter()
                .filter(|(j, s, _)| *j == i && *s == side)
                .map(|(_, _, r)| r)
                .collect();
            let converged = runs.iter().filter(|r| r.converged).count();
            let pick = |f: fn(&Report) -> f64| runs.iter().map(|r| f(r)).collect::<Vec<f64>>();
            let p50 = pick(|r| r.latency_p50_ms);
            let p99 = pick(|r| r.latency_p99_ms);
            let cpu = pick(|r| r.server_cpu_percent.unwrap_or(f64::NAN));
            let generator = pick(|r| r.generator_cpu_percent.unwrap_or(f64::NAN));
            let rss = pick(|r| r.server_rss_mb.unwrap_or(f64::NAN));
            let connect = pick(|r| r.connect_p50_ms);
            let delivered: u64 = runs.iter().map(|r| r.delivered).sum();
            let expected: u64 = runs.iter().map(|r| r.expected).sum();
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {delivered} of {expected} | {converged} of {} |\n",
                scenario.label(),
                name(side),
                range(&p50, 1),
                range(&p99, 1),
                range(&cpu, 0),
                range(&generator, 0),
                range(&rss, 0),
                range(&connect, 1),
                runs.len(),
            ));
            medians.push([median(&p50), median(&p99), median(&cpu), median(&rss)]);
        }
        if let [tafel, peer] = medians.as_slice() {
            let ratio = |k: usize| tafel[k] / peer[k];
            out.push_str(&format!(
                "| {} | **Tafel ÷ {}** (medians) | {:.2} | {:.2} | {:.2} | | {:.2} | | | |\n",
                scenario.label(),
                name(Side::Other),
                ratio(0),
                ratio(1),
                ratio(2),
                ratio(3),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_medians_read_as_in_the_table() {
        assert_eq!(range(&[3.0, 1.25, 2.0], 1), "1.2–3.0");
        assert_eq!(range(&[2.0, 2.0], 0), "2");
        assert_eq!(range(&[], 1), "–");
        assert_eq!(median(&[5.0, f64::NAN, 1.0, 3.0]), 3.0);
    }
}
