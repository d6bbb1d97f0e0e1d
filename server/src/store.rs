//! The storage seam: an ordered key-value store with atomic batches and an explicit
//! flush. [`SledStore`] is the embedded default; [`MemoryStore`] serves unit tests
//! and can be told to fail, standing in for a full disk. Both pass the same contract
//! suite (`tests` below). What the keys mean lives in [`crate::storage`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use thiserror::Error;

use crate::value_files::ValueFiles;

/// A failure of the underlying store. Never shown to clients in detail.
#[derive(Debug, Error)]
pub enum StoreError {
    /// Reading or writing failed (disk full, read-only, I/O error); keeps the
    /// underlying error as its source.
    #[error("store I/O failed: {0}")]
    Io(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
    /// The data directory was written by a newer Tafel, or is not Tafel's.
    #[error("{0}")]
    Incompatible(String),
    /// Another process (or a store still open in this one) holds the directory.
    #[error("{0}")]
    InUse(String),
    /// A stored value does not decode.
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// An I/O failure from any error (or message).
    pub fn io(e: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        StoreError::Io(e.into())
    }
}

/// Key-value pairs in key order, as a prefix scan returns them.
pub type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// One change in an atomic batch.
#[derive(Debug)]
pub enum BatchOp {
    /// Set a key.
    Put(Vec<u8>, Vec<u8>),
    /// Remove a key (no error when absent).
    Delete(Vec<u8>),
    /// Set a key to a value written ahead ([`Store::prepare`]).
    PutPrepared(PreparedValue),
}

/// A key and its new value (`None`: removed).
pub type Change = (Vec<u8>, Option<Vec<u8>>);

/// A batch as key and new value (`None`: removed) for a store that writes
/// nothing ahead; an error, before anything changes, if another store wrote a
/// value of it ahead.
pub fn plain_changes(ops: Vec<BatchOp>) -> Result<Vec<Change>, StoreError> {
    ops.into_iter()
        .map(|op| match op {
            BatchOp::Put(k, v) => Ok((k, Some(v))),
            BatchOp::Delete(k) => Ok((k, None)),
            BatchOp::PutPrepared(p) => p.into_put().map(|(k, v)| (k, Some(v))),
        })
        .collect()
}

/// A value for one key, written ahead of the batch that sets it
/// ([`Store::prepare`]); set it with [`BatchOp::PutPrepared`] in a batch of
/// the store that prepared it. Dropped unused, it leaves nothing behind.
#[derive(Debug)]
pub struct PreparedValue {
    key: Vec<u8>,
    held: Held,
}

#[derive(Debug)]
enum Held {
    /// Nothing was written ahead: the batch writes the value.
    Value(Vec<u8>),
    /// Written into a file of its own ([`SledStore`]).
    File(crate::value_files::WrittenValue),
}

impl PreparedValue {
    /// A value the store writes with the batch, as a [`BatchOp::Put`].
    fn unwritten(key: Vec<u8>, value: Vec<u8>) -> Self {
        Self {
            key,
            held: Held::Value(value),
        }
    }

    /// The key it is for.
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// The value's length in bytes.
    pub fn len(&self) -> usize {
        match &self.held {
            Held::Value(v) => v.len(),
            Held::File(f) => f.byte_len() as usize,
        }
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The key and value to put, for a store that writes nothing ahead; an
    /// error for a value another store wrote ahead.
    pub fn into_put(self) -> Result<(Vec<u8>, Vec<u8>), StoreError> {
        match self.held {
            Held::Value(v) => Ok((self.key, v)),
            Held::File(_) => Err(StoreError::io(
                "a value written ahead by another store was put into this one",
            )),
        }
    }
}

/// An ordered key-value store.
pub trait Store: Send + Sync + 'static {
    /// The value of `key`.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    /// Every entry whose key starts with `prefix`, in key order.
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StoreError>;
    /// The keys [`Store::scan_prefix`] would return, without their values (no
    /// copy, no decryption: deleting a log or listing history costs no reads
    /// of what it holds).
    fn scan_keys(&self, prefix: &[u8]) -> Result<Vec<Vec<u8>>, StoreError> {
        Ok(self
            .scan_prefix(prefix)?
            .into_iter()
            .map(|(k, _)| k)
            .collect())
    }
    /// Applies all of `ops` or none of them.
    fn apply(&self, ops: Vec<BatchOp>) -> Result<(), StoreError>;
    /// Writes `value` for `key` ahead of the batch that will set it
    /// ([`BatchOp::PutPrepared`]), and makes it durable, on the caller's thread:
    /// so the batch, the writer's work and its flush stay small however large
    /// the value. A store that gains nothing by it (the default) keeps the value
    /// for the batch to write.
    fn prepare(&self, key: &[u8], value: Vec<u8>) -> Result<PreparedValue, StoreError> {
        Ok(PreparedValue::unwritten(key.to_vec(), value))
    }
    /// Returns once everything applied so far survives a crash.
    fn flush(&self) -> Result<(), StoreError>;
    /// Sets `key` to `new` only if it holds `expected` now (`None`: absent), as one
    /// atomic step. `Ok(false)` when the value was something else: another writer
    /// got there first, and the caller reads again and retries.
    fn compare_and_swap(
        &self,
        key: &[u8],
        expected: Option<&[u8]>,
        new: Vec<u8>,
    ) -> Result<bool, StoreError>;
    /// [`Store::compare_and_swap`] for each `(key, expected, new)` (distinct
    /// keys, each expected to be present), each swap on its own (one that fails leaves the others); whether each was made.
    /// A store that can do them in one round trip does (a node's leases are
    /// renewed together every second).
    fn compare_and_swap_each(
        &self,
        swaps: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)>,
    ) -> Result<Vec<bool>, StoreError> {
        swaps
            .into_iter()
            .map(|(key, expected, new)| self.compare_and_swap(&key, Some(&expected), new))
            .collect()
    }
    /// After a board's values were deleted: makes whatever bytes of them the
    /// store still keeps unreadable (see [`crate::sealed`]). Nothing to do for
    /// a store that keeps no old bytes.
    fn erase(&self, board: &str) -> Result<(), StoreError> {
        let _ = board;
        Ok(())
    }
}

impl<S: Store + ?Sized> Store for std::sync::Arc<S> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        (**self).get(key)
    }
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StoreError> {
        (**self).scan_prefix(prefix)
    }
    fn scan_keys(&self, prefix: &[u8]) -> Result<Vec<Vec<u8>>, StoreError> {
        (**self).scan_keys(prefix)
    }
    fn apply(&self, ops: Vec<BatchOp>) -> Result<(), StoreError> {
        (**self).apply(ops)
    }
    fn prepare(&self, key: &[u8], value: Vec<u8>) -> Result<PreparedValue, StoreError> {
        (**self).prepare(key, value)
    }
    fn flush(&self) -> Result<(), StoreError> {
        (**self).flush()
    }
    fn compare_and_swap(
        &self,
        key: &[u8],
        expected: Option<&[u8]>,
        new: Vec<u8>,
    ) -> Result<bool, StoreError> {
        (**self).compare_and_swap(key, expected, new)
    }
    fn compare_and_swap_each(
        &self,
        swaps: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)>,
    ) -> Result<Vec<bool>, StoreError> {
        (**self).compare_and_swap_each(swaps)
    }
    fn erase(&self, board: &str) -> Result<(), StoreError> {
        (**self).erase(board)
    }
}

