//! Boards encrypted at rest, each under a key of its own, so that deleting a board
//! erases it from the database files themselves: sled appends to its log and
//! keeps old bytes in its segments until it happens to reuse them, so removing
//! keys from the index leaves the words in the files. Destroying the one key that
//! decrypts them leaves only noise.
//!
//! [`Sealed`] wraps any [`Store`]: every value under a board's keys (`board/{id}`,
//! `doc/{id}/…`) is sealed with XChaCha20-Poly1305 under that board's key, with
//! the store key as associated data (a value cannot be moved to another key
//! unnoticed). The board keys live in one small file, `<data>/board-keys`, itself
//! sealed under a key derived from the server key in the key directory (see
//! [`crate::keys`]) and replaced whole (write, fsync, rename) whenever a board is
//! created or erased, so an erased key survives in no file. A copy of the data
//! directory without the key directory decrypts nothing.

use crate::store::{BatchOp, Entries, PreparedValue, Store, StoreError};
use anyhow::Context;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// First byte of a sealed value (a format version).
const SEALED_V1: u8 = 1;
const NONCE_BYTES: usize = 24;
/// Associated data of the board-keys file.
const KEYS_FILE_AAD: &[u8] = b"tafel board keys v1";
const KEYS_FILE: &str = "board-keys";

/// The board a store key belongs to, if any.
pub fn board_of(key: &[u8]) -> Option<&str> {
    let rest = key
        .strip_prefix(b"board/")
        .or_else(|| key.strip_prefix(b"doc/"))?;
    let id = rest.split(|b| *b == b'/').next()?;
    std::str::from_utf8(id).ok().filter(|id| !id.is_empty())
}

fn cipher(key: &[u8; 32]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(key.into())
}

