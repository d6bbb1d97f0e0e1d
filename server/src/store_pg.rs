//! The storage seam on PostgreSQL, for cluster mode (issue 13): the same ordered
//! key-value [`Store`] as sled, in one table, so that every node of a cluster
//! reads and writes the same boards and the same contract suite holds.
//!
//! **Group commit.** A batch is applied in memory ([`Unflushed`]), where every
//! read sees it at once, and [`Store::flush`] commits everything applied since
//! the last flush as one transaction with `synchronous_commit = on`, which
//! returns once PostgreSQL's WAL is on disk. So one commit (and one WAL flush)
//! serves every write of a group, as one fsync does on sled, where a commit per
//! write would cap a node at a few hundred writes per second. Flushes commit in
//! the order they began. A group holds whole values (puts and deletes), so a
//! commit whose answer was lost in a restart of PostgreSQL is simply made again.
//!
//! The schema is versioned ([`MIGRATIONS`]) and brought up to date at connect,
//! under an advisory lock, so that nodes starting together migrate once.
//!
//! The `postgres` client blocks on a runtime of its own, which must not run
//! inside the server's tokio workers; the connections therefore live on
//! threads of their own, and each call hands them a job and waits for its
//! answer, as a sled call waits for the disk.

use crate::store::{BatchOp, Entries, Store, StoreError};
use postgres::{Client, NoTls};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard};

/// Connections (and threads) per store: the storage writer, the background
/// merger and HTTP reads each get one without waiting for the others.
const CONNECTIONS: usize = 4;

/// The schema, one step per version, applied in order and never changed once
/// released: a new need is a new step.
pub const MIGRATIONS: &[(i32, &str)] = &[(
    1,
    "CREATE TABLE tafel_kv (key bytea PRIMARY KEY, value bytea NOT NULL)",
)];

/// Taken while migrating, so that nodes starting at once migrate one by one.
const MIGRATION_LOCK: i64 = 0x7461_6665_6c00_0001;

type Job = Box<dyn FnOnce(Result<&mut Client, StoreError>) + Send>;

/// A [`Store`] in a PostgreSQL database.
pub struct PgStore {
    jobs: mpsc::Sender<Job>,
    fence: Option<Fence>,
    unflushed: Mutex<Unflushed>,
    /// Wakes flushes waiting for their turn.
    turn_changed: Condvar,
}

/// Writes only a lease's holder may commit.
struct Fence {
    /// Who this store writes for.
    holder: String,
    /// The lease a written key needs, if it needs one.
    lease_of: fn(&[u8]) -> Option<Vec<u8>>,
}

/// A commit refused because a lease it needs names another holder.
#[derive(Debug, thiserror::Error)]
#[error("not committed: {0}")]
struct Fenced(String);

/// A group of writes: each key's newest value (`None`: deleted).
type Group = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// Writes applied but not committed yet; every read looks here first.
#[derive(Default)]
struct Unflushed {
    /// Applied since the last flush began.
    pending: Group,
    /// Taken by flushes that have not committed yet, oldest first, each with
    /// its place in the commit order.
    committing: VecDeque<(u64, Arc<Group>)>,
    /// The place the next flush takes.
    next: u64,
    /// The place whose turn it is to commit.
    turn: u64,
    /// Set when a commit failed for good: nothing later may commit without it.
    failed: Option<String>,
}

impl Unflushed {
    /// What the newest unflushed write did to `key`, if one did.
    fn lookup(&self, key: &[u8]) -> Option<Option<Vec<u8>>> {
        if let Some(v) = self.pending.get(key) {
            return Some(v.clone());
        }
        self.committing
            .iter()
            .rev()
            .find_map(|(_, group)| group.get(key).cloned())
    }

    /// The unflushed writes to keys that start with `prefix`, newest winning.
    fn under(&self, prefix: &[u8]) -> Group {
        let mut out = Group::new();
        let groups = self.committing.iter().map(|(_, g)| g.as_ref());
        for group in groups.chain(std::iter::once(&self.pending)) {
            for (k, v) in group.range(prefix.to_vec()..) {
                if !k.starts_with(prefix) {
                    break;
                }
                out.insert(k.clone(), v.clone());
            }
        }
        out
    }
}

