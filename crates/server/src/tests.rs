use super::*;
use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

pub(super) const FR: &str = include_str!("../../../examples/fr/armenia-azerbaijan-2022-09-13.txt");
pub(super) const EN: &str = include_str!("../../../examples/en/armenia-azerbaijan-border-2022-09-13.txt");

fn analyze() -> Arc<Analyze> {
    Arc::new(|d: &mut Document| {
        // A stand-in for the content hash: the test needs distinct, stable keys only.
        let hash = format!("{:032x}", d.text.len() as u128 * 1_000_003 + d.text.bytes().map(u128::from).sum::<u128>());
        if d.id.is_empty() {
            d.id = format!("doc-{}", &hash[..16]);
        }
        let a = sitrep_extract::analyze(d, &sitrep_extract::Config::default());
        (hash, sitrep_output::to_string(d, &a))
    })
}

pub(super) struct App {
    router: Router,
    _dir: tempfile::TempDir,
}

pub(super) fn app(token: Option<&str>) -> App {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Config::new(dir.path().join("s.db"), analyze());
    c.token = token.map(str::to_string);
    c.max_body = 64 * 1024;
    App { router: router(c).unwrap(), _dir: dir }
}

pub(super) async fn call(
    app: &App,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: &str,
) -> (StatusCode, Value, HeaderMap) {
    let mut req = Request::builder().method(method).uri(uri).header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app.router.clone().oneshot(req.body(Body::from(body.to_string())).unwrap()).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = axum::body::to_bytes(res.into_body(), 16 << 20).await.unwrap();
    let v = serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, v, headers)
}

pub(super) fn post_doc(id: &str, text: &str) -> String {
    json!({"id": id, "text": text, "published": "2022-09-13", "title": "t"}).to_string()
}

/// Every error is JSON with status and message.
pub(super) fn check_error(got: &(StatusCode, Value, HeaderMap), status: u16, needle: &str) {
    assert_eq!(got.0.as_u16(), status, "{:?}", got.1);
    assert_eq!(got.1["error"]["status"], status, "{:?}", got.1);
    let msg = got.1["error"]["message"].as_str().unwrap_or("");
    assert!(msg.contains(needle), "{msg:?} lacks {needle:?}");
}