/// The embedded default: sled, in `<data dir>/db`.
///
/// A value longer than [`INLINE_MAX`] (snapshots, history versions, pictures,
/// large updates) is kept in chunks in a tree of its own. sled keeps up to 16
/// keys in one node and writes the whole node again after every tenth change
/// to it: a 29 MB snapshot next to its document's log was written again every
/// few updates (hundreds of MB a second, each file synced; BENCHMARKS.md,
/// "Compaction of a large document"). In their own tree, the chunks are
/// written when a large value changes, and only then. A batch that touches
/// both trees is one sled transaction, as atomic as a batch.
///
/// A value written ahead ([`Store::prepare`]) from [`FILE_MIN`] bytes on lives in
/// a file of its own ([`crate::value_files`]), and a third tree points to it.
pub struct SledStore {
    db: sled::Db,
    /// The chunks of large values, under `key ++ chunk index`.
    large: sled::Tree,
    /// Pointers to values written ahead into files of their own, by key.
    file_values: sled::Tree,
    value_files: ValueFiles,
    files: SledFiles,
    /// Written by every change, read by every read: a batch reads which chunks
    /// its keys have, and no other batch may change them before it is applied;
    /// and a read joins a large value from several keys (and two trees), which
    /// a batch applied in between would tear.
    writing: std::sync::RwLock<()>,
}

/// Values longer than this are kept apart from the small ones, in chunks
/// (see [`SledStore`]).
const INLINE_MAX: usize = 16 << 10;
/// The size of one chunk of a large value.
const CHUNK_LEN: usize = 256 << 10;
/// The name of the tree of large values' chunks.
const LARGE_TREE: &[u8] = b"large-values";
/// The name of the tree of pointers to value files.
const FILE_VALUES_TREE: &[u8] = b"file-values";
/// From this size on, a value written ahead gets a file of its own; below it,
/// the file's syncs would cost more than the writer's copy it saves.
const FILE_MIN: usize = 1 << 20;
/// Reads of a value file that a batch replaced meanwhile before a read gives up.
const READ_ATTEMPTS: usize = 100;

/// Where a key's value is, as one consistent look at the trees finds it.
enum Found {
    Value(Vec<u8>),
    /// In value file `.0`, of `.1` bytes.
    File(u64, u64),
    Absent,
}

/// A value as a batch sets it.
enum Incoming {
    Value(Vec<u8>),
    File(crate::value_files::WrittenValue),
    Absent,
}

/// Which value file a key names while a batch is built.
#[derive(Clone, Copy)]
enum FileRef {
    /// One a committed batch named.
    Stored(u64),
    /// One this batch writes: its place in the batch's list.
    New(usize),
}

/// The key of chunk `index` of the large value at `key`.
fn chunk_key(key: &[u8], index: u32) -> Vec<u8> {
    [key, &index.to_be_bytes()].concat()
}

/// The value's key and the chunk's index, from a chunk's key.
fn split_chunk_key(chunk: &[u8]) -> Option<(&[u8], u32)> {
    let (key, index) = chunk.split_at_checked(chunk.len().checked_sub(4)?)?;
    Some((key, u32::from_be_bytes(index.try_into().ok()?)))
}

/// What sled leaves unsynced, synced after each of its flushes.
///
/// sled 0.34 makes its log stable with `sync_file_range`, which neither
/// flushes the disk's write cache nor records that the file grew; and it
/// writes a value too large for its log (over about 128 KiB: snapshots,
/// history versions, pictures) into a file of its own under `blobs/`, which
/// it never syncs at all (seen with `strace -e fsync,fdatasync,sync_file_range`).
/// Only the operating system's crash would lose those writes, never the
/// process's, but "durable" has to mean the disk. So every flush ends with
/// `fdatasync` of the log, and new blob files (and their directory) are synced
/// before a flush counts.
struct SledFiles {
    log: std::fs::File,
    blobs_dir: PathBuf,
    blobs: Mutex<BlobSync>,
}

/// Blob files already synced, and the ones synced at the last flush: a file
/// that was still being written then (its place in sled's log beyond what
/// that flush made stable) is complete by the next flush, so it is synced
/// once more.
#[derive(Default)]
struct BlobSync {
    synced: std::collections::HashSet<std::ffi::OsString>,
    recent: Vec<PathBuf>,
    /// The directory's modification time at the last listing, if it was
    /// already well in the past then (so a later change cannot share it).
    settled: Option<std::time::SystemTime>,
}

/// How far in the past a directory's modification time must lie for an
/// unchanged time to prove that nothing was added since: file systems keep
/// these times with the kernel's coarse clock (a few milliseconds).
const MTIME_GRANULARITY: std::time::Duration = std::time::Duration::from_millis(100);

impl SledFiles {
    fn sync(&self) -> Result<(), StoreError> {
        self.sync_blobs()?;
        self.log.sync_data().map_err(io)
    }

    fn sync_blobs(&self) -> Result<(), StoreError> {
        let mut state = self.blobs.lock().unwrap_or_else(|p| p.into_inner());
        let modified = match std::fs::metadata(&self.blobs_dir) {
            Ok(m) => m.modified().ok(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(e)),
        };
        // Listing a directory of thousands of files on every group commit
        // would cost more than the flush: skip it while nothing was added.
        if state.recent.is_empty() && modified.is_some() && modified == state.settled {
            return Ok(());
        }
        state.settled = modified.filter(|m| m.elapsed().is_ok_and(|age| age > MTIME_GRANULARITY));
        let mut to_sync = std::mem::take(&mut state.recent);
        let entries = match std::fs::read_dir(&self.blobs_dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(e)),
        };
        let mut present = std::collections::HashSet::new();
        let mut new = Vec::new();
        for entry in entries {
            let name = entry.map_err(io)?.file_name();
            if !state.synced.contains(&name) {
                new.push(self.blobs_dir.join(&name));
            }
            present.insert(name);
        }
        // Files sled removed are forgotten; new ones are synced now and
        // again at the next flush.
        state.synced = present;
        to_sync.extend(new.iter().cloned());
        for path in &to_sync {
            match std::fs::File::open(path) {
                Ok(f) => f.sync_all().map_err(io)?,
                // Replaced or removed by sled meanwhile: nothing to keep.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(e)),
            }
        }
        if !new.is_empty() {
            sync_dir(&self.blobs_dir)?;
        }
        state.recent = new;
        Ok(())
    }
}

/// The data format this build writes. A directory with a larger number was written
/// by a newer Tafel and is refused untouched. 2: board values sealed
/// ([`crate::sealed`]); 3: large values in chunks apart ([`SledStore`]), which
/// format 2 would not see; 4: values written ahead in files of their own
/// ([`crate::value_files`]), which format 3 would not see.
pub const DATA_FORMAT_VERSION: u32 = 4;
const FORMAT_FILE: &str = "FORMAT";
/// `FORMAT` while it is written; renamed over it once synced.
const FORMAT_PARTIAL: &str = "FORMAT.partial";
const FORMAT_PREFIX: &str = "tafel-data-format ";
/// Present while large values of a format-2 (or older) directory are being
/// moved into their own tree.
const MOVING_FILE: &str = "MOVING-LARGE-VALUES";

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io)
}

fn io(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Io(Box::new(e))
}

/// A file a pointer names is gone, and the pointer was not replaced: files
/// go only after the batch that replaced their pointer, so this one was lost.
fn missing_file(id: u64) -> StoreError {
    StoreError::Corrupt(format!("value file {id:016x} is missing"))
}

/// A value file's error: corrupt if what it read is not what it should be.
fn from_files(e: std::io::Error) -> StoreError {
    if e.kind() == std::io::ErrorKind::InvalidData {
        StoreError::Corrupt(e.to_string())
    } else {
        io(e)
    }
}

/// The format version `dir`'s `FORMAT` file names, if it has one.
pub fn data_format(dir: &Path) -> Option<u32> {
    std::fs::read_to_string(dir.join(FORMAT_FILE))
        .ok()?
        .trim()
        .strip_prefix(FORMAT_PREFIX)?
        .parse()
        .ok()
}

/// Marks `dir` as written in this build's format (after an older one was
/// brought up to it).
pub fn mark_data_format(dir: &Path) -> Result<(), StoreError> {
    write_format(dir)
}

