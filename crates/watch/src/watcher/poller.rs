//! One worker of a round: polls its hosts' sources one after the other (politeness per
//! host needs no more), fetches their new items, analyses them on its own thread, and
//! sends each batch to the watcher, which holds the store and commits it.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

use serde_json::json;
use sitrep_core::Document;
use sitrep_ingest::{Format, Item};
use sitrep_store::{SeenItem, SourceState};

use super::{Analyse, COMMIT_EVERY, MAX_CHILD_SITEMAPS, ROBOTS_RETRY, ROBOTS_TTL, Stats, origin};
use crate::discover::{self, Listed, Listing};
use crate::fetch::{Answer, Fetcher, Validators, retry_after_ms};
use crate::robots::Robots;
use crate::sources::{Config, Source};
use crate::{Clock, Report};

/// A document analysed by a worker.
pub(super) struct Analysed {
    pub doc: Document,
    pub origin: String,
    pub hash: String,
    pub record: String,
}

/// What a worker sends to be committed in one transaction.
pub(super) struct Commit {
    pub state: SourceState,
    pub docs: Vec<Analysed>,
    pub seen: Vec<SeenItem>,
    pub pending: usize,
    pub last: bool,
}

pub(super) enum Msg {
    /// Which of these item URLs were seen before? (Answered on the sender.)
    Seen(Vec<String>, mpsc::Sender<Result<HashSet<String>, String>>),
    Commit(Box<Commit>),
    /// The worker's counters, when it is done.
    Done(Box<Stats>),
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

/// What the workers of a round share: settings, the HTTP agent, the clock, the report,
/// the analysis, and the per-host state that outlives a round.
pub(super) struct Shared<'a> {
    pub config: Config,
    pub fetcher: Fetcher,
    pub clock: &'a dyn Clock,
    pub report: &'a dyn Report,
    pub analyse: Analyse<'a>,
    /// Per host (`scheme://host:port`): when the next request may go.
    pub hosts: Mutex<HashMap<String, i64>>,
    pub robots: Mutex<HashMap<String, (Robots, i64)>>,
}

pub(super) struct Poller<'w> {
    config: &'w Config,
    fetcher: &'w Fetcher,
    clock: &'w dyn Clock,
    report: &'w dyn Report,
    analyse: Analyse<'w>,
    hosts: &'w Mutex<HashMap<String, i64>>,
    robots: &'w Mutex<HashMap<String, (Robots, i64)>>,
    /// The committed state of this worker's sources.
    states: HashMap<String, SourceState>,
    pub stats: Stats,
    link: mpsc::Sender<Msg>,
}

