//! The HTTP edge: the board API, the operator API, health, metrics, the WebSocket
//! routes and the built browser client (its files, with cache lifetimes that follow
//! from their content-hashed names). One error type, [`AppError`], turns every API
//! failure into JSON with a stable `code`; internal details are logged, never returned.

use crate::app::{AccessError, App};
use crate::client_files::ClientFiles;
use crate::secret::random_token;
use crate::storage::{hash_token, BoardRecord};
use crate::ws_handshake::WsUpgrade;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, Path, Query, RawPathParams, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::Arc;
use tafel_shared::api::AccessAction;
use tafel_shared::api::{
    self, ApiError, BoardCreated, BoardInfo, BoardLinks, BoardSummary, CreateBoard, RenameBoard,
    TokenRotated,
};
use tafel_shared::ids::{self, BoardId};
use tafel_shared::roles::{DocKind, Role};
use tafel_shared::templates::Template;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};

/// Every way an HTTP request can fail.
#[derive(Debug)]
pub enum AppError {
    /// Bad input, with a message for people.
    BadRequest(String),
    /// No or wrong token.
    Unauthorized,
    /// The token was rotated away.
    Revoked,
    /// The role may not do this.
    Forbidden(&'static str),
    /// No such board.
    NotFound,
    /// The board exists, but not this part of it (a version).
    Missing(&'static str),
    /// Unknown template id.
    UnknownTemplate(String),
    /// Refused for a reason of its own: status, one of the `ERR_*` codes, a
    /// sentence for people.
    Refused(StatusCode, &'static str, String),
    /// The store failed; details are logged.
    Storage(crate::store::StoreError),
}

impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        AppError::Storage(e)
    }
}

impl From<AccessError> for AppError {
    fn from(e: AccessError) -> Self {
        match e {
            AccessError::UnknownBoard => AppError::NotFound,
            AccessError::Unauthorized => AppError::Unauthorized,
            AccessError::Revoked => AppError::Revoked,
            AccessError::Storage => {
                AppError::Storage(crate::store::StoreError::io("reading the board failed"))
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, api::ERR_BAD_REQUEST, m),
            AppError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                api::ERR_UNAUTHORIZED,
                "This link is not valid for this board.".to_owned(),
            ),
            AppError::Revoked => (
                StatusCode::UNAUTHORIZED,
                api::ERR_REVOKED,
                "This link was revoked. Ask the facilitator for a new one.".to_owned(),
            ),
            AppError::Forbidden(what) => (
                StatusCode::FORBIDDEN,
                api::ERR_FORBIDDEN,
                format!("Only a facilitator can {what}."),
            ),
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                api::ERR_NOT_FOUND,
                "No board has this id.".to_owned(),
            ),
            AppError::Missing(what) => (
                StatusCode::NOT_FOUND,
                api::ERR_NOT_FOUND,
                format!("This board has no such {what}."),
            ),
            AppError::UnknownTemplate(t) => (
                StatusCode::BAD_REQUEST,
                api::ERR_UNKNOWN_TEMPLATE,
                format!("There is no template called {t:?}."),
            ),
            AppError::Refused(status, code, message) => (status, code, message),
            AppError::Storage(e) => {
                tracing::error!(error = %e, "store failure in a request");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    api::ERR_STORAGE,
                    "The server could not save this change. Nothing was changed; try again later."
                        .to_owned(),
                )
            }
        };
        (
            status,
            Json(ApiError {
                code: code.to_owned(),
                message,
            }),
        )
            .into_response()
    }
}

pub(crate) type ApiResult<T> = Result<T, AppError>;

/// The `?token=` of share links.
#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// What a socket brings in its URL: the share token and the participant
/// credential.
#[derive(Deserialize)]
pub struct SocketQuery {
    token: Option<String>,
    me: Option<String>,
}

