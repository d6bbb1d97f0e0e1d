//! The operator's commands against a running server: `tafel boards list`,
//! `tafel boards delete ID` and `tafel backup FILE` call its operator API over
//! HTTP with the operator token (from `TAFEL_OPERATOR_TOKEN`, else the key
//! directory's `operator-token` file, never from the command line where `ps`
//! would show it). `tafel restore` works on a data directory with no server.

use crate::config::{BoardsAction, BoardsArgs, RemoteArgs, RestoreArgs};
use anyhow::{bail, Context};
use tafel_shared::api::BoardSummary;

/// The operator token for `remote`.
fn operator_token(remote: &RemoteArgs) -> anyhow::Result<String> {
    if let Ok(token) = std::env::var("TAFEL_OPERATOR_TOKEN") {
        return Ok(token.trim().to_owned());
    }
    let keys = crate::keys::dir_for(&remote.data, remote.keys.as_deref());
    let path = keys.join("operator-token");
    std::fs::read_to_string(&path)
        .map(|t| t.trim().to_owned())
        .with_context(|| {
            format!(
                "cannot read the operator token from {} (set TAFEL_OPERATOR_TOKEN or --keys)",
                path.display()
            )
        })
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Sends one operator request; an error status becomes an error with the
/// server's message.
async fn call(
    remote: &RemoteArgs,
    method: reqwest::Method,
    path: &str,
) -> anyhow::Result<reqwest::Response> {
    let token = operator_token(remote)?;
    let url = format!("{}{path}", remote.url.trim_end_matches('/'));
    let res = reqwest::Client::new()
        .request(method, &url)
        .bearer_auth(token)
        .send()
        .await
        .with_context(|| format!("cannot reach the server at {}", remote.url))?;
    let status = res.status();
    if !status.is_success() {
        let body = res.text().await.unwrap_or_default();
        let message = serde_json::from_str::<tafel_shared::api::ApiError>(&body)
            .map(|e| e.message)
            .unwrap_or(body);
        bail!("the server answered {status}: {message}");
    }
    Ok(res)
}

/// `tafel boards list|delete`. Returns what to print.
pub fn boards(args: &BoardsArgs) -> anyhow::Result<String> {
    runtime()?.block_on(async {
        match &args.action {
            BoardsAction::List => {
                let list: Vec<BoardSummary> =
                    call(&args.remote, reqwest::Method::GET, "/api/admin/boards")
                        .await?
                        .json()
                        .await
                        .context("the server's list does not read")?;
                Ok(format_list(&list))
            }
            BoardsAction::Delete { id } => {
                call(
                    &args.remote,
                    reqwest::Method::DELETE,
                    &format!("/api/admin/boards/{id}"),
                )
                .await?;
                Ok(format!(
                    "deleted board {id} (its key is destroyed: nothing of it can be read any more)"
                ))
            }
        }
    })
}

/// `tafel access-log`: the log as CSV or one JSON object per line.
pub fn access_log(args: &crate::config::AccessLogArgs) -> anyhow::Result<String> {
    let mut path = String::from("/api/admin/access-log?");
    if let Some(days) = args.days {
        path.push_str(&format!("days={days}&"));
    }
    if let Some(board) = &args.board {
        path.push_str(&format!("board={board}&"));
    }
    if args.csv {
        path.push_str("format=csv");
    }
    runtime()?.block_on(async {
        let res = call(&args.remote, reqwest::Method::GET, &path).await?;
        if args.csv {
            return res.text().await.context("the log was cut off");
        }
        let entries: Vec<tafel_shared::api::AccessEntry> =
            res.json().await.context("the log does not read")?;
        let mut out = String::new();
        for e in entries {
            out.push_str(&serde_json::to_string(&e)?);
            out.push('\n');
        }
        Ok(out)
    })
}

/// The list as a table: id, title, size, last change (UTC), sockets.
fn format_list(list: &[BoardSummary]) -> String {
    let mut out = format!(
        "{:<22}  {:>10}  {:<16}  {:>7}  TITLE\n",
        "ID", "SIZE", "LAST CHANGE (UTC)", "SOCKETS"
    );
    let mut sorted: Vec<&BoardSummary> = list.iter().collect();
    sorted.sort_by_key(|b| std::cmp::Reverse(b.updated_ms));
    for b in sorted {
        out.push_str(&format!(
            "{:<22}  {:>10}  {:<16}  {:>7}  {}\n",
            b.id,
            human_bytes(b.bytes),
            crate::clock::utc_minute(b.updated_ms),
            b.sockets,
            b.title
        ));
    }
    out
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / f64::from(1 << 20)),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// `tafel backup FILE`: a consistent backup of the running server, written
/// beside `file` and renamed into place once whole. Returns its size.
pub fn backup(remote: &RemoteArgs, file: &std::path::Path) -> anyhow::Result<u64> {
    let bytes = runtime()?.block_on(async {
        call(remote, reqwest::Method::GET, "/api/admin/backup")
            .await?
            .bytes()
            .await
            .context("the backup was cut off")
    })?;
    crate::backup::read(&bytes).context("the server sent a backup that does not read")?;
    crate::secret::write_durably(file, &bytes, 0o600)
        .with_context(|| format!("writing {}", file.display()))?;
    Ok(bytes.len() as u64)
}

/// `tafel restore FILE --data DIR`: the backup into a new data directory.
/// Returns how many entries.
pub fn restore(args: &RestoreArgs) -> anyhow::Result<usize> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let keys = crate::keys::dir_for(&args.data, args.keys.as_deref());
    let store = crate::sealed::open_data(&args.data, &keys)?;
    crate::backup::restore(&*store, &bytes)
}
