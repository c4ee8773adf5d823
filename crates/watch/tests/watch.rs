//! `sitrep-watch` against a scripted HTTP server on loopback, on a simulated clock:
//! articles stored once, conditional GETs, back-off, robots.txt, bad answers, alerts
//! fired once per event and again on a revised toll, and a restart that goes on where
//! the last run stopped.

mod server;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use server::{Reply, TestServer};
use sitrep_core::Document;
use sitrep_store::Store;
use sitrep_watch::{Config, Report, SimClock, Watcher};

/// 2024-03-04T08:00:00Z.
const START: i64 = 1_709_539_200_000;

fn analyse(doc: &mut Document) -> (String, String) {
    let hash = sitrep_ingest::content_hash(&doc.text);
    let a = sitrep_extract::analyze(doc, &sitrep_extract::Config::default());
    (hash, sitrep_output::to_string(doc, &a))
}

#[derive(Default)]
struct Collect {
    logs: Mutex<Vec<(String, Value)>>,
    alerts: Mutex<Vec<Value>>,
}

impl Report for Collect {
    fn log(&self, what: &str, fields: Value) {
        self.logs.lock().unwrap().push((what.to_string(), fields));
    }
    fn alert(&self, payload: &Value) {
        self.alerts.lock().unwrap().push(payload.clone());
    }
}

impl Collect {
    fn logged(&self, what: &str) -> Vec<Value> {
        self.logs.lock().unwrap().iter().filter(|(w, _)| w == what).map(|(_, f)| f.clone()).collect()
    }
}

/// A watcher over the database at `db` with the test's analysis.
fn watcher<'a>(
    config: Config,
    db: &std::path::Path,
    clock: &'a dyn sitrep_watch::Clock,
    report: &'a Collect,
) -> Watcher<'a> {
    Watcher::new(config, Store::open(db).unwrap(), clock, report, &analyse, "test".into()).unwrap()
}

fn page(title: &str, text: &str) -> String {
    let paras: String = text.split("\n\n").map(|p| format!("<p>{p}</p>")).collect();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>{title}</title></head><body><nav>Home · World</nav>\
         <article><h1>{title}</h1>{paras}</article><footer>© News</footer></body></html>"
    )
}

/// An RSS feed of `(title, link, description)`, published on Monday 4 March 2024 (an
/// item whose title says "toll" on the Tuesday).
fn rss(items: &[(&str, &str, &str)]) -> String {
    let day = |t: &str| if t.contains("toll") { "Tue, 05 Mar 2024" } else { "Mon, 04 Mar 2024" };
    let items: String = items
        .iter()
        .map(|(t, l, d)| format!("<item><title>{t}</title><link>{l}</link><description>{d}</description><pubDate>{} 07:00:00 GMT</pubDate></item>", day(t)))
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test wire</title><language>en</language>{items}</channel></rss>"
    )
}

const GAO_12: &str = "Gunmen killed 12 villagers in an attack on the town of Gao in northern Mali on Sunday, the Malian army said in a statement on Monday.\n\nThe attackers arrived on motorbikes and set fire to houses, residents said.";
const GAO_19: &str = "Gunmen killed 19 villagers in an attack on the town of Gao in northern Mali on Sunday, the Malian army said in a statement on Tuesday.\n\nThe attackers arrived on motorbikes, residents said.";
const PROTEST: &str = "Thousands of students marched through the centre of Dakar on Monday to demand lower tuition fees, organisers said.\n\nThe march ended peacefully.";
const TEARGAS: &str = "Police fired tear gas at hundreds of opposition supporters in Harare on Monday, witnesses said.\n\nSeveral people were arrested.";
const STRIKE: &str = "Dockworkers in the port of Mombasa went on strike on Monday over unpaid wages, their union said.\n\nShips queued outside the harbour.";

fn sources(server: &TestServer, extra: &str) -> Config {
    let text = format!(
        "[settings]\nhost_delay = \"0s\"\nfuse_every = \"0s\"\ntimeout = \"2s\"\nmax_body = \"1MiB\"\n{extra}\n[[source]]\nurl = \"{}\"\nname = \"Test wire\"\ninterval = \"10m\"\nscale = \"national\"\n",
        server.url("/feed.xml")
    );
    Config::parse(&text).unwrap()
}

