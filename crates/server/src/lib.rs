//! The HTTP server: the JSON API under `/api/` and the offline dashboard at `/`.
//!
//! - Reads go to a small pool of read-only SQLite connections, on blocking threads, so a
//!   slow query never stalls the async workers.
//! - Writes (POST a document, split, merge) need `Authorization: Bearer <token>`; without
//!   a configured token the server is read-only (403). Documents posted are analysed by the
//!   function the caller provides ([`Config::analyze`]), so this crate does no extraction.
//! - Every error is JSON: `{"error": {"status": 400, "message": "..."}}`. Unknown or
//!   repeated query parameters are errors, not silently ignored.
//! - Limits: request bodies (default 2 MiB, 413 beyond), a time limit per request (408),
//!   at most 1000 items a page, a response cache bounded in bytes. Responses carry a
//!   strict Content-Security-Policy.
//! - Connections ([`serve_on`], [`Settings`]): idle, header and write timeouts, caps on
//!   connections in all and per client IP, and only known `Host` names are served (421
//!   otherwise), against DNS rebinding.
//! - The dashboard's files (`web/`) are compiled into the binary (rust-embed); only
//!   embedded paths are served, so `..` and absolute paths find nothing.
//!
//! Routes and parameters are published as OpenAPI at `/api/openapi.json` ([`openapi`]).

mod cache;
mod conn;
mod openapi;
pub mod params;

use cache::{BACKGROUND_REFRESHES, CACHE_STALE_MAX, CACHE_TTL, Cache};
pub use cache::{CACHE_BYTES, CACHE_MAX_RESPONSE};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use sitrep_core::Document;
use sitrep_store::{Error as StoreError, NewDocument, Put, Store};

pub use conn::{
    HEADER_TIMEOUT, HostRule, IDLE_TIMEOUT, IO_TIMEOUT, MAX_CLIENT_CONNECTIONS, MAX_CONNECTIONS, Settings, serve_on,
};
pub use openapi::openapi;

/// Turns a document into (content hash, result record) for the store; names a document
/// that has no id (empty) after its content hash.
pub type Analyze = dyn Fn(&mut Document) -> (String, String) + Send + Sync;

/// Server settings.
pub struct Config {
    pub db: PathBuf,
    /// Bearer token for write endpoints; `None` makes the server read-only.
    pub token: Option<String>,
    pub analyze: Arc<Analyze>,
    /// Largest request body in bytes.
    pub max_body: usize,
    /// Time limit per request.
    pub timeout: Duration,
    /// Read connections kept open.
    pub readers: usize,
    /// Bytes of rendered responses kept in the response cache (0: no cache). Responses
    /// over a sixteenth of it (at most [`CACHE_MAX_RESPONSE`]) are served, not kept.
    pub cache_bytes: usize,
    /// What [`Config::analyze`] is, as stored with each posted document.
    pub extractor: String,
}

impl Config {
    pub fn new(db: PathBuf, analyze: Arc<Analyze>) -> Config {
        Config {
            db,
            token: None,
            analyze,
            max_body: 2 << 20,
            timeout: Duration::from_secs(10),
            readers: 4,
            cache_bytes: CACHE_BYTES,
            extractor: "unrecorded".into(),
        }
    }
}

struct AppState {
    config: Config,
    /// At most `config.readers` reads at once, each on a pooled connection.
    permits: tokio::sync::Semaphore,
    /// Background refreshes of expired cache entries under way: at most
    /// [`BACKGROUND_REFRESHES`]; an entry that finds none free is served stale and
    /// refreshed by a later request (or computed by one once too old), so a burst of
    /// expiries never queues work behind the requests.
    refreshes: Arc<tokio::sync::Semaphore>,
    readers: Mutex<Vec<Store>>,
    writer: Mutex<Option<Store>>,
    cache: Mutex<Cache>,
    /// Whether the database can be written here (else every write is 403).
    writable: bool,
}

/// An API error: status and message, rendered as JSON.
#[derive(Debug)]
pub struct ApiError(StatusCode, String);