fn pg(e: postgres::Error) -> StoreError {
    // Not an answer of the server to the statement, or the server going away:
    // the connection is lost, and the same call may be made again.
    let lost = match e.code() {
        None => e.as_db_error().is_none(),
        Some(code) => matches!(&code.code()[..2], "08" | "57"),
    };
    // A deadlock or serialisation failure rolled the transaction back: it
    // may be made again as well.
    let conflict = e.code().is_some_and(|c| c.code().starts_with("40"));
    if lost {
        StoreError::io(Unreachable(e.to_string()))
    } else if conflict {
        StoreError::io(Conflict(e.to_string()))
    } else {
        StoreError::io(e)
    }
}

/// PostgreSQL rolled a transaction back to break a deadlock or keep
/// transactions serialisable; nothing of it was done.
#[derive(Debug, thiserror::Error)]
#[error("PostgreSQL rolled the transaction back: {0}")]
struct Conflict(String);

/// The connection to PostgreSQL is lost (a restart, a network failure).
#[derive(Debug, thiserror::Error)]
#[error("PostgreSQL is not reachable: {0}")]
struct Unreachable(String);

/// How long a read or batch is retried while PostgreSQL is unreachable (a
/// restart takes seconds), below the storage writer's stall limit.
const RETRY_FOR: std::time::Duration = std::time::Duration::from_secs(20);

