//! `sitrep ingest`, `sitrep query`, `sitrep serve`: the dataset commands.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use sitrep_core::{Document, EventQuery, Status};
use sitrep_ingest::{Item, Walker};
use sitrep_store::{Format, FuseParams, NewDocument, Put, Store};

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Files or directories: plain text, JSON Lines, HTML, RSS/Atom, WARC (`-`: standard input).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The database (created when missing).
    #[arg(long, default_value = "sitrep.db")]
    db: PathBuf,
    /// Force the language (ISO 639-1 code of a data pack) instead of detecting it.
    #[arg(long, ignore_case = true, value_parser = lang_parser())]
    lang: Option<String>,
    /// Publication date (YYYY-MM-DD) for articles that carry none.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    published: Option<String>,
    /// Worker threads for extraction (default: all cores).
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Articles per transaction.
    #[arg(long, default_value_t = 256)]
    batch: usize,
    /// Keep only events of at least this confidence (0 to 1; default 0 keeps all).
    #[arg(long, value_name = "X", default_value_t = 0.0, value_parser = parse_confidence)]
    min_confidence: f32,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Re-fuse every stored mention, not only the new ones and those they can meet.
    #[arg(long)]
    full_fusion: bool,
}

/// The analysis the store keeps for a document: content hash and result record. Names a
/// document without an id after its hash.
pub fn analyse(doc: &mut Document, config: &sitrep_extract::Config) -> (String, String) {
    let hash = sitrep_ingest::content_hash(&doc.text);
    if doc.id.is_empty() {
        doc.id = format!("doc-{}", &hash[..16.min(hash.len())]);
    }
    let a = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sitrep_extract::analyze(doc, config)))
        .unwrap_or_else(|_| {
            let mut a = sitrep_core::Analysis::default();
            a.diagnostics.push(sitrep_core::Diagnostic::new(
                "internal",
                "analysis failed on this document (a bug: please report it)",
            ));
            a
        });
    (hash, sitrep_output::to_string(doc, &a))
}

/// A progress bar of `len` steps drawn with `template` on a terminal (`show`), else hidden.
pub fn progress_bar(show: bool, len: u64, template: &str) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let b = indicatif::ProgressBar::new(len);
    b.set_style(
        indicatif::ProgressStyle::with_template(template).unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    b
}

/// `--min-confidence`: a number from 0 to 1.
pub fn parse_confidence(x: &str) -> std::result::Result<f32, String> {
    match x.trim().parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{x:?} is not a confidence from 0 to 1")),
    }
}

/// `--lang`: the codes of the data packs (others are a usage error listing them).
pub fn lang_parser() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(sitrep_extract::SUPPORTED)
}

