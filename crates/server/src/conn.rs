//! Connections: the accept loop and what guards it.
//!
//! - A cap on open connections ([`Settings::max_connections`]) and on connections from one
//!   client IP ([`Settings::max_client_connections`]; extra ones are closed at once).
//! - Timeouts: a request's headers must arrive within [`Settings::header_timeout`]; a
//!   connection with no request in flight is closed after [`Settings::idle_timeout`]
//!   (counted from accept, from the end of the last response, or from the last byte
//!   written); a write that makes no progress for [`Settings::io_timeout`] closes the
//!   connection. A slow handler is never cut by these: it has the per-request time limit.
//! - Host check against DNS rebinding ([`HostRule`]).

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::IntoResponse;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Sleep;

use crate::ApiError;

/// How long a client may take to send a request's headers (slow clients are cut off).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection may stay open with no request in flight.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a write to a client may make no progress (a client that does not read).
pub const IO_TIMEOUT: Duration = Duration::from_secs(20);
/// Connections served at once; more wait in the listen queue.
pub const MAX_CONNECTIONS: usize = 4096;
/// Connections open at once from one client IP; more are closed at once.
pub const MAX_CLIENT_CONNECTIONS: usize = 64;

/// Connection-level settings for [`crate::serve_on`].
#[derive(Clone, Debug)]
pub struct Settings {
    /// Time to send a request's headers (HTTP/1).
    pub header_timeout: Duration,
    /// Time a connection may stay open with no request in flight.
    pub idle_timeout: Duration,
    /// Time a write may make no progress.
    pub io_timeout: Duration,
    /// The router's time limit per request ([`crate::Config::timeout`]; [`crate::serve`]
    /// copies it). With a request in flight, a connection that writes nothing for this
    /// plus `io_timeout` is stalled (an HTTP/2 client that grants no flow-control window)
    /// and is closed.
    pub request_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
    /// Connections open at once from one IP address.
    pub max_client_connections: usize,
    /// Host names served besides localhost, loopback and bound IP literals
    /// (case-insensitive; `--allowed-host`).
    pub allowed_hosts: Vec<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            header_timeout: HEADER_TIMEOUT,
            idle_timeout: IDLE_TIMEOUT,
            io_timeout: IO_TIMEOUT,
            request_timeout: Duration::from_secs(10),
            max_connections: MAX_CONNECTIONS,
            max_client_connections: MAX_CLIENT_CONNECTIONS,
            allowed_hosts: Vec::new(),
        }
    }
}

/// Which `Host` values are served: a page on another name (DNS rebinding) cannot read
/// the API through the victim's browser.
#[derive(Clone, Debug)]
pub struct HostRule {
    bound: IpAddr,
    names: Vec<String>,
}

impl HostRule {
    /// For a server bound to `bound`, also serving `names`.
    pub fn new(bound: IpAddr, names: &[String]) -> HostRule {
        let names = names.iter().filter_map(|n| split_host(n.trim())).map(|(h, _)| normal_name(h)).collect();
        HostRule { bound: bound.to_canonical(), names }
    }

    /// Whether a `Host` value (with or without port) is served: an IP literal equal to
    /// the bound IP (any IP literal when bound to 0.0.0.0 or ::), a loopback IP,
    /// `localhost` or `*.localhost`, or an allowed name.
    pub fn allows(&self, host: &str) -> bool {
        let Some((name, ip)) = split_host(host.trim()) else {
            return false;
        };
        if let Some(ip) = ip {
            let ip = ip.to_canonical();
            return ip.is_loopback() || self.bound.is_unspecified() || ip == self.bound;
        }
        let name = normal_name(name);
        if name.is_empty() {
            return false;
        }
        name == "localhost" || name.ends_with(".localhost") || self.names.contains(&name)
    }