/// Whether the call that failed with `e` may simply be made again.
fn may_retry(e: &StoreError) -> bool {
    matches!(e, StoreError::Io(inner) if inner.is::<Unreachable>() || inner.is::<Conflict>())
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) and
    /// brings the schema up to date. The URL may hold a password: it is never
    /// logged.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        // On a thread of its own: the client's runtime cannot start (or end)
        // on a thread that runs tokio, as the server's start-up does.
        let first = std::thread::scope(|s| {
            s.spawn(|| {
                let mut first = Client::connect(url, NoTls).map_err(pg)?;
                migrate(&mut first)?;
                Ok::<_, StoreError>(first)
            })
            .join()
            .map_err(|_| StoreError::io("connecting to PostgreSQL panicked"))?
        })?;
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let mut first = Some(first);
        for n in 0..CONNECTIONS {
            let queue = Arc::clone(&queue);
            let url = url.to_owned();
            let mut client = first.take();
            std::thread::Builder::new()
                .name(format!("tafel-pg-{n}"))
                .spawn(move || loop {
                    let job = {
                        let queue = queue.lock().unwrap_or_else(|p| p.into_inner());
                        queue.recv()
                    };
                    let Ok(job) = job else { return };
                    // A connection the server closed (a restart of PostgreSQL)
                    // is opened again for the next job.
                    if client.as_ref().is_none_or(Client::is_closed) {
                        client = Client::connect(&url, NoTls)
                            .inspect_err(|e| tracing::warn!(error = %e, "cannot reach PostgreSQL"))
                            .ok();
                    }
                    match client.as_mut() {
                        Some(c) => job(Ok(c)),
                        None => job(Err(StoreError::io(Unreachable("no connection".into())))),
                    }
                })
                .map_err(StoreError::io)?;
        }
        Ok(Self {
            jobs,
            fence: None,
            unflushed: Mutex::default(),
            turn_changed: Condvar::new(),
        })
    }

    /// Commits a put of a key that `lease_of` maps to a lease only while that
    /// lease names `holder`, checked in the committing transaction with the
    /// lease's row locked (`FOR SHARE`), so the lease cannot change hands
    /// before the commit. A refused commit fails the flush, and the storage
    /// writer stops the node: it is no longer the owner.
    pub fn fenced(mut self, holder: String, lease_of: fn(&[u8]) -> Option<Vec<u8>>) -> Self {
        self.fence = Some(Fence { holder, lease_of });
        self
    }

    fn unflushed(&self) -> MutexGuard<'_, Unflushed> {
        // Only maps change under the lock.
        self.unflushed.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Commits one group as one transaction, synchronously.
    fn commit(&self, group: &Arc<Group>) -> Result<(), StoreError> {
        let group = Arc::clone(group);
        let fence = self.fence.as_ref().map(|f| (f.holder.clone(), f.lease_of));
        self.call_retrying(move |c| {
            let mut tx = c.transaction().map_err(pg)?;
            // Whatever the server's default: the flush's promise is this.
            tx.batch_execute("SET LOCAL synchronous_commit = on")
                .map_err(pg)?;
            if let Some((holder, lease_of)) = &fence {
                let leases: Vec<Vec<u8>> = group
                    .iter()
                    .filter(|(_, v)| v.is_some())
                    .filter_map(|(k, _)| lease_of(k))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                // One statement, rows locked in key order (as a renewal
                // locks them, so the two cannot deadlock).
                let rows = tx
                    .query(
                        "SELECT key, value FROM tafel_kv WHERE key = ANY($1) \
                         ORDER BY key FOR SHARE",
                        &[&leases],
                    )
                    .map_err(pg)?;
                // A lease nobody holds now guards nothing: the next owner
                // loads after this commit (the row is locked).
                let now_ms = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as u64);
                for row in rows {
                    let held = crate::lease::held_in(&row.get::<_, Vec<u8>>(1), now_ms);
                    if let Some(other) = held.filter(|h| h != holder) {
                        return Err(StoreError::io(Fenced(format!(
                            "{} is held by {other}",
                            String::from_utf8_lossy(&row.get::<_, Vec<u8>>(0)),
                        ))));
                    }
                }
            }
            // One statement for the puts and one for the deletes, whatever
            // the group's size (its keys are distinct).
            let (mut put_keys, mut values, mut deleted) = (Vec::new(), Vec::new(), Vec::new());
            for (k, v) in group.iter() {
                match v {
                    Some(v) => {
                        put_keys.push(k.as_slice());
                        values.push(v.as_slice());
                    }
                    None => deleted.push(k.as_slice()),
                }
            }
            if !put_keys.is_empty() {
                tx.execute(
                    "INSERT INTO tafel_kv (key, value) \
                     SELECT * FROM unnest($1::bytea[], $2::bytea[]) \
                     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    &[&put_keys, &values],
                )
                .map_err(pg)?;
            }
            if !deleted.is_empty() {
                tx.execute("DELETE FROM tafel_kv WHERE key = ANY($1)", &[&deleted])
                    .map_err(pg)?;
            }
            tx.commit().map_err(pg)
        })
    }

    /// [`Self::call`], made again while PostgreSQL is unreachable, for at
    /// most [`RETRY_FOR`]: reads, and batches (which put and delete whole
    /// values, so one that committed before its answer was lost may run twice).
    fn call_retrying<T: Send + 'static>(
        &self,
        f: impl Fn(&mut Client) -> Result<T, StoreError> + Send + Sync + 'static,
    ) -> Result<T, StoreError> {
        let f = Arc::new(f);
        let started = std::time::Instant::now();
        loop {
            let attempt = Arc::clone(&f);
            match self.call(move |c| attempt(c)) {
                Err(e) if may_retry(&e) && started.elapsed() < RETRY_FOR => {
                    tracing::warn!(error = %e, "retrying");
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                other => return other,
            }
        }
    }

    /// Runs `f` on one of the connections and waits for its answer.
    fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (answer, answered) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |client| {
            let _ = answer.send(client.and_then(f));
        });
        self.jobs
            .send(job)
            .map_err(|_| StoreError::io("the PostgreSQL connections have stopped"))?;
        answered
            .recv()
            .map_err(|_| StoreError::io("a PostgreSQL connection stopped during a call"))?
    }
}

/// Applies the steps of [`MIGRATIONS`] the database has not seen, each in the
/// transaction that records it. A database migrated by a newer Tafel is
/// refused rather than written with an older idea of its tables.
fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(pg)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(pg)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS tafel_schema (version integer NOT NULL)")
        .map_err(pg)?;
    let current: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM tafel_schema", &[])
        .map_err(pg)?
        .get(0);
    let newest = MIGRATIONS.last().map_or(0, |m| m.0);
    if current > newest {
        return Err(StoreError::Incompatible(format!(
            "the PostgreSQL schema is at version {current}, newer than this Tafel's {newest}: upgrade Tafel"
        )));
    }
    for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        tx.batch_execute(sql).map_err(pg)?;
        tx.execute("INSERT INTO tafel_schema (version) VALUES ($1)", &[version])
            .map_err(pg)?;
        tracing::info!(version, "migrated the PostgreSQL schema");
    }
    tx.commit().map_err(pg)
}

