//! `sitrep watch` as a process, against a scripted server on loopback: `--once` with an
//! alert on stdout, a graceful stop on SIGTERM, and `kill -9` in the middle of a poll
//! followed by a restart that stores every article exactly once.

#[path = "../../watch/tests/server/mod.rs"]
mod server;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use server::{Reply, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_sitrep");

fn page(title: &str, text: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
    )
}

fn rss(links: &[String]) -> String {
    let items: String = links
        .iter()
        .map(|l| {
            format!(
                "<item><title>Report {l}</title><link>{l}</link><pubDate>Mon, 04 Mar 2024 07:00:00 GMT</pubDate></item>"
            )
        })
        .collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>{items}</channel></rss>")
}

/// A feed of `n` items, each page a distinct short report, answered after `delay`.
fn numbered_feed(server: &TestServer, n: usize, delay: Duration) {
    let links: Vec<String> = (1..=n).map(|i| format!("/n/{i}")).collect();
    let body = rss(&links);
    server.route("/feed.xml", move |_| Reply::ok("application/rss+xml", body.clone()).with("ETag", "\"one\""));
    for i in 1..=n {
        let text = format!(
            "Police arrested {i} protesters in the capital on Monday after a march against rising prices, organisers said. Report number {i}."
        );
        server.route(&format!("/n/{i}"), move |_| Reply {
            delay,
            ..Reply::ok("text/html", page(&format!("Report {i}"), &text))
        });
    }
}

fn write_sources(dir: &Path, server: &TestServer, extra: &str) -> std::path::PathBuf {
    let p = dir.join("sources.toml");
    let text = format!(
        "[settings]\nhost_delay = \"0s\"\nfuse_every = \"0s\"\ntimeout = \"5s\"\n{extra}\n[[source]]\nurl = \"{}\"\nname = \"Wire\"\nlang = \"en\"\ninterval = \"10m\"\n",
        server.url("/feed.xml")
    );
    std::fs::write(&p, text).unwrap();
    p
}

/// `sitrep watch --once` with these flags, the sources file and database after them.
fn watch_once(flags: &[&str], sources: &Path, db: &Path) -> std::process::Output {
    Command::new(BIN)
        .args(["watch", "--once"])
        .args(flags)
        .arg("--sources")
        .arg(sources)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap()
}

fn documents(db: &Path) -> i64 {
    let Ok(c) = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) else { return 0 };
    c.query_row("SELECT count(*) FROM documents", [], |r| r.get(0)).unwrap_or(0)
}

