//! Calls to the HTTP board API, with the shared request and answer types.

use tafel_shared::api::{
    ApiError, BoardCreated, BoardInfo, BoardLinks, CreateBoard, ParticipantIssued, RenameBoard,
    TokenRotated,
};
use tafel_shared::roles::Role;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a call failed, in words for people.
pub fn describe(e: &JsValue) -> String {
    e.as_string()
        .unwrap_or_else(|| "The server could not be reached.".to_owned())
}

/// `POST /api/boards`.
pub async fn create_board(title: &str, template: &str) -> Result<BoardCreated, JsValue> {
    let body = serde_json::to_string(&CreateBoard {
        title: title.to_owned(),
        template: Some(template.to_owned()),
    })
    .map_err(|e| JsValue::from_str(&e.to_string()))?;
    call("POST", "/api/boards", Some(&body), None).await
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

/// Whether an error came from the network rather than from the server.
pub fn is_network_error(e: &JsValue) -> bool {
    e.as_string().is_none()
}

/// One JSON call. An error carries the server's sentence for people.
async fn call<T: serde::de::DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
) -> Result<T, JsValue> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = web_sys::Request::new_with_str_and_init(path, &init)?;
    request.headers().set("content-type", "application/json")?;
    if let Some(token) = token {
        request
            .headers()
            .set("authorization", &format!("Bearer {token}"))?;
    }
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await?
        .dyn_into()?;
    let text = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&text).map_err(|e| JsValue::from_str(&e.to_string()))
    } else {
        let message = serde_json::from_str::<ApiError>(&text)
            .map(|e| e.message)
            .unwrap_or_else(|_| format!("The server answered {}.", response.status()));
        Err(JsValue::from_str(&message))
    }
}
