//! The browser client's files, served from a directory (`--assets`, or
//! `client/dist` under the working directory) or from a bundle carried inside the
//! `tafel` executable itself, so that one copied file is the whole install.
//!
//! The bundle is a tar archive appended to the executable, followed by its length
//! and a magic number (`tafel bundle-client`, which `cargo xtask dist` runs, writes
//! it). Appending instead of compiling the files in keeps every other build from
//! recompiling the server whenever the client changes, and lets a test bundle the
//! binary it already has in a second. Each text file travels with its gzip and
//! brotli forms, made once at bundle time at the highest levels, so serving costs
//! no compression work.

use anyhow::Context;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Ends the bundle, after its length (little-endian u64).
const MAGIC: &[u8; 8] = b"TAFELCL1";

/// `Cache-Control` of content-hashed assets: their name changes whenever their bytes
/// do, so a browser may keep them for a year without ever asking again.
pub const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `Cache-Control` of everything else the client is made of (`index.html`, the app
/// routes that answer with it, unhashed files, 404s): the browser revalidates each
/// time, so a new build is picked up on the next load.
pub const CACHE_REVALIDATE: &str = "no-cache";

/// Where the client's files come from.
#[derive(Clone)]
pub enum ClientFiles {
    /// A directory on disk.
    Dir {
        /// Files by path; MIME types from the extension.
        files: tower_http::services::ServeDir,
        /// The page every app route answers with.
        index: tower_http::services::ServeFile,
    },
    /// The bundle inside the executable.
    Bundled(Arc<Bundle>),
}

impl ClientFiles {
    /// `--assets` if given, else the bundle in this executable, else
    /// `client/dist` under the working directory, else nothing.
    pub fn find(assets: Option<&Path>) -> Option<Self> {
        if let Some(dir) = assets {
            return Some(Self::dir(dir.to_path_buf()));
        }
        match std::env::current_exe().map(|exe| Bundle::read_from(&exe)) {
            Ok(Ok(Some(bundle))) => return Some(Self::Bundled(Arc::new(bundle))),
            Ok(Err(e)) => {
                tracing::error!(error = %e, "cannot read the client bundle in this executable")
            }
            _ => {}
        }
        let default = PathBuf::from("client/dist");
        default
            .join("index.html")
            .exists()
            .then(|| Self::dir(default))
    }

    fn dir(dir: PathBuf) -> Self {
        Self::Dir {
            index: tower_http::services::ServeFile::new(dir.join("index.html")),
            files: tower_http::services::ServeDir::new(dir),
        }
    }

    /// A path whose last segment has a dot asks for a file, which exists or is a 404
    /// (a missing script must not come back as HTML with status 200); any other path
    /// that is not an API or socket route (`/`, `/b/{id}`) is an app route the client
    /// renders itself, so it gets `index.html`.
    pub async fn serve(self, req: axum::extract::Request) -> Response {
        let path = req.uri().path().to_owned();
        let name = path.rsplit('/').next().unwrap_or_default();
        let wants_file = name.contains('.');
        let mut res = match self {
            Self::Dir {
                mut files,
                mut index,
            } => {
                let served = if wants_file {
                    files.try_call(req).await
                } else {
                    index.try_call(req).await
                };
                match served {
                    Ok(res) => res.map(axum::body::Body::new),
                    Err(e) => {
                        tracing::error!(error = %e, "cannot read a client file");
                        StatusCode::INTERNAL_SERVER_ERROR.into_response()
                    }
                }
            }
            Self::Bundled(bundle) => {
                let key = if wants_file {
                    path.trim_start_matches('/')
                } else {
                    "index.html"
                };
                bundle.respond(key, req.method(), req.headers())
            }
        };
        let status = res.status();
        let cache = if is_hashed_name(name)
            && (status.is_success() || status == StatusCode::NOT_MODIFIED)
        {
            CACHE_IMMUTABLE
        } else {
            CACHE_REVALIDATE
        };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        res
    }
}

/// Whether a file name carries a content hash as `cargo xtask build-client` writes
/// it: `-`, 16 lowercase hex digits, `.` (`tafel-client_bg-3f9a1c2b7d4e5f60.wasm`).
pub fn is_hashed_name(name: &str) -> bool {
    name.as_bytes().windows(18).any(|w| {
        w[0] == b'-'
            && w[17] == b'.'
            && w[1..17]
                .iter()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// One file of the bundle, with its compressed forms when they are smaller.
struct Entry {
    raw: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

/// The client's files as bundled: path → file.
pub struct Bundle {
    files: HashMap<String, Entry>,
}

impl Bundle {
    /// The bundle appended to `exe`, if it carries one.
    pub fn read_from(exe: &Path) -> anyhow::Result<Option<Self>> {
        let mut file = std::fs::File::open(exe)?;
        let Some(archive) = appended(&mut file)? else {
            return Ok(None);
        };
        let mut raw: HashMap<String, Vec<u8>> = HashMap::new();
        let mut tar = tar::Archive::new(archive.as_slice());
        for entry in tar.entries()? {
            let mut entry = entry?;
            let name = entry.path()?.to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes)?;
            raw.insert(name, bytes);
        }
        let mut files = HashMap::new();
        let names: Vec<String> = raw.keys().cloned().collect();
        for name in names {
            if name.ends_with(".gz") || name.ends_with(".br") {
                continue;
            }
            let Some(bytes) = raw.remove(&name) else {
                continue;
            };
            let gzip = raw.remove(&format!("{name}.gz")).map(Bytes::from);
            let brotli = raw.remove(&format!("{name}.br")).map(Bytes::from);
            files.insert(
                name,
                Entry {
                    raw: Bytes::from(bytes),
                    gzip,
                    brotli,
                },
            );
        }
        anyhow::ensure!(
            files.contains_key("index.html"),
            "the bundle has no index.html"
        );
        Ok(Some(Self { files }))
    }

    /// How many files it holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn respond(&self, key: &str, method: &Method, headers: &HeaderMap) -> Response {
        if method != Method::GET && method != Method::HEAD {
            return (
                StatusCode::METHOD_NOT_ALLOWED,
                [(header::ALLOW, "GET, HEAD")],
            )
                .into_response();
        }
        let Some(entry) = self.files.get(key) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let mime = mime_guess::from_path(key).first_or_octet_stream();
        let accepts = |coding: &str| accepts_encoding(headers, coding);
        let (body, encoding) = match (&entry.brotli, &entry.gzip) {
            (Some(br), _) if accepts("br") => (br.clone(), Some("br")),
            (_, Some(gz)) if accepts("gzip") => (gz.clone(), Some("gzip")),
            _ => (entry.raw.clone(), None),
        };
        let mut res = if method == Method::HEAD {
            let mut res = Response::new(axum::body::Body::empty());
            if let Ok(len) = HeaderValue::from_str(&body.len().to_string()) {
                res.headers_mut().insert(header::CONTENT_LENGTH, len);
            }
            res
        } else {
            Response::new(axum::body::Body::from(body))
        };
        let h = res.headers_mut();
        if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
            h.insert(header::CONTENT_TYPE, v);
        }
        if entry.gzip.is_some() || entry.brotli.is_some() {
            h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        if let Some(encoding) = encoding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        res
    }
}

/// Whether `Accept-Encoding` allows `coding` (present, and not with `q=0`).
fn accepts_encoding(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
}

/// The archive appended to `file`, if its end carries the magic number.
fn appended(file: &mut std::fs::File) -> anyhow::Result<Option<Vec<u8>>> {
    let len = file.metadata()?.len();
    if len < 16 {
        return Ok(None);
    }
    file.seek(SeekFrom::Start(len - 16))?;
    let mut trailer = [0u8; 16];
    file.read_exact(&mut trailer)?;
    if &trailer[8..] != MAGIC {
        return Ok(None);
    }
    let archive_len = u64::from_le_bytes(trailer[..8].try_into()?);
    let start = (len - 16)
        .checked_sub(archive_len)
        .context("the bundle's length is past the start of the file")?;
    file.seek(SeekFrom::Start(start))?;
    let mut archive = vec![0u8; usize::try_from(archive_len)?];
    file.read_exact(&mut archive)?;
    Ok(Some(archive))
}

/// Files whose bytes are compressed already: no gzip or brotli form.
fn is_compressed_already(name: &str) -> bool {
    [
        ".woff2", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".gz", ".br",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

/// `tafel bundle-client`: writes `out`, a copy of the executable `exe` (without
/// any bundle it carried) with every file under `dist` appended. Returns how
/// many files and bytes were bundled.
pub fn bundle(exe: &Path, dist: &Path, out: &Path) -> anyhow::Result<(usize, u64)> {
    anyhow::ensure!(
        dist.join("index.html").is_file(),
        "{} has no index.html: build the client first (cargo xtask build-client)",
        dist.display()
    );
    let mut program = std::fs::read(exe).with_context(|| format!("reading {}", exe.display()))?;
    {
        let mut file = std::fs::File::open(exe)?;
        if let Some(archive) = appended(&mut file)? {
            program.truncate(program.len() - archive.len() - 16);
        }
    }
    let mut files = Vec::new();
    collect(dist, dist, &mut files)?;
    files.sort();
    let mut tar = tar::Builder::new(Vec::new());
    let mut add = |name: &str, bytes: &[u8]| -> std::io::Result<()> {
        let mut head = tar::Header::new_gnu();
        head.set_size(bytes.len() as u64);
        head.set_mode(0o644);
        head.set_cksum();
        tar.append_data(&mut head, name, bytes)
    };
    for name in &files {
        let bytes = std::fs::read(dist.join(name))?;
        add(name, &bytes)?;
        if is_compressed_already(name) {
            continue;
        }
        let gz = gzip(&bytes)?;
        if gz.len() < bytes.len() {
            add(&format!("{name}.gz"), &gz)?;
        }
        let br = brotli(&bytes)?;
        if br.len() < bytes.len() {
            add(&format!("{name}.br"), &br)?;
        }
    }
    let archive = tar.into_inner()?;
    let bundled = archive.len() as u64;
    program.extend_from_slice(&archive);
    program.extend_from_slice(&bundled.to_le_bytes());
    program.extend_from_slice(MAGIC);
    crate::secret::write_durably(out, &program, 0o755)
        .with_context(|| format!("writing {}", out.display()))?;
    Ok((files.len(), bundled))
}

/// Paths of every file under `dir`, relative to `root`, with `/` separators.
fn collect(root: &Path, dir: &Path, into: &mut Vec<String>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(root, &path, into)?;
        } else {
            let rel = path.strip_prefix(root)?;
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            into.push(parts.join("/"));
        }
    }
    Ok(())
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    enc.finish()
}

fn brotli(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed_name("tafel-client-3f9a1c2b7d4e5f60.js"));
        assert!(is_hashed_name("tafel-client_bg-3f9a1c2b7d4e5f60.wasm"));
        assert!(is_hashed_name("inter-0123456789abcdef.woff2"));
        assert!(!is_hashed_name("index.html"));
        assert!(!is_hashed_name("tafel-client.js"));
        assert!(!is_hashed_name("style-3F9A1C2B7D4E5F60.css"));
        assert!(!is_hashed_name("style-3f9a1c2b7d4e5f6.css"));
        assert!(!is_hashed_name("style-3f9a1c2b7d4e5f600.css"));
        assert!(!is_hashed_name("style-3f9a1c2b7d4e5f60"));
    }

    #[test]
    fn a_bundle_round_trips_with_its_compressed_forms() {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(dist.join("snippets/x")).unwrap();
        let page = "<!doctype html><title>Tafel</title>".repeat(20);
        std::fs::write(dist.join("index.html"), &page).unwrap();
        std::fs::write(dist.join("snippets/x/a.js"), "let a = 1;".repeat(50)).unwrap();
        std::fs::write(dist.join("font.woff2"), [1u8, 2, 3]).unwrap();
        let exe = dir.path().join("exe");
        std::fs::write(&exe, b"\x7fELF pretend program").unwrap();
        let out = dir.path().join("bundled");
        assert_eq!(bundle(&exe, &dist, &out).unwrap().0, 3);
        // Bundling a bundled program replaces its bundle instead of stacking one.
        let again = dir.path().join("again");
        bundle(&out, &dist, &again).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
        assert!(std::fs::read(&again)
            .unwrap()
            .starts_with(b"\x7fELF pretend program"));

        let b = Bundle::read_from(&again).unwrap().unwrap();
        assert_eq!(b.len(), 3);
        let index = &b.files["index.html"];
        assert_eq!(index.raw, page.as_bytes());
        assert!(index.gzip.is_some() && index.brotli.is_some());
        assert!(b.files["snippets/x/a.js"].brotli.is_some());
        assert!(b.files["font.woff2"].gzip.is_none(), "woff2 is compressed");
        assert!(Bundle::read_from(&exe).unwrap().is_none(), "no bundle");
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            h
        };
        assert!(accepts_encoding(&with("gzip, deflate, br"), "br"));
        assert!(accepts_encoding(&with("gzip;q=0.5"), "gzip"));
        assert!(!accepts_encoding(&with("br;q=0, gzip"), "br"));
        assert!(!accepts_encoding(&with("gzip"), "br"));
        assert!(!accepts_encoding(&HeaderMap::new(), "gzip"));
    }
}
