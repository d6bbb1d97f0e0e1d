//! What Tafel keeps in its [`Store`]: board records, and per document a snapshot, an
//! append-only update log and history snapshots.
//!
//! Key layout (one keyspace, so deleting a board is one atomic batch):
//!
//! | key | value |
//! |---|---|
//! | `board/{id}` | [`BoardRecord`] as JSON |
//! | `doc/{id}/{doc}/snap` | the merged document state (Yjs update v1) |
//! | `doc/{id}/{doc}/log/{seq: u64 BE}` | one update since the snapshot |
//! | `doc/{id}/{doc}/hist/{ms: u64 BE}` | a full state kept for history |
//! | `doc/{id}/content/hmeta/{ms: u64 BE}` | a board version's [`VersionMeta`] as JSON: name, who was active, size |
//! | `doc/{id}/{doc}/activity` | who last changed which element (content, locked) as JSON |
//! | `doc/{id}/content/workshop` | the workshop state with its secrets (ballots, private notes) as JSON; never sent to a client |
//! | `doc/{id}/files/meta/{hash}` | a picture's [`StoredFile`] as JSON |
//! | `doc/{id}/files/orig/{hash}` | a picture's bytes as uploaded |
//! | `doc/{id}/files/disp/{hash}` | the version of it the canvas draws, when it differs |
//! | `doc/{id}/files/small/{hash}` | the small version, drawn while the picture is small on screen |
//! | `operator` | SHA-256 of the operator token |
//! | `history-total` | bytes of all boards' versions (u64 BE), the total that `--history-max-total-mb` bounds |

use crate::files::Prepared;
use crate::store::{BatchOp, PreparedValue, Store, StoreError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tafel_shared::api::FileInfo;
use tafel_shared::ids::BoardId;
use tafel_shared::roles::{DocKind, Role};

/// The first states of a board's documents, by kind.
pub type DocStates = Vec<(DocKind, Vec<u8>)>;

/// A board's metadata. Access is checked against token hashes; the current
/// tokens are kept too, so facilitators can show the share links again.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BoardRecord {
    /// The board id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The template it started from.
    pub template: String,
    /// Creation, milliseconds since the epoch.
    pub created_ms: u64,
    /// Last change to the record, milliseconds since the epoch.
    pub updated_ms: u64,
    /// Hex SHA-256 of each role's current share token.
    pub token_hashes: BTreeMap<Role, String>,
    /// Hashes of rotated-away tokens (the newest few), so their holders are told
    /// "link revoked" rather than "wrong link".
    #[serde(default)]
    pub revoked: Vec<String>,
    /// How often each role's link was renewed: its token is derived from the
    /// board, the role and this number under the server key
    /// ([`crate::keys::LinkKey`]), so no token is stored.
    #[serde(default)]
    pub generations: BTreeMap<Role, u32>,
    /// Plain tokens an older Tafel kept here: read so that the start-up
    /// migration can drop them, never written again.
    #[serde(default, rename = "tokens", skip_serializing)]
    pub legacy_tokens: BTreeMap<Role, String>,
    /// Set when this record is a saved template rather than a board: stored
    /// (and backed up, exported and deleted) like a board, never opened as
    /// one, since it has no share tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_template: Option<TemplateMeta>,
}

/// What makes a stored board a saved template.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TemplateMeta {
    /// What it is for (its name is the record's title).
    pub description: String,
    /// How many elements a board made from it starts with.
    pub elements: usize,
    /// Hex SHA-256 of the token that renames and deletes it.
    pub manage_hash: String,
}

impl BoardRecord {
    /// The role `token` grants on this board, if any.
    pub fn role_for(&self, token: &str) -> Option<Role> {
        let hash = hash_token(token);
        self.token_hashes
            .iter()
            .find(|(_, h)| **h == hash)
            .map(|(role, _)| *role)
    }
}

/// Hex SHA-256 of a token: what the store keeps instead of the token.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One document of one board: the unit of loading, syncing and storing.
#[derive(Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct DocKey {
    /// The board.
    pub board: BoardId,
    /// Which of its documents.
    pub doc: DocKind,
}

impl DocKey {
    fn prefix(&self) -> Vec<u8> {
        format!("doc/{}/{}/", self.board, self.doc.as_str()).into_bytes()
    }

    fn key(&self, rest: &str) -> Vec<u8> {
        let mut k = self.prefix();
        k.extend_from_slice(rest.as_bytes());
        k
    }

    fn numbered(&self, section: &str, n: u64) -> Vec<u8> {
        let mut k = self.key(section);
        k.extend_from_slice(&n.to_be_bytes());
        k
    }
}

impl std::fmt::Display for DocKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.board, self.doc.as_str())
    }
}

/// What is kept of a picture besides its bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredFile {
    /// Hash, type and size of the original.
    pub info: FileInfo,
    /// The type of the canvas version, when there is one.
    pub display_mime: Option<String>,
    /// The type of the small version, when there is one.
    #[serde(default)]
    pub small_mime: Option<String>,
}

/// Which version of a picture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FileVersion {
    /// As uploaded.
    Original,
    /// What the canvas draws (the original when there is no other).
    Canvas,
    /// What the canvas draws while the picture is small on screen (else as
    /// [`FileVersion::Canvas`]).
    Small,
}

impl StoredFile {
    /// The type of `version` as [`Storage::file_bytes`] returns it.
    pub fn mime_of(&self, version: FileVersion) -> &str {
        let canvas = self.display_mime.as_deref().unwrap_or(&self.info.mime);
        match version {
            FileVersion::Original => &self.info.mime,
            FileVersion::Canvas => canvas,
            FileVersion::Small => self.small_mime.as_deref().unwrap_or(canvas),
        }
    }
}

/// What [`Storage::put_file`] did.
#[derive(Debug, PartialEq)]
pub enum PutFile {
    /// Kept now.
    Stored,
    /// The board had it already.
    Existed,
    /// Not kept: the board's pictures have `used` bytes, and this one would pass
    /// the quota.
    OverQuota {
        /// Bytes of the board's originals.
        used: u64,
    },
}

/// A document as stored: its snapshot and the updates logged after it.
#[derive(Default, Debug)]
pub struct StoredDoc {
    /// The merged state at the last compaction.
    pub snapshot: Option<Vec<u8>>,
    /// Updates since, with their sequence numbers, in order.
    pub log: Vec<(u64, Vec<u8>)>,
    /// The workshop state kept beside the document (content only).
    pub workshop: Option<Vec<u8>>,
    /// Who last changed which element, kept beside the document.
    pub activity: Option<Vec<u8>>,
    /// The last log entry the snapshot holds, as its compaction noted.
    pub folded_upto: u64,
}

impl StoredDoc {
    /// Sequence number for the next log entry: past the log and past every
    /// entry a compaction merged, so that numbers are never given twice (a
    /// fold or a history read still on its way names entries by number).
    pub fn next_seq(&self) -> u64 {
        let logged = self.log.last().map_or(0, |(seq, _)| *seq);
        logged.max(self.folded_upto).saturating_add(1)
    }

    /// The snapshot and the log entries up to `upto_seq` merged into one state;
    /// `None` if nothing is stored.
    pub fn merged(&self, upto_seq: u64) -> Option<Vec<u8>> {
        if self.snapshot.is_none() && self.log.is_empty() {
            return None;
        }
        let log = self
            .log
            .iter()
            .filter(|(seq, _)| *seq <= upto_seq)
            .map(|(_, u)| u.as_slice());
        let parts: Vec<&[u8]> = self.snapshot.as_deref().into_iter().chain(log).collect();
        Some(merge_states(&parts))
    }
}

/// What is known of one board version besides its states.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VersionMeta {
    /// A name a facilitator gave it; named versions are kept until deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Participant ids that changed the board since the version before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub active: Vec<String>,
    /// Bytes of its states (content and locked layer).
    #[serde(default)]
    pub bytes: u64,
}

/// One kept board version.
#[derive(Clone, Debug, PartialEq)]
pub struct Version {
    /// When it was taken, ms since the epoch (its id).
    pub at_ms: u64,
    /// Name, activity and size.
    pub meta: VersionMeta,
}

