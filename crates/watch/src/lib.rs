//! Live monitoring, the engine of `sitrep watch`: follow news sources (RSS/Atom feeds,
//! sitemaps, single pages), fetch what is new politely, store it, re-fuse, and fire alert
//! rules on the fused events.
//!
//! - **Sources** (`sources.rs`): a TOML file of settings, `[[source]]` and `[[alert]]`.
//! - **Fetching** (`fetch.rs`): conditional GETs (ETag, Last-Modified; an unchanged body
//!   hash counts as unchanged for servers that send neither), one User-Agent, time-outs,
//!   a body cap, redirects. Politeness lives here in [`Watcher`]: at most one request per
//!   `host_delay` to a host, robots.txt (`robots.rs`) per host, cached for a day, a 429 or
//!   503's `Retry-After` honoured, exponential back-off after failures (the interval
//!   doubled per failure in a row, at most `max_backoff`).
//! - **Items** (`discover.rs`): a feed's entry links, a sitemap's `<loc>`s (an index's
//!   child sitemaps are read in the same poll), or the page itself. Each item URL is
//!   fetched once (the store remembers it); its page goes through `sitrep-ingest`'s HTML
//!   reader; when the page cannot be had, the feed's own text is stored instead.
//! - **State** is the store's (`sitrep_store::SourceState`): one transaction per poll
//!   holds its documents, the items seen and the source's validators, so a process killed
//!   at any point (even `kill -9`) restarts where the last committed poll left it, with
//!   nothing half-written and nothing stored twice.
//! - **Alerts** (`alerts.rs`): after each fusion every rule runs as a store query; an
//!   event fires a rule once, and again only when its toll or claims change. An alert is
//!   recorded before it is sent and marked when sent, so a crash resends it.
//! - **Time** comes from a [`Clock`], so that tests and the benchmark run hours of
//!   polling in seconds ([`SimClock`]); analysis is the caller's (a function given to
//!   [`Watcher::new`]), so this crate holds no extraction settings.

pub mod alerts;
mod discover;
pub mod fetch;
pub mod robots;
pub mod sources;
mod watcher;

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

pub use sources::{AlertRule, Config, Settings, Source, SourceKind};
pub use watcher::{Analyse, Stats, Watcher};

/// What can stop a watcher (everything else is logged and polling goes on).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("sources file: {0}")]
    Config(String),
    #[error(transparent)]
    Store(#[from] sitrep_store::Error),
}

/// Where the time comes from (Unix milliseconds).
pub trait Clock: Sync {
    fn now(&self) -> i64;
    /// Waits until `t`, or until `stop` is set.
    fn sleep_until(&self, t: i64, stop: &AtomicBool);
}

/// The system clock; sleeps in slices of at most 100 ms so that a stop is seen at once.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis().min(i64::MAX as u128) as i64)
    }

    fn sleep_until(&self, t: i64, stop: &AtomicBool) {
        while !stop.load(Ordering::Relaxed) {
            let left = t - self.now();
            if left <= 0 {
                return;
            }
            std::thread::sleep(Duration::from_millis(left.min(100) as u64));
        }
    }
}

/// A simulated clock: sleeping moves it forward at once.
pub struct SimClock(AtomicI64);

impl SimClock {
    pub fn new(start: i64) -> SimClock {
        SimClock(AtomicI64::new(start))
    }

    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for SimClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }

    fn sleep_until(&self, t: i64, _stop: &AtomicBool) {
        self.0.fetch_max(t, Ordering::SeqCst);
    }
}

/// `YYYY-MM-DD` of a Unix time in milliseconds (UTC).
pub fn day_of(ms: i64) -> String {
    let d = sitrep_dates::Ymd::from_days(ms.div_euclid(86_400_000));
    format!("{:04}-{:02}-{:02}", d.y, d.m, d.d)
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time in milliseconds.
pub fn iso_of(ms: i64) -> String {
    let t = ms.div_euclid(1000).rem_euclid(86400);
    format!("{}T{:02}:{:02}:{:02}Z", day_of(ms), t / 3600, t / 60 % 60, t % 60)
}

/// How a watcher reports: log records and alert lines. The CLI prints them as text or
/// JSON; tests collect them.
pub trait Report: Sync {
    /// A log record: `what` happened (`poll`, `fetch-failed`, `stored`...) with fields.
    fn log(&self, what: &str, fields: serde_json::Value);
    /// An alert for the `stdout` sink.
    fn alert(&self, payload: &serde_json::Value);
    /// After each round: the counters and when the next source is due (for a live
    /// status line).
    fn status(&self, _stats: &Stats, _next_due: i64) {}
}
