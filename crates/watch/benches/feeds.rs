//! Benchmark: `sitrep watch` following 1,000 local feeds of 50 items each over 24
//! simulated hours (a simulated clock; real HTTP on loopback, real analysis, a real
//! SQLite store). Every feed is polled every 15 minutes and gains an item every 30, so
//! half the polls are answered 304 and each new item is a page to fetch and analyse.
//! Prints, per simulated hour, the polls and items so far, items/s (wall clock) and the
//! process's resident memory, which must stay flat.
//!
//! `cargo bench -p sitrep-watch --bench feeds` (SITREP_BENCH_FEEDS, SITREP_BENCH_ITEMS
//! and SITREP_BENCH_HOURS change the size; SITREP_BENCH_NEW_PER_HOUR, default 2, the new
//! items per feed and hour: 0 measures polling alone, every poll after the first a 304).

#[path = "../tests/server/mod.rs"]
mod server;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use server::{Reply, TestServer};
use sitrep_core::Document;
use sitrep_store::Store;
use sitrep_watch::{Clock, Config, Report, SimClock, Watcher};

const START: i64 = 1_709_539_200_000;

struct Quiet;
impl Report for Quiet {
    fn log(&self, _: &str, _: serde_json::Value) {}
    fn alert(&self, _: &serde_json::Value) {}
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Resident memory in MiB: (all, anonymous). The file-backed part is mostly the
/// database's pages, memory-mapped by SQLite (up to 256 MiB) and given back on demand;
/// the anonymous part is the heap, and the one that must stay flat.
fn rss_mib() -> (f64, f64) {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| -> f64 {
        s.lines().find(|l| l.starts_with(name)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()).unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("RssAnon:"))
}

const CITIES: [&str; 8] = ["Gao", "Mopti", "Kidal", "Timbuktu", "Dakar", "Bamako", "Niamey", "Ouagadougou"];

/// Item `k` of feed `f`: a short report; one in five tells of deaths.
fn text(f: usize, k: i64) -> String {
    let city = CITIES[(f + k as usize) % CITIES.len()];
    if k % 5 == 0 {
        format!(
            "Gunmen killed {} villagers in an attack near {city} on Sunday, officials said. Report {f}-{k}.",
            2 + k % 9
        )
    } else {
        format!(
            "The regional council of {city} met on Monday to discuss the budget for schools and roads, its chairman said. Report {f}-{k}."
        )
    }
}

fn main() {
    let feeds = env("SITREP_BENCH_FEEDS", 1000);
    let per_feed = env("SITREP_BENCH_ITEMS", 50) as i64;
    let hours = env("SITREP_BENCH_HOURS", 24) as i64;
    let new_per_hour = env("SITREP_BENCH_NEW_PER_HOUR", 2) as i64;
    let clock = Arc::new(SimClock::new(START));
    let server = TestServer::quiet();
    for f in 0..feeds {
        let c = Arc::clone(&clock);
        server.route(&format!("/f/{f}.xml"), move |req| {
            // The newest `per_feed` items, one more every 30 simulated minutes.
            let newest = per_feed + (c.now() - START) * new_per_hour / 3_600_000;
            let etag = format!("\"{newest}\"");
            if req.header("if-none-match") == Some(etag.as_str()) {
                return Reply::status(304);
            }
            let items: String = (newest - per_feed + 1..=newest)
                .rev()
                .map(|k| format!("<item><title>Report {f}-{k}</title><link>/p/{f}/{k}</link></item>"))
                .collect();
            Reply::ok("application/rss+xml", format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {f}</title>{items}</channel></rss>"))
                .with("ETag", &etag)
        });
    }
    // Pages: one route per page would be 100,000 routes; a catch-all handler instead.
    server.route_prefix("/p/", |path| {
        let mut it = path.trim_start_matches("/p/").split('/');
        let f: usize = it.next()?.parse().ok()?;
        let k: i64 = it.next()?.parse().ok()?;
        Some(Reply::ok(
            "text/html",
            format!(
                "<html><head><title>Report {f}-{k}</title></head><body><article><p>{}</p></article></body></html>",
                text(f, k)
            ),
        ))
    });
    let mut sources =
        String::from("[settings]\nhost_delay = \"0s\"\nfuse_every = \"1h\"\nrobots = false\ninterval = \"15m\"\n");
    for f in 0..feeds {
        sources.push_str(&format!("[[source]]\nurl = \"{}\"\n", server.url(&format!("/f/{f}.xml"))));
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let analyse = |doc: &mut Document| {
        let hash = sitrep_ingest::content_hash(&doc.text);
        let a = sitrep_extract::analyze(doc, &sitrep_extract::Config::default());
        (hash, sitrep_output::to_string(doc, &a))
    };
    let mut w = Watcher::new(
        Config::parse(&sources).unwrap(),
        Store::open(&db).unwrap(),
        &*clock,
        &Quiet,
        &analyse,
        "bench".into(),
    )
    .unwrap();
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    println!(
        "{feeds} feeds × {per_feed} items, polled every 15 min, {new_per_hour} new items per feed and hour, {hours} simulated hours"
    );
    println!(
        "{:>4} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "hour", "polls", "304s", "stored", "wall s", "fuse s", "items/s", "RSS MiB", "anon MiB", "DB MiB"
    );
    let mut rss = Vec::new();
    let (mut last_wall, mut last_fuse, mut last_stored) = (0.0, 0u64, 0u64);
    for h in 1..=hours {
        w.run(&stop, Some(START + h * 3_600_000)).unwrap();
        let s = &w.stats;
        let wall = started.elapsed().as_secs_f64();
        let db_mib = std::fs::metadata(&db).map_or(0.0, |m| m.len() as f64 / 1048576.0)
            + std::fs::metadata(dir.path().join("bench.db-wal")).map_or(0.0, |m| m.len() as f64 / 1048576.0);
        let (all, anon) = rss_mib();
        rss.push(anon);
        // Items per second of this hour's polling (fusion excluded: it is the store's).
        let hour_wall = wall - last_wall - (s.fuse_ms - last_fuse) as f64 / 1000.0;
        println!(
            "{h:>4} {:>8} {:>8} {:>8} {wall:>8.1} {:>8.1} {:>8.0} {all:>8.1} {anon:>8.1} {db_mib:>8.1}",
            s.polls,
            s.unchanged,
            s.stored,
            s.fuse_ms as f64 / 1000.0,
            (s.stored - last_stored) as f64 / hour_wall.max(1e-3)
        );
        (last_wall, last_fuse, last_stored) = (wall, s.fuse_ms, s.stored);
    }
    let s = &w.stats;
    let wall = started.elapsed().as_secs_f64();
    let after_first = &rss[1.min(rss.len() - 1)..];
    let (lo, hi) = after_first.iter().fold((f64::MAX, 0.0f64), |(a, b), r| (a.min(*r), b.max(*r)));
    println!(
        "total: {} polls ({} unchanged, {} failed), {} requests, {} items stored in {wall:.1} s ({:.1} s of it fusing): {:.0} items/s, {:.0} requests/s; anonymous memory after hour 1 between {lo:.1} and {hi:.1} MiB",
        s.polls,
        s.unchanged,
        s.failed_polls,
        s.requests,
        s.stored,
        s.fuse_ms as f64 / 1000.0,
        s.stored as f64 / wall,
        s.requests as f64 / wall
    );
    assert_eq!(server.total_hits() as u64, s.requests, "every request reached the server once");
}
