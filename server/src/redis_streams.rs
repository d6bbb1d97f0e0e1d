//! Updates between the nodes of a cluster (issue 13): one Redis stream per
//! document, the pattern of y-redis. A node appends each accepted update to its
//! document's stream and every node reads the stream from where it last was,
//! so a node that joins late or comes back catches up from the stream (and,
//! for what was compacted out of it, from the store).
//!
//! An append counts as durable when `XADD` returns, which holds only if Redis
//! writes its append-only file with `appendfsync always`: [`DocStreams::connect`]
//! checks that and refuses a Redis that would confirm what it can still lose.

use redis::streams::StreamReadReply;
use redis::Commands;
use std::sync::Mutex;
use std::time::Duration;
use thiserror::Error;

/// A failure to reach or use Redis.
#[derive(Debug, Error)]
pub enum StreamError {
    /// Redis did not answer or refused the command.
    #[error("Redis: {0}")]
    Redis(#[from] redis::RedisError),
    /// Redis is set up to confirm writes it may lose in a crash.
    #[error(
        "Redis would confirm updates it can lose ({0}): start it with --appendonly yes --appendfsync always"
    )]
    NotDurable(String),
    /// A stream entry is not one of ours.
    #[error("a stream entry is malformed: {0}")]
    Malformed(String),
}

/// The position of an entry in a stream (`<milliseconds>-<sequence>`), as
/// Redis gives it; ordered as Redis orders them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryId {
    ms: u64,
    seq: u64,
}

impl EntryId {
    /// Before every entry.
    pub const START: EntryId = EntryId { ms: 0, seq: 0 };

    /// Parses Redis's `ms-seq`.
    pub fn parse(id: &str) -> Result<Self, StreamError> {
        let malformed = || StreamError::Malformed(format!("entry id {id:?}"));
        let (ms, seq) = id.split_once('-').ok_or_else(malformed)?;
        Ok(Self {
            ms: ms.parse().map_err(|_| malformed())?,
            seq: seq.parse().map_err(|_| malformed())?,
        })
    }

    /// The smallest id after this one.
    fn next(&self) -> EntryId {
        match self.seq.checked_add(1) {
            Some(seq) => EntryId { ms: self.ms, seq },
            None => EntryId {
                ms: self.ms + 1,
                seq: 0,
            },
        }
    }
}

impl std::fmt::Display for EntryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// The field an entry keeps its update in.
const UPDATE_FIELD: &str = "u";

/// The stream of document `doc` (a board id and document kind, as the store
/// names it).
pub fn stream_key(doc: &str) -> String {
    format!("tafel:doc:{doc}")
}

/// The streams of every document, on one Redis.
pub struct DocStreams {
    client: redis::Client,
    /// For appends and reads that do not block.
    conn: Mutex<redis::Connection>,
}

