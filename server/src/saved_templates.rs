//! The agency's own templates: a facilitator saves a board, or one frame with
//! what it holds, as a template that everyone on this server can start a
//! board from, beside the built-in ones.
//!
//! A saved template is stored as a board record marked
//! [`TemplateMeta`](crate::storage::TemplateMeta), with its documents and
//! pictures under it: so backups, exports and deletion treat it exactly like a
//! board, and a new board from it is a copy, as "restore as new board" makes.
//! It has no share tokens and [`App::access`] refuses to open it. Whoever saved
//! it gets a token that renames and deletes it (kept in their browser); the
//! operator can always. With `--templates-by-operator`, only the operator
//! saves and manages templates.

use crate::app::App;
use crate::export::state_of_elements;
use crate::http::{body, check_operator, durable, ApiResult, AppError, CallerToken};
use crate::secret::random_token;
use crate::storage::{hash_token, BoardRecord, DocKey, DocStates, Storage, TemplateMeta};
use crate::store::StoreError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use tafel_shared::api::{
    SaveTemplate, SavedTemplate, TemplateSaved, UpdateTemplate, MAX_TEMPLATE_DESCRIPTION_CHARS,
    MAX_TEMPLATE_NAME_CHARS,
};
use tafel_shared::element::{Element, Props};
use tafel_shared::ids::{self, BoardId};
use tafel_shared::roles::DocKind;
use tafel_shared::session::RoomState;
use yrs::Transact;

/// The template routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/boards/{id}/templates", post(save))
        .route("/api/templates", get(list))
        .route("/api/templates/{id}", patch(update).delete(remove))
        .route("/api/templates/{id}/export", get(export))
}

/// The `template` of a board record that is a saved template.
const SAVED: &str = "saved";

/// A name or description as stored: trimmed, no control characters (line
/// breaks allowed in a description), at most `max` characters.
fn clean(text: &str, max: usize, what: &str, lines: bool) -> ApiResult<String> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(AppError::BadRequest(format!(
            "A template's {what} has at most {max} characters."
        )));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !(lines && c == '\n'))
    {
        return Err(AppError::BadRequest(format!(
            "A template's {what} cannot contain control characters."
        )));
    }
    Ok(text.to_owned())
}

/// Whether `token` is the operator's.
async fn is_operator(app: &App, token: Option<&str>) -> bool {
    check_operator(app, token).await.is_ok()
}

async fn save(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    CallerToken(token): CallerToken,
    json: Result<Json<SaveTemplate>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<TemplateSaved>)> {
    let operator = is_operator(&app, token.as_deref()).await;
    let board = if operator {
        let board = BoardId::parse(&id).ok_or(AppError::NotFound)?;
        let lookup = board.clone();
        match app.read(move |s| s.get_board(&lookup)).await? {
            Some(r) if r.saved_template.is_none() => board,
            _ => return Err(AppError::NotFound),
        }
    } else {
        let (board, _, role) = app.access(&id, token.as_deref()).await?;
        if app.config.templates_by_operator {
            return Err(AppError::Refused(
                StatusCode::FORBIDDEN,
                tafel_shared::api::ERR_FORBIDDEN,
                "On this server, only the operator saves templates.".into(),
            ));
        }
        if !role.can_manage() {
            return Err(AppError::Forbidden("save the board as a template"));
        }
        board
    };
    let req = body(json)?;
    let name = clean(&req.name, MAX_TEMPLATE_NAME_CHARS, "name", false)?;
    if name.is_empty() {
        return Err(AppError::BadRequest("A template needs a name.".into()));
    }
    let description = clean(
        &req.description,
        MAX_TEMPLATE_DESCRIPTION_CHARS,
        "description",
        true,
    )?;
    let source = board.clone();
    let frame = req.frame.clone();
    let (docs, elements) = app
        .read(move |s| template_docs(s, &source, frame.as_deref()))
        .await?
        .ok_or(AppError::Missing("frame"))?;
    let template_id = random_token(ids::BOARD_ID_BYTES);
    let manage_token = random_token(ids::TOKEN_BYTES);
    let now = app.clock.unix_ms();
    let record = BoardRecord {
        id: template_id.clone(),
        title: name.clone(),
        template: SAVED.to_owned(),
        created_ms: now,
        updated_ms: now,
        token_hashes: BTreeMap::new(),
        revoked: Vec::new(),
        generations: BTreeMap::new(),
        legacy_tokens: BTreeMap::new(),
        saved_template: Some(TemplateMeta {
            description: description.clone(),
            elements,
            manage_hash: hash_token(&manage_token),
        }),
    };
    let from = board.clone();
    app.committer
        .call(move |s| {
            s.create_board(&record, &docs)?;
            let to = BoardId::parse(&record.id)
                .ok_or_else(|| StoreError::io("a new template id does not parse"))?;
            s.copy_files(&from, &to)
        })
        .await?;
    durable(&app).await?;
    tracing::info!(board = %board, template = %template_id, "template saved");
    Ok((
        StatusCode::CREATED,
        Json(TemplateSaved {
            template: SavedTemplate {
                id: template_id,
                name,
                description,
                created_ms: now,
                elements,
            },
            manage_token,
        }),
    ))
}

