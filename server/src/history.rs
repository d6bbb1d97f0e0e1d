//! A board's history over HTTP: the versions the rooms keep (see
//! [`crate::rooms::persist`]), what changed between them and who was active,
//! the canvas as it was, names that keep a version for good, and restoring a
//! version in place or as a new board.
//!
//! A version is the content and the locked layer at one moment (the canvas);
//! comments and the session are not part of it. Restoring in place keeps the
//! board as it is first, as a named version, and then writes the difference as
//! one forward change through the rooms, so everyone connected sees it live and
//! nothing is lost: restoring the version kept before undoes it.

use crate::app::App;
use crate::export::{elements_of_state, layered};
use crate::http::{body, durable, names_of, store_new_board, ApiResult, AppError, BoardAccess};
use crate::storage::{DocKey, Storage, Version, VersionMeta, VERSIONED};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use std::sync::Arc;
use tafel_shared::api::{
    BoardCreated, ElementActivity, NameVersion, RestoreMode, RestoreVersion, Restored, VersionInfo,
    VersionView, MAX_VERSION_NAME_CHARS,
};
use tafel_shared::diff::diff;
use tafel_shared::element::Element;
use tafel_shared::ids::{BoardId, ParticipantId};
use tafel_shared::roles::DocKind;

/// The history routes, merged into the API router.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/api/boards/{id}/history",
            get(list_versions).post(keep_now),
        )
        .route(
            "/api/boards/{id}/history/{at}",
            get(show_version).patch(name_version),
        )
        .route("/api/boards/{id}/history/{at}/restore", post(restore))
        .route("/api/boards/{id}/activity", get(activity))
}

#[derive(serde::Deserialize)]
struct SinceQuery {
    #[serde(default)]
    since: u64,
}

/// Who last changed each element changed after `since` (any role that reads
/// the board): what "since your last visit" names.
async fn activity(
    State(app): State<Arc<App>>,
    access: BoardAccess,
    axum::extract::Query(q): axum::extract::Query<SinceQuery>,
) -> ApiResult<Json<Vec<ElementActivity>>> {
    let mut touches: Vec<(String, crate::activity::Touch)> = Vec::new();
    for doc in VERSIONED {
        let key = DocKey {
            board: access.board.clone(),
            doc,
        };
        touches.extend(app.rooms.activity(&key, q.since).await?);
    }
    let ids: Vec<ParticipantId> = touches.iter().filter_map(|(_, t)| t.by.clone()).collect();
    let names = names_of(&app, &access.board, ids).await;
    let mut names = names.into_iter();
    let out = touches
        .into_iter()
        .map(|(id, t)| {
            let by = t.by.as_ref().and_then(|_| names.next());
            ElementActivity {
                id,
                by,
                by_id: t.by.map(|p| p.as_str().to_owned()),
                at_ms: t.at_ms,
                removed: t.removed,
            }
        })
        .collect();
    Ok(Json(out))
}

/// The canvas at version `at_ms`: its content and locked layer, or `None` if the
/// board has no such version. A layer with nothing kept by then is taken as
/// it is now.
fn canvas_at(
    s: &Storage,
    board: &BoardId,
    at_ms: u64,
) -> Result<Option<Vec<Element>>, crate::store::StoreError> {
    let Some(content) = s.version_state(board, DocKind::Content, at_ms)? else {
        return Ok(None);
    };
    let locked = match s.version_state(board, DocKind::Locked, at_ms)? {
        Some(state) => Some(state),
        None => s.doc_state(&DocKey {
            board: board.clone(),
            doc: DocKind::Locked,
        })?,
    };
    Ok(Some(layered(
        elements_of_state(Some(&content), false),
        elements_of_state(locked.as_deref(), true),
    )))
}

/// The canvas's documents as stored now (everything accepted is in the store).
fn states_now(
    s: &Storage,
    board: &BoardId,
) -> Result<Vec<(DocKind, Vec<u8>)>, crate::store::StoreError> {
    let mut states = Vec::new();
    for doc in VERSIONED {
        let key = DocKey {
            board: board.clone(),
            doc,
        };
        if let Some(state) = s.doc_state(&key)? {
            states.push((doc, state));
        }
    }
    Ok(states)
}