fn wait_for(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn once_stores_fuses_and_alerts_on_stdout_then_fires_nothing_again() {
    let server = TestServer::start();
    let body = rss(&["/gao".to_string()]);
    server.route("/feed.xml", move |_| Reply::ok("application/rss+xml", body.clone()).with("ETag", "\"a\""));
    server.route("/gao", |_| {
        Reply::ok("text/html", page("Gao attack", "Gunmen killed 12 villagers in an attack on the town of Gao in northern Mali on Sunday, the Malian army said in a statement on Monday."))
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let sources =
        write_sources(dir.path(), &server, "[[alert]]\nname = \"deadly\"\nmin_fatalities = 5\nstdout = true\n");
    let run = || watch_once(&[], &sources, &db);
    let out = run();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("ALERT [deadly]") && stdout.contains("12 killed per Malian army"), "{stdout}");
    assert!(stderr.contains("stopped") && stderr.contains("stored=1"), "{stderr}");
    let again = run();
    assert!(again.status.success());
    assert!(!String::from_utf8_lossy(&again.stdout).contains("ALERT"), "fired once only");
    assert_eq!(server.requests("/feed.xml")[1].header("if-none-match"), Some("\"a\""));
    assert_eq!(server.hits("/gao"), 1);
    // How the source stands.
    let listed =
        Command::new(BIN).args(["watch", "--list", "--sources"]).arg(&sources).arg("--db").arg(&db).output().unwrap();
    let text = String::from_utf8_lossy(&listed.stdout);
    let row: Vec<&str> = text.lines().nth(1).unwrap().split('\t').collect();
    assert_eq!((row[0], row[2], row[3], row[5]), (server.url("/feed.xml").as_str(), "200", "0", "1"), "{text}");
}

#[test]
fn a_bad_sources_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.toml");
    std::fs::write(&p, "[[source]]\nurl = \"https://a.test/\"\nintervall = \"5m\"\n").unwrap();
    let out = Command::new(BIN)
        .args(["watch", "--sources"])
        .arg(&p)
        .arg("--db")
        .arg(dir.path().join("x.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("intervall"));
    assert!(!dir.path().join("x.db").exists(), "no database made for a bad file");
}

#[test]
fn sigterm_stops_after_the_current_request_with_everything_committed_and_fused() {
    let server = TestServer::start();
    numbered_feed(&server, 60, Duration::from_millis(100));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let sources = write_sources(dir.path(), &server, "robots = false");
    let mut child = Command::new(BIN)
        .args(["watch", "--log-format", "json", "--sources"])
        .arg(&sources)
        .arg("--db")
        .arg(&db)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("the first articles", Duration::from_secs(60), || documents(&db) >= 16);
    let asked = Instant::now();
    // The shell's own `kill` (a builtin: no procps needed).
    let term = format!("kill -TERM {}", child.id());
    assert!(Command::new("sh").args(["-c", &term]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert!(asked.elapsed() < Duration::from_secs(10), "stopped promptly");
    assert!(status.success(), "{status}");
    let log = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
    let last: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(last["event"], "stopped", "{log}");
    // Every page fetched before the stop is stored; the store is fused and consistent.
    let c = rusqlite::Connection::open(&db).unwrap();
    let seen: i64 = c.query_row("SELECT count(*) FROM watch_items", [], |r| r.get(0)).unwrap();
    let docs = documents(&db);
    assert_eq!(seen, docs);
    assert!(docs < 60, "stopped before the end ({docs})");
    let due: String = c.query_row("SELECT value FROM meta WHERE key = 'fusion_due'", [], |r| r.get(0)).unwrap();
    assert_eq!(due, "0", "fused before exiting");
    // The feed's validator was not kept (items were left), so the next run lists them.
    let etag: Option<String> = c.query_row("SELECT etag FROM watch_sources", [], |r| r.get(0)).unwrap();
    assert_eq!(etag, None);
}

#[test]
fn kill_9_in_the_middle_of_a_poll_then_a_restart_stores_every_article_once() {
    let server = TestServer::start();
    numbered_feed(&server, 40, Duration::from_millis(60));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let sources = write_sources(dir.path(), &server, "robots = false");
    let mut child =
        Command::new(BIN).args(["watch", "-q", "--sources"]).arg(&sources).arg("--db").arg(&db).spawn().unwrap();
    wait_for("a first batch", Duration::from_secs(60), || documents(&db) >= 16);
    child.kill().unwrap();
    child.wait().unwrap();
    let before = documents(&db);
    assert!(before < 40, "killed in the middle ({before})");
    let out = watch_once(&["-q"], &sources, &db);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(documents(&db), 40);
    let c = rusqlite::Connection::open(&db).unwrap();
    let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    // Pages committed before the kill were not fetched again; at most the batch in
    // flight (under 16 pages) was.
    let refetched: usize = (1..=40).map(|i| server.hits(&format!("/n/{i}")).saturating_sub(1)).sum();
    assert!(refetched < 16, "{refetched} pages fetched twice");
    assert!((1..=40).all(|i| server.hits(&format!("/n/{i}")) >= 1));
}

fn browser_ready() -> bool {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ready = Path::new("/usr/bin/chromium").exists()
        && repo.join("tests/browser/node_modules/playwright-core").exists()
        && Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ready {
        assert!(std::env::var_os("CI").is_none(), "CI must run the browser tests (.ci/run installs chromium and node)");
        use std::io::Write;
        let _ =
            writeln!(std::io::stderr().lock(), "SKIPPED: dashboard_shows_alerts_live (needs chromium, node, npm ci)");
    }
    ready
}

#[test]
fn the_dashboard_shows_alerts_and_refreshes_itself_while_watch_runs() {
    use std::io::BufRead;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    if !browser_ready() {
        return;
    }
    let server = TestServer::start();
    let version = Arc::new(AtomicUsize::new(1));
    let v = Arc::clone(&version);
    server.route("/feed.xml", move |_| {
        let mut links = vec!["/gao".to_string()];
        if v.load(Ordering::SeqCst) == 2 {
            links.extend(["/gao-2".to_string(), "/dakar".to_string()]);
        }
        Reply::ok("application/rss+xml", rss(&links))
    });
    server.route("/gao", |_| Reply::ok("text/html", page("Gao attack", "Gunmen killed 12 villagers in an attack on the town of Gao in northern Mali on Sunday, the Malian army said in a statement on Monday.")));
    server.route("/gao-2", |_| Reply::ok("text/html", page("Gao toll rises", "Gunmen killed 19 villagers in an attack on the town of Gao in northern Mali on Sunday, the Malian army said in a statement on Tuesday.")));
    server.route("/dakar", |_| Reply::ok("text/html", page("Dakar march", "Thousands of students marched through the centre of Dakar on Monday to demand lower tuition fees, organisers said.")));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let sources = write_sources(
        dir.path(),
        &server,
        "[[alert]]\nname = \"deadly\"\nmin_fatalities = 5\ncommand = \"cat > /dev/null\"\n",
    );
    let once = || {
        let out = watch_once(&["-q"], &sources, &db);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    once();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let mut serve =
        Command::new(BIN).args(["serve", "--addr", &addr, "--db"]).arg(&db).stderr(Stdio::null()).spawn().unwrap();
    wait_for("the server", Duration::from_secs(20), || std::net::TcpStream::connect(&addr).is_ok());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut node = Command::new("node")
        .arg(repo.join("tests/browser/alerts.test.mjs"))
        .arg(format!("http://{addr}/"))
        .env("EXPECT_ALERT_TEXT", "12 killed per Malian army")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(node.stdout.take().unwrap()).lines();
    let mut log = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        if line.starts_with("READY") {
            break;
        }
    }
    // While the page is open: a revised toll and a new article arrive.
    version.store(2, Ordering::SeqCst);
    once();
    for line in lines {
        log.push_str(&line.unwrap());
        log.push('\n');
    }
    let status = node.wait().unwrap();
    let err = std::io::read_to_string(node.stderr.take().unwrap()).unwrap_or_default();
    let _ = serve.kill();
    let _ = serve.wait();
    assert!(status.success() && log.contains("PASS"), "browser test failed:\n{log}{err}");
}