impl ApiError {
    fn bad(msg: impl Into<String>) -> ApiError {
        ApiError(StatusCode::BAD_REQUEST, msg.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"error": {"status": self.0.as_u16(), "message": self.1}}))).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound(m) => ApiError(StatusCode::NOT_FOUND, format!("not found: {m}")),
            StoreError::Invalid(m) => ApiError::bad(m),
            StoreError::Locked { .. } => {
                ApiError(StatusCode::SERVICE_UNAVAILABLE, "the database is busy; retry".into())
            }
            StoreError::DiskFull(_) => ApiError(StatusCode::INSUFFICIENT_STORAGE, "the server's disk is full".into()),
            e => {
                let msg = e.to_string();
                if msg.contains("database is locked") || msg.contains("busy") {
                    ApiError(StatusCode::SERVICE_UNAVAILABLE, "the database is busy; retry".into())
                } else {
                    eprintln!("sitrep serve: {msg}");
                    ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into())
                }
            }
        }
    }
}

type ApiResult = Result<Json<Value>, ApiError>;

impl AppState {
    /// Runs a read on a pooled connection, on a blocking thread.
    async fn read<F>(self: &Arc<Self>, f: F) -> ApiResult
    where
        F: FnOnce(&Store) -> Result<Value, StoreError> + Send + 'static,
    {
        let st = self.clone();
        self.blocking(move || {
            let store = match st.readers.lock().ok().and_then(|mut p| p.pop()) {
                Some(s) => s,
                None => Store::open_read_only(&st.config.db)?,
            };
            let out = f(&store);
            if let Ok(mut p) = st.readers.lock()
                && p.len() < st.config.readers
            {
                p.push(store);
            }
            out
        })
        .await
    }

    /// A read of archived analysis `n` (a connection of its own: see `Store::open_analysis`).
    async fn read_archived<F>(self: &Arc<Self>, n: i64, f: F) -> ApiResult
    where
        F: FnOnce(&Store) -> Result<Value, StoreError> + Send + 'static,
    {
        let db = self.config.db.clone();
        self.blocking(move || f(&Store::open_analysis(&db, n)?)).await
    }

    /// Runs a read under a request permit, on a blocking thread.
    async fn blocking<F>(self: &Arc<Self>, f: F) -> ApiResult
    where
        F: FnOnce() -> Result<Value, StoreError> + Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError(StatusCode::SERVICE_UNAVAILABLE, "shutting down".into()))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into()))?
            .map(Json)
            .map_err(ApiError::from)
    }

    /// A read whose rendered JSON is cached under `key` (the request's path and query).
    async fn cached<F>(self: &Arc<Self>, key: String, f: F) -> Result<Response, ApiError>
    where
        F: FnOnce(&Store) -> Result<Value, StoreError> + Send + 'static,
    {
        let now = std::time::Instant::now();
        let generation = {
            let mut c =
                self.cache.lock().map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into()))?;
            let current = c.generation;
            if let Some(e) = c.entries.get_mut(&key)
                && e.generation == current
            {
                let age = now.duration_since(e.at);
                if age < CACHE_TTL {
                    return Ok(json_bytes(e.body.clone()));
                }
                // Just expired: this request refreshes it; the others keep getting the
                // old body meanwhile (no stampede on expiry). An entry older than that
                // is not served: another process (`sitrep watch`) may have written
                // since, and a reader coming back after a while must see it.
                if age < CACHE_STALE_MAX {
                    let stale = e.body.clone();
                    if let Ok(permit) = self.refreshes.clone().try_acquire_owned() {
                        e.at = now;
                        let st = self.clone();
                        let k = key.clone();
                        tokio::spawn(async move {
                            let _ = st.refresh(k, current, f).await;
                            drop(permit);
                        });
                    }
                    return Ok(json_bytes(stale));
                }
            }
            current
        };
        self.refresh(key, generation, f).await.map(json_bytes)
    }

    /// Computes a response and caches it unless a write happened meanwhile.
    async fn refresh<F>(self: &Arc<Self>, key: String, generation: u64, f: F) -> Result<Bytes, ApiError>
    where
        F: FnOnce(&Store) -> Result<Value, StoreError> + Send + 'static,
    {
        let Json(v) = self.read(f).await?;
        let body = Bytes::from(serde_json::to_vec(&v).unwrap_or_default());
        if let Ok(mut c) = self.cache.lock()
            && c.generation == generation
        {
            c.insert(key, generation, body.clone());
        }
        Ok(body)
    }

    /// Forgets every cached response (after a write).
    fn invalidate(&self) {
        if let Ok(mut c) = self.cache.lock() {
            c.generation += 1;
            c.clear();
        }
    }

    /// Runs a write on the single writer connection.
    async fn write<F>(self: &Arc<Self>, f: F) -> Result<Value, ApiError>
    where
        F: FnOnce(&mut Store) -> Result<Value, ApiError> + Send + 'static,
    {
        let st = self.clone();
        let out = tokio::task::spawn_blocking(move || {
            let mut guard =
                st.writer.lock().map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into()))?;
            if guard.is_none() {
                *guard = Some(Store::open(&st.config.db)?);
            }
            match guard.as_mut() {
                Some(store) => f(store),
                None => Err(ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into())),
            }
        })
        .await
        .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into()));
        self.invalidate();
        out?
    }

    fn authorize(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        if !self.writable {
            return Err(ApiError(StatusCode::FORBIDDEN, "the database is read-only here: writes are off".into()));
        }
        let Some(token) = self.config.token.as_deref() else {
            return Err(ApiError(StatusCode::FORBIDDEN, "this server is read-only (start it with --token)".into()));
        };
        // The scheme is case-insensitive (RFC 7235): "Bearer", "bearer", "BEARER".
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map_or("", |(_, t)| t.trim_start_matches(' '));
        // Constant-time comparison.
        let ok =
            given.len() == token.len() && given.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if ok { Ok(()) } else { Err(ApiError(StatusCode::UNAUTHORIZED, "missing or wrong bearer token".into())) }
    }
}

