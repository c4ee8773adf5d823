//! A load generator for `sitrep serve` (`tools/bench/serve_load.py` drives it): `--clients`
//! threads, each on its own keep-alive connection, send requests back to back for
//! `--seconds`, and one JSON line reports the latency distribution per kind of request.
//!
//! The requests are ones a cache cannot answer: event listings with random filters (type,
//! a random window of days, a random fatality floor, a random page size), full-text
//! searches for names found in the store, radius searches around its events, statistics
//! over random windows, single events, and the document listing walked page by page with
//! its cursor. What to ask is learnt from the store first (`/api/events`), so any store
//! works. Deterministic for a given `--seed` (apart from timing).
//!
//! `cargo run --release -p sitrep-server --example load -- --addr 127.0.0.1:18080 --clients 50 --seconds 15`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "../../store/examples/common/rng.rs"]
mod rng;
use rng::Rng;

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    addr: String,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    /// GETs `path`; returns the status and body (status 0: the connection failed).
    fn get(&mut self, path: &str) -> (u16, Vec<u8>) {
        for _ in 0..2 {
            if self.stream.is_none() {
                match TcpStream::connect(&self.addr) {
                    Ok(s) => {
                        let _ = s.set_nodelay(true);
                        let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
                        self.stream = Some(BufReader::new(s));
                    }
                    Err(_) => return (0, Vec::new()),
                }
            }
            let Some(s) = self.stream.as_mut() else { continue };
            let req = format!("GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\n\r\n", self.addr);
            if s.get_mut().write_all(req.as_bytes()).is_ok()
                && let Some(r) = read_response(s)
            {
                return r;
            }
            self.stream = None;
        }
        (0, Vec::new())
    }
}

fn read_response(s: &mut BufReader<TcpStream>) -> Option<(u16, Vec<u8>)> {
    let mut line = String::new();
    s.read_line(&mut line).ok().filter(|n| *n > 0)?;
    let status: u16 = line.split(' ').nth(1)?.parse().ok()?;
    let (mut length, mut chunked) = (None, false);
    loop {
        line.clear();
        s.read_line(&mut line).ok().filter(|n| *n > 0)?;
        let h = line.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        match k.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = v.trim().parse::<usize>().ok(),
            "transfer-encoding" => chunked = v.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            s.read_line(&mut line).ok()?;
            let n = usize::from_str_radix(line.trim(), 16).ok()?;
            let mut chunk = vec![0; n + 2];
            s.read_exact(&mut chunk).ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else {
        let mut b = vec![0; length?];
        s.read_exact(&mut b).ok()?;
        body = b;
    }
    Some((status, body))
}

/// What the store holds, to ask about.
struct Known {
    ids: Vec<String>,
    days: Vec<String>,
    points: Vec<(f64, f64)>,
    words: Vec<String>,
}

fn learn(conn: &mut Conn) -> Known {
    let (status, body) = conn.get("/api/events?status=any&limit=1000");
    assert_eq!(status, 200, "cannot list events: {}", String::from_utf8_lossy(&body));
    let page: Value = serde_json::from_slice(&body).expect("JSON");
    let items = page["items"].as_array().cloned().unwrap_or_default();
    let mut k = Known { ids: Vec::new(), days: Vec::new(), points: Vec::new(), words: Vec::new() };
    for e in &items {
        k.ids.extend(e["id"].as_str().map(str::to_string));
        k.days.extend(e["date"].as_str().filter(|d| d.len() == 10).map(str::to_string));
        if let (Some(a), Some(b)) = (e["lat"].as_f64(), e["lon"].as_f64()) {
            k.points.push((a, b));
        }
        for p in e["actors"].as_array().into_iter().flatten().chain(e["recipients"].as_array().into_iter().flatten()) {
            k.words.extend(p["text"].as_str().and_then(|t| t.split_whitespace().next()).map(str::to_string));
        }
        let headline = e["headline"].as_str().unwrap_or("");
        k.words.extend(headline.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 4).map(str::to_string));
    }
    for v in [&mut k.ids, &mut k.days, &mut k.words] {
        v.sort();
        v.dedup();
    }
    assert!(!k.ids.is_empty(), "the store holds no events");
    if k.days.is_empty() {
        k.days.push("2024-01-01".into());
    }
    if k.words.is_empty() {
        k.words.push("killed".into());
    }
    if k.points.is_empty() {
        k.points.push((0.0, 0.0));
    }
    k
}