/// Versions with their change counts against the version before, newest
/// first; who was active as participant ids.
fn versions_with_counts(
    s: &Storage,
    board: &BoardId,
) -> Result<Vec<(Version, [usize; 3])>, crate::store::StoreError> {
    let mut out = Vec::new();
    let mut previous: Vec<Element> = Vec::new();
    for v in s.versions(board)? {
        let now = canvas_at(s, board, v.at_ms)?.unwrap_or_default();
        let d = diff(&previous, &now);
        out.push((v, [d.added.len(), d.changed.len(), d.removed.len()]));
        previous = now;
    }
    out.reverse();
    Ok(out)
}

async fn info_of(app: &App, board: &BoardId, v: Version, counts: [usize; 3]) -> VersionInfo {
    let ids: Vec<ParticipantId> = v
        .meta
        .active
        .iter()
        .filter_map(|id| ParticipantId::parse(id))
        .collect();
    let active = if ids.is_empty() {
        Vec::new()
    } else {
        names_of(app, board, ids).await
    };
    VersionInfo {
        at_ms: v.at_ms,
        name: v.meta.name,
        active,
        added: counts[0],
        changed: counts[1],
        removed: counts[2],
    }
}

async fn list_versions(
    State(app): State<Arc<App>>,
    access: BoardAccess,
) -> ApiResult<Json<Vec<VersionInfo>>> {
    let board = access.board.clone();
    let versions = app.read(move |s| versions_with_counts(s, &board)).await?;
    let mut out = Vec::with_capacity(versions.len());
    for (v, counts) in versions {
        out.push(info_of(&app, &access.board, v, counts).await);
    }
    Ok(Json(out))
}

fn version_name(name: Option<String>) -> ApiResult<Option<String>> {
    let name = name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if name
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_VERSION_NAME_CHARS)
    {
        return Err(AppError::BadRequest(format!(
            "A version name has at most {MAX_VERSION_NAME_CHARS} characters."
        )));
    }
    Ok(name)
}

/// Keeps the board as it is now as a version named `name` (the writer thread
/// reads the stored states, so the version holds everything accepted so far).
async fn keep_version(app: &App, board: &BoardId, name: String) -> ApiResult<VersionInfo> {
    let at_ms = app.clock.unix_ms();
    let limits = app.rooms.history_limits();
    let id = board.clone();
    let meta = VersionMeta {
        name: Some(name),
        ..VersionMeta::default()
    };
    let kept = app
        .committer
        .call(move |s| {
            let states = states_now(s, &id)?;
            s.put_version(&id, at_ms, &states, meta, limits)
        })
        .await?;
    if !kept {
        return Err(AppError::BadRequest(
            "The server's history storage is full, so no version can be saved. Ask its operator to delete old boards or raise --history-max-total-mb."
                .into(),
        ));
    }
    durable(app).await?;
    let id = board.clone();
    let versions = app.read(move |s| versions_with_counts(s, &id)).await?;
    let (v, counts) = versions
        .into_iter()
        .find(|(v, _)| v.at_ms == at_ms)
        .ok_or(AppError::Missing("version"))?;
    Ok(info_of(app, board, v, counts).await)
}

