//! The polling loop: which sources are due, a round of polls spread over worker threads
//! by host (`poller.rs`: fetch, list, fetch new items, analyse), their commits on this
//! thread (which alone holds the store), then fusion and alerts (`firing.rs`).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

use serde_json::{Value, json};
use sitrep_core::Document;
use sitrep_store::{FuseParams, NewDocument, Put, SourceState, Store};

use crate::fetch::Fetcher;
use crate::sources::{Config, Source};
use crate::{Clock, Error, Report};

mod firing;
mod poller;

use poller::{Commit, Msg, Poller, Shared};

/// The analysis of one document: content hash and result record (the CLI's `analyse`).
pub type Analyse<'a> = &'a (dyn Fn(&mut Document) -> (String, String) + Sync);

/// Counters since the watcher started.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Stats {
    pub polls: u64,
    /// Polls answered 304, or with the body of the last poll.
    pub unchanged: u64,
    pub failed_polls: u64,
    /// Requests made (sources, pages, robots.txt, child sitemaps).
    pub requests: u64,
    /// New item URLs found.
    pub items: u64,
    pub stored: u64,
    pub duplicates: u64,
    /// Items whose page could not be had (the feed's text stored instead, or nothing).
    pub pages_failed: u64,
    pub fusions: u64,
    /// Wall time spent fusing, in milliseconds (fusion recomputes every event).
    pub fuse_ms: u64,
    pub alerts: u64,
    pub alerts_failed: u64,
}

impl Stats {
    /// Adds a worker's counters.
    fn add(&mut self, o: &Stats) {
        self.polls += o.polls;
        self.unchanged += o.unchanged;
        self.failed_polls += o.failed_polls;
        self.requests += o.requests;
        self.items += o.items;
        self.stored += o.stored;
        self.duplicates += o.duplicates;
        self.pages_failed += o.pages_failed;
        self.fusions += o.fusions;
        self.fuse_ms += o.fuse_ms;
        self.alerts += o.alerts;
        self.alerts_failed += o.alerts_failed;
    }
}

/// Articles per transaction within one poll.
const COMMIT_EVERY: usize = 16;
/// Child sitemaps read per poll of a sitemap index, at most.
const MAX_CHILD_SITEMAPS: usize = 20;
/// How long a robots.txt is trusted; one that could not be fetched is retried sooner.
const ROBOTS_TTL: i64 = 86_400_000;
const ROBOTS_RETRY: i64 = 3_600_000;
/// A command sink is stopped after this long.
const COMMAND_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

pub struct Watcher<'a> {
    shared: Shared<'a>,
    store: Store,
    analysed_by: String,
    states: HashMap<String, SourceState>,
    last_fuse: i64,
    /// Time between fusions: `fuse_every`, or ten times the last fusion's duration if
    /// longer (fusion recomputes every event, so it takes longer as the store grows;
    /// this keeps it under a tenth of the watcher's time).
    fuse_gap: i64,
    last_forget: i64,
    /// Run the rules after the next round even without a fusion (a new backfill rule).
    alerts_due: bool,
    pub stats: Stats,
}

fn config_fuse_every(c: &Config) -> i64 {
    c.settings.fuse_every.as_millis().min(i64::MAX as u128) as i64
}

fn origin(url: &str) -> String {
    url::Url::parse(url).map(|u| u.origin().ascii_serialization()).unwrap_or_default()
}