/// The token a caller presented: `?token=` or `Authorization: Bearer`.
pub struct CallerToken(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for CallerToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        let Query(q) = Query::<TokenQuery>::from_request_parts(parts, state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        Ok(CallerToken(q.token.or_else(|| {
            parts
                .headers
                .get(header::AUTHORIZATION)?
                .to_str()
                .ok()?
                .strip_prefix("Bearer ")
                .map(|t| t.trim().to_owned())
        })))
    }
}

/// A caller's access to the board named by the `{id}` path segment: the token is
/// checked against the board's record before the handler runs. The one access
/// check of every board request.
pub struct BoardAccess {
    /// The board.
    pub board: BoardId,
    /// Its record as read for this request.
    pub record: BoardRecord,
    /// The role the caller's token grants.
    pub role: Role,
    /// Where the request came from (for the access log).
    pub addr: std::net::IpAddr,
}

impl BoardAccess {
    /// The same access, if its role may manage the board; `what` completes
    /// "Only a facilitator can …" otherwise.
    pub(crate) fn facilitator(self, what: &'static str) -> ApiResult<Self> {
        if self.role.can_manage() {
            Ok(self)
        } else {
            Err(AppError::Forbidden(what))
        }
    }
}

impl FromRequestParts<Arc<App>> for BoardAccess {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> ApiResult<Self> {
        let params = RawPathParams::from_request_parts(parts, app)
            .await
            .map_err(|_| AppError::NotFound)?;
        let id = params
            .iter()
            .find(|(name, _)| *name == "id")
            .map(|(_, value)| value.to_owned())
            .ok_or(AppError::NotFound)?;
        let CallerToken(token) = CallerToken::from_request_parts(parts, app).await?;
        let ClientAddr(addr) = ClientAddr::from_request_parts(parts, app).await?;
        let (board, record, role) = app.access(&id, token.as_deref()).await?;
        Ok(Self {
            board,
            record,
            role,
            addr,
        })
    }
}

/// The caller's address, as far as this server can tell.
pub struct ClientAddr(pub std::net::IpAddr);

/// The caller's network address: the TCP peer's, or, behind a proxy named
/// trusted with `--trusted-proxy`, the one that proxy appended to
/// `X-Forwarded-For` (a client's own header is never believed otherwise, so
/// it cannot dodge a per-address limit by naming another address).
impl FromRequestParts<Arc<App>> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, AppError> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
        if !app.config.trusted_proxy {
            return Ok(ClientAddr(peer));
        }
        // The trusted proxy appends the address it saw last.
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
            .next_back();
        Ok(ClientAddr(forwarded.unwrap_or(peer)))
    }
}

/// Refuses the request if `addr` made too many of this kind lately.
pub(crate) fn per_address(
    limit: &crate::per_address::PerAddress,
    addr: std::net::IpAddr,
    what: &str,
) -> ApiResult<()> {
    limit
        .allow(addr, std::time::Instant::now())
        .map_err(|wait| {
            AppError::Refused(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                tafel_shared::api::ERR_RATE_LIMITED,
                format!("Too many {what} from this address; try again in {wait} s."),
            )
        })
}

/// A caller holding the operator token.
pub struct Operator;

impl FromRequestParts<Arc<App>> for Operator {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> ApiResult<Self> {
        let CallerToken(token) = CallerToken::from_request_parts(parts, app).await?;
        check_operator(app, token.as_deref()).await?;
        Ok(Operator)
    }
}

pub(crate) async fn check_operator(app: &App, token: Option<&str>) -> ApiResult<()> {
    let token = token
        .filter(|t| ids::is_well_formed_token(t))
        .ok_or(AppError::Unauthorized)?;
    match app.read(|s| s.operator_hash()).await? {
        Some(h) if h == hash_token(token) => Ok(()),
        _ => Err(AppError::Unauthorized),
    }
}

pub(crate) fn body<T>(json: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    json.map(|Json(v)| v).map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return AppError::Refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                api::ERR_TOO_LARGE,
                "The request body is larger than the server accepts.".into(),
            );
        }
        AppError::BadRequest(format!(
            "The request body is not what was expected: {}",
            e.body_text()
        ))
    })
}