impl DocStreams {
    /// Connects to `url` (`redis://[:password@]host:port/`; never logged) and
    /// checks that a confirmed append survives a crash of Redis.
    pub fn connect(url: &str) -> Result<Self, StreamError> {
        let client = redis::Client::open(url)?;
        let mut conn = client.get_connection()?;
        check_durable(&mut conn)?;
        Ok(Self {
            client,
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, redis::Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends `update` to `doc`'s stream; durable once this returns.
    pub fn append(&self, doc: &str, update: &[u8]) -> Result<EntryId, StreamError> {
        let id: String = redis::cmd("XADD")
            .arg(stream_key(doc))
            .arg("*")
            .arg(UPDATE_FIELD)
            .arg(update)
            .query(&mut *self.conn())?;
        EntryId::parse(&id)
    }

    /// The last entry's id, `None` for an empty stream.
    pub fn last(&self, doc: &str) -> Result<Option<EntryId>, StreamError> {
        let reply: redis::streams::StreamRangeReply =
            self.conn().xrevrange_count(stream_key(doc), "+", "-", 1)?;
        reply.ids.first().map(|e| EntryId::parse(&e.id)).transpose()
    }

    /// Every entry after `after`, in order, without waiting.
    pub fn after(
        &self,
        doc: &str,
        after: &EntryId,
    ) -> Result<Vec<(EntryId, Vec<u8>)>, StreamError> {
        let reply: redis::streams::StreamRangeReply =
            self.conn()
                .xrange(stream_key(doc), format!("({after}"), "+")?;
        reply.ids.iter().map(entry).collect()
    }

    /// Removes the entries up to and including `through` (once they are in
    /// the store's snapshot).
    pub fn trim_through(&self, doc: &str, through: &EntryId) -> Result<(), StreamError> {
        let _: u64 = redis::cmd("XTRIM")
            .arg(stream_key(doc))
            .arg("MINID")
            .arg(through.next().to_string())
            .query(&mut *self.conn())?;
        Ok(())
    }

    /// A connection of its own for [`Reader::wait_after`], which blocks.
    pub fn reader(&self) -> Result<Reader, StreamError> {
        Ok(Reader {
            conn: self.client.get_connection()?,
        })
    }
}

/// Refuses a Redis that does not sync its append-only file on every write. A
/// Redis that forbids `CONFIG` (some managed ones) cannot be checked: it is
/// taken at its operator's word, with a warning.
fn check_durable(conn: &mut redis::Connection) -> Result<(), StreamError> {
    let setting = |conn: &mut redis::Connection, name: &str| -> Result<String, StreamError> {
        let pair: Vec<String> = redis::cmd("CONFIG").arg("GET").arg(name).query(conn)?;
        Ok(pair.get(1).cloned().unwrap_or_default())
    };
    match (setting(conn, "appendonly"), setting(conn, "appendfsync")) {
        (Ok(aof), Ok(fsync)) if aof == "yes" && fsync == "always" => Ok(()),
        (Ok(aof), Ok(fsync)) => Err(StreamError::NotDurable(format!(
            "appendonly {aof}, appendfsync {fsync}"
        ))),
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(error = %e, "cannot read Redis's persistence settings; assuming appendfsync always");
            Ok(())
        }
    }
}

fn entry(e: &redis::streams::StreamId) -> Result<(EntryId, Vec<u8>), StreamError> {
    let update: Vec<u8> = e
        .get(UPDATE_FIELD)
        .ok_or_else(|| StreamError::Malformed(format!("entry {} has no update", e.id)))?;
    Ok((EntryId::parse(&e.id)?, update))
}

/// Reads one document's stream as it grows.
pub struct Reader {
    conn: redis::Connection,
}

impl Reader {
    /// The entries after `after`, waiting up to `wait` for the first one;
    /// empty when none came.
    pub fn wait_after(
        &mut self,
        doc: &str,
        after: &EntryId,
        wait: Duration,
    ) -> Result<Vec<(EntryId, Vec<u8>)>, StreamError> {
        let reply: Option<StreamReadReply> = redis::cmd("XREAD")
            .arg("BLOCK")
            .arg(u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1))
            .arg("STREAMS")
            .arg(stream_key(doc))
            .arg(after.to_string())
            .query(&mut self.conn)?;
        reply
            .into_iter()
            .flat_map(|r| r.keys)
            .flat_map(|k| k.ids)
            .map(|e| entry(&e))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_engines::TempRedis;

    #[test]
    fn updates_are_read_back_in_order_after_a_position() {
        let redis = TempRedis::start();
        let streams = DocStreams::connect(&redis.url()).unwrap();
        assert_eq!(streams.last("b1/content").unwrap(), None);
        let ids: Vec<EntryId> = (0..5u8)
            .map(|n| streams.append("b1/content", &[n, 0xff, 0]).unwrap())
            .collect();
        streams.append("b2/content", b"another board").unwrap();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids grow: {ids:?}");
        assert_eq!(streams.last("b1/content").unwrap().as_ref(), ids.last());
        let after_second = streams.after("b1/content", &ids[1]).unwrap();
        assert_eq!(
            after_second,
            (2..5u8)
                .map(|n| (ids[usize::from(n)].clone(), vec![n, 0xff, 0]))
                .collect::<Vec<_>>()
        );
        assert_eq!(
            streams.after("b1/content", &EntryId::START).unwrap().len(),
            5
        );
    }

    #[test]
    fn a_waiting_reader_wakes_when_another_node_appends() {
        let redis = TempRedis::start();
        let streams = DocStreams::connect(&redis.url()).unwrap();
        let first = streams.append("b/content", b"first").unwrap();
        let mut reader = streams.reader().unwrap();
        let url = redis.url();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            DocStreams::connect(&url)
                .unwrap()
                .append("b/content", b"second")
                .unwrap()
        });
        let got = reader
            .wait_after("b/content", &first, Duration::from_secs(10))
            .unwrap();
        let second = writer.join().unwrap();
        assert_eq!(got, vec![(second.clone(), b"second".to_vec())]);
        // Nothing newer: an empty answer once the wait is over.
        let none = reader
            .wait_after("b/content", &second, Duration::from_millis(50))
            .unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn trimming_removes_exactly_what_was_compacted() {
        let redis = TempRedis::start();
        let streams = DocStreams::connect(&redis.url()).unwrap();
        let ids: Vec<EntryId> = (0..4u8)
            .map(|n| streams.append("b/content", &[n]).unwrap())
            .collect();
        streams.trim_through("b/content", &ids[1]).unwrap();
        let left: Vec<EntryId> = streams
            .after("b/content", &EntryId::START)
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(left, ids[2..]);
    }

    #[test]
    fn what_an_append_confirmed_survives_a_crash_of_redis() {
        let mut redis = TempRedis::start();
        let confirmed: Vec<EntryId> = {
            let streams = DocStreams::connect(&redis.url()).unwrap();
            (0..200u32)
                .map(|n| streams.append("b/content", &n.to_le_bytes()).unwrap())
                .collect()
        };
        redis.crash();
        redis.restart();
        let streams = DocStreams::connect(&redis.url()).unwrap();
        let kept = streams.after("b/content", &EntryId::START).unwrap();
        assert_eq!(kept.len(), confirmed.len());
        for (n, ((id, update), sent)) in kept.iter().zip(&confirmed).enumerate() {
            assert_eq!(id, sent);
            assert_eq!(update, &u32::try_from(n).unwrap().to_le_bytes());
        }
    }

    #[test]
    fn a_redis_that_may_lose_confirmed_writes_is_refused() {
        let redis = TempRedis::start_with("everysec");
        let refused = DocStreams::connect(&redis.url()).err().expect("refused");
        assert!(
            matches!(&refused, StreamError::NotDurable(why) if why.contains("everysec")),
            "{refused}"
        );
    }

    #[test]
    fn entry_ids_order_and_step_as_redis_does() {
        let a = EntryId::parse("1700000000000-5").unwrap();
        assert!(a < EntryId::parse("1700000000000-6").unwrap());
        assert!(a < EntryId::parse("1700000000001-0").unwrap());
        assert_eq!(a.next().to_string(), "1700000000000-6");
        assert!(EntryId::parse("17-x").is_err());
        assert!(EntryId::parse("17").is_err());
    }
}