fn serve_pages(server: &TestServer, pages: &[(&'static str, &'static str, &'static str)]) {
    for &(path, title, text) in pages {
        server.route(path, move |_| Reply::ok("text/html; charset=utf-8", page(title, text)));
    }
}

#[test]
fn new_articles_are_stored_once_and_unchanged_feeds_cost_one_request() {
    let server = TestServer::start();
    let version = Arc::new(AtomicUsize::new(1));
    let v = Arc::clone(&version);
    let base = server.url("");
    server.route("/feed.xml", move |req| {
        let n = v.load(Ordering::SeqCst);
        let etag = format!("\"v{n}\"");
        if req.header("if-none-match") == Some(etag.as_str()) {
            return Reply::status(304).with("ETag", &etag);
        }
        let mut items = vec![
            ("Gao attack", format!("{base}/a"), "Gunmen attacked Gao."),
            ("Dakar march", "/b".into(), "Students marched."),
        ];
        if n >= 2 {
            items.push(("Mombasa strike", "/c".into(), "Dockworkers struck."));
            // The same article under a second URL: fetched, recognised, not stored twice.
            items.push(("Dakar march (copy)", "/b-copy".into(), "Students marched."));
        }
        let items: Vec<(&str, &str, &str)> = items.iter().map(|(t, l, d)| (*t, l.as_str(), *d)).collect();
        Reply::ok("application/rss+xml", rss(&items)).with("ETag", &etag)
    });
    serve_pages(
        &server,
        &[
            ("/a", "Gao attack", GAO_12),
            ("/b", "Dakar march", PROTEST),
            ("/c", "Mombasa strike", STRIKE),
            ("/b-copy", "Dakar march", PROTEST),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let clock = SimClock::new(START);
    let report = Collect::default();
    let stop = AtomicBool::new(false);
    let mut w = watcher(sources(&server, ""), &db, &clock, &report);
    assert_eq!(w.round(&stop).unwrap(), 1);
    assert_eq!((w.stats.stored, w.stats.duplicates), (2, 0));
    assert_eq!((server.hits("/a"), server.hits("/b")), (1, 1));
    // Not due yet: nothing is asked.
    clock.advance(60_000);
    assert_eq!(w.round(&stop).unwrap(), 0);
    assert_eq!(server.hits("/feed.xml"), 1);
    // Due, unchanged: a conditional GET answered 304, no page fetched.
    clock.advance(10 * 60_000);
    w.round(&stop).unwrap();
    let feed = server.requests("/feed.xml");
    assert_eq!(feed.len(), 2);
    assert_eq!(feed[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(w.stats.unchanged, 1);
    assert_eq!(server.all().len(), 5, "robots.txt, feed twice, two pages");
    // A new version: only the new items are fetched.
    version.store(2, Ordering::SeqCst);
    clock.advance(10 * 60_000);
    w.round(&stop).unwrap();
    assert_eq!((server.hits("/a"), server.hits("/b"), server.hits("/c"), server.hits("/b-copy")), (1, 1, 1, 1));
    assert_eq!((w.stats.stored, w.stats.duplicates), (3, 1));
    assert_eq!(w.store().counts().unwrap().documents, 3);
    // Every request said who we are.
    assert!(server.all().iter().all(|r| r.header("user-agent").is_some_and(|u| u.starts_with("sitrep-watch/"))));
    // The stored article has the page's text, the feed's date and the source's name.
    let docs = w.store().documents(10, 0).unwrap();
    let gao = docs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["url"].as_str().is_some_and(|u| u.ends_with("/a")))
        .unwrap()
        .clone();
    assert_eq!(gao["published"], "2024-03-04");
    assert_eq!(gao["source"], "Test wire");
}

#[test]
fn a_server_without_validators_is_recognised_by_its_body() {
    let server = TestServer::start();
    server.route("/feed.xml", |_| Reply::ok("application/rss+xml", rss(&[("Dakar march", "/b", "Students marched.")])));
    serve_pages(&server, &[("/b", "Dakar march", PROTEST)]);
    let dir = tempfile::tempdir().unwrap();
    let clock = SimClock::new(START);
    let report = Collect::default();
    let stop = AtomicBool::new(false);
    let mut w = watcher(sources(&server, ""), &dir.path().join("w.db"), &clock, &report);
    for _ in 0..3 {
        w.round(&stop).unwrap();
        clock.advance(11 * 60_000);
    }
    assert_eq!(server.hits("/feed.xml"), 3);
    assert_eq!(server.hits("/b"), 1);
    assert_eq!(w.stats.unchanged, 2);
}

/// The simulated times at which `path` was asked, recorded by its handler.
fn timed_route(
    server: &TestServer,
    clock: &Arc<SimClock>,
    path: &str,
    reply: impl Fn(usize) -> Reply + Send + Sync + 'static,
) -> Arc<Mutex<Vec<i64>>> {
    let times: Arc<Mutex<Vec<i64>>> = Arc::default();
    let (t, c) = (Arc::clone(&times), Arc::clone(clock));
    server.route(path, move |req| {
        t.lock().unwrap().push(sitrep_watch::Clock::now(&*c));
        reply(req.n)
    });
    times
}

fn gaps(times: &[i64]) -> Vec<i64> {
    times.windows(2).map(|w| (w[1] - w[0]) / 1000).collect()
}

#[test]
fn failures_back_off_and_retry_after_is_honoured() {
    let server = TestServer::start();
    let clock = Arc::new(SimClock::new(START));
    // 500 three times, then fine: the gaps double from the 10-minute interval.
    let feed = timed_route(&server, &clock, "/feed.xml", |n| {
        if n <= 3 {
            Reply::status(500)
        } else {
            Reply::ok("application/rss+xml", rss(&[("Dakar march", "/b", "Students marched.")]))
        }
    });
    serve_pages(&server, &[("/b", "Dakar march", PROTEST)]);
    // A second source, on another host (a second server: hosts are told apart by
    // scheme, name and port), answers 429 with Retry-After: 7200 (two hours) once.
    let other = TestServer::start();
    let busy = timed_route(&other, &clock, "/busy.xml", |n| {
        if n == 1 { Reply::status(429).with("Retry-After", "7200") } else { Reply::status(304) }
    });
    let text = format!(
        "[settings]\nhost_delay = \"0s\"\nfuse_every = \"0s\"\nrobots = false\n[[source]]\nurl = \"{}\"\ninterval = \"10m\"\n[[source]]\nurl = \"{}\"\ninterval = \"10m\"\n",
        server.url("/feed.xml"),
        other.url("/busy.xml")
    );
    let dir = tempfile::tempdir().unwrap();
    let report = Collect::default();
    let stop = AtomicBool::new(false);
    let mut w = watcher(Config::parse(&text).unwrap(), &dir.path().join("w.db"), &*clock, &report);
    w.run(&stop, Some(START + 5 * 3_600_000)).unwrap();
    let f = feed.lock().unwrap().clone();
    assert_eq!(gaps(&f)[..4], [1200, 2400, 4800, 600], "{f:?}");
    let b = busy.lock().unwrap().clone();
    assert!(gaps(&b)[0] >= 7200, "Retry-After honoured: {:?}", gaps(&b));
    assert!(gaps(&b)[1..].iter().all(|g| *g == 600), "back to the interval: {:?}", gaps(&b));
    assert_eq!(w.stats.stored, 1);
    let st = w.store().watch_source(&server.url("/feed.xml")).unwrap().unwrap();
    assert_eq!((st.failures, st.last_status), (0, Some(200)));
    assert_eq!(report.logged("poll-failed").len(), 4);
}

#[test]
fn bad_answers_are_logged_and_polling_goes_on() {
    let server = TestServer::start();
    server.route("/good.xml", |_| Reply::ok("application/rss+xml", rss(&[("Dakar march", "/b", "Students marched.")])));
    server.route("/moved.xml", |_| Reply::status(301).with("Location", "/good2.xml"));
    server.route("/loop.xml", |_| Reply::status(301).with("Location", "/loop.xml"));
    server.route("/good2.xml", |_| {
        Reply::ok("application/rss+xml", rss(&[("Mombasa strike", "/c", "Dockworkers struck.")]))
    });
    server.route("/broken.xml", |_| {
        Reply::ok("application/rss+xml", "<?xml version=\"1.0\"?><rss><channel><item><title>Cut off")
    });
    server.route("/slow.xml", |_| Reply {
        delay: std::time::Duration::from_secs(4),
        ..Reply::ok("application/rss+xml", rss(&[]))
    });
    server.route("/huge.xml", |_| Reply::ok("application/rss+xml", vec![b' '; 2 << 20]));
    // A page that fails: the feed's own text is stored instead.
    server.route("/gone", |_| Reply::status(500));
    server.route("/with-gone.xml", |_| Reply::ok("application/rss+xml", rss(&[("Gao attack", "/gone", "Gunmen killed 12 villagers in an attack on the town of Gao in northern Mali on Sunday, the Malian army said.")])));
    serve_pages(&server, &[("/b", "Dakar march", PROTEST), ("/c", "Mombasa strike", STRIKE)]);
    let mut text = "[settings]\nhost_delay = \"0s\"\ntimeout = \"1s\"\nmax_body = \"1MiB\"\n".to_string();
    for p in [
        "/broken.xml",
        "/slow.xml",
        "/huge.xml",
        "/missing.xml",
        "/loop.xml",
        "/moved.xml",
        "/with-gone.xml",
        "/good.xml",
    ] {
        text.push_str(&format!("[[source]]\nurl = \"{}\"\n", server.url(p)));
    }
    let dir = tempfile::tempdir().unwrap();
    let clock = SimClock::new(START);
    let report = Collect::default();
    let stop = AtomicBool::new(false);
    let mut w = watcher(Config::parse(&text).unwrap(), &dir.path().join("w.db"), &clock, &report);
    assert_eq!(w.round(&stop).unwrap(), 8);
    assert_eq!(w.stats.stored, 3, "the good feed, the redirected one, and the feed text of the failed page");
    let failed: Vec<String> =
        report.logged("poll-failed").iter().map(|f| f["source"].as_str().unwrap().to_string()).collect();
    for p in ["/broken.xml", "/slow.xml", "/huge.xml", "/missing.xml", "/loop.xml"] {
        assert!(failed.contains(&server.url(p)), "{p} failed: {failed:?}");
    }
    let err = |p: &str| w.store().watch_source(&server.url(p)).unwrap().unwrap().last_error.unwrap_or_default();
    assert!(err("/huge.xml").contains("cap"), "{}", err("/huge.xml"));
    assert!(err("/missing.xml").contains("404"));
    assert!(err("/broken.xml").starts_with("unreadable"));
    assert_eq!(report.logged("page-failed").len(), 1);
    let seen = w.store().seen_items(&[&server.url("/gone")]).unwrap();
    assert_eq!(seen.len(), 1);
}

#[test]
fn robots_txt_is_obeyed() {
    let server = TestServer::start();
    server.route("/robots.txt", |_| {
        Reply::ok(
            "text/plain",
            "User-agent: *\nDisallow: /private/\n\nUser-agent: sitrep-watch\nDisallow: /private/\nDisallow: /drafts/\nCrawl-delay: 4\n",
        )
    });
    server.route("/feed.xml", |_| {
        Reply::ok(
            "application/rss+xml",
            rss(&[
                ("Dakar march", "/b", "Students marched."),
                ("Secret", "/drafts/x", "Hidden."),
                ("Mombasa strike", "/c", "Dockworkers struck."),
            ]),
        )
    });
    serve_pages(&server, &[("/drafts/x", "Secret", PROTEST)]);
    let clock = Arc::new(SimClock::new(START));
    let b = timed_route(&server, &clock, "/b", |_| Reply::ok("text/html", page("Dakar march", PROTEST)));
    let c = timed_route(&server, &clock, "/c", |_| Reply::ok("text/html", page("Mombasa strike", STRIKE)));
    let dir = tempfile::tempdir().unwrap();
    let report = Collect::default();
    let stop = AtomicBool::new(false);
    let mut w = watcher(sources(&server, ""), &dir.path().join("w.db"), &*clock, &report);
    w.round(&stop).unwrap();
    clock.advance(11 * 60_000);
    w.round(&stop).unwrap();
    assert_eq!(server.hits("/drafts/x"), 0);
    assert_eq!(server.hits("/robots.txt"), 1, "cached for the day");
    assert_eq!(w.stats.stored, 2);
    // The site's Crawl-delay (4 s) beats the settings' host_delay (0 s).
    let (tb, tc) = (b.lock().unwrap()[0], c.lock().unwrap()[0]);
    assert!(tc - tb >= 4000, "{tb} {tc}");
}

fn alert_rules(server: &TestServer) -> String {
    format!(
        "[[alert]]\nname = \"deadly\"\nmin_fatalities = 5\nwebhook = \"{}\"\nstdout = true\n[[alert]]\nname = \"senegal\"\ncountry = \"SEN\"\ntype = \"PROTEST\"\nstdout = true\n[[alert]]\nname = \"sure\"\nmin_fatalities = 5\nmin_confidence = 0.99\nstdout = true\n",
        server.url("/hook")
    )
}

#[test]
fn alerts_fire_once_per_event_and_again_on_a_revised_toll() {
    let server = TestServer::start();
    let version = Arc::new(AtomicUsize::new(1));
    let v = Arc::clone(&version);
    server.route("/feed.xml", move |_| {
        let mut items =
            vec![("Gao attack", "/a", "Gunmen attacked Gao."), ("Mombasa strike", "/c", "Dockworkers struck.")];
        if v.load(Ordering::SeqCst) >= 2 {
            items.push(("Gao toll rises", "/a2", "The toll rose."));
        }
        Reply::ok("application/rss+xml", rss(&items))
    });
    serve_pages(
        &server,
        &[("/a", "Gao attack", GAO_12), ("/a2", "Gao toll rises", GAO_19), ("/c", "Mombasa strike", STRIKE)],
    );
    let hooks: Arc<Mutex<Vec<Value>>> = Arc::default();
    let h = Arc::clone(&hooks);
    server.route("/hook", move |req| {
        h.lock().unwrap().push(serde_json::from_slice(&req.body).unwrap());
        Reply::status(204)
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let clock = SimClock::new(START);
    let report = Collect::default();
    let stop = AtomicBool::new(false);
    let config = sources(&server, &alert_rules(&server));
    let mut w = watcher(config.clone(), &db, &clock, &report);
    w.round(&stop).unwrap();
    {
        let got = hooks.lock().unwrap();
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0]["rule"], "deadly");
        assert_eq!(got[0]["kind"], "new");
        assert_eq!(got[0]["event"]["fatalities"]["best"], 12);
        assert!(got[0]["message"].as_str().unwrap().contains("12 killed per Malian army"), "{}", got[0]["message"]);
        assert!(got[0]["documents"][0]["url"].as_str().unwrap().ends_with("/a"));
        assert_eq!(got[0]["documents"][0]["scale"], "national");
    }
    // Nothing new: nothing fires.
    clock.advance(11 * 60_000);
    w.round(&stop).unwrap();
    assert_eq!(hooks.lock().unwrap().len(), 1);
    // A restart fires nothing again either.
    drop(w);
    let mut w = watcher(config.clone(), &db, &clock, &report);
    clock.advance(11 * 60_000);
    w.round(&stop).unwrap();
    assert_eq!(hooks.lock().unwrap().len(), 1);
    // A second report revises the toll: the same event fires again, saying so.
    version.store(2, Ordering::SeqCst);
    clock.advance(11 * 60_000);
    w.round(&stop).unwrap();
    let got = hooks.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[1]["kind"], "revised");
    assert_eq!(got[1]["event_id"], got[0]["event_id"]);
    assert_eq!(got[1]["message"], "toll revised 12 → 19 per Malian army");
    // The army's later figure is the event's best one now; its first stays the low.
    assert_eq!(got[1]["event"]["fatalities"], serde_json::json!({"low": 12, "best": 19, "high": 19}));
    // The stdout sink too; the rule asking for a confidence of 0.99 never fired (the
    // reports' events have 0.7).
    assert_eq!(report.alerts.lock().unwrap().len(), 2);
    let listed = w.store().alerts(10).unwrap();
    assert_eq!(listed["total"], 2);
    assert_eq!(listed["rules"].as_array().unwrap().len(), 3);
    assert!(listed["alerts"].as_array().unwrap().iter().all(|a| a["delivered"].is_i64()));
}

#[test]
fn an_alert_whose_webhook_fails_is_sent_again_later() {
    let server = TestServer::start();
    server
        .route("/feed.xml", |_| Reply::ok("application/rss+xml", rss(&[("Gao attack", "/a", "Gunmen attacked Gao.")])));
    serve_pages(&server, &[("/a", "Gao attack", GAO_12)]);
    server.route("/hook", |req| if req.n == 1 { Reply::status(503) } else { Reply::status(200) });
    // A receiver that never takes one: ten attempts, then the alert stays unsent.
    server.route("/dead", |_| Reply::status(500));
    let dir = tempfile::tempdir().unwrap();
    let clock = SimClock::new(START);
    let report = Collect::default();
    let stop = AtomicBool::new(false);
    let rule = format!(
        "[[alert]]\nname = \"deadly\"\nmin_fatalities = 5\nwebhook = \"{}\"\n[[alert]]\nname = \"dead\"\nmin_fatalities = 5\nwebhook = \"{}\"\n",
        server.url("/hook"),
        server.url("/dead")
    );
    let mut w = watcher(sources(&server, &rule), &dir.path().join("w.db"), &clock, &report);
    w.round(&stop).unwrap();
    assert_eq!(w.store().undelivered_alerts().unwrap().len(), 2);
    assert_eq!(report.logged("alert-failed").len(), 2);
    clock.advance(60_000);
    w.round(&stop).unwrap();
    assert_eq!(server.hits("/hook"), 2);
    assert_eq!(w.store().undelivered_alerts().unwrap().len(), 1);
    assert_eq!(w.stats.alerts, 2, "two alerts, one sent twice");
    for _ in 0..15 {
        clock.advance(60_000);
        w.round(&stop).unwrap();
    }
    assert_eq!(server.hits("/dead"), sitrep_store::ALERT_ATTEMPTS as usize);
    assert!(w.store().undelivered_alerts().unwrap().is_empty());
    let listed = w.store().alerts(10).unwrap();
    let dead = listed["alerts"].as_array().unwrap().iter().find(|a| a["rule"] == "dead").unwrap().clone();
    assert_eq!((dead["delivered"].is_null(), dead["attempts"].as_i64()), (true, Some(10)));
    assert!(dead["delivery_error"].as_str().unwrap().contains("500"));
}

#[test]
fn a_sitemap_index_is_followed_and_one_host_gets_one_request_per_delay() {
    let server = TestServer::start();
    let clock = Arc::new(SimClock::new(START));
    let base = server.url("");
    server.route("/sitemap.xml", move |_| {
        Reply::ok(
            "application/xml",
            format!(
                "<?xml version=\"1.0\"?><sitemapindex><sitemap><loc>{base}/news-1.xml</loc></sitemap></sitemapindex>"
            ),
        )
    });
    server.route("/news-1.xml", |_| {
        Reply::ok("application/xml", "<urlset><url><loc>/b</loc></url><url><loc>/c</loc></url></urlset>")
    });
    let b = timed_route(&server, &clock, "/b", |_| Reply::ok("text/html", page("Dakar march", PROTEST)));
    let c = timed_route(&server, &clock, "/c", |_| Reply::ok("text/html", page("Mombasa strike", STRIKE)));
    // A single page followed as a source of its own: stored once (the store keeps the
    // first version of a URL).
    let live = timed_route(&server, &clock, "/live", |n| {
        Reply::ok("text/html", page("Live", if n == 1 { TEARGAS } else { GAO_12 }))
    });
    // A listing page: its article links are the items.
    server.route("/world/", |_| Reply::ok("text/html", "<html><body><a href=\"/world/\">World</a><a href=\"/world/2024/03/harare-tear-gas\">Harare</a></body></html>"));
    serve_pages(&server, &[("/world/2024/03/harare-tear-gas", "Harare", TEARGAS)]);
    let text = format!(
        "[settings]\nhost_delay = \"3s\"\nfuse_every = \"0s\"\nrobots = false\n[[source]]\nurl = \"{}\"\n[[source]]\nurl = \"{}\"\nkind = \"page\"\ninterval = \"1h\"\n[[source]]\nurl = \"{}\"\nkind = \"links\"\ninterval = \"1h\"\n",
        server.url("/sitemap.xml"),
        server.url("/live"),
        server.url("/world/")
    );
    let dir = tempfile::tempdir().unwrap();
    let report = Collect::default();
    let stop = AtomicBool::new(false);
    let mut w = watcher(Config::parse(&text).unwrap(), &dir.path().join("w.db"), &*clock, &report);
    w.round(&stop).unwrap();
    let (tb, tc) = (b.lock().unwrap()[0], c.lock().unwrap()[0]);
    assert!(tc - tb >= 3000, "one request per 3 s to the host: {tb} {tc}");
    // Two from the sitemap, the page, and the listed article (the same text as the page:
    // recognised as a copy).
    assert_eq!((w.stats.stored, w.stats.duplicates), (3, 1));
    assert_eq!(server.hits("/world/2024/03/harare-tear-gas"), 1);
    clock.advance(3_600_000);
    w.round(&stop).unwrap();
    assert_eq!(live.lock().unwrap().len(), 2);
    // The page's second text is not a second article; the sitemap's pages are not
    // fetched again.
    assert_eq!((w.stats.stored, w.stats.duplicates), (3, 2));
    assert_eq!((b.lock().unwrap().len(), c.lock().unwrap().len()), (1, 1));
}

#[test]
fn a_new_rule_alerts_on_what_changes_from_now_on_unless_it_asks_for_a_backfill() {
    let server = TestServer::start();
    let version = Arc::new(AtomicUsize::new(1));
    let v = Arc::clone(&version);
    server.route("/feed.xml", move |_| {
        let mut items = vec![("Gao attack", "/a", "Gunmen attacked Gao.")];
        if v.load(Ordering::SeqCst) >= 2 {
            items.push(("Gao toll rises", "/a2", "The toll rose."));
        }
        Reply::ok("application/rss+xml", rss(&items))
    });
    serve_pages(&server, &[("/a", "Gao attack", GAO_12), ("/a2", "Gao toll rises", GAO_19)]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let clock = SimClock::new(START);
    let report = Collect::default();
    let stop = AtomicBool::new(false);
    // A first watcher without rules stores the attack.
    let mut w = watcher(sources(&server, ""), &db, &clock, &report);
    w.round(&stop).unwrap();
    drop(w);
    // Two rules arrive: one takes the event as known, one asks for a backfill.
    let rules = "[[alert]]\nname = \"quiet\"\nmin_fatalities = 5\nstdout = true\n[[alert]]\nname = \"backfill\"\nmin_fatalities = 5\nstdout = true\nbackfill = true\n";
    let mut w = watcher(sources(&server, rules), &db, &clock, &report);
    clock.advance(11 * 60_000);
    w.round(&stop).unwrap();
    let kinds = |report: &Collect| -> Vec<(String, String)> {
        let alerts = report.alerts.lock().unwrap();
        alerts
            .iter()
            .map(|a| (a["rule"].as_str().unwrap().to_string(), a["kind"].as_str().unwrap().to_string()))
            .collect()
    };
    assert_eq!(kinds(&report), [("backfill".to_string(), "new".to_string())]);
    // The toll is revised: both rules see it.
    version.store(2, Ordering::SeqCst);
    clock.advance(11 * 60_000);
    w.round(&stop).unwrap();
    let fired = kinds(&report);
    let want = [("backfill", "new"), ("quiet", "revised"), ("backfill", "revised")]
        .map(|(a, b)| (a.to_string(), b.to_string()));
    assert_eq!(fired, want, "{fired:?}");
    assert_eq!(w.store().alerts(10).unwrap()["total"], 3, "baselines are not listed");
}

#[test]
fn hosts_are_polled_in_parallel_so_a_slow_one_does_not_hold_up_the_others() {
    let server = TestServer::start();
    let slow = |body: String| {
        move |_: &server::Request| Reply {
            delay: std::time::Duration::from_millis(1500),
            ..Reply::ok("application/rss+xml", body.clone())
        }
    };
    server.route("/one.xml", slow(rss(&[("Dakar march", "/b", "Students marched.")])));
    // A second host: another server (another port).
    let other = TestServer::start();
    other.route("/two.xml", slow(rss(&[("Mombasa strike", "/c", "Dockworkers struck.")])));
    serve_pages(&server, &[("/b", "Dakar march", PROTEST)]);
    serve_pages(&other, &[("/c", "Mombasa strike", STRIKE)]);
    let text = format!(
        "[settings]\nhost_delay = \"0s\"\nfuse_every = \"0s\"\nrobots = false\ntimeout = \"5s\"\n[[source]]\nurl = \"{}\"\n[[source]]\nurl = \"{}\"\n",
        server.url("/one.xml"),
        other.url("/two.xml")
    );
    let dir = tempfile::tempdir().unwrap();
    let clock = SimClock::new(START);
    let report = Collect::default();
    let stop = AtomicBool::new(false);
    let mut w = watcher(Config::parse(&text).unwrap(), &dir.path().join("w.db"), &clock, &report);
    let t = std::time::Instant::now();
    assert_eq!(w.round(&stop).unwrap(), 2);
    let took = t.elapsed();
    assert_eq!(w.stats.stored, 2);
    assert!(took < std::time::Duration::from_millis(2700), "two 1.5 s answers took {took:?}: not in parallel");
    // With one worker they are polled one after the other.
    let one = text.replace("[settings]\n", "[settings]\nworkers = 1\n");
    let dir2 = tempfile::tempdir().unwrap();
    let mut w = watcher(Config::parse(&one).unwrap(), &dir2.path().join("w.db"), &clock, &report);
    let t = std::time::Instant::now();
    w.round(&stop).unwrap();
    assert!(t.elapsed() >= std::time::Duration::from_millis(3000));
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = libflate::gzip::Encoder::new(Vec::new()).unwrap();
    e.write_all(bytes).unwrap();
    e.finish().into_result().unwrap()
}

#[test]
fn gzip_answers_are_read_and_a_gzip_bomb_meets_the_body_cap() {
    let server = TestServer::start();
    let feed = gzip(rss(&[("Dakar march", "/b", "Students marched.")]).as_bytes());
    server.route("/feed.xml", move |req| {
        assert!(req.header("accept-encoding").is_some_and(|a| a.contains("gzip")));
        Reply::ok("application/rss+xml", feed.clone()).with("Content-Encoding", "gzip")
    });
    serve_pages(&server, &[("/b", "Dakar march", PROTEST)]);
    // 64 MiB of spaces in about 64 KiB: the cap (1 MiB) applies to what it inflates to.
    let bomb = gzip(&vec![b' '; 64 << 20]);
    assert!(bomb.len() < 1 << 20);
    let other = TestServer::start();
    other.route("/bomb.xml", move |_| Reply::ok("application/rss+xml", bomb.clone()).with("Content-Encoding", "gzip"));
    let extra = format!("[[source]]\nurl = \"{}\"\n", other.url("/bomb.xml"));
    let dir = tempfile::tempdir().unwrap();
    let clock = SimClock::new(START);
    let report = Collect::default();
    let stop = AtomicBool::new(false);
    let mut config = sources(&server, "");
    config.sources.extend(Config::parse(&extra).unwrap().sources);
    let mut w = watcher(config, &dir.path().join("w.db"), &clock, &report);
    w.round(&stop).unwrap();
    assert_eq!(w.stats.stored, 1, "the gzip feed was read");
    let st = w.store().watch_source(&other.url("/bomb.xml")).unwrap().unwrap();
    assert!(st.last_error.as_deref().unwrap_or("").contains("cap"), "{:?}", st.last_error);
}
