//! Calls to the HTTP board API, with the shared request and answer types.

use crate::i18n::{t, t_with};
use tafel_shared::api::{
    ApiError, BoardCreated, BoardInfo, BoardLinks, CreateBoard, FileInfo, NameVersion,
    ParticipantIssued, RenameBoard, RestoreMode, RestoreVersion, Restored, SaveTemplate,
    SavedTemplate, TemplateSaved, TokenRotated, UpdateTemplate, VersionInfo, VersionView,
    ERR_FORBIDDEN, ERR_NOT_FOUND, ERR_NOT_IMAGE, ERR_QUOTA, ERR_RATE_LIMITED, ERR_REVOKED,
    ERR_STORAGE, ERR_TOO_LARGE, ERR_UNAUTHORIZED, ERR_UNKNOWN_TEMPLATE,
};
use tafel_shared::roles::Role;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a call failed, in words for people.
pub fn describe(e: &JsValue) -> String {
    e.as_string().unwrap_or_else(|| t("error-unreachable"))
}

/// `POST /api/boards`.
pub async fn create_board(title: &str, template: &str) -> Result<BoardCreated, JsValue> {
    let body = serde_json::to_string(&CreateBoard {
        title: title.to_owned(),
        template: Some(template.to_owned()),
        // The template's frames and agenda in this page's language.
        lang: Some(crate::i18n::lang()),
    })
    .map_err(|e| JsValue::from_str(&e.to_string()))?;
    // Where only the operator creates boards, the token typed in this tab.
    let operator = crate::prefs::operator_token();
    call("POST", "/api/boards", Some(&body), operator.as_deref()).await
}

/// Whether a call failed for want of a valid token.
pub fn is_unauthorized(e: &JsValue) -> bool {
    e.as_string().is_some_and(|m| m == t("error-unauthorized"))
}

/// `GET /api/boards/{id}`: title and the caller's role.
pub async fn board_info(id: &str, token: &str) -> Result<BoardInfo, JsValue> {
    // The token travels in a header, so it is part of no URL.
    call("GET", &format!("/api/boards/{id}"), None, Some(token)).await
}

/// `POST /api/boards/{id}/tokens/{role}`: a new link for `role`; the old one stops working.
pub async fn rotate_link(id: &str, token: &str, role: Role) -> Result<TokenRotated, JsValue> {
    call(
        "POST",
        &format!("/api/boards/{id}/tokens/{}", role.as_str()),
        None,
        Some(token),
    )
    .await
}

/// `GET /api/boards/{id}/links`: every role's current link (facilitators).
pub async fn board_links(id: &str, token: &str) -> Result<BoardLinks, JsValue> {
    call("GET", &format!("/api/boards/{id}/links"), None, Some(token)).await
}

/// `PATCH /api/boards/{id}`: a new title (facilitators).
pub async fn rename_board(id: &str, token: &str, title: &str) -> Result<BoardInfo, JsValue> {
    let body = serde_json::to_string(&RenameBoard {
        title: title.to_owned(),
    })
    .map_err(|e| JsValue::from_str(&e.to_string()))?;
    call(
        "PATCH",
        &format!("/api/boards/{id}"),
        Some(&body),
        Some(token),
    )
    .await
}

