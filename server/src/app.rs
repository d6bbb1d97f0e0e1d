//! The state every handler shares ([`App`]), and access checks: which role a token
//! grants on a board. Starting and stopping the server is [`crate::serve`]'s.

use crate::clock::SharedClock;
use crate::config::ServeConfig;
use crate::durability::Committer;
use crate::identity::Identities;
use crate::metrics::Metrics;
use crate::rooms::Rooms;
use crate::storage::{hash_token, BoardRecord, Storage};
use crate::store::StoreError;
use std::sync::Arc;
use tafel_shared::ids::{self, BoardId, ParticipantId};
use tafel_shared::protocol::CloseCode;
use tafel_shared::roles::{DocKind, Role};

/// State shared by every handler.
pub struct App {
    /// The configuration it was started with.
    pub config: ServeConfig,
    /// Board records and documents (read it off the async threads, through
    /// [`App::read`]; write through [`App::committer`]).
    pub storage: Storage,
    /// The storage writer: every write, in order, with group commit.
    pub committer: Arc<Committer>,
    /// The clock every deadline and timestamp reads.
    pub clock: SharedClock,
    /// Loaded documents.
    pub rooms: Arc<Rooms>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Origin for share links.
    pub public_url: String,
    /// Issues and checks participant identities.
    pub identities: Identities,
    /// Derives share tokens (none is stored).
    pub link_key: crate::keys::LinkKey,
    /// Boards created or imported lately, per address.
    pub creations: crate::per_address::PerAddress,
    /// Participant identities issued lately, per address.
    pub issued: crate::per_address::PerAddress,
    /// This node's part in a cluster (cluster mode only).
    pub cluster: Option<Arc<crate::cluster::Cluster>>,
    /// Set once shutdown began: `/readyz` says so, so a load balancer sends
    /// no new sockets while the open ones are closed with 1001.
    pub draining: std::sync::atomic::AtomicBool,
}

/// A socket that passed authentication.
pub struct Authorized {
    /// The board.
    pub board: BoardId,
    /// The document.
    pub doc: DocKind,
    /// The caller's role.
    pub role: Role,
    /// The participant the socket proved to be (`?me=`), or an id for this socket
    /// alone when it brought no valid credential.
    pub participant: ParticipantId,
}

/// Why a token does not open a board.
#[derive(Debug, PartialEq, Eq)]
pub enum AccessError {
    /// No such board (or a malformed id).
    UnknownBoard,
    /// No token, or one that never belonged to this board.
    Unauthorized,
    /// A token that was rotated away.
    Revoked,
    /// The store could not be read.
    Storage,
}

impl App {
    /// Runs a read of the store on a blocking thread, so a slow disk never stalls
    /// the async workers that serve sockets.
    pub async fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Storage) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        // After a halt the store's cache may hold writes the disk never took.
        if let Some(reason) = self.committer.halted() {
            return Err(StoreError::io(format!("storage halted: {reason}")));
        }
        let storage = self.storage.clone();
        tokio::task::spawn_blocking(move || f(&storage))
            .await
            .map_err(StoreError::io)?
    }

    /// The role `token` grants on board `id`, with the board's record.
    pub async fn access(
        &self,
        id: &str,
        token: Option<&str>,
    ) -> Result<(BoardId, BoardRecord, Role), AccessError> {
        let board = BoardId::parse(id).ok_or(AccessError::UnknownBoard)?;
        let lookup = board.clone();
        let record = match self.read(move |s| s.get_board(&lookup)).await {
            Ok(Some(r)) => r,
            Ok(None) => return Err(AccessError::UnknownBoard),
            Err(e) => {
                tracing::error!(error = %e, "could not read a board record");
                return Err(AccessError::Storage);
            }
        };
        // A saved template is stored like a board but is never opened as one.
        if record.saved_template.is_some() {
            return Err(AccessError::UnknownBoard);
        }
        let token = token
            .filter(|t| ids::is_well_formed_token(t))
            .ok_or(AccessError::Unauthorized)?;
        match record.role_for(token) {
            Some(role) => Ok((board, record, role)),
            None if record.revoked.contains(&hash_token(token)) => Err(AccessError::Revoked),
            None => Err(AccessError::Unauthorized),
        }
    }

    /// Authenticates a socket for one document of a board.
    pub async fn authorize_socket(
        &self,
        id: &str,
        doc: DocKind,
        token: Option<&str>,
        credential: Option<&str>,
    ) -> Result<Authorized, CloseCode> {
        match self.access(id, token).await {
            Ok((board, _, role)) => Ok(Authorized {
                board,
                doc,
                role,
                participant: credential
                    .and_then(|c| self.identities.verify(c))
                    .unwrap_or_else(Identities::anonymous),
            }),
            Err(AccessError::UnknownBoard) => Err(CloseCode::UnknownBoard),
            Err(AccessError::Unauthorized) => Err(CloseCode::Unauthorized),
            Err(AccessError::Revoked) => Err(CloseCode::TokenRevoked),
            Err(AccessError::Storage) => Err(CloseCode::StorageFailure),
        }
    }

    /// The share link of a role's token.
    pub fn link(&self, board: &str, token: &str) -> String {
        format!("{}{}", self.public_url, ids::board_link(board, token))
    }
}
