//! Starting the real server for tests: in this process ([`TestServer`]) or as a child
//! process that can be killed with SIGKILL ([`ServerProcess`]), both on port 0 with a
//! temporary data directory; and [`Api`], a client of the HTTP board API.

use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use tafel_server::config::ServeConfig;
use tafel_server::serve::{self, Server};
use tafel_server::store::Store;
use tafel_shared::api::{BoardCreated, CreateBoard};
use tafel_shared::roles::{DocKind, Role};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A temporary data directory for a server process, one level below a temporary
/// root, so that the key directory beside it (`<data>.keys`) goes with it.
pub struct DataDir {
    root: tempfile::TempDir,
    data: PathBuf,
}

impl DataDir {
    /// A new, empty data directory.
    pub fn new() -> Result<Self> {
        let root = tempfile::tempdir()?;
        let data = root.path().join("data");
        std::fs::create_dir(&data)?;
        Ok(Self { root, data })
    }

    /// The data directory.
    pub fn path(&self) -> &Path {
        &self.data
    }

    /// Its key directory (the server's default).
    pub fn keys(&self) -> PathBuf {
        self.root.path().join("data.keys")
    }
}

/// The server running inside the test process.
pub struct TestServer {
    /// The running server (its `app` gives access to storage and metrics).
    pub server: Server,
    /// Keeps the data directory alive.
    pub dir: Option<ServerDir>,
}

/// A test server's temporary directory, removed only once its store has let
/// go of it. Removing it while the server still flushes fails that server's
/// writes, and sled's I/O threads, which every server of a test process
/// shares, then stall the stores of the tests running beside it.
pub struct ServerDir(Option<tempfile::TempDir>);

impl std::ops::Deref for ServerDir {
    type Target = tempfile::TempDir;

    fn deref(&self) -> &tempfile::TempDir {
        self.0.as_ref().expect("present until dropped")
    }
}

impl Drop for ServerDir {
    fn drop(&mut self) {
        let Some(dir) = self.0.take() else { return };
        // sled holds an exclusive lock on this file while the store is open.
        let lock = dir.path().join("data").join("db").join("db");
        std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while std::time::Instant::now() < deadline {
                match std::fs::File::open(&lock) {
                    Ok(file) if file.try_lock().is_err() => {
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    _ => break,
                }
            }
            drop(dir);
        });
    }
}

impl TestServer {
    /// Starts with sled in a new temporary directory and default limits.
    pub async fn start() -> Result<Self> {
        Self::start_with(|_| {}).await
    }

    /// Starts with sled in a new temporary directory; `tune` adjusts the config.
    pub async fn start_with(tune: impl FnOnce(&mut ServeConfig)) -> Result<Self> {
        let dir = tempfile::tempdir()?;
        // The data one level down: its key directory (beside it) is removed
        // with the temporary directory too.
        let mut config = test_config(&dir.path().join("data"));
        tune(&mut config);
        let store = serve::open_data(&config.data, &config.keys_dir())?;
        let server = serve::start(config, store).await?;
        Ok(Self {
            server,
            dir: Some(ServerDir(Some(dir))),
        })
    }

    /// Starts on any store (e.g. a failing in-memory one).
    pub async fn start_on(
        store: Arc<dyn Store>,
        tune: impl FnOnce(&mut ServeConfig),
    ) -> Result<Self> {
        let mut config = test_config(Path::new("/nonexistent"));
        tune(&mut config);
        let server = serve::start(config, store).await?;
        Ok(Self { server, dir: None })
    }