/// The router (for tests and embedding).
pub fn router(config: Config) -> Result<Router, StoreError> {
    router_and_state(config).map(|(r, _)| r)
}

/// The router and its state (tests look at the cache).
fn router_and_state(config: Config) -> Result<(Router, Arc<AppState>), StoreError> {
    // Create or migrate the database before serving. Where it cannot be written (a
    // read-only mount, a file this user may not write) it is served read-only.
    let writable = match Store::open(&config.db) {
        Ok(s) => s.can_write(),
        Err(e) if e.cannot_write() && config.db.exists() => false,
        Err(e) => return Err(e),
    };
    if !writable {
        drop(Store::open_read_only(&config.db)?);
        eprintln!("sitrep serve: {} cannot be written here: serving it read-only", config.db.display());
    }
    let max_body = config.max_body;
    let timeout = config.timeout;
    let permits = tokio::sync::Semaphore::new(config.readers.max(1));
    let cache = Mutex::new(Cache::new(config.cache_bytes));
    let state = Arc::new(AppState {
        config,
        permits,
        refreshes: Arc::new(tokio::sync::Semaphore::new(BACKGROUND_REFRESHES)),
        readers: Mutex::new(Vec::new()),
        writer: Mutex::new(None),
        cache,
        writable,
    });
    let api = Router::new()
        .route("/api/events", get(list_events))
        .route("/api/events/merge", post(merge_events))
        .route("/api/events/{id}", get(one_event))
        .route("/api/events/{id}/split", post(split_event))
        .route("/api/stats", get(stats))
        .route("/api/documents", get(list_documents).post(post_document))
        .route("/api/documents/{id}", get(one_document))
        .route("/api/decisions", get(list_decisions))
        .route("/api/analyses", get(list_analyses))
        .route("/api/alerts", get(list_alerts))
        .route("/api/analyses/{n}/events", get(archived_events))
        .route("/api/analyses/{n}/events/{id}", get(archived_event))
        .route("/api/openapi.json", get(|| async { Json(openapi()) }))
        .route("/api/health", get(|| async { Json(json!({"ok": true})) }))
        .route("/api/{*rest}", get(api_not_found).post(api_not_found))
        .with_state(state.clone())
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::map_response(json_errors));
    let router = Router::new()
        .merge(api)
        .route("/", get(|| async { asset("index.html") }))
        .route("/{*path}", get(|Path(p): Path<String>| async move { asset(&p) }))
        .layer(axum::middleware::map_response(security_headers))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout));
    Ok((router, state))
}

/// Errors raised outside the handlers (body too large, bad path encoding...) as JSON too.
async fn json_errors(res: Response) -> Response {
    let s = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if (s.is_client_error() || s.is_server_error()) && !is_json {
        let body = axum::body::to_bytes(res.into_body(), 4096).await.unwrap_or_default();
        let text = String::from_utf8_lossy(&body).trim().to_string();
        let msg = if text.is_empty() { s.canonical_reason().unwrap_or("error").to_string() } else { text };
        return ApiError(s, msg).into_response();
    }
    res
}

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

#[derive(rust_embed::Embed)]
#[folder = "../../web"]
struct Web;