/// `POST /api/participants`: a new identity for this browser (see
/// [`crate::identity`]).
pub async fn issue_participant() -> Result<ParticipantIssued, JsValue> {
    call("POST", "/api/participants", None, None).await
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// `GET /api/boards/{id}/history`: kept versions, newest first.
pub async fn versions(id: &str, token: &str) -> Result<Vec<VersionInfo>, JsValue> {
    call(
        "GET",
        &format!("/api/boards/{id}/history"),
        None,
        Some(token),
    )
    .await
}

/// `GET /api/boards/{id}/history/{at}`: the canvas as it was.
pub async fn version(id: &str, token: &str, at_ms: u64) -> Result<VersionView, JsValue> {
    call(
        "GET",
        &format!("/api/boards/{id}/history/{at_ms}"),
        None,
        Some(token),
    )
    .await
}

/// `POST /api/boards/{id}/history`: keeps the board as it is now, named
/// (facilitators).
pub async fn save_version(id: &str, token: &str, name: &str) -> Result<VersionInfo, JsValue> {
    let body = json(&NameVersion {
        name: Some(name.to_owned()),
    })?;
    call(
        "POST",
        &format!("/api/boards/{id}/history"),
        Some(&body),
        Some(token),
    )
    .await
}

/// `PATCH /api/boards/{id}/history/{at}`: names a version (facilitators).
pub async fn name_version(id: &str, token: &str, at_ms: u64, name: &str) -> Result<(), JsValue> {
    let body = json(&NameVersion {
        name: Some(name.to_owned()),
    })?;
    call::<serde_json::Value>(
        "PATCH",
        &format!("/api/boards/{id}/history/{at_ms}"),
        Some(&body),
        Some(token),
    )
    .await
    .map(|_| ())
}

/// `POST /api/boards/{id}/history/{at}/restore` (facilitators): `T` is
/// [`Restored`] in place, [`BoardCreated`] as a new board.
async fn restore<T: serde::de::DeserializeOwned>(
    id: &str,
    token: &str,
    at_ms: u64,
    mode: RestoreMode,
) -> Result<T, JsValue> {
    let body = json(&RestoreVersion { mode })?;
    let path = format!("/api/boards/{id}/history/{at_ms}/restore");
    call("POST", &path, Some(&body), Some(token)).await
}

/// Restores a version in place (facilitators).
pub async fn restore_in_place(id: &str, token: &str, at_ms: u64) -> Result<Restored, JsValue> {
    restore(id, token, at_ms, RestoreMode::InPlace).await
}

/// Starts a new board from a version (facilitators).
pub async fn restore_as_new(id: &str, token: &str, at_ms: u64) -> Result<BoardCreated, JsValue> {
    restore(id, token, at_ms, RestoreMode::NewBoard).await
}

/// `GET /api/boards/{id}/activity?since=`: who last changed what after `since_ms`.
pub async fn activity(
    id: &str,
    token: &str,
    since_ms: u64,
) -> Result<Vec<tafel_shared::api::ElementActivity>, JsValue> {
    let path = format!("/api/boards/{id}/activity?since={since_ms}");
    call("GET", &path, None, Some(token)).await
}

/// `DELETE /api/boards/{id}`: erases the board for everyone (facilitators).
pub async fn delete_board(id: &str, token: &str) -> Result<(), JsValue> {
    call::<serde_json::Value>("DELETE", &format!("/api/boards/{id}"), None, Some(token))
        .await
        .map(|_| ())
}

/// `GET /api/templates`: the templates saved on this server.
pub async fn saved_templates() -> Result<Vec<SavedTemplate>, JsValue> {
    call("GET", "/api/templates", None, None).await
}

/// `POST /api/boards/{id}/templates`: saves the board (or one frame) as a
/// template (facilitators).
pub async fn save_template(
    id: &str,
    token: &str,
    req: &SaveTemplate,
) -> Result<TemplateSaved, JsValue> {
    call(
        "POST",
        &format!("/api/boards/{id}/templates"),
        Some(&json(req)?),
        Some(token),
    )
    .await
}

/// `PATCH /api/templates/{id}`: renames a template (with its manage token).
pub async fn rename_template(id: &str, token: &str, name: &str) -> Result<SavedTemplate, JsValue> {
    let body = json(&UpdateTemplate {
        name: Some(name.to_owned()),
        description: None,
    })?;
    call(
        "PATCH",
        &format!("/api/templates/{id}"),
        Some(&body),
        Some(token),
    )
    .await
}

/// `DELETE /api/templates/{id}` (with its manage token).
pub async fn delete_template(id: &str, token: &str) -> Result<(), JsValue> {
    call::<serde_json::Value>("DELETE", &format!("/api/templates/{id}"), None, Some(token))
        .await
        .map(|_| ())
}

/// Downloads `GET {path}` (sent with the token in a header, so it is part of
/// no URL) as a file named `name`.
pub async fn download(path: &str, token: &str, name: &str) -> Result<(), JsValue> {
    let response = send("GET", path, None, Some(token)).await?;
    if !response.ok() {
        return Err(failure(&response).await);
    }
    let blob: web_sys::Blob = JsFuture::from(response.blob()?).await?.dyn_into()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// `POST /api/boards/import`: a new board from a Tafel export (JSON text).
pub async fn import_board(json_text: &str) -> Result<BoardCreated, JsValue> {
    let operator = crate::prefs::operator_token();
    call(
        "POST",
        "/api/boards/import",
        Some(json_text),
        operator.as_deref(),
    )
    .await
}

/// Why an upload did not happen.
pub enum UploadFailed {
    /// The server could not be reached: keep the picture and try again later.
    Unreachable,
    /// The server refused it, with its sentence for people: trying again will not help.
    Refused(String),
}

/// `POST /api/boards/{id}/files`: stores a picture's bytes for the board.
pub async fn upload_file(
    id: &str,
    token: &str,
    blob: &web_sys::Blob,
) -> Result<FileInfo, UploadFailed> {
    let response = send_body(
        "POST",
        &format!("/api/boards/{id}/files"),
        Some(blob),
        None,
        Some(token),
    )
    .await
    .map_err(|_| UploadFailed::Unreachable)?;
    if response.status() >= 500 && response.status() != 507 {
        return Err(UploadFailed::Unreachable);
    }
    if !response.ok() {
        return Err(UploadFailed::Refused(
            failure(&response).await.as_string().unwrap_or_default(),
        ));
    }
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    };
    text.and_then(|t| serde_json::from_str(&t).ok())
        .ok_or(UploadFailed::Unreachable)
}

/// What fetching a picture found.
pub enum Fetched {
    /// The picture as the canvas draws it.
    Found(web_sys::Blob),
    /// The board has no such picture (yet: its uploader may still be offline).
    Absent,
}

/// `GET /api/boards/{id}/files/{version}`: a version of a picture (`{hash}` for
/// the canvas version, `{hash}/small` for the small one).
pub async fn fetch_file(id: &str, token: &str, version: &str) -> Result<Fetched, JsValue> {
    let response = send(
        "GET",
        &format!("/api/boards/{id}/files/{version}"),
        None,
        Some(token),
    )
    .await?;
    if response.status() == 404 {
        return Ok(Fetched::Absent);
    }
    if !response.ok() {
        return Err(failure(&response).await);
    }
    let blob: web_sys::Blob = JsFuture::from(response.blob()?).await?.dyn_into()?;
    Ok(Fetched::Found(blob))
}

/// Whether an error came from the network rather than from the server.
pub fn is_network_error(e: &JsValue) -> bool {
    e.as_string().is_none()
}

/// Sends one request; the token travels in a header, so it is part of no URL.
async fn send(
    method: &str,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
) -> Result<web_sys::Response, JsValue> {
    let body = body.map(JsValue::from_str);
    send_body(method, path, body.as_ref(), Some("application/json"), token).await
}

/// [`send`] with any body (a `Blob` keeps its own type when `content_type` is `None`).
async fn send_body(
    method: &str,
    path: &str,
    body: Option<&JsValue>,
    content_type: Option<&str>,
    token: Option<&str>,
) -> Result<web_sys::Response, JsValue> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(body);
    }
    let request = web_sys::Request::new_with_str_and_init(path, &init)?;
    if let Some(content_type) = content_type {
        request.headers().set("content-type", content_type)?;
    }
    if let Some(token) = token {
        request
            .headers()
            .set("authorization", &format!("Bearer {token}"))?;
    }
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    JsFuture::from(window.fetch_with_request(&request))
        .await?
        .dyn_into()
}