const KINDS: [&str; 7] = ["events", "search", "near", "stats", "event", "documents", "events_deep"];

fn window(rng: &mut Rng, k: &Known) -> (String, String) {
    let (a, b) = (rng.pick(&k.days).clone(), rng.pick(&k.days).clone());
    if a <= b { (a, b) } else { (b, a) }
}

/// The next request of a client: its kind and path.
fn request(rng: &mut Rng, k: &Known, cursor: &mut Option<String>) -> (usize, String) {
    let kind = rng.below(KINDS.len() as u64) as usize;
    let limit = 10 + rng.below(91);
    let path = match KINDS[kind] {
        "events" => {
            let (from, to) = window(rng, k);
            format!(
                "/api/events?type={}&from={from}&to={to}&min_fatalities={}&limit={limit}",
                rng.pick(sitrep_core::EventType::ALL).as_str(),
                rng.below(20)
            )
        }
        "events_deep" => format!("/api/events?status=any&limit={limit}&offset={}", rng.below(5000)),
        "search" => format!("/api/events?q={}&limit={limit}&status=any", rng.pick(&k.words)),
        "near" => {
            let (lat, lon) = *rng.pick(&k.points);
            format!("/api/events?near={lat:.3},{lon:.3},{}&limit={limit}", 5 + rng.below(200))
        }
        "stats" => {
            let (from, to) = window(rng, k);
            format!("/api/stats?by={}&from={from}&to={to}", rng.pick(&["day", "type", "country"]))
        }
        "event" => format!("/api/events/{}", rng.pick(&k.ids)),
        _ => match cursor.take() {
            Some(c) => format!("/api/documents?limit={limit}&after={c}"),
            None => format!("/api/documents?limit={limit}"),
        },
    };
    (kind, path)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: &str| -> String {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or(default.into())
    };
    let addr = arg("--addr", "127.0.0.1:18080");
    let clients: usize = arg("--clients", "50").parse().expect("--clients N");
    let seconds: f64 = arg("--seconds", "15").parse().expect("--seconds S");
    let seed: u64 = arg("--seed", "1").parse().expect("--seed N");
    let known = std::sync::Arc::new(learn(&mut Conn { addr: addr.clone(), stream: None }));
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (addr, known) = (addr.clone(), known.clone());
            std::thread::spawn(move || {
                let mut rng = Rng(seed.wrapping_mul(1_000_003).wrapping_add(c as u64));
                let mut conn = Conn { addr, stream: None };
                let mut cursor = None;
                // (kind, microseconds, status)
                let mut seen: Vec<(usize, u64, u16)> = Vec::new();
                while Instant::now() < deadline {
                    let (kind, path) = request(&mut rng, &known, &mut cursor);
                    let t = Instant::now();
                    let (status, body) = conn.get(&path);
                    seen.push((kind, t.elapsed().as_micros() as u64, status));
                    if KINDS[kind] == "documents" && status == 200 {
                        cursor = serde_json::from_slice::<Value>(&body)
                            .ok()
                            .and_then(|v| v["next"].as_str().map(str::to_string));
                    }
                }
                seen
            })
        })
        .collect();
    let all: Vec<(usize, u64, u16)> = threads.into_iter().flat_map(|t| t.join().unwrap_or_default()).collect();
    let elapsed = start.elapsed().as_secs_f64();
    let summary = |rows: Vec<&(usize, u64, u16)>| {
        let mut lat: Vec<u64> = rows.iter().map(|r| r.1).collect();
        lat.sort_unstable();
        let errors = rows.iter().filter(|r| r.2 != 200).count();
        json!({"requests": rows.len(), "errors": errors, "p50_ms": percentile(&lat, 0.5),
               "p90_ms": percentile(&lat, 0.9), "p99_ms": percentile(&lat, 0.99),
               "max_ms": lat.last().map_or(0.0, |m| *m as f64 / 1000.0)})
    };
    let mut by_kind = serde_json::Map::new();
    for (i, k) in KINDS.iter().enumerate() {
        by_kind.insert(k.to_string(), summary(all.iter().filter(|r| r.0 == i).collect()));
    }
    let mut statuses: std::collections::BTreeMap<u16, usize> = Default::default();
    for r in &all {
        *statuses.entry(r.2).or_default() += 1;
    }
    let out = json!({"clients": clients, "seconds": elapsed, "requests_per_s": all.len() as f64 / elapsed,
        "all": summary(all.iter().collect()), "by_kind": by_kind,
        "statuses": statuses.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>()});
    println!("{out}");
}