fn json_bytes(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn asset(path: &str) -> Response {
    match Web::get(path) {
        Some(f) => {
            let mime = match path.rsplit('.').next() {
                Some("html") => "text/html; charset=utf-8",
                Some("js") | Some("mjs") => "text/javascript; charset=utf-8",
                Some("css") => "text/css; charset=utf-8",
                Some("json") => "application/json",
                Some("svg") => "image/svg+xml",
                Some("png") => "image/png",
                _ => "application/octet-stream",
            };
            ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "no-cache")], f.data.into_owned()).into_response()
        }
        None => {
            (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "not found").into_response()
        }
    }
}

async fn api_not_found() -> ApiError {
    ApiError(StatusCode::NOT_FOUND, "no such endpoint; see /api/openapi.json".into())
}

type Cached = Result<Response, ApiError>;

async fn list_events(State(st): State<Arc<AppState>>, RawQuery(q): RawQuery) -> Cached {
    let query = params::event_query(q.as_deref(), &["limit", "offset"])?;
    st.cached(format!("events?{}", q.unwrap_or_default()), move |s| s.events(&query)).await
}

async fn stats(State(st): State<Arc<AppState>>, RawQuery(q): RawQuery) -> Cached {
    let by = params::take(q.as_deref(), "by")?.unwrap_or_else(|| "day".into());
    if !["day", "country", "type"].contains(&by.as_str()) {
        return Err(ApiError::bad(format!("by must be day, country or type, not {by:?}")));
    }
    let query = params::event_query(q.as_deref(), &["by"])?;
    st.cached(format!("stats?{}", q.unwrap_or_default()), move |s| s.stats(&by, &query)).await
}

async fn one_event(State(st): State<Arc<AppState>>, Path(id): Path<String>, RawQuery(q): RawQuery) -> Cached {
    params::check_id(&id)?;
    let as_of = params::as_of(&params::pairs(q.as_deref(), &["as_of"])?)?;
    let key = format!("event/{id}?{}", as_of.as_deref().unwrap_or(""));
    st.cached(key, move |s| s.event_as_of(&id, as_of.as_deref())).await
}

async fn list_documents(State(st): State<Arc<AppState>>, RawQuery(q): RawQuery) -> ApiResult {
    let pairs = params::pairs(q.as_deref(), &["limit", "offset", "after"])?;
    let limit = params::limit(&pairs, 50)?;
    let offset = params::number(&pairs, "offset")?.unwrap_or(0);
    match params::take(q.as_deref(), "after")? {
        Some(_) if offset > 0 => Err(ApiError::bad("give after or offset, not both")),
        Some(after) => st.read(move |s| s.documents_after(limit, &after)).await,
        None => st.read(move |s| s.documents(limit, offset as usize)).await,
    }
}

async fn one_document(State(st): State<Arc<AppState>>, Path(id): Path<String>) -> ApiResult {
    params::check_id(&id)?;
    st.read(move |s| s.document(&id)).await
}

/// The request body as JSON. A lone UTF-16 surrogate escape (`"\ud800"`) becomes U+FFFD,
/// as in JSON Lines input, rather than failing the whole body.
fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body).or_else(|e| {
        std::str::from_utf8(body)
            .ok()
            .and_then(sitrep_ingest::replace_lone_surrogates)
            .and_then(|(fixed, _)| serde_json::from_str(&fixed).ok())
            .ok_or_else(|| ApiError::bad(format!("body is not valid JSON: {e}")))
    })
}

async fn post_document(State(st): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    st.authorize(&headers)?;
    let v = json_body(&body)?;
    let line = serde_json::to_string(&v).unwrap_or_default();
    let mut doc = params::document(&v).map_err(|m| ApiError::bad(format!("{m} ({} bytes)", line.len())))?;
    let analyze = st.config.analyze.clone();
    let extractor = st.config.extractor.clone();
    let out = st
        .write(move |store| {
            let (hash, record) = analyze(&mut doc);
            let new =
                NewDocument { doc: &doc, origin: "api", content_hash: &hash, record: &record, analysed_by: &extractor };
            let put = store.put(&[new])?;
            if put.first() == Some(&Put::Added) {
                store.fuse(&sitrep_store::FuseParams::default())?;
            }
            let events = serde_json::from_str::<Value>(&record)
                .ok()
                .and_then(|r| r.get("events").and_then(Value::as_array).map(Vec::len))
                .unwrap_or(0);
            Ok(json!({"document": doc.id, "created": put.first() == Some(&Put::Added), "content_hash": hash,
                      "events": events}))
        })
        .await?;
    let status = if out["created"] == json!(true) { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(out)).into_response())
}