/// How much history one board keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryLimits {
    /// Unnamed versions kept; the oldest go first.
    pub keep: usize,
    /// Bytes of all versions of one board; unnamed ones go first, oldest first.
    pub max_board_bytes: u64,
    /// Bytes of all versions of all boards: beyond it, no new version is kept.
    pub max_total_bytes: u64,
}

const HISTORY_TOTAL: &[u8] = b"history-total";

/// The documents a board version holds: what the canvas shows.
pub const VERSIONED: [DocKind; 2] = [DocKind::Content, DocKind::Locked];

/// A document's state on its way into a batch: its bytes, or written ahead
/// ([`Storage::prepare_version`]).
pub enum NewState {
    /// Written by the batch.
    Plain(Vec<u8>),
    /// Written ahead for its key.
    Prepared(PreparedValue),
}

impl From<Vec<u8>> for NewState {
    fn from(state: Vec<u8>) -> Self {
        NewState::Plain(state)
    }
}

impl NewState {
    /// Bytes of the state.
    pub fn len(&self) -> usize {
        match self {
            NewState::Plain(state) => state.len(),
            NewState::Prepared(prepared) => prepared.len(),
        }
    }

    /// Whether the state is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn into_op(self, key: Vec<u8>) -> BatchOp {
        match self {
            NewState::Plain(state) => BatchOp::Put(key, state),
            NewState::Prepared(prepared) => {
                debug_assert_eq!(prepared.key(), key);
                BatchOp::PutPrepared(prepared)
            }
        }
    }
}

/// Domain operations over a [`Store`].
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn Store>,
    folds: Arc<FoldEpochs>,
}

/// How many compactions of each document ran, in a fixed table of counters a
/// document hashes into. A snapshot merged off the writer from what was stored
/// is written only if no other compaction of its document ran since it was
/// read (that one may have dropped log entries the merge lacks). Two documents
/// sharing a counter only make such a write give way more often, which is safe.
struct FoldEpochs([AtomicU64; FOLD_SLOTS]);

const FOLD_SLOTS: usize = 1024;

impl FoldEpochs {
    fn slot(&self, key: &DocKey) -> &AtomicU64 {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let hash = BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
            .hash_one(key);
        &self.0[(hash % FOLD_SLOTS as u64) as usize]
    }
}

/// Merges a stored snapshot and log entries into one state update. Without a
/// document where it can: yrs's update merge needs a few times the bytes, a
/// document about twenty times (700 MB for a 30 MB board). If a part does not
/// decode, through a document that skips it (a room's load counts and logs
/// such entries).
pub fn merge_states(parts: &[&[u8]]) -> Vec<u8> {
    if let [one] = parts {
        return one.to_vec();
    }
    yrs::merge_updates_v1(parts.iter().copied()).unwrap_or_else(|_| merge_in_a_document(parts))
}

fn merge_in_a_document(parts: &[&[u8]]) -> Vec<u8> {
    use yrs::updates::decoder::Decode;
    use yrs::{ReadTxn, Transact};
    let doc = yrs::Doc::new();
    {
        let mut txn = doc.transact_mut();
        for bytes in parts {
            if let Ok(update) = yrs::Update::decode_v1(bytes) {
                let _ = txn.apply_update(update);
            }
        }
    }
    // Integrated parts only, as a room's snapshot (`RoomCore::snapshot`).
    let state = doc.transact().encode_diff_v1(&yrs::StateVector::default());
    state
}

/// Merged log entries a background fold drops in the batch that sets its
/// snapshot; the rest go in batches of this size after it. A 29 MB board folds
/// 14,500 entries at once, and removing them took the writer 140 ms in one
/// batch, while every board's updates waited. Entries a stored snapshot holds
/// already change nothing when a load merges them again (test
/// `log_entries_a_snapshot_already_holds_change_nothing_when_merged_again`).
pub const LOG_DROPS_PER_BATCH: usize = 1_000;

/// Rounds of compare-and-swap before [`Storage::update_board`] gives up; each lost
/// round means another change landed, so this bounds only pathological contention.
const UPDATE_ATTEMPTS: usize = 1000;

/// Tells entries of the same millisecond apart in their keys.
static ACCESS_SEQ: AtomicU64 = AtomicU64::new(0);