async fn keep_now(
    State(app): State<Arc<App>>,
    access: BoardAccess,
    json: Result<Json<NameVersion>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<VersionInfo>)> {
    let access = access.facilitator("save named versions")?;
    let name = version_name(body(json)?.name)?
        .ok_or_else(|| AppError::BadRequest("A saved version needs a name.".into()))?;
    let info = keep_version(&app, &access.board, name).await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// The name of the version kept at `at_ms`, if it has one.
fn name_of(
    s: &Storage,
    board: &BoardId,
    at_ms: u64,
) -> Result<Option<String>, crate::store::StoreError> {
    Ok(s.versions(board)?
        .into_iter()
        .find(|v| v.at_ms == at_ms)
        .and_then(|v| v.meta.name))
}

fn parse_at(at: &str) -> ApiResult<u64> {
    at.parse().map_err(|_| AppError::Missing("version"))
}

async fn show_version(
    State(app): State<Arc<App>>,
    access: BoardAccess,
    Path((_, at)): Path<(String, String)>,
) -> ApiResult<Json<VersionView>> {
    let at_ms = parse_at(&at)?;
    let board = access.board.clone();
    let (elements, name) = app
        .read(move |s| Ok((canvas_at(s, &board, at_ms)?, name_of(s, &board, at_ms)?)))
        .await?;
    let elements = elements.ok_or(AppError::Missing("version"))?;
    Ok(Json(VersionView {
        at_ms,
        name,
        elements,
    }))
}

async fn name_version(
    State(app): State<Arc<App>>,
    access: BoardAccess,
    Path((_, at)): Path<(String, String)>,
    json: Result<Json<NameVersion>, JsonRejection>,
) -> ApiResult<StatusCode> {
    let access = access.facilitator("name versions")?;
    let at_ms = parse_at(&at)?;
    let name = version_name(body(json)?.name)?;
    let board = access.board.clone();
    let found = app
        .committer
        .call(move |s| s.name_version(&board, at_ms, name))
        .await?;
    if !found {
        return Err(AppError::Missing("version"));
    }
    durable(&app).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn when(at_ms: u64) -> String {
    // Minutes since the epoch are enough to tell versions apart by name; the
    // client shows local times.
    let secs = (at_ms / 1000) as i64;
    let days = secs.div_euclid(86_400);
    let (h, m) = (secs.rem_euclid(86_400) / 3600, secs.rem_euclid(3600) / 60);
    let (y, mo, d) = civil_from_days(days);
    format!("{d:02}.{mo:02}.{y} {h:02}:{m:02} UTC")
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's
/// algorithm), so names need no date crate.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The answer of a restore: in place, or a new board.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum RestoreAnswer {
    InPlace(Restored),
    NewBoard(BoardCreated),
}

async fn restore(
    State(app): State<Arc<App>>,
    access: BoardAccess,
    Path((_, at)): Path<(String, String)>,
    json: Result<Json<RestoreVersion>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<RestoreAnswer>)> {
    let access = access.facilitator("restore versions")?;
    let at_ms = parse_at(&at)?;
    let mode = body(json)?.mode;
    let board = access.board.clone();
    let (name, states) = app
        .read(move |s| {
            let name = name_of(s, &board, at_ms)?;
            let mut states = Vec::new();
            for doc in VERSIONED {
                if let Some(state) = s.version_state(&board, doc, at_ms)? {
                    states.push((doc, state));
                }
            }
            Ok((name, states))
        })
        .await?;
    if !states.iter().any(|(doc, _)| *doc == DocKind::Content) {
        return Err(AppError::Missing("version"));
    }
    let label = name.unwrap_or_else(|| when(at_ms));
    match mode {
        RestoreMode::NewBoard => {
            let title = format!("{} ({label})", access.record.title);
            let title: String = title
                .chars()
                .take(tafel_shared::api::MAX_TITLE_CHARS)
                .collect();
            let created = store_new_board(
                &app,
                title,
                &access.record.template,
                states,
                crate::http::NewFiles::CopiedFrom(access.board.clone()),
                access.addr,
            )
            .await?;
            Ok((StatusCode::CREATED, Json(RestoreAnswer::NewBoard(created))))
        }
        RestoreMode::InPlace => {
            let before =
                keep_version(&app, &access.board, format!("Before restoring {label}")).await?;
            for (doc, state) in &states {
                let elements = elements_of_state(Some(state), false);
                let key = DocKey {
                    board: access.board.clone(),
                    doc: *doc,
                };
                app.rooms.restore(key, elements).await.map_err(|_| {
                    AppError::Storage(crate::store::StoreError::io("the room could not restore"))
                })?;
            }
            durable(&app).await?;
            tracing::info!(board = %access.board, at_ms, "version restored in place");
            Ok((
                StatusCode::OK,
                Json(RestoreAnswer::InPlace(Restored { before })),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_labels_read_as_dates() {
        assert_eq!(when(0), "01.01.1970 00:00 UTC");
        // 2026-12-02 03:04:05 UTC
        assert_eq!(when(1_796_180_645_000), "02.12.2026 03:04 UTC");
    }
}