/// Writes `FORMAT` whole or not at all: a crash while a directory is brought
/// up to this format must not leave an empty or half-written file, which the
/// next start would refuse as "not a Tafel data directory".
fn write_format(dir: &Path) -> Result<(), StoreError> {
    let partial = dir.join(FORMAT_PARTIAL);
    let mut file = std::fs::File::create(&partial).map_err(io)?;
    std::io::Write::write_all(
        &mut file,
        format!("{FORMAT_PREFIX}{DATA_FORMAT_VERSION}\n").as_bytes(),
    )
    .map_err(io)?;
    file.sync_all().map_err(io)?;
    std::fs::rename(&partial, dir.join(FORMAT_FILE)).map_err(io)?;
    sync_dir(dir)
}

/// Checks (or, for a new directory, writes) the data directory's format version.
/// Runs before sled opens anything, so a directory it refuses stays untouched.
pub fn check_data_dir(dir: &Path) -> Result<(), StoreError> {
    let format_path = dir.join(FORMAT_FILE);
    match std::fs::read_to_string(&format_path) {
        Ok(text) => {
            let version = text
                .trim()
                .strip_prefix(FORMAT_PREFIX)
                .and_then(|v| v.parse::<u32>().ok())
                .ok_or_else(|| {
                    StoreError::Incompatible(format!(
                        "{} does not name a Tafel data format; refusing to use {}",
                        format_path.display(),
                        dir.display()
                    ))
                })?;
            if version > DATA_FORMAT_VERSION {
                return Err(StoreError::Incompatible(format!(
                    "{} holds data format {version}, written by a newer Tafel; this build \
                     understands format {DATA_FORMAT_VERSION} and leaves it untouched",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A crash while a new directory was marked leaves only the
            // partial file: still a new directory.
            let empty = match std::fs::read_dir(dir) {
                Ok(entries) => entries
                    .filter_map(Result::ok)
                    .all(|e| e.file_name() == FORMAT_PARTIAL),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
                Err(e) => return Err(io(e)),
            };
            if !empty {
                return Err(StoreError::Incompatible(format!(
                    "{} is not empty and has no {FORMAT_FILE} file: not a Tafel data \
                     directory, refusing to write into it",
                    dir.display()
                )));
            }
            std::fs::create_dir_all(dir).map_err(io)?;
            write_format(dir)
        }
        Err(e) => Err(io(e)),
    }
}

/// How long an open waits for sled's file lock. A store dropped in this process
/// can keep it a moment longer, while sled's own threads finish their last
/// write; another process keeps it for as long as it runs.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

fn open_sled(path: &Path) -> Result<sled::Db, StoreError> {
    let config = sled::Config::new()
        .path(path)
        // Flushes are ours to schedule (group commit); sled's own timer would
        // only add unsynchronised writes.
        .flush_every_ms(None);
    let started = std::time::Instant::now();
    loop {
        match config.open() {
            Ok(db) => return Ok(db),
            Err(e) if e.to_string().contains("could not acquire lock") => {
                if started.elapsed() >= LOCK_WAIT {
                    return Err(StoreError::InUse(format!(
                        "{} is in use by another process (is another Tafel running on \
                         this data directory?)",
                        path.display()
                    )));
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(io(e)),
        }
    }
}

impl SledStore {
    /// Opens (or creates) the store in a data directory, after checking its format.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let format = data_format(dir);
        check_data_dir(dir)?;
        let moving = dir.join(MOVING_FILE);
        if format.is_some_and(|v| v < 3) {
            // Marked before the first value moves: a move cut short is taken up
            // again at the next start, and (from format 2, whose later steps are
            // done) a build that would not see the chunks refuses the directory.
            std::fs::write(&moving, b"").map_err(io)?;
            if format == Some(2) {
                mark_data_format(dir)?;
            }
            sync_dir(dir)?;
        } else if format.is_some_and(|v| v < DATA_FORMAT_VERSION) {
            // Format 3 is format 4 without value files: before the first one
            // is written, a build that would not see them is told to refuse.
            mark_data_format(dir)?;
            sync_dir(dir)?;
        }
        let inline_large_values = moving.exists();
        let path: PathBuf = dir.join("db");
        let db = open_sled(&path)?;
        let files = SledFiles {
            log: std::fs::File::open(path.join("db")).map_err(io)?,
            blobs_dir: path.join("blobs"),
            blobs: Mutex::new(BlobSync::default()),
        };
        let large = db.open_tree(LARGE_TREE).map_err(io)?;
        let file_values = db.open_tree(FILE_VALUES_TREE).map_err(io)?;
        let store = Self {
            db,
            large,
            file_values,
            value_files: ValueFiles::open(&dir.join("values")).map_err(from_files)?,
            files,
            writing: std::sync::RwLock::new(()),
        };
        if inline_large_values {
            store.move_large_values_apart()?;
            std::fs::remove_file(&moving).map_err(io)?;
            sync_dir(dir)?;
        }
        store.remove_unnamed_value_files()?;
        Ok(store)
    }

    /// Value files written for a batch that never came (or replaced before a
    /// crash) are removed before anything else writes.
    fn remove_unnamed_value_files(&self) -> Result<(), StoreError> {
        let mut named = std::collections::HashSet::new();
        for pointer in self.file_values.iter().values() {
            named.insert(
                crate::value_files::parse_pointer(&pointer.map_err(io)?)
                    .map_err(from_files)?
                    .0,
            );
        }
        let removed = self
            .value_files
            .remove_unreferenced(&named)
            .map_err(from_files)?;
        if removed > 0 {
            tracing::info!(files = removed, "removed value files no batch names");
        }
        Ok(())
    }

    /// Format 2 kept large values among the small ones: each is written again
    /// in chunks, one batch per value, so an interrupted move leaves every
    /// value readable where it is.
    fn move_large_values_apart(&self) -> Result<(), StoreError> {
        let mut large = Vec::new();
        for entry in self.db.iter() {
            let (key, value) = entry.map_err(io)?;
            if value.len() > INLINE_MAX {
                large.push(key);
            }
        }
        let moved = large.len();
        for key in large {
            if let Some(value) = self.db.get(&key).map_err(io)? {
                self.apply(vec![BatchOp::Put(key.to_vec(), value.to_vec())])?;
            }
        }
        if moved > 0 {
            self.flush()?;
            tracing::info!(
                values = moved,
                "large values moved apart from the small ones"
            );
        }
        Ok(())
    }

    /// How many chunks the value at `key` is stored in (0: it is small or absent).
    fn chunk_count(&self, key: &[u8]) -> Result<u32, StoreError> {
        let mut count = 0;
        while self.large.contains_key(chunk_key(key, count)).map_err(io)? {
            count += 1;
        }
        Ok(count)
    }

    /// The large value at `key`, joined from its chunks.
    fn joined(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let mut value = Vec::new();
        let mut index = 0;
        while let Some(chunk) = self.large.get(chunk_key(key, index)).map_err(io)? {
            value.extend_from_slice(&chunk);
            index += 1;
        }
        Ok((index > 0).then_some(value))
    }

    /// The large values whose keys start with `prefix`, joined, in key order.
    fn large_values(&self, prefix: &[u8]) -> Result<BTreeMap<Vec<u8>, Vec<u8>>, StoreError> {
        let mut values: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for entry in self.large.scan_prefix(prefix) {
            let (chunk_key, chunk) = entry.map_err(io)?;
            let (key, _) = split_chunk_key(&chunk_key)
                .ok_or_else(|| StoreError::Corrupt("a chunk key is malformed".into()))?;
            // The prefix may end inside the chunk index of a key it does not start.
            if !key.starts_with(prefix) {
                continue;
            }
            // A key's chunks come in index order, whatever lies between them.
            values
                .entry(key.to_vec())
                .or_default()
                .extend_from_slice(&chunk);
        }
        Ok(values)
    }

    /// The value file `key` names in the store, if any.
    fn stored_file(&self, key: &[u8]) -> Result<Option<FileRef>, StoreError> {
        self.file_values
            .get(key)
            .map_err(io)?
            .map(|p| {
                crate::value_files::parse_pointer(&p)
                    .map(|(id, _)| FileRef::Stored(id))
                    .map_err(from_files)
            })
            .transpose()
    }

    /// [`Store::apply`], with `writing` held.
    fn apply_holding_the_write_lock(&self, ops: Vec<BatchOp>) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        let mut chunk_batch = sled::Batch::default();
        let mut pointer_batch = sled::Batch::default();
        let mut touches_large = false;
        // Chunks per key as the batch leaves them so far.
        let mut chunks: std::collections::HashMap<Vec<u8>, u32> = Default::default();
        // The value file each key names as the batch leaves it so far.
        let mut files: std::collections::HashMap<Vec<u8>, Option<FileRef>> = Default::default();
        // Files this batch names; one it replaces again is dropped (removed).
        let mut written: Vec<Option<crate::value_files::WrittenValue>> = Vec::new();
        // Files of committed batches this one replaces.
        let mut replaced = Vec::new();
        for op in ops {
            let (key, value) = match op {
                BatchOp::Put(k, v) => (k, Incoming::Value(v)),
                BatchOp::Delete(k) => (k, Incoming::Absent),
                BatchOp::PutPrepared(PreparedValue { key, held }) => match held {
                    Held::Value(v) => (key, Incoming::Value(v)),
                    Held::File(f) => (key, Incoming::File(f)),
                },
            };
            let had = match chunks.get(&key) {
                Some(&count) => count,
                None => self.chunk_count(&key)?,
            };
            let had_file = match files.get(&key) {
                Some(&file) => file,
                None => self.stored_file(&key)?,
            };
            let (now, now_file) = match value {
                Incoming::Value(value) if value.len() > INLINE_MAX => {
                    batch.remove(key.as_slice());
                    let mut count = 0;
                    for part in value.chunks(CHUNK_LEN) {
                        chunk_batch.insert(chunk_key(&key, count), part);
                        count += 1;
                    }
                    (count, None)
                }
                Incoming::Value(value) => {
                    batch.insert(key.as_slice(), value);
                    (0, None)
                }
                Incoming::Absent => {
                    batch.remove(key.as_slice());
                    (0, None)
                }
                Incoming::File(file) => {
                    batch.remove(key.as_slice());
                    pointer_batch.insert(key.as_slice(), &file.pointer());
                    written.push(Some(file));
                    (0, Some(FileRef::New(written.len() - 1)))
                }
            };
            for stale in now..had {
                chunk_batch.remove(chunk_key(&key, stale));
            }
            match had_file {
                Some(FileRef::Stored(id)) => replaced.push(id),
                Some(FileRef::New(at)) => drop(written[at].take()),
                None => {}
            }
            if had_file.is_some() && now_file.is_none() {
                pointer_batch.remove(key.as_slice());
            }
            touches_large |= now > 0 || had > 0 || had_file.is_some() || now_file.is_some();
            chunks.insert(key.clone(), now);
            files.insert(key, now_file);
        }
        if !touches_large {
            return self.db.apply_batch(batch).map_err(io);
        }
        use sled::transaction::{TransactionError, Transactional};
        (&*self.db, &self.large, &self.file_values)
            .transaction(|(small, large, pointers)| {
                small.apply_batch(&batch)?;
                large.apply_batch(&chunk_batch)?;
                pointers.apply_batch(&pointer_batch)?;
                Ok(())
            })
            .map_err(|e: TransactionError<()>| match e {
                TransactionError::Storage(e) => io(e),
                TransactionError::Abort(()) => StoreError::io("a batch was aborted"),
            })?;
        for file in written.into_iter().flatten() {
            file.keep();
        }
        for id in replaced {
            self.value_files.doom(id);
        }
        Ok(())
    }
}

/// `a` and `b`, each in key order, as one list in key order.
fn merged<T>(
    mut a: Vec<(Vec<u8>, T)>,
    b: impl IntoIterator<Item = (Vec<u8>, T)>,
) -> Vec<(Vec<u8>, T)> {
    a.extend(b);
    a.sort_by(|x, y| x.0.cmp(&y.0));
    a
}

impl SledStore {
    fn reading(&self) -> std::sync::RwLockReadGuard<'_, ()> {
        // Nothing is changed under the lock itself, so a poisoned one is still sound.
        self.writing.read().unwrap_or_else(|p| p.into_inner())
    }

    fn changing(&self) -> std::sync::RwLockWriteGuard<'_, ()> {
        self.writing.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Where `key`'s value is, with `writing` held.
    fn find_holding_a_lock(&self, key: &[u8]) -> Result<Found, StoreError> {
        if let Some(value) = self.db.get(key).map_err(io)? {
            return Ok(Found::Value(value.to_vec()));
        }
        if let Some(pointer) = self.file_values.get(key).map_err(io)? {
            let (id, len) = crate::value_files::parse_pointer(&pointer).map_err(from_files)?;
            return Ok(Found::File(id, len));
        }
        Ok(match self.joined(key)? {
            Some(value) => Found::Value(value),
            None => Found::Absent,
        })
    }

    /// [`Store::get`], with `writing` held: no batch can replace a value file
    /// meanwhile, so the file it finds is there.
    fn get_holding_a_lock(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.find_holding_a_lock(key)? {
            Found::Value(value) => Ok(Some(value)),
            Found::Absent => Ok(None),
            Found::File(id, len) => self
                .value_files
                .read(id, len)
                .map_err(from_files)?
                .map(Some)
                .ok_or_else(|| missing_file(id)),
        }
    }
}

impl Store for SledStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        // A value file is read without the lock (a 29 MB one would hold up
        // the writer); one replaced meanwhile is looked up again.
        let mut gone = None;
        for _ in 0..READ_ATTEMPTS {
            let found = {
                let _reading = self.reading();
                self.find_holding_a_lock(key)?
            };
            match found {
                Found::Value(value) => return Ok(Some(value)),
                Found::Absent => return Ok(None),
                Found::File(id, len) => {
                    if let Some(value) = self.value_files.read(id, len).map_err(from_files)? {
                        return Ok(Some(value));
                    }
                    if gone.replace(id) == Some(id) {
                        return Err(missing_file(id));
                    }
                }
            }
        }
        Err(StoreError::io("a value kept changing while it was read"))
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StoreError> {
        let mut gone = None;
        'look: for _ in 0..READ_ATTEMPTS {
            let (entries, pointers) = {
                let _reading = self.reading();
                let small = self
                    .db
                    .scan_prefix(prefix)
                    .map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())).map_err(io))
                    .collect::<Result<_, _>>()?;
                let mut pointers = Vec::new();
                for entry in self.file_values.scan_prefix(prefix) {
                    let (key, pointer) = entry.map_err(io)?;
                    pointers.push((
                        key.to_vec(),
                        crate::value_files::parse_pointer(&pointer).map_err(from_files)?,
                    ));
                }
                (merged(small, self.large_values(prefix)?), pointers)
            };
            // The files are read as the trees named them, without the lock.
            let mut in_files = Vec::with_capacity(pointers.len());
            for (key, (id, len)) in pointers {
                match self.value_files.read(id, len).map_err(from_files)? {
                    Some(value) => in_files.push((key, value)),
                    None if gone.replace(id) == Some(id) => return Err(missing_file(id)),
                    None => continue 'look,
                }
            }
            return Ok(merged(entries, in_files));
        }
        Err(StoreError::io("values kept changing while they were read"))
    }

    fn scan_keys(&self, prefix: &[u8]) -> Result<Vec<Vec<u8>>, StoreError> {
        let _reading = self.reading();
        let mut keys = Vec::new();
        for key in self.db.scan_prefix(prefix).keys() {
            keys.push((key.map_err(io)?.to_vec(), ()));
        }
        // The first chunk of each large value names it, without reading the rest.
        let mut large = Vec::new();
        for key in self.large.scan_prefix(prefix).keys() {
            let key = key.map_err(io)?;
            if let Some((value_key, 0)) = split_chunk_key(&key) {
                if value_key.starts_with(prefix) {
                    large.push((value_key.to_vec(), ()));
                }
            }
        }
        for key in self.file_values.scan_prefix(prefix).keys() {
            large.push((key.map_err(io)?.to_vec(), ()));
        }
        Ok(merged(keys, large).into_iter().map(|(k, ())| k).collect())
    }

    fn apply(&self, ops: Vec<BatchOp>) -> Result<(), StoreError> {
        let _changing = self.changing();
        self.apply_holding_the_write_lock(ops)
    }

    fn prepare(&self, key: &[u8], value: Vec<u8>) -> Result<PreparedValue, StoreError> {
        if value.len() < FILE_MIN {
            return Ok(PreparedValue::unwritten(key.to_vec(), value));
        }
        let id = self.db.generate_id().map_err(io)?;
        Ok(PreparedValue {
            key: key.to_vec(),
            held: Held::File(self.value_files.write(id, &value).map_err(from_files)?),
        })
    }

    fn flush(&self) -> Result<(), StoreError> {
        // Files replaced before this flush began go once it has made their
        // replacement durable.
        let replaced = self.value_files.take_doomed();
        let flushed = self.db.flush().map_err(io).and_then(|_| self.files.sync());
        match flushed {
            Ok(()) => {
                self.value_files.remove(&replaced);
                Ok(())
            }
            Err(e) => {
                self.value_files.doom_again(replaced);
                Err(e)
            }
        }
    }

    fn compare_and_swap(
        &self,
        key: &[u8],
        expected: Option<&[u8]>,
        new: Vec<u8>,
    ) -> Result<bool, StoreError> {
        let _changing = self.changing();
        if self.get_holding_a_lock(key)?.as_deref() != expected {
            return Ok(false);
        }
        self.apply_holding_the_write_lock(vec![BatchOp::Put(key.to_vec(), new)])?;
        Ok(true)
    }
}

