//! The JSON bodies of the HTTP board API. The server produces them, the client and
//! the tests read them; neither invents a field.

use crate::roles::Role;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `POST /api/boards`.
#[derive(Clone, Debug, Serialize, Deserialize, Default)]
pub struct CreateBoard {
    /// Shown in the board's header and in lists; trimmed, at most [`MAX_TITLE_CHARS`].
    #[serde(default)]
    pub title: String,
    /// A template id from [`crate::templates::Template`]; empty or absent for blank.
    #[serde(default)]
    pub template: Option<String>,
    /// The language the template's words (frame titles, agenda) are written
    /// in; English when absent.
    #[serde(default)]
    pub lang: Option<crate::i18n::Lang>,
}

/// The longest board title the server accepts, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// The answer to a successful `POST /api/boards` (status 201).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BoardCreated {
    /// The new board's id.
    pub id: String,
    /// The title as stored.
    pub title: String,
    /// The template id it started from.
    pub template: String,
    /// One share token per role. Shown once: the server keeps only their hashes.
    pub tokens: BTreeMap<Role, String>,
    /// One share link per role (path and query, relative to the server's origin).
    pub links: BTreeMap<Role, String>,
}

/// `GET /api/boards/{id}`: what the holder of a link may know about its board.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BoardInfo {
    /// The board's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The template it started from.
    pub template: String,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_ms: u64,
    /// Last change to the board or any of its documents, milliseconds since the epoch.
    pub updated_ms: u64,
    /// The name of who made the last change, if the server knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
    /// The role the caller's token grants.
    pub role: Role,
    /// When the server deletes the board if nobody changes it before (the
    /// operator's retention setting), so facilitators can be warned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_after_ms: Option<u64>,
}

/// How long before a board's deletion for retention its facilitators are
/// warned in the board.
pub const RETENTION_WARNING_MS: u64 = 7 * 86_400_000;

/// `PATCH /api/boards/{id}`: rename.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RenameBoard {
    /// The new title.
    pub title: String,
}

/// `GET /api/boards/{id}/links` (facilitators): the current share link of each
/// role, so a facilitator on any device can share the board without revoking
/// links. Boards made before links were kept list none until a link is renewed.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BoardLinks {
    /// Link per role.
    pub links: BTreeMap<Role, String>,
}

/// `POST /api/boards/{id}/tokens/{role}`: the new link after a rotation.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TokenRotated {
    /// The role whose link changed.
    pub role: Role,
    /// The new token; the old one no longer works.
    pub token: String,
    /// The new share link.
    pub link: String,
}

/// `POST /api/participants`: a new participant identity for this browser. The
/// credential is sent as `?me=` on every socket; keep it like a password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantIssued {
    /// `{id}.{proof}` (see [`crate::ids::ParticipantCredential`]).
    pub credential: String,
}

/// One row of the operator's `GET /api/admin/boards`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BoardSummary {
    /// The board's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Template id.
    pub template: String,
    /// Creation time, milliseconds since the epoch.
    pub created_ms: u64,
    /// Last change, milliseconds since the epoch.
    pub updated_ms: u64,
    /// Bytes stored for it: documents, history, comments, pictures.
    #[serde(default)]
    pub bytes: u64,
    /// Sockets open on it now.
    #[serde(default)]
    pub sockets: usize,
}

/// What an access-log entry records.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AccessAction {
    /// A board was created (or imported).
    Create,
    /// A board was opened (a socket to its content).
    Open,
    /// A board was exported.
    Export,
    /// Its share links were shown or renewed.
    Share,
    /// It was deleted.
    Delete,
    /// The operator took a backup of the whole store.
    Backup,
}

impl AccessAction {
    /// The name used in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Open => "open",
            Self::Export => "export",
            Self::Share => "share",
            Self::Delete => "delete",
            Self::Backup => "backup",
        }
    }
}

/// One row of the operator's access log (`GET /api/admin/access-log`): never
/// content, never a token.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AccessEntry {
    /// When, milliseconds since the epoch.
    pub at_ms: u64,
    /// What happened.
    pub action: AccessAction,
    /// Which board (none for a backup).
    pub board: Option<String>,
    /// With which role (none for the operator).
    pub role: Option<Role>,
    /// From which address (as the per-address limits see it).
    pub address: Option<String>,
    /// The export format, the renewed role, the document opened.
    pub detail: Option<String>,
}

/// Every error body: a stable `code` for programs and a `message` for people.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ApiError {
    /// One of the `ERR_*` constants.
    pub code: String,
    /// A sentence for people; never internal details.
    pub message: String,
}