impl<'a> Watcher<'a> {
    /// A watcher over `store`; records the alert rules in force (the dashboard shows them).
    pub fn new(
        config: Config,
        store: Store,
        clock: &'a dyn Clock,
        report: &'a dyn Report,
        analyse: Analyse<'a>,
        analysed_by: String,
    ) -> Result<Watcher<'a>, Error> {
        let known = store.alert_rule_names()?;
        let rules: Vec<(String, Value)> = config.alerts.iter().map(|a| (a.name.clone(), a.to_json())).collect();
        let states = store.watch_sources()?.into_iter().map(|s| (s.url.clone(), s)).collect();
        let fuse_gap = config_fuse_every(&config);
        let mut w = Watcher {
            shared: Shared {
                fetcher: Fetcher::new(&config.settings),
                config,
                clock,
                report,
                analyse,
                hosts: Mutex::new(HashMap::new()),
                robots: Mutex::new(HashMap::new()),
            },
            store,
            analysed_by,
            states,
            last_fuse: i64::MIN / 2,
            fuse_gap,
            last_forget: i64::MIN / 2,
            alerts_due: false,
            stats: Stats::default(),
        };
        // A rule new to this database takes the events already there as known, unless
        // it asks for a backfill: it alerts on what appears or changes from now on.
        for rule in w.shared.config.alerts.clone() {
            if known.contains(&rule.name) {
                continue;
            }
            if rule.backfill {
                w.alerts_due = true;
            } else {
                w.baseline(&rule)?;
            }
        }
        w.store.set_alert_rules(&rules, w.shared.clock.now())?;
        Ok(w)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// When the next source is due (Unix ms).
    pub fn next_due(&self) -> i64 {
        let due = self.shared.config.sources.iter().map(|s| self.states.get(&s.url).map_or(0, |st| st.next_due)).min();
        let mut next = due.unwrap_or(i64::MAX);
        if self.store.fusion_due().unwrap_or(false) {
            next = next.min(self.last_fuse + self.fuse_gap);
        }
        next
    }

    /// Polls until `stop` is set (or the clock passes `until`), then fuses what it
    /// stored and sends what alerts that gives.
    pub fn run(&mut self, stop: &AtomicBool, until: Option<i64>) -> Result<(), Error> {
        let mut store_errors = 0;
        while !stop.load(Ordering::Relaxed) {
            match self.round(stop) {
                Ok(_) => store_errors = 0,
                // A store busy with another writer, say: logged, and tried again later;
                // a store that keeps failing stops the watcher.
                Err(e) => {
                    store_errors += 1;
                    self.shared.report.log("store-error", json!({"error": e.to_string()}));
                    if store_errors >= 10 {
                        return Err(e);
                    }
                }
            }
            let now = self.shared.clock.now();
            self.shared.report.status(&self.stats, self.next_due());
            if until.is_some_and(|u| now >= u) {
                break;
            }
            let next = self.next_due().min(until.unwrap_or(i64::MAX)).max(now + 1);
            self.shared.clock.sleep_until(next, stop);
        }
        self.after_polls(true)
    }

    /// Polls every source once, due or not, then fuses and fires alerts (`watch --once`).
    pub fn once(&mut self, stop: &AtomicBool) -> Result<(), Error> {
        let all: Vec<Source> = self.shared.config.sources.clone();
        self.poll_all(all, stop)?;
        self.after_polls(true)
    }

    /// Polls every due source once, in order of due time; then fuses (when due) and
    /// fires alerts. Returns how many sources were polled.
    pub fn round(&mut self, stop: &AtomicBool) -> Result<usize, Error> {
        let now = self.shared.clock.now();
        let sources = &self.shared.config.sources;
        let mut due: Vec<(i64, usize)> = (0..sources.len())
            .map(|i| (self.states.get(&sources[i].url).map_or(0, |s| s.next_due), i))
            .filter(|(t, _)| *t <= now)
            .collect();
        due.sort();
        let due: Vec<Source> = due.into_iter().map(|(_, i)| sources[i].clone()).collect();
        let polled = due.len();
        self.poll_all(due, stop)?;
        self.after_polls(false)?;
        Ok(polled)
    }

