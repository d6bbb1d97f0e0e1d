//! What the browser remembers between visits, in `localStorage`: your display
//! name and colour, who you are to the server (your participant credential),
//! the boards you opened recently, the share links you created or rotated (the
//! server keeps only hashes of links, so this browser is where a facilitator's
//! links live), the tokens of templates saved here, and whether the timer may
//! make a sound.

use crate::i18n::t;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tafel_shared::ids::ParticipantCredential;
use tafel_shared::presence::{User, USER_COLORS};
use tafel_shared::roles::Role;

const PROFILE: &str = "tafel.profile";
const RECENT: &str = "tafel.recent";
const RECENT_MAX: usize = 12;
const PARTICIPANT: &str = "tafel.participant";
const TIMER_MUTED: &str = "tafel.timer-muted";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn read<T: for<'de> Deserialize<'de>>(key: &str) -> Option<T> {
    let text = storage()?.get_item(key).ok()??;
    serde_json::from_str(&text).ok()
}

fn write<T: Serialize>(key: &str, value: &T) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(value)) {
        let _ = s.set_item(key, &text);
    }
}

/// Your name and colour, if you picked them.
pub fn profile() -> Option<User> {
    read::<User>(PROFILE).filter(|u| !u.name.trim().is_empty())
}

/// Your name and colour, or a placeholder until you pick them.
pub fn profile_or_guest() -> User {
    profile().unwrap_or_else(|| User {
        name: t("profile-guest-name"),
        color: USER_COLORS
            [(js_sys::Math::random() * USER_COLORS.len() as f64) as usize % USER_COLORS.len()]
        .into(),
    })
}

/// Saves your name and colour.
pub fn set_profile(user: &User) {
    write(PROFILE, user);
}

/// Your participant credential (`{id}.{proof}`), if the server issued one to
/// this browser.
pub fn participant() -> Option<ParticipantCredential> {
    read::<String>(PARTICIPANT).and_then(|c| ParticipantCredential::parse(&c))
}

/// Keeps the credential the server issued.
pub fn set_participant(credential: &ParticipantCredential) {
    write(PARTICIPANT, &credential.to_string());
}

/// Forgets the credential (the server no longer accepts it).
pub fn forget_participant() {
    if let Some(s) = storage() {
        let _ = s.remove_item(PARTICIPANT);
    }
}

/// Whether the timer stays silent at zero on this browser.
pub fn timer_muted() -> bool {
    read(TIMER_MUTED).unwrap_or(false)
}

/// Mutes or unmutes the timer's sound on this browser.
pub fn set_timer_muted(muted: bool) {
    write(TIMER_MUTED, &muted);
}

/// A board opened in this browser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recent {
    /// Board id.
    pub id: String,
    /// Its title when last seen.
    pub title: String,
    /// Path and fragment of the link it was opened with.
    pub link: String,
    /// The role that link grants.
    pub role: Role,
    /// When it was last opened, ms since the epoch.
    pub visited_ms: f64,
}

/// Recently opened boards, newest first.
pub fn recent() -> Vec<Recent> {
    read(RECENT).unwrap_or_default()
}

/// Records a visit (replacing an older entry of the same board).
pub fn remember(entry: Recent) {
    let mut list = recent();
    list.retain(|r| r.id != entry.id);
    list.insert(0, entry);
    list.truncate(RECENT_MAX);
    write(RECENT, &list);
}

/// Updates a remembered board's title (after a rename), keeping its place.
pub fn retitle(id: &str, title: &str) {
    let mut list = recent();
    if let Some(entry) = list.iter_mut().find(|r| r.id == id) {
        entry.title = title.to_owned();
        write(RECENT, &list);
    }
}

/// Forgets a board (deleted, or its link revoked).
pub fn forget(id: &str) {
    let mut list = recent();
    list.retain(|r| r.id != id);
    write(RECENT, &list);
}

fn links_key(board: &str) -> String {
    format!("tafel.links.{board}")
}

/// Share links of a board known to this browser, by role (path and fragment).
pub fn links(board: &str) -> BTreeMap<Role, String> {
    read(&links_key(board)).unwrap_or_default()
}

/// Remembers a share link.
pub fn set_link(board: &str, role: Role, link: &str) {
    let mut all = links(board);
    all.insert(role, local_link(link));
    write(&links_key(board), &all);
}

/// Path and fragment of a link (server-made links are absolute; the app keeps
/// links on the origin it was loaded from).
pub fn local_link(link: &str) -> String {
    link.find("/b/")
        .map(|at| link[at..].to_owned())
        .unwrap_or_else(|| link.to_owned())
}

/// A link as someone else can open it, on this page's origin.
pub fn absolute_link(local: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}{local}")
}

const OPERATOR: &str = "tafel.operator-token";

/// The operator token typed in this tab, for servers where only the operator
/// creates boards. Kept in `sessionStorage`: it goes when the tab closes.
pub fn operator_token() -> Option<String> {
    web_sys::window()?
        .session_storage()
        .ok()??
        .get_item(OPERATOR)
        .ok()?
        .filter(|t| !t.is_empty())
}

/// Keeps the operator token for this tab.
pub fn set_operator_token(token: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.set_item(OPERATOR, token.trim());
    }
}

const TEMPLATE_TOKENS: &str = "tafel.template-tokens";

/// The tokens that manage the templates saved from this browser, by template
/// id (the server keeps only their hashes).
pub fn template_tokens() -> BTreeMap<String, String> {
    read(TEMPLATE_TOKENS).unwrap_or_default()
}

/// Remembers the token that manages template `id`.
pub fn set_template_token(id: &str, token: &str) {
    let mut all = template_tokens();
    all.insert(id.to_owned(), token.to_owned());
    write(TEMPLATE_TOKENS, &all);
}

/// Forgets a deleted template's token.
pub fn forget_template(id: &str) {
    let mut all = template_tokens();
    all.remove(id);
    write(TEMPLATE_TOKENS, &all);
}

fn comments_seen_key(board: &str) -> String {
    format!("tafel.comments-seen.{board}")
}

/// Per comment thread of `board`, the newest activity this browser has read.
pub fn comments_seen(board: &str) -> BTreeMap<String, u64> {
    read(&comments_seen_key(board)).unwrap_or_default()
}

/// Remembers what has been read of `board`'s comment threads.
pub fn set_comments_seen(board: &str, seen: &BTreeMap<String, u64>) {
    write(&comments_seen_key(board), seen);
}
