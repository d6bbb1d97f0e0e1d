//! Large values written ahead of the batch that sets them, each in a file of its
//! own under `<data>/values/`.
//!
//! A background fold merges a 29 MB board into a new snapshot off the room's task.
//! Storing it used to fall to the storage writer: it copied the snapshot into sled
//! (and sealed it), and its next flush synced about a hundred of sled's blob files,
//! while every room's updates waited behind the two (0.1–0.3 s per fold;
//! BENCHMARKS.md, "Compaction of a large document"). Now the thread that merged it
//! writes and syncs the file ([`crate::store::Store::prepare`]), and the writer
//! commits only a pointer to it: the file's id and length, in the store's index.
//!
//! A file never changes once written, and its id is never used again. So a reader
//! needs no lock to read it: it reads the pointer, then the file; a file that is
//! gone was replaced meanwhile, and the reader reads the pointer again. A file no
//! pointer names is removed: at once if no batch ever named it (dropped unused),
//! after the next flush if a batch replaced it (a crash before that flush must
//! still find it), and at start for whatever a crash left behind.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The directory of value files, and the files to remove after the next flush.
pub struct ValueFiles {
    dir: Arc<Path>,
    doomed: Mutex<Vec<u64>>,
}

/// A value's file, written and synced, that no committed batch names yet.
/// Dropped without [`WrittenValue::keep`], it removes its file.
#[derive(Debug)]
pub struct WrittenValue {
    dir: Arc<Path>,
    id: u64,
    len: u64,
    kept: bool,
}

impl WrittenValue {
    /// The value's length in bytes.
    pub fn byte_len(&self) -> u64 {
        self.len
    }

    /// The pointer a batch stores to name this file.
    pub fn pointer(&self) -> [u8; 16] {
        pointer(self.id, self.len)
    }

    /// A committed batch names the file now: it stays.
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for WrittenValue {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(file_path(&self.dir, self.id));
        }
    }
}

/// The stored form of a pointer to file `id` of `len` bytes.
pub fn pointer(id: u64, len: u64) -> [u8; 16] {
    let mut out = [0; 16];
    out[..8].copy_from_slice(&id.to_be_bytes());
    out[8..].copy_from_slice(&len.to_be_bytes());
    out
}

/// The file id and length a stored pointer names.
pub fn parse_pointer(stored: &[u8]) -> std::io::Result<(u64, u64)> {
    let bytes: [u8; 16] = stored
        .try_into()
        .map_err(|_| corrupt("a value file pointer is malformed".into()))?;
    let (id, len) = bytes.split_at(8);
    Ok((
        u64::from_be_bytes(id.try_into().expect("8 bytes")),
        u64::from_be_bytes(len.try_into().expect("8 bytes")),
    ))
}

fn file_path(dir: &Path, id: u64) -> PathBuf {
    dir.join(format!("{id:016x}"))
}

/// A stored pointer or file that is not what it should be (the store
/// reports it as corrupt).
fn corrupt(why: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, why)
}

impl ValueFiles {
    /// Opens (or creates) the directory.
    pub fn open(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self {
            dir: Arc::from(dir),
            doomed: Mutex::new(Vec::new()),
        })
    }

    /// Writes `value` into a new file `id` and syncs it and its directory
    /// entry, so that a batch naming it may count as durable once the batch is.
    pub fn write(&self, id: u64, value: &[u8]) -> std::io::Result<WrittenValue> {
        let path = file_path(&self.dir, id);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        // From here on a failure removes the file.
        let written = WrittenValue {
            dir: Arc::clone(&self.dir),
            id,
            len: value.len() as u64,
            kept: false,
        };
        file.write_all(value)?;
        file.sync_data()?;
        std::fs::File::open(&self.dir).and_then(|d| d.sync_all())?;
        Ok(written)
    }

    /// The value in file `id`; `None` if the file is gone (a batch replaced
    /// the value and a flush followed since its pointer was read).
    pub fn read(&self, id: u64, len: u64) -> std::io::Result<Option<Vec<u8>>> {
        match std::fs::read(file_path(&self.dir, id)) {
            Ok(value) if value.len() as u64 == len => Ok(Some(value)),
            Ok(value) => Err(corrupt(format!(
                "value file {id:016x} holds {} bytes, its pointer says {len}",
                value.len()
            ))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// File `id` is no longer named by the batch just applied: it goes once
    /// a flush has made that batch durable.
    pub fn doom(&self, id: u64) {
        self.doomed_files().push(id);
    }

    /// The files doomed so far, to remove after the flush that starts now.
    pub fn take_doomed(&self) -> Vec<u64> {
        std::mem::take(&mut *self.doomed_files())
    }

    /// Gives back files taken for a flush that failed.
    pub fn doom_again(&self, ids: Vec<u64>) {
        self.doomed_files().extend(ids);
    }

    /// Removes files after the flush that made their replacement durable.
    pub fn remove(&self, ids: &[u64]) {
        for id in ids {
            if let Err(e) = std::fs::remove_file(file_path(&self.dir, *id)) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(file = %format!("{id:016x}"), error = %e, "could not remove a replaced value file");
                }
            }
        }
    }

    /// At start: removes every file that `referenced` does not name (written
    /// for a batch that never came, or replaced before a crash). Returns how
    /// many went.
    pub fn remove_unreferenced(&self, referenced: &HashSet<u64>) -> std::io::Result<usize> {
        let mut removed = 0;
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let id = name
                .to_str()
                .filter(|n| n.len() == 16)
                .and_then(|n| u64::from_str_radix(n, 16).ok());
            if id.is_some_and(|id| referenced.contains(&id)) {
                continue;
            }
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
        Ok(removed)
    }

    fn doomed_files(&self) -> std::sync::MutexGuard<'_, Vec<u64>> {
        // A plain list: a panic while it was held leaves it whole.
        self.doomed.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_dropped_unused_is_removed_and_a_kept_one_stays() {
        let dir = tempfile::tempdir().unwrap();
        let files = ValueFiles::open(dir.path()).unwrap();
        let dropped = files.write(1, b"eins").unwrap();
        let kept = files.write(2, b"zwei").unwrap();
        assert_eq!(files.read(1, 4).unwrap().as_deref(), Some(&b"eins"[..]));
        drop(dropped);
        kept.keep();
        assert_eq!(files.read(1, 4).unwrap(), None);
        assert_eq!(files.read(2, 4).unwrap().as_deref(), Some(&b"zwei"[..]));
        assert_eq!(
            files.read(2, 5).unwrap_err().kind(),
            std::io::ErrorKind::InvalidData
        );
    }

    #[test]
    fn pointers_round_trip_and_garbage_is_corrupt() {
        assert_eq!(
            parse_pointer(&pointer(7, 29_000_000)).unwrap(),
            (7, 29_000_000)
        );
        assert_eq!(
            parse_pointer(b"short").unwrap_err().kind(),
            std::io::ErrorKind::InvalidData
        );
    }

    #[test]
    fn unreferenced_files_are_removed_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let files = ValueFiles::open(dir.path()).unwrap();
        for id in 1..=3 {
            files.write(id, b"x").unwrap().keep();
        }
        std::fs::write(dir.path().join("stray"), b"?").unwrap();
        let removed = files.remove_unreferenced(&HashSet::from([2])).unwrap();
        assert_eq!(removed, 3);
        assert_eq!(files.read(2, 1).unwrap().as_deref(), Some(&b"x"[..]));
        assert_eq!(files.read(1, 1).unwrap(), None);
    }
}