/// The request body is not valid JSON of the expected shape, or a value is out of range.
pub const ERR_BAD_REQUEST: &str = "bad_request";
/// No token was given, or it is not valid for this board.
pub const ERR_UNAUTHORIZED: &str = "unauthorized";
/// The token is valid but its role may not do this.
pub const ERR_FORBIDDEN: &str = "forbidden";
/// No board has this id.
pub const ERR_NOT_FOUND: &str = "not_found";
/// The template id is not one the server knows.
pub const ERR_UNKNOWN_TEMPLATE: &str = "unknown_template";
/// The server could not write to its store; nothing was changed.
pub const ERR_STORAGE: &str = "storage_failure";
/// The link was rotated away by a facilitator.
pub const ERR_REVOKED: &str = "link_revoked";
/// An uploaded file is larger than the server takes (`--max-image-mb`).
pub const ERR_TOO_LARGE: &str = "too_large";
/// The board's pictures would pass its quota (`--board-images-mb`).
pub const ERR_QUOTA: &str = "quota_exceeded";
/// The bytes of an upload are not a picture of a kind Tafel takes, whatever its
/// name or declared type says.
pub const ERR_NOT_IMAGE: &str = "not_an_image";

/// Too many requests of this kind from one address lately (status 429; the
/// message says how long to wait).
pub const ERR_RATE_LIMITED: &str = "rate_limited";

/// The picture types boards take, as the server recognises them from their bytes.
pub const IMAGE_TYPES: [&str; 5] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/svg+xml",
];

/// The longest side, in pixels, of the version of a picture the canvas draws;
/// larger pictures are downscaled to it once, at upload.
pub const DISPLAY_MAX_PX: u32 = 1600;

/// The longest side, in pixels, of the small version of a picture, drawn while
/// the picture is small on screen (a whole board of photos in view).
pub const SMALL_MAX_PX: u32 = 400;

/// A picture stored beside a board: what `POST /api/boards/{id}/files` answers.
/// Files are named by the hex SHA-256 of their bytes, so one picture added twice
/// is stored once.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FileInfo {
    /// Hex SHA-256 of the original bytes; the name in URLs.
    pub hash: String,
    /// Its type, one of [`IMAGE_TYPES`], from its bytes.
    pub mime: String,
    /// Width in pixels (an SVG: as drawn).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Size of the original.
    pub bytes: u64,
}

/// The pictures of a board and what they use of its quota
/// (`GET /api/boards/{id}/files`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FilesUsage {
    /// Every stored picture, by hash.
    pub files: Vec<FileInfo>,
    /// Bytes of all originals.
    pub used_bytes: u64,
    /// The most the board may hold.
    pub quota_bytes: u64,
    /// The most one file may have.
    pub max_file_bytes: u64,
}

/// One picture inside a [`BoardExport`]: its original bytes, base64.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ExportedFile {
    /// Hex SHA-256 of the bytes; an import checks it.
    pub hash: String,
    /// Its type.
    pub mime: String,
    /// The bytes, standard base64.
    pub data: String,
}

/// Whether `s` has the shape of a file name ([`FileInfo::hash`]): 64 lowercase
/// hex digits.
pub fn is_file_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// One kept version of a board, as `GET /api/boards/{id}/history` lists them
/// (newest first).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct VersionInfo {
    /// When it was taken, ms since the epoch; also its id in URLs.
    pub at_ms: u64,
    /// The name a facilitator gave it (named versions are kept for good).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Who changed the board since the version before.
    #[serde(default)]
    pub active: Vec<String>,
    /// Elements added since the version before.
    pub added: usize,
    /// Elements changed since the version before.
    pub changed: usize,
    /// Elements removed since the version before.
    pub removed: usize,
}

/// `GET /api/boards/{id}/history/{at_ms}`: the canvas as it was.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct VersionView {
    /// The version.
    pub at_ms: u64,
    /// Its name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Every element then (the locked layer's marked locked).
    pub elements: Vec<crate::element::Element>,
}

/// `POST /api/boards/{id}/history` (keep the board as it is now, named) and
/// `PATCH /api/boards/{id}/history/{at_ms}` (name or unname a version).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
pub struct NameVersion {
    /// The name; `None` or empty takes it away (PATCH only).
    #[serde(default)]
    pub name: Option<String>,
}

/// The longest version name, in characters.
pub const MAX_VERSION_NAME_CHARS: usize = 100;

/// `POST /api/boards/{id}/history/{at_ms}/restore`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RestoreMode {
    /// The board itself goes back, as a change everyone sees; the state before is
    /// kept as a named version first, so restoring that undoes it.
    InPlace,
    /// A new board starts from the version; this one stays as it is.
    NewBoard,
}

/// The body of a restore request.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RestoreVersion {
    /// In place or as a new board.
    pub mode: RestoreMode,
}

/// The answer to an in-place restore.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Restored {
    /// The version kept of the board just before (restore it to undo).
    pub before: VersionInfo,
}