#[tokio::test]
async fn write_endpoints_need_the_token() {
    let ro = app(None);
    check_error(&call(&ro, "POST", "/api/documents", Some("x"), &post_doc("a", FR)).await, 403, "read-only");
    let rw = app(Some("s3cret"));
    check_error(&call(&rw, "POST", "/api/documents", None, &post_doc("a", FR)).await, 401, "token");
    check_error(&call(&rw, "POST", "/api/documents", Some("s3cre"), &post_doc("a", FR)).await, 401, "token");
    check_error(&call(&rw, "POST", "/api/events/merge", Some("nope"), r#"{"events":["a","b"]}"#).await, 401, "token");
    let (s, v, _) = call(&rw, "POST", "/api/documents", Some("s3cret"), &post_doc("a", FR)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v, _) = call(&rw, "POST", "/api/documents", Some("s3cret"), &post_doc("a-again", FR)).await;
    assert_eq!((s, &v["created"]), (StatusCode::OK, &json!(false)));
    // Nothing written by the refused requests.
    let (_, docs, _) = call(&rw, "GET", "/api/documents", None, "").await;
    assert_eq!(docs["total"], 1);
}

/// A lone surrogate escape in a posted document becomes U+FFFD instead of failing it.
#[tokio::test]
async fn lone_surrogates_in_posted_documents_are_replaced() {
    let rw = app(Some("s3cret"));
    let body =
        r#"{"id": "sur", "text": "Three people were killed in Gao \ud800 on Monday.", "published": "2022-09-13"}"#;
    let (s, v, _) = call(&rw, "POST", "/api/documents", Some("s3cret"), body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, d, _) = call(&rw, "GET", "/api/documents/sur", None, "").await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert!(d["text"].as_str().unwrap_or("").contains("Gao \u{FFFD} on"), "{d}");
    check_error(
        &call(&rw, "POST", "/api/documents", Some("s3cret"), "{\"text\": \"a\\ud800").await,
        400,
        "not valid JSON",
    );
}

#[tokio::test]
async fn bad_requests_are_clear_json() {
    let a = app(Some("t"));
    for (uri, needle) in [
        ("/api/events?from=2022-13-45", "from must be a date"),
        ("/api/events?from=2022-09-14&to=2022-09-13", "after"),
        ("/api/events?near=abc", "near must be"),
        ("/api/events?near=91,0,10", "near must be"),
        ("/api/events?limit=0", "limit"),
        ("/api/events?limit=-1", "limit"),
        ("/api/events?offset=1e3", "offset"),
        ("/api/events?country=ARMX", "country"),
        ("/api/events?country=A%27M", "country"),
        ("/api/events?type=ASSAULT;DROP", "type"),
        ("/api/events?type=FOO", "PLOVER event type"),
        ("/api/events?status=maybe", "status"),
        ("/api/events?min_fatalities=lots", "min_fatalities"),
        ("/api/events?bogus=1", "unknown parameter"),
        ("/api/events?country=ARM&country=AZE", "twice"),
        ("/api/stats?by=year", "by must be"),
        ("/api/documents?limit=5000", "limit"),
    ] {
        check_error(&call(&a, "GET", uri, None, "").await, 400, needle);
    }
    check_error(&call(&a, "GET", "/api/events/E-nothing", None, "").await, 404, "not found");
    check_error(&call(&a, "GET", "/api/documents/none", None, "").await, 404, "not found");
    check_error(&call(&a, "GET", "/api/nowhere", None, "").await, 404, "no such endpoint");
    check_error(&call(&a, "POST", "/api/documents", Some("t"), "{not json").await, 400, "not valid JSON");
    check_error(&call(&a, "POST", "/api/documents", Some("t"), r#"{"id": "x"}"#).await, 400, "text");
    check_error(
        &call(&a, "POST", "/api/documents", Some("t"), r#"{"text": "a", "published": "yesterday"}"#).await,
        400,
        "published",
    );
    let big = post_doc("big", &"word ".repeat(20_000));
    check_error(&call(&a, "POST", "/api/documents", Some("t"), &big).await, 413, "");
    check_error(&call(&a, "POST", "/api/events/merge", Some("t"), r#"{"events": ["E1"]}"#).await, 400, "two");
    check_error(&call(&a, "POST", "/api/events/E1/split", Some("t"), r#"{"mentions": []}"#).await, 404, "not found");
    // SQL metacharacters in free-text filters are data, not SQL.
    for uri in ["/api/events?actor=%27%3B%20DROP%20TABLE%20events%3B--", "/api/events?q=%22%20OR%201%3D1%20--%20*"] {
        let (s, v, _) = call(&a, "GET", uri, None, "").await;
        assert_eq!((s, &v["total"]), (StatusCode::OK, &json!(0)), "{uri}");
    }
}

#[tokio::test]
async fn list_filter_and_open_an_event() {
    let a = app(Some("t"));
    for (id, text) in [("fr", FR), ("en", EN)] {
        assert_eq!(call(&a, "POST", "/api/documents", Some("t"), &post_doc(id, text)).await.0, StatusCode::CREATED);
    }
    let (s, v, h) = call(&a, "GET", "/api/events?type=ASSAULT&status=current&limit=5", None, "").await;
    assert_eq!(s, StatusCode::OK);
    assert!(h.get("content-security-policy").is_some());
    let items = v["items"].as_array().unwrap();
    let fused = items.iter().find(|e| e["langs"].as_array().unwrap().len() == 2).expect("a two-language event");
    let id = fused["id"].as_str().unwrap();
    let (s, e, _) = call(&a, "GET", &format!("/api/events/{id}"), None, "").await;
    assert_eq!(s, StatusCode::OK);
    assert!(e["mentions"].as_array().unwrap().len() >= 2);
    assert!(!e["tolls"].as_array().unwrap().is_empty());
    let (_, st, _) = call(&a, "GET", "/api/stats?by=day&status=current", None, "").await;
    assert!(st["rows"].as_array().unwrap().iter().any(|r| r["key"] == "2022-09-13"));
    // Codes come with their names, for readers (the dashboard shows no codes).
    assert_eq!((&e["country"], &e["country_name"]), (&json!("ARM"), &json!("Armenia")), "{e}");
    let actor = e["actors"].as_array().unwrap().iter().find(|x| x["country"] == "AZE").expect("an Azerbaijani actor");
    assert_eq!(actor["country_name"], "Azerbaijan");
    assert!(items.iter().all(|x| x["country"].is_null() || x["country_name"].is_string()), "{v}");
    let (_, st, _) = call(&a, "GET", "/api/stats?by=country&status=any", None, "").await;
    let arm = st["rows"].as_array().unwrap().iter().find(|r| r["key"] == "ARM").expect("ARM in stats");
    assert_eq!(arm["name"], "Armenia");
    // Split the English mentions off, then merge back.
    let en: Vec<Value> = e["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["document"]["id"] == "en")
        .map(|m| m["id"].clone())
        .collect();
    let body = json!({"mentions": en, "by": "alice"}).to_string();
    let (s, v, _) = call(&a, "POST", &format!("/api/events/{id}/split"), Some("t"), &body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let ids = v["events"].clone();
    assert_eq!(ids.as_array().unwrap().len(), 2);
    // Who decided and when; nothing stale before any re-analysis.
    let (s, d, _) = call(&a, "GET", "/api/decisions", None, "").await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let items = d["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|x| x["made_by"] == "alice" && x["state"] == "active"), "{d}");
    assert!(items.iter().all(|x| x["made_at"].as_str().is_some_and(|t| t.len() == 27 && t.ends_with('Z'))), "{d}");
    assert!(items.iter().all(|x| x["a_anchor"]["trigger_text"].is_string()), "{d}");
    let (_, d, _) = call(&a, "GET", "/api/decisions?state=stale", None, "").await;
    assert_eq!(d["items"], json!([]));
    check_error(&call(&a, "GET", "/api/decisions?state=bogus", None, "").await, 400, "stale");
    let (s, an, _) = call(&a, "GET", "/api/analyses", None, "").await;
    assert_eq!((s, an), (StatusCode::OK, json!({"items": []})));
    let bad = json!({"events": ids, "by": 7}).to_string();
    check_error(&call(&a, "POST", "/api/events/merge", Some("t"), &bad).await, 400, "by");
    let (s, v, _) = call(&a, "POST", "/api/events/merge", Some("t"), &json!({"events": ids}).to_string()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, d, _) = call(&a, "GET", "/api/decisions", None, "").await;
    assert!(d["items"].as_array().unwrap().iter().any(|x| x["made_by"] == "api" && x["kind"] == "merge"), "{d}");
}

#[tokio::test]
async fn static_files_and_openapi() {
    let a = app(None);
    let (s, v, h) = call(&a, "GET", "/", None, "").await;
    assert_eq!(s, StatusCode::OK);
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(v.as_str().unwrap().contains("<html"));
    assert!(h["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
    let (s, _, h) = call(&a, "GET", "/app.js", None, "").await;
    assert_eq!(s, StatusCode::OK);
    assert!(h["content-type"].to_str().unwrap().starts_with("text/javascript"));
    for uri in [
        "/../Cargo.toml",
        "/%2e%2e/%2e%2e/Cargo.toml",
        "/vendor/../../Cargo.toml",
        "/..%2f..%2fCargo.toml",
        "/etc/passwd",
    ] {
        let (s, _, _) = call(&a, "GET", uri, None, "").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
    }
    let (s, v, _) = call(&a, "GET", "/api/openapi.json", None, "").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["openapi"], "3.1.0");
    for p in ["/api/events", "/api/events/{id}", "/api/stats", "/api/documents"] {
        assert!(v["paths"].get(p).is_some(), "{p}");
    }
}

/// A client that sends half its headers and stalls is cut off; others are served meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let a = app(None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let settings = Settings { header_timeout: Duration::from_millis(800), ..Settings::default() };
    let server = tokio::spawn(serve_on(listener, a.router.clone(), settings, async {
        let _ = stopped.await;
    }));
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ").await.unwrap();
    // Meanwhile a normal request is answered.
    let mut ok = tokio::net::TcpStream::connect(addr).await.unwrap();
    ok.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut buf = Vec::new();
    ok.read_to_end(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"));
    // The slow one is closed after the header timeout.
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "slow client still connected after 5 s");
    assert!(started.elapsed() < Duration::from_secs(4));
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

/// Found by fuzzing (`crates/fuzz`): "published" must be a real YYYY-MM-DD, whatever its
/// bytes.
#[test]
fn posted_dates_are_checked_whole() {
    for bad in ["2022-09-1é", "2022      ", "2022-09   ", "-001-01-01", "2022-13-01", "2022-09-13x"] {
        assert!(params::document(&json!({"text": "t", "published": bad})).is_err(), "{bad:?}");
    }
    for good in ["2022-09-13", "2022-09-13T08:00:00Z"] {
        let d = params::document(&json!({"text": "t", "published": good})).unwrap();
        assert_eq!(d.published.as_deref(), Some("2022-09-13"));
    }
}

/// The caller's own `Authorization` header, for the scheme tests.
async fn call_auth(app: &App, auth: &str, body: &str) -> StatusCode {
    let req = Request::builder()
        .method("POST")
        .uri("/api/documents")
        .header("content-type", "application/json")
        .header("authorization", auth)
        .body(Body::from(body.to_string()))
        .unwrap();
    app.router.clone().oneshot(req).await.unwrap().status()
}

/// RFC 7235: the scheme is case-insensitive; the token is not.
#[tokio::test]
async fn bearer_scheme_is_case_insensitive() {
    let a = app(Some("s3cret"));
    assert_eq!(call_auth(&a, "bearer s3cret", &post_doc("a", FR)).await, StatusCode::CREATED);
    assert_eq!(call_auth(&a, "BEARER  s3cret", &post_doc("b", EN)).await, StatusCode::CREATED);
    for wrong in ["bearer S3CRET", "bearer s3cre", "Basic s3cret", "bearers3cret", "bearer", "s3cret"] {
        assert_eq!(call_auth(&a, wrong, &post_doc("c", EN)).await, StatusCode::UNAUTHORIZED, "{wrong}");
    }
}

/// Many distinct queries keep the cache within its byte budget; a response over the
/// per-response share is served but not kept.
#[tokio::test]
async fn cache_stays_within_its_byte_budget() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Config::new(dir.path().join("s.db"), analyze());
    c.token = Some("t".into());
    c.cache_bytes = 4096;
    let (router, state) = router_and_state(c).unwrap();
    let a = App { router, _dir: dir };
    for (id, text) in [("fr", FR), ("en", EN)] {
        assert_eq!(call(&a, "POST", "/api/documents", Some("t"), &post_doc(id, text)).await.0, StatusCode::CREATED);
    }
    let total = |st: &AppState| {
        let c = st.cache.lock().unwrap();
        let sum: usize = c.entries.iter().map(|(k, e)| k.len() + e.body.len()).sum();
        assert_eq!(sum, c.bytes);
        (c.bytes, c.entries.len())
    };
    for i in 0..300 {
        let (s, v, _) = call(&a, "GET", &format!("/api/events?limit=1&offset={}", 1000 + i), None, "").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (bytes, _) = total(&state);
        assert!(bytes <= 4096, "{bytes} bytes cached after {i} requests");
    }
    let (bytes, n) = total(&state);
    assert!(bytes > 2048 && n > 20, "{bytes} bytes, {n} entries");
    // Two events in full: over 4096 / 16 bytes, so served and not cached.
    let (s, v, _) = call(&a, "GET", "/api/events?limit=10", None, "").await;
    assert_eq!(s, StatusCode::OK);
    assert!(v.to_string().len() > 256);
    assert!(!state.cache.lock().unwrap().entries.contains_key("events?limit=10"));
}

/// A small server on loopback for the connection tests.
struct Server {
    addr: std::net::SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(settings: Settings) -> Server {
        let big = Bytes::from(vec![b'x'; BIG]);
        let router = Router::new()
            .route("/api/health", get(|| async { Json(json!({"ok": true})) }))
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_millis(800)).await;
                    "slow"
                }),
            )
            .route(
                "/big",
                get(move || {
                    let big = big.clone();
                    async move { big }
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve_on(listener, router, settings, async {
            let _ = stopped.await;
        }));
        Server { addr, stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap().unwrap();
    }
}

const BIG: usize = 32 << 20;

/// Short timeouts; the header timeout long enough not to interfere.
fn quick() -> Settings {
    Settings {
        header_timeout: Duration::from_secs(10),
        idle_timeout: Duration::from_millis(300),
        io_timeout: Duration::from_millis(300),
        request_timeout: Duration::from_secs(2),
        ..Settings::default()
    }
}

/// Sends `request` and reads until the connection closes (5 s at most): status and body.
async fn exchange(addr: std::net::SocketAddr, request: impl Into<String>) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut buf = Vec::new();
    // A refused connection may be reset: then no status (0).
    if s.write_all(request.into().as_bytes()).await.is_ok() {
        let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "no answer within 5 s");
    }
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
}

/// Reads one keep-alive response to `GET /api/health` on `s`.
async fn health(s: &mut tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    s.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut buf = Vec::new();
    while !buf.ends_with(br#"{"ok":true}"#) {
        let mut chunk = [0u8; 1024];
        let n = tokio::time::timeout(Duration::from_secs(2), s.read(&mut chunk)).await.unwrap().unwrap();
        assert!(n > 0, "closed before the response: {:?}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Whether the server closes `s` (EOF or reset) within `within`.
async fn closed_within(s: &mut tokio::net::TcpStream, within: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut rest = Vec::new();
    tokio::time::timeout(within, s.read_to_end(&mut rest)).await.is_ok()
}

/// Sockets that send nothing, and a keep-alive one after its response, are closed after the
/// idle timeout; a handler slower than the idle and I/O timeouts is not cut.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed() {
    let server = Server::start(quick()).await;
    let started = std::time::Instant::now();
    let mut idle = Vec::new();
    for _ in 0..5 {
        idle.push(tokio::net::TcpStream::connect(server.addr).await.unwrap());
    }
    let mut kept = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    health(&mut kept).await;
    for s in idle.iter_mut().chain([&mut kept]) {
        assert!(closed_within(s, Duration::from_secs(3)).await, "idle connection still open");
    }
    assert!(started.elapsed() >= Duration::from_millis(250), "{:?}", started.elapsed());
    let (status, body) =
        exchange(server.addr, "GET /slow HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await;
    assert_eq!((status, body.as_str()), (200, "slow"));
    server.stop().await;
}

/// A client that asks for a large response and never reads is disconnected after the I/O
/// timeout (it gets what the kernel buffers held, not the whole body).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_do_not_read_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = Server::start(quick()).await;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut s = socket.connect(server.addr).await.unwrap();
    s.write_all(b"GET /big HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut got)).await;
    assert!(read.is_ok(), "still connected");
    assert!(got.len() < BIG, "read the whole {} bytes: not cut off", got.len());
    server.stop().await;
}

/// An HTTP/2 client that asks for a large body and grants no flow-control window (the
/// server's writes all complete, its stream waits) is disconnected once nothing has been
/// written for the request timeout plus the I/O timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_clients_that_grant_no_window_are_cut_off() {
    use tokio::io::AsyncWriteExt;
    let settings = Settings { request_timeout: Duration::from_millis(400), ..quick() };
    let server = Server::start(settings).await;
    let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let mut out = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    // SETTINGS: INITIAL_WINDOW_SIZE = 0.
    out.extend_from_slice(&[0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0]);
    // HEADERS on stream 1, END_STREAM | END_HEADERS: GET http://localhost/big (HPACK,
    // static-table names, literal values).
    let block = [&[0x82, 0x86, 0x04, 4][..], b"/big", &[0x01, 9], b"localhost"].concat();
    out.extend_from_slice(&[0, 0, block.len() as u8, 1, 5, 0, 0, 0, 1]);
    out.extend_from_slice(&block);
    s.write_all(&out).await.unwrap();
    let started = std::time::Instant::now();
    assert!(closed_within(&mut s, Duration::from_secs(4)).await, "stalled HTTP/2 connection left open");
    assert!(started.elapsed() >= Duration::from_millis(500), "closed too soon: {:?}", started.elapsed());
    server.stop().await;
}

/// Connections past the per-IP cap are closed at once; a freed slot is usable again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_per_client_are_capped() {
    let settings = Settings { idle_timeout: Duration::from_secs(10), max_client_connections: 3, ..quick() };
    let server = Server::start(settings).await;
    let mut open = Vec::new();
    for _ in 0..3 {
        let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        health(&mut s).await;
        open.push(s);
    }
    let mut extra = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    assert!(closed_within(&mut extra, Duration::from_secs(1)).await, "connection past the cap left open");
    drop(open.pop());
    let mut served = false;
    for _ in 0..50 {
        let (status, _) =
            exchange(server.addr, "GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await;
        if status == 200 {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(served, "the freed slot was not given back");
    server.stop().await;
}

/// DNS rebinding: only the bound address, loopback, localhost names and allowed names are
/// served; others get a JSON 421 telling how to allow them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_known_hosts_are_served() {
    let settings = Settings { allowed_hosts: vec!["API.Example.org".into()], ..quick() };
    let server = Server::start(settings).await;
    let port = server.addr.port();
    let get = |host: String| {
        let req = if host.is_empty() {
            "GET /api/health HTTP/1.0\r\n\r\n".to_string()
        } else {
            format!("GET /api/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
        };
        exchange(server.addr, req)
    };
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "127.0.0.1".into(),
        format!("[::1]:{port}"),
        "LocalHost".into(),
        format!("dash.localhost:{port}"),
        "api.example.org:8080".into(),
        "API.EXAMPLE.ORG".into(),
        String::new(),
    ] {
        let (status, body) = get(host.clone()).await;
        assert_eq!((status, body.as_str()), (200, r#"{"ok":true}"#), "{host:?}");
    }
    for host in [
        format!("evil.example:{port}"),
        "evil.example".into(),
        "10.1.2.3".into(),
        "localhost.evil.example".into(),
        "127.0.0.1.nip.io".into(),
        "example.org".into(),
        "::1".into(),
        "localhost:http".into(),
    ] {
        let (status, body) = get(host.clone()).await;
        assert_eq!(status, 421, "{host:?}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"]["status"], 421);
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains("--allowed-host"), "{msg}");
    }
    let (_, body) = get("evil.example:80".into()).await;
    assert!(body.contains("--allowed-host evil.example\""), "{body}");
    server.stop().await;
}

/// HTTP/2 carries the host in the URI authority; unspecified bind addresses accept any
/// IP literal.
#[test]
fn host_rule_reads_the_authority() {
    let local = HostRule::new("127.0.0.1".parse().unwrap(), &[]);
    let req = |uri: &str| Request::builder().uri(uri).body(()).unwrap();
    assert!(local.check(&req("http://evil.example/api/health")).is_err());
    assert!(local.check(&req("http://localhost:8080/api/health")).is_ok());
    assert!(local.check(&req("/api/health")).is_ok());
    let mut both = req("http://localhost/api/health");
    both.headers_mut().insert(header::HOST, HeaderValue::from_static("evil.example"));
    assert!(local.check(&both).is_err());
    assert!(!local.allows("192.168.1.5:8080"));
    let any = HostRule::new("0.0.0.0".parse().unwrap(), &[]);
    assert!(any.allows("192.168.1.5:8080") && any.allows("[fe80::1]") && !any.allows("evil.example"));
    let v6 = HostRule::new("::".parse().unwrap(), &["Dash.Example.".into()]);
    assert!(v6.allows("10.0.0.1") && v6.allows("dash.example:443") && !v6.allows("other.example"));
}

#[tokio::test]
async fn archived_analyses_stay_queryable() {
    let a = app(Some("t"));
    for (id, text) in [("fr", FR), ("en", EN)] {
        let (s, v, _) = call(&a, "POST", "/api/documents", Some("t"), &post_doc(id, text)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (_, before, _) = call(&a, "GET", "/api/events?limit=1000&status=any", None, "").await;
    // A re-analysis that keeps only confident events (run on the store, as the CLI does).
    let db = a._dir.path().join("s.db");
    tokio::task::spawn_blocking(move || {
        let mut s = Store::open(&db).unwrap();
        let config = sitrep_extract::Config { min_confidence: 0.6, ..Default::default() };
        let run = s.begin_reanalysis(&config.identity(), &Default::default()).unwrap().unwrap();
        let pending = s.pending(&config.identity(), 0, 10).unwrap();
        let records: Vec<String> = pending
            .iter()
            .map(|p| sitrep_output::to_string(&p.doc, &sitrep_extract::analyze(&p.doc, &config)))
            .collect();
        let id = config.identity();
        let new: Vec<sitrep_store::Reanalysed<'_>> = pending
            .iter()
            .zip(&records)
            .map(|(p, r)| sitrep_store::Reanalysed { row: p.row, record: r, analysed_by: &id })
            .collect();
        s.replace_analyses(&new).unwrap();
        s.finish_reanalysis(&Default::default()).unwrap();
        assert_eq!(run.analysis, 1);
    })
    .await
    .unwrap();
    let (s, list, _) = call(&a, "GET", "/api/analyses", None, "").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"][0]["changes"]["before"], before["total"], "{list}");
    let (s, old, _) = call(&a, "GET", "/api/analyses/1/events?limit=1000&status=any", None, "").await;
    assert_eq!((s, &old), (StatusCode::OK, &before));
    let first = before["items"][0]["id"].as_str().unwrap();
    let (s, e, _) = call(&a, "GET", &format!("/api/analyses/1/events/{first}"), None, "").await;
    assert_eq!((s, &e["id"]), (StatusCode::OK, &json!(first)));
    check_error(&call(&a, "GET", "/api/analyses/7/events", None, "").await, 404, "analysis 7");
    // (Another query string: the response cache may keep the first for up to a second.)
    let (_, now, _) = call(&a, "GET", "/api/events?limit=999&status=any", None, "").await;
    assert!(now["total"].as_u64() < before["total"].as_u64(), "{}", now["total"]);
}

#[tokio::test]
async fn events_and_stats_default_to_current() {
    let a = app(Some("t"));
    let (s, v, _) = call(&a, "POST", "/api/documents", Some("t"), &post_doc("fr", FR)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, cur, _) = call(&a, "GET", "/api/events?limit=1000", None, "").await;
    let items = cur["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|e| e["status"] == "current"), "{cur}");
    let (_, all, _) = call(&a, "GET", "/api/events?limit=1000&status=any", None, "").await;
    assert!(all["items"].as_array().unwrap().iter().any(|e| e["status"] == "historical"), "{all}");
    // Today's totals leave the 2020 war out unless asked.
    let total =
        |v: &Value| v["rows"].as_array().unwrap().iter().map(|r| r["fatalities"].as_f64().unwrap()).sum::<f64>();
    let (_, st, _) = call(&a, "GET", "/api/stats?by=type", None, "").await;
    let (_, st_all, _) = call(&a, "GET", "/api/stats?by=type&status=any", None, "").await;
    assert!(total(&st) + 6000.0 <= total(&st_all), "{st} {st_all}");
}

/// Another process writing the database (`sitrep watch`) is seen by a reader coming back
/// after a while: an old cache entry is recomputed, not served stale. `/api/alerts`
/// lists the rules and alerts, with a version that changes when the data do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_writer_is_seen_and_alerts_are_listed() {
    let a = app(None);
    let db = a._dir.path().join("s.db");
    let (_, v0, _) = call(&a, "GET", "/api/alerts", None, "").await;
    assert_eq!((v0["total"].as_i64(), v0["rules"].as_array().map(Vec::len)), (Some(0), Some(0)));
    let (_, e0, _) = call(&a, "GET", "/api/events", None, "").await;
    assert_eq!(e0["total"], 0);
    {
        let mut s = Store::open(&db).unwrap();
        let mut d =
            Document { id: "fr".into(), text: FR.into(), published: Some("2022-09-13".into()), ..Document::default() };
        let (hash, record) = analyze()(&mut d);
        let new = NewDocument { doc: &d, origin: "fr", content_hash: &hash, record: &record, analysed_by: "t" };
        s.put(&[new]).unwrap();
        s.fuse(&sitrep_store::FuseParams::default()).unwrap();
        s.set_alert_rules(&[("deadly".into(), json!({"min_fatalities": 5}))], 1).unwrap();
        let id = s.events(&sitrep_core::EventQuery { limit: 1, ..Default::default() }).unwrap()["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let new = sitrep_store::NewAlert {
            rule: "deadly",
            event: &id,
            kind: "new",
            signature: "{}",
            message: "49 killed",
            payload: "{}",
        };
        let aid = s.record_alert(&new, 2).unwrap();
        s.mark_alert(aid, 3, None).unwrap();
    }
    tokio::time::sleep(CACHE_STALE_MAX + Duration::from_millis(100)).await;
    let (_, e1, _) = call(&a, "GET", "/api/events", None, "").await;
    assert!(e1["total"].as_i64().unwrap() > 0, "the other writer's events are served");
    let (_, v1, _) = call(&a, "GET", "/api/alerts?limit=5", None, "").await;
    assert_eq!(v1["total"], 1);
    assert_eq!(v1["rules"][0]["name"], "deadly");
    assert_eq!(v1["alerts"][0]["message"], "49 killed");
    assert!(v1["alerts"][0]["headline"].is_string());
    assert_ne!(v1["version"], v0["version"]);
    check_error(&call(&a, "GET", "/api/alerts?limit=0", None, "").await, 400, "limit");
    check_error(&call(&a, "GET", "/api/alerts?rule=x", None, "").await, 400, "rule");
}
