use super::*;
use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

const FR: &str = include_str!("../../../examples/fr/armenia-azerbaijan-2022-09-13.txt");
const EN: &str = include_str!("../../../examples/en/armenia-azerbaijan-border-2022-09-13.txt");

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

struct App {
    router: Router,
    _dir: tempfile::TempDir,
}

fn app(token: Option<&str>) -> App {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Config::new(dir.path().join("s.db"), analyze());
    c.token = token.map(str::to_string);
    c.max_body = 64 * 1024;
    App { router: router(c).unwrap(), _dir: dir }
}

async fn call(app: &App, method: &str, uri: &str, token: Option<&str>, body: &str) -> (StatusCode, Value, HeaderMap) {
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

fn post_doc(id: &str, text: &str) -> String {
    json!({"id": id, "text": text, "published": "2022-09-13", "title": "t"}).to_string()
}

/// Every error is JSON with status and message.
fn check_error(got: &(StatusCode, Value, HeaderMap), status: u16, needle: &str) {
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
    // Split the English mentions off, then merge back.
    let en: Vec<Value> = e["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["document"]["id"] == "en")
        .map(|m| m["id"].clone())
        .collect();
    let (s, v, _) =
        call(&a, "POST", &format!("/api/events/{id}/split"), Some("t"), &json!({"mentions": en}).to_string()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let ids = v["events"].clone();
    assert_eq!(ids.as_array().unwrap().len(), 2);
    let (s, v, _) = call(&a, "POST", "/api/events/merge", Some("t"), &json!({"events": ids}).to_string()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
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
    let server = tokio::spawn(serve_on(listener, a.router.clone(), Duration::from_millis(800), async {
        let _ = stopped.await;
    }));
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.unwrap();
    // Meanwhile a normal request is answered.
    let mut ok = tokio::net::TcpStream::connect(addr).await.unwrap();
    ok.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
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