/// The smallest key above every key that starts with `prefix`; `None` when
/// there is none (the prefix is empty or all 0xFF).
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// The rows of `columns` whose keys start with `prefix`, in key order.
fn scan(
    client: &mut Client,
    columns: &str,
    prefix: &[u8],
) -> Result<Vec<postgres::Row>, StoreError> {
    match prefix_end(prefix) {
        Some(end) => client.query(
            &format!("SELECT {columns} FROM tafel_kv WHERE key >= $1 AND key < $2 ORDER BY key"),
            &[&prefix, &end],
        ),
        None => client.query(
            &format!("SELECT {columns} FROM tafel_kv WHERE key >= $1 ORDER BY key"),
            &[&prefix],
        ),
    }
    .map_err(pg)
}

impl Store for PgStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(unflushed) = self.unflushed().lookup(key) {
            return Ok(unflushed);
        }
        // Committed before it was read, if it was flushed meanwhile.
        let key = key.to_vec();
        self.call_retrying(move |c| {
            let row = c
                .query_opt("SELECT value FROM tafel_kv WHERE key = $1", &[&key])
                .map_err(pg)?;
            Ok(row.map(|r| r.get(0)))
        })
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StoreError> {
        // Taken before the table is read: a group committed in between is in
        // both, and the same values win.
        let unflushed = self.unflushed().under(prefix);
        let owned = prefix.to_vec();
        let rows = self.call_retrying(move |c| {
            let rows = scan(c, "key, value", &owned)?;
            Ok(rows
                .into_iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect::<Vec<(Vec<u8>, Vec<u8>)>>())
        })?;
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = rows.into_iter().collect();
        for (k, v) in unflushed {
            match v {
                Some(v) => merged.insert(k, v),
                None => merged.remove(&k),
            };
        }
        Ok(merged.into_iter().collect())
    }

    fn scan_keys(&self, prefix: &[u8]) -> Result<Vec<Vec<u8>>, StoreError> {
        let unflushed = self.unflushed().under(prefix);
        let owned = prefix.to_vec();
        let keys = self.call_retrying(move |c| {
            let rows = scan(c, "key", &owned)?;
            Ok(rows.into_iter().map(|r| r.get(0)).collect::<Vec<Vec<u8>>>())
        })?;
        let mut merged: std::collections::BTreeSet<Vec<u8>> = keys.into_iter().collect();
        for (k, v) in unflushed {
            match v {
                Some(_) => merged.insert(k),
                None => merged.remove(&k),
            };
        }
        Ok(merged.into_iter().collect())
    }

    fn apply(&self, ops: Vec<BatchOp>) -> Result<(), StoreError> {
        let changes = crate::store::plain_changes(ops)?;
        let mut unflushed = self.unflushed();
        if let Some(why) = &unflushed.failed {
            return Err(StoreError::io(format!("an earlier commit failed: {why}")));
        }
        unflushed.pending.extend(changes);
        Ok(())
    }

    fn flush(&self) -> Result<(), StoreError> {
        let (place, group) = {
            let mut unflushed = self.unflushed();
            let group = Arc::new(std::mem::take(&mut unflushed.pending));
            let place = unflushed.next;
            unflushed.next += 1;
            unflushed.committing.push_back((place, Arc::clone(&group)));
            (place, group)
        };
        // Groups commit in the order they were taken, so a newer value is
        // never overwritten by an older one.
        let failed = {
            let mut unflushed = self.unflushed();
            while unflushed.turn != place {
                unflushed = self
                    .turn_changed
                    .wait(unflushed)
                    .unwrap_or_else(|p| p.into_inner());
            }
            unflushed.failed.clone()
        };
        let result = match failed {
            Some(why) => Err(StoreError::io(format!("an earlier commit failed: {why}"))),
            None if group.is_empty() => Ok(()),
            None => self.commit(&group),
        };
        let mut unflushed = self.unflushed();
        if let Err(e) = &result {
            unflushed.failed.get_or_insert_with(|| e.to_string());
        } else {
            unflushed.committing.retain(|(p, _)| *p != place);
        }
        unflushed.turn += 1;
        self.turn_changed.notify_all();
        result
    }

    fn compare_and_swap(
        &self,
        key: &[u8],
        expected: Option<&[u8]>,
        new: Vec<u8>,
    ) -> Result<bool, StoreError> {
        // A swap compares with what is committed: what was applied to its
        // key goes first.
        if self.unflushed().lookup(key).is_some() {
            self.flush()?;
        }
        let key = key.to_vec();
        let expected = expected.map(<[u8]>::to_vec);
        // One statement each way, so that two nodes swapping at once cannot
        // both succeed.
        self.call(move |c| {
            let changed = match expected {
                None => c.execute(
                    "INSERT INTO tafel_kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                    &[&key, &new],
                ),
                Some(old) => c.execute(
                    "UPDATE tafel_kv SET value = $3 WHERE key = $1 AND value = $2",
                    &[&key, &old, &new],
                ),
            }
            .map_err(pg)?;
            Ok(changed == 1)
        })
    }

    fn compare_and_swap_each(
        &self,
        swaps: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)>,
    ) -> Result<Vec<bool>, StoreError> {
        if swaps
            .iter()
            .any(|(key, _, _)| self.unflushed().lookup(key).is_some())
        {
            self.flush()?;
        }
        let (mut keys, mut old, mut new) = (Vec::new(), Vec::new(), Vec::new());
        for (k, o, n) in swaps {
            keys.push(k);
            old.push(o);
            new.push(n);
        }
        let asked = keys.clone();
        if asked.is_empty() {
            return Ok(Vec::new());
        }
        // One round trip: every row that still holds what was expected. The
        // rows are locked first in key order, the order a commit locks the
        // leases it needs in, so that the two cannot deadlock.
        let swapped: std::collections::HashSet<Vec<u8>> = self.call(move |c| {
            let mut tx = c.transaction().map_err(pg)?;
            tx.query(
                "SELECT 1 FROM tafel_kv WHERE key = ANY($1) ORDER BY key FOR NO KEY UPDATE",
                &[&keys],
            )
            .map_err(pg)?;
            let rows = tx
                .query(
                    "UPDATE tafel_kv SET value = s.new \
                     FROM unnest($1::bytea[], $2::bytea[], $3::bytea[]) AS s(key, old, new) \
                     WHERE tafel_kv.key = s.key AND tafel_kv.value = s.old \
                     RETURNING tafel_kv.key",
                    &[&keys, &old, &new],
                )
                .map_err(pg)?;
            tx.commit().map_err(pg)?;
            Ok(rows.into_iter().map(|r| r.get(0)).collect())
        })?;
        Ok(asked.iter().map(|key| swapped.contains(key)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_engines::TempPostgres;

    #[test]
    fn reads_and_commits_wait_out_a_restart_of_postgres() {
        let mut db = TempPostgres::start();
        let store = Arc::new(PgStore::connect(&db.url).unwrap());
        store
            .apply(vec![BatchOp::Put(b"before".to_vec(), b"1".to_vec())])
            .unwrap();
        store.flush().unwrap();
        db.restart();
        // Every connection was cut: the next calls reconnect instead of failing.
        for i in 0..20u8 {
            store
                .apply(vec![BatchOp::Put(vec![b'k', i], vec![i])])
                .unwrap();
        }
        store.flush().unwrap();
        assert_eq!(store.get(b"before").unwrap(), Some(b"1".to_vec()));
        let other = PgStore::connect(&db.url).unwrap();
        assert_eq!(other.scan_prefix(b"k").unwrap().len(), 20);
        // A statement the server refuses is not a lost connection: no retry.
        let refused =
            store.call_retrying(|c| c.batch_execute("SELECT * FROM no_such_table").map_err(pg));
        assert!(refused.is_err_and(|e| !may_retry(&e)));
    }

    #[test]
    fn writes_are_read_at_once_here_and_reach_other_nodes_with_the_flush() {
        let db = TempPostgres::start();
        let (here, there) = (
            PgStore::connect(&db.url).unwrap(),
            PgStore::connect(&db.url).unwrap(),
        );
        here.apply(vec![
            BatchOp::Put(b"doc/a/log/1".to_vec(), b"one".to_vec()),
            BatchOp::Put(b"doc/a/log/2".to_vec(), b"two".to_vec()),
        ])
        .unwrap();
        here.flush().unwrap();
        here.apply(vec![
            BatchOp::Delete(b"doc/a/log/1".to_vec()),
            BatchOp::Put(b"doc/a/log/3".to_vec(), b"three".to_vec()),
        ])
        .unwrap();
        // This node reads its own writes before the flush; no other does.
        let keys = |s: &PgStore| s.scan_keys(b"doc/a/").unwrap();
        assert_eq!(
            keys(&here),
            [b"doc/a/log/2".to_vec(), b"doc/a/log/3".to_vec()]
        );
        assert_eq!(here.get(b"doc/a/log/1").unwrap(), None);
        assert_eq!(
            keys(&there),
            [b"doc/a/log/1".to_vec(), b"doc/a/log/2".to_vec()]
        );
        here.flush().unwrap();
        assert_eq!(keys(&there), keys(&here));
        assert_eq!(there.get(b"doc/a/log/3").unwrap(), Some(b"three".to_vec()));
    }

    /// A commit locks the leases it needs in key order (`FOR SHARE`, held to
    /// its end); a renewal of the same leases, asked for in any order, must
    /// lock them in that order too, or the two deadlock and PostgreSQL aborts
    /// one (a commit aborted so would stop the node).
    #[test]
    fn renewing_leases_in_any_order_never_deadlocks_with_a_commit_that_needs_them() {
        let db = TempPostgres::start();
        let store = Arc::new(PgStore::connect(&db.url).unwrap());
        let (first, second) = (b"lease/room/A".to_vec(), b"lease/room/B".to_vec());
        for key in [&first, &second] {
            assert!(store.compare_and_swap(key, None, b"1".to_vec()).unwrap());
        }
        // A committing transaction holds the first lease...
        let mut commit = Client::connect(&db.url, NoTls).unwrap();
        let mut tx = commit.transaction().unwrap();
        let share = "SELECT value FROM tafel_kv WHERE key = $1 FOR SHARE";
        tx.query(share, &[&first]).unwrap();
        // ... while a renewal asks for the second, then the first.
        let renewing = std::thread::spawn({
            let (store, first, second) = (Arc::clone(&store), first.clone(), second.clone());
            move || {
                store.compare_and_swap_each(vec![
                    (second, b"1".to_vec(), b"2".to_vec()),
                    (first, b"1".to_vec(), b"2".to_vec()),
                ])
            }
        });
        // Time for the renewal to lock what it locks first and wait.
        std::thread::sleep(std::time::Duration::from_millis(300));
        // The commit then needs the second lease: it must get it.
        let second_lock = tx.query(share, &[&second]);
        assert!(second_lock.is_ok(), "{second_lock:?}");
        tx.commit().unwrap();
        assert_eq!(renewing.join().unwrap().unwrap(), [true, true]);
    }

    #[test]
    fn an_owner_whose_lease_moved_on_cannot_commit_its_documents_writes() {
        let db = TempPostgres::start();
        let lease_of = crate::cluster::owner_lease_of;
        let a = PgStore::connect(&db.url)
            .unwrap()
            .fenced("a~1".into(), lease_of);
        let b = PgStore::connect(&db.url)
            .unwrap()
            .fenced("b~1".into(), lease_of);
        let log = |seq: u8| {
            vec![BatchOp::Put(
                [b"doc/B1/content/log/".as_slice(), &[0, seq]].concat(),
                vec![seq],
            )]
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        assert!(
            crate::lease::take(&a, "room/B1/content", "a~1", now, 60_000)
                .unwrap()
                .is_some()
        );
        a.apply(log(1)).unwrap();
        a.flush().unwrap();
        // b may not write the document a owns…
        b.apply(log(2)).unwrap();
        assert!(b.flush().is_err());
        // …and once b took the lease over (a stalled past it), a may not
        // either. (b's store refuses everything after its failed commit: its
        // node stops; a new process takes over.)
        assert!(b.apply(log(9)).is_err());
        let b = PgStore::connect(&db.url)
            .unwrap()
            .fenced("b~2".into(), lease_of);
        assert!(
            crate::lease::take(&b, "room/B1/content", "b~2", now + 60_000, 60_000)
                .unwrap()
                .is_some()
        );
        a.apply(log(3)).unwrap();
        assert!(a.flush().is_err());
        let fresh = PgStore::connect(&db.url).unwrap();
        let seqs: Vec<Vec<u8>> = fresh
            .scan_prefix(b"doc/B1/content/log/")
            .unwrap()
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(seqs, [vec![1]], "only the holder's write");
        // Writes no lease guards (a board record, pictures), and a document's
        // writes while nobody holds its lease, commit from any node.
        crate::lease::release(&b, "room/B1/content", "b~2").unwrap();
        let d = PgStore::connect(&db.url)
            .unwrap()
            .fenced("d~1".into(), lease_of);
        d.apply(log(4)).unwrap();
        d.flush().unwrap();
        let c = PgStore::connect(&db.url)
            .unwrap()
            .fenced("c~1".into(), lease_of);
        c.apply(vec![BatchOp::Put(b"board/B1".to_vec(), b"{}".to_vec())])
            .unwrap();
        c.flush().unwrap();
    }

    #[test]
    fn postgres_store_passes_the_contract() {
        let db = TempPostgres::start();
        let store = PgStore::connect(&db.url).unwrap();
        crate::store::contract::run(&store);
    }

    #[test]
    fn a_second_connect_finds_the_schema_and_the_data() {
        let db = TempPostgres::start();
        let first = PgStore::connect(&db.url).unwrap();
        first
            .apply(vec![BatchOp::Put(b"k".to_vec(), b"v".to_vec())])
            .unwrap();
        first.flush().unwrap();
        let again = PgStore::connect(&db.url).unwrap();
        assert_eq!(again.get(b"k").unwrap(), Some(b"v".to_vec()));
        let mut c = Client::connect(&db.url, NoTls).unwrap();
        let versions: i64 = c
            .query_one("SELECT count(*) FROM tafel_schema", &[])
            .unwrap()
            .get(0);
        assert_eq!(versions, MIGRATIONS.len() as i64, "each step recorded once");
    }

    #[test]
    fn a_schema_newer_than_this_tafel_is_refused() {
        let db = TempPostgres::start();
        drop(PgStore::connect(&db.url).unwrap());
        let mut c = Client::connect(&db.url, NoTls).unwrap();
        c.execute("INSERT INTO tafel_schema (version) VALUES (999)", &[])
            .unwrap();
        let refused = PgStore::connect(&db.url).err().expect("refused");
        assert!(
            matches!(&refused, StoreError::Incompatible(m) if m.contains("999")),
            "{refused}"
        );
    }

    #[test]
    fn concurrent_swaps_of_one_key_let_exactly_one_win() {
        let db = TempPostgres::start();
        let store = Arc::new(PgStore::connect(&db.url).unwrap());
        store
            .apply(vec![BatchOp::Put(b"lease".to_vec(), b"free".to_vec())])
            .unwrap();
        let winners: usize = (0..8)
            .map(|n| {
                let store = Arc::clone(&store);
                std::thread::spawn(move || {
                    store
                        .compare_and_swap(b"lease", Some(b"free"), format!("node-{n}").into_bytes())
                        .unwrap()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| usize::from(t.join().unwrap()))
            .sum();
        assert_eq!(winners, 1);
    }

    #[test]
    fn prefix_end_is_the_first_key_past_the_prefix() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(b"a\xff"), Some(b"b".to_vec()));
        assert_eq!(prefix_end(b"\xff\xff"), None);
        assert_eq!(prefix_end(b""), None);
    }
}
