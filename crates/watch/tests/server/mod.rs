//! A scriptable HTTP/1.1 server on loopback for the watch tests (no internet): each
//! path has a handler that sees the request and how many times the path was asked;
//! every request is logged (unless started [`TestServer::quiet`]). One thread per
//! connection, kept alive as HTTP/1.1 clients expect.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
    /// 1 for the first request to this path.
    pub n: usize,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
}

impl Reply {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            ..Reply::default()
        }
    }
    pub fn status(status: u16) -> Reply {
        Reply { status, ..Reply::default() }
    }
    pub fn with(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;
type PrefixHandler = Arc<dyn Fn(&str) -> Option<Reply> + Send + Sync>;

pub struct TestServer {
    pub addr: std::net::SocketAddr,
    routes: Arc<Mutex<HashMap<String, Handler>>>,
    prefixes: Arc<Mutex<Vec<(String, PrefixHandler)>>>,
    log: Arc<Mutex<Vec<Request>>>,
    /// Per-path request counts (kept even when quiet).
    counts: Arc<Mutex<HashMap<String, usize>>>,
}

impl TestServer {
    pub fn start() -> TestServer {
        TestServer::with_log(true)
    }

    /// A server that keeps no request log, only counts (for the benchmark).
    pub fn quiet() -> TestServer {
        TestServer::with_log(false)
    }

    fn with_log(keep: bool) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let routes: Arc<Mutex<HashMap<String, Handler>>> = Arc::default();
        let log: Arc<Mutex<Vec<Request>>> = Arc::default();
        let counts: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let prefixes: Arc<Mutex<Vec<(String, PrefixHandler)>>> = Arc::default();
        let (r, p, l, c) = (Arc::clone(&routes), Arc::clone(&prefixes), Arc::clone(&log), Arc::clone(&counts));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, p, l, c) = (Arc::clone(&r), Arc::clone(&p), Arc::clone(&l), Arc::clone(&c));
                std::thread::spawn(move || {
                    let Ok(read) = stream.try_clone() else { return };
                    let mut reader = BufReader::new(read);
                    let ctx = Ctx { routes: &r, prefixes: &p, log: keep.then_some(&*l), counts: &c };
                    while let Ok(true) = serve(&mut reader, &stream, &ctx) {}
                });
            }
        });
        TestServer { addr, routes, prefixes, log, counts }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn route(&self, path: &str, f: impl Fn(&Request) -> Reply + Send + Sync + 'static) {
        self.routes.lock().unwrap().insert(path.to_string(), Arc::new(f));
    }

    /// Answers every path under `prefix` not routed otherwise (`None`: 404).
    pub fn route_prefix(&self, prefix: &str, f: impl Fn(&str) -> Option<Reply> + Send + Sync + 'static) {
        self.prefixes.lock().unwrap().push((prefix.to_string(), Arc::new(f)));
    }

    pub fn requests(&self, path: &str) -> Vec<Request> {
        self.log.lock().unwrap().iter().filter(|r| r.path == path).cloned().collect()
    }

    pub fn hits(&self, path: &str) -> usize {
        self.counts.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    pub fn total_hits(&self) -> usize {
        self.counts.lock().unwrap().values().sum()
    }

    pub fn all(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }
}

struct Ctx<'a> {
    routes: &'a Mutex<HashMap<String, Handler>>,
    prefixes: &'a Mutex<Vec<(String, PrefixHandler)>>,
    log: Option<&'a Mutex<Vec<Request>>>,
    counts: &'a Mutex<HashMap<String, usize>>,
}

/// Answers one request on a connection; `Ok(false)` when the client closed it.
fn serve(reader: &mut BufReader<TcpStream>, stream: &TcpStream, ctx: &Ctx<'_>) -> std::io::Result<bool> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_nodelay(true)?;
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(false);
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let handler = ctx.routes.lock().unwrap().get(&path).cloned();
    let prefix =
        ctx.prefixes.lock().unwrap().iter().find(|(p, _)| path.starts_with(p.as_str())).map(|(_, h)| Arc::clone(h));
    let n = {
        let mut c = ctx.counts.lock().unwrap();
        // A quiet server counts all requests under one key (no memory per path).
        let key = if ctx.log.is_some() { path.clone() } else { String::new() };
        let n = c.entry(key).or_insert(0);
        *n += 1;
        *n
    };
    let close = headers.get("connection").is_some_and(|c| c.eq_ignore_ascii_case("close"));
    let req = Request { method, path, headers, body, n };
    if let Some(log) = ctx.log {
        log.lock().unwrap().push(req.clone());
    }
    let reply = match (handler, prefix) {
        (Some(h), _) => h(&req),
        (None, Some(p)) => p(&req.path).unwrap_or_else(|| Reply::status(404)),
        (None, None) => Reply::status(404),
    };
    std::thread::sleep(reply.delay);
    let mut out = stream;
    let reason = match reply.status {
        200 => "OK",
        301 => "Moved Permanently",
        304 => "Not Modified",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", reply.status);
    if close {
        head.push_str("Connection: close\r\n");
    }
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if reply.status != 304 {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    head.push_str("\r\n");
    // One write (two would meet Nagle's algorithm and delayed ACKs: 40 ms a response).
    let mut bytes = head.into_bytes();
    if reply.status != 304 {
        bytes.extend_from_slice(&reply.body);
    }
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(!close)
}
