//! Which documents are loaded: one room per document, found or registered under
//! one lock, so that concurrent first connections load a document exactly once.
//!
//! Also remembers what outlives a room: boards deleted a moment ago (connections
//! that passed authentication just before the deletion must not load them again),
//! and each board's last change for "updated" in the board API. Sans-IO: the
//! caller passes the time and owns the lock.

use crate::storage::DocKey;
use std::collections::HashMap;
use std::time::Duration;
use tafel_shared::ids::{BoardId, ParticipantId};
use tafel_shared::protocol::CloseCode;
use tokio::time::Instant;

/// How long a deleted board's id stays refused in memory (the store has no trace).
pub const TOMBSTONE_TTL: Duration = Duration::from_secs(300);

/// A registered room: its handle `H` and the generation that tells a reloaded room
/// from the one it replaced.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry<H> {
    /// The room's handle.
    pub handle: H,
    /// Unique per registration.
    pub generation: u64,
}

/// Loaded rooms and what outlives them.
pub struct Registry<H> {
    rooms: HashMap<DocKey, Entry<H>>,
    deleted: HashMap<BoardId, Instant>,
    last_change: HashMap<BoardId, (u64, Option<ParticipantId>)>,
    closing: bool,
    next_generation: u64,
}

impl<H> Default for Registry<H> {
    fn default() -> Self {
        Self {
            rooms: HashMap::new(),
            deleted: HashMap::new(),
            last_change: HashMap::new(),
            closing: false,
            next_generation: 1,
        }
    }
}

impl<H: Clone> Registry<H> {
    /// The room of `key` if it is loaded; an error if the server is closing or the
    /// board was just deleted.
    pub fn find(&mut self, key: &DocKey, now: Instant) -> Result<Option<Entry<H>>, CloseCode> {
        if self.closing {
            return Err(CloseCode::GoingAway);
        }
        self.deleted
            .retain(|_, at| now.saturating_duration_since(*at) < TOMBSTONE_TTL);
        if self.deleted.contains_key(&key.board) {
            return Err(CloseCode::BoardDeleted);
        }
        Ok(self.rooms.get(key).cloned())
    }

    /// Registers a new room for `key` (after [`Self::find`] found none).
    pub fn insert(&mut self, key: DocKey, handle: H) -> Entry<H> {
        let entry = Entry {
            handle,
            generation: self.next_generation,
        };
        self.next_generation += 1;
        self.rooms.insert(key, entry.clone());
        entry
    }

    /// Removes the room of `key` if it is still the registration `generation`
    /// (a room that failed may already have been replaced).
    pub fn remove(&mut self, key: &DocKey, generation: u64) -> bool {
        if self
            .rooms
            .get(key)
            .is_some_and(|e| e.generation == generation)
        {
            self.rooms.remove(key);
            true
        } else {
            false
        }
    }

    /// Loaded documents.
    pub fn len(&self) -> usize {
        self.rooms.len()
    }

    /// Whether no document is loaded.
    pub fn is_empty(&self) -> bool {
        self.rooms.is_empty()
    }

    /// The loaded rooms of one board.
    pub fn of_board(&self, board: &BoardId) -> Vec<H> {
        self.rooms
            .iter()
            .filter(|(k, _)| &k.board == board)
            .map(|(_, e)| e.handle.clone())
            .collect()
    }

    /// A board is being deleted: refuse it from now on; returns its loaded rooms.
    pub fn delete_board(&mut self, board: &BoardId, now: Instant) -> Vec<H> {
        self.deleted.insert(board.clone(), now);
        self.last_change.remove(board);
        self.of_board(board)
    }

    /// The server is stopping: refuse every new connection; returns every room.
    pub fn close(&mut self) -> Vec<H> {
        self.closing = true;
        self.rooms.values().map(|e| e.handle.clone()).collect()
    }

    /// Records a document change of `board` at `at_ms` by `by`.
    pub fn touch(&mut self, board: &BoardId, at_ms: u64, by: Option<ParticipantId>) {
        self.last_change.insert(board.clone(), (at_ms, by));
    }

    /// The last change of `board` seen by this process (ms), and by whom.
    pub fn last_change(&self, board: &BoardId) -> Option<(u64, Option<ParticipantId>)> {
        self.last_change.get(board).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tafel_shared::roles::DocKind;

    fn key(c: char, doc: DocKind) -> DocKey {
        DocKey {
            board: BoardId::parse(&c.to_string().repeat(22)).unwrap(),
            doc,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn rooms_register_once_and_only_their_own_generation_unregisters() {
        let mut reg: Registry<&str> = Registry::default();
        let now = Instant::now();
        let k = key('a', DocKind::Content);
        assert_eq!(reg.find(&k, now).unwrap(), None);
        let first = reg.insert(k.clone(), "first");
        assert_eq!(reg.find(&k, now).unwrap(), Some(first.clone()));
        // The first room failed and was replaced; its late unregister is ignored.
        assert!(reg.remove(&k, first.generation));
        let second = reg.insert(k.clone(), "second");
        assert!(!reg.remove(&k, first.generation));
        assert_eq!(reg.len(), 1);
        assert!(reg.remove(&k, second.generation));
        assert!(reg.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_deleted_board_is_refused_until_its_tombstone_expires() {
        let mut reg: Registry<&str> = Registry::default();
        let content = key('a', DocKind::Content);
        let comments = key('a', DocKind::Comments);
        let other = key('b', DocKind::Content);
        reg.insert(content.clone(), "content");
        reg.insert(comments.clone(), "comments");
        reg.insert(other.clone(), "other");
        reg.touch(&content.board, 42, None);
        let mut evicted = reg.delete_board(&content.board, Instant::now());
        evicted.sort();
        assert_eq!(evicted, ["comments", "content"]);
        assert_eq!(reg.last_change(&content.board), None);
        assert_eq!(
            reg.find(&comments, Instant::now()),
            Err(CloseCode::BoardDeleted)
        );
        assert!(reg.find(&other, Instant::now()).unwrap().is_some());
        tokio::time::advance(TOMBSTONE_TTL - Duration::from_secs(1)).await;
        assert_eq!(
            reg.find(&content, Instant::now()),
            Err(CloseCode::BoardDeleted)
        );
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(reg.find(&content, Instant::now()).is_ok());
    }

    #[test]
    fn closing_refuses_everyone_and_hands_back_every_room() {
        let mut reg: Registry<u8> = Registry::default();
        reg.insert(key('a', DocKind::Content), 1);
        reg.insert(key('b', DocKind::Session), 2);
        let mut all = reg.close();
        all.sort();
        assert_eq!(all, [1, 2]);
        assert_eq!(
            reg.find(&key('a', DocKind::Content), Instant::now()),
            Err(CloseCode::GoingAway)
        );
    }
}
