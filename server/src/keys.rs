//! The server's secrets, in a directory of their own outside the data directory
//! (`--keys`, by default `<data>.keys` beside it, mode 0700): the server key that
//! share links are derived from, the participant key and the operator token.
//!
//! Why apart: a copy of the data directory, or a backup of it, must not open any
//! board. The database keeps only hashes of share tokens; the links themselves are
//! derived when a facilitator asks for them, as an HMAC of board, role and the
//! role's generation under the server key (a rotation bumps the generation), so no
//! token is ever stored. Without the key directory a stolen data directory holds
//! no way in; with both, everything (so the operator backs them up separately).

use crate::secret::write_private;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::path::{Path, PathBuf};
use tafel_shared::roles::Role;

/// Files that lived in the data directory before the key directory existed;
/// moved on the first start that finds them there.
const MOVED_FROM_DATA: [&str; 2] = ["operator-token", "participant-key"];

/// `<data>.keys`: the default key directory, beside the data directory.
pub fn default_dir(data: &Path) -> PathBuf {
    // Through components, so "tafel-data/" does not become "tafel-data/.keys".
    let data: PathBuf = data.components().collect();
    let mut name = data.as_os_str().to_owned();
    name.push(".keys");
    PathBuf::from(name)
}

/// The key directory: `keys` when given, else [`default_dir`] of `data`.
pub fn dir_for(data: &Path, keys: Option<&Path>) -> PathBuf {
    keys.map_or_else(|| default_dir(data), Path::to_path_buf)
}

/// Opens (creating it, mode 0700) the key directory, and moves secrets an older
/// Tafel kept in the data directory into it.
pub fn open_dir(keys: &Path, data: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(keys)?;
    for name in MOVED_FROM_DATA {
        let old = data.join(name);
        let new = keys.join(name);
        if old.is_file() && !new.exists() {
            if std::fs::rename(&old, &new).is_err() {
                // Another filesystem: copy, then remove the old one.
                write_private(&new, &std::fs::read_to_string(&old)?)?;
                std::fs::remove_file(&old)?;
            }
            tracing::info!(from = %old.display(), to = %new.display(), "moved a secret out of the data directory");
        }
    }
    Ok(())
}

/// A 32-byte key kept base64-encoded in `path` (mode 0600), created on first use.
pub fn load_or_create(path: &Path) -> std::io::Result<[u8; 32]> {
    use base64::Engine;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    match std::fs::read_to_string(path) {
        Ok(text) => engine
            .decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} is not a key", path.display()),
                )
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = random_key();
            write_private(path, &format!("{}\n", engine.encode(key)))?;
            Ok(key)
        }
        Err(e) => Err(e),
    }
}

/// 32 random bytes.
pub fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    key
}

/// Derives share tokens: the same board, role and generation always give the
/// same token, and nothing but the key gives it.
#[derive(Clone)]
pub struct LinkKey([u8; 32]);

/// The key kept in `<keys>/server-key`, created on first use: the root of the
/// link key and the key that seals the board keys.
pub fn server_key(keys: &Path) -> std::io::Result<[u8; 32]> {
    load_or_create(&keys.join("server-key"))
}

/// A key for one purpose, derived from the server key (HMAC-SHA256 of the
/// purpose), so no two uses share a key.
pub fn derive(server_key: &[u8; 32], purpose: &str) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(server_key).expect("HMAC takes keys of any length");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

/// The key that seals `<data>/board-keys` ([`crate::sealed`]).
pub fn seal_key(keys: &Path) -> std::io::Result<[u8; 32]> {
    Ok(derive(&server_key(keys)?, "tafel board keys"))
}

/// A key every node of a cluster shares, kept in the store under
/// `cluster/{name}` and made by whichever node needs it first (the store is
/// the one thing the nodes share, and whoever reads it reads the boards
/// anyway).
pub fn shared_key(
    store: &dyn crate::store::Store,
    name: &str,
) -> Result<[u8; 32], crate::store::StoreError> {
    let key = format!("cluster/{name}").into_bytes();
    for _ in 0..4 {
        if let Some(bytes) = store.get(&key)? {
            return <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
                crate::store::StoreError::Corrupt(format!("cluster/{name} is not a key"))
            });
        }
        // Two nodes starting at once: one wins, the other reads its key.
        store.compare_and_swap(&key, None, random_key().to_vec())?;
    }
    Err(crate::store::StoreError::io(format!(
        "cluster/{name} could not be made"
    )))
}

impl LinkKey {
    /// The link key under a given server key.
    pub fn under(server_key: &[u8; 32]) -> Self {
        Self(derive(server_key, "tafel share links"))
    }

    /// The link key under the server key in `keys`.
    pub fn in_dir(keys: &Path) -> std::io::Result<Self> {
        Ok(Self(derive(&server_key(keys)?, "tafel share links")))
    }

    /// A random key (lost when the process ends): for stores without a data
    /// directory.
    pub fn ephemeral() -> Self {
        Self(random_key())
    }

    /// The share token of `role` on `board` at `generation`.
    pub fn token(&self, board: &str, role: Role, generation: u32) -> String {
        use base64::Engine;
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        // Length-prefixed fields: no two inputs share an encoding.
        for field in [board.as_bytes(), role.as_str().as_bytes()] {
            mac.update(&(field.len() as u64).to_be_bytes());
            mac.update(field);
        }
        mac.update(&generation.to_be_bytes());
        let tag = mac.finalize().into_bytes();
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(&tag[..tafel_shared::ids::TOKEN_BYTES.min(tag.len())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_depend_on_board_role_generation_and_key() {
        let key = LinkKey([7; 32]);
        let t = key.token("board", Role::Editor, 0);
        assert!(
            tafel_shared::ids::is_well_formed_token(&t),
            "a well-formed token: {t}"
        );
        assert_eq!(
            t,
            key.token("board", Role::Editor, 0),
            "derived, not random"
        );
        for other in [
            key.token("board", Role::Viewer, 0),
            key.token("board", Role::Editor, 1),
            key.token("boarc", Role::Editor, 0),
            LinkKey([8; 32]).token("board", Role::Editor, 0),
        ] {
            assert_ne!(t, other);
        }
    }

    #[test]
    fn the_key_directory_is_private_and_takes_over_old_secrets() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join("operator-token"), "old\n").unwrap();
        let keys = default_dir(&root.path().join("data/"));
        assert_eq!(keys, root.path().join("data.keys"));
        open_dir(&keys, &data).unwrap();
        assert!(
            !data.join("operator-token").exists(),
            "moved out of the data"
        );
        assert_eq!(
            std::fs::read_to_string(keys.join("operator-token")).unwrap(),
            "old\n"
        );
        let key = load_or_create(&keys.join("server-key")).unwrap();
        assert_eq!(load_or_create(&keys.join("server-key")).unwrap(), key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&keys), 0o700);
            assert_eq!(mode(&keys.join("server-key")), 0o600);
        }
    }
}