/// The store key of an entry at `at_ms`: time first, so a prefix scan reads in
/// time order and old entries are pruned from the front.
fn access_key(at_ms: u64) -> Vec<u8> {
    let mut key = b"access/".to_vec();
    key.extend_from_slice(&at_ms.to_be_bytes());
    key.extend_from_slice(&ACCESS_SEQ.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    key
}

/// The time of an entry's key.
fn access_time(key: &[u8]) -> Option<u64> {
    let rest = key.strip_prefix(b"access/")?;
    Some(u64::from_be_bytes(rest.get(..8)?.try_into().ok()?))
}

fn board_key(id: &BoardId) -> Vec<u8> {
    format!("board/{id}").into_bytes()
}

fn decode_seq(key: &[u8]) -> Result<u64, StoreError> {
    key.len()
        .checked_sub(8)
        .and_then(|at| key[at..].try_into().ok())
        .map(u64::from_be_bytes)
        .ok_or_else(|| StoreError::Corrupt("short numbered key".into()))
}

impl Storage {
    /// Wraps a store.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            folds: Arc::new(FoldEpochs(std::array::from_fn(|_| AtomicU64::new(0)))),
        }
    }

    /// Makes everything written so far durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.store.flush()
    }

    /// Creates a board with its initial content (a template's state).
    pub fn create_board(
        &self,
        record: &BoardRecord,
        docs: &[(DocKind, Vec<u8>)],
    ) -> Result<(), StoreError> {
        let id =
            BoardId::parse(&record.id).ok_or_else(|| StoreError::Corrupt("board id".into()))?;
        let mut ops = vec![BatchOp::Put(board_key(&id), encode_record(record)?)];
        for (doc, snapshot) in docs {
            let key = DocKey {
                board: id.clone(),
                doc: *doc,
            };
            ops.push(BatchOp::Put(key.key("snap"), snapshot.clone()));
        }
        self.store.apply(ops)
    }

    /// Changes a board's record (rename, token rotation) as a compare-and-swap:
    /// `change` is applied to the stored record and written back only if nobody
    /// wrote it meanwhile; otherwise it runs again on the newer record. So two
    /// concurrent changes both land, and neither undoes the other (a rename that
    /// raced a rotation can no longer bring a revoked link back). `None` if the
    /// board does not exist (or was deleted meanwhile).
    pub fn update_board(
        &self,
        id: &BoardId,
        mut change: impl FnMut(&mut BoardRecord),
    ) -> Result<Option<BoardRecord>, StoreError> {
        let key = board_key(id);
        for _ in 0..UPDATE_ATTEMPTS {
            let Some(stored) = self.store.get(&key)? else {
                return Ok(None);
            };
            let mut record = decode_record(&stored)?;
            change(&mut record);
            if self
                .store
                .compare_and_swap(&key, Some(&stored), encode_record(&record)?)?
            {
                return Ok(Some(record));
            }
        }
        Err(StoreError::io(
            "a board record kept changing while it was being updated",
        ))
    }

    /// Rewrites every board record that still holds plain share tokens (kept
    /// by Tafel before links were derived) without them; their links keep
    /// working by their hashes. Returns how many records changed.
    pub fn drop_plain_tokens(&self) -> Result<usize, StoreError> {
        let mut changed = 0;
        for record in self.list_boards()? {
            if record.legacy_tokens.is_empty() {
                continue;
            }
            if let Some(id) = BoardId::parse(&record.id) {
                self.update_board(&id, |r| r.legacy_tokens.clear())?;
                changed += 1;
            }
        }
        if changed > 0 {
            self.flush()?;
        }
        Ok(changed)
    }

    /// The documents a board made from the saved template `id` starts with
    /// (content, locked layer, session); `None` if there is no such template.
    pub fn saved_template_docs(&self, id: &BoardId) -> Result<Option<DocStates>, StoreError> {
        match self.get_board(id)? {
            Some(r) if r.saved_template.is_some() => {}
            _ => return Ok(None),
        }
        let mut docs = Vec::new();
        for doc in [DocKind::Content, DocKind::Locked, DocKind::Session] {
            let key = DocKey {
                board: id.clone(),
                doc,
            };
            if let Some(state) = self.doc_state(&key)? {
                docs.push((doc, state));
            }
        }
        Ok(Some(docs))
    }

    /// A board's record.
    pub fn get_board(&self, id: &BoardId) -> Result<Option<BoardRecord>, StoreError> {
        self.store
            .get(&board_key(id))?
            .map(|v| decode_record(&v))
            .transpose()
    }

    /// Every board's record, ordered by id.
    pub fn list_boards(&self) -> Result<Vec<BoardRecord>, StoreError> {
        self.store
            .scan_prefix(b"board/")?
            .iter()
            .map(|(_, v)| decode_record(v))
            .collect()
    }

    /// Erases every key of the board in one atomic batch. Returns whether it existed.
    pub fn delete_board(&self, id: &BoardId) -> Result<bool, StoreError> {
        // A fold of one of its documents still on its way gives way rather
        // than write a snapshot for a board that is gone.
        for doc in DocKind::ALL {
            let key = DocKey {
                board: id.clone(),
                doc,
            };
            self.folds.slot(&key).fetch_add(1, Ordering::SeqCst);
        }
        let existed = self.store.get(&board_key(id))?.is_some();
        let kept: u64 = self.versions(id)?.iter().map(|v| v.meta.bytes).sum();
        let total = self.history_total()?.saturating_sub(kept);
        let mut ops = vec![
            BatchOp::Delete(board_key(id)),
            BatchOp::Put(HISTORY_TOTAL.to_vec(), total.to_be_bytes().to_vec()),
        ];
        for k in self.store.scan_keys(format!("doc/{id}/").as_bytes())? {
            ops.push(BatchOp::Delete(k));
        }
        self.store.apply(ops)?;
        // Old bytes of the board may stay in the store's files: destroy what
        // reads them.
        self.store.erase(id.as_str())?;
        Ok(existed)
    }

    /// Moves the board's last change forward to `at_ms` (never back).
    pub fn touch_board(&self, id: &BoardId, at_ms: u64) -> Result<(), StoreError> {
        if self.get_board(id)?.is_some_and(|r| r.updated_ms < at_ms) {
            self.update_board(id, |r| r.updated_ms = r.updated_ms.max(at_ms))?;
        }
        Ok(())
    }

    /// Adds one access-log entry.
    pub fn put_access(&self, entry: &tafel_shared::api::AccessEntry) -> Result<(), StoreError> {
        let value = serde_json::to_vec(entry).map_err(StoreError::io)?;
        self.store
            .apply(vec![BatchOp::Put(access_key(entry.at_ms), value)])
    }

    /// Access-log entries since `since_ms`, oldest first.
    pub fn access_log(
        &self,
        since_ms: u64,
    ) -> Result<Vec<tafel_shared::api::AccessEntry>, StoreError> {
        self.store
            .scan_prefix(b"access/")?
            .into_iter()
            .filter(|(k, _)| access_time(k).is_some_and(|t| t >= since_ms))
            .map(|(_, v)| {
                serde_json::from_slice(&v)
                    .map_err(|e| StoreError::Corrupt(format!("access log: {e}")))
            })
            .collect()
    }

    /// Removes access-log entries from before `before_ms`; returns how many.
    pub fn prune_access(&self, before_ms: u64) -> Result<usize, StoreError> {
        let old: Vec<BatchOp> = self
            .store
            .scan_keys(b"access/")?
            .into_iter()
            .filter(|k| access_time(k).is_some_and(|t| t < before_ms))
            .map(BatchOp::Delete)
            .collect();
        let n = old.len();
        if n > 0 {
            self.store.apply(old)?;
        }
        Ok(n)
    }

    /// A backup of everything stored ([`crate::backup`]); run it on the
    /// storage writer for a consistent cut.
    pub fn backup(&self) -> Result<Vec<u8>, StoreError> {
        crate::backup::write(&*self.store)
    }

    /// Bytes stored for a board: its record and every value under it.
    pub fn board_bytes(&self, id: &BoardId) -> Result<u64, StoreError> {
        let record = self.store.get(&board_key(id))?.map_or(0, |v| v.len());
        let under: usize = self
            .store
            .scan_prefix(format!("doc/{id}/").as_bytes())?
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum();
        Ok((record + under) as u64)
    }

    /// Number of keys stored for a board (0 once it is deleted).
    pub fn count_board_keys(&self, id: &BoardId) -> Result<usize, StoreError> {
        Ok(self.store.get(&board_key(id))?.iter().count()
            + self.store.scan_keys(format!("doc/{id}/").as_bytes())?.len())
    }

    /// [`Self::load_doc`] read again until no compaction of the document ran
    /// meanwhile: the snapshot and the log are two reads, and one that lands
    /// between them (a new snapshot, the merged log dropped) would tear it.
    pub fn load_doc_settled(&self, key: &DocKey) -> Result<StoredDoc, StoreError> {
        for _ in 0..UPDATE_ATTEMPTS {
            let epoch = self.fold_epoch(key);
            let stored = self.load_doc(key)?;
            if self.fold_epoch(key) == epoch {
                return Ok(stored);
            }
        }
        Err(StoreError::io(
            "a document kept being folded while it was read",
        ))
    }

    /// What a fold of `key`'s log up to `upto` merges: the snapshot and the
    /// entries it lacks up to `upto`. The entries are read a group at a time
    /// (the numbers that share all but their last byte, 256 at most), each
    /// group a read of its own: a read holds up the storage writer, and with
    /// it every room's writes, and one read of a big board's 14,500 entries
    /// held it for 13–60 ms (BENCHMARKS.md). Not one consistent read: a
    /// compaction that lands meanwhile can tear it, so the caller checks the
    /// fold epoch, as a fold does. (A store that locks nothing for a read,
    /// PostgreSQL, gains nothing by the groups and pays a round trip for
    /// each: tens of milliseconds on the fold thread for a long log.)
    pub fn load_doc_upto(&self, key: &DocKey, upto: u64) -> Result<StoredDoc, StoreError> {
        // The mark before the snapshot: a compaction that lands in between
        // leaves a newer snapshot, which holds everything up to the mark read.
        let folded_upto = self.load_folded_upto(key)?;
        let snapshot = self.store.get(&key.key("snap"))?;
        let first = folded_upto + 1;
        let mut log = Vec::new();
        if first <= upto {
            for group in (first >> 8)..=(upto >> 8) {
                let mut prefix = key.numbered("log/", group << 8);
                prefix.pop();
                for (k, update) in self.store.scan_prefix(&prefix)? {
                    let seq = decode_seq(&k)?;
                    if (first..=upto).contains(&seq) {
                        log.push((seq, update));
                    }
                }
            }
        }
        Ok(StoredDoc {
            snapshot,
            log,
            workshop: self.store.get(&key.key("workshop"))?,
            activity: self.store.get(&key.key("activity"))?,
            folded_upto,
        })
    }

    /// A document's snapshot and log.
    pub fn load_doc(&self, key: &DocKey) -> Result<StoredDoc, StoreError> {
        let snapshot = self.store.get(&key.key("snap"))?;
        let log = self
            .store
            .scan_prefix(&key.key("log/"))?
            .into_iter()
            .map(|(k, v)| Ok((decode_seq(&k)?, v)))
            .collect::<Result<_, StoreError>>()?;
        let workshop = self.store.get(&key.key("workshop"))?;
        let activity = self.store.get(&key.key("activity"))?;
        let folded_upto = self.load_folded_upto(key)?;
        Ok(StoredDoc {
            snapshot,
            log,
            workshop,
            activity,
            folded_upto,
        })
    }

    /// The last log entry a compaction of `key` merged (0 before the first).
    fn load_folded_upto(&self, key: &DocKey) -> Result<u64, StoreError> {
        match self.store.get(&key.key("folded"))? {
            None => Ok(0),
            Some(mark) => Ok(u64::from_be_bytes(mark.try_into().map_err(|_| {
                StoreError::Corrupt(format!("{key}: the compaction mark is not a number"))
            })?)),
        }
    }

    /// Replaces who-changed-what kept beside a document (not yet flushed).
    pub fn put_activity(&self, key: &DocKey, state: &[u8]) -> Result<(), StoreError> {
        self.store
            .apply(vec![BatchOp::Put(key.key("activity"), state.to_vec())])
    }

    /// Who-changed-what kept beside a document, if any.
    pub fn activity(&self, key: &DocKey) -> Result<Option<Vec<u8>>, StoreError> {
        self.store.get(&key.key("activity"))
    }

    /// The workshop state kept beside a board's content (JSON), if any.
    pub fn workshop(&self, board: &BoardId) -> Result<Option<Vec<u8>>, StoreError> {
        self.store.get(&Self::content_key(board).key("workshop"))
    }

    /// Replaces the workshop state kept beside a document (not yet flushed).
    pub fn put_workshop(&self, key: &DocKey, state: &[u8]) -> Result<(), StoreError> {
        self.store
            .apply(vec![BatchOp::Put(key.key("workshop"), state.to_vec())])
    }

    /// Appends one update to a document's log (not yet flushed).
    pub fn append_update(&self, key: &DocKey, seq: u64, update: &[u8]) -> Result<(), StoreError> {
        self.store.apply(vec![BatchOp::Put(
            key.numbered("log/", seq),
            update.to_vec(),
        )])
    }

    /// Replaces the snapshot with `snapshot` and drops log entries up to `upto_seq`,
    /// atomically: a crash leaves either the old snapshot and full log or the new
    /// snapshot and the rest of the log.
    pub fn compact(&self, key: &DocKey, snapshot: &[u8], upto_seq: u64) -> Result<(), StoreError> {
        self.compact_with(
            key,
            BatchOp::Put(key.key("snap"), snapshot.to_vec()),
            upto_seq,
            usize::MAX,
        )?;
        Ok(())
    }

    /// Writes `snapshot`, merged off the writer, ahead of the batch that will
    /// make it `key`'s snapshot ([`Store::prepare`]), on the caller's thread.
    pub fn prepare_snapshot(
        &self,
        key: &DocKey,
        snapshot: Vec<u8>,
    ) -> Result<PreparedValue, StoreError> {
        self.store.prepare(&key.key("snap"), snapshot)
    }

    /// Sets the snapshot and drops at most `most_drops` of the log entries up
    /// to `upto_seq` in one batch; returns the ones left.
    fn compact_with(
        &self,
        key: &DocKey,
        put: BatchOp,
        upto_seq: u64,
        most_drops: usize,
    ) -> Result<Vec<Vec<u8>>, StoreError> {
        let mut merged = Vec::new();
        for k in self.store.scan_keys(&key.key("log/"))? {
            if decode_seq(&k)? <= upto_seq {
                merged.push(k);
            }
        }
        let left = merged.split_off(merged.len().min(most_drops));
        // Never lowered: numbers once given stay given.
        let folded = upto_seq.max(self.load_folded_upto(key)?);
        let mut ops = vec![
            put,
            BatchOp::Put(key.key("folded"), folded.to_be_bytes().to_vec()),
        ];
        ops.extend(merged.into_iter().map(BatchOp::Delete));
        // Counted before and after: a read that saw the epoch unchanged
        // across it saw no part of this batch (`load_doc_settled`).
        self.folds.slot(key).fetch_add(1, Ordering::SeqCst);
        let applied = self.store.apply(ops);
        self.folds.slot(key).fetch_add(1, Ordering::SeqCst);
        applied?;
        Ok(left)
    }

    /// Drops log entries a stored snapshot holds already (left by
    /// [`Self::compact_if_unchanged`]).
    pub fn drop_log_entries(&self, keys: Vec<Vec<u8>>) -> Result<(), StoreError> {
        self.store
            .apply(keys.into_iter().map(BatchOp::Delete).collect())
    }

    /// Which compaction of `key` the store holds: read it with the stored
    /// document, and hand it to [`Self::compact_if_unchanged`].
    pub fn fold_epoch(&self, key: &DocKey) -> u64 {
        self.folds.slot(key).load(Ordering::SeqCst)
    }

    /// [`Self::compact`] with a snapshot merged from what was stored at
    /// `epoch`, unless another compaction of the document ran since (its
    /// snapshot may hold entries this one lacks): `None` then. Drops at most
    /// [`LOG_DROPS_PER_BATCH`] merged log entries with it and returns the rest,
    /// for [`Self::drop_log_entries`] in batches of their own.
    pub fn compact_if_unchanged(
        &self,
        key: &DocKey,
        snapshot: PreparedValue,
        upto_seq: u64,
        epoch: u64,
    ) -> Result<Option<Vec<Vec<u8>>>, StoreError> {
        if self.fold_epoch(key) != epoch {
            return Ok(None);
        }
        debug_assert_eq!(snapshot.key(), key.key("snap"));
        self.compact_with(
            key,
            BatchOp::PutPrepared(snapshot),
            upto_seq,
            LOG_DROPS_PER_BATCH,
        )
        .map(Some)
    }

    /// Keeps a full state for history, and drops the oldest beyond `keep`.
    pub fn put_history(
        &self,
        key: &DocKey,
        at_ms: u64,
        state: NewState,
        keep: usize,
    ) -> Result<(), StoreError> {
        let mut ops = vec![state.into_op(key.numbered("hist/", at_ms))];
        let existing = self.history(key)?;
        // The new entry counts towards `keep`.
        let excess = (existing.len() + 1).saturating_sub(keep);
        for at in existing.into_iter().filter(|t| *t != at_ms).take(excess) {
            ops.push(BatchOp::Delete(key.numbered("hist/", at)));
        }
        self.store.apply(ops)
    }

    /// Times of the kept history states, oldest first.
    pub fn history(&self, key: &DocKey) -> Result<Vec<u64>, StoreError> {
        self.store
            .scan_keys(&key.key("hist/"))?
            .iter()
            .map(|k| decode_seq(k))
            .collect()
    }

    /// One kept history state.
    pub fn history_state(&self, key: &DocKey, at_ms: u64) -> Result<Option<Vec<u8>>, StoreError> {
        self.store.get(&key.numbered("hist/", at_ms))
    }

    /// A document's current stored state (snapshot and log) as one update;
    /// `None` if nothing is stored. Updates that do not apply are skipped, as
    /// when a room loads.
    pub fn doc_state(&self, key: &DocKey) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.load_doc(key)?.merged(u64::MAX))
    }

    fn content_key(board: &BoardId) -> DocKey {
        DocKey {
            board: board.clone(),
            doc: DocKind::Content,
        }
    }

    /// Keeps a board version taken at `at_ms`: the state of each document in
    /// `states`, and `meta` (a version already kept at `at_ms` keeps its name and
    /// adds the active people). Then drops the oldest unnamed versions beyond the
    /// limits. Reads only the versions' small metadata, never their states.
    pub fn put_version(
        &self,
        board: &BoardId,
        at_ms: u64,
        states: &[(DocKind, Vec<u8>)],
        meta: VersionMeta,
        limits: HistoryLimits,
    ) -> Result<bool, StoreError> {
        let states = states
            .iter()
            .map(|(doc, state)| (*doc, NewState::Plain(state.clone())))
            .collect();
        self.put_version_states(board, at_ms, states, meta, limits)
    }

    /// Writes a version's states (merged off the writer) ahead of the batch
    /// that [`Self::put_version_states`] will make of them, on the caller's thread.
    pub fn prepare_version(
        &self,
        board: &BoardId,
        at_ms: u64,
        states: Vec<(DocKind, Vec<u8>)>,
    ) -> Result<Vec<(DocKind, NewState)>, StoreError> {
        states
            .into_iter()
            .map(|(doc, state)| {
                let key = DocKey {
                    board: board.clone(),
                    doc,
                };
                let prepared = self.store.prepare(&key.numbered("hist/", at_ms), state)?;
                Ok((doc, NewState::Prepared(prepared)))
            })
            .collect()
    }

    /// [`Self::put_version`], with states that may be written ahead.
    pub fn put_version_states(
        &self,
        board: &BoardId,
        at_ms: u64,
        states: Vec<(DocKind, NewState)>,
        mut meta: VersionMeta,
        limits: HistoryLimits,
    ) -> Result<bool, StoreError> {
        let content = Self::content_key(board);
        let (mut versions, legacy) = self.versions_read(board)?;
        let before: u64 = if legacy {
            0
        } else {
            versions.iter().map(|v| v.meta.bytes).sum()
        };
        if let Some(old) = versions.iter().find(|v| v.at_ms == at_ms) {
            meta.name = meta.name.or_else(|| old.meta.name.clone());
            for id in &old.meta.active {
                if !meta.active.contains(id) {
                    meta.active.push(id.clone());
                }
            }
        }
        meta.bytes = states.iter().map(|(_, s)| s.len() as u64).sum();
        let total = self.history_total()?;
        let replaced = versions
            .iter()
            .find(|v| v.at_ms == at_ms)
            .map_or(0, |v| v.meta.bytes);
        if total.saturating_sub(replaced) + meta.bytes > limits.max_total_bytes {
            tracing::warn!(
                board = %board,
                total,
                "history storage is full: this version is not kept"
            );
            return Ok(false);
        }
        let mut ops = Vec::new();
        for (doc, state) in states {
            let key = DocKey {
                board: board.clone(),
                doc,
            };
            ops.push(state.into_op(key.numbered("hist/", at_ms)));
        }
        ops.push(BatchOp::Put(
            content.numbered("hmeta/", at_ms),
            encode_meta(&meta)?,
        ));
        versions.retain(|v| v.at_ms != at_ms);
        if legacy {
            for v in &versions {
                ops.push(BatchOp::Put(
                    content.numbered("hmeta/", v.at_ms),
                    encode_meta(&v.meta)?,
                ));
            }
        }
        versions.push(Version { at_ms, meta });
        versions.sort_by_key(|v| v.at_ms);
        let mut unnamed = versions.iter().filter(|v| v.meta.name.is_none()).count();
        let mut bytes: u64 = versions.iter().map(|v| v.meta.bytes).sum();
        for v in &versions {
            if unnamed <= limits.keep && bytes <= limits.max_board_bytes {
                break;
            }
            if v.meta.name.is_some() || v.at_ms == at_ms {
                continue;
            }
            ops.extend(self.version_deletes(board, v.at_ms));
            unnamed -= 1;
            bytes = bytes.saturating_sub(v.meta.bytes);
        }
        // `bytes` is what this board keeps now; before, the total counted `before`.
        let total = (total + bytes).saturating_sub(before);
        ops.push(BatchOp::Put(
            HISTORY_TOTAL.to_vec(),
            total.to_be_bytes().to_vec(),
        ));
        self.store.apply(ops)?;
        Ok(true)
    }

    /// Bytes of all boards' versions, as counted when they were kept.
    pub fn history_total(&self) -> Result<u64, StoreError> {
        Ok(self
            .store
            .get(HISTORY_TOTAL)?
            .and_then(|v| v.try_into().ok())
            .map_or(0, u64::from_be_bytes))
    }

    fn version_deletes(&self, board: &BoardId, at_ms: u64) -> Vec<BatchOp> {
        let mut ops: Vec<BatchOp> = VERSIONED
            .iter()
            .map(|doc| {
                let key = DocKey {
                    board: board.clone(),
                    doc: *doc,
                };
                BatchOp::Delete(key.numbered("hist/", at_ms))
            })
            .collect();
        ops.push(BatchOp::Delete(
            Self::content_key(board).numbered("hmeta/", at_ms),
        ));
        ops
    }

    /// Every kept version of a board, oldest first.
    pub fn versions(&self, board: &BoardId) -> Result<Vec<Version>, StoreError> {
        Ok(self.versions_read(board)?.0)
    }

    /// The versions, and whether they were found without metadata (kept before
    /// metadata was): then the states are read once for their sizes, and the
    /// next [`Storage::put_version`] writes the metadata.
    fn versions_read(&self, board: &BoardId) -> Result<(Vec<Version>, bool), StoreError> {
        let content = Self::content_key(board);
        let mut out: BTreeMap<u64, VersionMeta> = BTreeMap::new();
        for (k, v) in self.store.scan_prefix(&content.key("hmeta/"))? {
            out.insert(decode_seq(&k)?, decode_meta(&v)?);
        }
        let legacy = out.is_empty();
        if legacy {
            for (k, v) in self.store.scan_prefix(&content.key("hist/"))? {
                let bytes = v.len() as u64;
                out.insert(
                    decode_seq(&k)?,
                    VersionMeta {
                        bytes,
                        ..VersionMeta::default()
                    },
                );
            }
        }
        let versions = out
            .into_iter()
            .map(|(at_ms, meta)| Version { at_ms, meta })
            .collect();
        Ok((versions, legacy))
    }

    /// The state of `doc` in the version taken at `at_ms`: kept with it, or (for
    /// a version taken before its layer was kept with it) the layer's newest
    /// state kept before then. `None`: the document had no state kept by then.
    pub fn version_state(
        &self,
        board: &BoardId,
        doc: DocKind,
        at_ms: u64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let key = DocKey {
            board: board.clone(),
            doc,
        };
        if let Some(state) = self.history_state(&key, at_ms)? {
            return Ok(Some(state));
        }
        if doc == DocKind::Content {
            return Ok(None);
        }
        let before = self.history(&key)?.into_iter().rfind(|t| *t <= at_ms);
        match before {
            Some(t) => self.history_state(&key, t),
            None => Ok(None),
        }
    }

    /// Names a version (or takes its name away); `false` if there is no such
    /// version.
    pub fn name_version(
        &self,
        board: &BoardId,
        at_ms: u64,
        name: Option<String>,
    ) -> Result<bool, StoreError> {
        let Some(mut v) = self.versions(board)?.into_iter().find(|v| v.at_ms == at_ms) else {
            return Ok(false);
        };
        v.meta.name = name;
        let key = Self::content_key(board).numbered("hmeta/", at_ms);
        self.store
            .apply(vec![BatchOp::Put(key, encode_meta(&v.meta)?)])?;
        Ok(true)
    }

    /// Keeps a picture for a board, unless it is there already or would pass
    /// `quota` bytes of originals for the board. Run on the writer, so two
    /// uploads cannot both squeeze under the quota.
    pub fn put_file(
        &self,
        board: &BoardId,
        file: &Prepared,
        quota: u64,
    ) -> Result<PutFile, StoreError> {
        let hash = &file.info.hash;
        if self.store.get(&file_key(board, "meta", hash))?.is_some() {
            return Ok(PutFile::Existed);
        }
        let used = self.files_used(board)?;
        if used + file.info.bytes > quota {
            return Ok(PutFile::OverQuota { used });
        }
        let meta = StoredFile {
            info: file.info.clone(),
            display_mime: file.display.as_ref().map(|(m, _)| (*m).to_owned()),
            small_mime: file.small.as_ref().map(|(m, _)| (*m).to_owned()),
        };
        let mut ops = vec![
            BatchOp::Put(file_key(board, "orig", hash), file.original.clone()),
            BatchOp::Put(
                file_key(board, "meta", hash),
                serde_json::to_vec(&meta).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            ),
        ];
        if let Some((_, bytes)) = &file.display {
            ops.push(BatchOp::Put(file_key(board, "disp", hash), bytes.clone()));
        }
        if let Some((_, bytes)) = &file.small {
            ops.push(BatchOp::Put(file_key(board, "small", hash), bytes.clone()));
        }
        self.store.apply(ops)?;
        Ok(PutFile::Stored)
    }

    /// Gives board `to` every picture of board `from`.
    pub fn copy_files(&self, from: &BoardId, to: &BoardId) -> Result<(), StoreError> {
        let prefix = format!("doc/{from}/files/");
        let ops = self
            .store
            .scan_prefix(prefix.as_bytes())?
            .into_iter()
            .map(|(k, v)| {
                let mut key = format!("doc/{to}/files/").into_bytes();
                key.extend_from_slice(&k[prefix.len()..]);
                BatchOp::Put(key, v)
            })
            .collect();
        self.store.apply(ops)
    }

    /// Every picture of a board, in hash order.
    pub fn files(&self, board: &BoardId) -> Result<Vec<StoredFile>, StoreError> {
        self.store
            .scan_prefix(format!("doc/{board}/files/meta/").as_bytes())?
            .iter()
            .map(|(_, v)| decode_file(v))
            .collect()
    }

    /// Bytes of all of a board's originals: what its quota bounds.
    pub fn files_used(&self, board: &BoardId) -> Result<u64, StoreError> {
        Ok(self.files(board)?.iter().map(|f| f.info.bytes).sum())
    }

    /// What is known of one picture.
    pub fn file(&self, board: &BoardId, hash: &str) -> Result<Option<StoredFile>, StoreError> {
        self.store
            .get(&file_key(board, "meta", hash))?
            .map(|v| decode_file(&v))
            .transpose()
    }

    /// One version of a picture's bytes (see [`FileVersion`] for what stands in
    /// for a version a small picture does not have).
    pub fn file_bytes(
        &self,
        board: &BoardId,
        hash: &str,
        version: FileVersion,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let parts: &[&str] = match version {
            FileVersion::Original => &["orig"],
            FileVersion::Canvas => &["disp", "orig"],
            FileVersion::Small => &["small", "disp", "orig"],
        };
        for part in parts {
            if let Some(bytes) = self.store.get(&file_key(board, part, hash))? {
                return Ok(Some(bytes));
            }
        }
        Ok(None)
    }

    /// The operator token's hash, if one was set up.
    pub fn operator_hash(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .store
            .get(b"operator")?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    /// Records the operator token's hash.
    pub fn set_operator_hash(&self, hash: &str) -> Result<(), StoreError> {
        self.store.apply(vec![BatchOp::Put(
            b"operator".to_vec(),
            hash.as_bytes().to_vec(),
        )])
    }
}