fn seal(key: &[u8; 32], aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, StoreError> {
    let nonce: [u8; NONCE_BYTES] = rand::random();
    let sealed = cipher(key)
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
        .map_err(|_| StoreError::io("sealing a value failed"))?;
    let mut out = Vec::with_capacity(1 + NONCE_BYTES + sealed.len());
    out.push(SEALED_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

fn open(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
    let corrupt = || StoreError::Corrupt("a sealed value does not open".into());
    if sealed.len() < 1 + NONCE_BYTES || sealed[0] != SEALED_V1 {
        return Err(corrupt());
    }
    let (nonce, body) = sealed[1..].split_at(NONCE_BYTES);
    cipher(key)
        .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad })
        .map_err(|_| corrupt())
}

/// A [`Store`] whose board values are sealed under per-board keys.
pub struct Sealed<S> {
    inner: S,
    file: PathBuf,
    /// Seals the board-keys file.
    master: [u8; 32],
    keys: Mutex<BTreeMap<String, [u8; 32]>>,
}

impl<S: Store> Sealed<S> {
    /// Wraps `inner`, with the board keys in `<data>/board-keys` sealed under
    /// `master`. With `older` (a data directory written before values were
    /// sealed) every value that does not open yet is sealed first, board by
    /// board, so a crash midway simply runs it again. Leftovers of a crash
    /// during an erasure are finished: values of boards without a key are
    /// deleted, keys of boards without a record destroyed.
    pub fn open(inner: S, data: &Path, master: [u8; 32], older: bool) -> Result<Self, StoreError> {
        let file = data.join(KEYS_FILE);
        let had_file = file.exists();
        let keys = read_keys(data, &master)?;
        let sealed = Self {
            inner,
            file,
            master,
            keys: Mutex::new(keys),
        };
        let boards: BTreeSet<String> = sealed
            .inner
            .scan_keys(b"board/")?
            .iter()
            .filter_map(|k| board_of(k).map(str::to_owned))
            .collect();
        if older {
            for board in &boards {
                sealed.seal_plain_values(board)?;
            }
        } else if !had_file && !boards.is_empty() {
            return Err(StoreError::Incompatible(format!(
                "{} is missing: the boards in this data directory cannot be read",
                sealed.file.display()
            )));
        }
        let mut leftovers = Vec::new();
        for board in boards
            .iter()
            .filter(|b| sealed.key_for(b, false).ok().flatten().is_none())
        {
            leftovers.push(BatchOp::Delete(format!("board/{board}").into_bytes()));
            for k in sealed.inner.scan_keys(format!("doc/{board}/").as_bytes())? {
                leftovers.push(BatchOp::Delete(k));
            }
        }
        if !leftovers.is_empty() {
            tracing::info!(
                keys = leftovers.len(),
                "deleting what an interrupted erasure left"
            );
            sealed.inner.apply(leftovers)?;
            sealed.inner.flush()?;
        }
        let mut keys = sealed.lock();
        let before = keys.len();
        keys.retain(|board, _| boards.contains(board));
        if keys.len() != before {
            sealed.save(&keys)?;
        }
        drop(keys);
        Ok(sealed)
    }

    /// Seals the values of `board` that do not open yet (written in plain by
    /// an older Tafel), then flushes. Returns how many.
    fn seal_plain_values(&self, board: &str) -> Result<usize, StoreError> {
        let board_key = self
            .key_for(board, true)?
            .ok_or_else(|| StoreError::io("a board key could not be made"))?;
        let mut ops = Vec::new();
        let record = format!("board/{board}").into_bytes();
        let mut entries = self.inner.scan_prefix(format!("doc/{board}/").as_bytes())?;
        if let Some(v) = self.inner.get(&record)? {
            entries.push((record, v));
        }
        for (key, value) in entries {
            if open(&board_key, &key, &value).is_err() {
                ops.push(BatchOp::Put(key.clone(), seal(&board_key, &key, &value)?));
            }
        }
        let n = ops.len();
        if n > 0 {
            self.inner.apply(ops)?;
            self.inner.flush()?;
        }
        Ok(n)
    }

    /// How many board keys exist.
    pub fn key_count(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, [u8; 32]>> {
        // Changes to the map are saved before they are made visible; a panic
        // mid-change leaves at worst a key the file does not have yet.
        self.keys.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The key of `board`; with `create`, made (and saved) when missing.
    fn key_for(&self, board: &str, create: bool) -> Result<Option<[u8; 32]>, StoreError> {
        let mut keys = self.lock();
        if let Some(k) = keys.get(board) {
            return Ok(Some(*k));
        }
        if !create {
            return Ok(None);
        }
        let key = crate::keys::random_key();
        keys.insert(board.to_owned(), key);
        if let Err(e) = self.save(&keys) {
            keys.remove(board);
            return Err(e);
        }
        Ok(Some(key))
    }

    /// Replaces the board-keys file with `keys`: written beside it, synced, and
    /// renamed over it, then the directory synced.
    fn save(&self, keys: &BTreeMap<String, [u8; 32]>) -> Result<(), StoreError> {
        use base64::Engine;
        let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
        let plain: BTreeMap<&str, String> = keys
            .iter()
            .map(|(board, key)| (board.as_str(), engine.encode(key)))
            .collect();
        let plain = serde_json::to_vec(&plain).map_err(StoreError::io)?;
        let sealed = seal(&self.master, KEYS_FILE_AAD, &plain)?;
        crate::secret::write_durably(&self.file, &sealed, 0o600).map_err(StoreError::io)
    }

    /// Seals a value for `key`. A board gets its key when its record is
    /// written (`may_create`); any other write to a board without a key is
    /// refused, so a write that raced the board's deletion cannot bring a key
    /// back for what was erased.
    fn seal_value(
        &self,
        key: &[u8],
        value: Vec<u8>,
        may_create: bool,
    ) -> Result<Vec<u8>, StoreError> {
        match board_of(key) {
            Some(board) => {
                let board_key = self.key_for(board, may_create)?.ok_or_else(|| {
                    StoreError::Corrupt(format!("a write to board {board}, which no longer exists"))
                })?;
                seal(&board_key, key, &value)
            }
            None => Ok(value),
        }
    }

    /// The plain value, or `None` when its board's key is gone (erased).
    fn open_value(&self, key: &[u8], value: Vec<u8>) -> Result<Option<Vec<u8>>, StoreError> {
        match board_of(key) {
            Some(board) => match self.key_for(board, false)? {
                Some(board_key) => open(&board_key, key, &value).map(Some),
                None => Ok(None),
            },
            None => Ok(Some(value)),
        }
    }
}

/// The board keys kept in `<data>/board-keys`, opened with `master` (none
/// when the file does not exist yet).
pub fn read_keys(data: &Path, master: &[u8; 32]) -> Result<BTreeMap<String, [u8; 32]>, StoreError> {
    let file = data.join(KEYS_FILE);
    match std::fs::read(&file) {
        Ok(bytes) => {
            let plain = open(master, KEYS_FILE_AAD, &bytes).map_err(|_| {
                StoreError::Incompatible(format!(
                    "{} does not open with this key directory: start the server with the \
                     key directory that belongs to this data (--keys)",
                    file.display()
                ))
            })?;
            serde_json::from_slice::<BTreeMap<String, String>>(&plain)
                .map_err(|e| StoreError::Corrupt(format!("board keys: {e}")))?
                .into_iter()
                .map(|(board, key)| Ok((board, decode_key(&key)?)))
                .collect()
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(StoreError::io(e)),
    }
}

/// The data directory's store: sled, with every board's values sealed under a
/// key of its own ([`crate::sealed`]) whose file is sealed under the key
/// directory's server key. An older data directory is sealed on first open.
pub fn open_data(
    data: &std::path::Path,
    keys: &std::path::Path,
) -> anyhow::Result<std::sync::Arc<dyn Store>> {
    // Read before sled opens: a new directory is written in this format at once.
    let older = crate::store::data_format(data).is_some_and(|v| v < 2);
    let sled = crate::store::SledStore::open(data)?;
    crate::keys::open_dir(keys, data)
        .with_context(|| format!("key directory {}", keys.display()))?;
    if has_keys_file(data) && !keys.join("server-key").exists() {
        anyhow::bail!(
            "{} has no server-key, but the boards in {} are sealed under one: start with the \
             key directory that belongs to this data (--keys)",
            keys.display(),
            data.display()
        );
    }
    let master = crate::keys::seal_key(keys).context("server key")?;
    let sealed = Sealed::open(sled, data, master, older)?;
    crate::store::mark_data_format(data)?;
    Ok(std::sync::Arc::new(sealed))
}

/// Whether `data` has a board-keys file (its boards are sealed).
pub fn has_keys_file(data: &Path) -> bool {
    data.join(KEYS_FILE).exists()
}

fn decode_key(text: &str) -> Result<[u8; 32], StoreError> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| StoreError::Corrupt("a board key is malformed".into()))
}

impl<S: Store> Store for Sealed<S> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.inner.get(key)? {
            Some(v) => self.open_value(key, v),
            None => Ok(None),
        }
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StoreError> {
        let mut out = Vec::new();
        for (k, v) in self.inner.scan_prefix(prefix)? {
            if let Some(v) = self.open_value(&k, v)? {
                out.push((k, v));
            }
        }
        Ok(out)
    }

    fn scan_keys(&self, prefix: &[u8]) -> Result<Vec<Vec<u8>>, StoreError> {
        // Keys are not sealed (they name boards and numbers, never content).
        self.inner.scan_keys(prefix)
    }

    fn apply(&self, ops: Vec<BatchOp>) -> Result<(), StoreError> {
        // Boards whose record this batch writes: they may get a key now.
        let records: BTreeSet<String> = ops
            .iter()
            .filter_map(|op| match op {
                BatchOp::Put(k, _) if k.starts_with(b"board/") => board_of(k).map(str::to_owned),
                _ => None,
            })
            .collect();
        let ops = ops
            .into_iter()
            .map(|op| match op {
                BatchOp::Put(k, v) => {
                    let may_create = board_of(&k).is_some_and(|b| records.contains(b));
                    let v = self.seal_value(&k, v, may_create)?;
                    Ok(BatchOp::Put(k, v))
                }
                BatchOp::PutPrepared(p) => {
                    // Sealed by `prepare`; but not for a board erased since.
                    if let Some(board) = board_of(p.key()) {
                        self.key_for(board, false)?.ok_or_else(|| {
                            StoreError::Corrupt(format!(
                                "a write to board {board}, which no longer exists"
                            ))
                        })?;
                    }
                    Ok(BatchOp::PutPrepared(p))
                }
                delete => Ok(delete),
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        self.inner.apply(ops)
    }

    fn prepare(&self, key: &[u8], value: Vec<u8>) -> Result<PreparedValue, StoreError> {
        // Sealed on the caller's thread too: 29 MB take the cipher a while.
        let sealed = self.seal_value(key, value, false)?;
        self.inner.prepare(key, sealed)
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.inner.flush()
    }

    fn compare_and_swap(
        &self,
        key: &[u8],
        expected: Option<&[u8]>,
        new: Vec<u8>,
    ) -> Result<bool, StoreError> {
        // Sealed bytes differ on every write: compare the plain values, then
        // swap against the sealed bytes that were read.
        let stored = self.inner.get(key)?;
        let plain = match &stored {
            Some(v) => self.open_value(key, v.clone())?,
            None => None,
        };
        if plain.as_deref() != expected {
            return Ok(false);
        }
        if stored.is_some() && plain.is_none() {
            // An erased board's leftover: never written to again.
            return Ok(false);
        }
        let new = self.seal_value(key, new, key.starts_with(b"board/"))?;
        self.inner.compare_and_swap(key, stored.as_deref(), new)
    }

    fn erase(&self, board: &str) -> Result<(), StoreError> {
        self.inner.erase(board)?;
        // The deletions first: a key destroyed before them would leave values
        // nothing can read nor tell apart (a restart deletes such leftovers).
        self.inner.flush()?;
        let mut keys = self.lock();
        if keys.remove(board).is_some() {
            self.save(&keys)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;
    use std::sync::Arc;

    const BOARD: &str = "aaaaaaaaaaaaaaaaaaaaaa";

    #[test]
    fn sealed_sled_passes_the_store_contract() {
        let dir = tempfile::tempdir().unwrap();
        let sled = crate::store::SledStore::open(dir.path()).unwrap();
        crate::store::contract::run(&Sealed::open(sled, dir.path(), [9; 32], false).unwrap());
    }

    #[test]
    fn board_keys_are_recognised() {
        assert_eq!(board_of(format!("board/{BOARD}").as_bytes()), Some(BOARD));
        assert_eq!(
            board_of(format!("doc/{BOARD}/content/log/x").as_bytes()),
            Some(BOARD)
        );
        assert_eq!(board_of(b"operator"), None);
        assert_eq!(board_of(b"history-total"), None);
    }

    #[test]
    fn values_are_sealed_under_keys_that_erasure_destroys() {
        let dir = tempfile::tempdir().unwrap();
        let inner = Arc::new(MemoryStore::default());
        let store = Sealed::open(Arc::clone(&inner), dir.path(), [3; 32], false).unwrap();
        let key = format!("doc/{BOARD}/content/snapshot").into_bytes();
        store
            .apply(vec![
                BatchOp::Put(key.clone(), b"Geheimes Ziel".to_vec()),
                BatchOp::Put(format!("board/{BOARD}").into_bytes(), b"{}".to_vec()),
                BatchOp::Put(b"operator".to_vec(), b"hash".to_vec()),
            ])
            .unwrap();
        assert_eq!(store.get(&key).unwrap().unwrap(), b"Geheimes Ziel");
        let raw = inner.get(&key).unwrap().unwrap();
        assert!(!raw.windows(7).any(|w| w == b"Geheime"), "sealed below");
        assert_eq!(inner.get(b"operator").unwrap().unwrap(), b"hash");
        let file = std::fs::read(dir.path().join(KEYS_FILE)).unwrap();

        // Reopened with the same master key: the same values.
        let again = Sealed::open(Arc::clone(&inner), dir.path(), [3; 32], false).unwrap();
        assert_eq!(again.get(&key).unwrap().unwrap(), b"Geheimes Ziel");
        // A value moved to another key does not open.
        let other = format!("doc/{BOARD}/content/other").into_bytes();
        inner.apply(vec![BatchOp::Put(other.clone(), raw)]).unwrap();
        assert!(again.get(&other).is_err());
        // With another master key, the keys file is refused.
        assert!(Sealed::open(Arc::clone(&inner), dir.path(), [4; 32], false).is_err());

        again.erase(BOARD).unwrap();
        assert_eq!(again.key_count(), 0);
        let after = std::fs::read(dir.path().join(KEYS_FILE)).unwrap();
        assert_ne!(after, file);
        // Whatever bytes are left in the store no longer open.
        assert_eq!(again.get(&key).unwrap(), None);
        // The compare-and-swap of a plain value still works.
        assert!(again
            .compare_and_swap(b"operator", Some(b"hash"), b"new".to_vec())
            .unwrap());
    }

    #[test]
    fn an_older_directory_is_sealed_board_by_board_and_a_rerun_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let inner = Arc::new(MemoryStore::default());
        let record = format!("board/{BOARD}").into_bytes();
        let snap = format!("doc/{BOARD}/content/snapshot").into_bytes();
        inner
            .apply(vec![
                BatchOp::Put(record.clone(), b"{\"title\":\"Alt\"}".to_vec()),
                BatchOp::Put(snap.clone(), b"Klartext".to_vec()),
            ])
            .unwrap();
        // Without the older flag, plain boards and no keys file: refused.
        assert!(Sealed::open(Arc::clone(&inner), dir.path(), [3; 32], false).is_err());
        let store = Sealed::open(Arc::clone(&inner), dir.path(), [3; 32], true).unwrap();
        assert_eq!(store.get(&snap).unwrap().unwrap(), b"Klartext");
        let raw = inner.get(&snap).unwrap().unwrap();
        assert!(!raw.windows(8).any(|w| w == b"Klartext"));
        // Interrupted and run again: what is sealed stays as it is.
        let again = Sealed::open(Arc::clone(&inner), dir.path(), [3; 32], true).unwrap();
        assert_eq!(inner.get(&snap).unwrap().unwrap(), raw);
        assert_eq!(again.get(&record).unwrap().unwrap(), b"{\"title\":\"Alt\"}");
    }

    #[test]
    fn writes_to_a_board_without_a_key_are_refused_and_leftovers_deleted_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let inner = Arc::new(MemoryStore::default());
        let store = Sealed::open(Arc::clone(&inner), dir.path(), [3; 32], false).unwrap();
        let record = format!("board/{BOARD}").into_bytes();
        let file = format!("doc/{BOARD}/files/x").into_bytes();
        // A picture for a board that does not exist (deleted meanwhile).
        assert!(store
            .apply(vec![BatchOp::Put(file.clone(), b"png".to_vec())])
            .is_err());
        assert_eq!(store.key_count(), 0, "no key brought back");
        store
            .apply(vec![
                BatchOp::Put(record.clone(), b"{}".to_vec()),
                BatchOp::Put(file.clone(), b"png".to_vec()),
            ])
            .unwrap();
        // A crash after the key was destroyed, before the deletions landed.
        store.lock().clear();
        let keys = store.lock().clone();
        store.save(&keys).unwrap();
        let reopened = Sealed::open(Arc::clone(&inner), dir.path(), [3; 32], false).unwrap();
        assert_eq!(reopened.key_count(), 0);
        assert!(inner.get(&record).unwrap().is_none(), "leftovers deleted");
        assert!(inner.get(&file).unwrap().is_none());
    }

    #[test]
    fn keys_of_boards_no_longer_stored_are_destroyed_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let inner = Arc::new(MemoryStore::default());
        let store = Sealed::open(Arc::clone(&inner), dir.path(), [3; 32], false).unwrap();
        let record = format!("board/{BOARD}").into_bytes();
        store
            .apply(vec![BatchOp::Put(record.clone(), b"{}".to_vec())])
            .unwrap();
        // A crash after the board's values were deleted, before its key was.
        inner.apply(vec![BatchOp::Delete(record)]).unwrap();
        let reopened = Sealed::open(Arc::clone(&inner), dir.path(), [3; 32], false).unwrap();
        assert_eq!(reopened.key_count(), 0);
    }
}
