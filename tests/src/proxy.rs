//! A TCP proxy in front of the server that can cut one browser off, the way a
//! train tunnel or a flaky hotel Wi-Fi does: its sync sockets and its calls of
//! the board API fail, while page loads keep working (as if the browser had the
//! app cached): so tests can go offline, edit, reload and come back, against
//! the real server and a real browser. Gone dark, it refuses page loads too,
//! as a laptop without any network does.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A running proxy; stops when dropped.
pub struct Proxy {
    addr: SocketAddr,
    offline: Arc<AtomicBool>,
    dark: Arc<AtomicBool>,
    requests: Arc<std::sync::Mutex<Vec<String>>>,
    cut: watch::Sender<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr) -> std::io::Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let offline = Arc::new(AtomicBool::new(false));
        let dark = Arc::new(AtomicBool::new(false));
        let (cut, cuts) = watch::channel(0u64);
        let (flag, no_pages) = (Arc::clone(&offline), Arc::clone(&dark));
        let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if no_pages.load(Ordering::SeqCst) {
                    // Refused: the browser sees no server at all.
                    drop(client);
                    continue;
                }
                let flag = Arc::clone(&flag);
                let seen = Arc::clone(&seen);
                let mut cuts = cuts.clone();
                tokio::spawn(async move {
                    let _ = forward(client, upstream, &flag, &mut cuts, &seen).await;
                });
            }
        });
        Ok(Proxy {
            addr,
            offline,
            dark,
            requests,
            cut,
            task,
        })
    }

    /// `http://127.0.0.1:port` of the proxy.
    pub fn http(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Rewrites a link of the server to go through the proxy.
    pub fn link(&self, server_link: &str) -> String {
        let after_scheme = server_link
            .split_once("://")
            .map_or(server_link, |(_, r)| r);
        let path = after_scheme.find('/').map_or("", |at| &after_scheme[at..]);
        format!("{}{path}", self.http())
    }

    /// Cuts every open sync socket and refuses new ones and API calls; the
    /// app's pages and files still load.
    pub fn go_offline(&self) {
        self.offline.store(true, Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }

    /// Goes offline and refuses page loads and files too: nothing reaches
    /// the server until [`Proxy::go_online`].
    pub fn go_dark(&self) {
        self.dark.store(true, Ordering::SeqCst);
        self.go_offline();
    }

    /// The first line of every request that came through (`GET /path HTTP/1.1`),
    /// as a reverse proxy would log it.
    pub fn request_lines(&self) -> Vec<String> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Lets sync sockets (and pages) through again.
    pub fn go_online(&self) {
        self.offline.store(false, Ordering::SeqCst);
        self.dark.store(false, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(
    mut client: TcpStream,
    upstream: SocketAddr,
    offline: &AtomicBool,
    cuts: &mut watch::Receiver<u64>,
    seen: &std::sync::Mutex<Vec<String>>,
) -> std::io::Result<()> {
    // Enough of the request to see its path.
    let mut head = vec![0u8; 4096];
    let n = client.read(&mut head).await?;
    head.truncate(n);
    if let Some(line) = head.split(|b| *b == b'\r').next() {
        if let Ok(mut s) = seen.lock() {
            s.push(String::from_utf8_lossy(line).into_owned());
        }
    }
    let is_socket = head.starts_with(b"GET /ws/");
    let path = head.split(|b| *b == b' ').nth(1).unwrap_or_default();
    let is_api = path.starts_with(b"/api/");
    if (is_socket || is_api) && offline.load(Ordering::SeqCst) {
        return Ok(());
    }
    if !is_socket {
        // One request per connection, so that each is judged by its own path
        // (a kept-alive connection would carry API calls past the check).
        if let Some(end) = head.windows(2).position(|w| w == b"\r\n") {
            head.splice(end + 2..end + 2, b"Connection: close\r\n".iter().copied());
        }
    }
    let mut server = TcpStream::connect(upstream).await?;
    server.set_nodelay(true)?;
    client.set_nodelay(true)?;
    server.write_all(&head).await?;
    cuts.borrow_and_update();
    tokio::select! {
        r = tokio::io::copy_bidirectional(&mut client, &mut server) => r.map(|_| ()),
        _ = cuts.changed() => Ok(()),
    }
}