/// The documents of a template made from `board` now: its canvas (content
/// and locked layer) and its agenda and how-to, or only `frame` with what it
/// holds, moved to the origin; with the count of elements. `None` if the
/// frame is not on the board.
fn template_docs(
    s: &Storage,
    board: &BoardId,
    frame: Option<&str>,
) -> Result<Option<(DocStates, usize)>, StoreError> {
    let state = |doc| {
        s.doc_state(&DocKey {
            board: board.clone(),
            doc,
        })
    };
    let mut content = crate::export::elements_of_state(state(DocKind::Content)?.as_deref(), false);
    let mut locked = crate::export::elements_of_state(state(DocKind::Locked)?.as_deref(), true);
    let mut room = {
        let doc = session_doc(state(DocKind::Session)?.as_deref());
        let map = tafel_shared::session::room_map(&doc);
        let txn = doc.transact();
        RoomState::read(&txn, &map)
    };
    if let Some(frame_id) = frame {
        let Some(f) = content
            .iter()
            .chain(&locked)
            .find(|e| e.base.id == frame_id && e.is_frame())
            .cloned()
        else {
            return Ok(None);
        };
        let mut kept: HashSet<String> = content
            .iter()
            .chain(&locked)
            .filter(|e| e.base.id == frame_id || e.base.parent == frame_id)
            .map(|e| e.base.id.clone())
            .collect();
        // Connectors come along when both their ends do.
        let links: Vec<String> = content
            .iter()
            .chain(&locked)
            .filter_map(|e| match &e.props {
                Props::Connector(c) if kept.contains(&c.from) && kept.contains(&c.to) => {
                    Some(e.base.id.clone())
                }
                _ => None,
            })
            .collect();
        kept.extend(links);
        let (dx, dy) = (f.base.rect.x, f.base.rect.y);
        let keep = |list: &mut Vec<Element>| {
            list.retain(|e| kept.contains(&e.base.id));
            for e in list.iter_mut() {
                e.base.rect.x -= dx;
                e.base.rect.y -= dy;
                if e.base.id == frame_id {
                    e.base.parent.clear();
                }
                if let Props::Connector(c) = &mut e.props {
                    for p in &mut c.points {
                        p.x -= dx;
                        p.y -= dy;
                    }
                }
            }
        };
        keep(&mut content);
        keep(&mut locked);
        // The board's agenda names frames this template does not have.
        room.agenda.clear();
    }
    let elements = content.len() + locked.len();
    // A template keeps what a workshop starts with: its agenda and how-to,
    // not its timer, hands or the step it reached.
    let session = {
        let doc = yrs::Doc::new();
        let map = tafel_shared::session::room_map(&doc);
        RoomState {
            agenda: room.agenda,
            howto: room.howto,
            ..RoomState::default()
        }
        .write(&mut doc.transact_mut(), &map);
        crate::export::state_of(&doc)
    };
    Ok(Some((
        vec![
            (DocKind::Content, state_of_elements(&content)),
            (DocKind::Locked, state_of_elements(&locked)),
            (DocKind::Session, session),
        ],
        elements,
    )))
}

