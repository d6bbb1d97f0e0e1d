//! Backups: one file with every key and value of the store, taken from a running
//! server as one consistent cut, and restored into a new data directory.
//!
//! The cut is consistent because it is read on the storage writer's thread
//! ([`crate::durability::Committer::call`]): every write submitted before it has
//! run, none after it has started, so a backup holds each update that was
//! confirmed before it began. Board values are written as they read, that is
//! opened ([`crate::sealed`]): a backup restores under any key directory, and
//! must be kept as carefully as the boards themselves. It holds no share token
//! (the store has only their hashes), so it opens no board by itself.
//!
//! Format: gzip of `TAFEL-BACKUP 1\n`, then per entry the key's length (u32,
//! big-endian), the key, the value's length (u64) and the value, then a key of
//! length 0 and the number of entries (u64): a cut-off file is refused.

use crate::store::{BatchOp, Entries, Store, StoreError};
use anyhow::{bail, ensure, Context};
use std::io::{Read, Write};

const HEADER: &[u8] = b"TAFEL-BACKUP 1\n";
/// Entries restored per batch.
const RESTORE_BATCH: usize = 512;

/// Every entry of `store`, as a backup file's bytes.
pub fn write(store: &dyn Store) -> Result<Vec<u8>, StoreError> {
    let entries = store.scan_prefix(b"")?;
    encode(&entries).map_err(StoreError::io)
}

fn encode(entries: &Entries) -> std::io::Result<Vec<u8>> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(HEADER)?;
    for (k, v) in entries {
        let key_len = u32::try_from(k.len()).map_err(std::io::Error::other)?;
        gz.write_all(&key_len.to_be_bytes())?;
        gz.write_all(k)?;
        gz.write_all(&(v.len() as u64).to_be_bytes())?;
        gz.write_all(v)?;
    }
    gz.write_all(&0u32.to_be_bytes())?;
    gz.write_all(&(entries.len() as u64).to_be_bytes())?;
    gz.finish()
}

/// The entries of a backup file, checked to be whole.
pub fn read(bytes: &[u8]) -> anyhow::Result<Entries> {
    let mut r = flate2::read::GzDecoder::new(bytes);
    let mut header = vec![0u8; HEADER.len()];
    r.read_exact(&mut header)
        .context("not a Tafel backup (too short)")?;
    ensure!(header == HEADER, "not a Tafel backup (unknown header)");
    let mut entries = Vec::new();
    loop {
        let mut len4 = [0u8; 4];
        r.read_exact(&mut len4).context("the backup is cut off")?;
        let key_len = u32::from_be_bytes(len4) as usize;
        let mut len8 = [0u8; 8];
        if key_len == 0 {
            r.read_exact(&mut len8).context("the backup is cut off")?;
            let count = u64::from_be_bytes(len8);
            ensure!(
                count == entries.len() as u64,
                "the backup says {count} entries but holds {}",
                entries.len()
            );
            return Ok(entries);
        }
        let mut key = vec![0u8; key_len];
        r.read_exact(&mut key).context("the backup is cut off")?;
        r.read_exact(&mut len8).context("the backup is cut off")?;
        let value_len = usize::try_from(u64::from_be_bytes(len8))?;
        let mut value = Vec::new();
        (&mut r)
            .take(value_len as u64)
            .read_to_end(&mut value)
            .context("the backup is cut off")?;
        ensure!(value.len() == value_len, "the backup is cut off");
        entries.push((key, value));
    }
}

/// `tafel restore`: writes the backup's entries into `store` (a new data
/// directory) and flushes. Returns how many entries.
pub fn restore(store: &dyn Store, backup: &[u8]) -> anyhow::Result<usize> {
    let entries = read(backup)?;
    if !store.scan_prefix(b"board/")?.is_empty() {
        bail!("the data directory holds boards already: restore into a new one");
    }
    let n = entries.len();
    let mut ops = Vec::with_capacity(RESTORE_BATCH);
    for (k, v) in entries {
        ops.push(BatchOp::Put(k, v));
        if ops.len() == RESTORE_BATCH {
            store.apply(std::mem::take(&mut ops))?;
        }
    }
    store.apply(ops)?;
    store.flush()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    #[test]
    fn a_backup_round_trips_and_a_cut_off_one_is_refused() {
        let from = MemoryStore::default();
        from.apply(vec![
            BatchOp::Put(b"board/x".to_vec(), b"{}".to_vec()),
            BatchOp::Put(b"doc/x/content/snapshot".to_vec(), vec![7; 100_000]),
            BatchOp::Put(b"operator".to_vec(), Vec::new()),
        ])
        .unwrap();
        let bytes = write(&from).unwrap();
        let to = MemoryStore::default();
        assert_eq!(restore(&to, &bytes).unwrap(), 3);
        assert_eq!(to.scan_prefix(b"").unwrap(), from.scan_prefix(b"").unwrap());
        assert!(restore(&to, &bytes).is_err(), "not over existing boards");

        // Cut off anywhere, or not a backup at all: refused.
        let plain = {
            let mut d = flate2::read::GzDecoder::new(&bytes[..]);
            let mut v = Vec::new();
            d.read_to_end(&mut v).unwrap();
            v
        };
        for cut in [HEADER.len() + 3, plain.len() / 2, plain.len() - 1] {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&plain[..cut]).unwrap();
            assert!(read(&gz.finish().unwrap()).is_err(), "cut at {cut}");
        }
        assert!(read(b"hello").is_err());
    }
}
