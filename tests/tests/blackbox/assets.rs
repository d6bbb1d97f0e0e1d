//! The built client as the server hands it out: content-hashed files are cached for a
//! year, `index.html` and the app routes that answer with it are revalidated on every
//! load (so a new build shows up at once), MIME types are right, a missing file is a
//! 404 rather than the app page, and text is compressed on request. Runs on a small
//! fake dist directory, so it needs no wasm build.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use reqwest::header::{
    HeaderMap, ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY,
    CONTENT_TYPE, IF_MODIFIED_SINCE, LAST_MODIFIED,
};
use reqwest::StatusCode;
use tafel_tests::TestServer;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const INDEX: &str = "<!doctype html><title>Tafel</title><script type=module src=/boot-00112233aabbccdd.js></script>";
/// A script long enough to be worth compressing.
fn script() -> String {
    "export function start() { console.log('Tafel'); }\n".repeat(200)
}

/// Hashed files as `cargo xtask build-client` names them, and the type each is served as.
const HASHED: [(&str, &str); 6] = [
    ("tafel-client-0123456789abcdef.js", "javascript"),
    ("tafel-client_bg-0123456789abcdef.wasm", "application/wasm"),
    ("style-0123456789abcdef.css", "text/css"),
    ("inter-0123456789abcdef.woff2", "font/woff2"),
    ("favicon-0123456789abcdef.svg", "image/svg+xml"),
    ("boot-00112233aabbccdd.js", "javascript"),
];

/// A server on a temporary dist directory holding `index.html`, the [`HASHED`] files
/// and one unhashed file.
async fn server() -> (TestServer, tempfile::TempDir) {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), INDEX).unwrap();
    for (name, _) in HASHED {
        let body: Vec<u8> = match name.rsplit('.').next().unwrap() {
            "js" => script().into_bytes(),
            // The wasm magic number and version: a valid (empty) module.
            "wasm" => b"\0asm\x01\0\0\0".to_vec(),
            "css" => "body { font-family: \"Inter\", sans-serif; }\n"
                .repeat(50)
                .into_bytes(),
            "woff2" => {
                let mut font = b"wOF2".to_vec();
                font.extend((0..4096u32).map(|i| (i * 7 % 251) as u8));
                font
            }
            _ => b"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>".to_vec(),
        };
        std::fs::write(dist.path().join(name), body).unwrap();
    }
    std::fs::write(dist.path().join("notes.js"), script()).unwrap();
    let dir = dist.path().to_path_buf();
    let srv = TestServer::start_with(|c| c.assets = Some(dir))
        .await
        .unwrap();
    (srv, dist)
}