pub(crate) fn clean_title(title: &str) -> ApiResult<String> {
    let title = title.trim();
    if title.chars().count() > api::MAX_TITLE_CHARS {
        return Err(AppError::BadRequest(format!(
            "A title has at most {} characters.",
            api::MAX_TITLE_CHARS
        )));
    }
    if title.chars().any(char::is_control) {
        return Err(AppError::BadRequest(
            "A title cannot contain control characters.".into(),
        ));
    }
    Ok(if title.is_empty() {
        "Untitled board".to_owned()
    } else {
        title.to_owned()
    })
}

/// The Content-Security-Policy of the app: nothing from other hosts, no inline
/// scripts; WebAssembly needs `wasm-unsafe-eval`.
pub const CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Every route of the server: the board API, `more` API routes (history,
/// exports: merged here so that they may use this module without it knowing
/// them), and the client's files.
pub fn router(app: Arc<App>, more: Router<Arc<App>>) -> Router {
    let api = api_router(Arc::clone(&app), more);
    let router = match ClientFiles::find(app.config.assets.as_deref()) {
        Some(client) => api.fallback(move |req: axum::extract::Request| {
            let client = client.clone();
            async move { client.serve(req).await }
        }),
        None => api.fallback(not_found),
    };
    // Served over https (behind a proxy that ends TLS): browsers must never
    // fall back to plain http for this host.
    let hsts = app
        .public_url
        .starts_with("https://")
        .then(|| header::HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    router
        .layer(axum::middleware::map_response(move |mut res: Response| {
            if let Some(v) = hsts.clone() {
                res.headers_mut()
                    .entry(header::STRICT_TRANSPORT_SECURITY)
                    .or_insert(v);
            }
            async move { res }
        }))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            check_origin,
        ))
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                header::CONTENT_SECURITY_POLICY,
                header::HeaderValue::from_static(CSP),
            ),
        )
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                header::HeaderValue::from_static("nosniff"),
            ),
        )
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                header::HeaderValue::from_static("no-referrer"),
            ),
        )
        .layer(
            tower_http::compression::CompressionLayer::new().compress_when(
                // woff2 is brotli inside already: compressing it again costs CPU and
                // saves nothing.
                DefaultPredicate::new().and(NotForContentType::const_new("font/")),
            ),
        )
}

/// With `--allowed-origins`, refuses API calls and sockets from browser pages
/// of other origins (the server's own public URL is always allowed). The
/// client's files are not checked: the page itself loads them.
async fn check_origin(
    State(app): State<Arc<App>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let allowed = &app.config.allowed_origins;
    let path = req.uri().path();
    if allowed.is_empty() || !(path.starts_with("/api/") || path.starts_with("/ws/")) {
        return next.run(req).await;
    }
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(|o| o.trim_end_matches('/').to_owned());
    match origin {
        Some(o) if o != app.public_url && !allowed.iter().any(|a| a.trim_end_matches('/') == o) => {
            app.metrics.refuse("origin not allowed");
            AppError::Refused(
                StatusCode::FORBIDDEN,
                api::ERR_FORBIDDEN,
                "Pages of this origin may not use this server.".into(),
            )
            .into_response()
        }
        _ => next.run(req).await,
    }
}

