//! Who this browser is to the server, without an account: a participant
//! credential issued by `POST /api/participants`, kept in `localStorage` and sent
//! on every socket (offered as a subprotocol, see [`crate::net::ws_url_of`]). It is what lets
//! votes and private notes survive a reload.
//!
//! A socket without a credential the server accepts still works, under a one-off
//! identity; [`confirm`] notices that and gets a fresh credential for the next
//! connection.

use crate::prefs;
use std::cell::{Cell, RefCell};
use tafel_shared::ids::{ParticipantCredential, ParticipantId};

/// Callers waiting for the credential request under way.
type Waiting = Vec<Box<dyn FnOnce()>>;

thread_local! {
    /// Callers waiting for the credential request under way, if one is.
    static WAITING: RefCell<Option<Waiting>> = const { RefCell::new(None) };
    /// A page renews its credential at most once, so two tabs that disagree
    /// cannot keep each other asking.
    static RENEWED: Cell<bool> = const { Cell::new(false) };
}

/// The credential sockets carry now.
pub fn credential() -> Option<ParticipantCredential> {
    prefs::participant()
}

/// Runs `f` once this browser has a credential: now if it has one, otherwise
/// after asking the server (also when that fails: the sockets then get a
/// one-off identity, which beats not opening the board offline).
pub fn when_known(f: impl FnOnce() + 'static) {
    if credential().is_some() {
        f();
        return;
    }
    let asking = WAITING.with_borrow_mut(|w| match w {
        Some(queue) => {
            queue.push(Box::new(f));
            false
        }
        None => {
            *w = Some(vec![Box::new(f)]);
            true
        }
    });
    if asking {
        leptos::task::spawn_local(async {
            fetch().await;
            let waiting = WAITING.with_borrow_mut(Option::take).unwrap_or_default();
            for f in waiting {
                f();
            }
        });
    }
}

/// Checks who the server says this socket is (`me`) against the credential it
/// was opened with (`sent`). If the server did not accept it, the stored one is
/// replaced for the next connection, unless another tab replaced it already.
pub fn confirm(sent: Option<&ParticipantCredential>, me: &ParticipantId) {
    if sent.is_some_and(|c| c.id == *me) || RENEWED.replace(true) {
        return;
    }
    if credential().as_ref() != sent {
        return;
    }
    prefs::forget_participant();
    leptos::task::spawn_local(fetch());
}

async fn fetch() {
    // Without an answer, sockets go without `me` and the server makes do.
    let issued = crate::api::issue_participant().await;
    if let Some(c) = issued
        .ok()
        .and_then(|i| ParticipantCredential::parse(&i.credential))
    {
        prefs::set_participant(&c);
    }
}
