//! `tafel-load failover`: how long the clients of a cluster's board are cut
//! off when the node that owns the board is killed. The board is made and
//! first opened on the first node (which so comes to own it), clients open it
//! through the others and write, the owner gets SIGKILL, and each client
//! reconnects through its node with its replica until it is synced again.

use anyhow::{bail, Context, Result};
use std::time::{Duration, Instant};
use tafel_shared::geometry::Rect;
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::schema;
use tafel_tests::server::{ws_url, Api};
use tafel_tests::SyncClient;

/// Cuts `clients` clients of one board (spread over every node but the
/// first) off by killing the first node (`owner_pid`), and reports how long
/// each took to be served and synced again.
pub async fn run(addrs: &str, owner_pid: u32, clients: usize) -> Result<()> {
    let addrs: Vec<&str> = addrs.split(',').collect();
    if addrs.len() < 2 {
        bail!("--addr needs the owner and at least one other node");
    }
    let board = Api::new(&format!("http://{}", addrs[0]))
        .create_board("failover", "")
        .await?;
    let url = |addr: &str| ws_url(addr, &board.id, DocKind::Content, board.token(Role::Editor));
    let mut owner = SyncClient::connect(&url(addrs[0])).await?;
    crate::seed_notes(&mut owner, 500).await?;
    let mut tasks = Vec::new();
    let (killed_tx, killed_rx) = tokio::sync::watch::channel(None::<Instant>);
    for i in 0..clients {
        let url = url(addrs[1 + i % (addrs.len() - 1)]);
        let mut killed = killed_rx.clone();
        tasks.push(tokio::spawn(async move {
            let mut c = SyncClient::connect(&url).await?;
            let mut n = 0;
            // Write until cut off.
            while c.closed.is_none() {
                let id = format!("c{i}-{n}");
                n += 1;
                let elements = schema::elements(&c.doc);
                let note = tafel_tests::sticky(&id, Rect::new(0.0, 0.0, 90.0, 90.0), "m", &id, "f");
                c.edit(|txn| {
                    note.insert(txn, &elements);
                })
                .await?;
                c.pump_for(Duration::from_millis(50)).await?;
            }
            let at = loop {
                if let Some(at) = *killed.borrow_and_update() {
                    break at;
                }
                killed.changed().await?;
            };
            let doc = c.doc.clone();
            loop {
                if let Ok(back) = SyncClient::connect_with(&url, doc.clone()).await {
                    drop(back);
                    return Ok::<_, anyhow::Error>(at.elapsed());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let status = std::process::Command::new("kill")
        .args(["-KILL", &owner_pid.to_string()])
        .status()?;
    if !status.success() {
        bail!("kill -KILL {owner_pid} failed");
    }
    let _ = killed_tx.send(Some(Instant::now()));
    let mut back_ms = Vec::new();
    for t in tasks {
        let took = tokio::time::timeout(Duration::from_secs(60), t)
            .await
            .context("a client was not back within 60 s")???;
        back_ms.push(took.as_micros() as u64);
    }
    back_ms.sort_unstable();
    println!(
        "{clients} clients over {} nodes; owner killed: back and synced after p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        addrs.len() - 1,
        crate::percentile(&back_ms, 0.5),
        crate::percentile(&back_ms, 0.99),
        crate::percentile(&back_ms, 1.0),
    );
    Ok(())
}
