//! The polling loop: which sources are due, one poll (fetch, list, fetch new items,
//! analyse, commit), politeness per host, fusion and alerts after the polls.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};
use sitrep_core::Document;
use sitrep_ingest::{Format, Item};
use sitrep_store::{FuseParams, NewDocument, Put, SeenItem, SourceState, Store};

use crate::discover::{self, Listed, Listing};
use crate::fetch::{Answer, Fetcher, Validators, retry_after_ms};
use crate::robots::Robots;
use crate::sources::{Config, Source};
use crate::{Clock, Error, Report};

mod firing;

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
    config: Config,
    store: Store,
    fetcher: Fetcher,
    clock: &'a dyn Clock,
    report: &'a dyn Report,
    analyse: Analyse<'a>,
    analysed_by: String,
    states: HashMap<String, SourceState>,
    /// Per host (`scheme://host:port`): when the next request may go.
    hosts: HashMap<String, i64>,
    robots: HashMap<String, (Robots, i64)>,
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

/// The result of fetching a poll's new items.
#[derive(Default)]
struct Fetched {
    docs: Vec<(Document, String)>,
    seen: Vec<SeenItem>,
    /// Items left for the next poll (stopped, capped, or the host asked us to wait).
    pending: usize,
    /// Items seen and committed already in this poll (partial commits).
    committed: usize,
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
            fetcher: Fetcher::new(&config.settings),
            config,
            store,
            clock,
            report,
            analyse,
            analysed_by,
            states,
            hosts: HashMap::new(),
            robots: HashMap::new(),
            last_fuse: i64::MIN / 2,
            fuse_gap,
            last_forget: i64::MIN / 2,
            alerts_due: false,
            stats: Stats::default(),
        };
        // A rule new to this database takes the events already there as known, unless
        // it asks for a backfill: it alerts on what appears or changes from now on.
        for rule in w.config.alerts.clone() {
            if known.contains(&rule.name) {
                continue;
            }
            if rule.backfill {
                w.alerts_due = true;
            } else {
                w.baseline(&rule)?;
            }
        }
        w.store.set_alert_rules(&rules, w.clock.now())?;
        Ok(w)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// When the next source is due (Unix ms).
    pub fn next_due(&self) -> i64 {
        let due = self.config.sources.iter().map(|s| self.states.get(&s.url).map_or(0, |st| st.next_due)).min();
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
                    self.report.log("store-error", json!({"error": e.to_string()}));
                    if store_errors >= 10 {
                        return Err(e);
                    }
                }
            }
            let now = self.clock.now();
            self.report.status(&self.stats, self.next_due());
            if until.is_some_and(|u| now >= u) {
                break;
            }
            let next = self.next_due().min(until.unwrap_or(i64::MAX)).max(now + 1);
            self.clock.sleep_until(next, stop);
        }
        self.after_polls(true)
    }

    /// Polls every source once, due or not, then fuses and fires alerts (`watch --once`).
    pub fn once(&mut self, stop: &AtomicBool) -> Result<(), Error> {
        for src in self.config.sources.clone() {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            self.poll(&src, stop)?;
        }
        self.after_polls(true)
    }

    /// Polls every due source once, in order of due time; then fuses (when due) and
    /// fires alerts. Returns how many sources were polled.
    pub fn round(&mut self, stop: &AtomicBool) -> Result<usize, Error> {
        let now = self.clock.now();
        let mut due: Vec<(i64, usize)> = (0..self.config.sources.len())
            .map(|i| (self.states.get(&self.config.sources[i].url).map_or(0, |s| s.next_due), i))
            .filter(|(t, _)| *t <= now)
            .collect();
        due.sort();
        let mut polled = 0;
        for (_, i) in due {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let src = self.config.sources[i].clone();
            self.poll(&src, stop)?;
            polled += 1;
        }
        self.after_polls(false)?;
        Ok(polled)
    }

    fn after_polls(&mut self, force: bool) -> Result<(), Error> {
        self.retry_alerts()?;
        let now = self.clock.now();
        if self.store.fusion_due()? && (force || now - self.last_fuse >= self.fuse_gap) {
            let t = std::time::Instant::now();
            let r = self.store.fuse(&FuseParams::default())?;
            let took = t.elapsed().as_millis() as u64;
            self.stats.fuse_ms += took;
            self.fuse_gap = config_fuse_every(&self.config).max(took.saturating_mul(10).min(i64::MAX as u64) as i64);
            self.stats.fusions += 1;
            self.last_fuse = now;
            self.report.log("fused", json!({"mentions": r.mentions, "events": r.events}));
            self.alerts_due = true;
        }
        if self.alerts_due {
            self.alerts_due = false;
            self.fire_alerts()?;
        }
        if now - self.last_forget >= 3_600_000 {
            let before = now - self.config.settings.forget_after.as_millis() as i64;
            self.store.forget_items(before)?;
            self.last_forget = now;
        }
        Ok(())
    }

    /// Waits for the host's turn, then books the next one.
    fn wait_host(&mut self, url: &str, stop: &AtomicBool) {
        let host = origin(url);
        if let Some(&t) = self.hosts.get(&host) {
            self.clock.sleep_until(t, stop);
        }
        let next = self.clock.now() + self.config.settings.host_delay.as_millis() as i64;
        let t = self.hosts.entry(host).or_insert(next);
        *t = (*t).max(next);
    }

    /// Keeps a host waiting (a 429 or 503 with Retry-After).
    fn block_host(&mut self, url: &str, until: i64) {
        let t = self.hosts.entry(origin(url)).or_insert(until);
        *t = (*t).max(until);
    }

    fn get(&mut self, url: &str, v: Validators<'_>, stop: &AtomicBool) -> Result<Answer, String> {
        self.wait_host(url, stop);
        self.stats.requests += 1;
        self.fetcher.get(url, v)
    }

    /// Whether robots.txt lets us fetch `url` (fetched once a day per host).
    fn allowed(&mut self, url: &str, stop: &AtomicBool) -> bool {
        if !self.config.settings.robots {
            return true;
        }
        let Ok(u) = url::Url::parse(url) else { return false };
        let host = u.origin().ascii_serialization();
        let now = self.clock.now();
        if self.robots.get(&host).is_none_or(|(_, exp)| *exp <= now) {
            let token = self.config.settings.user_agent.split(['/', ' ']).next().unwrap_or("").to_string();
            let (rules, ttl) = match self.get(&format!("{host}/robots.txt"), Validators::default(), stop) {
                Ok(a) if (200..300).contains(&a.status) => {
                    (Robots::parse(&String::from_utf8_lossy(&a.body), &token), ROBOTS_TTL)
                }
                Ok(a) if (400..500).contains(&a.status) && a.status != 429 => (Robots::allow_all(), ROBOTS_TTL),
                _ => (Robots::disallow_all(), ROBOTS_RETRY),
            };
            self.robots.insert(host.clone(), (rules, self.clock.now() + ttl));
        }
        let path = match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        };
        self.robots.get(&host).is_some_and(|(r, _)| r.allows(&path))
    }

    /// Sets when a source is next due: its interval after a success; after failures in
    /// a row, the interval doubled per failure, at most `max_backoff`, and never before
    /// the server's Retry-After.
    fn schedule(&self, st: &mut SourceState, src: &Source, failed: bool, retry_after: Option<i64>) {
        let now = self.clock.now();
        let interval = src.interval.as_millis() as i64;
        let max = self.config.settings.max_backoff.as_millis() as i64;
        if failed {
            st.failures = st.failures.saturating_add(1);
            let backoff = interval.saturating_mul(1i64 << st.failures.min(30)).min(max.max(interval));
            st.next_due = now + backoff.max(retry_after.unwrap_or(0).min(max));
        } else {
            st.failures = 0;
            st.last_error = None;
            st.next_due = now + interval;
        }
    }

    /// Polls one source and commits what it found.
    fn poll(&mut self, src: &Source, stop: &AtomicBool) -> Result<(), Error> {
        let mut st = self
            .states
            .get(&src.url)
            .cloned()
            .unwrap_or_else(|| SourceState { url: src.url.clone(), ..SourceState::default() });
        st.name = src.name.clone();
        st.polls += 1;
        st.last_polled = Some(self.clock.now());
        self.stats.polls += 1;
        let mut fetched = Fetched::default();
        if !self.allowed(&src.url, stop) {
            st.last_status = None;
            self.schedule(&mut st, src, false, None);
            st.last_error = Some("robots.txt disallows this URL".into());
            self.report.log("robots", json!({"source": src.url}));
        } else {
            let (etag, lm) = (st.etag.clone(), st.last_modified.clone());
            let answer = self.get(&src.url, Validators { etag: etag.as_deref(), last_modified: lm.as_deref() }, stop);
            fetched = self.answered(src, &mut st, answer, stop)?;
        }
        self.commit(&mut st, fetched)?;
        self.states.insert(st.url.clone(), st);
        Ok(())
    }

    /// Handles a source's answer: the items it lists, fetched (or the page itself).
    fn answered(
        &mut self,
        src: &Source,
        st: &mut SourceState,
        answer: Result<Answer, String>,
        stop: &AtomicBool,
    ) -> Result<Fetched, Error> {
        let now = self.clock.now();
        // The state as committed before this poll: partial commits keep its validators.
        let before = self.states.get(&src.url).cloned().unwrap_or_else(|| SourceState {
            url: src.url.clone(),
            name: src.name.clone(),
            ..SourceState::default()
        });
        let a = match answer {
            Err(e) => return Ok(self.failed(src, st, None, e, None)),
            Ok(a) => a,
        };
        st.last_status = Some(a.status);
        match a.status {
            304 => return Ok(self.unchanged(src, st)),
            429 | 503 => {
                let wait = a.retry_after.as_deref().and_then(|r| retry_after_ms(r, now));
                if let Some(w) = wait {
                    self.block_host(&src.url, now + w);
                }
                let why = format!("HTTP {} (Retry-After: {})", a.status, a.retry_after.as_deref().unwrap_or("none"));
                return Ok(self.failed(src, st, Some(a.status), why, wait));
            }
            s if !(200..300).contains(&s) => return Ok(self.failed(src, st, Some(s), format!("HTTP {s}"), None)),
            _ => {}
        }
        let hash = sitrep_ingest::content_hash(&String::from_utf8_lossy(&a.body));
        if st.body_hash.as_deref() == Some(hash.as_str()) {
            return Ok(self.unchanged(src, st));
        }
        let kind = discover::kind_of(src.kind, a.content_type.as_deref(), &a.body);
        let fetched = match discover::list(kind, &a.url, &a.body) {
            Listing::Page => {
                self.stats.items += 1;
                let docs = self.page_doc(&a.body, &src.url, None, src).map(|d| (d, src.url.clone()));
                Fetched { docs: docs.into_iter().collect(), ..Fetched::default() }
            }
            Listing::Items(items) => self.fetch_items(src, &before, items, stop)?,
            Listing::Sitemaps(children) => {
                let items = self.child_sitemaps(&children, stop);
                self.fetch_items(src, &before, items, stop)?
            }
            Listing::Bad(why) => return Ok(self.failed(src, st, Some(a.status), format!("unreadable: {why}"), None)),
        };
        self.schedule(st, src, false, None);
        // Validators only once every listed item is handled: else the next poll must see
        // the whole list again.
        if fetched.pending == 0 {
            st.etag = a.etag;
            st.last_modified = a.last_modified;
            st.body_hash = Some(hash);
        }
        Ok(fetched)
    }

    fn unchanged(&mut self, src: &Source, st: &mut SourceState) -> Fetched {
        self.stats.unchanged += 1;
        self.schedule(st, src, false, None);
        Fetched::default()
    }

    fn failed(
        &mut self,
        src: &Source,
        st: &mut SourceState,
        status: Option<u16>,
        why: String,
        wait: Option<i64>,
    ) -> Fetched {
        self.stats.failed_polls += 1;
        st.last_status = status;
        self.schedule(st, src, true, wait);
        self.report.log(
            "poll-failed",
            json!({"source": src.url, "error": why, "failures": st.failures, "next_due": st.next_due}),
        );
        st.last_error = Some(why);
        Fetched::default()
    }

    fn child_sitemaps(&mut self, children: &[String], stop: &AtomicBool) -> Vec<Listed> {
        let mut out = Vec::new();
        for c in children.iter().take(MAX_CHILD_SITEMAPS) {
            if stop.load(Ordering::Relaxed) || !self.allowed(c, stop) {
                continue;
            }
            match self.get(c, Validators::default(), stop) {
                Ok(a) if (200..300).contains(&a.status) => {
                    if let Listing::Items(items) = discover::list(crate::SourceKind::Sitemap, &a.url, &a.body) {
                        out.extend(items);
                    }
                }
                Ok(a) => {
                    self.report.log("sitemap-failed", json!({"sitemap": c, "error": format!("HTTP {}", a.status)}))
                }
                Err(e) => self.report.log("sitemap-failed", json!({"sitemap": c, "error": e})),
            }
        }
        out
    }

    /// The article of a page, the feed's metadata filling what the page lacks.
    fn page_doc(&self, body: &[u8], url: &str, feed: Option<&Document>, src: &Source) -> Option<Document> {
        let page = sitrep_ingest::read_bytes(body, url, Format::Html).into_iter().find_map(|i| match i {
            Item::Article(a) if !a.doc.text.trim().is_empty() => Some(a.doc),
            _ => None,
        });
        let mut doc = page.or_else(|| feed.filter(|d| !d.text.trim().is_empty()).cloned())?;
        self.fill(&mut doc, url, feed, src);
        Some(doc)
    }

    fn fill(&self, doc: &mut Document, url: &str, feed: Option<&Document>, src: &Source) {
        doc.id = url.to_string();
        doc.url = Some(url.to_string());
        if let Some(f) = feed {
            doc.title = doc.title.take().or_else(|| f.title.clone());
            doc.published = f.published.clone().or(doc.published.take());
        }
        doc.published = doc.published.take().or_else(|| Some(crate::day_of(self.clock.now())));
        doc.source = src.name.clone().or(doc.source.take());
        doc.lang = doc.lang.take().or_else(|| src.lang.clone());
    }

    /// Fetches the pages of the items not seen before, committing every
    /// [`COMMIT_EVERY`] articles (with the state `before` this poll, so that a crash
    /// loses at most one batch and the next poll lists the rest again).
    fn fetch_items(
        &mut self,
        src: &Source,
        before: &SourceState,
        items: Vec<Listed>,
        stop: &AtomicBool,
    ) -> Result<Fetched, Error> {
        let urls: Vec<&str> = items.iter().map(|i| i.url.as_str()).collect();
        let seen = match self.store.seen_items(&urls) {
            Ok(s) => s,
            Err(e) => {
                self.report.log("store-error", json!({"error": e.to_string()}));
                return Ok(Fetched { pending: items.len(), ..Fetched::default() });
            }
        };
        let new: Vec<Listed> = items.into_iter().filter(|i| !seen.contains(&i.url)).collect();
        let cap = self.config.settings.max_items_per_poll;
        let mut f = Fetched { pending: new.len().saturating_sub(cap), ..Fetched::default() };
        self.stats.items += new.len() as u64;
        for (k, item) in new.iter().take(cap).enumerate() {
            if stop.load(Ordering::Relaxed) {
                f.pending += new.len().min(cap) - k;
                break;
            }
            let seen = |outcome: String| SeenItem { url: item.url.clone(), source: src.url.clone(), outcome };
            if !self.allowed(&item.url, stop) {
                f.seen.push(seen("robots".into()));
                continue;
            }
            let answer = self.get(&item.url, Validators::default(), stop);
            let problem = match answer {
                Ok(a) if (200..300).contains(&a.status) => {
                    match self.page_doc(&a.body, &item.url, item.feed_doc.as_ref(), src) {
                        Some(doc) => {
                            f.docs.push((doc, item.url.clone()));
                            f.seen.push(seen("stored".into()));
                            if f.docs.len() >= COMMIT_EVERY {
                                let seen = std::mem::take(&mut f.seen);
                                f.committed += seen.len();
                                let part = Fetched { docs: std::mem::take(&mut f.docs), seen, ..Fetched::default() };
                                self.commit(&mut before.clone(), part)?;
                            }
                            continue;
                        }
                        None => "no text".to_string(),
                    }
                }
                Ok(a) if matches!(a.status, 429 | 503) => {
                    let now = self.clock.now();
                    let wait = a.retry_after.as_deref().and_then(|r| retry_after_ms(r, now)).unwrap_or(60_000);
                    self.block_host(&item.url, now + wait.min(self.config.settings.max_backoff.as_millis() as i64));
                    // This item and the rest wait for the next poll.
                    f.pending += new.len().min(cap) - k;
                    break;
                }
                Ok(a) => format!("HTTP {}", a.status),
                Err(e) => e,
            };
            self.stats.pages_failed += 1;
            self.report.log("page-failed", json!({"source": src.url, "url": item.url, "error": problem}));
            match item.feed_doc.clone().filter(|d| !d.text.trim().is_empty()) {
                Some(mut doc) => {
                    self.fill(&mut doc, &item.url, None, src);
                    f.docs.push((doc, item.url.clone()));
                    f.seen.push(seen(format!("feed-text (page: {problem})")));
                }
                None => f.seen.push(seen(format!("failed: {problem}"))),
            }
        }
        Ok(f)
    }

    /// Analyses and commits a poll: documents, items seen and source state together.
    fn commit(&mut self, st: &mut SourceState, f: Fetched) -> Result<(), Error> {
        let analysed: Vec<(Document, String, String, String)> = f
            .docs
            .into_iter()
            .map(|(mut doc, origin)| {
                let (hash, record) = (self.analyse)(&mut doc);
                (doc, origin, hash, record)
            })
            .collect();
        let new: Vec<NewDocument<'_>> = analysed
            .iter()
            .map(|(doc, origin, hash, record)| NewDocument {
                doc,
                origin,
                content_hash: hash,
                record,
                analysed_by: &self.analysed_by,
            })
            .collect();
        st.items += (f.seen.len() + f.committed) as u64;
        let puts = self.store.commit_poll(st, &new, &f.seen, self.clock.now())?;
        let added = puts.iter().filter(|p| **p == Put::Added).count() as u64;
        self.stats.stored += added;
        self.stats.duplicates += puts.len() as u64 - added;
        if !puts.is_empty() {
            self.report.log("stored", json!({"source": st.url, "added": added, "duplicates": puts.len() as u64 - added, "pending": f.pending}));
        }
        Ok(())
    }
}