fn string_list(v: &Value, key: &str) -> Result<Vec<String>, ApiError> {
    let list = v
        .get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::bad(format!("body needs \"{key}\": a list of ids")))?;
    let mut out = Vec::new();
    for x in list.iter().take(1000) {
        let s = x.as_str().ok_or_else(|| ApiError::bad(format!("\"{key}\" must hold strings")))?;
        params::check_id(s)?;
        out.push(s.to_string());
    }
    Ok(out)
}

async fn split_event(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    st.authorize(&headers)?;
    params::check_id(&id)?;
    let body = json_body(&body)?;
    let mentions = string_list(&body, "mentions")?;
    let by = analyst(&body)?;
    st.write(move |s| Ok(json!({"events": s.split(&id, &mentions, &by)?}))).await.map(Json)
}

async fn merge_events(State(st): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> ApiResult {
    st.authorize(&headers)?;
    let body = json_body(&body)?;
    let events = string_list(&body, "events")?;
    let by = analyst(&body)?;
    st.write(move |s| Ok(json!({"event": s.merge(&events, &by)?}))).await.map(Json)
}

/// Who makes a decision: the body's `"by"` (at most 200 characters), else "api".
fn analyst(body: &Value) -> Result<String, ApiError> {
    match body.get("by") {
        None | Some(Value::Null) => Ok("api".into()),
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= 200 => Ok(s.trim().to_string()),
        Some(_) => Err(ApiError::bad("\"by\" must be a name of 1 to 200 characters")),
    }
}

/// `GET /api/decisions[?state=stale]`: every analyst decision, or those that no longer apply.
async fn list_decisions(State(st): State<Arc<AppState>>, RawQuery(q): RawQuery) -> ApiResult {
    let pairs = params::pairs(q.as_deref(), &["state"])?;
    let stale = match pairs.iter().find(|(k, _)| k == "state").map(|(_, v)| v.as_str()) {
        None | Some("any") => false,
        Some("stale") => true,
        Some(v) => return Err(ApiError::bad(format!("state {v:?}: give stale or any"))),
    };
    st.read(move |s| Ok(json!({"items": s.decision_list(stale)?}))).await
}

/// `GET /api/analyses/{n}/events`: the events as archived analysis `n` had them (filters
/// and paging as `/api/events`).
async fn archived_events(State(st): State<Arc<AppState>>, Path(n): Path<i64>, RawQuery(q): RawQuery) -> ApiResult {
    let query = params::event_query(q.as_deref(), &["limit", "offset"])?;
    st.read_archived(n, move |s| s.events(&query)).await
}

/// `GET /api/analyses/{n}/events/{id}`: one event as archived analysis `n` had it.
async fn archived_event(State(st): State<Arc<AppState>>, Path((n, id)): Path<(i64, String)>) -> ApiResult {
    params::check_id(&id)?;
    st.read_archived(n, move |s| s.event(&id)).await
}

/// `GET /api/alerts[?limit=N]`: the alert rules `sitrep watch` runs, the latest alerts
/// fired (default 50), how the watched sources stand, and a version of the data.
async fn list_alerts(State(st): State<Arc<AppState>>, RawQuery(q): RawQuery) -> ApiResult {
    let pairs = params::pairs(q.as_deref(), &["limit"])?;
    let limit = params::limit(&pairs, 50)?;
    st.read(move |s| s.alerts(limit)).await
}

/// `GET /api/analyses`: the archived analyses and what each re-analysis changed.
async fn list_analyses(State(st): State<Arc<AppState>>) -> ApiResult {
    st.read(move |s| Ok(json!({"items": s.analyses()?}))).await
}

/// Serves until Ctrl-C. `settings.request_timeout` is taken from [`Config::timeout`].
pub async fn serve(config: Config, mut settings: Settings, addr: SocketAddr) -> std::io::Result<()> {
    settings.request_timeout = config.timeout;
    let app = router(config).map_err(std::io::Error::other)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!("sitrep: serving http://{} (dashboard at /, API at /api/)", listener.local_addr()?);
    serve_on(listener, app, settings, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

#[cfg(test)]
mod as_of_tests;
#[cfg(test)]
mod tests;