    /// The error for a request whose host is not served, if it is not.
    pub(crate) fn check<B>(&self, req: &Request<B>) -> Result<(), ApiError> {
        // HTTP/2 (and HTTP/1 absolute-form) carry the host in the URI authority; HTTP/1
        // in `Host`. Every one present must pass. A request with neither (HTTP/1.0 tools,
        // in-process calls) is served: a browser always sends one, so it cannot be a
        // DNS-rebinding page.
        let mut hosts: Vec<Option<&str>> = req.uri().authority().map(|a| Some(a.host())).into_iter().collect();
        hosts.extend(host_headers(req.headers()));
        match hosts.into_iter().find(|h| !h.is_some_and(|h| self.allows(h))) {
            None => Ok(()),
            Some(bad) => {
                let shown: String = bad.unwrap_or("(not text)").chars().take(100).collect();
                let name = split_host(shown.trim()).map_or(shown.as_str(), |(h, _)| h).to_string();
                Err(ApiError(
                    StatusCode::MISDIRECTED_REQUEST,
                    format!(
                        "host {shown:?} is not served (a guard against DNS rebinding); to serve it, start the \
                         server with --allowed-host {name}"
                    ),
                ))
            }
        }
    }
}

fn host_headers(headers: &HeaderMap) -> impl Iterator<Item = Option<&str>> {
    headers.get_all(header::HOST).iter().map(|v| v.to_str().ok())
}

fn normal_name(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

/// Splits `host[:port]`, `[v6][:port]` into the host and its IP when it is an IP literal;
/// `None` when malformed (a bad port, a bare IPv6 address, an empty name).
fn split_host(host: &str) -> Option<(&str, Option<IpAddr>)> {
    let port_ok = |p: &str| p.is_empty() || (p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    if let Some(rest) = host.strip_prefix('[') {
        let (ip, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(port_ok)) {
            return None;
        }
        let v6: std::net::Ipv6Addr = ip.parse().ok()?;
        return Some((ip, Some(IpAddr::V6(v6))));
    }
    let name = match host.rsplit_once(':') {
        Some((h, p)) if port_ok(p) => h,
        Some(_) => return None,
        None => host,
    };
    if name.is_empty() || name.contains(':') {
        return None;
    }
    Some((name, name.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)))
}

/// What a connection is doing, for its watchdog ([`watch`]).
struct Activity {
    start: Instant,
    /// Requests whose response has not been handed over whole.
    in_flight: AtomicUsize,
    /// Milliseconds since `start` of the last request start or end, or byte written.
    last: AtomicU64,
    /// A write is waiting for the client (the write timeout is in charge).
    write_pending: AtomicBool,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            start: Instant::now(),
            in_flight: AtomicUsize::new(0),
            last: AtomicU64::new(0),
            write_pending: AtomicBool::new(false),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn touch(&self) {
        self.last.store(self.now(), Ordering::SeqCst);
    }
}

/// One request in flight, from its headers until its response body is dropped.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn new(a: Arc<Activity>) -> InFlight {
        a.in_flight.fetch_add(1, Ordering::SeqCst);
        a.touch();
        InFlight(a)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A response body that holds its request's [`InFlight`] until hyper is done with it.
struct GuardedBody {
    inner: Body,
    _guard: InFlight,
}

impl HttpBody for GuardedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// Resolves when the connection should be closed: idle (no request in flight, nothing
/// being written) for `idle`, or with requests in flight but nothing written for `stall`.
async fn watch(a: Arc<Activity>, idle: Duration, stall: Duration) {
    let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1);
    let (idle, stall) = (ms(idle), ms(stall));
    loop {
        let now = a.now();
        let last = a.last.load(Ordering::SeqCst);
        let limit = if a.in_flight.load(Ordering::SeqCst) == 0 { idle } else { stall };
        let deadline = last.saturating_add(limit);
        let wait = if now < deadline {
            deadline - now
        } else if a.in_flight.load(Ordering::SeqCst) == 0 && a.write_pending.load(Ordering::SeqCst) {
            // Flushing the end of a response: the write timeout decides.
            idle
        } else {
            return;
        };
        tokio::time::sleep(Duration::from_millis(wait.max(5))).await;
    }
}