fn file_key(board: &BoardId, part: &str, hash: &str) -> Vec<u8> {
    format!("doc/{board}/files/{part}/{hash}").into_bytes()
}

fn decode_file(v: &[u8]) -> Result<StoredFile, StoreError> {
    serde_json::from_slice(v).map_err(|e| StoreError::Corrupt(format!("file metadata: {e}")))
}

fn encode_meta(m: &VersionMeta) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(m).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn decode_meta(v: &[u8]) -> Result<VersionMeta, StoreError> {
    serde_json::from_slice(v).map_err(|e| StoreError::Corrupt(format!("version metadata: {e}")))
}

fn encode_record(r: &BoardRecord) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(r).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn decode_record(v: &[u8]) -> Result<BoardRecord, StoreError> {
    serde_json::from_slice(v).map_err(|e| StoreError::Corrupt(format!("board record: {e}")))
}

/// The contract of the domain layer, run over every [`Store`].
#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MemoryStore, SledStore};

    #[test]
    fn a_snapshot_and_its_log_merge_into_one_state_even_past_a_broken_entry() {
        use yrs::updates::decoder::Decode;
        use yrs::{GetString, Text, Transact};
        let doc = yrs::Doc::with_client_id(7);
        let text = doc.get_or_insert_text("t");
        let mut parts = Vec::new();
        for word in ["one ", "two ", "three"] {
            let mut txn = doc.transact_mut();
            let end = text.len(&txn);
            text.insert(&mut txn, end, word);
            parts.push(txn.encode_update_v1());
        }
        let text_of = |state: &[u8]| {
            let replica = yrs::Doc::new();
            let t = replica.get_or_insert_text("t");
            replica
                .transact_mut()
                .apply_update(yrs::Update::decode_v1(state).unwrap())
                .unwrap();
            let txn = replica.transact();
            t.get_string(&txn)
        };
        let all: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        assert_eq!(text_of(&merge_states(&all)), "one two three");
        let broken: Vec<&[u8]> = vec![&parts[0], b"\xff\xff", &parts[1], &parts[2]];
        assert_eq!(text_of(&merge_states(&broken)), "one two three");
        assert_eq!(merge_states(&all[..1]), parts[0], "one part is itself");
    }

    /// A fold's read holds the store (and so its writer) for one group of the
    /// log at a time, and reads only what the snapshot lacks.
    #[test]
    fn a_fold_reads_the_log_a_group_at_a_time_and_only_what_the_snapshot_lacks() {
        let store = Arc::new(MemoryStore::default());
        let storage = Storage::new(Arc::clone(&store) as _);
        let key = DocKey {
            board: board('g'),
            doc: DocKind::Content,
        };
        for seq in 1..=1_000u64 {
            storage
                .append_update(&key, seq, &seq.to_be_bytes())
                .unwrap();
        }
        let seqs = |stored: &StoredDoc| stored.log.iter().map(|(s, _)| *s).collect::<Vec<_>>();
        let stored = storage.load_doc_upto(&key, 900).unwrap();
        assert_eq!(seqs(&stored), (1..=900).collect::<Vec<_>>());
        assert!(stored.log.iter().all(|(s, u)| u[..] == s.to_be_bytes()));
        assert!(
            store.most_scanned() <= 256,
            "one read took {} entries",
            store.most_scanned()
        );

        // Folded up to 300 with its entries still logged (their drop comes in
        // batches of its own): the snapshot holds them, they are not read.
        storage
            .compact_with(&key, BatchOp::Put(key.key("snap"), b"s".to_vec()), 300, 0)
            .unwrap();
        assert_eq!(storage.load_doc(&key).unwrap().log.len(), 1_000);
        let stored = storage.load_doc_upto(&key, 1_000).unwrap();
        assert_eq!(stored.snapshot.as_deref(), Some(&b"s"[..]));
        assert_eq!(seqs(&stored), (301..=1_000).collect::<Vec<_>>());
        assert_eq!(stored.folded_upto, 300);
    }

    /// A fold drops the log entries it merged in batches of their own after
    /// the one that sets the snapshot, so a load may find entries the snapshot
    /// holds already: merged again, they change nothing.
    /// A compaction that merged the whole log leaves no entry to count on:
    /// the next number still follows the last one merged, so a fold still on
    /// its way ("drop entries up to 40") cannot take entries logged after a
    /// reload, and a history read cannot count them as before its time.
    #[test]
    fn numbers_go_on_after_a_compaction_that_emptied_the_log() {
        let storage = Storage::new(Arc::new(MemoryStore::default()));
        let key = DocKey {
            board: board('n'),
            doc: DocKind::Content,
        };
        assert_eq!(storage.load_doc(&key).unwrap().next_seq(), 1);
        for seq in 1..=40 {
            storage.append_update(&key, seq, b"u").unwrap();
        }
        assert_eq!(storage.load_doc(&key).unwrap().next_seq(), 41);
        storage.compact(&key, b"merged", 40).unwrap();
        let stored = storage.load_doc(&key).unwrap();
        assert!(stored.log.is_empty());
        assert_eq!(stored.next_seq(), 41);
        storage.append_update(&key, 41, b"after").unwrap();
        storage.compact(&key, b"merged again", 7).unwrap();
        let stored = storage.load_doc(&key).unwrap();
        assert_eq!(stored.log.len(), 1, "entry 41 is not the snapshot's");
        assert_eq!(stored.next_seq(), 42);
        storage.compact(&key, b"all", 41).unwrap();
        assert_eq!(storage.load_doc(&key).unwrap().next_seq(), 42);
    }

    #[test]
    fn log_entries_a_snapshot_already_holds_change_nothing_when_merged_again() {
        use yrs::updates::decoder::Decode;
        use yrs::{Array, Map, Text, Transact};
        let doc = yrs::Doc::with_client_id(3);
        let other = yrs::Doc::with_client_id(9);
        let mut parts = Vec::new();
        for round in 0..60u32 {
            let editor = if round % 3 == 0 { &other } else { &doc };
            let text = editor.get_or_insert_text("t");
            let map = editor.get_or_insert_map("m");
            let list = editor.get_or_insert_array("a");
            let mut txn = editor.transact_mut();
            let len = text.len(&txn);
            text.insert(&mut txn, len / 2, &format!("w{round} "));
            if round % 4 == 3 && len > 6 {
                text.remove_range(&mut txn, 1, 3);
            }
            map.insert(&mut txn, format!("k{}", round % 7), round);
            if round % 5 == 4 {
                map.remove(&mut txn, "k1");
            }
            list.push_back(&mut txn, round);
            let update = txn.encode_update_v1();
            drop(txn);
            // Both replicas see everything, so later edits build on earlier ones.
            let receiver = if round % 3 == 0 { &doc } else { &other };
            receiver
                .transact_mut()
                .apply_update(yrs::Update::decode_v1(&update).unwrap())
                .unwrap();
            parts.push(update);
        }
        let json_of = |state: &[u8]| {
            let replica = yrs::Doc::new();
            let (t, m, a) = (
                replica.get_or_insert_text("t"),
                replica.get_or_insert_map("m"),
                replica.get_or_insert_array("a"),
            );
            replica
                .transact_mut()
                .apply_update(yrs::Update::decode_v1(state).unwrap())
                .unwrap();
            let txn = replica.transact();
            use yrs::GetString;
            (
                t.get_string(&txn),
                m.iter(&txn)
                    .map(|(k, v)| (k.to_string(), v.to_string(&txn)))
                    .collect::<std::collections::BTreeMap<_, _>>(),
                a.iter(&txn).map(|v| v.to_string(&txn)).collect::<Vec<_>>(),
            )
        };
        let all: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let expected = json_of(&merge_states(&all));
        for folded in [10, 30, 59] {
            let snapshot = merge_states(&all[..folded]);
            for left_from in [0, folded / 2, folded - 1] {
                let mut again: Vec<&[u8]> = vec![&snapshot];
                again.extend(&all[left_from..]);
                assert_eq!(
                    json_of(&merge_states(&again)),
                    expected,
                    "snapshot of {folded}, log from {left_from}"
                );
            }
        }
    }

    fn record(id: &str) -> BoardRecord {
        BoardRecord {
            id: id.into(),
            title: "Retro".into(),
            template: "retrospective".into(),
            created_ms: 1,
            updated_ms: 1,
            token_hashes: Role::ALL
                .iter()
                .map(|r| (*r, hash_token(r.as_str())))
                .collect(),
            revoked: Vec::new(),
            generations: BTreeMap::new(),
            legacy_tokens: BTreeMap::new(),
            saved_template: None,
        }
    }

    fn board(c: char) -> BoardId {
        BoardId::parse(&c.to_string().repeat(22)).unwrap()
    }

    #[test]
    fn a_fold_drops_the_log_it_merged_in_batches_of_their_own() {
        let storage = Storage::new(Arc::new(MemoryStore::default()));
        let key = DocKey {
            board: board('f'),
            doc: DocKind::Content,
        };
        for seq in 1..=2_500u64 {
            storage.append_update(&key, seq, b"u").unwrap();
        }
        let epoch = storage.fold_epoch(&key);
        let snapshot = storage.prepare_snapshot(&key, b"merged".to_vec()).unwrap();
        let left = storage
            .compact_if_unchanged(&key, snapshot, 2_400, epoch)
            .unwrap()
            .expect("nothing else folded");
        assert_eq!(left.len(), 2_400 - LOG_DROPS_PER_BATCH);
        let stored = storage.load_doc(&key).unwrap();
        assert_eq!(stored.snapshot.as_deref(), Some(&b"merged"[..]));
        assert_eq!(stored.log.len(), 2_500 - LOG_DROPS_PER_BATCH);
        storage.drop_log_entries(left).unwrap();
        let seqs: Vec<u64> = storage
            .load_doc(&key)
            .unwrap()
            .log
            .iter()
            .map(|(seq, _)| *seq)
            .collect();
        assert_eq!(seqs, (2_401..=2_500).collect::<Vec<_>>());
        // A fold that read before this one gives way.
        let late = storage.prepare_snapshot(&key, b"older".to_vec()).unwrap();
        assert!(storage
            .compact_if_unchanged(&key, late, 2_000, epoch)
            .unwrap()
            .is_none());
    }

    /// A fold merged before its board was deleted must not write a snapshot
    /// back (on a sealed store, that write would fail and halt the writer).
    #[test]
    fn a_fold_on_its_way_gives_way_to_the_deletion_of_its_board() {
        let storage = Storage::new(Arc::new(MemoryStore::default()));
        let b = board('g');
        storage
            .create_board(&record(b.as_str()), &[(DocKind::Content, b"snap".to_vec())])
            .unwrap();
        let key = DocKey {
            board: b.clone(),
            doc: DocKind::Content,
        };
        storage.append_update(&key, 1, b"u").unwrap();
        let epoch = storage.fold_epoch(&key);
        let snapshot = storage.prepare_snapshot(&key, b"merged".to_vec()).unwrap();
        storage.delete_board(&b).unwrap();
        assert!(storage
            .compact_if_unchanged(&key, snapshot, 1, epoch)
            .unwrap()
            .is_none());
        assert_eq!(
            storage.count_board_keys(&b).unwrap(),
            0,
            "nothing written back"
        );
    }

    fn contract(storage: Storage) {
        let a = board('a');
        let b = board('b');
        storage
            .create_board(
                &record(a.as_str()),
                &[(DocKind::Content, b"snap-a".to_vec())],
            )
            .unwrap();
        storage
            .create_board(
                &record(b.as_str()),
                &[(DocKind::Content, b"snap-b".to_vec())],
            )
            .unwrap();
        assert_eq!(storage.get_board(&a).unwrap(), Some(record(a.as_str())));
        assert_eq!(storage.list_boards().unwrap().len(), 2);
        assert_eq!(
            storage.get_board(&a).unwrap().unwrap().role_for("editor"),
            Some(Role::Editor)
        );
        assert_eq!(
            storage.get_board(&a).unwrap().unwrap().role_for("nope"),
            None
        );

        // Log order follows sequence numbers, not insertion or string order.
        let key = DocKey {
            board: a.clone(),
            doc: DocKind::Content,
        };
        for seq in [1u64, 2, 256, 3] {
            storage
                .append_update(&key, seq, &seq.to_le_bytes())
                .unwrap();
        }
        let loaded = storage.load_doc(&key).unwrap();
        assert_eq!(loaded.snapshot.as_deref(), Some(&b"snap-a"[..]));
        assert_eq!(
            loaded.log.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
            vec![1, 2, 3, 256]
        );

        storage.compact(&key, b"merged", 3).unwrap();
        let loaded = storage.load_doc(&key).unwrap();
        assert_eq!(loaded.snapshot.as_deref(), Some(&b"merged"[..]));
        assert_eq!(
            loaded.log.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
            vec![256]
        );

        for t in 1..=5 {
            storage
                .put_history(&key, t * 1000, b"h".to_vec().into(), 3)
                .unwrap();
        }
        assert_eq!(storage.history(&key).unwrap(), vec![3000, 4000, 5000]);
        assert_eq!(
            storage.history_state(&key, 4000).unwrap().as_deref(),
            Some(&b"h"[..])
        );

        // Deleting one board erases all of its keys and none of the other's.
        let comments = DocKey {
            board: a.clone(),
            doc: DocKind::Comments,
        };
        storage.append_update(&comments, 1, b"c").unwrap();
        assert!(storage.count_board_keys(&a).unwrap() > 3);
        let before_b = storage.count_board_keys(&b).unwrap();
        assert!(storage.delete_board(&a).unwrap());
        assert_eq!(storage.count_board_keys(&a).unwrap(), 0);
        assert_eq!(storage.get_board(&a).unwrap(), None);
        assert_eq!(storage.count_board_keys(&b).unwrap(), before_b);
        assert!(!storage.delete_board(&a).unwrap());

        storage.set_operator_hash("abc").unwrap();
        assert_eq!(storage.operator_hash().unwrap().as_deref(), Some("abc"));
        storage.flush().unwrap();
    }

    /// Renames and token rotations race on one record from two threads, many
    /// rounds: every rotation must survive (its old token stays revoked), and the
    /// last rename's title is kept.
    fn concurrent_updates_never_undo_each_other(storage: Storage) {
        let a = board('a');
        storage.create_board(&record(a.as_str()), &[]).unwrap();
        const ROUNDS: usize = 300;
        std::thread::scope(|scope| {
            let renamer = storage.clone();
            let id = a.clone();
            scope.spawn(move || {
                for round in 0..ROUNDS {
                    renamer
                        .update_board(&id, |r| r.title = format!("title {round}"))
                        .unwrap()
                        .unwrap();
                }
            });
            let rotator = storage.clone();
            let id = a.clone();
            scope.spawn(move || {
                for round in 0..ROUNDS {
                    rotator
                        .update_board(&id, |r| {
                            let hash = hash_token(&format!("editor-{round}"));
                            if let Some(old) = r.token_hashes.insert(Role::Editor, hash) {
                                r.revoked.push(old);
                            }
                        })
                        .unwrap()
                        .unwrap();
                }
            });
        });
        let end = storage.get_board(&a).unwrap().unwrap();
        assert_eq!(end.title, format!("title {}", ROUNDS - 1));
        assert_eq!(
            end.role_for(&format!("editor-{}", ROUNDS - 1)),
            Some(Role::Editor)
        );
        assert_eq!(
            end.revoked.len(),
            ROUNDS,
            "a rotation was undone by a rename"
        );
        for round in 0..ROUNDS - 1 {
            assert_eq!(end.role_for(&format!("editor-{round}")), None);
        }
        assert_eq!(
            storage.update_board(&board('z'), |_| {}).unwrap(),
            None,
            "an unknown board is not created by an update"
        );
    }

    #[test]
    fn memory_storage_keeps_racing_record_updates() {
        concurrent_updates_never_undo_each_other(Storage::new(Arc::new(MemoryStore::default())));
    }

    #[test]
    fn sled_storage_keeps_racing_record_updates() {
        let dir = tempfile::tempdir().unwrap();
        concurrent_updates_never_undo_each_other(Storage::new(Arc::new(
            SledStore::open(dir.path()).unwrap(),
        )));
    }

    #[test]
    fn plain_tokens_an_older_tafel_stored_are_dropped_and_their_links_still_open() {
        let store = Arc::new(MemoryStore::default());
        let storage = Storage::new(store.clone());
        let id = board('o');
        let mut old = serde_json::to_value(record(id.as_str())).unwrap();
        old["tokens"] = serde_json::json!({"editor": "plain-editor-token"});
        store
            .apply(vec![BatchOp::Put(
                board_key(&id),
                serde_json::to_vec(&old).unwrap(),
            )])
            .unwrap();
        assert_eq!(storage.drop_plain_tokens().unwrap(), 1);
        let raw = store.get(&board_key(&id)).unwrap().unwrap();
        assert!(
            !String::from_utf8_lossy(&raw).contains("plain-editor-token"),
            "the plain token is gone from the record"
        );
        let kept = storage.get_board(&id).unwrap().unwrap();
        assert_eq!(kept.role_for(Role::Editor.as_str()), Some(Role::Editor));
        assert_eq!(storage.drop_plain_tokens().unwrap(), 0, "once is enough");
    }

    #[test]
    fn the_access_log_reads_in_time_order_and_drops_what_is_past_its_days() {
        use tafel_shared::api::{AccessAction, AccessEntry};
        let storage = Storage::new(Arc::new(MemoryStore::default()));
        let entry = |at_ms| AccessEntry {
            at_ms,
            action: AccessAction::Open,
            board: Some("b".into()),
            role: Some(Role::Viewer),
            address: Some("192.0.2.1".into()),
            detail: None,
        };
        for at in [300, 100, 200, 100] {
            storage.put_access(&entry(at)).unwrap();
        }
        let times = |since| -> Vec<u64> {
            storage
                .access_log(since)
                .unwrap()
                .iter()
                .map(|e| e.at_ms)
                .collect()
        };
        assert_eq!(times(0), [100, 100, 200, 300]);
        assert_eq!(times(150), [200, 300]);
        assert_eq!(storage.prune_access(200).unwrap(), 2);
        assert_eq!(times(0), [200, 300]);
    }

    #[test]
    fn sealed_storage_passes_the_contract() {
        let dir = tempfile::tempdir().unwrap();
        let sealed =
            crate::sealed::Sealed::open(MemoryStore::default(), dir.path(), [5; 32], false)
                .unwrap();
        contract(Storage::new(Arc::new(sealed)));
    }

    #[test]
    fn memory_storage_passes_the_contract() {
        contract(Storage::new(Arc::new(MemoryStore::default())));
    }

    #[test]
    fn sled_storage_passes_the_contract() {
        let dir = tempfile::tempdir().unwrap();
        contract(Storage::new(Arc::new(SledStore::open(dir.path()).unwrap())));
    }

    #[test]
    fn versions_keep_names_drop_the_oldest_unnamed_and_stay_within_bytes() {
        let storage = Storage::new(Arc::new(MemoryStore::default()));
        let a = board('a');
        let limits = HistoryLimits {
            keep: 2,
            max_board_bytes: 1_000,
            max_total_bytes: u64::MAX,
        };
        let put = |at: u64, bytes: usize, name: Option<&str>| {
            let meta = VersionMeta {
                name: name.map(str::to_owned),
                active: vec![format!("p{at}")],
                ..VersionMeta::default()
            };
            let states = [
                (DocKind::Content, vec![1u8; bytes]),
                (DocKind::Locked, vec![2u8; 10]),
            ];
            storage.put_version(&a, at, &states, meta, limits).unwrap();
        };
        put(1, 100, Some("Tag 1"));
        put(2, 100, None);
        put(3, 100, None);
        put(4, 100, None);
        let kept =
            |s: &Storage| -> Vec<u64> { s.versions(&a).unwrap().iter().map(|v| v.at_ms).collect() };
        assert_eq!(kept(&storage), [1, 3, 4], "named kept, two unnamed");
        let v1 = &storage.versions(&a).unwrap()[0];
        assert_eq!(
            (v1.meta.name.as_deref(), v1.meta.bytes),
            (Some("Tag 1"), 110)
        );
        assert_eq!(
            storage.version_state(&a, DocKind::Locked, 3).unwrap(),
            Some(vec![2u8; 10])
        );
        assert_eq!(
            storage
                .history_state(
                    &DocKey {
                        board: a.clone(),
                        doc: DocKind::Content
                    },
                    2
                )
                .unwrap(),
            None,
            "dropped whole"
        );
        // Over the byte limit, unnamed versions go (never the new one).
        put(5, 900, None);
        assert_eq!(kept(&storage), [1, 5]);
        assert!(storage.name_version(&a, 5, Some("Ende".into())).unwrap());
        assert!(!storage.name_version(&a, 6, None).unwrap());
        // A second write at the same moment keeps the name and adds who was active.
        put(1, 100, None);
        let v = storage.versions(&a).unwrap();
        assert_eq!(v[0].meta.name.as_deref(), Some("Tag 1"));
        assert_eq!(
            v[0].meta.active,
            vec!["p1".to_owned()],
            "merged, not doubled"
        );
        assert_eq!(
            v[1].meta.name.as_deref(),
            Some("Ende"),
            "named: never dropped"
        );
    }

    #[test]
    fn versions_from_before_metadata_are_listed_and_get_it() {
        let storage = Storage::new(Arc::new(MemoryStore::default()));
        let a = board('a');
        let content = DocKey {
            board: a.clone(),
            doc: DocKind::Content,
        };
        storage
            .put_history(&content, 7, b"old".to_vec().into(), 5)
            .unwrap();
        let v = storage.versions(&a).unwrap();
        assert_eq!((v[0].at_ms, v[0].meta.bytes), (7, 3));
        let limits = HistoryLimits {
            keep: 5,
            max_board_bytes: u64::MAX,
            max_total_bytes: u64::MAX,
        };
        storage
            .put_version(
                &a,
                8,
                &[(DocKind::Content, b"new".to_vec())],
                VersionMeta::default(),
                limits,
            )
            .unwrap();
        let at: Vec<u64> = storage
            .versions(&a)
            .unwrap()
            .iter()
            .map(|v| v.at_ms)
            .collect();
        assert_eq!(at, [7, 8]);
    }

    #[test]
    fn history_is_counted_in_total_and_bounded_by_it() {
        let storage = Storage::new(Arc::new(MemoryStore::default()));
        let (a, b) = (board('a'), board('b'));
        let limits = HistoryLimits {
            keep: 10,
            max_board_bytes: u64::MAX,
            max_total_bytes: 250,
        };
        let put = |board: &BoardId, at: u64, bytes: usize| {
            let states = [(DocKind::Content, vec![0u8; bytes])];
            storage
                .put_version(board, at, &states, VersionMeta::default(), limits)
                .unwrap()
        };
        assert!(put(&a, 1, 100));
        assert!(put(&b, 1, 100));
        assert_eq!(storage.history_total().unwrap(), 200);
        assert!(!put(&a, 2, 100), "over the total: not kept");
        assert_eq!(storage.versions(&a).unwrap().len(), 1);
        assert_eq!(storage.history_total().unwrap(), 200);
        storage.create_board(&record(b.as_str()), &[]).unwrap();
        storage.delete_board(&b).unwrap();
        assert_eq!(
            storage.history_total().unwrap(),
            100,
            "a deleted board's history is uncounted"
        );
        assert!(put(&a, 2, 100));
        assert_eq!(storage.history_total().unwrap(), 200);
    }
}