    /// Polls `sources` on up to `workers` threads, each host's sources on one of them
    /// (in the order given), and commits what they send.
    fn poll_all(&mut self, sources: Vec<Source>, stop: &AtomicBool) -> Result<(), Error> {
        let mut hosts: Vec<(String, Vec<Source>)> = Vec::new();
        for s in sources {
            let h = origin(&s.url);
            match hosts.iter_mut().find(|(k, _)| *k == h) {
                Some((_, v)) => v.push(s),
                None => hosts.push((h, vec![s])),
            }
        }
        let n = self.shared.config.settings.workers.clamp(1, hosts.len().max(1));
        let mut buckets: Vec<Vec<Source>> = vec![Vec::new(); n];
        for (i, (_, srcs)) in hosts.into_iter().enumerate() {
            buckets[i % n].extend(srcs);
        }
        let Watcher { shared, store, analysed_by, states, stats, .. } = self;
        let shared: &Shared<'_> = shared;
        let mut first_error = None;
        // Sources whose commit failed this round: their later batches are not committed
        // either (the final one would keep validators over items never stored), so the
        // next poll lists them all again.
        let mut failed: HashSet<String> = HashSet::new();
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::channel::<Msg>();
            for bucket in buckets.into_iter().filter(|b| !b.is_empty()) {
                let mine =
                    bucket.iter().filter_map(|s| states.get(&s.url).map(|st| (s.url.clone(), st.clone()))).collect();
                let link = tx.clone();
                scope.spawn(move || Poller::new(shared, mine, link).run(&bucket, stop));
            }
            drop(tx);
            for msg in rx {
                match msg {
                    Msg::Seen(urls, reply) => {
                        let refs: Vec<&str> = urls.iter().map(String::as_str).collect();
                        let _ = reply.send(store.seen_items(&refs).map_err(|e| e.to_string()));
                    }
                    Msg::Commit(c) if failed.contains(&c.state.url) => {}
                    Msg::Commit(c) => {
                        if let Err(e) = apply(store, shared, analysed_by, stats, &c) {
                            shared.report.log("store-error", json!({"source": c.state.url, "error": e.to_string()}));
                            failed.insert(c.state.url.clone());
                            first_error.get_or_insert(e);
                        } else if c.last {
                            states.insert(c.state.url.clone(), c.state);
                        }
                    }
                    Msg::Done(s) => stats.add(&s),
                }
            }
        });
        first_error.map_or(Ok(()), Err)
    }

    fn after_polls(&mut self, force: bool) -> Result<(), Error> {
        self.retry_alerts()?;
        let now = self.shared.clock.now();
        if self.store.fusion_due()? && (force || now - self.last_fuse >= self.fuse_gap) {
            let t = std::time::Instant::now();
            let r = self.store.fuse(&FuseParams::default())?;
            let took = t.elapsed().as_millis() as u64;
            self.stats.fuse_ms += took;
            self.fuse_gap =
                config_fuse_every(&self.shared.config).max(took.saturating_mul(10).min(i64::MAX as u64) as i64);
            self.stats.fusions += 1;
            self.last_fuse = now;
            self.shared.report.log("fused", json!({"mentions": r.mentions, "events": r.events}));
            self.alerts_due = true;
        }
        if self.alerts_due {
            self.alerts_due = false;
            self.fire_alerts()?;
        }
        if now - self.last_forget >= 3_600_000 {
            let before = now - self.shared.config.settings.forget_after.as_millis() as i64;
            self.store.forget_items(before)?;
            self.last_forget = now;
        }
        Ok(())
    }
}

/// Commits what a worker sent: documents, items seen and the source's state together.
fn apply(
    store: &mut Store,
    shared: &Shared<'_>,
    analysed_by: &str,
    stats: &mut Stats,
    c: &Commit,
) -> Result<(), Error> {
    let new: Vec<NewDocument<'_>> = c
        .docs
        .iter()
        .map(|a| NewDocument { doc: &a.doc, origin: &a.origin, content_hash: &a.hash, record: &a.record, analysed_by })
        .collect();
    let puts = store.commit_poll(&c.state, &new, &c.seen, shared.clock.now())?;
    let added = puts.iter().filter(|p| **p == Put::Added).count() as u64;
    stats.stored += added;
    stats.duplicates += puts.len() as u64 - added;
    if !puts.is_empty() {
        let dups = puts.len() as u64 - added;
        shared
            .report
            .log("stored", json!({"source": c.state.url, "added": added, "duplicates": dups, "pending": c.pending}));
    }
    Ok(())
}