/// Whether this node should get new sockets: its store answers (in cluster
/// mode PostgreSQL, and Redis too) and it is not draining. 503 otherwise,
/// with what is wrong; never the engines' addresses.
async fn ready(State(app): State<Arc<App>>) -> Response {
    let store = app.read(|s| s.operator_hash()).await.is_ok();
    let redis = match &app.cluster {
        Some(c) => Some(c.redis_answers().await),
        None => None,
    };
    let draining = app.draining.load(std::sync::atomic::Ordering::Acquire);
    let ready = store && redis != Some(false) && !draining;
    let body = serde_json::json!({
        "ready": ready,
        "draining": draining,
        "store": if store { "ok" } else { "unreachable" },
        "redis": redis.map(|ok| if ok { "ok" } else { "unreachable" }),
        "node": app.cluster.as_ref().map(|c| c.name()),
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

fn api_router(app: Arc<App>, more: Router<Arc<App>>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .route("/api/boards", post(create_board))
        .route(
            "/api/boards/{id}",
            get(board_info).patch(rename_board).delete(delete_board),
        )
        .route("/api/boards/{id}/tokens/{role}", post(rotate_token))
        .route("/api/boards/{id}/links", get(board_links))
        .route("/api/participants", post(issue_participant))
        .route("/api/admin/boards", get(admin_list))
        .route(
            "/api/admin/boards/{id}",
            axum::routing::delete(admin_delete),
        )
        .route("/api/admin/backup", get(admin_backup))
        .route("/api/admin/access-log", get(admin_access_log))
        .route("/ws/{board}", get(ws_content))
        .route("/ws/{board}/{doc}", get(ws_doc))
        .merge(more)
        .route("/api/{*rest}", axum::routing::any(not_found))
        .with_state(app)
}

async fn not_found() -> AppError {
    AppError::NotFound
}

async fn metrics(State(app): State<Arc<App>>, CallerToken(token): CallerToken) -> Response {
    // With --metrics-private, only the operator reads the server's numbers.
    if app.config.metrics_private {
        if let Err(e) = check_operator(&app, token.as_deref()).await {
            return e.into_response();
        }
    }
    if let Ok(total) = app.read(|s| s.history_total()).await {
        app.metrics
            .history_bytes
            .set(i64::try_from(total).unwrap_or(i64::MAX));
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.encode(),
    )
        .into_response()
}

async fn create_board(
    State(app): State<Arc<App>>,
    CallerToken(token): CallerToken,
    ClientAddr(addr): ClientAddr,
    json: Result<Json<CreateBoard>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<BoardCreated>)> {
    if app.config.create_requires_operator {
        check_operator(&app, token.as_deref()).await?;
    }
    per_address(&app.creations, addr, "new boards")?;
    let req = body(json)?;
    let title = clean_title(&req.title)?;
    let template_id = req.template.unwrap_or_default();
    // One of the agency's own templates: the new board is a copy of it.
    if let Some(saved) = template_id.strip_prefix(api::SAVED_TEMPLATE_PREFIX) {
        let unknown = || AppError::UnknownTemplate(template_id.clone());
        let from = BoardId::parse(saved).ok_or_else(unknown)?;
        let lookup = from.clone();
        let docs = app
            .read(move |s| s.saved_template_docs(&lookup))
            .await?
            .ok_or_else(unknown)?;
        let created = store_new_board(
            &app,
            title,
            &template_id,
            docs,
            NewFiles::CopiedFrom(from),
            addr,
        )
        .await?;
        return Ok((StatusCode::CREATED, Json(created)));
    }
    let template = Template::parse(&template_id).ok_or(AppError::UnknownTemplate(template_id))?;
    let now = app.clock.unix_ms();
    let docs = {
        use yrs::{ReadTxn, Transact};
        let state = |doc: yrs::Doc| {
            doc.transact()
                .encode_state_as_update_v1(&yrs::StateVector::default())
        };
        let built = template.build(req.lang.unwrap_or(tafel_shared::i18n::Lang::En), now);
        vec![
            (DocKind::Content, state(built.content)),
            (DocKind::Locked, state(built.locked)),
            (DocKind::Session, state(built.session)),
        ]
    };
    let created = store_new_board(&app, title, template.id(), docs, NewFiles::None, addr).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The pictures a new board starts with.
pub(crate) enum NewFiles {
    /// None (a template).
    None,
    /// Checked ones (an import).
    Checked(Vec<crate::files::Prepared>),
    /// All of another board's (a copy of it).
    CopiedFrom(BoardId),
}

/// Stores a new board with its first document states and pictures, durably, and
/// returns its links (shown once).
pub(crate) async fn store_new_board(
    app: &App,
    title: String,
    template: &str,
    docs: Vec<(DocKind, Vec<u8>)>,
    files: NewFiles,
    from: std::net::IpAddr,
) -> ApiResult<BoardCreated> {
    let id = random_token(ids::BOARD_ID_BYTES);
    let now = app.clock.unix_ms();
    let tokens: std::collections::BTreeMap<Role, String> = Role::ALL
        .iter()
        .map(|r| (*r, app.link_key.token(&id, *r, 0)))
        .collect();
    let record = BoardRecord {
        id: id.clone(),
        title: title.clone(),
        template: template.to_owned(),
        created_ms: now,
        updated_ms: now,
        token_hashes: tokens.iter().map(|(r, t)| (*r, hash_token(t))).collect(),
        revoked: Vec::new(),
        generations: Role::ALL.iter().map(|r| (*r, 0)).collect(),
        legacy_tokens: Default::default(),
        saved_template: None,
    };
    app.committer
        .call(move |s| {
            s.create_board(&record, &docs)?;
            let board = BoardId::parse(&record.id)
                .ok_or_else(|| crate::store::StoreError::io("a new board id does not parse"))?;
            match files {
                NewFiles::None => {}
                NewFiles::Checked(files) => {
                    for file in &files {
                        s.put_file(&board, file, u64::MAX)?;
                    }
                }
                NewFiles::CopiedFrom(source) => s.copy_files(&source, &board)?,
            }
            Ok(())
        })
        .await?;
    durable(app).await?;
    let links = tokens.iter().map(|(r, t)| (*r, app.link(&id, t))).collect();
    tracing::info!(board = %id, template, "board created");
    if let Some(board) = BoardId::parse(&id) {
        app.record_access(
            AccessAction::Create,
            Some(&board),
            None,
            Some(from),
            Some(template.to_owned()),
        );
    }
    Ok(BoardCreated {
        id,
        title,
        template: template.to_owned(),
        tokens,
        links,
    })
}

/// Board changes made over HTTP are durable before the answer, like socket updates.
pub(crate) async fn durable(app: &App) -> ApiResult<()> {
    if app.committer.flush_now().await {
        Ok(())
    } else {
        Err(AppError::Storage(crate::store::StoreError::io(
            "the flush after a board change failed",
        )))
    }
}

/// Changes the board's record (compare-and-swap, see
/// [`crate::storage::Storage::update_board`]) and makes it durable.
async fn update_record(
    app: &App,
    board: &BoardId,
    change: impl FnMut(&mut BoardRecord) + Send + 'static,
) -> ApiResult<BoardRecord> {
    let id = board.clone();
    let record = app
        .committer
        .call(move |s| s.update_board(&id, change))
        .await?
        .ok_or(AppError::NotFound)?;
    durable(app).await?;
    Ok(record)
}

async fn info(app: &App, record: &BoardRecord, board: &BoardId, role: Role) -> BoardInfo {
    let (changed_ms, by) = app.rooms.last_change(board).unwrap_or((0, None));
    let updated_by = match by {
        Some(id) => names_of(app, board, vec![id]).await.pop(),
        None => None,
    };
    BoardInfo {
        id: record.id.clone(),
        title: record.title.clone(),
        template: record.template.clone(),
        created_ms: record.created_ms,
        updated_ms: record.updated_ms.max(changed_ms),
        updated_by,
        role,
        deleted_after_ms: app.config.retention_days.map(|days| {
            record
                .updated_ms
                .max(changed_ms)
                .saturating_add(days.saturating_mul(DAY_MS))
        }),
    }
}

const DAY_MS: u64 = 86_400_000;

/// With `--retention-days`: deletes every board nobody changed for that long
/// and nobody has open now (saved templates are kept). Returns how many.
pub async fn sweep_retention(app: &App) -> ApiResult<usize> {
    let Some(days) = app.config.retention_days else {
        return Ok(0);
    };
    let cutoff = app
        .clock
        .unix_ms()
        .saturating_sub(days.saturating_mul(DAY_MS));
    let records = app.read(|s| s.list_boards()).await?;
    let mut deleted = 0;
    for r in records.into_iter().filter(|r| r.saved_template.is_none()) {
        let Some(board) = BoardId::parse(&r.id) else {
            continue;
        };
        let changed = app.rooms.last_change(&board).map_or(0, |(ms, _)| ms);
        if r.updated_ms.max(changed) >= cutoff || app.rooms.sockets_on(&board) > 0 {
            continue;
        }
        erase_board(app, &board).await?;
        app.record_access(
            AccessAction::Delete,
            Some(&board),
            None,
            None,
            Some(format!("untouched for {days} days (retention)")),
        );
        deleted += 1;
    }
    Ok(deleted)
}

/// The names participants go by on a board (from its roster), in order; an id
/// the roster does not know gets a short form of itself.
pub(crate) async fn names_of(
    app: &App,
    board: &BoardId,
    ids: Vec<tafel_shared::ids::ParticipantId>,
) -> Vec<String> {
    let lookup = board.clone();
    let roster = app
        .read(move |s| s.workshop(&lookup))
        .await
        .ok()
        .flatten()
        .and_then(|bytes| crate::workshop::Workshop::from_json(&bytes).ok());
    ids.iter()
        .map(|id| {
            roster
                .as_ref()
                .and_then(|w| w.known_name(id))
                .map_or_else(|| format!("#{}", &id.as_str()[..6]), str::to_owned)
        })
        .collect()
}

async fn board_info(State(app): State<Arc<App>>, access: BoardAccess) -> Json<BoardInfo> {
    Json(info(&app, &access.record, &access.board, access.role).await)
}

async fn rename_board(
    State(app): State<Arc<App>>,
    access: BoardAccess,
    json: Result<Json<RenameBoard>, JsonRejection>,
) -> ApiResult<Json<BoardInfo>> {
    let access = access.facilitator("rename the board")?;
    let title = clean_title(&body(json)?.title)?;
    let now = app.clock.unix_ms();
    let record = update_record(&app, &access.board, move |r| {
        r.title = title.clone();
        r.updated_ms = now;
    })
    .await?;
    Ok(Json(info(&app, &record, &access.board, access.role).await))
}

async fn board_links(
    State(app): State<Arc<App>>,
    access: BoardAccess,
) -> ApiResult<Json<BoardLinks>> {
    let BoardAccess {
        record,
        board,
        role,
        addr,
    } = access.facilitator("see the share links")?;
    app.record_access(
        AccessAction::Share,
        Some(&board),
        Some(role),
        Some(addr),
        Some("links shown".into()),
    );
    let links = record
        .generations
        .iter()
        .map(|(role, generation)| (*role, app.link_key.token(&record.id, *role, *generation)))
        // Only tokens that open the board: a link made before tokens were
        // derived, or under another server key, is renewed to be shown.
        .filter(|(role, token)| record.token_hashes.get(role) == Some(&hash_token(token)))
        .map(|(role, token)| (role, app.link(&record.id, &token)))
        .collect();
    Ok(Json(BoardLinks { links }))
}

/// Rotated-away token hashes remembered per board for the "link revoked" message.
const REVOKED_KEPT: usize = 16;

async fn rotate_token(
    State(app): State<Arc<App>>,
    Path((id, role)): Path<(String, String)>,
    access: BoardAccess,
) -> ApiResult<Json<TokenRotated>> {
    let access = access.facilitator("change share links")?;
    let role = Role::parse(&role)
        .ok_or_else(|| AppError::BadRequest(format!("There is no role called {role:?}.")))?;
    let now = app.clock.unix_ms();
    let link_key = app.link_key.clone();
    let record = update_record(&app, &access.board, move |record| {
        let generation = record.generations.get(&role).map_or(0, |g| g + 1);
        record.generations.insert(role, generation);
        let new_token = link_key.token(&record.id, role, generation);
        if let Some(old) = record.token_hashes.insert(role, hash_token(&new_token)) {
            record.revoked.push(old);
            let excess = record.revoked.len().saturating_sub(REVOKED_KEPT);
            record.revoked.drain(..excess);
        }
        record.updated_ms = now;
    })
    .await?;
    app.rooms
        .kick_role(
            &access.board,
            role,
            tafel_shared::protocol::CloseCode::TokenRevoked,
        )
        .await;
    tracing::info!(board = %access.board, role = %role, "share link rotated");
    app.record_access(
        AccessAction::Share,
        Some(&access.board),
        Some(access.role),
        Some(access.addr),
        Some(format!("{} link renewed", role.as_str())),
    );
    let generation = record.generations.get(&role).copied().unwrap_or(0);
    let token = app.link_key.token(&record.id, role, generation);
    let link = app.link(&id, &token);
    Ok(Json(TokenRotated { role, token, link }))
}

async fn erase_board(app: &App, board: &BoardId) -> ApiResult<()> {
    app.rooms.evict_board(board).await;
    let id = board.clone();
    // On the writer, so it runs after every write the evicted rooms submitted.
    if !app.committer.call(move |s| s.delete_board(&id)).await? {
        return Err(AppError::NotFound);
    }
    durable(app).await?;
    tracing::info!(board = %board, "board deleted");
    Ok(())
}

async fn delete_board(State(app): State<Arc<App>>, access: BoardAccess) -> ApiResult<StatusCode> {
    let access = access.facilitator("delete the board")?;
    erase_board(&app, &access.board).await?;
    app.record_access(
        AccessAction::Delete,
        Some(&access.board),
        Some(access.role),
        Some(access.addr),
        None,
    );
    Ok(StatusCode::NO_CONTENT)
}

async fn admin_list(
    State(app): State<Arc<App>>,
    _: Operator,
) -> ApiResult<Json<Vec<BoardSummary>>> {
    let boards = app
        .read(|s| {
            s.list_boards()?
                .into_iter()
                .filter(|r| r.saved_template.is_none())
                .map(|r| {
                    let bytes = BoardId::parse(&r.id).map_or(Ok(0), |b| s.board_bytes(&b))?;
                    Ok((r, bytes))
                })
                .collect::<Result<Vec<_>, crate::store::StoreError>>()
        })
        .await?
        .into_iter()
        .map(|(r, bytes)| {
            let board = BoardId::parse(&r.id);
            let updated = board
                .as_ref()
                .and_then(|b| app.rooms.last_change(b))
                .map_or(0, |(ms, _)| ms)
                .max(r.updated_ms);
            BoardSummary {
                sockets: board.map_or(0, |b| app.rooms.sockets_on(&b)),
                id: r.id,
                title: r.title,
                template: r.template,
                created_ms: r.created_ms,
                updated_ms: updated,
                bytes,
            }
        })
        .collect();
    Ok(Json(boards))
}

/// `?days=` (default: all that is kept), `?board=` and `?format=csv`.
#[derive(serde::Deserialize)]
struct AccessLogQuery {
    days: Option<u64>,
    board: Option<String>,
    format: Option<String>,
}

/// The access log, for the operator: JSON, or CSV with `?format=csv`.
async fn admin_access_log(
    State(app): State<Arc<App>>,
    _: Operator,
    Query(q): Query<AccessLogQuery>,
) -> ApiResult<Response> {
    let since = q.days.map_or(0, |d| {
        app.clock
            .unix_ms()
            .saturating_sub(d.saturating_mul(86_400_000))
    });
    let mut entries = app.read(move |s| s.access_log(since)).await?;
    if let Some(board) = q.board {
        entries.retain(|e| e.board.as_deref() == Some(board.as_str()));
    }
    Ok(match q.format.as_deref() {
        Some("csv") => (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            crate::access_log::to_csv(&entries),
        )
            .into_response(),
        _ => Json(entries).into_response(),
    })
}

/// A consistent backup of the whole store ([`crate::backup`]): read on the
/// storage writer, after every write submitted before it.
async fn admin_backup(
    State(app): State<Arc<App>>,
    _: Operator,
    ClientAddr(addr): ClientAddr,
) -> ApiResult<Response> {
    let bytes = app.committer.read_all(|s| s.backup()).await?;
    app.record_access(AccessAction::Backup, None, None, Some(addr), None);
    tracing::info!(bytes = bytes.len(), "backup taken");
    Ok((
        [
            (header::CONTENT_TYPE, "application/gzip"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"tafel.backup\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn admin_delete(
    State(app): State<Arc<App>>,
    _: Operator,
    ClientAddr(addr): ClientAddr,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let board = BoardId::parse(&id).ok_or(AppError::NotFound)?;
    erase_board(&app, &board).await?;
    app.record_access(
        AccessAction::Delete,
        Some(&board),
        None,
        Some(addr),
        Some("by the operator".into()),
    );
    Ok(StatusCode::NO_CONTENT)
}

/// A new participant identity for a browser (no account, no token needed: an
/// identity grants nothing beyond the role of the link it comes with).
async fn issue_participant(
    State(app): State<Arc<App>>,
    ClientAddr(addr): ClientAddr,
) -> ApiResult<(StatusCode, Json<tafel_shared::api::ParticipantIssued>)> {
    per_address(&app.issued, addr, "new identities")?;
    let credential = app.identities.issue().to_string();
    Ok((
        StatusCode::CREATED,
        Json(tafel_shared::api::ParticipantIssued { credential }),
    ))
}

fn upgrade(
    app: Arc<App>,
    ws: WsUpgrade,
    board: String,
    doc: Option<DocKind>,
    query: SocketQuery,
    headers: &axum::http::HeaderMap,
    addr: std::net::IpAddr,
) -> Response {
    // Tafel's client offers its credentials as subprotocols (a header no proxy
    // logs); stock Yjs clients can only send them in the URL.
    let (header_token, header_me) = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|h| h.to_str().ok())
        .map(tafel_shared::protocol::protocol_credentials)
        .unwrap_or_default();
    let query = SocketQuery {
        token: header_token.or(query.token),
        me: header_me.or(query.me),
    };
    ws.on_upgrade(tafel_shared::protocol::WS_PROTOCOL, move |io| async move {
        let auth = match doc {
            Some(doc) => {
                app.authorize_socket(&board, doc, query.token.as_deref(), query.me.as_deref())
                    .await
            }
            None => Err(tafel_shared::protocol::CloseCode::UnknownBoard),
        };
        // One entry per board opened: the content socket (the others come with it).
        if let Ok(a) = &auth {
            if a.doc == DocKind::Content {
                app.record_access(
                    AccessAction::Open,
                    Some(&a.board),
                    Some(a.role),
                    Some(addr),
                    None,
                );
            }
        }
        crate::ws::serve_connection(app, io, auth).await
    })
}

async fn ws_content(
    State(app): State<Arc<App>>,
    Path(board): Path<String>,
    Query(q): Query<SocketQuery>,
    ClientAddr(addr): ClientAddr,
    headers: axum::http::HeaderMap,
    ws: WsUpgrade,
) -> Response {
    upgrade(app, ws, board, Some(DocKind::Content), q, &headers, addr)
}

async fn ws_doc(
    State(app): State<Arc<App>>,
    Path((board, doc)): Path<(String, String)>,
    Query(q): Query<SocketQuery>,
    ClientAddr(addr): ClientAddr,
    headers: axum::http::HeaderMap,
    ws: WsUpgrade,
) -> Response {
    // The content document lives at /ws/{board}; the others by name.
    let doc = DocKind::ALL
        .into_iter()
        .find(|d| *d != DocKind::Content && d.as_str() == doc);
    upgrade(app, ws, board, doc, q, &headers, addr)
}