    /// `http://host:port`.
    pub fn http(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// An API client.
    pub fn api(&self) -> Api {
        Api::new(&self.http())
    }

    /// A new operator token for this server (its hash stored, as at first
    /// start), for calls only the operator may make.
    pub fn operator_token(&self) -> String {
        let token = tafel_server::secret::random_token(32);
        self.server
            .app
            .storage
            .set_operator_hash(&tafel_server::storage::hash_token(&token))
            .expect("the operator hash is stored");
        token
    }

    /// `ws://host:port/ws/...` for one document of a board, with a token.
    pub fn ws(&self, board: &str, doc: DocKind, token: &str) -> String {
        ws_url(&self.server.addr.to_string(), board, doc, token)
    }

    /// [`TestServer::ws`] as a participant (`me` = a credential).
    pub fn ws_as(&self, board: &str, doc: DocKind, token: &str, me: &str) -> String {
        ws_url_as(&self.server.addr.to_string(), board, doc, token, me)
    }
}

/// A socket URL.
pub fn ws_url(addr: &str, board: &str, doc: DocKind, token: &str) -> String {
    format!("ws://{addr}{}?token={token}", doc.ws_path(board))
}

/// A socket URL that also presents a participant credential (`&me=`).
pub fn ws_url_as(addr: &str, board: &str, doc: DocKind, token: &str, me: &str) -> String {
    format!("{}&me={me}", ws_url(addr, board, doc, token))
}

/// Test defaults: port 0, short grace, default limits.
pub fn test_config(data: &Path) -> ServeConfig {
    ServeConfig {
        bind: ([127, 0, 0, 1], 0).into(),
        data: data.to_path_buf(),
        room_grace_secs: 1,
        // Tests make many boards from one address; the limit has tests of its own.
        creates_per_minute: 1_000_000,
        participants_per_minute: 1_000_000,
        ..ServeConfig::default()
    }
}

/// The `tafel` binary, built if needed; `TAFEL_BIN` names another one (to benchmark
/// two builds of the server against each other with the same load generator).
pub fn tafel_binary() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("TAFEL_BIN") {
        return Ok(PathBuf::from(bin));
    }
    // Test binaries live in target/<profile>/deps, tafel-load in target/<profile>;
    // the server binary is built into the same profile directory.
    let exe = std::env::current_exe()?;
    let mut profile_dir = exe
        .parent()
        .ok_or_else(|| anyhow!("unexpected binary location"))?;
    if profile_dir.ends_with("deps") {
        profile_dir = profile_dir
            .parent()
            .ok_or_else(|| anyhow!("unexpected binary location"))?;
    }
    let bin = profile_dir.join("tafel");
    let mut args = vec!["build", "--quiet", "-p", "tafel-server", "--bin", "tafel"];
    if profile_dir.ends_with("release") {
        args.push("--release");
    }
    let status = std::process::Command::new(env!("CARGO"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .status()
        .context("building the tafel binary")?;
    if !status.success() {
        bail!("cargo build of the tafel binary failed");
    }
    if !bin.exists() {
        bail!("{} not found after building", bin.display());
    }
    Ok(bin)
}

/// The server as a child process.
pub struct ServerProcess {
    child: Child,
    /// `host:port` it listens on.
    pub addr: String,
    /// The data directory (kept across restarts).
    pub data: PathBuf,
    /// The operator token of a first start, read from the file it said it
    /// wrote.
    pub operator_token: Option<String>,
    /// What the first start printed about it.
    pub operator_line: Option<String>,
}

impl ServerProcess {
    /// Starts `tafel serve` on port 0 with `data`, plus extra flags.
    pub async fn start(data: &Path, extra: &[&str]) -> Result<Self> {
        Self::spawn(Command::new(tafel_binary()?), data, extra).await
    }

    /// [`Self::start`] with no file allowed to grow past `max_file_bytes`
    /// (`RLIMIT_FSIZE`), so that the disk really refuses writes: past the
    /// limit `write(2)` fails with `EFBIG` (SIGXFSZ is ignored, as a shell
    /// trap leaves it for the exec'd server).
    pub async fn start_with_file_limit(
        data: &Path,
        extra: &[&str],
        max_file_bytes: u64,
    ) -> Result<Self> {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(r#"trap "" XFSZ; exec prlimit --fsize="$0" -- "$@""#)
            .arg(max_file_bytes.to_string())
            .arg(tafel_binary()?);
        Self::spawn(command, data, extra).await
    }

    /// Starts `program serve` (a `tafel` executable, such as one with the
    /// client bundled) in the directory `cwd` with nothing but a free port: its
    /// data goes where the defaults put it (`cwd/tafel-data`).
    pub async fn start_program(program: &Path, cwd: &Path, extra: &[&str]) -> Result<Self> {
        let mut command = Command::new(program);
        command.current_dir(cwd).arg("serve").args(extra);
        Self::listen(command, &cwd.join("tafel-data")).await
    }

    async fn spawn(mut command: Command, data: &Path, extra: &[&str]) -> Result<Self> {
        command.arg("serve").arg("--data").arg(data).args(extra);
        Self::listen(command, data).await
    }

    /// Runs a `tafel serve` command on a free port until it says where it listens.
    async fn listen(mut command: Command, data: &Path) -> Result<Self> {
        let mut child = command
            .arg("--bind")
            .arg("127.0.0.1:0")
            .env(
                "TAFEL_LOG",
                std::env::var("TAFEL_TEST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            // The load generator makes hundreds of boards from one address.
            .env("TAFEL_CREATES_PER_MINUTE", "1000000")
            .env("TAFEL_PARTICIPANTS_PER_MINUTE", "1000000")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
        let mut lines = BufReader::new(stdout).lines();
        let mut operator_token = None;
        let mut operator_line = None;
        let addr = loop {
            let line = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
                .await
                .context("server did not start in time")??
                .ok_or_else(|| anyhow!("server exited before listening"))?;
            // Only where it is: the token itself is never printed.
            if let Some(rest) = line.strip_prefix("Operator token written to ") {
                let path = rest.split(" (").next().unwrap_or_default();
                operator_token = std::fs::read_to_string(path)
                    .ok()
                    .map(|t| t.trim().to_owned());
                operator_line = Some(line.clone());
            }
            if let Some(url) = line.strip_prefix("tafel listening on http://") {
                break url.trim().to_owned();
            }
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self {
            child,
            addr,
            data: data.to_path_buf(),
            operator_token,
            operator_line,
        })
    }

    /// `http://host:port`.
    pub fn http(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// An API client.
    pub fn api(&self) -> Api {
        Api::new(&self.http())
    }

    /// A socket URL for one document of a board.
    pub fn ws(&self, board: &str, doc: DocKind, token: &str) -> String {
        ws_url(&self.addr, board, doc, token)
    }

    /// The child's process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Waits up to `within` for the process to exit by itself.
    pub async fn exits_within(
        &mut self,
        within: std::time::Duration,
    ) -> Result<std::process::ExitStatus> {
        tokio::time::timeout(within, self.child.wait())
            .await
            .context("the server did not exit")?
            .map_err(Into::into)
    }

    /// SIGKILL: no chance to flush anything.
    pub async fn kill9(mut self) -> Result<()> {
        self.child.start_kill()?;
        self.child.wait().await?;
        Ok(())
    }

    /// Sends SIGTERM and returns at once (see [`Self::exits_within`]).
    pub fn sigterm(&self) -> Result<()> {
        let pid = self.child.id().ok_or_else(|| anyhow!("already exited"))?;
        let status = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status()?;
        if !status.success() {
            bail!("kill -TERM failed");
        }
        Ok(())
    }

    /// SIGTERM, then waits for the exit status.
    pub async fn terminate(mut self) -> Result<std::process::ExitStatus> {
        self.sigterm()?;
        let exit = tokio::time::timeout(std::time::Duration::from_secs(30), self.child.wait())
            .await
            .context("server did not exit after SIGTERM")??;
        Ok(exit)
    }
}

/// A client of the HTTP board API.
pub struct Api {
    base: String,
    http: reqwest::Client,
}

/// A created board with its tokens.
pub struct Board {
    /// The board id.
    pub id: String,
    /// The full creation answer.
    pub created: BoardCreated,
}

impl Board {
    /// The token of one role.
    pub fn token(&self, role: Role) -> &str {
        self.created
            .tokens
            .get(&role)
            .map(String::as_str)
            .unwrap_or("")
    }
}

impl Api {
    /// A client for `base` (`http://host:port`).
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// Creates a board and checks the answer is 201.
    pub async fn create_board(&self, title: &str, template: &str) -> Result<Board> {
        let resp = self
            .http
            .post(format!("{}/api/boards", self.base))
            .json(&CreateBoard {
                title: title.into(),
                template: Some(template.into()),
                lang: None,
            })
            .send()
            .await?;
        if resp.status() != reqwest::StatusCode::CREATED {
            bail!(
                "create board: {} {}",
                resp.status(),
                resp.text().await.unwrap_or_default()
            );
        }
        let created: BoardCreated = resp.json().await?;
        Ok(Board {
            id: created.id.clone(),
            created,
        })
    }

    /// A new participant credential (`{id}.{proof}`), as a browser gets one.
    pub async fn participant(&self) -> Result<String> {
        let (status, body) = self
            .call(reqwest::Method::POST, "/api/participants", None)
            .await?;
        if status != 201 {
            bail!("issue participant: {status} {body}");
        }
        let issued: tafel_shared::api::ParticipantIssued = serde_json::from_value(body)?;
        Ok(issued.credential)
    }

    /// Any request; returns status and the JSON body (or `null`).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<(u16, serde_json::Value)> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        let json = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
        };
        Ok((status, json))
    }

    /// A request with a raw body and content type.
    pub async fn call_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        body: &str,
    ) -> Result<(u16, serde_json::Value)> {
        let resp = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body.to_owned())
            .send()
            .await?;
        let status = resp.status().as_u16();
        let json = resp.json().await.unwrap_or(serde_json::Value::Null);
        Ok((status, json))
    }

    /// A GET returning the body as text.
    pub async fn get_text(&self, path: &str) -> Result<(u16, String)> {
        let resp = self.http.get(format!("{}{path}", self.base)).send().await?;
        Ok((resp.status().as_u16(), resp.text().await?))
    }

    /// The value of one series of `/metrics`, e.g.
    /// `tafel_refused_total{reason="bad message"}`; an error if the server does not
    /// export it.
    pub async fn metric(&self, series: &str) -> Result<f64> {
        let (_, text) = self.get_text("/metrics").await?;
        metric_value(&text, series)
            .with_context(|| format!("/metrics has no series {series}:\n{text}"))
    }
}

/// The value of `series` (name and labels, exactly as exported) in Prometheus text.
pub fn metric_value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::metric_value;

    #[test]
    fn metric_values_are_found_by_exact_series() {
        let text =
            "# HELP x\ntafel_refused_total{reason=\"bad message\"} 3\ntafel_store_errors_total 0\n";
        assert_eq!(
            metric_value(text, "tafel_refused_total{reason=\"bad message\"}"),
            Some(3.0)
        );
        assert_eq!(metric_value(text, "tafel_store_errors_total"), Some(0.0));
        assert_eq!(metric_value(text, "tafel_store_errors"), None);
        assert_eq!(metric_value(text, "tafel_open_sockets"), None);
    }
}
