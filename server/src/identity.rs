//! Participant identity without accounts: the server issues each browser a
//! [`ParticipantId`] with a proof (an HMAC-SHA256 of the id under a key only the
//! server holds), and checks that proof on every socket. So "only the author" and
//! "one ballot per person" hold against anyone who can only guess: ids are public,
//! proofs are not, and a proof cannot be made without the key.
//!
//! The key lives in `<keys>/participant-key` (mode 0600, see [`crate::keys`]),
//! outside the data directory: a copy of the data cannot mint identities. Without the file (tests with an
//! in-memory store and no data directory) the key is random per process.
//!
//! An identity grants nothing beyond the role of the link it comes with.

use crate::secret::random_token;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::path::Path;
use tafel_shared::ids::{ParticipantCredential, ParticipantId, PARTICIPANT_ID_BYTES};

/// Bytes of the MAC kept in a proof (128 bits).
const PROOF_BYTES: usize = 16;

/// Issues and checks participant credentials.
pub struct Identities {
    key: [u8; 32],
}

impl Identities {
    /// Identities under a fresh random key (lost when the process ends).
    pub fn ephemeral() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self { key }
    }

    /// Identities under a given key (a cluster's, shared by its nodes).
    pub fn with_key(key: [u8; 32]) -> Self {
        Self { key }
    }

    /// Identities under the key kept in `<keys>/participant-key`, created on
    /// first use.
    pub fn in_dir(keys: &Path) -> std::io::Result<Self> {
        crate::keys::load_or_create(&keys.join("participant-key")).map(|key| Self { key })
    }

    fn proof(&self, id: &ParticipantId) -> String {
        use base64::Engine;
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .expect("HMAC takes keys of any length");
        mac.update(id.as_str().as_bytes());
        let tag = mac.finalize().into_bytes();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&tag[..PROOF_BYTES])
    }

    /// A new identity for a browser.
    pub fn issue(&self) -> ParticipantCredential {
        let id = ParticipantId::parse(&random_token(PARTICIPANT_ID_BYTES))
            .expect("random tokens have the id's shape");
        let proof = self.proof(&id);
        ParticipantCredential { id, proof }
    }

    /// The id a credential proves, if this server issued it.
    pub fn verify(&self, credential: &str) -> Option<ParticipantId> {
        let cred = ParticipantCredential::parse(credential)?;
        let expected = self.proof(&cred.id);
        // Constant time, so the proof cannot be found byte by byte.
        let same = expected.len() == cred.proof.len()
            && expected
                .bytes()
                .zip(cred.proof.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        same.then_some(cred.id)
    }

    /// An identity for a socket that brought none (a stock Yjs client): valid for
    /// that socket only.
    pub fn anonymous() -> ParticipantId {
        ParticipantId::parse(&random_token(PARTICIPANT_ID_BYTES))
            .expect("random tokens have the id's shape")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_credentials_verify_and_forgeries_do_not() {
        let ids = Identities::ephemeral();
        let cred = ids.issue();
        assert_eq!(ids.verify(&cred.to_string()), Some(cred.id.clone()));
        // Another id with this proof, this id with another proof, another server.
        let other = ids.issue();
        assert_eq!(ids.verify(&format!("{}.{}", other.id, cred.proof)), None);
        assert_eq!(ids.verify(&format!("{}.{}", cred.id, other.proof)), None);
        assert_eq!(Identities::ephemeral().verify(&cred.to_string()), None);
        assert_eq!(ids.verify("garbage"), None);
    }

    #[test]
    fn the_key_in_the_data_directory_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let cred = Identities::in_dir(dir.path()).unwrap().issue();
        let again = Identities::in_dir(dir.path()).unwrap();
        assert_eq!(again.verify(&cred.to_string()), Some(cred.id));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("participant-key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.path().join("participant-key"), "nonsense").unwrap();
        assert!(Identities::in_dir(dir.path()).is_err());
    }
}