impl<'w> Poller<'w> {
    pub fn new(shared: &'w Shared<'w>, states: HashMap<String, SourceState>, link: mpsc::Sender<Msg>) -> Poller<'w> {
        Poller {
            config: &shared.config,
            fetcher: &shared.fetcher,
            clock: shared.clock,
            report: shared.report,
            analyse: shared.analyse,
            hosts: &shared.hosts,
            robots: &shared.robots,
            states,
            stats: Stats::default(),
            link,
        }
    }

    /// Polls the sources in order, then sends the counters.
    pub fn run(mut self, sources: &[Source], stop: &AtomicBool) {
        for src in sources {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            self.poll(src, stop);
        }
        let _ = self.link.send(Msg::Done(Box::new(self.stats)));
    }

    /// Waits for the host's turn, then books the next one.
    fn wait_host(&mut self, url: &str, stop: &AtomicBool) {
        let host = origin(url);
        let wait = self.hosts.lock().ok().and_then(|h| h.get(&host).copied());
        if let Some(t) = wait {
            self.clock.sleep_until(t, stop);
        }
        // The site's Crawl-delay when it asks for more (at most a minute).
        let asked = self.robots.lock().ok().and_then(|r| r.get(&host).and_then(|(r, _)| r.crawl_delay));
        let delay = (self.config.settings.host_delay.as_secs_f64()).max(asked.unwrap_or(0.0).min(60.0));
        let next = self.clock.now() + (delay * 1000.0) as i64;
        if let Ok(mut h) = self.hosts.lock() {
            let t = h.entry(host).or_insert(next);
            *t = (*t).max(next);
        }
    }

    /// Keeps a host waiting (a 429 or 503 with Retry-After).
    fn block_host(&mut self, url: &str, until: i64) {
        if let Ok(mut h) = self.hosts.lock() {
            let t = h.entry(origin(url)).or_insert(until);
            *t = (*t).max(until);
        }
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
        let fresh = self.robots.lock().ok().is_some_and(|r| r.get(&host).is_some_and(|(_, exp)| *exp > now));
        if !fresh {
            let token = self.config.settings.user_agent.split(['/', ' ']).next().unwrap_or("").to_string();
            let (rules, ttl) = match self.get(&format!("{host}/robots.txt"), Validators::default(), stop) {
                Ok(a) if (200..300).contains(&a.status) => {
                    (Robots::parse(&String::from_utf8_lossy(&a.body), &token), ROBOTS_TTL)
                }
                Ok(a) if (400..500).contains(&a.status) && a.status != 429 => (Robots::allow_all(), ROBOTS_TTL),
                _ => (Robots::disallow_all(), ROBOTS_RETRY),
            };
            if let Ok(mut r) = self.robots.lock() {
                r.insert(host.clone(), (rules, self.clock.now() + ttl));
            }
        }
        let path = match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        };
        self.robots.lock().ok().is_some_and(|r| r.get(&host).is_some_and(|(r, _)| r.allows(&path)))
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
    fn poll(&mut self, src: &Source, stop: &AtomicBool) {
        // The state as committed before this poll: partial commits keep its validators.
        let before = self.states.get(&src.url).cloned().unwrap_or_else(|| SourceState {
            url: src.url.clone(),
            name: src.name.clone(),
            ..SourceState::default()
        });
        let mut st = before.clone();
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
            fetched = self.answered(src, &before, &mut st, answer, stop);
        }
        self.commit(&mut st, fetched, true);
    }

    /// Handles a source's answer: the items it lists, fetched (or the page itself).
    fn answered(
        &mut self,
        src: &Source,
        before: &SourceState,
        st: &mut SourceState,
        answer: Result<Answer, String>,
        stop: &AtomicBool,
    ) -> Fetched {
        let now = self.clock.now();
        let a = match answer {
            Err(e) => return self.failed(src, st, None, e, None),
            Ok(a) => a,
        };
        st.last_status = Some(a.status);
        match a.status {
            304 => return self.unchanged(src, st),
            429 | 503 => {
                let wait = a.retry_after.as_deref().and_then(|r| retry_after_ms(r, now));
                if let Some(w) = wait {
                    self.block_host(&src.url, now + w);
                }
                let why = format!("HTTP {} (Retry-After: {})", a.status, a.retry_after.as_deref().unwrap_or("none"));
                return self.failed(src, st, Some(a.status), why, wait);
            }
            s if !(200..300).contains(&s) => return self.failed(src, st, Some(s), format!("HTTP {s}"), None),
            _ => {}
        }
        let hash = sitrep_ingest::content_hash(&String::from_utf8_lossy(&a.body));
        if st.body_hash.as_deref() == Some(hash.as_str()) {
            return self.unchanged(src, st);
        }
        let kind = discover::kind_of(src.kind, a.content_type.as_deref(), &a.body);
        let fetched = match discover::list(kind, &a.url, &a.body) {
            Listing::Page => {
                self.stats.items += 1;
                let docs = self.page_doc(&a.body, &src.url, None, src).map(|d| (d, src.url.clone()));
                Fetched { docs: docs.into_iter().collect(), ..Fetched::default() }
            }
            Listing::Items(items) => self.fetch_items(src, before, items, stop),
            Listing::Sitemaps(children) => {
                let items = self.child_sitemaps(&children, stop);
                self.fetch_items(src, before, items, stop)
            }
            Listing::Bad(why) => return self.failed(src, st, Some(a.status), format!("unreadable: {why}"), None),
        };
        self.schedule(st, src, false, None);
        // Validators only once every listed item is handled: else the next poll must see
        // the whole list again.
        if fetched.pending == 0 {
            st.etag = a.etag;
            st.last_modified = a.last_modified;
            st.body_hash = Some(hash);
        }
        fetched
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
    fn fetch_items(&mut self, src: &Source, before: &SourceState, items: Vec<Listed>, stop: &AtomicBool) -> Fetched {
        let urls: Vec<&str> = items.iter().map(|i| i.url.as_str()).collect();
        let seen = match self.seen(&urls) {
            Ok(s) => s,
            Err(e) => {
                self.report.log("store-error", json!({"error": e}));
                return Fetched { pending: items.len(), ..Fetched::default() };
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
            let mark = |outcome: String| SeenItem { url: item.url.clone(), source: src.url.clone(), outcome };
            if !self.allowed(&item.url, stop) {
                f.seen.push(mark("robots".into()));
                continue;
            }
            let answer = self.get(&item.url, Validators::default(), stop);
            let problem = match answer {
                Ok(a) if (200..300).contains(&a.status) => {
                    match self.page_doc(&a.body, &item.url, item.feed_doc.as_ref(), src) {
                        Some(doc) => {
                            f.docs.push((doc, item.url.clone()));
                            f.seen.push(mark("stored".into()));
                            if f.docs.len() >= COMMIT_EVERY {
                                let seen = std::mem::take(&mut f.seen);
                                f.committed += seen.len();
                                let part = Fetched { docs: std::mem::take(&mut f.docs), seen, ..Fetched::default() };
                                self.commit(&mut before.clone(), part, false);
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
                    f.seen.push(mark(format!("feed-text (page: {problem})")));
                }
                None => f.seen.push(mark(format!("failed: {problem}"))),
            }
        }
        f
    }

    /// Analyses a poll's documents (here, on the worker's thread) and sends them, with
    /// the items seen and the source's state, to the watcher to commit together.
    /// `last`: the poll's final commit (its state is the source's new one).
    fn commit(&mut self, st: &mut SourceState, f: Fetched, last: bool) {
        let docs: Vec<Analysed> = f
            .docs
            .into_iter()
            .map(|(mut doc, origin)| {
                let (hash, record) = (self.analyse)(&mut doc);
                Analysed { doc, origin, hash, record }
            })
            .collect();
        st.items += (f.seen.len() + f.committed) as u64;
        let c = Commit { state: st.clone(), docs, seen: f.seen, pending: f.pending, last };
        // The watcher is gone only when it failed; its error is reported there.
        let _ = self.link.send(Msg::Commit(Box::new(c)));
    }

    /// Which of `urls` the store has seen (asked of the watcher, which holds the store).
    fn seen(&self, urls: &[&str]) -> Result<HashSet<String>, String> {
        let (tx, rx) = mpsc::channel();
        let gone = || "the watcher stopped".to_string();
        self.link.send(Msg::Seen(urls.iter().map(|u| u.to_string()).collect(), tx)).map_err(|_| gone())?;
        rx.recv().map_err(|_| gone())?
    }
}