/// One header as text, `""` when absent.
fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> &str {
    headers
        .get(&name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

#[tokio::test]
async fn hashed_files_are_cached_for_a_year_with_their_mime_type() {
    let (srv, _dist) = server().await;
    let http = reqwest::Client::new();
    for (name, mime) in HASHED {
        let resp = http
            .get(format!("{}/{name}", srv.http()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{name}");
        let headers = resp.headers();
        assert!(
            header(headers, CONTENT_TYPE).contains(mime),
            "{name}: {headers:?}"
        );
        assert_eq!(header(headers, CACHE_CONTROL), IMMUTABLE, "{name}");
        let csp = header(headers, CONTENT_SECURITY_POLICY);
        assert!(csp.contains("font-src 'self'"), "{name}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{name}: {csp}");

        // A revalidation (browsers skip it for immutable files, proxies may not) keeps
        // the lifetime.
        let modified = header(headers, LAST_MODIFIED).to_owned();
        let again = http
            .get(format!("{}/{name}", srv.http()))
            .header(IF_MODIFIED_SINCE, modified)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{name}");
        assert_eq!(header(again.headers(), CACHE_CONTROL), IMMUTABLE, "{name}");
    }
}

#[tokio::test]
async fn index_and_app_routes_are_revalidated_on_every_load() {
    let (srv, _dist) = server().await;
    let http = reqwest::Client::new();
    let board = "AAAAAAAAAAAAAAAAAAAAAA";
    for path in ["/", "/index.html", &format!("/b/{board}"), "/b/unknown"] {
        let resp = http
            .get(format!("{}{path}", srv.http()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert!(
            header(resp.headers(), CONTENT_TYPE).starts_with("text/html"),
            "{path}"
        );
        assert_eq!(header(resp.headers(), CACHE_CONTROL), "no-cache", "{path}");
        assert!(header(resp.headers(), CONTENT_SECURITY_POLICY).contains("default-src 'self'"));
        assert_eq!(resp.text().await.unwrap(), INDEX, "{path}");
    }
    // A file without a content hash may change under the same name.
    let resp = http
        .get(format!("{}/notes.js", srv.http()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(resp.headers(), CACHE_CONTROL), "no-cache");
}

#[tokio::test]
async fn a_missing_file_is_a_404_not_the_app_page() {
    let (srv, _dist) = server().await;
    let http = reqwest::Client::new();
    for path in [
        "/tafel-client-fedcba9876543210.js",
        "/style.css",
        "/fonts/inter-0123456789abcdef.woff2",
        "/b/board/missing.wasm",
    ] {
        let resp = http
            .get(format!("{}{path}", srv.http()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        // Never remembered: the file may exist after the next deploy.
        assert_eq!(header(resp.headers(), CACHE_CONTROL), "no-cache", "{path}");
        assert!(
            !resp.text().await.unwrap().contains("<!doctype html>"),
            "{path}"
        );
    }
    // The API keeps its JSON errors.
    let (status, body) = srv
        .api()
        .call(reqwest::Method::GET, "/api/nothing-here.js", None)
        .await
        .unwrap();
    assert_eq!(status, 404);
    assert_eq!(body["code"], "not_found");
}

#[tokio::test]
async fn text_is_gzipped_on_request_and_fonts_are_not() {
    let (srv, _dist) = server().await;
    let http = reqwest::Client::new();
    let url = format!("{}/tafel-client-0123456789abcdef.js", srv.http());

    let plain = http.get(&url).send().await.unwrap();
    assert_eq!(header(plain.headers(), CONTENT_ENCODING), "");
    assert_eq!(plain.bytes().await.unwrap(), script().as_bytes());

    let gzipped = http
        .get(&url)
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.status(), StatusCode::OK);
    assert_eq!(header(gzipped.headers(), CONTENT_ENCODING), "gzip");
    assert_eq!(header(gzipped.headers(), CACHE_CONTROL), IMMUTABLE);
    assert!(header(gzipped.headers(), CONTENT_TYPE).contains("javascript"));
    let body = gzipped.bytes().await.unwrap();
    assert_eq!(&body[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(body.len() < script().len() / 10, "{} bytes", body.len());

    // woff2 is compressed inside already.
    let font = http
        .get(format!("{}/inter-0123456789abcdef.woff2", srv.http()))
        .header(ACCEPT_ENCODING, "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(font.status(), StatusCode::OK);
    assert_eq!(header(font.headers(), CONTENT_ENCODING), "");
    assert_eq!(&font.bytes().await.unwrap()[..4], b"wOF2");
}

/// One raw HTTP/1.1 GET, as a client that does not tidy its path sends it.
async fn raw_get(addr: std::net::SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut answer = Vec::new();
    tcp.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn no_path_leaves_the_client_directory() {
    // A secret beside the client's directory, and one in the data directory.
    let root = tempfile::tempdir().unwrap();
    let dist = root.path().join("dist");
    std::fs::create_dir(&dist).unwrap();
    std::fs::write(dist.join("index.html"), INDEX).unwrap();
    std::fs::write(root.path().join("secret.txt"), "TOP-SECRET-BESIDE").unwrap();
    let srv = TestServer::start_with(|c| c.assets = Some(dist.clone()))
        .await
        .unwrap();
    let data = srv.dir.as_ref().unwrap().path().to_path_buf();
    std::fs::write(data.join("secret.txt"), "TOP-SECRET-DATA").unwrap();
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/b/../../secret.txt",
        "/....//secret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/..\\secret.txt",
        &format!("/{}", data.join("secret.txt").display()),
        &format!("/..{}/secret.txt", data.display()),
    ] {
        let answer = raw_get(srv.server.addr, path).await;
        assert!(
            !answer.contains("TOP-SECRET") && !answer.contains("root:"),
            "{path} leaked: {answer}"
        );
        let status = answer.split(' ').nth(1).unwrap_or_default();
        assert!(["400", "404", "200"].contains(&status), "{path}: {status}");
        if status == "200" {
            assert!(
                answer.contains("<!doctype html>"),
                "{path}: only the app page"
            );
        }
    }
}

/// The one-file install: `tafel bundle-client` writes a copy of the server with
/// the client inside; started from an empty directory with no flags, that copy
/// serves the client (brotli and gzip forms made at bundle time, hashed files
/// cached for a year, app routes answered with the page, missing files 404).
#[tokio::test]
async fn a_bundled_binary_serves_the_client_from_an_empty_directory() {
    let (_, dist) = server().await;
    let tools = tempfile::tempdir().unwrap();
    let bundled = tools.path().join("tafel");
    let status = std::process::Command::new(tafel_tests::server::tafel_binary().unwrap())
        .arg("bundle-client")
        .arg("--assets")
        .arg(dist.path())
        .arg("--out")
        .arg(&bundled)
        .status()
        .unwrap();
    assert!(status.success());
    // The dist directory is gone: only the binary has the files now.
    drop(dist);
    let empty = tempfile::tempdir().unwrap();
    let srv = tafel_tests::ServerProcess::start_program(&bundled, empty.path(), &[])
        .await
        .unwrap();
    let http = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap();
    let get = |path: &str, encoding: &str| {
        http.get(format!("{}{path}", srv.http()))
            .header(ACCEPT_ENCODING, encoding)
            .send()
    };
    for route in ["/", "/b/abc"] {
        let res = get(route, "identity").await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[CACHE_CONTROL], "no-cache");
        assert_eq!(res.text().await.unwrap(), INDEX, "{route}");
    }
    let res = get("/tafel-client-0123456789abcdef.js", "gzip, deflate, br")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[CONTENT_ENCODING], "br");
    assert_eq!(res.headers()[CACHE_CONTROL], IMMUTABLE);
    assert!(res.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let body = res.bytes().await.unwrap();
    let mut plain = Vec::new();
    brotli_decompress(&body, &mut plain);
    assert_eq!(plain, script().as_bytes());
    let res = get("/style-0123456789abcdef.css", "gzip").await.unwrap();
    assert_eq!(res.headers()[CONTENT_ENCODING], "gzip");
    let res = get("/tafel-client_bg-0123456789abcdef.wasm", "br;q=0")
        .await
        .unwrap();
    assert!(res.headers().get(CONTENT_ENCODING).is_none());
    assert_eq!(res.headers()[CONTENT_TYPE], "application/wasm");
    assert_eq!(
        get("/missing-0123456789abcdef.js", "br")
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    // It made its data and key directories where it was started.
    assert!(empty.path().join("tafel-data/FORMAT").is_file());
    assert!(empty.path().join("tafel-data.keys/server-key").is_file());
    srv.terminate().await.unwrap();
}

fn brotli_decompress(compressed: &[u8], into: &mut Vec<u8>) {
    use std::io::Read;
    brotli::Decompressor::new(compressed, 4096)
        .read_to_end(into)
        .unwrap();
}