/// `--type`: a PLOVER event type, in any case.
fn parse_event_type(t: &str) -> std::result::Result<String, String> {
    use sitrep_core::EventType;
    let up = t.to_ascii_uppercase();
    match EventType::ALL.iter().find(|e| e.as_str() == up) {
        Some(e) => Ok(e.as_str().to_string()),
        None => Err(format!(
            "{t:?} is not a PLOVER event type; one of {}",
            EventType::ALL.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// A day on the command line: `YYYY-MM-DD`, a real calendar day (one check for every
/// command; a bad one is a usage error, exit 2).
pub fn parse_day(p: &str) -> std::result::Result<String, String> {
    match sitrep_dates::Ymd::parse_day(p) {
        Some(_) => Ok(p.to_string()),
        None => Err(format!("{p:?} is not a date YYYY-MM-DD (a real day, e.g. 2022-09-13)")),
    }
}

/// Runs `sitrep ingest`. `Ok(false)` when some input had problems.
pub fn ingest(args: IngestArgs) -> Result<bool> {
    // Nothing to read: no database is created for it.
    if args.paths.iter().all(|p| p.as_os_str() != "-" && std::fs::symlink_metadata(p).is_err()) {
        let shown: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        anyhow::bail!("nothing to read: {} not found (the database was not created or changed)", shown.join(", "));
    }
    let mut store = Store::open(&args.db).with_context(|| format!("cannot open the database {}", args.db.display()))?;
    let config =
        sitrep_extract::Config { lang: args.lang.clone(), min_confidence: args.min_confidence, ..Default::default() };
    let extractor = config.identity();
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let mut walker = Walker::new(&args.paths);
    // Files stored before and unchanged since (same path, size and modification time)
    // are not read again: a rerun over a large directory costs a stat per file.
    let known = store.known_files().context("cannot read the database")?;
    let unchanged = walker.skip_files(|f| known.get(&f.path) == Some(&(f.size, f.mtime_ns)));
    drop(known);
    let show = !args.quiet && std::io::stderr().is_terminal();
    let bar = progress_bar(
        show,
        walker.total_bytes(),
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg} ETA {eta}",
    );
    let started = Instant::now();
    let (mut read, mut added, mut dups, mut problems) = (0u64, 0u64, 0u64, 0u64);
    let mut batch: Vec<(Document, String)> = Vec::new();
    // Stores a batch, then records `done` (files read to the end before it: all their
    // articles are in it or stored already, so they are known once it is committed).
    let flush = |batch: &mut Vec<(Document, String)>,
                 store: &mut Store,
                 done: Vec<sitrep_ingest::FileInfo>|
     -> Result<(u64, u64)> {
        let mut added = 0;
        let stored = batch.len() as u64;
        if !batch.is_empty() {
            let analysed = analyse_all(batch, &config, jobs);
            let docs: Vec<NewDocument<'_>> = batch
                .iter()
                .zip(&analysed)
                .map(|((d, origin), (hash, record))| NewDocument {
                    doc: d,
                    origin,
                    content_hash: hash,
                    record,
                    analysed_by: &extractor,
                })
                .collect();
            let puts = store.put(&docs).context("cannot write to the database")?;
            added = puts.iter().filter(|p| **p == Put::Added).count() as u64;
            batch.clear();
        }
        let files: Vec<(String, u64, i64)> = done.into_iter().map(|f| (f.path, f.size, f.mtime_ns)).collect();
        store.mark_files(&files).context("cannot write to the database")?;
        Ok((added, stored - added))
    };
    while let Some(item) = walker.next() {
        match item {
            Item::Article(a) => {
                read += 1;
                let mut doc = a.doc;
                if doc.published.is_none() {
                    doc.published = args.published.clone();
                }
                if args.lang.is_some() {
                    doc.lang = args.lang.clone();
                }
                let hash = sitrep_ingest::content_hash(&doc.text);
                if store.contains(&hash, doc.url.as_deref())? {
                    dups += 1;
                } else {
                    batch.push((doc, a.origin));
                }
            }
            Item::Problem(p) => {
                problems += 1;
                bar.suspend(|| eprintln!("sitrep: {p}"));
            }
        }
        if batch.len() >= args.batch.max(1) {
            let (a, d) = flush(&mut batch, &mut store, walker.take_done())?;
            added += a;
            dups += d;
        }
        if show {
            bar.set_position(walker.bytes_done());
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!("{read} articles, {:.0}/s", read as f64 / secs));
        }
    }
    let (a, d) = flush(&mut batch, &mut store, walker.take_done())?;
    added += a;
    dups += d;
    bar.finish_and_clear();
    let fuse_started = Instant::now();
    let fused = if args.full_fusion {
        Some(store.fuse_all(&FuseParams::default())?)
    } else if store.fusion_due()? {
        Some(store.fuse(&FuseParams::default())?)
    } else {
        None
    };
    let fuse_secs = fuse_started.elapsed().as_secs_f64();
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    let c = store.counts()?;
    if !args.quiet {
        eprintln!(
            "sitrep: {read} articles read in {secs:.2} s ({:.0}/s): {added} added, {dups} already stored, {problems} problems{}; \
             {} documents, {} event mentions, {} events in {}{}",
            read as f64 / secs,
            if unchanged > 0 {
                format!(", {unchanged} files unchanged since stored (not read)")
            } else {
                String::new()
            },
            c.documents,
            c.mentions,
            c.events,
            args.db.display(),
            match fused {
                Some(r) => format!(" ({} mentions fused in {fuse_secs:.2} s)", r.refused),
                None => " (nothing new to fuse)".into(),
            }
        );
        let outdated = store.outdated(&extractor)?;
        if outdated > 0 {
            eprintln!(
                "sitrep: note: {outdated} of the {} stored articles were analysed by another extractor than this one \
                 ({extractor}); `sitrep reanalyze --db {}` brings them up to it",
                c.documents,
                args.db.display()
            );
        }
    }
    Ok(problems == 0)
}

pub fn analyse_all(
    batch: &mut [(Document, String)],
    config: &sitrep_extract::Config,
    jobs: usize,
) -> Vec<(String, String)> {
    if jobs <= 1 || batch.len() < 2 {
        return batch.iter_mut().map(|(d, _)| analyse(d, config)).collect();
    }
    let chunk = batch.len().div_ceil(jobs);
    std::thread::scope(|s| {
        let handles: Vec<_> = batch
            .chunks_mut(chunk)
            .map(|c| s.spawn(move || c.iter_mut().map(|(d, _)| analyse(d, config)).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}

#[derive(clap::Args)]
pub struct QueryArgs {
    /// The database.
    #[arg(long, default_value = "sitrep.db")]
    db: PathBuf,
    /// jsonl (fused events), csv (ACLED column names), plover (PLOVER JSON Lines), geojson.
    #[arg(long, default_value = "jsonl")]
    format: String,
    /// First day (YYYY-MM-DD).
    #[arg(long, value_parser = parse_day)]
    from: Option<String>,
    /// Last day (YYYY-MM-DD).
    #[arg(long, value_parser = parse_day)]
    to: Option<String>,
    /// ISO 3166-1 alpha-3 country of the event.
    #[arg(long)]
    country: Option<String>,
    /// PLOVER event type (ASSAULT, PROTEST, ...).
    #[arg(long = "type", value_parser = parse_event_type)]
    event_type: Option<String>,
    /// current, historical, future, hypothetical, negated, or any (default: current, as in
    /// the API and the dashboard; negated and hypothetical events are rows only when asked).
    #[arg(long)]
    status: Option<String>,
    /// Words in an actor's name or its country code.
    #[arg(long)]
    actor: Option<String>,
    /// Smallest best fatality estimate.
    #[arg(long)]
    min_fatalities: Option<u64>,
    /// Full-text search in the reporting articles.
    #[arg(long = "text", short = 'q')]
    text: Option<String>,
    /// LAT,LON,KM: events within KM of the point.
    #[arg(long)]
    near: Option<String>,
    /// One event by id, in full (tolls, contradictions, mentions with evidence).
    #[arg(long)]
    event: Option<String>,
    /// Query archived analysis N (as it stood before re-analysis N; see `sitrep reanalyze --list`).
    #[arg(long, value_name = "N", conflicts_with = "as_of")]
    analysis: Option<i64>,
    /// The dataset as it stood at this time: events, tolls and claims then, not now
    /// (YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS]; UTC unless an offset such as +02:00 follows).
    #[arg(long, value_name = "TIME")]
    as_of: Option<String>,
    /// Write here instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

/// Runs `sitrep query`.
pub fn query(args: QueryArgs) -> Result<bool> {
    if !args.db.exists() {
        anyhow::bail!("{}: no such database (create it with `sitrep ingest`)", args.db.display());
    }
    let store = match args.analysis {
        Some(n) => Store::open_analysis(&args.db, n),
        None => Store::open_read_only(&args.db),
    }
    .with_context(|| format!("cannot open {}", args.db.display()))?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let as_of = match &args.as_of {
        Some(t) => Some(sitrep_store::parse_instant(t).map_err(|m| crate::Usage(format!("--as-of: {m}")))?),
        None => None,
    };
    if let Some(id) = &args.event {
        let e = store.event_as_of(id, as_of.as_deref())?;
        writeln!(out, "{}", serde_json::to_string_pretty(&e)?)?;
        out.flush()?;
        return Ok(true);
    }
    let format = Format::parse(&args.format)
        .ok_or_else(|| crate::Usage(format!("--format {:?}: expected jsonl, csv, plover or geojson", args.format)))?;
    let status = Status::filter(args.status.as_deref()).map_err(|m| crate::Usage(format!("--{m}")))?;
    let near = match &args.near {
        None => None,
        Some(n) => {
            let v: Vec<f64> = n.split(',').filter_map(|x| x.trim().parse().ok()).collect();
            if v.len() != 3 || v[2] <= 0.0 {
                anyhow::bail!("--near {n:?}: expected LAT,LON,KM");
            }
            Some((v[0], v[1], v[2]))
        }
    };
    let q = EventQuery {
        from: args.from,
        to: args.to,
        country: args.country,
        event_type: args.event_type,
        status,
        actor: args.actor,
        min_fatalities: args.min_fatalities,
        text: args.text,
        near,
        as_of,
        limit: 0,
        offset: 0,
    };
    let n = store.export(&q, format, &mut out).context("cannot write the export")?;
    out.flush().context("cannot write the export")?;
    eprintln!("sitrep: {n} events");
    Ok(true)
}

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The database (created when missing).
    #[arg(long, default_value = "sitrep.db")]
    db: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Bearer token that enables the write endpoints (or env SITREP_TOKEN). Without it the
    /// API is read-only.
    #[arg(long, env = "SITREP_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = 2 << 20)]
    max_body: usize,
    /// Time limit per request, in seconds.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// Seconds a client may take to send a request's headers.
    #[arg(long, value_name = "SECONDS", default_value_t = sitrep_server::HEADER_TIMEOUT.as_secs())]
    header_timeout: u64,
    /// Seconds a connection may stay open with no request in flight (keep-alive included).
    #[arg(long, value_name = "SECONDS", default_value_t = sitrep_server::IDLE_TIMEOUT.as_secs())]
    idle_timeout: u64,
    /// Seconds a response write may make no progress (a client that does not read).
    #[arg(long, value_name = "SECONDS", default_value_t = sitrep_server::IO_TIMEOUT.as_secs())]
    io_timeout: u64,
    /// Connections open at once; more wait in the listen queue.
    #[arg(long, value_name = "N", default_value_t = sitrep_server::MAX_CONNECTIONS)]
    max_connections: usize,
    /// Connections open at once from one client IP address; more are closed at once.
    #[arg(long, value_name = "N", default_value_t = sitrep_server::MAX_CLIENT_CONNECTIONS)]
    max_client_connections: usize,
    /// Bytes of rendered responses kept in the response cache (0 turns it off).
    #[arg(long, value_name = "BYTES", default_value_t = sitrep_server::CACHE_BYTES)]
    cache_bytes: usize,
    /// A host name to serve besides localhost, loopback and the bound address (repeatable;
    /// other `Host` headers get 421, against DNS rebinding).
    #[arg(long = "allowed-host", value_name = "NAME")]
    allowed_hosts: Vec<String>,
}

/// Runs `sitrep serve` until Ctrl-C.
pub fn serve(args: ServeArgs) -> Result<bool> {
    let config = sitrep_extract::Config::default();
    let extractor = config.identity();
    let analyze: Arc<sitrep_server::Analyze> = Arc::new(move |d: &mut Document| analyse(d, &config));
    if let Ok(outdated) = Store::open_read_only(&args.db).and_then(|s| s.outdated(&extractor))
        && outdated > 0
    {
        eprintln!(
            "sitrep: note: {outdated} stored articles were analysed by another extractor than this one ({extractor}); \
             `sitrep reanalyze --db {}` brings them up to it",
            args.db.display()
        );
    }
    let mut c = sitrep_server::Config::new(args.db.clone(), analyze);
    c.extractor = extractor;
    c.token = args.token.filter(|t| !t.is_empty());
    c.max_body = args.max_body;
    c.timeout = std::time::Duration::from_secs(args.timeout.max(1));
    c.cache_bytes = args.cache_bytes;
    let secs = |s: u64| std::time::Duration::from_secs(s.max(1));
    let settings = sitrep_server::Settings {
        header_timeout: secs(args.header_timeout),
        idle_timeout: secs(args.idle_timeout),
        io_timeout: secs(args.io_timeout),
        max_connections: args.max_connections.max(1),
        max_client_connections: args.max_client_connections.max(1),
        allowed_hosts: args.allowed_hosts,
        ..sitrep_server::Settings::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    rt.block_on(sitrep_server::serve(c, settings, args.addr))
        .with_context(|| format!("cannot serve on {} with {}", args.addr, args.db.display()))?;
    Ok(true)
}