/// A TCP stream whose writes time out when they make no progress.
struct TimedIo {
    io: TcpStream,
    timeout: Duration,
    deadline: Option<Pin<Box<Sleep>>>,
    activity: Arc<Activity>,
}

impl TimedIo {
    fn guard<T>(&mut self, cx: &mut Context<'_>, r: Poll<io::Result<T>>, progress: bool) -> Poll<io::Result<T>> {
        match r {
            Poll::Ready(r) => {
                self.deadline = None;
                self.activity.write_pending.store(false, Ordering::SeqCst);
                if progress && r.is_ok() {
                    self.activity.touch();
                }
                Poll::Ready(r)
            }
            Poll::Pending => {
                self.activity.write_pending.store(true, Ordering::SeqCst);
                let timeout = self.timeout;
                let sleep = self.deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                if sleep.as_mut().poll(cx).is_ready() {
                    self.deadline = None;
                    Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the client reads nothing")))
                } else {
                    Poll::Pending
                }
            }
        }
    }
}

impl AsyncRead for TimedIo {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl AsyncWrite for TimedIo {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.io).poll_write(cx, buf);
        this.guard(cx, r, true)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.guard(cx, r, true)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.io).poll_flush(cx);
        this.guard(cx, r, false)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.io).poll_shutdown(cx);
        this.guard(cx, r, false)
    }
}

/// Open connections per client IP.
#[derive(Default)]
struct Clients(Mutex<HashMap<IpAddr, usize>>);

/// One connection counted against its IP until dropped.
struct ClientSlot {
    clients: Arc<Clients>,
    ip: IpAddr,
}

impl Clients {
    fn admit(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<ClientSlot> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(ClientSlot { clients: self.clone(), ip })
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut map = self.clients.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// The accept loop: HTTP/1 and HTTP/2, the caps, timeouts and Host check of
/// [`Settings`], stop when `shutdown` completes.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    app: Router,
    settings: Settings,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use tower::ServiceExt;
    let hosts = Arc::new(HostRule::new(listener.local_addr()?.ip(), &settings.allowed_hosts));
    let settings = Arc::new(settings);
    let slots = Arc::new(tokio::sync::Semaphore::new(settings.max_connections.max(1)));
    let clients = Arc::new(Clients::default());
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.map_err(io::Error::other)?,
            _ = &mut shutdown => return Ok(()),
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                // Out of file descriptors and the like: wait a little, keep serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => return Ok(()),
        };
        // Too many from this client: dropping the stream closes it.
        let Some(client) = clients.admit(peer.ip().to_canonical(), settings.max_client_connections.max(1)) else {
            continue;
        };
        let (app, hosts, settings) = (app.clone(), hosts.clone(), settings.clone());
        tokio::spawn(async move {
            let _slots = (permit, client);
            let activity = Arc::new(Activity::new());
            let io = TimedIo { io: stream, timeout: settings.io_timeout, deadline: None, activity: activity.clone() };
            let a = activity.clone();
            let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                let (app, hosts, guard) = (app.clone(), hosts.clone(), InFlight::new(a.clone()));
                async move {
                    let res = match hosts.check(&req) {
                        Ok(()) => match app.oneshot(req.map(Body::new)).await {
                            Ok(res) => res,
                            Err(e) => match e {},
                        },
                        Err(e) => crate::security_headers(e.into_response()).await,
                    };
                    Ok::<_, Infallible>(res.map(|inner| GuardedBody { inner, _guard: guard }))
                }
            });
            let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            builder.http1().timer(TokioTimer::new()).header_read_timeout(settings.header_timeout);
            builder.http2().timer(TokioTimer::new());
            let conn = builder.serve_connection(TokioIo::new(io), service);
            let stall = settings.request_timeout.saturating_add(settings.io_timeout);
            // Dropping the connection closes the socket.
            tokio::select! {
                _ = conn => {}
                _ = watch(activity, settings.idle_timeout, stall) => {}
            }
        });
    }
}