/// An in-memory store for tests. `set_failing(true)` makes every write and flush
/// fail, as a full or read-only disk would; `set_stalled(true)` makes them wait,
/// as a disk that hangs would. `most_scanned` tells the most entries one
/// scan returned: how long a read would hold up a store that locks for it.
#[derive(Default)]
pub struct MemoryStore {
    map: Mutex<BTreeMap<Vec<u8>, Vec<u8>>>,
    failing: AtomicBool,
    stalled: Mutex<bool>,
    unstalled: Condvar,
    most_scanned: std::sync::atomic::AtomicUsize,
}

impl MemoryStore {
    /// The most entries one [`Store::scan_prefix`] returned so far.
    pub fn most_scanned(&self) -> usize {
        self.most_scanned.load(Ordering::SeqCst)
    }

    /// Makes writes and flushes fail (or work again).
    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// Makes writes and flushes block until called again with `false`.
    pub fn set_stalled(&self, stalled: bool) {
        *self.stalled.lock().unwrap_or_else(|p| p.into_inner()) = stalled;
        self.unstalled.notify_all();
    }

    fn check(&self) -> Result<(), StoreError> {
        let mut stalled = self.stalled.lock().unwrap_or_else(|p| p.into_inner());
        while *stalled {
            stalled = self
                .unstalled
                .wait(stalled)
                .unwrap_or_else(|p| p.into_inner());
        }
        drop(stalled);
        if self.failing.load(Ordering::SeqCst) {
            Err(StoreError::io("No space left on device (simulated)"))
        } else {
            Ok(())
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<Vec<u8>, Vec<u8>>> {
        // A panic while holding this lock cannot leave the map half-changed (every
        // change is one insert or remove), so a poisoned lock is still consistent.
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.map().get(key).cloned())
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StoreError> {
        let entries: Entries = self
            .map()
            .range(prefix.to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        self.most_scanned.fetch_max(entries.len(), Ordering::SeqCst);
        Ok(entries)
    }

    fn apply(&self, ops: Vec<BatchOp>) -> Result<(), StoreError> {
        self.check()?;
        let changes = plain_changes(ops)?;
        let mut map = self.map();
        for (k, v) in changes {
            match v {
                Some(v) => map.insert(k, v),
                None => map.remove(&k),
            };
        }
        Ok(())
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.check()
    }

    fn compare_and_swap(
        &self,
        key: &[u8],
        expected: Option<&[u8]>,
        new: Vec<u8>,
    ) -> Result<bool, StoreError> {
        self.check()?;
        let mut map = self.map();
        if map.get(key).map(Vec::as_slice) != expected {
            return Ok(false);
        }
        map.insert(key.to_vec(), new);
        Ok(true)
    }
}

/// The contract every [`Store`] implementation passes, run against each of them.
#[cfg(test)]
pub mod contract {
    use super::*;

    /// Runs every part of the contract against `store`.
    pub fn run(store: &dyn Store) {
        put_get_and_overwrite(store);
        scan_is_ordered_and_bounded_by_prefix(store);
        batches_apply_puts_and_deletes_together(store);
        compare_and_swap_changes_only_the_expected_value(store);
        large_values_read_scan_and_change_like_small_ones(store);
        values_written_ahead_are_set_by_their_batch_alone(store);
        store.flush().expect("flush");
    }

    /// A value written ahead is nothing until its batch sets it; then it
    /// reads, scans and changes like any value. One dropped unused is nothing.
    fn values_written_ahead_are_set_by_their_batch_alone(store: &dyn Store) {
        let key = b"ahead/snap".to_vec();
        let big = pattern(FILE_MIN + 300_000, 11);
        let prepared = store.prepare(&key, big.clone()).unwrap();
        assert_eq!(prepared.len(), big.len());
        assert_eq!(store.get(&key).unwrap(), None, "not set before its batch");
        store.flush().unwrap();
        assert_eq!(store.get(&key).unwrap(), None, "nor by a flush");
        store
            .apply(vec![
                BatchOp::PutPrepared(prepared),
                BatchOp::Put(b"ahead/small".to_vec(), b"s".to_vec()),
            ])
            .unwrap();
        assert!(store.get(&key).unwrap() == Some(big.clone()));
        let scanned = store.scan_prefix(b"ahead/").unwrap();
        assert!(
            scanned
                == vec![
                    (b"ahead/small".to_vec(), b"s".to_vec()),
                    (key.clone(), big.clone()),
                ],
            "a scan sees it in key order"
        );
        assert_eq!(
            store.scan_keys(b"ahead/").unwrap(),
            vec![b"ahead/small".to_vec(), key.clone()]
        );
        store.flush().unwrap();
        drop(store.prepare(&key, pattern(FILE_MIN + 1, 12)).unwrap());
        assert!(
            store.get(&key).unwrap() == Some(big),
            "dropped unused: nothing"
        );
        // Replaced by a small value, a chunked one, another written ahead, none.
        for value in [
            b"klein".to_vec(),
            pattern(300_000, 13),
            pattern(FILE_MIN, 14),
        ] {
            let again = store.prepare(&key, value.clone()).unwrap();
            store.apply(vec![BatchOp::PutPrepared(again)]).unwrap();
            store.flush().unwrap();
            assert!(store.get(&key).unwrap() == Some(value));
        }
        store
            .apply(vec![BatchOp::Put(key.clone(), b"plain".to_vec())])
            .unwrap();
        assert_eq!(store.get(&key).unwrap(), Some(b"plain".to_vec()));
        // Set and replaced within one batch: the last one counts.
        let first = store.prepare(&key, pattern(FILE_MIN, 15)).unwrap();
        let second = store.prepare(&key, pattern(FILE_MIN, 16)).unwrap();
        store
            .apply(vec![
                BatchOp::PutPrepared(first),
                BatchOp::PutPrepared(second),
            ])
            .unwrap();
        assert!(store.get(&key).unwrap() == Some(pattern(FILE_MIN, 16)));
        store
            .apply(vec![
                BatchOp::Delete(key.clone()),
                BatchOp::Delete(b"ahead/small".to_vec()),
            ])
            .unwrap();
        assert_eq!(store.get(&key).unwrap(), None);
        assert!(store.scan_keys(b"ahead/").unwrap().is_empty());
    }

    /// Distinct bytes, so that a chunk out of place shows.
    pub fn pattern(len: usize, seed: u8) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8 ^ seed).collect()
    }

    fn large_values_read_scan_and_change_like_small_ones(store: &dyn Store) {
        let a = b"big/a".to_vec();
        // Ends like a chunk number would: it must not be read as one of a's.
        let a_longer = b"big/a\0\0\0\x01".to_vec();
        let put = |k: &[u8], v: Vec<u8>| store.apply(vec![BatchOp::Put(k.to_vec(), v)]).unwrap();
        put(&a, pattern(700_000, 1));
        put(&a_longer, pattern(20_000, 2));
        put(b"big/b", b"small".to_vec());
        assert_eq!(store.get(&a).unwrap(), Some(pattern(700_000, 1)));
        assert_eq!(store.get(&a_longer).unwrap(), Some(pattern(20_000, 2)));
        let scanned = store.scan_prefix(b"big/").unwrap();
        assert_eq!(
            scanned,
            vec![
                (a.clone(), pattern(700_000, 1)),
                (a_longer.clone(), pattern(20_000, 2)),
                (b"big/b".to_vec(), b"small".to_vec()),
            ]
        );
        assert_eq!(
            store.scan_keys(b"big/").unwrap(),
            [a.clone(), a_longer.clone(), b"big/b".to_vec()]
        );
        // This prefix is also where a's second chunk would be kept.
        assert_eq!(
            store.scan_prefix(&a_longer).unwrap(),
            vec![(a_longer.clone(), pattern(20_000, 2))],
            "a scan holds only keys that start with its prefix"
        );
        assert_eq!(
            store.scan_keys(b"big/a\0\0\0").unwrap(),
            std::slice::from_ref(&a_longer)
        );
        let everything = store.scan_prefix(b"").unwrap();
        assert_eq!(
            everything
                .iter()
                .map(|(k, _)| k.clone())
                .collect::<Vec<_>>(),
            store.scan_keys(b"").unwrap(),
            "a whole scan shows each value once, under its own key"
        );
        assert!(everything.contains(&(a.clone(), pattern(700_000, 1))));

        put(&a, pattern(300_000, 3));
        assert_eq!(store.get(&a).unwrap(), Some(pattern(300_000, 3)), "shorter");
        assert!(store
            .compare_and_swap(&a, Some(&pattern(300_000, 3)), b"now small".to_vec())
            .unwrap());
        assert_eq!(store.get(&a).unwrap(), Some(b"now small".to_vec()));
        put(&a, pattern(500_000, 4));
        assert_eq!(
            store.get(&a).unwrap(),
            Some(pattern(500_000, 4)),
            "large again"
        );
        store
            .apply(vec![
                BatchOp::Put(b"big/c".to_vec(), pattern(400_000, 5)),
                BatchOp::Delete(a.clone()),
                BatchOp::Delete(b"big/c".to_vec()),
            ])
            .unwrap();
        assert_eq!(store.get(&a).unwrap(), None);
        assert_eq!(
            store.get(b"big/c").unwrap(),
            None,
            "the batch's last word counts"
        );
        store
            .apply(vec![
                BatchOp::Put(b"big/d".to_vec(), pattern(600_000, 6)),
                BatchOp::Put(b"big/d".to_vec(), b"small between".to_vec()),
                BatchOp::Put(b"big/d".to_vec(), pattern(280_000, 7)),
            ])
            .unwrap();
        assert_eq!(
            store.get(b"big/d").unwrap(),
            Some(pattern(280_000, 7)),
            "large, small and large again in one batch"
        );
        store
            .apply(vec![BatchOp::Delete(b"big/d".to_vec())])
            .unwrap();
        assert_eq!(
            store.scan_keys(b"big/").unwrap(),
            [a_longer.clone(), b"big/b".to_vec()]
        );
        store
            .apply(vec![
                BatchOp::Delete(a_longer),
                BatchOp::Delete(b"big/b".to_vec()),
            ])
            .unwrap();
        assert!(store.scan_prefix(b"big/").unwrap().is_empty());
    }

    fn compare_and_swap_changes_only_the_expected_value(store: &dyn Store) {
        assert!(store.compare_and_swap(b"cas", None, b"1".to_vec()).unwrap());
        assert!(
            !store.compare_and_swap(b"cas", None, b"x".to_vec()).unwrap(),
            "the key exists now"
        );
        assert!(!store
            .compare_and_swap(b"cas", Some(b"0"), b"x".to_vec())
            .unwrap());
        assert!(store
            .compare_and_swap(b"cas", Some(b"1"), b"2".to_vec())
            .unwrap());
        assert_eq!(store.get(b"cas").unwrap(), Some(b"2".to_vec()));
    }

    fn put_get_and_overwrite(store: &dyn Store) {
        assert_eq!(store.get(b"k").unwrap(), None);
        store
            .apply(vec![BatchOp::Put(b"k".to_vec(), b"1".to_vec())])
            .unwrap();
        assert_eq!(store.get(b"k").unwrap(), Some(b"1".to_vec()));
        store
            .apply(vec![BatchOp::Put(b"k".to_vec(), b"2".to_vec())])
            .unwrap();
        assert_eq!(store.get(b"k").unwrap(), Some(b"2".to_vec()));
        store
            .apply(vec![
                BatchOp::Delete(b"k".to_vec()),
                BatchOp::Delete(b"absent".to_vec()),
            ])
            .unwrap();
        assert_eq!(store.get(b"k").unwrap(), None);
    }

    fn scan_is_ordered_and_bounded_by_prefix(store: &dyn Store) {
        let keys: [&[u8]; 5] = [b"p/b", b"p/a", b"p0", b"o/z", b"p/\xff\x00"];
        store
            .apply(
                keys.iter()
                    .map(|k| BatchOp::Put(k.to_vec(), k.to_vec()))
                    .collect(),
            )
            .unwrap();
        let found: Vec<Vec<u8>> = store
            .scan_prefix(b"p/")
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(
            found,
            vec![b"p/a".to_vec(), b"p/b".to_vec(), b"p/\xff\x00".to_vec()]
        );
        assert!(store.scan_prefix(b"q").unwrap().is_empty());
        assert_eq!(store.scan_keys(b"p/").unwrap(), found, "keys alone, alike");
    }

    fn batches_apply_puts_and_deletes_together(store: &dyn Store) {
        store
            .apply(vec![
                BatchOp::Delete(b"p/a".to_vec()),
                BatchOp::Put(b"p/c".to_vec(), b"c".to_vec()),
                BatchOp::Delete(b"p/b".to_vec()),
            ])
            .unwrap();
        let found: Vec<Vec<u8>> = store
            .scan_prefix(b"p/")
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(found, vec![b"p/c".to_vec(), b"p/\xff\x00".to_vec()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_passes_the_contract() {
        contract::run(&MemoryStore::default());
    }

    #[test]
    fn sled_store_passes_the_contract() {
        let dir = tempfile::tempdir().unwrap();
        contract::run(&SledStore::open(dir.path()).unwrap());
    }

    #[test]
    fn sled_store_keeps_data_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = SledStore::open(dir.path()).unwrap();
            s.apply(vec![BatchOp::Put(b"a".to_vec(), b"1".to_vec())])
                .unwrap();
            s.flush().unwrap();
        }
        let s = SledStore::open(dir.path()).unwrap();
        assert_eq!(s.get(b"a").unwrap(), Some(b"1".to_vec()));
    }

    /// sled writes large values to files of their own and never syncs them;
    /// the store syncs each new one at the flush that finds it and at the
    /// next (in case sled was still writing it).
    #[test]
    fn large_values_live_in_blob_files_that_flushes_sync() {
        let dir = tempfile::tempdir().unwrap();
        let s = SledStore::open(dir.path()).unwrap();
        let big = vec![7u8; 1 << 20];
        s.apply(vec![BatchOp::Put(b"snap".to_vec(), big.clone())])
            .unwrap();
        s.flush().unwrap();
        let blobs: Vec<_> = std::fs::read_dir(&s.files.blobs_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(!blobs.is_empty(), "sled kept the large value in a file");
        {
            let state = s.files.blobs.lock().unwrap();
            assert!(blobs.iter().all(|b| state.synced.contains(b)));
            assert_eq!(state.recent.len(), blobs.len(), "synced again next time");
        }
        s.flush().unwrap();
        assert!(s.files.blobs.lock().unwrap().recent.is_empty());
        // Replaced: the new file is synced too.
        s.apply(vec![BatchOp::Put(b"snap".to_vec(), vec![8u8; 1 << 20])])
            .unwrap();
        s.flush().unwrap();
        s.flush().unwrap();
        let now: std::collections::HashSet<_> = std::fs::read_dir(&s.files.blobs_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        {
            let state = s.files.blobs.lock().unwrap();
            assert!(now.iter().all(|b| state.synced.contains(b)));
        }
        drop(s);
        let s = SledStore::open(dir.path()).unwrap();
        assert_eq!(s.get(b"snap").unwrap(), Some(vec![8u8; 1 << 20]));
    }

    /// The ids of the value files in `s`'s directory.
    fn value_files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.join("values"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    /// What the fold thread does for a 29 MB board: the value is written and
    /// synced ahead, and the writer's batch and flush write none of it again.
    #[test]
    fn a_value_written_ahead_is_not_written_again_by_its_batch() {
        let dir = tempfile::tempdir().unwrap();
        let s = SledStore::open(dir.path()).unwrap();
        let snapshot = contract::pattern(3 << 20, 1);
        let prepared = s.prepare(b"doc/x/snap", snapshot.clone()).unwrap();
        assert_eq!(value_files(dir.path()).len(), 1, "written ahead");
        let mut seen = Default::default();
        new_blobs(&s, &mut seen);
        s.apply(vec![BatchOp::PutPrepared(prepared)]).unwrap();
        s.flush().unwrap();
        assert_eq!(new_blobs(&s, &mut seen), 0, "sled wrote none of it");
        assert_eq!(s.get(b"doc/x/snap").unwrap(), Some(snapshot.clone()));
        drop(s);
        let s = SledStore::open(dir.path()).unwrap();
        assert_eq!(s.get(b"doc/x/snap").unwrap(), Some(snapshot));
    }

    /// A replaced value file goes only after the flush that made its
    /// replacement durable: before it, a crash would come back to the old one.
    #[test]
    fn a_replaced_value_file_stays_until_the_replacement_is_flushed() {
        let dir = tempfile::tempdir().unwrap();
        let s = SledStore::open(dir.path()).unwrap();
        let key = b"doc/x/snap".to_vec();
        let old = s.prepare(&key, vec![1u8; FILE_MIN]).unwrap();
        s.apply(vec![BatchOp::PutPrepared(old)]).unwrap();
        s.flush().unwrap();
        let before = value_files(dir.path());
        let new = s.prepare(&key, vec![2u8; FILE_MIN]).unwrap();
        s.apply(vec![BatchOp::PutPrepared(new)]).unwrap();
        assert_eq!(value_files(dir.path()).len(), 2, "the old one stays");
        assert!(value_files(dir.path()).starts_with(&before));
        s.flush().unwrap();
        let after = value_files(dir.path());
        assert_eq!(after.len(), 1);
        assert_ne!(after, before, "the old one went after the flush");
        // Deleted: its file goes after the next flush too.
        s.apply(vec![BatchOp::Delete(key.clone())]).unwrap();
        assert_eq!(value_files(dir.path()), after);
        s.flush().unwrap();
        assert!(value_files(dir.path()).is_empty());
    }

    /// A process that dies between writing a value ahead and its batch, or
    /// between a batch and the flush that would remove the file it replaced,
    /// leaves files no batch names: the next start removes them, and keeps
    /// the one the store names.
    #[test]
    fn value_files_a_crash_left_unnamed_are_removed_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let key = b"doc/x/snap".to_vec();
        {
            let s = SledStore::open(dir.path()).unwrap();
            let kept = s.prepare(&key, vec![1u8; FILE_MIN]).unwrap();
            s.apply(vec![BatchOp::PutPrepared(kept)]).unwrap();
            s.flush().unwrap();
            let replacing = s.prepare(&key, vec![2u8; FILE_MIN]).unwrap();
            s.apply(vec![BatchOp::PutPrepared(replacing)]).unwrap();
            s.flush().unwrap();
            // The replacement is durable; now a write ahead whose batch never
            // comes, and a file a killed process never got to remove.
            std::mem::forget(s.prepare(&key, vec![3u8; FILE_MIN]).unwrap());
            std::fs::write(dir.path().join("values").join("00000000000000ff"), b"x").unwrap();
            assert_eq!(value_files(dir.path()).len(), 3);
        }
        let s = SledStore::open(dir.path()).unwrap();
        assert_eq!(value_files(dir.path()).len(), 1);
        assert_eq!(s.get(&key).unwrap(), Some(vec![2u8; FILE_MIN]));
    }

    #[test]
    fn a_format_3_directory_is_marked_format_4_and_read_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let chunked = vec![5u8; 300_000];
        {
            let s = SledStore::open(dir.path()).unwrap();
            s.apply(vec![BatchOp::Put(b"doc/x/snap".to_vec(), chunked.clone())])
                .unwrap();
            s.flush().unwrap();
        }
        std::fs::write(dir.path().join(FORMAT_FILE), "tafel-data-format 3\n").unwrap();
        let s = SledStore::open(dir.path()).unwrap();
        assert_eq!(data_format(dir.path()), Some(4));
        assert!(!dir.path().join(FORMAT_PARTIAL).exists());
        assert_eq!(s.get(b"doc/x/snap").unwrap(), Some(chunked));
    }

    /// Every blob file sled has written since the last look, with its size.
    fn new_blobs(s: &SledStore, seen: &mut std::collections::HashSet<std::ffi::OsString>) -> u64 {
        let mut bytes = 0;
        for entry in std::fs::read_dir(&s.files.blobs_dir).unwrap() {
            let entry = entry.unwrap();
            if seen.insert(entry.file_name()) {
                bytes += entry.metadata().unwrap().len();
            }
        }
        bytes
    }

    /// A board's snapshot and the log its updates go to: the updates must not
    /// make sled write the snapshot again.
    #[test]
    fn a_large_value_is_not_written_again_when_its_neighbours_change() {
        let dir = tempfile::tempdir().unwrap();
        let s = SledStore::open(dir.path()).unwrap();
        let snapshot = vec![1u8; 2 << 20];
        s.apply(vec![BatchOp::Put(b"doc/x/snap".to_vec(), snapshot.clone())])
            .unwrap();
        s.flush().unwrap();
        let mut seen = Default::default();
        assert!(new_blobs(&s, &mut seen) >= 2 << 20, "the snapshot itself");
        let mut written_since = 0;
        for seq in 0u64..200 {
            let key = [b"doc/x/log/".as_slice(), &seq.to_be_bytes()].concat();
            s.apply(vec![BatchOp::Put(key, vec![2u8; 100])]).unwrap();
            s.flush().unwrap();
            written_since += new_blobs(&s, &mut seen);
        }
        assert!(
            written_since < 1 << 20,
            "200 small updates made sled write {written_since} bytes of large files"
        );
        assert_eq!(s.get(b"doc/x/snap").unwrap(), Some(snapshot));
        assert_eq!(s.scan_keys(b"doc/x/log/").unwrap().len(), 200);
    }

    #[test]
    fn large_values_of_an_older_format_are_read_and_moved_apart() {
        let dir = tempfile::tempdir().unwrap();
        let old = vec![9u8; 300_000];
        {
            let s = SledStore::open(dir.path()).unwrap();
            s.db.insert(b"doc/x/snap", old.clone()).unwrap();
            s.db.insert(b"doc/x/meta", b"m".to_vec()).unwrap();
            s.flush().unwrap();
            assert_eq!(s.get(b"doc/x/snap").unwrap(), Some(old.clone()));
        }
        std::fs::write(dir.path().join(FORMAT_FILE), "tafel-data-format 2\n").unwrap();
        let s = SledStore::open(dir.path()).unwrap();
        assert_eq!(s.get(b"doc/x/snap").unwrap(), Some(old.clone()));
        assert_eq!(s.db.get(b"doc/x/snap").unwrap(), None, "no longer inline");
        assert_eq!(data_format(dir.path()), Some(DATA_FORMAT_VERSION));
        assert!(!dir.path().join(MOVING_FILE).exists(), "the move is done");
        assert_eq!(
            s.scan_prefix(b"doc/x/").unwrap(),
            vec![
                (b"doc/x/meta".to_vec(), b"m".to_vec()),
                (b"doc/x/snap".to_vec(), old)
            ]
        );
    }

    /// A move cut short: the directory already says format 3 (so an older
    /// build refuses it), and the next start moves what is left.
    #[test]
    fn a_move_of_large_values_cut_short_is_finished_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let left = vec![4u8; 100_000];
        {
            let s = SledStore::open(dir.path()).unwrap();
            s.apply(vec![BatchOp::Put(
                b"doc/a/snap".to_vec(),
                vec![3u8; 100_000],
            )])
            .unwrap();
            s.db.insert(b"doc/b/snap", left.clone()).unwrap();
            s.flush().unwrap();
        }
        std::fs::write(dir.path().join(MOVING_FILE), b"").unwrap();
        let s = SledStore::open(dir.path()).unwrap();
        assert_eq!(s.db.get(b"doc/b/snap").unwrap(), None, "moved");
        assert_eq!(s.get(b"doc/b/snap").unwrap(), Some(left));
        assert_eq!(s.get(b"doc/a/snap").unwrap(), Some(vec![3u8; 100_000]));
        assert!(!dir.path().join(MOVING_FILE).exists());
    }

    /// Readers (exports, history) run beside the writer: each read of a large
    /// value sees one whole value that was written, never a mix of two or a
    /// value cut short.
    #[test]
    fn a_large_value_read_while_it_changes_is_one_of_its_values() {
        let dir = tempfile::tempdir().unwrap();
        let s = std::sync::Arc::new(SledStore::open(dir.path()).unwrap());
        let values: Vec<Vec<u8>> = vec![
            vec![1u8; 900_000],
            vec![2u8; 300_000],
            b"small".to_vec(),
            vec![3u8; 600_000],
            vec![4u8; FILE_MIN + 1],
        ];
        s.apply(vec![BatchOp::Put(b"v".to_vec(), values[0].clone())])
            .unwrap();
        let done = std::sync::Arc::new(AtomicBool::new(false));
        let reader = {
            let (s, done, values) = (s.clone(), done.clone(), values.clone());
            std::thread::spawn(move || {
                let mut reads = 0;
                while !done.load(Ordering::SeqCst) || reads < 100 {
                    let seen = s.get(b"v").unwrap();
                    assert!(
                        seen.as_ref().is_none_or(|v| values.contains(v)),
                        "a torn read of {} bytes",
                        seen.map_or(0, |v| v.len())
                    );
                    let scanned = s.scan_prefix(b"v").unwrap();
                    assert!(scanned.len() <= 1 && scanned.iter().all(|(_, v)| values.contains(v)));
                    reads += 1;
                }
            })
        };
        for round in 0..60 {
            let op = match round % 6 {
                4 => BatchOp::Delete(b"v".to_vec()),
                // Written ahead into a file, which a flush removes once replaced.
                5 => BatchOp::PutPrepared(s.prepare(b"v", values[4].clone()).unwrap()),
                i => BatchOp::Put(b"v".to_vec(), values[i].clone()),
            };
            s.apply(vec![op]).unwrap();
            s.flush().unwrap();
        }
        done.store(true, Ordering::SeqCst);
        reader.join().expect("every read was whole");
    }

    #[test]
    fn a_directory_in_use_is_refused_with_a_clear_reason() {
        let dir = tempfile::tempdir().unwrap();
        let _first = SledStore::open(dir.path()).unwrap();
        let err = SledStore::open(dir.path()).err().expect("refused");
        assert!(matches!(err, StoreError::InUse(_)), "{err}");
        assert!(err.to_string().contains("another Tafel"), "{err}");
    }

    #[test]
    fn failing_memory_store_refuses_writes_but_keeps_data() {
        let s = MemoryStore::default();
        s.apply(vec![BatchOp::Put(b"a".to_vec(), b"1".to_vec())])
            .unwrap();
        s.set_failing(true);
        assert!(matches!(
            s.apply(vec![BatchOp::Delete(b"a".to_vec())]),
            Err(StoreError::Io(_))
        ));
        assert!(s.flush().is_err());
        assert_eq!(s.get(b"a").unwrap(), Some(b"1".to_vec()));
    }

    #[test]
    fn newer_format_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("FORMAT"), "tafel-data-format 99\n").unwrap();
        let err = SledStore::open(dir.path()).err().expect("refused");
        assert!(err.to_string().contains("newer Tafel"), "{err}");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("FORMAT")]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("FORMAT")).unwrap(),
            "tafel-data-format 99\n"
        );
    }

    #[test]
    fn a_new_directory_cut_short_while_marked_opens_as_new() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FORMAT_PARTIAL), "tafel-data-for").unwrap();
        let s = SledStore::open(dir.path()).unwrap();
        assert_eq!(data_format(dir.path()), Some(DATA_FORMAT_VERSION));
        assert!(!dir.path().join(FORMAT_PARTIAL).exists());
        s.apply(vec![BatchOp::Put(b"k".to_vec(), b"v".to_vec())])
            .unwrap();
        assert_eq!(s.get(b"k").unwrap(), Some(b"v".to_vec()));
    }

    /// A pointer whose file is gone (lost with a disk, removed by hand) is
    /// reported as corrupt at once, not read a hundred times as if replaced.
    #[test]
    fn a_value_file_lost_from_under_its_pointer_is_reported_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let s = SledStore::open(dir.path()).unwrap();
        let prepared = s.prepare(b"doc/x/snap", vec![4u8; FILE_MIN]).unwrap();
        s.apply(vec![BatchOp::PutPrepared(prepared)]).unwrap();
        s.flush().unwrap();
        for name in value_files(dir.path()) {
            std::fs::remove_file(dir.path().join("values").join(name)).unwrap();
        }
        for err in [s.get(b"doc/x/snap").err(), s.scan_prefix(b"doc/x/").err()] {
            let err = err.expect("an error, not a value");
            assert!(matches!(err, StoreError::Corrupt(_)), "{err}");
            assert!(err.to_string().contains("missing"), "{err}");
        }
    }

    #[test]
    fn foreign_non_empty_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        assert!(matches!(
            SledStore::open(dir.path()),
            Err(StoreError::Incompatible(_))
        ));
        assert!(!dir.path().join("FORMAT").exists());
    }
}
