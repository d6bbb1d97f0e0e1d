//! PostgreSQL and Redis of their own for tests: Debian's programs started as
//! child processes on free loopback ports, with their files in temporary
//! directories, stopped on drop. The server's unit tests and the cluster's
//! black-box tests (feature `test-engines`) share them; no test mocks either
//! engine.

pub use postgres_engine::TempPostgres;
pub use redis_engine::TempRedis;

/// A PostgreSQL server of its own for a test: `initdb` into a temporary
/// directory and `postgres` on a free loopback port, stopped on drop. As root
/// (PostgreSQL refuses to run as root) both run as the `postgres` user that
/// Debian's package creates.
mod postgres_engine {
    use std::path::PathBuf;
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    /// A running test database.
    pub struct TempPostgres {
        child: Option<Child>,
        data: String,
        path: String,
        port: String,
        /// Where to connect.
        pub url: String,
        _dir: tempfile::TempDir,
    }

    /// The newest installed PostgreSQL's programs (Debian keeps them per version).
    fn bin_dir() -> PathBuf {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL is installed (cargo xtask test installs it)")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|bin| bin.join("postgres").exists())
            .collect();
        versions.sort();
        versions
            .pop()
            .expect("a PostgreSQL version with its programs")
    }

    fn is_root() -> bool {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
    }

    /// `program` with `args`, as the `postgres` user when we are root.
    fn command(program: PathBuf, args: &[&str]) -> Command {
        if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program).args(args);
            c
        } else {
            let mut c = Command::new(program);
            c.args(args);
            c
        }
    }

    impl TempPostgres {
        /// Starts one and waits until it accepts connections.
        pub fn start() -> Self {
            let bin = bin_dir();
            let dir = tempfile::tempdir().expect("a temporary directory");
            let path = dir.path().to_str().expect("a UTF-8 path").to_owned();
            if is_root() {
                let chown = Command::new("chown")
                    .args(["postgres:postgres", &path])
                    .status()
                    .expect("chown");
                assert!(chown.success(), "chown of {path} to postgres");
            }
            let data = format!("{path}/data");
            let init = command(
                bin.join("initdb"),
                &[
                    "-D",
                    &data,
                    "-U",
                    "tafel",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ],
            )
            .stdout(Stdio::null())
            .output()
            .expect("initdb runs");
            assert!(
                init.status.success(),
                "initdb: {}",
                String::from_utf8_lossy(&init.stderr)
            );
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port()
                .to_string();
            let url = format!("postgres://tafel@127.0.0.1:{port}/postgres");
            let mut db = Self {
                child: None,
                data,
                path,
                port,
                url,
                _dir: dir,
            };
            db.restart();
            db
        }

        /// Stops it as a crash would (immediate shutdown: no checkpoint, so
        /// the next start recovers from the WAL) and starts it again on the
        /// same files and port, waiting until it accepts connections.
        pub fn restart(&mut self) {
            self.stop("-QUIT");
            let child = command(
                bin_dir().join("postgres"),
                &[
                    "-D",
                    &self.data,
                    "-p",
                    &self.port,
                    "-k",
                    &self.path,
                    "-c",
                    "listen_addresses=127.0.0.1",
                ],
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("postgres starts");
            self.child = Some(child);
            let started = Instant::now();
            while postgres::Client::connect(&self.url, postgres::NoTls).is_err() {
                assert!(
                    started.elapsed() < Duration::from_secs(30),
                    "postgres did not accept connections within 30 s"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }

        /// Signals the postmaster itself (not `runuser`) and waits for it.
        fn stop(&mut self, signal: &str) {
            let Some(mut child) = self.child.take() else {
                return;
            };
            let pid = std::fs::read_to_string(format!("{}/postmaster.pid", self.data))
                .ok()
                .and_then(|f| f.lines().next().map(str::to_owned));
            match pid {
                Some(pid) => {
                    let _ = Command::new("kill").args([signal, &pid]).status();
                }
                None => {
                    let _ = child.kill();
                }
            }
            let _ = child.wait();
        }
    }

    impl Drop for TempPostgres {
        fn drop(&mut self) {
            self.stop("-INT");
        }
    }
}

/// A Redis server of its own for a test, on a free loopback port with its
/// files in a temporary directory, stopped on drop; [`TempRedis::crash`] and
/// [`TempRedis::restart`] kill it with SIGKILL and start it again on the same
/// files and port.
mod redis_engine {
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    /// A running test Redis.
    pub struct TempRedis {
        child: Option<Child>,
        port: u16,
        dir: tempfile::TempDir,
    }

    impl TempRedis {
        /// With an append-only file synced on every write, as the README
        /// asks of a cluster's Redis.
        pub fn start() -> Self {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let mut redis = Self {
                child: None,
                port,
                dir: tempfile::tempdir().expect("a temporary directory"),
            };
            redis.restart();
            redis
        }

        /// Where to connect.
        pub fn url(&self) -> String {
            format!("redis://127.0.0.1:{}/", self.port)
        }

        /// Kills it (SIGKILL: nothing is written on the way out).
        pub fn crash(&mut self) {
            if let Some(mut child) = self.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }

        /// Starts it on its files and port and waits until it answers.
        pub fn restart(&mut self) {
            self.crash();
            let child = Command::new("redis-server")
                .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
                .arg("--dir")
                .arg(self.dir.path())
                .args([
                    "--appendonly",
                    "yes",
                    "--appendfsync",
                    "always",
                    "--save",
                    "",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server starts (cargo xtask test installs it)");
            self.child = Some(child);
            let started = Instant::now();
            let url = self.url();
            while redis::Client::open(url.as_str())
                .and_then(|c| c.get_connection())
                .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c))
                .is_err()
            {
                assert!(
                    started.elapsed() < Duration::from_secs(30),
                    "redis-server did not answer within 30 s"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    impl Drop for TempRedis {
        fn drop(&mut self) {
            self.crash();
        }
    }
}
