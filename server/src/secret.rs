//! Random tokens and files only this user may read: the two things every secret
//! the server makes (share tokens, board ids, participant ids, the operator token,
//! the participant key) needs. A leaf module, so anything may use it.

use rand::RngCore;

/// A URL-safe random token of `bytes` random bytes.
pub fn random_token(bytes: usize) -> String {
    use base64::Engine;
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Writes `contents` to `path`, readable and writable by this user only, so
/// that a crash leaves the old file or the whole new one: written beside it,
/// synced, renamed over it, and the directory synced (a key that vanished in
/// a power cut would lose every board sealed under it).
pub fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    write_durably(path, contents.as_bytes(), 0o600)
}

/// Writes `bytes` to `path` with Unix permissions `mode` so that a crash
/// leaves the old file or the whole new one (see [`write_private`]).
pub fn write_durably(path: &std::path::Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}
