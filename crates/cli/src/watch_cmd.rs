//! `sitrep watch`: follow the sources of a sources file, store what is new, fire alerts.
//! The polling itself is `sitrep-watch`; this module reads the file, opens the store,
//! handles SIGTERM/SIGINT (finish the current request, commit, fuse, exit 0; a second
//! Ctrl-C exits at once) and prints the log as text or JSON lines.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use serde_json::{Value, json};
use sitrep_core::Document;
use sitrep_store::Store;
use sitrep_watch::{Clock, Config, Report, Stats, SystemClock, Watcher};

use crate::store_cmds::{analyse, parse_confidence};

pub const WATCH_HELP: &str = "Example:\n  sitrep watch --sources sources.toml --db sitrep.db\n\nsources.toml:\n  [settings]\n  host_delay = \"1s\"          # one request per host per second at most\n  [[source]]\n  url = \"https://example.org/world/rss.xml\"\n  name = \"Example News\"\n  lang = \"fr\"                # a hint for pages that do not say\n  interval = \"10m\"\n  [[alert]]\n  name = \"sahel\"\n  country = \"MLI\"\n  min_fatalities = 5\n  webhook = \"https://hooks.example.org/sitrep\"\n\nAlerts fire once per fused event, and again when its toll or claims change.\nState (validators, items seen, alerts sent) is in the database: a restart goes on\nwhere it stopped. SIGTERM or Ctrl-C stops after the current request, with\neverything fetched stored and fused.\n\nExit codes:\n  0  stopped by a signal, or --once done\n  1  the database could not be opened or kept failing\n  2  usage error, or a bad sources file";

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(clap::Args)]
pub struct WatchArgs {
    /// The sources file (TOML: [settings], [[source]], [[alert]]).
    #[arg(long, value_name = "FILE")]
    sources: PathBuf,
    /// The database (created when missing).
    #[arg(long, default_value = "sitrep.db")]
    db: PathBuf,
    /// Poll every source once, fuse, send alerts, and exit (for cron).
    #[arg(long)]
    once: bool,
    /// `json`: one JSON object per log record on stderr (for a service's journal).
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Keep only events of at least this confidence (0 to 1; default 0 keeps all).
    #[arg(long, value_name = "X", default_value_t = 0.0, value_parser = parse_confidence)]
    min_confidence: f32,
    /// No status line and no informational log records (problems are still logged).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Print how each source of the file stands (last poll, status, failures, next poll,
    /// items, last error) from the database, and exit.
    #[arg(long)]
    list: bool,
}

struct Printer {
    format: LogFormat,
    quiet: bool,
    /// A live status line on a terminal (text format).
    live: bool,
}

/// Records worth a line even with `--quiet`.
const PROBLEMS: &[&str] = &["poll-failed", "page-failed", "store-error", "alert-failed", "sitemap-failed"];

impl Printer {
    fn line(&self, s: &str) {
        let mut e = std::io::stderr().lock();
        if self.live {
            let _ = write!(e, "\r\x1b[2K");
        }
        let _ = writeln!(e, "{s}");
    }
}

fn now_iso() -> String {
    sitrep_watch::iso_of(SystemClock.now())
}