/// `GET /api/boards/{id}/activity?since={ms}`: who last changed each element
/// changed after `since` (content and locked layer), as far as the server knows.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ElementActivity {
    /// The element's id.
    pub id: String,
    /// The name of who changed it last (`None`: unknown, or the server restoring
    /// a version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Their participant id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_id: Option<String>,
    /// When, ms since the epoch.
    pub at_ms: u64,
    /// The change removed it.
    #[serde(default)]
    pub removed: bool,
}

/// The name of Tafel's lossless board format, in [`BoardExport::format`].
pub const BOARD_EXPORT_FORMAT: &str = "tafel-board";
/// The version of that format this build writes and reads.
pub const BOARD_EXPORT_VERSION: u32 = 1;

/// A whole board as JSON (`GET /api/boards/{id}/export/json`), and what
/// `POST /api/boards/import` makes a new board from: its canvas and its
/// comments. Lists are sorted by id, so the same board always exports the same
/// text, and an import exported again gives it back unchanged.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BoardExport {
    /// Always [`BOARD_EXPORT_FORMAT`].
    pub format: String,
    /// [`BOARD_EXPORT_VERSION`] when written by this build.
    pub version: u32,
    /// The board's title.
    pub title: String,
    /// The template it started from.
    #[serde(default)]
    pub template: String,
    /// The elements of the canvas (content document).
    pub elements: Vec<crate::element::Element>,
    /// The locked layer's elements.
    #[serde(default)]
    pub locked: Vec<crate::element::Element>,
    /// Comment threads.
    #[serde(default)]
    pub threads: Vec<crate::comments::Thread>,
    /// Comments of those threads.
    #[serde(default)]
    pub comments: Vec<crate::comments::Comment>,
    /// The pictures the board's images show, by hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<ExportedFile>,
}

/// The file name of a download of a board titled `title` in format `ext`:
/// letters, digits and `_` of the title, joined by `-`, safe in a header and on
/// any disk.
pub fn export_file_name(title: &str, ext: &str) -> String {
    let words: Vec<&str> = title
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|s| !s.is_empty())
        .collect();
    if words.is_empty() {
        format!("board.{ext}")
    } else {
        format!("{}.{ext}", words.join("-"))
    }
}

/// The export formats, as named in URLs (`/api/boards/{id}/export/{format}`)
/// and by `tafel export --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// Vector picture.
    Svg,
    /// Raster picture.
    Png,
    /// One page per frame (or the whole board).
    Pdf,
    /// Tafel's lossless board format.
    Json,
    /// Markdown for Confluence.
    Md,
    /// CSV for Jira's CSV import.
    Csv,
}

impl ExportFormat {
    /// Every format.
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::Svg,
        ExportFormat::Png,
        ExportFormat::Pdf,
        ExportFormat::Json,
        ExportFormat::Md,
        ExportFormat::Csv,
    ];

    /// Parses the URL name.
    pub fn parse(s: &str) -> Option<ExportFormat> {
        ExportFormat::ALL.into_iter().find(|f| f.extension() == s)
    }

    /// The URL name, which is also the file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Svg => "svg",
            ExportFormat::Png => "png",
            ExportFormat::Pdf => "pdf",
            ExportFormat::Json => "json",
            ExportFormat::Md => "md",
            ExportFormat::Csv => "csv",
        }
    }

    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Svg => "image/svg+xml",
            ExportFormat::Png => "image/png",
            ExportFormat::Pdf => "application/pdf",
            ExportFormat::Json => "application/json",
            ExportFormat::Md => "text/markdown; charset=utf-8",
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The prefix of a saved template's id in [`CreateBoard::template`]
/// (`saved:{id}`), beside the built-in ones.
pub const SAVED_TEMPLATE_PREFIX: &str = "saved:";

/// The longest template name the server accepts, in characters.
pub const MAX_TEMPLATE_NAME_CHARS: usize = 80;

/// The longest template description the server accepts, in characters.
pub const MAX_TEMPLATE_DESCRIPTION_CHARS: usize = 400;

/// `POST /api/boards/{id}/templates`: saves the board, or one of its frames
/// with what is in it, as a template everyone on this server can start from.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SaveTemplate {
    /// Its name on the start page.
    pub name: String,
    /// What it is for, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// Only this frame (and what it holds) instead of the whole board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<String>,
}

/// `PATCH /api/templates/{id}`: a new name or description.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct UpdateTemplate {
    /// The new name, if it changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The new description, if it changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A saved template, as the start page lists it (`GET /api/templates`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedTemplate {
    /// Its id; boards start from it as `saved:{id}`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// When it was saved, milliseconds since the epoch.
    pub created_ms: u64,
    /// How many elements a board made from it starts with.
    pub elements: usize,
}

/// The answer to saving a template (status 201).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TemplateSaved {
    /// The template as listed.
    pub template: SavedTemplate,
    /// The token that renames and deletes it (with `Authorization: Bearer`),
    /// shown once: the server keeps only its hash.
    pub manage_token: String,
}