fn session_doc(state: Option<&[u8]>) -> yrs::Doc {
    use yrs::updates::decoder::Decode;
    let doc = yrs::Doc::new();
    if let Some(update) = state.and_then(|s| yrs::Update::decode_v1(s).ok()) {
        let _ = doc.transact_mut().apply_update(update);
    }
    doc
}

fn summary(r: BoardRecord) -> Option<SavedTemplate> {
    let meta = r.saved_template?;
    Some(SavedTemplate {
        id: r.id,
        name: r.title,
        description: meta.description,
        created_ms: r.created_ms,
        elements: meta.elements,
    })
}

async fn list(State(app): State<Arc<App>>) -> ApiResult<Json<Vec<SavedTemplate>>> {
    let mut out: Vec<SavedTemplate> = app
        .read(|s| s.list_boards())
        .await?
        .into_iter()
        .filter_map(summary)
        .collect();
    out.sort_by_key(|t| t.name.to_lowercase());
    Ok(Json(out))
}

/// The saved template `id`, if the caller may manage it: the operator, or
/// (unless only the operator manages templates) whoever holds its token.
async fn managed(app: &App, id: &str, token: Option<&str>) -> ApiResult<(BoardId, BoardRecord)> {
    let template = BoardId::parse(id).ok_or(AppError::NotFound)?;
    let lookup = template.clone();
    let record = match app.read(move |s| s.get_board(&lookup)).await? {
        Some(r) if r.saved_template.is_some() => r,
        _ => return Err(AppError::NotFound),
    };
    if is_operator(app, token).await {
        return Ok((template, record));
    }
    let holds = token.is_some_and(|t| {
        record
            .saved_template
            .as_ref()
            .is_some_and(|m| m.manage_hash == hash_token(t))
    });
    match (holds, app.config.templates_by_operator) {
        (true, false) => Ok((template, record)),
        (true, true) => Err(AppError::Refused(
            StatusCode::FORBIDDEN,
            tafel_shared::api::ERR_FORBIDDEN,
            "On this server, only the operator manages templates.".into(),
        )),
        (false, _) => Err(AppError::Unauthorized),
    }
}

async fn update(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    CallerToken(token): CallerToken,
    json: Result<Json<UpdateTemplate>, JsonRejection>,
) -> ApiResult<Json<SavedTemplate>> {
    let (template, _) = managed(&app, &id, token.as_deref()).await?;
    let req = body(json)?;
    let name = match req.name {
        Some(n) => {
            let n = clean(&n, MAX_TEMPLATE_NAME_CHARS, "name", false)?;
            if n.is_empty() {
                return Err(AppError::BadRequest("A template needs a name.".into()));
            }
            Some(n)
        }
        None => None,
    };
    let description = req
        .description
        .map(|d| clean(&d, MAX_TEMPLATE_DESCRIPTION_CHARS, "description", true))
        .transpose()?;
    let now = app.clock.unix_ms();
    let updated = app
        .committer
        .call(move |s| {
            s.update_board(&template, |r| {
                if let Some(n) = &name {
                    r.title = n.clone();
                }
                if let (Some(d), Some(meta)) = (&description, r.saved_template.as_mut()) {
                    meta.description = d.clone();
                }
                r.updated_ms = now;
            })
        })
        .await?
        .ok_or(AppError::NotFound)?;
    durable(&app).await?;
    summary(updated).map(Json).ok_or(AppError::NotFound)
}

async fn remove(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    CallerToken(token): CallerToken,
) -> ApiResult<StatusCode> {
    let (template, _) = managed(&app, &id, token.as_deref()).await?;
    let gone = template.clone();
    if !app.committer.call(move |s| s.delete_board(&gone)).await? {
        return Err(AppError::NotFound);
    }
    durable(&app).await?;
    tracing::info!(template = %template, "template deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The template as a Tafel file (the board export format), for whoever
/// manages it: a template moves between servers like a board.
async fn export(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    CallerToken(token): CallerToken,
) -> ApiResult<Json<tafel_shared::api::BoardExport>> {
    let (template, _) = managed(&app, &id, token.as_deref()).await?;
    let data = app
        .read(move |s| crate::export::load(s, &template, true))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(crate::export::json(&data)))
}