impl Report for Printer {
    fn log(&self, what: &str, fields: Value) {
        if self.quiet && !PROBLEMS.contains(&what) {
            return;
        }
        match self.format {
            LogFormat::Json => {
                let mut o = json!({"ts": now_iso(), "event": what});
                if let (Some(o), Value::Object(f)) = (o.as_object_mut(), fields) {
                    o.extend(f);
                }
                self.line(&o.to_string());
            }
            LogFormat::Text => {
                let parts: Vec<String> = fields
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| match v {
                        Value::String(s) => format!("{k}={s}"),
                        v => format!("{k}={v}"),
                    })
                    .collect();
                self.line(&format!("{} {what} {}", now_iso(), parts.join(" ")));
            }
        }
    }

    fn alert(&self, payload: &Value) {
        let mut out = std::io::stdout().lock();
        let _ = match self.format {
            LogFormat::Json => writeln!(out, "{payload}"),
            LogFormat::Text => writeln!(
                out,
                "ALERT [{}] {}: {} ({})",
                payload["rule"].as_str().unwrap_or(""),
                payload["event_id"].as_str().unwrap_or(""),
                payload["message"].as_str().unwrap_or(""),
                payload["event"]["headline"].as_str().unwrap_or("").chars().take(160).collect::<String>()
            ),
        };
        let _ = out.flush();
    }

    fn status(&self, s: &Stats, next_due: i64) {
        if !self.live || self.quiet {
            return;
        }
        let wait = ((next_due - SystemClock.now()) / 1000).max(0);
        let mut e = std::io::stderr().lock();
        let _ = write!(
            e,
            "\r\x1b[2Kpolls {} (unchanged {}, failed {}) · new items {} · stored {} · alerts {} · next poll in {wait} s",
            s.polls, s.unchanged, s.failed_polls, s.items, s.stored, s.alerts
        );
        let _ = e.flush();
    }
}

/// Runs `sitrep watch`.
pub fn watch(args: WatchArgs) -> Result<bool> {
    let text = std::fs::read_to_string(&args.sources)
        .with_context(|| format!("cannot read the sources file {}", args.sources.display()))?;
    let config = match Config::parse(&text) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sitrep: {}: {e}", args.sources.display());
            std::process::exit(2);
        }
    };
    if config.sources.is_empty() {
        eprintln!("sitrep: {}: no [[source]] to follow", args.sources.display());
        std::process::exit(2);
    }
    if args.list {
        return list(&config, &args.db);
    }
    let store = Store::open(&args.db).with_context(|| format!("cannot open the database {}", args.db.display()))?;
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        // A second signal while stopping exits at once (status 1).
        signal_hook::flag::register_conditional_shutdown(sig, 1, Arc::clone(&stop)).context("cannot handle signals")?;
        signal_hook::flag::register(sig, Arc::clone(&stop)).context("cannot handle signals")?;
    }
    let extract = sitrep_extract::Config { lang: None, min_confidence: args.min_confidence, ..Default::default() };
    let analysed_by = extract.identity();
    let analyse_fn = move |d: &mut Document| analyse(d, &extract);
    let printer = Printer {
        format: args.log_format,
        quiet: args.quiet,
        live: args.log_format == LogFormat::Text && std::io::stderr().is_terminal(),
    };
    let n = config.sources.len();
    let rules = config.alerts.len();
    let mut w = Watcher::new(config, store, &SystemClock, &printer, &analyse_fn, analysed_by)?;
    printer.log("started", json!({"sources": n, "alerts": rules, "db": args.db.display().to_string()}));
    if args.once {
        w.once(&stop)?;
    } else {
        w.run(&stop, None)?;
    }
    let s = &w.stats;
    printer.log(
        "stopped",
        json!({"polls": s.polls, "unchanged": s.unchanged, "failed_polls": s.failed_polls, "items": s.items,
               "stored": s.stored, "duplicates": s.duplicates, "alerts": s.alerts}),
    );
    Ok(true)
}

/// `sitrep watch --list`: one line per source of the file, tab-separated.
fn list(config: &Config, db: &std::path::Path) -> Result<bool> {
    let store = Store::open_read_only(db).with_context(|| format!("cannot open the database {}", db.display()))?;
    let states = store.watch_sources().context("cannot read the database")?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "source\tlast poll\tstatus\tfailures\tnext poll\titems\tlast error")?;
    for src in &config.sources {
        let Some(st) = states.iter().find(|s| s.url == src.url) else {
            writeln!(out, "{}\tnever\t\t0\tnow\t0\t", src.url)?;
            continue;
        };
        let when = |t: Option<i64>| t.map_or_else(|| "never".to_string(), sitrep_watch::iso_of);
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            src.url,
            when(st.last_polled),
            st.last_status.map_or_else(String::new, |s| s.to_string()),
            st.failures,
            when(Some(st.next_due)),
            st.items,
            st.last_error.as_deref().unwrap_or("")
        )?;
    }
    Ok(true)
}
