//! Pictures over HTTP: uploading one to a board, listing them, and serving them
//! so that no upload can act as a page of Tafel's origin.
//!
//! Every response of a file carries its type from the server's own check,
//! `nosniff`, and `Content-Security-Policy: sandbox`; an SVG original is only
//! ever a download. Files are named by their content hash, so browsers may keep
//! them for good.

use crate::app::App;
use crate::files::{prepare, FileRefusal, Prepared};
use crate::http::{durable, ApiResult, AppError, BoardAccess};
use crate::storage::{FileVersion, PutFile};
use crate::store::StoreError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use tafel_shared::api::{self, is_file_hash, FileInfo, FilesUsage};
use tafel_shared::roles::DocKind;

/// What a file response forbids the browser to do with it: run nothing, load
/// nothing, be nothing but what it is.
const FILE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
/// Content-addressed: the bytes behind a name never change. Private, since only
/// holders of a link to the board may see them.
const FILE_CACHE: &str = "private, max-age=31536000, immutable";

/// The file routes, merged into the API router. The upload's body limit is the
/// per-file limit (plus a little, so the refusal is ours and readable).
pub fn routes(max_file_bytes: u64) -> Router<Arc<App>> {
    let body_limit = usize::try_from(max_file_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    Router::new()
        .route(
            "/api/boards/{id}/files",
            get(list)
                .post(upload)
                .layer(axum::extract::DefaultBodyLimit::max(body_limit)),
        )
        .route("/api/boards/{id}/files/{hash}", get(canvas_version))
        .route(
            "/api/boards/{id}/files/{hash}/{version}",
            get(other_version),
        )
}

fn refused(e: FileRefusal) -> AppError {
    let (status, code) = match e {
        FileRefusal::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, api::ERR_TOO_LARGE),
        FileRefusal::NotImage | FileRefusal::Broken(_) => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, api::ERR_NOT_IMAGE)
        }
    };
    AppError::Refused(status, code, e.to_string())
}

/// Stores a picture for the board (editors and facilitators), once per content:
/// 201 with what it is when new, 200 when the board had it. Durable before the
/// answer, so an element that names it never names something lost.
async fn upload(
    State(app): State<Arc<App>>,
    access: BoardAccess,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<FileInfo>)> {
    if !access.role.can_write(DocKind::Content) {
        return Err(AppError::Refused(
            StatusCode::FORBIDDEN,
            api::ERR_FORBIDDEN,
            "Only editors and facilitators can add pictures.".into(),
        ));
    }
    let max = app.config.max_image_bytes();
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            refused(FileRefusal::TooLarge { max })
        } else {
            AppError::BadRequest("The upload did not arrive whole.".into())
        }
    })?;
    let prepared: Prepared = tokio::task::spawn_blocking(move || prepare(body.to_vec(), max))
        .await
        .map_err(|e| AppError::Storage(StoreError::io(e)))?
        .map_err(refused)?;
    let info = prepared.info.clone();
    let board = access.board.clone();
    let quota = app.config.board_images_bytes();
    let put = app
        .committer
        .call(move |s| s.put_file(&board, &prepared, quota))
        .await?;
    match put {
        PutFile::Existed => Ok((StatusCode::OK, Json(info))),
        PutFile::Stored => {
            durable(&app).await?;
            tracing::info!(board = %access.board, bytes = info.bytes, mime = %info.mime, "picture stored");
            Ok((StatusCode::CREATED, Json(info)))
        }
        PutFile::OverQuota { used } => Err(AppError::Refused(
            StatusCode::INSUFFICIENT_STORAGE,
            api::ERR_QUOTA,
            format!(
                "This board's pictures use {} of its {} MB; this one ({}) does not fit. \
                 Delete pictures from the board or ask the operator for more room.",
                megabytes(used),
                quota >> 20,
                megabytes(info.bytes)
            ),
        )),
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / f64::from(1 << 20))
}

/// The board's pictures and what they use of its quota (any role that reads it).
async fn list(State(app): State<Arc<App>>, access: BoardAccess) -> ApiResult<Json<FilesUsage>> {
    let board = access.board.clone();
    let files = app.read(move |s| s.files(&board)).await?;
    Ok(Json(FilesUsage {
        used_bytes: files.iter().map(|f| f.info.bytes).sum(),
        files: files.into_iter().map(|f| f.info).collect(),
        quota_bytes: app.config.board_images_bytes(),
        max_file_bytes: app.config.max_image_bytes(),
    }))
}

/// The version of a picture the canvas draws (downscaled, or an SVG as PNG).
async fn canvas_version(
    State(app): State<Arc<App>>,
    access: BoardAccess,
    Path((_, hash)): Path<(String, String)>,
) -> ApiResult<Response> {
    file_response(&app, access, hash, FileVersion::Canvas).await
}

/// Another version of a picture: `small` (drawn while a picture is small on
/// screen) or `original` (as uploaded; SVG only as a download).
async fn other_version(
    State(app): State<Arc<App>>,
    access: BoardAccess,
    Path((_, hash, version)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let version = match version.as_str() {
        "small" => FileVersion::Small,
        "original" => FileVersion::Original,
        _ => return Err(AppError::Missing("picture version")),
    };
    file_response(&app, access, hash, version).await
}

async fn file_response(
    app: &App,
    access: BoardAccess,
    hash: String,
    version: FileVersion,
) -> ApiResult<Response> {
    if !is_file_hash(&hash) {
        return Err(AppError::Missing("picture"));
    }
    let board = access.board.clone();
    let name = hash.clone();
    let (meta, bytes) = app
        .read(move |s| {
            let Some(meta) = s.file(&board, &name)? else {
                return Ok(None);
            };
            Ok(s.file_bytes(&board, &name, version)?
                .map(|bytes| (meta, bytes)))
        })
        .await?
        .ok_or(AppError::Missing("picture"))?;
    let mime = meta.mime_of(version).to_owned();
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    let value = |s: &str| HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static(""));
    headers.insert(header::CONTENT_TYPE, value(&mime));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_CSP),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(FILE_CACHE));
    headers.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::ETAG, value(&format!("\"{hash}\"")));
    let disposition = if mime == "image/svg+xml" {
        format!("attachment; filename=\"{}.svg\"", &hash[..12])
    } else {
        "inline".to_owned()
    };
    headers.insert(header::CONTENT_DISPOSITION, value(&disposition));
    Ok(res)
}