/// The sentence for people from a failed answer (see [`error_text`]).
async fn failure(response: &web_sys::Response) -> JsValue {
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    };
    let message = text
        .and_then(|t| serde_json::from_str::<ApiError>(&t).ok())
        .map(|e| error_text(&e))
        .unwrap_or_else(|| t_with("error-status", &[("status", response.status().into())]));
    JsValue::from_str(&message)
}

/// An error the server sent, in this page's language: the catalogue's text
/// for a known code, else the server's own (English) sentence. A bad
/// request's sentence says what was wrong, so it is kept.
fn error_text(e: &ApiError) -> String {
    match e.code.as_str() {
        ERR_UNAUTHORIZED => t("error-unauthorized"),
        ERR_REVOKED => t("error-link-revoked"),
        ERR_FORBIDDEN => t("error-forbidden"),
        ERR_NOT_FOUND => t("error-not-found"),
        ERR_UNKNOWN_TEMPLATE => t("error-unknown-template"),
        ERR_STORAGE => t("error-storage-failure"),
        ERR_TOO_LARGE => {
            // The server's sentence names its limit in MB, the first number in it.
            let mb: String = e
                .message
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(char::is_ascii_digit)
                .collect();
            match mb.parse::<u64>() {
                Ok(mb) => t_with("error-too-large-mb", &[("mb", mb.into())]),
                Err(_) => t("error-too-large"),
            }
        }
        ERR_QUOTA => t("error-quota-exceeded"),
        ERR_NOT_IMAGE => t("error-not-an-image"),
        ERR_RATE_LIMITED => t("error-rate-limited"),
        _ => e.message.clone(),
    }
}

/// One JSON call. An error carries the server's sentence for people.
async fn call<T: serde::de::DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
) -> Result<T, JsValue> {
    let response = send(method, path, body, token).await?;
    if !response.ok() {
        return Err(failure(&response).await);
    }
    let text = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    // 204 No Content reads as JSON `null`.
    let text = if text.is_empty() {
        "null"
    } else {
        text.as_str()
    };
    serde_json::from_str(text).map_err(|e| JsValue::from_str(&e.to_string()))
}
